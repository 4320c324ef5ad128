//! Reading and writing the user's files: UTF-8 text with positioned errors,
//! attachments kept inside the call folder, the call's letter templates,
//! and the one way Jury writes a file: whole or not at all.

use jury_core::dossier::Piece;
use jury_core::fr::Lang;
use jury_core::json::{Diag, Severity, decode_utf8};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A file or folder that could not be read or written, and why.
#[derive(Debug, thiserror::Error)]
pub struct FileError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

impl FileError {
    pub fn new(path: &Path, source: std::io::Error) -> FileError {
        FileError {
            path: path.to_path_buf(),
            source,
        }
    }

    /// For `map_err`: the error of an operation on `path`.
    pub fn at(path: &Path) -> impl Fn(std::io::Error) -> FileError + Copy + '_ {
        move |e| FileError::new(path, e)
    }

    pub fn message(&self, lang: Lang) -> String {
        lang.located(self.path.display(), lang.io_error(&self.source))
    }
}

jury_core::french_display!(FileError);

/// Writes `bytes` to `path` whole or not at all; see [`write_atomic_with`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    write_atomic_with(path, |f| f.write_all(bytes).map_err(FileError::at(path)))
}

/// Writes `path` whole or not at all: `fill` writes a temporary file in the
/// same folder, which is synced to disk, then renamed over `path`. A full
/// disk, a failed `fill` or a crash leaves the former file (or none), never
/// half a file; the temporary file is removed on failure.
pub fn write_atomic_with<E: From<FileError>>(
    path: &Path,
    fill: impl FnOnce(&mut File) -> Result<(), E>,
) -> Result<(), E> {
    let fail = FileError::at(path);
    let mut tmp = temp_beside(path).map_err(fail)?;
    fill(tmp.as_file_mut())?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// A file written beside its target but not yet in place: a batch of them
/// is made durable and put in place together by [`put_in_place`].
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Staged {
    /// `bytes` in a temporary file beside `path`, private as
    /// [`write_atomic_with`]'s, not yet synced.
    pub fn write(path: &Path, bytes: &[u8]) -> Result<Staged, FileError> {
        let fail = FileError::at(path);
        let mut tmp = temp_beside(path).map_err(fail)?;
        tmp.as_file_mut().write_all(bytes).map_err(fail)?;
        Ok(Staged {
            tmp,
            path: path.to_path_buf(),
        })
    }
}

/// Puts groups of staged files in place, each file whole or not at all as
/// [`write_atomic`] writes one, but made durable together: all synced at
/// once (see [`flush`]), then each renamed over its target, then each
/// folder synced so the renames last. A batch of 40 letters is 120 files:
/// one `fsync` after the other took longer than rendering the letters.
///
/// The outer error is the flush's: then nothing is put in place and every
/// temporary file is removed. Otherwise each group's own outcome, in
/// order: a group stops at its first file that cannot be renamed (the ones
/// before it stay in place, as after that many [`write_atomic`]).
pub fn put_in_place(groups: Vec<Vec<Staged>>) -> Result<Vec<Result<(), FileError>>, FileError> {
    let mut folders: Vec<PathBuf> = Vec::new();
    for staged in groups.iter().flatten() {
        let dir = parent_of(&staged.path);
        if !folders.iter().any(|d| d == dir) {
            folders.push(dir.to_path_buf());
        }
    }
    flush(&groups)?;
    let placed = groups
        .into_iter()
        .map(|group| {
            group.into_iter().try_for_each(|staged| {
                let fail = FileError::at(&staged.path);
                staged
                    .tmp
                    .persist(&staged.path)
                    .map(drop)
                    .map_err(|e| fail(e.error))
            })
        })
        .collect();
    // The files are in place whatever this says: the caller records them,
    // so that what the base says matches the disk. Only their surviving a
    // crash is uncertain when a folder cannot be synced, as it was with
    // `write_atomic`, which never synced one.
    for dir in &folders {
        let _ = sync_folder(dir);
    }
    Ok(placed)
}

/// How many staged files are synced at once (see [`flush`]).
const SYNCING: usize = 16;

/// Every staged file's bytes on disk. The files are synced many at once:
/// the file system commits its journal once for all the syncs waiting on
/// it (ext4's and XFS's group commit), where one after the other paid a
/// commit and a disk flush each. Unlike Linux's `syncfs`, nothing else on
/// the disk is flushed with them: a batch of letters does not wait for
/// another program's writes.
fn flush(groups: &[Vec<Staged>]) -> Result<(), FileError> {
    let files: Vec<&Staged> = groups.iter().flatten().collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::Mutex::new(None);
    let sync = || {
        while let Some(staged) = files.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
        {
            if let Err(e) = staged.tmp.as_file().sync_all() {
                let mut failed = failed.lock().unwrap_or_else(|p| p.into_inner());
                failed.get_or_insert(FileError::new(&staged.path, e));
                return;
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..SYNCING.min(files.len()) {
            // A system out of threads: this one syncs what is left.
            if std::thread::Builder::new()
                .spawn_scoped(scope, sync)
                .is_err()
            {
                sync();
                break;
            }
        }
    });
    match failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// A folder's entries on disk, so files renamed into it stay there after
/// a crash. Windows cannot open a folder as a file; its renames are
/// journaled by NTFS.
fn sync_folder(dir: &Path) -> Result<(), FileError> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(FileError::at(dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A private temporary file beside `path`, hidden and named after it in
/// case a crash leaves it behind.
fn temp_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let prefix = format!(".{}.", path.file_name().unwrap_or_default().display());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // Letters, exports, packets and bundles hold applicants' personal data:
    // 0600 whatever the umask (NamedTempFile sets the mode itself).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600));
    builder.tempfile_in(parent_of(path))
}

pub use crate::store::private::{create_private_dir_all, create_private_file, private_temp_dir};

/// `path` opened for reading without blocking on a FIFO: on Unix, with
/// `O_NONBLOCK` (no effect on a regular file's reads) and `O_NOCTTY`.
fn open_to_read(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NONBLOCK | libc::O_NOCTTY,
    );
    options.open(path)
}

/// The largest file Jury reads from a call folder: a dossier, `appel.json`
/// or a letter template is a few kilobytes; 20 Mo is room for an array of
/// thousands of dossiers, and a bound against a file that never ends.
pub const MAX_READ: u64 = 20 * 1024 * 1024;

/// Reads a file as UTF-8, reporting the first invalid byte's position.
/// Only a regular file is opened (a FIFO would block, a device never end),
/// and only up to [`MAX_READ`] bytes.
pub fn read_utf8(path: &Path, display: &str) -> Result<String, Diag> {
    decode_utf8(read_bytes(path, display)?.0, display)
}

/// A folder opened once, its files then opened by name relative to it:
/// opened by their whole path, 100 000 dossier files had the kernel walk
/// every folder of that path again for each.
pub struct OpenFolder(File);

impl OpenFolder {
    pub fn open(path: &Path) -> std::io::Result<OpenFolder> {
        File::open(path).map(OpenFolder)
    }

    /// The file `name` of the folder, opened as [`open_to_read`] opens it.
    fn open_to_read(&self, name: &std::ffi::OsStr) -> std::io::Result<File> {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&self.0, name, flags, Mode::empty())?;
        Ok(File::from(fd))
    }
}

/// A file's bytes, read as [`read_utf8`] reads them, not yet decoded,
/// with its metadata as it was before they were read (what an import
/// records of the file, without looking it up again by its path).
pub fn read_bytes(path: &Path, display: &str) -> Result<(Vec<u8>, std::fs::Metadata), Diag> {
    read_bytes_in(None, path, display)
}

/// [`read_bytes`], the file opened by its name in `folder` when given
/// (`path` is then in it: `folder` followed by its name).
pub fn read_bytes_in(
    folder: Option<&OpenFolder>,
    path: &Path,
    display: &str,
) -> Result<(Vec<u8>, std::fs::Metadata), Diag> {
    let refuse = |message: String| Diag {
        path: display.to_string(),
        line: 1,
        column: 1,
        severity: Severity::Error,
        message,
    };
    let unreadable = |e: &std::io::Error| {
        refuse(format!(
            "lecture impossible : {}",
            jury_core::fr::io_message(e)
        ))
    };
    // Opened without waiting (a FIFO would wait for a writer) and without
    // becoming the controlling terminal, then looked at through what was
    // opened: one path walk, and no gap in which the file could change.
    let not_a_file = || {
        refuse(
            "n'est pas un fichier ordinaire (tube, périphérique ou socket) : fichier ignoré".into(),
        )
    };
    let opened = match (folder, path.file_name()) {
        (Some(folder), Some(name)) => folder.open_to_read(name),
        _ => open_to_read(path),
    };
    let mut file = opened.map_err(|e| {
        // A socket cannot be opened at all: said as what it is.
        match std::fs::metadata(path) {
            Ok(m) if !m.is_file() => not_a_file(),
            _ => unreadable(&e),
        }
    })?;
    let meta = file.metadata().map_err(|e| unreadable(&e))?;
    if !meta.is_file() {
        return Err(not_a_file());
    }
    let too_big = || {
        refuse(format!(
            "fichier trop gros (plus de {} Mo) : fichier ignoré",
            MAX_READ / (1024 * 1024)
        ))
    };
    if meta.len() > MAX_READ {
        return Err(too_big());
    }
    let bytes = read_sized(&mut file, meta.len()).map_err(|e| unreadable(&e))?;
    // It grew since: still bounded.
    if bytes.len() as u64 > MAX_READ {
        return Err(too_big());
    }
    Ok((bytes, meta))
}

/// The bytes of a regular file whose metadata said `len` (at most
/// [`MAX_READ`]), read in one call when it still holds that many: a
/// regular file's read returns all it has, where `read_to_end` read once
/// more to find its end (100 000 calls more at a first import). A file
/// that grew since is read on, up to one byte past [`MAX_READ`].
fn read_sized(file: &mut File, len: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let size = usize::try_from(len.min(MAX_READ)).unwrap_or(0);
    let mut bytes = vec![0; size + 1];
    let mut got = 0;
    loop {
        let n = match file.read(&mut bytes[got..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        got += n;
        if n == 0 || got >= size {
            break;
        }
    }
    bytes.truncate(got);
    if got > size {
        file.take(MAX_READ + 1 - got as u64)
            .read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

/// Whether `path`, once symbolic links are followed, is inside `root`: a
/// link in a call folder may not lead to the rest of the disk.
pub fn inside(root: &Path, path: &Path) -> bool {
    Resolved::new(root).inside(path)
}

/// A call folder with its real path resolved once: reading 100 000 dossier
/// files and their pieces does not resolve it again for each.
pub struct Resolved<'a> {
    dir: &'a Path,
    /// None when the folder itself cannot be resolved: nothing is inside.
    root: Option<PathBuf>,
}

impl<'a> Resolved<'a> {
    pub fn new(dir: &'a Path) -> Resolved<'a> {
        Resolved {
            dir,
            root: dir.canonicalize().ok(),
        }
    }

    /// See [`inside`].
    pub fn inside(&self, path: &Path) -> bool {
        match (path.canonicalize(), &self.root) {
            (Ok(real), Some(root)) => real.starts_with(root),
            _ => false,
        }
    }

    /// See [`piece_in`].
    pub fn piece(&self, p: &str) -> Piece {
        let (Ok(real), Some(root)) = (self.dir.join(p).canonicalize(), &self.root) else {
            return Piece::Missing;
        };
        if !real.starts_with(root) {
            Piece::Outside
        } else if real.is_file() {
            Piece::Found
        } else {
            Piece::Missing
        }
    }
}

/// The refusal of a link leading out of the call folder.
pub fn outside(display: &str) -> Diag {
    Diag {
        path: display.to_string(),
        line: 1,
        column: 1,
        severity: Severity::Error,
        message: "lien symbolique menant hors du dossier de l'appel : fichier ignoré".into(),
    }
}

/// Where an attachment's relative path leads: a file inside the call folder
/// once symbolic links are followed, or not.
pub fn piece_in(dir: &Path, p: &str) -> Piece {
    Resolved::new(dir).piece(p)
}

/// The call folder's `lettres/*.txt`, by decision id.
pub fn read_overrides(call_dir: &Path) -> (BTreeMap<String, String>, Vec<Diag>) {
    let mut map = BTreeMap::new();
    let mut errors = Vec::new();
    let Ok(entries) = std::fs::read_dir(call_dir.join("lettres")) else {
        return (map, errors);
    };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    for f in files {
        if f.extension().is_none_or(|x| x != "txt") {
            continue;
        }
        let Some(id) = f.file_stem().and_then(|s| s.to_str()).map(str::to_string) else {
            continue;
        };
        let display = format!("lettres/{id}.txt");
        if !inside(call_dir, &f) {
            errors.push(outside(&display));
            continue;
        }
        match read_utf8(&f, &display) {
            Ok(text) => {
                map.insert(id, text);
            }
            Err(d) => errors.push(d),
        }
    }
    (map, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever size the metadata said (the file grew or shrank since, or
    /// a file whose size is not known), all it holds is read.
    #[test]
    fn a_file_is_read_whole_whatever_size_was_said() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("d.json");
        let text = "é".repeat(3000);
        std::fs::write(&path, &text).expect("write");
        let len = text.len() as u64;
        for said in [len, 0, 1, len - 1, len + 1, 10 * len] {
            let mut file = File::open(&path).expect("open");
            let read = read_sized(&mut file, said).expect("read");
            assert_eq!(read, text.as_bytes(), "said {said}");
        }
        let folder = OpenFolder::open(dir.path()).expect("folder");
        let (bytes, meta) = read_bytes_in(Some(&folder), &path, "d.json").expect("in folder");
        assert_eq!((bytes.as_slice(), meta.len()), (text.as_bytes(), len));
        let gone = read_bytes_in(
            Some(&folder),
            &dir.path().join("absent.json"),
            "absent.json",
        );
        assert!(gone.is_err());
    }

    #[test]
    fn a_failed_write_leaves_the_former_file_and_nothing_else() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("export.csv");
        write_atomic(&path, b"v1").expect("first write");
        write_atomic(&path, b"v2").expect("replaced");
        let failed = write_atomic_with(&path, |f| {
            f.write_all(b"half").map_err(FileError::at(&path))?;
            Err(FileError::new(
                &path,
                std::io::ErrorKind::StorageFull.into(),
            ))
        });
        let e = failed.expect_err("fill failed");
        assert_eq!(e.to_string(), format!("{} : disque plein", path.display()));
        assert_eq!(
            e.message(Lang::En),
            format!("{}: disk full", path.display())
        );
        assert_eq!(std::fs::read(&path).expect("read"), b"v2");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["export.csv"]);
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn staged_files_are_put_in_place_together_each_group_with_its_own_outcome() {
        let dir = tempfile::tempdir().expect("tmp");
        let at = |name: &str| dir.path().join(name);
        std::fs::write(at("a.pdf"), b"old").expect("former letter");
        // A folder where a file is due: that rename fails, and only it.
        std::fs::create_dir(at("b.odt")).expect("folder in the way");
        let stage = |name: &str, bytes: &[u8]| Staged::write(&at(name), bytes).expect("staged");
        let groups = vec![
            vec![stage("a.pdf", b"a1"), stage("a.odt", b"a2")],
            vec![
                stage("b.pdf", b"b1"),
                stage("b.odt", b"b2"),
                stage("b.eml", b"b3"),
            ],
            vec![stage("c.pdf", b"c1")],
        ];
        // Staged, nothing in place yet: the former letter is untouched.
        assert_eq!(std::fs::read(at("a.pdf")).expect("read"), b"old");
        let placed = put_in_place(groups).expect("flushed");
        assert!(placed[0].is_ok() && placed[2].is_ok(), "{placed:?}");
        let e = placed[1].as_ref().expect_err("b.odt is a folder");
        assert_eq!(e.path, at("b.odt"));
        assert_eq!(std::fs::read(at("a.pdf")).expect("read"), b"a1");
        assert_eq!(std::fs::read(at("a.odt")).expect("read"), b"a2");
        assert_eq!(std::fs::read(at("c.pdf")).expect("read"), b"c1");
        // The group stopped at its failed file: b.pdf is in place, b.eml's
        // temporary file is gone with the group, and no other is left.
        assert_eq!(std::fs::read(at("b.pdf")).expect("read"), b"b1");
        assert_eq!(
            names(dir.path()),
            ["a.odt", "a.pdf", "b.odt", "b.pdf", "c.pdf"]
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(at("c.pdf"))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "letters hold personal data");
        }
    }

    #[test]
    fn staged_files_dropped_before_being_put_in_place_leave_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let staged = Staged::write(&dir.path().join("a.pdf"), b"a").expect("staged");
        assert_eq!(names(dir.path()).len(), 1, "the temporary file");
        drop(staged);
        assert!(names(dir.path()).is_empty());
    }
}
