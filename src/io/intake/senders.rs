//! Messages become dossiers: one per sender address. The first message
//! starts the dossier; later ones are amendments, kept with their own
//! times, and those received after the call's deadline are marked late.
//! A fillable PDF form attached fills the dossier's fields through the
//! call's `intake`.

use super::mail::{Item, Message};
use super::{Candidate, Run, attachment, form, piece_name};
use chrono::{DateTime, FixedOffset};
use jury_core::fr::Lang;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Where each message of a mail dossier is kept.
const MESSAGES: &str = "courriels";
/// The prefix of mail references when the call sets none: `MEL-001`.
pub const MAIL_PREFIX: &str = "MEL-";
/// Fields a mail dossier takes from its messages, never from a form.
const FROM_MESSAGES: &[&str] = &["/format", "/reference", "/received_at", "/structure/email"];

impl Run<'_> {
    pub(super) fn mails(&mut self, read: Vec<Item>) {
        let mut by_sender: BTreeMap<String, Vec<Message>> = BTreeMap::new();
        for (at, m) in read {
            match m {
                Ok(m) => by_sender.entry(m.from.clone()).or_default().push(m),
                Err(e) => self.report.error(format!("{at}: {e}")),
            }
        }
        if by_sender.is_empty() {
            return;
        }
        let known = self.known_senders();
        let mut senders: Vec<(String, Vec<Message>)> = by_sender.into_iter().collect();
        for (_, list) in &mut senders {
            list.sort_by_key(|m| m.received_at);
        }
        // New references are numbered in the order of first reception.
        senders.sort_by_key(|(_, list)| list.first().map(|m| m.received_at));
        let mut taken: BTreeSet<String> = known.references.clone();
        let prefix = match self.options.intake.reference_prefix.as_str() {
            "" => MAIL_PREFIX,
            p => p,
        };
        for (address, list) in senders {
            let reference = match known.by_address.get(&address) {
                Some(r) => r.clone(),
                None => {
                    let r = (1..)
                        .map(|n| format!("{prefix}{n:03}"))
                        .find(|r| !taken.contains(r))
                        .unwrap_or_default();
                    taken.insert(r.clone());
                    r
                }
            };
            self.sender(&address, &reference, list);
        }
    }

    /// The addresses of the dossiers already in `dossiers/` and every
    /// reference there: a sender imported before keeps its reference.
    fn known_senders(&self) -> Known {
        let mut known = Known::default();
        let Ok(dir) = std::fs::read_dir(self.call_dir.join("dossiers")) else {
            return known;
        };
        let mut files: Vec<_> = dir.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for path in files {
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            if let Some(stem) = path.file_stem() {
                known.references.insert(stem.to_string_lossy().into_owned());
            }
            let Some(d) = std::fs::read(&path)
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            else {
                continue;
            };
            if let (Some(r), Some(e)) = (
                d.get("reference").and_then(Value::as_str),
                d.pointer("/structure/email").and_then(Value::as_str),
            ) {
                known
                    .by_address
                    .entry(e.trim().to_lowercase())
                    .or_insert_with(|| r.to_string());
            }
        }
        known
    }

    /// One sender's dossier: the one already imported, or a new one, with
    /// every message it does not hold yet.
    fn sender(&mut self, address: &str, reference: &str, list: Vec<Message>) {
        let Some(first) = list.first() else {
            return;
        };
        let at = first.at.clone();
        let path = self
            .call_dir
            .join("dossiers")
            .join(format!("{reference}.json"));
        let mut dossier = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .filter(Value::is_object)
            .unwrap_or_else(|| {
                json!({
                    "format": jury_core::dossier::FORMAT,
                    "reference": reference,
                    "received_at": first.received_at.to_rfc3339(),
                    "structure": { "email": address },
                })
            });
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let mut new_at = None;
        for m in &list {
            if let Some(names) = held(&dossier, m) {
                // Already in the dossier: its pieces are compared with
                // the files, in the order they were saved.
                for (name, (_, bytes)) in names.into_iter().zip(&m.attachments) {
                    add_file(&mut files, name, bytes.clone());
                }
                continue;
            }
            new_at.get_or_insert_with(|| m.at.clone());
            self.message(&mut dossier, reference, m, &mut files);
        }
        self.settle(Candidate {
            at: new_at.unwrap_or(at),
            reference: reference.to_string(),
            dossier,
            files,
        });
    }

    /// Adds one message to its dossier: its text, its pieces (late ones
    /// marked), and the fields of a fillable form among them.
    fn message(
        &mut self,
        dossier: &mut Value,
        reference: &str,
        m: &Message,
        files: &mut Vec<(String, Vec<u8>)>,
    ) {
        let late = self.late(m.received_at);
        if late {
            self.report.lines.push(format!(
                "{}: {reference} : courriel reçu le {}, après la date limite du {} (en retard)",
                m.at,
                when(m.received_at),
                Lang::Fr.date(self.options.deadline)
            ));
        }
        if m.attachments.is_empty() {
            self.report
                .lines
                .push(format!("{}: aucune pièce jointe", m.at));
        }
        let mut names = Vec::new();
        for (sent, bytes) in &m.attachments {
            let name = unique(dossier, files, &piece_name(sent), bytes);
            if add_file(files, name.clone(), bytes.clone()) {
                push(
                    dossier,
                    "attachments",
                    attachment(reference, sent, &name, late),
                );
            }
            names.push(Value::from(name));
            let is_pdf = sent.to_lowercase().ends_with(".pdf") || bytes.starts_with(b"%PDF-");
            if is_pdf && let Ok(fields) = form::fields(bytes) {
                let place = format!("{}: {sent}", m.at);
                if let Some(values) = self.form_values(&fields, &place) {
                    self.fill(dossier, &values, &place, reference);
                }
            }
        }
        let mut entry = Map::new();
        entry.insert("recu_le".into(), Value::from(m.received_at.to_rfc3339()));
        entry.insert("objet".into(), Value::from(m.subject.clone()));
        entry.insert("texte".into(), Value::from(m.text.clone()));
        entry.insert("pieces".into(), Value::Array(names));
        if late {
            entry.insert("en_retard".into(), Value::Bool(true));
        }
        push(dossier, MESSAGES, Value::Object(entry));
    }

    fn late(&self, t: DateTime<FixedOffset>) -> bool {
        t.with_timezone(&chrono_tz::Europe::Paris).date_naive() > self.options.deadline
    }

    /// A form's values fill the fields the dossier does not have; a value
    /// that differs from an earlier one is an amendment, named.
    fn fill(&mut self, dossier: &mut Value, values: &Value, at: &str, reference: &str) {
        let mut leaves = Vec::new();
        leaves_of(values, String::new(), &mut leaves);
        for (pointer, v) in leaves {
            if FROM_MESSAGES.contains(&pointer.as_str()) {
                continue;
            }
            match dossier.pointer(&pointer) {
                Some(old) if old == &v => {}
                Some(old) => {
                    self.report.lines.push(format!(
                        "{at}: {reference} : {pointer} modifié par ce formulaire : {} → {}",
                        shown(old),
                        shown(&v)
                    ));
                    set(dossier, &pointer, v);
                }
                None => set(dossier, &pointer, v),
            }
        }
    }
}

fn set(dossier: &mut Value, pointer: &str, v: Value) {
    if let Value::Object(m) = dossier {
        jury_core::intake::set(m, pointer, v);
    }
}

#[derive(Default)]
struct Known {
    by_address: BTreeMap<String, String>,
    references: BTreeSet<String>,
}

/// The piece names of the dossier's entry for this message (same time and
/// subject), if the dossier holds it.
fn held(dossier: &Value, m: &Message) -> Option<Vec<String>> {
    let time = m.received_at.to_rfc3339();
    dossier
        .get(MESSAGES)?
        .as_array()?
        .iter()
        .find(|e| {
            e.get("recu_le").and_then(Value::as_str) == Some(time.as_str())
                && e.get("objet").and_then(Value::as_str) == Some(m.subject.as_str())
        })
        .map(|e| {
            e.get("pieces")
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        })
}

/// Adds a piece to the files to write unless one of that name is there;
/// whether it was added.
fn add_file(files: &mut Vec<(String, Vec<u8>)>, name: String, bytes: Vec<u8>) -> bool {
    if files.iter().any(|(n, _)| *n == name) {
        return false;
    }
    files.push((name, bytes));
    true
}

/// `name`, or `name-2`, `name-3`… when a different piece of the dossier
/// has it; the same bytes under the same name are the same piece.
fn unique(dossier: &Value, files: &[(String, Vec<u8>)], name: &str, bytes: &[u8]) -> String {
    let listed: BTreeSet<String> = dossier
        .get("attachments")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|a| a.get("path").and_then(Value::as_str))
                .filter_map(|p| p.rsplit('/').next())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_string(), format!(".{e}")),
        None => (name.to_string(), String::new()),
    };
    (1..)
        .map(|n| match n {
            1 => name.to_string(),
            n => format!("{stem}-{n}{ext}"),
        })
        .find(
            |candidate| match files.iter().find(|(n, _)| n == candidate) {
                Some((_, b)) => b == bytes,
                None => !listed.contains(candidate),
            },
        )
        .unwrap_or_default()
}

fn push(dossier: &mut Value, key: &str, v: Value) {
    if let Value::Object(m) = dossier {
        let list = m.entry(key).or_insert_with(|| Value::Array(Vec::new()));
        if !list.is_array() {
            *list = Value::Array(Vec::new());
        }
        if let Value::Array(l) = list {
            l.push(v);
        }
    }
}

/// Every value of an object that is not itself an object, by JSON Pointer.
fn leaves_of(v: &Value, at: String, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let key = k.replace('~', "~0").replace('/', "~1");
                leaves_of(v, format!("{at}/{key}"), out);
            }
        }
        v => out.push((at, v.clone())),
    }
}

fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("« {s} »"),
        v => v.to_string(),
    }
}

/// `8 juillet 2025 à 10:05`, Paris time.
fn when(t: DateTime<FixedOffset>) -> String {
    let local = t.with_timezone(&chrono_tz::Europe::Paris);
    format!(
        "{} à {}",
        Lang::Fr.date(local.date_naive()),
        local.format("%H:%M")
    )
}
