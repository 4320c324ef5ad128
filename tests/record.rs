//! `jury verify` holds the tables to the log: a database where the committee
//! did everything it can do (scores, comments, clearing, conflicts declared
//! and withdrawn, overrides, consensus, a session with its decisions and
//! outcome, letters produced, sent, acknowledged, an undo) verifies intact;
//! then every column of every row the documents read is edited, one at a
//! time, on a copy, and `jury verify` must name it. A deleted last event and
//! a rewritten chain are caught through the fingerprint signed in the minutes.

use chrono::{NaiveDate, NaiveTime};
use jury::io::import::read_folder;
use jury::store::Store;
use jury::store::audit::verify_record;
use jury::store::record::Signed;
use jury_core::call::Role;
use jury_core::decision::Draft;
use jury_core::records::ScoreRow;
use jury_core::stage::{Slot, Span, Unavailable, Who};
use rusqlite::types::Value;
use rusqlite::{Connection, params};
use std::path::{Path, PathBuf};

const CHAIR: &str = "Sylvie Marcellin";
const SECRETARY: &str = "Nadia Benali";
const MEMBER: &str = "Julien Ferrand";

fn score(member: &str, reference: &str, criterion: &str, value: Option<f64>) -> ScoreRow {
    ScoreRow {
        reference: reference.into(),
        member: member.into(),
        criterion: criterion.into(),
        value,
        comment: if value.is_some() {
            format!("vu par {member}")
        } else {
            String::new()
        },
    }
}

fn draft(reference: &str, kind: &str, motivation: &str) -> Draft {
    Draft {
        reference: reference.into(),
        kind: kind.into(),
        motivation: motivation.into(),
        ..Draft::default()
    }
}

/// Everything a committee records, through the store as the app does it.
fn build(dir: &Path) -> PathBuf {
    let db = dir.join("jury.sqlite");
    let mut store = Store::open(&db).expect("open");
    let folder =
        read_folder(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025"))
            .expect("call folder");
    folder.import_into(&mut store).expect("import");
    store
        .add_member(CHAIR, "Claire Dumas", Role::Rapporteur)
        .expect("member added");
    for m in [CHAIR, SECRETARY, MEMBER] {
        for (r, c, v) in [
            ("PDNP06-2025-001", "experience", 4.0),
            ("PDNP06-2025-001", "qualification", 3.0),
            ("PDNP06-2025-004", "experience", 2.0),
        ] {
            store.save_score(&score(m, r, c, Some(v))).expect("score");
        }
    }
    // A change of mind, a score cleared, a score undone.
    store
        .save_score(&score(MEMBER, "PDNP06-2025-001", "experience", Some(5.0)))
        .expect("rescore");
    store
        .save_score(&score(SECRETARY, "PDNP06-2025-004", "experience", None))
        .expect("clear");
    store
        .save_score(&score(
            MEMBER,
            "PDNP06-2025-004",
            "qualification",
            Some(1.0),
        ))
        .expect("score");
    store.undo_last(MEMBER).expect("undo");
    store
        .set_conflict(MEMBER, "PDNP06-2025-002", MEMBER, true, "ancien salarié")
        .expect("conflict");
    store
        .set_conflict(SECRETARY, "PDNP06-2025-005", SECRETARY, true, "voisine")
        .expect("conflict");
    store
        .set_conflict(SECRETARY, "PDNP06-2025-005", SECRETARY, false, "")
        .expect("withdrawn");
    store
        .set_override(
            CHAIR,
            "PDNP06-2025-003",
            Some((true, "pièce reçue le 3 juillet")),
        )
        .expect("override");
    store
        .set_consensus(CHAIR, "PDNP06-2025-001", "experience", Some(4.0))
        .expect("consensus");
    // Rapporteurs: one by hand, a proposal applied, one taken back.
    store
        .set_assignment(CHAIR, "PDNP06-2025-001", MEMBER, true)
        .expect("assigned");
    let pairs = [
        ("PDNP06-2025-004".to_string(), MEMBER.to_string()),
        ("PDNP06-2025-004".to_string(), "Claire Dumas".to_string()),
        ("PDNP06-2025-003".to_string(), CHAIR.to_string()),
    ];
    assert_eq!(
        store
            .apply_proposal(SECRETARY, &pairs, 2, Some(9))
            .expect("proposal"),
        3
    );
    store
        .set_assignment(SECRETARY, "PDNP06-2025-003", CHAIR, false)
        .expect("removed");
    // The audition timetable: proposed, moved, swapped, fixed, with an
    // unavailability recorded.
    let slot = |reference: &str, day: u32, hour: u32| Slot {
        reference: reference.into(),
        day: NaiveDate::from_ymd_opt(2025, 7, day).expect("day"),
        span: Span {
            from: NaiveTime::from_hms_opt(hour, 0, 0).expect("time"),
            to: NaiveTime::from_hms_opt(hour, 45, 0).expect("time"),
        },
        panel: vec![CHAIR.into(), MEMBER.into()],
        fixed: false,
    };
    store
        .propose_schedule(
            SECRETARY,
            &[
                slot("PDNP06-2025-001", 10, 9),
                slot("PDNP06-2025-004", 10, 14),
            ],
        )
        .expect("proposed");
    store
        .move_slot(SECRETARY, &slot("PDNP06-2025-001", 11, 9))
        .expect("moved");
    store
        .swap_slots(
            SECRETARY,
            &slot("PDNP06-2025-001", 10, 14),
            &slot("PDNP06-2025-004", 11, 9),
        )
        .expect("swapped");
    store
        .set_slot_fixed(SECRETARY, "PDNP06-2025-004", true)
        .expect("fixed");
    store
        .record_unavailable(
            SECRETARY,
            &Unavailable {
                who: Who::Member(MEMBER.into()),
                day: NaiveDate::from_ymd_opt(2025, 7, 15).expect("day"),
                span: Some(Span {
                    from: NaiveTime::from_hms_opt(14, 0, 0).expect("time"),
                    to: NaiveTime::from_hms_opt(16, 0, 0).expect("time"),
                }),
            },
        )
        .expect("unavailable");
    // A convocation to the audition, then a corrected one.
    for (n, day) in [(1, "2025-07-10"), (2, "2025-07-11")] {
        store
            .record_convocation(
                SECRETARY,
                &jury_core::convocation::ConvocationRow {
                    reference: "PDNP06-2025-004".into(),
                    n,
                    day: day.into(),
                    start: "09:00".into(),
                    end: "09:45".into(),
                    panel: vec![CHAIR.into(), MEMBER.into()],
                    pdf: format!("c{n}.pdf"),
                    odt: format!("c{n}.odt"),
                    eml: format!("c{n}.eml"),
                    ics: format!("c{n}.ics"),
                    hash: format!("{n}0123abcd"),
                    signed_on: "2025-07-03".into(),
                    generated_at: "2025-07-03T08:30:00.000Z".into(),
                },
            )
            .expect("convocation");
    }
    let session = store
        .open_session(
            CHAIR,
            "2025-07-07",
            &[CHAIR.into(), SECRETARY.into(), MEMBER.into()],
            &Default::default(),
        )
        .expect("session");
    store
        .record_decision(
            CHAIR,
            session,
            // An aid granted past the envelope with the chair's reason:
            // both columns have a value for the sweep to edit.
            &Draft {
                amount: Some(1000.0),
                budget_override: "Projet prioritaire du schéma départemental".into(),
                ..draft("PDNP06-2025-001", "retenu", "")
            },
            false,
            false,
        )
        .expect("decision");
    store
        .record_decision(
            CHAIR,
            session,
            &draft("PDNP06-2025-004", "non_retenu", "Projet trop peu détaillé."),
            false,
            true,
        )
        .expect("decision");
    store
        .record_outcome(CHAIR, session, false, "Deux candidatures retenues.")
        .expect("outcome");
    store.close_session(CHAIR, session).expect("close");
    let decision: i64 = Connection::open(&db)
        .expect("db")
        .query_row(
            "SELECT id FROM decisions WHERE reference = 'PDNP06-2025-001'",
            [],
            |r| r.get(0),
        )
        .expect("decision id");
    store
        .record_letter(
            SECRETARY,
            "PDNP06-2025-001",
            decision,
            ("a.pdf", "a.odt", Some("a.eml")),
            "0123abcd",
            ("2025-07-09", "2025-07-09T08:30:00.000Z"),
        )
        .expect("letter");
    store
        .mark_sent(
            SECRETARY,
            "PDNP06-2025-001",
            decision,
            "email",
            "2025-07-10",
        )
        .expect("sent");
    store
        .mark_acknowledged(SECRETARY, "PDNP06-2025-001", decision, "2025-07-12")
        .expect("acknowledged");
    // An institution's answer on the closed session, and an absence.
    store
        .record_validation(
            SECRETARY,
            &jury_core::institutions::Validation {
                session_id: session,
                institution: "caf06".into(),
                validated: false,
                by: "Catherine Orsini-Ravel".into(),
                on: chrono::NaiveDate::from_ymd_opt(2025, 7, 11).expect("date"),
                reasons: "Pièce manquante".into(),
            },
        )
        .expect("validation");
    store
        .set_absence(SECRETARY, "PDNP06-2025-002", true)
        .expect("absence");
    drop(store);
    db
}

/// [`build`], then two candidates waitlisted in a second session; the
/// accepted one withdraws and the chair promotes the first of the list in
/// a third, the second moving up.
fn build_withdrawn(dir: &Path) -> PathBuf {
    let db = build(dir);
    let mut store = Store::open(&db).expect("reopen");
    let present = [CHAIR.to_string(), SECRETARY.into(), MEMBER.into()];
    let second = store
        .open_session(CHAIR, "2025-07-21", &present, &Default::default())
        .expect("second session");
    for (reference, rank) in [("PDNP06-2025-005", 1), ("PDNP06-2025-003", 2)] {
        store
            .record_decision(
                CHAIR,
                second,
                &Draft {
                    waitlist_rank: Some(rank),
                    ..draft(reference, "liste_complementaire", "Projet solide.")
                },
                false,
                false,
            )
            .expect("waitlisted");
    }
    store.close_session(CHAIR, second).expect("close");
    store
        .record_withdrawal(SECRETARY, "PDNP06-2025-001", None, "2025-09-03", "post")
        .expect("withdrawal");
    let third = store
        .open_session(CHAIR, "2025-09-10", &present, &Default::default())
        .expect("third session");
    store
        .promote(
            CHAIR,
            "PDNP06-2025-001",
            third,
            &draft("PDNP06-2025-005", "retenu", "Promue."),
            &[("PDNP06-2025-003".into(), 1)],
            false,
            false,
        )
        .expect("promotion");
    store.close_session(CHAIR, third).expect("close");
    drop(store);
    db
}

/// The committee's database, then one statement run on it from outside
/// Jury (keep `dir`: the database lives in it).
fn built_and_edited(sql: &str, values: impl rusqlite::Params) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp");
    let db = build(dir.path());
    Connection::open(&db)
        .expect("db")
        .execute(sql, values)
        .expect("edit");
    (dir, db)
}

fn head(db: &Path) -> String {
    verify_record(db, None)
        .expect("verify")
        .chain
        .head
        .expect("a head")
}

#[test]
fn a_database_written_by_jury_verifies_intact_row_by_row() {
    let dir = tempfile::tempdir().expect("temp");
    let db = build(dir.path());
    let r = verify_record(&db, None).expect("verify");
    assert!(r.chain.is_intact(), "{:?}", r.chain.first_break);
    assert_eq!(r.integrity, Vec::<String>::new());
    assert_eq!(r.differences, Vec::<String>::new());
    assert!(r.is_intact());
}

/// The columns a document or a screen reads, by table; left out, with why:
/// ids (rows are matched by what they are about), timestamps other than a
/// session's closing day and whether a conflict was withdrawn (the tables
/// and the events take the clock apart),
/// the ODT and EML file names and a dossier's source file (not the record).
const EDITABLE: &[(&str, &[&str])] = &[
    ("members", &["name", "role"]),
    // The personal parts of events, held to their commitments.
    ("audit_private", &["event_id", "salt", "content"]),
    (
        "scores",
        &["reference", "member", "criterion", "value", "comment"],
    ),
    (
        "conflicts",
        &["reference", "member", "reason", "withdrawn_at"],
    ),
    ("overrides", &["reference", "verdict", "justification"]),
    ("assignments", &["reference", "member", "by"]),
    ("consensus", &["reference", "criterion", "value"]),
    (
        "sessions",
        &["date", "opened_by", "closed_by", "closed_at", "stage"],
    ),
    ("absences", &["reference", "by"]),
    (
        "validations",
        &[
            "session_id",
            "institution",
            "validated",
            "signed_by",
            "signed_on",
            "reasons",
        ],
    ),
    ("session_members", &["session_id", "member"]),
    (
        "decisions",
        &[
            "session_id",
            "reference",
            "kind",
            "motivation",
            "condition",
            "waitlist_rank",
            "documents",
            "without_quorum",
            "guarded",
            "amount",
            "budget_override",
            "by",
        ],
    ),
    (
        "outcomes",
        &["session_id", "unsuccessful", "motivation", "by"],
    ),
    (
        "letters",
        &[
            "reference",
            "decision_id",
            "pdf",
            "hash",
            "sent_at",
            "channel",
            "acknowledged_at",
            "signed_on",
        ],
    ),
    ("dossiers", &["reference", "content", "hash"]),
    (
        "decision_snapshots",
        &["session_id", "reference", "snapshot"],
    ),
    (
        "convocations",
        &[
            "reference",
            "n",
            "day",
            "start_time",
            "end_time",
            "panel",
            "pdf",
            "hash",
            "signed_on",
        ],
    ),
    (
        "audition_slots",
        &["reference", "day", "start", "end", "panel", "fixed"],
    ),
    (
        "audition_unavailability",
        &["member", "day", "start", "end", "by"],
    ),
    (
        "withdrawals",
        &[
            "reference",
            "session_id",
            "received_on",
            "channel",
            "by",
            "promoted",
            "promoted_in",
        ],
    ),
];

/// Another value of the same kind, still accepted by the table's checks.
fn edited(table: &str, column: &str, v: &Value) -> Value {
    match (table, column, v) {
        // Moved to an event that does not exist (the next one may hold its
        // own part: the key is unique).
        ("audit_private", "event_id", Value::Integer(i)) => Value::Integer(i + 100_000),
        // Past the numbers taken (1 and 2), which the key keeps unique.
        ("convocations", "n", Value::Integer(i)) => Value::Integer(i + 10),
        // Past the sessions held: a dossier decided in both keeps its
        // rows apart (the key is unique per session).
        (
            "decisions" | "session_members" | "decision_snapshots",
            "session_id",
            Value::Integer(i),
        ) => Value::Integer(i + 10),
        ("overrides", "verdict", Value::Text(t)) => Value::Text(if t == "eligible" {
            "ineligible".into()
        } else {
            "eligible".into()
        }),
        ("letters", "channel", Value::Text(t)) => Value::Text(if t == "email" {
            "post".into()
        } else {
            "email".into()
        }),
        ("sessions" | "letters", _, Value::Text(t)) if column.ends_with("_at") => {
            // Another day, same format.
            Value::Text(t.replacen("20", "19", 1))
        }
        ("decision_snapshots", "snapshot", Value::Text(t)) => {
            Value::Text(t.replacen('{', "{\"retouche\":1,", 1))
        }
        ("dossiers", "content", Value::Text(t)) => {
            Value::Text(t.replace("\"format\"", "\"retouche\":1,\"format\""))
        }
        (_, "withdrawn_at", Value::Null) => Value::Text("2025-07-08T10:00:00.000Z".into()),
        // A withdrawal's time comes from a packet or the clock: its presence
        // is the record.
        (_, "withdrawn_at", Value::Text(_)) => Value::Null,
        (_, _, Value::Text(t)) => Value::Text(format!("{t}x")),
        (_, _, Value::Integer(i))
            if matches!(
                column,
                "without_quorum" | "unsuccessful" | "guarded" | "fixed"
            ) =>
        {
            Value::Integer(1 - i)
        }
        (_, _, Value::Integer(i)) => Value::Integer(i + 1),
        // A cent more: verify reads amounts to the cent.
        ("decisions", "amount", Value::Real(x)) => Value::Real(x + 0.01),
        (_, _, Value::Real(x)) => Value::Real(x + 1.0),
        (_, _, Value::Null) => match column {
            "waitlist_rank" => Value::Integer(3),
            "amount" => Value::Real(500.0),
            "value" => Value::Real(2.0),
            _ => Value::Text("ajouté".into()),
        },
        (_, _, other) => other.clone(),
    }
}

#[test]
fn every_column_edited_in_the_database_is_named_by_verify() {
    let dir = tempfile::tempdir().expect("temp");
    let db = build_withdrawn(dir.path());
    let copy = dir.path().join("copie.sqlite");
    let mut missed = Vec::new();
    let mut tried = 0;
    for (table, columns) in EDITABLE {
        let rowids: Vec<i64> = {
            let conn = Connection::open(&db).expect("db");
            let mut stmt = conn
                .prepare(&format!("SELECT rowid FROM {table}"))
                .expect("rowids");
            stmt.query_map([], |r| r.get(0))
                .expect("rows")
                .collect::<Result<_, _>>()
                .expect("rowids")
        };
        assert!(!rowids.is_empty(), "{table} has rows to edit");
        for column in *columns {
            for rowid in &rowids {
                std::fs::copy(&db, &copy).expect("copy");
                let conn = Connection::open(&copy).expect("copy db");
                // What someone with the file and sqlite3 could do.
                conn.pragma_update(None, "foreign_keys", false)
                    .expect("foreign keys off");
                let v: Value = conn
                    .query_row(
                        &format!("SELECT {column} FROM {table} WHERE rowid = ?1"),
                        [rowid],
                        |r| r.get(0),
                    )
                    .expect("value");
                let new = edited(table, column, &v);
                assert_ne!(new, v, "{table}.{column} row {rowid}: no other value");
                conn.execute(
                    &format!("UPDATE {table} SET {column} = ?1 WHERE rowid = ?2"),
                    params![new, rowid],
                )
                .expect("edit");
                drop(conn);
                tried += 1;
                let r = verify_record(&copy, None).expect("verify");
                if r.is_intact() {
                    missed.push(format!(
                        "{table}.{column} (ligne {rowid}) : {v:?} → {new:?}"
                    ));
                }
            }
        }
    }
    assert!(tried > 100, "only {tried} edits tried");
    assert!(
        missed.is_empty(),
        "jury verify ne voit pas :\n{}",
        missed.join("\n")
    );
}

#[test]
fn an_edited_score_is_named_with_both_values() {
    let (_dir, db) = built_and_edited(
        "UPDATE scores SET value = 5 WHERE member = ?1 AND reference = 'PDNP06-2025-004' AND criterion = 'experience'",
        [CHAIR],
    );
    let r = verify_record(&db, None).expect("verify");
    assert!(r.chain.is_intact(), "the chain itself was not touched");
    assert_eq!(
        r.differences,
        [
            "note de Sylvie Marcellin sur PDNP06-2025-004, critère experience : 5 (commentaire « vu par Sylvie Marcellin ») dans la base, 2 (commentaire « vu par Sylvie Marcellin ») selon le journal"
        ]
    );
}

#[test]
fn an_edited_or_deleted_assignment_is_named() {
    let (_dir, db) = built_and_edited(
        "UPDATE assignments SET member = 'Bernard Castellan' WHERE reference = 'PDNP06-2025-001'",
        [],
    );
    let r = verify_record(&db, None).expect("verify");
    assert_eq!(
        r.differences,
        [
            "rapporteur·e « Bernard Castellan » sur PDNP06-2025-001 : désigné·e par Sylvie Marcellin dans la base, absent du journal",
            "rapporteur·e « Julien Ferrand » sur PDNP06-2025-001 : absent de la base, désigné·e par Sylvie Marcellin selon le journal",
        ]
    );
    let (_dir, db) = built_and_edited(
        "DELETE FROM assignments WHERE reference = 'PDNP06-2025-004' AND member = 'Claire Dumas'",
        [],
    );
    let r = verify_record(&db, None).expect("verify");
    assert_eq!(
        r.differences,
        [
            "rapporteur·e « Claire Dumas » sur PDNP06-2025-004 : absent de la base, désigné·e par Nadia Benali selon le journal"
        ]
    );
}

#[test]
fn assigning_is_for_the_chair_and_the_secretary_and_never_in_conflict() {
    let dir = tempfile::tempdir().expect("temp");
    let db = build(dir.path());
    let mut store = Store::open(&db).expect("open");
    let says = |e: jury::store::StoreError| e.message(jury_core::fr::Lang::Fr);
    let e = store
        .set_assignment(MEMBER, "PDNP06-2025-006", MEMBER, true)
        .unwrap_err();
    assert_eq!(
        says(e),
        "Seuls la présidence et le secrétariat attribuent les dossiers aux rapporteur·e·s."
    );
    // Ferrand declared a conflict on -002.
    let e = store
        .set_assignment(CHAIR, "PDNP06-2025-002", MEMBER, true)
        .unwrap_err();
    assert_eq!(
        says(e),
        "Julien Ferrand est en conflit d'intérêts sur PDNP06-2025-002 : ce dossier ne peut pas lui être attribué."
    );
    let e = store
        .apply_proposal(
            CHAIR,
            &[("PDNP06-2025-006".into(), SECRETARY.into())],
            1,
            None,
        )
        .unwrap_err();
    assert!(says(e).starts_with("Nadia Benali ne note pas les dossiers"));
    // Nothing of a refused proposal is written.
    let n: i64 = Connection::open(&db)
        .expect("db")
        .query_row(
            "SELECT COUNT(*) FROM assignments WHERE reference = 'PDNP06-2025-006'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(n, 0);
    drop(store);
    assert!(verify_record(&db, None).expect("verify").is_intact());
}

#[test]
fn an_edited_decision_is_named() {
    let (_dir, db) = built_and_edited(
        "UPDATE decisions SET kind = 'retenu' WHERE reference = 'PDNP06-2025-004'",
        [],
    );
    let r = verify_record(&db, None).expect("verify");
    assert_eq!(
        r.differences,
        [
            "décision de la séance n° 1 sur PDNP06-2025-004 : retenu, motivation « Projet trop peu détaillé. », confirmée expressément, par Sylvie Marcellin dans la base, non_retenu, motivation « Projet trop peu détaillé. », confirmée expressément, par Sylvie Marcellin selon le journal"
        ]
    );
}

#[test]
fn an_edited_frozen_basis_is_named_in_one_line_by_its_fingerprints() {
    let (_dir, db) = built_and_edited(
        "UPDATE decision_snapshots SET snapshot = replace(snapshot, '\"non_retenu\"', '\"retenu\"')
         WHERE reference = 'PDNP06-2025-004'",
        [],
    );
    let r = verify_record(&db, None).expect("verify");
    let [line] = &r.differences[..] else {
        panic!("one difference expected: {:?}", r.differences);
    };
    let prefix = "base figée de PDNP06-2025-004 à la clôture de la séance n° 1 : empreinte ";
    assert!(line.starts_with(prefix), "{line}");
    assert!(line.contains(" dans la base, empreinte "), "{line}");
    assert!(line.ends_with(" selon le journal"), "{line}");
    assert!(
        line.len() < 300,
        "one line, not the snapshot's JSON: {line}"
    );
}

#[test]
fn an_edited_withdrawal_is_named() {
    let dir = tempfile::tempdir().expect("temp");
    let db = build_withdrawn(dir.path());
    assert!(verify_record(&db, None).expect("verify").is_intact());
    Connection::open(&db)
        .expect("db")
        .execute(
            "UPDATE withdrawals SET received_on = '2025-08-01' WHERE reference = 'PDNP06-2025-001'",
            [],
        )
        .expect("edit");
    let r = verify_record(&db, None).expect("verify");
    assert_eq!(
        r.differences,
        [
            "désistement de PDNP06-2025-001 : de la décision de la séance n° 1, reçu le 2025-08-01 (post), noté par Nadia Benali, PDNP06-2025-005 promu·e en séance n° 3 dans la base, de la décision de la séance n° 1, reçu le 2025-09-03 (post), noté par Nadia Benali, PDNP06-2025-005 promu·e en séance n° 3 selon le journal"
        ]
    );
}

#[test]
fn a_promotion_moves_the_list_up_in_the_record() {
    let dir = tempfile::tempdir().expect("temp");
    let db = build_withdrawn(dir.path());
    let conn = Connection::open(&db).expect("db");
    let current = |reference: &str| -> (i64, String, Option<i64>) {
        conn.query_row(
            "SELECT session_id, kind, waitlist_rank FROM decisions WHERE reference = ?1 ORDER BY id DESC LIMIT 1",
            [reference],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("decision")
    };
    assert_eq!(current("PDNP06-2025-005"), (3, "retenu".into(), None));
    assert_eq!(
        current("PDNP06-2025-003"),
        (3, "liste_complementaire".into(), Some(1))
    );
    let actions: Vec<String> = conn
        .prepare("SELECT action FROM audit WHERE action LIKE 'decision.%' ORDER BY id")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        actions,
        [
            "decision.withdrawal",
            "decision.change",
            "decision.change",
            "decision.promotion"
        ]
    );
}

#[test]
fn an_edited_convocation_is_named_with_both_slots() {
    let (_dir, db) = built_and_edited(
        "UPDATE convocations SET start_time = '10:45' WHERE reference = 'PDNP06-2025-004' AND n = 2",
        [],
    );
    let r = verify_record(&db, None).expect("verify");
    assert!(r.chain.is_intact(), "the chain itself was not touched");
    assert_eq!(
        r.differences,
        [
            "convocation n° 2 de PDNP06-2025-004 : le 2025-07-11 de 10:45 à 09:45, jury Sylvie Marcellin, Julien Ferrand, fichier c2.pdf, empreinte 20123abcd, datée du 2025-07-03 dans la base, le 2025-07-11 de 09:00 à 09:45, jury Sylvie Marcellin, Julien Ferrand, fichier c2.pdf, empreinte 20123abcd, datée du 2025-07-03 selon le journal"
        ]
    );
}

#[test]
fn an_edited_audition_slot_is_named_with_both_times() {
    let (_dir, db) = built_and_edited(
        "UPDATE audition_slots SET start = '15:30', end = '16:15' WHERE reference = 'PDNP06-2025-001'",
        [],
    );
    let r = verify_record(&db, None).expect("verify");
    assert!(r.chain.is_intact(), "the chain itself was not touched");
    assert_eq!(
        r.differences,
        [
            "créneau d'audition de PDNP06-2025-001 : le 2025-07-10 de 15:30 à 16:15, jury : Sylvie Marcellin, Julien Ferrand dans la base, le 2025-07-10 de 14:00 à 14:45, jury : Sylvie Marcellin, Julien Ferrand selon le journal"
        ]
    );
}

#[test]
fn a_deleted_last_event_is_caught_by_the_signed_fingerprint_and_the_tables() {
    let dir = tempfile::tempdir().expect("temp");
    let db = build(dir.path());
    let signed = head(&db);
    assert_eq!(
        verify_record(&db, Some(&signed)).expect("verify").signed,
        Some(Signed::AtHead)
    );
    Connection::open(&db)
        .expect("db")
        .execute(
            "DELETE FROM audit WHERE id = (SELECT MAX(id) FROM audit)",
            [],
        )
        .expect("delete");
    let r = verify_record(&db, Some(&signed)).expect("verify");
    assert!(r.chain.is_intact(), "what remains still chains");
    assert_eq!(r.signed, Some(Signed::Missing));
    assert!(
        r.differences
            .iter()
            .any(|d| d.starts_with("absence à l'audition de PDNP06-2025-002")),
        "{:?}",
        r.differences
    );
    assert!(!r.is_intact());
}

#[test]
fn a_chain_that_goes_on_after_signing_passes_through_the_fingerprint() {
    let dir = tempfile::tempdir().expect("temp");
    let db = build(dir.path());
    let signed = head(&db);
    let mut store = Store::open(&db).expect("open");
    store
        .save_score(&score(MEMBER, "PDNP06-2025-006", "experience", Some(3.0)))
        .expect("later score");
    drop(store);
    let r = verify_record(&db, Some(&signed)).expect("verify");
    assert!(
        matches!(r.signed, Some(Signed::Followed { since: 1, .. })),
        "{:?}",
        r.signed
    );
    assert!(r.is_intact());
}

#[test]
fn a_rewritten_chain_does_not_lead_to_the_signed_fingerprint() {
    let dir = tempfile::tempdir().expect("temp");
    let db = build(dir.path());
    let signed = head(&db);
    // Rewrite every event consistently after changing one decision's kind.
    let conn = Connection::open(&db).expect("db");
    conn.execute(
        "UPDATE decisions SET kind = 'retenu' WHERE reference = 'PDNP06-2025-004'",
        [],
    )
    .expect("edit");
    let events = jury::store::audit::read_events(&conn, None).expect("events");
    let mut prev = String::new();
    for e in events {
        let after = e
            .after
            .as_deref()
            .map(|a| a.replace("\"non_retenu\"", "\"retenu\""));
        let hash = jury_core::audit::event_hash(
            &prev,
            &e.at,
            &e.actor,
            &e.action,
            &e.target,
            e.before.as_deref(),
            after.as_deref(),
        );
        conn.execute(
            "UPDATE audit SET after = ?2, prev_hash = ?3, hash = ?4 WHERE id = ?1",
            params![e.id, after, prev, hash],
        )
        .expect("rewrite");
        prev = hash;
    }
    // And the projection of the close, to match.
    conn.execute(
        "UPDATE decision_snapshots SET snapshot = replace(snapshot, '\"non_retenu\"', '\"retenu\"')",
        [],
    )
    .expect("snapshots");
    drop(conn);
    let r = verify_record(&db, Some(&signed)).expect("verify");
    assert!(r.chain.is_intact(), "the forger kept the chain consistent");
    assert_eq!(r.differences, Vec::<String>::new(), "and the tables");
    assert_eq!(r.signed, Some(Signed::Missing), "but not the signed head");
}

/// A small deterministic generator: the same seeds give the same runs.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[test]
fn any_sequence_of_committee_actions_leaves_tables_the_log_replays() {
    let members = [CHAIR, SECRETARY, MEMBER, "Bernard Castellan"];
    let dossiers = [
        "PDNP06-2025-001",
        "PDNP06-2025-002",
        "PDNP06-2025-004",
        "PDNP06-2025-006",
    ];
    let criteria = ["experience", "qualification", "coherence"];
    let kinds = ["retenu", "non_retenu", "liste_complementaire", "ajourne"];
    let mut seen = std::collections::BTreeSet::new();
    for seed in 1..=12u64 {
        let dir = tempfile::tempdir().expect("temp");
        let db = dir.path().join("jury.sqlite");
        let mut store = Store::open(&db).expect("open");
        read_folder(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025"))
            .expect("call folder")
            .import_into(&mut store)
            .expect("import");
        let mut dice = Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut session: Option<i64> = None;
        for _ in 0..80 {
            let who = *dice.pick(&members);
            let reference = *dice.pick(&dossiers);
            let criterion = *dice.pick(&criteria);
            // Refusals (nothing to undo, a closed session…) are part of the
            // game: they must leave tables and log in step too.
            let _ = match dice.below(10) {
                0..=2 => {
                    let value = match dice.below(7) {
                        0 => None,
                        v => Some(v as f64 - 1.0),
                    };
                    store.save_score(&score(who, reference, criterion, value))
                }
                3 => store.undo_last(who).map(|_| ()),
                4 => {
                    let declared = dice.below(2) == 0;
                    store.set_conflict(who, reference, who, declared, "lien familial")
                }
                5 => store.set_override(
                    CHAIR,
                    reference,
                    match dice.below(3) {
                        0 => None,
                        1 => Some((true, "pièce reçue")),
                        _ => Some((false, "hors territoire")),
                    },
                ),
                6 => store.set_consensus(
                    CHAIR,
                    reference,
                    criterion,
                    (dice.below(3) > 0).then(|| dice.below(5) as f64),
                ),
                7 => match session {
                    None => store
                        .open_session(
                            CHAIR,
                            "2025-07-07",
                            &[CHAIR.into(), who.into()],
                            &Default::default(),
                        )
                        .map(|id| session = Some(id)),
                    Some(id) => store.close_session(CHAIR, id).map(|()| session = None),
                },
                _ => match session {
                    Some(id) => {
                        let kind = *dice.pick(&kinds);
                        let mut d = draft(reference, kind, "Motif du comité.");
                        if kind == "liste_complementaire" {
                            d.waitlist_rank = Some(1 + dice.below(3) as u32);
                        }
                        if kind == "ajourne" {
                            d.documents = "Attestation d'assurance".into();
                        }
                        store.record_decision(CHAIR, id, &d, false, dice.below(2) == 0)
                    }
                    None => store.undo_last(CHAIR).map(|_| ()),
                },
            };
        }
        drop(store);
        let conn = Connection::open(&db).expect("db");
        for e in jury::store::audit::read_events(&conn, None).expect("events") {
            seen.insert(e.action);
        }
        let r = verify_record(&db, None).expect("verify");
        assert!(
            r.is_intact(),
            "seed {seed}: {:?} {:?}",
            r.chain.first_break,
            r.differences
        );
    }
    // The runs did exercise every kind of change, not only refusals.
    for action in [
        "score",
        "undo",
        "conflict",
        "override",
        "consensus",
        "session.open",
        "session.close",
        "decision",
        "decision.change",
    ] {
        assert!(seen.contains(action), "no {action} in any run: {seen:?}");
    }
}

/// The minutes' text, from their ODT (the PDF says the same).
fn minutes_text(files: &[PathBuf]) -> String {
    let odt = files
        .iter()
        .find(|f| f.extension().is_some_and(|x| x == "odt"))
        .expect("an ODT");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(odt).expect("odt")).expect("zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("content.xml").expect("content"), &mut xml)
        .expect("xml");
    // French typography's no-break spaces read as spaces here.
    xml.replace(['\u{a0}', '\u{202f}'], " ")
}

#[test]
fn the_minutes_pin_the_chain_at_the_close_and_verify_follows_it() {
    let dir = tempfile::tempdir().expect("temp");
    let db = build(dir.path());
    let store = Store::open(&db).expect("open");
    let src = jury::io::produce::load(&store).expect("source");
    let files = jury::io::produce::write_minutes(&store, &src, &dir.path().join("pv"), None)
        .expect("minutes");
    drop(store);
    let text = minutes_text(&files);
    let close: (i64, String) = Connection::open(&db)
        .expect("db")
        .query_row(
            "SELECT id, hash FROM audit WHERE action = 'session.close'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("close event");
    assert!(
        text.contains(&format!("après son événement n° {} : {}", close.0, close.1)),
        "{text}"
    );
    // Letters were produced, sent and acknowledged after the close; an
    // institution answered and an absence was noted.
    let r = verify_record(&db, Some(&close.1)).expect("verify");
    assert_eq!(
        r.signed,
        Some(Signed::Followed {
            at: close.0,
            since: 5
        })
    );
}

#[test]
fn no_letters_or_minutes_over_a_record_altered_outside_jury() {
    let (dir, db) = built_and_edited(
        "UPDATE decisions SET kind = 'retenu' WHERE reference = 'PDNP06-2025-004'",
        [],
    );
    let store = Store::open(&db).expect("open");
    let out = dir.path().join("pv");
    // Letters, minutes and exports all start from the record: refused there.
    let e = jury::io::produce::load(&store)
        .and_then(|src| jury::io::produce::write_minutes(&store, &src, &out, None))
        .expect_err("refused");
    assert!(
        e.to_string().starts_with(
            "registre altéré hors de Jury (1 anomalie(s), dont : décision de la séance n° 1 sur PDNP06-2025-004 : retenu"
        ),
        "{e}"
    );
    let written = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    assert_eq!(written, 0, "nothing written");
}

#[test]
fn the_call_and_its_letter_templates_are_part_of_the_record() {
    let dir = tempfile::tempdir().expect("temp");
    let db = build(dir.path());
    for (sql, named) in [
        (
            "UPDATE meta SET value = replace(value, '\"weight\":30', '\"weight\":35') WHERE key = 'call'",
            "texte de l'appel (appel.json) : empreinte ",
        ),
        (
            "UPDATE meta SET value = value || ' Bravo.' WHERE key LIKE 'lettre:%'",
            "modèles de courriers de l'appel : empreinte ",
        ),
    ] {
        let copy = dir.path().join("copie.sqlite");
        std::fs::copy(&db, &copy).expect("copy");
        let conn = Connection::open(&copy).expect("db");
        assert!(
            conn.execute(sql, []).expect("edit") > 0,
            "{sql} edited nothing"
        );
        drop(conn);
        let r = verify_record(&copy, None).expect("verify");
        assert!(
            r.differences.iter().any(|d| d.starts_with(named)),
            "{sql}: {:?}",
            r.differences
        );
    }
    // Opening the call folder records the call and its templates (and
    // each member the call names).
    let events: Vec<String> = Connection::open(&db)
        .expect("db")
        .prepare("SELECT action FROM audit WHERE actor IN ('appel.json', 'lettres') AND action <> 'member.add'")
        .expect("query")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("actions");
    assert_eq!(events, ["call", "templates"]);
}

#[test]
fn a_database_from_an_older_jury_verifies_without_migrating() {
    let dir = tempfile::tempdir().expect("temp");
    let db = build(dir.path());
    // As schema 4 left it: no frozen basis, no signature date, no flag.
    let conn = Connection::open(&db).expect("db");
    conn.execute_batch(
        "DROP TABLE decision_snapshots;
         ALTER TABLE letters DROP COLUMN signed_on;
         ALTER TABLE decisions DROP COLUMN guarded;
         DROP TABLE chair_key;
         DROP TABLE member_keys;
         PRAGMA user_version = 4;",
    )
    .expect("downgrade");
    drop(conn);
    let r = verify_record(&db, None).expect("verify reads it as it is");
    assert!(r.chain.is_intact());
    // What the log says of the newer columns now shows as missing, named.
    assert!(
        r.differences
            .iter()
            .any(|d| d.starts_with("base figée de PDNP06-2025-001")),
        "{:?}",
        r.differences
    );
    let version: i64 = Connection::open(&db)
        .expect("db")
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, 4, "verify migrated nothing");
}

#[test]
fn a_member_renamed_in_appel_json_is_recorded_not_flagged() {
    let dir = tempfile::tempdir().expect("temp");
    let db = build(dir.path());
    // The secretary fixes a typo in a member's name, then reopens the folder.
    let mut folder =
        read_folder(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025"))
            .expect("call folder");
    folder.call.members[2].name = "Julien Ferrand-Vidal".into();
    folder.call.raw["members"][2]["name"] = "Julien Ferrand-Vidal".into();
    let mut store = Store::open(&db).expect("open");
    folder.import_into(&mut store).expect("reimport");
    drop(store);
    let r = verify_record(&db, None).expect("verify");
    assert!(r.is_intact(), "{:?}", r.differences);
    let events: Vec<(String, String)> = Connection::open(&db)
        .expect("db")
        .prepare(
            "SELECT action, target FROM audit WHERE actor = 'appel.json' ORDER BY id DESC LIMIT 2",
        )
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("events");
    assert_eq!(
        events,
        [
            ("member.add".to_string(), "Julien Ferrand-Vidal".to_string()),
            ("call".to_string(), "caf06-pdnp-2025".to_string())
        ]
    );
}
