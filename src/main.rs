use clap::Parser;
use jury::cli::{Cli, Command};
use jury::fr::Lang;
use jury::json::Severity;
use jury::tui::{App, Options};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let lang = Lang::parse(&cli.lang).unwrap_or_default();
    match cli.command {
        Some(Command::Check { call_dir }) => check(&call_dir),
        Some(Command::Verify { db }) => verify(&db),
        None => match cli.call_dir {
            Some(call_dir) => tui(Options {
                call_dir,
                db: cli.db,
                reviewer: cli.reviewer.filter(|r| !r.trim().is_empty()),
                keymap: cli.keymap,
                lang,
                color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            }),
            None => {
                eprintln!(
                    "jury : indiquez le dossier de l'appel, par exemple : jury samples/caf06-pdnp-2025 (jury --help pour l'aide)"
                );
                ExitCode::from(2)
            }
        },
    }
}

fn check(dir: &std::path::Path) -> ExitCode {
    match jury::import::read_folder(dir) {
        Err(diags) => {
            for d in &diags {
                println!("{d}");
            }
            println!("{} erreur(s) : appel.json est inutilisable.", diags.len());
            ExitCode::from(1)
        }
        Ok(folder) => {
            for d in &folder.diags {
                println!("{d}");
            }
            let errors = folder.errors();
            let warnings = folder.diags.len() - errors;
            println!(
                "{} : {} critère(s), {} règle(s), {} dossier(s) valide(s), {} erreur(s), {} avertissement(s).",
                folder.call.id,
                folder.call.criteria.len(),
                folder.call.eligibility.len(),
                folder.dossiers.len(),
                errors,
                warnings
            );
            if folder.diags.iter().any(|d| d.severity == Severity::Error) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}

fn verify(db: &std::path::Path) -> ExitCode {
    match jury::audit::verify_file(db) {
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
        Ok(v) => match &v.first_break {
            None => {
                println!("Journal d'audit intact : {} événement(s).", v.events);
                if let Some(h) = &v.head {
                    println!("Empreinte finale (à reporter au procès-verbal) : {h}");
                }
                ExitCode::SUCCESS
            }
            Some(b) => {
                println!("Journal d'audit ALTÉRÉ : {b}.");
                println!(
                    "{} événement(s) lus. Conservez ce fichier tel quel et prévenez la présidence du comité.",
                    v.events
                );
                ExitCode::from(1)
            }
        },
    }
}

fn tui(opts: Options) -> ExitCode {
    let mut app = match App::open(opts) {
        Ok(a) => a,
        Err(e) => {
            eprint!("{e}");
            if !e.to_string().ends_with('\n') {
                eprintln!();
            }
            return ExitCode::from(2);
        }
    };
    match jury::tui::run(&mut app) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "jury : erreur du terminal : {e}. Vos notes déjà affichées sont enregistrées."
            );
            ExitCode::from(1)
        }
    }
}
