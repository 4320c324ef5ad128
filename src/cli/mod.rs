//! The command line: arguments, the subcommands that need no terminal, and
//! `jury bench`.

pub mod args;
pub mod bench;
pub mod commands;
pub mod crypt;
pub mod new;
pub mod rights;
pub mod speak;

use crate::store::{Store, StoreError};
use crate::tui::secret::{SecretError, Source};
use jury_core::fr::Lang;
use std::path::Path;
use std::process::ExitCode;
use std::sync::OnceLock;

/// Where passphrases come from (`--passphrase-file`, else the terminal),
/// set once by `main` from the global option: every command that opens a
/// database reads it here rather than through each one's arguments.
static SECRET: OnceLock<Source> = OnceLock::new();

/// Records the global `--passphrase-file` (and `--encrypt`) for the run.
pub fn set_secret(source: Source) {
    let _ = SECRET.set(source);
}

/// How this run obtains passphrases.
pub fn secret() -> Source {
    SECRET.get().cloned().unwrap_or_default()
}

/// Why a command could not open its database.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    Store(#[from] StoreError),
    Secret(#[from] SecretError),
    Bundle(#[from] crate::io::bundle::BundleError),
}

impl OpenError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            OpenError::Store(e) => e.message(lang),
            OpenError::Secret(e) => e.message(lang),
            OpenError::Bundle(e) => e.message(lang),
        }
    }
}

jury_core::french_display!(OpenError);

/// `db` must be an existing file: a mistyped `--db` must not create one.
pub fn must_exist(db: &Path, lang: Lang) -> Result<(), ExitCode> {
    if db.is_file() {
        return Ok(());
    }
    Err(fail(
        2,
        lang.located_t(
            db.display(),
            "base introuvable ; indiquez le fichier avec --db.",
            "database not found; give the file with --db.",
        ),
    ))
}

/// Opens an existing database, asking its passphrase when it is encrypted.
pub fn open_store(db: &Path, lang: Lang) -> Result<Store, OpenError> {
    let key = secret().for_open(db, lang)?;
    open_keyed(db, key, Store::open_with)
}

/// Opens an existing database for a command that may run while the app
/// has it open (see [`Store::open_beside`]).
pub fn open_store_beside(db: &Path, lang: Lang) -> Result<Store, OpenError> {
    let key = secret().for_open(db, lang)?;
    open_keyed(db, key, Store::open_beside)
}

/// A member's database is keyed with their bundle's password as printed
/// (`7PWPR-8XV5M-…`); typed as read over the phone (lower case, spaces) it
/// is tried in that form too, as the bundle's own prompt does.
fn open_keyed(
    db: &Path,
    key: Option<crate::store::Passphrase>,
    open: impl Fn(&Path, Option<&crate::store::Passphrase>) -> Result<Store, StoreError>,
) -> Result<Store, OpenError> {
    match (open(db, key.as_ref()), key) {
        (Err(StoreError::WrongPassphrase(p)), Some(typed)) => {
            let printed = crate::io::seal::typed_password(typed.expose());
            if printed.expose() == typed.expose() {
                return Err(StoreError::WrongPassphrase(p).into());
            }
            Ok(open(db, Some(&printed))?)
        }
        (opened, _) => Ok(opened?),
    }
}

/// Prints an error (already in the user's language) and exits with `code`.
/// Control characters from outside text (a file name, a library's words)
/// are shown, not sent to the terminal.
pub fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    let message = message.to_string();
    eprintln!("{}", jury_core::fr::visible_lines(message.trim_end()));
    ExitCode::from(code)
}

/// Past the call's retention period, every command on its database says so
/// on stderr (its output stays clean for pipes).
pub fn warn_retention(store: &crate::store::Store, lang: jury_core::fr::Lang) {
    if matches!(store.holds_personal_data(), Ok(false)) {
        return;
    }
    let call = store
        .stored_call()
        .ok()
        .flatten()
        .and_then(|v| jury_core::call::Call::from_value(&v).ok());
    if let Some(notice) = call.and_then(|c| c.retention_notice(crate::tui::today(), lang)) {
        eprintln!("{}", jury_core::fr::visible_lines(&notice));
    }
}
