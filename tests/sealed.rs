//! An encrypted call end to end, as issue 10 asks: the chair's database
//! encrypted, sealed bundles to two members (one through the real TUI in a
//! pseudo-terminal, one through the library and the CLI), sealed packets
//! back, a session, letters, minutes and exports; then every file written
//! is searched for the applicants' names. Only the letters addressed to
//! them, and the call folder the chair received (the input, not something
//! Jury derived), may hold them.

use crate::common::pty;

use crate::common::folders;
use folders::{contains, copy_dir, files};

use jury::io::bundle::{BundleError, remember, unpack_sealed};
use jury::io::import::read_folder;
use jury::io::seal::typed_password;
use jury::store::{Passphrase, Store};
use jury_core::decision::Draft;
use jury_core::records::ScoreRow;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CHAIR: &str = "Sylvie Marcellin";
const JULIEN: &str = "Julien Ferrand";
const NADIA: &str = "Nadia Benali";
const PASS: &str = "la phrase de la présidence";
/// In the sample's first dossier, which the session decides.
const APPLICANTS: [&str; 3] = ["Patrick Senès", "Mimosas", "mimosas-cannes"];

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025")
}

/// `jury ARGS` in `dir`, the passphrase read from `pass` when given.
fn run(dir: &Path, pass: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jury"));
    cmd.args(args).current_dir(dir);
    if let Some(p) = pass {
        cmd.arg("--passphrase-file").arg(p);
    }
    cmd.output().expect("run jury")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", text(&o));
    text(&o)
}

/// `jury LOT --as "Julien Ferrand"` in a pseudo-terminal, on his laptop
/// (`home`), with `ram` as the folder in memory.
fn open_as_julien(lot: &Path, home: &Path, ram: &Path) -> pty::Term {
    pty::Term::spawn_env(
        env!("CARGO_BIN_EXE_jury"),
        &[lot.as_os_str(), "--as".as_ref(), JULIEN.as_ref()],
        home,
        140,
        40,
        &[("XDG_RUNTIME_DIR", ram)],
    )
}

/// The password `jury bundle` printed for the member.
fn password(said: &str) -> String {
    said.lines()
        .find_map(|l| l.strip_prefix("Le lot est chiffré. Mot de passe du lot : "))
        .unwrap_or_else(|| panic!("no password in:\n{said}"))
        .trim()
        .to_string()
}

fn score(store: &mut Store, member: &str, reference: &str, value: f64) {
    for criterion in ["experience", "qualification", "coherence", "formation"] {
        store
            .save_score(&ScoreRow {
                reference: reference.into(),
                member: member.into(),
                criterion: criterion.into(),
                value: Some(value),
                comment: format!("lu le dossier de {}", APPLICANTS[0]),
            })
            .expect("score");
    }
}

#[test]
fn an_encrypted_call_runs_end_to_end_with_no_name_in_clear_but_the_letters() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    let received = root.join("appel-reçu");
    copy_dir(&sample(), &received);
    let pass = root.join("phrase");
    std::fs::write(&pass, format!("{PASS}\n")).expect("passphrase file");
    let key = Passphrase::new(PASS.into());

    // The chair's encrypted database, from the call folder received.
    std::fs::create_dir_all(root.join("presidence")).expect("mkdir");
    let chair_db = root.join("presidence/jury.sqlite");
    let mut chair = Store::open_with(&chair_db, Some(&key)).expect("chair db");
    read_folder(&received)
        .expect("call")
        .import_into(&mut chair)
        .expect("import");
    score(&mut chair, CHAIR, "PDNP06-2025-001", 4.0);
    drop(chair);

    // One sealed bundle each, its password printed for the phone.
    std::fs::create_dir_all(root.join("lots")).expect("mkdir");
    let mut passwords = Vec::new();
    for (member, file) in [(JULIEN, "lots/julien.zip"), (NADIA, "lots/nadia.zip")] {
        let said = ok(run(
            root,
            Some(&pass),
            &[
                "bundle",
                "--db",
                "presidence/jury.sqlite",
                "--out",
                file,
                "--for",
                member,
            ],
        ));
        assert!(said.contains(&format!("{file}.age")), "{said}");
        assert!(
            !root.join(file).exists(),
            "no clear bundle beside the sealed one"
        );
        passwords.push(password(&said));
    }

    // Julien opens his in the TUI: the password is asked masked, typed as
    // read over the phone (lower case, spaces), the call unpacked in his
    // memory folder and gone once Jury closes.
    let julien_home = root.join("julien");
    let julien_ram = root.join("julien-memoire");
    std::fs::create_dir_all(&julien_ram).expect("mkdir");
    let lot = root.join("lots/julien.zip.age");
    let mut app = open_as_julien(&lot, &julien_home, &julien_ram);
    app.wait_for("Mot de passe du lot");
    let spoken = passwords[0].replace('-', " ").to_lowercase();
    app.send(&format!("{spoken}\r"));
    let screen = app.wait_for("Dossiers (28/28)");
    assert!(!screen.contains(&spoken), "{screen}");
    assert!(!screen.contains(&passwords[0]), "{screen}");
    assert_eq!(std::fs::read_dir(&julien_ram).expect("ram").count(), 1);
    app.send("\r4\r3\r5\r2\r");
    app.wait_for("Total 3,");
    app.send("P");
    app.wait_for("Paquet écrit");
    app.send("q");
    app.wait_exit();
    assert_eq!(
        std::fs::read_dir(&julien_ram).expect("ram").count(),
        0,
        "the call unpacked in memory is removed when Jury closes"
    );
    // Again, and this time the terminal window is closed under him: the
    // app ends by itself (its watchdog at worst) and takes the call in
    // memory with it. A folder a killed Jury left behind goes at start.
    let left = julien_ram.join("jury-tue9");
    std::fs::create_dir_all(&left).expect("mkdir");
    std::fs::write(left.join(".jury-pid"), "4194305").expect("pid");
    std::fs::write(left.join("cle-membre.json"), "{}").expect("key");
    let mut app = open_as_julien(&lot, &julien_home, &julien_ram);
    app.wait_for("Mot de passe du lot");
    app.send(&format!("{}\r", passwords[0]));
    app.wait_for("Dossiers (28/28)");
    assert!(!left.exists(), "a dead Jury's folder is swept");
    assert_eq!(std::fs::read_dir(&julien_ram).expect("ram").count(), 1);
    app.hang_up();
    let status = app.wait_exit();
    assert_eq!(status.exit_code(), 128 + 1, "ended by SIGHUP: {status}");
    assert_eq!(
        std::fs::read_dir(&julien_ram).expect("ram").count(),
        0,
        "the call unpacked in memory is removed when the terminal goes"
    );
    let julien_packet = files(&julien_home)
        .into_iter()
        .find(|p| p.to_string_lossy().ends_with(".json.age"))
        .expect("Julien's sealed packet");

    // Nadia's laptop, through the library and the CLI: a wrong password
    // installs nothing; the right one, and her database takes it as its
    // passphrase.
    let nadia_home = root.join("nadia");
    let nadia_lot = root.join("lots/nadia.zip.age");
    let ram = tempfile::tempdir_in(root).expect("ram");
    let refused = unpack_sealed(
        &nadia_lot,
        &typed_password("AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"),
        &nadia_home,
        ram.path(),
    );
    assert!(
        matches!(refused, Err(BundleError::Sealed(..))),
        "{refused:?}"
    );
    assert_eq!(std::fs::read_dir(ram.path()).expect("ram").count(), 0);
    let nadia_pass = typed_password(&passwords[1]);
    let installed =
        unpack_sealed(&nadia_lot, &nadia_pass, &nadia_home, ram.path()).expect("install");
    let nadia_db = nadia_home.join("membre.sqlite");
    let mut nadia = Store::open_with(&nadia_db, Some(&nadia_pass)).expect("member db");
    read_folder(&installed.dir)
        .expect("installed call")
        .import_into(&mut nadia)
        .expect("import");
    remember(&mut nadia, &installed).expect("remember");
    score(&mut nadia, NADIA, "PDNP06-2025-001", 3.0);
    drop(nadia);
    drop(ram);
    // Her database's passphrase is the password as printed; she types it
    // as read over the phone, as the bundle's prompt let her.
    let nadia_pass_file = root.join("nadia-mot-de-passe");
    let spoken = passwords[1].replace('-', " ").to_lowercase();
    std::fs::write(&nadia_pass_file, format!("{spoken}\n")).expect("write");
    let said = ok(run(
        root,
        Some(&nadia_pass_file),
        &[
            "packet",
            "export",
            "--db",
            "nadia/membre.sqlite",
            "--as",
            NADIA,
            "--out",
            "nadia/paquet.json",
        ],
    ));
    assert!(said.contains("Chiffré pour la présidence"), "{said}");
    let nadia_packet = root.join("nadia/paquet.json.age");
    assert!(nadia_packet.is_file());

    // A clear database cannot open a packet sealed to the chair.
    let clear = tempfile::tempdir().expect("tmp");
    let clear_db = clear.path().join("clair.sqlite");
    let mut store = Store::open(&clear_db).expect("clear");
    read_folder(&sample())
        .expect("call")
        .import_into(&mut store)
        .expect("import");
    drop(store);
    let o = run(
        root,
        None,
        &["packet", "import", "--db"]
            .into_iter()
            .map(str::to_string)
            .chain([
                clear_db.display().to_string(),
                nadia_packet.display().to_string(),
            ])
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("paquet chiffré pour la présidence"),
        "{}",
        text(&o)
    );

    // Both packets merged at the chair's, a session decided and closed.
    for packet in [&julien_packet, &nadia_packet] {
        let said = ok(run(
            root,
            Some(&pass),
            &[
                "packet",
                "import",
                "--db",
                "presidence/jury.sqlite",
                &packet.display().to_string(),
            ],
        ));
        assert!(said.contains("ajoutées"), "{said}");
    }
    // Julien's bundle issued again (a lost laptop, say): a new password
    // opens it, and his database, made with the first one, asks that one.
    let said = ok(run(
        root,
        Some(&pass),
        &[
            "bundle",
            "--db",
            "presidence/jury.sqlite",
            "--out",
            "lots/julien-2.zip",
            "--for",
            JULIEN,
        ],
    ));
    let again = password(&said);
    assert_ne!(again, passwords[0]);
    let lot = root.join("lots/julien-2.zip.age");
    let mut app = open_as_julien(&lot, &julien_home, &julien_ram);
    app.wait_for("Mot de passe du lot");
    app.send(&format!("{again}\r"));
    app.wait_for("votre base garde celui de votre premier lot");
    app.wait_for("Phrase secrète de");
    app.send(&format!("{}\r", passwords[0]));
    let screen = app.wait_for("notés : 1");
    assert!(!screen.contains(&passwords[0]), "{screen}");
    app.send("q");
    app.wait_exit();

    let mut chair = Store::open_with(&chair_db, Some(&key)).expect("chair db");
    let members = [CHAIR.to_string(), JULIEN.into(), NADIA.into()];
    let session = chair
        .open_session(CHAIR, "2025-07-07", &members, &Default::default())
        .expect("session");
    chair
        .record_decision(
            CHAIR,
            session,
            &Draft {
                reference: "PDNP06-2025-001".into(),
                kind: "retenu".into(),
                ..Draft::default()
            },
            true,
            true,
        )
        .expect("decision");
    chair
        .record_outcome(CHAIR, session, false, "Une candidature retenue.")
        .expect("outcome");
    chair.close_session(CHAIR, session).expect("close");
    drop(chair);

    // What the secretary produces.
    ok(run(
        root,
        Some(&pass),
        &[
            "letters",
            "--db",
            "presidence/jury.sqlite",
            "--out",
            "lettres",
        ],
    ));
    ok(run(
        root,
        Some(&pass),
        &["minutes", "--db", "presidence/jury.sqlite", "--out", "pv"],
    ));
    for format in ["csv", "json"] {
        let out = format!("export.{format}");
        ok(run(
            root,
            Some(&pass),
            &[
                "export",
                format,
                "--db",
                "presidence/jury.sqlite",
                "--out",
                &out,
            ],
        ));
    }
    let said = ok(run(
        root,
        Some(&pass),
        &["verify", "--db", "presidence/jury.sqlite"],
    ));
    assert!(said.contains("Journal d'audit intact"), "{said}");

    // The letters name the applicant: the search below would see a name.
    let letters = files(&root.join("lettres"));
    assert!(
        letters
            .iter()
            .any(|p| contains(&std::fs::read(p).expect("read"), APPLICANTS[1])),
        "{letters:?}"
    );
    let mut searched = Vec::new();
    for file in files(root) {
        if file.starts_with(&received) || file.starts_with(root.join("lettres")) {
            continue;
        }
        let bytes = std::fs::read(&file).expect("read");
        for name in APPLICANTS {
            assert!(
                !contains(&bytes, name),
                "« {name} » in clear in {}",
                file.display()
            );
        }
        searched.push(file.display().to_string());
    }
    // What the search went through: the chair's database and its backups,
    // the bundles, both members' databases and packets, the minutes, the
    // exports.
    for (what, pattern) in [
        ("the chair's database", "presidence/jury.sqlite"),
        ("a backup", "presidence/jury.sqlite.sauvegardes/"),
        ("Julien's bundle", "lots/julien.zip.age"),
        ("Nadia's bundle", "lots/nadia.zip.age"),
        (
            "Julien's database",
            "julien/data/jury/caf06-pdnp-2025.sqlite",
        ),
        ("Nadia's database", "nadia/membre.sqlite"),
        ("Julien's packet", ".json.age"),
        ("Nadia's packet", "nadia/paquet.json.age"),
        ("the minutes", ".pdf.age"),
        ("the CSV export", "export.csv.age"),
        ("the JSON export", "export.json.age"),
    ] {
        assert!(
            searched.iter().any(|f| f.contains(pattern)),
            "{what} ({pattern}) not among {searched:#?}"
        );
    }
}

/// A sealed bundle with one byte changed on the way: age's authentication
/// refuses it and nothing is installed.
#[test]
fn a_sealed_bundle_altered_on_the_way_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    let pass = root.join("phrase");
    std::fs::write(&pass, format!("{PASS}\n")).expect("passphrase file");
    let key = Passphrase::new(PASS.into());
    let mut chair = Store::open_with(&root.join("jury.sqlite"), Some(&key)).expect("chair db");
    read_folder(&sample())
        .expect("call")
        .import_into(&mut chair)
        .expect("import");
    drop(chair);
    let said = ok(run(
        root,
        Some(&pass),
        &[
            "bundle",
            "--db",
            "jury.sqlite",
            "--out",
            "lot.zip",
            "--for",
            NADIA,
        ],
    ));
    let lot = root.join("lot.zip.age");
    let mut bytes = std::fs::read(&lot).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&lot, bytes).expect("write");
    let into = root.join("portable");
    let refused = unpack_sealed(&lot, &typed_password(&password(&said)), &into, &into);
    assert!(
        matches!(refused, Err(BundleError::Sealed(..))),
        "{refused:?}"
    );
    // Refused before anything is written: not even the folder was made.
    assert!(!into.exists());
}
