//! The three letter renderers on a realistic decision letter: the PDF read
//! back with `pdftotext`, the ODT package opened as a zip, the e-mail parsed
//! by Python's `email` package. Tests that need an outside tool print a note
//! and pass when the tool is missing.

use std::io::Read;
use std::path::Path;
use std::process::Command;

use jury::io::render::eml::{self, Mail};
use jury::io::render::{odt, pdf};
use jury_core::document::{Block, Document};
use sha2::{Digest, Sha256};

fn s(text: &str) -> String {
    text.to_string()
}

/// The day documents are dated: PDF/A requires a date.
fn day() -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(2025, 7, 18)
}

/// A "non retenu" decision letter as the templates will produce it.
fn letter() -> Document {
    Document {
        letterhead: vec![
            s("Caisse d'allocations familiales des Alpes-Maritimes"),
            s("Direction de l'action sociale — Pôle parentalité"),
            s("143, boulevard René Cassin — 06200 Nice"),
            s("Tél. : 04 93 72 12 34 — pdnp@caf06.fr"),
        ],
        addressee: vec![
            s("Association Les Petits Pas"),
            s("À l'attention de Mme Hélène Durand, présidente"),
            s("12, avenue Jean Médecin"),
            s("06000 Nice"),
        ],
        place_date: Some(s("Nice, le 18 juillet 2025")),
        date: day(),
        reference: Some(s("PDNP06-2025-007")),
        title: None,
        subject: Some(s(
            "Appel à projets « Parentalité et numérique » 2025 : décision du comité de sélection",
        )),
        blocks: vec![
            Block::Paragraph(s("Madame la Présidente,")),
            Block::Paragraph(s(
                "Vous avez déposé le 12 mai 2025 un dossier de candidature à l'appel à projets « Parentalité et numérique » lancé par la Caf des Alpes-Maritimes. Le comité de sélection, réuni le 15 juillet 2025, a examiné votre projet « Ateliers écrans en famille » au regard des critères publiés dans le règlement de l'appel.",
            )),
            Block::Paragraph(s(
                "J'ai le regret de vous informer que votre projet n'a pas été retenu. Le comité a relevé que le budget prévisionnel, d'un montant de 24 500 €, repose pour plus de 80 % sur le financement sollicité auprès de la Caf, que les modalités d'évaluation de l'action ne sont pas précisées et que l'œuvre de coordination entre les partenaires reste à construire.",
            )),
            Block::Heading(s("Évaluation de votre dossier")),
            Block::Table {
                header: vec![s("Critère"), s("Pondération"), s("Note")],
                rows: vec![
                    vec![
                        s("Pertinence au regard des besoins du territoire"),
                        s("30 %"),
                        s("14,0 / 20"),
                    ],
                    vec![
                        s("Qualité et faisabilité du projet"),
                        s("25 %"),
                        s("9,5 / 20"),
                    ],
                    vec![
                        s("Partenariats et ancrage local"),
                        s("20 %"),
                        s("12,0 / 20"),
                    ],
                    vec![s("Budget et cofinancements"), s("15 %"), s("7,0 / 20")],
                    vec![s("Évaluation et suivi"), s("10 %"), s("6,5 / 20")],
                    vec![s("Total pondéré"), s("100 %"), s("10,6 / 20")],
                ],
            },
            Block::Paragraph(s(
                "Le seuil de sélection fixé par le règlement étant de 12 / 20, votre dossier n'a pu être classé en rang utile.",
            )),
            Block::Heading(s("Voies et délais de recours")),
            Block::Paragraph(s(
                "Si vous entendez contester cette décision, vous pouvez former un recours gracieux auprès du directeur de la Caf des Alpes-Maritimes dans un délai de deux mois à compter de sa notification. Vous pouvez également saisir le tribunal administratif de Nice (18, avenue des Fleurs, 06000 Nice) dans le même délai, y compris par l'application « Télérecours citoyens » accessible sur www.telerecours.fr. Pour mémoire, aucune subvention inférieure à 1 000 € ne peut être versée au titre de cet appel.",
            )),
            Block::Paragraph(s(
                "Je vous prie d'agréer, Madame la Présidente, l'expression de mes salutations distinguées.",
            )),
        ],
        signatures: vec![vec![
            s("Pour le directeur et par délégation,"),
            s("La responsable du pôle parentalité,"),
            s(""),
            s("Claire Martin"),
        ]],
        footer: Some(s(
            "Caf des Alpes-Maritimes — 143, boulevard René Cassin, 06200 Nice — www.caf.fr",
        )),
    }
}

/// Minutes: no addressee, a title, two signatures, 40 paragraphs.
fn long_minutes() -> Document {
    let mut blocks = vec![Block::Heading(s("Dossiers examinés"))];
    for i in 1..=40 {
        blocks.push(Block::Paragraph(format!(
            "Dossier n° {i} : le comité a examiné la candidature, vérifié son éligibilité et attribué les notes de chaque critère ; après délibération, il a arrêté sa décision à l'unanimité des membres présents, soit une aide de {} 000 € sur un budget total de {} 500 €.",
            i % 9 + 1,
            i % 7 + 10
        )));
    }
    blocks.push(Block::Bullets(vec![
        s("Membres présents : 7 ; quorum atteint (5)."),
        s("Conflits d'intérêts déclarés : aucun."),
    ]));
    Document {
        letterhead: vec![s("Caisse d'allocations familiales des Alpes-Maritimes")],
        title: Some(s("Procès-verbal de la séance du 15 juillet 2025")),
        date: day(),
        blocks,
        signatures: vec![
            vec![
                s("Le président du comité"),
                s("Jean Dupont"),
                s("Signature :"),
                s(""),
            ],
            vec![
                s("La secrétaire de séance"),
                s("Marie Lefèvre"),
                s("Signature :"),
                s(""),
            ],
        ],
        footer: Some(s("Procès-verbal — appel à projets PDNP 2025")),
        ..Document::default()
    }
}

/// Fails, naming what to install, when an outside tool is missing: a
/// skipped check would pass without doing its job.
fn tool(name: &str, probe: &[&str]) {
    if let Err(e) = Command::new(name).args(probe).output() {
        panic!(
            "{name} is needed by this test ({e}): install {}",
            match name {
                "pdftotext" => "poppler-utils",
                other => other,
            }
        );
    }
}

/// Text of a PDF by `pdftotext -layout`, with no-break spaces as spaces and
/// runs of white space collapsed to one space.
fn pdftotext(bytes: &[u8]) -> String {
    pdftotext_pages(bytes, 1, 9999)
}

/// `pdftotext` of pages `first..=last`, normalised like [`pdftotext`].
fn pdftotext_pages(bytes: &[u8], first: usize, last: usize) -> String {
    tool("pdftotext", &["-v"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("lettre.pdf");
    std::fs::write(&path, bytes).expect("write the PDF");
    let out = Command::new("pdftotext")
        .args([
            "-layout",
            "-enc",
            "UTF-8",
            "-f",
            &first.to_string(),
            "-l",
            &last.to_string(),
        ])
        .arg(&path)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).replace(['\u{202F}', '\u{A0}'], " ");
    // A word hyphenated at a line's end comes with a soft hyphen: joined back.
    let text: String = text
        .split('\u{AD}')
        .enumerate()
        .map(|(i, piece)| if i == 0 { piece } else { piece.trim_start() })
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn render_pdf(doc: &Document) -> Vec<u8> {
    match pdf::render(doc) {
        Ok(bytes) => bytes,
        Err(e) => panic!("pdf::render: {e}"),
    }
}

/// The page count from the page tree ("/Type/Pages/Count N"): krilla writes
/// no object streams, so the dictionary is plain text.
fn page_count(bytes: &[u8]) -> usize {
    let text = String::from_utf8_lossy(bytes);
    let compact = text
        .replace("/Type /Pages", "/Type/Pages")
        .replace("/Count ", "/Count");
    let Some(at) = compact.find("/Type/Pages") else {
        return 0;
    };
    let tail = &compact[at..];
    let Some(count) = tail.find("/Count") else {
        return 0;
    };
    tail[count + 6..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(0)
}

/// What a rendering thread keeps from one letter to the next (its fonts,
/// paragraphs broken into lines, French typography, font subsets) never
/// changes a letter: rendered first on a fresh thread, or on a thread that
/// rendered another letter before, it is the same bytes.
#[test]
fn a_letter_rendered_after_another_is_the_one_rendered_first() {
    let first = letter();
    // Other glyphs, drawn in another order from its first line on: each
    // font's subset differs from the first letter's.
    let mut other = letter();
    other.letterhead[0] = "Quartz & Wyvern — Kayak zoologique".into();
    other.addressee[0] = "Xylophones Björk".into();
    let alone = {
        let first = first.clone();
        std::thread::spawn(move || (render_pdf(&first), odt::render(&first).expect("odt")))
            .join()
            .expect("a fresh thread")
    };
    let after = std::thread::spawn(move || {
        let before = render_pdf(&other);
        let _ = odt::render(&other).expect("odt");
        (
            before,
            render_pdf(&first),
            odt::render(&first).expect("odt"),
        )
    })
    .join()
    .expect("a thread that rendered another letter");
    assert_ne!(after.0, alone.0, "the other letter differs");
    assert_eq!(after.1, alone.0, "the PDF");
    assert_eq!(after.2, alone.1, "the ODT");
}

#[test]
fn pdf_letter_is_deterministic_and_reads_back() {
    let doc = letter();
    let first = render_pdf(&doc);
    let second = render_pdf(&doc);
    assert!(first.starts_with(b"%PDF-"));
    assert_eq!(first, second, "the same letter must give the same bytes");
    assert!(
        first.len() < 60_000,
        "a one-page letter should be small, got {} bytes",
        first.len()
    );

    let text = pdftotext(&first);
    for expected in [
        "Caisse d’allocations familiales des Alpes-Maritimes",
        "Association Les Petits Pas",
        "À l’attention de Mme Hélène Durand, présidente",
        "Nice, le 18 juillet 2025",
        "Réf. : PDNP06-2025-007",
        "Objet : Appel à projets « Parentalité et numérique » 2025 : décision du comité de sélection",
        "Madame la Présidente,",
        "J’ai le regret de vous informer que votre projet n’a pas été retenu.",
        "d’un montant de 24 500 €, repose pour plus de 80 % sur le financement sollicité auprès de la Caf",
        "l’œuvre de coordination",
        "Évaluation de votre dossier",
        "Pertinence au regard des besoins du territoire 30 % 14,0 / 20",
        "Total pondéré 100 % 10,6 / 20",
        "Voies et délais de recours",
        "l’application « Télérecours citoyens » accessible sur www.telerecours.fr.",
        "aucune subvention inférieure à 1 000 € ne peut être versée",
        "l’expression de mes salutations distinguées.",
        "Pour le directeur et par délégation,",
        "Claire Martin",
        "Caf des Alpes-Maritimes — 143, boulevard René Cassin, 06200 Nice — www.caf.fr",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(
        !text.contains("page 1 /"),
        "a one-page letter has no page number:\n{text}"
    );
    assert_eq!(page_count(&first), 1, "the letter fits on one page");
}

#[test]
fn pdf_long_document_breaks_pages_and_numbers_them() {
    let doc = long_minutes();
    let bytes = render_pdf(&doc);
    assert_eq!(bytes, render_pdf(&doc));
    let pages = page_count(&bytes);
    assert!(
        pages >= 3,
        "40 paragraphs should take several pages, got {pages}"
    );
    let text = pdftotext(&bytes);
    assert!(text.contains("page 1 / "), "{text}");
    assert!(text.contains("page 2 / "), "{text}");
    assert!(text.contains(&format!("page {pages} / {pages}")), "{text}");
    assert!(text.contains("Procès-verbal de la séance du 15 juillet 2025"));
    assert!(text.contains("Dossier n° 40 : le comité a examiné la candidature"));
    assert!(text.contains("Le président du comité"));
    assert!(text.contains("Marie Lefèvre"));
    // Every paragraph is there, in order.
    let mut at = 0;
    for i in 1..=40 {
        let needle = format!("Dossier n° {i} :");
        match text[at..].find(&needle) {
            Some(p) => at += p + needle.len(),
            None => panic!("{needle} missing or out of order"),
        }
    }
}

#[test]
fn pdf_never_splits_the_signatures() {
    // Grow the letter paragraph by paragraph: whenever it runs onto a second
    // page, the signature block is whole on one page.
    let mut doc = letter();
    let extra = "Le comité rappelle que la présente décision ne préjuge pas d'une candidature ultérieure de votre association à un prochain appel à projets.";
    let mut checked = 0;
    for _ in 0..10 {
        doc.blocks.push(Block::Paragraph(s(extra)));
        let bytes = render_pdf(&doc);
        if page_count(&bytes) < 2 {
            continue;
        }
        let (one, two) = (pdftotext_pages(&bytes, 1, 1), pdftotext_pages(&bytes, 2, 2));
        let first = [
            "Pour le directeur et par délégation,",
            "La responsable du pôle parentalité,",
            "Claire Martin",
        ]
        .map(|l| one.contains(l));
        let second = [
            "Pour le directeur et par délégation,",
            "La responsable du pôle parentalité,",
            "Claire Martin",
        ]
        .map(|l| two.contains(l));
        assert!(
            first == [true; 3] || second == [true; 3],
            "signature split: page 1 {first:?}, page 2 {second:?}"
        );
        assert!(two.contains("page 2 / 2"), "{two}");
        checked += 1;
    }
    assert!(
        checked >= 3,
        "the letter should have run onto a second page"
    );
}

#[test]
fn pdf_long_table_repeats_its_header() {
    let rows: Vec<Vec<String>> = (1..=70)
        .map(|i| {
            vec![
                format!("Dossier PDNP06-2025-{i:03}"),
                format!("{},{} / 20", i % 20, i % 10),
                format!("{i}"),
            ]
        })
        .collect();
    let doc = Document {
        title: Some(s("Classement des dossiers")),
        date: day(),
        blocks: vec![Block::Table {
            header: vec![s("Dossier"), s("Note"), s("Rang")],
            rows,
        }],
        ..Document::default()
    };
    let bytes = render_pdf(&doc);
    assert!(page_count(&bytes) >= 2);
    let (one, two) = (pdftotext_pages(&bytes, 1, 1), pdftotext_pages(&bytes, 2, 2));
    assert!(one.contains("Dossier Note Rang"), "{one}");
    assert!(
        two.contains("Dossier Note Rang"),
        "the header is repeated on page 2: {two}"
    );
    let all = pdftotext(&bytes);
    for i in 1..=70 {
        assert!(
            all.contains(&format!("Dossier PDNP06-2025-{i:03}")),
            "row {i} missing"
        );
    }
}

#[test]
fn pdf_handles_empty_and_odd_documents() {
    // PDF/A and PDF/UA need a title and a date; the body may be anything.
    let base = Document {
        title: Some(s("Essai")),
        date: day(),
        ..Document::default()
    };
    for doc in [
        base.clone(),
        Document {
            blocks: vec![
                Block::Spacer,
                Block::Bullets(vec![]),
                Block::Table {
                    header: vec![],
                    rows: vec![],
                },
            ],
            ..base.clone()
        },
        Document {
            blocks: vec![
                Block::Paragraph("x".repeat(400)),
                Block::Paragraph(s(
                    "https://exemple.fr/un/chemin/très/long/qui/ne/tient/pas/sur/une/seule/ligne/du/tout/et/doit/être/coupé?x=1",
                )),
                Block::Table {
                    header: vec![s("A")],
                    rows: vec![vec![s("1"), s("2"), s("3")], vec![]],
                },
            ],
            signatures: vec![vec![s("Un")], vec![s("Deux")], vec![s("Trois")]],
            ..base.clone()
        },
    ] {
        let bytes = render_pdf(&doc);
        assert!(bytes.starts_with(b"%PDF-"));
    }
}

fn unzip(bytes: &[u8]) -> zip::ZipArchive<std::io::Cursor<&[u8]>> {
    match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(z) => z,
        Err(e) => panic!("not a zip: {e}"),
    }
}

fn entry(archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>, name: &str) -> String {
    let mut file = match archive.by_name(name) {
        Ok(f) => f,
        Err(e) => panic!("{name}: {e}"),
    };
    let mut text = String::new();
    if let Err(e) = file.read_to_string(&mut text) {
        panic!("{name}: {e}");
    }
    text
}

#[test]
fn odt_is_a_valid_package_with_the_text() {
    let doc = letter();
    let bytes = match odt::render(&doc) {
        Ok(b) => b,
        Err(e) => panic!("odt::render: {e}"),
    };
    assert_eq!(
        odt::render(&doc).ok().as_ref(),
        Some(&bytes),
        "deterministic"
    );
    let mut archive = unzip(&bytes);
    let names: Vec<String> = archive.file_names().map(str::to_string).collect();
    {
        let first = match archive.by_index(0) {
            Ok(f) => f,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(first.name(), "mimetype");
        assert_eq!(first.compression(), zip::CompressionMethod::Stored);
    }
    assert_eq!(
        entry(&mut archive, "mimetype"),
        "application/vnd.oasis.opendocument.text"
    );
    for name in [
        "META-INF/manifest.xml",
        "content.xml",
        "styles.xml",
        "meta.xml",
    ] {
        assert!(
            names.iter().any(|n| n == name),
            "{name} missing from {names:?}"
        );
    }
    let content = entry(&mut archive, "content.xml");
    for expected in [
        "Madame la Présidente,",
        "J’ai le regret de vous informer que votre projet n’a pas été retenu.",
        "aucune subvention inférieure à 1\u{202F}000\u{A0}€ ne peut être versée",
        "«\u{A0}Télérecours citoyens\u{A0}»",
        "Objet\u{A0}: Appel à projets",
        "Pertinence au regard des besoins du territoire",
        "Claire Martin",
        "Association Les Petits Pas",
    ] {
        assert!(
            content.contains(expected),
            "missing {expected:?} in content.xml"
        );
    }
    let styles = entry(&mut archive, "styles.xml");
    assert!(styles.contains("Caf des Alpes-Maritimes — 143, boulevard René Cassin"));
    assert!(styles.contains(r#"fo:text-align="justify""#));

    // Every XML part is well formed (checked by Python's parser).
    tool("python3", &["--version"]);
    {
        let dir = match tempfile::tempdir() {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        };
        let path = dir.path().join("lettre.odt");
        if let Err(e) = std::fs::write(&path, &bytes) {
            panic!("{e}");
        }
        let script = r#"
import sys, zipfile, xml.dom.minidom
z = zipfile.ZipFile(sys.argv[1])
assert z.infolist()[0].filename == "mimetype" and z.infolist()[0].compress_type == zipfile.ZIP_STORED
for name in z.namelist():
    if name.endswith(".xml"):
        xml.dom.minidom.parseString(z.read(name))
assert z.testzip() is None
print("ok")
"#;
        let out = match Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(&path)
            .output()
        {
            Ok(o) => o,
            Err(e) => panic!("{e}"),
        };
        assert!(
            out.status.success(),
            "python3: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn odt_of_minutes_and_odd_documents() {
    for doc in [long_minutes(), Document::default()] {
        let bytes = match odt::render(&doc) {
            Ok(b) => b,
            Err(e) => panic!("{e}"),
        };
        let mut archive = unzip(&bytes);
        let content = entry(&mut archive, "content.xml");
        assert!(content.starts_with("<?xml"));
    }
}

fn parse_with_python(eml: &[u8]) -> serde_json::Value {
    tool("python3", &["--version"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("lettre.eml");
    std::fs::write(&path, eml).expect("write the EML");
    let script = r#"
import email, sys, json, hashlib
from email import policy
m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.default)
body = m.get_body(preferencelist=('plain',))
attachments = []
for a in m.iter_attachments():
    data = a.get_content()
    attachments.append({"filename": a.get_filename(), "type": a.get_content_type(),
                        "sha256": hashlib.sha256(data).hexdigest(), "len": len(data)})
f = m["From"].addresses[0]
t = m["To"].addresses[0]
print(json.dumps({
    "from_name": f.display_name, "from_addr": f.addr_spec,
    "to_name": t.display_name, "to_addr": t.addr_spec,
    "subject": str(m["Subject"]), "date": str(m["Date"]), "message_id": str(m["Message-ID"]),
    "mime_version": str(m["MIME-Version"]),
    "body_type": body.get_content_type(), "charset": body.get_content_charset(),
    "body": body.get_content(), "attachments": attachments,
    "defects": [repr(d) for d in m.defects] + [repr(d) for p in m.walk() for d in p.defects],
}))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("run python3");
    assert!(
        out.status.success(),
        "python3: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    match serde_json::from_slice(&out.stdout) {
        Ok(v) => v,
        Err(e) => panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)),
    }
}

#[test]
fn eml_parses_with_the_right_headers_body_and_attachment() {
    let pdf_bytes = render_pdf(&letter());
    let body = "Madame la Présidente,\n\nVeuillez trouver ci-joint la décision du comité de sélection relative à votre projet « Ateliers écrans en famille ». Cette ligne est volontairement longue pour être coupée par l'encodage quoted-printable sans rien perdre.\n\nClaire Martin\nCaf des Alpes-Maritimes\n";
    let date = match chrono::DateTime::parse_from_rfc3339("2025-07-18T10:30:00+02:00") {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    let mail = Mail {
        from: (
            s("Caf des Alpes-Maritimes — Pôle parentalité"),
            s("pdnp@caf06.fr"),
        ),
        to: (
            s("Hélène Durand (Les Petits Pas)"),
            s("contact@lespetitspas.fr"),
        ),
        subject: s("Décision du comité : appel à projets « Parentalité et numérique » 2025"),
        body: s(body),
        attachment: Some((s("PDNP06-2025-007-decision.pdf"), pdf_bytes.clone())),
        calendar: None,
        date,
        message_id: s("<PDNP06-2025-007.decision.1@jury.local>"),
    };
    let bytes = match eml::render(&mail) {
        Ok(b) => b,
        Err(e) => panic!("eml::render: {e}"),
    };
    assert_eq!(
        eml::render(&mail).ok().as_ref(),
        Some(&bytes),
        "deterministic"
    );
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.is_ascii(), "an .eml is 7-bit");
    assert!(
        !raw.replace("\r\n", "").contains('\n'),
        "CRLF line endings only"
    );
    assert!(
        raw.lines().all(|l| l.len() <= 998),
        "no line over 998 characters"
    );

    let parsed = parse_with_python(&bytes);
    let field = |k: &str| parsed[k].as_str().unwrap_or_default().to_string();
    assert_eq!(
        field("from_name"),
        "Caf des Alpes-Maritimes — Pôle parentalité"
    );
    assert_eq!(field("from_addr"), "pdnp@caf06.fr");
    assert_eq!(field("to_name"), "Hélène Durand (Les Petits Pas)");
    assert_eq!(field("to_addr"), "contact@lespetitspas.fr");
    assert_eq!(
        field("subject"),
        "Décision du comité : appel à projets « Parentalité et numérique » 2025"
    );
    assert_eq!(field("date"), "Fri, 18 Jul 2025 10:30:00 +0200");
    assert_eq!(
        field("message_id"),
        "<PDNP06-2025-007.decision.1@jury.local>"
    );
    assert_eq!(field("mime_version"), "1.0");
    assert_eq!(field("body_type"), "text/plain");
    assert_eq!(field("charset"), "utf-8");
    // Python keeps the CRLF of the decoded text.
    assert_eq!(field("body").replace("\r\n", "\n"), body);
    let attachments = parsed["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(attachments.len(), 1, "{parsed}");
    assert_eq!(attachments[0]["filename"], "PDNP06-2025-007-decision.pdf");
    assert_eq!(attachments[0]["type"], "application/pdf");
    let digest: String = Sha256::digest(&pdf_bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(attachments[0]["sha256"], digest.as_str());
    assert_eq!(
        parsed["defects"].as_array().map(Vec::len),
        Some(0),
        "{parsed}"
    );

    // Without an attachment: a single text part.
    let plain = Mail {
        attachment: None,
        calendar: None,
        ..mail
    };
    let bytes = match eml::render(&plain) {
        Ok(b) => b,
        Err(e) => panic!("{e}"),
    };
    let parsed = parse_with_python(&bytes);
    assert_eq!(
        parsed["body"]
            .as_str()
            .map(|b| b.replace("\r\n", "\n"))
            .as_deref(),
        Some(body)
    );
    assert_eq!(parsed["attachments"].as_array().map(Vec::len), Some(0));
}

/// Writes the sample letter and minutes as PDF and ODT into $JURY_LETTERS_OUT
/// (for looking at them). Run with
/// `JURY_LETTERS_OUT=/tmp/x cargo test --test all -- --ignored write_samples`.
#[test]
#[ignore]
fn write_samples() {
    let Ok(dir) = std::env::var("JURY_LETTERS_OUT") else {
        panic!("set JURY_LETTERS_OUT to a directory to write the samples into");
    };
    let dir = Path::new(&dir);
    let _ = std::fs::create_dir_all(dir);
    for (name, doc) in [("lettre", letter()), ("proces-verbal", long_minutes())] {
        let _ = std::fs::write(dir.join(format!("{name}.pdf")), render_pdf(&doc));
        if let Ok(b) = odt::render(&doc) {
            let _ = std::fs::write(dir.join(format!("{name}.odt")), b);
        }
    }
}

/// Speed and size: 1 000 one-page letters. Run in release with
/// `cargo test --release --test all -- --ignored --nocapture thousand`.
#[test]
#[ignore]
fn thousand_letters() {
    let base = letter();
    let start = std::time::Instant::now();
    let mut total = 0usize;
    for i in 0..1000 {
        let mut doc = base.clone();
        doc.reference = Some(format!("PDNP06-2025-{i:03}"));
        doc.addressee[0] = format!("Association n° {i}");
        total += render_pdf(&doc).len();
    }
    let pdf_time = start.elapsed();
    let start = std::time::Instant::now();
    let mut odt_total = 0usize;
    for _ in 0..1000 {
        odt_total += odt::render(&base).map(|b| b.len()).unwrap_or(0);
    }
    let odt_time = start.elapsed();
    println!(
        "PDF: 1000 letters in {:.2} s ({:.2} ms per letter), {} bytes per letter on average",
        pdf_time.as_secs_f64(),
        pdf_time.as_secs_f64(),
        total / 1000
    );
    println!(
        "ODT: 1000 letters in {:.2} s ({:.3} ms per letter), {} bytes per letter",
        odt_time.as_secs_f64(),
        odt_time.as_secs_f64(),
        odt_total / 1000
    );
}
