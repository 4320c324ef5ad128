//! Completing and correcting a dossier in the app (chair or secretary):
//! a form with the fields it lacks first, then the fields letters, rules
//! and the call's intake read; each value typed is read like the importer
//! reads a cell. Saving makes a new version, audited; so does accepting the
//! version of a dossier's file changed after import.

use super::Effect;
use super::committee::Change;
use crate::app::form::{Form, Purpose};
use crate::app::state::{Mode, State};
use jury_core::call::Test;
use jury_core::completion::title;
use jury_core::dossier::{Dossier, FORMAT_FIELDS};
use jury_core::intake::{Kind, convert, kind_of, set, shown};
use serde_json::{Map, Value};

/// Opens the completion form on the current dossier.
pub(super) fn open(s: &mut State) {
    let lang = s.env.lang;
    let Some(i) = allowed_dossier(s, text::ONLY_CHAIR_SECRETARY) else {
        return;
    };
    let entry = &s.batch.entries[i];
    let d = &entry.dossier.full();
    let call = &s.batch.call;
    let mut pointers: Vec<String> = entry.to_complete.clone();
    let rules = call.eligibility.iter().filter_map(|r| match &r.test {
        Test::Pointer { pointer, .. } => Some(pointer.clone()),
        Test::ReceivedByDeadline => None,
    });
    let mapped = call
        .intake
        .iter()
        .flat_map(|i| i.columns.iter().map(|m| m.field.clone()));
    for p in FORMAT_FIELDS
        .iter()
        .map(|p| p.to_string())
        .chain(rules)
        .chain(mapped)
    {
        if !pointers.contains(&p)
            && !matches!(p.as_str(), "/reference" | "/received_at" | "/format")
        {
            pointers.push(p);
        }
    }
    let fields = pointers
        .iter()
        .map(|p| {
            let mut label = title(p, lang);
            if entry.to_complete.contains(p) {
                label = format!("{label} ({})", lang.tr(text::TO_COMPLETE));
            }
            Form::text("field", label, shown(d.pointer(p)))
        })
        .collect();
    let mut form = Form::new(
        Purpose::EditDossier {
            reference: d.reference.clone(),
            pointers,
        },
        format!("{} — {}", lang.tr(text::TITLE), d.reference),
        fields,
    );
    form.note = Some(lang.tr(text::NOTE).to_string());
    s.mode = Mode::Form(form);
}

/// The dossier as the form has it, checked like the importer checks a row
/// and like `jury check` checks a file.
pub(super) fn submit(
    s: &State,
    form: &Form,
    reference: &str,
    pointers: &[String],
) -> Result<Vec<Effect>, String> {
    let lang = s.env.lang;
    let i = s
        .entry_index(reference)
        .ok_or_else(|| reference.to_string())?;
    let d = &s.batch.entries[i].dossier.full();
    let mut raw = match &d.raw {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    let mut problems = Vec::new();
    for (pointer, field) in pointers.iter().zip(&form.fields) {
        let typed = match &field.value {
            crate::app::form::Value::Text(t) => t.as_str(),
            _ => continue,
        };
        // Left empty, a field stays out (« à compléter »): convert() reads
        // an empty yes/no as « non », which nobody answered here.
        if typed.trim().is_empty() {
            remove(&mut raw, pointer);
            continue;
        }
        let kind = kind_for(s, pointer, d);
        match convert(kind, typed) {
            Ok(Value::Null) => remove(&mut raw, pointer),
            // « Salarié » as typed is the format's `salarie`.
            Ok(Value::String(s)) if pointer == "/professional/employment" => set(
                &mut raw,
                pointer,
                Value::String(
                    jury_core::intake::employment_code(&s)
                        .map(String::from)
                        .unwrap_or(s),
                ),
            ),
            Ok(v) => set(&mut raw, pointer, v),
            Err(e) => problems.push(format!("{} : {e}", title(pointer, lang))),
        }
    }
    if !problems.is_empty() {
        return Err(problems.join(" ; "));
    }
    let content = Value::Object(raw);
    if let Err(diags) = Dossier::from_value(&content) {
        return Err(diags
            .iter()
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
            .join(" ; "));
    }
    if jury_core::dossier::content_hash(&content) == d.hash {
        return Err(lang.tr(text::NOTHING_CHANGED).to_string());
    }
    Ok(vec![Effect::Committee(Change::EditDossier {
        reference: reference.to_string(),
        content,
    })])
}

/// The form of a request for missing pieces: what is missing (what the
/// dossier lacks, to edit), by when (a fortnight), the letter's date.
pub(super) fn request_form(s: &mut State) {
    let lang = s.env.lang;
    let Some(i) = allowed_dossier(s, text::ONLY_CHAIR_SECRETARY_REQUEST) else {
        return;
    };
    let entry = &s.batch.entries[i];
    let d = &entry.dossier;
    if d.email.is_empty() && POSTAL.iter().any(|p| d.missing.contains(p)) {
        s.set_error(lang.tr(text::NO_WAY_TO_WRITE));
        return;
    }
    let lacking = entry
        .to_complete
        .iter()
        .map(|p| title(p, jury_core::fr::Lang::Fr))
        .collect::<Vec<_>>()
        .join(" ; ");
    let today = s.env.today;
    let mut form = Form::new(
        Purpose::RequestPieces {
            reference: d.reference.clone(),
        },
        format!("{} — {}", lang.tr(text::REQUEST_TITLE), d.reference),
        vec![
            Form::text("missing", lang.tr(text::MISSING), lacking),
            Form::date(
                "due",
                lang.tr(text::DUE),
                today + chrono::Days::new(15),
                lang,
            ),
            Form::date("date", lang.tr(text::LETTER_DATE), today, lang),
        ],
    );
    form.note = Some(lang.tr(text::REQUEST_NOTE).to_string());
    s.mode = Mode::Form(form);
}

/// The request as the form has it: at least one item, a due date on or
/// after the letter's.
pub(super) fn request(s: &State, form: &Form, reference: &str) -> Result<Vec<Effect>, String> {
    let lang = s.env.lang;
    let missing: Vec<String> = form
        .text_of("missing")
        .split(';')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect();
    if missing.is_empty() {
        return Err(lang.tr(text::SAY_WHAT_IS_MISSING).into());
    }
    let due = form.date_of("due").map_err(|e| e.message(lang))?;
    let on = form.date_of("date").map_err(|e| e.message(lang))?;
    if due < on {
        return Err(lang.tr(text::DUE_BEFORE_LETTER).into());
    }
    Ok(vec![Effect::RequestPieces {
        reference: reference.to_string(),
        missing,
        due,
        on,
    }])
}

/// The fields a letter needs to go by post.
const POSTAL: &[&str] = &[
    "/structure/address/street",
    "/structure/address/postcode",
    "/structure/address/city",
];

/// Accepts the file's version of the current dossier as its next version.
pub(super) fn accept_file(s: &mut State) -> Vec<Effect> {
    let Some(i) = allowed_dossier(s, text::ONLY_CHAIR_SECRETARY) else {
        return Vec::new();
    };
    let reference = s.batch.entries[i].dossier.reference.clone();
    match s.batch.pending_files.get(&reference) {
        Some(d) => vec![Effect::Committee(Change::AcceptFile {
            reference,
            content: d.raw.clone(),
        })],
        None => {
            s.set_status(s.env.lang.tr(text::FILE_UNCHANGED));
            Vec::new()
        }
    }
}

/// The current dossier, when the active member may complete, correct or
/// ask pieces for it: chair or secretary (else `who` is said), and not in
/// conflict of interest on it.
fn allowed_dossier(s: &mut State, who: jury_core::fr::Tr) -> Option<usize> {
    if !super::permitted(s, s.may_decide(), who) {
        return None;
    }
    let i = s.current_index()?;
    (!refused_in_conflict(s, i)).then_some(i)
}

/// A member in conflict of interest on the dossier may not complete or
/// correct it, nor ask for its pieces: says so and returns true.
fn refused_in_conflict(s: &mut State, i: usize) -> bool {
    let reference = &s.batch.entries[i].dossier.reference;
    let conflicted = s
        .reviewer
        .as_deref()
        .is_some_and(|me| s.batch.committee.in_conflict(reference, me));
    if conflicted {
        s.set_error(s.env.lang.tr(text::IN_CONFLICT));
    }
    conflicted
}

/// How a field is read: as the call's intake maps it, as its value is, or
/// as a rule compares it (a minimum wants a number, a yes/no a box).
fn kind_for(s: &State, pointer: &str, d: &Dossier) -> Kind {
    let current = d.pointer(pointer).filter(|v| !v.is_null());
    if current.is_none() {
        for rule in &s.batch.call.eligibility {
            if let Test::Pointer {
                pointer: p,
                equals,
                min,
                max,
                ..
            } = &rule.test
                && p == pointer
            {
                if min.is_some() || max.is_some() {
                    return Kind::Decimal;
                }
                if matches!(equals, Some(Value::Bool(_))) {
                    return Kind::YesNo;
                }
            }
        }
    }
    kind_of(s.batch.call.intake.as_ref(), pointer, current)
}

/// Leaves a field out (emptied in the form): it is « à compléter » again.
fn remove(root: &mut Map<String, Value>, pointer: &str) {
    let parts: Vec<&str> = pointer.split('/').skip(1).collect();
    let Some((last, path)) = parts.split_last() else {
        return;
    };
    let mut here = root;
    for p in path {
        match here.get_mut(*p) {
            Some(Value::Object(m)) => here = m,
            _ => return,
        }
    }
    here.remove(*last);
}

mod text {
    use jury_core::fr::Tr;

    pub const ONLY_CHAIR_SECRETARY: Tr = Tr::new(
        "Seuls la présidence et le secrétariat complètent ou corrigent un dossier.",
        "Only the chair and the secretary complete or correct a dossier.",
    );
    pub const ONLY_CHAIR_SECRETARY_REQUEST: Tr = Tr::new(
        "Seuls la présidence et le secrétariat demandent des pièces.",
        "Only the chair and the secretary request pieces.",
    );
    pub const NO_WAY_TO_WRITE: Tr = Tr::new(
        "Ce dossier n'a ni courriel ni adresse postale complète : complétez-le d'abord (E).",
        "This dossier has neither an e-mail nor a full postal address: complete it first (E).",
    );
    pub const REQUEST_TITLE: Tr =
        Tr::new("Demande de pièces manquantes", "Request for missing pieces");
    pub const MISSING: Tr = Tr::new(
        "Pièces ou informations manquantes (séparées par « ; »)",
        "Missing pieces or information (separated by « ; »)",
    );
    pub const DUE: Tr = Tr::new("À envoyer au plus tard le", "To be sent by");
    pub const LETTER_DATE: Tr = Tr::new("Date du courrier", "Letter date");
    pub const REQUEST_NOTE: Tr = Tr::new(
        "Le courrier (PDF, ODT et courriel EML) est écrit dans le dossier des courriers ; le dossier reste « en attente de pièces » jusqu'à la date ou jusqu'à sa prochaine version.",
        "The letter (PDF, ODT and EML e-mail) is written to the letters folder; the dossier stays « waiting for pieces » until the date or its next version.",
    );
    pub const SAY_WHAT_IS_MISSING: Tr = Tr::new(
        "Indiquez au moins une pièce ou information manquante.",
        "Say at least one missing piece or piece of information.",
    );
    pub const DUE_BEFORE_LETTER: Tr = Tr::new(
        "La date limite précède la date du courrier.",
        "The due date is before the letter's date.",
    );
    pub const TITLE: Tr = Tr::new(
        "Compléter / corriger le dossier",
        "Complete / correct the dossier",
    );
    pub const TO_COMPLETE: Tr = Tr::new("à compléter", "to complete");
    pub const IN_CONFLICT: Tr = Tr::new(
        "Vous êtes en conflit d'intérêts sur ce dossier : le compléter, le corriger ou y demander des pièces revient à un autre membre de la présidence ou du secrétariat.",
        "You are in conflict of interest on this dossier: completing, correcting it or asking for its pieces falls to another chair or secretary member.",
    );
    pub const NOTE: Tr = Tr::new(
        "Chaque enregistrement fait une nouvelle version, inscrite au journal ; les membres qui ont noté voient « modifié depuis votre note ». Oui/Non, 3,5, 03/07/2025, listes séparées par des virgules.",
        "Each save makes a new version, written to the log; members who scored see « changed since your score ». Oui/Non, 3,5, 03/07/2025, lists separated by commas.",
    );
    pub const NOTHING_CHANGED: Tr = Tr::new(
        "Rien n'a changé : aucune nouvelle version.",
        "Nothing changed: no new version.",
    );
    pub const FILE_UNCHANGED: Tr = Tr::new(
        "Le fichier de ce dossier n'a pas changé depuis son import.",
        "This dossier's file has not changed since it was imported.",
    );
}
