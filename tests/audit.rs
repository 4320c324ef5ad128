//! The audit verifier against real databases written by the store, then
//! tampered with the way someone holding the file could.

use jury::io::import::read_folder;
use jury::store::Store;
use jury::store::audit::{read_events, read_merged, verify_file};
use jury_core::audit::event_hash;
use jury_core::audit::{Break, Event, head};
use jury_core::records::ScoreRow;
use rusqlite::{Connection, OpenFlags, params};
use std::path::{Path, PathBuf};

/// The call, its five members, its letter templates, 28 imports, one
/// reviewer added, 6 score changes.
const EVENTS: usize = 1 + 5 + 1 + 28 + 1 + 6;

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025")
}

fn score(member: &str, reference: &str, criterion: &str, value: f64, comment: &str) -> ScoreRow {
    ScoreRow {
        reference: reference.into(),
        member: member.into(),
        criterion: criterion.into(),
        value: Some(value),
        comment: comment.into(),
    }
}

fn fill(store: &mut Store) {
    let folder = read_folder(&sample()).expect("call folder");
    let report = folder.import_into(store).expect("import the call folder");
    assert_eq!(report.added, 28);
    // Not listed in the call: adding her is an event.
    store.ensure_member("Claire Dumas").expect("member");
    for row in [
        score("Nadia Benali", "PDNP06-2025-003", "experience", 4.0, ""),
        score(
            "Nadia Benali",
            "PDNP06-2025-003",
            "formation",
            1.5,
            "engagement écrit",
        ),
        score("Claire Dumas", "PDNP06-2025-003", "experience", 3.0, ""),
        score("Nadia Benali", "PDNP06-2025-012", "coherence", 2.0, ""),
        // A change of mind: an event with a `before`.
        score(
            "Nadia Benali",
            "PDNP06-2025-003",
            "experience",
            4.5,
            "revu après échange",
        ),
        score(
            "Julien Ferrand",
            "PDNP06-2025-001",
            "qualification",
            3.5,
            "",
        ),
    ] {
        store.save_score(&row).expect("save");
    }
    assert_eq!(store.audit_len().expect("audit len"), EVENTS as i64);
}

/// A closed database, as found the next day.
fn build(dir: &Path) -> PathBuf {
    let db = dir.join("jury.sqlite");
    let mut store = Store::open(&db).expect("open");
    fill(&mut store);
    drop(store);
    db
}

fn all_events(db: &Path) -> Vec<Event> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open");
    read_events(&conn, None).expect("events")
}

fn tamper(db: &Path, sql: &str, args: impl rusqlite::Params) {
    let conn = Connection::open(db).expect("raw open");
    assert_eq!(conn.execute(sql, args).expect("tamper"), 1);
}

#[test]
fn an_untouched_database_verifies_with_every_event_counted() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = build(dir.path());
    let v = verify_file(&db).expect("verify");
    assert_eq!(v.events, EVENTS);
    assert_eq!(v.first_break, None);
    assert!(v.is_intact());
    let events = all_events(&db);
    assert_eq!(events.len(), EVENTS);
    assert_eq!(head(&events), Some(events[EVENTS - 1].hash.as_str()));
    assert_eq!(events[0].prev_hash, "");
    // Verifying reads only: the same result twice, same final fingerprint.
    assert_eq!(verify_file(&db).expect("again"), v);
    assert_eq!(all_events(&db), events);
}

#[test]
fn a_database_in_use_by_a_running_jury_can_be_verified() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("jury.sqlite");
    let mut store = Store::open(&db).expect("open");
    fill(&mut store);
    let v = verify_file(&db).expect("verify while open");
    assert_eq!((v.events, v.first_break), (EVENTS, None));
    store
        .save_score(&score(
            "Agnès Tordo",
            "PDNP06-2025-007",
            "experience",
            2.0,
            "",
        ))
        .expect("save");
    let v = verify_file(&db).expect("verify after one more");
    assert_eq!((v.events, v.first_break), (EVENTS + 1, None));
}

#[test]
fn an_edited_value_is_reported_on_its_event() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = build(dir.path());
    let events = all_events(&db);
    let target = events
        .iter()
        .find(|e| e.action == "score" && e.target == "PDNP06-2025-012/coherence")
        .expect("score event");
    tamper(
        &db,
        "UPDATE audit SET after = ?1 WHERE id = ?2",
        params![r#"{"value":5.0,"comment":""}"#, target.id],
    );
    let v = verify_file(&db).expect("verify");
    assert_eq!(v.events, EVENTS);
    assert_eq!(v.first_break, Some(Break::HashMismatch { id: target.id }));
    assert_eq!(
        v.first_break.map(|b| b.to_string()).as_deref(),
        Some(
            format!(
                "événement n° {} modifié : son empreinte ne correspond plus à son contenu",
                target.id
            )
            .as_str()
        )
    );
}

#[test]
fn an_edited_actor_with_a_null_before_is_reported_too() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = build(dir.path());
    // An import event (before is NULL): rewrite who did it.
    tamper(
        &db,
        "UPDATE audit SET actor = 'Sylvie Marcellin' WHERE id = 5",
        [],
    );
    let v = verify_file(&db).expect("verify");
    assert_eq!(v.first_break, Some(Break::HashMismatch { id: 5 }));
}

#[test]
fn a_consistently_rehashed_event_breaks_the_next_link() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = build(dir.path());
    let events = all_events(&db);
    let e = events
        .iter()
        .rev()
        .find(|e| e.action == "score" && e.before.is_some())
        .expect("a changed score");
    assert!(e.id < EVENTS as i64, "not the last event");
    let after = r#"{"value":1.0,"comment":"revu après échange"}"#;
    let hash = event_hash(
        &e.prev_hash,
        &e.at,
        &e.actor,
        &e.action,
        &e.target,
        e.before.as_deref(),
        Some(after),
    );
    tamper(
        &db,
        "UPDATE audit SET after = ?1, hash = ?2 WHERE id = ?3",
        params![after, hash, e.id],
    );
    let v = verify_file(&db).expect("verify");
    assert_eq!(v.first_break, Some(Break::PrevMismatch { id: e.id + 1 }));
    assert_eq!(
        v.first_break.map(|b| b.to_string()),
        Some(format!(
            "événement n° {} : le chaînage avec l'événement précédent est rompu",
            e.id + 1
        ))
    );
}

#[test]
fn a_deleted_event_is_a_gap() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = build(dir.path());
    tamper(&db, "DELETE FROM audit WHERE id = 30", []);
    let v = verify_file(&db).expect("verify");
    assert_eq!(v.events, EVENTS - 1);
    assert_eq!(
        v.first_break,
        Some(Break::Gap {
            after: 29,
            next: 31
        })
    );
    assert_eq!(
        v.first_break.map(|b| b.to_string()).as_deref(),
        Some("événements supprimés entre le n° 29 et le n° 31")
    );
}

#[test]
fn deleted_first_events_are_a_gap_before_the_first_left() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = build(dir.path());
    let conn = Connection::open(&db).expect("raw open");
    assert_eq!(
        conn.execute("DELETE FROM audit WHERE id <= 2", [])
            .expect("delete"),
        2
    );
    drop(conn);
    let v = verify_file(&db).expect("verify");
    assert_eq!(v.first_break, Some(Break::Gap { after: 0, next: 3 }));
}

#[test]
fn deleting_the_last_event_only_changes_the_final_fingerprint() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = build(dir.path());
    let recorded = head(&all_events(&db)).map(str::to_owned);
    tamper(&db, "DELETE FROM audit WHERE id = ?1", [EVENTS as i64]);
    let v = verify_file(&db).expect("verify");
    assert_eq!((v.events, v.first_break), (EVENTS - 1, None));
    let now = head(&all_events(&db)).map(str::to_owned);
    assert!(now.is_some());
    assert_ne!(now, recorded);
}

#[test]
fn a_dossier_history_is_its_own_events_and_its_scores() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = build(dir.path());
    let conn = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open");
    // As the history pane reads it: comments put back from audit_private.
    let history = read_merged(&conn, Some("PDNP06-2025-003")).expect("history");
    let summary: Vec<(&str, &str, &str)> = history
        .iter()
        .map(|e| (e.action.as_str(), e.actor.as_str(), e.target.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("import", "import", "PDNP06-2025-003"),
            ("score", "Nadia Benali", "PDNP06-2025-003/experience"),
            ("score", "Nadia Benali", "PDNP06-2025-003/formation"),
            ("score", "Claire Dumas", "PDNP06-2025-003/experience"),
            ("score", "Nadia Benali", "PDNP06-2025-003/experience"),
        ]
    );
    assert!(history.windows(2).all(|w| w[0].id < w[1].id));
    assert_eq!(history[0].before, None);
    let change = &history[4];
    let before: serde_json::Value =
        serde_json::from_str(change.before.as_deref().expect("before")).expect("json");
    let after: serde_json::Value =
        serde_json::from_str(change.after.as_deref().expect("after")).expect("json");
    assert_eq!(before["value"], 4.0);
    assert_eq!(after["value"], 4.5);
    assert_eq!(after["comment"], "revu après échange");
    // The sealed payload itself holds the comment blanked, and a commitment.
    let raw = read_events(&conn, Some("PDNP06-2025-003")).expect("raw");
    let sealed: serde_json::Value =
        serde_json::from_str(raw[4].after.as_deref().expect("after")).expect("json");
    assert_eq!(sealed["comment"], "");
    assert_eq!(sealed["private"].as_str().map(str::len), Some(64));

    // A member's events are not a dossier's; an unknown target has no history.
    let claire = read_events(&conn, Some("Claire Dumas")).expect("member");
    assert_eq!(claire.len(), 1);
    assert_eq!(claire[0].action, "member.add");
    assert!(
        read_events(&conn, Some("PDNP06-2025-0"))
            .expect("none")
            .is_empty()
    );
    assert_eq!(read_events(&conn, None).expect("all").len(), EVENTS);
}

#[test]
fn files_that_are_not_jury_databases_get_french_errors() {
    let dir = tempfile::tempdir().expect("tmp");

    let missing = dir.path().join("absente.sqlite");
    let e = verify_file(&missing).expect_err("missing").to_string();
    assert!(e.contains("absente.sqlite"), "{e}");
    assert!(e.contains("introuvable"), "{e}");
    assert!(!missing.exists(), "verifying must not create the file");

    let text = dir.path().join("notes.sqlite");
    std::fs::write(
        &text,
        "Procès-verbal de la commission du 10 juillet 2025.\n".repeat(40),
    )
    .expect("write");
    let e = verify_file(&text).expect_err("not a database").to_string();
    assert!(e.contains("notes.sqlite"), "{e}");
    assert!(e.contains("n'est pas une base"), "{e}");

    let other = dir.path().join("autre.sqlite");
    let conn = Connection::open(&other).expect("open");
    conn.execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        .expect("create");
    drop(conn);
    let e = verify_file(&other).expect_err("no audit table").to_string();
    assert!(e.contains("journal d'audit"), "{e}");

    let e = verify_file(dir.path())
        .expect_err("a directory")
        .to_string();
    assert!(e.contains("dossier"), "{e}");
}
