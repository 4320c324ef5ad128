//! The entries of a first opening, made while its import stores the
//! dossiers (see `io::import::stream_into`), instead of reading the
//! 100 000 rows back and parsing them again once all are stored: at that
//! size the reading back was a second of the opening, after the import.
//! They are the entries [`State::new_with`] makes from those rows: each
//! from the compact text the row holds, at version 1, in the rows'
//! order; where the import did not store exactly what was seen, the
//! opening makes them from the rows after all.

use super::{Entry, Init, Maker, SEARCH_FIELDS, Source, State, opening_call};
use jury_core::call::Call;
use jury_core::dossier::{Card, Dossier, TextKeeper};
use jury_core::search::Index;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Entries made from the cards of each run an import stores.
pub struct Imported {
    whole: Call,
    templates: BTreeMap<String, String>,
    maker: Maker,
    keeper: Arc<dyn TextKeeper>,
    made: Vec<Entry>,
    /// Their search fields, pushed as each entry is made: 100 000
    /// haystacks held to the end added about 8 Mo to the first import's
    /// peak.
    search: Index,
    /// Whether the references came in the rows' order (files named after
    /// them usually are): else the index is made again once sorted.
    in_order: bool,
    /// A card whose text does not read back as a stored dossier (which
    /// the row would not either): the rows decide, and say which.
    unreadable: bool,
}

impl Imported {
    /// For a folder read under `whole` and `templates`; each entry leaves
    /// its text with `keeper`, as the entries made from the rows do.
    pub fn new(
        whole: &Call,
        templates: &BTreeMap<String, String>,
        keeper: Arc<dyn TextKeeper>,
    ) -> Imported {
        Imported {
            whole: whole.clone(),
            templates: templates.clone(),
            maker: Maker::new(whole, templates),
            keeper,
            made: Vec::new(),
            search: Index::new(SEARCH_FIELDS),
            in_order: true,
            unreadable: false,
        }
    }

    /// The entries of a run of cards the import is storing, before about
    /// `to_come` more: room is made for all at the first run, so that
    /// 100 000 entries are not copied as their vector doubles (a tenth of
    /// a second of a first import, most of it the kernel zeroing the
    /// pages of each larger copy).
    pub fn take(&mut self, run: &[(Card, String)], to_come: usize) {
        if self.unreadable {
            return;
        }
        let before = self.search.text_len();
        self.made.reserve(run.len() + to_come);
        for (card, _) in run {
            // As `StoredDossier::parse` reads the row the card becomes.
            let text = card.text().into_owned();
            let Some(dossier) = serde_json::from_str(&text)
                .ok()
                .and_then(|raw| Dossier::from_stored(raw, card.hash.clone()))
            else {
                self.unreadable = true;
                self.made = Vec::new();
                self.search = Index::new(SEARCH_FIELDS);
                return;
            };
            let (mut entry, hay) = self.maker.make(Source {
                dossier,
                text: Some(text),
                version: 1,
            });
            entry.dossier.leave_text_with(Arc::clone(&self.keeper));
            if let Some(last) = self.made.last() {
                self.in_order &= last.dossier.reference < entry.dossier.reference;
            }
            self.search.push(&hay);
            self.made.push(entry);
        }
        // The first run says how much text a dossier's fields make.
        if before == 0 && !run.is_empty() {
            let per = self.search.text_len().div_ceil(run.len());
            self.search.reserve(to_come, per * to_come);
        }
    }

    /// The state of the opening, when the base holds `stored` dossiers,
    /// all of them stored by this import (`added`), and the opening goes
    /// on under the call and templates the entries were made for;
    /// otherwise (a duplicate the store kept apart, a template changed
    /// while the files were read) `init` back: then the rows decide.
    pub fn into_state(self, init: Init, stored: usize, added: usize) -> Result<State, Box<Init>> {
        let made = self.made.len();
        if self.unreadable
            || stored != made
            || added != made
            || init.call != self.whole
            || init.templates != self.templates
            || !init.dossiers.is_empty()
        {
            return Err(Box::new(init));
        }
        let (mut entries, mut search) = (self.made, self.search);
        // The rows' order: `ORDER BY reference`, byte order as Rust's.
        if !self.in_order {
            entries.sort_unstable_by(|a, b| a.dossier.reference.cmp(&b.dossier.reference));
            search = Index::new(SEARCH_FIELDS);
            for entry in &entries {
                search.push(&entry.haystack());
            }
        }
        let (lot, call) = opening_call(&init.call);
        Ok(State::assemble(init, call, lot, entries, search))
    }
}
