//! Persistence of the committee's work: conflicts of interest, eligibility
//! overrides, consensus grids, sessions, decisions, the call's outcome, and
//! undo. Each method is one transaction with its audit event.

use super::{Refusal, Store, StoreError, audit, now, sql_error};
use jury_core::aggregate::Basis;
use jury_core::call::{Call, Role};
use jury_core::committee::Committee;
use jury_core::decision::Draft;
use jury_core::dossier::Card;
use jury_core::fr::Lang;
use jury_core::lot::Scope;
use jury_core::records::{
    Absence, CommitteeData, Conflict, DecisionRow, Outcome, Override, Session, Withdrawal,
};
use jury_core::snapshot::{self, Snapshot};
use jury_core::stage::Stage;
use jury_core::withdrawal::WithdrawalError;
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Value, json};

impl Store {
    pub fn load_committee(&self) -> Result<CommitteeData, StoreError> {
        let c = &self.conn;
        let err = |e| sql_error(&self.path, e);
        let mut data = CommitteeData {
            members: self.members()?,
            assignments: self.assignments()?,
            ..CommitteeData::default()
        };
        let mut stmt = c
            .prepare(
                "SELECT reference, member, reason FROM conflicts WHERE withdrawn_at IS NULL
                 ORDER BY reference, member",
            )
            .map_err(err)?;
        data.conflicts = stmt
            .query_map([], |r| {
                Ok(Conflict {
                    reference: r.get(0)?,
                    member: r.get(1)?,
                    reason: r.get(2)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(err)?;
        let mut stmt = c
            .prepare(
                "SELECT reference, verdict, justification, by FROM overrides ORDER BY reference",
            )
            .map_err(err)?;
        data.overrides = stmt
            .query_map([], |r| {
                Ok(Override {
                    reference: r.get(0)?,
                    eligible: r.get::<_, String>(1)? == "eligible",
                    justification: r.get(2)?,
                    by: r.get(3)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(err)?;
        let mut stmt = c
            .prepare(
                "SELECT reference, criterion, value FROM consensus ORDER BY reference, criterion",
            )
            .map_err(err)?;
        data.consensus = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(Iterator::collect)
            .map_err(err)?;
        let mut stmt = c
            .prepare("SELECT id, date, opened_by, closed_at, stage, lot FROM sessions ORDER BY id")
            .map_err(err)?;
        let sessions: Vec<Session> = stmt
            .query_map([], |r| {
                Ok(Session {
                    id: r.get(0)?,
                    stage: Stage::from_id(&r.get::<_, String>(4)?).unwrap_or_default(),
                    date: r.get(1)?,
                    opened_by: r.get(2)?,
                    closed_at: r.get(3)?,
                    lot: r.get(5)?,
                    present: Vec::new(),
                })
            })
            .and_then(Iterator::collect)
            .map_err(err)?;
        let mut stmt = c
            .prepare("SELECT member FROM session_members WHERE session_id = ?1 ORDER BY member")
            .map_err(err)?;
        for mut s in sessions {
            s.present = stmt
                .query_map([s.id], |r| r.get(0))
                .and_then(Iterator::collect)
                .map_err(err)?;
            data.sessions.push(s);
        }
        let mut stmt = c
            .prepare(
                "SELECT session_id, institution, validated, signed_by, signed_on, reasons
                 FROM validations ORDER BY id",
            )
            .map_err(err)?;
        data.validations = stmt
            .query_map([], |r| {
                let on: String = r.get(4)?;
                Ok(jury_core::institutions::Validation {
                    session_id: r.get(0)?,
                    institution: r.get(1)?,
                    validated: r.get(2)?,
                    by: r.get(3)?,
                    on: chrono::NaiveDate::parse_from_str(&on, "%Y-%m-%d").unwrap_or_default(),
                    reasons: r.get(5)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(err)?;
        let mut stmt = c
            .prepare("SELECT reference FROM issued_shortlist ORDER BY reference")
            .map_err(err)?;
        data.issued_shortlist = stmt
            .query_map([], |r| r.get(0))
            .and_then(Iterator::collect)
            .map_err(err)?;
        let mut stmt = c
            .prepare("SELECT reference, by, at FROM absences ORDER BY reference")
            .map_err(err)?;
        data.absences = stmt
            .query_map([], |r| {
                Ok(Absence {
                    reference: r.get(0)?,
                    by: r.get(1)?,
                    at: r.get(2)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(err)?;
        let mut stmt = c
            .prepare(
                "SELECT reference, session_id, received_on, channel, by, at, promoted, promoted_in
                 FROM withdrawals ORDER BY at, reference",
            )
            .map_err(err)?;
        data.withdrawals = stmt
            .query_map([], |r| {
                let promoted: Option<String> = r.get(6)?;
                let promoted_in: Option<i64> = r.get(7)?;
                Ok(Withdrawal {
                    reference: r.get(0)?,
                    session_id: r.get(1)?,
                    received_on: r.get(2)?,
                    channel: r.get(3)?,
                    by: r.get(4)?,
                    at: r.get(5)?,
                    promoted: promoted.zip(promoted_in),
                })
            })
            .and_then(Iterator::collect)
            .map_err(err)?;
        let mut stmt = c
            .prepare(
                "SELECT id, session_id, reference, kind, motivation, condition, waitlist_rank, documents,
                        without_quorum, by, at, guarded, amount, budget_override FROM decisions ORDER BY id",
            )
            .map_err(err)?;
        data.decisions = stmt
            .query_map([], decision_row)
            .and_then(Iterator::collect)
            .map_err(err)?;
        let mut stmt = c
            .prepare("SELECT snapshot FROM decision_snapshots ORDER BY session_id, reference")
            .map_err(err)?;
        let texts: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .and_then(Iterator::collect)
            .map_err(err)?;
        // A row that does not read is left out: the documents then fall back
        // on the live picture rather than refuse to open the database.
        data.snapshots = texts
            .iter()
            .filter_map(|t| serde_json::from_str(t).ok())
            .collect();
        data.packets = self.packet_summaries()?;
        data.merge_conflicts = self.open_merge_conflicts()?;
        let mut stmt = c
            .prepare("SELECT session_id, unsuccessful, motivation, by FROM outcomes ORDER BY id")
            .map_err(err)?;
        data.outcomes = stmt
            .query_map([], |r| {
                Ok(Outcome {
                    session_id: r.get(0)?,
                    unsuccessful: r.get(1)?,
                    motivation: r.get(2)?,
                    by: r.get(3)?,
                })
            })
            .and_then(Iterator::collect)
            .map_err(err)?;
        data.slots = self.slots()?;
        data.unavailable = self.unavailability()?;
        Ok(data)
    }

    /// A dossier's audit trail (the dossier and its criteria), oldest first.
    pub fn history(&self, reference: &str) -> Result<Vec<jury_core::audit::Event>, StoreError> {
        crate::store::audit::read_merged(&self.conn, Some(reference))
            .map_err(|e| sql_error(&self.path, e))
    }

    /// The whole audit trail, oldest first.
    pub fn events(&self) -> Result<Vec<jury_core::audit::Event>, StoreError> {
        crate::store::audit::read_merged(&self.conn, None).map_err(|e| sql_error(&self.path, e))
    }

    pub fn add_member(&mut self, actor: &str, name: &str, role: Role) -> Result<(), StoreError> {
        self.write(|tx| {
            let added = tx.execute(
                "INSERT INTO members (name, role) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
                params![name, role.id()],
            )?;
            if added == 0 {
                return Err(Refusal::MemberExists.into());
            }
            audit(
                tx,
                actor,
                "member.add",
                name,
                None,
                Some(&json!({ "role": role.id() }).to_string()),
            )?;
            Ok(())
        })
    }

    /// Declares (or withdraws) a member's conflict of interest with a dossier.
    pub fn set_conflict(
        &mut self,
        actor: &str,
        reference: &str,
        member: &str,
        declared: bool,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let before: Option<String> = tx
                .query_row(
                    "SELECT reason FROM conflicts WHERE reference = ?1 AND member = ?2 AND withdrawn_at IS NULL",
                    params![reference, member],
                    |r| r.get(0),
                )
                .optional()?;
            if before.is_some() == declared {
                return Ok(());
            }
            if declared {
                declare(tx, reference, member, reason)
            } else {
                withdraw(tx, reference, member)
            }?;
            let state = |d: bool, r: &str| json!({ "member": member, "declared": d, "reason": r }).to_string();
            audit(
                tx,
                actor,
                "conflict",
                reference,
                Some(&state(!declared, before.as_deref().unwrap_or(""))),
                Some(&state(declared, reason)),
            )?;
            Ok(())
        })
    }

    /// The chair's override of the rules' eligibility result; `None` removes it.
    pub fn set_override(
        &mut self,
        actor: &str,
        reference: &str,
        verdict: Option<(bool, &str)>,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let before = read_override(tx, reference)?;
            let after = verdict.map(|(ok, j)| json!({ "eligible": ok, "justification": j }));
            if before == after {
                return Ok(());
            }
            write_override(tx, actor, reference, after.as_ref())?;
            audit(
                tx,
                actor,
                "override",
                reference,
                before.map(|v| v.to_string()).as_deref(),
                after.map(|v| v.to_string()).as_deref(),
            )?;
            Ok(())
        })
    }

    /// One criterion of the chair's consensus grid; `None` clears it.
    pub fn set_consensus(
        &mut self,
        actor: &str,
        reference: &str,
        criterion: &str,
        value: Option<f64>,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            if in_conflict(tx, reference, actor)? {
                return Err(Refusal::InConflict.into());
            }
            let before = read_consensus(tx, reference, criterion)?;
            if before == value {
                return Ok(());
            }
            write_consensus(tx, actor, reference, criterion, value)?;
            let show = |v: Option<f64>| json!({ "value": v }).to_string();
            audit(
                tx,
                actor,
                "consensus",
                &format!("{reference}/{criterion}"),
                Some(&show(before)),
                Some(&show(value)),
            )?;
            Ok(())
        })
    }

    pub fn open_session(
        &mut self,
        actor: &str,
        date: &str,
        present: &[String],
        scope: &Scope,
    ) -> Result<i64, StoreError> {
        self.write(|tx| {
            let open: Option<i64> = tx
                .query_row("SELECT id FROM sessions WHERE closed_at IS NULL", [], |r| {
                    r.get(0)
                })
                .optional()?;
            if open.is_some() {
                return Err(Refusal::SessionAlreadyOpen.into());
            }
            tx.execute(
                "INSERT INTO sessions (date, opened_by, opened_at, stage, lot) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![date, actor, now(), scope.stage.id(), scope.lot],
            )?;
            let id = tx.last_insert_rowid();
            for m in present {
                tx.execute(
                    "INSERT INTO session_members (session_id, member) VALUES (?1, ?2)",
                    params![id, m],
                )?;
            }
            audit(
                tx,
                actor,
                "session.open",
                &format!("séance/{id}"),
                None,
                Some(&session_payload(date, present, scope).to_string()),
            )?;
            Ok(id)
        })
    }

    /// Closes a session: its decisions are frozen from then on.
    /// Each dossier's basis (scores, aggregates, total, rank, eligibility,
    /// grid) is frozen with it, in the `session.close` event and in
    /// `decision_snapshots`.
    pub fn close_session(&mut self, actor: &str, id: i64) -> Result<(), StoreError> {
        // Read just before the write: the store holds the database's
        // exclusive lock and `&mut self`, so nothing can change in between.
        let snapshots = self.snapshots_at_close(id)?;
        // A copy of the database as it stood before the close: if it cannot
        // be written, the session stays open and the user is told why.
        self.backup(&super::backup::Reason::SessionClose(id))?;
        // Each snapshot written once, into the audit payload, and each row
        // of `decision_snapshots` a slice of it: the `{"snapshots":[…]}`
        // serde_json writes, without the tree of values a `json!` builds
        // first (gigabytes at 100 000), nor a second copy of the texts.
        let mut payload = String::from("{\"snapshots\":[");
        let mut frozen: Vec<(String, std::ops::Range<usize>)> = Vec::with_capacity(snapshots.len());
        for (i, s) in snapshots.into_iter().enumerate() {
            if i > 0 {
                payload.push(',');
            }
            let start = payload.len();
            payload.push_str(&serde_json::to_string(&s).unwrap_or_default());
            frozen.push((s.reference, start..payload.len()));
        }
        payload.push_str("]}");
        self.write(|tx| {
            let n = tx
                .execute(
                    "UPDATE sessions SET closed_by = ?2, closed_at = ?3 WHERE id = ?1 AND closed_at IS NULL",
                    params![id, actor, now()],
                )?;
            if n == 0 {
                return Err(Refusal::SessionAlreadyClosed.into());
            }
            let mut insert = tx.prepare(
                "INSERT INTO decision_snapshots (session_id, reference, snapshot) VALUES (?1, ?2, ?3)",
            )?;
            for (reference, text) in &frozen {
                insert.execute(params![id, reference, &payload[text.clone()]])?;
            }
            drop(insert);
            audit(
                tx,
                actor,
                "session.close",
                &format!("séance/{id}"),
                None,
                Some(&payload),
            )?;
            Ok(())
        })
    }

    /// The committee's picture of every dossier as session `id` closes.
    fn snapshots_at_close(&self, id: i64) -> Result<Vec<Snapshot>, StoreError> {
        let Some(raw) = self.stored_call()? else {
            return Ok(Vec::new());
        };
        let Ok(call) = Call::from_value(&raw) else {
            return Ok(Vec::new());
        };
        let dossiers = self.load_cards()?;
        let rows = self.load_scores()?;
        let scores = jury_core::records::score_values(&rows);
        let refs: Vec<&Card> = dossiers.iter().collect();
        let data = self.load_committee()?;
        let scope = data
            .sessions
            .iter()
            .find(|s| s.id == id)
            .map(|s| jury_core::lot::Scope {
                stage: s.stage,
                lot: s.lot.clone(),
            })
            .unwrap_or_default();
        // The basis letters and minutes are produced on (`io::produce`).
        let committee =
            Committee::build_scope(&call, &scope, &refs, &scores, data, Basis::default());
        let call = match &scope.lot {
            Some(lot) => call.lot_call(lot),
            None => call,
        };
        let mut frozen = snapshot::build(&call.grid_of(scope.stage), &committee, &refs, &rows, id);
        // A lot's session freezes the lot's candidates only.
        frozen.retain(|s| {
            committee.rank_of(&s.reference).and_then(|r| r.unranked)
                != Some(jury_core::ranking::Unranked::OtherLot)
        });
        Ok(frozen)
    }

    /// Records (or, within the same open session, replaces) a decision.
    pub fn record_decision(
        &mut self,
        actor: &str,
        session_id: i64,
        draft: &Draft,
        without_quorum: bool,
        guarded: bool,
    ) -> Result<(), StoreError> {
        self.write(|tx| put_decision(tx, actor, session_id, draft, without_quorum, guarded))
    }

    /// Records that `reference` withdrew from their current decision (final,
    /// accepting them: the app checks the kind, which the call defines), on
    /// `received_on` (AAAA-MM-JJ), received by `channel`; in a call with
    /// lots, from their decision in `lot`.
    pub fn record_withdrawal(
        &mut self,
        actor: &str,
        reference: &str,
        lot: Option<&str>,
        received_on: &str,
        channel: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let refuse = |e: WithdrawalError| Refusal::Withdrawal(e).into();
            let in_lot = "AND session_id IN (SELECT id FROM sessions WHERE lot IS ?2)";
            let Some(current) = current_decision_where(tx, reference, in_lot, Some(&lot))? else {
                return Err(refuse(WithdrawalError::NoDecision));
            };
            let session = current["session_id"].as_i64().unwrap_or(0);
            if session_is_open(tx, session)? {
                return Err(refuse(WithdrawalError::NotFinal));
            }
            let already: Option<String> = tx
                .query_row(
                    "SELECT received_on FROM withdrawals WHERE reference = ?1",
                    [reference],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(day) = already {
                return Err(refuse(WithdrawalError::Already(day)));
            }
            tx.execute(
                "INSERT INTO withdrawals (reference, session_id, received_on, channel, by, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![reference, session, received_on, channel, actor, now()],
            )?;
            audit(
                tx,
                actor,
                "decision.withdrawal",
                reference,
                None,
                Some(
                    &json!({ "session_id": session, "received_on": received_on, "channel": channel })
                        .to_string(),
                ),
            )?;
            Ok(())
        })
    }

    /// Promotes `draft.reference` from the waiting list in the place of
    /// `withdrawn`, in one transaction: the promoted candidate's new
    /// decision, then each of `moved` (those after them on the list) with
    /// their new rank, both as decisions of the open session `session_id`,
    /// and the `decision.promotion` event tying it to the withdrawal.
    #[allow(clippy::too_many_arguments)]
    pub fn promote(
        &mut self,
        actor: &str,
        withdrawn: &str,
        session_id: i64,
        draft: &Draft,
        moved: &[(String, u32)],
        without_quorum: bool,
        guarded: bool,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let promoted: Option<Option<String>> = tx
                .query_row(
                    "SELECT promoted FROM withdrawals WHERE reference = ?1",
                    [withdrawn],
                    |r| r.get(0),
                )
                .optional()?;
            match promoted {
                None => return Err(Refusal::Withdrawal(WithdrawalError::NoDecision).into()),
                Some(Some(p)) => {
                    return Err(Refusal::Withdrawal(WithdrawalError::AlreadyPromoted(p)).into());
                }
                Some(None) => {}
            }
            put_decision(tx, actor, session_id, draft, without_quorum, guarded)?;
            for (reference, rank) in moved {
                let Some(d) =
                    current_decision_where(tx, reference, SAME_LOT_AS_SESSION, Some(&session_id))?
                else {
                    continue;
                };
                let text = |k: &str| d[k].as_str().unwrap_or("").to_string();
                let moved_draft = Draft {
                    reference: reference.clone(),
                    kind: text("kind"),
                    motivation: text("motivation"),
                    condition: text("condition"),
                    waitlist_rank: Some(*rank),
                    documents: text("documents"),
                    // Still waiting: no aid.
                    amount: None,
                    budget_override: String::new(),
                };
                put_decision(tx, actor, session_id, &moved_draft, without_quorum, false)?;
            }
            tx.execute(
                "UPDATE withdrawals SET promoted = ?2, promoted_in = ?3 WHERE reference = ?1",
                params![withdrawn, draft.reference, session_id],
            )?;
            audit(
                tx,
                actor,
                "decision.promotion",
                withdrawn,
                None,
                Some(&json!({ "promoted": draft.reference, "session_id": session_id }).to_string()),
            )?;
            Ok(())
        })
    }

    pub fn record_outcome(
        &mut self,
        actor: &str,
        session_id: i64,
        unsuccessful: bool,
        motivation: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            if !session_is_open(tx, session_id)? {
                return Err(Refusal::SessionClosed.into());
            }
            tx.execute(
                "INSERT INTO outcomes (session_id, unsuccessful, motivation, by, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![session_id, unsuccessful, motivation, actor, now()],
            )?;
            audit(
                tx,
                actor,
                "outcome",
                &format!("séance/{session_id}"),
                None,
                Some(&json!({ "unsuccessful": unsuccessful, "motivation": motivation }).to_string()),
            )?;
            Ok(())
        })
    }

    /// Undoes `actor`'s last action by writing its former value back, as a
    /// new audit event: history is never rewritten. Returns what was undone.
    pub fn undo_last(&mut self, actor: &str) -> Result<String, StoreError> {
        self.write(|tx| {
            let Some((id, action, target, before)) = last_action(tx, actor)? else {
                return Err(Refusal::NothingToUndo.into());
            };
            let before_v: Value = before
                .as_deref()
                .and_then(|b| serde_json::from_str(b).ok())
                .unwrap_or(Value::Null);
            match action.as_str() {
                "score" => {
                    let (reference, criterion) = target.split_once('/').unwrap_or((&target, ""));
                    let value = before_v["value"].as_f64();
                    let comment = before_v["comment"].as_str().unwrap_or("");
                    if value.is_none() && comment.is_empty() {
                        tx.execute(
                            "DELETE FROM scores WHERE reference = ?1 AND member = ?2 AND criterion = ?3",
                            params![reference, actor, criterion],
                        )
                    } else {
                        tx.execute(
                            "INSERT INTO scores (reference, member, criterion, value, comment, updated_at)
                             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                             ON CONFLICT (reference, member, criterion)
                             DO UPDATE SET value = excluded.value, comment = excluded.comment, updated_at = excluded.updated_at",
                            params![reference, actor, criterion, value, comment, now()],
                        )
                    }?;
                }
                "conflict" => {
                    let member = before_v["member"].as_str().unwrap_or(actor);
                    if before_v["declared"].as_bool() == Some(true) {
                        declare(tx, &target, member, before_v["reason"].as_str().unwrap_or(""))
                    } else {
                        withdraw(tx, &target, member)
                    }?;
                }
                "override" => {
                    write_override(tx, actor, &target, before.as_ref().map(|_| &before_v))?;
                }
                "consensus" => {
                    let (reference, criterion) = target.split_once('/').unwrap_or((&target, ""));
                    write_consensus(tx, actor, reference, criterion, before_v["value"].as_f64())?;
                }
                "decision" | "decision.change" => {
                    let current = current_decision(tx, &target)?;
                    let session = current.as_ref().and_then(|c| c["session_id"].as_i64()).unwrap_or(0);
                    if !session_is_open(tx, session)? {
                        return Err(Refusal::DecisionFrozen.into());
                    }
                    // Remove this session's row; an earlier session's decision, if any, is current again.
                    tx.execute(
                        "DELETE FROM decisions WHERE session_id = ?1 AND reference = ?2",
                        params![session, target],
                    )?;
                    if before_v["session_id"].as_i64() == Some(session) {
                        write_decision(tx, actor, &target, Some(&before_v))?;
                    }
                }
                other => {
                    return Err(Refusal::CannotUndo(other.to_string()).into());
                }
            }
            let after = current_state(tx, &action, &target, actor)?;
            audit(
                tx,
                actor,
                "undo",
                &target,
                None,
                Some(&json!({ "undo_of": id, "restored": after }).to_string()),
            )?;
            Ok(format!("{} ({target})", action_label(&action, Lang::Fr)))
        })
    }
}

/// Records (or, within the same open session, replaces) a decision in
/// `session_id`, with its audit event: `decision.change` when it replaces
/// another session's.
fn put_decision(
    tx: &Transaction,
    actor: &str,
    session_id: i64,
    draft: &Draft,
    without_quorum: bool,
    guarded: bool,
) -> Result<(), super::TxError> {
    if !session_is_open(tx, session_id)? {
        return Err(Refusal::DecisionsFrozen.into());
    }
    if in_conflict(tx, &draft.reference, actor)? {
        return Err(Refusal::InConflict.into());
    }
    // In a call with lots, what this decision replaces is the same lot's.
    let before =
        current_decision_where(tx, &draft.reference, SAME_LOT_AS_SESSION, Some(&session_id))?;
    let mut after = json!({
        "session_id": session_id,
        "kind": draft.kind,
        "motivation": draft.motivation.trim(),
        "condition": draft.condition.trim(),
        "waitlist_rank": draft.waitlist_rank,
        "documents": draft.documents.trim(),
        "without_quorum": without_quorum,
        "guarded": guarded,
    });
    with_amount(&mut after, draft.amount, draft.budget_override.trim());
    write_decision(tx, actor, &draft.reference, Some(&after))?;
    let action = match &before {
        Some(b) if b["session_id"] != json!(session_id) => "decision.change",
        _ => "decision",
    };
    audit(
        tx,
        actor,
        action,
        &draft.reference,
        before.map(|v| v.to_string()).as_deref(),
        Some(&after.to_string()),
    )?;
    Ok(())
}

/// What an audit action is called, for "Annulé : …" and the refusal to undo.
pub(super) fn action_label(action: &str, lang: Lang) -> &'static str {
    let (fr, en) = match action {
        "score" => ("note", "score"),
        "conflict" => ("conflit d'intérêts", "conflict of interest"),
        "override" => ("dérogation de recevabilité", "eligibility override"),
        "consensus" => ("grille de consensus", "consensus grid"),
        "decision" | "decision.change" => ("décision", "decision"),
        "decision.withdrawal" => ("désistement", "withdrawal"),
        "decision.promotion" => (
            "promotion depuis la liste complémentaire",
            "promotion from the waiting list",
        ),
        "session.open" => ("ouverture de séance", "session opening"),
        "session.close" => ("clôture de séance", "session closing"),
        "outcome" => ("issue de l'appel", "outcome of the call"),
        "member.add" => ("ajout de membre", "member added"),
        // Undone by toggling the cell back on the assignment screen.
        "assign.add" => ("attribution d'un dossier", "dossier assigned"),
        "assign.remove" => ("retrait d'une attribution", "assignment removed"),
        "assign.propose" => ("attribution proposée", "proposed assignment"),
        "store.encrypt" => ("chiffrement de la base", "database encrypted"),
        "store.rekey" => ("changement de phrase secrète", "passphrase changed"),
        a if a.starts_with("schedule.") => ("calendrier des auditions", "audition timetable"),
        _ => ("action", "action"),
    };
    lang.t(fr, en)
}

/// id, action, target, before.
type LastAction = (i64, String, String, Option<String>);

/// The actor's last event that has not been undone, skipping undo events.
fn last_action(tx: &Transaction, actor: &str) -> rusqlite::Result<Option<LastAction>> {
    let mut undone = std::collections::HashSet::new();
    let mut stmt = tx.prepare(
        "SELECT id, action, target, before, after FROM audit WHERE actor = ?1 AND action != 'import' ORDER BY id DESC",
    )?;
    let rows = stmt.query_map([actor], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    for row in rows {
        let (id, action, target, before, after) = row?;
        if action == "undo" {
            if let Some(of) = after
                .as_deref()
                .and_then(|a| serde_json::from_str::<Value>(a).ok())
                .and_then(|v| v["undo_of"].as_i64())
            {
                undone.insert(of);
            }
            continue;
        }
        if undone.contains(&id) {
            continue;
        }
        let before = crate::store::audit::merged_before(tx, id, before, after)?;
        return Ok(Some((id, action, target, before)));
    }
    Ok(None)
}

fn current_state(
    tx: &Transaction,
    action: &str,
    target: &str,
    actor: &str,
) -> rusqlite::Result<Value> {
    Ok(match action {
        "score" => {
            let (reference, criterion) = target.split_once('/').unwrap_or((target, ""));
            tx.query_row(
                "SELECT value, comment FROM scores WHERE reference = ?1 AND member = ?2 AND criterion = ?3",
                params![reference, actor, criterion],
                |r| Ok(json!({ "value": r.get::<_, Option<f64>>(0)?, "comment": r.get::<_, String>(1)? })),
            )
            .optional()?
            .unwrap_or(Value::Null)
        }
        "override" => read_override(tx, target)?.unwrap_or(Value::Null),
        "consensus" => {
            let (reference, criterion) = target.split_once('/').unwrap_or((target, ""));
            json!({ "value": read_consensus(tx, reference, criterion)? })
        }
        "decision" | "decision.change" => current_decision(tx, target)?.unwrap_or(Value::Null),
        _ => Value::Null,
    })
}

/// Declares (again) a conflict of interest: the row is current from now.
pub(super) fn declare(
    tx: &Transaction,
    reference: &str,
    member: &str,
    reason: &str,
) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO conflicts (reference, member, reason, declared_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (reference, member) DO UPDATE SET reason = excluded.reason,
           declared_at = excluded.declared_at, withdrawn_at = NULL",
        params![reference, member, reason, now()],
    )
}

/// Withdraws a conflict of interest, keeping the row and the time.
pub(super) fn withdraw(tx: &Transaction, reference: &str, member: &str) -> rusqlite::Result<usize> {
    tx.execute(
        "UPDATE conflicts SET withdrawn_at = ?3 WHERE reference = ?1 AND member = ?2 AND withdrawn_at IS NULL",
        params![reference, member, now()],
    )
}

/// `member` declared a conflict of interest on `reference` and has not
/// withdrawn it.
pub(super) fn in_conflict(
    tx: &Transaction,
    reference: &str,
    member: &str,
) -> rusqlite::Result<bool> {
    tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM conflicts WHERE reference = ?1 AND member = ?2 AND withdrawn_at IS NULL)",
        [reference, member],
        |r| r.get(0),
    )
}

fn session_is_open(tx: &Transaction, id: i64) -> rusqlite::Result<bool> {
    Ok(tx
        .query_row(
            "SELECT closed_at IS NULL FROM sessions WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false))
}

fn read_override(tx: &Transaction, reference: &str) -> rusqlite::Result<Option<Value>> {
    tx.query_row(
        "SELECT verdict, justification FROM overrides WHERE reference = ?1",
        [reference],
        |r| {
            Ok(json!({
                "eligible": r.get::<_, String>(0)? == "eligible",
                "justification": r.get::<_, String>(1)?,
            }))
        },
    )
    .optional()
}

fn write_override(
    tx: &Transaction,
    actor: &str,
    reference: &str,
    v: Option<&Value>,
) -> rusqlite::Result<()> {
    match v {
        Some(v) => tx.execute(
            "INSERT INTO overrides (reference, verdict, justification, by, at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (reference) DO UPDATE SET verdict = excluded.verdict,
               justification = excluded.justification, by = excluded.by, at = excluded.at",
            params![
                reference,
                if v["eligible"].as_bool() == Some(true) { "eligible" } else { "ineligible" },
                v["justification"].as_str().unwrap_or(""),
                actor,
                now()
            ],
        ),
        None => tx.execute("DELETE FROM overrides WHERE reference = ?1", [reference]),
    }
    .map(|_| ())
}

fn read_consensus(
    tx: &Transaction,
    reference: &str,
    criterion: &str,
) -> rusqlite::Result<Option<f64>> {
    tx.query_row(
        "SELECT value FROM consensus WHERE reference = ?1 AND criterion = ?2",
        params![reference, criterion],
        |r| r.get(0),
    )
    .optional()
}

fn write_consensus(
    tx: &Transaction,
    actor: &str,
    reference: &str,
    criterion: &str,
    value: Option<f64>,
) -> rusqlite::Result<()> {
    match value {
        Some(v) => tx.execute(
            "INSERT INTO consensus (reference, criterion, value, by, at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (reference, criterion) DO UPDATE SET value = excluded.value, by = excluded.by, at = excluded.at",
            params![reference, criterion, v, actor, now()],
        ),
        None => tx.execute(
            "DELETE FROM consensus WHERE reference = ?1 AND criterion = ?2",
            params![reference, criterion],
        ),
    }
    .map(|_| ())
}

fn decision_row(r: &rusqlite::Row) -> rusqlite::Result<DecisionRow> {
    Ok(DecisionRow {
        id: r.get(0)?,
        session_id: r.get(1)?,
        reference: r.get(2)?,
        kind: r.get(3)?,
        motivation: r.get(4)?,
        condition: r.get(5)?,
        waitlist_rank: r.get(6)?,
        documents: r.get(7)?,
        without_quorum: r.get(8)?,
        by: r.get(9)?,
        at: r.get(10)?,
        guarded: r.get(11)?,
        amount: r.get(12)?,
        budget_override: r.get(13)?,
    })
}

/// The dossier's current decision (its latest row), as JSON.
/// Decisions of the sessions of the same lot as session ?2.
const SAME_LOT_AS_SESSION: &str = "AND session_id IN (SELECT id FROM sessions WHERE lot IS (SELECT lot FROM sessions WHERE id = ?2))";

fn current_decision(tx: &Transaction, reference: &str) -> rusqlite::Result<Option<Value>> {
    current_decision_where(tx, reference, "", None)
}

/// The latest decision on `reference` among those `filter` keeps (an SQL
/// condition that may read `param` as ?2).
fn current_decision_where(
    tx: &Transaction,
    reference: &str,
    filter: &str,
    param: Option<&dyn rusqlite::ToSql>,
) -> rusqlite::Result<Option<Value>> {
    let sql = format!(
        "SELECT id, session_id, reference, kind, motivation, condition, waitlist_rank, documents,
                without_quorum, by, at, guarded, amount, budget_override FROM decisions
         WHERE reference = ?1 {filter} ORDER BY id DESC LIMIT 1"
    );
    let row = match param {
        Some(p) => tx.query_row(&sql, params![reference, p], decision_row),
        None => tx.query_row(&sql, [reference], decision_row),
    };
    row.optional().map(|d| {
        d.map(|d| {
            let mut v = json!({
                "session_id": d.session_id,
                "kind": d.kind,
                "motivation": d.motivation,
                "condition": d.condition,
                "waitlist_rank": d.waitlist_rank,
                "documents": d.documents,
                "without_quorum": d.without_quorum,
                "guarded": d.guarded,
            });
            with_amount(&mut v, d.amount, &d.budget_override);
            v
        })
    })
}

/// Adds the amount granted and the chair's override of the envelope to a
/// decision's payload, only when there are some: a call without a budget
/// writes its decisions as before.
fn with_amount(v: &mut Value, amount: Option<f64>, budget_override: &str) {
    if let Some(a) = amount {
        v["amount"] = json!(a);
    }
    if !budget_override.is_empty() {
        v["budget_override"] = json!(budget_override);
    }
}

/// Writes a decision into its session (replacing that session's row).
fn write_decision(
    tx: &Transaction,
    actor: &str,
    reference: &str,
    v: Option<&Value>,
) -> rusqlite::Result<()> {
    let Some(v) = v else { return Ok(()) };
    tx.execute(
        "INSERT INTO decisions (session_id, reference, kind, motivation, condition, waitlist_rank, documents,
                                without_quorum, by, at, guarded, amount, budget_override)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (session_id, reference) DO UPDATE SET kind = excluded.kind, motivation = excluded.motivation,
           condition = excluded.condition, waitlist_rank = excluded.waitlist_rank, documents = excluded.documents,
           without_quorum = excluded.without_quorum, by = excluded.by, at = excluded.at,
           guarded = excluded.guarded, amount = excluded.amount,
           budget_override = excluded.budget_override",
        params![
            v["session_id"].as_i64(),
            reference,
            v["kind"].as_str().unwrap_or(""),
            v["motivation"].as_str().unwrap_or(""),
            v["condition"].as_str().unwrap_or(""),
            v["waitlist_rank"].as_i64(),
            v["documents"].as_str().unwrap_or(""),
            v["without_quorum"].as_bool().unwrap_or(false),
            actor,
            now(),
            v["guarded"].as_bool().unwrap_or(false),
            v["amount"].as_f64(),
            v["budget_override"].as_str().unwrap_or(""),
        ],
    )
    .map(|_| ())
}

/// What `session.open` records: the day and who is present, and the stage
/// when it is not the dossier stage (a one-stage call's events read as
/// they always did).
fn session_payload(date: &str, present: &[String], scope: &Scope) -> Value {
    let mut v = json!({ "date": date, "present": present });
    if scope.stage != Stage::Dossier {
        v["stage"] = json!(scope.stage.id());
    }
    if let Some(lot) = &scope.lot {
        v["lot"] = json!(lot);
    }
    v
}

impl Store {
    /// Records that `reference` did not come to their audition, or (with
    /// `absent` false) withdraws that record. Refused once the audition
    /// stage's decision on it is frozen.
    pub fn set_absence(
        &mut self,
        actor: &str,
        reference: &str,
        absent: bool,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let was: bool = tx
                .query_row(
                    "SELECT COUNT(*) FROM absences WHERE reference = ?1",
                    [reference],
                    |r| r.get::<_, i64>(0),
                )
                .map(|n| n > 0)?;
            if was == absent {
                return Ok(());
            }
            if absent {
                tx.execute(
                    "INSERT INTO absences (reference, by, at) VALUES (?1, ?2, ?3)",
                    params![reference, actor, now()],
                )?;
            } else {
                tx.execute("DELETE FROM absences WHERE reference = ?1", [reference])?;
            }
            let state = |a: bool| json!({ "absent": a }).to_string();
            audit(
                tx,
                actor,
                "audition.absence",
                reference,
                Some(&state(was)),
                Some(&state(absent)),
            )?;
            Ok(())
        })
    }
}

impl Store {
    /// On a member's laptop: the candidates convened to an audition are
    /// those of the bundle the chair signed (one `shortlist.bundle` event
    /// when the list changes).
    pub fn sync_issued_shortlist(&mut self, convened: &[String]) -> Result<(), StoreError> {
        self.write(|tx| {
            let mut stmt =
                tx.prepare("SELECT reference FROM issued_shortlist ORDER BY reference")?;
            let current: Vec<String> = stmt
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut wanted: Vec<String> = Vec::new();
            for r in convened {
                let known: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM dossiers WHERE reference = ?1)",
                    [r],
                    |x| x.get(0),
                )?;
                if known && !wanted.contains(r) {
                    wanted.push(r.clone());
                }
            }
            wanted.sort();
            if wanted == current {
                return Ok(());
            }
            tx.execute("DELETE FROM issued_shortlist", [])?;
            let at = now();
            for r in &wanted {
                tx.execute(
                    "INSERT INTO issued_shortlist (reference, at) VALUES (?1, ?2)",
                    params![r, at],
                )?;
            }
            audit(
                tx,
                "présidence",
                "shortlist.bundle",
                "convoqués",
                Some(&json!({ "dossiers": current }).to_string()),
                Some(&json!({ "dossiers": wanted }).to_string()),
            )?;
            Ok(())
        })
    }
}

impl Store {
    /// Records an institution's answer on a closed session's decisions
    /// (a later answer from the same institution replaces it).
    pub fn record_validation(
        &mut self,
        actor: &str,
        v: &jury_core::institutions::Validation,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            if session_is_open(tx, v.session_id)? {
                return Err(Refusal::ValidateOpenSession.into());
            }
            let on = v.on.format("%Y-%m-%d").to_string();
            tx.execute(
                "INSERT INTO validations (session_id, institution, validated, signed_by, signed_on, reasons, actor, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![v.session_id, v.institution, v.validated, v.by, on, v.reasons, actor, now()],
            )?;
            audit(
                tx,
                actor,
                "session.validation",
                &format!("séance/{}", v.session_id),
                None,
                Some(
                    &json!({
                        "institution": v.institution,
                        "validated": v.validated,
                        "by": v.by,
                        "on": on,
                        "reasons": v.reasons,
                    })
                    .to_string(),
                ),
            )?;
            Ok(())
        })
    }
}
