//! What the disk and other tools take on the same data, timed in the same
//! run: the disk's own sync (so a score's cost without it can be read),
//! SQLite inserting the dossiers in one transaction, `fzf --filter`
//! searching their lines.

use super::generate::{self, QUERY};
use super::measure::repeat;
use super::table::{Measure, Samples};
use rusqlite::Connection;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The pragmas the store writes with (store::configure): WAL and a full
/// sync at each commit.
const PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";

fn sql(e: rusqlite::Error) -> String {
    e.to_string()
}

/// One small committed write transaction, `times` times, on a fresh file in
/// the bench's folder: the disk's sync, which no code change can remove.
pub fn disk_sync(work: &Path, times: usize) -> Measure {
    let run = || -> Result<Vec<Duration>, String> {
        let conn = Connection::open(work.join("synchro.sqlite")).map_err(sql)?;
        conn.execute_batch(PRAGMAS).map_err(sql)?;
        conn.execute_batch("CREATE TABLE t (k INTEGER PRIMARY KEY, v INTEGER)")
            .map_err(sql)?;
        let mut out = Vec::new();
        for i in 0..times {
            let start = Instant::now();
            conn.execute_batch(&format!(
                "BEGIN; INSERT OR REPLACE INTO t VALUES (1, {i}); COMMIT;"
            ))
            .map_err(sql)?;
            out.push(start.elapsed());
        }
        Ok(out)
    };
    match run() {
        Ok(s) => Measure::Time(Samples(s)),
        Err(why) => Measure::Missing(why),
    }
}

/// The call's dossier files read and inserted in one transaction into a
/// fresh SQLite file, in this process: what one import could cost.
pub fn sqlite_insert(call_dir: &Path, work: &Path, times: usize, budget: Duration) -> Measure {
    let once = |k: usize| -> Result<Duration, String> {
        let start = Instant::now();
        let mut conn =
            Connection::open(work.join(format!("pair-sqlite-{k}.sqlite"))).map_err(sql)?;
        conn.execute_batch(PRAGMAS).map_err(sql)?;
        conn.execute_batch(
            "CREATE TABLE dossiers (reference TEXT PRIMARY KEY, json TEXT NOT NULL)",
        )
        .map_err(sql)?;
        let tx = conn.transaction().map_err(sql)?;
        {
            let mut insert = tx
                .prepare("INSERT INTO dossiers VALUES (?1, ?2)")
                .map_err(sql)?;
            let dir = call_dir.join("dossiers");
            for entry in std::fs::read_dir(&dir).map_err(|e| e.to_string())? {
                let path = entry.map_err(|e| e.to_string())?.path();
                let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                insert.execute((name, text)).map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(start.elapsed())
    };
    repeat((times, budget), once)
}

/// `fzf --filter QUERY` over the dossiers' searchable lines (reference,
/// structure, commune, professional, representative), process start
/// included; None when fzf is not installed.
pub fn fzf(n: usize, seed: u64, work: &Path, times: usize, budget: Duration) -> Option<Measure> {
    if Command::new("fzf")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_err()
    {
        return None;
    }
    let lines = work.join("lignes.txt");
    let mut g = generate::Seeded::new(seed);
    let text: String = (0..n)
        .map(|i| generate::searchable_line(&generate::dossier(&mut g, i)) + "\n")
        .collect();
    if let Err(e) = std::fs::write(&lines, text) {
        return Some(Measure::Missing(e.to_string()));
    }
    let once = || -> Result<Duration, String> {
        let input = std::fs::File::open(&lines).map_err(|e| e.to_string())?;
        let start = Instant::now();
        let status = Command::new("fzf")
            .args(["--filter", QUERY])
            .stdin(input)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| e.to_string())?;
        let took = start.elapsed();
        // 0: lines found; 1: none (a measure still, but not of this query).
        if status.code() != Some(0) {
            return Err(format!("fzf : {status}"));
        }
        Ok(took)
    };
    Some(repeat((times, budget), |_| once()))
}
