//! Keymaps are data: JSON files mapping, per context, a key to an action id.
//! A user file is merged over the built-in default, key by key; `null`
//! unbinds. An unknown action, an unparsable key, or one key bound twice in
//! one context is an error naming the file, the position and the key.

use crate::app::action::Action;
use jsonc_parser::ast::Value as Ast;
use jury_core::json::{Diag, Src};
use std::collections::BTreeMap;

pub const DEFAULT: &str = include_str!("../../keymaps/default.json");

/// Where bindings apply. Pane contexts are searched before `global`;
/// text fields, help and pop-ups see only their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Context {
    Global,
    List,
    Dossier,
    Grid,
    Committee,
    Letters,
    Assignment,
    Form,
    Input,
    Help,
    Popup,
    Timetable,
}

pub const CONTEXTS: &[Context] = &[
    Context::Global,
    Context::List,
    Context::Dossier,
    Context::Grid,
    Context::Committee,
    Context::Letters,
    Context::Assignment,
    Context::Form,
    Context::Input,
    Context::Help,
    Context::Popup,
    Context::Timetable,
];

impl Context {
    pub fn id(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::List => "list",
            Context::Dossier => "dossier",
            Context::Grid => "grid",
            Context::Committee => "committee",
            Context::Letters => "letters",
            Context::Assignment => "assignment",
            Context::Form => "form",
            Context::Input => "input",
            Context::Help => "help",
            Context::Popup => "popup",
            Context::Timetable => "timetable",
        }
    }

    pub fn from_id(s: &str) -> Option<Context> {
        CONTEXTS.iter().copied().find(|c| c.id() == s)
    }

    pub fn title(self, lang: jury_core::fr::Lang) -> &'static str {
        match self {
            Context::Global => lang.tr(text::GLOBAL),
            Context::List => lang.tr(text::LIST),
            Context::Dossier => lang.tr(text::DOSSIER),
            Context::Grid => lang.tr(text::GRID),
            Context::Committee => lang.tr(text::COMMITTEE),
            Context::Letters => lang.tr(text::LETTERS),
            Context::Assignment => lang.tr(text::ASSIGNMENT),
            Context::Form => lang.tr(text::FORM),
            Context::Input => lang.tr(text::INPUT),
            Context::Help => lang.tr(text::HELP),
            Context::Popup => lang.tr(text::POPUP),
            Context::Timetable => lang.tr(text::TIMETABLE),
        }
    }
}

/// A key as the keymap sees it: Shift is folded into the character itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub code: KeyCodeOrd,
    pub ctrl: bool,
    pub alt: bool,
}

/// `KeyCode` is not `Ord`; this is the subset keymaps may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyCodeOrd {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
}

const NAMED: &[(&str, KeyCodeOrd)] = &[
    ("enter", KeyCodeOrd::Enter),
    ("esc", KeyCodeOrd::Esc),
    ("tab", KeyCodeOrd::Tab),
    ("backtab", KeyCodeOrd::BackTab),
    ("backspace", KeyCodeOrd::Backspace),
    ("delete", KeyCodeOrd::Delete),
    ("insert", KeyCodeOrd::Insert),
    ("up", KeyCodeOrd::Up),
    ("down", KeyCodeOrd::Down),
    ("left", KeyCodeOrd::Left),
    ("right", KeyCodeOrd::Right),
    ("home", KeyCodeOrd::Home),
    ("end", KeyCodeOrd::End),
    ("pageup", KeyCodeOrd::PageUp),
    ("pagedown", KeyCodeOrd::PageDown),
    ("space", KeyCodeOrd::Char(' ')),
];

impl Key {
    /// Parses `q`, `?`, `é`, `S`, `ctrl+c`, `alt+x`, `shift+tab`, `pagedown`, `f1`.
    pub fn parse(s: &str) -> Option<Key> {
        let mut ctrl = false;
        let mut alt = false;
        let mut shift = false;
        let mut rest = s;
        loop {
            let lower = rest.to_lowercase();
            if let Some(r) = lower.strip_prefix("ctrl+").filter(|r| !r.is_empty()) {
                ctrl = true;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("alt+").filter(|r| !r.is_empty()) {
                alt = true;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("shift+").filter(|r| !r.is_empty()) {
                shift = true;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => {
                let c = if shift {
                    c.to_uppercase().next().unwrap_or(c)
                } else {
                    c
                };
                // Ctrl+letter arrives lowercase whatever Shift says.
                KeyCodeOrd::Char(if ctrl { c.to_ascii_lowercase() } else { c })
            }
            _ => {
                let lower = rest.to_lowercase();
                if lower == "tab" && shift {
                    KeyCodeOrd::BackTab
                } else if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                    if !(1..=24).contains(&n) {
                        return None;
                    }
                    KeyCodeOrd::F(n)
                } else {
                    NAMED.iter().find(|(name, _)| *name == lower)?.1
                }
            }
        };
        Some(Key { code, ctrl, alt })
    }

    /// How the help screen and status bar show the key, in the interface's language.
    pub fn label(self, lang: jury_core::fr::Lang) -> String {
        let named = |t| lang.tr(t).to_string();
        let base = match self.code {
            KeyCodeOrd::Char(' ') => named(text::SPACE),
            KeyCodeOrd::Char(c) => c.to_string(),
            KeyCodeOrd::F(n) => format!("F{n}"),
            KeyCodeOrd::Enter => named(text::ENTER),
            KeyCodeOrd::Esc => named(text::ESC),
            KeyCodeOrd::Tab => "Tab".into(),
            KeyCodeOrd::BackTab => named(text::SHIFT_TAB),
            KeyCodeOrd::Backspace => "⌫".into(),
            KeyCodeOrd::Delete => named(text::DELETE),
            KeyCodeOrd::Insert => named(text::INSERT),
            KeyCodeOrd::Up => "↑".into(),
            KeyCodeOrd::Down => "↓".into(),
            KeyCodeOrd::Left => "←".into(),
            KeyCodeOrd::Right => "→".into(),
            KeyCodeOrd::Home => named(text::HOME),
            KeyCodeOrd::End => named(text::END),
            KeyCodeOrd::PageUp => named(text::PAGE_UP),
            KeyCodeOrd::PageDown => named(text::PAGE_DOWN),
        };
        let mut s = String::new();
        if self.ctrl {
            s.push_str("Ctrl+");
        }
        if self.alt {
            s.push_str("Alt+");
        }
        s.push_str(&base);
        s
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Keymap {
    bindings: BTreeMap<(Context, Key), Action>,
}

impl Keymap {
    /// The built-in default (`keymaps/default.json`, compiled in).
    pub fn default_map() -> Result<Keymap, Vec<Diag>> {
        let mut k = Keymap::default();
        k.merge("keymaps/default.json", DEFAULT)?;
        Ok(k)
    }

    /// Merges one file's bindings over these, all or nothing.
    pub fn merge(&mut self, path: &str, text: &str) -> Result<(), Vec<Diag>> {
        let src = Src { path, text };
        let ast = src.parse().map_err(|d| vec![d])?;
        let mut errors = Vec::new();
        let Ast::Object(root) = &ast else {
            return Err(vec![src.error(
                &ast,
                "un keymap est un objet { \"contexte\": { \"touche\": \"action\" } }",
            )]);
        };
        let mut next = self.bindings.clone();
        for ctx_prop in &root.properties {
            let ctx_name = ctx_prop.name.as_str();
            if ctx_name.starts_with('$') {
                continue; // "$comment" and the like
            }
            let Some(ctx) = Context::from_id(ctx_name) else {
                let known: Vec<&str> = CONTEXTS.iter().map(|c| c.id()).collect();
                errors.push(src.error(
                    &ctx_prop.range,
                    format!(
                        "contexte « {ctx_name} » inconnu ; contextes : {}",
                        known.join(", ")
                    ),
                ));
                continue;
            };
            let Ast::Object(obj) = &ctx_prop.value else {
                errors.push(src.error(
                    &ctx_prop.value,
                    format!("« {ctx_name} » : un objet {{ \"touche\": \"action\" }} est attendu"),
                ));
                continue;
            };
            let mut seen: BTreeMap<Key, &str> = BTreeMap::new();
            for p in &obj.properties {
                let key_name = p.name.as_str();
                let Some(key) = Key::parse(key_name) else {
                    errors.push(src.error(&p.range, format!("« {ctx_name} » : touche « {key_name} » illisible (ex. q, ctrl+c, shift+tab, pagedown, f1)")));
                    continue;
                };
                if let Some(first) = seen.insert(key, key_name) {
                    errors.push(src.error(
                        &p.range,
                        format!("« {ctx_name} » : touche « {key_name} » liée deux fois (déjà liée par « {first} »)"),
                    ));
                    continue;
                }
                match &p.value {
                    Ast::NullKeyword(_) => {
                        next.remove(&(ctx, key));
                    }
                    Ast::StringLit(s) => match Action::from_id(&s.value) {
                        Some(a) => {
                            next.insert((ctx, key), a);
                        }
                        None => errors.push(src.error(
                            &p.value,
                            format!("« {ctx_name} » : action « {} » inconnue pour la touche « {key_name} »", s.value),
                        )),
                    },
                    other => errors.push(src.error(
                        other,
                        format!("« {ctx_name} » : le nom d'une action (ou null) est attendu pour la touche « {key_name} »"),
                    )),
                }
            }
        }
        if errors.is_empty() {
            self.bindings = next;
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// A key that quits from the dossier list in normal mode, where Jury
    /// starts: without one, a keymap would leave no way out but a signal.
    pub fn quit_key(&self) -> Option<Key> {
        const START: [Context; 2] = [Context::List, Context::Global];
        self.bindings
            .keys()
            .filter(|(c, _)| START.contains(c))
            .map(|(_, k)| *k)
            .find(|k| self.resolve(&START, *k) == Some(Action::Quit))
    }

    /// The refusal of a keymap that leaves no way to quit, naming the file
    /// that took it away.
    pub fn no_quit(path: &str) -> Diag {
        Diag {
            path: path.to_string(),
            line: 1,
            column: 1,
            severity: jury_core::json::Severity::Error,
            message: "aucune touche ne quitte Jury depuis la liste des dossiers : ce keymap retire ou masque toutes les touches de l'action « quit » (contextes « global » et « list »). Gardez-en au moins une, par exemple \"q\": \"quit\" dans « global ». Keymap refusé.".to_string(),
        }
    }

    /// The action for a key in the given contexts, searched in order.
    pub fn resolve(&self, contexts: &[Context], key: Key) -> Option<Action> {
        contexts
            .iter()
            .find_map(|c| self.bindings.get(&(*c, key)).copied())
    }

    /// Keys bound to an action in one context: plain keys before chords.
    pub fn keys_for(&self, ctx: Context, action: Action) -> Vec<Key> {
        let mut keys: Vec<Key> = self
            .bindings
            .iter()
            .filter(|((c, _), a)| *c == ctx && **a == action)
            .map(|((_, k), _)| *k)
            .collect();
        keys.sort_by_key(|k| (k.ctrl || k.alt, *k));
        keys
    }

    /// A key bound to the action in the first of the contexts that has one.
    pub fn first_key(&self, contexts: &[Context], action: Action) -> Option<Key> {
        contexts
            .iter()
            .find_map(|c| self.keys_for(*c, action).into_iter().next())
    }

    /// Every (context, action, keys) triple, in help order.
    pub fn entries(&self) -> Vec<(Context, Action, Vec<Key>)> {
        let mut out = Vec::new();
        for ctx in CONTEXTS {
            for action in crate::app::action::ALL {
                let keys = self.keys_for(*ctx, *action);
                if !keys.is_empty() {
                    out.push((*ctx, *action, keys));
                }
            }
        }
        out
    }
}

/// Titles of the contexts, as the help screen heads its sections, and the
/// names of the keys that have one.
mod text {
    use jury_core::fr::Tr;

    pub const GLOBAL: Tr = Tr::new("Partout", "Everywhere");
    pub const LIST: Tr = Tr::new("Liste des dossiers", "Dossier list");
    pub const DOSSIER: Tr = Tr::new("Dossier", "Dossier");
    pub const GRID: Tr = Tr::new("Grille de notation", "Scoring grid");
    pub const COMMITTEE: Tr = Tr::new("Vue comité", "Committee view");
    pub const LETTERS: Tr = Tr::new("Vue courriers", "Letters view");
    pub const ASSIGNMENT: Tr = Tr::new("Attribution des dossiers", "Dossier assignment");
    pub const FORM: Tr = Tr::new("Formulaires", "Forms");
    pub const INPUT: Tr = Tr::new("Saisie de texte", "Text input");
    pub const HELP: Tr = Tr::new("Aide", "Help");
    pub const POPUP: Tr = Tr::new("Fenêtres", "Pop-ups");
    pub const TIMETABLE: Tr = Tr::new("Calendrier des auditions", "Audition timetable");

    // Keys
    pub const SPACE: Tr = Tr::new("Espace", "Space");
    pub const ENTER: Tr = Tr::new("Entrée", "Enter");
    pub const ESC: Tr = Tr::new("Échap", "Esc");
    pub const SHIFT_TAB: Tr = Tr::new("Maj+Tab", "Shift+Tab");
    pub const DELETE: Tr = Tr::new("Suppr", "Del");
    pub const INSERT: Tr = Tr::new("Inser", "Ins");
    pub const HOME: Tr = Tr::new("Début", "Home");
    pub const END: Tr = Tr::new("Fin", "End");
    pub const PAGE_UP: Tr = Tr::new("PgPréc", "PgUp");
    pub const PAGE_DOWN: Tr = Tr::new("PgSuiv", "PgDn");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_key_names() {
        assert_eq!(Key::parse("q").map(|k| k.code), Some(KeyCodeOrd::Char('q')));
        let k = Key::parse("ctrl+c").unwrap();
        assert!(k.ctrl && k.code == KeyCodeOrd::Char('c'));
        assert_eq!(
            Key::parse("shift+tab").map(|k| k.code),
            Some(KeyCodeOrd::BackTab)
        );
        assert_eq!(Key::parse("é").map(|k| k.code), Some(KeyCodeOrd::Char('é')));
        assert_eq!(Key::parse("F5").map(|k| k.code), Some(KeyCodeOrd::F(5)));
        assert_eq!(Key::parse("+").map(|k| k.code), Some(KeyCodeOrd::Char('+')));
        assert_eq!(Key::parse("ctrl+"), None.or(Key::parse("ctrl+")));
        assert_eq!(Key::parse("nosuchkey"), None);
    }

    #[test]
    fn key_labels_speak_the_interfaces_language() {
        use jury_core::fr::Lang;
        let label = |name: &str, lang| Key::parse(name).unwrap().label(lang);
        let fr = [
            ("space", "Espace"),
            ("enter", "Entrée"),
            ("esc", "Échap"),
            ("shift+tab", "Maj+Tab"),
            ("delete", "Suppr"),
            ("insert", "Inser"),
            ("home", "Début"),
            ("end", "Fin"),
            ("pageup", "PgPréc"),
            ("pagedown", "PgSuiv"),
            ("ctrl+z", "Ctrl+z"),
            ("backspace", "⌫"),
            ("f2", "F2"),
        ];
        let en = [
            ("space", "Space"),
            ("enter", "Enter"),
            ("esc", "Esc"),
            ("shift+tab", "Shift+Tab"),
            ("delete", "Del"),
            ("insert", "Ins"),
            ("home", "Home"),
            ("end", "End"),
            ("pageup", "PgUp"),
            ("pagedown", "PgDn"),
            ("ctrl+z", "Ctrl+z"),
            ("backspace", "⌫"),
            ("f2", "F2"),
        ];
        for (name, shown) in fr {
            assert_eq!(label(name, Lang::Fr), shown, "{name}");
        }
        for (name, shown) in en {
            assert_eq!(label(name, Lang::En), shown, "{name}");
        }
    }

    #[test]
    fn user_file_overrides_and_unbinds() {
        let mut k = Keymap::default_map().unwrap();
        let q = Key::parse("q").unwrap();
        assert_eq!(k.resolve(&[Context::Global], q), Some(Action::Quit));
        k.merge("user.json", r#"{ "global": { "q": null, "x": "quit" } }"#)
            .unwrap();
        assert_eq!(k.resolve(&[Context::Global], q), None);
        assert_eq!(
            k.resolve(&[Context::Global], Key::parse("x").unwrap()),
            Some(Action::Quit)
        );
    }

    #[test]
    fn conflicts_unknown_actions_and_bad_keys_name_the_file_and_key() {
        let mut k = Keymap::default_map().unwrap();
        let e = k
            .merge(
                "mine.json",
                "{\n  \"global\": {\n    \"ctrl+c\": \"quit\",\n    \"Ctrl+C\": \"help\"\n  }\n}",
            )
            .unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "mine.json:4:5: « global » : touche « Ctrl+C » liée deux fois (déjà liée par « ctrl+c »)"
        );
        let e = k
            .merge("mine.json", r#"{ "grid": { "z": "fly" } }"#)
            .unwrap_err();
        assert!(e[0].message.contains("action « fly » inconnue"), "{}", e[0]);
        let e = k
            .merge("mine.json", r#"{ "grid": { "hyper+z": "quit" } }"#)
            .unwrap_err();
        assert!(
            e[0].message.contains("touche « hyper+z » illisible"),
            "{}",
            e[0]
        );
        // A failed merge changes nothing.
        assert_eq!(k, Keymap::default_map().unwrap());
    }
}
