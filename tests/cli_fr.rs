//! The command line in French by default, in English on demand: help,
//! clap's errors, a mistyped command, through the real binary.

use std::process::{Command, Output};

/// The binary with a neutral locale: what it says depends on the test's
/// `--lang` and variables only, not on the machine running the tests.
fn jury() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jury"));
    c.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    c
}

fn run(c: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = c.output().expect("run jury");
    (
        status.code().expect("exit code"),
        String::from_utf8_lossy(&stdout).replace('\u{a0}', " "),
        String::from_utf8_lossy(&stderr).replace('\u{a0}', " "),
    )
}

/// None of clap's English words.
fn no_english(text: &str) {
    for english in [
        "error:",
        "Usage:",
        "Print help",
        "Print version",
        "[default:",
        "[possible values:",
        "For more information",
        "Commands:",
        "required arguments were not provided",
        "tip:",
        "Print this message",
    ] {
        assert!(!text.contains(english), "« {english} » in:\n{text}");
    }
}

#[test]
fn the_help_is_in_french() {
    let (code, out, err) = run(jury().arg("--help"));
    assert_eq!(code, 0, "{err}");
    for french in [
        "Utilisation : jury [OPTIONS] [APPEL]",
        "jury <COMMANDE>",
        "Commandes :",
        "Arguments :",
        "Options :",
        "-h, --help",
        "Affiche l'aide",
        "Affiche la version",
        "check         Vérifie un dossier d'appel",
        "help          Affiche cette aide",
        "[valeurs possibles : fr, en]",
    ] {
        assert!(out.contains(french), "« {french} » missing:\n{out}");
    }
    no_english(&out);
    // Each command's help, and its defaults and possible values.
    let (code, out, _) = run(jury().args(["bench", "--help"]));
    assert_eq!(code, 0);
    assert!(out.contains("Utilisation : jury bench [OPTIONS]"), "{out}");
    assert!(
        out.contains("Nombre de dossiers du lot [par défaut : 1000]"),
        "{out}"
    );
    no_english(&out);
    let (_, out, _) = run(jury().args(["export", "-h"]));
    assert!(out.contains("[valeurs possibles : csv, json]"), "{out}");
    no_english(&out);
    let (code, out, _) = run(jury().args(["help", "letters"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("Utilisation : jury letters [OPTIONS] --db <FICHIER> --out <DOSSIER>"),
        "{out}"
    );
    assert!(out.contains("[par défaut : secrétariat]"), "{out}");
    no_english(&out);
    let (_, out, _) = run(jury().args(["packet", "--help"]));
    assert!(out.contains("Commandes :"), "{out}");
    assert!(out.contains("help    Affiche cette aide"), "{out}");
    no_english(&out);
    let (_, out, _) = run(jury().args(["help", "help"]));
    assert!(out.contains("Utilisation : jury help [COMMANDE]"), "{out}");
    no_english(&out);
}

#[test]
fn a_missing_argument_is_said_in_french() {
    let (code, out, err) = run(jury().arg("check"));
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(
        err,
        "erreur : ces arguments obligatoires manquent :\n  <APPEL>\n\nUtilisation : jury check <APPEL>\n\nPour en savoir plus : « --help ».\n"
    );
    let (code, _, err) = run(jury().args(["export", "xml", "--db", "x.sqlite"]));
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "erreur : valeur « xml » invalide pour « <FORMAT> »\n  [valeurs possibles : csv, json]"
        ),
        "{err}"
    );
    no_english(&err);
    // A value our own parser refuses keeps its French reason.
    let (code, _, err) = run(jury().args([
        "letters",
        "--db",
        "x",
        "--out",
        "y",
        "--date",
        "demain soir",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.starts_with("erreur : valeur « demain soir » invalide pour « --date <DATE> » : "),
        "{err}"
    );
    no_english(&err);
    let (code, _, err) = run(jury().args(["verify", "--db", "x", "--bad"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("erreur : argument inattendu « --bad »"),
        "{err}"
    );
    no_english(&err);
}

#[test]
fn a_mistyped_command_is_said_in_french_with_a_suggestion() {
    let (code, _, err) = run(jury().arg("chekc"));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("erreur : sous-commande inconnue « chekc »"),
        "{err}"
    );
    assert!(
        err.contains("astuce : Vouliez-vous dire « check » ?"),
        "{err}"
    );
    no_english(&err);
    // Below a command, clap's own suggestion, in French.
    let (code, _, err) = run(jury().args(["packet", "exprot"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("erreur : sous-commande inconnue « exprot »"),
        "{err}"
    );
    assert!(
        err.contains("astuce : une sous-commande proche existe : « export »"),
        "{err}"
    );
    no_english(&err);
    // A folder that exists is opened, whatever its name.
    let dir = tempfile::tempdir().expect("tmp");
    let folder = dir.path().join("chekc");
    std::fs::create_dir(&folder).expect("folder");
    let (code, _, err) = run(jury().arg(&folder).current_dir(dir.path()));
    assert_eq!(code, 2);
    assert!(!err.contains("sous-commande"), "{err}");
    assert!(err.contains("appel.json"), "{err}");
}

#[test]
fn english_on_demand_anywhere_on_the_line_or_from_the_locale() {
    let (code, out, _) = run(jury().args(["--lang", "en", "--help"]));
    assert_eq!(code, 0);
    assert!(out.contains("Usage: jury [OPTIONS] [APPEL]"), "{out}");
    assert!(out.contains("Print help"), "{out}");
    assert!(
        out.contains("Check a call folder and print each problem"),
        "{out}"
    );
    assert!(!out.contains("Utilisation"), "{out}");
    let (_, out, _) = run(jury().args(["bench", "--help", "--lang=en"]));
    assert!(
        out.contains("Number of dossiers in the batch [default: 1000]"),
        "{out}"
    );
    let (code, _, err) = run(jury().args(["check"]).env("LANG", "en_GB.UTF-8"));
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: the following required arguments were not provided"),
        "{err}"
    );
    // LC_ALL wins over LANG, --lang over both.
    let (_, _, err) = run(jury()
        .arg("check")
        .env("LANG", "en_GB.UTF-8")
        .env("LC_ALL", "fr_FR.UTF-8"));
    assert!(err.starts_with("erreur : "), "{err}");
    let (_, _, err) = run(jury()
        .args(["--lang", "fr", "check"])
        .env("LANG", "en_US.UTF-8"));
    assert!(err.starts_with("erreur : "), "{err}");
    // Before the command as after it: no conflict with the call folder.
    let (code, out, err) = run(jury().args(["--lang", "en", "check", "/nonexistent/call"]));
    assert_eq!(code, 1, "{out}{err}");
    assert!(!err.contains("cannot be used with"), "{err}");
    // Jury's own words too.
    let (code, _, err) = run(jury().env("LANG", "en_US.UTF-8"));
    assert_eq!(code, 2);
    assert!(err.starts_with("jury: give the call's folder"), "{err}");
    let (code, _, err) = run(&mut jury());
    assert_eq!(code, 2);
    assert!(
        err.starts_with("jury : indiquez le dossier de l'appel"),
        "{err}"
    );
    let (code, _, err) = run(jury().args(["--lang", "de", "--help"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("erreur : valeur « de » invalide pour « --lang <fr|en> »"),
        "{err}"
    );
}

#[test]
fn a_mistyped_command_followed_by_its_folder_is_named_as_such() {
    let (code, _, err) = run(jury().args(["chekc", "samples/caf06-pdnp-2025"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("erreur : sous-commande inconnue « chekc »"),
        "{err}"
    );
    assert!(err.contains("Vouliez-vous dire « check » ?"), "{err}");
}
