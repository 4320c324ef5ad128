//! What a closed session froze: for each dossier of the batch, the basis its
//! decision was taken on (every member's scores and comments, the aggregates,
//! the official total and rank, the eligibility verdict and the grid). Letters
//! and minutes of a closed session are rendered from it, never from the live
//! scores, so they read the same however the scores move afterwards.

use crate::aggregate::{Basis, CriterionStats, DossierAggregate};
use crate::call::Call;
use crate::committee::{Candidacy, Committee};
use crate::eligibility::{Outcome, Verdict};
use crate::records::{Conflict, DecisionRow, ScoreRow};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

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
    /// At the audition stage: the dossier stage's total, the final score
    /// the rank comes from, and whether the candidate came. Absent from a
    /// one-stage call's snapshots, which read as they always did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audition: Option<AuditionBasis>,
}

/// What the audition stage adds to a candidate's frozen basis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditionBasis {
    /// The official total at the dossier stage, on the dossiers' scale.
    pub dossier_total: Option<f64>,
    /// The final score the ranking used (see `stage::Combine`).
    pub final_score: Option<f64>,
    pub absent: bool,
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
                    id: c.id.as_str().into(),
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
/// `Committee::build`) and every score row (for the comments). `call` is
/// the grid the session's stage scores on (`Call::grid_of`); at the
/// audition stage only the convened candidates are frozen.
pub fn build<D: Candidacy + Sync>(
    call: &Call,
    committee: &Committee,
    dossiers: &[&D],
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
    let finals = committee.finals.as_ref();
    // Each dossier's rows looked up, not searched for: a session closing
    // over 100 000 dossiers would otherwise walk every score, conflict and
    // decision once per dossier.
    let mut scores_of: HashMap<&str, Vec<&ScoreRow>> = HashMap::new();
    for s in scores {
        if call.criteria.iter().any(|c| c.id == s.criterion) {
            scores_of.entry(&s.reference).or_default().push(s);
        }
    }
    let mut conflicts_of: HashMap<&str, Vec<&Conflict>> = HashMap::new();
    for c in &committee.data.conflicts {
        conflicts_of.entry(&c.reference).or_default().push(c);
    }
    let convened: Option<HashSet<&str>> =
        finals.map(|f| f.convened.iter().map(String::as_str).collect());
    // The session's last decision on each dossier.
    let decision_of: HashMap<&str, &DecisionRow> = committee
        .data
        .decisions
        .iter()
        .filter(|x| x.session_id == session_id)
        .map(|x| (x.reference.as_str(), x))
        .collect();
    let frozen: Vec<(&D, &DossierAggregate)> = dossiers
        .iter()
        .copied()
        .zip(&committee.aggregates)
        .filter(|(d, _)| convened.as_ref().is_none_or(|c| c.contains(d.reference())))
        .collect();
    // Each dossier's eligibility is worked out again from its text: on
    // every core.
    crate::par::map_owned(frozen, 2048, |(d, a)| {
        let reference = d.reference();
        let decision = decision_of.get(reference);
        let ranked = committee.rank_of(reference);
        let report = d.report(call, crate::fr::Lang::Fr);
        let over = committee.overrides.get(reference);
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
            reference: reference.to_string(),
            decision_id: decision.map(|x| x.id),
            decision: decision.map(|x| x.kind.clone()),
            grid: grid.clone(),
            scores: scores_of
                .get(reference)
                .into_iter()
                .flatten()
                .map(|s| MemberScore {
                    member: s.member.clone(),
                    criterion: s.criterion.clone(),
                    value: s.value,
                    comment: s.comment.clone(),
                })
                .collect(),
            conflicts: conflicts_of
                .get(reference)
                .into_iter()
                .flatten()
                .map(|c| ConflictBasis {
                    member: c.member.clone(),
                    reason: c.reason.clone(),
                })
                .collect(),
            criteria: a
                .criteria
                .iter()
                .map(|c| CriterionBasis {
                    id: c.id.to_string(),
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
            audition: finals.map(|f| AuditionBasis {
                dossier_total: f.dossier.get(reference).copied(),
                final_score: f.final_score.get(reference).copied(),
                absent: committee.data.absent(reference),
            }),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::{Card, Dossier};
    use crate::records::{CommitteeData, Override, Session};

    const CALL: &str = include_str!("../../samples/caf06-pdnp-2025/appel.json");
    const D1: &str = include_str!("../../samples/caf06-pdnp-2025/dossiers/PDNP06-2025-001.json");
    const D2: &str = include_str!("../../samples/caf06-pdnp-2025/dossiers/PDNP06-2025-002.json");
    const CRITERIA: [&str; 4] = ["experience", "qualification", "coherence", "formation"];

    fn dossier(text: &str) -> Dossier {
        Dossier::from_value(&serde_json::from_str(text).unwrap()).unwrap()
    }

    fn row(reference: &str, member: &str, criterion: &str, value: f64) -> ScoreRow {
        ScoreRow {
            reference: reference.into(),
            member: member.into(),
            criterion: criterion.into(),
            value: Some(value),
            comment: format!("{member} sur {criterion}"),
        }
    }

    fn data() -> CommitteeData {
        CommitteeData {
            conflicts: vec![Conflict {
                reference: "PDNP06-2025-001".into(),
                member: "Julien Ferrand".into(),
                reason: "administrateur de la structure".into(),
            }],
            overrides: vec![Override {
                reference: "PDNP06-2025-002".into(),
                eligible: true,
                justification: "pièce reçue en séance".into(),
                by: "Sylvie Marcellin".into(),
            }],
            sessions: vec![Session {
                id: 1,
                stage: Default::default(),
                date: "2025-07-07".into(),
                opened_by: "Sylvie Marcellin".into(),
                closed_at: None,
                lot: None,
                present: Vec::new(),
            }],
            decisions: vec![DecisionRow {
                id: 7,
                session_id: 1,
                reference: "PDNP06-2025-001".into(),
                kind: "retenu".into(),
                motivation: String::new(),
                condition: String::new(),
                waitlist_rank: None,
                documents: String::new(),
                without_quorum: false,
                guarded: false,
                amount: None,
                budget_override: String::new(),
                by: "Sylvie Marcellin".into(),
                at: "2025-07-07T10:00:00Z".into(),
            }],
            ..CommitteeData::default()
        }
    }

    fn committee(call: &Call, dossiers: &[&Dossier], rows: &[ScoreRow]) -> Committee {
        let scores = crate::records::score_values(rows);
        Committee::build(call, dossiers, &scores, data(), Basis::Mean)
    }

    #[test]
    fn the_snapshot_holds_the_basis_of_each_dossier_and_reads_back() {
        let call = Call::parse("appel.json", CALL).unwrap();
        let (d1, d2) = (dossier(D1), dossier(D2));
        let dossiers = [&d1, &d2];
        let mut rows = Vec::new();
        for (c, (a, b)) in CRITERIA
            .iter()
            .zip([(4.0, 5.0), (4.0, 3.0), (5.0, 5.0), (3.0, 4.0)])
        {
            rows.push(row("PDNP06-2025-001", "Sylvie Marcellin", c, a));
            rows.push(row("PDNP06-2025-001", "Nadia Benali", c, b));
            // In conflict: kept in the scores, out of the aggregates.
            rows.push(row("PDNP06-2025-001", "Julien Ferrand", c, 0.0));
            rows.push(row("PDNP06-2025-002", "Sylvie Marcellin", c, 2.0));
        }
        let c = committee(&call, &dossiers, &rows);
        let snaps = build(&call, &c, &dossiers, &rows, 1);
        assert_eq!(snaps.len(), 2);
        let s = &snaps[0];
        assert_eq!((s.session_id, s.reference.as_str()), (1, "PDNP06-2025-001"));
        assert_eq!(
            (s.decision_id, s.decision.as_deref()),
            (Some(7), Some("retenu"))
        );
        let grid: Vec<(&str, f64)> = s
            .grid
            .criteria
            .iter()
            .map(|g| (g.id.as_str(), g.weight))
            .collect();
        assert_eq!(
            grid,
            vec![
                ("experience", 30.0),
                ("qualification", 30.0),
                ("coherence", 25.0),
                ("formation", 15.0)
            ]
        );
        assert_eq!(
            (s.grid.scale_min, s.grid.scale_max, s.grid.basis.as_str()),
            (0.0, 5.0, "mean")
        );
        assert_eq!(
            s.scores.len(),
            12,
            "every member's score, the recused one's too"
        );
        assert!(
            s.scores
                .iter()
                .any(|m| m.comment == "Nadia Benali sur coherence")
        );
        assert_eq!(s.conflicts[0].member, "Julien Ferrand");
        assert_eq!(s.criteria[1].mean, Some(3.5));
        assert_eq!(s.criteria[1].values.len(), 2, "the recused member left out");
        // (30·4,5 + 30·3,5 + 25·5 + 15·3,5) / 100 = 4,175
        assert!(
            s.total.is_some_and(|t| (t - 4.175).abs() < 1e-9),
            "{:?}",
            s.total
        );
        assert_eq!(s.rank, Some(1));
        assert_eq!(s.eligibility.override_, None);
        let s2 = &snaps[1];
        assert_eq!((s2.decision_id, s2.rank), (None, Some(2)));
        assert_eq!(s2.eligibility.verdict, "eligible");
        assert_eq!(
            s2.eligibility
                .override_
                .as_ref()
                .map(|o| o.justification.as_str()),
            Some("pièce reçue en séance")
        );
        // What is stored reads back the same, and composes the same totals.
        let back: Snapshot = serde_json::from_str(&serde_json::to_string(s).unwrap()).unwrap();
        assert_eq!(&back, s);
        assert_eq!(back.aggregate().official(back.basis()), s.total);
        assert_eq!(back.aggregate(), c.aggregates[0]);
    }

    #[test]
    fn cards_freeze_what_whole_dossiers_freeze_with_the_sessions_last_decision() {
        let call = Call::parse("appel.json", CALL).unwrap();
        let (d1, d2) = (dossier(D1), dossier(D2));
        let cards = [Card::new(d1.clone(), None), Card::new(d2.clone(), None)];
        let rows: Vec<ScoreRow> = CRITERIA
            .iter()
            .flat_map(|c| {
                [
                    row("PDNP06-2025-001", "Sylvie Marcellin", c, 4.0),
                    row("PDNP06-2025-002", "Nadia Benali", c, 1.0),
                ]
            })
            .collect();
        let scores = crate::records::score_values(&rows);
        let mut data = data();
        // A decision replaced within the session, and one of another
        // session: the snapshot keeps the session's last.
        let first = data.decisions[0].clone();
        for (id, session_id, kind) in [(8, 1, "non_retenu"), (9, 2, "retenu")] {
            data.decisions.push(DecisionRow {
                id,
                session_id,
                kind: kind.into(),
                ..first.clone()
            });
        }
        let whole = Committee::build(&call, &[&d1, &d2], &scores, data.clone(), Basis::Mean);
        let carded = Committee::build(&call, &[&cards[0], &cards[1]], &scores, data, Basis::Mean);
        let from_dossiers = build(&call, &whole, &[&d1, &d2], &rows, 1);
        let from_cards = build(&call, &carded, &[&cards[0], &cards[1]], &rows, 1);
        assert_eq!(from_cards, from_dossiers);
        assert_eq!(
            (from_cards[0].decision_id, from_cards[0].decision.as_deref()),
            (Some(8), Some("non_retenu"))
        );
        let scored: Vec<(&str, &str)> = from_cards[1]
            .scores
            .iter()
            .map(|s| (s.member.as_str(), s.criterion.as_str()))
            .collect();
        assert_eq!(scored.len(), 4, "each dossier its own scores: {scored:?}");
        assert!(scored.iter().all(|(m, _)| *m == "Nadia Benali"));
        // The override of 002 and its rules' verdict, from the card's text.
        assert_eq!(from_cards[1].eligibility.verdict, "eligible");
        assert_eq!(
            from_cards[1].eligibility.rules_verdict,
            from_dossiers[1].eligibility.rules_verdict
        );
    }

    #[test]
    fn a_total_moved_after_the_close_is_reported_against_the_snapshot() {
        let call = Call::parse("appel.json", CALL).unwrap();
        let d1 = dossier(D1);
        let rows: Vec<ScoreRow> = CRITERIA
            .iter()
            .map(|c| row("PDNP06-2025-001", "Sylvie Marcellin", c, 4.0))
            .collect();
        let c = committee(&call, &[&d1], &rows);
        let frozen = build(&call, &c, &[&d1], &rows, 1);
        let closed = |mut data: CommitteeData| {
            data.sessions[0].closed_at = Some("2025-07-07T16:00:00Z".into());
            data.snapshots = frozen.clone();
            data
        };
        let rebuilt = |rows: &[ScoreRow]| {
            let mut c = committee(&call, &[&d1], rows);
            c.data = closed(c.data);
            c
        };
        assert_eq!(rebuilt(&rows).modified_after("PDNP06-2025-001"), None);
        let mut later = rows.clone();
        later.push(row("PDNP06-2025-001", "Nadia Benali", "experience", 1.0));
        let moved = rebuilt(&later);
        assert_eq!(
            moved.modified_after("PDNP06-2025-001").map(|s| s.id),
            Some(1)
        );
        assert_eq!(moved.snapshot(1, "PDNP06-2025-001"), frozen.first());

        // Many sessions' snapshots, in the store's order, then in another:
        // each is found, and one never frozen is not.
        let one = frozen[0].clone();
        let mut many: Vec<Snapshot> = (1..=3)
            .flat_map(|session| {
                let one = one.clone();
                (0..50).map(move |k| Snapshot {
                    session_id: session,
                    reference: format!("PDNP06-2025-{k:03}"),
                    ..one.clone()
                })
            })
            .collect();
        for order in ["store", "reversed"] {
            if order == "reversed" {
                many.reverse();
            }
            let mut c = committee(&call, &[&d1], &rows);
            c.data.snapshots = many.clone();
            for s in &many {
                assert_eq!(c.snapshot(s.session_id, &s.reference), Some(s), "{order}");
            }
            assert_eq!(c.snapshot(4, "PDNP06-2025-001"), None, "{order}");
            assert_eq!(c.snapshot(2, "PDNP06-2025-050"), None, "{order}");
        }
    }
}
