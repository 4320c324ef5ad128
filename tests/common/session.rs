//! A closed session, through the real keymap: the chair scores three
//! dossiers, decides them (retenu, non retenu, liste complémentaire) and
//! closes the session. Shared by the tests that read letters and minutes.

use crate::harness::*;

pub const CHAIR: &str = "Sylvie Marcellin";

pub fn decide(s: &mut Session, reference: &str, kind: &str, motivation: &str) {
    s.act("top");
    for _ in 0..40 {
        if s.app
            .state
            .committee_current()
            .map(|i| s.app.state.batch.entries[i].dossier.reference.clone())
            == Some(reference.into())
        {
            break;
        }
        s.act("down");
    }
    assert_eq!(
        s.app
            .state
            .committee_current()
            .map(|i| s.app.state.batch.entries[i].dossier.reference.clone()),
        Some(reference.to_string()),
        "{}",
        s.screen()
    );
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
    for (r, d) in [
        ("PDNP06-2025-001", [4, 4, 5, 3]),
        ("PDNP06-2025-002", [2, 1, 2, 2]),
        ("PDNP06-2025-004", [3, 3, 3, 3]),
    ] {
        s.select(r);
        s.score_current(&d);
    }
    s.act("switch_view");
    s.act("open_session");
    s.fill("date", "7 juillet 2025");
    s.act("confirm");
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
