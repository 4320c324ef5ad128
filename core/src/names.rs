//! Who is speaking: a name typed at « Qui note ? » or given with `--as`,
//! matched against the committee's members. Only a member acts, so a name is
//! never taken as it comes: an exact match (after normalisation) is the
//! member; a name that differs by case, accents or one slip of the keyboard
//! is answered with a question; anything else is refused with the list.

use crate::fr::Lang;
use crate::search;
use unicode_normalization::UnicodeNormalization;

/// A name as it is stored and compared: NFC, trimmed, inner runs of spaces
/// folded to one. Control characters are refused (None), as is an empty name.
pub fn normalize(name: &str) -> Option<String> {
    if name.chars().any(char::is_control) {
        return None;
    }
    let nfc: String = name.nfc().collect();
    let folded = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
    (!folded.is_empty()).then_some(folded)
}

/// What a typed name designates among the members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// This member, exactly (after normalisation).
    Member(String),
    /// Not a member as typed; these members are close (case, accents, or one
    /// edit away). Best asked, never assumed.
    DidYouMean(Vec<String>),
    /// Nobody close.
    Unknown,
    /// Empty, or with control characters.
    Unreadable,
}

/// Matches `typed` against `members` (names as stored).
pub fn find<'a>(typed: &str, members: impl IntoIterator<Item = &'a str>) -> Found {
    let Some(typed) = normalize(typed) else {
        return Found::Unreadable;
    };
    let members: Vec<&str> = members.into_iter().collect();
    if let Some(m) = members
        .iter()
        .find(|m| normalize(m).as_deref() == Some(typed.as_str()))
    {
        return Found::Member((*m).to_string());
    }
    let want = search::fold(&typed).text;
    let close: Vec<String> = members
        .iter()
        .filter(|m| close_to(&want, &search::fold(m).text))
        .map(|m| (*m).to_string())
        .collect();
    if close.is_empty() {
        Found::Unknown
    } else {
        Found::DidYouMean(close)
    }
}

/// True when the folded `typed` is within one edit of the folded `member`,
/// or of a run of its whole words (« Nadia » for « Nadia Benali »).
fn close_to(typed: &str, member: &str) -> bool {
    if within_one_edit(typed, member) {
        return true;
    }
    let want = typed.split(' ').count();
    let words: Vec<&str> = member.split(' ').collect();
    want < words.len()
        && words
            .windows(want)
            .any(|run| within_one_edit(typed, &run.join(" ")))
}

/// True when `a` and `b` are equal or one insertion, deletion, substitution
/// or transposition of two neighbours apart.
fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    match long.len() - short.len() {
        0 => {
            let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            match diff.as_slice() {
                [] | [_] => true,
                [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
                _ => false,
            }
        }
        1 => {
            let i = (0..short.len())
                .find(|&i| short[i] != long[i])
                .unwrap_or(short.len());
            short[i..] == long[i + 1..]
        }
        _ => false,
    }
}

/// More names than this are not a question one can answer: the first ones
/// are offered and the rest counted (a reference typed one digit short is
/// one edit from a dozen others).
const OFFERED: usize = 4;

/// « « A » », « « A » ou « B » »: the names offered, quoted the French way.
fn quoted(names: &[String], lang: Lang) -> String {
    let q: Vec<String> = names
        .iter()
        .take(OFFERED)
        .map(|n| match lang {
            Lang::Fr => format!("«\u{a0}{n}\u{a0}»"),
            Lang::En => format!("“{n}”"),
        })
        .collect();
    let offered = q.join(lang.t(" ou ", " or "));
    match names.len().saturating_sub(OFFERED) {
        0 => offered,
        more => match lang {
            Lang::Fr => format!("{offered} (ou l'un des {more} autres proches)"),
            Lang::En => format!("{offered} (or one of {more} other close ones)"),
        },
    }
}

/// « Vouliez-vous dire « Sylvie Marcellin » ? »
pub fn did_you_mean(names: &[String], lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("Vouliez-vous dire {}\u{a0}?", quoted(names, lang)),
        Lang::En => format!("Did you mean {}?", quoted(names, lang)),
    }
}

/// « Membres du comité : … », or that there are none yet.
pub fn member_list<'a>(members: impl IntoIterator<Item = &'a str>, lang: Lang) -> String {
    let names: Vec<&str> = members.into_iter().collect();
    if names.is_empty() {
        return lang
            .t(
                "Le comité n'a encore aucun membre.",
                "The committee has no member yet.",
            )
            .to_string();
    }
    format!(
        "{} {}",
        lang.t("Membres du comité\u{a0}:", "Committee members:"),
        names.join(", ")
    )
}

/// Why a name was not taken, in `lang`: the question or the refusal, then
/// the list of members on a line of its own.
pub fn refusal<'a>(
    typed: &str,
    found: &Found,
    members: impl IntoIterator<Item = &'a str>,
    lang: Lang,
) -> String {
    let list = member_list(members, lang);
    match found {
        Found::Member(_) => String::new(),
        Found::DidYouMean(names) => format!("{}\n{list}", did_you_mean(names, lang)),
        Found::Unknown => match lang {
            Lang::Fr => format!(
                "«\u{a0}{}\u{a0}» n'est pas membre du comité.\n{list}",
                typed.trim()
            ),
            Lang::En => format!("“{}” is not a committee member.\n{list}", typed.trim()),
        },
        Found::Unreadable => format!(
            "{}\n{list}",
            lang.t(
                "Nom illisible (vide ou avec des caractères de contrôle).",
                "Unreadable name (empty or with control characters).",
            )
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMBERS: [&str; 5] = [
        "Sylvie Marcellin",
        "Nadia Benali",
        "Julien Ferrand",
        "Bernard Castellan",
        "Agnès Tordo",
    ];

    fn find_in(typed: &str) -> Found {
        find(typed, MEMBERS)
    }

    fn mean(names: &[&str]) -> Found {
        Found::DidYouMean(names.iter().map(|n| n.to_string()).collect())
    }

    #[test]
    fn an_exact_name_after_normalisation_is_the_member() {
        assert_eq!(
            find_in("  Sylvie   Marcellin "),
            Found::Member("Sylvie Marcellin".into())
        );
        // A decomposed « è » (e + combining grave) is the same name in NFC.
        assert_eq!(
            find_in("Agne\u{300}s Tordo"),
            Found::Member("Agnès Tordo".into())
        );
    }

    #[test]
    fn case_and_accents_are_asked_not_assumed() {
        assert_eq!(find_in("sylvie marcellin"), mean(&["Sylvie Marcellin"]));
        assert_eq!(find_in("Agnes Tordo"), mean(&["Agnès Tordo"]));
    }

    #[test]
    fn one_typo_is_asked() {
        // deletion, insertion, substitution, on the folded form
        assert_eq!(find_in("Sylvie Marcelin"), mean(&["Sylvie Marcellin"]));
        assert_eq!(find_in("sylvie marcelin"), mean(&["Sylvie Marcellin"]));
        assert_eq!(find_in("Nadia Bennali"), mean(&["Nadia Benali"]));
        assert_eq!(find_in("Nadia Benalo"), mean(&["Nadia Benali"]));
    }

    #[test]
    fn a_transposition_is_one_edit() {
        assert_eq!(find_in("Julien Frerand"), mean(&["Julien Ferrand"]));
        assert_eq!(find_in("Julien Ferradn"), mean(&["Julien Ferrand"]));
        // two separate slips are too many
        assert_eq!(find_in("Jluien Ferradn"), Found::Unknown);
    }

    #[test]
    fn ambiguous_near_misses_are_all_listed() {
        let members = ["Anne Morel", "Anna Morel", "Paul Roux"];
        assert_eq!(
            find("anne morel", members),
            mean(&["Anne Morel", "Anna Morel"])
        );
        assert!(
            did_you_mean(&["Anne Morel".into(), "Anna Morel".into()], Lang::Fr)
                .contains("«\u{a0}Anne Morel\u{a0}» ou «\u{a0}Anna Morel\u{a0}»")
        );
    }

    #[test]
    fn a_dozen_near_misses_offer_four_and_count_the_rest() {
        let refs: Vec<String> = (10..=19)
            .map(|n| format!("PDNP06-2025-0{n}"))
            .chain(["PDNP06-2025-001".into(), "PDNP06-2025-021".into()])
            .collect();
        let Found::DidYouMean(close) = find("PDNP06-2025-01", refs.iter().map(String::as_str))
        else {
            panic!("a near miss");
        };
        assert_eq!(close.len(), 12);
        let asked = did_you_mean(&close, Lang::Fr);
        assert_eq!(asked.matches('«').count(), 4, "{asked}");
        assert!(
            asked.ends_with("(ou l'un des 8 autres proches)\u{a0}?"),
            "{asked}"
        );
    }

    #[test]
    fn a_first_or_last_name_alone_is_asked() {
        assert_eq!(find_in("Nadia"), mean(&["Nadia Benali"]));
        assert_eq!(find_in("castelan"), mean(&["Bernard Castellan"]));
    }

    #[test]
    fn an_unknown_name_is_unknown() {
        assert_eq!(find_in("Claire"), Found::Unknown);
        assert_eq!(find_in("Claire Dumas"), Found::Unknown);
        assert_eq!(find("Sylvie Marcellin", []), Found::Unknown);
    }

    #[test]
    fn control_characters_and_blank_names_are_unreadable() {
        assert_eq!(find_in("Sylvie\u{7}Marcellin"), Found::Unreadable);
        assert_eq!(find_in("Nadia\nBenali"), Found::Unreadable);
        assert_eq!(find_in("   "), Found::Unreadable);
        assert_eq!(normalize("\tNadia"), None);
    }

    #[test]
    fn the_refusal_says_what_to_type() {
        let m = refusal(
            "Sylvie Marcelin",
            &find_in("Sylvie Marcelin"),
            MEMBERS,
            Lang::Fr,
        );
        assert!(m.starts_with("Vouliez-vous dire «\u{a0}Sylvie Marcellin\u{a0}»\u{a0}?"));
        assert!(m.contains("Membres du comité\u{a0}: Sylvie Marcellin, Nadia Benali"));
        let m = refusal("Nadia", &Found::Unknown, MEMBERS, Lang::Fr);
        assert!(m.contains("n'est pas membre du comité"), "{m}");
    }
}
