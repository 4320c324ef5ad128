//! UI test harness: the app with a TestBackend and the real keymap. Tests
//! name actions; the keymap says which key that is.
#![allow(dead_code)]

use jury::app::action::Action;
use jury::app::keymap::Key;
use jury::tui::{App, Options};
use jury_core::fr::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a folder and everything in it (a call folder to change a copy of).
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

pub struct Session {
    pub app: App,
    pub term: Terminal<TestBackend>,
    pub db: PathBuf,
    pub dir: std::sync::Arc<tempfile::TempDir>,
}

pub fn open_with(
    call: &str,
    reviewer: Option<&str>,
    lang: Lang,
    keymap: Option<PathBuf>,
    color: bool,
) -> Session {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("test.sqlite");
    let app = App::open(Options {
        call_dir: root().join(call),
        db: Some(db.clone()),
        reviewer: reviewer.map(String::from),
        keymap,
        lang,
        color,
        letters_dir: Some(dir.path().join("courriers")),
    })
    .expect("open call");
    let term = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    Session {
        app,
        term,
        db,
        dir: std::sync::Arc::new(dir),
    }
}

pub fn open(call: &str, reviewer: Option<&str>) -> Session {
    open_with(call, reviewer, Lang::Fr, None, true)
}

/// The chair issues `member` their bundle (`jury bundle --for`); it is
/// installed on the member's laptop and opened there, as `jury LOT --as`.
pub fn open_bundle(chair: &mut Session, member: &str) -> Session {
    let lot = chair.dir.path().join(format!("lot-{member}.jurybundle"));
    jury::io::bundle::write(
        &mut chair.app.store,
        Some(&root().join(SAMPLE)),
        &lot,
        member,
    )
    .expect("bundle");
    let laptop = chair.dir.path().join(format!("portable-{member}"));
    let installed = jury::io::bundle::unpack(&lot, &laptop).expect("unpack");
    open(&installed.dir.display().to_string(), Some(member))
}

pub const SAMPLE: &str = "samples/caf06-pdnp-2025";
pub const OTHER: &str = "tests/fixtures/other-grid";

impl Session {
    /// Presses the key the live keymap binds to `action` in the current context.
    pub fn act(&mut self, action: &str) {
        let a = Action::from_id(action).unwrap_or_else(|| panic!("no action {action}"));
        let contexts = self.app.state.contexts();
        let key = self
            .app
            .state
            .env
            .keymap
            .first_key(&contexts, a)
            .unwrap_or_else(|| panic!("no key for {action} in {contexts:?}"));
        self.app.press(jury::tui::keys::event_of(key));
    }

    pub fn key(&mut self, name: &str) {
        let k = Key::parse(name).unwrap_or_else(|| panic!("bad key {name}"));
        self.app.press(jury::tui::keys::event_of(k));
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.app
                .press(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    pub fn screen(&mut self) -> String {
        self.app.draw(&mut self.term).expect("draw");
        let buf = self.term.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let mut skip = 0;
            for x in 0..buf.area.width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
                out.push_str(sym);
            }
            out.push('\n');
        }
        out
    }

    pub fn db_scores(&self, reference: &str) -> Vec<(String, String, Option<f64>, String)> {
        let conn = rusqlite::Connection::open(&self.db).expect("db");
        let mut stmt = conn
            .prepare("SELECT member, criterion, value, comment FROM scores WHERE reference = ?1 ORDER BY criterion")
            .expect("prepare");
        stmt.query_map([reference], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
    }
}

pub fn value_of(rows: &[(String, String, Option<f64>, String)], criterion: &str) -> Option<f64> {
    rows.iter().find(|r| r.1 == criterion).and_then(|r| r.2)
}

impl Session {
    /// What the status line says (empty when nothing).
    pub fn status(&self) -> String {
        self.app
            .state
            .status
            .as_ref()
            .map(|x| x.text.clone())
            .unwrap_or_default()
    }

    /// Quits and reopens the same database as another member (one Jury at a time).
    pub fn reopen_as(self, call: &str, reviewer: &str) -> Session {
        self.reopen_with(call, reviewer, None)
    }

    /// Closes the app, runs `beside` on its database (a command run while
    /// Jury is closed), and opens it again as `reviewer`.
    pub fn reopen_after(
        self,
        call: &str,
        reviewer: &str,
        beside: impl FnOnce(&std::path::Path),
    ) -> Session {
        self.reopen_with_then(call, reviewer, None, beside)
    }

    /// As [`Session::reopen_as`], with the member's own keymap file.
    pub fn reopen_with(self, call: &str, reviewer: &str, keymap: Option<PathBuf>) -> Session {
        self.reopen_with_then(call, reviewer, keymap, |_| {})
    }

    fn reopen_with_then(
        self,
        call: &str,
        reviewer: &str,
        keymap: Option<PathBuf>,
        beside: impl FnOnce(&std::path::Path),
    ) -> Session {
        let Session { app, db, dir, .. } = self;
        drop(app);
        beside(&db);
        let app = App::open(Options {
            call_dir: root().join(call),
            db: Some(db.clone()),
            reviewer: Some(reviewer.to_string()),
            keymap,
            lang: Lang::Fr,
            color: true,
            letters_dir: Some(dir.path().join("courriers")),
        })
        .expect("reopen");
        let term = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
        Session { app, term, db, dir }
    }

    /// Where this session writes letters, minutes and packets.
    pub fn letters_dir(&self) -> PathBuf {
        self.app.state.env.letters_dir.clone()
    }

    /// As if the calendar said `day` (late letters are counted from it).
    pub fn set_today(&mut self, day: chrono::NaiveDate) {
        self.app.send(jury::app::update::Msg::Today(day));
    }

    /// Scores the selected dossier on every criterion, from the list.
    pub fn score_current(&mut self, digits: &[u8]) {
        self.act("focus_grid");
        self.act("top");
        for d in digits {
            self.act(&format!("score_{d}"));
        }
        self.act("focus_list");
    }

    /// Selects a dossier of the list by searching its reference.
    pub fn select(&mut self, reference: &str) {
        self.act("filter");
        self.type_text(reference);
        self.act("confirm");
        self.act("cancel");
        let at = self
            .app
            .state
            .dossiers
            .view
            .iter()
            .position(|i| self.app.state.batch.entries[*i].dossier.reference == reference)
            .expect("reference in the list");
        // The best match is usually first; step to it the way a user would.
        while self.app.state.dossiers.selected != at {
            let step = if self.app.state.dossiers.selected < at {
                Action::NextDossier
            } else {
                Action::PrevDossier
            };
            self.app.dispatch(step);
        }
    }

    pub fn query<T: rusqlite::types::FromSql>(&self, sql: &str) -> Vec<T> {
        let conn = rusqlite::Connection::open(&self.db).expect("db");
        let mut stmt = conn.prepare(sql).expect("prepare");
        stmt.query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    }

    /// Fills the open form: `(field id, text)` pairs replace text fields.
    pub fn fill(&mut self, id: &str, text: &str) {
        self.fill_where(&|f| f.id == id, id, text);
    }

    /// Fills the open form's text field whose label starts with `label`
    /// (the completion form's fields share one id and differ by label).
    pub fn fill_label(&mut self, label: &str, text: &str) {
        self.fill_where(&|f| f.label.starts_with(label), label, text);
    }

    /// Moves focus to the first field `pick` accepts with the keymap,
    /// clears it and types `text`.
    fn fill_where(
        &mut self,
        pick: &dyn Fn(&jury::app::form::Field) -> bool,
        what: &str,
        text: &str,
    ) {
        let jury::app::state::Mode::Form(form) = &self.app.state.mode else {
            panic!("no form open");
        };
        let at = form
            .fields
            .iter()
            .position(pick)
            .unwrap_or_else(|| panic!("no field {what}"));
        while match &self.app.state.mode {
            jury::app::state::Mode::Form(f) => f.focus != at,
            _ => false,
        } {
            self.act("next_field");
        }
        for _ in 0..500 {
            self.act("delete_back");
        }
        self.type_text(text);
    }

    /// Ticks the open form's box `id`: moves focus there, presses Space.
    pub fn tick(&mut self, id: &str) {
        let jury::app::state::Mode::Form(form) = &self.app.state.mode else {
            panic!("no form open");
        };
        let at = form
            .fields
            .iter()
            .position(|f| f.id == id)
            .unwrap_or_else(|| panic!("no field {id}"));
        while match &self.app.state.mode {
            jury::app::state::Mode::Form(f) => f.focus != at,
            _ => false,
        } {
            self.act("next_field");
        }
        self.type_text(" ");
    }

    /// Chooses an option of the focused-or-named choice field by its id.
    pub fn choose(&mut self, field: &str, option: &str) {
        for _ in 0..20 {
            let jury::app::state::Mode::Form(form) = &self.app.state.mode else {
                panic!("no form open");
            };
            if form.choice_of(field).as_deref() == Some(option) {
                return;
            }
            let at = form
                .fields
                .iter()
                .position(|f| f.id == field)
                .expect("field");
            if form.focus != at {
                self.act("next_field");
            } else {
                self.act("next_option");
            }
        }
        panic!("option {option} not found in {field}");
    }

    /// Moves the committee view's selection down to `reference`.
    pub fn goto_committee(&mut self, reference: &str) {
        self.act("top");
        for _ in 0..40 {
            if self
                .app
                .state
                .committee_current()
                .map(|i| self.app.state.batch.entries[i].dossier.reference.clone())
                == Some(reference.into())
            {
                return;
            }
            self.act("down");
        }
        panic!("{reference} not in the committee list:\n{}", self.screen());
    }

    /// Closes the open session (ticking the confirmation), and checks it did.
    pub fn close_session(&mut self) {
        self.act("close_session");
        self.type_text(" ");
        self.act("confirm");
        assert!(
            self.app.state.batch.committee.open_session().is_none(),
            "session still open: {}",
            self.screen()
        );
    }

    /// The references the dossier list shows, in its order.
    pub fn listed(&self) -> Vec<String> {
        self.app
            .state
            .dossiers
            .view
            .iter()
            .map(|i| self.app.state.batch.entries[*i].dossier.reference.clone())
            .collect()
    }

    /// Switches view until `screen` shows.
    pub fn go_to(&mut self, screen: jury::app::state::Screen) {
        while self.app.state.screen != screen {
            self.act("switch_view");
        }
    }

    /// Closes the open session, then writes every letter, dated today.
    pub fn close_and_write_letters(&mut self) {
        self.act("close_session");
        self.type_text(" ");
        self.act("confirm");
        self.act("letters_view");
        self.act("generate_all_letters");
        self.act("confirm");
        self.app.finish_jobs();
    }

    /// Scores each dossier on every criterion, then opens a session dated
    /// `date` in the committee view.
    pub fn score_and_open_session(&mut self, scores: &[(&str, [u8; 4])], date: &str) {
        for (reference, digits) in scores {
            self.select(reference);
            self.score_current(digits);
        }
        self.act("switch_view");
        self.act("open_session");
        self.fill("date", date);
        self.act("confirm");
    }
}

/// `jury export csv --db`, run as a user would, read back with the csv crate.
pub struct Exported {
    pub headers: csv::StringRecord,
    pub rows: Vec<csv::StringRecord>,
}

impl Exported {
    pub fn read(db: &std::path::Path) -> Exported {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_jury"))
            .args(["export", "csv", "--db"])
            .arg(db)
            .output()
            .expect("jury export csv");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = reader.headers().expect("header").clone();
        let rows = reader.records().map(|r| r.expect("row")).collect();
        Exported { headers, rows }
    }

    pub fn column(&self, name: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", self.headers))
    }

    /// The cell of `reference`'s row under `column`.
    pub fn cell(&self, reference: &str, column: &str) -> String {
        let i = self.column(column);
        self.rows
            .iter()
            .find(|r| &r[0] == reference)
            .unwrap_or_else(|| panic!("no row {reference}"))[i]
            .to_string()
    }
}

/// `jury export json --db`, run as a user would, read back as JSON.
pub fn exported_json(db: &std::path::Path) -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jury"))
        .args(["export", "json", "--db"])
        .arg(db)
        .output()
        .expect("jury export json");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON export")
}

/// The first minutes (`PV-….pdf`) found in a letters folder.
pub fn first_minutes(dir: &std::path::Path) -> std::path::PathBuf {
    std::fs::read_dir(dir)
        .expect("letters dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("PV-") && n.ends_with(".pdf"))
        })
        .expect("minutes")
}

/// Text `pdftotext` extracted, flattened for comparison: no-break spaces
/// made ordinary, a word hyphenated at a line's end (extracted with its
/// soft hyphen, U+00AD) joined back, every run of spaces made one (lines
/// wrap and justify).
pub fn flatten_pdf_text(raw: &str) -> String {
    let spaced = raw.replace(['\u{a0}', '\u{202f}'], " ");
    let joined: String = spaced
        .split('\u{ad}')
        .enumerate()
        .map(|(i, piece)| if i == 0 { piece } else { piece.trim_start() })
        .collect();
    joined.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A PDF file's text by `pdftotext -layout`, flattened like
/// [`flatten_pdf_text`], typographic apostrophes as plain ones. No silent
/// skip: without the tool a check would pass doing nothing.
pub fn pdf_file_text(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("pdftotext is needed to read letters back ({e}): install poppler-utils")
        });
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    flatten_pdf_text(&String::from_utf8_lossy(&out.stdout)).replace('\u{2019}', "'")
}
