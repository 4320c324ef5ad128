//! Requests for missing pieces: recorded with the dossier's version at the
//! time, answered by the next version, each an event of the audit chain.

use super::{Store, StoreError, TxError, audit, now};
use chrono::NaiveDate;
use jury_core::request::PieceRequest;
use rusqlite::params;

impl Store {
    /// Records a request on `reference`; returns it as stored.
    pub fn request_pieces(
        &mut self,
        actor: &str,
        reference: &str,
        missing: &[String],
        due: NaiveDate,
        letter_date: NaiveDate,
    ) -> Result<PieceRequest, StoreError> {
        let list = serde_json::to_string(missing).unwrap_or_default();
        let (due_s, date_s) = (due.to_string(), letter_date.to_string());
        let id = self.write(|tx| {
            if super::committee::in_conflict(tx, reference, actor)? {
                return Err(super::Refusal::EditInConflict.into());
            }
            let version: i64 = tx.query_row(
                "SELECT version FROM dossiers WHERE reference = ?1",
                [reference],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO piece_requests (reference, missing, due, letter_date, version, actor, requested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![reference, list, due_s, date_s, version, actor, now()],
            )?;
            let id = tx.last_insert_rowid();
            // What is asked may name people: kept apart from the hashed
            // payload (see jury_core::audit::PERSONAL_KEYS).
            let after = serde_json::json!({
                "id": id,
                "due": due_s,
                "letter_date": date_s,
                "version": version,
                "missing": missing.join("\n"),
            });
            audit(tx, actor, "dossier.request", reference, None, Some(&after.to_string()))?;
            Ok::<_, TxError>(id)
        })?;
        self.piece_requests()?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| self.err(rusqlite::Error::QueryReturnedNoRows))
    }

    /// Every request, oldest first, with when its dossier was completed.
    pub fn piece_requests(&self) -> Result<Vec<PieceRequest>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.id, r.reference, r.missing, r.due, r.letter_date, r.version, r.actor, r.requested_at,
                        (SELECT MIN(v.at) FROM dossier_versions v
                         WHERE v.reference = r.reference AND v.version > r.version)
                 FROM piece_requests r ORDER BY r.id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, reference, missing, due, date, version, actor, requested_at, completed_at) =
                row.map_err(|e| self.err(e))?;
            let day = |s: &str| s.parse::<NaiveDate>().unwrap_or_default();
            out.push(PieceRequest {
                id,
                reference,
                missing: serde_json::from_str(&missing).unwrap_or_default(),
                due: day(&due),
                letter_date: day(&date),
                version,
                actor,
                requested_at,
                completed_at,
            });
        }
        Ok(out)
    }
}
