//! The aid envelope a call may share among the dossiers it accepts
//! (`"budget"` in `appel.json`). Seed 003: « Une aide au démarrage de
//! 1 000 € … pourra être financée »; seed 001: equipment « en fonction de
//! l'enveloppe disponible ». Amounts go with accepting decisions; their sum
//! stays within the envelope unless the chair writes why it may not.

use crate::fr::Lang;
use crate::json::{Diag, Fields};
use crate::records::DecisionRow;
use serde_json::Value;

/// Above this an amount is a typing slip, not an envelope: it keeps sums
/// exact to the cent in an `f64`.
const MAX_EUR: f64 = 100_000_000.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Budget {
    /// The whole envelope, in euros.
    pub envelope_eur: f64,
    /// Where a dossier says how much it asks for (a JSON Pointer); None:
    /// the committee types every amount.
    pub request_pointer: Option<String>,
    /// At most this much for one dossier; None: the envelope is the limit.
    pub max_per_dossier_eur: Option<f64>,
}

impl Budget {
    /// What a dossier asks for, read at `request_pointer`: a number, or a
    /// string written as people write amounts (« 1 000 € »). None when the
    /// dossier does not say or says something else.
    pub fn requested(&self, dossier: &Value) -> Option<f64> {
        let v = dossier.pointer(self.request_pointer.as_deref()?)?;
        match v {
            Value::Number(n) => n.as_f64().filter(|x| x.is_finite() && *x >= 0.0),
            Value::String(s) => parse_amount(s).ok(),
            _ => None,
        }
    }

    /// What the decision form offers: the amount asked for, capped at the
    /// maximum per dossier, or at the envelope when the call sets none (a
    /// dossier asking for 1e300 € is offered the envelope, not a number
    /// nobody can type back).
    pub fn offered(&self, dossier: &Value) -> Option<f64> {
        let asked = self.requested(dossier)?;
        Some(asked.min(self.max_per_dossier_eur.unwrap_or(self.envelope_eur)))
    }
}

/// The sum of the amounts of the current accepting decisions, `except`'s
/// excluded (the decision being replaced).
pub fn allocated<'a>(
    call: &crate::call::Call,
    decisions: impl IntoIterator<Item = &'a DecisionRow>,
    except: &str,
) -> f64 {
    let accepted: Vec<String> = crate::decision::kinds(call, Lang::Fr)
        .into_iter()
        .filter(|k| k.accepted)
        .map(|k| k.id)
        .collect();
    decisions
        .into_iter()
        .filter(|d| d.reference != except && accepted.contains(&d.kind))
        .filter_map(|d| d.amount)
        .sum()
}

/// Where the envelope stands: allocated, what remains (negative when over)
/// and whether the chair let it be exceeded.
#[derive(Clone, Debug, PartialEq)]
pub struct Standing {
    pub allocated: f64,
    pub envelope: f64,
    pub overridden: bool,
}

impl Standing {
    pub fn of<'a>(
        call: &crate::call::Call,
        decisions: impl IntoIterator<Item = &'a DecisionRow> + Clone,
    ) -> Option<Standing> {
        let b = call.budget.as_ref()?;
        Some(Standing {
            allocated: allocated(call, decisions.clone(), ""),
            envelope: b.envelope_eur,
            overridden: decisions.into_iter().any(|d| !d.budget_override.is_empty()),
        })
    }

    pub fn over(&self) -> bool {
        self.allocated > self.envelope + CENT / 2.0
    }

    /// « Enveloppe : 2 150 € attribués / 3 000 € · reste 850 € ».
    pub fn line(&self, lang: Lang) -> String {
        let head = format!(
            "{} {} {} / {}",
            lang.t("Enveloppe :", "Envelope:"),
            lang.money(self.allocated),
            lang.t("attribués", "allocated"),
            lang.money(self.envelope)
        );
        if self.over() {
            let mut line = format!(
                "{head} · {} {}",
                lang.t("dépassement de", "over by"),
                lang.money(self.allocated - self.envelope)
            );
            if self.overridden {
                line.push_str(&format!(
                    " · {}",
                    lang.t(
                        "dépassement autorisé par la présidence",
                        "overrun authorised by the chair"
                    )
                ));
            }
            line
        } else {
            format!(
                "{head} · {} {}",
                lang.t("reste", "remaining"),
                lang.money(self.envelope - self.allocated)
            )
        }
    }
}

const CENT: f64 = 0.01;

/// An amount typed in the decision form that does not read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum AmountError {
    Unreadable(String),
    Negative,
}

impl AmountError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AmountError::Unreadable(text) => format!(
                "{} « {} » : {}",
                lang.t("Montant illisible", "Unreadable amount"),
                crate::fr::visible(text),
                lang.t(
                    "écrivez par exemple 1 000, 1000 € ou 850,50",
                    "write for example 1000, 1,000 € or 850.50"
                )
            ),
            AmountError::Negative => lang
                .t(
                    "Le montant accordé ne peut être négatif.",
                    "The amount granted cannot be negative.",
                )
                .into(),
        }
    }
}

crate::french_display!(AmountError);

/// An amount as people type it: « 1 000 », « 1000 € », « 850,50 »,
/// « 850.5 », « 1 000 EUR ». Spaces (no-break ones too) group thousands; a
/// comma or a point starts the cents, two digits at most.
pub fn parse_amount(text: &str) -> Result<f64, AmountError> {
    let unreadable = || AmountError::Unreadable(text.trim().to_string());
    let mut t = text.trim();
    for unit in ["€", "EUR", "eur", "euros", "Euros"] {
        if let Some(rest) = t.strip_suffix(unit) {
            t = rest.trim_end();
            break;
        }
    }
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t),
    };
    let digits: String = t
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let (int, cents) = match digits.split_once([',', '.']) {
        Some((i, c)) => (i, c),
        None => (digits.as_str(), ""),
    };
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if int.is_empty() || int.len() > 9 || !all_digits(int) || cents.len() > 2 || !all_digits(cents)
    {
        return Err(unreadable());
    }
    // Spaces only between groups of three: « 10 00 » is a slip.
    let groups: Vec<&str> = t
        .split([',', '.'])
        .next()
        .unwrap_or("")
        .split([' ', '\u{a0}', '\u{202f}'])
        .filter(|g| !g.is_empty())
        .collect();
    if groups.len() > 1 && groups[1..].iter().any(|g| g.len() != 3) {
        return Err(unreadable());
    }
    let value: f64 = format!("{int}.{}", if cents.is_empty() { "0" } else { cents })
        .parse()
        .map_err(|_| unreadable())?;
    if negative && value > 0.0 {
        return Err(AmountError::Negative);
    }
    Ok(value)
}

/// Reads `"budget"` from the call.
pub fn parse(call: &Fields, errors: &mut Vec<Diag>) -> Option<Budget> {
    let f = call.opt_object("budget", errors)?;
    let amount = |key: &str, x: Option<f64>, errors: &mut Vec<Diag>| {
        let x = x?;
        if x > 0.0 && x <= MAX_EUR {
            return Some(x);
        }
        if let Some(v) = f.get(key) {
            errors.push(f.src.error(
                v,
                format!(
                    "« {} » : un montant positif en euros est attendu (au plus 100 000 000), trouvé {x}",
                    f.name(key)
                ),
            ));
        }
        None
    };
    let envelope = f.number("envelope_eur", errors);
    let envelope = amount("envelope_eur", envelope, errors);
    let max = f.opt_number("max_per_dossier_eur", errors);
    let max = amount("max_per_dossier_eur", max, errors);
    let request_pointer = f.opt_string("request_pointer", errors);
    if let Some(p) = &request_pointer
        && !p.starts_with('/')
        && let Some(v) = f.get("request_pointer")
    {
        errors.push(f.src.error(
            v,
            format!(
                "« {} » : un pointeur JSON commence par « / » (ex. « /startup_aid/amount »), trouvé « {p} »",
                f.name("request_pointer")
            ),
        ));
    }
    if let (Some(e), Some(m), Some(v)) = (envelope, max, f.get("max_per_dossier_eur"))
        && m > e
    {
        errors.push(f.src.error(
            v,
            format!(
                "« {} » : le maximum par dossier ({}) dépasse l'enveloppe ({})",
                f.name("max_per_dossier_eur"),
                Lang::Fr.money(m),
                Lang::Fr.money(e)
            ),
        ));
    }
    Some(Budget {
        envelope_eur: envelope?,
        request_pointer,
        max_per_dossier_eur: max,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call_with(budget: &str) -> Result<crate::call::Call, Vec<Diag>> {
        let text = format!(
            r#"{{ "format": "jury-appel/1", "id": "t", "title": "T", "issuer": {{ "name": "Caf" }},
              "deadline": "2025-07-04", "scale": {{ "min": 0, "max": 5 }},
              "criteria": [{{ "id": "a", "label": "A", "weight": 1 }}],
              "budget": {budget} }}"#
        );
        crate::call::Call::parse("appel.json", &text)
    }

    #[test]
    fn amounts_read_as_people_type_them() {
        for (typed, value) in [
            ("1 000", 1000.0),
            ("1000 €", 1000.0),
            ("1\u{202f}000\u{a0}€", 1000.0),
            ("850,50", 850.5),
            ("850.5", 850.5),
            ("0", 0.0),
            ("12 345,67 EUR", 12345.67),
            (" 300 euros ", 300.0),
        ] {
            assert_eq!(parse_amount(typed), Ok(value), "{typed}");
        }
        for typed in [
            "", "mille", "10 00", "1,234,5", "850,505", "€", "1e3", "12-3",
        ] {
            assert!(
                matches!(parse_amount(typed), Err(AmountError::Unreadable(_))),
                "{typed}"
            );
        }
        assert_eq!(parse_amount("-50"), Err(AmountError::Negative));
        assert_eq!(parse_amount("-0"), Ok(0.0));
    }

    #[test]
    fn the_caf06_sample_shares_a_start_up_envelope() {
        let call = crate::call::Call::parse(
            "appel.json",
            include_str!("../../samples/caf06-pdnp-2025/appel.json"),
        )
        .expect("the sample parses");
        let b = call.budget.expect("a budget");
        assert_eq!(b.envelope_eur, 3000.0);
        assert_eq!(b.max_per_dossier_eur, Some(1000.0));
        let asks = |amount: Value| serde_json::json!({ "startup_aid": { "amount": amount } });
        assert_eq!(b.offered(&asks(1200.into())), Some(1000.0));
        assert_eq!(b.offered(&asks(450.into())), Some(450.0));
        assert_eq!(b.offered(&asks("1 000 €".into())), Some(1000.0));
        assert_eq!(b.offered(&asks(Value::Null)), None);
        assert_eq!(b.offered(&serde_json::json!({})), None);
    }

    #[test]
    fn mistakes_in_the_budget_are_named_with_their_place() {
        let errors = call_with(
            r#"{ "envelope_eur": 500, "request_pointer": "startup_aid/amount", "max_per_dossier_eur": 1000 }"#,
        )
        .expect_err("refused");
        let all: Vec<String> = errors.iter().map(|d| d.message.clone()).collect();
        let all = all.join("\n");
        assert!(
            all.contains("« budget.request_pointer » : un pointeur JSON commence par « / »"),
            "{all}"
        );
        assert!(
            all.contains(
                "le maximum par dossier (1\u{202f}000\u{a0}€) dépasse l'enveloppe (500\u{a0}€)"
            ),
            "{all}"
        );
        let errors =
            call_with(r#"{ "envelope_eur": -3, "max_per_dossier_eur": 0 }"#).expect_err("refused");
        let all: Vec<String> = errors.iter().map(|d| d.message.clone()).collect();
        assert_eq!(all.len(), 2, "{all:?}");
        assert!(
            all[0].starts_with("« budget.envelope_eur » : un montant positif"),
            "{all:?}"
        );
        assert!(
            all[1].starts_with("« budget.max_per_dossier_eur » : un montant positif"),
            "{all:?}"
        );
        assert!(errors.iter().all(|d| d.line > 0), "{errors:?}");
        let call = call_with(r#"{ "envelope_eur": 2000 }"#).expect("parses");
        assert_eq!(
            call.budget,
            Some(Budget {
                envelope_eur: 2000.0,
                request_pointer: None,
                max_per_dossier_eur: None
            })
        );
        let call =
            call_with(r#"{ "envelope_eur": 2000, "request_pointer": "/aid" }"#).expect("parses");
        let b = call.budget.expect("budget");
        assert_eq!(
            b.offered(&serde_json::json!({ "aid": 1e300 })),
            Some(2000.0)
        );
        assert_eq!(b.offered(&serde_json::json!({ "aid": -5 })), None);
    }

    #[test]
    fn the_envelope_line_says_what_remains_or_the_overrun() {
        let s = Standing {
            allocated: 2150.0,
            envelope: 3000.0,
            overridden: false,
        };
        assert_eq!(
            s.line(Lang::Fr),
            "Enveloppe : 2\u{202f}150\u{a0}€ attribués / 3\u{202f}000\u{a0}€ · reste 850\u{a0}€"
        );
        let s = Standing {
            allocated: 3200.0,
            envelope: 3000.0,
            overridden: true,
        };
        assert!(s.over());
        assert_eq!(
            s.line(Lang::Fr),
            "Enveloppe : 3\u{202f}200\u{a0}€ attribués / 3\u{202f}000\u{a0}€ · dépassement de 200\u{a0}€ · dépassement autorisé par la présidence"
        );
    }
}
