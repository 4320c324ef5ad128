//! Decisions and the rules that govern recording them: motivation, quorum,
//! eligibility, capacity, sessions that freeze once closed. Pure: the caller
//! gives the facts, this says yes, no (and why), or yes with warnings.

use crate::call::{Call, decision_id};
use crate::eligibility::Verdict;
use crate::fr::Lang;

/// What a decision asks for besides its motivation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extra {
    None,
    /// retenu sous réserve: the condition.
    Condition,
    /// liste complémentaire: the rank on the list.
    WaitlistRank,
    /// ajourné: the documents requested.
    Documents,
}

/// The six built-in decisions: id, French label, English label, counts as
/// accepted, motivation required, extra field.
pub const BUILT_IN: &[(&str, &str, &str, bool, bool, Extra)] = &[
    (
        decision_id::RETENU,
        "Retenu",
        "Accepted",
        true,
        false,
        Extra::None,
    ),
    (
        decision_id::RETENU_SOUS_RESERVE,
        "Retenu sous réserve",
        "Conditionally accepted",
        true,
        true,
        Extra::Condition,
    ),
    (
        decision_id::LISTE_COMPLEMENTAIRE,
        "Liste complémentaire",
        "Waitlisted",
        false,
        true,
        Extra::WaitlistRank,
    ),
    (
        decision_id::NON_RETENU,
        "Non retenu",
        "Rejected",
        false,
        true,
        Extra::None,
    ),
    (
        decision_id::IRRECEVABLE,
        "Irrecevable",
        "Inadmissible",
        false,
        true,
        Extra::None,
    ),
    (
        decision_id::AJOURNE,
        "Ajourné",
        "Deferred",
        false,
        true,
        Extra::Documents,
    ),
];

/// The shortlist of a two-stage call: id, French label, English label.
/// Not accepted (the final decision comes after the audition), no
/// motivation needed: the convocation says why they are met.
pub const CONVOQUE: (&str, &str, &str) = (
    decision_id::CONVOQUE,
    "Convoqué·e à l'audition",
    "Invited to the audition",
);

#[derive(Clone, Debug, PartialEq)]
pub struct Kind {
    pub id: String,
    pub label: String,
    pub accepted: bool,
    pub motivation_required: bool,
    pub extra: Extra,
    pub built_in: bool,
}

/// Every decision a call offers: the built-in six, then its own.
pub fn kinds(call: &Call, lang: Lang) -> Vec<Kind> {
    let mut out: Vec<Kind> = BUILT_IN
        .iter()
        .map(|(id, fr, en, accepted, motivation, extra)| Kind {
            id: id.to_string(),
            label: lang.t(fr, en).to_string(),
            accepted: *accepted,
            motivation_required: *motivation,
            extra: *extra,
            built_in: true,
        })
        .collect();
    if call.audition.is_some() {
        out.push(Kind {
            id: CONVOQUE.0.to_string(),
            label: lang.t(CONVOQUE.1, CONVOQUE.2).to_string(),
            accepted: false,
            motivation_required: false,
            extra: Extra::None,
            built_in: true,
        });
    }
    out.extend(call.decisions.iter().map(|d| Kind {
        id: d.id.clone(),
        label: d.label.clone(),
        accepted: d.accepted,
        motivation_required: d.motivation_required,
        extra: Extra::None,
        built_in: false,
    }));
    out
}

/// The decisions offered at `stage`: at the audition stage, the final ones
/// (neither the shortlist nor inadmissibility, settled at the first stage).
pub fn kinds_at(call: &Call, stage: crate::stage::Stage, lang: Lang) -> Vec<Kind> {
    let mut out = kinds(call, lang);
    if stage == crate::stage::Stage::Audition {
        out.retain(|k| k.id != decision_id::CONVOQUE && k.id != decision_id::IRRECEVABLE);
    }
    out
}

pub fn kind(call: &Call, id: &str, lang: Lang) -> Option<Kind> {
    kinds(call, lang).into_iter().find(|k| k.id == id)
}

/// A decision as entered, before it is checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    pub reference: String,
    pub kind: String,
    pub motivation: String,
    pub condition: String,
    pub waitlist_rank: Option<u32>,
    pub documents: String,
    /// The aid granted, in a call with a budget and an accepting kind.
    pub amount: Option<f64>,
    /// The chair's written reason for going past the envelope.
    pub budget_override: String,
}

/// The facts a decision is checked against.
#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    /// The open session, if any: members present and the quorum.
    pub session_open: bool,
    pub present: usize,
    pub quorum: Option<u32>,
    /// The recorder may decide (chair or secretary).
    pub may_decide: bool,
    /// Eligibility after any override by the chair.
    pub verdict: Verdict,
    /// The chair overrode the rules' result for this dossier.
    pub overridden: bool,
    /// Dossiers already accepted, this one excluded.
    pub accepted_elsewhere: usize,
    /// Dossiers already convened to an audition, this one excluded.
    pub convened_elsewhere: usize,
    /// The recorder declared a conflict of interest on this dossier.
    pub in_conflict: bool,
    /// Members (conflicts excluded) who scored this dossier.
    pub reviews: usize,
    /// The recorder ticked the confirmation asked for a dossier scored by
    /// fewer members than the call's `min_reviews` or of unknown eligibility.
    pub confirmed: bool,
    /// What the current accepting decisions grant, this dossier's excluded
    /// (see [`crate::budget::allocated`]).
    pub allocated_elsewhere: f64,
    /// The recorder chairs the committee: only the chair may let the
    /// allocations go past the envelope.
    pub is_chair: bool,
}

impl Facts {
    /// Whether recording a decision needs the explicit confirmation: too few
    /// members scored the dossier, or its eligibility is not established.
    pub fn needs_confirmation(&self, call: &Call) -> bool {
        (self.reviews as u32) < call.min_reviews || self.verdict == Verdict::Unknown
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Accepted {
    pub warnings: Vec<String>,
    pub without_quorum: bool,
    /// Recorded after the explicit confirmation (see
    /// [`Facts::needs_confirmation`]): the minutes say so.
    pub guarded: bool,
    /// This decision takes the allocations past the envelope, with the
    /// chair's written override: the override is kept with it.
    pub over_envelope: bool,
}

/// Why a decision cannot be recorded.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DecisionError {
    /// No decision of that id in this call.
    UnknownKind(String),
    /// Only the chair and the secretary record decisions.
    NotAllowed,
    NoSession,
    NoQuorum {
        present: usize,
        quorum: u32,
    },
    /// The decision's label, as the call names it in the language given to
    /// [`check`].
    MotivationRequired(String),
    ConditionMissing,
    RankMissing,
    DocumentsMissing,
    /// Accepting an ineligible dossier needs the chair's override.
    Ineligible,
    /// The recorder is in conflict of interest on this dossier.
    InConflict,
    /// Too few members scored the dossier (or its eligibility is unknown)
    /// and the confirmation was not ticked.
    NotConfirmed {
        reviews: usize,
        min_reviews: u32,
        eligibility_unknown: bool,
    },
    /// An amount with a decision that grants none: a kind that does not
    /// accept, or a call without a budget.
    AmountNotGranted,
    AmountNegative,
    /// Above the call's maximum per dossier, in euros.
    AmountOverMax(f64),
    /// Past the envelope without the chair's written override: allocated
    /// elsewhere, this amount, the envelope.
    EnvelopeExceeded {
        allocated: f64,
        amount: f64,
        envelope: f64,
    },
    /// Someone other than the chair wrote an override of the envelope.
    OverrideChairOnly,
}

impl DecisionError {
    pub fn message(&self, lang: Lang) -> String {
        use DecisionError::*;
        match self {
            UnknownKind(id) => format!(
                "{} « {id} »",
                lang.t("Décision inconnue", "Unknown decision")
            ),
            NotAllowed => lang
                .t(
                    "Seuls la présidence et le secrétariat enregistrent les décisions.",
                    "Only the chair and the secretary record decisions.",
                )
                .into(),
            NoSession => lang
                .t(
                    "Aucune séance ouverte : ouvrez la séance avant de décider.",
                    "No open session: open the session before deciding.",
                )
                .into(),
            NoQuorum { present, quorum } => format!(
                "{}. {}",
                no_quorum(lang, *present, *quorum),
                lang.t("Décision refusée.", "Decision refused.")
            ),
            MotivationRequired(label) => format!(
                "{} « {label} ».",
                lang.t("Motivation obligatoire pour", "Reasons are required for")
            ),
            ConditionMissing => lang
                .t("Indiquez la réserve (condition).", "State the condition.")
                .into(),
            RankMissing => lang
                .t(
                    "Indiquez le rang sur la liste complémentaire.",
                    "Give the rank on the waiting list.",
                )
                .into(),
            DocumentsMissing => lang
                .t(
                    "Indiquez les pièces demandées.",
                    "List the documents requested.",
                )
                .into(),
            Ineligible => lang
                .t(
                    "Dossier irrecevable : il ne peut être retenu sans dérogation motivée de la présidence.",
                    "Ineligible dossier: it cannot be accepted without the chair's justified override.",
                )
                .into(),
            InConflict => lang
                .t(
                    "Vous êtes en conflit d'intérêts sur ce dossier : sa décision revient à un autre membre de la présidence ou du secrétariat.",
                    "You are in conflict of interest on this dossier: its decision falls to another chair or secretary member.",
                )
                .into(),
            NotConfirmed {
                reviews,
                min_reviews,
                eligibility_unknown,
            } => format!(
                "{}. {}",
                if (*reviews as u32) < *min_reviews {
                    format!(
                        "{} ({})",
                        reviewed_by(lang, *reviews, None),
                        lang.t(
                            &format!("minimum fixé par l'appel : {min_reviews}"),
                            &format!("minimum set by the call: {min_reviews}"),
                        )
                    )
                } else if *eligibility_unknown {
                    lang.t("Recevabilité non établie", "Eligibility not established")
                        .to_string()
                } else {
                    String::new()
                },
                lang.t(
                    "Cochez la confirmation (Espace) pour décider malgré tout ; la décision sera signalée au procès-verbal.",
                    "Tick the confirmation (Space) to decide anyway; the minutes will flag the decision.",
                )
            ),
            AmountNotGranted => lang
                .t(
                    "Seule une décision qui retient le dossier, dans un appel doté d'une enveloppe, accorde un montant : laissez le montant vide.",
                    "Only an accepting decision, in a call with an envelope, grants an amount: leave the amount empty.",
                )
                .into(),
            AmountNegative => crate::budget::AmountError::Negative.message(lang),
            AmountOverMax(max) => format!(
                "{} {} {}",
                lang.t(
                    "Montant supérieur au maximum par dossier fixé par l'appel :",
                    "Amount above the call's maximum per dossier:"
                ),
                lang.money(*max),
                lang.t("au plus.", "at most.")
            ),
            EnvelopeExceeded {
                allocated,
                amount,
                envelope,
            } => format!(
                "{} {} + {} = {} / {}. {}",
                lang.t("Enveloppe dépassée :", "Envelope exceeded:"),
                lang.money(*allocated),
                lang.money(*amount),
                lang.money(allocated + amount),
                lang.money(*envelope),
                lang.t(
                    "Réduisez le montant, ou la présidence écrit la justification du dépassement.",
                    "Lower the amount, or the chair writes why the envelope may be exceeded.",
                )
            ),
            OverrideChairOnly => lang
                .t(
                    "Seule la présidence peut autoriser un dépassement de l'enveloppe : la présidence doit enregistrer cette décision.",
                    "Only the chair may let the envelope be exceeded: the chair must record this decision.",
                )
                .into(),
        }
    }
}

crate::french_display!(DecisionError);

/// « notée par 1 membre sur 5 »: how many members scored a dossier, out of
/// the committee's members when known.
pub fn reviewed_by(lang: Lang, reviews: usize, members: Option<usize>) -> String {
    let who = match (lang, reviews) {
        (Lang::Fr, 0 | 1) => format!("notée par {reviews} membre"),
        (Lang::Fr, _) => format!("notée par {reviews} membres"),
        (Lang::En, 1) => "scored by 1 member".to_string(),
        (Lang::En, _) => format!("scored by {reviews} members"),
    };
    match members {
        Some(n) => format!("{who} {} {n}", lang.t("sur", "out of")),
        None => who,
    }
}

/// "Quorum non atteint : 2/3", the start of a refusal or of a warning.
fn no_quorum(lang: Lang, present: usize, quorum: u32) -> String {
    format!(
        "{} {present}/{quorum}",
        lang.t("Quorum non atteint :", "No quorum:")
    )
}

/// Whether `draft` may be recorded given `facts`, with the warnings to show;
/// `lang` names the decisions and words the warnings.
pub fn check(
    call: &Call,
    draft: &Draft,
    facts: &Facts,
    lang: Lang,
) -> Result<Accepted, DecisionError> {
    let Some(kind) = kind(call, &draft.kind, lang) else {
        return Err(DecisionError::UnknownKind(draft.kind.clone()));
    };
    if !facts.may_decide {
        return Err(DecisionError::NotAllowed);
    }
    if facts.in_conflict {
        return Err(DecisionError::InConflict);
    }
    if !facts.session_open {
        return Err(DecisionError::NoSession);
    }
    let mut warnings = Vec::new();
    let quorum_met = facts.quorum.is_none_or(|q| facts.present as u32 >= q);
    let without_quorum = !quorum_met;
    if without_quorum {
        let (present, quorum) = (facts.present, facts.quorum.unwrap_or(0));
        if !call.allow_without_quorum {
            return Err(DecisionError::NoQuorum { present, quorum });
        }
        warnings.push(format!(
            "{} — {}",
            no_quorum(lang, present, quorum),
            lang.t("décision prise sans quorum", "decided without quorum")
        ));
    }
    if kind.motivation_required && draft.motivation.trim().is_empty() {
        return Err(DecisionError::MotivationRequired(kind.label));
    }
    match kind.extra {
        Extra::Condition if draft.condition.trim().is_empty() => {
            return Err(DecisionError::ConditionMissing);
        }
        Extra::WaitlistRank if draft.waitlist_rank.is_none_or(|r| r == 0) => {
            return Err(DecisionError::RankMissing);
        }
        Extra::Documents if draft.documents.trim().is_empty() => {
            return Err(DecisionError::DocumentsMissing);
        }
        _ => {}
    }
    if kind.accepted {
        match facts.verdict {
            Verdict::Ineligible => return Err(DecisionError::Ineligible),
            Verdict::Unknown => warnings.push(
                lang.t(
                    "Recevabilité non établie (information manquante).",
                    "Eligibility not established (missing information).",
                )
                .into(),
            ),
            Verdict::Eligible => {}
        }
        if let Some(cap) = call.capacity
            && facts.accepted_elsewhere as u32 + 1 > cap
        {
            warnings.push(format!(
                "{} {} / {}",
                lang.t("Capacité dépassée :", "Capacity exceeded:"),
                facts.accepted_elsewhere + 1,
                cap
            ));
        }
    }
    if kind.id == decision_id::CONVOQUE
        && let Some(n) = call.audition.as_ref().and_then(|a| a.shortlist)
        && facts.convened_elsewhere as u32 + 1 > n
    {
        warnings.push(format!(
            "{} {} / {n}",
            lang.t(
                "Plus de convoqué·e·s que l'appel n'en prévoit :",
                "More candidates invited than the call plans:"
            ),
            facts.convened_elsewhere + 1,
        ));
    }
    if kind.id == decision_id::IRRECEVABLE
        && facts.verdict == Verdict::Eligible
        && !facts.overridden
    {
        warnings.push(
            lang.t(
                "Les règles jugent ce dossier recevable.",
                "The rules find this dossier eligible.",
            )
            .into(),
        );
    }
    let over_envelope = check_amount(call, draft, facts, kind.accepted, &mut warnings, lang)?;
    let guarded = facts.needs_confirmation(call);
    if guarded && !facts.confirmed {
        return Err(DecisionError::NotConfirmed {
            reviews: facts.reviews,
            min_reviews: call.min_reviews,
            eligibility_unknown: facts.verdict == Verdict::Unknown,
        });
    }
    Ok(Accepted {
        warnings,
        without_quorum,
        guarded,
        over_envelope,
    })
}

/// The amount of a decision against the call's budget: none unless it
/// accepts in a call with a budget; not negative, within the maximum per
/// dossier, and within the envelope or past it with the chair's written
/// override. True when it goes past the envelope (the override is kept).
fn check_amount(
    call: &Call,
    draft: &Draft,
    facts: &Facts,
    accepted: bool,
    warnings: &mut Vec<String>,
    lang: Lang,
) -> Result<bool, DecisionError> {
    let Some(amount) = draft.amount else {
        return Ok(false);
    };
    let Some(budget) = call.budget.as_ref().filter(|_| accepted) else {
        return Err(DecisionError::AmountNotGranted);
    };
    if amount < 0.0 {
        return Err(DecisionError::AmountNegative);
    }
    // Sums compare to the cent: 0,1 + 0,2 is not over 0,3.
    let half_cent = 0.005;
    if let Some(max) = budget.max_per_dossier_eur
        && amount > max + half_cent
    {
        return Err(DecisionError::AmountOverMax(max));
    }
    if facts.allocated_elsewhere + amount <= budget.envelope_eur + half_cent {
        return Ok(false);
    }
    if draft.budget_override.trim().is_empty() {
        return Err(DecisionError::EnvelopeExceeded {
            allocated: facts.allocated_elsewhere,
            amount,
            envelope: budget.envelope_eur,
        });
    }
    if !facts.is_chair {
        return Err(DecisionError::OverrideChairOnly);
    }
    warnings.push(format!(
        "{} {}",
        lang.t(
            "Dépassement de l'enveloppe autorisé par la présidence :",
            "Envelope overrun authorised by the chair:"
        ),
        lang.money(facts.allocated_elsewhere + amount - budget.envelope_eur)
    ));
    Ok(true)
}

/// A rule of eligibility the dossier does not meet (`established`: the
/// rule is known to fail) or whose outcome is unknown (missing information).
#[derive(Clone, Debug, PartialEq)]
pub struct Unmet {
    pub label: String,
    pub established: bool,
}

/// Reasons the committee may take for a decision of kind `kind`, one
/// sentence each, never glued to what was typed: the weakest criteria for
/// « non retenu », the unmet rules for « irrecevable » (only them: the merits
/// were not examined), the rules to satisfy for « retenu sous réserve ».
/// `criteria`: label, official score, weight.
pub fn suggestions(
    kind: &str,
    criteria: &[(String, Option<f64>, f64)],
    unmet: &[Unmet],
    scale_max: f64,
    lang: Lang,
) -> Vec<String> {
    match kind {
        decision_id::NON_RETENU => {
            let mut scored: Vec<&(String, Option<f64>, f64)> =
                criteria.iter().filter(|c| c.1.is_some()).collect();
            // Weakest first; heavier criteria first on equal scores.
            scored.sort_by(|a, b| {
                a.1.unwrap_or(0.0)
                    .total_cmp(&b.1.unwrap_or(0.0))
                    .then(b.2.total_cmp(&a.2))
            });
            scored
                .iter()
                .filter(|c| c.1.unwrap_or(0.0) < scale_max * 0.6)
                .take(3)
                .map(|c| {
                    format!(
                        "{} « {} » : {} / {}.",
                        lang.t("Point faible :", "Weak point:"),
                        c.0,
                        lang.num(c.1.unwrap_or(0.0), 1),
                        lang.score(scale_max)
                    )
                })
                .collect()
        }
        decision_id::IRRECEVABLE => {
            let established: Vec<&Unmet> = unmet.iter().filter(|u| u.established).collect();
            // Without a rule known to fail, the ones left unestablished.
            let shown: Vec<&Unmet> = if established.is_empty() {
                unmet.iter().collect()
            } else {
                established
            };
            shown
                .iter()
                .map(|u| {
                    format!(
                        "{} {}.",
                        if u.established {
                            lang.t("Condition non remplie :", "Condition not met:")
                        } else {
                            lang.t("Condition non établie :", "Condition not established:")
                        },
                        sentence_body(&u.label)
                    )
                })
                .collect()
        }
        decision_id::RETENU_SOUS_RESERVE => unmet
            .iter()
            .map(|u| {
                format!(
                    "{} {}.",
                    lang.t("Sous réserve de justifier :", "Subject to evidence of:"),
                    sentence_body(&u.label)
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A label without its closing punctuation, to end a sentence with a stop.
fn sentence_body(label: &str) -> &str {
    label.trim().trim_end_matches(['.', ';', ',', ':'])
}

/// The reasons as the committee recorded them, one per line, each set as a
/// sentence: trimmed, ending with a full stop unless it already ends with
/// one (or with « ? », « ! », « … »). Empty lines are dropped.
pub fn reasons(motivation: &str) -> Vec<String> {
    motivation
        .lines()
        .map(|l| l.trim().trim_end_matches([';', ',', ':']).trim_end())
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut out = String::new();
            let mut chars = l.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
            if !out.ends_with(['.', '!', '?', '…']) {
                out.push('.');
            }
            out
        })
        .collect()
}

/// When the committee should consider declaring the call unsuccessful (seed 002).
pub fn unsuccessful_warning(
    call: &Call,
    lot: Option<&crate::lot::Lot>,
    eligible: usize,
    best_on_100: Option<f64>,
    lang: Lang,
) -> Option<String> {
    // In a call with lots, each lot may be unsuccessful on its own (seed
    // 002: « de manière individuelle aux deux modules »).
    let what = match lot {
        Some(l) => match lang {
            Lang::Fr => format!("Le lot « {} » pourrait être déclaré infructueux", l.label),
            Lang::En => format!("Lot \"{}\" may be declared unsuccessful", l.label),
        },
        None => lang
            .t(
                "L'appel pourrait être déclaré infructueux",
                "The call may be declared unsuccessful",
            )
            .to_string(),
    };
    if eligible <= 1 {
        return Some(format!(
            "{what}{} ({} {})",
            lang.t(
                " : trop peu de dossiers recevables",
                ": too few eligible dossiers"
            ),
            eligible,
            lang.t("recevable", "eligible")
        ));
    }
    let threshold = call.quality_threshold?;
    match best_on_100 {
        Some(best) if best >= threshold => None,
        _ => Some(format!(
            "{what}{} {} / 100",
            lang.t(
                " : aucun dossier n'atteint le seuil de qualité de",
                ": no dossier reaches the quality threshold of"
            ),
            lang.score(threshold)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_call_reserves_exactly_the_built_in_ids() {
        let mut ids: Vec<&str> = BUILT_IN.iter().map(|b| b.0).collect();
        ids.push(CONVOQUE.0);
        assert_eq!(ids, crate::call::BUILT_IN_DECISIONS);
    }

    fn call(extra: &str) -> Call {
        let text = format!(
            r#"{{ "format": "jury-appel/1", "id": "t", "title": "T", "issuer": {{ "name": "Caf" }},
              "deadline": "2025-07-04", "scale": {{ "min": 0, "max": 5 }},
              "criteria": [ {{ "id": "a", "label": "A", "weight": 1 }} ], "quorum": 3, "capacity": 2,
              "quality_threshold": 50 {extra} }}"#
        );
        Call::parse("appel.json", &text).unwrap()
    }

    fn facts() -> Facts {
        Facts {
            session_open: true,
            present: 3,
            quorum: Some(3),
            may_decide: true,
            verdict: Verdict::Eligible,
            overridden: false,
            accepted_elsewhere: 0,
            convened_elsewhere: 0,
            in_conflict: false,
            reviews: 1,
            confirmed: false,
            allocated_elsewhere: 0.0,
            is_chair: true,
        }
    }

    #[test]
    fn amounts_stay_within_the_maximum_and_the_envelope_unless_the_chair_writes_why() {
        let c = call(
            r#", "budget": { "envelope_eur": 3000, "request_pointer": "/a", "max_per_dossier_eur": 1000 }"#,
        );
        let mut d = draft("retenu");
        d.amount = Some(1000.0);
        let mut f = facts();
        f.allocated_elsewhere = 1999.99;
        assert!(!check(&c, &d, &f, Lang::Fr).unwrap().over_envelope);
        d.amount = Some(1000.5);
        assert_eq!(
            check(&c, &d, &f, Lang::Fr).unwrap_err(),
            DecisionError::AmountOverMax(1000.0)
        );
        d.amount = Some(-1.0);
        assert_eq!(
            check(&c, &d, &f, Lang::Fr).unwrap_err(),
            DecisionError::AmountNegative
        );
        f.allocated_elsewhere = 2150.0;
        d.amount = Some(1000.0);
        let e = check(&c, &d, &f, Lang::Fr).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Enveloppe dépassée : 2\u{202f}150\u{a0}€ + 1\u{202f}000\u{a0}€ = 3\u{202f}150\u{a0}€ / 3\u{202f}000\u{a0}€. Réduisez le montant, ou la présidence écrit la justification du dépassement."
        );
        d.budget_override = "Projet jugé prioritaire".into();
        f.is_chair = false;
        assert_eq!(
            check(&c, &d, &f, Lang::Fr).unwrap_err(),
            DecisionError::OverrideChairOnly
        );
        f.is_chair = true;
        let ok = check(&c, &d, &f, Lang::Fr).unwrap();
        assert!(ok.over_envelope);
        assert!(
            ok.warnings.iter().any(|w| w.contains("150\u{a0}€")),
            "{ok:?}"
        );
        let mut refused = draft("non_retenu");
        refused.motivation = "Hors territoire".into();
        refused.amount = Some(10.0);
        assert_eq!(
            check(&c, &refused, &f, Lang::Fr).unwrap_err(),
            DecisionError::AmountNotGranted
        );
        assert_eq!(
            check(&call(""), &d, &f, Lang::Fr).unwrap_err(),
            DecisionError::AmountNotGranted
        );
    }

    #[test]
    fn a_member_in_conflict_cannot_decide() {
        let mut f = facts();
        f.in_conflict = true;
        let e = check(&call(""), &draft("retenu"), &f, Lang::Fr).unwrap_err();
        assert_eq!(e, DecisionError::InConflict);
        assert!(e.to_string().contains("conflit d'intérêts"), "{e}");
    }

    #[test]
    fn too_few_reviews_or_unknown_eligibility_need_the_confirmation() {
        let c = call(r#", "min_reviews": 2"#);
        let mut f = facts();
        let e = check(&c, &draft("retenu"), &f, Lang::Fr).unwrap_err();
        assert!(e.to_string().contains("notée par 1 membre"), "{e}");
        f.confirmed = true;
        assert!(check(&c, &draft("retenu"), &f, Lang::Fr).unwrap().guarded);
        f.reviews = 2;
        f.confirmed = false;
        assert!(!check(&c, &draft("retenu"), &f, Lang::Fr).unwrap().guarded);
        f.verdict = Verdict::Unknown;
        let e = check(&c, &draft("retenu"), &f, Lang::Fr).unwrap_err();
        assert!(
            e.to_string().starts_with("Recevabilité non établie."),
            "{e}"
        );
    }

    fn draft(kind: &str) -> Draft {
        Draft {
            reference: "R".into(),
            kind: kind.into(),
            ..Draft::default()
        }
    }

    #[test]
    fn motivation_is_required_except_for_retenu() {
        let c = call("");
        assert!(check(&c, &draft("retenu"), &facts(), Lang::Fr).is_ok());
        for k in [
            "non_retenu",
            "irrecevable",
            "liste_complementaire",
            "retenu_sous_reserve",
            "ajourne",
        ] {
            let e = check(&c, &draft(k), &facts(), Lang::Fr)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with("Motivation obligatoire"), "{k}: {e}");
        }
    }

    #[test]
    fn extras_are_required() {
        let c = call("");
        let mut d = draft("liste_complementaire");
        d.motivation = "Projet solide mais capacité atteinte".into();
        assert!(
            check(&c, &d, &facts(), Lang::Fr)
                .unwrap_err()
                .to_string()
                .contains("rang")
        );
        d.waitlist_rank = Some(1);
        assert!(check(&c, &d, &facts(), Lang::Fr).is_ok());
        let mut d = draft("ajourne");
        d.motivation = "Pièces manquantes".into();
        assert!(
            check(&c, &d, &facts(), Lang::Fr)
                .unwrap_err()
                .to_string()
                .contains("pièces")
        );
        let mut d = draft("retenu_sous_reserve");
        d.motivation = "Sous réserve".into();
        assert!(
            check(&c, &d, &facts(), Lang::Fr)
                .unwrap_err()
                .to_string()
                .contains("réserve")
        );
    }

    #[test]
    fn quorum_refuses_unless_the_call_allows_it() {
        let mut f = facts();
        f.present = 2;
        let e = check(&call(""), &draft("retenu"), &f, Lang::Fr)
            .unwrap_err()
            .to_string();
        assert!(e.contains("Quorum non atteint : 2/3"), "{e}");
        let ok = check(
            &call(r#", "allow_without_quorum": true"#),
            &draft("retenu"),
            &f,
            Lang::Fr,
        )
        .unwrap();
        assert!(ok.without_quorum);
    }

    #[test]
    fn refusals_read_in_english_too() {
        let mut f = facts();
        f.present = 2;
        let e = check(&call(""), &draft("retenu"), &f, Lang::En).unwrap_err();
        assert_eq!(
            e,
            DecisionError::NoQuorum {
                present: 2,
                quorum: 3
            }
        );
        assert_eq!(e.to_string(), "Quorum non atteint : 2/3. Décision refusée.");
        assert_eq!(e.message(Lang::En), "No quorum: 2/3. Decision refused.");
    }

    #[test]
    fn ineligible_cannot_be_accepted_without_override_and_capacity_warns() {
        let c = call("");
        let mut f = facts();
        f.verdict = Verdict::Ineligible;
        assert!(
            check(&c, &draft("retenu"), &f, Lang::Fr)
                .unwrap_err()
                .to_string()
                .contains("dérogation")
        );
        f.verdict = Verdict::Eligible;
        f.accepted_elsewhere = 2;
        let ok = check(&c, &draft("retenu"), &f, Lang::Fr).unwrap();
        assert!(
            ok.warnings[0].contains("Capacité dépassée : 3 / 2"),
            "{:?}",
            ok.warnings
        );
    }

    #[test]
    fn no_session_or_not_chair_is_refused() {
        let c = call("");
        let mut f = facts();
        f.session_open = false;
        assert!(
            check(&c, &draft("retenu"), &f, Lang::Fr)
                .unwrap_err()
                .to_string()
                .contains("Aucune séance ouverte")
        );
        let mut f = facts();
        f.may_decide = false;
        assert!(check(&c, &draft("retenu"), &f, Lang::Fr).is_err());
    }

    #[test]
    fn custom_decisions_come_from_the_call() {
        let c = call(
            r#", "decisions": [ { "id": "personne_ressource", "label": "Personne ressource du réseau", "accepted": false, "motivation_required": true } ]"#,
        );
        let ks = kinds(&c, Lang::Fr);
        assert_eq!(ks.len(), 7);
        assert_eq!(ks[6].label, "Personne ressource du réseau");
        assert!(check(&c, &draft("personne_ressource"), &facts(), Lang::Fr).is_err());
    }

    #[test]
    fn suggestions_depend_on_the_kind_and_are_sentences() {
        let criteria = [
            ("Expérience".into(), Some(4.0), 30.0),
            ("Qualification".into(), Some(1.5), 30.0),
            ("Cohérence".into(), Some(2.0), 25.0),
        ];
        let unmet = [
            Unmet {
                label: "Charte signée".into(),
                established: true,
            },
            Unmet {
                label: "Salarié identifié".into(),
                established: false,
            },
        ];
        let s = |kind| suggestions(kind, &criteria, &unmet, 5.0, Lang::Fr);
        assert_eq!(
            s("non_retenu"),
            vec![
                "Point faible : « Qualification » : 1,5 / 5.",
                "Point faible : « Cohérence » : 2,0 / 5."
            ]
        );
        assert_eq!(
            s("irrecevable"),
            vec!["Condition non remplie : Charte signée."],
            "only the rules known to fail, no merit"
        );
        assert_eq!(s("retenu_sous_reserve").len(), 2);
        assert!(s("retenu").is_empty());
    }

    #[test]
    fn reasons_are_sentences_one_per_line() {
        assert_eq!(
            reasons(
                "projet peu étayé ;\n\n  Point faible : « Qualification » : 1,5 / 5.\nPourquoi ?"
            ),
            vec![
                "Projet peu étayé.",
                "Point faible : « Qualification » : 1,5 / 5.",
                "Pourquoi ?"
            ]
        );
    }

    #[test]
    fn unsuccessful_call_warnings() {
        let c = call("");
        assert!(unsuccessful_warning(&c, None, 1, Some(90.0), Lang::Fr).is_some());
        assert!(
            unsuccessful_warning(&c, None, 5, Some(40.0), Lang::Fr)
                .unwrap()
                .contains("seuil de qualité de 50")
        );
        assert!(unsuccessful_warning(&c, None, 5, Some(60.0), Lang::Fr).is_none());
    }
}
