//! Withdrawals (désistements) and promotion from the waiting list. Pure:
//! whether a withdrawal may be recorded, whom Jury proposes in the
//! withdrawn candidate's place, and how the rest of the list moves up.

use crate::call::decision_id;
use crate::committee::Committee;
use crate::decision::Kind;
use crate::fr::Lang;
use crate::records::{DecisionRow, Withdrawal};

/// How a withdrawal reached the committee: stored id, French, English.
pub const CHANNELS: &[(&str, &str, &str)] = &[
    ("email", "courriel", "e-mail"),
    ("post", "courrier", "letter"),
    ("phone", "téléphone", "telephone"),
    ("hand", "remis en main propre", "handed in"),
];

/// The channel's label (an unknown id is shown as stored).
pub fn channel_label(id: &str, lang: Lang) -> String {
    CHANNELS
        .iter()
        .find(|(c, _, _)| *c == id)
        .map(|(_, fr, en)| lang.t(fr, en).to_string())
        .unwrap_or_else(|| id.to_string())
}

/// Why a withdrawal (or a promotion) cannot be recorded.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum WithdrawalError {
    /// Only the chair and the secretary record a withdrawal.
    NotAllowed,
    /// Only the chair promotes from the waiting list.
    ChairOnly,
    NoDecision,
    /// The current decision does not accept the candidate: its label.
    NotAccepted(String),
    /// The decision's session is still open: it can still change.
    NotFinal,
    /// Already withdrawn, on that day (AAAA-MM-JJ).
    Already(String),
    /// Someone (named) was already promoted in the withdrawn one's place.
    AlreadyPromoted(String),
    /// Nobody left on the waiting list.
    EmptyWaitlist,
    /// The promotion is a decision: it needs an open session of the stage.
    NoSession,
}

impl WithdrawalError {
    pub fn message(&self, lang: Lang) -> String {
        use WithdrawalError::*;
        match self {
            NotAllowed => lang
                .t(
                    "Seuls la présidence et le secrétariat enregistrent un désistement.",
                    "Only the chair and the secretary record a withdrawal.",
                )
                .into(),
            ChairOnly => lang
                .t(
                    "Seule la présidence promeut un·e candidat·e de la liste complémentaire.",
                    "Only the chair promotes a candidate from the waiting list.",
                )
                .into(),
            NoDecision => lang
                .t(
                    "Aucune décision sur ce dossier : un désistement suit une décision d'acceptation.",
                    "No decision on this dossier: a withdrawal follows an acceptance.",
                )
                .into(),
            NotAccepted(label) => format!(
                "{} « {label} ». {}",
                lang.t("Décision actuelle :", "Current decision:"),
                lang.t(
                    "Seul·e un·e candidat·e retenu·e peut se désister.",
                    "Only an accepted candidate can withdraw.",
                )
            ),
            NotFinal => lang
                .t(
                    "La décision n'est pas encore définitive : la séance qui l'a prise est ouverte. Modifiez la décision, ou close la séance d'abord.",
                    "The decision is not final yet: its session is open. Change the decision, or close the session first.",
                )
                .into(),
            Already(day) => format!(
                "{} {}.",
                lang.t("Désistement déjà enregistré, reçu le", "Withdrawal already recorded, received on"),
                chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                    .map(|d| lang.date(d))
                    .unwrap_or_else(|_| day.clone())
            ),
            AlreadyPromoted(who) => format!(
                "{} {who}.",
                lang.t(
                    "Une promotion a déjà suivi ce désistement :",
                    "A promotion already followed this withdrawal:"
                )
            ),
            EmptyWaitlist => lang
                .t(
                    "Personne sur la liste complémentaire : aucune promotion possible.",
                    "Nobody on the waiting list: no promotion possible.",
                )
                .into(),
            NoSession => lang
                .t(
                    "Aucune séance ouverte à cette étape : la promotion est une décision, ouvrez d'abord une séance (o).",
                    "No open session at this stage: a promotion is a decision, open a session first (o).",
                )
                .into(),
        }
    }
}

crate::french_display!(WithdrawalError);

impl Committee {
    /// The withdrawal from `reference`'s current decision, if they withdrew
    /// from it (a later decision on them is not withdrawn).
    pub fn withdrawn(&self, reference: &str) -> Option<&Withdrawal> {
        let d = self.decisions.get(reference)?;
        self.data
            .withdrawals
            .iter()
            .find(|w| w.reference == reference && w.session_id == d.session_id)
    }

    /// The withdrawals from current decisions of the committee's stage that
    /// nobody was promoted in the place of yet, oldest first.
    pub fn unreplaced(&self) -> Vec<&Withdrawal> {
        self.data
            .withdrawals
            .iter()
            .filter(|w| {
                w.promoted.is_none()
                    && self
                        .decisions
                        .get(&w.reference)
                        .is_some_and(|d| d.session_id == w.session_id)
            })
            .collect()
    }

    /// The withdrawals awaiting the chair's promotion decision: unreplaced,
    /// with someone on the waiting list to promote. Whoever recorded them,
    /// the committee view shows the chair these until she has decided.
    pub fn awaiting_promotion(&self) -> Vec<&Withdrawal> {
        let unreplaced = self.unreplaced();
        // Withdrawals are few: the list is looked at only when one waits.
        if unreplaced.is_empty() || proposed(&waitlist(self.decisions.values())).is_none() {
            return Vec::new();
        }
        unreplaced
    }
}

/// Whether `reference` may withdraw now: their current decision (`kind`)
/// accepts them and is final (`frozen`), and they have not withdrawn from
/// it already.
pub fn check(
    committee: &Committee,
    reference: &str,
    kind: Option<&Kind>,
) -> Result<(), WithdrawalError> {
    if !committee.decisions.contains_key(reference) {
        return Err(WithdrawalError::NoDecision);
    }
    if let Some(w) = committee.withdrawn(reference) {
        return Err(WithdrawalError::Already(w.received_on.clone()));
    }
    match kind {
        Some(k) if k.accepted => {}
        Some(k) => return Err(WithdrawalError::NotAccepted(k.label.clone())),
        None => return Err(WithdrawalError::NoDecision),
    }
    if !committee.frozen(reference) {
        return Err(WithdrawalError::NotFinal);
    }
    Ok(())
}

/// The waiting list: each current « liste complémentaire » decision of the
/// committee's stage with its rank, lowest rank first (then reference).
/// The whole call is one list for now; a call in lots will keep the
/// decisions of the withdrawn candidate's lot here, and nowhere else.
pub fn waitlist<'a>(decisions: impl IntoIterator<Item = &'a DecisionRow>) -> Vec<(String, u32)> {
    let mut list: Vec<(String, u32)> = decisions
        .into_iter()
        .filter(|d| d.kind == decision_id::LISTE_COMPLEMENTAIRE)
        .map(|d| (d.reference.clone(), d.waitlist_rank.unwrap_or(u32::MAX)))
        .collect();
    list.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    list
}

/// Whom Jury proposes: the first of the waiting list.
pub fn proposed(list: &[(String, u32)]) -> Option<&str> {
    list.first().map(|(r, _)| r.as_str())
}

/// Those left on the list after `promoted` leaves it, with their new rank:
/// everyone ranked after them moves up by one; those before keep theirs.
pub fn moved_up(list: &[(String, u32)], promoted: &str) -> Vec<(String, u32)> {
    let Some(from) = list.iter().find(|(r, _)| r == promoted).map(|(_, n)| *n) else {
        return Vec::new();
    };
    list.iter()
        .filter(|(r, n)| r != promoted && *n > from && *n != u32::MAX)
        .map(|(r, n)| (r.clone(), n - 1))
        .collect()
}

/// The promoted candidate's reasons, prefilled in the form.
pub fn promotion_motivation(withdrawn: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => {
            format!("Promu·e de la liste complémentaire après le désistement de {withdrawn}.")
        }
        Lang::En => format!("Promoted from the waiting list after {withdrawn} withdrew."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(reference: &str, kind: &str, rank: Option<u32>) -> DecisionRow {
        DecisionRow {
            id: 0,
            session_id: 1,
            reference: reference.into(),
            kind: kind.into(),
            motivation: String::new(),
            condition: String::new(),
            waitlist_rank: rank,
            documents: String::new(),
            without_quorum: false,
            by: "P".into(),
            at: String::new(),
            guarded: false,
            amount: None,
            budget_override: String::new(),
        }
    }

    fn kind(accepted: bool) -> Kind {
        Kind {
            id: "k".into(),
            label: if accepted { "Retenu" } else { "Non retenu" }.into(),
            accepted,
            motivation_required: false,
            extra: crate::decision::Extra::None,
            built_in: true,
        }
    }

    #[test]
    fn only_a_final_acceptance_is_withdrawn_once_and_then_no_longer_counts() {
        let call = crate::call::Call::from_value(
            &serde_json::from_str(include_str!("../../samples/caf06-pdnp-2025/appel.json"))
                .expect("json"),
        )
        .expect("call");
        let mut c = Committee::default();
        c.decisions
            .insert("A".into(), row("A", decision_id::RETENU, None));
        c.data.sessions.push(crate::records::Session {
            id: 1,
            stage: Default::default(),
            date: "2025-07-07".into(),
            opened_by: "P".into(),
            closed_at: None,
            lot: None,
            present: Vec::new(),
        });
        assert_eq!(
            check(&c, "A", Some(&kind(true))),
            Err(WithdrawalError::NotFinal)
        );
        c.data.sessions[0].closed_at = Some("2025-07-07T18:00:00Z".into());
        assert_eq!(
            check(&c, "A", Some(&kind(false))),
            Err(WithdrawalError::NotAccepted("Non retenu".into()))
        );
        assert_eq!(
            check(&c, "B", Some(&kind(true))),
            Err(WithdrawalError::NoDecision)
        );
        assert_eq!(check(&c, "A", Some(&kind(true))), Ok(()));
        assert_eq!(c.accepted_count(&call, ""), 1);
        c.data.withdrawals.push(Withdrawal {
            reference: "A".into(),
            session_id: 1,
            received_on: "2025-09-03".into(),
            channel: "post".into(),
            by: "P".into(),
            at: String::new(),
            promoted: None,
        });
        assert_eq!(
            check(&c, "A", Some(&kind(true))),
            Err(WithdrawalError::Already("2025-09-03".into()))
        );
        assert_eq!(c.accepted_count(&call, ""), 0);
        assert_eq!(
            WithdrawalError::Already("2025-09-03".into()).message(Lang::Fr),
            "Désistement déjà enregistré, reçu le 3 septembre 2025."
        );
    }

    #[test]
    fn a_withdrawal_awaits_a_promotion_while_unreplaced_and_the_list_has_someone() {
        let mut c = Committee::default();
        c.decisions
            .insert("A".into(), row("A", decision_id::RETENU, None));
        let w = Withdrawal {
            reference: "A".into(),
            session_id: 1,
            received_on: "2025-09-03".into(),
            channel: "email".into(),
            by: "Secrétaire".into(),
            at: String::new(),
            promoted: None,
        };
        c.data.withdrawals.push(w.clone());
        // Nobody on the waiting list: nothing for the chair to decide.
        assert_eq!(c.unreplaced(), [&w]);
        assert!(c.awaiting_promotion().is_empty());
        c.decisions.insert(
            "B".into(),
            row("B", decision_id::LISTE_COMPLEMENTAIRE, Some(1)),
        );
        assert_eq!(c.awaiting_promotion(), [&w]);
        // A withdrawal from an earlier decision of theirs is not this one.
        c.decisions.get_mut("A").expect("A").session_id = 2;
        assert!(c.awaiting_promotion().is_empty());
        c.decisions.get_mut("A").expect("A").session_id = 1;
        c.data.withdrawals[0].promoted = Some(("B".into(), 2));
        assert!(c.awaiting_promotion().is_empty());
    }

    #[test]
    fn the_first_of_the_list_is_proposed_and_the_rest_moves_up() {
        let rows = [
            row("C", decision_id::LISTE_COMPLEMENTAIRE, Some(3)),
            row("A", decision_id::RETENU, None),
            row("B", decision_id::LISTE_COMPLEMENTAIRE, Some(1)),
            row("D", decision_id::LISTE_COMPLEMENTAIRE, Some(2)),
        ];
        let list = waitlist(&rows);
        assert_eq!(proposed(&list), Some("B"));
        assert_eq!(
            moved_up(&list, "B"),
            vec![("D".to_string(), 1), ("C".to_string(), 2)]
        );
        // The chair picked the second: the first keeps rank 1.
        assert_eq!(moved_up(&list, "D"), vec![("C".to_string(), 2)]);
        assert_eq!(moved_up(&list, "A"), Vec::new());
        assert_eq!(proposed(&waitlist(&rows[1..2])), None);
    }
}
