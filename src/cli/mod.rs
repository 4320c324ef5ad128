//! The command line: arguments, the subcommands that need no terminal, and
//! `jury bench`.

pub mod args;
pub mod bench;
pub mod commands;
