//! Jury's domain, with no terminal, SQL, PDF or file access: what a call
//! is, how a dossier is checked and scored, how a committee ranks and
//! decides, what a letter and the minutes say, how the audit chain and the
//! review packets are sealed. The app crate reads and writes the files, the
//! database and the terminal around it.

pub mod access;
pub mod aggregate;
pub mod anonymise;
pub mod assign;
pub mod audit;
pub mod budget;
pub mod call;
pub mod committee;
pub mod completion;
pub mod compose;
pub mod convocation;
pub mod coverage;
pub mod dates;
pub mod decision;
pub mod document;
pub mod dossier;
pub mod eligibility;
pub mod format;
pub mod fr;
pub mod grid;
pub mod hex;
pub mod institutions;
pub mod intake;
pub mod json;
pub mod labels;
pub mod lot;
pub mod model;
pub mod names;
pub mod packet;
pub mod par;
pub mod ranking;
pub mod records;
pub mod replay;
pub mod request;
pub mod schedule;
pub mod search;
pub mod snapshot;
pub mod stage;
pub mod templates;
#[cfg(test)]
mod test_rng;
pub mod typography;
pub mod withdrawal;

pub use hex::{hex, sha256_hex};
