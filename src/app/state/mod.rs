//! Everything the screen shows, in memory. Built once from the store; changed
//! only by `update`; read by `ui` to draw. This file holds what every screen
//! shares (environment, batch, mode, status line); each screen's own part is
//! in the file named for it.

use crate::app::keymap::{Context, Keymap};
use jury_core::call::{Call, Role};
use jury_core::committee::Candidacy;
use jury_core::dossier::{Card, Dossier};
use jury_core::eligibility::{self, Report};
use jury_core::fr::Lang;
use jury_core::json::Diag;
use jury_core::records::ScoreRow;
use jury_core::search::{Haystack, Index};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

mod assignment;
mod committee;
mod dossiers;
pub mod imported;
mod letters;
pub mod opening;
mod timetable;

pub use assignment::{AssignmentView, Cell};
pub use committee::CommitteeView;
pub use dossiers::{
    DossiersView, F_CITY, F_REFERENCE, F_STRUCTURE, GridTarget, ListCounts, ListFilter, Pane,
    Progress, SEARCH_FIELDS, SortKey,
};
pub use letters::{LetterItem, LettersView, Preview};
pub use timetable::{Row, SlotProblem, TimetableView, rows as timetable_rows};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Dossiers,
    Committee,
    Letters,
    /// Rapporteurs: dossiers by members.
    Assignment,
    Timetable,
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
    /// The priority territories and the dossiers each has (committee view).
    Coverage {
        scroll: u16,
    },
    /// A dossier's audit trail.
    History {
        reference: String,
        lines: Vec<HistoryLine>,
        scroll: u16,
    },
}

/// What the last frame measured, fed back to the state for paging.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameInfo {
    /// The terminal was too small to show the screens: only the notice
    /// asking to enlarge it was drawn.
    pub too_small: bool,
    pub page: u16,
    pub dossier_max_scroll: u16,
    /// Rows the dossier list showed.
    pub list_rows: u16,
}

/// Its fields serialise (not the card's text, not the version): what an
/// opening keeps for the next (see [`State::entries_fingerprint`]).
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// The dossier's fields and text; [`Card::full`] for the whole of it.
    pub dossier: Card,
    /// Verdict and priorities; [`Entry::report`] for the whole report.
    pub eligibility: eligibility::Standing,
    pub late: bool,
    /// JSON Pointers the dossier should fill and does not (« à compléter »).
    pub to_complete: Vec<String>,
    /// In a call with lots: the lots it answers, by id.
    pub lots: Vec<String>,
    /// In a call with lots: its standing and whether it is late under
    /// each lot's call, in the call's order, worked out with the entry, so
    /// that moving to another lot reads no dossier again (at 100 000
    /// dossiers, reading every text back took seconds).
    pub by_lot: Vec<(eligibility::Standing, bool)>,
    /// 1 as imported, then one more per correction.
    #[serde(skip, default = "first_version")]
    pub version: i64,
}

/// The columns a reference takes on screen: its length when it is ASCII,
/// as references almost always are. Measured character by character,
/// 100 000 references were a fifth of an opening's recompute.
pub(crate) fn reference_width(reference: &str) -> usize {
    match reference.is_ascii() {
        true => reference.len(),
        false => unicode_width::UnicodeWidthStr::width(reference),
    }
}

/// Where each entry is, by its reference: only the places, each hashed by
/// its entry's reference, which the table looks up in the entries. Hashed
/// with foldhash rather than SipHash: building it for 100 000 references
/// was an eighth of a reopening, and a committee's own files are not an
/// attacker flooding a server. A map held a copy of every reference.
struct Places {
    table: hashbrown::HashTable<usize>,
    hasher: foldhash::fast::RandomState,
}

impl Places {
    fn of(entries: &[Entry]) -> Places {
        let mut places = Places {
            table: hashbrown::HashTable::with_capacity(entries.len()),
            hasher: Default::default(),
        };
        for i in 0..entries.len() {
            places.add(entries, i);
        }
        places
    }

    fn get(&self, entries: &[Entry], reference: &str) -> Option<usize> {
        self.table
            .find(hash_with(&self.hasher, reference), |&i| {
                entries[i].dossier.reference == reference
            })
            .copied()
    }

    /// The last of `entries`, just pushed.
    fn add_last(&mut self, entries: &[Entry]) {
        if let Some(i) = entries.len().checked_sub(1) {
            self.add(entries, i);
        }
    }

    fn add(&mut self, entries: &[Entry], i: usize) {
        let hasher = &self.hasher;
        let hash = hash_with(hasher, &entries[i].dossier.reference);
        let rehash = |&j: &usize| hash_with(hasher, &entries[j].dossier.reference);
        self.table.insert_unique(hash, i, rehash);
    }
}

fn hash_with(hasher: &foldhash::fast::RandomState, reference: &str) -> u64 {
    std::hash::BuildHasher::hash_one(hasher, reference)
}

/// The call as each of its lots sees it, in the call's order; none for a
/// call without lots.
pub(crate) fn lot_calls(whole: &Call) -> Vec<Call> {
    whole.lots.iter().map(|l| whole.lot_call(&l.id)).collect()
}

/// The lot a call opens on (a call with lots opens on its first) and the
/// call as that lot sees it.
fn opening_call(whole: &Call) -> (Option<String>, Call) {
    let lot = whole.lots.first().map(|l| l.id.clone());
    let call = match &lot {
        Some(id) => whole.lot_call(id),
        None => whole.clone(),
    };
    (lot, call)
}

fn first_version() -> i64 {
    1
}

/// A stored dossier as [`State::new_with`] takes it: parsed, with its
/// compact JSON when the caller has it, and its current version.
pub struct Source {
    pub dossier: Dossier,
    pub text: Option<String>,
    pub version: i64,
}

impl Source {
    /// A parsed dossier, at the version `versions` gives it (1 when absent).
    fn parsed(dossier: Dossier, text: Option<String>, versions: &HashMap<String, i64>) -> Source {
        let version = versions.get(&dossier.reference).copied().unwrap_or(1);
        Source {
            dossier,
            text,
            version,
        }
    }
}

/// What making an entry needs of the call, worked out once for a batch:
/// the call of the lot a call opens on, every lot's call, the pieces and
/// fields the templates want.
pub(crate) struct Maker {
    call: Call,
    lot_calls: Vec<Call>,
    wanted: jury_core::completion::Wanted,
}

impl Maker {
    pub(crate) fn new(whole: &Call, templates: &BTreeMap<String, String>) -> Maker {
        let (_, call) = opening_call(whole);
        let wanted = jury_core::completion::Wanted::new(&call, templates);
        Maker {
            lot_calls: lot_calls(whole),
            call,
            wanted,
        }
    }

    /// A dossier's entry, and its searchable fields folded.
    pub(crate) fn make(&self, source: Source) -> (Entry, Haystack) {
        let entry = Entry::new(
            &self.call,
            &self.lot_calls,
            &self.wanted,
            source.dossier,
            source.text,
            source.version,
        );
        let hay = entry.haystack();
        (entry, hay)
    }
}

/// A dossier's searchable fields, in the order `Haystack` holds them
/// (`SEARCH_FIELDS`, `F_REFERENCE`…).
pub(crate) fn search_fields(d: &Card) -> [&str; SEARCH_FIELDS] {
    [
        &d.reference,
        &d.structure,
        &d.city,
        &d.professional,
        &d.representative,
    ]
}

impl Entry {
    /// The entry of `d` under `call`, the call of the lot on screen;
    /// `lot_calls` are the calls of every lot (see [`lot_calls`]).
    pub fn new(
        call: &Call,
        lot_calls: &[Call],
        wanted: &jury_core::completion::Wanted,
        d: Dossier,
        text: Option<String>,
        version: i64,
    ) -> Entry {
        let eligibility = eligibility::standing(call, &d);
        let late = eligibility::is_late(call, &d);
        let to_complete = wanted.lacking(call, &d);
        let lots = call.answer(&d.raw).lots;
        let by_lot = lot_calls
            .iter()
            .map(|c| (eligibility::standing(c, &d), eligibility::is_late(c, &d)))
            .collect();
        Entry {
            dossier: Card::new(d, text),
            eligibility,
            late,
            to_complete,
            lots,
            by_lot,
            version,
        }
    }

    /// The entry's searchable fields folded, for [`Batch::search`].
    pub fn haystack(&self) -> Haystack {
        Haystack::new(&search_fields(&self.dossier))
    }
}

/// The committee's picture reads the verdict and lots worked out when the
/// entry was made, under the call the state holds (a lot's call, made again
/// when the lot changes: see `update::lot`).
impl Candidacy for Entry {
    fn reference(&self) -> &str {
        &self.dossier.reference
    }
    fn received_at(&self) -> chrono::DateTime<chrono::FixedOffset> {
        self.dossier.received_at
    }
    fn verdict(&self, _call: &Call) -> eligibility::Verdict {
        self.eligibility.verdict
    }
    fn answers(&self, _call: &Call, lot: &str) -> bool {
        self.lots.iter().any(|l| l == lot)
    }
    fn territory(&self) -> Option<&str> {
        self.dossier.territory.as_deref()
    }
    /// Made again from the card's text: for the one dossier on screen.
    fn report(&self, call: &Call, lang: Lang) -> Report {
        self.dossier.report(call, lang)
    }
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

/// Stored dossiers parsed per run on every core at opening (see
/// [`State::new_with`]).
const PARSE_RUN: usize = 2048;

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
    /// At « Qui note ? »: the question about a near miss, or why a name was refused.
    pub who_note: Option<String>,
    pub status: Option<Status>,
    pub quit: bool,
    /// The last frame was too small to show the screens (see [`FrameInfo`]).
    pub too_small: bool,
    /// Page height the last frame had, for page up/down.
    pub page: u16,
    pub dossiers: DossiersView,
    pub committee_view: CommitteeView,
    pub letters_view: LettersView,
    pub assignment_view: AssignmentView,
    pub timetable_view: TimetableView,
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
    /// The call as the committee sees it now: in a call with lots, the
    /// current lot's ([`Call::lot_call`]).
    pub call: Call,
    /// The call as written, which each lot's call is made from.
    pub whole: Call,
    /// The call as the audition stage scores it (`Call::audition_grid`),
    /// made once; None for a one-stage call.
    pub audition_grid: Option<Call>,
    pub entries: Vec<Entry>,
    /// The entries' searchable fields, folded, in the entries' order.
    pub search: Index,
    /// Reference → index into `entries` (entries are only added, at the
    /// end).
    index: Places,
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
    /// Scores given on an earlier version of their dossier.
    pub stale: Vec<jury_core::records::Stale>,
    /// Dossiers whose file changed after import: the file's version, for
    /// the chair or the secretary to accept.
    pub pending_files: BTreeMap<String, Dossier>,
    /// Requests for missing pieces, oldest first.
    pub requests: Vec<jury_core::request::PieceRequest>,
    /// Everything the committee recorded, every lot and stage: the
    /// committee's picture is built from it for where the committee stands.
    pub records: jury_core::records::CommitteeData,
    /// False once every dossier is anonymised: retention has nothing left
    /// to ask for.
    pub personal_data: bool,
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
    /// Each dossier, with its compact JSON when the caller has it (the
    /// database's), else written again for its card.
    pub dossiers: Vec<(Dossier, Option<String>)>,
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
    /// Each dossier's current version (1 when absent).
    pub versions: HashMap<String, i64>,
    pub stale: Vec<jury_core::records::Stale>,
    pub pending_files: Vec<Dossier>,
    pub requests: Vec<jury_core::request::PieceRequest>,
    /// False once every dossier is anonymised (or there is none).
    pub personal_data: bool,
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
    // Pieces asked for and not received count too; the pane title is short.
    pub const TO_COMPLETE: Tr = Tr::new("à compléter", "to complete");
    pub const MINE: Tr = Tr::new("mes dossiers", "my dossiers");
    pub const REFERENCE: Tr = Tr::new("référence", "reference");
    pub const DATE_RECEIVED: Tr = Tr::new("date de réception", "date received");
    pub const TOTAL: Tr = Tr::new("total", "total");
    pub const STATUS: Tr = Tr::new("statut", "status");
}

impl State {
    pub fn new(mut init: Init) -> State {
        let rows = std::mem::take(&mut init.dossiers);
        let versions = std::mem::take(&mut init.versions);
        let parse = |(dossier, text): (Dossier, Option<String>)| {
            Ok::<_, std::convert::Infallible>(Source::parsed(dossier, text, &versions))
        };
        match State::new_with(init, rows, parse, |_| ()) {
            Ok(s) => s,
            Err(never) => match never {},
        }
    }

    /// [`new`], the dossiers of `init` followed by `rows`, each parsed by
    /// `parse` as its entry is made, a run of rows at a time on every core:
    /// the parsed trees are never alive together (they were most of the
    /// peak memory at 100 000 dossiers), and the parsing, most of the
    /// opening, is shared out. `rows` is taken on this thread (a database
    /// cursor) while the run before is parsed beside it: reading and
    /// parsing, each half of a reopening, overlap. The first row `parse`
    /// refuses stops it. Each entry is handed to `made` as it is taken,
    /// on this thread: the caller may leave its text where
    /// the dossiers are (see `tui::App::open`).
    ///
    /// [`new`]: State::new
    pub fn new_with<T: Send, E: Send>(
        mut init: Init,
        rows: impl IntoIterator<Item = T>,
        parse: impl Fn(T) -> Result<Source, E> + Sync,
        mut made: impl FnMut(&mut Entry),
    ) -> Result<State, E> {
        let maker = Maker::new(&init.call, &init.templates);
        let make = |source: Source| maker.make(source);
        let mut entries: Vec<Entry> = Vec::with_capacity(init.dossiers.len());
        let mut search = Index::new(SEARCH_FIELDS);
        let mut take = |(mut entry, hay): (Entry, Haystack)| {
            made(&mut entry);
            search.push(&hay);
            entries.push(entry);
        };
        std::mem::take(&mut init.dossiers)
            .into_iter()
            .map(|(dossier, text)| make(Source::parsed(dossier, text, &init.versions)))
            .for_each(&mut take);
        // Runs of rows, not all at once: each core's parsed trees are freed
        // before the next run (glibc's per-thread arenas keep what a thread
        // freed, so a single run at 100 000 had lifted the peak to 2,2 Go).
        // One run is parsed while the next is read.
        let mut rows = rows.into_iter();
        let (parse, make) = (&parse, &make);
        std::thread::scope(|scope| {
            let mut parsing = None;
            loop {
                let run: Vec<T> = rows.by_ref().take(PARSE_RUN).collect();
                if let Some(parsed) = parsing.take() {
                    let parsed: Vec<_> = std::thread::ScopedJoinHandle::join(parsed)
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                    for made in parsed {
                        take(made?);
                    }
                }
                if run.is_empty() {
                    return Ok(());
                }
                parsing = Some(scope.spawn(move || {
                    jury_core::par::map_owned(run, PARSE_RUN / 2, |row| parse(row).map(make))
                }));
            }
        })?;
        let (lot, call) = opening_call(&init.call);
        Ok(State::assemble(init, call, lot, entries, search))
    }

    /// The state a reopening shows from the entries and search index the
    /// last opening kept whole (`state::opening`), in the order [`new_with`]
    /// made them, dossiers stored since at the end (as a file read late
    /// joins the list: the views sort). `init.dossiers`, which only tests
    /// give, are not read: the kept entries are the whole batch.
    ///
    /// [`new_with`]: State::new_with
    pub fn from_kept(init: Init, mut entries: Vec<Entry>, search: Index) -> State {
        debug_assert!(init.dossiers.is_empty());
        let (lot, call) = opening_call(&init.call);
        // An opening shows the first lot; the picture may have been kept
        // while another lot was on screen (see `tui::App::keep_opening`):
        // each entry's standing is put back to its standing under the
        // first, which its entry holds.
        if lot.is_some() {
            for e in &mut entries {
                if let Some((standing, late)) = e.by_lot.first() {
                    e.eligibility = standing.clone();
                    e.late = *late;
                }
            }
        }
        State::assemble(init, call, lot, entries, search)
    }

    /// The state around its entries, made or read back.
    fn assemble(
        init: Init,
        call: Call,
        lot: Option<String>,
        entries: Vec<Entry>,
        search: Index,
    ) -> State {
        let lang = init.lang;
        let scores = score_map(init.scores);
        // Who scored last on this machine, offered when nobody is named.
        let input = match &init.reviewer {
            None => init.reviewer_hint.clone().unwrap_or_default(),
            Some(_) => String::new(),
        };
        let mode = if !init.report.is_empty() {
            Mode::Report { scroll: 0 }
        } else if init.reviewer.is_none() {
            crate::app::update::members::first_question(
                lang,
                &init.keymap,
                init.committee.members.is_empty(),
                &input,
            )
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
                audition_grid: call.audition.as_ref().map(|_| call.audition_grid()),
                call,
                whole: init.call,
                index: Places::of(&entries),
                entries,
                search,
                scores,
                committee: jury_core::committee::Committee::default(),
                templates: init.templates,
                letters: init.letters,
                territories: Vec::new(),
                report: init.report,
                stale: init.stale,
                pending_files: init
                    .pending_files
                    .into_iter()
                    .map(|d| (d.reference.clone(), d))
                    .collect(),
                requests: init.requests,
                records: jury_core::records::CommitteeData::default(),
                personal_data: init.personal_data,
            },
            reviewer: init.reviewer,
            screen: Screen::Dossiers,
            mode,
            input,
            who_note: None,
            status: None,
            quit: false,
            too_small: false,
            page: 10,
            dossiers: DossiersView {
                view: Vec::new(),
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
                progress_cache: Vec::new(),
                search: Default::default(),
                counts: Default::default(),
                ref_width: 10,
            },
            committee_view: CommitteeView {
                normalised: false,
                agenda: false,
                rows: Vec::new(),
                selected: 0,
                offer_promotion: None,
                coverage: Vec::new(),
                ref_width: 0,
                charts: Default::default(),
                prospects: Default::default(),
            },
            letters_view: LettersView {
                items: Vec::new(),
                selected: 0,
                preview: None,
                progress: None,
                convocations: Vec::new(),
            },
            assignment_view: AssignmentView::default(),
            timetable_view: TimetableView::default(),
        };
        // Each territory once, then sorted: a sorted set sorted all
        // 100 000 names first (a tenth of a reopening), for a few dozen.
        let territories: std::collections::HashSet<&str, foldhash::fast::RandomState> = s
            .batch
            .entries
            .iter()
            .filter_map(|e| e.dossier.territory.as_deref())
            .collect();
        let mut territories: Vec<String> = territories.into_iter().map(str::to_string).collect();
        territories.sort_unstable();
        s.batch.territories = territories;
        s.batch.records = init.committee;
        s.batch.committee.lot = lot;
        s.batch.committee.stage = jury_core::stage::Stage::current(
            &s.batch.call,
            &s.scoped_records(s.batch.committee.lot.as_deref()),
        );
        s.recompute();
        // Said in full at start; the header keeps a short reminder.
        s.status = s
            .retention_notice()
            .map(|text| Status { text, error: true });
        s
    }

    /// What the entries [`new_with`] makes depend on besides their
    /// dossiers: the Jury making them (`build`: its version, and what
    /// tells this build from another of the same version), the call as
    /// written, its letter templates (the fields letters need are « à
    /// compléter »), and the lot it opens on. Entries kept under another
    /// fingerprint are made again.
    ///
    /// [`new_with`]: State::new_with
    pub fn entries_fingerprint(
        build: &str,
        call: &Call,
        templates: &BTreeMap<String, String>,
    ) -> String {
        let call_text = serde_json::to_string(&call.raw).unwrap_or_default();
        let lot = call.lots.first().map_or("", |l| l.id.as_str());
        let mut all = format!(
            "{}\n{build}\n{}\n{call_text}\n{}\n{lot}\n",
            build.len(),
            call_text.len(),
            lot.len()
        );
        for (k, v) in templates {
            all.push_str(&format!("{}\n{k}\n{}\n{v}\n", k.len(), v.len()));
        }
        jury_core::sha256_hex(all.as_bytes())
    }

    /// Past the call's retention period on the state's `today`: what the
    /// status line says (see [`Call::retention_notice`]).
    pub fn retention_notice(&self) -> Option<String> {
        if !self.batch.personal_data {
            return None;
        }
        self.batch
            .call
            .retention_notice(self.env.today, self.env.lang)
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
            Mode::Normal if self.screen == Screen::Assignment => {
                vec![Context::Assignment, Context::Global]
            }
            Mode::Normal if self.screen == Screen::Timetable => {
                vec![Context::Timetable, Context::Global]
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
            Mode::Report { .. }
            | Mode::Attachments { .. }
            | Mode::History { .. }
            | Mode::Coverage { .. } => {
                vec![Context::Popup]
            }
            Mode::Form(_) => vec![Context::Form],
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
    /// Layout feedback from the last frame: page height and how far the
    /// dossier can scroll. The only state the renderer informs.
    pub fn apply_frame(&mut self, info: FrameInfo) {
        self.too_small = info.too_small;
        if info.page > 0 {
            self.page = info.page;
        }
        if info.list_rows > 0 {
            self.dossiers.list_rows = info.list_rows;
        }
        self.dossiers.dossier_scroll = self.dossiers.dossier_scroll.min(info.dossier_max_scroll);
        self.scroll_list();
    }
    /// Rebuilds aggregates, ranking and the committee rows from memory.
    pub fn recompute(&mut self) {
        let scores: BTreeMap<(String, String, String), f64> = self
            .batch
            .scores
            .iter()
            .filter_map(|(k, v)| v.value.map(|x| (k.clone(), x)))
            .collect();
        let dossiers: Vec<&Entry> = self.batch.entries.iter().collect();
        // A dossier the reviewer gave no score has the progress of none:
        // worked out once, not by looking up every criterion of 100 000.
        let me = self.reviewer.as_deref();
        let touched: std::collections::HashSet<&str> = scores
            .keys()
            .filter(|(_, member, _)| Some(member.as_str()) == me)
            .map(|(reference, _, _)| reference.as_str())
            .collect();
        let blank = self.progress_of(&Default::default());
        let progress = dossiers
            .iter()
            .map(|d| match touched.contains(d.reference()) {
                true => self.compute_progress(d.reference()),
                false => blank,
            })
            .collect();
        self.dossiers.progress_cache = progress;
        let basis = self.batch.committee.basis;
        let scope = jury_core::lot::Scope {
            stage: self.batch.committee.stage,
            lot: self.batch.committee.lot.clone(),
        };
        self.batch.committee = jury_core::committee::Committee::build_scope(
            &self.batch.call,
            &scope,
            &dossiers,
            &scores,
            self.batch.records.clone(),
            basis,
        );
        self.refresh_committee_view();
        self.refresh_letters();
        self.refresh_view();
    }

    /// After one dossier's scores changed: that dossier's aggregate,
    /// progress and place in the ranking, and the views that read them;
    /// the same state as [`recompute`] (a test holds them equal), without
    /// reading every dossier again. Falls back on `recompute` where the
    /// picture cannot move one dossier alone (the audition stage).
    ///
    /// [`recompute`]: State::recompute
    pub fn rescore(&mut self, reference: &str) {
        let Some(i) = self.entry_index(reference) else {
            return;
        };
        let from = (reference.to_string(), String::new(), String::new());
        let scores: BTreeMap<(String, String, String), f64> = self
            .batch
            .scores
            .range(from..)
            .take_while(|((r, _, _), _)| r == reference)
            .filter_map(|(k, v)| v.value.map(|x| (k.clone(), x)))
            .collect();
        let before = self.batch.committee.aggregates.get(i).cloned();
        let before_total = self.prospect_total(i);
        let basis = self.batch.committee.basis;
        let official = |a: Option<&jury_core::aggregate::DossierAggregate>| {
            a.and_then(|a| a.official(basis)).is_some()
        };
        let scored_before = official(before.as_ref());
        let batch = &mut self.batch;
        // The grid the picture was built on: the dossiers' (the audition
        // stage is rebuilt whole).
        let moved = batch
            .committee
            .rescore(&batch.call, i, &batch.entries[i], &scores);
        if !moved {
            self.recompute();
            return;
        }
        // The charts move by this dossier's change alone.
        if let (Some(before), Some(now)) = (before, self.batch.committee.aggregates.get(i)) {
            let charts = &mut self.committee_view.charts;
            charts.count(&self.batch.call, basis, &before, -1);
            charts.count(&self.batch.call, basis, now, 1);
        }
        // So do the prospects, unless this dossier held the best total
        // and lost it, or the only official total: then counted again.
        let now_total = self.prospect_total(i);
        let scored_now = official(self.batch.committee.aggregates.get(i));
        let p = &mut self.committee_view.prospects;
        let lost_best =
            before_total.is_some() && before_total == p.best && now_total < before_total;
        if lost_best || (scored_before && !scored_now) {
            self.committee_view.prospects = self.prospects();
        } else {
            p.any_scored |= scored_now;
            if let Some(t) = now_total
                && p.best.is_none_or(|b| t > b)
            {
                p.best = Some(t);
            }
        }
        let progress = self.compute_progress(reference);
        let was = self
            .dossiers
            .progress_cache
            .get_mut(i)
            .map(|p| std::mem::replace(p, progress));
        // The header's counts move by this dossier's change alone.
        let scored = |p: Option<Progress>| p == Some(Progress::Scored);
        let step = match (scored(was), scored(Some(progress))) {
            (false, true) => Some(true),
            (true, false) => Some(false),
            _ => None,
        };
        let mine = self
            .reviewer
            .as_deref()
            .is_some_and(|me| self.batch.committee.is_assigned(reference, me));
        let in_scope = self.in_scope(i);
        let counts = &mut self.dossiers.counts;
        for (counted, n) in [
            (in_scope, &mut counts.scored),
            (mine, &mut counts.mine_done),
        ] {
            match step {
                Some(true) if counted => *n += 1,
                Some(false) if counted => *n = n.saturating_sub(1),
                _ => {}
            }
        }
        // Coverage and letters read decisions (and the snapshots closed
        // sessions froze), which a score does not change.
        self.refresh_committee_rows();
        // The list moves only when what it shows or sorts by reads scores.
        let reads_scores = matches!(
            self.dossiers.list_filter,
            ListFilter::ToScore | ListFilter::Contested
        ) || matches!(self.dossiers.sort, SortKey::Total | SortKey::Status);
        if reads_scores {
            self.refresh_view();
        }
    }

    pub fn set_committee_data(&mut self, data: jury_core::records::CommitteeData) {
        self.batch.records = data;
        self.recompute();
    }

    /// The records of `lot` (every record in a call without lots).
    pub fn scoped_records(&self, lot: Option<&str>) -> jury_core::records::CommitteeData {
        match lot {
            Some(lot) => self.batch.records.of_lot(lot),
            None => self.batch.records.clone(),
        }
    }

    /// The lot the screens show, in a call with lots.
    pub fn lot(&self) -> Option<&jury_core::lot::Lot> {
        self.batch
            .committee
            .lot
            .as_deref()
            .and_then(|id| self.batch.whole.lot(id))
    }

    /// Whether the dossier at `i` is a candidate where the committee
    /// stands: it answers the current lot and, at the audition stage, was
    /// convened.
    pub fn in_scope(&self, i: usize) -> bool {
        let e = &self.batch.entries[i];
        if let Some(lot) = &self.batch.committee.lot
            && !e.lots.contains(lot)
        {
            return false;
        }
        match &self.batch.committee.finals {
            Some(f) => f.convened.contains(&e.dossier.reference),
            None => true,
        }
    }

    /// The entry of a reference.
    pub fn entry_index(&self, reference: &str) -> Option<usize> {
        self.batch.index.get(&self.batch.entries, reference)
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

    /// Takes the stored dossiers in: those whose content or version changed
    /// are read again (eligibility, search, what is still to complete).
    pub fn replace_dossiers(&mut self, dossiers: Vec<(Dossier, i64)>) {
        let mut changed = false;
        let wanted = jury_core::completion::Wanted::new(&self.batch.call, &self.batch.templates);
        let lot_calls = lot_calls(&self.batch.whole);
        for (d, version) in dossiers {
            let Some(i) = self.batch.index.get(&self.batch.entries, &d.reference) else {
                // A file that arrived late: a new entry, at the end (the
                // view sorts).
                let entry = Entry::new(&self.batch.call, &lot_calls, &wanted, d, None, version);
                self.take_territory(entry.dossier.territory.as_deref());
                self.batch.search.push(&entry.haystack());
                self.batch.entries.push(entry);
                self.batch.index.add_last(&self.batch.entries);
                changed = true;
                continue;
            };
            let entry = &self.batch.entries[i];
            if entry.dossier.hash != d.hash || entry.version != version {
                self.batch.entries[i] =
                    Entry::new(&self.batch.call, &lot_calls, &wanted, d, None, version);
                self.batch.search.set(i, &self.batch.entries[i].haystack());
                changed = true;
            }
        }
        if changed {
            self.dossiers.progress_cache.clear();
            self.refresh_view();
        }
    }

    /// A new dossier's territory into the zone filter's sorted list, the
    /// zone being filtered on kept.
    fn take_territory(&mut self, territory: Option<&str>) {
        let Some(t) = territory else {
            return;
        };
        let known = &mut self.batch.territories;
        if let Err(at) = known.binary_search_by(|k| k.as_str().cmp(t)) {
            known.insert(at, t.to_string());
            if let ListFilter::Zone(z) = &mut self.dossiers.list_filter
                && *z >= at
            {
                *z += 1;
            }
        }
    }

    /// The latest request for missing pieces on `reference`.
    pub fn request_of(&self, reference: &str) -> Option<&jury_core::request::PieceRequest> {
        self.batch
            .requests
            .iter()
            .rev()
            .find(|r| r.reference == reference)
    }

    /// What changed in `reference` since the active member scored it.
    pub fn stale_for_me(&self, reference: &str) -> Option<&jury_core::records::Stale> {
        let me = self.reviewer.as_deref()?;
        self.batch
            .stale
            .iter()
            .find(|x| x.reference == reference && x.member == me)
    }

    /// The grid the current stage scores on: the dossiers' or the audition's.
    pub fn grid(&self) -> &Call {
        match (self.batch.committee.stage, &self.batch.audition_grid) {
            (jury_core::stage::Stage::Audition, Some(grid)) => grid,
            _ => &self.batch.call,
        }
    }

    pub fn is_chair(&self) -> bool {
        self.role() == Some(Role::Chair)
    }

    pub fn may_decide(&self) -> bool {
        matches!(self.role(), Some(Role::Chair | Role::Secretary))
    }
}
