//! The assignment screen's part of the state: dossiers as rows, the members
//! who score as columns, the cell under the cursor.

use super::{Progress, Screen, State};

/// The assignment screen: which cell is selected, where Échap goes back to.
#[derive(Clone, Debug)]
pub struct AssignmentView {
    /// Index into `entries` (rows are every dossier, in reference order).
    pub row: usize,
    /// Index into [`State::scorers`].
    pub column: usize,
    /// The screen it was opened from.
    pub back_to: Screen,
}

impl Default for AssignmentView {
    fn default() -> AssignmentView {
        AssignmentView {
            row: 0,
            column: 0,
            back_to: Screen::Committee,
        }
    }
}

/// What one cell of the assignment grid says about a member and a dossier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Assigned, not scored yet: ●.
    Assigned,
    /// Assigned and scored (a grid begun counts): ✓.
    AssignedScored,
    /// Scored without being assigned: ○.
    ScoredOnly,
    /// In conflict of interest: ✗.
    Conflict,
    Empty,
}

impl State {
    /// The members who score (chair, members, rapporteurs), in committee order.
    pub fn scorers(&self) -> Vec<String> {
        jury_core::assign::scorers(&self.batch.committee.data.members)
    }

    /// The assignment grid's rows: every dossier, by reference.
    pub fn assignment_rows(&self) -> Vec<usize> {
        let mut rows: Vec<usize> = (0..self.batch.entries.len()).collect();
        rows.sort_by(|a, b| {
            self.batch.entries[*a]
                .dossier
                .reference
                .cmp(&self.batch.entries[*b].dossier.reference)
        });
        rows
    }

    /// Whether `member` has a score on `reference` (one criterion is enough).
    pub fn has_scored(&self, reference: &str, member: &str) -> bool {
        self.batch
            .scores
            .range(
                (reference.to_string(), member.to_string(), String::new())
                    ..(
                        reference.to_string(),
                        format!("{member}\u{0}"),
                        String::new(),
                    ),
            )
            .any(|((r, m, _), v)| r == reference && m == member && v.value.is_some())
    }

    pub fn assignment_cell(&self, reference: &str, member: &str) -> Cell {
        let c = &self.batch.committee;
        if c.in_conflict(reference, member) {
            return Cell::Conflict;
        }
        match (
            c.is_assigned(reference, member),
            self.has_scored(reference, member),
        ) {
            (true, true) => Cell::AssignedScored,
            (true, false) => Cell::Assigned,
            (false, true) => Cell::ScoredOnly,
            (false, false) => Cell::Empty,
        }
    }

    /// The active member's dossiers, when they have any assigned.
    pub fn is_mine(&self, reference: &str) -> bool {
        self.reviewer
            .as_deref()
            .is_some_and(|me| self.batch.committee.is_assigned(reference, me))
    }

    /// How many of the active member's assigned dossiers they have scored in full.
    pub fn mine_scored(&self) -> (usize, usize) {
        let Some(me) = self.reviewer.as_deref() else {
            return (0, 0);
        };
        let mine: Vec<&String> = self
            .batch
            .committee
            .assigned
            .iter()
            .filter(|(_, m)| m == me)
            .map(|(r, _)| r)
            .collect();
        let done = mine
            .iter()
            .filter(|r| self.progress(r) == Progress::Scored)
            .count();
        (done, mine.len())
    }
}
