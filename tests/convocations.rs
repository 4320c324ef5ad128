//! Convocations to the audition through the real binary (`jury
//! convocations`), read back: the PDF with pdftotext, the ODT laid out by
//! LibreOffice, the EML with Python's email package (the invitation
//! attached), every .ics with the icalendar crate's parser and a strict
//! line check. A moved slot gives a corrected convocation.

use crate::common::eml;
use crate::common::harness;
use crate::common::office;

use chrono::{NaiveDate, NaiveTime};
use eml::parse_eml;
use harness::{flatten_pdf_text, pdf_file_text, root};
use icalendar::{Component, EventLike};
use jury::io::import::read_folder;
use jury::store::Store;
use jury_core::stage::{Slot, Span};
use std::path::{Path, PathBuf};
use std::process::Command;

const SECRETARY: &str = "Nadia Benali";
const SYLVIE: &str = "Sylvie Marcellin";
const JULIEN: &str = "Julien Ferrand";
const BERNARD: &str = "Bernard Castellan";

fn slot(reference: &str, day: u32, (h, m): (u32, u32), panel: &[&str]) -> Slot {
    let from = NaiveTime::from_hms_opt(h, m, 0).expect("time");
    Slot {
        reference: reference.into(),
        day: NaiveDate::from_ymd_opt(2025, 7, day).expect("day"),
        span: Span {
            from,
            to: from + chrono::Duration::minutes(45),
        },
        panel: panel.iter().map(|s| s.to_string()).collect(),
        fixed: false,
    }
}

/// The caf06 sample imported, Julien in conflict with 004, two candidates
/// scheduled on 10 July.
fn scheduled(dir: &Path) -> PathBuf {
    let db = dir.join("jury.sqlite");
    let mut store = Store::open(&db).expect("open");
    read_folder(&root().join("samples/caf06-pdnp-2025"))
        .expect("call folder")
        .import_into(&mut store)
        .expect("import");
    drop(store);
    scheduled_into(&db);
    db
}

/// Julien's conflict with 004 and the two slots, in a database holding the
/// sample.
fn scheduled_into(db: &Path) {
    let mut store = Store::open(db).expect("open");
    store
        .set_conflict(JULIEN, "PDNP06-2025-004", JULIEN, true, "ancien salarié")
        .expect("conflict");
    store
        .propose_schedule(
            SECRETARY,
            &[
                slot("PDNP06-2025-001", 10, (9, 45), &[SYLVIE, JULIEN, BERNARD]),
                slot("PDNP06-2025-004", 10, (14, 0), &[SYLVIE, BERNARD]),
            ],
        )
        .expect("scheduled");
}

fn convocations(db: &Path, out: &Path) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_jury"))
        .args(["convocations", "--db"])
        .arg(db)
        .arg("--out")
        .arg(out)
        .output()
        .expect("jury runs");
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    stdout.replace(['\u{a0}', '\u{202f}'], " ")
}

/// Strict RFC 5545 line checks, then the crate's own parser.
fn read_ics(path: &Path) -> icalendar::Calendar {
    let bytes = std::fs::read(path).expect("ics");
    let text = String::from_utf8(bytes).expect("UTF-8");
    assert!(text.ends_with("\r\n"), "{text}");
    let lines: Vec<&str> = text.trim_end_matches("\r\n").split("\r\n").collect();
    for line in &lines {
        assert!(!line.contains('\n'), "bare LF in {line:?}");
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    for kind in ["VCALENDAR", "VEVENT"] {
        let begin = lines
            .iter()
            .filter(|l| **l == format!("BEGIN:{kind}"))
            .count();
        let end = lines
            .iter()
            .filter(|l| **l == format!("END:{kind}"))
            .count();
        assert_eq!(begin, end, "{kind} in {text}");
    }
    assert_eq!(lines.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(lines.last(), Some(&"END:VCALENDAR"));
    text.parse::<icalendar::Calendar>()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn events(cal: &icalendar::Calendar) -> Vec<&icalendar::Event> {
    cal.events().collect()
}

#[test]
fn convocations_read_back_and_a_moved_slot_gives_a_corrected_one() {
    let dir = tempfile::tempdir().expect("temp");
    let db = scheduled(dir.path());
    let out = dir.path().join("convocations");
    let said = convocations(&db, &out);
    assert!(
        said.contains("2 convocations, 0 rectificative, 3 agendas de jury"),
        "{said}"
    );

    // The letter: date, time, place, panel, what to bring.
    let pdf = pdf_file_text(&out.join("PDNP06-2025-001-convocation.pdf"));
    for needle in [
        "jeudi 10 juillet 2025, de 9 h 45 à 10 h 30",
        "salle Estérel",
        "Sylvie Marcellin, Julien Ferrand et Bernard Castellan",
        "la fiche de poste du professionnel proposé",
        "entretien avec l'employeur et le professionnel",
    ] {
        assert!(pdf.contains(needle), "{needle} missing:\n{pdf}");
    }
    assert!(!pdf.contains("rectificative"), "{pdf}");

    // The ODT, laid out by LibreOffice.
    let laid = dir.path().join("odt-pdf");
    office::convert(
        &[out.join("PDNP06-2025-001-convocation.odt")],
        &laid,
        &dir.path().join("lo-profile"),
    );
    let odt = pdf_file_text(&laid.join("PDNP06-2025-001-convocation.pdf"));
    for needle in [
        "jeudi 10 juillet 2025",
        "9 h 45",
        "salle Estérel",
        "Julien Ferrand et Bernard Castellan",
    ] {
        assert!(odt.contains(needle), "{needle} missing:\n{odt}");
    }

    // The e-mail draft carries the PDF and the invitation.
    let mail = parse_eml(&out.join("PDNP06-2025-001-convocation.eml"));
    assert!(mail.contains("X-Unsent: 1"), "{mail}");
    assert!(
        mail.contains("PDNP06-2025-001-convocation.pdf application/pdf"),
        "{mail}"
    );
    assert!(
        mail.contains("PDNP06-2025-001-convocation.ics text/calendar"),
        "{mail}"
    );
    assert!(
        mail.contains("jeudi 10 juillet 2025, de 9 h 45 à 10 h 30"),
        "{mail}"
    );

    // The candidate's invitation: 9:45 Paris is 7:45 UTC in July.
    let cal = read_ics(&out.join("PDNP06-2025-001-convocation.ics"));
    assert_eq!(cal.property_value("METHOD"), Some("REQUEST"));
    assert_eq!(cal.property_value("VERSION"), Some("2.0"));
    assert_eq!(
        cal.property_value("PRODID"),
        Some("-//Jury//Convocations//FR")
    );
    let ev = events(&cal);
    assert_eq!(ev.len(), 1);
    let uid = ev[0].get_uid().expect("UID").to_string();
    assert_eq!(ev[0].get_sequence(), Some(0));
    assert_eq!(ev[0].property_value("DTSTART"), Some("20250710T074500Z"));
    assert_eq!(ev[0].property_value("DTEND"), Some("20250710T083000Z"));
    assert!(ev[0].get_timestamp().is_some());
    assert!(
        ev[0]
            .get_location()
            .expect("LOCATION")
            .contains("salle Estérel")
    );
    let description = ev[0].get_description().expect("DESCRIPTION");
    assert!(
        description.contains("Julien Ferrand et Bernard Castellan"),
        "{description}"
    );
    assert!(
        description.contains("- une pièce d'identité"),
        "{description}"
    );
    assert_eq!(
        ev[0].property_value("ORGANIZER"),
        Some("mailto:promeneurs@caf06.example.org")
    );

    // The panel: Julien sits for 001, not for 004 (a conflict).
    let julien = read_ics(&out.join("jury-julien-ferrand.ics"));
    let refs = |cal: &icalendar::Calendar| -> Vec<String> {
        events(cal)
            .iter()
            .map(|e| e.get_summary().unwrap_or("").to_string())
            .collect()
    };
    let mine = refs(&julien);
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert!(mine[0].contains("PDNP06-2025-001"), "{mine:?}");
    let sylvie = refs(&read_ics(&out.join("jury-sylvie-marcellin.ics")));
    assert_eq!(sylvie.len(), 2, "{sylvie:?}");
    assert!(
        sylvie.iter().any(|s| s.contains("PDNP06-2025-004")),
        "{sylvie:?}"
    );

    // Nothing moved: nothing new.
    let said = convocations(&db, &out);
    assert!(said.contains("aucune convocation nouvelle"), "{said}");

    // 001 moves to Friday 9:00: a corrected convocation.
    let first_day: String = rusqlite::Connection::open(&db)
        .expect("db")
        .query_row(
            "SELECT signed_on FROM convocations WHERE reference = 'PDNP06-2025-001' AND n = 1",
            [],
            |r| r.get(0),
        )
        .expect("first convocation");
    let first_day = jury_core::fr::Lang::Fr
        .date(NaiveDate::parse_from_str(&first_day, "%Y-%m-%d").expect("date"));
    Store::open(&db)
        .expect("open")
        .move_slot(
            SECRETARY,
            &slot("PDNP06-2025-001", 11, (9, 0), &[SYLVIE, JULIEN, BERNARD]),
        )
        .expect("moved");
    let said = convocations(&db, &out);
    assert!(
        said.contains("1 convocation, 1 rectificative, 3 agendas de jury"),
        "{said}"
    );
    let mark =
        format!("Convocation rectificative — annule et remplace la convocation du {first_day}");
    let pdf = pdf_file_text(&out.join("PDNP06-2025-001-convocation-2.pdf"));
    assert!(pdf.contains(&mark), "{mark} missing:\n{pdf}");
    assert!(
        pdf.contains("vendredi 11 juillet 2025, de 9 h à 9 h 45"),
        "{pdf}"
    );
    let mail = flatten_pdf_text(&parse_eml(&out.join("PDNP06-2025-001-convocation-2.eml")));
    assert!(mail.contains(&format!("Subject: {mark}")), "{mail}");
    let cal = read_ics(&out.join("PDNP06-2025-001-convocation-2.ics"));
    assert_eq!(cal.property_value("METHOD"), Some("REQUEST"));
    let ev = events(&cal);
    assert_eq!(ev[0].get_uid(), Some(uid.as_str()));
    assert_eq!(ev[0].get_sequence(), Some(1));
    assert_eq!(ev[0].property_value("DTSTART"), Some("20250711T070000Z"));
    // The first convocation stays as it was; 004's was not made again.
    assert!(out.join("PDNP06-2025-001-convocation.pdf").is_file());
    assert!(!out.join("PDNP06-2025-004-convocation-2.pdf").exists());

    // Every convocation is in the record, which verifies intact.
    let r = jury::store::audit::verify_record(&db, None).expect("verify");
    assert!(r.is_intact(), "{:?}", r.differences);
    let rows: Vec<(String, i64)> = Store::open(&db)
        .expect("open")
        .convocations()
        .expect("rows")
        .into_iter()
        .map(|c| (c.reference, c.n))
        .collect();
    assert_eq!(
        rows,
        [
            ("PDNP06-2025-001".to_string(), 1),
            ("PDNP06-2025-001".to_string(), 2),
            ("PDNP06-2025-004".to_string(), 1)
        ]
    );
}

#[test]
fn without_a_timetable_nothing_is_written_and_the_message_says_why() {
    let dir = tempfile::tempdir().expect("temp");
    let db = dir.path().join("jury.sqlite");
    let mut store = Store::open(&db).expect("open");
    read_folder(&root().join("samples/caf06-pdnp-2025"))
        .expect("call folder")
        .import_into(&mut store)
        .expect("import");
    drop(store);
    let out = dir.path().join("convocations");
    let o = Command::new(env!("CARGO_BIN_EXE_jury"))
        .args(["convocations", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("jury runs");
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("aucun candidat n'a de créneau d'audition : établissez d'abord le planning"),
        "{err}"
    );
    assert!(!out.exists());
}

/// The secretary produces them with the letters view's key, the status
/// says what was written and the view lists them; a member may not.
#[test]
fn the_letters_view_produces_and_lists_convocations_through_the_keymap() {
    let mut s = harness::open("samples/caf06-pdnp-2025", Some(SECRETARY));
    let letters = s.letters_dir();
    // The timetable, written while the app is closed, then opened again.
    drop(s.app);
    scheduled_into(&s.db);
    s.app = jury::tui::App::open(jury::tui::Options {
        call_dir: root().join("samples/caf06-pdnp-2025"),
        db: Some(s.db.clone()),
        reviewer: Some(SECRETARY.into()),
        keymap: None,
        lang: jury_core::fr::Lang::Fr,
        color: true,
        letters_dir: Some(letters),
    })
    .expect("reopen");
    // The import report of the call folder, when it has something to say
    // (not about convocations: checked below), is closed first.
    if matches!(s.app.state.mode, jury::app::state::Mode::Report { .. }) {
        assert!(!s.screen().contains("convocation"), "{}", s.screen());
        s.act("close");
    }
    s.act("letters_view");
    s.act("produce_convocations");
    let screen = s.screen().replace(['\u{a0}', '\u{202f}'], " ");
    assert!(
        screen.contains("2 convocations, 0 rectificative, 3 agendas de jury"),
        "{screen}"
    );
    assert!(screen.contains("Convocations à l'audition (2)"), "{screen}");
    assert!(screen.contains("10/07/2025 09:45–10:30"), "{screen}");
    assert!(screen.contains("première"), "{screen}");
    assert!(
        s.letters_dir()
            .join("PDNP06-2025-004-convocation.ics")
            .is_file()
    );
    // Again: nothing moved, nothing new, and the status says so.
    s.act("produce_convocations");
    let screen = s.screen();
    assert!(screen.contains("aucune convocation nouvelle"), "{screen}");
    let events: Vec<i64> =
        s.query("SELECT COUNT(*) FROM audit WHERE action = 'convocation.produce'");
    assert_eq!(events, [2]);

    // A member is told why not; nothing is written.
    let mut m = s.reopen_as("samples/caf06-pdnp-2025", JULIEN);
    if matches!(m.app.state.mode, jury::app::state::Mode::Report { .. }) {
        m.act("close");
    }
    m.act("letters_view");
    m.act("produce_convocations");
    let screen = m.screen();
    assert!(
        screen.contains("Seuls la présidence et le secrétariat"),
        "{screen}"
    );
}

fn convocations_of(db: &Path, out: &Path, dossier: &str) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_jury"))
        .args(["convocations", "--db"])
        .arg(db)
        .arg("--out")
        .arg(out)
        .args(["--dossier", dossier])
        .output()
        .expect("jury runs");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).replace(['\u{a0}', '\u{202f}'], " "),
        String::from_utf8_lossy(&o.stderr).replace(['\u{a0}', '\u{202f}'], " "),
    )
}

#[test]
fn one_dossier_is_convened_and_a_wrong_reference_is_named() {
    let dir = tempfile::tempdir().expect("temp");
    let db = scheduled(dir.path());
    let out = dir.path().join("convocations");
    let (code, _, err) = convocations_of(&db, &out, "PDNP06-2025-00l");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("aucun dossier de référence « PDNP06-2025-00l »"),
        "{err}"
    );
    assert!(err.contains("PDNP06-2025-001"), "{err}");
    let (code, _, err) = convocations_of(&db, &out, "PDNP06-2025-002");
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("le dossier PDNP06-2025-002 n'a pas de créneau d'audition"),
        "{err}"
    );
    assert!(!out.exists());
    let (code, said, err) = convocations_of(&db, &out, "PDNP06-2025-004");
    assert_eq!(code, Some(0), "{err}");
    assert!(
        said.contains("1 convocation, 0 rectificative, 3 agendas de jury"),
        "{said}"
    );
    assert!(out.join("PDNP06-2025-004-convocation.pdf").is_file());
    assert!(!out.join("PDNP06-2025-001-convocation.pdf").exists());
}
