//! Jury, the application around the pure domain crate `jury_core`:
//!
//! - `app`: actions, keymap, state and the one reducer, `update`;
//! - `tui`: the runtime that turns key presses into actions, carries out the
//!   effects `update` returns and feeds their outcomes back as actions;
//! - `ui`: one file per screen, drawing from the state and nothing else;
//! - `store`: the SQLite database, one file per table family, audit reads;
//! - `io`: the user's files: call folders, bundles, exports, letters;
//! - `cli`: the command line;
//! - `alloc`: the executable's allocator.

pub mod alloc;
pub mod app;
pub mod cli;
pub mod io;
pub mod store;
pub mod tui;
pub mod ui;
