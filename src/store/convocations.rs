//! Convocations to the audition produced: one row each, never replaced, so
//! a corrected convocation knows the one it cancels (`convocation.produce`
//! events; `jury verify` replays them).

use super::{Store, StoreError, audit};
use jury_core::convocation::ConvocationRow;
use rusqlite::{Connection, params};
use serde_json::json;

/// Every convocation, by reference then number.
pub(super) fn read(conn: &Connection) -> rusqlite::Result<Vec<ConvocationRow>> {
    let mut stmt = conn.prepare(
        "SELECT reference, n, day, start_time, end_time, panel, pdf, odt, eml, ics, hash, signed_on, generated_at
         FROM convocations ORDER BY reference, n",
    )?;
    let rows = stmt.query_map([], |r| {
        let panel: String = r.get(5)?;
        Ok(ConvocationRow {
            reference: r.get(0)?,
            n: r.get(1)?,
            day: r.get(2)?,
            start: r.get(3)?,
            end: r.get(4)?,
            // A panel edited into something else than a list of names
            // reads as none: `jury verify` then names the row.
            panel: serde_json::from_str(&panel).unwrap_or_default(),
            pdf: r.get(6)?,
            odt: r.get(7)?,
            eml: r.get(8)?,
            ics: r.get(9)?,
            hash: r.get(10)?,
            signed_on: r.get(11)?,
            generated_at: r.get(12)?,
        })
    })?;
    rows.collect()
}

impl Store {
    pub fn convocations(&self) -> Result<Vec<ConvocationRow>, StoreError> {
        read(&self.conn).map_err(|e| self.err(e))
    }

    /// Records a convocation produced, with its `convocation.produce` event.
    pub fn record_convocation(
        &mut self,
        actor: &str,
        c: &ConvocationRow,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let panel = serde_json::to_string(&c.panel).unwrap_or_else(|_| "[]".into());
            tx.execute(
                "INSERT INTO convocations (reference, n, day, start_time, end_time, panel, pdf, odt, eml, ics, hash, signed_on, generated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    c.reference, c.n, c.day, c.start, c.end, panel, c.pdf, c.odt, c.eml, c.ics,
                    c.hash, c.signed_on, c.generated_at
                ],
            )?;
            audit(
                tx,
                actor,
                "convocation.produce",
                &c.reference,
                None,
                Some(
                    &json!({
                        "n": c.n, "day": c.day, "start": c.start, "end": c.end, "panel": c.panel,
                        "pdf": c.pdf, "hash": c.hash, "signed_on": c.signed_on,
                    })
                    .to_string(),
                ),
            )?;
            Ok(())
        })
    }
}
