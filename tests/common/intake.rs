//! `jury import` as a coordinator runs it: a copy of the sample call with
//! an `intake` section, the real binary, and the dossiers read back.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub use super::harness;

pub fn jury() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jury"))
}

/// The form's fields, by label, shared by every source.
pub const FORM: &[(&str, &str, &str)] = &[
    ("Référence", "/reference", "text"),
    ("Reçu le", "/received_at", "datetime"),
    ("Courriel", "/structure/email", "text"),
    ("Structure", "/structure/name", "text"),
    ("Adresse", "/structure/address/street", "text"),
    ("Code postal", "/structure/address/postcode", "text"),
    ("Commune", "/structure/address/city", "text"),
    ("Représentant", "/structure/representative/name", "text"),
    ("Fonction", "/structure/representative/title", "text"),
    ("Professionnel", "/professional/name", "text"),
    ("Poste", "/professional/role", "text"),
    ("Statut", "/professional/employment", "text"),
    ("Heures en ligne", "/project/weekly_online_hours", "decimal"),
    ("Charte signée", "/commitments/charter_signed", "yesno"),
    ("Réseaux", "/project/networks", "list"),
    ("Date de création", "/structure/created", "date"),
];

/// A copy of the sample call with an `intake` section of [`FORM`] and
/// this reference prefix (none if empty).
pub fn call_with_prefix(dir: &Path, prefix: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025");
    let call = dir.join("appel");
    harness::copy_dir(&root, &call);
    let path = call.join("appel.json");
    let mut appel: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    let columns: Vec<_> = FORM
        .iter()
        .map(|(c, f, t)| serde_json::json!({"column": c, "field": f, "type": t}))
        .collect();
    appel["intake"] = serde_json::json!({"columns": columns});
    // An empty prefix is refused: none is written.
    if !prefix.is_empty() {
        appel["intake"]["reference_prefix"] = serde_json::json!(prefix);
    }
    std::fs::write(&path, serde_json::to_string_pretty(&appel).expect("json")).expect("write");
    call
}

/// A copy of the sample call with an `intake` section, prefix `IMP-`.
pub fn call(dir: &Path) -> PathBuf {
    call_with_prefix(dir, "IMP-")
}

pub fn import(call: &Path, sources: &[&Path]) -> Output {
    jury()
        .arg("import")
        .arg(call)
        .args(sources)
        .output()
        .expect("run")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn check_passes(call: &Path, dossiers: usize) {
    let out = jury().arg("check").arg(call).output().expect("check");
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains(&format!("{dossiers} dossier(s) valide(s), 0 erreur(s)")),
        "{text}"
    );
}

/// The dossier file written for `reference`.
pub fn dossier(call: &Path, reference: &str) -> serde_json::Value {
    let path = call.join("dossiers").join(format!("{reference}.json"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("dossier")).expect("json")
}

/// Imported dossiers and pieces hold personal data: 0600.
pub fn assert_private(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", path.display());
    }
}
