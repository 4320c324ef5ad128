//! The executable's allocator (`main.rs` makes it the global one): mimalloc,
//! with two policies of Jury's own (measured on interleaved runs here). An opening of 100 000 dossiers makes
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
//!   large base, or a folder of [`LARGE_CALL`] dossier files or more, asks
//!   for mimalloc's own second ([`expect_large_call`]), so the pages one
//!   step frees serve the next instead of being faulted in again (a
//!   reopening of 100 000 dossiers: 172 → 147 ms median).
//!
//! The library's own tests run on the system's allocator; `start` and
//! `expect_large_call` then set options of an allocator nothing uses.

use std::alloc::{GlobalAlloc, Layout};

/// The global allocator: mimalloc's, large blocks advised on huge pages.
pub struct Allocator;

/// From this size, a block is advised on huge pages.
const LARGE: usize = 4 << 20;

/// mimalloc's `mi_option_purge_delay` (its `mimalloc.h`; the Rust binding
/// names no constant for it): milliseconds before freed pages go back to
/// the system. It comes right before an option the binding names, which
/// the assertion below holds it to.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const _: () = assert!(PURGE_DELAY + 1 == libmimalloc_sys::mi_option_use_numa_nodes);

/// The delay while the call is small (mimalloc 2's default).
const SHORT: std::ffi::c_long = 10;

/// The delay once a large call is open (mimalloc 3's default).
const LONG: std::ffi::c_long = 1000;

/// The delay for a process that has opened nothing yet: `main` calls it
/// first thing.
pub fn start() {
    set_purge_delay(SHORT);
}

/// Dossier files from which a call folder is a large call's (about the
/// size of `tui`'s large base).
pub const LARGE_CALL: usize = 5_000;

/// An opening found a large base (see `tui::App::open_with`) or a large
/// call folder (see `io::import`): freed pages are kept a second, for the
/// steps that follow.
pub fn expect_large_call() {
    set_purge_delay(LONG);
}

/// Overrides `MIMALLOC_PURGE_DELAY` from the environment, if any.
fn set_purge_delay(ms: std::ffi::c_long) {
    // SAFETY: mimalloc allows setting an option at any time; it takes no
    // pointer. The option is an aligned `long` written without atomics: a
    // thread allocating meanwhile reads the old delay or the new one.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, ms) }
}

/// Advises the 2 Mo pages lying wholly inside the block at `p` of `size`
/// bytes as huge pages (Linux; elsewhere nothing). Only a hint: what the
/// block holds does not change. The advice stays on those addresses once
/// the block is freed (small blocks mimalloc puts there later may get huge
/// pages too): only a large call makes such blocks, and it keeps its
/// memory. A failed advice (a kernel without huge pages) leaves `errno`
/// as the caller had it.
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
            // errno is this thread's, read and written in place.
            unsafe {
                let errno = libc::__errno_location();
                let saved = *errno;
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
                *errno = saved;
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

    /// A block growing to a large size is allocated (and advised) before
    /// its bytes are copied in, unless it grows in place: advised after
    /// mimalloc's own copy, its pages would already be faulted in small.
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size < LARGE || new_size <= layout.size() {
            return unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) };
        }
        // SAFETY: `ptr` is a live block of this allocator; mi_expand grows
        // it in place or returns null, leaving it as it was.
        let grown = unsafe { libmimalloc_sys::mi_expand(ptr.cast(), new_size) };
        if !grown.is_null() {
            advise_huge(ptr, new_size);
            return ptr;
        }
        // SAFETY: GlobalAlloc's contract gives a valid layout for
        // `new_size` with the same alignment; the old block is live for
        // `layout.size()` bytes, the new one holds `new_size`, larger.
        unsafe {
            let new = Layout::from_size_align_unchecked(new_size, layout.align());
            let p = self.alloc(new);
            if !p.is_null() {
                std::ptr::copy_nonoverlapping(ptr, p, layout.size());
                self.dealloc(ptr, layout);
            }
            p
        }
    }
}
