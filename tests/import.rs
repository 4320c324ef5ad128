//! Import errors: every bad file of a call folder is reported as
//! `path:line:column: message` (in French), pointing at the faulty value,
//! and never stops the good dossiers from being read.
//!
//! The fixture `tests/fixtures/broken` holds two good dossiers, an array file
//! with one good and one bad dossier, and one file per kind of mistake, each
//! broken in exactly one way. Errors in `appel.json` are tested on small
//! temporary folders.

use crate::common::folders;

use jury::io::import::{CallFolder, read_folder, read_folder_known};
use jury::store::Store;
use jury_core::json::{Diag, Severity};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

// ---------------------------------------------------------------- helpers

fn manifest_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn broken_dir() -> PathBuf {
    manifest_path("tests/fixtures/broken")
}

/// The broken fixture, read once per test. Its `appel.json` is valid.
fn broken() -> CallFolder {
    match read_folder(&broken_dir()) {
        Ok(folder) => folder,
        Err(diags) => panic!("tests/fixtures/broken/appel.json should be valid: {diags:?}"),
    }
}

/// Diagnostics reported for one file of the folder (`dossiers/x.json`).
fn diags_for<'f>(folder: &'f CallFolder, file: &str) -> Vec<&'f Diag> {
    folder.diags.iter().filter(|d| d.path == file).collect()
}

/// The single diagnostic of a file broken in exactly one way.
fn only_diag<'f>(folder: &'f CallFolder, file: &str) -> &'f Diag {
    match diags_for(folder, file).as_slice() {
        [d] => d,
        other => panic!("{file}: expected exactly one diagnostic, got {other:#?}"),
    }
}

/// Asserts a diagnostic's position, severity and a distinctive part of its message.
#[track_caller]
fn assert_diag(d: &Diag, line: usize, column: usize, fragment: &str) {
    assert_eq!((d.line, d.column), (line, column), "wrong position for {d}");
    assert_eq!(d.severity, Severity::Error, "{d}");
    assert!(d.message.contains(fragment), "« {fragment} » not in: {d}");
}

/// References of the dossiers imported from one file.
fn imported_from<'f>(folder: &'f CallFolder, file: &str) -> Vec<&'f str> {
    folder
        .dossiers
        .iter()
        .filter(|(_, f)| f == file)
        .map(|(d, _)| d.reference.as_str())
        .collect()
}

/// Checks the one diagnostic of `file` in the broken fixture, and the
/// references still imported from it (none for a file holding one dossier).
#[track_caller]
fn assert_broken_file_keeps(file: &str, line: usize, column: usize, fragment: &str, kept: &[&str]) {
    let folder = broken();
    assert_diag(only_diag(&folder, file), line, column, fragment);
    assert_eq!(
        imported_from(&folder, file),
        kept,
        "dossiers imported from {file}"
    );
}

#[track_caller]
fn assert_broken_file(file: &str, line: usize, column: usize, fragment: &str) {
    assert_broken_file_keeps(file, line, column, fragment, &[]);
}

/// The files of `dossiers/` that hold only good dossiers, and what they hold.
const GOOD: &[(&str, &str)] = &[
    ("dossiers/array.json", "BRK-003"),
    ("dossiers/city-missing.json", "BRK-021"),
    ("dossiers/good-1.json", "BRK-001"),
    ("dossiers/good-2.json", "BRK-002"),
];

/// Every bad dossier file of the fixture (the array file is both good and bad).
const BAD: &[&str] = &[
    "dossiers/array.json",
    "dossiers/attachment-absent.json",
    "dossiers/attachment-absolute.json",
    "dossiers/attachment-parent.json",
    "dossiers/employment-unknown.json",
    "dossiers/empty.json",
    "dossiers/format-unknown.json",
    "dossiers/key-twice.json",
    "dossiers/latin1.json",
    "dossiers/not-an-object.json",
    "dossiers/received-at-french.json",
    "dossiers/received-at-no-offset.json",
    "dossiers/reference-duplicate.json",
    "dossiers/reference-empty.json",
    "dossiers/reference-missing.json",
    "dossiers/reference-number.json",
    "dossiers/syntax-missing-comma.json",
    "dossiers/syntax-trailing-comma.json",
    "dossiers/syntax-unterminated.json",
];

/// A valid `appel.json`; the tests below change one line of it.
/// Line numbers in the assertions refer to this text.
const APPEL: &str = r#"{
  "format": "jury-appel/1",
  "id": "test-temp",
  "title": "Appel temporaire",
  "issuer": { "name": "Caf de test" },
  "deadline": "2025-07-04",
  "scale": { "min": 0, "max": 5 },
  "criteria": [
    { "id": "experience", "label": "Expérience", "weight": 60 },
    { "id": "formation", "label": "Formation", "weight": 40 }
  ],
  "eligibility": [
    { "id": "delai", "label": "Reçu dans les délais", "received_by_deadline": true }
  ],
  "quality_threshold": 50
}
"#;

/// A temporary call folder with this `appel.json` and an empty `dossiers/`.
fn temp_call(appel: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    std::fs::write(dir.path().join("appel.json"), appel).expect("write appel.json");
    std::fs::create_dir(dir.path().join("dossiers")).expect("create dossiers/");
    dir
}

/// `APPEL` with exactly one substring replaced (the replaced text must occur once).
fn appel_with(from: &str, to: &str) -> String {
    assert_eq!(
        APPEL.matches(from).count(),
        1,
        "« {from} » must occur once in APPEL"
    );
    APPEL.replacen(from, to, 1)
}

/// The diagnostics of an unusable `appel.json`.
fn call_errors(dir: &Path) -> Vec<Diag> {
    match read_folder(dir) {
        Ok(folder) => panic!(
            "{} should be refused, read {} dossier(s) and {:?}",
            dir.display(),
            folder.dossiers.len(),
            folder.diags
        ),
        Err(diags) => diags,
    }
}

/// The single error of `appel.json` once `from` is replaced by `to` in `APPEL`.
fn appel_error(from: &str, to: &str) -> Diag {
    let dir = temp_call(&appel_with(from, to));
    match call_errors(dir.path()).as_slice() {
        [d] => {
            assert_eq!(d.path, "appel.json", "{d}");
            d.clone()
        }
        other => panic!("expected exactly one error in appel.json, got {other:#?}"),
    }
}

fn jury_check(dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jury"))
        .arg("check")
        .arg(dir)
        .output()
        .expect("run jury check")
}

// ---------------------------------------------------- the folder as a whole

#[test]
fn good_dossiers_are_imported_despite_bad_ones() {
    let folder = broken();
    assert_eq!(folder.call.id, "test-broken");
    let imported: Vec<(&str, &str)> = folder
        .dossiers
        .iter()
        .map(|(d, f)| (f.as_str(), d.reference.as_str()))
        .collect();
    assert_eq!(imported, GOOD, "files are read in name order");
}

#[test]
fn good_attachment_is_kept() {
    let folder = broken();
    let Some((good2, _)) = folder
        .dossiers
        .iter()
        .find(|(_, f)| f == "dossiers/good-2.json")
    else {
        panic!("good-2.json not imported: {:#?}", folder.diags);
    };
    assert_eq!(good2.attachments.len(), 1);
    assert_eq!(good2.attachments[0].path, "pieces/BRK-002.pdf");
    assert_eq!(good2.attachments[0].title, "Dossier signé");
}

#[test]
fn each_bad_file_gives_one_error_and_no_dossier() {
    let folder = broken();
    for file in BAD {
        let diags = diags_for(&folder, file);
        assert_eq!(diags.len(), 1, "{file}: {diags:#?}");
    }
    let good_files: BTreeSet<&str> = GOOD.iter().map(|(f, _)| *f).collect();
    for (d, file) in &folder.dossiers {
        assert!(
            good_files.contains(file.as_str()),
            "{} imported from bad file {file}",
            d.reference
        );
    }
    assert_eq!(folder.errors(), BAD.len(), "{:#?}", folder.diags);
    assert_eq!(folder.diags.len(), BAD.len(), "no warnings expected");
}

#[test]
fn every_file_of_the_fixture_is_accounted_for() {
    let folder = broken();
    let on_disk: BTreeSet<String> = std::fs::read_dir(broken_dir().join("dossiers"))
        .expect("list the fixture's dossiers/")
        .map(|e| {
            let name = e.expect("read a directory entry").file_name();
            format!("dossiers/{}", name.to_string_lossy())
        })
        .collect();
    let known: BTreeSet<String> = GOOD
        .iter()
        .map(|(f, _)| *f)
        .chain(BAD.iter().copied())
        .map(str::to_string)
        .collect();
    assert_eq!(
        on_disk, known,
        "a fixture file has no test, or a test no file"
    );
    for file in &on_disk {
        let reported = !diags_for(&folder, file).is_empty();
        let imported = folder.dossiers.iter().any(|(_, f)| f == file);
        assert!(reported || imported, "{file} was silently ignored");
    }
}

#[test]
fn diagnostics_display_as_path_line_column_message() {
    let folder = broken();
    let d = only_diag(&folder, "dossiers/reference-number.json");
    assert_eq!(
        d.to_string(),
        "dossiers/reference-number.json:3:16: « reference » : une chaîne attendu(e), trouvé un nombre"
    );
}

// -------------------------------------------------------------- reference

#[test]
fn reference_missing() {
    // Points at the `{` of the object that lacks the field.
    assert_broken_file(
        "dossiers/reference-missing.json",
        1,
        1,
        "champ obligatoire « reference » manquant",
    );
}

#[test]
fn reference_is_a_number() {
    assert_broken_file(
        "dossiers/reference-number.json",
        3,
        16,
        "« reference » : une chaîne attendu(e), trouvé un nombre",
    );
}

#[test]
fn reference_is_empty() {
    assert_broken_file(
        "dossiers/reference-empty.json",
        3,
        16,
        "« reference » est vide",
    );
}

#[test]
fn reference_already_used_by_an_earlier_file() {
    assert_broken_file(
        "dossiers/reference-duplicate.json",
        3,
        16,
        "référence « BRK-001 » déjà utilisée par dossiers/good-1.json",
    );
    // The first holder of the reference is the one kept.
    let folder = broken();
    assert_eq!(imported_from(&folder, "dossiers/good-1.json"), ["BRK-001"]);
}

// ------------------------------------------------------------ received_at

#[test]
fn received_at_in_french_format() {
    assert_broken_file(
        "dossiers/received-at-french.json",
        4,
        18,
        "date et heure invalides « 03/07/2025 16h42 »",
    );
}

#[test]
fn received_at_without_offset() {
    assert_broken_file(
        "dossiers/received-at-no-offset.json",
        4,
        18,
        "« received_at » : date et heure invalides « 2025-07-03T16:42:00 », attendu RFC 3339 avec décalage",
    );
}

// ----------------------------------------------------------------- syntax

#[test]
fn syntax_trailing_comma() {
    // The comma after the last field, at the end of line 11.
    assert_broken_file(
        "dossiers/syntax-trailing-comma.json",
        11,
        98,
        "JSON invalide : virgule en trop",
    );
}

#[test]
fn syntax_unterminated_object() {
    // The `{` that is never closed.
    assert_broken_file(
        "dossiers/syntax-unterminated.json",
        1,
        1,
        "JSON invalide : objet non fermé",
    );
}

#[test]
fn syntax_missing_comma() {
    // Right after `"BRK-032"`, where the comma belongs.
    assert_broken_file(
        "dossiers/syntax-missing-comma.json",
        3,
        25,
        "JSON invalide : virgule attendue",
    );
}

#[test]
fn empty_file() {
    assert_broken_file("dossiers/empty.json", 1, 1, "fichier vide");
}

#[test]
fn dossier_that_is_not_an_object() {
    assert_broken_file(
        "dossiers/not-an-object.json",
        1,
        1,
        "un dossier doit être un objet { … }, trouvé une chaîne",
    );
}

#[test]
fn file_not_in_utf8() {
    // Latin-1: the é of "Fréjus" is the byte 0xE9, the first invalid one.
    assert_broken_file(
        "dossiers/latin1.json",
        7,
        77,
        "le fichier n'est pas en UTF-8",
    );
}

#[test]
fn key_written_twice() {
    // The second "role" of the professional object.
    assert_broken_file(
        "dossiers/key-twice.json",
        11,
        73,
        "champ « professional.role » écrit deux fois",
    );
}

// ------------------------------------------------------------ attachments

#[test]
fn attachment_climbing_out_of_the_call_folder() {
    assert_broken_file(
        "dossiers/attachment-parent.json",
        13,
        41,
        "« attachments[0].path » : « ../secret.pdf » sort du dossier de l'appel",
    );
}

#[test]
fn attachment_with_absolute_path() {
    assert_broken_file(
        "dossiers/attachment-absolute.json",
        13,
        41,
        "« /etc/passwd » sort du dossier de l'appel",
    );
}

#[test]
fn attachment_missing_from_the_call_folder() {
    assert_broken_file(
        "dossiers/attachment-absent.json",
        13,
        41,
        "pièce jointe « pieces/absent.pdf » introuvable",
    );
}

// ---------------------------------------------------------- other fields

#[test]
fn unknown_format() {
    assert_broken_file(
        "dossiers/format-unknown.json",
        2,
        13,
        "format « jury-dossier/9 » inconnu : « jury-dossier/1 » attendu",
    );
}

#[test]
fn unknown_employment() {
    // Columns count characters: "Élodie Bœuf" and "Référente" come before it on the line.
    assert_broken_file(
        "dossiers/employment-unknown.json",
        11,
        87,
        "« professional.employment » : « cdi » inconnu",
    );
}

#[test]
fn a_missing_field_is_to_complete_not_an_error() {
    // A source often cannot fill everything: the dossier is taken in and
    // what it lacks is listed, once, as a warning.
    let folder = broken();
    assert_eq!(diags_for(&folder, "dossiers/city-missing.json").len(), 0);
    let incomplete = folder.incomplete();
    let [d] = incomplete.as_slice() else {
        panic!("one dossier to complete expected: {incomplete:#?}");
    };
    assert_eq!(d.severity, Severity::Warning, "{d}");
    assert_eq!(
        d.to_string(),
        "dossiers/city-missing.json:1:1: avertissement : BRK-021 à compléter : Structure porteuse › Adresse › Commune"
    );
    assert_eq!(
        imported_from(&folder, "dossiers/city-missing.json"),
        ["BRK-021"]
    );
}

#[test]
fn array_file_keeps_its_good_dossier() {
    // The second element's "professional" is a string, not an object.
    assert_broken_file_keeps(
        "dossiers/array.json",
        24,
        21,
        "« professional » : un objet attendu",
        &["BRK-003"],
    );
}

// ------------------------------------------------------------- appel.json

#[test]
fn base_appel_is_valid() {
    let dir = temp_call(APPEL);
    let folder = match read_folder(dir.path()) {
        Ok(f) => f,
        Err(diags) => panic!("APPEL should be valid: {diags:#?}"),
    };
    assert_eq!(folder.call.id, "test-temp");
    assert!(folder.diags.is_empty(), "{:#?}", folder.diags);
    assert!(folder.dossiers.is_empty());
}

#[test]
fn folder_that_does_not_exist() {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let missing = dir.path().join("nulle-part");
    match call_errors(&missing).as_slice() {
        [d] => {
            assert_eq!(d.path, missing.display().to_string());
            assert_diag(d, 1, 1, "dossier d'appel introuvable");
        }
        other => panic!("expected one error, got {other:#?}"),
    }
}

#[test]
fn folder_without_appel_json() {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    std::fs::create_dir(dir.path().join("dossiers")).expect("create dossiers/");
    match call_errors(dir.path()).as_slice() {
        [d] => {
            assert_eq!(
                d.to_string(),
                "appel.json:1:1: lecture impossible : fichier ou dossier introuvable"
            );
        }
        other => panic!("expected one error, got {other:#?}"),
    }
}

#[test]
fn folder_without_dossiers_is_a_warning() {
    let dir = temp_call(APPEL);
    std::fs::remove_dir(dir.path().join("dossiers")).expect("remove dossiers/");
    let folder = match read_folder(dir.path()) {
        Ok(f) => f,
        Err(diags) => panic!("appel.json is valid: {diags:#?}"),
    };
    assert_eq!(folder.errors(), 0);
    match folder.diags.as_slice() {
        [d] => {
            assert_eq!(d.severity, Severity::Warning);
            assert_eq!(d.path, "dossiers/");
            assert!(
                d.to_string().contains("avertissement : aucun dossier lu"),
                "{d}"
            );
        }
        other => panic!("expected one warning, got {other:#?}"),
    }
}

#[test]
fn appel_with_syntax_error() {
    let d = appel_error(
        r#""title": "Appel temporaire","#,
        r#""title": "Appel temporaire""#,
    );
    // Right after the title, where the comma belongs.
    assert_diag(&d, 4, 30, "JSON invalide : virgule attendue");
}

#[test]
fn appel_not_in_utf8() {
    let dir = tempfile::tempdir().expect("create a temporary folder");
    let latin1: Vec<u8> = APPEL
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("APPEL is Latin-1"))
        .collect();
    std::fs::write(dir.path().join("appel.json"), latin1).expect("write appel.json");
    match call_errors(dir.path()).as_slice() {
        // The é of "Expérience", the first non-ASCII character.
        [d] => assert_diag(d, 9, 40, "pas en UTF-8"),
        other => panic!("expected one error, got {other:#?}"),
    }
}

#[test]
fn appel_with_utf8_bom_is_accepted() {
    let dir = temp_call(&format!("\u{FEFF}{APPEL}"));
    if let Err(diags) = read_folder(dir.path()) {
        panic!("a BOM is harmless: {diags:#?}");
    }
}

#[test]
fn appel_scale_min_not_below_max() {
    let d = appel_error(r#""min": 0, "max": 5"#, r#""min": 5, "max": 5"#);
    // Points at the `{` of scale.
    assert_diag(
        &d,
        7,
        12,
        "« scale » : le minimum (5) doit être inférieur au maximum (5)",
    );
}

#[test]
fn appel_criterion_with_zero_weight() {
    let d = appel_error(r#""weight": 40"#, r#""weight": 0"#);
    assert_diag(
        &d,
        10,
        58,
        "« criteria[1].weight » : la pondération doit être positive",
    );
}

#[test]
fn appel_two_criteria_with_the_same_id() {
    let d = appel_error(r#""id": "formation""#, r#""id": "experience""#);
    // The second "experience".
    assert_diag(&d, 10, 13, "critère « experience » défini deux fois");
}

#[test]
fn appel_rule_without_test() {
    let d = appel_error(r#", "received_by_deadline": true"#, "");
    // Points at the `{` of the rule.
    assert_diag(&d, 13, 5, "« eligibility[0] » : test manquant");
}

#[test]
fn appel_pointer_without_leading_slash() {
    let d = appel_error(
        r#""received_by_deadline": true"#,
        r#""pointer": "structure/territory", "present": true"#,
    );
    assert_diag(
        &d,
        13,
        66,
        "« eligibility[0].pointer » : un JSON Pointer commence par « / »",
    );
}

#[test]
fn appel_quality_threshold_above_100() {
    let d = appel_error(r#""quality_threshold": 50"#, r#""quality_threshold": 150"#);
    assert_diag(&d, 15, 24, "« quality_threshold » est sur 100");
}

#[test]
fn appel_key_written_twice() {
    let d = appel_error(
        r#""deadline": "2025-07-04","#,
        r#""deadline": "2025-07-04", "deadline": "2025-07-05","#,
    );
    assert_diag(&d, 6, 29, "champ « deadline » écrit deux fois");
}

// ------------------------------------------------------------- jury check

#[test]
fn check_reports_every_problem_and_fails() {
    let folder = broken();
    let out = jury_check(&broken_dir());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "jury check should fail:\n{stdout}");
    for d in &folder.diags {
        let line = d.to_string();
        assert!(
            stdout.lines().any(|l| l == line),
            "missing line « {line} » in:\n{stdout}"
        );
    }
    for file in BAD {
        let prefix = format!("{file}:");
        let at = stdout
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .unwrap_or_else(|| panic!("{file} not reported:\n{stdout}"));
        let mut parts = at.splitn(3, ':');
        let line = parts.next().and_then(|s| s.parse::<usize>().ok());
        let column = parts.next().and_then(|s| s.parse::<usize>().ok());
        assert!(
            line.is_some() && column.is_some() && parts.next().is_some_and(|m| m.starts_with(' ')),
            "{file}: not path:line:column: message in:\n{stdout}"
        );
    }
    assert!(
        stdout.contains(&format!("4 dossier(s) valide(s), {} erreur(s)", BAD.len())),
        "{stdout}"
    );
}

#[test]
fn check_passes_on_the_sample_call() {
    let out = jury_check(&manifest_path("samples/caf06-pdnp-2025"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "jury check failed on the sample:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("0 erreur(s)"), "{stdout}");
}

#[test]
fn check_reports_a_bad_appel_and_fails() {
    let dir = temp_call(&appel_with(r#""weight": 40"#, r#""weight": 0"#));
    let out = jury_check(dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("appel.json:10:58: ") && l.contains("pondération")),
        "{stdout}"
    );
}

#[test]
fn a_bom_does_not_shift_columns_on_the_first_line() {
    let dir = temp_call("\u{FEFF}[1]");
    let errors = call_errors(dir.path());
    // The `[` is what an editor shows at column 1.
    assert_eq!((errors[0].line, errors[0].column), (1, 1), "{}", errors[0]);
}

#[test]
fn every_appel_error_is_reported_at_once() {
    let text = appel_with(r#""min": 0, "max": 5"#, r#""max": "cinq""#)
        .replacen(
            r#""deadline": "2025-07-04""#,
            r#""deadline": "4 juillet""#,
            1,
        )
        .replacen(
            r#""issuer": { "name": "Caf de test" }"#,
            r#""issuer": { "contact_email": 3 }"#,
            1,
        );
    let dir = temp_call(&text);
    let errors: Vec<String> = call_errors(dir.path())
        .iter()
        .map(|d| d.to_string())
        .collect();
    for fragment in [
        "« issuer.name » manquant",
        "« issuer.contact_email »",
        "« deadline »",
        "« scale.min » manquant",
        "« scale.max »",
    ] {
        assert!(
            errors.iter().any(|e| e.contains(fragment)),
            "{fragment} missing from {errors:#?}"
        );
    }
}

#[test]
fn an_empty_criteria_list_is_reported_even_after_other_errors() {
    let text = appel_with(r#""deadline": "2025-07-04""#, r#""deadline": "demain""#);
    let i = text.find(r#""criteria": ["#).expect("criteria");
    let j = text[i..].find(']').expect("end") + i + 1;
    let text = format!("{}\"criteria\": []{}", &text[..i], &text[j..]);
    let dir = temp_call(&text);
    let errors: Vec<String> = call_errors(dir.path())
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert!(
        errors.iter().any(|e| e.contains("au moins un critère")),
        "{errors:#?}"
    );
}

#[test]
fn an_empty_pointer_is_one_error_not_two() {
    let dir = temp_call(&appel_with(
        r#""received_by_deadline": true"#,
        r#""pointer": """#,
    ));
    let errors = call_errors(dir.path());
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].message.contains("est vide"), "{}", errors[0]);
}

#[test]
fn an_empty_array_file_is_a_warning() {
    let dir = temp_call(APPEL);
    std::fs::write(dir.path().join("dossiers/vide.json"), "[]").expect("write");
    let folder = read_folder(dir.path()).expect("usable");
    assert_eq!(folder.diags.len(), 1);
    assert_eq!(folder.diags[0].severity, jury_core::json::Severity::Warning);
    assert!(
        folder.diags[0]
            .to_string()
            .starts_with("dossiers/vide.json:1:1: avertissement : liste vide")
    );
}

#[cfg(unix)]
#[test]
fn an_attachment_linked_outside_the_call_folder_is_refused() {
    let dir = temp_call(APPEL);
    let outside = tempfile::tempdir().expect("outside");
    std::fs::write(outside.path().join("secret.pdf"), "%PDF-1.4").expect("write");
    std::fs::create_dir(dir.path().join("pieces")).expect("pieces");
    std::os::unix::fs::symlink(
        outside.path().join("secret.pdf"),
        dir.path().join("pieces/evil.pdf"),
    )
    .expect("link");
    let good = std::fs::read_to_string(broken_dir().join("dossiers/good-1.json")).expect("good-1");
    let mut v: serde_json::Value = serde_json::from_str(&good).expect("json");
    v["attachments"] = serde_json::json!([{ "title": "Lien", "path": "pieces/evil.pdf" }]);
    std::fs::write(
        dir.path().join("dossiers/link.json"),
        serde_json::to_string_pretty(&v).expect("ser"),
    )
    .expect("write");
    let folder = read_folder(dir.path()).expect("usable");
    assert!(folder.dossiers.is_empty());
    assert!(
        folder.diags[0]
            .message
            .contains("mène hors du dossier de l'appel"),
        "{}",
        folder.diags[0]
    );
}

// ------------------------------------------- reopening a folder (issue 15)

/// Opens the folder in both databases: `full` reads every file, `quick`
/// skips those its database knows. Both must say and store the same; returns
/// how many dossiers `quick` did not parse again.
#[track_caller]
fn open_both(dir: &Path, full: &mut Store, quick: &mut Store) -> usize {
    let all = read_folder(dir).expect("usable");
    let known = quick.known_files().expect("known files");
    let skipping = read_folder_known(dir, all.call.clone(), &known);
    // Looked up file by file, as a reopening does beside the app: the same.
    let one_by_one = quick.folder_reader().known().expect("reader");
    let looked_up = read_folder_known(dir, all.call.clone(), &one_by_one);
    assert_eq!(looked_up.diags, skipping.diags);
    assert_eq!(looked_up.known, skipping.known);
    assert_eq!(looked_up.dossiers, skipping.dossiers);
    assert_eq!(looked_up.files, skipping.files);
    assert_eq!(skipping.diags, all.diags);
    assert_eq!(
        skipping.known + skipping.dossiers.len(),
        all.dossiers.len(),
        "every dossier is read or known"
    );
    let full_report = all.import_into(full).expect("full import");
    let quick_report = skipping.import_into(quick).expect("quick import");
    assert_eq!(quick_report, full_report);
    assert_eq!(
        quick.load_dossiers().expect("quick"),
        full.load_dossiers().expect("full")
    );
    skipping.known
}

/// Reopening skips the files the database holds as they are, and reports
/// exactly what reading every file reports: a piece gone since, a dossier
/// changed in its file (every time the folder is opened), a new file taking
/// a known file's reference.
#[test]
fn a_reopened_folder_reports_what_reading_every_file_reports() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("appel");
    folders::copy_dir(&broken_dir(), &dir);
    let mut full = Store::open(&tmp.path().join("full.sqlite")).expect("full");
    let mut quick = Store::open(&tmp.path().join("quick.sqlite")).expect("quick");
    assert_eq!(
        open_both(&dir, &mut full, &mut quick),
        0,
        "nothing known yet"
    );
    // good-1 and good-2 were read without a problem: not parsed again.
    let clean = open_both(&dir, &mut full, &mut quick);
    assert!(clean >= 2, "{clean}");
    // Their size and time are kept once old enough to trust, so they are
    // not even read; a file touched (same bytes, new time) is still known.
    let age = |path: &Path| {
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(past))
            .expect("set time");
    };
    for name in ["good-1.json", "good-2.json"] {
        age(&dir.join("dossiers").join(name));
    }
    assert_eq!(open_both(&dir, &mut full, &mut quick), clean);
    let timed = quick.known_files().expect("known");
    assert!(
        timed["dossiers/good-1.json"].stat.is_some(),
        "{:?}",
        timed["dossiers/good-1.json"]
    );
    assert_eq!(open_both(&dir, &mut full, &mut quick), clean);

    std::fs::rename(dir.join("pieces/BRK-002.pdf"), tmp.path().join("away.pdf")).expect("mv");
    assert_eq!(open_both(&dir, &mut full, &mut quick), clean - 1);
    std::fs::rename(tmp.path().join("away.pdf"), dir.join("pieces/BRK-002.pdf")).expect("mv");
    assert_eq!(open_both(&dir, &mut full, &mut quick), clean);

    let good = dir.join("dossiers/good-1.json");
    let original = std::fs::read_to_string(&good).expect("good-1");
    std::fs::write(&good, original.replace("Grasse", "Vence")).expect("edit");
    assert_eq!(open_both(&dir, &mut full, &mut quick), clean - 1);
    assert_eq!(open_both(&dir, &mut full, &mut quick), clean - 1);

    // Sorted before good-2, a copy of it takes its reference first.
    std::fs::copy(
        dir.join("dossiers/good-2.json"),
        dir.join("dossiers/a-copy.json"),
    )
    .expect("copy");
    let known = open_both(&dir, &mut full, &mut quick);
    assert_eq!(known, clean - 2);
    let again = read_folder(&dir).expect("usable");
    assert!(
        again
            .diags
            .iter()
            .any(|d| d.path == "dossiers/good-2.json" && d.message.contains("déjà utilisée")),
        "{:#?}",
        again.diags
    );
}

/// Only links are resolved one by one: a dossier file linked out of the call
/// folder is refused, one linked inside it is read, and a `dossiers/` that
/// is itself a link out refuses its plain files.
#[cfg(unix)]
#[test]
fn dossier_files_linked_out_of_the_call_folder_are_refused() {
    let dir = temp_call(APPEL);
    let outside = tempfile::tempdir().expect("outside");
    let good = broken_dir().join("dossiers/good-1.json");
    std::fs::copy(&good, outside.path().join("out.json")).expect("copy");
    std::fs::copy(&good, dir.path().join("kept.json")).expect("copy");
    let link = |to: &Path, name: &str| {
        std::os::unix::fs::symlink(to, dir.path().join("dossiers").join(name)).expect("link")
    };
    link(&outside.path().join("out.json"), "a-out.json");
    link(&dir.path().join("kept.json"), "b-in.json");
    let folder = read_folder(dir.path()).expect("usable");
    assert_eq!(imported_from(&folder, "dossiers/b-in.json"), ["BRK-001"]);
    assert!(imported_from(&folder, "dossiers/a-out.json").is_empty());
    assert!(
        only_diag(&folder, "dossiers/a-out.json")
            .message
            .contains("lien symbolique menant hors du dossier de l'appel"),
        "{:#?}",
        folder.diags
    );

    // Moved out and linked back: its plain file is out, its link still in.
    std::fs::copy(&good, dir.path().join("dossiers/c-plain.json")).expect("copy");
    std::fs::rename(dir.path().join("dossiers"), outside.path().join("d")).expect("mv");
    std::os::unix::fs::symlink(outside.path().join("d"), dir.path().join("dossiers"))
        .expect("link");
    let folder = read_folder(dir.path()).expect("usable");
    assert_eq!(imported_from(&folder, "dossiers/b-in.json"), ["BRK-001"]);
    for name in ["a-out.json", "c-plain.json"] {
        assert!(
            only_diag(&folder, &format!("dossiers/{name}"))
                .message
                .contains("lien symbolique"),
            "{:#?}",
            folder.diags
        );
    }
}

/// More files than one run of the reader (read and parsed on every core,
/// then taken in order): a reference taken by an earlier file of another
/// run, a broken file and an empty list give what one file after the
/// other gives, and the same folder opened again is known file by file.
#[test]
fn a_large_folder_read_on_every_core_keeps_the_files_order() {
    let tmp = temp_call(APPEL);
    let dir = tmp.path();
    let sample = std::fs::read_to_string(manifest_path(
        "samples/caf06-pdnp-2025/dossiers/PDNP06-2025-001.json",
    ))
    .expect("sample dossier");
    let n = 4600;
    for i in 0..n {
        // f-0100 takes the reference of f-4500, read in a later run.
        let reference = if i == 100 { 4500 } else { i };
        let text = match i {
            3000 => "{ \"format\": ".to_string(),
            4200 => "[]".to_string(),
            _ => sample.replace("PDNP06-2025-001", &format!("BIG-{reference:04}")),
        };
        std::fs::write(dir.join(format!("dossiers/f-{i:04}.json")), text).expect("write");
    }
    let folder = read_folder(dir).expect("usable");
    assert_eq!(folder.dossiers.len(), n - 3);
    let dup = only_diag(&folder, "dossiers/f-4500.json");
    assert!(
        dup.message
            .contains("référence « BIG-4500 » déjà utilisée par dossiers/f-0100.json"),
        "{dup:?}"
    );
    assert_eq!(
        only_diag(&folder, "dossiers/f-3000.json").severity,
        Severity::Error
    );
    assert_eq!(
        only_diag(&folder, "dossiers/f-4200.json").severity,
        Severity::Warning
    );
    let files: Vec<&str> = folder.dossiers.iter().map(|(_, f)| f.as_str()).collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted, "dossiers in the files' order");

    let db = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&db.path().join("j.sqlite")).expect("open");
    folder.import_into(&mut store).expect("import");
    let known = store.known_files().expect("known");
    let call = folder.call.clone();
    let again = read_folder_known(dir, call, &known);
    assert!(again.dossiers.is_empty(), "{}", again.dossiers.len());
    assert_eq!(again.known, n - 3);
    assert_eq!(again.diags, folder.diags);
}
