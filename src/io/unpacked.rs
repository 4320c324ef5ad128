//! The private folders a sealed bundle's call is unpacked into while Jury
//! runs (in memory: `$XDG_RUNTIME_DIR` or `/dev/shm`). They hold the
//! dossiers in clear and the member's key, so they must not outlive the
//! process however it ends: dropped normally, removed by the signal
//! watchdog before it exits ([`remove_before_exit`]), and swept at the next
//! start when the process was killed outright ([`sweep`]).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The folder's name starts with this.
const PREFIX: &str = "jury-";
/// The file in each folder that names the process using it.
const PID_FILE: &str = ".jury-pid";

/// Folders to remove if the process ends without unwinding.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A private folder (0700) under `base`, removed when dropped.
pub struct Unpacked {
    dir: tempfile::TempDir,
}

impl Unpacked {
    pub fn create(base: &Path) -> std::io::Result<Unpacked> {
        let dir = crate::io::files::private_temp_dir(PREFIX, base)?;
        std::fs::write(dir.path().join(PID_FILE), std::process::id().to_string())?;
        if let Ok(mut live) = LIVE.lock() {
            live.push(dir.path().to_path_buf());
        }
        Ok(Unpacked { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Unpacked {
    fn drop(&mut self) {
        if let Ok(mut live) = LIVE.lock() {
            live.retain(|p| p != self.dir.path());
        }
    }
}

/// Removes every folder still live: called just before `process::exit`,
/// which runs no destructor.
pub fn remove_before_exit() {
    // try_lock: a thread holding the lock while the process ends must not
    // stop it from ending.
    if let Ok(live) = LIVE.try_lock() {
        for dir in live.iter() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Removes the folders under `base` left by a Jury of this user that no
/// longer runs (killed with SIGKILL, the machine's power cut while its
/// tmpfs survived a suspend): their dossiers and key must not stay there
/// for the next reader of the folder. A folder whose process cannot be
/// told dead is left alone. Returns how many were removed.
pub fn sweep(base: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(base) else {
        return 0;
    };
    let me = user();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().starts_with(PREFIX) || !mine(&entry, me) {
            continue;
        }
        let pid = std::fs::read_to_string(entry.path().join(PID_FILE))
            .ok()
            .and_then(|t| t.trim().parse::<u32>().ok());
        if pid.is_some_and(gone) && std::fs::remove_dir_all(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// This process's uid, as the system reports it (Linux's /proc).
fn user() -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").map(|m| m.uid()).ok()
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// A directory of user `me` (not a symlink), so never someone else's.
fn mine(entry: &std::fs::DirEntry, me: Option<u32>) -> bool {
    let Ok(meta) = entry.path().symlink_metadata() else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.is_dir() && me.is_some() && me == Some(meta.uid())
    }
    #[cfg(not(unix))]
    {
        let _ = (meta, me);
        false
    }
}

/// True when no process `pid` runs (Linux's /proc; elsewhere never told).
fn gone(pid: u32) -> bool {
    Path::new("/proc/self").exists() && !Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacked_folders_never_outlive_their_process() {
        let base = tempfile::tempdir().expect("base");
        let live = Unpacked::create(base.path()).expect("live");
        std::fs::write(live.path().join("dossier.json"), "{}").expect("write");
        // A folder another Jury left: its process (pid beyond any Linux
        // pid_max) no longer runs.
        let dead = base.path().join("jury-abcdef");
        std::fs::create_dir(&dead).expect("dead");
        std::fs::write(dead.join(PID_FILE), "4194305").expect("pid");
        std::fs::write(dead.join("cle-membre.json"), "secret").expect("key");
        // Not Jury's, or no pid to tell: kept.
        let other = base.path().join("autre");
        std::fs::create_dir(&other).expect("other");
        let unknown = base.path().join("jury-nopid");
        std::fs::create_dir(&unknown).expect("unknown");
        assert_eq!(sweep(base.path()), 1);
        assert!(!dead.exists());
        assert!(live.path().join("dossier.json").exists());
        assert!(other.exists() && unknown.exists());
        let path = live.path().to_path_buf();
        drop(live);
        assert!(!path.exists());

        // A process ending without unwinding (the signal watchdog's exit)
        // removes the folders still live first. One test: this empties the
        // process-wide list.
        let live = Unpacked::create(base.path()).expect("live");
        let path = live.path().to_path_buf();
        remove_before_exit();
        assert!(!path.exists());
        // Its drop, later, finds nothing to remove and does not fail.
        drop(live);
    }
}
