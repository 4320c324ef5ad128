//! Review packets (`jury-packet/1`): one member's scores, comments and
//! conflict-of-interest declarations, carried from their laptop to the
//! chair's. This module is the pure part: the file format, its checksum, and
//! the merge rules. `store::packets` applies them to a database.
//!
//! The checksum is the SHA-256 (lowercase hex) of the packet's *canonical
//! JSON*: `serde_json::to_string` of the [`Packet`] struct with `checksum` set
//! to `""` (fields in declaration order, no whitespace). Unknown fields are
//! refused when reading, so nothing outside the checksum can ride along.
//!
//! Merge rules, per dossier and criterion, comparing the chair's row for that
//! member with the packet's row: the most recent `updated_at` wins; the same
//! content is unchanged (only its date may move forward); the same
//! `updated_at` with a different value or comment is a conflict, left for the
//! chair. Applying a packet is therefore idempotent, and merging several
//! packets of one member in any order gives the same table.

use crate::format::{Format, Seen};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

mod error;
pub use error::{Dated, JsonProblem, PacketError};

pub const FORMAT: &str = "jury-packet/1";
/// The format this Jury writes and reads.
const WRITTEN: Format = Format {
    family: "jury-packet/",
    version: 1,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Packet {
    pub format: String,
    pub call_id: String,
    pub member: String,
    /// RFC 3339.
    pub exported_at: String,
    pub scores: Vec<PacketScore>,
    pub conflicts: Vec<PacketConflict>,
    pub checksum: String,
}

/// One score (or comment alone) of the packet's member.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
    /// An unsealed packet of the current format (checksum empty).
    pub fn new(call_id: &str, member: &str, exported_at: &str) -> Packet {
        Packet {
            format: FORMAT.into(),
            call_id: call_id.into(),
            member: member.into(),
            exported_at: exported_at.into(),
            scores: Vec::new(),
            conflicts: Vec::new(),
            checksum: String::new(),
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

    /// The file's text (pretty JSON; the checksum does not depend on layout).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// `serde_json::to_string` of the packet with `checksum` set to "".
pub fn canonical(p: &Packet) -> String {
    let unsealed = Packet {
        checksum: String::new(),
        ..p.clone()
    };
    serde_json::to_string(&unsealed).unwrap_or_default()
}

/// SHA-256 hex of [`canonical`].
pub fn checksum(p: &Packet) -> String {
    crate::sha256_hex(canonical(p).as_bytes())
}

/// Sets the checksum over the content.
pub fn seal(mut p: Packet) -> Packet {
    p.checksum = checksum(&p);
    p
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
        if instant(&c.declared_at).is_none() {
            return Err(bad_date(
                Dated::Conflict(c.reference.clone()),
                &c.declared_at,
            ));
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
        let future = text.replace(FORMAT, "jury-packet/2");
        let err = open(future.as_bytes()).expect_err("future");
        assert_eq!(err, PacketError::Future("jury-packet/2".into()));
        assert!(err.to_string().contains("version plus récente de Jury"));
        let tampered = text.replace("\"value\": 4.0", "\"value\": 5.0");
        assert_ne!(tampered, text);
        assert_eq!(open(tampered.as_bytes()), Err(PacketError::Checksum));
        let extra = text.replacen("\"member\"", "\"note\": 1,\n  \"member\"", 1);
        let err = open(extra.as_bytes()).expect_err("unknown field");
        assert!(err.to_string().contains("champ inconnu"), "{err}");
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
