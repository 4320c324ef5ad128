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
