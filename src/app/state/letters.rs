//! The letters view's part of the state: final decisions, their letters,
//! the preview of the selected one.

use super::{Screen, State};
use jury_core::compose::{self, LetterError};
use jury_core::document::Document;

/// A final decision and its letter's state, for the letters view.
#[derive(Clone, Debug, PartialEq)]
pub struct LetterItem {
    /// Index into `entries`.
    pub entry: usize,
    pub decision: jury_core::records::DecisionRow,
    pub tracked: Option<jury_core::records::LetterRow>,
    /// Past the call's `notify_by` and not sent.
    pub late: bool,
}

/// A letter as the letters view shows it before it is produced.
#[derive(Clone, Debug, PartialEq)]
pub enum Preview {
    Letter(Box<Document>),
    /// Why it cannot be produced as things stand.
    Problems(Vec<String>),
}

/// The letters view: every final decision and its letter.
pub struct LettersView {
    pub items: Vec<LetterItem>,
    pub selected: usize,
    /// The selected letter as it will be written.
    pub preview: Option<Preview>,
    /// A running batch: done, total, current reference.
    pub progress: Option<(usize, usize, String)>,
    /// The convocations to the audition produced, by reference and number.
    pub convocations: Vec<jury_core::convocation::ConvocationRow>,
}

impl State {
    /// The letters view's rows: every final decision of the stage, by
    /// reference. Convening to an audition is not a decision letter: the
    /// convocation says it.
    pub fn refresh_letters(&mut self) {
        let mut items: Vec<LetterItem> = self
            .batch
            .committee
            .decisions
            .values()
            .filter(|d| d.kind != jury_core::call::decision_id::CONVOQUE)
            .filter(|d| self.batch.committee.frozen(&d.reference))
            .filter(|d| {
                jury_core::institutions::standing(
                    &self.batch.call.institutions,
                    &self.batch.committee.data.validations,
                    d.session_id,
                ) == jury_core::institutions::Standing::Final
            })
            .filter_map(|d| {
                let entry = self.entry_index(&d.reference)?;
                let tracked = self
                    .batch
                    .letters
                    .iter()
                    .find(|l| l.reference == d.reference && l.decision_id == d.id)
                    .cloned();
                let sent = tracked.as_ref().is_some_and(|t| t.sent_at.is_some());
                let late = !sent
                    && self
                        .batch
                        .call
                        .notify_by
                        .is_some_and(|n| self.env.today > n);
                Some(LetterItem {
                    entry,
                    decision: d.clone(),
                    tracked,
                    late,
                })
            })
            .collect();
        items.sort_by(|a, b| a.decision.reference.cmp(&b.decision.reference));
        self.letters_view.items = items;
        self.letters_view.selected = self
            .letters_view
            .selected
            .min(self.letters_view.items.len().saturating_sub(1));
        self.refresh_preview();
    }

    /// Composes the selected letter with the function that writes the
    /// files, once per change of selection or data rather than per frame,
    /// and only while the letters screen is shown: elsewhere a score typed
    /// would compose a letter for nothing, and an opening would read the
    /// letter's dossier back from the database (`Card::kept`) before its
    /// first frame. `update` composes it when that screen is reached.
    pub fn refresh_preview(&mut self) {
        if self.screen != Screen::Letters {
            self.letters_view.preview = None;
            return;
        }
        let lang = self.env.lang;
        self.letters_view.preview = self
            .letters_view
            .items
            .get(self.letters_view.selected)
            .and_then(|item| {
                let b = &self.batch;
                let session = b
                    .committee
                    .data
                    .sessions
                    .iter()
                    .find(|x| x.id == item.decision.session_id)?;
                // The date it will carry: its own if produced, else today.
                let signed_on = item
                    .tracked
                    .as_ref()
                    .and_then(|t| t.signed_on.as_deref())
                    .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .unwrap_or(self.env.today);
                Some(
                    match compose::decision_letter(
                        &b.call,
                        &b.committee,
                        item.entry,
                        &b.entries[item.entry].dossier.full(),
                        &item.decision,
                        session,
                        signed_on,
                        &b.templates,
                    ) {
                        Ok((doc, _)) => Preview::Letter(Box::new(doc)),
                        Err(LetterError::SessionDate(e)) => {
                            Preview::Problems(vec![e.message(lang)])
                        }
                        Err(LetterError::SignedBeforeMeeting(e)) => {
                            Preview::Problems(vec![e.message(lang)])
                        }
                        Err(LetterError::Template(diags)) => {
                            Preview::Problems(diags.iter().map(|d| d.to_string()).collect())
                        }
                    },
                )
            });
    }
}
