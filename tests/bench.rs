//! `jury bench` through the real binary, on a small batch: every row is
//! there and measured (a number, not a zero where something happened, no
//! row « non mesuré »). No timing threshold: goals are read in the table.

use std::process::Command;

const N: &str = "200";

/// The rows where the app or a peer did real work: each must show a
/// non-zero time.
const MEASURED: &[&str] = &[
    "Premier import → première image",
    "Réouverture → première image",
    "Réouverture dans un processus neuf → première image",
    "Réouverture → fichiers du dossier d'appel relus (à côté)",
    "Descendre d'un dossier",
    "Note saisie (avec la synchronisation disque)",
    "Synchronisation disque seule (une écriture validée)",
    "Recherche, frappe « c »",
    "Recherche, frappe « centre »",
    "Recherche, frappe « centre␣social »",
    "Recherche, frappe la plus lente de « centre social »",
    "Vue comité",
    "Courrier complet suivi (PDF + ODT + EML)",
    "SQLite, les mêmes dossiers en une transaction",
];

fn fzf_installed() -> bool {
    Command::new("fzf").arg("--version").output().is_ok()
}

/// The cells after a row's label: count, min, median, max, goal, verdict.
fn cells<'a>(out: &'a str, label: &str) -> Vec<&'a str> {
    let line = out
        .lines()
        .find(|l| l.starts_with(label) && l[label.len()..].starts_with(' '))
        .unwrap_or_else(|| panic!("row « {label} » missing:\n{out}"));
    let rest = &line[label.len()..];
    // Cells are separated by runs of spaces; a value is "1,23 ms".
    rest.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

fn is_zero(cell: &str) -> bool {
    cell.trim_end_matches(" ms")
        .trim_end_matches(" s")
        .chars()
        .all(|c| c == '0' || c == ',')
}

#[test]
fn every_row_is_measured_on_a_generated_call() {
    let out = Command::new(env!("CARGO_BIN_EXE_jury"))
        .args(["bench", "--dossiers", N])
        .output()
        .expect("run jury bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("— 200 dossiers générés"), "{stdout}");
    assert!(!stdout.contains("NON MESURÉ"), "{stdout}");
    for label in MEASURED {
        let c = cells(&stdout, label);
        // n, then min, median, max (a rate's median is letters a second).
        let n: usize = c[0].parse().unwrap_or_else(|_| panic!("{label}: {c:?}"));
        assert!(n >= 1, "{label}: {c:?}");
        assert!(!is_zero(c[1]), "{label}: min is zero: {c:?}");
        assert!(!is_zero(c[2]), "{label}: median is zero: {c:?}");
    }
    // Moves and keys repeat; the keystrokes of the query each have a row.
    assert_eq!(cells(&stdout, "Descendre d'un dossier")[0], "30");
    let keystrokes = stdout
        .lines()
        .filter(|l| l.starts_with("Recherche, frappe « "))
        .count();
    assert_eq!(keystrokes, "centre social".chars().count(), "{stdout}");
    // The score without the sync is derived, and printed.
    let c = cells(
        &stdout,
        "Note saisie hors synchronisation (note − synchro médiane)",
    );
    assert!(c[2].ends_with(" ms"), "{c:?}");
    // A decision and its letter for each of the 200 dossiers (up to four
    // batches); memory in MB.
    let c = cells(&stdout, "Courrier complet suivi (PDF + ODT + EML)");
    assert_eq!(c[0], N, "{c:?}");
    assert!(c[2].ends_with("/s"), "{c:?}");
    for label in [
        "Mémoire (pic, courriers non compris)",
        "Mémoire (pic, courriers compris)",
    ] {
        let c = cells(&stdout, label);
        assert!(
            c[1].ends_with(" Mo") && !is_zero(c[1].trim_end_matches(" Mo")),
            "{c:?}"
        );
    }
    assert!(
        stdout.contains("Premier import de Jury / SQLite : ×"),
        "{stdout}"
    );
    if fzf_installed() {
        let c = cells(
            &stdout,
            "fzf --filter « centre social » (lancement compris)",
        );
        assert!(!is_zero(c[2]), "{c:?}");
        assert!(
            stdout.contains("Frappe la plus lente de Jury / fzf : ×"),
            "{stdout}"
        );
    } else {
        assert!(stdout.contains("fzf absent"), "{stdout}");
    }
}

#[test]
fn sizes_run_each_in_its_own_process() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = Command::new(env!("CARGO_BIN_EXE_jury"))
        .args(["bench", "--sizes", "60,80"])
        .env("TMPDIR", tmp.path())
        .output()
        .expect("run jury bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = stdout.find("— 60 dossiers générés").expect("60");
    let second = stdout.find("— 80 dossiers générés").expect("80");
    assert!(first < second, "{stdout}");
    assert_eq!(
        stdout.matches("Mémoire (pic, courriers compris)").count(),
        2
    );
    // Nothing is left once the run ends: each size's files, kept until
    // the last size is measured, are removed with the others.
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("tmp")
        .map(|e| e.expect("entry").path())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn an_interrupted_bench_removes_what_it_generated() {
    let tmp = tempfile::tempdir().expect("tmp");
    let child = Command::new(env!("CARGO_BIN_EXE_jury"))
        .args(["bench", "--dossiers", "5000"])
        .env("TMPDIR", tmp.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run jury bench");
    // Interrupted while it writes its call: dossiers are on disk by then.
    let started = std::time::Instant::now();
    let generated = loop {
        // The bench's folder, then the one it measures in (made apart so
        // that it lands in a block group of its own).
        let dossiers = std::fs::read_dir(tmp.path())
            .expect("tmp")
            .flatten()
            .flat_map(|bench| std::fs::read_dir(bench.path()).into_iter().flatten())
            .flatten()
            .map(|e| e.path().join("appel").join("dossiers"))
            .find(|d| d.is_dir());
        if let Some(d) = dossiers
            && std::fs::read_dir(&d).map(|r| r.count()).unwrap_or(0) > 10
        {
            break d;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the bench wrote no dossier in a minute"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("banc d'essai interrompu : ses fichiers temporaires"),
        "{stderr}"
    );
    assert!(!generated.exists());
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("tmp")
        .flatten()
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
