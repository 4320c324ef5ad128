//! A closed session, through the real keymap: the chair scores three
//! dossiers, decides them (retenu, non retenu, liste complémentaire) and
//! closes the session. Shared by the tests that read letters and minutes.
#![allow(dead_code)]

use crate::common::harness::*;

pub const CHAIR: &str = "Sylvie Marcellin";

pub fn decide(s: &mut Session, reference: &str, kind: &str, motivation: &str) {
    s.goto_committee(reference);
    s.act("decide");
    s.choose("kind", kind);
    s.fill("motivation", motivation);
    if kind == "liste_complementaire" {
        s.fill("rank", "1");
    }
    s.act("confirm");
    assert!(
        !matches!(s.app.state.mode, jury::app::state::Mode::Form(_)),
        "decision refused: {}",
        s.screen()
    );
}

/// The chair scores three dossiers, decides them in a session and closes it.
pub fn closed_session() -> Session {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.score_and_open_session(
        &[
            ("PDNP06-2025-001", [4, 4, 5, 3]),
            ("PDNP06-2025-002", [2, 1, 2, 2]),
            ("PDNP06-2025-004", [3, 3, 3, 3]),
        ],
        "7 juillet 2025",
    );
    s.act("top");
    decide(&mut s, "PDNP06-2025-001", "retenu", "");
    decide(
        &mut s,
        "PDNP06-2025-002",
        "non_retenu",
        "Articulation avec le projet social insuffisante ; l'aide au démarrage (1 000 €) ne peut être accordée.",
    );
    decide(
        &mut s,
        "PDNP06-2025-004",
        "liste_complementaire",
        "Projet solide, hors zone prioritaire : « liste complémentaire ».",
    );
    s.act("close_session");
    s.type_text(" ");
    s.act("confirm");
    s
}
