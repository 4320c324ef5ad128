//! Encryption at rest, sealed exports and minutes, backups and restore,
//! through the real binary (and a pseudo-terminal for the TUI's prompt).

// The pseudo-terminal helper shared with tests/e2e.rs: this file uses
// only part of it.
use crate::common::pty;

use crate::common::folders;
use folders::contains;

use jury::io::import::read_folder;
use jury::store::{Passphrase, Store};
use jury_core::decision::Draft;
use jury_core::records::ScoreRow;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CHAIR: &str = "Sylvie Marcellin";
const MEMBER: &str = "Julien Ferrand";
/// An applicant's representative in the sample (dossier PDNP06-2025-001).
const APPLICANT: &str = "Patrick Senès";
const PASS: &str = "cheval agrafe pile correcte";

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025")
}

/// `jury ARGS` under umask 000, with the passphrase file given.
fn run(dir: &Path, pass_file: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("umask 000; exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_jury"))
        .args(args)
        .current_dir(dir);
    if let Some(f) = pass_file {
        cmd.arg("--passphrase-file").arg(f);
    }
    cmd.output().expect("run jury")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn pass_file(dir: &Path, name: &str, pass: &str) -> PathBuf {
    let f = dir.join(name);
    std::fs::write(&f, format!("{pass}\n")).expect("passphrase file");
    f
}

fn is_clear_sqlite(path: &Path) -> bool {
    std::fs::read(path)
        .expect("read")
        .starts_with(b"SQLite format 3\0")
}

/// A call with scores, a decided and closed session, in a database
/// encrypted with `key` (or clear). The store is returned open, so its
/// WAL is still on disk.
fn build(db: &Path, key: Option<&Passphrase>) -> Store {
    let mut store = Store::open_with(db, key).expect("open");
    read_folder(&sample())
        .expect("sample")
        .import_into(&mut store)
        .expect("import");
    for (m, v) in [(CHAIR, 4.0), (MEMBER, 3.0)] {
        store
            .save_score(&ScoreRow {
                reference: "PDNP06-2025-001".into(),
                member: m.into(),
                criterion: "experience".into(),
                value: Some(v),
                comment: format!("lu : {APPLICANT}"),
            })
            .expect("score");
    }
    let session = store
        .open_session(
            CHAIR,
            "2025-07-07",
            &[CHAIR.into(), MEMBER.into()],
            &Default::default(),
        )
        .expect("session");
    store
        .record_decision(
            CHAIR,
            session,
            &Draft {
                reference: "PDNP06-2025-001".into(),
                kind: "retenu".into(),
                ..Draft::default()
            },
            true,
            true,
        )
        .expect("decision");
    store
        .record_outcome(CHAIR, session, false, "Une candidature retenue.")
        .expect("outcome");
    store.close_session(CHAIR, session).expect("close");
    store
}

fn sqlite3_reads(db: &Path) -> Output {
    match Command::new("sqlite3")
        .arg(db)
        .arg("SELECT count(*) FROM sqlite_master;")
        .output()
    {
        Ok(o) => o,
        Err(e) => panic!("the sqlite3 tool is needed by this test ({e}): apt-get install sqlite3"),
    }
}

#[test]
fn an_encrypted_database_and_its_wal_and_backups_hold_no_applicant_name() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("jury.sqlite");
    let key = Passphrase::new(PASS.into());
    let store = build(&db, Some(&key));
    let mut wal = db.as_os_str().to_os_string();
    wal.push("-wal");
    let wal = PathBuf::from(wal);
    assert!(wal.exists(), "the WAL is on disk while the store is open");
    for file in [&db, &wal] {
        let bytes = std::fs::read(file).expect("read");
        for name in [APPLICANT, "Mimosas", CHAIR] {
            assert!(!contains(&bytes, name), "{name} in {}", file.display());
        }
    }
    let backups = jury::store::backup::list(&db, Some(&key)).expect("list");
    assert_eq!(backups.len(), 1, "one backup, at the session's close");
    let backup = &backups[0].path;
    assert!(!contains(&std::fs::read(backup).expect("read"), APPLICANT));
    assert!(!is_clear_sqlite(backup));
    drop(store);

    // The sqlite3 tool sees no database in it, nor in its backup.
    assert!(!is_clear_sqlite(&db));
    for file in [&db, backup] {
        let out = sqlite3_reads(file);
        assert!(!out.status.success(), "sqlite3 read {}", file.display());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("not a database"),
            "{}",
            text(&out)
        );
    }
    // With the passphrase, Jury reads it and its record is intact.
    let pass = pass_file(dir.path(), "pass", PASS);
    let out = run(dir.path(), Some(&pass), &["verify", "--db", "jury.sqlite"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("Journal d'audit intact"),
        "{}",
        text(&out)
    );
    // Nothing from SQLCipher's log reaches stderr.
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn without_or_with_a_wrong_passphrase_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("jury.sqlite");
    drop(build(&db, Some(&Passphrase::new(PASS.into()))));
    let before = std::fs::read(&db).expect("read");
    let mtime = std::fs::metadata(&db)
        .expect("meta")
        .modified()
        .expect("mtime");
    let wrong = pass_file(dir.path(), "wrong", "pas la bonne");
    for args in [
        &["verify", "--db", "jury.sqlite"][..],
        &["export", "json", "--db", "jury.sqlite", "--out", "x.json"],
        &["minutes", "--db", "jury.sqlite", "--out", "pv"],
    ] {
        let out = run(dir.path(), Some(&wrong), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        // That line alone: nothing from SQLCipher's own log.
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "Phrase secrète incorrecte pour jury.sqlite (ou ce fichier n'est pas une base Jury) ; rien n'a été modifié.\n",
            "{args:?}"
        );
    }
    assert_eq!(std::fs::read(&db).expect("read"), before);
    assert_eq!(
        std::fs::metadata(&db)
            .expect("meta")
            .modified()
            .expect("mtime"),
        mtime
    );
    assert!(!dir.path().join("jury.sqlite-wal").exists());
    assert!(!dir.path().join("x.json").exists());
    assert!(!dir.path().join("x.json.age").exists());

    // Opened without a passphrase (no terminal to ask it on): said, and
    // nothing written either.
    let err = Store::open(&db).err().expect("refused");
    assert!(
        err.to_string().starts_with("Cette base est chiffrée : "),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).expect("read"), before);
}

#[test]
fn a_clear_database_is_encrypted_then_its_passphrase_changed() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("jury.sqlite");
    let store = build(&db, None);
    // A backup made while the database was clear.
    let backup = store
        .backup(&jury::store::backup::Reason::PacketImport)
        .expect("backup");
    drop(store);
    assert!(is_clear_sqlite(&backup));
    let made = jury::store::backup::list(&db, None).expect("list").len();
    let clear = run(dir.path(), None, &["verify", "--db", "jury.sqlite"]);
    assert!(clear.status.success(), "{}", text(&clear));
    let events = |o: &Output| -> usize {
        text(o)
            .lines()
            .find_map(|l| l.strip_prefix("Journal d'audit intact : "))
            .and_then(|l| l.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("the count line")
    };
    let counted = events(&clear);

    let first = pass_file(dir.path(), "first", PASS);
    let out = run(
        dir.path(),
        Some(&first),
        &["encrypt", "--db", "jury.sqlite"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("chiffrez le disque entier"),
        "{}",
        text(&out)
    );
    assert!(!is_clear_sqlite(&db));
    assert!(!contains(&std::fs::read(&db).expect("read"), APPLICANT));
    // The backup is encrypted with it: nothing stays in clear beside it.
    assert!(
        text(&out).contains(&format!("ses {made} sauvegarde(s) aussi")),
        "{}",
        text(&out)
    );
    assert!(!is_clear_sqlite(&backup));
    assert!(!contains(&std::fs::read(&backup).expect("read"), APPLICANT));
    assert!(!dir.path().join("jury.sqlite-wal").exists());
    let out = run(dir.path(), Some(&first), &["verify", "--db", "jury.sqlite"]);
    assert!(out.status.success(), "{}", text(&out));
    // Every event kept, and the encryption's own (replay leaves it aside).
    assert_eq!(events(&out), counted + 1);
    assert_eq!(mode(&db), 0o600);

    // Encrypting twice is refused.
    let out = run(
        dir.path(),
        Some(&first),
        &["encrypt", "--db", "jury.sqlite"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("déjà chiffrée"), "{}", text(&out));

    let second = pass_file(dir.path(), "second", "une autre phrase");
    let out = run(
        dir.path(),
        Some(&first),
        &[
            "passphrase",
            "--db",
            "jury.sqlite",
            "--new-passphrase-file",
            "second",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = run(
        dir.path(),
        Some(&second),
        &["verify", "--db", "jury.sqlite"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(events(&out), counted + 2);
    // The backup follows the new passphrase: it is listed readable.
    let key = Passphrase::new("une autre phrase".into());
    let listed = jury::store::backup::list(&db, Some(&key)).expect("list");
    assert_eq!(listed.len(), made);
    assert!(listed.iter().all(|b| b.events.is_some()), "{listed:?}");
    let raw = |sql: &str| -> String {
        let conn = rusqlite::Connection::open(&db).expect("open");
        conn.pragma_update(None, "key", "une autre phrase")
            .expect("key");
        conn.query_row(sql, [], |r| r.get(0)).expect("query")
    };
    assert_eq!(
        raw(
            "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit WHERE actor = 'jury' ORDER BY id)"
        ),
        "store.encrypt store.rekey"
    );
    let out = run(dir.path(), Some(&first), &["verify", "--db", "jury.sqlite"]);
    assert!(
        text(&out).contains("Phrase secrète incorrecte"),
        "{}",
        text(&out)
    );
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("meta").permissions().mode() & 0o777
}

#[test]
fn exports_and_minutes_of_an_encrypted_call_are_sealed_and_private() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("jury.sqlite");
    let key = Passphrase::new(PASS.into());
    drop(build(&db, Some(&key)));
    let pass = pass_file(dir.path(), "pass", PASS);
    let mut sealed = Vec::new();
    for (format, out) in [("json", "x.json"), ("csv", "x.csv")] {
        let o = run(
            dir.path(),
            Some(&pass),
            &["export", format, "--db", "jury.sqlite", "--out", out],
        );
        assert!(o.status.success(), "{}", text(&o));
        assert!(!dir.path().join(out).exists(), "no clear {out}");
        sealed.push(dir.path().join(format!("{out}.age")));
    }
    let o = run(
        dir.path(),
        Some(&pass),
        &["minutes", "--db", "jury.sqlite", "--out", "pv"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let minutes: Vec<PathBuf> = std::fs::read_dir(dir.path().join("pv"))
        .expect("pv")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(minutes.len(), 2, "{minutes:?}");
    sealed.extend(minutes);
    for file in &sealed {
        assert!(file.extension().is_some_and(|x| x == "age"), "{file:?}");
        let bytes = std::fs::read(file).expect("read");
        assert!(!contains(&bytes, APPLICANT), "{file:?}");
        assert_eq!(mode(file), 0o600, "{file:?}");
        let open = jury::io::seal::open_with_passphrase(&bytes, &key).expect("opens");
        let name = file.file_name().expect("name").to_string_lossy();
        if name.ends_with(".json.age") {
            assert!(contains(&open, APPLICANT), "the export names the applicant");
        } else if name.ends_with(".pdf.age") {
            assert!(open.starts_with(b"%PDF"));
        } else if name.ends_with(".odt.age") {
            assert!(open.starts_with(b"PK"));
        } else {
            assert!(contains(&open, "PDNP06-2025-001"), "{name}");
        }
    }
    assert_eq!(mode(&dir.path().join("pv")), 0o700);
    // Letters are addressed to applicants: they stay clear.
    let o = run(
        dir.path(),
        Some(&pass),
        &["letters", "--db", "jury.sqlite", "--out", "lettres"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let letters: Vec<PathBuf> = std::fs::read_dir(dir.path().join("lettres"))
        .expect("lettres")
        .map(|e| e.expect("entry").path())
        .collect();
    assert!(
        letters
            .iter()
            .any(|p| p.extension().is_some_and(|x| x == "pdf")),
        "{letters:?}"
    );
    assert!(
        !letters
            .iter()
            .any(|p| p.extension().is_some_and(|x| x == "age")),
        "{letters:?}"
    );
    // To a terminal or a pipe, an encrypted call's export is refused.
    let o = run(
        dir.path(),
        Some(&pass),
        &["export", "json", "--db", "jury.sqlite"],
    );
    // The command line lacks `--out`: nothing done (2).
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("--out FICHIER. Rien n'a été écrit."),
        "{}",
        text(&o)
    );
    assert!(!contains(&o.stdout, APPLICANT));
}

#[test]
fn backups_at_session_close_and_packet_import_are_listed_and_restored() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("jury.sqlite");
    let key = Passphrase::new(PASS.into());
    let pass = pass_file(dir.path(), "pass", PASS);
    let backups = dir.path().join("jury.sqlite.sauvegardes");
    let mut chair = build(&db, Some(&key));
    // The member's packet, as it comes back: their own bundle installed on
    // their laptop, a score, `jury packet export`.
    // (Sealed, as an encrypted call's bundle is; tests/sealed.rs follows
    // that flow whole, here only the chair's backups matter.)
    let lot = dir.path().join("lot.zip");
    let issued =
        jury::io::bundle::write(&mut chair, Some(&sample()), &lot, MEMBER).expect("bundle");
    drop(chair);
    let password = jury::io::seal::typed_password(&issued.password.expect("sealed"));
    let laptop = dir.path().join("portable");
    let installed = jury::io::bundle::unpack_sealed(&issued.path, &password, &laptop, &laptop)
        .expect("install");
    let mut member = Store::open(&dir.path().join("membre.sqlite")).expect("member db");
    read_folder(&installed.dir)
        .expect("installed call")
        .import_into(&mut member)
        .expect("import");
    member
        .save_score(&ScoreRow {
            reference: "PDNP06-2025-002".into(),
            member: MEMBER.into(),
            criterion: "experience".into(),
            value: Some(2.0),
            comment: String::new(),
        })
        .expect("score");
    drop(member);
    // Made afresh under umask 000 by the packet import below.
    std::fs::remove_dir_all(&backups).expect("clear the backups");
    let o = run(
        dir.path(),
        None,
        &[
            "packet",
            "export",
            "--db",
            "membre.sqlite",
            "--as",
            MEMBER,
            "--out",
            "p.json",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = run(
        dir.path(),
        Some(&pass),
        &["packet", "import", "p.json", "--db", "jury.sqlite"],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(mode(&backups), 0o700);
    let list = jury::store::backup::list(&db, Some(&key)).expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(mode(&list[0].path), 0o600);
    assert!(!is_clear_sqlite(&list[0].path));
    assert_eq!(list[0].reason, "avant import d'un paquet");
    // The same packet again changes nothing, and makes no copy that would
    // push a useful one out of the twenty kept.
    let o = run(
        dir.path(),
        Some(&pass),
        &["packet", "import", "p.json", "--db", "jury.sqlite"],
    );
    assert!(
        text(&o).contains("déjà importé, rien de changé"),
        "{}",
        text(&o)
    );
    assert_eq!(
        jury::store::backup::list(&db, Some(&key))
            .expect("list")
            .len(),
        1
    );

    // A second session: its close is backed up too.
    let mut store = Store::open_with(&db, Some(&key)).expect("open");
    let session = store
        .open_session(
            CHAIR,
            "2025-07-08",
            &[CHAIR.into(), MEMBER.into()],
            &Default::default(),
        )
        .expect("session");
    store.close_session(CHAIR, session).expect("close");
    drop(store);
    let o = run(dir.path(), Some(&pass), &["restore", "--db", "jury.sqlite"]);
    assert!(o.status.success(), "{}", text(&o));
    let listed = text(&o);
    assert!(listed.contains(" 1. "), "{listed}");
    assert!(listed.contains("avant import d'un paquet — "), "{listed}");
    assert!(
        listed.contains(" 2. ") && listed.contains("avant clôture de la séance 2 — "),
        "{listed}"
    );
    let events_at_1 = jury::store::backup::list(&db, Some(&key)).expect("list")[0]
        .events
        .clone()
        .expect("readable");

    // Restored while another Jury holds the base: refused.
    let holder = Store::open_with(&db, Some(&key)).expect("open");
    let o = run(
        dir.path(),
        Some(&pass),
        &["restore", "--db", "jury.sqlite", "1"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("déjà ouverte"), "{}", text(&o));
    drop(holder);

    let o = run(
        dir.path(),
        Some(&pass),
        &["restore", "--db", "jury.sqlite", "1"],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("Sauvegarde n° 1 restaurée"),
        "{}",
        text(&o)
    );
    let o = run(dir.path(), Some(&pass), &["verify", "--db", "jury.sqlite"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "Journal d'audit intact : {} événement(s).",
            events_at_1.0
        )),
        "{}",
        text(&o)
    );
    // The replaced database was kept as a third backup.
    let after = jury::store::backup::list(&db, Some(&key)).expect("list");
    assert_eq!(after.len(), 3);
    assert_eq!(after[2].reason, "avant restauration");
    assert_eq!(mode(&db), 0o600);

    let o = run(
        dir.path(),
        Some(&pass),
        &["restore", "--db", "jury.sqlite", "9"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("Pas de sauvegarde n° 9"), "{}", text(&o));
}

#[test]
fn backups_keep_the_latest_twenty() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("jury.sqlite");
    let store = build(&db, None);
    for _ in 0..jury::store::backup::KEEP + 3 {
        store
            .backup(&jury::store::backup::Reason::PacketImport)
            .expect("backup");
    }
    let list = jury::store::backup::list(&db, None).expect("list");
    assert_eq!(list.len(), jury::store::backup::KEEP);
    // Nothing else left beside them (no -wal, -shm or temporary file).
    let files = std::fs::read_dir(jury::store::backup::dir(&db))
        .expect("folder")
        .count();
    assert_eq!(files, jury::store::backup::KEEP);
    // The first one, at the session's close, was rotated out.
    assert!(list.iter().all(|b| b.reason == "avant import d'un paquet"));
}

#[test]
fn an_encrypted_database_keeps_the_chairs_identity_to_seal_to() {
    use jury::io::seal;
    let dir = tempfile::tempdir().expect("tmp");
    let key = Passphrase::new(PASS.into());
    let db = dir.path().join("jury.sqlite");
    let mut store = Store::open_with(&db, Some(&key)).expect("open");
    let identity = seal::chair_identity(&mut store)
        .expect("made")
        .expect("an encrypted database has one");
    drop(store);
    let mut store = Store::open_with(&db, Some(&key)).expect("reopen");
    let again = seal::chair_identity(&mut store)
        .expect("read")
        .expect("kept");
    assert_eq!(
        again.to_public().to_string(),
        identity.to_public().to_string()
    );
    let sealed = seal::seal_to(b"notes de Julien", &identity.to_public()).expect("seal");
    assert_eq!(
        seal::open_with_identity(&sealed, &again).expect("open"),
        b"notes de Julien"
    );
    // A clear database keeps no secret key.
    let mut clear = Store::open(&dir.path().join("clair.sqlite")).expect("open");
    assert!(seal::chair_identity(&mut clear).expect("read").is_none());
    assert_eq!(clear.meta(seal::CHAIR_IDENTITY_KEY).expect("meta"), None);
}

/// `jury SAMPLE --db DB --as CHAIR [extra]` in a pseudo-terminal.
fn tui(dir: &Path, db: &Path, extra: &[&str]) -> pty::Term {
    let mut args: Vec<std::ffi::OsString> = vec![
        sample().into(),
        "--db".into(),
        db.into(),
        "--as".into(),
        CHAIR.into(),
    ];
    args.extend(extra.iter().map(Into::into));
    pty::Term::spawn(
        env!("CARGO_BIN_EXE_jury"),
        &args,
        &dir.join("home"),
        120,
        40,
    )
}

#[test]
fn the_tui_asks_the_passphrase_masked_twice_and_opens_encrypted() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("jury.sqlite");
    let typed = "zèbre masqué";
    let mut app = tui(dir.path(), &db, &["--encrypt"]);
    app.wait_for("Nouvelle phrase secrète pour");
    app.send(&format!("{typed}\r"));
    app.wait_for("Retapez-la");
    app.send(&format!("{typed}\r"));
    let screen = app.wait_for("Dossiers (28/28)");
    assert!(!screen.contains(typed), "{screen}");
    app.send("q");
    app.wait_exit();
    assert!(!is_clear_sqlite(&db));

    // Reopened: asked once, masked, and a wrong one is refused in French.
    let mut app = tui(dir.path(), &db, &[]);
    app.wait_for("Phrase secrète de");
    app.send("mauvaise\r");
    let screen = app.wait_for("Phrase secrète incorrecte");
    assert!(!screen.contains("mauvaise"), "{screen}");
    app.wait_exit();

    let mut app = tui(dir.path(), &db, &[]);
    app.wait_for("Phrase secrète de");
    app.send(&format!("{typed}\r"));
    let screen = app.wait_for("Dossiers (28/28)");
    assert!(!screen.contains(typed), "{screen}");
    app.send("q");
    app.wait_exit();
}

/// An encrypted call is anonymised like a clear one: the record is checked
/// with its key afterwards, and its backups are deleted.
#[test]
fn an_encrypted_database_is_anonymised_and_checked_with_its_key() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("jury.sqlite");
    let key = Passphrase::new(PASS.into());
    let pass = pass_file(dir.path(), "pass", PASS);
    let store = build(&db, Some(&key));
    store
        .backup(&jury::store::backup::Reason::PacketImport)
        .expect("backup");
    drop(store);
    let backups = jury::store::backup::list(&db, Some(&key)).expect("list");
    assert!(!backups.is_empty());
    let o = run(
        dir.path(),
        Some(&pass),
        &["anonymise", "--db", "jury.sqlite", "--oui", "--forcer"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // A backup would give back what was erased: none is left.
    assert!(
        text(&o).contains(&format!(
            "{} sauvegarde(s) de la base supprimée(s)",
            backups.len()
        )),
        "{}",
        text(&o)
    );
    assert!(!jury::store::backup::dir(&db).exists());
    assert!(
        text(&o).contains("Empreinte finale (à reporter au procès-verbal) :"),
        "{}",
        text(&o)
    );
    let o = run(dir.path(), Some(&pass), &["verify", "--db", "jury.sqlite"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("intact"), "{}", text(&o));
}

/// `jury passphrase` ended midway (a signal, the power): whatever the
/// moment, the database and every backup open with one passphrase, the
/// database's, once Jury next looks at the backups.
#[test]
fn a_change_of_passphrase_cut_short_leaves_every_backup_readable() {
    use jury::store::backup::{self, Reason};
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("jury.sqlite");
    let (old, new) = (
        Passphrase::new("première phrase".into()),
        Passphrase::new("seconde phrase".into()),
    );
    let store = build(&db, Some(&old));
    for _ in 0..2 {
        store.backup(&Reason::PacketImport).expect("backup");
    }
    drop(store);
    let originals: Vec<PathBuf> = backup::list(&db, Some(&old))
        .expect("list")
        .into_iter()
        .map(|b| b.path)
        .collect();
    assert_eq!(originals.len(), 3);
    // The change carried out whole on a copy: its files under the new
    // passphrase are what an interrupted change leaves on the way.
    let copy = dir.path().join("copie");
    std::fs::create_dir_all(backup::dir(&copy.join("jury.sqlite"))).expect("mkdir");
    std::fs::copy(&db, copy.join("jury.sqlite")).expect("copy");
    let rekeyed: Vec<PathBuf> = originals
        .iter()
        .map(|p| {
            let to = backup::dir(&copy.join("jury.sqlite")).join(p.file_name().expect("name"));
            std::fs::copy(p, &to).expect("copy");
            to
        })
        .collect();
    Store::open_with(&copy.join("jury.sqlite"), Some(&old))
        .expect("open copy")
        .reencrypt(&new)
        .expect("rekey copy");
    let waiting = |p: &Path| PathBuf::from(format!("{}.rekey", p.display()));
    let readable = |key: &Passphrase| {
        let list = backup::list(&db, Some(key)).expect("list");
        assert_eq!(list.len(), 3);
        for b in &list {
            assert!(b.events.is_some(), "{} unreadable", b.path.display());
        }
        let left: Vec<_> = std::fs::read_dir(backup::dir(&db))
            .expect("folder")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(".sqlite"))
            .collect();
        assert!(left.is_empty(), "left beside the backups: {left:?}");
    };

    // Cut short before the database was replaced: the copies are dropped.
    for (original, copy) in originals.iter().zip(&rekeyed) {
        std::fs::copy(copy, waiting(original)).expect("copy");
    }
    readable(&old);

    // Cut short after it, one backup renamed already: the others follow.
    std::fs::copy(copy.join("jury.sqlite"), &db).expect("db under the new passphrase");
    std::fs::copy(&rekeyed[0], &originals[0]).expect("renamed");
    for (original, copy) in originals.iter().zip(&rekeyed).skip(1) {
        std::fs::copy(copy, waiting(original)).expect("copy");
    }
    readable(&new);
    // And the CLI says so too: every backup listed with its events.
    let pass = pass_file(dir.path(), "p", "seconde phrase");
    let out = run(dir.path(), Some(&pass), &["restore", "--db", "jury.sqlite"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("illisible"), "{}", text(&out));
}
