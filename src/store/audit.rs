//! Reading the audit log back: a dossier's history, and verifying a whole
//! database file read-only. The chain itself is checked in the core.

use jury_core::audit::{Event, Private, Verification, merge_lenient, verify_events};
use jury_core::fr::Lang;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags, Row, params};
use std::path::{Path, PathBuf};

/// The events in id order. With a target, only that target's history: events
/// whose target equals it or starts with `"<target>/"` (a dossier and its
/// scores: "PDNP06-2025-001" and "PDNP06-2025-001/experience").
pub fn read_events(conn: &Connection, target: Option<&str>) -> rusqlite::Result<Vec<Event>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, action, target, before, after, prev_hash, hash FROM audit
         WHERE ?1 IS NULL OR target = ?1 OR substr(target, 1, length(?1) + 1) = ?1 || '/'
         ORDER BY id",
    )?;
    let rows = stmt.query_map(params![target], |r| {
        Ok(Event {
            id: r.get(0)?,
            at: text(r, 1)?.unwrap_or_default(),
            actor: text(r, 2)?.unwrap_or_default(),
            action: text(r, 3)?.unwrap_or_default(),
            target: text(r, 4)?.unwrap_or_default(),
            before: text(r, 5)?,
            after: text(r, 6)?,
            prev_hash: text(r, 7)?.unwrap_or_default(),
            hash: text(r, 8)?.unwrap_or_default(),
        })
    })?;
    rows.collect()
}

/// The personal parts of events (`audit_private`), none in a database
/// from before they were kept apart.
pub fn read_private(conn: &Connection) -> rusqlite::Result<Vec<Private>> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_private')",
        [],
        |r| r.get(0),
    )?;
    if !exists {
        return Ok(Vec::new());
    }
    let mut stmt =
        conn.prepare("SELECT event_id, salt, content FROM audit_private ORDER BY event_id")?;
    let rows = stmt.query_map([], |r| {
        Ok(Private {
            event_id: r.get(0)?,
            salt: text(r, 1)?.unwrap_or_default(),
            content: text(r, 2)?.unwrap_or_default(),
        })
    })?;
    rows.collect()
}

/// Events as the screens and undo read them: each with its personal part
/// put back when it is there and intact, blank otherwise (erased by
/// `jury anonymise`; `jury verify` is what reports a part tampered with).
pub fn read_merged(conn: &Connection, target: Option<&str>) -> rusqlite::Result<Vec<Event>> {
    Ok(merge_lenient(
        &read_events(conn, target)?,
        &read_private(conn)?,
    ))
}

/// One event's `before` with its personal part put back (undo writes the
/// former comment, reason or justification back), blank when erased.
pub(crate) fn merged_before(
    conn: &Connection,
    id: i64,
    before: Option<String>,
    after: Option<String>,
) -> rusqlite::Result<Option<String>> {
    let part: Vec<Private> = read_private(conn)?
        .into_iter()
        .filter(|p| p.event_id == id)
        .collect();
    let e = Event {
        id,
        at: String::new(),
        actor: String::new(),
        action: String::new(),
        target: String::new(),
        before,
        after,
        prev_hash: String::new(),
        hash: String::new(),
    };
    Ok(merge_lenient(&[e], &part).pop().and_then(|e| e.before))
}

/// A column as text whatever its stored type, so that a tampered value of an
/// unexpected type shows up as a break rather than as a read error.
fn text(row: &Row, idx: usize) -> rusqlite::Result<Option<String>> {
    Ok(match row.get_ref(idx)? {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
    })
}

/// Why a database file could not be verified. Each names the file.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    IsADirectory(PathBuf),
    NotFound(PathBuf),
    Io(PathBuf, #[source] std::io::Error),
    NotADatabase(PathBuf),
    Busy(PathBuf),
    CannotOpen(PathBuf),
    Read(PathBuf, #[source] rusqlite::Error),
    /// SQLite, but no audit table: not Jury's.
    NoAuditLog(PathBuf),
    /// Encrypted, and no passphrase or a wrong one.
    Locked(super::StoreError),
    /// SQLite finds the file damaged.
    Damaged(PathBuf),
}

impl VerifyError {
    pub fn message(&self, lang: Lang) -> String {
        use VerifyError::*;
        match self {
            IsADirectory(p) => lang.located_t(
                p.display(),
                "c'est un dossier ; indiquez le fichier de la base (.sqlite).",
                "this is a folder; give the database file (.sqlite).",
            ),
            NotFound(p) => lang.located_t(
                p.display(),
                "base introuvable ; vérifiez le chemin du fichier.",
                "database not found; check the file's path.",
            ),
            Io(p, e) => lang.located(p.display(), lang.io_error(e)),
            NotADatabase(p) => lang.located_t(
                p.display(),
                "ce fichier n'est pas une base de données Jury (ou il est endommagé).",
                "this file is not a Jury database (or it is damaged).",
            ),
            Busy(p) => lang.located_t(
                p.display(),
                "la base est occupée ; réessayez dans un instant.",
                "the database is busy; try again in a moment.",
            ),
            CannotOpen(p) => lang.located_t(
                p.display(),
                "impossible d'ouvrir la base en lecture ; vérifiez les droits du fichier et de son dossier.",
                "cannot open the database for reading; check the permissions of the file and of its folder.",
            ),
            Read(p, e) => lang.located(
                p.display(),
                format!(
                    "{} {e}",
                    lang.t(
                        "lecture de la base impossible :",
                        "cannot read the database:"
                    )
                ),
            ),
            Locked(e) => e.message(lang),
            // The same advice as when Jury opens it.
            Damaged(p) => super::StoreError::Corrupt(p.clone()).message(lang),
            NoAuditLog(p) => lang.located_t(
                p.display(),
                "cette base ne contient pas de journal d'audit ; ce n'est pas une base Jury.",
                "this database has no audit log; it is not a Jury database.",
            ),
        }
    }
}

jury_core::french_display!(VerifyError);

/// SQLite's refusal, said for the file being checked.
fn read_error(path: &Path, e: rusqlite::Error) -> VerifyError {
    let file = path.to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => VerifyError::NotADatabase(file),
        Some(ErrorCode::DatabaseCorrupt) => VerifyError::Damaged(file),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => VerifyError::Busy(file),
        Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => {
            VerifyError::CannotOpen(file)
        }
        _ => VerifyError::Read(file, e),
    }
}

/// Opens a database read-only (it may be in use by a running Jury, or be an
/// archived copy), refusing what is not a Jury database.
fn open_for_checking(
    path: &Path,
    key: Option<&super::Passphrase>,
) -> Result<Connection, VerifyError> {
    let file = || path.to_path_buf();
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => return Err(VerifyError::IsADirectory(file())),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(VerifyError::NotFound(file()));
        }
        Err(e) => return Err(VerifyError::Io(file(), e)),
    }
    let fail = |e| read_error(path, e);
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(fail)?;
    conn.busy_timeout(std::time::Duration::from_secs(3))
        .map_err(fail)?;
    let encrypted = super::crypt::is_encrypted(path).map_err(|e| VerifyError::Io(file(), e))?;
    match key {
        None if encrypted => return Err(VerifyError::Locked(super::StoreError::Encrypted(file()))),
        None => super::crypt::quiet(&conn).map_err(fail)?,
        Some(pass) => super::crypt::key(&conn, pass).map_err(|e| match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => {
                VerifyError::Locked(super::StoreError::WrongPassphrase(file()))
            }
            _ => fail(e),
        })?,
    }
    let has_audit: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit')",
            [],
            |r| r.get(0),
        )
        .map_err(fail)?;
    if !has_audit {
        return Err(VerifyError::NoAuditLog(file()));
    }
    Ok(conn)
}

/// Verifies a database file's hash chain.
pub fn verify_file(path: &Path) -> Result<Verification, VerifyError> {
    verify_file_keyed(path, None)
}

/// Same, for a database that may be encrypted.
pub fn verify_file_keyed(
    path: &Path,
    key: Option<&super::Passphrase>,
) -> Result<Verification, VerifyError> {
    let conn = open_for_checking(path, key)?;
    let events = read_events(&conn, None).map_err(|e| read_error(path, e))?;
    Ok(verify_events(&events))
}

/// The chain, SQLite's own check, the tables against the log replayed, and
/// with `head` the fingerprint copied from signed minutes.
pub fn verify_record(
    path: &Path,
    head: Option<&str>,
) -> Result<super::record::Record, VerifyError> {
    verify_record_keyed(path, head, None)
}

/// Same, for a database that may be encrypted.
pub fn verify_record_keyed(
    path: &Path,
    head: Option<&str>,
    key: Option<&super::Passphrase>,
) -> Result<super::record::Record, VerifyError> {
    let conn = open_for_checking(path, key)?;
    super::record::check(&conn, head).map_err(|e| read_error(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_events_filters_a_dossier_history_exactly() -> rusqlite::Result<()> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(
            "CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
             action TEXT NOT NULL, target TEXT NOT NULL, before TEXT, after TEXT,
             prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
        )?;
        for target in [
            "A-1",
            "A-1/experience",
            "A-10",
            "A-10/experience",
            "A_1/x",
            "Nadia",
        ] {
            conn.execute(
                "INSERT INTO audit (at, actor, action, target, before, after, prev_hash, hash)
                 VALUES ('t', 'a', 'score', ?1, NULL, 'x', '', '')",
                [target],
            )?;
        }
        let targets = |t: Option<&str>| -> rusqlite::Result<Vec<String>> {
            Ok(read_events(&conn, t)?
                .into_iter()
                .map(|e| e.target)
                .collect())
        };
        assert_eq!(targets(Some("A-1"))?, ["A-1", "A-1/experience"]);
        assert_eq!(targets(Some("A-10"))?, ["A-10", "A-10/experience"]);
        assert_eq!(targets(Some("A%"))?, Vec::<String>::new());
        assert_eq!(targets(None)?.len(), 6);
        let all = read_events(&conn, None)?;
        assert_eq!(
            all.iter().map(|e| e.id).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5, 6]
        );
        assert_eq!(all[0].before, None);
        assert_eq!(all[0].after.as_deref(), Some("x"));
        Ok(())
    }
}
