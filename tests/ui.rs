//! UI behaviour through ratatui's TestBackend and the real default keymap.
//! Tests name actions; the keymap says which key that is.

use crate::common::harness;

use harness::*;
use jury_core::fr::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};
use std::path::{Path, PathBuf};

#[test]
fn opens_the_sample_with_list_dossier_and_four_criterion_grid() {
    let mut s = open(SAMPLE, Some("Nadia Benali"));
    let screen = s.screen();
    assert!(screen.contains("Dossiers (28/28)"), "{screen}");
    assert!(screen.contains("Dossier PDNP06-2025-001"), "{screen}");
    assert!(screen.contains("Grille — Nadia Benali"), "{screen}");
    for n in [
        "1. Expérience",
        "2. Qualification",
        "3. Articulation",
        "4. Engagement",
    ] {
        assert!(screen.contains(n), "missing {n}\n{screen}");
    }
    assert!(screen.contains("incomplet (0/4)"), "{screen}");
    // Codes the format defines are shown as words.
    assert!(screen.contains("Type : centre social"), "{screen}");
}

#[test]
fn scoring_four_criteria_saves_each_and_shows_the_weighted_total() {
    let mut s = open(SAMPLE, Some("Nadia Benali"));
    s.act("focus_grid"); // list → grid
    for d in ["score_4", "score_3", "score_5", "score_2"] {
        s.act(d);
    }
    let screen = s.screen();
    // (30×4 + 30×3 + 25×5 + 15×2) / 100 = 3,65
    assert!(screen.contains("Total 3,65 / 5  (73,0 / 100)"), "{screen}");
    assert!(screen.contains("PDNP06-2025-001"), "{screen}");
    let rows = s.db_scores("PDNP06-2025-001");
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r.0 == "Nadia Benali"));
    assert_eq!(value_of(&rows, "experience"), Some(4.0));
    assert_eq!(value_of(&rows, "qualification"), Some(3.0));
    assert_eq!(value_of(&rows, "coherence"), Some(5.0));
    assert_eq!(value_of(&rows, "formation"), Some(2.0));
    // The list row shows the total on the scale.
    let line = screen
        .lines()
        .find(|l| l.contains("✓ PDNP06-2025-001"))
        .unwrap_or_default()
        .to_string();
    assert!(line.contains(" 3,7 "), "3,65 rounds half up: {line}");
}

#[test]
fn azerty_number_row_scores_without_shift() {
    let mut s = open(SAMPLE, Some("Julien Ferrand"));
    s.act("focus_grid");
    for k in ["&", "é", "\"", "'"] {
        s.key(k);
    }
    let rows = s.db_scores("PDNP06-2025-001");
    let values: Vec<Option<f64>> = ["experience", "qualification", "coherence", "formation"]
        .iter()
        .map(|c| value_of(&rows, c))
        .collect();
    assert_eq!(values, vec![Some(1.0), Some(2.0), Some(3.0), Some(4.0)]);
}

#[test]
fn out_of_scale_score_is_refused_and_nothing_is_written() {
    let mut s = open(SAMPLE, Some("Julien Ferrand"));
    s.act("focus_grid");
    s.act("score_7");
    let screen = s.screen();
    assert!(screen.contains("Note 7 hors barème : 0–5"), "{screen}");
    assert!(s.db_scores("PDNP06-2025-001").is_empty());
}

#[test]
fn a_0_to_20_scale_takes_two_digit_scores_with_no_code_change() {
    let mut s = open(OTHER, Some("Zoé"));
    s.act("focus_grid");
    s.act("score_1");
    s.act("score_5"); // 15 on "qualite"
    s.act("score_2");
    s.act("confirm"); // 2 on "perennite"
    s.act("score_2");
    s.act("score_0"); // 20 on "partenariats"
    let rows = s.db_scores("A-001");
    assert_eq!(value_of(&rows, "qualite"), Some(15.0));
    assert_eq!(value_of(&rows, "perennite"), Some(2.0));
    assert_eq!(value_of(&rows, "partenariats"), Some(20.0));
    let screen = s.screen();
    // (50×15 + 30×2 + 20×20) / 100 = 12,1 on 20 → 60,5 on 100
    assert!(
        screen.contains("Total 12,10 / 20  (60,5 / 100)"),
        "{screen}"
    );
    // 2 then 5 would be 25: refused.
    s.act("focus_grid");
    s.act("top");
    s.act("score_2");
    s.act("score_5");
    assert!(s.screen().contains("Note 25 hors barème : 0–20"));
    assert_eq!(value_of(&s.db_scores("A-001"), "qualite"), Some(15.0));
}

#[test]
fn clearing_and_commenting_a_criterion() {
    let mut s = open(SAMPLE, Some("Agnès Tordo"));
    s.act("focus_grid");
    s.act("score_3");
    s.act("up");
    s.act("comment");
    s.type_text("Café des parents, à confirmer");
    s.act("confirm");
    let rows = s.db_scores("PDNP06-2025-001");
    assert_eq!(rows[0].3, "Café des parents, à confirmer");
    assert!(s.screen().contains("« Café des parents, à confirmer »"));
    s.act("clear_score");
    let rows = s.db_scores("PDNP06-2025-001");
    // The comment stays when the score is cleared.
    assert_eq!(value_of(&rows, "experience"), None);
    assert_eq!(rows[0].3, "Café des parents, à confirmer");
}

#[test]
fn fuzzy_filter_ignores_accents_and_case_and_highlights_matches() {
    let mut s = open(SAMPLE, Some("Nadia Benali"));
    s.act("filter");
    s.type_text("elod");
    let screen = s.screen();
    // The best match comes first.
    let first = screen
        .lines()
        .find(|l| l.contains("✓ PDNP06"))
        .unwrap_or_default();
    assert!(first.contains("PDNP06-2025-007"), "{screen}");
    assert!(!screen.contains("Dossiers (28/28)"), "{screen}");
    s.act("cancel");
    s.act("filter");
    s.type_text("boeuf");
    assert!(s.screen().contains("PDNP06-2025-007"));
    s.act("cancel");
    s.act("filter");
    s.type_text("ETIENNE");
    let screen = s.screen();
    assert!(screen.contains("PDNP06-2025-005"), "{screen}");
    // Confirming keeps the filter; the list shows it at the bottom.
    s.act("confirm");
    assert!(s.screen().contains("/ ETIENNE"));
}

#[test]
fn matched_characters_are_highlighted_in_the_list() {
    let mut s = open(OTHER, Some("Zoé"));
    s.act("filter");
    s.type_text("frej");
    s.screen();
    let buf = s.term.backend().buffer().clone();
    // Find "Fréjus" in the structure column of the list and check its letters.
    let (mut hits, mut plain) = (0, 0);
    for y in 0..buf.area.height {
        let row: String = (0..70).map(|x| buf[(x, y)].symbol().to_string()).collect();
        if let Some(col) = row.find("Maison des parents de Fr") {
            let start = row[..col].chars().count() as u16;
            for (i, _) in "Maison des parents de Fréjus".chars().enumerate() {
                let cell = &buf[(start + i as u16, y)];
                if cell.style().add_modifier.contains(Modifier::UNDERLINED) {
                    hits += 1;
                } else {
                    plain += 1;
                }
            }
        }
    }
    assert_eq!(hits, 4, "F r é j highlighted");
    assert!(plain > 0);
}

#[test]
fn navigation_moves_between_dossiers_and_to_the_next_to_score() {
    let mut s = open(SAMPLE, Some("Nadia Benali"));
    s.act("down");
    assert!(s.screen().contains("Dossier PDNP06-2025-002"));
    s.act("next_dossier");
    assert!(s.screen().contains("Dossier PDNP06-2025-003"));
    s.act("prev_dossier");
    s.act("prev_dossier");
    s.act("focus_grid");
    for d in ["score_1", "score_2", "score_3", "score_4"] {
        s.act(d);
    }
    s.act("top");
    s.act("focus_list");
    s.act("top");
    s.act("next_to_score");
    let screen = s.screen();
    assert!(screen.contains("Dossier PDNP06-2025-002"), "{screen}");
    s.act("bottom");
    assert!(
        s.screen().contains("Dossier PDNP06-2025-002"),
        "grid focus: bottom moves the criterion, not the list"
    );
}

#[test]
fn sorting_by_total_puts_the_best_first() {
    let mut s = open(SAMPLE, Some("Nadia Benali"));
    s.act("bottom");
    s.act("focus_grid");
    for d in ["score_5", "score_5", "score_5", "score_5"] {
        s.act(d);
    }
    s.act("focus_list");
    s.act("sort_next"); // received date
    s.act("sort_next"); // total
    let screen = s.screen();
    assert!(screen.contains("tri : total"), "{screen}");
    let first = screen
        .lines()
        .find(|l| l.contains("PDNP06-2025-"))
        .unwrap_or_default();
    assert!(first.contains("PDNP06-2025-028"), "{first}");
}

#[test]
fn help_is_generated_from_the_loaded_keymap() {
    let dir = tempfile::tempdir().expect("tmp");
    let km = dir.path().join("mine.json");
    std::fs::write(&km, r#"{ "global": { "q": null, "x": "quit" } }"#).expect("write");
    let mut s = open_with(SAMPLE, Some("Nadia Benali"), Lang::Fr, Some(km), true);
    s.act("help");
    let screen = s.screen();
    assert!(
        screen.contains("Aide — raccourcis du keymap chargé"),
        "{screen}"
    );
    let quit = screen
        .lines()
        .find(|l| l.contains("Quitter"))
        .unwrap_or_default()
        .to_string();
    assert!(quit.contains(" x,") || quit.contains(" x "), "{quit}");
    assert!(!quit.contains(" q"), "{quit}");
    assert!(screen.contains("Rechercher"));
    s.act("close");
    assert!(!s.screen().contains("Aide — raccourcis"));
}

#[test]
fn reviewer_is_asked_once_when_missing_and_shown() {
    let mut s = open(SAMPLE, None);
    assert!(s.screen().contains("Qui note ?"));
    s.type_text("Sylvie Marcellin");
    s.act("confirm");
    let screen = s.screen();
    assert!(screen.contains("Évaluateur : Sylvie Marcellin"), "{screen}");
    s.act("focus_grid");
    s.act("score_4");
    assert_eq!(s.db_scores("PDNP06-2025-001")[0].0, "Sylvie Marcellin");
}

#[test]
fn terminal_below_minimum_size_gets_a_french_message() {
    let mut s = open(SAMPLE, Some("Nadia Benali"));
    s.term = Terminal::new(TestBackend::new(60, 20)).expect("terminal");
    let screen = s.screen();
    assert!(screen.contains("Terminal trop petit"), "{screen}");
    assert!(screen.contains("au moins 80×24"), "{screen}");
    // Keys typed meanwhile would score blind: none is heard but quitting.
    s.key("Enter");
    s.key("4");
    assert!(s.db_scores("PDNP06-2025-001").is_empty());
    s.term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    assert!(s.screen().contains("Dossiers (28/28)"));
    s.act("focus_grid");
    s.act("score_4");
    assert_eq!(s.db_scores("PDNP06-2025-001").len(), 1);
    s.term = Terminal::new(TestBackend::new(60, 20)).expect("terminal");
    s.screen();
    s.act("quit");
    assert!(s.app.state.quit);
}

#[test]
fn english_interface_on_request() {
    let mut s = open_with(SAMPLE, Some("Nadia Benali"), Lang::En, None, true);
    let screen = s.screen();
    assert!(screen.contains("Reviewer: Nadia Benali"), "{screen}");
    assert!(screen.contains("Received on"), "{screen}");
}

/// Every page of the open help, scrolled with the keymap's page down.
fn whole_help(s: &mut Session) -> String {
    let mut pages = s.screen();
    for _ in 0..10 {
        s.act("page_down");
        pages.push_str(&s.screen());
    }
    assert!(
        matches!(s.app.state.mode, jury::app::state::Mode::Help { .. }),
        "still in the help"
    );
    pages
}

#[test]
fn keys_are_named_in_the_interfaces_language() {
    let mut s = open_with(SAMPLE, Some("Nadia Benali"), Lang::En, None, true);
    assert!(s.screen().contains(" Enter  Score "), "{}", s.screen());
    s.act("help");
    let screen = whole_help(&mut s);
    for key in ["Shift+Tab", "PgDn", "PgUp", "Home", "End", "Enter", "Esc"] {
        assert!(screen.contains(&format!("  {key} ")), "{key}\n{screen}");
    }
    for french in ["Entrée", "Échap", "PgSuiv", "Maj+Tab", "Début"] {
        assert!(!screen.contains(french), "{french}\n{screen}");
    }
    let mut s = open(SAMPLE, Some("Nadia Benali"));
    assert!(s.screen().contains(" Entrée  Noter "), "{}", s.screen());
    s.act("help");
    let screen = whole_help(&mut s);
    for key in [
        "Maj+Tab", "PgSuiv", "PgPréc", "Début", "Fin", "Entrée", "Échap",
    ] {
        assert!(screen.contains(&format!("  {key} ")), "{key}\n{screen}");
    }
}

#[test]
fn english_punctuation_in_the_english_interface() {
    for (lang, words, name, quoted, not) in [
        (
            Lang::En,
            "solid team",
            "  Name: Centre social Les Mimosas",
            "“solid team”",
            "Name :",
        ),
        (
            Lang::Fr,
            "équipe solide",
            "  Nom : Centre social Les Mimosas",
            "« équipe solide »",
            "“",
        ),
    ] {
        let mut s = open_with(SAMPLE, Some("Nadia Benali"), lang, None, true);
        s.act("focus_grid");
        s.act("comment");
        s.type_text(words);
        s.act("confirm");
        let screen = s.screen();
        for shown in [name, quoted] {
            assert!(screen.contains(shown), "{shown}\n{screen}");
        }
        assert!(!screen.contains(not), "{not}\n{screen}");
    }
}

#[test]
fn no_color_draws_without_colors() {
    let mut s = open_with(SAMPLE, Some("Nadia Benali"), Lang::Fr, None, false);
    s.screen();
    let buf = s.term.backend().buffer().clone();
    for cell in buf.content() {
        assert!(
            matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
            "{cell:?}"
        );
    }
}

#[test]
fn wide_characters_keep_columns_aligned() {
    let mut s = open(OTHER, Some("Zoé"));
    let screen = s.screen();
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains("✓ A-00") || l.contains("✗ A-00"))
        .collect();
    assert_eq!(rows.len(), 2, "{screen}");
    let col = |l: &str, pat: &str| {
        let at = l.find(pat).unwrap_or(0);
        unicode_width::UnicodeWidthStr::width(&l[..at])
    };
    // The pane border after the list sits at the same column on both rows.
    assert_eq!(col(rows[0], "┃│"), col(rows[1], "┃│"), "{screen}");
}

#[test]
fn a_failed_write_is_shown_and_the_score_not_kept_on_screen() {
    let mut s = open(SAMPLE, Some("Nadia Benali"));
    // Simulate a disk that refuses writes from now on.
    let conn = rusqlite::Connection::open(&s.db).expect("db");
    conn.execute_batch(
        "CREATE TRIGGER refuse BEFORE INSERT ON scores BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;",
    )
    .expect("trigger");
    s.act("focus_grid");
    s.act("score_4");
    let screen = s.screen();
    assert!(screen.contains("Non enregistré"), "{screen}");
    assert!(screen.contains("incomplet (0/4)"), "{screen}");
    assert!(s.db_scores("PDNP06-2025-001").is_empty());
}

/// The database deleted, or replaced by a copy, while the app runs: no
/// score is shown as saved, each says why, and nothing is written anywhere.
#[test]
fn a_database_deleted_or_replaced_under_the_app_refuses_every_write() {
    for replaced in [false, true] {
        let mut s = open(SAMPLE, Some("Nadia Benali"));
        let side = |ext: &str| {
            let mut p = s.db.clone().into_os_string();
            p.push(ext);
            PathBuf::from(p)
        };
        let (wal, shm, old) = (side("-wal"), side("-shm"), side(".old"));
        if replaced {
            // Moved aside and a copy put in its place: same path, another
            // file. The copy is made whole (its log checkpointed first), so
            // what it holds afterwards can be read back: a copy of the main
            // file alone holds what the last checkpoint left there, which
            // depends on when SQLite last ran one (a CI run under load once
            // read it back without its tables).
            rusqlite::Connection::open(&s.db)
                .and_then(|c| c.query_row("PRAGMA wal_checkpoint(FULL)", [], |_| Ok(())))
                .expect("checkpoint");
            std::fs::rename(&s.db, &old).expect("move the db");
            std::fs::copy(&old, &s.db).expect("copy it back");
        } else {
            for f in [&s.db, &wal, &shm] {
                let _ = std::fs::remove_file(f);
            }
        }
        s.act("focus_grid");
        s.act("score_4");
        let screen = s.screen();
        assert!(screen.contains("Non enregistré"), "{screen}");
        assert!(
            screen.contains("La base a été déplacée ou supprimée pendant que Jury tournait"),
            "{screen}"
        );
        assert!(!screen.contains("Enregistré"), "{screen}");
        s.act("down");
        s.act("score_3");
        let screen = s.screen();
        assert!(screen.contains("rien n'a été enregistré"), "{screen}");
        assert!(screen.contains("incomplet (0/4)"), "{screen}");
        if replaced {
            assert!(s.db_scores("PDNP06-2025-001").is_empty());
        } else {
            assert!(!s.db.exists(), "the database came back");
        }
    }
}

/// Starting on a file that does not exist says a database was created
/// there: a mistyped --db or a moved file does not pass for an empty call.
#[test]
fn a_new_database_is_announced_and_an_existing_one_is_not() {
    let mut s = open(SAMPLE, Some("Nadia Benali"));
    let screen = s.screen();
    assert!(screen.contains("Nouvelle base créée :"), "{screen}");
    assert!(screen.contains("test.sqlite"), "{screen}");
    let mut s = s.reopen_as(SAMPLE, "Nadia Benali");
    let screen = s.screen();
    assert!(!screen.contains("Nouvelle base"), "{screen}");
}

#[test]
fn attachments_open_with_the_system_viewer_or_say_why_not() {
    let mut s = open(SAMPLE, Some("Nadia Benali"));
    let opened = std::rc::Rc::new(std::cell::RefCell::new(Vec::<PathBuf>::new()));
    let seen = opened.clone();
    s.app.set_opener(Box::new(move |p: &Path| {
        seen.borrow_mut().push(p.to_path_buf());
        Err(jury::tui::open::OpenError::NoViewer {
            path: p.to_path_buf(),
            cause: std::io::Error::other("xdg-open absent"),
        })
    }));
    s.act("filter");
    s.type_text("PDNP06-2025-007");
    s.act("confirm");
    s.act("focus_dossier");
    assert!(s.screen().contains("Pièces jointes"));
    s.act("open_attachment");
    assert_eq!(opened.borrow().len(), 1);
    assert!(opened.borrow()[0].ends_with("pieces/PDNP06-2025-007.pdf"));
    assert!(s.screen().contains("Aucune visionneuse disponible"));
}

#[test]
fn a_narrow_dossier_pane_hangs_each_line_it_breaks_and_counts_them() {
    let mut s = open(SAMPLE, Some("Nadia Benali"));
    s.term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    s.select("PDNP06-2025-007");
    s.act("focus_dossier");
    // Scrolled to the end: the pane's counter says how far, and the last
    // line of the dossier is the last one shown.
    for _ in 0..200 {
        s.act("down");
    }
    let screen = s.screen();
    let pane: Vec<String> = screen
        .lines()
        .map(|l| l.chars().skip(40).collect::<String>())
        .collect();
    let bottom = pane
        .iter()
        .find(|l| l.contains('/') && l.contains('┛'))
        .cloned();
    let counter = bottom.as_deref().and_then(|l| {
        let inner = l.trim_matches(|c| c == '┗' || c == '┛' || c == '━' || c == ' ');
        inner
            .split_once('/')
            .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
    });
    let Some((seen, total)) = counter else {
        panic!("no line counter on the pane's border:\n{screen}");
    };
    assert_eq!(seen, total, "scrolled to the end:\n{screen}");
    // Back to the attachments: at this width the file goes under its
    // title, indented like it, not at the pane's edge.
    for _ in 0..200 {
        s.act("up");
    }
    for _ in 0..14 {
        s.act("down");
    }
    let screen = s.screen();
    let file = screen
        .lines()
        .map(|l| l.chars().skip(40).collect::<String>())
        .find(|l| l.contains("pieces/PDNP06-2025-007.pdf"));
    assert!(
        file.as_deref()
            .is_some_and(|l| l.starts_with("┃      pieces/")),
        "{screen}"
    );
}

#[test]
fn the_list_scrolls_to_keep_the_selection_on_screen_in_a_small_terminal() {
    let mut s = open(SAMPLE, Some("Nadia Benali"));
    s.term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    s.screen();
    s.act("bottom");
    let screen = s.screen();
    assert!(screen.contains("✗ PDNP06-2025-028"), "{screen}");
    assert!(!screen.contains("✓ PDNP06-2025-001"), "{screen}");
    s.act("page_up");
    s.act("top");
    let screen = s.screen();
    assert!(screen.contains("✓ PDNP06-2025-001"), "{screen}");
    // The selected row is highlighted wherever the window starts.
    let buf = s.term.backend().buffer().clone();
    let highlighted = (0..buf.area.height).any(|y| {
        let row: String = (0..40).map(|x| buf[(x, y)].symbol().to_string()).collect();
        row.contains("PDNP06-2025-001") && buf[(3, y)].style().bg == Some(Color::Blue)
    });
    assert!(highlighted, "{screen}");
}

#[test]
fn filters_cycle_through_status_eligibility_priority_and_each_zone() {
    let mut s = open(SAMPLE, Some("Nadia Benali"));
    s.act("cycle_filter"); // à noter
    assert!(s.screen().contains("filtre : à noter"));
    s.act("cycle_filter"); // contestés
    s.act("cycle_filter"); // irrecevables
    let screen = s.screen();
    assert!(screen.contains("filtre : irrecevables"), "{screen}");
    assert!(
        !screen.contains("✓ PDNP06"),
        "only ineligible rows: {screen}"
    );
    assert!(screen.contains("✗ PDNP06-2025-018"), "{screen}");
    s.act("cycle_filter"); // décidés
    s.act("cycle_filter"); // prioritaires
    s.act("cycle_filter"); // à compléter (or waiting for pieces)
    let screen = s.screen();
    assert!(screen.contains("filtre : à compléter"), "{screen}");
    assert_eq!(
        s.app
            .state
            .dossiers
            .view
            .iter()
            .map(|i| s.app.state.batch.entries[*i].dossier.reference.as_str())
            .collect::<Vec<_>>(),
        ["PDNP06-2025-020", "PDNP06-2025-021"],
        "{screen}"
    );
    s.act("cycle_filter"); // the first zone, alphabetically
    let screen = s.screen();
    let zone = s
        .app
        .state
        .batch
        .territories
        .first()
        .cloned()
        .unwrap_or_default();
    assert!(screen.contains(&format!("zone : {zone}")), "{screen}");
    let shown = s.app.state.dossiers.view.len();
    assert!(shown > 0 && shown < 28, "{shown}");
    assert!(s.app.state.dossiers.view.iter().all(|i| {
        s.app.state.batch.entries[*i].dossier.territory.as_deref() == Some(zone.as_str())
    }));
}
