//! What a convocation to the audition says: the letter composed from its
//! template (`lettres/convocation.txt` or the built-in one), the e-mail
//! that carries it, and the texts of its calendar event. A corrected
//! convocation (the candidate's slot moved after one was produced) says so
//! in its title and subject. Files and the iCalendar format are the app's.

use crate::call::Call;
use crate::compose::{addressee, letterhead, place, signatory};
use crate::document::{Block, Document};
use crate::dossier::Dossier;
use crate::fr::Lang;
use crate::json::Diag;
use crate::stage::{Audition, Slot};
use crate::templates::{self, Part, Values};
use crate::typography;
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};
use std::collections::BTreeMap;

/// « jeudi 10 juillet 2025 » / « Thursday 10 July 2025 ».
pub fn day(lang: Lang, d: NaiveDate) -> String {
    let (fr, en) = match d.weekday() {
        Weekday::Mon => ("lundi", "Monday"),
        Weekday::Tue => ("mardi", "Tuesday"),
        Weekday::Wed => ("mercredi", "Wednesday"),
        Weekday::Thu => ("jeudi", "Thursday"),
        Weekday::Fri => ("vendredi", "Friday"),
        Weekday::Sat => ("samedi", "Saturday"),
        Weekday::Sun => ("dimanche", "Sunday"),
    };
    format!("{} {}", lang.t(fr, en), lang.date(d))
}

/// « 9 h 45 », « 14 h » (no-break spaces, so a line never ends on « h »);
/// « 9:45 » in English.
pub fn clock(lang: Lang, t: NaiveTime) -> String {
    match (lang, t.minute()) {
        (Lang::Fr, 0) => format!("{}\u{a0}h", t.hour()),
        (Lang::Fr, m) => format!("{}\u{a0}h\u{a0}{m:02}", t.hour()),
        (Lang::En, m) => format!("{}:{m:02}", t.hour()),
    }
}

/// « A, B et C »: the panel as a sentence names it.
pub fn names(lang: Lang, list: &[String]) -> String {
    match list {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), lang.t("et", "and")),
    }
}

/// « Convocation rectificative — annule et remplace la convocation du
/// 3 juillet 2025 »: how a corrected convocation is marked.
pub fn corrected_mark(lang: Lang, previous: NaiveDate) -> String {
    match lang {
        Lang::Fr => format!(
            "Convocation rectificative — annule et remplace la convocation du {}",
            lang.date(previous)
        ),
        Lang::En => format!(
            "Corrected invitation — cancels and replaces the invitation of {}",
            lang.date(previous)
        ),
    }
}

/// A convocation produced, as the `convocations` table keeps it: the n-th
/// of a candidate (2 and more: corrected), the slot it convenes to, its
/// files, the PDF's hash, the date it carries and when it was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvocationRow {
    pub reference: String,
    pub n: i64,
    /// AAAA-MM-JJ.
    pub day: String,
    /// HH:MM.
    pub start: String,
    pub end: String,
    pub panel: Vec<String>,
    pub pdf: String,
    pub odt: String,
    pub eml: String,
    pub ics: String,
    pub hash: String,
    /// AAAA-MM-JJ.
    pub signed_on: String,
    /// RFC 3339.
    pub generated_at: String,
}

impl ConvocationRow {
    /// Whether this convocation convenes to `slot` (same day, hours, panel).
    pub fn convenes_to(&self, slot: &Slot) -> bool {
        self.day == slot.day.format("%Y-%m-%d").to_string()
            && self.start == slot.span.from.format("%H:%M").to_string()
            && self.end == slot.span.to.format("%H:%M").to_string()
            && self.panel == slot.panel
    }

    /// The date it carries, when it reads.
    pub fn signed_day(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.signed_on, "%Y-%m-%d").ok()
    }
}

pub struct ConvocationInput<'a> {
    pub call: &'a Call,
    pub audition: &'a Audition,
    pub dossier: &'a Dossier,
    pub slot: &'a Slot,
    /// The date the convocation carries.
    pub letter_date: NaiveDate,
    /// The date of the convocation this one replaces, when the slot moved.
    pub replaces: Option<NaiveDate>,
    /// The call's own templates (`lettres/*.txt`).
    pub templates: &'a BTreeMap<String, String>,
    /// The built-in template's language (the call's own is used as it is).
    pub lang: Lang,
}

/// A convocation composed: the letter, and its e-mail's subject and body.
#[derive(Clone, Debug, PartialEq)]
pub struct Convocation {
    pub document: Document,
    pub subject: String,
    pub body: String,
}

fn values(input: &ConvocationInput) -> Values {
    let (a, s, lang) = (input.audition, input.slot, input.lang);
    let mut v = crate::compose::dossier_values(input.call, input.dossier);
    let mut put = |k: &str, x: String| {
        v.fields.insert(k.to_string(), x);
    };
    put("audition.libelle", a.label.clone());
    put("audition.date", day(lang, s.day));
    put("audition.debut", clock(lang, s.span.from));
    put("audition.fin", clock(lang, s.span.to));
    put("audition.lieu", a.place.clone().unwrap_or_default());
    put("audition.lien", a.video_link.clone().unwrap_or_default());
    put("audition.jury", names(lang, &s.panel));
    // Lines of their own: the renderer makes them bullets.
    put(
        "audition.pieces",
        a.bring.iter().map(|b| format!("\n- {b}")).collect(),
    );
    put("convocation.date", lang.date(input.letter_date));
    v
}

/// The convocation of one candidate, or the template errors that prevent it.
pub fn compose(input: &ConvocationInput) -> Result<Convocation, Vec<Diag>> {
    let (call, lang) = (input.call, input.lang);
    let template = templates::for_convocation(input.templates, lang)?;
    let rendered = templates::render(&template, &values(input))?;
    let blocks = rendered
        .blocks
        .into_iter()
        .filter_map(|part| match part {
            Part::Paragraph(p) => Some(Block::Paragraph(p)),
            Part::Heading(h) => Some(Block::Heading(h)),
            Part::Bullets(b) => Some(Block::Bullets(b)),
            // A convocation has no grid nor appeal routes: the template
            // parser refuses neither, so they are left out.
            Part::Grid | Part::Appeal => None,
        })
        .collect();
    let mark = input.replaces.map(|d| corrected_mark(lang, d));
    let subject = rendered.subject.unwrap_or_else(|| {
        format!(
            "{} — {}",
            lang.t("Convocation", "Invitation"),
            input.audition.label
        )
    });
    let place = place(call);
    let date = lang.date(input.letter_date);
    let document = Document {
        letterhead: letterhead(call),
        addressee: addressee(input.dossier),
        place_date: Some(if place.is_empty() {
            format!("{} {date}", lang.t("Le", "On"))
        } else {
            format!("{place}, {} {date}", lang.t("le", "on"))
        }),
        date: Some(input.letter_date),
        reference: Some(format!("Réf. : {}", input.dossier.reference)),
        title: mark.clone(),
        subject: Some(format!("{} {subject}", lang.t("Objet :", "Subject:"))),
        blocks,
        signatures: vec![signatory(call)],
        footer: Some(format!("{} — {}", call.issuer.name, call.title)),
    };
    let mail_subject = match &mark {
        Some(m) => format!("{m} — {subject}"),
        None => subject,
    };
    let s = input.slot;
    let body = match lang {
        Lang::Fr => format!(
            "Madame, Monsieur,\r\n\r\n{}Vous trouverez ci-joint la convocation de la candidature {} (référence {}) : {}, le {}, de {} à {}. Le fichier d'agenda joint (.ics) place ce rendez-vous dans votre calendrier.\r\n\r\n{}Cordialement,\r\n{}\r\n",
            mark.as_ref()
                .map(|m| format!("{m}.\r\n\r\n"))
                .unwrap_or_default(),
            crate::request::on_behalf_of(input.dossier),
            input.dossier.reference,
            input.audition.label,
            day(lang, s.day),
            clock(lang, s.span.from),
            clock(lang, s.span.to),
            crate::compose::contact_line(call),
            call.issuer.name
        ),
        Lang::En => format!(
            "Dear Sir or Madam,\r\n\r\n{}Please find attached the invitation for application {}: {}, on {}, from {} to {}. The attached calendar file (.ics) adds it to your calendar.\r\n\r\nYours faithfully,\r\n{}\r\n",
            mark.as_ref()
                .map(|m| format!("{m}.\r\n\r\n"))
                .unwrap_or_default(),
            input.dossier.reference,
            input.audition.label,
            day(lang, s.day),
            clock(lang, s.span.from),
            clock(lang, s.span.to),
            call.issuer.name
        ),
    };
    let (subject, body) = match lang {
        Lang::Fr => (typography::french(&mail_subject), typography::french(&body)),
        Lang::En => (mail_subject, body),
    };
    Ok(Convocation {
        document,
        subject,
        body,
    })
}

/// What a calendar event of an audition says: its summary, place and
/// description, for the candidate's file and the panel's.
#[derive(Clone, Debug, PartialEq)]
pub struct EventText {
    pub summary: String,
    /// The place, or the video link when there is no place.
    pub location: String,
    pub description: String,
}

/// The candidate's event: the audition, the panel, what to bring.
pub fn candidate_event(lang: Lang, call: &Call, a: &Audition, slot: &Slot) -> EventText {
    let mut description = vec![format!(
        "{} {}",
        lang.t("Jury :", "Panel:"),
        names(lang, &slot.panel)
    )];
    if let (Some(_), Some(link)) = (&a.place, &a.video_link) {
        description.push(format!("{} {link}", lang.t("Visioconférence :", "Video:")));
    }
    if !a.bring.is_empty() {
        description.push(lang.t("À apporter :", "To bring:").to_string());
        description.extend(a.bring.iter().map(|b| format!("- {b}")));
    }
    EventText {
        summary: format!("{} — {}", a.label, call.title),
        location: location(a),
        description: description.join("\n"),
    }
}

/// A panel member's event for one candidate.
pub fn panel_event(lang: Lang, a: &Audition, slot: &Slot, d: Option<&Dossier>) -> EventText {
    let who = d
        .map(|d| format!("{} ({})", d.structure, d.reference))
        .unwrap_or_else(|| slot.reference.clone());
    EventText {
        summary: format!("{} — {who}", a.label),
        location: location(a),
        description: format!(
            "{} {}",
            lang.t("Jury :", "Panel:"),
            names(lang, &slot.panel)
        ),
    }
}

fn location(a: &Audition) -> String {
    a.place
        .clone()
        .or_else(|| a.video_link.clone())
        .unwrap_or_default()
}

/// A member's slots: those whose panel names them, never one of a candidate
/// they declared a conflict with (`conflicts`: reference, member).
pub fn member_slots<'a>(
    member: &str,
    slots: &'a [Slot],
    conflicts: &[(String, String)],
) -> Vec<&'a Slot> {
    slots
        .iter()
        .filter(|s| s.panel.iter().any(|m| m == member))
        .filter(|s| {
            !conflicts
                .iter()
                .any(|(r, m)| *r == s.reference && m == member)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
    }

    #[test]
    fn days_hours_and_panels_read_as_french_letters_write_them() {
        let d = NaiveDate::from_ymd_opt(2025, 7, 10).unwrap_or_default();
        assert_eq!(day(Lang::Fr, d), "jeudi 10 juillet 2025");
        assert_eq!(clock(Lang::Fr, t(9, 45)), "9\u{a0}h\u{a0}45");
        assert_eq!(clock(Lang::Fr, t(14, 0)), "14\u{a0}h");
        assert_eq!(clock(Lang::En, t(9, 5)), "9:05");
        let panel = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(names(Lang::Fr, &panel(&["A"])), "A");
        assert_eq!(names(Lang::Fr, &panel(&["A", "B", "C"])), "A, B et C");
        assert_eq!(
            corrected_mark(
                Lang::Fr,
                NaiveDate::from_ymd_opt(2025, 7, 3).unwrap_or_default()
            ),
            "Convocation rectificative — annule et remplace la convocation du 3 juillet 2025"
        );
    }

    fn sample() -> (Call, Dossier) {
        let call = Call::parse(
            "appel.json",
            include_str!("../../samples/caf06-pdnp-2025/appel.json"),
        )
        .expect("sample call");
        let text = include_str!("../../samples/caf06-pdnp-2025/dossiers/PDNP06-2025-001.json");
        let dossier = Dossier::from_value(&serde_json::from_str(text).expect("json"))
            .expect("sample dossier");
        (call, dossier)
    }

    fn text(doc: &Document) -> String {
        let mut out = vec![doc.title.clone().unwrap_or_default()];
        out.push(doc.subject.clone().unwrap_or_default());
        for b in &doc.blocks {
            match b {
                Block::Paragraph(p) | Block::Heading(p) => out.push(p.clone()),
                Block::Bullets(items) => out.extend(items.iter().cloned()),
                _ => {}
            }
        }
        out.join("\n")
    }

    #[test]
    fn the_built_in_templates_convene_in_french_or_english_and_leave_out_an_empty_link() {
        let (call, dossier) = sample();
        let audition = call.audition.clone().expect("audition");
        let slot = Slot {
            reference: dossier.reference.clone(),
            day: NaiveDate::from_ymd_opt(2025, 7, 10).unwrap_or_default(),
            span: crate::stage::Span {
                from: t(9, 45),
                to: t(10, 30),
            },
            panel: vec!["Sylvie Marcellin".into(), "Julien Ferrand".into()],
            fixed: false,
        };
        let none = BTreeMap::new();
        let input = |lang, replaces| ConvocationInput {
            call: &call,
            audition: &audition,
            dossier: &dossier,
            slot: &slot,
            letter_date: NaiveDate::from_ymd_opt(2025, 7, 4).unwrap_or_default(),
            replaces,
            templates: &none,
            lang,
        };
        let fr = compose(&input(Lang::Fr, None)).expect("French");
        let body = text(&fr.document).replace('\u{a0}', " ");
        assert!(
            body.contains("le jeudi 10 juillet 2025, de 9 h 45 à 10 h 30"),
            "{body}"
        );
        assert!(body.contains("Lieu : Caf des Alpes-Maritimes"), "{body}");
        assert!(
            body.contains("Membres du jury : Sylvie Marcellin et Julien Ferrand."),
            "{body}"
        );
        assert!(body.contains("une pièce d'identité"), "{body}");
        // The sample's audition is in a room: no « Lien » line at all.
        assert!(!body.contains("Lien de visioconférence"), "{body}");
        assert_eq!(fr.document.title, None);
        let en = compose(&input(Lang::En, NaiveDate::from_ymd_opt(2025, 7, 3))).expect("English");
        let body = text(&en.document);
        assert!(
            body.contains("on Thursday 10 July 2025, from 9:45 to 10:30"),
            "{body}"
        );
        assert!(
            body.starts_with(
                "Corrected invitation — cancels and replaces the invitation of 3 July 2025"
            ),
            "{body}"
        );
        assert!(
            en.subject.starts_with("Corrected invitation"),
            "{}",
            en.subject
        );
    }

    #[test]
    fn a_member_in_conflict_has_no_event_for_that_candidate() {
        let slot = |r: &str| Slot {
            reference: r.into(),
            day: NaiveDate::from_ymd_opt(2025, 7, 10).unwrap_or_default(),
            span: crate::stage::Span {
                from: t(9, 0),
                to: t(9, 45),
            },
            panel: vec!["Julien".into(), "Sylvie".into()],
            fixed: false,
        };
        let slots = [slot("R-1"), slot("R-2")];
        let conflicts = [("R-2".to_string(), "Julien".to_string())];
        let mine: Vec<&str> = member_slots("Julien", &slots, &conflicts)
            .iter()
            .map(|s| s.reference.as_str())
            .collect();
        assert_eq!(mine, ["R-1"]);
        assert_eq!(member_slots("Sylvie", &slots, &conflicts).len(), 2);
        assert!(member_slots("Nadia", &slots, &conflicts).is_empty());
    }
}
