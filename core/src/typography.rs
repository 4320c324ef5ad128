//! French typography for plain text typed by people.
//!
//! [`french`] turns "Objet : 1 000 € ? « oui »" into the same text with the
//! right non-breaking spaces and a typographic apostrophe; it is idempotent
//! and leaves URLs, e-mail addresses and times (14:30) alone. [`breakable`]
//! tells a line breaker where it may break: only at an ordinary space.

/// U+00A0 NO-BREAK SPACE: before `:`, inside « », between a number and its
/// unit.
pub const NBSP: char = '\u{00A0}';
/// U+202F NARROW NO-BREAK SPACE: before `; ! ?` and between thousands.
pub const NNBSP: char = '\u{202F}';

/// Whether a line may break at `c`: only an ordinary space breaks; U+00A0
/// and U+202F never do.
pub fn breakable(c: char) -> bool {
    c == ' '
}

/// A horizontal space that French typography may turn into a no-break one.
fn is_hspace(c: char) -> bool {
    c == ' ' || c == NBSP || c == NNBSP || c == '\t'
}

/// What separates tokens when looking for URLs and e-mail addresses.
fn is_token_separator(c: char) -> bool {
    c.is_whitespace() || c == NBSP || c == NNBSP
}

/// Marks the characters of URL-like and e-mail-like tokens, which are left
/// exactly as written.
fn protected_chars(chars: &[char]) -> Vec<bool> {
    let mut protected = vec![false; chars.len()];
    let mut start = 0;
    while start < chars.len() {
        if is_token_separator(chars[start]) {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < chars.len() && !is_token_separator(chars[end]) {
            end += 1;
        }
        // Only a token with one of these can be an address: most words
        // are not made into a string to be looked at.
        let token = &chars[start..end];
        if token.iter().any(|c| matches!(c, '@' | ':' | '.'))
            && looks_like_address(&token.iter().collect::<String>())
        {
            // Trailing sentence punctuation after a URL is not part of it:
            // "voir https://exemple.fr ?" has its space before `?` anyway,
            // but "https://exemple.fr." keeps its full stop untouched too.
            for p in protected.iter_mut().take(end).skip(start) {
                *p = true;
            }
        }
        start = end;
    }
    protected
}

fn looks_like_address(token: &str) -> bool {
    let lower = token.to_lowercase();
    let lower = lower.trim_start_matches(['(', '[', '<', '«', '"']);
    if lower.contains("://") || lower.starts_with("www.") || lower.starts_with("mailto:") {
        return true;
    }
    // An e-mail address: something@something.something
    if let Some(at) = lower.find('@') {
        let (local, domain) = lower.split_at(at);
        let domain = &domain[1..];
        return !local.is_empty()
            && domain.contains('.')
            && domain.chars().next().is_some_and(|c| c.is_alphanumeric());
    }
    false
}

/// Applies French typographic spacing and the typographic apostrophe:
///
/// - U+202F before `;`, `!`, `?` and U+00A0 before `:` (an ordinary space
///   there is replaced, a missing one inserted), but only where the sign is
///   punctuation (followed by a space, the end, or closing punctuation), so
///   `14:30`, `http://` and `?a=1` are left alone, as are URL and e-mail
///   tokens as a whole;
/// - U+00A0 after « and before »;
/// - `'` becomes `’`;
/// - thousands written with a space ("1 000", "2 500 000") are joined by
///   U+202F;
/// - U+00A0 between a number and `€`, `%` (inserted if missing) or the unit
///   `h` ("3 h", "14 h 30"), and after "n°" before a number.
///
/// The function is idempotent: `french(&french(s)) == french(s)`.
pub fn french(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let protected = protected_chars(&chars);
    let mut out: Vec<char> = Vec::with_capacity(chars.len() + 8);
    let n = chars.len();
    let mut i = 0;
    while i < n {
        let c = chars[i];
        if protected[i] {
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '\'' => out.push('’'),
            ';' | '!' | '?' | ':' => {
                let space = if c == ':' { NBSP } else { NNBSP };
                if is_punctuation_use(&chars, i) {
                    space_before(&mut out, space);
                }
                out.push(c);
            }
            '«' => {
                out.push('«');
                let mut j = i + 1;
                while j < n && is_hspace(chars[j]) {
                    j += 1;
                }
                if j < n && chars[j] != '\n' && chars[j] != '\r' {
                    out.push(NBSP);
                }
                i = j;
                continue;
            }
            '»' => {
                trim_hspace(&mut out);
                if out.last().is_some_and(|&l| l != '\n' && l != '\r') {
                    out.push(NBSP);
                }
                out.push('»');
            }
            '€' | '%' => {
                let len = out.len();
                if len >= 2 && is_hspace(out[len - 1]) && out[len - 2].is_ascii_digit() {
                    out[len - 1] = NBSP;
                } else if len >= 1 && out[len - 1].is_ascii_digit() {
                    out.push(NBSP);
                }
                out.push(c);
            }
            'h' => {
                // "3 h", "14 h 30": the unit h, a word of its own after a number.
                let standalone = !chars
                    .get(i + 1)
                    .is_some_and(|n| n.is_alphanumeric() || *n == '\'' || *n == '’');
                let len = out.len();
                if standalone
                    && len >= 2
                    && is_hspace(out[len - 1])
                    && out[len - 2].is_ascii_digit()
                {
                    out[len - 1] = NBSP;
                    out.push('h');
                    // "14 h 30": keep the minutes with the hour.
                    if i + 2 < n && is_hspace(chars[i + 1]) && chars[i + 2].is_ascii_digit() {
                        out.push(NBSP);
                        i += 2;
                        continue;
                    }
                } else {
                    out.push('h');
                }
            }
            ' ' | '\u{00A0}' | '\u{202F}' if is_thousands_gap(&chars, i) => out.push(NNBSP),
            ' ' | '\u{00A0}' | '\u{202F}'
                if after_numero(&out) && chars.get(i + 1).is_some_and(char::is_ascii_digit) =>
            {
                out.push(NBSP)
            }
            _ => out.push(c),
        }
        i += 1;
    }
    bind_dates_and_scores(&mut out);
    out.into_iter().collect()
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// Turns into U+00A0 the ordinary spaces inside "7 juillet 2025" (day and
/// month, month and year) and around the slash of "2,0 / 5": a reader
/// must not find half a date or half a score at the end of a line.
fn bind_dates_and_scores(out: &mut [char]) {
    let digits = |w: &[char]| w.iter().all(char::is_ascii_digit);
    let is_day = |w: &[char]| w == ['1', 'e', 'r'] || (!w.is_empty() && w.len() <= 2 && digits(w));
    let is_year = |w: &[char]| w.len() == 4 && digits(w);
    let is_month = |w: &[char]| MONTHS.iter().any(|m| m.chars().eq(w.iter().copied()));
    let ends_with_digit = |w: &[char]| w.last().is_some_and(char::is_ascii_digit);
    let starts_with_digit = |w: &[char]| w.first().is_some_and(char::is_ascii_digit);
    for i in 0..out.len() {
        if out[i] != ' ' {
            continue;
        }
        let (before, after) = (word_before(out, i), word_after(out, i));
        let bind = (is_day(before) && is_month(after))
            || (is_month(before) && is_year(after))
            || (after == ['/'] && ends_with_digit(before) && {
                // The number after the slash: past the next space.
                let next = out[i + 1..].iter().position(|c| *c == ' ' || *c == NBSP);
                next.is_some_and(|p| starts_with_digit(word_after(out, i + 1 + p)))
            })
            || (before == ['/'] && starts_with_digit(after) && i >= 2 && {
                let slash_start = i - 1;
                slash_start >= 1 && ends_with_digit(word_before(out, slash_start - 1))
            });
        if bind {
            out[i] = NBSP;
        }
    }
}

/// The word (run of non-space characters) before the space at `i`, its
/// opening punctuation trimmed.
fn word_before(out: &[char], i: usize) -> &[char] {
    let start = out[..i]
        .iter()
        .rposition(|c| c.is_whitespace() || *c == NBSP || *c == NNBSP)
        .map_or(0, |p| p + 1);
    let word = &out[start..i];
    let from = word
        .iter()
        .position(|c| !matches!(c, '(' | '[' | '«'))
        .unwrap_or(word.len());
    &word[from..]
}

/// The word after the space at `i`, its closing punctuation trimmed.
fn word_after(out: &[char], i: usize) -> &[char] {
    let end = out[i + 1..]
        .iter()
        .position(|c| c.is_whitespace() || *c == NBSP || *c == NNBSP)
        .map_or(out.len(), |p| i + 1 + p);
    let word = &out[i + 1..end];
    let to = word
        .iter()
        .rposition(|c| !matches!(c, ')' | ']' | '»' | ',' | '.' | ';' | ':' | '!' | '?'))
        .map_or(0, |p| p + 1);
    &word[..to]
}

/// Whether the `;:!?` at `i` is punctuation (rather than part of a time, a
/// ratio, a URL or a query string).
fn is_punctuation_use(chars: &[char], i: usize) -> bool {
    match chars.get(i + 1) {
        None => true,
        Some(&next) => {
            next.is_whitespace()
                || next == NBSP
                || next == NNBSP
                || matches!(
                    next,
                    ';' | ':' | '!' | '?' | '»' | ')' | ']' | '"' | '”' | '.' | ',' | '…'
                )
        }
    }
}

/// Puts exactly one `space` before the sign about to be pushed onto `out`:
/// replaces the horizontal spaces there, inserts one after a word, adds none
/// at the start of a line or after another sign of the same family.
fn space_before(out: &mut Vec<char>, space: char) {
    let had_space = trim_hspace(out);
    match out.last() {
        None => {}
        Some(&l) if l == '\n' || l == '\r' => {}
        Some(&l) if matches!(l, ';' | ':' | '!' | '?' | '(' | '[') && !had_space => {}
        Some(_) => out.push(space),
    }
}

/// Removes trailing horizontal spaces; tells whether there were any.
fn trim_hspace(out: &mut Vec<char>) -> bool {
    let mut any = false;
    while out.last().is_some_and(|&c| is_hspace(c)) {
        out.pop();
        any = true;
    }
    any
}

/// Whether `out` ends with the abbreviation "n°" / "N°" (a word of its
/// own), which keeps its number: "n° 12".
fn after_numero(out: &[char]) -> bool {
    let len = out.len();
    len >= 2
        && out[len - 1] == '°'
        && (out[len - 2] == 'n' || out[len - 2] == 'N')
        && (len == 2 || !out[len - 3].is_alphanumeric())
}

/// Whether the space at `i` separates groups of thousands: 1 to 3 digits
/// before (themselves a leading group or a 3-digit group after another
/// gap), exactly 3 digits after.
fn is_thousands_gap(chars: &[char], i: usize) -> bool {
    let digits_after = chars[i + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits_after != 3 {
        return false;
    }
    let mut j = i;
    let mut digits_before = 0;
    while j > 0 && chars[j - 1].is_ascii_digit() {
        j -= 1;
        digits_before += 1;
    }
    if digits_before == 0 || digits_before > 3 {
        return false;
    }
    if j == 0 {
        return true;
    }
    let before = chars[j - 1];
    if before.is_alphanumeric() || before == '.' || before == ',' {
        return false;
    }
    if is_hspace(before) && j >= 2 && chars[j - 2].is_ascii_digit() {
        // Part of a longer number only if this group is a full one.
        return digits_before == 3 && is_thousands_gap(chars, j - 1);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        let got = french(input);
        assert_eq!(got, expected, "french({input:?})");
        assert_eq!(french(&got), got, "idempotent on {input:?}");
    }

    #[test]
    fn colon_gets_a_no_break_space() {
        check("Objet : candidature", "Objet\u{A0}: candidature");
        check("Objet: candidature", "Objet\u{A0}: candidature");
        check("Objet  :  candidature", "Objet\u{A0}:  candidature");
        check("Note :", "Note\u{A0}:");
        check("Objet\u{202F}: x", "Objet\u{A0}: x");
    }

    #[test]
    fn semicolon_exclamation_question_get_a_narrow_space() {
        check("Oui ; non", "Oui\u{202F}; non");
        check("Oui; non", "Oui\u{202F}; non");
        check("Bravo !", "Bravo\u{202F}!");
        check("Vraiment?", "Vraiment\u{202F}?");
        check("Quoi ?!", "Quoi\u{202F}?!");
        check("Attention !!!", "Attention\u{202F}!!!");
        check("« Pourquoi ? »", "«\u{A0}Pourquoi\u{202F}?\u{A0}»");
        check("(sic !)", "(sic\u{202F}!)");
    }

    #[test]
    fn times_urls_and_addresses_are_left_alone() {
        check("à 14:30 précises", "à 14:30 précises");
        check(
            "voir https://exemple.fr/a?b=1 : merci",
            "voir https://exemple.fr/a?b=1\u{A0}: merci",
        );
        check("http://exemple.fr", "http://exemple.fr");
        check(
            "Écrire à jean.dupont@caf.fr ; merci",
            "Écrire à jean.dupont@caf.fr\u{202F}; merci",
        );
        check("www.caf.fr/l'aide", "www.caf.fr/l'aide");
        check("mailto:jean@x.fr", "mailto:jean@x.fr");
        check("ratio 3:2", "ratio 3:2");
    }

    #[test]
    fn guillemets_get_no_break_spaces_inside() {
        check("« oui »", "«\u{A0}oui\u{A0}»");
        check("«oui»", "«\u{A0}oui\u{A0}»");
        check("«  oui  »", "«\u{A0}oui\u{A0}»");
        check(
            "le «\u{202F}oui\u{202F}» franc",
            "le «\u{A0}oui\u{A0}» franc",
        );
    }

    #[test]
    fn apostrophe_becomes_typographic() {
        check("l'association d'aide", "l’association d’aide");
        check("aujourd’hui", "aujourd’hui");
    }

    #[test]
    fn thousands_are_joined_by_a_narrow_space() {
        check("1 000", "1\u{202F}000");
        check("2 500 000 habitants", "2\u{202F}500\u{202F}000 habitants");
        check("12 345,50", "12\u{202F}345,50");
        check("1\u{A0}000", "1\u{202F}000");
        // Not numbers of thousands:
        check("le 18 juillet 2025", "le 18\u{A0}juillet\u{A0}2025");
        check("en 2024 100 dossiers", "en 2024 100 dossiers");
        check("04 93 72 12 34", "04 93 72 12 34");
        check("06000 Nice", "06000 Nice");
        check("10000", "10000");
        check("1 0000", "1 0000");
        check("3,5 000", "3,5 000");
    }

    #[test]
    fn units_stay_with_their_number() {
        check("1 000 €", "1\u{202F}000\u{A0}€");
        check("1 000€", "1\u{202F}000\u{A0}€");
        check("50 %", "50\u{A0}%");
        check("50%", "50\u{A0}%");
        check("3 h", "3\u{A0}h");
        check("à 14 h 30.", "à 14\u{A0}h\u{A0}30.");
        check("à 14 h.", "à 14\u{A0}h.");
        check("14h30", "14h30");
        check("3 heures", "3 heures");
        check("en h", "en h");
    }

    #[test]
    fn dates_and_scores_hold_together() {
        check("le 7 juillet 2025.", "le 7\u{A0}juillet\u{A0}2025.");
        check("(1er mars 2026)", "(1er\u{A0}mars\u{A0}2026)");
        check("en mai 2025, le 3 mai", "en mai\u{A0}2025, le 3\u{A0}mai");
        check("note (2,0 / 5)", "note (2,0\u{A0}/\u{A0}5)");
        check(
            "14,5 / 20 (72,5 / 100)",
            "14,5\u{A0}/\u{A0}20 (72,5\u{A0}/\u{A0}100)",
        );
        // Not dates or scores:
        check("et / ou", "et / ou");
        check("2 / ou", "2 / ou");
        check("les mai 20", "les mai 20");
        check("le 123 juillet", "le 123 juillet");
    }

    #[test]
    fn numero_keeps_its_number() {
        check("dossier n° 12", "dossier n°\u{A0}12");
        check("N° 3", "N°\u{A0}3");
        check("le n° du dossier", "le n° du dossier");
        check("20° 5", "20° 5");
    }

    #[test]
    fn a_whole_sentence() {
        check(
            "Le montant demandé (12 500 €) dépasse le plafond : 10 000 €. Pourquoi ? L'appel « PDNP » le dit ; voir https://caf.fr/pdnp?x=1.",
            "Le montant demandé (12\u{202F}500\u{A0}€) dépasse le plafond\u{A0}: 10\u{202F}000\u{A0}€. Pourquoi\u{202F}? L’appel «\u{A0}PDNP\u{A0}» le dit\u{202F}; voir https://caf.fr/pdnp?x=1.",
        );
    }

    #[test]
    fn edges() {
        check("", "");
        check("?", "?");
        check(": début", ": début");
        check("ligne\n: suite", "ligne\n: suite");
        check("»", "»");
        check("«", "«");
        check("a\nb", "a\nb");
        check("é à ç œ Œ", "é à ç œ Œ");
    }

    #[test]
    fn only_ordinary_spaces_break() {
        assert!(breakable(' '));
        assert!(!breakable(NBSP));
        assert!(!breakable(NNBSP));
        assert!(!breakable('a'));
        assert!(!breakable('-'));
    }

    #[test]
    fn idempotent_on_a_mixed_corpus() {
        let corpus = [
            "Réf. : PDNP06-2025-007 ; montant : 3 000 € (soit 15 %) ; réunion à 9 h 30 !",
            "« Non retenu » : l'avis du comité ? Voir www.caf.fr, 14:30.",
            "Tél. : 04 93 72 12 34 — courriel : contact@caf06.fr",
            "1 2 3 ; 1 234 567 ; 123 4567 ; 12 34",
        ];
        for s in corpus {
            let once = french(s);
            assert_eq!(french(&once), once, "{s:?}");
        }
    }
}
