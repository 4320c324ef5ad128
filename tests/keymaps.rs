//! Every keymap shipped in keymaps/ loads over the default without conflict.

use jury::app::action::{ALL, Action};
use jury::app::keymap::{Context, Keymap};
use std::path::PathBuf;

#[test]
fn every_shipped_keymap_loads_without_conflict() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("keymaps");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("keymaps/") {
        let path = e.expect("entry").path();
        if path.extension().is_some_and(|x| x == "json") {
            n += 1;
            if let Err(errors) = jury::tui::keys::load_keymap(&[path.as_path()]) {
                let text: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
                panic!("{}", text.join("\n"));
            }
        }
    }
    assert!(n >= 2, "default.json and vim.json at least");
}

#[test]
fn the_default_binds_every_action_somewhere() {
    let k = Keymap::default_map().expect("default");
    let contexts = jury::app::keymap::CONTEXTS;
    for a in ALL {
        let bound = contexts.iter().any(|c| !k.keys_for(*c, *a).is_empty());
        assert!(bound, "action {} has no key in the default keymap", a.id());
    }
}

#[test]
fn the_default_scores_from_the_azerty_number_row() {
    let k = Keymap::default_map().expect("default");
    for (i, c) in "à&é\"'(-è_ç".chars().enumerate() {
        let key = jury::app::keymap::Key::parse(&c.to_string()).expect("key");
        assert_eq!(
            k.resolve(&[Context::Grid], key),
            Some(Action::Score(i as u8)),
            "{c}"
        );
    }
}

/// A keymap that leaves no key to quit from the dossier list (where Jury
/// starts) is refused, naming the file; moving quit to another key is fine.
#[test]
fn a_keymap_without_a_way_to_quit_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).expect("write keymap");
        p
    };
    let unbound = write(
        "sans-q.json",
        r#"{ "global": { "q": null, "ctrl+c": null } }"#,
    );
    // Still bound in global, but the list's own binding hides it.
    let hidden = write(
        "masque.json",
        r#"{ "global": { "ctrl+c": null }, "list": { "q": "down" } }"#,
    );
    for file in [&unbound, &hidden] {
        let errors = jury::tui::keys::load_keymap(&[file.as_path()]).expect_err("refused");
        let text: Vec<String> = errors.iter().map(|d| d.to_string()).collect();
        let text = text.join("\n");
        assert!(text.contains(&file.display().to_string()), "{text}");
        assert!(text.contains("aucune touche ne quitte Jury"), "{text}");
    }
    let moved = write(
        "x.json",
        r#"{ "global": { "q": null, "ctrl+c": null, "x": "quit" } }"#,
    );
    let k = jury::tui::keys::load_keymap(&[moved.as_path()]).expect("quit on x");
    let x = jury::app::keymap::Key::parse("x").expect("key");
    assert_eq!(
        k.resolve(&[Context::List, Context::Global], x),
        Some(Action::Quit)
    );
    // A second file may give back what the first took away.
    let back = write("retour.json", r#"{ "global": { "q": "quit" } }"#);
    assert!(jury::tui::keys::load_keymap(&[unbound.as_path(), back.as_path()]).is_ok());
}

/// At start, the refusal stops Jury before any database is opened.
#[test]
fn jury_does_not_start_with_a_keymap_that_cannot_quit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let keymap = dir.path().join("sans-q.json");
    std::fs::write(&keymap, r#"{ "global": { "q": null, "ctrl+c": null } }"#).expect("write");
    let db = dir.path().join("jury.sqlite");
    let refused = jury::tui::App::open(jury::tui::Options {
        call_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025"),
        db: Some(db.clone()),
        reviewer: None,
        keymap: Some(keymap.clone()),
        lang: jury_core::fr::Lang::Fr,
        color: false,
        letters_dir: None,
    });
    let Err(e) = refused else {
        panic!("started with a keymap that cannot quit")
    };
    let message = e.message(jury_core::fr::Lang::Fr);
    assert!(message.contains("sans-q.json"), "{message}");
    assert!(
        message.contains("aucune touche ne quitte Jury"),
        "{message}"
    );
    assert!(!db.exists());
}
