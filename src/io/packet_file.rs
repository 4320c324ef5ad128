//! A review packet as a file: written by the member's Jury, sealed to the
//! chair when the call is encrypted (the chair's age recipient came in the
//! member's bundle), and read back at the chair's, opened with the chair's
//! identity when sealed. The packet inside is the same either way.

use crate::io::bundle::RECIPIENT_KEY;
use crate::io::files::{FileError, write_atomic};
use crate::io::seal;
use crate::store::{Store, StoreError};
use jury_core::fr::Lang;
use jury_core::packet::{Packet, PacketError};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum PacketFileError {
    File(#[from] FileError),
    Store(#[from] StoreError),
    /// The packet file (its path) does not read as a packet.
    Packet(PathBuf, #[source] PacketError),
    /// Sealed to a chair this database is not (its path), or damaged.
    Sealed(PathBuf),
    /// The chair's recipient kept from the bundle does not read.
    Recipient,
}

impl PacketFileError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            PacketFileError::File(e) => e.message(lang),
            PacketFileError::Store(e) => e.message(lang),
            PacketFileError::Packet(path, e) => lang.located(path.display(), e.message(lang)),
            PacketFileError::Sealed(path) => lang.located_t(
                path.display(),
                "paquet chiffré pour la présidence d'un appel chiffré, que cette base ne peut pas ouvrir (base en clair, ou d'une autre présidence, ou paquet endommagé) : rien n'a été importé.",
                "packet sealed to the chair of an encrypted call, which this database cannot open (a clear one, another chair's, or a damaged packet): nothing was imported.",
            ),
            PacketFileError::Recipient => lang
                .t(
                    "la clé de chiffrement de la présidence gardée avec votre lot est illisible : demandez un nouveau lot ; aucun paquet n'a été écrit.",
                    "the chair's encryption key kept with your bundle does not read: ask for a new bundle; no packet was written.",
                )
                .into(),
        }
    }
}

jury_core::french_display!(PacketFileError);

/// Writes `packet` to `path`, or to `path.age` sealed to the chair when
/// the member's bundle named the chair's recipient. Returns the path
/// written and whether it is sealed.
pub fn write(
    store: &Store,
    packet: &Packet,
    path: &Path,
) -> Result<(PathBuf, bool), PacketFileError> {
    let text = packet.to_json();
    match store.meta(RECIPIENT_KEY)? {
        None => {
            write_atomic(path, text.as_bytes())?;
            Ok((path.to_path_buf(), false))
        }
        Some(recipient) => {
            let recipient: age::x25519::Recipient =
                recipient.parse().map_err(|_| PacketFileError::Recipient)?;
            let target = seal::sealed_name(path);
            let sealed = seal::seal_to(text.as_bytes(), &recipient)
                .map_err(|e| FileError::new(&target, e))?;
            write_atomic(&target, &sealed)?;
            Ok((target, true))
        }
    }
}

/// Reads a clear packet at `path`, without a database.
pub fn read_clear(path: &Path) -> Result<Packet, PacketFileError> {
    let bytes = std::fs::read(path).map_err(|e| FileError::new(path, e))?;
    jury_core::packet::open(&bytes).map_err(|e| PacketFileError::Packet(path.into(), e))
}

/// Reads the packet at `path`, opening it with the chair's identity when
/// it is sealed.
pub fn read(store: &mut Store, path: &Path) -> Result<Packet, PacketFileError> {
    let bytes = std::fs::read(path).map_err(|e| FileError::new(path, e))?;
    let bytes = if seal::is_sealed(&bytes) {
        let identity =
            seal::chair_identity(store)?.ok_or_else(|| PacketFileError::Sealed(path.into()))?;
        seal::open_with_identity(&bytes, &identity)
            .map_err(|_| PacketFileError::Sealed(path.into()))?
    } else {
        bytes
    };
    jury_core::packet::open(&bytes).map_err(|e| PacketFileError::Packet(path.into(), e))
}
