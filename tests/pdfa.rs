//! Letters and minutes as PDF/A-2b and PDF/UA-1, checked by other tools
//! than the one that wrote them: `qpdf --check` (structure), `pdfinfo`
//! (tagged, title, the PDF/A and PDF/UA identification in the XMP
//! metadata, and the structure tree a screen reader follows), `pdffonts`
//! (every font embedded), `pdftotext` (hyphenation and no-break groups).
//! No PDF/A or PDF/UA validator installs from the package registries here
//! (veraPDF is not packaged): krilla's own validation at export is the
//! conformance check, these tools the second opinion.
//!
//! Needs qpdf and poppler-utils (`.ci/run` installs them); a missing tool
//! fails the test saying what to install.

use crate::common::harness;
use crate::common::session;

use std::path::{Path, PathBuf};
use std::process::Command;

use jury::io::render::{Conformance, RenderError, pdf};
use jury_core::document::{Block, Document};
use jury_core::fr::Lang;

/// Runs `tool` with `args`; panics with what to install when it is missing
/// and with its error output when it fails.
fn run(tool: &str, package: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed ({e}): apt-get install {package}"));
    assert!(
        out.status.success(),
        "{tool} {args:?} failed on {}: {}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A closed session's decision letters and minutes, produced by the real
/// binary; the folder lives as long as the handle.
fn produced() -> (Vec<PathBuf>, std::sync::Arc<tempfile::TempDir>) {
    let s = session::closed_session();
    let (db, dir) = (s.db.clone(), s.dir.clone());
    drop(s);
    let out = dir.path().join("courriers");
    for what in ["letters", "minutes"] {
        let done = Command::new(env!("CARGO_BIN_EXE_jury"))
            .args([what, "--db"])
            .arg(&db)
            .arg("--out")
            .arg(&out)
            .output()
            .expect("run jury");
        assert!(
            done.status.success(),
            "jury {what}: {}",
            String::from_utf8_lossy(&done.stderr)
        );
    }
    let mut pdfs: Vec<PathBuf> = std::fs::read_dir(&out)
        .expect("out")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    pdfs.sort();
    (pdfs, dir)
}

fn named<'a>(pdfs: &'a [PathBuf], prefix: &str) -> &'a Path {
    pdfs.iter()
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix))
        })
        .unwrap_or_else(|| panic!("no {prefix}* among {pdfs:?}"))
}

#[test]
fn letters_and_minutes_are_tagged_archival_and_embed_their_fonts() {
    let (pdfs, _dir) = produced();
    // Three decision letters and the minutes.
    assert_eq!(pdfs.len(), 4, "{pdfs:?}");
    named(&pdfs, "PV-");
    for pdf in &pdfs {
        let check = run("qpdf", "qpdf", &["--check"], pdf);
        assert!(
            check.contains("No syntax or stream encoding errors found"),
            "{}: {check}",
            pdf.display()
        );
        let info = run("pdfinfo", "poppler-utils", &[], pdf);
        let field = |name: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_string())
                .unwrap_or_else(|| panic!("no {name} in {}:\n{info}", pdf.display()))
        };
        assert_eq!(field("Tagged:"), "yes", "{}", pdf.display());
        assert_eq!(field("PDF version:"), "1.7", "{}", pdf.display());
        let title = harness::flatten_pdf_text(&field("Title:"));
        let name = pdf.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let expected_title = if name.starts_with("PV-") {
            "Procès-verbal de la séance du 7 juillet 2025"
        } else {
            "Votre candidature"
        };
        assert!(
            title.contains(expected_title),
            "{name}: title {title:?}, expected {expected_title:?}"
        );
        // The minutes are dated by the meeting, not by the day the test
        // ran (letters by the day they are signed).
        if name.starts_with("PV-") {
            assert!(
                field("CreationDate:").contains("Jul  7 00:00:00 2025"),
                "{name}:\n{info}"
            );
        }
        let meta = run("pdfinfo", "poppler-utils", &["-meta"], pdf);
        for id in [
            "<pdfaid:part>2</pdfaid:part>",
            "<pdfaid:conformance>B</pdfaid:conformance>",
            "<pdfuaid:part>1</pdfuaid:part>",
            "<rdf:li>fr-FR</rdf:li>",
        ] {
            assert!(meta.contains(id), "{name}: {id} missing from the XMP");
        }
        let fonts = run("pdffonts", "poppler-utils", &[], pdf);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{name}: no font?\n{fonts}");
        for row in rows {
            // name type encoding emb sub uni object ID: "emb" is the 4th
            // column from the right end's "yes yes yes  N 0".
            let cols: Vec<&str> = row.split_whitespace().collect();
            let emb = cols.len().checked_sub(5).map(|i| cols[i]);
            assert_eq!(emb, Some("yes"), "{name}: font not embedded: {row}");
        }
    }
}

/// The structure tree as `pdfinfo -struct-text` prints it: each element's
/// kind with, for the first line of its text, the words a screen reader
/// would say first.
fn reading_order(pdf: &Path) -> Vec<String> {
    let tree = run("pdfinfo", "poppler-utils", &["-struct-text"], pdf);
    let mut order = Vec::new();
    let mut pending: Option<String> = None;
    for line in tree.lines() {
        let t = line.trim();
        if let Some(text) = t.strip_prefix('"') {
            if let Some(kind) = pending.take() {
                let text = harness::flatten_pdf_text(text.trim_end_matches('"'));
                order.push(format!("{kind} {text}"));
            }
        } else if let Some(kind) = t.split([' ', ':']).next()
            && ["P", "H1", "H2", "TH", "TD", "Lbl", "LBody"].contains(&kind)
        {
            pending = Some(kind.to_string());
        } else if let Some(kind) = t.split(' ').next()
            && ["Table", "TR", "L", "LI"].contains(&kind)
        {
            order.push(kind.to_string());
        }
    }
    order
}

#[test]
fn a_screen_reader_reads_the_letter_in_order() {
    let (pdfs, _dir) = produced();
    let letter = named(&pdfs, "PDNP06-2025-002");
    let order = reading_order(letter);
    // Each expected entry, in this order (others may come between).
    let expected = [
        "P Caf des Alpes-Maritimes",         // letterhead
        "P Espace de vie sociale Le Lavoir", // the addressee block
        "P Nice, le",                        // place and date
        "P Réf. : PDNP06-2025-002",          // reference
        "H1 Objet :",                        // the subject, the letter's heading
        "P Madame, Monsieur,",
        "Table",
        "TR",
        "TH Critère",
        "TR",
        "TD ",
        "P ",
        "P ", // signature
    ];
    let mut at = 0;
    for want in expected {
        match order[at..].iter().position(|e| e.starts_with(want)) {
            Some(i) => at += i + 1,
            None => panic!("{want:?} not found after position {at} in:\n{order:#?}"),
        }
    }
    // The footer and rules are artifacts: not in the tree.
    assert!(
        !order.iter().any(|e| e.contains("— Appel")),
        "the footer is read:\n{order:#?}"
    );
    let minutes = reading_order(named(&pdfs, "PV-"));
    let headings: Vec<&String> = minutes
        .iter()
        .filter(|e| e.starts_with("H1") || e.starts_with("H2"))
        .collect();
    assert!(
        headings
            .first()
            .is_some_and(|h| h.starts_with("H1 Procès-verbal de la séance du 7 juillet 2025")),
        "{headings:#?}"
    );
    assert!(
        headings.iter().skip(1).all(|h| h.starts_with("H2 ")),
        "{headings:#?}"
    );
    assert!(headings.len() >= 3, "{headings:#?}");
}

fn dated(blocks: Vec<Block>) -> Document {
    Document {
        title: Some("Essai de composition".into()),
        date: chrono::NaiveDate::from_ymd_opt(2025, 7, 7),
        blocks,
        ..Document::default()
    }
}

/// `pdftotext -layout`'s lines of a rendered document.
fn lines_of(doc: &Document) -> Vec<String> {
    let bytes = pdf::render(doc).unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("essai.pdf");
    std::fs::write(&path, bytes).expect("write");
    run(
        "pdftotext",
        "poppler-utils",
        &["-layout", "-enc", "UTF-8"],
        &path,
    );
    let text = std::fs::read_to_string(path.with_extension("txt")).expect("text");
    text.lines()
        .map(|l| l.replace(['\u{a0}', '\u{202f}'], " ").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn justified_paragraphs_are_hyphenated_at_valid_points() {
    // Long words, each with its valid French break points (TeX's hyph-fr,
    // as a dictionary gives them).
    let words = [
        ("accompagnement", "ac-com-pa-gne-ment"),
        ("intergénérationnelles", "in-ter-gé-né-ra-tion-nelles"),
        ("responsabilisation", "res-pon-sa-bi-li-sa-tion"),
        ("parentalité", "pa-ren-ta-lité"),
        ("administrativement", "ad-mi-nis-tra-ti-ve-ment"),
    ];
    let mut paragraph = String::new();
    for i in 0..60 {
        let (w, _) = words[i % words.len()];
        paragraph.push_str(&"x".repeat(i % 4 + 1));
        paragraph.push(' ');
        paragraph.push_str(w);
        paragraph.push(' ');
    }
    let lines = lines_of(&dated(vec![Block::Paragraph(paragraph.trim().into())]));
    let mut cuts = 0;
    for pair in lines.windows(2) {
        let Some(head) = pair[0].strip_suffix('\u{ad}') else {
            continue;
        };
        cuts += 1;
        let before = head.rsplit(' ').next().unwrap_or_default();
        let after = pair[1].split(' ').next().unwrap_or_default();
        let word = format!("{before}{after}");
        let (_, syllables) = words
            .iter()
            .find(|(w, _)| *w == word)
            .unwrap_or_else(|| panic!("{word:?} cut as {before}|{after}: not a word of the text"));
        let valid: Vec<usize> = syllables
            .match_indices('-')
            .enumerate()
            .map(|(n, (i, _))| i - n)
            .collect();
        assert!(
            valid.contains(&before.len()),
            "{word} cut as {before}-{after}, valid: {syllables}"
        );
    }
    assert!(cuts >= 3, "too few hyphenated lines ({cuts}):\n{lines:#?}");
    // The hyphen is drawn, but extracted as a soft hyphen: no hard "-" at
    // a line's end.
    assert!(!lines.iter().any(|l| l.ends_with('-')), "{lines:#?}");
}

#[test]
fn no_line_ends_inside_a_score_an_amount_or_a_date() {
    let groups = ["2,0 / 5", "1 000 €", "7 juillet 2025"];
    let mut blocks = Vec::new();
    // Every offset of the group along the line: some would fall at its end.
    for n in 0..40 {
        let mut p = "mot ".repeat(n);
        for g in groups {
            p.push_str(&format!("note {g} puis "));
        }
        p.push_str(&"suite ".repeat(20));
        blocks.push(Block::Paragraph(p));
    }
    let lines = lines_of(&dated(blocks.clone()));
    for g in groups {
        let whole: usize = lines.iter().map(|l| l.matches(g).count()).sum();
        assert_eq!(whole, blocks.len(), "{g:?} split across lines:\n{lines:#?}");
    }
}

#[test]
fn a_document_that_cannot_conform_is_refused_in_french() {
    // No title and no date: PDF/UA needs the one, PDF/A the other.
    match pdf::render(&Document::default()) {
        Err(RenderError::Conformance(errors)) => {
            assert!(errors.contains(&Conformance::NoTitle), "{errors:?}");
            assert!(errors.contains(&Conformance::NoDate), "{errors:?}");
            let message = RenderError::Conformance(errors).message(Lang::Fr);
            assert!(
                message.contains("PDF/A-2b et PDF/UA-1")
                    && message.contains("document sans titre")
                    && message.contains("document sans date"),
                "{message}"
            );
        }
        other => panic!("expected a conformance error, got {other:?}"),
    }
    // A character the embedded font lacks is named, not drawn as a box.
    let doc = dated(vec![Block::Paragraph("Merci 🙂".into())]);
    match pdf::render(&doc) {
        Err(e @ RenderError::Conformance(_)) => {
            let message = e.message(Lang::Fr);
            assert!(
                message.contains("caractère absent de la police") && message.contains("🙂"),
                "{message}"
            );
        }
        other => panic!("expected a conformance error, got {other:?}"),
    }
}
