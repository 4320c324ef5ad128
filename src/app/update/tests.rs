//! `update` on its own: no terminal, no database. Each test builds the state
//! from the sample call, sends messages, and checks the effects asked for
//! and what the state shows after the runtime's report comes back.

use super::*;
use crate::app::keymap::Keymap;
use crate::app::state::{Init, ListFilter, Preview};
use jury_core::call::Role;
use jury_core::decision::Draft;
use jury_core::fr::Lang;
use jury_core::records::{CommitteeData, DecisionRow, Session};

const CHAIR: &str = "Sylvie Marcellin";
const SECRETARY: &str = "Nadia Benali";
const MEMBER: &str = "Julien Ferrand";

fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn session(id: i64, closed: bool) -> Session {
    Session {
        id,
        stage: Default::default(),
        date: "2025-07-07".into(),
        opened_by: CHAIR.into(),
        closed_at: closed.then(|| "2025-07-07T17:00:00.000Z".into()),
        lot: None,
        present: vec![CHAIR.into(), SECRETARY.into(), MEMBER.into()],
    }
}

/// The sample call as the state holds it: these members, this reviewer,
/// no score (shared with the membership tests).
pub(crate) fn sample_state(reviewer: Option<&str>, committee: CommitteeData) -> State {
    State::new(sample_init(reviewer, committee))
}

/// What `sample_state` builds its state from, for tests that change it first.
fn sample_init(reviewer: Option<&str>, committee: CommitteeData) -> Init {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025");
    let folder = crate::io::import::read_folder(&dir).expect("the sample call reads");
    Init {
        lang: Lang::Fr,
        color: false,
        call: folder.call,
        call_dir: None,
        db_path: "test".into(),
        keymap: Keymap::default_map().expect("default keymap"),
        dossiers: folder
            .dossiers
            .into_iter()
            .map(|(d, _)| {
                let text = d.text().to_string();
                (d.full(), Some(text))
            })
            .collect(),
        scores: Vec::new(),
        reviewer: reviewer.map(String::from),
        reviewer_hint: None,
        report: Vec::new(),
        committee,
        templates: folder.templates,
        letters: Vec::new(),
        letters_dir: "/courriers".into(),
        today: day(2025, 7, 7),
        versions: Default::default(),
        stale: Vec::new(),
        pending_files: Vec::new(),
        requests: Vec::new(),
        personal_data: true,
    }
}

/// The sample call with three members (chair, secretary, member).
fn state(reviewer: Option<&str>, committee: CommitteeData) -> State {
    sample_state(
        reviewer,
        CommitteeData {
            members: vec![
                (CHAIR.into(), Role::Chair),
                (SECRETARY.into(), Role::Secretary),
                (MEMBER.into(), Role::Member),
            ],
            ..committee
        },
    )
}

fn status(s: &State) -> (String, bool) {
    let st = s.status.as_ref().expect("a status line");
    (st.text.clone(), st.error)
}

fn current_reference(s: &State) -> String {
    s.current_reference()
        .expect("a dossier selected")
        .to_string()
}

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        assert_eq!(update(s, Action::Insert(c)), Vec::new());
    }
}

/// Ticks the form's box `id` as the user would: focus it, press Space.
fn tick(s: &mut State, id: &str) {
    if let Mode::Form(f) = &mut s.mode {
        f.focus = f
            .fields
            .iter()
            .position(|x| x.id == id)
            .unwrap_or_else(|| panic!("a box {id}"));
    }
    update(s, Action::Insert(' '));
}

/// Replaces the focused field's text as a person would: erase, type.
fn retype(s: &mut State, text: &str) {
    for _ in 0..20 {
        update(s, Action::DeleteBack);
    }
    type_text(s, text);
}

/// Types `text` in the focused field and confirms: the form stays open and
/// its error says why.
fn refused(s: &mut State, text: &str) -> Option<String> {
    retype(s, text);
    assert_eq!(update(s, Action::Confirm), Vec::new());
    let Mode::Form(f) = &s.mode else {
        panic!("the form stays open, got {:?}", s.mode);
    };
    f.error.clone()
}

fn form(s: &State) -> &crate::app::form::Form {
    match &s.mode {
        Mode::Form(f) => f,
        other => panic!("a form was expected, the mode is {other:?}"),
    }
}

// The selection.

#[test]
fn the_current_reference_and_criterion_follow_the_cursor() {
    let mut s = state(Some(MEMBER), CommitteeData::default());
    let second = s.batch.entries[s.dossiers.view[1]]
        .dossier
        .reference
        .clone();
    update(&mut s, Action::Down);
    assert_eq!(s.current_reference(), Some(second.as_str()));
    assert_eq!(
        s.current_criterion().map(|c| c.id.as_str()),
        Some(s.batch.call.criteria[0].id.as_str())
    );
    update(&mut s, Action::FocusGrid);
    update(&mut s, Action::Down);
    assert_eq!(
        s.current_criterion().map(|c| c.id.as_str()),
        Some(s.batch.call.criteria[1].id.as_str())
    );
    // A search that matches nothing leaves no dossier selected.
    update(&mut s, Action::Filter);
    type_text(&mut s, "zzzzzz");
    assert_eq!(s.current_reference(), None);
}

/// Seeded draws, the same every run: each the hash of a counter.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 += 1;
        let h = jury_core::sha256_hex(self.0.to_string().as_bytes());
        (u64::from_str_radix(&h[..16], 16).unwrap_or(0) % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.below(from.len())]
    }

    /// Up to `max` letters, accents, ligatures and spaces.
    fn text(&mut self, max: usize) -> String {
        let letters = [
            'a', 'b', 'e', 'é', 'È', 'l', 'o', 'œ', 'Æ', 'ß', 'n', 's', ' ', '-', '1',
        ];
        (0..self.below(max + 1))
            .map(|_| self.pick(&letters))
            .collect()
    }
}

/// The sample's dossiers with random names, towns and people, some scored
/// by the member, as two states: one the keys drive, one rebuilt each time.
fn random_batch(rng: &mut Rng) -> (State, State) {
    let committee = || CommitteeData {
        members: vec![(CHAIR.into(), Role::Chair), (MEMBER.into(), Role::Member)],
        ..CommitteeData::default()
    };
    let mut init = sample_init(Some(MEMBER), committee());
    let samples = init.dossiers.clone();
    let criteria: Vec<String> = init.call.criteria.iter().map(|c| c.id.clone()).collect();
    init.dossiers = (0..60)
        .map(|k| {
            let (mut d, _) = samples[k % samples.len()].clone();
            d.reference = format!("{}-{k:02}", rng.text(6));
            d.structure = rng.text(24);
            d.city = rng.text(12);
            d.professional = rng.text(12);
            d.representative = rng.text(12);
            (d, None)
        })
        .collect();
    for (d, _) in &init.dossiers {
        for c in &criteria {
            if rng.below(3) == 0 {
                init.scores.push(ScoreRow {
                    reference: d.reference.clone(),
                    member: MEMBER.into(),
                    criterion: c.clone(),
                    value: Some(rng.below(5) as f64),
                    comment: String::new(),
                });
            }
        }
    }
    let mut scratch = sample_init(Some(MEMBER), committee());
    scratch.dossiers = init.dossiers.clone();
    scratch.scores = init.scores.clone();
    (State::new(init), State::new(scratch))
}

#[test]
fn typing_and_erasing_a_search_shows_what_a_search_from_scratch_shows() {
    let mut rng = Rng(15_000);
    for _ in 0..12 {
        let (mut s, mut scratch) = random_batch(&mut rng);
        update(&mut s, Action::Filter);
        for _ in 0..150 {
            assert_eq!(s.mode, Mode::Filter);
            match rng.below(10) {
                0..=5 => {
                    let typed = rng.text(1);
                    if let Some(c) = typed.chars().next() {
                        update(&mut s, Action::Insert(c));
                    }
                }
                6..=8 => {
                    update(&mut s, Action::DeleteBack);
                }
                // Leaving the search to sort or filter the list, then
                // searching on from the same query.
                _ => {
                    update(&mut s, Action::Confirm);
                    let other = [Action::SortNext, Action::SortReverse, Action::CycleFilter];
                    update(&mut s, rng.pick(&other));
                    update(&mut s, Action::Filter);
                }
            }
            scratch.dossiers.filter = s.dossiers.filter.clone();
            scratch.dossiers.sort = s.dossiers.sort;
            scratch.dossiers.descending = s.dossiers.descending;
            scratch.dossiers.list_filter = s.dossiers.list_filter;
            scratch.refresh_view();
            assert_eq!(
                s.dossiers.view, scratch.dossiers.view,
                "{:?}",
                s.dossiers.filter
            );
            // What frames read, made when the list changed, is what they
            // would count over the whole batch now.
            let counts = s.dossiers.counts;
            assert_eq!(counts.scored, s.scored_count());
            assert_eq!((counts.mine_done, counts.mine), s.mine_scored());
            assert_eq!(counts.candidates, s.batch.entries.len());
            // From scratch: the list without the search, its hits in that
            // order, best first.
            let typed = std::mem::take(&mut scratch.dossiers.filter);
            scratch.refresh_view();
            let query = jury_core::search::Query::new(&typed);
            let mut hits: Vec<(usize, i64)> = scratch
                .dossiers
                .view
                .iter()
                .filter_map(|i| {
                    jury_core::search::score(&scratch.batch.entries[*i].haystack(), &query)
                        .map(|sc| (*i, sc))
                })
                .collect();
            hits.sort_by_key(|(_, sc)| std::cmp::Reverse(*sc));
            // The references' column is as wide as the list without the
            // search needs: typing does not move the columns.
            let widest = scratch.dossiers.view.iter().map(|i| {
                unicode_width::UnicodeWidthStr::width(
                    scratch.batch.entries[*i].dossier.reference.as_str(),
                )
            });
            let widest = widest.max().unwrap_or(10).min(18) as u16;
            assert_eq!(s.dossiers.ref_width, widest);
            let expected: Vec<usize> = hits.into_iter().map(|(i, _)| i).collect();
            assert_eq!(s.dossiers.view, expected, "{typed:?}");
        }
    }
}

// Scores.

#[test]
fn a_digit_in_the_grid_asks_for_the_score_to_be_written_and_shows_it() {
    let mut s = state(Some(MEMBER), CommitteeData::default());
    let reference = current_reference(&s);
    let first = s.batch.call.criteria[0].id.clone();
    update(&mut s, Action::FocusGrid);
    let effects = update(&mut s, Action::Score(4));
    assert_eq!(
        effects,
        vec![Effect::SaveScore {
            row: ScoreRow {
                reference: reference.clone(),
                member: MEMBER.into(),
                criterion: first.clone(),
                value: Some(4.0),
                comment: String::new(),
            },
            before: None,
        }]
    );
    assert_eq!(
        s.my_score(&reference, &first).and_then(|x| x.value),
        Some(4.0)
    );
    assert_eq!(
        s.dossiers.criterion, 1,
        "the cursor moves to the next criterion"
    );
}

#[test]
fn a_score_the_database_refused_is_taken_back_with_the_reason() {
    let mut s = state(Some(MEMBER), CommitteeData::default());
    let reference = current_reference(&s);
    let first = s.batch.call.criteria[0].id.clone();
    update(&mut s, Action::FocusGrid);
    update(&mut s, Action::Score(4));
    let effects = update(
        &mut s,
        Outcome::ScoreNotSaved {
            reference: reference.clone(),
            member: MEMBER.into(),
            criterion: first.clone(),
            before: None,
            error: "disque plein".into(),
        },
    );
    assert!(effects.is_empty());
    assert_eq!(s.my_score(&reference, &first), None);
    assert_eq!(status(&s), ("Non enregistré : disque plein".into(), true));
}

#[test]
fn nobody_scores_before_saying_who_they_are() {
    let mut s = state(None, CommitteeData::default());
    assert_eq!(s.mode, Mode::AskReviewer);
    update(&mut s, Action::Cancel);
    assert_eq!(s.mode, Mode::Normal);
    update(&mut s, Action::FocusGrid);
    assert_eq!(update(&mut s, Action::Score(3)), Vec::new());
    assert!(s.batch.scores.is_empty());
}

#[test]
fn the_reviewer_named_is_recorded_and_dropped_if_the_database_refuses() {
    let mut s = state(None, CommitteeData::default());
    type_text(&mut s, MEMBER);
    assert_eq!(
        update(&mut s, Action::Confirm),
        vec![Effect::SetReviewer(MEMBER.into())]
    );
    assert_eq!(s.reviewer.as_deref(), Some(MEMBER));
    update(&mut s, Outcome::ReviewerSet(MEMBER.into()));
    assert_eq!(
        status(&s),
        (format!("Vous notez en tant que {MEMBER}"), false)
    );
    update(
        &mut s,
        Outcome::ReviewerRefused("base en lecture seule".into()),
    );
    assert_eq!(s.reviewer, None);
    assert_eq!(status(&s), ("base en lecture seule".into(), true));
}

#[test]
fn scores_read_back_after_a_write_replace_the_screens_copy() {
    let mut s = state(Some(CHAIR), CommitteeData::default());
    let reference = current_reference(&s);
    let rows: Vec<ScoreRow> = s
        .batch
        .call
        .criteria
        .iter()
        .map(|c| ScoreRow {
            reference: reference.clone(),
            member: MEMBER.into(),
            criterion: c.id.clone(),
            value: Some(5.0),
            comment: String::new(),
        })
        .collect();
    let committee = s.batch.committee.data.clone();
    update(
        &mut s,
        Outcome::Reloaded(Box::new(Reload {
            scores: rows,
            committee,
            letters: Vec::new(),
            dossiers: None,
            stale: Vec::new(),
            requests: Vec::new(),
        })),
    );
    let i = s.entry_index(&reference).expect("entry");
    assert_eq!(s.batch.committee.aggregates[i].reviews, 1);
    assert_eq!(s.batch.committee.aggregates[i].total_mean, Some(5.0));
}

/// A file that arrived late, taken in after a reopening's reading beside
/// the app, joins the list, the search and the zone filter; the zone being
/// filtered on stays the same zone though a new one sorts before it.
#[test]
fn a_dossier_taken_in_late_joins_the_list_the_search_and_the_zones() {
    let mut s = state(Some(CHAIR), CommitteeData::default());
    let zones = s.batch.territories.clone();
    let last = zones.last().cloned().expect("the sample has territories");
    s.dossiers.list_filter = ListFilter::Zone(zones.len() - 1);
    s.refresh_view();
    let shown = s.dossiers.view.len();
    let mut raw = s.batch.entries[0].dossier.value();
    raw["reference"] = "PDNP06-2025-099".into();
    raw["structure"]["name"] = "Maison des parents du Zéphyr".into();
    raw["structure"]["territory"] = "Aaa, territoire nouveau".into();
    let hash = jury_core::dossier::content_hash(&raw);
    let late = jury_core::dossier::Dossier::from_stored(raw, hash).expect("a dossier");
    let before = s.batch.entries.len();
    let committee = s.batch.committee.data.clone();
    update(
        &mut s,
        Outcome::Reloaded(Box::new(Reload {
            scores: Vec::new(),
            committee,
            letters: Vec::new(),
            dossiers: Some(vec![(late, 1)]),
            stale: Vec::new(),
            requests: Vec::new(),
        })),
    );
    assert_eq!(s.batch.entries.len(), before + 1);
    let i = s.entry_index("PDNP06-2025-099").expect("an entry");
    assert_eq!(s.batch.committee.aggregates.len(), before + 1);
    assert_eq!(s.batch.territories[0], "Aaa, territoire nouveau");
    assert_eq!(s.dossiers.list_filter, ListFilter::Zone(zones.len()));
    assert_eq!(s.batch.territories[zones.len()], last);
    assert_eq!(s.dossiers.view.len(), shown, "the same zone's dossiers");
    s.dossiers.list_filter = ListFilter::All;
    for c in "zephyr".chars() {
        s.dossiers.filter.push(c);
    }
    s.refresh_view();
    assert_eq!(s.dossiers.view, vec![i], "found by the search");
}

// Sessions.

#[test]
fn the_chair_opens_a_session_with_the_members_present() {
    let mut s = state(Some(CHAIR), CommitteeData::default());
    update(&mut s, Action::SwitchView);
    assert_eq!(s.screen, Screen::Committee);
    update(&mut s, Action::OpenSession);
    // Shown as the committee writes it, stored ISO.
    assert_eq!(form(&s).text_of("date"), "7 juillet 2025");
    let effects = update(&mut s, Action::Confirm);
    let [Effect::Committee(Change::OpenSession { date, present, .. })] = effects.as_slice() else {
        panic!("one session to open, got {effects:?}");
    };
    assert_eq!(date, "2025-07-07");
    assert_eq!(present, &[CHAIR, SECRETARY, MEMBER]);
    assert_eq!(s.mode, Mode::Normal);
    let change = Change::OpenSession {
        date: date.clone(),
        present: present.clone(),
        scope: Default::default(),
    };
    update(
        &mut s,
        Outcome::Written {
            change,
            undone: None,
        },
    );
    assert_eq!(
        status(&s),
        ("Séance ouverte : 7 juillet 2025".into(), false)
    );
}

#[test]
fn a_member_may_not_open_a_session() {
    let mut s = state(Some(MEMBER), CommitteeData::default());
    update(&mut s, Action::SwitchView);
    assert_eq!(update(&mut s, Action::OpenSession), Vec::new());
    assert_eq!(s.mode, Mode::Normal);
    assert_eq!(
        status(&s),
        (
            "Seuls la présidence et le secrétariat ouvrent une séance.".into(),
            true
        )
    );
}

#[test]
fn a_refused_write_says_so_on_the_status_line() {
    let mut s = state(Some(CHAIR), CommitteeData::default());
    update(
        &mut s,
        Outcome::NotWritten("Une séance est déjà ouverte.".into()),
    );
    assert_eq!(
        status(&s),
        ("Non enregistré : Une séance est déjà ouverte.".into(), true)
    );
}

// Decisions.

#[test]
fn the_chair_records_a_decision_in_the_open_session() {
    let mut s = state(
        Some(CHAIR),
        CommitteeData {
            sessions: vec![session(1, false)],
            ..Default::default()
        },
    );
    update(&mut s, Action::SwitchView);
    let i = s.committee_current().expect("a ranked dossier");
    let reference = s.batch.entries[i].dossier.reference.clone();
    update(&mut s, Action::Decide);
    while form(&s).choice_of("kind").as_deref() != Some("retenu") {
        update(&mut s, Action::NextOption);
    }
    // Nobody scored the sample yet: the decision needs the confirmation.
    tick(&mut s, "confirm");
    let effects = update(&mut s, Action::Confirm);
    let [
        Effect::Committee(Change::Decision {
            session,
            draft,
            without_quorum,
            guarded,
        }),
    ] = effects.as_slice()
    else {
        panic!("one decision to record, got {effects:?}");
    };
    assert_eq!(*session, 1);
    assert!(!without_quorum, "three members present, quorum 3");
    assert!(guarded, "recorded after the confirmation");
    assert_eq!(
        draft,
        &Draft {
            reference,
            kind: "retenu".into(),
            motivation: String::new(),
            condition: String::new(),
            waitlist_rank: None,
            documents: String::new(),
            ..Default::default()
        }
    );
}

#[test]
fn a_decision_without_an_open_session_stays_in_its_form_with_the_reason() {
    let mut s = state(Some(CHAIR), CommitteeData::default());
    update(&mut s, Action::SwitchView);
    update(&mut s, Action::Decide);
    while form(&s).choice_of("kind").as_deref() != Some("retenu") {
        update(&mut s, Action::NextOption);
    }
    assert_eq!(update(&mut s, Action::Confirm), Vec::new());
    assert!(form(&s).error.is_some(), "the form says why");
}

// Letters.

fn decided() -> CommitteeData {
    CommitteeData {
        sessions: vec![session(1, true)],
        decisions: vec![DecisionRow {
            id: 7,
            session_id: 1,
            reference: "PDNP06-2025-001".into(),
            kind: "retenu".into(),
            motivation: String::new(),
            condition: String::new(),
            waitlist_rank: None,
            documents: String::new(),
            without_quorum: false,
            by: CHAIR.into(),
            at: "2025-07-07T16:00:00.000Z".into(),
            guarded: false,
            amount: None,
            budget_override: String::new(),
        }],
        ..Default::default()
    }
}

#[test]
fn the_letters_view_asks_for_one_letter_all_letters_and_the_minutes() {
    let mut s = state(Some(SECRETARY), decided());
    update(&mut s, Action::LettersView);
    assert_eq!(s.screen, Screen::Letters);
    assert_eq!(s.letters_view.items.len(), 1);
    // Both first ask the date the letters carry: today unless changed.
    assert_eq!(update(&mut s, Action::Generate), Vec::new());
    assert_eq!(
        update(&mut s, Action::Confirm),
        vec![Effect::Letters {
            only: Some("PDNP06-2025-001".into()),
            on: day(2025, 7, 7),
            redate: true,
        }]
    );
    assert_eq!(update(&mut s, Action::GenerateAll), Vec::new());
    assert_eq!(
        update(&mut s, Action::Confirm),
        vec![Effect::Letters {
            only: None,
            on: day(2025, 7, 7),
            redate: false,
        }]
    );
    assert_eq!(update(&mut s, Action::Minutes), vec![Effect::Minutes]);
}

#[test]
fn the_signature_date_is_asked_in_french_and_read_in_any_form() {
    let mut s = state(Some(SECRETARY), decided());
    update(&mut s, Action::LettersView);
    update(&mut s, Action::GenerateAll);
    let Mode::Form(form) = &s.mode else {
        panic!("a form for the date, got {:?}", s.mode);
    };
    assert_eq!(form.text_of("date"), "7 juillet 2025");
    assert_eq!(
        refused(&mut s, "31/06/2025").as_deref(),
        Some("date impossible « 31/06/2025 » : ce jour n'existe pas dans le calendrier")
    );
    retype(&mut s, "9 juil. 2025");
    assert_eq!(
        update(&mut s, Action::Confirm),
        vec![Effect::Letters {
            only: None,
            on: day(2025, 7, 9),
            redate: false,
        }]
    );
}

#[test]
fn a_letter_is_not_signed_before_the_meeting_that_decided() {
    let mut s = state(Some(SECRETARY), decided());
    update(&mut s, Action::LettersView);
    update(&mut s, Action::Generate);
    assert_eq!(
        refused(&mut s, "6/7/2025").as_deref(),
        Some(
            "Date de signature refusée : le 6 juillet 2025 précède la séance du 7 juillet 2025 qui a décidé."
        )
    );
}

#[test]
fn one_letter_produced_again_offers_its_own_date() {
    let mut s = state(Some(SECRETARY), decided());
    s.batch.letters = vec![letter_signed_on("2025-07-08")];
    s.refresh_letters();
    s.env.today = day(2025, 7, 20);
    update(&mut s, Action::LettersView);
    // The preview shows the date the letter will carry.
    let Some(Preview::Letter(doc)) = &s.letters_view.preview else {
        panic!("a letter to preview, got {:?}", s.letters_view.preview);
    };
    assert_eq!(doc.place_date.as_deref(), Some("Nice, le 8 juillet 2025"));
    update(&mut s, Action::Generate);
    let Mode::Form(form) = &s.mode else {
        panic!("a form for the date, got {:?}", s.mode);
    };
    assert_eq!(form.text_of("date"), "8 juillet 2025");
}

#[test]
fn a_letter_is_not_sent_before_the_date_it_carries() {
    let mut s = state(Some(SECRETARY), decided());
    s.batch.letters = vec![letter_signed_on("2025-07-08")];
    s.refresh_letters();
    update(&mut s, Action::LettersView);
    update(&mut s, Action::MarkSent);
    update(&mut s, Action::NextField);
    assert_eq!(
        refused(&mut s, "7/7/2025").as_deref(),
        Some(
            "Date d'envoi refusée : le courrier est daté du 8 juillet 2025, il ne peut pas être parti le 7 juillet 2025."
        )
    );
}

/// The sample decision's letter, produced and dated `signed_on`.
fn letter_signed_on(signed_on: &str) -> jury_core::records::LetterRow {
    jury_core::records::LetterRow {
        reference: "PDNP06-2025-001".into(),
        decision_id: 7,
        pdf: "/courriers/PDNP06-2025-001-retenu.pdf".into(),
        odt: "/courriers/PDNP06-2025-001-retenu.odt".into(),
        eml: None,
        hash: "0".into(),
        generated_at: format!("{signed_on}T10:00:00.000Z"),
        signed_on: Some(signed_on.into()),
        sent_at: None,
        channel: None,
        acknowledged_at: None,
    }
}

#[test]
fn the_letters_view_previews_the_letter_as_it_will_be_written() {
    let mut s = state(Some(SECRETARY), decided());
    update(&mut s, Action::LettersView);
    let Some(Preview::Letter(doc)) = &s.letters_view.preview else {
        panic!("a letter to preview, got {:?}", s.letters_view.preview);
    };
    // Dated the day it is produced unless another is chosen, as the PDF is.
    assert_eq!(doc.place_date.as_deref(), Some("Nice, le 7 juillet 2025"));
}

#[test]
fn the_letter_is_composed_only_while_the_letters_screen_is_shown() {
    let mut s = state(Some(SECRETARY), decided());
    assert!(!s.letters_view.items.is_empty());
    // Built and rescored on the dossiers screen: no letter composed.
    assert_eq!(s.letters_view.preview, None);
    s.recompute();
    assert_eq!(s.letters_view.preview, None);
    update(&mut s, Action::LettersView);
    assert!(matches!(s.letters_view.preview, Some(Preview::Letter(_))));
    // Left for the assignments, rescored there, and come back to by
    // leaving them: no key of the letters screen's own.
    update(&mut s, Action::AssignmentView);
    assert_eq!(s.screen, Screen::Assignment);
    assert_eq!(s.letters_view.preview, None);
    s.recompute();
    assert_eq!(s.letters_view.preview, None);
    update(&mut s, Action::AssignmentView);
    assert_eq!(s.screen, Screen::Letters);
    assert!(matches!(s.letters_view.preview, Some(Preview::Letter(_))));
}

#[test]
fn an_unreadable_session_date_is_said_in_the_preview_not_replaced_by_today() {
    let mut committee = decided();
    committee.sessions[0].date = "07/07/2025".into();
    let mut s = state(Some(SECRETARY), committee);
    update(&mut s, Action::LettersView);
    assert_eq!(
        s.letters_view.preview,
        Some(Preview::Problems(vec![
            "séance 1 : date « 07/07/2025 » illisible ; aucun document ne peut être daté d'après elle"
                .into()
        ]))
    );
}

#[test]
fn a_member_produces_no_letter() {
    let mut s = state(Some(MEMBER), decided());
    update(&mut s, Action::LettersView);
    assert_eq!(update(&mut s, Action::GenerateAll), Vec::new());
    assert!(status(&s).1);
}

#[test]
fn a_batch_of_letters_shows_its_progress_then_where_the_files_are() {
    let mut s = state(Some(SECRETARY), decided());
    update(
        &mut s,
        Outcome::LetterProgress {
            done: 0,
            total: 1,
            reference: String::new(),
        },
    );
    assert_eq!(s.letters_view.progress, Some((0, 1, String::new())));
    update(
        &mut s,
        Outcome::LettersFinished {
            total: 1,
            failed: Vec::new(),
        },
    );
    assert_eq!(s.letters_view.progress, None);
    assert_eq!(
        status(&s),
        (
            "1 courrier(s) produit(s) en PDF, ODT et EML dans /courriers".into(),
            false
        )
    );
}

#[test]
fn templates_that_fail_open_the_report_and_produce_nothing() {
    let mut s = state(Some(SECRETARY), decided());
    update(
        &mut s,
        Outcome::LettersRefused(vec!["lettres/retenu.txt:3:9: placeholder inconnu".into()]),
    );
    assert_eq!(s.mode, Mode::Report { scroll: 0 });
    assert_eq!(s.batch.report.len(), 1);
    assert_eq!(
        status(&s),
        (
            "Aucun courrier produit : corrigez les modèles.".into(),
            true
        )
    );
}

#[test]
fn a_new_day_flags_letters_past_the_notification_date() {
    let mut s = state(Some(SECRETARY), decided());
    let notify_by = s.batch.call.notify_by.expect("the sample sets notify_by");
    assert!(!s.letters_view.items[0].late);
    update(&mut s, Msg::Today(notify_by.succ_opt().expect("next day")));
    assert!(s.letters_view.items[0].late);
}

// Packets.

#[test]
fn a_member_asks_for_their_packet_and_sees_where_it_went() {
    let mut s = state(Some(MEMBER), CommitteeData::default());
    assert_eq!(
        update(&mut s, Action::ExportPacket),
        vec![Effect::ExportPacket]
    );
    update(
        &mut s,
        Outcome::PacketWritten {
            path: "/courriers/paquet.json".into(),
            scores: 12,
        },
    );
    assert_eq!(
        status(&s),
        (
            "Paquet écrit : /courriers/paquet.json (12 notes)".into(),
            false
        )
    );
}

#[test]
fn the_chair_imports_a_packet_by_its_path() {
    let mut s = state(Some(CHAIR), CommitteeData::default());
    update(&mut s, Action::SwitchView);
    // The runtime lists the packets found first; none here.
    assert_eq!(
        update(&mut s, Action::ImportPacket),
        vec![Effect::FindPackets]
    );
    update(&mut s, Outcome::PacketsFound(Vec::new()));
    assert_eq!(form(&s).text_of("path"), "/courriers/");
    type_text(&mut s, "paquet-julien.json");
    assert_eq!(
        update(&mut s, Action::Confirm),
        vec![Effect::ImportPacket("/courriers/paquet-julien.json".into())]
    );
    update(&mut s, Outcome::PacketImported("4 notes ajoutées".into()));
    assert_eq!(
        status(&s),
        ("Paquet importé : 4 notes ajoutées".into(), false)
    );
}

#[test]
fn a_member_may_not_import_a_packet() {
    let mut s = state(Some(MEMBER), CommitteeData::default());
    update(&mut s, Action::SwitchView);
    assert_eq!(update(&mut s, Action::ImportPacket), Vec::new());
    assert_eq!(s.mode, Mode::Normal);
}

// What the runtime reports besides writes.

#[test]
fn a_dossiers_history_opens_once_read() {
    let mut s = state(Some(CHAIR), CommitteeData::default());
    let reference = current_reference(&s);
    assert_eq!(
        update(&mut s, Action::History),
        vec![Effect::LoadHistory(reference.clone())]
    );
    update(
        &mut s,
        Outcome::History {
            reference: reference.clone(),
            lines: Vec::new(),
        },
    );
    assert_eq!(
        s.mode,
        Mode::History {
            reference,
            lines: Vec::new(),
            scroll: 0
        }
    );
}

#[test]
fn the_frame_tells_the_page_height_and_the_list_follows_the_selection() {
    let mut s = state(Some(CHAIR), CommitteeData::default());
    update(
        &mut s,
        Msg::Frame(FrameInfo {
            page: 7,
            dossier_max_scroll: 0,
            list_rows: 5,
            too_small: false,
        }),
    );
    assert_eq!(s.page, 7);
    for _ in 0..6 {
        update(&mut s, Action::Down);
    }
    assert_eq!(s.dossiers.selected, 6);
    assert_eq!(
        s.dossiers.list_offset, 2,
        "the selected row stays on screen"
    );
    assert_eq!(s.dossiers.list_filter, ListFilter::All);
}

// Issue 9: conflicts bind decisions, decisions are guarded, reasons are the
// committee's words, unranked dossiers.

/// Every criterion of every dossier scored `value` by `member`.
fn scored_by(member: &str, value: f64) -> Vec<jury_core::records::ScoreRow> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/caf06-pdnp-2025");
    let folder = crate::io::import::read_folder(&dir).expect("the sample call reads");
    let mut rows = Vec::new();
    for (d, _) in &folder.dossiers {
        for c in &folder.call.criteria {
            rows.push(jury_core::records::ScoreRow {
                reference: d.reference.clone(),
                member: member.into(),
                criterion: c.id.clone(),
                value: Some(value),
                comment: String::new(),
            });
        }
    }
    rows
}

fn open_decision_on(s: &mut State, reference: &str) {
    update(s, Action::SwitchView);
    let at = s
        .committee_view
        .rows
        .iter()
        .position(|i| s.batch.entries[*i].dossier.reference == reference)
        .expect("the dossier is in the committee view");
    s.committee_view.selected = at;
    update(s, Action::Decide);
}

fn choose_kind(s: &mut State, kind: &str) {
    while let Mode::Form(f) = &mut s.mode
        && f.choice_of("kind").as_deref() != Some(kind)
    {
        f.focus = 0;
        update(s, Action::NextOption);
    }
}

#[test]
fn a_member_in_conflict_cannot_decide_that_dossier_another_may() {
    let reference = "PDNP06-2025-001";
    let conflicted = || CommitteeData {
        sessions: vec![session(1, false)],
        conflicts: vec![jury_core::records::Conflict {
            reference: reference.into(),
            member: CHAIR.into(),
            reason: "Administratrice de la structure".into(),
        }],
        ..Default::default()
    };
    let mut s = state(Some(CHAIR), conflicted());
    open_decision_on(&mut s, reference);
    assert!(
        !matches!(s.mode, Mode::Form(_)),
        "no decision form for a member in conflict"
    );
    let (text, error) = status(&s);
    assert!(error, "{text}");
    assert!(text.contains("conflit d'intérêts"), "{text}");
    // The secretary stands in.
    let mut s = state(Some(SECRETARY), conflicted());
    open_decision_on(&mut s, reference);
    assert!(matches!(s.mode, Mode::Form(_)), "the secretary may decide");
}

#[test]
fn an_unscored_dossier_is_decided_only_after_an_explicit_confirmation() {
    let mut s = state(
        Some(CHAIR),
        CommitteeData {
            sessions: vec![session(1, false)],
            ..Default::default()
        },
    );
    open_decision_on(&mut s, "PDNP06-2025-001");
    let note = form(&s).note.clone().unwrap_or_default();
    assert!(note.contains("notée par 0 membre sur 3"), "{note}");
    choose_kind(&mut s, "retenu");
    assert_eq!(update(&mut s, Action::Confirm), Vec::new());
    let why = form(&s).error.clone().expect("the form says why");
    assert!(why.contains("Cochez"), "{why}");
    if let Mode::Form(f) = &mut s.mode {
        let at = f
            .fields
            .iter()
            .position(|x| x.id == "confirm")
            .expect("a confirmation box");
        f.focus = at;
    }
    update(&mut s, Action::Insert(' '));
    let effects = update(&mut s, Action::Confirm);
    assert!(
        matches!(&effects[..], [Effect::Committee(Change::Decision { draft, .. })] if draft.kind == "retenu"),
        "{effects:?}"
    );
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::Committee(Change::Decision { guarded: true, .. })]
        ),
        "{effects:?}"
    );
}

#[test]
fn reasons_are_offered_as_lines_never_glued_and_reset_with_the_kind() {
    let mut s = state(
        Some(CHAIR),
        CommitteeData {
            sessions: vec![session(1, false)],
            ..Default::default()
        },
    );
    s.batch.scores.clear();
    let mut s = {
        let mut init = s;
        for r in scored_by(MEMBER, 1.0)
            .into_iter()
            .chain(scored_by(SECRETARY, 1.0))
            .chain(scored_by(CHAIR, 1.0))
        {
            init.batch.scores.insert(
                (r.reference, r.member, r.criterion),
                crate::app::state::Score {
                    value: r.value,
                    comment: r.comment,
                },
            );
        }
        init.recompute();
        init
    };
    open_decision_on(&mut s, "PDNP06-2025-001");
    choose_kind(&mut s, "non_retenu");
    assert_eq!(form(&s).text_of("motivation"), "", "nothing pre-typed");
    let offered: Vec<String> = form(&s)
        .fields
        .iter()
        .filter(|f| f.id == "suggestion")
        .map(|f| f.label.clone())
        .collect();
    assert!(
        offered.iter().any(|l| l.contains(" : 1,0 / 5.")),
        "{offered:?}"
    );
    if let Mode::Form(f) = &mut s.mode {
        f.focus = f
            .fields
            .iter()
            .position(|x| x.id == "motivation")
            .expect("reasons");
    }
    type_text(&mut s, "Bon dossier");
    assert_eq!(form(&s).text_of("motivation"), "Bon dossier");
    choose_kind(&mut s, "irrecevable");
    let offered: Vec<String> = form(&s)
        .fields
        .iter()
        .filter(|f| f.id == "suggestion")
        .map(|f| f.label.clone())
        .collect();
    assert!(
        offered.iter().all(|l| !l.contains("/ 5")),
        "no merit weakness for an irrecevable decision: {offered:?}"
    );
}

#[test]
fn ineligible_dossiers_take_no_rank_number() {
    let mut s = state(Some(CHAIR), CommitteeData::default());
    for r in scored_by(MEMBER, 3.0) {
        s.batch.scores.insert(
            (r.reference, r.member, r.criterion),
            crate::app::state::Score {
                value: r.value,
                comment: r.comment,
            },
        );
    }
    s.recompute();
    let ineligible: Vec<usize> = (0..s.batch.entries.len())
        .filter(|i| s.verdict(*i) == jury_core::eligibility::Verdict::Ineligible)
        .collect();
    assert!(!ineligible.is_empty(), "the sample has ineligible dossiers");
    for i in ineligible {
        let r = s
            .batch
            .committee
            .rank_of(&s.batch.entries[i].dossier.reference)
            .expect("listed");
        assert_eq!(r.rank, None, "{}", r.reference);
        assert_eq!(
            r.unranked,
            Some(jury_core::ranking::Unranked::Ineligible),
            "{}",
            r.reference
        );
    }
    let ranks: Vec<usize> = s
        .batch
        .committee
        .ranking
        .iter()
        .filter_map(|r| r.rank)
        .collect();
    assert_eq!(ranks.first(), Some(&1));
    assert!(ranks.iter().all(|r| *r <= ranks.len()), "{ranks:?}");
}

#[test]
fn a_chair_in_conflict_neither_votes_the_consensus_grid_nor_overrides() {
    let reference = "PDNP06-2025-001";
    let mut s = state(
        Some(CHAIR),
        CommitteeData {
            conflicts: vec![jury_core::records::Conflict {
                reference: reference.into(),
                member: CHAIR.into(),
                reason: String::new(),
            }],
            ..Default::default()
        },
    );
    open_decision_on(&mut s, reference);
    for action in [Action::Consensus, Action::Override] {
        s.mode = Mode::Normal;
        s.screen = crate::app::state::Screen::Committee;
        s.status = None;
        assert_eq!(update(&mut s, action), Vec::new());
        assert_eq!(s.dossiers.grid_target, GridTarget::Own, "{action:?}");
        assert!(!matches!(s.mode, Mode::Form(_)), "{action:?}");
        let (text, error) = status(&s);
        assert!(error && text.contains("conflit d'intérêts"), "{text}");
    }
}

#[test]
fn a_suggested_reason_can_be_edited_before_it_is_taken() {
    let mut s = state(
        Some(CHAIR),
        CommitteeData {
            sessions: vec![session(1, false)],
            ..Default::default()
        },
    );
    for r in scored_by(MEMBER, 1.0)
        .into_iter()
        .chain(scored_by(CHAIR, 1.0))
    {
        s.batch.scores.insert(
            (r.reference, r.member, r.criterion),
            crate::app::state::Score {
                value: r.value,
                comment: r.comment,
            },
        );
    }
    s.recompute();
    open_decision_on(&mut s, "PDNP06-2025-001");
    choose_kind(&mut s, "non_retenu");
    let offered = form(&s)
        .fields
        .iter()
        .find(|f| f.id == "suggestion")
        .map(|f| f.label.clone())
        .expect("a suggestion");
    if let Mode::Form(f) = &mut s.mode {
        f.focus = f
            .fields
            .iter()
            .position(|x| x.id == "suggestion")
            .expect("a suggestion");
    }
    // Backspace over the full stop, then the committee's own ending.
    update(&mut s, Action::DeleteBack);
    type_text(&mut s, ", à étayer.");
    let effects = update(&mut s, Action::Confirm);
    let [Effect::Committee(Change::Decision { draft, .. })] = effects.as_slice() else {
        panic!("one decision, got {effects:?}");
    };
    let edited = format!("{}, à étayer.", offered.trim_end_matches('.'));
    assert_eq!(draft.motivation, edited);
}
