//! Reading JSON with positions, so that every problem in a user's file is
//! reported as `path:line:column: message` in French.
//!
//! jsonc-parser gives an AST with byte ranges; this module checks shapes
//! against it and converts validated values to `serde_json::Value` (key order kept).

use jsonc_parser::ast::{Object, ObjectPropName, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::{CollectOptions, ParseOptions};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in a file, with its position (1-based, in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diag {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub message: String,
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let warn = if self.severity == Severity::Warning {
            "avertissement : "
        } else {
            ""
        };
        // The message quotes the dossier, the path names the sender's
        // file: neither may drive the terminal or fake a line.
        write!(
            f,
            "{}:{}:{}: {warn}{}",
            crate::fr::visible(&self.path),
            self.line,
            self.column,
            crate::fr::visible(&self.message)
        )
    }
}

/// A source file being read: its display path and its text.
pub struct Src<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

impl<'a> Src<'a> {
    /// Line and column (1-based, counted in characters) of a byte offset.
    pub fn position(&self, byte: usize) -> (usize, usize) {
        let byte = byte.min(self.text.len());
        let before = &self.text[..floor_char_boundary(self.text, byte)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    pub fn error_at(&self, byte: usize, message: impl Into<String>) -> Diag {
        let (line, column) = self.position(byte);
        Diag {
            path: self.path.to_string(),
            line,
            column,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    pub fn error(&self, node: &impl Ranged, message: impl Into<String>) -> Diag {
        self.error_at(node.start(), message)
    }

    /// Parses strict JSON (no comments, no trailing commas): the files are a contract.
    pub fn parse(&self) -> Result<Value<'a>, Diag> {
        let options = ParseOptions {
            allow_comments: false,
            allow_loose_object_property_names: false,
            allow_trailing_commas: false,
            allow_missing_commas: false,
            allow_single_quoted_strings: false,
            allow_hexadecimal_numbers: false,
            allow_unary_plus_numbers: false,
            allow_bare_decimal_point_numbers: false,
            allow_non_finite_numbers: false,
            allow_extended_string_escapes: false,
        };
        match jsonc_parser::parse_to_ast(self.text, &CollectOptions::default(), &options) {
            Ok(result) => match result.value {
                Some(v) => Ok(v),
                None => Err(self.error_at(0, "fichier vide : un document JSON est attendu")),
            },
            Err(e) => Err(self.error_at(e.range().start, syntax_message(e.kind()))),
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn syntax_message(kind: &ParseErrorKind) -> String {
    use ParseErrorKind::*;
    let m = match kind {
        CommentsNotAllowed => "les commentaires ne sont pas permis en JSON",
        ExpectedColonAfterObjectKey => "« : » attendu après le nom du champ",
        ExpectedObjectValue => "valeur attendue après « : »",
        ExpectedDigit
        | ExpectedDigitFollowingNegativeSign
        | ExpectedPlusMinusOrDigitInNumberLiteral => "nombre mal écrit",
        ExpectedStringObjectProperty => "nom de champ entre guillemets attendu",
        ExpectedComma => "virgule attendue entre deux éléments",
        MultipleRootJsonValues => "plusieurs documents JSON dans un même fichier",
        TrailingCommasNotAllowed => "virgule en trop avant la fermeture",
        UnexpectedCloseBrace => "« } » inattendue",
        UnexpectedCloseBracket => "« ] » inattendu",
        UnexpectedColon => "« : » inattendu",
        UnexpectedComma => "virgule inattendue",
        UnterminatedArray => "liste non fermée : « ] » manquant",
        UnterminatedObject => "objet non fermé : « } » manquante",
        UnterminatedCommentBlock => "commentaire non fermé",
        NestingDepthExceeded => "imbrication trop profonde",
        String(_) => "chaîne de caractères mal formée (guillemet ou échappement)",
        HexadecimalNumbersNotAllowed
        | UnaryPlusNumbersNotAllowed
        | BareDecimalPointNumbersNotAllowed
        | NonFiniteNumbersNotAllowed => "nombre non permis en JSON",
        SingleQuotedStringsNotAllowed => "les chaînes s'écrivent entre guillemets doubles",
        UnexpectedToken | UnexpectedTokenInObject | UnexpectedWord => "caractère inattendu",
        #[allow(unreachable_patterns)]
        _ => "JSON mal formé",
    };
    format!("JSON invalide : {m}")
}

/// French name of a JSON value's type, for "expected X, found Y" messages.
pub fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::StringLit(_) => "une chaîne",
        Value::NumberLit(_) => "un nombre",
        Value::BooleanLit(_) => "un booléen",
        Value::Object(_) => "un objet",
        Value::Array(_) => "une liste",
        Value::NullKeyword(_) => "null",
    }
}

/// Checks fields of one object, collecting every problem instead of stopping at the first.
pub struct Fields<'s, 'a, 'v> {
    pub src: &'s Src<'a>,
    pub obj: &'v Object<'a>,
    /// Dotted path of this object, for messages (`structure.address`).
    pub at: String,
}

impl<'s, 'a, 'v> Fields<'s, 'a, 'v> {
    pub fn new(src: &'s Src<'a>, obj: &'v Object<'a>, at: &str) -> Self {
        Fields {
            src,
            obj,
            at: at.to_string(),
        }
    }

    pub fn name(&self, key: &str) -> String {
        if self.at.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.at)
        }
    }

    pub fn get(&self, key: &str) -> Option<&'v Value<'a>> {
        self.obj
            .properties
            .iter()
            .find(|p| p.name.as_str() == key)
            .map(|p| &p.value)
    }

    fn missing(&self, key: &str) -> Diag {
        self.src.error(
            &self.obj.range,
            format!("champ obligatoire « {} » manquant", self.name(key)),
        )
    }

    fn wrong(&self, key: &str, v: &Value, expected: &str) -> Diag {
        self.src.error(
            v,
            format!(
                "« {} » : {expected} attendu(e), trouvé {}",
                self.name(key),
                kind_name(v)
            ),
        )
    }

    /// A required, non-empty string.
    pub fn string(&self, key: &str, errors: &mut Vec<Diag>) -> Option<String> {
        match self.get(key) {
            None => {
                errors.push(self.missing(key));
                None
            }
            Some(v) => self.string_value(key, v, errors),
        }
    }

    pub fn opt_string(&self, key: &str, errors: &mut Vec<Diag>) -> Option<String> {
        match self.get(key) {
            None | Some(Value::NullKeyword(_)) => None,
            Some(v) => self.string_value(key, v, errors),
        }
    }

    fn string_value(&self, key: &str, v: &Value, errors: &mut Vec<Diag>) -> Option<String> {
        match v {
            Value::StringLit(s) if s.value.trim().is_empty() => {
                errors.push(
                    self.src
                        .error(v, format!("« {} » est vide", self.name(key))),
                );
                None
            }
            Value::StringLit(s) => Some(s.value.to_string()),
            other => {
                errors.push(self.wrong(key, other, "une chaîne"));
                None
            }
        }
    }

    /// A string that may be absent, null or blank (a field still to be
    /// completed): None then; a value of another type is still an error.
    pub fn filled(&self, key: &str, errors: &mut Vec<Diag>) -> Option<String> {
        match self.get(key) {
            None | Some(Value::NullKeyword(_)) => None,
            Some(Value::StringLit(s)) if s.value.trim().is_empty() => None,
            Some(v) => self.string_value(key, v, errors),
        }
    }

    /// An object that may be absent or null.
    pub fn opt_object(&self, key: &str, errors: &mut Vec<Diag>) -> Option<Fields<'s, 'a, 'v>> {
        match self.get(key) {
            None | Some(Value::NullKeyword(_)) => None,
            Some(v) => self.object_value(key, v, errors),
        }
    }

    pub fn object(&self, key: &str, errors: &mut Vec<Diag>) -> Option<Fields<'s, 'a, 'v>> {
        match self.get(key) {
            None => {
                errors.push(self.missing(key));
                None
            }
            Some(v) => self.object_value(key, v, errors),
        }
    }

    fn object_value(
        &self,
        key: &str,
        v: &'v Value<'a>,
        errors: &mut Vec<Diag>,
    ) -> Option<Fields<'s, 'a, 'v>> {
        match v {
            Value::Object(o) => Some(Fields {
                src: self.src,
                obj: o,
                at: self.name(key),
            }),
            other => {
                errors.push(self.wrong(key, other, "un objet"));
                None
            }
        }
    }

    pub fn array(&self, key: &str, errors: &mut Vec<Diag>) -> Option<&'v [Value<'a>]> {
        match self.get(key) {
            None => {
                errors.push(self.missing(key));
                None
            }
            Some(v) => self.array_value(key, v, errors),
        }
    }

    pub fn opt_array(&self, key: &str, errors: &mut Vec<Diag>) -> Option<&'v [Value<'a>]> {
        match self.get(key) {
            None | Some(Value::NullKeyword(_)) => None,
            Some(v) => self.array_value(key, v, errors),
        }
    }

    fn array_value(
        &self,
        key: &str,
        v: &'v Value<'a>,
        errors: &mut Vec<Diag>,
    ) -> Option<&'v [Value<'a>]> {
        match v {
            Value::Array(a) => Some(&a.elements),
            other => {
                errors.push(self.wrong(key, other, "une liste"));
                None
            }
        }
    }

    pub fn number(&self, key: &str, errors: &mut Vec<Diag>) -> Option<f64> {
        match self.get(key) {
            None => {
                errors.push(self.missing(key));
                None
            }
            Some(v) => self.number_value(key, v, errors),
        }
    }

    pub fn opt_number(&self, key: &str, errors: &mut Vec<Diag>) -> Option<f64> {
        match self.get(key) {
            None | Some(Value::NullKeyword(_)) => None,
            Some(v) => self.number_value(key, v, errors),
        }
    }

    fn number_value(&self, key: &str, v: &Value, errors: &mut Vec<Diag>) -> Option<f64> {
        match v {
            Value::NumberLit(n) => match n.value.parse::<f64>() {
                Ok(x) if x.is_finite() => Some(x),
                _ => {
                    errors.push(
                        self.src
                            .error(v, format!("« {} » : nombre illisible", self.name(key))),
                    );
                    None
                }
            },
            other => {
                errors.push(self.wrong(key, other, "un nombre"));
                None
            }
        }
    }

    pub fn opt_bool(&self, key: &str, errors: &mut Vec<Diag>) -> Option<bool> {
        match self.get(key) {
            None | Some(Value::NullKeyword(_)) => None,
            Some(Value::BooleanLit(b)) => Some(b.value),
            Some(other) => {
                errors.push(self.wrong(key, other, "true ou false"));
                None
            }
        }
    }

    /// A required date written `AAAA-MM-JJ`.
    pub fn date(&self, key: &str, errors: &mut Vec<Diag>) -> Option<chrono::NaiveDate> {
        let v = self.get(key);
        let s = self.string(key, errors)?;
        self.parse_date(key, &s, v, errors)
    }

    pub fn opt_date(&self, key: &str, errors: &mut Vec<Diag>) -> Option<chrono::NaiveDate> {
        let v = self.get(key);
        let s = self.opt_string(key, errors)?;
        self.parse_date(key, &s, v, errors)
    }

    fn parse_date(
        &self,
        key: &str,
        s: &str,
        v: Option<&Value>,
        errors: &mut Vec<Diag>,
    ) -> Option<chrono::NaiveDate> {
        match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let at = v.map(|v| v.start()).unwrap_or(self.obj.range.start);
                errors.push(self.src.error_at(
                    at,
                    format!(
                        "« {} » : date invalide « {s} », attendu AAAA-MM-JJ (ex. 2025-07-04)",
                        self.name(key)
                    ),
                ));
                None
            }
        }
    }
}

fn prop_name<'x>(n: &'x ObjectPropName) -> &'x str {
    n.as_str()
}

/// Checks every object of a document for duplicate keys: JSON parsers
/// silently keep one, a committee must know.
pub fn check_duplicate_keys(src: &Src, v: &Value, at: &str, errors: &mut Vec<Diag>) {
    duplicates_under(src, v, &At::Root(at), errors);
}

/// Where a value sits in its document, named only when a problem is
/// reported: a first import checks 100 000 dossiers whose keys are almost
/// never written twice, and naming every path on the way was most of the
/// check's cost.
enum At<'p> {
    Root(&'p str),
    Key(&'p At<'p>, &'p str),
    Index(&'p At<'p>, usize),
}

impl At<'_> {
    /// As [`Fields::name`] names a key: `parent.key`, or `key` at the top.
    fn name(&self) -> String {
        match self {
            At::Root(at) => at.to_string(),
            At::Key(parent, key) => {
                let parent = parent.name();
                if parent.is_empty() {
                    key.to_string()
                } else {
                    format!("{parent}.{key}")
                }
            }
            At::Index(parent, i) => format!("{}[{i}]", parent.name()),
        }
    }
}

fn duplicates_under(src: &Src, v: &Value, at: &At, errors: &mut Vec<Diag>) {
    match v {
        Value::Object(o) => {
            let props = &o.properties;
            // Few keys: compared with those before them, no set built.
            let mut seen = (props.len() > 16).then(std::collections::HashSet::new);
            for (i, p) in props.iter().enumerate() {
                let name = prop_name(&p.name);
                let twice = match seen.as_mut() {
                    Some(seen) => !seen.insert(name),
                    None => props[..i].iter().any(|q| prop_name(&q.name) == name),
                };
                if twice {
                    let key = At::Key(at, name).name();
                    errors.push(src.error(&p.range, format!("champ « {key} » écrit deux fois")));
                }
            }
            for p in props {
                duplicates_under(src, &p.value, &At::Key(at, p.name.as_str()), errors);
            }
        }
        Value::Array(a) => {
            for (i, e) in a.elements.iter().enumerate() {
                duplicates_under(src, e, &At::Index(at, i), errors);
            }
        }
        _ => {}
    }
}

/// The compact JSON of a value, as `serde_json::to_string(&to_value(v))`
/// writes it (keys in file order), without building the value: at a first
/// import the tree was built only to be written out and dropped. A value
/// with a key written twice is refused before (see
/// [`check_duplicate_keys`]); its text here would keep both.
pub fn compact(v: &Value) -> String {
    let mut out = Vec::with_capacity(v.width() + 64);
    write_compact(v, &mut out);
    // Only strings the parser read from a `str`, and ASCII, were written.
    String::from_utf8(out).unwrap_or_default()
}

fn write_compact(v: &Value, out: &mut Vec<u8>) {
    // Writing to a vector cannot fail, nor can serialising a string.
    let string = |s: &str, out: &mut Vec<u8>| {
        let _ = serde_json::to_writer(&mut *out, s);
    };
    match v {
        Value::Object(o) => {
            out.push(b'{');
            for (i, p) in o.properties.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                string(p.name.as_str(), out);
                out.push(b':');
                write_compact(&p.value, out);
            }
            out.push(b'}');
        }
        Value::Array(a) => {
            out.push(b'[');
            for (i, e) in a.elements.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_compact(e, out);
            }
            out.push(b']');
        }
        Value::StringLit(s) => string(&s.value, out),
        Value::BooleanLit(b) => out.extend_from_slice(if b.value { b"true" } else { b"false" }),
        Value::NullKeyword(_) => out.extend_from_slice(b"null"),
        // Numbers as the conversion reads them (a number serde_json
        // cannot hold becomes its text), then as serde_json writes them.
        Value::NumberLit(_) => {
            let _ = serde_json::to_writer(&mut *out, &to_value(v.clone()));
        }
    }
}

/// `v.pointer(p)` (RFC 6901) without its allocations: serde_json
/// unescapes every token into two new strings, and opening 100 000
/// dossiers looks a dozen pointers up in each. A token is unescaped only
/// when it holds a `~`. A test holds it equal to serde_json's.
pub fn pointer<'a>(v: &'a serde_json::Value, p: &str) -> Option<&'a serde_json::Value> {
    if p.is_empty() {
        return Some(v);
    }
    let rest = p.strip_prefix('/')?;
    rest.split('/').try_fold(v, |at, token| {
        let owned;
        let key = if token.contains('~') {
            owned = token.replace("~1", "/").replace("~0", "~");
            owned.as_str()
        } else {
            token
        };
        match at {
            serde_json::Value::Object(map) => map.get(key),
            serde_json::Value::Array(list) => {
                // As RFC 6901: digits only, no leading zero, no sign.
                if key.is_empty()
                    || (key.len() > 1 && key.starts_with('0'))
                    || !key.bytes().all(|b| b.is_ascii_digit())
                {
                    return None;
                }
                key.parse::<usize>().ok().and_then(|i| list.get(i))
            }
            _ => None,
        }
    })
}

/// [`pointer`] on the parser's tree, through objects only (no array index,
/// no escaped token): where a dossier's fields are read before its tree is
/// built, if ever.
pub fn object_pointer<'v, 'a>(v: &'v Value<'a>, p: &str) -> Option<&'v Value<'a>> {
    p.strip_prefix('/')?
        .split('/')
        .try_fold(v, |at, key| match at {
            Value::Object(o) => o
                .properties
                .iter()
                .find(|p| p.name.as_str() == key)
                .map(|p| &p.value),
            _ => None,
        })
}

/// Converts a validated AST to a `serde_json::Value` with keys in file order.
pub fn to_value(v: Value) -> serde_json::Value {
    v.into()
}

/// Decodes a file's bytes as UTF-8 (a leading BOM dropped), reporting the
/// first invalid byte's position.
pub fn decode_utf8(bytes: Vec<u8>, display: &str) -> Result<String, Diag> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{FEFF}') {
                // A BOM is what some Windows editors write; it is harmless.
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let src = Src {
                path: display,
                text: &text,
            };
            Err(src.error_at(
                valid,
                "le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8 (octet invalide à cet endroit)",
            ))
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn pointers_are_found_as_serde_json_finds_them() {
        let v = serde_json::json!({
            "a": {"b/c": [10, {"d~e": true}], "": "empty key", "0": "zero"},
            "list": [1, 2, 3],
        });
        for p in [
            "",
            "/",
            "/a",
            "/a/b~1c",
            "/a/b~1c/0",
            "/a/b~1c/1/d~0e",
            "/a/b~1c/01",
            "/a/b~1c/+1",
            "/a/b~1c/-1",
            "/a/b~1c/2",
            "/a/",
            "/a/0",
            "/list/1",
            "/list/",
            "/list/1/x",
            "a",
            "/missing",
            "/a/b~2c",
            "/list/ 1",
        ] {
            assert_eq!(pointer(&v, p), v.pointer(p), "{p:?}");
        }
    }

    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let src = Src {
            path: "x.json",
            text: "{\n  \"é\": 1,\n  \"b\": x\n}",
        };
        let at = src.text.find('x').unwrap_or(0);
        assert_eq!(src.position(at), (3, 8));
        assert_eq!(src.position(src.text.find('1').unwrap_or(0)), (2, 8));
    }

    #[test]
    fn syntax_errors_are_positioned_and_french() {
        let src = Src {
            path: "d.json",
            text: "{\n  \"a\": 1,\n}",
        };
        let e = src.parse().unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("virgule"), "{}", e.message);
    }

    /// The compact text is serde_json's, byte for byte: a dossier's hash
    /// is taken from it, and the hashes a base holds must not change.
    #[test]
    fn compact_text_is_serde_json_s() {
        let docs = [
            r#"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
            "{ \"é\" : \"caf\\u00e9 \\\"cité\\\" \\n\\t\\u0001 \\/ 😀\" }",
            r#"[1.0, 1e5, -0, 0.1, 12345678901234567890, -9223372036854775808, 1.5e300, 2E-3, 100000000000000000000000]"#,
            r#"{"z":{},"y":[],"x":[[[]]],"w":"","":"vide"}"#,
            r#"  "seule chaîne\u2028"  "#,
            r#"{"pieces":[{"title":"Statuts","path":"pieces/a.pdf"}],"n":-12.50}"#,
        ];
        for doc in docs {
            let src = Src {
                path: "t.json",
                text: doc,
            };
            let ast = src.parse().unwrap();
            let expected = serde_json::to_string(&to_value(ast.clone())).unwrap();
            assert_eq!(compact(&ast), expected, "{doc}");
        }
    }

    /// A key written twice is named with its path, as before the check
    /// stopped naming every path on its way.
    #[test]
    fn a_key_written_twice_is_named_with_its_path() {
        let doc = r#"{"a":{"b":[{"c":1,"c":2}],"b2":1,"b2":2},"top":1,"top":2}"#;
        let src = Src {
            path: "t.json",
            text: doc,
        };
        let ast = src.parse().unwrap();
        let mut errors = Vec::new();
        check_duplicate_keys(&src, &ast, "", &mut errors);
        let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "champ « top » écrit deux fois",
                "champ « a.b2 » écrit deux fois",
                "champ « a.b[0].c » écrit deux fois",
            ]
        );
        let wide: String = (0..20).map(|i| format!("\"k{i}\":{i},")).collect();
        let doc = format!("{{{wide}\"k3\":0}}");
        let src = Src {
            path: "t.json",
            text: &doc,
        };
        let ast = src.parse().unwrap();
        let mut errors = Vec::new();
        check_duplicate_keys(&src, &ast, "x", &mut errors);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].message, "champ « x.k3 » écrit deux fois");
    }
}
