//! OpenDocument Text rendering of a [`Document`], for a secretary who must
//! edit a letter in LibreOffice before sending it.
//!
//! The package is a zip whose first entry is `mimetype`, stored, then
//! `META-INF/manifest.xml`, `content.xml`, `styles.xml` and `meta.xml`. Named
//! paragraph styles (Corps, Emetteur, Destinataire, Objet, ...) carry the
//! layout, so editing keeps it. Every entry has the same fixed timestamp and
//! `meta.xml` has no date: the same document gives the same bytes.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::RenderError;
use super::french::french;
use super::layout::{self, Weight};
use jury_core::document::{Block, Document};

const MIMETYPE: &str = "application/vnd.oasis.opendocument.text";

const NAMESPACES: &str = concat!(
    r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#,
    r#"xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" "#,
    r#"xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" "#,
    r#"xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" "#,
    r#"xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" "#,
    r#"xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" "#,
    r#"xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" "#,
    r#"xmlns:dc="http://purl.org/dc/elements/1.1/" "#,
    r#"xmlns:ooow="http://openoffice.org/2004/writer" "#,
    r#"office:version="1.3""#
);

const FONT_FACES: &str = r#"<office:font-face-decls><style:font-face style:name="Liberation Sans" svg:font-family="'Liberation Sans'" style:font-family-generic="swiss" style:font-pitch="variable"/></office:font-face-decls>"#;

/// Renders `doc` as an `.odt` file. The same document always gives the same
/// bytes.
pub fn render(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let width = super::pdf::text_width()?;
    let content = content_xml(doc, &width);
    let styles = styles_xml(doc);
    let meta = meta_xml(doc);
    let manifest = manifest_xml();

    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    // Level 1: a letter's XML is a few kilobytes, made once for each of a
    // batch of letters; level 1 takes a quarter less time than the default
    // 6 for a few hundred bytes more.
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let entries: [(&str, &str, SimpleFileOptions); 5] = [
        ("mimetype", MIMETYPE, stored),
        ("META-INF/manifest.xml", &manifest, deflated),
        ("content.xml", &content, deflated),
        ("styles.xml", &styles, deflated),
        ("meta.xml", &meta, deflated),
    ];
    for (name, body, options) in entries {
        let entry = |e| RenderError::Odt(Some(name.to_string()), e);
        zip.start_file(name, options).map_err(entry)?;
        zip.write_all(body.as_bytes())
            .map_err(|e| entry(e.into()))?;
    }
    let cursor = zip.finish().map_err(|e| RenderError::Odt(None, e))?;
    Ok(cursor.into_inner())
}

fn manifest_xml() -> String {
    let mut s = String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    s.push('\n');
    s.push_str(r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">"#);
    s.push_str(r#"<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/>"#);
    for path in ["content.xml", "styles.xml", "meta.xml"] {
        let _ = write!(
            s,
            r#"<manifest:file-entry manifest:full-path="{path}" manifest:media-type="text/xml"/>"#
        );
    }
    s.push_str("</manifest:manifest>\n");
    s
}

fn meta_xml(doc: &Document) -> String {
    let mut s = String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    s.push('\n');
    let _ = write!(s, "<office:document-meta {NAMESPACES}><office:meta>");
    s.push_str("<meta:generator>Jury</meta:generator>");
    let title = doc.metadata_title();
    if !title.is_empty() {
        let _ = write!(s, "<dc:title>{}</dc:title>", escape(&french(&title)));
    }
    s.push_str("<dc:language>fr-FR</dc:language>");
    s.push_str("</office:meta></office:document-meta>\n");
    s
}

/// Escapes text for XML and drops the characters XML 1.0 forbids.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        escape_into(&mut out, c);
    }
    out
}

/// One character of [`escape`], pushed onto `out`.
fn escape_into(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&apos;"),
        '\t' | '\n' | '\r' => out.push(c),
        c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
        c => out.push(c),
    }
}

/// Paragraph content: French typography, escaping, `\n` as a line break,
/// runs of spaces and tabs kept (ODF collapses plain whitespace).
fn inline(text: &str) -> String {
    let text = french(text);
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<text:line-break/>");
        }
        let mut spaces = 0usize;
        let mut at_start = true;
        let flush = |out: &mut String, spaces: &mut usize, at_start: bool| {
            if *spaces == 0 {
                return;
            }
            let (plain, extra) = if at_start {
                (0, *spaces)
            } else {
                (1, *spaces - 1)
            };
            if plain == 1 {
                out.push(' ');
            }
            if extra == 1 {
                out.push_str("<text:s/>");
            } else if extra > 1 {
                let _ = write!(out, r#"<text:s text:c="{extra}"/>"#);
            }
            *spaces = 0;
        };
        for c in line.chars() {
            match c {
                ' ' => spaces += 1,
                '\t' => {
                    flush(&mut out, &mut spaces, at_start);
                    out.push_str("<text:tab/>");
                    at_start = false;
                }
                '\r' => {}
                c => {
                    flush(&mut out, &mut spaces, at_start);
                    escape_into(&mut out, c);
                    at_start = false;
                }
            }
        }
        // Trailing spaces are kept too.
        flush(&mut out, &mut spaces, at_start);
    }
    out
}

fn paragraph(out: &mut String, style: &str, text: &str) {
    if text.is_empty() {
        let _ = write!(out, r#"<text:p text:style-name="{style}"/>"#);
    } else {
        let _ = write!(
            out,
            r#"<text:p text:style-name="{style}">{}</text:p>"#,
            inline(text)
        );
    }
}

/// "14,5", "12 000 €", "3 / 20": right aligned in tables.
fn looks_numeric(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " ,./%€+-−×\u{A0}\u{202F}".contains(c))
}

/// The text width in the page's margins (21 cm less 2 × 2.5 cm), in points.
const TEXT_WIDTH: f32 = 16.0 / 2.54 * 72.0;
/// Body and table text sizes, as in the PDF and in the styles below.
const BODY: f32 = 10.0;
const TABLE: f32 = 9.0;
/// A table cell's left and right padding, in points (as in the PDF).
const CELL_PAD: f32 = 4.0;
/// Room left over each word when sizing columns: LibreOffice rounds widths
/// to its own units and may kern, and a cell a hair too narrow breaks a word.
const SLACK: f32 = 1.03;

/// Measures a text in points: Liberation Sans, the font of the styles.
type Measure<'a> = &'a dyn Fn(&str, Weight, f32) -> f32;

fn content_xml(doc: &Document, width: Measure) -> String {
    let mut auto = String::new();
    let mut body = String::new();

    // Letterhead.
    for (i, line) in doc.letterhead.iter().enumerate() {
        paragraph(&mut body, if i == 0 { "Emetteur" } else { "En-tete" }, line);
    }
    // Addressee, in the envelope window: about 5 cm from the top of the
    // page, i.e. 3.5 cm below the top margin, less the letterhead's height.
    if !doc.addressee.is_empty() {
        let letterhead_cm: f32 = doc
            .letterhead
            .iter()
            .enumerate()
            .map(|(i, _)| if i == 0 { 11.5 * 1.3 } else { 9.0 * 1.3 } / 72.0 * 2.54)
            .sum();
        let space = (3.5 - letterhead_cm).max(0.4);
        let _ = write!(
            auto,
            r#"<style:style style:name="DestinataireHaut" style:family="paragraph" style:parent-style-name="Destinataire"><style:paragraph-properties fo:margin-top="{space:.2}cm"/></style:style>"#
        );
        for (i, line) in doc.addressee.iter().enumerate() {
            paragraph(
                &mut body,
                if i == 0 {
                    "DestinataireHaut"
                } else {
                    "Destinataire"
                },
                line,
            );
        }
    }
    if let Some(place_date) = &doc.place_date {
        paragraph(&mut body, "Lieu-date", place_date);
    }
    if let Some(reference) = doc.reference_line() {
        paragraph(&mut body, "Reference", &reference);
    }
    if let Some(subject) = doc.subject_line() {
        // Lines after the first align with the text after « Objet : ».
        let hang = layout::hanging_indent(&french(&subject), TEXT_WIDTH, |t| {
            width(t, Weight::Bold, BODY)
        });
        let _ = write!(
            auto,
            r#"<style:style style:name="ObjetSuspendu" style:family="paragraph" style:parent-style-name="Objet"><style:paragraph-properties fo:margin-left="{hang:.2}pt" fo:text-indent="-{hang:.2}pt"/></style:style>"#
        );
        paragraph(&mut body, "ObjetSuspendu", &subject);
    }
    if let Some(title) = &doc.title {
        paragraph(&mut body, "Titre", title);
    }

    let mut tables = 0;
    for block in &doc.blocks {
        match block {
            Block::Paragraph(text) => paragraph(&mut body, "Corps", text),
            Block::Heading(text) => {
                let _ = write!(
                    body,
                    r#"<text:h text:style-name="Intertitre" text:outline-level="2">{}</text:h>"#,
                    inline(text)
                );
            }
            Block::Bullets(items) => {
                body.push_str(r#"<text:list text:style-name="Puces">"#);
                for item in items {
                    body.push_str("<text:list-item>");
                    paragraph(&mut body, "Puce", item);
                    body.push_str("</text:list-item>");
                }
                body.push_str("</text:list>");
            }
            Block::Table { header, rows } => {
                tables += 1;
                table(&mut auto, &mut body, tables, header, rows, width);
            }
            Block::Spacer => paragraph(&mut body, "Corps", ""),
        }
    }

    let signatures: Vec<&Vec<String>> = doc
        .signatures
        .iter()
        .filter(|s| !s.is_empty())
        .take(2)
        .collect();
    if !signatures.is_empty() {
        auto.push_str(r#"<style:style style:name="Signatures" style:family="table"><style:table-properties style:width="16cm" table:align="left" fo:margin-top="0.2cm" style:may-break-between-rows="false" fo:keep-with-next="auto"/></style:style>"#);
        auto.push_str(r#"<style:style style:name="Signatures.A" style:family="table-column"><style:table-column-properties style:column-width="8cm"/></style:style>"#);
        auto.push_str(r#"<style:style style:name="Signatures.A1" style:family="table-cell"><style:table-cell-properties fo:padding="0.05cm" fo:border="none"/></style:style>"#);
        body.push_str(r#"<table:table table:name="Signatures" table:style-name="Signatures"><table:table-column table:style-name="Signatures.A" table:number-columns-repeated="2"/><table:table-row>"#);
        let cells: Vec<Option<&Vec<String>>> = if signatures.len() == 1 {
            vec![None, Some(signatures[0])]
        } else {
            signatures.iter().map(|s| Some(*s)).collect()
        };
        for cell in cells {
            body.push_str(
                r#"<table:table-cell table:style-name="Signatures.A1" office:value-type="string">"#,
            );
            match cell {
                None => paragraph(&mut body, "Signature", ""),
                Some(lines) => {
                    for line in lines {
                        if line.trim().is_empty() {
                            paragraph(&mut body, "Place-signature", "");
                        } else {
                            paragraph(&mut body, "Signature", line.trim());
                        }
                    }
                }
            }
            body.push_str("</table:table-cell>");
        }
        body.push_str("</table:table-row></table:table>");
    }

    let mut s = String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    s.push('\n');
    let _ = write!(
        s,
        "<office:document-content {NAMESPACES}>{FONT_FACES}<office:automatic-styles>{auto}</office:automatic-styles>"
    );
    let _ = writeln!(
        s,
        "<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    );
    s
}

fn table(
    auto: &mut String,
    body: &mut String,
    n: usize,
    header: &[String],
    rows: &[Vec<String>],
    width: Measure,
) {
    let columns = rows
        .iter()
        .map(Vec::len)
        .chain(std::iter::once(header.len()))
        .max()
        .unwrap_or(0);
    if columns == 0 {
        return;
    }
    let name = format!("Tableau{n}");
    // The PDF's widths, from the text as printed, with a little slack.
    let cell_text = |row: &[String], c: usize| row.get(c).map(|s| french(s)).unwrap_or_default();
    let widths = layout::column_widths(
        &(0..columns)
            .map(|c| cell_text(header, c))
            .collect::<Vec<_>>(),
        &rows
            .iter()
            .map(|r| (0..columns).map(|c| cell_text(r, c)).collect())
            .collect::<Vec<_>>(),
        TEXT_WIDTH,
        CELL_PAD,
        |text, weight| width(text, weight, TABLE) * SLACK,
    );
    let _ = write!(
        auto,
        r#"<style:style style:name="{name}" style:family="table"><style:table-properties style:width="{TEXT_WIDTH:.2}pt" table:align="margins" fo:margin-top="0.1cm" fo:margin-bottom="0.3cm"/></style:style>"#
    );
    for (c, w) in widths.iter().enumerate() {
        // Relative widths in thousandths of the table, as LibreOffice reads them.
        let rel = ((w * 1000.0 / TEXT_WIDTH).round() as u32).max(1);
        let _ = write!(
            auto,
            r#"<style:style style:name="{name}.C{c}" style:family="table-column"><style:table-column-properties style:column-width="{w:.2}pt" style:rel-column-width="{rel}*"/></style:style>"#
        );
    }
    // A row never splits across pages; the header row repeats on each.
    let _ = write!(
        auto,
        r#"<style:style style:name="{name}.R" style:family="table-row"><style:table-row-properties fo:keep-together="always"/></style:style>"#
    );
    let _ = write!(
        auto,
        concat!(
            r##"<style:style style:name="{name}.H" style:family="table-cell"><style:table-cell-properties fo:background-color="#e8e8e8" fo:padding-left="{pad}pt" fo:padding-right="{pad}pt" fo:padding-top="0.05cm" fo:padding-bottom="0.05cm" fo:border-left="none" fo:border-right="none" fo:border-top="0.8pt solid #000000" fo:border-bottom="0.5pt solid #000000"/></style:style>"##,
            r#"<style:style style:name="{name}.D" style:family="table-cell"><style:table-cell-properties fo:padding-left="{pad}pt" fo:padding-right="{pad}pt" fo:padding-top="0.05cm" fo:padding-bottom="0.05cm" fo:border-left="none" fo:border-right="none" fo:border-top="none" fo:border-bottom="0.3pt solid #aaaaaa"/></style:style>"#,
            r#"<style:style style:name="{name}.L" style:family="table-cell"><style:table-cell-properties fo:padding-left="{pad}pt" fo:padding-right="{pad}pt" fo:padding-top="0.05cm" fo:padding-bottom="0.05cm" fo:border-left="none" fo:border-right="none" fo:border-top="none" fo:border-bottom="0.8pt solid #000000"/></style:style>"#
        ),
        name = name,
        pad = CELL_PAD
    );
    let numeric: Vec<bool> = (0..columns)
        .map(|c| {
            let cells: Vec<&str> = rows
                .iter()
                .map(|r| r.get(c).map(String::as_str).unwrap_or(""))
                .collect();
            cells.iter().any(|t| !t.is_empty())
                && cells.iter().all(|t| t.is_empty() || looks_numeric(t))
        })
        .collect();

    let _ = write!(
        body,
        r#"<table:table table:name="{name}" table:style-name="{name}">"#
    );
    for c in 0..columns {
        let _ = write!(
            body,
            r#"<table:table-column table:style-name="{name}.C{c}"/>"#
        );
    }
    let cell = |body: &mut String, style: &str, para: &str, text: &str| {
        let _ = write!(
            body,
            r#"<table:table-cell table:style-name="{style}" office:value-type="string">"#
        );
        paragraph(body, para, text);
        body.push_str("</table:table-cell>");
    };
    if header.iter().any(|h| !h.is_empty()) {
        let _ = write!(
            body,
            r#"<table:table-header-rows><table:table-row table:style-name="{name}.R">"#
        );
        for (c, &numeric) in numeric.iter().enumerate() {
            let para = if numeric {
                "Cellule-entete-nombre"
            } else {
                "Cellule-entete"
            };
            cell(
                body,
                &format!("{name}.H"),
                para,
                header.get(c).map(String::as_str).unwrap_or(""),
            );
        }
        body.push_str("</table:table-row></table:table-header-rows>");
    }
    for (r, row) in rows.iter().enumerate() {
        let _ = write!(body, r#"<table:table-row table:style-name="{name}.R">"#);
        let style = if r + 1 == rows.len() {
            format!("{name}.L")
        } else {
            format!("{name}.D")
        };
        for (c, &numeric) in numeric.iter().enumerate() {
            let para = if numeric { "Cellule-nombre" } else { "Cellule" };
            cell(
                body,
                &style,
                para,
                row.get(c).map(String::as_str).unwrap_or(""),
            );
        }
        body.push_str("</table:table-row>");
    }
    body.push_str("</table:table>");
}

fn styles_xml(doc: &Document) -> String {
    let mut s = String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    s.push('\n');
    let _ = write!(
        s,
        "<office:document-styles {NAMESPACES}>{FONT_FACES}<office:styles>"
    );
    s.push_str(concat!(
        r#"<style:default-style style:family="paragraph"><style:paragraph-properties fo:orphans="2" fo:widows="2" style:writing-mode="lr-tb"/>"#,
        r#"<style:text-properties style:font-name="Liberation Sans" fo:font-size="10pt" fo:language="fr" fo:country="FR" fo:hyphenate="false"/></style:default-style>"#,
        r#"<style:default-style style:family="table"><style:table-properties table:border-model="collapsing"/></style:default-style>"#,
        r#"<style:style style:name="Standard" style:family="paragraph" style:class="text"/>"#,
        r#"<style:style style:name="Corps" style:display-name="Corps de lettre" style:family="paragraph" style:parent-style-name="Standard" style:class="text">"#,
        r#"<style:paragraph-properties fo:text-align="justify" style:justify-single-word="false" fo:line-height="115%" fo:margin-top="0cm" fo:margin-bottom="0.16cm"/></style:style>"#,
        r#"<style:style style:name="Emetteur" style:display-name="Émetteur" style:family="paragraph" style:parent-style-name="Standard">"#,
        r#"<style:text-properties fo:font-size="11.5pt" fo:font-weight="bold"/></style:style>"#,
        r#"<style:style style:name="En-tete" style:display-name="En-tête" style:family="paragraph" style:parent-style-name="Standard">"#,
        r#"<style:text-properties fo:font-size="9pt"/></style:style>"#,
        r#"<style:style style:name="Destinataire" style:family="paragraph" style:parent-style-name="Standard">"#,
        r#"<style:paragraph-properties fo:margin-left="8.5cm" fo:line-height="115%"/></style:style>"#,
        r#"<style:style style:name="Lieu-date" style:display-name="Lieu et date" style:family="paragraph" style:parent-style-name="Standard">"#,
        r#"<style:paragraph-properties fo:text-align="end" fo:margin-top="0.6cm" fo:margin-bottom="0.3cm"/></style:style>"#,
        r#"<style:style style:name="Reference" style:display-name="Référence" style:family="paragraph" style:parent-style-name="Standard">"#,
        r#"<style:paragraph-properties fo:margin-bottom="0.15cm"/><style:text-properties fo:font-size="9pt"/></style:style>"#,
        r#"<style:style style:name="Objet" style:family="paragraph" style:parent-style-name="Standard">"#,
        r#"<style:paragraph-properties fo:margin-top="0.1cm" fo:margin-bottom="0.4cm"/><style:text-properties fo:font-weight="bold"/></style:style>"#,
        r#"<style:style style:name="Titre" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter">"#,
        r#"<style:paragraph-properties fo:text-align="center" fo:margin-top="0.3cm" fo:margin-bottom="0.5cm" fo:keep-with-next="always"/><style:text-properties fo:font-size="13pt" fo:font-weight="bold"/></style:style>"#,
        r#"<style:style style:name="Intertitre" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Corps" style:default-outline-level="2" style:class="text">"#,
        r#"<style:paragraph-properties fo:margin-top="0.25cm" fo:margin-bottom="0.1cm" fo:keep-with-next="always"/><style:text-properties fo:font-size="10.5pt" fo:font-weight="bold"/></style:style>"#,
        r#"<style:style style:name="Puce" style:family="paragraph" style:parent-style-name="Corps" style:list-style-name="Puces">"#,
        r#"<style:paragraph-properties fo:margin-bottom="0.07cm"/></style:style>"#,
        r#"<style:style style:name="Cellule" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">"#,
        r#"<style:text-properties fo:font-size="9pt"/></style:style>"#,
        r#"<style:style style:name="Cellule-nombre" style:display-name="Cellule nombre" style:family="paragraph" style:parent-style-name="Cellule">"#,
        r#"<style:paragraph-properties fo:text-align="end"/></style:style>"#,
        r#"<style:style style:name="Cellule-entete" style:display-name="Cellule en-tête" style:family="paragraph" style:parent-style-name="Cellule">"#,
        r#"<style:text-properties fo:font-weight="bold"/></style:style>"#,
        r#"<style:style style:name="Cellule-entete-nombre" style:display-name="Cellule en-tête nombre" style:family="paragraph" style:parent-style-name="Cellule-entete">"#,
        r#"<style:paragraph-properties fo:text-align="end"/></style:style>"#,
        r#"<style:style style:name="Signature" style:family="paragraph" style:parent-style-name="Standard">"#,
        r#"<style:paragraph-properties fo:keep-with-next="always"/></style:style>"#,
        r#"<style:style style:name="Place-signature" style:display-name="Place de la signature" style:family="paragraph" style:parent-style-name="Signature">"#,
        r#"<style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="1cm"/></style:style>"#,
        r#"<style:style style:name="Pied-de-page" style:display-name="Pied de page" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">"#,
        r##"<style:text-properties fo:font-size="8pt" fo:color="#5a5a5a"/></style:style>"##,
        r#"<style:style style:name="Pagination" style:family="paragraph" style:parent-style-name="Pied-de-page">"#,
        r#"<style:paragraph-properties fo:text-align="end"/></style:style>"#,
        r#"<text:list-style style:name="Puces"><text:list-level-style-bullet text:level="1" text:bullet-char="•">"#,
        r#"<style:list-level-properties text:list-level-position-and-space-mode="label-alignment">"#,
        r#"<style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.7cm" fo:text-indent="-0.45cm" fo:margin-left="0.7cm"/>"#,
        r#"</style:list-level-properties></text:list-level-style-bullet></text:list-style>"#,
        "</office:styles>",
        r#"<office:automatic-styles><style:page-layout style:name="A4">"#,
        r#"<style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="1.5cm" fo:margin-bottom="1cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/>"#,
        r#"<style:footer-style><style:header-footer-properties fo:min-height="0cm" fo:margin-top="0.5cm" fo:border-top="0.4pt solid #999999" fo:padding-top="0.1cm"/></style:footer-style>"#,
        r#"</style:page-layout></office:automatic-styles>"#,
        r#"<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="A4"><style:footer>"#,
    ));
    if let Some(footer) = doc.footer.as_deref().filter(|f| !f.trim().is_empty()) {
        paragraph(&mut s, "Pied-de-page", footer.trim());
    }
    // Page numbers only when there is more than one page: the paragraph is
    // hidden while the document's page count is below 2.
    s.push_str(concat!(
        r#"<text:p text:style-name="Pagination"><text:hidden-paragraph text:condition="ooow:page &lt; 2" text:is-hidden="false"/>"#,
        r#"page <text:page-number text:select-page="current">1</text:page-number> / <text:page-count>1</text:page-count></text:p>"#,
        "</style:footer></style:master-page></office:master-styles></office:document-styles>\n",
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_keeps_spaces() {
        assert_eq!(inline("a < b & c"), "a &lt; b &amp; c");
        assert_eq!(inline("un  deux"), "un <text:s/>deux");
        assert_eq!(inline("un   deux"), r#"un <text:s text:c="2"/>deux"#);
        assert_eq!(inline(" x"), "<text:s/>x");
        assert_eq!(inline("l'a\nb"), "l’a<text:line-break/>b");
        assert_eq!(inline("Objet : x"), "Objet\u{A0}: x");
        assert_eq!(escape("a\u{1}b\"'"), "ab&quot;&apos;");
    }

    #[test]
    fn mimetype_first_and_stored() {
        let doc = Document {
            blocks: vec![Block::Paragraph("Bonjour".into())],
            ..Default::default()
        };
        let bytes = match render(&doc) {
            Ok(b) => b,
            Err(e) => panic!("{e}"),
        };
        // Local file header: signature, version, flags, method (0 = stored).
        assert_eq!(&bytes[0..4], b"PK\x03\x04");
        assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), 0);
        let name_len = u16::from_le_bytes([bytes[26], bytes[27]]) as usize;
        let extra_len = u16::from_le_bytes([bytes[28], bytes[29]]) as usize;
        assert_eq!(&bytes[30..30 + name_len], b"mimetype");
        assert_eq!(extra_len, 0, "no extra field before the mimetype's content");
        assert_eq!(
            &bytes[30 + name_len..30 + name_len + MIMETYPE.len()],
            MIMETYPE.as_bytes()
        );
        assert_eq!(render(&doc).ok(), Some(bytes));
    }
}
