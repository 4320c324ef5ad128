//! `jury new DIR`: a call set up by answering questions, driven through the
//! real binary with answers piped on stdin (as a script would) and once in a
//! pseudo-terminal (as a coordinator would); the folder it writes must pass
//! `jury check`.

// One test here uses the terminal; the other helpers serve other files.
use crate::common::pty;

use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn jury() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jury"))
}

/// `jury new DIR` with `answers` piped, one per line.
fn new_call(dir: &Path, answers: &[&str], extra: &[&str]) -> Output {
    let mut child = jury()
        .arg("new")
        .arg(dir)
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run jury new");
    let mut input = answers.join("\n");
    if !answers.is_empty() {
        input.push('\n');
    }
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("pipe the answers");
    child.wait_with_output().expect("jury new ends")
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// `jury check DIR`: its exit status and stdout.
fn check(dir: &Path) -> (Option<i32>, String) {
    let out = jury()
        .arg("check")
        .arg(dir)
        .output()
        .expect("run jury check");
    (out.status.code(), text(&out.stdout))
}

fn appel(dir: &Path) -> Value {
    let raw = std::fs::read_to_string(dir.join("appel.json")).expect("appel.json written");
    serde_json::from_str(&raw).expect("appel.json is JSON")
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("readable folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Answers for the built-in grid, every rule of the menu, and a committee
/// where a near-duplicate name is asked about and set aside.
const PDNP: &[&str] = &[
    "Promeneurs du Net Parentalité — Var 2099",
    "Caf du Var",
    "pdnp@caf83.example.org",
    "15/09/2099 12:00",
    "5",
    "1",
    "1 2 3 4 5",
    "1 2",
    "3",
    "CA Toulon Provence Méditerranée",
    "CA Dracénie Provence Verdon",
    "",
    "Sylvie Marcellin",
    "Nadia Benali",
    "nadia benali",
    "n",
    "Julien Ferrand",
    "",
    "o",
];

#[test]
fn the_pdnp_model_makes_a_call_that_jury_check_accepts_and_import_fills() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("caf83-pdnp-2099");
    let out = new_call(&dir, PDNP, &[]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    // The time is said to be dropped, the near-duplicate asked about.
    assert!(
        stdout.contains("l'heure 12:00 n'est pas gardée"),
        "{stdout}"
    );
    assert!(
        stdout.contains("« nadia benali » ressemble à « Nadia Benali » déjà au comité"),
        "{stdout}"
    );
    assert!(
        stdout.contains("4 critères, somme des pondérations : 10"),
        "{stdout}"
    );
    for step in [
        "Étapes suivantes",
        &format!("jury import {}", dir.display()),
        &format!("jury check {}", dir.display()),
    ] {
        assert!(stdout.contains(step), "{step}: {stdout}");
    }

    assert_eq!(
        entries(&dir),
        ["appel.json", "dossiers", "lettres", "pieces"]
    );
    assert!(entries(&dir.join("dossiers")).is_empty());
    assert!(entries(&dir.join("pieces")).is_empty());
    for (id, template) in jury_core::templates::BUILT_IN {
        let written = std::fs::read_to_string(dir.join("lettres").join(format!("{id}.txt")))
            .expect("template written");
        assert_eq!(&written, template, "{id}");
    }

    let call = appel(&dir);
    assert_eq!(call["id"], "caf83-pdnp-2099");
    assert_eq!(call["deadline"], "2099-09-15");
    assert_eq!(call["scale"], serde_json::json!({ "min": 0, "max": 5 }));
    assert_eq!(call["issuer"]["contact_email"], "pdnp@caf83.example.org");
    let grid: Vec<(String, f64)> = call["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["weight"].as_f64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, f64)> = [
        ("experience", 3.0),
        ("qualification", 4.0),
        ("coherence", 2.0),
        ("formation", 1.0),
    ]
    .iter()
    .map(|(i, w)| (i.to_string(), *w))
    .collect();
    assert_eq!(grid, want);
    let rules = call["eligibility"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["delai", "statut", "heures", "charte", "territoire"]);
    assert_eq!(rules[1]["in"], serde_json::json!(["salarie", "benevole"]));
    assert_eq!(rules[2]["min"], 3);
    assert_eq!(rules[4]["required"], false);
    assert_eq!(
        rules[4]["in"],
        serde_json::json!([
            "CA Toulon Provence Méditerranée",
            "CA Dracénie Provence Verdon"
        ])
    );
    assert_eq!(
        call["members"],
        serde_json::json!([
            { "name": "Sylvie Marcellin", "role": "chair" },
            { "name": "Nadia Benali", "role": "secretary" },
            { "name": "Julien Ferrand", "role": "member" }
        ])
    );

    let (code, said) = check(&dir);
    assert_eq!(code, Some(0), "{said}");
    assert!(
        said.contains("caf83-pdnp-2099 : 4 critère(s), 5 règle(s), 0 dossier(s) valide(s), 0 erreur(s), 0 avertissement(s)."),
        "{said}"
    );

    // The intake example names every field a dossier needs: a sheet with
    // its column labels imports into a dossier `jury check` accepts.
    let labels: Vec<String> = call["intake"]["columns"]
        .as_array()
        .expect("intake columns")
        .iter()
        .map(|c| c["column"].as_str().unwrap().to_string())
        .collect();
    let row: Vec<&str> = labels
        .iter()
        .map(|l| match l.as_str() {
            "Numéro" => "VAR-001",
            "Reçu le" => "03/07/2099 16:42",
            "Code postal" => "83000",
            "Courriel" => "contact@tilleuls.example.org",
            "Statut du professionnel" => "salarie",
            "Heures en ligne par semaine" => "3,5",
            "Charte signée" => "Oui",
            "Territoire" => "CA Dracénie Provence Verdon",
            _ => "Les Tilleuls",
        })
        .collect();
    let csv = tmp.path().join("candidatures.csv");
    std::fs::write(&csv, format!("{}\n{}\n", labels.join(";"), row.join(";"))).expect("csv");
    let out = jury()
        .arg("import")
        .arg(&dir)
        .arg(&csv)
        .output()
        .expect("import");
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let (code, said) = check(&dir);
    assert_eq!(code, Some(0), "{said}");
    assert!(
        said.contains("1 dossier(s) valide(s), 0 erreur(s)"),
        "{said}"
    );
}

#[test]
fn a_custom_grid_is_typed_and_bad_answers_are_asked_again_with_the_reason() {
    let tmp = tempfile::tempdir().expect("tmp");
    // An existing empty folder is taken.
    let dir = tmp.path().join("appel-local");
    std::fs::create_dir(&dir).expect("empty folder");
    let out = new_call(
        &dir,
        &[
            "",
            "Appel à projets jeunesse 2099",
            "Mairie de Grasse",
            "contact",
            "",
            "31/02/2025",
            "15/09/2099 25:00",
            "demain",
            "1/1/2020",
            "n",
            "15 septembre 2099",
            "0",
            "vingt",
            "20",
            "3",
            "2",
            "",
            "Qualité du projet",
            "-2",
            "deux",
            "2,5",
            "qualité du projet",
            "Budget réaliste",
            "1",
            "",
            "7",
            "",
            "Sylvie Marcellin",
            "",
            "Sylvie  Marcellin",
            "Anne Morel",
            "Anna Morel",
            "o",
            "",
            "oui",
        ],
        &[],
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    for reason in [
        "↳ une réponse est attendue",
        "↳ adresse illisible « contact »",
        "↳ date impossible « 31/02/2025 » : ce jour n'existe pas dans le calendrier",
        "↳ heure illisible « 25:00 » : écrivez par exemple 12:00",
        "↳ date illisible « demain »",
        "« Anna Morel » ressemble à « Anne Morel » déjà au comité. Est-ce une autre personne ? (o/n)",
        "Le 1er janvier 2020 est déjà passé",
        "↳ date passée écartée",
        "↳ « 0 » : un nombre entier de 1 à 1000 est attendu",
        "↳ « vingt » : un nombre entier de 1 à 1000 est attendu",
        "↳ « 3 » n'est pas dans le menu (1 à 2)",
        "↳ la grille doit avoir au moins un critère",
        "↳ « -2 » : la pondération doit être positive",
        "↳ « deux » : un nombre est attendu",
        "↳ somme des pondérations : 2,5",
        "↳ critère déjà saisi : « Qualité du projet »",
        "↳ somme des pondérations : 3,5",
        "↳ « 7 » n'est pas dans le menu (1 à 5)",
        "↳ « Sylvie Marcellin » est déjà au comité",
    ] {
        assert!(stdout.contains(reason), "{reason:?} not in:\n{stdout}");
    }
    let call = appel(&dir);
    assert_eq!(call["id"], "appel-local");
    assert_eq!(call["deadline"], "2099-09-15");
    assert_eq!(call["scale"]["max"], 20);
    assert_eq!(
        call["criteria"],
        serde_json::json!([
            { "id": "qualite-du-projet", "label": "Qualité du projet", "weight": 2.5 },
            { "id": "budget-realiste", "label": "Budget réaliste", "weight": 1 }
        ])
    );
    assert!(call.get("eligibility").is_none(), "no rule chosen");
    assert_eq!(
        call["members"],
        serde_json::json!([
            { "name": "Sylvie Marcellin", "role": "chair" },
            { "name": "Anne Morel", "role": "member" },
            { "name": "Anna Morel", "role": "member" }
        ])
    );
    let (code, said) = check(&dir);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("2 critère(s), 0 règle(s)"), "{said}");
}

#[test]
fn an_existing_folder_or_file_is_refused_before_any_question() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("appel");
    std::fs::create_dir(&dir).expect("folder");
    std::fs::write(dir.join("notes.txt"), "mes notes").expect("a file in it");
    let file = tmp.path().join("appel.txt");
    std::fs::write(&file, "un fichier").expect("a file");
    for target in [&dir, &file] {
        let out = new_call(target, PDNP, &[]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "{} : existe déjà et n'est pas un dossier vide : jury new ne remplace rien.",
                target.display()
            )),
            "{stderr}"
        );
        assert!(stderr.contains("rien n'a été écrit"), "{stderr}");
        assert_eq!(text(&out.stdout), "", "no question asked");
    }
    assert_eq!(entries(&dir), ["notes.txt"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mes notes"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "un fichier");
    assert_eq!(entries(tmp.path()), ["appel", "appel.txt"]);
}

#[test]
fn input_ending_midway_or_a_no_at_the_end_writes_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("appel");
    // The answers stop after the grid, as Ctrl-D would.
    let out = new_call(&dir, &PDNP[..6], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("Saisie interrompue (fin de l'entrée) : rien n'a été écrit."),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.exists());
    // Everything answered, then « n » to « Écrire cet appel ? ».
    let mut declined = PDNP.to_vec();
    *declined.last_mut().unwrap() = "n";
    let out = new_call(&dir, &declined, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("Récapitulatif"));
    assert!(text(&out.stderr).contains("Rien n'a été écrit."));
    assert!(!dir.exists());
    // The same in English, from the first question.
    let out = new_call(&dir, &[], &["--lang", "en"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("Title of the call: "));
    assert!(
        text(&out.stderr).contains("Input ended before the last answer: nothing was written."),
        "{}",
        text(&out.stderr)
    );
    // No temporary folder left beside it either.
    assert!(entries(tmp.path()).is_empty(), "{:?}", entries(tmp.path()));
}

#[test]
fn in_a_terminal_the_questions_show_and_the_folder_is_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("caf83");
    let mut term = pty::Term::spawn(
        env!("CARGO_BIN_EXE_jury"),
        &[std::ffi::OsStr::new("new"), dir.as_os_str()],
        &tmp.path().join("home"),
        120,
        40,
    );
    for (prompt, answer) in [
        ("Titre de l'appel", "Appel au terminal"),
        ("Organisme qui lance", "Caf du Var"),
        ("Courriel de contact", ""),
        ("Date limite de dépôt", "15/09/2099"),
        ("Note maximale", "20"),
        ("Votre choix (1 ou 2)", "1"),
        ("Vos choix (numéros", "1"),
        ("Président·e du comité", "Sylvie Marcellin"),
        ("Secrétaire (Entrée seule", ""),
        ("Membre 1 (Entrée seule", ""),
        ("Écrire cet appel", "o"),
    ] {
        term.wait_for(prompt);
        term.send(&format!("{answer}\r"));
    }
    term.wait_for("Étapes suivantes");
    assert!(term.wait_exit().success());
    let (code, said) = check(&dir);
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(appel(&dir)["title"], "Appel au terminal");
}
