//! Files derived from an encrypted database (exports, minutes) sealed in
//! the age format: with the database's passphrase (age's scrypt
//! recipient), or to an X25519 recipient. `age -d FILE.age` opens them.

use crate::io::files::{FileError, write_atomic};
use crate::store::{Passphrase, Store, StoreError};
use age::secrecy::SecretString;
use jury_core::fr::Lang;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The suffix of a sealed file.
pub const SUFFIX: &str = "age";

/// Why a sealed file could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// Not an age file, a wrong passphrase or identity, or damaged.
    Open(#[source] age::DecryptError),
    Read(#[source] std::io::Error),
}

impl SealError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            SealError::Open(e) => format!(
                "{} ({e})",
                lang.t(
                    "fichier chiffré illisible : phrase secrète ou clé incorrecte, ou fichier endommagé",
                    "unreadable encrypted file: wrong passphrase or key, or damaged file",
                )
            ),
            SealError::Read(e) => lang.io_error(e),
        }
    }
}

jury_core::french_display!(SealError);

fn secret(pass: &Passphrase) -> SecretString {
    SecretString::from(pass.expose().to_owned())
}

fn seal(bytes: &[u8], encryptor: age::Encryptor) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() + 256);
    let mut writer = encryptor.wrap_output(&mut out)?;
    writer.write_all(bytes)?;
    writer.finish()?;
    Ok(out)
}

fn open(sealed: &[u8], identity: &dyn age::Identity) -> Result<Vec<u8>, SealError> {
    let decryptor = age::Decryptor::new(sealed).map_err(SealError::Open)?;
    let mut reader = decryptor
        .decrypt(std::iter::once(identity))
        .map_err(SealError::Open)?;
    let mut out = Vec::new();
    reader.read_to_end(&mut out).map_err(SealError::Read)?;
    Ok(out)
}

/// Seals `bytes` with a passphrase (scrypt).
pub fn seal_with_passphrase(bytes: &[u8], pass: &Passphrase) -> std::io::Result<Vec<u8>> {
    seal(bytes, age::Encryptor::with_user_passphrase(secret(pass)))
}

/// Opens what [`seal_with_passphrase`] (or `age -p`) sealed.
pub fn open_with_passphrase(sealed: &[u8], pass: &Passphrase) -> Result<Vec<u8>, SealError> {
    open(sealed, &age::scrypt::Identity::new(secret(pass)))
}

/// Seals `bytes` to an X25519 recipient (`age1…`), who alone opens it.
pub fn seal_to(bytes: &[u8], recipient: &age::x25519::Recipient) -> std::io::Result<Vec<u8>> {
    let encryptor = age::Encryptor::with_recipients(std::iter::once(recipient as _))
        .map_err(std::io::Error::other)?;
    seal(bytes, encryptor)
}

/// Opens what [`seal_to`] sealed, with the recipient's identity.
pub fn open_with_identity(
    sealed: &[u8],
    identity: &age::x25519::Identity,
) -> Result<Vec<u8>, SealError> {
    open(sealed, identity)
}

/// Does `bytes` start like an age file?
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(b"age-encryption.org/v1")
}

/// Letters and digits nobody mistakes for one another when reading them
/// over the phone: no I, O, 0 or 1.
const PASSWORD_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A password made for one bundle: 25 characters of a 32-letter alphabet
/// (125 bits), in five groups of five, `K7QDM-9ZPXA-…`.
pub fn one_time_password() -> std::io::Result<String> {
    let mut bytes = [0u8; 25];
    getrandom::fill(&mut bytes).map_err(std::io::Error::other)?;
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| PASSWORD_ALPHABET[(b & 31) as usize] as char)
        .collect();
    Ok(chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

/// The passphrase a typed bundle password stands for: a password of this
/// alphabet typed with other spaces, dashes or case is read as printed
/// (`K7QDM-9ZPXA-…`), the form that also opens the member's database.
pub fn typed_password(typed: &str) -> Passphrase {
    let bare: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if bare.len() == 25 && bare.bytes().all(|b| PASSWORD_ALPHABET.contains(&b)) {
        let groups: Vec<&str> = (0..5).map(|i| &bare[i * 5..i * 5 + 5]).collect();
        Passphrase::new(groups.join("-"))
    } else {
        Passphrase::new(typed.to_string())
    }
}

/// A new X25519 identity (`AGE-SECRET-KEY-1…`), whose recipient is
/// `identity.to_public()`.
pub fn new_identity() -> age::x25519::Identity {
    age::x25519::Identity::generate()
}

/// The `meta` key holding the chair's X25519 identity in an encrypted
/// database, so members' packets can later be sealed to the chair (its
/// recipient, `age1…`, travels in bundles) and opened with no passphrase.
pub const CHAIR_IDENTITY_KEY: &str = "age_identity";

/// The chair's identity, made and kept in the database on first use; None
/// for a clear database, where the secret key would lie in clear.
pub fn chair_identity(store: &mut Store) -> Result<Option<age::x25519::Identity>, StoreError> {
    use age::secrecy::ExposeSecret;
    if store.passphrase().is_none() {
        return Ok(None);
    }
    if let Some(stored) = store.meta(CHAIR_IDENTITY_KEY)?
        && let Ok(identity) = stored.parse::<age::x25519::Identity>()
    {
        return Ok(Some(identity));
    }
    let identity = new_identity();
    store.set_meta(CHAIR_IDENTITY_KEY, identity.to_string().expose_secret())?;
    Ok(Some(identity))
}

/// Where a derived file goes: `path` itself when the database is clear,
/// `path.age` when it is encrypted.
pub fn target(path: &Path, key: Option<&Passphrase>) -> PathBuf {
    match key {
        Some(_) => sealed_name(path),
        None => path.to_path_buf(),
    }
}

/// `path.age`, or `path` when it already ends so.
pub fn sealed_name(path: &Path) -> PathBuf {
    if path.extension().is_some_and(|x| x == SUFFIX) {
        return path.to_path_buf();
    }
    let mut name = path.as_os_str().to_os_string();
    name.push(".");
    name.push(SUFFIX);
    PathBuf::from(name)
}

/// Writes a file derived from the database: in clear for a clear
/// database, sealed with its passphrase into `path.age` for an encrypted
/// one. Returns the path written.
pub fn write_derived(
    path: &Path,
    bytes: &[u8],
    key: Option<&Passphrase>,
) -> Result<PathBuf, FileError> {
    let target = target(path, key);
    match key {
        Some(pass) => {
            let sealed = seal_with_passphrase(bytes, pass).map_err(FileError::at(&target))?;
            write_atomic(&target, &sealed)?;
        }
        None => write_atomic(&target, bytes)?,
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_password_reads_as_printed_however_it_is_typed() {
        let printed = one_time_password().expect("random");
        assert_eq!(printed.len(), 29);
        assert_eq!(printed.matches('-').count(), 4);
        assert!(
            printed
                .bytes()
                .all(|b| b == b'-' || PASSWORD_ALPHABET.contains(&b))
        );
        assert_ne!(printed, one_time_password().expect("random"));
        let sloppy = printed.replace('-', " ").to_lowercase();
        assert_eq!(typed_password(&sloppy).expose(), printed);
        assert_eq!(typed_password(&printed).expose(), printed);
        // Anything else is taken as typed.
        assert_eq!(typed_password("une phrase").expose(), "une phrase");
    }

    #[test]
    fn a_passphrase_seals_and_opens_and_a_wrong_one_does_not() {
        let pass = Passphrase::new("cheval agrafe pile".into());
        let sealed = seal_with_passphrase(b"Nadia Benali", &pass).expect("seal");
        assert!(sealed.starts_with(b"age-encryption.org/v1\n"));
        assert!(!sealed.windows(5).any(|w| w == b"Nadia"));
        assert_eq!(
            open_with_passphrase(&sealed, &pass).expect("open"),
            b"Nadia Benali"
        );
        let wrong = Passphrase::new("autre".into());
        assert!(matches!(
            open_with_passphrase(&sealed, &wrong),
            Err(SealError::Open(_))
        ));
    }

    #[test]
    fn a_recipient_seals_and_only_its_identity_opens() {
        let chair = new_identity();
        let sealed = seal_to(b"notes", &chair.to_public()).expect("seal");
        assert_eq!(open_with_identity(&sealed, &chair).expect("open"), b"notes");
        assert!(open_with_identity(&sealed, &new_identity()).is_err());
        let parsed: age::x25519::Recipient = chair
            .to_public()
            .to_string()
            .parse()
            .expect("an age1… recipient reads back");
        assert_eq!(parsed.to_string(), chair.to_public().to_string());
    }

    #[test]
    fn derived_files_get_the_age_suffix_only_when_encrypted() {
        let pass = Passphrase::new("x".into());
        assert_eq!(target(Path::new("a/x.json"), None), Path::new("a/x.json"));
        assert_eq!(
            target(Path::new("a/x.json"), Some(&pass)),
            Path::new("a/x.json.age")
        );
        assert_eq!(
            target(Path::new("a/x.json.age"), Some(&pass)),
            Path::new("a/x.json.age")
        );
    }
}
