//! The audition timetable: the slots and the unavailability recorded in the
//! app. Every change is one transaction with its `schedule.*` event, which
//! carries the slots it changed whole, so `jury verify` rebuilds the table
//! from the log alone.

use super::{Refusal, Store, StoreError, TxError, audit, now};
use chrono::{NaiveDate, NaiveTime};
use jury_core::replay;
use jury_core::schedule;
use jury_core::stage::{Slot, Span, Unavailable, Who};
use rusqlite::{OptionalExtension, Transaction, params};

fn hm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn put(tx: &Transaction, s: &Slot) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO audition_slots (reference, day, start, end, panel, fixed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            s.reference,
            s.day.to_string(),
            hm(s.span.from),
            hm(s.span.to),
            serde_json::to_string(&s.panel).unwrap_or_default(),
            s.fixed
        ],
    )?;
    Ok(())
}

fn slot_of(tx: &Transaction, reference: &str) -> rusqlite::Result<Option<Slot>> {
    Ok(read_slots(tx, Some(reference))?.into_iter().next())
}

/// Every slot (or `reference`'s), in time order; a row no longer readable
/// (edited by hand) is left out, and `jury verify` names it.
fn read_slots(conn: &rusqlite::Connection, reference: Option<&str>) -> rusqlite::Result<Vec<Slot>> {
    let mut stmt = conn.prepare(
        "SELECT reference, day, start, end, panel, fixed FROM audition_slots
         WHERE ?1 IS NULL OR reference = ?1 ORDER BY day, start, reference",
    )?;
    let rows = stmt.query_map([reference], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, bool>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (reference, day, from, to, panel, fixed) = row?;
        let v = serde_json::json!({
            "reference": reference,
            "day": day,
            "from": from,
            "to": to,
            "panel": serde_json::from_str::<serde_json::Value>(&panel).unwrap_or_default(),
            "fixed": fixed,
        });
        out.extend(schedule::from_json(&v));
    }
    Ok(out)
}

/// The event's payload: the slots a change leaves, whole.
fn payload(slots: &[&Slot]) -> String {
    let list: Vec<serde_json::Value> = slots.iter().map(|s| schedule::to_json(s)).collect();
    serde_json::json!({ "slots": list }).to_string()
}

fn time(t: Option<String>) -> Option<NaiveTime> {
    t.and_then(|t| NaiveTime::parse_from_str(&t, "%H:%M").ok())
}

impl Store {
    /// The timetable, in time order.
    pub fn slots(&self) -> Result<Vec<Slot>, StoreError> {
        read_slots(&self.conn, None).map_err(|e| self.err(e))
    }

    /// Unavailability recorded in the app (the call's own is in the call).
    pub fn unavailability(&self) -> Result<Vec<Unavailable>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT member, candidate, day, start, end FROM audition_unavailability ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (member, candidate, day, from, to) = row.map_err(|e| self.err(e))?;
            let who = match (member, candidate) {
                (Some(m), _) => Who::Member(m),
                (None, Some(c)) => Who::Candidate(c),
                (None, None) => continue,
            };
            let Ok(day) = day.parse::<NaiveDate>() else {
                continue;
            };
            let span = match (time(from), time(to)) {
                (Some(from), Some(to)) => Some(Span { from, to }),
                _ => None,
            };
            out.push(Unavailable { who, day, span });
        }
        Ok(out)
    }

    /// Replaces the timetable with a proposal (fixed slots included, as the
    /// proposal kept them).
    pub fn propose_schedule(&mut self, actor: &str, slots: &[Slot]) -> Result<(), StoreError> {
        self.write(|tx| {
            let before = read_slots(tx, None)?;
            tx.execute("DELETE FROM audition_slots", [])?;
            for s in slots {
                put(tx, s)?;
            }
            audit(
                tx,
                actor,
                "schedule.propose",
                "calendrier",
                Some(&payload(&before.iter().collect::<Vec<_>>())),
                Some(&payload(&slots.iter().collect::<Vec<_>>())),
            )?;
            Ok(())
        })
    }

    /// Moves a candidate to a free slot; `slot` says where, with the panel
    /// that sits there. A slot another candidate holds is refused: swap them.
    pub fn move_slot(&mut self, actor: &str, slot: &Slot) -> Result<(), StoreError> {
        self.write(|tx| {
            let before = slot_of(tx, &slot.reference)?.ok_or(Refusal::NotScheduled)?;
            let holder: Option<String> = tx
                .query_row(
                    "SELECT reference FROM audition_slots WHERE day = ?1 AND start = ?2 AND reference <> ?3",
                    params![slot.day.to_string(), hm(slot.span.from), slot.reference],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(other) = holder {
                return Err(Refusal::SlotTaken(other).into());
            }
            tx.execute(
                "DELETE FROM audition_slots WHERE reference = ?1",
                [&slot.reference],
            )?;
            put(tx, slot)?;
            audit(
                tx,
                actor,
                "schedule.move",
                &slot.reference,
                Some(&payload(&[&before])),
                Some(&payload(&[slot])),
            )?;
            Ok(())
        })
    }

    /// Swaps two candidates: `a` and `b` are their new slots (each where
    /// the other was), with the panels that sit there.
    pub fn swap_slots(&mut self, actor: &str, a: &Slot, b: &Slot) -> Result<(), StoreError> {
        self.write(|tx| {
            let was_a = slot_of(tx, &a.reference)?.ok_or(Refusal::NotScheduled)?;
            let was_b = slot_of(tx, &b.reference)?.ok_or(Refusal::NotScheduled)?;
            tx.execute(
                "DELETE FROM audition_slots WHERE reference IN (?1, ?2)",
                params![a.reference, b.reference],
            )?;
            put(tx, a)?;
            put(tx, b)?;
            audit(
                tx,
                actor,
                "schedule.swap",
                &format!("{}/{}", a.reference, b.reference),
                Some(&payload(&[&was_a, &was_b])),
                Some(&payload(&[a, b])),
            )?;
            Ok(())
        })
    }

    /// Fixes a slot (a new proposal keeps it) or frees it again.
    pub fn set_slot_fixed(
        &mut self,
        actor: &str,
        reference: &str,
        fixed: bool,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let before = slot_of(tx, reference)?.ok_or(Refusal::NotScheduled)?;
            if before.fixed == fixed {
                return Ok(());
            }
            tx.execute(
                "UPDATE audition_slots SET fixed = ?2 WHERE reference = ?1",
                params![reference, fixed],
            )?;
            let after = Slot {
                fixed,
                ..before.clone()
            };
            audit(
                tx,
                actor,
                if fixed {
                    "schedule.fix"
                } else {
                    "schedule.unfix"
                },
                reference,
                Some(&payload(&[&before])),
                Some(&payload(&[&after])),
            )?;
            Ok(())
        })
    }

    /// Records that a member or a candidate cannot be there on a day (or
    /// part of it); the slots already set stay until moved or proposed again.
    pub fn record_unavailable(&mut self, actor: &str, u: &Unavailable) -> Result<(), StoreError> {
        let (member, candidate) = match &u.who {
            Who::Member(m) => (Some(m.as_str()), None),
            Who::Candidate(c) => (None, Some(c.as_str())),
        };
        let target = member.or(candidate).unwrap_or_default().to_string();
        self.write(|tx| {
            tx.execute(
                "INSERT INTO audition_unavailability (member, candidate, day, start, end, by, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    member,
                    candidate,
                    u.day.to_string(),
                    u.span.map(|s| hm(s.from)),
                    u.span.map(|s| hm(s.to)),
                    actor,
                    now()
                ],
            )?;
            let id = tx.last_insert_rowid();
            audit(
                tx,
                actor,
                "schedule.unavailable",
                &target,
                None,
                Some(&replay::unavailable_json(id, u).to_string()),
            )?;
            Ok::<_, TxError>(())
        })
    }
}

/// The timetable's rows as `jury verify` compares them with the log.
pub(super) fn projection(
    conn: &rusqlite::Connection,
    p: &mut replay::Projection,
) -> rusqlite::Result<()> {
    let mut stmt =
        conn.prepare("SELECT reference, day, start, end, panel, fixed FROM audition_slots")?;
    // Raw columns, not parsed slots: a row edited into nonsense still shows.
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, bool>(5)?,
        ))
    })?;
    for row in rows {
        let (reference, day, from, to, panel, fixed) = row?;
        let panel: Vec<String> = serde_json::from_str(&panel).unwrap_or_else(|_| vec![panel]);
        let shown = replay::slot_text(&day, &from, &to, &panel, fixed);
        p.insert(replay::slot_label(&reference), shown);
    }
    let mut stmt = conn.prepare(
        "SELECT id, member, candidate, day, start, end, by FROM audition_unavailability",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    for row in rows {
        let (id, member, candidate, day, from, to, by) = row?;
        let who = match (member, candidate) {
            (Some(m), _) => Who::Member(m),
            (None, c) => Who::Candidate(c.unwrap_or_default()),
        };
        let (k, v) =
            replay::unavailable_text(id, &who, &day, from.as_deref().zip(to.as_deref()), &by);
        p.insert(k, v);
    }
    Ok(())
}
