//! The timetable screen: the cursor over days and slot times, a proposal
//! to confirm, moving and swapping candidates, fixing slots, recording an
//! unavailability. Only the chair and the secretary change the timetable;
//! every change goes to the store as a `Change` and is said done once
//! written.

use super::{Change, Effect};
use crate::app::action::Action;
use crate::app::form::{Form, Purpose, ScheduleForm};
use crate::app::state::{Mode, Row, Screen, State, timetable_rows};
use chrono::NaiveTime;
use jury_core::fr::{Lang, Tr};
use jury_core::schedule::{self, Proposal};
use jury_core::stage::{Slot, Span, Unavailable, Who};

mod text {
    use jury_core::fr::Tr;
    pub const NO_AUDITION: Tr = Tr::new(
        "Cet appel ne prévoit pas d'auditions (« audition » dans appel.json) : pas de calendrier.",
        "This call has no auditions (« audition » in appel.json): no timetable.",
    );
    pub const ONLY_CHAIR_SECRETARY: Tr = Tr::new(
        "Seuls la présidence et le secrétariat modifient le calendrier des auditions.",
        "Only the chair and the secretary change the audition timetable.",
    );
    pub const NOBODY_CONVENED: Tr = Tr::new(
        "Aucun candidat n'est convoqué à l'audition : enregistrez d'abord la décision « convoqué·e à l'audition ».",
        "No candidate is convened to the audition: record the « convened to the audition » decision first.",
    );
    pub const PROPOSE: Tr = Tr::new("Proposer un calendrier", "Propose a timetable");
    pub const PLACED: Tr = Tr::new("candidat placé sur", "candidate placed out of");
    pub const PLACED_MANY: Tr = Tr::new("candidats placés sur", "candidates placed out of");
    pub const FIXED_KEPT: Tr = Tr::new("créneau fixé gardé", "fixed slot kept");
    pub const FIXED_KEPT_MANY: Tr = Tr::new("créneaux fixés gardés", "fixed slots kept");
    pub const NOT_PLACED: Tr = Tr::new("Non placés :", "Not placed:");
    pub const EMPTY_CELL: Tr = Tr::new(
        "Aucun candidat sur ce créneau : placez le curseur sur un candidat.",
        "No candidate at this slot: put the cursor on a candidate.",
    );
    pub const PICKED: Tr = Tr::new(
        "à déplacer : allez sur le créneau d'arrivée puis « déplacer » (Échap : annuler).",
        "to move: go to the target slot, then « move » (Esc: cancel).",
    );
    pub const PICK_CANCELLED: Tr = Tr::new("Déplacement annulé.", "Move cancelled.");
    pub const MOVE_REFUSED: Tr = Tr::new("Déplacement refusé :", "Move refused:");
    pub const ON_A_BREAK: Tr = Tr::new(
        "c'est une pause, gardée libre tous les jours",
        "it is a break, kept free every day",
    );
    pub const UNAVAILABLE: Tr = Tr::new("Noter une indisponibilité", "Record an unavailability");
    pub const WHO: Tr = Tr::new("Qui", "Who");
    pub const DAY: Tr = Tr::new("Jour", "Day");
    pub const FROM: Tr = Tr::new(
        "De (HH:MM, vide : toute la journée)",
        "From (HH:MM, empty: all day)",
    );
    pub const TO: Tr = Tr::new("À (HH:MM)", "To (HH:MM)");
    pub const BAD_TIME: Tr = Tr::new(
        "Heure invalide : écrivez HH:MM (ex. 09:30), de et à tous deux ou ni l'un ni l'autre, la fin après le début.",
        "Invalid time: write HH:MM (e.g. 09:30), both from and to or neither, the end after the start.",
    );
    pub const MEMBER: Tr = Tr::new("membre", "member");
    pub const CANDIDATE: Tr = Tr::new("candidat", "candidate");
    pub const PROPOSED: Tr = Tr::new(
        "Calendrier proposé et enregistré :",
        "Timetable proposed and saved:",
    );
    pub const SLOTS: Tr = Tr::new("créneaux", "slots");
    pub const MOVED: Tr = Tr::new("déplacé au", "moved to");
    pub const SWAPPED: Tr = Tr::new("échangés", "swapped");
    pub const FIXED: Tr = Tr::new(
        "créneau fixé (gardé par les propositions)",
        "slot fixed (kept by proposals)",
    );
    pub const FREED: Tr = Tr::new("créneau libéré", "slot freed");
    pub const UNAVAILABLE_RECORDED: Tr =
        Tr::new("Indisponibilité enregistrée :", "Unavailability recorded:");
}

fn refuse(s: &mut State, why: Tr) -> Vec<Effect> {
    s.set_error(s.env.lang.tr(why));
    Vec::new()
}

/// `f5` / `t`: opens the timetable, or goes back to where it was opened
/// from; with a candidate picked up, `esc` drops it first.
pub(super) fn toggle(s: &mut State) -> Vec<Effect> {
    if s.screen == Screen::Timetable {
        if s.timetable_view.picked.take().is_some() {
            let lang = s.env.lang;
            s.set_status(lang.tr(text::PICK_CANCELLED));
        } else {
            s.screen = s.timetable_view.back;
        }
        return Vec::new();
    }
    if s.audition().is_none() {
        return refuse(s, text::NO_AUDITION);
    }
    s.timetable_view.back = s.screen;
    s.screen = Screen::Timetable;
    // First opened on a day with no audition: the first day that has one.
    let first = s.batch.committee.data.slots.first().map(|x| x.day);
    if let (Some(day), Some(a)) = (first, s.audition())
        && s.timetable_cursor()
            .is_none_or(|(d, _)| !s.batch.committee.data.slots.iter().any(|x| x.day == d))
        && let Some(i) = a.days.iter().position(|d| *d == day)
    {
        s.timetable_view.day = i;
    }
    step_row(s, 0);
    Vec::new()
}

/// Moves the cursor `step` slot rows, over breaks (0: onto a slot row).
fn step_row(s: &mut State, step: isize) {
    let Some(a) = s.audition() else {
        return;
    };
    let slots: Vec<usize> = timetable_rows(a)
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r, Row::Slot(_)))
        .map(|(i, _)| i)
        .collect();
    let Some(last) = slots.len().checked_sub(1) else {
        return;
    };
    let now = slots
        .iter()
        .position(|&i| i >= s.timetable_view.row)
        .unwrap_or(last);
    let to = (now as isize + step).clamp(0, last as isize) as usize;
    s.timetable_view.row = slots[to];
}

pub(super) fn normal(s: &mut State, action: Action) -> Vec<Effect> {
    let days = s.audition().map(|a| a.days.len()).unwrap_or(0);
    match action {
        Action::Quit => s.quit = true,
        Action::Help => s.mode = Mode::Help { scroll: 0 },
        Action::Down => step_row(s, 1),
        Action::Up => step_row(s, -1),
        Action::Top => {
            s.timetable_view.row = 0;
            step_row(s, 0);
        }
        Action::Bottom => {
            s.timetable_view.row = usize::MAX / 2;
            step_row(s, 0);
        }
        Action::SlotLeft => s.timetable_view.day = s.timetable_view.day.saturating_sub(1),
        Action::SlotRight => {
            s.timetable_view.day = (s.timetable_view.day + 1).min(days.saturating_sub(1))
        }
        Action::ProposeSchedule => return propose_form(s),
        Action::MoveSlot | Action::Confirm => return move_here(s),
        Action::FixSlot => return fix(s),
        Action::RecordUnavailable => return unavailable_form(s),
        Action::Undo => return vec![Effect::Committee(Change::Undo)],
        // `h` moves left here: the candidate's history is on `H`.
        Action::History => {
            if let Some(slot) = s.slot_under_cursor() {
                return vec![Effect::LoadHistory(slot.reference.clone())];
            }
        }
        Action::Cancel => {
            s.timetable_view.picked = None;
        }
        _ => {}
    }
    Vec::new()
}

fn proposal(s: &State) -> Option<Proposal> {
    let candidates = schedule::shortlisted(&s.batch.committee);
    let fixed: Vec<Slot> = s
        .batch
        .committee
        .data
        .slots
        .iter()
        .filter(|x| x.fixed)
        .cloned()
        .collect();
    s.with_rules(|r| r.propose(&candidates, &fixed))
}

fn propose_form(s: &mut State) -> Vec<Effect> {
    if !s.may_decide() {
        return refuse(s, text::ONLY_CHAIR_SECRETARY);
    }
    let lang = s.env.lang;
    let candidates = schedule::shortlisted(&s.batch.committee);
    if candidates.is_empty() {
        return refuse(s, text::NOBODY_CONVENED);
    }
    let Some(p) = proposal(s) else {
        return refuse(s, text::NO_AUDITION);
    };
    let fixed = p.slots.iter().filter(|x| x.fixed).count();
    let placed = p.slots.len() - fixed;
    // French counts 0 and 1 in the singular, English only 1.
    let many = |n: usize| n > 1 || (n == 0 && lang == Lang::En);
    let mut note = format!(
        "{placed} {} {}, {fixed} {}.",
        lang.tr(if many(placed) {
            text::PLACED_MANY
        } else {
            text::PLACED
        }),
        placed + p.unplaced.len(),
        lang.tr(if many(fixed) {
            text::FIXED_KEPT_MANY
        } else {
            text::FIXED_KEPT
        })
    );
    if !p.unplaced.is_empty() {
        let list: Vec<String> = p
            .unplaced
            .iter()
            .map(|(r, why)| format!("{r} ({})", why.message(lang)))
            .collect();
        note.push_str(&format!(
            " {} {}",
            lang.tr(text::NOT_PLACED),
            list.join(" ; ")
        ));
    }
    let mut form = Form::new(
        Purpose::Schedule(ScheduleForm::Propose),
        lang.tr(text::PROPOSE),
        Vec::new(),
    );
    form.note = Some(note);
    s.mode = Mode::Form(form);
    Vec::new()
}

/// The form's submission (its editing keys are the committee forms').
pub(super) fn submit(
    s: &mut State,
    form: &Form,
    what: &ScheduleForm,
) -> Result<Vec<Effect>, String> {
    let lang = s.env.lang;
    let change = match what {
        // Proposed again on confirming: the same inputs give the same slots.
        ScheduleForm::Propose => match proposal(s) {
            Some(p) => Change::ProposeSchedule(p.slots),
            None => return Err(lang.tr(text::NO_AUDITION).into()),
        },
        ScheduleForm::Unavailable => {
            let who = form.choice_of("who").unwrap_or_default();
            let who = match who.split_once(':') {
                Some(("m", name)) => Who::Member(name.to_string()),
                Some((_, reference)) => Who::Candidate(reference.to_string()),
                None => return Err(lang.tr(text::WHO).into()),
            };
            let day = form.date_of("day").map_err(|e| e.message(lang))?;
            let time = |id: &str| {
                let t = form.text_of(id);
                (!t.is_empty()).then(|| NaiveTime::parse_from_str(&t, "%H:%M").ok())
            };
            let span = match (time("from"), time("to")) {
                (None, None) => None,
                (Some(Some(from)), Some(Some(to))) if from < to => Some(Span { from, to }),
                _ => return Err(lang.tr(text::BAD_TIME).into()),
            };
            Change::Unavailable(Unavailable { who, day, span })
        }
    };
    Ok(vec![Effect::Committee(change)])
}

fn fix(s: &mut State) -> Vec<Effect> {
    if !s.may_decide() {
        return refuse(s, text::ONLY_CHAIR_SECRETARY);
    }
    match s.slot_under_cursor() {
        Some(slot) => vec![Effect::Committee(Change::FixSlot {
            reference: slot.reference.clone(),
            fixed: !slot.fixed,
        })],
        None => refuse(s, text::EMPTY_CELL),
    }
}

/// `m` on a candidate picks them up; `m` (or Entrée) on another cell moves
/// them there, or swaps them with the candidate who holds it.
fn move_here(s: &mut State) -> Vec<Effect> {
    if !s.may_decide() {
        return refuse(s, text::ONLY_CHAIR_SECRETARY);
    }
    let lang = s.env.lang;
    let Some(picked) = s.timetable_view.picked.clone() else {
        return match s.slot_under_cursor().map(|x| x.reference.clone()) {
            Some(reference) => {
                s.set_status(format!("{reference} {}", lang.tr(text::PICKED)));
                s.timetable_view.picked = Some(reference);
                Vec::new()
            }
            None => refuse(s, text::EMPTY_CELL),
        };
    };
    let Some((day, span)) = s.timetable_cursor() else {
        s.set_error(format!(
            "{} {}",
            lang.tr(text::MOVE_REFUSED),
            lang.tr(text::ON_A_BREAK)
        ));
        return Vec::new();
    };
    let Some(from) = s
        .batch
        .committee
        .data
        .slots
        .iter()
        .find(|x| x.reference == picked)
        .cloned()
    else {
        s.timetable_view.picked = None;
        return Vec::new();
    };
    let holder = s.slot_at(day, &span).cloned();
    if holder.as_ref().is_some_and(|h| h.reference == picked) {
        s.timetable_view.picked = None;
        s.set_status(lang.tr(text::PICK_CANCELLED));
        return Vec::new();
    }
    // Where each lands, with the panel that sits there, or why not.
    let placed = |s: &State, reference: &str, was: &Slot, day, span: Span| {
        s.with_rules(|r| r.check(reference, day, &span))
            .unwrap_or(Err(schedule::Unusable::OutsideWindow))
            .map(|panel| Slot {
                reference: reference.to_string(),
                day,
                span,
                panel,
                fixed: was.fixed,
            })
            .map_err(|why| format!("{reference} : {}", why.message(lang)))
    };
    let change = match &holder {
        None => placed(s, &picked, &from, day, span).map(Change::MoveSlot),
        Some(other) => placed(s, &picked, &from, day, other.span).and_then(|a| {
            placed(s, &other.reference, other, from.day, from.span).map(|b| Change::SwapSlots(a, b))
        }),
    };
    match change {
        Ok(change) => {
            s.timetable_view.picked = None;
            vec![Effect::Committee(change)]
        }
        Err(why) => {
            // The candidate stays picked up: another cell may do.
            s.set_error(format!("{} {why}", lang.tr(text::MOVE_REFUSED)));
            Vec::new()
        }
    }
}

fn unavailable_form(s: &mut State) -> Vec<Effect> {
    if !s.may_decide() {
        return refuse(s, text::ONLY_CHAIR_SECRETARY);
    }
    let lang = s.env.lang;
    let Some(a) = s.audition() else {
        return refuse(s, text::NO_AUDITION);
    };
    let first_day = a.days.first().copied();
    let cursor = s.timetable_cursor();
    let under = s.slot_under_cursor().map(|x| x.reference.clone());
    let mut options: Vec<(String, String)> = s
        .audition_panel()
        .into_iter()
        .map(|m| (format!("m:{m}"), format!("{m} ({})", lang.tr(text::MEMBER))))
        .collect();
    options.extend(
        schedule::shortlisted(&s.batch.committee)
            .into_iter()
            .map(|r| {
                let label = format!("{r} ({})", lang.tr(text::CANDIDATE));
                (format!("c:{r}"), label)
            }),
    );
    // The candidate under the cursor first chosen, else the first member.
    let selected = under
        .and_then(|r| options.iter().position(|o| o.0 == format!("c:{r}")))
        .unwrap_or(0);
    let (day, from, to) = match (cursor, first_day) {
        (Some((d, span)), _) => (
            Some(d),
            span.from.format("%H:%M").to_string(),
            span.to.format("%H:%M").to_string(),
        ),
        (None, d) => (d, String::new(), String::new()),
    };
    let Some(day) = day else {
        return refuse(s, text::NO_AUDITION);
    };
    let form = Form::new(
        Purpose::Schedule(ScheduleForm::Unavailable),
        lang.tr(text::UNAVAILABLE),
        vec![
            Form::choice("who", lang.tr(text::WHO), options, selected),
            Form::date("day", lang.tr(text::DAY), day, lang),
            Form::text("from", lang.tr(text::FROM), from),
            Form::text("to", lang.tr(text::TO), to),
        ],
    );
    s.mode = Mode::Form(form);
    Vec::new()
}

fn at(slot: &Slot, lang: Lang) -> String {
    format!("{} {}", lang.date(slot.day), slot.span.from.format("%H:%M"))
}

/// What the status line says once a timetable change is written.
pub(super) fn written(change: &Change, lang: Lang) -> String {
    match change {
        Change::ProposeSchedule(slots) => {
            format!(
                "{} {} {}",
                lang.tr(text::PROPOSED),
                slots.len(),
                lang.tr(text::SLOTS)
            )
        }
        Change::MoveSlot(slot) => {
            format!(
                "{} {} {}",
                slot.reference,
                lang.tr(text::MOVED),
                at(slot, lang)
            )
        }
        Change::SwapSlots(a, b) => format!(
            "{} / {} {} ({}, {})",
            a.reference,
            b.reference,
            lang.tr(text::SWAPPED),
            at(a, lang),
            at(b, lang)
        ),
        Change::FixSlot { reference, fixed } => format!(
            "{reference} : {}",
            lang.tr(if *fixed { text::FIXED } else { text::FREED })
        ),
        Change::Unavailable(u) => {
            let who = match &u.who {
                Who::Member(m) => m.clone(),
                Who::Candidate(c) => c.clone(),
            };
            let when = match u.span {
                Some(span) => format!(
                    "{} {}–{}",
                    lang.date(u.day),
                    span.from.format("%H:%M"),
                    span.to.format("%H:%M")
                ),
                None => lang.date(u.day),
            };
            format!("{} {who}, {when}", lang.tr(text::UNAVAILABLE_RECORDED))
        }
        _ => String::new(),
    }
}
