//! The call's `intake` section and the conversion of one spreadsheet row
//! into a `jury-dossier/1` object. Pure: the app crate reads the files
//! (CSV, XLSX, ODS, the Démarches Simplifiées ZIP) and hands rows of text.
//!
//! Columns are found by label, never by position: labels are compared
//! trimmed, without case or accents (`Déposé le` = `depose LE`).

use crate::json::{Diag, Fields};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use jsonc_parser::ast::Value as Ast;
use serde_json::{Map, Value};

/// How a cell is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    Decimal,
    Date,
    DateTime,
    YesNo,
    List,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "text" => Kind::Text,
            "integer" => Kind::Integer,
            "decimal" => Kind::Decimal,
            "date" => Kind::Date,
            "datetime" => Kind::DateTime,
            "yesno" => Kind::YesNo,
            "list" => Kind::List,
            _ => return None,
        })
    }
}

/// One column of the source, the dossier field it fills and its type.
#[derive(Clone, Debug, PartialEq)]
pub struct Mapping {
    pub column: String,
    /// JSON Pointer in the dossier (`/structure/address/city`).
    pub field: String,
    pub kind: Kind,
}

/// The call's `intake` section.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Intake {
    /// Put before each reference read from a source (a Démarches
    /// Simplifiées `ID`, or the column mapped to `/reference`).
    pub reference_prefix: String,
    pub columns: Vec<Mapping>,
}

/// The prefix of Démarches Simplifiées references when the call sets none:
/// `DS-12345`, so they never collide with hand-numbered dossiers.
pub const DS_PREFIX: &str = "DS-";

/// Where the fixed Démarches Simplifiées columns go that the dossier format
/// has no place for: `/plateforme/etat`, `/plateforme/motivation`,
/// `/plateforme/id`.
pub const PLATFORM_KEY: &str = "plateforme";

/// The dossier fields the fixed columns of a Démarches Simplifiées export fill.
pub const DS_FIELDS: &[&str] = &["/reference", "/received_at", "/structure/email"];

/// Columns that make a sheet a Démarches Simplifiées export.
const DS_ID: &str = "ID";
const DS_EMAIL: &str = "Email";
const DS_DEPOSITED: &str = "Déposé le";
const DS_STATE: &str = "État du dossier";
const DS_MOTIVATION: &str = "Motivation de la décision";

/// Parses `intake` inside `appel.json`; errors carry file:line:col.
pub fn parse(f: &Fields, errors: &mut Vec<Diag>) -> Option<Intake> {
    let i = f.get("intake")?;
    let i = match i {
        Ast::Object(_) => f.object("intake", errors)?,
        other => {
            errors.push(f.src.error(
                other,
                "« intake » : un objet { \"columns\": [ … ] } attendu",
            ));
            return None;
        }
    };
    let reference_prefix = i.opt_string("reference_prefix", errors).unwrap_or_default();
    let mut columns: Vec<Mapping> = Vec::new();
    for (n, item) in i
        .array("columns", errors)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let Ast::Object(obj) = item else {
            errors.push(i.src.error(
                item,
                "« intake.columns » : chaque colonne est un objet { \"column\", \"field\", \"type\" }",
            ));
            continue;
        };
        let place = format!("intake.columns[{n}]");
        let c = Fields::new(i.src, obj, &place);
        let column = c.string("column", errors);
        let field = c.string("field", errors);
        if let (Some(p), Some(v)) = (&field, c.get("field"))
            && !p.starts_with('/')
        {
            errors.push(c.src.error(
                v,
                format!("« field » : un JSON Pointer commençant par « / » attendu, trouvé « {p} »"),
            ));
        }
        let kind = match (c.opt_string("type", errors), c.get("type")) {
            (None, _) => Some(Kind::Text),
            (Some(t), Some(v)) => Kind::parse(&t).or_else(|| {
                errors.push(c.src.error(
                    v,
                    format!("type « {t} » inconnu : text, integer, decimal, date, datetime, yesno ou list"),
                ));
                None
            }),
            (Some(_), None) => None,
        };
        if let (Some(col), Some(v)) = (&column, c.get("column"))
            && columns.iter().any(|m| same_label(&m.column, col))
        {
            errors.push(c.src.error(v, format!("colonne « {col} » déjà associée")));
        }
        if let (Some(column), Some(field), Some(kind)) = (column, field, kind) {
            columns.push(Mapping {
                column,
                field,
                kind,
            });
        }
    }
    Some(Intake {
        reference_prefix,
        columns,
    })
}

/// Labels compared trimmed, without case or accents.
pub fn same_label(a: &str, b: &str) -> bool {
    crate::search::fold(a.trim()).text == crate::search::fold(b.trim()).text
}

fn find(header: &[String], label: &str) -> Option<usize> {
    header.iter().position(|h| same_label(h, label))
}

/// Whether a sheet is a Démarches Simplifiées export: its fixed columns.
pub fn is_demarches(header: &[String]) -> bool {
    [DS_ID, DS_EMAIL, DS_DEPOSITED, DS_STATE]
        .iter()
        .all(|l| find(header, l).is_some())
}

/// Why a cell could not be read: the message (in French) and the column.
#[derive(Clone, Debug, PartialEq)]
pub struct CellError {
    /// 0-based index in the row.
    pub column: usize,
    pub message: String,
}

/// A sheet's columns, resolved once against the intake.
#[derive(Clone, Debug)]
pub struct Plan {
    demarches: Option<[usize; 5]>,
    columns: Vec<(usize, Mapping)>,
    prefix: String,
}

/// A mapped column the sheet does not have.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("colonne « {missing} » absente ; colonnes trouvées : {found}")]
pub struct MissingColumn {
    pub missing: String,
    pub found: String,
}

impl Plan {
    /// Resolves every mapped column in `header`; a missing one is an error
    /// naming it and the labels found.
    pub fn new(intake: &Intake, header: &[String]) -> Result<Plan, MissingColumn> {
        match Plan::build(intake, header) {
            (plan, None) => Ok(plan),
            (_, Some(missing)) => Err(missing),
        }
    }

    /// For a fillable PDF form: its field names are the header, and a form
    /// holds only some of the columns a spreadsheet has (an attached form
    /// completes a dossier that a message started), so a mapped column it
    /// lacks is left out instead of refused.
    pub fn present(intake: &Intake, header: &[String]) -> Plan {
        Plan::build(intake, header).0
    }

    /// The plan of the columns found, and the first mapped one missing.
    fn build(intake: &Intake, header: &[String]) -> (Plan, Option<MissingColumn>) {
        let demarches = if is_demarches(header) {
            let mut idx = [0; 5];
            for (slot, label) in
                idx.iter_mut()
                    .zip([DS_ID, DS_EMAIL, DS_DEPOSITED, DS_STATE, DS_MOTIVATION])
            {
                // Motivation is absent from some exports: an empty column then.
                *slot = find(header, label).unwrap_or(usize::MAX);
            }
            Some(idx)
        } else {
            None
        };
        let mut columns = Vec::new();
        let mut missing = None;
        for m in &intake.columns {
            match find(header, &m.column) {
                Some(i) => columns.push((i, m.clone())),
                // One intake serves plain sheets and platform exports: the
                // fields a Démarches Simplifiées export fills from its fixed
                // columns need no column of their own there.
                None if demarches.is_some() && DS_FIELDS.contains(&m.field.as_str()) => {}
                None => {
                    missing.get_or_insert_with(|| MissingColumn {
                        missing: m.column.clone(),
                        found: header
                            .iter()
                            .map(|h| format!("« {} »", h.trim()))
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                }
            }
        }
        let prefix = if demarches.is_some() && intake.reference_prefix.is_empty() {
            DS_PREFIX.to_string()
        } else {
            intake.reference_prefix.clone()
        };
        let plan = Plan {
            demarches,
            columns,
            prefix,
        };
        (plan, missing)
    }

    pub fn is_demarches(&self) -> bool {
        self.demarches.is_some()
    }

    /// The dossier a row makes: its platform id (Démarches Simplifiées) and
    /// the JSON object, or every cell that could not be read.
    pub fn dossier(&self, row: &[String]) -> Result<(Option<String>, Value), Vec<CellError>> {
        let cell = |i: usize| row.get(i).map(|s| s.trim()).unwrap_or("");
        let mut errors = Vec::new();
        let mut out = Map::new();
        out.insert("format".into(), Value::from(crate::dossier::FORMAT));
        let mut platform_id = None;
        if let Some([id, email, deposited, state, motivation]) = self.demarches {
            let id_text = cell(id);
            if id_text.is_empty() {
                errors.push(CellError {
                    column: id,
                    message: "identifiant du dossier vide".into(),
                });
            } else {
                platform_id = Some(id_text.to_string());
                out.insert(
                    "reference".into(),
                    Value::from(format!("{}{id_text}", self.prefix)),
                );
            }
            match convert(Kind::DateTime, cell(deposited)) {
                Ok(v) => {
                    out.insert("received_at".into(), v);
                }
                Err(message) => errors.push(CellError {
                    column: deposited,
                    message,
                }),
            }
            set(&mut out, "/structure/email", Value::from(cell(email)));
            let mut p = Map::new();
            p.insert("id".into(), Value::from(id_text));
            p.insert("etat".into(), Value::from(cell(state)));
            p.insert("motivation".into(), Value::from(cell(motivation)));
            out.insert(PLATFORM_KEY.into(), Value::Object(p));
        }
        for (i, m) in &self.columns {
            match convert(m.kind, cell(*i)) {
                Ok(Value::Null) => {}
                Ok(v) => {
                    let v = match (m.field.as_str(), v) {
                        ("/reference", Value::String(r)) => {
                            Value::String(format!("{}{r}", self.prefix))
                        }
                        ("/professional/employment", Value::String(s)) => {
                            Value::String(employment_code(&s).map(String::from).unwrap_or(s))
                        }
                        (_, v) => v,
                    };
                    set(&mut out, &m.field, v)
                }
                Err(message) => errors.push(CellError {
                    column: *i,
                    message,
                }),
            }
        }
        if errors.is_empty() {
            Ok((platform_id, Value::Object(out)))
        } else {
            Err(errors)
        }
    }
}

/// Writes `v` at a JSON Pointer, creating the objects on the way.
pub fn set(root: &mut Map<String, Value>, pointer: &str, v: Value) {
    let parts: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some((last, path)) = parts.split_last() else {
        return;
    };
    let mut here = root;
    for p in path {
        let next = here
            .entry(p.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !next.is_object() {
            *next = Value::Object(Map::new());
        }
        let Value::Object(m) = next else { return };
        here = m;
    }
    here.insert(last.clone(), v);
}

/// Reads a cell as `kind`. An empty cell is `null` (the field is left out),
/// except for yes/no, where empty means no (a box left unticked). Errors
/// are French sentences naming the value.
pub fn convert(kind: Kind, text: &str) -> Result<Value, String> {
    let s = text.trim();
    if s.is_empty() && kind != Kind::YesNo {
        return Ok(Value::Null);
    }
    match kind {
        Kind::Text => Ok(Value::from(s)),
        Kind::Integer => {
            let compact: String = s.chars().filter(|c| !is_space(*c)).collect();
            compact
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("nombre entier illisible « {s} »"))
        }
        Kind::Decimal => {
            let compact: String = s
                .chars()
                .filter(|c| !is_space(*c))
                .map(|c| if c == ',' { '.' } else { c })
                .collect();
            compact
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                // A whole number is written as one (`3`, not `3.0`), as a
                // person writing the dossier by hand would.
                .map(|x| {
                    if x.fract() == 0.0 && x.abs() < 1e15 {
                        Value::from(x as i64)
                    } else {
                        Value::from(x)
                    }
                })
                .ok_or_else(|| format!("nombre décimal illisible « {s} »"))
        }
        Kind::Date => date(s).map(|d| Value::from(d.format("%Y-%m-%d").to_string())),
        Kind::DateTime => datetime(s).map(Value::from),
        Kind::YesNo => match crate::search::fold(s).text.as_str() {
            "oui" | "o" | "yes" | "vrai" | "true" | "1" | "x" => Ok(Value::Bool(true)),
            "non" | "n" | "no" | "faux" | "false" | "0" | "" => Ok(Value::Bool(false)),
            _ => Err(format!("oui ou non attendu, trouvé « {s} »")),
        },
        Kind::List => Ok(Value::Array(
            s.split([',', ';'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(Value::from)
                .collect(),
        )),
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}'
}

fn date(s: &str) -> Result<NaiveDate, String> {
    crate::dates::parse(s).map_err(|_| format!("date illisible « {s} »"))
}

/// `03/07/2025 16:42`, `2025-07-03 16:42:00` (Europe/Paris), or RFC 3339
/// with its offset, to RFC 3339 with the offset of Paris on that day.
fn datetime(s: &str) -> Result<String, String> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.to_rfc3339());
    }
    let unreadable = || format!("date et heure illisibles « {s} »");
    // ISO without an offset (`2025-07-03T16:42:00`), as some exports write it.
    let iso = match s.split_at_checked(10) {
        Some((d, t)) if t.starts_with('T') => format!("{d} {}", &t[1..]),
        _ => s.to_string(),
    };
    let (day, time) = match iso.rsplit_once(' ') {
        Some((d, t)) if t.contains(':') => (d.trim(), t.trim()),
        _ => (s, "00:00"),
    };
    let day = crate::dates::parse(day).map_err(|_| unreadable())?;
    let time = NaiveTime::parse_from_str(time, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M"))
        .map_err(|_| unreadable())?;
    let local = NaiveDateTime::new(day, time);
    chrono_tz::Europe::Paris
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.fixed_offset().to_rfc3339())
        .ok_or_else(|| format!("heure inexistante à Paris « {s} » (changement d'heure)"))
}

/// How a field is typed in when no column maps it: as its current value
/// is, or as a rule reads it.
pub fn kind_of(intake: Option<&Intake>, pointer: &str, current: Option<&Value>) -> Kind {
    if let Some(m) = intake.and_then(|i| i.columns.iter().find(|m| m.field == pointer)) {
        return m.kind;
    }
    match current {
        Some(Value::Bool(_)) => Kind::YesNo,
        Some(Value::Number(n)) if n.is_i64() => Kind::Integer,
        Some(Value::Number(_)) => Kind::Decimal,
        Some(Value::Array(_)) => Kind::List,
        _ => Kind::Text,
    }
}

/// A value as the completion form shows it, ready to be read back by
/// [`convert`]: `Oui`, `3,5`, `a, b`.
pub fn shown(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::Bool(true)) => "Oui".into(),
        Some(Value::Bool(false)) => "Non".into(),
        Some(Value::Number(n)) => n.to_string().replace('.', ","),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| shown(Some(i)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

/// The dossier format's code for an employment status as people write it
/// in a form or a spreadsheet: « Salarié », « salariée », « Bénévole »,
/// « Indépendant·e ».
pub fn employment_code(written: &str) -> Option<&'static str> {
    let folded = crate::search::fold(written.trim()).text;
    [
        ("salari", "salarie"),
        ("benevol", "benevole"),
        ("independ", "independant"),
        ("autre", "autre"),
    ]
    .iter()
    .find(|(stem, _)| folded.starts_with(stem))
    .map(|(_, code)| *code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_convert_in_french_forms() {
        assert_eq!(convert(Kind::Decimal, "4,5"), Ok(Value::from(4.5)));
        assert_eq!(convert(Kind::Decimal, "3"), Ok(Value::from(3)));
        assert_eq!(convert(Kind::Integer, "1 200"), Ok(Value::from(1200)));
        assert_eq!(
            convert(Kind::Date, "3 juillet 2025"),
            Ok(Value::from("2025-07-03"))
        );
        assert_eq!(
            convert(Kind::DateTime, "03/07/2025 16:42"),
            Ok(Value::from("2025-07-03T16:42:00+02:00"))
        );
        assert_eq!(
            convert(Kind::DateTime, "2025-07-03T16:42:00"),
            Ok(Value::from("2025-07-03T16:42:00+02:00"))
        );
        assert_eq!(
            convert(Kind::DateTime, "03/01/2025 16:42"),
            Ok(Value::from("2025-01-03T16:42:00+01:00"))
        );
        assert_eq!(convert(Kind::YesNo, "OUI"), Ok(Value::Bool(true)));
        assert_eq!(convert(Kind::YesNo, "x"), Ok(Value::Bool(true)));
        assert_eq!(convert(Kind::YesNo, ""), Ok(Value::Bool(false)));
        assert_eq!(
            convert(Kind::List, "Instagram, Facebook; WhatsApp"),
            Ok(serde_json::json!(["Instagram", "Facebook", "WhatsApp"]))
        );
        assert_eq!(
            convert(Kind::Date, "31/02/2025"),
            Err("date illisible « 31/02/2025 »".to_string())
        );
        assert_eq!(
            convert(Kind::Decimal, "4,5,1"),
            Err("nombre décimal illisible « 4,5,1 »".to_string())
        );
        assert_eq!(
            convert(Kind::YesNo, "peut-être"),
            Err("oui ou non attendu, trouvé « peut-être »".to_string())
        );
    }

    #[test]
    fn labels_match_without_case_or_accents() {
        assert!(same_label(" Déposé le ", "depose LE"));
        assert!(!same_label("Nom", "Prénom"));
    }

    #[test]
    fn a_demarches_simplifiees_row_needs_no_mapping_for_its_fixed_columns() {
        let header: Vec<String> = [
            "ID",
            "Email",
            "État du dossier",
            "Déposé le",
            "Motivation de la décision",
        ]
        .map(String::from)
        .to_vec();
        let intake = Intake {
            reference_prefix: String::new(),
            columns: vec![Mapping {
                column: "Reçu le".into(),
                field: "/received_at".into(),
                kind: Kind::DateTime,
            }],
        };
        let plan = Plan::new(&intake, &header).unwrap();
        let row = ["12", "a@b.fr", "accepte", "03/07/2025 16:42", "Complet"].map(String::from);
        let (id, d) = plan.dossier(&row).unwrap();
        assert_eq!(id.as_deref(), Some("12"));
        assert_eq!(d["reference"], "DS-12");
        assert_eq!(d["received_at"], "2025-07-03T16:42:00+02:00");
        assert_eq!(d["structure"]["email"], "a@b.fr");
        assert_eq!(d["plateforme"]["etat"], "accepte");
        assert_eq!(d["plateforme"]["motivation"], "Complet");
    }

    #[test]
    fn a_form_fills_the_columns_it_has_and_reads_them_as_a_sheet_does() {
        let intake = Intake {
            reference_prefix: "F-".into(),
            columns: vec![
                Mapping {
                    column: "Commune".into(),
                    field: "/structure/address/city".into(),
                    kind: Kind::Text,
                },
                Mapping {
                    column: "charte".into(),
                    field: "/commitments/charter_signed".into(),
                    kind: Kind::YesNo,
                },
            ],
        };
        let plan = Plan::present(&intake, &["Charte".into()]);
        let (_, d) = plan.dossier(&["Oui".into()]).unwrap();
        assert_eq!(d["commitments"]["charter_signed"], true);
        assert!(d.get("structure").is_none());
    }

    #[test]
    fn a_missing_column_is_named_with_the_labels_found() {
        let intake = Intake {
            reference_prefix: String::new(),
            columns: vec![Mapping {
                column: "Commune".into(),
                field: "/structure/address/city".into(),
                kind: Kind::Text,
            }],
        };
        let e = Plan::new(&intake, &["Nom".into(), "Ville".into()]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "colonne « Commune » absente ; colonnes trouvées : « Nom », « Ville »"
        );
    }
}

#[cfg(test)]
mod statuses {
    use super::employment_code;

    #[test]
    fn statuses_as_people_write_them_read_as_codes() {
        for (written, code) in [
            ("Salarié", Some("salarie")),
            ("salariée", Some("salarie")),
            ("Bénévole", Some("benevole")),
            ("Indépendant·e", Some("independant")),
            ("autre", Some("autre")),
            ("CDI", None),
        ] {
            assert_eq!(employment_code(written), code, "{written}");
        }
    }
}
