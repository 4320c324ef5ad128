//! Issue 10, point 2: authenticated exchanges, tried as an attacker would,
//! through the real binary. The chair issues each member their own bundle
//! (`jury bundle --for`), signed by the chair's key and holding the member's
//! secret; packets are authenticated with that secret. Every forgery below
//! worked before: each is now refused with its reason, and nothing moves.

use crate::common::folders;
use folders::entries;
use jury::store::Store;
use jury_core::packet::{self, Packet};
use jury_core::records::ScoreRow;
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

const CHAIR: &str = "Sylvie Marcellin";
const JULIEN: &str = "Julien Ferrand";
const BERNARD: &str = "Bernard Castellan";

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025")
}

fn jury() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jury"))
}

/// Exit code, stdout, stderr.
fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run jury");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A database made from a call folder, as `jury DIR --db FILE` makes it.
fn synced(db: &Path, call_dir: &Path) -> Store {
    let folder = jury::io::import::read_folder(call_dir).expect("call folder");
    let mut store = Store::open(db).expect("open");
    folder.import_into(&mut store).expect("import");
    store
}

fn score(store: &mut Store, member: &str, n: u32, criterion: &str, value: f64) {
    store
        .save_score(&ScoreRow {
            reference: format!("PDNP06-2025-{n:03}"),
            member: member.into(),
            criterion: criterion.into(),
            value: Some(value),
            comment: String::new(),
        })
        .expect("score");
}

/// A score at the chair's: dossier, member, criterion, value.
type ScoreLine = (String, String, String, Option<f64>);

/// A committee: the chair's database (with the chair's own scores on 001),
/// each member's bundle issued by `jury bundle --for`.
struct Committee {
    dir: tempfile::TempDir,
    chair_db: PathBuf,
}

impl Committee {
    fn new() -> Committee {
        let dir = tempfile::tempdir().expect("tmp");
        let chair_db = dir.path().join("presidence.sqlite");
        let mut chair = synced(&chair_db, &sample());
        for c in ["experience", "qualification", "coherence", "formation"] {
            score(&mut chair, CHAIR, 1, c, 2.0);
        }
        Committee { dir, chair_db }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `jury bundle --for member`: the bundle's path and what it printed.
    fn bundle(&self, member: &str) -> (PathBuf, String) {
        let lot = self.path(&format!("lot-{member}.jurybundle"));
        let (code, out, err) = run(jury()
            .args(["bundle", "--db"])
            .arg(&self.chair_db)
            .arg("--out")
            .arg(&lot)
            .args(["--for", member]));
        assert_eq!(code, 0, "{err}");
        (lot, out)
    }

    /// Where `member`'s Jury keeps installed bundles (`jury LOT` installs
    /// there: XDG_DATA_HOME/jury/bundles).
    fn laptop(&self, member: &str) -> PathBuf {
        self.path(&format!("portable-{member}"))
    }

    fn bundles(&self, member: &str) -> PathBuf {
        self.laptop(member).join("jury").join("bundles")
    }

    /// `jury LOT` on `member`'s laptop: only refusals are run this way (an
    /// accepted bundle goes on to the TUI).
    fn open_bundle(&self, member: &str, lot: &Path) -> (i32, String, String) {
        run(jury()
            .arg(lot)
            .args(["--as", member])
            .env("HOME", self.laptop(member))
            .env("XDG_DATA_HOME", self.laptop(member)))
    }

    /// The member's laptop installs their bundle and makes their database
    /// from it; returns that database.
    fn install(&self, member: &str, lot: &Path) -> (PathBuf, jury::io::bundle::Unpacked) {
        let installed = jury::io::bundle::unpack(lot, &self.bundles(member)).expect("install");
        let db = self.path(&format!("membre-{member}.sqlite"));
        drop(synced(&db, &installed.dir));
        (db, installed)
    }

    /// `jury packet export` on a member's laptop.
    fn export(&self, db: &Path, member: &str) -> PathBuf {
        let file = self.path(&format!("paquet-{member}.json"));
        let (code, _, err) = run(jury()
            .args(["packet", "export", "--db"])
            .arg(db)
            .args(["--as", member, "--out"])
            .arg(&file));
        assert_eq!(code, 0, "{err}");
        file
    }

    /// `jury packet import` at the chair's.
    fn import(&self, file: &Path) -> (i32, String, String) {
        run(jury()
            .args(["packet", "import"])
            .arg(file)
            .arg("--db")
            .arg(&self.chair_db))
    }

    /// The chair's scores and audit log, to show nothing moved.
    fn state(&self) -> (Vec<ScoreLine>, Vec<String>) {
        let conn = rusqlite::Connection::open(&self.chair_db).expect("db");
        let mut stmt = conn
            .prepare("SELECT reference, member, criterion, value FROM scores ORDER BY 1, 2, 3")
            .expect("scores");
        let scores = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .and_then(Iterator::collect)
            .expect("scores");
        let mut stmt = conn
            .prepare("SELECT hash FROM audit ORDER BY id")
            .expect("audit");
        let audit = stmt
            .query_map([], |r| r.get(0))
            .and_then(Iterator::collect)
            .expect("audit");
        (scores, audit)
    }
}

/// Julien's genuine packet: installed from his bundle, scored, exported.
fn julien_packet(c: &Committee) -> PathBuf {
    let (lot, _) = c.bundle(JULIEN);
    let (db, _) = c.install(JULIEN, &lot);
    let mut m = Store::open(&db).expect("member db");
    for (n, v) in [(1, 5.0), (2, 4.0)] {
        for crit in ["experience", "qualification"] {
            score(&mut m, JULIEN, n, crit, v);
        }
    }
    drop(m);
    c.export(&db, JULIEN)
}

fn read_packet(file: &Path) -> Packet {
    packet::open(&std::fs::read(file).expect("read")).expect("packet")
}

fn write_packet(c: &Committee, name: &str, p: &Packet) -> PathBuf {
    let file = c.path(name);
    std::fs::write(&file, p.to_json()).expect("write");
    file
}

#[test]
fn a_forged_packet_in_the_chairs_name_is_refused_and_nothing_moves() {
    let c = Committee::new();
    c.bundle(CHAIR); // the chair scores on her own laptop too
    let genuine = julien_packet(&c);
    let before = c.state();
    // The attack of the issue: member set to the chair, four scores
    // changed, checksum recomputed (the mac too, with a guessed key).
    let mut forged = read_packet(&genuine);
    forged.member = CHAIR.into();
    for s in &mut forged.scores {
        s.value = Some(0.0);
    }
    let forged = packet::sign(forged, &[0u8; 32]);
    assert!(forged.is_sealed(), "the checksum itself is right");
    let file = write_packet(&c, "faux.json", &forged);
    let (code, out, err) = c.import(&file);
    assert_eq!(code, 1, "{out}");
    assert!(
        err.contains("Le paquet n'a pas été écrit avec la clé remise à « Sylvie Marcellin »"),
        "{err}"
    );
    assert!(err.contains("Rien n'a été importé"), "{err}");
    // The chair's key id is public (it is in the audit log): naming it
    // does not help without the secret.
    let chair_key_id: String = rusqlite::Connection::open(&c.chair_db)
        .and_then(|conn| {
            conn.query_row(
                "SELECT key_id FROM member_keys WHERE member = ?1",
                [CHAIR],
                |r| r.get(0),
            )
        })
        .expect("key id");
    let mut forged = forged;
    forged.key_id = chair_key_id;
    let file = write_packet(&c, "faux2.json", &packet::sign(forged, &[0u8; 32]));
    let (code, _, err) = c.import(&file);
    assert_eq!(code, 1);
    assert!(err.contains("clé remise à « Sylvie Marcellin »"), "{err}");
    assert_eq!(c.state(), before, "scores or audit log changed");
    // The genuine packet still goes in.
    let (code, out, err) = c.import(&genuine);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("4 notes ajoutées"), "{out}");
}

#[test]
fn a_packet_written_with_another_members_key_is_refused() {
    let c = Committee::new();
    let genuine = julien_packet(&c);
    // Bernard holds his own secret and knows Julien's key id: he writes a
    // packet in Julien's name.
    let (lot, _) = c.bundle(BERNARD);
    let (_, installed) = c.install(BERNARD, &lot);
    let bernard_key =
        jury::io::bundle::read_credential(&synced(&c.path("bernard-lit.sqlite"), &installed.dir))
            .expect("Bernard's key");
    let forged = packet::sign(
        read_packet(&genuine),
        &bernard_key.secret_bytes().expect("secret"),
    );
    let before = c.state();
    let (code, _, err) = c.import(&write_packet(&c, "bernard.json", &forged));
    assert_eq!(code, 1);
    assert!(
        err.contains("Le paquet n'a pas été écrit avec la clé remise à « Julien Ferrand »"),
        "{err}"
    );
    // His own key id on Julien's packet: not a key Julien was ever issued.
    let mut other = read_packet(&genuine);
    other.key_id = bernard_key.key_id.clone();
    let other = packet::sign(other, &bernard_key.secret_bytes().expect("secret"));
    let (code, _, err) = c.import(&write_packet(&c, "bernard2.json", &other));
    assert_eq!(code, 1);
    assert!(err.contains("clé remise à « Julien Ferrand »"), "{err}");
    assert_eq!(c.state(), before);
}

#[test]
fn a_packet_scored_on_another_grid_is_refused() {
    let c = Committee::new();
    let (lot, _) = c.bundle(JULIEN);
    let installed = jury::io::bundle::unpack(&lot, &c.bundles(JULIEN)).expect("install");
    // The member's call folder says another weight (edited on the laptop,
    // or a bundle forged on the way): he scores on that grid.
    let appel = installed.dir.join("appel.json");
    let text = std::fs::read_to_string(&appel).expect("appel");
    std::fs::write(&appel, text.replacen("\"weight\": 30", "\"weight\": 60", 1)).expect("edit");
    let db = c.path("julien.sqlite");
    let mut m = synced(&db, &installed.dir);
    score(&mut m, JULIEN, 3, "experience", 5.0);
    drop(m);
    let file = c.export(&db, JULIEN);
    let before = c.state();
    let (code, _, err) = c.import(&file);
    assert_eq!(code, 1);
    assert!(
        err.contains("a été noté sur une autre grille que celle de l'appel"),
        "{err}"
    );
    assert_eq!(c.state(), before);
}

#[test]
fn scores_dated_before_the_bundle_was_issued_are_refused() {
    let c = Committee::new();
    let (lot, _) = c.bundle(JULIEN);
    let (db, _) = c.install(JULIEN, &lot);
    let mut m = Store::open(&db).expect("member db");
    score(&mut m, JULIEN, 3, "experience", 5.0);
    drop(m);
    // Backdated on the laptop: an old date loses every « most recent
    // wins » merge, or passes for work done before the call was sent.
    rusqlite::Connection::open(&db)
        .and_then(|conn| {
            conn.execute(
                "UPDATE scores SET updated_at = '2025-07-05T09:00:00.000Z'",
                [],
            )
        })
        .expect("backdate");
    let file = c.export(&db, JULIEN);
    let before = c.state();
    let (code, _, err) = c.import(&file);
    assert_eq!(code, 1);
    assert!(
        err.contains("note PDNP06-2025-003/experience : date « 2025-07-05T09:00:00.000Z » antérieure à la remise du lot au membre"),
        "{err}"
    );
    assert_eq!(c.state(), before);
}

#[test]
fn a_packet_of_the_old_format_says_how_to_get_a_new_one() {
    let c = Committee::new();
    let genuine = julien_packet(&c);
    let old = std::fs::read_to_string(&genuine)
        .expect("read")
        .replace("jury-packet/2", "jury-packet/1");
    let file = c.path("ancien.json");
    std::fs::write(&file, old).expect("write");
    let before = c.state();
    let (code, _, err) = c.import(&file);
    assert_eq!(code, 2);
    assert!(err.contains("ancien format « jury-packet/1 »"), "{err}");
    assert!(err.contains("jury bundle --for NOM"), "{err}");
    assert_eq!(c.state(), before);
}

#[test]
fn a_bundle_issued_again_replaces_the_members_key() {
    let c = Committee::new();
    let old = julien_packet(&c);
    // Julien's laptop is lost: the chair issues him a new bundle.
    let (lot, _) = c.bundle(JULIEN);
    let before = c.state();
    let (code, _, err) = c.import(&old);
    assert_eq!(code, 1);
    assert!(
        err.contains("a été écrit avec une clé remplacée par le lot remis le"),
        "{err}"
    );
    assert_eq!(c.state(), before);
    // On the new laptop, from the new bundle: accepted, scores typed with
    // the old bundle included (his first bundle dates them).
    let installed = jury::io::bundle::unpack(&lot, &c.bundles(JULIEN)).expect("install");
    let db = c.path("membre-Julien Ferrand.sqlite");
    let mut m = synced(&db, &installed.dir);
    score(&mut m, JULIEN, 5, "formation", 3.0);
    drop(m);
    let (code, out, err) = c.import(&c.export(&db, JULIEN));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("5 notes ajoutées"), "{out}");
}

// ---- bundles ----------------------------------------------------------------

/// Rewrites a bundle: `edit(name, bytes)` returns the new bytes; the
/// manifest's hashes and sizes are recomputed as an attacker would, and
/// `sign` may replace the signature (and the key the manifest names).
fn forge_bundle(
    src: &Path,
    dst: &Path,
    edit: impl Fn(&str, Vec<u8>) -> Vec<u8>,
    signer: Option<&ed25519_dalek::SigningKey>,
) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(src).expect("open")).expect("zip");
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read");
        let name = entry.name().to_string();
        let bytes = edit(&name, bytes);
        files.push((name, bytes));
    }
    let mut manifest: Value = serde_json::from_slice(&files[0].1).expect("manifest");
    for f in manifest["files"].as_array_mut().expect("files") {
        let path = f["path"].as_str().expect("path").to_string();
        let bytes = &files.iter().find(|(n, _)| *n == path).expect("listed").1;
        f["sha256"] = jury_core::sha256_hex(bytes).into();
        f["size"] = (bytes.len() as u64).into();
    }
    if let Some(key) = signer {
        manifest["chair_key"] = jury_core::hex(key.verifying_key().as_bytes()).into();
    }
    let mut text = serde_json::to_vec_pretty(&manifest).expect("json");
    text.push(b'\n');
    files[0].1 = text.clone();
    if let Some(key) = signer {
        use ed25519_dalek::Signer;
        let sig = files
            .iter_mut()
            .find(|(n, _)| n == "manifest.sig")
            .expect("sig");
        sig.1 = format!("{}\n", jury_core::hex(&key.sign(&text).to_bytes())).into_bytes();
    }
    let mut out = zip::ZipWriter::new(std::fs::File::create(dst).expect("create"));
    for (name, bytes) in files {
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&bytes).expect("write");
    }
    out.finish().expect("finish");
}

/// The weight of the first criterion doubled and a dossier's text changed.
fn tamper(name: &str, bytes: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8(bytes.clone()).unwrap_or_default();
    match name {
        "appel.json" => text
            .replacen("\"weight\": 30", "\"weight\": 60", 1)
            .into_bytes(),
        "dossiers/PDNP06-2025-003.json" => text
            .replacen("\"received_at\": \"2025-", "\"received_at\": \"2024-", 1)
            .into_bytes(),
        _ => bytes,
    }
}

#[test]
fn a_bundle_rewritten_on_the_way_is_refused_and_nothing_is_installed() {
    let c = Committee::new();
    let (lot, _) = c.bundle(JULIEN);
    let forged = c.path("faux.jurybundle");
    forge_bundle(&lot, &forged, tamper, None);
    let (code, _, err) = c.open_bundle(JULIEN, &forged);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("la signature de la présidence ne correspond pas au manifeste"),
        "{err}"
    );
    assert!(err.contains("Rien n'a été installé"), "{err}");
    assert_eq!(entries(&c.bundles(JULIEN)), Vec::<String>::new());
    // Without its signature at all.
    let unsigned = c.path("sans-signature.jurybundle");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&forged).expect("open")).expect("zip");
    let mut out = zip::ZipWriter::new(std::fs::File::create(&unsigned).expect("create"));
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).expect("entry");
        if entry.name() != "manifest.sig" {
            out.raw_copy_file(entry).expect("copy");
        }
    }
    out.finish().expect("finish");
    let (code, _, err) = c.open_bundle(JULIEN, &unsigned);
    assert_eq!(code, 2);
    assert!(
        err.contains("la signature de la présidence (manifest.sig) manque"),
        "{err}"
    );
    // The old, unsigned format.
    let old = c.path("ancien.jurybundle");
    forge_bundle(
        &lot,
        &old,
        |name, bytes| {
            if name == "manifest.json" {
                String::from_utf8(bytes)
                    .expect("utf8")
                    .replace("jury-bundle/2", "jury-bundle/1")
                    .into_bytes()
            } else {
                bytes
            }
        },
        None,
    );
    let (code, _, err) = c.open_bundle(JULIEN, &old);
    assert_eq!(code, 2);
    assert!(err.contains("ancien format « jury-bundle/1 »"), "{err}");
    assert_eq!(entries(&c.bundles(JULIEN)), Vec::<String>::new());
}

#[test]
fn a_bundle_signed_by_another_key_is_refused_once_the_call_is_installed() {
    let c = Committee::new();
    let (lot, _) = c.bundle(JULIEN);
    let (_, genuine) = c.install(JULIEN, &lot);
    assert!(genuine.pinned_now);
    let appel_before = std::fs::read(genuine.dir.join("appel.json")).expect("appel");
    // Someone with a key of their own re-signs a rewritten bundle: it is
    // consistent, but not signed by the key this laptop met first.
    let attacker = ed25519_dalek::SigningKey::from_bytes(&[42u8; 32]);
    let forged = c.path("resigne.jurybundle");
    forge_bundle(&lot, &forged, tamper, Some(&attacker));
    let (code, _, err) = c.open_bundle(JULIEN, &forged);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("Lot refusé : l'appel « caf06-pdnp-2025 » a été installé sur cet ordinateur depuis un lot signé par la clé de la présidence"),
        "{err}"
    );
    assert!(err.contains(&genuine.chair_fingerprint), "{err}");
    assert!(
        err.contains(&jury_core::hex::spoken_fingerprint(
            attacker.verifying_key().as_bytes()
        )),
        "{err}"
    );
    assert_eq!(
        std::fs::read(genuine.dir.join("appel.json")).expect("appel"),
        appel_before,
        "the installed call changed"
    );
    // The chair's next genuine bundle still installs over it.
    let (again, _) = c.bundle(JULIEN);
    let next = jury::io::bundle::unpack(&again, &c.bundles(JULIEN)).expect("genuine again");
    assert!(!next.pinned_now);
    assert_eq!(next.chair_fingerprint, genuine.chair_fingerprint);
}

#[test]
fn the_genuine_round_trip_for_two_members_works() {
    let c = Committee::new();
    let mut fingerprints = Vec::new();
    let mut files = Vec::new();
    for (member, n) in [(JULIEN, 4), (BERNARD, 5)] {
        let (lot, out) = c.bundle(member);
        assert!(out.contains(&format!("remis à « {member} »")), "{out}");
        assert!(
            out.contains("Journal d'audit de la présidence à la remise :"),
            "{out}"
        );
        assert!(
            out.contains("Lisez-la au membre (par téléphone ou de vive voix)"),
            "{out}"
        );
        // A clear bundle carries the member's key: the chair is told so.
        assert!(
            out.contains(&format!("Ce lot n'est pas chiffré : il contient les dossiers et la clé personnelle de « {member} »"))
                && out.contains("Remettez-le-lui en main propre ou par un canal privé"),
            "{out}"
        );
        let (db, installed) = c.install(member, &lot);
        assert_eq!(installed.member, member);
        // The fingerprint the member sees is the one the chair printed.
        assert!(
            out.contains(&format!(
                "Empreinte de la clé de la présidence : {}",
                installed.chair_fingerprint
            )),
            "{out}"
        );
        assert_eq!(installed.chair_fingerprint.split(' ').count(), 8);
        fingerprints.push(installed.chair_fingerprint.clone());
        // The member's key is private to them.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(installed.dir.join("cle-membre.json"))
                .expect("key file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let mut m = Store::open(&db).expect("member db");
        for crit in ["experience", "qualification", "coherence", "formation"] {
            score(&mut m, member, n, crit, 3.0);
        }
        drop(m);
        files.push(c.export(&db, member));
    }
    assert_eq!(
        fingerprints[0], fingerprints[1],
        "one chair key per database"
    );
    for (file, member) in files.iter().zip([JULIEN, BERNARD]) {
        let (code, out, err) = c.import(file);
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains(&format!("Paquet de « {member} »")) && out.contains("4 notes ajoutées"),
            "{out}"
        );
    }
    let (code, out, err) = run(jury().args(["verify", "--db"]).arg(&c.chair_db));
    assert_eq!(code, 0, "{out}{err}");
    // The issues are in the log, without the secrets.
    let conn = rusqlite::Connection::open(&c.chair_db).expect("db");
    let issued: Vec<(String, String)> = conn
        .prepare("SELECT target, after FROM audit WHERE action = 'bundle.issue' ORDER BY id")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .and_then(Iterator::collect)
        })
        .expect("events");
    assert_eq!(issued.len(), 2);
    let secrets: Vec<Vec<u8>> = conn
        .prepare("SELECT secret FROM member_keys ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| r.get(0)).and_then(Iterator::collect))
        .expect("secrets");
    for ((member, after), secret) in issued.iter().zip(&secrets) {
        let after: Value = serde_json::from_str(after).expect("json");
        assert_eq!(after["key_id"], packet::key_id(secret), "{member}");
        assert!(!after.to_string().contains(&jury_core::hex(secret)));
    }
    // A secret swapped in the table is named by `jury verify`.
    conn.execute(
        "UPDATE member_keys SET secret = zeroblob(32) WHERE member = ?1",
        [JULIEN],
    )
    .expect("edit");
    // And the chair's signing key swapped for another.
    conn.execute("UPDATE chair_key SET seed = zeroblob(32)", [])
        .expect("edit");
    drop(conn);
    let (code, out, _) = run(jury().args(["verify", "--db"]).arg(&c.chair_db));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("remise à « Julien Ferrand »"), "{out}");
    assert!(out.contains("(son secret donne "), "{out}");
    assert!(
        out.contains(&format!(
            "clé de signature de la présidence : empreinte {} dans la base, empreinte {} selon le journal",
            jury_core::hex::spoken_fingerprint(
                ed25519_dalek::SigningKey::from_bytes(&[0; 32])
                    .verifying_key()
                    .as_bytes()
            ),
            fingerprints[0]
        )),
        "{out}"
    );
}

#[test]
fn a_bundle_is_for_one_member_named_as_elsewhere() {
    let c = Committee::new();
    let lot = c.path("lot.jurybundle");
    let bundle = |args: &[&str]| {
        run(jury()
            .args(["bundle", "--db"])
            .arg(&c.chair_db)
            .arg("--out")
            .arg(&lot)
            .args(args))
    };
    let (code, _, err) = bundle(&[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Indiquez à quel membre ce lot est remis : --for"),
        "{err}"
    );
    assert!(err.contains("Julien Ferrand"), "{err}");
    let (code, _, err) = bundle(&["--for", "julien ferand"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("Vouliez-vous dire «\u{a0}Julien Ferrand\u{a0}»\u{a0}?"),
        "{err}"
    );
    let (code, _, err) = bundle(&["--for", "Paul Inconnu"]);
    assert_eq!(code, 1);
    assert!(err.contains("n'est pas membre du comité"), "{err}");
    assert!(!lot.exists());
    let none: i64 = rusqlite::Connection::open(&c.chair_db)
        .and_then(|conn| conn.query_row("SELECT COUNT(*) FROM member_keys", [], |r| r.get(0)))
        .expect("keys");
    assert_eq!(none, 0, "a refused bundle issues no key");
    // Exact up to spaces, as `--as` takes names.
    let (code, out, err) = bundle(&["--for", "  Julien   Ferrand "]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("remis à « {JULIEN} »")), "{out}");
}

#[test]
fn a_member_key_edited_on_the_laptop_writes_no_packet() {
    let c = Committee::new();
    let (lot, _) = c.bundle(JULIEN);
    let (db, installed) = c.install(JULIEN, &lot);
    let key = installed.dir.join("cle-membre.json");
    let text = std::fs::read_to_string(&key).expect("key");
    let secret: Value = serde_json::from_str::<Value>(&text).expect("json")["secret"].clone();
    let other = text.replace(secret.as_str().expect("hex"), &"00".repeat(32));
    std::fs::write(&key, other).expect("edit");
    let file = c.path("paquet.json");
    let (code, _, err) = run(jury()
        .args(["packet", "export", "--db"])
        .arg(&db)
        .args(["--as", JULIEN, "--out"])
        .arg(&file));
    assert_eq!(code, 1);
    assert!(
        err.contains("clé du membre illisible (secret illisible ou ne correspondant pas à la clé)"),
        "{err}"
    );
    assert!(!file.exists());
}

#[test]
fn a_bundle_carries_the_members_dossiers_and_their_packet_reports_against_them() {
    let c = Committee::new();
    {
        let mut chair = Store::open(&c.chair_db).expect("chair db");
        for n in 1..=4 {
            chair
                .set_assignment(CHAIR, &format!("PDNP06-2025-{n:03}"), JULIEN, true)
                .expect("assigned");
        }
        chair
            .set_assignment(CHAIR, "PDNP06-2025-009", BERNARD, true)
            .expect("assigned");
    }
    let (lot, _) = c.bundle(JULIEN);
    let (db, installed) = c.install(JULIEN, &lot);
    // His own dossiers only, signed with the rest.
    let text = std::fs::read_to_string(installed.dir.join("rapporteurs.json")).expect("listed");
    let v: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["member"], JULIEN);
    assert_eq!(
        v["dossiers"],
        serde_json::json!([
            "PDNP06-2025-001",
            "PDNP06-2025-002",
            "PDNP06-2025-003",
            "PDNP06-2025-004"
        ])
    );
    let mine: Vec<String> = {
        let conn = rusqlite::Connection::open(&db).expect("member db");
        let mut stmt = conn
            .prepare("SELECT reference FROM assignments WHERE member = ?1 ORDER BY reference")
            .expect("query");
        stmt.query_map([JULIEN], |r| r.get(0))
            .and_then(Iterator::collect)
            .expect("rows")
    };
    assert_eq!(mine.len(), 4, "his Jury knows his dossiers");
    assert!(
        jury::store::audit::verify_record(&db, None)
            .expect("verify")
            .is_intact()
    );
    // Opening it again records nothing more.
    let events = |db: &Path| -> i64 {
        rusqlite::Connection::open(db)
            .expect("db")
            .query_row(
                "SELECT COUNT(*) FROM audit WHERE action = 'assign.bundle'",
                [],
                |r| r.get(0),
            )
            .expect("count")
    };
    drop(synced(&db, &installed.dir));
    assert_eq!(events(&db), 1);
    // Three of his four, and one he was not given.
    let mut m = Store::open(&db).expect("member db");
    for n in [1, 2, 3, 7] {
        score(&mut m, JULIEN, n, "experience", 3.0);
    }
    drop(m);
    let file = c.export(&db, JULIEN);
    let (code, out, err) = c.import(&file);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("; 3 de ses 4 dossiers notés ; 1 dossier hors attribution."),
        "{out}"
    );
    // The list altered on the way is refused like any other file.
    let forged = c.path("faux-rapporteurs.jurybundle");
    forge_bundle(
        &lot,
        &forged,
        |name, bytes| match name {
            "rapporteurs.json" => String::from_utf8_lossy(&bytes)
                .replace("PDNP06-2025-004", "PDNP06-2025-009")
                .into_bytes(),
            _ => bytes,
        },
        None,
    );
    let (code, _, err) = c.open_bundle(JULIEN, &forged);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("la signature de la présidence ne correspond pas au manifeste"),
        "{err}"
    );
}
