//! Rotating copies of the database beside it (`<db>.sauvegardes/`), keyed
//! like it, written before a session closes and before a packet is
//! imported; restoring one; and replacing the file under the lock, which
//! encrypting and changing the passphrase also use.

use super::error::{io_error, sql_error};
use super::{Passphrase, Store, StoreError, TxError, crypt, private};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// How many backups are kept: the oldest beyond are removed.
pub const KEEP: usize = 20;

/// The folder of a database's backups.
pub fn dir(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".sauvegardes");
    db.with_file_name(name)
}

/// Why a backup was written; its name says it.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    SessionClose(i64),
    PacketImport,
    BeforeRestore,
}

impl Reason {
    fn slug(&self) -> String {
        match self {
            Reason::SessionClose(id) => format!("cloture-seance-{id}"),
            Reason::PacketImport => "import-paquet".into(),
            Reason::BeforeRestore => "avant-restauration".into(),
        }
    }
}

/// One backup, as `jury restore` lists it.
#[derive(Clone, Debug)]
pub struct Backup {
    pub path: PathBuf,
    /// When it was written (UTC), read from its name.
    pub at: Option<chrono::NaiveDateTime>,
    /// Why, as the committee reads it (French).
    pub reason: String,
    /// Audit events it holds, and its last event's hash; None: unreadable.
    pub events: Option<(i64, String)>,
}

const STAMP: &str = "%Y%m%d-%H%M%S%.3f";
const STAMP_LEN: usize = 19;

fn reason_label(slug: &str) -> String {
    match slug.strip_prefix("cloture-seance-") {
        Some(id) => format!("avant clôture de la séance {id}"),
        None => match slug {
            "import-paquet" => "avant import d'un paquet".into(),
            "avant-restauration" => "avant restauration".into(),
            other => other.into(),
        },
    }
}

/// The backups of `db`, oldest first (n° 1 is the oldest), once a change
/// of passphrase cut short is settled (see [`settle`]).
pub fn list(db: &Path, key: Option<&Passphrase>) -> Result<Vec<Backup>, StoreError> {
    settle(db, key)?;
    Ok(list_paths(db)?
        .into_iter()
        .map(|path| {
            let stem = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let at = stem
                .get(..STAMP_LEN)
                .and_then(|s| chrono::NaiveDateTime::parse_from_str(s, STAMP).ok());
            let reason = reason_label(stem.get(STAMP_LEN + 1..).unwrap_or_default());
            let events = summary(&path, key).ok();
            Backup {
                path,
                at,
                reason,
                events,
            }
        })
        .collect())
}

/// Deletes every backup of `db` (after anonymising: each still holds the
/// personal data just erased, and restoring one would bring it back).
/// Returns how many were deleted; the folder goes too once empty.
pub fn remove_all(db: &Path) -> Result<usize, StoreError> {
    let paths = list_paths(db)?;
    for path in &paths {
        std::fs::remove_file(path).map_err(|e| io_error(path, e))?;
    }
    // Left in place if it holds anything Jury did not write.
    let _ = std::fs::remove_dir(dir(db));
    Ok(paths.len())
}

/// Events count and last hash of a backup, read-only.
fn summary(path: &Path, key: Option<&Passphrase>) -> rusqlite::Result<(i64, String)> {
    let conn = crypt::open_reading(path, key)?;
    conn.query_row(
        "SELECT count(*), coalesce((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), '') FROM audit",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

impl Store {
    /// Writes a copy of the database (SQLite's backup API, keyed with the
    /// same passphrase) into its backups folder, 0600 in a 0700 folder,
    /// and removes the oldest beyond [`KEEP`].
    pub fn backup(&self, reason: &Reason) -> Result<PathBuf, StoreError> {
        let dir = dir(&self.path);
        private::create_private_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        let stamp = chrono::Utc::now().format(STAMP);
        let path = dir.join(format!("{stamp}-{}.sqlite", reason.slug()));
        let written = self.copy_to(&path);
        if written.is_err() {
            let _ = std::fs::remove_file(&path);
        }
        written?;
        rotate(&self.path)?;
        Ok(path)
    }

    /// The whole database into a new file at `path`, keyed like this one.
    fn copy_to(&self, path: &Path) -> Result<(), StoreError> {
        private::create_private_file(path, true).map_err(|e| io_error(path, e))?;
        let sql = |e| sql_error(path, e);
        let mut dest = Connection::open(path).map_err(sql)?;
        match &self.key {
            Some(k) => crypt::key(&dest, k).map_err(sql)?,
            None => crypt::quiet(&dest).map_err(sql)?,
        }
        rusqlite::backup::Backup::new(&self.conn, &mut dest)
            .and_then(|b| b.run_to_completion(256, std::time::Duration::ZERO, None))
            .map_err(sql)?;
        // The copy takes the source's WAL mode from its header; a backup is
        // one self-contained file, with no -wal or -shm beside it.
        dest.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
            .map_err(sql)?;
        dest.close().map_err(|(_, e)| sql(e))?;
        std::fs::File::open(path)
            .and_then(|f| f.sync_all())
            .map_err(|e| io_error(path, e))
    }

    /// Rewrites the database encrypted with `new` (SQLCipher's
    /// `sqlcipher_export` into a new file beside it, synced, renamed over
    /// it under the lock). Used to encrypt a clear database and to change
    /// the passphrase of an encrypted one.
    /// The change is an audit event (`store.encrypt`, `store.rekey`, no
    /// secret in it), by `jury`: not a committee decision, which replay
    /// leaves aside, but part of the file's history.
    ///
    /// The backups are rewritten with the new passphrase too: left clear
    /// they would keep in clear what the database now hides, and under the
    /// old passphrase `jury restore` could not open them. Returns how many.
    ///
    /// In three steps, so that whenever it is cut short (a signal, a full
    /// disk, the power) the database and every backup still open with one
    /// passphrase: each backup is first copied under the new passphrase
    /// beside itself (`….sqlite.rekey`), originals untouched; then the
    /// database is replaced (one rename: the commit point); then each copy
    /// is renamed over its original. Copies left by an interruption are
    /// settled at the next look at the backups ([`settle`]): kept if they
    /// open with the database's passphrase, dropped otherwise.
    pub fn reencrypt(mut self, new: &Passphrase) -> Result<usize, StoreError> {
        let action = match self.key {
            None => "store.encrypt",
            Some(_) => "store.rekey",
        };
        let old = self.key.clone();
        let db = self.path.clone();
        settle(&db, old.as_ref())?;
        let backups = list_paths(&db)?;
        for path in &backups {
            if let Err(e) = rekey_beside(path, old.as_ref(), new) {
                for path in &backups {
                    let _ = std::fs::remove_file(pending(path));
                }
                return Err(e);
            }
        }
        self.write(|tx| Ok(super::audit(tx, "jury", action, "base", None, None)?))?;
        self.replace(|conn, tmp| Ok(export_keyed(conn, tmp, new)?))?;
        settle(&db, Some(new))?;
        Ok(backups.len())
    }

    /// Replaces the database with the backup at `from`, after checking its
    /// audit chain and its tables, and after backing up the current one.
    pub fn restore(self, from: &Path) -> Result<PathBuf, StoreError> {
        let record = super::audit::verify_record_keyed(from, None, self.key.as_ref())
            .map_err(|e| StoreError::BadBackup(from.into(), e.message(jury_core::fr::Lang::Fr)))?;
        if !record.is_intact() {
            return Err(StoreError::BadBackup(
                from.into(),
                "journal d'audit ou tables altérés (jury verify --db sur ce fichier en dit plus)"
                    .into(),
            ));
        }
        let kept = self.backup(&Reason::BeforeRestore)?;
        self.replace(|_, tmp| {
            std::fs::copy(from, tmp).map_err(|e| TxError::Store(io_error(from, e)))?;
            Ok(())
        })?;
        Ok(kept)
    }

    /// Fills a new file beside the database with `fill`, syncs it, closes
    /// the database (its WAL checkpointed), removes its -wal and -shm and
    /// renames the new file over it, the lock held throughout.
    fn replace(
        self,
        fill: impl FnOnce(&Connection, &Path) -> Result<(), TxError>,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let mut name = std::ffi::OsString::from(".");
        name.push(path.file_name().unwrap_or_default());
        name.push(".nouvelle.tmp");
        let tmp = path.with_file_name(name);
        private::create_private_file(&tmp, true).map_err(|e| io_error(&tmp, e))?;
        let filled = fill(&self.conn, &tmp).map_err(|e| match e {
            TxError::Sql(e) => sql_error(&path, e),
            TxError::Store(e) => e,
        });
        let synced = filled.and_then(|()| {
            std::fs::File::open(&tmp)
                .and_then(|f| f.sync_all())
                .map_err(|e| io_error(&tmp, e))
        });
        if let Err(e) = synced {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        let Store { conn, _lock, .. } = self;
        conn.close().map_err(|(_, e)| sql_error(&path, e))?;
        for suffix in ["-wal", "-shm"] {
            let mut side = path.as_os_str().to_os_string();
            side.push(suffix);
            match std::fs::remove_file(&side) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_error(Path::new(&side), e)),
            }
        }
        std::fs::rename(&tmp, &path).map_err(|e| io_error(&path, e))?;
        // The rename itself reaches the disk with its folder.
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::File::open(parent)
                .and_then(|d| d.sync_all())
                .map_err(|e| io_error(parent, e))?;
        }
        drop(_lock);
        Ok(())
    }
}

/// Copies the database `conn` holds into the empty file `target`,
/// encrypted with `new` (SQLCipher's `sqlcipher_export`), schema version
/// included.
fn export_keyed(conn: &Connection, target: &Path, new: &Passphrase) -> rusqlite::Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let name = target.to_string_lossy();
    conn.execute(
        "ATTACH DATABASE ?1 AS nouvelle KEY ?2",
        [name.as_ref(), new.expose()],
    )?;
    conn.query_row("SELECT sqlcipher_export('nouvelle')", [], |_| Ok(()))?;
    conn.pragma_update(Some("nouvelle"), "user_version", version)?;
    conn.execute("DETACH DATABASE nouvelle", []).map(|_| ())
}

/// `X.sqlite` → `X.sqlite<suffix>`.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// Where a backup's copy under a new passphrase waits for the database.
fn pending(path: &Path) -> PathBuf {
    beside(path, PENDING)
}

const PENDING: &str = ".rekey";

/// Copies one backup file under `new` (from clear, or from `old`) into a
/// private file beside it ([`pending`]), synced; the original is left.
fn rekey_beside(path: &Path, old: Option<&Passphrase>, new: &Passphrase) -> Result<(), StoreError> {
    let sql = |e| sql_error(path, e);
    let tmp = pending(path);
    private::create_private_file(&tmp, true).map_err(|e| io_error(&tmp, e))?;
    let exported = (|| {
        let conn = Connection::open(path)?;
        match old {
            Some(k) => crypt::key(&conn, k)?,
            None => crypt::quiet(&conn)?,
        }
        export_keyed(&conn, &tmp, new)?;
        conn.close().map_err(|(_, e)| e)
    })()
    .map_err(sql)
    .and_then(|()| {
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| io_error(&tmp, e))
    });
    if let Err(e) = exported {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

/// Finishes or undoes a change of passphrase cut short: each backup's
/// copy under the new passphrase ([`pending`]) is renamed over it when it
/// opens with `key`, the database's passphrase now (the database was
/// replaced: the change happened), and removed otherwise (it was not).
/// SQLite's journals of those copies, and the `.tmp` files of an earlier
/// Jury's one-step rewrite, go too.
pub fn settle(db: &Path, key: Option<&Passphrase>) -> Result<(), StoreError> {
    let dir = dir(db);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_error(&dir, e)),
    };
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        let name = path.to_string_lossy();
        if name.ends_with(".sqlite.tmp")
            || name.ends_with("-journal")
            || name.ends_with(".sqlite.tmp-wal")
        {
            std::fs::remove_file(&path).map_err(|e| io_error(&path, e))?;
            continue;
        }
        let Some(original) = name.strip_suffix(PENDING).map(PathBuf::from) else {
            continue;
        };
        if summary(&path, key).is_ok() {
            std::fs::rename(&path, &original).map_err(|e| io_error(&original, e))?;
        } else {
            std::fs::remove_file(&path).map_err(|e| io_error(&path, e))?;
        }
    }
    Ok(())
}

/// Keeps the newest [`KEEP`] backups.
fn rotate(db: &Path) -> Result<(), StoreError> {
    let all = list_paths(db)?;
    for old in all.iter().take(all.len().saturating_sub(KEEP)) {
        std::fs::remove_file(old).map_err(|e| io_error(old, e))?;
    }
    Ok(())
}

fn list_paths(db: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let dir = dir(db);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_error(&dir, e)),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sqlite"))
        .collect();
    paths.sort();
    Ok(paths)
}
