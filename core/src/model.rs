//! A call set up by answering questions (`jury new`): the answers, the
//! built-in grid of the Promeneurs du Net Parentalité calls (seed 001), the
//! eligibility rules of the menu, and the `appel.json` they make. Pure: the
//! command line asks the questions and writes the files.

use crate::call::{Criterion, Member};
use crate::fr::Lang;
use chrono::NaiveDate;
use serde_json::{Value, json};

/// What the coordinator answered, checked one answer at a time.
#[derive(Clone, Debug, PartialEq)]
pub struct Answers {
    /// The call's id (names its database): see [`slug`].
    pub id: String,
    pub title: String,
    pub issuer: String,
    pub contact_email: Option<String>,
    pub deadline: NaiveDate,
    /// The best score; the scale starts at 0.
    pub scale_max: u32,
    pub criteria: Vec<Criterion>,
    pub rules: Vec<RuleChoice>,
    pub members: Vec<Member>,
}

/// An eligibility rule chosen from the menu, with what it asked. Each maps
/// to a test `core::call` reads: no new kind of rule.
#[derive(Clone, Debug, PartialEq)]
pub enum RuleChoice {
    /// `received_by_deadline`.
    Deadline,
    /// `/professional/employment` `in` these statuses ([`EMPLOYMENT`] ids).
    Employment(Vec<&'static str>),
    /// `/project/weekly_online_hours` `min`.
    WeeklyHours(f64),
    /// `/commitments/charter_signed` `equals` true.
    Charter,
    /// `/structure/territory` `in` these, as a priority (`required: false`).
    Territories(Vec<String>),
}

/// The statuses a dossier's `professional.employment` takes
/// (`dossier::Employment`), with their names.
pub const EMPLOYMENT: &[(&str, &str, &str)] = &[
    ("salarie", "salarié", "employed"),
    ("benevole", "bénévole", "volunteer"),
    ("independant", "indépendant", "self-employed"),
    ("autre", "autre", "other"),
];

/// The grid of the Promeneurs du Net Parentalité calls: the four criteria
/// of seed 001's « Critères d'éligibilité », in its words and order, with the
/// weights of the Paris call (3, 4, 2, 1) and what each looks at.
pub fn pdnp_grid() -> Vec<Criterion> {
    let c = |id: &str, label: &str, weight: f64, help: &str| Criterion {
        id: id.into(),
        label: label.into(),
        weight,
        help: Some(help.into()),
    };
    vec![
        c(
            "experience",
            "L'expérience de la structure dans le domaine de la parentalité",
            3.0,
            "Actions menées avec et pour les parents (actions financées par le Fonds national parentalité, LAEP, médiation familiale, espace de rencontre, référent famille, axe famille-parentalité d'un EVS), régularité, contact direct et régulier avec les parents, inscription dans le réseau parentalité du territoire.",
        ),
        c(
            "qualification",
            "La qualification et l'expérience du professionnel pressenti pour assurer la fonction de Promeneur du Net Parentalité",
            4.0,
            "L'accent est mis sur l'expérience dans le champ de l'accompagnement à la parentalité. Aucune expertise numérique n'est exigée : une appétence pour les nouvelles technologies et les réseaux sociaux suffit, la formation « Premier pas » et les échanges de pratiques feront le reste.",
        ),
        c(
            "coherence",
            "L'articulation du dispositif « Promeneurs du Net Parentalité » avec le projet global de la structure",
            2.0,
            "La présence en ligne s'intègre-t-elle au projet de la structure et au champ d'intervention habituel du professionnel ? Horaires identifiés et adaptés aux disponibilités des parents, temps et matériel fournis par la structure, thématiques envisagées (relations familiales, séparation, vie numérique, information et orientation).",
        ),
        c(
            "formation",
            "L'engagement de la structure à faire participer le Promeneur du Net Parentalité aux formations et regroupements proposés",
            1.0,
            "Journée de formation obligatoire « Premier pas », sessions de regroupement, suivi individuel à la demande, participation aux animations du réseau départemental et bilan d'activité transmis à la coordination.",
        ),
    ]
}

/// An id made of a label: lower case, accents and punctuation dropped,
/// words joined by `-`, at most 40 characters (`Qualité du projet` →
/// `qualite-du-projet`). Empty when nothing is left.
pub fn slug(s: &str) -> String {
    let folded = crate::search::fold(s).text;
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.chars().take(40).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// A criterion typed by the coordinator: its id is made of its label,
/// numbered when another criterion already has it.
pub fn criterion(label: &str, weight: f64, taken: &[Criterion]) -> Criterion {
    let base = match slug(label) {
        s if s.is_empty() => "critere".to_string(),
        s => s,
    };
    let mut id = base.clone();
    let mut n = 2;
    while taken.iter().any(|c| c.id == id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    Criterion {
        id,
        label: label.to_string(),
        weight,
        help: None,
    }
}

/// The call the answers describe, as `appel.json` holds it, keys in the
/// order of docs/call.md. Rule labels are in `lang`; the intake's column
/// labels are French examples, to be replaced by the form's own.
pub fn call_json(a: &Answers, lang: Lang) -> Value {
    let mut issuer = json!({ "name": a.issuer });
    if let Some(email) = &a.contact_email {
        issuer["contact_email"] = json!(email);
    }
    let criteria: Vec<Value> = a
        .criteria
        .iter()
        .map(|c| {
            let mut v = json!({ "id": c.id, "label": c.label, "weight": number(c.weight) });
            if let Some(help) = &c.help {
                v["help"] = json!(help);
            }
            v
        })
        .collect();
    let mut call = json!({
        "format": crate::call::FORMAT,
        "id": a.id,
        "title": a.title,
        "issuer": issuer,
        "deadline": a.deadline.format("%Y-%m-%d").to_string(),
        "scale": { "min": 0, "max": a.scale_max },
        "criteria": criteria,
    });
    if !a.rules.is_empty() {
        call["eligibility"] = a.rules.iter().map(|r| rule(r, a.deadline, lang)).collect();
    }
    if !a.members.is_empty() {
        call["members"] = a
            .members
            .iter()
            .map(|m| json!({ "name": m.name, "role": m.role.id() }))
            .collect();
    }
    call["intake"] = intake(&a.rules);
    call
}

/// `appel.json`'s text: pretty JSON like the samples' (the format takes
/// no comments: the `intake` example is explained by `jury new` and
/// docs/call.md).
pub fn appel_text(call: &Value) -> String {
    let mut text = serde_json::to_string_pretty(call).unwrap_or_default();
    text.push('\n');
    text
}

/// Whole weights as integers (`3`, not `3.0`), like the samples.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

fn rule(r: &RuleChoice, deadline: NaiveDate, lang: Lang) -> Value {
    match r {
        RuleChoice::Deadline => json!({
            "id": "delai",
            "label": match lang {
                Lang::Fr => format!("Dossier déposé au plus tard le {} inclus", lang.date(deadline)),
                Lang::En => format!("Dossier received on or before {}", lang.date(deadline)),
            },
            "received_by_deadline": true,
        }),
        RuleChoice::Employment(allowed) => {
            let names: Vec<&str> = allowed
                .iter()
                .filter_map(|id| EMPLOYMENT.iter().find(|(e, _, _)| e == id))
                .map(|(_, fr, en)| lang.t(fr, en))
                .collect();
            json!({
                "id": "statut",
                "label": format!("{}{}", lang.t("Statut du professionnel\u{a0}: ", "Professional's status: "), names.join(", ")),
                "pointer": "/professional/employment",
                "in": allowed,
            })
        }
        RuleChoice::WeeklyHours(h) => json!({
            "id": "heures",
            "label": match lang {
                Lang::Fr => format!("Au moins {}\u{a0}h de présence en ligne par semaine", lang.score(*h)),
                Lang::En => format!("At least {} h online presence a week", lang.score(*h)),
            },
            "pointer": "/project/weekly_online_hours",
            "min": number(*h),
        }),
        RuleChoice::Charter => json!({
            "id": "charte",
            "label": lang.t("Charte signée", "Charter signed"),
            "pointer": "/commitments/charter_signed",
            "equals": true,
        }),
        RuleChoice::Territories(list) => json!({
            "id": "territoire",
            "label": lang.t("Territoire prioritaire", "Priority territory"),
            "pointer": "/structure/territory",
            "in": list,
            "required": false,
        }),
    }
}

/// Example columns: every field a dossier needs (docs/dossier.md), then
/// those the chosen rules read.
fn intake(rules: &[RuleChoice]) -> Value {
    let mut columns = vec![
        ("Numéro", "/reference", "text"),
        ("Reçu le", "/received_at", "datetime"),
        ("Structure", "/structure/name", "text"),
        ("Adresse", "/structure/address/street", "text"),
        ("Code postal", "/structure/address/postcode", "text"),
        ("Commune", "/structure/address/city", "text"),
        (
            "Représentant légal",
            "/structure/representative/name",
            "text",
        ),
        (
            "Fonction du représentant",
            "/structure/representative/title",
            "text",
        ),
        ("Courriel", "/structure/email", "text"),
        ("Professionnel proposé", "/professional/name", "text"),
        ("Poste", "/professional/role", "text"),
        (
            "Statut du professionnel",
            "/professional/employment",
            "text",
        ),
    ];
    for r in rules {
        columns.push(match r {
            RuleChoice::WeeklyHours(_) => (
                "Heures en ligne par semaine",
                "/project/weekly_online_hours",
                "decimal",
            ),
            RuleChoice::Charter => ("Charte signée", "/commitments/charter_signed", "yesno"),
            RuleChoice::Territories(_) => ("Territoire", "/structure/territory", "text"),
            RuleChoice::Deadline | RuleChoice::Employment(_) => continue,
        });
    }
    let columns: Vec<Value> = columns
        .into_iter()
        .map(|(column, field, kind)| json!({ "column": column, "field": field, "type": kind }))
        .collect();
    json!({ "columns": columns })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{Call, Role, Test};

    fn answers(rules: Vec<RuleChoice>) -> Answers {
        Answers {
            id: "caf-test-2099".into(),
            title: "Appel test".into(),
            issuer: "Caf du Var".into(),
            contact_email: Some("pdnp@caf83.example.org".into()),
            deadline: NaiveDate::from_ymd_opt(2099, 9, 15).unwrap(),
            scale_max: 20,
            criteria: pdnp_grid(),
            rules,
            members: vec![
                Member {
                    name: "Sylvie Marcellin".into(),
                    role: Role::Chair,
                },
                Member {
                    name: "Julien Ferrand".into(),
                    role: Role::Member,
                },
            ],
        }
    }

    #[test]
    fn every_menu_rule_reads_back_as_the_test_it_means() {
        let a = answers(vec![
            RuleChoice::Deadline,
            RuleChoice::Employment(vec!["salarie", "benevole"]),
            RuleChoice::WeeklyHours(2.5),
            RuleChoice::Charter,
            RuleChoice::Territories(vec!["CA du Pays de Grasse".into()]),
        ]);
        let text = appel_text(&call_json(&a, Lang::Fr));
        let call = Call::parse("appel.json", &text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
        assert_eq!(call.criteria, pdnp_grid());
        assert_eq!(call.scale.max, 20.0);
        assert_eq!(call.members.len(), 2);
        let tests: Vec<(&str, bool, &Test)> = call
            .eligibility
            .iter()
            .map(|r| (r.id.as_str(), r.required, &r.test))
            .collect();
        assert_eq!(tests[0], ("delai", true, &Test::ReceivedByDeadline));
        assert_eq!(
            call.eligibility[0].label,
            "Dossier déposé au plus tard le 15 septembre 2099 inclus"
        );
        let pointer = |i: usize| match tests[i].2 {
            Test::Pointer { pointer, .. } => pointer.as_str(),
            Test::ReceivedByDeadline => "",
        };
        assert_eq!(pointer(1), "/professional/employment");
        assert_eq!(pointer(2), "/project/weekly_online_hours");
        assert_eq!(pointer(3), "/commitments/charter_signed");
        assert_eq!(pointer(4), "/structure/territory");
        assert!(!tests[4].1, "the territory is a priority");
        assert_eq!(
            call.eligibility[2].label,
            "Au moins 2,5\u{a0}h de présence en ligne par semaine"
        );
        // The intake example maps what the rules read.
        let fields: Vec<&str> = call
            .intake
            .as_ref()
            .unwrap()
            .columns
            .iter()
            .map(|c| c.field.as_str())
            .collect();
        for f in [
            "/reference",
            "/project/weekly_online_hours",
            "/commitments/charter_signed",
            "/structure/territory",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn every_employment_id_is_one_a_dossier_may_hold() {
        for (id, _, _) in EMPLOYMENT {
            assert!(crate::dossier::Employment::parse(id).is_some(), "{id}");
        }
    }

    #[test]
    fn the_built_in_grid_is_the_paris_sample_made_from_seed_001() {
        let sample = include_str!("../../samples/caf75-pdnp-2025/appel.json");
        let call = Call::parse("appel.json", sample).unwrap();
        let ours = pdnp_grid();
        let strip = |c: &[Criterion]| {
            c.iter()
                .map(|c| (c.id.clone(), c.label.clone(), c.weight))
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&ours), strip(&call.criteria));
    }

    #[test]
    fn ids_are_made_of_labels_and_kept_unique() {
        assert_eq!(slug("Qualité du projet"), "qualite-du-projet");
        assert_eq!(slug("  L'œuvre — 2025 !"), "l-oeuvre-2025");
        assert_eq!(slug("« »"), "");
        let mut taken = Vec::new();
        for label in ["Projet", "projet !", "???"] {
            let c = criterion(label, 1.0, &taken);
            taken.push(c);
        }
        let ids: Vec<&str> = taken.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["projet", "projet-2", "critere"]);
    }
}
