//! Reading and writing the user's files: UTF-8 text with positioned errors,
//! attachments kept inside the call folder, the call's letter templates.

use jury_core::dossier::Piece;
use jury_core::json::{Diag, Severity, decode_utf8};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Reads a file as UTF-8, reporting the first invalid byte's position.
pub fn read_utf8(path: &Path, display: &str) -> Result<String, Diag> {
    let bytes = std::fs::read(path).map_err(|e| Diag {
        path: display.to_string(),
        line: 1,
        column: 1,
        severity: Severity::Error,
        message: format!("lecture impossible : {}", jury_core::fr::io_message(&e)),
    })?;
    decode_utf8(bytes, display)
}

/// Where an attachment's relative path leads: a file inside the call folder
/// once symbolic links are followed, or not.
pub fn piece_in(dir: &Path, p: &str) -> Piece {
    let (Ok(real), Ok(root)) = (dir.join(p).canonicalize(), dir.canonicalize()) else {
        return Piece::Missing;
    };
    if !real.starts_with(&root) {
        Piece::Outside
    } else if real.is_file() {
        Piece::Found
    } else {
        Piece::Missing
    }
}

/// The call folder's `lettres/*.txt`, by decision id.
pub fn read_overrides(call_dir: &Path) -> (BTreeMap<String, String>, Vec<Diag>) {
    let mut map = BTreeMap::new();
    let mut errors = Vec::new();
    let Ok(entries) = std::fs::read_dir(call_dir.join("lettres")) else {
        return (map, errors);
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    for f in files {
        if f.extension().is_none_or(|x| x != "txt") {
            continue;
        }
        let Some(id) = f.file_stem().and_then(|s| s.to_str()).map(str::to_string) else {
            continue;
        };
        let display = format!("lettres/{id}.txt");
        match read_utf8(&f, &display) {
            Ok(text) => {
                map.insert(id, text);
            }
            Err(d) => errors.push(d),
        }
    }
    (map, errors)
}
