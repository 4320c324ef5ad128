//! Jury: examine a batch of candidature dossiers against a weighted grid.
//!
//! The core (call, dossier, grid, eligibility, search, keymap, update) knows
//! nothing of the terminal or of SQL; `store` persists, `ui` draws, `tui` runs
//! the event loop and executes the effects `update` asks for.

pub mod action;
pub mod aggregate;
pub mod audit;
pub mod bench;
pub mod bundle;
pub mod call;
pub mod cli;
pub mod commands;
pub mod committee;
pub mod compose;
pub mod decision;
pub mod dossier;
pub mod eligibility;
pub mod export;
pub mod form;
pub mod fr;
pub mod grid;
pub mod import;
pub mod json;
pub mod keymap;
pub mod letters;
pub mod packet;
pub mod produce;
pub mod ranking;
pub mod search;
pub mod state;
pub mod store;
pub mod templates;
pub mod tui;
pub mod ui;
pub mod update;
