//! Every integration test in one binary: each file below linked the whole
//! app on its own (45 binaries of some 127 MB, 6 GB of target folder, and
//! a CI run killed by its linker when the disk filled). One crate links
//! once; the tests still run two at a time, as before.

mod anonymise;
mod assignment;
mod audit;
mod bench;
mod cli;
mod cli_fr;
mod committee;
mod common;
mod convocations;
mod coverage;
mod crypt;
mod docs;
mod e2e;
mod eligibility;
mod envelope;
mod exchanges;
mod facts;
mod flow;
mod hostile;
mod import;
mod incremental;
mod institutions;
mod intake;
mod intake_mail;
mod keymaps;
mod layers;
mod letters;
mod letters_render;
mod lots;
mod lots_sample;
mod members;
mod new;
mod odt;
mod packets;
mod pdfa;
mod record;
mod sealed;
mod stages;
mod store;
mod timetable;
mod ui;
mod versions;
mod withdrawals;
