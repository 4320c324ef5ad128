//! What a decision letter and a session's minutes say: pure composition of
//! a `Document` from the call, the dossier, the decision and the scores.
//! Layout and file formats are `letters`' business.

use crate::aggregate::{Basis, DossierAggregate};
use crate::call::{Call, Role};
use crate::document::{Block, Document};
use crate::dossier::{Card, Dossier};
use crate::fr::Lang;
use crate::json::Diag;
use crate::records::{DecisionRow, Session};
use crate::templates::{self, Part, Values};
use crate::typography;
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// The appeal routes when the call does not set its own.
pub const DEFAULT_APPEAL_ROUTES: &str = "Voies et délais de recours : la présente décision peut faire l'objet d'un recours gracieux adressé au signataire dans un délai de deux mois à compter de sa notification. Elle peut également être contestée devant le tribunal administratif territorialement compétent dans le même délai de deux mois ; le recours gracieux prolonge ce délai.";

const FR: Lang = Lang::Fr;

fn text(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string()
}

/// The issuer's letterhead lines, from `appel.json`.
pub fn letterhead(call: &Call) -> Vec<String> {
    let raw = &call.raw;
    let mut lines = vec![call.issuer.name.clone()];
    let street = text(raw, "/issuer/address/street");
    if !street.is_empty() {
        lines.push(street);
    }
    let city = format!(
        "{} {}",
        text(raw, "/issuer/address/postcode"),
        text(raw, "/issuer/address/city")
    );
    if !city.trim().is_empty() {
        lines.push(city.trim().to_string());
    }
    if let Some(mail) = &call.issuer.contact_email {
        lines.push(mail.clone());
    }
    lines
}

/// Where letters are signed: the call's `place`, else the issuer's town.
pub fn place(call: &Call) -> String {
    let p = text(&call.raw, "/place");
    if p.is_empty() {
        text(&call.raw, "/issuer/address/city")
    } else {
        p
    }
}

pub fn signatory(call: &Call) -> Vec<String> {
    let name = text(&call.raw, "/issuer/signatory/name");
    let title = text(&call.raw, "/issuer/signatory/title");
    let mut out = Vec::new();
    if !title.is_empty() {
        out.push(format!("{title},"));
    }
    if !name.is_empty() {
        out.push(name);
    }
    out
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

pub struct LetterInput<'a> {
    pub call: &'a Call,
    pub dossier: &'a Dossier,
    pub decision: &'a DecisionRow,
    /// The date of the session that decided.
    pub session_date: NaiveDate,
    /// The date printed on the letter: the signature date chosen when it
    /// was produced.
    pub letter_date: NaiveDate,
    pub aggregate: Option<&'a DossierAggregate>,
    pub basis: Basis,
    pub rank: Option<usize>,
    /// The call's own templates (`lettres/*.txt`), by decision id.
    pub templates: &'a BTreeMap<String, String>,
    /// In a call with lots, the label of the lot the decision is about.
    pub lot: Option<&'a str>,
    /// The session declared the call (or the lot) unsuccessful, for these
    /// reasons: the letter says so.
    pub unsuccessful: Option<&'a str>,
}

/// The dates a decision letter prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LetterDates {
    /// The day the committee met.
    pub session: NaiveDate,
    /// The letter's own date: the signature date the secretary chose when
    /// producing it, never the day the tool closed the session.
    pub letter: NaiveDate,
}

/// A session whose date, or closing time, does not read: no document can
/// be dated from it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct SessionDateError {
    pub session: i64,
    pub date: String,
}

impl SessionDateError {
    pub fn message(&self, lang: Lang) -> String {
        let (session, date) = (self.session, &self.date);
        match lang {
            Lang::Fr => format!(
                "séance {session} : date « {date} » illisible ; aucun document ne peut être daté d'après elle"
            ),
            Lang::En => format!(
                "session {session}: unreadable date “{date}”; no document can be dated from it"
            ),
        }
    }
}

crate::french_display!(SessionDateError);

/// The day the committee met; a date that does not read is an error naming
/// the session, never a made-up day.
pub fn session_day(session: &Session) -> Result<NaiveDate, SessionDateError> {
    NaiveDate::parse_from_str(&session.date, "%Y-%m-%d").map_err(|_| SessionDateError {
        session: session.id,
        date: session.date.clone(),
    })
}

/// The day (Paris time) the session was closed in the tool, if it was:
/// when its record was sealed, not when the committee met.
pub fn closing_day(session: &Session) -> Result<Option<NaiveDate>, SessionDateError> {
    session
        .closed_at
        .as_deref()
        .map(|at| {
            chrono::DateTime::parse_from_rfc3339(at)
                .map(|t| crate::eligibility::local_date(&t))
                .map_err(|_| SessionDateError {
                    session: session.id,
                    date: at.to_string(),
                })
        })
        .transpose()
}

/// The dates a letter deciding in `session` prints, signed on `signed_on`.
pub fn letter_dates(
    session: &Session,
    signed_on: NaiveDate,
) -> Result<LetterDates, SessionDateError> {
    Ok(LetterDates {
        session: session_day(session)?,
        letter: signed_on,
    })
}

/// Why a decision's letter cannot be composed.
#[derive(Clone, Debug, PartialEq)]
pub enum LetterError {
    SessionDate(SessionDateError),
    /// Dated before the meeting that decided.
    SignedBeforeMeeting(crate::dates::SignedBeforeMeeting),
    /// The template does not compose for this dossier.
    Template(Vec<Diag>),
}

/// One decision's letter from the committee's picture: what `jury letters`
/// writes and what the letters view shows, composed by this one function.
/// `i` is the dossier's index in the batch the committee was built from;
/// `signed_on` is the date the letter carries.
#[allow(clippy::too_many_arguments)]
pub fn decision_letter(
    call: &Call,
    committee: &crate::committee::Committee,
    i: usize,
    dossier: &Dossier,
    decision: &DecisionRow,
    session: &Session,
    signed_on: NaiveDate,
    templates: &BTreeMap<String, String>,
) -> Result<(Document, LetterDates), LetterError> {
    let dates = letter_dates(session, signed_on).map_err(LetterError::SessionDate)?;
    crate::dates::check_signed(dates.letter, dates.session)
        .map_err(LetterError::SignedBeforeMeeting)?;
    // A closed session's letter reads what the session froze, not the live
    // scores: the same letter however the scores move afterwards.
    let frozen = (!session.is_open())
        .then(|| committee.snapshot(session.id, &decision.reference))
        .flatten();
    let frozen_aggregate = frozen.map(crate::snapshot::Snapshot::aggregate);
    let (aggregate, basis, rank) = match (frozen, &frozen_aggregate) {
        (Some(s), Some(a)) => (Some(a), s.basis(), s.rank),
        _ => (
            committee.aggregates.get(i),
            committee.basis,
            committee.rank_of(&decision.reference).and_then(|r| r.rank),
        ),
    };
    let input = LetterInput {
        call,
        dossier,
        decision,
        session_date: dates.session,
        letter_date: dates.letter,
        aggregate,
        basis,
        rank,
        templates,
        lot: session
            .lot
            .as_deref()
            .and_then(|id| call.lot(id))
            .map(|l| l.label.as_str()),
        unsuccessful: committee
            .data
            .outcomes
            .iter()
            .rev()
            .find(|o| o.session_id == session.id)
            .filter(|o| o.unsuccessful)
            .map(|o| o.motivation.as_str()),
    };
    letter(&input)
        .map(|doc| (doc, dates))
        .map_err(LetterError::Template)
}

/// The reasons for a letter: one reason as a sentence; several as bullets
/// under the template's « Motifs de la décision : » (one per line, each a
/// sentence). The template renderer splits the lines.
pub fn motivation_text(motivation: &str) -> String {
    let reasons = crate::decision::reasons(motivation);
    match reasons.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        many => many.iter().map(|r| format!("\n- {r}")).collect(),
    }
}

/// The call's and the dossier's placeholders (`appel.*`, `dossier.*`), which
/// decision letters and convocations share.
pub fn dossier_values(call: &Call, d: &Dossier) -> Values {
    let raw = &d.raw;
    let mut f: BTreeMap<String, String> = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        f.insert(k.to_string(), v);
    };
    put("appel.titre", call.title.clone());
    put("appel.organisme", call.issuer.name.clone());
    put(
        "appel.contact",
        call.issuer.contact_email.clone().unwrap_or_default(),
    );
    put("appel.date_limite", FR.date(call.deadline));
    put(
        "appel.date_notification",
        call.notify_by.map(|x| FR.date(x)).unwrap_or_default(),
    );
    put(
        "appel.signataire",
        text(&call.raw, "/issuer/signatory/name"),
    );
    put(
        "appel.signataire_fonction",
        text(&call.raw, "/issuer/signatory/title"),
    );
    put("dossier.reference", d.reference.clone());
    put("dossier.structure", d.structure.clone());
    put("dossier.representant", d.representative.clone());
    put(
        "dossier.representant_fonction",
        text(raw, "/structure/representative/title"),
    );
    put("dossier.adresse", text(raw, "/structure/address/street"));
    put("dossier.code_postal", d.postcode.clone());
    put("dossier.commune", d.city.clone());
    put("dossier.courriel", d.email.clone());
    put("dossier.professionnel", d.professional.clone());
    put(
        "dossier.date_reception",
        FR.date(crate::eligibility::local_date(&d.received_at)),
    );
    Values {
        fields: f,
        dossier: raw.clone(),
        reference: d.reference.clone(),
    }
}

/// The placeholders' values for one letter.
pub fn values(input: &LetterInput) -> Values {
    let (call, dec) = (input.call, input.decision);
    let mut v = dossier_values(call, input.dossier);
    let mut put = |k: &str, x: String| {
        v.fields.insert(k.to_string(), x);
    };
    let label = crate::decision::kind(call, &dec.kind, FR)
        .map(|k| k.label)
        .unwrap_or_else(|| dec.kind.clone());
    put("decision.libelle", label);
    put("decision.date", FR.date(input.session_date));
    put("decision.motivation", motivation_text(&dec.motivation));
    put("decision.reserve", dec.condition.clone());
    put(
        "decision.rang",
        dec.waitlist_rank.map(|r| r.to_string()).unwrap_or_default(),
    );
    put("decision.pieces", dec.documents.clone());
    put(
        "decision.montant",
        dec.amount.map(|a| FR.money(a)).unwrap_or_default(),
    );
    put("decision.lot", input.lot.unwrap_or_default().to_string());
    let total = input.aggregate.and_then(|a| a.official(input.basis));
    put(
        "notes.total",
        total
            .map(|t| format!("{} / {}", FR.num(t, 2), FR.score(call.scale.max)))
            .unwrap_or_else(|| "non noté".into()),
    );
    put(
        "notes.total_100",
        total
            .map(|t| format!("{} / 100", FR.num(DossierAggregate::on_100(call, t), 1)))
            .unwrap_or_else(|| "non noté".into()),
    );
    put(
        "notes.rang",
        input
            .rank
            .map(|r| r.to_string())
            .unwrap_or_else(|| "non classé".into()),
    );
    v
}

/// The grid: each criterion, its weight's share, the official score; the total.
pub fn grid_table(call: &Call, agg: Option<&DossierAggregate>, basis: Basis) -> Block {
    let total_weight = call.total_weight();
    let max = FR.score(call.scale.max);
    let mut rows: Vec<Vec<String>> = call
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let share = if total_weight > 0.0 {
                c.weight / total_weight * 100.0
            } else {
                0.0
            };
            let score = agg
                .and_then(|a| a.criterion_official(i, basis))
                .map(|s| format!("{} / {max}", FR.num(s, 1)))
                .unwrap_or_else(|| "—".into());
            vec![c.label.clone(), format!("{} %", FR.num(share, 0)), score]
        })
        .collect();
    let total = agg.and_then(|a| a.official(basis));
    rows.push(vec![
        "Note totale pondérée".into(),
        "100 %".into(),
        total
            .map(|t| {
                format!(
                    "{} / {max} ({} / 100)",
                    FR.num(t, 2),
                    FR.num(DossierAggregate::on_100(call, t), 1)
                )
            })
            .unwrap_or_else(|| "—".into()),
    ]);
    Block::Table {
        header: vec![
            "Critère".into(),
            "Pondération".into(),
            "Note du comité".into(),
        ],
        rows,
    }
}

/// The fields the address block and the e-mail of a letter need.
const ADDRESSEE: &[&str] = &[
    "/structure/name",
    "/structure/address/street",
    "/structure/address/postcode",
    "/structure/address/city",
    "/structure/representative/name",
    "/structure/email",
];

pub fn addressee(d: &Dossier) -> Vec<String> {
    let raw = &d.raw;
    let title = text(raw, "/structure/representative/title");
    let mut lines = vec![d.structure.clone()];
    lines.push(if title.is_empty() {
        format!("À l'attention de {}", d.representative)
    } else {
        format!(
            "À l'attention de {}, {}",
            d.representative,
            lowercase_first(&title)
        )
    });
    lines.push(text(raw, "/structure/address/street"));
    lines.push(format!("{} {}", d.postcode, d.city));
    lines
}

/// A decision letter, or the template errors that prevent it.
pub fn letter(input: &LetterInput) -> Result<Document, Vec<Diag>> {
    let call = input.call;
    let template =
        templates::for_decision(&input.decision.kind, input.templates).ok_or_else(|| {
            vec![Diag {
                path: format!("lettres/{}.txt", input.decision.kind),
                line: 1,
                column: 1,
                severity: crate::json::Severity::Error,
                message: format!(
                    "aucun modèle de courrier pour la décision « {} »",
                    input.decision.kind
                ),
            }]
        })??;
    // A letter is an administrative act: it is not sent to an address the
    // dossier does not have yet.
    let lacking: Vec<String> = ADDRESSEE
        .iter()
        .filter(|p| input.dossier.missing.contains(p))
        .map(|p| p.to_string())
        .collect();
    if !lacking.is_empty() {
        return Err(vec![Diag {
            path: input.dossier.reference.clone(),
            line: 1,
            column: 1,
            severity: crate::json::Severity::Error,
            message: format!(
                "dossier à compléter avant la lettre : {}",
                crate::completion::titles(&lacking, FR)
            ),
        }]);
    }
    let rendered = templates::render(&template, &values(input))?;
    let appeal = call
        .appeal_routes
        .clone()
        .unwrap_or_else(|| DEFAULT_APPEAL_ROUTES.to_string());
    let mut blocks = Vec::new();
    // A call or lot declared unsuccessful says so to every candidate, with
    // the committee's reasons, before the grid or the routes of appeal.
    let mut unsuccessful = input.unsuccessful.map(|why| {
        let what = match input.lot {
            Some(lot) => format!("le lot « {lot} »"),
            None => "l'appel à candidature".to_string(),
        };
        let why = why.trim().trim_end_matches('.');
        Block::Paragraph(if why.is_empty() {
            format!("Le comité de sélection a déclaré {what} infructueux.")
        } else {
            format!("Le comité de sélection a déclaré {what} infructueux : {why}.")
        })
    });
    for part in rendered.blocks {
        if matches!(part, Part::Grid | Part::Appeal)
            && let Some(p) = unsuccessful.take()
        {
            blocks.push(p);
        }
        match part {
            Part::Paragraph(p) => blocks.push(Block::Paragraph(p)),
            Part::Heading(h) => blocks.push(Block::Heading(h)),
            Part::Bullets(b) => blocks.push(Block::Bullets(b)),
            Part::Grid => blocks.push(grid_table(call, input.aggregate, input.basis)),
            Part::Appeal => blocks.push(Block::Paragraph(appeal.clone())),
        }
    }
    blocks.extend(unsuccessful);
    let place = place(call);
    Ok(Document {
        letterhead: letterhead(call),
        addressee: addressee(input.dossier),
        place_date: Some(if place.is_empty() {
            format!("Le {}", FR.date(input.letter_date))
        } else {
            format!("{place}, le {}", FR.date(input.letter_date))
        }),
        date: Some(input.letter_date),
        reference: Some(format!("Réf. : {}", input.dossier.reference)),
        title: None,
        // A candidate to two lots gets two letters: each says which lot.
        subject: rendered.subject.map(|s| match input.lot {
            Some(lot) if !s.contains(lot) => format!("Objet : {s} — {lot}"),
            _ => format!("Objet : {s}"),
        }),
        blocks,
        signatures: vec![signatory(call)],
        footer: Some(format!("{} — {}", call.issuer.name, call.title)),
    })
}

/// The e-mail that carries a letter: subject and a short body, in French
/// typography (no-break spaces inside « » and before `:`) like the letter.
/// The structure is named as the templates name it, « au nom de la
/// structure « … » », so the sentence reads right whatever the name is.
pub fn mail_text(call: &Call, d: &Dossier, subject: Option<&str>) -> (String, String) {
    let subject = subject
        .map(|s| {
            s.trim_start_matches("Objet")
                .trim_start()
                .trim_start_matches(':')
                .trim()
                .to_string()
        })
        .unwrap_or_else(|| format!("Votre candidature à l'appel « {} »", call.title));
    let body = format!(
        "Madame, Monsieur,\r\n\r\nVous trouverez ci-joint le courrier notifiant la décision du comité de sélection sur la candidature {} (référence {}) à l'appel « {} ».\r\n\r\n{}Cordialement,\r\n{}\r\n",
        crate::request::on_behalf_of(d),
        d.reference,
        call.title.trim(),
        contact_line(call),
        call.issuer.name
    );
    (typography::french(&subject), typography::french(&body))
}

/// « Pour toute question : <address>. » and a blank line, or nothing when
/// the call gives no contact address (never « Pour toute question : . »).
pub fn contact_line(call: &Call) -> String {
    call.issuer
        .contact_email
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| format!("Pour toute question : {m}.\r\n\r\n"))
        .unwrap_or_default()
}

pub struct MinutesInput<'a> {
    pub call: &'a Call,
    pub session: &'a Session,
    pub committee: &'a crate::committee::Committee,
    pub dossiers: &'a [&'a Card],
    /// Eligibility after overrides, aligned with `dossiers`.
    pub verdicts: &'a [crate::eligibility::Verdict],
    /// The audit trail's fingerprint: when the minutes were produced while
    /// the session is open, at its `session.close` event once closed.
    pub audit_head: Option<AuditHead>,
    /// Requests for missing pieces, oldest first.
    pub requests: &'a [crate::request::PieceRequest],
}

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Chair => "présidence",
        Role::Secretary => "secrétariat",
        Role::Rapporteur => "rapporteur",
        Role::Member => "membre",
    }
}

fn session_date(s: &Session) -> String {
    NaiveDate::parse_from_str(&s.date, "%Y-%m-%d")
        .map(|d| FR.date(d))
        .unwrap_or_else(|_| s.date.clone())
}

/// « Désistements et promotions »: each withdrawal whose replacement this
/// session decided, who withdrew, when and how, and who was promoted.
fn withdrawals_and_promotions(input: &MinutesInput, blocks: &mut Vec<Block>) {
    let (session, c) = (input.session, input.committee);
    let structure = |reference: &str| {
        input
            .dossiers
            .iter()
            .find(|d| d.reference == reference)
            .map(|d| format!("{reference} — {}", d.structure))
            .unwrap_or_else(|| reference.to_string())
    };
    let day = |iso: &str| {
        NaiveDate::parse_from_str(iso, "%Y-%m-%d")
            .map(|d| FR.date(d))
            .unwrap_or_else(|_| iso.to_string())
    };
    let lines: Vec<String> = c
        .data
        .withdrawals
        .iter()
        .filter_map(|w| {
            let (promoted, _) = w.promoted.as_ref().filter(|(_, sid)| *sid == session.id)?;
            let decided = c
                .data
                .sessions
                .iter()
                .find(|x| x.id == w.session_id)
                .map(|x| format!(" lors de la séance du {}", session_date(x)))
                .unwrap_or_default();
            Some(format!(
                "{}, retenu·e{decided}, s'est désisté·e (désistement reçu le {} par {}). {} est promu·e de la liste complémentaire à sa place ; les candidats classés après lui ou elle sur la liste remontent d'un rang.",
                structure(&w.reference),
                day(&w.received_on),
                crate::withdrawal::channel_label(&w.channel, FR),
                structure(promoted),
            ))
        })
        .collect();
    if !lines.is_empty() {
        blocks.push(Block::Heading("Désistements et promotions".into()));
        blocks.push(Block::Bullets(lines));
    }
}

/// Where the audit chain stood when the minutes were established: the
/// hash of an event and its number, printed so that the signed minutes pin
/// the record (`jury verify --head`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditHead {
    pub hash: String,
    pub event: i64,
}

/// How the audition stage's session ranked, in the minutes' words.
fn stage_rule(call: &crate::call::Call, a: &crate::stage::Audition) -> String {
    use crate::stage::Combine;
    let how = match a.combine {
        Combine::Audition => "La note finale est la note d'audition.".to_string(),
        Combine::Dossier => {
            "L'audition n'est pas notée : le classement reste celui de l'étude des dossiers."
                .to_string()
        }
        Combine::Weighted { dossier, audition } => {
            let sum = dossier + audition;
            format!(
                "La note finale pondère la note de dossier ({} %) et la note d'audition ({} %), chacune rapportée à 100, puis ramenée à l'échelle de l'audition (sur {}).",
                FR.num(dossier / sum * 100.0, 0),
                FR.num(audition / sum * 100.0, 0),
                FR.score(call.audition_grid().scale.max)
            )
        }
    };
    format!(
        "Séance de la seconde étape : {} des candidats convoqués à l'issue de l'étude des dossiers. {how} Les candidats absents à leur audition ne sont pas classés.",
        a.label.to_lowercase()
    )
}

/// The minutes (procès-verbal) of one session.
pub fn minutes(input: &MinutesInput) -> Document {
    use crate::eligibility::Verdict;
    let (call, session, c) = (input.call, input.session, input.committee);
    // Each dossier's place, found once: the minutes of a batch of 100 000
    // look up a dossier per ranked row and per decision.
    let mut at: HashMap<&str, usize> = HashMap::with_capacity(input.dossiers.len());
    for (i, d) in input.dossiers.iter().enumerate() {
        at.entry(d.reference.as_str()).or_insert(i);
    }
    let dossier = |reference: &str| at.get(reference).map(|i| input.dossiers[*i]);
    let date = session_date(session);
    let members = &c.data.members;
    let present: Vec<&(String, Role)> = members
        .iter()
        .filter(|(n, _)| session.present.contains(n))
        .collect();
    let absent: Vec<&(String, Role)> = members
        .iter()
        .filter(|(n, _)| !session.present.contains(n))
        .collect();
    // The session's date is the meeting's; the day it was closed in the
    // tool is when its record was sealed, and is said so.
    let mut blocks = vec![Block::Paragraph(format!(
        "La séance du {date} a réuni le comité de sélection de l'appel à candidature « {} » ({}). Elle a été ouverte par {}{}.",
        call.title,
        call.issuer.name,
        session.opened_by,
        match closing_day(session) {
            Ok(Some(day)) => format!(" et clôturée dans Jury le {}", FR.date(day)),
            Ok(None) | Err(_) => " ; elle n'est pas close à la date de ce document, ses décisions restent provisoires".into(),
        }
    ))];
    blocks.push(Block::Heading("Membres présents".into()));
    blocks.push(Block::Bullets(
        present
            .iter()
            .map(|(n, r)| format!("{n} ({})", role_label(*r)))
            .collect(),
    ));
    if !absent.is_empty() {
        blocks.push(Block::Heading("Membres absents ou excusés".into()));
        blocks.push(Block::Bullets(
            absent
                .iter()
                .map(|(n, r)| format!("{n} ({})", role_label(*r)))
                .collect(),
        ));
    }
    blocks.push(Block::Paragraph(match call.quorum {
        Some(q) if session.present.len() as u32 >= q => format!(
            "Quorum requis : {q} membres. Membres présents : {}. Le quorum est atteint.",
            session.present.len()
        ),
        Some(q) => format!(
            "Quorum requis : {q} membres. Membres présents : {}. Le quorum n'est pas atteint ; les décisions éventuellement prises sont signalées comme prises sans quorum.",
            session.present.len()
        ),
        None => format!("L'appel ne fixe pas de quorum. Membres présents : {}.", session.present.len()),
    }));
    // A closed session's minutes read what it froze, not the live picture.
    let frozen: Vec<&crate::snapshot::Snapshot> = if session.is_open() {
        Vec::new()
    } else {
        c.data
            .snapshots
            .iter()
            .filter(|x| x.session_id == session.id)
            .collect()
    };
    // Each dossier's snapshot (the first, as a search would find it) and
    // its decision as this session left it (the last up to it), found once.
    let mut frozen_of: HashMap<&str, &crate::snapshot::Snapshot> = HashMap::new();
    for x in &frozen {
        frozen_of.entry(x.reference.as_str()).or_insert(*x);
    }
    let decision_at: HashMap<&str, &DecisionRow> = c
        .data
        .decisions
        .iter()
        .filter(|d| d.session_id <= session.id)
        .map(|d| (d.reference.as_str(), d))
        .collect();
    let conflicts: Vec<(String, String, String)> = if frozen.is_empty() {
        c.data
            .conflicts
            .iter()
            .map(|k| (k.member.clone(), k.reference.clone(), k.reason.clone()))
            .collect()
    } else {
        let mut v: Vec<(String, String, String)> = frozen
            .iter()
            .flat_map(|x| {
                x.conflicts
                    .iter()
                    .map(|k| (k.member.clone(), x.reference.clone(), k.reason.clone()))
            })
            .collect();
        v.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
        v
    };
    blocks.push(Block::Heading("Conflits d'intérêts déclarés".into()));
    if conflicts.is_empty() {
        blocks.push(Block::Paragraph("Aucun membre ne s'est déporté.".into()));
    } else {
        blocks.push(Block::Bullets(
            conflicts
                .iter()
                .map(|(member, reference, reason)| {
                    let reason = if reason.is_empty() { String::new() } else { format!(" — {reason}") };
                    format!(
                        "{member} s'est déporté·e sur le dossier {reference} : ses notes sont exclues des calculs{reason}."
                    )
                })
                .collect(),
        ));
    }
    blocks.push(Block::Heading("Règle de classement".into()));
    blocks.push(Block::Paragraph(crate::ranking::RULE.into()));
    let audition = call
        .audition
        .as_ref()
        .filter(|_| session.stage == crate::stage::Stage::Audition);
    if let Some(a) = audition {
        blocks.push(Block::Paragraph(stage_rule(call, a)));
    }
    blocks.push(Block::Heading(
        if audition.is_some() {
            "Candidats auditionnés"
        } else {
            "Dossiers examinés"
        }
        .into(),
    ));
    let max = FR.score(call.scale.max);
    let audition_max = FR.score(call.audition_grid().scale.max);
    let decision_label = |kind: &str| {
        crate::decision::kind(call, kind, FR)
            .map(|k| k.label)
            .unwrap_or(kind.to_string())
    };
    // Unranked dossiers say why (ineligible, not scored) instead of a number.
    let rank_cell = |rank: Option<usize>,
                     still_tied: bool,
                     why: Option<crate::ranking::Unranked>| match (rank, why) {
        (Some(n), _) if still_tied => format!("{n} ex æquo"),
        (Some(n), _) => n.to_string(),
        (None, Some(why)) => why.label(FR).to_string(),
        (None, None) => "—".into(),
    };
    let eligibility_cell = |verdict: Option<&Verdict>, overridden: bool| {
        let e = match verdict {
            Some(Verdict::Eligible) => "recevable",
            Some(Verdict::Ineligible) => "irrecevable",
            _ => "à vérifier",
        };
        if overridden {
            format!("{e} (dérogation)")
        } else {
            e.to_string()
        }
    };
    let total_cell = |t: Option<f64>| t.map(|t| FR.num(t, 2)).unwrap_or_else(|| "—".into());
    let structure_of = |reference: &str| {
        dossier(reference)
            .map(|d| d.structure.clone())
            .unwrap_or_default()
    };
    let mut rows = Vec::new();
    if !frozen.is_empty() {
        // Ranked best first, then the unranked, as the session saw them; the
        // decision current at the close (this session's or an earlier one's).
        let mut order = frozen.clone();
        order.sort_by(|a, b| {
            (a.rank.is_none(), a.rank, &a.reference).cmp(&(b.rank.is_none(), b.rank, &b.reference))
        });
        for x in order {
            let decision = decision_at
                .get(x.reference.as_str())
                .map(|d| decision_label(&d.kind))
                .unwrap_or_else(|| "—".into());
            let why = if x.verdict() == crate::eligibility::Verdict::Ineligible {
                crate::ranking::Unranked::Ineligible
            } else if x.audition.as_ref().is_some_and(|a| a.absent) {
                crate::ranking::Unranked::Absent
            } else {
                crate::ranking::Unranked::Unscored
            };
            let mut row = vec![
                rank_cell(x.rank, x.still_tied, x.rank.is_none().then_some(why)),
                x.reference.clone(),
                structure_of(&x.reference),
            ];
            match &x.audition {
                // The stages side by side: what the ranking combined.
                Some(a) if audition.is_some() => row.extend([
                    total_cell(a.dossier_total),
                    total_cell(x.total),
                    total_cell(a.final_score),
                ]),
                _ => row.extend([
                    eligibility_cell(Some(&x.verdict()), x.eligibility.override_.is_some()),
                    total_cell(x.total),
                ]),
            }
            row.push(decision);
            rows.push(row);
        }
    }
    // Another lot's candidates are not this session's.
    for r in c
        .ranking
        .iter()
        .filter(|_| frozen.is_empty())
        .filter(|r| r.unranked != Some(crate::ranking::Unranked::OtherLot))
    {
        let Some(&i) = at.get(r.reference.as_str()) else {
            continue;
        };
        let d = input.dossiers[i];
        let agg = c.aggregates.get(i);
        let decision = c
            .decisions
            .get(&d.reference)
            .map(|x| decision_label(&x.kind))
            .unwrap_or_else(|| "—".into());
        rows.push(vec![
            rank_cell(r.rank, r.still_tied, r.unranked),
            d.reference.clone(),
            d.structure.clone(),
            eligibility_cell(
                input.verdicts.get(i),
                c.overrides.contains_key(&d.reference),
            ),
            total_cell(agg.and_then(|a| a.official(c.basis))),
            decision,
        ]);
    }
    let staged = audition.is_some() && frozen.iter().any(|x| x.audition.is_some());
    blocks.push(Block::Table {
        header: if staged {
            vec![
                "Rang".into(),
                "Référence".into(),
                "Structure".into(),
                format!("Dossier / {max}"),
                format!("Audition / {audition_max}"),
                format!("Finale / {audition_max}"),
                "Décision".into(),
            ]
        } else {
            vec![
                "Rang".into(),
                "Référence".into(),
                "Structure".into(),
                "Recevabilité".into(),
                format!("Note / {max}"),
                "Décision".into(),
            ]
        },
        rows,
    });
    // The institutions' answers on this session's decisions, as recorded
    // when the minutes are produced.
    if !call.institutions.is_empty() && !session.is_open() {
        blocks.push(Block::Heading("Validation par les institutions".into()));
        blocks.push(Block::Bullets(
            call.institutions
                .iter()
                .map(|i| {
                    match c
                        .data
                        .validations
                        .iter()
                        .rev()
                        .find(|v| v.session_id == session.id && v.institution == i.id)
                    {
                        Some(v) if v.validated => format!(
                            "{} : décisions validées le {} par {}.",
                            i.name,
                            FR.date(v.on),
                            v.by
                        ),
                        Some(v) => format!(
                            "{} : décisions non validées le {} par {} ; motifs : {}",
                            i.name,
                            FR.date(v.on),
                            v.by,
                            v.reasons
                        ),
                        None => format!("{} : validation en attente.", i.name),
                    }
                })
                .collect(),
        ));
    }
    // Which priority territories the decisions standing at this session
    // cover (its own and earlier sessions'), and which none does.
    let mut standing: std::collections::HashMap<String, crate::records::DecisionRow> =
        std::collections::HashMap::new();
    for d in c
        .data
        .decisions
        .iter()
        .filter(|d| d.session_id <= session.id)
    {
        standing.insert(d.reference.clone(), d.clone());
    }
    // Those who withdrew from an earlier session's decision cover nothing
    // here (the earlier session's minutes still read as they were).
    for w in c
        .data
        .withdrawals
        .iter()
        .filter(|w| w.session_id < session.id)
    {
        if standing
            .get(&w.reference)
            .is_some_and(|d| d.session_id == w.session_id)
        {
            standing.remove(&w.reference);
        }
    }
    let coverage = crate::coverage::table(call, input.dossiers, &standing);
    if !coverage.is_empty() {
        blocks.push(Block::Heading(
            "Couverture des territoires prioritaires".into(),
        ));
        let convening = coverage.iter().any(|r| !r.convened.is_empty());
        let mut header = vec![
            "Territoire".to_string(),
            "Retenus".into(),
            "Liste complémentaire".into(),
        ];
        if convening {
            header.push("Convoqués".into());
        }
        let rows = coverage
            .iter()
            .map(|r| {
                let mut row = vec![
                    r.territory.clone(),
                    if r.accepted.is_empty() {
                        "—".into()
                    } else {
                        r.accepted.join(", ")
                    },
                    if r.waitlisted.is_empty() {
                        "—".into()
                    } else {
                        r.waitlisted.join(", ")
                    },
                ];
                if convening {
                    row.push(if r.convened.is_empty() {
                        "—".into()
                    } else {
                        r.convened.join(", ")
                    });
                }
                row
            })
            .collect();
        blocks.push(Block::Table { header, rows });
        let uncovered: Vec<&str> = coverage
            .iter()
            .filter(|r| r.uncovered())
            .map(|r| r.territory.as_str())
            .collect();
        blocks.push(Block::Paragraph(if uncovered.is_empty() {
            "Chaque territoire prioritaire a au moins un dossier retenu, en liste complémentaire ou convoqué.".into()
        } else {
            format!(
                "Territoires prioritaires sans dossier retenu, en liste complémentaire ni convoqué : {}.",
                uncovered.join(", ")
            )
        }));
    }
    // Requests for missing pieces made by the session's day, and whether the
    // dossier was completed by then: what happens later cannot change the
    // minutes of a closed session.
    if let Ok(day) = NaiveDate::parse_from_str(&session.date, "%Y-%m-%d") {
        let rows: Vec<Vec<String>> = input
            .requests
            .iter()
            .filter(|r| r.letter_date <= day)
            .map(|r| {
                let done = r
                    .completed_at
                    .as_deref()
                    .and_then(crate::request::day_of)
                    .filter(|d| *d <= day);
                vec![
                    r.reference.clone(),
                    FR.date(r.letter_date),
                    FR.date(r.due),
                    done.map(|d| FR.date(d))
                        .unwrap_or_else(|| "non reçues".into()),
                ]
            })
            .collect();
        if !rows.is_empty() {
            blocks.push(Block::Heading("Demandes de pièces manquantes".into()));
            blocks.push(Block::Table {
                header: vec![
                    "Dossier".into(),
                    "Demandées le".into(),
                    "Attendues le".into(),
                    "Complété le".into(),
                ],
                rows,
            });
        }
    }
    blocks.push(Block::Heading("Décisions et motivations".into()));
    let mut decided: Vec<&DecisionRow> = c
        .data
        .decisions
        .iter()
        .filter(|x| x.session_id == session.id)
        .collect();
    decided.sort_by(|a, b| a.reference.cmp(&b.reference));
    if decided.is_empty() {
        blocks.push(Block::Paragraph(
            "Aucune décision n'a été prise au cours de cette séance.".into(),
        ));
    }
    for x in decided {
        let label = crate::decision::kind(call, &x.kind, FR)
            .map(|k| k.label)
            .unwrap_or(x.kind.clone());
        let structure = structure_of(&x.reference);
        let mut t = format!("{} — {structure} : {label}.", x.reference);
        let sentence = |text: &str| crate::decision::reasons(text).join(" ");
        if !x.condition.is_empty() {
            t.push_str(&format!(" Réserve : {}", sentence(&x.condition)));
        }
        if let Some(r) = x.waitlist_rank {
            t.push_str(&format!(" Rang sur la liste complémentaire : {r}."));
        }
        if !x.documents.is_empty() {
            t.push_str(&format!(" Pièces demandées : {}", sentence(&x.documents)));
        }
        if let Some(a) = x.amount {
            t.push_str(&format!(" Montant accordé : {}.", FR.money(a)));
        }
        if !x.budget_override.is_empty() {
            t.push_str(&format!(
                " Dépassement de l'enveloppe autorisé par la présidence : {}",
                sentence(&x.budget_override)
            ));
        }
        let reasons = crate::decision::reasons(&x.motivation);
        if !reasons.is_empty() {
            t.push_str(&format!(" Motifs : {}", reasons.join(" ")));
        }
        // Who withdrew for this dossier, and who recorded its decision.
        for (_, member) in c
            .conflicts
            .range((x.reference.clone(), String::new())..)
            .take_while(|(r, _)| *r == x.reference)
        {
            t.push_str(&format!(
                " {member} s'est déporté·e pour ce dossier ; décision enregistrée par {}.",
                x.by
            ));
        }
        if x.guarded {
            let i = at.get(x.reference.as_str()).copied();
            let reviews = i.map(|i| c.reviewers(i)).unwrap_or(0);
            t.push_str(&format!(
                " Décision confirmée expressément alors que le dossier était peu noté ou de recevabilité non établie (membres l'ayant noté : {reviews} ; minimum fixé par l'appel : {}).",
                call.min_reviews
            ));
        }
        let justification = if frozen.is_empty() {
            c.overrides
                .get(&x.reference)
                .map(|o| o.justification.clone())
        } else {
            frozen_of
                .get(x.reference.as_str())
                .and_then(|f| f.eligibility.override_.as_ref())
                .map(|o| o.justification.clone())
        };
        if let Some(j) = justification {
            t.push_str(&format!(
                " Recevabilité établie par dérogation de la présidence : {j}"
            ));
        }
        if x.without_quorum {
            t.push_str(" (décision prise sans quorum)");
        }
        blocks.push(Block::Paragraph(t));
    }
    if call.budget.is_some() {
        // The envelope as this session left it: each dossier's latest
        // decision up to this session, later ones aside.
        let mut latest: std::collections::BTreeMap<&str, &DecisionRow> = Default::default();
        for x in c
            .data
            .decisions
            .iter()
            .filter(|x| x.session_id <= session.id)
        {
            latest.insert(&x.reference, x);
        }
        if let Some(e) = crate::budget::Standing::of(call, latest.values().copied()) {
            blocks.push(Block::Paragraph(format!("{}.", e.line(FR))));
        }
    }
    withdrawals_and_promotions(input, &mut blocks);
    if let Some(o) = c
        .data
        .outcomes
        .iter()
        .rev()
        .find(|o| o.session_id == session.id)
    {
        let lot = session.lot.as_deref().and_then(|id| call.lot(id));
        blocks.push(Block::Heading(match lot {
            Some(_) => "Issue du lot".into(),
            None => "Issue de l'appel".into(),
        }));
        blocks.push(Block::Paragraph(if o.unsuccessful {
            format!(
                "Le comité déclare {} infructueux. Motivation : {}",
                match lot {
                    Some(l) => format!("le lot « {} »", l.label),
                    None => "l'appel à candidature".into(),
                },
                o.motivation
            )
        } else {
            o.motivation.clone()
        }));
    }
    if let Some(AuditHead { hash, event }) = &input.audit_head {
        let when = if session.is_open() {
            "à l'établissement du présent procès-verbal"
        } else {
            "à la clôture de la séance"
        };
        blocks.push(Block::Paragraph(format!(
            "Empreinte du journal d'audit {when}, après son événement n° {event} : {hash}. Quiconque détient la base vérifie que le registre y mène toujours avec « jury verify --head » suivi de cette empreinte."
        )));
    }
    let name_of = |role: Role| {
        members
            .iter()
            .find(|(_, r)| *r == role)
            .map(|(n, _)| n.clone())
            .unwrap_or_default()
    };
    Document {
        letterhead: letterhead(call),
        addressee: Vec::new(),
        place_date: Some({
            let p = place(call);
            if p.is_empty() {
                format!("Le {date}")
            } else {
                format!("{p}, le {date}")
            }
        }),
        date: NaiveDate::parse_from_str(&session.date, "%Y-%m-%d").ok(),
        reference: None,
        title: Some(format!(
            "Procès-verbal de la séance du {date}{}",
            if audition.is_some() {
                " (auditions)"
            } else {
                ""
            }
        )),
        // Each lot is decided apart: its minutes say which.
        subject: Some(match session.lot.as_deref().and_then(|id| call.lot(id)) {
            Some(lot) => format!("Comité de sélection — {} — {}", call.title, lot.label),
            None => format!("Comité de sélection — {}", call.title),
        }),
        blocks,
        signatures: vec![
            vec![
                "La présidence du comité".into(),
                name_of(Role::Chair),
                "Signature :".into(),
            ],
            vec![
                "Le secrétariat".into(),
                name_of(Role::Secretary),
                "Signature :".into(),
            ],
        ],
        footer: Some(format!("Procès-verbal de la séance du {date}")),
    }
}
