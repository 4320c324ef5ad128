//! Reading and writing the user's files: UTF-8 text with positioned errors,
//! attachments kept inside the call folder, the call's letter templates,
//! and the one way Jury writes a file: whole or not at all.

use jury_core::dossier::Piece;
use jury_core::fr::Lang;
use jury_core::json::{Diag, Severity, decode_utf8};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A file or folder that could not be read or written, and why.
#[derive(Debug, thiserror::Error)]
pub struct FileError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

impl FileError {
    pub fn new(path: &Path, source: std::io::Error) -> FileError {
        FileError {
            path: path.to_path_buf(),
            source,
        }
    }

    /// For `map_err`: the error of an operation on `path`.
    pub fn at(path: &Path) -> impl Fn(std::io::Error) -> FileError + Copy + '_ {
        move |e| FileError::new(path, e)
    }

    pub fn message(&self, lang: Lang) -> String {
        lang.located(self.path.display(), lang.io_error(&self.source))
    }
}

jury_core::french_display!(FileError);

/// Writes `bytes` to `path` whole or not at all; see [`write_atomic_with`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    write_atomic_with(path, |f| f.write_all(bytes).map_err(FileError::at(path)))
}

/// Writes `path` whole or not at all: `fill` writes a temporary file in the
/// same folder, which is synced to disk, then renamed over `path`. A full
/// disk, a failed `fill` or a crash leaves the former file (or none), never
/// half a file; the temporary file is removed on failure.
pub fn write_atomic_with<E: From<FileError>>(
    path: &Path,
    fill: impl FnOnce(&mut File) -> Result<(), E>,
) -> Result<(), E> {
    let fail = FileError::at(path);
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // Hidden and named after its target, in case a crash leaves it behind.
    let prefix = format!(".{}.", path.file_name().unwrap_or_default().display());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // NamedTempFile's default mode is 0600: a letter or an export gets the
    // usual mode of a new file instead (0666 less the umask).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir).map_err(fail)?;
    fill(tmp.as_file_mut())?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_former_file_and_nothing_else() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("export.csv");
        write_atomic(&path, b"v1").expect("first write");
        write_atomic(&path, b"v2").expect("replaced");
        let failed = write_atomic_with(&path, |f| {
            f.write_all(b"half").map_err(FileError::at(&path))?;
            Err(FileError::new(
                &path,
                std::io::ErrorKind::StorageFull.into(),
            ))
        });
        let e = failed.expect_err("fill failed");
        assert_eq!(e.to_string(), format!("{} : disque plein", path.display()));
        assert_eq!(
            e.message(Lang::En),
            format!("{}: disk full", path.display())
        );
        assert_eq!(std::fs::read(&path).expect("read"), b"v2");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["export.csv"]);
    }
}
