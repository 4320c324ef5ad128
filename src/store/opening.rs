//! What the last opening showed, kept whole for the next: the entries and
//! the search index, in parts the caller encodes (`app::state::opening`).
//! At 100 000 dossiers, reading the kept facts row by row, parsing their
//! JSON and folding every name again for the search was most of a
//! reopening. A cache like `entry_facts`, under the same fingerprint, and
//! all or nothing: any change to any dossier's row drops every part
//! (migration 25's triggers), whoever makes it, and the next opening
//! falls back on the facts row by row, then keeps its picture again.

use super::{Store, StoreError, TxError};
use rusqlite::params;

/// The `meta` key of the fingerprint the kept parts were made under.
const FINGERPRINT_KEY: &str = "opening_fingerprint";

impl Store {
    /// The parts kept under `fingerprint`, in order; None when there are
    /// none (dropped by a change, or never kept) or they were kept under
    /// another fingerprint.
    pub fn kept_opening(&self, fingerprint: &str) -> Result<Option<Vec<Vec<u8>>>, StoreError> {
        if self.meta(FINGERPRINT_KEY)?.as_deref() != Some(fingerprint) {
            return Ok(None);
        }
        let read = || -> rusqlite::Result<Vec<Vec<u8>>> {
            let mut stmt = self
                .conn
                .prepare("SELECT data FROM entry_snapshot ORDER BY part")?;
            let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
            rows.collect()
        };
        let parts = read().map_err(|e| self.err(e))?;
        Ok((!parts.is_empty()).then_some(parts))
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
