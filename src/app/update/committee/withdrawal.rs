//! A withdrawal (désistement) of an accepted candidate, and the chair's
//! promotion of a waitlisted candidate in their place: the two forms and
//! what submitting them changes.

use super::Change;
use super::forms::{checked_date, show_extra_fields};
use crate::app::form::{Form, Purpose};
use crate::app::state::{Mode, State};
use jury_core::call::decision_id;
use jury_core::decision::{self, Draft, Extra};
use jury_core::withdrawal::{self as wd, WithdrawalError};

fn refuse(s: &mut State, e: WithdrawalError) {
    s.set_error(e.message(s.env.lang));
}

/// The withdrawal form for `reference`, once its decision is checked: an
/// accepting decision, final, not withdrawn from yet.
pub(super) fn withdrawal_form(s: &mut State, reference: &str) {
    let lang = s.env.lang;
    if !s.may_decide() {
        return refuse(s, WithdrawalError::NotAllowed);
    }
    let current = s.batch.committee.decisions.get(reference).cloned();
    let kind = current
        .as_ref()
        .and_then(|d| decision::kind(&s.batch.call, &d.kind, lang));
    if let Err(e) = wd::check(&s.batch.committee, reference, kind.as_ref()) {
        return refuse(s, e);
    }
    let channels = wd::CHANNELS
        .iter()
        .map(|(id, fr, en)| (id.to_string(), lang.t(fr, en).to_string()))
        .collect();
    let mut form = Form::new(
        Purpose::Withdrawal {
            reference: reference.to_string(),
        },
        format!("{} — {reference}", lang.tr(text::WITHDRAWAL)),
        vec![
            Form::date("date", lang.tr(text::RECEIVED_ON), s.env.today, lang),
            Form::choice("channel", lang.tr(text::RECEIVED_BY), channels, 0),
        ],
    );
    form.note = Some(format!(
        "{} {} · {}",
        lang.tr(text::CURRENT_DECISION),
        kind.map(|k| k.label).unwrap_or_default(),
        lang.tr(text::THEN_PROMOTION)
    ));
    s.mode = Mode::Form(form);
}

/// The withdrawal a promotion would follow: the selected dossier's when it
/// withdrew and nobody replaced them yet, else the latest such one.
fn pending(s: &State, selected: Option<&str>) -> Option<jury_core::records::Withdrawal> {
    let c = &s.batch.committee;
    let open = |r: &str| c.withdrawn(r).filter(|w| w.promoted.is_none()).cloned();
    selected
        .and_then(open)
        .or_else(|| c.unreplaced().last().copied().cloned())
}

/// The chair's promotion form: who withdrew, whom Jury proposes (the first
/// of the waiting list), any other waitlisted candidate to pick instead,
/// and the promoted candidate's decision, « retenu » by default.
pub(in crate::app::update) fn promotion_form(s: &mut State, selected: Option<&str>) {
    let lang = s.env.lang;
    if !s.is_chair() {
        return refuse(s, WithdrawalError::ChairOnly);
    }
    let Some(w) = pending(s, selected) else {
        s.set_error(lang.tr(text::NO_WITHDRAWAL_TO_REPLACE).to_string());
        return;
    };
    let c = &s.batch.committee;
    let list = wd::waitlist(c.decisions.values());
    let Some(first) = wd::proposed(&list).map(str::to_string) else {
        return refuse(s, WithdrawalError::EmptyWaitlist);
    };
    let structure = |r: &str| {
        s.entry_index(r)
            .map(|i| s.batch.entries[i].dossier.structure.clone())
            .unwrap_or_default()
    };
    let candidates: Vec<(String, String)> = list
        .iter()
        .map(|(r, n)| {
            (
                r.clone(),
                format!("{r} — {} ({} {n})", structure(r), lang.tr(text::RANK)),
            )
        })
        .collect();
    let kinds: Vec<(String, String)> = decision::kinds_at(&s.batch.call, c.stage, lang)
        .into_iter()
        .filter(|k| k.accepted)
        .map(|k| (k.id, k.label))
        .collect();
    let retenu = kinds
        .iter()
        .position(|(id, _)| id == decision_id::RETENU)
        .unwrap_or(0);
    let session = c.open_session().map(|x| x.id);
    let mut form = Form::new(
        Purpose::Promotion {
            withdrawn: w.reference.clone(),
            session,
        },
        format!(
            "{} {} — {}",
            lang.tr(text::PROMOTION_AFTER),
            w.reference,
            structure(&w.reference)
        ),
        vec![
            Form::choice("candidate", lang.tr(text::PROMOTED), candidates, 0),
            Form::choice("kind", lang.tr(text::DECISION), kinds, retenu),
            Form::text(
                "motivation",
                lang.tr(text::REASONS),
                wd::promotion_motivation(&w.reference, lang),
            ),
            Form::text("condition", lang.tr(text::CONDITION), ""),
        ],
    );
    let received = chrono::NaiveDate::parse_from_str(&w.received_on, "%Y-%m-%d")
        .map(|d| lang.date(d))
        .unwrap_or(w.received_on.clone());
    let mut note = vec![
        format!(
            "{} {} {received} ({})",
            w.reference,
            lang.tr(text::WITHDREW_ON),
            wd::channel_label(&w.channel, lang)
        ),
        format!(
            "{} {first} — {}",
            lang.tr(text::JURY_PROPOSES),
            structure(&first)
        ),
        lang.tr(text::OTHERS_MOVE_UP).to_string(),
    ];
    if session.is_none() {
        note.push(WithdrawalError::NoSession.message(lang));
    }
    form.note = Some(note.join(" · "));
    // In a call with an envelope the promoted candidate may be granted an
    // amount (the withdrawn one's returned to the envelope): what they
    // asked for, capped, to change as in the decision form.
    if let Some(budget) = &s.batch.call.budget {
        let offered = s
            .entry_index(&first)
            .and_then(|i| budget.offered(&s.batch.entries[i].dossier.full().raw));
        form.fields
            .extend(super::forms::amount_fields(offered, String::new(), lang));
    }
    show_extra_fields(&mut form, &s.batch.call, lang);
    s.mode = Mode::Form(form);
}

pub(super) fn submit_withdrawal(s: &State, form: &Form, reference: &str) -> Result<Change, String> {
    Ok(Change::Withdrawal {
        reference: reference.to_string(),
        lot: s.batch.committee.lot.clone(),
        received_on: checked_date(form, s.env.lang)?,
        channel: form.choice_of("channel").unwrap_or_else(|| "email".into()),
    })
}

/// The promotion as the chair confirmed it, checked as any decision is
/// (open session, quorum, motivation, eligibility).
pub(super) fn submit_promotion(
    s: &mut State,
    form: &Form,
    withdrawn: &str,
    session: Option<i64>,
) -> Result<Change, String> {
    let lang = s.env.lang;
    let session = session.ok_or_else(|| WithdrawalError::NoSession.message(lang))?;
    let promoted = form.choice_of("candidate").unwrap_or_default();
    let kind = form.choice_of("kind").unwrap_or_default();
    let extra = decision::kind(&s.batch.call, &kind, lang).map(|k| k.extra);
    let mut draft = Draft {
        reference: promoted.clone(),
        condition: if extra == Some(Extra::Condition) {
            form.text_of("condition")
        } else {
            String::new()
        },
        kind,
        motivation: form.text_of("motivation"),
        waitlist_rank: None,
        documents: String::new(),
        // As typed in the form; the envelope check below applies.
        amount: super::forms::amount_of(form, true, lang)?,
        budget_override: form.text_of("budget_override"),
    };
    let i = s
        .entry_index(&promoted)
        .ok_or_else(|| lang.tr(text::NO_WITHDRAWAL_TO_REPLACE).to_string())?;
    // The chair's confirmation is this form: a candidate little scored is
    // still flagged in the minutes.
    let facts = decision::Facts {
        confirmed: true,
        ..super::forms::facts(s, &promoted, i)
    };
    let ok = decision::check(&s.batch.call, &draft, &facts, lang).map_err(|e| e.message(lang))?;
    // The chair's reason is kept only with an amount that needs it.
    if !ok.over_envelope {
        draft.budget_override.clear();
    }
    let moved = wd::moved_up(
        &wd::waitlist(s.batch.committee.decisions.values()),
        &promoted,
    );
    let mut msg = format!(
        "{promoted} {} {withdrawn}",
        lang.tr(text::PROMOTED_IN_PLACE_OF)
    );
    for w in &ok.warnings {
        msg.push_str(&format!(" ⚠ {w}"));
    }
    if ok.warnings.is_empty() {
        s.set_status(msg);
    } else {
        s.set_error(msg);
    }
    Ok(Change::Promote(Box::new(super::Promotion {
        withdrawn: withdrawn.to_string(),
        session,
        draft,
        moved,
        without_quorum: ok.without_quorum,
        guarded: ok.guarded,
    })))
}

/// This module's interface texts, in both languages.
mod text {
    use jury_core::fr::Tr;
    pub const WITHDRAWAL: Tr = Tr::new("Désistement", "Withdrawal");
    pub const RECEIVED_ON: Tr = Tr::new("Reçu le", "Received on");
    pub const RECEIVED_BY: Tr = Tr::new("Reçu par", "Received by");
    pub const CURRENT_DECISION: Tr = Tr::new("Décision définitive :", "Final decision:");
    pub const THEN_PROMOTION: Tr = Tr::new(
        "une fois le désistement enregistré, Jury propose le premier de la liste complémentaire",
        "once the withdrawal is recorded, Jury proposes the first on the waiting list",
    );
    pub const NO_WITHDRAWAL_TO_REPLACE: Tr = Tr::new(
        "Aucun désistement en attente de promotion à cette étape (w : enregistrer un désistement).",
        "No withdrawal awaiting a promotion at this stage (w: record a withdrawal).",
    );
    pub const RANK: Tr = Tr::new("rang", "rank");
    pub const PROMOTION_AFTER: Tr = Tr::new(
        "Promotion après le désistement de",
        "Promotion after the withdrawal of",
    );
    pub const PROMOTED: Tr = Tr::new("Promu·e", "Promoted");
    pub const DECISION: Tr = Tr::new("Décision", "Decision");
    pub const REASONS: Tr = Tr::new("Motivation", "Reasons");
    pub const CONDITION: Tr = Tr::new("Réserve (condition)", "Condition");
    pub const WITHDREW_ON: Tr = Tr::new("s'est désisté·e le", "withdrew on");
    pub const JURY_PROPOSES: Tr = Tr::new(
        "Jury propose le premier de la liste complémentaire :",
        "Jury proposes the first on the waiting list:",
    );
    pub const OTHERS_MOVE_UP: Tr = Tr::new(
        "←/→ choisit un·e autre candidat·e ; les suivant·e·s de la liste remontent d'un rang",
        "←/→ picks another candidate; those after them on the list move up one rank",
    );
    pub const PROMOTED_IN_PLACE_OF: Tr =
        Tr::new("promu·e à la place de", "promoted in the place of");
}
