//! Letters produced and their tracking: generated (file, hash, when), sent
//! (date, channel), acknowledged. One row per dossier and decision.

use super::{Refusal, Store, StoreError, audit};
use jury_core::records::LetterRow;
use rusqlite::{OptionalExtension, params};
use serde_json::json;

impl Store {
    pub fn letters(&self) -> Result<Vec<LetterRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT reference, decision_id, pdf, odt, eml, hash, generated_at, sent_at, channel, acknowledged_at, signed_on
                 FROM letters ORDER BY reference, decision_id",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(LetterRow {
                    reference: r.get(0)?,
                    decision_id: r.get(1)?,
                    pdf: r.get(2)?,
                    odt: r.get(3)?,
                    eml: r.get(4)?,
                    hash: r.get(5)?,
                    generated_at: r.get(6)?,
                    sent_at: r.get(7)?,
                    channel: r.get(8)?,
                    acknowledged_at: r.get(9)?,
                    signed_on: r.get(10)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Records a generated letter; `(signed_on, generated_at)`: the date it
    /// carries (AAAA-MM-JJ) and when it was produced (RFC 3339; the first
    /// production's moment when it is produced again with the same date, see
    /// `produce::Signing::produced_at`);
    /// regenerating the same decision replaces the files' record and date but
    /// keeps its sending status.
    pub fn record_letter(
        &mut self,
        actor: &str,
        reference: &str,
        decision_id: i64,
        files: (&str, &str, Option<&str>),
        hash: &str,
        (signed_on, generated_at): (&str, &str),
    ) -> Result<(), StoreError> {
        self.record_letters(
            actor,
            &[LetterRow {
                reference: reference.into(),
                decision_id,
                pdf: files.0.into(),
                odt: files.1.into(),
                eml: files.2.map(String::from),
                hash: hash.into(),
                signed_on: Some(signed_on.into()),
                generated_at: generated_at.into(),
                sent_at: None,
                channel: None,
                acknowledged_at: None,
            }],
        )
    }

    /// [`Store::record_letter`] for a batch of letters, in one transaction
    /// (one disk sync for the batch), their events in the batch's order.
    /// Only what producing sets is read of each row (not its sending).
    pub fn record_letters(&mut self, actor: &str, letters: &[LetterRow]) -> Result<(), StoreError> {
        self.write(|tx| {
            for l in letters {
                let before: Option<String> = tx
                    .query_row(
                        "SELECT hash FROM letters WHERE reference = ?1 AND decision_id = ?2",
                        params![l.reference, l.decision_id],
                        |r| r.get(0),
                    )
                    .optional()?;
                tx.execute(
                    "INSERT INTO letters (reference, decision_id, pdf, odt, eml, hash, generated_at, signed_on)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT (reference, decision_id) DO UPDATE SET pdf = excluded.pdf, odt = excluded.odt,
                       eml = excluded.eml, hash = excluded.hash, generated_at = excluded.generated_at,
                       signed_on = excluded.signed_on",
                    params![
                        l.reference,
                        l.decision_id,
                        l.pdf,
                        l.odt,
                        l.eml,
                        l.hash,
                        l.generated_at,
                        l.signed_on
                    ],
                )?;
                audit(
                    tx,
                    actor,
                    "letter",
                    &l.reference,
                    before.map(|h| json!({ "hash": h }).to_string()).as_deref(),
                    Some(&json!({ "decision_id": l.decision_id, "pdf": l.pdf, "hash": l.hash, "signed_on": l.signed_on }).to_string()),
                )?;
            }
            Ok(())
        })
    }

    /// Marks a letter sent (`channel`: email or post) on `date` (AAAA-MM-JJ),
    /// never before the date the letter carries.
    pub fn mark_sent(
        &mut self,
        actor: &str,
        reference: &str,
        decision_id: i64,
        channel: &str,
        date: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let signed: Option<Option<String>> = tx
                .query_row(
                    "SELECT signed_on FROM letters WHERE reference = ?1 AND decision_id = ?2",
                    params![reference, decision_id],
                    |r| r.get(0),
                )
                .optional()?;
            let day = |iso: &str| chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok();
            if let Some(sent) = day(date) {
                jury_core::dates::check_sent(sent, signed.flatten().as_deref().and_then(day))
                    .map_err(Refusal::SentBeforeSigned)?;
            }
            let n = tx
                .execute(
                    "UPDATE letters SET sent_at = ?3, channel = ?4 WHERE reference = ?1 AND decision_id = ?2",
                    params![reference, decision_id, date, channel],
                )?;
            if n == 0 {
                return Err(Refusal::LetterNotGenerated.into());
            }
            audit(
                tx,
                actor,
                "letter.sent",
                reference,
                None,
                Some(&json!({ "decision_id": decision_id, "channel": channel, "date": date }).to_string()),
            )?;
            Ok(())
        })
    }

    pub fn mark_acknowledged(
        &mut self,
        actor: &str,
        reference: &str,
        decision_id: i64,
        date: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            let n = tx
                .execute(
                    "UPDATE letters SET acknowledged_at = ?3 WHERE reference = ?1 AND decision_id = ?2 AND sent_at IS NOT NULL",
                    params![reference, decision_id, date],
                )?;
            if n == 0 {
                return Err(Refusal::LetterNotSent.into());
            }
            audit(
                tx,
                actor,
                "letter.acknowledged",
                reference,
                None,
                Some(&json!({ "decision_id": decision_id, "date": date }).to_string()),
            )?;
            Ok(())
        })
    }
}
