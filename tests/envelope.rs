//! The aid envelope, through the real keymap: the decision form offers what
//! a dossier asks for, capped; amounts typed as people write them; an
//! overrun refused without the chair's written override, refused from the
//! secretary, accepted from the chair and shown; the letter, the minutes,
//! the CSV and `jury verify` carry the amounts.

use crate::common::harness;
use crate::common::session;

use harness::*;
use jury::app::state::Mode;
use session::CHAIR;

const SECRETARY: &str = "Nadia Benali";
/// Asks for 1 400 € in the copy (more than the 1 000 € maximum).
const BIG: &str = "PDNP06-2025-009";
/// Asks for 980 €. All four are eligible.
const MID: &str = "PDNP06-2025-012";
/// Asks for 850 €.
const SMALL: &str = "PDNP06-2025-002";
/// Asks for 600 €: past what remains.
const LAST: &str = "PDNP06-2025-005";

/// The caf06 sample in one stage (accepting decisions taken in its first
/// session), `BIG` asking for « 1 400 € » as a string, and a `retenu`
/// letter that says the amount.
fn one_stage_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    copy_dir(&root().join(SAMPLE), dir.path());
    let edit = |path: std::path::PathBuf, change: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        change(&mut v);
        std::fs::write(&path, serde_json::to_string_pretty(&v).expect("json")).expect("write");
    };
    edit(dir.path().join("appel.json"), &|v| {
        v.as_object_mut().expect("object").remove("audition");
    });
    // No audition, no convocation.
    std::fs::remove_file(dir.path().join("lettres/convocation.txt")).expect("convocation");
    edit(dir.path().join(format!("dossiers/{BIG}.json")), &|v| {
        v["startup_aid"]["amount"] = "1 400 €".into()
    });
    dir
}

fn form_text(s: &Session, id: &str) -> String {
    match &s.app.state.mode {
        Mode::Form(f) => f.text_of(id),
        _ => panic!("no form open"),
    }
}

/// Opens the decision form of `reference` with `kind`, the amount typed
/// (None: as offered), the override written; confirms.
fn decide(s: &mut Session, reference: &str, amount: Option<&str>, override_: &str) {
    s.goto_committee(reference);
    s.act("decide");
    s.choose("kind", "retenu");
    if let Some(a) = amount {
        s.fill("amount", a);
    }
    if !override_.is_empty() {
        s.fill("budget_override", override_);
    }
    if let Mode::Form(f) = &s.app.state.mode
        && f.get("confirm").is_some()
    {
        s.tick("confirm");
    }
    s.act("confirm");
}

/// No-break spaces (French money and colons) as plain ones.
fn plain(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}'], " ")
}

fn form_error(s: &Session) -> String {
    match &s.app.state.mode {
        Mode::Form(f) => plain(&f.error.clone().unwrap_or_default()),
        _ => String::new(),
    }
}

fn amounts(s: &Session) -> Vec<String> {
    s.query(
        "SELECT reference || ' ' || ifnull(amount, '-') || ' ' || budget_override FROM decisions ORDER BY reference",
    )
}

#[test]
fn the_committee_grants_amounts_within_the_envelope_unless_the_chair_writes_why() {
    let copy = one_stage_copy();
    let call = copy.path().display().to_string();
    let mut s = open(&call, Some(CHAIR));
    s.score_and_open_session(
        &[
            (BIG, [4, 4, 4, 4]),
            (MID, [4, 4, 4, 4]),
            (SMALL, [4, 4, 4, 4]),
            (LAST, [4, 4, 4, 4]),
        ],
        "7 juillet 2025",
    );

    // Offered: what the dossier asks for, capped at the maximum.
    s.goto_committee(BIG);
    s.act("decide");
    s.choose("kind", "retenu");
    assert_eq!(form_text(&s, "amount"), "1000");
    let screen = plain(&s.screen());
    assert!(screen.contains("demande 1 400 €"), "{screen}");
    // More than the maximum, typed, is refused.
    s.fill("amount", "1 200");
    s.act("confirm");
    assert!(
        form_error(&s).contains(
            "Montant supérieur au maximum par dossier fixé par l'appel : 1 000 € au plus."
        ),
        "{}",
        form_error(&s)
    );
    s.act("cancel");
    decide(&mut s, BIG, None, "");
    // Typed as people write amounts.
    decide(&mut s, MID, Some("980 €"), "");
    decide(&mut s, SMALL, Some("850,50"), "");
    assert_eq!(
        amounts(&s),
        [
            format!("{SMALL} 850.5 "),
            format!("{BIG} 1000.0 "),
            format!("{MID} 980.0 "),
        ]
    );
    let screen = plain(&s.screen());
    assert!(
        screen.contains("Enveloppe : 2 830,50 € attribués / 3 000 € · reste 169,50 €"),
        "{screen}"
    );

    // Past the envelope: refused without an override.
    decide(&mut s, LAST, None, "");
    let refused = form_error(&s);
    assert_eq!(
        refused,
        "Enveloppe dépassée : 2 830,50 € + 600 € = 3 430,50 € / 3 000 €. Réduisez le montant, ou la présidence écrit la justification du dépassement."
    );
    s.act("cancel");
    assert_eq!(amounts(&s).len(), 3);

    // The secretary may not write the override.
    let mut s = s.reopen_as(&call, SECRETARY);
    s.act("switch_view");
    decide(&mut s, LAST, None, "Seul point d'accueil du haut pays");
    assert!(
        form_error(&s).contains("la présidence doit enregistrer cette décision"),
        "{}",
        form_error(&s)
    );
    s.act("cancel");
    assert_eq!(amounts(&s).len(), 3);

    // The chair does; the view says the envelope is exceeded, and by whom.
    let mut s = s.reopen_as(&call, CHAIR);
    s.act("switch_view");
    decide(&mut s, LAST, None, "Seul point d'accueil du haut pays");
    assert!(
        !matches!(s.app.state.mode, Mode::Form(_)),
        "refused: {}",
        form_error(&s)
    );
    assert_eq!(
        amounts(&s)[1],
        format!("{LAST} 600.0 Seul point d'accueil du haut pays")
    );
    let screen = plain(&s.screen());
    assert!(
        screen.contains("Enveloppe : 3 430,50 € attribués / 3 000 € · dépassement de 430,50 € · dépassement autorisé par la présidence"),
        "{screen}"
    );
    let line_y = screen
        .lines()
        .position(|l| l.contains("dépassement autorisé"))
        .expect("line") as u16;
    let x = screen
        .lines()
        .nth(line_y as usize)
        .expect("line")
        .find("Enveloppe")
        .expect("x");
    let x = screen.lines().nth(line_y as usize).expect("line")[..x]
        .chars()
        .count() as u16;
    let cell = &s.term.backend().buffer()[(x, line_y)];
    assert_eq!(cell.fg, ratatui::style::Color::Red, "the overrun in red");

    // A refusal carries no amount, whatever the field held.
    s.goto_committee(MID);
    s.act("decide");
    s.choose("kind", "non_retenu");
    s.fill("motivation", "Projet trop peu détaillé.");
    s.act("confirm");
    assert!(
        !matches!(s.app.state.mode, Mode::Form(_)),
        "{}",
        form_error(&s)
    );
    assert_eq!(amounts(&s)[3], format!("{MID} - "));
    let screen = plain(&s.screen());
    assert!(screen.contains("· reste 549,50 €"), "{screen}");

    // The letter says the amount; the minutes each amount and the total.
    s.close_and_write_letters();
    let letter = pdf_file_text(&s.letters_dir().join(format!("{BIG}-retenu.pdf")));
    assert!(
        letter.contains("Une aide de 1 000 € vous est accordée sur l'enveloppe de l'appel."),
        "{letter}"
    );
    s.act("produce_minutes");
    s.app.finish_jobs();
    let minutes = std::fs::read_dir(s.letters_dir())
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("PV-"))
                && p.extension().is_some_and(|e| e == "pdf")
        })
        .expect("minutes");
    let minutes = pdf_file_text(&minutes);
    for needle in [
        "Montant accordé : 1 000 €.",
        "Montant accordé : 850,50 €.",
        "Dépassement de l'enveloppe autorisé par la présidence : Seul point d'accueil du haut pays.",
        "Enveloppe : 2 450,50 € attribués / 3 000 € · reste 549,50 €.",
    ] {
        assert!(minutes.contains(needle), "{needle} not in {minutes}");
    }

    // The CSV, read back.
    let csv = Exported::read(&s.db);
    let amount = csv.column("Montant accordé");
    let granted: Vec<(String, String)> = csv
        .rows
        .iter()
        .filter(|r| !r[amount].is_empty())
        .map(|r| (r[0].to_string(), r[amount].to_string()))
        .collect();
    assert_eq!(
        granted,
        [
            (SMALL.to_string(), "850,50".to_string()),
            (LAST.to_string(), "600,00".to_string()),
            (BIG.to_string(), "1000,00".to_string()),
        ]
    );

    // The record replays the amounts; one edited in the database is found.
    let verify = |db: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_jury"))
            .args(["verify", "--db"])
            .arg(db)
            .output()
            .expect("jury verify")
    };
    let run = verify(&s.db);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    rusqlite::Connection::open(&s.db)
        .expect("db")
        .execute(
            &format!("UPDATE decisions SET amount = 990 WHERE reference = '{BIG}'"),
            [],
        )
        .expect("edit");
    let run = verify(&s.db);
    assert!(!run.status.success());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(said.contains("montant 990.00 €"), "{said}");
}
