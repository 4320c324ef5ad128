//! Exports for the CAF's own tools: CSV that opens right in a French
//! spreadsheet (UTF-8 with BOM, `;`, decimal comma) and JSON with everything.

use crate::io::produce::Source;
use crate::store::audit::VerifyError;
use crate::store::{Store, StoreError};
use jury_core::fr::Lang;
use serde_json::{Value, json};

/// Why an export was not made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    Csv(#[from] csv::Error),
    Json(#[from] serde_json::Error),
    Store(#[from] StoreError),
    Verify(#[from] VerifyError),
}

impl ExportError {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            // The libraries' own words: they describe a bug, not the user's data.
            ExportError::Csv(e) => e.to_string(),
            ExportError::Json(e) => e.to_string(),
            ExportError::Store(e) => e.message(lang),
            ExportError::Verify(e) => e.message(lang),
        }
    }
}

jury_core::french_display!(ExportError);

fn num(x: Option<f64>, decimals: usize) -> String {
    // No thousands separator: spreadsheets read "1234,5", not "1 234,5".
    x.map(|v| format!("{v:.decimals$}").replace('.', ","))
        .unwrap_or_default()
}

/// A cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab,
/// carriage return first) gets a leading `'`, as OWASP recommends: a
/// structure's name written by an applicant stays text in Excel or Calc.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// One row per dossier: eligibility, each criterion's mean, median and
/// spread, the totals, rank and decision. In a call with lots (one part
/// per lot, [`crate::io::produce::load_parts`]) one row per dossier and
/// lot it answers, the lot named second, each lot's criteria in columns
/// of their own.
pub fn csv(parts: &[Source]) -> Result<Vec<u8>, ExportError> {
    let lang = Lang::Fr;
    let Some(src) = parts.first() else {
        return Ok("\u{FEFF}".as_bytes().to_vec());
    };
    let lotted = src.lot.is_some();
    // Every lot's grid, each criterion once, in the order the lots give.
    let mut criteria: Vec<&jury_core::call::Criterion> = Vec::new();
    for c in parts.iter().flat_map(|p| &p.call.criteria) {
        if !criteria.iter().any(|x| x.id == c.id) {
            criteria.push(c);
        }
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let mut header: Vec<String> = [
        "Référence",
        "Structure",
        "Commune",
        "Reçu le",
        "Hors délai",
        "Recevabilité",
        "Dérogation",
        "Priorités",
        "Évaluations",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if lotted {
        header.insert(1, "Lot".to_string());
    }
    for c in &criteria {
        header.push(format!("{} — moyenne", c.label));
        header.push(format!("{} — médiane", c.label));
        header.push(format!("{} — écart", c.label));
    }
    for h in [
        "Total (moyennes)",
        "Total (médianes)",
        "Total consensus",
        "Total sur 100",
        "Contesté",
        "Rang",
        "Décision",
        "Motivation",
    ] {
        header.push(h.to_string());
    }
    // A call with an envelope says what each accepted dossier was granted.
    if src.call.budget.is_some() {
        header.push("Montant accordé".to_string());
    }
    // A call with auditions says who was convened and how the stages ended.
    if src.audition.is_some() {
        for h in [
            "Convoqué à l'audition",
            "Absent à l'audition",
            "Note d'audition",
            "Note finale",
            "Rang final",
        ] {
            header.push(h.to_string());
        }
    }
    for h in [
        "Version du dossier",
        "Pièces demandées le",
        "Pièces attendues le",
        "Complété le",
        "Représentant",
        "Qualité du représentant",
        "Courriel",
        "Adresse",
        "Code postal",
        "Date de la décision",
        "Courrier daté du",
        "Courrier produit le",
        "Envoyé le",
        "Envoyé par",
        "Accusé de réception le",
        "Rang sur la liste complémentaire",
        "Désisté le",
        "Promu le",
    ] {
        header.push(h.to_string());
    }
    w.write_record(header.iter().map(|c| neutralise(c).into_owned()))?;
    for src in parts {
        rows(&mut w, src, &criteria, lang)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    let mut out = "\u{FEFF}".as_bytes().to_vec();
    out.extend(body);
    Ok(out)
}

/// One part's rows: every dossier, or in a lot the dossiers answering it.
fn rows(
    w: &mut csv::Writer<Vec<u8>>,
    src: &Source,
    criteria: &[&jury_core::call::Criterion],
    lang: Lang,
) -> Result<(), ExportError> {
    for (i, d) in src.dossiers.iter().enumerate() {
        if src
            .committee
            .rank_of(&d.reference)
            .is_some_and(|r| r.unranked == Some(jury_core::ranking::Unranked::OtherLot))
        {
            continue;
        }
        let agg = &src.committee.aggregates[i];
        // One whole dossier at a time: the export reads its answers.
        let d = &d.full();
        let report = jury_core::eligibility::evaluate(&src.call, d, lang);
        let over = src.committee.overrides.get(&d.reference);
        let verdict = match (over, report.verdict) {
            (Some(o), _) if o.eligible => "recevable",
            (Some(_), _) => "irrecevable",
            (None, jury_core::eligibility::Verdict::Eligible) => "recevable",
            (None, jury_core::eligibility::Verdict::Ineligible) => "irrecevable",
            (None, jury_core::eligibility::Verdict::Unknown) => "à vérifier",
        };
        let mut row = vec![
            d.reference.clone(),
            d.structure.clone(),
            d.city.clone(),
            jury_core::eligibility::local_date(&d.received_at)
                .format("%d/%m/%Y")
                .to_string(),
            if jury_core::eligibility::is_late(&src.call, d) {
                "oui"
            } else {
                "non"
            }
            .to_string(),
            verdict.to_string(),
            over.map(|o| o.justification.clone()).unwrap_or_default(),
            report.priorities.join(" ; "),
            agg.reviews.to_string(),
        ];
        if let Some(lot) = &src.lot {
            row.insert(1, lot.label.clone());
        }
        // Another lot's criterion stays empty: this lot does not score it.
        for c in criteria {
            match src
                .call
                .criterion_index(&c.id)
                .and_then(|k| agg.criteria.get(k))
            {
                Some(st) => {
                    row.push(num(st.mean, 2));
                    row.push(num(st.median, 2));
                    row.push(num(st.spread, 2));
                }
                None => row.extend([String::new(), String::new(), String::new()]),
            }
        }
        let decision = src.committee.decisions.get(&d.reference);
        row.push(num(agg.total_mean, 2));
        row.push(num(agg.total_median, 2));
        row.push(num(agg.consensus_total, 2));
        row.push(num(
            crate::io::produce::on_100(&src.call, agg, src.committee.basis),
            1,
        ));
        row.push(if agg.contested { "oui" } else { "non" }.into());
        // No rank number for an ineligible or unscored dossier: the reason.
        row.push(match src.committee.rank_of(&d.reference) {
            Some(r) => match (r.rank, r.unranked) {
                (Some(n), _) => n.to_string(),
                (None, Some(why)) => why.label(lang).to_string(),
                (None, None) => String::new(),
            },
            None => String::new(),
        });
        row.push(
            decision
                .map(|x| {
                    jury_core::decision::kind(&src.call, &x.kind, lang)
                        .map(|k| k.label)
                        .unwrap_or(x.kind.clone())
                })
                .unwrap_or_default(),
        );
        row.push(decision.map(|x| x.motivation.clone()).unwrap_or_default());
        if src.call.budget.is_some() {
            row.push(num(decision.and_then(|x| x.amount), 2));
        }
        if let Some(a) = &src.audition {
            row.extend(audition_cells(a, i, &d.reference, lang));
        }
        row.push(
            src.versions
                .get(&d.reference)
                .copied()
                .unwrap_or(1)
                .to_string(),
        );
        // The latest request: when it was asked, for when, when answered.
        let request = src
            .requests
            .iter()
            .rev()
            .find(|r| r.reference == d.reference);
        let fr_day = |day: chrono::NaiveDate| day.format("%d/%m/%Y").to_string();
        row.push(request.map(|r| fr_day(r.letter_date)).unwrap_or_default());
        row.push(request.map(|r| fr_day(r.due)).unwrap_or_default());
        row.push(
            request
                .and_then(|r| r.completed_at.as_deref())
                .and_then(jury_core::request::day_of)
                .map(fr_day)
                .unwrap_or_default(),
        );
        row.extend(follow_up(src, d, decision));
        row.push(
            decision
                .and_then(|x| x.waitlist_rank)
                .map(|n| n.to_string())
                .unwrap_or_default(),
        );
        row.extend(withdrawal_cells(src, &d.reference));
        w.write_record(row.iter().map(|c| neutralise(c).into_owned()))?;
    }
    Ok(())
}

/// The audition stage's five columns for the dossier at `i`: convened,
/// absent, audition total, final score, final rank (or why none).
fn audition_cells(
    a: &jury_core::committee::Committee,
    i: usize,
    reference: &str,
    lang: Lang,
) -> Vec<String> {
    let Some(finals) = &a.finals else {
        return vec![String::new(); 5];
    };
    if !finals.convened.iter().any(|r| r == reference) {
        return vec![
            "non".into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ];
    }
    let absent = a.data.absent(reference);
    vec![
        "oui".into(),
        if absent { "oui" } else { "non" }.into(),
        num(a.aggregates.get(i).and_then(|x| x.official(a.basis)), 2),
        num(finals.final_score.get(reference).copied(), 2),
        match a.rank_of(reference) {
            Some(r) => match (r.rank, r.unranked) {
                (Some(n), _) => n.to_string(),
                (None, Some(why)) => why.label(lang).to_string(),
                (None, None) => String::new(),
            },
            None => String::new(),
        },
    ]
}

/// The columns a mail merge and the follow-up of letters need: who to
/// write to and where, when the decision was taken, and where its letter
/// stands (dated, produced, sent and how, acknowledged), as `DD/MM/YYYY`.
fn follow_up(
    src: &Source,
    d: &jury_core::dossier::Dossier,
    decision: Option<&jury_core::records::DecisionRow>,
) -> Vec<String> {
    let text = |pointer: &str| {
        d.raw
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    let fr_day = |day: chrono::NaiveDate| day.format("%d/%m/%Y").to_string();
    // Dates stored as AAAA-MM-JJ, or RFC 3339 instants read in Paris.
    let iso_day = |stored: Option<&str>| {
        stored
            .and_then(|s| {
                s.parse::<chrono::NaiveDate>()
                    .ok()
                    .or_else(|| jury_core::request::day_of(s))
            })
            .map(fr_day)
            .unwrap_or_default()
    };
    let session = decision.and_then(|x| {
        src.committee
            .data
            .sessions
            .iter()
            .find(|s| s.id == x.session_id)
    });
    let letter = decision.and_then(|x| {
        src.letters
            .iter()
            .find(|l| l.reference == d.reference && l.decision_id == x.id)
    });
    let channel = match letter.and_then(|l| l.channel.as_deref()) {
        Some("post") => "courrier postal",
        Some(_) => "courriel",
        None => "",
    };
    vec![
        d.representative.clone(),
        text("/structure/representative/title"),
        d.email.clone(),
        text("/structure/address/street"),
        d.postcode.clone(),
        iso_day(session.map(|s| s.date.as_str())),
        iso_day(letter.and_then(|l| l.signed_on.as_deref())),
        iso_day(letter.map(|l| l.generated_at.as_str())),
        iso_day(letter.and_then(|l| l.sent_at.as_deref())),
        channel.to_string(),
        iso_day(letter.and_then(|l| l.acknowledged_at.as_deref())),
    ]
}

/// « Désisté le » (the day the withdrawal was received) and « Promu le »
/// (the day of the session that promoted them from the waiting list).
fn withdrawal_cells(src: &Source, reference: &str) -> [String; 2] {
    let data = &src.committee.data;
    let fr_day = |iso: &str| {
        chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_else(|_| iso.to_string())
    };
    let withdrew = data
        .withdrawals
        .iter()
        .find(|w| w.reference == reference)
        .map(|w| fr_day(&w.received_on));
    let promoted = data
        .withdrawals
        .iter()
        .find_map(|w| match &w.promoted {
            Some((p, sid)) if p == reference => Some(*sid),
            _ => None,
        })
        .and_then(|sid| data.sessions.iter().find(|s| s.id == sid))
        .map(|s| fr_day(&s.date));
    [withdrew.unwrap_or_default(), promoted.unwrap_or_default()]
}

/// Everything: the call, each dossier with its individual scores,
/// aggregates, decision, the sessions, withdrawals, institutions'
/// validations, letters and the audit trail.
/// A dossier's current decision in `src` (the call's or a lot's).
fn decision_json(src: &Source, reference: &str) -> Option<Value> {
    src.committee.decisions.get(reference).map(|x| {
        json!({
            "kind": x.kind, "motivation": x.motivation, "condition": x.condition,
            "waitlist_rank": x.waitlist_rank, "documents": x.documents,
            "without_quorum": x.without_quorum, "guarded": x.guarded, "amount": x.amount,
            "budget_override": x.budget_override, "session": x.session_id, "by": x.by, "at": x.at,
            "final": src.committee.frozen(reference),
        })
    })
}

/// Everything, as JSON. `src` is the whole call's source; in a call with
/// lots, `parts` has one per lot and each dossier says, per lot it
/// answers, its rank and decision there.
pub fn json(store: &Store, src: &Source, parts: &[Source]) -> Result<Vec<u8>, ExportError> {
    let scores = store.load_scores()?;
    let conn_events = crate::store::audit::verify_file_keyed(store.path(), store.passphrase())?;
    let events = store.events()?;
    let letters = store.letters()?;
    let dossiers: Vec<Value> = src
        .dossiers
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let agg = &src.committee.aggregates[i];
            let d = &d.full();
            json!({
                "reference": d.reference,
                "dossier": d.raw,
                "eligibility": jury_core::eligibility::evaluate(&src.call, d, Lang::Fr).checks.iter().map(|c| json!({
                    "rule": c.rule_id, "required": c.required,
                    "outcome": match &c.outcome {
                        jury_core::eligibility::Outcome::Met => json!({"met": true}),
                        jury_core::eligibility::Outcome::NotMet(r) => json!({"met": false, "reason": r}),
                        jury_core::eligibility::Outcome::Unknown(r) => json!({"met": null, "reason": r}),
                    }
                })).collect::<Vec<_>>(),
                "override": src.committee.overrides.get(&d.reference).map(|o| json!({"eligible": o.eligible, "justification": o.justification, "by": o.by})),
                "scores": scores.iter().filter(|s| s.reference == d.reference).map(|s| json!({
                    "member": s.member, "criterion": s.criterion, "value": s.value, "comment": s.comment
                })).collect::<Vec<_>>(),
                "aggregates": {
                    "criteria": agg.criteria.iter().map(|c| json!({
                        "criterion": &*c.id, "n": c.n, "mean": c.mean, "median": c.median, "spread": c.spread,
                        "contested": c.contested, "consensus": c.consensus
                    })).collect::<Vec<_>>(),
                    "member_totals": agg.member_totals,
                    "total_mean": agg.total_mean,
                    "total_median": agg.total_median,
                    "consensus_total": agg.consensus_total,
                    "contested": agg.contested,
                    "conflicted": agg.conflicted,
                },
                "rank": src.committee.rank_of(&d.reference).and_then(|r| r.rank),
                "unranked": src.committee.rank_of(&d.reference).and_then(|r| r.unranked).map(|u| u.label(Lang::Fr)),
                "decision": decision_json(src, &d.reference),
                "lots": parts.iter().filter_map(|p| {
                    let lot = p.lot.as_ref()?;
                    let ranked = p.committee.rank_of(&d.reference)?;
                    (ranked.unranked != Some(jury_core::ranking::Unranked::OtherLot)).then(|| json!({
                        "lot": lot.id,
                        "rank": ranked.rank,
                        "unranked": ranked.unranked.map(|u| u.label(Lang::Fr)),
                        "total": p.committee.aggregates[i].official(p.committee.basis),
                        "decision": decision_json(p, &d.reference),
                    }))
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "format": "jury-export/1",
        "call": src.call.raw,
        "members": src.committee.data.members.iter().map(|(n, r)| json!({"name": n, "role": r.id()})).collect::<Vec<_>>(),
        "sessions": src.committee.data.sessions.iter().map(|s| json!({
            "id": s.id, "date": s.date, "opened_by": s.opened_by, "closed_at": s.closed_at, "present": s.present,
            "stage": s.stage.id(), "lot": s.lot
        })).collect::<Vec<_>>(),
        "outcomes": src.committee.data.outcomes.iter().map(|o| json!({"session": o.session_id, "unsuccessful": o.unsuccessful, "motivation": o.motivation})).collect::<Vec<_>>(),
        "conflicts": src.committee.data.conflicts.iter().map(|c| json!({"reference": c.reference, "member": c.member, "reason": c.reason})).collect::<Vec<_>>(),
        "outcome": src.committee.data.outcome().map(|o| json!({"session": o.session_id, "unsuccessful": o.unsuccessful, "motivation": o.motivation})),
        "withdrawals": src.committee.data.withdrawals.iter().map(|w| json!({
            "reference": w.reference, "session": w.session_id, "received_on": w.received_on,
            "channel": w.channel, "by": w.by,
            "promoted": w.promoted.as_ref().map(|(r, _)| r),
            "promoted_in": w.promoted.as_ref().map(|(_, sid)| sid),
        })).collect::<Vec<_>>(),
        "validations": src.committee.data.validations.iter().map(|v| json!({
            "session": v.session_id, "institution": v.institution, "validated": v.validated,
            "signed_by": v.by, "signed_on": v.on.format("%Y-%m-%d").to_string(), "reasons": v.reasons,
        })).collect::<Vec<_>>(),
        "ranking_rule": jury_core::ranking::RULE,
        "dossiers": dossiers,
        "letters": letters.iter().map(|l| json!({
            "reference": l.reference, "decision": l.decision_id, "pdf": l.pdf, "odt": l.odt, "eml": l.eml,
            "sha256": l.hash, "generated_at": l.generated_at, "sent_at": l.sent_at, "channel": l.channel,
            "acknowledged_at": l.acknowledged_at
        })).collect::<Vec<_>>(),
        "audit": {
            "intact": conn_events.first_break.is_none(),
            "head": conn_events.head,
            "events": events.iter().map(|e| json!({
                "id": e.id, "at": e.at, "actor": e.actor, "action": e.action, "target": e.target,
                "before": e.before.as_deref().and_then(|b| serde_json::from_str::<Value>(b).ok().or(Some(Value::String(b.to_string())))),
                "after": e.after.as_deref().and_then(|b| serde_json::from_str::<Value>(b).ok().or(Some(Value::String(b.to_string())))),
                "hash": e.hash,
            })).collect::<Vec<_>>(),
        },
    });
    Ok(serde_json::to_vec_pretty(&doc)?)
}
