//! `jury import`: spreadsheets and Démarches Simplifiées exports become
//! `jury-dossier/1` files in the call's `dossiers/`, their pieces files
//! under `pieces/<reference>/`. The call folder stays the single input:
//! `jury check` validates what was written.
//!
//! Re-running changes nothing: a dossier file whose bytes would be the same
//! is left alone (« inchangé »); one whose row changed in the source is
//! reported and kept as imported, never overwritten.

pub mod read;

use jury_core::fr::Lang;
use jury_core::intake::{Intake, Plan};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why a source could not be read at all (a bad row is not one: it is
/// reported and the others imported).
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("{0}")]
    File(crate::io::files::FileError),
    #[error("{0}: fichier de plus de 20 Mo")]
    TooLarge(String),
    #[error("{0}: CSV illisible : {1}")]
    Csv(String, String),
    #[error("{0}: classeur illisible : {1}")]
    Sheet(String, String),
    #[error("{0}: archive ZIP illisible : {1}")]
    Zip(String, String),
    #[error("{0}: format inconnu : .csv, .xlsx, .ods ou .zip attendu")]
    Unknown(String),
}

impl IntakeError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (IntakeError::File(e), _) => e.message(lang),
            (IntakeError::TooLarge(p), Lang::En) => format!("{p}: file over 20 MB"),
            (IntakeError::Csv(p, e), Lang::En) => format!("{p}: unreadable CSV: {e}"),
            (IntakeError::Sheet(p, e), Lang::En) => format!("{p}: unreadable workbook: {e}"),
            (IntakeError::Zip(p, e), Lang::En) => format!("{p}: unreadable ZIP archive: {e}"),
            (IntakeError::Unknown(p), Lang::En) => {
                format!("{p}: unknown format: .csv, .xlsx, .ods or .zip expected")
            }
            (e, Lang::Fr) => e.to_string(),
        }
    }
}

/// What an import did: one line per problem or amendment, and the counts.
#[derive(Debug, Default)]
pub struct Report {
    pub lines: Vec<String>,
    pub created: usize,
    pub unchanged: usize,
    pub modified: usize,
    pub errors: usize,
}

impl Report {
    fn error(&mut self, line: String) {
        self.lines.push(line);
        self.errors += 1;
    }

    /// « 2 dossiers créés, 1 inchangé, 0 modifié dans la source (non
    /// appliqué), 3 erreurs »: French puts 0 and 1 in the singular.
    pub fn summary(&self) -> String {
        let s = |n: usize| if n >= 2 { "s" } else { "" };
        let (c, u, m, e) = (self.created, self.unchanged, self.modified, self.errors);
        format!(
            "{c} dossier{} créé{}, {u} inchangé{}, {m} modifié{} dans la source (non appliqué{}), {e} erreur{}",
            s(c),
            s(c),
            s(u),
            s(m),
            s(m),
            s(e)
        )
    }
}

/// Imports every source into `call_dir` with the call's `intake`.
/// A source that cannot be read at all is counted as one error.
pub fn run(call_dir: &Path, intake: &Intake, sources: &[PathBuf]) -> Report {
    let mut report = Report::default();
    let mut sheets = Vec::new();
    let mut pieces = read::Pieces::new();
    for source in sources {
        let display = source.display().to_string();
        let ext = source
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let read = match ext.as_str() {
            "csv" => read::csv(source, &display).map(Some),
            "xlsx" | "xls" | "ods" => read::workbook(source, &display).map(Some),
            "zip" => read::pieces(source, &display, &mut pieces).map(|()| None),
            _ => Err(IntakeError::Unknown(display.clone())),
        };
        match read {
            Ok(Some(sheet)) => sheets.push(sheet),
            Ok(None) => {}
            Err(e) => report.error(e.message(Lang::Fr)),
        }
    }
    let mut seen = BTreeMap::new();
    for sheet in &sheets {
        import_sheet(call_dir, intake, sheet, &pieces, &mut seen, &mut report);
    }
    report
}

fn import_sheet(
    call_dir: &Path,
    intake: &Intake,
    sheet: &read::Sheet,
    pieces: &read::Pieces,
    seen: &mut BTreeMap<String, String>,
    report: &mut Report,
) {
    let plan = match Plan::new(intake, &sheet.header) {
        Ok(p) => p,
        Err(e) => {
            let at = match &sheet.sheet {
                Some(s) => format!("{}:{s}", sheet.display),
                None => sheet.display.clone(),
            };
            report.error(format!("{at}: {e}"));
            return;
        }
    };
    for (row, cells) in &sheet.rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let (platform_id, mut dossier) = match plan.dossier(cells) {
            Ok(d) => d,
            Err(errors) => {
                for e in errors {
                    report.error(format!("{}: {}", sheet.position(*row, e.column), e.message));
                }
                continue;
            }
        };
        let at = sheet.row_position(*row);
        let Some(reference) = dossier
            .get("reference")
            .and_then(Value::as_str)
            .map(str::to_string)
            .filter(|r| safe_name(r))
        else {
            report.error(format!(
                "{at}: référence absente ou inutilisable comme nom de fichier (lettres, chiffres, « - », « _ », « . »)"
            ));
            continue;
        };
        // Two rows with one reference would make the second look like an
        // amendment of the first: neither is a change of the source.
        if let Some(first) = seen.insert(reference.clone(), at.clone()) {
            report.error(format!(
                "{at}: référence « {reference} » déjà importée par {first} ; ligne ignorée"
            ));
            continue;
        }
        let files: &[(String, Vec<u8>)] = platform_id
            .as_ref()
            .and_then(|id| pieces.get(id))
            .map(Vec::as_slice)
            .unwrap_or_default();
        if !files.is_empty() {
            let list = files
                .iter()
                .map(|(name, _)| {
                    serde_json::json!({
                        "title": name,
                        "path": format!("pieces/{reference}/{name}"),
                    })
                })
                .collect();
            if let Value::Object(m) = &mut dossier {
                m.insert("attachments".into(), Value::Array(list));
            }
        }
        match jury_core::dossier::Dossier::from_value(&dossier) {
            Err(diags) => {
                for d in diags {
                    report.error(format!("{at}: dossier refusé : {}", d.message));
                }
                continue;
            }
            // Taken in all the same: completed later in the app.
            Ok(d) if !d.missing.is_empty() => {
                let lacking: Vec<String> = d.missing.iter().map(|p| p.to_string()).collect();
                report.lines.push(format!(
                    "{at}: {reference} à compléter : {}",
                    jury_core::completion::titles(&lacking, Lang::Fr)
                ));
            }
            Ok(_) => {}
        }
        let mut text = serde_json::to_string_pretty(&dossier).unwrap_or_default();
        text.push('\n');
        let target = call_dir.join("dossiers").join(format!("{reference}.json"));
        match std::fs::read(&target) {
            Ok(old) if old == text.as_bytes() => report.unchanged += 1,
            Ok(old) => {
                let old: Value = serde_json::from_slice(&old).unwrap_or(Value::Null);
                let changed = jury_core::dossier::changed_fields(&old, &dossier);
                report.lines.push(format!(
                    "{at}: {reference} modifié dans la source : {} ; le dossier importé est gardé",
                    changed.join(", ")
                ));
                report.modified += 1;
            }
            Err(_) => match write(call_dir, &reference, files, &target, &text) {
                Ok(()) => report.created += 1,
                Err(e) => report.error(format!("{at}: {}", e.message(Lang::Fr))),
            },
        }
    }
}

/// A reference is a file name: no folder, no hidden file.
fn safe_name(r: &str) -> bool {
    !r.is_empty()
        && !r.starts_with('.')
        && r.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The pieces first, then the dossier: a dossier file never lists a piece
/// that is not there yet.
fn write(
    call_dir: &Path,
    reference: &str,
    files: &[(String, Vec<u8>)],
    target: &Path,
    text: &str,
) -> Result<(), crate::io::files::FileError> {
    if !files.is_empty() {
        let dir = call_dir.join("pieces").join(reference);
        crate::io::files::create_private_dir_all(&dir)
            .map_err(crate::io::files::FileError::at(&dir))?;
        for (name, bytes) in files {
            crate::io::files::write_atomic(&dir.join(name), bytes)?;
        }
    }
    let dir = call_dir.join("dossiers");
    std::fs::create_dir_all(&dir).map_err(crate::io::files::FileError::at(&dir))?;
    crate::io::files::write_atomic(target, text.as_bytes())
}
