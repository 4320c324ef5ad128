//! Where a database's passphrase comes from: a masked prompt on the
//! terminal (/dev/tty, so never echoed, never in argv or the shell's
//! history), or for scripts and tests the first line of a file
//! (`--passphrase-file`). Asked before the TUI takes the screen, like ssh.

use crate::store::Passphrase;
use crate::store::crypt::is_encrypted;
use jury_core::fr::Lang;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How to obtain a passphrase.
#[derive(Clone, Debug, Default)]
pub struct Source {
    /// `--passphrase-file`: its first line.
    pub file: Option<PathBuf>,
    /// `--encrypt`: a database created now is encrypted.
    pub encrypt: bool,
    /// A passphrase already known, a sealed bundle's password: it opens the
    /// member's database, or encrypts it when created now.
    pub known: Option<Passphrase>,
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    Read(PathBuf, #[source] std::io::Error),
    /// The terminal could not be read (none, or closed).
    Terminal(#[source] std::io::Error),
    Empty,
    Mismatch,
}

impl SecretError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            SecretError::Read(p, e) => lang.located(p.display(), lang.io_error(e)),
            SecretError::Terminal(e) => format!(
                "{} ({e})",
                lang.t(
                    "impossible de lire la phrase secrète au terminal ; sans terminal, donnez-la avec --passphrase-file FICHIER",
                    "cannot read the passphrase from the terminal; without one, give it with --passphrase-file FILE",
                )
            ),
            SecretError::Empty => lang
                .t(
                    "Phrase secrète vide : rien n'a été fait.",
                    "Empty passphrase: nothing was done.",
                )
                .into(),
            SecretError::Mismatch => lang
                .t(
                    "Les deux saisies diffèrent : rien n'a été fait.",
                    "The two entries differ: nothing was done.",
                )
                .into(),
        }
    }
}

jury_core::french_display!(SecretError);

impl Source {
    /// The passphrase of an existing database, asked once (None: a clear
    /// one, or none yet), or with `--encrypt` a new one for a database to
    /// create, asked twice.
    pub fn for_open(&self, db: &Path, lang: Lang) -> Result<Option<Passphrase>, SecretError> {
        let encrypted = is_encrypted(db).map_err(|e| SecretError::Read(db.into(), e))?;
        let fresh = std::fs::metadata(db).map_or(true, |m| m.len() == 0);
        if let Some(known) = &self.known
            && (encrypted || fresh)
        {
            return Ok(Some(known.clone()));
        }
        if encrypted {
            return self.existing(db, lang).map(Some);
        }
        if self.encrypt && fresh {
            return self.new_one(db, lang).map(Some);
        }
        Ok(None)
    }

    /// The passphrase of an existing encrypted database, asked once.
    pub fn existing(&self, db: &Path, lang: Lang) -> Result<Passphrase, SecretError> {
        match &self.file {
            Some(f) => from_file(f),
            None => ask(&match lang {
                Lang::Fr => format!("Phrase secrète de {} : ", db.display()),
                Lang::En => format!("Passphrase of {}: ", db.display()),
            }),
        }
    }

    /// The password of a sealed bundle, as the chair gave it.
    pub fn bundle_password(&self, bundle: &Path, lang: Lang) -> Result<Passphrase, SecretError> {
        match &self.file {
            Some(f) => from_file(f),
            None => ask(&match lang {
                Lang::Fr => format!(
                    "Mot de passe du lot {} (donné par la présidence) : ",
                    bundle.display()
                ),
                Lang::En => format!(
                    "Password of the bundle {} (given by the chair): ",
                    bundle.display()
                ),
            }),
        }
    }

    /// A new passphrase, typed twice at the prompt.
    pub fn new_one(&self, db: &Path, lang: Lang) -> Result<Passphrase, SecretError> {
        if let Some(f) = &self.file {
            return from_file(f);
        }
        let first = ask(&match lang {
            Lang::Fr => format!("Nouvelle phrase secrète pour {} : ", db.display()),
            Lang::En => format!("New passphrase for {}: ", db.display()),
        })?;
        let again = ask(lang.t("Retapez-la : ", "Type it again: "))?;
        if first.expose() != again.expose() {
            return Err(SecretError::Mismatch);
        }
        Ok(first)
    }
}

/// A masked prompt on the terminal: nothing typed is echoed.
///
/// Echo is turned off *before* the prompt is printed: rpassword's own
/// `prompt_password` prints first and only then configures the terminal,
/// so a passphrase typed (or pasted) as soon as the prompt appears could be
/// echoed in that window.
fn ask(prompt: &str) -> Result<Passphrase, SecretError> {
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(SecretError::Terminal)?;
    let _quiet = NoEcho::on(&tty).map_err(SecretError::Terminal)?;
    (&tty)
        .write_all(prompt.as_bytes())
        .and_then(|()| (&tty).flush())
        .map_err(SecretError::Terminal)?;
    let typed = rpassword::read_password().map_err(SecretError::Terminal)?;
    non_empty(typed)
}

/// The terminal's echo switched off until dropped, then restored as it was.
struct NoEcho<'a> {
    tty: &'a std::fs::File,
    before: rustix::termios::Termios,
}

impl<'a> NoEcho<'a> {
    fn on(tty: &'a std::fs::File) -> std::io::Result<Self> {
        use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
        let before = tcgetattr(tty)?;
        let mut quiet = before.clone();
        quiet.local_modes.remove(LocalModes::ECHO);
        tcsetattr(tty, OptionalActions::Now, &quiet)?;
        Ok(Self { tty, before })
    }
}

impl Drop for NoEcho<'_> {
    fn drop(&mut self) {
        // Best effort: the terminal is being given back either way.
        let _ = rustix::termios::tcsetattr(
            self.tty,
            rustix::termios::OptionalActions::Now,
            &self.before,
        );
    }
}

/// The first line of `path`, without its line break.
fn from_file(path: &Path) -> Result<Passphrase, SecretError> {
    let text = zeroize::Zeroizing::new(
        std::fs::read_to_string(path).map_err(|e| SecretError::Read(path.into(), e))?,
    );
    let line = text.lines().next().unwrap_or_default();
    non_empty(line.to_owned())
}

fn non_empty(text: String) -> Result<Passphrase, SecretError> {
    if text.is_empty() {
        Err(SecretError::Empty)
    } else {
        Ok(Passphrase::new(text))
    }
}
