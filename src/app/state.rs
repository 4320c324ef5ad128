//! Everything the screen shows, in memory. Built once from the store; changed
//! only by `update`; read by `ui` to draw.

use crate::app::keymap::{Context, Keymap};
use jury_core::call::{Call, Criterion, Role};
use jury_core::compose::{self, LetterError};
use jury_core::document::Document;
use jury_core::dossier::Dossier;
use jury_core::eligibility::{self, Report};
use jury_core::fr::Lang;
use jury_core::grid::{self, Evaluation, Scores};
use jury_core::json::Diag;
use jury_core::records::ScoreRow;
use jury_core::search::{Haystack, Searcher};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    List,
    Dossier,
    Grid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Dossiers,
    Committee,
    Letters,
}

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
    ToScore,
    Contested,
    Ineligible,
    Decided,
    Priority,
    /// One territory (`structure.territory`), by its index in `State::territories`.
    Zone(usize),
}

impl ListFilter {
    /// The next filter; after the fixed ones, each territory of the batch.
    pub fn next(self, zones: usize) -> ListFilter {
        match self {
            ListFilter::All => ListFilter::ToScore,
            ListFilter::ToScore => ListFilter::Contested,
            ListFilter::Contested => ListFilter::Ineligible,
            ListFilter::Ineligible => ListFilter::Decided,
            ListFilter::Decided => ListFilter::Priority,
            ListFilter::Priority if zones > 0 => ListFilter::Zone(0),
            ListFilter::Zone(i) if i + 1 < zones => ListFilter::Zone(i + 1),
            ListFilter::Priority | ListFilter::Zone(_) => ListFilter::All,
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
            ListFilter::ToScore => lang.tr(text::SCORE),
            ListFilter::Contested => lang.tr(text::CONTESTED),
            ListFilter::Ineligible => lang.tr(text::INELIGIBLE),
            ListFilter::Decided => lang.tr(text::DECIDED),
            ListFilter::Priority => lang.tr(text::PRIORITY),
            ListFilter::Zone(_) => "",
        }
        .to_string()
    }
}

/// One line of a dossier's history, read from the audit trail.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryLine {
    pub at: String,
    pub actor: String,
    pub what: crate::app::history::Happened,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    Normal,
    /// Typing the search query.
    Filter,
    /// Editing the comment of the selected criterion.
    Comment,
    /// Asking who is scoring.
    AskReviewer,
    Help {
        scroll: u16,
    },
    /// The import report, shown at start when a file had problems.
    Report {
        scroll: u16,
    },
    /// Choosing which attachment to open.
    Attachments {
        selected: usize,
    },
    /// A committee form (decision, override, session…).
    Form(crate::app::form::Form),
    /// A dossier's audit trail.
    History {
        reference: String,
        lines: Vec<HistoryLine>,
        scroll: u16,
    },
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

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SortKey::Reference => lang.tr(text::REFERENCE),
            SortKey::Received => lang.tr(text::DATE_RECEIVED),
            SortKey::Total => lang.tr(text::TOTAL),
            SortKey::Status => lang.tr(text::STATUS),
        }
    }
}

/// Searchable fields, in the order `Haystack` holds them.
pub const SEARCH_FIELDS: usize = 5;
pub const F_REFERENCE: usize = 0;
pub const F_STRUCTURE: usize = 1;
pub const F_CITY: usize = 2;

/// What the last frame measured, fed back to the state for paging.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameInfo {
    pub page: u16,
    pub dossier_max_scroll: u16,
    /// Rows the dossier list showed.
    pub list_rows: u16,
}

pub struct Entry {
    pub dossier: Dossier,
    pub eligibility: Report,
    pub late: bool,
    pub haystack: Haystack,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    pub value: Option<f64>,
    pub comment: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// A scoring status of one dossier for the active reviewer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Progress {
    ToScore,
    Partial,
    Scored,
}

/// Everything the screen shows, grouped by what it belongs to: the
/// environment, the batch under examination, and one part per screen.
pub struct State {
    pub env: Env,
    pub batch: Batch,
    /// Who is scoring: a member of the committee, or nobody yet.
    pub reviewer: Option<String>,
    pub screen: Screen,
    pub mode: Mode,
    /// Text being edited (comment, reviewer name).
    pub input: String,
    pub status: Option<Status>,
    pub quit: bool,
    /// Page height the last frame had, for page up/down.
    pub page: u16,
    pub dossiers: DossiersView,
    pub committee_view: CommitteeView,
    pub letters_view: LettersView,
}

/// Where Jury runs: language, terminal, files, the day.
pub struct Env {
    pub lang: Lang,
    pub color: bool,
    pub call_dir: Option<PathBuf>,
    pub db_path: String,
    pub keymap: Keymap,
    /// Where the TUI writes letters, minutes and packets.
    pub letters_dir: PathBuf,
    /// Today, as the runtime sees it (late letters, default dates).
    pub today: chrono::NaiveDate,
}

/// The call and its dossiers as the database holds them, with what the
/// committee has recorded and what is computed from it.
pub struct Batch {
    pub call: Call,
    pub entries: Vec<Entry>,
    /// Reference → index into `entries` (entries never change after start).
    index: HashMap<String, usize>,
    /// Every member's scores: (reference, member, criterion) → score.
    pub scores: BTreeMap<(String, String, String), Score>,
    pub committee: jury_core::committee::Committee,
    /// The call's own letter templates, by decision id.
    pub templates: BTreeMap<String, String>,
    /// Letters produced and their tracking, from the store.
    pub letters: Vec<jury_core::records::LetterRow>,
    /// The batch's territories, for the zone filter.
    pub territories: Vec<String>,
    /// The import report: files that had problems.
    pub report: Vec<Diag>,
}

/// The dossiers screen: list, dossier pane and grid.
pub struct DossiersView {
    /// Entries shown, filtered and sorted (indices into `entries`).
    pub view: Vec<usize>,
    /// Matched characters per entry and field, while a filter is active.
    pub highlights: HashMap<usize, Vec<Vec<usize>>>,
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
    /// The reviewer's progress per dossier, rebuilt by `recompute`.
    progress_cache: HashMap<String, Progress>,
    searcher: Searcher,
}

/// The committee view: ranking, agenda, the selected dossier.
pub struct CommitteeView {
    /// Rank by the members' normalised totals.
    pub normalised: bool,
    /// Contested and near-cut-off dossiers only, contested first.
    pub agenda: bool,
    /// Rows (indices into `entries`) and the selected row.
    pub rows: Vec<usize>,
    pub selected: usize,
}

/// The letters view: every final decision and its letter.
pub struct LettersView {
    pub items: Vec<LetterItem>,
    pub selected: usize,
    /// The selected letter as it will be written.
    pub preview: Option<Preview>,
    /// A running batch: done, total, current reference.
    pub progress: Option<(usize, usize, String)>,
}

/// Every member's scores by (reference, member, criterion), as the state keeps them.
pub fn score_map(rows: Vec<ScoreRow>) -> BTreeMap<(String, String, String), Score> {
    rows.into_iter()
        .map(|r| {
            (
                (r.reference, r.member, r.criterion),
                Score {
                    value: r.value,
                    comment: r.comment,
                },
            )
        })
        .collect()
}

pub struct Init {
    pub lang: Lang,
    pub color: bool,
    pub call: Call,
    pub call_dir: Option<PathBuf>,
    pub db_path: String,
    pub keymap: Keymap,
    pub dossiers: Vec<Dossier>,
    pub scores: Vec<ScoreRow>,
    pub reviewer: Option<String>,
    /// The last reviewer on this machine, offered at « Qui note ? ».
    pub reviewer_hint: Option<String>,
    pub report: Vec<Diag>,
    pub committee: jury_core::records::CommitteeData,
    pub templates: BTreeMap<String, String>,
    pub letters: Vec<jury_core::records::LetterRow>,
    pub letters_dir: PathBuf,
    pub today: chrono::NaiveDate,
}

impl State {
    pub fn new(init: Init) -> State {
        let lang = init.lang;
        let entries: Vec<Entry> = init
            .dossiers
            .into_iter()
            .map(|d| {
                let eligibility = eligibility::evaluate(&init.call, &d, lang);
                let late = eligibility::is_late(&init.call, &d);
                let haystack = Haystack::new(&[
                    &d.reference,
                    &d.structure,
                    &d.city,
                    &d.professional,
                    &d.representative,
                ]);
                Entry {
                    dossier: d,
                    eligibility,
                    late,
                    haystack,
                }
            })
            .collect();
        let scores = score_map(init.scores);
        // Who scored last on this machine, offered when nobody is named.
        let input = match &init.reviewer {
            None => init.reviewer_hint.clone().unwrap_or_default(),
            Some(_) => String::new(),
        };
        let mode = if !init.report.is_empty() {
            Mode::Report { scroll: 0 }
        } else if init.reviewer.is_none() {
            Mode::AskReviewer
        } else {
            Mode::Normal
        };
        let mut s = State {
            env: Env {
                lang,
                color: init.color,
                call_dir: init.call_dir,
                db_path: init.db_path,
                keymap: init.keymap,
                letters_dir: init.letters_dir,
                today: init.today,
            },
            batch: Batch {
                call: init.call,
                index: entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.dossier.reference.clone(), i))
                    .collect(),
                entries,
                scores,
                committee: jury_core::committee::Committee::default(),
                templates: init.templates,
                letters: init.letters,
                territories: Vec::new(),
                report: init.report,
            },
            reviewer: init.reviewer,
            screen: Screen::Dossiers,
            mode,
            input,
            status: None,
            quit: false,
            page: 10,
            dossiers: DossiersView {
                view: Vec::new(),
                highlights: HashMap::new(),
                selected: 0,
                focus: Pane::List,
                filter: String::new(),
                list_filter: ListFilter::All,
                sort: SortKey::Reference,
                descending: false,
                dossier_scroll: 0,
                criterion: 0,
                pending_digit: None,
                grid_target: GridTarget::Own,
                list_offset: 0,
                list_rows: 20,
                progress_cache: HashMap::new(),
                searcher: Searcher::default(),
            },
            committee_view: CommitteeView {
                normalised: false,
                agenda: false,
                rows: Vec::new(),
                selected: 0,
            },
            letters_view: LettersView {
                items: Vec::new(),
                selected: 0,
                preview: None,
                progress: None,
            },
        };
        let mut territories: Vec<String> = s
            .batch
            .entries
            .iter()
            .filter_map(|e| e.dossier.territory().map(str::to_string))
            .collect();
        territories.sort();
        territories.dedup();
        s.batch.territories = territories;
        s.batch.committee.data = init.committee;
        s.recompute();
        s
    }

    /// Key contexts searched, in order, for the current mode and focus.
    pub fn contexts(&self) -> Vec<Context> {
        match self.mode {
            Mode::Normal if self.screen == Screen::Committee => {
                vec![Context::Committee, Context::Global]
            }
            Mode::Normal if self.screen == Screen::Letters => {
                vec![Context::Letters, Context::Global]
            }
            Mode::Normal => {
                let pane = match self.dossiers.focus {
                    Pane::List => Context::List,
                    Pane::Dossier => Context::Dossier,
                    Pane::Grid => Context::Grid,
                };
                vec![pane, Context::Global]
            }
            Mode::Filter | Mode::Comment | Mode::AskReviewer => vec![Context::Input],
            Mode::Help { .. } => vec![Context::Help],
            Mode::Report { .. } | Mode::Attachments { .. } | Mode::History { .. } => {
                vec![Context::Popup]
            }
            Mode::Form(_) => vec![Context::Form],
        }
    }

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
        self.batch.call.criteria.get(self.dossiers.criterion)
    }

    /// The active reviewer's scores on one dossier.
    pub fn my_scores(&self, reference: &str) -> Scores {
        let Some(me) = &self.reviewer else {
            return Scores::new();
        };
        self.batch
            .call
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
                .batch
                .call
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
        grid::evaluate(&self.batch.call, &self.grid_scores(reference))
    }

    /// The active reviewer's own progress on a dossier (cached by `recompute`).
    pub fn progress(&self, reference: &str) -> Progress {
        match self.dossiers.progress_cache.get(reference) {
            Some(p) => *p,
            None => self.compute_progress(reference),
        }
    }

    fn compute_progress(&self, reference: &str) -> Progress {
        let e = grid::evaluate(&self.batch.call, &self.my_scores(reference));
        if e.complete() {
            Progress::Scored
        } else if e.scored > 0 {
            Progress::Partial
        } else {
            Progress::ToScore
        }
    }

    pub fn scored_count(&self) -> usize {
        self.dossiers
            .progress_cache
            .values()
            .filter(|p| **p == Progress::Scored)
            .count()
    }

    /// Recomputes the visible list after a filter, sort or score change,
    /// keeping the same dossier selected when it is still shown.
    /// `narrow_from` lets a longer query search only the previous matches.
    pub fn refresh_view(&mut self, narrow_from: Option<Vec<usize>>) {
        let keep = self.current_index();
        let candidates: Vec<usize> =
            narrow_from.unwrap_or_else(|| (0..self.batch.entries.len()).collect());
        self.dossiers.highlights.clear();
        let mut hits: Vec<(usize, i64)> = Vec::with_capacity(candidates.len());
        let active = !self.dossiers.filter.trim().is_empty();
        for i in candidates {
            if !self.passes_filter(i) {
                continue;
            }
            if !active {
                hits.push((i, 0));
                continue;
            }
            if let Some(h) = self
                .dossiers
                .searcher
                .find(&self.batch.entries[i].haystack, &self.dossiers.filter)
            {
                self.dossiers.highlights.insert(i, h.fields);
                hits.push((i, h.score));
            }
        }
        let mut view: Vec<usize> = hits.iter().map(|(i, _)| *i).collect();
        self.sort_view(&mut view);
        if active {
            // While searching, the best matches come first (the sort breaks ties).
            let score: HashMap<usize, i64> = hits.into_iter().collect();
            view.sort_by_key(|i| std::cmp::Reverse(score.get(i).copied().unwrap_or(0)));
        }
        self.dossiers.view = view;
        self.dossiers.selected = keep
            .and_then(|k| self.dossiers.view.iter().position(|i| *i == k))
            .unwrap_or(0);
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
    }

    pub fn set_status(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: false,
        });
    }

    pub fn set_error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
        });
    }
}

impl State {
    /// Layout feedback from the last frame: page height and how far the
    /// dossier can scroll. The only state the renderer informs.
    pub fn apply_frame(&mut self, info: FrameInfo) {
        if info.page > 0 {
            self.page = info.page;
        }
        if info.list_rows > 0 {
            self.dossiers.list_rows = info.list_rows;
        }
        self.dossiers.dossier_scroll = self.dossiers.dossier_scroll.min(info.dossier_max_scroll);
        self.scroll_list();
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
}

/// The committee's side of the state.
impl State {
    /// Rebuilds aggregates, ranking and the committee rows from memory.
    pub fn recompute(&mut self) {
        let scores: BTreeMap<(String, String, String), f64> = self
            .batch
            .scores
            .iter()
            .filter_map(|(k, v)| v.value.map(|x| (k.clone(), x)))
            .collect();
        let dossiers: Vec<&Dossier> = self.batch.entries.iter().map(|e| &e.dossier).collect();
        let progress = dossiers
            .iter()
            .map(|d| (d.reference.clone(), self.compute_progress(&d.reference)))
            .collect();
        self.dossiers.progress_cache = progress;
        let data = std::mem::take(&mut self.batch.committee.data);
        let basis = self.batch.committee.basis;
        self.batch.committee = jury_core::committee::Committee::build(
            &self.batch.call,
            &dossiers,
            &scores,
            data,
            basis,
        );
        self.refresh_committee_view();
        self.refresh_letters();
        self.refresh_view(None);
    }

    /// The letters view's rows: every final decision, by reference.
    pub fn refresh_letters(&mut self) {
        let mut items: Vec<LetterItem> = self
            .batch
            .committee
            .decisions
            .values()
            .filter(|d| self.batch.committee.frozen(&d.reference))
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
    /// files, once per change of selection or data rather than per frame.
    pub fn refresh_preview(&mut self) {
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
                Some(
                    match compose::decision_letter(
                        &b.call,
                        &b.committee,
                        item.entry,
                        &b.entries[item.entry].dossier,
                        &item.decision,
                        session,
                        &b.templates,
                    ) {
                        Ok((doc, _)) => Preview::Letter(Box::new(doc)),
                        Err(LetterError::SessionDate(e)) => {
                            Preview::Problems(vec![e.message(lang)])
                        }
                        Err(LetterError::Template(diags)) => {
                            Preview::Problems(diags.iter().map(|d| d.to_string()).collect())
                        }
                    },
                )
            });
    }

    pub fn set_committee_data(&mut self, data: jury_core::records::CommitteeData) {
        self.batch.committee.data = data;
        self.recompute();
    }

    /// The entry of a reference.
    pub fn entry_index(&self, reference: &str) -> Option<usize> {
        self.batch.index.get(reference).copied()
    }

    /// Eligibility after the chair's override, if any: what every screen shows.
    pub fn verdict(&self, i: usize) -> eligibility::Verdict {
        let e = &self.batch.entries[i];
        match self.batch.committee.overrides.get(&e.dossier.reference) {
            Some(o) if o.eligible => eligibility::Verdict::Eligible,
            Some(_) => eligibility::Verdict::Ineligible,
            None => e.eligibility.verdict,
        }
    }

    pub fn role(&self) -> Option<Role> {
        self.reviewer
            .as_deref()
            .and_then(|r| self.batch.committee.role(r))
    }

    pub fn is_chair(&self) -> bool {
        self.role() == Some(Role::Chair)
    }

    pub fn may_decide(&self) -> bool {
        matches!(self.role(), Some(Role::Chair | Role::Secretary))
    }

    /// No anchoring: a member sees the others' scores on a dossier only once
    /// they have scored it themselves; the chair sees everything.
    pub fn may_see_others(&self, reference: &str) -> bool {
        self.is_chair() || self.progress(reference) == Progress::Scored
    }

    fn passes_filter(&self, i: usize) -> bool {
        let e = &self.batch.entries[i];
        let reference = &e.dossier.reference;
        match self.dossiers.list_filter {
            ListFilter::All => true,
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
            ListFilter::Zone(z) => e
                .dossier
                .territory()
                .is_some_and(|t| Some(t) == self.batch.territories.get(z).map(String::as_str)),
        }
    }

    /// The committee rows: ranking order (raw or normalised), or the agenda.
    pub fn refresh_committee_view(&mut self) {
        let keep = self
            .committee_view
            .rows
            .get(self.committee_view.selected)
            .copied();
        let mut rows: Vec<usize> = self
            .batch
            .committee
            .ranking
            .iter()
            .filter_map(|r| self.entry_index(&r.reference))
            .collect();
        if self.committee_view.normalised {
            let z: HashMap<usize, f64> = rows
                .iter()
                .map(|i| {
                    let a = &self.batch.committee.aggregates[*i];
                    (
                        *i,
                        jury_core::aggregate::normalised_total(a, &self.batch.committee.profiles)
                            .unwrap_or(f64::NEG_INFINITY),
                    )
                })
                .collect();
            rows.sort_by(|a, b| z[b].total_cmp(&z[a]));
        }
        if self.committee_view.agenda {
            let cut = self.batch.call.capacity.map(|c| c as usize);
            let position: HashMap<usize, usize> =
                rows.iter().enumerate().map(|(p, i)| (*i, p)).collect();
            let near = |i: &usize| {
                cut.is_some_and(|c| {
                    let p = position[i] + 1;
                    p + 2 >= c && p <= c + 2
                })
            };
            let contested = |i: &usize| self.batch.committee.aggregates[*i].contested;
            rows.retain(|i| contested(i) || near(i));
            rows.sort_by_key(|i| (!contested(i), position[i]));
        }
        self.committee_view.rows = rows;
        self.committee_view.selected = keep
            .and_then(|k| self.committee_view.rows.iter().position(|i| *i == k))
            .unwrap_or(0)
            .min(self.committee_view.rows.len().saturating_sub(1));
    }

    /// The committee view's warning that the call may be unsuccessful.
    pub fn unsuccessful_warning(&self) -> Option<String> {
        let s = self;
        let eligible = (0..s.batch.entries.len())
            .filter(|i| s.verdict(*i) == jury_core::eligibility::Verdict::Eligible)
            .count();
        let best = s
            .batch
            .committee
            .aggregates
            .iter()
            .enumerate()
            .filter(|(i, _)| s.verdict(*i) == jury_core::eligibility::Verdict::Eligible)
            .filter_map(|(_, a)| a.official(s.batch.committee.basis))
            .map(|t| jury_core::aggregate::DossierAggregate::on_100(&s.batch.call, t))
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
        // Before anyone has scored, "nobody reaches the threshold" means nothing.
        let any_scored = s
            .batch
            .committee
            .aggregates
            .iter()
            .any(|a| a.official(s.batch.committee.basis).is_some());
        if !any_scored && eligible > 1 {
            return None;
        }
        jury_core::decision::unsuccessful_warning(&s.batch.call, eligible, best, s.env.lang)
    }

    /// The dossier selected in the committee view.
    pub fn committee_current(&self) -> Option<usize> {
        self.committee_view
            .rows
            .get(self.committee_view.selected)
            .copied()
    }
}

/// This module's interface texts, in both languages.
mod text {
    use jury_core::fr::Tr;

    pub const ZONE: Tr = Tr::new("zone :", "zone:");
    pub const ALL: Tr = Tr::new("tous", "all");
    pub const SCORE: Tr = Tr::new("à noter", "to score");
    pub const CONTESTED: Tr = Tr::new("contestés", "contested");
    pub const INELIGIBLE: Tr = Tr::new("irrecevables", "ineligible");
    pub const DECIDED: Tr = Tr::new("décidés", "decided");
    pub const PRIORITY: Tr = Tr::new("prioritaires", "priority");
    pub const REFERENCE: Tr = Tr::new("référence", "reference");
    pub const DATE_RECEIVED: Tr = Tr::new("date de réception", "date received");
    pub const TOTAL: Tr = Tr::new("total", "total");
    pub const STATUS: Tr = Tr::new("statut", "status");
}
