//! Only the committee acts: « Qui note ? » chooses among the members (a
//! near miss is asked, an unknown name refused, nobody is ever added from
//! here), and a call without members has its committee set up first.

use super::Effect;
use super::committee::{Change, role_options};
use crate::app::action::Action;
use crate::app::form::{Form, Purpose};
use crate::app::keymap::{Context, Keymap};
use crate::app::state::{Mode, State};
use jury_core::call::Role;
use jury_core::fr::Lang;
use jury_core::names::{self, Found};

/// The lines of the set-up form: name and role field ids, a few at most.
const NAMES: [&str; 12] = [
    "name1", "name2", "name3", "name4", "name5", "name6", "name7", "name8", "name9", "name10",
    "name11", "name12",
];
const ROLES: [&str; 12] = [
    "role1", "role2", "role3", "role4", "role5", "role6", "role7", "role8", "role9", "role10",
    "role11", "role12",
];
/// Lines shown at first; the add key gives more.
const FIRST_LINES: usize = 3;

/// Asks who acts: « Qui note ? », or the committee's set-up when it has
/// no member yet.
pub(super) fn ask_who(s: &mut State) {
    if s.batch.committee.data.members.is_empty() {
        s.mode = Mode::Form(set_up_form(s.env.lang, &s.env.keymap, &s.input));
    } else {
        s.mode = Mode::AskReviewer;
    }
}

/// What Jury asks first when nobody is named: the set-up form, or « Qui
/// note ? » (called by `State::new`; `hint` is the name offered).
pub fn first_question(lang: Lang, keymap: &Keymap, no_member: bool, hint: &str) -> Mode {
    if no_member {
        Mode::Form(set_up_form(lang, keymap, hint))
    } else {
        Mode::AskReviewer
    }
}

fn role_choices(lang: Lang) -> Vec<(String, String)> {
    // A committee sets up its chair, secretary and members; a rapporteur is
    // added later from the committee view.
    role_options(lang)
        .into_iter()
        .filter(|(id, _)| id != Role::Rapporteur.id())
        .collect()
}

fn line(lang: Lang, i: usize, name: &str, role: Role) -> [crate::app::form::Field; 2] {
    let label = if i == 0 {
        lang.tr(text::YOUR_NAME).to_string()
    } else {
        format!("{} {}", lang.tr(text::MEMBER), i + 1)
    };
    let choices = role_choices(lang);
    let at = choices
        .iter()
        .position(|(id, _)| id == role.id())
        .unwrap_or(0);
    [
        Form::text(NAMES[i], label, name),
        Form::choice(ROLES[i], lang.tr(text::ROLE), choices, at),
    ]
}

fn set_up_form(lang: Lang, keymap: &Keymap, me: &str) -> Form {
    let mut fields = Vec::new();
    for i in 0..FIRST_LINES {
        let (name, role) = if i == 0 {
            (me, Role::Chair)
        } else {
            ("", Role::Member)
        };
        fields.extend(line(lang, i, name, role));
    }
    let mut form = Form::new(Purpose::SetUpCommittee, lang.tr(text::SET_UP), fields);
    let add = keymap
        .first_key(&[Context::Form], Action::AddMember)
        .map(|k| format!(" {} {}", k.label(lang), lang.tr(text::ADDS_A_LINE)))
        .unwrap_or_default();
    form.note = Some(format!("{}{add}", lang.tr(text::SET_UP_NOTE)));
    form
}

/// The set-up form: Tab between fields, the add key for another line,
/// Enter saves the whole committee at once.
pub(super) fn set_up(s: &mut State, mut form: Form, action: Action) -> Vec<Effect> {
    let lang = s.env.lang;
    match action {
        Action::AddMember => {
            let n = form.fields.len() / 2;
            if n < NAMES.len() {
                form.fields.extend(line(lang, n, "", Role::Member));
                form.focus = 2 * n;
            }
        }
        Action::Cancel | Action::Close => {
            s.mode = Mode::Normal;
            s.set_status(lang.tr(text::READ_ONLY_SET_UP));
            return Vec::new();
        }
        Action::Confirm => match committee_of(&form, lang) {
            Ok(members) => {
                s.mode = Mode::Normal;
                let me = members[0].0.clone();
                return vec![Effect::Committee(Change::SetUpCommittee { me, members })];
            }
            Err(why) => form.error = Some(why),
        },
        other => {
            // Typing, fields and choices move as in every form.
            let effects = super::committee::form(s, form, other);
            return effects;
        }
    }
    s.mode = Mode::Form(form);
    Vec::new()
}

/// The members the form lists, the first line first (who sets it up).
fn committee_of(form: &Form, lang: Lang) -> Result<Vec<(String, Role)>, String> {
    let mut members: Vec<(String, Role)> = Vec::new();
    for (i, (name_id, role_id)) in NAMES.iter().zip(ROLES).enumerate() {
        let Some(field) = form.get(name_id) else {
            break;
        };
        let typed = match &field.value {
            crate::app::form::Value::Text(t) => t.clone(),
            _ => String::new(),
        };
        if typed.trim().is_empty() {
            if i == 0 {
                return Err(lang.tr(text::GIVE_YOUR_NAME).into());
            }
            continue;
        }
        let name = new_name(&typed, members.iter().map(|m| m.0.as_str()), lang)?;
        let role = form
            .choice_of(role_id)
            .and_then(|r| Role::parse(&r))
            .unwrap_or(Role::Member);
        members.push((name, role));
    }
    if !members.iter().any(|m| m.1 == Role::Chair) {
        return Err(lang.tr(text::ONE_CHAIR).into());
    }
    Ok(members)
}

/// A new member's name as the committee will read it (normalised), or why
/// not: unreadable, or the same as (or one slip from) a member's.
pub(in crate::app::update) fn new_name<'a>(
    typed: &str,
    members: impl IntoIterator<Item = &'a str>,
    lang: Lang,
) -> Result<String, String> {
    let Some(name) = names::normalize(typed) else {
        return Err(format!("{} {}", lang.tr(text::UNREADABLE), typed.trim()));
    };
    match names::find(&name, members) {
        Found::Member(m) => Err(format!("{} {m}", lang.tr(text::TWICE))),
        // Two people one slip apart would be confused at « Qui note ? ».
        Found::DidYouMean(close) => Err(format!(
            "{} {} {}",
            lang.tr(text::TOO_CLOSE),
            close.join(", "),
            lang.tr(text::ADD_AN_INITIAL)
        )),
        Found::Unknown | Found::Unreadable => Ok(name),
    }
}

/// « Qui note ? »: a member, a question, or a refusal; never a new member.
pub(super) fn ask_reviewer(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Insert(c) => {
            s.input.push(c);
            s.who_note = None;
        }
        Action::DeleteBack => {
            s.input.pop();
            s.who_note = None;
        }
        Action::Cancel => {
            if s.reviewer.is_none() {
                // Reading without scoring is allowed; scoring will ask again.
                s.set_status(s.env.lang.tr(text::READ_ONLY_GIVE_YOUR));
            }
            s.input.clear();
            s.who_note = None;
            s.mode = Mode::Normal;
        }
        Action::Confirm => {
            if s.input.trim().is_empty() {
                return Vec::new();
            }
            let lang = s.env.lang;
            let members: Vec<&str> = s
                .batch
                .committee
                .data
                .members
                .iter()
                .map(|m| m.0.as_str())
                .collect();
            let found = names::find(&s.input, members.iter().copied());
            match found {
                Found::Member(name) => {
                    s.input.clear();
                    s.who_note = None;
                    s.reviewer = Some(name.clone());
                    s.mode = Mode::Normal;
                    s.recompute();
                    return vec![Effect::SetReviewer(name)];
                }
                Found::DidYouMean(close) => {
                    let question = names::did_you_mean(&close, lang);
                    // One suggestion: Enter accepts it.
                    if let [only] = close.as_slice() {
                        s.input = only.clone();
                        s.who_note = Some(format!("{question} {}", lang.tr(text::ENTER_ACCEPTS)));
                    } else {
                        s.who_note = Some(question);
                    }
                }
                other => {
                    s.who_note = Some(names::refusal(
                        &s.input,
                        &other,
                        members.iter().copied(),
                        lang,
                    ));
                }
            }
        }
        _ => {}
    }
    Vec::new()
}

/// This module's interface texts, in both languages.
mod text {
    use jury_core::fr::Tr;

    pub const READ_ONLY_GIVE_YOUR: Tr = Tr::new(
        "Lecture seule : indiquez votre nom pour noter.",
        "Read only: give your name to score.",
    );
    pub const ENTER_ACCEPTS: Tr = Tr::new("(Entrée pour accepter)", "(Enter accepts)");
    pub const SET_UP: Tr = Tr::new("Composer le comité", "Set up the committee");
    pub const SET_UP_NOTE: Tr = Tr::new(
        "Cet appel ne liste pas son comité : indiquez votre nom et ceux des autres membres, avec leur rôle (au moins une personne préside). Rien d'autre ne s'enregistre avant.",
        "This call does not list its committee: give your name and the other members', with their role (at least one chairs). Nothing else is recorded before.",
    );
    pub const ADDS_A_LINE: Tr = Tr::new(": ajouter une ligne.", ": add a line.");
    pub const YOUR_NAME: Tr = Tr::new("Votre nom", "Your name");
    pub const MEMBER: Tr = Tr::new("Membre", "Member");
    pub const ROLE: Tr = Tr::new("rôle", "role");
    pub const GIVE_YOUR_NAME: Tr = Tr::new(
        "Indiquez votre nom sur la première ligne.",
        "Give your name on the first line.",
    );
    pub const UNREADABLE: Tr = Tr::new(
        "Nom illisible (caractères de contrôle) :",
        "Unreadable name (control characters):",
    );
    pub const TWICE: Tr = Tr::new("Nom en double :", "Name given twice:");
    pub const TOO_CLOSE: Tr = Tr::new(
        "Nom trop proche de celui d'un membre :",
        "Name too close to a member's:",
    );
    pub const ADD_AN_INITIAL: Tr = Tr::new(
        "(pour une autre personne, ajoutez une initiale qui les distingue).",
        "(for another person, add an initial that tells them apart).",
    );
    pub const ONE_CHAIR: Tr = Tr::new(
        "Au moins une personne doit présider le comité.",
        "At least one person must chair the committee.",
    );
    pub const READ_ONLY_SET_UP: Tr = Tr::new(
        "Lecture seule : composez le comité pour noter ou décider.",
        "Read only: set up the committee to score or decide.",
    );
}

#[cfg(test)]
mod tests;
