//! The committee screen and its forms: conflicts, overrides, consensus,
//! sessions, decisions, the call's outcome, undo.

use super::{Effect, scrolled};
use crate::app::action::Action;
use crate::app::form::{Form, Purpose, Value};
use crate::app::state::{GridTarget, Mode, Pane, Screen, State};
use jury_core::call::{Role, decision_id};
use jury_core::decision::{self, Draft, Extra, Facts};
use jury_core::fr::Tr;

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
    },
    CloseSession(i64),
    Decision {
        session: i64,
        draft: Draft,
        without_quorum: bool,
    },
    Outcome {
        session: i64,
        unsuccessful: bool,
        motivation: String,
    },
    AddMember {
        name: String,
        role: Role,
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
    Undo,
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
        s.refresh_view(None);
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
            let mut form = Form::new(
                Purpose::ImportPacket,
                lang.tr(text::IMPORT_REVIEW_PACKET),
                vec![Form::text(
                    "path",
                    lang.tr(text::PACKET_FILE),
                    s.env.letters_dir.display().to_string() + "/",
                )],
            );
            form.note = Some(lang.tr(text::MEMBER_S_PACKET_JURY).to_string());
            s.mode = Mode::Form(form);
        }
        Action::CloseSession => close_session_form(s),
        Action::Outcome => outcome_form(s),
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

/// The first disagreement between packets, for the chair to settle.
fn resolve_form(s: &mut State) {
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
        .criteria
        .iter()
        .find(|k| k.id == c.criterion)
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

fn role_options(lang: jury_core::fr::Lang) -> Vec<(String, String)> {
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

fn decision_form(s: &mut State, reference: &str) {
    let lang = s.env.lang;
    let kinds = decision::kinds(&s.batch.call, lang);
    let current = s.batch.committee.decisions.get(reference).cloned();
    let Some(i) = s.entry_index(reference) else {
        return;
    };
    let verdict = s.verdict(i);
    // A starting point only: ineligible → irrecevable; under the call's
    // quality threshold → non retenu; otherwise retenu.
    let below_threshold = match (
        s.batch.call.quality_threshold,
        s.batch
            .committee
            .aggregates
            .get(i)
            .and_then(|a| a.official(s.batch.committee.basis)),
    ) {
        (Some(q), Some(t)) => jury_core::aggregate::DossierAggregate::on_100(&s.batch.call, t) < q,
        _ => false,
    };
    let default_kind = match &current {
        Some(d) => d.kind.clone(),
        None if verdict == jury_core::eligibility::Verdict::Ineligible => {
            decision_id::IRRECEVABLE.into()
        }
        None if below_threshold => decision_id::NON_RETENU.into(),
        None => decision_id::RETENU.into(),
    };
    let selected = kinds.iter().position(|k| k.id == default_kind).unwrap_or(0);
    let options: Vec<(String, String)> = kinds
        .iter()
        .map(|k| (k.id.clone(), k.label.clone()))
        .collect();
    let needs_reasons = kinds.get(selected).is_some_and(|k| k.motivation_required);
    let motivation = match &current {
        Some(d) => d.motivation.clone(),
        None if needs_reasons => suggestion(s, i),
        None => String::new(),
    };
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
    let mut note = Vec::new();
    if let Some(r) = s.batch.committee.rank_of(reference).and_then(|r| r.rank) {
        note.push(format!("{} {r}", lang.tr(text::RANK)));
    }
    note.push(match verdict {
        jury_core::eligibility::Verdict::Eligible => lang.tr(text::ELIGIBLE).to_string(),
        jury_core::eligibility::Verdict::Unknown => lang.tr(text::ELIGIBILITY_CHECK).to_string(),
        jury_core::eligibility::Verdict::Ineligible => lang.tr(text::INELIGIBLE).to_string(),
    });
    if s.batch.committee.frozen(reference) {
        note.push(lang.tr(text::DECISION_FROZEN_CLOSED_SESSION).to_string());
    }
    form.note = Some(note.join(" · "));
    show_extra_fields(&mut form, &s.batch.call, lang);
    s.mode = Mode::Form(form);
}

/// The weakest criteria and unmet rules, as a starting point for reasons.
fn suggestion(s: &State, i: usize) -> String {
    let e = &s.batch.entries[i];
    let agg = s.batch.committee.aggregates.get(i);
    let criteria: Vec<(String, Option<f64>, f64)> = s
        .batch
        .call
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
    let unmet: Vec<String> = e
        .eligibility
        .checks
        .iter()
        .filter(|c| c.required && !matches!(c.outcome, jury_core::eligibility::Outcome::Met))
        .map(|c| c.label.clone())
        .collect();
    decision::suggest_motivation(&criteria, &unmet, s.batch.call.scale.max, s.env.lang)
}

fn show_extra_fields(form: &mut Form, call: &jury_core::call::Call, lang: jury_core::fr::Lang) {
    let kind = form
        .choice_of("kind")
        .and_then(|k| decision::kind(call, &k, lang))
        .map(|k| k.extra)
        .unwrap_or(Extra::None);
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

fn override_form(s: &mut State, reference: &str) {
    let lang = s.env.lang;
    let Some(i) = s.entry_index(reference) else {
        return;
    };
    let rules = &s.batch.entries[i].eligibility;
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

fn open_session_form(s: &mut State) {
    let lang = s.env.lang;
    if !s.may_decide() {
        refuse(s, text::ONLY_CHAIR_SECRETARY_OPEN);
        return;
    }
    if s.batch.committee.open_session().is_some() {
        refuse(s, text::SESSION_ALREADY_OPEN);
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
    let mut fields = vec![Form::text(
        "date",
        lang.tr(text::DATE_YYYY_MM_DD),
        date.format("%Y-%m-%d").to_string(),
    )];
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

fn close_session_form(s: &mut State) {
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
        format!("{} {}", lang.tr(text::CLOSE_SESSION), session.date),
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

fn outcome_form(s: &mut State) {
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
        lang.tr(text::OUTCOME_CALL),
        vec![
            Form::check(
                "unsuccessful",
                lang.tr(text::CALL_DECLARED_UNSUCCESSFUL),
                true,
            ),
            Form::text("motivation", lang.tr(text::REASONS), ""),
        ],
    );
    form.note = s.unsuccessful_warning();
    s.mode = Mode::Form(form);
}

pub(super) fn form(s: &mut State, mut form: Form, action: Action) -> Vec<Effect> {
    match action {
        Action::Cancel | Action::Close => {
            s.mode = Mode::Normal;
            return Vec::new();
        }
        Action::Insert(c) => form.insert(c),
        Action::DeleteBack => form.delete_back(),
        Action::NextField | Action::Down => form.move_focus(1),
        Action::PrevField | Action::Up => form.move_focus(-1),
        Action::NextOption | Action::PrevOption => {
            form.cycle(if action == Action::NextOption { 1 } else { -1 });
            if let Purpose::Decision { reference } = form.purpose.clone() {
                show_extra_fields(&mut form, &s.batch.call, s.env.lang);
                // Offer the weakest criteria and unmet rules when reasons become due.
                let due = form
                    .choice_of("kind")
                    .and_then(|k| decision::kind(&s.batch.call, &k, s.env.lang))
                    .is_some_and(|k| k.motivation_required);
                if due
                    && form.text_of("motivation").is_empty()
                    && let Some(i) = s.entry_index(&reference)
                    && let Some(crate::app::form::Field {
                        value: Value::Text(text),
                        ..
                    }) = form.get_mut("motivation")
                {
                    *text = suggestion(s, i);
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

fn checked_date(form: &Form, lang: jury_core::fr::Lang) -> Result<String, String> {
    let date = form.text_of("date");
    chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d")
        .map(|_| date)
        .map_err(|_| lang.tr(text::INVALID_DATE_YYYY_MM).to_string())
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
            let extra = decision::kind(&s.batch.call, &kind, lang).map(|k| k.extra);
            let draft = Draft {
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
                kind,
                motivation: form.text_of("motivation"),
            };
            let i = s.entry_index(reference).ok_or_else(|| "?".to_string())?;
            let session = s.batch.committee.open_session().cloned();
            let facts = Facts {
                session_open: session.is_some(),
                present: session.as_ref().map(|x| x.present.len()).unwrap_or(0),
                quorum: s.batch.call.quorum,
                may_decide: s.may_decide(),
                verdict: s.verdict(i),
                overridden: s.batch.committee.overrides.contains_key(reference),
                accepted_elsewhere: s.batch.committee.accepted_count(&s.batch.call, reference),
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
            Change::Decision {
                session: session.map(|x| x.id).unwrap_or(0),
                draft,
                without_quorum: ok.without_quorum,
            }
        }
        Purpose::OpenSession => {
            let date = form.text_of("date");
            if chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").is_err() {
                return Err(lang.tr(text::INVALID_DATE_YYYY_MM).into());
            }
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
            Change::OpenSession { date, present }
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
        Purpose::LetterSent {
            reference,
            decision_id,
        } => Change::LetterSent {
            reference: reference.clone(),
            decision_id: *decision_id,
            channel: form.choice_of("channel").unwrap_or_else(|| "email".into()),
            date: checked_date(form, lang)?,
        },
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
        Purpose::ImportPacket => {
            let path = form.text_of("path");
            if path.is_empty() || path.ends_with('/') {
                return Err(lang.tr(text::GIVE_PACKET_FILE).into());
            }
            return Ok(vec![Effect::ImportPacket(path.into())]);
        }
        Purpose::AddMember => {
            let name = form.text_of("name");
            if name.is_empty() {
                return Err(lang.tr(text::GIVE_NAME).into());
            }
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

/// This module's interface texts, in both languages.
mod text {
    use jury_core::fr::Tr;

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
    pub const DATE_YYYY_MM_DD: Tr = Tr::new("Date (AAAA-MM-JJ)", "Date (YYYY-MM-DD)");
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
    pub const CALL_DECLARED_UNSUCCESSFUL: Tr =
        Tr::new("Appel déclaré infructueux", "Call declared unsuccessful");
    pub const INVALID_DATE_YYYY_MM: Tr =
        Tr::new("Date invalide : AAAA-MM-JJ.", "Invalid date: YYYY-MM-DD.");
    pub const OVERRIDE_NEEDS_WRITTEN_JUSTIFICATION: Tr = Tr::new(
        "Une dérogation doit être justifiée par écrit.",
        "An override needs a written justification.",
    );
    pub const RANK_WHOLE_NUMBER: Tr = Tr::new(
        "Le rang est un nombre entier.",
        "The rank is a whole number.",
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
