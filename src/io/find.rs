//! Where a member's packet usually lands on the chair's laptop: the
//! letters folder (where Jury writes its own), the call folder, the
//! downloads and desktop, the home folder, and USB sticks mounted under
//! `/media/<user>` or `/run/media/<user>`. Listed for the chooser, newest
//! first, so nobody types a path by hand.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// How many files the chooser offers at most.
const MAX: usize = 50;

/// Packet files (`paquet-….json`, sealed `….json.age`) in the usual places.
pub fn packets(letters_dir: &Path, call_dir: Option<&Path>) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = vec![letters_dir.to_path_buf()];
    dirs.extend(call_dir.map(Path::to_path_buf));
    if let Some(home) = dirs::home_dir() {
        for sub in ["Téléchargements", "Downloads", "Bureau", "Desktop", ""] {
            dirs.push(home.join(sub));
        }
    }
    dirs.extend(dirs::download_dir());
    dirs.extend(dirs::desktop_dir());
    let user = std::env::var_os("USER").unwrap_or_default();
    for media in [Path::new("/media"), Path::new("/run/media")] {
        // A stick's own folder and its first level of folders.
        for stick in entries(&media.join(&user)) {
            dirs.extend(entries(&stick));
            dirs.push(stick);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut found: Vec<(SystemTime, PathBuf)> = dirs
        .iter()
        .filter(|d| seen.insert((*d).clone()))
        .flat_map(|d| files(d))
        .filter(|p| is_packet(p))
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    found.dedup_by(|a, b| a.1 == b.1);
    found.into_iter().take(MAX).map(|(_, p)| p).collect()
}

fn is_packet(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    name.starts_with("paquet") && (name.ends_with(".json") || name.ends_with(".json.age"))
}

/// The folders directly inside `dir`.
fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

/// The files directly inside `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}
