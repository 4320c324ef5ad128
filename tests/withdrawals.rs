//! Withdrawals and promotion, through the real keymap on the caf06 sample:
//! a withdrawal refused while the decision is provisional or not an
//! acceptance, then recorded; the first of the liste complémentaire
//! proposed and promoted in a second session, the rest of the list moving
//! up; the promoted candidate's letter, the minutes, the CSV and
//! `jury verify` read it.

use crate::common::harness;
use crate::common::session;

use harness::*;
use jury::app::form::Purpose;
use jury::app::state::Mode;
use session::{CHAIR, decide};

const SECRETARY: &str = "Nadia Benali";
const A: &str = "PDNP06-2025-001";
const B: &str = "PDNP06-2025-002";
const C: &str = "PDNP06-2025-004";
const D: &str = "PDNP06-2025-005";

fn waitlist(s: &mut Session, reference: &str, rank: &str) {
    s.goto_committee(reference);
    s.act("decide");
    s.choose("kind", "liste_complementaire");
    s.fill("motivation", "Projet solide, hors zone prioritaire.");
    s.fill("rank", rank);
    s.act("confirm");
    assert!(
        !matches!(s.app.state.mode, Mode::Form(_)),
        "decision refused: {}",
        s.screen()
    );
}

fn form_purpose(s: &Session) -> Option<Purpose> {
    match &s.app.state.mode {
        Mode::Form(f) => Some(f.purpose.clone()),
        _ => None,
    }
}

fn form_error(s: &Session) -> String {
    match &s.app.state.mode {
        Mode::Form(f) => f.error.clone().unwrap_or_default(),
        _ => panic!("no form open"),
    }
}

/// (session, kind, waitlist rank) of a dossier's current decision.
fn current(s: &Session, reference: &str) -> (i64, String, Option<i64>) {
    let conn = rusqlite::Connection::open(&s.db).expect("db");
    conn.query_row(
        "SELECT session_id, kind, waitlist_rank FROM decisions WHERE reference = ?1 ORDER BY id DESC LIMIT 1",
        [reference],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .expect("decision")
}

/// A retenu, B non retenu, C and D on the waiting list (ranks 1 and 2).
fn decided() -> Session {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.score_and_open_session(
        &[
            (A, [5, 5, 5, 5]),
            (B, [2, 1, 2, 2]),
            (C, [4, 4, 4, 4]),
            (D, [3, 4, 3, 4]),
        ],
        "7 juillet 2025",
    );
    decide(&mut s, A, "retenu", "");
    decide(
        &mut s,
        B,
        "non_retenu",
        "Articulation avec le projet social insuffisante.",
    );
    waitlist(&mut s, C, "1");
    waitlist(&mut s, D, "2");
    s
}

#[test]
fn a_withdrawal_is_refused_for_a_provisional_or_non_accepting_decision() {
    let mut s = decided();
    // The session is open: the decision can still change, so no withdrawal.
    s.goto_committee(A);
    s.act("record_withdrawal");
    assert_eq!(form_purpose(&s), None);
    assert!(
        s.status()
            .contains("La décision n'est pas encore définitive"),
        "{}",
        s.status()
    );
    s.close_session();
    s.goto_committee(B);
    s.act("record_withdrawal");
    assert_eq!(form_purpose(&s), None);
    assert!(
        s.status().contains(
            "Décision actuelle : « Non retenu ». Seul·e un·e candidat·e retenu·e peut se désister."
        ),
        "{}",
        s.status()
    );
    // A member who is neither chair nor secretary records none.
    let mut m = s.reopen_as(SAMPLE, "Julien Ferrand");
    m.act("switch_view");
    m.goto_committee(A);
    m.act("record_withdrawal");
    assert_eq!(form_purpose(&m), None);
    assert!(
        m.status()
            .contains("Seuls la présidence et le secrétariat enregistrent un désistement."),
        "{}",
        m.status()
    );
    let none: Vec<String> = m.query("SELECT reference FROM withdrawals");
    assert!(none.is_empty(), "{none:?}");
}

#[test]
fn a_withdrawal_promotes_the_first_waitlisted_with_a_letter_minutes_and_csv() {
    let mut s = decided();
    s.close_session();
    s.goto_committee(A);
    s.act("record_withdrawal");
    assert_eq!(
        form_purpose(&s),
        Some(Purpose::Withdrawal {
            reference: A.into()
        })
    );
    // A date that does not exist: said in French, nothing recorded.
    s.fill("date", "31/2/2025");
    s.act("confirm");
    assert!(
        form_error(&s)
            .contains("date impossible « 31/2/2025 » : ce jour n'existe pas dans le calendrier"),
        "{}",
        form_error(&s)
    );
    let none: Vec<String> = s.query("SELECT reference FROM withdrawals");
    assert!(none.is_empty());
    s.fill("date", "3/9/2025");
    s.choose("channel", "post");
    s.act("confirm");
    let recorded: Vec<String> =
        s.query("SELECT received_on || ' ' || channel || ' ' || by FROM withdrawals");
    assert_eq!(recorded, [format!("2025-09-03 post {CHAIR}")]);
    // The promotion is offered at once: who withdrew, whom Jury proposes.
    assert_eq!(
        form_purpose(&s),
        Some(Purpose::Promotion {
            withdrawn: A.into(),
            session: None
        })
    );
    let Mode::Form(form) = &s.app.state.mode else {
        panic!("no form");
    };
    let said = format!("{} {}", form.title, form.note.clone().unwrap_or_default());
    for needle in [
        "Promotion après le désistement de PDNP06-2025-001",
        "s'est désisté·e le 3 septembre 2025 (courrier)",
        "Jury propose le premier de la liste complémentaire : PDNP06-2025-004",
        "Aucune séance ouverte à cette étape",
    ] {
        assert!(said.contains(needle), "{needle}:\n{said}");
    }
    // No session open: a promotion is a decision, refused for now.
    s.act("confirm");
    assert!(
        form_error(&s).contains("la promotion est une décision, ouvrez d'abord une séance"),
        "{}",
        form_error(&s)
    );
    s.act("cancel");
    let screen = s.screen();
    assert!(
        screen.contains("désisté·e le 3 septembre 2025"),
        "the committee view shows the withdrawal:\n{screen}"
    );
    s.act("history");
    let screen = s.screen();
    assert!(
        screen.contains("désistement reçu le 3 septembre 2025 (courrier)"),
        "{screen}"
    );
    s.act("close");
    // Withdrawn once is enough.
    s.goto_committee(A);
    s.act("record_withdrawal");
    assert_eq!(form_purpose(&s), None);
    assert!(
        s.status()
            .contains("Désistement déjà enregistré, reçu le 3 septembre 2025."),
        "{}",
        s.status()
    );
    // A second session; the chair promotes whom Jury proposes.
    s.act("open_session");
    s.fill("date", "10 septembre 2025");
    s.act("confirm");
    s.act("promote_from_waitlist");
    let Mode::Form(form) = &s.app.state.mode else {
        panic!("no promotion form: {}", s.screen());
    };
    assert_eq!(form.choice_of("candidate").as_deref(), Some(C));
    assert_eq!(form.choice_of("kind").as_deref(), Some("retenu"));
    assert_eq!(
        form.text_of("motivation"),
        "Promu·e de la liste complémentaire après le désistement de PDNP06-2025-001."
    );
    // The call has an envelope: the chair grants the promoted candidate
    // part of what the withdrawal returned to it.
    s.fill("amount", "750");
    s.act("confirm");
    assert_eq!(form_purpose(&s), None, "{}", s.screen());
    assert_eq!(current(&s, C), (2, "retenu".into(), None));
    let granted: Vec<f64> = s.query(&format!(
        "SELECT amount FROM decisions WHERE reference = '{C}' ORDER BY id DESC LIMIT 1"
    ));
    assert_eq!(granted, [750.0]);
    // The rest of the list moved up.
    assert_eq!(current(&s, D), (2, "liste_complementaire".into(), Some(1)));
    assert_eq!(current(&s, A), (1, "retenu".into(), None));
    let promoted: Vec<String> = s.query("SELECT promoted || ' ' || promoted_in FROM withdrawals");
    assert_eq!(promoted, [format!("{C} 2")]);
    // Nobody left to replace.
    s.act("promote_from_waitlist");
    assert_eq!(form_purpose(&s), None);

    // The promoted candidate's letter is their new decision's.
    s.close_and_write_letters();
    let screen = s.screen();
    assert!(
        screen.contains("Centre social Les  Retenu · "),
        "the letters view shows the withdrawal:\n{screen}"
    );
    let out = s.letters_dir();
    let letter = out.join(format!("{C}-retenu.pdf"));
    let text = pdf_file_text(&letter);
    for needle in [
        "dossier retenu",
        "réuni le 10 septembre 2025, a retenu votre candidature",
        C,
    ] {
        assert!(text.contains(needle), "{needle}:\n{text}");
    }
    s.act("produce_minutes");
    let pv = out.join("PV-2025-09-10-seance-2.pdf");
    let minutes = pdf_file_text(&pv);
    for needle in [
        "Désistements et promotions",
        "retenu·e lors de la séance du 7 juillet 2025, s'est désisté·e (désistement reçu le 3 septembre 2025 par courrier).",
        "est promu·e de la liste complémentaire à sa place",
        "Promu·e de la liste complémentaire après le désistement de PDNP06-2025-001.",
        "Rang sur la liste complémentaire : 1.",
    ] {
        assert!(minutes.contains(needle), "{needle}:\n{minutes}");
    }
    let first = pdf_file_text(&out.join("PV-2025-07-07-seance-1.pdf"));
    assert!(!first.contains("Désistements et promotions"), "{first}");
    // A, of Cannes, covered that territory at the first session; having
    // withdrawn, no longer at the second (C is from Nice, no priority).
    let uncovered =
        "Territoires prioritaires sans dossier retenu, en liste complémentaire ni convoqué :";
    assert!(
        flatten_pdf_text(&first).contains(&format!("{uncovered} CA du Pays de Grasse")),
        "{first}"
    );
    assert!(
        flatten_pdf_text(&minutes).contains(&format!("{uncovered} CA Cannes Pays de Lérins")),
        "{minutes}"
    );

    // The CSV and jury verify, from the command line.
    // `_dir` keeps the temporary folder, and the database in it, alive.
    let (db, _dir) = (s.db.clone(), s.dir.clone());
    drop(s);
    let csv = Exported::read(&db);
    let cell = |reference: &str, column: &str| csv.cell(reference, column);
    assert_eq!(cell(A, "Désisté le"), "03/09/2025");
    assert_eq!(cell(A, "Promu le"), "");
    assert_eq!(cell(C, "Promu le"), "10/09/2025");
    assert_eq!(cell(C, "Désisté le"), "");
    assert_eq!(cell(C, "Décision"), "Retenu");
    assert_eq!(cell(D, "Rang sur la liste complémentaire"), "1");
    // The JSON export has the withdrawal and whom it promoted.
    let json = exported_json(&db);
    assert_eq!(
        json["withdrawals"],
        serde_json::json!([{
            "reference": A, "session": 1, "received_on": "2025-09-03", "channel": "post",
            "by": CHAIR, "promoted": C, "promoted_in": 2,
        }])
    );
    let verify = std::process::Command::new(env!("CARGO_BIN_EXE_jury"))
        .args(["verify", "--db"])
        .arg(&db)
        .output()
        .expect("run");
    assert!(
        verify.status.success(),
        "{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
}

/// The committee view's banner line for the chair, if any.
fn awaiting_line(s: &mut Session) -> Option<String> {
    s.screen()
        .lines()
        .find(|l| l.contains("en attente de votre décision de promotion"))
        .map(str::to_string)
}

#[test]
fn the_chair_is_shown_a_withdrawal_the_secretary_recorded_until_she_promotes() {
    let mut s = decided();
    s.close_session();
    let mut s = s.reopen_as(SAMPLE, SECRETARY);
    s.act("switch_view");
    s.goto_committee(A);
    s.act("record_withdrawal");
    s.fill("date", "3/9/2025");
    s.act("confirm");
    // The secretary records it; promoting is not hers to decide.
    assert_eq!(form_purpose(&s), None, "{}", s.screen());
    let recorded: Vec<String> = s.query("SELECT by FROM withdrawals");
    assert_eq!(recorded, [SECRETARY]);
    assert_eq!(awaiting_line(&mut s), None);

    // The chair, with her own keymap: the banner says what awaits her and
    // which of her keys opens the promotion form.
    let keymap = s.dir.path().join("presidence.json");
    std::fs::write(
        &keymap,
        r#"{ "committee": { "W": null, "y": "promote_from_waitlist" } }"#,
    )
    .expect("keymap");
    let mut s = s.reopen_with(SAMPLE, CHAIR, Some(keymap));
    s.act("switch_view");
    let line = awaiting_line(&mut s).expect("the chair is told");
    assert!(
        line.contains(
            "⚠ Désistement en attente de votre décision de promotion : PDNP06-2025-001 (reçu le 3 septembre 2025) — y : promouvoir depuis la liste complémentaire"
        ),
        "{line}"
    );
    s.act("promote_from_waitlist");
    assert_eq!(
        form_purpose(&s),
        Some(Purpose::Promotion {
            withdrawn: A.into(),
            session: None
        })
    );
    // Cancelled: still waiting for her.
    s.act("cancel");
    assert!(awaiting_line(&mut s).is_some());
    s.act("open_session");
    s.fill("date", "10 septembre 2025");
    s.act("confirm");
    assert!(awaiting_line(&mut s).is_some(), "{}", s.screen());
    s.act("promote_from_waitlist");
    s.act("confirm");
    assert_eq!(form_purpose(&s), None, "{}", s.screen());
    assert_eq!(current(&s, C), (2, "retenu".into(), None));
    // Decided: the line is gone.
    assert_eq!(awaiting_line(&mut s), None);
}

#[test]
fn no_promotion_awaits_when_the_waiting_list_is_empty() {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.score_and_open_session(&[(A, [5, 5, 5, 5]), (B, [2, 1, 2, 2])], "7 juillet 2025");
    decide(&mut s, A, "retenu", "");
    decide(&mut s, B, "non_retenu", "Projet peu faisable.");
    s.close_session();
    s.goto_committee(A);
    s.act("record_withdrawal");
    s.fill("date", "3/9/2025");
    s.act("confirm");
    let recorded: Vec<String> = s.query("SELECT reference FROM withdrawals");
    assert_eq!(recorded, [A]);
    assert_eq!(form_purpose(&s), None, "{}", s.screen());
    assert_eq!(awaiting_line(&mut s), None);
}

#[test]
fn the_chair_may_promote_another_waitlisted_candidate_than_the_first() {
    let mut s = decided();
    s.close_session();
    s.goto_committee(A);
    s.act("record_withdrawal");
    s.fill("date", "3 septembre 2025");
    s.act("confirm");
    s.act("cancel");
    s.act("open_session");
    s.fill("date", "10 septembre 2025");
    s.act("confirm");
    s.act("promote_from_waitlist");
    s.choose("candidate", D);
    s.act("confirm");
    assert_eq!(form_purpose(&s), None, "{}", s.screen());
    assert_eq!(current(&s, D), (2, "retenu".into(), None));
    // Ranked before the one promoted, C keeps rank 1 and its decision.
    assert_eq!(current(&s, C), (1, "liste_complementaire".into(), Some(1)));
}

#[test]
fn with_auditions_the_final_decision_is_withdrawn_and_replaced_at_the_audition_stage() {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.score_and_open_session(
        &[
            (A, [5, 5, 5, 5]),
            (B, [4, 4, 4, 4]),
            (C, [4, 3, 4, 3]),
            (D, [1, 1, 1, 1]),
        ],
        "8 juillet 2025",
    );
    for r in [A, B, C] {
        decide(&mut s, r, "convoque", "");
    }
    decide(
        &mut s,
        D,
        "non_retenu",
        "Projet trop éloigné de la parentalité.",
    );
    s.close_session();
    s.act("switch_view");
    s.act("switch_stage");
    for (r, digits) in [(A, [5, 5, 5]), (B, [4, 4, 4]), (C, [3, 3, 3])] {
        s.select(r);
        s.score_current(&digits);
    }
    s.act("switch_view");
    s.act("open_session");
    s.fill("date", "18 juillet 2025");
    s.act("confirm");
    decide(&mut s, A, "retenu", "");
    waitlist(&mut s, B, "1");
    waitlist(&mut s, C, "2");
    s.close_session();
    // At the dossier stage A was only convened: nothing to withdraw from.
    s.act("switch_stage");
    s.goto_committee(A);
    s.act("record_withdrawal");
    assert_eq!(form_purpose(&s), None);
    assert!(
        s.status()
            .contains("Décision actuelle : « Convoqué·e à l'audition »."),
        "{}",
        s.status()
    );
    s.act("switch_stage");
    s.goto_committee(A);
    s.act("record_withdrawal");
    s.fill("date", "1/9/2025");
    s.choose("channel", "phone");
    s.act("confirm");
    s.act("cancel");
    s.act("open_session");
    s.fill("date", "10 septembre 2025");
    s.act("confirm");
    s.act("promote_from_waitlist");
    let Mode::Form(form) = &s.app.state.mode else {
        panic!("no promotion form: {}", s.screen());
    };
    assert_eq!(form.choice_of("candidate").as_deref(), Some(B));
    s.act("confirm");
    assert_eq!(form_purpose(&s), None, "{}", s.screen());
    let stage: Vec<String> = s.query("SELECT stage FROM sessions WHERE id = 3");
    assert_eq!(stage, ["audition"]);
    assert_eq!(current(&s, B), (3, "retenu".into(), None));
    assert_eq!(current(&s, C), (3, "liste_complementaire".into(), Some(1)));
    s.close_and_write_letters();
    let text = pdf_file_text(&s.letters_dir().join(format!("{B}-retenu.pdf")));
    assert!(
        text.contains("réuni le 10 septembre 2025, a retenu votre candidature"),
        "{text}"
    );
}
