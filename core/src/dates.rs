//! Dates as a French committee writes them: `7/7/2025`, `07.07.2025`,
//! `7 juillet 2025`, `1er juil. 2025`, or ISO `2025-07-07`. Forms accept any
//! of these, show `7 juillet 2025` and store ISO.

use crate::fr::Lang;
use chrono::NaiveDate;

/// A date a form cannot take.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not a form of date this parser knows, or one that could be read two
    /// ways (`7/7/25`).
    Unreadable(String),
    /// Reads, but the day does not exist (`31/02/2025`).
    Impossible(String),
}

impl DateError {
    /// The date is quoted as typed, which may hold control characters (a
    /// paste): they are shown as escapes, never sent to the terminal.
    pub fn message(&self, lang: Lang) -> String {
        crate::fr::visible(&self.text(lang)).into_owned()
    }

    fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (DateError::Unreadable(s), Lang::Fr) => {
                format!("date illisible « {s} » : écrivez par exemple 7/7/2025 ou 7 juillet 2025")
            }
            (DateError::Unreadable(s), Lang::En) => format!(
                "unreadable date “{s}”: write for example 7/7/2025 (day/month/year) or 7 July 2025"
            ),
            (DateError::Impossible(s), Lang::Fr) => {
                format!("date impossible « {s} » : ce jour n'existe pas dans le calendrier")
            }
            (DateError::Impossible(s), Lang::En) => {
                format!("impossible date “{s}”: that day is not in the calendar")
            }
        }
    }
}

crate::french_display!(DateError);

/// A letter marked sent before the date it carries.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct SentBeforeSigned {
    pub sent: NaiveDate,
    pub signed: NaiveDate,
}

impl SentBeforeSigned {
    pub fn message(&self, lang: Lang) -> String {
        let (sent, signed) = (lang.date(self.sent), lang.date(self.signed));
        match lang {
            Lang::Fr => format!(
                "Date d'envoi refusée : le courrier est daté du {signed}, il ne peut pas être parti le {sent}."
            ),
            Lang::En => format!(
                "Date sent refused: the letter is dated {signed}; it cannot have left on {sent}."
            ),
        }
    }
}

crate::french_display!(SentBeforeSigned);

/// A letter signed on `signed` (if known) can be sent on `sent`: not before.
pub fn check_sent(sent: NaiveDate, signed: Option<NaiveDate>) -> Result<(), SentBeforeSigned> {
    match signed {
        Some(signed) if sent < signed => Err(SentBeforeSigned { sent, signed }),
        _ => Ok(()),
    }
}

/// A letter dated before the meeting whose decision it notifies.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct SignedBeforeMeeting {
    pub signed: NaiveDate,
    pub meeting: NaiveDate,
}

impl SignedBeforeMeeting {
    pub fn message(&self, lang: Lang) -> String {
        let (signed, meeting) = (lang.date(self.signed), lang.date(self.meeting));
        match lang {
            Lang::Fr => format!(
                "Date de signature refusée : le {signed} précède la séance du {meeting} qui a décidé."
            ),
            Lang::En => format!(
                "Signature date refused: {signed} is before the session of {meeting} that decided."
            ),
        }
    }
}

crate::french_display!(SignedBeforeMeeting);

/// A letter notifying a decision of the meeting held on `meeting` can be
/// signed on `signed`: that day or later.
pub fn check_signed(signed: NaiveDate, meeting: NaiveDate) -> Result<(), SignedBeforeMeeting> {
    if signed < meeting {
        Err(SignedBeforeMeeting { signed, meeting })
    } else {
        Ok(())
    }
}

/// French month names and their usual abbreviations, lower case, without
/// the abbreviation's dot; accents optional. English names follow, so that
/// what the English interface shows (`7 July 2025`) reads back.
const MONTHS: [&[&str]; 12] = [
    &["janvier", "janv", "jan", "january"],
    &[
        "février", "fevrier", "févr", "fevr", "fév", "fev", "february", "feb",
    ],
    &["mars", "mar", "march"],
    &["avril", "avr", "april", "apr"],
    &["mai", "may"],
    &["juin", "june", "jun"],
    &["juillet", "juil", "july", "jul"],
    &["août", "aout", "aoû", "aou", "august", "aug"],
    &["septembre", "sept", "sep", "september"],
    &["octobre", "oct", "october"],
    &["novembre", "nov", "november"],
    &["décembre", "decembre", "déc", "dec", "december"],
];

/// Reads a date in any form [this module](self) accepts.
pub fn parse(input: &str) -> Result<NaiveDate, DateError> {
    let s = input.trim();
    let unreadable = || DateError::Unreadable(s.to_string());
    let (y, m, d) = numeric(s).or_else(|| written(s)).ok_or_else(unreadable)?;
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| DateError::Impossible(s.to_string()))
}

/// `2025-07-07`, or day, month, four-digit year separated by one of `/`, `-`, `.`.
fn numeric(s: &str) -> Option<(i32, u32, u32)> {
    let sep = s.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let parts: Vec<&str> = s.split(sep).map(str::trim).collect();
    let [a, b, c] = parts[..] else {
        return None;
    };
    if sep == '-' && a.len() == 4 {
        return Some((
            digits(a, 4..=4)? as i32,
            digits(b, 1..=2)?,
            digits(c, 1..=2)?,
        ));
    }
    // A two-digit year could be 1925 or 2025: asked again rather than guessed.
    Some((
        digits(c, 4..=4)? as i32,
        digits(b, 1..=2)?,
        digits(a, 1..=2)?,
    ))
}

/// `7 juillet 2025`, `1er juil. 2025`, any case.
fn written(s: &str) -> Option<(i32, u32, u32)> {
    let lower = s.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let [day, month, year] = words[..] else {
        return None;
    };
    let day = digits(day.strip_suffix("er").unwrap_or(day), 1..=2)?;
    let month = month.strip_suffix('.').unwrap_or(month);
    let m = MONTHS.iter().position(|names| names.contains(&month))? as u32 + 1;
    Some((digits(year, 4..=4)? as i32, m, day))
}

/// `p` as a number if it is `len` ASCII digits.
fn digits(p: &str, len: std::ops::RangeInclusive<usize>) -> Option<u32> {
    (len.contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()))
        .then(|| p.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_a_committee_writes_read_as_one_day() {
        let day = NaiveDate::from_ymd_opt(2025, 7, 7);
        for s in [
            "7/7/2025",
            "07/07/2025",
            "7-7-2025",
            "7.7.2025",
            "7 juillet 2025",
            "7 JUILLET 2025",
            "7 Juillet 2025",
            "7 juil. 2025",
            "7 juil 2025",
            " 2025-07-07 ",
        ] {
            assert_eq!(parse(s).ok(), day, "{s}");
        }
        assert_eq!(
            parse("1er juillet 2025").ok(),
            NaiveDate::from_ymd_opt(2025, 7, 1)
        );
        assert_eq!(
            parse("15 août 2025").ok(),
            NaiveDate::from_ymd_opt(2025, 8, 15)
        );
        assert_eq!(
            parse("3 fevr. 2026").ok(),
            NaiveDate::from_ymd_opt(2026, 2, 3)
        );
        // What Lang::date writes reads back.
        for d in [NaiveDate::from_ymd_opt(2025, 8, 1), day]
            .into_iter()
            .flatten()
        {
            assert_eq!(parse(&Lang::Fr.date(d)).ok(), Some(d));
        }
    }

    #[test]
    fn a_pasted_control_character_is_shown_not_sent() {
        let e = parse("7\u{1b}[2J/7/2025\t").expect_err("not a date");
        assert_eq!(
            e.message(Lang::Fr),
            "date illisible « 7\\u{1b}[2J/7/2025 » : écrivez par exemple 7/7/2025 ou 7 juillet 2025"
        );
    }

    #[test]
    fn impossible_days_are_refused_as_such() {
        let e = parse("31/02/2025").expect_err("31 February");
        assert_eq!(e, DateError::Impossible("31/02/2025".into()));
        assert_eq!(
            e.to_string(),
            "date impossible « 31/02/2025 » : ce jour n'existe pas dans le calendrier"
        );
        assert!(matches!(
            parse("30 février 2025"),
            Err(DateError::Impossible(_))
        ));
        assert!(matches!(parse("2025-13-01"), Err(DateError::Impossible(_))));
    }

    #[test]
    fn ambiguous_or_unknown_forms_say_what_is_expected() {
        for s in [
            "7/7/25",
            "2025/07/07",
            "07-07",
            "juillet 2025",
            "7 juilletto 2025",
            "demain",
            "",
            "7/7/2025/1",
            "2025-7-7-7",
        ] {
            let e = parse(s).expect_err(s);
            assert_eq!(e, DateError::Unreadable(s.trim().into()), "{s}");
        }
        assert_eq!(
            parse("7/7/25").map_err(|e| e.to_string()),
            Err(
                "date illisible « 7/7/25 » : écrivez par exemple 7/7/2025 ou 7 juillet 2025".into()
            )
        );
    }
}
