//! Work shared out among the machine's cores, in order: opening a call of
//! 100 000 dossiers parses and evaluates each one, independently.

/// `f` on each item, the items cut into one run per core, the results in
/// the items' order. Under `min` items (or on one core) it runs here: a
/// thread costs more than a few thousand small items.
pub fn map_owned<T: Send, R: Send>(items: Vec<T>, min: usize, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if cores < 2 || items.len() < min.max(2) {
        return items.into_iter().map(f).collect();
    }
    let size = items.len().div_ceil(cores);
    let mut parts: Vec<Vec<T>> = Vec::with_capacity(cores);
    let mut rest = items.into_iter();
    loop {
        let part: Vec<T> = rest.by_ref().take(size).collect();
        if part.is_empty() {
            break;
        }
        parts.push(part);
    }
    let f = &f;
    // The first part on this thread, the others on their own: one thread
    // fewer, and one malloc arena fewer holding freed memory (with glibc a
    // thread allocates from its own arena).
    let mut parts = parts.into_iter();
    let here = parts.next().unwrap_or_default();
    std::thread::scope(|scope| {
        let runs: Vec<_> = parts
            .map(|part| scope.spawn(move || part.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out: Vec<R> = here.into_iter().map(f).collect();
        for run in runs {
            out.extend(
                run.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        out
    })
}

/// `f` on each item as `items` yields it, the results in the items' order:
/// while this thread takes the next items (reading them from a database),
/// the other cores work on those already taken, and this one joins them
/// once there are no more. For items that cost more to take than a
/// thread's start (a few large parts).
pub fn map_streamed<T: Send, R: Send>(
    items: impl Iterator<Item = T>,
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    use std::sync::{Condvar, Mutex, PoisonError};
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if cores < 2 {
        return items.map(f).collect();
    }
    // The items waiting, and whether more will come.
    let queue = Mutex::new((std::collections::VecDeque::new(), false));
    let waiting = Condvar::new();
    let done = Mutex::new(Vec::new());
    let work = || {
        loop {
            let next = {
                let mut q = queue.lock().unwrap_or_else(PoisonError::into_inner);
                loop {
                    if let Some(item) = q.0.pop_front() {
                        break Some(item);
                    }
                    if q.1 {
                        break None;
                    }
                    q = waiting.wait(q).unwrap_or_else(PoisonError::into_inner);
                }
            };
            let Some((k, item)) = next else {
                return;
            };
            let r = f(item);
            done.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((k, r));
        }
    };
    /// Says no more items will come when dropped, also when taking the
    /// next one panics: the workers would otherwise wait for ever, and
    /// the scope for them.
    struct Closing<'a, T>(
        &'a Mutex<(std::collections::VecDeque<T>, bool)>,
        &'a Condvar,
    );
    impl<T> Drop for Closing<'_, T> {
        fn drop(&mut self) {
            self.0.lock().unwrap_or_else(PoisonError::into_inner).1 = true;
            self.1.notify_all();
        }
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = (1..cores).map(|_| scope.spawn(work)).collect();
        let closing = Closing(&queue, &waiting);
        for item in items.enumerate() {
            queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .0
                .push_back(item);
            waiting.notify_one();
        }
        drop(closing);
        work();
        for w in workers {
            w.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
    });
    let mut out = done.into_inner().unwrap_or_else(PoisonError::into_inner);
    out.sort_unstable_by_key(|(k, _)| *k);
    out.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_items_order_whatever_the_split() {
        for n in [0, 1, 2, 3, 7, 100, 4097] {
            let items: Vec<usize> = (0..n).collect();
            let out = map_owned(items, 2, |i| i * 3);
            assert_eq!(out, (0..n).map(|i| i * 3).collect::<Vec<_>>(), "{n}");
        }
    }

    #[test]
    fn streamed_results_keep_the_items_order_however_long_each_takes() {
        for n in [0, 1, 2, 3, 7, 100, 4097] {
            // Uneven work, so that later items often finish first.
            let out = map_streamed(0..n, |i: usize| {
                if i.is_multiple_of(3) {
                    std::thread::sleep(std::time::Duration::from_micros(50));
                }
                i * 3
            });
            assert_eq!(out, (0..n).map(|i| i * 3).collect::<Vec<_>>(), "{n}");
        }
    }

    #[test]
    fn items_that_panic_while_taken_stop_the_work_instead_of_hanging_it() {
        let taken = std::panic::catch_unwind(|| {
            map_streamed(
                (0..10).map(|i| if i == 5 { panic!("lu") } else { i }),
                |i| i,
            )
        });
        assert!(taken.is_err());
    }
}
