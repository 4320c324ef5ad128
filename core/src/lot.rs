//! Lots: one call in several parts judged apart (`"lots"` in `appel.json`).
//! Seed 002 is one call in two modules, « Module 1 : coordination » and
//! « Module 2 : formations », each with its own deadline, audition date,
//! decision period and « infructueux » outcome: « Ces points s'appliquent
//! de manière individuelle aux deux modules et aux deux institutions ». A
//! candidature answers one lot or several, named in the dossier at
//! `lots_field`.
//!
//! A lot is the call as that lot sees it ([`Call::lot_call`]): its deadline,
//! sessions, capacity, threshold, grid and institutions in place of the
//! call's. Everything the committee records in a session belongs to that
//! session's lot, so decisions, outcomes and validations are per lot.

use crate::call::{Call, Criterion};
use crate::json::{Diag, Fields};
use chrono::NaiveDate;
use jsonc_parser::ast::Value as Ast;
use serde_json::Value;

/// Where a dossier names its lots when the call does not say.
pub const DEFAULT_FIELD: &str = "/lots";

#[derive(Clone, Debug, PartialEq)]
pub struct Lot {
    pub id: String,
    /// « Module 1 : coordination »: how screens, letters and minutes name it.
    pub label: String,
    /// The lot's own deadline; None: the call's.
    pub deadline: Option<NaiveDate>,
    pub sessions: Vec<NaiveDate>,
    pub notify_by: Option<NaiveDate>,
    pub capacity: Option<u32>,
    pub quality_threshold: Option<f64>,
    /// The lot's own grid; None: the call's criteria. Ids differ from the
    /// call's and the other lots' so each lot's scores stay its own.
    pub criteria: Option<Vec<Criterion>>,
    /// The days of the lot's auditions, in a call with an audition stage;
    /// empty: the audition's own days.
    pub audition_days: Vec<NaiveDate>,
    /// Ids of the institutions that validate this lot's decisions; empty:
    /// all the call's.
    pub institutions: Vec<String>,
}

/// Where the committee stands: at which stage, on which lot. A call
/// without lots has no lot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    pub stage: crate::stage::Stage,
    pub lot: Option<String>,
}

/// What a dossier says it answers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answer {
    /// The lots it answers, by id, in the call's order.
    pub lots: Vec<String>,
    /// What it names that is no lot of the call, as written.
    pub unknown: Vec<String>,
}

impl Call {
    pub fn lot(&self, id: &str) -> Option<&Lot> {
        self.lots.iter().find(|l| l.id == id)
    }

    /// The call as `lot` sees it. The call itself for an unknown id (a
    /// call without lots has none).
    pub fn lot_call(&self, id: &str) -> Call {
        let mut c = self.clone();
        let Some(lot) = self.lot(id) else {
            return c;
        };
        if let Some(d) = lot.deadline {
            c.deadline = d;
        }
        if !lot.sessions.is_empty() {
            c.sessions = lot.sessions.clone();
        }
        c.notify_by = lot.notify_by.or(c.notify_by);
        c.capacity = lot.capacity.or(c.capacity);
        c.quality_threshold = lot.quality_threshold.or(c.quality_threshold);
        if let Some(criteria) = &lot.criteria {
            c.criteria = criteria.clone();
        }
        if let Some(a) = &mut c.audition
            && !lot.audition_days.is_empty()
        {
            a.days = lot.audition_days.clone();
        }
        if !lot.institutions.is_empty() {
            c.institutions.retain(|i| lot.institutions.contains(&i.id));
        }
        c
    }

    /// The lots `dossier` answers: its value at `lots_field`, a lot's id
    /// or label (accents and case aside) or a list of them.
    pub fn answer(&self, dossier: &Value) -> Answer {
        let mut out = Answer::default();
        if self.lots.is_empty() {
            return out;
        }
        let named: Vec<&str> = match dossier.pointer(&self.lots_field) {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for name in named {
            let folded = crate::search::fold(name.trim()).text;
            match self
                .lots
                .iter()
                .find(|l| l.id == name.trim() || crate::search::fold(&l.label).text == folded)
            {
                Some(l) if !out.lots.contains(&l.id) => out.lots.push(l.id.clone()),
                Some(_) => {}
                None => out.unknown.push(name.to_string()),
            }
        }
        out.lots
            .sort_by_key(|id| self.lots.iter().position(|l| &l.id == id));
        out
    }
}

/// Reads `"lots"` and `"lots_field"`. `criteria` are the call's (and the
/// audition's): a lot's own criteria take other ids; `institutions` are the
/// call's ids, which a lot's must name; `audition` says whether the call
/// has an audition stage for `audition_days` to belong to.
pub fn parse(
    call: &Fields,
    criteria: &[Criterion],
    institutions: &[String],
    audition: bool,
    errors: &mut Vec<Diag>,
) -> (Vec<Lot>, String) {
    let field = call
        .opt_string("lots_field", errors)
        .unwrap_or_else(|| DEFAULT_FIELD.to_string());
    if let Some(v) = call.get("lots_field")
        && !field.starts_with('/')
    {
        errors.push(call.src.error(
            v,
            format!("« lots_field » : un pointeur JSON commençant par « / » est attendu (ex. « {DEFAULT_FIELD} »)"),
        ));
    }
    let Some(items) = call.opt_array("lots", errors) else {
        return (Vec::new(), field);
    };
    let mut lots: Vec<Lot> = Vec::new();
    let mut taken: Vec<String> = criteria.iter().map(|c| c.id.clone()).collect();
    for f in crate::call::each_object(call, "lots", items, errors) {
        let (id, label) = (f.string("id", errors), f.string("label", errors));
        if let (Some(id), Some(v)) = (&id, f.get("id"))
            && lots.iter().any(|l| &l.id == id)
        {
            errors.push(f.src.error(v, format!("lot « {id} » défini deux fois")));
        }
        let deadline = f.opt_date("deadline", errors);
        let sessions = dates(&f, "sessions", errors);
        let notify_by = f.opt_date("notify_by", errors);
        let capacity = crate::call::count(&f, "capacity", errors);
        let quality_threshold = f.opt_number("quality_threshold", errors);
        if let (Some(q), Some(v)) = (quality_threshold, f.get("quality_threshold"))
            && !(0.0..=100.0).contains(&q)
        {
            errors.push(f.src.error(
                v,
                format!(
                    "« {} » est sur 100 : entre 0 et 100",
                    f.name("quality_threshold")
                ),
            ));
        }
        let own = f
            .opt_array("criteria", errors)
            .map(|items| crate::call::criteria(&f, items, errors));
        if let (Some(own), Some(v)) = (&own, f.get("criteria")) {
            if own.is_empty() {
                errors.push(f.src.error(
                    v,
                    format!(
                        "« {} » : la grille du lot doit avoir au moins un critère (ou retirez « criteria » : le lot prend alors celle de l'appel)",
                        f.name("criteria")
                    ),
                ));
            }
            for c in own {
                if taken.contains(&c.id) {
                    errors.push(f.src.error(
                        v,
                        format!(
                            "« {} » : le critère « {} » existe déjà dans une autre grille de l'appel ; donnez-lui un identifiant propre au lot",
                            f.name("criteria"),
                            c.id
                        ),
                    ));
                }
            }
            taken.extend(own.iter().map(|c| c.id.clone()));
        }
        let audition_days = dates(&f, "audition_days", errors);
        if !audition
            && !audition_days.is_empty()
            && let Some(v) = f.get("audition_days")
        {
            errors.push(f.src.error(
                v,
                format!(
                    "« {} » : l'appel n'a pas d'étape d'audition (« audition »)",
                    f.name("audition_days")
                ),
            ));
        }
        let own_institutions = strings(&f, "institutions", errors);
        if let Some(Ast::Array(a)) = f.get("institutions") {
            // `strings` kept the texts only: pair each with its own place.
            let texts = a.elements.iter().filter(|e| matches!(e, Ast::StringLit(_)));
            for (name, item) in own_institutions.iter().zip(texts) {
                if !institutions.contains(name) {
                    errors.push(f.src.error(
                        item,
                        format!(
                            "« {} » : « {name} » n'est pas une institution de l'appel (« institutions »)",
                            f.name("institutions")
                        ),
                    ));
                }
            }
        }
        if let (Some(id), Some(label)) = (id, label) {
            lots.push(Lot {
                id,
                label,
                deadline,
                sessions,
                notify_by,
                capacity,
                quality_threshold,
                criteria: own,
                audition_days,
                institutions: own_institutions,
            });
        }
    }
    if lots.is_empty()
        && let Some(v) = call.get("lots")
    {
        errors.push(call.src.error(
            v,
            "« lots » : la liste doit avoir au moins un lot (ou retirez « lots »)",
        ));
    }
    (lots, field)
}

fn dates(f: &Fields, key: &str, errors: &mut Vec<Diag>) -> Vec<NaiveDate> {
    f.opt_array(key, errors)
        .map(|items| crate::call::dates(f, &f.name(key), items, errors))
        .unwrap_or_default()
}

fn strings(f: &Fields, key: &str, errors: &mut Vec<Diag>) -> Vec<String> {
    let Some(items) = f.opt_array(key, errors) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Ast::StringLit(s) => out.push(s.value.to_string()),
            other => errors.push(f.src.error(
                other,
                format!("« {}[{i}] » : un texte est attendu", f.name(key)),
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::call::Call;
    use serde_json::json;

    fn call(lots: &str) -> Result<Call, Vec<crate::json::Diag>> {
        Call::parse(
            "appel.json",
            &format!(
                r#"{{
  "format": "jury-appel/1", "id": "x", "title": "T",
  "issuer": {{ "name": "Caf" }},
  "deadline": "2024-04-28",
  "scale": {{ "min": 0, "max": 4 }},
  "criteria": [{{ "id": "q", "label": "Qualité", "weight": 1 }}],
  "institutions": [{{ "id": "caf03", "name": "Caf de l'Allier" }}, {{ "id": "caf63", "name": "Caf du Puy-de-Dôme" }}],
  "lots": {lots}
}}"#
            ),
        )
    }

    #[test]
    fn a_lot_is_the_call_with_its_own_deadline_grid_and_institutions() {
        let c = call(
            r#"[
  { "id": "m1", "label": "Module 1 : coordination", "deadline": "2024-03-17", "capacity": 1 },
  { "id": "m2", "label": "Module 2 : formations", "capacity": 2,
    "criteria": [{ "id": "m2-q", "label": "Qualité", "weight": 1 }], "institutions": ["caf63"] }
]"#,
        )
        .expect("valid");
        let m1 = c.lot_call("m1");
        assert_eq!(m1.deadline.to_string(), "2024-03-17");
        assert_eq!(m1.capacity, Some(1));
        assert_eq!(m1.criteria[0].id, "q");
        assert_eq!(m1.institutions.len(), 2);
        let m2 = c.lot_call("m2");
        assert_eq!(m2.deadline.to_string(), "2024-04-28");
        assert_eq!(m2.criteria[0].id, "m2-q");
        assert_eq!(m2.institutions.len(), 1);
        assert_eq!(m2.institutions[0].id, "caf63");
    }

    #[test]
    fn a_dossier_names_its_lots_by_id_or_label() {
        let c = call(
            r#"[{ "id": "m1", "label": "Module 1 : coordination" }, { "id": "m2", "label": "Module 2 : formations" }]"#,
        )
        .expect("valid");
        let a = c.answer(&json!({ "lots": ["module 2 : FORMATIONS", "m1", "m3"] }));
        assert_eq!(a.lots, ["m1", "m2"]);
        assert_eq!(a.unknown, ["m3"]);
        assert_eq!(c.answer(&json!({ "lots": "m2" })).lots, ["m2"]);
        assert!(c.answer(&json!({})).lots.is_empty());
    }

    #[test]
    fn mistakes_in_lots_are_named() {
        let errors = call(
            r#"[
  { "id": "m1", "label": "A", "criteria": [{ "id": "q", "label": "Q", "weight": 1 }], "institutions": ["caf15"] },
  { "id": "m1", "label": "B", "audition_days": ["2024-05-16"] }
]"#,
        )
        .expect_err("refused");
        let text: Vec<String> = errors.iter().map(|d| d.message.clone()).collect();
        let all = text.join("\n");
        assert!(all.contains("le critère « q » existe déjà"), "{all}");
        assert!(all.contains("« caf15 » n'est pas une institution"), "{all}");
        assert!(all.contains("lot « m1 » défini deux fois"), "{all}");
        assert!(all.contains("pas d'étape d'audition"), "{all}");
    }
}
