//! The entries and the search index an opening made, in the parts the
//! store keeps whole for the next opening (`store/opening.rs`): reading
//! them back is a copy and a decoding of fixed-layout binary, where
//! making them was a walk of the dossiers, a JSON parse of each and a
//! folding of every name again (most of a reopening at 100 000 dossiers).
//!
//! The layout is bincode's (varint lengths) of serde's data model, the
//! types' own derives, fields unnamed: a build that changes them changes
//! the entries' fingerprint (its executable's size and time), under which
//! the parts are kept, so a part read back was written by this very build
//! (the app neither reads nor keeps parts when it cannot tell its build
//! from another of the same version). Anything that does not read back
//! whole (a damaged row, a count that does not add up) is None, and the
//! opening makes its entries as if nothing were kept. The rows changed
//! since the parts were kept are made again into them ([`mend`]).

use super::{Entry, Init, SEARCH_FIELDS, Source, lot_calls, opening_call};
use bincode::Options;
use jury_core::dossier::TextKeeper;
use jury_core::search::Index;
use std::collections::HashMap;
use std::sync::Arc;

/// Entries per part: small enough that a part's decoding is a share of
/// the work for each core, large enough that the parts are few rows. And
/// under 1 Mo of entries (an entry is about 440 bytes): serde sizes a
/// vector it decodes from its announced length only up to 1 Mo, then
/// grows it; runs of 4 096 were each copied once more as they grew (a
/// tenth of a reopening's profile, with the page faults of the copies).
const RUN: usize = 2048;

fn codec() -> impl Options {
    bincode::DefaultOptions::new()
}

/// `entries` (each with its version) and their search `index`, in parts:
/// the index and the number of entries first, then the entries by runs.
/// Each part is encoded as it is taken, never all at once.
pub fn parts<'a>(entries: &'a [Entry], index: &'a Index) -> impl Iterator<Item = Vec<u8>> + 'a {
    let head = codec().serialize(&(entries.len() as u64, index)).ok();
    let runs = entries.chunks(RUN).map(|run| {
        let versioned: Vec<(i64, &Entry)> = run.iter().map(|e| (e.version, e)).collect();
        codec().serialize(&versioned).ok()
    });
    // A part that cannot be encoded (it always can: plain data) ends the
    // parts early, and the count in the head makes them refused.
    std::iter::once(head).chain(runs).map_while(|p| p)
}

/// The entries and index `parts` hold, each card leaving its text with
/// `keeper`; None unless they read back whole. The head and the runs are
/// decoded on the other cores as `parts` are read.
pub fn read(
    parts: &mut dyn Iterator<Item = Vec<u8>>,
    keeper: &Arc<dyn TextKeeper>,
) -> Option<(Vec<Entry>, Index)> {
    let decoded = jury_core::par::map_streamed(parts.enumerate(), |(k, part)| match k {
        0 => codec()
            .deserialize::<(u64, Index)>(&part)
            .ok()
            .map(Decoded::Head),
        _ => codec()
            .deserialize::<Vec<(i64, Entry)>>(&part)
            .ok()
            .map(|run| {
                Decoded::Run(
                    run.into_iter()
                        .map(|(version, entry)| Entry {
                            dossier: entry.dossier.kept(Arc::clone(keeper)),
                            version,
                            ..entry
                        })
                        .collect(),
                )
            }),
    });
    let mut decoded = decoded.into_iter();
    let Some(Some(Decoded::Head((count, index)))) = decoded.next() else {
        return None;
    };
    let count = usize::try_from(count).ok()?;
    if !index.holds(SEARCH_FIELDS, count) {
        return None;
    }
    let mut entries = Vec::with_capacity(count);
    for run in decoded {
        let Some(Decoded::Run(run)) = run else {
            return None;
        };
        entries.extend(run);
    }
    (entries.len() == count).then_some((entries, index))
}

/// The kept `entries` and `index` brought up to date with the rows
/// changed since they were kept (`changed`: each row as it is now): each
/// entry made again as an opening makes it, in its place, or at the end
/// for a dossier new since (as a file read late is: the view sorts), its
/// search fields with it and its card leaving its text with `keeper`.
pub fn mend(
    entries: &mut Vec<Entry>,
    index: &mut Index,
    changed: Vec<Source>,
    init: &Init,
    keeper: &Arc<dyn TextKeeper>,
) {
    if changed.is_empty() {
        return;
    }
    let (_, call) = opening_call(&init.call);
    let lot_calls = lot_calls(&init.call);
    let wanted = jury_core::completion::Wanted::new(&call, &init.templates);
    let wanted_at: HashMap<&str, usize> = changed
        .iter()
        .enumerate()
        .map(|(k, c)| (c.dossier.reference.as_str(), k))
        .collect();
    let mut places = vec![None; changed.len()];
    for (i, e) in entries.iter().enumerate() {
        if let Some(&k) = wanted_at.get(e.dossier.reference.as_str()) {
            places[k] = Some(i);
        }
    }
    drop(wanted_at);
    for (c, place) in changed.into_iter().zip(places) {
        let mut entry = Entry::new(&call, &lot_calls, &wanted, c.dossier, c.text, c.version);
        entry.dossier.leave_text_with(Arc::clone(keeper));
        let hay = entry.haystack();
        match place {
            Some(i) => {
                index.set(i, &hay);
                entries[i] = entry;
            }
            None => {
                index.push(&hay);
                entries.push(entry);
            }
        }
    }
}

/// A part read back.
enum Decoded {
    Head((u64, Index)),
    Run(Vec<Entry>),
}

#[cfg(test)]
mod tests {
    /// A run decodes into a vector sized once (see [`super::RUN`]): serde
    /// preallocates up to 1 MiB of a sequence's announced length.
    #[test]
    fn a_run_fits_what_serde_preallocates() {
        let run = super::RUN * std::mem::size_of::<(i64, super::Entry)>();
        assert!(run <= 1024 * 1024, "{run} octets par partie");
    }
}
