//! The command line: arguments, the subcommands that need no terminal, and
//! `jury bench`.

pub mod args;
pub mod bench;
pub mod commands;

use std::process::ExitCode;

/// Prints an error (already in the user's language) and exits with `code`.
pub fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    let message = message.to_string();
    eprintln!("{}", message.trim_end());
    ExitCode::from(code)
}
