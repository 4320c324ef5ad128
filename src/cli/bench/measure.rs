//! Drives the app as a committee member does: the key the live keymap binds
//! to an action goes through `App::press` (keymap → action → update →
//! effects), then the frame is drawn on a 160×48 test terminal; each time
//! is key → frame drawn. Before each measure the app must be where the
//! measure expects it, else the row says it was not measured.

use super::BenchError;
use super::generate::{self, CHAIR, PRESENT, QUERY, SESSION_DAY};
use super::table::{Goal, Goals, Measure, Row, Samples};
use crate::app::action::Action;
use crate::app::state::Pane;
use crate::app::state::{Mode, Screen};
use crate::io::produce;
use crate::tui::{App, Options};
use jury_core::fr::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often a measure repeats at most, and for how long at most once it
/// has one sample: cheap measures repeat fully, the slow ones at 100 000
/// dossiers fewer times, so a run stays within minutes.
const KEYS: (usize, Duration) = (30, Duration::from_secs(10));
const IMPORTS: (usize, Duration) = (5, Duration::from_secs(15));
const REOPENS: (usize, Duration) = (15, Duration::from_secs(15));
const QUERIES: (usize, Duration) = (15, Duration::from_secs(20));
/// Decisions of the bench's closed session, each with its letter: four
/// batches, so that the rate includes batches rendered beside the one
/// written, as `jury letters` writes any more than one.
const LETTERS: usize = 4 * produce::LETTER_BATCH;

pub struct Driver {
    pub app: App,
    term: Terminal<TestBackend>,
}

/// The place a measure expects the app in, or a sentence saying where it is.
type Check = Result<(), String>;

impl Driver {
    /// Opens the call and draws its first frame: the time a user waits.
    pub fn open(opts: Options) -> Result<(Driver, Duration), BenchError> {
        let start = Instant::now();
        let app = App::open(opts).map_err(BenchError::Start)?;
        // A test backend cannot fail (its error type is Infallible).
        let Ok(term) = Terminal::new(TestBackend::new(160, 48));
        let mut d = Driver { app, term };
        d.draw();
        let first_frame = start.elapsed();
        // What the event loop does next, with no key waiting: it keeps
        // what the opening shows for the next one. Done here before any
        // key is timed, as a user's first key would find it done.
        d.app.keep_opening();
        Ok((d, first_frame))
    }

    fn draw(&mut self) {
        let Ok(()) = self.app.draw(&mut self.term);
    }

    /// The key the live keymap binds to `action` where the app is now.
    fn key(&self, action: &str) -> Result<KeyEvent, String> {
        let a = Action::from_id(action).ok_or_else(|| format!("action « {action} » inconnue"))?;
        let contexts = self.app.state.contexts();
        self.app
            .state
            .env
            .keymap
            .first_key(&contexts, a)
            .map(crate::tui::keys::event_of)
            .ok_or_else(|| format!("aucune touche pour « {action} » ici"))
    }

    /// A key pressed and the frame drawn after it.
    fn timed(&mut self, key: KeyEvent) -> Duration {
        let start = Instant::now();
        self.app.press(key);
        self.draw();
        start.elapsed()
    }

    /// The action's key pressed, the frame drawn, untimed.
    fn press(&mut self, action: &str) -> Check {
        let key = self.key(action)?;
        self.app.press(key);
        self.draw();
        Ok(())
    }

    /// Where the app is, in words, for a refusal.
    pub fn whereabouts(&self) -> String {
        let s = &self.app.state;
        let mode = match s.mode {
            Mode::Normal => "normal",
            Mode::Filter => "recherche",
            Mode::Report { .. } => "rapport d'import",
            Mode::AskReviewer => "« Qui note ? »",
            Mode::Form(_) => "formulaire",
            Mode::Help { .. } => "aide",
            _ => "fenêtre",
        };
        let screen = match s.screen {
            Screen::Dossiers => "dossiers",
            Screen::Committee => "comité",
            Screen::Letters => "courriers",
            Screen::Assignment => "rapporteurs",
            Screen::Timetable => "planning",
        };
        format!(
            "mode {mode}, écran {screen}, {} dossiers dans la liste",
            s.dossiers.view.len()
        )
    }

    /// On the dossier list, no popup, the list holding `n` dossiers.
    pub fn on_list(&self, n: usize) -> Check {
        let s = &self.app.state;
        if s.mode == Mode::Normal && s.screen == Screen::Dossiers && s.dossiers.view.len() == n {
            Ok(())
        } else {
            Err(self.whereabouts())
        }
    }

    /// `what` went wrong unless `ok`: the row is then « non mesuré », with
    /// where the app stands (never a panic: a bench row is not a test).
    fn require(&self, ok: bool, what: &str) -> Check {
        if ok {
            Ok(())
        } else {
            Err(format!("{what} ({})", self.whereabouts()))
        }
    }
}

/// Runs `f` up to `max` times, fewer once `budget` has passed; a first
/// failure makes the row « not measured » with its reason.
pub(super) fn repeat(
    (max, budget): (usize, Duration),
    mut f: impl FnMut(usize) -> Result<Duration, String>,
) -> Measure {
    let start = Instant::now();
    let mut samples = Vec::new();
    for i in 0..max {
        match f(i) {
            Ok(d) => samples.push(d),
            Err(why) => return Measure::Missing(why),
        }
        if start.elapsed() > budget {
            break;
        }
    }
    if samples.is_empty() {
        return Measure::Missing("aucun échantillon".into());
    }
    Measure::Time(Samples(samples))
}

pub struct Setup {
    pub n: usize,
    pub call_dir: PathBuf,
    pub work: PathBuf,
    pub lang: Lang,
}

impl Setup {
    fn options(&self, db: PathBuf) -> Options {
        Options {
            call_dir: self.call_dir.clone(),
            db: Some(db),
            reviewer: Some(CHAIR.into()),
            keymap: None,
            lang: self.lang,
            color: true,
            letters_dir: Some(self.work.join("courriers")),
        }
    }

    /// Opens on a database and checks the app is on the dossier list:
    /// anything else (a popup, a question) and the bench refuses to run.
    pub(super) fn open(&self, db: PathBuf) -> Result<(Driver, Duration), BenchError> {
        let (d, took) = Driver::open(self.options(db))?;
        d.on_list(self.n).map_err(|at| BenchError::NotOnList {
            expected: self.n,
            at,
        })?;
        Ok((d, took))
    }
}

/// What `jury bench-open` writes once its first frame shows the list.
pub const READY: &str = "prêt";

/// A reopening as a committee starts Jury: a process of its own (this
/// executable's `bench-open`), timed from its start to the line it writes
/// once its first frame shows the list. Beyond the reopening the bench
/// times in its own process, it pays for starting a process and for the
/// first touch of every page its memory takes.
fn reopen_in_child(setup: &Setup, db: &std::path::Path) -> Result<Duration, String> {
    use std::io::BufRead;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let lang = match setup.lang {
        Lang::Fr => "fr",
        Lang::En => "en",
    };
    // Its messages go to a file, not a pipe: a child writing more than a
    // pipe holds before its first frame would wait for a reader forever.
    let errors = setup.work.join("bench-open.err");
    let stderr = std::fs::File::create(&errors).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let mut child = std::process::Command::new(exe)
        .arg("bench-open")
        .arg("--call")
        .arg(&setup.call_dir)
        .arg("--db")
        .arg(db)
        .arg("--dossiers")
        .arg(setup.n.to_string())
        .arg("--work")
        .arg(&setup.work)
        .args(["--lang", lang])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        std::io::BufReader::new(out)
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
    }
    let took = start.elapsed();
    let status = child.wait().map_err(|e| e.to_string())?;
    match line.trim() == READY && status.success() {
        true => Ok(took),
        false => Err(std::fs::read_to_string(&errors)
            .unwrap_or_default()
            .trim()
            .to_string()),
    }
}

/// What the app's rows measured, the samples peers are compared with, and
/// the app still open on the main database.
pub struct AppRows {
    pub rows: Vec<Row>,
    pub import: Option<Samples>,
    pub slowest_keystroke: Option<Samples>,
}

fn samples(m: &Measure) -> Option<Samples> {
    match m {
        Measure::Time(s) => Some(s.clone()),
        _ => None,
    }
}

pub fn app_rows(setup: &Setup, goals: &Goals, sync: &Measure) -> Result<AppRows, BenchError> {
    let lang = setup.lang;
    let n = setup.n;
    let db = setup.work.join("jury.sqlite");
    let mut rows = Vec::new();

    // First import: a fresh database each time, the first one kept.
    let mut imports = Vec::new();
    let start = Instant::now();
    for k in 0..IMPORTS.0 {
        let file = if k == 0 {
            db.clone()
        } else {
            setup.work.join(format!("import-{k}.sqlite"))
        };
        let (d, took) = setup.open(file)?;
        drop(d);
        imports.push(took);
        if start.elapsed() > IMPORTS.1 {
            break;
        }
    }
    let import = Samples(imports);
    rows.push(Row {
        what: lang
            .t(
                "Premier import → première image",
                "First import → first frame",
            )
            .into(),
        measure: Measure::Time(import.clone()),
        goal: Goal::Under(goals.import),
    });

    // Reopening the imported call; the last one stays open for the keys.
    // The call folder's files are read beside the app after the first
    // frame: each reopening waits for that reading (untimed in its row,
    // timed in the next) so that none runs under the next measure.
    let mut reopens = Vec::new();
    let mut settled = Vec::new();
    let start = Instant::now();
    let d = loop {
        let (mut d, took) = setup.open(db.clone())?;
        reopens.push(took);
        let reading = Instant::now();
        d.app.settle();
        d.draw();
        settled.push(took + reading.elapsed());
        if reopens.len() >= REOPENS.0 || start.elapsed() > REOPENS.1 {
            break d;
        }
    };
    rows.push(Row {
        what: lang
            .t("Réouverture → première image", "Reopen → first frame")
            .into(),
        measure: Measure::Time(Samples(reopens)),
        goal: Goal::None,
    });
    // The same in a process of its own, as a committee starts Jury: the
    // row the goal reads. The open app is closed meanwhile (one Jury per
    // base), and the reading of the folder it started is waited for.
    drop(d);
    let fresh = repeat(REOPENS, |_| reopen_in_child(setup, &db));
    rows.push(Row {
        what: lang
            .t(
                "Réouverture dans un processus neuf → première image",
                "Reopen in a fresh process → first frame",
            )
            .into(),
        measure: fresh,
        goal: Goal::Under(goals.reopen),
    });
    let (mut d, _) = setup.open(db.clone())?;
    d.app.settle();
    d.draw();
    rows.push(Row {
        what: lang
            .t(
                "Réouverture → fichiers du dossier d'appel relus (à côté)",
                "Reopen → call folder's files read again (beside)",
            )
            .into(),
        measure: match d.on_list(n) {
            Ok(()) => Measure::Time(Samples(settled)),
            Err(at) => Measure::Missing(at),
        },
        goal: Goal::None,
    });

    rows.push(Row {
        what: lang
            .t("Descendre d'un dossier", "Move down one dossier")
            .into(),
        measure: move_down(&mut d, n),
        goal: Goal::Under(goals.key),
    });

    let score = score(&mut d);
    let without_sync = match (&score, sync) {
        (Measure::Time(s), Measure::Time(sync)) => Measure::Time(Samples(
            s.0.iter()
                .map(|x| x.saturating_sub(sync.median()))
                .collect(),
        )),
        (Measure::Missing(why), _) | (_, Measure::Missing(why)) => Measure::Missing(why.clone()),
        _ => Measure::Missing("—".into()),
    };
    rows.push(Row {
        what: lang
            .t(
                "Note saisie (avec la synchronisation disque)",
                "Score typed (with the disk sync)",
            )
            .into(),
        measure: score,
        goal: Goal::None,
    });
    rows.push(Row {
        what: lang
            .t(
                "Synchronisation disque seule (une écriture validée)",
                "Disk sync alone (one committed write)",
            )
            .into(),
        measure: sync.clone(),
        goal: Goal::None,
    });
    rows.push(Row {
        what: lang
            .t(
                "Note saisie hors synchronisation (note − synchro médiane)",
                "Score typed excluding the sync (score − median sync)",
            )
            .into(),
        measure: without_sync,
        goal: Goal::Under(goals.key),
    });

    let (keystrokes, slowest) = search(&mut d, n);
    for (prefix, m) in keystrokes {
        rows.push(Row {
            what: format!(
                "{} « {prefix} »",
                lang.t("Recherche, frappe", "Search, keystroke")
            ),
            measure: m,
            goal: Goal::Under(goals.keystroke),
        });
    }
    let slowest_keystroke = samples(&slowest);
    rows.push(Row {
        what: format!(
            "{} « {QUERY} »",
            lang.t(
                "Recherche, frappe la plus lente de",
                "Search, slowest keystroke of"
            )
        ),
        measure: slowest,
        goal: Goal::Under(goals.keystroke),
    });

    rows.push(Row {
        what: lang.t("Vue comité", "Committee view").into(),
        measure: committee(&mut d),
        goal: Goal::Under(goals.key),
    });

    // The peak of opening, browsing, scoring and searching; producing
    // letters reads every dossier again beside the open app, apart.
    rows.push(memory(
        lang.t(
            "Mémoire (pic, courriers non compris)",
            "Memory (peak, letters excluded)",
        ),
        Goal::MemoryUnder(goals.memory_mb),
        lang,
    ));
    rows.push(Row {
        what: lang
            .t(
                "Courrier complet suivi (PDF + ODT + EML)",
                "Complete tracked letter (PDF + ODT + EML)",
            )
            .into(),
        measure: letters(&mut d, n, &setup.work, lang),
        goal: Goal::Above(goals.letters_per_second),
    });
    rows.push(memory(
        lang.t(
            "Mémoire (pic, courriers compris)",
            "Memory (peak, letters included)",
        ),
        Goal::None,
        lang,
    ));
    drop(d);
    Ok(AppRows {
        rows,
        import: Some(import),
        slowest_keystroke,
    })
}

/// This process's peak resident memory so far (VmHWM).
fn memory(what: &str, goal: Goal, lang: Lang) -> Row {
    Row {
        what: what.into(),
        measure: match super::peak_rss_kib() {
            Some(kib) => Measure::Memory(kib),
            None => Measure::Missing(
                lang.t(
                    "/proc/self/status illisible",
                    "/proc/self/status unreadable",
                )
                .into(),
            ),
        },
        goal,
    }
}

/// `down` in the list: the selection moves one dossier each time.
fn move_down(d: &mut Driver, n: usize) -> Measure {
    repeat((KEYS.0.min(n.saturating_sub(1)), KEYS.1), |_| {
        let s = &d.app.state;
        d.require(
            s.mode == Mode::Normal
                && s.screen == Screen::Dossiers
                && s.dossiers.focus == Pane::List,
            "la liste n'a pas la main",
        )?;
        let before = s.dossiers.selected;
        let key = d.key("down")?;
        let took = d.timed(key);
        d.require(
            d.app.state.dossiers.selected == before + 1,
            "la sélection n'a pas descendu",
        )?;
        Ok(took)
    })
}

/// A score typed in the grid: the key of `score_4` or `score_2` (each one a
/// change, so each one is written), the cursor moving to the next criterion.
fn score(d: &mut Driver) -> Measure {
    if let Err(why) = d.press("focus_grid") {
        return Measure::Missing(why);
    }
    if let Err(why) = d.require(
        d.app.state.dossiers.focus == Pane::Grid,
        "la grille n'a pas la main après sa touche",
    ) {
        return Measure::Missing(why);
    }
    let measure = repeat(KEYS, |i| {
        let s = &d.app.state;
        d.require(s.mode == Mode::Normal, "une fenêtre est ouverte")?;
        let reference = s.current_reference().unwrap_or_default().to_string();
        let criterion = s
            .current_criterion()
            .map(|c| c.id.clone())
            .unwrap_or_default();
        let value = if i % 2 == 0 { 4 } else { 2 };
        let key = d.key(&format!("score_{value}"))?;
        let took = d.timed(key);
        let stored = d
            .app
            .state
            .batch
            .scores
            .get(&(reference, CHAIR.to_string(), criterion))
            .and_then(|s| s.value);
        d.require(stored == Some(value as f64), "la note n'a pas été gardée")?;
        Ok(took)
    });
    match d.press("focus_list") {
        Ok(()) => measure,
        Err(why) => Measure::Missing(why),
    }
}

/// The query typed in the search, one key at a time, then cleared: each
/// keystroke's times, and those of the slowest (by median).
fn search(d: &mut Driver, n: usize) -> (Vec<(String, Measure)>, Measure) {
    let chars: Vec<char> = QUERY.chars().collect();
    let mut each: Vec<Vec<Duration>> = vec![Vec::new(); chars.len()];
    let run = repeat(QUERIES, |_| {
        d.on_list(n)?;
        d.press("filter")?;
        d.require(
            d.app.state.mode == Mode::Filter,
            "la recherche ne s'est pas ouverte",
        )?;
        let mut total = Duration::ZERO;
        for (j, c) in chars.iter().enumerate() {
            let took = d.timed(KeyEvent::new(KeyCode::Char(*c), KeyModifiers::NONE));
            let typed: String = chars[..=j].iter().collect();
            d.require(
                d.app.state.dossiers.filter == typed,
                "la frappe n'est pas arrivée",
            )?;
            each[j].push(took);
            total += took;
        }
        let found = d.app.state.dossiers.view.len();
        d.require(found > 0 && found < n, "la recherche ne trie pas le lot")?;
        d.press("cancel")?;
        d.on_list(n)?;
        Ok(total)
    });
    if let Measure::Missing(why) = run {
        return (Vec::new(), Measure::Missing(why));
    }
    let keystrokes: Vec<(String, Measure)> = each
        .into_iter()
        .enumerate()
        // A typed space shown as ␣, visible at the end of a prefix.
        .map(|(j, s)| {
            let typed: String = chars[..=j].iter().collect();
            (typed.replace(' ', "␣"), Measure::Time(Samples(s)))
        })
        .collect();
    let slowest = keystrokes
        .iter()
        .filter_map(|(_, m)| samples(m))
        .max_by_key(Samples::median)
        .map(Measure::Time)
        .unwrap_or_else(|| Measure::Missing("aucune frappe".into()));
    (keystrokes, slowest)
}

/// `switch_view` from the dossier list to the committee view; back untimed.
fn committee(d: &mut Driver) -> Measure {
    repeat(KEYS, |_| {
        let s = &d.app.state;
        d.require(
            s.mode == Mode::Normal && s.screen == Screen::Dossiers,
            "pas sur la liste des dossiers",
        )?;
        let key = d.key("switch_view")?;
        let took = d.timed(key);
        d.require(
            d.app.state.screen == Screen::Committee,
            "la vue comité ne s'est pas affichée",
        )?;
        d.press("switch_view")?;
        d.require(
            d.app.state.screen == Screen::Dossiers,
            "retour à la liste impossible",
        )?;
        Ok(took)
    })
}

/// A closed session's decisions, recorded through the store as the app
/// does, then each letter produced as `jury letters` does: PDF, ODT and
/// EML written and the letter recorded in the database.
fn letters(d: &mut Driver, n: usize, work: &Path, lang: Lang) -> Measure {
    match letters_timed(d, n, work, lang) {
        Ok(each) if !each.0.is_empty() => Measure::Rate {
            per_second: each.0.len() as f64 / each.total().as_secs_f64().max(f64::MIN_POSITIVE),
            each,
        },
        Ok(_) => Measure::Missing("aucun courrier préparé".into()),
        Err(why) => Measure::Missing(why),
    }
}

fn letters_timed(d: &mut Driver, n: usize, work: &Path, lang: Lang) -> Result<Samples, String> {
    let store = &mut d.app.store;
    let present: Vec<String> = PRESENT.iter().map(|m| m.to_string()).collect();
    let session = store
        .open_session(CHAIR, SESSION_DAY, &present, &Default::default())
        .map_err(|e| e.message(lang))?;
    let count = LETTERS.min(n);
    for i in 0..count {
        let (kind, motivation, rank) = match i % 3 {
            0 => ("retenu", "", None),
            1 => (
                "non_retenu",
                "Articulation avec le projet social insuffisante ; plages de présence en ligne à préciser.",
                None,
            ),
            _ => (
                "liste_complementaire",
                "Projet solide, hors territoire prioritaire.",
                Some(1 + i as u32 / 3),
            ),
        };
        let draft = jury_core::decision::Draft {
            reference: generate::reference(i),
            kind: kind.into(),
            motivation: motivation.into(),
            waitlist_rank: rank,
            ..Default::default()
        };
        store
            .record_decision(CHAIR, session, &draft, false, true)
            .map_err(|e| e.message(lang))?;
    }
    store
        .close_session(CHAIR, session)
        .map_err(|e| e.message(lang))?;
    let parts = produce::load_parts(store).map_err(|e| e.message(lang))?;
    let signing = produce::Signing {
        on: chrono::NaiveDate::from_ymd_opt(2026, 4, 17).unwrap_or_default(),
        redate: false,
    };
    let prepared = produce::prepare_parts(&parts, None, signing).map_err(|errors| {
        errors
            .iter()
            .map(|e| e.message(lang))
            .collect::<Vec<_>>()
            .join(" ; ")
    })?;
    let out = work.join("courriers");
    // As `jury letters` and the TUI write them: batch after batch, each
    // rendered on every core beside the one before it being put in place,
    // each tracked in one transaction; each letter's share of the time
    // from the batch before it to its own.
    let mut each = Vec::new();
    let mut writer = produce::Writer::new(prepared, &out);
    let mut start = Instant::now();
    while let Some(batch) = writer.next(store, CHAIR) {
        let elapsed = start.elapsed();
        start = Instant::now();
        let written = batch.outcomes.map_err(|e| e.message(lang))?;
        for (result, p) in written.iter().zip(&batch.letters) {
            if let Err(e) = result {
                return Err(lang.located(&p.reference, e.message(lang)));
            }
            each.push(elapsed / batch.letters.len() as u32);
        }
    }
    if each.len() != count {
        return Err(format!("{} courriers pour {count} décisions", each.len()));
    }
    Ok(Samples(each))
}
