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
use std::mem::MaybeUninit;
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
/// decoded on the other cores as `parts` are read, each run moved into its
/// place among the entries by the thread that decoded it: all decoded
/// apart, then moved together, they were 43 Mo more to fault in and copy
/// on this thread at 100 000 dossiers.
pub fn read(
    parts: &mut dyn Iterator<Item = Vec<u8>>,
    keeper: &Arc<dyn TextKeeper>,
) -> Option<(Vec<Entry>, Index)> {
    let head = parts.next()?;
    // The count leads the head: read alone, so that the entries' room is
    // made before any run is decoded.
    let count: u64 = codec().allow_trailing_bytes().deserialize(&head).ok()?;
    let count = usize::try_from(count).ok()?;
    let mut entries: Vec<Entry> = Vec::new();
    // A damaged count is refused room, not an abort: nothing is kept.
    entries.try_reserve_exact(count).ok()?;
    let places = entries.spare_capacity_mut()[..count].chunks_mut(RUN);
    // The places lead: once they are all handed out, no part is taken.
    let jobs = std::iter::once(Job::Head(head)).chain(
        places
            .zip(&mut *parts)
            .map(|(place, part)| Job::Run(part, place)),
    );
    let done = jury_core::par::map_streamed(jobs, |job| match job {
        Job::Head(part) => Done::Head(
            codec()
                .deserialize::<(u64, Index)>(&part)
                .ok()
                .map(|(_, index)| index),
        ),
        Job::Run(part, place) => Done::Run(fill(&part, place, keeper)),
    });
    let mut index = None;
    let mut filled = Vec::with_capacity(done.len());
    for d in done {
        match d {
            Done::Head(i) => index = i,
            Done::Run(f) => filled.push(f),
        }
    }
    let whole =
        filled.len() == count.div_ceil(RUN) && filled.iter().all(|f| *f) && parts.next().is_none();
    match index {
        Some(index) if whole && index.holds(SEARCH_FIELDS, count) => {
            // SAFETY: the first `count` places were cut in runs of RUN,
            // each run handed to one job (as many jobs ran as there are
            // runs), and each job that returned true wrote every place of
            // its run (`fill`): all `count` are initialised.
            unsafe { entries.set_len(count) };
            Some((entries, index))
        }
        _ => {
            let places = entries.spare_capacity_mut()[..count].chunks_mut(RUN);
            for (place, f) in places.zip(filled) {
                if f {
                    for entry in place {
                        // SAFETY: a run that returned true wrote every
                        // place of its run, and nothing has read or
                        // dropped them since.
                        unsafe { entry.assume_init_drop() };
                    }
                }
            }
            None
        }
    }
}

/// Decodes one run into its `place`, each card leaving its text with
/// `keeper`; true when the run filled it exactly. Nothing is written
/// unless the run fits (a panic while writing would leave those written
/// to leak, never to be dropped twice).
fn fill(part: &[u8], place: &mut [MaybeUninit<Entry>], keeper: &Arc<dyn TextKeeper>) -> bool {
    let Ok(run) = codec().deserialize::<Vec<(i64, Entry)>>(part) else {
        return false;
    };
    if run.len() != place.len() {
        return false;
    }
    for (slot, (version, entry)) in place.iter_mut().zip(run) {
        slot.write(Entry {
            dossier: entry.dossier.kept(Arc::clone(keeper)),
            version,
            ..entry
        });
    }
    true
}

/// A part to decode: the head, or a run and its place among the entries.
enum Job<'a> {
    Head(Vec<u8>),
    Run(Vec<u8>, &'a mut [MaybeUninit<Entry>]),
}

/// A part decoded: the index, or whether a run filled its place.
enum Done {
    Head(Option<Index>),
    Run(bool),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A run decodes into a vector sized once (see [`RUN`]): serde
    /// preallocates up to 1 MiB of a sequence's announced length.
    #[test]
    fn a_run_fits_what_serde_preallocates() {
        let run = RUN * std::mem::size_of::<(i64, Entry)>();
        assert!(run <= 1024 * 1024, "{run} octets par partie");
    }

    struct NoText;

    impl TextKeeper for NoText {
        fn text(&self, _: &str) -> Option<String> {
            None
        }
    }

    /// The sample's entries, copied to fill two runs and part of a third,
    /// with their index, in parts.
    fn kept_parts() -> (usize, Vec<Vec<u8>>) {
        let state = crate::app::update::tests::sample_state(None, Default::default());
        let sample = &state.batch.entries;
        let n = 2 * RUN + 5;
        let entries: Vec<Entry> = (0..n)
            .map(|k| {
                let bytes = codec()
                    .serialize(&sample[k % sample.len()])
                    .expect("encodes");
                codec().deserialize(&bytes).expect("decodes")
            })
            .collect();
        let mut index = Index::new(SEARCH_FIELDS);
        for e in &entries {
            index.push(&e.haystack());
        }
        (n, parts(&entries, &index).collect())
    }

    fn read_back(parts: Vec<Vec<u8>>) -> Option<(Vec<Entry>, Index)> {
        let keeper: Arc<dyn TextKeeper> = Arc::new(NoText);
        read(&mut parts.into_iter(), &keeper)
    }

    #[test]
    fn runs_read_back_in_their_places() {
        let (n, kept) = kept_parts();
        assert_eq!(kept.len(), 4, "the head and three runs");
        let (entries, index) = read_back(kept.clone()).expect("read back whole");
        assert_eq!(entries.len(), n);
        let again: Vec<Vec<u8>> = parts(&entries, &index).collect();
        assert_eq!(again, kept);
    }

    /// Whatever is damaged, nothing is read back, and the runs already
    /// in place are dropped (a double drop or a leak would show under
    /// Miri or a sanitiser; here, that it does not crash).
    #[test]
    fn a_damaged_run_or_count_reads_back_nothing() {
        let (_, kept) = kept_parts();
        let mut last_damaged = kept.clone();
        last_damaged[3] = vec![0, 0xff];
        assert!(read_back(last_damaged).is_none());
        let mut first_damaged = kept.clone();
        first_damaged[1].truncate(10);
        assert!(read_back(first_damaged).is_none());
        let mut short = kept.clone();
        short.pop();
        assert!(read_back(short).is_none());
        let mut long = kept.clone();
        long.push(kept[1].clone());
        assert!(read_back(long).is_none());
        // Runs swapped, here of unequal lengths: neither fits the other's
        // place (two full runs swapped would read back, in the wrong
        // order: the store returns parts by their number).
        let mut swapped = kept.clone();
        swapped.swap(2, 3);
        assert!(read_back(swapped).is_none());
        // A count no memory holds: refused room, not an abort.
        let mut huge = kept;
        huge[0] = codec().serialize(&u64::MAX).expect("encodes");
        assert!(read_back(huge).is_none());
    }
}
