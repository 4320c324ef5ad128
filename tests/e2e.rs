//! End-to-end tests: the real `jury` binary in a pseudo-terminal, driven by
//! key presses, its screen read through a terminal emulator, its database
//! read afterwards with SQLite.

use crate::common::pty;

use pty::Term;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const CALL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/caf06-pdnp-2025");
const FIRST: &str = "PDNP06-2025-001";
const NADIA: &str = "Nadia Benali";
/// The list's title once the sample call is loaded.
const LIST_READY: &str = "Dossiers (28/28)";

/// A temporary home, database and (optionally) call folder for one test.
struct Env {
    dir: TempDir,
    call: PathBuf,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
            call: PathBuf::from(CALL),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("jury.sqlite")
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// `jury CALL --db DB [--as NAME]` in a `cols`×`rows` terminal.
    fn jury_sized(&self, reviewer: Option<&str>, cols: u16, rows: u16) -> Term {
        let mut args: Vec<OsString> =
            vec![self.call.clone().into(), "--db".into(), self.db().into()];
        if let Some(r) = reviewer {
            args.extend(["--as".into(), r.into()]);
        }
        Term::spawn(env!("CARGO_BIN_EXE_jury"), &args, &self.home(), cols, rows)
    }

    fn jury(&self, reviewer: Option<&str>) -> Term {
        self.jury_sized(reviewer, 120, 40)
    }

    /// `criterion → value` for one dossier and member, read from the database.
    fn scores(&self, reference: &str, member: &str) -> BTreeMap<String, Option<f64>> {
        read_scores(&self.db(), reference, member)
    }
}

fn read_scores(db: &Path, reference: &str, member: &str) -> BTreeMap<String, Option<f64>> {
    let conn = rusqlite::Connection::open(db).expect("open the database");
    let mut stmt = conn
        .prepare("SELECT criterion, value FROM scores WHERE reference = ?1 AND member = ?2")
        .expect("prepare");
    stmt.query_map([reference, member], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query scores")
        .collect::<Result<_, _>>()
        .expect("read scores")
}

fn expected(pairs: &[(&str, f64)]) -> BTreeMap<String, Option<f64>> {
    pairs
        .iter()
        .map(|(c, v)| (c.to_string(), Some(*v)))
        .collect()
}

/// The list row of `reference`: the line that starts (after the border
/// and the eligibility mark) with it.
fn list_row<'a>(screen: &'a str, reference: &str) -> Option<&'a str> {
    let head = reference.chars().count() + 4;
    screen
        .lines()
        .find(|l| l.chars().take(head).collect::<String>().contains(reference))
}

#[test]
fn scores_typed_in_the_grid_are_in_the_database_after_quitting() {
    let env = Env::new();
    let mut app = env.jury(Some(NADIA));
    app.wait_for(LIST_READY);
    app.send("\r"); // list: confirm → the grid
    for key in ["4", "3", "5", "2"] {
        app.send(key);
    }
    let screen = app.wait_until("the list row of the first dossier to show 3,7", |s| {
        list_row(s, FIRST).is_some_and(|row| row.contains(" 3,7 "))
    });
    assert!(screen.contains("Total 3,65 / 5"), "grid total:\n{screen}");
    app.send("q");
    let status = app.wait_exit();
    assert!(status.success(), "exit status {status}");

    assert_eq!(
        env.scores(FIRST, NADIA),
        expected(&[
            ("experience", 4.0),
            ("qualification", 3.0),
            ("coherence", 5.0),
            ("formation", 2.0),
        ])
    );
}

#[test]
fn a_score_shown_as_saved_survives_kill_9() {
    let env = Env::new();
    let mut app = env.jury(Some(NADIA));
    app.wait_for(LIST_READY);
    app.send("\r");
    app.send("4");
    app.wait_for("Enregistré");
    let status = app.kill9();
    assert!(
        status.signal().is_some(),
        "expected death by signal, got {status}"
    );
    // Opening the database replays the WAL left behind by the killed process.
    assert_eq!(env.scores(FIRST, NADIA), expected(&[("experience", 4.0)]));
}

#[test]
fn azerty_number_row_scores_without_shift() {
    let env = Env::new();
    let mut app = env.jury(Some(NADIA));
    app.wait_for(LIST_READY);
    app.send("\r");
    for key in ["&", "é", "\"", "'"] {
        app.send(key);
    }
    // 1·30 + 2·30 + 3·25 + 4·15 = 225 / 100 → 2,25 / 5
    app.wait_for("Total 2,25 / 5");
    app.send("q");
    assert!(app.wait_exit().success());
    assert_eq!(
        env.scores(FIRST, NADIA),
        expected(&[
            ("experience", 1.0),
            ("qualification", 2.0),
            ("coherence", 3.0),
            ("formation", 4.0),
        ])
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// `dossiers/ZZ-bad.json` in `call`, its trailing comma on line 3, column 18.
fn add_malformed_dossier(call: &Path) {
    std::fs::write(
        call.join("dossiers/ZZ-bad.json"),
        "{\n  \"format\": \"jury-dossier/1\",\n  \"reference\": 12,\n}",
    )
    .expect("write the bad dossier");
}

#[test]
fn a_malformed_dossier_is_reported_with_its_position_and_the_rest_load() {
    let mut env = Env::new();
    env.call = env.dir.path().join("call");
    copy_dir(Path::new(CALL), &env.call);
    add_malformed_dossier(&env.call);

    let mut app = env.jury(Some(NADIA));
    app.wait_for("Rapport d'import");
    let screen = app.wait_for("dossiers/ZZ-bad.json:3:18:");
    assert!(
        screen.contains("virgule en trop"),
        "the message says what is wrong:\n{screen}"
    );
    app.send("\r");
    let screen = app.wait_gone("Rapport d'import");
    assert!(screen.contains(LIST_READY), "28 good dossiers:\n{screen}");
    assert!(list_row(&screen, FIRST).is_some(), "list:\n{screen}");
    app.send("q");
    assert!(app.wait_exit().success());
}

#[test]
fn a_second_instance_on_the_same_database_is_refused() {
    let env = Env::new();
    let mut first = env.jury(Some(NADIA));
    first.wait_for(LIST_READY);

    let mut second = env.jury(Some("Paul Martin"));
    let screen = second.wait_for("déjà ouverte");
    let status = second.wait_exit();
    assert!(!status.success(), "second instance: {status}\n{screen}");
    drop(second);

    // The first one is untouched and keeps saving.
    first.send("\r");
    first.send("5");
    first.wait_for("Enregistré");
    first.send("q");
    assert!(first.wait_exit().success());
    assert_eq!(env.scores(FIRST, NADIA), expected(&[("experience", 5.0)]));
    assert!(env.scores(FIRST, "Paul Martin").is_empty());
}

/// `kill` sent by a user, a logout or a shutdown: the app ends at once,
/// with the shell's exit code, and gives back the terminal as it found it.
#[test]
fn signals_end_the_app_and_restore_the_terminal() {
    for (name, number) in [("TERM", 15), ("HUP", 1), ("INT", 2), ("QUIT", 3)] {
        let env = Env::new();
        let mut app = env.jury(Some(NADIA));
        app.wait_for(LIST_READY);
        // A score saved just before is kept.
        app.send("\r");
        app.send("5");
        app.wait_for("Enregistré");
        let status = app.kill_with(name);
        assert_eq!(status.exit_code(), 128 + number, "SIG{name}: {status}");
        let (alternate, hidden, paste) = app.final_modes();
        assert!(!alternate, "SIG{name}: still on the alternate screen");
        assert!(!hidden, "SIG{name}: cursor still hidden");
        assert!(!paste, "SIG{name}: bracketed paste still on");
        // Cooked mode back: typed keys echo and wait for Enter.
        let settings = app.line_settings();
        for mode in ["echo", "icanon", "isig"] {
            assert!(
                settings.iter().any(|w| w == mode),
                "SIG{name}: « {mode} » not restored: {settings:?}"
            );
        }
        drop(app);
        assert_eq!(
            env.scores(FIRST, NADIA),
            expected(&[("experience", 5.0)]),
            "SIG{name}"
        );
    }
}

/// The terminal window closed under the app: the kernel hangs the terminal
/// up and sends SIGHUP; the app ends by itself (at worst through its
/// watchdog, 2 s after a signal it could not act on) and the score saved
/// before is kept.
#[test]
fn closing_the_terminal_ends_the_app_and_keeps_what_was_saved() {
    let env = Env::new();
    let mut app = env.jury(Some(NADIA));
    app.wait_for(LIST_READY);
    app.send("\r");
    app.send("4");
    app.wait_for("Enregistré");
    app.hang_up();
    // Within the harness's bound (10 s): a hang fails here.
    let status = app.wait_exit();
    assert_eq!(status.exit_code(), 128 + 1, "ended by SIGHUP: {status}");
    assert_eq!(env.scores(FIRST, NADIA), expected(&[("experience", 4.0)]));
}

#[test]
fn too_small_a_terminal_says_so_until_it_is_enlarged() {
    let env = Env::new();
    let mut app = env.jury_sized(Some(NADIA), 60, 20);
    let screen = app.wait_for("Terminal trop petit");
    assert!(!screen.contains(LIST_READY), "{screen}");
    // A resize before the app reads its first event is lost: see the report.
    app.wait_resize_ready();
    app.resize(120, 40);
    let screen = app.wait_for(LIST_READY);
    assert!(!screen.contains("Terminal trop petit"), "{screen}");
    app.send("q");
    assert!(app.wait_exit().success());
}

#[test]
fn without_as_the_app_asks_who_scores() {
    let env = Env::new();
    let mut app = env.jury(None);
    app.wait_for("Qui note ?");
    app.send(NADIA);
    app.send("\r");
    app.wait_gone("Qui note ?");
    app.send("\r");
    app.send("3");
    app.wait_for("Enregistré");
    app.send("q");
    assert!(app.wait_exit().success());
    assert_eq!(env.scores(FIRST, NADIA), expected(&[("experience", 3.0)]));
}

/// Arrow keys as a terminal sends them.
const RIGHT: &str = "\x1b[C";
const LEFT: &str = "\x1b[D";

#[test]
fn a_short_committee_session_through_the_real_binary() {
    let env = Env::new();
    let mut app = env.jury(Some("Sylvie Marcellin"));
    app.wait_for(LIST_READY);
    app.send("\r");
    for key in ["2", "2", "1", "2"] {
        app.send(key);
    }
    app.wait_until("the first dossier scored", |s| {
        list_row(s, FIRST).is_some_and(|row| row.contains(" 1,8 "))
    });
    app.send("v"); // committee view
    app.wait_for("Aucune séance ouverte");
    app.send("o"); // open a session, everyone present
    app.wait_for("Ouvrir une séance");
    app.send("\r");
    app.wait_for("quorum 3 ✓");
    app.send("d"); // decide on the top-ranked (only scored) dossier
    app.wait_for("Décision — PDNP06-2025-001");
    // 1,75 / 5 is under the call's quality threshold: the form starts at
    // "non retenu"; one step right and back shows the choice moves.
    app.wait_for("◀ Non retenu ▶");
    app.send(RIGHT);
    app.wait_for("◀ Irrecevable ▶");
    app.send(LEFT);
    app.wait_for("◀ Non retenu ▶");
    // The weakest criteria are offered apart, unticked: take the first.
    app.wait_for("[ ] Point faible");
    app.send("\t\t ");
    app.wait_for("[x] Point faible");
    app.send("\r");
    app.wait_for("Décision enregistrée — PDNP06-2025-001 : Non retenu");
    app.send("x"); // close the session: confirmation box, then Enter
    app.wait_for("Clore la séance");
    app.send(" \r");
    app.wait_for("Séance close");
    app.send("q");
    assert!(app.wait_exit().success());

    let conn = rusqlite::Connection::open(env.db()).expect("db");
    let (kind, motivation): (String, String) = conn
        .query_row("SELECT kind, motivation FROM decisions", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("one decision");
    assert_eq!(kind, "non_retenu");
    // The reason taken from the offer, and nothing else.
    assert!(motivation.starts_with("Point faible : « "), "{motivation}");
    assert_eq!(motivation.lines().count(), 1, "{motivation}");
    let closed: Option<String> = conn
        .query_row("SELECT closed_at FROM sessions", [], |r| r.get(0))
        .expect("session");
    assert!(closed.is_some());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jury"))
        .args(["verify", "--db"])
        .arg(env.db())
        .output()
        .expect("verify");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// `jury LOT --as NAME` on a member's laptop: the bundle is checked and
/// installed, and the screen shows the chair key's fingerprint to compare
/// with the one the chair reads over the phone.
#[test]
fn a_bundle_opened_shows_the_chair_keys_fingerprint() {
    let env = Env::new();
    let lot = env.dir.path().join("lot.jurybundle");
    let fingerprint = {
        let folder = jury::io::import::read_folder(Path::new(CALL)).expect("call");
        let mut chair =
            jury::store::Store::open(&env.dir.path().join("presidence.sqlite")).expect("chair");
        folder.import_into(&mut chair).expect("import");
        jury::io::bundle::write(&mut chair, Some(Path::new(CALL)), &lot, NADIA)
            .expect("bundle")
            .chair_fingerprint
    };
    let args: Vec<OsString> = vec![lot.into(), "--as".into(), NADIA.into()];
    let mut app = Term::spawn(env!("CARGO_BIN_EXE_jury"), &args, &env.home(), 160, 40);
    // Printed on stderr before the TUI starts, then on its status line.
    let screen = app.wait_for("Lot installé, remis à");
    assert!(
        screen.contains(&format!(
            "Lot installé, remis à «\u{a0}Nadia Benali\u{a0}». Clé de la présidence : {fingerprint}"
        )),
        "{screen}"
    );
    app.send("q");
    assert!(app.wait_exit().success());
}

/// A first opening stores the folder run by run and marks the import as
/// under way until every run is stored; interrupted, the next opening
/// shows what was stored, reads the folder beside the app, stores the
/// rest and says it was the interrupted import's, not files come late.
#[test]
fn an_interrupted_first_import_is_finished_at_the_next_opening() {
    let mut env = Env::new();
    env.call = env.dir.path().join("call");
    copy_dir(Path::new(CALL), &env.call);
    // The files an interruption would have left unstored, set aside.
    let aside = env.dir.path().join("aside");
    std::fs::create_dir_all(&aside).expect("aside");
    for n in 20..=28 {
        let name = format!("PDNP06-2025-{n:03}.json");
        std::fs::rename(env.call.join("dossiers").join(&name), aside.join(&name)).expect("move");
    }
    let mut app = env.jury(Some(NADIA));
    app.wait_for("Dossiers (19/19)");
    app.send("q");
    assert!(app.wait_exit().success());
    let flag = |db: &Path| -> i64 {
        let conn = rusqlite::Connection::open(db).expect("open the database");
        conn.query_row(
            "SELECT COUNT(*) FROM meta WHERE key = 'import_under_way'",
            [],
            |r| r.get(0),
        )
        .expect("meta")
    };
    assert_eq!(flag(&env.db()), 0, "a whole import leaves no mark");
    // As an import stopped after its first runs leaves the base.
    rusqlite::Connection::open(env.db())
        .expect("open")
        .execute(
            "INSERT INTO meta (key, value) VALUES ('import_under_way', '1')",
            [],
        )
        .expect("mark");
    for entry in std::fs::read_dir(&aside).expect("list") {
        let entry = entry.expect("entry");
        std::fs::rename(
            entry.path(),
            env.call.join("dossiers").join(entry.file_name()),
        )
        .expect("back");
    }
    let mut app = env.jury(Some(NADIA));
    // The list shows the rest a frame before the status says what it
    // was: wait for the status, then the list is whole.
    let screen = app.wait_for("de l'import interrompu");
    assert!(
        screen
            .contains("9 dossier(s) de l'import interrompu à la dernière ouverture enregistré(s)"),
        "the status says what they are:\n{screen}"
    );
    assert!(screen.contains(LIST_READY), "{screen}");
    app.send("q");
    assert!(app.wait_exit().success());
    assert_eq!(flag(&env.db()), 0, "the mark goes once the rest is stored");
}

/// A reopening shows the database's dossiers at once and reads the call
/// folder beside the app (issue 15): a file arrived late and a malformed
/// one, added while Jury was closed, are taken in without a key pressed,
/// the report shown over the list as at any opening.
#[test]
fn files_added_while_closed_are_taken_in_after_the_first_frame() {
    let mut env = Env::new();
    env.call = env.dir.path().join("call");
    copy_dir(Path::new(CALL), &env.call);
    let mut app = env.jury(Some(NADIA));
    app.wait_for(LIST_READY);
    app.send("q");
    assert!(app.wait_exit().success());

    let first = std::fs::read_to_string(env.call.join(format!("dossiers/{FIRST}.json")))
        .expect("read a dossier");
    let late = first.replace(FIRST, "PDNP06-2025-099");
    assert_ne!(late, first, "the copy has its own reference");
    std::fs::write(env.call.join("dossiers/PDNP06-2025-099.json"), late).expect("write");
    add_malformed_dossier(&env.call);

    let mut app = env.jury(Some(NADIA));
    let screen = app.wait_for("dossiers/ZZ-bad.json:3:18:");
    assert!(screen.contains("Rapport d'import"), "{screen}");
    app.send("\r");
    app.wait_gone("Rapport d'import");
    let screen = app.wait_for("Dossiers (29/29)");
    assert!(
        screen.contains("1 dossier(s) arrivé(s)"),
        "the status says it came:\n{screen}"
    );
    // Last by reference, below the screen's rows: found by the search.
    app.send("/099\r");
    let screen = app.wait_for("(1/29)");
    assert!(
        list_row(&screen, "PDNP06-2025-099").is_some(),
        "the late one is listed:\n{screen}"
    );
    app.send("q");
    assert!(app.wait_exit().success());
}
