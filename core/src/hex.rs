//! Lowercase hexadecimal, the one way Jury writes a fingerprint: dossier
//! and letter hashes, the audit chain, packet checksums, bundle manifests.

use sha2::{Digest, Sha256};

/// `bytes` as lowercase hexadecimal, two digits a byte.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// The SHA-256 of `bytes`, in hexadecimal.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A key's fingerprint in a form people read to each other over the phone:
/// the first 16 bytes of its SHA-256, uppercase, in 8 groups of 4 digits
/// (`7F3A 91C2 …`).
pub fn spoken_fingerprint(key: &[u8]) -> String {
    let digits = hex(&Sha256::digest(key)[..16]).to_uppercase();
    digits
        .as_bytes()
        .chunks(4)
        .map(|g| String::from_utf8_lossy(g).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Hexadecimal (either case) back to bytes; `None` when it is not.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    let value = |d: u8| char::from(d).to_digit(16).map(|v| v as u8);
    digits
        .chunks(2)
        .map(|pair| Some((value(pair[0])? << 4) | value(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_lowercase_digits_a_byte() {
        assert_eq!(hex(&[]), "");
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn spoken_fingerprints_are_eight_groups_of_four() {
        let f = spoken_fingerprint(b"abc");
        assert_eq!(f, "BA78 16BF 8F01 CFEA 4141 40DE 5DAE 2223");
    }

    #[test]
    fn hex_reads_back() {
        assert_eq!(unhex("000fA5ff"), Some(vec![0x00, 0x0f, 0xa5, 0xff]));
        assert_eq!(unhex(""), Some(vec![]));
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
    }
}
