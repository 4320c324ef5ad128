//! The audition stage a call may declare after the dossier stage (`"audition"`
//! in `appel.json`): its window, place, panel, its own grid or none, and how
//! the final score combines the two stages. Seed 000: « Entretiens des
//! promeneurs sélectionnés entre le 8 et le 18 juillet »; seed 002:
//! « Audition des candidats 21 mars 2024 ».

use crate::call::{Criterion, Scale};
use crate::json::{Diag, Fields};
use chrono::{NaiveDate, NaiveTime};
use jsonc_parser::ast::Value as Ast;

/// Which stage of the selection a session, a score or a decision belongs to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// Reading the dossiers: eligibility, the grid, the shortlist.
    #[default]
    Dossier,
    /// Meeting the shortlisted candidates: the audition grid, the final decision.
    Audition,
}

impl Stage {
    /// As stored (`sessions.stage`) and written in events.
    pub fn id(self) -> &'static str {
        match self {
            Stage::Dossier => "dossier",
            Stage::Audition => "audition",
        }
    }

    pub fn from_id(s: &str) -> Option<Stage> {
        match s {
            "dossier" => Some(Stage::Dossier),
            "audition" => Some(Stage::Audition),
            _ => None,
        }
    }

    /// Where a committee reopening the call stands: at the auditions once
    /// a closed session of the dossier stage convened someone and no
    /// dossier-stage session is open; at the dossier stage otherwise.
    pub fn current(call: &crate::call::Call, data: &crate::records::CommitteeData) -> Stage {
        if call.audition.is_none() {
            return Stage::Dossier;
        }
        let open_dossier = data
            .sessions
            .iter()
            .any(|s| s.is_open() && s.stage == Stage::Dossier);
        let convened_closed = data.decisions.iter().any(|d| {
            d.kind == crate::call::decision_id::CONVOQUE
                && data
                    .sessions
                    .iter()
                    .any(|s| s.id == d.session_id && !s.is_open())
        });
        let issued = !data.issued_shortlist.is_empty();
        if !open_dossier && (convened_closed || issued) {
            Stage::Audition
        } else {
            Stage::Dossier
        }
    }

    /// « Étude des dossiers » / « Auditions »: how screens and minutes name it.
    pub fn label(self, lang: crate::fr::Lang) -> &'static str {
        match self {
            Stage::Dossier => lang.t("Étude des dossiers", "Dossier review"),
            Stage::Audition => lang.t("Auditions", "Auditions"),
        }
    }
}

/// A span of a day, `from` inclusive, `to` exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub from: NaiveTime,
    pub to: NaiveTime,
}

impl Span {
    pub fn overlaps(&self, other: &Span) -> bool {
        self.from < other.to && other.from < self.to
    }

    pub fn minutes(&self) -> i64 {
        (self.to - self.from).num_minutes()
    }
}

/// How the final score of a candidate combines the stages.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Combine {
    /// The audition alone decides (the dossier stage only shortlisted).
    Audition,
    /// Each stage's total (out of 100) weighted: `dossier` and `audition`
    /// are the weights, any positive numbers.
    Weighted { dossier: f64, audition: f64 },
    /// No audition grid: the audition is a meeting, the ranking stays the
    /// dossier stage's.
    Dossier,
}

/// Someone who cannot sit or come on a day, all day or during a span.
#[derive(Clone, Debug, PartialEq)]
pub struct Unavailable {
    pub who: Who,
    pub day: NaiveDate,
    /// None: the whole day.
    pub span: Option<Span>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Who {
    /// A member of the committee, by name.
    Member(String),
    /// A candidate, by dossier reference.
    Candidate(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Audition {
    /// « Entretien avec l'employeur et le professionnel ».
    pub label: String,
    /// The days auditions may take place, in order.
    pub days: Vec<NaiveDate>,
    /// The hours of each day auditions may take place (morning, afternoon).
    pub hours: Vec<Span>,
    /// One candidate's slot.
    pub slot_minutes: u32,
    /// Kept free on every day (a pause between slots).
    pub breaks: Vec<Span>,
    pub place: Option<String>,
    pub video_link: Option<String>,
    /// Members who sit on the panel; a member in conflict with a candidate
    /// stands down for that candidate. Empty: every member who scores.
    pub panel: Vec<String>,
    /// What the candidate brings (convocations list it).
    pub bring: Vec<String>,
    /// How many candidates the dossier stage convenes, at most.
    pub shortlist: Option<u32>,
    /// The audition's own grid; None: no scores at the audition.
    pub scale: Option<Scale>,
    pub criteria: Vec<Criterion>,
    pub combine: Combine,
    /// The final decision given to a candidate absent from the audition
    /// (a decision id; « non_retenu » when the call does not say).
    pub absent: String,
    /// Unavailability known when the call is written.
    pub unavailable: Vec<Unavailable>,
}

impl Audition {
    /// Every slot of the window, day by day, hours minus breaks, in order.
    pub fn slots(&self) -> Vec<(NaiveDate, Span)> {
        let len = chrono::Duration::minutes(self.slot_minutes as i64);
        let mut out = Vec::new();
        for day in &self.days {
            for hours in &self.hours {
                let mut from = hours.from;
                while from + len <= hours.to && from + len > from {
                    let slot = Span {
                        from,
                        to: from + len,
                    };
                    match self.breaks.iter().find(|b| b.overlaps(&slot)) {
                        // Start again after the break.
                        Some(b) if b.to > from => from = b.to,
                        _ => {
                            out.push((*day, slot));
                            from = slot.to;
                        }
                    }
                }
            }
        }
        out
    }

    /// Whether `who` can be there on `day` during `slot`.
    pub fn available(&self, who: &Who, day: NaiveDate, slot: &Span) -> bool {
        !self
            .unavailable
            .iter()
            .any(|u| &u.who == who && u.day == day && u.span.is_none_or(|s| s.overlaps(slot)))
    }
}

/// A candidate's audition: day, time, and the members who sit (the panel
/// less anyone in conflict with this candidate or unavailable then).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub reference: String,
    pub day: NaiveDate,
    pub span: Span,
    pub panel: Vec<String>,
    /// Set by hand: a new proposal keeps it where it is.
    pub fixed: bool,
}

/// Why a member may not score a candidate at the audition stage.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuditionRefusal {
    /// The call names the panel and the member is not on it.
    #[error("off the panel")]
    OffPanel,
    /// The candidate did not come: there is nothing to score.
    #[error("absent")]
    Absent,
}

impl AuditionRefusal {
    pub fn message(&self, lang: crate::fr::Lang) -> &'static str {
        match self {
            AuditionRefusal::OffPanel => lang.t(
                "Vous ne siégez pas au jury d'audition (« panel » de l'appel) : les notes d'audition sont celles du jury.",
                "You do not sit on the audition panel (the call's \"panel\"): audition scores are the panel's.",
            ),
            AuditionRefusal::Absent => lang.t(
                "Candidat·e absent·e à l'audition : rien à noter (retirez l'absence avec b si elle ou il est venu).",
                "Candidate absent from the audition: nothing to score (withdraw the absence with b if they came).",
            ),
        }
    }
}

impl Audition {
    /// Whether `member` may score a candidate at the audition: on the
    /// panel (any scoring member when the call names none), and the
    /// candidate came.
    pub fn may_score(&self, member: &str, absent: bool) -> Result<(), AuditionRefusal> {
        if !self.panel.is_empty() && !self.panel.iter().any(|p| p == member) {
            return Err(AuditionRefusal::OffPanel);
        }
        if absent {
            return Err(AuditionRefusal::Absent);
        }
        Ok(())
    }
}

fn time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

fn span(f: &Fields, errors: &mut Vec<Diag>) -> Option<Span> {
    let read = |key: &str, errors: &mut Vec<Diag>| {
        let s = f.string(key, errors)?;
        let t = time(&s);
        if t.is_none()
            && let Some(v) = f.get(key)
        {
            errors.push(f.src.error(
                v,
                format!(
                    "« {} » : heure invalide « {s} », attendu HH:MM (ex. 09:30)",
                    f.name(key)
                ),
            ));
        }
        t
    };
    let (from, to) = (read("from", errors), read("to", errors));
    let (from, to) = (from?, to?);
    if from >= to {
        errors.push(f.src.error(
            &f.obj.range,
            format!("« {} » : l'heure de fin doit suivre l'heure de début", f.at),
        ));
        return None;
    }
    Some(Span { from, to })
}

fn spans(f: &Fields, key: &str, errors: &mut Vec<Diag>) -> Vec<Span> {
    f.opt_array(key, errors)
        .map(|items| {
            crate::call::each_object(f, &f.name(key), items, errors)
                .iter()
                .filter_map(|s| span(s, errors))
                .collect()
        })
        .unwrap_or_default()
}

fn strings(f: &Fields, key: &str, errors: &mut Vec<Diag>) -> Vec<String> {
    let mut out = Vec::new();
    for (i, item) in f
        .opt_array(key, errors)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        match item {
            Ast::StringLit(s) => out.push(s.value.to_string()),
            other => errors.push(f.src.error(
                other,
                format!(
                    "« {}[{i}] » : un texte entre guillemets est attendu",
                    f.name(key)
                ),
            )),
        }
    }
    out
}

/// Reads `"audition"` from the call; `members` and `decisions` are the
/// call's, to check the panel and the absent decision against.
pub fn parse(
    call: &Fields,
    members: &[crate::call::Member],
    decision_ids: &[String],
    dossier_criteria: &[Criterion],
    errors: &mut Vec<Diag>,
) -> Option<Audition> {
    let f = call.opt_object("audition", errors)?;
    let label = f
        .opt_string("label", errors)
        .unwrap_or_else(|| "Audition".to_string());
    let days = f
        .array("days", errors)
        .map(|items| crate::call::dates(&f, &f.name("days"), items, errors))
        .unwrap_or_default();
    let hours = spans(&f, "hours", errors);
    if hours.is_empty()
        && let Some(v) = f.get("hours").or(call.get("audition"))
    {
        errors.push(f.src.error(
            v,
            format!(
                "« {} » : indiquez au moins une plage horaire, ex. [{{ \"from\": \"09:00\", \"to\": \"12:30\" }}]",
                f.name("hours")
            ),
        ));
    }
    let slot_minutes = f.number("slot_minutes", errors).and_then(|m| {
        if !(5.0..=600.0).contains(&m) || m.fract() != 0.0 {
            if let Some(v) = f.get("slot_minutes") {
                errors.push(f.src.error(
                    v,
                    format!(
                        "« {} » : la durée d'un créneau va de 5 à 600 minutes, en minutes entières (ex. 45)",
                        f.name("slot_minutes")
                    ),
                ));
            }
            return None;
        }
        Some(m as u32)
    });
    let breaks = spans(&f, "breaks", errors);
    let place = f.opt_string("place", errors);
    let video_link = f.opt_string("video_link", errors);
    if place.is_none()
        && video_link.is_none()
        && let Some(v) = call.get("audition")
    {
        errors.push(f.src.error(
            v,
            "« audition » : indiquez le lieu (« place ») ou le lien de visioconférence (« video_link »)",
        ));
    }
    let panel = strings(&f, "panel", errors);
    if let Some(items) = f.get("panel").and_then(|v| match v {
        Ast::Array(a) => Some(&a.elements),
        _ => None,
    }) {
        for (name, item) in panel.iter().zip(items) {
            // A call without members sets its committee up in the app.
            if !members.is_empty() && !members.iter().any(|m| &m.name == name) {
                errors.push(f.src.error(
                    item,
                    format!(
                        "« {} » : « {name} » n'est pas membre du comité (« members »)",
                        f.name("panel")
                    ),
                ));
            }
        }
    }
    let bring = strings(&f, "bring", errors);
    let shortlist = crate::call::count(&f, "shortlist", errors);
    let scale = f
        .opt_object("scale", errors)
        .and_then(|s| crate::call::scale(&s, errors));
    let criteria = f
        .opt_array("criteria", errors)
        .map(|items| crate::call::criteria(&f, items, errors))
        .unwrap_or_default();
    if let Some(v) = f.get("criteria") {
        for c in &criteria {
            if dossier_criteria.iter().any(|d| d.id == c.id) {
                errors.push(f.src.error(
                    v,
                    format!(
                        "« {} » : le critère « {} » existe déjà dans la grille des dossiers ; donnez un autre identifiant",
                        f.name("criteria"),
                        c.id
                    ),
                ));
            }
        }
    }
    if scale.is_some() == criteria.is_empty()
        && let Some(v) = call.get("audition")
    {
        errors.push(f.src.error(
            v,
            "« audition » : une grille d'audition a une échelle (« scale ») et au moins un critère (« criteria »), ou ni l'une ni l'autre",
        ));
    }
    let graded = !criteria.is_empty();
    let combine = match f.get("combine") {
        None if graded => Some(Combine::Audition),
        None => Some(Combine::Dossier),
        Some(Ast::StringLit(s)) if s.value == "audition" && graded => Some(Combine::Audition),
        Some(Ast::StringLit(s)) if s.value == "dossier" => Some(Combine::Dossier),
        Some(Ast::Object(o)) if graded => {
            let w = Fields::new(f.src, o, &f.name("combine"));
            let (d, a) = (w.number("dossier", errors), w.number("audition", errors));
            match (d, a) {
                (Some(d), Some(a)) if d >= 0.0 && a > 0.0 && d <= 1000.0 && a <= 1000.0 => {
                    Some(Combine::Weighted {
                        dossier: d,
                        audition: a,
                    })
                }
                (Some(_), Some(_)) => {
                    errors.push(f.src.error(
                        &o.range,
                        format!(
                            "« {} » : des pondérations positives (au plus 1000) sont attendues",
                            f.name("combine")
                        ),
                    ));
                    None
                }
                _ => None,
            }
        }
        Some(v) => {
            errors.push(f.src.error(
                v,
                format!(
                    "« {} » : écrivez « audition », « dossier » ou {{ \"dossier\": 40, \"audition\": 60 }}{}",
                    f.name("combine"),
                    if graded { "" } else { " (sans grille d'audition : « dossier » seulement)" }
                ),
            ));
            None
        }
    };
    let absent = f
        .opt_string("absent", errors)
        .unwrap_or_else(|| crate::call::decision_id::NON_RETENU.to_string());
    if !decision_ids.contains(&absent)
        && let Some(v) = f.get("absent")
    {
        errors.push(f.src.error(
            v,
            format!("« {} » : décision « {absent} » inconnue", f.name("absent")),
        ));
    }
    let mut unavailable = Vec::new();
    if let Some(items) = f.opt_array("unavailable", errors) {
        for u in crate::call::each_object(&f, &f.name("unavailable"), items, errors) {
            let member = u.opt_string("member", errors);
            let candidate = u.opt_string("candidate", errors);
            let who = match (member, candidate) {
                (Some(m), None) => {
                    if !members.is_empty()
                        && !members.iter().any(|x| x.name == m)
                        && let Some(v) = u.get("member")
                    {
                        errors.push(u.src.error(
                            v,
                            format!(
                                "« {} » : « {m} » n'est pas membre du comité",
                                u.name("member")
                            ),
                        ));
                    }
                    Some(Who::Member(m))
                }
                (None, Some(c)) => Some(Who::Candidate(c)),
                _ => {
                    errors.push(u.src.error(
                        &u.obj.range,
                        format!("« {} » : indiquez « member » (un nom) ou « candidate » (une référence)", u.at),
                    ));
                    None
                }
            };
            let day = u.date("day", errors);
            let span = if u.get("from").is_some() || u.get("to").is_some() {
                span(&u, errors).map(Some)
            } else {
                Some(None)
            };
            if let (Some(who), Some(day), Some(span)) = (who, day, span) {
                unavailable.push(Unavailable { who, day, span });
            }
        }
    }
    let audition = Audition {
        label,
        days,
        hours,
        slot_minutes: slot_minutes?,
        breaks,
        place,
        video_link,
        panel,
        bring,
        shortlist,
        scale,
        criteria,
        combine: combine?,
        absent,
        unavailable,
    };
    if audition.slots().is_empty()
        && let Some(v) = call.get("audition")
    {
        errors.push(f.src.error(
            v,
            "« audition » : aucun créneau possible (jours, plages horaires, durée et pauses)",
        ));
    }
    Some(audition)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveTime {
        time(s).expect("time")
    }

    fn window() -> Audition {
        Audition {
            label: "Audition".into(),
            days: vec![NaiveDate::from_ymd_opt(2025, 7, 10).expect("date")],
            hours: vec![
                Span {
                    from: t("09:00"),
                    to: t("12:00"),
                },
                Span {
                    from: t("14:00"),
                    to: t("16:00"),
                },
            ],
            slot_minutes: 45,
            breaks: vec![Span {
                from: t("10:30"),
                to: t("10:45"),
            }],
            place: Some("Nice".into()),
            video_link: None,
            panel: vec![],
            bring: vec![],
            shortlist: None,
            scale: None,
            criteria: vec![],
            combine: Combine::Dossier,
            absent: "non_retenu".into(),
            unavailable: vec![],
        }
    }

    #[test]
    fn slots_skip_breaks_and_stop_at_the_end_of_the_hours() {
        let starts: Vec<String> = window()
            .slots()
            .iter()
            .map(|(_, s)| format!("{}-{}", s.from.format("%H:%M"), s.to.format("%H:%M")))
            .collect();
        assert_eq!(
            starts,
            [
                "09:00-09:45",
                "09:45-10:30",
                "10:45-11:30",
                "14:00-14:45",
                "14:45-15:30"
            ]
        );
    }

    #[test]
    fn unavailability_covers_its_span_or_the_whole_day() {
        let mut w = window();
        let day = w.days[0];
        let julien = Who::Member("Julien".into());
        w.unavailable.push(Unavailable {
            who: julien.clone(),
            day,
            span: Some(Span {
                from: t("14:00"),
                to: t("18:00"),
            }),
        });
        let slots = w.slots();
        assert!(w.available(&julien, day, &slots[0].1));
        assert!(!w.available(&julien, day, &slots[3].1));
        w.unavailable[0].span = None;
        assert!(!w.available(&julien, day, &slots[0].1));
        assert!(w.available(&Who::Member("Sylvie".into()), day, &slots[0].1));
    }

    fn call_with(audition: &str) -> Result<crate::call::Call, Vec<Diag>> {
        let text = format!(
            r#"{{ "format": "jury-appel/1", "id": "t", "title": "T", "issuer": {{ "name": "Caf" }},
              "deadline": "2025-07-04", "scale": {{ "min": 0, "max": 5 }},
              "criteria": [{{ "id": "a", "label": "A", "weight": 1 }}],
              "members": [{{ "name": "Sylvie", "role": "chair" }}, {{ "name": "Julien", "role": "member" }}],
              "audition": {audition} }}"#
        );
        crate::call::Call::parse("appel.json", &text)
    }

    #[test]
    fn the_caf06_sample_declares_its_audition_stage() {
        let call = crate::call::Call::parse(
            "appel.json",
            include_str!("../../samples/caf06-pdnp-2025/appel.json"),
        )
        .expect("the sample parses");
        let a = call.audition.expect("an audition stage");
        assert_eq!(a.slot_minutes, 45);
        assert_eq!(a.days.len(), 7);
        assert_eq!(a.shortlist, Some(8));
        assert_eq!(a.criteria.len(), 3);
        assert_eq!(
            a.combine,
            Combine::Weighted {
                dossier: 40.0,
                audition: 60.0
            }
        );
        // 09:00, 09:45, 10:45, 11:30; 14:00, 14:45, 15:30: seven a day.
        assert_eq!(a.slots().len(), 7 * 7);
        assert_eq!(a.unavailable.len(), 2);
    }

    #[test]
    fn a_minimal_audition_is_a_meeting_that_keeps_the_dossier_ranking() {
        let call = call_with(
            r#"{ "days": ["2024-03-21"], "hours": [{ "from": "09:00", "to": "12:00" }],
                 "slot_minutes": 30, "video_link": "https://visio.example.org/a" }"#,
        )
        .expect("parses");
        let a = call.audition.expect("audition");
        assert_eq!(a.combine, Combine::Dossier);
        assert_eq!(a.absent, "non_retenu");
        assert_eq!(a.slots().len(), 6);
    }

    #[test]
    fn mistakes_in_the_audition_are_named_with_their_place() {
        let errors = call_with(
            r#"{ "days": ["2024-03-21"], "hours": [{ "from": "9h", "to": "12:00" }],
                 "slot_minutes": 30, "place": "Moulins", "panel": ["Sylvie", "Jean"],
                 "criteria": [{ "id": "a", "label": "A", "weight": 1 }],
                 "scale": { "min": 0, "max": 4 }, "absent": "exclu" }"#,
        )
        .expect_err("refused");
        let text: Vec<String> = errors.iter().map(|d| d.message.clone()).collect();
        let all = text.join("\n");
        assert!(all.contains("heure invalide « 9h »"), "{all}");
        assert!(all.contains("« Jean » n'est pas membre du comité"), "{all}");
        assert!(all.contains("le critère « a » existe déjà"), "{all}");
        assert!(all.contains("décision « exclu » inconnue"), "{all}");
        assert!(errors.iter().all(|d| d.line > 0), "{errors:?}");
    }
}
