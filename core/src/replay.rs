//! The audit log replayed: what the committee's tables must hold if every
//! change went through Jury. `jury verify` builds this projection from the
//! events alone, reads the same rows from the tables, and names every
//! difference, so a direct edit of the database shows even when the hash
//! chain itself was left intact.
//!
//! Both sides describe each row the same way: a French label naming the row
//! (« note de Julien Ferrand sur PDNP06-2025-004, critère experience ») and
//! its content (« 5 »). Timestamps are left out: the tables and the events
//! take their clocks a few microseconds apart, and the dates a document
//! prints come from the session's date, which is compared.

use crate::audit::Event;
use crate::fr::Lang;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Row label → row content.
pub type Projection = BTreeMap<String, String>;

fn quoted(text: &str) -> String {
    format!("« {text} »")
}

fn number(x: f64) -> String {
    Lang::Fr.score(x)
}

pub fn member(name: &str, role: &str) -> (String, String) {
    (format!("membre {}", quoted(name)), role.to_string())
}

pub fn score(
    reference: &str,
    member: &str,
    criterion: &str,
    value: Option<f64>,
    comment: &str,
) -> (String, String) {
    let mut shown = value.map(number).unwrap_or_else(|| "sans note".into());
    if !comment.is_empty() {
        shown.push_str(&format!(" (commentaire {})", quoted(comment)));
    }
    (
        format!("note de {member} sur {reference}, critère {criterion}"),
        shown,
    )
}

/// A withdrawn conflict keeps the reason it was declared with.
pub fn conflict(reference: &str, member: &str, declared: bool, reason: &str) -> (String, String) {
    (
        format!("conflit d'intérêts de {member} sur {reference}"),
        format!(
            "{}, motif {}",
            if declared { "déclaré" } else { "retiré" },
            quoted(reason)
        ),
    )
}

/// A member assigned to a dossier as rapporteur, and who assigned them.
pub fn assignment(reference: &str, member: &str, by: &str) -> (String, String) {
    (
        format!("rapporteur·e {} sur {reference}", quoted(member)),
        format!("désigné·e par {by}"),
    )
}

pub fn override_row(reference: &str, eligible: bool, justification: &str) -> (String, String) {
    (
        format!("dérogation de recevabilité sur {reference}"),
        format!(
            "{}, justification {}",
            if eligible { "recevable" } else { "irrecevable" },
            quoted(justification)
        ),
    )
}

pub fn consensus(reference: &str, criterion: &str, value: f64) -> (String, String) {
    (
        format!("grille de consensus sur {reference}, critère {criterion}"),
        number(value),
    )
}

pub struct SessionRow<'a> {
    pub id: i64,
    /// `dossier` or `audition`.
    pub stage: &'a str,
    /// The lot it decides, in a call with lots.
    pub lot: Option<&'a str>,
    pub date: &'a str,
    pub opened_by: &'a str,
    pub present: &'a BTreeSet<String>,
    /// Who closed it and on which day (the day letters are dated by).
    pub closed: Option<(&'a str, &'a str)>,
}

pub fn session(s: &SessionRow) -> (String, String) {
    let present: Vec<&str> = s.present.iter().map(String::as_str).collect();
    let mut shown = format!(
        "du {}, ouverte par {}, présents : {}",
        s.date,
        s.opened_by,
        present.join(", ")
    );
    if let Some((by, day)) = s.closed {
        shown.push_str(&format!(", close par {by} le {day}"));
    }
    if s.stage != crate::stage::Stage::Dossier.id() {
        shown.push_str(&format!(", étape {}", s.stage));
    }
    if let Some(lot) = s.lot {
        shown.push_str(&format!(", lot {lot}"));
    }
    (format!("séance n° {}", s.id), shown)
}

/// The `n`th institutional answer recorded (in the order recorded).
pub fn validation(
    n: usize,
    session: i64,
    institution: &str,
    validated: bool,
    by: &str,
    on: &str,
    reasons: &str,
) -> (String, String) {
    (
        format!("validation n° {n} (séance n° {session}, {institution})"),
        format!(
            "{}, signée par {by} le {on}, motifs {}",
            if validated {
                "validée"
            } else {
                "non validée"
            },
            quoted(reasons)
        ),
    )
}

/// A candidate the chair convened, as a member's bundle brought it.
pub fn issued(reference: &str) -> (String, String) {
    (
        format!("convocation à l'audition de {reference} (lot de la présidence)"),
        String::new(),
    )
}

/// A candidate recorded absent from their audition.
pub fn absence(reference: &str, by: &str) -> (String, String) {
    (
        format!("absence à l'audition de {reference}"),
        format!("notée par {by}"),
    )
}

/// A candidate's withdrawal from the decision of `session`, and who was
/// promoted in their place (by the decision of which session).
pub fn withdrawal(
    reference: &str,
    session: i64,
    received_on: &str,
    channel: &str,
    by: &str,
    promoted: Option<(&str, i64)>,
) -> (String, String) {
    let mut shown = format!(
        "de la décision de la séance n° {session}, reçu le {received_on} ({channel}), noté par {by}"
    );
    if let Some((p, sid)) = promoted {
        shown.push_str(&format!(", {p} promu·e en séance n° {sid}"));
    }
    (format!("désistement de {reference}"), shown)
}

pub struct DecisionRow<'a> {
    pub session: i64,
    pub reference: &'a str,
    pub kind: &'a str,
    pub motivation: &'a str,
    pub condition: &'a str,
    pub waitlist_rank: Option<i64>,
    pub documents: &'a str,
    pub without_quorum: bool,
    /// Confirmed although few members scored it or its eligibility was open.
    pub guarded: bool,
    /// The aid granted and the chair's override of the envelope.
    pub amount: Option<f64>,
    pub budget_override: &'a str,
    pub by: &'a str,
}

pub fn decision(d: &DecisionRow) -> (String, String) {
    let mut shown = format!("{}, motivation {}", d.kind, quoted(d.motivation));
    if !d.condition.is_empty() {
        shown.push_str(&format!(", réserve {}", quoted(d.condition)));
    }
    if let Some(r) = d.waitlist_rank {
        shown.push_str(&format!(", rang {r}"));
    }
    if !d.documents.is_empty() {
        shown.push_str(&format!(", pièces {}", quoted(d.documents)));
    }
    if d.without_quorum {
        shown.push_str(", sans quorum");
    }
    if d.guarded {
        shown.push_str(", confirmée expressément");
    }
    // To the cent: a REAL read back is the number written.
    if let Some(a) = d.amount {
        shown.push_str(&format!(", montant {a:.2} €"));
    }
    if !d.budget_override.is_empty() {
        shown.push_str(&format!(
            ", dépassement de l'enveloppe {}",
            quoted(d.budget_override)
        ));
    }
    shown.push_str(&format!(", par {}", d.by));
    (
        format!("décision de la séance n° {} sur {}", d.session, d.reference),
        shown,
    )
}

/// One of a session's outcomes, numbered in the order they were recorded.
pub fn outcome(
    session: i64,
    nth: usize,
    unsuccessful: bool,
    motivation: &str,
    by: &str,
) -> (String, String) {
    (
        format!("issue de l'appel n° {nth} de la séance n° {session}"),
        format!(
            "{}, motivation {}, par {by}",
            if unsuccessful {
                "infructueux"
            } else {
                "fructueux"
            },
            quoted(motivation)
        ),
    )
}

pub struct LetterRow<'a> {
    pub reference: &'a str,
    pub decision_id: i64,
    pub pdf: &'a str,
    pub hash: &'a str,
    /// The date the letter carries, chosen when it was produced.
    pub signed_on: Option<&'a str>,
    pub sent: Option<(&'a str, &'a str)>,
    pub acknowledged: Option<&'a str>,
}

pub fn letter(l: &LetterRow) -> (String, String) {
    let mut shown = format!("fichier {}, empreinte {}", l.pdf, l.hash);
    if let Some(day) = l.signed_on {
        shown.push_str(&format!(", daté du {day}"));
    }
    if let Some((date, channel)) = l.sent {
        shown.push_str(&format!(", envoyé le {date} ({channel})"));
    }
    if let Some(date) = l.acknowledged {
        shown.push_str(&format!(", accusé de réception le {date}"));
    }
    (
        format!(
            "courrier de {} (décision n° {})",
            l.reference, l.decision_id
        ),
        shown,
    )
}

/// A convocation produced: the slot it convenes to and its file's hash.
pub fn convocation(c: &crate::convocation::ConvocationRow) -> (String, String) {
    (
        format!("convocation n° {} de {}", c.n, c.reference),
        format!(
            "le {} de {} à {}, jury {}, fichier {}, empreinte {}, datée du {}",
            c.day,
            c.start,
            c.end,
            c.panel.join(", "),
            c.pdf,
            c.hash,
            c.signed_on
        ),
    )
}

/// `content` is the hash of the dossier's text as stored, when it differs
/// from the hash stored beside it.
/// The call's text or its letter templates, by fingerprint.
pub fn text(what: &str, fingerprint: &str) -> (String, String) {
    (what.to_string(), format!("empreinte {fingerprint}"))
}

/// A key issued to a member with their bundle. `from_secret` is the id the
/// stored secret gives, when it differs from the stored id (the secret
/// edited in the table).
pub fn member_key(
    member: &str,
    key_id: &str,
    issued_at: &str,
    grid: &str,
    from_secret: Option<&str>,
) -> (String, String) {
    let mut shown = format!("remise le {issued_at}, grille {grid}");
    if let Some(k) = from_secret {
        shown.push_str(&format!(" (son secret donne {k})"));
    }
    (format!("clé {key_id} remise à {}", quoted(member)), shown)
}

pub const CHAIR_KEY: &str = "clé de signature de la présidence";

/// The chair's signing key, by its spoken fingerprint.
pub fn chair_key(fingerprint: &str) -> (String, String) {
    (CHAIR_KEY.to_string(), format!("empreinte {fingerprint}"))
}

pub const CALL: &str = "texte de l'appel (appel.json)";
pub const TEMPLATES: &str = "modèles de courriers de l'appel";

/// The basis a decision was frozen with at the close, by the fingerprint
/// of its canonical JSON (as the call's text is): a difference reads as
/// one line, not two kilobytes of JSON, and the check holds 64 characters
/// per dossier instead of its whole snapshot, twice.
pub fn frozen(session: i64, reference: &str, snapshot: &str) -> (String, String) {
    (
        format!("base figée de {reference} à la clôture de la séance n° {session}"),
        format!("empreinte {}", crate::sha256_hex(snapshot.as_bytes())),
    )
}

/// A stored JSON text in one canonical form, or « illisible ».
pub fn canonical(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "illisible".into())
}

pub fn dossier(reference: &str, hash: &str, content: Option<&str>) -> (String, String) {
    let mut shown = format!("empreinte {hash}");
    if let Some(c) = content {
        shown.push_str(&format!(" (son texte donne {c})"));
    }
    (format!("dossier {reference}"), shown)
}

/// A request for missing pieces: its dossier, date, letter day and the
/// version it was made on (what was asked is personal, kept apart).
pub fn request(id: i64, reference: &str, due: &str, letter_date: &str, v: i64) -> (String, String) {
    (
        format!("demande de pièces n° {id}"),
        format!(
            "dossier {reference} (version {v}), courrier du {letter_date}, pièces attendues le {due}"
        ),
    )
}

/// One version of a dossier, by the hash of its text when it was made.
pub fn version(reference: &str, n: i64, hash: &str) -> (String, String) {
    (
        format!("version {n} du dossier {reference}"),
        format!("empreinte {hash}"),
    )
}

pub fn slot_label(reference: &str) -> String {
    format!("créneau d'audition de {reference}")
}

/// A candidate's audition slot, from the columns as stored (`HH:MM`).
pub fn slot_text(day: &str, from: &str, to: &str, panel: &[String], fixed: bool) -> String {
    let mut shown = format!("le {day} de {from} à {to}, jury : {}", panel.join(", "));
    if fixed {
        shown.push_str(", fixé");
    }
    shown
}

fn hm(t: chrono::NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// An unavailability recorded in the app for the auditions; `span` is
/// (from, to) as stored, None for the whole day.
pub fn unavailable_text(
    id: i64,
    who: &crate::stage::Who,
    day: &str,
    span: Option<(&str, &str)>,
    by: &str,
) -> (String, String) {
    let who = match who {
        crate::stage::Who::Member(m) => format!("membre {}", quoted(m)),
        crate::stage::Who::Candidate(c) => format!("candidat {c}"),
    };
    let when = match span {
        Some((from, to)) => format!("le {day} de {from} à {to}"),
        None => format!("le {day} toute la journée"),
    };
    (
        format!("indisponibilité n° {id} pour les auditions"),
        format!("{who} {when}, notée par {by}"),
    )
}

/// An unavailability as its `schedule.unavailable` event carries it.
pub fn unavailable_json(id: i64, u: &crate::stage::Unavailable) -> Value {
    let (kind, name) = match &u.who {
        crate::stage::Who::Member(m) => ("member", m),
        crate::stage::Who::Candidate(c) => ("candidate", c),
    };
    serde_json::json!({
        "id": id,
        kind: name,
        "day": u.day.to_string(),
        "from": u.span.map(|s| s.from.format("%H:%M").to_string()),
        "to": u.span.map(|s| s.to.format("%H:%M").to_string()),
    })
}

/// The unavailability [`unavailable_json`] wrote, with its id.
pub fn unavailable_from_json(v: &Value) -> Option<(i64, crate::stage::Unavailable)> {
    use crate::stage::{Span, Unavailable, Who};
    let who = match (v["member"].as_str(), v["candidate"].as_str()) {
        (Some(m), None) => Who::Member(m.to_string()),
        (None, Some(c)) => Who::Candidate(c.to_string()),
        _ => return None,
    };
    let time = |k: &str| {
        v[k].as_str()
            .and_then(|t| chrono::NaiveTime::parse_from_str(t, "%H:%M").ok())
    };
    let span = match (time("from"), time("to")) {
        (Some(from), Some(to)) => Some(Span { from, to }),
        _ => None,
    };
    Some((
        v["id"].as_i64()?,
        Unavailable {
            who,
            day: v["day"].as_str()?.parse().ok()?,
            span,
        },
    ))
}

#[derive(Default)]
struct Letter {
    pdf: String,
    hash: String,
    signed_on: Option<String>,
    sent: Option<(String, String)>,
    acknowledged: Option<String>,
}

struct Withdrawn {
    session: i64,
    received_on: String,
    channel: String,
    by: String,
    promoted: Option<(String, i64)>,
}

#[derive(Default)]
struct Session {
    stage: String,
    lot: Option<String>,
    date: String,
    opened_by: String,
    present: BTreeSet<String>,
    closed: Option<(String, String)>,
}

struct Decision {
    value: Value,
    by: String,
}

/// A session close's payload: each snapshot's text as it stands in it.
#[derive(serde::Deserialize)]
struct Frozen<'a> {
    #[serde(borrow)]
    snapshots: Vec<&'a serde_json::value::RawValue>,
}

/// What names one snapshot; its other fields are only compared as text.
#[derive(serde::Deserialize)]
struct SnapshotKey {
    session_id: i64,
    reference: String,
}

/// The tables as the log says they must be. `members` are those the call
/// itself lists (name, role), which need no event.
pub fn replay(events: &[Event], members: &[(String, String)]) -> Projection {
    let mut roles: BTreeMap<String, String> = members.iter().cloned().collect();
    let mut scores: BTreeMap<(String, String, String), (Option<f64>, String)> = BTreeMap::new();
    let mut conflicts: BTreeMap<(String, String), (bool, String)> = BTreeMap::new();
    let mut overrides: BTreeMap<String, (bool, String)> = BTreeMap::new();
    let mut assignments: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut consensus_grid: BTreeMap<(String, String), f64> = BTreeMap::new();
    let mut sessions: BTreeMap<i64, Session> = BTreeMap::new();
    let mut absences: BTreeMap<String, String> = BTreeMap::new();
    let mut withdrawals: BTreeMap<String, Withdrawn> = BTreeMap::new();
    let mut shortlist: BTreeSet<String> = BTreeSet::new();
    let mut validations: Vec<(i64, Value)> = Vec::new();
    let mut decisions: BTreeMap<(i64, String), Decision> = BTreeMap::new();
    let mut outcomes: BTreeMap<i64, Vec<(bool, String, String)>> = BTreeMap::new();
    let mut letters: BTreeMap<(String, i64), Letter> = BTreeMap::new();
    let mut convocations: BTreeMap<(String, i64), crate::convocation::ConvocationRow> =
        BTreeMap::new();
    let mut dossiers: BTreeMap<String, String> = BTreeMap::new();
    let mut versions: BTreeMap<(String, i64), String> = BTreeMap::new();
    let mut requests: BTreeMap<i64, (String, String, String, i64)> = BTreeMap::new();
    // Dossiers `jury anonymise` rewrote: the hash their new text gives.
    let mut anonymised: BTreeMap<String, String> = BTreeMap::new();
    // Each frozen basis as it is compared: by its fingerprint, not its text.
    let mut snapshots: BTreeMap<(i64, String), (String, String)> = BTreeMap::new();
    let mut call: Option<String> = None;
    let mut templates: Option<String> = None;
    let mut member_keys: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    let mut chair: Option<String> = None;
    let mut slots: BTreeMap<String, crate::stage::Slot> = BTreeMap::new();
    let mut unavailability: BTreeMap<i64, (crate::stage::Unavailable, String)> = BTreeMap::new();
    let by_id: BTreeMap<i64, &Event> = events.iter().map(|e| (e.id, e)).collect();
    let json = |text: &Option<String>| -> Value {
        text.as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or(Value::Null)
    };
    let split = |target: &str| -> (String, String) {
        let (a, b) = target.split_once('/').unwrap_or((target, ""));
        (a.to_string(), b.to_string())
    };
    let session_id = |target: &str| -> Option<i64> {
        target.strip_prefix("séance/").and_then(|n| n.parse().ok())
    };
    // A withdrawal keeps the reason the conflict was declared with.
    let set_conflict =
        |conflicts: &mut BTreeMap<(String, String), (bool, String)>, target: &str, v: &Value| {
            if let Some(member) = v["member"].as_str() {
                let key = (target.to_string(), member.to_string());
                let declared = v["declared"].as_bool() == Some(true);
                let reason = if declared {
                    v["reason"].as_str().unwrap_or("").to_string()
                } else {
                    conflicts.get(&key).map(|c| c.1.clone()).unwrap_or_default()
                };
                conflicts.insert(key, (declared, reason));
            }
        };
    for e in events {
        // A session's close is read snapshot by snapshot (see below), not
        // as one tree: at 100 000 dossiers that tree was 2 GB.
        let after = match e.action.as_str() {
            "session.close" => Value::Null,
            _ => json(&e.after),
        };
        match e.action.as_str() {
            "call" => call = e.after.clone(),
            "templates" => templates = e.after.clone(),
            "import" => {
                let hash = e.after.clone().unwrap_or_default();
                versions.insert((e.target.clone(), 1), hash.clone());
                dossiers.insert(e.target.clone(), hash);
            }
            "dossier.request" => {
                if let Some(id) = after["id"].as_i64() {
                    requests.insert(
                        id,
                        (
                            e.target.clone(),
                            after["due"].as_str().unwrap_or("").to_string(),
                            after["letter_date"].as_str().unwrap_or("").to_string(),
                            after["version"].as_i64().unwrap_or(0),
                        ),
                    );
                }
            }
            "dossier.edit" | "dossier.accept" => {
                let hash = after["hash"].as_str().unwrap_or("").to_string();
                if let Some(n) = after["version"].as_i64() {
                    versions.insert((e.target.clone(), n), hash.clone());
                }
                dossiers.insert(e.target.clone(), hash);
            }
            "bundle.issue" => {
                if let Some(key_id) = after["key_id"].as_str() {
                    member_keys.insert(
                        (e.target.clone(), key_id.to_string()),
                        (
                            after["issued_at"].as_str().unwrap_or("").to_string(),
                            after["grid"].as_str().unwrap_or("").to_string(),
                        ),
                    );
                }
                if let Some(fingerprint) = after["chair_key"].as_str() {
                    chair = Some(fingerprint.to_string());
                }
            }
            "anonymise" => {
                for (reference, hash) in after["dossiers"].as_object().into_iter().flatten() {
                    anonymised.insert(reference.clone(), hash.as_str().unwrap_or("").to_string());
                }
            }
            "member.add" => {
                let role = after["role"]
                    .as_str()
                    .map(str::to_string)
                    .or_else(|| e.after.clone())
                    .unwrap_or_else(|| "member".into());
                roles.insert(e.target.clone(), role);
            }
            "score" | "packet.score" => {
                let (reference, criterion) = split(&e.target);
                scores.insert(
                    (reference, e.actor.clone(), criterion),
                    (
                        after["value"].as_f64(),
                        after["comment"].as_str().unwrap_or("").to_string(),
                    ),
                );
            }
            "conflict" => set_conflict(&mut conflicts, &e.target, &after),
            // A proposal replaces the timetable; the other changes carry the
            // slots they changed, whole.
            "schedule.propose" | "schedule.move" | "schedule.swap" | "schedule.fix"
            | "schedule.unfix" => {
                if e.action == "schedule.propose" {
                    slots.clear();
                }
                for s in after["slots"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(crate::schedule::from_json)
                {
                    slots.insert(s.reference.clone(), s);
                }
            }
            "schedule.unavailable" => {
                if let Some((id, u)) = unavailable_from_json(&after) {
                    unavailability.insert(id, (u, e.actor.clone()));
                }
            }
            "assign.add" => {
                if let Some(m) = after["member"].as_str() {
                    assignments.insert((e.target.clone(), m.to_string()), e.actor.clone());
                }
            }
            "assign.remove" => {
                if let Some(m) = json(&e.before)["member"].as_str() {
                    assignments.remove(&(e.target.clone(), m.to_string()));
                }
            }
            // A member's bundle installed: their dossiers as the chair signed them.
            "assign.bundle" => {
                if let Some(m) = after["member"].as_str() {
                    for r in after["added"].as_array().into_iter().flatten() {
                        if let Some(r) = r.as_str() {
                            assignments.insert((r.to_string(), m.to_string()), e.actor.clone());
                        }
                    }
                    for r in after["removed"].as_array().into_iter().flatten() {
                        if let Some(r) = r.as_str() {
                            assignments.remove(&(r.to_string(), m.to_string()));
                        }
                    }
                }
            }
            // A proposal applied at once: every pair it added, one event.
            "assign.propose" => {
                for pair in after["added"].as_array().into_iter().flatten() {
                    if let (Some(r), Some(m)) = (pair[0].as_str(), pair[1].as_str()) {
                        assignments.insert((r.to_string(), m.to_string()), e.actor.clone());
                    }
                }
            }
            // The chair settled a disagreement between packets: the value kept
            // or taken is the member's score now, comment unchanged.
            "packet.resolve" => {
                let (reference, criterion) = split(&e.target);
                if let Some(member) = after["member"].as_str()
                    && let Some(row) = scores.get_mut(&(reference, member.to_string(), criterion))
                {
                    row.0 = after["value"].as_f64();
                }
            }
            "override" => {
                if after.is_null() {
                    overrides.remove(&e.target);
                } else {
                    overrides.insert(
                        e.target.clone(),
                        (
                            after["eligible"].as_bool().unwrap_or(false),
                            after["justification"].as_str().unwrap_or("").to_string(),
                        ),
                    );
                }
            }
            "consensus" => {
                let key = split(&e.target);
                match after["value"].as_f64() {
                    Some(v) => consensus_grid.insert(key, v),
                    None => consensus_grid.remove(&key),
                };
            }
            "session.open" => {
                if let Some(id) = session_id(&e.target) {
                    sessions.insert(
                        id,
                        Session {
                            stage: after["stage"]
                                .as_str()
                                .unwrap_or(crate::stage::Stage::Dossier.id())
                                .to_string(),
                            lot: after["lot"].as_str().map(str::to_string),
                            date: after["date"].as_str().unwrap_or("").to_string(),
                            opened_by: e.actor.clone(),
                            present: after["present"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .filter_map(|p| p.as_str().map(str::to_string))
                                .collect(),
                            closed: None,
                        },
                    );
                }
            }
            "session.validation" => {
                if let Some(id) = session_id(&e.target) {
                    validations.push((id, after));
                }
            }
            "shortlist.bundle" => {
                shortlist = after["dossiers"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r.as_str().map(str::to_string))
                    .collect();
            }
            "audition.absence" => {
                if after["absent"].as_bool() == Some(true) {
                    absences.insert(e.target.clone(), e.actor.clone());
                } else {
                    absences.remove(&e.target);
                }
            }
            "decision.withdrawal" => {
                withdrawals.insert(
                    e.target.clone(),
                    Withdrawn {
                        session: after["session_id"].as_i64().unwrap_or(0),
                        received_on: after["received_on"].as_str().unwrap_or("").to_string(),
                        channel: after["channel"].as_str().unwrap_or("").to_string(),
                        by: e.actor.clone(),
                        promoted: None,
                    },
                );
            }
            "decision.promotion" => {
                if let (Some(w), Some(p), Some(sid)) = (
                    withdrawals.get_mut(&e.target),
                    after["promoted"].as_str(),
                    after["session_id"].as_i64(),
                ) {
                    w.promoted = Some((p.to_string(), sid));
                }
            }
            "session.close" => {
                if let Some(s) = session_id(&e.target).and_then(|id| sessions.get_mut(&id)) {
                    s.closed = Some((e.actor.clone(), e.at.chars().take(10).collect()));
                }
                let raw = e
                    .after
                    .as_deref()
                    .and_then(|t| serde_json::from_str::<Frozen>(t).ok().map(|f| f.snapshots));
                for snap in raw.into_iter().flatten() {
                    if let Ok(SnapshotKey {
                        session_id,
                        reference,
                    }) = serde_json::from_str(snap.get())
                    {
                        let basis = frozen(session_id, &reference, &canonical(snap.get()));
                        snapshots.insert((session_id, reference), basis);
                    }
                }
            }
            "decision" | "decision.change" => {
                if let Some(sid) = after["session_id"].as_i64() {
                    decisions.insert(
                        (sid, e.target.clone()),
                        Decision {
                            value: after,
                            by: e.actor.clone(),
                        },
                    );
                }
            }
            "outcome" => {
                if let Some(id) = session_id(&e.target) {
                    outcomes.entry(id).or_default().push((
                        after["unsuccessful"].as_bool().unwrap_or(false),
                        after["motivation"].as_str().unwrap_or("").to_string(),
                        e.actor.clone(),
                    ));
                }
            }
            "letter" => {
                if let Some(id) = after["decision_id"].as_i64() {
                    let l = letters.entry((e.target.clone(), id)).or_default();
                    l.pdf = after["pdf"].as_str().unwrap_or("").to_string();
                    l.hash = after["hash"].as_str().unwrap_or("").to_string();
                    l.signed_on = after["signed_on"].as_str().map(str::to_string);
                }
            }
            "convocation.produce" => {
                if let Some(n) = after["n"].as_i64() {
                    let text = |k: &str| after[k].as_str().unwrap_or("").to_string();
                    convocations.insert(
                        (e.target.clone(), n),
                        crate::convocation::ConvocationRow {
                            reference: e.target.clone(),
                            n,
                            day: text("day"),
                            start: text("start"),
                            end: text("end"),
                            panel: after["panel"]
                                .as_array()
                                .map(|a| {
                                    a.iter()
                                        .filter_map(|m| m.as_str().map(str::to_string))
                                        .collect()
                                })
                                .unwrap_or_default(),
                            pdf: text("pdf"),
                            odt: String::new(),
                            eml: String::new(),
                            ics: String::new(),
                            hash: text("hash"),
                            signed_on: text("signed_on"),
                            generated_at: String::new(),
                        },
                    );
                }
            }
            "letter.sent" => {
                if let Some(l) = after["decision_id"]
                    .as_i64()
                    .and_then(|id| letters.get_mut(&(e.target.clone(), id)))
                {
                    l.sent = Some((
                        after["date"].as_str().unwrap_or("").to_string(),
                        after["channel"].as_str().unwrap_or("").to_string(),
                    ));
                }
            }
            "letter.acknowledged" => {
                if let Some(l) = after["decision_id"]
                    .as_i64()
                    .and_then(|id| letters.get_mut(&(e.target.clone(), id)))
                {
                    l.acknowledged = Some(after["date"].as_str().unwrap_or("").to_string());
                }
            }
            "undo" => {
                let Some(undone) = after["undo_of"].as_i64().and_then(|id| by_id.get(&id)) else {
                    continue;
                };
                let restored = &after["restored"];
                match undone.action.as_str() {
                    "score" => {
                        let (reference, criterion) = split(&e.target);
                        let key = (reference, e.actor.clone(), criterion);
                        if restored.is_null() {
                            scores.remove(&key);
                        } else {
                            scores.insert(
                                key,
                                (
                                    restored["value"].as_f64(),
                                    restored["comment"].as_str().unwrap_or("").to_string(),
                                ),
                            );
                        }
                    }
                    "conflict" => set_conflict(&mut conflicts, &e.target, &json(&undone.before)),
                    "override" => {
                        if restored.is_null() {
                            overrides.remove(&e.target);
                        } else {
                            overrides.insert(
                                e.target.clone(),
                                (
                                    restored["eligible"].as_bool().unwrap_or(false),
                                    restored["justification"].as_str().unwrap_or("").to_string(),
                                ),
                            );
                        }
                    }
                    "consensus" => {
                        let key = split(&e.target);
                        match restored["value"].as_f64() {
                            Some(v) => consensus_grid.insert(key, v),
                            None => consensus_grid.remove(&key),
                        };
                    }
                    "decision" | "decision.change" => {
                        if let Some(sid) = json(&undone.after)["session_id"].as_i64() {
                            decisions.remove(&(sid, e.target.clone()));
                            if restored["session_id"].as_i64() == Some(sid) {
                                decisions.insert(
                                    (sid, e.target.clone()),
                                    Decision {
                                        value: restored.clone(),
                                        by: e.actor.clone(),
                                    },
                                );
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let mut p = Projection::new();
    let mut put = |(k, v): (String, String)| {
        p.insert(k, v);
    };
    for (name, role) in &roles {
        put(member(name, role));
    }
    for ((reference, m, criterion), (value, comment)) in &scores {
        put(score(reference, m, criterion, *value, comment));
    }
    for ((reference, m), (declared, reason)) in &conflicts {
        put(conflict(reference, m, *declared, reason));
    }
    for ((reference, m), by) in &assignments {
        put(assignment(reference, m, by));
    }
    for (reference, (eligible, justification)) in &overrides {
        put(override_row(reference, *eligible, justification));
    }
    for ((reference, criterion), v) in &consensus_grid {
        put(consensus(reference, criterion, *v));
    }
    for (id, s) in &sessions {
        put(session(&SessionRow {
            id: *id,
            stage: &s.stage,
            lot: s.lot.as_deref(),
            date: &s.date,
            opened_by: &s.opened_by,
            present: &s.present,
            closed: s.closed.as_ref().map(|(b, d)| (b.as_str(), d.as_str())),
        }));
    }
    for ((sid, reference), d) in &decisions {
        let v = &d.value;
        put(decision(&DecisionRow {
            session: *sid,
            reference,
            kind: v["kind"].as_str().unwrap_or(""),
            motivation: v["motivation"].as_str().unwrap_or(""),
            condition: v["condition"].as_str().unwrap_or(""),
            waitlist_rank: v["waitlist_rank"].as_i64(),
            documents: v["documents"].as_str().unwrap_or(""),
            without_quorum: v["without_quorum"].as_bool().unwrap_or(false),
            guarded: v["guarded"].as_bool().unwrap_or(false),
            amount: v["amount"].as_f64(),
            budget_override: v["budget_override"].as_str().unwrap_or(""),
            by: &d.by,
        }));
    }
    for (reference, by) in &absences {
        put(absence(reference, by));
    }
    for (reference, w) in &withdrawals {
        put(withdrawal(
            reference,
            w.session,
            &w.received_on,
            &w.channel,
            &w.by,
            w.promoted.as_ref().map(|(p, s)| (p.as_str(), *s)),
        ));
    }
    for reference in &shortlist {
        put(issued(reference));
    }
    for (n, (session, v)) in validations.iter().enumerate() {
        put(validation(
            n + 1,
            *session,
            v["institution"].as_str().unwrap_or(""),
            v["validated"].as_bool().unwrap_or(false),
            v["by"].as_str().unwrap_or(""),
            v["on"].as_str().unwrap_or(""),
            v["reasons"].as_str().unwrap_or(""),
        ));
    }
    for (sid, list) in &outcomes {
        for (i, (unsuccessful, motivation, by)) in list.iter().enumerate() {
            put(outcome(*sid, i + 1, *unsuccessful, motivation, by));
        }
    }
    for ((reference, id), l) in &letters {
        put(letter(&LetterRow {
            reference,
            decision_id: *id,
            pdf: &l.pdf,
            hash: &l.hash,
            signed_on: l.signed_on.as_deref(),
            sent: l.sent.as_ref().map(|(d, c)| (d.as_str(), c.as_str())),
            acknowledged: l.acknowledged.as_deref(),
        }));
    }
    for c in convocations.values() {
        put(convocation(c));
    }
    if let Some(h) = &call {
        put(text(CALL, h));
    }
    if let Some(h) = &templates {
        put(text(TEMPLATES, h));
    }
    for basis in snapshots.into_values() {
        put(basis);
    }
    for (reference, hash) in &dossiers {
        let rewritten = anonymised.get(reference).filter(|h| *h != hash);
        put(dossier(reference, hash, rewritten.map(String::as_str)));
    }
    for ((reference, n), hash) in &versions {
        put(version(reference, *n, hash));
    }
    for (id, (reference, due, date, v)) in &requests {
        put(request(*id, reference, due, date, *v));
    }
    for ((m, key_id), (issued_at, grid)) in &member_keys {
        put(member_key(m, key_id, issued_at, grid, None));
    }
    if let Some(fingerprint) = &chair {
        put(chair_key(fingerprint));
    }
    for s in slots.values() {
        put((
            slot_label(&s.reference),
            slot_text(
                &s.day.to_string(),
                &hm(s.span.from),
                &hm(s.span.to),
                &s.panel,
                s.fixed,
            ),
        ));
    }
    for (id, (u, by)) in &unavailability {
        let span = u.span.map(|s| (hm(s.from), hm(s.to)));
        put(unavailable_text(
            *id,
            &u.who,
            &u.day.to_string(),
            span.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
            by,
        ));
    }
    p
}

/// Every row where the tables and the log disagree, as a French sentence.
pub fn differences(tables: &Projection, log: &Projection) -> Vec<String> {
    let labels: BTreeSet<&String> = tables.keys().chain(log.keys()).collect();
    labels
        .into_iter()
        .filter_map(|label| match (tables.get(label), log.get(label)) {
            (Some(a), Some(b)) if a == b => None,
            (Some(a), Some(b)) => Some(format!("{label} : {a} dans la base, {b} selon le journal")),
            (Some(a), None) => Some(format!("{label} : {a} dans la base, absent du journal")),
            (None, Some(b)) => Some(format!("{label} : absent de la base, {b} selon le journal")),
            (None, None) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: i64, actor: &str, action: &str, target: &str, after: &str) -> Event {
        Event {
            id,
            at: String::new(),
            actor: actor.into(),
            action: action.into(),
            target: target.into(),
            before: None,
            after: Some(after.into()),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    #[test]
    fn a_score_edited_in_the_table_is_named_with_both_values() {
        let log = replay(
            &[event(
                1,
                "Julien Ferrand",
                "score",
                "PDNP06-2025-004/experience",
                r#"{"value":3.0,"comment":""}"#,
            )],
            &[],
        );
        let mut tables = log.clone();
        let (k, _) = score(
            "PDNP06-2025-004",
            "Julien Ferrand",
            "experience",
            Some(5.0),
            "",
        );
        tables.insert(k, "5".into());
        assert_eq!(
            differences(&tables, &log),
            [
                "note de Julien Ferrand sur PDNP06-2025-004, critère experience : 5 dans la base, 3 selon le journal"
            ]
        );
    }

    #[test]
    fn a_close_freezes_each_snapshot_as_its_canonical_text() {
        // Spaces, a nested object and a malformed snapshot (no reference):
        // each snapshot reads as the stored table's canonical text does.
        let payload = r#"{ "snapshots": [
            {"session_id": 2, "reference": "A", "grid": {"basis": "mean", "scale_max": 5.0}, "total": 3.25},
            {"session_id": 2, "total": 1.0},
            {"session_id": 2, "reference": "B", "scores": [], "rank": null}
        ] }"#;
        let p = replay(&[event(1, "S", "session.close", "séance/2", payload)], &[]);
        let frozen: Vec<(&str, &str)> = p
            .iter()
            .filter(|(k, _)| k.starts_with("base figée"))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        // Compared by the fingerprint of that canonical text.
        let print = |text: &str| format!("empreinte {}", crate::sha256_hex(text.as_bytes()));
        let (a, b) = (
            print(
                r#"{"session_id":2,"reference":"A","grid":{"basis":"mean","scale_max":5.0},"total":3.25}"#,
            ),
            print(r#"{"session_id":2,"reference":"B","scores":[],"rank":null}"#),
        );
        assert_eq!(
            frozen,
            [
                ("base figée de A à la clôture de la séance n° 2", a.as_str()),
                ("base figée de B à la clôture de la séance n° 2", b.as_str()),
            ]
        );
        // A payload that does not read freezes nothing.
        let p = replay(&[event(1, "S", "session.close", "séance/2", "{")], &[]);
        assert!(!p.keys().any(|k| k.starts_with("base figée")));
    }

    #[test]
    fn an_undone_score_is_gone_and_a_replaced_decision_is_the_last() {
        let events = [
            event(1, "J", "score", "A/x", r#"{"value":4.0,"comment":""}"#),
            event(2, "J", "undo", "A/x", r#"{"undo_of":1,"restored":null}"#),
            event(
                3,
                "S",
                "decision",
                "A",
                r#"{"session_id":1,"kind":"retenu","motivation":"","condition":"","waitlist_rank":null,"documents":"","without_quorum":false}"#,
            ),
            event(
                4,
                "S",
                "decision",
                "A",
                r#"{"session_id":1,"kind":"non_retenu","motivation":"Trop loin","condition":"","waitlist_rank":null,"documents":"","without_quorum":false}"#,
            ),
        ];
        let p = replay(&events, &[("S".into(), "chair".into())]);
        assert!(!p.keys().any(|k| k.starts_with("note de J")));
        assert_eq!(
            p.get("décision de la séance n° 1 sur A")
                .map(String::as_str),
            Some("non_retenu, motivation « Trop loin », par S")
        );
        assert_eq!(p.get("membre « S »").map(String::as_str), Some("chair"));
    }

    #[test]
    fn assignments_are_added_proposed_and_removed_by_their_events() {
        let mut removed = event(3, "S", "assign.remove", "A", "null");
        removed.before = Some(r#"{"member":"J"}"#.into());
        let events = [
            event(1, "S", "assign.add", "A", r#"{"member":"J"}"#),
            event(
                2,
                "S",
                "assign.propose",
                "attribution",
                r#"{"added":[["A","K"],["B","J"]],"per_dossier":1,"cap":null}"#,
            ),
            removed,
        ];
        let p = replay(&events, &[]);
        let shown: Vec<(&str, &str)> = p
            .iter()
            .filter(|(k, _)| k.starts_with("rapporteur"))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                ("rapporteur·e « J » sur B", "désigné·e par S"),
                ("rapporteur·e « K » sur A", "désigné·e par S"),
            ]
        );
    }
}
