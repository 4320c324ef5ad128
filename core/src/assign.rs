//! Rapporteurs: which members read which dossiers. Jury proposes a balanced
//! assignment of k members per dossier among those who score (members,
//! rapporteurs, the chair — not the secretary), never a member in conflict,
//! never past the call's per-member cap, keeping what the chair fixed by
//! hand. Pure and deterministic: the same committee gives the same proposal.

use crate::call::{Call, Role};
use crate::fr::Lang;
use std::collections::{BTreeMap, BTreeSet};

/// Whether a role scores dossiers, and so may be given some to report on.
pub fn scores(role: Role) -> bool {
    !matches!(role, Role::Secretary)
}

/// The members who score, in committee order.
pub fn scorers(members: &[(String, Role)]) -> Vec<String> {
    members
        .iter()
        .filter(|(_, r)| scores(*r))
        .map(|(n, _)| n.clone())
        .collect()
}

/// What a proposal starts from.
pub struct Input<'a> {
    /// The dossiers, in the order they are listed.
    pub references: &'a [String],
    /// The members who may be assigned, in committee order.
    pub members: &'a [String],
    /// (reference, member) pairs in conflict of interest.
    pub conflicts: &'a BTreeSet<(String, String)>,
    /// (reference, member) pairs already assigned: kept as they are.
    pub fixed: &'a BTreeSet<(String, String)>,
    /// Rapporteurs wanted per dossier (k).
    pub per_dossier: u32,
    /// At most this many dossiers per member, fixed ones included.
    pub cap: Option<u32>,
}

/// Why a dossier got fewer rapporteurs than asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// Too few members can read it: the others are in conflict with it (or
    /// the committee is smaller than k).
    TooFewMembers,
    /// Members who could read it already have the call's cap of dossiers.
    Cap(u32),
}

/// A dossier that could not get k rapporteurs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Shortfall {
    pub reference: String,
    pub wanted: u32,
    pub got: u32,
    pub cause: Cause,
}

impl Shortfall {
    pub fn message(&self, lang: Lang) -> String {
        let (r, got, wanted) = (&self.reference, self.got, self.wanted);
        match (self.cause, lang) {
            (Cause::TooFewMembers, Lang::Fr) => format!(
                "{r} : {got} rapporteur·e·s sur {wanted} — les autres membres qui notent sont en conflit d'intérêts avec ce dossier"
            ),
            (Cause::TooFewMembers, Lang::En) => format!(
                "{r}: {got} rapporteurs of {wanted} — the other scoring members are in conflict of interest with this dossier"
            ),
            (Cause::Cap(cap), Lang::Fr) => format!(
                "{r} : {got} rapporteur·e·s sur {wanted} — les membres qui pourraient le lire ont déjà {cap} dossiers, le plafond de l'appel"
            ),
            (Cause::Cap(cap), Lang::En) => format!(
                "{r}: {got} rapporteurs of {wanted} — the members who could read it already have {cap} dossiers, the call's cap"
            ),
        }
    }
}

crate::french_display!(Shortfall);

/// What Jury proposes: the pairs to add, and the dossiers left short.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Proposal {
    /// (reference, member) pairs to add, by dossier then member order.
    pub added: Vec<(String, String)>,
    pub shortfalls: Vec<Shortfall>,
}

/// Proposes k rapporteurs per dossier. Dossiers with the fewest members
/// able to read them are served first (they have the least choice); each
/// takes the least loaded members, then those it pairs least with the
/// ones already chosen, then committee order from a start that turns with
/// the dossier, so the same pairs do not always read together.
pub fn propose(input: &Input) -> Proposal {
    let n = input.members.len();
    let k = input.per_dossier as usize;
    let mut load: Vec<u32> = input
        .members
        .iter()
        .map(|m| input.fixed.iter().filter(|(_, x)| x == m).count() as u32)
        .collect();
    let mut pairs: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    let assigned = |reference: &str| -> Vec<usize> {
        (0..n)
            .filter(|&j| {
                input
                    .fixed
                    .contains(&(reference.to_string(), input.members[j].clone()))
            })
            .collect()
    };
    let free = |reference: &str, j: usize| {
        !input
            .conflicts
            .contains(&(reference.to_string(), input.members[j].clone()))
    };
    let fixed_dossiers: BTreeSet<&String> = input.fixed.iter().map(|(r, _)| r).collect();
    for reference in fixed_dossiers {
        let chosen = assigned(reference);
        for (a, x) in chosen.iter().enumerate() {
            for y in &chosen[a + 1..] {
                *pairs.entry((*x, *y)).or_default() += 1;
            }
        }
    }
    // Most constrained first, then list order: deterministic.
    let mut order: Vec<usize> = (0..input.references.len()).collect();
    order.sort_by_key(|&i| {
        let r = &input.references[i];
        ((0..n).filter(|&j| free(r, j)).count(), i)
    });
    let mut added = Vec::new();
    let mut shortfalls = Vec::new();
    for (turn, &i) in order.iter().enumerate() {
        let reference = &input.references[i];
        let mut chosen = assigned(reference);
        let eligible = (0..n).filter(|&j| free(reference, j)).count();
        let mut picked = Vec::new();
        while chosen.len() < k {
            let next = (0..n)
                .filter(|&j| free(reference, j) && !chosen.contains(&j))
                .filter(|&j| input.cap.is_none_or(|c| load[j] < c))
                .min_by_key(|&j| {
                    let together: u32 = chosen
                        .iter()
                        .map(|&c| pairs.get(&(c.min(j), c.max(j))).copied().unwrap_or(0))
                        .sum();
                    (load[j], together, (j + n - turn % n.max(1)) % n.max(1))
                });
            let Some(j) = next else { break };
            for &c in &chosen {
                *pairs.entry((c.min(j), c.max(j))).or_default() += 1;
            }
            load[j] += 1;
            chosen.push(j);
            picked.push(j);
        }
        picked.sort();
        added.extend(
            picked
                .into_iter()
                .map(|j| (reference.clone(), input.members[j].clone())),
        );
        if chosen.len() < k {
            shortfalls.push(Shortfall {
                reference: reference.clone(),
                wanted: input.per_dossier,
                got: chosen.len() as u32,
                cause: match input.cap {
                    Some(c) if eligible > chosen.len() => Cause::Cap(c),
                    _ => Cause::TooFewMembers,
                },
            });
        }
    }
    let position: BTreeMap<&String, usize> = input
        .references
        .iter()
        .enumerate()
        .map(|(i, r)| (r, i))
        .collect();
    let member_at: BTreeMap<&String, usize> = input
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| (m, i))
        .collect();
    added.sort_by_key(|(r, m)| (position[r], member_at[m]));
    shortfalls.sort_by_key(|s| position[&s.reference]);
    Proposal { added, shortfalls }
}

/// A change to the assignment that is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AssignRefusal {
    /// Assigning is for the chair and the secretary.
    NotAllowed,
    /// The member declared a conflict of interest on the dossier.
    InConflict { member: String, reference: String },
    /// The member does not score (the secretary, or nobody of that name).
    NotAScorer(String),
}

impl AssignRefusal {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (AssignRefusal::NotAllowed, Lang::Fr) => {
                "Seuls la présidence et le secrétariat attribuent les dossiers aux rapporteur·e·s."
                    .into()
            }
            (AssignRefusal::NotAllowed, Lang::En) => {
                "Only the chair and the secretary assign dossiers to rapporteurs.".into()
            }
            (AssignRefusal::InConflict { member, reference }, Lang::Fr) => format!(
                "{member} est en conflit d'intérêts sur {reference} : ce dossier ne peut pas lui être attribué."
            ),
            (AssignRefusal::InConflict { member, reference }, Lang::En) => format!(
                "{member} is in conflict of interest on {reference}: this dossier cannot be assigned to them."
            ),
            (AssignRefusal::NotAScorer(member), Lang::Fr) => format!(
                "{member} ne note pas les dossiers (secrétariat, ou pas membre du comité) : aucun dossier ne peut lui être attribué."
            ),
            (AssignRefusal::NotAScorer(member), Lang::En) => format!(
                "{member} does not score dossiers (secretary, or not a committee member): no dossier can be assigned to them."
            ),
        }
    }
}

crate::french_display!(AssignRefusal);

/// Why a member may not score a dossier under the call's assignment rules.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScoreRefusal {
    /// The call sets `unassigned_may_score: false` and this member is not
    /// one of the dossier's rapporteurs.
    NotAssigned { reference: String },
}

impl ScoreRefusal {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ScoreRefusal::NotAssigned { reference }, Lang::Fr) => format!(
                "Vous n'êtes pas rapporteur·e de {reference} : l'appel réserve la notation aux rapporteur·e·s désigné·e·s par la présidence."
            ),
            (ScoreRefusal::NotAssigned { reference }, Lang::En) => format!(
                "You are not a rapporteur of {reference}: the call reserves scoring to the rapporteurs the chair assigned."
            ),
        }
    }
}

crate::french_display!(ScoreRefusal);

/// Whether `member` may score `reference`, given who is assigned.
pub fn may_score(
    call: &Call,
    assigned: &BTreeSet<(String, String)>,
    reference: &str,
    member: &str,
) -> Result<(), ScoreRefusal> {
    if call.unassigned_may_score || assigned.contains(&(reference.to_string(), member.to_string()))
    {
        Ok(())
    } else {
        Err(ScoreRefusal::NotAssigned {
            reference: reference.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(prefix: &str, n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("{prefix}{i:02}")).collect()
    }

    fn loads(members: &[String], pairs: &BTreeSet<(String, String)>) -> Vec<u32> {
        members
            .iter()
            .map(|m| pairs.iter().filter(|(_, x)| x == m).count() as u32)
            .collect()
    }

    fn all(p: &Proposal, fixed: &BTreeSet<(String, String)>) -> BTreeSet<(String, String)> {
        fixed
            .iter()
            .cloned()
            .chain(p.added.iter().cloned())
            .collect()
    }

    #[test]
    fn forty_dossiers_six_members_two_each_are_balanced_and_spread() {
        let (refs, members) = (names("D", 40), names("M", 6));
        let none = BTreeSet::new();
        let input = Input {
            references: &refs,
            members: &members,
            conflicts: &none,
            fixed: &none,
            per_dossier: 2,
            cap: None,
        };
        let p = propose(&input);
        assert!(p.shortfalls.is_empty());
        let every = all(&p, &none);
        assert_eq!(every.len(), 80);
        let l = loads(&members, &every);
        assert_eq!(
            (l.iter().min(), l.iter().max()),
            (Some(&13), Some(&14)),
            "{l:?}"
        );
        // Not always the same pairs: at least ten of the fifteen meet.
        let met: BTreeSet<(String, String)> = refs
            .iter()
            .map(|r| {
                let two: Vec<&String> =
                    every.iter().filter(|(x, _)| x == r).map(|p| &p.1).collect();
                (two[0].clone(), two[1].clone())
            })
            .collect();
        assert!(met.len() >= 10, "{met:?}");
        assert_eq!(propose(&input), p, "deterministic");
    }

    #[test]
    fn a_member_in_conflict_is_never_assigned_and_fixed_pairs_are_kept() {
        let (refs, members) = (names("D", 4), names("M", 3));
        let conflicts: BTreeSet<(String, String)> = [("D01".to_string(), "M01".to_string())].into();
        let fixed: BTreeSet<(String, String)> = [("D02".to_string(), "M03".to_string())].into();
        let p = propose(&Input {
            references: &refs,
            members: &members,
            conflicts: &conflicts,
            fixed: &fixed,
            per_dossier: 2,
            cap: None,
        });
        let every = all(&p, &fixed);
        assert!(!every.contains(&("D01".into(), "M01".into())));
        assert!(every.contains(&("D02".into(), "M03".into())));
        assert!(
            !p.added.contains(&("D02".into(), "M03".into())),
            "kept, not added again"
        );
        assert_eq!(every.len(), 8);
    }

    #[test]
    fn a_shortfall_names_the_dossier_and_its_cause() {
        let (refs, members) = (names("D", 3), names("M", 2));
        let conflicts: BTreeSet<(String, String)> = [("D01".to_string(), "M01".to_string())].into();
        let none = BTreeSet::new();
        let p = propose(&Input {
            references: &refs,
            members: &members,
            conflicts: &conflicts,
            fixed: &none,
            per_dossier: 2,
            cap: Some(2),
        });
        assert_eq!(
            p.shortfalls[0].message(Lang::Fr),
            "D01 : 1 rapporteur·e·s sur 2 — les autres membres qui notent sont en conflit d'intérêts avec ce dossier"
        );
        // M02 reads D01 (its only reader) and one more: the cap of 2 leaves
        // the last dossier with M01 alone.
        assert_eq!(p.shortfalls.len(), 2, "{:?}", p.shortfalls);
        assert_eq!(p.shortfalls[1].cause, Cause::Cap(2));
        assert!(p.shortfalls[1].message(Lang::En).contains("the call's cap"));
    }

    #[test]
    fn scoring_unassigned_is_refused_only_when_the_call_says_so() {
        let mut call = Call::parse(
            "appel.json",
            r#"{ "format": "jury-appel/1", "id": "t", "title": "T", "issuer": { "name": "Caf" },
                 "deadline": "2025-07-04", "scale": { "min": 0, "max": 5 },
                 "criteria": [{ "id": "a", "label": "A", "weight": 1 }] }"#,
        )
        .expect("call");
        let assigned: BTreeSet<(String, String)> = [("A".to_string(), "M".to_string())].into();
        assert_eq!(may_score(&call, &assigned, "B", "M"), Ok(()));
        call.unassigned_may_score = false;
        assert_eq!(may_score(&call, &assigned, "A", "M"), Ok(()));
        let e = may_score(&call, &assigned, "B", "M").unwrap_err();
        assert!(
            e.message(Lang::Fr)
                .contains("Vous n'êtes pas rapporteur·e de B")
        );
    }

    use crate::test_rng::Rng;

    #[test]
    fn random_committees_get_distinct_conflict_free_capped_balanced_rapporteurs() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for round in 0..500 {
            let refs = names("D", 1 + rng.below(45));
            let members = names("M", 1 + rng.below(9));
            let k = 1 + rng.below(4) as u32;
            let with_conflicts = rng.below(2) == 0;
            let cap = (rng.below(3) == 0).then(|| 1 + rng.below(12) as u32);
            let mut conflicts = BTreeSet::new();
            if with_conflicts {
                for r in &refs {
                    for m in &members {
                        if rng.below(6) == 0 {
                            conflicts.insert((r.clone(), m.clone()));
                        }
                    }
                }
            }
            let none = BTreeSet::new();
            let p = propose(&Input {
                references: &refs,
                members: &members,
                conflicts: &conflicts,
                fixed: &none,
                per_dossier: k,
                cap,
            });
            let every = all(&p, &none);
            assert_eq!(
                every.len(),
                p.added.len(),
                "round {round}: a pair added twice"
            );
            let l = loads(&members, &every);
            for r in &refs {
                let eligible: Vec<&String> = members
                    .iter()
                    .filter(|m| !conflicts.contains(&(r.clone(), (*m).clone())))
                    .collect();
                let got: Vec<&String> =
                    every.iter().filter(|(x, _)| x == r).map(|p| &p.1).collect();
                for m in &got {
                    assert!(
                        !conflicts.contains(&(r.clone(), (*m).clone())),
                        "round {round}: {r} given to {m} in conflict"
                    );
                }
                let want = (k as usize).min(eligible.len());
                if cap.is_none() {
                    assert_eq!(got.len(), want, "round {round}: {r}");
                } else if got.len() < want {
                    // Short only when every member who could read it is full.
                    for m in eligible.iter().filter(|m| !got.contains(m)) {
                        let at = members.iter().position(|x| x == *m).unwrap_or(0);
                        assert_eq!(
                            Some(l[at]),
                            cap,
                            "round {round}: {r} short while {m} has room"
                        );
                    }
                }
                let short = p.shortfalls.iter().find(|s| &s.reference == r);
                assert_eq!(
                    short.is_some(),
                    got.len() < k as usize,
                    "round {round}: {r}"
                );
                if let Some(s) = short {
                    assert_eq!(s.got as usize, got.len(), "round {round}: {r}");
                }
            }
            if let Some(c) = cap {
                assert!(
                    l.iter().all(|x| *x <= c),
                    "round {round}: cap {c} passed: {l:?}"
                );
            }
            if !with_conflicts && cap.is_none() {
                let (lo, hi) = (l.iter().min().unwrap_or(&0), l.iter().max().unwrap_or(&0));
                assert!(hi - lo <= 1, "round {round}: loads {l:?}");
            }
        }
    }
}
