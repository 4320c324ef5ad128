//! The batch for members' laptops (`jury-bundle/1`): one zip file holding
//! `manifest.json` first, then `appel.json`, `dossiers/<reference>.json` (the
//! dossiers as the chair's database holds them) and every attachment they
//! list. The manifest gives each file's SHA-256 and size; unpacking checks
//! all of them before anything is put in place.
//!
//! Writing goes to a temporary file renamed at the end, unpacking to a
//! temporary folder renamed at the end: a full disk, a truncated or altered
//! bundle never leaves half a bundle or half a call folder.

use crate::store::Store;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};

pub const FORMAT: &str = "jury-bundle/1";
const FAMILY: &str = "jury-bundle/";
const VERSION: u32 = 1;
const MANIFEST: &str = "manifest.json";
const MANIFEST_LIMIT: u64 = 16 << 20;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub call_id: String,
    pub created_at: String,
    pub files: Vec<ManifestFile>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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
}

impl fmt::Display for BundleSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Lot de l'appel « {} » écrit dans {} : {} dossier{}, {} pièce{} jointe{}, {}.",
            self.call_id,
            self.path.display(),
            self.dossiers,
            if self.dossiers >= 2 { "s" } else { "" },
            self.attachments,
            if self.attachments >= 2 { "s" } else { "" },
            if self.attachments >= 2 { "s" } else { "" },
            human_size(self.bytes)
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

/// Writes the bundle of the database's call to `out`. Attachments are read
/// from `call_dir`, or else from the folder recorded under [`crate::store::CALL_DIR_KEY`].
pub fn write(store: &Store, call_dir: Option<&Path>, out: &Path) -> Result<BundleSummary, String> {
    let db = store.path().display().to_string();
    let Some(call_id) = store.meta("call_id").map_err(|e| e.to_string())? else {
        return Err(format!(
            "{db} : cette base n'est liée à aucun appel. Ouvrez d'abord l'appel avec « jury DOSSIER_APPEL --db {db} »."
        ));
    };
    let Some(call) = store.stored_call().map_err(|e| e.to_string())? else {
        return Err(format!(
            "{db} : le texte de l'appel manque dans la base. Rouvrez l'appel avec « jury DOSSIER_APPEL --db {db} »."
        ));
    };
    let dossiers = store.load_dossiers().map_err(|e| e.to_string())?;
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
    for (id, text) in store.templates().map_err(|e| e.to_string())? {
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
        let who = refs.join(", ");
        if !is_safe_relative(rel) {
            missing.push(format!("{who} : « {rel} » sort du dossier de l'appel"));
            continue;
        }
        let Some(dir) = &dir else {
            missing.push(format!("{who} : {rel}"));
            continue;
        };
        match attachment_file(dir, rel) {
            Ok(p) => found.push((rel.clone(), Source::File(p))),
            Err(why) => missing.push(format!("{who} : {rel} ({why})")),
        }
    }
    if !missing.is_empty() {
        let hint = match &dir {
            None => "Le dossier de l'appel (celui qui contient appel.json et pieces/) n'est pas connu de cette base : indiquez-le.".to_string(),
            Some(d) => format!("Pièces cherchées dans {}.", d.display()),
        };
        return Err(format!(
            "Pièces jointes introuvables, aucun lot n'a été écrit :\n- {}\n{hint}",
            missing.join("\n- ")
        ));
    }
    let attachment_count = found.len();
    entries.extend(found);

    let mut manifest = Manifest {
        format: FORMAT.into(),
        call_id: call_id.clone(),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        files: Vec::new(),
    };
    for (name, src) in &entries {
        let (sha256, size) = match src {
            Source::Bytes(b) => (jury_core::sha256_hex(b), b.len() as u64),
            Source::File(p) => hash_file(p)
                .map_err(|e| format!("{} : {}", p.display(), jury_core::fr::io_message(&e)))?,
        };
        manifest.files.push(ManifestFile {
            path: name.clone(),
            sha256,
            size,
        });
    }

    let tmp = temp_sibling(out, "tmp");
    let result = write_zip(&tmp, &manifest, &entries);
    let bytes = match result.and_then(|()| {
        std::fs::rename(&tmp, out)
            .map_err(|e| format!("{} : {}", out.display(), jury_core::fr::io_message(&e)))?;
        Ok(std::fs::metadata(out).map(|m| m.len()).unwrap_or(0))
    }) {
        Ok(b) => b,
        Err(why) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(format!("{why} ; aucun lot n'a été écrit."));
        }
    };
    Ok(BundleSummary {
        call_id,
        path: out.to_path_buf(),
        dossiers: dossiers.len(),
        attachments: attachment_count,
        bytes,
    })
}

fn resolve_call_dir(
    store: &Store,
    call_id: &str,
    explicit: Option<&Path>,
) -> Result<Option<PathBuf>, String> {
    let same_call = |d: &Path| crate::io::import::read_call(d).map(|c| c.id);
    if let Some(d) = explicit {
        return match same_call(d) {
            Ok(id) if id == call_id => Ok(Some(d.to_path_buf())),
            Ok(id) => Err(format!(
                "{} : ce dossier contient l'appel « {id} », pas « {call_id} » ; aucun lot n'a été écrit.",
                d.display()
            )),
            Err(diags) => Err(format!(
                "{} : dossier de l'appel illisible ({}) ; aucun lot n'a été écrit.",
                d.display(),
                diags.first().map(|d| d.to_string()).unwrap_or_default()
            )),
        };
    }
    let recorded = store
        .meta(crate::store::CALL_DIR_KEY)
        .map_err(|e| e.to_string())?;
    Ok(recorded
        .map(PathBuf::from)
        .filter(|d| same_call(d).is_ok_and(|id| id == call_id)))
}

/// The attachment's file, which must stay inside the call folder.
fn attachment_file(dir: &Path, rel: &str) -> Result<PathBuf, String> {
    let path = dir.join(rel);
    let real = std::fs::canonicalize(&path).map_err(|e| jury_core::fr::io_message(&e))?;
    let root = std::fs::canonicalize(dir).map_err(|e| jury_core::fr::io_message(&e))?;
    if !real.starts_with(&root) {
        return Err("mène hors du dossier de l'appel".into());
    }
    if !real.is_file() {
        return Err("ce n'est pas un fichier".into());
    }
    Ok(real)
}

fn write_zip(tmp: &Path, manifest: &Manifest, entries: &[(String, Source)]) -> Result<(), String> {
    let io = |e: std::io::Error| format!("{} : {}", tmp.display(), jury_core::fr::io_message(&e));
    let zip_err = |e: zip::result::ZipError| match e {
        zip::result::ZipError::Io(e) => io(e),
        other => format!("{} : {other}", tmp.display()),
    };
    let file = File::create(tmp).map_err(io)?;
    let mut zip = zip::ZipWriter::new(BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let mut manifest_text = serde_json::to_vec_pretty(manifest).unwrap_or_default();
    manifest_text.push(b'\n');
    zip.start_file(MANIFEST, options).map_err(zip_err)?;
    zip.write_all(&manifest_text).map_err(io)?;
    for ((name, src), listed) in entries.iter().zip(&manifest.files) {
        zip.start_file(name.as_str(), options).map_err(zip_err)?;
        match src {
            Source::Bytes(b) => zip.write_all(b).map_err(io)?,
            Source::File(p) => {
                let mut f = File::open(p)
                    .map_err(|e| format!("{} : {}", p.display(), jury_core::fr::io_message(&e)))?;
                let mut hasher = Sha256::new();
                let mut buf = vec![0u8; 64 * 1024];
                let mut size = 0u64;
                loop {
                    let n = f.read(&mut buf).map_err(|e| {
                        format!("{} : {}", p.display(), jury_core::fr::io_message(&e))
                    })?;
                    if n == 0 {
                        break;
                    }
                    hasher.update(&buf[..n]);
                    size += n as u64;
                    zip.write_all(&buf[..n]).map_err(io)?;
                }
                if jury_core::hex(&hasher.finalize()) != listed.sha256 || size != listed.size {
                    return Err(format!(
                        "{} a changé pendant l'écriture du lot : recommencez",
                        p.display()
                    ));
                }
            }
        }
    }
    let writer = zip.finish().map_err(zip_err)?;
    let file = writer.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)
}

/// Where bundles are unpacked on a member's laptop: the user's data
/// directory, `jury/bundles/<call id>/`.
pub fn default_unpack_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("jury").join("bundles"))
}

fn altered(why: impl fmt::Display) -> String {
    format!(
        "lot tronqué ou modifié : {why}. Rien n'a été installé ; demandez à la présidence un nouveau lot."
    )
}

/// Checks the bundle entirely, then installs it as `into/<call id>/` and
/// returns that folder. An existing folder of the same call is replaced; a
/// folder holding anything else is refused.
pub fn unpack(bundle: &Path, into: &Path) -> Result<PathBuf, String> {
    let shown = bundle.display();
    let mut file =
        File::open(bundle).map_err(|e| format!("{shown} : {}", jury_core::fr::io_message(&e)))?;
    let mut magic = [0u8; 4];
    let n = file
        .read(&mut magic)
        .map_err(|e| format!("{shown} : {}", jury_core::fr::io_message(&e)))?;
    if n < 4 || &magic != b"PK\x03\x04" {
        return Err(format!(
            "{shown} : ce fichier n'est pas un lot Jury (écrit par « jury bundle »){}.",
            if n < 4 { ", ou il est vide" } else { "" }
        ));
    }
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| format!("{shown} : {}", altered(format!("archive illisible ({e})"))))?;
    let manifest = read_manifest(&mut zip).map_err(|e| format!("{shown} : {e}"))?;
    let folder = safe_name(&manifest.call_id);

    // Every listed file present, nothing unlisted, no path leaving the folder.
    let mut listed = BTreeSet::new();
    for f in &manifest.files {
        if !is_safe_relative(&f.path) || f.path == MANIFEST {
            return Err(format!(
                "{shown} : lot refusé : le chemin « {} » sort du dossier de l'appel. Rien n'a été installé.",
                f.path
            ));
        }
        if !listed.insert(f.path.as_str()) {
            return Err(format!(
                "{shown} : {}",
                altered(format!("« {} » listé deux fois", f.path))
            ));
        }
    }
    if !listed.contains("appel.json") {
        return Err(format!("{shown} : {}", altered("appel.json manque")));
    }
    for name in zip.file_names() {
        if name != MANIFEST && !name.ends_with('/') && !listed.contains(name) {
            return Err(format!(
                "{shown} : {}",
                altered(format!("« {name} » n'est pas dans le manifeste"))
            ));
        }
    }

    std::fs::create_dir_all(into)
        .map_err(|e| format!("{} : {}", into.display(), jury_core::fr::io_message(&e)))?;
    let target = into.join(&folder);
    check_target(&target, &manifest.call_id)?;
    let tmp = temp_sibling(&target, "partiel");
    let result =
        extract(&mut zip, &manifest, &tmp).and_then(|()| {
            match crate::io::import::read_call(&tmp) {
                Ok(call) if call.id == manifest.call_id => Ok(()),
                Ok(call) => Err(altered(format!(
                    "le manifeste annonce l'appel « {} », appel.json contient « {} »",
                    manifest.call_id, call.id
                ))),
                Err(diags) => Err(format!(
                    "appel.json du lot illisible : {}",
                    diags
                        .iter()
                        .map(|d| d.to_string())
                        .collect::<Vec<_>>()
                        .join(" ; ")
                )),
            }
        });
    if let Err(why) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(format!("{shown} : {why}"));
    }
    install(&tmp, &target).inspect_err(|_| {
        let _ = std::fs::remove_dir_all(&tmp);
    })?;
    Ok(target)
}

fn read_manifest<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
) -> Result<Manifest, String> {
    let mut text = Vec::new();
    {
        let entry = zip
            .by_name(MANIFEST)
            .map_err(|_| altered("manifest.json manque"))?;
        entry
            .take(MANIFEST_LIMIT)
            .read_to_end(&mut text)
            .map_err(|e| altered(format!("manifest.json illisible ({e})")))?;
    }
    let value: serde_json::Value = serde_json::from_slice(&text)
        .map_err(|e| altered(format!("manifest.json illisible ({e})")))?;
    let Some(format) = value.get("format").and_then(|f| f.as_str()) else {
        return Err("ce fichier n'est pas un lot Jury (manifeste sans « format »).".into());
    };
    if format != FORMAT {
        let future = format
            .strip_prefix(FAMILY)
            .and_then(|v| v.parse::<u32>().ok())
            .is_some_and(|v| v > VERSION);
        return Err(if future {
            format!(
                "lot au format « {format} », créé par une version plus récente de Jury : mettez Jury à jour pour l'ouvrir (cette version lit « {FORMAT} »). Rien n'a été installé."
            )
        } else {
            format!(
                "format « {format} » inconnu : un lot Jury « {FORMAT} » est attendu. Rien n'a été installé."
            )
        });
    }
    let manifest: Manifest = serde_json::from_value(value)
        .map_err(|e| altered(format!("manifest.json invalide ({e})")))?;
    if manifest.call_id.trim().is_empty() {
        return Err(altered("identifiant d'appel vide"));
    }
    Ok(manifest)
}

fn extract<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    manifest: &Manifest,
    tmp: &Path,
) -> Result<(), String> {
    let io = |p: &Path, e: std::io::Error| {
        format!("{} : {}", p.display(), jury_core::fr::io_message(&e))
    };
    std::fs::create_dir(tmp).map_err(|e| io(tmp, e))?;
    for f in &manifest.files {
        let mut entry = zip
            .by_name(&f.path)
            .map_err(|_| altered(format!("« {} » manque", f.path)))?;
        if entry.size() != f.size {
            return Err(altered(format!(
                "« {} » fait {} octets, le manifeste en annonce {}",
                f.path,
                entry.size(),
                f.size
            )));
        }
        let dest = tmp.join(&f.path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        let mut out = BufWriter::new(File::create(&dest).map_err(|e| io(&dest, e))?);
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; 64 * 1024];
        let mut limited = (&mut entry).take(f.size + 1);
        loop {
            let n = limited
                .read(&mut buf)
                .map_err(|e| altered(format!("« {} » illisible ({e})", f.path)))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            size += n as u64;
            out.write_all(&buf[..n]).map_err(|e| io(&dest, e))?;
        }
        if size != f.size || jury_core::hex(&hasher.finalize()) != f.sha256 {
            return Err(altered(format!(
                "« {} » ne correspond pas à son empreinte",
                f.path
            )));
        }
        let file = out.into_inner().map_err(|e| io(&dest, e.into_error()))?;
        file.sync_all().map_err(|e| io(&dest, e))?;
    }
    Ok(())
}

/// `target` may be absent, empty, or hold the same call (to be replaced).
fn check_target(target: &Path, call_id: &str) -> Result<(), String> {
    if !target.exists() {
        return Ok(());
    }
    if !target.is_dir() {
        return Err(format!(
            "{} existe déjà et n'est pas un dossier : rien n'a été installé.",
            target.display()
        ));
    }
    if target.join("appel.json").exists() {
        return match crate::io::import::read_call(target) {
            Ok(c) if c.id == call_id => Ok(()),
            Ok(c) => Err(format!(
                "{} contient déjà l'appel « {} », pas « {call_id} » : il n'a pas été remplacé, rien n'a été installé.",
                target.display(),
                c.id
            )),
            Err(_) => Err(format!(
                "{} contient déjà un appel.json illisible : il n'a pas été remplacé, rien n'a été installé.",
                target.display()
            )),
        };
    }
    let empty = std::fs::read_dir(target)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if empty {
        Ok(())
    } else {
        Err(format!(
            "{} existe déjà et n'est pas un dossier d'appel : il n'a pas été remplacé, rien n'a été installé.",
            target.display()
        ))
    }
}

/// Puts the checked folder in place, replacing the same call's folder.
fn install(tmp: &Path, target: &Path) -> Result<(), String> {
    let io =
        |e: std::io::Error| format!("{} : {}", target.display(), jury_core::fr::io_message(&e));
    if target.exists() {
        let old = temp_sibling(target, "ancien");
        std::fs::rename(target, &old).map_err(io)?;
        if let Err(e) = std::fs::rename(tmp, target) {
            let _ = std::fs::rename(&old, target);
            return Err(io(e));
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    } else {
        std::fs::rename(tmp, target).map_err(io)
    }
}

/// `.name.<what>-<pid>-<nanos>` next to `path`.
fn temp_sibling(path: &Path, what: &str) -> PathBuf {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    path.with_file_name(format!(".{name}.{what}-{}-{nanos}", std::process::id()))
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
