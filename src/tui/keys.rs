//! Key translation: a terminal key press becomes the keymap's `Key`, and
//! keymap files are read from disk. The keymap itself (in `app`) knows no
//! terminal and no file.

use crate::app::keymap::{Key, KeyCodeOrd, Keymap};
use jury_core::json::Diag;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::{Path, PathBuf};

/// The keymap's view of a key press: Shift folded into the character.
pub fn key_of(e: &KeyEvent) -> Option<Key> {
    let code = match e.code {
        KeyCode::Char(c) => {
            if e.modifiers.contains(KeyModifiers::CONTROL) {
                KeyCodeOrd::Char(c.to_ascii_lowercase())
            } else {
                KeyCodeOrd::Char(c)
            }
        }
        KeyCode::F(n) => KeyCodeOrd::F(n),
        KeyCode::Enter => KeyCodeOrd::Enter,
        KeyCode::Esc => KeyCodeOrd::Esc,
        KeyCode::Tab if e.modifiers.contains(KeyModifiers::SHIFT) => KeyCodeOrd::BackTab,
        KeyCode::Tab => KeyCodeOrd::Tab,
        KeyCode::BackTab => KeyCodeOrd::BackTab,
        KeyCode::Backspace => KeyCodeOrd::Backspace,
        KeyCode::Delete => KeyCodeOrd::Delete,
        KeyCode::Insert => KeyCodeOrd::Insert,
        KeyCode::Up => KeyCodeOrd::Up,
        KeyCode::Down => KeyCodeOrd::Down,
        KeyCode::Left => KeyCodeOrd::Left,
        KeyCode::Right => KeyCodeOrd::Right,
        KeyCode::Home => KeyCodeOrd::Home,
        KeyCode::End => KeyCodeOrd::End,
        KeyCode::PageUp => KeyCodeOrd::PageUp,
        KeyCode::PageDown => KeyCodeOrd::PageDown,
        _ => return None,
    };
    Some(Key {
        code,
        ctrl: e.modifiers.contains(KeyModifiers::CONTROL),
        alt: e.modifiers.contains(KeyModifiers::ALT),
    })
}

/// The event a terminal sends for this key (for tests that press keys).
pub fn event_of(k: Key) -> KeyEvent {
    let mut mods = KeyModifiers::NONE;
    if k.ctrl {
        mods |= KeyModifiers::CONTROL;
    }
    if k.alt {
        mods |= KeyModifiers::ALT;
    }
    let code = match k.code {
        KeyCodeOrd::Char(c) => {
            if c.is_uppercase() {
                mods |= KeyModifiers::SHIFT;
            }
            KeyCode::Char(c)
        }
        KeyCodeOrd::F(n) => KeyCode::F(n),
        KeyCodeOrd::Enter => KeyCode::Enter,
        KeyCodeOrd::Esc => KeyCode::Esc,
        KeyCodeOrd::Tab => KeyCode::Tab,
        KeyCodeOrd::BackTab => {
            mods |= KeyModifiers::SHIFT;
            KeyCode::BackTab
        }
        KeyCodeOrd::Backspace => KeyCode::Backspace,
        KeyCodeOrd::Delete => KeyCode::Delete,
        KeyCodeOrd::Insert => KeyCode::Insert,
        KeyCodeOrd::Up => KeyCode::Up,
        KeyCodeOrd::Down => KeyCode::Down,
        KeyCodeOrd::Left => KeyCode::Left,
        KeyCodeOrd::Right => KeyCode::Right,
        KeyCodeOrd::Home => KeyCode::Home,
        KeyCodeOrd::End => KeyCode::End,
        KeyCodeOrd::PageUp => KeyCode::PageUp,
        KeyCodeOrd::PageDown => KeyCode::PageDown,
    };
    KeyEvent::new(code, mods)
}

/// The default, then each file in order (config file, then `--keymap`).
pub fn load_keymap(files: &[&Path]) -> Result<Keymap, Vec<Diag>> {
    let mut k = Keymap::default_map()?;
    // The file after which no key quits any more (a later one may give it back).
    let mut took_quit: Option<String> = None;
    for f in files {
        let display = f.display().to_string();
        let text = crate::io::files::read_utf8(f, &display).map_err(|d| vec![d])?;
        let could = k.quit_key().is_some();
        k.merge(&display, &text)?;
        match (could, k.quit_key().is_some()) {
            (true, false) => took_quit = Some(display),
            (_, true) => took_quit = None,
            (false, false) => {}
        }
    }
    match took_quit {
        Some(file) => Err(vec![Keymap::no_quit(&file)]),
        None => Ok(k),
    }
}

/// The user's keymap file, merged over the default when it exists.
pub fn user_keymap_path() -> Option<PathBuf> {
    dirs::config_dir()
        .map(|d| d.join("jury").join("keymap.json"))
        .filter(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_match_parsed_keys() {
        for name in [
            "q",
            "S",
            "ctrl+c",
            "shift+tab",
            "enter",
            "é",
            "&",
            "pagedown",
        ] {
            let k = Key::parse(name).unwrap();
            assert_eq!(key_of(&event_of(k)), Some(k), "{name}");
        }
    }
}
