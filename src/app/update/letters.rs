//! The letters view: produce letters, mark them sent and acknowledged.

use super::{Change, Effect};
use crate::app::action::Action;
use crate::app::form::{Form, Purpose};
use crate::app::state::{Mode, Screen, State};

pub(super) fn normal(s: &mut State, action: Action) -> Vec<Effect> {
    let lang = s.env.lang;
    let current = s.letters_view.items.get(s.letters_view.selected).cloned();
    match action {
        Action::Quit => s.quit = true,
        Action::Help => s.mode = Mode::Help { scroll: 0 },
        Action::SwitchView => s.screen = Screen::Committee,
        Action::Cancel => s.screen = Screen::Dossiers,
        Action::Down
        | Action::Up
        | Action::PageDown
        | Action::PageUp
        | Action::Top
        | Action::Bottom => {
            s.letters_view.selected = super::moved(
                s.letters_view.selected,
                s.letters_view.items.len(),
                s.page,
                action,
            );
            s.refresh_preview();
        }
        Action::Undo => return vec![Effect::Committee(Change::Undo)],
        Action::History => {
            if let Some(item) = &current {
                let reference = s.batch.entries[item.entry].dossier.reference.clone();
                return vec![Effect::LoadHistory(reference)];
            }
        }
        Action::Minutes if allowed(s) => return vec![Effect::Minutes],
        Action::ProduceConvocations if allowed(s) => return vec![Effect::Convocations],
        Action::Generate | Action::Confirm => {
            if !allowed(s) {
                return Vec::new();
            }
            match current {
                // Produced again, it offers its own date: unchanged, it keeps it.
                Some(item) => {
                    let day = signed_on(&item).unwrap_or(s.env.today);
                    s.mode = Mode::Form(signature_form(
                        Some(item.decision.reference),
                        day,
                        None,
                        lang,
                    ));
                }
                None => s.set_error(lang.tr(text::NO_FINAL_DECISION_LETTERS)),
            }
        }
        Action::GenerateAll => {
            if !allowed(s) {
                return Vec::new();
            }
            if s.letters_view.items.is_empty() {
                s.set_error(lang.tr(text::NO_FINAL_DECISION_LETTERS));
            } else {
                let produced = s.letters_view.items.iter().any(|i| signed_on(i).is_some());
                let note = produced.then(|| lang.tr(text::PRODUCED_KEEP_THEIR_DATE).to_string());
                s.mode = Mode::Form(signature_form(None, s.env.today, note, lang));
            }
        }
        Action::MarkSent => {
            if !allowed(s) {
                return Vec::new();
            }
            let Some(item) = current.filter(|i| i.tracked.is_some()) else {
                s.set_error(lang.tr(text::PRODUCE_LETTER_FIRST));
                return Vec::new();
            };
            let options = vec![
                ("email".to_string(), lang.tr(text::E_MAIL).to_string()),
                ("post".to_string(), lang.tr(text::POST).to_string()),
            ];
            s.mode = Mode::Form(Form::new(
                Purpose::LetterSent {
                    reference: item.decision.reference.clone(),
                    decision_id: item.decision.id,
                },
                format!(
                    "{} — {}",
                    lang.tr(text::LETTER_SENT),
                    item.decision.reference
                ),
                vec![
                    Form::choice("channel", lang.tr(text::CHANNEL), options, 0),
                    Form::date("date", lang.tr(text::DATE_SENT), s.env.today, lang),
                ],
            ));
        }
        Action::MarkAcknowledged => {
            if !allowed(s) {
                return Vec::new();
            }
            let Some(item) =
                current.filter(|i| i.tracked.as_ref().is_some_and(|t| t.sent_at.is_some()))
            else {
                s.set_error(lang.tr(text::LETTER_NOT_MARKED_SENT));
                return Vec::new();
            };
            s.mode = Mode::Form(Form::new(
                Purpose::LetterAcknowledged {
                    reference: item.decision.reference.clone(),
                    decision_id: item.decision.id,
                },
                format!(
                    "{} — {}",
                    lang.tr(text::ACKNOWLEDGEMENT),
                    item.decision.reference
                ),
                vec![Form::date(
                    "date",
                    lang.tr(text::DATE_ACKNOWLEDGED),
                    s.env.today,
                    lang,
                )],
            ));
        }
        _ => {}
    }
    Vec::new()
}

/// The date a produced letter carries, if it was recorded.
pub(super) fn signed_on(item: &crate::app::state::LetterItem) -> Option<chrono::NaiveDate> {
    let iso = item.tracked.as_ref()?.signed_on.as_deref()?;
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok()
}

/// Refuses `on` for the letters it would date (`only`, or every one; those
/// produced before keep theirs unless `redate`) if it precedes the meeting
/// that decided.
pub(in crate::app::update) fn check_signature(
    s: &State,
    only: Option<&str>,
    on: chrono::NaiveDate,
    redate: bool,
) -> Result<(), jury_core::dates::SignedBeforeMeeting> {
    let sessions = &s.batch.committee.data.sessions;
    s.letters_view
        .items
        .iter()
        .filter(|i| only.is_none_or(|r| r == i.decision.reference))
        .filter(|i| redate || signed_on(i).is_none())
        .filter_map(|i| sessions.iter().find(|x| x.id == i.decision.session_id))
        .filter_map(|x| jury_core::compose::session_day(x).ok())
        .try_for_each(|meeting| jury_core::dates::check_signed(on, meeting))
}

/// The small form asking the date letters carry before they are produced.
fn signature_form(
    only: Option<String>,
    day: chrono::NaiveDate,
    note: Option<String>,
    lang: jury_core::fr::Lang,
) -> Form {
    let title = match &only {
        Some(reference) => format!("{} — {reference}", lang.tr(text::PRODUCE_LETTER)),
        None => lang.tr(text::PRODUCE_LETTERS).to_string(),
    };
    let mut form = Form::new(
        Purpose::Letters { only },
        title,
        vec![Form::date("date", lang.tr(text::SIGNATURE_DATE), day, lang)],
    );
    form.note = note;
    form
}

/// Letters are the secretariat's and the chair's work.
fn allowed(s: &mut State) -> bool {
    let may = s.may_decide();
    super::permitted(s, may, text::ONLY_CHAIR_SECRETARY_PRODUCE)
}

/// This module's interface texts, in both languages.
mod text {
    use jury_core::fr::Tr;

    pub const ONLY_CHAIR_SECRETARY_PRODUCE: Tr = Tr::new(
        "Seuls la présidence et le secrétariat produisent et suivent les courriers.",
        "Only the chair and the secretary produce and track letters.",
    );

    pub const NO_FINAL_DECISION_LETTERS: Tr = Tr::new(
        "Aucune décision définitive : les courriers suivent la clôture d'une séance.",
        "No final decision: letters follow a closed session.",
    );
    pub const PRODUCE_LETTER_FIRST: Tr = Tr::new(
        "Produisez d'abord ce courrier.",
        "Produce this letter first.",
    );
    pub const PRODUCE_LETTER: Tr = Tr::new("Produire le courrier", "Produce the letter");
    pub const PRODUCE_LETTERS: Tr = Tr::new("Produire les courriers", "Produce the letters");
    pub const SIGNATURE_DATE: Tr = Tr::new("Date de signature", "Signature date");
    pub const PRODUCED_KEEP_THEIR_DATE: Tr = Tr::new(
        "Les courriers déjà produits gardent leur date ; pour la changer, produisez-les un par un (g).",
        "Letters already produced keep their date; to change it, produce them one by one (g).",
    );
    pub const E_MAIL: Tr = Tr::new("Courriel", "E-mail");
    pub const POST: Tr = Tr::new("Courrier postal", "Post");
    pub const LETTER_SENT: Tr = Tr::new("Courrier envoyé", "Letter sent");
    pub const CHANNEL: Tr = Tr::new("Envoi", "Channel");
    pub const DATE_SENT: Tr = Tr::new("Date d'envoi", "Date sent");
    pub const LETTER_NOT_MARKED_SENT: Tr = Tr::new(
        "Ce courrier n'est pas marqué envoyé.",
        "This letter is not marked sent.",
    );
    pub const ACKNOWLEDGEMENT: Tr = Tr::new("Accusé de réception", "Acknowledgement");
    pub const DATE_ACKNOWLEDGED: Tr = Tr::new("Date de l'accusé", "Date acknowledged");
}
