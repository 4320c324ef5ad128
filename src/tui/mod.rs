//! The runtime: opens a call, turns key presses into actions, runs `update`,
//! carries out its effects (one transaction each), and draws.

pub mod keys;
pub mod open;
pub mod secret;

use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::state::FrameInfo;
use crate::app::state::imported::Imported;
use crate::app::state::{HistoryLine, Init, Mode, Source, State};
use crate::app::update::{Change, Effect, Msg, Outcome, Reload, update};
use crate::io::{import, produce};
use crate::store::versions::Origin;
use crate::store::{Store, StoreError};
use crate::ui;
use jury_core::fr::Lang;
use jury_core::json::Diag;
use open::Opener;
use ratatui::crossterm::event::{self, Event, KeyEvent, KeyModifiers};
use ratatui::{Terminal, backend::Backend};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Options {
    pub call_dir: PathBuf,
    pub db: Option<PathBuf>,
    pub reviewer: Option<String>,
    pub keymap: Option<PathBuf>,
    pub lang: Lang,
    pub color: bool,
    /// Where letters, minutes and packets go; by default
    /// `~/Documents/Jury/<call>`.
    pub letters_dir: Option<PathBuf>,
}

#[derive(Debug)]
pub enum StartError {
    /// `appel.json` is unusable.
    Call(Vec<Diag>),
    Keymap(Vec<Diag>),
    Store(StoreError),
    /// The passphrase could not be read.
    Secret(secret::SecretError),
    NoDataDir,
    /// `--as` named nobody of the committee: the question or the refusal.
    NotMember {
        typed: String,
        found: jury_core::names::Found,
        members: Vec<String>,
    },
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Call(d) | StartError::Keymap(d) => {
                for x in d {
                    writeln!(f, "{x}")?;
                }
                Ok(())
            }
            StartError::Store(e) => write!(f, "{e}"),
            StartError::Secret(e) => write!(f, "{e}"),
            StartError::NoDataDir => write!(
                f,
                "dossier de données de l'utilisateur introuvable : indiquez où ranger la base avec --db FICHIER"
            ),
            StartError::NotMember { .. } => write!(f, "{}", self.message(Lang::Fr)),
        }
    }
}

impl StartError {
    /// The store's errors in `lang`; the call's and the keymap's diagnostics
    /// are French, like every diagnostic.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            StartError::Store(e) => e.message(lang),
            StartError::Secret(e) => e.message(lang),
            StartError::NotMember {
                typed,
                found,
                members,
            } => jury_core::names::refusal(typed, found, members.iter().map(String::as_str), lang),
            other => other.to_string(),
        }
    }
}

pub struct App {
    pub state: State,
    pub store: Store,
    opener: Opener,
    /// Letters being produced, one batch per loop turn so the screen shows progress.
    job: Option<LetterJob>,
    /// The call folder being read beside the app, on a reopening: what it
    /// brings (a file arrived late, one changed, one that has problems)
    /// is taken in once read (see [`App::poll_folder`]).
    folder: Option<FolderCheck>,
    /// What the opening shows, still to keep for the next: written once
    /// the first frame is up and no key waits, not before it (a quarter
    /// of a second at 100 000 dossiers), or when the app goes.
    keep: Option<Keep>,
}

/// An app that goes before it kept what its opening shows (quit at once,
/// or driven without the event loop) keeps it then.
impl Drop for App {
    fn drop(&mut self) {
        self.keep_opening();
    }
}

/// The reading of the call folder's dossier files started at a reopening.
type FolderCheck = std::sync::mpsc::Receiver<Result<import::CallFolder, StoreError>>;

struct LetterJob {
    writer: produce::Writer,
    total: usize,
    failed: Vec<String>,
}

/// Hands the allocator's free pages back to the system. glibc keeps what
/// a thread freed in that thread's arena, where the other core's
/// allocations (half the entries, see `State::new_with`) never reuse it:
/// the cards of a first import, freed before the state is built, stayed
/// resident and lifted the peak. The executable allocates with mimalloc
/// (`main.rs`), which reuses across threads what they free: there, this
/// gives back what SQLite, which allocates with the C library, freed.
fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointer and only releases free memory.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// From this size on disk (about 5 000 dossiers), a base opened is a large
/// call's: the allocator keeps what is freed for the steps that follow
/// (see `alloc`).
const LARGE_BASE: u64 = 32 << 20;

/// This Jury: its version, and the size and time of its executable, so
/// that a rebuild of the same version (a developer's, a distribution's
/// patched one) does not read entries an earlier build made, whose
/// verdicts its rules might not give. Without the executable's size and
/// time (it cannot be looked at), the version alone, and `stamped` false.
struct Build {
    text: String,
    stamped: bool,
}

fn build() -> Build {
    let exe = std::env::current_exe().and_then(std::fs::metadata);
    let stamp = exe.ok().and_then(|m| {
        let at = m
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        Some(format!("{} {}", m.len(), at.as_nanos()))
    });
    Build {
        stamped: stamp.is_some(),
        text: format!(
            "jury {} {}",
            env!("CARGO_PKG_VERSION"),
            stamp.unwrap_or_default()
        ),
    }
}

/// Why a stored dossier stopped an opening: the database failed while
/// reading it, or its row cannot be read (its reference).
enum Unread {
    Store(StoreError),
    Dossier(String),
}

/// The picture an opening reads is kept anew once more than one row in
/// this many has changed since it was kept: until then, making those few
/// entries again at each opening costs less than writing the whole
/// picture again (250 ms at 100 000 dossiers, where one row changed costs
/// well under a millisecond to mend).
const MEND_PER_KEEP: usize = 256;

/// A stored dossier as the state takes it: parsed, with its text.
/// Err(reference) when the row cannot be read.
fn source(row: crate::store::StoredDossier) -> Result<Source, String> {
    let version = row.version;
    row.parse().map(|(dossier, text)| Source {
        dossier,
        text: Some(text),
        version,
    })
}

/// The state made from the stored dossiers, each parsed while the next
/// are read; one that cannot be read stops the opening. Each entry leaves
/// its text in the base, as a reopening's entries do: at a first opening
/// of 100 000 dossiers, holding them all was 170 Mo, most of its peak.
/// With it, when `keep_whole`, the mark under which what the opening
/// shows is to be kept for the next (see [`App::keep_opening`]).
fn made_again(
    store: &mut Store,
    init: Init,
    keeper: &Arc<dyn jury_core::dossier::TextKeeper>,
    keep_whole: bool,
) -> Result<(State, Option<i64>), StartError> {
    // Changes noted until now are in the rows read below; any noted
    // while they are read stays noted (see `Store::keep_opening`). A
    // mark that cannot be read keeps every note: the next opening only
    // mends again what it has.
    let mark = store.changed_mark().unwrap_or(0);
    let made = store
        .with_stored_dossiers(|rows| {
            State::new_with(
                init,
                rows,
                |row| match row {
                    Ok(row) => source(row).map_err(Unread::Dossier),
                    Err(e) => Err(Unread::Store(e)),
                },
                |entry| entry.dossier.leave_text_with(Arc::clone(keeper)),
            )
        })
        .map_err(StartError::Store)?;
    let state = made.map_err(|unread| match unread {
        Unread::Store(e) => StartError::Store(e),
        Unread::Dossier(reference) => StartError::Store(store.unreadable(&reference)),
    })?;
    Ok((state, keep_whole.then_some(mark)))
}

/// What an opening shows, to keep for the next once its first frame is
/// drawn (see [`App::keep_opening`]): the opening's fingerprint, and the
/// mark of the changes its entries hold.
struct Keep {
    fingerprint: String,
    mark: i64,
}

/// The state of a first opening, from the entries made while its import
/// stored the dossiers, when they are the stored ones (see
/// `state::imported`); otherwise made from the rows. To keep for the next
/// opening either way, as [`made_again`] says.
fn first_state(
    store: &mut Store,
    init: Init,
    imported: Imported,
    added: usize,
    keeper: &Arc<dyn jury_core::dossier::TextKeeper>,
    keep_whole: bool,
) -> Result<(State, Option<i64>), StartError> {
    let mark = store.changed_mark().unwrap_or(0);
    let stored = store.dossier_count().map_err(StartError::Store)?;
    match imported.into_state(init, stored, added) {
        Ok(state) => Ok((state, keep_whole.then_some(mark))),
        Err(init) => made_again(store, *init, keeper, keep_whole),
    }
}

/// Starts reading the call folder's dossier files on a thread of its own,
/// skipping those the database holds as they are (see
/// `io::import::read_folder_known`).
fn read_folder_beside(
    reader: crate::store::FolderReader,
    dir: PathBuf,
    call: jury_core::call::Call,
) -> FolderCheck {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let read = reader
            .known()
            .map(|known| import::read_folder_known(&dir, call, &known));
        // The app gone (quit meanwhile), nobody waits for it.
        let _ = tx.send(read);
    });
    rx
}

/// Where the TUI writes letters: a visible folder, `~/Documents/Jury/<call>`.
pub fn letters_dir(call_id: &str) -> PathBuf {
    dirs::document_dir()
        .or_else(dirs::home_dir)
        .unwrap_or_else(|| PathBuf::from("."))
        .join("Jury")
        .join(call_id)
}

impl App {
    /// Opens a clear call, or an encrypted one asking its passphrase.
    pub fn open(opts: Options) -> Result<App, StartError> {
        App::open_with(opts, &secret::Source::default())
    }

    /// Opens a call, the passphrase (if the database is encrypted, or is
    /// created encrypted) obtained from `secret` before the screen is taken.
    pub fn open_with(opts: Options, secret: &secret::Source) -> Result<App, StartError> {
        let call = import::read_call(&opts.call_dir).map_err(StartError::Call)?;
        let mut files: Vec<PathBuf> = keys::user_keymap_path().into_iter().collect();
        files.extend(opts.keymap.clone());
        let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
        let keymap = keys::load_keymap(&refs).map_err(StartError::Keymap)?;
        let db = match opts.db {
            Some(p) => p,
            None => crate::store::default_path(&call.id).ok_or(StartError::NoDataDir)?,
        };
        let key = secret
            .for_open(&db, opts.lang)
            .map_err(StartError::Secret)?;
        if secret.encrypt && key.is_none() {
            // `--encrypt` on a database that already exists in clear.
            return Err(StartError::Store(StoreError::NotEncrypted(db)));
        }
        let mut store = Store::open_with(&db, key.as_ref()).map_err(StartError::Store)?;
        // A reopening shows what the database holds at once and reads the
        // folder's dossier files beside it (at 100 000 dossiers, looking
        // at every file took 1,7 s before the first frame); a first
        // opening has nothing to show before the import.
        let reopening = store.holds_dossiers().map_err(StartError::Store)?;
        if reopening && std::fs::metadata(&db).is_ok_and(|m| m.len() >= LARGE_BASE) {
            crate::alloc::expect_large_call();
        }
        let keeper: Arc<dyn jury_core::dossier::TextKeeper> = store.text_reader();
        let (call, templates, report, pending_files, imported) = if reopening {
            let (templates, _) = crate::io::files::read_overrides(&opts.call_dir);
            import::sync_head(&mut store, &opts.call_dir, &call, &templates)
                .map_err(StartError::Store)?;
            (call, templates, Vec::new(), Vec::new(), None)
        } else {
            // Stored run by run as the files are read: the dossiers are
            // never all held at once (see `import::stream_into`). Their
            // entries are made beside the storing.
            let (templates, _) = crate::io::files::read_overrides(&opts.call_dir);
            let mut imported = Imported::new(&call, &templates, Arc::clone(&keeper));
            let beside = |run: &[_], to_come| imported.take(run, to_come);
            let (folder, sync) = store
                .in_bulk(|store| import::stream_into(&opts.call_dir, call, store, beside))
                .map_err(StartError::Store)?;
            let crate::io::import::CallFolder {
                call,
                templates,
                diags,
                files: records,
                ..
            } = folder;
            drop(records);
            if sync.added > 0 {
                give_back_freed_memory();
            }
            let mut report = diags;
            report.extend(sync.changed);
            let imported = (imported, sync.added);
            (call, templates, report, sync.pending, Some(imported))
        };
        let stale = store.stale_scores().map_err(StartError::Store)?;
        let requests = store.piece_requests().map_err(StartError::Store)?;
        // Entries kept by the last opening under the same call and
        // templates are not made again (see `store/opening.rs`); those
        // made here are kept for the next.
        let build = build();
        let fingerprint = State::entries_fingerprint(&build.text, &call, &templates);
        let scores = store.load_scores().map_err(StartError::Store)?;
        let hint = store.meta("last_reviewer").map_err(StartError::Store)?;
        let committee = store.load_committee().map_err(StartError::Store)?;
        let letters = store.letters().map_err(StartError::Store)?;
        let convocations = store.convocations().map_err(StartError::Store)?;
        let letters_dir = opts.letters_dir.unwrap_or_else(|| letters_dir(&call.id));
        // `--as` names a member, or nobody: a name is never added from here.
        let reviewer = match &opts.reviewer {
            Some(typed) if !committee.members.is_empty() => {
                let members: Vec<String> = committee.members.iter().map(|m| m.0.clone()).collect();
                match jury_core::names::find(typed, members.iter().map(String::as_str)) {
                    jury_core::names::Found::Member(name) => {
                        store
                            .set_meta("last_reviewer", &name)
                            .map_err(StartError::Store)?;
                        Some(name)
                    }
                    found => {
                        return Err(StartError::NotMember {
                            typed: typed.clone(),
                            found,
                            members,
                        });
                    }
                }
            }
            _ => None,
        };
        // A committee still to set up: the name given is its first line.
        let hint = match (&opts.reviewer, committee.members.is_empty()) {
            (Some(typed), true) => jury_core::names::normalize(typed).or(hint),
            _ => hint,
        };
        let personal_data = store.holds_personal_data().map_err(StartError::Store)?;
        let init = Init {
            lang: opts.lang,
            color: opts.color,
            call,
            call_dir: Some(opts.call_dir.clone()),
            db_path: db.display().to_string(),
            keymap,
            dossiers: Vec::new(),
            scores,
            reviewer,
            reviewer_hint: hint,
            report,
            committee,
            templates,
            letters,
            letters_dir,
            today: today(),
            // Each stored row comes with its version (see `source`).
            versions: Default::default(),
            stale,
            pending_files,
            requests,
            personal_data,
        };
        // What the last opening showed, kept whole when no dossier has
        // changed since (see `store/opening.rs`): a cache, so a part that
        // cannot be read is as if none were kept. Its layout is that of
        // the build that wrote it, fields unnamed: without this build's
        // stamp, another build of the same version could have written it,
        // and it is neither read nor kept.
        let kept = match reopening && build.stamped {
            true => store
                .with_kept_opening(&fingerprint, |parts| {
                    crate::app::state::opening::read(parts, &keeper)
                })
                .ok()
                .flatten()
                .flatten(),
            false => None,
        };
        // The rows changed since it was kept (a correction, a version
        // accepted, a file read late) are made again into it, at each
        // opening until they are many (see `MEND_PER_KEEP`), when it is
        // kept anew; a row gone or that no longer reads, and every entry
        // is made again (which says which row, when one does not read).
        let kept = kept.and_then(|(mut entries, mut search)| {
            let changed = store.changed_since_kept().ok()?;
            let keep_anew = changed.rows.len() * MEND_PER_KEEP > entries.len();
            let sources = changed
                .rows
                .into_iter()
                .map(|(_, row)| source(row?).ok())
                .collect::<Option<Vec<Source>>>()?;
            crate::app::state::opening::mend(&mut entries, &mut search, sources, &init, &keeper);
            Some((entries, search, keep_anew.then_some(changed.mark)))
        });
        let (mut state, keep_at) = match kept {
            Some((entries, search, keep_anew)) => {
                (State::from_kept(init, entries, search), keep_anew)
            }
            None => match imported {
                Some((imported, added)) => {
                    first_state(&mut store, init, imported, added, &keeper, build.stamped)?
                }
                None => made_again(&mut store, init, &keeper, build.stamped)?,
            },
        };
        // The dossier on screen holds its text, read on the store's own
        // connection, so the first frame does not wait for the reader's
        // (an encrypted database derives its key at each connection);
        // that one is opened meanwhile, before the first key is pressed.
        if let Some(i) = state.current_index()
            && let Some(text) = store
                .dossier_text(&state.batch.entries[i].dossier.reference)
                .ok()
                .flatten()
        {
            let card = &mut state.batch.entries[i].dossier;
            *card = card.clone().with_text(text);
        }
        // Only when some card leaves its text in the base, which every
        // card but the one on screen does unless the base is empty.
        if state.batch.entries.iter().any(|e| !e.dossier.holds_text()) {
            std::thread::spawn(move || keeper.text(""));
        }
        state.letters_view.convocations = convocations;
        let created = store.created();
        let folder = reopening.then(|| {
            read_folder_beside(
                store.folder_reader(),
                opts.call_dir.clone(),
                state.batch.whole.clone(),
            )
        });
        let mut app = App {
            state,
            store,
            opener: Box::new(open::with_system_viewer),
            job: None,
            folder,
            keep: keep_at.map(|mark| Keep { fingerprint, mark }),
        };
        // A mistyped --db or a moved file must not pass for an empty call.
        if created {
            app.send(Outcome::DatabaseCreated(db));
        }
        Ok(app)
    }

    /// Replaces the system viewer (tests use this to see what would open).
    pub fn set_opener(&mut self, opener: Opener) {
        self.opener = opener;
    }

    /// Runs one action and carries out what it asks, before anything is drawn.
    pub fn dispatch(&mut self, action: Action) {
        self.send(action);
    }

    /// Hands a message to `update`, carries out each effect it returns and
    /// hands each result back, in order: the state changes nowhere else.
    pub fn send(&mut self, msg: impl Into<Msg>) {
        for effect in update(&mut self.state, msg) {
            for outcome in self.run(effect) {
                self.send(outcome);
            }
        }
    }

    /// Pasted text goes into the field being edited, line breaks as spaces.
    pub fn paste(&mut self, text: &str) {
        if !matches!(
            self.state.mode,
            Mode::Filter | Mode::Comment | Mode::AskReviewer | Mode::Form(_)
        ) {
            return;
        }
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for c in flat.chars().filter(|c| !c.is_control()) {
            self.dispatch(Action::Insert(c));
        }
    }

    /// A key press, through the live keymap.
    pub fn press(&mut self, key: KeyEvent) {
        let contexts = self.state.contexts();
        let bound = keys::key_of(&key).and_then(|k| self.state.env.keymap.resolve(&contexts, k));
        match bound {
            Some(a) => self.dispatch(a),
            None => {
                if matches!(contexts.as_slice(), [Context::Input] | [Context::Form])
                    && let event::KeyCode::Char(c) = key.code
                    && !key
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                {
                    self.dispatch(Action::Insert(c));
                }
            }
        }
    }

    /// Carries out one effect; what came of it goes back to `update`.
    fn run(&mut self, effect: Effect) -> Vec<Outcome> {
        let lang = self.state.env.lang;
        match effect {
            Effect::SaveScore { row, before } => match self.store.save_score(&row) {
                Ok(()) => Vec::new(),
                Err(e) => vec![Outcome::ScoreNotSaved {
                    reference: row.reference,
                    member: row.member,
                    criterion: row.criterion,
                    before,
                    error: e.message(lang),
                }],
            },
            Effect::SetReviewer(name) => {
                // `update` chose a member of the committee: only remembered here.
                let r = self.store.set_meta("last_reviewer", &name);
                vec![match r {
                    Ok(()) => Outcome::ReviewerSet(name),
                    Err(e) => Outcome::ReviewerRefused(e.message(lang)),
                }]
            }
            Effect::Committee(change) => {
                let dossiers = change.touches_dossier();
                let written = match self.write(&change) {
                    Ok(undone) => Outcome::Written { change, undone },
                    Err(e) => Outcome::NotWritten(e.message(lang)),
                };
                vec![written, self.reload_with(dossiers)]
            }
            Effect::Letters { only, on, redate } => {
                self.start_letters(only.as_deref(), produce::Signing { on, redate })
            }
            Effect::ExportPacket => self.export_packet().into_iter().collect(),
            Effect::ImportPacket(path) => vec![self.import_packet(&path), self.reload()],
            Effect::FindPackets => {
                let found = crate::io::find::packets(
                    &self.state.env.letters_dir,
                    self.state.env.call_dir.as_deref(),
                );
                vec![Outcome::PacketsFound(
                    found
                        .into_iter()
                        .map(|p| {
                            let label = packet_label(&p, self.state.env.lang);
                            (p.display().to_string(), label)
                        })
                        .collect(),
                )]
            }
            Effect::Convocations => {
                let me = self.state.reviewer.clone().unwrap_or_default();
                let dir = self.state.env.letters_dir.clone();
                let produced = crate::io::convene::produce(
                    &mut self.store,
                    &dir,
                    None,
                    lang,
                    &me,
                    chrono::Utc::now(),
                );
                vec![match produced {
                    Ok(report) => match self.store.convocations() {
                        Ok(convocations) => Outcome::ConvocationsWritten {
                            summary: report.summary(lang),
                            dir,
                            convocations,
                        },
                        Err(e) => Outcome::Failed(e.message(lang)),
                    },
                    Err(errors) => Outcome::Failed(
                        errors
                            .iter()
                            .map(|e| e.message(lang))
                            .collect::<Vec<_>>()
                            .join(" ; "),
                    ),
                }]
            }
            Effect::Minutes => {
                let result = produce::load_parts(&self.store).and_then(|parts| {
                    produce::write_minutes_parts(
                        &self.store,
                        &parts,
                        &self.state.env.letters_dir,
                        None,
                    )
                });
                vec![match result {
                    Ok(files) => Outcome::MinutesWritten {
                        count: files.len() / 2,
                        dir: self.state.env.letters_dir.clone(),
                    },
                    Err(e) => Outcome::Failed(e.message(lang)),
                }]
            }
            Effect::RequestPieces {
                reference,
                missing,
                due,
                on,
            } => vec![
                self.request_pieces(&reference, &missing, due, on),
                self.reload(),
            ],
            Effect::LoadHistory(reference) => vec![match self.store.history(&reference) {
                Ok(events) => Outcome::History {
                    reference,
                    lines: events.into_iter().map(HistoryLine::from).collect(),
                },
                Err(e) => Outcome::Failed(e.message(lang)),
            }],
            Effect::Open(path) => match (self.opener)(&path) {
                Ok(()) => Vec::new(),
                Err(e) => vec![Outcome::Failed(e.message(lang))],
            },
        }
    }

    /// Records a request for missing pieces, then writes its letter.
    fn request_pieces(
        &mut self,
        reference: &str,
        missing: &[String],
        due: chrono::NaiveDate,
        on: chrono::NaiveDate,
    ) -> Outcome {
        let lang = self.state.env.lang;
        let me = self.state.reviewer.clone().unwrap_or_default();
        let done = (|| {
            let request = self
                .store
                .request_pieces(&me, reference, missing, due, on)?;
            let dossier = self.store.dossier(reference)?.ok_or_else(|| {
                produce::ProduceError::UnknownDossier {
                    typed: reference.to_string(),
                    close: Vec::new(),
                }
            })?;
            produce::write_request(
                &self.state.batch.call,
                &dossier,
                &request,
                &self.state.env.letters_dir,
            )
        })();
        match done {
            Ok(files) => Outcome::PiecesRequested {
                reference: reference.to_string(),
                pdf: files.into_iter().next().unwrap_or_default(),
            },
            Err(e) => Outcome::Failed(e.message(lang)),
        }
    }

    /// Writes a committee change; for an undo, what it undid.
    fn write(&mut self, change: &Change) -> Result<Option<String>, StoreError> {
        let me = self.state.reviewer.clone().unwrap_or_default();
        match change {
            Change::Conflict {
                reference,
                member,
                declared,
                reason,
            } => self
                .store
                .set_conflict(&me, reference, member, *declared, reason),
            Change::Override { reference, verdict } => self.store.set_override(
                &me,
                reference,
                verdict.as_ref().map(|(ok, j)| (*ok, j.as_str())),
            ),
            Change::Consensus {
                reference,
                criterion,
                value,
            } => self.store.set_consensus(&me, reference, criterion, *value),
            Change::OpenSession {
                date,
                present,
                scope,
            } => self
                .store
                .open_session(&me, date, present, scope)
                .map(|_| ()),
            Change::CloseSession(id) => self.store.close_session(&me, *id),
            Change::Validation(v) => self.store.record_validation(&me, v),
            Change::Absence { reference, absent } => {
                self.store.set_absence(&me, reference, *absent)
            }
            Change::Decision {
                session,
                draft,
                without_quorum,
                guarded,
            } => self
                .store
                .record_decision(&me, *session, draft, *without_quorum, *guarded),
            Change::Outcome {
                session,
                unsuccessful,
                motivation,
            } => self
                .store
                .record_outcome(&me, *session, *unsuccessful, motivation),
            Change::Withdrawal {
                reference,
                lot,
                received_on,
                channel,
            } => self
                .store
                .record_withdrawal(&me, reference, lot.as_deref(), received_on, channel),
            Change::Promote(p) => self.store.promote(
                &me,
                &p.withdrawn,
                p.session,
                &p.draft,
                &p.moved,
                p.without_quorum,
                p.guarded,
            ),
            Change::AddMember { name, role } => self.store.add_member(&me, name, *role),
            Change::SetUpCommittee { me, members } => self
                .store
                .set_up_committee(me, members)
                .and_then(|()| self.store.set_meta("last_reviewer", me)),
            Change::ResolveMerge { id, take_incoming } => {
                self.store.resolve_merge_conflict(&me, *id, *take_incoming)
            }
            Change::LetterSent {
                reference,
                decision_id,
                channel,
                date,
            } => self
                .store
                .mark_sent(&me, reference, *decision_id, channel, date),
            Change::LetterAcknowledged {
                reference,
                decision_id,
                date,
            } => self
                .store
                .mark_acknowledged(&me, reference, *decision_id, date),
            Change::EditDossier { reference, content } => self
                .store
                .new_version(&me, reference, content, Origin::Edit)
                .map(|_| ()),
            Change::AcceptFile { reference, content } => self
                .store
                .new_version(&me, reference, content, Origin::File)
                .map(|_| ()),
            Change::Undo => return self.store.undo_last(&me).map(Some),
            Change::Assign {
                reference,
                member,
                assigned,
            } => self.store.set_assignment(&me, reference, member, *assigned),
            Change::Propose {
                pairs,
                per_dossier,
                cap,
            } => self
                .store
                .apply_proposal(&me, pairs, *per_dossier, *cap)
                .map(|_| ()),
            Change::ProposeSchedule(slots) => self.store.propose_schedule(&me, slots),
            Change::MoveSlot(slot) => self.store.move_slot(&me, slot),
            Change::SwapSlots(a, b) => self.store.swap_slots(&me, a, b),
            Change::FixSlot { reference, fixed } => {
                self.store.set_slot_fixed(&me, reference, *fixed)
            }
            Change::Unavailable(u) => self.store.record_unavailable(&me, u),
        }
        .map(|()| None)
    }

    /// Re-reads scores, committee records and letters after a change: the
    /// screen shows what the database holds.
    pub fn reload(&mut self) -> Outcome {
        self.reload_with(false)
    }

    /// Like [`reload`](Self::reload), the dossiers too when `dossiers`.
    fn reload_with(&mut self, dossiers: bool) -> Outcome {
        let fresh = (|| {
            let dossiers = if dossiers {
                // Only the dossiers whose stored text or version is not the
                // entry's are parsed: a correction brings one dossier back,
                // not 100 000 whole (a gigabyte of trees).
                // A dossier the state does not hold yet (a file arrived
                // late) is brought in whole.
                let state = &self.state;
                let differs = |row: &crate::store::StoredDossier| {
                    state.entry_index(&row.reference).is_none_or(|i| {
                        let e = &state.batch.entries[i];
                        // A card that leaves its text in the base
                        // (`Card::kept`) was made from the row at its
                        // version, and in the app a row changes only with
                        // its version; a card holding its text compares it.
                        e.version != row.version
                            || (e.dossier.holds_text()
                                && row.content.as_deref() != Some(&*e.dossier.text()))
                    })
                };
                let mut changed = Vec::new();
                for row in self.store.stored_dossiers()? {
                    if differs(&row) {
                        let version = row.version;
                        let (d, _) = row.parse().map_err(|r| self.store.unreadable(&r))?;
                        changed.push((d, version));
                    }
                }
                Some(changed)
            } else {
                None
            };
            Ok::<_, StoreError>(Reload {
                scores: self.store.load_scores()?,
                committee: self.store.load_committee()?,
                letters: self.store.letters()?,
                dossiers,
                stale: self.store.stale_scores()?,
                requests: self.store.piece_requests()?,
            })
        })();
        match fresh {
            Ok(r) => Outcome::Reloaded(Box::new(r)),
            Err(e) => Outcome::Failed(e.message(self.state.env.lang)),
        }
    }

    /// Writes the active member's packet next to the letters folder.
    fn export_packet(&mut self) -> Option<Outcome> {
        // `update` asks for a packet only once someone is scoring.
        let me = self.state.reviewer.clone()?;
        let lang = self.state.env.lang;
        let dir = self.state.env.letters_dir.clone();
        let result = crate::io::bundle::read_credential(&self.store)
            .map_err(|e| e.message(lang))
            .and_then(|key| {
                self.store
                    .export_packet(&me, &key)
                    .map_err(|e| e.message(lang))
            })
            .and_then(|p| {
                crate::io::files::create_private_dir_all(&dir).map_err(|e| lang.io_error(&e))?;
                let safe: String = me
                    .chars()
                    .map(|c| if c.is_alphanumeric() { c } else { '-' })
                    .collect();
                let path = dir.join(format!(
                    "paquet-{safe}-{}.json",
                    chrono::Local::now().format("%Y-%m-%d-%H%M")
                ));
                let (path, _) = crate::io::packet_file::write(&self.store, &p, &path)
                    .map_err(|e| e.message(lang))?;
                Ok((path, p.scores.len()))
            });
        Some(match result {
            Ok((path, scores)) => Outcome::PacketWritten { path, scores },
            Err(e) => Outcome::Failed(e),
        })
    }

    fn import_packet(&mut self, path: &Path) -> Outcome {
        let lang = self.state.env.lang;
        let result = crate::io::packet_file::read(&mut self.store, path)
            .map_err(|e| e.message(lang))
            .and_then(|p| {
                // A copy first (see `jury restore`); without it, no import.
                // A packet imported already changes nothing: no copy.
                let seen = self.store.packet_seen(&p).unwrap_or(false);
                let copied = if seen {
                    Ok(())
                } else {
                    self.store
                        .backup(&crate::store::backup::Reason::PacketImport)
                        .map(|_| ())
                };
                copied
                    .and_then(|()| self.store.import_packet(&p))
                    .map_err(|e| e.message(lang))
            });
        match result {
            Ok(report) => Outcome::PacketImported(report.to_string()),
            Err(e) => Outcome::Failed(e),
        }
    }

    /// Checks every letter to produce, then queues them; nothing is written
    /// if any template fails.
    fn start_letters(&mut self, only: Option<&str>, signing: produce::Signing) -> Vec<Outcome> {
        let lang = self.state.env.lang;
        let parts = match produce::load_parts(&self.store) {
            Ok(s) => s,
            Err(e) => return vec![Outcome::Failed(e.message(lang))],
        };
        match produce::prepare_parts(&parts, only, signing) {
            Err(errors) => vec![Outcome::LettersRefused(
                errors.iter().map(|e| e.message(lang)).collect(),
            )],
            Ok(prepared) => {
                let total = prepared.len();
                self.job = Some(LetterJob {
                    writer: produce::Writer::new(prepared, &self.state.env.letters_dir),
                    total,
                    failed: Vec::new(),
                });
                vec![Outcome::LetterProgress {
                    done: 0,
                    total,
                    reference: String::new(),
                }]
            }
        }
    }

    /// Produces the next batch of queued letters; true while some remain.
    pub fn step_job(&mut self) -> bool {
        let Some(job) = self.job.as_mut() else {
            return false;
        };
        let me = self
            .state
            .reviewer
            .clone()
            .unwrap_or_else(|| "secrétariat".into());
        if let Some(batch) = job.writer.next(&mut self.store, &me) {
            let lang = self.state.env.lang;
            match batch.outcomes {
                Ok(outcomes) => {
                    for (p, outcome) in batch.letters.iter().zip(outcomes) {
                        if let Err(e) = outcome {
                            job.failed.push(lang.located(&p.reference, e.message(lang)));
                        }
                    }
                }
                Err(e) => job.failed.extend(
                    batch
                        .letters
                        .iter()
                        .map(|p| lang.located(&p.reference, e.message(lang))),
                ),
            }
            let progress = Outcome::LetterProgress {
                done: job.total - job.writer.left(),
                total: job.total,
                reference: batch
                    .letters
                    .last()
                    .map(|p| p.reference.clone())
                    .unwrap_or_default(),
            };
            self.send(progress);
            return true;
        }
        let (total, failed) = (job.total, std::mem::take(&mut job.failed));
        self.job = None;
        let fresh = self.reload();
        self.send(fresh);
        self.send(Outcome::LettersFinished { total, failed });
        false
    }

    /// Runs a queued batch to the end (tests, and quitting mid-batch).
    pub fn finish_jobs(&mut self) {
        while self.step_job() {}
    }

    /// What the opening shows is still to keep for the next.
    pub fn keeps_opening(&self) -> bool {
        self.keep.is_some()
    }

    /// Keeps what the opening shows for the next, if not yet done. The
    /// entries hold every change noted up to the opening's mark and maybe
    /// some after it (an action since, a file taken in late): those stay
    /// noted, and the next opening makes them again. A cache: when it
    /// cannot be written (a full disk), the next opening makes the entries
    /// again, and nothing is lost. Each part is encoded as it is written,
    /// never all at once.
    pub fn keep_opening(&mut self) {
        if let Some(Keep { fingerprint, mark }) = self.keep.take() {
            let parts = crate::app::state::opening::parts(
                &self.state.batch.entries,
                &self.state.batch.search,
            );
            self.store.keep_opening(&fingerprint, parts, mark).ok();
        }
    }

    /// The call folder is still being read beside the app.
    pub fn reading_folder(&self) -> bool {
        self.folder.is_some()
    }

    /// Takes in what the folder's reading found, if it is done: true when
    /// something was taken in (the screen is to be drawn again).
    pub fn poll_folder(&mut self) -> bool {
        let Some(check) = &self.folder else {
            return false;
        };
        let read = match check.try_recv() {
            Ok(read) => Some(read),
            Err(std::sync::mpsc::TryRecvError::Empty) => return false,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
        };
        self.folder = None;
        self.take_in_folder(read);
        true
    }

    /// Waits for the folder's reading and takes it in: what an opening
    /// did before the reading went beside the app (tests, the bench).
    pub fn settle(&mut self) {
        if let Some(check) = self.folder.take() {
            let read = check.recv().ok();
            self.take_in_folder(read);
        }
    }

    /// The folder's dossier files into the database, then into the state;
    /// None when the reading thread died without a word.
    fn take_in_folder(&mut self, read: Option<Result<import::CallFolder, StoreError>>) {
        let lang = self.state.env.lang;
        let folder = match read {
            Some(Ok(folder)) => folder,
            Some(Err(e)) => return self.send(Outcome::FolderUnread(e.message(lang))),
            None => {
                let why = lang.t("lecture interrompue", "reading interrupted");
                return self.send(Outcome::FolderUnread(why.into()));
            }
        };
        // A first import that was interrupted: its rest is stored now.
        let resumed = self
            .store
            .meta(crate::store::IMPORT_UNDER_WAY_KEY)
            .ok()
            .flatten()
            .is_some();
        // Whatever the folder brought shows: new dossiers, a bundle's
        // assignments or shortlist, the chunks committed before a failure.
        let sync = folder.import_into(&mut self.store);
        if resumed && sync.is_ok() {
            // When it cannot be removed, the next opening says it again.
            self.store
                .clear_meta(crate::store::IMPORT_UNDER_WAY_KEY)
                .ok();
        }
        let fresh = self.reload_with(sync.as_ref().map_or(true, |s| s.added > 0));
        self.send(fresh);
        let sync = match sync {
            Ok(sync) => sync,
            Err(e) => return self.send(Outcome::FolderUnread(e.message(lang))),
        };
        let personal_data = self
            .store
            .holds_personal_data()
            .unwrap_or(self.state.batch.personal_data);
        let mut report = folder.diags;
        report.extend(sync.changed);
        self.send(Outcome::FolderRead {
            report,
            pending: sync.pending,
            added: sync.added,
            resumed,
            personal_data,
        });
    }

    pub fn draw<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> Result<(), B::Error> {
        let mut info = FrameInfo::default();
        terminal.draw(|f| info = ui::render(f, &self.state))?;
        self.send(Msg::Frame(info));
        Ok(())
    }

    /// Tells the state when the date has changed since it last looked.
    fn follow_the_date(&mut self) {
        let today = today();
        if today != self.state.env.today {
            self.send(Msg::Today(today));
        }
    }
}

/// The signals that end the TUI cleanly: the terminal is restored and the
/// exit code is 128 + the signal.
pub const ENDING_SIGNALS: [i32; 4] = [
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGQUIT,
];

/// How long the loop waits for a key before looking at the signal flag.
const SIGNAL_POLL: std::time::Duration = std::time::Duration::from_millis(100);

/// How long it waits while the call folder is read beside the app: what
/// the reading brings shows within a frame or two of its end.
const FOLDER_POLL: std::time::Duration = std::time::Duration::from_millis(20);

/// Set by the signal handlers to the signal's number (0: none). The handler
/// only stores it: the terminal work happens in the loop.
fn signal_flag() -> std::io::Result<Arc<AtomicUsize>> {
    let flag = Arc::new(AtomicUsize::new(0));
    for sig in ENDING_SIGNALS {
        signal_hook::flag::register_usize(sig, Arc::clone(&flag), sig as usize)?;
    }
    watchdog(Arc::clone(&flag));
    Ok(flag)
}

/// Ends the process with `code` once the TUI is done with it (the app and
/// every value holding a file already dropped by the caller), without the
/// C library's exit handlers: SQLCipher's free its keys' memory while a
/// thread of the app may still be reading an encrypted base (the call
/// folder read beside the app, the texts' reader), and that thread then
/// crashed (a probe quitting while a thread opened encrypted connections:
/// 120 crashes in 200 runs). Every action the screen confirmed is already
/// committed; what is written to stdout and stderr is flushed first, and
/// a sealed bundle's call in memory removed.
pub fn end_process(code: i32) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    exit_now(code)
}

/// [`end_process`] without flushing stdout: the signal watchdog's, whose
/// main thread may be stuck writing to a terminal that takes nothing more,
/// holding stdout's lock (stdout only holds screen codes then).
fn exit_now(code: i32) -> ! {
    crate::io::unpacked::remove_before_exit();
    #[cfg(unix)]
    {
        // SAFETY: `_exit` takes any int and never returns; it runs no
        // handler that could touch the state other threads are using.
        unsafe { libc::_exit(code) }
    }
    #[cfg(not(unix))]
    {
        std::process::exit(code)
    }
}

/// When the terminal itself is gone (its window closed: SIGHUP), reading
/// it can spin inside crossterm and never come back to look at the flag.
/// A signal not acted on within two seconds ends the process: every action
/// the screen confirmed is already committed, and SQLite rolls back one
/// caught midway.
fn watchdog(flag: Arc<AtomicUsize>) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(SIGNAL_POLL);
            if let Some(sig) = received(&flag) {
                std::thread::sleep(std::time::Duration::from_secs(2));
                // No destructor runs past this: a sealed bundle's call in
                // memory is removed there, or its dossiers would stay.
                exit_now(128 + sig);
            }
        }
    });
}

/// The interactive session: the terminal is restored on return, on panic
/// and on SIGTERM, SIGHUP, SIGINT or SIGQUIT. `Some(signal)` when a signal
/// ended it.
pub fn run(app: &mut App) -> std::io::Result<Option<i32>> {
    use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
    // Before the terminal is touched: a signal from here on only sets it.
    let signal = signal_flag()?;
    // Pasted text arrives whole (a newline in a pasted motivation must not
    // submit the form). A panic turns pasting mode off and restores the
    // terminal, ignoring what fails: ratatui's own hook printed its
    // failure with eprintln!, which panics on a hung-up terminal, and a
    // panic in a panic hook aborts.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = ratatui::crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
        let _ = ratatui::try_restore();
        previous(info);
    }));
    // What `ratatui::try_init` does, without its panic hook. Without a
    // terminal (output redirected, no TTY) say so instead of panicking.
    let init = || {
        ratatui::crossterm::terminal::enable_raw_mode()?;
        ratatui::crossterm::execute!(
            std::io::stdout(),
            ratatui::crossterm::terminal::EnterAlternateScreen
        )?;
        ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))
    };
    let mut terminal = init().map_err(|e| {
        // Raw mode may be on already: leave the terminal as it was found.
        let _ = ratatui::try_restore();
        std::io::Error::new(
            e.kind(),
            format!("pas de terminal interactif ({e}) : lancez jury dans un terminal"),
        )
    })?;
    // crossterm installs its resize handler on first use: do it before the
    // first draw, or a resize in between is lost until the next key.
    let _ = event::poll(std::time::Duration::ZERO);
    let _ = ratatui::crossterm::execute!(std::io::stdout(), EnableBracketedPaste);
    let result = event_loop(app, &mut terminal, &signal, &mut terminal_events)
        .or_else(|e| hung_up(&signal).map(Some).ok_or(e));
    let _ = ratatui::crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
    // Not `ratatui::restore`, which prints its failure with `eprintln!`: a
    // terminal hung up (SIGHUP) cannot be written to, the print panicked,
    // ratatui's panic hook restored and printed again, and the process
    // aborted instead of ending with 129. There is nothing to restore then.
    let _ = ratatui::try_restore();
    result
}

/// After the terminal failed: the signal that ended it, if one comes. A
/// window closed fails the next read or write at once, and its SIGHUP may
/// reach the handler just after: the session then ends as hung up (129),
/// not with a terminal error (1).
fn hung_up(signal: &AtomicUsize) -> Option<i32> {
    let until = std::time::Instant::now() + HANG_UP_GRACE;
    loop {
        if let Some(sig) = received(signal) {
            return Some(sig);
        }
        if std::time::Instant::now() >= until {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// How long a terminal's failure waits for the signal of its hang-up.
const HANG_UP_GRACE: std::time::Duration = std::time::Duration::from_millis(250);

/// The signal received, if any.
fn received(signal: &AtomicUsize) -> Option<i32> {
    match signal.load(Ordering::SeqCst) {
        0 => None,
        n => i32::try_from(n).ok(),
    }
}

/// Where the loop gets its events: `Ok(None)` when nothing came within
/// the time given. The terminal's in the app; tests hand their own.
pub type Events<'a> = dyn FnMut(std::time::Duration) -> std::io::Result<Option<Event>> + 'a;

fn terminal_events(wait: std::time::Duration) -> std::io::Result<Option<Event>> {
    if event::poll(wait)? {
        event::read().map(Some)
    } else {
        Ok(None)
    }
}

/// Draws, reads events and runs them until quit or a signal (`Some(n)`).
pub fn event_loop<B: Backend>(
    app: &mut App,
    terminal: &mut Terminal<B>,
    signal: &AtomicUsize,
    events: &mut Events,
) -> std::io::Result<Option<i32>>
where
    B::Error: std::error::Error + Send + Sync + 'static,
{
    loop {
        // Every action is committed before it returns: a signal is seen
        // between two actions, and between two batches of letters.
        if let Some(sig) = received(signal) {
            return Ok(Some(sig));
        }
        app.follow_the_date();
        app.draw(terminal).map_err(std::io::Error::other)?;
        if app.state.quit {
            app.finish_jobs();
            return Ok(None);
        }
        // The first frame is up: what it shows is kept for the next
        // opening unless a key is already waiting. Nothing on screen
        // changes, so the loop then waits for an event rather than draw
        // again: a resize that came meanwhile is read before the next
        // frame. Drawn first at the new size, the frame showed a screen
        // someone could type at while crossterm still held the resize, and
        // crossterm, handed both by one wake-up, returns the resize and
        // loses the key's (a `q` after a resize stayed unread).
        if app.keeps_opening() {
            match events(std::time::Duration::ZERO)? {
                Some(e) => {
                    handle_event(app, e);
                    continue;
                }
                None => app.keep_opening(),
            }
        }
        let next = if app.job.is_some() {
            // Letters in progress: one batch per turn, keys still read.
            app.step_job();
            match events(std::time::Duration::ZERO)? {
                Some(e) => e,
                None => continue,
            }
        } else {
            // Wait for a key, looking at the signal flag and at the
            // folder's reading in between; what the reading brought is
            // drawn at once.
            let wait = if app.reading_folder() {
                FOLDER_POLL
            } else {
                SIGNAL_POLL
            };
            let next = loop {
                if let Some(e) = events(wait)? {
                    break Some(e);
                }
                if let Some(sig) = received(signal) {
                    return Ok(Some(sig));
                }
                if app.poll_folder() {
                    break None;
                }
            };
            match next {
                Some(e) => e,
                None => continue,
            }
        };
        handle_event(app, next);
    }
}

fn handle_event(app: &mut App, event: Event) {
    match event {
        Event::Key(k) if k.is_press() => app.press(k),
        Event::Paste(text) => app.paste(&text),
        _ => {}
    }
}

/// « paquet-Julien-Ferrand-2025-07-07-1030.json — Téléchargements, 7 juillet
/// 2025 10:30 »: the file, its folder and when it was written.
fn packet_label(p: &Path, lang: jury_core::fr::Lang) -> String {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = p
        .parent()
        .and_then(|d| d.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let when = std::fs::metadata(p)
        .and_then(|m| m.modified())
        .map(|t| {
            let t: chrono::DateTime<chrono::Local> = t.into();
            format!("{} {}", lang.date(t.date_naive()), t.format("%H:%M"))
        })
        .unwrap_or_default();
    jury_core::fr::visible(&format!("{name} — {folder}, {when}")).into_owned()
}

/// Today in Paris: the day the committee lives in, whatever the laptop's
/// time zone (a UTC machine at 23:30 would otherwise be a day behind the
/// minutes, which date everything in Paris).
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terminal_failure_waits_for_the_hang_up_that_follows_it() {
        let flag = Arc::new(AtomicUsize::new(0));
        let late = Arc::clone(&flag);
        let sending = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(30));
            late.store(signal_hook::consts::SIGHUP as usize, Ordering::SeqCst);
        });
        assert_eq!(hung_up(&flag), Some(signal_hook::consts::SIGHUP));
        sending.join().expect("sender");
        // No signal at all: the failure is the terminal's own.
        assert_eq!(hung_up(&AtomicUsize::new(0)), None);
    }
}
