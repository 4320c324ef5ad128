//! Command-line handlers for the offline round trip: `jury bundle`,
//! `jury packet export|import`, and opening a bundle with `jury BUNDLE`.
//! Summaries go to stdout, errors to stderr; exit code 1 when the data
//! refuses (another call, an unknown member…), 2 for bad input (a missing or
//! damaged file).

use super::fail;
use crate::io::bundle::BundleError;
use crate::io::files::FileError;
use crate::store::{Store, StoreError};
use jury_core::fr::Lang;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Subcommand, Debug, Clone, PartialEq)]
pub enum PacketCommand {
    /// Écrit les notes, commentaires et conflits d'intérêts d'un membre dans un paquet
    Export {
        /// Base de données du membre
        #[arg(long, value_name = "FICHIER")]
        db: PathBuf,
        /// Nom du membre, tel que dans l'appel
        #[arg(long = "as", value_name = "NOM")]
        member: String,
        /// Fichier du paquet à écrire
        #[arg(long, value_name = "FICHIER")]
        out: PathBuf,
    },
    /// Fusionne le paquet d'un membre dans la base de la présidence
    Import {
        /// Fichier du paquet
        #[arg(value_name = "PAQUET")]
        file: PathBuf,
        /// Base de données de la présidence
        #[arg(long, value_name = "FICHIER")]
        db: PathBuf,
    },
}

const REFUSED: u8 = 1;
const BAD_INPUT: u8 = 2;

/// Refusals by the data are 1, everything else (bad file, disk, lock) 2.
fn store_code(e: &StoreError) -> u8 {
    match e {
        StoreError::Refused(_) | StoreError::OtherCall { .. } | StoreError::Locked(..) => REFUSED,
        _ => BAD_INPUT,
    }
}

/// Opens an existing database: a mistyped `--db` must not create an empty one.
pub(crate) fn open_existing(db: &Path, lang: Lang) -> Result<Store, ExitCode> {
    open_existing_with(db, lang, crate::cli::open_store)
}

/// Like [`open_existing`], for a command that may run while the app has
/// the database open (a bundle, a packet, an access file).
pub(crate) fn open_existing_beside(db: &Path, lang: Lang) -> Result<Store, ExitCode> {
    open_existing_with(db, lang, crate::cli::open_store_beside)
}

fn open_existing_with(
    db: &Path,
    lang: Lang,
    open: fn(&Path, Lang) -> Result<Store, crate::cli::OpenError>,
) -> Result<Store, ExitCode> {
    if !db.is_file() {
        return Err(fail(
            BAD_INPUT,
            lang.located_t(
                db.display(),
                "base introuvable. Indiquez le fichier de la base avec --db.",
                "database not found. Give the database file with --db.",
            ),
        ));
    }
    let store = open(db, lang).map_err(|e| match e {
        crate::cli::OpenError::Store(e) => fail(store_code(&e), e.message(lang)),
        e => fail(BAD_INPUT, e.message(lang)),
    })?;
    super::warn_retention(&store, lang);
    Ok(store)
}

/// `jury bundle --db FILE --out FILE --for NAME`: one member's bundle, with
/// their key. `--for` is required (checked here, not by clap, so the refusal
/// can list the call's members). Attachments come from the call folder
/// recorded in the database (see `store::CALL_DIR_KEY`).
pub fn bundle(db: &Path, out: &Path, member: Option<&str>, lang: Lang) -> ExitCode {
    let mut store = match open_existing_beside(db, lang) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let member = match crate::io::bundle::resolve_member(&store, member) {
        Ok(m) => m,
        Err(e) => return fail(REFUSED, e.message(lang)),
    };
    match crate::io::bundle::write(&mut store, None, out, &member) {
        Ok(summary) => {
            println!("{}", jury_core::fr::visible_lines(&summary.to_string()));
            println!(
                "Sur le portable de « {} » : jury {} --as \"{}\"",
                jury_core::fr::visible(&member),
                summary.path.display(),
                jury_core::fr::visible(&member)
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(BAD_INPUT, e.message(lang)),
    }
}

/// Installs a bundle in the user's data directory and returns what was
/// installed (`jury BUNDLE` calls this, then opens its folder).
pub fn import_bundle(bundle: &Path) -> Result<crate::io::bundle::Unpacked, BundleError> {
    let into = crate::io::bundle::default_unpack_dir().ok_or(BundleError::NoDataDir)?;
    crate::io::bundle::unpack(bundle, &into)
}

/// Is this path a bundle to install rather than a call folder to open?
pub fn is_bundle(path: &Path) -> bool {
    path.is_file()
}

/// Is this bundle sealed (an encrypted call's)?
pub fn is_sealed_bundle(path: &Path) -> bool {
    let mut head = [0u8; 21];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|()| crate::io::seal::is_sealed(&head))
}

/// A sealed bundle opened on a member's laptop.
pub struct SealedInstall {
    pub installed: crate::io::bundle::Unpacked,
    /// The call folder: in memory where the system has a folder for it,
    /// removed when this is dropped, once Jury closes (or by the signal
    /// watchdog, or by the next start if the process was killed).
    pub folder: crate::io::unpacked::Unpacked,
    /// False when no memory folder exists and the call is on disk meanwhile.
    pub in_memory: bool,
    /// The passphrase of the member's database: the bundle's password, or
    /// their first bundle's when this one was issued again.
    pub password: crate::store::Passphrase,
}

/// Opens a sealed bundle with its password (asked, or `--passphrase-file`),
/// checks and unpacks it into a private folder in memory (the chair's key
/// pinned in the user's data folder, as for any bundle), then keeps in the
/// member's database — created encrypted with the same password — their
/// key and the chair's recipient, which the folder will not keep.
pub fn import_sealed(
    bundle: &Path,
    db: Option<&Path>,
    lang: Lang,
) -> Result<SealedInstall, super::OpenError> {
    use crate::io::bundle::{default_unpack_dir, remember, unpack_sealed};
    let pins = default_unpack_dir().ok_or(BundleError::NoDataDir)?;
    let typed = super::secret().bundle_password(bundle, lang)?;
    let password = crate::io::seal::typed_password(typed.expose());
    let (base, in_memory) = memory_folder();
    crate::io::unpacked::sweep(&base);
    let folder = crate::io::unpacked::Unpacked::create(&base)
        .map_err(|e| BundleError::File(FileError::new(&base, e)))?;
    let installed = unpack_sealed(bundle, &password, &pins, folder.path())?;
    let db = match db {
        Some(p) => p.to_path_buf(),
        None => crate::store::default_path(&installed.call_id).ok_or(BundleError::NoDataDir)?,
    };
    // A bundle issued again comes with a new password, while the member's
    // database keeps the one it was created with: that one is asked then.
    let (mut store, password) = match crate::store::Store::open_with(&db, Some(&password)) {
        Ok(store) => (store, password),
        Err(crate::store::StoreError::WrongPassphrase(_)) => {
            eprintln!(
                "{}",
                lang.t(
                    "Ce lot a un nouveau mot de passe ; votre base garde celui de votre premier lot de cet appel.",
                    "This bundle has a new password; your database keeps the one of your first bundle of this call.",
                )
            );
            let kept = super::secret().existing(&db, lang)?;
            (crate::store::Store::open_with(&db, Some(&kept))?, kept)
        }
        Err(e) => return Err(e.into()),
    };
    remember(&mut store, &installed)?;
    Ok(SealedInstall {
        installed,
        folder,
        in_memory,
        password,
    })
}

/// Where a sealed bundle's call is unpacked while Jury runs: the user's
/// runtime folder or /dev/shm, both in memory on Linux; else the temporary
/// folder, on disk (said to the member).
fn memory_folder() -> (PathBuf, bool) {
    let runtime = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from);
    for dir in runtime.into_iter().chain([PathBuf::from("/dev/shm")]) {
        if dir.is_dir() {
            return (dir, true);
        }
    }
    (std::env::temp_dir(), false)
}

/// `jury packet export|import`.
pub fn packet(cmd: PacketCommand, lang: Lang) -> ExitCode {
    match cmd {
        PacketCommand::Export { db, member, out } => export(&db, &member, &out, lang),
        PacketCommand::Import { file, db } => import(&file, &db, lang),
    }
}

fn export(db: &Path, member: &str, out: &Path, lang: Lang) -> ExitCode {
    let store = match open_existing_beside(db, lang) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let credential = match crate::io::bundle::read_credential(&store) {
        Ok(c) => c,
        Err(e) => return fail(REFUSED, e.message(lang)),
    };
    let packet = match store.export_packet(member, &credential) {
        Ok(p) => p,
        Err(e) => return fail(store_code(&e), e.message(lang)),
    };
    let (written, sealed) = match crate::io::packet_file::write(&store, &packet, out) {
        Ok(w) => w,
        Err(e) => {
            return fail(
                BAD_INPUT,
                format!(
                    "{}{}",
                    e.message(lang),
                    lang.t(" ; aucun paquet n'a été écrit.", "; no packet was written.")
                ),
            );
        }
    };
    let dossiers = packet
        .scores
        .iter()
        .map(|s| s.reference.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    println!(
        "Paquet de « {member} » écrit dans {} : {} note{} sur {} dossier{}, {} conflit{} d'intérêts déclaré{}.",
        written.display(),
        packet.scores.len(),
        s(packet.scores.len()),
        dossiers,
        s(dossiers),
        packet.conflicts.len(),
        s(packet.conflicts.len()),
        s(packet.conflicts.len()),
    );
    println!("Empreinte : {}", packet.checksum);
    if sealed {
        println!(
            "Chiffré pour la présidence : elle seule peut l'ouvrir (vous non plus ne pourrez pas le relire)."
        );
    }
    ExitCode::SUCCESS
}

fn import(file: &Path, db: &Path, lang: Lang) -> ExitCode {
    // The packet is read before the database is opened: a file that is not
    // one is refused without asking a passphrase. A sealed one needs the
    // chair's identity, in the database.
    let clear = match std::fs::read(file) {
        Ok(b) => !crate::io::seal::is_sealed(&b),
        Err(e) => return fail(BAD_INPUT, FileError::new(file, e).message(lang)),
    };
    if clear && let Err(e) = crate::io::packet_file::read_clear(file) {
        return fail(BAD_INPUT, e.message(lang));
    }
    let mut store = match open_existing(db, lang) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let packet = match crate::io::packet_file::read(&mut store, file) {
        Ok(p) => p,
        Err(e) => return fail(BAD_INPUT, e.message(lang)),
    };
    // A copy first: a packet merged by mistake can be undone with
    // `jury restore`. Without it, nothing is imported.
    // A packet imported already changes nothing: no copy for it.
    let seen = store.packet_seen(&packet).unwrap_or(false);
    if !seen && let Err(e) = store.backup(&crate::store::backup::Reason::PacketImport) {
        return fail(
            BAD_INPUT,
            format!(
                "{}{}",
                e.message(lang),
                lang.t(
                    " ; sauvegarde impossible, rien n'a été importé.",
                    "; backup impossible, nothing was imported."
                )
            ),
        );
    }
    match store.import_packet(&packet) {
        Ok(report) => {
            // A packet is a member's file: its names are shown, not run.
            use jury_core::fr::visible;
            println!(
                "{}",
                visible(&format!(
                    "Paquet de « {} » (exporté le {}) : {report}.",
                    report.member,
                    local_time(&report.exported_at)
                ))
            );
            for c in &report.conflicts {
                println!(
                    "  conflit : {} — à trancher par la présidence",
                    visible(&c.to_string())
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(
            store_code(&e),
            lang.located(file.display(), e.message(lang)),
        ),
    }
}

/// An RFC 3339 time as the committee reads it: `22/11/2025 à 07:00` (Paris).
fn local_time(at: &str) -> String {
    match jury_core::packet::instant(at) {
        Some(t) => t
            .with_timezone(&chrono_tz::Europe::Paris)
            .format("%d/%m/%Y à %H:%M")
            .to_string(),
        None => at.to_string(),
    }
}

fn s(n: usize) -> &'static str {
    if n >= 2 { "s" } else { "" }
}
