//! The command line: arguments, the subcommands that need no terminal, and
//! `jury bench`.

pub mod args;
pub mod bench;
pub mod commands;

use std::process::ExitCode;

/// Prints an error (already in the user's language) and exits with `code`.
/// Control characters from outside text (a file name, a library's words)
/// are shown, not sent to the terminal.
pub fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    let message = message.to_string();
    eprintln!("{}", jury_core::fr::visible_lines(message.trim_end()));
    ExitCode::from(code)
}
