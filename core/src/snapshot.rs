//! What a closed session froze: for each dossier of the batch, the basis its
//! decision was taken on (every member's scores and comments, the aggregates,
//! the official total and rank, the eligibility verdict and the grid). Letters
//! and minutes of a closed session are rendered from it, never from the live
//! scores, so they read the same however the scores move afterwards.

use crate::aggregate::{Basis, CriterionStats, DossierAggregate};
use crate::call::Call;
use crate::committee::Committee;
use crate::dossier::Dossier;
use crate::eligibility::{self, Outcome, Verdict};
use crate::records::ScoreRow;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One criterion of the grid the dossier was scored on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GridCriterion {
    pub id: String,
    pub label: String,
    pub weight: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    pub criteria: Vec<GridCriterion>,
    pub scale_min: f64,
    pub scale_max: f64,
    /// "mean" or "median": which central value made the totals.
    pub basis: String,
}

/// One member's score (and comment) on one criterion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberScore {
    pub member: String,
    pub criterion: String,
    pub value: Option<f64>,
    pub comment: String,
}

/// One criterion across the members, as the committee counted it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CriterionBasis {
    pub id: String,
    /// Member → score, members in conflict left out.
    pub values: BTreeMap<String, f64>,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub spread: Option<f64>,
    pub contested: bool,
    pub consensus: Option<f64>,
    pub official: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverrideBasis {
    pub eligible: bool,
    pub justification: String,
    pub by: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EligibilityBasis {
    /// "eligible", "ineligible" or "unknown", after the chair's override.
    pub verdict: String,
    /// The rules' verdict before any override.
    pub rules_verdict: String,
    /// The required rules not met or not known, with why.
    pub reasons: Vec<String>,
    #[serde(rename = "override")]
    pub override_: Option<OverrideBasis>,
}

/// A member in conflict of interest with the dossier, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConflictBasis {
    pub member: String,
    pub reason: String,
}

/// One dossier as the committee saw it when the session closed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub session_id: i64,
    pub reference: String,
    /// The decision taken on it in this session, if any: id and kind.
    pub decision_id: Option<i64>,
    pub decision: Option<String>,
    pub grid: Grid,
    pub scores: Vec<MemberScore>,
    pub conflicts: Vec<ConflictBasis>,
    pub criteria: Vec<CriterionBasis>,
    pub member_totals: BTreeMap<String, Option<f64>>,
    pub total_mean: Option<f64>,
    pub total_median: Option<f64>,
    pub consensus_total: Option<f64>,
    /// The official total on the call's scale.
    pub total: Option<f64>,
    pub rank: Option<usize>,
    pub still_tied: bool,
    pub eligibility: EligibilityBasis,
}

fn basis_name(b: Basis) -> &'static str {
    match b {
        Basis::Mean => "mean",
        Basis::Median => "median",
    }
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Eligible => "eligible",
        Verdict::Unknown => "unknown",
        Verdict::Ineligible => "ineligible",
    }
}

impl Snapshot {
    pub fn basis(&self) -> Basis {
        if self.grid.basis == "median" {
            Basis::Median
        } else {
            Basis::Mean
        }
    }

    /// The aggregate the snapshot froze, in the shape letters compose from.
    pub fn aggregate(&self) -> DossierAggregate {
        DossierAggregate {
            reference: self.reference.clone(),
            criteria: self
                .criteria
                .iter()
                .map(|c| CriterionStats {
                    id: c.id.clone(),
                    values: c.values.clone(),
                    n: c.values.len(),
                    mean: c.mean,
                    median: c.median,
                    spread: c.spread,
                    contested: c.contested,
                    consensus: c.consensus,
                })
                .collect(),
            member_totals: self.member_totals.clone(),
            total_mean: self.total_mean,
            total_median: self.total_median,
            consensus_total: self.consensus_total,
            contested: self.criteria.iter().any(|c| c.contested),
            reviews: self.member_totals.len(),
            conflicted: self.conflicts.iter().map(|c| c.member.clone()).collect(),
        }
    }

    /// The verdict after the override, as the minutes print it.
    pub fn verdict(&self) -> Verdict {
        match self.eligibility.verdict.as_str() {
            "eligible" => Verdict::Eligible,
            "ineligible" => Verdict::Ineligible,
            _ => Verdict::Unknown,
        }
    }
}

/// The snapshots of every dossier of the batch at the close of `session_id`,
/// built from the committee's picture (`dossiers` as given to
/// `Committee::build`) and every score row (for the comments).
pub fn build(
    call: &Call,
    committee: &Committee,
    dossiers: &[&Dossier],
    scores: &[ScoreRow],
    session_id: i64,
) -> Vec<Snapshot> {
    let basis = committee.basis;
    let grid = Grid {
        criteria: call
            .criteria
            .iter()
            .map(|c| GridCriterion {
                id: c.id.clone(),
                label: c.label.clone(),
                weight: c.weight,
            })
            .collect(),
        scale_min: call.scale.min,
        scale_max: call.scale.max,
        basis: basis_name(basis).into(),
    };
    dossiers
        .iter()
        .zip(&committee.aggregates)
        .map(|(d, a)| {
            let decision = committee
                .data
                .decisions
                .iter()
                .rev()
                .find(|x| x.session_id == session_id && x.reference == d.reference);
            let ranked = committee.rank_of(&d.reference);
            let report = eligibility::evaluate(call, d, crate::fr::Lang::Fr);
            let over = committee.overrides.get(&d.reference);
            let verdict = match over {
                Some(o) if o.eligible => Verdict::Eligible,
                Some(_) => Verdict::Ineligible,
                None => report.verdict,
            };
            let reasons = report
                .checks
                .iter()
                .filter(|c| c.required)
                .filter_map(|c| match &c.outcome {
                    Outcome::Met => None,
                    Outcome::NotMet(why) | Outcome::Unknown(why) => {
                        Some(format!("{} : {why}", c.label))
                    }
                })
                .collect();
            Snapshot {
                session_id,
                reference: d.reference.clone(),
                decision_id: decision.map(|x| x.id),
                decision: decision.map(|x| x.kind.clone()),
                grid: grid.clone(),
                scores: scores
                    .iter()
                    .filter(|s| s.reference == d.reference)
                    .map(|s| MemberScore {
                        member: s.member.clone(),
                        criterion: s.criterion.clone(),
                        value: s.value,
                        comment: s.comment.clone(),
                    })
                    .collect(),
                conflicts: committee
                    .data
                    .conflicts
                    .iter()
                    .filter(|c| c.reference == d.reference)
                    .map(|c| ConflictBasis {
                        member: c.member.clone(),
                        reason: c.reason.clone(),
                    })
                    .collect(),
                criteria: a
                    .criteria
                    .iter()
                    .map(|c| CriterionBasis {
                        id: c.id.clone(),
                        values: c.values.clone(),
                        mean: c.mean,
                        median: c.median,
                        spread: c.spread,
                        contested: c.contested,
                        consensus: c.consensus,
                        official: c.official(basis),
                    })
                    .collect(),
                member_totals: a.member_totals.clone(),
                total_mean: a.total_mean,
                total_median: a.total_median,
                consensus_total: a.consensus_total,
                total: a.official(basis),
                rank: ranked.and_then(|r| r.rank),
                still_tied: ranked.is_some_and(|r| r.still_tied),
                eligibility: EligibilityBasis {
                    verdict: verdict_name(verdict).into(),
                    rules_verdict: verdict_name(report.verdict).into(),
                    reasons,
                    override_: over.map(|o| OverrideBasis {
                        eligible: o.eligible,
                        justification: o.justification.clone(),
                        by: o.by.clone(),
                    }),
                },
            }
        })
        .collect()
}
