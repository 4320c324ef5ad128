//! The two stages of a call with auditions: moving between the dossier
//! stage and the audition stage, and recording who did not come to their
//! audition. Every screen reads the stage from the committee's picture.

use super::Effect;
use super::committee::Change;
use crate::app::state::{GridTarget, State};
use jury_core::stage::Stage;

/// Moves to the other stage: the list, the grid, the committee view and
/// the letters follow.
pub(super) fn switch(s: &mut State) {
    let lang = s.env.lang;
    if s.batch.call.audition.is_none() {
        s.set_error(lang.tr(text::NO_AUDITION));
        return;
    }
    s.batch.committee.stage = match s.batch.committee.stage {
        Stage::Dossier => Stage::Audition,
        Stage::Audition => Stage::Dossier,
    };
    s.dossiers.criterion = 0;
    s.dossiers.grid_target = GridTarget::Own;
    s.recompute();
    let stage = s.batch.committee.stage;
    let mut status = format!("{} {}", lang.tr(text::STAGE), stage.label(lang));
    if let Some(f) = &s.batch.committee.finals {
        status.push_str(&match f.convened.len() {
            0 => lang.tr(text::NOBODY_CONVENED).to_string(),
            n => format!(" — {n} {}", lang.tr(text::CONVENED)),
        });
    }
    s.set_status(status);
}

/// Records that the candidate did not come to their audition, or withdraws
/// that record. The chair and the secretary keep the attendance.
pub(super) fn absence(s: &mut State, reference: &str) -> Vec<Effect> {
    let lang = s.env.lang;
    let Some(finals) = &s.batch.committee.finals else {
        s.set_error(lang.tr(text::ABSENCE_AT_AUDITION_STAGE));
        return Vec::new();
    };
    if !finals.convened.iter().any(|r| r == reference) {
        s.set_error(format!("{reference} {}", lang.tr(text::NOT_CONVENED)));
        return Vec::new();
    }
    if !s.may_decide() {
        s.set_error(lang.tr(text::ONLY_CHAIR_SECRETARY));
        return Vec::new();
    }
    if s.batch.committee.frozen(reference) {
        s.set_error(lang.tr(text::FROZEN));
        return Vec::new();
    }
    let absent = !s.batch.committee.data.absent(reference);
    vec![Effect::Committee(Change::Absence {
        reference: reference.to_string(),
        absent,
    })]
}

mod text {
    use jury_core::fr::Tr;
    pub const NO_AUDITION: Tr = Tr::new(
        "Cet appel n'a pas d'étape d'audition (« audition » dans appel.json).",
        "This call has no audition stage (\"audition\" in appel.json).",
    );
    pub const STAGE: Tr = Tr::new("Étape :", "Stage:");
    pub const CONVENED: Tr = Tr::new("candidat·e·s convoqué·e·s", "candidates invited");
    pub const NOBODY_CONVENED: Tr = Tr::new(
        " — personne n'est encore convoqué : à l'étape des dossiers, décidez « Convoqué·e à l'audition ».",
        " — nobody is invited yet: at the dossier stage, decide \"Invited to the audition\".",
    );
    pub const ABSENCE_AT_AUDITION_STAGE: Tr = Tr::new(
        "Les absences se notent à l'étape des auditions : changez d'étape d'abord.",
        "Absences are recorded at the audition stage: switch stage first.",
    );
    pub const NOT_CONVENED: Tr = Tr::new(
        "n'est pas convoqué·e à l'audition.",
        "is not invited to the audition.",
    );
    pub const ONLY_CHAIR_SECRETARY: Tr = Tr::new(
        "Seuls la présidence et le secrétariat notent les absences.",
        "Only the chair and the secretary record absences.",
    );
    pub const FROZEN: Tr = Tr::new(
        "La décision finale de ce dossier est figée (séance close) : l'absence ne peut plus changer.",
        "This dossier's final decision is frozen (session closed): the absence can no longer change.",
    );
}
