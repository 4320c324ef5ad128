//! The user's files: call folders read and checked, bundles, exports,
//! letters and minutes produced and their renderers, atomic writes.

pub mod access;
pub mod bundle;
pub mod convene;
pub mod export;
pub mod files;
pub mod find;
pub mod import;
pub mod intake;
pub mod packet_file;
pub mod produce;
pub mod render;
pub mod seal;
pub mod unpacked;
