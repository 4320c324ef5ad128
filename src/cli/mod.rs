//! The command line: arguments, the subcommands that need no terminal, and
//! `jury bench`.

pub mod args;
pub mod bench;
pub mod commands;
pub mod rights;

use std::process::ExitCode;

/// Prints an error (already in the user's language) and exits with `code`.
/// Control characters from outside text (a file name, a library's words)
/// are shown, not sent to the terminal.
pub fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    let message = message.to_string();
    eprintln!("{}", jury_core::fr::visible_lines(message.trim_end()));
    ExitCode::from(code)
}

/// Past the call's retention period, every command on its database says so
/// on stderr (its output stays clean for pipes).
pub fn warn_retention(store: &crate::store::Store, lang: jury_core::fr::Lang) {
    let call = store
        .stored_call()
        .ok()
        .flatten()
        .and_then(|v| jury_core::call::Call::from_value(&v).ok());
    if let Some(notice) =
        call.and_then(|c| c.retention_notice(chrono::Local::now().date_naive(), lang))
    {
        eprintln!("{}", jury_core::fr::visible_lines(&notice));
    }
}
