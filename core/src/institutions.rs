//! Institutions whose validation makes a committee's decisions final. Seed
//! 002: the selection is « soumis à validation de la Caf de l'Allier et de
//! la Caf du Puy-de-Dôme ». Each institution validates (or not, with its
//! reasons) each closed session; letters wait until every one has.

use crate::json::{Diag, Fields};
use chrono::NaiveDate;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Institution {
    pub id: String,
    pub name: String,
}

/// One institution's answer on one session's decisions.
#[derive(Clone, Debug, PartialEq)]
pub struct Validation {
    pub session_id: i64,
    /// The institution's id in the call.
    pub institution: String,
    pub validated: bool,
    /// Who signed for the institution (« Hélène Vasseur, directrice »).
    pub by: String,
    pub on: NaiveDate,
    /// Why not, when not validated.
    pub reasons: String,
}

/// Where a session's decisions stand with the institutions.
#[derive(Clone, Debug, PartialEq)]
pub enum Standing {
    /// No institution to wait for, or every one validated.
    Final,
    /// Some have not answered yet (their names), none refused.
    Pending(Vec<String>),
    /// Some refused: their names and reasons. The decisions are not final.
    Refused(Vec<(String, String)>),
}

/// Reads `"institutions"`: a list of `{ "id", "name" }`, ids unique.
pub fn parse(call: &Fields, errors: &mut Vec<Diag>) -> Vec<Institution> {
    let Some(items) = call.opt_array("institutions", errors) else {
        return Vec::new();
    };
    let mut out: Vec<Institution> = Vec::new();
    for f in crate::call::each_object(call, "institutions", items, errors) {
        let (id, name) = (f.string("id", errors), f.string("name", errors));
        if let (Some(id), Some(v)) = (&id, f.get("id"))
            && out.iter().any(|i| &i.id == id)
        {
            errors.push(
                f.src
                    .error(v, format!("institution « {id} » définie deux fois")),
            );
        }
        if let (Some(id), Some(name)) = (id, name) {
            out.push(Institution { id, name });
        }
    }
    out
}

/// The standing of session `session_id`: each institution's latest answer.
pub fn standing(
    institutions: &[Institution],
    validations: &[Validation],
    session_id: i64,
) -> Standing {
    let mut pending = Vec::new();
    let mut refused = Vec::new();
    for i in institutions {
        match validations
            .iter()
            .rev()
            .find(|v| v.session_id == session_id && v.institution == i.id)
        {
            None => pending.push(i.name.clone()),
            Some(v) if !v.validated => refused.push((i.name.clone(), v.reasons.clone())),
            Some(_) => {}
        }
    }
    if !refused.is_empty() {
        Standing::Refused(refused)
    } else if !pending.is_empty() {
        Standing::Pending(pending)
    } else {
        Standing::Final
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cafs() -> Vec<Institution> {
        vec![
            Institution {
                id: "caf03".into(),
                name: "Caf de l'Allier".into(),
            },
            Institution {
                id: "caf63".into(),
                name: "Caf du Puy-de-Dôme".into(),
            },
        ]
    }

    fn answer(institution: &str, validated: bool) -> Validation {
        Validation {
            session_id: 2,
            institution: institution.into(),
            validated,
            by: "X".into(),
            on: NaiveDate::from_ymd_opt(2024, 4, 2).expect("date"),
            reasons: if validated {
                String::new()
            } else {
                "Budget".into()
            },
        }
    }

    #[test]
    fn an_institution_without_a_name_is_refused_not_dropped() {
        let errors = crate::call::Call::parse(
            "appel.json",
            r#"{ "format": "jury-appel/1", "id": "x", "title": "T", "issuer": { "name": "Caf" },
  "deadline": "2024-03-17", "scale": { "min": 0, "max": 4 },
  "criteria": [{ "id": "q", "label": "Q", "weight": 1 }],
  "institutions": [{ "id": "caf03", "name": "Caf de l'Allier" }, { "id": "caf63" }] }"#,
        )
        .expect_err("refused");
        let all: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        assert!(
            all.iter().any(|m| m.contains("institutions[1].name")),
            "{all:?}"
        );
    }

    #[test]
    fn decisions_are_final_once_every_institution_validated() {
        let i = cafs();
        assert_eq!(
            standing(&i, &[], 2),
            Standing::Pending(vec!["Caf de l'Allier".into(), "Caf du Puy-de-Dôme".into()])
        );
        let one = [answer("caf03", true)];
        assert_eq!(
            standing(&i, &one, 2),
            Standing::Pending(vec!["Caf du Puy-de-Dôme".into()])
        );
        assert_eq!(
            standing(&i, &one, 1).clone(),
            standing(&i, &[], 1),
            "another session"
        );
        let both = [answer("caf03", true), answer("caf63", true)];
        assert_eq!(standing(&i, &both, 2), Standing::Final);
        let refused = [answer("caf03", true), answer("caf63", false)];
        assert_eq!(
            standing(&i, &refused, 2),
            Standing::Refused(vec![("Caf du Puy-de-Dôme".into(), "Budget".into())])
        );
        // A later answer replaces an earlier one.
        let again = [
            answer("caf03", true),
            answer("caf63", false),
            answer("caf63", true),
        ];
        assert_eq!(standing(&i, &again, 2), Standing::Final);
        assert_eq!(
            standing(&[], &[], 2),
            Standing::Final,
            "no institution to wait for"
        );
    }
}
