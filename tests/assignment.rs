//! Rapporteurs through the real keymap: the chair proposes a balanced
//! assignment and adjusts a cell, a conflict of interest is refused, a
//! member sees their own dossiers first and cannot change the assignment,
//! the committee view shows who is assigned and who scored, and the record
//! stays intact for `jury verify`.

use crate::common::harness;

use harness::*;
use jury::app::state::{Mode, Screen};

const CHAIR: &str = "Sylvie Marcellin";
const MEMBER: &str = "Julien Ferrand";
/// The members who score, as the assignment screen's columns (by name).
const COLUMNS: [&str; 4] = [
    "Agnès Tordo",
    "Bernard Castellan",
    "Julien Ferrand",
    "Sylvie Marcellin",
];

fn count(s: &Session, sql: &str) -> i64 {
    s.query::<i64>(sql)[0]
}

/// Opens the assignment screen on `reference`, cursor on `member`'s column.
fn cell(s: &mut Session, reference: &str, member: &str) {
    if s.app.state.screen == Screen::Assignment {
        s.act("assignment_view");
    }
    if s.app.state.screen == Screen::Committee {
        s.act("switch_view");
    }
    assert_eq!(s.app.state.screen, Screen::Dossiers);
    s.select(reference);
    s.act("assignment_view");
    assert_eq!(s.app.state.screen, Screen::Assignment);
    let column = COLUMNS.iter().position(|m| *m == member).expect("member");
    for _ in 0..COLUMNS.len() {
        s.act("prev_option");
    }
    for _ in 0..column {
        s.act("next_option");
    }
}

/// The chair proposes two rapporteurs per dossier from the committee view (r).
fn proposed() -> Session {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.act("switch_view");
    s.act("assignment_view");
    assert_eq!(s.app.state.screen, Screen::Assignment);
    s.act("propose_assignment");
    let Mode::Form(form) = &s.app.state.mode else {
        panic!("proposal form:\n{}", s.screen());
    };
    assert_eq!(form.choice_of("k").as_deref(), Some("2"));
    let screen = s.screen();
    // 28 dossiers, two each, nobody in conflict: 56 pairs.
    assert!(
        screen.contains("par dossier : 2 · plafond : aucun · 56 attributions seront ajoutées"),
        "{screen}"
    );
    s.act("confirm");
    assert_eq!(s.app.state.mode, Mode::Normal, "{}", s.status());
    s
}

#[test]
fn the_chair_proposes_a_balanced_assignment_and_adjusts_a_cell() {
    let mut s = proposed();
    assert_eq!(count(&s, "SELECT COUNT(*) FROM assignments"), 56);
    let loads: Vec<i64> =
        s.query("SELECT COUNT(*) FROM assignments GROUP BY member ORDER BY member");
    assert_eq!(loads, [14, 14, 14, 14]);
    assert_eq!(
        count(
            &s,
            "SELECT COUNT(*) FROM assignments WHERE member = 'Nadia Benali'"
        ),
        0,
        "the secretary does not score"
    );
    assert_eq!(
        count(
            &s,
            "SELECT COUNT(*) FROM audit WHERE action = 'assign.propose'"
        ),
        1,
        "one event for the whole proposal"
    );
    let screen = s.screen();
    for shown in [
        "AT Agnès Tordo · BC Bernard Castellan · JF Julien Ferrand · SM Sylvie Marcellin",
        "Charge : AT 14 · BC 14 · JF 14 · SM 14",
        "56 attributions",
    ] {
        assert!(screen.contains(shown), "{shown} missing:\n{screen}");
    }
    assert!(screen.contains('●'), "{screen}");
    // A cell toggled by hand: on, then off again.
    let assigned = |s: &Session| {
        count(
            s,
            "SELECT COUNT(*) FROM assignments WHERE reference = 'PDNP06-2025-005' AND member = 'Agnès Tordo'",
        )
    };
    cell(&mut s, "PDNP06-2025-005", "Agnès Tordo");
    let before = assigned(&s);
    s.act("toggle_assignment");
    assert_eq!(assigned(&s), 1 - before, "{}", s.status());
    s.act("toggle_assignment");
    assert_eq!(assigned(&s), before);
    assert_eq!(
        count(
            &s,
            "SELECT COUNT(*) FROM audit WHERE action IN ('assign.add', 'assign.remove')"
        ),
        2
    );
    // Proposing again adds nothing: every dossier has its two.
    s.act("propose_assignment");
    assert!(s.screen().contains("0 attributions seront ajoutées"));
    s.act("confirm");
    assert!(s.status().starts_with("Rien à ajouter"), "{}", s.status());
    let r = jury::store::audit::verify_record(&s.db, None).expect("verify");
    assert!(r.is_intact(), "{:?}", r.differences);
}

#[test]
fn a_member_in_conflict_is_never_assigned_and_toggling_them_is_refused() {
    let mut s = open(SAMPLE, Some(MEMBER));
    s.select("PDNP06-2025-002");
    s.act("conflict_of_interest");
    s.act("confirm");
    let mut s = s.reopen_as(SAMPLE, CHAIR);
    s.act("assignment_view");
    s.act("propose_assignment");
    s.act("confirm");
    assert_eq!(
        count(
            &s,
            "SELECT COUNT(*) FROM assignments WHERE reference = 'PDNP06-2025-002' AND member = 'Julien Ferrand'"
        ),
        0
    );
    assert_eq!(
        count(
            &s,
            "SELECT COUNT(*) FROM assignments WHERE reference = 'PDNP06-2025-002'"
        ),
        2
    );
    cell(&mut s, "PDNP06-2025-002", MEMBER);
    assert!(s.screen().contains('✗'));
    s.act("toggle_assignment");
    assert_eq!(
        s.status(),
        "Julien Ferrand est en conflit d'intérêts sur PDNP06-2025-002 : ce dossier ne peut pas lui être attribué."
    );
    assert_eq!(
        count(
            &s,
            "SELECT COUNT(*) FROM assignments WHERE reference = 'PDNP06-2025-002' AND member = 'Julien Ferrand'"
        ),
        0
    );
}

#[test]
fn a_member_sees_their_dossiers_first_and_cannot_change_the_assignment() {
    let s = proposed();
    let mine: Vec<String> = s.query(
        "SELECT reference FROM assignments WHERE member = 'Julien Ferrand' ORDER BY reference",
    );
    assert_eq!(mine.len(), 14);
    let mut s = s.reopen_as(SAMPLE, MEMBER);
    let first: Vec<String> = s.app.state.dossiers.view[..14]
        .iter()
        .map(|i| s.app.state.batch.entries[*i].dossier.reference.clone())
        .collect();
    assert_eq!(first, mine, "his dossiers first, in reference order");
    let screen = s.screen();
    assert!(screen.contains("▸ mes dossiers 0/14 notés"), "{screen}");
    assert!(screen.contains("Rapporteur·e·s : "), "{screen}");
    // The filter offers « mes dossiers » first.
    s.act("cycle_filter");
    assert_eq!(s.app.state.dossiers.view.len(), 14);
    assert!(s.status().contains("mes dossiers"), "{}", s.status());
    s.act("cycle_filter");
    // Scoring one of his updates what remains.
    s.select(&mine[0]);
    s.score_current(&[3, 3, 3, 3]);
    assert!(s.screen().contains("▸ mes dossiers 1/14 notés"));
    // Read-only for him.
    s.act("assignment_view");
    assert!(s.status().starts_with("Attribution en lecture seule"));
    let before = count(&s, "SELECT COUNT(*) FROM assignments");
    s.act("toggle_assignment");
    assert_eq!(
        s.status(),
        "Seuls la présidence et le secrétariat attribuent les dossiers aux rapporteur·e·s."
    );
    s.act("propose_assignment");
    assert!(!matches!(s.app.state.mode, Mode::Form(_)));
    assert_eq!(count(&s, "SELECT COUNT(*) FROM assignments"), before);
    assert!(s.screen().contains('✓'), "assigned and scored");
    // The committee view: scored / assigned, and who.
    let mut s = s.reopen_as(SAMPLE, CHAIR);
    s.act("switch_view");
    s.goto_committee(&mine[0]);
    let screen = s.screen();
    assert!(screen.contains("Rapp."), "{screen}");
    let row = screen
        .lines()
        .find(|l| l.find(mine[0].as_str()).is_some_and(|at| at < 30))
        .unwrap_or_default();
    assert!(row.contains(" 1/2 "), "{row}");
    assert!(screen.contains("Julien Ferrand (a noté)"), "{screen}");
    let r = jury::store::audit::verify_record(&s.db, None).expect("verify");
    assert!(r.is_intact(), "{:?}", r.differences);
}

#[test]
fn a_call_that_reserves_scoring_to_rapporteurs_refuses_the_others() {
    let dir = tempfile::tempdir().expect("temp");
    let call = dir.path().join("appel");
    copy_dir(&root().join(SAMPLE), &call);
    let appel = call.join("appel.json");
    let text = std::fs::read_to_string(&appel).expect("appel.json");
    std::fs::write(
        &appel,
        text.replacen(
            "\"quorum\": 3,",
            "\"quorum\": 3, \"reviewers_per_dossier\": 1, \"reviewer_cap\": 7, \"unassigned_may_score\": false,",
            1,
        ),
    )
    .expect("write");
    let call = call.display().to_string();
    let mut s = open(&call, Some(CHAIR));
    s.act("assignment_view");
    s.act("propose_assignment");
    let Mode::Form(form) = &s.app.state.mode else {
        panic!("proposal form");
    };
    assert!(form.fields.is_empty(), "k is the call's");
    assert!(
        s.screen()
            .contains("par dossier : 1 · plafond : 7 dossiers par membre · 28 attributions"),
        "{}",
        s.screen()
    );
    s.act("confirm");
    assert!(
        s.screen()
            .contains("Charge : AT 7 · BC 7 · JF 7 · SM 7 · plafond 7 · k = 1")
    );
    let mine: Vec<String> =
        s.query("SELECT reference FROM assignments WHERE member = 'Julien Ferrand'");
    let other: Vec<String> = s.query(
        "SELECT reference FROM dossiers WHERE reference NOT IN (SELECT reference FROM assignments WHERE member = 'Julien Ferrand') ORDER BY reference",
    );
    let mut s = s.reopen_as(&call, MEMBER);
    s.select(&other[0]);
    s.score_current(&[3]);
    assert_eq!(
        s.status(),
        format!(
            "Vous n'êtes pas rapporteur·e de {} : l'appel réserve la notation aux rapporteur·e·s désigné·e·s par la présidence.",
            other[0]
        )
    );
    assert!(s.db_scores(&other[0]).is_empty());
    s.select(&mine[0]);
    s.score_current(&[3]);
    assert_eq!(s.db_scores(&mine[0]).len(), 1, "{}", s.status());
}

#[test]
fn the_members_bundle_brings_their_dossiers_first_and_the_history_says_who_assigned() {
    let mut s = proposed();
    let mut laptop = open_bundle(&mut s, MEMBER);
    let screen = laptop.screen();
    assert!(screen.contains("▸ mes dossiers 0/14 notés"), "{screen}");
    // The proposal gave -005 to Agnès Tordo (it is deterministic); the
    // chair takes it back, and the dossier's history says so.
    let tordo = "SELECT COUNT(*) FROM assignments WHERE reference = 'PDNP06-2025-005' AND member = 'Agnès Tordo'";
    assert_eq!(count(&s, tordo), 1);
    cell(&mut s, "PDNP06-2025-005", "Agnès Tordo");
    s.act("toggle_assignment");
    assert_eq!(count(&s, tordo), 0);
    s.act("assignment_view");
    s.act("history");
    let screen = s.screen();
    assert!(
        screen.contains("Agnès Tordo n'est plus rapporteur·e de ce dossier"),
        "{screen}"
    );
}
