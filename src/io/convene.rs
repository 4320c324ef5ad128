//! Convocations to the audition: for every candidate with a slot, a letter
//! (PDF, ODT, EML draft with the PDF and the invitation attached) and an
//! iCalendar invitation, `<reference>-convocation.*`; when the slot moved
//! since the last one, a corrected convocation `<reference>-convocation-<n>.*`
//! (same calendar UID, sequence raised); an unchanged slot, nothing. Each
//! panel member gets `jury-<name>.ics` with all their slots. Every
//! convocation is composed before any file is written, and recorded.

use crate::io::files::{FileError, write_atomic};
use crate::io::produce::{self, ProduceError};
use crate::io::render::ics;
use crate::store::Store;
use chrono::{DateTime, NaiveDate, Utc};
use jury_core::convocation::{self, ConvocationInput, ConvocationRow};
use jury_core::dossier::Card;
use jury_core::fr::Lang;
use jury_core::stage::Slot;
use std::path::{Path, PathBuf};

/// What a run wrote.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Convened {
    /// Every file written, letters first, then the panel's calendars.
    pub written: Vec<PathBuf>,
    /// First convocations.
    pub new: usize,
    /// Corrected convocations (the slot moved).
    pub corrected: usize,
    /// Panel members' calendar files.
    pub calendars: usize,
}

impl Convened {
    /// « 8 convocations, 2 rectificatives, 3 agendas de jury ».
    pub fn summary(&self, lang: Lang) -> String {
        let total = self.new + self.corrected;
        if total == 0 {
            return lang
                .t(
                    "aucune convocation nouvelle : les créneaux n'ont pas changé",
                    "no new invitation: the slots have not changed",
                )
                .into();
        }
        let s = |n: usize| if n > 1 { "s" } else { "" };
        match lang {
            Lang::Fr => format!(
                "{total} convocation{}, {} rectificative{}, {} agenda{} de jury",
                s(total),
                self.corrected,
                s(self.corrected),
                self.calendars,
                s(self.calendars)
            ),
            Lang::En => format!(
                "{total} invitation{}, {} corrected, {} panel calendar{}",
                s(total),
                self.corrected,
                self.calendars,
                s(self.calendars)
            ),
        }
    }
}

/// The calendar UID of a candidate's audition: stable for the call and the
/// reference, so a corrected invitation replaces the first in calendars.
fn uid(call_id: &str, reference: &str, who: &str) -> String {
    format!("{call_id}.{reference}.{who}@jury.invalid")
}

/// The reference `typed` names among the scheduled candidates.
fn scheduled(src: &produce::Source, slots: &[Slot], typed: &str) -> Result<String, ProduceError> {
    use jury_core::names::{Found, find};
    match find(typed, slots.iter().map(|s| s.reference.as_str())) {
        Found::Member(r) => Ok(r),
        _ if src.dossiers.iter().any(|d| d.reference == typed.trim()) => {
            Err(ProduceError::NotScheduled(typed.trim().to_string()))
        }
        Found::DidYouMean(close) => Err(ProduceError::UnknownDossier {
            typed: typed.to_string(),
            close,
        }),
        Found::Unknown | Found::Unreadable => Err(ProduceError::UnknownDossier {
            typed: typed.to_string(),
            close: Vec::new(),
        }),
    }
}

struct Ready {
    row: ConvocationRow,
    composed: convocation::Convocation,
    slot: Slot,
    to: (String, String),
}

/// Produces every new or changed convocation (or one dossier's) in `out`,
/// and the panel's calendars, from the timetable as it stands, as of `now`.
pub fn produce(
    store: &mut Store,
    out: &Path,
    only: Option<&str>,
    lang: Lang,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Convened, Vec<ProduceError>> {
    let src = produce::load(store).map_err(|e| vec![e])?;
    let audition = src
        .call
        .audition
        .clone()
        .ok_or_else(|| vec![ProduceError::NoAudition])?;
    let slots = store.slots().map_err(|e| vec![e.into()])?;
    let slots = slots.as_slice();
    if slots.is_empty() {
        return Err(vec![ProduceError::NoSlot]);
    }
    // One dossier: it must have a slot; a reference typed close to one
    // that has is suggested.
    let only = match only {
        None => None,
        Some(typed) => Some(scheduled(&src, slots, typed).map_err(|e| vec![e])?),
    };
    let only = only.as_deref();
    let done = store.convocations().map_err(|e| vec![e.into()])?;
    let today: NaiveDate = now.with_timezone(&chrono_tz::Europe::Paris).date_naive();
    let generated_at = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut ready = Vec::new();
    let mut errors = Vec::new();
    for slot in slots
        .iter()
        .filter(|s| only.is_none_or(|r| r == s.reference))
    {
        let last = done.iter().rfind(|c| c.reference == slot.reference);
        if last.is_some_and(|c| c.convenes_to(slot)) {
            continue;
        }
        let Some(dossier) = src.dossiers.iter().find(|d| d.reference == slot.reference) else {
            errors.push(ProduceError::UnknownDossier {
                typed: slot.reference.clone(),
                close: Vec::new(),
            });
            continue;
        };
        let dossier = &dossier.full();
        let n = last.map_or(1, |c| c.n + 1);
        let input = ConvocationInput {
            call: &src.call,
            audition: &audition,
            dossier,
            slot,
            letter_date: today,
            replaces: last.map(|c| c.signed_day().unwrap_or(today)),
            templates: &src.templates,
            lang,
        };
        match convocation::compose(&input) {
            Ok(composed) => {
                let stem = match n {
                    1 => format!("{}-convocation", slot.reference),
                    n => format!("{}-convocation-{n}", slot.reference),
                };
                let file = |ext: &str| out.join(format!("{stem}.{ext}")).display().to_string();
                ready.push(Ready {
                    row: ConvocationRow {
                        reference: slot.reference.clone(),
                        n,
                        day: slot.day.format("%Y-%m-%d").to_string(),
                        start: slot.span.from.format("%H:%M").to_string(),
                        end: slot.span.to.format("%H:%M").to_string(),
                        panel: slot.panel.clone(),
                        pdf: file("pdf"),
                        odt: file("odt"),
                        eml: file("eml"),
                        ics: file("ics"),
                        hash: String::new(),
                        signed_on: today.format("%Y-%m-%d").to_string(),
                        generated_at: generated_at.clone(),
                    },
                    composed,
                    slot: slot.clone(),
                    to: (dossier.structure.clone(), dossier.email.clone()),
                })
            }
            Err(diags) => errors.extend(diags.into_iter().map(|diag| ProduceError::Template {
                reference: slot.reference.clone(),
                diag,
            })),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut report = Convened::default();
    if ready.is_empty() {
        return Ok(report);
    }
    crate::io::files::create_private_dir_all(out)
        .map_err(FileError::at(out))
        .map_err(|e| vec![e.into()])?;
    let organizer = src
        .call
        .issuer
        .contact_email
        .clone()
        .map(|m| (src.call.issuer.name.clone(), m));
    for r in ready {
        let written = write_one(
            store,
            &src,
            &audition,
            &r,
            organizer.clone(),
            now,
            lang,
            actor,
        )
        .map_err(|e| vec![e])?;
        report.written.extend(written);
        if r.row.n == 1 {
            report.new += 1;
        } else {
            report.corrected += 1;
        }
    }
    // The panel's calendars follow every slot as it now stands.
    let numbers = store.convocations().map_err(|e| vec![e.into()])?;
    let conflicts: Vec<(String, String)> = src.committee.conflicts.iter().cloned().collect();
    let mut members: Vec<&String> = slots.iter().flat_map(|s| &s.panel).collect();
    members.sort();
    members.dedup();
    for member in members {
        let mine = convocation::member_slots(member, slots, &conflicts);
        if mine.is_empty() {
            continue;
        }
        let events = mine
            .iter()
            .map(|s| ics::Event {
                uid: uid(&src.call.id, &s.reference, "jury"),
                sequence: numbers
                    .iter()
                    .filter(|c| c.reference == s.reference)
                    .map(|c| c.n - 1)
                    .max()
                    .unwrap_or(0)
                    .max(0) as u32,
                day: s.day,
                from: s.span.from,
                to: s.span.to,
                text: convocation::panel_event(
                    lang,
                    &audition,
                    s,
                    src.dossiers
                        .iter()
                        .find(|d| d.reference == s.reference)
                        .map(Card::full)
                        .as_ref(),
                ),
                attendee: None,
            })
            .collect();
        let bytes = ics::render(&ics::File {
            method: "PUBLISH",
            organizer: organizer.clone(),
            stamp: now,
            events,
        });
        let path = out.join(format!("jury-{}.ics", jury_core::model::slug(member)));
        write_atomic(&path, &bytes).map_err(|e| vec![e.into()])?;
        report.written.push(path);
        report.calendars += 1;
    }
    Ok(report)
}

/// One convocation's four files, then its row and event.
#[allow(clippy::too_many_arguments)]
fn write_one(
    store: &mut Store,
    src: &produce::Source,
    audition: &jury_core::stage::Audition,
    r: &Ready,
    organizer: Option<(String, String)>,
    now: DateTime<Utc>,
    lang: Lang,
    actor: &str,
) -> Result<Vec<PathBuf>, ProduceError> {
    let pdf = crate::io::render::pdf::render(&r.composed.document)?;
    let odt = crate::io::render::odt::render(&r.composed.document)?;
    let calendar = ics::render(&ics::File {
        method: "REQUEST",
        organizer,
        stamp: now,
        events: vec![ics::Event {
            uid: uid(&src.call.id, &r.row.reference, "candidat"),
            sequence: (r.row.n - 1).max(0) as u32,
            day: r.slot.day,
            from: r.slot.span.from,
            to: r.slot.span.to,
            text: convocation::candidate_event(lang, &src.call, audition, &r.slot),
            attendee: Some(r.to.clone()),
        }],
    });
    let hash = jury_core::sha256_hex(&pdf);
    let name = |p: &str| {
        Path::new(p)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mail = crate::io::render::eml::Mail {
        from: (
            src.call.issuer.name.clone(),
            src.call.issuer.contact_email.clone().unwrap_or_default(),
        ),
        to: r.to.clone(),
        subject: r.composed.subject.clone(),
        body: r.composed.body.clone(),
        attachment: Some((name(&r.row.pdf), pdf.clone())),
        calendar: Some((name(&r.row.ics), calendar.clone())),
        date: produce::mail_date(r.composed.document.date.unwrap_or_default(), now),
        message_id: format!(
            "{}.convocation.{}.{}@jury.invalid",
            r.row.reference,
            r.row.n,
            &hash[..16]
        ),
    };
    let eml = crate::io::render::eml::render(&mail)?;
    let mut written = Vec::new();
    for (path, bytes) in [
        (&r.row.pdf, &pdf),
        (&r.row.odt, &odt),
        (&r.row.eml, &eml),
        (&r.row.ics, &calendar),
    ] {
        let path = PathBuf::from(path);
        write_atomic(&path, bytes)?;
        written.push(path);
    }
    store.record_convocation(
        actor,
        &ConvocationRow {
            hash,
            ..r.row.clone()
        },
    )?;
    Ok(written)
}
