//! `jury verify` beyond the hash chain: the tables the screens and the
//! documents read are compared with the log replayed (`jury_core::replay`),
//! SQLite checks its own file, and the chain is checked against a
//! fingerprint copied from signed minutes.

use super::audit::{read_events, read_private};
use jury_core::audit::{
    Event, PrivateBreak, Verification, merge_lenient, merge_private, verify_events,
};
use jury_core::call::Call;
use jury_core::dossier::content_hash;
use jury_core::replay::{self, Projection};
use rusqlite::{Connection, OptionalExtension};
use std::collections::{BTreeMap, BTreeSet};

/// Where a fingerprint copied from signed minutes stands in the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signed {
    /// The chain ends there: nothing recorded since.
    AtHead,
    /// The chain passes through it; these events came after (letters sent…).
    Followed { at: i64, since: usize },
    /// The chain does not lead to it: truncated or rewritten.
    Missing,
}

/// Everything `jury verify` found.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub chain: Verification,
    /// SQLite's own check of the file; empty when it says « ok ».
    pub integrity: Vec<String>,
    /// Rows where the tables and the log disagree.
    pub differences: Vec<String>,
    /// With `--head`: where that fingerprint stands.
    pub signed: Option<Signed>,
    /// A personal part of an event altered, or erased outside `jury anonymise`.
    pub private: Option<PrivateBreak>,
}

impl Record {
    pub fn is_intact(&self) -> bool {
        self.chain.is_intact()
            && self.integrity.is_empty()
            && self.differences.is_empty()
            && !matches!(self.signed, Some(Signed::Missing))
            && self.private.is_none()
    }
}

pub(super) fn check(conn: &Connection, head: Option<&str>) -> rusqlite::Result<Record> {
    let events = read_events(conn, None)?;
    let chain = verify_events(&events);
    let integrity: Vec<String> = {
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<Vec<String>>>()?
            .into_iter()
            .filter(|l| l != "ok")
            .collect()
    };
    // The log's personal parts put back where they are (each checked
    // against its commitment), so the tables' comments compare with them.
    let privates = read_private(conn)?;
    let (merged, private) = match merge_private(&events, &privates) {
        Ok(merged) => (merged, None),
        Err(b) => (merge_lenient(&events, &privates), Some(b)),
    };
    let log = replay::replay(&merged, &call_members(conn)?);
    let mut tables = tables(conn)?;
    // A database from before the call and its templates were events: their
    // texts are recorded the next time Jury opens it, not flagged now.
    for legacy in [replay::CALL, replay::TEMPLATES] {
        if !log.contains_key(legacy) {
            tables.remove(legacy);
        }
    }
    let differences = replay::differences(&tables, &log);
    let signed = head.map(|h| signed(&events, h.trim()));
    Ok(Record {
        chain,
        integrity,
        differences,
        signed,
        private,
    })
}

fn signed(events: &[Event], head: &str) -> Signed {
    match events
        .iter()
        .position(|e| e.hash.eq_ignore_ascii_case(head))
    {
        None => Signed::Missing,
        Some(i) if i + 1 == events.len() => Signed::AtHead,
        Some(i) => Signed::Followed {
            at: events[i].id,
            since: events.len() - i - 1,
        },
    }
}

/// The members the call itself lists: they need no event.
fn call_members(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let raw: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'call'", [], |r| {
            r.get(0)
        })
        .optional()?;
    let call = raw
        .and_then(|t| serde_json::from_str(&t).ok())
        .and_then(|v| Call::from_value(&v).ok());
    Ok(call
        .map(|c| {
            c.members
                .iter()
                .map(|m| (m.name.clone(), m.role.id().to_string()))
                .collect()
        })
        .unwrap_or_default())
}

/// Whether a column exists: a database from an older Jury is verified as
/// it is (verify opens read-only and migrates nothing).
fn has_column(conn: &Connection, table: &str, column: &str) -> rusqlite::Result<bool> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let names = stmt.query_map([], |r| r.get::<_, String>(1))?;
    for n in names {
        if n? == column {
            return Ok(true);
        }
    }
    Ok(false)
}

fn rows<T>(
    conn: &Connection,
    sql: &str,
    f: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let out = stmt.query_map([], f)?;
    out.collect()
}

/// The tables as they are, described as the replay describes them.
fn tables(conn: &Connection) -> rusqlite::Result<Projection> {
    let mut p = Projection::new();
    let call: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'call'", [], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(text) = call {
        let (k, v) = replay::text(replay::CALL, &jury_core::sha256_hex(text.as_bytes()));
        p.insert(k, v);
    }
    if let Some(h) = super::templates_fingerprint(conn)? {
        let (k, v) = replay::text(replay::TEMPLATES, &h);
        p.insert(k, v);
    }
    for (name, role) in rows(conn, "SELECT name, role FROM members", |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })? {
        let (k, v) = replay::member(&name, &role);
        p.insert(k, v);
    }
    for (reference, member, criterion, value, comment) in rows(
        conn,
        "SELECT reference, member, criterion, value, comment FROM scores",
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<f64>>(3)?,
                r.get::<_, String>(4)?,
            ))
        },
    )? {
        let (k, v) = replay::score(&reference, &member, &criterion, value, &comment);
        p.insert(k, v);
    }
    for (reference, member, reason, withdrawn) in rows(
        conn,
        "SELECT reference, member, reason, withdrawn_at IS NOT NULL FROM conflicts",
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
            ))
        },
    )? {
        let (k, v) = replay::conflict(&reference, &member, !withdrawn, &reason);
        p.insert(k, v);
    }
    // Tables later versions added read as empty on older files.
    let assignments = if has_column(conn, "assignments", "by")? {
        "SELECT reference, member, by FROM assignments"
    } else {
        "SELECT '', '', '' WHERE 0"
    };
    for (reference, member, by) in rows(conn, assignments, |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (k, v) = replay::assignment(&reference, &member, &by);
        p.insert(k, v);
    }
    for (reference, verdict, justification) in rows(
        conn,
        "SELECT reference, verdict, justification FROM overrides",
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        },
    )? {
        let (k, v) = replay::override_row(&reference, verdict == "eligible", &justification);
        p.insert(k, v);
    }
    for (reference, criterion, value) in rows(
        conn,
        "SELECT reference, criterion, value FROM consensus",
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, f64>(2)?,
            ))
        },
    )? {
        let (k, v) = replay::consensus(&reference, &criterion, value);
        p.insert(k, v);
    }
    let mut present: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    for (id, member) in rows(
        conn,
        "SELECT session_id, member FROM session_members",
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
    )? {
        present.entry(id).or_default().insert(member);
    }
    let stage = if has_column(conn, "sessions", "stage")? {
        "stage"
    } else {
        "'dossier'"
    };
    let lot = if has_column(conn, "sessions", "lot")? {
        "lot"
    } else {
        "NULL"
    };
    let sessions =
        format!("SELECT id, date, opened_by, closed_by, closed_at, {stage}, {lot} FROM sessions");
    for (id, date, opened_by, closed_by, closed_at, stage, lot) in rows(conn, &sessions, |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, Option<String>>(6)?,
        ))
    })? {
        let day: Option<String> = closed_at.map(|t| t.chars().take(10).collect());
        let none = BTreeSet::new();
        let (k, v) = replay::session(&replay::SessionRow {
            id,
            stage: &stage,
            lot: lot.as_deref(),
            date: &date,
            opened_by: &opened_by,
            present: present.get(&id).unwrap_or(&none),
            closed: match (&closed_by, &day) {
                (Some(b), Some(d)) => Some((b.as_str(), d.as_str())),
                (Some(b), None) => Some((b.as_str(), "")),
                (None, Some(d)) => Some(("", d.as_str())),
                (None, None) => None,
            },
        });
        p.insert(k, v);
    }
    // Columns later versions added read as their defaults on older files.
    let guarded = if has_column(conn, "decisions", "guarded")? {
        "guarded"
    } else {
        "0"
    };
    let (amount, budget_override) = if has_column(conn, "decisions", "amount")? {
        ("amount", "budget_override")
    } else {
        ("NULL", "''")
    };
    for d in rows(
        conn,
        &format!(
            "SELECT session_id, reference, kind, motivation, condition, waitlist_rank, documents,
                    without_quorum, by, {guarded}, {amount}, {budget_override} FROM decisions"
        ),
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, bool>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, bool>(9)?,
                r.get::<_, Option<f64>>(10)?,
                r.get::<_, String>(11)?,
            ))
        },
    )? {
        let (k, v) = replay::decision(&replay::DecisionRow {
            session: d.0,
            reference: &d.1,
            kind: &d.2,
            motivation: &d.3,
            condition: &d.4,
            waitlist_rank: d.5,
            documents: &d.6,
            without_quorum: d.7,
            guarded: d.9,
            amount: d.10,
            budget_override: &d.11,
            by: &d.8,
        });
        p.insert(k, v);
    }
    let mut nth: BTreeMap<i64, usize> = BTreeMap::new();
    for (sid, unsuccessful, motivation, by) in rows(
        conn,
        "SELECT session_id, unsuccessful, motivation, by FROM outcomes ORDER BY id",
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        },
    )? {
        let n = nth.entry(sid).or_default();
        *n += 1;
        let (k, v) = replay::outcome(sid, *n, unsuccessful, &motivation, &by);
        p.insert(k, v);
    }
    for l in rows(
        conn,
        &format!(
            "SELECT reference, decision_id, pdf, hash, sent_at, channel, acknowledged_at, {} FROM letters",
            if has_column(conn, "letters", "signed_on")? {
                "signed_on"
            } else {
                "NULL"
            }
        ),
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        },
    )? {
        let (k, v) = replay::letter(&replay::LetterRow {
            reference: &l.0,
            decision_id: l.1,
            pdf: &l.2,
            hash: &l.3,
            signed_on: l.7.as_deref(),
            sent: l.4.as_deref().map(|d| (d, l.5.as_deref().unwrap_or(""))),
            acknowledged: l.6.as_deref(),
        });
        p.insert(k, v);
    }
    let snapshots = if has_column(conn, "decision_snapshots", "snapshot")? {
        "SELECT session_id, reference, snapshot FROM decision_snapshots"
    } else {
        "SELECT 0, '', '' WHERE 0"
    };
    for (sid, reference, snapshot) in rows(conn, snapshots, |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (k, v) = replay::frozen(sid, &reference, &replay::canonical(&snapshot));
        p.insert(k, v);
    }
    // Tables later versions added read as empty on older files.
    let keys = if has_column(conn, "member_keys", "secret")? {
        "SELECT member, key_id, secret, issued_at, grid FROM member_keys"
    } else {
        "SELECT '', '', X'', '', '' WHERE 0"
    };
    for (member, key_id, secret, issued_at, grid) in rows(conn, keys, |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Vec<u8>>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })? {
        // A secret swapped in the table shows as another key id.
        let actual = jury_core::packet::key_id(&secret);
        let (k, v) = replay::member_key(
            &member,
            &key_id,
            &issued_at,
            &grid,
            (actual != key_id).then_some(&*actual),
        );
        p.insert(k, v);
    }
    let chair = if has_column(conn, "chair_key", "seed")? {
        "SELECT seed FROM chair_key"
    } else {
        "SELECT X'' WHERE 0"
    };
    for seed in rows(conn, chair, |r| r.get::<_, Vec<u8>>(0))? {
        let shown = <[u8; 32]>::try_from(seed)
            .map(|s| super::ChairKey::from_seed(s).fingerprint())
            .unwrap_or_else(|_| "illisible".into());
        let (k, v) = replay::chair_key(&shown);
        p.insert(k, v);
    }
    let versions = if has_column(conn, "dossier_versions", "hash")? {
        "SELECT reference, version, hash FROM dossier_versions"
    } else {
        "SELECT '', 0, '' WHERE 0"
    };
    for (reference, n, hash) in rows(conn, versions, |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (k, v) = replay::version(&reference, n, &hash);
        p.insert(k, v);
    }
    let absences = if has_column(conn, "absences", "by")? {
        "SELECT reference, by FROM absences"
    } else {
        "SELECT '', '' WHERE 0"
    };
    for (reference, by) in rows(conn, absences, |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })? {
        let (k, v) = replay::absence(&reference, &by);
        p.insert(k, v);
    }
    let validations = if has_column(conn, "validations", "institution")? {
        "SELECT session_id, institution, validated, signed_by, signed_on, reasons FROM validations ORDER BY id"
    } else {
        "SELECT 0, '', 0, '', '', '' WHERE 0"
    };
    for (n, (session, institution, validated, by, on, reasons)) in rows(conn, validations, |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, bool>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?
    .into_iter()
    .enumerate()
    {
        let (k, v) =
            replay::validation(n + 1, session, &institution, validated, &by, &on, &reasons);
        p.insert(k, v);
    }
    let withdrawals = if has_column(conn, "withdrawals", "promoted")? {
        "SELECT reference, session_id, received_on, channel, by, promoted, promoted_in FROM withdrawals"
    } else {
        "SELECT '', 0, '', '', '', NULL, NULL WHERE 0"
    };
    for (reference, session, received_on, channel, by, promoted, promoted_in) in
        rows(conn, withdrawals, |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<i64>>(6)?,
            ))
        })?
    {
        let (k, v) = replay::withdrawal(
            &reference,
            session,
            &received_on,
            &channel,
            &by,
            promoted.as_deref().zip(promoted_in),
        );
        p.insert(k, v);
    }
    let issued = if has_column(conn, "issued_shortlist", "reference")? {
        "SELECT reference FROM issued_shortlist"
    } else {
        "SELECT '' WHERE 0"
    };
    for reference in rows(conn, issued, |r| r.get::<_, String>(0))? {
        let (k, v) = replay::issued(&reference);
        p.insert(k, v);
    }
    if has_column(conn, "convocations", "hash")? {
        for c in super::convocations::read(conn)? {
            let (k, v) = replay::convocation(&c);
            p.insert(k, v);
        }
    }
    let requests = if has_column(conn, "piece_requests", "due")? {
        "SELECT id, reference, due, letter_date, version FROM piece_requests"
    } else {
        "SELECT 0, '', '', '', 0 WHERE 0"
    };
    for (id, reference, due, date, v) in rows(conn, requests, |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })? {
        let (k, v) = replay::request(id, &reference, &due, &date, v);
        p.insert(k, v);
    }
    if has_column(conn, "audition_slots", "panel")? {
        super::schedule::projection(conn, &mut p)?;
    }
    for (reference, content, hash) in
        rows(conn, "SELECT reference, content, hash FROM dossiers", |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
    {
        // A dossier's text edited without its hash shows as another hash.
        let actual = serde_json::from_str(&content)
            .map(|v| content_hash(&v))
            .unwrap_or_else(|_| "illisible".into());
        let (k, v) = replay::dossier(&reference, &hash, (actual != hash).then_some(&*actual));
        p.insert(k, v);
    }
    Ok(p)
}
