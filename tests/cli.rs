//! The command line as a user runs it.

use std::path::PathBuf;
use std::process::Command;

fn jury() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jury"))
}

fn sample_db(dir: &std::path::Path) -> PathBuf {
    let db = dir.join("j.sqlite");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025");
    let folder = jury::io::import::read_folder(&root).expect("sample");
    let mut store = jury::store::Store::open(&db).expect("open");
    folder.import_into(&mut store).expect("import");
    store.ensure_member("Nadia Benali").expect("member");
    for (criterion, value) in [("experience", 4.0), ("formation", 2.0)] {
        store
            .save_score(&jury_core::records::ScoreRow {
                reference: "PDNP06-2025-003".into(),
                member: "Nadia Benali".into(),
                criterion: criterion.into(),
                value: Some(value),
                comment: String::new(),
            })
            .expect("score");
    }
    db
}

#[test]
fn verify_passes_on_an_untouched_database_and_names_the_edited_event() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample_db(dir.path());
    let out = jury()
        .args(["verify", "--db"])
        .arg(&db)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("Journal d'audit intact : 37 événement(s)."),
        "{text}"
    );
    assert!(text.contains("Empreinte finale"), "{text}");

    let conn = rusqlite::Connection::open(&db).expect("raw");
    conn.execute(
        "UPDATE audit SET after = '{\"value\":5.0,\"comment\":\"\"}' WHERE id = 36",
        [],
    )
    .expect("tamper");
    drop(conn);
    let out = jury()
        .args(["verify", "--db"])
        .arg(&db)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("événement n° 36 modifié"), "{text}");
    // The log now says 5 where the table says 4: named too.
    assert!(
        text.contains("note de Nadia Benali sur PDNP06-2025-003, critère experience : 4 dans la base, 5 selon le journal"),
        "{text}"
    );
}

#[test]
fn verify_on_a_missing_file_says_so_in_french() {
    let out = jury()
        .args(["verify", "--db", "/nonexistent/j.sqlite"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("base introuvable"));
}

#[test]
fn without_a_call_folder_the_user_is_told_what_to_type() {
    let out = jury().output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("jury samples/caf06-pdnp-2025"));
}

#[test]
fn errors_follow_lang() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample_db(dir.path());
    let missing = dir.path().join("absente.sqlite");
    // The same refusal, in French by default and in English on demand.
    for (lang, expected) in [
        (
            "fr",
            "absente.sqlite : base introuvable ; vérifiez le chemin du fichier.",
        ),
        (
            "en",
            "absente.sqlite: database not found; check the file's path.",
        ),
    ] {
        let out = jury()
            .args(["verify", "--lang", lang, "--db"])
            .arg(&missing)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(expected), "{lang}: {err}");
    }
    // A refusal: a packet export from a call folder opened directly, which
    // holds no member key (only a bundle issued with --for does).
    let out = jury()
        .args([
            "packet",
            "export",
            "--lang",
            "en",
            "--as",
            "Paul Inconnu",
            "--db",
        ])
        .arg(&db)
        .arg("--out")
        .arg(dir.path().join("p.json"))
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(": this call folder was not installed from a bundle issued to a member (“jury bundle --for NAME”)"),
        "{err}"
    );
}

/// Garbage over a real database (a failing disk, a bad copy): the command
/// line and the TUI's start say, in French, that the base is damaged and
/// what to do, never SQLite's English alone.
#[test]
fn a_corrupt_database_is_explained_in_french_by_the_cli_and_the_tui() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample_db(dir.path());
    // Every page after the header page: the tables are unreadable.
    let mut bytes = std::fs::read(&db).expect("read db");
    assert!(bytes.len() > 8192, "{} bytes", bytes.len());
    for (i, b) in bytes.iter_mut().enumerate().skip(4096) {
        *b = (i % 251) as u8;
    }
    std::fs::write(&db, &bytes).expect("corrupt db");

    let out = jury()
        .args(["export", "csv", "--db"])
        .arg(&db)
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("la base est endommagée"), "{err}");
    assert!(err.contains("sauvegarde"), "{err}");
    assert!(!err.contains("malformed"), "{err}");

    let started = jury::tui::App::open(jury::tui::Options {
        call_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025"),
        db: Some(db.clone()),
        reviewer: None,
        keymap: None,
        lang: jury_core::fr::Lang::Fr,
        color: false,
        letters_dir: None,
    });
    let Err(e) = started else {
        panic!("the TUI started on a corrupt database")
    };
    let message = e.message(jury_core::fr::Lang::Fr);
    assert!(message.contains("la base est endommagée"), "{message}");
    assert!(!message.contains("malformed"), "{message}");
    let english = e.message(jury_core::fr::Lang::En);
    assert!(english.contains("the database is damaged"), "{english}");
}

#[test]
fn a_reader_that_stops_early_ends_jury_quietly() {
    // `jury export csv … | head -1`: the pipe's reader is gone before Jury
    // writes. It must end as `cat` does, not with Rust's English panic.
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample_db(dir.path());
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = jury()
        .args(["export", "csv", "--db"])
        .arg(&db)
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("run");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        !said.contains("panicked") && !said.contains("Broken pipe"),
        "{said}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), Some(13), "ended by SIGPIPE");
    }
}

#[test]
fn a_database_damaged_in_its_middle_is_explained_and_nothing_goes_out() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample_db(dir.path());
    // 8 KiB of garbage half-way through, as a failing disk or a bad copy
    // leaves it: most pages still read.
    let mut bytes = std::fs::read(&db).expect("read db");
    let middle = bytes.len() / 2;
    for (i, b) in bytes[middle..middle + 8192].iter_mut().enumerate() {
        *b = (i * 7 % 253) as u8;
    }
    std::fs::write(&db, &bytes).expect("damage db");
    let out_dir = dir.path().join("sorties");
    std::fs::create_dir_all(&out_dir).expect("mkdir");
    let bundle = out_dir.join("lot.jurybundle");
    for args in [
        vec!["verify", "--db"],
        vec!["export", "csv", "--db"],
        vec![
            "bundle",
            "--for",
            "Nadia Benali",
            "--out",
            bundle.to_str().expect("utf-8"),
            "--db",
        ],
    ] {
        let out = jury().args(&args).arg(&db).output().expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {err}");
        assert!(
            err.contains("la base est endommagée") || err.contains("registre altéré"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("malformed"), "{args:?}: {err}");
    }
    assert!(!bundle.exists(), "no bundle over a damaged record");
}

#[test]
fn a_database_another_jury_holds_is_refused_with_exit_code_one() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = sample_db(dir.path());
    let _held = jury::store::Store::open(&db).expect("first Jury");
    let call = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025");
    let out = jury()
        .arg(&call)
        .args(["--as", "Nadia Benali", "--db"])
        .arg(&db)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("déjà ouverte par un autre Jury"), "{err}");
    // The README's table: 1, done and refused, as for every command.
    assert_eq!(out.status.code(), Some(1), "{err}");
}
