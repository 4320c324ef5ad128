//! Encryption at rest (SQLCipher): the passphrase, keying a connection, and
//! telling an encrypted file from a clear one without a key.

use rusqlite::Connection;
use std::io::Read;
use std::path::Path;

/// A passphrase, wiped from memory when dropped and never printed: `Debug`
/// shows a placeholder, and there is no `Display`.
#[derive(Clone)]
pub struct Passphrase(zeroize::Zeroizing<String>);

impl Passphrase {
    pub fn new(text: String) -> Passphrase {
        Passphrase(zeroize::Zeroizing::new(text))
    }

    /// The text, for the one call that needs it (SQLCipher, age).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(***)")
    }
}

/// A clear SQLite file starts with this header; SQLCipher's first page is
/// random-looking from its first byte.
const CLEAR_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The file exists, is not empty and does not start with SQLite's clear
/// header nor with text: an encrypted database (SQLCipher's first 16 bytes
/// are a random salt, text by chance about once in ten million), or a
/// binary file that is not a database, which the key check then reports.
pub fn is_encrypted(path: &Path) -> std::io::Result<bool> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let mut head = Vec::with_capacity(16);
    file.by_ref().take(16).read_to_end(&mut head)?;
    let text = std::str::from_utf8(&head).is_ok_and(|t| {
        t.chars()
            .all(|c| !c.is_control() || c.is_ascii_whitespace())
    });
    Ok(!head.is_empty() && head.as_slice() != CLEAR_HEADER.as_slice() && !text)
}

/// SQLCipher writes its log to stderr by default, over a TUI's screen:
/// silenced on every connection, keyed or not.
pub(crate) fn quiet(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(()),
            e => Err(e),
        })
}

/// A connection of its own to a database, reading only, keyed with `key`
/// when it is encrypted: a thread's beside the app's, a backup's summary.
pub(crate) fn open_reading(
    path: &std::path::Path,
    key: Option<&Passphrase>,
) -> rusqlite::Result<Connection> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX
        | rusqlite::OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    match key {
        Some(pass) => self::key(&conn, pass)?,
        None => quiet(&conn)?,
    }
    Ok(conn)
}

/// Keys `conn` and checks the key at once with a read: SQLCipher accepts
/// any key and only fails at the first page read. A wrong key comes back as
/// SQLite's « not a database », before anything is written.
pub(crate) fn key(conn: &Connection, pass: &Passphrase) -> rusqlite::Result<()> {
    quiet(conn)?;
    conn.pragma_update(None, "key", pass.expose())?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_clear_databases_are_not_taken_for_encrypted_ones() {
        let dir = tempfile::tempdir().expect("tmp");
        let file = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).expect("write");
            p
        };
        let text = file("notes", "Procès-verbal du 10 juillet".as_bytes());
        assert!(!is_encrypted(&text).expect("read"));
        let clear = file("clear", b"SQLite format 3\0 and pages");
        assert!(!is_encrypted(&clear).expect("read"));
        let empty = file("empty", b"");
        assert!(!is_encrypted(&empty).expect("read"));
        assert!(!is_encrypted(&dir.path().join("missing")).expect("read"));
        let salt = file("salt", &[0x8f, 0x01, 0xd2, 0x7a, 0x00, 0xff, 0x13, 0x9c]);
        assert!(is_encrypted(&salt).expect("read"));
    }

    #[test]
    fn a_passphrase_is_never_printed() {
        let p = Passphrase::new("cheval agrafe".into());
        assert_eq!(format!("{p:?}"), "Passphrase(***)");
        assert_eq!(p.expose(), "cheval agrafe");
    }
}
