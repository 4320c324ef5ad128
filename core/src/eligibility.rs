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

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
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
/// no check writes its explanation, for the committee's ranking of every
/// dossier.
pub fn verdict(call: &Call, d: &Dossier) -> Verdict {
    call.eligibility
        .iter()
        .filter(|r| r.required)
        .fold(Verdict::Eligible, |v, r| {
            fold(v, &outcome(call, r, d, None))
        })
}

fn fold(v: Verdict, outcome: &Outcome) -> Verdict {
    match outcome {
        Outcome::Met => v,
        Outcome::Unknown(_) => v.max(Verdict::Unknown),
        Outcome::NotMet(_) => Verdict::Ineligible,
    }
}

/// What the lists keep of a dossier's eligibility: the verdict and the
/// priorities it meets, without the report's labels and explanations
/// (about a kilobyte a dossier, in every one of 100 000). The report is
/// made again ([`evaluate`]) for the dossier on screen.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Standing {
    pub verdict: Verdict,
    /// The priorities (rules that are not required) met, as indices into
    /// the call's `eligibility`.
    pub priorities: Vec<usize>,
}

impl Standing {
    /// The labels of the priorities met, in the call's order.
    pub fn priority_labels<'a>(&self, call: &'a Call) -> Vec<&'a str> {
        self.priorities
            .iter()
            .filter_map(|i| call.eligibility.get(*i))
            .map(|r| r.label.as_str())
            .collect()
    }
}

/// [`evaluate`] without its texts: the [`Standing`] the lists keep.
pub fn standing(call: &Call, d: &Dossier) -> Standing {
    let mut verdict = Verdict::Eligible;
    let mut priorities = Vec::new();
    for (i, r) in call.eligibility.iter().enumerate() {
        let o = outcome(call, r, d, None);
        if r.required {
            verdict = fold(verdict, &o);
        } else if o == Outcome::Met {
            priorities.push(i);
        }
    }
    Standing {
        verdict,
        priorities,
    }
}

fn check(call: &Call, rule: &Rule, d: &Dossier, lang: Lang) -> Outcome {
    outcome(call, rule, d, Some(lang))
}

/// A rule's outcome; its explanation written only when `explain` gives
/// the language (a verdict for the ranking needs none).
fn outcome(call: &Call, rule: &Rule, d: &Dossier, explain: Option<Lang>) -> Outcome {
    let say = |text: &dyn Fn(Lang) -> String| explain.map(text).unwrap_or_default();
    match &rule.test {
        Test::ReceivedByDeadline => {
            let local = d.received_at.with_timezone(&Paris);
            if local.date_naive() <= call.deadline {
                Outcome::Met
            } else {
                Outcome::NotMet(say(&|lang| {
                    format!(
                        "{} {} {}, {} {}",
                        lang.t("reçu le", "received on"),
                        lang.date(local.date_naive()),
                        local.format("%H:%M"),
                        lang.t("après la date limite du", "after the deadline of"),
                        lang.date(call.deadline)
                    )
                }))
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
                return Outcome::Unknown(say(&|lang| {
                    format!(
                        "{} {}",
                        lang.t(
                            "information absente du dossier :",
                            "missing from the dossier:"
                        ),
                        crate::completion::title(pointer, lang)
                    )
                }));
            };
            let _ = present; // presence is established by reaching here
            if let Some(e) = equals
                && v != e
            {
                return Outcome::NotMet(say(&|lang| {
                    format!(
                        "{} {}, {} {}",
                        lang.t("valeur", "value"),
                        show(v, lang),
                        lang.t("attendu", "expected"),
                        show(e, lang)
                    )
                }));
            }
            if let Some(set) = one_of
                && !set.contains(v)
            {
                return Outcome::NotMet(say(&|lang| {
                    let list: Vec<String> = set.iter().map(|x| show(x, lang)).collect();
                    format!(
                        "{} {}, {} {}",
                        lang.t("valeur", "value"),
                        show(v, lang),
                        lang.t("hors de", "not among"),
                        list.join(", ")
                    )
                }));
            }
            if min.is_some() || max.is_some() {
                let Some(x) = v.as_f64() else {
                    return Outcome::Unknown(say(&|lang| {
                        format!(
                            "{} {}",
                            lang.t("nombre attendu, trouvé", "number expected, found"),
                            show(v, lang)
                        )
                    }));
                };
                if let Some(m) = min
                    && x < *m
                {
                    return Outcome::NotMet(say(&|lang| {
                        format!(
                            "{} < {} {}",
                            lang.score(x),
                            lang.score(*m),
                            lang.t("(minimum)", "(minimum)")
                        )
                    }));
                }
                if let Some(m) = max
                    && x > *m
                {
                    return Outcome::NotMet(say(&|lang| {
                        format!(
                            "{} > {} {}",
                            lang.score(x),
                            lang.score(*m),
                            lang.t("(maximum)", "(maximum)")
                        )
                    }));
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
