//! What the user can do and what the screen shows: actions, keymaps, the
//! state, and `update`, the one place the state changes.

pub mod action;
pub mod form;
pub mod history;
pub mod keymap;
pub mod state;
pub mod update;
