//! `jury dossier REF`: one applicant's complete file as a PDF, for a
//! right-of-access (RGPD art. 15) or document-access (CADA) request. Like
//! letters and minutes, refused over a record `jury verify` would not call
//! intact; the extraction is itself an audit event.

use crate::io::files::{FileError, write_atomic};
use crate::io::produce::{self, ProduceError};
use crate::store::{CALL_DIR_KEY, Store};
use chrono::NaiveDate;
use jury_core::access::{AccessInput, Piece};
use jury_core::fr::Lang;
use jury_core::names::Found;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The SHA-256 of an attachment found inside the call folder (None: not
/// there, or a link leading out of it).
fn piece_hash(call_dir: Option<&Path>, path: &str) -> Option<String> {
    let dir = call_dir?;
    if crate::io::files::piece_in(dir, path) != jury_core::dossier::Piece::Found {
        return None;
    }
    let mut file = std::fs::File::open(dir.join(path)).ok()?;
    let mut h = Sha256::new();
    std::io::copy(&mut file, &mut h).ok()?;
    Some(jury_core::hex(&h.finalize()))
}

/// The rows about dossier `r`.
fn about<T>(rows: Vec<T>, reference: impl Fn(&T) -> &String, r: &str) -> Vec<T> {
    rows.into_iter().filter(|x| reference(x) == r).collect()
}

/// Writes `reference`'s file to `out` and records the extraction by
/// `actor`. The reference is matched as a member's name is: exact after
/// normalisation, else refused with those close to it.
pub fn write_dossier(
    store: &mut Store,
    reference: &str,
    out: &Path,
    actor: &str,
    today: NaiveDate,
) -> Result<PathBuf, ProduceError> {
    let src = produce::load(store)?;
    let d = match jury_core::names::find(
        reference,
        src.dossiers.iter().map(|d| d.reference.as_str()),
    ) {
        Found::Member(r) => src.dossiers.iter().find(|d| d.reference == r),
        Found::DidYouMean(close) => {
            return Err(ProduceError::UnknownDossier {
                typed: reference.to_string(),
                close,
            });
        }
        Found::Unknown | Found::Unreadable => None,
    }
    .ok_or_else(|| ProduceError::UnknownDossier {
        typed: reference.to_string(),
        close: Vec::new(),
    })?;
    let d = &d.full();
    let r = d.reference.as_str();
    let call_dir = store.meta(CALL_DIR_KEY)?.map(PathBuf::from);
    let pieces: Vec<Piece> = d
        .attachments
        .iter()
        .map(|a| Piece {
            title: a.title.clone(),
            path: a.path.clone(),
            hash: piece_hash(call_dir.as_deref(), &a.path),
        })
        .collect();
    let data = &src.committee.data;
    let scores = about(store.load_scores()?, |s| &s.reference, r);
    let conflicts = about(data.conflicts.clone(), |c| &c.reference, r);
    let decisions = about(data.decisions.clone(), |x| &x.reference, r);
    let letters = about(store.letters()?, |l| &l.reference, r);
    let eligibility = jury_core::eligibility::evaluate(&src.call, d, Lang::Fr);
    let doc = jury_core::access::document(&AccessInput {
        call: &src.call,
        dossier: d,
        pieces: &pieces,
        scores: &scores,
        eligibility: &eligibility,
        override_: data.overrides.iter().find(|o| o.reference == r),
        conflicts: &conflicts,
        decisions: &decisions,
        sessions: &data.sessions,
        letters: &letters,
        today,
    });
    let pdf = crate::io::render::pdf::render(&doc)?;
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::io::files::create_private_dir_all(parent).map_err(FileError::at(parent))?;
    }
    write_atomic(out, &pdf)?;
    let reference = r.to_string();
    store.record_access(
        actor,
        &reference,
        &out.display().to_string(),
        &jury_core::sha256_hex(&pdf),
    )?;
    Ok(out.to_path_buf())
}
