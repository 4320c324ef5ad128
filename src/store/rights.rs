//! The applicants' rights over what the database holds. `jury dossier`
//! extracts one applicant's file, and says so in the log.
//! `jury anonymise`: the personal data of a call erased for good, the
//! committee's record (grid, scores, decisions, the audit chain) kept and
//! still verifiable. Events are never rewritten: since schema 9 their
//! personal texts live in `audit_private`, which is emptied here, the
//! events keeping only salted commitments to what was erased.

use super::{Refusal, Store, StoreError, TxError, audit};
use jury_core::audit::{Event, has_personal_in_clear, split_private};
use jury_core::call::Call;
use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What anonymising did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anonymised {
    pub dossiers: usize,
    /// Comments, conflict reasons, override justifications, pieces asked
    /// for and the chair's reasons for exceeding the envelope erased.
    pub texts: usize,
    /// Personal parts of events deleted.
    pub private_parts: usize,
    /// Folders where letters were written: Jury does not delete files
    /// outside its database; they still name the applicants.
    pub letter_dirs: Vec<PathBuf>,
    /// The call folder the dossiers were imported from (recorded when the
    /// chair opened it): its `dossiers/` and attachments are as received.
    pub call_dir: Option<PathBuf>,
}

/// The first event whose sealed payload holds a personal text in clear.
pub(crate) fn first_in_clear(events: &[Event]) -> Option<i64> {
    events
        .iter()
        .find(|e| has_personal_in_clear(e))
        .map(|e| e.id)
}

/// A frozen snapshot with its comments, reasons and justifications blanked.
fn blank_snapshot(text: &str) -> String {
    match split_private(None, Some(text)) {
        (_, Some(v), _) => v.to_string(),
        _ => text.to_string(),
    }
}

impl Store {
    /// True while some dossier still holds what `anonymise` erases: once
    /// every one is anonymised the retention notice has nothing left to ask.
    /// The database holds at least one dossier: the call was imported.
    pub fn holds_dossiers(&self) -> Result<bool, StoreError> {
        self.conn
            .query_row("SELECT EXISTS(SELECT 1 FROM dossiers)", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// How many dossiers the base holds.
    pub fn dossier_count(&self) -> Result<usize, StoreError> {
        self.conn
            .query_row("SELECT COUNT(*) FROM dossiers", [], |r| r.get::<_, i64>(0))
            .map(|n| usize::try_from(n).unwrap_or(0))
            .map_err(|e| self.err(e))
    }

    pub fn holds_personal_data(&self) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM dossiers WHERE source IS NOT ?1)",
                [jury_core::anonymise::ERASED],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Erases the personal data of every dossier not yet anonymised, in one
    /// transaction with its `anonymise` event by `actor`, then rewrites the
    /// file so no erased byte stays in free pages or the journal.
    pub fn anonymise(&mut self, actor: &str, call: &Call) -> Result<Anonymised, StoreError> {
        let events = audit::read_events(&self.conn, None).map_err(|e| self.err(e))?;
        if let Some(id) = first_in_clear(&events) {
            return Err(Refusal::PersonalInClear(id).into());
        }
        let done = jury_core::audit::anonymised(&events);
        // secure_delete: the pages SQLite frees are zeroed, not left readable.
        self.conn
            .execute_batch("PRAGMA secure_delete = ON;")
            .map_err(|e| self.err(e))?;
        let report = self.write(|tx| {
            let dossiers: Vec<(String, String)> = {
                let mut stmt =
                    tx.prepare("SELECT reference, content FROM dossiers ORDER BY reference")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut rewritten = BTreeMap::new();
            for (reference, content) in dossiers.iter().filter(|(r, _)| !done.contains(r)) {
                let raw: Value = serde_json::from_str(content).unwrap_or(Value::Null);
                let erased = jury_core::anonymise::dossier(&raw, call);
                let text = serde_json::to_string(&erased).unwrap_or_default();
                tx.execute(
                    "UPDATE dossiers SET content = ?2, source = ?3 WHERE reference = ?1",
                    params![reference, text, jury_core::anonymise::ERASED],
                )?;
                rewritten.insert(
                    reference.clone(),
                    Value::String(jury_core::dossier::content_hash(&erased)),
                );
            }
            if rewritten.is_empty() {
                return Err(TxError::from(Refusal::AlreadyAnonymised));
            }
            // Every earlier version too: a correction's old address is as
            // personal as the current one. Their hashes stay, as recorded.
            // The current version's row holds no text (it is the one just
            // erased in `dossiers`).
            let versions: Vec<(String, i64, String)> = {
                let mut stmt = tx.prepare(
                    "SELECT reference, version, content FROM dossier_versions
                     WHERE content IS NOT NULL",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for (reference, version, content) in &versions {
                let raw: Value = serde_json::from_str(content).unwrap_or(Value::Null);
                let erased = jury_core::anonymise::dossier(&raw, call);
                tx.execute(
                    "UPDATE dossier_versions SET content = ?3 WHERE reference = ?1 AND version = ?2",
                    params![
                        reference,
                        version,
                        serde_json::to_string(&erased).unwrap_or_default()
                    ],
                )?;
            }
            // The committee's free texts that justify or comment rather
            // than decide (their events hold them apart, see
            // jury_core::audit::PERSONAL_KEYS). Kept on purpose: decisions'
            // and outcomes' motivations, conditions and documents, and an
            // institution's reasons for not validating (the reasons of an
            // administrative act, which appeals and document-access
            // requests need with it); who signed an institution's answer,
            // like the members' names (a person acting in their function:
            // who acted in the record); how a withdrawal was received (an
            // id from a closed list, withdrawal::CHANNELS: it names nobody).
            let mut texts = 0;
            for sql in [
                "UPDATE scores SET comment = '' WHERE comment != ''",
                "UPDATE conflicts SET reason = '' WHERE reason != ''",
                "UPDATE overrides SET justification = '' WHERE justification != ''",
                "UPDATE piece_requests SET missing = '[]' WHERE missing != '[]'",
                "UPDATE decisions SET budget_override = '' WHERE budget_override != ''",
            ] {
                texts += tx.execute(sql, [])?;
            }
            let snapshots: Vec<(i64, String, String)> = {
                let mut stmt =
                    tx.prepare("SELECT session_id, reference, snapshot FROM decision_snapshots")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for (sid, reference, snapshot) in snapshots {
                tx.execute(
                    "UPDATE decision_snapshots SET snapshot = ?3 WHERE session_id = ?1 AND reference = ?2",
                    params![sid, reference, blank_snapshot(&snapshot)],
                )?;
            }
            let private_parts = tx.execute("DELETE FROM audit_private", [])?;
            // The folder's file names and pieces' paths can name applicants,
            // like `dossiers.source`; the cache only saves a parse.
            tx.execute("DELETE FROM folder_files", [])?;
            // The opening's picture of the entries and its search index
            // hold names and addresses too, and so may the references of
            // the rows changed since it was kept.
            tx.execute("DELETE FROM entry_snapshot", [])?;
            tx.execute("DELETE FROM entry_snapshot_changed", [])?;
            tx.execute("DELETE FROM meta WHERE key = 'opening_fingerprint'", [])?;
            let letter_dirs: Vec<String> = {
                let mut stmt = tx.prepare("SELECT pdf FROM letters ORDER BY pdf")?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut letter_dirs: Vec<PathBuf> = letter_dirs
                .iter()
                .filter_map(|p| std::path::Path::new(p).parent().map(PathBuf::from))
                .collect();
            letter_dirs.sort();
            letter_dirs.dedup();
            let dossiers = rewritten.len();
            super::audit(
                tx,
                actor,
                "anonymise",
                &call.id,
                None,
                Some(
                    &json!({
                        "dossiers": rewritten,
                        "texts": texts,
                        "private_parts": private_parts,
                    })
                    .to_string(),
                ),
            )?;
            Ok(Anonymised {
                dossiers,
                texts,
                private_parts,
                letter_dirs,
                call_dir: tx
                    .query_row(
                        "SELECT value FROM meta WHERE key = ?1",
                        [super::CALL_DIR_KEY],
                        |r| r.get::<_, String>(0),
                    )
                    .optional()?
                    .map(PathBuf::from),
            })
        })?;
        // The old texts may remain in the write-ahead log and in pages the
        // rewrite left behind: copy the live data to a fresh file and empty
        // the journal.
        self.conn
            .execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(|e| self.err(e))?;
        Ok(report)
    }

    /// Records that `actor` extracted `reference`'s complete file (the PDF
    /// written and its hash): personal data left the database.
    pub fn record_access(
        &mut self,
        actor: &str,
        reference: &str,
        file: &str,
        hash: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            super::audit(
                tx,
                actor,
                "dossier.access",
                reference,
                None,
                Some(&json!({ "file": file, "hash": hash }).to_string()),
            )?;
            Ok(())
        })
    }
}
