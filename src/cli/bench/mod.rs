//! `jury bench`: the speed and memory a committee feels, measured on a
//! call the bench generates itself, through the same path as a key press
//! (keymap → action → update → effects → frame on a 160×48 test terminal),
//! each measure repeated (min / median / max), against the goals,
//! with peers timed on the same data. Goals are read in this table, never
//! asserted on time in the tests.

mod generate;
mod measure;
mod peers;
mod table;

use crate::io::files::FileError;
use crate::tui::StartError;
use jury_core::fr::Lang;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use table::{Goal, Goals, Measure, Row, Samples};

/// The generator's seed: the same batch on every run.
const SEED: u64 = 15;

/// Why the bench could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    File(#[from] FileError),
    Start(StartError),
    /// The app did not open on the dossier list in normal mode with the
    /// batch in it: whatever it would time, it would not be what users do.
    NotOnList {
        expected: usize,
        at: String,
    },
    /// A size's child process failed or could not start.
    Child {
        size: usize,
        why: String,
    },
}

impl BenchError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            BenchError::File(e) => e.message(lang),
            BenchError::Start(e) => e.message(lang),
            BenchError::NotOnList { expected, at } => match lang {
                Lang::Fr => format!(
                    "banc d'essai refusé : l'application ne s'est pas ouverte sur la liste des {expected} dossiers en mode normal, sans fenêtre ({at})"
                ),
                Lang::En => format!(
                    "bench refused: the app did not open on the list of {expected} dossiers in normal mode, without a popup ({at})"
                ),
            },
            BenchError::Child { size, why } => match lang {
                Lang::Fr => format!("banc d'essai à {size} dossiers : {why}"),
                Lang::En => format!("bench at {size} dossiers: {why}"),
            },
        }
    }
}

jury_core::french_display!(BenchError);

/// Peak resident memory of this process, in KiB (Linux).
pub(super) fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
}

/// `a / b` as « ×4.2 », or a dash when either was not measured.
fn ratio(a: Option<&Samples>, b: &Measure, lang: Lang) -> String {
    match (a, b) {
        (Some(a), Measure::Time(b)) if !b.median().is_zero() => table::decimal(
            format!(
                "×{:.1}",
                a.median().as_secs_f64() / b.median().as_secs_f64()
            ),
            lang,
        ),
        _ => "–".into(),
    }
}

/// Set when a signal stopped the bench: its thread removes the files and
/// ends the process, whatever the bench was doing meanwhile.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// `jury bench-open`: what the bench's reopening in a fresh process runs
/// (see `measure::reopen_in_child`). Opens the call as the bench opens
/// it, draws the first frame, checks it shows the list of `n` dossiers,
/// and writes « prêt » then; anything else, where the app stands.
pub fn open_once(call_dir: PathBuf, db: PathBuf, n: usize, work: PathBuf, lang: Lang) -> ExitCode {
    let setup = measure::Setup {
        n,
        call_dir,
        work,
        lang,
    };
    match setup.open(db) {
        Ok(_open) => {
            println!("{}", measure::READY);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", e.message(lang));
            ExitCode::from(1)
        }
    }
}

/// One size in this process: the table it prints.
/// One size's bench. `within`: the folder of a run of several sizes
/// ([`run_sizes`]), where this size's files are left for that run to
/// remove once every size is measured.
pub fn run(n: usize, within: Option<&std::path::Path>, lang: Lang) -> Result<String, BenchError> {
    let result = run_size(n, within, lang);
    // Its files removed under it, the bench fails: that failure is not the
    // message to print, nor 1 the exit code. The signal's thread ends it.
    while INTERRUPTED.load(Ordering::SeqCst) {
        std::thread::park();
    }
    result
}

fn run_size(n: usize, within: Option<&std::path::Path>, lang: Lang) -> Result<String, BenchError> {
    let system_tmp = std::env::temp_dir();
    let parent = within.unwrap_or(&system_tmp);
    let tmp = tempfile::Builder::new()
        .prefix("jury-bench-")
        .tempdir_in(parent)
        .map_err(FileError::at(parent))?;
    remove_on_signal(tmp.path().to_path_buf(), lang).map_err(FileError::at(tmp.path()))?;
    let work = spread_within(tmp.path()).map_err(FileError::at(tmp.path()))?;
    let call_dir = work.join("appel");
    let started = Instant::now();
    generate::write(&call_dir, n, SEED)?;
    let generated = started.elapsed();
    // A committee's files were written before the call is opened, not
    // within the store's racy window (`FileStat::of`): files younger than
    // that are read and hashed again at every opening, which at 1 000
    // dossiers was half of a reopening the bench timed right after
    // generating them.
    std::thread::sleep(crate::store::folder::RACY);
    let goals = Goals::for_size(n);
    let sync = peers::disk_sync(&work, 30);
    let setup = measure::Setup {
        n,
        call_dir: call_dir.clone(),
        work: work.clone(),
        lang,
    };
    let app = measure::app_rows(&setup, &goals, &sync)?;
    let rows = app.rows;

    // Peers, after the memory is read: they are not the app's.
    let sqlite = peers::sqlite_insert(&call_dir, &work, 5, Duration::from_secs(10));
    let fzf = peers::fzf(n, SEED, &work, 15, Duration::from_secs(5));
    let mut peer_rows = vec![Row {
        what: lang
            .t(
                "SQLite, les mêmes dossiers en une transaction",
                "SQLite, the same dossiers in one transaction",
            )
            .into(),
        measure: sqlite.clone(),
        goal: Goal::None,
    }];
    let mut ratios = vec![format!(
        "{} {}",
        lang.t(
            "Premier import de Jury / SQLite :",
            "Jury's first import / SQLite:"
        ),
        ratio(app.import.as_ref(), &sqlite, lang)
    )];
    match fzf {
        Some(fzf) => {
            ratios.push(format!(
                "{} {}",
                lang.t(
                    "Frappe la plus lente de Jury / fzf :",
                    "Jury's slowest keystroke / fzf:"
                ),
                ratio(app.slowest_keystroke.as_ref(), &fzf, lang)
            ));
            peer_rows.push(Row {
                what: format!(
                    "fzf --filter « {} » ({})",
                    generate::QUERY,
                    lang.t("lancement compris", "start included")
                ),
                measure: fzf,
                goal: Goal::None,
            });
        }
        None => ratios.push(lang.t("fzf absent", "fzf not installed").into()),
    }

    let title = match lang {
        Lang::Fr => format!(
            "Banc d'essai Jury — {n} dossiers générés (graine {SEED}, {} s), touche → image 160×48",
            table::decimal(format!("{:.1}", generated.as_secs_f64()), lang)
        ),
        Lang::En => format!(
            "Jury bench — {n} generated dossiers (seed {SEED}, {:.1} s), key → 160×48 frame",
            generated.as_secs_f64()
        ),
    };
    let mut out = table::render(&title, &rows, lang);
    out.push('\n');
    out.push_str(&table::render(
        lang.t("Pairs, sur les mêmes données", "Peers, on the same data"),
        &peer_rows,
        lang,
    ));
    for r in ratios {
        out.push_str(&r);
        out.push('\n');
    }
    // Within a run of several sizes, removed by that run once every size
    // is measured: on this machine's ext4, without a journal, creating a
    // file skips every inode freed in the last minutes, and one size's
    // deletions slowed the next size's letters by half.
    if within.is_some() {
        let _ = tmp.keep();
    }
    Ok(out)
}

/// A folder of the bench's files inside `tmp`, placed on the disk as a
/// folder at its root would be.
///
/// On ext4 without a journal (this machine's disk), creating a file skips,
/// one by one, every inode of its block group freed in the last minute (or
/// five), and a file goes to its folder's group. A bench run right after
/// another, or after the tests, created its letters among the inodes the
/// previous run had just freed: 300 letters a second instead of 1 000, a
/// measure of the disk's past, not of Jury. On Linux, `tmp` is marked as a
/// top of hierarchy (`FS_TOPDIR_FL`, `chattr +T`): a folder made in it goes,
/// as one at the disk's root does, to a group with few folders and much
/// room, searched from a point its name (here random) sets. Elsewhere, or
/// where the flag cannot be set, the folder is made all the same.
fn spread_within(tmp: &std::path::Path) -> std::io::Result<PathBuf> {
    #[cfg(target_os = "linux")]
    if let Ok(dir) = std::fs::File::open(tmp) {
        use rustix::fs::{IFlags, ioctl_getflags, ioctl_setflags};
        if let Ok(flags) = ioctl_getflags(&dir) {
            let _ = ioctl_setflags(&dir, flags | IFlags::TOPDIR);
        }
    }
    Ok(tempfile::Builder::new()
        .prefix("mesure-")
        .tempdir_in(tmp)?
        .keep())
}

/// A bench stopped by Ctrl-C, a closed terminal or `kill` still removes the
/// call and databases it generated (2 GB of the temporary folder at
/// 100 000 dossiers): a thread waits for the signal, removes the folder and
/// ends the process, since no destructor runs past a signal.
fn remove_on_signal(work: std::path::PathBuf, lang: Lang) -> std::io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new(crate::tui::ENDING_SIGNALS)?;
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            INTERRUPTED.store(true, Ordering::SeqCst);
            // The bench may still be writing there: a file created between
            // the listing and the removal of its folder fails the removal.
            let removed = (0..5).any(|_| {
                let _ = std::fs::remove_dir_all(&work);
                !work.exists()
            });
            let message = match (lang, removed) {
                (Lang::Fr, true) => format!(
                    "banc d'essai interrompu : ses fichiers temporaires ({}) sont effacés",
                    work.display()
                ),
                (Lang::Fr, false) => format!(
                    "banc d'essai interrompu : effacez vous-même ses fichiers temporaires ({})",
                    work.display()
                ),
                (Lang::En, true) => format!(
                    "bench interrupted: its temporary files ({}) are removed",
                    work.display()
                ),
                (Lang::En, false) => format!(
                    "bench interrupted: remove its temporary files ({}) yourself",
                    work.display()
                ),
            };
            eprintln!("{message}");
            std::process::exit(128 + sig);
        }
    });
    Ok(())
}

/// Each size in its own process (this executable), so each peak memory is
/// that size's; their tables printed one after the other.
pub fn run_sizes(sizes: &[usize], lang: Lang) -> ExitCode {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            eprintln!("{}", lang.io_error(&e));
            return ExitCode::from(1);
        }
    };
    let lang_arg = match lang {
        Lang::Fr => "fr",
        Lang::En => "en",
    };
    // A Ctrl-C reaches the child too: this process waits for it to remove
    // its files, then runs no further size.
    let stop = Arc::new(AtomicUsize::new(0));
    for sig in crate::tui::ENDING_SIGNALS {
        if let Err(e) = signal_hook::flag::register_usize(sig, Arc::clone(&stop), sig as usize) {
            eprintln!("{}", lang.io_error(&e));
            return ExitCode::from(1);
        }
    }
    // Each size's files, removed together once the last size is measured
    // (or the run stops).
    let system_tmp = std::env::temp_dir();
    let within = match tempfile::Builder::new().prefix("jury-bench-").tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("{}", FileError::new(&system_tmp, e).message(lang));
            return ExitCode::from(1);
        }
    };
    let mut code = ExitCode::SUCCESS;
    for (i, n) in sizes.iter().enumerate() {
        let sig = stop.load(Ordering::SeqCst);
        if sig != 0 {
            return ExitCode::from(128 + sig as u8);
        }
        if i > 0 {
            println!();
        }
        let status = Command::new(&exe)
            .args(["bench", "--dossiers", &n.to_string(), "--lang", lang_arg])
            .arg("--within")
            .arg(within.path())
            .status();
        let failed = match status {
            Ok(s) if s.success() => None,
            Ok(s) => Some(s.to_string()),
            Err(e) => Some(lang.io_error(&e)),
        };
        let sig = stop.load(Ordering::SeqCst);
        if sig != 0 {
            return ExitCode::from(128 + sig as u8);
        }
        if let Some(why) = failed {
            let e = BenchError::Child { size: *n, why };
            eprintln!("{}", e.message(lang));
            code = ExitCode::from(1);
        }
    }
    code
}

#[cfg(test)]
mod tests;
