//! The letters view: produce letters, mark them sent and acknowledged.

use super::{Change, Effect};
use crate::app::action::Action;
use crate::app::form::{Form, Purpose};
use crate::app::state::{Mode, Screen, State};

pub(super) fn normal(s: &mut State, action: Action) -> Vec<Effect> {
    let lang = s.lang;
    let current = s.letter_items.get(s.letters_selected).cloned();
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
            s.letters_selected =
                super::moved(s.letters_selected, s.letter_items.len(), s.page, action)
        }
        Action::Undo => return vec![Effect::Committee(Change::Undo)],
        Action::Minutes if allowed(s) => return vec![Effect::Minutes],
        Action::Generate | Action::Confirm => {
            if !allowed(s) {
                return Vec::new();
            }
            match current {
                Some(item) => return vec![Effect::Letters(Some(item.decision.reference))],
                None => s.set_error(lang.t(
                    "Aucune décision définitive : les courriers suivent la clôture d'une séance.",
                    "No final decision: letters follow a closed session.",
                )),
            }
        }
        Action::GenerateAll => {
            if !allowed(s) {
                return Vec::new();
            }
            if s.letter_items.is_empty() {
                s.set_error(lang.t(
                    "Aucune décision définitive : les courriers suivent la clôture d'une séance.",
                    "No final decision: letters follow a closed session.",
                ));
            } else {
                return vec![Effect::Letters(None)];
            }
        }
        Action::MarkSent => {
            if !allowed(s) {
                return Vec::new();
            }
            let Some(item) = current.filter(|i| i.tracked.is_some()) else {
                s.set_error(lang.t(
                    "Produisez d'abord ce courrier.",
                    "Produce this letter first.",
                ));
                return Vec::new();
            };
            let options = vec![
                (
                    "email".to_string(),
                    lang.t("Courriel", "E-mail").to_string(),
                ),
                (
                    "post".to_string(),
                    lang.t("Courrier postal", "Post").to_string(),
                ),
            ];
            s.mode = Mode::Form(Form::new(
                Purpose::LetterSent {
                    reference: item.decision.reference.clone(),
                    decision_id: item.decision.id,
                },
                format!(
                    "{} — {}",
                    lang.t("Courrier envoyé", "Letter sent"),
                    item.decision.reference
                ),
                vec![
                    Form::choice("channel", lang.t("Envoi", "Channel"), options, 0),
                    Form::text(
                        "date",
                        lang.t("Date d'envoi (AAAA-MM-JJ)", "Date sent (YYYY-MM-DD)"),
                        s.today.format("%Y-%m-%d").to_string(),
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
                s.set_error(lang.t(
                    "Ce courrier n'est pas marqué envoyé.",
                    "This letter is not marked sent.",
                ));
                return Vec::new();
            };
            s.mode = Mode::Form(Form::new(
                Purpose::LetterAcknowledged {
                    reference: item.decision.reference.clone(),
                    decision_id: item.decision.id,
                },
                format!(
                    "{} — {}",
                    lang.t("Accusé de réception", "Acknowledgement"),
                    item.decision.reference
                ),
                vec![Form::text(
                    "date",
                    lang.t("Date de l'accusé (AAAA-MM-JJ)", "Date (YYYY-MM-DD)"),
                    s.today.format("%Y-%m-%d").to_string(),
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
    super::permitted(
        s,
        may,
        "Seuls la présidence et le secrétariat produisent et suivent les courriers.",
        "Only the chair and the secretary produce and track letters.",
    )
}
