//! Eligibility (recevabilité): each rule of the call evaluated on a dossier.
//! A missing field makes a rule unknown, never silently met.

use crate::call::{Call, Rule, Test};
use crate::dossier::Dossier;
use crate::fr::Lang;
use chrono::{DateTime, FixedOffset, NaiveDate};
use chrono_tz::Europe::Paris;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Met,
    NotMet(String),
    Unknown(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Eligible,
    Unknown,
    Ineligible,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub rule_id: String,
    pub label: String,
    pub required: bool,
    pub outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub checks: Vec<Check>,
    pub verdict: Verdict,
    /// Labels of the priorities (non-required rules) the dossier meets.
    pub priorities: Vec<String>,
}

/// The local (Europe/Paris) date a dossier was received, whatever offset stamped it.
pub fn local_date(t: &DateTime<FixedOffset>) -> NaiveDate {
    t.with_timezone(&Paris).date_naive()
}

pub fn is_late(call: &Call, d: &Dossier) -> bool {
    local_date(&d.received_at) > call.deadline
}

pub fn evaluate(call: &Call, d: &Dossier, lang: Lang) -> Report {
    let checks: Vec<Check> = call
        .eligibility
        .iter()
        .map(|r| Check {
            rule_id: r.id.clone(),
            label: r.label.clone(),
            required: r.required,
            outcome: check(call, r, d, lang),
        })
        .collect();
    let required = checks.iter().filter(|c| c.required);
    let verdict = required.fold(Verdict::Eligible, |v, c| match c.outcome {
        Outcome::Met => v,
        Outcome::Unknown(_) => v.max(Verdict::Unknown),
        Outcome::NotMet(_) => Verdict::Ineligible,
    });
    let priorities = checks
        .iter()
        .filter(|c| !c.required && c.outcome == Outcome::Met)
        .map(|c| c.label.clone())
        .collect();
    Report {
        checks,
        verdict,
        priorities,
    }
}

/// [`evaluate`]'s verdict alone: only the required rules are checked and
/// no check keeps its labels, for the committee's ranking of every dossier.
pub fn verdict(call: &Call, d: &Dossier) -> Verdict {
    call.eligibility
        .iter()
        .filter(|r| r.required)
        .fold(Verdict::Eligible, |v, r| {
            match check(call, r, d, Lang::Fr) {
                Outcome::Met => v,
                Outcome::Unknown(_) => v.max(Verdict::Unknown),
                Outcome::NotMet(_) => Verdict::Ineligible,
            }
        })
}

fn check(call: &Call, rule: &Rule, d: &Dossier, lang: Lang) -> Outcome {
    match &rule.test {
        Test::ReceivedByDeadline => {
            let local = d.received_at.with_timezone(&Paris);
            if local.date_naive() <= call.deadline {
                Outcome::Met
            } else {
                Outcome::NotMet(format!(
                    "{} {} {}, {} {}",
                    lang.t("reçu le", "received on"),
                    lang.date(local.date_naive()),
                    local.format("%H:%M"),
                    lang.t("après la date limite du", "after the deadline of"),
                    lang.date(call.deadline)
                ))
            }
        }
        Test::Pointer {
            pointer,
            equals,
            one_of,
            min,
            max,
            present,
        } => {
            let Some(v) = d.pointer(pointer).filter(|v| !v.is_null()) else {
                return Outcome::Unknown(format!(
                    "{} {}",
                    lang.t(
                        "information absente du dossier :",
                        "missing from the dossier:"
                    ),
                    crate::completion::title(pointer, lang)
                ));
            };
            let _ = present; // presence is established by reaching here
            if let Some(e) = equals
                && v != e
            {
                return Outcome::NotMet(format!(
                    "{} {}, {} {}",
                    lang.t("valeur", "value"),
                    show(v, lang),
                    lang.t("attendu", "expected"),
                    show(e, lang)
                ));
            }
            if let Some(set) = one_of
                && !set.contains(v)
            {
                let list: Vec<String> = set.iter().map(|x| show(x, lang)).collect();
                return Outcome::NotMet(format!(
                    "{} {}, {} {}",
                    lang.t("valeur", "value"),
                    show(v, lang),
                    lang.t("hors de", "not among"),
                    list.join(", ")
                ));
            }
            if min.is_some() || max.is_some() {
                let Some(x) = v.as_f64() else {
                    return Outcome::Unknown(format!(
                        "{} {}",
                        lang.t("nombre attendu, trouvé", "number expected, found"),
                        show(v, lang)
                    ));
                };
                if let Some(m) = min
                    && x < *m
                {
                    return Outcome::NotMet(format!(
                        "{} < {} {}",
                        lang.score(x),
                        lang.score(*m),
                        lang.t("(minimum)", "(minimum)")
                    ));
                }
                if let Some(m) = max
                    && x > *m
                {
                    return Outcome::NotMet(format!(
                        "{} > {} {}",
                        lang.score(x),
                        lang.score(*m),
                        lang.t("(maximum)", "(maximum)")
                    ));
                }
            }
            Outcome::Met
        }
    }
}

fn show(v: &Value, lang: Lang) -> String {
    match v {
        Value::String(s) => format!("« {s} »"),
        Value::Bool(true) => lang.t("oui", "yes").into(),
        Value::Bool(false) => lang.t("non", "no").into(),
        Value::Number(n) => n
            .as_f64()
            .map(|x| lang.score(x))
            .unwrap_or_else(|| n.to_string()),
        other => other.to_string(),
    }
}
