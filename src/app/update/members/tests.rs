//! « Qui note ? » and the set-up form through `update`, without terminal or
//! database (the sample call is read, as update/tests.rs does).

use super::super::{Msg, update};
use super::*;
use crate::app::keymap::Keymap;
use jury_core::records::CommitteeData;

/// The sample call with these members and nobody named yet.
fn state(members: &[(&str, Role)]) -> State {
    crate::app::update::tests::sample_state(
        None,
        CommitteeData {
            members: members.iter().map(|(n, r)| (n.to_string(), *r)).collect(),
            ..CommitteeData::default()
        },
    )
}

fn send(s: &mut State, text: &str) -> Vec<Effect> {
    for c in text.chars() {
        update(s, Msg::Action(Action::Insert(c)));
    }
    update(s, Action::Confirm)
}

const SAMPLE: [(&str, Role); 2] = [
    ("Sylvie Marcellin", Role::Chair),
    ("Nadia Benali", Role::Secretary),
];

#[test]
fn a_near_miss_is_asked_and_enter_accepts_it() {
    let mut s = state(&SAMPLE);
    assert_eq!(send(&mut s, "sylvie marcelin"), Vec::new());
    assert_eq!(s.reviewer, None);
    assert_eq!(s.input, "Sylvie Marcellin");
    assert!(
        s.who_note
            .as_deref()
            .is_some_and(|n| n.starts_with("Vouliez-vous dire")),
        "{:?}",
        s.who_note
    );
    assert_eq!(
        update(&mut s, Action::Confirm),
        vec![Effect::SetReviewer("Sylvie Marcellin".into())]
    );
    assert_eq!(s.reviewer.as_deref(), Some("Sylvie Marcellin"));
}

#[test]
fn an_unknown_name_asks_for_nothing_to_be_written() {
    let mut s = state(&SAMPLE);
    assert_eq!(send(&mut s, "Claire Dumas"), Vec::new());
    assert_eq!(s.reviewer, None);
    assert_eq!(s.mode, Mode::AskReviewer);
    assert!(
        s.who_note
            .as_deref()
            .is_some_and(|n| n.contains("n'est pas membre du comité")),
    );
}

#[test]
fn without_members_the_set_up_form_comes_first_and_saves_in_one_change() {
    let mut s = state(&[]);
    let Mode::Form(form) = &s.mode else {
        panic!("set-up form first");
    };
    assert_eq!(form.purpose, Purpose::SetUpCommittee);
    for c in "Zoé Martin".chars() {
        update(&mut s, Action::Insert(c));
    }
    update(&mut s, Action::NextField);
    update(&mut s, Action::NextField);
    for c in "Yves".chars() {
        update(&mut s, Action::Insert(c));
    }
    assert_eq!(
        update(&mut s, Action::Confirm),
        vec![Effect::Committee(Change::SetUpCommittee {
            me: "Zoé Martin".into(),
            members: vec![
                ("Zoé Martin".into(), Role::Chair),
                ("Yves".into(), Role::Member)
            ],
        })]
    );
}

#[test]
fn set_up_refuses_a_committee_without_chair_or_with_a_name_twice() {
    let mut form = set_up_form(Lang::Fr, &Keymap::default_map().expect("keymap"), "Zoé");
    if let Some(f) = form.get_mut("role1") {
        f.value = crate::app::form::Value::Choice {
            options: role_choices(Lang::Fr),
            selected: 2,
        };
    }
    assert_eq!(
        committee_of(&form, Lang::Fr),
        Err("Au moins une personne doit présider le comité.".into())
    );
    let mut form = set_up_form(Lang::Fr, &Keymap::default_map().expect("keymap"), "Zoé");
    if let Some(f) = form.get_mut("name2") {
        f.value = crate::app::form::Value::Text("zoe".into());
    }
    assert!(
        committee_of(&form, Lang::Fr).is_err_and(|e| e.contains("Zoé")),
        "a second Zoé"
    );
}
