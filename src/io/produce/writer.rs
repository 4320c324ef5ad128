//! Letters written batch after batch by threads that render ahead.

use super::{
    LETTER_BATCH, Prepared, ProduceError, Staging, place_and_record, render_letter, stage,
};
use crate::io::files::FileError;
use crate::store::Store;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};

/// Batches handed to the rendering threads beyond the one being put in
/// place: with one, the threads sat idle once it was rendered while the
/// batch before it still waited on the disk.
const BATCHES_AHEAD: usize = 2;

/// Letters written batch after batch, as [`super::write_letters`] writes
/// one, but rendered on threads of their own, one a core, that live as
/// long as the writer. Each thread renders a letter and writes its files
/// beside their places; the writer makes a batch's files durable, puts
/// them in place and records them while the threads go on with the next
/// batches. The threads keep what they learnt (fonts, paragraphs broken
/// into lines, French typography) from one batch to the next.
///
/// What a batch says is what [`super::write_letters`] would have said of
/// it; a letter is recorded only once its files are in place, in the
/// queue's order. Letters rendered ahead are only temporary files: a
/// writer dropped with some removes them, and leaves nothing of them in
/// the base.
pub struct Writer {
    /// Letters not handed to the threads yet, in order.
    queue: VecDeque<Prepared>,
    out: PathBuf,
    /// Letters a batch holds: [`LETTER_BATCH`].
    batch: usize,
    /// No batch taken yet: the first is a quarter of the others, since
    /// nothing is rendered beside it.
    first: bool,
    /// Letters handed out, in the queue's order, each with its rendering
    /// once it is back.
    handed: VecDeque<Handed>,
    /// How many letters each batch handed out holds, in order.
    batches: VecDeque<usize>,
    /// The number of the first letter in `handed`; letters are numbered
    /// as they are handed out.
    front: u64,
    /// The threads, once the first batch is asked for; None before, or
    /// when none could start: the writer then renders its letters itself.
    pool: Option<Pool>,
    started: bool,
}

/// A letter handed to the threads, and its files once written.
struct Handed {
    letter: Arc<Prepared>,
    rendered: Option<Result<Staging, ProduceError>>,
}

/// One batch written by a [`Writer`]: its letters, and what
/// [`super::write_letters`] said of them.
pub struct Written {
    pub letters: Vec<Prepared>,
    pub outcomes: Result<Vec<Result<PathBuf, ProduceError>>, ProduceError>,
}

impl Writer {
    pub fn new(letters: Vec<Prepared>, out: &Path) -> Writer {
        Writer {
            queue: letters.into(),
            out: out.to_path_buf(),
            batch: LETTER_BATCH,
            first: true,
            handed: VecDeque::new(),
            batches: VecDeque::new(),
            front: 0,
            pool: None,
            started: false,
        }
    }

    /// Batches of `letters` letters (at least one): tests see several
    /// batches of a small call.
    pub fn with_batch(mut self, letters: usize) -> Writer {
        self.batch = letters.max(1);
        self
    }

    /// Letters not yet written, those rendered ahead included.
    pub fn left(&self) -> usize {
        self.queue.len() + self.handed.len()
    }

    /// The next batch written and recorded, the ones after it rendered
    /// meanwhile; None once every letter is written.
    pub fn next(&mut self, store: &mut Store, actor: &str) -> Option<Written> {
        self.hand_out();
        let n = self.batches.pop_front()?;
        self.wait_for(n);
        let batch: Vec<Handed> = self.handed.drain(..n.min(self.handed.len())).collect();
        self.front += batch.len() as u64;
        // The threads render on while this batch waits on the disk.
        self.hand_out();
        let (letters, rendered): (Vec<Prepared>, Vec<_>) = batch
            .into_iter()
            .map(|h| {
                let rendered = match h.rendered {
                    Some(rendered) => rendered,
                    None => render_letter(&h.letter, &self.out).and_then(stage),
                };
                (Arc::unwrap_or_clone(h.letter), rendered)
            })
            .unzip();
        let rendered = crate::io::files::create_private_dir_all(&self.out)
            .map_err(|e| ProduceError::from(FileError::at(&self.out)(e)))
            .map(|()| rendered);
        let outcomes = place_and_record(store, rendered, actor);
        Some(Written { letters, outcomes })
    }

    fn take_batch(&mut self) -> Option<Vec<Prepared>> {
        let size = match std::mem::take(&mut self.first) {
            true => self.batch.div_ceil(4),
            false => self.batch,
        };
        let n = self.queue.len().min(size);
        (n > 0).then(|| self.queue.drain(..n).collect())
    }

    /// Batches handed to the threads until [`BATCHES_AHEAD`] wait beyond
    /// the next one to place. The threads start with the first.
    fn hand_out(&mut self) {
        if !std::mem::replace(&mut self.started, true) {
            // The threads write into it; if it cannot be made, `next`
            // says so for each batch.
            let _ = crate::io::files::create_private_dir_all(&self.out);
            self.pool = Pool::start(&self.out);
        }
        while self.batches.len() <= BATCHES_AHEAD {
            let Some(letters) = self.take_batch() else {
                return;
            };
            self.batches.push_back(letters.len());
            for letter in letters {
                let letter = Arc::new(letter);
                let number = self.front + self.handed.len() as u64;
                if let Some(pool) = &self.pool {
                    // A letter the threads cannot take any more is rendered
                    // here in its turn (see `next`).
                    pool.hand((number, letter.clone()));
                }
                self.handed.push_back(Handed {
                    letter,
                    rendered: None,
                });
            }
        }
    }

    /// Waits until the first `n` letters handed out are rendered and
    /// written. A thread's panic goes on here.
    fn wait_for(&mut self, n: usize) {
        while self.handed.iter().take(n).any(|h| h.rendered.is_none()) {
            let Some(pool) = &self.pool else {
                return;
            };
            let Ok((number, rendered)) = pool.done.recv() else {
                // Every thread has ended: the writer renders the rest.
                self.pool = None;
                return;
            };
            let rendered = rendered.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let place = number
                .checked_sub(self.front)
                .and_then(|i| usize::try_from(i).ok());
            if let Some(handed) = place.and_then(|i| self.handed.get_mut(i)) {
                handed.rendered = Some(rendered);
            }
        }
    }
}

/// A letter to render, by its number, and its rendering.
type Job = (u64, Arc<Prepared>);
type Done = (u64, std::thread::Result<Result<Staging, ProduceError>>);

/// The threads that render a writer's letters, one a core.
struct Pool {
    jobs: Option<Sender<Job>>,
    done: Receiver<Done>,
    /// Set when the writer is dropped: the threads take no further letter.
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Pool {
    /// None when not one thread could start.
    fn start(out: &Path) -> Option<Pool> {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let (jobs, taken) = std::sync::mpsc::channel::<Job>();
        let taken = Arc::new(Mutex::new(taken));
        let (finished, done) = std::sync::mpsc::channel::<Done>();
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        for _ in 0..cores {
            let (taken, finished, stop, out) = (
                taken.clone(),
                finished.clone(),
                stop.clone(),
                out.to_path_buf(),
            );
            let started = std::thread::Builder::new()
                .name("courriers".into())
                .spawn(move || render_jobs(&taken, &finished, &stop, &out));
            match started {
                Ok(thread) => threads.push(thread),
                // A system out of threads: those that started do the work.
                Err(_) => break,
            }
        }
        (!threads.is_empty()).then_some(Pool {
            jobs: Some(jobs),
            done,
            stop,
            threads,
        })
    }

    fn hand(&self, job: Job) {
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(job);
        }
    }
}

/// A thread's life: letters taken one at a time, rendered, their files
/// written beside their places, given back. Threads writing files into
/// one folder at once wait on its lock; a letter's rendering is long
/// enough that they seldom meet there.
fn render_jobs(jobs: &Mutex<Receiver<Job>>, done: &Sender<Done>, stop: &AtomicBool, out: &Path) {
    loop {
        let job = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok((number, letter)) = job else {
            return;
        };
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let rendered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            render_letter(&letter, out).and_then(stage)
        }));
        // The writer takes its letter back whole once every thread let go.
        drop(letter);
        if done.send((number, rendered)).is_err() {
            return;
        }
    }
}

impl Drop for Pool {
    /// The threads end after the letter each is rendering: none outlives
    /// its writer.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.jobs = None;
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}
