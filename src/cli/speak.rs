//! The command line in the user's language. clap writes its help and its
//! errors in English; Jury speaks French by default, so the French help
//! uses our own template, headings and help flags, and clap's errors are
//! rendered here from their kind and context. English (`--lang en`, or a
//! locale `LC_ALL`, `LC_MESSAGES` or `LANG` starting with `en`) keeps
//! clap's own words.

use crate::cli::args::Cli;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};
use jury_core::fr::Lang;
use jury_core::names::{self, Found};
use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

mod text {
    use jury_core::fr::Tr;
    pub const HELP: Tr = Tr::new("Affiche l'aide", "Print help");
    pub const VERSION: Tr = Tr::new("Affiche la version", "Print version");
    pub const HELP_SUBCOMMAND: Tr = Tr::new(
        "Affiche cette aide, ou celle des sous-commandes données",
        "Print this message or the help of the given subcommand(s)",
    );
    pub const HELP_SUBCOMMAND_ARG: Tr = Tr::new(
        "Affiche l'aide de ces sous-commandes",
        "Print help for the subcommand(s)",
    );
    pub const COMMAND: Tr = Tr::new("COMMANDE", "COMMAND");
    pub const DEFAULT: Tr = Tr::new("par défaut", "default");
    pub const POSSIBLE: Tr = Tr::new("valeurs possibles", "possible values");
}

/// The command line's texts in English, by command (its path, "" for
/// `jury` itself) and argument ("" for the command's own description);
/// the French ones are the doc comments of `cli::args`.
const ENGLISH: &[(&str, &str, &str)] = &[
    (
        "",
        "",
        "Jury: review, score and rank the dossiers of a call for applications, offline.",
    ),
    (
        "",
        "call_dir",
        "The call's folder (holding appel.json and dossiers/), or a bundle received from the chair (jury bundle)",
    ),
    ("", "db", "Database (default: in the user's data folder)"),
    (
        "",
        "reviewer",
        "The reviewer's name (asked at start if missing)",
    ),
    ("", "keymap", "Keymap merged over the default one"),
    (
        "",
        "encrypt",
        "When the database is created: encrypt it (passphrase asked twice)",
    ),
    (
        "",
        "passphrase_file",
        "Read the database's passphrase from the first line of this file (scripts; otherwise asked on the terminal, masked)",
    ),
    (
        "",
        "lang",
        "Interface language: fr or en, anywhere on the line (otherwise that of LC_ALL, LC_MESSAGES or LANG if English, French otherwise)",
    ),
    (
        "check",
        "",
        "Check a call folder and print each problem (file:line:column)",
    ),
    ("check", "call_dir", "The call's folder"),
    (
        "new",
        "",
        "Create a call folder by asking the questions one by one (title, issuer, deadline, scale, grid, rules, committee): appel.json, letter templates, empty dossiers/ and pieces/",
    ),
    (
        "new",
        "dir",
        "Folder to create (missing or empty: nothing is replaced)",
    ),
    (
        "import",
        "",
        "Import dossiers from spreadsheets (CSV, XLSX, ODS), Démarches Simplifiées exports (spreadsheet and ZIP of pieces), e-mails (.eml, a folder of .eml, Thunderbird .mbox) and fillable PDF forms, as the \"intake\" section of appel.json says; running it again changes nothing",
    ),
    ("import", "call_dir", "The call's folder"),
    (
        "import",
        "sources",
        "Files to import: .csv, .xlsx, .ods, .zip (Démarches Simplifiées pieces), .eml, .mbox, a folder of .eml, .pdf (form)",
    ),
    (
        "import",
        "appliquer",
        "Also write the dossiers and pieces changed in the source since the previous import (otherwise they are only reported)",
    ),
    (
        "letters",
        "",
        "Produce the decision letters (PDF, ODT, EML) of closed sessions",
    ),
    ("letters", "db", "The call's database"),
    ("letters", "out", "Folder to write the letters to"),
    ("letters", "reference", "One dossier only (its reference)"),
    (
        "letters",
        "date",
        "The date the letters are signed on (7/7/2025, 7 juillet 2025…); today by default, and letters already produced keep theirs",
    ),
    ("letters", "actor", "Who produces the letters (audit log)"),
    (
        "convocations",
        "",
        "Produce the audition invitations (PDF, ODT, EML, .ics invitation) of candidates whose slot is new or changed, and each panel member's calendar (.ics)",
    ),
    ("convocations", "db", "The call's database"),
    (
        "convocations",
        "dossier",
        "One dossier only (its reference)",
    ),
    (
        "convocations",
        "out",
        "Folder to write the invitations to (default: Documents/Jury/<call>)",
    ),
    (
        "convocations",
        "actor",
        "Who produces the invitations (audit log)",
    ),
    (
        "minutes",
        "",
        "Produce the minutes of each session (PDF and ODT)",
    ),
    ("minutes", "session", "One session only (its number)"),
    (
        "export",
        "",
        "Export the results: csv (spreadsheet, ; separated) or json (everything)",
    ),
    ("export", "format", "The export's format"),
    ("export", "out", "Output file (otherwise standard output)"),
    (
        "bundle",
        "",
        "Write a member's bundle (call, dossiers, attachments, their key), signed by the chair",
    ),
    (
        "bundle",
        "member",
        "The member the bundle is for (required: each member has their own bundle and key)",
    ),
    (
        "packet",
        "",
        "Score packets: export on a member's laptop, import at the chair's",
    ),
    (
        "packet export",
        "",
        "Write a member's scores, comments and conflicts of interest to a packet",
    ),
    ("packet export", "db", "The member's database"),
    (
        "packet export",
        "member",
        "The member's name, as in the call",
    ),
    ("packet export", "out", "Packet file to write"),
    (
        "packet import",
        "",
        "Merge a member's packet into the chair's database",
    ),
    ("packet import", "file", "The packet file"),
    ("packet import", "db", "The chair's database"),
    (
        "bench",
        "",
        "Measure response times and memory on a synthetic batch",
    ),
    ("bench", "dossiers", "Number of dossiers in the batch"),
    (
        "bench",
        "all",
        "Measure 1,000, 10,000 and 100,000 dossiers, each size in its own process",
    ),
    (
        "bench",
        "sizes",
        "Sizes to measure, each in its own process (e.g. 1000,10000)",
    ),
    (
        "bench",
        "within",
        "The folder of a run of several sizes, where this one leaves its files: that run removes them once every size is measured",
    ),
    (
        "bench-open",
        "",
        "Open a call, draw its first frame and write « prêt »: the reopening in a fresh process `jury bench` measures",
    ),
    (
        "bench-open",
        "dossiers",
        "Number of dossiers the list must show",
    ),
    (
        "bench-open",
        "work",
        "The bench's working folder (the letters are there)",
    ),
    (
        "encrypt",
        "",
        "Encrypt a plain database (passphrase asked twice)",
    ),
    (
        "passphrase",
        "",
        "Change an encrypted database's passphrase",
    ),
    (
        "passphrase",
        "new_passphrase_file",
        "The new passphrase in the first line of this file (scripts; otherwise asked twice on the terminal)",
    ),
    (
        "restore",
        "",
        "List the database's backups, or restore backup number N",
    ),
    (
        "restore",
        "number",
        "Number of the backup to restore (see the list)",
    ),
    (
        "verify",
        "",
        "Verify the audit log (chaining, signed fingerprint) and that the tables match it",
    ),
    ("verify", "db", "The call's database"),
    (
        "verify",
        "head",
        "Fingerprint written in the signed minutes: the log must lead to it",
    ),
    (
        "anonymise",
        "",
        "Erase personal data for good (names, addresses, free texts); keep the grid, scores, decisions and a verifiable log",
    ),
    (
        "anonymise",
        "oui",
        "Do not ask to type the call's identifier to confirm",
    ),
    (
        "anonymise",
        "forcer",
        "Anonymise before the end of the retention period (retention_months)",
    ),
    ("anonymise", "actor", "Who anonymises (audit log)"),
    (
        "dossier",
        "",
        "Write an applicant's complete file as PDF (GDPR right of access, CADA request)",
    ),
    ("dossier", "reference", "The dossier's reference"),
    ("dossier", "out", "PDF file to write"),
    ("dossier", "actor", "Who extracts the dossier (audit log)"),
];

/// The language asked for: `--lang fr|en` anywhere on the line (before
/// `--`), else the locale, else French.
pub fn lang_of(args: &[OsString], env: impl Fn(&str) -> Option<String>) -> Lang {
    if let Some(lang) = lang_option(args).and_then(|(_, value)| Lang::parse(&value)) {
        return lang;
    }
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(&env)
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    if locale.starts_with("en") {
        Lang::En
    } else {
        Lang::Fr
    }
}

/// Where `--lang` is given (its first argument's index, how many arguments
/// it takes) and its value.
fn lang_option(args: &[OsString]) -> Option<((usize, usize), String)> {
    let args: Vec<&str> = args
        .iter()
        .skip(1)
        .map(|a| a.to_str().unwrap_or_default())
        .take_while(|a| *a != "--")
        .collect();
    args.iter().enumerate().find_map(|(i, a)| {
        if let Some(value) = a.strip_prefix("--lang=") {
            Some(((i + 1, 1), value.to_string()))
        } else if *a == "--lang" {
            args.get(i + 1).map(|v| ((i + 1, 2), v.to_string()))
        } else {
            None
        }
    })
}

/// The arguments without a valid `--lang`, which [`lang_of`] has read: so
/// it may stand before the subcommand as well as after. An invalid value
/// is left for clap to report.
fn without_lang(mut args: Vec<OsString>) -> Vec<OsString> {
    if let Some(((at, n), value)) = lang_option(&args)
        && Lang::parse(&value).is_some()
    {
        args.drain(at..at + n);
    }
    args
}

/// The command as clap describes it, in `lang`.
pub fn command(lang: Lang) -> Command {
    let mut cmd = localise(Cli::command(), "", lang);
    cmd.build();
    help_subcommands(cmd, lang)
}

/// The `help` subcommands clap adds when it builds the command (to `jury`
/// and to `jury packet`), in `lang`.
fn help_subcommands(cmd: Command, lang: Lang) -> Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut cmd = cmd;
    for name in names {
        cmd = cmd.mut_subcommand(&name, |sub| {
            if name != "help" {
                return help_subcommands(sub, lang);
            }
            // `jury help help` lists the commands again: that list too.
            let help = help_subcommands(sub, lang).about(lang.tr(text::HELP_SUBCOMMAND));
            let help = match lang {
                Lang::Fr => french_layout(help),
                Lang::En => help,
            };
            if help.get_arguments().any(|a| a.get_id() == "subcommand") {
                help.mut_arg("subcommand", |a| {
                    a.help(lang.tr(text::HELP_SUBCOMMAND_ARG))
                        .value_name(lang.tr(text::COMMAND))
                })
            } else {
                help
            }
        });
    }
    cmd
}

/// French headings: clap writes `heading:`, French wants a no-break space
/// before the colon.
const COMMANDS: &str = "Commandes\u{a0}";
const OPTIONS: &str = "Options\u{a0}";
const ARGUMENTS: &str = "Arguments\u{a0}";

/// One command (at `path`, its subcommand names) and its subcommands in
/// `lang`: in English, the texts of [`ENGLISH`] and clap's own words; in
/// French, help and version flags with our words, defaults and possible
/// values written by us, French headings.
fn localise(cmd: Command, path: &str, lang: Lang) -> Command {
    let subcommands: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut cmd = cmd;
    for name in subcommands {
        let sub_path = format!("{path} {name}").trim().to_string();
        cmd = cmd.mut_subcommand(name, |sub| localise(sub, &sub_path, lang));
    }
    if lang == Lang::En {
        for (_, id, english) in ENGLISH.iter().filter(|(p, _, _)| *p == path) {
            cmd = if id.is_empty() {
                cmd.about(*english).long_about(None)
            } else {
                cmd.mut_arg(*id, |a| a.help(*english).long_help(None))
            };
        }
        return cmd;
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        cmd = cmd.mut_arg(id, |a| french_arg(a, lang));
    }
    let has_version = cmd.get_version().is_some();
    cmd = french_layout(cmd).disable_help_flag(true).arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help(lang.tr(text::HELP))
            .help_heading(OPTIONS),
    );
    if has_version {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(lang.tr(text::VERSION))
                .help_heading(OPTIONS),
        );
    }
    cmd
}

/// The French help page: « Utilisation : », « Commandes : ».
fn french_layout(cmd: Command) -> Command {
    cmd.help_template(
        "{before-help}{about-with-newline}\nUtilisation\u{a0}: {usage}\n\n{all-args}{after-help}",
    )
    .subcommand_help_heading(COMMANDS)
    .subcommand_value_name("COMMANDE")
}

/// An argument under a French heading, its default value and possible
/// values written in French after its help.
fn french_arg(arg: Arg, lang: Lang) -> Arg {
    let heading = if arg.is_positional() {
        ARGUMENTS
    } else {
        OPTIONS
    };
    let mut help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    let takes_value = arg.get_action().takes_values();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if takes_value && !defaults.is_empty() && !arg.is_hide_default_value_set() {
        help.push_str(&format!(
            " [{}\u{a0}: {}]",
            lang.tr(text::DEFAULT),
            defaults.join(", ")
        ));
    }
    let possible: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if takes_value && !possible.is_empty() && !arg.is_hide_possible_values_set() {
        help.push_str(&format!(
            " [{}\u{a0}: {}]",
            lang.tr(text::POSSIBLE),
            possible.join(", ")
        ));
    }
    let arg = arg.help(help.trim().to_string()).help_heading(heading);
    // clap shows defaults and possible values only of arguments that take
    // a value (and refuses to hide them on others).
    if takes_value {
        arg.hide_default_value(true).hide_possible_values(true)
    } else {
        arg
    }
}

/// The arguments of this run, parsed; or, when they ask for help or are
/// wrong, the help or the error written in `lang` and the exit code (0 for
/// help, 2 for a usage error).
pub fn parse(args: Vec<OsString>, lang: Lang) -> Result<Cli, ExitCode> {
    let mut cmd = command(lang);
    let args_seen = without_lang(args);
    let matches = cmd.try_get_matches_from_mut(args_seen.clone());
    let parsed = matches.and_then(|m| Cli::from_arg_matches(&m));
    match parsed {
        Ok(cli) => match cli
            .call_dir
            .as_deref()
            .filter(|_| cli.command.is_none())
            .and_then(|typed| unknown_subcommand(typed, &cmd, lang))
        {
            Some(message) => {
                eprint!("{message}");
                Err(ExitCode::from(2))
            }
            None => Ok(cli),
        },
        Err(e) => {
            let code = ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
            match e.kind() {
                ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    // Help and version go to stdout (clap's choice per kind).
                    let _ = e.print();
                }
                // `jury chekc samples/x`: the first word is a mistyped
                // command, whatever clap made of the rest.
                _ if let Some(message) = first_word(&args_seen)
                    .and_then(|w| unknown_subcommand(Path::new(&w), &cmd, lang)) =>
                {
                    eprint!("{message}");
                }
                _ if lang == Lang::En => {
                    let _ = e.print();
                }
                _ => eprint!("{}", french_error(&e)),
            }
            Err(code)
        }
    }
}

/// `jury chekc`: a word that is no folder but close to a subcommand's name
/// is a subcommand mistyped, not a call folder; say so rather than look for
/// a folder named that way.
fn unknown_subcommand(typed: &Path, cmd: &Command, lang: Lang) -> Option<String> {
    if typed.exists() || typed.components().count() != 1 {
        return None;
    }
    let typed = typed.to_str()?;
    let subcommands = cmd.get_subcommands().map(Command::get_name);
    let Found::DidYouMean(close) = names::find(typed, subcommands) else {
        return None;
    };
    let usage = usage(cmd.clone().render_usage().to_string(), lang);
    Some(match lang {
        Lang::Fr => format!(
            "erreur : sous-commande inconnue « {typed} »\n\n  astuce : {}\n\n{usage}\n\nPour en savoir plus : « --help ».\n",
            names::did_you_mean(&close, lang)
        ),
        Lang::En => format!(
            "error: unrecognized subcommand '{typed}'\n\n  tip: {}\n\n{usage}\n\nFor more information, try '--help'.\n",
            names::did_you_mean(&close, lang)
        ),
    })
}

/// The first word of the command line that is not an option.
fn first_word(args: &[OsString]) -> Option<String> {
    args.iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .find(|a| !a.starts_with('-'))
}

/// clap's usage, its heading in `lang`.
fn usage(rendered: String, lang: Lang) -> String {
    match lang {
        Lang::Fr => rendered.replacen("Usage:", "Utilisation :", 1),
        Lang::En => rendered,
    }
}

/// clap's error in French: what is wrong, a suggestion when clap has one,
/// the usage and where to find help.
fn french_error(e: &clap::Error) -> String {
    let one = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    let many = |kind| match e.get(kind) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let number = |kind| match e.get(kind) {
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let arg = one(ContextKind::InvalidArg).unwrap_or_default();
    let value = one(ContextKind::InvalidValue).unwrap_or_default();
    let listed = |items: Vec<String>| -> String {
        items.iter().map(|i| format!("\n  {i}")).collect::<String>()
    };
    let values = |name: &str| {
        let valid = many(ContextKind::ValidValue);
        if valid.is_empty() {
            String::new()
        } else {
            format!("\n  [{name} : {}]", valid.join(", "))
        }
    };
    let mut message = match e.kind() {
        ErrorKind::MissingRequiredArgument => format!(
            "ces arguments obligatoires manquent :{}",
            listed(many(ContextKind::InvalidArg))
        ),
        ErrorKind::InvalidValue if value.is_empty() => {
            format!(
                "« {arg} » attend une valeur, aucune n'est donnée{}",
                values("valeurs possibles")
            )
        }
        ErrorKind::InvalidValue => format!(
            "valeur « {value} » invalide pour « {arg} »{}",
            values("valeurs possibles")
        ),
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| format!(" : {s}"))
                .unwrap_or_default();
            format!("valeur « {value} » invalide pour « {arg} »{why}")
        }
        ErrorKind::UnknownArgument => format!("argument inattendu « {arg} »"),
        ErrorKind::InvalidSubcommand => format!(
            "sous-commande inconnue « {} »",
            one(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::ArgumentConflict => {
            let what = match one(ContextKind::InvalidSubcommand) {
                Some(sub) if arg.is_empty() => format!("la sous-commande « {sub} »"),
                _ => format!("l'argument « {arg} »"),
            };
            let prior = many(ContextKind::PriorArg);
            if prior == [arg.clone()] {
                format!("{what} ne peut être donné qu'une fois")
            } else if prior.len() == 1 {
                format!("{what} est incompatible avec « {} »", prior[0])
            } else {
                format!("{what} est incompatible avec :{}", listed(prior))
            }
        }
        ErrorKind::MissingSubcommand => format!(
            "« {} » attend une sous-commande{}",
            one(ContextKind::InvalidSubcommand).unwrap_or_default(),
            match many(ContextKind::ValidSubcommand) {
                v if v.is_empty() => String::new(),
                v => format!("\n  [sous-commandes : {}]", v.join(", ")),
            }
        ),
        ErrorKind::TooManyValues => {
            format!("valeur inattendue « {value} » pour « {arg} » : aucune autre n'est attendue")
        }
        ErrorKind::TooFewValues => format!(
            "« {arg} » attend au moins {} valeur(s), {} donnée(s)",
            number(ContextKind::MinValues),
            number(ContextKind::ActualNumValues)
        ),
        ErrorKind::WrongNumberOfValues => format!(
            "« {arg} » attend {} valeur(s), {} donnée(s)",
            number(ContextKind::ExpectedNumValues),
            number(ContextKind::ActualNumValues)
        ),
        ErrorKind::NoEquals => format!("il faut un signe = pour donner une valeur à « {arg} »"),
        ErrorKind::InvalidUtf8 => "un argument n'est pas du texte UTF-8 valide".to_string(),
        _ => "arguments invalides".to_string(),
    };
    let tips: Vec<String> = [
        (
            ContextKind::SuggestedSubcommand,
            "une sous-commande proche existe",
        ),
        (ContextKind::SuggestedArg, "un argument proche existe"),
        (ContextKind::SuggestedValue, "une valeur proche existe"),
    ]
    .into_iter()
    .flat_map(|(kind, what)| {
        many(kind)
            .into_iter()
            .map(move |s| format!("\n  astuce : {what} : « {s} »"))
    })
    .collect();
    if !tips.is_empty() {
        message.push('\n');
        message.extend(tips);
    }
    if matches!(
        e.get(ContextKind::TrailingArg),
        Some(ContextValue::Bool(true))
    ) {
        message.push_str(&format!(
            "\n\n  astuce : pour donner « {arg} » comme valeur, écrivez « -- {arg} »"
        ));
    }
    // The usage of the command at fault, when clap gives it.
    let rendered = match e.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(u)) => format!("\n\n{}", usage(u.to_string(), Lang::Fr)),
        _ => String::new(),
    };
    format!("erreur : {message}{rendered}\n\nPour en savoir plus : « --help ».\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<OsString> {
        line.split(' ').map(OsString::from).collect()
    }

    #[test]
    fn lang_anywhere_then_the_locale_then_french() {
        let none = |_: &str| None;
        assert_eq!(lang_of(&args("jury --lang en check x"), none), Lang::En);
        assert_eq!(lang_of(&args("jury check x --lang=en"), none), Lang::En);
        assert_eq!(lang_of(&args("jury check x"), none), Lang::Fr);
        let english = |k: &str| (k == "LANG").then(|| "en_GB.UTF-8".to_string());
        assert_eq!(lang_of(&args("jury check x"), english), Lang::En);
        assert_eq!(lang_of(&args("jury --lang fr check x"), english), Lang::Fr);
        // LC_ALL wins over LANG.
        let all = |k: &str| match k {
            "LC_ALL" => Some("fr_FR.UTF-8".to_string()),
            "LANG" => Some("en_US.UTF-8".to_string()),
            _ => None,
        };
        assert_eq!(lang_of(&args("jury"), all), Lang::Fr);
        // After `--`, a word is a value, not the option.
        assert_eq!(lang_of(&args("jury -- --lang en"), none), Lang::Fr);
    }

    /// Every text of the command line has its English words, and only
    /// texts that exist have some (a renamed argument would panic in
    /// `mut_arg`, a removed one leave a stale line).
    #[test]
    fn every_text_is_in_english() {
        fn walk(c: &Command, path: &str, missing: &mut Vec<String>) {
            let has = |id: &str| ENGLISH.iter().any(|(p, i, _)| *p == path && *i == id);
            if c.get_about().is_some() && !has("") {
                missing.push(format!("{path}: about"));
            }
            for a in c.get_arguments().filter(|a| a.get_help().is_some()) {
                if !has(a.get_id().as_str()) {
                    missing.push(format!("{path}: {}", a.get_id()));
                }
            }
            for s in c.get_subcommands() {
                walk(s, format!("{path} {}", s.get_name()).trim(), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "", &mut missing);
        assert_eq!(missing, Vec::<String>::new());
        let english = command(Lang::En);
        let mut texts = Vec::new();
        fn collect(c: &Command, texts: &mut Vec<String>) {
            texts.extend(c.get_about().map(ToString::to_string));
            texts.extend(
                c.get_arguments()
                    .filter_map(|a| a.get_help().map(ToString::to_string)),
            );
            for s in c.get_subcommands() {
                collect(s, texts);
            }
        }
        collect(&english, &mut texts);
        for (path, id, text) in ENGLISH {
            assert!(texts.iter().any(|t| t == text), "{path} {id}: not used");
        }
    }

    #[test]
    fn a_valid_lang_is_taken_out_an_invalid_one_left_to_clap() {
        assert_eq!(
            without_lang(args("jury --lang en check x")),
            args("jury check x")
        );
        assert_eq!(
            without_lang(args("jury check --lang=fr x")),
            args("jury check x")
        );
        assert_eq!(
            without_lang(args("jury --lang de check x")),
            args("jury --lang de check x")
        );
    }
}
