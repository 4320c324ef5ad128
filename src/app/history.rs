//! What a dossier's audit events say happened, read once from the JSON the
//! store recorded, so that the screen only has to put it into words.

use crate::app::state::HistoryLine;
use jury_core::audit::Event;
use serde_json::Value;

/// What one audit event on a dossier records. Criteria and decisions are
/// named by their ids; the screen shows their labels.
#[derive(Clone, Debug, PartialEq)]
pub enum Happened {
    /// The dossier entered the database.
    Imported,
    /// A member's score on one criterion went from `before` to `after`
    /// (`None`: no score). `comment` is the new comment, when the event
    /// changed it to something.
    Score {
        criterion: String,
        before: Option<f64>,
        after: Option<f64>,
        comment: Option<String>,
    },
    /// The chair's consensus score on one criterion.
    Consensus {
        criterion: String,
        before: Option<f64>,
        after: Option<f64>,
    },
    /// A member declared (or withdrew) a conflict of interest.
    Conflict { member: String, declared: bool },
    /// A member made a rapporteur of the dossier, or no longer one.
    Assigned { member: String, assigned: bool },
    /// The chair overrode the rules' eligibility result, with a justification.
    Override {
        eligible: bool,
        justification: String,
    },
    /// The chair's override was removed: the rules decide again.
    OverrideRemoved,
    /// A decision recorded; `changed` when it replaced an earlier one.
    Decision {
        kind: String,
        motivation: String,
        changed: bool,
    },
    /// A new version of the dossier: typed in the app, or its file's
    /// accepted; the fields changed (JSON Pointers).
    NewVersion {
        version: i64,
        from_file: bool,
        changed: Vec<String>,
    },
    /// Missing pieces asked for, by `due` (ISO date).
    PiecesRequested { due: String, missing: String },
    /// A letter produced (PDF, ODT, EML), dated `signed_on`.
    LetterProduced { signed_on: String },
    /// A letter marked sent on `date` by `channel` (email, post).
    LetterSent { date: String, channel: String },
    /// A letter's acknowledgement of receipt, received on `date`.
    LetterAcknowledged { date: String },
    /// A disagreement between packets settled by the chair: the score kept.
    PacketResolved {
        criterion: String,
        member: String,
        kept: Option<f64>,
    },
    /// Recorded absent from the audition (`absent`), or that withdrawn.
    Absence { absent: bool },
    /// The candidate withdrew, on `received_on` (ISO) by `channel`.
    Withdrew {
        received_on: String,
        channel: String,
    },
    /// Someone (`promoted`) was promoted from the waiting list in this
    /// candidate's place after their withdrawal.
    Replaced { promoted: String },
    /// The candidate's audition slot moved (alone or swapped with
    /// another's) to `day` (ISO) at `from` (HH:MM).
    SlotMoved { day: String, from: String },
    /// The audition slot fixed (a new proposal keeps it) or freed.
    SlotFixed(bool),
    /// The actor undid their last action.
    Undo,
    /// An event the history does not describe: its action as recorded.
    Other(String),
}

impl Happened {
    /// Reads an event's action, target and recorded states. A state that is
    /// missing or not JSON reads as empty, so a damaged event still shows.
    pub fn read(action: &str, target: &str, before: Option<&str>, after: Option<&str>) -> Happened {
        let parse = |v: Option<&str>| -> Value {
            v.and_then(|x| serde_json::from_str(x).ok())
                .unwrap_or(Value::Null)
        };
        let (before, after) = (parse(before), parse(after));
        let text = |v: &Value, key: &str| v[key].as_str().unwrap_or("").to_string();
        // Scores are recorded on "<reference>/<criterion>".
        let criterion = target
            .split_once('/')
            .map(|(_, c)| c.to_string())
            .unwrap_or_default();
        match action {
            "import" => Happened::Imported,
            "score" | "packet.score" => {
                let comment = text(&after, "comment");
                let changed = comment != text(&before, "comment") && !comment.is_empty();
                Happened::Score {
                    criterion,
                    before: before["value"].as_f64(),
                    after: after["value"].as_f64(),
                    comment: changed.then_some(comment),
                }
            }
            "consensus" => Happened::Consensus {
                criterion,
                before: before["value"].as_f64(),
                after: after["value"].as_f64(),
            },
            "conflict" => Happened::Conflict {
                member: text(&after, "member"),
                declared: after["declared"].as_bool() == Some(true),
            },
            "decision.withdrawal" => Happened::Withdrew {
                received_on: text(&after, "received_on"),
                channel: text(&after, "channel"),
            },
            "decision.promotion" => Happened::Replaced {
                promoted: text(&after, "promoted"),
            },
            "audition.absence" => Happened::Absence {
                absent: after["absent"].as_bool() == Some(true),
            },
            "assign.add" => Happened::Assigned {
                member: text(&after, "member"),
                assigned: true,
            },
            "assign.remove" => Happened::Assigned {
                member: text(&before, "member"),
                assigned: false,
            },
            "override" => match after["eligible"].as_bool() {
                Some(eligible) => Happened::Override {
                    eligible,
                    justification: text(&after, "justification"),
                },
                None => Happened::OverrideRemoved,
            },
            "decision" | "decision.change" => Happened::Decision {
                kind: text(&after, "kind"),
                motivation: text(&after, "motivation"),
                changed: action == "decision.change",
            },
            "dossier.edit" | "dossier.accept" => Happened::NewVersion {
                version: after["version"].as_i64().unwrap_or(0),
                from_file: action == "dossier.accept",
                changed: after["changed"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            "dossier.request" => Happened::PiecesRequested {
                due: text(&after, "due"),
                missing: text(&after, "missing"),
            },
            "letter" => Happened::LetterProduced {
                signed_on: text(&after, "signed_on"),
            },
            "letter.sent" => Happened::LetterSent {
                date: text(&after, "date"),
                channel: text(&after, "channel"),
            },
            "letter.acknowledged" => Happened::LetterAcknowledged {
                date: text(&after, "date"),
            },
            "packet.resolve" => Happened::PacketResolved {
                criterion,
                member: text(&after, "member"),
                kept: after["value"].as_f64(),
            },
            // A swap is recorded on "<reference>/<other reference>".
            "schedule.move" | "schedule.swap" => {
                let reference = target.split('/').next().unwrap_or(target);
                let slot = after["slots"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|s| s["reference"].as_str() == Some(reference));
                Happened::SlotMoved {
                    day: slot.map(|s| text(s, "day")).unwrap_or_default(),
                    from: slot.map(|s| text(s, "from")).unwrap_or_default(),
                }
            }
            "schedule.fix" | "schedule.unfix" => Happened::SlotFixed(action == "schedule.fix"),
            "undo" => Happened::Undo,
            other => Happened::Other(other.to_string()),
        }
    }
}

impl From<Event> for HistoryLine {
    fn from(e: Event) -> HistoryLine {
        let what = Happened::read(
            &e.action,
            &e.target,
            e.before.as_deref(),
            e.after.as_deref(),
        );
        HistoryLine {
            at: e.at,
            actor: e.actor,
            what,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(action: &str, target: &str, before: Option<&str>, after: Option<&str>) -> Happened {
        Happened::read(action, target, before, after)
    }

    #[test]
    fn a_score_reads_its_criterion_values_and_new_comment() {
        assert_eq!(
            read(
                "score",
                "PDNP06-2025-001/experience",
                None,
                Some(r#"{"value":4.0,"comment":""}"#)
            ),
            Happened::Score {
                criterion: "experience".into(),
                before: None,
                after: Some(4.0),
                comment: None,
            }
        );
        assert_eq!(
            read(
                "score",
                "PDNP06-2025-001/projet",
                Some(r#"{"value":2.0,"comment":""}"#),
                Some(r#"{"value":null,"comment":"bon ancrage"}"#)
            ),
            Happened::Score {
                criterion: "projet".into(),
                before: Some(2.0),
                after: None,
                comment: Some("bon ancrage".into()),
            }
        );
        // A comment kept as it was, or cleared, is not news.
        for (before, after) in [("x", "x"), ("x", "")] {
            let state = |c: &str| format!(r#"{{"value":3.0,"comment":"{c}"}}"#);
            assert!(matches!(
                read("score", "R/c", Some(&state(before)), Some(&state(after))),
                Happened::Score { comment: None, .. }
            ));
        }
    }

    #[test]
    fn consensus_conflict_override_and_decision() {
        assert_eq!(
            read(
                "consensus",
                "R/c",
                Some(r#"{"value":null}"#),
                Some(r#"{"value":3.5}"#)
            ),
            Happened::Consensus {
                criterion: "c".into(),
                before: None,
                after: Some(3.5),
            }
        );
        assert_eq!(
            read(
                "conflict",
                "R",
                Some(r#"{"member":"Zoé","declared":false,"reason":""}"#),
                Some(r#"{"member":"Zoé","declared":true,"reason":"cousine"}"#)
            ),
            Happened::Conflict {
                member: "Zoé".into(),
                declared: true,
            }
        );
        assert_eq!(
            read(
                "override",
                "R",
                None,
                Some(r#"{"eligible":false,"justification":"hors délai"}"#)
            ),
            Happened::Override {
                eligible: false,
                justification: "hors délai".into(),
            }
        );
        assert_eq!(
            read("override", "R", Some(r#"{"eligible":true}"#), None),
            Happened::OverrideRemoved
        );
        assert_eq!(
            read(
                "decision.change",
                "R",
                Some(r#"{"kind":"accepted"}"#),
                Some(r#"{"kind":"refused","motivation":"projet fragile"}"#)
            ),
            Happened::Decision {
                kind: "refused".into(),
                motivation: "projet fragile".into(),
                changed: true,
            }
        );
    }

    #[test]
    fn import_undo_unknown_and_damaged_events() {
        assert_eq!(read("import", "R", None, Some("3f2a…")), Happened::Imported);
        assert_eq!(
            read("undo", "R/c", None, Some(r#"{"undo_of":7}"#)),
            Happened::Undo
        );
        assert_eq!(
            read("bundle.issue", "R", None, Some("{}")),
            Happened::Other("bundle.issue".into())
        );
        assert_eq!(
            read(
                "letter.sent",
                "R",
                None,
                Some(r#"{"date":"2025-07-10","channel":"post"}"#)
            ),
            Happened::LetterSent {
                date: "2025-07-10".into(),
                channel: "post".into()
            }
        );
        // Not JSON: read as an empty state rather than lost.
        assert_eq!(
            read("conflict", "R", None, Some("not json")),
            Happened::Conflict {
                member: String::new(),
                declared: false,
            }
        );
        assert_eq!(
            read("score", "R", None, None),
            Happened::Score {
                criterion: String::new(),
                before: None,
                after: None,
                comment: None,
            }
        );
    }

    #[test]
    fn an_absence_recorded_or_withdrawn_reads_as_such() {
        assert_eq!(
            read(
                "audition.absence",
                "R",
                Some(r#"{"absent":false}"#),
                Some(r#"{"absent":true}"#)
            ),
            Happened::Absence { absent: true }
        );
        assert_eq!(
            read(
                "audition.absence",
                "R",
                Some(r#"{"absent":true}"#),
                Some(r#"{"absent":false}"#)
            ),
            Happened::Absence { absent: false }
        );
    }

    #[test]
    fn a_withdrawal_and_the_promotion_that_followed() {
        assert_eq!(
            read(
                "decision.withdrawal",
                "R",
                None,
                Some(r#"{"session_id":1,"received_on":"2025-09-03","channel":"post"}"#)
            ),
            Happened::Withdrew {
                received_on: "2025-09-03".into(),
                channel: "post".into()
            }
        );
        assert_eq!(
            read(
                "decision.promotion",
                "R",
                None,
                Some(r#"{"promoted":"S","session_id":2}"#)
            ),
            Happened::Replaced {
                promoted: "S".into()
            }
        );
    }

    #[test]
    fn a_swap_reads_the_slot_of_the_dossier_it_is_listed_under() {
        let after = r#"{"slots":[
            {"reference":"A","day":"2025-07-10","from":"14:00","to":"14:45","panel":[],"fixed":false},
            {"reference":"B","day":"2025-07-11","from":"09:00","to":"09:45","panel":[],"fixed":true}]}"#;
        assert_eq!(
            read("schedule.swap", "A/B", None, Some(after)),
            Happened::SlotMoved {
                day: "2025-07-10".into(),
                from: "14:00".into()
            }
        );
        assert_eq!(
            read("schedule.unfix", "B", None, None),
            Happened::SlotFixed(false)
        );
    }

    #[test]
    fn an_assignment_added_or_removed_names_the_member() {
        assert_eq!(
            read("assign.add", "R", None, Some(r#"{"member":"J"}"#)),
            Happened::Assigned {
                member: "J".into(),
                assigned: true
            }
        );
        assert_eq!(
            read("assign.remove", "R", Some(r#"{"member":"J"}"#), None),
            Happened::Assigned {
                member: "J".into(),
                assigned: false
            }
        );
    }

    #[test]
    fn an_event_becomes_a_history_line() {
        let line = HistoryLine::from(Event {
            id: 1,
            at: "2025-07-07T08:00:00.000Z".into(),
            actor: "Sylvie Marcellin".into(),
            action: "undo".into(),
            target: "R".into(),
            before: None,
            after: None,
            prev_hash: String::new(),
            hash: String::new(),
        });
        assert_eq!(
            line,
            HistoryLine {
                at: "2025-07-07T08:00:00.000Z".into(),
                actor: "Sylvie Marcellin".into(),
                what: Happened::Undo,
            }
        );
    }
}
