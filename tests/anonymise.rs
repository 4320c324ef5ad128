//! Retention, anonymisation and the right of access, through the real
//! binary where the user meets them: a committee's database (scores with
//! comments naming applicants, a conflict, an override, a session, decisions,
//! letters on disk) is anonymised; no applicant's name, e-mail or phone is
//! left as bytes in the file or its journal, and the record still verifies,
//! up to the fingerprint signed before. The personal parts of events are
//! held to their commitments. `jury dossier` writes one applicant's file.

use crate::common::harness;

use jury::io::import::read_folder;
use jury::store::Store;
use jury_core::decision::Draft;
use jury_core::records::ScoreRow;
use rusqlite::Connection;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CHAIR: &str = "Sylvie Marcellin";
const SECRETARY: &str = "Nadia Benali";
const MEMBER: &str = "Julien Ferrand";
const SAMPLE: &str = "samples/caf06-pdnp-2025";
/// A comment naming the professional of PDNP06-2025-001.
const COMMENT: &str = "Gaëlle Fabre anime déjà le groupe WhatsApp des parents";

fn jury() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jury"))
}

fn run(args: &[&str]) -> Output {
    jury().args(args).output().expect("run jury")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The sample call copied into `dir` with `retention_months` set.
fn call_folder(dir: &Path, months: u32) -> PathBuf {
    let from = harness::root().join(SAMPLE);
    let to = dir.join("appel");
    harness::copy_dir(&from, &to);
    let path = to.join("appel.json");
    let mut call: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("appel.json")).expect("json");
    call["retention_months"] = Value::from(months);
    std::fs::write(&path, serde_json::to_string_pretty(&call).expect("json")).expect("write");
    to
}

/// The names, e-mails and phones of every sample dossier.
fn personal_strings() -> Vec<String> {
    let mut out = Vec::new();
    let dir = harness::root().join(SAMPLE).join("dossiers");
    for entry in std::fs::read_dir(dir).expect("dossiers") {
        let v: Value = serde_json::from_str(
            &std::fs::read_to_string(entry.expect("entry").path()).expect("dossier"),
        )
        .expect("json");
        for pointer in [
            "/structure/name",
            "/structure/representative/name",
            "/structure/email",
            "/structure/phone",
            "/structure/address/street",
            "/professional/name",
        ] {
            if let Some(s) = v.pointer(pointer).and_then(Value::as_str) {
                out.push(s.to_string());
            }
        }
    }
    assert!(out.len() > 100, "only {} strings", out.len());
    // A committee member who also signs a dossier: members' names are kept
    // (they are who acted in the record), the call's own text names them.
    let call = std::fs::read_to_string(harness::root().join(SAMPLE).join("appel.json"))
        .expect("appel.json");
    out.retain(|s| !call.contains(s.as_str()));
    out
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

/// A session on `date` with the chair, the secretary and a member present.
fn open_session(store: &mut Store, date: &str) -> i64 {
    store
        .open_session(
            CHAIR,
            date,
            &[CHAIR.into(), SECRETARY.into(), MEMBER.into()],
            &Default::default(),
        )
        .expect("session")
}

/// A committee's whole work on the call in `call_dir`, letters produced by
/// the binary into `dir/courriers`.
fn committee(dir: &Path, call_dir: &Path) -> PathBuf {
    let db = dir.join("jury.sqlite");
    let mut store = Store::open(&db).expect("open");
    read_folder(call_dir)
        .expect("call folder")
        .import_into(&mut store)
        .expect("import");
    store
        .set_meta(jury::store::CALL_DIR_KEY, &call_dir.display().to_string())
        .expect("call dir");
    for (i, m) in [CHAIR, SECRETARY, MEMBER].iter().enumerate() {
        let extra = i as f64 * 0.5;
        for (r, c, v) in [
            ("PDNP06-2025-001", "experience", 4.0),
            ("PDNP06-2025-001", "qualification", 3.5),
            ("PDNP06-2025-002", "experience", 2.0),
            ("PDNP06-2025-004", "experience", 1.0),
        ] {
            store
                .save_score(&score(m, r, c, v + extra, &format!("{COMMENT} ({m})")))
                .expect("score");
        }
    }
    store
        .set_conflict(
            MEMBER,
            "PDNP06-2025-003",
            MEMBER,
            true,
            "Patrick Senès est mon voisin",
        )
        .expect("conflict");
    store
        .set_override(
            CHAIR,
            "PDNP06-2025-004",
            Some((true, "attestation de Gaëlle Fabre reçue le 3 juillet")),
        )
        .expect("override");
    let session = open_session(&mut store, "2025-07-07");
    for (r, kind, why) in [
        ("PDNP06-2025-001", "retenu", ""),
        ("PDNP06-2025-002", "non_retenu", "Projet trop peu détaillé."),
    ] {
        let draft = Draft {
            reference: r.into(),
            kind: kind.into(),
            motivation: why.into(),
            ..Draft::default()
        };
        store
            .record_decision(CHAIR, session, &draft, false, true)
            .expect("decision");
    }
    store.close_session(CHAIR, session).expect("close");
    drop(store);
    let out = run(&[
        "letters",
        "--db",
        &db.display().to_string(),
        "--out",
        &dir.join("courriers").display().to_string(),
        "--date",
        "2025-07-09",
    ]);
    assert!(out.status.success(), "letters: {}", text(&out.stderr));
    let mut store = Store::open(&db).expect("open");
    let decision = store
        .letters()
        .expect("letters")
        .into_iter()
        .find(|l| l.reference == "PDNP06-2025-001")
        .expect("letter")
        .decision_id;
    store
        .mark_sent(
            SECRETARY,
            "PDNP06-2025-001",
            decision,
            "email",
            "2025-07-10",
        )
        .expect("sent");
    db
}

fn verify(db: &Path, head: Option<&str>) -> Output {
    let mut args = vec!["verify", "--db"];
    let db = db.display().to_string();
    args.push(&db);
    if let Some(h) = head {
        args.extend(["--head", h]);
    }
    run(&args)
}

fn head(db: &Path) -> String {
    jury::store::audit::verify_file(db)
        .expect("verify")
        .head
        .expect("head")
}

fn rows(db: &Path, sql: &str) -> Vec<String> {
    let conn = Connection::open(db).expect("db");
    let mut stmt = conn.prepare(sql).expect("prepare");
    stmt.query_map([], |r| {
        let n = r.as_ref().column_count();
        let mut cols = Vec::new();
        for i in 0..n {
            let v: rusqlite::types::Value = r.get(i)?;
            cols.push(format!("{v:?}"));
        }
        Ok(cols.join("|"))
    })
    .expect("query")
    .collect::<Result<_, _>>()
    .expect("rows")
}

/// The ranking (reference and rank, best first) and each dossier's total.
fn ranking(db: &Path) -> (Vec<String>, Vec<String>) {
    let store = Store::open(db).expect("open");
    let src = jury::io::produce::load(&store).expect("load");
    let c = &src.committee;
    (
        c.ranking
            .iter()
            .map(|r| format!("{} {:?}", r.reference, r.rank))
            .collect(),
        c.aggregates
            .iter()
            .map(|a| format!("{} {:?}", a.reference, a.total_mean))
            .collect(),
    )
}

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    !n.is_empty() && hay.windows(n.len()).any(|w| w == n)
}

#[test]
fn anonymising_leaves_no_name_and_a_record_that_still_verifies() {
    let dir = tempfile::tempdir().expect("temp");
    let call_dir = call_folder(dir.path(), 1);
    let db = committee(dir.path(), &call_dir);
    // Opened once in the app: the cache an opening keeps (the picture of
    // its entries with their search index) holds names too.
    drop(
        jury::tui::App::open(jury::tui::Options {
            call_dir: call_dir.clone(),
            db: Some(db.clone()),
            reviewer: None,
            keymap: None,
            lang: jury_core::fr::Lang::Fr,
            color: false,
            letters_dir: Some(dir.path().join("courriers")),
        })
        .expect("open"),
    );
    assert_ne!(
        rows(&db, "SELECT count(*) FROM entry_snapshot"),
        ["Integer(0)"],
        "the picture kept"
    );
    let signed = head(&db);
    let scores_sql = "SELECT reference, member, criterion, value FROM scores ORDER BY 1, 2, 3";
    let decisions_sql =
        "SELECT session_id, reference, kind, motivation, by FROM decisions ORDER BY id";
    let (scores, decisions, before_ranking) = (
        rows(&db, scores_sql),
        rows(&db, decisions_sql),
        ranking(&db),
    );
    // Before: the comment is readable in the file (a test that would pass
    // on an empty database proves nothing).
    assert!(
        rows(&db, "SELECT comment FROM scores")
            .iter()
            .any(|c| c.contains("Gaëlle Fabre"))
    );

    let out = run(&["anonymise", "--db", &db.display().to_string(), "--oui"]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("Anonymisation faite : 28 dossier(s)"),
        "{stdout}"
    );
    let letters = dir.path().join("courriers");
    assert!(
        stdout.contains(&format!("  – {}", letters.display())),
        "the letters' folder is named: {stdout}"
    );
    assert!(
        letters.join("PDNP06-2025-001-retenu.pdf").is_file(),
        "files outside the database are left"
    );
    assert!(
        stdout.contains(&format!(
            "Le dossier de l'appel garde les dossiers tels que reçus et leurs pièces jointes (fichiers hors de la base, que Jury ne supprime pas) : {}",
            call_dir.display()
        )),
        "{stdout}"
    );
    assert!(call_dir.join("dossiers/PDNP06-2025-001.json").is_file());

    let mut bytes = file_bytes(&db);
    bytes.extend(file_bytes(&PathBuf::from(format!("{}-wal", db.display()))));
    let left: Vec<String> = personal_strings()
        .into_iter()
        .chain([
            "Gaëlle Fabre".to_string(),
            "Patrick Senès".into(),
            "WhatsApp des parents".into(),
        ])
        .filter(|s| contains(&bytes, s))
        .collect();
    assert!(left.is_empty(), "still in the database's bytes: {left:?}");

    let v = verify(&db, None);
    let said = text(&v.stdout);
    assert!(v.status.success(), "{said}");
    assert!(said.starts_with("Journal d'audit intact :"), "{said}");
    let v = verify(&db, Some(&signed));
    let said = text(&v.stdout);
    assert!(v.status.success(), "{said}");
    assert!(
        said.contains("Le journal passe par l'empreinte signée"),
        "{said}"
    );
    assert_eq!(rows(&db, scores_sql), scores);
    assert_eq!(rows(&db, decisions_sql), decisions);
    assert!(
        decisions
            .iter()
            .any(|d| d.contains("Projet trop peu détaillé."))
    );
    assert_eq!(ranking(&db), before_ranking);
    assert_eq!(
        rows(
            &db,
            "SELECT COUNT(*) FROM audit WHERE action = 'anonymise' AND actor = 'secrétariat'"
        ),
        ["Integer(1)"]
    );

    // Once is enough: a second run finds nothing to do and changes nothing.
    let again = run(&["anonymise", "--db", &db.display().to_string(), "--oui"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("déjà anonymisée"),
        "{}",
        text(&again.stderr)
    );
}

/// The chair's reason for exceeding the envelope, naming the professional
/// of PDNP06-2025-004.
const OVER_ENVELOPE: &str = "Jean-Baptiste Lefèvre est le seul médiateur du haut pays";
/// Who signed an institution's answer: a person acting in their function.
const SIGNATORY: &str = "Martine Gasiglia, directrice";
const NOT_VALIDATED: &str = "Pièce justificative manquante au dossier retenu.";

#[test]
fn the_committees_own_texts_are_erased_or_kept_as_the_decisions_reasons_are() {
    let dir = tempfile::tempdir().expect("temp");
    let call_dir = call_folder(dir.path(), 1);
    let db = committee(dir.path(), &call_dir);
    let mut store = Store::open(&db).expect("open");
    // After the first session: PDNP06-2025-001 withdraws by post, an
    // institution does not validate the session, with its reasons.
    store
        .record_withdrawal(SECRETARY, "PDNP06-2025-001", None, "2025-09-03", "post")
        .expect("withdrawal");
    store
        .record_validation(
            CHAIR,
            &jury_core::institutions::Validation {
                session_id: 1,
                institution: "caf06".into(),
                validated: false,
                by: SIGNATORY.into(),
                on: chrono::NaiveDate::from_ymd_opt(2025, 7, 15).expect("date"),
                reasons: NOT_VALIDATED.into(),
            },
        )
        .expect("validation");
    // A second session accepts PDNP06-2025-004 past the envelope, the
    // chair writing why.
    let session = open_session(&mut store, "2025-09-10");
    store
        .record_decision(
            CHAIR,
            session,
            &Draft {
                reference: "PDNP06-2025-004".into(),
                kind: "retenu".into(),
                amount: Some(1000.0),
                budget_override: OVER_ENVELOPE.into(),
                ..Draft::default()
            },
            false,
            true,
        )
        .expect("decision");
    store.close_session(CHAIR, session).expect("close");
    drop(store);
    let overrides =
        "SELECT reference, amount, budget_override FROM decisions WHERE amount IS NOT NULL";
    assert_eq!(
        rows(&db, overrides),
        [format!(
            "Text(\"PDNP06-2025-004\")|Real(1000.0)|Text(\"{OVER_ENVELOPE}\")"
        )]
    );

    let out = run(&["anonymise", "--db", &db.display().to_string(), "--oui"]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    // The override's reason is gone, from the table and from the events;
    // the amount stays.
    let mut bytes = file_bytes(&db);
    bytes.extend(file_bytes(&PathBuf::from(format!("{}-wal", db.display()))));
    for gone in ["Jean-Baptiste Lefèvre", "seul médiateur du haut pays"] {
        assert!(!contains(&bytes, gone), "{gone} still in the database");
    }
    assert_eq!(
        rows(&db, overrides),
        ["Text(\"PDNP06-2025-004\")|Real(1000.0)|Text(\"\")"]
    );
    // Kept on purpose: how the withdrawal came (a closed list), the
    // institution's reasons (those of an administrative act, as decisions'
    // motivations) and who signed them (as the members' names).
    assert_eq!(
        rows(
            &db,
            "SELECT reference, received_on, channel FROM withdrawals"
        ),
        ["Text(\"PDNP06-2025-001\")|Text(\"2025-09-03\")|Text(\"post\")"]
    );
    assert_eq!(
        rows(&db, "SELECT signed_by, reasons FROM validations"),
        [format!("Text(\"{SIGNATORY}\")|Text(\"{NOT_VALIDATED}\")")]
    );
    let v = verify(&db, None);
    let said = text(&v.stdout);
    assert!(v.status.success(), "{said}");
    assert!(said.starts_with("Journal d'audit intact :"), "{said}");
}

/// The event holding the first score's comment, and the database.
fn committee_db() -> (tempfile::TempDir, PathBuf, i64) {
    let dir = tempfile::tempdir().expect("temp");
    let call_dir = call_folder(dir.path(), 1);
    let db = committee(dir.path(), &call_dir);
    let id: i64 = Connection::open(&db)
        .expect("db")
        .query_row(
            "SELECT MIN(event_id) FROM audit_private JOIN audit ON audit.id = event_id WHERE action = 'score'",
            [],
            |r| r.get(0),
        )
        .expect("a private part");
    (dir, db, id)
}

/// `sql` run by hand on the private part of the first score's event (its
/// id bound as ?1): `jury verify` fails and says `expected(id)`.
fn edited_private_is_named(sql: &str, expected: impl Fn(i64) -> String) {
    let (_dir, db, id) = committee_db();
    Connection::open(&db)
        .expect("db")
        .execute(sql, [id])
        .expect("edit");
    let v = verify(&db, None);
    let said = text(&v.stdout);
    assert_eq!(v.status.code(), Some(1), "{said}");
    assert!(said.contains(&expected(id)), "{said}");
    // The other comments still compare: only that event's row differs.
    assert!(
        said.contains("1 différence(s) entre les tables et le journal"),
        "{said}"
    );
}

#[test]
fn a_personal_part_deleted_by_hand_is_named_by_verify() {
    edited_private_is_named("DELETE FROM audit_private WHERE event_id = ?1", |id| {
        format!("données personnelles supprimées hors anonymisation : événement n° {id}")
    });
}

#[test]
fn a_personal_part_edited_by_hand_is_named_by_verify() {
    // Only the private part changes, not the table: the commitment tells.
    edited_private_is_named(
        "UPDATE audit_private SET content = replace(content, 'Gaëlle', 'Gaelle') WHERE event_id = ?1",
        |id| format!("données personnelles de l'événement n° {id} modifiées"),
    );
}

/// `jury anonymise --forcer` with `typed` at the confirmation prompt.
fn anonymise_typing(db: &str, typed: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = jury()
        .args(["anonymise", "--db", db, "--forcer"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(typed.as_bytes())
        .expect("type");
    child.wait_with_output().expect("wait")
}

#[test]
fn anonymising_is_refused_before_the_retention_deadline_and_without_confirmation() {
    let dir = tempfile::tempdir().expect("temp");
    let call_dir = call_folder(dir.path(), 120);
    let db = committee(dir.path(), &call_dir);
    let before = head(&db);
    let db_arg = db.display().to_string();
    let out = run(&["anonymise", "--db", &db_arg, "--oui"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(
        said.contains("La durée de conservation de l'appel court jusqu'au 4 juillet 2035"),
        "{said}"
    );
    assert!(said.contains("--forcer"), "{said}");
    // Forced, but the typed confirmation is not the call's id.
    let out = anonymise_typing(&db_arg, "caf06\n");
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(
        said.contains("Tapez l'identifiant de l'appel pour confirmer (caf06-pdnp-2025) :"),
        "{said}"
    );
    assert!(said.contains("rien n'a été modifié"), "{said}");
    assert_eq!(head(&db), before, "nothing recorded");
    // The right id typed: done.
    let out = anonymise_typing(&db_arg, "caf06-pdnp-2025\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(verify(&db, Some(&before)).status.success());
}

#[test]
fn a_database_with_personal_texts_in_sealed_events_is_not_anonymised() {
    let (_dir, db, id) = committee_db();
    // As an older Jury wrote it: the comment in clear in the sealed payload.
    // The chain is recomputed from there so only the clear text differs.
    let conn = Connection::open(&db).expect("db");
    let events = jury::store::audit::read_events(&conn, None).expect("events");
    let mut prev = String::new();
    for mut e in events {
        if e.id == id {
            e.after = Some(format!("{{\"value\":4.0,\"comment\":\"{COMMENT}\"}}"));
        }
        if e.id >= id {
            e.prev_hash = prev.clone();
            e.hash = e.computed_hash();
            conn.execute(
                "UPDATE audit SET after = ?2, prev_hash = ?3, hash = ?4 WHERE id = ?1",
                rusqlite::params![e.id, e.after, e.prev_hash, e.hash],
            )
            .expect("rewrite");
        }
        prev = e.hash;
    }
    conn.execute("DELETE FROM audit_private WHERE event_id = ?1", [id])
        .expect("delete");
    drop(conn);
    let before = head(&db);
    let out = run(&["anonymise", "--db", &db.display().to_string(), "--oui"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(
        said.contains("Anonymisation impossible sans briser le journal d'audit")
            && said.contains(&format!("(le premier : événement n° {id})")),
        "{said}"
    );
    assert_eq!(head(&db), before);
}

#[test]
fn past_the_retention_period_commands_warn_on_stderr_and_the_tui_says_so() {
    let dir = tempfile::tempdir().expect("temp");
    let call_dir = call_folder(dir.path(), 1);
    let db = committee(dir.path(), &call_dir);
    let out = run(&["export", "csv", "--db", &db.display().to_string()]);
    assert!(out.status.success());
    let said = text(&out.stderr);
    assert!(
        said.contains("Durée de conservation dépassée : les données personnelles de cet appel pouvaient être gardées jusqu'au 4 août 2025 (1 mois après la date limite du 4 juillet 2025)"),
        "{said}"
    );
    assert!(
        !text(&out.stdout).contains("conservation"),
        "stdout stays data"
    );

    let call = call_dir.display().to_string();
    let mut s = harness::open(&call, Some(CHAIR));
    // A new base is announced without hiding the notice.
    let screen = s.screen();
    assert!(
        screen.contains("Nouvelle base créée")
            && screen.contains("Durée de conservation dépassée :"),
        "{screen}"
    );
    let header = |s: &mut harness::Session| s.screen().lines().next().unwrap_or("").to_string();
    s.set_today(chrono::NaiveDate::from_ymd_opt(2025, 8, 4).expect("day"));
    let top = header(&mut s);
    assert!(!top.contains("Durée de conservation dépassée"), "{top}");
    s.set_today(chrono::NaiveDate::from_ymd_opt(2025, 8, 5).expect("day"));
    let top = header(&mut s);
    assert!(top.contains("⚠ Durée de conservation dépassée"), "{top}");
    // Scoring goes on.
    s.score_current(&[4]);
    assert!(!s.db_scores("PDNP06-2025-001").is_empty());
    // Opened again past the period (the clock says so): said in full.
    let mut s = s.reopen_as(&call, CHAIR);
    let screen = s.screen();
    assert!(
        screen.contains("pouvaient être gardées jusqu'au 4 août 2025"),
        "{screen}"
    );

    // Once every dossier is anonymised there is nothing left to ask for.
    let mut s = s.reopen_after(&call, CHAIR, |tui_db| {
        let db = tui_db.display().to_string();
        let out = run(&["anonymise", "--db", &db, "--oui"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let out = run(&["export", "csv", "--db", &db]);
        assert!(out.status.success());
        let said = text(&out.stderr);
        assert!(!said.contains("conservation"), "{said}");
    });
    let screen = s.screen();
    assert!(!screen.contains("conservation"), "{screen}");
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", &pdf.display().to_string(), "-"])
        .output()
        .unwrap_or_else(|e| {
            panic!("pdftotext is needed to read the PDF back ({e}): apt-get install poppler-utils")
        });
    assert!(out.status.success(), "pdftotext failed");
    harness::flatten_pdf_text(&text(&out.stdout))
}

#[test]
fn jury_dossier_writes_the_applicants_whole_file() {
    let dir = tempfile::tempdir().expect("temp");
    let call_dir = call_folder(dir.path(), 1);
    let db = committee(dir.path(), &call_dir);
    let db_arg = db.display().to_string();
    let pdf = dir.path().join("acces").join("001.pdf");
    let before = head(&db);
    // A near miss is answered with the reference meant, nothing written.
    let out = run(&[
        "dossier",
        "PDNP06-2025-01",
        "--db",
        &db_arg,
        "--out",
        &pdf.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(said.contains("Vouliez-vous dire"), "{said}");
    assert!(!pdf.exists());
    let out = run(&[
        "dossier",
        "PDNP06-2025-001",
        "--db",
        &db_arg,
        "--out",
        &pdf.display().to_string(),
        "--as",
        SECRETARY,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let flat = pdftotext(&pdf);
    for expected in [
        "Gaëlle Fabre",
        "Centre social Les Mimosas",
        "direction@mimosas-cannes.example.org",
        "Sylvie Marcellin",
        "Nadia Benali",
        "Julien Ferrand",
        "4 / 5",
        "4,5 / 5",
        "5 / 5",
        "Retenu",
        "Séance n° 1 du 7 juillet 2025",
        "daté du 9 juillet 2025, envoyé par courriel le 10 juillet 2025",
    ] {
        assert!(flat.contains(expected), "{expected} missing from:\n{flat}");
    }
    let out = run(&[
        "dossier",
        "PDNP06-2025-002",
        "--db",
        &db_arg,
        "--out",
        &dir.path().join("002.pdf").display().to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let flat = pdftotext(&dir.path().join("002.pdf"));
    assert!(flat.contains("Non retenu"), "{flat}");
    assert!(
        flat.contains("Motivation : Projet trop peu détaillé."),
        "{flat}"
    );
    // Extracting personal data is on the record, by whom.
    assert_eq!(
        rows(
            &db,
            "SELECT actor, target FROM audit WHERE action = 'dossier.access' ORDER BY id"
        ),
        [
            format!("Text(\"{SECRETARY}\")|Text(\"PDNP06-2025-001\")"),
            "Text(\"secrétariat\")|Text(\"PDNP06-2025-002\")".to_string(),
        ]
    );
    assert!(verify(&db, Some(&before)).status.success());
}

#[test]
fn no_applicants_file_over_a_record_altered_outside_jury() {
    let (dir, db, _) = committee_db();
    Connection::open(&db)
        .expect("db")
        .execute(
            "UPDATE scores SET value = 0 WHERE reference = 'PDNP06-2025-001' AND member = ?1",
            [MEMBER],
        )
        .expect("edit");
    let pdf = dir.path().join("001.pdf");
    let out = run(&[
        "dossier",
        "PDNP06-2025-001",
        "--db",
        &db.display().to_string(),
        "--out",
        &pdf.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(said.contains("registre altéré hors de Jury"), "{said}");
    assert!(!pdf.exists());
}

/// The notice is long: at the smallest width Jury accepts it wraps over the
/// status lines instead of losing what to do.
#[test]
fn the_retention_notice_is_read_whole_on_a_narrow_terminal() {
    let dir = tempfile::tempdir().expect("temp");
    let call_dir = call_folder(dir.path(), 1);
    let db = committee(dir.path(), &call_dir);
    drop(db);
    let call = call_dir.display().to_string();
    let s = harness::open(&call, Some(CHAIR));
    let mut s = s.reopen_as(&call, CHAIR);
    s.term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("term");
    let screen = s.screen();
    let flat: String = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Anonymisez-les : jury anonymise --db <base>."),
        "{screen}"
    );
    // The key hints keep the last line.
    assert!(
        screen.lines().last().unwrap_or("").contains("Rechercher"),
        "{screen}"
    );
}
