//! Review packets in the database: a member exports their work from their
//! own database; the chair merges it, in one transaction, following the rules
//! of `jury_core::packet`. Every score written is audited like a typed one.

use super::{PacketProblem, Refusal, Store, StoreError, TxError, audit, now, sql_error};
use jury_core::packet::{self, Packet, PacketConflict, PacketScore, Versions};
use jury_core::records::{MergeConflict, PacketSummary};
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::json;
use std::collections::BTreeSet;
use std::fmt;

/// What importing one packet did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MergeReport {
    pub member: String,
    pub exported_at: String,
    pub checksum: String,
    /// Dossiers the packet scores.
    pub dossiers: usize,
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// Rows where the chair's database was more recent: left alone.
    pub older: usize,
    pub conflicts: Vec<MergeConflict>,
    /// Conflict-of-interest declarations added.
    pub conflicts_declared: usize,
    /// Conflict-of-interest declarations the member withdrew.
    pub conflicts_withdrawn: usize,
    /// This very packet was imported before: nothing was done.
    pub already_imported: bool,
    /// Against the member's assignment, when they have dossiers assigned.
    pub assignment: Option<AgainstAssignment>,
}

/// What a packet scored against the dossiers assigned to its member.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AgainstAssignment {
    /// Dossiers assigned to the member.
    pub assigned: usize,
    /// Of those, how many the packet scores.
    pub scored: usize,
    /// Dossiers the packet scores that are not assigned to the member.
    pub outside: usize,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n >= 2 { many } else { one })
}

impl fmt::Display for MergeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.already_imported {
            return write!(f, "déjà importé, rien de changé");
        }
        write!(
            f,
            "{}, {}, {}, {}",
            plural(self.added, "note ajoutée", "notes ajoutées"),
            plural(self.changed, "modifiée", "modifiées"),
            plural(self.unchanged, "inchangée", "inchangées"),
            plural(self.conflicts.len(), "conflit", "conflits"),
        )?;
        if self.older > 0 {
            write!(
                f,
                ", {} (la base a plus récent)",
                plural(
                    self.older,
                    "plus ancienne ignorée",
                    "plus anciennes ignorées"
                )
            )?;
        }
        if self.conflicts_withdrawn > 0 {
            write!(
                f,
                ", {}",
                plural(
                    self.conflicts_withdrawn,
                    "conflit d'intérêts retiré",
                    "conflits d'intérêts retirés"
                )
            )?;
        }
        if self.conflicts_declared > 0 {
            write!(
                f,
                ", {}",
                plural(
                    self.conflicts_declared,
                    "conflit d'intérêts déclaré",
                    "conflits d'intérêts déclarés"
                )
            )?;
        }
        if let Some(a) = &self.assignment {
            write!(
                f,
                " ; {} de ses {} notés",
                a.scored,
                plural(a.assigned, "dossier", "dossiers")
            )?;
            if a.outside > 0 {
                write!(
                    f,
                    " ; {} hors attribution",
                    plural(a.outside, "dossier", "dossiers")
                )?;
            }
        }
        Ok(())
    }
}

/// The packet's scored dossiers against the member's assignment; `None`
/// when nothing is assigned to them.
fn against_assignment(
    tx: &Transaction,
    member: &str,
    p: &packet::Packet,
) -> rusqlite::Result<Option<AgainstAssignment>> {
    let mut stmt = tx.prepare("SELECT reference FROM assignments WHERE member = ?1")?;
    let assigned: BTreeSet<String> = stmt
        .query_map([member], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if assigned.is_empty() {
        return Ok(None);
    }
    let scored: BTreeSet<&String> = p
        .scores
        .iter()
        .filter(|s| s.value.is_some())
        .map(|s| &s.reference)
        .collect();
    Ok(Some(AgainstAssignment {
        assigned: assigned.len(),
        scored: scored.iter().filter(|r| assigned.contains(**r)).count(),
        outside: scored.iter().filter(|r| !assigned.contains(**r)).count(),
    }))
}

fn show(value: Option<f64>, comment: &str) -> String {
    json!({ "value": value, "comment": comment }).to_string()
}

impl Store {
    /// That member's scores, comments and conflict declarations, with the
    /// grid they were scored on, authenticated with the key their bundle
    /// delivered (`credential`).
    pub fn export_packet(
        &self,
        member: &str,
        credential: &packet::Credential,
    ) -> Result<Packet, StoreError> {
        let err = |e| sql_error(&self.path, e);
        let Some(call_id) = self.meta("call_id")? else {
            return Err(Refusal::NoCall.into());
        };
        if credential.member != member {
            return Err(Refusal::KeyOfAnother {
                member: member.to_string(),
                holder: credential.member.clone(),
            }
            .into());
        }
        if credential.call_id != call_id {
            return Err(Refusal::KeyOfAnotherCall {
                key_call: credential.call_id.clone(),
                call: call_id,
            }
            .into());
        }
        let known: Option<String> = self
            .conn
            .query_row("SELECT name FROM members WHERE name = ?1", [member], |r| {
                r.get(0)
            })
            .optional()
            .map_err(err)?;
        if known.is_none() {
            return Err(Refusal::NotAMember {
                member: member.to_string(),
                members: self.members()?.into_iter().map(|(n, _)| n).collect(),
            }
            .into());
        }
        let mut p = Packet::new(&call_id, member, &now());
        p.grid = self
            .stored_call()?
            .and_then(|v| jury_core::call::Call::from_value(&v).ok())
            .map(|c| jury_core::grid::fingerprint(&c))
            .unwrap_or_default();
        p.key_id = credential.key_id.clone();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT reference, criterion, value, comment, updated_at FROM scores
                 WHERE member = ?1 ORDER BY reference, criterion",
            )
            .map_err(err)?;
        p.scores = stmt
            .query_map([member], score_row)
            .and_then(Iterator::collect)
            .map_err(err)?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT reference, reason, declared_at, withdrawn_at FROM conflicts
                 WHERE member = ?1 ORDER BY reference",
            )
            .map_err(err)?;
        p.conflicts = stmt
            .query_map([member], |r| {
                Ok(PacketConflict {
                    reference: r.get(0)?,
                    reason: r.get(1)?,
                    declared_at: r.get(2)?,
                    withdrawn_at: r.get(3)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(err)?;
        let Some(secret) = credential.secret_bytes() else {
            return Err(Refusal::KeyOfAnother {
                member: member.to_string(),
                holder: credential.member.clone(),
            }
            .into());
        };
        Ok(packet::sign(p, &secret))
    }

    /// A copy of this packet (same checksum) was imported already: a
    /// second import changes nothing, so needs no backup first.
    pub fn packet_seen(&self, p: &Packet) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM packets WHERE checksum = ?1)",
                [&p.checksum],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Merges a member's packet, all or nothing, once it is authenticated
    /// (written with the key issued to its member, on the chair's grid). A
    /// packet already imported (same checksum) is not an error: the report
    /// says so and nothing moves. Only members can be issued a key, so a
    /// packet from anyone else is refused as having no key.
    pub fn import_packet(&mut self, p: &Packet) -> Result<MergeReport, StoreError> {
        let call = self.stored_call()?;
        let grid = call
            .as_ref()
            .and_then(|v| jury_core::call::Call::from_value(v).ok())
            .map(|c| jury_core::grid::fingerprint(&c));
        self.write(|tx| {
            let who = &p.member;
            if p.format != packet::FORMAT {
                return Err(Refusal::PacketFormat(p.format.clone()).into());
            }
            if !p.is_sealed() {
                return Err(Refusal::PacketAltered.into());
            }
            packet::validate(p).map_err(Refusal::PacketInvalid)?;
            packet::check_times(p, chrono::Utc::now()).map_err(Refusal::PacketInvalid)?;
            let call_id: Option<String> = tx
                .query_row("SELECT value FROM meta WHERE key = 'call_id'", [], |r| r.get(0))
                .optional()?;
            match call_id {
                None => {
                    return Err(Refusal::NoCallForPacket.into());
                }
                Some(id) if id != p.call_id => {
                    return Err(Refusal::PacketOtherCall {
                        member: who.clone(),
                        packet_call: p.call_id.clone(),
                        call: id,
                    }
                    .into());
                }
                Some(_) => {}
            }
            authenticate(tx, p, grid.as_deref())?;
            let mut report = MergeReport {
                member: who.clone(),
                exported_at: p.exported_at.clone(),
                checksum: p.checksum.clone(),
                dossiers: p.scores.iter().map(|s| &s.reference).collect::<BTreeSet<_>>().len(),
                ..MergeReport::default()
            };
            let seen: Option<String> = tx
                .query_row(
                    "SELECT imported_at FROM packets WHERE checksum = ?1",
                    [&p.checksum],
                    |r| r.get(0),
                )
                .optional()?;
            if seen.is_some() {
                report.already_imported = true;
                return Ok(report);
            }
            let mut problems = Vec::new();
            let missing = unknown_dossiers(tx, p)?;
            if !missing.is_empty() {
                problems.push(PacketProblem::MissingDossiers(missing));
            }
            if let Some(call) = call.as_ref().and_then(|v| jury_core::call::Call::from_value(v).ok()) {
                // A member may score both stages' grids; each score is
                // checked against the scale of the grid its criterion is in.
                let audition = call.audition.is_some().then(|| call.audition_grid());
                // And each lot's own grid, in a call with lots.
                let lots: Vec<jury_core::call::Call> = call
                    .lots
                    .iter()
                    .filter(|l| l.criteria.is_some())
                    .map(|l| call.lot_call(&l.id))
                    .collect();
                let grids: Vec<&jury_core::call::Call> = std::iter::once(&call)
                    .chain(audition.as_ref())
                    .chain(&lots)
                    .collect();
                let mut unknown = BTreeSet::new();
                let mut outside: Vec<Vec<(String, f64)>> = vec![Vec::new(); grids.len()];
                for s in &p.scores {
                    match grids.iter().position(|g| g.criterion_index(&s.criterion).is_some()) {
                        None => {
                            unknown.insert(format!("{}/{}", s.reference, s.criterion));
                        }
                        Some(g) => {
                            if let Some(v) = s.value
                                && !grids[g].scale.contains(v)
                            {
                                outside[g].push((format!("{}/{}", s.reference, s.criterion), v));
                            }
                        }
                    }
                }
                if !unknown.is_empty() {
                    problems.push(PacketProblem::UnknownCriteria(unknown.into_iter().collect()));
                }
                for (grid, scores) in grids.iter().zip(outside) {
                    if !scores.is_empty() {
                        problems.push(PacketProblem::OffScale {
                            min: grid.scale.min,
                            max: grid.scale.max,
                            scores,
                        });
                    }
                }
            }
            if !problems.is_empty() {
                return Err(Refusal::PacketProblems {
                    member: who.clone(),
                    problems,
                }
                .into());
            }
            let mut stmt = tx
                .prepare(
                    "SELECT reference, criterion, value, comment, updated_at FROM scores
                     WHERE member = ?1 ORDER BY reference, criterion",
                )?;
            let stored: Vec<PacketScore> = stmt
                .query_map([who], score_row)
                .and_then(Iterator::collect)?;
            drop(stmt);
            let plan = packet::plan(&stored, &p.scores);
            for s in &plan.added {
                write_score(tx, who, None, s)?;
            }
            for v in &plan.changed {
                write_score(tx, who, Some(&v.stored), &v.incoming)?;
            }
            for v in plan.unchanged.iter().filter(|v| v.newer_date()) {
                tx.execute(
                    "UPDATE scores SET updated_at = ?4 WHERE reference = ?1 AND member = ?2 AND criterion = ?3",
                    params![v.incoming.reference, who, v.incoming.criterion, v.incoming.updated_at],
                )?;
            }
            for v in &plan.conflicts {
                report.conflicts.push(record_conflict(tx, who, &p.checksum, v)?);
            }
            for c in &p.conflicts {
                match merge_declaration(tx, who, c)? {
                    Some(true) => report.conflicts_declared += 1,
                    Some(false) => report.conflicts_withdrawn += 1,
                    None => {}
                }
            }
            report.assignment = against_assignment(tx, who, p)?;
            report.added = plan.added.len();
            report.changed = plan.changed.len();
            report.unchanged = plan.unchanged.len();
            report.older = plan.older.len();
            tx.execute(
                "INSERT INTO packets (member, exported_at, checksum, imported_at, dossiers, added, changed, unchanged)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    who,
                    p.exported_at,
                    p.checksum,
                    now(),
                    report.dossiers as i64,
                    report.added as i64,
                    report.changed as i64,
                    report.unchanged as i64
                ],
            )?;
            audit(
                tx,
                who,
                "packet.import",
                &format!("paquet/{who}"),
                None,
                Some(
                    &json!({
                        "exported_at": p.exported_at,
                        "checksum": p.checksum,
                        "added": report.added,
                        "changed": report.changed,
                        "unchanged": report.unchanged,
                        "older": report.older,
                        "conflicts": report.conflicts.len(),
                        "conflicts_declared": report.conflicts_declared,
                    })
                    .to_string(),
                ),
            )?;
            Ok(report)
        })
    }

    /// Every member, with their latest packet and the dossiers they scored.
    pub fn packet_summaries(&self) -> Result<Vec<PacketSummary>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT m.name, m.role,
                        (SELECT MAX(imported_at) FROM packets p WHERE p.member = m.name),
                        (SELECT COUNT(*) FROM packets p WHERE p.member = m.name),
                        (SELECT COUNT(DISTINCT reference) FROM scores s
                          WHERE s.member = m.name AND s.value IS NOT NULL)
                 FROM members m ORDER BY m.name",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([], |r| {
            Ok(PacketSummary {
                member: r.get(0)?,
                role: r.get(1)?,
                last_import: r.get(2)?,
                packets: r.get::<_, i64>(3)? as usize,
                dossiers: r.get::<_, i64>(4)? as usize,
            })
        })
        .and_then(Iterator::collect)
        .map_err(|e| self.err(e))
    }

    /// Merge conflicts not yet resolved, oldest first.
    /// The chair settles a disagreement between packets: keep the stored
    /// score or take the packet's. One transaction, one audit event.
    pub fn resolve_merge_conflict(
        &mut self,
        actor: &str,
        id: i64,
        take_incoming: bool,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let c: MergeConflict = tx
                .query_row(
                    "SELECT id, reference, member, criterion, kept, incoming, updated_at, packet
                     FROM merge_conflicts WHERE id = ?1 AND resolved_at IS NULL",
                    [id],
                    merge_conflict,
                )
                .optional()?
                .ok_or(Refusal::MergeConflictSettled)?;
            if take_incoming {
                tx.execute(
                    "UPDATE scores SET value = ?4 WHERE reference = ?1 AND member = ?2 AND criterion = ?3",
                    params![c.reference, c.member, c.criterion, c.incoming],
                )?;
            }
            tx.execute("UPDATE merge_conflicts SET resolved_at = ?2 WHERE id = ?1", params![id, now()])?;
            audit(
                tx,
                actor,
                "packet.resolve",
                &format!("{}/{}", c.reference, c.criterion),
                Some(&serde_json::json!({ "member": c.member, "value": c.kept }).to_string()),
                Some(
                    &serde_json::json!({
                        "member": c.member,
                        "value": if take_incoming { c.incoming } else { c.kept },
                        "kept": !take_incoming
                    })
                    .to_string(),
                ),
            )?;
            Ok(())
        })
    }

    pub fn open_merge_conflicts(&self) -> Result<Vec<MergeConflict>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, reference, member, criterion, kept, incoming, updated_at, packet
                 FROM merge_conflicts WHERE resolved_at IS NULL ORDER BY id",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([], merge_conflict)
            .and_then(Iterator::collect)
            .map_err(|e| self.err(e))
    }
}

/// The packet was written with the key issued to its member, on the chair's
/// current grid, after the member was first issued a bundle.
fn authenticate(tx: &Transaction, p: &Packet, grid: Option<&str>) -> Result<(), TxError> {
    let who = &p.member;
    let Some(keys) = super::keys::member_keys(tx, who)? else {
        return Err(Refusal::PacketNoKey(who.clone()).into());
    };
    if p.key_id != keys.current_id {
        return Err(if keys.ids.contains(&p.key_id) {
            Refusal::PacketKeyReplaced {
                member: who.clone(),
                since: keys.current_issued_at.clone(),
            }
        } else {
            Refusal::PacketWrongKey(who.clone())
        }
        .into());
    }
    if !p.is_authentic(&keys.current_secret) {
        return Err(Refusal::PacketWrongKey(who.clone()).into());
    }
    if grid != Some(p.grid.as_str()) {
        return Err(Refusal::PacketOtherGrid(who.clone()).into());
    }
    packet::check_issued(p, &keys.first_issued_at).map_err(Refusal::PacketInvalid)?;
    Ok(())
}

fn score_row(r: &rusqlite::Row) -> rusqlite::Result<PacketScore> {
    Ok(PacketScore {
        reference: r.get(0)?,
        criterion: r.get(1)?,
        value: r.get(2)?,
        comment: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

fn merge_conflict(r: &rusqlite::Row) -> rusqlite::Result<MergeConflict> {
    Ok(MergeConflict {
        id: r.get(0)?,
        reference: r.get(1)?,
        member: r.get(2)?,
        criterion: r.get(3)?,
        kept: r.get(4)?,
        incoming: r.get(5)?,
        updated_at: r.get(6)?,
        packet: r.get(7)?,
    })
}

fn unknown_dossiers(tx: &Transaction, p: &Packet) -> rusqlite::Result<Vec<String>> {
    let mut stmt = tx.prepare("SELECT 1 FROM dossiers WHERE reference = ?1")?;
    let mut missing = Vec::new();
    for reference in p.references() {
        if !stmt.exists([reference])? {
            missing.push(reference.to_string());
        }
    }
    Ok(missing)
}

/// Writes the packet's row with the packet's date, and its audit event.
fn write_score(
    tx: &Transaction,
    member: &str,
    before: Option<&PacketScore>,
    s: &PacketScore,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO scores (reference, member, criterion, value, comment, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (reference, member, criterion)
         DO UPDATE SET value = excluded.value, comment = excluded.comment, updated_at = excluded.updated_at",
        params![s.reference, member, s.criterion, s.value, s.comment, s.updated_at],
    )?;
    // Scored offline: on the version current when the member scored, not
    // the one current when the chair merges (the trigger's guess), so a
    // correction made in between shows as « modifié depuis votre note ».
    tx.execute(
        "UPDATE scores SET dossier_version = COALESCE(
            (SELECT MAX(version) FROM dossier_versions
             WHERE reference = ?1 AND julianday(at) <= julianday(?4)), 1)
         WHERE reference = ?1 AND member = ?2 AND criterion = ?3",
        params![s.reference, member, s.criterion, s.updated_at],
    )?;
    audit(
        tx,
        member,
        "packet.score",
        &format!("{}/{}", s.reference, s.criterion),
        before.map(|b| show(b.value, &b.comment)).as_deref(),
        Some(&show(s.value, &s.comment)),
    )
}

/// Records a merge conflict once (the same disagreement met again is not
/// recorded twice while it is open).
fn record_conflict(
    tx: &Transaction,
    member: &str,
    checksum: &str,
    v: &Versions,
) -> rusqlite::Result<MergeConflict> {
    let s = &v.incoming;
    let existing = tx
        .query_row(
            "SELECT id, reference, member, criterion, kept, incoming, updated_at, packet
             FROM merge_conflicts
             WHERE reference = ?1 AND member = ?2 AND criterion = ?3 AND updated_at = ?4
               AND kept IS ?5 AND incoming IS ?6 AND resolved_at IS NULL",
            params![
                s.reference,
                member,
                s.criterion,
                s.updated_at,
                v.stored.value,
                s.value
            ],
            merge_conflict,
        )
        .optional()?;
    if let Some(c) = existing {
        return Ok(c);
    }
    tx.execute(
        "INSERT INTO merge_conflicts (reference, member, criterion, kept, incoming, updated_at, packet)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![s.reference, member, s.criterion, v.stored.value, s.value, s.updated_at, checksum],
    )?;
    Ok(MergeConflict {
        id: tx.last_insert_rowid(),
        reference: s.reference.clone(),
        member: member.into(),
        criterion: s.criterion.clone(),
        kept: v.stored.value,
        incoming: s.value,
        updated_at: s.updated_at.clone(),
        packet: checksum.into(),
    })
}

/// Merges a member's conflict-of-interest declaration: the most recent state
/// wins (declared at `declared_at`, or withdrawn at `withdrawn_at`), with the
/// packet's own times so any merge order converges; audited like one made in
/// the chair's Jury. Returns Some(true) when declared, Some(false) when
/// withdrawn, None when nothing changed.
fn merge_declaration(
    tx: &Transaction,
    member: &str,
    c: &PacketConflict,
) -> rusqlite::Result<Option<bool>> {
    let stored: Option<(String, String, Option<String>)> = tx
        .query_row(
            "SELECT reason, declared_at, withdrawn_at FROM conflicts WHERE reference = ?1 AND member = ?2",
            params![c.reference, member],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let incoming_declared = c.withdrawn_at.is_none();
    let incoming_time = c.withdrawn_at.as_deref().unwrap_or(&c.declared_at);
    let before_declared = match &stored {
        // A withdrawal the chair never saw declared: kept, silently, so an
        // older packet declaring it cannot bring it back.
        None if !incoming_declared => {
            tx.execute(
                "INSERT INTO conflicts (reference, member, reason, declared_at, withdrawn_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![c.reference, member, c.reason, c.declared_at, c.withdrawn_at],
            )?;
            return Ok(None);
        }
        None => false,
        Some((_, declared_at, withdrawn_at)) => {
            let declared = withdrawn_at.is_none();
            let time = withdrawn_at.as_deref().unwrap_or(declared_at);
            if declared == incoming_declared
                || packet::compare_times(incoming_time, time) != std::cmp::Ordering::Greater
            {
                return Ok(None);
            }
            declared
        }
    };
    if incoming_declared {
        tx.execute(
            "INSERT INTO conflicts (reference, member, reason, declared_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (reference, member) DO UPDATE SET reason = excluded.reason,
               declared_at = excluded.declared_at, withdrawn_at = NULL",
            params![c.reference, member, c.reason, c.declared_at],
        )?;
    } else {
        tx.execute(
            "UPDATE conflicts SET withdrawn_at = ?3 WHERE reference = ?1 AND member = ?2",
            params![c.reference, member, c.withdrawn_at],
        )?;
    }
    let reason_before = stored.map(|s| s.0).unwrap_or_default();
    let state =
        |d: bool, r: &str| json!({ "member": member, "declared": d, "reason": r }).to_string();
    audit(
        tx,
        member,
        "conflict",
        &c.reference,
        Some(&state(before_declared, &reason_before)),
        Some(&state(incoming_declared, &c.reason)),
    )?;
    Ok(Some(incoming_declared))
}
