//! What a dossier still lacks: the fields the format relies on for letters
//! and the list, the fields an eligibility rule reads and the fields a
//! letter template places (`{{dossier:/…}}`), when the dossier does not
//! fill them. Shown « à compléter » until someone completes them.

use crate::call::{Call, Test};
use crate::dossier::Dossier;
use crate::fr::Lang;
use crate::templates::Piece;
use std::collections::BTreeMap;

/// What every dossier of a call should fill beyond the format's fields:
/// the pointers its eligibility rules read and its letter templates place,
/// each once, in that order. Made once per call, not per dossier: the
/// templates are parsed to find them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Wanted {
    pointers: Vec<String>,
}

impl Wanted {
    pub fn new(call: &Call, overrides: &BTreeMap<String, String>) -> Wanted {
        let mut pointers: Vec<String> = Vec::new();
        let mut add = |pointer: &str| {
            if !pointers.iter().any(|p| p == pointer) {
                pointers.push(pointer.to_string());
            }
        };
        for rule in &call.eligibility {
            if let Test::Pointer { pointer, .. } = &rule.test {
                add(pointer);
            }
        }
        for kind in crate::decision::kinds(call, Lang::Fr) {
            let Some(Ok(template)) = crate::templates::for_decision(&kind.id, overrides) else {
                continue;
            };
            for line in &template.lines {
                for piece in &line.pieces {
                    if let Piece::Pointer(p) = piece {
                        add(p);
                    }
                }
            }
        }
        Wanted { pointers }
    }

    /// The JSON Pointers `d` should fill and does not, each once, in the
    /// order: format fields, eligibility rules, letter templates.
    pub fn lacking(&self, call: &Call, d: &Dossier) -> Vec<String> {
        let mut out: Vec<String> = d.missing.iter().map(|p| p.to_string()).collect();
        for pointer in &self.pointers {
            let absent = d
                .pointer(pointer)
                .is_none_or(|v| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()));
            if absent && !out.iter().any(|p| p == pointer) {
                out.push(pointer.clone());
            }
        }
        // In a call with lots, a dossier that names none of them belongs to
        // no lot: nobody could rank or decide it until someone says which.
        if !call.lots.is_empty()
            && call.answer(&d.raw).lots.is_empty()
            && !out.contains(&call.lots_field)
        {
            out.push(call.lots_field.clone());
        }
        out
    }
}

/// « Structure porteuse › Adresse › Commune » for `/structure/address/city`.
pub fn title(pointer: &str, lang: Lang) -> String {
    pointer
        .split('/')
        .filter(|k| !k.is_empty())
        .map(|k| crate::labels::field_title(k, lang))
        .collect::<Vec<_>>()
        .join(" › ")
}

/// The titles of a list of pointers, joined for one line.
pub fn titles(pointers: &[String], lang: Lang) -> String {
    pointers
        .iter()
        .map(|p| title(p, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first `max` titles and how many more: one line per dossier when an
/// import names many (« … et 6 autres »).
pub fn summary(pointers: &[String], lang: Lang, max: usize) -> String {
    if pointers.len() <= max {
        return titles(pointers, lang);
    }
    let rest = pointers.len() - max;
    format!(
        "{} {} {rest} {}",
        titles(&pointers[..max], lang),
        lang.t("et", "and"),
        match (lang, rest) {
            (Lang::Fr, 1) => "autre",
            (Lang::Fr, _) => "autres",
            (Lang::En, 1) => "other",
            (Lang::En, _) => "others",
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::Dossier;

    fn dossier(v: serde_json::Value) -> Dossier {
        match Dossier::from_value(&v) {
            Ok(d) => d,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn a_dossier_with_only_its_reference_and_time_is_taken_in_with_what_it_lacks() {
        let d = dossier(serde_json::json!({
            "format": "jury-dossier/1",
            "reference": "MEL-001",
            "received_at": "2025-07-03T16:42:00+02:00",
            "structure": { "email": "contact@oliviers.example.org", "name": "  " }
        }));
        assert_eq!(d.email, "contact@oliviers.example.org");
        assert_eq!(
            d.missing,
            [
                "/structure/name",
                "/structure/address/street",
                "/structure/address/postcode",
                "/structure/address/city",
                "/structure/representative/name",
                "/structure/representative/title",
                "/professional/name",
                "/professional/role",
                "/professional/employment",
            ]
        );
        assert_eq!(d.employment, None);
    }

    #[test]
    fn a_wrong_type_is_still_an_error() {
        let v = serde_json::json!({
            "format": "jury-dossier/1",
            "reference": "MEL-001",
            "received_at": "2025-07-03T16:42:00+02:00",
            "structure": { "name": 12 }
        });
        let Err(errors) = Dossier::from_value(&v) else {
            panic!("accepted");
        };
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0]
                .message
                .starts_with("« structure.name » : une chaîne")
        );
    }

    #[test]
    fn a_long_list_is_summed_up() {
        let p: Vec<String> = ["/a", "/b", "/c", "/d", "/e"].map(String::from).to_vec();
        assert_eq!(summary(&p, Lang::Fr, 3), "A, B, C et 2 autres");
        assert_eq!(summary(&p[..4], Lang::Fr, 3), "A, B, C et 1 autre");
        assert_eq!(summary(&p[..3], Lang::Fr, 3), "A, B, C");
    }

    #[test]
    fn titles_read_as_the_dossier_pane_does() {
        assert_eq!(
            title("/structure/address/city", Lang::Fr),
            "Structure porteuse › Adresse › Commune"
        );
    }
}
