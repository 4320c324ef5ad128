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
    each_folded(s, |c, i| {
        out.text.push(c);
        out.origin.push(i);
    });
    out
}

/// [`fold`]'s text alone, for the haystacks made at opening.
fn fold_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    each_folded(s, |c, _| out.push(c));
    out
}

/// Each folded character of `s` with the index of the character it came from.
fn each_folded(s: &str, mut emit: impl FnMut(char, u32)) {
    for (i, c) in s.chars().enumerate() {
        let i = i as u32;
        // Most of a French name is ASCII: its own decomposition, no mark,
        // and the ASCII lower case (opening 100 000 dossiers folds five
        // fields of each).
        if c.is_ascii() {
            emit(c.to_ascii_lowercase(), i);
            continue;
        }
        let expanded: &[char] = match c {
            'œ' | 'Œ' => &['o', 'e'],
            'æ' | 'Æ' => &['a', 'e'],
            'ß' => &['s', 's'],
            _ => &[],
        };
        if !expanded.is_empty() {
            for e in expanded {
                emit(*e, i);
            }
            continue;
        }
        for d in c.nfd().filter(|d| !is_combining_mark(*d)) {
            for l in d.to_lowercase() {
                emit(l, i);
            }
        }
    }
}

/// The searchable text of one dossier: its fields, folded once when the
/// dossier is loaded, so a keystroke folds nothing but the query. Each
/// field is matched on its own, so a query never strings letters across
/// fields. Only the folded text is kept: positions back to the original
/// characters are found again for the few rows a frame highlights.
#[derive(Clone, Debug)]
pub struct Haystack {
    fields: Box<[Box<str>]>,
}

impl Haystack {
    pub fn new(fields: &[&str]) -> Haystack {
        Haystack {
            fields: fields.iter().map(|f| fold_text(f).into()).collect(),
        }
    }
}

/// A query folded once per keystroke, as the matcher compares it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query(String);

impl Query {
    pub fn new(typed: &str) -> Query {
        Query(fold(typed).text.trim().to_string())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether every dossier this query matches is matched by `shorter`:
    /// a fuzzy match of `shorter` followed by more letters contains one of
    /// `shorter`, so a longer query only needs to search the previous hits.
    pub fn narrows(&self, shorter: &Query) -> bool {
        self.0.starts_with(&shorter.0)
    }
}

/// A matcher for one match: fuzzy-matcher 0.3.7 keeps its score table
/// between calls and does not clear every cell it reads (a matched cell's
/// bonus), so with one matcher a score depended on the fields matched
/// before it, and one keystroke's order on the last. (Its
/// `use_cache(false)` panics.)
fn matcher() -> SkimMatcherV2 {
    SkimMatcherV2::default().ignore_case()
}

/// Whether the query's characters appear in `text` in order: the
/// matcher's own first test, done here without its per-call set-up so the
/// many fields that cannot match cost a scan of bytes.
fn in_order(text: &str, query: &str) -> bool {
    let mut want = query.chars();
    let mut next = want.next();
    for c in text.chars() {
        match next {
            Some(w) if w == c => next = want.next(),
            Some(_) => {}
            None => break,
        }
    }
    next.is_none()
}

/// The best field's score when the dossier matches; `Some(0)` for an
/// empty query, which matches everything.
pub fn score(hay: &Haystack, q: &Query) -> Option<i64> {
    if q.is_empty() {
        return Some(0);
    }
    let mut chars = q.0.chars();
    let single = match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    };
    hay.fields
        .iter()
        .filter_map(|f| match single {
            // The first keystroke searches every dossier: its score is
            // worked out without the matcher's table (see `one_char`).
            Some(c) => one_char(f, c),
            // The matcher's own alignment, in buffers kept between calls.
            None => in_order(f, &q.0).then(|| aligned(f, &q.0)).flatten(),
        })
        .max()
        // A match with long gaps can score below zero; it ranks with
        // the weakest matches, at zero.
        .map(|best| best.max(0))
}

/// The matcher's score for a one-character query, without its table: in
/// fuzzy-matcher 0.3.7's skim V2, one character's best alignment is the
/// skip of a gap (−1) plus the match (16, or 14 when only the ASCII case
/// agrees) plus the place's bonus, at the best place: the start of a word
/// 8 (doubled at the field's first character), after a soft separator 7,
/// a capital after a small letter or digit 6, elsewhere 0. A test holds
/// it equal to the matcher on random text.
fn one_char(text: &str, p: char) -> Option<i64> {
    const HEAD: i64 = 8;
    let mut best: Option<i64> = None;
    let mut prev = Kind::Empty;
    for (j, c) in text.chars().enumerate() {
        let kind = Kind::of(c);
        if c.eq_ignore_ascii_case(&p) {
            let place = match (prev, kind) {
                (Kind::Empty | Kind::HardSep, _) => HEAD,
                (Kind::SoftSep, _) => HEAD - 1,
                (Kind::Lower | Kind::Number, Kind::Upper) => HEAD - 2,
                _ => 0,
            } * if j == 0 { 2 } else { 1 };
            let matched = if c == p { 16 } else { 14 };
            let score = place + matched - 1;
            best = Some(best.map_or(score, |b| b.max(score)));
        }
        prev = kind;
    }
    best
}

/// One cell of the alignment table (see [`aligned`]).
#[derive(Clone, Copy)]
struct Cell {
    m: i32,
    p: i32,
    bonus: i32,
}

/// The matcher's « minus infinity ».
const NEG: i32 = i16::MIN as i32;

const FRESH: Cell = Cell {
    m: NEG,
    p: NEG,
    bonus: 0,
};

/// The text's characters, their bonuses, two rows of the table, the
/// pattern's characters and where each first matches.
type Buffers = (
    Vec<char>,
    Vec<i32>,
    Vec<Cell>,
    Vec<Cell>,
    Vec<char>,
    Vec<usize>,
);

std::thread_local! {
    /// Kept between calls: a keystroke aligns the query with hundreds of
    /// thousands of fields.
    static TABLE: std::cell::RefCell<Buffers> =
        const {
            std::cell::RefCell::new((
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Vec::new(),
            ))
        };
}

/// fuzzy-matcher 0.3.7's skim V2 score with positions (`fuzzy_indices`,
/// ignoring case), computed as it does, row by row, but in two rows kept
/// between calls instead of a table and a matcher made per call: the
/// scores are the same (a test compares them on random text), the
/// allocations gone. None when `pattern` is not in `text` in order.
fn aligned(text: &str, pattern: &str) -> Option<i64> {
    const MATCH: i32 = 16;
    const GAP_START: i32 = -3;
    const GAP_EXTENSION: i32 = -1;
    const CONSECUTIVE: i32 = 4;
    const HEAD: i32 = 8;
    TABLE.with(|table| {
        let mut table = table.borrow_mut();
        let (choice, bonuses, prev, cur, pattern_chars, first) = &mut *table;
        choice.clear();
        choice.extend(text.chars());
        pattern_chars.clear();
        pattern_chars.extend(pattern.chars());
        let pattern = &*pattern_chars;
        // The first place each pattern character can match, in order.
        first.clear();
        let mut want = pattern.iter().peekable();
        for (j, c) in choice.iter().enumerate() {
            match want.peek() {
                Some(p) if c.eq_ignore_ascii_case(p) => {
                    first.push(j);
                    want.next();
                }
                Some(_) => {}
                None => break,
            }
        }
        if want.peek().is_some() || pattern.is_empty() {
            return None;
        }
        let cols = choice.len() + 1;
        bonuses.clear();
        bonuses.resize(cols, 0);
        let mut kind = Kind::Empty;
        for (j, c) in choice.iter().enumerate() {
            let now = Kind::of(*c);
            bonuses[j + 1] = match (kind, now) {
                (Kind::Empty | Kind::HardSep, _) => HEAD,
                (Kind::SoftSep, _) => HEAD - 1,
                (Kind::Lower | Kind::Number, Kind::Upper) => HEAD - 2,
                _ => 0,
            };
            kind = now;
        }
        if cols > 1 {
            bonuses[1] *= 2;
        }
        // Row 0: nothing matched, a gap everywhere.
        prev.clear();
        prev.resize(
            cols,
            Cell {
                p: GAP_EXTENSION,
                ..FRESH
            },
        );
        for (i, &p) in pattern.iter().enumerate() {
            cur.clear();
            cur.resize(cols, FRESH);
            for col in first[i] + 1..cols {
                let c = choice[col - 1];
                if c.eq_ignore_ascii_case(&p) {
                    let matched = (MATCH + if c == p { 0 } else { 2 * GAP_EXTENSION }).max(0);
                    let in_place = bonuses[col];
                    let consecutive = cur[col - 1].bonus.max(in_place.max(CONSECUTIVE));
                    cur[col - 1].bonus = consecutive;
                    let on_match = prev[col - 1].m + consecutive;
                    let on_skip = prev[col - 1].p + in_place;
                    cur[col].m = on_match.max(on_skip) + matched;
                } else {
                    cur[col].m = NEG;
                    cur[col].bonus = 0;
                }
                cur[col].p = (GAP_START + GAP_EXTENSION + cur[col - 1].m)
                    .max(GAP_EXTENSION + cur[col - 1].p);
            }
            std::mem::swap(prev, cur);
        }
        let last = first[pattern.len() - 1];
        prev[last..].iter().map(|cell| i64::from(cell.m)).max()
    })
}

/// A character's kind as the matcher sees it for bonuses.
#[derive(Clone, Copy)]
enum Kind {
    Empty,
    Upper,
    Lower,
    Number,
    HardSep,
    SoftSep,
}

impl Kind {
    fn of(c: char) -> Kind {
        match c {
            '\0' => Kind::Empty,
            ' ' | '/' | '\\' | '|' | '(' | ')' | '[' | ']' | '{' | '}' => Kind::HardSep,
            '!'..='\'' | '*'..='.' | ':'..='@' | '^'..='`' | '~' => Kind::SoftSep,
            '0'..='9' => Kind::Number,
            'A'..='Z' => Kind::Upper,
            _ => Kind::Lower,
        }
    }
}

/// The candidates that match `q`, with their scores, in the candidates'
/// order. A long list (the first letter searches every dossier) is cut in
/// one run per core: each match makes its own matcher, so runs share nothing.
pub fn matches<'a>(
    candidates: &[usize],
    hay: impl Fn(usize) -> &'a Haystack + Sync,
    q: &Query,
) -> Vec<(usize, i64)> {
    let run = |part: &[usize]| -> Vec<(usize, i64)> {
        part.iter()
            .filter_map(|i| score(hay(*i), q).map(|s| (*i, s)))
            .collect()
    };
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if cores < 2 || candidates.len() < 4096 {
        return run(candidates);
    }
    let size = candidates.len().div_ceil(cores);
    std::thread::scope(|scope| {
        let runs: Vec<_> = candidates
            .chunks(size)
            .map(|part| scope.spawn(move || run(part)))
            .collect();
        runs.into_iter()
            .flat_map(|r| {
                r.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Per field, the indices of the original characters the query
/// matched (empty where it did not), for highlighting.
pub fn highlights(fields: &[&str], q: &Query) -> Vec<Vec<usize>> {
    fields
        .iter()
        .map(|field| {
            let mut out: Vec<usize> = Vec::new();
            if q.is_empty() {
                return out;
            }
            let folded = fold(field);
            let Some((_, idx)) = matcher().fuzzy_indices(&folded.text, &q.0) else {
                return out;
            };
            for i in idx {
                if let Some(&orig) = folded.origin.get(i)
                    && out.last() != Some(&(orig as usize))
                {
                    out.push(orig as usize);
                }
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(fields: &[&str], q: &str) -> Option<i64> {
        super::score(&Haystack::new(fields), &Query::new(q))
    }

    fn marks(fields: &[&str], q: &str) -> Vec<Vec<usize>> {
        super::highlights(fields, &Query::new(q))
    }

    #[test]
    fn folds_accents_case_and_ligatures() {
        assert_eq!(fold("Élodie Bœuf").text, "elodie boeuf");
        assert_eq!(fold("Fréjus").text, "frejus");
        assert_eq!(fold("ŒUVRE").origin, vec![0, 0, 1, 2, 3, 4]);
    }

    #[test]
    fn finds_french_names_and_maps_positions_back() {
        let h = marks(&["PDNP-1", "Élodie Bœuf"], "elod");
        assert_eq!(h[1], vec![0, 1, 2, 3]);
        assert!(h[0].is_empty());
        // "oe" both come from the one 'œ' at index 1.
        assert_eq!(marks(&["Centre", "Bœuf"], "boeuf")[1], vec![0, 1, 2, 3]);
        assert!(score(&["Fréjus"], "frej").is_some());
        assert!(score(&["Lefèvre"], "lefevre").is_some());
        assert!(score(&["Nice"], "zzz").is_none());
        // Letters strung across fields do not match.
        assert!(score(&["Espace", "Le Lavoir", "Nice"], "elod").is_none());
        assert_eq!(score(&["Nice"], "  "), Some(0));
    }

    #[test]
    fn a_query_narrows_its_prefixes_only() {
        let q = Query::new("Élo");
        assert!(q.narrows(&Query::new("el")));
        assert!(q.narrows(&Query::new("")));
        assert!(!q.narrows(&Query::new("lo")));
        assert!(Query::new("elo ").narrows(&Query::new("elo")));
    }

    use crate::test_rng::Rng;

    fn text(rng: &mut Rng, alphabet: &[char], max: usize) -> String {
        let n = rng.below(max + 1);
        (0..n)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect()
    }

    const ALPHABET: &[char] = &[
        'a', 'b', 'e', 'é', 'È', 'l', 'o', 'œ', 'Æ', 'ß', 's', ' ', '-', 'N', '1',
    ];

    #[test]
    fn a_long_list_searched_on_every_core_gives_the_hits_of_one_run() {
        let mut rng = Rng(0x5eed_0015_0000_0002);
        let hays: Vec<Haystack> = (0..9000)
            .map(|_| Haystack::new(&[&text(&mut rng, ALPHABET, 20), &text(&mut rng, ALPHABET, 20)]))
            .collect();
        let candidates: Vec<usize> = (0..hays.len()).rev().collect();
        for typed in ["a", "bé", "œs"] {
            let q = Query::new(typed);
            let one: Vec<(usize, i64)> = candidates
                .iter()
                .filter_map(|i| super::score(&hays[*i], &q).map(|s| (*i, s)))
                .collect();
            assert!(!one.is_empty(), "{typed}");
            assert_eq!(matches(&candidates, |i| &hays[i], &q), one, "{typed}");
        }
    }

    /// What a full match of every field gives: the best score (at least
    /// zero) among the fields the matcher matches with positions.
    fn reference_score(fields: &[&str], q: &Query) -> Option<i64> {
        if q.is_empty() {
            return Some(0);
        }
        fields
            .iter()
            .filter_map(|f| matcher().fuzzy_indices(&fold(f).text, &q.0).map(|(s, _)| s))
            .fold(None, |best, s| Some(best.unwrap_or(0).max(s)))
    }

    #[test]
    fn the_alignment_scores_as_the_matcher_does() {
        // Every kind of character the matcher's bonuses tell apart.
        const KINDS: &[char] = &[
            'a', 'c', 'e', 'z', 'C', 'E', 'é', 'ç', '0', '7', ' ', '/', '(', ']', '|', '\\', '-',
            '.', '\'', ':', '_', '@', '~', '!', '^',
        ];
        let mut rng = Rng(0x5eed_0015_0000_0003);
        for _ in 0..20_000 {
            let field = text(&mut rng, KINDS, 30);
            let p = KINDS[rng.below(KINDS.len())];
            let expected = matcher()
                .fuzzy_indices(&field, &p.to_string())
                .map(|(s, _)| s);
            assert_eq!(one_char(&field, p), expected, "{field:?} {p:?}");
            assert_eq!(aligned(&field, &p.to_string()), expected, "{field:?} {p:?}");
            // Longer patterns, through the same table.
            let pattern = text(&mut rng, KINDS, 5);
            let expected = matcher().fuzzy_indices(&field, &pattern).map(|(s, _)| s);
            let expected = expected.filter(|_| !pattern.is_empty());
            assert_eq!(aligned(&field, &pattern), expected, "{field:?} {pattern:?}");
        }
    }

    #[test]
    fn scores_equal_the_positional_match_and_longer_queries_match_fewer() {
        let mut rng = Rng(0x5eed_1234_abcd_0001);
        for _ in 0..4000 {
            let owned: Vec<String> = (0..3).map(|_| text(&mut rng, ALPHABET, 40)).collect();
            let fields: Vec<&str> = owned.iter().map(String::as_str).collect();
            let typed = text(&mut rng, ALPHABET, 4);
            let longer = format!("{typed}{}", text(&mut rng, ALPHABET, 3));
            let (q, ql) = (Query::new(&typed), Query::new(&longer));
            let got = score(&fields, &typed);
            assert_eq!(got, reference_score(&fields, &q), "{fields:?} {typed:?}");
            assert!(ql.narrows(&q), "{longer:?} {typed:?}");
            if score(&fields, &longer).is_some() {
                assert!(
                    got.is_some(),
                    "{fields:?}: {longer:?} matches, {typed:?} not"
                );
            }
            // The same again after other matches: nothing carries over.
            assert_eq!(score(&fields, &typed), got, "again {fields:?} {typed:?}");
            let h = marks(&fields, &typed);
            assert_eq!(h.len(), fields.len());
            if got.is_none() {
                assert!(h.iter().all(Vec::is_empty));
            }
        }
    }
}
