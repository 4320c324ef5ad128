//! The committee's forms: what each one asks (decision, override, session,
//! outcome, member, packet, merge conflict) and what submitting it changes.

use super::{Change, chair_only, refuse, text};
use crate::app::action::Action;
use crate::app::form::{Form, Purpose, Value};
use crate::app::state::{Mode, State};
use crate::app::update::{Effect, scrolled};
use jury_core::call::{Role, decision_id};
use jury_core::committee::Candidacy;
use jury_core::decision::{self, Draft, Extra, Facts};

/// The first disagreement between packets, for the chair to settle.
pub(super) fn resolve_form(s: &mut State) {
    let lang = s.env.lang;
    if !chair_only(s) {
        return;
    }
    let Some(c) = s.batch.committee.data.merge_conflicts.first().cloned() else {
        s.set_status(lang.tr(text::NO_DISAGREEMENT_BETWEEN_PACKETS));
        return;
    };
    let show = |v: Option<f64>| v.map(|x| lang.score(x)).unwrap_or_else(|| "—".into());
    let label = s
        .batch
        .call
        .any_criterion(&c.criterion)
        .map(|k| k.label.clone())
        .unwrap_or(c.criterion.clone());
    let options = vec![
        (
            "keep".to_string(),
            format!("{} {}", lang.tr(text::KEEP), show(c.kept)),
        ),
        (
            "take".to_string(),
            format!("{} {}", lang.tr(text::TAKE_PACKET_S), show(c.incoming)),
        ),
    ];
    let mut form = Form::new(
        Purpose::ResolveMerge { id: c.id },
        format!("{} — {}", lang.tr(text::PACKETS_DISAGREE), c.reference),
        vec![Form::choice(
            "choice",
            lang.tr(text::SCORE_KEPT),
            options,
            0,
        )],
    );
    form.note = Some(format!(
        "{} · « {label} » · {} {} / {} {} ({} {})",
        c.member,
        lang.tr(text::STORED),
        show(c.kept),
        lang.tr(text::PACKET),
        show(c.incoming),
        lang.tr(text::SAME_TIME),
        c.updated_at
    ));
    s.mode = Mode::Form(form);
}

pub(in crate::app::update) fn role_options(lang: jury_core::fr::Lang) -> Vec<(String, String)> {
    [
        (Role::Chair, lang.tr(text::CHAIR)),
        (Role::Secretary, lang.tr(text::SECRETARY)),
        (Role::Member, lang.tr(text::MEMBER)),
        (Role::Rapporteur, lang.tr(text::RAPPORTEUR)),
    ]
    .iter()
    .map(|(role, label)| (role.id().to_string(), label.to_string()))
    .collect()
}

/// The active member declared a conflict of interest on `reference`: says
/// so and returns true (they may not decide it, override it or vote its
/// consensus grid; another chair or secretary member does).
pub(super) fn refused_in_conflict(s: &mut State, reference: &str) -> bool {
    let conflicted = s
        .reviewer
        .as_deref()
        .is_some_and(|me| s.batch.committee.in_conflict(reference, me));
    if conflicted {
        s.set_error(decision::DecisionError::InConflict.message(s.env.lang));
    }
    conflicted
}

pub(super) fn decision_form(s: &mut State, reference: &str) {
    let lang = s.env.lang;
    if refused_in_conflict(s, reference) {
        return;
    }
    let stage = s.batch.committee.stage;
    if let Some(f) = &s.batch.committee.finals
        && !f.convened.iter().any(|r| r == reference)
    {
        s.set_error(format!("{reference} {}", lang.tr(text::NOT_CONVENED)));
        return;
    }
    let kinds = decision::kinds_at(&s.batch.call, stage, lang);
    let current = s.batch.committee.decisions.get(reference).cloned();
    let Some(i) = s.entry_index(reference) else {
        return;
    };
    let absent =
        stage == jury_core::stage::Stage::Audition && s.batch.committee.data.absent(reference);
    let verdict = s.verdict(i);
    // A starting point only: ineligible → irrecevable; under the call's
    // quality threshold → non retenu; otherwise retenu.
    // After the auditions, the final score is the one the threshold reads.
    let total = match &s.batch.committee.finals {
        Some(f) => f.final_score.get(reference).copied(),
        None => s
            .batch
            .committee
            .aggregates
            .get(i)
            .and_then(|a| a.official(s.batch.committee.basis)),
    };
    let below_threshold = match (s.batch.call.quality_threshold, total) {
        (Some(q), Some(t)) => jury_core::aggregate::DossierAggregate::on_100(s.grid(), t) < q,
        _ => false,
    };
    // A call with auditions convenes at the first stage; a candidate who
    // did not come gets what the call says absence leads to.
    let convenes = s.batch.call.audition.is_some() && stage == jury_core::stage::Stage::Dossier;
    let absent_kind = s.batch.call.audition.as_ref().map(|a| a.absent.clone());
    // Those ranked past the call's (or the lot's) capacity start on the
    // waiting list; in a call with auditions, once the auditions ranked.
    let beyond_capacity = !convenes
        && s.batch.call.capacity.is_some_and(|c| {
            s.batch
                .committee
                .rank_of(reference)
                .and_then(|r| r.rank)
                .is_some_and(|r| r > c as usize)
        });
    let default_kind = match (&current, absent_kind) {
        (Some(d), _) => d.kind.clone(),
        (None, Some(k)) if absent => k,
        (None, _) if verdict == jury_core::eligibility::Verdict::Ineligible && !absent => {
            decision_id::IRRECEVABLE.into()
        }
        _ if below_threshold => decision_id::NON_RETENU.into(),
        _ if convenes => decision_id::CONVOQUE.into(),
        _ if beyond_capacity => decision_id::LISTE_COMPLEMENTAIRE.into(),
        _ => decision_id::RETENU.into(),
    };
    let selected = kinds.iter().position(|k| k.id == default_kind).unwrap_or(0);
    let options: Vec<(String, String)> = kinds
        .iter()
        .map(|k| (k.id.clone(), k.label.clone()))
        .collect();
    // The committee's own words only: suggestions are offered apart. An
    // absence is a fact the committee states.
    let motivation = current
        .as_ref()
        .map(|d| d.motivation.lines().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| {
            if absent {
                lang.tr(text::ABSENT_MOTIVATION).to_string()
            } else {
                String::new()
            }
        });
    let next_rank = s
        .batch
        .committee
        .decisions
        .values()
        .filter(|d| {
            d.reference != reference
                && kinds
                    .iter()
                    .any(|k| k.id == d.kind && k.extra == Extra::WaitlistRank)
        })
        .count()
        + 1;
    let mut form = Form::new(
        Purpose::Decision {
            reference: reference.to_string(),
        },
        format!("{} — {reference}", lang.tr(text::DECISION)),
        vec![
            Form::choice("kind", lang.tr(text::DECISION), options, selected),
            Form::text("motivation", lang.tr(text::REASONS), motivation),
            Form::text(
                "condition",
                lang.tr(text::CONDITION),
                current
                    .as_ref()
                    .map(|d| d.condition.clone())
                    .unwrap_or_default(),
            ),
            Form::text(
                "rank",
                lang.tr(text::RANK_WAITING_LIST),
                current
                    .as_ref()
                    .and_then(|d| d.waitlist_rank)
                    .unwrap_or(next_rank as u32)
                    .to_string(),
            ),
            Form::text(
                "documents",
                lang.tr(text::DOCUMENTS_REQUESTED),
                current
                    .as_ref()
                    .map(|d| d.documents.clone())
                    .unwrap_or_default(),
            ),
        ],
    );
    if let Some(budget) = &s.batch.call.budget {
        let raw = &s.batch.entries[i].dossier.full().raw;
        // The amount already granted when the decision is changed; else
        // what the dossier asks for, capped.
        let amount = current
            .as_ref()
            .and_then(|d| d.amount)
            .or_else(|| budget.offered(raw));
        let reason = current
            .as_ref()
            .map(|d| d.budget_override.clone())
            .unwrap_or_default();
        form.fields.extend(amount_fields(amount, reason, lang));
    }
    let facts = facts(s, reference, i);
    // Nobody scores a candidate who did not come: no confirmation to ask.
    if facts.needs_confirmation(&s.batch.call) && !absent {
        form.fields.push(Form::check(
            "confirm",
            lang.tr(text::DECIDE_DESPITE_FEW_REVIEWS),
            false,
        ));
    }
    let mut note = Vec::new();
    if let Some(r) = s.batch.committee.rank_of(reference) {
        match (r.rank, r.unranked) {
            (Some(n), _) => note.push(format!("{} {n}", lang.tr(text::RANK))),
            (None, Some(why)) => note.push(why.label(lang).to_string()),
            _ => {}
        }
    }
    note.push(decision::reviewed_by(
        lang,
        facts.reviews,
        Some(s.batch.committee.data.members.len()),
    ));
    note.push(match verdict {
        jury_core::eligibility::Verdict::Eligible => lang.tr(text::ELIGIBLE).to_string(),
        jury_core::eligibility::Verdict::Unknown => lang.tr(text::ELIGIBILITY_CHECK).to_string(),
        jury_core::eligibility::Verdict::Ineligible => lang.tr(text::INELIGIBLE).to_string(),
    });
    if let Some(budget) = &s.batch.call.budget {
        if let Some(asked) = budget.requested(&s.batch.entries[i].dossier.full().raw) {
            note.push(format!("{} {}", lang.tr(text::ASKS_FOR), lang.money(asked)));
        }
        if let Some(standing) = s.batch.committee.envelope(&s.batch.call) {
            note.push(standing.line(lang));
        }
    }
    if s.batch.committee.frozen(reference) {
        note.push(lang.tr(text::DECISION_FROZEN_CLOSED_SESSION).to_string());
    }
    note.push(lang.tr(text::SPACE_TAKES_SUGGESTED_REASON).to_string());
    form.note = Some(note.join(" · "));
    show_extra_fields(&mut form, &s.batch.call, lang);
    offer_suggestions(s, &mut form, i);
    s.mode = Mode::Form(form);
}

/// What a decision is checked against, as the state knows it; `confirmed`
/// is false (the form's box sets it).
pub(super) fn facts(s: &State, reference: &str, i: usize) -> Facts {
    let session = s.batch.committee.open_session();
    Facts {
        session_open: session.is_some(),
        present: session.map(|x| x.present.len()).unwrap_or(0),
        quorum: s.batch.call.quorum,
        may_decide: s.may_decide(),
        verdict: s.verdict(i),
        overridden: s.batch.committee.overrides.contains_key(reference),
        accepted_elsewhere: s.batch.committee.accepted_count(&s.batch.call, reference),
        convened_elsewhere: s
            .batch
            .committee
            .decisions
            .values()
            .filter(|d| d.reference != reference && d.kind == decision_id::CONVOQUE)
            .count(),
        in_conflict: s
            .reviewer
            .as_deref()
            .is_some_and(|me| s.batch.committee.in_conflict(reference, me)),
        // An audition without a grid decides on the dossier stage's scores.
        reviews: match &s.batch.committee.finals {
            Some(f) if s.grid().criteria.is_empty() => {
                f.dossier_reviews.get(reference).copied().unwrap_or(0)
            }
            _ => s.batch.committee.reviewers(i),
        },
        confirmed: false,
        allocated_elsewhere: jury_core::budget::allocated(
            &s.batch.call,
            s.batch.committee.decisions.values(),
            reference,
        ),
        is_chair: s.is_chair(),
    }
}

/// The envelope's two fields of a form that grants an amount: the amount
/// (offered as typed) and the chair's reason for going past the envelope.
pub(super) fn amount_fields(
    amount: Option<f64>,
    reason: String,
    lang: jury_core::fr::Lang,
) -> [crate::app::form::Field; 2] {
    [
        Form::text(
            "amount",
            lang.tr(text::AMOUNT_GRANTED),
            amount.map(|a| typed_amount(a, lang)).unwrap_or_default(),
        ),
        Form::text("budget_override", lang.tr(text::ENVELOPE_OVERRIDE), reason),
    ]
}

/// The amount typed in a form, for a decision that `accepts`; none when
/// left empty; a French message when it does not read as an amount.
pub(super) fn amount_of(
    form: &Form,
    accepts: bool,
    lang: jury_core::fr::Lang,
) -> Result<Option<f64>, String> {
    match form.text_of("amount") {
        typed if typed.is_empty() || !accepts => Ok(None),
        typed => jury_core::budget::parse_amount(&typed)
            .map(Some)
            .map_err(|e| e.message(lang)),
    }
}

/// An amount as the form offers it for editing: `1000`, `850,50` (no
/// thousands separator, which English would write with a comma).
fn typed_amount(eur: f64, lang: jury_core::fr::Lang) -> String {
    if (eur * 100.0).round() % 100.0 == 0.0 {
        format!("{eur:.0}")
    } else {
        format!("{eur:.2}").replace('.', lang.t(",", "."))
    }
}

/// Replaces the suggested reasons by those for the decision kind chosen:
/// one box per reason, unticked, placed after the motivation field.
fn offer_suggestions(s: &State, form: &mut Form, i: usize) {
    let kind = form.choice_of("kind").unwrap_or_default();
    let focused_id = form.fields.get(form.focus).map(|f| f.id);
    form.fields.retain(|f| f.id != "suggestion");
    let at = form
        .fields
        .iter()
        .position(|f| f.id == "motivation")
        .map(|p| p + 1)
        .unwrap_or(form.fields.len());
    let offered: Vec<crate::app::form::Field> = suggestion(s, i, &kind)
        .into_iter()
        .map(|line| Form::check("suggestion", line, false))
        .collect();
    form.fields.splice(at..at, offered);
    if let Some(id) = focused_id
        && let Some(p) = form.fields.iter().position(|f| f.id == id)
    {
        form.focus = p;
    } else {
        form.focus = 0;
    }
}

/// The reasons offered for a decision of kind `kind` (see
/// [`decision::suggestions`]).
fn suggestion(s: &State, i: usize, kind: &str) -> Vec<String> {
    let e = &s.batch.entries[i];
    let agg = s.batch.committee.aggregates.get(i);
    let criteria: Vec<(String, Option<f64>, f64)> = s
        .grid()
        .criteria
        .iter()
        .enumerate()
        .map(|(k, c)| {
            (
                c.label.clone(),
                agg.and_then(|a| a.criterion_official(k, s.batch.committee.basis)),
                c.weight,
            )
        })
        .collect();
    let unmet: Vec<decision::Unmet> = e
        .report(&s.batch.call, s.env.lang)
        .checks
        .iter()
        .filter(|c| c.required && !matches!(c.outcome, jury_core::eligibility::Outcome::Met))
        .map(|c| decision::Unmet {
            label: c.label.clone(),
            established: matches!(c.outcome, jury_core::eligibility::Outcome::NotMet(_)),
        })
        .collect();
    decision::suggestions(kind, &criteria, &unmet, s.grid().scale.max, s.env.lang)
}

pub(super) fn show_extra_fields(
    form: &mut Form,
    call: &jury_core::call::Call,
    lang: jury_core::fr::Lang,
) {
    let chosen = form
        .choice_of("kind")
        .and_then(|k| decision::kind(call, &k, lang));
    // Only a decision that accepts grants an amount.
    let accepts = chosen.as_ref().is_some_and(|k| k.accepted);
    for id in ["amount", "budget_override"] {
        if let Some(f) = form.get_mut(id) {
            f.hidden = !accepts;
        }
    }
    let kind = chosen.map(|k| k.extra).unwrap_or(Extra::None);
    for (id, extra) in [
        ("condition", Extra::Condition),
        ("rank", Extra::WaitlistRank),
        ("documents", Extra::Documents),
    ] {
        if let Some(f) = form.get_mut(id) {
            f.hidden = kind != extra;
        }
    }
}

pub(super) fn override_form(s: &mut State, reference: &str) {
    let lang = s.env.lang;
    let Some(i) = s.entry_index(reference) else {
        return;
    };
    let rules = s.batch.entries[i].report(&s.batch.call, lang);
    let mut options = vec![
        (
            "eligible".to_string(),
            lang.tr(text::DECLARE_ELIGIBLE).to_string(),
        ),
        (
            "ineligible".to_string(),
            lang.tr(text::DECLARE_INELIGIBLE).to_string(),
        ),
    ];
    let existing = s.batch.committee.overrides.get(reference).cloned();
    if existing.is_some() {
        options.push(("remove".into(), lang.tr(text::REMOVE_OVERRIDE).into()));
    }
    let selected = match rules.verdict {
        jury_core::eligibility::Verdict::Eligible => 1,
        _ => 0,
    };
    let mut form = Form::new(
        Purpose::Override {
            reference: reference.to_string(),
        },
        format!("{} — {reference}", lang.tr(text::ELIGIBILITY_OVERRIDE)),
        vec![
            Form::choice("verdict", lang.tr(text::CHAIR_S_RULING), options, selected),
            Form::text(
                "justification",
                lang.tr(text::WRITTEN_JUSTIFICATION),
                existing.map(|o| o.justification).unwrap_or_default(),
            ),
        ],
    );
    let reasons: Vec<String> = rules
        .checks
        .iter()
        .filter_map(|c| match &c.outcome {
            jury_core::eligibility::Outcome::NotMet(r)
            | jury_core::eligibility::Outcome::Unknown(r)
                if c.required =>
            {
                Some(format!("{} ({r})", c.label))
            }
            _ => None,
        })
        .collect();
    form.note = Some(if reasons.is_empty() {
        lang.tr(text::RULES_FIND_DOSSIER_ELIGIBLE).to_string()
    } else {
        format!("{} {}", lang.tr(text::RULES), reasons.join(" ; "))
    });
    s.mode = Mode::Form(form);
}

pub(super) fn open_session_form(s: &mut State) {
    let lang = s.env.lang;
    if !s.may_decide() {
        refuse(s, text::ONLY_CHAIR_SECRETARY_OPEN);
        return;
    }
    if s.batch.committee.open_session().is_some() {
        refuse(s, text::SESSION_ALREADY_OPEN);
        return;
    }
    // The committee sits one session at a time: one open for another lot
    // is named, with the way there.
    if let Some(label) = s
        .batch
        .records
        .sessions
        .iter()
        .find(|x| x.is_open())
        .and_then(|x| x.lot.as_deref())
        .and_then(|id| s.batch.whole.lot(id))
        .map(|l| l.label.clone())
    {
        let key = s
            .env
            .keymap
            .first_key(&s.contexts(), crate::app::action::Action::SwitchLot)
            .map(|k| k.label(lang))
            .unwrap_or_default();
        s.set_error(format!(
            "{} « {label} » {} ({key}).",
            lang.tr(text::SESSION_OPEN_IN_LOT),
            lang.tr(text::CLOSE_IT_THERE)
        ));
        return;
    }
    let today = s.env.today;
    let date = s
        .batch
        .call
        .sessions
        .iter()
        .find(|d| **d >= today)
        .copied()
        .unwrap_or(today);
    let mut fields = vec![Form::date("date", lang.tr(text::MEETING_DATE), date, lang)];
    for (name, _) in &s.batch.committee.data.members {
        fields.push(Form::check("present", name.clone(), true));
    }
    let mut form = Form::new(Purpose::OpenSession, lang.tr(text::OPEN_SESSION), fields);
    form.note = Some(format!(
        "{} {} · {}",
        lang.tr(text::QUORUM),
        s.batch
            .call
            .quorum
            .map(|q| q.to_string())
            .unwrap_or_else(|| "—".into()),
        lang.tr(text::SPACE_TICKS_UNTICKS_MEMBER)
    ));
    s.mode = Mode::Form(form);
}

pub(super) fn close_session_form(s: &mut State) {
    let lang = s.env.lang;
    if !chair_only(s) {
        return;
    }
    let Some(session) = s.batch.committee.open_session().cloned() else {
        refuse(s, text::NO_OPEN_SESSION);
        return;
    };
    let decided = s
        .batch
        .committee
        .decisions
        .values()
        .filter(|d| d.session_id == session.id)
        .count();
    let mut form = Form::new(
        Purpose::CloseSession { id: session.id },
        format!(
            "{} {}",
            lang.tr(text::CLOSE_SESSION),
            jury_core::compose::session_day(&session)
                .map(|d| lang.date(d))
                .unwrap_or_else(|_| session.date.clone())
        ),
        vec![Form::check(
            "confirm",
            lang.tr(text::I_CONFIRM_DECISIONS_WILL),
            false,
        )],
    );
    form.note = Some(format!(
        "{decided} {}",
        lang.tr(text::DECISION_S_TAKEN_SESSION)
    ));
    s.mode = Mode::Form(form);
}

pub(super) fn outcome_form(s: &mut State) {
    let lang = s.env.lang;
    if !chair_only(s) {
        return;
    }
    let Some(session) = s.batch.committee.open_session().cloned() else {
        refuse(s, text::OPEN_SESSION_FIRST);
        return;
    };
    let mut form = Form::new(
        Purpose::Outcome {
            session: session.id,
        },
        match s.lot() {
            Some(l) => format!("{} — {}", lang.tr(text::OUTCOME_LOT), l.label),
            None => lang.tr(text::OUTCOME_CALL).to_string(),
        },
        vec![
            Form::check(
                "unsuccessful",
                lang.tr(match s.lot() {
                    Some(_) => text::LOT_DECLARED_UNSUCCESSFUL,
                    None => text::CALL_DECLARED_UNSUCCESSFUL,
                }),
                true,
            ),
            Form::text("motivation", lang.tr(text::REASONS), ""),
        ],
    );
    form.note = s.unsuccessful_warning();
    s.mode = Mode::Form(form);
}

pub(in crate::app::update) fn form(s: &mut State, mut form: Form, action: Action) -> Vec<Effect> {
    match action {
        Action::Cancel | Action::Close => {
            s.mode = Mode::Normal;
            return Vec::new();
        }
        Action::Insert(c) => {
            if c != ' ' {
                edit_suggestion(&mut form, s.env.lang);
            }
            if !form.insert(c) {
                form.error = Some(s.env.lang.tr(text::CHOOSE_WITH_ARROWS).into());
            }
            narrow_packets(&mut form);
        }
        Action::DeleteBack => {
            edit_suggestion(&mut form, s.env.lang);
            form.delete_back();
            narrow_packets(&mut form);
        }
        Action::NextField | Action::Down => form.move_focus(1),
        Action::PrevField | Action::Up => form.move_focus(-1),
        Action::NextOption | Action::PrevOption => {
            form.cycle(if action == Action::NextOption { 1 } else { -1 });
            let on_kind = form.fields.get(form.focus).is_some_and(|f| f.id == "kind");
            if on_kind && matches!(form.purpose, Purpose::Promotion { .. }) {
                show_extra_fields(&mut form, &s.batch.call, s.env.lang);
            }
            if let Purpose::Decision { reference } = form.purpose.clone()
                && on_kind
            {
                show_extra_fields(&mut form, &s.batch.call, s.env.lang);
                // Another kind, other reasons: the offer starts afresh.
                if let Some(i) = s.entry_index(&reference) {
                    offer_suggestions(s, &mut form, i);
                }
            }
        }
        Action::Confirm => match submit(s, &form) {
            Ok(effects) => {
                s.mode = Mode::Normal;
                return effects;
            }
            Err(why) => form.error = Some(why),
        },
        _ => {}
    }
    let _ = scrolled;
    s.mode = Mode::Form(form);
    Vec::new()
}

/// Typing on a suggested reason (other than Space, which takes it as is)
/// makes it a line of its own to edit, taken unless emptied.
fn edit_suggestion(form: &mut Form, lang: jury_core::fr::Lang) {
    if let Some(f) = form.focused()
        && f.id == "suggestion"
        && matches!(f.value, Value::Check(_))
    {
        f.value = Value::Text(f.label.clone());
        f.label = lang.tr(text::SUGGESTED_REASON_EDITED).to_string();
    }
}

/// The packet chooser: the files found whose name or folder holds what is
/// typed (accents and case aside), newest first.
fn narrow_packets(form: &mut Form) {
    let Purpose::ImportPacket { candidates } = &form.purpose else {
        return;
    };
    let typed = jury_core::search::fold(&form.text_of("path")).text;
    let options: Vec<(String, String)> = candidates
        .iter()
        .filter(|(path, _)| {
            typed.contains('/') || jury_core::search::fold(path).text.contains(&typed)
        })
        .cloned()
        .collect();
    if let Some(field) = form.fields.iter_mut().find(|f| f.id == "file") {
        field.value = Value::Choice {
            options,
            selected: 0,
        };
    }
}

/// The packet chooser, once the runtime has listed the files found.
pub(in crate::app::update) fn packet_form(s: &mut State, found: Vec<(String, String)>) {
    let lang = s.env.lang;
    let mut fields = Vec::new();
    if !found.is_empty() {
        fields.push(Form::choice(
            "file",
            lang.tr(text::PACKETS_FOUND),
            found.clone(),
            0,
        ));
    }
    fields.push(Form::text(
        "path",
        lang.tr(if found.is_empty() {
            text::PACKET_FILE
        } else {
            text::NARROW_OR_PATH
        }),
        if found.is_empty() {
            s.env.letters_dir.display().to_string() + "/"
        } else {
            String::new()
        },
    ));
    let mut form = Form::new(
        Purpose::ImportPacket { candidates: found },
        lang.tr(text::IMPORT_REVIEW_PACKET),
        fields,
    );
    form.note = Some(lang.tr(text::MEMBER_S_PACKET_JURY).to_string());
    s.mode = Mode::Form(form);
}

/// The reasons as recorded: what was typed, then each suggestion taken
/// (ticked, or edited and not emptied), one per line (never glued together).
fn motivation_of(form: &Form) -> String {
    let typed = form.text_of("motivation");
    let taken = form.fields.iter().filter_map(|f| match &f.value {
        Value::Check(true) if f.id == "suggestion" => Some(f.label.clone()),
        Value::Text(t) if f.id == "suggestion" => Some(t.trim().to_string()),
        _ => None,
    });
    std::iter::once(typed)
        .chain(taken)
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The form's date, in any form a person writes it, as stored: ISO.
pub(super) fn checked_date(form: &Form, lang: jury_core::fr::Lang) -> Result<String, String> {
    form.date_of("date")
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|e| e.message(lang))
}

fn submit(s: &mut State, form: &Form) -> Result<Vec<Effect>, String> {
    let lang = s.env.lang;
    let me = s.reviewer.clone().unwrap_or_default();
    let change = match &form.purpose {
        Purpose::Conflict { reference } => Change::Conflict {
            reference: reference.clone(),
            member: me,
            declared: true,
            reason: form.text_of("reason"),
        },
        Purpose::Override { reference } => {
            let verdict = form.choice_of("verdict").unwrap_or_default();
            let justification = form.text_of("justification");
            if verdict != "remove" && justification.is_empty() {
                return Err(lang.tr(text::OVERRIDE_NEEDS_WRITTEN_JUSTIFICATION).into());
            }
            Change::Override {
                reference: reference.clone(),
                verdict: (verdict != "remove").then(|| (verdict == "eligible", justification)),
            }
        }
        Purpose::Decision { reference } => {
            let rank = form.text_of("rank");
            let kind = form.choice_of("kind").unwrap_or_default();
            let chosen = decision::kind(&s.batch.call, &kind, lang);
            let extra = chosen.as_ref().map(|k| k.extra);
            let accepts = s.batch.call.budget.is_some() && chosen.is_some_and(|k| k.accepted);
            let mut draft = Draft {
                reference: reference.clone(),
                waitlist_rank: if extra == Some(Extra::WaitlistRank) {
                    Some(
                        rank.parse::<u32>()
                            .map_err(|_| lang.tr(text::RANK_WHOLE_NUMBER).to_string())?,
                    )
                } else {
                    None
                },
                condition: if extra == Some(Extra::Condition) {
                    form.text_of("condition")
                } else {
                    String::new()
                },
                documents: if extra == Some(Extra::Documents) {
                    form.text_of("documents")
                } else {
                    String::new()
                },
                amount: amount_of(form, accepts, lang)?,
                budget_override: if accepts {
                    form.text_of("budget_override")
                } else {
                    String::new()
                },
                kind,
                motivation: motivation_of(form),
            };
            let i = s.entry_index(reference).ok_or_else(|| "?".to_string())?;
            let session = s.batch.committee.open_session().cloned();
            let absent =
                s.batch.committee.finals.is_some() && s.batch.committee.data.absent(reference);
            let facts = Facts {
                confirmed: absent
                    || matches!(
                        form.get("confirm").map(|f| &f.value),
                        Some(Value::Check(true))
                    ),
                ..facts(s, reference, i)
            };
            let ok = decision::check(&s.batch.call, &draft, &facts, lang)
                .map_err(|e| e.message(lang))?;
            let label = decision::kind(&s.batch.call, &draft.kind, lang)
                .map(|k| k.label)
                .unwrap_or_default();
            let mut msg = format!("{} {reference} : {label}", lang.tr(text::DECISION_RECORDED));
            for w in &ok.warnings {
                msg.push_str(&format!(" ⚠ {w}"));
            }
            if ok.warnings.is_empty() {
                s.set_status(msg);
            } else {
                s.set_error(msg);
            }
            // An override is kept only with the decision that needs it.
            if !ok.over_envelope {
                draft.budget_override.clear();
            }
            Change::Decision {
                session: session.map(|x| x.id).unwrap_or(0),
                draft,
                without_quorum: ok.without_quorum,
                // Unscored because absent is no confirmation to flag.
                guarded: ok.guarded && !absent,
            }
        }
        Purpose::Withdrawal { reference } => {
            super::withdrawal::submit_withdrawal(s, form, reference)?
        }
        Purpose::Promotion { withdrawn, session } => {
            super::withdrawal::submit_promotion(s, form, withdrawn, *session)?
        }
        Purpose::OpenSession => {
            let date = checked_date(form, lang)?;
            let present: Vec<String> = form
                .checks()
                .into_iter()
                .filter(|(_, on)| *on)
                .map(|(n, _)| n.to_string())
                .collect();
            if let Some(q) = s.batch.call.quorum
                && (present.len() as u32) < q
            {
                s.set_error(format!(
                    "{} {}/{q} : {}",
                    lang.tr(text::NO_QUORUM),
                    present.len(),
                    if s.batch.call.allow_without_quorum {
                        lang.tr(text::DECISIONS_WILL_MARKED_WITHOUT)
                    } else {
                        lang.tr(text::NO_DECISION_CAN_TAKEN)
                    }
                ));
            }
            Change::OpenSession {
                date,
                present,
                scope: jury_core::lot::Scope {
                    stage: s.batch.committee.stage,
                    lot: s.batch.committee.lot.clone(),
                },
            }
        }
        Purpose::CloseSession { id } => {
            if !matches!(
                form.get("confirm").map(|f| &f.value),
                Some(Value::Check(true))
            ) {
                return Err(lang.tr(text::TICK_CONFIRMATION_SPACE_CLOSE).into());
            }
            Change::CloseSession(*id)
        }
        Purpose::Validation => super::validation::submit(s, form)?,
        Purpose::Outcome { session } => {
            let motivation = form.text_of("motivation");
            if motivation.is_empty() {
                return Err(lang.tr(text::REASONS_ARE_REQUIRED).into());
            }
            Change::Outcome {
                session: *session,
                unsuccessful: matches!(
                    form.get("unsuccessful").map(|f| &f.value),
                    Some(Value::Check(true))
                ),
                motivation,
            }
        }
        Purpose::Letters { only } => {
            let on = form.date_of("date").map_err(|e| e.message(lang))?;
            // One letter asked for alone gets the date its form shows.
            let redate = only.is_some();
            crate::app::update::letters::check_signature(s, only.as_deref(), on, redate)
                .map_err(|e| e.message(lang))?;
            return Ok(vec![Effect::Letters {
                only: only.clone(),
                on,
                redate,
            }]);
        }
        Purpose::LetterSent {
            reference,
            decision_id,
        } => {
            let sent = form.date_of("date").map_err(|e| e.message(lang))?;
            let signed = s
                .batch
                .letters
                .iter()
                .find(|l| &l.reference == reference && l.decision_id == *decision_id)
                .and_then(|l| l.signed_on.as_deref())
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            jury_core::dates::check_sent(sent, signed).map_err(|e| e.message(lang))?;
            Change::LetterSent {
                reference: reference.clone(),
                decision_id: *decision_id,
                channel: form.choice_of("channel").unwrap_or_else(|| "email".into()),
                date: sent.format("%Y-%m-%d").to_string(),
            }
        }
        Purpose::LetterAcknowledged {
            reference,
            decision_id,
        } => Change::LetterAcknowledged {
            reference: reference.clone(),
            decision_id: *decision_id,
            date: checked_date(form, lang)?,
        },
        Purpose::ResolveMerge { id } => Change::ResolveMerge {
            id: *id,
            take_incoming: form.choice_of("choice").as_deref() == Some("take"),
        },
        Purpose::RequestPieces { reference } => {
            return crate::app::update::edit::request(s, form, reference);
        }
        Purpose::EditDossier {
            reference,
            pointers,
        } => return crate::app::update::edit::submit(s, form, reference, pointers),
        Purpose::ImportPacket { .. } => {
            // A path typed whole wins; otherwise what is typed only narrows
            // the files found, and the one chosen is taken.
            let typed = form.text_of("path");
            let path = if typed.contains('/') {
                typed
            } else {
                form.choice_of("file").unwrap_or_default()
            };
            if path.is_empty() || path.ends_with('/') {
                return Err(lang.tr(text::GIVE_PACKET_FILE).into());
            }
            return Ok(vec![Effect::ImportPacket(path.into())]);
        }
        // Submitted by update::members and update::assignment, which own them.
        Purpose::SetUpCommittee | Purpose::ProposeAssignment => return Ok(Vec::new()),
        Purpose::Schedule(what) => return super::super::timetable::submit(s, form, what),
        Purpose::AddMember => {
            let name = form.text_of("name");
            if name.is_empty() {
                return Err(lang.tr(text::GIVE_NAME).into());
            }
            // Normalised, and never a second entry for someone already a member.
            let members = s.batch.committee.data.members.iter().map(|m| m.0.as_str());
            let name = crate::app::update::members::new_name(&name, members, lang)?;
            Change::AddMember {
                name,
                role: form
                    .choice_of("role")
                    .and_then(|r| Role::parse(&r))
                    .unwrap_or(Role::Member),
            }
        }
    };
    Ok(vec![Effect::Committee(change)])
}
