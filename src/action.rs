//! Every action a key can trigger, with its description next to it: the help
//! screen and the status bar are generated from these and the live keymap.

use crate::fr::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Help,
    FocusNext,
    FocusPrev,
    FocusList,
    FocusDossier,
    FocusGrid,
    Filter,
    SortNext,
    SortReverse,
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    NextDossier,
    PrevDossier,
    NextToScore,
    Score(u8),
    ClearScore,
    Comment,
    OpenAttachment,
    Confirm,
    Cancel,
    DeleteBack,
    Close,
    CycleFilter,
    SwitchView,
    Decide,
    Override,
    Conflict,
    Consensus,
    OpenSession,
    CloseSession,
    ToggleBasis,
    ToggleNormalised,
    ToggleAgenda,
    Outcome,
    History,
    AddMember,
    Undo,
    NextField,
    PrevField,
    NextOption,
    PrevOption,
    /// A typed character in a text field; not bindable.
    Insert(char),
}

/// Bindable actions, in the order the help screen lists them.
pub const ALL: &[Action] = &[
    Action::Quit,
    Action::Help,
    Action::FocusNext,
    Action::FocusPrev,
    Action::FocusList,
    Action::FocusDossier,
    Action::FocusGrid,
    Action::Filter,
    Action::SortNext,
    Action::SortReverse,
    Action::Down,
    Action::Up,
    Action::PageDown,
    Action::PageUp,
    Action::Top,
    Action::Bottom,
    Action::NextDossier,
    Action::PrevDossier,
    Action::NextToScore,
    Action::Score(0),
    Action::Score(1),
    Action::Score(2),
    Action::Score(3),
    Action::Score(4),
    Action::Score(5),
    Action::Score(6),
    Action::Score(7),
    Action::Score(8),
    Action::Score(9),
    Action::ClearScore,
    Action::Comment,
    Action::OpenAttachment,
    Action::Confirm,
    Action::Cancel,
    Action::DeleteBack,
    Action::Close,
    Action::CycleFilter,
    Action::SwitchView,
    Action::Decide,
    Action::Override,
    Action::Conflict,
    Action::Consensus,
    Action::OpenSession,
    Action::CloseSession,
    Action::ToggleBasis,
    Action::ToggleNormalised,
    Action::ToggleAgenda,
    Action::Outcome,
    Action::History,
    Action::AddMember,
    Action::Undo,
    Action::NextField,
    Action::PrevField,
    Action::NextOption,
    Action::PrevOption,
];

impl Action {
    /// The name used in keymap files and tests.
    pub fn id(self) -> String {
        let s = match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::FocusNext => "focus_next",
            Action::FocusPrev => "focus_prev",
            Action::FocusList => "focus_list",
            Action::FocusDossier => "focus_dossier",
            Action::FocusGrid => "focus_grid",
            Action::Filter => "filter",
            Action::SortNext => "sort_next",
            Action::SortReverse => "sort_reverse",
            Action::Down => "down",
            Action::Up => "up",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::NextDossier => "next_dossier",
            Action::PrevDossier => "prev_dossier",
            Action::NextToScore => "next_to_score",
            Action::Score(n) => return format!("score_{n}"),
            Action::ClearScore => "clear_score",
            Action::Comment => "comment",
            Action::OpenAttachment => "open_attachment",
            Action::Confirm => "confirm",
            Action::Cancel => "cancel",
            Action::DeleteBack => "delete_back",
            Action::Close => "close",
            Action::CycleFilter => "cycle_filter",
            Action::SwitchView => "switch_view",
            Action::Decide => "decide",
            Action::Override => "override_eligibility",
            Action::Conflict => "conflict_of_interest",
            Action::Consensus => "consensus_grid",
            Action::OpenSession => "open_session",
            Action::CloseSession => "close_session",
            Action::ToggleBasis => "toggle_basis",
            Action::ToggleNormalised => "toggle_normalised",
            Action::ToggleAgenda => "toggle_agenda",
            Action::Outcome => "record_outcome",
            Action::History => "history",
            Action::AddMember => "add_member",
            Action::Undo => "undo",
            Action::NextField => "next_field",
            Action::PrevField => "prev_field",
            Action::NextOption => "next_option",
            Action::PrevOption => "prev_option",
            Action::Insert(_) => "insert",
        };
        s.to_string()
    }

    pub fn from_id(id: &str) -> Option<Action> {
        ALL.iter().copied().find(|a| a.id() == id)
    }

    pub fn describe(self, lang: Lang) -> String {
        let (fr, en) = match self {
            Action::Quit => ("Quitter", "Quit"),
            Action::Help => ("Aide", "Help"),
            Action::FocusNext => ("Panneau suivant", "Next pane"),
            Action::FocusPrev => ("Panneau précédent", "Previous pane"),
            Action::FocusList => ("Aller à la liste", "Go to the list"),
            Action::FocusDossier => ("Aller au dossier", "Go to the dossier"),
            Action::FocusGrid => ("Aller à la grille", "Go to the grid"),
            Action::Filter => ("Rechercher", "Search"),
            Action::SortNext => ("Changer de tri", "Change sort"),
            Action::SortReverse => ("Inverser le tri", "Reverse sort"),
            Action::Down => ("Descendre", "Down"),
            Action::Up => ("Monter", "Up"),
            Action::PageDown => ("Page suivante", "Page down"),
            Action::PageUp => ("Page précédente", "Page up"),
            Action::Top => ("Début", "Top"),
            Action::Bottom => ("Fin", "Bottom"),
            Action::NextDossier => ("Dossier suivant", "Next dossier"),
            Action::PrevDossier => ("Dossier précédent", "Previous dossier"),
            Action::NextToScore => ("Prochain dossier à noter", "Next dossier to score"),
            Action::Score(n) => {
                return match lang {
                    Lang::Fr => format!("Noter {n}"),
                    Lang::En => format!("Score {n}"),
                };
            }
            Action::ClearScore => ("Effacer la note", "Clear the score"),
            Action::Comment => ("Commenter le critère", "Comment on the criterion"),
            Action::OpenAttachment => ("Ouvrir une pièce jointe", "Open an attachment"),
            Action::Confirm => ("Valider", "Confirm"),
            Action::Cancel => ("Annuler", "Cancel"),
            Action::DeleteBack => ("Effacer le caractère", "Delete character"),
            Action::Close => ("Fermer", "Close"),
            Action::CycleFilter => (
                "Filtrer : à noter, contestés, irrecevables, décidés, prioritaires",
                "Filter: to score, contested, ineligible, decided, priority",
            ),
            Action::SwitchView => ("Vue comité / vue dossiers", "Committee / dossiers view"),
            Action::Decide => ("Enregistrer une décision", "Record a decision"),
            Action::Override => (
                "Déroger à la recevabilité (présidence)",
                "Override eligibility (chair)",
            ),
            Action::Conflict => (
                "Déclarer / retirer un conflit d'intérêts",
                "Declare / withdraw a conflict of interest",
            ),
            Action::Consensus => ("Grille de consensus (présidence)", "Consensus grid (chair)"),
            Action::OpenSession => ("Ouvrir la séance", "Open the session"),
            Action::CloseSession => (
                "Clore la séance (fige les décisions)",
                "Close the session (freezes decisions)",
            ),
            Action::ToggleBasis => ("Total par moyenne / médiane", "Total from mean / median"),
            Action::ToggleNormalised => ("Classement brut / normalisé", "Raw / normalised ranking"),
            Action::ToggleAgenda => (
                "Ordre du jour : contestés et seuil d'abord",
                "Agenda: contested and cut-off first",
            ),
            Action::Outcome => (
                "Déclarer l'appel infructueux",
                "Declare the call unsuccessful",
            ),
            Action::History => ("Historique du dossier", "Dossier history"),
            Action::AddMember => ("Ajouter un membre", "Add a member"),
            Action::Undo => ("Annuler ma dernière action", "Undo my last action"),
            Action::NextField => ("Champ suivant", "Next field"),
            Action::PrevField => ("Champ précédent", "Previous field"),
            Action::NextOption => ("Option suivante", "Next option"),
            Action::PrevOption => ("Option précédente", "Previous option"),
            Action::Insert(_) => ("Saisir", "Type"),
        };
        lang.t(fr, en).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for a in ALL {
            assert_eq!(Action::from_id(&a.id()), Some(*a));
            assert!(seen.insert(a.id()), "duplicate id {}", a.id());
        }
    }
}
