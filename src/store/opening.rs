//! What the last opening showed, kept whole for the next: the entries and
//! the search index, in parts the caller encodes (`app::state::opening`).
//! At 100 000 dossiers, reading the kept facts row by row, parsing their
//! JSON and folding every name again for the search was most of a
//! reopening. A cache like `entry_facts`, under the same fingerprint, and
//! all or nothing: any change to any dossier's row removes the parts'
//! fingerprint (migration 25's triggers), whoever makes it, so they are
//! no longer read; the next opening falls back on the facts row by row,
//! then replaces the parts. The erasure of personal data deletes them.

use super::{Store, StoreError, TxError};
use rusqlite::params;

/// The `meta` key of the fingerprint the kept parts were made under (the
/// triggers of migration 25 name it too).
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

    /// Keeps `parts` under `fingerprint` in place of any kept before, in
    /// one transaction.
    pub fn keep_opening(
        &mut self,
        fingerprint: &str,
        parts: impl Iterator<Item = Vec<u8>>,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute("DELETE FROM entry_snapshot", [])?;
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
