//! The committee screen: moving in the ranking, the actions that open a
//! form or ask for a change directly (conflict, undo, history, packets).
//! The forms themselves are in forms.rs.

use super::Effect;
use crate::app::action::Action;
use crate::app::form::{Form, Purpose};
use crate::app::state::{GridTarget, Mode, Pane, Screen, State};
use jury_core::call::Role;
use jury_core::decision::Draft;
use jury_core::fr::Tr;

mod forms;
mod validation;
mod withdrawal;

pub(super) use forms::form;
pub(super) use forms::packet_form;
pub(super) use forms::role_options;
use forms::{
    close_session_form, decision_form, open_session_form, outcome_form, override_form, resolve_form,
};
pub(super) use withdrawal::promotion_form;

/// A change to the committee's records, carried out by the runtime.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Conflict {
        reference: String,
        member: String,
        declared: bool,
        reason: String,
    },
    Override {
        reference: String,
        verdict: Option<(bool, String)>,
    },
    Consensus {
        reference: String,
        criterion: String,
        value: Option<f64>,
    },
    OpenSession {
        date: String,
        present: Vec<String>,
        /// The stage (and lot) the committee is at when it opens the session.
        scope: jury_core::lot::Scope,
    },
    CloseSession(i64),
    /// An institution validated (or not) a closed session's decisions.
    Validation(jury_core::institutions::Validation),
    /// A candidate did not come to their audition (or did, after all).
    Absence {
        reference: String,
        absent: bool,
    },
    Decision {
        session: i64,
        draft: Draft,
        without_quorum: bool,
        /// Recorded after the explicit confirmation (too few reviews, or
        /// eligibility unknown).
        guarded: bool,
    },
    Outcome {
        session: i64,
        unsuccessful: bool,
        motivation: String,
    },
    /// An accepted candidate withdrew, on `received_on` (AAAA-MM-JJ).
    Withdrawal {
        reference: String,
        /// The lot they withdraw from, in a call with lots.
        lot: Option<String>,
        received_on: String,
        channel: String,
    },
    /// The chair promotes a waitlisted candidate (boxed: the largest change).
    Promote(Box<Promotion>),
    AddMember {
        name: String,
        role: Role,
    },
    /// The committee of a call that lists none, set up by `me` (one of them).
    SetUpCommittee {
        me: String,
        members: Vec<(String, Role)>,
    },
    LetterSent {
        reference: String,
        decision_id: i64,
        channel: String,
        date: String,
    },
    LetterAcknowledged {
        reference: String,
        decision_id: i64,
        date: String,
    },
    ResolveMerge {
        id: i64,
        take_incoming: bool,
    },
    /// A dossier completed or corrected in the app: its new content.
    EditDossier {
        reference: String,
        content: serde_json::Value,
    },
    /// The version of a dossier's file changed after import, accepted.
    AcceptFile {
        reference: String,
        content: serde_json::Value,
    },
    Undo,
    /// A member made a rapporteur of a dossier, or no longer one.
    Assign {
        reference: String,
        member: String,
        assigned: bool,
    },
    /// Jury's proposal, applied: every pair added at once.
    Propose {
        pairs: Vec<(String, String)>,
        per_dossier: u32,
        cap: Option<u32>,
    },
    /// A proposed timetable replaces the slots (fixed ones as they were).
    ProposeSchedule(Vec<jury_core::stage::Slot>),
    /// A candidate moved to a free slot, with the panel that sits there.
    MoveSlot(jury_core::stage::Slot),
    /// Two candidates swapped: their new slots.
    SwapSlots(jury_core::stage::Slot, jury_core::stage::Slot),
    FixSlot {
        reference: String,
        fixed: bool,
    },
    Unavailable(jury_core::stage::Unavailable),
}

/// The chair promotes `draft.reference` from the waiting list in the place
/// of `withdrawn`; `moved`: those after them on the list, with their new rank.
#[derive(Clone, Debug, PartialEq)]
pub struct Promotion {
    pub withdrawn: String,
    pub session: i64,
    pub draft: Draft,
    pub moved: Vec<(String, u32)>,
    pub without_quorum: bool,
    pub guarded: bool,
}

impl Change {
    /// Whether the dossiers must be read again once it is written.
    pub fn touches_dossier(&self) -> bool {
        matches!(self, Change::EditDossier { .. } | Change::AcceptFile { .. })
    }
}

pub(super) fn to_committee(s: &mut State) {
    s.screen = Screen::Committee;
    s.dossiers.grid_target = GridTarget::Own;
    // Open the committee view on the dossier being read.
    if let Some(i) = s.current_index()
        && let Some(at) = s.committee_view.rows.iter().position(|x| *x == i)
    {
        s.committee_view.selected = at;
    }
}

fn to_dossiers(s: &mut State) {
    s.screen = Screen::Dossiers;
    s.dossiers.grid_target = GridTarget::Own;
    if let Some(i) = s.committee_current() {
        select_entry(s, i);
    }
}

/// Selects an entry in the dossier list, clearing a search or filter hiding it.
fn select_entry(s: &mut State, i: usize) {
    if !s.dossiers.view.contains(&i) {
        s.dossiers.filter.clear();
        s.dossiers.list_filter = crate::app::state::ListFilter::All;
        s.refresh_view();
    }
    if let Some(at) = s.dossiers.view.iter().position(|x| *x == i) {
        s.dossiers.selected = at;
        s.dossiers.dossier_scroll = 0;
        s.dossiers.criterion = 0;
    }
}

fn refuse(s: &mut State, why: Tr) -> Vec<Effect> {
    s.set_error(s.env.lang.tr(why));
    Vec::new()
}

fn chair_only(s: &mut State) -> bool {
    let chair = s.is_chair();
    super::permitted(s, chair, text::RESERVED_COMMITTEE_S_CHAIR)
}

pub(super) fn normal(s: &mut State, action: Action) -> Vec<Effect> {
    let lang = s.env.lang;
    let current = s.committee_current();
    let reference = current.map(|i| s.batch.entries[i].dossier.reference.clone());
    match action {
        Action::Quit => s.quit = true,
        Action::Help => s.mode = Mode::Help { scroll: 0 },
        Action::SwitchView | Action::Cancel => to_dossiers(s),
        Action::Down
        | Action::Up
        | Action::PageDown
        | Action::PageUp
        | Action::Top
        | Action::Bottom => {
            s.committee_view.selected = super::moved(
                s.committee_view.selected,
                s.committee_view.rows.len(),
                s.page,
                action,
            )
        }
        Action::NextDossier => {
            s.committee_view.selected =
                (s.committee_view.selected + 1).min(s.committee_view.rows.len().saturating_sub(1))
        }
        Action::PrevDossier => {
            s.committee_view.selected = s.committee_view.selected.saturating_sub(1)
        }
        Action::ToggleBasis => {
            s.batch.committee.basis = match s.batch.committee.basis {
                jury_core::aggregate::Basis::Mean => jury_core::aggregate::Basis::Median,
                jury_core::aggregate::Basis::Median => jury_core::aggregate::Basis::Mean,
            };
            s.recompute();
            let which = match s.batch.committee.basis {
                jury_core::aggregate::Basis::Mean => lang.tr(text::MEANS),
                jury_core::aggregate::Basis::Median => lang.tr(text::MEDIANS),
            };
            s.set_status(format!("{} {which}", lang.tr(text::TOTALS_FROM)));
        }
        Action::ToggleNormalised => {
            s.committee_view.normalised = !s.committee_view.normalised;
            s.refresh_committee_view();
            s.set_status(if s.committee_view.normalised {
                lang.tr(text::NORMALISED_RANKING_EACH_MEMBER)
            } else {
                lang.tr(text::RAW_RANKING)
            });
        }
        Action::ToggleAgenda => {
            s.committee_view.agenda = !s.committee_view.agenda;
            s.refresh_committee_view();
            s.set_status(if s.committee_view.agenda {
                lang.tr(text::AGENDA_CONTESTED_DOSSIERS_THEN)
            } else {
                lang.tr(text::ALL_DOSSIERS)
            });
        }
        Action::Undo => return vec![Effect::Committee(Change::Undo)],
        Action::History => {
            if let Some(r) = reference {
                return vec![Effect::LoadHistory(r)];
            }
        }
        Action::Conflict => {
            if let Some(r) = reference {
                return conflict(s, &r);
            }
        }
        Action::Consensus => {
            if let Some(i) = current
                && chair_only(s)
                && !reference
                    .as_deref()
                    .is_some_and(|r| forms::refused_in_conflict(s, r))
            {
                s.screen = Screen::Dossiers;
                select_entry(s, i);
                s.dossiers.grid_target = GridTarget::Consensus;
                s.dossiers.focus = Pane::Grid;
                s.set_status(lang.tr(text::CONSENSUS_GRID_THESE_SCORES));
            }
        }
        Action::Decide | Action::Confirm => {
            if let Some(r) = reference {
                decision_form(s, &r);
            }
        }
        Action::Override => {
            if let Some(r) = reference
                && chair_only(s)
                && !forms::refused_in_conflict(s, &r)
            {
                override_form(s, &r);
            }
        }
        Action::OpenSession => open_session_form(s),
        Action::ExportPacket => return vec![Effect::ExportPacket],
        Action::ResolveMerge => resolve_form(s),
        Action::ImportPacket => {
            if !chair_only(s) {
                return Vec::new();
            }
            return vec![Effect::FindPackets];
        }
        Action::CloseSession => close_session_form(s),
        Action::SwitchStage => super::stage::switch(s),
        Action::SwitchLot => super::lot::switch(s),
        Action::ValidateSession => validation::open(s),
        Action::Coverage => {
            if jury_core::coverage::territories(&s.batch.call).is_empty() {
                return refuse(s, text::NO_PRIORITY_TERRITORY);
            }
            s.mode = Mode::Coverage { scroll: 0 };
        }
        Action::RecordAbsence => {
            if let Some(r) = reference {
                return super::stage::absence(s, &r);
            }
        }
        Action::Outcome => outcome_form(s),
        Action::RecordWithdrawal => {
            if let Some(r) = reference {
                withdrawal::withdrawal_form(s, &r);
            }
        }
        Action::PromoteFromWaitlist => withdrawal::promotion_form(s, reference.as_deref()),
        Action::AddMember => {
            if !s.may_decide() {
                return refuse(s, text::ONLY_CHAIR_SECRETARY_ADD);
            }
            let roles = role_options(lang);
            s.mode = Mode::Form(Form::new(
                Purpose::AddMember,
                lang.tr(text::ADD_COMMITTEE_MEMBER),
                vec![
                    Form::text("name", lang.tr(text::NAME), ""),
                    Form::choice("role", lang.tr(text::ROLE), roles, 2),
                ],
            ));
        }
        _ => {}
    }
    Vec::new()
}

/// Declares a conflict for the active member (a form for the reason), or
/// withdraws it at once.
pub(super) fn conflict(s: &mut State, reference: &str) -> Vec<Effect> {
    let Some(me) = s.reviewer.clone() else {
        return refuse(s, text::SAY_WHO_YOU_ARE);
    };
    if s.batch.committee.in_conflict(reference, &me) {
        s.set_status(format!(
            "{} {reference}",
            s.env.lang.tr(text::CONFLICT_INTEREST_WITHDRAWN)
        ));
        return vec![Effect::Committee(Change::Conflict {
            reference: reference.to_string(),
            member: me,
            declared: false,
            reason: String::new(),
        })];
    }
    let lang = s.env.lang;
    let mut form = Form::new(
        Purpose::Conflict {
            reference: reference.to_string(),
        },
        format!("{} — {reference}", lang.tr(text::CONFLICT_INTEREST)),
        vec![Form::text("reason", lang.tr(text::REASON_OPTIONAL), "")],
    );
    form.note = Some(lang.tr(text::YOU_WILL_NOT_ABLE).to_string());
    s.mode = Mode::Form(form);
    Vec::new()
}

/// This module's interface texts, in both languages.
mod text {
    use jury_core::fr::Tr;
    pub const NO_PRIORITY_TERRITORY: Tr = Tr::new(
        "L'appel ne liste pas de territoires prioritaires (une règle de recevabilité « in » sur /structure/territory).",
        "The call lists no priority territory (an eligibility rule with \"in\" on /structure/territory).",
    );
    pub const NOT_CONVENED: Tr = Tr::new(
        "n'est pas convoqué·e à l'audition : sa décision est celle de l'étape des dossiers.",
        "is not invited to the audition: their decision is the dossier stage's.",
    );
    pub const ABSENT_MOTIVATION: Tr = Tr::new(
        "Le candidat ne s'est pas présenté à l'audition à laquelle il était convoqué.",
        "The candidate did not attend the audition they were invited to.",
    );
    pub const CHOOSE_WITH_ARROWS: Tr = Tr::new(
        "Ce formulaire n'a pas de champ de texte : choisissez avec ←/→, cochez avec Espace.",
        "This form has no text field: choose with ←/→, tick with Space.",
    );

    pub const RESERVED_COMMITTEE_S_CHAIR: Tr = Tr::new(
        "Réservé à la présidence du comité (--as avec le nom de la présidente ou du président).",
        "Reserved to the committee's chair (--as with the chair's name).",
    );

    pub const ONLY_CHAIR_SECRETARY_ADD: Tr = Tr::new(
        "Seuls la présidence et le secrétariat ajoutent des membres.",
        "Only the chair and the secretary add members.",
    );
    pub const SAY_WHO_YOU_ARE: Tr = Tr::new(
        "Indiquez d'abord qui vous êtes (--as).",
        "Say who you are first (--as).",
    );
    pub const ONLY_CHAIR_SECRETARY_OPEN: Tr = Tr::new(
        "Seuls la présidence et le secrétariat ouvrent une séance.",
        "Only the chair and the secretary open a session.",
    );
    pub const SESSION_ALREADY_OPEN: Tr =
        Tr::new("Une séance est déjà ouverte.", "A session is already open.");
    pub const NO_OPEN_SESSION: Tr = Tr::new("Aucune séance ouverte.", "No open session.");
    pub const OPEN_SESSION_FIRST: Tr =
        Tr::new("Ouvrez d'abord la séance.", "Open the session first.");

    pub const MEANS: Tr = Tr::new("moyennes", "means");
    pub const MEDIANS: Tr = Tr::new("médianes", "medians");
    pub const TOTALS_FROM: Tr = Tr::new("Totaux calculés sur les", "Totals from the");
    pub const NORMALISED_RANKING_EACH_MEMBER: Tr = Tr::new(
        "Classement normalisé : chaque membre ramené à sa propre moyenne et à son écart-type.",
        "Normalised ranking: each member measured against their own mean and deviation.",
    );
    pub const RAW_RANKING: Tr = Tr::new("Classement brut.", "Raw ranking.");
    pub const AGENDA_CONTESTED_DOSSIERS_THEN: Tr = Tr::new(
        "Ordre du jour : dossiers contestés, puis ceux proches du seuil de capacité.",
        "Agenda: contested dossiers, then those near the capacity cut-off.",
    );
    pub const ALL_DOSSIERS: Tr = Tr::new("Tous les dossiers.", "All dossiers.");
    pub const CONSENSUS_GRID_THESE_SCORES: Tr = Tr::new(
        "Grille de consensus : ces notes deviennent la note officielle du dossier. v : revenir au comité.",
        "Consensus grid: these scores become the dossier's official score. v: back to the committee.",
    );
    pub const IMPORT_REVIEW_PACKET: Tr =
        Tr::new("Importer un paquet de notes", "Import a review packet");
    pub const PACKET_FILE: Tr = Tr::new("Fichier du paquet", "Packet file");
    pub const PACKETS_FOUND: Tr = Tr::new("Paquets trouvés (←/→)", "Packets found (←/→)");
    pub const NARROW_OR_PATH: Tr = Tr::new(
        "Affiner en tapant un nom, ou chemin complet du fichier",
        "Narrow by typing a name, or the file's full path",
    );
    pub const MEMBER_S_PACKET_JURY: Tr = Tr::new(
        "Le paquet d'un membre (jury packet export) : ses notes plus récentes remplacent les anciennes ; les désaccords sont signalés, jamais tranchés.",
        "A member's packet (jury packet export): newer scores replace older ones; disagreements are reported, never decided.",
    );
    pub const ADD_COMMITTEE_MEMBER: Tr =
        Tr::new("Ajouter un membre du comité", "Add a committee member");
    pub const NAME: Tr = Tr::new("Nom", "Name");
    pub const ROLE: Tr = Tr::new("Rôle", "Role");
    pub const NO_DISAGREEMENT_BETWEEN_PACKETS: Tr = Tr::new(
        "Aucun désaccord entre paquets.",
        "No disagreement between packets.",
    );
    pub const KEEP: Tr = Tr::new("Garder", "Keep");
    pub const TAKE_PACKET_S: Tr = Tr::new("Prendre celle du paquet :", "Take the packet's:");
    pub const PACKETS_DISAGREE: Tr = Tr::new("Désaccord entre paquets", "Packets disagree");
    pub const SCORE_KEPT: Tr = Tr::new("Note retenue", "Score kept");
    pub const STORED: Tr = Tr::new("enregistrée", "stored");
    pub const PACKET: Tr = Tr::new("paquet", "packet");
    pub const SAME_TIME: Tr = Tr::new("même heure :", "same time:");
    pub const CHAIR: Tr = Tr::new("Présidence", "Chair");
    pub const SECRETARY: Tr = Tr::new("Secrétariat", "Secretary");
    pub const MEMBER: Tr = Tr::new("Membre", "Member");
    pub const RAPPORTEUR: Tr = Tr::new("Rapporteur", "Rapporteur");
    pub const CONFLICT_INTEREST_WITHDRAWN: Tr = Tr::new(
        "Conflit d'intérêts retiré pour",
        "Conflict of interest withdrawn for",
    );
    pub const CONFLICT_INTEREST: Tr = Tr::new("Conflit d'intérêts", "Conflict of interest");
    pub const REASON_OPTIONAL: Tr = Tr::new("Motif (facultatif)", "Reason (optional)");
    pub const YOU_WILL_NOT_ABLE: Tr = Tr::new(
        "Vous ne pourrez plus noter ce dossier et vos notes existantes sont écartées de tous les calculs.",
        "You will not be able to score this dossier; your existing scores are left out of every figure.",
    );
    pub const DECISION: Tr = Tr::new("Décision", "Decision");
    pub const REASONS: Tr = Tr::new("Motivation", "Reasons");
    pub const CONDITION: Tr = Tr::new("Réserve (condition)", "Condition");
    pub const RANK_WAITING_LIST: Tr = Tr::new(
        "Rang sur la liste complémentaire",
        "Rank on the waiting list",
    );
    pub const DOCUMENTS_REQUESTED: Tr = Tr::new("Pièces demandées", "Documents requested");
    pub const AMOUNT_GRANTED: Tr = Tr::new("Montant accordé (€)", "Amount granted (€)");
    pub const ENVELOPE_OVERRIDE: Tr = Tr::new(
        "Justification du dépassement de l'enveloppe (présidence)",
        "Why the envelope may be exceeded (chair)",
    );
    pub const ASKS_FOR: Tr = Tr::new("demande", "asks for");
    pub const RANK: Tr = Tr::new("Rang", "Rank");
    pub const ELIGIBLE: Tr = Tr::new("recevable", "eligible");
    pub const ELIGIBILITY_CHECK: Tr = Tr::new("recevabilité à vérifier", "eligibility to check");
    pub const INELIGIBLE: Tr = Tr::new("IRRECEVABLE", "INELIGIBLE");
    pub const DECISION_FROZEN_CLOSED_SESSION: Tr = Tr::new(
        "décision figée par une séance close : une nouvelle décision sera enregistrée comme modification",
        "decision frozen by a closed session: a new one is recorded as a change",
    );
    pub const DECLARE_ELIGIBLE: Tr = Tr::new("Déclarer recevable", "Declare eligible");
    pub const DECLARE_INELIGIBLE: Tr = Tr::new("Déclarer irrecevable", "Declare ineligible");
    pub const REMOVE_OVERRIDE: Tr = Tr::new("Retirer la dérogation", "Remove the override");
    pub const ELIGIBILITY_OVERRIDE: Tr =
        Tr::new("Dérogation de recevabilité", "Eligibility override");
    pub const CHAIR_S_RULING: Tr = Tr::new("Décision de la présidence", "Chair's ruling");
    pub const WRITTEN_JUSTIFICATION: Tr = Tr::new("Justification écrite", "Written justification");
    pub const RULES_FIND_DOSSIER_ELIGIBLE: Tr = Tr::new(
        "Les règles jugent ce dossier recevable.",
        "The rules find this dossier eligible.",
    );
    pub const RULES: Tr = Tr::new("Selon les règles :", "By the rules:");
    pub const MEETING_DATE: Tr = Tr::new("Date de la réunion", "Meeting date");
    pub const OPEN_SESSION: Tr = Tr::new("Ouvrir une séance", "Open a session");
    pub const QUORUM: Tr = Tr::new("Quorum :", "Quorum:");
    pub const SPACE_TICKS_UNTICKS_MEMBER: Tr = Tr::new(
        "Espace coche ou décoche un membre présent.",
        "Space ticks or unticks a member present.",
    );
    pub const CLOSE_SESSION: Tr = Tr::new("Clore la séance du", "Close the session of");
    pub const I_CONFIRM_DECISIONS_WILL: Tr = Tr::new(
        "Je confirme : les décisions seront figées",
        "I confirm: decisions will be frozen",
    );
    pub const DECISION_S_TAKEN_SESSION: Tr = Tr::new(
        "décision(s) prise(s) dans cette séance. Une fois close, une décision ne change que dans une nouvelle séance.",
        "decision(s) taken in this session. Once closed, a decision changes only in a new session.",
    );
    pub const OUTCOME_CALL: Tr = Tr::new("Issue de l'appel", "Outcome of the call");
    pub const SESSION_OPEN_IN_LOT: Tr = Tr::new(
        "Une séance est déjà ouverte pour le lot",
        "A session is already open for the lot",
    );
    pub const CLOSE_IT_THERE: Tr = Tr::new(
        ": fermez-la d'abord, dans ce lot",
        ": close it first, in that lot",
    );
    pub const OUTCOME_LOT: Tr = Tr::new("Issue du lot", "Outcome of the lot");
    pub const LOT_DECLARED_UNSUCCESSFUL: Tr =
        Tr::new("Lot déclaré infructueux", "Lot declared unsuccessful");
    pub const CALL_DECLARED_UNSUCCESSFUL: Tr =
        Tr::new("Appel déclaré infructueux", "Call declared unsuccessful");
    pub const OVERRIDE_NEEDS_WRITTEN_JUSTIFICATION: Tr = Tr::new(
        "Une dérogation doit être justifiée par écrit.",
        "An override needs a written justification.",
    );
    pub const RANK_WHOLE_NUMBER: Tr = Tr::new(
        "Le rang est un nombre entier.",
        "The rank is a whole number.",
    );
    pub const SPACE_TAKES_SUGGESTED_REASON: Tr = Tr::new(
        "Espace retient un motif proposé, la saisie le modifie",
        "Space takes a suggested reason, typing edits it",
    );
    pub const SUGGESTED_REASON_EDITED: Tr =
        Tr::new("Motif proposé, modifié", "Suggested reason, edited");
    pub const DECIDE_DESPITE_FEW_REVIEWS: Tr = Tr::new(
        "Je confirme la décision malgré trop peu de notes ou une recevabilité non établie (signalé au procès-verbal)",
        "I confirm the decision despite too few scores or eligibility not established (flagged in the minutes)",
    );
    pub const DECISION_RECORDED: Tr = Tr::new("Décision enregistrée —", "Decision recorded —");
    pub const NO_QUORUM: Tr = Tr::new("Quorum non atteint", "No quorum");
    pub const DECISIONS_WILL_MARKED_WITHOUT: Tr = Tr::new(
        "les décisions seront marquées « sans quorum ».",
        "decisions will be marked “without quorum”.",
    );
    pub const NO_DECISION_CAN_TAKEN: Tr = Tr::new(
        "aucune décision ne pourra être prise.",
        "no decision can be taken.",
    );
    pub const TICK_CONFIRMATION_SPACE_CLOSE: Tr = Tr::new(
        "Cochez la confirmation (Espace) pour clore la séance.",
        "Tick the confirmation (Space) to close.",
    );
    pub const REASONS_ARE_REQUIRED: Tr =
        Tr::new("La motivation est obligatoire.", "Reasons are required.");
    pub const GIVE_PACKET_FILE: Tr =
        Tr::new("Indiquez le fichier du paquet.", "Give the packet file.");
    pub const GIVE_NAME: Tr = Tr::new("Indiquez un nom.", "Give a name.");
}
