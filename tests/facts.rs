//! Reopening from the entries the last opening kept (issue 15): the same
//! entries as parsing every dossier again; read, not made again; dropped
//! when a dossier's row changes, whoever changes it; all made again when
//! the call changes.

use crate::common::harness;

use harness::*;
use jury::tui::{App, Options};
use jury_core::fr::Lang;
use std::path::Path;

const SAMPLES: [&str; 3] = [
    "samples/caf06-pdnp-2025",
    "samples/caf75-pdnp-2025",
    "samples/caf03-63-pdn-2024",
];

/// Each entry as the lists hold it: its fields, its text, its version.
fn entries(app: &App) -> Vec<(serde_json::Value, String, i64)> {
    app.state
        .batch
        .entries
        .iter()
        .map(|e| {
            (
                serde_json::to_value(e).expect("entry"),
                e.dossier.text().to_string(),
                e.version,
            )
        })
        .collect()
}

fn open_on(call: &Path, db: &Path) -> App {
    App::open(Options {
        call_dir: call.to_path_buf(),
        db: Some(db.to_path_buf()),
        reviewer: None,
        keymap: None,
        lang: Lang::Fr,
        color: true,
        letters_dir: Some(db.with_file_name("courriers")),
    })
    .expect("open")
}

fn sql(db: &Path, statement: &str) {
    let conn = rusqlite::Connection::open(db).expect("db");
    conn.execute_batch(statement).expect("sql");
}

fn count(db: &Path, query: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("db");
    conn.query_row(query, [], |r| r.get(0)).expect("count")
}

#[test]
fn reopening_from_kept_entries_gives_the_entries_a_parse_gives() {
    for sample in SAMPLES {
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("jury.sqlite");
        let call = root().join(sample);
        let first = open_on(&call, &db);
        let parsed = entries(&first);
        drop(first);
        assert!(!parsed.is_empty(), "{sample}: no dossier");
        assert_eq!(
            count(&db, "SELECT count(*) FROM entry_facts"),
            parsed.len() as i64,
            "{sample}: every entry kept"
        );
        let second = open_on(&call, &db);
        assert_eq!(entries(&second), parsed, "{sample}");
    }
}

#[test]
fn kept_entries_are_read_and_dropped_when_their_row_changes() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("jury.sqlite");
    let call = root().join(SAMPLE);
    drop(open_on(&call, &db));
    let reference = "PDNP06-2025-001";
    let city = |app: &App| {
        let i = app.state.entry_index(reference).expect("entry");
        app.state.batch.entries[i].dossier.city.clone()
    };

    // A city only the kept entry has: the opening read it, parsed nothing.
    sql(
        &db,
        &format!(
            "UPDATE entry_facts SET facts = json_set(facts, '$.dossier.city', 'Ville gardée')
             WHERE reference = '{reference}'"
        ),
    );
    let app = open_on(&call, &db);
    assert_eq!(city(&app), "Ville gardée");
    drop(app);

    // Any change to the dossier's row, by any writer, drops its entry.
    sql(
        &db,
        &format!("UPDATE dossiers SET source = source WHERE reference = '{reference}'"),
    );
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM entry_facts WHERE reference = '{reference}'")
        ),
        0
    );
    let app = open_on(&call, &db);
    assert_ne!(city(&app), "Ville gardée");
    assert!(!city(&app).is_empty());
}

#[test]
fn a_changed_call_makes_every_entry_again() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = dir.path().join("appel");
    copy_dir(&root().join(SAMPLE), &call);
    let db = dir.path().join("jury.sqlite");
    let before = entries(&open_on(&call, &db));

    // A deadline a month earlier: some dossiers become late.
    let path = call.join("appel.json");
    let text = std::fs::read_to_string(&path).expect("appel.json");
    assert!(text.contains("\"deadline\": \"2025-07-04\""));
    std::fs::write(
        &path,
        text.replace(
            "\"deadline\": \"2025-07-04\"",
            "\"deadline\": \"2025-06-04\"",
        ),
    )
    .expect("write");

    let reopened = entries(&open_on(&call, &db));
    let fresh_db = dir.path().join("neuve.sqlite");
    let fresh = entries(&open_on(&call, &fresh_db));
    assert_ne!(reopened, before, "the earlier deadline changes entries");
    assert_eq!(reopened, fresh);
}

/// Only the dossier on screen holds its text; every other card reads it
/// back, and reads the version it was made from.
fn only_the_text_on_screen_is_held(app: &App) {
    let entries = &app.state.batch.entries;
    let held: Vec<&str> = entries
        .iter()
        .filter(|e| e.dossier.holds_text())
        .map(|e| e.dossier.reference.as_str())
        .collect();
    let on_screen = app.state.current().expect("a dossier on screen");
    assert_eq!(held, [on_screen.dossier.reference.as_str()]);
    for e in entries {
        let text = e.dossier.text();
        assert!(!text.is_empty(), "{}", e.dossier.reference);
        assert_eq!(
            jury_core::sha256_hex(text.as_bytes()),
            e.dossier.hash,
            "{}",
            e.dossier.reference
        );
    }
}

#[test]
fn a_reopening_holds_only_the_text_on_screen_and_reads_the_others_back() {
    let s = open("samples/caf06-pdnp-2025", Some("Sylvie Marcellin"));
    let mut s = s.reopen_as("samples/caf06-pdnp-2025", "Sylvie Marcellin");
    only_the_text_on_screen_is_held(&s.app);
    // A dossier chosen then shows what only its text holds.
    s.select("PDNP06-2025-016");
    let screen = s.screen();
    assert!(screen.contains("BPJEPS Animation sociale"), "{screen}");
    assert!(
        !s.app.state.batch.entries[s.app.state.current_index().expect("selected")]
            .dossier
            .holds_text()
    );
}

#[test]
fn a_first_opening_keeps_the_entries_and_leaves_the_texts_in_the_base() {
    let mut s = open("samples/caf06-pdnp-2025", Some("Sylvie Marcellin"));
    // The import stored each dossier, then each entry left its text
    // there, as a reopening's do (at 100 000 dossiers, 170 Mo not held).
    only_the_text_on_screen_is_held(&s.app);
    let stored = s.app.state.batch.entries.len() as i64;
    assert!(stored > 10, "{stored}");
    assert_eq!(count(&s.db, "SELECT COUNT(*) FROM dossiers"), stored);
    // Their entries are kept for the next opening, which makes none again.
    assert_eq!(count(&s.db, "SELECT COUNT(*) FROM entry_facts"), stored);
    s.select("PDNP06-2025-016");
    let screen = s.screen();
    assert!(screen.contains("BPJEPS Animation sociale"), "{screen}");
}

#[test]
fn a_text_that_no_longer_reads_back_says_so_on_screen() {
    let s = open("samples/caf06-pdnp-2025", Some("Sylvie Marcellin"));
    let mut s = s.reopen_as("samples/caf06-pdnp-2025", "Sylvie Marcellin");
    // Damaged under the app, by something else than Jury.
    sql(
        &s.db,
        "UPDATE dossiers SET content = 'abîmé' WHERE reference = 'PDNP06-2025-016'",
    );
    s.select("PDNP06-2025-016");
    let screen = s.screen();
    assert!(screen.contains("n'a pas pu être relu"), "{screen}");
    // The others still read.
    s.select("PDNP06-2025-002");
    let screen = s.screen();
    assert!(!screen.contains("n'a pas pu être relu"), "{screen}");
    // Another dossier's text in a row is not taken for this one's: a card
    // shows only the text whose hash it holds.
    sql(
        &s.db,
        "UPDATE dossiers SET content = (SELECT content FROM dossiers WHERE reference = 'PDNP06-2025-002') WHERE reference = 'PDNP06-2025-005'",
    );
    s.select("PDNP06-2025-005");
    let screen = s.screen();
    assert!(screen.contains("n'a pas pu être relu"), "{screen}");
}

#[test]
fn a_stored_dossier_that_no_longer_reads_stops_the_opening_and_says_what_to_do() {
    let tmp = tempfile::tempdir().expect("tmp");
    let call = root().join(SAMPLES[0]);
    let db = tmp.path().join("j.sqlite");
    drop(open_on(&call, &db));
    sql(
        &db,
        "UPDATE dossiers SET content = 'x' WHERE reference = 'PDNP06-2025-007'",
    );
    let refused = App::open(Options {
        call_dir: call,
        db: Some(db.clone()),
        reviewer: None,
        keymap: None,
        lang: Lang::Fr,
        color: true,
        letters_dir: Some(db.with_file_name("courriers")),
    });
    let Err(e) = refused else {
        panic!("an unreadable dossier was opened");
    };
    let message = e.message(Lang::Fr);
    assert!(
        message.contains(
            "le dossier PDNP06-2025-007 enregistré dans la base ne se lit plus comme un dossier"
        ),
        "{message}"
    );
    assert!(message.contains("« jury verify --db "), "{message}");
    assert!(message.contains("Rien n'a été modifié."), "{message}");
}
