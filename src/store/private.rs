//! Files and folders holding personal data, created private whatever the
//! umask: the database here, and (through `io::files`) letters, exports,
//! packets and bundles. Unix only; elsewhere the system's defaults.

use std::fs::File;
use std::path::Path;

/// Creates `dir` and its missing parents, 0700 on Unix whatever the umask:
/// the folders Jury makes hold personal data. Existing folders are left as
/// they are.
pub fn create_private_dir_all(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// A temporary folder in `dir`, named after `prefix`, 0700 on Unix
/// whatever the umask (it will hold dossiers), removed when dropped.
pub fn private_temp_dir(prefix: &str, dir: &Path) -> std::io::Result<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    builder.tempdir_in(dir)
}

/// Opens `path` for writing, creating it 0600 on Unix whatever the umask
/// (an existing file keeps its mode); truncated when `truncate`.
pub fn create_private_file(path: &Path, truncate: bool) -> std::io::Result<File> {
    let mut options = File::options();
    options.create(true).write(true).truncate(truncate);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Takes group and other permissions off a file Jury made before its files
/// were private (an older Jury, or a permissive umask): the database, its
/// `-wal` and `-shm`, its lock. A missing file is fine; a file owned by
/// someone else is not Jury's to change and is left as it is.
pub fn tighten_file(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let mode = meta.permissions().mode();
        if meta.is_file() && mode & 0o077 != 0 {
            let private = std::fs::Permissions::from_mode(mode & 0o700);
            match std::fs::set_permissions(path, private) {
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {}
                other => other?,
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
