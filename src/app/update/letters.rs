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
        Action::Minutes if allowed(s) => return vec![Effect::Minutes],
        Action::Generate | Action::Confirm => {
            if !allowed(s) {
                return Vec::new();
            }
            match current {
                Some(item) => return vec![Effect::Letters(Some(item.decision.reference))],
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
                return vec![Effect::Letters(None)];
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
                    Form::text(
                        "date",
                        lang.tr(text::DATE_SENT_YYYY_MM),
                        s.env.today.format("%Y-%m-%d").to_string(),
                    ),
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
                vec![Form::text(
                    "date",
                    lang.tr(text::DATE_YYYY_MM_DD),
                    s.env.today.format("%Y-%m-%d").to_string(),
                )],
            ));
        }
        _ => {}
    }
    Vec::new()
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
    pub const E_MAIL: Tr = Tr::new("Courriel", "E-mail");
    pub const POST: Tr = Tr::new("Courrier postal", "Post");
    pub const LETTER_SENT: Tr = Tr::new("Courrier envoyé", "Letter sent");
    pub const CHANNEL: Tr = Tr::new("Envoi", "Channel");
    pub const DATE_SENT_YYYY_MM: Tr =
        Tr::new("Date d'envoi (AAAA-MM-JJ)", "Date sent (YYYY-MM-DD)");
    pub const LETTER_NOT_MARKED_SENT: Tr = Tr::new(
        "Ce courrier n'est pas marqué envoyé.",
        "This letter is not marked sent.",
    );
    pub const ACKNOWLEDGEMENT: Tr = Tr::new("Accusé de réception", "Acknowledgement");
    pub const DATE_YYYY_MM_DD: Tr = Tr::new("Date de l'accusé (AAAA-MM-JJ)", "Date (YYYY-MM-DD)");
}
