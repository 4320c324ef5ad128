//! The seed-002 sample, `samples/caf03-63-pdn-2024`: one call in two
//! modules, judged apart. The walk-through and other tests rely on who
//! answers which module and who is late for it; this holds the sample to
//! that distribution, read the way the app reads it.

use crate::common::harness;

use harness::*;
use jury_core::call::Call;
use jury_core::dossier::Dossier;
use jury_core::eligibility::{Verdict, evaluate, is_late};
use jury_core::fr::Lang;
use std::process::Command;

const CALL: &str = "samples/caf03-63-pdn-2024";
const CHAIR: &str = "Hélène Vasseur";

/// Each dossier and the modules it answers: module 1 has three
/// candidatures (one late), module 2 five (one late), one dossier answers
/// both.
const DISTRIBUTION: &[(&str, &[&str])] = &[
    ("ALLIER-2024-001", &["m1"]),
    ("ALLIER-2024-002", &["m1", "m2"]),
    ("ALLIER-2024-003", &["m1"]),
    ("ALLIER-2024-004", &["m2"]),
    ("ALLIER-2024-005", &["m2"]),
    ("ALLIER-2024-006", &["m2"]),
    ("ALLIER-2024-007", &["m2"]),
];

fn dossier(s: &Session, reference: &str) -> Dossier {
    s.app
        .state
        .batch
        .entries
        .iter()
        .find(|e| e.dossier.reference == reference)
        .unwrap_or_else(|| panic!("{reference} is not in the sample"))
        .dossier
        .full()
}

/// The candidates of the lot the committee stands on, each with whether
/// the app marks it late.
fn in_scope(s: &Session) -> Vec<(String, bool)> {
    let state = &s.app.state;
    (0..state.batch.entries.len())
        .filter(|i| state.in_scope(*i))
        .map(|i| {
            let e = &state.batch.entries[i];
            (e.dossier.reference.clone(), e.late)
        })
        .collect()
}

#[test]
fn each_dossier_answers_the_modules_the_walk_through_expects() {
    let s = open(CALL, Some(CHAIR));
    let call: &Call = &s.app.state.batch.whole;
    let ids: Vec<&str> = call.lots.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["m1", "m2"]);
    assert_eq!(call.institutions.len(), 2);
    assert_eq!(s.app.state.batch.entries.len(), DISTRIBUTION.len());
    for (reference, lots) in DISTRIBUTION {
        let d = dossier(&s, reference);
        let answer = call.answer(&d.raw);
        assert_eq!(answer.lots, *lots, "{reference}");
        assert!(
            answer.unknown.is_empty(),
            "{reference}: {:?}",
            answer.unknown
        );
        let entry = s
            .app
            .state
            .batch
            .entries
            .iter()
            .find(|e| &e.dossier.reference == reference)
            .expect("entry");
        assert_eq!(entry.lots, *lots, "{reference} as the app holds it");
    }
    // The sample names modules by id, by label and by a label in another
    // case, as a file filled by hand would.
    let named: Vec<String> = DISTRIBUTION
        .iter()
        .map(|(r, _)| dossier(&s, r).raw["candidature"]["modules"].to_string())
        .collect();
    assert!(
        named
            .iter()
            .any(|n| n.contains("\"Module 1 : coordination\""))
    );
    assert!(
        named
            .iter()
            .any(|n| n.contains("\"module 2 : Formations\""))
    );
    assert!(named.iter().any(|n| n == "\"m1\""), "{named:?}");
}

#[test]
fn each_module_has_its_own_deadline_and_grid() {
    let s = open(CALL, Some(CHAIR));
    let call = &s.app.state.batch.whole;
    let (m1, m2) = (call.lot_call("m1"), call.lot_call("m2"));
    assert_eq!(m1.deadline.to_string(), "2024-03-17");
    assert_eq!(m2.deadline.to_string(), "2024-04-28");
    assert_eq!((m1.capacity, m2.capacity), (Some(1), Some(2)));
    let weights = |c: &Call| c.criteria.iter().map(|c| c.weight).sum::<f64>();
    assert_eq!((weights(&m1), weights(&m2)), (100.0, 100.0));
    assert_eq!(m1.criteria[4].id, "coordinateur");
    assert!(m2.criteria.iter().all(|c| c.id.starts_with("m2-")));
    assert_eq!(
        m2.criteria[4].label,
        "Références et expérience des formateurs pressentis"
    );
    // Both institutions validate both modules.
    assert_eq!((m1.institutions.len(), m2.institutions.len()), (2, 2));
}

#[test]
fn a_dossier_is_late_by_its_module_deadline() {
    let s = open(CALL, Some(CHAIR));
    let call = &s.app.state.batch.whole;
    let (m1, m2) = (call.lot_call("m1"), call.lot_call("m2"));
    let verdict = |c: &Call, r: &str| evaluate(c, &dossier(&s, r), Lang::Fr).verdict;
    // Received on 20 March: late for module 1 (17 March), which it
    // answers; module 2's deadline would have taken it.
    assert!(is_late(&m1, &dossier(&s, "ALLIER-2024-003")));
    assert!(!is_late(&m2, &dossier(&s, "ALLIER-2024-003")));
    assert_eq!(verdict(&m1, "ALLIER-2024-003"), Verdict::Ineligible);
    // The dossier answering both modules is on time for each.
    for lot in [&m1, &m2] {
        assert!(!is_late(lot, &dossier(&s, "ALLIER-2024-002")));
        assert_eq!(verdict(lot, "ALLIER-2024-002"), Verdict::Eligible);
    }
    // Received on 30 April: late for module 2.
    assert!(is_late(&m2, &dossier(&s, "ALLIER-2024-007")));
    assert_eq!(verdict(&m2, "ALLIER-2024-007"), Verdict::Ineligible);
    assert_eq!(verdict(&m1, "ALLIER-2024-001"), Verdict::Eligible);
    for r in ["ALLIER-2024-004", "ALLIER-2024-005", "ALLIER-2024-006"] {
        assert_eq!(verdict(&m2, r), Verdict::Eligible, "{r}");
    }
}

#[test]
fn the_app_opens_on_module_1_and_switching_lot_applies_module_2s_deadline() {
    let mut s = open(CALL, Some(CHAIR));
    assert_eq!(s.app.state.batch.call.deadline.to_string(), "2024-03-17");
    assert_eq!(
        in_scope(&s),
        [
            ("ALLIER-2024-001".to_string(), false),
            ("ALLIER-2024-002".to_string(), false),
            ("ALLIER-2024-003".to_string(), true),
        ]
    );
    s.act("switch_lot");
    assert_eq!(s.app.state.batch.call.deadline.to_string(), "2024-04-28");
    assert_eq!(
        in_scope(&s),
        [
            ("ALLIER-2024-002".to_string(), false),
            ("ALLIER-2024-004".to_string(), false),
            ("ALLIER-2024-005".to_string(), false),
            ("ALLIER-2024-006".to_string(), false),
            ("ALLIER-2024-007".to_string(), true),
        ]
    );
}

#[test]
fn jury_check_finds_no_error_in_the_sample() {
    let out = Command::new(env!("CARGO_BIN_EXE_jury"))
        .arg("check")
        .arg(root().join(CALL))
        .output()
        .expect("run jury check");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    for said in [
        "7 dossier(s) valide(s)",
        ", 0 erreur(s)",
        ", 0 avertissement(s)",
        // Each module's candidatures, late ones included.
        "Lot m1 « Module 1 : coordination » : date limite du 17 mars 2024, 3 candidature(s), 1 place(s).",
        "Lot m2 « Module 2 : formations » : date limite du 28 avril 2024, 5 candidature(s), 2 place(s).",
    ] {
        assert!(text.contains(said), "{said}: {text}");
    }
}

#[test]
fn mistakes_in_the_samples_lots_are_named_where_they_are() {
    let text = std::fs::read_to_string(root().join(CALL).join("appel.json")).expect("appel.json");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    v["lots"][0]["capacity"] = serde_json::json!(-1);
    v["lots"][1]["id"] = serde_json::json!(" ");
    v["lots"][1]["institutions"] = serde_json::json!([3, "caf15"]);
    v["lots"]
        .as_array_mut()
        .expect("lots")
        .push(serde_json::json!({ "label": "Module 3 : évaluation" }));
    let text = serde_json::to_string_pretty(&v).expect("JSON");
    let errors = Call::parse("appel.json", &text).expect_err("refused");
    let said = |m: &str| {
        errors
            .iter()
            .find(|d| d.message.contains(m))
            .unwrap_or_else(|| panic!("no « {m} » in {errors:?}"))
    };
    // A count in a lot is named with its lot, like every other key of it.
    said("« lots[0].capacity » : un nombre entier positif est attendu");
    // A lot without an id is an error, not a lot quietly left out.
    said("« lots[1].id » est vide");
    said("champ obligatoire « lots[2].id » manquant");
    // The unknown institution is pointed at, not the number before it.
    let unknown = said("« caf15 » n'est pas une institution");
    let line = text
        .lines()
        .position(|l| l.contains("\"caf15\""))
        .expect("the line")
        + 1;
    assert_eq!(unknown.line, line, "{unknown:?}");
    // An empty list is no call without lots: it says so.
    v["lots"] = serde_json::json!([]);
    let text = serde_json::to_string_pretty(&v).expect("JSON");
    let errors = Call::parse("appel.json", &text).expect_err("refused");
    assert!(
        errors
            .iter()
            .any(|d| d.message
                == "« lots » : la liste doit avoir au moins un lot (ou retirez « lots »)"),
        "{errors:?}"
    );
}
