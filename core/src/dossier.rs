//! One candidature dossier (`jury-dossier/1`): a few required fields the
//! application relies on, and free content shown as it was written.

use crate::json::{Diag, Fields, Src};
use chrono::{DateTime, FixedOffset};
use jsonc_parser::ast::Value as Ast;
use serde_json::Value;

pub const FORMAT: &str = "jury-dossier/1";

/// The fields every dossier has, which letters and the list rely on, in
/// the format's order: those a dossier does not fill are its `missing`.
pub const FORMAT_FIELDS: [&str; 10] = [
    "/structure/name",
    "/structure/address/street",
    "/structure/address/postcode",
    "/structure/address/city",
    "/structure/representative/name",
    "/structure/representative/title",
    "/structure/email",
    "/professional/name",
    "/professional/role",
    "/professional/employment",
];

/// A card's `missing` as text, and back to the pointers of [`FORMAT_FIELDS`]: a
/// pointer that is not one of them is dropped (the cache is then only
/// older than this Jury, which the cache's fingerprint already rules out).
/// A card's reception time as chrono writes it in JSON (RFC 3339), and as
/// seconds, nanoseconds and offset in a binary format: parsing 100 000
/// dates back from text was a tenth of decoding a reopening's picture.
mod when {
    use chrono::{DateTime, FixedOffset};
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        match s.is_human_readable() {
            true => t.serialize(s),
            false => (
                t.timestamp(),
                t.timestamp_subsec_nanos(),
                t.offset().local_minus_utc(),
            )
                .serialize(s),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        if d.is_human_readable() {
            return DateTime::<FixedOffset>::deserialize(d);
        }
        let (secs, nanos, offset) = <(i64, u32, i32)>::deserialize(d)?;
        let offset =
            FixedOffset::east_opt(offset).ok_or_else(|| D::Error::custom("offset out of range"))?;
        DateTime::from_timestamp(secs, nanos)
            .map(|t| t.with_timezone(&offset))
            .ok_or_else(|| D::Error::custom("timestamp out of range"))
    }
}

mod wanted {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &[&'static str], s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<&'static str>, D::Error> {
        let texts = Vec::<String>::deserialize(d)?;
        Ok(texts
            .iter()
            .filter_map(|t| {
                super::FORMAT_FIELDS
                    .iter()
                    .find(|w| **w == t.as_str())
                    .copied()
            })
            .collect())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Employment {
    Salaried,
    Volunteer,
    Independent,
    Other,
}

impl Employment {
    pub fn parse(s: &str) -> Option<Employment> {
        match s {
            "salarie" => Some(Employment::Salaried),
            "benevole" => Some(Employment::Volunteer),
            "independant" => Some(Employment::Independent),
            "autre" => Some(Employment::Other),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Attachment {
    pub title: String,
    /// Relative to the call folder, checked to stay inside it.
    pub path: String,
}

/// Where a dossier names its territory (the zone filter, the coverage).
const TERRITORY: &str = "/structure/territory";

#[derive(Clone, Debug, PartialEq)]
pub struct Dossier {
    pub reference: String,
    pub received_at: DateTime<FixedOffset>,
    /// The structure's name, the address and the people: empty while the
    /// dossier does not say (see `missing`).
    pub structure: String,
    pub city: String,
    pub postcode: String,
    pub representative: String,
    pub professional: String,
    /// None while the dossier does not say.
    pub employment: Option<Employment>,
    /// Empty while the dossier does not say (see `missing`).
    pub email: String,
    /// JSON Pointers of the fields letters and the list rely on that the
    /// dossier does not fill yet, in the format's order.
    pub missing: Vec<&'static str>,
    pub attachments: Vec<Attachment>,
    /// The whole dossier, keys in file order, unknown keys kept.
    pub raw: Value,
    /// SHA-256 of the compact JSON: reformatting a file is not a change, editing it is.
    pub hash: String,
}

impl Dossier {
    /// Validates one dossier object of a file.
    /// With `pieces`, each attachment must be found where the caller looks.
    pub fn from_ast(
        src: &Src,
        ast: &Ast,
        pieces: Option<PieceCheck>,
    ) -> Result<Dossier, Vec<Diag>> {
        Dossier::with_text(src, ast, pieces).map(|(d, _)| d)
    }

    /// [`from_ast`] with the compact JSON its hash was taken from.
    ///
    /// [`from_ast`]: Dossier::from_ast
    pub fn with_text(
        src: &Src,
        ast: &Ast,
        pieces: Option<PieceCheck>,
    ) -> Result<(Dossier, String), Vec<Diag>> {
        let (mut d, text) = Dossier::checked(src, ast, pieces)?;
        d.raw = crate::json::to_value(ast.clone());
        Ok((d, text))
    }

    /// The dossier's fields, checked, its compact JSON and its hash; its
    /// tree (`raw`) left null, for the caller that needs it.
    fn checked(
        src: &Src,
        ast: &Ast,
        pieces: Option<PieceCheck>,
    ) -> Result<(Dossier, String), Vec<Diag>> {
        let mut errors = Vec::new();
        crate::json::check_duplicate_keys(src, ast, "", &mut errors);
        let Ast::Object(obj) = ast else {
            return Err(vec![src.error(
                ast,
                format!(
                    "un dossier doit être un objet {{ … }}, trouvé {}",
                    crate::json::kind_name(ast)
                ),
            )]);
        };
        let f = Fields::new(src, obj, "");
        let d = fields(&f, pieces, &mut errors);
        match d {
            Some(mut d) if errors.is_empty() => {
                let text = crate::json::compact(ast);
                d.hash = crate::sha256_hex(text.as_bytes());
                Ok((d, text))
            }
            _ => Err(errors),
        }
    }

    /// Rebuilds a dossier from JSON already validated once (as kept in the database).
    pub fn from_value(v: &Value) -> Result<Dossier, Vec<Diag>> {
        let text = serde_json::to_string_pretty(v).unwrap_or_default();
        let src = Src {
            path: "base",
            text: &text,
        };
        let ast = src.parse().map_err(|d| vec![d])?;
        Dossier::from_ast(&src, &ast, None)
    }

    /// Rebuilds a dossier from the JSON the database keeps, which was
    /// validated when it came in (import, form, accepted file): the fields
    /// are read, not checked again, so a large call reopens without
    /// re-validating every dossier. `hash` is its [`content_hash`]. None
    /// when even the reference or the reception time cannot be read.
    pub fn from_stored(raw: Value, hash: String) -> Option<Dossier> {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let reference = text(raw.get("reference"))?;
        let received_at =
            DateTime::parse_from_rfc3339(raw.get("received_at").and_then(Value::as_str)?).ok()?;
        let mut missing = Vec::new();
        // As `Fields::filled` reads them: absent, null or blank is « à compléter ».
        let mut want = |v: &Value, pointer: &'static str| {
            let filled = crate::json::pointer(v, pointer)
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty());
            if filled.is_none() {
                missing.push(pointer);
            }
            filled.unwrap_or_default().to_string()
        };
        let [
            name,
            street,
            postcode,
            city,
            representative,
            title,
            email,
            professional,
            role,
            status,
        ] = FORMAT_FIELDS;
        let structure = want(&raw, name);
        want(&raw, street);
        let postcode = want(&raw, postcode);
        let city = want(&raw, city);
        let representative = want(&raw, representative);
        want(&raw, title);
        let email = want(&raw, email);
        let professional = want(&raw, professional);
        want(&raw, role);
        let status = want(&raw, status);
        let attachments = raw
            .get("attachments")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|a| {
                        Some(Attachment {
                            title: text(a.get("title"))?,
                            path: text(a.get("path"))?,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Dossier {
            reference,
            received_at,
            structure,
            city,
            postcode,
            representative,
            professional,
            employment: Employment::parse(&status),
            email,
            missing,
            attachments,
            raw,
            hash,
        })
    }

    /// A field by JSON Pointer (RFC 6901).
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        crate::json::pointer(&self.raw, pointer)
    }

    pub fn territory(&self) -> Option<&str> {
        crate::json::pointer(&self.raw, TERRITORY).and_then(Value::as_str)
    }
}

/// A dossier as the lists, the ranking and the search hold it in memory:
/// its typed fields and its compact JSON text, without the parsed tree.
/// At 100 000 dossiers the tree was most of the memory (a few KB of maps
/// and strings for 1.4 KB of text); the whole dossier is parsed back from
/// the text ([`Card::full`]) when one is shown, edited or written.
///
/// Its fields (not its text) serialise, for a cache that spares parsing
/// the text again ([`Card::with_text`]); a card made from that cache can
/// leave its text where the dossiers are kept and read it back when it is
/// needed ([`Card::kept`]): 100 000 dossiers open without reading their
/// 170 Mo of text, nor holding it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Card {
    pub reference: String,
    #[serde(with = "when")]
    pub received_at: DateTime<FixedOffset>,
    pub structure: String,
    pub city: String,
    pub postcode: String,
    pub representative: String,
    pub professional: String,
    pub employment: Option<Employment>,
    pub email: String,
    #[serde(with = "wanted")]
    pub missing: Vec<&'static str>,
    pub attachments: Vec<Attachment>,
    /// `structure.territory`, for the zone filter and the coverage.
    pub territory: Option<String>,
    /// The compact JSON [`content_hash`] hashes (`serde_json::to_string`).
    #[serde(skip)]
    text: Text,
    pub hash: String,
}

/// What gives a dossier's current compact JSON back by its reference: the
/// app's database, read on a connection of its own.
pub trait TextKeeper: Send + Sync {
    fn text(&self, reference: &str) -> Option<String>;
}

/// Where a card's text is: held, or kept elsewhere and read when needed.
#[derive(Clone)]
enum Text {
    Held(Box<str>),
    Kept(std::sync::Arc<dyn TextKeeper>),
}

impl Default for Text {
    fn default() -> Text {
        Text::Held(Box::default())
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Text::Held(t) => write!(f, "Held({} bytes)", t.len()),
            Text::Kept(_) => f.write_str("Kept"),
        }
    }
}

/// Two cards are the same dossier when their fields and hashes are: the
/// hash is that of the text, wherever the text is.
impl PartialEq for Text {
    fn eq(&self, _: &Text) -> bool {
        true
    }
}

impl Card {
    /// The card of `d`; `text` is its compact JSON when the caller has it
    /// already (read from the database), else it is written here.
    pub fn new(d: Dossier, text: Option<String>) -> Card {
        let text = text.unwrap_or_else(|| serde_json::to_string(&d.raw).unwrap_or_default());
        let territory = d.territory().map(str::to_string);
        Card::of(d, text, territory)
    }

    /// A dossier object of a file, checked, as a card: what
    /// [`Dossier::with_text`] then [`Card::new`] give, without the
    /// dossier's tree, which a first import of 100 000 dossiers built only
    /// to drop it.
    pub fn read(src: &Src, ast: &Ast, pieces: Option<PieceCheck>) -> Result<Card, Vec<Diag>> {
        let (d, text) = Dossier::checked(src, ast, pieces)?;
        // As `Dossier::territory` reads it from the tree.
        let territory = match crate::json::object_pointer(ast, TERRITORY) {
            Some(Ast::StringLit(s)) => Some(s.value.to_string()),
            _ => None,
        };
        Ok(Card::of(d, text, territory))
    }

    fn of(d: Dossier, text: String, territory: Option<String>) -> Card {
        Card {
            territory,
            reference: d.reference,
            received_at: d.received_at,
            structure: d.structure,
            city: d.city,
            postcode: d.postcode,
            representative: d.representative,
            professional: d.professional,
            employment: d.employment,
            email: d.email,
            missing: d.missing,
            attachments: d.attachments,
            text: Text::Held(text.into_boxed_str()),
            hash: d.hash,
        }
    }

    /// A card whose fields were kept apart from its text (a cache): the
    /// text given back. The caller vouches they belong together.
    pub fn with_text(self, text: String) -> Card {
        Card {
            text: Text::Held(text.into_boxed_str()),
            ..self
        }
    }

    /// A card of the cache whose text stays with `keeper`, read back at
    /// each [`Card::full`] or [`Card::text`]: the one dossier on screen, a
    /// form's, a letter's. The caller vouches the keeper holds the version
    /// these fields were made from.
    pub fn kept(self, keeper: std::sync::Arc<dyn TextKeeper>) -> Card {
        Card {
            text: Text::Kept(keeper),
            ..self
        }
    }

    /// [`Card::kept`], in place: the text held until now is dropped.
    pub fn leave_text_with(&mut self, keeper: std::sync::Arc<dyn TextKeeper>) {
        self.text = Text::Kept(keeper);
    }

    /// Whether the card holds its text (not read back from its keeper).
    pub fn holds_text(&self) -> bool {
        matches!(self.text, Text::Held(_))
    }

    /// The whole dossier, parsed back from the card's text (which a
    /// dossier wrote: it parses).
    pub fn full(&self) -> Dossier {
        Dossier {
            reference: self.reference.clone(),
            received_at: self.received_at,
            structure: self.structure.clone(),
            city: self.city.clone(),
            postcode: self.postcode.clone(),
            representative: self.representative.clone(),
            professional: self.professional.clone(),
            employment: self.employment,
            email: self.email.clone(),
            missing: self.missing.clone(),
            attachments: self.attachments.clone(),
            raw: self.value(),
            hash: self.hash.clone(),
        }
    }

    /// The dossier's JSON tree, parsed from the card's text.
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.text()).unwrap_or(Value::Null)
    }

    /// The compact JSON of the dossier. A text read back is this card's
    /// only if it hashes to the card's hash: a row changed under the app
    /// (another version, a damaged file) is never shown, scored or written
    /// in a letter as this one; it reads empty, as when the keeper cannot
    /// give it back (the database gone from under the app).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match &self.text {
            Text::Held(t) => std::borrow::Cow::Borrowed(t),
            Text::Kept(keeper) => std::borrow::Cow::Owned(
                keeper
                    .text(&self.reference)
                    .filter(|t| crate::sha256_hex(t.as_bytes()) == self.hash)
                    .unwrap_or_default(),
            ),
        }
    }
}

/// The JSON Pointers whose values differ between two versions of a
/// dossier, in key order: what « modifié » lists.
pub fn changed_fields(old: &Value, new: &Value) -> Vec<String> {
    let mut out = Vec::new();
    differences(old, new, String::new(), &mut out);
    out
}

fn differences(old: &Value, new: &Value, at: String, out: &mut Vec<String>) {
    // A section added or removed whole counts field by field: « Projet ›
    // Heures en ligne par semaine », not « Projet ».
    let empty = Value::Object(serde_json::Map::new());
    let (old, new) = match (old, new) {
        (Value::Null, Value::Object(_)) => (&empty, new),
        (Value::Object(_), Value::Null) => (old, &empty),
        _ => (old, new),
    };
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let mut seen = std::collections::BTreeSet::new();
            for k in a.keys().chain(b.keys()) {
                if seen.insert(k) {
                    let (x, y) = (
                        a.get(k).unwrap_or(&Value::Null),
                        b.get(k).unwrap_or(&Value::Null),
                    );
                    differences(x, y, format!("{at}/{k}"), out);
                }
            }
        }
        (a, b) if a != b => out.push(at),
        _ => {}
    }
}

/// A reference names files (letters, bundles, the import's own dossier
/// files) and travels in paths: letters, digits, `-`, `_` and `.`, not
/// starting with a dot, so never `..`, a `/` or a control character.
pub fn usable_reference(r: &str) -> bool {
    !r.is_empty()
        && !r.starts_with('.')
        && r.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

pub fn content_hash(v: &Value) -> String {
    let compact = serde_json::to_string(v).unwrap_or_default();
    crate::sha256_hex(compact.as_bytes())
}

fn fields(f: &Fields, pieces: Option<PieceCheck>, errors: &mut Vec<Diag>) -> Option<Dossier> {
    if let (Some(format), Some(v)) = (f.string("format", errors), f.get("format"))
        && format != FORMAT
    {
        errors.push(f.src.error(
            v,
            format!("format « {format} » inconnu : « {FORMAT} » attendu"),
        ));
    }
    let reference = f.string("reference", errors).filter(|r| {
        let usable = usable_reference(r);
        if !usable && let Some(v) = f.get("reference") {
            errors.push(f.src.error(
                v,
                format!("« reference » : « {r} » inutilisable comme nom de fichier (lettres, chiffres, « - », « _ », « . », sans point au début)"),
            ));
        }
        usable
    });
    let received_at = f.string("received_at", errors).and_then(|s| {
        match DateTime::parse_from_rfc3339(&s) {
            Ok(t) => Some(t),
            Err(_) => {
                if let Some(v) = f.get("received_at") {
                    errors.push(f.src.error(
                        v,
                        format!("« received_at » : date et heure invalides « {s} », attendu RFC 3339 avec décalage (ex. 2025-07-03T16:42:00+02:00)"),
                    ));
                }
                None
            }
        }
    });
    // Only the reference and the reception time are needed to take a
    // dossier in: what a source could not fill is listed in `missing` and
    // shown « à compléter » until someone completes it.
    let mut missing = Vec::new();
    let mut want =
        |fields: Option<&Fields>, key: &str, pointer: &'static str, errors: &mut Vec<Diag>| {
            let value = fields.and_then(|f| f.filled(key, errors));
            if value.is_none() {
                missing.push(pointer);
            }
            value.unwrap_or_default()
        };
    let structure = f.opt_object("structure", errors);
    let s = structure.as_ref();
    let address = s.and_then(|s| s.opt_object("address", errors));
    let representative = s.and_then(|s| s.opt_object("representative", errors));
    let name = want(s, "name", "/structure/name", errors);
    want(
        address.as_ref(),
        "street",
        "/structure/address/street",
        errors,
    );
    let postcode = want(
        address.as_ref(),
        "postcode",
        "/structure/address/postcode",
        errors,
    );
    let city = want(address.as_ref(), "city", "/structure/address/city", errors);
    let rep = want(
        representative.as_ref(),
        "name",
        "/structure/representative/name",
        errors,
    );
    want(
        representative.as_ref(),
        "title",
        "/structure/representative/title",
        errors,
    );
    let email = want(s, "email", "/structure/email", errors);
    if let (false, Some(v)) = (email.is_empty(), s.and_then(|s| s.get("email")))
        && !looks_like_email(&email)
    {
        errors.push(f.src.error(
            v,
            format!("« structure.email » : adresse e-mail invalide « {email} »"),
        ));
    }
    let professional = f.opt_object("professional", errors);
    let p = professional.as_ref();
    let pname = want(p, "name", "/professional/name", errors);
    want(p, "role", "/professional/role", errors);
    let status = want(p, "employment", "/professional/employment", errors);
    let employment = if status.is_empty() {
        None
    } else {
        let parsed = Employment::parse(&status);
        if let (None, Some(v)) = (parsed, p.and_then(|p| p.get("employment"))) {
            errors.push(f.src.error(
                v,
                format!("« professional.employment » : « {status} » inconnu, attendu salarie, benevole, independant ou autre"),
            ));
        }
        parsed
    };
    let attachments = f
        .opt_array("attachments", errors)
        .map(|items| attachments(f, items, pieces, errors))
        .unwrap_or_default();
    Some(Dossier {
        reference: reference?,
        received_at: received_at?,
        structure: name,
        city,
        postcode,
        representative: rep,
        professional: pname,
        employment,
        email,
        missing,
        attachments,
        raw: Value::Null,
        hash: String::new(),
    })
}

/// An address as a dossier's `structure.email` must be: something before
/// `@`, a dot after it, no space (`jury new` checks the call's contact so).
pub fn looks_like_email(e: &str) -> bool {
    match e.split_once('@') {
        Some((user, host)) => {
            !user.is_empty() && host.contains('.') && !e.contains(char::is_whitespace)
        }
        None => false,
    }
}

fn attachments(
    f: &Fields,
    items: &[Ast],
    pieces: Option<PieceCheck>,
    errors: &mut Vec<Diag>,
) -> Vec<Attachment> {
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Ast::Object(o) = item else {
            errors.push(f.src.error(
                item,
                format!("« attachments[{i}] » : un objet {{ \"title\", \"path\" }} est attendu"),
            ));
            continue;
        };
        let a = Fields::new(f.src, o, &format!("attachments[{i}]"));
        let title = a.string("title", errors);
        let path = a.string("path", errors);
        if let (Some(p), Some(v)) = (&path, a.get("path"))
            && !is_inside(p)
        {
            errors.push(f.src.error(
                v,
                format!("« attachments[{i}].path » : « {p} » sort du dossier de l'appel ; indiquez un chemin relatif comme pieces/fichier.pdf"),
            ));
            continue;
        }
        if let (Some(p), Some(v), Some(check)) = (&path, a.get("path"), pieces) {
            match check(p) {
                Piece::Found => {}
                Piece::Missing => {
                    errors.push(f.src.error(
                        v,
                        format!("« attachments[{i}].path » : pièce jointe « {p} » introuvable dans le dossier de l'appel"),
                    ));
                    continue;
                }
                Piece::Outside => {
                    errors.push(f.src.error(
                        v,
                        format!("« attachments[{i}].path » : « {p} » mène hors du dossier de l'appel (lien symbolique) ; copiez la pièce dans pieces/"),
                    ));
                    continue;
                }
            }
        }
        if let (Some(title), Some(path)) = (title, path) {
            out.push(Attachment { title, path });
        }
    }
    out
}

/// Where an attachment's path leads, as the caller's filesystem sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    /// A file inside the call folder.
    Found,
    Missing,
    /// Out of the call folder once symbolic links are followed.
    Outside,
}

/// Looks an attachment's relative path up: the core checks the form of the
/// path, the caller (which owns the files) where it leads.
pub type PieceCheck<'a> = &'a dyn Fn(&str) -> Piece;

/// A relative path that cannot climb out of the call folder.
fn is_inside(p: &str) -> bool {
    let path = std::path::Path::new(p);
    !p.is_empty()
        && path.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_paths_are_refused() {
        assert!(is_inside("pieces/a.pdf"));
        assert!(!is_inside("../a.pdf"));
        assert!(!is_inside("/etc/passwd"));
        assert!(!is_inside("pieces/../../a.pdf"));
    }
}

#[cfg(test)]
mod stored {
    use super::{Card, Dossier, content_hash};
    use serde_json::json;

    /// What the database keeps reads back as the validating parse reads it,
    /// filled, partly blank or null sections alike.
    #[test]
    fn a_stored_dossier_reads_as_the_validating_parse_does() {
        let complete = json!({
            "format": "jury-dossier/1",
            "reference": "A-1",
            "received_at": "2025-07-03T16:42:00+02:00",
            "structure": {
                "name": "Centre social",
                "address": { "street": "1 rue", "postcode": "06000", "city": "Nice" },
                "representative": { "name": "Ada", "title": "Présidente" },
                "email": "a@b.fr"
            },
            "professional": { "name": "Léa", "role": "animatrice", "employment": "benevole" },
            "attachments": [{ "title": "Budget", "path": "pieces/b.pdf" }],
            "extra": { "kept": [1, 2.5, null] }
        });
        let partial = json!({
            "reference": "A-2",
            "received_at": "2025-07-04T09:00:00Z",
            "structure": { "name": "  ", "address": null, "representative": { "name": "Bo" } },
            "professional": null,
            "format": "jury-dossier/1"
        });
        let bare = json!({
            "format": "jury-dossier/1",
            "reference": "A-3",
            "received_at": "2025-07-05T10:00:00+01:00",
            "professional": { "employment": "" },
            "attachments": []
        });
        for v in [complete, partial, bare] {
            let validated = Dossier::from_value(&v).expect("valid");
            let stored = Dossier::from_stored(v.clone(), content_hash(&v)).expect("readable");
            assert_eq!(stored, validated);
        }
    }

    /// A file's dossier read straight into a card (a first import) is
    /// the card of the validated dossier: same fields, territory, text
    /// and hash.
    #[test]
    fn a_card_read_from_a_file_is_the_validated_dossier_s() {
        let with_territory = r#"{
            "format": "jury-dossier/1", "reference": "T-1",
            "received_at": "2025-07-03T16:42:00+02:00",
            "structure": { "name": "Espace « Lien »", "territory": "Ouest",
                "address": { "street": "2 rue", "postcode": "06200", "city": "Nice" } },
            "professional": { "name": "Léa", "employment": "salarie" },
            "extra": { "n": [1, 2.50, -0, 1e3], "t": "tab\tline\u2028" }
        }"#;
        let territory_not_text = r#"{
            "format": "jury-dossier/1", "reference": "T-2",
            "received_at": "2025-07-04T09:00:00Z",
            "structure": { "name": "B", "territory": 3 }
        }"#;
        for (text, territory) in [(with_territory, Some("Ouest")), (territory_not_text, None)] {
            let src = crate::json::Src {
                path: "d.json",
                text,
            };
            let ast = src.parse().expect("JSON");
            let (d, compact) = Dossier::with_text(&src, &ast, None).expect("valid");
            let card = Card::read(&src, &ast, None).expect("valid");
            assert_eq!(card.territory.as_deref(), territory);
            assert_eq!(card, Card::new(d, Some(compact)));
        }
    }

    #[test]
    fn a_stored_dossier_without_its_reference_is_unreadable() {
        let v = json!({ "received_at": "2025-07-05T10:00:00+01:00" });
        assert_eq!(Dossier::from_stored(v, String::new()), None);
        let v = json!({ "reference": "A", "received_at": "hier" });
        assert_eq!(Dossier::from_stored(v, String::new()), None);
    }
}

#[cfg(test)]
mod changes {
    use super::changed_fields;

    #[test]
    fn a_section_added_whole_counts_field_by_field() {
        let old = serde_json::json!({ "reference": "A" });
        let new = serde_json::json!({ "reference": "A", "project": { "hours": 3, "place": "x" } });
        assert_eq!(
            changed_fields(&old, &new),
            ["/project/hours", "/project/place"]
        );
        assert_eq!(
            changed_fields(&new, &old),
            ["/project/hours", "/project/place"]
        );
    }
}
