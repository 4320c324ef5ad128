//! Language choice and French conventions for numbers and dates.

use chrono::{Datelike, NaiveDate};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

/// A piece of interface text in both languages. Each screen or module
/// declares its texts once, together (`mod text { … }`), so that a
/// translator reads them in one place and a missing one cannot compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr {
    pub fr: &'static str,
    pub en: &'static str,
}

impl Tr {
    pub const fn new(fr: &'static str, en: &'static str) -> Tr {
        Tr { fr, en }
    }
}

impl Lang {
    /// The text of a declared [`Tr`] in this language.
    pub fn tr(self, text: Tr) -> &'static str {
        self.t(text.fr, text.en)
    }

    /// Picks the text for this language; both versions sit side by side at the call site
    /// so a missing translation cannot go unnoticed.
    pub fn t<'a>(self, fr: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// "where : what" in French (a space before the colon), "where: what"
    /// in English: how an error names its file, dossier or session.
    pub fn located(self, place: impl std::fmt::Display, what: impl std::fmt::Display) -> String {
        format!("{place}{}{what}", self.t(" : ", ": "))
    }

    /// [`located`](Lang::located), the sentence given in both languages.
    pub fn located_t(self, place: impl std::fmt::Display, fr: &str, en: &str) -> String {
        self.located(place, self.t(fr, en))
    }

    /// Common I/O errors in words a committee member reads; others as the
    /// system says them.
    pub fn io_error(self, e: &std::io::Error) -> String {
        use std::io::ErrorKind::*;
        let (fr, en) = match e.kind() {
            NotFound => ("fichier ou dossier introuvable", "file or folder not found"),
            PermissionDenied => ("permission refusée", "permission denied"),
            IsADirectory => ("c'est un dossier, pas un fichier", "a folder, not a file"),
            StorageFull => ("disque plein", "disk full"),
            ReadOnlyFilesystem => (
                "système de fichiers en lecture seule",
                "read-only file system",
            ),
            NotADirectory => (
                "un élément du chemin est un fichier, pas un dossier",
                "a part of the path is a file, not a folder",
            ),
            AlreadyExists => ("existe déjà", "already exists"),
            DirectoryNotEmpty => ("le dossier n'est pas vide", "the folder is not empty"),
            QuotaExceeded => ("quota disque dépassé", "disk quota exceeded"),
            FileTooLarge => ("fichier trop gros", "file too large"),
            InvalidFilename => ("nom de fichier invalide", "invalid file name"),
            ResourceBusy => ("ressource occupée", "resource busy"),
            _ => return e.to_string(),
        };
        self.t(fr, en).to_string()
    }

    /// A number with `decimals` digits; French uses a decimal comma and a narrow
    /// no-break space between thousands (`1 000,5`).
    pub fn num(self, x: f64, decimals: usize) -> String {
        // Round half up on the decimal value a person reads (3,65 → 3,7), not on
        // its binary approximation, which `format!` would round either way.
        let scale = 10f64.powi(decimals as i32);
        let cleaned = (x.abs() * 1e9).round() / 1e9;
        let rounded = (cleaned * scale + 1e-9).round() / scale;
        let s = format!("{:.*}", decimals, rounded);
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i.to_string(), Some(f.to_string())),
            None => (s, None),
        };
        let sep = match self {
            Lang::Fr => '\u{202F}',
            Lang::En => ',',
        };
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(sep);
            }
            grouped.push(c);
        }
        let negative = x < 0.0 && s_nonzero(&grouped, frac.as_deref());
        let mut out = String::new();
        if negative {
            out.push('-');
        }
        out.push_str(&grouped);
        if let Some(f) = frac {
            out.push_str(self.t(",", "."));
            out.push_str(&f);
        }
        out
    }

    /// An amount in euros as a letter or a screen writes it: `1 000 €`,
    /// `850,50 €` (cents only when there are some); `€1,000` in English.
    pub fn money(self, eur: f64) -> String {
        let cents = (eur * 100.0).round() % 100.0 != 0.0;
        let n = self.num(eur, if cents { 2 } else { 0 });
        match self {
            Lang::Fr => format!("{n}\u{a0}€"),
            Lang::En => format!("€{n}"),
        }
    }

    /// A score: integers without decimals, others with one (`4`, `3,5`).
    pub fn score(self, x: f64) -> String {
        if (x - x.round()).abs() < 1e-9 {
            self.num(x, 0)
        } else {
            self.num(x, 1)
        }
    }

    /// An RFC 3339 instant as the committee reads it, in Paris time:
    /// `30 novembre 2026 à 19:45` / `30 November 2026 at 19:45`; as written
    /// when it does not read.
    pub fn moment(self, rfc3339: &str) -> String {
        match chrono::DateTime::parse_from_rfc3339(rfc3339) {
            Ok(t) => {
                let t = t.with_timezone(&chrono_tz::Europe::Paris);
                format!(
                    "{} {} {}",
                    self.date(t.date_naive()),
                    self.t("à", "at"),
                    t.format("%H:%M")
                )
            }
            Err(_) => rfc3339.to_string(),
        }
    }

    /// `7 juillet 2025` / `7 July 2025`.
    pub fn date(self, d: NaiveDate) -> String {
        const FR: [&str; 12] = [
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
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let m = d.month0() as usize;
        match self {
            Lang::Fr => {
                let day = if d.day() == 1 {
                    "1er".to_string()
                } else {
                    d.day().to_string()
                };
                format!("{day} {} {}", FR[m], d.year())
            }
            Lang::En => format!("{} {} {}", d.day(), EN[m], d.year()),
        }
    }

    /// Short date for tables: `04/07/2025` in French, ISO in English.
    pub fn short_date(self, d: NaiveDate) -> String {
        match self {
            Lang::Fr => d.format("%d/%m/%Y").to_string(),
            Lang::En => d.format("%Y-%m-%d").to_string(),
        }
    }
}

fn s_nonzero(int: &str, frac: Option<&str>) -> bool {
    int.chars()
        .chain(frac.unwrap_or("").chars())
        .any(|c| c.is_ascii_digit() && c != '0')
}

/// French text for common I/O errors (see [`Lang::io_error`]).
pub fn io_message(e: &std::io::Error) -> String {
    Lang::Fr.io_error(e)
}

/// `Display` for an error type as its French `message`: French is the
/// reference text (logs, tests); the screen and the command line call
/// `message(lang)` with the user's language.
#[macro_export]
macro_rules! french_display {
    ($($ty:ty),+ $(,)?) => {$(
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.message($crate::fr::Lang::Fr))
            }
        }
    )+};
}

/// Outside text (a dossier, a file name, a library's message) made safe to
/// print on a terminal: every control character (and bidirectional
/// override) is shown as its escape, `\u{1b}`, so an escape sequence cannot
/// clear the screen or set the title, a bell cannot ring, a line break cannot
/// start a line that looks like another diagnostic, and text cannot be
/// shown reversed.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    use std::fmt::Write;
    let hidden = |c: char| {
        c.is_control()
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    };
    if !text.chars().any(hidden) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// [`visible`] for a message of several lines made by Jury (diagnostics one
/// a line): its line breaks kept, every other control character shown.
/// Outside text inside it must already have gone through [`visible`].
pub fn visible_lines(text: &str) -> String {
    text.split('\n').map(visible).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_path_through_a_file_is_said_in_french() {
        // What creating `a-file/letters` gives: the library's message is
        // English (« Not a directory (os error 20) »).
        let e = std::fs::create_dir_all("/dev/null/x").expect_err("/dev/null is no folder");
        assert_eq!(e.kind(), std::io::ErrorKind::NotADirectory);
        assert_eq!(
            Lang::Fr.io_error(&e),
            "un élément du chemin est un fichier, pas un dossier"
        );
        assert_eq!(
            Lang::En.io_error(&e),
            "a part of the path is a file, not a folder"
        );
    }

    #[test]
    fn moments_read_in_paris_time() {
        use super::Lang;
        assert_eq!(
            Lang::Fr.moment("2026-11-30T18:45:08.201Z"),
            "30 novembre 2026 à 19:45"
        );
        assert_eq!(
            Lang::En.moment("2025-07-07T08:00:00Z"),
            "7 July 2025 at 10:00"
        );
        assert_eq!(Lang::Fr.moment("hier"), "hier");
    }

    #[test]
    fn visible_shows_control_characters_as_escapes() {
        assert_eq!(super::visible("14,5 / 20 « ok »"), "14,5 / 20 « ok »");
        assert_eq!(
            super::visible("a\u{1b}[2J\u{7}\nx.json:1:1:\r"),
            "a\\u{1b}[2J\\u{7}\\u{a}x.json:1:1:\\u{d}"
        );
    }

    use super::*;

    #[test]
    fn french_numbers() {
        assert_eq!(Lang::Fr.num(14.5, 1), "14,5");
        for (x, shown) in [
            (2.25, "2,3"),
            (3.65, "3,7"),
            (3.55, "3,6"),
            (2.35, "2,4"),
            (2.45, "2,5"),
        ] {
            assert_eq!(Lang::Fr.num(x, 1), shown, "{x}");
        }
        assert_eq!(Lang::Fr.num(1000.0, 0), "1\u{202F}000");
        assert_eq!(Lang::Fr.num(-0.01, 1), "0,0");
        assert_eq!(Lang::En.num(1234.25, 2), "1,234.25");
        assert_eq!(Lang::Fr.money(1000.0), "1\u{202F}000\u{a0}€");
        assert_eq!(Lang::Fr.money(850.5), "850,50\u{a0}€");
        assert_eq!(Lang::En.money(1234.0), "€1,234");
        assert_eq!(Lang::Fr.score(4.0), "4");
        assert_eq!(Lang::Fr.score(3.5), "3,5");
    }

    #[test]
    fn french_dates() {
        let d = NaiveDate::from_ymd_opt(2025, 7, 7).unwrap();
        assert_eq!(Lang::Fr.date(d), "7 juillet 2025");
        let first = NaiveDate::from_ymd_opt(2025, 8, 1).unwrap();
        assert_eq!(Lang::Fr.date(first), "1er août 2025");
        assert_eq!(Lang::En.date(d), "7 July 2025");
    }
}
