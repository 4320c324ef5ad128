//! Only the committee acts: a name given with `--as` or typed at « Qui
//! note ? » designates a member or is questioned, never added; a call
//! without members has its committee set up before anything is recorded.

use crate::common::harness;

use harness::*;
use jury::app::state::Mode;
use jury::tui::{App, Options};
use jury_core::fr::Lang;
use std::path::Path;
use std::process::Command;

const CHAIR: &str = "Sylvie Marcellin";
const MEMBERS: [&str; 5] = [
    "Agnès Tordo",
    "Bernard Castellan",
    "Julien Ferrand",
    "Nadia Benali",
    "Sylvie Marcellin",
];

fn members_in(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("db");
    let mut stmt = conn
        .prepare("SELECT name FROM members ORDER BY name")
        .expect("prepare");
    stmt.query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn open_as(call: &Path, db: &Path, who: &str) -> Result<App, String> {
    App::open(Options {
        call_dir: call.to_path_buf(),
        db: Some(db.to_path_buf()),
        reviewer: Some(who.into()),
        keymap: None,
        lang: Lang::Fr,
        color: false,
        letters_dir: Some(db.with_extension("courriers")),
    })
    .map_err(|e| e.message(Lang::Fr))
}

#[test]
fn as_with_a_near_miss_asks_and_adds_nobody() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("j.sqlite");
    for typed in ["Sylvie Marcelin", "sylvie marcellin"] {
        let Err(message) = open_as(&root().join(SAMPLE), &db, typed) else {
            panic!("{typed}: opened as a new member");
        };
        assert!(
            message.starts_with("Vouliez-vous dire «\u{a0}Sylvie Marcellin\u{a0}»\u{a0}?"),
            "{message}"
        );
        assert!(message.contains("Membres du comité\u{a0}:"), "{message}");
        assert_eq!(members_in(&db), MEMBERS);
    }
    // A stranger is refused with the list, and not added either.
    let Err(message) = open_as(&root().join(SAMPLE), &db, "Claire Dumas") else {
        panic!("opened as a stranger");
    };
    assert!(message.contains("n'est pas membre du comité"), "{message}");
    assert_eq!(members_in(&db), MEMBERS);
    // The exact name, however spaced, is the chair.
    let app = open_as(&root().join(SAMPLE), &db, "  Sylvie   Marcellin ").expect("chair");
    assert_eq!(app.state.reviewer.as_deref(), Some(CHAIR));
}

#[test]
fn the_command_line_exits_2_with_the_question_and_the_list() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = Command::new(env!("CARGO_BIN_EXE_jury"))
        .arg(root().join(SAMPLE))
        .arg("--db")
        .arg(dir.path().join("j.sqlite"))
        .args(["--as", "Sylvie Marcelin"])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("Vouliez-vous dire «\u{a0}Sylvie Marcellin\u{a0}»\u{a0}?"),
        "{err}"
    );
    assert!(
        err.contains("Membres du comité\u{a0}: Agnès Tordo, Bernard Castellan"),
        "{err}"
    );
}

#[test]
fn who_scores_proposes_the_member_and_adds_nobody() {
    let mut s = open(SAMPLE, None);
    assert!(s.screen().contains("Qui note ?"));
    s.type_text("Nadia");
    s.act("confirm");
    let screen = s.screen();
    assert!(
        screen.contains("Vouliez-vous dire «\u{a0}Nadia Benali\u{a0}»\u{a0}?"),
        "{screen}"
    );
    assert_eq!(s.app.state.mode, Mode::AskReviewer);
    assert_eq!(s.app.state.reviewer, None);
    assert_eq!(members_in(&s.db), MEMBERS);
    // Enter accepts the suggestion.
    s.act("confirm");
    assert_eq!(s.app.state.reviewer.as_deref(), Some("Nadia Benali"));
    assert_eq!(members_in(&s.db), MEMBERS);
}

#[test]
fn who_scores_refuses_a_stranger_with_the_list() {
    let mut s = open(SAMPLE, None);
    s.type_text("Claire Dumas");
    s.act("confirm");
    let screen = s.screen();
    assert!(screen.contains("n'est pas membre du comité"), "{screen}");
    assert_eq!(s.app.state.reviewer, None);
    assert_eq!(members_in(&s.db), MEMBERS);
}

#[test]
fn the_session_form_lists_only_real_members_and_the_quorum_counts_them() {
    let mut s = open(SAMPLE, None);
    s.type_text("Nadia");
    s.act("confirm");
    s.act("confirm");
    let mut s = s.reopen_as(SAMPLE, CHAIR);
    s.act("switch_view");
    s.act("open_session");
    let Mode::Form(form) = &s.app.state.mode else {
        panic!("session form");
    };
    let boxes: Vec<&str> = form.checks().iter().map(|(name, _)| *name).collect();
    assert_eq!(boxes, MEMBERS);
    s.act("confirm");
    let present: Vec<String> = s.query("SELECT member FROM session_members ORDER BY member");
    assert_eq!(present, MEMBERS);
    assert!(
        s.screen().contains("Séance"),
        "a session is open with the five members"
    );
}

/// The sample call with its `members` removed, in a temporary folder.
fn call_without_members(dir: &Path) -> std::path::PathBuf {
    let call = dir.join("appel");
    copy_dir(&root().join(SAMPLE), &call);
    let path = call.join("appel.json");
    let text = std::fs::read_to_string(&path).expect("appel.json");
    let mut json: serde_json::Value = serde_json::from_str(&text).expect("json");
    json.as_object_mut().expect("object").remove("members");
    std::fs::write(&path, serde_json::to_string_pretty(&json).expect("json")).expect("write");
    call
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

#[test]
fn a_call_without_members_reaches_a_session_after_set_up() {
    let tmp = tempfile::tempdir().expect("tmp");
    let call = call_without_members(tmp.path());
    let call = call.to_str().expect("utf-8 path");
    let mut s = open(call, None);
    // The committee is set up first: nothing else can be recorded.
    let screen = s.screen();
    assert!(screen.contains("Composer le comité"), "{screen}");
    let Mode::Form(_) = &s.app.state.mode else {
        panic!("set-up form");
    };
    // Without a chair, refused.
    s.fill("name1", "Sylvie Marcellin");
    s.choose("role1", "member");
    s.act("confirm");
    assert!(
        s.screen().contains("Au moins une personne doit présider"),
        "{}",
        s.screen()
    );
    assert!(members_in(&s.db).is_empty());
    s.choose("role1", "chair");
    s.fill("name2", "Nadia Benali");
    s.choose("role2", "secretary");
    s.fill("name3", "Julien Ferrand");
    // A fourth line, added from the keyboard.
    s.act("add_member");
    s.fill("name4", "Agnès Tordo");
    s.act("confirm");
    assert_eq!(
        members_in(&s.db),
        [
            "Agnès Tordo",
            "Julien Ferrand",
            "Nadia Benali",
            "Sylvie Marcellin"
        ]
    );
    assert_eq!(s.app.state.reviewer.as_deref(), Some(CHAIR));
    // One audit event per member, with its role, in one go.
    let events: Vec<String> = s.query(
        "SELECT action || ' ' || target || ' ' || COALESCE(after, '') FROM audit WHERE action = 'member.add' ORDER BY id",
    );
    assert_eq!(events.len(), 4, "{events:?}");
    assert!(events[0].contains("Sylvie Marcellin") && events[0].contains("chair"));
    assert!(events[1].contains("Nadia Benali") && events[1].contains("secretary"));
    let others: Vec<String> =
        // Besides what opening the folder records (the call, its templates,
        // the dossiers).
        s.query("SELECT action FROM audit WHERE actor NOT IN ('import', 'appel.json', 'lettres') AND action <> 'member.add'");
    assert!(others.is_empty(), "{others:?}");
    // The chair opens a session; the quorum counts the four.
    s.act("switch_view");
    s.act("open_session");
    let Mode::Form(form) = &s.app.state.mode else {
        panic!("session form: {}", s.screen());
    };
    assert_eq!(form.checks().len(), 4);
    s.act("confirm");
    let present: Vec<String> = s.query("SELECT member FROM session_members ORDER BY member");
    assert_eq!(present.len(), 4);
}

#[test]
fn a_call_without_members_takes_no_score_before_set_up() {
    let tmp = tempfile::tempdir().expect("tmp");
    let call = call_without_members(tmp.path());
    let mut s = open(call.to_str().expect("utf-8"), Some("Zoé Martin"));
    // The name given is the first line of the form, as chair.
    let Mode::Form(form) = &s.app.state.mode else {
        panic!("set-up form");
    };
    assert_eq!(form.text_of("name1"), "Zoé Martin");
    assert_eq!(form.choice_of("role1").as_deref(), Some("chair"));
    assert_eq!(s.app.state.reviewer, None);
    s.act("cancel");
    s.act("focus_grid");
    s.act("score_3");
    assert!(s.query::<String>("SELECT member FROM scores").is_empty());
    assert!(members_in(&s.db).is_empty());
}

#[test]
fn the_chair_adds_a_member_by_a_clean_name_and_not_twice() {
    let mut s = open(SAMPLE, Some(CHAIR));
    s.act("switch_view");
    s.act("add_member");
    // « nadia benali » is Nadia Benali, already a member: refused in the form.
    s.fill("name", "nadia benali");
    s.act("confirm");
    let screen = s.screen();
    assert!(
        screen.contains("Nom trop proche de celui d'un membre : Nadia Benali"),
        "{screen}"
    );
    assert_eq!(members_in(&s.db), MEMBERS);
    // Spaces folded, the name kept as the committee will read it.
    s.fill("name", "  Claire   Dumas ");
    s.act("confirm");
    assert!(members_in(&s.db).contains(&"Claire Dumas".to_string()));
    // One event for her; the call's own members came with the call.
    let added: Vec<String> = s.query(
        "SELECT target FROM audit WHERE action = 'member.add' AND actor <> 'appel.json' ORDER BY id",
    );
    assert_eq!(added, ["Claire Dumas"]);
}
