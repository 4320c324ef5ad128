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
