//! Rapporteurs: who reads which dossier. The chair or the secretary adds
//! or removes one pair at a time (`assign.add`, `assign.remove`), or applies
//! Jury's proposal in one transaction and one event (`assign.propose`,
//! listing every pair it added). Each is checked here too: the roles, a
//! member's conflict of interest, who scores.

use super::committee::in_conflict;
use super::{Refusal, Store, StoreError, audit, now};
use jury_core::assign::AssignRefusal;
use jury_core::call::Role;
use jury_core::records::Assignment;
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::json;

impl Store {
    /// Every assignment, by reference then member.
    pub fn assignments(&self) -> Result<Vec<Assignment>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT reference, member, by, at FROM assignments ORDER BY reference, member")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Assignment {
                    reference: r.get(0)?,
                    member: r.get(1)?,
                    by: r.get(2)?,
                    at: r.get(3)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Makes `member` a rapporteur of `reference`, or no longer one.
    pub fn set_assignment(
        &mut self,
        actor: &str,
        reference: &str,
        member: &str,
        assigned: bool,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            may_assign(tx, actor)?;
            let was: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM assignments WHERE reference = ?1 AND member = ?2)",
                [reference, member],
                |r| r.get(0),
            )?;
            if was == assigned {
                return Ok(());
            }
            let pair = json!({ "member": member }).to_string();
            if assigned {
                check_pair(tx, reference, member)?;
                tx.execute(
                    "INSERT INTO assignments (reference, member, by, at) VALUES (?1, ?2, ?3, ?4)",
                    params![reference, member, actor, now()],
                )?;
                audit(tx, actor, "assign.add", reference, None, Some(&pair))?;
            } else {
                tx.execute(
                    "DELETE FROM assignments WHERE reference = ?1 AND member = ?2",
                    [reference, member],
                )?;
                audit(tx, actor, "assign.remove", reference, Some(&pair), None)?;
            }
            Ok(())
        })
    }

    /// Applies a proposal: every pair added in one transaction and one
    /// event, which also says the k and cap it was made with. Returns how
    /// many pairs were added (pairs already there are left as they are).
    pub fn apply_proposal(
        &mut self,
        actor: &str,
        pairs: &[(String, String)],
        per_dossier: u32,
        cap: Option<u32>,
    ) -> Result<usize, StoreError> {
        self.write(|tx| {
            may_assign(tx, actor)?;
            let at = now();
            let mut added = Vec::new();
            for (reference, member) in pairs {
                check_pair(tx, reference, member)?;
                let n = tx.execute(
                    "INSERT INTO assignments (reference, member, by, at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (reference, member) DO NOTHING",
                    params![reference, member, actor, at],
                )?;
                if n > 0 {
                    added.push(json!([reference, member]));
                }
            }
            if !added.is_empty() {
                let after = json!({ "added": added, "per_dossier": per_dossier, "cap": cap });
                audit(
                    tx,
                    actor,
                    "assign.propose",
                    "attribution",
                    None,
                    Some(&after.to_string()),
                )?;
            }
            Ok(added.len())
        })
    }
}

impl Store {
    /// On a member's laptop: makes the member's assignments those of the
    /// bundle the chair signed (one `assign.bundle` event when they change).
    /// Not checked against roles or conflicts here: it is the chair's record.
    pub fn sync_issued_assignments(
        &mut self,
        member: &str,
        dossiers: &[String],
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let mut stmt = tx.prepare(
                "SELECT reference FROM assignments WHERE member = ?1 ORDER BY reference",
            )?;
            let current: std::collections::BTreeSet<String> = stmt
                .query_map([member], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let wanted: std::collections::BTreeSet<String> = dossiers
                .iter()
                .filter(|r| {
                    tx.query_row(
                        "SELECT EXISTS (SELECT 1 FROM dossiers WHERE reference = ?1)",
                        [r],
                        |x| x.get::<_, bool>(0),
                    )
                    .unwrap_or(false)
                })
                .cloned()
                .collect();
            let added: Vec<&String> = wanted.difference(&current).collect();
            let removed: Vec<&String> = current.difference(&wanted).collect();
            if added.is_empty() && removed.is_empty() {
                return Ok(());
            }
            let at = now();
            for r in &added {
                tx.execute(
                    "INSERT INTO assignments (reference, member, by, at) VALUES (?1, ?2, ?3, ?4)",
                    params![r, member, BUNDLE_ACTOR, at],
                )?;
            }
            for r in &removed {
                tx.execute(
                    "DELETE FROM assignments WHERE reference = ?1 AND member = ?2",
                    [r.as_str(), member],
                )?;
            }
            let after = json!({ "member": member, "added": added, "removed": removed });
            audit(
                tx,
                BUNDLE_ACTOR,
                "assign.bundle",
                member,
                None,
                Some(&after.to_string()),
            )?;
            Ok(())
        })
    }
}

/// Who assigned dossiers brought by a bundle: the chair, as `jury bundle`
/// is recorded.
const BUNDLE_ACTOR: &str = "présidence";

fn role_of(tx: &Transaction, name: &str) -> rusqlite::Result<Option<Role>> {
    Ok(tx
        .query_row("SELECT role FROM members WHERE name = ?1", [name], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
        .and_then(|r| Role::parse(&r)))
}

fn may_assign(tx: &Transaction, actor: &str) -> Result<(), super::TxError> {
    match role_of(tx, actor)? {
        Some(Role::Chair | Role::Secretary) => Ok(()),
        _ => Err(Refusal::Assign(AssignRefusal::NotAllowed).into()),
    }
}

/// A member who scores, not in conflict with the dossier.
fn check_pair(tx: &Transaction, reference: &str, member: &str) -> Result<(), super::TxError> {
    if !role_of(tx, member)?.is_some_and(jury_core::assign::scores) {
        return Err(Refusal::Assign(AssignRefusal::NotAScorer(member.to_string())).into());
    }
    if in_conflict(tx, reference, member)? {
        return Err(Refusal::Assign(AssignRefusal::InConflict {
            member: member.to_string(),
            reference: reference.to_string(),
        })
        .into());
    }
    Ok(())
}
