//! Weighted grid arithmetic. Weights are relative (they need not sum to 100);
//! a total exists only when every criterion is scored, so a half-scored
//! dossier never ranks as if its missing criteria were zero.

use crate::call::Call;
use std::collections::BTreeMap;

/// One member's scores on one dossier, by criterion id.
pub type Scores = BTreeMap<String, f64>;

#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The score given, if any.
    pub score: Option<f64>,
    /// Points on 100 this criterion contributes, if scored.
    pub points: Option<f64>,
    /// The most this criterion can contribute on 100 (its weight's share).
    pub max_points: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub lines: Vec<Line>,
    pub scored: usize,
    /// Weighted mean on the call's scale, when every criterion is scored.
    pub on_scale: Option<f64>,
    /// The same on 100 (the scale's minimum is 0, its maximum 100).
    pub on_100: Option<f64>,
}

impl Evaluation {
    pub fn complete(&self) -> bool {
        self.scored == self.lines.len()
    }
}

pub fn evaluate(call: &Call, scores: &Scores) -> Evaluation {
    let total_weight = call.total_weight();
    let range = call.scale.max - call.scale.min;
    let mut lines = Vec::with_capacity(call.criteria.len());
    let mut weighted = 0.0;
    let mut scored = 0;
    for c in &call.criteria {
        let share = if total_weight > 0.0 {
            c.weight / total_weight
        } else {
            0.0
        };
        let score = scores.get(&c.id).copied();
        let points = score.map(|s| {
            scored += 1;
            weighted += share * s;
            share * (s - call.scale.min) / range * 100.0
        });
        lines.push(Line {
            score,
            points,
            max_points: share * 100.0,
        });
    }
    let complete = scored == call.criteria.len();
    Evaluation {
        on_scale: complete.then_some(weighted),
        on_100: complete.then(|| (weighted - call.scale.min) / range * 100.0),
        lines,
        scored,
    }
}

/// Why a typed score is refused.
#[derive(Clone, Debug, PartialEq)]
pub enum ScoreError {
    OutOfScale { min: f64, max: f64 },
}

pub fn check_score(call: &Call, value: f64) -> Result<f64, ScoreError> {
    if call.scale.contains(value) {
        Ok(value)
    } else {
        Err(ScoreError::OutOfScale {
            min: call.scale.min,
            max: call.scale.max,
        })
    }
}

/// The grid's fingerprint: SHA-256 (hex) of a canonical text of what a
/// score means — the scale, then each criterion's id, label and weight, in
/// the call's order. Bundles and packets carry it so the chair can tell a
/// packet scored on another grid (a weight or a label changed on the way)
/// from one scored on the chair's own. JSON strings and shortest
/// round-trip numbers keep it the same on every machine.
pub fn fingerprint(call: &Call) -> String {
    let criteria: Vec<serde_json::Value> = call
        .criteria
        .iter()
        .map(|c| serde_json::json!([c.id, c.label, c.weight]))
        .collect();
    let mut canonical =
        serde_json::json!(["jury-grid/1", [call.scale.min, call.scale.max], criteria]);
    // A call with lots: each lot's own grid counts too (appended, so a
    // call without lots keeps the fingerprint it always had).
    for lot in &call.lots {
        if let (Some(own), Some(all)) = (&lot.criteria, canonical.as_array_mut()) {
            let own: Vec<serde_json::Value> = own
                .iter()
                .map(|c| serde_json::json!([c.id, c.label, c.weight]))
                .collect();
            all.push(serde_json::json!([lot.id, own]));
        }
    }
    crate::sha256_hex(canonical.to_string().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{Call, Criterion, Issuer, Scale};

    fn call(weights: &[f64], min: f64, max: f64) -> Call {
        Call {
            id: "t".into(),
            title: "t".into(),
            issuer: Issuer {
                name: "x".into(),
                contact_email: None,
            },
            deadline: chrono::NaiveDate::from_ymd_opt(2025, 7, 4).unwrap_or_default(),
            sessions: vec![],
            notify_by: None,
            scale: Scale { min, max },
            criteria: weights
                .iter()
                .enumerate()
                .map(|(i, w)| Criterion {
                    id: format!("c{i}"),
                    label: format!("C{i}"),
                    weight: *w,
                    help: None,
                })
                .collect(),
            eligibility: vec![],
            members: vec![],
            quorum: None,
            disagreement_spread: None,
            quality_threshold: None,
            capacity: None,
            decisions: vec![],
            allow_without_quorum: false,
            min_reviews: 1,
            reviewers_per_dossier: None,
            reviewer_cap: None,
            unassigned_may_score: true,
            appeal_routes: None,
            retention_months: None,
            intake: None,
            audition: None,
            institutions: Vec::new(),
            budget: None,
            lots: Vec::new(),
            lots_field: crate::lot::DEFAULT_FIELD.to_string(),
            raw: serde_json::Value::Null,
        }
    }

    #[test]
    fn the_fingerprint_changes_with_a_weight_a_label_or_the_scale() {
        let base = call(&[1.0, 2.0], 0.0, 5.0);
        let same = fingerprint(&call(&[1.0, 2.0], 0.0, 5.0));
        assert_eq!(fingerprint(&base), same);
        assert_eq!(same.len(), 64);
        assert_ne!(fingerprint(&call(&[1.0, 3.0], 0.0, 5.0)), same);
        assert_ne!(fingerprint(&call(&[1.0, 2.0], 0.0, 10.0)), same);
        let mut relabelled = base.clone();
        relabelled.criteria[0].label = "Autre".into();
        assert_ne!(fingerprint(&relabelled), same);
        // What the grid does not say (the title) leaves it alone.
        let mut retitled = base;
        retitled.title = "Autre titre".into();
        assert_eq!(fingerprint(&retitled), same);
    }

    fn scores(v: &[(usize, f64)]) -> Scores {
        v.iter().map(|(i, s)| (format!("c{i}"), *s)).collect()
    }

    #[test]
    fn weights_need_not_sum_to_100() {
        // Paris: weights 3/4/2/1 on 0–4.
        let c = call(&[3.0, 4.0, 2.0, 1.0], 0.0, 4.0);
        let e = evaluate(&c, &scores(&[(0, 4.0), (1, 2.0), (2, 3.0), (3, 0.0)]));
        // (3*4 + 4*2 + 2*3 + 1*0) / 10 = 2.6 on 4 → 65 on 100
        assert!((e.on_scale.unwrap() - 2.6).abs() < 1e-9);
        assert!((e.on_100.unwrap() - 65.0).abs() < 1e-9);
        assert!((e.lines[1].max_points - 40.0).abs() < 1e-9);
        assert!((e.lines[1].points.unwrap() - 20.0).abs() < 1e-9);
    }

    #[test]
    fn missing_scores_give_no_total() {
        let c = call(&[30.0, 30.0, 25.0, 15.0], 0.0, 5.0);
        let e = evaluate(&c, &scores(&[(0, 5.0), (2, 1.0)]));
        assert_eq!(e.scored, 2);
        assert_eq!(e.on_scale, None);
        assert_eq!(e.on_100, None);
        assert_eq!(e.lines[1].points, None);
        assert!((e.lines[0].points.unwrap() - 30.0).abs() < 1e-9);
    }

    #[test]
    fn scale_with_nonzero_minimum_maps_to_100() {
        let c = call(&[1.0, 1.0, 1.0], 1.0, 5.0);
        let e = evaluate(&c, &scores(&[(0, 1.0), (1, 1.0), (2, 1.0)]));
        assert_eq!(e.on_100, Some(0.0));
        let e = evaluate(&c, &scores(&[(0, 5.0), (1, 5.0), (2, 3.0)]));
        assert!((e.on_100.unwrap() - 83.333_333).abs() < 1e-3);
    }

    #[test]
    fn scale_bounds_are_enforced() {
        let c = call(&[1.0], 0.0, 20.0);
        assert_eq!(check_score(&c, 20.0), Ok(20.0));
        assert_eq!(check_score(&c, 0.0), Ok(0.0));
        assert!(check_score(&c, 21.0).is_err());
        assert!(check_score(&c, -1.0).is_err());
    }
}
