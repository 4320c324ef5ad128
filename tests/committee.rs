//! A committee session through the real keymap: several members score, a
//! member recuses, the chair opens a session, decides with reasons, closes.

use crate::common::harness;

use harness::*;

const CHAIR: &str = "Sylvie Marcellin";
const SECRETARY: &str = "Nadia Benali";
const MEMBER: &str = "Julien Ferrand";
const OTHER_MEMBER: &str = "Bernard Castellan";

/// The ranking row of a dossier (not the detail pane's title).
fn row(screen: &str, reference: &str) -> String {
    screen
        .lines()
        .find(|l| l.find(reference).is_some_and(|at| at < 30))
        .unwrap_or_default()
        .to_string()
}

fn open_session(s: &mut Session, present: usize) {
    s.act("open_session");
    // Untick the members beyond `present` (the boxes follow the date).
    let total = match &s.app.state.mode {
        jury::app::state::Mode::Form(f) => f.checks().len(),
        _ => panic!("session form"),
    };
    s.act("next_field");
    for i in 0..total {
        if i >= present {
            s.type_text(" ");
        }
        s.act("next_field");
    }
    s.act("confirm");
}

/// Three members score PDNP06-2025-001 and -002; returns the chair's session.
fn scored_by_three() -> Session {
    let mut s = open(SAMPLE, Some(MEMBER));
    s.select("PDNP06-2025-001");
    s.score_current(&[4, 3, 5, 2]);
    s.select("PDNP06-2025-002");
    s.score_current(&[2, 2, 2, 2]);
    let mut s = s.reopen_as(SAMPLE, OTHER_MEMBER);
    s.select("PDNP06-2025-001");
    s.score_current(&[2, 3, 5, 2]);
    s.select("PDNP06-2025-002");
    s.score_current(&[3, 3, 3, 3]);
    let mut s = s.reopen_as(SAMPLE, SECRETARY);
    s.select("PDNP06-2025-001");
    s.score_current(&[3, 3, 5, 2]);
    s.reopen_as(SAMPLE, CHAIR)
}

#[test]
fn the_committee_view_shows_every_members_total_mean_and_contest() {
    let mut s = scored_by_three();
    s.act("switch_view");
    let screen = s.screen();
    assert!(screen.contains("Classement (28)"), "{screen}");
    let line = row(&screen, "PDNP06-2025-001");
    // Totals on 0–5: Ferrand 3,65; Castellan (30·2+30·3+25·5+15·2)/100 = 3,05; Benali 3,35;
    // shown with one decimal, rounded half up; the mean 3,35 with two.
    for v in [" 3,7 ", " 3,1 ", " 3,4 ", " 3,35 "] {
        assert!(line.contains(v), "{v} missing in {line}");
    }
    // The detail pane shows the selected dossier across members.
    assert!(screen.contains("moy. 3,0 · méd. 3,0 · écart 2"), "{screen}");
    // Experience 4, 2, 3: spread 2 reaches the call's disagreement_spread.
    assert!(line.contains('⚠'), "{line}");
    assert!(
        screen.contains("Totaux (sur 100)") && screen.contains("Moyenne par critère"),
        "{screen}"
    );
    // -001 (3,35) ranks above -002 (2,50).
    let p1 = screen.find("PDNP06-2025-001").unwrap_or(usize::MAX);
    let p2 = screen.find("PDNP06-2025-002").unwrap_or(0);
    assert!(p1 < p2);
}

#[test]
fn a_member_does_not_see_others_scores_before_scoring() {
    let s = scored_by_three();
    let mut s = s.reopen_as(SAMPLE, "Agnès Tordo");
    s.act("switch_view");
    let screen = s.screen();
    let line = row(&screen, "PDNP06-2025-001");
    assert!(line.contains('…') && !line.contains("3,35"), "{line}");
    s.act("switch_view");
    s.select("PDNP06-2025-001");
    s.score_current(&[3, 3, 3, 3]);
    s.act("switch_view");
    let screen = s.screen();
    let line = row(&screen, "PDNP06-2025-001");
    assert!(!line.contains('…'), "{line}");
}

#[test]
fn a_recused_member_cannot_score_and_is_left_out_of_the_figures() {
    let s = scored_by_three();
    let mut s = s.reopen_as(SAMPLE, MEMBER);
    s.select("PDNP06-2025-001");
    s.act("conflict_of_interest");
    s.type_text("Je siège au conseil d'administration");
    s.act("confirm");
    assert_eq!(
        s.query::<String>("SELECT member FROM conflicts"),
        vec![MEMBER.to_string()]
    );
    s.act("focus_grid");
    s.act("score_1");
    assert!(s.screen().contains("Vous vous êtes déporté·e"));
    assert_eq!(
        s.query::<f64>("SELECT value FROM scores WHERE member = 'Julien Ferrand' AND reference = 'PDNP06-2025-001' AND criterion = 'experience'"),
        vec![4.0]
    );
    let mut s = s.reopen_as(SAMPLE, CHAIR);
    s.act("switch_view");
    let screen = s.screen();
    let line = row(&screen, "PDNP06-2025-001");
    assert!(line.contains("déport"), "{line}");
    // Experience now 2 and 3: spread 1, no longer contested; mean total (3,05 + 3,35) / 2 = 3,20.
    assert!(line.contains("3,20"), "{line}");
    assert!(!line.contains('⚠'), "{line}");
}

#[test]
fn a_session_records_decisions_with_reasons_then_closes_and_freezes_them() {
    let mut s = scored_by_three();
    s.act("switch_view");
    open_session(&mut s, 5);
    assert!(s.screen().contains("quorum 3 ✓"));
    // Select -002 and reject it without reasons: refused in the form.
    while s
        .app
        .state
        .committee_current()
        .map(|i| s.app.state.batch.entries[i].dossier.reference.clone())
        != Some("PDNP06-2025-002".into())
    {
        s.act("down");
    }
    s.act("decide");
    s.choose("kind", "non_retenu");
    s.fill("motivation", "");
    s.act("confirm");
    assert!(
        s.screen()
            .contains("Motivation obligatoire pour « Non retenu »")
    );
    s.fill(
        "motivation",
        "Projet peu articulé avec le projet social ; expérience parentalité limitée.",
    );
    s.act("confirm");
    assert_eq!(
        s.query::<String>("SELECT kind FROM decisions"),
        vec!["non_retenu".to_string()]
    );
    assert!(s.screen().contains("Non retenu *"));
    // Accept -001 (no reasons needed for retenu).
    s.act("top");
    s.act("decide");
    s.choose("kind", "retenu");
    s.act("confirm");
    assert_eq!(s.query::<i64>("SELECT COUNT(*) FROM decisions"), vec![2]);
    // Close: needs the confirmation box.
    s.act("close_session");
    s.act("confirm");
    assert!(s.screen().contains("Cochez la confirmation"));
    s.type_text(" ");
    s.act("confirm");
    let closed: Vec<Option<String>> = s.query("SELECT closed_at FROM sessions");
    assert!(closed[0].is_some());
    // Frozen: no decision without a new session.
    s.act("decide");
    s.act("confirm");
    assert!(s.screen().contains("Aucune séance ouverte"));
    s.act("cancel");
    // A new session may change it, recorded as a change.
    open_session(&mut s, 4);
    s.act("top");
    s.act("decide");
    s.choose("kind", "liste_complementaire");
    s.fill("motivation", "Capacité atteinte après réexamen.");
    s.act("confirm");
    assert_eq!(
        s.query::<String>("SELECT action FROM audit WHERE action LIKE 'decision%' ORDER BY id"),
        vec!["decision", "decision", "decision.change"]
    );
    assert_eq!(
        s.query::<i64>("SELECT waitlist_rank FROM decisions WHERE kind = 'liste_complementaire'"),
        vec![1]
    );
}

#[test]
fn without_quorum_the_decision_is_refused() {
    let mut s = scored_by_three();
    s.act("switch_view");
    open_session(&mut s, 2);
    assert!(s.screen().contains("NON ATTEINT"));
    s.act("decide");
    s.choose("kind", "retenu");
    s.act("confirm");
    assert!(s.screen().contains("Quorum non atteint : 2/3"));
    assert_eq!(s.query::<i64>("SELECT COUNT(*) FROM decisions"), vec![0]);
}

#[test]
fn an_ineligible_dossier_needs_the_chairs_override_to_be_accepted() {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.select("PDNP06-2025-018"); // charter not signed
    s.act("switch_view");
    open_session(&mut s, 5);
    s.act("decide");
    s.choose("kind", "retenu");
    s.act("confirm");
    assert!(s.screen().contains("Dossier irrecevable"));
    s.act("cancel");
    s.act("override_eligibility");
    s.choose("verdict", "eligible");
    s.act("confirm");
    assert!(s.screen().contains("justifiée par écrit"));
    s.fill(
        "justification",
        "Charte signée reçue le 6 juillet, pièce versée au dossier.",
    );
    s.act("confirm");
    assert_eq!(
        s.query::<String>("SELECT verdict FROM overrides"),
        vec!["eligible".to_string()]
    );
    s.act("decide");
    s.choose("kind", "retenu");
    // Nobody scored it: the decision needs the explicit confirmation.
    s.tick("confirm");
    s.act("confirm");
    assert_eq!(
        s.query::<String>("SELECT kind FROM decisions"),
        vec!["retenu".to_string()]
    );
    assert!(s.screen().contains("Dérogation :"));
}

#[test]
fn the_dossier_pane_shows_the_chairs_override() {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.select("PDNP06-2025-018"); // charter not signed
    assert!(s.screen().contains("Irrecevable"));
    s.act("switch_view");
    s.act("override_eligibility");
    s.choose("verdict", "eligible");
    s.fill("justification", "Charte signée reçue le 6 juillet.");
    s.act("confirm");
    s.act("switch_view");
    let screen = s.screen();
    assert!(screen.contains("Dossier PDNP06-2025-018"), "{screen}");
    assert!(screen.contains("Recevable"), "{screen}");
    assert!(!screen.contains("Irrecevable"), "{screen}");
    // Said as the committee view says it: justification — who (wrapped).
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("Dérogation : Charte signée reçue le 6 juil"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(lines[at + 1].contains("Sylvie Marcellin"), "{screen}");
}

#[test]
fn a_member_cannot_decide_or_override() {
    let mut s = open(SAMPLE, Some(MEMBER));
    s.act("switch_view");
    s.act("override_eligibility");
    assert!(s.screen().contains("Réservé à la présidence"));
    s.act("open_session");
    assert!(s.screen().contains("Seuls la présidence et le secrétariat"));
}

#[test]
fn undo_puts_the_last_score_back_as_a_new_event() {
    let mut s = open(SAMPLE, Some(MEMBER));
    s.act("focus_grid");
    s.act("score_4");
    s.act("top");
    s.act("score_2");
    assert_eq!(
        value_of(&s.db_scores("PDNP06-2025-001"), "experience"),
        Some(2.0)
    );
    s.act("undo");
    assert_eq!(
        value_of(&s.db_scores("PDNP06-2025-001"), "experience"),
        Some(4.0)
    );
    assert!(s.screen().contains("Annulé : note"));
    s.act("undo");
    assert_eq!(
        value_of(&s.db_scores("PDNP06-2025-001"), "experience"),
        None
    );
    assert_eq!(
        s.query::<String>("SELECT action FROM audit WHERE actor = 'Julien Ferrand' ORDER BY id"),
        vec!["score", "score", "undo", "undo"]
    );
    assert!(
        jury::store::audit::verify_file(&s.db)
            .expect("verify")
            .is_intact()
    );
}

#[test]
fn the_chairs_consensus_grid_becomes_the_official_score() {
    let mut s = scored_by_three();
    s.act("switch_view");
    s.act("consensus_grid");
    assert!(s.screen().contains("Grille de consensus — présidence"));
    for d in ["score_3", "score_3", "score_4", "score_2"] {
        s.act(d);
    }
    let rows: Vec<f64> = s.query("SELECT value FROM consensus ORDER BY criterion");
    assert_eq!(rows.len(), 4);
    s.act("switch_view");
    let screen = s.screen();
    let line = row(&screen, "PDNP06-2025-001");
    // (30·3 + 30·3 + 25·4 + 15·2) / 100 = 3,10
    assert!(line.contains("3,10c"), "{line}");
    // Individual scores stay visible.
    assert!(line.contains("3,35"), "{line}");
}

#[test]
fn the_history_lists_a_dossiers_events() {
    let mut s = scored_by_three();
    s.select("PDNP06-2025-001");
    s.act("history");
    let screen = s.screen();
    assert!(screen.contains("Historique — PDNP06-2025-001"), "{screen}");
    assert!(screen.contains("dossier importé"));
    assert!(
        screen.contains(
            "note « Expérience de la structure dans le champ de la parentalité » : — → 4"
        ),
        "{screen}"
    );
}

#[test]
fn the_history_tells_each_committee_event_in_words() {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.select("PDNP06-2025-018"); // charter not signed
    s.act("conflict_of_interest");
    s.type_text("Ancienne administratrice");
    s.act("confirm");
    s.act("conflict_of_interest");
    s.act("switch_view");
    s.act("override_eligibility");
    s.choose("verdict", "eligible");
    s.fill("justification", "Charte signée reçue le 6 juillet.");
    s.act("confirm");
    open_session(&mut s, 5);
    s.act("decide");
    s.choose("kind", "retenu");
    s.fill("motivation", "Projet solide.");
    // Nobody scored it: the decision needs the explicit confirmation.
    s.tick("confirm");
    s.act("confirm");
    s.act("undo");
    s.act("history");
    let screen = s.screen();
    for said in [
        "import             dossier importé",
        "Sylvie Marcellin   Sylvie Marcellin se déporte (conflit d'intérêts)",
        "Sylvie Marcellin   Sylvie Marcellin retire son conflit d'intérêts",
        "déclaré recevable par dérogation — Charte signée reçue le 6 juillet.",
        "décision : Retenu — Projet solide.",
        "annulation de la dernière action",
    ] {
        assert!(screen.contains(said), "{said}\n{screen}");
    }
}

#[test]
fn recusals_and_tie_breaks_read_in_english_in_the_ranking() {
    let mut s = open_with(SAMPLE, Some(CHAIR), jury_core::fr::Lang::En, None, true);
    for reference in ["PDNP06-2025-001", "PDNP06-2025-002", "PDNP06-2025-004"] {
        s.select(reference);
        s.score_current(&[3, 3, 3, 3]);
    }
    s.act("conflict_of_interest");
    s.act("confirm");
    s.act("switch_view");
    let screen = s.screen();
    let line = row(&screen, "PDNP06-2025-004");
    assert!(line.contains("recused"), "{line}");
    assert!(!screen.contains("déport"), "{screen}");
    // 001 and 002 have the same total: the earlier one comes first.
    s.act("top");
    let screen = s.screen();
    // The line wraps in the detail pane.
    assert!(screen.contains("(tie broken by the"), "{screen}");
    assert!(screen.contains("date of receipt)"), "{screen}");
    assert!(!screen.contains("départagé par"), "{screen}");
}

#[test]
fn too_few_eligible_dossiers_warn_that_the_call_may_be_unsuccessful() {
    let mut s = open(OTHER, Some("Zoé"));
    s.act("switch_view");
    assert!(
        s.screen()
            .contains("L'appel pourrait être déclaré infructueux")
    );
}

#[test]
fn median_basis_and_agenda_filter() {
    let mut s = scored_by_three();
    s.act("switch_view");
    s.act("toggle_basis");
    assert!(s.screen().contains("totaux : médiane"));
    s.act("toggle_agenda");
    let screen = s.screen();
    assert!(screen.contains("ordre du jour"), "{screen}");
    assert!(
        screen.contains("PDNP06-2025-001"),
        "contested, on the agenda"
    );
}

#[test]
fn a_members_packet_exported_from_the_tui_is_merged_by_the_chair() {
    let mut chair = open(SAMPLE, Some(CHAIR));
    let mut member = open_bundle(&mut chair, MEMBER);
    // The member's letters folder stands for the USB stick they hand over.
    let shared = member.letters_dir();
    member.select("PDNP06-2025-003");
    member.score_current(&[4, 4, 4, 4]);
    member.act("export_packet");
    assert!(
        member.screen().contains("Paquet écrit"),
        "{}",
        member.screen()
    );
    let packet = std::fs::read_dir(&shared)
        .expect("packet folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("packet file");

    chair.act("switch_view");
    chair.act("import_packet");
    chair.fill("path", &packet.display().to_string());
    chair.act("confirm");
    let screen = chair.screen();
    assert!(
        screen.contains("Paquet importé : 4 notes ajoutées"),
        "{screen}"
    );
    assert!(screen.contains("Paquets :"), "{screen}");
    assert!(
        row(&screen, "PDNP06-2025-003").contains(" 4,0 "),
        "{screen}"
    );
    // Importing the same packet again changes nothing.
    chair.act("import_packet");
    chair.fill("path", &packet.display().to_string());
    chair.act("confirm");
    assert!(
        chair.screen().contains("déjà importé"),
        "{}",
        chair.screen()
    );
}

#[test]
fn the_tui_refuses_to_export_without_a_key_and_to_import_a_forged_packet() {
    // A member who opened the call folder itself holds no key.
    let mut loose = open(SAMPLE, Some(MEMBER));
    loose.select("PDNP06-2025-003");
    loose.score_current(&[4, 4, 4, 4]);
    loose.act("export_packet");
    let screen = loose.screen();
    assert!(
        screen.contains("n'a pas été installé depuis un lot remis à un membre"),
        "{screen}"
    );
    // From their bundle it is signed; a copy in the chair's name is refused.
    let mut chair = open(SAMPLE, Some(CHAIR));
    chair
        .app
        .store
        .issue_bundle_key("présidence", CHAIR)
        .expect("chair's own bundle");
    let mut member = open_bundle(&mut chair, MEMBER);
    member.select("PDNP06-2025-003");
    member.score_current(&[4, 4, 4, 4]);
    member.act("export_packet");
    let packet = std::fs::read_dir(member.letters_dir())
        .expect("packet folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("packet file");
    let mut forged =
        jury_core::packet::open(&std::fs::read(&packet).expect("read")).expect("packet");
    forged.member = CHAIR.into();
    let forged = jury_core::packet::seal(forged);
    std::fs::write(&packet, forged.to_json()).expect("forge");
    let events = chair.app.store.audit_len().expect("audit");
    chair.act("switch_view");
    chair.act("import_packet");
    chair.fill("path", &packet.display().to_string());
    chair.act("confirm");
    let screen = chair.screen();
    assert!(
        screen.contains("Le paquet n'a pas été écrit avec la clé remise à « Sylvie"),
        "{screen}"
    );
    assert_eq!(chair.app.store.audit_len().expect("audit"), events);
}

#[test]
fn a_call_with_other_criteria_scale_and_rules_runs_a_session_unchanged() {
    // tests/fixtures/other-grid: three criteria weighted 50/30/20 on 0–20.
    let mut s = open(OTHER, Some("Zoé"));
    s.select("A-001");
    s.act("focus_grid");
    for d in ["score_1", "score_6", "score_1", "score_2", "score_8"] {
        s.act(d);
    }
    s.act("focus_list");
    let mut s = s.reopen_as(OTHER, "Yves");
    s.select("A-001");
    s.act("focus_grid");
    for d in ["score_1", "score_2", "score_1", "score_0", "score_5"] {
        s.act(d);
    }
    // Zoé: (50·16 + 30·12 + 20·8)/100 = 13,2; Yves: (50·12 + 30·10 + 20·5)/100 = 10,0; mean 11,6.
    // Yves scored it: he sees Zoé's scores (no anchoring left to protect).
    s.act("switch_view");
    let screen = s.screen();
    let line = row(&screen, "A-001");
    assert!(
        line.contains("13,2") && line.contains("10,0") && line.contains("11,60"),
        "{line}"
    );
    // Criterion "qualite": 16 and 12, a spread of 4 < no disagreement_spread set: not contested.
    assert!(!line.contains('⚠'), "{line}");
}

#[test]
fn a_call_deciding_something_of_its_own_needs_a_template() {
    let dir = tempfile::tempdir().expect("tmp");
    let src = root().join(OTHER);
    std::fs::create_dir_all(dir.path().join("dossiers")).expect("mkdir");
    let appel = std::fs::read_to_string(src.join("appel.json")).expect("appel");
    let appel = appel.replace(
        "\"unsuccessful_if_fewer_than\": 2",
        "\"decisions\": [ { \"id\": \"personne_ressource\", \"label\": \"Personne ressource du réseau\", \"accepted\": false } ]",
    );
    std::fs::write(dir.path().join("appel.json"), appel).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jury"))
        .arg("check")
        .arg(dir.path())
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("lettres/personne_ressource.txt:1:1: modèle de courrier manquant pour la décision « Personne ressource du réseau »"), "{text}");
    std::fs::create_dir_all(dir.path().join("lettres")).expect("mkdir");
    std::fs::write(
        dir.path().join("lettres/personne_ressource.txt"),
        "Objet : Votre candidature\n\nMadame, Monsieur,\n\nLe comité souhaite vous associer au réseau comme personne ressource. {{decision.motivation}}\n",
    )
    .expect("template");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jury"))
        .arg("check")
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_chair_settles_two_packets_that_disagree() {
    // A member's database, two packets with the same time but different values.
    let member_dir = tempfile::tempdir().expect("tmp");
    let member_db = member_dir.path().join("membre.sqlite");
    let folder = jury::io::import::read_folder(&root().join(SAMPLE)).expect("sample");
    let mut chair = open(SAMPLE, Some(CHAIR));
    let key = chair
        .app
        .store
        .issue_bundle_key("présidence", MEMBER)
        .expect("issue")
        .credential;
    let packets = {
        let mut store = jury::store::Store::open(&member_db).expect("member db");
        folder.import_into(&mut store).expect("import");
        store
            .save_score(&jury_core::records::ScoreRow {
                reference: "PDNP06-2025-005".into(),
                member: MEMBER.into(),
                criterion: "experience".into(),
                value: Some(3.0),
                comment: String::new(),
            })
            .expect("score");
        let first = store.export_packet(MEMBER, &key).expect("packet");
        let conn = rusqlite::Connection::open(&member_db).expect("raw");
        conn.execute("UPDATE scores SET value = 4", [])
            .expect("same time, other value");
        drop(conn);
        let second = store.export_packet(MEMBER, &key).expect("packet");
        [first, second]
    };
    for p in &packets {
        chair.app.store.import_packet(p).expect("import");
    }
    chair.act("switch_view");
    chair.act("undo"); // reload from the store through an ordinary action
    let screen = chair.screen();
    assert!(
        screen.contains("1 désaccord(s) entre paquets à trancher (R)"),
        "{screen}"
    );
    chair.act("resolve_packet_conflict");
    chair.choose("choice", "take");
    chair.act("confirm");
    assert_eq!(
        chair.query::<f64>("SELECT value FROM scores WHERE reference = 'PDNP06-2025-005'"),
        vec![4.0]
    );
    assert!(!chair.screen().contains("désaccord(s) entre paquets"));
    assert_eq!(
        chair.query::<String>("SELECT action FROM audit WHERE action = 'packet.resolve'"),
        vec!["packet.resolve".to_string()]
    );
}

#[test]
fn members_comments_are_shown_to_the_committee() {
    let mut s = open(SAMPLE, Some(MEMBER));
    s.act("focus_grid");
    s.act("score_4");
    s.act("up");
    s.act("comment");
    s.type_text("Référente famille très présente");
    s.act("confirm");
    let mut s = s.reopen_as(SAMPLE, CHAIR);
    s.act("switch_view");
    let screen = s.screen();
    assert!(
        screen.contains("JF « Référente famille très présente »"),
        "{screen}"
    );
}

#[test]
fn a_pasted_motivation_keeps_its_text_and_does_not_submit() {
    let mut s = scored_by_three();
    s.act("switch_view");
    open_session(&mut s, 5);
    s.act("decide");
    s.choose("kind", "non_retenu");
    s.fill("motivation", "");
    s.app
        .paste("Projet peu articulé\navec le projet social.\r\nExpérience limitée.");
    assert!(
        matches!(s.app.state.mode, jury::app::state::Mode::Form(_)),
        "still editing"
    );
    s.act("confirm");
    assert_eq!(
        s.query::<String>("SELECT motivation FROM decisions"),
        vec!["Projet peu articulé avec le projet social. Expérience limitée.".to_string()]
    );
}

/// Issue 9: the committee view says why a dossier has no rank and how many
/// members scored it.
#[test]
fn the_committee_view_says_why_a_dossier_is_not_ranked_and_who_scored() {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.select("PDNP06-2025-003"); // ineligible
    s.score_current(&[4, 4, 4, 4]);
    s.act("switch_view");
    let screen = s.screen();
    assert!(screen.contains("non classé (irrecevable)"), "{screen}");
    assert!(screen.contains("notée par 1 membre sur 5"), "{screen}");
    let line = row(&screen, "PDNP06-2025-003");
    assert!(
        line.starts_with("┃—   PDNP06-2025-003"),
        "no rank number: {line}"
    );
}
