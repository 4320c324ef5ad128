//! Helpers shared by the test modules.

pub mod eml;
pub mod folders;
#[path = "ui.rs"]
pub mod harness;
pub mod intake;
pub mod office;
pub mod pdf;
pub mod pty;
pub mod session;
