//! Review packets (`jury-packet/2`): one member's scores, comments and
//! conflict-of-interest declarations, carried from their laptop to the
//! chair's. This module is the pure part: the file format, its checksum and
//! authentication code, and the merge rules. `store::packets` applies them
//! to a database.
//!
//! The packet's *canonical JSON* is `serde_json::to_string` of the
//! [`Packet`] struct with `checksum` and `mac` set to `""` (fields in
//! declaration order, no whitespace). The checksum is its SHA-256 (lowercase
//! hex): anyone can recompute it, so it only tells a damaged file. The `mac`
//! is its HMAC-SHA256 keyed with the secret the chair issued to the member
//! in their bundle (`jury bundle --for`): only the chair's database and that
//! member's laptop hold the key, so only they can write a packet in the
//! member's name. Unknown fields are refused when reading, so nothing outside
//! the checksum can ride along.
//!
//! Merge rules, per dossier and criterion, comparing the chair's row for that
//! member with the packet's row: the most recent `updated_at` wins; the same
//! content is unchanged (only its date may move forward); the same
//! `updated_at` with a different value or comment is a conflict, left for the
//! chair. Applying a packet is therefore idempotent, and merging several
//! packets of one member in any order gives the same table.

use crate::format::{Format, Seen};
use chrono::{DateTime, FixedOffset};
use hmac::Mac;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

mod error;
pub use error::{Dated, JsonProblem, PacketError};

pub const FORMAT: &str = "jury-packet/2";
/// Packets before authentication: refused with a word on how to get a
/// current one.
const UNAUTHENTICATED: &str = "jury-packet/1";
/// The format this Jury writes and reads.
const WRITTEN: Format = Format {
    family: "jury-packet/",
    version: 2,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Packet {
    pub format: String,
    pub call_id: String,
    pub member: String,
    /// RFC 3339.
    pub exported_at: String,
    /// The fingerprint of the grid the member scored on
    /// ([`crate::grid::fingerprint`]).
    pub grid: String,
    /// Which key the chair issued to the member ([`key_id`]): the chair
    /// finds the secret by it, and tells a replaced key from a wrong one.
    pub key_id: String,
    pub scores: Vec<PacketScore>,
    pub conflicts: Vec<PacketConflict>,
    pub checksum: String,
    /// HMAC-SHA256 (hex) of the canonical JSON, keyed with the member's secret.
    pub mac: String,
}

/// One score (or comment alone) of the packet's member.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PacketScore {
    pub reference: String,
    pub criterion: String,
    pub value: Option<f64>,
    pub comment: String,
    /// RFC 3339: when the member last changed it.
    pub updated_at: String,
}

/// A conflict of interest the packet's member declared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PacketConflict {
    pub reference: String,
    pub reason: String,
    /// RFC 3339.
    pub declared_at: String,
    /// RFC 3339, when the member withdrew it; absent while it stands (and in
    /// packets written before withdrawals travelled, which still verify).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<String>,
}

impl Packet {
    /// An unsealed packet of the current format (checksum, grid, key and
    /// mac empty).
    pub fn new(call_id: &str, member: &str, exported_at: &str) -> Packet {
        Packet {
            format: FORMAT.into(),
            call_id: call_id.into(),
            member: member.into(),
            exported_at: exported_at.into(),
            grid: String::new(),
            key_id: String::new(),
            scores: Vec::new(),
            conflicts: Vec::new(),
            checksum: String::new(),
            mac: String::new(),
        }
    }

    /// The dossiers the packet speaks of (scores and conflicts), sorted.
    pub fn references(&self) -> BTreeSet<&str> {
        self.scores
            .iter()
            .map(|s| s.reference.as_str())
            .chain(self.conflicts.iter().map(|c| c.reference.as_str()))
            .collect()
    }

    /// Does the stored checksum match the content?
    pub fn is_sealed(&self) -> bool {
        self.checksum == checksum(self)
    }

    /// Was it written with this secret? Compared in constant time.
    pub fn is_authentic(&self, secret: &[u8]) -> bool {
        let Some(given) = crate::hex::unhex(&self.mac) else {
            return false;
        };
        keyed(secret, &canonical(self)).verify_slice(&given).is_ok()
    }

    /// The file's text (pretty JSON; the checksum does not depend on layout).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// The member's key as their bundle delivers it (`cle-membre.json` in the
/// installed call folder, 0600): whose it is, which key, since when, and the
/// secret the chair's database keeps for them.
#[derive(Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    pub format: String,
    pub call_id: String,
    pub member: String,
    pub key_id: String,
    pub issued_at: String,
    /// 32 random bytes, hex.
    pub secret: String,
}

pub const CREDENTIAL_FORMAT: &str = "jury-cle-membre/1";

/// Never prints the secret (a debug trace must not leak it).
impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("call_id", &self.call_id)
            .field("member", &self.member)
            .field("key_id", &self.key_id)
            .field("issued_at", &self.issued_at)
            .finish_non_exhaustive()
    }
}

impl Credential {
    /// The secret's bytes, when it is hex and names the key it claims.
    pub fn secret_bytes(&self) -> Option<Vec<u8>> {
        crate::hex::unhex(&self.secret).filter(|s| !s.is_empty() && key_id(s) == self.key_id)
    }
}

/// `serde_json::to_string` of the packet with `checksum` and `mac` set to "".
pub fn canonical(p: &Packet) -> String {
    let unsealed = Packet {
        checksum: String::new(),
        mac: String::new(),
        ..p.clone()
    };
    serde_json::to_string(&unsealed).unwrap_or_default()
}

/// SHA-256 hex of [`canonical`].
pub fn checksum(p: &Packet) -> String {
    crate::sha256_hex(canonical(p).as_bytes())
}

/// Sets the checksum over the content (the mac is left as it is: a packet
/// sealed without the key does not authenticate).
pub fn seal(mut p: Packet) -> Packet {
    p.checksum = checksum(&p);
    p
}

/// Seals the packet and authenticates it with the member's secret.
pub fn sign(mut p: Packet, secret: &[u8]) -> Packet {
    p.checksum = checksum(&p);
    p.mac = crate::hex(&keyed(secret, &canonical(&p)).finalize().into_bytes());
    p
}

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

fn keyed(secret: &[u8], canonical: &str) -> HmacSha256 {
    // HMAC takes keys of any length: this cannot fail.
    let mut mac =
        <HmacSha256 as Mac>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(canonical.as_bytes());
    mac
}

/// A member key's public name: the first 16 hex digits of the SHA-256 of
/// the secret. It names the key in packets, bundles and the audit log,
/// which anyone may read, without giving the secret away.
pub fn key_id(secret: &[u8]) -> String {
    crate::sha256_hex(secret).chars().take(16).collect()
}

/// Reads a packet file: JSON, format version, fields, checksum, dates.
pub fn open(bytes: &[u8]) -> Result<Packet, PacketError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        use serde_json::error::Category;
        let (line, column) = (e.line(), e.column());
        PacketError::Json(match e.classify() {
            Category::Eof => JsonProblem::Cut { line, column },
            Category::Io => JsonProblem::Unreadable,
            _ => JsonProblem::Syntax { line, column },
        })
    })?;
    let Some(format) = value.get("format").and_then(|f| f.as_str()) else {
        return Err(PacketError::NotAPacket);
    };
    if format == UNAUTHENTICATED {
        return Err(PacketError::Unauthenticated);
    }
    match WRITTEN.seen(format) {
        Seen::Current => {}
        Seen::Future => return Err(PacketError::Future(format.into())),
        Seen::Unknown => return Err(PacketError::Format(format.into())),
    }
    let packet: Packet =
        serde_json::from_value(value).map_err(|e| PacketError::Fields(e.to_string()))?;
    if !packet.is_sealed() {
        return Err(PacketError::Checksum);
    }
    validate(&packet)?;
    Ok(packet)
}

/// Checks what the checksum cannot: dates readable, one row per key.
pub fn validate(p: &Packet) -> Result<(), PacketError> {
    let bad_date = |what, s: &str| PacketError::BadDate(what, s.to_string());
    if p.call_id.trim().is_empty() {
        return Err(PacketError::EmptyCallId);
    }
    if p.member.trim().is_empty() {
        return Err(PacketError::EmptyMember);
    }
    if instant(&p.exported_at).is_none() {
        return Err(bad_date(Dated::Export, &p.exported_at));
    }
    let mut seen = BTreeSet::new();
    for s in &p.scores {
        let key = format!("{}/{}", s.reference, s.criterion);
        if instant(&s.updated_at).is_none() {
            return Err(bad_date(Dated::Score(key), &s.updated_at));
        }
        if !seen.insert(key.clone()) {
            return Err(PacketError::DuplicateScore(key));
        }
    }
    let mut seen = BTreeSet::new();
    for c in &p.conflicts {
        let Some(declared) = instant(&c.declared_at) else {
            return Err(bad_date(
                Dated::Conflict(c.reference.clone()),
                &c.declared_at,
            ));
        };
        if let Some(w) = &c.withdrawn_at {
            let withdrawn =
                instant(w).ok_or_else(|| bad_date(Dated::Conflict(c.reference.clone()), w))?;
            if withdrawn < declared {
                return Err(PacketError::WithdrawnBeforeDeclared(
                    c.reference.clone(),
                    w.clone(),
                    c.declared_at.clone(),
                ));
            }
        }
        if !seen.insert(c.reference.as_str()) {
            return Err(PacketError::DuplicateConflict(c.reference.clone()));
        }
    }
    Ok(())
}

/// How far ahead of the importing computer's clock a member's clock may be.
const CLOCK_DRIFT_MINUTES: i64 = 10;

/// Refuses dates in the future of the import (a forged `9999-12-31` would
/// win every « most recent wins » merge) and scores or conflicts dated after
/// the packet's own export.
pub fn check_times(p: &Packet, now: DateTime<chrono::Utc>) -> Result<(), PacketError> {
    let limit = now + chrono::TimeDelta::minutes(CLOCK_DRIFT_MINUTES);
    let exported = instant(&p.exported_at)
        .ok_or_else(|| PacketError::BadDate(Dated::Export, p.exported_at.clone()))?;
    if exported > limit {
        return Err(PacketError::FromTheFuture(
            Dated::Export,
            p.exported_at.clone(),
        ));
    }
    let dated = p
        .scores
        .iter()
        .map(|s| {
            (
                Dated::Score(format!("{}/{}", s.reference, s.criterion)),
                s.updated_at.as_str(),
            )
        })
        .chain(p.conflicts.iter().flat_map(|c| {
            std::iter::once((Dated::Conflict(c.reference.clone()), c.declared_at.as_str())).chain(
                c.withdrawn_at
                    .as_deref()
                    .map(|w| (Dated::Conflict(c.reference.clone()), w)),
            )
        }));
    for (what, date) in dated {
        let at = instant(date).ok_or_else(|| PacketError::BadDate(what.clone(), date.into()))?;
        if at > limit {
            return Err(PacketError::FromTheFuture(what, date.into()));
        }
        if at > exported {
            return Err(PacketError::AfterExport(what, date.into()));
        }
    }
    Ok(())
}

/// Refuses dates before the member was first issued a bundle: the member
/// cannot have scored before they had the dossiers, so such a date is
/// forged (to lose every « most recent wins » merge, or to pass for old).
/// The first issue counts, not the latest: a member re-issued a bundle
/// keeps the scores they typed with the previous one.
pub fn check_issued(p: &Packet, first_issued: &str) -> Result<(), PacketError> {
    let Some(issued) = instant(first_issued) else {
        return Ok(());
    };
    // The member's clock may be a little behind the chair's.
    let issued = issued - chrono::TimeDelta::minutes(CLOCK_DRIFT_MINUTES);
    let dated = std::iter::once((Dated::Export, p.exported_at.as_str()))
        .chain(p.scores.iter().map(|s| {
            (
                Dated::Score(format!("{}/{}", s.reference, s.criterion)),
                s.updated_at.as_str(),
            )
        }))
        .chain(p.conflicts.iter().flat_map(|c| {
            std::iter::once(c.declared_at.as_str())
                .chain(c.withdrawn_at.as_deref())
                .map(|date| (Dated::Conflict(c.reference.clone()), date))
        }));
    for (what, date) in dated {
        if instant(date).is_some_and(|at| at < issued) {
            return Err(PacketError::BeforeIssue(
                what,
                date.into(),
                first_issued.into(),
            ));
        }
    }
    Ok(())
}

/// An RFC 3339 date, or `None`.
pub fn instant(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

/// Compares two `updated_at`: as instants when both parse, as text otherwise.
pub fn compare_times(a: &str, b: &str) -> Ordering {
    match (instant(a), instant(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

/// The chair's version and the packet's version of one score.
#[derive(Clone, Debug, PartialEq)]
pub struct Versions {
    pub stored: PacketScore,
    pub incoming: PacketScore,
}

impl Versions {
    /// Same content, and the packet's date is later: only the date moves.
    pub fn newer_date(&self) -> bool {
        compare_times(&self.incoming.updated_at, &self.stored.updated_at) == Ordering::Greater
    }
}

/// What merging a packet's rows into the chair's rows for that member does.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// Not in the chair's database: written.
    pub added: Vec<PacketScore>,
    /// The packet's row is more recent and differs: written.
    pub changed: Vec<Versions>,
    /// Same value and comment: nothing written but, if the packet's date is
    /// later, the date (so that any merge order gives the same table).
    pub unchanged: Vec<Versions>,
    /// The chair's row is more recent: left alone.
    pub older: Vec<Versions>,
    /// Same date, different content: reported, left for the chair.
    pub conflicts: Vec<Versions>,
}

fn same_content(a: &PacketScore, b: &PacketScore) -> bool {
    a.value == b.value && a.comment == b.comment
}

/// The merge rules. `stored` are the chair's rows for the packet's member,
/// `incoming` the packet's; both keyed by (reference, criterion).
pub fn plan(stored: &[PacketScore], incoming: &[PacketScore]) -> Plan {
    let by_key: BTreeMap<(&str, &str), &PacketScore> = stored
        .iter()
        .map(|s| ((s.reference.as_str(), s.criterion.as_str()), s))
        .collect();
    let mut plan = Plan::default();
    for inc in incoming {
        let Some(old) = by_key.get(&(inc.reference.as_str(), inc.criterion.as_str())) else {
            // A score cleared on the member's laptop that the chair never had.
            if inc.value.is_some() || !inc.comment.is_empty() {
                plan.added.push(inc.clone());
            }
            continue;
        };
        let v = Versions {
            stored: (*old).clone(),
            incoming: inc.clone(),
        };
        if same_content(old, inc) {
            plan.unchanged.push(v);
            continue;
        }
        match compare_times(&inc.updated_at, &old.updated_at) {
            Ordering::Greater => plan.changed.push(v),
            Ordering::Less => plan.older.push(v),
            Ordering::Equal => plan.conflicts.push(v),
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(reference: &str, criterion: &str, value: f64, at: &str) -> PacketScore {
        PacketScore {
            reference: reference.into(),
            criterion: criterion.into(),
            value: Some(value),
            comment: String::new(),
            updated_at: at.into(),
        }
    }

    fn sample() -> Packet {
        let mut p = Packet::new(
            "caf06-pdnp-2025",
            "Julien Ferrand",
            "2025-07-05T10:00:00.000Z",
        );
        p.scores.push(score(
            "PDNP06-2025-001",
            "experience",
            4.0,
            "2025-07-05T09:00:00.000Z",
        ));
        p.scores.push(PacketScore {
            comment: "Très bon projet, « café des parents » réel".into(),
            ..score(
                "PDNP06-2025-001",
                "formation",
                2.5,
                "2025-07-05T09:01:00.000Z",
            )
        });
        p.conflicts.push(PacketConflict {
            reference: "PDNP06-2025-002".into(),
            reason: "ancien employeur".into(),
            declared_at: "2025-07-04T08:00:00+02:00".into(),
            withdrawn_at: None,
        });
        seal(p)
    }

    #[test]
    fn packet_round_trips_and_checksum_is_canonical() {
        let p = sample();
        assert_eq!(p.checksum.len(), 64);
        let back = open(p.to_json().as_bytes()).expect("open");
        assert_eq!(back, p);
        // Layout does not matter: compact JSON opens too.
        let compact = serde_json::to_string(&p).expect("json");
        assert_eq!(open(compact.as_bytes()).expect("open"), p);
        // The checksum is the SHA-256 of the struct with an empty checksum.
        let mut unsealed = p.clone();
        unsealed.checksum.clear();
        let expected =
            crate::sha256_hex(serde_json::to_string(&unsealed).expect("json").as_bytes());
        assert_eq!(p.checksum, expected);
    }

    #[test]
    fn packet_errors_are_french_and_precise() {
        assert!(matches!(open(b"{ pas du json"), Err(PacketError::Json(_))));
        assert!(matches!(open(b"{\"a\": 1}"), Err(PacketError::NotAPacket)));
        let text = sample().to_json();
        let cut = &text.as_bytes()[..text.len() / 2];
        let err = open(cut).expect_err("cut");
        assert!(err.to_string().contains("coupé avant la fin"), "{err}");
        let other = text.replace(FORMAT, "jury-appel/1");
        assert_eq!(
            open(other.as_bytes()),
            Err(PacketError::Format("jury-appel/1".into()))
        );
        let future = text.replace(FORMAT, "jury-packet/3");
        let err = open(future.as_bytes()).expect_err("future");
        assert_eq!(err, PacketError::Future("jury-packet/3".into()));
        assert!(err.to_string().contains("version plus récente de Jury"));
        let old = text.replace(FORMAT, "jury-packet/1");
        let err = open(old.as_bytes()).expect_err("v1");
        assert_eq!(err, PacketError::Unauthenticated);
        assert!(err.to_string().contains("jury bundle --for"), "{err}");
        let tampered = text.replace("\"value\": 4.0", "\"value\": 5.0");
        assert_ne!(tampered, text);
        assert_eq!(open(tampered.as_bytes()), Err(PacketError::Checksum));
        let extra = text.replacen("\"member\"", "\"note\": 1,\n  \"member\"", 1);
        let err = open(extra.as_bytes()).expect_err("unknown field");
        assert!(err.to_string().contains("champ inconnu"), "{err}");
    }

    #[test]
    fn only_the_members_secret_authenticates_a_packet() {
        let secret = [7u8; 32];
        let signed = sign(sample(), &secret);
        assert!(signed.is_sealed());
        assert!(signed.is_authentic(&secret));
        assert!(!signed.is_authentic(&[8u8; 32]));
        // The forgery: another member named, checksum recomputed without the key.
        let mut forged = signed.clone();
        forged.member = "Sylvie Marcellin".into();
        let forged = seal(forged);
        assert!(forged.is_sealed());
        assert!(!forged.is_authentic(&secret));
        let mut no_mac = signed.clone();
        no_mac.mac = "pas de l'hexadécimal".into();
        assert!(!no_mac.is_authentic(&secret));
        assert_eq!(key_id(&secret).len(), 16);
        assert_ne!(key_id(&secret), key_id(&[8u8; 32]));
    }

    #[test]
    fn dates_before_the_bundle_was_issued_are_refused() {
        let p = sample();
        assert_eq!(check_issued(&p, "2025-07-01T00:00:00Z"), Ok(()));
        let err = check_issued(&p, "2025-07-05T09:00:30Z").expect_err("before");
        assert!(
            matches!(&err, PacketError::BeforeIssue(Dated::Conflict(r), _, _) if r == "PDNP06-2025-002"),
            "{err:?}"
        );
        let err = check_issued(&p, "2025-07-05T09:30:00Z").expect_err("before");
        assert!(
            err.to_string().contains("antérieure à la remise du lot"),
            "{err}"
        );
        // A few minutes of clock drift are tolerated.
        let mut recent = sample();
        recent.conflicts.clear();
        assert_eq!(check_issued(&recent, "2025-07-05T09:05:00Z"), Ok(()));
    }

    #[test]
    fn a_withdrawal_is_dated_after_the_bundle_and_the_declaration() {
        let issued = "2025-07-01T00:00:00Z";
        let mut p = sample();
        p.conflicts[0].withdrawn_at = Some("2000-01-01T00:00:00Z".into());
        let err = check_issued(&p, issued).expect_err("withdrawn before the bundle");
        assert!(
            matches!(&err, PacketError::BeforeIssue(Dated::Conflict(r), d, _) if r == "PDNP06-2025-002" && d.starts_with("2000")),
            "{err:?}"
        );
        let err = validate(&p).expect_err("withdrawn before declared");
        assert!(
            err.to_string()
                .contains("retiré le « 2000-01-01T00:00:00Z », avant d'avoir été déclaré"),
            "{err}"
        );
        p.conflicts[0].withdrawn_at = Some("hier".into());
        assert!(matches!(validate(&p), Err(PacketError::BadDate(..))));
        p.conflicts[0].withdrawn_at = Some("2025-07-04T09:00:00+02:00".into());
        assert_eq!(validate(&p), Ok(()));
        assert_eq!(check_issued(&p, issued), Ok(()));
    }

    #[test]
    fn every_single_flipped_byte_is_refused() {
        let text = sample().to_json().into_bytes();
        for i in 0..text.len() {
            let mut bytes = text.clone();
            bytes[i] ^= 0x01;
            assert!(open(&bytes).is_err(), "byte {i} flipped was accepted");
        }
    }

    #[test]
    fn bad_dates_and_duplicates_are_refused() {
        let mut p = sample();
        p.scores[0].updated_at = "hier".into();
        let err = open(seal(p).to_json().as_bytes()).expect_err("date");
        assert!(err.to_string().contains("« hier » illisible"), "{err}");
        let mut p = sample();
        let dup = p.scores[0].clone();
        p.scores.push(dup);
        let err = open(seal(p).to_json().as_bytes()).expect_err("dup");
        assert!(err.to_string().contains("présente deux fois"), "{err}");
    }

    #[test]
    fn merge_plan_follows_the_rules() {
        let stored = vec![
            score("A", "x", 1.0, "2025-07-05T09:00:00Z"),
            score("A", "y", 2.0, "2025-07-05T09:00:00Z"),
            score("A", "z", 3.0, "2025-07-05T12:00:00Z"),
            score("B", "x", 4.0, "2025-07-05T09:00:00Z"),
            score("B", "y", 5.0, "2025-07-05T09:00:00Z"),
        ];
        let incoming = vec![
            score("A", "x", 1.0, "2025-07-05T09:00:00Z"), // unchanged
            score("A", "y", 3.0, "2025-07-05T10:00:00Z"), // changed
            score("A", "z", 1.0, "2025-07-05T11:00:00Z"), // older
            score("B", "x", 2.0, "2025-07-05T11:00:00+02:00"), // same instant: conflict
            score("B", "y", 5.0, "2025-07-06T09:00:00Z"), // unchanged, newer date
            score("C", "x", 0.0, "2025-07-05T09:00:00Z"), // added
        ];
        let p = plan(&stored, &incoming);
        assert_eq!(p.added, vec![incoming[5].clone()]);
        assert_eq!(p.changed.len(), 1);
        assert_eq!(p.changed[0].incoming, incoming[1]);
        assert_eq!(p.unchanged.len(), 2);
        assert!(!p.unchanged[0].newer_date());
        assert!(p.unchanged[1].newer_date());
        assert_eq!(p.older.len(), 1);
        assert_eq!(p.older[0].stored, stored[2]);
        assert_eq!(p.conflicts.len(), 1);
        assert_eq!(p.conflicts[0].incoming, incoming[3]);
    }

    #[test]
    fn a_different_comment_alone_is_a_change() {
        let stored = vec![score("A", "x", 1.0, "2025-07-05T09:00:00Z")];
        let incoming = vec![PacketScore {
            comment: "à revoir".into(),
            ..score("A", "x", 1.0, "2025-07-05T10:00:00Z")
        }];
        assert_eq!(plan(&stored, &incoming).changed.len(), 1);
    }
}
