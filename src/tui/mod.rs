//! The runtime: opens a call, turns key presses into actions, runs `update`,
//! carries out its effects (one transaction each), and draws.

pub mod keys;

use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::state::FrameInfo;
use crate::app::state::{HistoryLine, Init, Mode, State};
use crate::app::update::{Change, Effect, update};
use crate::io::import;
use crate::store::{Store, StoreError};
use crate::ui;
use jury_core::fr::Lang;
use jury_core::json::Diag;
use ratatui::crossterm::event::{self, Event, KeyEvent, KeyModifiers};
use ratatui::{Terminal, backend::Backend};
use std::path::{Path, PathBuf};

pub struct Options {
    pub call_dir: PathBuf,
    pub db: Option<PathBuf>,
    pub reviewer: Option<String>,
    pub keymap: Option<PathBuf>,
    pub lang: Lang,
    pub color: bool,
}

#[derive(Debug)]
pub enum StartError {
    /// `appel.json` is unusable.
    Call(Vec<Diag>),
    Keymap(Vec<Diag>),
    Store(StoreError),
    NoDataDir,
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
            StartError::NoDataDir => write!(
                f,
                "dossier de données de l'utilisateur introuvable : indiquez où ranger la base avec --db FICHIER"
            ),
        }
    }
}

impl StartError {
    /// The store's errors in `lang`; the call's and the keymap's diagnostics
    /// are French, like every diagnostic.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            StartError::Store(e) => e.message(lang),
            other => other.to_string(),
        }
    }
}

type Opener = Box<dyn FnMut(&Path) -> Result<(), String>>;

pub struct App {
    pub state: State,
    pub store: Store,
    opener: Opener,
    /// Letters being produced, one per loop turn so the screen shows progress.
    job: Option<LetterJob>,
}

struct LetterJob {
    source: crate::io::produce::Source,
    queue: std::collections::VecDeque<crate::io::produce::Prepared>,
    total: usize,
    failed: Vec<String>,
}

/// Where the TUI writes letters: a visible folder, `~/Documents/Jury/<call>`.
fn letters_dir(call_id: &str) -> PathBuf {
    dirs::document_dir()
        .or_else(dirs::home_dir)
        .unwrap_or_else(|| PathBuf::from("."))
        .join("Jury")
        .join(call_id)
}

impl App {
    pub fn open(opts: Options) -> Result<App, StartError> {
        let folder = import::read_folder(&opts.call_dir).map_err(StartError::Call)?;
        let mut files: Vec<PathBuf> = keys::user_keymap_path().into_iter().collect();
        files.extend(opts.keymap.clone());
        let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
        let keymap = keys::load_keymap(&refs).map_err(StartError::Keymap)?;
        let db = match opts.db {
            Some(p) => p,
            None => crate::store::default_path(&folder.call.id).ok_or(StartError::NoDataDir)?,
        };
        let mut store = Store::open(&db).map_err(StartError::Store)?;
        let sync = folder.import_into(&mut store).map_err(StartError::Store)?;
        // The files' copies are in the database now; drop them before loading it.
        let crate::io::import::CallFolder {
            call,
            templates,
            diags,
            ..
        } = folder;
        let mut report = diags;
        report.extend(sync.changed);
        let dossiers = store.load_dossiers().map_err(StartError::Store)?;
        let scores = store.load_scores().map_err(StartError::Store)?;
        let hint = store.meta("last_reviewer").map_err(StartError::Store)?;
        let committee = store.load_committee().map_err(StartError::Store)?;
        let letters = store.letters().map_err(StartError::Store)?;
        let letters_dir = letters_dir(&call.id);
        if let Some(r) = &opts.reviewer {
            store.ensure_member(r).map_err(StartError::Store)?;
            store
                .set_meta("last_reviewer", r)
                .map_err(StartError::Store)?;
        }
        let mut state = State::new(Init {
            lang: opts.lang,
            color: opts.color,
            call,
            call_dir: Some(opts.call_dir.clone()),
            db_path: db.display().to_string(),
            keymap,
            dossiers,
            scores,
            reviewer: opts.reviewer,
            report,
            committee,
            templates,
            letters,
            letters_dir,
            today: chrono::Local::now().date_naive(),
        });
        if state.reviewer.is_none() {
            state.input = hint.unwrap_or_default();
        }
        Ok(App {
            state,
            store,
            opener: Box::new(open_with_system_viewer),
            job: None,
        })
    }

    /// Replaces the system viewer (tests use this to see what would open).
    pub fn set_opener(&mut self, opener: Opener) {
        self.opener = opener;
    }

    /// Runs one action and carries out what it asks, before anything is drawn.
    pub fn dispatch(&mut self, action: Action) {
        for effect in update(&mut self.state, action) {
            self.run(effect);
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
        let bound = keys::key_of(&key).and_then(|k| self.state.keymap.resolve(&contexts, k));
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

    fn run(&mut self, effect: Effect) {
        match effect {
            Effect::SaveScore { row, before } => {
                if let Err(e) = self.store.save_score(&row) {
                    // Put the screen back as the database is: nothing shown that is not kept.
                    let key = (
                        row.reference.clone(),
                        row.member.clone(),
                        row.criterion.clone(),
                    );
                    match before {
                        Some(b) => {
                            self.state.scores.insert(key, b);
                        }
                        None => {
                            self.state.scores.remove(&key);
                        }
                    }
                    let lang = self.state.lang;
                    self.state.set_error(format!(
                        "{} {}",
                        lang.t("Non enregistré :", "Not saved:"),
                        e.message(lang)
                    ));
                    self.state.recompute();
                }
            }
            Effect::SetReviewer(name) => {
                let r = self
                    .store
                    .ensure_member(&name)
                    .and_then(|_| self.store.set_meta("last_reviewer", &name));
                if let Err(e) = r {
                    self.state.reviewer = None;
                    self.state.set_error(e.message(self.state.lang));
                } else {
                    let msg = format!(
                        "{} {name}",
                        self.state.lang.t("Vous notez en tant que", "Scoring as")
                    );
                    self.state.set_status(msg);
                }
            }
            Effect::Committee(change) => self.apply(change),
            Effect::Letters(only) => self.start_letters(only.as_deref()),
            Effect::ExportPacket => self.export_packet(),
            Effect::ImportPacket(path) => self.import_packet(&path),
            Effect::Minutes => {
                let lang = self.state.lang;
                let result = crate::io::produce::load(&self.store).and_then(|src| {
                    crate::io::produce::write_minutes(
                        &self.store,
                        &src,
                        &self.state.letters_dir,
                        None,
                    )
                });
                match result {
                    Ok(files) => self.state.set_status(format!(
                        "{} {} {}",
                        files.len() / 2,
                        lang.t("procès-verbal(aux) écrit(s) dans", "minutes written in"),
                        self.state.letters_dir.display()
                    )),
                    Err(e) => self.state.set_error(e.message(lang)),
                }
            }
            Effect::LoadHistory(reference) => match self.store.history(&reference) {
                Ok(events) => {
                    let lines = events
                        .into_iter()
                        .map(|e| HistoryLine {
                            at: e.at,
                            actor: e.actor,
                            action: e.action,
                            target: e.target,
                            before: e.before,
                            after: e.after,
                        })
                        .collect();
                    self.state.mode = Mode::History {
                        reference,
                        lines,
                        scroll: 0,
                    };
                }
                Err(e) => self.state.set_error(e.message(self.state.lang)),
            },
            Effect::Open(path) => {
                if let Err(e) = (self.opener)(&path) {
                    self.state.set_error(e);
                }
            }
        }
    }

    /// Writes a committee change, then reloads what it touched: the screen
    /// shows what the database holds.
    fn apply(&mut self, change: Change) {
        let me = self.state.reviewer.clone().unwrap_or_default();
        let lang = self.state.lang;
        let result = match &change {
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
            Change::OpenSession { date, present } => {
                self.store.open_session(&me, date, present).map(|_| ())
            }
            Change::CloseSession(id) => self.store.close_session(&me, *id),
            Change::Decision {
                session,
                draft,
                without_quorum,
            } => self
                .store
                .record_decision(&me, *session, draft, *without_quorum),
            Change::Outcome {
                session,
                unsuccessful,
                motivation,
            } => self
                .store
                .record_outcome(&me, *session, *unsuccessful, motivation),
            Change::AddMember { name, role } => self.store.add_member(&me, name, role),
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
            Change::Undo => self.store.undo_last(&me).map(|what| {
                self.state
                    .set_status(format!("{} {what}", lang.t("Annulé :", "Undone:")));
            }),
        };
        match result {
            Ok(()) => {
                let done = match &change {
                    Change::OpenSession { date, .. } => Some(format!(
                        "{} {}",
                        lang.t("Séance ouverte :", "Session opened:"),
                        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
                            .map(|d| lang.date(d))
                            .unwrap_or_else(|_| date.clone())
                    )),
                    Change::CloseSession(_) => Some(
                        lang.t(
                            "Séance close : décisions figées.",
                            "Session closed: decisions frozen.",
                        )
                        .to_string(),
                    ),
                    Change::Override { .. } => Some(
                        lang.t("Dérogation enregistrée.", "Override recorded.")
                            .to_string(),
                    ),
                    Change::Conflict { declared: true, .. } => Some(
                        lang.t(
                            "Conflit d'intérêts déclaré : vos notes sur ce dossier sont écartées.",
                            "Conflict declared: your scores on this dossier are left out.",
                        )
                        .to_string(),
                    ),
                    Change::Outcome { .. } => Some(
                        lang.t("Issue de l'appel enregistrée.", "Outcome recorded.")
                            .to_string(),
                    ),
                    Change::AddMember { name, .. } => Some(format!(
                        "{} {name}",
                        lang.t("Membre ajouté :", "Member added:")
                    )),
                    _ => None,
                };
                if let Some(d) = done {
                    self.state.set_status(d);
                }
            }
            Err(e) => self.state.set_error(format!(
                "{} {}",
                lang.t("Non enregistré :", "Not saved:"),
                e.message(lang)
            )),
        }
        self.reload();
    }

    /// Re-reads scores and committee records after a change.
    fn reload(&mut self) {
        let scores = self.store.load_scores();
        let committee = self.store.load_committee();
        match self.store.letters() {
            Ok(l) => self.state.letters = l,
            Err(e) => self.state.set_error(e.message(self.state.lang)),
        }
        match (scores, committee) {
            (Ok(scores), Ok(data)) => {
                self.state.scores = scores
                    .into_iter()
                    .map(|r| {
                        (
                            (r.reference, r.member, r.criterion),
                            crate::app::state::Score {
                                value: r.value,
                                comment: r.comment,
                            },
                        )
                    })
                    .collect();
                self.state.set_committee_data(data);
            }
            (Err(e), _) | (_, Err(e)) => self.state.set_error(e.message(self.state.lang)),
        }
    }

    /// Writes the active member's packet next to the letters folder.
    fn export_packet(&mut self) {
        let lang = self.state.lang;
        let Some(me) = self.state.reviewer.clone() else {
            return;
        };
        let result = self
            .store
            .export_packet(&me)
            .map_err(|e| e.message(lang))
            .and_then(|p| {
                std::fs::create_dir_all(&self.state.letters_dir).map_err(|e| lang.io_error(&e))?;
                let safe: String = me
                    .chars()
                    .map(|c| if c.is_alphanumeric() { c } else { '-' })
                    .collect();
                let path = self.state.letters_dir.join(format!(
                    "paquet-{safe}-{}.json",
                    chrono::Local::now().format("%Y-%m-%d-%H%M")
                ));
                crate::io::files::write_atomic(&path, p.to_json().as_bytes())
                    .map_err(|e| e.message(lang))?;
                Ok((path, p.scores.len()))
            });
        match result {
            Ok((path, n)) => self.state.set_status(format!(
                "{} {} ({n} {})",
                lang.t("Paquet écrit :", "Packet written:"),
                path.display(),
                lang.t("notes", "scores")
            )),
            Err(e) => self.state.set_error(e),
        }
    }

    fn import_packet(&mut self, path: &Path) {
        let lang = self.state.lang;
        let result = std::fs::read(path)
            .map_err(|e| crate::io::files::FileError::new(path, e).message(lang))
            .and_then(|bytes| jury_core::packet::open(&bytes).map_err(|e| e.message(lang)))
            .and_then(|p| {
                self.store
                    .import_packet(&p, false)
                    .map_err(|e| e.message(lang))
            });
        match result {
            Ok(report) => self.state.set_status(format!(
                "{} {report}",
                lang.t("Paquet importé :", "Packet imported:")
            )),
            Err(e) => self.state.set_error(e),
        }
        self.reload();
    }

    /// Checks every letter to produce, then queues them; nothing is written
    /// if any template fails.
    fn start_letters(&mut self, only: Option<&str>) {
        let lang = self.state.lang;
        let source = match crate::io::produce::load(&self.store) {
            Ok(s) => s,
            Err(e) => return self.state.set_error(e.message(lang)),
        };
        match crate::io::produce::prepare(&source, only) {
            Err(errors) => {
                self.state.report = errors
                    .into_iter()
                    .map(|e| Diag {
                        path: lang.t("courriers", "letters").to_string(),
                        line: 1,
                        column: 1,
                        severity: jury_core::json::Severity::Error,
                        message: e.message(lang),
                    })
                    .collect();
                self.state.mode = Mode::Report { scroll: 0 };
                self.state.set_error(lang.t(
                    "Aucun courrier produit : corrigez les modèles.",
                    "No letter produced: fix the templates.",
                ));
            }
            Ok(prepared) => {
                let total = prepared.len();
                self.state.progress = Some((0, total, String::new()));
                self.job = Some(LetterJob {
                    source,
                    queue: prepared.into(),
                    total,
                    failed: Vec::new(),
                });
            }
        }
    }

    /// Produces the next queued letter; true while some remain.
    pub fn step_job(&mut self) -> bool {
        let Some(job) = self.job.as_mut() else {
            return false;
        };
        let me = self
            .state
            .reviewer
            .clone()
            .unwrap_or_else(|| "secrétariat".into());
        if let Some(p) = job.queue.pop_front() {
            if let Err(e) = crate::io::produce::write_letter(
                &mut self.store,
                &job.source,
                &p,
                &self.state.letters_dir,
                &me,
            ) {
                let lang = self.state.lang;
                job.failed.push(lang.located(&p.reference, e.message(lang)));
            }
            let done = job.total - job.queue.len();
            self.state.progress = Some((done, job.total, p.reference));
            return true;
        }
        let lang = self.state.lang;
        let (total, failed) = (job.total, std::mem::take(&mut job.failed));
        self.job = None;
        self.state.progress = None;
        self.reload();
        if failed.is_empty() {
            self.state.set_status(format!(
                "{total} {} {}",
                lang.t(
                    "courrier(s) produit(s) en PDF, ODT et EML dans",
                    "letter(s) produced as PDF, ODT and EML in"
                ),
                self.state.letters_dir.display()
            ));
        } else {
            self.state.set_error(failed.join(" ; "));
        }
        false
    }

    /// Runs a queued batch to the end (tests, and quitting mid-batch).
    pub fn finish_jobs(&mut self) {
        while self.step_job() {}
    }

    pub fn draw<B: Backend>(&mut self, terminal: &mut Terminal<B>) -> Result<(), B::Error> {
        let mut info = FrameInfo::default();
        terminal.draw(|f| info = ui::render(f, &self.state))?;
        self.state.apply_frame(info);
        Ok(())
    }
}

fn open_with_system_viewer(path: &Path) -> Result<(), String> {
    if !path.is_file() {
        return Err(format!("Pièce jointe introuvable : {}", path.display()));
    }
    opener::open(path).map_err(|e| {
        format!(
            "Aucune visionneuse disponible pour ouvrir {} ({}). Ouvrez le fichier vous-même.",
            path.display(),
            match e {
                opener::OpenError::Io(io) => jury_core::fr::io_message(&io),
                other => other
                    .to_string()
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            }
        )
    })
}

/// The interactive session: the terminal is restored on return and on panic.
pub fn run(app: &mut App) -> std::io::Result<()> {
    use ratatui::crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
    // Pasted text arrives whole (a newline in a pasted motivation must not
    // submit the form). ratatui's panic hook restores the rest; this one,
    // installed first, turns pasting mode off too.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = ratatui::crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
        previous(info);
    }));
    // Without a terminal (output redirected, no TTY) say so instead of panicking.
    let mut terminal = ratatui::try_init().map_err(|e| {
        // Raw mode may be on already: leave the terminal as it was found.
        ratatui::restore();
        std::io::Error::new(
            e.kind(),
            format!("pas de terminal interactif ({e}) : lancez jury dans un terminal"),
        )
    })?;
    // crossterm installs its resize handler on first use: do it before the
    // first draw, or a resize in between is lost until the next key.
    let _ = event::poll(std::time::Duration::ZERO);
    let _ = ratatui::crossterm::execute!(std::io::stdout(), EnableBracketedPaste);
    let result = event_loop(app, &mut terminal);
    let _ = ratatui::crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    result
}

fn event_loop<B: Backend<Error = std::io::Error>>(
    app: &mut App,
    terminal: &mut Terminal<B>,
) -> std::io::Result<()> {
    loop {
        app.draw(terminal)?;
        if app.state.quit {
            app.finish_jobs();
            return Ok(());
        }
        // A batch in progress: one letter per turn, keys still read.
        if app.job.is_some() {
            app.step_job();
            if !event::poll(std::time::Duration::ZERO)? {
                continue;
            }
        }
        match event::read()? {
            Event::Key(k) if k.is_press() => app.press(k),
            Event::Paste(text) => app.paste(&text),
            _ => {}
        }
    }
}
