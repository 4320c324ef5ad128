//! Seed 002: the committee proposes, the Caf de l'Allier and the Caf du
//! Puy-de-Dôme validate. Through the real keymap: letters wait for both
//! institutions, a refusal keeps them back with its reasons, the minutes
//! record each answer, the record replays.

use crate::common::harness;
use crate::common::session;

use harness::*;
use jury::app::state::Mode;
use session::decide;

const CALL: &str = "tests/fixtures/allier-module1";
const CHAIR: &str = "Hélène Vasseur";

fn answer(s: &mut Session, institution: &str, answer: &str, by: &str, reasons: &str) {
    s.go_to(jury::app::state::Screen::Committee);
    s.act("validate_session");
    s.choose("institution", institution);
    s.choose("answer", answer);
    s.fill("by", by);
    s.fill("reasons", reasons);
    s.act("confirm");
}

#[test]
fn letters_wait_until_every_institution_has_validated() {
    let mut s = open(CALL, Some(CHAIR));
    for (r, d) in [
        ("ALLIER-M1-001", [3, 3, 3, 3, 3]),
        ("ALLIER-M1-002", [1, 1, 2, 1, 1]),
    ] {
        s.select(r);
        s.score_current(&d);
    }
    s.act("switch_view");
    // Before any closed session there is nothing to validate.
    s.act("validate_session");
    assert!(s.screen().contains("Aucune séance close"), "{}", s.screen());
    s.act("open_session");
    s.fill("date", "19 mars 2024");
    s.act("confirm");
    decide(&mut s, "ALLIER-M1-001", "convoque", "");
    decide(
        &mut s,
        "ALLIER-M1-002",
        "non_retenu",
        "Projet peu faisable.",
    );
    s.act("close_session");
    s.type_text(" ");
    s.act("confirm");

    s.act("letters_view");
    let screen = s.screen();
    assert!(
        screen.contains(
            "Séance n° 1 : courriers en attente de la validation de Caf de l'Allier, Caf du Puy-de-Dôme"
        ),
        "{screen}"
    );
    assert!(s.app.state.letters_view.items.is_empty());
    s.act("letters_view");
    // `jury letters` holds them back too, and says why.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jury"))
        .args(["letters", "--db"])
        .arg(&s.db)
        .arg("--out")
        .arg(s.dir.path().join("cli"))
        .env("LANG", "fr_FR.UTF-8")
        .output()
        .expect("jury letters");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("Séance n° 1 : courriers en attente de la validation de Caf de l'Allier, Caf du Puy-de-Dôme."),
        "{err}"
    );

    answer(&mut s, "caf03", "yes", "Hélène Vasseur, directrice", "");
    assert!(
        s.screen()
            .contains("Validation enregistrée, signée par Hélène Vasseur"),
        "{}",
        s.screen()
    );
    // A refusal needs its reasons.
    s.go_to(jury::app::state::Screen::Committee);
    s.act("validate_session");
    s.choose("institution", "caf63");
    s.choose("answer", "no");
    s.fill("by", "Paul Girard, directeur");
    s.act("confirm");
    let Mode::Form(form) = &s.app.state.mode else {
        panic!("the form stays open: {}", s.screen());
    };
    assert_eq!(
        form.error.as_deref(),
        Some("Une non-validation se motive : indiquez les motifs de l'institution.")
    );
    s.fill("reasons", "Pièce manquante au dossier retenu.");
    s.act("confirm");
    s.act("letters_view");
    let screen = s.screen();
    assert!(
        screen.contains("décisions non validées par Caf du Puy-de-Dôme (Pièce manquante"),
        "{screen}"
    );
    assert!(s.app.state.letters_view.items.is_empty());
    s.act("letters_view");

    // The Puy-de-Dôme validates after all: the letter can go.
    answer(&mut s, "caf63", "yes", "Paul Girard, directeur", "");
    s.act("letters_view");
    assert_eq!(s.app.state.letters_view.items.len(), 1);
    s.act("generate_all_letters");
    s.act("confirm");
    s.app.finish_jobs();
    assert!(
        s.letters_dir()
            .join("ALLIER-M1-002-non_retenu.pdf")
            .exists()
    );

    s.act("produce_minutes");
    s.app.finish_jobs();
    let pv = first_minutes(&s.letters_dir());
    let text = flatten_pdf_text(&pdf_file_text(&pv));
    for needle in [
        "Validation par les institutions",
        "Caf de l'Allier : décisions validées le",
        "par Hélène Vasseur, directrice.",
        "Caf du Puy-de-Dôme : décisions validées le",
    ] {
        assert!(text.contains(needle), "{needle} missing in {text}");
    }
    let events: Vec<String> =
        s.query("SELECT action FROM audit WHERE action = 'session.validation'");
    assert_eq!(events.len(), 3);
    let r = jury::store::audit::verify_record(&s.db, None).expect("verify");
    assert!(r.is_intact(), "{:?}", r.differences);
    // The JSON export has every answer, the refusal with its reasons.
    let json = exported_json(&s.db);
    // Signed on the day the form offers: today.
    let today = s.app.state.env.today.format("%Y-%m-%d").to_string();
    let answers: Vec<String> = json["validations"]
        .as_array()
        .expect("validations")
        .iter()
        .map(|v| {
            format!(
                "{} {} {} {} {} {}",
                v["session"],
                v["institution"],
                v["validated"],
                v["signed_by"],
                v["reasons"],
                v["signed_on"] == today.as_str()
            )
        })
        .collect();
    assert_eq!(
        answers,
        [
            r#"1 "caf03" true "Hélène Vasseur, directrice" "" true"#,
            r#"1 "caf63" false "Paul Girard, directeur" "Pièce manquante au dossier retenu." true"#,
            r#"1 "caf63" true "Paul Girard, directeur" "" true"#,
        ]
    );
}

#[test]
fn a_call_without_institutions_has_nothing_to_validate() {
    let mut s = open(SAMPLE, Some("Sylvie Marcellin"));
    s.act("switch_view");
    s.act("validate_session");
    assert!(
        s.screen()
            .contains("L'appel ne nomme pas d'institution qui valide les décisions"),
        "{}",
        s.screen()
    );
}
