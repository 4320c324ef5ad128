//! The keys of authenticated exchanges, kept in the chair's database.
//!
//! - The chair's Ed25519 signing key: made once per database, the first time
//!   a bundle is issued; every bundle is signed with it and carries its
//!   public half, which members pin per call (`io::bundle`).
//! - One random 32-byte secret per member, made when their bundle is issued
//!   (`jury bundle --for`): their packets are authenticated with it
//!   (HMAC-SHA256, `jury_core::packet`).
//!
//! Issuing a bundle again to the same member makes a new secret, which
//! replaces the old one: a laptop lost or a bundle copied can be cut off by
//! issuing a new bundle, and packets written with the old key are refused
//! naming the newer bundle. Every key ever issued stays in the table (its
//! `bundle.issue` event is in the log, and `jury verify` compares the two).

use super::{Refusal, Store, StoreError, audit, now};
use jury_core::packet;
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::json;

/// The chair's signing key: its 32-byte seed (Ed25519 secret key) and the
/// public key derived from it.
#[derive(Clone, PartialEq)]
pub struct ChairKey {
    pub seed: [u8; 32],
    pub public: [u8; 32],
}

impl ChairKey {
    pub(super) fn from_seed(seed: [u8; 32]) -> ChairKey {
        let public = ed25519_dalek::SigningKey::from_bytes(&seed)
            .verifying_key()
            .to_bytes();
        ChairKey { seed, public }
    }

    /// Read over the phone by the chair and each member (8 groups of 4).
    pub fn fingerprint(&self) -> String {
        jury_core::hex::spoken_fingerprint(&self.public)
    }
}

/// Never prints the seed.
impl std::fmt::Debug for ChairKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChairKey({})", self.fingerprint())
    }
}

/// One member's bundle, issued: what it carries beside the call.
#[derive(Clone, Debug, PartialEq)]
pub struct Issued {
    pub call_id: String,
    pub credential: packet::Credential,
    /// The grid's fingerprint (`jury_core::grid::fingerprint`).
    pub grid: String,
    /// The chair's audit log when the bundle was issued (before its own
    /// `bundle.issue` event): the last hash, and how many events.
    pub audit_head: String,
    pub audit_events: i64,
    pub chair: ChairKey,
}

/// The key currently issued to a member, and when their first was.
pub(super) struct MemberKeys {
    pub current_id: String,
    pub current_secret: Vec<u8>,
    pub current_issued_at: String,
    pub first_issued_at: String,
    /// Every key id ever issued to them, oldest first.
    pub ids: Vec<String>,
}

fn random_32() -> Result<[u8; 32], StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(StoreError::NoRandomness)?;
    Ok(bytes)
}

impl Store {
    /// Issues `member` a new key for their bundle, in one transaction with
    /// its `bundle.issue` event; makes the chair's signing key the first
    /// time. `member` is a committee member's name exactly as stored.
    pub fn issue_bundle_key(&mut self, actor: &str, member: &str) -> Result<Issued, StoreError> {
        let Some(call_id) = self.meta("call_id")? else {
            return Err(Refusal::NoCall.into());
        };
        let grid = self
            .stored_call()?
            .and_then(|v| jury_core::call::Call::from_value(&v).ok())
            .map(|c| jury_core::grid::fingerprint(&c))
            .ok_or(Refusal::NoCall)?;
        let secret = random_32()?;
        let fresh_seed = random_32()?;
        self.write(|tx| {
            let known = tx
                .query_row("SELECT 1 FROM members WHERE name = ?1", [member], |_| Ok(()))
                .optional()?;
            if known.is_none() {
                let mut stmt = tx.prepare("SELECT name FROM members ORDER BY name")?;
                let members = stmt
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()?;
                return Err(Refusal::NotAMember {
                    member: member.to_string(),
                    members,
                }
                .into());
            }
            let chair = chair_key(tx, fresh_seed)?;
            let (audit_head, audit_events): (String, i64) = tx.query_row(
                "SELECT COALESCE((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), ''), COUNT(*) FROM audit",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let issued_at = now();
            let key_id = packet::key_id(&secret);
            tx.execute(
                "INSERT INTO member_keys (member, key_id, secret, issued_at, grid) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![member, key_id, secret.as_slice(), issued_at, grid],
            )?;
            // The secret never goes in the log (anyone may read it): its id does.
            audit(
                tx,
                actor,
                "bundle.issue",
                member,
                None,
                Some(
                    &json!({
                        "issued_at": issued_at,
                        "key_id": key_id,
                        "grid": grid,
                        "chair_key": chair.fingerprint(),
                        "audit_head": audit_head,
                        "audit_events": audit_events,
                    })
                    .to_string(),
                ),
            )?;
            Ok(Issued {
                call_id: call_id.clone(),
                credential: packet::Credential {
                    format: packet::CREDENTIAL_FORMAT.into(),
                    call_id: call_id.clone(),
                    member: member.to_string(),
                    key_id,
                    issued_at,
                    secret: jury_core::hex(&secret),
                },
                grid: grid.clone(),
                audit_head,
                audit_events,
                chair,
            })
        })
    }

    /// The fingerprint of the chair's signing key, once a bundle was issued.
    pub fn chair_fingerprint(&self) -> Result<Option<String>, StoreError> {
        let seed: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT seed FROM chair_key", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(seed
            .and_then(|s| <[u8; 32]>::try_from(s).ok())
            .map(|s| ChairKey::from_seed(s).fingerprint()))
    }
}

/// The chair's signing key, made from `fresh_seed` the first time.
fn chair_key(tx: &Transaction, fresh_seed: [u8; 32]) -> rusqlite::Result<ChairKey> {
    let stored: Option<Vec<u8>> = tx
        .query_row("SELECT seed FROM chair_key", [], |r| r.get(0))
        .optional()?;
    if let Some(seed) = stored.and_then(|s| <[u8; 32]>::try_from(s).ok()) {
        return Ok(ChairKey::from_seed(seed));
    }
    tx.execute(
        "INSERT INTO chair_key (id, seed, created_at) VALUES (1, ?1, ?2)",
        params![fresh_seed.as_slice(), now()],
    )?;
    Ok(ChairKey::from_seed(fresh_seed))
}

/// The keys issued to `member`, or None when no bundle was issued to them.
pub(super) fn member_keys(tx: &Transaction, member: &str) -> rusqlite::Result<Option<MemberKeys>> {
    let mut stmt = tx.prepare(
        "SELECT key_id, secret, issued_at FROM member_keys WHERE member = ?1 ORDER BY id",
    )?;
    let rows = stmt
        .query_map([member], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return Ok(None);
    };
    Ok(Some(MemberKeys {
        current_id: last.0.clone(),
        current_secret: last.1.clone(),
        current_issued_at: last.2.clone(),
        first_issued_at: first.2.clone(),
        ids: rows.iter().map(|r| r.0.clone()).collect(),
    }))
}
