use jury::app::update::Outcome;
use jury::cli::args::Command;
use jury::cli::fail;
use jury::io::produce;
use jury::store::Store;
use jury::tui::{App, Options};
use jury_core::fr::{Lang, visible, visible_lines};
use jury_core::json::Severity;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// mimalloc, with Jury's policies: see `jury::alloc`. The library's tests
/// keep the system's allocator; the end-to-end tests run this binary.
#[global_allocator]
static GLOBAL: jury::alloc::Allocator = jury::alloc::Allocator;

fn main() -> ExitCode {
    jury::alloc::start();
    // SAFETY: called first, before any thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE. A reader that stops early (`| head`) then
    // ends Jury silently instead of making println! panic.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = jury::cli::speak::lang_of(&args, |name| std::env::var(name).ok());
    let cli = match jury::cli::speak::parse(args, lang) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    jury::cli::set_secret(jury::tui::secret::Source {
        known: None,
        file: cli.passphrase_file.clone(),
        encrypt: cli.encrypt,
    });
    match cli.command {
        Some(Command::Check { call_dir }) => check(&call_dir),
        Some(Command::New { dir }) => jury::cli::new::run(&dir, lang),
        Some(Command::Import {
            call_dir,
            sources,
            appliquer,
        }) => import(&call_dir, &sources, appliquer),
        Some(Command::Verify { db, head }) => verify(&db, head.as_deref(), lang),
        Some(Command::Bench { all: true, .. }) => {
            jury::cli::bench::run_sizes(&[1_000, 10_000, 100_000], lang)
        }
        Some(Command::Bench { sizes, .. }) if !sizes.is_empty() => {
            jury::cli::bench::run_sizes(&sizes, lang)
        }
        Some(Command::Bench {
            dossiers, within, ..
        }) => match jury::cli::bench::run(dossiers, within.as_deref(), lang) {
            Ok(table) => {
                print!("{table}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{}", visible_lines(&e.message(lang)));
                ExitCode::from(1)
            }
        },
        Some(Command::BenchOpen {
            call,
            db,
            dossiers,
            work,
        }) => jury::cli::bench::open_once(call, db, dossiers, work, lang),
        Some(Command::Bundle { db, out, member }) => {
            jury::cli::commands::bundle(&db, &out, member.as_deref(), lang)
        }
        Some(Command::Packet { cmd }) => jury::cli::commands::packet(cmd, lang),
        Some(Command::Letters {
            db,
            out,
            reference,
            date,
            actor,
        }) => letters(&db, &out, reference.as_deref(), date, &actor, lang),
        Some(Command::Convocations {
            db,
            dossier,
            out,
            actor,
        }) => convocations(&db, dossier.as_deref(), out, &actor, lang),
        Some(Command::Minutes { db, out, session }) => minutes(&db, &out, session, lang),
        Some(Command::Export { format, db, out }) => export(&format, &db, out.as_deref(), lang),
        Some(Command::Anonymise {
            db,
            oui,
            forcer,
            actor,
        }) => jury::cli::rights::anonymise(&db, oui, forcer, &actor, lang),
        Some(Command::Dossier {
            reference,
            db,
            out,
            actor,
        }) => jury::cli::rights::dossier(&reference, &db, &out, &actor, lang),
        Some(Command::Encrypt { db }) => jury::cli::crypt::encrypt(&db, lang),
        Some(Command::Passphrase {
            db,
            new_passphrase_file,
        }) => jury::cli::crypt::passphrase(&db, new_passphrase_file, lang),
        Some(Command::Restore { db, number }) => jury::cli::crypt::restore(&db, number, lang),
        None => match cli.call_dir {
            Some(path) => {
                let mut secret = jury::cli::secret();
                // A sealed bundle's call lives in memory while Jury runs: the
                // folder is removed when this goes, after the TUI.
                let mut _in_memory = None;
                // A bundle from the chair is unpacked once, then opened as a call folder.
                let (call_dir, installed) = if !jury::cli::commands::is_bundle(&path) {
                    (path, None)
                } else {
                    let installed = if jury::cli::commands::is_sealed_bundle(&path) {
                        jury::cli::commands::import_sealed(&path, cli.db.as_deref(), lang).map(
                            |sealed| {
                                if !sealed.in_memory {
                                    eprintln!(
                                        "{}",
                                        visible_lines(&lang.located_t(
                                            sealed.folder.path().display(),
                                            "pas de dossier en mémoire sur ce système : les dossiers du lot y restent sur le disque le temps de la séance, et sont effacés à la fermeture de Jury.",
                                            "no in-memory folder on this system: the bundle's dossiers stay there on disk while Jury runs, and are removed when it closes.",
                                        ))
                                    );
                                }
                                secret.known = Some(sealed.password.clone());
                                let installed = sealed.installed.clone();
                                _in_memory = Some(sealed.folder);
                                installed
                            },
                        )
                    } else {
                        jury::cli::commands::import_bundle(&path).map_err(Into::into)
                    };
                    match installed {
                        Ok(installed) => {
                            // On stderr (stdout is the TUI's), to read again once
                            // Jury is closed; the status line shows the key too.
                            eprintln!("{}", visible_lines(&installed.to_string()));
                            let shown = Outcome::BundleInstalled {
                                member: installed.member.clone(),
                                chair_key: installed.chair_fingerprint.clone(),
                                first: installed.pinned_now,
                            };
                            (installed.dir, Some(shown))
                        }
                        Err(e) => {
                            eprintln!("{}", visible_lines(&e.message(lang)));
                            return ExitCode::from(2);
                        }
                    }
                };
                let code = tui(
                    Options {
                        call_dir,
                        db: cli.db,
                        reviewer: cli.reviewer.filter(|r| !r.trim().is_empty()),
                        keymap: cli.keymap,
                        lang,
                        color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
                        letters_dir: None,
                    },
                    &secret,
                    installed,
                );
                drop(_in_memory);
                jury::tui::end_process(code)
            }
            None => {
                eprintln!(
                    "{}",
                    lang.t(
                        "jury : indiquez le dossier de l'appel, par exemple : jury samples/caf06-pdnp-2025 (jury --help pour l'aide)",
                        "jury: give the call's folder, for example: jury samples/caf06-pdnp-2025 (jury --help for help)",
                    )
                );
                ExitCode::from(2)
            }
        },
    }
}

/// `jury import`: the call must be readable (its `intake` says how to read
/// the sources); each row's problem is printed with its position, the
/// summary last; exit 1 if anything was wrong. With `apply`, changes found
/// in the sources are written too.
fn import(dir: &Path, sources: &[std::path::PathBuf], apply: bool) -> ExitCode {
    let folder = match jury::io::import::read_folder(dir) {
        Ok(f) => f,
        Err(diags) => {
            for d in &diags {
                eprintln!("{d}");
            }
            return fail(1, "appel.json est inutilisable : rien n'a été importé.");
        }
    };
    let intake = folder.call.intake.clone().unwrap_or_default();
    let options = jury::io::intake::Options {
        intake: &intake,
        deadline: folder.call.deadline,
        apply,
    };
    let report = jury::io::intake::run(dir, &options, sources);
    for line in &report.lines {
        println!("{}", visible(line));
    }
    println!("{}", report.summary());
    if report.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn check(dir: &std::path::Path) -> ExitCode {
    match jury::io::import::read_folder(dir) {
        Err(diags) => {
            for d in &diags {
                println!("{d}");
            }
            println!("{} erreur(s) : appel.json est inutilisable.", diags.len());
            ExitCode::from(1)
        }
        Ok(folder) => {
            let mut incomplete = folder.incomplete();
            incomplete.extend(folder.unknown_lots());
            for d in folder.diags.iter().chain(&incomplete) {
                println!("{d}");
            }
            let errors = folder.errors();
            let warnings = folder.diags.len() - errors + incomplete.len();
            println!(
                "{} : {} critère(s), {} règle(s), {} dossier(s) valide(s), {} erreur(s), {} avertissement(s).",
                visible(&folder.call.id),
                folder.call.criteria.len(),
                folder.call.eligibility.len(),
                folder.dossiers.len(),
                errors,
                warnings
            );
            // Each lot and its candidatures: a lot with one at most may be
            // declared unsuccessful (seed 002).
            for lot in &folder.call.lots {
                let call = folder.call.lot_call(&lot.id);
                let n = folder
                    .dossiers
                    .iter()
                    .filter(|(d, _)| folder.call.answer(&d.value()).lots.contains(&lot.id))
                    .count();
                println!(
                    "Lot {} « {} » : date limite du {}, {n} candidature(s){}.",
                    visible(&lot.id),
                    visible(&lot.label),
                    Lang::Fr.date(call.deadline),
                    call.capacity
                        .map(|c| format!(", {c} place(s)"))
                        .unwrap_or_default()
                );
            }
            // What the audition stage offers: a window too small for the
            // shortlist is better seen now than when scheduling.
            if let Some(a) = &folder.call.audition {
                let slots = a.slots().len();
                println!(
                    "Auditions : {} jour(s), {slots} créneau(x) de {} min, {}{}.",
                    a.days.len(),
                    a.slot_minutes,
                    match a.criteria.len() {
                        0 => "sans notes (le classement des dossiers décide)".to_string(),
                        n => format!("{n} critère(s) d'audition"),
                    },
                    match a.shortlist {
                        Some(n) if n as usize > slots => format!(
                            " ; attention : {n} convoqué·e·s prévu·e·s pour {slots} créneau(x)"
                        ),
                        Some(n) => format!(", {n} convoqué·e·s au plus"),
                        None => String::new(),
                    }
                );
            }
            if folder.diags.iter().any(|d| d.severity == Severity::Error) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}

fn verify(db: &std::path::Path, head: Option<&str>, lang: Lang) -> ExitCode {
    use jury::store::record::Signed;
    let key = match jury::cli::secret().for_open(db, lang) {
        Ok(k) => k,
        Err(e) => return fail(2, e.message(lang)),
    };
    let r = match jury::store::audit::verify_record_keyed(db, head, key.as_ref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}", visible_lines(&e.message(lang)));
            return ExitCode::from(2);
        }
    };
    let v = &r.chain;
    match &v.first_break {
        None if r.is_intact() => println!(
            "{} {} {}",
            lang.t("Journal d'audit intact :", "Audit log intact:"),
            v.events,
            lang.t("événement(s).", "event(s).")
        ),
        // The chain holds, but the record does not match it (said below).
        None => println!(
            "{} {} {}",
            lang.t("Chaînage du journal intact :", "The log's chain holds:"),
            v.events,
            lang.t(
                "événement(s), mais le registre ne lui correspond pas.",
                "event(s), but the record does not match it."
            )
        ),
        Some(b) => println!(
            "{} {b}.",
            lang.t("Journal d'audit ALTÉRÉ :", "Audit log ALTERED:")
        ),
    }
    match &r.signed {
        None => {}
        Some(Signed::AtHead) => println!(
            "{}",
            lang.t(
                "Le journal mène à l'empreinte signée ; rien n'a été enregistré depuis.",
                "The log leads to the signed fingerprint; nothing was recorded since."
            )
        ),
        Some(Signed::Followed { at, since }) => println!(
            "{}",
            match lang {
                Lang::Fr => format!(
                    "Le journal passe par l'empreinte signée (événement n° {at}) ; {since} événement(s) enregistré(s) depuis."
                ),
                Lang::En => format!(
                    "The log passes through the signed fingerprint (event no. {at}); {since} event(s) recorded since."
                ),
            }
        ),
        Some(Signed::Missing) => println!(
            "{}",
            lang.t(
                "Le journal ne mène PAS à l'empreinte signée : il a été tronqué ou réécrit.",
                "The log does NOT lead to the signed fingerprint: it was truncated or rewritten."
            )
        ),
    }
    if let Some(b) = &r.private {
        println!("{} {b}.", lang.t("Registre ALTÉRÉ :", "Record ALTERED:"));
    }
    for line in &r.integrity {
        println!(
            "{} {line}",
            lang.t("Fichier endommagé (SQLite) :", "Damaged file (SQLite):")
        );
    }
    if !r.differences.is_empty() {
        println!(
            "{} {}",
            r.differences.len(),
            lang.t(
                "différence(s) entre les tables et le journal :",
                "difference(s) between the tables and the log:"
            )
        );
        for d in &r.differences {
            println!("  – {}", visible(&d.to_string()));
        }
    }
    if r.is_intact() {
        if let Some(h) = &v.head {
            println!(
                "{} {h}",
                lang.t(
                    "Empreinte finale (à reporter au procès-verbal) :",
                    "Final fingerprint (to copy into the minutes):"
                )
            );
        }
        ExitCode::SUCCESS
    } else {
        println!(
            "{} {}",
            v.events,
            lang.t(
                "événement(s) lus. Conservez ce fichier tel quel et prévenez la présidence du comité.",
                "event(s) read. Keep this file as it is and tell the committee's chair."
            )
        );
        ExitCode::from(1)
    }
}

/// Opens a database for a command, with the TUI's messages on failure;
/// these commands (letters, minutes, export) run beside an open app.
fn open_store(db: &Path, lang: Lang) -> Result<Store, ExitCode> {
    jury::cli::must_exist(db, lang)?;
    let store = jury::cli::open_store_beside(db, lang).map_err(|e| fail(2, e.message(lang)))?;
    jury::cli::warn_retention(&store, lang);
    Ok(store)
}

/// Convocations to the audition and the panel's calendars: what was
/// written, one file a line, then « 8 convocations, 2 rectificatives, 3
/// agendas de jury ».
fn convocations(
    db: &Path,
    dossier: Option<&str>,
    out: Option<std::path::PathBuf>,
    actor: &str,
    lang: Lang,
) -> ExitCode {
    let mut store = match open_store(db, lang) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let out = match out {
        Some(out) => out,
        None => match store.stored_call() {
            Ok(Some(call)) => jury::tui::letters_dir(call["id"].as_str().unwrap_or("appel")),
            Ok(None) => return fail(2, produce::ProduceError::NoCall.message(lang)),
            Err(e) => return fail(2, e.message(lang)),
        },
    };
    match jury::io::convene::produce(&mut store, &out, dossier, lang, actor, chrono::Utc::now()) {
        Ok(report) => {
            for path in &report.written {
                println!("{}", path.display());
            }
            println!("{}", report.summary(lang));
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("{}", visible_lines(&e.message(lang)));
            }
            fail(
                1,
                lang.t("Aucune convocation produite.", "No invitation produced."),
            )
        }
    }
}

fn letters(
    db: &Path,
    out: &Path,
    reference: Option<&str>,
    date: Option<chrono::NaiveDate>,
    actor: &str,
    lang: Lang,
) -> ExitCode {
    let mut store = match open_store(db, lang) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let parts = match produce::load_parts(&store) {
        Ok(s) => s,
        // An altered record is what the data says, like a bad template.
        Err(e @ produce::ProduceError::RecordAltered { .. }) => return fail(1, e.message(lang)),
        Err(e) => return fail(2, e.message(lang)),
    };
    // Every template is checked for every letter before any file is written.
    // A date given redates every letter produced; none: today for new
    // letters, their own for those produced before.
    let signing = produce::Signing {
        on: date.unwrap_or_else(jury::tui::today),
        redate: date.is_some(),
    };
    let prepared = match produce::prepare_parts(&parts, reference, signing) {
        Ok(p) => p,
        Err(errors) => {
            for e in errors {
                eprintln!("{}", visible_lines(&e.message(lang)));
            }
            return fail(
                1,
                lang.t(
                    "Aucun courrier produit : corrigez les modèles ci-dessus.",
                    "No letter produced: fix the templates above.",
                ),
            );
        }
    };
    // Said whether or not other letters go: those held back and why.
    for (session, standing) in parts.iter().flat_map(produce::awaiting_validation) {
        use jury_core::institutions::Standing;
        let line = match (standing, lang) {
            (Standing::Pending(names), Lang::Fr) => format!(
                "Séance n° {session} : courriers en attente de la validation de {}.",
                names.join(", ")
            ),
            (Standing::Pending(names), Lang::En) => format!(
                "Session no. {session}: letters await the validation of {}.",
                names.join(", ")
            ),
            (Standing::Refused(r), Lang::Fr) => format!(
                "Séance n° {session} : décisions non validées par {} ; aucun courrier.",
                r.iter()
                    .map(|(n, why)| format!("{n} ({why})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (Standing::Refused(r), Lang::En) => format!(
                "Session no. {session}: decisions not validated by {}; no letter.",
                r.iter()
                    .map(|(n, why)| format!("{n} ({why})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (Standing::Final, _) => continue,
        };
        eprintln!("{}", visible_lines(&line));
    }
    if prepared.is_empty() {
        return fail(
            1,
            lang.t(
                "Aucune décision définitive : les courriers suivent la clôture d'une séance.",
                "No final decision: letters follow the closing of a session.",
            ),
        );
    }
    let terminal = std::io::stderr().is_terminal();
    let bar = indicatif::ProgressBar::new(prepared.len() as u64);
    if terminal {
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut failed = 0;
    let total = prepared.len();
    if let Some(p) = prepared.first() {
        bar.set_message(p.reference.clone());
    }
    let mut writer = produce::Writer::new(prepared, out);
    while let Some(batch) = writer.next(&mut store, actor) {
        let outcomes = match batch.outcomes {
            Ok(outcomes) => outcomes,
            // Nothing of the batch recorded: every letter of it failed.
            Err(e) => {
                failed += batch.letters.len();
                bar.suspend(|| eprintln!("{}", visible_lines(&e.message(lang))));
                bar.inc(batch.letters.len() as u64);
                continue;
            }
        };
        for (p, outcome) in batch.letters.iter().zip(outcomes) {
            match outcome {
                Ok(path) => {
                    if !terminal {
                        println!("{} {}", visible(&p.reference), path.display());
                    }
                }
                Err(e) => {
                    failed += 1;
                    bar.suspend(|| {
                        eprintln!(
                            "{}",
                            visible_lines(&lang.located(&p.reference, e.message(lang)))
                        )
                    });
                }
            }
            bar.inc(1);
        }
        if let Some(p) = batch.letters.last() {
            bar.set_message(p.reference.clone());
        }
    }
    bar.finish_and_clear();
    println!(
        "{} courrier(s) produit(s) en PDF, ODT et EML dans {}{}.",
        total - failed,
        out.display(),
        if failed > 0 {
            format!(", {failed} en échec")
        } else {
            String::new()
        }
    );
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn minutes(db: &Path, out: &Path, session: Option<i64>, lang: Lang) -> ExitCode {
    let store = match open_store(db, lang) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let result = produce::load_parts(&store)
        .and_then(|parts| produce::write_minutes_parts(&store, &parts, out, session));
    match result {
        Ok(files) => {
            for f in files {
                println!("{}", f.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(1, e.message(lang)),
    }
}

fn export(format: &str, db: &Path, out: Option<&Path>, lang: Lang) -> ExitCode {
    let store = match open_store(db, lang) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let parts = match produce::load_parts(&store) {
        Ok(parts) => parts,
        Err(e) => return fail(1, e.message(lang)),
    };
    let bytes = match format {
        "csv" => jury::io::export::csv(&parts),
        // The whole call's record, and each lot's ranks and decisions.
        _ => match produce::load(&store) {
            Ok(whole) => jury::io::export::json(&store, &whole, &parts),
            Err(e) => return fail(1, e.message(lang)),
        },
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => return fail(1, e.message(lang)),
    };
    // An encrypted call's export is sealed with its passphrase (`.age`).
    let key = store.passphrase();
    let written = match out {
        Some(path) => jury::io::seal::write_derived(path, &bytes, key)
            .map(|written| {
                if written != path {
                    println!("{}", written.display());
                }
            })
            .map_err(|e| e.message(lang)),
        // The command line lacks what it needs: nothing done (2).
        None if key.is_some() => {
            return fail(
                2,
                lang.t(
                    "Base chiffrée : l'export est chiffré lui aussi ; indiquez le fichier à écrire avec --out FICHIER. Rien n'a été écrit.",
                    "Encrypted database: the export is encrypted too; give the file to write with --out FILE. Nothing was written.",
                ),
            );
        }
        None => std::io::stdout()
            .write_all(&bytes)
            .map_err(|e| lang.io_error(&e)),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(1, message),
    }
}

/// Runs the TUI; `installed` tells the screen about the bundle just
/// installed. The exit code, for [`jury::tui::end_process`].
fn tui(opts: Options, secret: &jury::tui::secret::Source, installed: Option<Outcome>) -> i32 {
    let lang = opts.lang;
    let mut app = match App::open_with(opts, secret) {
        Ok(a) => a,
        Err(e) => {
            // The call's diagnostics end with a line break, other errors do not.
            let message = e.message(lang);
            eprint!("{}", visible_lines(&message));
            if !message.ends_with('\n') {
                eprintln!();
            }
            // As the README's table says: a database held by someone else
            // or bound to another call is « done, and refused » (1); the
            // rest is an input that cannot be used (2).
            return match e {
                jury::tui::StartError::Store(
                    jury::store::StoreError::Locked(..) | jury::store::StoreError::OtherCall { .. },
                ) => 1,
                _ => 2,
            };
        }
    };
    if let Some(shown) = installed {
        app.send(shown);
    }
    match jury::tui::run(&mut app) {
        Ok(None) => 0,
        // Ended by a signal, the terminal restored: the shell's convention.
        Ok(Some(sig)) => 128 + sig,
        Err(e) => {
            // Not eprintln!, which panics when the terminal is gone.
            let _ = writeln!(
                std::io::stderr(),
                "jury : erreur du terminal : {e}. Vos notes déjà affichées sont enregistrées."
            );
            1
        }
    }
}
