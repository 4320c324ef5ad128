//! Reading a call folder: `appel.json` and `dossiers/` (one file per dossier,
//! or one file holding an array). Good files are read even when others are
//! bad; every problem is a positioned diagnostic.

use crate::store::{FileDossier, FileRecord, FileStat, Known, KnownFiles};
use jsonc_parser::ast::Value as Ast;
use jury_core::call::Call;
use jury_core::dossier::{Card, Piece};
use jury_core::json::{Diag, Severity, Src};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub struct CallFolder {
    pub dir: PathBuf,
    pub call: Call,
    /// Letter templates of the call (`lettres/<decision>.txt`), by decision id.
    pub templates: std::collections::BTreeMap<String, String>,
    /// Valid dossiers, with the file each came from (relative to the folder).
    /// Read with [`read_folder_known`], only those of files not known.
    /// Kept as cards, not parsed trees: 100 000 of them are held at once
    /// while the database takes them in.
    pub dossiers: Vec<(Card, String)>,
    /// Dossiers of files the database already holds as they are (see
    /// [`read_folder_known`]): not parsed again, not in `dossiers`.
    pub known: usize,
    /// The files parsed without any problem, for the database to know them
    /// at the next reading.
    pub files: Vec<(String, FileRecord)>,
    /// Installed from a member's bundle: that member and the dossiers the
    /// chair assigned them.
    pub rapporteurs: Option<(String, Vec<String>)>,
    /// Installed from a bundle of a call with auditions: the candidates the
    /// chair convened.
    pub convoques: Option<Vec<String>>,
    pub diags: Vec<Diag>,
}

impl CallFolder {
    /// Brings the folder into the database, as opening it with `jury` does:
    /// the call, its letter templates, where the folder is (for `jury
    /// bundle`), then the dossiers.
    pub fn import_into(
        &self,
        store: &mut crate::store::Store,
    ) -> Result<crate::store::SyncReport, crate::store::StoreError> {
        sync_head(store, &self.dir, &self.call, &self.templates)?;
        let mut report = store.sync_dossiers(&self.dossiers)?;
        report.unchanged += self.known;
        self.import_rest(store)?;
        Ok(report)
    }

    /// What follows the dossiers: the files read, for the next reading to
    /// skip, and what a member's bundle installs.
    fn import_rest(&self, store: &mut crate::store::Store) -> Result<(), crate::store::StoreError> {
        store.remember_files(&self.files)?;
        if let Some((member, dossiers)) = &self.rapporteurs {
            store.sync_issued_assignments(member, dossiers)?;
        }
        if let Some(convened) = &self.convoques {
            store.sync_issued_shortlist(convened)?;
        }
        Ok(())
    }

    pub fn errors(&self) -> usize {
        self.diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

/// Brings the call, its letter templates and where its folder is into
/// the database: what an opening needs before its first frame (the
/// dossier files come after, see `tui::App`).
pub fn sync_head(
    store: &mut crate::store::Store,
    dir: &Path,
    call: &Call,
    templates: &std::collections::BTreeMap<String, String>,
) -> Result<(), crate::store::StoreError> {
    store.sync_call(call)?;
    store.sync_templates(templates)?;
    let path = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    store.set_meta(crate::store::CALL_DIR_KEY, &path.display().to_string())
}

/// Reads `appel.json` only; its errors make the folder unusable.
pub fn read_call(dir: &Path) -> Result<Call, Vec<Diag>> {
    let path = dir.join("appel.json");
    if !dir.is_dir() {
        return Err(vec![Diag {
            path: dir.display().to_string(),
            line: 1,
            column: 1,
            severity: Severity::Error,
            message: "dossier d'appel introuvable : indiquez le dossier qui contient appel.json"
                .into(),
        }]);
    }
    if path.exists() && !crate::io::files::inside(dir, &path) {
        return Err(vec![crate::io::files::outside("appel.json")]);
    }
    let text = crate::io::files::read_utf8(&path, "appel.json").map_err(|d| vec![d])?;
    Call::parse("appel.json", &text)
}

/// Reads the whole folder. `Err` only when `appel.json` itself is unusable.
pub fn read_folder(dir: &Path) -> Result<CallFolder, Vec<Diag>> {
    let call = read_call(dir)?;
    Ok(read_folder_known(dir, call, &KnownFiles::new()))
}

/// Reads the folder of `call` (its `appel.json` already read), skipping the
/// dossier files `known` holds as they are: a file whose bytes give the
/// digest kept for it, whose references no earlier file took and whose
/// pieces are all still there is not parsed again, since parsing it would
/// give the same dossiers without a problem. Its dossiers are counted in
/// `known`; every other file is read as [`read_folder`] reads it.
pub fn read_folder_known(dir: &Path, call: Call, known: &impl Known) -> CallFolder {
    match read_folder_by(dir, call, known, |_, _, _| {
        Ok::<(), std::convert::Infallible>(())
    }) {
        Ok(folder) => folder,
        Err(never) => match never {},
    }
}

/// Brings a folder the database holds nothing of into it, as
/// [`CallFolder::import_into`] does, but run by run as the files are
/// read: each run's dossiers are stored, then dropped, so a first opening
/// of 100 000 dossiers never holds them all (the folder's cards were
/// most of its peak memory). The folder comes back without its dossiers.
///
/// `beside` sees each run on a thread of its own while the run is stored:
/// a first opening makes its entries there rather than reading the rows
/// back once they are all stored. It is told how many files are listed
/// after the run, each usually one dossier, to make room for them once.
pub fn stream_into(
    dir: &Path,
    call: Call,
    store: &mut crate::store::Store,
    mut beside: impl FnMut(&[(Card, String)], usize) + Send,
) -> Result<(CallFolder, crate::store::SyncReport), crate::store::StoreError> {
    // The templates as the folder's reading will find them; their
    // problems are reported by that reading.
    let (templates, _) = crate::io::files::read_overrides(dir);
    sync_head(store, dir, &call, &templates)?;
    store.set_meta(crate::store::IMPORT_UNDER_WAY_KEY, "1")?;
    let mut report = crate::store::SyncReport::default();
    let folder = read_folder_by(dir, call, &KnownFiles::new(), |run, files, to_come| {
        let shared: &[(Card, String)] = run;
        let (step, seen) = std::thread::scope(|scope| {
            let seen = std::thread::Builder::new().spawn_scoped(scope, || beside(shared, to_come));
            let step = store.sync_run(shared, files);
            let seen = seen
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .is_ok();
            (step, seen)
        });
        // A system out of threads: the run is seen here, once stored.
        if !seen {
            beside(shared, to_come);
        }
        let step = step?;
        run.clear();
        files.clear();
        report.absorb(step);
        Ok::<(), crate::store::StoreError>(())
    })?;
    report.unchanged += folder.known;
    // A template changed while the files were read: the base takes the
    // one the folder's reading found, which the opening goes on with.
    if folder.templates != templates {
        store.sync_templates(&folder.templates)?;
    }
    folder.import_rest(store)?;
    store.clear_meta(crate::store::IMPORT_UNDER_WAY_KEY)?;
    Ok((folder, report))
}

/// [`read_folder_known`], handing each run's dossiers and the records of
/// its files to `take`, which may take them out of the vectors it is
/// given (see [`stream_into`]), with the number of files listed after the
/// run.
fn read_folder_by<E>(
    dir: &Path,
    call: Call,
    known: &impl Known,
    mut take: impl FnMut(
        &mut Vec<(Card, String)>,
        &mut Vec<(String, FileRecord)>,
        usize,
    ) -> Result<(), E>,
) -> Result<CallFolder, E> {
    let mut taken = Taken::default();
    let folder = crate::io::files::Resolved::new(dir);
    // `dossiers/` resolved once: an entry that is not a link is where it is
    // listed, so only links are resolved one by one.
    let listed_inside = folder.inside(&dir.join("dossiers"));
    // Runs of files: each run's files are read and parsed on every core,
    // then taken in their order, where a file depends on those before it
    // (a reference already taken, a record still valid); the next runs
    // are read while one is taken in (see `RUNS_AHEAD`).
    let listed = dossier_files(dir, &mut taken.diags);
    // Runs of a large call's files are read, parsed and stored one after
    // the other: the pages one run frees serve the next.
    if listed.len() >= crate::alloc::LARGE_CALL {
        crate::alloc::expect_large_call();
    }
    // A run's files placed on this thread, with what the database knows
    // of each; the problems of those outside the folder are the run's
    // own, reported in its turn.
    let ahead_of = |run: std::ops::Range<usize>| {
        let mut ahead = Vec::with_capacity(run.len());
        let mut outside = Vec::new();
        for (file, link) in &listed[run] {
            let display = relative(dir, file);
            if !(if *link {
                folder.inside(file)
            } else {
                listed_inside
            }) {
                outside.push(crate::io::files::outside(&display));
                continue;
            }
            let record = known.record(&display);
            ahead.push((file.as_path(), display, record));
        }
        (ahead, outside)
    };
    let folder = &folder;
    // `dossiers/` opened once, each file by its name in it.
    let opened = crate::io::files::OpenFolder::open(&dir.join("dossiers")).ok();
    let opened = opened.as_ref();
    std::thread::scope(|scope| {
        // Each run stated, read and parsed on every core, beside the run
        // before being taken in (at a first opening, stored in the
        // database).
        let start = |run| {
            let (ahead, outside) = ahead_of(run);
            scope.spawn(move || {
                let looked = jury_core::par::map_owned(
                    ahead
                        .iter()
                        .map(|(f, d, record)| (*f, d.as_str(), record.as_ref()))
                        .collect(),
                    256,
                    |(file, display, record)| look(file, display, record, folder, opened),
                );
                (ahead, outside, looked)
            })
        };
        let mut runs = runs_of(listed.len());
        let mut start_next = || runs.next().map(|run| (run.end, start(run)));
        let mut next: std::collections::VecDeque<_> = std::iter::from_fn(&mut start_next)
            .take(RUNS_AHEAD)
            .collect();
        while let Some((end, parsing)) = next.pop_front() {
            let (ahead, outside, looked) = parsing
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            next.extend(start_next());
            taken.diags.extend(outside);
            for ((file, display, record), (stat, parsed)) in ahead.into_iter().zip(looked) {
                taken.file(folder, file, display, stat, record, parsed);
            }
            take(&mut taken.dossiers, &mut taken.files, listed.len() - end)?;
        }
        Ok(())
    })?;
    let (templates, mut template_errors) = crate::io::files::read_overrides(dir);
    let Taken {
        mut diags,
        dossiers,
        files,
        unchanged,
        ..
    } = taken;
    diags.append(&mut template_errors);
    diags.extend(jury_core::templates::check_call(&call, &templates));
    let rapporteurs = crate::io::bundle::read_rapporteurs(dir).unwrap_or_else(|d| {
        diags.push(d);
        None
    });
    let convoques = crate::io::bundle::read_convoques(dir).unwrap_or_else(|d| {
        diags.push(d);
        None
    });
    Ok(CallFolder {
        dir: dir.to_path_buf(),
        call,
        templates,
        dossiers,
        known: unchanged,
        files,
        rapporteurs,
        convoques,
        diags,
    })
}

/// What the dossier files taken in so far have given, in the folder's
/// order (see [`read_folder_by`]).
#[derive(Default)]
struct Taken {
    diags: Vec<Diag>,
    dossiers: Vec<(Card, String)>,
    /// The files parsed without any problem, with their records.
    files: Vec<(String, FileRecord)>,
    /// Dossiers of files the database already holds as they are.
    unchanged: usize,
    /// Each reference taken, with the file that took it.
    seen: HashMap<String, String>,
}

impl Taken {
    /// Whether a file's record still holds: none of its references taken
    /// by an earlier file, all its pieces still there.
    fn still(&self, folder: &crate::io::files::Resolved, r: &FileRecord) -> bool {
        r.dossiers.iter().all(|d| {
            !self.seen.contains_key(&d.reference)
                && d.pieces.iter().all(|p| folder.piece(p) == Piece::Found)
        })
    }

    /// One file, after those before it: `parsed` beside the others, or
    /// None when its size and time said the database holds it as it is
    /// (then parsed here only if its record no longer holds).
    fn file(
        &mut self,
        folder: &crate::io::files::Resolved,
        file: &Path,
        display: String,
        stat: Option<FileStat>,
        record: Option<FileRecord>,
        parsed: Option<Parsed>,
    ) {
        let parsed = match parsed {
            Some(p) => p,
            None => {
                if let Some(record) = record.as_ref().filter(|r| self.still(folder, r)) {
                    for d in &record.dossiers {
                        self.seen.insert(d.reference.clone(), display.clone());
                    }
                    self.unchanged += record.dossiers.len();
                    return;
                }
                parse_file(file, &display, folder, None).1
            }
        };
        let (digest, text, empty, items) = match parsed {
            Parsed::Unreadable(d) => {
                self.diags.push(d);
                return;
            }
            Parsed::Read {
                digest,
                text,
                empty,
                items,
            } => (digest, text, empty, items),
        };
        if let Some(record) = record
            .as_ref()
            .filter(|r| r.digest == digest && self.still(folder, r))
        {
            for d in &record.dossiers {
                self.seen.insert(d.reference.clone(), display.clone());
            }
            self.unchanged += record.dossiers.len();
            // Touched, not changed: its new time is kept, so the next
            // open need not read it.
            if record.stat != stat {
                self.files.push((
                    display,
                    FileRecord {
                        stat,
                        ..record.clone()
                    },
                ));
            }
            return;
        }
        self.diags.extend(empty);
        let src = Src {
            path: &display,
            text: &text,
        };
        let problems = self.diags.len();
        let mut record = FileRecord {
            digest,
            stat,
            dossiers: Vec::new(),
        };
        for item in items {
            match item {
                Ok((card, at)) => {
                    if let Some(first) = self.seen.get(&card.reference) {
                        self.diags.push(src.error_at(
                            at,
                            format!("référence « {} » déjà utilisée par {first} : ce dossier est ignoré", card.reference),
                        ));
                        continue;
                    }
                    self.seen.insert(card.reference.clone(), display.clone());
                    record.dossiers.push(FileDossier {
                        reference: card.reference.clone(),
                        hash: card.hash.clone(),
                        pieces: card.attachments.iter().map(|a| a.path.clone()).collect(),
                    });
                    self.dossiers.push((card, display.clone()));
                }
                Err(mut errs) => self.diags.append(&mut errs),
            }
        }
        if self.diags.len() == problems && !record.dossiers.is_empty() {
            self.files.push((display, record));
        }
    }
}

/// Dossier files read and parsed per run on every core (see
/// [`read_folder_known`]).
const READ_RUN: usize = 4096;

/// Runs read and parsed ahead of the one taken in: with one, the cores
/// that parse had nothing to do once it was parsed while the run before
/// was still being stored, its disk sync waited for.
const RUNS_AHEAD: usize = 2;

/// The runs of `n` files: a first short one, so that storing starts
/// soon after the opening does, then [`READ_RUN`] files each.
fn runs_of(n: usize) -> impl Iterator<Item = std::ops::Range<usize>> {
    let first = n.min(READ_RUN / 4);
    std::iter::once(0..first).filter(|r| !r.is_empty()).chain(
        (first..n)
            .step_by(READ_RUN)
            .map(move |from| from..n.min(from + READ_RUN)),
    )
}

/// A dossier file read and parsed, before the checks that depend on the
/// files before it.
enum Parsed {
    /// Not read, not UTF-8, or not JSON: the problem.
    Unreadable(Diag),
    Read {
        digest: String,
        text: String,
        /// The warning for a file holding an empty list.
        empty: Option<Diag>,
        /// Each dossier of the file with where its reference stands, or
        /// its problems.
        items: Vec<Result<(Card, usize), Vec<Diag>>>,
    },
}

/// One dossier file, on a worker: its size and time, and the file parsed
/// unless they are those its record holds (None then: the database holds
/// it as it is, unless an earlier file took one of its references).
fn look(
    file: &Path,
    display: &str,
    record: Option<&FileRecord>,
    folder: &crate::io::files::Resolved,
    opened: Option<&crate::io::files::OpenFolder>,
) -> (Option<FileStat>, Option<Parsed>) {
    if let Some(record) = record {
        let stat = std::fs::metadata(file).ok().and_then(|m| FileStat::of(&m));
        if stat.is_some() && record.stat == stat {
            return (stat, None);
        }
    }
    let (stat, parsed) = parse_file(file, display, folder, opened);
    (stat, Some(parsed))
}

/// Reads, decodes and parses one dossier file, each dossier checked alone,
/// with its size and time as they were before it was read (a file changed
/// while read is read again next time). The file is opened by its name in
/// `opened`, its folder, when given.
fn parse_file(
    file: &Path,
    display: &str,
    folder: &crate::io::files::Resolved,
    opened: Option<&crate::io::files::OpenFolder>,
) -> (Option<FileStat>, Parsed) {
    let (bytes, stat) = match crate::io::files::read_bytes_in(opened, file, display) {
        Ok((b, meta)) => (b, FileStat::of(&meta)),
        Err(d) => return (None, Parsed::Unreadable(d)),
    };
    (stat, parse_bytes(bytes, display, folder))
}

fn parse_bytes(bytes: Vec<u8>, display: &str, folder: &crate::io::files::Resolved) -> Parsed {
    let digest = file_digest(&bytes);
    let text = match jury_core::json::decode_utf8(bytes, display) {
        Ok(t) => t,
        Err(d) => return Parsed::Unreadable(d),
    };
    let src = Src {
        path: display,
        text: &text,
    };
    let ast = match src.parse() {
        Ok(a) => a,
        Err(d) => return Parsed::Unreadable(d),
    };
    let list: Vec<&Ast> = match &ast {
        Ast::Array(a) => a.elements.iter().collect(),
        other => vec![other],
    };
    let empty = list.is_empty().then(|| {
        let mut d = src.error(&ast, "liste vide : aucun dossier dans ce fichier");
        d.severity = Severity::Warning;
        d
    });
    let items = list
        .into_iter()
        .map(|item| {
            let at = reference_node(item).map(|n| n.start()).unwrap_or(0);
            Card::read(&src, item, Some(&|p: &str| folder.piece(p))).map(|card| (card, at))
        })
        .collect();
    drop(ast);
    Parsed::Read {
        digest,
        text,
        empty,
        items,
    }
}

/// What a dossier file's digest covers: its bytes, and the Jury reading it,
/// since another version may read the same bytes differently.
fn file_digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(concat!("jury ", env!("CARGO_PKG_VERSION"), "\n").as_bytes());
    h.update(bytes);
    jury_core::hex(&h.finalize())
}

impl CallFolder {
    /// One warning per dossier with fields « à compléter »: what `jury
    /// check` lists. Not an import problem: the app shows it on the dossier.
    pub fn incomplete(&self) -> Vec<Diag> {
        let wanted = jury_core::completion::Wanted::new(&self.call, &self.templates);
        self.dossiers
            .iter()
            .filter_map(|(d, display)| {
                let lacking = wanted.lacking(&self.call, &d.full());
                (!lacking.is_empty()).then(|| Diag {
                    path: display.clone(),
                    line: 1,
                    column: 1,
                    severity: Severity::Warning,
                    message: format!(
                        "{} à compléter : {}",
                        d.reference,
                        jury_core::completion::titles(&lacking, jury_core::fr::Lang::Fr)
                    ),
                })
            })
            .collect()
    }

    /// In a call with lots, one warning per lot a dossier names that the
    /// call does not have (a typing slip, or a lot of another call).
    pub fn unknown_lots(&self) -> Vec<Diag> {
        let known: Vec<String> = self
            .call
            .lots
            .iter()
            .map(|l| format!("{} « {} »", l.id, l.label))
            .collect();
        self.dossiers
            .iter()
            .flat_map(|(d, display)| {
                self.call
                    .answer(&d.value())
                    .unknown
                    .into_iter()
                    .map(|name| Diag {
                        path: display.clone(),
                        line: 1,
                        column: 1,
                        severity: Severity::Warning,
                        message: format!(
                            "{} : « {name} » n'est pas un lot de l'appel (lots : {})",
                            d.reference,
                            known.join(", ")
                        ),
                    })
            })
            .collect()
    }
}

fn reference_node<'v, 'a>(item: &'v Ast<'a>) -> Option<&'v Ast<'a>> {
    item.as_object()?
        .properties
        .iter()
        .find(|p| p.name.as_str() == "reference")
        .map(|p| &p.value)
}

use jsonc_parser::common::Ranged;

/// The `.json` files of `dossiers/`, sorted, each with whether it is a
/// symbolic link (or of a type not known without following it). Nothing
/// is stated here: the listing is read before any file, on one thread, and
/// at 100 000 files a stat of each took a third of a second there; each
/// file is stated where it is read (see [`look`]).
fn dossier_files(dir: &Path, diags: &mut Vec<Diag>) -> Vec<(PathBuf, bool)> {
    let sub = dir.join("dossiers");
    let entries = match std::fs::read_dir(&sub) {
        Ok(e) => e,
        Err(e) => {
            diags.push(Diag {
                path: "dossiers/".into(),
                line: 1,
                column: 1,
                severity: Severity::Warning,
                message: format!("aucun dossier lu : {}", jury_core::fr::io_message(&e)),
            });
            return Vec::new();
        }
    };
    let mut files: Vec<(PathBuf, bool)> = entries
        .filter_map(|e| {
            let e = e.ok()?;
            let path = e.path();
            if !path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("json"))
            {
                return None;
            }
            let link = e.file_type().map_or(true, |t| t.is_symlink());
            Some((path, link))
        })
        .collect();
    // One folder: the paths' bytes sort as their components would, without
    // comparing them component by component.
    files.sort_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
    files
}

fn relative(dir: &Path, file: &Path) -> String {
    file.strip_prefix(dir)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_every_file_once_in_order() {
        for n in [0, 1, 1023, 1024, 1025, 4096, 5000, 3 * READ_RUN + 7] {
            let runs: Vec<_> = runs_of(n).collect();
            assert!(runs.iter().all(|r| !r.is_empty()), "{n}: {runs:?}");
            assert!(runs.iter().all(|r| r.len() <= READ_RUN), "{n}");
            let files: Vec<usize> = runs.into_iter().flatten().collect();
            assert_eq!(files, (0..n).collect::<Vec<_>>(), "{n}");
        }
        assert_eq!(runs_of(5000).next(), Some(0..READ_RUN / 4));
    }
}
