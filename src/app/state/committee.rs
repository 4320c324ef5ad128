//! The committee view's part of the state: ranking or agenda rows.

use super::State;
use jury_core::aggregate::{Basis, DossierAggregate};
use jury_core::call::Call;
use std::collections::HashMap;

/// The committee view: ranking, agenda, the selected dossier.
pub struct CommitteeView {
    /// Rank by the members' normalised totals.
    pub normalised: bool,
    /// Contested and near-cut-off dossiers only, contested first.
    pub agenda: bool,
    /// Rows (indices into `entries`) and the selected row.
    pub rows: Vec<usize>,
    pub selected: usize,
    /// A withdrawal just written: once the records are read again, the
    /// promotion form is offered for this candidate's place.
    pub offer_promotion: Option<String>,
    /// The priority territories and what the current decisions give each
    /// (withdrawals left out): made once per change, read by every frame.
    pub coverage: Vec<jury_core::coverage::Row>,
    /// The references' column width, from the whole batch: made once per
    /// change, so a frame does not scan every dossier and the column does
    /// not move as the rows scroll.
    pub ref_width: u16,
    /// The two charts, from every aggregate: made once per change and
    /// moved by one dossier's after a score, not counted at each frame.
    pub charts: Charts,
    /// What the warning that the call may be unsuccessful reads: made
    /// once per change, moved by one dossier's after a score (at 100 000
    /// dossiers counting it at each frame was most of the view's frame).
    pub prospects: Prospects,
}

/// The eligible candidatures in scope, the best official total on 100
/// among them, and whether any dossier has an official total.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Prospects {
    pub eligible: usize,
    pub best: Option<f64>,
    pub any_scored: bool,
}

/// What the committee view's charts show: the official totals on 100 by
/// tens, and each criterion's mean across dossiers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Charts {
    pub buckets: [u64; 10],
    /// Per criterion of the stage's grid: the sum of the dossiers' central
    /// values in millionths (whole numbers, so adding a dossier's and
    /// taking it off again is exact) and how many have one.
    sums: Vec<(i64, u64)>,
}

impl Charts {
    pub fn of(grid: &Call, basis: Basis, aggregates: &[DossierAggregate]) -> Charts {
        let mut charts = Charts {
            buckets: [0; 10],
            sums: vec![(0, 0); grid.criteria.len()],
        };
        for a in aggregates {
            charts.count(grid, basis, a, 1);
        }
        charts
    }

    /// Counts `a` in (`sign` 1) or out (-1).
    pub fn count(&mut self, grid: &Call, basis: Basis, a: &DossierAggregate, sign: i64) {
        if let Some(total) = a.official(basis) {
            let on100 = DossierAggregate::on_100(grid, total);
            let bucket = &mut self.buckets[((on100 / 10.0).floor().max(0.0) as usize).min(9)];
            *bucket = bucket.saturating_add_signed(sign);
        }
        for (k, (sum, n)) in self.sums.iter_mut().enumerate() {
            if let Some(v) = a.criteria.get(k).and_then(|c| c.central(basis)) {
                *sum += sign * (v * 1e6).round() as i64;
                *n = n.saturating_add_signed(sign);
            }
        }
    }

    /// Criterion `k`'s mean across the dossiers that have one.
    pub fn mean(&self, k: usize) -> Option<f64> {
        let (sum, n) = *self.sums.get(k)?;
        (n > 0).then(|| sum as f64 / 1e6 / n as f64)
    }
}

impl State {
    /// The committee rows and the coverage table.
    pub fn refresh_committee_view(&mut self) {
        self.refresh_committee_rows();
        self.committee_view.charts = Charts::of(
            self.grid(),
            self.batch.committee.basis,
            &self.batch.committee.aggregates,
        );
        self.committee_view.coverage = self.coverage();
        self.committee_view.prospects = self.prospects();
        // References do not change with a score: measured with the batch.
        self.committee_view.ref_width = self
            .batch
            .entries
            .iter()
            .map(|e| super::reference_width(&e.dossier.reference))
            .max()
            .unwrap_or(10) as u16;
    }

    /// The committee rows: ranking order (raw or normalised), or the agenda.
    /// What a score moves (the coverage reads decisions only).
    pub fn refresh_committee_rows(&mut self) {
        let keep = self
            .committee_view
            .rows
            .get(self.committee_view.selected)
            .copied();
        // The picture is built from every entry in order, so a row's index
        // is its entry's. A lot's candidates only; at the audition stage,
        // the convened.
        let mut rows: Vec<usize> = self
            .batch
            .committee
            .ranking
            .iter()
            .map(|r| r.index)
            .filter(|i| *i < self.batch.entries.len() && self.in_scope(*i))
            .collect();
        if self.committee_view.normalised {
            let z: HashMap<usize, f64> = rows
                .iter()
                .map(|i| {
                    let a = &self.batch.committee.aggregates[*i];
                    (
                        *i,
                        jury_core::aggregate::normalised_total(a, self.batch.committee.profiles())
                            .unwrap_or(f64::NEG_INFINITY),
                    )
                })
                .collect();
            rows.sort_by(|a, b| z[b].total_cmp(&z[a]));
        }
        if self.committee_view.agenda {
            let cut = self.batch.call.capacity.map(|c| c as usize);
            let position: HashMap<usize, usize> =
                rows.iter().enumerate().map(|(p, i)| (*i, p)).collect();
            let near = |i: &usize| {
                cut.is_some_and(|c| {
                    let p = position[i] + 1;
                    p + 2 >= c && p <= c + 2
                })
            };
            let contested = |i: &usize| self.batch.committee.aggregates[*i].contested;
            rows.retain(|i| contested(i) || near(i));
            rows.sort_by_key(|i| (!contested(i), position[i]));
        }
        self.committee_view.rows = rows;
        self.committee_view.selected = keep
            .and_then(|k| self.committee_view.rows.iter().position(|i| *i == k))
            .unwrap_or(0)
            .min(self.committee_view.rows.len().saturating_sub(1));
    }

    /// The coverage table of the committee's current picture: a candidate
    /// who withdrew covers nothing any more.
    fn coverage(&self) -> Vec<jury_core::coverage::Row> {
        let dossiers: Vec<&super::Entry> = self.batch.entries.iter().collect();
        let standing: HashMap<String, jury_core::records::DecisionRow> = self
            .batch
            .committee
            .decisions
            .iter()
            .filter(|(r, _)| self.batch.committee.withdrawn(r).is_none())
            .map(|(r, d)| (r.clone(), d.clone()))
            .collect();
        jury_core::coverage::table(&self.batch.call, &dossiers, &standing)
    }

    /// Whether entry `i` counts among the prospects: in scope (a lot's
    /// candidatures only, in a call with lots) and eligible.
    fn counts_as_prospect(&self, i: usize) -> bool {
        self.in_scope(i) && self.verdict(i) == jury_core::eligibility::Verdict::Eligible
    }

    /// Entry `i`'s official total on 100, when it counts among the prospects.
    pub(super) fn prospect_total(&self, i: usize) -> Option<f64> {
        let a = self.batch.committee.aggregates.get(i)?;
        let total = a.official(self.batch.committee.basis)?;
        self.counts_as_prospect(i)
            .then(|| DossierAggregate::on_100(&self.batch.call, total))
    }

    /// The prospects counted from every dossier, in one pass.
    pub fn prospects(&self) -> Prospects {
        let basis = self.batch.committee.basis;
        let aggregates = &self.batch.committee.aggregates;
        let mut p = Prospects {
            any_scored: aggregates.iter().any(|a| a.official(basis).is_some()),
            ..Prospects::default()
        };
        for i in 0..self.batch.entries.len() {
            let official = aggregates.get(i).and_then(|a| a.official(basis));
            if !self.counts_as_prospect(i) {
                continue;
            }
            p.eligible += 1;
            if let Some(t) = official.map(|t| DossierAggregate::on_100(&self.batch.call, t)) {
                p.best = Some(p.best.map_or(t, |b| b.max(t)));
            }
        }
        p
    }

    /// The committee view's warning that the call may be unsuccessful.
    pub fn unsuccessful_warning(&self) -> Option<String> {
        let Prospects {
            eligible,
            best,
            any_scored,
        } = self.committee_view.prospects;
        // Before anyone has scored, "nobody reaches the threshold" means nothing.
        if !any_scored && eligible > 1 {
            return None;
        }
        jury_core::decision::unsuccessful_warning(
            &self.batch.call,
            self.lot(),
            eligible,
            best,
            self.env.lang,
        )
    }

    /// The dossier selected in the committee view.
    pub fn committee_current(&self) -> Option<usize> {
        self.committee_view
            .rows
            .get(self.committee_view.selected)
            .copied()
    }
}
