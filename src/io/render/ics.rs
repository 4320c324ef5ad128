//! iCalendar files (RFC 5545) for the auditions, written with the
//! `icalendar` crate (CRLF, content lines folded at 75 octets, text escaped):
//! the candidate's (one event, sent with the convocation: `METHOD:REQUEST`,
//! organised by the call's contact) and each panel member's (all their
//! slots: `METHOD:PUBLISH`). Times are given in UTC, converted from Paris
//! time, so no VTIMEZONE is needed. Deterministic: the stamp is given.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use icalendar::{Calendar, Component, EventLike, Property};
use jury_core::convocation::EventText;

/// The product that wrote the file (RFC 5545 §3.7.3).
pub const PRODID: &str = "-//Jury//Convocations//FR";

/// One event of a calendar file.
pub struct Event {
    /// Stable across corrections: a corrected convocation keeps the UID and
    /// raises the sequence, so calendars move the appointment.
    pub uid: String,
    pub sequence: u32,
    pub day: NaiveDate,
    pub from: NaiveTime,
    pub to: NaiveTime,
    pub text: EventText,
    /// The candidate invited (name, address), for the candidate's file.
    pub attendee: Option<(String, String)>,
}

pub struct File {
    /// `REQUEST` (an invitation) or `PUBLISH` (a schedule to look at).
    pub method: &'static str,
    /// The call's contact (name, address).
    pub organizer: Option<(String, String)>,
    /// DTSTAMP: when the convocation was produced.
    pub stamp: DateTime<Utc>,
    pub events: Vec<Event>,
}

/// A Paris wall-clock time in UTC (the earliest when the clocks go back,
/// an hour later in the hour skipped when they go forward).
pub fn paris_utc(day: NaiveDate, t: NaiveTime) -> DateTime<Utc> {
    let local = day.and_time(t);
    let paris = chrono_tz::Europe::Paris;
    paris
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            paris
                .from_local_datetime(&(local + chrono::TimeDelta::hours(1)))
                .earliest()
        })
        .map(|x| x.to_utc())
        .unwrap_or_else(|| local.and_utc())
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn mailto((name, address): &(String, String), key: &str) -> Property {
    let mut p = Property::new(key, format!("mailto:{}", address.trim()));
    if !name.trim().is_empty() {
        p.add_parameter("CN", name.trim());
    }
    p
}

pub fn render(file: &File) -> Vec<u8> {
    // Jury names itself as the producer, not the library.
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODID))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", file.method));
    for e in &file.events {
        let mut ev = icalendar::Event::new();
        ev.uid(&e.uid)
            .sequence(e.sequence)
            .timestamp(file.stamp)
            .add_property("DTSTART", utc(paris_utc(e.day, e.from)))
            .add_property("DTEND", utc(paris_utc(e.day, e.to)))
            .summary(&e.text.summary)
            .location(&e.text.location)
            .description(&e.text.description);
        if let Some(o) = &file.organizer {
            ev.append_property(mailto(o, "ORGANIZER"));
        }
        if let Some(a) = &e.attendee {
            let mut p = mailto(a, "ATTENDEE");
            p.add_parameter("ROLE", "REQ-PARTICIPANT")
                .add_parameter("RSVP", "TRUE");
            ev.append_property(p);
        }
        cal.push(ev.done());
    }
    cal.done().to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_summer_time_is_two_hours_ahead() {
        let day = NaiveDate::from_ymd_opt(2025, 7, 10).unwrap_or_default();
        let t = NaiveTime::from_hms_opt(9, 45, 0).unwrap_or_default();
        assert_eq!(utc(paris_utc(day, t)), "20250710T074500Z");
        let winter = NaiveDate::from_ymd_opt(2024, 3, 21).unwrap_or_default();
        assert_eq!(utc(paris_utc(winter, t)), "20240321T084500Z");
    }
}
