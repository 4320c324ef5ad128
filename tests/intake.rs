//! `jury import` as a coordinator runs it: spreadsheets (CSV in UTF-8 and
//! Windows-1252, XLSX) and a Démarches Simplifiées export with its ZIP of
//! pieces, into a copy of the sample call. The fixtures are written by the
//! tests (XLSX with rust_xlsxwriter, ZIP with zip).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::common::intake;
use intake::harness::copy_dir;
use intake::{FORM, assert_private, call, check_passes, dossier, import, stdout};

/// One row of the form's fields after the leading ones.
fn form_row(name: &str, hours: &str, charter: &str) -> Vec<String> {
    [
        name,
        "3 rue des Lilas",
        "06300",
        "Nice",
        "Marie Durand",
        "Présidente",
        "Léa Martin",
        "Animatrice",
        "salarie",
        hours,
        charter,
        "Instagram; Facebook",
        "3 juillet 1998",
    ]
    .map(str::to_string)
    .to_vec()
}

fn form_labels() -> Vec<String> {
    FORM[3..].iter().map(|(c, _, _)| c.to_string()).collect()
}

/// Two rows, references `<prefix>1` and `<prefix>2`; a cell holding the
/// separator is quoted.
fn plain_csv(separator: &str, prefix: &str) -> String {
    let mut header = vec!["Référence".to_string(), "Reçu le".into(), "Courriel".into()];
    header.extend(form_labels());
    let mut text = header.join(separator) + "\r\n";
    for (i, name) in ["Maison des familles", "Centre social Lérins"]
        .iter()
        .enumerate()
    {
        let mut row = vec![
            format!("{prefix}{}", i + 1),
            "02/07/2025 16:42".to_string(),
            format!("contact{i}@exemple.org"),
        ];
        row.extend(form_row(name, "4,5", "Oui"));
        let row: Vec<String> = row
            .into_iter()
            .map(|c| {
                if c.contains(separator) {
                    format!("\"{c}\"")
                } else {
                    c
                }
            })
            .collect();
        text += &(row.join(separator) + "\r\n");
    }
    text
}

#[test]
fn csv_in_utf8_and_windows_1252_become_dossiers_that_check_accepts_and_a_second_run_changes_nothing()
 {
    let dir = tempfile::tempdir().expect("tmp");
    let call = call(dir.path());
    let utf8 = dir.path().join("utf8.csv");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(plain_csv(",", "U").as_bytes());
    std::fs::write(&utf8, bytes).expect("write");
    let latin = dir.path().join("latin.csv");
    let text = plain_csv(";", "W");
    std::fs::write(&latin, encoding_rs::WINDOWS_1252.encode(&text).0).expect("write");

    let out = import(&call, &[&utf8, &latin]);
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(
            "4 dossiers créés, 0 inchangé, 0 modifié dans la source (non appliqué), 0 erreur"
        ),
        "{text}"
    );
    let written = std::fs::read_to_string(call.join("dossiers/IMP-W1.json")).expect("dossier");
    let d: serde_json::Value = serde_json::from_str(&written).expect("json");
    assert_eq!(d["structure"]["address"]["city"], "Nice");
    assert_eq!(d["structure"]["representative"]["title"], "Présidente");
    assert_eq!(d["received_at"], "2025-07-02T16:42:00+02:00");
    assert_eq!(d["project"]["weekly_online_hours"], 4.5);
    assert_eq!(d["commitments"]["charter_signed"], true);
    assert_eq!(
        d["project"]["networks"],
        serde_json::json!(["Instagram", "Facebook"])
    );
    assert_eq!(d["structure"]["created"], "1998-07-03");
    assert_private(&call.join("dossiers/IMP-W1.json"));
    check_passes(&call, 32);

    let out = import(&call, &[&utf8, &latin]);
    assert!(
        stdout(&out).contains("0 dossier créé, 4 inchangés, 0 modifié"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read_to_string(call.join("dossiers/IMP-W1.json")).expect("dossier"),
        written
    );
}

const DS_FIXED: &[&str] = &[
    "ID",
    "Email",
    "FranceConnect ?",
    "Civilité",
    "Nom",
    "Prénom",
    "Dépôt pour un tiers",
    "Nom du mandataire",
    "Prénom du mandataire",
    "À archiver",
    "État du dossier",
    "Dernière mise à jour le",
    "Dernière mise à jour du dossier le",
    "Déposé le",
    "Passé en instruction le",
    "Traité le",
    "Motivation de la décision",
    "Instructeurs",
];

/// A Démarches Simplifiées XLSX export: sheet `Dossiers`, fixed columns
/// first, then the form's fields; `rows` are (id, deposited, hours, charter),
/// `deposited` written as a date cell when in ISO form (`2025-07-03T16:42:00`),
/// else as text.
fn ds_xlsx(path: &Path, rows: &[(&str, &str, &str, &str)]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Dossiers").expect("name");
    let header: Vec<String> = DS_FIXED
        .iter()
        .map(|s| s.to_string())
        .chain(form_labels())
        .collect();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, h).expect("cell");
    }
    for (r, (id, deposited, hours, charter)) in rows.iter().enumerate() {
        let mut cells: Vec<String> = DS_FIXED.iter().map(|_| String::new()).collect();
        cells[0] = id.to_string();
        cells[1] = format!("dossier{id}@exemple.org");
        cells[10] = "en_construction".into();
        cells[13] = deposited.to_string();
        cells.extend(form_row(&format!("Structure {id}"), hours, charter));
        for (c, v) in cells.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, v).expect("cell");
        }
        // As the platform writes it: a date cell, shown as a date.
        if deposited.contains('T') {
            let when = rust_xlsxwriter::ExcelDateTime::parse_from_str(deposited).expect("date");
            let shown = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy hh:mm");
            sheet
                .write_datetime_with_format(r as u32 + 1, 13, &when, &shown)
                .expect("cell");
        }
    }
    book.save(path).expect("save");
}

fn ds_zip(path: &Path) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).expect("zip"));
    let options = zip::write::SimpleFileOptions::default();
    for (name, body) in [
        ("dossier-101/export-101-03-07-2025.pdf", "export"),
        (
            "dossier-101/pieces_justificatives/statuts-03-07-2025-16-42-1.pdf",
            "%PDF-1.4 statuts",
        ),
        (
            "dossier-101/pieces_justificatives/budget-03-07-2025-16-42-2.pdf",
            "%PDF-1.4 budget",
        ),
    ] {
        zip.start_file(name, options).expect("entry");
        zip.write_all(body.as_bytes()).expect("write");
    }
    zip.finish().expect("finish");
}

#[test]
fn a_demarches_simplifiees_export_with_its_pieces_imports_once_and_reports_changes_without_applying_them()
 {
    let dir = tempfile::tempdir().expect("tmp");
    let call = call(dir.path());
    let xlsx = dir.path().join("export.xlsx");
    let zip = dir.path().join("export.zip");
    ds_xlsx(
        &xlsx,
        &[
            ("101", "03/07/2025 16:42", "3", "Oui"),
            ("102", "2025-07-04T09:05:00", "6,5", "non"),
        ],
    );
    ds_zip(&zip);

    let out = import(&call, &[&xlsx, &zip]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("2 dossiers créés"), "{text}");
    // The call sets a prefix: it is used for platform ids too.
    let path = call.join("dossiers/IMP-101.json");
    let written = std::fs::read_to_string(&path).expect("dossier");
    let d: serde_json::Value = serde_json::from_str(&written).expect("json");
    assert_eq!(d["structure"]["email"], "dossier101@exemple.org");
    assert_eq!(d["received_at"], "2025-07-03T16:42:00+02:00");
    assert_eq!(d["plateforme"]["etat"], "en_construction");
    assert_eq!(d["plateforme"]["id"], "101");
    let cell = dossier(&call, "IMP-102");
    assert_eq!(cell["received_at"], "2025-07-04T09:05:00+02:00");
    assert_eq!(
        d["attachments"][0]["path"],
        "pieces/IMP-101/budget-03-07-2025-16-42-2.pdf"
    );
    let piece = call.join("pieces/IMP-101/statuts-03-07-2025-16-42-1.pdf");
    assert_eq!(std::fs::read(&piece).expect("piece"), b"%PDF-1.4 statuts");
    assert_private(&piece);
    check_passes(&call, 30);

    let out = import(&call, &[&xlsx, &zip]);
    assert!(
        stdout(&out).contains("0 dossier créé, 2 inchangés"),
        "{}",
        stdout(&out)
    );
    assert_eq!(std::fs::read_to_string(&path).expect("dossier"), written);

    // One cell changed in the source: reported, the imported file kept.
    ds_xlsx(
        &xlsx,
        &[
            ("101", "03/07/2025 16:42", "4", "Oui"),
            ("102", "2025-07-04T09:05:00", "6,5", "non"),
        ],
    );
    let out = import(&call, &[&xlsx, &zip]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("export.xlsx:Dossiers!2: IMP-101 modifié dans la source : /project/weekly_online_hours ; le dossier importé est gardé"),
        "{text}"
    );
    assert!(
        text.contains(
            "0 dossier créé, 1 inchangé, 1 modifié dans la source (non appliqué), 0 erreur"
        ),
        "{text}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("dossier"), written);
}

#[test]
fn bad_cells_are_named_by_sheet_and_cell_and_the_other_rows_are_imported() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = call(dir.path());
    let xlsx = dir.path().join("candidatures.xlsx");
    ds_xlsx(
        &xlsx,
        &[
            ("201", "31/02/2025 10:00", "3", "Oui"),
            ("202", "03/07/2025 10:00", "4,5,1", "Oui"),
            ("203", "03/07/2025 10:00", "3", "peut-être"),
            ("204", "03/07/2025 10:00", "3", "x"),
        ],
    );
    let out = import(&call, &[&xlsx]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    // Columns: 18 fixed (A–R), then the form's fields from S; « Déposé le » is N.
    assert!(
        text.contains(
            "candidatures.xlsx:Dossiers!N2: date et heure illisibles « 31/02/2025 10:00 »"
        ),
        "{text}"
    );
    assert!(
        text.contains("candidatures.xlsx:Dossiers!AB3: nombre décimal illisible « 4,5,1 »"),
        "{text}"
    );
    assert!(
        text.contains("candidatures.xlsx:Dossiers!AC4: oui ou non attendu, trouvé « peut-être »"),
        "{text}"
    );
    assert!(
        text.contains(
            "1 dossier créé, 0 inchangé, 0 modifié dans la source (non appliqué), 3 erreurs"
        ),
        "{text}"
    );
    assert!(call.join("dossiers/IMP-204.json").is_file());
    assert!(!call.join("dossiers/IMP-201.json").exists());
}

#[test]
fn a_mapped_column_missing_from_the_sheet_is_named_with_the_labels_found() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = call(dir.path());
    let csv = dir.path().join("enquete.csv");
    std::fs::write(&csv, "Référence;Structure\r\nA1;Maison\r\n").expect("write");
    let out = import(&call, &[&csv]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("enquete.csv: colonne « Reçu le » absente ; colonnes trouvées : « Référence », « Structure »"),
        "{text}"
    );
    assert!(!call.join("dossiers/IMP-A1.json").exists());
}

#[test]
fn a_reference_given_twice_keeps_the_first_row_and_names_both() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = call(dir.path());
    let xlsx = dir.path().join("double.xlsx");
    ds_xlsx(
        &xlsx,
        &[
            ("301", "03/07/2025 10:00", "3", "Oui"),
            ("301", "03/07/2025 11:00", "5", "Oui"),
        ],
    );
    let out = import(&call, &[&xlsx]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!(
            "double.xlsx:Dossiers!3: référence « IMP-301 » déjà importée par {}:Dossiers!2 ; ligne ignorée",
            xlsx.display()
        )),
        "{text}"
    );
    let d = dossier(&call, "IMP-301");
    assert_eq!(d["project"]["weekly_online_hours"], 3);
}

#[test]
fn the_sample_calls_own_intake_reads_a_survey_export() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = dir.path().join("appel");
    copy_dir(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025"),
        &call,
    );
    let csv = dir.path().join("enquete.csv");
    std::fs::write(
        &csv,
        "N°;Reçu le;Courriel;Structure;Type de structure;Adresse;Code postal;Commune;Territoire;\
Représentant légal;Fonction du représentant;Téléphone;Professionnel proposé;Poste;\
Statut du professionnel;Heures en ligne par semaine;Réseaux sociaux;Charte signée;\
Aide au démarrage demandée;Montant de l'aide\n\
029;04/07/2025 23:10;accueil@mjc.example.org;MJC du Paillon;mjc;2 place Garibaldi;06340;\
Drap;Pays des Paillons;Anne Roux;Présidente;04 99 00 00 29;Hugo Lanteri;Animateur;salarie;\
3,5;Instagram, Discord;Oui;non;\n",
    )
    .expect("write");
    let out = import(&call, &[&csv]);
    assert!(out.status.success(), "{}", stdout(&out));
    let d = dossier(&call, "PDNP06-2025-029");
    assert_eq!(d["received_at"], "2025-07-04T23:10:00+02:00");
    assert_eq!(d["project"]["weekly_online_hours"], 3.5);
    assert_eq!(d["startup_aid_requested"], false);
    assert!(d["startup_aid"].is_null());
    check_passes(&call, 29);
}

/// A minimal ODS file (what calamine reads of one: the mimetype, the
/// manifest and content.xml), with one sheet `Dossiers` of text cells.
fn ods(path: &Path, rows: &[Vec<String>]) {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut body = String::new();
    for row in rows {
        body += "<table:table-row>";
        for cell in row {
            body += &format!(
                "<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                escape(cell)
            );
        }
        body += "</table:table-row>";
    }
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
<office:body><office:spreadsheet><table:table table:name=\"Dossiers\">{body}</table:table>\
</office:spreadsheet></office:body></office:document-content>"
    );
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).expect("ods"));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).expect("entry");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("write");
    zip.start_file(
        "META-INF/manifest.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .expect("entry");
    zip.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
</manifest:manifest>",
    )
    .expect("write");
    zip.start_file("content.xml", zip::write::SimpleFileOptions::default())
        .expect("entry");
    zip.write_all(content.as_bytes()).expect("write");
    zip.finish().expect("finish");
}

#[test]
fn an_ods_sheet_imports_and_an_incomplete_row_is_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = call(dir.path());
    let path = dir.path().join("tableur.ods");
    let mut header = vec!["Référence".to_string(), "Reçu le".into(), "Courriel".into()];
    header.extend(form_labels());
    let mut good = vec![
        "O1".to_string(),
        "1 juillet 2025".into(),
        "o1@exemple.org".into(),
    ];
    good.extend(form_row("Espace familles", "3", "Oui"));
    let mut incomplete = vec![
        "O2".to_string(),
        "1 juillet 2025".into(),
        "o2@exemple.org".into(),
    ];
    incomplete.extend(form_row("", "3", "Oui"));
    // A value that is wrong, not missing, is still refused.
    let mut refused = vec![
        "O3".to_string(),
        "1 juillet 2025".into(),
        "o3 chez exemple.org".into(),
    ];
    refused.extend(form_row("Espace parents", "3", "Oui"));
    ods(&path, &[header, good, incomplete, refused]);
    let out = import(&call, &[&path]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    // A row the mapping cannot fill whole is taken in and named: it is
    // completed in the app, not retyped in the spreadsheet.
    assert!(
        text.contains("tableur.ods:Dossiers!3: IMP-O2 à compléter : Structure porteuse › Nom"),
        "{text}"
    );
    assert!(
        text.contains(
            "tableur.ods:Dossiers!4: dossier refusé : « structure.email » : adresse e-mail invalide"
        ),
        "{text}"
    );
    assert!(text.contains("2 dossiers créés"), "{text}");
    let d = dossier(&call, "IMP-O1");
    assert_eq!(d["received_at"], "2025-07-01T00:00:00+02:00");
    assert!(call.join("dossiers/IMP-O2.json").exists());
    assert!(!call.join("dossiers/IMP-O3.json").exists());
    check_passes(&call, 30);
}
