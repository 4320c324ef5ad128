//! What the lists hold of each dossier (its card, verdict, lots, fields to
//! complete), kept between openings. At 100 000 dossiers, parsing every
//! dossier again to work them out was most of an opening. The facts are
//! kept under a fingerprint of what they depend on besides the dossier
//! (this Jury, the call, its letter templates: the caller's), and the
//! table's triggers drop a dossier's facts whenever its row changes.

use super::{Store, StoreError, TxError};
use rusqlite::params;

/// The `meta` key of the fingerprint the kept facts were worked out under.
pub(super) const FINGERPRINT_KEY: &str = "entry_facts";

impl Store {
    /// Keeps `facts` (reference, text: written as they are taken, never
    /// all at once) under `fingerprint`, in one transaction; facts kept
    /// under another fingerprint are dropped.
    pub fn remember_facts<'a>(
        &mut self,
        fingerprint: &str,
        facts: impl Iterator<Item = (&'a str, String)>,
    ) -> Result<(), StoreError> {
        let current = self.meta(FINGERPRINT_KEY)?.as_deref() == Some(fingerprint);
        let mut facts = facts.peekable();
        if facts.peek().is_none() && current {
            return Ok(());
        }
        self.write(|tx| {
            if !current {
                tx.execute("DELETE FROM entry_facts", [])?;
                super::put_meta(tx, FINGERPRINT_KEY, fingerprint)?;
            }
            let mut insert = tx.prepare_cached(
                "INSERT INTO entry_facts (reference, facts) VALUES (?1, ?2)
                 ON CONFLICT (reference) DO UPDATE SET facts = excluded.facts",
            )?;
            for (reference, text) in facts {
                insert.execute(params![reference, text])?;
            }
            Ok::<_, TxError>(())
        })
    }
}
