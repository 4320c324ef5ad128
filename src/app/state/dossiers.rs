//! The dossiers screen's part of the state: the list (filter, search,
//! sort), the dossier pane, the grid, and the reviewer's progress.

use super::{Entry, Score, State, text};
use jury_core::call::Criterion;
use jury_core::eligibility;
use jury_core::fr::Lang;
use jury_core::grid::{self, Evaluation, Scores};
use jury_core::search::{self, Query};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    List,
    Dossier,
    Grid,
}

/// Whose scores the grid shows and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GridTarget {
    /// The active reviewer's own scores.
    Own,
    /// The chair's consensus grid, which becomes the official score.
    Consensus,
}

/// The list's filters (besides the search).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFilter {
    All,
    /// The dossiers assigned to the active member (offered when they have some).
    Mine,
    ToScore,
    Contested,
    Ineligible,
    Decided,
    Priority,
    /// Dossiers with fields « à compléter » or pieces asked for and not
    /// received yet.
    ToComplete,
    /// One territory (`structure.territory`), by its index in `State::territories`.
    Zone(usize),
}

impl ListFilter {
    /// The next filter; after the fixed ones, each territory of the batch.
    /// `mine`: the active member has dossiers assigned, offered first.
    pub fn next(self, zones: usize, mine: bool) -> ListFilter {
        match self {
            ListFilter::All if mine => ListFilter::Mine,
            ListFilter::All | ListFilter::Mine => ListFilter::ToScore,
            ListFilter::ToScore => ListFilter::Contested,
            ListFilter::Contested => ListFilter::Ineligible,
            ListFilter::Ineligible => ListFilter::Decided,
            ListFilter::Decided => ListFilter::Priority,
            ListFilter::Priority => ListFilter::ToComplete,
            ListFilter::ToComplete if zones > 0 => ListFilter::Zone(0),
            ListFilter::Zone(i) if i + 1 < zones => ListFilter::Zone(i + 1),
            ListFilter::ToComplete | ListFilter::Zone(_) => ListFilter::All,
        }
    }

    pub fn label(self, lang: Lang, territories: &[String]) -> String {
        if let ListFilter::Zone(i) = self {
            return format!(
                "{} {}",
                lang.tr(text::ZONE),
                territories.get(i).map(String::as_str).unwrap_or("?")
            );
        }
        match self {
            ListFilter::All => lang.tr(text::ALL),
            ListFilter::Mine => lang.tr(text::MINE),
            ListFilter::ToScore => lang.tr(text::SCORE),
            ListFilter::Contested => lang.tr(text::CONTESTED),
            ListFilter::Ineligible => lang.tr(text::INELIGIBLE),
            ListFilter::Decided => lang.tr(text::DECIDED),
            ListFilter::Priority => lang.tr(text::PRIORITY),
            ListFilter::ToComplete => lang.tr(text::TO_COMPLETE),
            ListFilter::Zone(_) => "",
        }
        .to_string()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Reference,
    Received,
    Total,
    Status,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Reference => SortKey::Received,
            SortKey::Received => SortKey::Total,
            SortKey::Total => SortKey::Status,
            SortKey::Status => SortKey::Reference,
        }
    }

    /// Whether this key's own order runs from the largest down: totals
    /// list the best first, the others go up.
    pub fn natural_descending(self) -> bool {
        self == SortKey::Total
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SortKey::Reference => lang.tr(text::REFERENCE),
            SortKey::Received => lang.tr(text::DATE_RECEIVED),
            SortKey::Total => lang.tr(text::TOTAL),
            SortKey::Status => lang.tr(text::STATUS),
        }
    }
}

/// Searchable fields, in the order the search index holds them.
pub const SEARCH_FIELDS: usize = 5;
pub const F_REFERENCE: usize = 0;
pub const F_STRUCTURE: usize = 1;
pub const F_CITY: usize = 2;

/// A scoring status of one dossier for the active reviewer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Progress {
    ToScore,
    Partial,
    Scored,
}

/// The dossiers screen: list, dossier pane and grid.
pub struct DossiersView {
    /// Entries shown, filtered and sorted (indices into `entries`).
    pub view: Vec<usize>,
    /// Index into `view`.
    pub selected: usize,
    pub focus: Pane,
    pub filter: String,
    pub list_filter: ListFilter,
    pub sort: SortKey,
    pub descending: bool,
    pub dossier_scroll: u16,
    /// Index of the criterion under the cursor.
    pub criterion: usize,
    /// First digit typed on a scale that goes past 9.
    pub pending_digit: Option<u8>,
    /// Whose scores the grid shows and writes.
    pub grid_target: GridTarget,
    /// First list row on screen, and how many rows the list shows.
    pub list_offset: usize,
    pub list_rows: u16,
    /// The reviewer's progress per dossier, by entry, rebuilt by
    /// `recompute` (empty until then).
    pub(super) progress_cache: Vec<Progress>,
    pub(super) search: SearchSteps,
    /// The counts the list's title and the header show, and the width of
    /// the references' column (from the list without the search, so it
    /// does not change while typing or scrolling): made by `refresh_view`,
    /// read by every frame.
    pub counts: ListCounts,
    pub ref_width: u16,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListCounts {
    /// Dossiers the reviewer has scored completely (`scored_count`).
    pub scored: usize,
    /// The active member's assigned dossiers scored, and assigned (`mine_scored`).
    pub mine_done: usize,
    pub mine: usize,
    /// The candidates the screens show: a lot's, or all.
    pub candidates: usize,
}

/// What the search narrows from. `base` is the list without the search
/// (filtered and sorted); each step holds one query's hits, in `base`'s
/// order, each query extending the one below it. Typing pushes a step
/// that searches the top step's hits only; erasing pops back to a step
/// already computed. Rebuilt whenever the list itself changes.
#[derive(Default)]
pub struct SearchSteps {
    base: Vec<usize>,
    steps: Vec<(Query, Vec<(usize, i64)>)>,
}

impl State {
    pub fn current(&self) -> Option<&Entry> {
        self.dossiers
            .view
            .get(self.dossiers.selected)
            .and_then(|i| self.batch.entries.get(*i))
    }

    pub fn current_index(&self) -> Option<usize> {
        self.dossiers.view.get(self.dossiers.selected).copied()
    }

    /// The selected dossier's reference.
    pub fn current_reference(&self) -> Option<&str> {
        self.current().map(|e| e.dossier.reference.as_str())
    }

    /// The criterion under the grid's cursor.
    pub fn current_criterion(&self) -> Option<&Criterion> {
        self.grid().criteria.get(self.dossiers.criterion)
    }

    /// The active reviewer's scores on one dossier.
    pub fn my_scores(&self, reference: &str) -> Scores {
        let Some(me) = &self.reviewer else {
            return Scores::new();
        };
        self.grid()
            .criteria
            .iter()
            .filter_map(|c| {
                let key = (reference.to_string(), me.clone(), c.id.clone());
                self.batch
                    .scores
                    .get(&key)
                    .and_then(|s| s.value)
                    .map(|v| (c.id.clone(), v))
            })
            .collect()
    }

    pub fn my_score(&self, reference: &str, criterion: &str) -> Option<&Score> {
        let me = self.reviewer.as_ref()?;
        self.batch
            .scores
            .get(&(reference.to_string(), me.clone(), criterion.to_string()))
    }

    /// The grid as shown: the reviewer's own scores, or the consensus.
    pub fn grid_scores(&self, reference: &str) -> Scores {
        match self.dossiers.grid_target {
            GridTarget::Own => self.my_scores(reference),
            GridTarget::Consensus => self
                .grid()
                .criteria
                .iter()
                .filter_map(|c| {
                    self.batch
                        .committee
                        .consensus
                        .get(&(reference.to_string(), c.id.clone()))
                        .map(|v| (c.id.clone(), *v))
                })
                .collect(),
        }
    }

    pub fn evaluation(&self, reference: &str) -> Evaluation {
        grid::evaluate(self.grid(), &self.grid_scores(reference))
    }

    /// The active reviewer's own progress on a dossier (cached by `recompute`).
    pub fn progress(&self, reference: &str) -> Progress {
        let cached = self
            .entry_index(reference)
            .and_then(|i| self.dossiers.progress_cache.get(i));
        match cached {
            Some(p) => *p,
            None => self.compute_progress(reference),
        }
    }

    pub(super) fn compute_progress(&self, reference: &str) -> Progress {
        self.progress_of(&self.my_scores(reference))
    }

    /// The progress `scores` (one dossier's, the reviewer's) make.
    pub(super) fn progress_of(&self, scores: &Scores) -> Progress {
        let e = grid::evaluate(self.grid(), scores);
        if e.complete() {
            Progress::Scored
        } else if e.scored > 0 {
            Progress::Partial
        } else {
            Progress::ToScore
        }
    }

    /// Dossiers the reviewer has scored completely; at the audition
    /// stage, convened candidates on the audition grid.
    pub fn scored_count(&self) -> usize {
        if self.batch.committee.finals.is_some() && self.grid().criteria.is_empty() {
            return 0;
        }
        (0..self.batch.entries.len())
            .filter(|i| self.in_scope(*i))
            .filter(|i| self.dossiers.progress_cache.get(*i) == Some(&Progress::Scored))
            .count()
    }

    /// Recomputes the visible list after a filter, sort or score change,
    /// keeping the same dossier selected when it is still shown.
    pub fn refresh_view(&mut self) {
        let mut base: Vec<usize> = (0..self.batch.entries.len())
            .filter(|i| self.passes_filter(*i))
            .collect();
        self.sort_view(&mut base);
        self.dossiers.ref_width = base
            .iter()
            .map(|i| super::reference_width(&self.batch.entries[*i].dossier.reference))
            .max()
            .unwrap_or(10)
            .min(18) as u16;
        let (mine_done, mine) = self.mine_scored();
        self.dossiers.counts = ListCounts {
            scored: self.scored_count(),
            mine_done,
            mine,
            candidates: match self.lot() {
                Some(_) => (0..self.batch.entries.len())
                    .filter(|i| self.in_scope(*i))
                    .count(),
                None => self.batch.entries.len(),
            },
        };
        self.dossiers.search = SearchSteps {
            base,
            steps: Vec::new(),
        };
        self.search_changed();
    }

    /// Recomputes the visible list after the query changed, and nothing
    /// else: a longer query searches only the previous hits, a shorter one
    /// goes back to hits already found.
    pub fn search_changed(&mut self) {
        let keep = self.current_index();
        let query = Query::new(&self.dossiers.filter);
        let search = &mut self.dossiers.search;
        while search.steps.last().is_some_and(|(q, _)| !query.narrows(q)) {
            search.steps.pop();
        }
        let view = if query.is_empty() {
            search.base.clone()
        } else {
            if search.steps.last().is_none_or(|(q, _)| *q != query) {
                let candidates: Vec<usize> = match search.steps.last() {
                    Some((_, previous)) => previous.iter().map(|(i, _)| *i).collect(),
                    None => search.base.clone(),
                };
                let hits = search::matches(&candidates, &self.batch.search, &query);
                search.steps.push((query, hits));
            }
            // While searching, the best matches come first; the list's
            // own order breaks ties.
            search
                .steps
                .last()
                .map(|(_, hits)| search::best_first(hits))
                .unwrap_or_default()
        };
        self.dossiers.view = view;
        self.dossiers.selected = keep
            .and_then(|k| self.dossiers.view.iter().position(|i| *i == k))
            .unwrap_or(0);
        // Another dossier now selected (a search found it): its grid starts
        // at the first criterion, not where the last dossier's ended.
        if self.current_index() != keep {
            self.dossiers.criterion = 0;
            self.dossiers.dossier_scroll = 0;
            self.dossiers.pending_digit = None;
        }
    }

    /// The query as the search compares it, folded once (for a frame).
    pub fn search_query(&self) -> Query {
        Query::new(&self.dossiers.filter)
    }

    /// The characters of entry `i`'s shown fields (reference, structure,
    /// town) the query matched,
    /// found for the rows a frame shows rather than for every hit.
    pub fn highlights(&self, i: usize, q: &Query) -> Vec<Vec<usize>> {
        match self.batch.entries.get(i) {
            // Only the fields the list shows: the others are never drawn.
            Some(e) => search::highlights(&super::search_fields(&e.dossier)[..=F_CITY], q),
            None => Vec::new(),
        }
    }

    fn sort_view(&self, view: &mut [usize]) {
        let e = &self.batch.entries;
        match self.dossiers.sort {
            SortKey::Reference => {
                view.sort_by(|a, b| e[*a].dossier.reference.cmp(&e[*b].dossier.reference))
            }
            SortKey::Received => view.sort_by(|a, b| {
                e[*a]
                    .dossier
                    .received_at
                    .cmp(&e[*b].dossier.received_at)
                    .then_with(|| e[*a].dossier.reference.cmp(&e[*b].dossier.reference))
            }),
            SortKey::Total => {
                let totals: HashMap<usize, f64> = view
                    .iter()
                    .map(|i| {
                        (
                            *i,
                            self.evaluation(&e[*i].dossier.reference)
                                .on_100
                                .unwrap_or(-1.0),
                        )
                    })
                    .collect();
                // Best first by default: that is how a committee reads totals.
                view.sort_by(|a, b| {
                    totals[b]
                        .total_cmp(&totals[a])
                        .then_with(|| e[*a].dossier.reference.cmp(&e[*b].dossier.reference))
                })
            }
            SortKey::Status => view.sort_by(|a, b| {
                self.progress(&e[*a].dossier.reference)
                    .cmp(&self.progress(&e[*b].dossier.reference))
                    .then_with(|| e[*a].dossier.reference.cmp(&e[*b].dossier.reference))
            }),
        }
        if self.dossiers.descending {
            view.reverse();
        }
        // A rapporteur sees their own dossiers first, in the same order:
        // their references looked up once, not at each comparison (a
        // sort's key is asked twice per comparison, 200 000 times at
        // 100 000 dossiers), and nothing moved when they have none.
        let Some(me) = self.reviewer.as_deref() else {
            return;
        };
        let mine: std::collections::HashSet<&str> = self
            .batch
            .committee
            .assigned
            .iter()
            .filter(|(_, m)| m == me)
            .map(|(r, _)| r.as_str())
            .collect();
        if !mine.is_empty() {
            let (first, rest): (Vec<usize>, Vec<usize>) = view
                .iter()
                .partition(|i| mine.contains(e[**i].dossier.reference.as_str()));
            for (slot, i) in view.iter_mut().zip(first.into_iter().chain(rest)) {
                *slot = i;
            }
        }
    }

    /// Keeps the selected dossier within the rows the list shows.
    pub fn scroll_list(&mut self) {
        let rows = self.dossiers.list_rows.max(1) as usize;
        if self.dossiers.selected < self.dossiers.list_offset {
            self.dossiers.list_offset = self.dossiers.selected;
        } else if self.dossiers.selected >= self.dossiers.list_offset + rows {
            self.dossiers.list_offset = self.dossiers.selected + 1 - rows;
        }
        self.dossiers.list_offset = self
            .dossiers
            .list_offset
            .min(self.dossiers.view.len().saturating_sub(1));
    }

    /// No anchoring: a member sees the others' scores on a dossier only once
    /// they have scored it themselves; the chair sees everything.
    pub fn may_see_others(&self, reference: &str) -> bool {
        self.is_chair() || self.progress(reference) == Progress::Scored
    }

    fn passes_filter(&self, i: usize) -> bool {
        let e = &self.batch.entries[i];
        let reference = &e.dossier.reference;
        // A lot's candidates only; at the audition stage, the convened. A
        // dossier that names no lot shows in every lot, « à compléter ».
        let unplaced = self.lot().is_some() && e.lots.is_empty();
        if !(self.in_scope(i) || unplaced) {
            return false;
        }
        match self.dossiers.list_filter {
            ListFilter::All => true,
            ListFilter::Mine => self.is_mine(reference),
            ListFilter::ToScore => self.progress(reference) != Progress::Scored,
            ListFilter::Contested => self
                .batch
                .committee
                .aggregates
                .get(i)
                .is_some_and(|a| a.contested),
            ListFilter::Ineligible => self.verdict(i) == eligibility::Verdict::Ineligible,
            ListFilter::Decided => self.batch.committee.decisions.contains_key(reference),
            ListFilter::Priority => !e.eligibility.priorities.is_empty(),
            ListFilter::ToComplete => {
                !e.to_complete.is_empty()
                    || self
                        .request_of(reference)
                        .is_some_and(|r| r.completed_at.is_none())
            }
            ListFilter::Zone(z) => e
                .dossier
                .territory
                .as_deref()
                .is_some_and(|t| Some(t) == self.batch.territories.get(z).map(String::as_str)),
        }
    }
}
