//! The audition timetable: which shortlisted candidate meets the panel when.
//! One panel sits, so one candidate per slot; a member in conflict with a
//! candidate, or unavailable then, stands down for that slot; a slot is
//! usable for a candidate only if the candidate can come and enough members
//! still sit (the call's quorum, capped at the panel's size). Pure: the store
//! keeps the slots, the timetable screen moves them.

use crate::call::Role;
use crate::committee::Committee;
use crate::fr::Lang;
use crate::stage::{Audition, Slot, Span, Unavailable, Who};
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// The candidates to schedule, best-ranked first: the dossiers the dossier
/// stage convened (« convoqué·e à l'audition »), in the committee's ranking
/// order; any convened dossier without a rank comes after, in decision order.
pub fn shortlisted(committee: &Committee) -> Vec<String> {
    let convened = committee.data.convened();
    let mut out: Vec<String> = committee
        .ranking
        .iter()
        .filter(|r| convened.contains(&r.reference))
        .map(|r| r.reference.clone())
        .collect();
    for c in convened {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Who sits on the panel: the call's `panel`, or when it names nobody every
/// member whose role scores (chair, member, rapporteur), in the order given.
pub fn panel(audition: &Audition, members: &[(String, Role)]) -> Vec<String> {
    if !audition.panel.is_empty() {
        return audition.panel.clone();
    }
    members
        .iter()
        .filter(|(_, role)| matches!(role, Role::Chair | Role::Member | Role::Rapporteur))
        .map(|(name, _)| name.clone())
        .collect()
}

/// The fewest members a slot's panel may have: the call's quorum capped at
/// the panel's size (a panel of two cannot reach a quorum of five), 1 when
/// the call sets no quorum.
pub fn minimum(quorum: Option<u32>, panel_size: usize) -> usize {
    match quorum {
        Some(q) => (q as usize).min(panel_size).max(1),
        None => 1,
    }
}

/// The panel at one slot for one candidate, and who stood down and why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sitting {
    pub panel: Vec<String>,
    pub in_conflict: Vec<String>,
    pub unavailable: Vec<String>,
}

/// Why a candidate cannot go to a given slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unusable {
    /// Not one of the window's slots (another day, outside the hours, a break).
    OutsideWindow,
    /// The candidate said they cannot come then.
    CandidateUnavailable,
    /// Too few members can sit: how many could, and how many must.
    PanelShort { sitting: usize, minimum: usize },
}

impl Unusable {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Unusable::OutsideWindow => lang
                .t(
                    "ce créneau n'est pas dans la fenêtre des auditions (jours, horaires, pauses)",
                    "this slot is not in the audition window (days, hours, breaks)",
                )
                .into(),
            Unusable::CandidateUnavailable => lang
                .t(
                    "le candidat n'est pas disponible à ce créneau",
                    "the candidate is not available at this slot",
                )
                .into(),
            Unusable::PanelShort { sitting, minimum } => match lang {
                Lang::Fr => format!(
                    "seuls {sitting} membres du jury peuvent siéger à ce créneau (indisponibles ou en conflit d'intérêts), il en faut {minimum}"
                ),
                Lang::En => format!(
                    "only {sitting} panel members can sit at this slot (unavailable or in conflict), {minimum} are needed"
                ),
            },
        }
    }
}

/// Why a proposal left a candidate out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unplaced {
    /// Every slot of the window is taken.
    NoSlotLeft,
    /// The candidate is unavailable at every free slot.
    CandidateUnavailable,
    /// At every free slot where the candidate can come, too few members can sit.
    PanelShort,
    /// Usable slots exist but better-ranked candidates needed them.
    Taken,
}

impl Unplaced {
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            Unplaced::NoSlotLeft => lang.t(
                "plus aucun créneau libre dans la fenêtre",
                "no free slot left in the window",
            ),
            Unplaced::CandidateUnavailable => lang.t(
                "indisponible à tous les créneaux libres",
                "unavailable at every free slot",
            ),
            Unplaced::PanelShort => lang.t(
                "trop peu de membres du jury peuvent siéger aux créneaux où il est disponible",
                "too few panel members can sit at the slots where they are available",
            ),
            Unplaced::Taken => lang.t(
                "ses créneaux possibles sont pris par des candidats mieux classés",
                "their possible slots are taken by better-ranked candidates",
            ),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Proposal {
    /// In time order, fixed slots included.
    pub slots: Vec<Slot>,
    pub unplaced: Vec<(String, Unplaced)>,
}

/// What a timetable must respect.
#[derive(Clone, Copy, Debug)]
pub struct Rules<'a> {
    pub audition: &'a Audition,
    /// Resolved with [`panel`].
    pub panel: &'a [String],
    /// (reference, member) pairs in conflict of interest.
    pub conflicts: &'a BTreeSet<(String, String)>,
    /// Recorded in the app, on top of the call's own `unavailable`.
    pub unavailable: &'a [Unavailable],
    /// Resolved with [`minimum`].
    pub minimum: usize,
}

impl Rules<'_> {
    /// Whether `who` can be there on `day` during `span`, by the call and by
    /// what the app recorded since.
    pub fn available(&self, who: &Who, day: NaiveDate, span: &Span) -> bool {
        self.audition.available(who, day, span)
            && !self
                .unavailable
                .iter()
                .any(|u| &u.who == who && u.day == day && u.span.is_none_or(|s| s.overlaps(span)))
    }

    /// Who sits for `reference` on `day` during `span`, and who stands down.
    pub fn sitting(&self, reference: &str, day: NaiveDate, span: &Span) -> Sitting {
        let mut out = Sitting::default();
        for m in self.panel {
            if self.conflicts.contains(&(reference.to_string(), m.clone())) {
                out.in_conflict.push(m.clone());
            } else if !self.available(&Who::Member(m.clone()), day, span) {
                out.unavailable.push(m.clone());
            } else {
                out.panel.push(m.clone());
            }
        }
        out
    }

    /// The panel `reference` would meet at that slot, or why they cannot go there.
    pub fn check(
        &self,
        reference: &str,
        day: NaiveDate,
        span: &Span,
    ) -> Result<Vec<String>, Unusable> {
        if !self
            .audition
            .slots()
            .iter()
            .any(|(d, s)| *d == day && s == span)
        {
            return Err(Unusable::OutsideWindow);
        }
        self.usable(reference, day, span)
    }

    fn usable(
        &self,
        reference: &str,
        day: NaiveDate,
        span: &Span,
    ) -> Result<Vec<String>, Unusable> {
        if !self.available(&Who::Candidate(reference.to_string()), day, span) {
            return Err(Unusable::CandidateUnavailable);
        }
        let sitting = self.sitting(reference, day, span).panel;
        if sitting.len() < self.minimum {
            return Err(Unusable::PanelShort {
                sitting: sitting.len(),
                minimum: self.minimum,
            });
        }
        Ok(sitting)
    }

    /// Places `candidates` (best-ranked first) in the window's free slots,
    /// `fixed` kept as they are. As many candidates as possible are placed
    /// (a maximum matching: a better-ranked candidate never loses its place
    /// to a worse-ranked one), on as few days as possible (the shortest run
    /// of first days that places as many), each at the earliest slot it can.
    pub fn propose(&self, candidates: &[String], fixed: &[Slot]) -> Proposal {
        let fixed_refs: BTreeSet<&str> = fixed.iter().map(|s| s.reference.as_str()).collect();
        let free: Vec<(NaiveDate, Span)> = self
            .audition
            .slots()
            .into_iter()
            .filter(|(d, s)| !fixed.iter().any(|f| f.day == *d && f.span.overlaps(s)))
            .collect();
        let mut seen = BTreeSet::new();
        let todo: Vec<&String> = candidates
            .iter()
            .filter(|c| !fixed_refs.contains(c.as_str()) && seen.insert(c.as_str()))
            .collect();
        // usable[c]: the free slots candidate c can take, in time order.
        let usable: Vec<Vec<usize>> = todo
            .iter()
            .map(|c| {
                free.iter()
                    .enumerate()
                    .filter(|(_, (d, s))| self.usable(c, *d, s).is_ok())
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        let best = matching(&usable, free.len()).iter().flatten().count();
        // The fewest first days that place as many as the whole window.
        let mut days: Vec<NaiveDate> = free.iter().map(|(d, _)| *d).collect();
        days.dedup();
        let mut assigned = vec![None; todo.len()];
        for n in 1..=days.len() {
            let last = days[n - 1];
            let within = free.iter().take_while(|(d, _)| *d <= last).count();
            let a = matching(&usable, within);
            if a.iter().flatten().count() == best {
                assigned = a;
                break;
            }
        }
        let mut slots: Vec<Slot> = fixed.to_vec();
        let mut unplaced = Vec::new();
        for (c, a) in todo.iter().zip(&assigned) {
            match a {
                Some(i) => {
                    let (day, span) = free[*i];
                    slots.push(Slot {
                        reference: c.to_string(),
                        day,
                        span,
                        panel: self.sitting(c, day, &span).panel,
                        fixed: false,
                    });
                }
                None => unplaced.push((c.to_string(), self.why_unplaced(c, &free, &assigned))),
            }
        }
        slots.sort_by(|a, b| (a.day, a.span, &a.reference).cmp(&(b.day, b.span, &b.reference)));
        Proposal { slots, unplaced }
    }

    fn why_unplaced(
        &self,
        reference: &str,
        free: &[(NaiveDate, Span)],
        assigned: &[Option<usize>],
    ) -> Unplaced {
        let left: Vec<&(NaiveDate, Span)> = free
            .iter()
            .enumerate()
            .filter(|(i, _)| !assigned.contains(&Some(*i)))
            .map(|(_, s)| s)
            .collect();
        if left.is_empty() {
            return Unplaced::NoSlotLeft;
        }
        if free
            .iter()
            .any(|(d, s)| self.usable(reference, *d, s).is_ok())
        {
            return Unplaced::Taken;
        }
        // What stops them at the slots still free.
        if left.iter().all(|(d, s)| {
            matches!(
                self.usable(reference, *d, s),
                Err(Unusable::CandidateUnavailable)
            )
        }) {
            Unplaced::CandidateUnavailable
        } else {
            Unplaced::PanelShort
        }
    }
}

/// A slot as events carry it (`schedule.*`), and as `jury verify` reads it back.
pub fn to_json(slot: &Slot) -> serde_json::Value {
    serde_json::json!({
        "reference": slot.reference,
        "day": slot.day.to_string(),
        "from": slot.span.from.format("%H:%M").to_string(),
        "to": slot.span.to.format("%H:%M").to_string(),
        "panel": slot.panel,
        "fixed": slot.fixed,
    })
}

/// The slot [`to_json`] wrote; None when a field is missing or unreadable.
pub fn from_json(v: &serde_json::Value) -> Option<Slot> {
    let time = |k: &str| chrono::NaiveTime::parse_from_str(v[k].as_str()?, "%H:%M").ok();
    Some(Slot {
        reference: v["reference"].as_str()?.to_string(),
        day: v["day"].as_str()?.parse().ok()?,
        span: Span {
            from: time("from")?,
            to: time("to")?,
        },
        panel: v["panel"]
            .as_array()?
            .iter()
            .filter_map(|m| m.as_str().map(str::to_string))
            .collect(),
        fixed: v["fixed"].as_bool()?,
    })
}

/// A maximum matching of candidates to the first `within` slots (Kuhn's
/// augmenting paths): candidates in order, each taking the earliest empty
/// slot it can, else moving others along; a candidate once placed stays
/// placed and the result is the same for the same input.
fn matching(usable: &[Vec<usize>], within: usize) -> Vec<Option<usize>> {
    let mut owner: Vec<Option<usize>> = vec![None; within];
    let mut of: Vec<Option<usize>> = vec![None; usable.len()];
    for c in 0..usable.len() {
        let mut visited = vec![false; within];
        augment(c, usable, within, &mut owner, &mut visited);
    }
    for (slot, o) in owner.iter().enumerate() {
        if let Some(c) = o {
            of[*c] = Some(slot);
        }
    }
    of
}

fn augment(
    c: usize,
    usable: &[Vec<usize>],
    within: usize,
    owner: &mut [Option<usize>],
    visited: &mut [bool],
) -> bool {
    let reach = || usable[c].iter().copied().take_while(|s| *s < within);
    // An empty slot first, so nobody already placed moves without need.
    if let Some(s) = reach().find(|s| owner[*s].is_none()) {
        owner[s] = Some(c);
        return true;
    }
    for s in reach() {
        if visited[s] {
            continue;
        }
        visited[s] = true;
        let free = match owner[s] {
            None => true,
            Some(other) => augment(other, usable, within, owner, visited),
        };
        if free {
            owner[s] = Some(c);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stage::Combine;
    use chrono::NaiveTime;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("time")
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 7, d).expect("date")
    }

    fn window(days: &[u32]) -> Audition {
        Audition {
            label: "Audition".into(),
            days: days.iter().map(|d| day(*d)).collect(),
            hours: vec![Span {
                from: t(9, 0),
                to: t(11, 0),
            }],
            slot_minutes: 30,
            breaks: vec![Span {
                from: t(10, 0),
                to: t(10, 30),
            }],
            place: Some("Nice".into()),
            video_link: None,
            panel: vec![],
            bring: vec![],
            shortlist: None,
            scale: None,
            criteria: vec![],
            combine: Combine::Dossier,
            absent: "non_retenu".into(),
            unavailable: vec![],
        }
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn candidates_fill_the_first_day_before_the_next() {
        // 09:00, 09:30, 10:30 a day: the break takes 10:00.
        let a = window(&[9, 10]);
        let panel = names(&["A", "B"]);
        let rules = Rules {
            audition: &a,
            panel: &panel,
            conflicts: &BTreeSet::new(),
            unavailable: &[],
            minimum: 2,
        };
        let p = rules.propose(&names(&["c1", "c2", "c3", "c4"]), &[]);
        let placed: Vec<(u32, String, &str)> = p
            .slots
            .iter()
            .map(|s| {
                (
                    chrono::Datelike::day(&s.day),
                    s.span.from.format("%H:%M").to_string(),
                    s.reference.as_str(),
                )
            })
            .collect();
        assert_eq!(
            placed,
            [
                (9, "09:00".into(), "c1"),
                (9, "09:30".into(), "c2"),
                (9, "10:30".into(), "c3"),
                (10, "09:00".into(), "c4"),
            ]
        );
        assert!(p.unplaced.is_empty());
        assert!(p.slots.iter().all(|s| s.panel == panel));
    }

    #[test]
    fn a_member_in_conflict_stands_down_and_a_short_panel_moves_the_candidate() {
        let a = window(&[9]);
        let panel = names(&["A", "B", "C"]);
        let conflicts = BTreeSet::from([("c1".to_string(), "A".to_string())]);
        let away = [Unavailable {
            who: Who::Member("B".into()),
            day: day(9),
            span: Some(Span {
                from: t(9, 0),
                to: t(9, 30),
            }),
        }];
        let rules = Rules {
            audition: &a,
            panel: &panel,
            conflicts: &conflicts,
            unavailable: &away,
            minimum: 2,
        };
        let p = rules.propose(&names(&["c1", "c2"]), &[]);
        // c1 at 09:00 would have C alone: c2 (A and C) takes it, c1 comes at 09:30.
        assert_eq!(p.slots[0].reference, "c2");
        assert_eq!(p.slots[0].panel, names(&["A", "C"]));
        assert_eq!(p.slots[1].reference, "c1");
        assert_eq!(p.slots[1].panel, names(&["B", "C"]));
        let s = rules.sitting("c1", day(9), &p.slots[0].span);
        assert_eq!(s.in_conflict, ["A"]);
        assert_eq!(s.unavailable, ["B"]);
        assert_eq!(
            rules.check("c1", day(9), &p.slots[0].span),
            Err(Unusable::PanelShort {
                sitting: 1,
                minimum: 2
            })
        );
        assert!(
            Unusable::PanelShort {
                sitting: 1,
                minimum: 2
            }
            .message(Lang::Fr)
            .contains("il en faut 2")
        );
    }

    #[test]
    fn fixed_slots_stay_and_the_others_fill_around_them() {
        let a = window(&[9]);
        let panel = names(&["A"]);
        let rules = Rules {
            audition: &a,
            panel: &panel,
            conflicts: &BTreeSet::new(),
            unavailable: &[],
            minimum: 1,
        };
        let fixed = Slot {
            reference: "c3".into(),
            day: day(9),
            span: Span {
                from: t(9, 0),
                to: t(9, 30),
            },
            panel: panel.clone(),
            fixed: true,
        };
        let p = rules.propose(
            &names(&["c1", "c2", "c3", "c4"]),
            std::slice::from_ref(&fixed),
        );
        assert_eq!(p.slots[0], fixed);
        let order: Vec<&str> = p.slots.iter().map(|s| s.reference.as_str()).collect();
        assert_eq!(order, ["c3", "c1", "c2"]);
        assert_eq!(p.unplaced, [("c4".to_string(), Unplaced::NoSlotLeft)]);
    }

    #[test]
    fn the_reasons_a_candidate_is_left_out_are_told_apart() {
        let a = window(&[9]);
        let panel = names(&["A", "B"]);
        let conflicts = BTreeSet::from([("c2".to_string(), "A".to_string())]);
        let away = [Unavailable {
            who: Who::Candidate("c1".into()),
            day: day(9),
            span: None,
        }];
        let rules = Rules {
            audition: &a,
            panel: &panel,
            conflicts: &conflicts,
            unavailable: &away,
            minimum: 2,
        };
        let p = rules.propose(&names(&["c1", "c2", "c3"]), &[]);
        assert_eq!(
            p.unplaced,
            [
                ("c1".to_string(), Unplaced::CandidateUnavailable),
                ("c2".to_string(), Unplaced::PanelShort)
            ]
        );
        assert_eq!(
            rules.check(
                "c3",
                day(9),
                &Span {
                    from: t(10, 0),
                    to: t(10, 30)
                }
            ),
            Err(Unusable::OutsideWindow)
        );
    }

    #[test]
    fn a_quorum_is_capped_at_the_panel_and_the_panel_defaults_to_scoring_members() {
        assert_eq!(minimum(Some(5), 3), 3);
        assert_eq!(minimum(Some(2), 3), 2);
        assert_eq!(minimum(None, 3), 1);
        let a = window(&[9]);
        let members = vec![
            ("Sylvie".to_string(), Role::Chair),
            ("Nadia".to_string(), Role::Secretary),
            ("Julien".to_string(), Role::Member),
            ("Claire".to_string(), Role::Rapporteur),
        ];
        assert_eq!(panel(&a, &members), ["Sylvie", "Julien", "Claire"]);
    }

    use crate::test_rng::Rng;

    #[test]
    fn random_timetables_keep_every_rule() {
        let mut rng = Rng(0x5EED_1234_ABCD_0001);
        for case in 0..400 {
            let n_days = 1 + rng.below(4);
            let mut a = window(&(1..=n_days as u32).collect::<Vec<_>>());
            a.slot_minutes = [20, 30, 45, 60][rng.below(4)];
            a.hours = vec![
                Span {
                    from: t(8 + rng.below(2) as u32, 0),
                    to: t(12, 15),
                },
                Span {
                    from: t(14, 0),
                    to: t(15 + rng.below(3) as u32, 0),
                },
            ];
            a.breaks = vec![Span {
                from: t(10, 0),
                to: t(10, 15 + 15 * rng.below(2) as u32),
            }];
            let panel: Vec<String> = (0..1 + rng.below(4)).map(|i| format!("m{i}")).collect();
            let candidates: Vec<String> = (0..rng.below(20)).map(|i| format!("c{i}")).collect();
            let mut conflicts = BTreeSet::new();
            for c in &candidates {
                for m in &panel {
                    if rng.below(6) == 0 {
                        conflicts.insert((c.clone(), m.clone()));
                    }
                }
            }
            let everyone: Vec<Who> = panel
                .iter()
                .map(|m| Who::Member(m.clone()))
                .chain(candidates.iter().map(|c| Who::Candidate(c.clone())))
                .collect();
            let mut away = Vec::new();
            for _ in 0..rng.below(6) {
                let from = t(8 + rng.below(8) as u32, 0);
                away.push(Unavailable {
                    who: everyone[rng.below(everyone.len())].clone(),
                    day: day(1 + rng.below(n_days) as u32),
                    span: (rng.below(2) == 0).then(|| Span {
                        from,
                        to: from + chrono::Duration::minutes(30 + 30 * rng.below(4) as i64),
                    }),
                });
            }
            // Half the call's, half the app's: both must be kept.
            let split = away.len() / 2;
            a.unavailable = away[..split].to_vec();
            let recorded = away[split..].to_vec();
            let q = 1 + rng.below(3) as u32;
            let rules = Rules {
                audition: &a,
                panel: &panel,
                conflicts: &conflicts,
                unavailable: &recorded,
                minimum: minimum(Some(q), panel.len()),
            };
            let p = rules.propose(&candidates, &[]);
            let window = a.slots();
            let mut taken = BTreeSet::new();
            for s in &p.slots {
                assert!(
                    taken.insert((s.day, s.span.from)),
                    "case {case}: double booking {s:?}"
                );
                assert!(
                    window.contains(&(s.day, s.span)),
                    "case {case}: outside {s:?}"
                );
                assert!(
                    !a.breaks.iter().any(|b| b.overlaps(&s.span)),
                    "case {case}: in a break"
                );
                assert!(
                    rules.available(&Who::Candidate(s.reference.clone()), s.day, &s.span),
                    "case {case}: candidate unavailable {s:?}"
                );
                assert!(
                    s.panel.len() >= rules.minimum,
                    "case {case}: short panel {s:?}"
                );
                for m in &s.panel {
                    assert!(
                        !conflicts.contains(&(s.reference.clone(), m.clone())),
                        "case {case}: {m} in conflict sits for {s:?}"
                    );
                    assert!(
                        rules.available(&Who::Member(m.clone()), s.day, &s.span),
                        "case {case}: {m} unavailable sits for {s:?}"
                    );
                }
            }
            assert_eq!(
                p.slots.len() + p.unplaced.len(),
                candidates.len(),
                "case {case}"
            );
            // Hall's condition holds when every candidate has at least as
            // many usable slots as there are candidates: all must be placed.
            let enough = candidates.iter().all(|c| {
                window
                    .iter()
                    .filter(|(d, s)| rules.check(c, *d, s).is_ok())
                    .count()
                    >= candidates.len()
            });
            if enough {
                assert!(p.unplaced.is_empty(), "case {case}: {:?}", p.unplaced);
            }
            // Any candidate with a usable slot left free should have taken it.
            for (c, _) in &p.unplaced {
                assert!(
                    !window.iter().any(|(d, s)| {
                        rules.check(c, *d, s).is_ok()
                            && !p.slots.iter().any(|x| x.day == *d && x.span == *s)
                    }),
                    "case {case}: {c} left out beside a free usable slot"
                );
            }
            assert_eq!(
                p,
                rules.propose(&candidates, &[]),
                "case {case}: not deterministic"
            );
        }
    }
}
