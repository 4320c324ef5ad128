//! The store, reopened as a user would find it the next day.

use jury::io::import::read_folder;
use jury::store::{Store, StoreError};
use jury_core::records::ScoreRow;
use std::path::{Path, PathBuf};

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025")
}

fn open_synced(db: &Path, call_dir: &Path) -> (Store, jury::store::SyncReport) {
    let folder = read_folder(call_dir).expect("call");
    let mut store = Store::open(db).expect("open");
    let report = folder.import_into(&mut store).expect("import");
    (store, report)
}

fn row(reference: &str, criterion: &str, value: Option<f64>) -> ScoreRow {
    ScoreRow {
        reference: reference.into(),
        member: "Nadia Benali".into(),
        criterion: criterion.into(),
        value,
        comment: String::new(),
    }
}

#[test]
fn scores_survive_closing_and_reopening() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("j.sqlite");
    {
        let (mut store, _) = open_synced(&db, &sample());
        store.ensure_member("Nadia Benali").expect("member");
        store
            .save_score(&row("PDNP06-2025-003", "experience", Some(4.0)))
            .expect("save");
        store
            .save_score(&row("PDNP06-2025-003", "formation", Some(1.5)))
            .expect("save");
    }
    let store = Store::open(&db).expect("reopen");
    let scores = store.load_scores().expect("load");
    assert_eq!(scores.len(), 2);
    assert_eq!(scores[0].criterion, "experience");
    assert_eq!(scores[0].value, Some(4.0));
    assert_eq!(scores[1].value, Some(1.5));
    assert_eq!(store.load_dossiers().expect("dossiers").len(), 28);
}

#[test]
fn importing_the_same_batch_twice_changes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("j.sqlite");
    let (store, first) = open_synced(&db, &sample());
    assert_eq!(first.added, 28);
    let events = store.audit_len().expect("audit");
    drop(store);
    let (store, second) = open_synced(&db, &sample());
    assert_eq!(
        (second.added, second.unchanged, second.changed.len()),
        (0, 28, 0)
    );
    assert_eq!(store.audit_len().expect("audit"), events);
}

#[test]
fn a_changed_dossier_is_reported_and_never_overwritten() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = dir.path().join("call");
    copy_dir(&sample(), &call);
    let db = dir.path().join("j.sqlite");
    drop(open_synced(&db, &call));
    let file = call.join("dossiers/PDNP06-2025-004.json");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replace("Trait d'Union 06", "Trait d'Union 83")).expect("write");
    let (store, report) = open_synced(&db, &call);
    assert_eq!(report.changed.len(), 1);
    let d = &report.changed[0];
    assert_eq!(d.path, "dossiers/PDNP06-2025-004.json");
    assert!(
        d.message
            .contains("a changé dans son fichier depuis son import"),
        "{d}"
    );
    assert_eq!(report.pending.len(), 1, "offered for acceptance");
    let kept = store.load_dossiers().expect("load");
    let kept = kept
        .iter()
        .find(|d| d.reference == "PDNP06-2025-004")
        .expect("kept");
    assert!(
        kept.structure.contains("Trait d'Union 06"),
        "{}",
        kept.structure
    );
}

#[test]
fn a_second_jury_on_the_same_file_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("j.sqlite");
    let _first = Store::open(&db).expect("first");
    match Store::open(&db) {
        Err(e @ StoreError::Locked(..)) => {
            assert!(
                e.to_string().contains("déjà ouverte par un autre Jury"),
                "{e}"
            );
            // Jury writes its process number into the lock file.
            let pid = format!("processus {}", std::process::id());
            assert!(e.to_string().contains(&pid), "{e}");
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("second open must be refused"),
    }
}

/// A lock Jury did not take (no process number in the lock file) is not
/// blamed on another Jury.
#[test]
fn a_lock_held_by_another_program_says_so() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("j.sqlite");
    let lock = std::fs::File::create(dir.path().join("j.sqlite.lock")).expect("lock file");
    lock.try_lock().expect("take the lock");
    let Err(e) = Store::open(&db) else {
        panic!("opened a locked database")
    };
    let text = e.to_string();
    assert!(text.contains("ouverte par un autre programme"), "{text}");
    assert!(!text.contains("autre Jury"), "{text}");
    assert!(
        e.message(jury_core::fr::Lang::En)
            .contains("open in another program"),
        "{e:?}"
    );
}

#[test]
fn a_database_of_another_call_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("j.sqlite");
    drop(open_synced(&db, &sample()));
    let other =
        read_folder(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf75-pdnp-2025"))
            .expect("call");
    let mut store = Store::open(&db).expect("open");
    let e = store.sync_call(&other.call).expect_err("other call");
    assert!(
        e.to_string()
            .contains("appartient à l'appel « caf06-pdnp-2025 »"),
        "{e}"
    );
}

#[test]
fn a_file_that_is_not_a_database_gets_a_french_message() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("notes.txt");
    std::fs::write(
        &db,
        "ceci n'est pas une base SQLite, mais un texte assez long pour l'en-tête".repeat(20),
    )
    .expect("write");
    let e = Store::open(&db).err().expect("refused");
    assert!(e.to_string().contains("n'est pas une base Jury"), "{e}");
}

#[test]
fn schema_version_and_pragmas_are_set() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("j.sqlite");
    drop(Store::open(&db).expect("open"));
    let conn = rusqlite::Connection::open(&db).expect("raw");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("v");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode");
    assert_eq!(version, 28);
    assert_eq!(mode, "wal");
}

/// Each new event reads the chain's head from the index, never from the
/// last event's row, whose payload can be a session's every frozen basis
/// (SQLite would walk all its pages to reach the hash after it).
#[test]
fn the_chain_head_is_read_from_its_index() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("j.sqlite");
    drop(Store::open(&db).expect("open"));
    let conn = rusqlite::Connection::open(&db).expect("raw");
    let plan: Vec<String> = conn
        .prepare("EXPLAIN QUERY PLAN SELECT hash FROM audit ORDER BY id DESC LIMIT 1")
        .expect("plan")
        .query_map([], |r| r.get::<_, String>(3))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("read");
    assert_eq!(plan, ["SCAN audit USING COVERING INDEX audit_head"]);
}

/// A first import writes with a rollback journal, then the base is back
/// on its write-ahead log; with a reader on the base, the import keeps the
/// log and still stores everything.
#[test]
fn a_first_import_journals_in_bulk_then_goes_back_to_the_log() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("j.sqlite");
    // As a new connection finds the base (one open before keeps the mode
    // it found until it reads again).
    let mode = |db: &Path| -> String {
        rusqlite::Connection::open(db)
            .and_then(|conn| conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)))
            .expect("mode")
    };
    let folder = read_folder(&sample()).expect("call");
    let mut store = Store::open(&db).expect("open");
    let during = store
        .in_bulk(|store| {
            let during = mode(&db);
            folder.import_into(store).map(|_| during)
        })
        .expect("import");
    assert_eq!(during, "delete");
    assert_eq!(mode(&db), "wal");
    drop(store);

    let db = dir.path().join("lue.sqlite");
    let mut store = Store::open(&db).expect("open");
    let reader = rusqlite::Connection::open(&db).expect("raw");
    let reading = reader.unchecked_transaction().expect("read");
    let _: i64 = reading
        .query_row("SELECT count(*) FROM dossiers", [], |r| r.get(0))
        .expect("count");
    let during = store
        .in_bulk(|store| {
            let during = mode(&db);
            folder.import_into(store).map(|_| during)
        })
        .expect("import with a reader");
    drop(reading);
    assert_eq!(during, "wal");
    let stored: i64 = reader
        .query_row("SELECT count(*) FROM dossiers", [], |r| r.get(0))
        .expect("count");
    assert_eq!(stored as usize, folder.dossiers.len());
    assert_eq!(mode(&db), "wal");
}

#[test]
fn each_score_appends_one_chained_audit_event() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("j.sqlite");
    let (mut store, _) = open_synced(&db, &sample());
    store.ensure_member("Nadia Benali").expect("member");
    let before = store.audit_len().expect("n");
    store
        .save_score(&row("PDNP06-2025-001", "experience", Some(3.0)))
        .expect("save");
    store
        .save_score(&row("PDNP06-2025-001", "experience", Some(3.0)))
        .expect("same value: no event");
    store
        .save_score(&row("PDNP06-2025-001", "experience", Some(4.0)))
        .expect("save");
    assert_eq!(store.audit_len().expect("n"), before + 2);
    drop(store);
    let conn = rusqlite::Connection::open(&db).expect("raw");
    let mut stmt = conn
        .prepare("SELECT at, actor, action, target, before, after, prev_hash, hash FROM audit ORDER BY id")
        .expect("prepare");
    let rows: Vec<Event> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut prev = String::new();
    for r in &rows {
        assert_eq!(r.6, prev);
        let h = jury_core::audit::event_hash(
            &r.6,
            &r.0,
            &r.1,
            &r.2,
            &r.3,
            r.4.as_deref(),
            r.5.as_deref(),
        );
        assert_eq!(h, r.7);
        prev = r.7.clone();
    }
    let last = rows.last().expect("events");
    assert_eq!(last.3, "PDNP06-2025-001/experience");
    assert!(last.4.as_deref().unwrap_or("").contains("3.0"));
    assert!(last.5.as_deref().unwrap_or("").contains("4.0"));
}

/// at, actor, action, target, before, after, prev_hash, hash
type Event = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
);

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copy");
        }
    }
}

/// A database with one closed session deciding PDNP06-2025-001, and the
/// decision's id.
fn decided(db: &Path) -> (Store, i64) {
    let (mut store, _) = open_synced(db, &sample());
    let chair = "Sylvie Marcellin".to_string();
    let present = vec![
        chair.clone(),
        "Nadia Benali".into(),
        "Julien Ferrand".into(),
    ];
    let session = store
        .open_session(&chair, "2025-07-07", &present, &Default::default())
        .expect("open");
    let draft = jury_core::decision::Draft {
        reference: "PDNP06-2025-001".into(),
        kind: "retenu".into(),
        motivation: String::new(),
        condition: String::new(),
        waitlist_rank: None,
        documents: String::new(),
        ..Default::default()
    };
    store
        .record_decision(&chair, session, &draft, false, false)
        .expect("decide");
    store.close_session(&chair, session).expect("close");
    let conn = rusqlite::Connection::open(db).expect("raw");
    let id = conn
        .query_row("SELECT id FROM decisions", [], |r| r.get(0))
        .expect("one decision");
    (store, id)
}

#[test]
fn a_letter_is_not_marked_sent_before_the_date_it_carries() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("j.sqlite");
    let (mut store, id) = decided(&db);
    let r = "PDNP06-2025-001";
    store
        .record_letter(
            "Nadia Benali",
            r,
            id,
            ("a.pdf", "a.odt", None),
            "h",
            ("2025-07-09", "2025-07-09T08:30:00.000Z"),
        )
        .expect("letter");
    let refused = store
        .mark_sent("Nadia Benali", r, id, "post", "2025-07-08")
        .expect_err("sent before it was signed");
    assert_eq!(
        refused.to_string(),
        "Date d'envoi refusée : le courrier est daté du 9 juillet 2025, il ne peut pas être parti le 8 juillet 2025."
    );
    store
        .mark_sent("Nadia Benali", r, id, "post", "2025-07-09")
        .expect("sent the day it was signed");
    let letters = store.letters().expect("letters");
    assert_eq!(letters[0].signed_on.as_deref(), Some("2025-07-09"));
    assert_eq!(letters[0].sent_at.as_deref(), Some("2025-07-09"));
}

#[test]
fn letters_produced_before_signature_dates_read_back_undated() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("j.sqlite");
    let (mut store, id) = decided(&db);
    store
        .record_letter(
            "Nadia Benali",
            "PDNP06-2025-001",
            id,
            ("a.pdf", "a.odt", None),
            "h",
            ("2025-07-09", "2025-07-09T08:30:00.000Z"),
        )
        .expect("letter");
    drop(store);
    // The database as version 4 left it: letters without their date.
    let conn = rusqlite::Connection::open(&db).expect("raw");
    conn.execute_batch(
        "DROP TRIGGER entry_snapshot_insert; DROP TRIGGER entry_snapshot_update; DROP TRIGGER entry_snapshot_delete; DROP TABLE entry_snapshot_changed; DROP TABLE entry_snapshot; DROP INDEX dossiers_version; DROP INDEX dossiers_corrected; DROP TABLE validations; DROP TABLE issued_shortlist; DROP TABLE assignments; ALTER TABLE letters DROP COLUMN signed_on; DROP TABLE decision_snapshots; ALTER TABLE decisions DROP COLUMN guarded; DROP TABLE chair_key; DROP TABLE member_keys; DROP TABLE audit_private; DROP TABLE piece_requests; DROP TRIGGER scores_version_insert; DROP TRIGGER scores_version_update; DROP TABLE dossier_versions; ALTER TABLE dossiers DROP COLUMN version; ALTER TABLE scores DROP COLUMN dossier_version; DROP TABLE absences; ALTER TABLE sessions DROP COLUMN stage; DROP TABLE audition_slots; DROP TABLE audition_unavailability; DROP TABLE convocations; ALTER TABLE decisions DROP COLUMN amount; ALTER TABLE decisions DROP COLUMN budget_override; DROP TABLE withdrawals; ALTER TABLE sessions DROP COLUMN lot; DROP TABLE folder_files; PRAGMA user_version = 4;",
    )
        .expect("downgrade");
    drop(conn);
    let mut store = Store::open(&db).expect("migrated");
    let letters = store.letters().expect("letters");
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].signed_on, None);
    // No date to compare with: sending is recorded as before.
    store
        .mark_sent("Nadia Benali", "PDNP06-2025-001", id, "email", "2025-07-08")
        .expect("sent");
}

/// Issue 9: whatever asks, the store refuses a decision or a consensus score
/// from a member in conflict on the dossier; another member records it.
#[test]
fn a_member_in_conflict_records_neither_decision_nor_consensus() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("j.sqlite");
    let (mut store, _) = open_synced(&db, &sample());
    let chair = "Sylvie Marcellin";
    let reference = "PDNP06-2025-004";
    store
        .set_conflict(chair, reference, chair, true, "Administratrice")
        .expect("conflict");
    let session = store
        .open_session(
            chair,
            "2025-07-07",
            &[chair.into(), "Nadia Benali".into(), "Julien Ferrand".into()],
            &Default::default(),
        )
        .expect("session");
    let draft = jury_core::decision::Draft {
        reference: reference.into(),
        kind: "retenu".into(),
        ..Default::default()
    };
    let e = store
        .record_decision(chair, session, &draft, false, true)
        .expect_err("in conflict");
    assert!(e.to_string().contains("conflit d'intérêts"), "{e}");
    let e = store
        .set_consensus(chair, reference, "experience", Some(4.0))
        .expect_err("in conflict");
    assert!(e.to_string().contains("conflit d'intérêts"), "{e}");
    store
        .record_decision("Nadia Benali", session, &draft, false, true)
        .expect("the secretary stands in");
}

/// Issue 15: the call folder's file names and pieces' paths the database
/// keeps to reopen quickly can name applicants; anonymising forgets them.
#[test]
fn anonymising_forgets_the_folder_s_files() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("j.sqlite");
    let (mut store, _) = open_synced(&db, &sample());
    assert_eq!(store.known_files().expect("known").len(), 28);
    let call = read_folder(&sample()).expect("call").call;
    store
        .anonymise("Sylvie Marcellin", &call)
        .expect("anonymised");
    assert!(store.known_files().expect("known").is_empty());
}
