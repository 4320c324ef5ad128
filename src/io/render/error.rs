//! Why a letter or the minutes could not be rendered. Mostly input a
//! renderer refuses to write (a multi-line subject, an address without @),
//! otherwise a library's failure, named with its own words.

use jury_core::fr::Lang;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    Font(FontError),
    PageSize,
    /// krilla's error, as it describes itself.
    Pdf(String),
    /// The PDF would not be PDF/A-2b and PDF/UA-1: what is wrong, nothing
    /// written.
    Conformance(Vec<Conformance>),
    /// The ODT entry being written, if any.
    Odt(Option<String>, #[source] zip::result::ZipError),
    MessageId(String),
    Address(Party, String),
    Multiline(MailField, String),
    AttachmentName(String),
    Mail(#[source] std::io::Error),
}

/// An embedded font that does not load: a broken build, not the user's
/// data. Kept (and cloned) by the PDF renderer, which loads fonts once.
#[derive(Clone, Debug)]
pub enum FontError {
    /// The font's name, and what its parser said.
    Unreadable(&'static str, Option<String>),
    NoUnitsPerEm(&'static str),
}

/// Why a PDF fails PDF/A-2b or PDF/UA-1 (krilla's validation).
#[derive(Clone, Debug, PartialEq)]
pub enum Conformance {
    /// Text with a character the embedded font lacks.
    MissingGlyph(String),
    /// No title, subject or letterhead to title the document with.
    NoTitle,
    /// No date: PDF/A records when the document was made.
    NoDate,
    NoLanguage,
    /// Another rule, as krilla names it.
    Other(String),
}

impl Conformance {
    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Conformance::MissingGlyph(text), Lang::Fr) => {
                format!("caractère absent de la police dans {text:?}")
            }
            (Conformance::MissingGlyph(text), Lang::En) => {
                format!("character missing from the font in {text:?}")
            }
            (Conformance::NoTitle, _) => lang
                .t(
                    "document sans titre (ni titre, ni objet, ni en-tête)",
                    "document without a title (no title, subject or letterhead)",
                )
                .into(),
            (Conformance::NoDate, _) => lang.t("document sans date", "undated document").into(),
            (Conformance::NoLanguage, _) => lang
                .t("langue du document absente", "no document language")
                .into(),
            (Conformance::Other(rule), _) => rule.clone(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Party {
    Sender,
    Addressee,
}

#[derive(Clone, Copy, Debug)]
pub enum MailField {
    SenderName,
    AddresseeName,
    Subject,
}

impl RenderError {
    pub fn message(&self, lang: Lang) -> String {
        use RenderError::*;
        // "what: value", the value quoted as Rust does, to show stray characters.
        let quoted = |fr_what: &str, en_what: &str, value: &str| {
            lang.located(lang.t(fr_what, en_what), format!("{value:?}"))
        };
        match self {
            Font(FontError::Unreadable(name, None)) => match lang {
                Lang::Fr => format!("police {name} illisible"),
                Lang::En => format!("font {name} unreadable"),
            },
            Font(FontError::Unreadable(name, Some(why))) => match lang {
                Lang::Fr => format!("police {name} illisible : {why}"),
                Lang::En => format!("font {name} unreadable: {why}"),
            },
            Font(FontError::NoUnitsPerEm(name)) => match lang {
                Lang::Fr => format!("police {name} : units_per_em nul"),
                Lang::En => format!("font {name}: units_per_em is zero"),
            },
            PageSize => lang.t("format A4 invalide", "invalid A4 page size").into(),
            Conformance(errors) => lang.located(
                lang.t(
                    "le PDF ne serait pas conforme à PDF/A-2b et PDF/UA-1",
                    "the PDF would not conform to PDF/A-2b and PDF/UA-1",
                ),
                errors
                    .iter()
                    .map(|e| e.message(lang))
                    .collect::<Vec<_>>()
                    .join(" ; "),
            ),
            Pdf(why) => lang.located(
                lang.t("écriture du PDF impossible", "cannot write the PDF"),
                why,
            ),
            Odt(None, e) => lang.located("odt", e),
            Odt(Some(entry), e) => lang.located(lang.located("odt", entry), e),
            MessageId(id) => quoted("Message-ID invalide", "invalid Message-ID", id),
            Address(party, address) => {
                let (fr, en) = match party {
                    Party::Sender => ("adresse de l'expéditeur invalide", "invalid sender address"),
                    // Sic ("l'"): kept byte for byte, like every French message here.
                    Party::Addressee => (
                        "adresse de l'destinataire invalide",
                        "invalid addressee address",
                    ),
                };
                quoted(fr, en, address)
            }
            Multiline(field, value) => {
                let (fr, en) = match field {
                    MailField::SenderName => (
                        "nom de l'expéditeur sur plusieurs lignes",
                        "sender name on several lines",
                    ),
                    MailField::AddresseeName => (
                        "nom du destinataire sur plusieurs lignes",
                        "addressee name on several lines",
                    ),
                    MailField::Subject => {
                        ("objet sur plusieurs lignes", "subject on several lines")
                    }
                };
                quoted(fr, en, value)
            }
            AttachmentName(name) => quoted(
                "nom de pièce jointe invalide",
                "invalid attachment name",
                name,
            ),
            Mail(e) => lang.located(
                lang.t("écriture du courriel impossible", "cannot write the e-mail"),
                e,
            ),
        }
    }
}

jury_core::french_display!(RenderError);
