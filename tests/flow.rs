//! The secretary's flow, as seen on the screen: key hints that fit, the
//! order and filter always readable, nothing typed lost.

use crate::common::harness;

use harness::*;
use jury::app::state::Mode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SECRETARY: &str = "Nadia Benali";

fn sized(s: &mut Session, w: u16, h: u16) {
    s.term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
}

fn last_line(screen: &str) -> String {
    screen
        .lines()
        .last()
        .unwrap_or_default()
        .trim_end()
        .to_string()
}

#[test]
fn key_hints_fit_the_width_and_keep_help_whole() {
    let mut s = open(SAMPLE, Some(SECRETARY));
    for (w, h) in [(80, 24), (100, 30), (120, 30)] {
        sized(&mut s, w, h);
        for pane in ["focus_list", "focus_dossier", "focus_grid"] {
            s.act(pane);
            let hints = last_line(&s.screen());
            assert!(
                hints.ends_with("?  Aide   q  Quitter"),
                "{w} columns, {pane}: « {hints} »"
            );
        }
        s.act("switch_view");
        let hints = last_line(&s.screen());
        assert!(
            hints.ends_with("?  Aide"),
            "{w} columns, committee: « {hints} »"
        );
        s.act("switch_view");
    }
}

#[test]
fn the_order_and_the_filter_stay_readable_on_a_narrow_list() {
    let mut s = open(SAMPLE, Some(SECRETARY));
    sized(&mut s, 80, 24);
    let screen = s.screen();
    assert!(screen.contains("référence ↑"), "{screen}");
    s.act("sort_reverse");
    let screen = s.screen();
    assert!(screen.contains("référence ↓"), "{screen}");
    let first = s.app.state.dossiers.view[0];
    assert_eq!(
        s.app.state.batch.entries[first].dossier.reference, "PDNP06-2025-028",
        "↓ shows the last reference first"
    );
    for _ in 0..6 {
        s.act("cycle_filter");
    }
    let screen = s.screen();
    assert!(
        screen.contains("à compléter"),
        "the filter in force: {screen}"
    );
}

#[test]
fn text_typed_on_a_choice_goes_to_the_next_text_field() {
    let mut s = open(SAMPLE, Some("Sylvie Marcellin"));
    s.select("PDNP06-2025-003");
    s.act("switch_view");
    s.act("override_eligibility");
    let Mode::Form(form) = &s.app.state.mode else {
        panic!("no form: {}", s.screen());
    };
    assert_eq!(
        form.fields[form.focus].id, "verdict",
        "the choice has the focus"
    );
    s.type_text("Pièce reçue par courrier le 3 juillet.");
    let Mode::Form(form) = &s.app.state.mode else {
        panic!("form closed");
    };
    assert_eq!(
        form.text_of("justification"),
        "Pièce reçue par courrier le 3 juillet."
    );
}

/// `jury` on the command line, with a private home.
fn jury(args: &[&str], home: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_jury"))
        .args(args)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .output()
        .expect("run jury")
}

#[test]
fn export_and_bundle_work_while_the_app_is_open_a_second_app_does_not() {
    let mut s = open(SAMPLE, Some(SECRETARY));
    s.select("PDNP06-2025-001");
    s.score_current(&[4, 4, 4, 4]);
    let db = s.db.display().to_string();
    let home = s.dir.path().join("home");
    let csv = s.dir.path().join("export.csv");
    let out = jury(
        &[
            "export",
            "csv",
            "--db",
            &db,
            "--out",
            &csv.display().to_string(),
        ],
        &home,
    );
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&csv).expect("csv");
    assert!(text.contains("PDNP06-2025-001"), "{text}");
    let lot = s.dir.path().join("lot.jurybundle");
    let out = jury(
        &[
            "bundle",
            "--db",
            &db,
            "--out",
            &lot.display().to_string(),
            "--for",
            "Julien Ferrand",
        ],
        &home,
    );
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(lot.is_file());
    // The app goes on writing after the command's own write.
    s.select("PDNP06-2025-002");
    s.score_current(&[3, 3, 3, 3]);
    let scored: Vec<String> = s.query("SELECT DISTINCT reference FROM scores ORDER BY reference");
    assert_eq!(scored, ["PDNP06-2025-001", "PDNP06-2025-002"]);
    // A second app on the same file is still refused.
    let err = jury::store::Store::open(&s.db).err().expect("refused");
    assert!(
        err.to_string().contains("déjà ouverte par un autre Jury"),
        "{err}"
    );
    let r = jury::store::audit::verify_record(&s.db, None).expect("verify");
    assert!(r.is_intact(), "{:?} {:?}", r.differences, r.integrity);
}

#[test]
fn a_packet_is_chosen_from_the_files_found_not_typed() {
    let mut chair = open(SAMPLE, Some("Sylvie Marcellin"));
    let mut member = open_bundle(&mut chair, "Julien Ferrand");
    member.select("PDNP06-2025-003");
    member.score_current(&[4, 4, 4, 4]);
    member.act("export_packet");
    let written = std::fs::read_dir(member.letters_dir())
        .expect("packet folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "json"))
        .expect("packet file");
    // Copied off the member's stick into the chair's letters folder.
    let inbox = chair.letters_dir();
    std::fs::create_dir_all(&inbox).expect("inbox");
    let copy = inbox.join(written.file_name().expect("name"));
    std::fs::copy(&written, &copy).expect("copy");
    std::fs::write(inbox.join("notes.json"), "{}").expect("not a packet");

    chair.act("switch_view");
    chair.act("import_packet");
    let Mode::Form(form) = &chair.app.state.mode else {
        panic!("no chooser: {}", chair.screen());
    };
    let Some(jury::app::form::Value::Choice { options, .. }) = form
        .fields
        .iter()
        .find(|f| f.id == "file")
        .map(|f| &f.value)
    else {
        panic!("no list of packets: {}", chair.screen());
    };
    assert!(
        options
            .iter()
            .any(|(p, _)| *p == copy.display().to_string()),
        "{options:?}"
    );
    assert!(
        !options.iter().any(|(p, _)| p.ends_with("notes.json")),
        "{options:?}"
    );
    // Typing narrows; nothing that matches, nothing to take.
    chair.type_text("zzz");
    chair.act("confirm");
    assert!(
        matches!(chair.app.state.mode, Mode::Form(_)),
        "refused: nothing chosen"
    );
    for _ in 0..3 {
        chair.act("delete_back");
    }
    chair.type_text("julien");
    chair.act("confirm");
    let screen = chair.screen();
    assert!(
        screen.contains("Paquet importé : 4 notes ajoutées"),
        "{screen}"
    );
}

#[test]
fn the_header_keeps_who_is_scoring_whole_on_a_narrow_terminal() {
    let mut s = open(SAMPLE, Some(SECRETARY));
    sized(&mut s, 80, 24);
    let screen = s.screen();
    let header = screen.lines().next().unwrap_or_default();
    assert!(header.contains("Évaluateur : Nadia Benali"), "« {header} »");
    assert!(header.contains("Promeneurs du Net"), "« {header} »");
    assert!(header.contains('…'), "the title is shortened: « {header} »");
    sized(&mut s, 200, 30);
    let screen = s.screen();
    let header = screen.lines().next().unwrap_or_default();
    assert!(
        header.contains("Alpes-Maritimes 2025   Évaluateur : Nadia Benali  28 dossiers"),
        "« {header} »"
    );
}

#[test]
fn a_forms_keys_keep_confirm_and_cancel_on_a_narrow_terminal() {
    let mut s = open(SAMPLE, Some(SECRETARY));
    sized(&mut s, 80, 24);
    s.act("edit_dossier");
    let screen = s.screen();
    let border = screen
        .lines()
        .find(|l| l.contains('╚'))
        .unwrap_or_default()
        .to_string();
    assert!(
        border.contains("Entrée valider · Échap annuler ═"),
        "« {border} »"
    );
}

/// Found by a search after scoring another dossier to its last criterion,
/// a dossier's grid starts at its first criterion: the next digits score
/// it from the top, not its last criterion over and over.
#[test]
fn a_dossier_found_by_search_is_scored_from_its_first_criterion() {
    let mut s = open(SAMPLE, Some("Sylvie Marcellin"));
    s.select("PDNP06-2025-001");
    s.score_current(&[4, 4, 4, 4]);
    s.act("filter");
    s.type_text("PDNP06-2025-002");
    s.act("confirm");
    s.act("cancel");
    s.act("focus_grid");
    for d in ["score_3", "score_2"] {
        s.act(d);
    }
    let rows = s.db_scores("PDNP06-2025-002");
    assert_eq!(value_of(&rows, "experience"), Some(3.0), "{rows:?}");
    assert_eq!(value_of(&rows, "qualification"), Some(2.0), "{rows:?}");
    assert_eq!(value_of(&rows, "formation"), None, "{rows:?}");
}
