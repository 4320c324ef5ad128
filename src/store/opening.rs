//! What the last opening showed, kept whole for the next: the entries and
//! the search index, in parts the caller encodes (`app::state::opening`).
//! At 100 000 dossiers, reading every dossier, parsing it and folding
//! every name again for the search was most of a reopening. A cache,
//! under a fingerprint of what the entries depend on besides the
//! dossiers (this Jury, the call, its letter templates: the caller's).
//! Any change to a dossier's row, whoever makes it, notes its reference
//! (migration 26's triggers): each opening makes those entries again
//! from their rows, and once they are many keeps the picture anew. The
//! erasure of personal data deletes it.

use super::{Store, StoreError, StoredDossier, TxError};
use rusqlite::params;

/// The rows changed since the picture was kept, and the mark of the last
/// note read.
#[derive(Default)]
pub struct Changed {
    pub rows: Vec<(String, Option<StoredDossier>)>,
    pub mark: i64,
}

/// The `meta` key of the fingerprint the kept parts were made under (the
/// triggers of migration 26 name it too).
const FINGERPRINT_KEY: &str = "opening_fingerprint";

impl Store {
    /// `f` on the parts kept under `fingerprint`, in order, each read as
    /// `f` takes it (while it decodes those before); None when they were
    /// kept under another fingerprint, or disowned by a change, or never
    /// kept. A part that cannot be read ends the parts: the caller checks
    /// they add up.
    pub fn with_kept_opening<R>(
        &self,
        fingerprint: &str,
        f: impl FnOnce(&mut dyn Iterator<Item = Vec<u8>>) -> R,
    ) -> Result<Option<R>, StoreError> {
        if self.meta(FINGERPRINT_KEY)?.as_deref() != Some(fingerprint) {
            return Ok(None);
        }
        let mut stmt = self
            .conn
            .prepare("SELECT data FROM entry_snapshot ORDER BY part")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, Vec<u8>>(0))
            .map_err(|e| self.err(e))?;
        Ok(Some(f(&mut rows.map_while(Result::ok))))
    }

    /// The dossiers' rows changed since the parts were kept, by
    /// reference, each with its row as it is now (None: the row is gone),
    /// and the mark of the last note read (see [`Store::keep_opening`]).
    pub fn changed_since_kept(&self) -> Result<Changed, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT c.id, c.reference, d.version, d.content FROM entry_snapshot_changed c
                 LEFT JOIN dossiers d ON d.reference = c.reference ORDER BY c.id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                let reference: String = r.get(1)?;
                let row = match r.get::<_, Option<i64>>(2)? {
                    Some(version) => Some(StoredDossier {
                        reference: reference.clone(),
                        version,
                        content: r.get(3)?,
                    }),
                    None => None,
                };
                Ok((r.get::<_, i64>(0)?, reference, row))
            })
            .map_err(|e| self.err(e))?;
        let mut changed = Changed::default();
        for row in rows {
            let (id, reference, row) = row.map_err(|e| self.err(e))?;
            changed.mark = changed.mark.max(id);
            changed.rows.push((reference, row));
        }
        Ok(changed)
    }

    /// The mark of the last change noted so far: taken before the rows
    /// are read, so that keeping the picture made from them forgets no
    /// change noted meanwhile.
    pub fn changed_mark(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row(
                "SELECT coalesce(max(id), 0) FROM entry_snapshot_changed",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Keeps `parts` under `fingerprint` in place of any kept before, in
    /// one transaction, with the notes of changes up to `mark` (those the
    /// parts were made after) forgotten: a change another process made
    /// while they were made stays noted for the next opening.
    pub fn keep_opening(
        &mut self,
        fingerprint: &str,
        parts: impl Iterator<Item = Vec<u8>>,
        mark: i64,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM entry_snapshot", [])?;
            tx.execute("DELETE FROM entry_snapshot_changed WHERE id <= ?1", [mark])?;
            super::put_meta(tx, FINGERPRINT_KEY, fingerprint)?;
            let mut insert =
                tx.prepare_cached("INSERT INTO entry_snapshot (part, data) VALUES (?1, ?2)")?;
            for (k, data) in parts.enumerate() {
                insert.execute(params![k as i64, data])?;
            }
            Ok::<_, TxError>(())
        })
    }
}
