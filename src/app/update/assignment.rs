//! The assignment screen: moving in the grid of dossiers by members, a
//! cell toggled by hand, Jury's balanced proposal confirmed in a form.
//! Only the chair and the secretary change it; others read it.

use super::{Change, Effect};
use crate::app::action::Action;
use crate::app::form::{Form, Purpose, Value};
use crate::app::state::{Mode, Screen, State};
use jury_core::assign::{self, Proposal};

/// `assignment_view`: opens the screen, or goes back where it came from.
pub(super) fn toggle(s: &mut State) {
    if s.screen == Screen::Assignment {
        s.screen = s.assignment_view.back_to;
        return;
    }
    s.assignment_view.back_to = s.screen;
    // Open on the dossier being read, when there is one.
    let current = match s.screen {
        Screen::Committee => s.committee_current(),
        Screen::Dossiers => s.current_index(),
        _ => None,
    };
    if let Some(i) = current {
        s.assignment_view.row = i;
    }
    s.screen = Screen::Assignment;
    if !s.may_decide() {
        s.set_status(s.env.lang.tr(text::READ_ONLY));
    }
}

pub(super) fn normal(s: &mut State, action: Action) -> Vec<Effect> {
    let rows = s.assignment_rows();
    let columns = s.scorers().len();
    let at = rows
        .iter()
        .position(|i| *i == s.assignment_view.row)
        .unwrap_or(0);
    match action {
        Action::Quit => s.quit = true,
        Action::Help => s.mode = Mode::Help { scroll: 0 },
        Action::Cancel | Action::Close => s.screen = s.assignment_view.back_to,
        Action::Down
        | Action::Up
        | Action::PageDown
        | Action::PageUp
        | Action::Top
        | Action::Bottom => {
            let to = super::moved(at, rows.len(), s.page, action);
            s.assignment_view.row = rows.get(to).copied().unwrap_or(0);
        }
        Action::NextOption | Action::FocusNext => {
            s.assignment_view.column = (s.assignment_view.column + 1).min(columns.saturating_sub(1))
        }
        Action::PrevOption | Action::FocusPrev => {
            s.assignment_view.column = s.assignment_view.column.saturating_sub(1)
        }
        Action::ToggleAssignment => return toggle_cell(s),
        Action::ProposeAssignment => propose_form(s),
        Action::Undo => return vec![Effect::Committee(Change::Undo)],
        _ => {}
    }
    Vec::new()
}

/// The chair or the secretary may change the assignment; others are told.
fn may_change(s: &mut State) -> bool {
    if !s.may_decide() {
        s.set_error(assign::AssignRefusal::NotAllowed.message(s.env.lang));
    }
    s.may_decide()
}

fn toggle_cell(s: &mut State) -> Vec<Effect> {
    let Some(member) = s.scorers().get(s.assignment_view.column).cloned() else {
        return Vec::new();
    };
    let Some(reference) = s
        .batch
        .entries
        .get(s.assignment_view.row)
        .map(|e| e.dossier.reference.clone())
    else {
        return Vec::new();
    };
    if !may_change(s) {
        return Vec::new();
    }
    if s.batch.committee.in_conflict(&reference, &member) {
        let refusal = assign::AssignRefusal::InConflict { member, reference };
        s.set_error(refusal.message(s.env.lang));
        return Vec::new();
    }
    let assigned = !s.batch.committee.is_assigned(&reference, &member);
    vec![Effect::Committee(Change::Assign {
        reference,
        member,
        assigned,
    })]
}

/// What Jury proposes with `k` rapporteurs per dossier, given what is
/// assigned, the conflicts declared and the call's cap.
fn proposal(s: &State, k: u32) -> Proposal {
    let references: Vec<String> = s
        .assignment_rows()
        .into_iter()
        .map(|i| s.batch.entries[i].dossier.reference.clone())
        .collect();
    let members = s.scorers();
    assign::propose(&assign::Input {
        references: &references,
        members: &members,
        conflicts: &s.batch.committee.conflicts,
        fixed: &s.batch.committee.assigned,
        per_dossier: k,
        cap: s.batch.call.reviewer_cap,
    })
}

/// The k the form holds: the call's, or the one chosen.
fn chosen_k(s: &State, form: &Form) -> u32 {
    s.batch.call.reviewers_per_dossier.unwrap_or_else(|| {
        form.choice_of("k")
            .and_then(|k| k.parse().ok())
            .unwrap_or(1)
    })
}

/// Says what confirming will do: k, the cap, how many pairs are added and
/// which dossiers stay short.
fn describe(s: &State, form: &mut Form) {
    let lang = s.env.lang;
    let k = chosen_k(s, form);
    let p = proposal(s, k);
    let cap = match s.batch.call.reviewer_cap {
        Some(c) => format!("{c} {}", lang.tr(text::DOSSIERS_PER_MEMBER)),
        None => lang.tr(text::NO_CAP).to_string(),
    };
    let mut note = format!(
        "{} {k} · {} {cap} · {} {}",
        lang.tr(text::K_PER_DOSSIER),
        lang.tr(text::CAP),
        p.added.len(),
        lang.tr(text::PAIRS_WILL_BE_ADDED),
    );
    for short in &p.shortfalls {
        note.push_str(&format!("\n⚠ {}", short.message(lang)));
    }
    form.note = Some(note);
}

fn propose_form(s: &mut State) {
    if !may_change(s) {
        return;
    }
    let lang = s.env.lang;
    let n = s.scorers().len();
    if n == 0 {
        s.set_error(lang.tr(text::NOBODY_SCORES));
        return;
    }
    let mut fields = Vec::new();
    if s.batch.call.reviewers_per_dossier.is_none() {
        let options = (1..=n)
            .map(|k| (k.to_string(), k.to_string()))
            .collect::<Vec<_>>();
        fields.push(Form::choice(
            "k",
            lang.tr(text::HOW_MANY),
            options,
            n.min(2) - 1,
        ));
    }
    let mut form = Form::new(
        Purpose::ProposeAssignment,
        lang.tr(text::PROPOSE_TITLE),
        fields,
    );
    describe(s, &mut form);
    s.mode = Mode::Form(form);
}

/// The proposal's form: ←/→ change k and the note follows; Entrée applies.
pub(super) fn form(s: &mut State, mut form: Form, action: Action) -> Vec<Effect> {
    match action {
        Action::NextOption | Action::PrevOption => {
            form.cycle(if action == Action::NextOption { 1 } else { -1 });
            describe(s, &mut form);
            s.mode = Mode::Form(form);
            Vec::new()
        }
        Action::Confirm => {
            let k = chosen_k(s, &form);
            let p = proposal(s, k);
            s.mode = Mode::Normal;
            if p.added.is_empty() {
                s.set_status(s.env.lang.tr(text::NOTHING_TO_ADD));
                return Vec::new();
            }
            vec![Effect::Committee(Change::Propose {
                pairs: p.added,
                per_dossier: k,
                cap: s.batch.call.reviewer_cap,
            })]
        }
        Action::Insert(_) if !matches!(form.focused().map(|f| &f.value), Some(Value::Text(_))) => {
            form.error = Some(s.env.lang.tr(text::CHOOSE_K).into());
            s.mode = Mode::Form(form);
            Vec::new()
        }
        other => super::committee::form(s, form, other),
    }
}

mod text {
    use jury_core::fr::Tr;

    pub const READ_ONLY: Tr = Tr::new(
        "Attribution en lecture seule : seuls la présidence et le secrétariat la modifient.",
        "Assignment read-only: only the chair and the secretary change it.",
    );
    pub const NOBODY_SCORES: Tr = Tr::new(
        "Aucun membre du comité ne note : personne à qui attribuer les dossiers.",
        "No committee member scores: nobody to assign dossiers to.",
    );
    pub const HOW_MANY: Tr = Tr::new(
        "Rapporteur·e·s par dossier (←/→)",
        "Rapporteurs per dossier (←/→)",
    );
    pub const PROPOSE_TITLE: Tr = Tr::new(
        "Proposer une attribution équilibrée",
        "Propose a balanced assignment",
    );
    pub const K_PER_DOSSIER: Tr = Tr::new("par dossier :", "per dossier:");
    pub const CAP: Tr = Tr::new("plafond :", "cap:");
    pub const DOSSIERS_PER_MEMBER: Tr = Tr::new("dossiers par membre", "dossiers per member");
    pub const NO_CAP: Tr = Tr::new("aucun", "none");
    pub const PAIRS_WILL_BE_ADDED: Tr = Tr::new(
        "attributions seront ajoutées (celles déjà faites sont gardées). Entrée : appliquer.",
        "assignments will be added (those made already are kept). Enter: apply.",
    );
    pub const NOTHING_TO_ADD: Tr = Tr::new(
        "Rien à ajouter : chaque dossier a déjà ses rapporteur·e·s, ou personne d'autre ne peut le lire.",
        "Nothing to add: every dossier has its rapporteurs already, or nobody else can read it.",
    );
    pub const CHOOSE_K: Tr = Tr::new(
        "Choisissez le nombre avec ←/→, puis Entrée.",
        "Choose the number with ←/→, then Enter.",
    );
}
