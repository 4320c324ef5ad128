//! Reading the sources of `jury import`: CSV (UTF-8 or Windows-1252, `;` or
//! `,`), XLSX and ODS sheets, and the attachments of a Démarches
//! Simplifiées ZIP export. Everything becomes rows of text; the core reads
//! the cells.

use super::IntakeError;
use calamine::{Data, Reader};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// One sheet of a source: its header and its rows, with their positions.
pub struct Sheet {
    /// The file as the user named it.
    pub display: String,
    /// The sheet's name for XLSX/ODS (positions `Sheet!F14`), None for CSV
    /// (positions `file:line:column`, the column counted in fields).
    pub sheet: Option<String>,
    pub header: Vec<String>,
    /// Line (CSV) or row (sheet) number, 1-based, and the cells.
    pub rows: Vec<(usize, Vec<String>)>,
    /// The sheet's first column (0-based), for the letters of cell names.
    first_column: usize,
}

impl Sheet {
    /// Where a cell is: `file:Sheet!F14` or `file:14:6`.
    pub fn position(&self, row: usize, column: usize) -> String {
        match &self.sheet {
            Some(s) => format!(
                "{}:{s}!{}{row}",
                self.display,
                letters(self.first_column + column)
            ),
            None => format!("{}:{row}:{}", self.display, column + 1),
        }
    }

    /// Where a row is: `file:Sheet!14` or `file:14`.
    pub fn row_position(&self, row: usize) -> String {
        match &self.sheet {
            Some(s) => format!("{}:{s}!{row}", self.display),
            None => format!("{}:{row}", self.display),
        }
    }
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
fn letters(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Reads a file of at most [`crate::io::files::MAX_READ`] bytes.
pub fn bytes(path: &Path) -> Result<Vec<u8>, IntakeError> {
    let f = std::fs::File::open(path)
        .map_err(|e| IntakeError::File(crate::io::files::FileError::new(path, e)))?;
    let mut out = Vec::new();
    f.take(crate::io::files::MAX_READ + 1)
        .read_to_end(&mut out)
        .map_err(|e| IntakeError::File(crate::io::files::FileError::new(path, e)))?;
    if out.len() as u64 > crate::io::files::MAX_READ {
        return Err(IntakeError::TooLarge(
            path.display().to_string(),
            crate::io::files::MAX_READ / (1024 * 1024),
        ));
    }
    Ok(out)
}

/// A CSV: UTF-8 (with or without BOM), else Windows-1252; the separator
/// is the one of `;` and `,` the header line holds more of.
pub fn csv(path: &Path, display: &str) -> Result<Sheet, IntakeError> {
    let raw = bytes(path)?;
    let raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&raw);
    let text = match std::str::from_utf8(raw) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(raw).0.into_owned(),
    };
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() >= first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header = None;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| IntakeError::Csv(display.to_string(), e.to_string()))?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        if header.is_none() {
            header = Some(cells);
        } else {
            rows.push((line, cells));
        }
    }
    Ok(Sheet {
        display: display.to_string(),
        sheet: None,
        header: header.unwrap_or_default(),
        rows,
        first_column: 0,
    })
}

/// The sheet `Dossiers` of an XLSX or ODS file (a Démarches Simplifiées
/// export), else its first sheet.
pub fn workbook(path: &Path, display: &str) -> Result<Sheet, IntakeError> {
    let unreadable = |e: calamine::Error| IntakeError::Sheet(display.to_string(), e.to_string());
    let mut book = calamine::open_workbook_auto(path).map_err(unreadable)?;
    let names = book.sheet_names();
    let name = names
        .iter()
        .find(|n| jury_core::intake::same_label(n, "Dossiers"))
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| IntakeError::Sheet(display.to_string(), "aucune feuille".into()))?;
    let range = book.worksheet_range(&name).map_err(unreadable)?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, r)| (top as usize + i + 1, r.iter().map(text).collect::<Vec<_>>()));
    let header = rows.next().map(|(_, h)| h).unwrap_or_default();
    Ok(Sheet {
        display: display.to_string(),
        sheet: Some(name),
        header,
        rows: rows.collect(),
        first_column: left as usize,
    })
}

/// A cell as the text a person would type: dates as `03/07/2025 16:42`,
/// whole numbers without `.0`, decimals with a comma.
fn text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string().replace('.', ","),
        Data::Bool(b) => if *b { "oui" } else { "non" }.to_string(),
        Data::DateTime(t) => t
            .as_datetime()
            .map(|t| t.format("%d/%m/%Y %H:%M:%S").to_string())
            .unwrap_or_default(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.replacen('T', " ", 1),
    }
}

/// The pieces of a Démarches Simplifiées ZIP export by dossier id:
/// `dossier-<id>/pieces_justificatives/<name>` → (name, bytes), in name order.
pub type Pieces = BTreeMap<String, Vec<(String, Vec<u8>)>>;

pub fn pieces(path: &Path, display: &str, into: &mut Pieces) -> Result<(), IntakeError> {
    let bad = |e: zip::result::ZipError| IntakeError::Zip(display.to_string(), e.to_string());
    let file = std::fs::File::open(path)
        .map_err(|e| IntakeError::File(crate::io::files::FileError::new(path, e)))?;
    let mut zip = zip::ZipArchive::new(file).map_err(bad)?;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(bad)?;
        // Only plain names under the expected folders: a name with `..` or
        // an absolute path is never followed.
        let Some(name) = entry.enclosed_name() else {
            continue;
        };
        let parts: Vec<String> = name
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let [folder, kind, file] = &parts[..] else {
            continue;
        };
        let Some(id) = folder.strip_prefix("dossier-") else {
            continue;
        };
        if kind != "pieces_justificatives" || !entry.is_file() {
            continue;
        }
        if entry.size() > crate::io::files::MAX_READ {
            return Err(IntakeError::TooLarge(
                format!("{display}:{file}"),
                crate::io::files::MAX_READ / (1024 * 1024),
            ));
        }
        let mut bytes = Vec::new();
        (&mut entry)
            .take(crate::io::files::MAX_READ + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| IntakeError::Zip(display.to_string(), e.to_string()))?;
        into.entry(id.to_string())
            .or_default()
            .push((file.clone(), bytes));
    }
    for list in into.values_mut() {
        list.sort_by(|a, b| a.0.cmp(&b.0));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_letters_go_past_z() {
        assert_eq!(super::letters(0), "A");
        assert_eq!(super::letters(5), "F");
        assert_eq!(super::letters(26), "AA");
        assert_eq!(super::letters(27), "AB");
    }
}
