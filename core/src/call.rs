//! The call for applications (`appel.json`, format `jury-appel/1`): its grid,
//! rules, calendar, issuer and committee. Everything a call varies lives here,
//! so a new call needs no code change.

use crate::json::{Diag, Fields, Src};
use chrono::NaiveDate;
use jsonc_parser::ast::Value as Ast;
use serde_json::Value;

pub const FORMAT: &str = "jury-appel/1";

/// The ids of the six built-in decisions, as stored and as letter templates
/// are named (`decision::BUILT_IN` holds their labels and rules).
pub mod decision_id {
    pub const RETENU: &str = "retenu";
    pub const RETENU_SOUS_RESERVE: &str = "retenu_sous_reserve";
    pub const LISTE_COMPLEMENTAIRE: &str = "liste_complementaire";
    pub const NON_RETENU: &str = "non_retenu";
    pub const IRRECEVABLE: &str = "irrecevable";
    pub const AJOURNE: &str = "ajourne";
    /// The dossier stage's shortlist, in a call with an audition stage.
    pub const CONVOQUE: &str = "convoque";
}

/// A call may not define a decision under one of these ids.
pub const BUILT_IN_DECISIONS: &[&str] = &[
    decision_id::RETENU,
    decision_id::RETENU_SOUS_RESERVE,
    decision_id::LISTE_COMPLEMENTAIRE,
    decision_id::NON_RETENU,
    decision_id::IRRECEVABLE,
    decision_id::AJOURNE,
    decision_id::CONVOQUE,
];

#[derive(Clone, Debug, PartialEq)]
pub struct Scale {
    pub min: f64,
    pub max: f64,
}

impl Scale {
    pub fn contains(&self, v: f64) -> bool {
        v >= self.min && v <= self.max
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Criterion {
    pub id: String,
    pub label: String,
    pub weight: f64,
    pub help: Option<String>,
}

/// The test an eligibility rule applies.
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    /// Received on or before the deadline (a date, inclusive, Europe/Paris).
    ReceivedByDeadline,
    /// A field of the dossier, named by JSON Pointer, compared with the conditions.
    Pointer {
        pointer: String,
        equals: Option<Value>,
        one_of: Option<Vec<Value>>,
        min: Option<f64>,
        max: Option<f64>,
        present: bool,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub id: String,
    pub label: String,
    /// `false` makes the rule a priority: a flag, never a reason to exclude.
    pub required: bool,
    pub test: Test,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Chair,
    Secretary,
    Member,
    Rapporteur,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "chair" => Some(Role::Chair),
            "secretary" => Some(Role::Secretary),
            "member" => Some(Role::Member),
            "rapporteur" => Some(Role::Rapporteur),
            _ => None,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Role::Chair => "chair",
            Role::Secretary => "secretary",
            Role::Member => "member",
            Role::Rapporteur => "rapporteur",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub name: String,
    pub role: Role,
}

/// A decision a call adds (seed 004: "personne ressource du réseau").
#[derive(Clone, Debug, PartialEq)]
pub struct CustomDecision {
    pub id: String,
    pub label: String,
    /// Counts as accepted (capacity, letters).
    pub accepted: bool,
    pub motivation_required: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Issuer {
    pub name: String,
    pub contact_email: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub id: String,
    pub title: String,
    pub issuer: Issuer,
    pub deadline: NaiveDate,
    pub sessions: Vec<NaiveDate>,
    pub notify_by: Option<NaiveDate>,
    pub scale: Scale,
    pub criteria: Vec<Criterion>,
    pub eligibility: Vec<Rule>,
    pub members: Vec<Member>,
    pub quorum: Option<u32>,
    pub disagreement_spread: Option<f64>,
    pub quality_threshold: Option<f64>,
    pub capacity: Option<u32>,
    /// Decisions this call adds to the six built-in ones.
    pub decisions: Vec<CustomDecision>,
    /// Lets a session record decisions without quorum, marked as such.
    pub allow_without_quorum: bool,
    /// Members who should have scored a dossier before it is decided; below
    /// it (or with eligibility unknown) deciding asks for a confirmation.
    /// 1 when the call does not say.
    pub min_reviews: u32,
    /// How many rapporteurs each dossier gets when the chair asks Jury to
    /// propose an assignment (`reviewers_per_dossier`); None: chosen in the app.
    pub reviewers_per_dossier: Option<u32>,
    /// At most this many dossiers per member in a proposed assignment
    /// (`reviewer_cap`); None: no cap beyond balance.
    pub reviewer_cap: Option<u32>,
    /// Members not assigned to a dossier may still score it
    /// (`unassigned_may_score`, true when the call does not say).
    pub unassigned_may_score: bool,
    pub appeal_routes: Option<String>,
    /// How long, in months after the deadline, the call's personal data may
    /// be kept (1 to 120); past it Jury says so and `jury anonymise` runs
    /// without being forced.
    pub retention_months: Option<u32>,
    /// How `jury import` reads spreadsheets into dossiers (`intake`).
    pub intake: Option<crate::intake::Intake>,
    /// The audition stage after the dossier stage (`"audition"`), if any.
    pub audition: Option<crate::stage::Audition>,
    /// Institutions that must validate each session's decisions before
    /// they are final (`"institutions"`); none: final at the close.
    pub institutions: Vec<crate::institutions::Institution>,
    /// The aid envelope shared among accepted dossiers (`"budget"`), if any.
    pub budget: Option<crate::budget::Budget>,
    /// The call's lots (`"lots"`), judged apart; empty: one call, no lots.
    pub lots: Vec<crate::lot::Lot>,
    /// Where a dossier names the lots it answers (a JSON Pointer).
    pub lots_field: String,
    /// The whole file as read, unknown keys included, in file order.
    pub raw: Value,
}

impl Call {
    /// The last day the call's personal data may be kept: the deadline plus
    /// `retention_months`. None when the call sets no period.
    pub fn retention_end(&self) -> Option<NaiveDate> {
        self.retention_months
            .and_then(|m| self.deadline.checked_add_months(chrono::Months::new(m)))
    }

    /// Past the retention period on `today`: the sentence Jury says at
    /// start, dates written out (« 4 juillet 2026 »).
    pub fn retention_notice(&self, today: NaiveDate, lang: crate::fr::Lang) -> Option<String> {
        let end = self.retention_end().filter(|end| today > *end)?;
        let months = self.retention_months.unwrap_or_default();
        Some(match lang {
            crate::fr::Lang::Fr => format!(
                "Durée de conservation dépassée : les données personnelles de cet appel pouvaient être gardées jusqu'au {} ({months} mois après la date limite du {}). Anonymisez-les : jury anonymise --db <base>.",
                lang.date(end),
                lang.date(self.deadline)
            ),
            crate::fr::Lang::En => format!(
                "Retention period over: this call's personal data could be kept until {} ({months} months after the {} deadline). Anonymise it: jury anonymise --db <base>.",
                lang.date(end),
                lang.date(self.deadline)
            ),
        })
    }

    /// Parses and validates `appel.json`; `path` is the name shown in messages.
    pub fn parse(path: &str, text: &str) -> Result<Call, Vec<Diag>> {
        let src = Src { path, text };
        let ast = src.parse().map_err(|d| vec![d])?;
        let mut errors = Vec::new();
        crate::json::check_duplicate_keys(&src, &ast, "", &mut errors);
        let Ast::Object(obj) = &ast else {
            return Err(vec![
                src.error(&ast, "l'appel doit être un objet JSON { … }"),
            ]);
        };
        let f = Fields::new(&src, obj, "");
        let call = parse_fields(&f, &mut errors);
        match call {
            Some(mut c) if errors.is_empty() => {
                c.raw = crate::json::to_value(ast.clone());
                Ok(c)
            }
            _ => Err(errors),
        }
    }

    /// Rebuilds a call from JSON already validated once (as kept in the database).
    pub fn from_value(v: &Value) -> Result<Call, Vec<Diag>> {
        let text = serde_json::to_string_pretty(v).unwrap_or_default();
        Call::parse("appel.json", &text)
    }

    /// The call as the audition stage scores it: the audition's scale and
    /// criteria in place of the dossiers' (no criteria when the audition is
    /// not scored). The call itself when it has no audition stage.
    pub fn audition_grid(&self) -> Call {
        let mut grid = self.clone();
        if let Some(a) = &self.audition {
            grid.criteria = a.criteria.clone();
            if let Some(scale) = &a.scale {
                grid.scale = scale.clone();
            }
        }
        grid
    }

    /// The call as `stage` scores it.
    pub fn grid_of(&self, stage: crate::stage::Stage) -> std::borrow::Cow<'_, Call> {
        match stage {
            crate::stage::Stage::Audition if self.audition.is_some() => {
                std::borrow::Cow::Owned(self.audition_grid())
            }
            _ => std::borrow::Cow::Borrowed(self),
        }
    }

    pub fn total_weight(&self) -> f64 {
        self.criteria.iter().map(|c| c.weight).sum()
    }

    /// A criterion of any grid of the call (either stage's, any lot's), by
    /// id (ids are unique across them): how history and merge conflicts name it.
    pub fn any_criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria
            .iter()
            .chain(self.audition.iter().flat_map(|a| &a.criteria))
            .chain(self.lots.iter().flat_map(|l| l.criteria.iter().flatten()))
            .find(|c| c.id == id)
    }

    pub fn criterion_index(&self, id: &str) -> Option<usize> {
        self.criteria.iter().position(|c| c.id == id)
    }
}

fn parse_fields(f: &Fields, errors: &mut Vec<Diag>) -> Option<Call> {
    if let (Some(format), Some(v)) = (f.string("format", errors), f.get("format"))
        && format != FORMAT
    {
        errors.push(f.src.error(
            v,
            format!("format « {format} » inconnu : « {FORMAT} » attendu"),
        ));
    }
    let id = f.string("id", errors);
    let title = f.string("title", errors);
    let issuer = f.object("issuer", errors).and_then(|i| {
        let name = i.string("name", errors);
        let contact_email = i.opt_string("contact_email", errors);
        Some(Issuer {
            name: name?,
            contact_email,
        })
    });
    let deadline = f.date("deadline", errors);
    let sessions = f
        .opt_array("sessions", errors)
        .map(|items| dates(f, "sessions", items, errors))
        .unwrap_or_default();
    let notify_by = f.opt_date("notify_by", errors);
    let scale = f.object("scale", errors).and_then(|s| scale(&s, errors));
    let before_criteria = errors.len();
    let criteria = f
        .array("criteria", errors)
        .map(|items| criteria(f, items, errors))
        .unwrap_or_default();
    if let Some(v) = f.get("criteria")
        && criteria.is_empty()
        && errors.len() == before_criteria
    {
        errors.push(
            f.src
                .error(v, "« criteria » : la grille doit avoir au moins un critère"),
        );
    }
    let eligibility = f
        .opt_array("eligibility", errors)
        .map(|items| rules(f, items, errors))
        .unwrap_or_default();
    let members = f
        .opt_array("members", errors)
        .map(|items| members(f, items, errors))
        .unwrap_or_default();
    let quorum = count(f, "quorum", errors);
    let capacity = count(f, "capacity", errors);
    let min_reviews = count(f, "min_reviews", errors);
    if let (Some(0), Some(v)) = (min_reviews, f.get("min_reviews")) {
        errors.push(
            f.src
                .error(v, "« min_reviews » : au moins 1 membre doit avoir noté"),
        );
    }
    let reviewers_per_dossier = at_least_one(
        f,
        "reviewers_per_dossier",
        "au moins 1 rapporteur·e par dossier",
        errors,
    );
    let reviewer_cap = at_least_one(f, "reviewer_cap", "au moins 1 dossier par membre", errors);
    let unassigned_may_score = f.opt_bool("unassigned_may_score", errors).unwrap_or(true);
    let retention_months = count(f, "retention_months", errors);
    if let (Some(m), Some(v)) = (retention_months, f.get("retention_months"))
        && !(1..=120).contains(&m)
    {
        errors.push(f.src.error(
            v,
            "« retention_months » : une durée de conservation de 1 à 120 mois est attendue",
        ));
    }
    let decisions = f
        .opt_array("decisions", errors)
        .map(|items| custom_decisions(f, items, errors))
        .unwrap_or_default();
    let intake = crate::intake::parse(f, errors);
    let decision_ids: Vec<String> = BUILT_IN_DECISIONS
        .iter()
        .filter(|id| **id != decision_id::CONVOQUE)
        .map(|id| id.to_string())
        .chain(decisions.iter().map(|d| d.id.clone()))
        .collect();
    let audition = crate::stage::parse(f, &members, &decision_ids, &criteria, errors);
    let institutions = crate::institutions::parse(f, errors);
    let budget = crate::budget::parse(f, errors);
    let taken: Vec<Criterion> = criteria
        .iter()
        .chain(audition.iter().flat_map(|a| &a.criteria))
        .cloned()
        .collect();
    let institution_ids: Vec<String> = institutions.iter().map(|i| i.id.clone()).collect();
    let (lots, lots_field) =
        crate::lot::parse(f, &taken, &institution_ids, audition.is_some(), errors);
    let allow_without_quorum = f.opt_bool("allow_without_quorum", errors).unwrap_or(false);
    let appeal_routes = f.opt_string("appeal_routes", errors);
    // Letters read `place` by pointer; a wrong type is named here, at
    // `jury check`, rather than silently left out of a letter.
    f.opt_string("place", errors);
    let disagreement_spread = f.opt_number("disagreement_spread", errors);
    let quality_threshold = f.opt_number("quality_threshold", errors);
    if let (Some(q), Some(v)) = (quality_threshold, f.get("quality_threshold"))
        && !(0.0..=100.0).contains(&q)
    {
        errors.push(
            f.src
                .error(v, "« quality_threshold » est sur 100 : entre 0 et 100"),
        );
    }
    Some(Call {
        id: id?,
        title: title?,
        issuer: issuer?,
        deadline: deadline?,
        sessions,
        notify_by,
        scale: scale?,
        criteria,
        eligibility,
        members,
        quorum,
        disagreement_spread,
        quality_threshold,
        capacity,
        decisions,
        allow_without_quorum,
        min_reviews: min_reviews.unwrap_or(1).max(1),
        reviewers_per_dossier,
        reviewer_cap,
        unassigned_may_score,
        appeal_routes,
        retention_months: retention_months.filter(|m| (1..=120).contains(m)),
        intake,
        audition,
        institutions,
        budget,
        lots,
        lots_field,
        raw: Value::Null,
    })
}

/// A grid's `"scale"`: `min` below `max`, both within [`MAX_NUMBER`].
pub(crate) fn scale(s: &Fields, errors: &mut Vec<Diag>) -> Option<Scale> {
    let (min, max) = (s.number("min", errors), s.number("max", errors));
    let (min, max) = (min?, max?);
    if min >= max {
        errors.push(s.src.error(
            &s.obj.range,
            format!(
                "« {} » : le minimum ({min}) doit être inférieur au maximum ({max})",
                s.at
            ),
        ));
    }
    // A note is read and shown in a few characters, and totals must
    // stay far from infinity: « 99 / inf » is no grade.
    for (key, x) in [("min", min), ("max", max)] {
        if x.abs() > MAX_NUMBER
            && let Some(v) = s.get(key)
        {
            errors.push(s.src.error(
                v,
                format!(
                    "« {} » : {} dépasse la limite de {MAX_NUMBER} (en valeur absolue)",
                    s.name(key),
                    as_written(v, x)
                ),
            ));
        }
    }
    Some(Scale { min, max })
}

pub(crate) fn count(f: &Fields, key: &str, errors: &mut Vec<Diag>) -> Option<u32> {
    let x = f.opt_number(key, errors)?;
    if x < 0.0 || x.fract() != 0.0 || x > u32::MAX as f64 {
        if let Some(v) = f.get(key) {
            errors.push(f.src.error(
                v,
                format!("« {} » : un nombre entier positif est attendu", f.name(key)),
            ));
        }
        return None;
    }
    Some(x as u32)
}

/// An optional count that must be 1 or more; 0 is refused with `why`.
fn at_least_one(f: &Fields, key: &str, why: &str, errors: &mut Vec<Diag>) -> Option<u32> {
    let n = count(f, key, errors)?;
    if n == 0 {
        if let Some(v) = f.get(key) {
            errors.push(f.src.error(v, format!("« {key} » : {why}")));
        }
        return None;
    }
    Some(n)
}

pub(crate) fn dates(
    f: &Fields,
    key: &str,
    items: &[Ast],
    errors: &mut Vec<Diag>,
) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Ast::StringLit(s) => match NaiveDate::parse_from_str(&s.value, "%Y-%m-%d") {
                Ok(d) => out.push(d),
                Err(_) => errors.push(f.src.error(
                    item,
                    format!(
                        "« {key}[{i}] » : date invalide « {} », attendu AAAA-MM-JJ",
                        s.value
                    ),
                )),
            },
            other => errors.push(f.src.error(
                other,
                format!("« {key}[{i}] » : une date AAAA-MM-JJ est attendue"),
            )),
        }
    }
    out
}

pub(crate) fn each_object<'s, 'a, 'v>(
    f: &Fields<'s, 'a, 'v>,
    key: &str,
    items: &'v [Ast<'a>],
    errors: &mut Vec<Diag>,
) -> Vec<Fields<'s, 'a, 'v>> {
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Ast::Object(o) => out.push(Fields::new(f.src, o, &format!("{key}[{i}]"))),
            other => errors.push(f.src.error(
                other,
                format!(
                    "« {key}[{i}] » : un objet {{ … }} est attendu, trouvé {}",
                    crate::json::kind_name(other)
                ),
            )),
        }
    }
    out
}

/// The largest weight and the largest note (in absolute value) a call may
/// set: any real grid is far below, and sums of products stay finite.
pub const MAX_NUMBER: f64 = 1000.0;

/// A number as the file writes it (`1e308`, not its 309 digits).
fn as_written(v: &jsonc_parser::ast::Value, x: f64) -> String {
    match v {
        jsonc_parser::ast::Value::NumberLit(n) => n.value.to_string(),
        _ => x.to_string(),
    }
}

pub(crate) fn criteria(f: &Fields, items: &[Ast], errors: &mut Vec<Diag>) -> Vec<Criterion> {
    let mut out: Vec<Criterion> = Vec::new();
    for c in each_object(f, &f.name("criteria"), items, errors) {
        let id = c.string("id", errors);
        let label = c.string("label", errors);
        let weight = c.number("weight", errors);
        let help = c.opt_string("help", errors);
        if let (Some(w), Some(v)) = (weight, c.get("weight"))
            && w <= 0.0
        {
            errors.push(c.src.error(
                v,
                format!(
                    "« {} » : la pondération doit être positive",
                    c.name("weight")
                ),
            ));
        }
        if let (Some(w), Some(v)) = (weight, c.get("weight"))
            && w > MAX_NUMBER
        {
            errors.push(c.src.error(
                v,
                format!(
                    "« {} » : la pondération {} dépasse la limite de {MAX_NUMBER}",
                    c.name("weight"),
                    as_written(v, w)
                ),
            ));
        }
        if let (Some(id), Some(v)) = (&id, c.get("id"))
            && out.iter().any(|o| &o.id == id)
        {
            errors.push(c.src.error(v, format!("critère « {id} » défini deux fois")));
        }
        if let (Some(id), Some(label), Some(weight)) = (id, label, weight) {
            out.push(Criterion {
                id,
                label,
                weight,
                help,
            });
        }
    }
    out
}

fn rules(f: &Fields, items: &[Ast], errors: &mut Vec<Diag>) -> Vec<Rule> {
    let mut out: Vec<Rule> = Vec::new();
    for r in each_object(f, "eligibility", items, errors) {
        let id = r.string("id", errors);
        let label = r.string("label", errors);
        let required = r.opt_bool("required", errors).unwrap_or(true);
        let by_deadline = r.opt_bool("received_by_deadline", errors).unwrap_or(false);
        let pointer = r.opt_string("pointer", errors);
        let test = if by_deadline {
            if pointer.is_some() {
                errors.push(r.src.error(
                    &r.obj.range,
                    format!("« {} » : une règle a un seul test (« received_by_deadline » ou « pointer »)", r.at),
                ));
            }
            Some(Test::ReceivedByDeadline)
        } else if let Some(pointer) = pointer {
            if !pointer.is_empty()
                && !pointer.starts_with('/')
                && let Some(v) = r.get("pointer")
            {
                errors.push(r.src.error(
                    v,
                    format!(
                        "« {} » : un JSON Pointer commence par « / » (ex. /project/weekly_online_hours)",
                        r.name("pointer")
                    ),
                ));
            }
            let equals = r.get("equals").map(|v| crate::json::to_value(v.clone()));
            let one_of = r
                .opt_array("in", errors)
                .map(|a| a.iter().map(|v| crate::json::to_value(v.clone())).collect());
            let min = r.opt_number("min", errors);
            let max = r.opt_number("max", errors);
            let present = r.opt_bool("present", errors).unwrap_or(false);
            if equals.is_none() && one_of.is_none() && min.is_none() && max.is_none() && !present {
                errors.push(r.src.error(
                    &r.obj.range,
                    format!("« {} » : test manquant (« equals », « in », « min », « max » ou « present »)", r.at),
                ));
            }
            Some(Test::Pointer {
                pointer,
                equals,
                one_of,
                min,
                max,
                present,
            })
        } else {
            // An empty or mistyped "pointer" was reported already.
            if r.get("pointer").is_none() {
                errors.push(r.src.error(
                    &r.obj.range,
                    format!(
                        "« {} » : test manquant (« received_by_deadline »: true ou « pointer »)",
                        r.at
                    ),
                ));
            }
            None
        };
        if let (Some(id), Some(v)) = (&id, r.get("id"))
            && out.iter().any(|o| &o.id == id)
        {
            errors.push(r.src.error(v, format!("règle « {id} » définie deux fois")));
        }
        if let (Some(id), Some(label), Some(test)) = (id, label, test) {
            out.push(Rule {
                id,
                label,
                required,
                test,
            });
        }
    }
    out
}

fn custom_decisions(f: &Fields, items: &[Ast], errors: &mut Vec<Diag>) -> Vec<CustomDecision> {
    let mut out: Vec<CustomDecision> = Vec::new();
    for d in each_object(f, "decisions", items, errors) {
        let id = d.string("id", errors);
        let label = d.string("label", errors);
        let accepted = d.opt_bool("accepted", errors).unwrap_or(false);
        let motivation_required = d.opt_bool("motivation_required", errors).unwrap_or(true);
        if let (Some(id), Some(v)) = (&id, d.get("id"))
            && (BUILT_IN_DECISIONS.contains(&id.as_str()) || out.iter().any(|o| &o.id == id))
        {
            errors.push(d.src.error(v, format!("décision « {id} » déjà définie")));
        }
        if let (Some(id), Some(label)) = (id, label) {
            out.push(CustomDecision {
                id,
                label,
                accepted,
                motivation_required,
            });
        }
    }
    out
}

fn members(f: &Fields, items: &[Ast], errors: &mut Vec<Diag>) -> Vec<Member> {
    let mut out = Vec::new();
    for m in each_object(f, "members", items, errors) {
        let name = m.string("name", errors);
        let role = match (m.opt_string("role", errors), m.get("role")) {
            (None, _) => Some(Role::Member),
            (Some(r), Some(v)) => match Role::parse(&r) {
                Some(role) => Some(role),
                None => {
                    errors.push(m.src.error(
                        v,
                        format!("rôle « {r} » inconnu : chair, secretary, member ou rapporteur"),
                    ));
                    None
                }
            },
            (Some(_), None) => None,
        };
        if let (Some(name), Some(role)) = (name, role) {
            out.push(Member { name, role });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"{
  "format": "jury-appel/1",
  "id": "t",
  "title": "Test",
  "issuer": { "name": "Caf" },
  "deadline": "2025-07-04",
  "scale": { "min": 0, "max": 20 },
  "criteria": [
    { "id": "a", "label": "A", "weight": 2 },
    { "id": "b", "label": "B", "weight": 1 }
  ],
  "custom_key": { "kept": true }
}"#;

    #[test]
    fn the_intake_section_is_read_and_its_mistakes_are_placed() {
        let good = MINIMAL.replace(
            "\"custom_key\"",
            r#""intake": { "reference_prefix": "P-", "columns": [
    { "column": "Heures", "field": "/project/hours", "type": "decimal" },
    { "column": "Nom", "field": "/structure/name" }
  ] },
  "custom_key""#,
        );
        let intake = Call::parse("appel.json", &good).unwrap().intake.unwrap();
        assert_eq!(intake.reference_prefix, "P-");
        assert_eq!(intake.columns[0].kind, crate::intake::Kind::Decimal);
        assert_eq!(intake.columns[1].kind, crate::intake::Kind::Text);
        let bad = MINIMAL.replace(
            "\"custom_key\"",
            r#""intake": { "columns": [
    { "column": "Heures", "field": "project/hours", "type": "nombre" }
  ] },
  "custom_key""#,
        );
        let e: Vec<String> = Call::parse("appel.json", &bad)
            .unwrap_err()
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            e,
            [
                "appel.json:13:36: « field » : un JSON Pointer commençant par « / » attendu, trouvé « project/hours »",
                "appel.json:13:61: type « nombre » inconnu : text, integer, decimal, date, datetime, yesno ou list",
            ]
        );
    }

    #[test]
    fn parses_minimal_call_and_keeps_unknown_keys() {
        let c = Call::parse("appel.json", MINIMAL).unwrap();
        assert_eq!(c.criteria.len(), 2);
        assert_eq!(c.scale.max, 20.0);
        assert_eq!(c.raw["custom_key"]["kept"], Value::Bool(true));
        let again = Call::from_value(&c.raw).unwrap();
        assert_eq!(again, c);
    }

    #[test]
    fn reports_bad_deadline_with_position() {
        let text = MINIMAL.replace("2025-07-04", "04/07/2025");
        let e = Call::parse("appel.json", &text).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].line, e[0].column), (6, 15));
        assert!(e[0].message.contains("date invalide"), "{}", e[0]);
    }

    #[test]
    fn rejects_rule_without_test() {
        let text = MINIMAL.replace(
            "\"custom_key\"",
            "\"eligibility\": [ { \"id\": \"x\", \"label\": \"X\", \"pointer\": \"/a\" } ], \"custom_key\"",
        );
        let e = Call::parse("appel.json", &text).unwrap_err();
        assert!(e[0].message.contains("test manquant"), "{}", e[0]);
    }

    #[test]
    fn retention_months_is_a_count_of_1_to_120_and_ends_after_the_deadline() {
        let set = |v: &str| {
            MINIMAL.replace(
                "\"custom_key\"",
                &format!("\"retention_months\": {v},\n  \"custom_key\""),
            )
        };
        let c = Call::parse("appel.json", &set("12")).unwrap();
        assert_eq!(c.retention_months, Some(12));
        let end = NaiveDate::from_ymd_opt(2026, 7, 4);
        assert_eq!(c.retention_end(), end);
        let fr = crate::fr::Lang::Fr;
        assert_eq!(
            c.retention_notice(NaiveDate::from_ymd_opt(2026, 7, 4).unwrap(), fr),
            None
        );
        let notice = c
            .retention_notice(NaiveDate::from_ymd_opt(2026, 7, 5).unwrap(), fr)
            .unwrap();
        assert!(notice.contains("jusqu'au 4 juillet 2026"), "{notice}");
        assert!(
            notice.contains("12 mois après la date limite du 4 juillet 2025"),
            "{notice}"
        );
        assert_eq!(
            Call::parse("appel.json", MINIMAL).unwrap().retention_end(),
            None
        );
        for bad in ["0", "121", "1.5", "\"un an\""] {
            let e = Call::parse("appel.json", &set(bad)).unwrap_err();
            assert_eq!(e.len(), 1, "{bad}: {e:?}");
            assert_eq!((e[0].line, e[0].column), (12, 23), "{bad}: {}", e[0]);
            assert!(e[0].message.contains("retention_months"), "{bad}: {}", e[0]);
        }
    }

    #[test]
    fn min_reviews_defaults_to_one_and_is_a_positive_count() {
        assert_eq!(Call::parse("appel.json", MINIMAL).unwrap().min_reviews, 1);
        let two = MINIMAL.replace("\"custom_key\"", "\"min_reviews\": 2, \"custom_key\"");
        assert_eq!(Call::parse("appel.json", &two).unwrap().min_reviews, 2);
        for bad in ["0", "1.5", "\"deux\""] {
            let text = MINIMAL.replace(
                "\"custom_key\"",
                &format!("\"min_reviews\": {bad},\n  \"custom_key\""),
            );
            let e = Call::parse("appel.json", &text).unwrap_err();
            assert_eq!(e.len(), 1, "{bad}: {e:?}");
            assert_eq!((e[0].line, e[0].column), (12, 18), "{bad}: {}", e[0]);
            assert!(e[0].message.contains("min_reviews"), "{bad}: {}", e[0]);
        }
    }

    #[test]
    fn assignment_settings_are_positive_counts_and_a_flag() {
        let c = Call::parse("appel.json", MINIMAL).unwrap();
        assert_eq!((c.reviewers_per_dossier, c.reviewer_cap), (None, None));
        assert!(c.unassigned_may_score);
        let set = MINIMAL.replace(
            "\"custom_key\"",
            "\"reviewers_per_dossier\": 2, \"reviewer_cap\": 9, \"unassigned_may_score\": false, \"custom_key\"",
        );
        let c = Call::parse("appel.json", &set).unwrap();
        assert_eq!(
            (c.reviewers_per_dossier, c.reviewer_cap),
            (Some(2), Some(9))
        );
        assert!(!c.unassigned_may_score);
        for (key, bad, says) in [
            (
                "reviewers_per_dossier",
                "0",
                "au moins 1 rapporteur·e par dossier",
            ),
            (
                "reviewers_per_dossier",
                "1.5",
                "un nombre entier positif est attendu",
            ),
            ("reviewer_cap", "0", "au moins 1 dossier par membre"),
            ("reviewer_cap", "\"trois\"", "reviewer_cap"),
            ("unassigned_may_score", "\"non\"", "unassigned_may_score"),
        ] {
            let text = MINIMAL.replace(
                "\"custom_key\"",
                &format!("\"{key}\": {bad},\n  \"custom_key\""),
            );
            let e = Call::parse("appel.json", &text).unwrap_err();
            assert_eq!(e.len(), 1, "{key} {bad}: {e:?}");
            assert_eq!(e[0].line, 12, "{key} {bad}: {}", e[0]);
            assert!(e[0].message.contains(key), "{key} {bad}: {}", e[0]);
            assert!(e[0].message.contains(says), "{key} {bad}: {}", e[0]);
        }
    }
}
