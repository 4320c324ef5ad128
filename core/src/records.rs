//! The committee's records as the store keeps them and the core reasons on
//! them: scores, conflicts, overrides, sessions, decisions, the call's
//! outcome, letters and merged packets. Plain data, no storage here.

use crate::call::Role;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    pub reference: String,
    pub member: String,
    pub reason: String,
}

/// A member assigned to a dossier as one of its rapporteurs.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub reference: String,
    pub member: String,
    /// Who assigned them (the chair or the secretary).
    pub by: String,
    pub at: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    pub reference: String,
    /// `true`: declared eligible; `false`: declared ineligible.
    pub eligible: bool,
    pub justification: String,
    pub by: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub id: i64,
    /// The stage it decides: the shortlist, or the final decision after
    /// the auditions.
    pub stage: crate::stage::Stage,
    pub date: String,
    pub opened_by: String,
    pub closed_at: Option<String>,
    /// The lot it decides, in a call with lots.
    pub lot: Option<String>,
    pub present: Vec<String>,
}

impl Session {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct DecisionRow {
    pub id: i64,
    pub session_id: i64,
    pub reference: String,
    pub kind: String,
    pub motivation: String,
    pub condition: String,
    pub waitlist_rank: Option<u32>,
    pub documents: String,
    pub without_quorum: bool,
    pub by: String,
    pub at: String,
    /// Recorded after the explicit confirmation asked when fewer members
    /// scored the dossier than the call's `min_reviews`, or its eligibility
    /// was not established.
    pub guarded: bool,
    /// The aid granted with an accepting decision, in euros, in a call
    /// with a budget; None otherwise.
    pub amount: Option<f64>,
    /// The chair's written reason for letting this decision take the
    /// allocations past the envelope; empty when it stays within.
    pub budget_override: String,
}

/// A candidate who did not come to their audition.
#[derive(Clone, Debug, PartialEq)]
pub struct Absence {
    pub reference: String,
    pub by: String,
    pub at: String,
}

/// An accepted candidate who withdrew (désistement) after their decision
/// became final, and who was promoted from the waiting list in their place
/// once the chair confirmed it.
#[derive(Clone, Debug, PartialEq)]
pub struct Withdrawal {
    pub reference: String,
    /// The session whose decision they withdrew from.
    pub session_id: i64,
    /// The day the withdrawal reached the committee (AAAA-MM-JJ).
    pub received_on: String,
    /// How it was received (`email`, `post`, `phone`, `hand`).
    pub channel: String,
    pub by: String,
    pub at: String,
    /// The candidate promoted in their place and the session that did it.
    pub promoted: Option<(String, i64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub session_id: i64,
    pub unsuccessful: bool,
    pub motivation: String,
    pub by: String,
}

/// Everything the committee view needs, read once per user action.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CommitteeData {
    pub members: Vec<(String, Role)>,
    pub conflicts: Vec<Conflict>,
    /// Rapporteurs, by reference then member.
    pub assignments: Vec<Assignment>,
    pub overrides: Vec<Override>,
    pub consensus: Vec<(String, String, f64)>,
    pub sessions: Vec<Session>,
    /// Every decision row, oldest first: the last per dossier is current.
    pub decisions: Vec<DecisionRow>,
    /// Every outcome recorded, oldest first (one per lot at most counts:
    /// the latest of its sessions).
    pub outcomes: Vec<Outcome>,
    /// Candidates recorded absent from their audition.
    pub absences: Vec<Absence>,
    /// Institutions' validations of closed sessions, oldest first.
    pub validations: Vec<crate::institutions::Validation>,
    /// Accepted candidates who withdrew, oldest first (both stages).
    pub withdrawals: Vec<Withdrawal>,
    /// On a member's laptop: the candidates the chair convened, as the
    /// bundle brought them (the member's base has no decisions).
    pub issued_shortlist: Vec<String>,
    /// Per member: their latest merged packet and how many dossiers it scored.
    pub packets: Vec<PacketSummary>,
    /// Scores two packets disagreed on, left for the chair.
    pub merge_conflicts: Vec<MergeConflict>,
    /// What each closed session froze, per dossier, by session then reference.
    pub snapshots: Vec<crate::snapshot::Snapshot>,
    /// The audition timetable, in time order.
    pub slots: Vec<crate::stage::Slot>,
    /// Unavailability for the auditions recorded in the app (the call's own
    /// is in the call).
    pub unavailable: Vec<crate::stage::Unavailable>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScoreRow {
    pub reference: String,
    pub member: String,
    pub criterion: String,
    pub value: Option<f64>,
    pub comment: String,
}

/// The scores that have a value, by (reference, member, criterion): what
/// aggregates and rankings are computed from.
pub fn score_values<'a>(
    rows: impl IntoIterator<Item = &'a ScoreRow>,
) -> BTreeMap<(String, String, String), f64> {
    rows.into_iter()
        .filter_map(|r| {
            r.value.map(|v| {
                (
                    (r.reference.clone(), r.member.clone(), r.criterion.clone()),
                    v,
                )
            })
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq)]
pub struct LetterRow {
    pub reference: String,
    pub decision_id: i64,
    pub pdf: String,
    pub odt: String,
    pub eml: Option<String>,
    pub hash: String,
    pub generated_at: String,
    /// The date the letter carries (AAAA-MM-JJ), chosen when it was produced.
    pub signed_on: Option<String>,
    pub sent_at: Option<String>,
    pub channel: Option<String>,
    pub acknowledged_at: Option<String>,
}

/// A score two packets (or a packet and the chair's database) disagree on at
/// the same `updated_at`: kept as stored, reported, left for the chair.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeConflict {
    pub id: i64,
    pub reference: String,
    pub member: String,
    pub criterion: String,
    pub kept: Option<f64>,
    pub incoming: Option<f64>,
    pub updated_at: String,
    /// The checksum of the packet that brought `incoming`.
    pub packet: String,
}

impl fmt::Display for MergeConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: Option<f64>| {
            v.map(|x| crate::fr::Lang::Fr.score(x))
                .unwrap_or_else(|| "—".into())
        };
        write!(
            f,
            "{} / {} ({}) : {} conservé, {} reçu, même date {}",
            self.reference,
            self.criterion,
            self.member,
            show(self.kept),
            show(self.incoming),
            self.updated_at
        )
    }
}

/// Per member: when their latest packet was merged, how many dossiers they
/// have scored (in this database, whichever way the scores came).
#[derive(Clone, Debug, PartialEq)]
pub struct PacketSummary {
    pub member: String,
    pub role: String,
    /// `imported_at` of their latest packet; `None`: no packet yet.
    pub last_import: Option<String>,
    pub packets: usize,
    pub dossiers: usize,
}

/// A member's scores given on an earlier version of a dossier than the
/// current one, and what changed since: « modifié depuis votre note ».
#[derive(Clone, Debug, PartialEq)]
pub struct Stale {
    pub reference: String,
    pub member: String,
    pub scored: i64,
    pub current: i64,
    /// When the current version was made (RFC 3339, UTC).
    pub at: String,
    /// JSON Pointers changed between the scored and the current version.
    pub changed: Vec<String>,
}
