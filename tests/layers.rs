//! The app crate's folders are layers: each may use the ones below it and
//! the core, never one above, and some never touch the terminal, the
//! database or the files. The compiler keeps `jury-core` pure (it has no
//! such dependency); this test keeps the folders honest.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each folder of src/ and the folders it may use.
const MAY_USE: &[(&str, &[&str])] = &[
    ("store", &[]),
    ("io", &["store"]),
    ("app", &[]),
    ("ui", &["app"]),
    ("tui", &["app", "io", "store", "ui"]),
    ("cli", &["app", "io", "store", "tui", "ui"]),
];

/// Crates a folder must not name: the state and its reducer know no
/// terminal, database or file; the screens no database or file.
const MUST_NOT_NAME: &[(&str, &[&str])] = &[
    (
        "app",
        &[
            "ratatui",
            "crossterm",
            "rusqlite",
            "krilla",
            "std::fs",
            "dirs",
        ],
    ),
    (
        "ui",
        &["crossterm", "rusqlite", "krilla", "std::fs", "dirs"],
    ),
    ("store", &["ratatui", "crossterm", "krilla"]),
    ("io", &["ratatui", "crossterm"]),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable src folder") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments and without `#[cfg(test)]`
/// modules kept in their own `tests.rs` (test fixtures may read samples).
fn code(path: &Path) -> Option<String> {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return None;
    }
    let text = std::fs::read_to_string(path).expect("readable source");
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect();
    Some(lines.join("\n"))
}

fn by_folder() -> BTreeMap<String, Vec<(PathBuf, String)>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut out: BTreeMap<String, Vec<(PathBuf, String)>> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).expect("inside src");
        let Some(top) = rel.components().next() else {
            continue;
        };
        let top = top.as_os_str().to_string_lossy().into_owned();
        if top.ends_with(".rs") {
            continue; // lib.rs and main.rs sit on top of everything
        }
        if let Some(text) = code(&f) {
            out.entry(top).or_default().push((f, text));
        }
    }
    out
}

#[test]
fn every_folder_is_declared_as_a_layer() {
    let declared: Vec<&str> = MAY_USE.iter().map(|(f, _)| *f).collect();
    for folder in by_folder().keys() {
        assert!(
            declared.contains(&folder.as_str()),
            "src/{folder}/ is not in MAY_USE: say which layers it may use"
        );
    }
}

#[test]
fn no_folder_uses_a_layer_above_it() {
    let folders = by_folder();
    let mut wrong = Vec::new();
    for (folder, allowed) in MAY_USE {
        for (path, text) in folders.get(*folder).into_iter().flatten() {
            for (other, _) in MAY_USE {
                if other == folder || allowed.contains(other) {
                    continue;
                }
                if text.contains(&format!("crate::{other}::")) {
                    wrong.push(format!("{} uses crate::{other}", path.display()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_state_and_the_screens_touch_no_terminal_database_or_file_they_should_not() {
    let folders = by_folder();
    let mut wrong = Vec::new();
    for (folder, banned) in MUST_NOT_NAME {
        for (path, text) in folders.get(*folder).into_iter().flatten() {
            for name in *banned {
                let named = text.match_indices(name).any(|(i, _)| {
                    let before = text[..i].chars().next_back();
                    let after = text[i + name.len()..].chars().next();
                    let ident = |c: char| c.is_alphanumeric() || c == '_';
                    // A crate is named as `name::`; a std module as a path.
                    let ends = if name.contains("::") {
                        !after.is_some_and(ident)
                    } else {
                        after == Some(':')
                    };
                    !before.is_some_and(ident) && ends
                });
                if named {
                    wrong.push(format!("{} names {name}", path.display()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_core_crate_depends_on_no_terminal_sql_pdf_or_file_crate() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("core/Cargo.toml"))
            .expect("core/Cargo.toml");
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .expect("a [dependencies] table");
    for banned in [
        "ratatui",
        "crossterm",
        "rusqlite",
        "krilla",
        "skrifa",
        "zip",
        "walkdir",
        "dirs",
        "tempfile",
        "opener",
    ] {
        assert!(
            !deps.lines().any(|l| l.trim_start().starts_with(banned)),
            "jury-core depends on {banned}"
        );
    }
}
