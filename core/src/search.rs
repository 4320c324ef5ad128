//! Fuzzy search insensitive to case and accents: `elod` finds "Élodie",
//! `boeuf` finds "Bœuf". Candidates are folded once, queries at each key;
//! matched positions are mapped back to the original characters to highlight.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A folded string and, for each of its characters, the index of the
/// original character it came from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Folded {
    pub text: String,
    /// u32 keeps a large batch's search index small; fields are short.
    pub origin: Vec<u32>,
}

pub fn fold(s: &str) -> Folded {
    let mut out = Folded::default();
    for (i, c) in s.chars().enumerate() {
        let expanded: &[char] = match c {
            'œ' | 'Œ' => &['o', 'e'],
            'æ' | 'Æ' => &['a', 'e'],
            'ß' => &['s', 's'],
            _ => &[],
        };
        if !expanded.is_empty() {
            for e in expanded {
                out.text.push(*e);
                out.origin.push(i as u32);
            }
            continue;
        }
        for d in c.nfd().filter(|d| !is_combining_mark(*d)) {
            for l in d.to_lowercase() {
                out.text.push(l);
                out.origin.push(i as u32);
            }
        }
    }
    out
}

/// The searchable text of one dossier: its fields, folded once. Each field
/// is matched on its own, so a query never strings letters across fields.
#[derive(Clone, Debug)]
pub struct Haystack {
    fields: Vec<Folded>,
}

impl Haystack {
    pub fn new(fields: &[&str]) -> Haystack {
        Haystack {
            fields: fields.iter().map(|f| fold(f)).collect(),
        }
    }
}

/// A hit: its best field's score and, per field, the matched character indices.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub score: i64,
    pub fields: Vec<Vec<usize>>,
}

pub struct Searcher {
    matcher: SkimMatcherV2,
}

impl Default for Searcher {
    fn default() -> Self {
        Searcher {
            matcher: SkimMatcherV2::default().ignore_case(),
        }
    }
}

impl Searcher {
    pub fn find(&self, hay: &Haystack, query: &str) -> Option<Hit> {
        let q = fold(query).text;
        let q = q.trim();
        let mut hit = Hit {
            score: 0,
            fields: vec![Vec::new(); hay.fields.len()],
        };
        if q.is_empty() {
            return Some(hit);
        }
        let mut found = false;
        for (f, folded) in hay.fields.iter().enumerate() {
            let Some((score, idx)) = self.matcher.fuzzy_indices(&folded.text, q) else {
                continue;
            };
            found = true;
            hit.score = hit.score.max(score);
            let out = &mut hit.fields[f];
            for i in idx {
                if let Some(&orig) = folded.origin.get(i)
                    && out.last() != Some(&(orig as usize))
                {
                    out.push(orig as usize);
                }
            }
        }
        found.then_some(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(fields: &[&str], q: &str) -> Option<Hit> {
        Searcher::default().find(&Haystack::new(fields), q)
    }

    #[test]
    fn folds_accents_case_and_ligatures() {
        assert_eq!(fold("Élodie Bœuf").text, "elodie boeuf");
        assert_eq!(fold("Fréjus").text, "frejus");
        assert_eq!(fold("ŒUVRE").origin, vec![0, 0, 1, 2, 3, 4]);
    }

    #[test]
    fn finds_french_names_and_maps_positions_back() {
        let h = hit(&["PDNP-1", "Élodie Bœuf"], "elod").unwrap();
        assert_eq!(h.fields[1], vec![0, 1, 2, 3]);
        assert!(h.fields[0].is_empty());
        let h = hit(&["Centre", "Bœuf"], "boeuf").unwrap();
        // "oe" both come from the one 'œ' at index 1.
        assert_eq!(h.fields[1], vec![0, 1, 2, 3]);
        assert!(hit(&["Fréjus"], "frej").is_some());
        assert!(hit(&["Lefèvre"], "lefevre").is_some());
        assert!(hit(&["Nice"], "zzz").is_none());
        // Letters strung across fields do not match.
        assert!(hit(&["Espace", "Le Lavoir", "Nice"], "elod").is_none());
    }
}
