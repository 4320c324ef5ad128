//! Reopening from the picture the last opening kept (issue 15): the
//! entries and search index a parse of every dossier gives; read, not
//! made again; a dossier's row changed since, whoever changes it, made
//! again into it; all made again when the call changes or the picture is
//! damaged.

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

/// A temporary folder and the path of a database not yet created in it.
fn new_base() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("jury.sqlite");
    (dir, db)
}

fn sql(db: &Path, statement: &str) {
    let conn = rusqlite::Connection::open(db).expect("db");
    conn.execute_batch(statement).expect("sql");
}

fn count(db: &Path, query: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("db");
    conn.query_row(query, [], |r| r.get(0)).expect("count")
}

/// Each entry's folded search fields, as a keystroke reads them.
fn search_fields(app: &App) -> Vec<Vec<String>> {
    let index = &app.state.batch.search;
    (0..app.state.batch.entries.len())
        .map(|i| index.fields(i).map(str::to_string).collect())
        .collect()
}

/// The references of the rows changed since the picture was kept.
fn changed(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("db");
    let mut stmt = conn
        .prepare("SELECT reference FROM entry_snapshot_changed ORDER BY reference")
        .expect("changed");
    stmt.query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("references")
}

#[test]
fn a_reopening_reads_the_picture_the_last_opening_kept_whole() {
    for sample in SAMPLES {
        let (_dir, db) = new_base();
        let call = root().join(sample);
        let first = open_on(&call, &db);
        let (made, fields) = (entries(&first), search_fields(&first));
        // Gone before any event loop ran: it keeps the picture as it goes.
        drop(first);
        assert!(!made.is_empty(), "{sample}: no dossier");
        assert!(
            count(&db, "SELECT count(*) FROM entry_snapshot") >= 2,
            "{sample}: a head and the entries"
        );
        let second = open_on(&call, &db);
        assert_eq!(entries(&second), made, "{sample}");
        assert_eq!(search_fields(&second), fields, "{sample}");
        only_the_text_on_screen_is_held(&second);
        drop(second);
        // Without the picture, every entry is made again, the same.
        sql(&db, "DELETE FROM entry_snapshot");
        let third = open_on(&call, &db);
        assert_eq!(entries(&third), made, "{sample}");
        assert_eq!(search_fields(&third), fields, "{sample}");
    }
}

#[test]
fn the_picture_is_read_and_a_row_changed_since_is_made_again_into_it() {
    let (_dir, db) = new_base();
    let call = root().join(SAMPLE);
    let made = entries(&open_on(&call, &db));
    let reference = "PDNP06-2025-001";
    let city = |app: &App| {
        let i = app.state.entry_index(reference).expect("entry");
        app.state.batch.entries[i].dossier.city.clone()
    };

    // A row damaged behind the triggers' back: the opening reads the
    // picture and parses no dossier, so it does not notice.
    sql(
        &db,
        &format!(
            "DROP TRIGGER entry_snapshot_update;
             UPDATE dossiers SET content = 'abîmé' WHERE reference = '{reference}';"
        ),
    );
    let app = open_on(&call, &db);
    let fields_only = |entries: Vec<(serde_json::Value, String, i64)>| {
        let fields: Vec<_> = entries.into_iter().map(|(e, _, v)| (e, v)).collect();
        fields
    };
    assert_eq!(fields_only(entries(&app)), fields_only(made));
    drop(app);

    // Any change to a row, by any writer, is noted; the next opening
    // makes that entry again from the row, and only that one, then keeps
    // the picture anew.
    let (_dir, db) = new_base();
    let made = entries(&open_on(&call, &db));
    sql(
        &db,
        &format!(
            "UPDATE dossiers SET content = json_set(content, '$.structure.address.city', 'Ville changée')
             WHERE reference = '{reference}'"
        ),
    );
    assert_eq!(changed(&db), [reference]);
    let app = open_on(&call, &db);
    assert_eq!(city(&app), "Ville changée");
    let mended = entries(&app);
    only_the_text_on_screen_is_held(&app);
    drop(app);
    assert_eq!(changed(&db), Vec::<String>::new(), "kept anew");
    assert_eq!(mended.len(), made.len());
    let differ: Vec<usize> = (0..made.len()).filter(|i| mended[*i] != made[*i]).collect();
    let i = made
        .iter()
        .position(|(e, _, _)| e["dossier"]["reference"] == reference)
        .expect("001");
    assert_eq!(differ, [i], "only the changed entry");
    // As a parse of every dossier makes it, and as the next reopening
    // reads it back.
    sql(&db, "DELETE FROM entry_snapshot");
    assert_eq!(entries(&open_on(&call, &db)), mended);
    assert_eq!(entries(&open_on(&call, &db)), mended);
}

#[test]
fn any_change_to_a_dossier_row_is_noted_and_the_next_opening_mends_the_picture() {
    let (dir, db) = new_base();
    let call = root().join(SAMPLE);
    let made = entries(&open_on(&call, &db));
    let kept = || {
        count(
            &db,
            "SELECT count(*) FROM meta WHERE key = 'opening_fingerprint'",
        )
    };
    assert!(kept() > 0);
    sql(
        &db,
        "UPDATE dossiers SET source = source WHERE reference = 'PDNP06-2025-004'",
    );
    assert_eq!(changed(&db), ["PDNP06-2025-004"], "noted, whoever writes");
    let again = open_on(&call, &db);
    assert_eq!(entries(&again), made);
    drop(again);
    assert_eq!(changed(&db), Vec::<String>::new(), "kept anew");

    // A file arrived late, stored by the reading of the folder beside the
    // app: the next opening shows it.
    let folder = dir.path().join("appel");
    copy_dir(&call, &folder);
    let late = std::fs::read_to_string(folder.join("dossiers/PDNP06-2025-003.json"))
        .expect("003")
        .replace("PDNP06-2025-003", "PDNP06-2025-099");
    std::fs::write(folder.join("dossiers/PDNP06-2025-099.json"), late).expect("late");
    let mut app = open_on(&folder, &db);
    app.settle();
    let with_late = entries(&app);
    let fields = search_fields(&app);
    assert!(app.state.entry_index("PDNP06-2025-099").is_some());
    drop(app);
    assert_eq!(changed(&db), ["PDNP06-2025-099"]);
    let app = open_on(&folder, &db);
    assert_eq!(entries(&app), with_late);
    assert_eq!(search_fields(&app), fields);
    assert_eq!(app.state.batch.entries.len(), made.len() + 1);
    drop(app);
    assert_eq!(changed(&db), Vec::<String>::new());
    // A dossier's row gone: every entry is made again, without it.
    sql(
        &db,
        "PRAGMA foreign_keys = OFF; DELETE FROM dossiers WHERE reference = 'PDNP06-2025-099';",
    );
    assert_eq!(changed(&db), ["PDNP06-2025-099"]);
    std::fs::remove_file(folder.join("dossiers/PDNP06-2025-099.json")).expect("rm");
    let app = open_on(&folder, &db);
    assert_eq!(entries(&app), made);
    drop(app);
    assert_eq!(changed(&db), Vec::<String>::new());
}

/// A few rows changed among many are made again at each opening, the
/// picture left as it was kept; once they are more than one in 256, the
/// opening keeps it anew.
#[test]
fn a_few_changed_rows_are_mended_at_each_opening_many_keep_the_picture_anew() {
    let dir = tempfile::tempdir().expect("tmp");
    let folder = dir.path().join("appel");
    copy_dir(&root().join(SAMPLE), &folder);
    let model = std::fs::read_to_string(folder.join("dossiers/PDNP06-2025-002.json")).expect("002");
    for k in 0..600 {
        let reference = format!("PDNP06-2025-{}", 1000 + k);
        std::fs::write(
            folder.join(format!("dossiers/{reference}.json")),
            model.replace("PDNP06-2025-002", &reference),
        )
        .expect("copy");
    }
    let db = dir.path().join("jury.sqlite");
    let made = entries(&open_on(&folder, &db));
    assert!(made.len() > 600, "{}", made.len());
    let city = |app: &App, reference: &str| {
        let i = app.state.entry_index(reference).expect("entry");
        app.state.batch.entries[i].dossier.city.clone()
    };
    let correct = |reference: &str| {
        sql(
            &db,
            &format!(
                "UPDATE dossiers SET content = json_set(content, '$.structure.address.city', 'Ailleurs')
                 WHERE reference = '{reference}'"
            ),
        )
    };
    correct("PDNP06-2025-1007");
    for _ in 0..2 {
        let app = open_on(&folder, &db);
        assert_eq!(city(&app, "PDNP06-2025-1007"), "Ailleurs");
        assert_eq!(city(&app, "PDNP06-2025-1008"), "Puget-Théniers");
        drop(app);
        assert_eq!(changed(&db), ["PDNP06-2025-1007"], "left noted");
    }
    correct("PDNP06-2025-1008");
    correct("PDNP06-2025-1009");
    let app = open_on(&folder, &db);
    let mended = entries(&app);
    assert_eq!(city(&app, "PDNP06-2025-1009"), "Ailleurs");
    drop(app);
    assert_eq!(changed(&db), Vec::<String>::new(), "kept anew");
    assert_eq!(entries(&open_on(&folder, &db)), mended);
}

/// A picture kept anew forgets only the changes noted before it was made:
/// a row changed by another writer meanwhile, even one already noted,
/// stays noted for the next opening.
#[test]
fn a_change_noted_while_the_picture_is_made_stays_noted() {
    let (_dir, db) = new_base();
    drop(open_on(&root().join(SAMPLE), &db));
    let touch = |reference: &str| {
        sql(
            &db,
            &format!("UPDATE dossiers SET source = source WHERE reference = '{reference}'"),
        )
    };
    touch("PDNP06-2025-004");
    touch("PDNP06-2025-006");
    let mut store = jury::store::Store::open(&db).expect("store");
    let read = store.changed_since_kept().expect("changed");
    assert_eq!(read.rows.len(), 2);
    // Another writer, between the reading and the keeping.
    touch("PDNP06-2025-005");
    touch("PDNP06-2025-006");
    let fingerprint = store
        .meta("opening_fingerprint")
        .expect("meta")
        .expect("a picture kept");
    store
        .keep_opening(&fingerprint, std::iter::empty(), read.mark)
        .expect("keep");
    assert_eq!(changed(&db), ["PDNP06-2025-005", "PDNP06-2025-006"]);
}

#[test]
fn a_damaged_picture_is_made_again_from_the_dossiers() {
    let (_dir, db) = new_base();
    let call = root().join(SAMPLE);
    let first = open_on(&call, &db);
    let (made, fields) = (entries(&first), search_fields(&first));
    drop(first);
    for damage in [
        // Bytes that decode as nothing.
        "UPDATE entry_snapshot SET data = x'00ff' WHERE part = 1",
        // The head's count no longer that of the entries.
        "UPDATE entry_snapshot SET data = x'00' || data WHERE part = 0",
        // A part missing.
        "DELETE FROM entry_snapshot WHERE part = 1",
    ] {
        sql(&db, damage);
        let again = open_on(&call, &db);
        assert_eq!(entries(&again), made, "{damage}");
        assert_eq!(search_fields(&again), fields, "{damage}");
        drop(again);
        // Kept again whole by that opening, and read by the next.
        assert!(
            count(&db, "SELECT count(*) FROM entry_snapshot") >= 2,
            "{damage}"
        );
        let next = open_on(&call, &db);
        assert_eq!(entries(&next), made, "{damage}");
        drop(next);
    }
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

/// The event loop run until it has once found no key waiting, then
/// stopped by a signal.
fn idle_once(s: &mut harness::Session) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let signal = AtomicUsize::new(0);
    let mut events = |_wait: std::time::Duration| {
        signal.store(15, Ordering::SeqCst);
        Ok(None)
    };
    let ended = jury::tui::event_loop(&mut s.app, &mut s.term, &signal, &mut events).expect("loop");
    assert_eq!(ended, Some(15));
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
    // Their entries are kept whole for the next opening, which makes
    // none again: not before the first frame, which does not wait for
    // them, but at the event loop's first moment with no key waiting.
    assert!(s.app.keeps_opening());
    assert_eq!(count(&s.db, "SELECT COUNT(*) FROM entry_snapshot"), 0);
    idle_once(&mut s);
    assert!(!s.app.keeps_opening());
    assert!(count(&s.db, "SELECT COUNT(*) FROM entry_snapshot") >= 2);
    assert_eq!(changed(&s.db), Vec::<String>::new());
    s.select("PDNP06-2025-016");
    let screen = s.screen();
    assert!(screen.contains("BPJEPS Animation sociale"), "{screen}");
}

#[test]
fn a_first_opening_makes_its_entries_as_it_stores_and_reads_no_row_back() {
    for sample in SAMPLES {
        let call = root().join(sample);
        let (_clean_dir, clean) = new_base();
        let reference = open_on(&call, &clean);
        let (made, fields) = (entries(&reference), search_fields(&reference));
        drop(reference);
        // A base whose every row is damaged as soon as it is stored: an
        // opening that read the rows back would stop on the first.
        let (_dir, db) = new_base();
        drop(jury::store::Store::open(&db).expect("new base"));
        sql(
            &db,
            "CREATE TRIGGER damage AFTER INSERT ON dossiers BEGIN
               UPDATE dossiers SET content = 'abîmé' WHERE reference = NEW.reference;
             END;",
        );
        // The texts are left in the base, damaged there: the rest is the
        // same.
        let without_text = |app: &App| -> Vec<(serde_json::Value, i64)> {
            entries(app).into_iter().map(|(e, _, v)| (e, v)).collect()
        };
        let first = open_on(&call, &db);
        let made: Vec<_> = made.into_iter().map(|(e, _, v)| (e, v)).collect();
        assert_eq!(without_text(&first), made, "{sample}");
        assert_eq!(search_fields(&first), fields, "{sample}");
        assert_eq!(
            count(&db, "SELECT COUNT(*) FROM dossiers WHERE content = 'abîmé'"),
            made.len() as i64,
            "{sample}: every row damaged"
        );
        drop(first);
        // The picture it kept is what the reopening shows.
        let second = open_on(&call, &db);
        assert_eq!(without_text(&second), made, "{sample}");
        assert_eq!(search_fields(&second), fields, "{sample}");
    }
}

#[test]
fn a_first_opening_whose_files_are_not_in_reference_order_shows_the_rows_order() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = dir.path().join("appel");
    copy_dir(&root().join("samples/caf06-pdnp-2025"), &call);
    // Read last, stored last, yet the first reference.
    let files = call.join("dossiers");
    std::fs::rename(
        files.join("PDNP06-2025-001.json"),
        files.join("zz-arrivé-en-retard.json"),
    )
    .expect("rename");
    let db = dir.path().join("jury.sqlite");
    let first = open_on(&call, &db);
    let references: Vec<&str> = first
        .state
        .batch
        .entries
        .iter()
        .map(|e| e.dossier.reference.as_str())
        .collect();
    assert_eq!(references.first(), Some(&"PDNP06-2025-001"));
    assert!(references.is_sorted(), "{references:?}");
    let (made, fields) = (entries(&first), search_fields(&first));
    drop(first);
    // As the rows make them.
    sql(&db, "DELETE FROM entry_snapshot");
    let again = open_on(&call, &db);
    assert_eq!(entries(&again), made);
    assert_eq!(search_fields(&again), fields);
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
