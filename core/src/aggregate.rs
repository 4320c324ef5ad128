//! Committee aggregates: what several members' grids say about each dossier.
//!
//! For every dossier and every criterion of the call: each member's score, the
//! number of scores, the mean, the median, the spread (max − min) and whether
//! the spread reaches the call's `disagreement_spread` (the criterion, and so
//! the dossier, is then *contested*). From those, the weighted total from the
//! means and from the medians, each member's own weighted total, and the total
//! of the chair's consensus grid, which becomes the official score when it
//! covers every criterion.
//!
//! The same arithmetic as [`crate::grid`]: weights are relative, and a total
//! exists only when every criterion has a figure, so a half-scored dossier
//! never ranks as if its missing criteria were zero.
//!
//! A member in conflict of interest with a dossier is excluded from everything
//! about it: their scores for it, if any, count in no value, mean, median,
//! spread, total, review count nor normalisation profile. They are only listed
//! in [`DossierAggregate::conflicted`].
//!
//! Pure: plain data in, plain data out; no terminal, no SQL.

use crate::call::Call;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Two figures closer than this are equal (thresholds, ties, zero deviation).
pub const EPSILON: f64 = 1e-9;

/// Everything the aggregates are computed from.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    pub call: &'a Call,
    /// The dossiers, in batch order.
    pub references: &'a [String],
    /// (reference, member, criterion id) → score.
    pub scores: &'a BTreeMap<(String, String, String), f64>,
    /// (reference, member): that member is excluded from that dossier everywhere.
    pub conflicts: &'a BTreeSet<(String, String)>,
    /// (reference, criterion id) → the chair's consensus score.
    pub consensus: &'a BTreeMap<(String, String), f64>,
}

/// Which central value the committee totals are built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Basis {
    #[default]
    Mean,
    Median,
}

/// One criterion of one dossier, across the members.
#[derive(Clone, Debug, PartialEq)]
pub struct CriterionStats {
    /// The criterion's id in the call, shared by every dossier's stats
    /// (one allocation per criterion, not per dossier: 500 000 at 100 000
    /// dossiers and five criteria).
    pub id: Arc<str>,
    /// Member → score; members in conflict with the dossier are left out.
    pub values: BTreeMap<String, f64>,
    /// Number of scores (`values.len()`).
    pub n: usize,
    pub mean: Option<f64>,
    /// Of an even count, the mean of the two middle values.
    pub median: Option<f64>,
    /// Highest minus lowest score; 0 with a single score, None with none.
    pub spread: Option<f64>,
    /// At least two scores and the spread reaches the call's
    /// `disagreement_spread` (a spread equal to it counts). Never when the
    /// call sets no `disagreement_spread`. A consensus does not clear it: the
    /// mark says the members disagreed.
    pub contested: bool,
    /// The chair's consensus score for this criterion, if recorded.
    pub consensus: Option<f64>,
}

impl CriterionStats {
    /// The mean or the median of the members' scores.
    pub fn central(&self, basis: Basis) -> Option<f64> {
        match basis {
            Basis::Mean => self.mean,
            Basis::Median => self.median,
        }
    }

    /// The consensus if the chair recorded one, else the central value.
    pub fn official(&self, basis: Basis) -> Option<f64> {
        self.consensus.or_else(|| self.central(basis))
    }
}

/// One dossier, across the members.
#[derive(Clone, Debug, PartialEq)]
pub struct DossierAggregate {
    pub reference: String,
    /// One per criterion, in call order. Shared: every dossier nobody has
    /// scored yet holds the same blank stats (at 100 000 dossiers and four
    /// criteria, 45 MB of identical empty figures otherwise).
    pub criteria: Arc<[CriterionStats]>,
    /// Every member not in conflict who scored at least one criterion of this
    /// dossier → their weighted total on the call's scale if they scored every
    /// criterion, else None.
    pub member_totals: BTreeMap<String, Option<f64>>,
    /// Σ wᵢ·meanᵢ / Σ w; None unless every criterion has at least one score.
    pub total_mean: Option<f64>,
    /// Σ wᵢ·medianᵢ / Σ w; None unless every criterion has at least one score.
    pub total_median: Option<f64>,
    /// Weighted total of the consensus grid, when it covers every criterion.
    pub consensus_total: Option<f64>,
    /// Some criterion is contested.
    pub contested: bool,
    /// Members (conflicts excluded) with at least one score on this dossier.
    pub reviews: usize,
    /// Members in conflict of interest with this dossier, by name.
    pub conflicted: Vec<String>,
}

impl DossierAggregate {
    /// The committee's weighted total on the call's scale, from the means or
    /// from the medians.
    pub fn total(&self, basis: Basis) -> Option<f64> {
        match basis {
            Basis::Mean => self.total_mean,
            Basis::Median => self.total_median,
        }
    }

    /// The score that ranks the dossier: the consensus total when the chair
    /// recorded a complete consensus grid, else [`Self::total`].
    pub fn official(&self, basis: Basis) -> Option<f64> {
        self.consensus_total.or_else(|| self.total(basis))
    }

    /// A total on the call's scale, brought to 100 (the scale's minimum is 0,
    /// its maximum 100).
    pub fn on_100(call: &Call, total_on_scale: f64) -> f64 {
        let range = call.scale.max - call.scale.min;
        if range > 0.0 {
            (total_on_scale - call.scale.min) / range * 100.0
        } else {
            0.0
        }
    }

    /// Criterion `i` (call order): the consensus if any, else the mean or the
    /// median of the members' scores. None past the last criterion.
    pub fn criterion_official(&self, i: usize, basis: Basis) -> Option<f64> {
        self.criteria.get(i).and_then(|c| c.official(basis))
    }
}

/// One aggregate per reference, in the same order.
pub fn aggregate(input: &Input) -> Vec<DossierAggregate> {
    let ids = ids(input.call);
    let blank: Arc<[CriterionStats]> = ids
        .iter()
        .map(|id| stats(input.call, id, BTreeMap::new(), None))
        .collect();
    input
        .references
        .iter()
        .map(|r| dossier(input, &ids, &blank, r))
        .collect()
}

/// The call's criterion ids, one shared copy each, in call order.
pub fn ids(call: &Call) -> Vec<Arc<str>> {
    call.criteria
        .iter()
        .map(|c| Arc::from(c.id.as_str()))
        .collect()
}

fn dossier(
    input: &Input,
    ids: &[Arc<str>],
    blank: &Arc<[CriterionStats]>,
    reference: &str,
) -> DossierAggregate {
    let call = input.call;
    let conflicted: Vec<String> = input
        .conflicts
        .range((reference.to_string(), String::new())..)
        .take_while(|(r, _)| r == reference)
        .map(|(_, m)| m.clone())
        .collect();

    // Member → criterion id → score, for this dossier, conflicts left out,
    // criteria the call does not know ignored.
    let mut by_member: BTreeMap<&str, BTreeMap<&str, f64>> = BTreeMap::new();
    let from = (reference.to_string(), String::new(), String::new());
    for ((r, member, criterion), &score) in input.scores.range(from..) {
        if r != reference {
            break;
        }
        if conflicted.contains(member)
            || call.criterion_index(criterion).is_none()
            || !score.is_finite()
        {
            continue;
        }
        by_member
            .entry(member.as_str())
            .or_default()
            .insert(criterion.as_str(), score);
    }

    let consensus_any = input
        .consensus
        .range((reference.to_string(), String::new())..)
        .next()
        .is_some_and(|((r, _), _)| r == reference);
    let criteria: Arc<[CriterionStats]> = if by_member.is_empty() && !consensus_any {
        Arc::clone(blank)
    } else {
        call.criteria
            .iter()
            .zip(ids)
            .map(|(c, id)| {
                let values: BTreeMap<String, f64> = by_member
                    .iter()
                    .filter_map(|(m, s)| s.get(c.id.as_str()).map(|v| (m.to_string(), *v)))
                    .collect();
                let consensus = input
                    .consensus
                    .get(&(reference.to_string(), c.id.clone()))
                    .copied()
                    .filter(|v| v.is_finite());
                stats(call, id, values, consensus)
            })
            .collect()
    };

    let member_totals = by_member
        .iter()
        .map(|(m, s)| {
            let total = weighted(call, |i| s.get(call.criteria[i].id.as_str()).copied());
            (m.to_string(), total)
        })
        .collect();

    DossierAggregate {
        reference: reference.to_string(),
        total_mean: weighted(call, |i| criteria[i].mean),
        total_median: weighted(call, |i| criteria[i].median),
        consensus_total: weighted(call, |i| criteria[i].consensus),
        contested: criteria.iter().any(|c| c.contested),
        reviews: by_member.len(),
        member_totals,
        criteria,
        conflicted,
    }
}

fn stats(
    call: &Call,
    id: &Arc<str>,
    values: BTreeMap<String, f64>,
    consensus: Option<f64>,
) -> CriterionStats {
    let mut sorted: Vec<f64> = values.values().copied().collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let mean = (n > 0).then(|| sorted.iter().sum::<f64>() / n as f64);
    let median = match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    };
    let spread = match (sorted.first(), sorted.last()) {
        (Some(lo), Some(hi)) => Some(hi - lo),
        _ => None,
    };
    let contested = match (call.disagreement_spread, spread) {
        (Some(limit), Some(s)) => n >= 2 && s >= limit - EPSILON,
        _ => false,
    };
    CriterionStats {
        id: Arc::clone(id),
        values,
        n,
        mean,
        median,
        spread,
        contested,
        consensus,
    }
}

/// Σ wᵢ·sᵢ / Σ w over the call's criteria, when every `score(i)` is known.
fn weighted(call: &Call, score: impl Fn(usize) -> Option<f64>) -> Option<f64> {
    let total_weight = call.total_weight();
    if call.criteria.is_empty() || total_weight <= 0.0 {
        return None;
    }
    let mut sum = 0.0;
    for (i, c) in call.criteria.iter().enumerate() {
        sum += c.weight * score(i)?;
    }
    Some(sum / total_weight)
}

// ---------------------------------------------------------------------------
// Normalisation
//
// Members do not use the scale the same way: a lenient member gives 4 where a
// harsh one gives 2 for a dossier both find average. Raw means then favour the
// dossiers a lenient member happened to review. To make that visible, each
// member's complete totals across the batch are summarised (mean, population
// standard deviation) and each of their totals is shown as a z-score against
// their own habits: +1 means "one standard deviation above what this member
// usually gives", whatever their severity. The mean of a dossier's z-scores
// gives a second ranking the committee can compare with the raw one. It is a
// reading aid: the official score stays the raw (or consensus) total.
// ---------------------------------------------------------------------------

/// A member's complete totals across the batch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Profile {
    /// Mean of the member's complete totals, on the call's scale.
    pub mean: f64,
    /// Population standard deviation of those totals; 0 when there are fewer
    /// than two of them or they are all equal (no z-score can then be given).
    pub sd: f64,
    /// Number of complete totals.
    pub count: usize,
}

/// One profile per member with at least one complete total (conflicts are
/// already excluded from the aggregates, so they never count).
pub fn member_profiles(aggs: &[DossierAggregate]) -> BTreeMap<String, Profile> {
    let mut totals: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for agg in aggs {
        for (member, total) in &agg.member_totals {
            if let Some(t) = total {
                totals.entry(member.as_str()).or_default().push(*t);
            }
        }
    }
    totals
        .into_iter()
        .map(|(member, ts)| {
            let count = ts.len();
            let mean = ts.iter().sum::<f64>() / count as f64;
            let variance = ts.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / count as f64;
            let sd = variance.sqrt();
            let sd = if count < 2 || sd <= EPSILON { 0.0 } else { sd };
            (member.to_string(), Profile { mean, sd, count })
        })
        .collect()
}

/// How far `total` is from the member's usual total, in their standard
/// deviations; None when the profile has no spread to measure against.
pub fn z_score(profile: &Profile, total: f64) -> Option<f64> {
    (profile.count >= 2 && profile.sd > EPSILON).then(|| (total - profile.mean) / profile.sd)
}

/// Each reviewing member of the dossier → the z-score of their total for it
/// (None when their total is incomplete or their profile has no spread).
pub fn z_scores(
    agg: &DossierAggregate,
    profiles: &BTreeMap<String, Profile>,
) -> BTreeMap<String, Option<f64>> {
    agg.member_totals
        .iter()
        .map(|(member, total)| {
            let z = total.and_then(|t| profiles.get(member).and_then(|p| z_score(p, t)));
            (member.clone(), z)
        })
        .collect()
}

/// The mean of the members' z-scores for this dossier: above 0, the members
/// who reviewed it rated it better than they usually rate; None when no member
/// has a z-score for it.
pub fn normalised_total(
    agg: &DossierAggregate,
    profiles: &BTreeMap<String, Profile>,
) -> Option<f64> {
    let zs: Vec<f64> = z_scores(agg, profiles).into_values().flatten().collect();
    (!zs.is_empty()).then(|| zs.iter().sum::<f64>() / zs.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample call's grid: 0–5, weights 30/30/25/15, contested from a
    /// spread of 2.
    const CALL: &str = r#"{
  "format": "jury-appel/1",
  "id": "t",
  "title": "Test",
  "issuer": { "name": "Caf" },
  "deadline": "2025-07-04",
  "scale": { "min": 0, "max": 5 },
  "criteria": [
    { "id": "experience", "label": "Expérience", "weight": 30 },
    { "id": "qualification", "label": "Qualification", "weight": 30 },
    { "id": "coherence", "label": "Cohérence", "weight": 25 },
    { "id": "formation", "label": "Formation", "weight": 15 }
  ],
  "disagreement_spread": 2
}"#;

    const IDS: [&str; 4] = ["experience", "qualification", "coherence", "formation"];

    fn call() -> Call {
        Call::parse("appel.json", CALL).unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    macro_rules! assert_close {
        ($a:expr, $b:expr) => {{
            let (a, b): (f64, f64) = ($a, $b);
            assert!(close(a, b), "{a} ≠ {b}");
        }};
    }

    #[derive(Default)]
    struct Data {
        references: Vec<String>,
        scores: BTreeMap<(String, String, String), f64>,
        conflicts: BTreeSet<(String, String)>,
        consensus: BTreeMap<(String, String), f64>,
    }

    impl Data {
        fn dossier(mut self, reference: &str) -> Self {
            self.references.push(reference.into());
            self
        }
        /// Scores in call order; None leaves the criterion unscored.
        fn grid(mut self, reference: &str, member: &str, s: [Option<f64>; 4]) -> Self {
            for (id, v) in IDS.iter().zip(s) {
                if let Some(v) = v {
                    self.scores
                        .insert((reference.into(), member.into(), id.to_string()), v);
                }
            }
            self
        }
        fn conflict(mut self, reference: &str, member: &str) -> Self {
            self.conflicts.insert((reference.into(), member.into()));
            self
        }
        fn consensus(mut self, reference: &str, criterion: &str, v: f64) -> Self {
            self.consensus
                .insert((reference.into(), criterion.into()), v);
            self
        }
        fn run(&self, call: &Call) -> Vec<DossierAggregate> {
            aggregate(&Input {
                call,
                references: &self.references,
                scores: &self.scores,
                conflicts: &self.conflicts,
                consensus: &self.consensus,
            })
        }
    }

    fn all(v: [f64; 4]) -> [Option<f64>; 4] {
        v.map(Some)
    }

    /// Three members on PDNP-001 plus Damien, in conflict, whose zeros would
    /// change every figure if they leaked.
    ///
    /// |         | experience | qualification | coherence | formation |
    /// | Alice   | 4          | 5             | 3         | 2         |
    /// | Bruno   | 2          | 4             | 3         | 3         |
    /// | Chloé   | 3          | 4             | 4         | —         |
    /// | Damien  | 0          | 0             | 0         | 0         | (conflict)
    ///
    /// PDNP-002: only Alice, three criteria out of four.
    fn committee() -> Data {
        Data::default()
            .dossier("PDNP-001")
            .dossier("PDNP-002")
            .grid("PDNP-001", "Alice", all([4.0, 5.0, 3.0, 2.0]))
            .grid("PDNP-001", "Bruno", all([2.0, 4.0, 3.0, 3.0]))
            .grid("PDNP-001", "Chloé", [Some(3.0), Some(4.0), Some(4.0), None])
            .grid("PDNP-001", "Damien", all([0.0, 0.0, 0.0, 0.0]))
            .conflict("PDNP-001", "Damien")
            .grid("PDNP-002", "Alice", [Some(3.0), Some(3.0), Some(3.0), None])
    }

    #[test]
    fn one_aggregate_per_reference_in_batch_order() {
        let c = call();
        let d = committee().dossier("PDNP-000");
        let aggs = d.run(&c);
        let refs: Vec<&str> = aggs.iter().map(|a| a.reference.as_str()).collect();
        assert_eq!(refs, ["PDNP-001", "PDNP-002", "PDNP-000"]);
        let empty = &aggs[2];
        assert_eq!(empty.reviews, 0);
        assert!(empty.member_totals.is_empty());
        assert_eq!(empty.total_mean, None);
        assert!(
            empty
                .criteria
                .iter()
                .all(|s| s.n == 0 && s.spread.is_none())
        );
    }

    #[test]
    fn mean_median_spread_per_criterion() {
        let c = call();
        let a = &committee().run(&c)[0];
        let ids: Vec<&str> = a.criteria.iter().map(|s| &*s.id).collect();
        assert_eq!(ids, IDS);
        // experience: 4, 2, 3 → mean 3, median 3, spread 4 − 2 = 2
        let e = &a.criteria[0];
        assert_eq!(e.n, 3);
        assert_close!(e.mean.unwrap(), 3.0);
        assert_close!(e.median.unwrap(), 3.0);
        assert_close!(e.spread.unwrap(), 2.0);
        // qualification: 5, 4, 4 → mean 13/3 = 4.3333, median 4, spread 1
        let q = &a.criteria[1];
        assert_close!(q.mean.unwrap(), 13.0 / 3.0);
        assert_close!(q.median.unwrap(), 4.0);
        assert_close!(q.spread.unwrap(), 1.0);
        // coherence: 3, 3, 4 → mean 10/3 = 3.3333, median 3, spread 1
        let h = &a.criteria[2];
        assert_close!(h.mean.unwrap(), 10.0 / 3.0);
        assert_close!(h.median.unwrap(), 3.0);
        assert_close!(h.spread.unwrap(), 1.0);
        // formation: 2, 3 (Chloé did not score it) → n 2, mean 2.5,
        // median of an even count = (2 + 3) / 2 = 2.5, spread 1
        let f = &a.criteria[3];
        assert_eq!(f.n, 2);
        assert_close!(f.mean.unwrap(), 2.5);
        assert_close!(f.median.unwrap(), 2.5);
        assert_close!(f.spread.unwrap(), 1.0);
        assert_eq!(
            f.values.keys().map(String::as_str).collect::<Vec<_>>(),
            ["Alice", "Bruno"]
        );
    }

    #[test]
    fn median_of_even_count_is_mean_of_middle_values() {
        let c = call();
        // experience: 1, 5, 2, 4 → sorted 1 2 4 5 → (2 + 4) / 2 = 3; mean 3;
        // qualification: 0, 0, 1, 5 → median 0, mean 1.5
        let d = Data::default()
            .dossier("X")
            .grid("X", "A", all([1.0, 0.0, 1.0, 1.0]))
            .grid("X", "B", all([5.0, 5.0, 1.0, 1.0]))
            .grid("X", "C", all([2.0, 1.0, 1.0, 1.0]))
            .grid("X", "D", all([4.0, 0.0, 1.0, 1.0]));
        let a = &d.run(&c)[0];
        assert_close!(a.criteria[0].median.unwrap(), 3.0);
        assert_close!(a.criteria[1].median.unwrap(), 0.5);
        assert_close!(a.criteria[1].mean.unwrap(), 1.5);
    }

    #[test]
    fn contested_at_exactly_the_threshold() {
        let c = call();
        let a = &committee().run(&c)[0];
        // experience: spread 2 = disagreement_spread 2 → contested
        assert!(a.criteria[0].contested);
        // the others: spread 1 < 2
        assert!(a.criteria[1..].iter().all(|s| !s.contested));
        assert!(a.contested);
        // PDNP-002: a single score has spread 0 and is never contested
        let b = &committee().run(&c)[1];
        assert_eq!(b.criteria[0].spread, Some(0.0));
        assert!(!b.contested);
    }

    #[test]
    fn just_below_the_threshold_is_not_contested() {
        let c = call();
        // experience: 4 and 2.01 → spread 1.99 < 2
        let d = Data::default()
            .dossier("X")
            .grid("X", "A", all([4.0, 3.0, 3.0, 3.0]))
            .grid("X", "B", all([2.01, 3.0, 3.0, 3.0]));
        let a = &d.run(&c)[0];
        assert!(!a.criteria[0].contested);
        assert!(!a.contested);
    }

    #[test]
    fn no_disagreement_spread_means_never_contested() {
        let text = CALL.replace(",\n  \"disagreement_spread\": 2", "");
        let c = Call::parse("appel.json", &text).unwrap();
        assert_eq!(c.disagreement_spread, None);
        let a = &committee().run(&c)[0];
        assert_close!(a.criteria[0].spread.unwrap(), 2.0);
        assert!(!a.contested);
    }

    #[test]
    fn member_totals_complete_and_incomplete() {
        let c = call();
        let a = &committee().run(&c)[0];
        // Alice: (30·4 + 30·5 + 25·3 + 15·2) / 100 = (120 + 150 + 75 + 30) / 100 = 3.75
        assert_close!(a.member_totals["Alice"].unwrap(), 3.75);
        // Bruno: (30·2 + 30·4 + 25·3 + 15·3) / 100 = (60 + 120 + 75 + 45) / 100 = 3.0
        assert_close!(a.member_totals["Bruno"].unwrap(), 3.0);
        // Chloé left formation empty: no total, but she is a reviewer
        assert_eq!(a.member_totals["Chloé"], None);
        assert_eq!(a.reviews, 3);
        // PDNP-002: Alice scored 3 criteria of 4
        let b = &committee().run(&c)[1];
        assert_eq!(b.member_totals.len(), 1);
        assert_eq!(b.member_totals["Alice"], None);
        assert_eq!(b.reviews, 1);
    }

    #[test]
    fn committee_totals_from_mean_and_median() {
        let c = call();
        let a = &committee().run(&c)[0];
        // mean:   (30·3 + 30·13/3 + 25·10/3 + 15·2.5) / 100
        //       = (90 + 130 + 83.3333 + 37.5) / 100 = 3.408333
        assert_close!(a.total_mean.unwrap(), 340.833_333_333 / 100.0);
        // median: (30·3 + 30·4 + 25·3 + 15·2.5) / 100 = (90 + 120 + 75 + 37.5) / 100 = 3.225
        assert_close!(a.total_median.unwrap(), 3.225);
        assert_eq!(a.total(Basis::Mean), a.total_mean);
        assert_eq!(a.total(Basis::Median), a.total_median);
        assert_eq!(Basis::default(), Basis::Mean);
        // 3.225 on 0–5 → 64.5 on 100
        assert_close!(DossierAggregate::on_100(&c, 3.225), 64.5);
        // without consensus, the official score is the total
        assert_eq!(a.official(Basis::Median), a.total_median);
        assert_eq!(a.criterion_official(1, Basis::Median), Some(4.0));
        assert_eq!(a.criterion_official(9, Basis::Mean), None);
    }

    #[test]
    fn dossiers_nobody_scored_share_one_blank_grid_equal_to_the_computed_one() {
        let c = call();
        let data = committee()
            .dossier("PDNP-003")
            .dossier("PDNP-004")
            .dossier("PDNP-005")
            .conflict("PDNP-005", "Bruno")
            .dossier("PDNP-006")
            .consensus("PDNP-006", "formation", 4.0);
        let aggs = data.run(&c);
        let (unscored, conflicted, with_consensus) = (&aggs[2..4], &aggs[4], &aggs[5]);
        assert!(Arc::ptr_eq(&unscored[0].criteria, &unscored[1].criteria));
        assert!(
            Arc::ptr_eq(&unscored[0].criteria, &conflicted.criteria),
            "a conflict alone records no figure"
        );
        assert!(!Arc::ptr_eq(&aggs[0].criteria, &unscored[0].criteria));
        assert!(!Arc::ptr_eq(
            &with_consensus.criteria,
            &unscored[0].criteria
        ));
        assert_eq!(with_consensus.criteria[3].consensus, Some(4.0));
        // The shared grid holds what computing it would give: each
        // criterion's own id, no value, no figure.
        let ids: Vec<&str> = unscored[0].criteria.iter().map(|s| &*s.id).collect();
        assert_eq!(ids, IDS);
        for s in unscored[0].criteria.iter() {
            assert_eq!(*s, stats(&c, &s.id, BTreeMap::new(), None));
        }
    }

    #[test]
    fn no_committee_total_while_a_criterion_has_no_score() {
        let c = call();
        let b = &committee().run(&c)[1];
        assert_eq!(b.criteria[3].n, 0);
        assert_eq!(b.criteria[3].mean, None);
        assert_eq!(b.criteria[3].median, None);
        assert_eq!(b.criteria[3].spread, None);
        assert_eq!(b.total_mean, None);
        assert_eq!(b.total_median, None);
        assert_eq!(b.official(Basis::Mean), None);
    }

    #[test]
    fn conflicted_member_vanishes_from_every_figure() {
        let c = call();
        let with = committee();
        let a = &with.run(&c)[0];
        assert_eq!(a.conflicted, ["Damien"]);
        assert!(!a.member_totals.contains_key("Damien"));
        assert!(a.criteria.iter().all(|s| !s.values.contains_key("Damien")));
        // Had Damien's zeros counted, experience would be 4, 2, 3, 0: mean
        // 2.25, spread 4. The figures are those of the three others.
        assert_eq!(a.criteria[0].n, 3);
        assert_close!(a.criteria[0].spread.unwrap(), 2.0);

        // Same figures as if Damien had never scored it.
        let mut without = committee();
        without
            .scores
            .retain(|(r, m, _), _| !(r == "PDNP-001" && m == "Damien"));
        without.conflicts.clear();
        let mut b = without.run(&c)[0].clone();
        assert!(b.conflicted.is_empty());
        b.conflicted = vec!["Damien".into()];
        assert_eq!(a, &b);
    }

    #[test]
    fn conflict_without_scores_is_still_listed_and_other_dossiers_unaffected() {
        let c = call();
        let d = committee()
            .conflict("PDNP-002", "Bruno")
            .conflict("PDNP-002", "Alice")
            .grid("PDNP-002", "Chloé", all([1.0, 1.0, 1.0, 1.0]));
        let aggs = d.run(&c);
        // Alice's own scores on PDNP-002 vanish too; only Chloé remains.
        assert_eq!(aggs[1].conflicted, ["Alice", "Bruno"]);
        assert_eq!(aggs[1].reviews, 1);
        assert_close!(aggs[1].total_mean.unwrap(), 1.0);
        // Alice still counts on PDNP-001.
        assert_close!(aggs[0].member_totals["Alice"].unwrap(), 3.75);
    }

    #[test]
    fn scores_on_unknown_criteria_are_ignored() {
        let c = call();
        let mut d = Data::default().dossier("X");
        d.scores
            .insert(("X".into(), "Eve".into(), "ancien".into()), 5.0);
        let a = &d.run(&c)[0];
        assert_eq!(a.reviews, 0);
        assert!(a.member_totals.is_empty());
    }

    #[test]
    fn complete_consensus_overrides_the_total() {
        let c = call();
        let d = committee()
            .consensus("PDNP-001", "experience", 4.0)
            .consensus("PDNP-001", "qualification", 4.0)
            .consensus("PDNP-001", "coherence", 3.0)
            .consensus("PDNP-001", "formation", 3.0);
        let a = &d.run(&c)[0];
        // (30·4 + 30·4 + 25·3 + 15·3) / 100 = (120 + 120 + 75 + 45) / 100 = 3.6
        assert_close!(a.consensus_total.unwrap(), 3.6);
        assert_close!(a.official(Basis::Mean).unwrap(), 3.6);
        assert_close!(a.official(Basis::Median).unwrap(), 3.6);
        assert_eq!(a.criterion_official(0, Basis::Mean), Some(4.0));
        // the members' figures stay as they were
        assert_close!(a.total_mean.unwrap(), 340.833_333_333 / 100.0);
        assert_eq!(a.criteria[0].values["Alice"], 4.0);
        assert_close!(a.member_totals["Alice"].unwrap(), 3.75);
        // and the disagreement is still on record
        assert!(a.criteria[0].contested);
    }

    #[test]
    fn partial_consensus_overrides_its_criteria_only() {
        let c = call();
        let d = committee().consensus("PDNP-002", "experience", 5.0);
        let b = &d.run(&c)[1];
        assert_eq!(b.consensus_total, None);
        assert_eq!(b.official(Basis::Mean), None);
        assert_eq!(b.criterion_official(0, Basis::Mean), Some(5.0));
        assert_eq!(b.criterion_official(1, Basis::Mean), Some(3.0));
        assert_eq!(b.criterion_official(3, Basis::Mean), None);
    }

    #[test]
    fn on_100_with_nonzero_minimum() {
        let text = CALL.replace("\"min\": 0, \"max\": 5", "\"min\": 1, \"max\": 5");
        let c = Call::parse("appel.json", &text).unwrap();
        assert_close!(DossierAggregate::on_100(&c, 1.0), 0.0);
        assert_close!(DossierAggregate::on_100(&c, 4.0), 75.0);
        assert_close!(DossierAggregate::on_100(&c, 5.0), 100.0);
    }

    /// Every member gives the same score on all four criteria, so each total
    /// equals that score.
    ///
    /// |          | D1 | D2 | D3 |
    /// | Hugo     | 3  | —  | 1  |  harsh:   mean 2,   sd 1
    /// | Léa      | —  | 4  | 5  |  lenient: mean 4.5, sd 0.5
    /// | Marc     | 4  | —  | —  |  one total: sd 0, no z-score
    /// | Nina     | —  | 2  | 2  |  always 2: sd 0, no z-score
    ///
    /// Raw means: D1 (3 + 4) / 2 = 3.5; D2 (4 + 2) / 2 = 3; D3 (1 + 5 + 2) / 3 = 2.667.
    /// z-scores:  Hugo D1 (3 − 2) / 1 = +1, D3 (1 − 2) / 1 = −1;
    ///            Léa  D2 (4 − 4.5) / 0.5 = −1, D3 (5 − 4.5) / 0.5 = +1.
    /// Normalised: D1 +1; D2 −1; D3 (−1 + 1) / 2 = 0.
    fn batch() -> Data {
        Data::default()
            .dossier("D1")
            .dossier("D2")
            .dossier("D3")
            .grid("D1", "Hugo", all([3.0; 4]))
            .grid("D3", "Hugo", all([1.0; 4]))
            .grid("D2", "Léa", all([4.0; 4]))
            .grid("D3", "Léa", all([5.0; 4]))
            .grid("D1", "Marc", all([4.0; 4]))
            .grid("D2", "Nina", all([2.0; 4]))
            .grid("D3", "Nina", all([2.0; 4]))
    }

    #[test]
    fn profiles_show_lenient_and_harsh_members() {
        let c = call();
        let aggs = batch().run(&c);
        let p = member_profiles(&aggs);
        assert_eq!(
            p.keys().map(String::as_str).collect::<Vec<_>>(),
            ["Hugo", "Léa", "Marc", "Nina"]
        );
        // Hugo: totals 3, 1 → mean 2, population sd √(((3−2)² + (1−2)²) / 2) = 1
        assert_eq!(p["Hugo"].count, 2);
        assert_close!(p["Hugo"].mean, 2.0);
        assert_close!(p["Hugo"].sd, 1.0);
        // Léa: totals 4, 5 → mean 4.5, sd √((0.25 + 0.25) / 2) = 0.5
        assert_close!(p["Léa"].mean, 4.5);
        assert_close!(p["Léa"].sd, 0.5);
        // Marc: one total → sd 0; Nina: 2 and 2 → sd 0
        assert_eq!(
            p["Marc"],
            Profile {
                mean: 4.0,
                sd: 0.0,
                count: 1
            }
        );
        assert_eq!(p["Nina"].sd, 0.0);
        assert_eq!(z_score(&p["Marc"], 4.0), None);
        assert_eq!(z_score(&p["Nina"], 2.0), None);
        assert_close!(z_score(&p["Hugo"], 3.0).unwrap(), 1.0);
        assert_close!(z_score(&p["Léa"], 4.0).unwrap(), -1.0);
    }

    #[test]
    fn normalised_totals_reverse_the_raw_order_here() {
        let c = call();
        let aggs = batch().run(&c);
        let p = member_profiles(&aggs);
        // raw: D1 3.5 > D2 3 > D3 2.667
        assert_close!(aggs[0].total_mean.unwrap(), 3.5);
        assert_close!(aggs[1].total_mean.unwrap(), 3.0);
        assert_close!(aggs[2].total_mean.unwrap(), 8.0 / 3.0);
        // normalised: D1 +1 (Marc has none); D2 −1 (Nina has none);
        // D3 (Hugo −1 + Léa +1) / 2 = 0 (Nina has none) → D1 > D3 > D2
        assert_close!(normalised_total(&aggs[0], &p).unwrap(), 1.0);
        assert_close!(normalised_total(&aggs[1], &p).unwrap(), -1.0);
        assert_close!(normalised_total(&aggs[2], &p).unwrap(), 0.0);
        let z = z_scores(&aggs[2], &p);
        assert_close!(z["Hugo"].unwrap(), -1.0);
        assert_close!(z["Léa"].unwrap(), 1.0);
        assert_eq!(z["Nina"], None);
    }

    #[test]
    fn incomplete_reviews_have_no_profile_and_no_z_score() {
        let c = call();
        // Oscar never completes a grid: a reviewer, without profile or
        // z-score; D4 then has no normalised total at all.
        let half = [Some(3.0), Some(3.0), None, None];
        let d = batch()
            .dossier("D4")
            .grid("D4", "Oscar", half)
            .grid("D1", "Oscar", half);
        let aggs = d.run(&c);
        let p = member_profiles(&aggs);
        assert!(!p.contains_key("Oscar"));
        assert_eq!(aggs[3].reviews, 1);
        assert_eq!(z_scores(&aggs[3], &p)["Oscar"], None);
        assert_eq!(normalised_total(&aggs[3], &p), None);
        // on D1 Hugo's +1 is still the only z-score
        assert_eq!(z_scores(&aggs[0], &p)["Oscar"], None);
        assert_close!(normalised_total(&aggs[0], &p).unwrap(), 1.0);
    }

    #[test]
    fn conflicts_do_not_enter_profiles() {
        let c = call();
        // Hugo's 0 on D2 is under a conflict: his profile stays 3, 1.
        let d = batch()
            .grid("D2", "Hugo", all([0.0; 4]))
            .conflict("D2", "Hugo");
        let p = member_profiles(&d.run(&c));
        assert_eq!(p["Hugo"].count, 2);
        assert_close!(p["Hugo"].mean, 2.0);
    }
}
