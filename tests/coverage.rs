//! Territorial coverage through the real keymap: the committee view says
//! how many of the call's priority territories the decisions cover and
//! which none does; `T` shows the table; the minutes carry it.

use crate::common::harness;
use crate::common::session;

use harness::*;
use session::{CHAIR, decide};

#[test]
fn the_committee_sees_which_priority_territories_no_decision_covers() {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.score_and_open_session(
        &[
            ("PDNP06-2025-001", [5, 5, 5, 5]),
            ("PDNP06-2025-002", [4, 4, 4, 4]),
            ("PDNP06-2025-007", [3, 3, 3, 3]),
            ("PDNP06-2025-004", [4, 4, 4, 4]),
        ],
        "8 juillet 2025",
    );
    // Before any decision, nothing to say.
    assert!(!s.screen().contains("Territoires :"), "{}", s.screen());
    // Cannes accepted, the Alpes d'Azur waitlisted, Grasse not retained,
    // Nice (no priority territory) accepted.
    decide(&mut s, "PDNP06-2025-001", "retenu", "");
    decide(&mut s, "PDNP06-2025-002", "liste_complementaire", "Rang 1.");
    decide(
        &mut s,
        "PDNP06-2025-007",
        "non_retenu",
        "Projet trop peu articulé.",
    );
    decide(&mut s, "PDNP06-2025-004", "retenu", "");
    let screen = s.screen();
    assert!(screen.contains("Territoires : 2 / 7 couverts"), "{screen}");
    assert!(
        screen.contains("sans personne : 5 territoires (T)"),
        "{screen}"
    );
    s.act("coverage");
    let screen = s.screen();
    assert!(
        screen.contains("Couverture des territoires prioritaires"),
        "{screen}"
    );
    let line = |name: &str| {
        screen
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_default()
            .to_string()
    };
    let cannes = line("CA Cannes Pays de Lérins");
    assert!(cannes.contains(" 1 ") && cannes.contains('█'), "{cannes}");
    let alpes = line("CC Alpes d'Azur");
    assert!(alpes.contains('░'), "{alpes}");
    let grasse = line("CA du Pays de Grasse");
    assert!(grasse.contains('⚠'), "{grasse}");
    assert!(grasse.contains("aucun dossier retenu"), "{grasse}");
    assert!(
        !screen.contains("Métropole Nice"),
        "not a priority territory"
    );
    s.act("close");
    assert!(matches!(s.app.state.mode, jury::app::state::Mode::Normal));

    s.act("close_session");
    s.type_text(" ");
    s.act("confirm");
    s.act("letters_view");
    s.act("produce_minutes");
    s.app.finish_jobs();
    let pv = first_minutes(&s.letters_dir());
    let text = flatten_pdf_text(&pdf_file_text(&pv));
    assert!(
        text.contains("Couverture des territoires prioritaires"),
        "{text}"
    );
    assert!(
        text.contains(
            "Territoires prioritaires sans dossier retenu, en liste complémentaire ni convoqué : CA du Pays de Grasse, CA Sophia Antipolis"
        ),
        "{text}"
    );
}

#[test]
fn a_call_without_priority_territories_says_so() {
    let mut s = open(OTHER, Some("Zoé"));
    s.act("switch_view");
    s.act("coverage");
    assert!(
        s.screen()
            .contains("L'appel ne liste pas de territoires prioritaires"),
        "{}",
        s.screen()
    );
}
