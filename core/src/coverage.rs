//! Territorial coverage: which of the call's priority territories the
//! committee's decisions cover (seed 000 seeks promeneurs « à l'Ouest, dans
//! le moyen pays et à l'Est du département »). The territories are those an
//! eligibility rule lists for `/structure/territory`, the dossier field
//! `jury new` and the samples use.

use crate::call::{Call, Test, decision_id};
use crate::committee::Candidacy;
use crate::records::DecisionRow;
use std::collections::HashMap;

/// The dossier field a territory is read from.
pub const POINTER: &str = "/structure/territory";

/// One priority territory and the dossiers it has, by current decision.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub territory: String,
    /// Current decision counts as accepted.
    pub accepted: Vec<String>,
    /// On the waiting list.
    pub waitlisted: Vec<String>,
    /// Convened to an audition (a call with auditions, at the dossier stage).
    pub convened: Vec<String>,
}

impl Row {
    /// Nobody accepted, waiting or convened here: the committee sees it.
    pub fn uncovered(&self) -> bool {
        self.accepted.is_empty() && self.waitlisted.is_empty() && self.convened.is_empty()
    }
}

/// The call's priority territories, in the order its rules list them:
/// every text an eligibility rule on [`POINTER`] accepts (`in`).
pub fn territories(call: &Call) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for rule in &call.eligibility {
        if let Test::Pointer {
            pointer,
            one_of: Some(values),
            ..
        } = &rule.test
            && pointer == POINTER
        {
            for v in values.iter().filter_map(|v| v.as_str()) {
                if !out.iter().any(|t| t == v) {
                    out.push(v.to_string());
                }
            }
        }
    }
    out
}

/// The coverage table: each priority territory with the dossiers of it
/// whose current decision (in `decisions`, by reference) accepts, waitlists
/// or convenes them. Empty when the call names no territory.
pub fn table<D: Candidacy>(
    call: &Call,
    dossiers: &[&D],
    decisions: &HashMap<String, DecisionRow>,
) -> Vec<Row> {
    let accepted: Vec<String> = crate::decision::kinds(call, crate::fr::Lang::Fr)
        .into_iter()
        .filter(|k| k.accepted)
        .map(|k| k.id)
        .collect();
    let mut rows: Vec<Row> = territories(call)
        .into_iter()
        .map(|territory| Row {
            territory,
            ..Row::default()
        })
        .collect();
    let mut sorted: Vec<&&D> = dossiers.iter().collect();
    sorted.sort_by(|a, b| a.reference().cmp(b.reference()));
    for d in sorted {
        let (Some(territory), Some(decision)) = (d.territory(), decisions.get(d.reference()))
        else {
            continue;
        };
        let Some(row) = rows.iter_mut().find(|r| r.territory == territory) else {
            continue;
        };
        let reference = d.reference().to_string();
        match decision.kind.as_str() {
            k if accepted.iter().any(|a| a == k) => row.accepted.push(reference),
            decision_id::LISTE_COMPLEMENTAIRE => row.waitlisted.push(reference),
            decision_id::CONVOQUE => row.convened.push(reference),
            _ => {}
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::Dossier;

    const CALL: &str = include_str!("../../samples/caf06-pdnp-2025/appel.json");

    fn dossier(reference: &str, territory: &str) -> Dossier {
        Dossier::from_value(&serde_json::json!({
            "format": "jury-dossier/1",
            "reference": reference,
            "received_at": "2025-07-01T10:00:00+02:00",
            "structure": { "name": "S", "territory": territory }
        }))
        .expect("dossier")
    }

    fn decided(reference: &str, kind: &str) -> (String, DecisionRow) {
        (
            reference.to_string(),
            DecisionRow {
                id: 1,
                session_id: 1,
                reference: reference.into(),
                kind: kind.into(),
                motivation: String::new(),
                condition: String::new(),
                waitlist_rank: None,
                documents: String::new(),
                without_quorum: false,
                guarded: false,
                amount: None,
                budget_override: String::new(),
                by: "Sylvie Marcellin".into(),
                at: "2025-07-08T10:00:00Z".into(),
            },
        )
    }

    #[test]
    fn the_caf06_priority_territories_come_from_its_zone_rule() {
        let call = Call::parse("appel.json", CALL).expect("sample");
        let t = territories(&call);
        assert_eq!(t.len(), 7);
        assert_eq!(t[0], "CA Cannes Pays de Lérins");
        assert!(t.contains(&"CC Alpes d'Azur".to_string()));
    }

    #[test]
    fn each_territory_counts_its_accepted_waitlisted_and_flags_the_uncovered() {
        let call = Call::parse("appel.json", CALL).expect("sample");
        let d = [
            dossier("A", "CA Cannes Pays de Lérins"),
            dossier("B", "CA Cannes Pays de Lérins"),
            dossier("C", "CA Sophia Antipolis"),
            dossier("D", "Métropole Nice Côte d'Azur"),
            dossier("E", "CC Alpes d'Azur"),
        ];
        let refs: Vec<&Dossier> = d.iter().collect();
        let decisions: HashMap<String, DecisionRow> = [
            decided("A", "retenu"),
            decided("B", "liste_complementaire"),
            decided("C", "personne_ressource"),
            decided("D", "retenu"),
            decided("E", "non_retenu"),
        ]
        .into_iter()
        .collect();
        let rows = table(&call, &refs, &decisions);
        let cannes = &rows[0];
        assert_eq!(cannes.accepted, ["A"]);
        assert_eq!(cannes.waitlisted, ["B"]);
        // « Personne ressource » is not accepted in this call; Nice is no
        // priority territory; E was not retained.
        let sophia = rows
            .iter()
            .find(|r| r.territory == "CA Sophia Antipolis")
            .expect("row");
        assert!(sophia.uncovered());
        let alpes = rows
            .iter()
            .find(|r| r.territory == "CC Alpes d'Azur")
            .expect("row");
        assert!(alpes.uncovered());
        assert_eq!(rows.iter().filter(|r| !r.uncovered()).count(), 1);
    }
}
