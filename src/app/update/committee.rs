//! The committee screen and its forms: conflicts, overrides, consensus,
//! sessions, decisions, the call's outcome, undo.

use super::{Effect, scrolled};
use crate::app::action::Action;
use crate::app::form::{Form, Purpose, Value};
use crate::app::state::{GridTarget, Mode, Pane, Screen, State};
use jury_core::decision::{self, Draft, Extra, Facts};

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
        role: String,
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
    s.grid_target = GridTarget::Own;
    // Open the committee view on the dossier being read.
    if let Some(i) = s.current_index()
        && let Some(at) = s.committee_view.iter().position(|x| *x == i)
    {
        s.committee_selected = at;
    }
}

fn to_dossiers(s: &mut State) {
    s.screen = Screen::Dossiers;
    s.grid_target = GridTarget::Own;
    if let Some(i) = s.committee_current() {
        select_entry(s, i);
    }
}

/// Selects an entry in the dossier list, clearing a search or filter hiding it.
fn select_entry(s: &mut State, i: usize) {
    if !s.view.contains(&i) {
        s.filter.clear();
        s.list_filter = crate::app::state::ListFilter::All;
        s.refresh_view(None);
    }
    if let Some(at) = s.view.iter().position(|x| *x == i) {
        s.selected = at;
        s.dossier_scroll = 0;
        s.criterion = 0;
    }
}

fn refuse(s: &mut State, fr: &str, en: &str) -> Vec<Effect> {
    s.set_error(s.lang.t(fr, en));
    Vec::new()
}

fn chair_only(s: &mut State) -> bool {
    let chair = s.is_chair();
    super::permitted(
        s,
        chair,
        "Réservé à la présidence du comité (--as avec le nom de la présidente ou du président).",
        "Reserved to the committee's chair (--as with the chair's name).",
    )
}

pub(super) fn normal(s: &mut State, action: Action) -> Vec<Effect> {
    let lang = s.lang;
    let current = s.committee_current();
    let reference = current.map(|i| s.entries[i].dossier.reference.clone());
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
            s.committee_selected =
                super::moved(s.committee_selected, s.committee_view.len(), s.page, action)
        }
        Action::NextDossier => {
            s.committee_selected =
                (s.committee_selected + 1).min(s.committee_view.len().saturating_sub(1))
        }
        Action::PrevDossier => s.committee_selected = s.committee_selected.saturating_sub(1),
        Action::ToggleBasis => {
            s.committee.basis = match s.committee.basis {
                jury_core::aggregate::Basis::Mean => jury_core::aggregate::Basis::Median,
                jury_core::aggregate::Basis::Median => jury_core::aggregate::Basis::Mean,
            };
            s.recompute();
            let which = match s.committee.basis {
                jury_core::aggregate::Basis::Mean => lang.t("moyennes", "means"),
                jury_core::aggregate::Basis::Median => lang.t("médianes", "medians"),
            };
            s.set_status(format!(
                "{} {which}",
                lang.t("Totaux calculés sur les", "Totals from the")
            ));
        }
        Action::ToggleNormalised => {
            s.normalised = !s.normalised;
            s.refresh_committee_view();
            s.set_status(if s.normalised {
                lang.t(
                    "Classement normalisé : chaque membre ramené à sa propre moyenne et à son écart-type.",
                    "Normalised ranking: each member measured against their own mean and deviation.",
                )
            } else {
                lang.t("Classement brut.", "Raw ranking.")
            });
        }
        Action::ToggleAgenda => {
            s.agenda = !s.agenda;
            s.refresh_committee_view();
            s.set_status(if s.agenda {
                lang.t(
                    "Ordre du jour : dossiers contestés, puis ceux proches du seuil de capacité.",
                    "Agenda: contested dossiers, then those near the capacity cut-off.",
                )
            } else {
                lang.t("Tous les dossiers.", "All dossiers.")
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
                s.grid_target = GridTarget::Consensus;
                s.focus = Pane::Grid;
                s.set_status(lang.t(
                    "Grille de consensus : ces notes deviennent la note officielle du dossier. v : revenir au comité.",
                    "Consensus grid: these scores become the dossier's official score. v: back to the committee.",
                ));
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
                lang.t("Importer un paquet de notes", "Import a review packet"),
                vec![Form::text(
                    "path",
                    lang.t("Fichier du paquet", "Packet file"),
                    s.letters_dir.display().to_string() + "/",
                )],
            );
            form.note = Some(
                lang.t(
                    "Le paquet d'un membre (jury packet export) : ses notes plus récentes remplacent les anciennes ; les désaccords sont signalés, jamais tranchés.",
                    "A member's packet (jury packet export): newer scores replace older ones; disagreements are reported, never decided.",
                )
                .to_string(),
            );
            s.mode = Mode::Form(form);
        }
        Action::CloseSession => close_session_form(s),
        Action::Outcome => outcome_form(s),
        Action::AddMember => {
            if !s.may_decide() {
                return refuse(
                    s,
                    "Seuls la présidence et le secrétariat ajoutent des membres.",
                    "Only the chair and the secretary add members.",
                );
            }
            let roles = role_options(lang);
            s.mode = Mode::Form(Form::new(
                Purpose::AddMember,
                lang.t("Ajouter un membre du comité", "Add a committee member"),
                vec![
                    Form::text("name", lang.t("Nom", "Name"), ""),
                    Form::choice("role", lang.t("Rôle", "Role"), roles, 2),
                ],
            ));
        }
        _ => {}
    }
    Vec::new()
}

/// The first disagreement between packets, for the chair to settle.
fn resolve_form(s: &mut State) {
    let lang = s.lang;
    if !chair_only(s) {
        return;
    }
    let Some(c) = s.committee.data.merge_conflicts.first().cloned() else {
        s.set_status(lang.t(
            "Aucun désaccord entre paquets.",
            "No disagreement between packets.",
        ));
        return;
    };
    let show = |v: Option<f64>| v.map(|x| lang.score(x)).unwrap_or_else(|| "—".into());
    let label = s
        .call
        .criteria
        .iter()
        .find(|k| k.id == c.criterion)
        .map(|k| k.label.clone())
        .unwrap_or(c.criterion.clone());
    let options = vec![
        (
            "keep".to_string(),
            format!("{} {}", lang.t("Garder", "Keep"), show(c.kept)),
        ),
        (
            "take".to_string(),
            format!(
                "{} {}",
                lang.t("Prendre celle du paquet :", "Take the packet's:"),
                show(c.incoming)
            ),
        ),
    ];
    let mut form = Form::new(
        Purpose::ResolveMerge { id: c.id },
        format!(
            "{} — {}",
            lang.t("Désaccord entre paquets", "Packets disagree"),
            c.reference
        ),
        vec![Form::choice(
            "choice",
            lang.t("Note retenue", "Score kept"),
            options,
            0,
        )],
    );
    form.note = Some(format!(
        "{} · « {label} » · {} {} / {} {} ({} {})",
        c.member,
        lang.t("enregistrée", "stored"),
        show(c.kept),
        lang.t("paquet", "packet"),
        show(c.incoming),
        lang.t("même heure :", "same time:"),
        c.updated_at
    ));
    s.mode = Mode::Form(form);
}

fn role_options(lang: jury_core::fr::Lang) -> Vec<(String, String)> {
    [
        ("chair", lang.t("Présidence", "Chair")),
        ("secretary", lang.t("Secrétariat", "Secretary")),
        ("member", lang.t("Membre", "Member")),
        ("rapporteur", lang.t("Rapporteur", "Rapporteur")),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect()
}

/// Declares a conflict for the active member (a form for the reason), or
/// withdraws it at once.
pub(super) fn conflict(s: &mut State, reference: &str) -> Vec<Effect> {
    let Some(me) = s.reviewer.clone() else {
        return refuse(
            s,
            "Indiquez d'abord qui vous êtes (--as).",
            "Say who you are first (--as).",
        );
    };
    if s.committee.in_conflict(reference, &me) {
        s.set_status(format!(
            "{} {reference}",
            s.lang.t(
                "Conflit d'intérêts retiré pour",
                "Conflict of interest withdrawn for"
            )
        ));
        return vec![Effect::Committee(Change::Conflict {
            reference: reference.to_string(),
            member: me,
            declared: false,
            reason: String::new(),
        })];
    }
    let lang = s.lang;
    let mut form = Form::new(
        Purpose::Conflict {
            reference: reference.to_string(),
        },
        format!(
            "{} — {reference}",
            lang.t("Conflit d'intérêts", "Conflict of interest")
        ),
        vec![Form::text(
            "reason",
            lang.t("Motif (facultatif)", "Reason (optional)"),
            "",
        )],
    );
    form.note = Some(
        lang.t(
            "Vous ne pourrez plus noter ce dossier et vos notes existantes sont écartées de tous les calculs.",
            "You will not be able to score this dossier; your existing scores are left out of every figure.",
        )
        .to_string(),
    );
    s.mode = Mode::Form(form);
    Vec::new()
}

fn decision_form(s: &mut State, reference: &str) {
    let lang = s.lang;
    let kinds = decision::kinds(&s.call, lang);
    let current = s.committee.decisions.get(reference).cloned();
    let Some(i) = s.entry_index(reference) else {
        return;
    };
    let verdict = s.verdict(i);
    // A starting point only: ineligible → irrecevable; under the call's
    // quality threshold → non retenu; otherwise retenu.
    let below_threshold = match (
        s.call.quality_threshold,
        s.committee
            .aggregates
            .get(i)
            .and_then(|a| a.official(s.committee.basis)),
    ) {
        (Some(q), Some(t)) => jury_core::aggregate::DossierAggregate::on_100(&s.call, t) < q,
        _ => false,
    };
    let default_kind = match &current {
        Some(d) => d.kind.clone(),
        None if verdict == jury_core::eligibility::Verdict::Ineligible => "irrecevable".into(),
        None if below_threshold => "non_retenu".into(),
        None => "retenu".into(),
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
        .committee
        .decisions
        .values()
        .filter(|d| d.kind == "liste_complementaire" && d.reference != reference)
        .count()
        + 1;
    let mut form = Form::new(
        Purpose::Decision {
            reference: reference.to_string(),
        },
        format!("{} — {reference}", lang.t("Décision", "Decision")),
        vec![
            Form::choice("kind", lang.t("Décision", "Decision"), options, selected),
            Form::text("motivation", lang.t("Motivation", "Reasons"), motivation),
            Form::text(
                "condition",
                lang.t("Réserve (condition)", "Condition"),
                current
                    .as_ref()
                    .map(|d| d.condition.clone())
                    .unwrap_or_default(),
            ),
            Form::text(
                "rank",
                lang.t(
                    "Rang sur la liste complémentaire",
                    "Rank on the waiting list",
                ),
                current
                    .as_ref()
                    .and_then(|d| d.waitlist_rank)
                    .unwrap_or(next_rank as u32)
                    .to_string(),
            ),
            Form::text(
                "documents",
                lang.t("Pièces demandées", "Documents requested"),
                current
                    .as_ref()
                    .map(|d| d.documents.clone())
                    .unwrap_or_default(),
            ),
        ],
    );
    let mut note = Vec::new();
    if let Some(r) = s.committee.rank_of(reference).and_then(|r| r.rank) {
        note.push(format!("{} {r}", lang.t("Rang", "Rank")));
    }
    note.push(match verdict {
        jury_core::eligibility::Verdict::Eligible => lang.t("recevable", "eligible").to_string(),
        jury_core::eligibility::Verdict::Unknown => lang
            .t("recevabilité à vérifier", "eligibility to check")
            .to_string(),
        jury_core::eligibility::Verdict::Ineligible => {
            lang.t("IRRECEVABLE", "INELIGIBLE").to_string()
        }
    });
    if s.committee.frozen(reference) {
        note.push(
            lang.t(
                "décision figée par une séance close : une nouvelle décision sera enregistrée comme modification",
                "decision frozen by a closed session: a new one is recorded as a change",
            )
            .to_string(),
        );
    }
    form.note = Some(note.join(" · "));
    show_extra_fields(&mut form, &s.call, lang);
    s.mode = Mode::Form(form);
}

/// The weakest criteria and unmet rules, as a starting point for reasons.
fn suggestion(s: &State, i: usize) -> String {
    let e = &s.entries[i];
    let agg = s.committee.aggregates.get(i);
    let criteria: Vec<(String, Option<f64>, f64)> = s
        .call
        .criteria
        .iter()
        .enumerate()
        .map(|(k, c)| {
            (
                c.label.clone(),
                agg.and_then(|a| a.criterion_official(k, s.committee.basis)),
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
    decision::suggest_motivation(&criteria, &unmet, s.call.scale.max, s.lang)
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
    let lang = s.lang;
    let Some(i) = s.entry_index(reference) else {
        return;
    };
    let rules = &s.entries[i].eligibility;
    let mut options = vec![
        (
            "eligible".to_string(),
            lang.t("Déclarer recevable", "Declare eligible").to_string(),
        ),
        (
            "ineligible".to_string(),
            lang.t("Déclarer irrecevable", "Declare ineligible")
                .to_string(),
        ),
    ];
    let existing = s.committee.overrides.get(reference).cloned();
    if existing.is_some() {
        options.push((
            "remove".into(),
            lang.t("Retirer la dérogation", "Remove the override")
                .into(),
        ));
    }
    let selected = match rules.verdict {
        jury_core::eligibility::Verdict::Eligible => 1,
        _ => 0,
    };
    let mut form = Form::new(
        Purpose::Override {
            reference: reference.to_string(),
        },
        format!(
            "{} — {reference}",
            lang.t("Dérogation de recevabilité", "Eligibility override")
        ),
        vec![
            Form::choice(
                "verdict",
                lang.t("Décision de la présidence", "Chair's ruling"),
                options,
                selected,
            ),
            Form::text(
                "justification",
                lang.t("Justification écrite", "Written justification"),
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
        lang.t(
            "Les règles jugent ce dossier recevable.",
            "The rules find this dossier eligible.",
        )
        .to_string()
    } else {
        format!(
            "{} {}",
            lang.t("Selon les règles :", "By the rules:"),
            reasons.join(" ; ")
        )
    });
    s.mode = Mode::Form(form);
}

fn open_session_form(s: &mut State) {
    let lang = s.lang;
    if !s.may_decide() {
        refuse(
            s,
            "Seuls la présidence et le secrétariat ouvrent une séance.",
            "Only the chair and the secretary open a session.",
        );
        return;
    }
    if s.committee.open_session().is_some() {
        refuse(
            s,
            "Une séance est déjà ouverte.",
            "A session is already open.",
        );
        return;
    }
    let today = s.today;
    let date = s
        .call
        .sessions
        .iter()
        .find(|d| **d >= today)
        .copied()
        .unwrap_or(today);
    let mut fields = vec![Form::text(
        "date",
        lang.t("Date (AAAA-MM-JJ)", "Date (YYYY-MM-DD)"),
        date.format("%Y-%m-%d").to_string(),
    )];
    for (name, _) in &s.committee.data.members {
        fields.push(Form::check("present", name.clone(), true));
    }
    let mut form = Form::new(
        Purpose::OpenSession,
        lang.t("Ouvrir une séance", "Open a session"),
        fields,
    );
    form.note = Some(format!(
        "{} {} · {}",
        lang.t("Quorum :", "Quorum:"),
        s.call
            .quorum
            .map(|q| q.to_string())
            .unwrap_or_else(|| "—".into()),
        lang.t(
            "Espace coche ou décoche un membre présent.",
            "Space ticks or unticks a member present."
        )
    ));
    s.mode = Mode::Form(form);
}

fn close_session_form(s: &mut State) {
    let lang = s.lang;
    if !chair_only(s) {
        return;
    }
    let Some(session) = s.committee.open_session().cloned() else {
        refuse(s, "Aucune séance ouverte.", "No open session.");
        return;
    };
    let decided = s
        .committee
        .decisions
        .values()
        .filter(|d| d.session_id == session.id)
        .count();
    let mut form = Form::new(
        Purpose::CloseSession { id: session.id },
        format!(
            "{} {}",
            lang.t("Clore la séance du", "Close the session of"),
            session.date
        ),
        vec![Form::check(
            "confirm",
            lang.t(
                "Je confirme : les décisions seront figées",
                "I confirm: decisions will be frozen",
            ),
            false,
        )],
    );
    form.note = Some(format!(
        "{decided} {}",
        lang.t(
            "décision(s) prise(s) dans cette séance. Une fois close, une décision ne change que dans une nouvelle séance.",
            "decision(s) taken in this session. Once closed, a decision changes only in a new session."
        )
    ));
    s.mode = Mode::Form(form);
}

fn outcome_form(s: &mut State) {
    let lang = s.lang;
    if !chair_only(s) {
        return;
    }
    let Some(session) = s.committee.open_session().cloned() else {
        refuse(s, "Ouvrez d'abord la séance.", "Open the session first.");
        return;
    };
    let mut form = Form::new(
        Purpose::Outcome {
            session: session.id,
        },
        lang.t("Issue de l'appel", "Outcome of the call"),
        vec![
            Form::check(
                "unsuccessful",
                lang.t("Appel déclaré infructueux", "Call declared unsuccessful"),
                true,
            ),
            Form::text("motivation", lang.t("Motivation", "Reasons"), ""),
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
                show_extra_fields(&mut form, &s.call, s.lang);
                // Offer the weakest criteria and unmet rules when reasons become due.
                let due = form
                    .choice_of("kind")
                    .and_then(|k| decision::kind(&s.call, &k, s.lang))
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
        .map_err(|_| {
            lang.t("Date invalide : AAAA-MM-JJ.", "Invalid date: YYYY-MM-DD.")
                .to_string()
        })
}

fn submit(s: &mut State, form: &Form) -> Result<Vec<Effect>, String> {
    let lang = s.lang;
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
                return Err(lang
                    .t(
                        "Une dérogation doit être justifiée par écrit.",
                        "An override needs a written justification.",
                    )
                    .into());
            }
            Change::Override {
                reference: reference.clone(),
                verdict: (verdict != "remove").then(|| (verdict == "eligible", justification)),
            }
        }
        Purpose::Decision { reference } => {
            let rank = form.text_of("rank");
            let kind = form.choice_of("kind").unwrap_or_default();
            let draft = Draft {
                reference: reference.clone(),
                waitlist_rank: if kind == "liste_complementaire" {
                    Some(rank.parse::<u32>().map_err(|_| {
                        lang.t(
                            "Le rang est un nombre entier.",
                            "The rank is a whole number.",
                        )
                        .to_string()
                    })?)
                } else {
                    None
                },
                condition: if kind == "retenu_sous_reserve" {
                    form.text_of("condition")
                } else {
                    String::new()
                },
                documents: if kind == "ajourne" {
                    form.text_of("documents")
                } else {
                    String::new()
                },
                kind,
                motivation: form.text_of("motivation"),
            };
            let i = s.entry_index(reference).ok_or_else(|| "?".to_string())?;
            let session = s.committee.open_session().cloned();
            let facts = Facts {
                session_open: session.is_some(),
                present: session.as_ref().map(|x| x.present.len()).unwrap_or(0),
                quorum: s.call.quorum,
                may_decide: s.may_decide(),
                verdict: s.verdict(i),
                overridden: s.committee.overrides.contains_key(reference),
                accepted_elsewhere: s.committee.accepted_count(&s.call, reference),
            };
            let ok = decision::check(&s.call, &draft, &facts, lang).map_err(|e| e.message(lang))?;
            let label = decision::kind(&s.call, &draft.kind, lang)
                .map(|k| k.label)
                .unwrap_or_default();
            let mut msg = format!(
                "{} {reference} : {label}",
                lang.t("Décision enregistrée —", "Decision recorded —")
            );
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
                return Err(lang
                    .t("Date invalide : AAAA-MM-JJ.", "Invalid date: YYYY-MM-DD.")
                    .into());
            }
            let present: Vec<String> = form
                .checks()
                .into_iter()
                .filter(|(_, on)| *on)
                .map(|(n, _)| n.to_string())
                .collect();
            if let Some(q) = s.call.quorum
                && (present.len() as u32) < q
            {
                s.set_error(format!(
                    "{} {}/{q} : {}",
                    lang.t("Quorum non atteint", "No quorum"),
                    present.len(),
                    if s.call.allow_without_quorum {
                        lang.t(
                            "les décisions seront marquées « sans quorum ».",
                            "decisions will be marked “without quorum”.",
                        )
                    } else {
                        lang.t(
                            "aucune décision ne pourra être prise.",
                            "no decision can be taken.",
                        )
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
                return Err(lang
                    .t(
                        "Cochez la confirmation (Espace) pour clore la séance.",
                        "Tick the confirmation (Space) to close.",
                    )
                    .into());
            }
            Change::CloseSession(*id)
        }
        Purpose::Outcome { session } => {
            let motivation = form.text_of("motivation");
            if motivation.is_empty() {
                return Err(lang
                    .t("La motivation est obligatoire.", "Reasons are required.")
                    .into());
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
                return Err(lang
                    .t("Indiquez le fichier du paquet.", "Give the packet file.")
                    .into());
            }
            return Ok(vec![Effect::ImportPacket(path.into())]);
        }
        Purpose::AddMember => {
            let name = form.text_of("name");
            if name.is_empty() {
                return Err(lang.t("Indiquez un nom.", "Give a name.").into());
            }
            Change::AddMember {
                name,
                role: form.choice_of("role").unwrap_or_else(|| "member".into()),
            }
        }
    };
    Ok(vec![Effect::Committee(change)])
}
