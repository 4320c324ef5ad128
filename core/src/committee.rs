//! The committee's picture of the batch, rebuilt in memory after each change:
//! aggregates across members, ranking, current decisions, open session.
//! Pure: built from what the store returned and the scores in memory.

use crate::aggregate::{self, Basis, DossierAggregate, Profile};
use crate::call::{Call, Role};
use crate::dossier::{Card, Dossier};
use crate::eligibility::{self, Verdict};
use crate::fr::Lang;
use crate::lot::Scope;
use crate::ranking::{self, Candidate, Ranked};
use crate::records::{CommitteeData, DecisionRow, Override, Session};
use crate::stage::{Combine, Stage};
use chrono::{DateTime, FixedOffset};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

#[derive(Clone, Debug, Default)]
pub struct Committee {
    pub data: CommitteeData,
    pub conflicts: BTreeSet<(String, String)>,
    /// (reference, member): the dossier's rapporteurs.
    pub assigned: BTreeSet<(String, String)>,
    pub consensus: BTreeMap<(String, String), f64>,
    pub overrides: HashMap<String, Override>,
    /// The current decision of each decided dossier.
    pub decisions: HashMap<String, DecisionRow>,
    /// Aligned with the dossiers given to `build`.
    pub aggregates: Vec<DossierAggregate>,
    /// Best first; dossiers without a total last. Replace it with
    /// [`Committee::set_ranking`], which keeps `rank_index` true.
    pub ranking: Vec<Ranked>,
    /// The candidates the ranking was read from, in [`ranking::order`]:
    /// kept so one dossier's new total moves it alone ([`rescore`]).
    ///
    /// [`rescore`]: Committee::rescore
    order: Vec<Candidate>,
    /// Each reference's place in `ranking`, built on first use: a frame of
    /// the committee view and a batch of letters look ranks up by
    /// reference, which a scan of 100 000 rows per lookup made slow.
    rank_index: OnceLock<HashMap<String, usize>>,
    /// Each member's profile over every total, made when the normalised
    /// ranking first asks ([`Committee::profiles`]): a score need not go
    /// over 100 000 aggregates for a view seldom open.
    profiles: OnceLock<BTreeMap<String, Profile>>,
    pub basis: Basis,
    /// Eligibility after any override by the chair, aligned with the
    /// dossiers given to `build`.
    pub verdicts: Vec<Verdict>,
    /// The stage this picture is of: its sessions, decisions and grid.
    pub stage: Stage,
    /// The lot this picture is of, in a call with lots: its candidates,
    /// sessions and decisions only.
    pub lot: Option<String>,
    /// At the audition stage: the dossier stage's totals and the final
    /// scores the ranking uses.
    pub finals: Option<Finals>,
}

/// What the audition stage ranks on, per convened candidate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Finals {
    /// The official total each candidate had at the dossier stage, on the
    /// dossiers' scale.
    pub dossier: HashMap<String, f64>,
    /// The final score, as the call combines the stages: on the audition's
    /// scale when the audition is scored, else the dossier total.
    pub final_score: HashMap<String, f64>,
    /// The dossiers the dossier stage convened, best-ranked first.
    pub convened: Vec<String>,
    /// How many members scored each dossier at the dossier stage: what an
    /// unscored audition decides on.
    pub dossier_reviews: HashMap<String, usize>,
}

impl CommitteeData {
    /// The records of one stage: its sessions, their decisions, snapshots
    /// and outcome; everything else (members, conflicts, overrides,
    /// consensus, packets, absences, validations, withdrawals) is shared
    /// by both stages.
    pub fn of_stage(&self, stage: Stage) -> CommitteeData {
        self.of_sessions(|s| s.stage == stage)
    }

    /// The records of one lot: its sessions and everything recorded in
    /// them (decisions, snapshots, outcomes, validations, withdrawals);
    /// the rest (members, conflicts, scores' context, absences, the
    /// timetable) is shared by every lot.
    pub fn of_lot(&self, lot: &str) -> CommitteeData {
        let mut data = self.of_sessions(|s| s.lot.as_deref() == Some(lot));
        let ids: BTreeSet<i64> = data.sessions.iter().map(|s| s.id).collect();
        data.validations.retain(|v| ids.contains(&v.session_id));
        data.withdrawals.retain(|w| ids.contains(&w.session_id));
        data
    }

    /// The sessions `keep` accepts, with their decisions, snapshots and
    /// outcomes; everything else as it is.
    fn of_sessions(&self, keep: impl Fn(&Session) -> bool) -> CommitteeData {
        let mut data = self.clone();
        data.sessions.retain(|s| keep(s));
        let ids: BTreeSet<i64> = data.sessions.iter().map(|s| s.id).collect();
        data.decisions.retain(|d| ids.contains(&d.session_id));
        data.snapshots.retain(|s| ids.contains(&s.session_id));
        data.outcomes.retain(|o| ids.contains(&o.session_id));
        data
    }

    /// The outcome that stands: the latest recorded.
    pub fn outcome(&self) -> Option<&crate::records::Outcome> {
        self.outcomes.last()
    }

    /// The dossiers whose current dossier-stage decision convenes them to
    /// an audition, in the order the decisions were recorded; on a
    /// member's laptop, without decisions, the list the bundle brought.
    pub fn convened(&self) -> Vec<String> {
        if self.decisions.is_empty() {
            return self.issued_shortlist.clone();
        }
        let stage = self.of_stage(Stage::Dossier);
        let mut current: Vec<(&str, &str)> = Vec::new();
        for d in &stage.decisions {
            current.retain(|(r, _)| *r != d.reference);
            current.push((&d.reference, &d.kind));
        }
        current
            .into_iter()
            .filter(|(_, kind)| *kind == crate::call::decision_id::CONVOQUE)
            .map(|(r, _)| r.to_string())
            .collect()
    }

    pub fn absent(&self, reference: &str) -> bool {
        self.absences.iter().any(|a| a.reference == reference)
    }
}

/// What the committee's picture reads of a dossier: a whole [`Dossier`]
/// (letters, exports, the command line) works it out from its fields; the
/// app's lists answer from what they worked out once per dossier, so a
/// picture rebuilt after a change reads no dossier's JSON again.
pub trait Candidacy {
    fn reference(&self) -> &str;
    fn received_at(&self) -> DateTime<FixedOffset>;
    /// Its eligibility under `call`'s required rules.
    fn verdict(&self, call: &Call) -> Verdict;
    /// Whether it answers `lot` of `call`.
    fn answers(&self, call: &Call, lot: &str) -> bool;
    /// `structure.territory`, for the coverage.
    fn territory(&self) -> Option<&str>;
    /// Its eligibility report under `call`, every rule with its outcome:
    /// what a snapshot freezes and the screen explains, for one dossier
    /// at a time.
    fn report(&self, call: &Call, lang: Lang) -> eligibility::Report;
}

impl Candidacy for Dossier {
    fn reference(&self) -> &str {
        &self.reference
    }
    fn received_at(&self) -> DateTime<FixedOffset> {
        self.received_at
    }
    fn verdict(&self, call: &Call) -> Verdict {
        eligibility::verdict(call, self)
    }
    fn answers(&self, call: &Call, lot: &str) -> bool {
        call.answer(&self.raw).lots.iter().any(|l| l == lot)
    }
    fn territory(&self) -> Option<&str> {
        Dossier::territory(self)
    }
    fn report(&self, call: &Call, lang: Lang) -> eligibility::Report {
        eligibility::evaluate(call, self, lang)
    }
}

/// A card answers from its fields, and from its text parsed for the
/// moment of one answer: a picture of 100 000 dossiers built from cards
/// holds their texts (about 1,5 KB each), not their trees of values
/// (about 11 KB each).
impl Candidacy for Card {
    fn reference(&self) -> &str {
        &self.reference
    }
    fn received_at(&self) -> DateTime<FixedOffset> {
        self.received_at
    }
    fn verdict(&self, call: &Call) -> Verdict {
        eligibility::verdict(call, &self.full())
    }
    fn answers(&self, call: &Call, lot: &str) -> bool {
        call.answer(&self.value()).lots.iter().any(|l| l == lot)
    }
    fn territory(&self) -> Option<&str> {
        self.territory.as_deref()
    }
    fn report(&self, call: &Call, lang: Lang) -> eligibility::Report {
        eligibility::evaluate(call, &self.full(), lang)
    }
}

/// `build` on `lot`: the lot's call, its records, and the dossiers that
/// do not answer it to leave out.
fn in_lot<D: Candidacy>(
    call: &Call,
    lot: &str,
    dossiers: &[&D],
    data: CommitteeData,
    build: impl FnOnce(&Call, CommitteeData, &BTreeSet<String>) -> Committee,
) -> Committee {
    let outside: BTreeSet<String> = dossiers
        .iter()
        .filter(|d| !d.answers(call, lot))
        .map(|d| d.reference().to_string())
        .collect();
    let mut c = build(&call.lot_call(lot), data.of_lot(lot), &outside);
    c.lot = Some(lot.to_string());
    c
}

impl Committee {
    pub fn build<D: Candidacy>(
        call: &Call,
        dossiers: &[&D],
        scores: &BTreeMap<(String, String, String), f64>,
        data: CommitteeData,
        basis: Basis,
    ) -> Committee {
        Committee::build_within(call, dossiers, scores, data, basis, &BTreeSet::new())
    }

    /// The committee's picture of one lot at one stage, in a call with
    /// lots: the lot's call ([`Call::lot_call`]: its deadline, grid,
    /// capacity, threshold, institutions), its sessions and decisions,
    /// and the dossiers answering it as candidates; the others are left
    /// out of the ranking. [`build_stage`] for a call without lots.
    ///
    /// [`build_stage`]: Committee::build_stage
    pub fn build_scope<D: Candidacy>(
        call: &Call,
        scope: &Scope,
        dossiers: &[&D],
        scores: &BTreeMap<(String, String, String), f64>,
        data: CommitteeData,
        basis: Basis,
    ) -> Committee {
        let Some(lot) = scope.lot.as_deref().filter(|l| call.lot(l).is_some()) else {
            return Committee::build_stage(call, scope.stage, dossiers, scores, data, basis);
        };
        in_lot(call, lot, dossiers, data, |call, data, outside| {
            Committee::build_stage_within(call, scope.stage, dossiers, scores, data, basis, outside)
        })
    }

    /// [`build`] on one lot, both stages' decisions together (the last
    /// per dossier is current): what letters and exports read.
    ///
    /// [`build`]: Committee::build
    pub fn build_lot<D: Candidacy>(
        call: &Call,
        lot: &str,
        dossiers: &[&D],
        scores: &BTreeMap<(String, String, String), f64>,
        data: CommitteeData,
        basis: Basis,
    ) -> Committee {
        in_lot(call, lot, dossiers, data, |call, data, outside| {
            Committee::build_within(call, dossiers, scores, data, basis, outside)
        })
    }

    /// [`build`], the dossiers `outside` left out of the ranking (another
    /// lot's candidates).
    ///
    /// [`build`]: Committee::build
    fn build_within<D: Candidacy>(
        call: &Call,
        dossiers: &[&D],
        scores: &BTreeMap<(String, String, String), f64>,
        data: CommitteeData,
        basis: Basis,
        outside: &BTreeSet<String>,
    ) -> Committee {
        let conflicts: BTreeSet<(String, String)> = data
            .conflicts
            .iter()
            .map(|c| (c.reference.clone(), c.member.clone()))
            .collect();
        let assigned: BTreeSet<(String, String)> = data
            .assignments
            .iter()
            .map(|a| (a.reference.clone(), a.member.clone()))
            .collect();
        let consensus: BTreeMap<(String, String), f64> = data
            .consensus
            .iter()
            .map(|(r, c, v)| ((r.clone(), c.clone()), *v))
            .collect();
        let overrides: HashMap<String, Override> = data
            .overrides
            .iter()
            .map(|o| (o.reference.clone(), o.clone()))
            .collect();
        let verdicts: Vec<Verdict> = dossiers
            .iter()
            .map(|d| match overrides.get(d.reference()) {
                Some(o) if o.eligible => Verdict::Eligible,
                Some(_) => Verdict::Ineligible,
                None => d.verdict(call),
            })
            .collect();
        let mut decisions = HashMap::new();
        for d in &data.decisions {
            // Rows come oldest first: the last one per dossier is current.
            decisions.insert(d.reference.clone(), d.clone());
        }
        let references: Vec<String> = dossiers.iter().map(|d| d.reference().to_string()).collect();
        let aggregates = aggregate::aggregate(&aggregate::Input {
            call,
            references: &references,
            scores,
            conflicts: &conflicts,
            consensus: &consensus,
        });
        let heaviest = ranking::heaviest_criterion(call);
        let candidates: Vec<Candidate> = aggregates
            .iter()
            .zip(dossiers)
            .zip(&verdicts)
            .enumerate()
            .map(|(index, ((a, d), v))| Candidate {
                reference: a.reference.clone(),
                index,
                total: a.official(basis),
                heaviest: heaviest.and_then(|h| a.criterion_official(h, basis)),
                received_at: d.received_at(),
                excluded: if outside.contains(d.reference()) {
                    Some(ranking::Unranked::OtherLot)
                } else {
                    (*v == Verdict::Ineligible).then_some(ranking::Unranked::Ineligible)
                },
            })
            .collect();
        let order = ranking::order(candidates);
        let ranking = ranking::rank_ordered(&order);
        Committee {
            data,
            conflicts,
            assigned,
            consensus,
            overrides,
            decisions,
            aggregates,
            ranking,
            order,
            rank_index: OnceLock::new(),
            profiles: OnceLock::new(),
            basis,
            verdicts,
            stage: Stage::Dossier,
            lot: None,
            finals: None,
        }
    }

    /// The committee's picture at `stage`. The dossier stage is [`build`]
    /// on that stage's sessions. The audition stage scores the convened
    /// candidates on the audition's grid ([`Call::audition_grid`]) and
    /// ranks them on the final score the call's `combine` gives; those not
    /// convened, and those absent, are left out of the ranking with the
    /// reason. `dossiers` are every dossier, so aggregates stay aligned
    /// with the caller's list whatever the stage.
    ///
    /// [`build`]: Committee::build
    pub fn build_stage<D: Candidacy>(
        call: &Call,
        stage: Stage,
        dossiers: &[&D],
        scores: &BTreeMap<(String, String, String), f64>,
        data: CommitteeData,
        basis: Basis,
    ) -> Committee {
        Committee::build_stage_within(call, stage, dossiers, scores, data, basis, &BTreeSet::new())
    }

    fn build_stage_within<D: Candidacy>(
        call: &Call,
        stage: Stage,
        dossiers: &[&D],
        scores: &BTreeMap<(String, String, String), f64>,
        data: CommitteeData,
        basis: Basis,
        outside: &BTreeSet<String>,
    ) -> Committee {
        let build = |call: &Call, data: CommitteeData| {
            Committee::build_within(call, dossiers, scores, data, basis, outside)
        };
        let (Stage::Audition, Some(audition)) = (stage, &call.audition) else {
            // A one-stage call's sessions are all of the dossier stage.
            if call.audition.is_none() {
                return build(call, data);
            }
            let mut c = build(call, data.of_stage(Stage::Dossier));
            c.data = data;
            return c;
        };
        let first = build(call, data.of_stage(Stage::Dossier));
        let grid = call.audition_grid();
        let mut c = build(&grid, data.of_stage(stage));
        c.stage = stage;
        let convened_set: BTreeSet<String> = data.convened().into_iter().collect();
        let mut finals = Finals {
            convened: first
                .ranking
                .iter()
                .filter(|r| convened_set.contains(&r.reference))
                .map(|r| r.reference.clone())
                .collect(),
            ..Finals::default()
        };
        let heaviest = ranking::heaviest_criterion(&grid);
        let candidates: Vec<Candidate> = dossiers
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let reference = &d.reference().to_string();
                let before = first.aggregates[i].official(basis);
                let now = c.aggregates[i].official(basis);
                if let Some(b) = before {
                    finals.dossier.insert(reference.clone(), b);
                }
                finals
                    .dossier_reviews
                    .insert(reference.clone(), first.aggregates[i].reviews);
                let total = match audition.combine {
                    Combine::Dossier => before,
                    Combine::Audition => now,
                    Combine::Weighted {
                        dossier,
                        audition: weight,
                    } => before.zip(now).map(|(b, n)| {
                        let on_100 = (dossier * DossierAggregate::on_100(call, b)
                            + weight * DossierAggregate::on_100(&grid, n))
                            / (dossier + weight);
                        grid.scale.min + on_100 / 100.0 * (grid.scale.max - grid.scale.min)
                    }),
                };
                let excluded = if outside.contains(reference) {
                    Some(ranking::Unranked::OtherLot)
                } else if c.verdicts[i] == Verdict::Ineligible {
                    Some(ranking::Unranked::Ineligible)
                } else if !convened_set.contains(reference) {
                    Some(ranking::Unranked::NotConvened)
                } else if data.absent(reference) {
                    Some(ranking::Unranked::Absent)
                } else {
                    None
                };
                if let (Some(t), None) = (total, excluded) {
                    finals.final_score.insert(reference.clone(), t);
                }
                let heaviest_score = match audition.combine {
                    Combine::Dossier => ranking::heaviest_criterion(call)
                        .and_then(|h| first.aggregates[i].criterion_official(h, basis)),
                    _ => heaviest.and_then(|h| c.aggregates[i].criterion_official(h, basis)),
                };
                Candidate {
                    reference: reference.clone(),
                    index: i,
                    total,
                    heaviest: heaviest_score,
                    received_at: d.received_at(),
                    excluded,
                }
            })
            .collect();
        c.order = ranking::order(candidates);
        c.set_ranking(ranking::rank_ordered(&c.order));
        c.finals = Some(finals);
        // Both stages' records stay whole: the next build starts from them.
        c.data = data;
        c
    }

    /// Takes one dossier's new scores in without rebuilding the picture:
    /// its aggregate, the members' profiles and its place in the ranking;
    /// what a full [`build`] gives, for a fraction of the work at 100 000
    /// dossiers. `call` is the one the picture was built on, `i` the
    /// dossier's index among those given to `build`, `scores` at least
    /// that dossier's. False, and nothing changed, at the audition stage
    /// (its final score combines both stages): build it again.
    ///
    /// [`build`]: Committee::build
    pub fn rescore(
        &mut self,
        call: &Call,
        i: usize,
        dossier: &impl Candidacy,
        scores: &BTreeMap<(String, String, String), f64>,
    ) -> bool {
        if self.finals.is_some() || i >= self.aggregates.len() {
            return false;
        }
        let Some(agg) = aggregate::aggregate(&aggregate::Input {
            call,
            references: &[dossier.reference().to_string()],
            scores,
            conflicts: &self.conflicts,
            consensus: &self.consensus,
        })
        .pop() else {
            return false;
        };
        let Some(old) = self
            .order
            .iter()
            .find(|c| c.reference == dossier.reference())
        else {
            return false;
        };
        // Eligibility and the lot do not move with a score.
        let candidate = Candidate {
            reference: dossier.reference().to_string(),
            index: i,
            total: agg.official(self.basis),
            heaviest: ranking::heaviest_criterion(call)
                .and_then(|h| agg.criterion_official(h, self.basis)),
            received_at: dossier.received_at(),
            excluded: old.excluded,
        };
        self.aggregates[i] = agg;
        self.profiles = OnceLock::new();
        // One dossier moved: only the rows between its old and its new
        // place changed, so the ranking and its index are mended there
        // rather than built again over every row.
        let moved = ranking::reorder(&mut self.order, candidate);
        let written = ranking::rerank(&self.order, &mut self.ranking, moved);
        if let Some(index) = self.rank_index.get_mut() {
            for at in written {
                index.insert(self.ranking[at].reference.clone(), at);
            }
        }
        true
    }

    /// The open session of this picture's stage.
    pub fn open_session(&self) -> Option<&Session> {
        self.data
            .sessions
            .iter()
            .rev()
            .find(|s| s.is_open() && s.stage == self.stage)
    }

    pub fn role(&self, member: &str) -> Option<Role> {
        self.data
            .members
            .iter()
            .find(|(n, _)| n == member)
            .map(|(_, r)| *r)
    }

    pub fn in_conflict(&self, reference: &str, member: &str) -> bool {
        self.conflicts
            .contains(&(reference.to_string(), member.to_string()))
    }

    pub fn is_assigned(&self, reference: &str, member: &str) -> bool {
        self.assigned
            .contains(&(reference.to_string(), member.to_string()))
    }

    /// A dossier's rapporteurs, in committee order.
    pub fn rapporteurs(&self, reference: &str) -> Vec<&str> {
        self.data
            .members
            .iter()
            .map(|(n, _)| n.as_str())
            .filter(|m| self.is_assigned(reference, m))
            .collect()
    }

    /// How many dossiers `member` is assigned.
    pub fn load(&self, member: &str) -> usize {
        self.assigned.iter().filter(|(_, m)| m == member).count()
    }

    /// A decision is frozen once its session is closed.
    pub fn frozen(&self, reference: &str) -> bool {
        self.decisions.get(reference).is_some_and(|d| {
            self.data
                .sessions
                .iter()
                .any(|s| s.id == d.session_id && !s.is_open())
        })
    }

    /// The basis `session_id` froze for `reference` when it closed.
    /// Closing a session freezes every dossier (100 000 snapshots at
    /// 100 000 dossiers), and a frame of the committee view asks for each
    /// decided row: the store gives them in (session, reference) order,
    /// so they are searched by halves; a list in another order (one built
    /// by hand) is still read whole when the search misses.
    pub fn snapshot(&self, session_id: i64, reference: &str) -> Option<&crate::snapshot::Snapshot> {
        let all = &self.data.snapshots;
        match all.binary_search_by(|s| {
            (s.session_id, s.reference.as_str()).cmp(&(session_id, reference))
        }) {
            Ok(i) => all.get(i),
            Err(_) => all
                .iter()
                .find(|s| s.session_id == session_id && s.reference == reference),
        }
    }

    /// The closed session whose decision on `reference` is current, when the
    /// live official total no longer reads as the one it froze: the scores
    /// moved after the session. Only a new session can change the decision.
    pub fn modified_after(&self, reference: &str) -> Option<&Session> {
        let d = self.decisions.get(reference)?;
        let session = self
            .data
            .sessions
            .iter()
            .find(|s| s.id == d.session_id && !s.is_open())?;
        let frozen = self.snapshot(session.id, reference)?;
        // Through the ranking's index: a frame asks for each decided row.
        let live = self
            .rank_of(reference)
            .and_then(|r| self.aggregates.get(r.index))
            .filter(|a| a.reference == reference)
            .or_else(|| self.aggregates.iter().find(|a| a.reference == reference))
            .and_then(|a| a.official(frozen.basis()));
        let same = match (live, frozen.total) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-9,
            (None, None) => true,
            _ => false,
        };
        (!same).then_some(session)
    }

    pub fn rank_of(&self, reference: &str) -> Option<&Ranked> {
        let index = self.rank_index.get_or_init(|| {
            let mut index = HashMap::with_capacity(self.ranking.len());
            for (at, r) in self.ranking.iter().enumerate() {
                // The first row of a reference, as a scan would find it.
                index.entry(r.reference.clone()).or_insert(at);
            }
            index
        });
        match index.get(reference).map(|at| self.ranking.get(*at)) {
            Some(Some(r)) if r.reference == reference => Some(r),
            // `ranking` reordered in place since the index was built.
            Some(_) => self.ranking.iter().find(|r| r.reference == reference),
            None => None,
        }
    }

    /// Each member's profile (mean and spread of their totals), for the
    /// normalised ranking.
    pub fn profiles(&self) -> &BTreeMap<String, Profile> {
        self.profiles
            .get_or_init(|| aggregate::member_profiles(&self.aggregates))
    }

    pub fn set_ranking(&mut self, ranking: Vec<Ranked>) {
        self.ranking = ranking;
        self.rank_index = OnceLock::new();
    }

    /// How many members scored the dossier at `i` (a grid begun counts;
    /// members in conflict do not).
    pub fn reviewers(&self, i: usize) -> usize {
        self.aggregates.get(i).map(|a| a.reviews).unwrap_or(0)
    }

    /// Where the call's envelope stands with the current decisions; None
    /// for a call without a budget.
    /// An amount granted to a candidate who then withdrew returns to the
    /// envelope.
    pub fn envelope(&self, call: &Call) -> Option<crate::budget::Standing> {
        crate::budget::Standing::of(
            call,
            self.decisions
                .values()
                .filter(|d| self.withdrawn(&d.reference).is_none()),
        )
    }

    /// Dossiers whose current decision counts as accepted, `except` and
    /// those who withdrew from it excluded.
    pub fn accepted_count(&self, call: &Call, except: &str) -> usize {
        let accepted: Vec<String> = crate::decision::kinds(call, crate::fr::Lang::Fr)
            .into_iter()
            .filter(|k| k.accepted)
            .map(|k| k.id)
            .collect();
        self.decisions
            .values()
            .filter(|d| d.reference != except && accepted.contains(&d.kind))
            .filter(|d| self.withdrawn(&d.reference).is_none())
            .count()
    }
}

#[cfg(test)]
mod stage_tests {
    use super::*;
    use crate::records::{Absence, DecisionRow, Session};
    use crate::stage::Stage;

    const CALL: &str = include_str!("../../samples/caf06-pdnp-2025/appel.json");
    const D: [&str; 3] = [
        include_str!("../../samples/caf06-pdnp-2025/dossiers/PDNP06-2025-001.json"),
        include_str!("../../samples/caf06-pdnp-2025/dossiers/PDNP06-2025-002.json"),
        include_str!("../../samples/caf06-pdnp-2025/dossiers/PDNP06-2025-004.json"),
    ];

    /// The sample call and the three dossiers `D`.
    fn sample() -> (Call, Vec<Dossier>) {
        let call = Call::parse("appel.json", CALL).expect("sample");
        let dossiers = D
            .iter()
            .map(|t| Dossier::from_value(&serde_json::from_str(t).expect("json")).expect("dossier"))
            .collect();
        (call, dossiers)
    }

    fn session(id: i64, stage: Stage) -> Session {
        Session {
            id,
            stage,
            date: "2025-07-08".into(),
            opened_by: "Sylvie Marcellin".into(),
            closed_at: Some("2025-07-08T17:00:00Z".into()),
            lot: None,
            present: Vec::new(),
        }
    }

    fn decision(id: i64, session_id: i64, reference: &str, kind: &str) -> DecisionRow {
        DecisionRow {
            id,
            session_id,
            reference: reference.into(),
            kind: kind.into(),
            motivation: String::new(),
            condition: String::new(),
            waitlist_rank: None,
            documents: String::new(),
            without_quorum: false,
            guarded: false,
            amount: None,
            budget_override: String::new(),
            by: "Sylvie Marcellin".into(),
            at: "2025-07-08T10:00:00Z".into(),
        }
    }

    /// Every criterion of both grids scored `dossier` and `audition` by one member.
    fn scores(call: &Call, plan: &[(&str, f64, f64)]) -> BTreeMap<(String, String, String), f64> {
        let mut out = BTreeMap::new();
        let audition = call.audition_grid();
        for (reference, d, a) in plan {
            for c in &call.criteria {
                out.insert(
                    (
                        reference.to_string(),
                        "Bernard Castellan".into(),
                        c.id.clone(),
                    ),
                    *d,
                );
            }
            for c in &audition.criteria {
                out.insert(
                    (
                        reference.to_string(),
                        "Bernard Castellan".into(),
                        c.id.clone(),
                    ),
                    *a,
                );
            }
        }
        out
    }

    #[test]
    fn each_lot_convenes_and_auditions_its_own_candidates() {
        let mut raw: serde_json::Value = serde_json::from_str(CALL).expect("json");
        raw["lots"] = serde_json::json!([
            { "id": "a", "label": "Lot A" },
            { "id": "b", "label": "Lot B", "audition_days": ["2025-09-02"] }
        ]);
        let call = Call::from_value(&raw).expect("call with lots");
        assert_eq!(call.lot_call("b").audition.expect("audition").days.len(), 1);
        let [x, y, z] = ["PDNP06-2025-001", "PDNP06-2025-002", "PDNP06-2025-004"];
        let dossiers: Vec<Dossier> = D
            .iter()
            .zip([["a"].as_slice(), &["a", "b"], &["b"]])
            .map(|(t, lots)| {
                let mut v: serde_json::Value = serde_json::from_str(t).expect("json");
                v["lots"] = serde_json::json!(lots);
                Dossier::from_value(&v).expect("dossier")
            })
            .collect();
        let refs: Vec<&Dossier> = dossiers.iter().collect();
        let scores = scores(&call, &[(x, 5.0, 3.0), (y, 3.0, 4.0), (z, 4.0, 5.0)]);
        let in_lot = |mut s: Session, lot: &str| {
            s.lot = Some(lot.into());
            s
        };
        let data = CommitteeData {
            sessions: vec![
                in_lot(session(1, Stage::Dossier), "a"),
                in_lot(session(2, Stage::Dossier), "b"),
            ],
            decisions: vec![
                decision(1, 1, x, "convoque"),
                decision(2, 1, y, "non_retenu"),
                decision(3, 2, y, "convoque"),
                decision(4, 2, z, "convoque"),
            ],
            ..CommitteeData::default()
        };
        let scope = |lot: &str| crate::lot::Scope {
            stage: Stage::Audition,
            lot: Some(lot.into()),
        };
        let a = Committee::build_scope(
            &call,
            &scope("a"),
            &refs,
            &scores,
            data.clone(),
            Basis::Mean,
        );
        assert_eq!(a.finals.as_ref().expect("finals").convened, [x]);
        assert_eq!(
            a.rank_of(z).and_then(|r| r.unranked),
            Some(ranking::Unranked::OtherLot)
        );
        let b = Committee::build_scope(&call, &scope("b"), &refs, &scores, data, Basis::Mean);
        // 002 was not retained in lot A, and is convened in lot B.
        assert_eq!(b.finals.as_ref().expect("finals").convened, [z, y]);
        assert_eq!(b.lot.as_deref(), Some("b"));
        assert!(b.decisions.values().all(|d| d.session_id == 2));
    }

    #[test]
    fn ranks_are_looked_up_by_reference_as_a_scan_finds_them() {
        let (call, dossiers) = sample();
        let refs: Vec<&Dossier> = dossiers.iter().collect();
        let [a, b, c] = ["PDNP06-2025-001", "PDNP06-2025-002", "PDNP06-2025-004"];
        let scores = scores(&call, &[(a, 2.0, 0.0), (b, 5.0, 0.0), (c, 4.0, 0.0)]);
        let mut committee =
            Committee::build(&call, &refs, &scores, CommitteeData::default(), Basis::Mean);
        let scan = |c: &Committee, r: &str| c.ranking.iter().find(|x| x.reference == r).cloned();
        for r in [a, b, c, "PDNP06-2025-999"] {
            assert_eq!(committee.rank_of(r).cloned(), scan(&committee, r), "{r}");
        }
        assert_eq!(committee.rank_of(b).and_then(|r| r.rank), Some(1));
        // A new ranking, given whole or reordered in place, is what counts.
        let mut reversed = committee.ranking.clone();
        reversed.reverse();
        committee.set_ranking(reversed);
        assert_eq!(committee.rank_of(a).cloned(), scan(&committee, a));
        committee.ranking.reverse();
        for r in [a, b, c] {
            assert_eq!(committee.rank_of(r).cloned(), scan(&committee, r), "{r}");
        }
    }

    #[test]
    fn the_audition_ranks_the_convened_on_the_combined_score() {
        let (call, dossiers) = sample();
        let refs: Vec<&Dossier> = dossiers.iter().collect();
        let [a, b, c] = ["PDNP06-2025-001", "PDNP06-2025-002", "PDNP06-2025-004"];
        // A was best on paper, B met the panel better: 40 % dossier, 60 % audition.
        let scores = scores(&call, &[(a, 5.0, 2.0), (b, 3.0, 5.0), (c, 4.0, 4.0)]);
        let mut data = CommitteeData {
            sessions: vec![session(1, Stage::Dossier), session(2, Stage::Audition)],
            decisions: vec![
                decision(1, 1, a, "convoque"),
                decision(2, 1, b, "convoque"),
                decision(3, 1, c, "non_retenu"),
                decision(4, 2, b, "retenu"),
            ],
            ..CommitteeData::default()
        };
        data.conflicts.clear();
        let first = Committee::build_stage(
            &call,
            Stage::Dossier,
            &refs,
            &scores,
            data.clone(),
            Basis::Mean,
        );
        assert_eq!(first.rank_of(a).and_then(|r| r.rank), Some(1));
        assert_eq!(
            first.decisions[b].kind, "convoque",
            "the dossier stage's decision"
        );
        assert_eq!(
            first.data.sessions.len(),
            2,
            "both stages' records kept whole"
        );

        let second = Committee::build_stage(
            &call,
            Stage::Audition,
            &refs,
            &scores,
            data.clone(),
            Basis::Mean,
        );
        let finals = second.finals.as_ref().expect("finals");
        // A: (40·100 + 60·40) / 100 = 64 % → 3.2 / 5; B: (40·60 + 60·100) / 100 = 84 % → 4.2.
        assert!((finals.final_score[a] - 3.2).abs() < 1e-9, "{finals:?}");
        assert!((finals.final_score[b] - 4.2).abs() < 1e-9, "{finals:?}");
        assert_eq!(second.rank_of(b).and_then(|r| r.rank), Some(1));
        assert_eq!(second.rank_of(a).and_then(|r| r.rank), Some(2));
        assert_eq!(
            second.rank_of(c).and_then(|r| r.unranked),
            Some(crate::ranking::Unranked::NotConvened)
        );
        assert_eq!(
            second.decisions.len(),
            1,
            "only the audition stage's decisions"
        );
        assert_eq!(finals.convened, [a, b], "best-ranked on paper first");

        data.absences.push(Absence {
            reference: b.into(),
            by: "Nadia Benali".into(),
            at: "2025-07-10T09:00:00Z".into(),
        });
        let absent =
            Committee::build_stage(&call, Stage::Audition, &refs, &scores, data, Basis::Mean);
        assert_eq!(
            absent.rank_of(b).and_then(|r| r.unranked),
            Some(crate::ranking::Unranked::Absent)
        );
        assert_eq!(absent.rank_of(a).and_then(|r| r.rank), Some(1));
    }

    #[test]
    fn an_amount_granted_to_a_candidate_who_withdrew_returns_to_the_envelope() {
        let (call, dossiers) = sample();
        let refs: Vec<&Dossier> = dossiers.iter().collect();
        let granted = |id, reference: &str, amount| DecisionRow {
            amount: Some(amount),
            ..decision(id, 1, reference, "retenu")
        };
        let mut data = CommitteeData {
            sessions: vec![session(1, Stage::Dossier)],
            decisions: vec![
                granted(1, "PDNP06-2025-001", 800.0),
                granted(2, "PDNP06-2025-002", 600.0),
            ],
            ..CommitteeData::default()
        };
        let before = Committee::build(&call, &refs, &BTreeMap::new(), data.clone(), Basis::Mean);
        let e = before.envelope(&call).expect("an envelope");
        assert!((e.allocated - 1400.0).abs() < 1e-9, "{e:?}");
        data.withdrawals.push(crate::records::Withdrawal {
            reference: "PDNP06-2025-002".into(),
            session_id: 1,
            received_on: "2025-09-03".into(),
            channel: "email".into(),
            by: "Nadia Benali".into(),
            at: "2025-09-03T10:00:00Z".into(),
            promoted: None,
        });
        let after = Committee::build(&call, &refs, &BTreeMap::new(), data, Basis::Mean);
        let e = after.envelope(&call).expect("an envelope");
        assert!((e.allocated - 800.0).abs() < 1e-9, "{e:?}");
    }
}
