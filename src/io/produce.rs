//! Producing letters and minutes from a database: every template is checked
//! for every letter before any file is written; files are written whole
//! (temporary file, then rename) and recorded with their hash.

use crate::store::Store;
use chrono::{NaiveDate, TimeZone};
use jury_core::aggregate::DossierAggregate;
use jury_core::call::Call;
use jury_core::committee::Committee;
use jury_core::compose::{self, LetterInput, MinutesInput};
use jury_core::document::Document;
use jury_core::dossier::Dossier;
use jury_core::records::{DecisionRow, Session};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Everything letters and minutes are made from, read once.
pub struct Source {
    pub call: Call,
    pub dossiers: Vec<Dossier>,
    pub committee: Committee,
    pub templates: BTreeMap<String, String>,
}

pub fn load(store: &Store) -> Result<Source, String> {
    let raw = store.stored_call().map_err(|e| e.to_string())?.ok_or(
        "cette base ne contient pas d'appel : ouvrez d'abord le dossier de l'appel avec jury",
    )?;
    let call = Call::from_value(&raw).map_err(|d| {
        d.iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let dossiers = store.load_dossiers().map_err(|e| e.to_string())?;
    let scores: BTreeMap<(String, String, String), f64> = store
        .load_scores()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter_map(|r| r.value.map(|v| ((r.reference, r.member, r.criterion), v)))
        .collect();
    let data = store.load_committee().map_err(|e| e.to_string())?;
    let refs: Vec<&Dossier> = dossiers.iter().collect();
    let committee = Committee::build(&call, &refs, &scores, data, Default::default());
    let templates = store.templates().map_err(|e| e.to_string())?;
    Ok(Source {
        call,
        dossiers,
        committee,
        templates,
    })
}

/// A letter ready to write.
pub struct Prepared {
    pub reference: String,
    pub decision_id: i64,
    pub kind: String,
    pub document: Document,
    pub letter_date: NaiveDate,
    pub to: (String, String),
}

fn closed_date(s: &Session) -> Option<NaiveDate> {
    let at = s.closed_at.as_ref()?;
    chrono::DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|t| jury_core::eligibility::local_date(&t))
}

/// The final decisions (current, in a closed session) and their session.
pub fn final_decisions(src: &Source) -> Vec<(&DecisionRow, &Session)> {
    let mut out: Vec<(&DecisionRow, &Session)> = src
        .committee
        .decisions
        .values()
        .filter_map(|d| {
            let s = src
                .committee
                .data
                .sessions
                .iter()
                .find(|s| s.id == d.session_id)?;
            (!s.is_open()).then_some((d, s))
        })
        .collect();
    out.sort_by(|a, b| a.0.reference.cmp(&b.0.reference));
    out
}

/// Composes every letter (or one), reporting every template problem first.
pub fn prepare(src: &Source, only: Option<&str>) -> Result<Vec<Prepared>, Vec<String>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (d, session) in final_decisions(src) {
        if only.is_some_and(|r| r != d.reference) {
            continue;
        }
        let Some(i) = src.dossiers.iter().position(|x| x.reference == d.reference) else {
            continue;
        };
        let dossier = &src.dossiers[i];
        let session_date = NaiveDate::parse_from_str(&session.date, "%Y-%m-%d").unwrap_or_default();
        let letter_date = closed_date(session).unwrap_or(session_date);
        let input = LetterInput {
            call: &src.call,
            dossier,
            decision: d,
            session_date,
            letter_date,
            aggregate: src.committee.aggregates.get(i),
            basis: src.committee.basis,
            rank: src.committee.rank_of(&d.reference).and_then(|r| r.rank),
            templates: &src.templates,
        };
        match compose::letter(&input) {
            Ok(document) => out.push(Prepared {
                reference: d.reference.clone(),
                decision_id: d.id,
                kind: d.kind.clone(),
                document,
                letter_date,
                to: (dossier.structure.clone(), dossier.email.clone()),
            }),
            Err(diags) => errors.extend(
                diags
                    .iter()
                    .map(|x| format!("{x} (dossier {})", d.reference)),
            ),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Writes a produced file whole, as its error text says.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::io::files::write_atomic(path, bytes).map_err(|e| e.to_string())
}

/// One letter as PDF, ODT and EML in `out`, recorded in the store.
pub fn write_letter(
    store: &mut Store,
    src: &Source,
    p: &Prepared,
    out: &Path,
    actor: &str,
) -> Result<PathBuf, String> {
    std::fs::create_dir_all(out)
        .map_err(|e| format!("{} : {}", out.display(), jury_core::fr::io_message(&e)))?;
    let stem = format!("{}-{}", p.reference, p.kind);
    let pdf = crate::io::render::pdf::render(&p.document)?;
    let odt = crate::io::render::odt::render(&p.document)?;
    let (subject, body) = compose::mail_text(
        &src.call,
        &src.dossiers
            .iter()
            .find(|d| d.reference == p.reference)
            .cloned()
            .ok_or("?")?,
        p.document.subject.as_deref(),
    );
    let noon = chrono_tz::Europe::Paris
        .from_local_datetime(&p.letter_date.and_hms_opt(9, 0, 0).unwrap_or_default())
        .single()
        .map(|t| t.fixed_offset())
        .unwrap_or_else(|| chrono::Utc::now().fixed_offset());
    let pdf_hash = jury_core::sha256_hex(&pdf);
    let mail = crate::io::render::eml::Mail {
        from: (
            src.call.issuer.name.clone(),
            src.call.issuer.contact_email.clone().unwrap_or_default(),
        ),
        to: p.to.clone(),
        subject,
        body,
        attachment: Some((format!("{stem}.pdf"), pdf.clone())),
        date: noon,
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
    write_atomic(&pdf_path, &pdf)?;
    write_atomic(&odt_path, &odt)?;
    write_atomic(&eml_path, &eml)?;
    store
        .record_letter(
            actor,
            &p.reference,
            p.decision_id,
            (
                &pdf_path.display().to_string(),
                &odt_path.display().to_string(),
                Some(&eml_path.display().to_string()),
            ),
            &pdf_hash,
        )
        .map_err(|e| e.to_string())?;
    Ok(pdf_path)
}

/// The minutes of every session (or one) as PDF and ODT in `out`.
pub fn write_minutes(
    store: &Store,
    src: &Source,
    out: &Path,
    only: Option<i64>,
) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(out)
        .map_err(|e| format!("{} : {}", out.display(), jury_core::fr::io_message(&e)))?;
    let head = crate::store::audit::verify_file(store.path())
        .ok()
        .and_then(|v| v.head);
    let dossiers: Vec<&Dossier> = src.dossiers.iter().collect();
    let verdicts: Vec<jury_core::eligibility::Verdict> = src
        .dossiers
        .iter()
        .map(|d| match src.committee.overrides.get(&d.reference) {
            Some(o) if o.eligible => jury_core::eligibility::Verdict::Eligible,
            Some(_) => jury_core::eligibility::Verdict::Ineligible,
            None => jury_core::eligibility::evaluate(&src.call, d, jury_core::fr::Lang::Fr).verdict,
        })
        .collect();
    let mut written = Vec::new();
    for session in &src.committee.data.sessions {
        if only.is_some_and(|id| id != session.id) {
            continue;
        }
        let doc = compose::minutes(&MinutesInput {
            call: &src.call,
            session,
            committee: &src.committee,
            dossiers: &dossiers,
            verdicts: &verdicts,
            audit_head: head.clone(),
        });
        let stem = format!("PV-{}-seance-{}", session.date, session.id);
        let pdf = out.join(format!("{stem}.pdf"));
        let odt = out.join(format!("{stem}.odt"));
        write_atomic(&pdf, &crate::io::render::pdf::render(&doc)?)?;
        write_atomic(&odt, &crate::io::render::odt::render(&doc)?)?;
        written.push(pdf);
        written.push(odt);
    }
    if written.is_empty() {
        return Err("aucune séance : ouvrez une séance dans la vue comité".into());
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
