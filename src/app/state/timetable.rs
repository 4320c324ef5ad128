//! The timetable screen's part of the state: where the cursor is, the
//! candidate picked up to move, and the rows (slot times and breaks) the
//! window's days share.

use super::{Screen, State};
use chrono::NaiveDate;
use jury_core::schedule::{self, Rules};
use jury_core::stage::{Audition, Slot, Span};

/// One row of the timetable: a slot time, or a break kept free every day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    Slot(Span),
    Break(Span),
}

pub struct TimetableView {
    /// The day column under the cursor, into the window's days.
    pub day: usize,
    /// The row under the cursor, into [`rows`]; never a break.
    pub row: usize,
    /// The candidate picked up with « déplacer », waiting for where to go.
    pub picked: Option<String>,
    /// The screen `esc` goes back to.
    pub back: Screen,
}

impl Default for TimetableView {
    fn default() -> TimetableView {
        TimetableView {
            day: 0,
            row: 0,
            picked: None,
            back: Screen::Committee,
        }
    }
}

/// What changed under a slot since it was set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SlotProblem {
    Unusable(schedule::Unusable),
    /// The panel that would sit now.
    PanelChanged(Vec<String>),
}

/// The rows every day of the window has: slot times in order, breaks where
/// they fall between them.
pub fn rows(a: &Audition) -> Vec<Row> {
    let mut spans: Vec<Span> = a.slots().into_iter().map(|(_, s)| s).collect();
    spans.sort();
    spans.dedup();
    let mut out: Vec<Row> = spans.into_iter().map(Row::Slot).collect();
    for b in &a.breaks {
        let at = out
            .iter()
            .position(|r| matches!(r, Row::Slot(s) if s.from >= b.to))
            .unwrap_or(out.len());
        // Only a break that falls between slots is a row of its own.
        if at > 0 && at < out.len() {
            out.insert(at, Row::Break(*b));
        }
    }
    out
}

impl State {
    /// The call's audition stage, if it has one.
    pub fn audition(&self) -> Option<&Audition> {
        self.batch.call.audition.as_ref()
    }

    /// The resolved panel: the call's, or every member who scores.
    pub fn audition_panel(&self) -> Vec<String> {
        self.audition()
            .map(|a| schedule::panel(a, &self.batch.committee.data.members))
            .unwrap_or_default()
    }

    /// What the timetable must respect, for `f` to use.
    pub fn with_rules<T>(&self, f: impl FnOnce(&Rules) -> T) -> Option<T> {
        let audition = self.audition()?;
        let panel = self.audition_panel();
        let rules = Rules {
            audition,
            panel: &panel,
            conflicts: &self.batch.committee.conflicts,
            unavailable: &self.batch.committee.data.unavailable,
            minimum: schedule::minimum(self.batch.call.quorum, panel.len()),
        };
        Some(f(&rules))
    }

    /// The day and time under the cursor (None on a call without auditions).
    pub fn timetable_cursor(&self) -> Option<(NaiveDate, Span)> {
        let a = self.audition()?;
        let day = *a.days.get(self.timetable_view.day)?;
        match rows(a).get(self.timetable_view.row)? {
            Row::Slot(span) => Some((day, *span)),
            Row::Break(_) => None,
        }
    }

    /// The slot held at that day and time, if any.
    pub fn slot_at(&self, day: NaiveDate, span: &Span) -> Option<&Slot> {
        self.batch
            .committee
            .data
            .slots
            .iter()
            .find(|s| s.day == day && s.span.overlaps(span))
    }

    /// Why a slot no longer holds as the timetable stands (an
    /// unavailability or a conflict recorded since): the reason, or that
    /// its panel changed. None when it holds.
    pub fn slot_problem(&self, slot: &Slot) -> Option<SlotProblem> {
        match self.with_rules(|r| r.check(&slot.reference, slot.day, &slot.span))? {
            Err(why) => Some(SlotProblem::Unusable(why)),
            Ok(panel) if panel != slot.panel => Some(SlotProblem::PanelChanged(panel)),
            Ok(_) => None,
        }
    }

    /// The slot under the cursor, if a candidate holds it.
    pub fn slot_under_cursor(&self) -> Option<&Slot> {
        let (day, span) = self.timetable_cursor()?;
        self.slot_at(day, &span)
    }
}
