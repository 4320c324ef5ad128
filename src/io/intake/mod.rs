//! `jury import`: spreadsheets, Démarches Simplifiées exports, mailboxes
//! and fillable PDF forms become `jury-dossier/1` files in the call's
//! `dossiers/`, their pieces files under `pieces/<reference>/`. The call
//! folder stays the single input: `jury check` validates what was written.
//!
//! Re-running changes nothing: a dossier file whose bytes would be the same
//! is left alone (« inchangé »); one whose row, messages or pieces changed
//! in the source is reported and kept as imported, unless the coordinator
//! asks for the change to be applied (`--appliquer`).

pub mod form;
pub mod mail;
pub mod read;
mod senders;

use chrono::NaiveDate;
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
    #[error("{0}: fichier de plus de {1} Mo")]
    TooLarge(String, u64),
    #[error("{0}: CSV illisible : {1}")]
    Csv(String, String),
    #[error("{0}: classeur illisible : {1}")]
    Sheet(String, String),
    #[error("{0}: archive ZIP illisible : {1}")]
    Zip(String, String),
    #[error(
        "{0}: format inconnu : .csv, .xlsx, .ods, .zip, .eml, .mbox, .pdf ou un dossier de .eml attendu"
    )]
    Unknown(String),
    #[error(
        "{0}: pas une boîte mbox : la première ligne doit commencer par « From  » (exportez le dossier depuis Thunderbird)"
    )]
    NotMbox(String),
    #[error("{0}: aucun courriel (fichier .eml ou message de la boîte) ; rien à importer")]
    NoMessages(String),
    #[error("{0}: {1}")]
    Form(String, form::FormError),
}

impl IntakeError {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (IntakeError::File(e), _) => e.message(lang),
            (IntakeError::TooLarge(p, mb), Lang::En) => format!("{p}: file over {mb} MB"),
            (IntakeError::Csv(p, e), Lang::En) => format!("{p}: unreadable CSV: {e}"),
            (IntakeError::Sheet(p, e), Lang::En) => format!("{p}: unreadable workbook: {e}"),
            (IntakeError::Zip(p, e), Lang::En) => format!("{p}: unreadable ZIP archive: {e}"),
            (IntakeError::Unknown(p), Lang::En) => format!(
                "{p}: unknown format: .csv, .xlsx, .ods, .zip, .eml, .mbox, .pdf or a folder of .eml expected"
            ),
            (IntakeError::NotMbox(p), Lang::En) => format!(
                "{p}: not an mbox: its first line must start with « From  » (export the folder from Thunderbird)"
            ),
            // Row and form messages are French only, like the report.
            (e, _) => e.to_string(),
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
    /// Whether changes found in the sources were written (`--appliquer`).
    pub applied: bool,
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
        let not = if self.applied { "" } else { "non " };
        format!(
            "{c} dossier{} créé{}, {u} inchangé{}, {m} modifié{} dans la source ({not}appliqué{}), {e} erreur{}",
            s(c),
            s(c),
            s(u),
            s(m),
            s(m),
            s(e)
        )
    }
}

/// What the import is told besides its sources.
pub struct Options<'a> {
    pub intake: &'a Intake,
    /// The call's deadline: a message received after it (Paris time) is late.
    pub deadline: NaiveDate,
    /// Write the dossiers and pieces that changed in the sources.
    pub apply: bool,
}

/// Imports every source into `call_dir` with the call's `intake`.
/// A source that cannot be read at all is counted as one error.
pub fn run(call_dir: &Path, options: &Options, sources: &[PathBuf]) -> Report {
    let mut report = Report {
        applied: options.apply,
        ..Report::default()
    };
    let mut sheets = Vec::new();
    let mut pieces = read::Pieces::new();
    let mut forms = Vec::new();
    let mut messages = Vec::new();
    for source in sources {
        let display = source.display().to_string();
        let ext = source
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let read = match ext.as_str() {
            _ if source.is_dir() => mail::messages(source, &display).map(|m| messages.extend(m)),
            "csv" => read::csv(source, &display).map(|s| sheets.push(s)),
            "xlsx" | "xls" | "ods" => read::workbook(source, &display).map(|s| sheets.push(s)),
            "zip" => read::pieces(source, &display, &mut pieces),
            "eml" | "mbox" => mail::messages(source, &display).map(|m| messages.extend(m)),
            "pdf" => read::bytes(source).map(|b| forms.push((source.clone(), display, b))),
            _ => Err(IntakeError::Unknown(display.clone())),
        };
        if let Err(e) = read {
            report.error(e.message(Lang::Fr));
        }
    }
    let mut run = Run {
        call_dir,
        options,
        report,
        seen: BTreeMap::new(),
    };
    for sheet in &sheets {
        run.sheet(sheet, &pieces);
    }
    for (path, display, bytes) in forms {
        run.pdf(&path, &display, bytes);
    }
    run.mails(messages);
    run.report
}

/// One import under way: where it writes, what it was told, what it found.
struct Run<'a> {
    call_dir: &'a Path,
    options: &'a Options<'a>,
    report: Report,
    /// The references made so far and where: a second one is an error.
    seen: BTreeMap<String, String>,
}

/// A dossier ready to be compared with its file: where it comes from, its
/// JSON and its pieces (safe file names).
struct Candidate {
    at: String,
    reference: String,
    dossier: Value,
    files: Vec<(String, Vec<u8>)>,
}

impl Run<'_> {
    fn sheet(&mut self, sheet: &read::Sheet, pieces: &read::Pieces) {
        let plan = match Plan::new(self.options.intake, &sheet.header) {
            Ok(p) => p,
            Err(e) => {
                let at = match &sheet.sheet {
                    Some(s) => format!("{}:{s}", sheet.display),
                    None => sheet.display.clone(),
                };
                self.report.error(format!("{at}: {e}"));
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
                        self.report.error(format!(
                            "{}: {}",
                            sheet.position(*row, e.column),
                            e.message
                        ));
                    }
                    continue;
                }
            };
            let at = sheet.row_position(*row);
            let Some(reference) = self.reference(&dossier, &at, "ligne ignorée") else {
                continue;
            };
            let files: Vec<(String, Vec<u8>)> = platform_id
                .as_ref()
                .and_then(|id| pieces.get(id))
                .cloned()
                .unwrap_or_default();
            if !files.is_empty() {
                let list = files
                    .iter()
                    .map(|(name, _)| attachment(&reference, name, name, false))
                    .collect();
                if let Value::Object(m) = &mut dossier {
                    m.insert("attachments".into(), Value::Array(list));
                }
            }
            self.settle(Candidate {
                at,
                reference,
                dossier,
                files,
            });
        }
    }

    /// The dossier's reference if it can name a file and was not made
    /// before in this run; else the error is reported, saying what is left
    /// out (« ligne ignorée »).
    fn reference(&mut self, dossier: &Value, at: &str, ignored: &str) -> Option<String> {
        let Some(reference) = dossier
            .get("reference")
            .and_then(Value::as_str)
            .map(str::to_string)
            .filter(|r| jury_core::dossier::usable_reference(r))
        else {
            self.report.error(format!(
                "{at}: référence absente ou inutilisable comme nom de fichier (lettres, chiffres, « - », « _ », « . »)"
            ));
            return None;
        };
        // Two rows with one reference would make the second look like an
        // amendment of the first: neither is a change of the source.
        if let Some(first) = self.seen.insert(reference.clone(), at.to_string()) {
            self.report.error(format!(
                "{at}: référence « {reference} » déjà importée par {first} ; {ignored}"
            ));
            return None;
        }
        Some(reference)
    }

    /// A fillable PDF given directly: one dossier, its reference from the
    /// field mapped to `/reference` (else the file's name), its reception
    /// time from the field mapped to `/received_at`, the form itself as its
    /// piece.
    fn pdf(&mut self, path: &Path, display: &str, bytes: Vec<u8>) {
        let fields = match form::fields(&bytes) {
            Ok(f) => f,
            Err(e) => {
                self.report
                    .error(IntakeError::Form(display.to_string(), e).message(Lang::Fr));
                return;
            }
        };
        let Some(mut dossier) = self.form_values(&fields, display) else {
            return;
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Value::Object(m) = &mut dossier else {
            return;
        };
        m.entry("reference").or_insert_with(|| Value::from(stem));
        if !m.contains_key("received_at") {
            self.report.error(format!(
                "{display}: date de réception absente : associez dans « intake.columns » de appel.json un champ de ce formulaire à « /received_at » (type datetime), ou envoyez ce formulaire par courriel et importez le courriel"
            ));
            return;
        }
        let Some(reference) = self.reference(&dossier, display, "formulaire ignoré") else {
            return;
        };
        let name = piece_name(
            &path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        if let Value::Object(m) = &mut dossier {
            m.insert(
                "attachments".into(),
                Value::Array(vec![attachment(&reference, &name, &name, false)]),
            );
        }
        self.settle(Candidate {
            at: display.to_string(),
            reference,
            dossier,
            files: vec![(name, bytes)],
        });
    }

    /// A form's fields read through the call's intake as one spreadsheet
    /// row whose header is the field names; a value that does not read is
    /// reported with its field.
    fn form_values(&mut self, fields: &[(String, String)], at: &str) -> Option<Value> {
        let (names, values): (Vec<String>, Vec<String>) = fields.iter().cloned().unzip();
        match Plan::present(self.options.intake, &names).dossier(&values) {
            Ok((_, d)) => Some(d),
            Err(errors) => {
                for e in errors {
                    let field = names.get(e.column).map(String::as_str).unwrap_or("");
                    self.report
                        .error(format!("{at}: champ « {field} » : {}", e.message));
                }
                None
            }
        }
    }

    /// Compares a dossier with its file and pieces: creates what is new,
    /// leaves alone what is the same, reports what changed and writes it
    /// only when told to apply.
    fn settle(&mut self, c: Candidate) {
        let lacking: Vec<String> = match jury_core::dossier::Dossier::from_value(&c.dossier) {
            Ok(d) => d.missing.iter().map(|p| p.to_string()).collect(),
            Err(diags) => {
                for d in diags {
                    self.report
                        .error(format!("{}: dossier refusé : {}", c.at, d.message));
                }
                return;
            }
        };
        let mut text = serde_json::to_string_pretty(&c.dossier).unwrap_or_default();
        text.push('\n');
        let target = self
            .call_dir
            .join("dossiers")
            .join(format!("{}.json", c.reference));
        let old = match std::fs::read(&target) {
            Ok(old) => old,
            Err(_) => {
                match write(self.call_dir, &c.reference, &c.files, &target, &text) {
                    Ok(()) => {
                        self.report.created += 1;
                        // Taken in all the same: completed later in the app.
                        if !lacking.is_empty() {
                            self.report.lines.push(format!(
                                "{}: {} à compléter : {}",
                                c.at,
                                c.reference,
                                jury_core::completion::summary(&lacking, Lang::Fr, 3)
                            ));
                        }
                    }
                    Err(e) => self
                        .report
                        .error(format!("{}: {}", c.at, e.message(Lang::Fr))),
                }
                return;
            }
        };
        let mut changed = if old == text.as_bytes() {
            Vec::new()
        } else {
            let old: Value = serde_json::from_slice(&old).unwrap_or(Value::Null);
            jury_core::dossier::changed_fields(&old, &c.dossier)
        };
        // A piece sent again under the same name with other bytes is a
        // change too, though the dossier's JSON is the same.
        let dir = self.call_dir.join("pieces").join(&c.reference);
        for (name, bytes) in &c.files {
            if std::fs::read(dir.join(name)).ok().as_ref() != Some(bytes) {
                changed.push(format!("pièce « {name} »"));
            }
        }
        if changed.is_empty() {
            self.report.unchanged += 1;
            return;
        }
        self.report.modified += 1;
        let (at, reference, changed) = (&c.at, &c.reference, changed.join(", "));
        if !self.options.apply {
            self.report.lines.push(format!(
                "{at}: {reference} modifié dans la source : {changed} ; le dossier importé est gardé (jury import --appliquer pour l'appliquer)"
            ));
            return;
        }
        match write(self.call_dir, reference, &c.files, &target, &text) {
            Ok(()) => self.report.lines.push(format!(
                "{at}: {reference} modifié dans la source : {changed} ; appliqué"
            )),
            Err(e) => self.report.error(format!("{at}: {}", e.message(Lang::Fr))),
        }
    }
}

/// One entry of a dossier's `attachments`.
fn attachment(reference: &str, title: &str, name: &str, late: bool) -> Value {
    let mut a = serde_json::json!({
        "title": title,
        "path": format!("pieces/{reference}/{name}"),
    });
    if late && let Value::Object(m) = &mut a {
        m.insert("en_retard".into(), Value::Bool(true));
    }
    a
}

/// A reference is a file name: no folder, no hidden file.
/// A name an attachment's sender chose, made a plain file name: its last
/// path component, letters, digits, `-`, `_` and `.` kept (others become
/// `_`), no leading dot, at most 100 characters with its extension.
fn piece_name(sent: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let clean = clean.trim_start_matches('.');
    let (stem, ext) = match clean.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && e.chars().count() <= 10 => (s, format!(".{e}")),
        _ => (clean, String::new()),
    };
    let stem: String = stem.chars().take(100 - ext.chars().count()).collect();
    if stem.is_empty() {
        format!("piece{ext}")
    } else {
        format!("{stem}{ext}")
    }
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

#[cfg(test)]
mod tests {
    #[test]
    fn piece_names_are_plain_file_names() {
        assert_eq!(super::piece_name("../../etc/passwd"), "passwd");
        assert_eq!(
            super::piece_name("C:\\docs\\.budget 2025.pdf"),
            "budget_2025.pdf"
        );
        assert_eq!(super::piece_name("..."), "piece");
        assert_eq!(
            super::piece_name("Attestation signée.PDF"),
            "Attestation_signée.PDF"
        );
    }
}
