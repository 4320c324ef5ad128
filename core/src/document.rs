//! The document model shared by decision letters and minutes.
//!
//! All text is plain UTF-8 as a person would type it ("Objet : ...",
//! "1 000 €", straight apostrophes): the renderers apply French typography
//! themselves ([`crate::typography::french`]). A `\n` inside a
//! paragraph, a bullet, a table cell or a header line is a forced line break.

/// A letter or the minutes of a session, ready to be rendered.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Document {
    /// Top left: the issuer's name (first line, bold), address lines, contact.
    pub letterhead: Vec<String>,
    /// The addressee block, placed in the window of a DL envelope (right-hand
    /// side, about 50 mm from the top). Empty for minutes.
    pub addressee: Vec<String>,
    /// "Nice, le 18 juillet 2025", right aligned above the subject.
    pub place_date: Option<String>,
    /// The day the document is dated: the PDF's creation date (PDF/A needs
    /// one), taken from the document and never from the clock so that the
    /// same document always gives the same bytes.
    pub date: Option<chrono::NaiveDate>,
    /// The reference, printed small on the left. Given with or without its
    /// label: "PDNP06-2025-007" is printed "Réf. : PDNP06-2025-007"; a text
    /// that already starts with "Réf" or "N/Réf" is printed as it is.
    pub reference: Option<String>,
    /// A centred bold title (minutes: "Procès-verbal de la séance du ...").
    pub title: Option<String>,
    /// The subject, bold. Given with or without its label: "Votre
    /// candidature" is printed "Objet : Votre candidature"; a text that
    /// already starts with "Objet" is printed as it is.
    pub subject: Option<String>,
    /// The body.
    pub blocks: Vec<Block>,
    /// One or two signature blocks, side by side after the body (one block
    /// sits on the right-hand half). Each is a list of lines; an empty line
    /// leaves room for a handwritten signature. Never split across pages.
    pub signatures: Vec<Vec<String>>,
    /// Small text at the bottom of every page; "page n / N" is added when the
    /// document has more than one page.
    pub footer: Option<String>,
}

/// A block of the body.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A justified paragraph (its last line left aligned).
    Paragraph(String),
    /// A bold heading, kept with what follows.
    Heading(String),
    /// A bulleted list, one item per string, with a hanging indent.
    Bullets(Vec<String>),
    /// A simple table; cells that look like numbers are right aligned.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// An empty line.
    Spacer,
}

impl Document {
    /// The reference as printed, with its label.
    pub fn reference_line(&self) -> Option<String> {
        self.reference
            .as_deref()
            .map(|r| labelled(r, &["Réf", "N/Réf", "Nos réf", "Ref"], "Réf. : "))
    }

    /// The subject as printed, with its label.
    pub fn subject_line(&self) -> Option<String> {
        self.subject
            .as_deref()
            .map(|s| labelled(s, &["Objet"], "Objet : "))
    }

    /// A short plain title for metadata: the title, else the subject, else
    /// the first letterhead line.
    pub fn metadata_title(&self) -> String {
        self.title
            .clone()
            .or_else(|| self.subject.clone())
            .or_else(|| self.letterhead.first().cloned())
            .unwrap_or_default()
    }
}

fn labelled(text: &str, prefixes: &[&str], label: &str) -> String {
    let trimmed = text.trim();
    let lower = trimmed.to_lowercase();
    if prefixes
        .iter()
        .any(|p| lower.starts_with(&p.to_lowercase()))
    {
        trimmed.to_string()
    } else {
        format!("{label}{trimmed}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_added_once() {
        let mut d = Document {
            subject: Some("Votre candidature".into()),
            reference: Some("PDNP06-2025-007".into()),
            ..Default::default()
        };
        assert_eq!(
            d.subject_line().as_deref(),
            Some("Objet : Votre candidature")
        );
        assert_eq!(
            d.reference_line().as_deref(),
            Some("Réf. : PDNP06-2025-007")
        );
        d.subject = Some("Objet : déjà là".into());
        d.reference = Some("Réf. : X-1".into());
        assert_eq!(d.subject_line().as_deref(), Some("Objet : déjà là"));
        assert_eq!(d.reference_line().as_deref(), Some("Réf. : X-1"));
        assert_eq!(d.metadata_title(), "Objet : déjà là");
    }
}
