//! Seed 002: one call in two modules judged apart. Through the real
//! keymap, on the sample that follows it: each lot lists and ranks its own
//! candidates with its own deadline and grid; a candidate to both lots is
//! decided in each, with different outcomes; one lot is declared
//! « infructueux », the other decided; both institutions validate each;
//! letters, minutes and the export say which lot; the record replays.

use crate::common::harness;
use crate::common::session;

use harness::*;
use session::decide;

const CALL: &str = "samples/caf03-63-pdn-2024";
const M1: &str = "Module 1 : coordination";
const M2: &str = "Module 2 : formations";

/// The sample's chair, as its appel.json names them.
fn chair() -> String {
    let text = std::fs::read_to_string(root().join(CALL).join("appel.json")).expect("appel.json");
    let call: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    call["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["role"] == "chair")
        .and_then(|m| m["name"].as_str())
        .expect("a chair")
        .to_string()
}

/// The references the dossier list shows, sorted.
fn listed(s: &Session) -> Vec<String> {
    let mut out = s.listed();
    out.sort();
    out
}

/// The criteria of the grid the app scores on now.
fn grid_ids(s: &Session) -> Vec<String> {
    s.app
        .state
        .grid()
        .criteria
        .iter()
        .map(|c| c.id.clone())
        .collect()
}

fn open_session(s: &mut Session, date: &str) {
    s.go_to(jury::app::state::Screen::Committee);
    s.act("open_session");
    s.fill("date", date);
    s.act("confirm");
    assert!(
        s.app.state.batch.committee.open_session().is_some(),
        "no session opened: {}",
        s.screen()
    );
}

fn close_and_validate(s: &mut Session) {
    s.close_session();
    for (institution, by) in [
        ("caf03", "Directrice de la Caf de l'Allier"),
        ("caf63", "Directeur de la Caf du Puy-de-Dôme"),
    ] {
        s.act("validate_session");
        s.choose("institution", institution);
        s.choose("answer", "yes");
        s.fill("by", by);
        s.act("confirm");
        assert!(
            !matches!(s.app.state.mode, jury::app::state::Mode::Form(_)),
            "validation refused: {}",
            s.screen()
        );
    }
}

#[test]
fn each_lot_lists_its_own_candidates_with_its_own_deadline_and_grid() {
    let mut s = open(CALL, Some(&chair()));
    let screen = s.screen();
    assert!(screen.contains(M1), "the header names the lot:\n{screen}");
    assert_eq!(
        listed(&s),
        ["ALLIER-2024-001", "ALLIER-2024-002", "ALLIER-2024-003"]
    );
    let i = s.app.state.entry_index("ALLIER-2024-003").expect("003");
    assert_eq!(
        s.app.state.verdict(i),
        jury_core::eligibility::Verdict::Ineligible,
        "received 20 March: late for module 1's 17 March"
    );
    let m1_grid = grid_ids(&s);

    s.act("switch_lot");
    assert!(s.status().contains(M2), "{}", s.status());
    assert!(s.screen().contains(M2));
    assert_eq!(
        listed(&s),
        [
            "ALLIER-2024-002",
            "ALLIER-2024-004",
            "ALLIER-2024-005",
            "ALLIER-2024-006",
            "ALLIER-2024-007"
        ]
    );
    let late = s.app.state.entry_index("ALLIER-2024-007").expect("007");
    let on_time = s.app.state.entry_index("ALLIER-2024-002").expect("002");
    assert_eq!(
        s.app.state.verdict(late),
        jury_core::eligibility::Verdict::Ineligible,
        "received 30 April: late for module 2's 28 April"
    );
    assert_ne!(
        s.app.state.verdict(on_time),
        jury_core::eligibility::Verdict::Ineligible
    );
    let m2_grid = grid_ids(&s);
    assert!(
        m2_grid.iter().all(|c| !m1_grid.contains(c)),
        "module 2 scores on its own grid: {m1_grid:?} / {m2_grid:?}"
    );
    // After the last lot, the first.
    s.act("switch_lot");
    assert!(s.status().contains(M1), "{}", s.status());
}

#[test]
fn a_candidate_to_both_lots_is_decided_in_each_and_one_lot_is_unsuccessful() {
    let mut s = open(CALL, Some(&chair()));
    // Module 1: weak candidatures.
    for (r, d) in [
        ("ALLIER-2024-001", [1, 2, 1, 1, 2]),
        ("ALLIER-2024-002", [1, 1, 1, 2, 1]),
    ] {
        s.select(r);
        s.score_current(&d);
    }
    s.go_to(jury::app::state::Screen::Committee);
    let warning = s.screen();
    assert!(
        warning.contains("Le lot « Module 1 : coordination » pourrait être déclaré infructueux"),
        "{warning}"
    );
    open_session(&mut s, "19 mars 2024");
    decide(
        &mut s,
        "ALLIER-2024-001",
        "non_retenu",
        "Projet insuffisamment abouti.",
    );
    decide(
        &mut s,
        "ALLIER-2024-002",
        "non_retenu",
        "Qualifications du coordinateur insuffisantes.",
    );
    s.act("record_outcome");
    s.fill(
        "motivation",
        "Aucune candidature n'atteint le seuil de qualité.",
    );
    s.act("confirm");
    close_and_validate(&mut s);
    assert!(
        s.screen().contains("LOT DÉCLARÉ INFRUCTUEUX"),
        "{}",
        s.screen()
    );

    // Module 2: the same candidate 002, with another project, is retained.
    s.act("switch_lot");
    assert!(
        !s.screen().contains("INFRUCTUEUX"),
        "module 2's outcome is its own:\n{}",
        s.screen()
    );
    assert!(
        s.app.state.batch.committee.decisions.is_empty(),
        "module 1's decisions stay in module 1"
    );
    s.go_to(jury::app::state::Screen::Dossiers);
    for (r, d) in [
        ("ALLIER-2024-002", [4, 4, 3, 4, 4]),
        ("ALLIER-2024-004", [3, 3, 3, 3, 3]),
        ("ALLIER-2024-005", [2, 3, 2, 2, 3]),
        ("ALLIER-2024-006", [1, 1, 2, 1, 1]),
    ] {
        s.select(r);
        s.score_current(&d);
    }
    let rank_002 = s
        .app
        .state
        .batch
        .committee
        .rank_of("ALLIER-2024-002")
        .and_then(|r| r.rank);
    assert_eq!(rank_002, Some(1), "ranked in module 2 among module 2's");
    open_session(&mut s, "21 mai 2024");
    // Ranked third for the lot's two places: the form starts from the
    // waiting list.
    s.goto_committee("ALLIER-2024-005");
    s.act("decide");
    let jury::app::state::Mode::Form(form) = &s.app.state.mode else {
        panic!("no decision form: {}", s.screen());
    };
    assert_eq!(
        form.choice_of("kind").as_deref(),
        Some("liste_complementaire")
    );
    s.act("cancel");
    decide(&mut s, "ALLIER-2024-002", "retenu", "");
    decide(&mut s, "ALLIER-2024-004", "retenu", "");
    decide(
        &mut s,
        "ALLIER-2024-005",
        "liste_complementaire",
        "Projet solide, places pourvues.",
    );
    decide(
        &mut s,
        "ALLIER-2024-006",
        "non_retenu",
        "Références des formateurs insuffisantes.",
    );
    close_and_validate(&mut s);

    // Letters: 002 gets one per lot, each naming its lot, neither
    // overwriting the other.
    s.act("letters_view");
    s.act("generate_all_letters");
    s.act("confirm");
    s.app.finish_jobs();
    let dir = s.letters_dir();
    let m1 = dir.join("ALLIER-2024-002-m1-non_retenu.pdf");
    let m2 = dir.join("ALLIER-2024-002-m2-retenu.pdf");
    let (t1, t2) = (pdf_file_text(&m1), pdf_file_text(&m2));
    assert!(t1.contains(M1) && !t1.contains(M2), "{t1}");
    assert!(t2.contains(M2) && !t2.contains(M1), "{t2}");
    assert!(
        t1.contains("Qualifications du coordinateur insuffisantes"),
        "{t1}"
    );
    assert!(
        t1.contains("Le comité de sélection a déclaré le lot « Module 1 : coordination » infructueux : Aucune candidature n'atteint le seuil de qualité."),
        "{t1}"
    );
    assert!(!t2.contains("infructueux"), "{t2}");

    // Minutes: one per session, each saying its lot; module 1's its outcome.
    assert_eq!(s.app.state.screen, jury::app::state::Screen::Letters);
    s.act("produce_minutes");
    let minutes: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("PV-") && n.ends_with(".pdf"))
        })
        .map(|p| pdf_file_text(&p))
        .collect();
    assert_eq!(minutes.len(), 2, "one minutes per session");
    let of = |lot: &str| {
        minutes
            .iter()
            .find(|t| t.contains(&format!("— {lot}")))
            .unwrap_or_else(|| panic!("no minutes for {lot}"))
    };
    assert!(
        of(M1).contains("Le comité déclare le lot « Module 1 : coordination » infructueux"),
        "{}",
        of(M1)
    );
    assert!(!of(M2).contains("infructueux"), "{}", of(M2));
    // Each lists its own lot's candidates only.
    assert!(!of(M1).contains("ALLIER-2024-004"), "{}", of(M1));
    assert!(of(M1).contains("ALLIER-2024-003"), "{}", of(M1));
    assert!(!of(M2).contains("ALLIER-2024-001"), "{}", of(M2));

    // The export: a row per candidature, the lot named.
    let e = Exported::read(&s.db);
    let lot = e.column("Lot");
    let decision = e.column("Décision");
    let rows_002: Vec<(String, String)> = e
        .rows
        .iter()
        .filter(|r| &r[0] == "ALLIER-2024-002")
        .map(|r| (r[lot].to_string(), r[decision].to_string()))
        .collect();
    assert_eq!(
        rows_002,
        [
            (M1.to_string(), "Non retenu".to_string()),
            (M2.to_string(), "Retenu".to_string())
        ]
    );
    assert_eq!(e.rows.len(), 3 + 5, "module 1's three, module 2's five");

    // The JSON export: each candidature's rank and decision in its lot.
    let doc = exported_json(&s.db);
    let d002 = doc["dossiers"]
        .as_array()
        .expect("dossiers")
        .iter()
        .find(|d| d["reference"] == "ALLIER-2024-002")
        .expect("002");
    let lots: Vec<(String, String)> = d002["lots"]
        .as_array()
        .expect("lots")
        .iter()
        .map(|l| {
            (
                l["lot"].as_str().unwrap_or_default().to_string(),
                l["decision"]["kind"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        lots,
        [
            ("m1".to_string(), "non_retenu".to_string()),
            ("m2".to_string(), "retenu".to_string())
        ]
    );
    let session_lots: Vec<&str> = doc["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .filter_map(|x| x["lot"].as_str())
        .collect();
    assert_eq!(session_lots, ["m1", "m2"]);

    // The record replays: sessions keep their lot.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jury"))
        .args(["verify", "--db"])
        .arg(&s.db)
        .output()
        .expect("jury verify");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said.contains("intact"), "{said}");
}

#[test]
fn a_session_open_in_one_lot_is_named_from_the_other() {
    let mut s = open(CALL, Some(&chair()));
    open_session(&mut s, "19 mars 2024");
    s.act("switch_lot");
    s.act("open_session");
    assert!(
        !matches!(s.app.state.mode, jury::app::state::Mode::Form(_)),
        "no second session: {}",
        s.screen()
    );
    assert!(
        s.status().contains(
            "Une séance est déjà ouverte pour le lot « Module 1 : coordination » : fermez-la d'abord, dans ce lot"
        ),
        "{}",
        s.status()
    );
}

#[test]
fn a_lot_switch_reads_no_dossier_back() {
    let s = open(CALL, Some(&chair()));
    let mut s = s.reopen_as(CALL, &chair());
    // Reopened, the cards leave their texts in the database; one row is
    // damaged under the app. Received on 20 March, 003 is late for module
    // 1 (17 March), not for module 2: each entry holds its standing under
    // every lot, so the switch needs no text.
    let i = s.app.state.entry_index("ALLIER-2024-003").expect("003");
    assert!(s.app.state.batch.entries[i].late, "late for module 1");
    let conn = rusqlite::Connection::open(&s.db).expect("db");
    conn.execute(
        "UPDATE dossiers SET content = 'abîmé' WHERE reference = 'ALLIER-2024-003'",
        [],
    )
    .expect("damage");
    drop(conn);
    s.act("switch_lot");
    let status = s.app.state.status.clone().expect("status");
    assert!(status.text.contains(M2), "{}", status.text);
    assert!(!status.error, "{}", status.text);
    assert!(!s.app.state.batch.entries[i].late, "on time for module 2");
    s.act("switch_lot");
    assert!(s.app.state.batch.entries[i].late, "late for module 1 again");
}

/// The picture an opening keeps for the next is written once its first
/// frame is up, or as the app goes: maybe with another lot on screen. The
/// next opening, on the first lot, still shows each entry's standing
/// under the first lot.
#[test]
fn a_picture_kept_on_another_lot_reopens_on_the_first() {
    let mut s = open(CALL, Some(&chair()));
    s.act("switch_lot");
    let i = s.app.state.entry_index("ALLIER-2024-003").expect("003");
    assert!(!s.app.state.batch.entries[i].late, "on time for module 2");
    assert!(s.app.keeps_opening());
    let mut s = s.reopen_after(CALL, &chair(), |db| {
        let conn = rusqlite::Connection::open(db).expect("db");
        let parts: i64 = conn
            .query_row("SELECT COUNT(*) FROM entry_snapshot", [], |r| r.get(0))
            .expect("parts");
        assert!(parts >= 2, "kept as the app went, module 2 on screen");
    });
    assert!(s.screen().contains(M1));
    let i = s.app.state.entry_index("ALLIER-2024-003").expect("003");
    assert!(s.app.state.batch.entries[i].late, "late for module 1");
    assert_eq!(
        s.app.state.verdict(i),
        jury_core::eligibility::Verdict::Ineligible
    );
}
