//! Every action a key can trigger, declared once in the table below: its
//! variant, its keymap id and its description in both languages. The enum,
//! `ALL` (the help screen's order), `id`, `from_id` and `describe` are all
//! derived from that table, so an action cannot be added to one and
//! forgotten in another.

use jury_core::fr::Lang;

/// Expands the action table. A line is `Variant => "id", "French", "English";`.
/// A line with a ranged parameter, `Score(n: u8 in 0..=9)`, stands for one
/// bindable action per value, and its id and descriptions are format strings
/// over `n`. The `typed` line is an action no key can be bound to.
macro_rules! actions {
    (
        bindable {
            $(
                $variant:ident $( ($arg:ident: $ty:ident in $lo:literal ..= $hi:literal) )?
                    => $id:literal, $fr:literal, $en:literal;
            )*
        }
        typed {
            $(#[doc = $typed_doc:literal])*
            $typed:ident($typed_ty:ty) => $typed_id:literal, $typed_fr:literal, $typed_en:literal;
        }
    ) => {
        /// Something a key press, or typing in a text field, asks for.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Action {
            $( $variant $( ($ty) )?, )*
            $(#[doc = $typed_doc])*
            $typed($typed_ty),
        }

        /// Bindable actions, in the order the help screen lists them.
        pub const ALL: &[Action] = &flatten::<{ count(LINES) }>(LINES);

        /// The bindable actions of each table line, in table order.
        const LINES: &[&[Action]] = &[
            $( &actions!(@values $variant $( $lo, $hi )?), )*
        ];

        impl Action {
            /// The name used in keymap files and tests.
            pub fn id(self) -> String {
                match self {
                    $( Action::$variant $( ($arg) )? => actions!(@text $id $(, $arg)?), )*
                    Action::$typed(_) => $typed_id.to_string(),
                }
            }

            pub fn from_id(id: &str) -> Option<Action> {
                ALL.iter().copied().find(|a| a.id() == id)
            }

            pub fn describe(self, lang: Lang) -> String {
                match (self, lang) {
                    $(
                        (Action::$variant $( ($arg) )?, Lang::Fr) => actions!(@text $fr $(, $arg)?),
                        (Action::$variant $( ($arg) )?, Lang::En) => actions!(@text $en $(, $arg)?),
                    )*
                    (Action::$typed(_), _) => lang.t($typed_fr, $typed_en).to_string(),
                }
            }
        }
    };
    // One action, or one per value of the line's parameter.
    (@values $variant:ident) => { [Action::$variant] };
    (@values $variant:ident $lo:literal, $hi:literal) => {{
        let mut values = [Action::$variant($lo); $hi - $lo + 1];
        let (mut i, mut n) = (0, $lo);
        while n <= $hi {
            values[i] = Action::$variant(n);
            (i, n) = (i + 1, n + 1);
        }
        values
    }};
    // A plain text, or a format string over the line's parameter.
    (@text $text:literal) => { $text.to_string() };
    (@text $text:literal, $arg:ident) => { format!($text) };
}

/// How many actions the table's lines stand for.
const fn count(lines: &[&[Action]]) -> usize {
    let (mut n, mut line) = (0, 0);
    while line < lines.len() {
        n += lines[line].len();
        line += 1;
    }
    n
}

/// The lines' actions end to end; `N` is their [`count`].
const fn flatten<const N: usize>(lines: &[&[Action]]) -> [Action; N] {
    // Any action fills the array at first; every slot is overwritten below.
    let mut all = [lines[0][0]; N];
    let (mut i, mut line) = (0, 0);
    while line < lines.len() {
        let mut k = 0;
        while k < lines[line].len() {
            all[i] = lines[line][k];
            (i, k) = (i + 1, k + 1);
        }
        line += 1;
    }
    all
}

actions! {
    bindable {
        Quit                  => "quit",                      "Quitter", "Quit";
        Help                  => "help",                      "Aide", "Help";
        FocusNext             => "focus_next",                "Panneau suivant", "Next pane";
        FocusPrev             => "focus_prev",                "Panneau précédent", "Previous pane";
        FocusList             => "focus_list",                "Aller à la liste", "Go to the list";
        FocusDossier          => "focus_dossier",             "Aller au dossier", "Go to the dossier";
        FocusGrid             => "focus_grid",                "Aller à la grille", "Go to the grid";
        Filter                => "filter",                    "Rechercher", "Search";
        SortNext              => "sort_next",                 "Changer de tri", "Change sort";
        SortReverse           => "sort_reverse",              "Inverser le tri", "Reverse sort";
        Down                  => "down",                      "Descendre", "Down";
        Up                    => "up",                        "Monter", "Up";
        PageDown              => "page_down",                 "Page suivante", "Page down";
        PageUp                => "page_up",                   "Page précédente", "Page up";
        Top                   => "top",                       "Début", "Top";
        Bottom                => "bottom",                    "Fin", "Bottom";
        NextDossier           => "next_dossier",              "Dossier suivant", "Next dossier";
        PrevDossier           => "prev_dossier",              "Dossier précédent", "Previous dossier";
        NextToScore           => "next_to_score",             "Prochain dossier à noter", "Next dossier to score";
        Score(n: u8 in 0..=9) => "score_{n}",                 "Noter {n}", "Score {n}";
        ClearScore            => "clear_score",               "Effacer la note", "Clear the score";
        Comment               => "comment",                   "Commenter le critère", "Comment on the criterion";
        OpenAttachment        => "open_attachment",           "Ouvrir une pièce jointe", "Open an attachment";
        Confirm               => "confirm",                   "Valider", "Confirm";
        Cancel                => "cancel",                    "Annuler", "Cancel";
        DeleteBack            => "delete_back",               "Effacer le caractère", "Delete character";
        Close                 => "close",                     "Fermer", "Close";
        CycleFilter           => "cycle_filter",              "Filtrer : à noter, contestés, irrecevables, décidés, prioritaires, à compléter", "Filter: to score, contested, ineligible, decided, priority, to complete";
        SwitchView            => "switch_view",               "Vue comité / vue dossiers", "Committee / dossiers view";
        Decide                => "decide",                    "Enregistrer une décision", "Record a decision";
        Override              => "override_eligibility",      "Déroger à la recevabilité (présidence)", "Override eligibility (chair)";
        Conflict              => "conflict_of_interest",      "Déclarer / retirer un conflit d'intérêts", "Declare / withdraw a conflict of interest";
        Consensus             => "consensus_grid",            "Grille de consensus (présidence)", "Consensus grid (chair)";
        OpenSession           => "open_session",              "Ouvrir la séance", "Open the session";
        CloseSession          => "close_session",             "Clore la séance (fige les décisions)", "Close the session (freezes decisions)";
        ToggleBasis           => "toggle_basis",              "Total par moyenne / médiane", "Total from mean / median";
        ToggleNormalised      => "toggle_normalised",         "Classement brut / normalisé", "Raw / normalised ranking";
        ToggleAgenda          => "toggle_agenda",             "Ordre du jour : contestés et seuil d'abord", "Agenda: contested and cut-off first";
        Outcome               => "record_outcome",            "Déclarer l'appel (ou le lot) infructueux", "Declare the call (or the lot) unsuccessful";
        History               => "history",                   "Historique du dossier", "Dossier history";
        EditDossier           => "edit_dossier",              "Compléter / corriger le dossier (présidence, secrétariat)", "Complete / correct the dossier (chair, secretary)";
        RequestPieces         => "request_pieces",            "Demander les pièces manquantes (courrier PDF, ODT, EML)", "Request missing pieces (PDF, ODT, EML letter)";
        AcceptFileVersion     => "accept_file_version",       "Accepter la version modifiée du fichier du dossier", "Accept the dossier file's changed version";
        AddMember             => "add_member",                "Ajouter un membre", "Add a member";
        Undo                  => "undo",                      "Annuler ma dernière action", "Undo my last action";
        NextField             => "next_field",                "Champ suivant", "Next field";
        PrevField             => "prev_field",                "Champ précédent", "Previous field";
        NextOption            => "next_option",               "Option suivante", "Next option";
        PrevOption            => "prev_option",               "Option précédente", "Previous option";
        LettersView           => "letters_view",              "Vue courriers", "Letters view";
        Generate              => "generate_letter",           "Produire ce courrier (PDF, ODT, EML)", "Produce this letter (PDF, ODT, EML)";
        GenerateAll           => "generate_all_letters",      "Produire tous les courriers", "Produce every letter";
        MarkSent              => "mark_sent",                 "Marquer envoyé (date, courriel ou courrier)", "Mark sent (date, e-mail or post)";
        MarkAcknowledged      => "mark_acknowledged",         "Marquer l'accusé de réception", "Mark acknowledged";
        ExportPacket          => "export_packet",             "Exporter mon paquet de notes (pour la présidence)", "Export my review packet (for the chair)";
        ImportPacket          => "import_packet",             "Importer le paquet d'un membre", "Import a member's packet";
        ResolveMerge          => "resolve_packet_conflict",   "Trancher un désaccord entre paquets", "Settle a disagreement between packets";
        Minutes               => "produce_minutes",           "Produire les procès-verbaux (PDF, ODT)", "Produce the minutes (PDF, ODT)";
        // Two stages
        SwitchStage           => "switch_stage",              "Étape : étude des dossiers / auditions", "Stage: dossier review / auditions";
        RecordAbsence         => "record_absence",            "Noter absent·e (ou présent·e) à l'audition", "Mark absent (or present) at the audition";
        // Rapporteurs
        AssignmentView        => "assignment_view",           "Attribution des dossiers aux rapporteur·e·s", "Assign dossiers to rapporteurs";
        ToggleAssignment      => "toggle_assignment",         "Attribuer / retirer ce dossier à ce membre", "Assign / unassign this dossier to this member";
        ProposeAssignment     => "propose_assignment",        "Proposer une attribution équilibrée", "Propose a balanced assignment";
        // Timetable
        TimetableView         => "timetable_view",            "Calendrier des auditions", "Audition timetable";
        SlotLeft              => "slot_left",                 "Jour précédent", "Previous day";
        SlotRight             => "slot_right",                "Jour suivant", "Next day";
        ProposeSchedule       => "propose_schedule",          "Proposer un calendrier (créneaux fixés gardés)", "Propose a timetable (fixed slots kept)";
        MoveSlot              => "move_slot",                 "Déplacer le candidat (puis sur la case d'arrivée ; échange si occupée)", "Move the candidate (then on the target cell; swaps if taken)";
        FixSlot               => "fix_slot",                  "Fixer / libérer le créneau", "Fix / free the slot";
        RecordUnavailable     => "record_unavailable",        "Noter une indisponibilité", "Record an unavailability";
        // Convocations
        ProduceConvocations   => "produce_convocations",      "Produire les convocations à l'audition et les agendas du jury", "Produce the audition invitations and the panel's calendars";
        // Institutions
        ValidateSession       => "validate_session",          "Validation d'une séance par une institution", "A session validated by an institution";
        // Coverage
        Coverage              => "coverage",                  "Couverture des territoires prioritaires", "Priority territories covered";
        // Withdrawals
        RecordWithdrawal      => "record_withdrawal",         "Enregistrer le désistement d'un·e candidat·e retenu·e", "Record an accepted candidate's withdrawal";
        PromoteFromWaitlist   => "promote_from_waitlist",     "Promouvoir depuis la liste complémentaire (présidence)", "Promote from the waiting list (chair)";
        // Lots
        SwitchLot             => "switch_lot",                "Lot suivant (appel en plusieurs lots)", "Next lot (call in several lots)";
    }
    typed {
        /// A typed character in a text field; not bindable.
        Insert(char)          => "insert",                    "Saisir", "Type";
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
            for lang in [Lang::Fr, Lang::En] {
                assert!(!a.describe(lang).is_empty(), "{} undescribed", a.id());
            }
        }
    }

    #[test]
    fn each_score_digit_is_an_action_of_its_own() {
        let first = ALL
            .iter()
            .position(|a| *a == Action::Score(0))
            .expect("score_0 is bindable");
        for n in 0..=9u8 {
            assert_eq!(ALL[first + n as usize], Action::Score(n));
            let id = format!("score_{n}");
            assert_eq!(Action::from_id(&id), Some(Action::Score(n)));
        }
        assert_eq!(Action::Score(3).describe(Lang::Fr), "Noter 3");
        assert_eq!(Action::Score(3).describe(Lang::En), "Score 3");
    }

    #[test]
    fn typed_characters_cannot_be_bound() {
        assert!(!ALL.iter().any(|a| matches!(a, Action::Insert(_))));
        assert_eq!(Action::from_id("insert"), None);
        assert_eq!(Action::Insert('x').id(), "insert");
    }
}
