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
