//! Verifying the hash-chained audit log that `store` appends to.
//!
//! Each event's `hash` covers its own content and the previous event's hash
//! ([`event_hash`]); the first event chains to "". Walking the log in id
//! order therefore detects, at the first place it happens:
//!
//! - an event whose content was edited (its hash no longer matches it);
//! - an event whose hash was edited or recomputed after editing it (the next
//!   event no longer chains to it);
//! - events deleted from the middle or the beginning (ids are consecutive).
//!
//! What the chain alone cannot detect:
//!
//! - deleting the last events: what remains is still a valid chain;
//! - rewriting every event from some point on, recomputing all the hashes:
//!   there is no secret key, anyone holding the file can do it;
//! - a change made to the other tables (`scores`, `dossiers`...) without an
//!   event: the log says what was recorded, not that the tables still match it.
//!
//! The first two are caught by comparing [`head`], the "empreinte finale"
//! printed by `jury verify`, with the one the committee wrote in its minutes.

use indexmap::IndexMap;
use serde_json::Value;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The hash of one event: its content and the previous event's hash, each
/// part length-prefixed so that no two contents collide.
pub fn event_hash(
    prev: &str,
    at: &str,
    actor: &str,
    action: &str,
    target: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        at,
        actor,
        action,
        target,
        before.unwrap_or("\u{0}"),
        after.unwrap_or("\u{0}"),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    crate::hex(&h.finalize())
}

/// One row of the `audit` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl Event {
    /// The hash this event's content and `prev_hash` call for.
    pub fn computed_hash(&self) -> String {
        event_hash(
            &self.prev_hash,
            &self.at,
            &self.actor,
            &self.action,
            &self.target,
            self.before.as_deref(),
            self.after.as_deref(),
        )
    }
}

/// Where the chain is first broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Break {
    /// The event's `prev_hash` is not the previous event's hash (or not ""
    /// for the first event): the previous event's hash was rewritten.
    PrevMismatch { id: i64 },
    /// The event's content no longer matches its hash.
    HashMismatch { id: i64 },
    /// Ids are not consecutive: the events between were deleted. `after` is 0
    /// when the log does not start at 1 (its first events were deleted).
    Gap { after: i64, next: i64 },
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Break::HashMismatch { id } => write!(
                f,
                "événement n° {id} modifié : son empreinte ne correspond plus à son contenu"
            ),
            Break::PrevMismatch { id } => write!(
                f,
                "événement n° {id} : le chaînage avec l'événement précédent est rompu"
            ),
            Break::Gap { after: 0, next } => {
                write!(f, "événements supprimés avant le n° {next}")
            }
            Break::Gap { after, next } => write!(
                f,
                "événements supprimés entre le n° {after} et le n° {next}"
            ),
        }
    }
}

/// The outcome of walking the whole log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    /// Events read.
    pub events: usize,
    /// `None` when the chain is intact.
    pub first_break: Option<Break>,
    /// The last event's hash (see [`head`]).
    pub head: Option<String>,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none()
    }
}

/// Checks the chain. `events` must be the whole log in id order, as
/// [`read_events`] returns it with no target (a filtered history does not
/// chain). Stops at the first break.
pub fn verify_events(events: &[Event]) -> Verification {
    let mut prev: Option<&Event> = None;
    let mut first_break = None;
    for e in events {
        let (expected_id, expected_prev) = match prev {
            Some(p) => (p.id.checked_add(1), p.hash.as_str()),
            None => (Some(1), ""),
        };
        if expected_id != Some(e.id) {
            first_break = Some(Break::Gap {
                after: prev.map_or(0, |p| p.id),
                next: e.id,
            });
            break;
        }
        if e.prev_hash != expected_prev {
            first_break = Some(Break::PrevMismatch { id: e.id });
            break;
        }
        if e.computed_hash() != e.hash {
            first_break = Some(Break::HashMismatch { id: e.id });
            break;
        }
        prev = Some(e);
    }
    Verification {
        events: events.len(),
        first_break,
        head: head(events).map(str::to_string),
    }
}

/// The last event's hash: the "empreinte finale" to write in the minutes.
///
/// The chain cannot reveal that its last events were deleted, nor that it was
/// rewritten from some point on with every hash recomputed; a later
/// `jury verify` whose final fingerprint differs from the one in the minutes
/// (with no new event since) does. `None` for an empty log.
pub fn head(events: &[Event]) -> Option<&str> {
    events.last().map(|e| e.hash.as_str())
}

/// Keys whose text is free text that can name applicants: score comments,
/// conflict reasons, override justifications (also inside a session's
/// frozen snapshots and an undo's restored value), the pieces a request
/// asks for, and the chair's reason for taking a decision past the aid
/// envelope (a justification like an eligibility override's). Their
/// non-empty values are kept out of the hashed payload of events written
/// since schema 9, so `jury anonymise` can erase them without rewriting
/// the chain.
pub const PERSONAL_KEYS: [&str; 5] = [
    "comment",
    "reason",
    "justification",
    "missing",
    "budget_override",
];

/// The key of the commitment to the private part in a hashed payload.
pub const PRIVATE_KEY: &str = "private";

/// The personal part of one event: JSON pointer (`/after/comment`,
/// `/before/snapshots/0/scores/2/comment`) → the text blanked there.
pub type PrivatePart = BTreeMap<String, String>;

/// The salted commitment to a private part: SHA-256 of the salt then the
/// part's JSON. Without the salt a guessed comment could be confirmed
/// against the commitment; the salt is erased with the part.
pub fn commitment(salt: &str, content: &str) -> String {
    let mut h = Sha256::new();
    h.update((salt.len() as u64).to_le_bytes());
    h.update(salt.as_bytes());
    h.update(content.as_bytes());
    crate::hex(&h.finalize())
}

/// `raw` written into `text` with the texts under [`PERSONAL_KEYS`] blanked
/// and moved into `out` by pointer. Each value is read as text and only
/// descended into: no tree of the whole payload is built, which for a
/// session's close (a snapshot of every dossier) took gigabytes. For an
/// object, whether it has [`PRIVATE_KEY`] (see [`Blanked::commit`]).
fn blank(
    raw: &RawValue,
    at: &str,
    out: &mut PrivatePart,
    text: &mut String,
) -> Result<Option<bool>, serde_json::Error> {
    let json = raw.get();
    match json.as_bytes().first() {
        Some(b'{') => {
            return members(
                json,
                at,
                text,
                |_| false,
                |k, item, here, text| {
                    if PERSONAL_KEYS.contains(&k) && item.get().starts_with('"') {
                        let personal: String = serde_json::from_str(item.get())?;
                        if !personal.is_empty() {
                            out.insert(here.to_string(), personal);
                        }
                        text.push_str("\"\"");
                        Ok(true)
                    } else {
                        blank(item, here, out, text).map(|_| true)
                    }
                },
            );
        }
        Some(b'[') => {
            items(json, at, text, |item, here, text| {
                blank(item, here, out, text).map(|_| true)
            })?;
        }
        // A string as serde_json writes it: re-encoded, as a tree would be.
        Some(b'"') => text.push_str(&serde_json::to_string(&serde_json::from_str::<String>(
            json,
        )?)?),
        _ => text.push_str(json),
    }
    Ok(None)
}

/// Containers deeper than this are not walked, as serde_json does not
/// parse them into a tree: a tampered payload nested a million deep would
/// otherwise exhaust the stack of the check meant to report it.
const DEPTH: usize = 128;

/// Err past [`DEPTH`]: `at` has one `/` per level (a `/` in a key is `~1`).
fn within_depth(at: &str) -> Result<(), serde_json::Error> {
    if at.bytes().filter(|b| *b == b'/').count() > DEPTH {
        return Err(serde::de::Error::custom("JSON imbriqué trop profondément"));
    }
    Ok(())
}

/// An object's members written into `text` as serde_json writes them,
/// each value by `value` with its pointer, those `skip` names left out.
/// None when `value` refused one, else whether the object has
/// [`PRIVATE_KEY`] (left out or not).
fn members(
    json: &str,
    at: &str,
    text: &mut String,
    skip: impl Fn(&str) -> bool,
    mut value: impl FnMut(&str, &RawValue, &str, &mut String) -> Result<bool, serde_json::Error>,
) -> Result<Option<bool>, serde_json::Error> {
    within_depth(at)?;
    let members: IndexMap<String, &RawValue> = serde_json::from_str(json)?;
    text.push('{');
    for (n, (k, item)) in members.iter().filter(|(k, _)| !skip(k)).enumerate() {
        if n > 0 {
            text.push(',');
        }
        text.push_str(&serde_json::to_string(k)?);
        text.push(':');
        let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
        if !value(k, item, &here, text)? {
            return Ok(None);
        }
    }
    text.push('}');
    Ok(Some(members.contains_key(PRIVATE_KEY)))
}

/// An array's items written into `text`, each by `item` with its
/// pointer; false when `item` refused one.
fn items(
    json: &str,
    at: &str,
    text: &mut String,
    mut item: impl FnMut(&RawValue, &str, &mut String) -> Result<bool, serde_json::Error>,
) -> Result<bool, serde_json::Error> {
    within_depth(at)?;
    let all: Vec<&RawValue> = serde_json::from_str(json)?;
    text.push('[');
    for (i, one) in all.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        if !item(one, &format!("{at}/{i}"), text)? {
            return Ok(false);
        }
    }
    text.push(']');
    Ok(true)
}

/// A payload with its personal texts blanked: compact JSON, or the text as
/// given when it is not JSON (it then holds no free text: hashes, roles).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blanked {
    text: String,
    /// An object, and whether it has [`PRIVATE_KEY`] already.
    object: Option<bool>,
}

impl Blanked {
    fn new(payload: &str, at: &str, out: &mut PrivatePart) -> Blanked {
        let mut text = String::with_capacity(payload.len());
        let mut found = PrivatePart::new();
        let object = serde_json::from_str::<&RawValue>(payload)
            .and_then(|raw| blank(raw, at, &mut found, &mut text));
        match object {
            Ok(object) => {
                out.append(&mut found);
                Blanked { text, object }
            }
            Err(_) => Blanked {
                text: payload.to_string(),
                object: None,
            },
        }
    }

    /// `c` under [`PRIVATE_KEY`]: last, or in place of the key's value
    /// (as an object's `insert` does). False unless an object.
    fn commit(&mut self, c: &str) -> bool {
        let entry = format!("{}:{}", json_text(PRIVATE_KEY), json_text(c));
        match self.object {
            None => false,
            Some(false) => {
                self.text.pop();
                if !self.text.ends_with('{') {
                    self.text.push(',');
                }
                self.text.push_str(&entry);
                self.text.push('}');
                self.object = Some(true);
                true
            }
            Some(true) => match serde_json::from_str::<Value>(&self.text) {
                Ok(Value::Object(mut map)) => {
                    map.insert(PRIVATE_KEY.into(), Value::String(c.into()));
                    self.text = Value::Object(map).to_string();
                    true
                }
                _ => false,
            },
        }
    }
}

impl fmt::Display for Blanked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn json_text(s: &str) -> String {
    Value::String(s.into()).to_string()
}

/// An event's payload split for writing: `before` and `after` with their
/// personal texts blanked, and those texts by pointer.
pub fn split_private(
    before: Option<&str>,
    after: Option<&str>,
) -> (Option<Blanked>, Option<Blanked>, PrivatePart) {
    let mut part = PrivatePart::new();
    let b = before.map(|text| Blanked::new(text, "/before", &mut part));
    let a = after.map(|text| Blanked::new(text, "/after", &mut part));
    (b, a, part)
}

/// Where the commitment goes: into `after` when it is an object (most
/// events), else into `before` (an override withdrawn has no `after`).
/// False when neither is an object: the part cannot be committed to.
pub fn attach_commitment(
    before: &mut Option<Blanked>,
    after: &mut Option<Blanked>,
    c: &str,
) -> bool {
    [after, before]
        .into_iter()
        .any(|v| v.as_mut().is_some_and(|v| v.commit(c)))
}

/// The commitment an event's hashed payload carries, if any.
pub fn committed(e: &Event) -> Option<String> {
    [&e.after, &e.before].into_iter().find_map(|text| {
        // The top level's members left as text: a session's close holds a
        // snapshot of every dossier, a tree of gigabytes at 100 000.
        let members: BTreeMap<String, &serde_json::value::RawValue> =
            serde_json::from_str(text.as_deref()?).ok()?;
        serde_json::from_str(members.get(PRIVATE_KEY)?.get()).ok()
    })
}

/// One row of `audit_private`: the personal part of event `event_id`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Private {
    pub event_id: i64,
    pub salt: String,
    /// The [`PrivatePart`] as JSON.
    pub content: String,
}

/// Why the personal parts do not fit the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrivateBreak {
    /// The part no longer matches the commitment its event carries.
    Mismatch { id: i64 },
    /// The part is gone, and no `anonymise` event covers the dossier.
    Missing { id: i64 },
    /// A part for an event that commits to none.
    Unexpected { id: i64 },
}

impl fmt::Display for PrivateBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PrivateBreak::Mismatch { id } => write!(
                f,
                "données personnelles de l'événement n° {id} modifiées : elles ne correspondent plus à l'empreinte que l'événement en garde"
            ),
            PrivateBreak::Missing { id } => write!(
                f,
                "données personnelles supprimées hors anonymisation : événement n° {id}"
            ),
            PrivateBreak::Unexpected { id } => write!(
                f,
                "données personnelles ajoutées à l'événement n° {id}, qui n'en annonçait pas"
            ),
        }
    }
}

/// The dossiers an `anonymise` event covers (its `after.dossiers` keys).
pub fn anonymised(events: &[Event]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in events.iter().filter(|e| e.action == "anonymise") {
        let v: Value = e
            .after
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or(Value::Null);
        if let Some(map) = v["dossiers"].as_object() {
            out.extend(map.keys().cloned());
        }
    }
    out
}

/// The dossier an event is about: its target up to the first `/`.
fn dossier_of(target: &str) -> &str {
    target.split_once('/').map_or(target, |(d, _)| d)
}

/// True when an event's payload carries a personal text in clear: written
/// before schema 9, its chain cannot be purged without breaking it.
pub fn has_personal_in_clear(e: &Event) -> bool {
    let (_, _, part) = split_private(e.before.as_deref(), e.after.as_deref());
    !part.is_empty()
}

/// The events with their personal parts put back where they were blanked,
/// each part checked against its event's commitment. A missing part is
/// accepted only for a dossier an `anonymise` event covers, or for a
/// session close whose every dossier is; the text stays blank then, as the
/// anonymised tables hold it. Stops at the first break.
pub fn merge_private(events: &[Event], privates: &[Private]) -> Result<Vec<Event>, PrivateBreak> {
    let by_id: BTreeMap<i64, &Private> = privates.iter().map(|p| (p.event_id, p)).collect();
    let ids: BTreeSet<i64> = events.iter().map(|e| e.id).collect();
    if let Some(p) = privates.iter().find(|p| !ids.contains(&p.event_id)) {
        return Err(PrivateBreak::Unexpected { id: p.event_id });
    }
    let covered = anonymised(events);
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let part = by_id.get(&e.id).copied();
        match (committed(e), part) {
            (None, Some(_)) => return Err(PrivateBreak::Unexpected { id: e.id }),
            (Some(_), None) if !covered_event(e, &covered) => {
                return Err(PrivateBreak::Missing { id: e.id });
            }
            _ => out.push(merge_one(e, part)?),
        }
    }
    Ok(out)
}

/// The events with every personal part that matches its commitment put
/// back, the others left blank: what the screens show, and what `jury
/// verify` replays once it has named the first part that does not fit
/// (so only that event's rows differ, not every comment).
pub fn merge_lenient(events: &[Event], privates: &[Private]) -> Vec<Event> {
    let by_id: BTreeMap<i64, &Private> = privates.iter().map(|p| (p.event_id, p)).collect();
    events
        .iter()
        .map(|e| {
            merge_one(e, by_id.get(&e.id).copied())
                .or_else(|_| merge_one(e, None))
                .unwrap_or_else(|_| e.clone())
        })
        .collect()
}

/// One event with its personal part put back (checked against its
/// commitment); without one, its texts stay blank. An event that commits to
/// nothing is returned as it is.
pub fn merge_one(e: &Event, part: Option<&Private>) -> Result<Event, PrivateBreak> {
    let Some(c) = committed(e) else {
        return Ok(e.clone());
    };
    let broken = PrivateBreak::Mismatch { id: e.id };
    let texts: PrivatePart = match part {
        Some(p) => {
            if commitment(&p.salt, &p.content) != c {
                return Err(broken);
            }
            serde_json::from_str(&p.content).map_err(|_| broken.clone())?
        }
        None => PrivatePart::new(),
    };
    // Each side written again as text with its texts put back: no tree of
    // the payload, which for a session's close is a snapshot of every
    // dossier (gigabytes at 100 000).
    let mut used = 0;
    let mut side = |t: &Option<String>, at: &str| -> Result<Option<String>, PrivateBreak> {
        let Some(t) = t else {
            return Ok(None);
        };
        let mut text = String::with_capacity(t.len());
        match serde_json::from_str::<&RawValue>(t) {
            Ok(raw) => match restore(raw, at, &texts, &mut used, true, &mut text) {
                Ok(true) => {}
                Ok(false) => return Err(broken.clone()),
                Err(_) => text = "null".into(),
            },
            // A side that is not JSON reads as null, as a tree made it.
            Err(_) => text.push_str("null"),
        }
        Ok(Some(text))
    };
    let before = side(&e.before, "/before")?;
    let after = side(&e.after, "/after")?;
    if used != texts.len() {
        return Err(broken);
    }
    let mut merged = e.clone();
    merged.before = before;
    merged.after = after;
    Ok(merged)
}

/// `raw` written into `text` as serde_json writes its tree, each text of
/// `part` put back at its pointer (counted in `used`), the top object's
/// [`PRIVATE_KEY`] left out. False when a pointer of `part` is at a value
/// that is not a text: the part does not fit the payload.
fn restore(
    raw: &RawValue,
    at: &str,
    part: &PrivatePart,
    used: &mut usize,
    top: bool,
    text: &mut String,
) -> Result<bool, serde_json::Error> {
    let json = raw.get();
    let first = json.as_bytes().first();
    if let Some(personal) = part.get(at) {
        if first != Some(&b'"') {
            return Ok(false);
        }
        *used += 1;
        text.push_str(&serde_json::to_string(personal)?);
        return Ok(true);
    }
    match first {
        Some(b'{') => {
            let kept = members(
                json,
                at,
                text,
                |k| top && k == PRIVATE_KEY,
                |_, item, here, text| restore(item, here, part, used, false, text),
            )?;
            return Ok(kept.is_some());
        }
        Some(b'[') => {
            return items(json, at, text, |item, here, text| {
                restore(item, here, part, used, false, text)
            });
        }
        Some(b'"') => text.push_str(&serde_json::to_string(&serde_json::from_str::<String>(
            json,
        )?)?),
        // A number as a tree holds it (`1.50` is `1.5`); true, false, null.
        Some(b'-' | b'0'..=b'9') => {
            text.push_str(&serde_json::from_str::<serde_json::Number>(json)?.to_string())
        }
        _ => text.push_str(json),
    }
    Ok(true)
}

/// Whether an anonymisation covers everything an event's private part
/// could be about: its dossier, or for a session close every dossier it froze.
fn covered_event(e: &Event, covered: &BTreeSet<String>) -> bool {
    if e.action == "session.close" {
        /// The close's snapshots, each by its reference only.
        #[derive(serde::Deserialize)]
        struct Close {
            snapshots: Vec<Frozen>,
        }
        #[derive(serde::Deserialize)]
        struct Frozen {
            reference: String,
        }
        return e
            .after
            .as_deref()
            .and_then(|t| serde_json::from_str::<Close>(t).ok())
            .is_some_and(|c| c.snapshots.iter().all(|s| covered.contains(&s.reference)));
    }
    covered.contains(dossier_of(&e.target))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Event> {
        let mut out: Vec<Event> = Vec::new();
        for id in 1..=n {
            let mut e = Event {
                id,
                at: format!("2025-07-10T09:00:{id:02}.000Z"),
                actor: "Nadia Benali".into(),
                action: "score".into(),
                target: format!("PDNP06-2025-00{}/experience", id % 3),
                before: (id > 1).then(|| format!("{{\"value\":{}}}", id - 1)),
                after: Some(format!("{{\"value\":{id}}}")),
                prev_hash: out.last().map(|p| p.hash.clone()).unwrap_or_default(),
                hash: String::new(),
            };
            e.hash = e.computed_hash();
            out.push(e);
        }
        out
    }

    #[test]
    fn an_intact_chain_and_an_empty_one_verify() {
        let events = chain(5);
        let v = verify_events(&events);
        assert_eq!(v.events, 5);
        assert_eq!(v.first_break, None);
        assert!(v.is_intact());
        assert_eq!(head(&events), Some(events[4].hash.as_str()));
        let empty = verify_events(&[]);
        assert_eq!((empty.events, empty.first_break), (0, None));
        assert_eq!(head(&[]), None);
    }

    #[test]
    fn edited_content_is_a_hash_mismatch_on_that_event() {
        let mut events = chain(5);
        events[2].after = Some("{\"value\":5}".into());
        assert_eq!(
            verify_events(&events).first_break,
            Some(Break::HashMismatch { id: 3 })
        );
        let mut events = chain(5);
        events[1].before = None;
        assert_eq!(
            verify_events(&events).first_break,
            Some(Break::HashMismatch { id: 2 })
        );
    }

    #[test]
    fn a_recomputed_hash_breaks_the_next_link() {
        let mut events = chain(5);
        events[2].actor = "Julien Ferrand".into();
        events[2].hash = events[2].computed_hash();
        assert_eq!(
            verify_events(&events).first_break,
            Some(Break::PrevMismatch { id: 4 })
        );
    }

    #[test]
    fn the_first_event_must_chain_to_nothing() {
        let mut events = chain(2);
        events[0].prev_hash = "00".into();
        events[0].hash = events[0].computed_hash();
        assert_eq!(
            verify_events(&events).first_break,
            Some(Break::PrevMismatch { id: 1 })
        );
    }

    #[test]
    fn deleted_events_are_gaps() {
        let mut events = chain(6);
        events.remove(3);
        events.remove(2);
        let v = verify_events(&events);
        assert_eq!(v.events, 4);
        assert_eq!(v.first_break, Some(Break::Gap { after: 2, next: 5 }));
        let mut events = chain(4);
        events.remove(0);
        assert_eq!(
            verify_events(&events).first_break,
            Some(Break::Gap { after: 0, next: 2 })
        );
    }

    #[test]
    fn deleting_the_last_event_is_only_seen_through_the_head() {
        let mut events = chain(4);
        let recorded = head(&events).map(str::to_owned);
        events.pop();
        assert!(verify_events(&events).is_intact());
        assert_ne!(head(&events).map(str::to_owned), recorded);
    }

    /// A score event as the store writes it: comment split off, committed.
    fn private_score(id: i64, target: &str, comment: &str) -> (Event, Private) {
        let after = serde_json::json!({ "value": 4.0, "comment": comment }).to_string();
        let (mut b, mut a, part) = split_private(None, Some(&after));
        let content = serde_json::to_string(&part).unwrap();
        let salt = format!("sel{id}");
        assert!(attach_commitment(
            &mut b,
            &mut a,
            &commitment(&salt, &content)
        ));
        let e = Event {
            id,
            at: String::new(),
            actor: "Nadia Benali".into(),
            action: "score".into(),
            target: target.into(),
            before: None,
            after: a.map(|v| v.to_string()),
            prev_hash: String::new(),
            hash: String::new(),
        };
        (
            e,
            Private {
                event_id: id,
                salt,
                content,
            },
        )
    }

    /// The blanking as it was done through a tree of the whole payload:
    /// the text-wise one must give the same payloads and parts.
    fn through_a_tree(payload: &str, at: &str, c: &str) -> Option<(String, PrivatePart)> {
        fn walk(v: &mut Value, at: &str, out: &mut PrivatePart) {
            match v {
                Value::Object(map) => {
                    for (k, item) in map.iter_mut() {
                        let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                        match item {
                            Value::String(text) if PERSONAL_KEYS.contains(&k.as_str()) => {
                                if !text.is_empty() {
                                    out.insert(here, std::mem::take(text));
                                }
                            }
                            _ => walk(item, &here, out),
                        }
                    }
                }
                Value::Array(items) => {
                    for (i, item) in items.iter_mut().enumerate() {
                        walk(item, &format!("{at}/{i}"), out);
                    }
                }
                _ => {}
            }
        }
        let mut v: Value = serde_json::from_str(payload).ok()?;
        let mut part = PrivatePart::new();
        walk(&mut v, at, &mut part);
        if let Value::Object(map) = &mut v {
            map.insert(PRIVATE_KEY.into(), Value::String(c.into()));
        }
        Some((v.to_string(), part))
    }

    #[test]
    fn blanking_as_text_equals_blanking_through_a_tree() {
        let snapshot = |r: &str, comment: &str| {
            serde_json::json!({
                "reference": r,
                "scores": [
                    {"member": "Nadia Benali", "criterion": "projet", "value": 3.5, "comment": comment},
                    {"member": "Luc Perrin", "criterion": "projet", "value": 4, "comment": ""},
                ],
                "eligibility": {"verdict": "eligible", "justification": "Pièce reçue le 3 mai « en retard »\n"},
                "total": 14.25, "rank": null, "still_tied": false, "empty": {}, "none": [],
            })
        };
        let payloads = [
            serde_json::json!({ "snapshots": [snapshot("R-1", "Très \"bon\" projet ; voir p. 2"), snapshot("R-2", "")] }).to_string(),
            serde_json::json!({ "value": 4.0, "comment": "Gaëlle Fabre \u{1F600} \\ / ~" }).to_string(),
            serde_json::json!({ "a/b~c": { "reason": "tilde ~ et barre /" }, "missing": ["x", "y"], "reason": 3 }).to_string(),
            serde_json::json!({ "private": "ancien", "comment": "remplacé en place" }).to_string(),
            serde_json::json!([{ "comment": "dans un tableau" }, 1, "deux", null, true]).to_string(),
            serde_json::json!({}).to_string(),
            serde_json::json!("comment").to_string(),
            serde_json::json!({ "big": 1e300, "small": -2.5e-12, "int": -42, "u": 18446744073709551615u64 }).to_string(),
        ];
        for payload in &payloads {
            let (_, a, part) = split_private(None, Some(payload));
            let mut a = a;
            let committed = attach_commitment(&mut None, &mut a, "c0ffee");
            let (tree, tree_part) = through_a_tree(payload, "/after", "c0ffee").expect("JSON");
            assert_eq!(part, tree_part, "{payload}");
            assert_eq!(committed, payload.starts_with('{'), "{payload}");
            if committed {
                assert_eq!(a.map(|a| a.to_string()), Some(tree), "{payload}");
            }
        }
        // A payload that is not JSON is kept whole, beside one that is.
        let (b, a, part) = split_private(Some("sha256:ab12"), Some(r#"{"comment":"x"}"#));
        assert_eq!(b.map(|b| b.to_string()).as_deref(), Some("sha256:ab12"));
        assert_eq!(
            a.map(|a| a.to_string()).as_deref(),
            Some(r#"{"comment":""}"#)
        );
        assert_eq!(part.get("/after/comment").map(String::as_str), Some("x"));
    }

    /// The merge as it was done through a tree of the whole payload.
    fn merged_through_a_tree(e: &Event, part: &PrivatePart) -> Option<(String, String)> {
        let parse = |t: &Option<String>| t.as_deref().and_then(|t| serde_json::from_str(t).ok());
        let mut payload = serde_json::json!({
            "before": parse(&e.before).unwrap_or(Value::Null),
            "after": parse(&e.after).unwrap_or(Value::Null),
        });
        for (pointer, text) in part {
            match payload.pointer_mut(pointer) {
                Some(slot @ Value::String(_)) => *slot = Value::String(text.clone()),
                _ => return None,
            }
        }
        for side in ["before", "after"] {
            if let Some(Value::Object(map)) = payload.get_mut(side) {
                map.remove(PRIVATE_KEY);
            }
        }
        Some((payload["before"].to_string(), payload["after"].to_string()))
    }

    #[test]
    fn merging_as_text_equals_merging_through_a_tree() {
        let payloads = [
            r#"{"snapshots":[{"reference":"R-1","scores":[{"member":"N","value":3.50,"comment":"Très \"bon\" ; voir p. 2"}],"eligibility":{"justification":"Pièce « en retard »\n"},"total":14.25,"rank":null,"empty":{},"none":[]}]}"#,
            r#"{"value":4.0,"comment":"Gaëlle Fabre \ud83d\ude00 \\ / ~"}"#,
            r#"{"a/b~c":{"reason":"tilde ~ et barre /"},"missing":["x","y"],"reason":3}"#,
            r#"{"big":1e300,"small":-2.5e-12,"int":-42,"u":18446744073709551615,"comment":"x"}"#,
            r#"[{"comment":"dans un tableau"},1,"deux",null,true]"#,
        ];
        for (id, payload) in payloads.iter().enumerate() {
            let before = Some(r#"{"comment":"avant","kind":"retenu"}"#);
            let (mut b, mut a, part) = split_private(before, Some(payload));
            let content = serde_json::to_string(&part).unwrap();
            let salt = "sel".to_string();
            let committed = attach_commitment(&mut b, &mut a, &commitment(&salt, &content));
            assert!(committed, "{payload}");
            let e = Event {
                id: id as i64,
                at: String::new(),
                actor: "Nadia Benali".into(),
                action: "session.close".into(),
                target: "séance/1".into(),
                before: b.map(|v| v.to_string()),
                after: a.map(|v| v.to_string()),
                prev_hash: String::new(),
                hash: String::new(),
            };
            let private = Private {
                event_id: e.id,
                salt,
                content,
            };
            let merged = merge_one(&e, Some(&private)).expect(payload);
            let (tree_before, tree_after) = merged_through_a_tree(&e, &part).expect(payload);
            assert_eq!(
                merged.before.as_deref(),
                Some(tree_before.as_str()),
                "{payload}"
            );
            assert_eq!(
                merged.after.as_deref(),
                Some(tree_after.as_str()),
                "{payload}"
            );
            // Without its part, the texts stay blank and the commitment goes.
            let blank = merge_one(&e, None).expect(payload);
            let (tree_before, tree_after) =
                merged_through_a_tree(&e, &PrivatePart::new()).expect(payload);
            assert_eq!(blank.before.as_deref(), Some(tree_before.as_str()));
            assert_eq!(blank.after.as_deref(), Some(tree_after.as_str()));
            // A part that does not fit the payload: a pointer at a number,
            // or at nothing.
            for stray in ["/before/kind/x", "/after/nowhere", "/before/kind"] {
                let mut wrong = part.clone();
                let at_text = stray == "/before/kind";
                wrong.insert(stray.into(), "X".into());
                let content = serde_json::to_string(&wrong).unwrap();
                let (mut b, mut a, _) = split_private(before, Some(payload));
                attach_commitment(&mut b, &mut a, &commitment("s", &content));
                let e = Event {
                    before: b.map(|v| v.to_string()),
                    after: a.map(|v| v.to_string()),
                    ..e.clone()
                };
                let private = Private {
                    event_id: e.id,
                    salt: "s".into(),
                    content,
                };
                let tree = merged_through_a_tree(&e, &wrong);
                let text = merge_one(&e, Some(&private)).ok();
                assert_eq!(tree.is_some(), at_text, "{stray} in {payload}");
                assert_eq!(
                    text.map(|m| (m.before.unwrap_or_default(), m.after.unwrap_or_default())),
                    tree,
                    "{stray} in {payload}"
                );
            }
        }
    }

    #[test]
    fn a_payload_nested_too_deep_is_refused_not_walked_to_the_end_of_the_stack() {
        let deep = |n: usize| {
            format!(
                "{{\"comment\":\"x\",\"private\":\"c\",\"v\":{}1{}}}",
                "[".repeat(n),
                "]".repeat(n)
            )
        };
        // Jury's own depth is a handful of levels: a hundred still reads.
        let (_, a, part) = split_private(None, Some(&deep(100)));
        assert_eq!(part.get("/after/comment").map(String::as_str), Some("x"));
        assert!(a.is_some_and(|a| a.to_string().contains("[[[1]]]")));
        // A hundred thousand is kept as it is, not blanked.
        let text = deep(100_000);
        let (_, a, part) = split_private(None, Some(&text));
        assert!(part.is_empty());
        assert_eq!(a.map(|a| a.to_string()), Some(text.clone()));
        // Put back, it reads as no JSON (null), as a tree parse made it.
        let e = Event {
            id: 1,
            at: String::new(),
            actor: "S".into(),
            action: "score".into(),
            target: "R-1/x".into(),
            before: None,
            after: Some(text),
            prev_hash: String::new(),
            hash: String::new(),
        };
        assert_eq!(
            merge_one(&e, None).map(|m| m.after),
            Ok(Some("null".into()))
        );
    }

    #[test]
    fn a_personal_text_leaves_the_payload_and_comes_back_checked() {
        let (e, p) = private_score(1, "R-1/experience", "Gaëlle Fabre");
        let sealed = e.after.clone().unwrap();
        assert!(!sealed.contains("Gaëlle"), "{sealed}");
        assert!(sealed.contains("\"comment\":\"\""), "{sealed}");
        assert!(!has_personal_in_clear(&e));
        let merged = merge_private(std::slice::from_ref(&e), std::slice::from_ref(&p)).unwrap();
        assert_eq!(
            merged[0].after.as_deref(),
            Some(r#"{"value":4.0,"comment":"Gaëlle Fabre"}"#)
        );
        let mut edited = p.clone();
        edited.content = edited.content.replace("Gaëlle", "Gaelle");
        assert_eq!(
            merge_private(std::slice::from_ref(&e), &[edited]),
            Err(PrivateBreak::Mismatch { id: 1 })
        );
        assert_eq!(
            merge_private(std::slice::from_ref(&e), &[]),
            Err(PrivateBreak::Missing { id: 1 })
        );
        let stray = Private { event_id: 7, ..p };
        assert_eq!(
            merge_private(std::slice::from_ref(&e), &[stray]),
            Err(PrivateBreak::Unexpected { id: 7 })
        );
    }

    #[test]
    fn only_an_anonymisation_of_its_dossier_excuses_a_missing_part() {
        let (e1, _) = private_score(1, "R-1/experience", "Gaëlle Fabre");
        let (e2, p2) = private_score(2, "R-2/experience", "Patrick Senès");
        let anonymise = Event {
            id: 3,
            action: "anonymise".into(),
            target: "appel".into(),
            after: Some(r#"{"dossiers":{"R-1":"abc"}}"#.into()),
            ..e1.clone()
        };
        let events = [e1.clone(), e2.clone(), anonymise];
        let merged = merge_private(&events, std::slice::from_ref(&p2)).unwrap();
        assert_eq!(
            merged[0].after.as_deref(),
            Some(r#"{"value":4.0,"comment":""}"#)
        );
        assert_eq!(
            merge_private(&events, &[]),
            Err(PrivateBreak::Missing { id: 2 })
        );
        assert_eq!(
            PrivateBreak::Missing { id: 2 }.to_string(),
            "données personnelles supprimées hors anonymisation : événement n° 2"
        );
    }

    #[test]
    fn breaks_read_as_french_sentences() {
        assert_eq!(
            Break::HashMismatch { id: 17 }.to_string(),
            "événement n° 17 modifié : son empreinte ne correspond plus à son contenu"
        );
        assert_eq!(
            Break::PrevMismatch { id: 18 }.to_string(),
            "événement n° 18 : le chaînage avec l'événement précédent est rompu"
        );
        assert_eq!(
            Break::Gap {
                after: 12,
                next: 15
            }
            .to_string(),
            "événements supprimés entre le n° 12 et le n° 15"
        );
        assert_eq!(
            Break::Gap { after: 0, next: 3 }.to_string(),
            "événements supprimés avant le n° 3"
        );
    }
}
