//! Eligibility rules: every operator, missing fields, and the deadline
//! boundary in summer and winter time, whatever offset stamped the dossier.

use jury_core::call::Call;
use jury_core::dossier::Dossier;
use jury_core::eligibility::{Outcome, Verdict, evaluate};
use jury_core::fr::Lang;
use serde_json::json;

fn call(deadline: &str, rules: serde_json::Value) -> Call {
    let v = json!({
        "format": "jury-appel/1", "id": "t", "title": "T", "issuer": { "name": "Caf" },
        "deadline": deadline, "scale": { "min": 0, "max": 5 },
        "criteria": [ { "id": "a", "label": "A", "weight": 1 } ],
        "eligibility": rules
    });
    Call::from_value(&v).expect("call")
}

fn dossier(received_at: &str, extra: serde_json::Value) -> Dossier {
    let mut v = json!({
        "format": "jury-dossier/1", "reference": "R-1", "received_at": received_at,
        "structure": { "name": "S", "address": { "street": "1 rue", "postcode": "06000", "city": "Nice" },
                       "representative": { "name": "N", "title": "T" }, "email": "a@b.example.org" },
        "professional": { "name": "P", "role": "R", "employment": "salarie" }
    });
    if let (Some(m), Some(x)) = (v.as_object_mut(), extra.as_object()) {
        for (k, val) in x {
            m.insert(k.clone(), val.clone());
        }
    }
    Dossier::from_value(&v).expect("dossier")
}

fn outcome(c: &Call, d: &Dossier, rule: usize) -> Outcome {
    evaluate(c, d, Lang::Fr).checks[rule].outcome.clone()
}

fn deadline_call(date: &str) -> Call {
    call(
        date,
        json!([{ "id": "delai", "label": "Délai", "received_by_deadline": true }]),
    )
}

#[test]
fn summer_deadline_is_inclusive_in_paris_time() {
    let c = deadline_call("2025-07-04");
    assert_eq!(
        outcome(&c, &dossier("2025-07-04T23:59:00+02:00", json!({})), 0),
        Outcome::Met
    );
    assert!(matches!(
        outcome(&c, &dossier("2025-07-05T00:01:00+02:00", json!({})), 0),
        Outcome::NotMet(_)
    ));
    // 21:59 UTC is 23:59 in Paris (UTC+2): on time.
    assert_eq!(
        outcome(&c, &dossier("2025-07-04T21:59:00Z", json!({})), 0),
        Outcome::Met
    );
    // 22:30 UTC is 00:30 the next day in Paris: late, whatever the stamp says.
    let late = outcome(&c, &dossier("2025-07-04T22:30:00Z", json!({})), 0);
    match late {
        Outcome::NotMet(why) => assert!(why.contains("5 juillet 2025 00:30"), "{why}"),
        other => panic!("{other:?}"),
    }
    // Stamped in New York at 17:59 (23:59 in Paris): on time.
    assert_eq!(
        outcome(&c, &dossier("2025-07-04T17:59:00-04:00", json!({})), 0),
        Outcome::Met
    );
}

#[test]
fn winter_deadline_is_inclusive_in_paris_time() {
    let c = deadline_call("2025-03-10");
    assert_eq!(
        outcome(&c, &dossier("2025-03-10T23:59:00+01:00", json!({})), 0),
        Outcome::Met
    );
    assert!(matches!(
        outcome(&c, &dossier("2025-03-11T00:01:00+01:00", json!({})), 0),
        Outcome::NotMet(_)
    ));
    // 22:59 UTC is 23:59 in Paris (UTC+1): on time; 23:01 UTC is past midnight.
    assert_eq!(
        outcome(&c, &dossier("2025-03-10T22:59:00Z", json!({})), 0),
        Outcome::Met
    );
    assert!(matches!(
        outcome(&c, &dossier("2025-03-10T23:01:00Z", json!({})), 0),
        Outcome::NotMet(_)
    ));
}

#[test]
fn every_pointer_operator() {
    let c = call(
        "2025-07-04",
        json!([
            { "id": "eq", "label": "Charte", "pointer": "/commitments/charter_signed", "equals": true },
            { "id": "in", "label": "Statut", "pointer": "/professional/employment", "in": ["salarie", "benevole"] },
            { "id": "min", "label": "Heures", "pointer": "/project/hours", "min": 3 },
            { "id": "max", "label": "Budget", "pointer": "/project/budget", "max": 1000 },
            { "id": "present", "label": "Permanence", "pointer": "/project/slot", "present": true }
        ]),
    );
    let good = dossier(
        "2025-07-01T10:00:00+02:00",
        json!({ "commitments": { "charter_signed": true }, "project": { "hours": 3, "budget": 1000, "slot": "mardi" } }),
    );
    let r = evaluate(&c, &good, Lang::Fr);
    assert!(r.checks.iter().all(|k| k.outcome == Outcome::Met), "{r:?}");
    assert_eq!(r.verdict, Verdict::Eligible);

    let bad = dossier(
        "2025-07-01T10:00:00+02:00",
        json!({ "commitments": { "charter_signed": false }, "project": { "hours": 2.5, "budget": 1200, "slot": "mardi" } }),
    );
    let r = evaluate(&c, &bad, Lang::Fr);
    assert!(matches!(&r.checks[0].outcome, Outcome::NotMet(w) if w.contains("non")));
    assert_eq!(r.checks[1].outcome, Outcome::Met);
    assert!(
        matches!(&r.checks[2].outcome, Outcome::NotMet(w) if w.contains("2,5 < 3")),
        "{:?}",
        r.checks[2]
    );
    assert!(
        matches!(&r.checks[3].outcome, Outcome::NotMet(w) if w.contains("1\u{202F}200 > 1\u{202F}000")),
        "{:?}",
        r.checks[3]
    );
    assert_eq!(r.verdict, Verdict::Ineligible);
}

#[test]
fn a_missing_field_is_unknown_never_met() {
    let c = call(
        "2025-07-04",
        json!([
            { "id": "min", "label": "Heures", "pointer": "/project/weekly_online_hours", "min": 3 },
            { "id": "present", "label": "Permanence", "pointer": "/project/slot", "present": true }
        ]),
    );
    let d = dossier(
        "2025-07-01T10:00:00+02:00",
        json!({ "project": { "weekly_online_hours": null } }),
    );
    let r = evaluate(&c, &d, Lang::Fr);
    assert!(
        matches!(&r.checks[0].outcome, Outcome::Unknown(w) if w == "information absente du dossier : Projet › Heures en ligne par semaine")
    );
    assert!(matches!(&r.checks[1].outcome, Outcome::Unknown(_)));
    assert_eq!(r.verdict, Verdict::Unknown);
    // A text where a number is expected is unknown too.
    let d = dossier(
        "2025-07-01T10:00:00+02:00",
        json!({ "project": { "weekly_online_hours": "trois" } }),
    );
    assert!(matches!(outcome(&c, &d, 0), Outcome::Unknown(_)));
}

#[test]
fn a_priority_is_a_flag_never_a_reason_to_exclude() {
    let c = call(
        "2025-07-04",
        json!([
            { "id": "zone", "label": "Territoire prioritaire", "pointer": "/structure/territory", "in": ["CA du Pays de Grasse"], "required": false }
        ]),
    );
    let outside = dossier("2025-07-01T10:00:00+02:00", json!({}));
    let r = evaluate(&c, &outside, Lang::Fr);
    assert_eq!(r.verdict, Verdict::Eligible);
    assert!(r.priorities.is_empty());
    let mut v = outside.raw.clone();
    v["structure"]["territory"] = json!("CA du Pays de Grasse");
    let inside = Dossier::from_value(&v).expect("dossier");
    assert_eq!(
        evaluate(&c, &inside, Lang::Fr).priorities,
        vec!["Territoire prioritaire".to_string()]
    );
}

#[test]
fn the_sample_call_flags_its_boundary_cases() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025");
    let folder = jury::io::import::read_folder(&root).expect("sample");
    let verdict = |r: &str| {
        let (d, _) = folder
            .dossiers
            .iter()
            .find(|(d, _)| d.reference == r)
            .expect(r);
        jury_core::eligibility::is_late(&folder.call, &d.full())
    };
    assert!(
        !verdict("PDNP06-2025-025"),
        "23:59 on the deadline is on time"
    );
    assert!(verdict("PDNP06-2025-026"), "00:01 the next day is late");
    assert!(verdict("PDNP06-2025-027"), "22:30Z is 00:30 in Paris");
}

/// The committee's ranking reads `verdict` alone, and the lists keep the
/// `standing` alone, without labels: each must be what the whole report
/// says for every dossier of every sample.
#[test]
fn the_verdict_alone_is_the_reports_verdict() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut seen = std::collections::BTreeSet::new();
    let mut seen_priority = false;
    for sample in std::fs::read_dir(&root).expect("samples") {
        let dir = sample.expect("sample").path();
        let folder = jury::io::import::read_folder(&dir).expect("sample call");
        for (card, _) in &folder.dossiers {
            let d = &card.full();
            let report = evaluate(&folder.call, d, Lang::Fr);
            assert_eq!(
                jury_core::eligibility::verdict(&folder.call, d),
                report.verdict,
                "{}",
                d.reference
            );
            let standing = jury_core::eligibility::standing(&folder.call, d);
            assert_eq!(standing.verdict, report.verdict, "{}", d.reference);
            assert_eq!(
                standing.priority_labels(&folder.call),
                report.priorities,
                "{}",
                d.reference
            );
            seen.insert(format!("{:?}", report.verdict));
            if !report.priorities.is_empty() {
                seen_priority = true;
            }
        }
    }
    // The samples hold every kind of verdict, so the comparison covers them.
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen_priority, "no sample dossier meets a priority");
}
