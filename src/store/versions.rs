//! Versions of a dossier: the import is the first; each completion or
//! correction made in the app, and each change of its file accepted, makes
//! the next one. The current version lives in `dossiers`, every version in
//! `dossier_versions` (with its text once it is no longer the current one:
//! the current text is stored once), and each is an event of the audit
//! chain.

use super::{Store, StoreError, TxError, audit, now};
use jury_core::dossier::{Dossier, changed_fields, content_hash};
use jury_core::records::Stale;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

/// Where a new version comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Typed in the app's form.
    Edit,
    /// The dossier's file, changed after import, accepted.
    File,
}

impl Origin {
    /// The audit action, also kept in `dossier_versions.origin`.
    pub fn action(self) -> &'static str {
        match self {
            Origin::Edit => "dossier.edit",
            Origin::File => "dossier.accept",
        }
    }
}

/// Whether `hash` is one of the versions `reference` has had.
pub(super) fn is_known(conn: &Connection, reference: &str, hash: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM dossier_versions WHERE reference = ?1 AND hash = ?2")?
        .query_row(params![reference, hash], |_| Ok(()))
        .optional()
        .map(|found| found.is_some())
}

impl Store {
    /// Makes `content` the next version of `reference`, by `actor`. The
    /// content must already read as a dossier (the caller checked it like
    /// the importer does). Returns the new version, or None when nothing
    /// changed.
    pub fn new_version(
        &mut self,
        actor: &str,
        reference: &str,
        content: &Value,
        origin: Origin,
    ) -> Result<Option<i64>, StoreError> {
        let hash = content_hash(content);
        let text = serde_json::to_string(content).unwrap_or_default();
        self.write(|tx| {
            if super::committee::in_conflict(tx, reference, actor)? {
                return Err(super::Refusal::EditInConflict.into());
            }
            let (old_text, old_hash, version): (String, String, i64) = tx.query_row(
                "SELECT content, hash, version FROM dossiers WHERE reference = ?1",
                [reference],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            if old_hash == hash {
                return Ok(None);
            }
            let old: Value = serde_json::from_str(&old_text).unwrap_or(Value::Null);
            let changed = changed_fields(&old, content);
            let next = version + 1;
            let at = now();
            // The version replaced keeps its text; the new one's is in
            // `dossiers` only, while it is current (see migration 27).
            tx.execute(
                "UPDATE dossier_versions SET content = ?3
                 WHERE reference = ?1 AND version = ?2 AND content IS NULL",
                params![reference, version, old_text],
            )?;
            tx.execute(
                "INSERT INTO dossier_versions (reference, version, content, hash, at, actor, origin)
                 VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6)",
                params![reference, next, hash, at, actor, origin.action()],
            )?;
            tx.execute(
                "UPDATE dossiers SET content = ?2, hash = ?3, version = ?4 WHERE reference = ?1",
                params![reference, text, hash, next],
            )?;
            // The fields' names only: their values are personal and stay in
            // the versions table, which `jury anonymise` rewrites.
            let after = serde_json::json!({ "version": next, "hash": hash, "changed": changed });
            audit(
                tx,
                actor,
                origin.action(),
                reference,
                Some(&old_hash),
                Some(&after.to_string()),
            )?;
            Ok::<_, TxError>(Some(next))
        })
    }

    /// The current version number of each dossier.
    pub fn dossier_versions(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT reference, version FROM dossiers ORDER BY reference")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Every member whose scores on a dossier were given on an earlier
    /// version than the current one, with the fields changed since. Runs
    /// after every committee change: only corrected dossiers are visited
    /// (CROSS JOIN keeps that order), their scores through the key.
    pub fn stale_scores(&self) -> Result<Vec<Stale>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.reference, s.member, MAX(s.dossier_version), d.version, d.content,
                        (SELECT at FROM dossier_versions v WHERE v.reference = d.reference AND v.version = d.version)
                 FROM dossiers d CROSS JOIN scores s ON s.reference = d.reference
                 WHERE d.version > 1 AND s.value IS NOT NULL
                 GROUP BY s.reference, s.member
                 HAVING MAX(s.dossier_version) < d.version
                 ORDER BY s.reference, s.member",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (reference, member, scored, current, content, at) = row.map_err(|e| self.err(e))?;
            let then: Option<String> = self
                .conn
                .query_row(
                    "SELECT COALESCE(v.content, d.content) FROM dossier_versions v
                     JOIN dossiers d ON d.reference = v.reference
                     WHERE v.reference = ?1 AND v.version = ?2",
                    params![reference, scored],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| self.err(e))?;
            let parse = |t: &str| serde_json::from_str::<Value>(t).unwrap_or(Value::Null);
            let changed =
                changed_fields(&parse(then.as_deref().unwrap_or("null")), &parse(&content));
            out.push(Stale {
                reference,
                member,
                scored,
                current,
                at: at.unwrap_or_default(),
                changed,
            });
        }
        Ok(out)
    }

    /// The stored dossier of `reference`, as the app reads it.
    pub fn dossier(&self, reference: &str) -> Result<Option<Dossier>, StoreError> {
        let content: Option<String> = self
            .conn
            .query_row(
                "SELECT content FROM dossiers WHERE reference = ?1",
                [reference],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(content
            .and_then(|c| serde_json::from_str::<Value>(&c).ok())
            .and_then(|v| Dossier::from_value(&v).ok()))
    }
}
