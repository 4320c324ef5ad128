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
#[derive(Clone, Debug, Default)]
pub struct Haystack {
    text: String,
    /// Where each field ends in `text`.
    ends: Vec<u32>,
    /// Each field's letters (see [`letters`]).
    masks: Vec<u32>,
}

/// The letters a to z in `text`, one bit each, either case: a field
/// lacking one of a query's letters cannot match it, whatever the order,
/// which one AND tells without reading the field (a reference has no
/// « c », many names no « e »…). Other characters leave no bit.
fn letters(text: &str) -> u32 {
    text.bytes()
        .filter(u8::is_ascii_alphabetic)
        .fold(0, |m, b| m | 1 << (b.to_ascii_lowercase() - b'a'))
}

impl Haystack {
    pub fn new(fields: &[&str]) -> Haystack {
        let mut hay = Haystack {
            text: String::with_capacity(fields.iter().map(|f| f.len()).sum()),
            ends: Vec::with_capacity(fields.len()),
            masks: Vec::with_capacity(fields.len()),
        };
        for f in fields {
            let from = hay.text.len();
            each_folded(f, |c, _| hay.text.push(c));
            hay.ends.push(offset(hay.text.len()));
            hay.masks.push(letters(&hay.text[from..]));
        }
        hay
    }

    fn view(&self) -> Fields<'_> {
        Fields {
            text: &self.text,
            start: 0,
            ends: &self.ends,
            masks: &self.masks,
        }
    }
}

/// One dossier's folded fields where they are kept: the text, where the
/// first field starts in it, where each ends.
#[derive(Clone, Copy)]
struct Fields<'a> {
    text: &'a str,
    start: u32,
    ends: &'a [u32],
    masks: &'a [u32],
}

impl<'a> Fields<'a> {
    fn each(self) -> impl Iterator<Item = &'a str> {
        split(self.text, self.start, self.ends)
    }

    /// The fields one after the other, as one string.
    fn whole(self) -> &'a str {
        let end = self.ends.last().map_or(self.start, |e| *e);
        self.text
            .get(self.start as usize..end as usize)
            .unwrap_or_default()
    }
}

/// An offset into a haystack's text, which is far below 4 GiB: the index
/// keeps two per field.
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The fields of `text` that end at `ends`, the first starting at `start`.
fn split<'a>(text: &'a str, start: u32, ends: &'a [u32]) -> impl Iterator<Item = &'a str> {
    let mut from = start as usize;
    ends.iter().map(move |end| {
        let field = text.get(from..*end as usize).unwrap_or_default();
        from = *end as usize;
        field
    })
}

/// Every dossier's haystack in one string, in the dossiers' order. A
/// keystroke reads the fields one after the other from one block of
/// memory: with a few allocations per dossier, the cache misses of
/// reaching them were most of a keystroke at 100 000 dossiers.
/// Serialised whole with the entries a reopening reads back (the app's
/// `state::opening`), and checked when read ([`Index::holds`]).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Index {
    text: String,
    /// Fields per dossier.
    width: usize,
    /// Per dossier, where its text starts, then where each field ends.
    spans: Vec<u32>,
    /// Per dossier, each field's letters (see [`letters`]).
    masks: Vec<u32>,
    /// Bytes of `text` no dossier uses any more (replaced haystacks).
    dead: usize,
}

impl Index {
    pub fn new(width: usize) -> Index {
        Index {
            width,
            ..Index::default()
        }
    }

    pub fn len(&self) -> usize {
        self.spans.len() / (self.width + 1)
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Whether this index, read back from where it was kept, is whole:
    /// `n` dossiers of `width` fields, each span inside the text, in
    /// order, on character boundaries.
    pub fn holds(&self, width: usize, n: usize) -> bool {
        let ordered = self.spans.chunks(width + 1).all(|span| {
            span.windows(2).all(|w| w[0] <= w[1])
                && span.iter().all(|o| self.text.is_char_boundary(*o as usize))
        });
        self.width == width
            && n.checked_mul(width + 1) == Some(self.spans.len())
            && n.checked_mul(width) == Some(self.masks.len())
            && self.dead <= self.text.len()
            && ordered
    }

    /// Room for `dossiers` more, whose fields make about `text` bytes.
    pub fn reserve(&mut self, dossiers: usize, text: usize) {
        self.text.reserve(text);
        self.spans.reserve(dossiers * (self.width + 1));
        self.masks.reserve(dossiers * self.width);
    }

    /// The bytes of text the index holds.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Adds the next dossier's haystack, which has `width` fields.
    pub fn push(&mut self, hay: &Haystack) {
        let at = self.spans.len();
        self.spans.resize(at + self.width + 1, 0);
        self.masks.resize(self.masks.len() + self.width, 0);
        self.append(at, hay);
    }

    /// `hay`'s text added at the end, its offsets written from `at`.
    fn append(&mut self, at: usize, hay: &Haystack) {
        let start = self.text.len();
        self.text.push_str(&hay.text);
        self.spans[at] = offset(start);
        let first_mask = at / (self.width + 1) * self.width;
        for k in 0..self.width {
            let end = hay.ends.get(k).map_or(hay.text.len(), |e| *e as usize);
            self.spans[at + 1 + k] = offset(start + end);
            self.masks[first_mask + k] = hay.masks.get(k).copied().unwrap_or(0);
        }
    }

    /// Replaces dossier `i`'s haystack (a corrected dossier). The new text
    /// goes at the end; the string is made again once half of it is old.
    pub fn set(&mut self, i: usize, hay: &Haystack) {
        let at = i * (self.width + 1);
        let Some(span) = self.spans.get(at..=at + self.width) else {
            return;
        };
        self.dead += (span[self.width] - span[0]) as usize;
        self.append(at, hay);
        if self.dead * 2 > self.text.len() {
            self.compact();
        }
    }

    fn compact(&mut self) {
        let mut fresh = Index::new(self.width);
        fresh.text.reserve(self.text.len() - self.dead);
        fresh.spans.reserve(self.spans.len());
        for span in self.spans.chunks(self.width + 1) {
            let (start, end) = (span[0] as usize, span[self.width] as usize);
            let to = fresh.text.len();
            fresh
                .text
                .push_str(self.text.get(start..end).unwrap_or_default());
            fresh
                .spans
                .extend(span.iter().map(|o| offset(to + (*o as usize - start))));
        }
        fresh.masks = std::mem::take(&mut self.masks);
        *self = fresh;
    }

    /// Dossier `i`'s folded fields, in order.
    pub fn fields(&self, i: usize) -> impl Iterator<Item = &str> {
        self.view(i).each()
    }

    fn view(&self, i: usize) -> Fields<'_> {
        let at = i * (self.width + 1);
        let span = self.spans.get(at..=at + self.width).unwrap_or_default();
        let (start, ends) = span.split_first().map_or((0, &[][..]), |(s, e)| (*s, e));
        let masks = self
            .masks
            .get(i * self.width..(i + 1) * self.width)
            .unwrap_or_default();
        Fields {
            text: &self.text,
            start,
            ends,
            masks,
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

    /// What every dossier's match reads of the query, worked out once.
    fn facts(&self) -> Facts<'_> {
        let chars: Vec<char> = self.0.chars().collect();
        let mut table = Box::new([0u64; 256]);
        for (b, rows) in table.iter_mut().enumerate() {
            *rows = rows_of(char::from(b as u8), &chars);
        }
        Facts {
            text: &self.0,
            letters: letters(&self.0),
            ascii: self.0.is_ascii(),
            chars,
            table,
        }
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

/// A query as each match reads it.
struct Facts<'a> {
    text: &'a str,
    /// Its letters (see [`letters`]).
    letters: u32,
    ascii: bool,
    chars: Vec<char>,
    /// For each byte, the pattern characters it matches, one bit each
    /// (see [`rows_of`]).
    table: Box<[u64; 256]>,
}

/// What an alignment keeps from one field to the next in one search
/// thread: a keystroke aligns the query with hundreds of thousands of
/// fields, and allocating for each was a sixth of that.
#[derive(Default)]
struct Scratch {
    /// One per pattern character (see [`Row`]).
    rows: Vec<Row>,
    /// A field beyond ASCII, as characters.
    text: Vec<char>,
}

/// The best field's score when the dossier matches; `Some(0)` for an
/// empty query, which matches everything.
pub fn score(hay: &Haystack, q: &Query) -> Option<i64> {
    score_fields(hay.view(), &q.facts(), &mut Scratch::default())
}

fn score_fields(fields: Fields<'_>, q: &Facts, scratch: &mut Scratch) -> Option<i64> {
    if q.text.is_empty() {
        return Some(0);
    }
    let best = match q.chars[..] {
        // The first keystroke searches every dossier: its score is worked
        // out without the matcher's table, in one scan of all the fields
        // (see `one_char`).
        [c] if c.is_ascii() => one_byte(fields.whole().as_bytes(), c as u8, fields),
        [c] => fields.each().filter_map(|f| one_char(f, c)).max(),
        // Each field that has all the query's letters aligned on its own;
        // the alignment turns away a field they are not in, in order.
        _ => fields
            .each()
            .zip(fields.masks.iter().chain(std::iter::repeat(&u32::MAX)))
            .filter(|(_, has)| q.letters & !**has == 0)
            .filter_map(|(f, _)| match q.ascii && f.is_ascii() {
                true => align(
                    f.as_bytes(),
                    q.text.as_bytes(),
                    |b| q.table[usize::from(b)],
                    scratch,
                ),
                false => {
                    let mut text = std::mem::take(&mut scratch.text);
                    text.clear();
                    text.extend(f.chars());
                    let score = align(&text, &q.chars, |c| rows_of(c, &q.chars), scratch);
                    scratch.text = text;
                    score
                }
            })
            .max(),
    };
    // A match with long gaps can score below zero; it ranks with the
    // weakest matches, at zero.
    best.map(|best| best.max(0))
}

/// The matcher's score for a one-character query, without its table: in
/// fuzzy-matcher 0.3.7's skim V2, one character's best alignment is the
/// skip of a gap (−1) plus the match (16, or 14 when only the ASCII case
/// agrees) plus the place's bonus, at the best place: the start of a word
/// 8 (doubled at the field's first character), after a soft separator 7,
/// a capital after a small letter or digit 6, elsewhere 0. A test holds
/// it equal to the matcher on random text.
fn one_char(text: &str, p: char) -> Option<i64> {
    if p.is_ascii() {
        let field = Fields {
            text,
            start: 0,
            ends: &[offset(text.len())],
            masks: &[u32::MAX],
        };
        return one_byte(text.as_bytes(), p as u8, field);
    }
    let mut best: Option<i64> = None;
    let mut prev = Kind::Empty;
    for (j, c) in text.chars().enumerate() {
        let kind = Kind::of(c);
        if c.eq_ignore_ascii_case(&p) {
            let score = one_score(prev, kind, j == 0, c == p);
            best = Some(best.map_or(score, |b| b.max(score)));
        }
        prev = kind;
    }
    best
}

/// [`one_char`] for an ASCII character, on bytes: every byte of a
/// character beyond ASCII is 0x80 or more, so it never matches, and the
/// byte before a match tells its kind (a non-ASCII character is
/// `Kind::Lower`, whatever byte of it comes last). No decoding, and most
/// bytes are skipped sixteen or more at a time: the first keystroke scans
/// every dossier. `text` is `fields` one after the other: the best place
/// in any of them.
fn one_byte(text: &[u8], p: u8, fields: Fields<'_>) -> Option<i64> {
    let mut best: Option<i64> = None;
    // The field the match is in, and where it starts in `text`.
    let (mut k, mut from) = (0, 0);
    for j in positions(text, p) {
        while let Some(end) = fields.ends.get(k).map(|e| (e - fields.start) as usize)
            && end <= j
        {
            (k, from) = (k + 1, end);
        }
        let b = text[j];
        let prev = match j.checked_sub(1).and_then(|k| text.get(k)) {
            _ if j == from => Kind::Empty,
            None => Kind::Empty,
            Some(&c) if c.is_ascii() => Kind::of(char::from(c)),
            Some(_) => Kind::Lower,
        };
        let score = one_score(prev, Kind::of(char::from(b)), j == from, b == p);
        best = Some(best.map_or(score, |v| v.max(score)));
    }
    best
}

/// One character's score at a place: the skip of a gap (−1) plus the
/// match (16, or 14 when only the ASCII case agrees) plus the place's
/// bonus, doubled at the field's first character.
fn one_score(prev: Kind, kind: Kind, first: bool, exact: bool) -> i64 {
    const HEAD: i64 = 8;
    let place = match (prev, kind) {
        (Kind::Empty | Kind::HardSep, _) => HEAD,
        (Kind::SoftSep, _) => HEAD - 1,
        (Kind::Lower | Kind::Number, Kind::Upper) => HEAD - 2,
        _ => 0,
    } * if first { 2 } else { 1 };
    let matched = if exact { 16 } else { 14 };
    place + matched - 1
}

/// A character of a text being aligned: a byte of ASCII text (no
/// decoding), or a `char` of any other.
trait Letter: Copy {
    fn char(self) -> char;
}

impl Letter for u8 {
    fn char(self) -> char {
        char::from(self)
    }
}

impl Letter for char {
    fn char(self) -> char {
        self
    }
}

/// Where `p` is in `text`, either ASCII case.
fn positions(text: &[u8], p: u8) -> Found<'_> {
    Found {
        text,
        at: 0,
        cases: [p.to_ascii_lowercase(), p.to_ascii_uppercase()],
    }
}

/// Where a byte is in a text, either case, from `at` on.
struct Found<'a> {
    text: &'a [u8],
    at: usize,
    cases: [u8; 2],
}

/// Below this many bytes a plain loop finds a byte sooner than memchr,
/// whose set-up is most of its time on a name.
const SHORT: usize = 32;

impl Iterator for Found<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let rest = self.text.get(self.at..)?;
        let [lower, upper] = self.cases;
        let j = if rest.len() < SHORT {
            rest.iter().position(|b| *b == lower || *b == upper)?
        } else {
            memchr::memchr2(lower, upper, rest)?
        };
        let found = self.at + j;
        self.at = found + 1;
        Some(found)
    }
}

/// The pattern characters `c` matches, ignoring the ASCII case, one bit
/// each: the first 64 (see [`align`] for longer patterns).
fn rows_of(c: char, pattern: &[char]) -> u64 {
    pattern
        .iter()
        .take(64)
        .enumerate()
        .filter(|(_, p)| p.eq_ignore_ascii_case(&c))
        .fold(0, |rows, (i, _)| rows | 1 << i)
}

/// One pattern character's row of the alignment, as far as the sweep has
/// gone: its last cell (`k`, the text's column, a character's index plus
/// one, and `m`, the best score of the pattern so far ending in a match
/// there), and `best`, the best `m + k` of its cells before that one.
/// [`NONE`] stands for no cell: far enough below any score that sums
/// with it stay below [`SOME`], so the sweep needs no branch for it.
#[derive(Clone, Copy)]
struct Row {
    k: i32,
    m: i32,
    best: i32,
}

const NONE: i32 = -(1 << 28);
const SOME: i32 = NONE / 2;

impl Default for Row {
    fn default() -> Row {
        Row {
            k: NONE,
            m: NONE,
            best: NONE,
        }
    }
}

/// fuzzy-matcher 0.3.7's skim V2 score (`fuzzy_indices`, ignoring case),
/// None when `pattern` is not in `text` in order. A test holds it equal
/// to the matcher on random text.
#[cfg(test)]
fn aligned(text: &str, pattern: &str) -> Option<i64> {
    let scratch = &mut Scratch::default();
    let chars: Vec<char> = pattern.chars().collect();
    if text.is_ascii() && pattern.is_ascii() {
        let rows = |b: u8| rows_of(char::from(b), &chars);
        align(text.as_bytes(), pattern.as_bytes(), rows, scratch)
    } else {
        let text: Vec<char> = text.chars().collect();
        align(&text, &chars, |c| rows_of(c, &chars), scratch)
    }
}

/// The matcher fills a table, a row per pattern character and a column
/// per text character, each cell holding the best score ending in a
/// match there (`m`) and ending in a gap (`p`):
///
/// - `m[i][c] = max(m[i-1][c-1] + max(bonus(c), 4), p[i-1][c-1] + bonus(c)) + 16`
///   where pattern character `i` matches text character `c` (14 when only
///   the ASCII case agrees), minus infinity elsewhere (the consecutive
///   bonus it reads from the cell before is always zero there);
/// - `p[i][c] = max(m[i][c-1] - 4, p[i][c-1] - 1)`, and `p[-1][c] = -1`.
///
/// Unrolled, `p[i-1][c-1]` is `max over k ≤ c-2 of (m[i-1][k] + k) - c - 2`,
/// so only the cells where the characters match are needed, and of each
/// row only its last cell and that running maximum. They are computed in
/// one sweep of the text, left to right: `rows` tells which pattern
/// characters a text character matches (a table lookup for a byte, so a
/// character that matches none costs nothing more), and those rows are
/// updated from the last down, so each reads the row above as it was
/// before this column. The score is the best `m` of the last row. At
/// 100 000 dossiers this is most of a keystroke. Beyond 64 pattern
/// characters every row is compared.
fn align<L: Letter>(
    text: &[L],
    pattern: &[L],
    rows: impl Fn(L) -> u64,
    scratch: &mut Scratch,
) -> Option<i64> {
    const MATCH: i32 = 16;
    const GAP_EXTENSION: i32 = -1;
    const CONSECUTIVE: i32 = 4;
    const HEAD: i32 = 8;
    let n = pattern.len();
    let last_row = n.checked_sub(1)?;
    let state = &mut scratch.rows;
    state.clear();
    state.resize(n, Row::default());
    let mut top = NONE;
    for (j, &c) in text.iter().enumerate() {
        let matching = if n <= 64 {
            rows(c)
        } else {
            u64::from(
                pattern
                    .iter()
                    .any(|p| p.char().eq_ignore_ascii_case(&c.char())),
            )
        };
        if matching == 0 {
            continue;
        }
        let col = j as i32 + 1;
        let place = j
            .checked_sub(1)
            .and_then(|k| text.get(k))
            .map_or(Kind::Empty, |b| Kind::of(b.char()));
        let bonus = match (place, Kind::of(c.char())) {
            (Kind::Empty | Kind::HardSep, _) => HEAD,
            (Kind::SoftSep, _) => HEAD - 1,
            (Kind::Lower | Kind::Number, Kind::Upper) => HEAD - 2,
            _ => 0,
        } * if j == 0 { 2 } else { 1 };
        let mut cell = |i: usize| {
            let (gap, diagonal) = match i.checked_sub(1) {
                None => (GAP_EXTENSION, NONE),
                Some(above) => {
                    let Row { k, m, best } = state[above];
                    if k <= col - 2 {
                        (best.max(m + k) - col - 2, NONE)
                    } else {
                        (best - col - 2, m)
                    }
                }
            };
            let score = (diagonal + bonus.max(CONSECUTIVE)).max(gap + bonus);
            if score < SOME {
                return;
            }
            let m = score
                + if c.char() == pattern[i].char() {
                    MATCH
                } else {
                    MATCH + 2 * GAP_EXTENSION
                };
            let row = &mut state[i];
            row.best = row.best.max(row.m + row.k);
            row.k = col;
            row.m = m;
            if i == last_row {
                top = top.max(m);
            }
        };
        if n <= 64 {
            let mut left = matching;
            while left != 0 {
                let i = 63 - left.leading_zeros() as usize;
                left &= !(1 << i);
                cell(i);
            }
        } else {
            for i in (0..n).rev() {
                if pattern[i].char().eq_ignore_ascii_case(&c.char()) {
                    cell(i);
                }
            }
        }
    }
    (top >= SOME).then_some(i64::from(top))
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
    #[inline(always)]
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
/// one run per core: the index is only read, and each thread aligns in
/// rows of its own.
pub fn matches(candidates: &[usize], index: &Index, q: &Query) -> Vec<(usize, i64)> {
    let q = &q.facts();
    let run = |part: &[usize]| -> Vec<(usize, i64)> {
        let scratch = &mut Scratch::default();
        part.iter()
            .filter_map(|i| score_fields(index.view(*i), q, scratch).map(|s| (*i, s)))
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

/// The hits' candidates, best score first, ties in the hits' order: what
/// a stable sort by descending score gives. Scores are small integers (a
/// few dozen per query character), so they are counted into buckets, in
/// one pass and without copying the hits, instead of sorted: for 90 000
/// hits, under 1 ms where the copy and the sort took 2 to 4.
pub fn best_first(hits: &[(usize, i64)]) -> Vec<usize> {
    let (Some(low), Some(high)) = (
        hits.iter().map(|h| h.1).min(),
        hits.iter().map(|h| h.1).max(),
    ) else {
        return Vec::new();
    };
    let Some(span) = usize::try_from(high - low).ok().filter(|s| *s <= BUCKETS) else {
        let mut sorted = hits.to_vec();
        sorted.sort_by_key(|(_, score)| std::cmp::Reverse(*score));
        return sorted.into_iter().map(|(i, _)| i).collect();
    };
    // Bucket 0 holds the best score.
    let bucket = |score: i64| (high - score) as usize;
    let mut starts = vec![0usize; span + 2];
    for h in hits {
        starts[bucket(h.1) + 1] += 1;
    }
    for k in 1..starts.len() {
        starts[k] += starts[k - 1];
    }
    let mut out = vec![0usize; hits.len()];
    for &(i, score) in hits {
        let at = &mut starts[bucket(score)];
        out[*at] = i;
        *at += 1;
    }
    out
}

/// Scores further apart than this are sorted, not counted (see
/// [`best_first`]).
const BUCKETS: usize = 1 << 16;

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

    #[test]
    fn an_index_read_back_is_taken_only_whole() {
        let mut index = Index::new(2);
        index.push(&Haystack::new(&["PDNP-001", "Élodie Martin"]));
        index.push(&Haystack::new(&["PDNP-002", "Noël Gaspard"]));
        let kept = serde_json::to_value(&index).expect("index");
        let read = |v: &serde_json::Value| -> Index {
            serde_json::from_value(v.clone()).expect("read back")
        };
        assert!(read(&kept).holds(2, 2));
        assert!(!read(&kept).holds(2, 3), "another count");
        assert!(
            !read(&kept).holds(2, usize::MAX / 2),
            "a count past any size"
        );
        assert!(!read(&kept).holds(3, 2), "another width");
        let mut damaged = kept.clone();
        // Past the end of the text; before the dossier's own start.
        for (at, offset) in [(2, 10_000), (4, 1)] {
            damaged["spans"][at] = offset.into();
            assert!(!read(&damaged).holds(2, 2), "span {at} at {offset}");
            damaged = kept.clone();
        }
        damaged["spans"][1] = kept["spans"][2].clone();
        damaged["spans"][2] = kept["spans"][1].clone();
        assert!(!read(&damaged).holds(2, 2), "out of order");
        damaged = kept.clone();
        damaged["masks"] = serde_json::json!([0]);
        assert!(!read(&damaged).holds(2, 2), "masks missing");
    }

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
        let mut index = Index::new(2);
        for h in &hays {
            index.push(h);
        }
        let candidates: Vec<usize> = (0..hays.len()).rev().collect();
        for typed in ["a", "bé", "œs"] {
            let q = Query::new(typed);
            let one: Vec<(usize, i64)> = candidates
                .iter()
                .filter_map(|i| super::score(&hays[*i], &q).map(|s| (*i, s)))
                .collect();
            assert!(!one.is_empty(), "{typed}");
            assert_eq!(matches(&candidates, &index, &q), one, "{typed}");
        }
    }

    #[test]
    fn best_first_is_a_stable_sort_by_descending_score() {
        let mut rng = Rng(0x5eed_0015_0000_0005);
        for spread in [1, 3, 200, 1 << 20] {
            let hits: Vec<(usize, i64)> = (0..5000)
                .map(|i| (i * 7 % 5003, rng.below(spread) as i64 - 2))
                .collect();
            let mut sorted = hits.clone();
            sorted.sort_by_key(|(_, score)| std::cmp::Reverse(*score));
            let expected: Vec<usize> = sorted.into_iter().map(|(i, _)| i).collect();
            assert_eq!(best_first(&hits), expected, "{spread}");
        }
        assert!(best_first(&[]).is_empty());
    }

    #[test]
    fn the_index_holds_each_dossiers_latest_fields() {
        let mut rng = Rng(0x5eed_0015_0000_0004);
        let mut expected: Vec<Vec<String>> = Vec::new();
        let mut index = Index::new(3);
        let fields =
            |rng: &mut Rng| -> Vec<String> { (0..3).map(|_| text(rng, ALPHABET, 12)).collect() };
        for _ in 0..50 {
            let f = fields(&mut rng);
            index.push(&Haystack::new(
                &f.iter().map(String::as_str).collect::<Vec<_>>(),
            ));
            expected.push(f.iter().map(|x| fold(x).text).collect());
        }
        // Enough corrections to make the text again more than once.
        for _ in 0..400 {
            let i = rng.below(expected.len());
            let f = fields(&mut rng);
            index.set(
                i,
                &Haystack::new(&f.iter().map(String::as_str).collect::<Vec<_>>()),
            );
            expected[i] = f.iter().map(|x| fold(x).text).collect();
            assert!(index.text.len() <= 2 * (index.text.len() - index.dead) + 64);
        }
        assert_eq!(index.len(), expected.len());
        for (i, want) in expected.iter().enumerate() {
            assert_eq!(index.fields(i).collect::<Vec<_>>(), *want, "dossier {i}");
            // Its letters were kept with it: it scores as its haystack does.
            let hay = Haystack::new(&want.iter().map(String::as_str).collect::<Vec<_>>());
            for typed in ["a", "be", "los", "ss", "n1"] {
                let q = Query::new(typed);
                assert_eq!(
                    score_fields(index.view(i), &q.facts(), &mut Scratch::default()),
                    super::score(&hay, &q),
                    "{i} {typed}"
                );
            }
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
        // Past 64 pattern characters the rows are compared one by one:
        // patterns drawn from the field, so most of them match.
        for _ in 0..300 {
            let field = text(&mut rng, KINDS, 160);
            let mut pattern = String::new();
            for c in field.chars() {
                if rng.below(5) != 0 {
                    pattern.push(c);
                }
            }
            if rng.below(4) == 0 {
                pattern.push('z');
            }
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
