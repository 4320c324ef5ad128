//! The batch for one member's laptop (`jury-bundle/2`): one zip file holding
//! `manifest.json` first, `manifest.sig`, then `appel.json`,
//! `dossiers/<reference>.json` (the dossiers as the chair's database holds
//! them), the letter templates, every attachment they list, and
//! `cle-membre.json`, the member's key. The manifest names the member, when
//! the bundle was issued, the grid's fingerprint, the chair's audit head and
//! event count, the chair's public key, and each file's SHA-256 and size;
//! `manifest.sig` is the chair's Ed25519 signature of the manifest's bytes,
//! so it covers every file. Unpacking checks the signature and every file
//! before anything is put in place.
//!
//! Trust on first use, like ssh: the first bundle of a call installed on a
//! laptop pins the chair's key for that call (in `<bundles>/.presidence/`);
//! a later bundle of the call signed by another key is refused. Both sides
//! print the key's fingerprint in 8 groups of 4 so the chair and the member
//! can compare them over the phone.
//!
//! The member's key stays in the installed call folder, in `cle-membre.json`
//! (0600, like every file unpacked): `jury packet export` finds it through
//! the call folder the member's database records, with no database of its
//! own to keep in step (a member may start over from a fresh database).
//!
//! Writing goes to a temporary file renamed at the end, unpacking to a
//! temporary folder renamed at the end: a full disk, a truncated or altered
//! bundle never leaves half a bundle or half a call folder.

use crate::io::files::{FileError, write_atomic_with};
use crate::store::Store;
use jury_core::format::{Format, Seen};
use jury_core::fr::Lang;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};

mod error;
pub use error::{
    Alteration, BundleError, CredentialProblem, Missing, MissingAttachment, TargetProblem,
    UnpackError, WriteFailure,
};

pub const FORMAT: &str = "jury-bundle/2";
/// Bundles before signatures: refused with a word on how to get a current one.
const UNSIGNED: &str = "jury-bundle/1";
/// The format this Jury writes and reads.
const WRITTEN: Format = Format {
    family: "jury-bundle/",
    version: 2,
};
const MANIFEST: &str = "manifest.json";
/// The chair's Ed25519 signature of `manifest.json`'s bytes, hex.
const SIGNATURE: &str = "manifest.sig";
/// The member's key (`jury_core::packet::Credential`), in the call folder.
pub const CREDENTIAL: &str = "cle-membre.json";
/// The dossiers the chair assigned to the bundle's member (`jury-rapporteurs/1`).
pub const RAPPORTEURS: &str = "rapporteurs.json";
const RAPPORTEURS_FORMAT: &str = "jury-rapporteurs/1";
/// The candidates the chair's dossier stage convened to an audition
/// (`jury-convoques/1`), in a bundle of a call with an audition stage: the
/// member's audition stage lists them.
pub const CONVOQUES: &str = "convoques.json";
const CONVOQUES_FORMAT: &str = "jury-convoques/1";
/// Where a member's Jury pins each call's chair key, beside the calls.
const PINS: &str = ".presidence";
const MANIFEST_LIMIT: u64 = 16 << 20;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub call_id: String,
    /// When the bundle was issued (RFC 3339): the member's key dates from it.
    pub created_at: String,
    /// The member it was issued to.
    pub member: String,
    /// Their key's id (`jury_core::packet::key_id`).
    pub key_id: String,
    /// `jury_core::grid::fingerprint` of the call's grid.
    pub grid: String,
    /// The chair's audit log when the bundle was issued.
    pub audit_head: String,
    pub audit_events: i64,
    /// The chair's Ed25519 public key, hex.
    pub chair_key: String,
    /// The chair's age recipient (`age1…`) when the chair's database is
    /// encrypted: the member's packets are sealed to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chair_recipient: Option<String>,
    pub files: Vec<ManifestFile>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// Relative, `/`-separated.
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// What `write` put in the bundle.
#[derive(Clone, Debug, PartialEq)]
pub struct BundleSummary {
    pub call_id: String,
    pub path: PathBuf,
    pub dossiers: usize,
    pub attachments: usize,
    /// Size of the bundle file.
    pub bytes: u64,
    pub member: String,
    pub issued_at: String,
    pub key_id: String,
    pub grid: String,
    pub audit_head: String,
    pub audit_events: i64,
    /// The chair key's spoken fingerprint.
    pub chair_fingerprint: String,
    /// The one-time password the bundle is sealed with (encrypted call).
    pub password: Option<String>,
}

impl fmt::Display for BundleSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Lot de l'appel « {} » remis à « {} » écrit dans {} : {} dossier{}, {} pièce{} jointe{}, {}.",
            self.call_id,
            self.member,
            self.path.display(),
            self.dossiers,
            if self.dossiers >= 2 { "s" } else { "" },
            self.attachments,
            if self.attachments >= 2 { "s" } else { "" },
            if self.attachments >= 2 { "s" } else { "" },
            human_size(self.bytes)
        )?;
        writeln!(f)?;
        writeln!(
            f,
            "Clé du membre : {} (remise le {}) ; grille : {}.",
            self.key_id,
            Lang::Fr.moment(&self.issued_at),
            self.grid
        )?;
        writeln!(
            f,
            "Journal d'audit de la présidence à la remise : {} événement{}, empreinte {}.",
            self.audit_events,
            if self.audit_events >= 2 { "s" } else { "" },
            if self.audit_head.is_empty() {
                "(vide)"
            } else {
                &self.audit_head
            }
        )?;
        write!(
            f,
            "Empreinte de la clé de la présidence : {}\nLisez-la au membre (par téléphone ou de vive voix) : Jury lui affiche la même à l'ouverture du lot ; si elles diffèrent, le lot n'est pas le vôtre.",
            self.chair_fingerprint
        )?;
        match &self.password {
            Some(password) => write!(
                f,
                "\nLe lot est chiffré. Mot de passe du lot : {password}\nDonnez-le à « {} » par un autre moyen que le lot (téléphone, SMS, de vive voix) : ce mot de passe ouvre le lot, puis protège sa base. Jury ne le garde pas.",
                self.member
            )?,
            // Whoever copies a clear bundle holds the member's key and the
            // dossiers: it must travel as privately as the password would.
            None => write!(
                f,
                "\nCe lot n'est pas chiffré : il contient les dossiers et la clé personnelle de « {} », avec laquelle quiconque en a une copie peut écrire des paquets en son nom. Remettez-le-lui en main propre ou par un canal privé, jamais par courriel ni dossier partagé ; pour qu'il soit protégé par un mot de passe, chiffrez la base (jury encrypt --db).",
                self.member
            )?,
        }
        Ok(())
    }
}

/// What `unpack` installed.
#[derive(Clone, Debug, PartialEq)]
pub struct Unpacked {
    /// The call folder, to open.
    pub dir: PathBuf,
    pub call_id: String,
    pub member: String,
    pub issued_at: String,
    /// The chair key's spoken fingerprint.
    pub chair_fingerprint: String,
    /// This bundle pinned the chair's key for the call (first installed).
    pub pinned_now: bool,
    /// Where the member's packets are sealed to (an encrypted call).
    pub chair_recipient: Option<String>,
}

impl fmt::Display for Unpacked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Lot de l'appel « {} » remis à « {} » le {}, installé dans {}.\nEmpreinte de la clé de la présidence : {}\n{}",
            self.call_id,
            self.member,
            Lang::Fr.moment(&self.issued_at),
            self.dir.display(),
            self.chair_fingerprint,
            if self.pinned_now {
                "Premier lot de cet appel sur cet ordinateur : comparez cette empreinte avec celle que la présidence vous lit. Jury la retient et refusera un lot de cet appel signé par une autre clé."
            } else {
                "Même clé que les lots précédents de cet appel."
            }
        )
    }
}

fn human_size(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} octets")
    } else if bytes < 1024 * 1024 {
        format!("{} Ko", bytes.div_ceil(1024))
    } else {
        jury_core::fr::Lang::Fr.num(bytes as f64 / (1024.0 * 1024.0), 1) + " Mo"
    }
}

/// One file to put in the bundle: its content in memory, or a file on disk.
enum Source {
    Bytes(Vec<u8>),
    File(PathBuf),
}

/// Issues `member` their bundle of the database's call and writes it to
/// `out`: a new key for them (replacing any earlier one, see
/// `store::keys`), signed by the chair's key. Attachments are read from
/// `call_dir`, or else from the folder recorded under
/// [`crate::store::CALL_DIR_KEY`]. `member` is a committee member's name
/// exactly as stored ([`resolve_member`] finds it from what was typed).
pub fn write(
    store: &mut Store,
    call_dir: Option<&Path>,
    out: &Path,
    member: &str,
) -> Result<BundleSummary, BundleError> {
    let db = || store.path().to_path_buf();
    // What a member scores against is the committee's record: none goes
    // out over a record `jury verify` would not call intact (edited
    // outside Jury, or damaged: its key would be written into it).
    match crate::io::produce::check_record(store) {
        Ok(_) => {}
        Err(crate::io::produce::ProduceError::RecordAltered { first, count }) => {
            return Err(BundleError::RecordAltered { first, count });
        }
        Err(crate::io::produce::ProduceError::Verify(e)) => return Err(BundleError::Verify(e)),
        Err(e) => {
            return Err(BundleError::RecordAltered {
                first: e.message(jury_core::fr::Lang::Fr),
                count: 1,
            });
        }
    }
    let Some(call_id) = store.meta("call_id")? else {
        return Err(BundleError::NoCall(db()));
    };
    let Some(call) = store.stored_call()? else {
        return Err(BundleError::NoCallText(db()));
    };
    let dossiers = store.load_dossiers()?;
    let dir = resolve_call_dir(store, &call_id, call_dir)?;

    let mut entries: Vec<(String, Source)> =
        vec![("appel.json".into(), Source::Bytes(pretty(&call)))];
    let mut names = BTreeSet::new();
    for d in &dossiers {
        let mut name = format!("dossiers/{}.json", safe_name(&d.reference));
        let mut n = 2;
        while !names.insert(name.clone()) {
            name = format!("dossiers/{}-{n}.json", safe_name(&d.reference));
            n += 1;
        }
        entries.push((name, Source::Bytes(pretty(&d.raw))));
    }
    // The call's own letter templates travel with it: a member's `jury check`
    // and letters need them as much as the chair's.
    for (id, text) in store.templates()? {
        entries.push((
            format!("lettres/{}.txt", safe_name(&id)),
            Source::Bytes(text.into_bytes()),
        ));
    }
    let mut attachments: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in &dossiers {
        for a in &d.attachments {
            attachments
                .entry(a.path.clone())
                .or_default()
                .push(d.reference.clone());
        }
    }
    let mut missing = Vec::new();
    let mut found = Vec::new();
    for (rel, refs) in &attachments {
        let file = if !is_safe_relative(rel) {
            Err(Missing::UnsafePath)
        } else {
            match &dir {
                None => Err(Missing::NoFolder),
                Some(dir) => attachment_file(dir, rel),
            }
        };
        match file {
            Ok(p) => found.push((rel.clone(), Source::File(p))),
            Err(why) => missing.push(MissingAttachment {
                dossiers: refs.join(", "),
                path: rel.clone(),
                why,
            }),
        }
    }
    if !missing.is_empty() {
        return Err(BundleError::MissingAttachments {
            missing,
            searched: dir,
        });
    }
    let attachment_count = found.len();
    entries.extend(found);

    // Issued last, once everything else is known to be there: a refused
    // bundle issues no key. (A disk failing while the zip is written leaves
    // the key issued and audited: issuing again replaces it.)
    let issued = store.issue_bundle_key(CHAIR_ACTOR, member)?;
    // The member's own dossiers, listed and signed like every other file:
    // their Jury shows them first.
    let mine: Vec<String> = store
        .assignments()?
        .into_iter()
        .filter(|a| a.member == member)
        .map(|a| a.reference)
        .collect();
    let rapporteurs = serde_json::json!({
        "format": RAPPORTEURS_FORMAT,
        "member": member,
        "dossiers": mine,
    });
    entries.push((RAPPORTEURS.into(), Source::Bytes(pretty(&rapporteurs))));
    if call_has_audition(store)? {
        let convoques = serde_json::json!({
            "format": CONVOQUES_FORMAT,
            "dossiers": store.load_committee()?.convened(),
        });
        entries.push((CONVOQUES.into(), Source::Bytes(pretty(&convoques))));
    }
    let chair_recipient =
        crate::io::seal::chair_identity(store)?.map(|identity| identity.to_public().to_string());
    let credential = serde_json::to_vec_pretty(&issued.credential).unwrap_or_default();
    entries.push((CREDENTIAL.into(), Source::Bytes(credential)));
    let mut manifest = Manifest {
        format: FORMAT.into(),
        call_id: call_id.clone(),
        created_at: issued.credential.issued_at.clone(),
        member: member.to_string(),
        key_id: issued.credential.key_id.clone(),
        grid: issued.grid.clone(),
        audit_head: issued.audit_head.clone(),
        audit_events: issued.audit_events,
        chair_key: jury_core::hex(&issued.chair.public),
        chair_recipient,
        files: Vec::new(),
    };
    for (name, src) in &entries {
        let (sha256, size) = match src {
            Source::Bytes(b) => (jury_core::sha256_hex(b), b.len() as u64),
            Source::File(p) => hash_file(p).map_err(FileError::at(p))?,
        };
        manifest.files.push(ManifestFile {
            path: name.clone(),
            sha256,
            size,
        });
    }

    let mut manifest_text = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    manifest_text.push(b'\n');
    let signature = {
        use ed25519_dalek::Signer;
        let key = ed25519_dalek::SigningKey::from_bytes(&issued.chair.seed);
        let mut hex = jury_core::hex(&key.sign(&manifest_text).to_bytes()).into_bytes();
        hex.push(b'\n');
        hex
    };
    // An encrypted call's bundle is sealed whole with a password made for
    // it: the zip is built in memory (it needs to seek), then sealed.
    let (path, password) = match store.passphrase() {
        None => {
            write_atomic_with(out, |file| {
                write_zip(file, out, &manifest_text, &signature, &manifest, &entries)
            })
            .map_err(BundleError::NotWritten)?;
            (out.to_path_buf(), None)
        }
        Some(key) => {
            let mut zip = std::io::Cursor::new(Vec::new());
            write_zip(
                &mut zip,
                out,
                &manifest_text,
                &signature,
                &manifest,
                &entries,
            )
            .map_err(BundleError::NotWritten)?;
            let target = crate::io::seal::target(out, Some(key));
            let not_written =
                |e| BundleError::NotWritten(WriteFailure::File(FileError::new(&target, e)));
            let password = crate::io::seal::one_time_password().map_err(not_written)?;
            let sealed = crate::io::seal::seal_with_passphrase(
                zip.get_ref(),
                &crate::io::seal::typed_password(&password),
            )
            .map_err(not_written)?;
            crate::io::files::write_atomic(&target, &sealed)
                .map_err(|e| BundleError::NotWritten(WriteFailure::File(e)))?;
            (target, Some(password))
        }
    };
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    Ok(BundleSummary {
        call_id,
        path,
        dossiers: dossiers.len(),
        attachments: attachment_count,
        bytes,
        member: member.to_string(),
        issued_at: issued.credential.issued_at.clone(),
        key_id: issued.credential.key_id.clone(),
        grid: issued.grid.clone(),
        audit_head: issued.audit_head.clone(),
        audit_events: issued.audit_events,
        chair_fingerprint: issued.chair.fingerprint(),
        password,
    })
}

/// The dossiers a bundle's member was assigned, from an installed call
/// folder: `None` for a folder not installed from a bundle (or from one
/// issued before rapporteurs travelled), an error for a file that does not read.
pub fn read_rapporteurs(
    dir: &Path,
) -> Result<Option<(String, Vec<String>)>, jury_core::json::Diag> {
    let path = dir.join(RAPPORTEURS);
    if !path.exists() {
        return Ok(None);
    }
    let text = crate::io::files::read_utf8(&path, RAPPORTEURS)?;
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let member = v["member"].as_str();
    let dossiers: Option<Vec<String>> = v["dossiers"]
        .as_array()
        .and_then(|a| a.iter().map(|r| r.as_str().map(str::to_string)).collect());
    match (v["format"].as_str(), member, dossiers) {
        (Some(RAPPORTEURS_FORMAT), Some(m), Some(d)) => Ok(Some((m.to_string(), d))),
        _ => Err(jury_core::json::Diag {
            path: RAPPORTEURS.into(),
            line: 1,
            column: 1,
            severity: jury_core::json::Severity::Error,
            message: format!(
                "attribution des rapporteur·e·s illisible : un objet « {RAPPORTEURS_FORMAT} » avec « member » et la liste « dossiers » est attendu ; elle est ignorée"
            ),
        }),
    }
}

/// The candidates a bundle says were convened, from an installed call
/// folder: `None` when it has no such list, an error for one that does
/// not read.
pub fn read_convoques(dir: &Path) -> Result<Option<Vec<String>>, jury_core::json::Diag> {
    let path = dir.join(CONVOQUES);
    if !path.exists() {
        return Ok(None);
    }
    let text = crate::io::files::read_utf8(&path, CONVOQUES)?;
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let dossiers: Option<Vec<String>> = v["dossiers"]
        .as_array()
        .and_then(|a| a.iter().map(|r| r.as_str().map(str::to_string)).collect());
    match (v["format"].as_str(), dossiers) {
        (Some(CONVOQUES_FORMAT), Some(d)) => Ok(Some(d)),
        _ => Err(jury_core::json::Diag {
            path: CONVOQUES.into(),
            line: 1,
            column: 1,
            severity: jury_core::json::Severity::Error,
            message: format!(
                "liste des convoqué·e·s illisible : un objet « {CONVOQUES_FORMAT} » avec la liste « dossiers » est attendu ; elle est ignorée"
            ),
        }),
    }
}

/// Whether the stored call has an audition stage (its bundles carry the
/// shortlist).
fn call_has_audition(store: &Store) -> Result<bool, BundleError> {
    Ok(store
        .stored_call()?
        .and_then(|v| jury_core::call::Call::from_value(&v).ok())
        .is_some_and(|c| c.audition.is_some()))
}

/// Who issues bundles, in the audit log: `jury bundle` is the chair's.
const CHAIR_ACTOR: &str = "présidence";

/// The committee member `typed` designates, as `--for` takes it: exactly
/// (after normalisation), else refused with the near misses or the list.
pub fn resolve_member(store: &Store, typed: Option<&str>) -> Result<String, BundleError> {
    let members: Vec<String> = store.members()?.into_iter().map(|(n, _)| n).collect();
    let Some(typed) = typed else {
        return Err(BundleError::NoMember(members));
    };
    match jury_core::names::find(typed, members.iter().map(String::as_str)) {
        jury_core::names::Found::Member(name) => Ok(name),
        found => Err(BundleError::NotAMember {
            typed: typed.to_string(),
            found,
            members,
        }),
    }
}

fn resolve_call_dir(
    store: &Store,
    call_id: &str,
    explicit: Option<&Path>,
) -> Result<Option<PathBuf>, BundleError> {
    let same_call = |d: &Path| crate::io::import::read_call(d).map(|c| c.id);
    if let Some(d) = explicit {
        return match same_call(d) {
            Ok(id) if id == call_id => Ok(Some(d.to_path_buf())),
            Ok(found) => Err(BundleError::WrongCallFolder {
                dir: d.to_path_buf(),
                found,
                expected: call_id.to_string(),
            }),
            Err(diags) => Err(BundleError::UnreadableCallFolder {
                dir: d.to_path_buf(),
                first: diags.into_iter().next(),
            }),
        };
    }
    let recorded = store.meta(crate::store::CALL_DIR_KEY)?;
    Ok(recorded
        .map(PathBuf::from)
        .filter(|d| same_call(d).is_ok_and(|id| id == call_id)))
}

/// The attachment's file, which must stay inside the call folder.
fn attachment_file(dir: &Path, rel: &str) -> Result<PathBuf, Missing> {
    let path = dir.join(rel);
    let real = std::fs::canonicalize(&path).map_err(Missing::Io)?;
    let root = std::fs::canonicalize(dir).map_err(Missing::Io)?;
    if !real.starts_with(&root) {
        return Err(Missing::Escapes);
    }
    if !real.is_file() {
        return Err(Missing::NotAFile);
    }
    Ok(real)
}

/// Writes the zip into `file`, the temporary file of the bundle `out`.
fn write_zip<W: Write + std::io::Seek>(
    file: &mut W,
    out: &Path,
    manifest_text: &[u8],
    signature: &[u8],
    manifest: &Manifest,
    entries: &[(String, Source)],
) -> Result<(), WriteFailure> {
    let zip_err = |e| WriteFailure::Zip(out.to_path_buf(), e);
    let io = |e: std::io::Error| zip_err(e.into());
    let mut zip = zip::ZipWriter::new(BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file(MANIFEST, options).map_err(zip_err)?;
    zip.write_all(manifest_text).map_err(io)?;
    zip.start_file(SIGNATURE, options).map_err(zip_err)?;
    zip.write_all(signature).map_err(io)?;
    for ((name, src), listed) in entries.iter().zip(&manifest.files) {
        zip.start_file(name.as_str(), options).map_err(zip_err)?;
        match src {
            Source::Bytes(b) => zip.write_all(b).map_err(io)?,
            Source::File(p) => {
                let read_err = FileError::at(p);
                let mut f = File::open(p).map_err(read_err)?;
                let mut hasher = Sha256::new();
                let mut buf = vec![0u8; 64 * 1024];
                let mut size = 0u64;
                loop {
                    let n = f.read(&mut buf).map_err(read_err)?;
                    if n == 0 {
                        break;
                    }
                    hasher.update(&buf[..n]);
                    size += n as u64;
                    zip.write_all(&buf[..n]).map_err(io)?;
                }
                if jury_core::hex(&hasher.finalize()) != listed.sha256 || size != listed.size {
                    return Err(WriteFailure::Changed(p.clone()));
                }
            }
        }
    }
    let writer = zip.finish().map_err(zip_err)?;
    writer.into_inner().map_err(|e| io(e.into_error()))?;
    Ok(())
}

/// Where bundles are unpacked on a member's laptop: the user's data
/// directory, `jury/bundles/<call id>/`.
pub fn default_unpack_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("jury").join("bundles"))
}

/// Checks the bundle entirely (the chair's signature, the key pinned for
/// the call, every file), then installs it as `into/<call id>/`. An
/// existing folder of the same call is replaced; a folder holding anything
/// else is refused.
pub fn unpack(bundle: &Path, into: &Path) -> Result<Unpacked, BundleError> {
    let file = File::open(bundle).map_err(FileError::at(bundle))?;
    unpack_from(bundle, file, into, into)
}

/// A sealed bundle (an encrypted call's): opened in memory with the
/// password the chair gave, then checked like any other and installed in
/// `into`, the chair's key pinned in `pins`. A wrong password or a byte
/// changed on the way installs nothing.
pub fn unpack_sealed(
    bundle: &Path,
    password: &crate::store::Passphrase,
    pins: &Path,
    into: &Path,
) -> Result<Unpacked, BundleError> {
    let sealed = std::fs::read(bundle).map_err(FileError::at(bundle))?;
    let zip = crate::io::seal::open_with_passphrase(&sealed, password)
        .map_err(|e| BundleError::Sealed(bundle.to_path_buf(), e))?;
    unpack_from(bundle, std::io::Cursor::new(zip), pins, into)
}

fn unpack_from<R: Read + std::io::Seek>(
    bundle: &Path,
    reader: R,
    pins: &Path,
    into: &Path,
) -> Result<Unpacked, BundleError> {
    let refused = |why| BundleError::Unpack(bundle.to_path_buf(), why);
    let (mut zip, manifest, chair_key) = open_checked(bundle, reader).map_err(refused)?;
    let chair_fingerprint = jury_core::hex::spoken_fingerprint(&chair_key);
    let folder = safe_name(&manifest.call_id);
    let pin = pins.join(PINS).join(&folder);
    let pinned = read_pin(&pin)?;
    if let Some(pinned) = &pinned
        && *pinned != chair_key
    {
        return Err(BundleError::ChairKeyChanged {
            call_id: manifest.call_id.clone(),
            pinned: jury_core::hex::spoken_fingerprint(pinned),
            found: chair_fingerprint,
        });
    }
    crate::io::files::create_private_dir_all(into).map_err(FileError::at(into))?;
    let target = into.join(&folder);
    check_target(&target, &manifest.call_id)?;
    // Extracted into a hidden folder beside the target, removed on failure.
    let tmp = crate::io::files::private_temp_dir(&format!(".{folder}.partiel-"), into)
        .map_err(FileError::at(into))?;
    extract(&mut zip, &manifest, tmp.path()).map_err(refused)?;
    match crate::io::import::read_call(tmp.path()) {
        Ok(call) if call.id == manifest.call_id => {}
        Ok(call) => {
            return Err(refused(UnpackError::Altered(Alteration::CallMismatch {
                listed: manifest.call_id,
                found: call.id,
            })));
        }
        Err(diags) => return Err(refused(UnpackError::UnreadableCall(diags))),
    }
    match read_credential_in(tmp.path()) {
        Ok(c) if c.member == manifest.member && c.key_id == manifest.key_id => {}
        _ => return Err(refused(UnpackError::Altered(Alteration::Credential))),
    }
    // Pinned before the folder is put in place: a call installed is never
    // left without the key it was checked with.
    if pinned.is_none() {
        let dir = pins.join(PINS);
        crate::io::files::create_private_dir_all(&dir).map_err(FileError::at(&dir))?;
        crate::io::files::write_atomic(
            &pin,
            format!("{}\n", jury_core::hex(&chair_key)).as_bytes(),
        )?;
    }
    install(tmp, &target)?;
    Ok(Unpacked {
        dir: target,
        call_id: manifest.call_id,
        member: manifest.member,
        issued_at: manifest.created_at,
        chair_fingerprint,
        pinned_now: pinned.is_none(),
        chair_recipient: manifest.chair_recipient,
    })
}

/// The chair key pinned for a call, if a bundle of it was installed before.
fn read_pin(pin: &Path) -> Result<Option<[u8; 32]>, FileError> {
    match std::fs::read_to_string(pin) {
        Ok(text) => Ok(jury_core::hex::unhex(text.trim())
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            // An unreadable pin pins nothing anyone could match: it refuses
            // every key, which the message explains how to clear.
            .or(Some([0u8; 32]))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(FileError::new(pin, e)),
    }
}

fn read_credential_in(dir: &Path) -> Result<jury_core::packet::Credential, BundleError> {
    let path = dir.join(CREDENTIAL);
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(BundleError::NoCredential(Some(dir.to_path_buf())));
        }
        Err(e) => return Err(FileError::new(&path, e).into()),
    };
    parse_credential(&text, path)
}

/// A member key's text, checked; `path` names where it was read.
fn parse_credential(
    text: &[u8],
    path: PathBuf,
) -> Result<jury_core::packet::Credential, BundleError> {
    let c: jury_core::packet::Credential = serde_json::from_slice(text).map_err(|e| {
        BundleError::BadCredential(path.clone(), CredentialProblem::Json(e.to_string()))
    })?;
    if c.format != jury_core::packet::CREDENTIAL_FORMAT {
        return Err(BundleError::BadCredential(
            path,
            CredentialProblem::Format(c.format.chars().take(40).collect()),
        ));
    }
    if c.secret_bytes().is_none() {
        return Err(BundleError::BadCredential(path, CredentialProblem::Secret));
    }
    Ok(c)
}

/// The member's key, from the call folder the member's database was opened
/// from (refused when it was not installed from a bundle issued with `--for`).
/// A sealed bundle's key is kept in the member's (encrypted) database
/// instead: its call folder lives in memory only while Jury runs.
pub fn read_credential(store: &Store) -> Result<jury_core::packet::Credential, BundleError> {
    if let Some(kept) = store.meta(CREDENTIAL_KEY)? {
        return parse_credential(kept.as_bytes(), store.path().to_path_buf());
    }
    match store.meta(crate::store::CALL_DIR_KEY)? {
        Some(dir) => read_credential_in(Path::new(&dir)),
        None => Err(BundleError::NoCredential(None)),
    }
}

/// The `meta` keys of a member's database installed from a sealed bundle:
/// their key, and the chair's age recipient their packets are sealed to.
pub const CREDENTIAL_KEY: &str = "member_credential";
pub const RECIPIENT_KEY: &str = "chair_recipient";

/// Keeps in the member's database what a sealed bundle brought and the
/// call folder in memory will not keep: the member's key and the chair's
/// recipient. Called once the database is open with the bundle's password.
pub fn remember(store: &mut Store, installed: &Unpacked) -> Result<(), BundleError> {
    let credential = read_credential_in(&installed.dir)?;
    let text = serde_json::to_string(&credential).unwrap_or_default();
    store.set_meta(CREDENTIAL_KEY, &text)?;
    if let Some(recipient) = &installed.chair_recipient {
        store.set_meta(RECIPIENT_KEY, recipient)?;
    }
    Ok(())
}

/// The bundle's zip, manifest and chair key, once the signature verifies,
/// every listed file is present, nothing unlisted is there and no path
/// leaves the folder. The one place a bundle file is read (a later sealing
/// layer unwraps its bytes here).
fn open_checked<R: Read + std::io::Seek>(
    bundle: &Path,
    mut file: R,
) -> Result<(zip::ZipArchive<R>, Manifest, [u8; 32]), UnpackError> {
    let read_err = FileError::at(bundle);
    let mut magic = [0u8; 4];
    let n = file.read(&mut magic).map_err(read_err)?;
    if n < 4 || &magic != b"PK\x03\x04" {
        return Err(UnpackError::NotABundle { empty: n < 4 });
    }
    file.seek(std::io::SeekFrom::Start(0)).map_err(read_err)?;
    let altered = UnpackError::Altered;
    let mut zip =
        zip::ZipArchive::new(file).map_err(|e| altered(Alteration::Archive(e.to_string())))?;
    let (manifest, chair_key) = read_manifest(&mut zip)?;
    let mut listed = BTreeSet::new();
    for f in &manifest.files {
        if !is_safe_relative(&f.path) || f.path == MANIFEST || f.path == SIGNATURE {
            return Err(UnpackError::UnsafePath(f.path.clone()));
        }
        if !listed.insert(f.path.as_str()) {
            return Err(altered(Alteration::ListedTwice(f.path.clone())));
        }
    }
    if !listed.contains("appel.json") {
        return Err(altered(Alteration::NoCallFile));
    }
    if let Some(name) = zip.file_names().find(|name| {
        *name != MANIFEST && *name != SIGNATURE && !name.ends_with('/') && !listed.contains(name)
    }) {
        return Err(altered(Alteration::Unlisted(name.to_string())));
    }
    Ok((zip, manifest, chair_key))
}

/// A small entry's bytes, at most `limit`.
fn read_entry<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    limit: u64,
    missing: Alteration,
) -> Result<Vec<u8>, UnpackError> {
    let altered = UnpackError::Altered;
    let mut text = Vec::new();
    let entry = zip.by_name(name).map_err(|_| altered(missing))?;
    entry
        .take(limit)
        .read_to_end(&mut text)
        .map_err(|e| altered(Alteration::ManifestUnreadable(e.to_string())))?;
    Ok(text)
}

/// The manifest and the chair's public key, once the chair's signature of
/// the manifest's exact bytes verifies.
fn read_manifest<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
) -> Result<(Manifest, [u8; 32]), UnpackError> {
    let altered = UnpackError::Altered;
    let text = read_entry(zip, MANIFEST, MANIFEST_LIMIT, Alteration::ManifestMissing)?;
    let value: serde_json::Value = serde_json::from_slice(&text)
        .map_err(|e| altered(Alteration::ManifestUnreadable(e.to_string())))?;
    let Some(format) = value.get("format").and_then(|f| f.as_str()) else {
        return Err(UnpackError::NoFormat);
    };
    if format == UNSIGNED {
        return Err(UnpackError::Unsigned);
    }
    match WRITTEN.seen(format) {
        Seen::Current => {}
        Seen::Future => return Err(UnpackError::FutureFormat(format.into())),
        Seen::Unknown => return Err(UnpackError::UnknownFormat(format.into())),
    }
    let manifest: Manifest = serde_json::from_value(value)
        .map_err(|e| altered(Alteration::ManifestInvalid(e.to_string())))?;
    if manifest.call_id.trim().is_empty() {
        return Err(altered(Alteration::EmptyCallId));
    }
    let signature = read_entry(zip, SIGNATURE, 1024, Alteration::SignatureMissing)?;
    let key = jury_core::hex::unhex(&manifest.chair_key)
        .and_then(|k| <[u8; 32]>::try_from(k).ok())
        .ok_or(altered(Alteration::SignatureUnreadable))?;
    let verifying = ed25519_dalek::VerifyingKey::from_bytes(&key)
        .map_err(|_| altered(Alteration::SignatureUnreadable))?;
    let signature = std::str::from_utf8(&signature)
        .ok()
        .and_then(|s| jury_core::hex::unhex(s.trim()))
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| ed25519_dalek::Signature::from_bytes(&b))
        .ok_or(altered(Alteration::SignatureUnreadable))?;
    verifying
        .verify_strict(&text, &signature)
        .map_err(|_| altered(Alteration::SignatureInvalid))?;
    Ok((manifest, key))
}

fn extract<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    manifest: &Manifest,
    tmp: &Path,
) -> Result<(), UnpackError> {
    let altered = UnpackError::Altered;
    let io = |p: &Path, e| UnpackError::File(FileError::new(p, e));
    for f in &manifest.files {
        let mut entry = zip
            .by_name(&f.path)
            .map_err(|_| altered(Alteration::EntryMissing(f.path.clone())))?;
        if entry.size() != f.size {
            return Err(altered(Alteration::WrongSize {
                path: f.path.clone(),
                size: entry.size(),
                listed: f.size,
            }));
        }
        let dest = tmp.join(&f.path);
        if let Some(parent) = dest.parent() {
            crate::io::files::create_private_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        let mut out = BufWriter::new(
            crate::io::files::create_private_file(&dest, true).map_err(|e| io(&dest, e))?,
        );
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; 64 * 1024];
        let mut limited = (&mut entry).take(f.size + 1);
        loop {
            let n = limited
                .read(&mut buf)
                .map_err(|e| altered(Alteration::EntryUnreadable(f.path.clone(), e.to_string())))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            size += n as u64;
            out.write_all(&buf[..n]).map_err(|e| io(&dest, e))?;
        }
        if size != f.size || jury_core::hex(&hasher.finalize()) != f.sha256 {
            return Err(altered(Alteration::Fingerprint(f.path.clone())));
        }
        let file = out.into_inner().map_err(|e| io(&dest, e.into_error()))?;
        file.sync_all().map_err(|e| io(&dest, e))?;
    }
    Ok(())
}

/// `target` may be absent, empty, or hold the same call (to be replaced).
fn check_target(target: &Path, call_id: &str) -> Result<(), BundleError> {
    let refuse = |problem| Err(BundleError::Target(target.to_path_buf(), problem));
    if !target.exists() {
        return Ok(());
    }
    if !target.is_dir() {
        return refuse(TargetProblem::NotAFolder);
    }
    if target.join("appel.json").exists() {
        return match crate::io::import::read_call(target) {
            Ok(c) if c.id == call_id => Ok(()),
            Ok(c) => refuse(TargetProblem::OtherCall {
                found: c.id,
                expected: call_id.to_string(),
            }),
            Err(_) => refuse(TargetProblem::UnreadableCall),
        };
    }
    let empty = std::fs::read_dir(target)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if empty {
        Ok(())
    } else {
        refuse(TargetProblem::Occupied)
    }
}

/// Puts the checked folder in place, replacing the same call's folder: the
/// old one is moved into a temporary folder (removed when dropped), and
/// moved back if the new one cannot take its place.
fn install(tmp: tempfile::TempDir, target: &Path) -> Result<(), FileError> {
    let fail = FileError::at(target);
    // Dropped at the end, with the former folder in it, if there was one.
    let former = if target.exists() {
        let name = target.file_name().unwrap_or_default().display();
        let former = crate::io::files::private_temp_dir(
            &format!(".{name}.ancien-"),
            target.parent().unwrap_or(Path::new(".")),
        )
        .map_err(fail)?;
        std::fs::rename(target, former.path().join("appel")).map_err(fail)?;
        Some(former)
    } else {
        None
    };
    if let Err(e) = std::fs::rename(tmp.path(), target) {
        if let Some(former) = &former {
            let _ = std::fs::rename(former.path().join("appel"), target);
        }
        return Err(fail(e));
    }
    // In place now: nothing left for the temporary folder to remove.
    let _ = tmp.keep();
    Ok(())
}

/// Relative, `/`-separated, made only of ordinary names.
fn is_safe_relative(p: &str) -> bool {
    !p.is_empty()
        && !p.contains('\\')
        && !p.contains(':')
        && !p.contains('\0')
        && p.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
        && Path::new(p)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// A reference or call id as a file name.
fn safe_name(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with('.') {
        format!("_{out}")
    } else {
        out
    }
}

fn pretty(v: &serde_json::Value) -> Vec<u8> {
    let mut b = serde_json::to_vec_pretty(v).unwrap_or_default();
    b.push(b'\n');
    b
}

fn hash_file(p: &Path) -> std::io::Result<(String, u64)> {
    let mut f = File::open(p)?;
    let mut hasher = Sha256::new();
    let size = std::io::copy(&mut f, &mut hasher)?;
    Ok((jury_core::hex(&hasher.finalize()), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_paths_must_stay_inside() {
        for ok in [
            "appel.json",
            "pieces/a.pdf",
            "dossiers/PDNP06-2025-001.json",
        ] {
            assert!(is_safe_relative(ok), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "pieces/../../x",
            "a//b",
            "./a",
            "C:/x",
            "a\\..\\b",
            "pieces/",
        ] {
            assert!(!is_safe_relative(bad), "{bad}");
        }
    }

    #[test]
    fn bundle_names_are_safe_file_names() {
        assert_eq!(safe_name("PDNP06-2025-001"), "PDNP06-2025-001");
        assert_eq!(safe_name("a/b"), "a_b");
        assert_eq!(safe_name(".."), "_..");
        assert_eq!(safe_name(""), "_");
    }

    #[test]
    fn bundle_sizes_read_in_french() {
        assert_eq!(human_size(12), "12 octets");
        assert_eq!(human_size(2048), "2 Ko");
        assert_eq!(human_size(3 * 1024 * 1024 + 512 * 1024), "3,5 Mo");
    }
}
