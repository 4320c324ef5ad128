//! What `jury anonymise` leaves of a dossier: the reference, the date it
//! was received, and what the grid, eligibility and the batch's filters
//! read; every other text is replaced. Numbers and yes/no answers stay (a
//! count of hours, a signed charter: they name nobody and the eligibility
//! rules read them); object keys stay (they are the form's field names).

use crate::call::{Call, Test};
use serde_json::Value;

/// What replaces an erased text.
pub const ERASED: &str = "[anonymisé]";
/// What replaces the structure's e-mail: still an address, so the dossier
/// keeps its shape, and one no mail can reach (`.invalid`, RFC 2606).
pub const ERASED_EMAIL: &str = "anonymise@anonymise.invalid";

/// Texts kept whatever the call: the dossier's identity and the answers
/// the batch's filters read (employment status, territory, kind of
/// structure: closed lists, not a person's words).
pub const KEPT: [&str; 6] = [
    "/format",
    "/reference",
    "/received_at",
    "/professional/employment",
    "/structure/territory",
    "/structure/kind",
];

/// The dossier with its personal texts replaced. Texts under a pointer an
/// eligibility rule of `call` reads are kept too, so the verdict stays.
pub fn dossier(raw: &Value, call: &Call) -> Value {
    let mut kept: Vec<String> = KEPT.iter().map(|p| p.to_string()).collect();
    for rule in &call.eligibility {
        if let Test::Pointer { pointer, .. } = &rule.test {
            kept.push(pointer.clone());
        }
    }
    let mut out = raw.clone();
    erase(&mut out, "", &kept);
    out
}

fn erase(v: &mut Value, at: &str, kept: &[String]) {
    if kept.iter().any(|k| k == at) {
        return;
    }
    match v {
        Value::String(text) => {
            *text = if at == "/structure/email" {
                ERASED_EMAIL
            } else {
                ERASED
            }
            .to_string();
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                erase(item, &format!("{at}/{i}"), kept);
            }
        }
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                erase(item, &here, kept);
            }
        }
        Value::Number(_) | Value::Bool(_) | Value::Null => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::Dossier;

    const CALL: &str = r#"{
  "format": "jury-appel/1", "id": "t", "title": "T", "issuer": { "name": "Caf" },
  "deadline": "2025-07-04", "scale": { "min": 0, "max": 5 },
  "criteria": [ { "id": "a", "label": "A", "weight": 1 } ],
  "eligibility": [
    { "id": "h", "label": "H", "pointer": "/project/weekly_online_hours", "min": 3 },
    { "id": "n", "label": "N", "pointer": "/project/networks", "present": true }
  ]
}"#;

    const DOSSIER: &str = r#"{
  "format": "jury-dossier/1", "reference": "R-1", "received_at": "2025-06-02T09:12:00+02:00",
  "structure": { "name": "Centre social Les Mimosas", "kind": "centre_social",
    "address": { "street": "7 rue des Bougainvilliers", "postcode": "06150", "city": "Cannes" },
    "territory": "CA Cannes Pays de Lérins",
    "representative": { "name": "Patrick Senès", "title": "Directeur" },
    "email": "direction@mimosas-cannes.example.org", "phone": "04 99 00 11 01" },
  "professional": { "name": "Gaëlle Fabre", "role": "Référente famille", "employment": "salarie",
    "qualifications": ["CESF"], "parenting_experience_years": 9 },
  "project": { "weekly_online_hours": 4, "networks": ["Facebook"], "public": "Parents de La Bocca" },
  "commitments": { "charter_signed": true },
  "attachments": [ { "title": "CV de Gaëlle Fabre", "path": "pieces/fabre-cv.pdf" } ]
}"#;

    #[test]
    fn names_and_free_text_go_what_rules_and_filters_read_stays() {
        let call = Call::parse("appel.json", CALL).unwrap();
        let raw: Value = serde_json::from_str(DOSSIER).unwrap();
        let out = dossier(&raw, &call);
        let text = out.to_string();
        for personal in [
            "Mimosas",
            "Bougainvilliers",
            "Patrick",
            "Senès",
            "mimosas-cannes",
            "04 99",
            "Gaëlle",
            "Fabre",
            "La Bocca",
            "CESF",
            "06150",
        ] {
            assert!(!text.contains(personal), "{personal} left in {text}");
        }
        assert_eq!(out["reference"], "R-1");
        assert_eq!(out["received_at"], "2025-06-02T09:12:00+02:00");
        assert_eq!(out["structure"]["territory"], "CA Cannes Pays de Lérins");
        assert_eq!(out["structure"]["kind"], "centre_social");
        assert_eq!(out["professional"]["employment"], "salarie");
        assert_eq!(out["project"]["weekly_online_hours"], 4);
        assert_eq!(out["project"]["networks"][0], "Facebook");
        assert_eq!(out["commitments"]["charter_signed"], true);
        assert_eq!(out["structure"]["email"], ERASED_EMAIL);
        assert_eq!(out["structure"]["phone"], ERASED);
        // Still a dossier Jury reads back.
        let d = Dossier::from_value(&out).unwrap();
        assert_eq!(d.professional, ERASED);
    }
}
