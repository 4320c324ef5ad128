//! Completing and correcting dossiers in the app: each correction is a new
//! version, audited and verified; members who scored an earlier version see
//! « modifié depuis votre note »; the letter uses the corrected address; a
//! dossier file changed after import is accepted the same way.

use crate::common::harness;

use harness::*;
use jury::app::state::Mode;
use jury::store::audit::verify_record;

const CHAIR: &str = "Sylvie Marcellin";
const SECRETARY: &str = "Nadia Benali";
const JULIEN: &str = "Julien Ferrand";
const BERNARD: &str = "Bernard Castellan";
const REF: &str = "PDNP06-2025-001";
const STREET: &str = "Structure porteuse › Adresse › Rue";

/// Julien and Bernard score REF; the secretary corrects its street.
fn corrected_after_two_scores() -> Session {
    let mut s = open(SAMPLE, Some(JULIEN));
    s.select(REF);
    s.score_current(&[4, 4, 4, 4]);
    let mut s = s.reopen_as(SAMPLE, BERNARD);
    s.select(REF);
    s.score_current(&[3, 3, 3, 3]);
    // A member may not correct a dossier.
    s.act("edit_dossier");
    assert_eq!(s.app.state.mode, Mode::Normal);
    assert!(
        s.status().contains("Seuls la présidence et le secrétariat"),
        "{}",
        s.status()
    );

    let mut s = s.reopen_as(SAMPLE, SECRETARY);
    s.select(REF);
    s.act("edit_dossier");
    assert!(matches!(s.app.state.mode, Mode::Form(_)), "{}", s.screen());
    // A malformed e-mail is refused like the importer refuses it; nothing saved.
    s.fill_label("Structure porteuse › Courriel", "direction chez mimosas");
    s.act("confirm");
    let screen = s.screen();
    assert!(screen.contains("adresse e-mail invalide"), "{screen}");
    s.fill_label(
        "Structure porteuse › Courriel",
        "direction@mimosas.example.org",
    );
    s.fill_label(STREET, "3 rue des Corrections");
    s.act("confirm");
    let screen = s.screen();
    assert_eq!(s.app.state.mode, Mode::Normal, "{screen}");
    assert!(
        s.status().contains("Nouvelle version enregistrée"),
        "{}",
        s.status()
    );
    // The secretary's own screen holds the new version at once: the
    // reload brought back the corrected dossier.
    let i = s.app.state.entry_index(REF).expect("entry");
    let entry = &s.app.state.batch.entries[i];
    assert_eq!(entry.version, 2);
    assert!(entry.dossier.text().contains("3 rue des Corrections"));
    s
}

#[test]
fn a_correction_is_a_new_audited_version_members_who_scored_see() {
    let s = corrected_after_two_scores();
    let versions: Vec<i64> = s.query(&format!(
        "SELECT version FROM dossier_versions WHERE reference = '{REF}' ORDER BY version"
    ));
    assert_eq!(versions, [1, 2]);
    let actions: Vec<String> = s.query(&format!(
        "SELECT action || ' ' || actor FROM audit WHERE target = '{REF}' AND action LIKE 'dossier.%'"
    ));
    assert_eq!(actions, [format!("dossier.edit {SECRETARY}")]);
    let r = verify_record(&s.db, None).expect("verify");
    assert!(r.is_intact(), "{:?} {:?}", r.differences, r.integrity);

    // Julien scored version 1: he is told, with what changed.
    let mut s = s.reopen_as(SAMPLE, JULIEN);
    s.select(REF);
    let screen = s.screen();
    assert!(screen.contains("⚠ Modifié depuis votre note :"), "{screen}");
    let stale = s.app.state.stale_for_me(REF).expect("stale for Julien");
    assert_eq!(
        stale.changed,
        ["/structure/address/street", "/structure/email"]
    );
    assert!(
        screen.contains("Adresse › Rue, Structure porteuse › Courriel"),
        "{screen}"
    );
    assert!(screen.contains("version 2"), "{screen}");
    // Scoring again clears it, for him only.
    s.act("focus_grid");
    s.act("top");
    s.act("score_5");
    s.act("focus_list");
    assert!(!s.screen().contains("Modifié depuis votre note"));
    let s = s.reopen_as(SAMPLE, BERNARD);
    let mut s = s;
    s.select(REF);
    assert!(s.screen().contains("Modifié depuis votre note"));
}

#[test]
fn an_edited_version_breaks_the_record() {
    let s = corrected_after_two_scores();
    let db = s.db.clone();
    let _keep = s.dir.clone();
    drop(s);
    let conn = rusqlite::Connection::open(&db).expect("db");
    conn.execute(
        "UPDATE dossier_versions SET hash = 'f00d' WHERE version = 2",
        [],
    )
    .expect("tamper");
    drop(conn);
    let r = verify_record(&db, None).expect("verify");
    assert!(!r.is_intact());
    assert!(
        r.differences
            .iter()
            .any(|d| d.contains("version 2 du dossier PDNP06-2025-001")),
        "{:?}",
        r.differences
    );
}

#[test]
fn a_dossier_lacking_fields_is_listed_to_complete_and_completed() {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.select("PDNP06-2025-020");
    let screen = s.screen();
    assert!(
        screen.contains("À compléter : Projet › Heures en ligne par semaine"),
        "{screen}"
    );
    assert!(screen.contains("(E : compléter)"), "{screen}");
    s.act("edit_dossier");
    // Typed values are read like the importer's cells: « 3,5 » is a number.
    s.fill_label("Projet › Heures en ligne par semaine", "trois");
    s.act("confirm");
    assert!(s.screen().contains("nombre"), "{}", s.screen());
    s.fill_label("Projet › Heures en ligne par semaine", "3,5");
    s.act("confirm");
    let screen = s.screen();
    assert_eq!(s.app.state.mode, Mode::Normal, "{screen}");
    let hours: Vec<f64> = s.query(
        "SELECT json_extract(content, '$.project.weekly_online_hours') FROM dossiers WHERE reference = 'PDNP06-2025-020'",
    );
    assert_eq!(hours, [3.5]);
    // The yes/no fields left empty stay out: nobody answered « non ».
    let charter: Vec<Option<bool>> = s.query(
        "SELECT json_extract(content, '$.commitments.charter_signed') FROM dossiers WHERE reference = 'PDNP06-2025-020'",
    );
    assert_eq!(charter, [None]);
    let screen = s.screen();
    assert!(!screen.contains("Heures en ligne par semaine,"), "{screen}");
}

#[test]
fn a_file_changed_after_import_is_accepted_as_a_new_version() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = dir.path().join("appel");
    copy_dir(&root().join(SAMPLE), &call);
    let called = call.display().to_string();
    let s = open(&called, Some(CHAIR));
    let file = call.join("dossiers").join(format!("{REF}.json"));
    let mut s = s.reopen_after(&called, CHAIR, |_| {
        let text = std::fs::read_to_string(&file).expect("dossier");
        let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
        v["structure"]["address"]["city"] = "Antibes".into();
        std::fs::write(&file, serde_json::to_string_pretty(&v).expect("json")).expect("write");
    });
    let app = &mut s.app;
    // The list first, from the database; the file's change once the
    // folder, read beside the app, is taken in.
    assert!(app.reading_folder());
    assert_eq!(app.state.mode, Mode::Normal);
    assert!(app.state.batch.pending_files.is_empty());
    app.settle();
    assert!(matches!(s.app.state.mode, Mode::Report { .. }));
    s.act("close");
    s.select(REF);
    let screen = s.screen();
    assert!(
        screen.contains("⚠ Le fichier du dossier a changé depuis l'import :"),
        "{screen}"
    );
    assert!(
        screen.contains("Structure porteuse › Adresse › Commune (A : accepter"),
        "{screen}"
    );
    s.act("accept_file_version");
    assert!(
        s.status().contains("Version du fichier acceptée"),
        "{}",
        s.status()
    );
    let cities: Vec<String> = s.query(&format!(
        "SELECT json_extract(content, '$.structure.address.city') FROM dossiers WHERE reference = '{REF}'"
    ));
    assert_eq!(cities, ["Antibes"]);
    let actions: Vec<String> = s.query(&format!(
        "SELECT action FROM audit WHERE target = '{REF}' AND action LIKE 'dossier.%'"
    ));
    assert_eq!(actions, ["dossier.accept"]);
    // Reopened, the file is a known version: nothing to report any more.
    let s = s.reopen_as(&call.display().to_string(), CHAIR);
    assert!(!matches!(s.app.state.mode, Mode::Report { .. }));
}

#[test]
fn the_letter_uses_the_corrected_address() {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.select(REF);
    s.score_current(&[4, 4, 5, 3]);
    s.act("edit_dossier");
    s.fill_label(STREET, "3 rue des Corrections");
    s.act("confirm");
    assert_eq!(s.app.state.mode, Mode::Normal);
    s.act("switch_view");
    s.act("open_session");
    s.fill("date", "7 juillet 2025");
    s.act("confirm");
    s.goto_committee(REF);
    s.act("decide");
    s.choose("kind", "retenu");
    s.act("confirm");
    s.close_and_write_letters();
    let pdf = s.letters_dir().join(format!("{REF}-retenu.pdf"));
    let text = pdf_file_text(&pdf);
    assert!(text.contains("3 rue des Corrections"), "{text}");
    assert!(!text.contains("7 rue des Bougainvilliers"), "{text}");
}

/// Python's email module reads the request's e-mail: To, Subject, the PDF.
fn read_eml(path: &std::path::Path) -> String {
    let script = "import email,sys\nm=email.message_from_binary_file(open(sys.argv[1],'rb'))\nprint(m['To']);print(str(email.header.make_header(email.header.decode_header(m['Subject']))))\nfor p in m.walk():\n  print(p.get_content_type(), p.get_filename())";
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("python3 is needed to read the e-mail back ({e})"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_request_for_missing_pieces_is_a_letter_and_waits_until_completed() {
    let mut s = open(SAMPLE, Some(SECRETARY));
    s.set_today(chrono::NaiveDate::from_ymd_opt(2025, 7, 7).expect("day"));
    s.select("PDNP06-2025-020");
    s.act("request_pieces");
    assert!(matches!(s.app.state.mode, Mode::Form(_)), "{}", s.screen());
    // What the dossier lacks is offered; the wrong date order is refused.
    let jury::app::state::Mode::Form(form) = &s.app.state.mode else {
        unreachable!()
    };
    assert!(
        form.text_of("missing")
            .starts_with("Projet › Heures en ligne par semaine ; ")
    );
    s.fill(
        "missing",
        "Attestation d'assurance ; Heures de présence en ligne",
    );
    s.fill("due", "1er juillet 2025");
    s.act("confirm");
    assert!(
        s.screen()
            .contains("La date limite précède la date du courrier")
    );
    s.fill("due", "22/07/2025");
    s.act("confirm");
    let screen = s.screen();
    assert_eq!(s.app.state.mode, Mode::Normal, "{screen}");
    assert!(
        s.status().contains("Demande de pièces enregistrée"),
        "{}",
        s.status()
    );

    let stem = s.letters_dir().join("PDNP06-2025-020-demande-pieces-1");
    let text = pdf_file_text(&stem.with_extension("pdf"));
    for needle in [
        "Pièces manquantes à votre candidature",
        "Attestation d'assurance",
        "au plus tard le 22 juillet 2025",
        "PDNP06-2025-020",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }
    let mail = read_eml(&stem.with_extension("eml"));
    assert!(
        mail.contains("Pièces manquantes — candidature PDNP06-2025-020"),
        "{mail}"
    );
    assert!(
        mail.contains("application/pdf PDNP06-2025-020-demande-pieces-1.pdf"),
        "{mail}"
    );
    assert!(stem.with_extension("odt").is_file());
    let screen = s.screen();
    assert!(
        screen.contains("en attente de pièces jusqu'au 22 juillet 2025"),
        "{screen}"
    );

    // Past the date without an answer, it says so.
    s.set_today(chrono::NaiveDate::from_ymd_opt(2025, 7, 23).expect("day"));
    let screen = s.screen();
    assert!(
        screen.contains("✉ pièces demandées non reçues, échéance"),
        "{screen}"
    );
    let late = s.app.state.request_of("PDNP06-2025-020").expect("request");
    assert_eq!(
        late.standing(s.app.state.env.today)
            .describe(jury_core::fr::Lang::Fr),
        "pièces demandées non reçues, échéance dépassée le 22 juillet 2025"
    );

    // The dossier completed: the request is answered, in the CSV too.
    s.act("edit_dossier");
    s.fill_label("Projet › Heures en ligne par semaine", "4");
    s.act("confirm");
    let screen = s.screen();
    assert!(screen.contains("✉ complété le"), "{screen}");
    let history: Vec<String> = s.query(
        "SELECT action FROM audit WHERE target = 'PDNP06-2025-020' AND action LIKE 'dossier.%' ORDER BY id",
    );
    assert_eq!(history, ["dossier.request", "dossier.edit"]);
    let r = verify_record(&s.db, None).expect("verify");
    assert!(r.is_intact(), "{:?} {:?}", r.differences, r.integrity);
    let src = jury::io::produce::load(&s.app.store).expect("load");
    let csv = jury::io::export::csv(std::slice::from_ref(&src)).expect("csv");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&csv[3..]);
    let header = reader.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let row = reader
        .records()
        .map(|r| r.expect("row"))
        .find(|r| &r[0] == "PDNP06-2025-020")
        .expect("row");
    assert_eq!(&row[col("Pièces demandées le")], "07/07/2025");
    assert_eq!(&row[col("Pièces attendues le")], "22/07/2025");
    assert_eq!(&row[col("Version du dossier")], "2");
    assert!(!row[col("Complété le")].is_empty());
}

#[test]
fn a_packet_scored_before_a_correction_shows_it_to_its_member() {
    let mut chair = open(SAMPLE, Some(CHAIR));
    let mut member = open_bundle(&mut chair, JULIEN);
    let shared = member.letters_dir();
    member.select(REF);
    member.score_current(&[4, 4, 4, 4]);
    member.act("export_packet");
    let packet = std::fs::read_dir(&shared)
        .expect("packet folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("packet file");
    // The chair corrects the dossier before the packet comes back.
    std::thread::sleep(std::time::Duration::from_millis(20));
    chair.select(REF);
    chair.act("edit_dossier");
    chair.fill_label(STREET, "3 rue des Corrections");
    chair.act("confirm");
    assert_eq!(chair.app.state.mode, Mode::Normal);
    chair.act("switch_view");
    chair.act("import_packet");
    chair.fill("path", &packet.display().to_string());
    chair.act("confirm");
    assert!(
        chair.screen().contains("Paquet importé"),
        "{}",
        chair.screen()
    );
    let stale = chair
        .app
        .state
        .batch
        .stale
        .iter()
        .find(|x| x.member == JULIEN && x.reference == REF)
        .expect("Julien scored version 1");
    assert_eq!((stale.scored, stale.current), (1, 2));
    assert_eq!(stale.changed, ["/structure/address/street"]);
}

#[test]
fn a_member_in_conflict_may_not_correct_the_dossier() {
    let mut s = open(SAMPLE, Some(SECRETARY));
    s.select(REF);
    s.act("conflict_of_interest");
    s.fill("reason", "Ma sœur dirige la structure.");
    s.act("confirm");
    for action in ["edit_dossier", "request_pieces", "accept_file_version"] {
        s.act(action);
        assert_eq!(s.app.state.mode, Mode::Normal, "{action}");
        assert!(
            s.status()
                .contains("Vous êtes en conflit d'intérêts sur ce dossier : le compléter"),
            "{action}: {}",
            s.status()
        );
    }
    // The store refuses it too, whatever the screen let through.
    let mut raw = s.app.state.batch.entries[s.app.state.entry_index(REF).expect("entry")]
        .dossier
        .value();
    raw["structure"]["address"]["city"] = "Antibes".into();
    let refused =
        s.app
            .store
            .new_version(SECRETARY, REF, &raw, jury::store::versions::Origin::Edit);
    assert!(refused.is_err());
    let versions: Vec<i64> = s.query(&format!(
        "SELECT version FROM dossier_versions WHERE reference = '{REF}'"
    ));
    assert_eq!(versions, [1]);
}

#[test]
fn no_letter_goes_to_an_address_the_dossier_lacks() {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.select(REF);
    s.score_current(&[4, 4, 5, 3]);
    // The street emptied: the dossier is « à compléter » again.
    s.act("edit_dossier");
    s.fill_label(STREET, "");
    s.act("confirm");
    assert_eq!(s.app.state.mode, Mode::Normal, "{}", s.status());
    s.act("switch_view");
    s.act("open_session");
    s.fill("date", "7 juillet 2025");
    s.act("confirm");
    s.goto_committee(REF);
    s.act("decide");
    s.choose("kind", "retenu");
    s.act("confirm");
    s.act("close_session");
    s.type_text(" ");
    s.act("confirm");
    s.act("letters_view");
    s.act("generate_all_letters");
    s.act("confirm");
    s.app.finish_jobs();
    let screen = s.screen();
    assert!(
        screen.contains("dossier à compléter avant la lettre : Structure porteuse › Adresse › Rue"),
        "{screen}"
    );
    assert!(!s.letters_dir().join(format!("{REF}-retenu.pdf")).exists());
}

/// A bundle's assignments found by the reading beside the app at a
/// reopening (no dossier new) show at once, not at the next write.
#[test]
fn assignments_a_bundle_brings_at_a_reopening_show_at_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let call = dir.path().join("appel");
    copy_dir(&root().join(SAMPLE), &call);
    let called = call.display().to_string();
    let s = open(&called, Some(CHAIR));
    assert!(!s.app.state.batch.committee.is_assigned(REF, CHAIR));
    let assignment = serde_json::json!({
        "format": "jury-rapporteurs/1",
        "member": CHAIR,
        "dossiers": [REF],
    });
    let mut s = s.reopen_after(&called, CHAIR, |_| {
        std::fs::write(call.join("rapporteurs.json"), assignment.to_string()).expect("write");
    });
    let app = &mut s.app;
    app.settle();
    assert!(app.state.batch.committee.is_assigned(REF, CHAIR));
}

/// The current version's text is stored once, in `dossiers`; the version
/// it replaced keeps its own. A base of the schema before (every text
/// twice) is brought to it as it opens, losing no version's text.
#[test]
fn each_text_is_stored_once_and_an_older_base_is_brought_to_it() {
    let s = corrected_after_two_scores();
    let texts = |s: &Session| -> Vec<Option<String>> {
        s.query(&format!(
            "SELECT content FROM dossier_versions WHERE reference = '{REF}' ORDER BY version"
        ))
    };
    let current: Vec<String> = s.query(&format!(
        "SELECT content FROM dossiers WHERE reference = '{REF}'"
    ));
    assert!(current[0].contains("3 rue des Corrections"));
    let stored = texts(&s);
    let first = stored[0].clone().expect("version 1 keeps its text");
    assert!(!first.contains("3 rue des Corrections"), "{first}");
    let hashes: Vec<String> = s.query(&format!(
        "SELECT hash FROM dossier_versions WHERE reference = '{REF}' ORDER BY version"
    ));
    assert_eq!(jury_core::sha256_hex(first.as_bytes()), hashes[0]);
    assert_eq!(stored[1], None, "the current text is in `dossiers` only");
    let untouched: Vec<i64> = s.query(
        "SELECT COUNT(*) FROM dossier_versions v JOIN dossiers d USING (reference)
         WHERE v.content IS NOT NULL AND v.version = d.version",
    );
    assert_eq!(untouched, [0]);

    // The same base as the schema before kept it: every text twice.
    let conn = rusqlite::Connection::open(&s.db).expect("db");
    conn.execute_batch(
        "UPDATE dossier_versions SET content =
            (SELECT content FROM dossiers d WHERE d.reference = dossier_versions.reference)
         WHERE content IS NULL;
         PRAGMA user_version = 26;",
    )
    .expect("schema 26");
    drop(conn);
    let twice: Vec<i64> = s.query("SELECT COUNT(*) FROM dossier_versions WHERE content IS NULL");
    assert_eq!(twice, [0]);
    let mut s = s.reopen_as(SAMPLE, JULIEN);
    assert_eq!(texts(&s), stored);
    let version: Vec<i64> = s.query("PRAGMA user_version");
    assert_eq!(version, [28]);
    // What Julien is told still compares the text he scored with this one.
    s.select(REF);
    let stale = s.app.state.stale_for_me(REF).expect("stale for Julien");
    assert_eq!(
        stale.changed,
        ["/structure/address/street", "/structure/email"]
    );
    let r = verify_record(&s.db, None).expect("verify");
    assert!(r.is_intact(), "{:?} {:?}", r.differences, r.integrity);
}
