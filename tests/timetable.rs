//! The audition timetable through the real keymap, on the caf06 sample:
//! eight dossiers convened in an open session, a proposal over 10 and 11
//! July (Bernard Castellan is away on 9 July, which leaves a panel of two
//! under the quorum of three), moves and swaps with the keys, a fixed slot
//! kept by a new proposal, refusals that say why, `jury verify` intact, and
//! the grid drawn at 80×24.

use crate::common::harness;
use crate::common::session;

use harness::*;
use jury::app::state::{Mode, Screen};
use jury_core::stage::Slot;
use session::{CHAIR, decide};

const CONVENED: [&str; 8] = [
    "PDNP06-2025-001",
    "PDNP06-2025-002",
    "PDNP06-2025-003",
    "PDNP06-2025-004",
    "PDNP06-2025-005",
    "PDNP06-2025-006",
    "PDNP06-2025-007",
    "PDNP06-2025-008",
];

/// The chair scores and convenes eight dossiers, then opens the timetable.
fn convened() -> Session {
    let mut s = open(SAMPLE, Some(CHAIR));
    let scores: Vec<(&str, [u8; 4])> = CONVENED
        .iter()
        .enumerate()
        .map(|(i, r)| (*r, [5 - (i as u8 % 4), 4, 4, 3]))
        .collect();
    s.score_and_open_session(&scores, "8 juillet 2025");
    for r in CONVENED {
        decide(&mut s, r, "convoque", "");
    }
    s.act("timetable_view");
    let screen = s.screen();
    assert_eq!(s.app.state.screen, Screen::Timetable, "{screen}");
    s
}

fn slots(s: &Session) -> Vec<Slot> {
    s.app.state.batch.committee.data.slots.clone()
}

fn day(d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2025, 7, d).expect("day")
}

fn propose(s: &mut Session) {
    s.act("propose_schedule");
    let Mode::Form(form) = &s.app.state.mode else {
        panic!("confirmation: {}", s.screen());
    };
    let note = form.note.clone().unwrap_or_default();
    s.act("confirm");
    assert!(
        matches!(s.app.state.mode, Mode::Normal),
        "{note}\n{}",
        s.screen()
    );
}

/// Puts the cursor on the cell of `day` (index into the window's days) and
/// the `nth` slot row of the day.
fn goto(s: &mut Session, day: usize, nth: usize) {
    for _ in 0..10 {
        s.act("slot_left");
    }
    for _ in 0..day {
        s.act("slot_right");
    }
    s.act("top");
    for _ in 0..nth {
        s.act("down");
    }
}

fn where_is(s: &Session, reference: &str) -> (chrono::NaiveDate, String) {
    let x = slots(s)
        .into_iter()
        .find(|x| x.reference == reference)
        .unwrap_or_else(|| panic!("{reference} has no slot"));
    (x.day, x.span.from.format("%H:%M").to_string())
}

fn verify_intact(s: &Session) {
    let r = jury::store::audit::verify_record(&s.db, None).expect("verify");
    assert!(
        r.is_intact(),
        "{:?} {:?}",
        r.chain.first_break,
        r.differences
    );
}

#[test]
fn eight_convened_are_proposed_over_two_days_without_double_booking() {
    let mut s = convened();
    s.act("propose_schedule");
    let Mode::Form(form) = &s.app.state.mode else {
        panic!("confirmation: {}", s.screen());
    };
    assert_eq!(
        form.note.as_deref(),
        Some("8 candidats placés sur 8, 0 créneau fixé gardé.")
    );
    s.act("confirm");
    let placed = slots(&s);
    assert_eq!(placed.len(), 8);
    let days: std::collections::BTreeSet<_> = placed.iter().map(|x| x.day).collect();
    assert_eq!(days, [day(10), day(11)].into());
    let starts: std::collections::BTreeSet<_> =
        placed.iter().map(|x| (x.day, x.span.from)).collect();
    assert_eq!(starts.len(), 8, "double booking: {placed:?}");
    // PDNP06-2025-003 cannot come on the morning of 10 July.
    let (d, at) = where_is(&s, "PDNP06-2025-003");
    assert!(d != day(10) || at.as_str() >= "14:00", "{d} {at}");
    assert!(placed.iter().all(|x| x.panel.len() == 3), "{placed:?}");
    assert!(
        s.app
            .state
            .status
            .as_ref()
            .is_some_and(|st| st.text == "Calendrier proposé et enregistré : 8 créneaux"),
        "{:?}",
        s.app.state.status
    );
    // Every slot is in the database, each change in the log.
    let stored: Vec<String> = s.query("SELECT reference FROM audition_slots ORDER BY reference");
    assert_eq!(stored, CONVENED);
    let events: Vec<String> = s.query("SELECT action FROM audit WHERE action LIKE 'schedule.%'");
    assert_eq!(events, ["schedule.propose"]);
    verify_intact(&s);
}

#[test]
fn moves_and_swaps_with_the_keys_and_a_fixed_slot_stays_through_a_new_proposal() {
    let mut s = convened();
    propose(&mut s);
    // 10 July is the second day; its first slot (09:00).
    goto(&mut s, 1, 0);
    let first = s
        .app
        .state
        .slot_under_cursor()
        .expect("a candidate at 09:00")
        .reference
        .clone();
    // Picked up, then dropped on a free cell: 15 July, 09:00.
    s.act("move_slot");
    goto(&mut s, 3, 0);
    s.act("move_slot");
    assert_eq!(where_is(&s, &first), (day(15), "09:00".to_string()));
    // Onto a taken cell: they swap. The candidate at 10 July 09:45.
    goto(&mut s, 1, 1);
    let second = s
        .app
        .state
        .slot_under_cursor()
        .expect("a candidate at 09:45")
        .reference
        .clone();
    s.act("move_slot");
    goto(&mut s, 3, 0);
    s.act("move_slot");
    assert_eq!(where_is(&s, &second), (day(15), "09:00".to_string()));
    assert_eq!(where_is(&s, &first), (day(10), "09:45".to_string()));
    // Fixed where it is now, it stays there through a new proposal.
    s.act("fix_slot");
    assert!(slots(&s).iter().any(|x| x.reference == second && x.fixed));
    propose(&mut s);
    assert_eq!(where_is(&s, &second), (day(15), "09:00".to_string()));
    assert!(slots(&s).iter().any(|x| x.reference == second && x.fixed));
    assert_eq!(slots(&s).len(), 8);
    let screen = s.screen();
    assert!(screen.contains("(fixé)"), "{screen}");
    // The dossier's history says where its audition went.
    s.act("history");
    let screen = s.screen();
    assert!(
        screen.contains("audition déplacée au 15 juillet 2025, 09:00"),
        "{screen}"
    );
    assert!(screen.contains("créneau d'audition fixé"), "{screen}");
    s.act("close");
    let events: Vec<String> =
        s.query("SELECT action FROM audit WHERE action LIKE 'schedule.%' ORDER BY id");
    assert_eq!(
        events,
        [
            "schedule.propose",
            "schedule.move",
            "schedule.swap",
            "schedule.fix",
            "schedule.propose"
        ]
    );
    verify_intact(&s);
}

#[test]
fn a_move_where_the_panel_or_the_candidate_is_away_is_refused_with_the_reason() {
    let mut s = convened();
    propose(&mut s);
    // 9 July: Bernard Castellan is away, two of three cannot make a quorum of three.
    goto(&mut s, 1, 0);
    let who = s
        .app
        .state
        .slot_under_cursor()
        .expect("candidate")
        .reference
        .clone();
    s.act("move_slot");
    goto(&mut s, 0, 0);
    s.act("move_slot");
    let status = s.app.state.status.clone().expect("a refusal");
    assert!(status.error);
    assert_eq!(
        status.text,
        format!(
            "Déplacement refusé : {who} : seuls 2 membres du jury peuvent siéger à ce créneau (indisponibles ou en conflit d'intérêts), il en faut 3"
        )
    );
    assert_eq!(where_is(&s, &who).0, day(10));
    s.act("timetable_view");
    // PDNP06-2025-003 on the morning of 10 July.
    let (d, at) = where_is(&s, "PDNP06-2025-003");
    let rows = [
        "09:00", "09:45", "10:45", "11:30", "14:00", "14:45", "15:30",
    ];
    let row = rows.iter().position(|r| *r == at).expect("a row");
    let day_index = if d == day(10) { 1 } else { 2 };
    goto(&mut s, day_index, row);
    s.act("move_slot");
    goto(&mut s, 1, 0);
    s.act("move_slot");
    let status = s.app.state.status.clone().expect("a refusal");
    assert_eq!(
        status.text,
        "Déplacement refusé : PDNP06-2025-003 : le candidat n'est pas disponible à ce créneau"
    );
    verify_intact(&s);
}

#[test]
fn an_unavailability_is_recorded_from_the_cursor_and_only_the_chair_or_secretary_change_it() {
    let mut s = convened();
    propose(&mut s);
    goto(&mut s, 1, 0);
    s.act("record_unavailable");
    let Mode::Form(form) = &s.app.state.mode else {
        panic!("form: {}", s.screen());
    };
    assert_eq!(form.text_of("day"), "10 juillet 2025");
    assert_eq!(form.text_of("from"), "09:00");
    s.choose("who", "m:Julien Ferrand");
    s.act("confirm");
    assert!(matches!(s.app.state.mode, Mode::Normal), "{}", s.screen());
    assert_eq!(s.app.state.batch.committee.data.unavailable.len(), 1);
    let screen = s.screen();
    assert!(screen.contains("Julien Ferrand (indisponible)"), "{screen}");
    // The slot set before no longer holds: a panel of two under the quorum.
    assert!(
        screen.contains("! Ce créneau ne tient plus (déplacez-le ou proposez de nouveau) : seuls 2 membres du jury peuvent siéger"),
        "{screen}"
    );
    verify_intact(&s);
    // A plain member sees the timetable and cannot change it.
    let mut m = s.reopen_as(SAMPLE, "Julien Ferrand");
    m.act("timetable_view");
    m.act("propose_schedule");
    let status = m.app.state.status.clone().expect("a refusal");
    assert_eq!(
        status.text,
        "Seuls la présidence et le secrétariat modifient le calendrier des auditions."
    );
}

#[test]
fn the_confirmation_names_who_cannot_be_placed_and_why() {
    let mut s = convened();
    // PDNP06-2025-008 can come on none of the seven days: six recorded
    // here, the last through the form, which reloads them all.
    let away = |d: u32| jury_core::stage::Unavailable {
        who: jury_core::stage::Who::Candidate("PDNP06-2025-008".into()),
        day: day(d),
        span: None,
    };
    for d in [9, 10, 11, 15, 16, 17] {
        s.app
            .store
            .record_unavailable(CHAIR, &away(d))
            .expect("recorded");
    }
    s.act("record_unavailable");
    s.choose("who", "c:PDNP06-2025-008");
    s.fill("day", "18 juillet 2025");
    s.fill("from", "");
    s.fill("to", "");
    s.act("confirm");
    assert!(matches!(s.app.state.mode, Mode::Normal), "{}", s.screen());
    assert_eq!(
        s.app.state.batch.committee.data.unavailable,
        [9, 10, 11, 15, 16, 17, 18].map(away)
    );
    s.act("propose_schedule");
    let Mode::Form(form) = &s.app.state.mode else {
        panic!("confirmation: {}", s.screen());
    };
    assert_eq!(
        form.note.as_deref(),
        Some(
            "7 candidats placés sur 8, 0 créneau fixé gardé. Non placés : PDNP06-2025-008 (indisponible à tous les créneaux libres)"
        )
    );
    s.act("confirm");
    assert_eq!(slots(&s).len(), 7);
    let screen = s.screen();
    assert!(
        screen.contains("Convoqués sans créneau : PDNP06-2025-008"),
        "{screen}"
    );
    verify_intact(&s);
}

#[test]
fn the_grid_fits_80_by_24_with_breaks_and_the_cursor_day_in_view() {
    let mut s = convened();
    propose(&mut s);
    s.term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("term");
    goto(&mut s, 1, 0);
    let screen = s.screen();
    assert!(screen.contains("Calendrier des auditions"), "{screen}");
    assert!(screen.contains("« pause »"), "{screen}");
    assert!(screen.contains("jeu. 10/07"), "{screen}");
    assert!(screen.contains("09:00–09:45"), "{screen}");
    let at = s
        .app
        .state
        .slot_under_cursor()
        .expect("candidate")
        .reference
        .clone();
    let short = at.rsplit('-').next().expect("suffix");
    assert!(screen.contains(short), "{screen}");
    assert!(screen.contains("Jury : "), "{screen}");
    // The last day, far right, scrolls into view.
    for _ in 0..7 {
        s.act("slot_right");
    }
    let screen = s.screen();
    assert!(screen.contains("ven. 18/07"), "{screen}");
    assert!(!screen.contains("mer. 9/07"), "{screen}");
}
