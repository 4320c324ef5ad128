//! A call with an audition stage, through the real keymap: the dossier
//! stage convenes, the audition stage scores on its own grid, records an
//! absence, ranks on the combined score and decides; both sessions have
//! their minutes, and only final decisions get letters.

use crate::common::harness;
use crate::common::session;

use harness::*;
use session::{CHAIR, decide};

const SECRETARY: &str = "Nadia Benali";
const A: &str = "PDNP06-2025-001";
const B: &str = "PDNP06-2025-002";
const C: &str = "PDNP06-2025-004";
const D: &str = "PDNP06-2025-005";

/// The audition stage's session, where the final decisions are taken.
fn open_final_session(s: &mut Session) {
    s.act("open_session");
    s.fill("date", "18 juillet 2025");
    s.act("confirm");
}

/// The dossier stage: A, B and C convened, D not; the session closed.
fn shortlisted() -> Session {
    shortlisted_in(SAMPLE)
}

fn shortlisted_in(call: &str) -> Session {
    let mut s = open(call, Some(CHAIR));
    s.score_and_open_session(
        &[
            (A, [5, 5, 5, 5]),
            (B, [3, 3, 3, 3]),
            (C, [4, 4, 4, 4]),
            (D, [1, 1, 1, 1]),
        ],
        "8 juillet 2025",
    );
    // The shortlist is what a call with auditions proposes first.
    s.goto_committee(A);
    s.act("decide");
    let jury::app::state::Mode::Form(form) = &s.app.state.mode else {
        panic!("decision form: {}", s.screen());
    };
    assert_eq!(form.choice_of("kind").as_deref(), Some("convoque"));
    s.act("cancel");
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
    s
}

#[test]
fn the_audition_stage_scores_the_convened_on_its_grid_and_ranks_on_the_combined_score() {
    let mut s = shortlisted();
    s.act("switch_view");
    s.act("switch_stage");
    let screen = s.screen();
    assert!(screen.contains(" Auditions "), "{screen}");
    assert!(screen.contains("3 convoqué·e·s"), "{screen}");
    // Only the convened are listed, and the grid is the audition's.
    let listed = s.listed();
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(!listed.contains(&D.to_string()));
    s.select(B);
    s.act("focus_grid");
    let screen = s.screen();
    assert!(
        screen.contains("1. Motivation et compréhension"),
        "{screen}"
    );
    // On a laptop's 80 columns the grid is a table: the audition's too.
    s.term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("terminal");
    let narrow = s.screen();
    assert!(narrow.contains("1. Motivation et compr"), "{narrow}");
    assert!(!narrow.contains("Expérience de la"), "{narrow}");
    s.term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(160, 48)).expect("terminal");
    s.act("focus_list");
    // B meets the panel best; A, first on paper, less so.
    s.score_current(&[5, 5, 5]);
    s.select(A);
    s.score_current(&[1, 1, 1]);
    let audition_scores: Vec<String> = s.query(
        "SELECT criterion FROM scores WHERE reference = 'PDNP06-2025-002' AND criterion IN ('motivation', 'binome', 'posture') ORDER BY criterion",
    );
    assert_eq!(audition_scores, ["binome", "motivation", "posture"]);

    // C did not come.
    s.act("switch_view");
    s.goto_committee(C);
    s.act("record_absence");
    assert!(s.screen().contains("absence à l'audition enregistrée"));
    let screen = s.screen();
    assert!(screen.contains("Finale"), "{screen}");
    // B: 40 % × 60 + 60 % × 100 = 84 → 4,20 / 5; A: 40 % × 100 + 60 % × 20 = 52 → 2,60.
    let b_rank = s.app.state.batch.committee.rank_of(B).and_then(|r| r.rank);
    let a_rank = s.app.state.batch.committee.rank_of(A).and_then(|r| r.rank);
    assert_eq!((b_rank, a_rank), (Some(1), Some(2)));
    assert!(screen.contains("4,20"), "{screen}");
    assert!(screen.contains("2,60"), "{screen}");

    // The final session, at the audition stage.
    open_final_session(&mut s);
    decide(&mut s, B, "retenu", "");
    decide(
        &mut s,
        A,
        "liste_complementaire",
        "Entretien moins convaincant que le dossier.",
    );
    // The absent candidate's decision is the call's, with the fact as reasons.
    s.goto_committee(C);
    s.act("decide");
    let jury::app::state::Mode::Form(form) = &s.app.state.mode else {
        panic!("decision form: {}", s.screen());
    };
    assert_eq!(form.choice_of("kind").as_deref(), Some("non_retenu"));
    assert!(form.text_of("motivation").contains("ne s'est pas présenté"));
    assert!(
        !form
            .fields
            .iter()
            .any(|f| format!("{:?}", f.value).contains("convoque")),
        "no shortlist at the audition stage"
    );
    s.act("confirm");
    s.close_session();

    let stages: Vec<String> = s.query("SELECT stage FROM sessions ORDER BY id");
    assert_eq!(stages, ["dossier", "audition"]);
    let absent: Vec<String> = s.query("SELECT reference FROM absences");
    assert_eq!(absent, [C]);

    // Letters: the final decisions and D's; nobody is written to about
    // being convened (the convocation does that).
    s.act("letters_view");
    s.act("generate_all_letters");
    s.act("confirm");
    s.app.finish_jobs();
    let kinds: Vec<String> = s.query(
        "SELECT d.reference || ' ' || d.kind FROM letters l JOIN decisions d ON d.id = l.decision_id ORDER BY d.reference",
    );
    assert_eq!(
        kinds,
        [
            format!("{A} liste_complementaire"),
            format!("{B} retenu"),
            format!("{C} non_retenu"),
            format!("{D} non_retenu"),
        ]
    );
    let c_letter = pdf_file_text(&s.letters_dir().join(format!("{C}-non_retenu.pdf")));
    assert!(c_letter.contains("ne s'est pas présenté"), "{c_letter}");

    // Both sessions have their minutes.
    s.act("produce_minutes");
    s.app.finish_jobs();
    let minutes: Vec<String> = std::fs::read_dir(s.letters_dir())
        .expect("letters dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("PV-") && n.ends_with(".pdf"))
        .collect();
    assert_eq!(minutes.len(), 2, "{minutes:?}");
    let mut minutes = minutes;
    minutes.sort();
    let first = flatten_pdf_text(&pdf_file_text(&s.letters_dir().join(&minutes[0])));
    assert!(first.contains("Convoqué·e à l'audition"), "{first}");
    let second = flatten_pdf_text(&pdf_file_text(&s.letters_dir().join(&minutes[1])));
    for needle in [
        "Procès-verbal de la séance du 18 juillet 2025 (auditions)",
        "La note finale pondère la note de dossier (40 %) et la note d'audition (60 %)",
        "Dossier / 5 Audition / 5 Finale / 5",
        "(absent à",
        "4,20",
        "2,60",
    ] {
        assert!(second.contains(needle), "{needle} missing in:\n{second}");
    }
    assert!(
        !second.contains("Décision confirmée expressément"),
        "{second}"
    );

    // The export says who was convened and how the stages ended.
    let csv = Exported::read(&s.db);
    let cells = |reference: &str| -> Vec<String> {
        [
            "Convoqué à l'audition",
            "Absent à l'audition",
            "Note d'audition",
            "Note finale",
            "Rang final",
            "Décision",
        ]
        .iter()
        .map(|c| csv.cell(reference, c))
        .collect()
    };
    assert_eq!(cells(B), ["oui", "non", "5,00", "4,20", "1", "Retenu"]);
    assert_eq!(cells(C)[..2], ["oui", "oui"]);
    assert_eq!(cells(C)[4], "non classé (absent à l'audition)");
    assert_eq!(cells(D), ["non", "", "", "", "", "Non retenu"]);

    // The record is the committee's: every change replays.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jury"))
        .args(["verify", "--db"])
        .arg(&s.db)
        .env("LANG", "fr_FR.UTF-8")
        .output()
        .expect("jury verify");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("intact"), "{said}");
}

#[test]
fn only_the_chair_and_the_secretary_record_an_absence_and_only_for_the_convened() {
    let s = shortlisted();
    // Reopened once the shortlist is closed, the call opens at the auditions.
    let mut s = s.reopen_as(SAMPLE, "Julien Ferrand");
    assert!(s.screen().contains(" Auditions "), "{}", s.screen());
    s.act("switch_view");
    s.goto_committee(A);
    s.act("record_absence");
    assert!(
        s.screen()
            .contains("Seuls la présidence et le secrétariat notent les absences"),
        "{}",
        s.screen()
    );
    let mut s = s.reopen_as(SAMPLE, SECRETARY);
    s.act("switch_view");
    // At the dossier stage there is no audition to miss.
    s.act("switch_stage");
    s.goto_committee(A);
    s.act("record_absence");
    assert!(
        s.screen()
            .contains("Les absences se notent à l'étape des auditions")
    );
    s.act("switch_stage");
    s.goto_committee(A);
    s.act("record_absence");
    s.act("record_absence");
    assert!(s.screen().contains("absence retirée"), "{}", s.screen());
    let events: Vec<String> = s.query("SELECT action FROM audit WHERE action = 'audition.absence'");
    assert_eq!(events.len(), 2);
}

#[test]
fn a_one_stage_call_has_no_stage_to_switch_to() {
    let mut s = open(OTHER, Some("Zoé"));
    s.act("switch_stage");
    assert!(
        s.screen().contains("Cet appel n'a pas d'étape d'audition"),
        "{}",
        s.screen()
    );
}

/// Seed 002, module 1: the audition is a meeting, not scored; the final
/// ranking stays the dossier stage's, and the audition is by video.
#[test]
fn an_unscored_audition_keeps_the_dossier_ranking() {
    const CALL: &str = "tests/fixtures/allier-module1";
    const CHAIR_03: &str = "Hélène Vasseur";
    let mut s = open(CALL, Some(CHAIR_03));
    for (r, d) in [
        ("ALLIER-M1-001", [3, 3, 3, 3, 3]),
        ("ALLIER-M1-002", [1, 1, 2, 1, 1]),
        ("ALLIER-M1-003", [4, 4, 3, 4, 4]),
    ] {
        s.select(r);
        s.score_current(&d);
    }
    s.act("switch_view");
    s.act("open_session");
    s.fill("date", "19 mars 2024");
    s.act("confirm");
    decide(&mut s, "ALLIER-M1-001", "convoque", "");
    decide(&mut s, "ALLIER-M1-003", "convoque", "");
    decide(
        &mut s,
        "ALLIER-M1-002",
        "non_retenu",
        "Projet peu faisable.",
    );
    s.close_session();
    s.act("switch_stage");
    let screen = s.screen();
    assert!(screen.contains("2 convoqué·e·s"), "{screen}");
    let c = &s.app.state.batch.committee;
    assert_eq!(c.rank_of("ALLIER-M1-003").and_then(|r| r.rank), Some(1));
    assert_eq!(c.rank_of("ALLIER-M1-001").and_then(|r| r.rank), Some(2));
    // Nothing to score at this audition: the grid says so.
    s.act("switch_view");
    s.select("ALLIER-M1-003");
    s.act("focus_grid");
    let screen = s.screen();
    assert!(
        screen.contains("L'appel ne prévoit pas de notes à"),
        "{screen}"
    );
    s.act("score_3");
    let scores: Vec<String> = s.query(
        "SELECT criterion FROM scores WHERE reference = 'ALLIER-M1-003' AND criterion NOT IN ('qualite', 'experience', 'coherence', 'duree', 'coordinateur')",
    );
    assert!(scores.is_empty(), "{scores:?}");
    s.act("focus_list");
    s.act("switch_view");
    s.act("open_session");
    s.fill("date", "21 mars 2024");
    s.act("confirm");
    decide(&mut s, "ALLIER-M1-003", "retenu", "");
    decide(
        &mut s,
        "ALLIER-M1-001",
        "non_retenu",
        "Projet solide, mais la candidature retenue est mieux classée.",
    );
    s.close_session();
    let kinds: Vec<String> = s.query(
        "SELECT s.stage || ' ' || d.reference || ' ' || d.kind FROM decisions d JOIN sessions s ON s.id = d.session_id ORDER BY d.id",
    );
    assert_eq!(
        kinds,
        [
            "dossier ALLIER-M1-001 convoque",
            "dossier ALLIER-M1-003 convoque",
            "dossier ALLIER-M1-002 non_retenu",
            "audition ALLIER-M1-003 retenu",
            "audition ALLIER-M1-001 non_retenu",
        ]
    );
}

#[test]
fn at_the_audition_only_the_panel_scores_and_nobody_scores_the_absent() {
    let s = shortlisted();
    // Agnès Tordo is a rapporteur, not on the call's panel.
    let mut s = s.reopen_as(SAMPLE, "Agnès Tordo");
    s.select(A);
    s.act("focus_grid");
    s.act("score_4");
    assert!(
        s.screen().contains("Vous ne siégez pas au jury d'audition"),
        "{}",
        s.screen()
    );
    let mut s = s.reopen_as(SAMPLE, CHAIR);
    s.act("switch_view");
    s.goto_committee(C);
    s.act("record_absence");
    s.act("switch_view");
    s.select(C);
    s.act("focus_grid");
    s.act("score_4");
    assert!(
        s.screen()
            .contains("Candidat·e absent·e à l'audition : rien à noter"),
        "{}",
        s.screen()
    );
    let audition_scores: Vec<String> = s.query(
        "SELECT reference FROM scores WHERE criterion IN ('motivation', 'binome', 'posture')",
    );
    assert!(audition_scores.is_empty(), "{audition_scores:?}");
}

/// A panel member scores the auditions on their own laptop: their bundle
/// lists the convened candidates, their packet brings the audition scores.
#[test]
fn a_panel_members_audition_scores_travel_by_bundle_and_packet() {
    let mut chair = shortlisted();
    // The member's Jury opens at the auditions: the bundle says who is convened.
    let mut member = open_bundle(&mut chair, "Julien Ferrand");
    assert!(
        member.screen().contains(" Auditions "),
        "{}",
        member.screen()
    );
    let listed: Vec<String> = member
        .app
        .state
        .dossiers
        .view
        .iter()
        .map(|i| member.app.state.batch.entries[*i].dossier.reference.clone())
        .collect();
    assert_eq!(listed, [A, B, C], "the bundle's shortlist");
    let shared = member.letters_dir();
    member.select(B);
    member.score_current(&[4, 5, 3]);
    member.act("export_packet");
    let packet = std::fs::read_dir(&shared)
        .expect("packet folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("packet file");
    chair.act("import_packet");
    chair.fill("path", &packet.display().to_string());
    chair.act("confirm");
    assert!(
        chair.screen().contains("Paquet importé : 3 notes ajoutées"),
        "{}",
        chair.screen()
    );
    let merged: Vec<f64> = chair.query(
        "SELECT value FROM scores WHERE reference = 'PDNP06-2025-002' AND member = 'Julien Ferrand' ORDER BY criterion",
    );
    // binome, motivation, posture.
    assert_eq!(merged, [5.0, 4.0, 3.0]);
    // The member's record replays, the issued shortlist included.
    let report = jury::store::audit::verify_record(&member.db, None).expect("verify");
    assert!(report.is_intact(), "{report:?}");
}

#[test]
fn jury_check_says_what_the_audition_stage_offers() {
    let check = |call: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_jury"))
            .arg("check")
            .arg(root().join(call))
            .output()
            .expect("jury check");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let caf06 = check(SAMPLE);
    assert!(
        caf06.contains("Auditions : 7 jour(s), 49 créneau(x) de 45 min, 3 critère(s) d'audition, 8 convoqué·e·s au plus."),
        "{caf06}"
    );
    let allier = check("tests/fixtures/allier-module1");
    assert!(
        allier.contains("Auditions : 1 jour(s), 4 créneau(x) de 40 min, sans notes (le classement des dossiers décide)."),
        "{allier}"
    );
}

/// After the auditions, a candidate ranked past the call's capacity starts
/// on the waiting list; one within it, accepted.
#[test]
fn the_final_decision_starts_from_the_capacity() {
    let dir = tempfile::tempdir().expect("temp dir");
    let call = dir.path().join("appel");
    copy_dir(&root().join(SAMPLE), &call);
    let text = std::fs::read_to_string(call.join("appel.json")).expect("call");
    std::fs::write(
        call.join("appel.json"),
        text.replace("\"capacity\": 8", "\"capacity\": 1"),
    )
    .expect("write");
    let mut s = shortlisted_in(&call.display().to_string());
    s.act("switch_stage");
    s.act("switch_view");
    s.select(B);
    s.score_current(&[5, 5, 5]);
    s.select(A);
    s.score_current(&[3, 3, 3]);
    // C met the panel badly: 40 % × 80 + 60 % × 20 = 44 < the threshold of 50.
    s.select(C);
    s.score_current(&[1, 1, 1]);
    s.act("switch_view");
    open_final_session(&mut s);
    for (r, kind) in [
        (B, "retenu"),
        (A, "liste_complementaire"),
        (C, "non_retenu"),
    ] {
        s.goto_committee(r);
        s.act("decide");
        let jury::app::state::Mode::Form(form) = &s.app.state.mode else {
            panic!("decision form: {}", s.screen());
        };
        assert_eq!(form.choice_of("kind").as_deref(), Some(kind), "{r}");
        s.act("cancel");
    }
}

/// caf06 as shipped, two stages: the amount goes with the final decision,
/// taken at the audition stage, offered from what the dossier asks for.
#[test]
fn at_the_audition_stage_an_accepting_decision_is_offered_the_amount_asked() {
    let mut s = shortlisted();
    s.act("switch_view");
    s.act("switch_stage");
    s.select(B);
    s.score_current(&[5, 5, 5]);
    s.act("switch_view");
    open_final_session(&mut s);
    s.goto_committee(B);
    s.act("decide");
    s.choose("kind", "retenu");
    let jury::app::state::Mode::Form(form) = &s.app.state.mode else {
        panic!("decision form: {}", s.screen());
    };
    // B asks for 850 € of start-up aid (the maximum is 1 000 €).
    assert_eq!(form.text_of("amount"), "850");
    s.act("confirm");
    assert!(
        !matches!(s.app.state.mode, jury::app::state::Mode::Form(_)),
        "refused: {}",
        s.screen()
    );
    let amounts: Vec<f64> = s.query("SELECT amount FROM decisions WHERE kind = 'retenu'");
    assert_eq!(amounts, [850.0]);
    let screen = s.screen().replace(['\u{a0}', '\u{202f}'], " ");
    assert!(
        screen.contains("Enveloppe : 850 € attribués / 3 000 € · reste 2 150 €"),
        "{screen}"
    );
}
