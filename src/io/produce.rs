//! Producing letters and minutes from a database: every template is checked
//! for every letter before any file is written; files are written whole
//! (temporary file, then rename) and recorded with their hash and date. A
//! letter carries the signature date chosen when it is produced; the
//! minutes carry the meeting's date.

use crate::io::files::{FileError, Staged, put_in_place, write_atomic};
use crate::io::render::RenderError;
use crate::io::seal;
use crate::store::{Store, StoreError};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta, TimeZone, Timelike, Utc};
use jury_core::aggregate::DossierAggregate;
use jury_core::call::Call;
use jury_core::committee::{Candidacy, Committee};
use jury_core::compose::{self, AuditHead, LetterError, MinutesInput, SessionDateError};
use jury_core::document::Document;
use jury_core::dossier::{Card, Dossier};
use jury_core::fr::Lang;
use jury_core::json::Diag;
use jury_core::records::{DecisionRow, LetterRow, Session};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

mod writer;
pub use writer::{Writer, Written};

/// Why letters or minutes were not produced.
#[derive(Debug, thiserror::Error)]
pub enum ProduceError {
    /// The database holds no call.
    NoCall,
    /// The stored call does not read.
    Call(Vec<Diag>),
    Store(#[from] StoreError),
    File(#[from] FileError),
    Render(#[from] RenderError),
    /// A session whose date (or closing time) does not read.
    SessionDate(#[from] SessionDateError),
    /// Letters dated before the meeting that decided.
    SignedBeforeMeeting(#[from] jury_core::dates::SignedBeforeMeeting),
    /// Minutes asked for, no session held.
    NoSession,
    /// `jury verify` would not say « intact »: no minutes over that record.
    RecordAltered {
        first: String,
        count: usize,
    },
    Verify(#[from] crate::store::audit::VerifyError),
    /// No dossier under that reference; those close to it.
    UnknownDossier {
        typed: String,
        close: Vec<String>,
    },
    /// A letter template that does not compose for this dossier.
    Template {
        reference: String,
        diag: Diag,
    },
    /// Convocations asked for, the call has no audition stage.
    NoAudition,
    /// Convocations asked for, no candidate has a slot.
    NoSlot,
    /// A convocation asked for a dossier that has no slot.
    NotScheduled(String),
}

impl ProduceError {
    pub fn message(&self, lang: Lang) -> String {
        use ProduceError::*;
        match self {
            NoCall => lang
                .t(
                    "cette base ne contient pas d'appel : ouvrez d'abord le dossier de l'appel avec jury",
                    "this database holds no call: open the call's folder with jury first",
                )
                .into(),
            Call(diags) => diags
                .iter()
                .map(Diag::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
            Store(e) => e.message(lang),
            File(e) => e.message(lang),
            Render(e) => e.message(lang),
            SessionDate(e) => e.message(lang),
            RecordAltered { first, count } => match lang {
                Lang::Fr => format!(
                    "registre altéré hors de Jury ({count} anomalie(s), dont : {first}) : aucun procès-verbal n'est établi sur ce registre ; lancez jury verify et prévenez la présidence"
                ),
                Lang::En => format!(
                    "record altered outside Jury ({count} problem(s), including: {first}): no minutes are drawn up over it; run jury verify and tell the chair"
                ),
            },
            Verify(e) => e.message(lang),
            SignedBeforeMeeting(e) => e.message(lang),
            NoSession => lang
                .t(
                    "aucune séance : ouvrez une séance dans la vue comité",
                    "no session: open a session in the committee view",
                )
                .into(),
            Template { reference, diag } => format!("{diag} (dossier {reference})"),
            NoAudition => lang
                .t(
                    "l'appel ne prévoit pas d'audition (« audition » dans appel.json) : aucune convocation à produire",
                    "the call has no audition stage (“audition” in appel.json): no invitation to produce",
                )
                .into(),
            NotScheduled(r) => match lang {
                Lang::Fr => format!(
                    "le dossier {r} n'a pas de créneau d'audition : placez-le d'abord dans le calendrier des auditions"
                ),
                Lang::En => format!(
                    "dossier {r} has no audition slot: place it in the audition timetable first"
                ),
            },
            NoSlot => lang
                .t(
                    "aucun candidat n'a de créneau d'audition : établissez d'abord le planning",
                    "no candidate has an audition slot: make the timetable first",
                )
                .into(),
            UnknownDossier { typed, close } => {
                let mut m = match lang {
                    Lang::Fr => format!("aucun dossier de référence « {typed} » dans cette base."),
                    Lang::En => format!("no dossier with reference “{typed}” in this database."),
                };
                if !close.is_empty() {
                    m.push(' ');
                    m.push_str(&jury_core::names::did_you_mean(close, lang));
                }
                m
            }
        }
    }
}

jury_core::french_display!(ProduceError);

/// Everything letters and minutes are made from, read once.
#[derive(Clone)]
pub struct Source {
    /// The call; in a lot's source, the lot's call ([`Call::lot_call`]).
    pub call: Call,
    /// The lot this source is of, in a call with lots.
    pub lot: Option<jury_core::lot::Lot>,
    pub dossiers: Vec<Card>,
    pub committee: Committee,
    /// The audition stage's picture, for a call that has one: who was
    /// convened, their audition and final scores, the final ranking.
    pub audition: Option<Committee>,
    pub templates: BTreeMap<String, String>,
    /// The date each letter already produced carries, by reference and decision.
    pub signed: BTreeMap<(String, i64), NaiveDate>,
    /// When each letter already produced was first produced with that date.
    pub produced: BTreeMap<(String, i64), DateTime<Utc>>,
    /// The letters produced and their follow-up (sent, acknowledged).
    pub letters: Vec<jury_core::records::LetterRow>,
    /// Requests for missing pieces, oldest first.
    pub requests: Vec<jury_core::request::PieceRequest>,
    /// Each dossier's current version (1 as imported).
    pub versions: BTreeMap<String, i64>,
}

/// The date letters are signed on: `on`, chosen by whoever produces them;
/// a letter produced before keeps its own date unless `redate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signing {
    pub on: NaiveDate,
    pub redate: bool,
}

impl Signing {
    /// The date the letter for `decision_id` of `reference` carries.
    pub fn date_for(&self, src: &Source, reference: &str, decision_id: i64) -> NaiveDate {
        match src.signed.get(&(reference.to_string(), decision_id)) {
            Some(stored) if !self.redate => *stored,
            _ => self.on,
        }
    }

    /// When the letter dated `day` was produced: the moment it was first
    /// produced with that date, kept when it is produced again (so the same
    /// letter gives the same bytes, its e-mail's `Date:` included), `now`
    /// for a new letter or a new date.
    pub fn produced_at(
        src: &Source,
        reference: &str,
        decision_id: i64,
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> DateTime<Utc> {
        let key = (reference.to_string(), decision_id);
        match (src.signed.get(&key), src.produced.get(&key)) {
            (Some(signed), Some(at)) if *signed == day => *at,
            _ => now,
        }
    }
}

/// Letters and minutes are official: none is made over a record that
/// `jury verify` would not call intact (a table edited outside Jury, a
/// broken chain, a damaged file).
pub fn check_record(store: &Store) -> Result<crate::store::record::Record, ProduceError> {
    let record = crate::store::audit::verify_record_keyed(store.path(), None, store.passphrase())?;
    if record.is_intact() {
        return Ok(record);
    }
    Err(ProduceError::RecordAltered {
        first: record
            .chain
            .first_break
            .as_ref()
            .map(ToString::to_string)
            .or_else(|| record.integrity.first().cloned())
            .or_else(|| record.differences.first().cloned())
            .unwrap_or_default(),
        count: record.differences.len()
            + record.integrity.len()
            + usize::from(record.chain.first_break.is_some()),
    })
}

/// Everything letters and minutes are made from, the whole call as one:
/// in a call with lots, [`load_parts`] gives each lot its own.
pub fn load(store: &Store) -> Result<Source, ProduceError> {
    let (read, scores, data) = read(store)?;
    Ok(part(read, &scores, data, None))
}

/// One [`Source`] per lot of the call (one for a call without lots): each
/// lot's call, candidates, sessions and decisions.
pub fn load_parts(store: &Store) -> Result<Vec<Source>, ProduceError> {
    let (read, scores, data) = read(store)?;
    let lots: Vec<String> = read.call.lots.iter().map(|l| l.id.clone()).collect();
    if lots.is_empty() {
        return Ok(vec![part(read, &scores, data, None)]);
    }
    Ok(lots
        .iter()
        .map(|lot| part(read.clone(), &scores, data.clone(), Some(lot)))
        .collect())
}

type Scores = BTreeMap<(String, String, String), f64>;

/// What every part shares, read once; its committee is built by [`part`].
fn read(
    store: &Store,
) -> Result<(Source, Scores, jury_core::records::CommitteeData), ProduceError> {
    check_record(store)?;
    let raw = store.stored_call()?.ok_or(ProduceError::NoCall)?;
    let call = Call::from_value(&raw).map_err(ProduceError::Call)?;
    let dossiers = store.load_cards()?;
    let scores = jury_core::records::score_values(&store.load_scores()?);
    let data = store.load_committee()?;
    let templates = store.templates()?;
    let letters = store.letters()?;
    let signed = letters
        .iter()
        .filter_map(|l| {
            let day = NaiveDate::parse_from_str(l.signed_on.as_deref()?, "%Y-%m-%d").ok()?;
            Some(((l.reference.clone(), l.decision_id), day))
        })
        .collect();
    let produced = letters
        .iter()
        .filter_map(|l| {
            let at = DateTime::parse_from_rfc3339(&l.generated_at).ok()?;
            Some(((l.reference.clone(), l.decision_id), at.to_utc()))
        })
        .collect();
    let source = Source {
        call,
        lot: None,
        dossiers,
        committee: Committee::default(),
        audition: None,
        templates,
        signed,
        produced,
        letters,
        requests: store.piece_requests()?,
        versions: store.dossier_versions()?.into_iter().collect(),
    };
    Ok((source, scores, data))
}

/// `read`'s source with its committee: the whole call's, or `lot`'s (the
/// lot's call in place of the call).
fn part(
    mut src: Source,
    scores: &Scores,
    data: jury_core::records::CommitteeData,
    lot: Option<&str>,
) -> Source {
    let refs: Vec<&Card> = src.dossiers.iter().collect();
    let scope = jury_core::lot::Scope {
        stage: jury_core::stage::Stage::Audition,
        lot: lot.map(str::to_string),
    };
    let audition = src.call.audition.is_some().then(|| {
        Committee::build_scope(
            &src.call,
            &scope,
            &refs,
            scores,
            data.clone(),
            Default::default(),
        )
    });
    let committee = match lot {
        Some(lot) => Committee::build_lot(&src.call, lot, &refs, scores, data, Default::default()),
        None => Committee::build(&src.call, &refs, scores, data, Default::default()),
    };
    drop(refs);
    if let Some(lot) = lot {
        src.lot = src.call.lot(lot).cloned();
        src.call = src.call.lot_call(lot);
    }
    src.committee = committee;
    src.audition = audition;
    src
}

/// A letter ready to write.
#[derive(Clone)]
pub struct Prepared {
    pub reference: String,
    /// The lot the decision is about, in a call with lots: its files are
    /// named for it, so a candidate's two letters do not overwrite.
    pub lot: Option<String>,
    pub decision_id: i64,
    pub kind: String,
    pub document: Document,
    pub letter_date: NaiveDate,
    /// When it was first produced with this date (see [`Signing::produced_at`]).
    pub produced_at: DateTime<Utc>,
    /// Who sends it: the issuer's name and contact address.
    pub from: (String, String),
    pub to: (String, String),
    /// Subject and body of the e-mail that carries it.
    pub mail: (String, String),
}

/// The final decisions (current, in a closed session) and their session:
/// at the last stage a candidate reached. A candidate convened to an
/// audition has no letter until the audition stage decides (the
/// convocation is their letter meanwhile).
pub fn final_decisions(src: &Source) -> Vec<(&DecisionRow, &Session)> {
    let mut out: Vec<(&DecisionRow, &Session)> = src
        .committee
        .decisions
        .values()
        .filter(|d| d.kind != jury_core::call::decision_id::CONVOQUE)
        .filter_map(|d| {
            let s = src
                .committee
                .data
                .sessions
                .iter()
                .find(|s| s.id == d.session_id)?;
            // Final once closed and, when the call names institutions,
            // validated by every one of them.
            let validated = jury_core::institutions::standing(
                &src.call.institutions,
                &src.committee.data.validations,
                s.id,
            ) == jury_core::institutions::Standing::Final;
            (!s.is_open() && validated).then_some((d, s))
        })
        .collect();
    out.sort_by(|a, b| a.0.reference.cmp(&b.0.reference));
    out
}

/// Closed sessions whose decisions are not final yet: an institution has
/// not answered, or refused. Their letters wait.
pub fn awaiting_validation(src: &Source) -> Vec<(i64, jury_core::institutions::Standing)> {
    use jury_core::institutions::{Standing, standing};
    src.committee
        .data
        .sessions
        .iter()
        .filter(|s| !s.is_open())
        .map(|s| {
            (
                s.id,
                standing(
                    &src.call.institutions,
                    &src.committee.data.validations,
                    s.id,
                ),
            )
        })
        .filter(|(_, st)| *st != Standing::Final)
        .collect()
}

/// Composes every letter (or one), dated as `signing` says, reporting every
/// problem (a template, a session's date) before any letter is written.
pub fn prepare(
    src: &Source,
    only: Option<&str>,
    signing: Signing,
) -> Result<Vec<Prepared>, Vec<ProduceError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut undated = BTreeSet::new();
    let now = Utc::now();
    // Each dossier's place, looked up once per decision: a scan per letter
    // made a large batch quadratic.
    let mut at: HashMap<&str, usize> = HashMap::with_capacity(src.dossiers.len());
    for (i, x) in src.dossiers.iter().enumerate() {
        // The first of a reference, as a scan would find it.
        at.entry(x.reference.as_str()).or_insert(i);
    }
    for (d, session) in final_decisions(src) {
        if only.is_some_and(|r| r != d.reference) {
            continue;
        }
        let Some(&i) = at.get(d.reference.as_str()) else {
            continue;
        };
        let dossier = &src.dossiers[i].full();
        let day = signing.date_for(src, &d.reference, d.id);
        let composed = compose::decision_letter(
            &src.call,
            &src.committee,
            i,
            dossier,
            d,
            session,
            day,
            &src.templates,
        );
        match composed {
            Ok((document, dates)) => out.push(Prepared {
                reference: d.reference.clone(),
                lot: session.lot.clone(),
                decision_id: d.id,
                kind: d.kind.clone(),
                mail: compose::mail_text(&src.call, dossier, document.subject.as_deref()),
                document,
                letter_date: dates.letter,
                produced_at: Signing::produced_at(src, &d.reference, d.id, dates.letter, now),
                from: (
                    src.call.issuer.name.clone(),
                    src.call.issuer.contact_email.clone().unwrap_or_default(),
                ),
                to: (dossier.structure.clone(), dossier.email.clone()),
            }),
            // Once per session, however many letters it decided.
            Err(LetterError::SessionDate(e)) => {
                if undated.insert(session.id) {
                    errors.push(e.into());
                }
            }
            Err(LetterError::SignedBeforeMeeting(e)) => {
                if undated.insert(session.id) {
                    errors.push(e.into());
                }
            }
            Err(LetterError::Template(diags)) => {
                errors.extend(diags.into_iter().map(|diag| ProduceError::Template {
                    reference: d.reference.clone(),
                    diag,
                }))
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// [`prepare`] on every part (each lot of the call), every problem
/// reported before any letter is written.
pub fn prepare_parts(
    parts: &[Source],
    only: Option<&str>,
    signing: Signing,
) -> Result<Vec<Prepared>, Vec<ProduceError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for src in parts {
        match prepare(src, only, signing) {
            Ok(p) => out.extend(p),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// [`write_minutes`] for every part: each lot's sessions.
pub fn write_minutes_parts(
    store: &Store,
    parts: &[Source],
    out: &Path,
    only: Option<i64>,
) -> Result<Vec<PathBuf>, ProduceError> {
    let mut written = Vec::new();
    for src in parts {
        match write_minutes(store, src, out, only) {
            Ok(files) => written.extend(files),
            Err(ProduceError::NoSession) => {}
            Err(e) => return Err(e),
        }
    }
    if written.is_empty() {
        return Err(ProduceError::NoSession);
    }
    Ok(written)
}

/// The `Date:` of a letter's e-mail: the day the letter carries, at the
/// hour (Paris time, whole seconds) it was produced, with that day's Paris
/// offset. A letter produced ahead of its date, or redated, still reads as
/// written on its day.
pub(crate) fn mail_date(day: NaiveDate, produced_at: DateTime<Utc>) -> DateTime<FixedOffset> {
    let hour = produced_at
        .with_timezone(&chrono_tz::Europe::Paris)
        .time()
        .with_nanosecond(0)
        .unwrap_or(NaiveTime::MIN);
    let local = day.and_time(hour);
    let paris = chrono_tz::Europe::Paris.from_local_datetime(&local);
    paris
        .earliest()
        // In the hour skipped when clocks go forward: an hour later.
        .or_else(|| {
            chrono_tz::Europe::Paris
                .from_local_datetime(&(local + TimeDelta::hours(1)))
                .earliest()
        })
        .map(|t| t.fixed_offset())
        .unwrap_or_else(|| local.and_utc().fixed_offset())
}

/// How many letters a batch holds (see [`Writer`]): their tracking is one
/// transaction (one disk sync), and a batch stays short enough for the
/// screen and the progress bar to move and for an interruption to lose
/// little.
pub const LETTER_BATCH: usize = 64;

/// Letters as PDF, ODT and EML in `out`, rendered on every core, then
/// recorded in the store in one transaction, in the batch's order (the same
/// rows and events as one `Store::record_letter` after another). Each letter's
/// own outcome; the outer error is the recording's, when no letter of the
/// batch could be recorded.
pub fn write_letters(
    store: &mut Store,
    batch: &[Prepared],
    out: &Path,
    actor: &str,
) -> Result<Vec<Result<PathBuf, ProduceError>>, ProduceError> {
    let staged = render_batch(batch, out)
        .map(|letters| letters.into_iter().map(|l| l.and_then(stage)).collect());
    place_and_record(store, staged, actor)
}

/// A letter rendered: its row, and each of its files' place and bytes.
type Letter = (LetterRow, Vec<(PathBuf, Vec<u8>)>);

/// A batch's letters rendered (see [`render_batch`]), or why none could be.
type Rendered = Result<Vec<Result<Letter, ProduceError>>, ProduceError>;

/// A letter whose files are written beside their places (see [`stage`]).
type Staging = (LetterRow, Vec<Staged>);

/// Each letter of `batch` rendered on every core: its row and its files'
/// bytes, nothing written yet.
fn render_batch(batch: &[Prepared], out: &Path) -> Rendered {
    crate::io::files::create_private_dir_all(out).map_err(FileError::at(out))?;
    Ok(on_every_core(batch, |p| render_letter(p, out)))
}

/// A rendered letter's files written beside their places, not yet synced
/// nor in place.
fn stage((row, files): Letter) -> Result<Staging, ProduceError> {
    let staged = files
        .iter()
        .map(|(path, bytes)| Staged::write(path, bytes))
        .collect::<Result<_, _>>()?;
    Ok((row, staged))
}

/// A batch's staged files made durable together, then put in place; only
/// the letters whose three files are in place are recorded.
fn place_and_record(
    store: &mut Store,
    staged: Result<Vec<Result<Staging, ProduceError>>, ProduceError>,
    actor: &str,
) -> Result<Vec<Result<PathBuf, ProduceError>>, ProduceError> {
    let (rows, staged): (Vec<_>, Vec<_>) = staged?
        .into_iter()
        .map(|r| match r {
            Ok((row, files)) => (Ok(row), files),
            Err(e) => (Err(e), Vec::new()),
        })
        .unzip();
    let placed = put_in_place(staged)?;
    let written: Vec<Result<LetterRow, ProduceError>> = rows
        .into_iter()
        .zip(placed)
        .map(|(row, placed)| {
            let row = row?;
            placed?;
            Ok(row)
        })
        .collect();
    let tracked: Vec<LetterRow> = written
        .iter()
        .filter_map(|r| r.as_ref().ok().cloned())
        .collect();
    store.record_letters(actor, &tracked)?;
    Ok(written
        .into_iter()
        .map(|r| r.map(|t| PathBuf::from(t.pdf)))
        .collect())
}

/// `f` on each item, the items shared out among the machine's cores;
/// the results in the items' order.
fn on_every_core<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return mine;
                        };
                        mine.push((i, f(item)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// One letter's row, and its files' places in `out` with their bytes.
fn render_letter(p: &Prepared, out: &Path) -> Result<Letter, ProduceError> {
    let stem = match &p.lot {
        Some(lot) => format!("{}-{lot}-{}", p.reference, p.kind),
        None => format!("{}-{}", p.reference, p.kind),
    };
    let pdf = crate::io::render::pdf::render(&p.document)?;
    let odt = crate::io::render::odt::render(&p.document)?;
    let (subject, body) = p.mail.clone();
    let pdf_hash = jury_core::sha256_hex(&pdf);
    let mail = crate::io::render::eml::Mail {
        from: p.from.clone(),
        to: p.to.clone(),
        subject,
        body,
        attachment: Some((format!("{stem}.pdf"), pdf.clone())),
        calendar: None,
        date: mail_date(p.letter_date, p.produced_at),
        message_id: format!(
            "{}.{}.{}@jury.invalid",
            p.reference,
            p.decision_id,
            &pdf_hash[..16]
        ),
    };
    let eml = crate::io::render::eml::render(&mail)?;
    let (pdf_path, odt_path, eml_path) = (
        out.join(format!("{stem}.pdf")),
        out.join(format!("{stem}.odt")),
        out.join(format!("{stem}.eml")),
    );
    let files = vec![
        (pdf_path.clone(), pdf),
        (odt_path.clone(), odt),
        (eml_path.clone(), eml),
    ];
    let row = LetterRow {
        reference: p.reference.clone(),
        decision_id: p.decision_id,
        pdf: pdf_path.display().to_string(),
        odt: odt_path.display().to_string(),
        eml: Some(eml_path.display().to_string()),
        hash: pdf_hash,
        signed_on: Some(p.letter_date.format("%Y-%m-%d").to_string()),
        generated_at: p
            .produced_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        sent_at: None,
        channel: None,
        acknowledged_at: None,
    };
    Ok((row, files))
}

/// The letter asking for missing pieces, as PDF, ODT and EML in `out`,
/// named `<reference>-demande-pieces-<n>`. Clear, like the decision
/// letters: it is addressed to the applicant.
pub fn write_request(
    call: &Call,
    dossier: &Dossier,
    request: &jury_core::request::PieceRequest,
    out: &Path,
) -> Result<Vec<PathBuf>, ProduceError> {
    crate::io::files::create_private_dir_all(out).map_err(FileError::at(out))?;
    let stem = format!("{}-demande-pieces-{}", dossier.reference, request.id);
    let document = jury_core::request::letter(call, dossier, request);
    let pdf = crate::io::render::pdf::render(&document)?;
    let odt = crate::io::render::odt::render(&document)?;
    let (subject, body) = jury_core::request::mail_text(call, dossier, request);
    let pdf_hash = jury_core::sha256_hex(&pdf);
    let mail = crate::io::render::eml::Mail {
        from: (
            call.issuer.name.clone(),
            call.issuer.contact_email.clone().unwrap_or_default(),
        ),
        to: (dossier.structure.clone(), dossier.email.clone()),
        subject,
        body,
        attachment: Some((format!("{stem}.pdf"), pdf.clone())),
        calendar: None,
        date: mail_date(
            request.letter_date,
            DateTime::parse_from_rfc3339(&request.requested_at)
                .map(|t| t.to_utc())
                .unwrap_or_default(),
        ),
        message_id: format!(
            "{}.demande.{}.{}@jury.invalid",
            dossier.reference,
            request.id,
            &pdf_hash[..16]
        ),
    };
    let eml = crate::io::render::eml::render(&mail)?;
    let mut written = Vec::new();
    for (ext, bytes) in [("pdf", &pdf), ("odt", &odt), ("eml", &eml)] {
        let path = out.join(format!("{stem}.{ext}"));
        write_atomic(&path, bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// The minutes of every session (or one) as PDF and ODT in `out`.
pub fn write_minutes(
    store: &Store,
    src: &Source,
    out: &Path,
    only: Option<i64>,
) -> Result<Vec<PathBuf>, ProduceError> {
    crate::io::files::create_private_dir_all(out).map_err(FileError::at(out))?;
    // Minutes are signed: they pin the chain as it stands.
    let record = check_record(store)?;
    let head = record.chain.head.clone().map(|hash| AuditHead {
        hash,
        event: record.chain.events as i64,
    });
    let dossiers: Vec<&Card> = src.dossiers.iter().collect();
    let verdicts: Vec<jury_core::eligibility::Verdict> = src
        .dossiers
        .iter()
        .map(|d| match src.committee.overrides.get(&d.reference) {
            Some(o) if o.eligible => jury_core::eligibility::Verdict::Eligible,
            Some(_) => jury_core::eligibility::Verdict::Ineligible,
            None => d.verdict(&src.call),
        })
        .collect();
    let mut written = Vec::new();
    for session in &src.committee.data.sessions {
        if only.is_some_and(|id| id != session.id) {
            continue;
        }
        // The minutes print the session's dates: refuse dates that do not
        // read rather than print them raw or leave them out.
        compose::session_day(session)?;
        compose::closing_day(session)?;
        // A closed session's minutes cite the trail as it stood at the close,
        // so later work does not change them.
        let audit_head = match (&head, session.is_open()) {
            (Some(_), false) => store
                .history(&format!("séance/{}", session.id))?
                .into_iter()
                .rev()
                .find(|e| e.action == "session.close")
                .map(|e| AuditHead {
                    hash: e.hash,
                    event: e.id,
                })
                .or_else(|| head.clone()),
            _ => head.clone(),
        };
        let doc = compose::minutes(&MinutesInput {
            call: &src.call,
            session,
            committee: &src.committee,
            dossiers: &dossiers,
            verdicts: &verdicts,
            audit_head,
            requests: &src.requests,
        });
        let stem = format!("PV-{}-seance-{}", session.date, session.id);
        let pdf = out.join(format!("{stem}.pdf"));
        let odt = out.join(format!("{stem}.odt"));
        // Minutes name applicants: sealed when the database is encrypted.
        let key = store.passphrase();
        let pdf = seal::write_derived(&pdf, &crate::io::render::pdf::render(&doc)?, key)?;
        let odt = seal::write_derived(&odt, &crate::io::render::odt::render(&doc)?, key)?;
        written.push(pdf);
        written.push(odt);
    }
    if written.is_empty() {
        return Err(ProduceError::NoSession);
    }
    Ok(written)
}

/// The total on 100 of a dossier, for exports.
pub fn on_100(
    call: &Call,
    agg: &DossierAggregate,
    basis: jury_core::aggregate::Basis,
) -> Option<f64> {
    agg.official(basis)
        .map(|t| DossierAggregate::on_100(call, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(date: &str, closed_at: Option<&str>) -> Session {
        Session {
            stage: Default::default(),
            id: 2,
            date: date.into(),
            opened_by: "Sylvie Marcellin".into(),
            closed_at: closed_at.map(Into::into),
            lot: None,
            present: Vec::new(),
        }
    }

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn the_closing_day_is_the_day_in_paris() {
        assert_eq!(compose::closing_day(&session("2025-07-18", None)), Ok(None));
        // Closed just after midnight in Paris: the next day there.
        let closed = compose::closing_day(&session("2025-07-18", Some("2025-07-18T22:30:00Z")));
        assert_eq!(closed, Ok(day(2025, 7, 19)));
    }

    #[test]
    fn an_unreadable_session_date_is_an_error_naming_the_session() {
        for (date, closed_at, shown) in [
            ("18/07/2025", None, "18/07/2025"),
            ("2025-07-18", Some("hier"), "hier"),
        ] {
            let s = session(date, closed_at);
            let e = compose::session_day(&s)
                .and_then(|_| compose::closing_day(&s))
                .expect_err(date);
            assert_eq!(
                e.to_string(),
                format!(
                    "séance 2 : date « {shown} » illisible ; aucun document ne peut être daté d'après elle"
                )
            );
            assert_eq!(
                e.message(Lang::En),
                format!("session 2: unreadable date “{shown}”; no document can be dated from it")
            );
        }
    }

    #[test]
    fn the_mail_carries_the_letters_day_at_the_hour_of_production_in_paris() {
        let at = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.to_utc())
                .unwrap_or_default()
        };
        // Produced at 16:42:07.5 Paris time (14:42 UTC in summer), ahead of
        // the date it carries: that day, that hour, whole seconds.
        let summer = day(2025, 7, 18)
            .map(|d| mail_date(d, at("2025-07-10T14:42:07.500Z")))
            .map(|t| t.to_rfc3339());
        assert_eq!(summer.as_deref(), Some("2025-07-18T16:42:07+02:00"));
        // The offset is the letter's day's: winter time in December.
        let winter = day(2025, 12, 1)
            .map(|d| mail_date(d, at("2025-07-10T14:42:07Z")))
            .map(|t| t.to_rfc3339());
        assert_eq!(winter.as_deref(), Some("2025-12-01T16:42:07+01:00"));
        // 2:30 does not exist in Paris on 30 March 2025: an hour later.
        let skipped = day(2025, 3, 30)
            .map(|d| mail_date(d, at("2025-03-29T01:30:00Z")))
            .map(|t| t.to_rfc3339());
        assert_eq!(skipped.as_deref(), Some("2025-03-30T03:30:00+02:00"));
    }
}
