//! Institutions' validation of a closed session's decisions (seed 002:
//! « soumis à validation de la Caf de l'Allier et de la Caf du
//! Puy-de-Dôme »): the form the chair or the secretary fills when an
//! institution answers, and what it records.

use super::Change;
use crate::app::form::{Form, Purpose};
use crate::app::state::{Mode, State};
use jury_core::fr::Tr;
use jury_core::institutions::Validation;

/// Opens the form on the last closed session of the stage shown.
pub(super) fn open(s: &mut State) {
    let lang = s.env.lang;
    if s.batch.call.institutions.is_empty() {
        s.set_error(lang.tr(text::NO_INSTITUTION));
        return;
    }
    if !s.may_decide() {
        s.set_error(lang.tr(text::ONLY_CHAIR_SECRETARY));
        return;
    }
    let stage = s.batch.committee.stage;
    let closed: Vec<(String, String)> = s
        .batch
        .committee
        .data
        .sessions
        .iter()
        .filter(|x| !x.is_open() && x.stage == stage)
        .map(|x| {
            let day = jury_core::compose::session_day(x)
                .map(|d| lang.date(d))
                .unwrap_or_else(|_| x.date.clone());
            (x.id.to_string(), format!("n° {} du {day}", x.id))
        })
        .collect();
    if closed.is_empty() {
        s.set_error(lang.tr(text::CLOSE_FIRST));
        return;
    }
    let last = closed.len() - 1;
    let institutions: Vec<(String, String)> = s
        .batch
        .call
        .institutions
        .iter()
        .map(|i| (i.id.clone(), i.name.clone()))
        .collect();
    let answers = vec![
        ("yes".to_string(), lang.tr(text::VALIDATED).to_string()),
        ("no".to_string(), lang.tr(text::NOT_VALIDATED).to_string()),
    ];
    let mut form = Form::new(
        Purpose::Validation,
        lang.tr(text::TITLE),
        vec![
            Form::choice("session", lang.tr(text::SESSION), closed, last),
            Form::choice("institution", lang.tr(text::INSTITUTION), institutions, 0),
            Form::choice("answer", lang.tr(text::ANSWER), answers, 0),
            Form::text("by", lang.tr(text::SIGNED_BY), ""),
            Form::date("on", lang.tr(text::SIGNED_ON), s.env.today, lang),
            Form::text("reasons", lang.tr(text::REASONS), ""),
        ],
    );
    form.note = Some(lang.tr(text::NOTE).to_string());
    s.mode = Mode::Form(form);
}

/// The answer the form holds, checked.
pub(super) fn submit(s: &State, form: &Form) -> Result<Change, String> {
    let lang = s.env.lang;
    let session_id: i64 = form
        .choice_of("session")
        .and_then(|x| x.parse().ok())
        .ok_or_else(|| lang.tr(text::CLOSE_FIRST).to_string())?;
    let institution = form.choice_of("institution").unwrap_or_default();
    let validated = form.choice_of("answer").as_deref() == Some("yes");
    let by = form.text_of("by");
    if by.is_empty() {
        return Err(lang.tr(text::WHO_SIGNED).into());
    }
    let on = form.date_of("on").map_err(|e| e.message(lang))?;
    let reasons = form.text_of("reasons");
    if !validated && reasons.is_empty() {
        return Err(lang.tr(text::REASONS_REQUIRED).into());
    }
    Ok(Change::Validation(Validation {
        session_id,
        institution,
        validated,
        by,
        on,
        reasons,
    }))
}

mod text {
    use super::Tr;
    pub const TITLE: Tr = Tr::new(
        "Validation par une institution",
        "Validation by an institution",
    );
    pub const NOTE: Tr = Tr::new(
        "Les courriers d'une séance attendent que chaque institution de l'appel l'ait validée.",
        "A session's letters wait until every institution of the call has validated it.",
    );
    pub const NO_INSTITUTION: Tr = Tr::new(
        "L'appel ne nomme pas d'institution qui valide les décisions (« institutions »).",
        "The call names no institution that validates decisions (\"institutions\").",
    );
    pub const ONLY_CHAIR_SECRETARY: Tr = Tr::new(
        "Seuls la présidence et le secrétariat enregistrent les validations.",
        "Only the chair and the secretary record validations.",
    );
    pub const CLOSE_FIRST: Tr = Tr::new(
        "Aucune séance close à cette étape : les institutions valident les décisions d'une séance close.",
        "No closed session at this stage: institutions validate a closed session's decisions.",
    );
    pub const SESSION: Tr = Tr::new("Séance", "Session");
    pub const INSTITUTION: Tr = Tr::new("Institution", "Institution");
    pub const ANSWER: Tr = Tr::new("Réponse", "Answer");
    pub const VALIDATED: Tr = Tr::new("Décisions validées", "Decisions validated");
    pub const NOT_VALIDATED: Tr = Tr::new("Non validées", "Not validated");
    pub const SIGNED_BY: Tr = Tr::new("Signée par (nom, fonction)", "Signed by (name, title)");
    pub const SIGNED_ON: Tr = Tr::new("Le", "On");
    pub const REASONS: Tr = Tr::new("Motifs (si non validées)", "Reasons (if not validated)");
    pub const WHO_SIGNED: Tr = Tr::new(
        "Indiquez qui a signé pour l'institution.",
        "Say who signed for the institution.",
    );
    pub const REASONS_REQUIRED: Tr = Tr::new(
        "Une non-validation se motive : indiquez les motifs de l'institution.",
        "A refusal has reasons: give the institution's.",
    );
}
