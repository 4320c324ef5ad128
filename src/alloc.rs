//! The executable's allocator (`main.rs` makes it the global one): mimalloc,
//! with two policies of Jury's own. An opening of 100 000 dossiers makes
//! about a million small strings and a few vectors of tens of megabytes;
//! the C library's malloc was a quarter of its profile, and gave its large
//! blocks back to the system to fault them in again.
//!
//! - **Large blocks on huge pages.** A block of 4 Mo or more is advised to
//!   the kernel as backed by 2 Mo pages: one fault instead of 512 when it
//!   is first touched. mimalloc is built without its own advice (`no_thp`),
//!   which put every heap on huge pages: a 1 000-dossier call then held
//!   66 Mo instead of 30, each page touched holding 2 Mo.
//! - **Freed memory kept as long as the call needs it.** mimalloc gives
//!   freed pages back to the system after a delay. A small call keeps its
//!   footprint small with a short one ([`SHORT`]); an opening that finds a
//!   large base asks for mimalloc's own second ([`expect_large_call`]), so
//!   the pages one step frees serve the next instead of being faulted in
//!   again (a reopening of 100 000 dossiers: 172 → 147 ms median here).
//!
//! The library's own tests run on the system's allocator; these calls then
//! set options of an allocator nothing uses.

use std::alloc::{GlobalAlloc, Layout};

/// The global allocator: mimalloc's, large blocks advised on huge pages.
pub struct Allocator;

/// From this size, a block is advised on huge pages.
const LARGE: usize = 4 << 20;

/// mimalloc's `mi_option_purge_delay` (its `mimalloc.h`; the Rust binding
/// names no constant for it): milliseconds before freed pages go back to
/// the system. A test checks it reads mimalloc's default.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// The delay while the call is small (mimalloc 2's default).
const SHORT: std::ffi::c_long = 10;

/// The delay once a large call is open (mimalloc 3's default).
const LONG: std::ffi::c_long = 1000;

/// The delay for a process that has opened nothing yet: `main` calls it
/// first thing.
pub fn start() {
    set_purge_delay(SHORT);
}

/// An opening found a large base (see `tui::App::open_with`): freed pages
/// are kept a second, for the steps that follow.
pub fn expect_large_call() {
    set_purge_delay(LONG);
}

fn set_purge_delay(ms: std::ffi::c_long) {
    // SAFETY: mimalloc's options are plain integers it reads atomically;
    // setting one takes no pointer and is allowed at any time.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, ms) }
}

/// Advises the 2 Mo pages lying wholly inside the block at `p` of `size`
/// bytes as huge pages (Linux; elsewhere nothing). Only a hint: what the
/// block holds does not change.
fn advise_huge(p: *mut u8, size: usize) {
    #[cfg(target_os = "linux")]
    if size >= LARGE && !p.is_null() {
        const HUGE: usize = 2 << 20;
        let start = p as usize;
        let (from, to) = (start.next_multiple_of(HUGE), (start + size) / HUGE * HUGE);
        if to > from {
            // SAFETY: [from, to) lies within the block just allocated, and
            // madvise(MADV_HUGEPAGE) only changes how the kernel backs its
            // pages: nothing is read or written through the pointer.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
}

// SAFETY: every call is mimalloc's own, with the same arguments; the
// advice changes no block's contents or bounds.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { mimalloc::MiMalloc.alloc(layout) };
        advise_huge(p, layout.size());
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) };
        advise_huge(p, layout.size());
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) };
        advise_huge(p, new_size);
        p
    }
}

#[cfg(test)]
mod tests {
    /// The option this module sets is the purge delay: nothing else of
    /// mimalloc's defaults to 1 000 (see its `options.c`). Read before
    /// this test process sets it (only `main` and an opening do).
    #[test]
    fn purge_delay_is_the_option_set() {
        // SAFETY: reading an option takes no pointer.
        let delay = unsafe { libmimalloc_sys::mi_option_get(super::PURGE_DELAY) };
        assert_eq!(delay, super::LONG);
    }
}
