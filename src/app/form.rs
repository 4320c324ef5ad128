//! Small forms for the committee's entries (a decision, an override, a
//! session…): a list of fields the keyboard moves through. Pure data; what
//! a submitted form does is `update`'s business.

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// One of several options (id, label); ←/→ change it.
    Choice {
        options: Vec<(String, String)>,
        selected: usize,
    },
    Text(String),
    /// A yes/no box; Space toggles it.
    Check(bool),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub id: &'static str,
    pub label: String,
    pub value: Value,
    /// Hidden fields keep their value but are skipped and not drawn.
    pub hidden: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Purpose {
    Decision {
        reference: String,
    },
    Override {
        reference: String,
    },
    Conflict {
        reference: String,
    },
    OpenSession,
    CloseSession {
        id: i64,
    },
    Outcome {
        session: i64,
    },
    /// An institution's answer on a closed session's decisions.
    Validation,
    /// An accepted candidate's withdrawal: when and how it was received.
    Withdrawal {
        reference: String,
    },
    /// Promoting a waitlisted candidate in the place of `withdrawn`, in the
    /// open session of the stage (none: the form says so and refuses).
    Promotion {
        withdrawn: String,
        session: Option<i64>,
    },
    AddMember,
    /// The committee of a call that lists no members, before anything else.
    SetUpCommittee,
    /// Produce letters (one, or all): asks the date they carry.
    Letters {
        only: Option<String>,
    },
    LetterSent {
        reference: String,
        decision_id: i64,
    },
    LetterAcknowledged {
        reference: String,
        decision_id: i64,
    },
    /// A member's packet to merge: the files found where packets usually
    /// land (path, label), narrowed by what is typed.
    ImportPacket {
        candidates: Vec<(String, String)>,
    },
    /// A letter asking for missing pieces.
    RequestPieces {
        reference: String,
    },
    /// Completing or correcting a dossier: field i is `pointers[i]`.
    EditDossier {
        reference: String,
        pointers: Vec<String>,
    },
    ResolveMerge {
        id: i64,
    },
    /// Jury's balanced assignment of rapporteurs, to confirm (k chosen
    /// here when the call does not set it).
    ProposeAssignment,
    /// Proposing a timetable (a confirmation), or recording an
    /// unavailability: submitted by `update::timetable`.
    Schedule(ScheduleForm),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ScheduleForm {
    Propose,
    Unavailable,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub purpose: Purpose,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last submission was refused; shown in the form.
    pub error: Option<String>,
    /// A line of context under the title.
    pub note: Option<String>,
}

impl Form {
    pub fn new(purpose: Purpose, title: impl Into<String>, fields: Vec<Field>) -> Form {
        let mut f = Form {
            purpose,
            title: title.into(),
            fields,
            focus: 0,
            error: None,
            note: None,
        };
        if f.fields.get(f.focus).is_some_and(|x| x.hidden) {
            f.move_focus(1);
        }
        f
    }

    pub fn text(id: &'static str, label: impl Into<String>, value: impl Into<String>) -> Field {
        Field {
            id,
            label: label.into(),
            value: Value::Text(value.into()),
            hidden: false,
        }
    }

    /// A date field showing `day` as the interface writes it (`7 juillet
    /// 2025`); [`date_of`](Form::date_of) reads back any form a person types.
    pub fn date(
        id: &'static str,
        label: impl Into<String>,
        day: chrono::NaiveDate,
        lang: jury_core::fr::Lang,
    ) -> Field {
        Form::text(id, label, lang.date(day))
    }

    pub fn choice(
        id: &'static str,
        label: impl Into<String>,
        options: Vec<(String, String)>,
        selected: usize,
    ) -> Field {
        Field {
            id,
            label: label.into(),
            value: Value::Choice { options, selected },
            hidden: false,
        }
    }

    pub fn check(id: &'static str, label: impl Into<String>, on: bool) -> Field {
        Field {
            id,
            label: label.into(),
            value: Value::Check(on),
            hidden: false,
        }
    }

    pub fn move_focus(&mut self, step: isize) {
        let n = self.fields.len() as isize;
        if n == 0 {
            return;
        }
        let mut at = self.focus as isize;
        for _ in 0..n {
            at = (at + step).rem_euclid(n);
            if !self.fields[at as usize].hidden {
                self.focus = at as usize;
                return;
            }
        }
    }

    pub fn focused(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }

    /// A typed character: into a text field, or Space toggling a box.
    /// Types `c` into the focused field. On a choice or a box, the text
    /// goes to the next text field (typing a justification after choosing
    /// a verdict must not vanish); false when the form has none.
    pub fn insert(&mut self, c: char) -> bool {
        let Some(f) = self.focused() else {
            return false;
        };
        match &mut f.value {
            Value::Text(s) => {
                s.push(c);
                return true;
            }
            Value::Check(on) if c == ' ' => {
                *on = !*on;
                return true;
            }
            _ => {}
        }
        let n = self.fields.len();
        let next = (1..n)
            .map(|k| (self.focus + k) % n)
            .find(|&i| !self.fields[i].hidden && matches!(self.fields[i].value, Value::Text(_)));
        match next {
            Some(i) => {
                self.focus = i;
                if let Value::Text(s) = &mut self.fields[i].value {
                    s.push(c);
                }
                true
            }
            None => false,
        }
    }

    pub fn delete_back(&mut self) {
        if let Some(Field {
            value: Value::Text(s),
            ..
        }) = self.focused()
        {
            s.pop();
        }
    }

    /// ←/→ on a choice.
    pub fn cycle(&mut self, step: isize) {
        if let Some(Field {
            value: Value::Choice { options, selected },
            ..
        }) = self.focused()
            && !options.is_empty()
        {
            *selected = (*selected as isize + step).rem_euclid(options.len() as isize) as usize;
        }
    }

    pub fn get(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.id == id)
    }

    pub fn text_of(&self, id: &str) -> String {
        match self.get(id).map(|f| &f.value) {
            Some(Value::Text(s)) => s.trim().to_string(),
            _ => String::new(),
        }
    }

    /// The date typed in field `id`, in any form `jury_core::dates` reads.
    pub fn date_of(&self, id: &str) -> Result<chrono::NaiveDate, jury_core::dates::DateError> {
        jury_core::dates::parse(&self.text_of(id))
    }

    pub fn choice_of(&self, id: &str) -> Option<String> {
        match self.get(id).map(|f| &f.value) {
            Some(Value::Choice { options, selected }) => {
                options.get(*selected).map(|o| o.0.clone())
            }
            _ => None,
        }
    }

    pub fn checks(&self) -> Vec<(&str, bool)> {
        self.fields
            .iter()
            .filter_map(|f| match f.value {
                Value::Check(on) => Some((f.label.as_str(), on)),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_skips_hidden_fields_and_wraps() {
        let mut hidden = Form::text("b", "B", "");
        hidden.hidden = true;
        let mut f = Form::new(
            Purpose::AddMember,
            "t",
            vec![
                Form::text("a", "A", ""),
                hidden,
                Form::check("c", "C", false),
            ],
        );
        f.move_focus(1);
        assert_eq!(f.focus, 2);
        f.insert(' ');
        assert_eq!(f.checks(), vec![("C", true)]);
        f.move_focus(1);
        assert_eq!(f.focus, 0);
        f.insert('x');
        f.delete_back();
        f.insert('y');
        assert_eq!(f.text_of("a"), "y");
    }
}
