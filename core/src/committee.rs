//! The committee's picture of the batch, rebuilt in memory after each change:
//! aggregates across members, ranking, current decisions, open session.
//! Pure: built from what the store returned and the scores in memory.

use crate::aggregate::{self, Basis, DossierAggregate, Profile};
use crate::call::{Call, Role};
use crate::dossier::Dossier;
use crate::eligibility::{self, Verdict};
use crate::ranking::{self, Candidate, Ranked};
use crate::records::{CommitteeData, DecisionRow, Override, Session};
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
    /// Best first; dossiers without a total last.
    pub ranking: Vec<Ranked>,
    pub profiles: BTreeMap<String, Profile>,
    pub basis: Basis,
    /// Eligibility after any override by the chair, aligned with the
    /// dossiers given to `build`.
    pub verdicts: Vec<Verdict>,
}

impl Committee {
    pub fn build(
        call: &Call,
        dossiers: &[&Dossier],
        scores: &BTreeMap<(String, String, String), f64>,
        data: CommitteeData,
        basis: Basis,
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
            .map(|d| match overrides.get(&d.reference) {
                Some(o) if o.eligible => Verdict::Eligible,
                Some(_) => Verdict::Ineligible,
                None => eligibility::evaluate(call, d, crate::fr::Lang::Fr).verdict,
            })
            .collect();
        let mut decisions = HashMap::new();
        for d in &data.decisions {
            // Rows come oldest first: the last one per dossier is current.
            decisions.insert(d.reference.clone(), d.clone());
        }
        let references: Vec<String> = dossiers.iter().map(|d| d.reference.clone()).collect();
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
            .map(|((a, d), v)| Candidate {
                reference: a.reference.clone(),
                total: a.official(basis),
                heaviest: heaviest.and_then(|h| a.criterion_official(h, basis)),
                received_at: d.received_at,
                ineligible: *v == Verdict::Ineligible,
            })
            .collect();
        let ranking = ranking::rank(&candidates);
        let profiles = aggregate::member_profiles(&aggregates);
        Committee {
            data,
            conflicts,
            assigned,
            consensus,
            overrides,
            decisions,
            aggregates,
            ranking,
            profiles,
            basis,
            verdicts,
        }
    }

    pub fn open_session(&self) -> Option<&Session> {
        self.data.sessions.iter().rev().find(|s| s.is_open())
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
    pub fn snapshot(&self, session_id: i64, reference: &str) -> Option<&crate::snapshot::Snapshot> {
        self.data
            .snapshots
            .iter()
            .find(|s| s.session_id == session_id && s.reference == reference)
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
        let live = self
            .aggregates
            .iter()
            .find(|a| a.reference == reference)
            .and_then(|a| a.official(frozen.basis()));
        let same = match (live, frozen.total) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-9,
            (None, None) => true,
            _ => false,
        };
        (!same).then_some(session)
    }

    pub fn rank_of(&self, reference: &str) -> Option<&Ranked> {
        self.ranking.iter().find(|r| r.reference == reference)
    }

    /// How many members scored the dossier at `i` (a grid begun counts;
    /// members in conflict do not).
    pub fn reviewers(&self, i: usize) -> usize {
        self.aggregates.get(i).map(|a| a.reviews).unwrap_or(0)
    }

    /// Dossiers whose current decision counts as accepted, `except` excluded.
    pub fn accepted_count(&self, call: &Call, except: &str) -> usize {
        let accepted: Vec<String> = crate::decision::kinds(call, crate::fr::Lang::Fr)
            .into_iter()
            .filter(|k| k.accepted)
            .map(|k| k.id)
            .collect();
        self.decisions
            .values()
            .filter(|d| d.reference != except && accepted.contains(&d.kind))
            .count()
    }
}
