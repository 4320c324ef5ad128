//! Punctuation that is not the same in both languages: French sets a space
//! before « : » and « ; » and quotes with guillemets; English does neither.

use jury_core::fr::Lang;

/// What follows a label: « : » in French, ":" in English.
pub(super) fn colon(lang: Lang) -> &'static str {
    lang.tr(text::COLON)
}

/// Between the items of a list written on one line.
pub(super) fn semicolon(lang: Lang) -> &'static str {
    lang.tr(text::SEMICOLON)
}

/// Someone's words, quoted: « … » in French, “…” in English.
pub(super) fn quoted(lang: Lang, words: &str) -> String {
    format!(
        "{}{words}{}",
        lang.tr(text::OPEN_QUOTE),
        lang.tr(text::CLOSE_QUOTE)
    )
}

mod text {
    use jury_core::fr::Tr;

    pub const COLON: Tr = Tr::new(" :", ":");
    pub const SEMICOLON: Tr = Tr::new(" ; ", "; ");
    pub const OPEN_QUOTE: Tr = Tr::new("« ", "“");
    pub const CLOSE_QUOTE: Tr = Tr::new(" »", "”");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_spaces_and_guillemets_english_neither() {
        assert_eq!(format!("Nom{} X", colon(Lang::Fr)), "Nom : X");
        assert_eq!(format!("Name{} X", colon(Lang::En)), "Name: X");
        assert_eq!(["a", "b"].join(semicolon(Lang::Fr)), "a ; b");
        assert_eq!(["a", "b"].join(semicolon(Lang::En)), "a; b");
        assert_eq!(quoted(Lang::Fr, "bon"), "« bon »");
        assert_eq!(quoted(Lang::En, "good"), "“good”");
    }
}
