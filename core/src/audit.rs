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

use sha2::{Digest, Sha256};
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
