//! What the call folder's dossier files held when last read. Reopening a
//! call of 100 000 dossiers would otherwise parse and validate every file
//! again only to find it unchanged: a file whose bytes hash to the digest
//! kept here, and whose dossiers the database holds as they were, is not
//! parsed again (see `io::import::read_folder_known`). A cache, not part of
//! the record: no event, and `jury verify` does not read it.

use super::{Store, StoreError, versions};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A dossier file as last read without any problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// The file's digest: its bytes and the reading Jury's version.
    pub digest: String,
    /// Its size and modification time when read: the same again, by the
    /// same Jury, and the file is not even read (as git's index does).
    /// Absent in records of an earlier Jury.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stat: Option<FileStat>,
    /// The dossiers it gave, in file order.
    pub dossiers: Vec<FileDossier>,
}

/// What a file's metadata said when it was read, and who read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStat {
    pub len: u64,
    /// Nanoseconds since the Unix epoch.
    pub modified: i128,
    /// The reading Jury's version: another may read the bytes differently.
    pub reader: String,
}

/// A file's time younger than this is not trusted (see [`FileStat::of`]).
pub const RACY: std::time::Duration = std::time::Duration::from_secs(2);

impl FileStat {
    /// The metadata of `meta` as read by this Jury; None where the system
    /// gives no modification time, or gives one too recent to trust: a
    /// file changed again within the clock's tick (several milliseconds on
    /// some file systems) would keep its size and time, so it is hashed
    /// again until its time is old (git's « racily clean » entries).
    pub fn of(meta: &std::fs::Metadata) -> Option<FileStat> {
        let modified = meta.modified().ok()?;
        let age = std::time::SystemTime::now().duration_since(modified).ok()?;
        if age < RACY {
            return None;
        }
        let since = match modified.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        };
        Some(FileStat {
            len: meta.len(),
            modified: since,
            reader: env!("CARGO_PKG_VERSION").into(),
        })
    }
}

/// One dossier of a [`FileRecord`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDossier {
    pub reference: String,
    /// Its content hash, as the import compares it with the stored one.
    pub hash: String,
    /// Its attachments' paths: a piece gone since is still reported.
    pub pieces: Vec<String>,
}

/// Dossier files by their path in the call folder (`dossiers/x.json`).
pub type KnownFiles = HashMap<String, FileRecord>;

/// What the database knows of a dossier file: its record when it was read
/// without a problem and the database holds its every dossier as the file
/// has it (see [`Store::known_files`]); None: read it again.
pub trait Known {
    fn record(&self, source: &str) -> Option<FileRecord>;
}

impl Known for KnownFiles {
    fn record(&self, source: &str) -> Option<FileRecord> {
        self.get(source).cloned()
    }
}

impl Store {
    /// The files last read without a problem whose every dossier the
    /// database holds as the file has it (the current version or an earlier
    /// one): reading them again would find nothing new. A file with a
    /// dossier changed since its import is left out, so it is read and
    /// reported again.
    pub fn known_files(&self) -> Result<KnownFiles, StoreError> {
        known_files(&self.conn).map_err(|e| self.err(e))
    }

    /// A connection of its own to this database, reading only, for a
    /// thread that looks at the call folder while the app is in use (see
    /// [`FolderReader`]). SQLite in WAL mode lets it read beside the
    /// store's writes; the store's lock already keeps other processes out.
    pub fn folder_reader(&self) -> FolderReader {
        FolderReader {
            path: self.path.clone(),
            key: self.key.clone(),
        }
    }

    /// Keeps what the files just read held, in one transaction.
    pub fn remember_files(&mut self, files: &[(String, FileRecord)]) -> Result<(), StoreError> {
        if files.is_empty() {
            return Ok(());
        }
        self.write(|tx| Ok(remember(tx, files)?))
    }
}

/// Keeps what the files just read held, within `tx`.
pub(super) fn remember(
    tx: &rusqlite::Transaction,
    files: &[(String, FileRecord)],
) -> rusqlite::Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO folder_files (source, record) VALUES (?1, ?2)
         ON CONFLICT (source) DO UPDATE SET record = excluded.record",
    )?;
    for (source, record) in files {
        let text = serde_json::to_string(record).unwrap_or_default();
        insert.execute(params![source, text])?;
    }
    Ok(())
}

/// The files last read without a problem whose every dossier `conn` holds
/// as the file has it (see [`Store::known_files`]).
fn known_files(conn: &rusqlite::Connection) -> rusqlite::Result<KnownFiles> {
    let current: HashMap<String, String> = {
        let mut stmt = conn.prepare("SELECT reference, hash FROM dossiers")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut stmt = conn.prepare("SELECT source, record FROM folder_files")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut known = KnownFiles::new();
    for row in rows {
        let (source, text) = row?;
        // A record this Jury cannot read only costs a parse.
        let Ok(record) = serde_json::from_str::<FileRecord>(&text) else {
            continue;
        };
        let mut held = true;
        for d in &record.dossiers {
            held = match current.get(&d.reference) {
                Some(hash) if *hash == d.hash => true,
                Some(_) => versions::is_known(conn, &d.reference, &d.hash)?,
                None => false,
            };
            if !held {
                break;
            }
        }
        if held {
            known.insert(source, record);
        }
    }
    Ok(known)
}

/// The known files looked up one at a time in the database, on a
/// connection of their own: what a reopening's reading beside the app
/// uses. Read whole (`known_files`), the records of 100 000 files held
/// 90 Mo beside the app's state, over the memory goal.
pub struct KnownInBase {
    conn: rusqlite::Connection,
}

impl KnownInBase {
    fn lookup(&self, source: &str) -> rusqlite::Result<Option<FileRecord>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT record FROM folder_files WHERE source = ?1")?;
        let Some(text) = stmt
            .query_row([source], |r| r.get::<_, String>(0))
            .optional()?
        else {
            return Ok(None);
        };
        // A record this Jury cannot read only costs a parse.
        let Ok(record) = serde_json::from_str::<FileRecord>(&text) else {
            return Ok(None);
        };
        let mut current = self
            .conn
            .prepare_cached("SELECT hash FROM dossiers WHERE reference = ?1")?;
        for d in &record.dossiers {
            let hash: Option<String> =
                current.query_row([&d.reference], |r| r.get(0)).optional()?;
            let held = match hash {
                Some(hash) if hash == d.hash => true,
                Some(_) => versions::is_known(&self.conn, &d.reference, &d.hash)?,
                None => false,
            };
            if !held {
                return Ok(None);
            }
        }
        Ok(Some(record))
    }
}

impl Known for KnownInBase {
    /// A database error reads the file again, which is never wrong.
    fn record(&self, source: &str) -> Option<FileRecord> {
        self.lookup(source).ok().flatten()
    }
}

/// What a thread needs to read the known files of a store it does not
/// own: the file and its passphrase. Reopening a call of 100 000 dossiers
/// spent 1,7 s reading them and looking at every file of the folder
/// before the first frame; the app now shows what the database holds and
/// takes in what the folder brings once this has read it.
pub struct FolderReader {
    path: std::path::PathBuf,
    key: Option<super::crypt::Passphrase>,
}

impl FolderReader {
    /// The known files, looked up on a connection of this reader's own.
    pub fn known(&self) -> Result<KnownInBase, StoreError> {
        let err = |e| super::sql_error(&self.path, e);
        let conn = super::crypt::open_reading(&self.path, self.key.as_ref()).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(3))
            .map_err(err)?;
        Ok(KnownInBase { conn })
    }
}
