//! The fields of a fillable PDF form (AcroForm): full names (parents'
//! partial names joined by `.`) and their values as a person would type
//! them, so the call's `intake` maps them like spreadsheet columns.

use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::BTreeSet;

/// Why a PDF gives no fields. French sentences, after the file's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("PDF illisible ({0}) ; enregistrez-le de nouveau depuis le lecteur PDF")]
    Malformed(String),
    #[error("PDF protégé par un mot de passe : demandez au candidat une copie sans mot de passe")]
    Encrypted,
    #[error(
        "ce PDF n'est pas un formulaire à remplir (aucun champ AcroForm) ; saisissez le dossier à la main ou dans un tableur"
    )]
    NoForm,
}

/// A form never nests deeper than a few levels; a cycle or a hostile file
/// stops here.
const MAX_DEPTH: usize = 32;
/// More fields than any real form (the Cerfa 12156 has about 400).
const MAX_FIELDS: usize = 10_000;

/// A form's fields, in the order the form lists them: (full name, value).
pub fn fields(bytes: &[u8]) -> Result<Vec<(String, String)>, FormError> {
    if !bytes.starts_with(b"%PDF-") {
        return Err(FormError::Malformed("pas d'en-tête %PDF".into()));
    }
    // A PDF is whatever a candidate sent: should the parser panic on one,
    // that file is unreadable, and the import goes on with the others.
    let loaded = std::panic::catch_unwind(|| Document::load_mem(bytes))
        .map_err(|_| FormError::Malformed("structure incohérente".into()))?;
    let doc = loaded.map_err(|e| match e {
        lopdf::Error::Decryption(_)
        | lopdf::Error::InvalidPassword
        | lopdf::Error::UnsupportedSecurityHandler(_) => FormError::Encrypted,
        e => FormError::Malformed(jury_core::fr::visible(&e.to_string()).into_owned()),
    })?;
    // Opened with the empty user password (a form only restricted in what
    // may be changed) it reads as any other; one lopdf could not decrypt
    // needs a password.
    if doc.trailer.has(b"Encrypt") && !doc.was_encrypted() {
        return Err(FormError::Encrypted);
    }
    let acro = doc
        .catalog()
        .ok()
        .and_then(|c| c.get_deref(b"AcroForm", &doc).ok())
        .and_then(|o| o.as_dict().ok())
        .ok_or(FormError::NoForm)?;
    let roots = acro
        .get_deref(b"Fields", &doc)
        .and_then(Object::as_array)
        .map_err(|_| FormError::NoForm)?;
    let mut walk = Walk {
        doc: &doc,
        seen: BTreeSet::new(),
        out: Vec::new(),
    };
    for kid in roots {
        walk.node(kid, "", &Inherited::default(), 0);
    }
    if walk.out.is_empty() {
        return Err(FormError::NoForm);
    }
    Ok(walk.out)
}

/// What a field takes from its parents when it does not say: its type,
/// flags and value.
#[derive(Default, Clone)]
struct Inherited {
    kind: Option<Vec<u8>>,
    flags: i64,
    value: Option<Object>,
}

struct Walk<'a> {
    doc: &'a Document,
    seen: BTreeSet<ObjectId>,
    out: Vec<(String, String)>,
}

impl Walk<'_> {
    fn node(&mut self, obj: &Object, parent: &str, up: &Inherited, depth: usize) {
        if depth > MAX_DEPTH || self.out.len() >= MAX_FIELDS {
            return;
        }
        if let Object::Reference(id) = obj
            && !self.seen.insert(*id)
        {
            return;
        }
        let Ok((_, Object::Dictionary(d))) = self.doc.dereference(obj) else {
            return;
        };
        let partial = d
            .get(b"T")
            .ok()
            .and_then(|t| lopdf::decode_text_string(t).ok());
        let name = match (&partial, parent.is_empty()) {
            (Some(p), true) => p.clone(),
            (Some(p), false) => format!("{parent}.{p}"),
            (None, _) => parent.to_string(),
        };
        let here = Inherited {
            kind: self
                .get(d, b"FT")
                .and_then(|o| o.as_name().ok())
                .map(<[u8]>::to_vec)
                .or_else(|| up.kind.clone()),
            flags: self
                .get(d, b"Ff")
                .and_then(|o| o.as_i64().ok())
                .unwrap_or(up.flags),
            value: self.get(d, b"V").cloned().or_else(|| up.value.clone()),
        };
        // Kids with a name of their own are fields; kids without one are
        // the widgets (the boxes on the pages) of this field.
        let kids: Vec<Object> = self
            .get(d, b"Kids")
            .and_then(|k| k.as_array().ok())
            .cloned()
            .unwrap_or_default();
        let named_kids: Vec<&Object> = kids.iter().filter(|k| self.has_name(k)).collect();
        if named_kids.is_empty() {
            if partial.is_some() && !name.is_empty() {
                let value = self.value(&here);
                self.out.push((name, value));
            }
        } else {
            for kid in named_kids {
                self.node(kid, &name, &here, depth + 1);
            }
        }
    }

    fn get<'d>(&'d self, d: &'d Dictionary, key: &[u8]) -> Option<&'d Object> {
        d.get_deref(key, self.doc).ok()
    }

    fn has_name(&self, kid: &Object) -> bool {
        matches!(self.doc.dereference(kid), Ok((_, Object::Dictionary(d))) if d.has(b"T"))
    }

    /// A value as text: a checkbox ticked is « Oui », unticked « Non »; a
    /// radio group gives the chosen option's name; a list its choices
    /// joined with `, `.
    fn value(&self, f: &Inherited) -> String {
        const RADIO: i64 = 1 << 15;
        let Some(v) = &f.value else {
            return match f.kind.as_deref() {
                Some(b"Btn") if f.flags & RADIO == 0 => "Non".into(),
                _ => String::new(),
            };
        };
        let v = self.doc.dereference(v).map(|(_, o)| o).unwrap_or(v);
        match (f.kind.as_deref(), v) {
            (Some(b"Btn"), Object::Name(n)) if f.flags & RADIO == 0 => {
                if n == b"Off" { "Non" } else { "Oui" }.into()
            }
            (_, Object::Name(n)) if n == b"Off" => String::new(),
            (_, Object::Name(n)) => String::from_utf8_lossy(n).into_owned(),
            (_, Object::Array(items)) => items
                .iter()
                .filter_map(|i| lopdf::decode_text_string(i).ok())
                .collect::<Vec<_>>()
                .join(", "),
            (_, o) => lopdf::decode_text_string(o).unwrap_or_default(),
        }
    }
}
