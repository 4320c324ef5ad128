//! Ranking of the dossiers, ties included.
//!
//! # The rule
//!
//! 1. Dossiers are ranked by total, highest first. The total is the dossier's
//!    official score: the chair's consensus grid when one is recorded for
//!    every criterion, else the committee's weighted total (from the means, or
//!    from the medians when that basis is chosen).
//! 2. Equal totals are separated by the score on the heaviest criterion (the
//!    one with the greatest weight; among equal weights, the first in the
//!    call's grid), highest first; that score is the consensus when one is
//!    recorded for it, else the mean (or median).
//! 3. Then by the date and time of receipt, earliest first (the instant
//!    counts, whatever offset it was stamped with).
//! 4. Dossiers still equal on all three share the same rank, and the next rank
//!    skips accordingly (standard competition ranking: 1, 2, 2, 4).
//! 5. Ineligible dossiers (after any override by the chair) and dossiers
//!    without a total (a criterion nobody scored) are not ranked; they come
//!    last, by reference, with the reason ([`Unranked`]).
//!
//! Two figures within 10⁻⁹ of each other are equal. [`RULE`] says the same in
//! French, for the minutes and the screens.
//!
//! Pure: plain data in, plain data out.

use crate::aggregate::{Basis, DossierAggregate, EPSILON};
use crate::call::Call;
use chrono::{DateTime, FixedOffset};
use std::cmp::Ordering;
use std::ops::{Range, RangeInclusive};

/// The tie-breaking rule, in French, as quoted in the minutes.
pub const RULE: &str = "Les dossiers sont classés par note totale décroissante \
(note de consensus du président lorsqu'elle a été arrêtée, sinon total pondéré \
des notes des membres). À total égal, le dossier le mieux noté sur le critère le \
plus pondéré passe devant (à pondération égale, le premier critère de la grille), \
puis le dossier reçu le plus tôt. Les dossiers encore à égalité partagent le même \
rang (1, 2, 2, 4). Les dossiers irrecevables et les dossiers sans note totale ne \
sont pas classés et figurent en fin de liste, avec la raison.";

#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub reference: String,
    /// The dossier's place among those the ranking was built from: lets a
    /// screen find it without looking its reference up.
    pub index: usize,
    /// Official total; None leaves the dossier unranked.
    pub total: Option<f64>,
    /// Official score on the heaviest criterion.
    pub heaviest: Option<f64>,
    pub received_at: DateTime<FixedOffset>,
    /// Left out of the ranking whatever its total: ineligible (after any
    /// override by the chair), or, at the audition stage, not convened or
    /// absent.
    pub excluded: Option<Unranked>,
}

/// Why a dossier has no rank number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unranked {
    /// Ineligible (after any override by the chair).
    Ineligible,
    /// No total: a criterion nobody scored.
    Unscored,
    /// At the audition stage: not convened to an audition.
    NotConvened,
    /// At the audition stage: did not come to their audition.
    Absent,
    /// In a call with lots: answers another lot, not this one.
    OtherLot,
}

impl Unranked {
    /// « non classé (irrecevable) »: how the screens, the minutes and the
    /// export say it.
    pub fn label(self, lang: crate::fr::Lang) -> &'static str {
        match self {
            Unranked::Ineligible => lang.t("non classé (irrecevable)", "not ranked (ineligible)"),
            Unranked::Unscored => lang.t("non classé (non noté)", "not ranked (not scored)"),
            Unranked::NotConvened => {
                lang.t("non classé (non convoqué)", "not ranked (not invited)")
            }
            Unranked::Absent => lang.t(
                "non classé (absent à l'audition)",
                "not ranked (absent from the audition)",
            ),
            Unranked::OtherLot => lang.t(
                "non classé (candidat à un autre lot)",
                "not ranked (candidate for another lot)",
            ),
        }
    }
}

/// The rule that separated dossiers with the same total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TieBreak {
    /// The score on the heaviest criterion.
    Heaviest,
    /// The date of receipt.
    Received,
}

impl TieBreak {
    /// How the screens and the minutes say it.
    pub fn label(self) -> &'static str {
        match self {
            TieBreak::Heaviest => "départagé par le critère le plus pondéré",
            TieBreak::Received => "départagé par la date de réception",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ranked {
    pub reference: String,
    /// As [`Candidate::index`].
    pub index: usize,
    /// 1-based; None when the dossier has no total.
    pub rank: Option<usize>,
    /// Another ranked dossier has the same total (to 1e-9).
    pub tied_with_total: bool,
    /// The rule that separated it from the dossier(s) with the same total;
    /// None if it had no such dossier or is still tied.
    pub broken_by: Option<TieBreak>,
    /// Same total, same heaviest score, same instant of receipt as another
    /// dossier: both show the same rank.
    pub still_tied: bool,
    /// Why the dossier has no rank; None when ranked.
    pub unranked: Option<Unranked>,
}

/// The candidate for a dossier: its official total and its official score on
/// the heaviest criterion (see [`heaviest_criterion`]).
pub fn candidate(
    index: usize,
    agg: &DossierAggregate,
    basis: Basis,
    heaviest: Option<usize>,
    received_at: DateTime<FixedOffset>,
) -> Candidate {
    Candidate {
        reference: agg.reference.clone(),
        index,
        total: agg.official(basis),
        heaviest: heaviest.and_then(|i| agg.criterion_official(i, basis)),
        received_at,
        excluded: None,
    }
}

/// The criterion with the greatest weight; on equal weights, the first in
/// call order. None for a call without criteria.
pub fn heaviest_criterion(call: &Call) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, c) in call.criteria.iter().enumerate() {
        match best {
            Some((_, w)) if c.weight <= w + EPSILON => {}
            _ => best = Some((i, c.weight)),
        }
    }
    best.map(|(i, _)| i)
}

/// Best first, by the rule in the module documentation; unranked dossiers
/// (no total, or a total that is not a number) last, in reference order.
pub fn rank(candidates: &[Candidate]) -> Vec<Ranked> {
    rank_ordered(&order(candidates.to_vec()))
}

/// Whether the candidate takes a rank number.
fn ranks(c: &Candidate) -> bool {
    c.excluded.is_none() && c.total.is_some_and(f64::is_finite)
}

/// Where `a` stands before `b` in an [`order`]: the ranked by total, then
/// reference; then the unranked by reference.
fn before(a: &Candidate, b: &Candidate) -> Ordering {
    match (ranks(a), ranks(b)) {
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (true, true) => desc(a.total, b.total).then_with(|| a.reference.cmp(&b.reference)),
        (false, false) => a.reference.cmp(&b.reference),
    }
}

/// The candidates in the order [`rank_ordered`] reads them: one sort, kept
/// so a new total moves one candidate instead of sorting them all again.
pub fn order(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    candidates.sort_by(before);
    candidates
}

/// Puts `c` into `order` (replacing the candidate of the same index),
/// keeping it an [`order`]: the positions whose candidate changed, from
/// its old place to its new one.
pub fn reorder(order: &mut Vec<Candidate>, c: Candidate) -> RangeInclusive<usize> {
    let old = order.iter().position(|x| x.index == c.index);
    if let Some(at) = old {
        order.remove(at);
    }
    let at = order.partition_point(|x| before(x, &c) == Ordering::Less);
    order.insert(at, c);
    let old = old.unwrap_or(order.len() - 1);
    at.min(old)..=at.max(old)
}

/// Mends `ranking` (the [`rank_ordered`] of `order` before one candidate
/// moved) after [`reorder`] changed the positions `moved`: the runs of
/// equal totals that touch them are ranked again, the rest stays. The
/// result is what `rank_ordered(order)` gives (a test holds them equal),
/// for a few rows instead of every dossier after each score. Returns the
/// positions of `ranking` that were written.
pub fn rerank(
    order: &[Candidate],
    ranking: &mut Vec<Ranked>,
    moved: RangeInclusive<usize>,
) -> Range<usize> {
    let split_at = order.partition_point(ranks);
    // The neighbours of where it left and where it landed may have lost or
    // found a tie: one more row each side, then whole runs of ties (runs
    // of neighbours within EPSILON of each other), since a window cut
    // inside one would rank its two halves apart.
    let (mut lo, mut hi) = (
        moved.start().saturating_sub(1),
        (*moved.end() + 2).min(order.len()),
    );
    while lo > 0 && lo < split_at && same(order[lo - 1].total, order[lo].total) {
        lo -= 1;
    }
    while hi < split_at && same(order[hi - 1].total, order[hi].total) {
        hi += 1;
    }
    let window = rank_ordered(&order[lo..hi]).into_iter().map(|mut r| {
        // Ranks count places from the top: the window's first row is `lo`.
        r.rank = r.rank.map(|k| k + lo);
        r
    });
    ranking.splice(lo..hi, window);
    lo..hi
}

/// The ranking of candidates already in [`order`]: ties read and broken in
/// one pass.
pub fn rank_ordered(order: &[Candidate]) -> Vec<Ranked> {
    let split_at = order.partition_point(ranks);
    let ranked: Vec<&Candidate> = order[..split_at].iter().collect();
    let unranked = &order[split_at..];

    let mut out = Vec::with_capacity(order.len());
    for same_total in split(ranked, |a, b| same(a.total, b.total)) {
        let tied_with_total = same_total.len() > 1;
        let mut by_heaviest = same_total;
        by_heaviest.sort_by(|a, b| {
            desc(a.heaviest, b.heaviest).then_with(|| a.reference.cmp(&b.reference))
        });
        for same_heaviest in split(by_heaviest, |a, b| same(a.heaviest, b.heaviest)) {
            let separated_by_heaviest = same_heaviest.len() == 1;
            let mut by_date = same_heaviest;
            by_date.sort_by(|a, b| {
                a.received_at
                    .cmp(&b.received_at)
                    .then_with(|| a.reference.cmp(&b.reference))
            });
            for same_date in split(by_date, |a, b| a.received_at == b.received_at) {
                let still_tied = same_date.len() > 1;
                let rank = out.len() + 1;
                let broken_by = match (tied_with_total, still_tied) {
                    (false, _) | (_, true) => None,
                    _ if separated_by_heaviest => Some(TieBreak::Heaviest),
                    _ => Some(TieBreak::Received),
                };
                for c in same_date {
                    out.push(Ranked {
                        reference: c.reference.clone(),
                        index: c.index,
                        rank: Some(rank),
                        tied_with_total,
                        broken_by,
                        still_tied,
                        unranked: None,
                    });
                }
            }
        }
    }
    out.extend(unranked.iter().map(|c| Ranked {
        reference: c.reference.clone(),
        index: c.index,
        rank: None,
        tied_with_total: false,
        broken_by: None,
        still_tied: false,
        unranked: Some(c.excluded.unwrap_or(Unranked::Unscored)),
    }));
    out
}

/// Highest first, None last (an exact order, so sorting is well defined).
fn desc(a: Option<f64>, b: Option<f64>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => (x - y).abs() <= EPSILON,
        (None, None) => true,
        _ => false,
    }
}

/// Cuts a sorted list into runs of neighbours that are `same`.
fn split<T: Copy>(items: Vec<T>, same: impl Fn(T, T) -> bool) -> Vec<Vec<T>> {
    let mut runs: Vec<Vec<T>> = Vec::new();
    for item in items {
        match runs.last_mut() {
            Some(run) if run.last().is_some_and(|&prev| same(prev, item)) => run.push(item),
            _ => runs.push(vec![item]),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::{Input, aggregate};
    use std::collections::{BTreeMap, BTreeSet};

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn cand(
        reference: &str,
        total: Option<f64>,
        heaviest: Option<f64>,
        received: &str,
    ) -> Candidate {
        Candidate {
            reference: reference.into(),
            index: 0,
            total,
            heaviest,
            received_at: at(received),
            excluded: None,
        }
    }

    /// One candidate moved at a time, many ties, the unranked among them:
    /// the mended ranking is the one built again from scratch.
    #[test]
    fn reranking_the_moved_rows_gives_the_whole_ranking() {
        let mut rng = crate::test_rng::Rng(15);
        let days = ["2025-06-01T10:00:00+02:00", "2025-06-02T10:00:00+02:00"];
        let pick = |rng: &mut crate::test_rng::Rng, index: usize| Candidate {
            reference: format!("R-{index:03}"),
            index,
            // Few values, some a hair apart: runs of ties and chains.
            total: match rng.below(6) {
                0 => None,
                k => Some(k as f64 + [0.0, 1e-10, 0.5][rng.below(3)]),
            },
            heaviest: [None, Some(1.0), Some(2.0)][rng.below(3)],
            received_at: at(days[rng.below(2)]),
            excluded: (rng.below(8) == 0).then_some(Unranked::Ineligible),
        };
        for _ in 0..40 {
            let n = 1 + rng.below(60);
            let mut order = order((0..n).map(|i| pick(&mut rng, i)).collect());
            let mut ranking = rank_ordered(&order);
            for _ in 0..30 {
                let at = rng.below(n);
                let c = pick(&mut rng, at);
                let moved = reorder(&mut order, c);
                rerank(&order, &mut ranking, moved);
                assert_eq!(ranking, rank_ordered(&order));
            }
        }
    }

    #[test]
    fn ineligible_dossiers_are_not_ranked_and_say_why() {
        let mut out_of_rules = cand("B", Some(90.0), Some(5.0), "2025-06-01T10:00:00+02:00");
        out_of_rules.excluded = Some(Unranked::Ineligible);
        let r = rank(&[
            out_of_rules,
            cand("A", Some(50.0), Some(3.0), "2025-06-01T10:00:00+02:00"),
            cand("C", None, None, "2025-06-01T10:00:00+02:00"),
        ]);
        let got: Vec<(&str, Option<usize>, Option<Unranked>)> = r
            .iter()
            .map(|x| (x.reference.as_str(), x.rank, x.unranked))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A", Some(1), None),
                ("B", None, Some(Unranked::Ineligible)),
                ("C", None, Some(Unranked::Unscored)),
            ]
        );
    }

    fn call_with_weights(weights: &[u32]) -> Call {
        let criteria: Vec<String> = weights
            .iter()
            .enumerate()
            .map(|(i, w)| format!(r#"{{ "id": "c{i}", "label": "C{i}", "weight": {w} }}"#))
            .collect();
        let text = format!(
            r#"{{
  "format": "jury-appel/1",
  "id": "t",
  "title": "Test",
  "issuer": {{ "name": "Caf" }},
  "deadline": "2025-07-04",
  "scale": {{ "min": 0, "max": 5 }},
  "criteria": [ {} ]
}}"#,
            criteria.join(", ")
        );
        Call::parse("appel.json", &text).unwrap()
    }

    fn row(r: &Ranked) -> (&str, Option<usize>, bool, Option<TieBreak>, bool) {
        (
            r.reference.as_str(),
            r.rank,
            r.tied_with_total,
            r.broken_by,
            r.still_tied,
        )
    }

    #[test]
    fn heaviest_criterion_is_the_first_of_the_greatest_weight() {
        // 30/30/25/15: the two 30s are equal, the first wins
        assert_eq!(
            heaviest_criterion(&call_with_weights(&[30, 30, 25, 15])),
            Some(0)
        );
        assert_eq!(
            heaviest_criterion(&call_with_weights(&[10, 40, 40])),
            Some(1)
        );
        assert_eq!(heaviest_criterion(&call_with_weights(&[1, 2, 3])), Some(2));
        assert_eq!(heaviest_criterion(&call_with_weights(&[7])), Some(0));
    }

    #[test]
    fn ranks_ties_breaks_and_unranked() {
        use TieBreak::*;
        let cands = [
            cand("P-09", None, None, "2025-06-01T10:00:00+02:00"),
            // 3.2 (within 1e-9 of D's): same heaviest, received later than D
            cand("C", Some(3.2), Some(4.0), "2025-07-02T09:00:00+02:00"),
            // 3.0: same heaviest, same instant as F (12:00+02:00 = 10:00Z)
            cand("E", Some(3.0), Some(3.0), "2025-07-03T12:00:00+02:00"),
            cand("B", Some(3.6), Some(3.5), "2025-06-20T10:00:00+02:00"),
            cand("G", Some(2.0), Some(5.0), "2025-06-01T10:00:00+02:00"),
            cand("F", Some(3.0), Some(3.0), "2025-07-03T10:00:00Z"),
            // 3.6: heaviest 4 beats B's 3.5, although B came earlier
            cand("A", Some(3.6), Some(4.0), "2025-07-01T10:00:00+02:00"),
            cand(
                "D",
                Some(3.2 + 1e-12),
                Some(4.0),
                "2025-07-01T10:00:00+02:00",
            ),
            cand("P-02", None, Some(4.0), "2025-06-01T10:00:00+02:00"),
        ];
        let r = rank(&cands);
        let rows: Vec<_> = r.iter().map(row).collect();
        assert_eq!(
            rows,
            [
                ("A", Some(1), true, Some(Heaviest), false),
                ("B", Some(2), true, Some(Heaviest), false),
                ("D", Some(3), true, Some(Received), false),
                ("C", Some(4), true, Some(Received), false),
                // a true tie shares rank 5, the next is 7 (1, 2, 2, 4)
                ("E", Some(5), true, None, true),
                ("F", Some(5), true, None, true),
                ("G", Some(7), false, None, false),
                // no total: last, by reference
                ("P-02", None, false, None, false),
                ("P-09", None, false, None, false),
            ]
        );
    }

    #[test]
    fn three_way_tie_broken_at_two_levels() {
        use TieBreak::*;
        // All 3.0. X has the best heaviest score; Y and Z have the same one
        // and are separated by date (Y first).
        let cands = [
            cand("Z", Some(3.0), Some(4.0), "2025-07-02T10:00:00+02:00"),
            cand("Y", Some(3.0), Some(4.0), "2025-07-01T10:00:00+02:00"),
            cand("X", Some(3.0), Some(5.0), "2025-07-03T10:00:00+02:00"),
        ];
        let r = rank(&cands);
        let rows: Vec<_> = r.iter().map(row).collect();
        assert_eq!(
            rows,
            [
                ("X", Some(1), true, Some(Heaviest), false),
                ("Y", Some(2), true, Some(Received), false),
                ("Z", Some(3), true, Some(Received), false),
            ]
        );
    }

    #[test]
    fn still_tied_pair_beside_a_separated_one() {
        use TieBreak::*;
        // All 4.0; K higher on the heaviest criterion; L and M same score,
        // same instant → share rank 2, by reference.
        let cands = [
            cand("M", Some(4.0), Some(3.0), "2025-07-01T10:00:00+02:00"),
            cand("L", Some(4.0), Some(3.0), "2025-07-01T08:00:00Z"),
            cand("K", Some(4.0), Some(3.5), "2025-07-04T23:00:00+02:00"),
            cand("J", Some(4.5), Some(1.0), "2025-07-04T23:00:00+02:00"),
        ];
        let r = rank(&cands);
        let rows: Vec<_> = r.iter().map(row).collect();
        assert_eq!(
            rows,
            [
                ("J", Some(1), false, None, false),
                ("K", Some(2), true, Some(Heaviest), false),
                ("L", Some(3), true, None, true),
                ("M", Some(3), true, None, true),
            ]
        );
    }

    #[test]
    fn a_heaviest_score_beats_none() {
        let cands = [
            cand("A", Some(3.0), None, "2025-06-01T10:00:00+02:00"),
            cand("B", Some(3.0), Some(0.0), "2025-07-01T10:00:00+02:00"),
        ];
        let r = rank(&cands);
        assert_eq!(r[0].reference, "B");
        assert_eq!(r[0].broken_by, Some(TieBreak::Heaviest));
        assert_eq!(r[1].rank, Some(2));
    }

    #[test]
    fn totals_further_apart_than_tolerance_are_not_tied() {
        let cands = [
            cand("A", Some(3.0), Some(1.0), "2025-06-01T10:00:00+02:00"),
            cand(
                "B",
                Some(3.0 + 1e-6),
                Some(1.0),
                "2025-07-01T10:00:00+02:00",
            ),
        ];
        let r = rank(&cands);
        assert_eq!(row(&r[0]), ("B", Some(1), false, None, false));
        assert_eq!(row(&r[1]), ("A", Some(2), false, None, false));
    }

    #[test]
    fn nan_total_is_unranked_and_empty_input_is_empty() {
        let cands = [
            cand("A", Some(f64::NAN), Some(1.0), "2025-06-01T10:00:00+02:00"),
            cand("B", Some(1.0), Some(1.0), "2025-06-01T10:00:00+02:00"),
        ];
        let r = rank(&cands);
        assert_eq!(row(&r[0]), ("B", Some(1), false, None, false));
        assert_eq!(row(&r[1]), ("A", None, false, None, false));
        assert!(rank(&[]).is_empty());
    }

    #[test]
    fn labels_and_rule_are_french() {
        assert!(TieBreak::Heaviest.label().contains("plus pondéré"));
        assert!(TieBreak::Received.label().contains("réception"));
        assert!(RULE.contains("1, 2, 2, 4"));
    }

    #[test]
    fn candidates_from_aggregates_use_official_scores() {
        // 30/30/25/15 on 0–5; heaviest = c0.
        // R1: A 4 4 4 4, B 2 2 2 2 → means 3 everywhere → total 3, c0 mean 3
        // R2: A 3 3 3 3 → total 3, c0 3; received earlier than R1
        // R3: A 1 1 1 1, consensus 5 5 5 5 → official 5
        // R4: A scored c0 only → no total
        let call = call_with_weights(&[30, 30, 25, 15]);
        let heaviest = heaviest_criterion(&call);
        let references: Vec<String> = ["R1", "R2", "R3", "R4"].map(String::from).to_vec();
        let mut scores = BTreeMap::new();
        let mut consensus = BTreeMap::new();
        for i in 0..4 {
            let c = format!("c{i}");
            scores.insert(("R1".to_string(), "A".to_string(), c.clone()), 4.0);
            scores.insert(("R1".to_string(), "B".to_string(), c.clone()), 2.0);
            scores.insert(("R2".to_string(), "A".to_string(), c.clone()), 3.0);
            scores.insert(("R3".to_string(), "A".to_string(), c.clone()), 1.0);
            consensus.insert(("R3".to_string(), c), 5.0);
        }
        scores.insert(("R4".to_string(), "A".to_string(), "c0".to_string()), 5.0);
        let conflicts = BTreeSet::new();
        let aggs = aggregate(&Input {
            call: &call,
            references: &references,
            scores: &scores,
            conflicts: &conflicts,
            consensus: &consensus,
        });
        let received = [
            "2025-07-02T10:00:00+02:00",
            "2025-07-01T10:00:00+02:00",
            "2025-07-03T10:00:00+02:00",
            "2025-06-01T10:00:00+02:00",
        ];
        let cands: Vec<Candidate> = aggs
            .iter()
            .zip(received)
            .enumerate()
            .map(|(i, (a, r))| candidate(i, a, Basis::Mean, heaviest, at(r)))
            .collect();
        assert_eq!(cands[2].total, Some(5.0));
        assert_eq!(cands[2].heaviest, Some(5.0));
        assert_eq!(cands[3].total, None);
        assert_eq!(cands[3].heaviest, Some(5.0));
        let rows: Vec<_> = rank(&cands)
            .iter()
            .map(|r| (r.reference.clone(), r.rank, r.broken_by))
            .collect();
        assert_eq!(
            rows,
            [
                ("R3".to_string(), Some(1), None),
                ("R2".to_string(), Some(2), Some(TieBreak::Received)),
                ("R1".to_string(), Some(3), Some(TieBreak::Received)),
                ("R4".to_string(), None, None),
            ]
        );
    }
}
