//! Every kind of ODT Jury writes, opened by LibreOffice as a secretary
//! would: converted to PDF with `soffice --headless`, read back with
//! `pdftotext -layout`. Tables must read right: no header or reference cut
//! inside a word, every expected text present.

use crate::common::harness;

use crate::common::office;
use harness::*;
use office::convert;
use std::path::{Path, PathBuf};
use std::process::Command;

const CHAIR: &str = "Sylvie Marcellin";
const SECRETARY: &str = "Nadia Benali";

/// The six kinds of decision letter, with the dossier each is given to.
/// Then the end of its subject, and whether it shows the grid's scores.
const KINDS: [(&str, &str, &str, bool); 6] = [
    ("PDNP06-2025-001", "retenu", "— dossier retenu", true),
    (
        "PDNP06-2025-002",
        "non_retenu",
        "— dossier non retenu",
        true,
    ),
    (
        "PDNP06-2025-004",
        "liste_complementaire",
        "— inscription sur la liste complémentaire",
        true,
    ),
    (
        "PDNP06-2025-005",
        "retenu_sous_reserve",
        "— dossier retenu sous réserve",
        true,
    ),
    ("PDNP06-2025-006", "ajourne", "— décision ajournée", false),
    (
        "PDNP06-2025-018",
        "irrecevable",
        "— dossier irrecevable",
        false,
    ),
];

/// The chair scores five dossiers, gives each kind of decision once, closes
/// the session, writes every letter and the minutes; the secretary asks a
/// sixth applicant for missing pieces. Returns the folder of documents.
fn every_document() -> (Session, PathBuf) {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.score_and_open_session(
        &[
            ("PDNP06-2025-001", [4, 4, 5, 3]),
            ("PDNP06-2025-002", [2, 1, 2, 2]),
            ("PDNP06-2025-004", [3, 3, 3, 3]),
            ("PDNP06-2025-005", [3, 4, 3, 4]),
            ("PDNP06-2025-006", [3, 2, 3, 3]),
        ],
        "7 juillet 2025",
    );
    for (reference, kind, _, _) in KINDS {
        s.goto_committee(reference);
        s.act("decide");
        s.choose("kind", kind);
        match kind {
            "retenu" => {}
            // Nobody scored it: the chair confirms on thin ground.
            "irrecevable" => {
                s.tick("suggestion");
                s.tick("confirm");
            }
            _ => s.fill(
                "motivation",
                "Projet à consolider ; budget (1 000 €) à préciser.",
            ),
        }
        match kind {
            "liste_complementaire" => s.fill("rank", "1"),
            "retenu_sous_reserve" => s.fill("condition", "Attestation d'assurance à fournir"),
            "ajourne" => s.fill("documents", "Budget prévisionnel signé"),
            _ => {}
        }
        s.act("confirm");
        assert!(
            !matches!(s.app.state.mode, jury::app::state::Mode::Form(_)),
            "{kind} refused: {}",
            s.screen()
        );
    }
    s.close_and_write_letters();
    s.act("produce_minutes");
    let mut s = s.reopen_as(SAMPLE, SECRETARY);
    s.set_today(chrono::NaiveDate::from_ymd_opt(2025, 7, 7).expect("day"));
    s.select("PDNP06-2025-020");
    s.act("request_pieces");
    s.fill(
        "missing",
        "Attestation d'assurance ; Heures de présence en ligne",
    );
    s.fill("due", "22/07/2025");
    s.act("confirm");
    let out = s.letters_dir();
    (s, out)
}

fn tool(program: &str, args: &[&str], file: &Path, after: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .arg(file)
        .args(after)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} is needed to read PDFs back ({e}): install poppler-utils")
        });
    assert!(
        out.status.success(),
        "{program} failed on {}",
        file.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The page as laid out: `pdftotext -layout`, non-breaking spaces plain.
fn layout_text(pdf: &Path) -> String {
    tool("pdftotext", &["-layout"], pdf, &["-"])
        .replace(['\u{a0}', '\u{202f}'], " ")
        .replace('\u{2019}', "'")
}

/// The same text with every run of whitespace made one space.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words LibreOffice cut when a column was narrower than them: a table
/// cell (what `pdftotext -layout` separates by two spaces or more) must not
/// end inside a header (`Référenc` / `e`, `Pondératio` / `n`, `Not` / `e / 5`)
/// or be a reference cut after its first dash (`PDNP06-` / `2025-016`), and
/// « Rang » must not read downwards, one letter a line.
fn assert_no_broken_word(name: &str, text: &str) {
    for line in text.lines() {
        for cell in line.split("  ").map(str::trim).filter(|c| !c.is_empty()) {
            for cut in ["Référenc", "Pondératio", "Not", "Receva", "complémentai"] {
                assert!(
                    !cell.ends_with(cut),
                    "{name}: « {cut} » cut at a cell's edge in « {line} »:\n{text}"
                );
            }
            assert!(
                cell != "PDNP06-",
                "{name}: a reference cut after « PDNP06- » in « {line} »:\n{text}"
            );
        }
    }
    let lines: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
    let alone = |line: &[char], col: usize, c: char| {
        line.get(col) == Some(&c)
            && (col == 0 || line[col - 1] == ' ')
            && line.get(col + 1).is_none_or(|n| *n == ' ')
    };
    for (i, window) in lines.windows(4).enumerate() {
        for col in 0..window[0].len() {
            assert!(
                !"Rang"
                    .chars()
                    .zip(window)
                    .all(|(c, line)| alone(line, col, c)),
                "{name}: « Rang » written one letter a line from line {i}:\n{text}"
            );
        }
    }
}

#[test]
fn every_odt_reads_right_once_laid_out_by_libreoffice() {
    let (s, out) = every_document();
    let odts: Vec<PathBuf> = {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&out)
            .expect("letters folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "odt"))
            .collect();
        v.sort();
        v
    };
    let names: Vec<String> = odts
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    let mut expected: Vec<String> = KINDS
        .iter()
        .map(|(r, k, _, _)| format!("{r}-{k}.odt"))
        .chain(["PDNP06-2025-020-demande-pieces-1.odt".to_string()])
        .collect();
    expected.sort();
    let minutes: Vec<&String> = names.iter().filter(|n| n.starts_with("PV-")).collect();
    assert_eq!(minutes.len(), 1, "{names:?}");
    assert_eq!(
        names
            .iter()
            .filter(|n| !n.starts_with("PV-"))
            .cloned()
            .collect::<Vec<_>>(),
        expected
    );

    let pdfs = s.dir.path().join("odt-pdf");
    std::fs::create_dir_all(&pdfs).expect("pdf dir");
    convert(&odts, &pdfs, &s.dir.path().join("lo-profile"));

    let mut texts = Vec::new();
    for name in &names {
        let pdf = pdfs.join(name).with_extension("pdf");
        assert!(pdf.is_file(), "LibreOffice wrote no PDF for {name}");
        // Column widths are measured with Liberation Sans: laid out in
        // another font, the check would not say what a user sees.
        let fonts = tool("pdffonts", &[], &pdf, &[]);
        assert!(
            fonts.contains("LiberationSans"),
            "{name} laid out without Liberation Sans (install fonts-liberation2):\n{fonts}"
        );
        let text = layout_text(&pdf);
        assert_no_broken_word(name, &text);
        texts.push((name.clone(), text));
    }
    let text_of = |prefix: &str| -> &str {
        texts
            .iter()
            .find(|(n, _)| n.starts_with(prefix))
            .map(|(_, t)| t.as_str())
            .unwrap_or_else(|| panic!("no document {prefix}"))
    };

    // Decision letters: the subject hangs after « Objet : », the grid's
    // table reads with its headers whole.
    for (reference, kind, subject_end, grid) in KINDS {
        let text = text_of(&format!("{reference}-{kind}"));
        let words = flat(text);
        for needle in [
            reference,
            "Objet : Votre candidature",
            subject_end,
            "Caf des Alpes-Maritimes",
            "Madame, Monsieur,",
        ] {
            assert!(
                words.contains(needle),
                "{kind}: « {needle} » missing:\n{text}"
            );
        }
        if grid {
            for needle in ["Critère Pondération Note du comité", "Note totale pondérée"] {
                assert!(
                    words.contains(needle),
                    "{kind}: « {needle} » missing:\n{text}"
                );
            }
        }
        assert_hangs(kind, text);
    }

    // The minutes: the ranking table, every reference whole on its line.
    let text = text_of("PV-");
    let words = flat(text);
    for needle in [
        "Procès-verbal de la séance du 7 juillet 2025",
        "Rang Référence Structure Recevabilité Note / 5 Décision",
        "Retenu sous réserve",
        "Liste complémentaire",
        "Ajourné",
        "Non retenu",
        "Irrecevable",
        "(irrecevable)",
    ] {
        assert!(
            words.contains(needle),
            "minutes: « {needle} » missing:\n{text}"
        );
    }
    let references: Vec<String> = s
        .app
        .state
        .batch
        .entries
        .iter()
        .map(|e| e.dossier.reference.clone())
        .collect();
    assert_eq!(references.len(), 28);
    for reference in &references {
        assert!(
            text.lines().any(|l| l.contains(reference.as_str())),
            "minutes: {reference} not whole on one line:\n{text}"
        );
    }
    // The table runs over two pages: its header row is repeated.
    assert_eq!(
        text.lines()
            .filter(|l| flat(l).starts_with("Rang Référence Structure"))
            .count(),
        2,
        "minutes:\n{text}"
    );

    // The request for missing pieces.
    let text = text_of("PDNP06-2025-020-demande");
    let words = flat(text);
    for needle in [
        "Objet : Pièces manquantes à votre candidature",
        "Attestation d'assurance",
        "Heures de présence en ligne",
        "au plus tard le 22 juillet 2025",
        "PDNP06-2025-020",
    ] {
        assert!(
            words.contains(needle),
            "request: « {needle} » missing:\n{text}"
        );
    }
    assert_hangs("request", text);
}

/// The subject's second line starts under the text after « Objet : », not
/// at the margin.
fn assert_hangs(name: &str, text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("Objet : "))
        .unwrap_or_else(|| panic!("{name}: no subject line:\n{text}"));
    let next = lines.get(at + 1).copied().unwrap_or("");
    let indent = next.len() - next.trim_start().len();
    assert!(
        !next.trim().is_empty() && indent >= 6,
        "{name}: the subject's second line is not indented under its text:\n{text}"
    );
}
