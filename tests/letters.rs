//! Letters, minutes and exports after a closed session, through the real
//! keymap and the command line.

use crate::common::harness;

use crate::common::eml;
use crate::common::session;
use eml::parse_eml;
use harness::*;
use jury::store::Store;
use session::{CHAIR, closed_session, decide};
use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn letters_are_produced_tracked_and_reproducible() {
    let mut s = closed_session();
    let out = s.letters_dir();
    // Before the call's notify_by date nothing is late.
    s.set_today(chrono::NaiveDate::from_ymd_opt(2025, 7, 9).expect("date"));
    s.act("letters_view");
    let screen = s.screen();
    assert!(screen.contains("3 décision(s) définitive(s)"), "{screen}");
    assert!(screen.contains("à envoyer"), "{screen}");
    // The preview is composed from the live state.
    assert!(screen.contains("Objet : Votre candidature"), "{screen}");
    // The letters first ask the date they carry: today, 9 July.
    s.act("generate_all_letters");
    s.act("confirm");
    s.app.finish_jobs();
    let screen = s.screen();
    assert!(screen.contains("3 courrier(s) produit(s)"), "{screen}");
    for ext in ["pdf", "odt", "eml"] {
        assert!(
            out.join(format!("PDNP06-2025-002-non_retenu.{ext}"))
                .is_file(),
            "{ext}"
        );
    }
    let pdf = out.join("PDNP06-2025-002-non_retenu.pdf");
    let first = std::fs::read(&pdf).expect("pdf");
    {
        let text = pdf_file_text(&pdf);
        for needle in [
            "Espace de vie sociale Le Lavoir",
            "n'a pas été retenu",
            "Articulation avec le projet social insuffisante",
            "1 000 €",
            "recours gracieux",
            "Caf des Alpes-Maritimes",
        ] {
            assert!(text.contains(needle), "{needle} missing:\n{text}");
        }
    }
    // Regenerating an unchanged decision, its date kept, gives the same bytes.
    s.set_today(chrono::NaiveDate::from_ymd_opt(2025, 7, 10).expect("date"));
    s.act("top");
    s.act("down");
    s.act("generate_letter");
    s.act("confirm");
    s.app.finish_jobs();
    assert_eq!(std::fs::read(&pdf).expect("pdf"), first);
    let hashes: Vec<String> = s.query("SELECT hash FROM letters ORDER BY reference");
    assert_eq!(hashes.len(), 3);
    // Mark sent by post, then acknowledged.
    s.act("mark_sent");
    s.choose("channel", "post");
    s.fill("date", "2025-07-10");
    s.act("confirm");
    // Each step is confirmed on the status line, in words.
    let screen = s.screen();
    assert!(
        screen.contains("marqué envoyé le 10 juillet 2025 (par courrier postal)"),
        "{screen}"
    );
    s.act("mark_acknowledged");
    s.fill("date", "2025-07-15");
    s.act("confirm");
    let screen = s.screen();
    assert!(screen.contains("noté, reçu le 15 juillet 2025"), "{screen}");
    assert!(!screen.contains("n'est pas marqué envoyé"), "{screen}");
    // The dossier's history tells it in French, with the values.
    s.act("history");
    let screen = s.screen();
    for line in [
        "courrier produit, daté du 9 juillet 2025",
        "courrier envoyé le 10 juillet 2025 (par courrier postal)",
        "accusé de réception reçu le 15 juillet 2025",
    ] {
        assert!(screen.contains(line), "{line}: {screen}");
    }
    assert!(!screen.contains("letter."), "{screen}");
    s.act("close");
    let sent: Vec<String> = s.query("SELECT channel || ' ' || sent_at || ' ' || acknowledged_at FROM letters WHERE sent_at IS NOT NULL");
    assert_eq!(sent, vec!["post 2025-07-10 2025-07-15".to_string()]);
    // The minutes, from the same view.
    s.act("produce_minutes");
    assert!(
        s.screen().contains("1 procès-verbal(aux) écrit(s)"),
        "{}",
        s.screen()
    );
    assert!(
        std::fs::read_dir(&out)
            .expect("out")
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().starts_with("PV-"))
    );
    // After notify_by, unsent letters are flagged late.
    s.set_today(chrono::NaiveDate::from_ymd_opt(2025, 7, 20).expect("date"));
    let screen = s.screen();
    assert!(screen.contains("2 EN RETARD"), "{screen}");
}

#[test]
fn the_eml_is_a_draft_in_french_with_the_pdf_attached_and_reproducible() {
    let mut s = closed_session();
    let out = s.letters_dir();
    s.act("letters_view");
    s.act("generate_all_letters");
    s.act("confirm");
    s.app.finish_jobs();
    let eml = out.join("PDNP06-2025-001-retenu.eml");
    let text = parse_eml(&eml);
    assert!(text.contains("example.org"), "{text}");
    assert!(text.contains("promeneurs@caf06.example.org"), "{text}");
    // A draft, ready to send from the mail client.
    assert!(text.contains("X-Unsent: 1\n"), "{text}");
    assert!(
        text.contains("Subject: Votre candidature à l'appel « Promeneurs du Net"),
        "{text}"
    );
    assert!(
        text.contains("PDNP06-2025-001-retenu.pdf application/pdf"),
        "{text}"
    );
    assert!(text.contains("décision du comité de sélection"), "{text}");
    assert!(
        text.contains(
            "la candidature présentée au nom de la structure « Centre social Les Mimosas » (référence PDNP06-2025-001)"
        ),
        "{text}"
    );
    // The date the letter carries, at the hour it was produced, Paris time.
    let rows: Vec<String> = s.query(
        "SELECT signed_on || ' ' || generated_at FROM letters WHERE reference = 'PDNP06-2025-001'",
    );
    let (signed_on, generated_at) = rows
        .first()
        .and_then(|r| r.split_once(' '))
        .expect("letter recorded");
    let hour = chrono::DateTime::parse_from_rfc3339(generated_at)
        .expect("generated_at")
        .with_timezone(&chrono_tz::Europe::Paris)
        .time();
    let day: chrono::NaiveDate = signed_on.parse().expect("signed_on");
    let expected = chrono::TimeZone::from_local_datetime(
        &chrono_tz::Europe::Paris,
        &day.and_time(chrono::Timelike::with_nanosecond(&hour, 0).expect("time")),
    )
    .earliest()
    .expect("Paris time")
    .to_rfc3339();
    assert!(
        text.contains(&format!("Date: {expected}\n")),
        "{expected}\n{text}"
    );

    // Produced again later with its date kept (`jury letters` without
    // --date): the moment of production is the first one, the bytes the same.
    let first = std::fs::read(&eml).expect("eml");
    let db = s.db.clone();
    // The temporary folder lives as long as one of its handles.
    let _dir = s.dir.clone();
    drop(s);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let run = jury()
        .args(["letters", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(std::fs::read(&eml).expect("eml"), first);
    let store = Store::open(&db).expect("db");
    let kept = store
        .letters()
        .expect("letters")
        .into_iter()
        .find(|l| l.reference == "PDNP06-2025-001")
        .map(|l| l.generated_at);
    assert_eq!(kept.as_deref(), Some(generated_at));
}

fn jury() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jury"))
}

#[test]
fn the_command_line_produces_letters_minutes_and_exports() {
    let s = closed_session();
    let db = s.db.clone();
    let dir = s.dir.clone();
    drop(s);
    let out: PathBuf = dir.path().join("cli");
    let run = jury()
        .args(["letters", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // Not a terminal: one plain line per letter.
    assert!(stdout.contains("PDNP06-2025-004 "), "{stdout}");
    assert!(stdout.contains("3 courrier(s) produit(s)"), "{stdout}");

    let run = jury()
        .args(["minutes", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let pv = std::fs::read_dir(&out)
        .expect("out")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("PV-") && n.ends_with(".pdf"))
        })
        .expect("minutes pdf");
    {
        let text = pdf_file_text(&pv);
        for needle in [
            "Procès-verbal de la séance",
            "Membres présents",
            "Quorum requis : 3",
            "Dossiers examinés",
            "Liste complémentaire",
            "Empreinte du journal d'audit",
            "Signature",
        ] {
            assert!(text.contains(needle), "{needle} missing:\n{text}");
        }
    }

    // The follow-up: 001's letter sent by e-mail and acknowledged.
    let (decision_id, signed_on, generated_at) = {
        let mut store = Store::open(&db).expect("db");
        let letter = store
            .letters()
            .expect("letters")
            .into_iter()
            .find(|l| l.reference == "PDNP06-2025-001")
            .expect("letter 001");
        let signed_on = letter.signed_on.clone().expect("signed_on");
        store
            .mark_sent(
                CHAIR,
                "PDNP06-2025-001",
                letter.decision_id,
                "email",
                &signed_on,
            )
            .expect("sent");
        store
            .mark_acknowledged(CHAIR, "PDNP06-2025-001", letter.decision_id, &signed_on)
            .expect("acknowledged");
        (letter.decision_id, signed_on, letter.generated_at)
    };
    assert!(decision_id > 0);
    let fr = |iso: &str| {
        iso.parse::<chrono::NaiveDate>()
            .expect("date")
            .format("%d/%m/%Y")
            .to_string()
    };
    let produced_day = chrono::DateTime::parse_from_rfc3339(&generated_at)
        .expect("generated_at")
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y")
        .to_string();

    let csv_path = dir.path().join("export.csv");
    let run = jury()
        .args(["export", "csv", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&csv_path)
        .output()
        .expect("run");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let bytes = std::fs::read(&csv_path).expect("csv");
    assert!(bytes.starts_with("\u{FEFF}".as_bytes()), "UTF-8 BOM");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    let headers = reader.headers().expect("headers").clone();
    let total = headers
        .iter()
        .position(|h| h == "Total (moyennes)")
        .expect("total column");
    let decision = headers
        .iter()
        .position(|h| h == "Décision")
        .expect("decision column");
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), 28);
    let first = rows
        .iter()
        .find(|r| &r[0] == "PDNP06-2025-001")
        .expect("row");
    // (30·4 + 30·4 + 25·5 + 15·3) / 100 = 4,10, written with a decimal comma.
    assert_eq!(&first[total], "4,10");
    assert_eq!(&first[decision], "Retenu");
    // The columns of a mail merge and of the letters' follow-up.
    let column = |row: &csv::StringRecord, name: &str| {
        let i = headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name} missing: {headers:?}"));
        row[i].to_string()
    };
    for (name, value) in [
        ("Représentant", "Patrick Senès".to_string()),
        ("Qualité du représentant", "Directeur".into()),
        ("Courriel", "direction@mimosas-cannes.example.org".into()),
        ("Adresse", "7 rue des Bougainvilliers".into()),
        ("Code postal", "06150".into()),
        ("Commune", "Cannes".into()),
        ("Date de la décision", "07/07/2025".into()),
        ("Courrier daté du", fr(&signed_on)),
        ("Courrier produit le", produced_day),
        ("Envoyé le", fr(&signed_on)),
        ("Envoyé par", "courriel".into()),
        ("Accusé de réception le", fr(&signed_on)),
    ] {
        assert_eq!(column(first, name), value, "{name}");
    }
    // 002's letter is produced, not sent: the follow-up shows it.
    let second = rows
        .iter()
        .find(|r| &r[0] == "PDNP06-2025-002")
        .expect("row");
    assert_eq!(column(second, "Courrier daté du"), fr(&signed_on));
    assert_eq!(column(second, "Envoyé le"), "");
    assert_eq!(column(second, "Envoyé par"), "");
    // An undecided dossier has no decision date and no letter.
    let undecided = rows
        .iter()
        .find(|r| &r[0] == "PDNP06-2025-005")
        .expect("row");
    assert_eq!(column(undecided, "Date de la décision"), "");
    assert_eq!(column(undecided, "Courrier produit le"), "");
    // Issue 9: no rank number for an ineligible or an unscored dossier.
    let rank = headers
        .iter()
        .position(|h| h == "Rang")
        .expect("rank column");
    let rank_of = |reference: &str| {
        rows.iter()
            .find(|r| &r[0] == reference)
            .map(|r| r[rank].to_string())
            .expect("row")
    };
    assert_eq!(rank_of("PDNP06-2025-001"), "1");
    assert_eq!(rank_of("PDNP06-2025-003"), "non classé (irrecevable)");
    assert_eq!(rank_of("PDNP06-2025-005"), "non classé (non noté)");

    let run = jury()
        .args(["export", "json", "--db"])
        .arg(&db)
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json");
    assert_eq!(v["format"], "jury-export/1");
    assert_eq!(v["dossiers"].as_array().map(Vec::len), Some(28));
    assert!(v["audit"]["intact"].as_bool().unwrap_or(false));
    let scores = v["dossiers"][0]["scores"]
        .as_array()
        .map(Vec::len)
        .unwrap_or(0);
    assert_eq!(scores, 4, "individual scores are exported");
}

/// `jury letters` or `jury minutes` with `args`, from `db` into `out`.
fn produce(args: &[&str], db: &Path, out: &Path) -> std::process::Output {
    jury()
        .args(args)
        .arg("--db")
        .arg(db)
        .arg("--out")
        .arg(out)
        .output()
        .expect("run")
}

/// A closed session's database, then `sql` run on it behind Jury's back;
/// the folder holding it lives as long as the handle returned.
fn edited_after_closing(sql: &str) -> (PathBuf, std::sync::Arc<tempfile::TempDir>) {
    let s = closed_session();
    let (db, dir) = (s.db.clone(), s.dir.clone());
    drop(s);
    let conn = rusqlite::Connection::open(&db).expect("db");
    conn.execute(sql, []).expect(sql);
    (db, dir)
}

#[test]
fn a_template_with_an_unknown_placeholder_stops_every_letter() {
    // A call folder whose lettres/non_retenu.txt names an unknown field,
    // brought in (and recorded) as opening the folder does.
    let s = closed_session();
    let (db, dir) = (s.db.clone(), s.dir.clone());
    drop(s);
    let mut store = Store::open(&db).expect("db");
    let mut templates = store.templates().expect("templates");
    templates.insert(
        "non_retenu".into(),
        "Objet : x\n\nBonjour {{dossier.nom}}".into(),
    );
    store.sync_templates(&templates).expect("templates");
    drop(store);
    let out = dir.path().join("none");
    let run = produce(&["letters"], &db, &out);
    let err = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{err}");
    assert!(
        err.contains("lettres/non_retenu.txt:3:9: placeholder inconnu « {{dossier.nom}} »"),
        "{err}"
    );
    assert!(
        !out.exists(),
        "no letter is produced when a template is wrong"
    );
}

#[test]
fn a_session_date_edited_in_the_database_stops_letters_and_minutes() {
    // A date that does not read can only come from outside Jury now (the
    // forms read dates): the record no longer matches its log, and no
    // official document is made over it.
    let (db, dir) = edited_after_closing("UPDATE sessions SET date = '18/07/2025'");
    let out = dir.path().join("none");
    for (command, lang, expected) in [
        (
            "letters",
            "fr",
            "registre altéré hors de Jury (1 anomalie(s), dont : séance n° 1 : du 18/07/2025",
        ),
        (
            "minutes",
            "fr",
            "registre altéré hors de Jury (1 anomalie(s), dont : séance n° 1 : du 18/07/2025",
        ),
        (
            "letters",
            "en",
            "record altered outside Jury (1 problem(s), including: séance n° 1 : du 18/07/2025",
        ),
    ] {
        let run = produce(&[command, "--lang", lang], &db, &out);
        let err = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{command}: {err}");
        assert!(err.contains(expected), "{command}: {err}");
    }
    let written = std::fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
    assert_eq!(written, 0, "no document dated 1970 or today");
}

/// The app again on `db` (left by a dropped session) as `reviewer`.
fn reopen(db: &Path, dir: &std::sync::Arc<tempfile::TempDir>, reviewer: &str) -> Session {
    let app = jury::tui::App::open(jury::tui::Options {
        call_dir: root().join(SAMPLE),
        db: Some(db.to_path_buf()),
        reviewer: Some(reviewer.to_string()),
        keymap: None,
        lang: jury_core::fr::Lang::Fr,
        color: true,
        letters_dir: Some(dir.path().join("courriers")),
    })
    .expect("reopen");
    let term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 48)).expect("terminal");
    Session {
        app,
        term,
        db: db.to_path_buf(),
        dir: dir.clone(),
    }
}

/// Every file `jury letters`/`jury minutes` wrote in `out`, by name.
fn written(out: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(out)
        .expect("out")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            (name.unwrap_or_default(), std::fs::read(&p).expect("file"))
        })
        .collect()
}

#[test]
fn a_closed_session_reads_the_same_however_the_scores_move_afterwards() {
    let s = closed_session();
    let db = s.db.clone();
    let dir = s.dir.clone();
    drop(s);
    let before = dir.path().join("before");
    for args in [
        &["letters", "--reference", "PDNP06-2025-001"][..],
        &["minutes"][..],
    ] {
        let run = produce(args, &db, &before);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    // Another member scores the retained dossier after the close: its live
    // total moves (4,10 before), the record of the session does not.
    let mut s = reopen(&db, &dir, "Julien Ferrand");
    s.select("PDNP06-2025-001");
    s.score_current(&[1, 1, 1, 1]);
    drop(s);
    let after = dir.path().join("after");
    for args in [
        &["letters", "--reference", "PDNP06-2025-001"][..],
        &["minutes"][..],
    ] {
        let run = produce(args, &db, &after);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let (before, after) = (written(&before), written(&after));
    assert!(
        before.contains_key("PDNP06-2025-001-retenu.pdf"),
        "{before:?}"
    );
    assert!(
        before.keys().any(|n| n.starts_with("PV-")),
        "{:?}",
        before.keys()
    );
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &before {
        assert!(
            after.get(name) == Some(bytes),
            "{name} changed after the close"
        );
    }
    {
        let text = pdf_file_text(&dir.path().join("after/PDNP06-2025-001-retenu.pdf"));
        assert!(text.contains("4,10 / 5"), "{text}");
    }
}

#[test]
fn scores_moved_after_the_close_are_flagged_in_the_committee_view() {
    let s = closed_session();
    let db = s.db.clone();
    let mut s = s.reopen_as(SAMPLE, "Julien Ferrand");
    s.select("PDNP06-2025-001");
    s.score_current(&[1, 1, 1, 1]);
    let mut s = s.reopen_as(SAMPLE, CHAIR);
    s.act("switch_view");
    s.act("top");
    s.act("down");
    let screen = s.screen();
    // The row says so, and the dossier's detail says since when.
    let row = screen
        .lines()
        .find(|l| l.contains("PDNP06-2025-001 Centre"));
    assert!(
        row.is_some_and(|l| l.contains("Retenu · modifié")),
        "{screen}"
    );
    let flat = screen
        .lines()
        .map(|l| l.split('│').nth(1).unwrap_or("").trim())
        .collect::<Vec<_>>()
        .join(" ");
    // The session was held today (the form's default): its date in words.
    let day: Vec<String> = s.query("SELECT date FROM sessions");
    let day = chrono::NaiveDate::parse_from_str(&day[0], "%Y-%m-%d").expect("date");
    let flag = format!(
        "modifié après la séance du {}",
        jury_core::fr::Lang::Fr.date(day)
    );
    assert!(flat.contains(&flag), "{flag}\n{screen}");
    // Dossiers not scored since the close carry no flag.
    let other = screen.lines().find(|l| l.contains("PDNP06-2025-002 "));
    assert!(other.is_some_and(|l| !l.contains("modifié")), "{screen}");
    // The decision itself stays the session's, until a new session changes it.
    let decisions: Vec<String> =
        s.query("SELECT kind FROM decisions WHERE reference = 'PDNP06-2025-001'");
    assert_eq!(decisions, vec!["retenu".to_string()]);
    drop(db);
}

#[test]
fn the_close_records_each_dossiers_basis_in_the_audit_trail_and_its_projection() {
    let s = closed_session();
    let after: Vec<String> = s.query("SELECT after FROM audit WHERE action = 'session.close'");
    assert_eq!(after.len(), 1);
    let v: serde_json::Value = serde_json::from_str(&after[0]).expect("payload");
    // Compact JSON, as `serde_json` writes a `{"snapshots": […]}` object:
    // the payload is assembled from each snapshot's text.
    assert_eq!(serde_json::to_string(&v).expect("json"), after[0]);
    let snaps = v["snapshots"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        snaps.len(),
        28,
        "every dossier of the batch, as ranked at the close"
    );
    let retained = snaps
        .iter()
        .find(|x| x["reference"] == "PDNP06-2025-001")
        .expect("001");
    assert_eq!(retained["decision"], "retenu");
    assert_eq!(retained["session_id"], 1);
    assert_eq!(retained["rank"], 1);
    assert!((retained["total"].as_f64().unwrap_or(0.0) - 4.1).abs() < 1e-9);
    assert_eq!(retained["grid"]["criteria"][0]["id"], "experience");
    assert_eq!(retained["scores"].as_array().map(Vec::len), Some(4));
    assert_eq!(retained["eligibility"]["verdict"], "eligible");
    // The projection holds the same JSON, one row per dossier.
    let rows: Vec<String> =
        s.query("SELECT snapshot FROM decision_snapshots WHERE session_id = 1 ORDER BY reference");
    assert_eq!(rows.len(), 28);
    let first: serde_json::Value = serde_json::from_str(&rows[0]).expect("row");
    assert_eq!(&first, retained);
}

#[test]
fn the_letters_view_previews_the_frozen_letter() {
    let s = closed_session();
    let mut s = s.reopen_as(SAMPLE, "Julien Ferrand");
    s.select("PDNP06-2025-001");
    s.score_current(&[1, 1, 1, 1]);
    let mut s = s.reopen_as(SAMPLE, CHAIR);
    s.act("letters_view");
    s.act("top");
    let screen = s.screen();
    assert!(screen.contains("PDNP06-2025-001"), "{screen}");
    assert!(
        screen.contains("4,10 / 5"),
        "the total of the session:\n{screen}"
    );
    assert!(!screen.contains("2,55"), "not the live total:\n{screen}");
}

/// The minutes PDF the letters view wrote, as text.
fn minutes_text(out: &Path) -> String {
    pdf_file_text(&first_minutes(out))
}

#[test]
fn the_minutes_are_dated_by_the_meeting_not_by_the_tool() {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.select("PDNP06-2025-001");
    s.score_current(&[4, 4, 5, 3]);
    s.act("switch_view");
    s.act("open_session");
    // Typed as the secretary writes it, held months before it is closed in Jury.
    s.fill("date", "7/7/2025");
    s.act("confirm");
    let dates: Vec<String> = s.query("SELECT date FROM sessions");
    assert_eq!(dates, vec!["2025-07-07".to_string()], "{}", s.screen());
    decide(&mut s, "PDNP06-2025-001", "retenu", "");
    s.act("close_session");
    s.type_text(" ");
    s.act("confirm");
    let today = jury_core::fr::Lang::Fr.date(s.app.state.env.today);
    s.act("letters_view");
    s.act("produce_minutes");
    let text = minutes_text(&s.letters_dir());
    assert!(
        text.contains("La séance du 7 juillet 2025"),
        "meeting date missing:\n{text}"
    );
    assert!(
        text.contains(&format!("et clôturée dans Jury le {today}")),
        "closing in the tool not named as such:\n{text}"
    );
    assert!(
        !text.contains(&format!("close le {today}")),
        "the tool's day read as the meeting's:\n{text}"
    );
}

#[test]
fn the_session_form_reads_a_date_written_in_words() {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.act("switch_view");
    s.act("open_session");
    s.fill("date", "8 juillet 2025");
    s.act("confirm");
    let dates: Vec<String> = s.query("SELECT date FROM sessions");
    assert_eq!(dates, vec!["2025-07-08".to_string()], "{}", s.screen());
}

#[test]
fn the_session_form_refuses_a_date_that_does_not_exist() {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.act("switch_view");
    s.act("open_session");
    s.fill("date", "31/02/2025");
    s.act("confirm");
    let screen = s.screen();
    assert!(
        screen.contains("date impossible « 31/02/2025 »"),
        "{screen}"
    );
    let dates: Vec<String> = s.query("SELECT date FROM sessions");
    assert!(dates.is_empty());
}

#[test]
fn a_letter_carries_the_signature_date_chosen_when_it_is_produced() {
    let mut s = closed_session();
    let out = s.letters_dir();
    s.act("letters_view");
    s.act("generate_all_letters");
    s.fill("date", "15/7/2025");
    s.act("confirm");
    s.app.finish_jobs();
    let signed: Vec<String> = s.query("SELECT DISTINCT signed_on FROM letters");
    assert_eq!(signed, vec!["2025-07-15".to_string()]);
    let pdf = out.join("PDNP06-2025-001-retenu.pdf");
    {
        let text = pdf_file_text(&pdf);
        assert!(text.contains("Nice, le 15 juillet 2025"), "{text}");
    }
    // Produced again with every letter, it keeps its date…
    s.act("generate_all_letters");
    s.act("confirm");
    s.app.finish_jobs();
    let signed: Vec<String> = s.query("SELECT DISTINCT signed_on FROM letters");
    assert_eq!(signed, vec!["2025-07-15".to_string()]);
    // …and alone, it takes the one chosen.
    s.act("top");
    s.act("generate_letter");
    s.fill("date", "16 juillet 2025");
    s.act("confirm");
    s.app.finish_jobs();
    let signed: Vec<String> =
        s.query("SELECT signed_on FROM letters WHERE reference = 'PDNP06-2025-001'");
    assert_eq!(signed, vec!["2025-07-16".to_string()]);
    {
        let text = pdf_file_text(&pdf);
        assert!(text.contains("Nice, le 16 juillet 2025"), "{text}");
    }
    // Not sent before the date it carries.
    s.act("mark_sent");
    s.fill("date", "15/7/2025");
    s.act("confirm");
    let screen = s.screen();
    assert!(
        screen.contains("Date d'envoi refusée : le courrier est daté du 16 juillet 2025"),
        "{screen}"
    );
    let sent: Vec<String> = s.query("SELECT sent_at FROM letters WHERE sent_at IS NOT NULL");
    assert!(sent.is_empty(), "{sent:?}");
    s.act("cancel");
    s.act("mark_sent");
    s.fill("date", "16/7/2025");
    s.act("confirm");
    let sent: Vec<String> = s.query("SELECT sent_at FROM letters WHERE sent_at IS NOT NULL");
    assert_eq!(sent, vec!["2025-07-16".to_string()]);
}

#[test]
fn the_command_line_signs_letters_on_the_date_given() {
    let s = closed_session();
    let (db, dir) = (s.db.clone(), s.dir.clone());
    drop(s);
    let out = dir.path().join("cli");
    let run = produce(&["letters", "--date", "20 juillet 2025"], &db, &out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    {
        let text = pdf_file_text(&out.join("PDNP06-2025-001-retenu.pdf"));
        assert!(text.contains("Nice, le 20 juillet 2025"), "{text}");
    }
    // Without --date, letters already produced keep theirs.
    let run = produce(&["letters"], &db, &out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let conn = rusqlite::Connection::open(&db).expect("db");
    let signed: String = conn
        .query_row("SELECT DISTINCT signed_on FROM letters", [], |r| r.get(0))
        .expect("one date");
    assert_eq!(signed, "2025-07-20");
    let run = produce(&["letters", "--date", "6/7/2025"], &db, &out);
    assert!(!run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr).contains(
            "Date de signature refusée : le 6 juillet 2025 précède la séance du 7 juillet 2025"
        ),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let run = produce(&["letters", "--date", "31/02/2025"], &db, &out);
    assert!(!run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("date impossible « 31/02/2025 »"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Issue 9: the chair withdraws from 004, the secretary decides it; reasons
/// typed and suggestions taken are separate sentences in the letters; the
/// irrecevable letter speaks only of the unmet condition; the minutes say
/// who withdrew, who recorded, and which decision was confirmed on thin
/// ground, and give the ineligible dossier no rank number.
#[test]
fn reasons_read_as_sentences_and_the_minutes_say_who_stood_in() {
    const SECRETARY: &str = "Nadia Benali";
    let mut s = open(SAMPLE, Some(CHAIR));
    for (r, d) in [
        ("PDNP06-2025-002", [2, 1, 2, 2]),
        ("PDNP06-2025-018", [1, 1, 1, 1]),
    ] {
        s.select(r);
        s.score_current(&d);
    }
    s.select("PDNP06-2025-004");
    s.act("conflict_of_interest");
    s.type_text("Administratrice de la structure");
    s.act("confirm");
    s.act("switch_view");
    s.act("open_session");
    s.act("confirm");
    let goto = |s: &mut Session, reference: &str| {
        s.act("top");
        while s
            .app
            .state
            .committee_current()
            .map(|i| s.app.state.batch.entries[i].dossier.reference.clone())
            != Some(reference.into())
        {
            s.act("down");
        }
    };
    // 018: the unmet condition, taken from the suggestions.
    goto(&mut s, "PDNP06-2025-018");
    s.act("decide");
    s.choose("kind", "irrecevable");
    s.tick("suggestion");
    s.act("confirm");
    // 002: typed words, then a suggestion taken.
    goto(&mut s, "PDNP06-2025-002");
    s.act("decide");
    s.choose("kind", "non_retenu");
    s.fill("motivation", "projet peu étayé ;");
    s.tick("suggestion");
    s.act("confirm");
    assert!(
        !matches!(s.app.state.mode, jury::app::state::Mode::Form(_)),
        "{}",
        s.screen()
    );
    // The chair in conflict cannot decide 004.
    goto(&mut s, "PDNP06-2025-004");
    s.act("decide");
    assert!(s.screen().contains("conflit d'intérêts"), "{}", s.screen());
    let mut s = s.reopen_as(SAMPLE, SECRETARY);
    s.act("switch_view");
    goto(&mut s, "PDNP06-2025-004");
    s.act("decide");
    s.choose("kind", "retenu");
    s.tick("confirm");
    s.act("confirm");
    let mut s = s.reopen_as(SAMPLE, CHAIR);
    s.act("switch_view");
    s.act("close_session");
    s.type_text(" ");
    s.act("confirm");
    assert_eq!(
        s.query::<String>(
            "SELECT reference || ' ' || kind || ' ' || by || ' ' || guarded FROM decisions ORDER BY reference"
        ),
        vec![
            "PDNP06-2025-002 non_retenu Sylvie Marcellin 0".to_string(),
            "PDNP06-2025-004 retenu Nadia Benali 1".to_string(),
            "PDNP06-2025-018 irrecevable Sylvie Marcellin 0".to_string(),
        ]
    );
    let out = s.letters_dir();
    s.act("letters_view");
    s.act("generate_all_letters");
    // The letters ask the date they carry: today.
    s.act("confirm");
    s.app.finish_jobs();
    {
        let text = pdf_file_text(&out.join("PDNP06-2025-002-non_retenu.pdf"));
        assert!(
            text.contains("Motifs de la décision : • Projet peu étayé. • Point faible : « ")
                || text.contains("Motifs de la décision : – Projet peu étayé. – Point faible : « ")
                || text.contains("Motifs de la décision : - Projet peu étayé. - Point faible : « "),
            "{text}"
        );
        assert!(text.contains(" : 1,0 / 5."), "{text}");
        assert!(!text.contains(";."), "{text}");
    }
    {
        let text = pdf_file_text(&out.join("PDNP06-2025-018-irrecevable.pdf"));
        assert!(
            text.contains("Motifs de la décision : Condition non remplie :"),
            "{text}"
        );
        assert!(!text.contains("date limite"), "on time: {text}");
        assert!(!text.contains("Point faible"), "{text}");
    }
    s.act("produce_minutes");
    s.app.finish_jobs();
    let pv = std::fs::read_dir(&out)
        .expect("out")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("PV-") && n.ends_with(".pdf"))
        })
        .expect("minutes pdf");
    {
        let text = pdf_file_text(&pv);
        for needle in [
            "Sylvie Marcellin s'est déporté·e pour ce dossier ; décision enregistrée par Nadia Benali.",
            "Décision confirmée expressément",
            "membres l'ayant noté : 0 ; minimum fixé par l'appel : 1",
            "non classé PDNP06-2025-018",
            "Motifs : Projet peu étayé. Point faible : « ",
        ] {
            assert!(text.contains(needle), "{needle} missing:\n{text}");
        }
    }
}

/// A signal arriving while letters are being produced stops them between
/// two batches (`produce::LETTER_BATCH` letters, rendered on every core and
/// recorded in one transaction): the letters done are whole and recorded,
/// the next batch is not started. Three letters make one batch.
#[test]
fn a_signal_mid_batch_stops_between_letters() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let mut s = closed_session();
    let out = s.letters_dir();
    s.set_today(chrono::NaiveDate::from_ymd_opt(2025, 7, 9).expect("date"));
    s.act("letters_view");
    s.act("generate_all_letters");
    s.act("confirm");
    // What the opening shows already kept, as the loop keeps it at its
    // first look at the keyboard: that look is the one after the batch.
    s.app.keep_opening();
    let signal = AtomicUsize::new(0);
    let mut asked = 0;
    // The first look at the keyboard comes after the first batch: SIGTERM then.
    let mut events = |_wait: std::time::Duration| {
        asked += 1;
        signal.store(15, Ordering::SeqCst);
        Ok(None)
    };
    let ended = jury::tui::event_loop(&mut s.app, &mut s.term, &signal, &mut events).expect("loop");
    assert_eq!(ended, Some(15));
    assert_eq!(asked, 1);
    let conn = rusqlite::Connection::open(&s.db).expect("db");
    let rows: i64 = conn
        .query_row("SELECT COUNT(*) FROM letters", [], |r| r.get(0))
        .expect("letters");
    assert_eq!(rows, 3, "one batch of three letters, then the signal");
    let pdfs = std::fs::read_dir(&out)
        .expect("letters dir")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        })
        .count();
    assert_eq!(pdfs, 3);
}

/// The closed session's letters as the record gives them now, signed on
/// 9 July 2025.
fn prepared_letters(s: &Session) -> Vec<jury::io::produce::Prepared> {
    use jury::io::produce;
    let signing = produce::Signing {
        on: chrono::NaiveDate::from_ymd_opt(2025, 7, 9).expect("date"),
        redate: false,
    };
    let parts = produce::load_parts(&s.app.store).expect("the record reads");
    produce::prepare_parts(&parts, None, signing).expect("every letter composes")
}

#[test]
fn letters_made_on_every_core_are_the_ones_made_one_at_a_time_tracked_in_order() {
    use jury::io::produce;
    let mut s = closed_session();
    let prepared = prepared_letters(&s);
    assert_eq!(prepared.len(), 3);
    let (together, alone, pipelined) = (
        s.letters_dir().join("ensemble"),
        s.letters_dir().join("un"),
        s.letters_dir().join("enchaines"),
    );
    let made = produce::write_letters(&mut s.app.store, &prepared, &together, CHAIR)
        .expect("one transaction records the batch");
    assert!(made.iter().all(Result::is_ok));
    // One event per letter, in the batch's order.
    let order: Vec<String> = prepared.iter().map(|p| p.reference.clone()).collect();
    let events: Vec<String> =
        s.query("SELECT target FROM audit WHERE action = 'letter' ORDER BY id");
    assert_eq!(events, order);
    let rows = "SELECT reference || ' ' || decision_id || ' ' || hash || ' ' || signed_on || ' ' || generated_at FROM letters ORDER BY reference";
    let tracked: Vec<String> = s.query(rows);
    for one in prepared.chunks(1) {
        let made = produce::write_letters(&mut s.app.store, one, &alone, CHAIR).expect("recorded");
        assert!(made.iter().all(Result::is_ok));
    }
    // Made again one at a time: the same bytes, hashes, dates and moments.
    assert_eq!(s.query::<String>(rows), tracked);
    // And batch after batch, each rendered beside the one before it being
    // recorded: the same again, tracked in the queue's order.
    let mut writer = produce::Writer::new(prepared_letters(&s), &pipelined).with_batch(1);
    let mut batches = Vec::new();
    while let Some(batch) = writer.next(&mut s.app.store, CHAIR) {
        let outcomes = batch.outcomes.expect("each batch recorded");
        assert!(outcomes.iter().all(Result::is_ok));
        batches.extend(batch.letters.iter().map(|p| p.reference.clone()));
    }
    assert_eq!(batches, order);
    assert_eq!(s.query::<String>(rows), tracked);
    let events: Vec<String> =
        s.query("SELECT target FROM audit WHERE action = 'letter' ORDER BY id");
    assert_eq!(events, [&order[..], &order[..], &order[..]].concat());
    let mut names: Vec<_> = std::fs::read_dir(&together)
        .expect("letters")
        .map(|e| e.expect("entry").file_name())
        .collect();
    names.sort();
    assert_eq!(names.len(), 9, "{names:?}");
    for name in names {
        let read = |dir: &Path| std::fs::read(dir.join(&name)).expect("letter file");
        assert_eq!(read(&together), read(&alone), "{name:?}");
        assert_eq!(read(&together), read(&pipelined), "{name:?}");
    }
}

#[test]
fn a_writer_stopped_between_batches_leaves_nothing_of_the_batch_rendered_ahead() {
    use jury::io::produce;
    let mut s = closed_session();
    let prepared = prepared_letters(&s);
    let first = prepared[0].reference.clone();
    let out = s.letters_dir().join("interrompu");
    let mut writer = produce::Writer::new(prepared, &out).with_batch(1);
    let batch = writer.next(&mut s.app.store, CHAIR).expect("a first batch");
    assert!(batch.outcomes.expect("recorded").iter().all(Result::is_ok));
    // The second batch is being rendered beside: 2 letters left, one of
    // them ahead.
    assert_eq!(writer.left(), 2);
    drop(writer);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("letters")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // The first letter's three files, and no temporary file of the next.
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with(&first)), "{names:?}");
    let letters: Vec<String> = s.query("SELECT reference FROM letters");
    assert_eq!(letters, [first]);
}
