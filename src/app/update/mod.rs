//! The one place state changes: `update(state, action)` returns the effects
//! (writes, opening a file) the runtime must carry out. It does no I/O.

mod assignment;
mod committee;
mod edit;
mod letters;
mod lot;
pub mod members;
mod outcome;
mod stage;
#[cfg(test)]
pub(crate) mod tests;
mod timetable;

use crate::app::action::Action;
use crate::app::state::{FrameInfo, GridTarget, Mode, Pane, Progress, Score, Screen, State};
use jury_core::fr::Tr;
use jury_core::records::ScoreRow;
use std::path::PathBuf;

pub use committee::Change;
pub use outcome::{Outcome, Reload};

#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Write one score; `before` restores the screen if the write fails.
    SaveScore {
        row: ScoreRow,
        before: Option<Score>,
    },
    /// Open an attachment with the system viewer.
    Open(PathBuf),
    /// Remember the member chosen at « Qui note ? » as this machine's last
    /// reviewer (they are a member already: nobody is added from a name).
    SetReviewer(String),
    /// A committee change: written, then the committee data is reloaded.
    Committee(Change),
    /// Read a dossier's audit trail and show it.
    LoadHistory(String),
    /// Produce one dossier's letter, or every final decision's, signed
    /// `on`; letters produced before keep their date unless `redate`.
    Letters {
        only: Option<String>,
        on: chrono::NaiveDate,
        redate: bool,
    },
    /// Write the active member's review packet.
    ExportPacket,
    /// Merge a member's packet file.
    ImportPacket(PathBuf),
    /// List the packet files in the usual places, for the chooser.
    FindPackets,
    /// Write the minutes of every session.
    Minutes,
    /// Write every new or corrected convocation and the panel's calendars.
    Convocations,
    /// Record a request for missing pieces and write its letter.
    RequestPieces {
        reference: String,
        missing: Vec<String>,
        due: chrono::NaiveDate,
        on: chrono::NaiveDate,
    },
}

/// What `update` handles: what the user did, what the runtime reports after
/// carrying out an effect, what the last frame measured, a new day.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    Action(Action),
    Done(Outcome),
    Frame(FrameInfo),
    /// The date changed while Jury was open (late letters, default dates).
    Today(chrono::NaiveDate),
}

impl From<Action> for Msg {
    fn from(a: Action) -> Msg {
        Msg::Action(a)
    }
}

impl From<Outcome> for Msg {
    fn from(o: Outcome) -> Msg {
        Msg::Done(o)
    }
}

/// The one place the state changes. Returns what the runtime must carry out;
/// the runtime reports each result back as a [`Msg::Done`].
pub fn update(s: &mut State, msg: impl Into<Msg>) -> Vec<Effect> {
    let effects = handle(s, msg.into());
    // The letter on the letters screen is composed when that screen is
    // shown, whichever way it was reached, and dropped when it is left
    // (see `refresh_preview`): none is kept, stale, off that screen.
    match (
        s.screen == Screen::Letters,
        s.letters_view.preview.is_some(),
    ) {
        (true, false) => s.refresh_preview(),
        (false, true) => s.letters_view.preview = None,
        _ => {}
    }
    effects
}

fn handle(s: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        // Keys typed while the terminal is too small to show anything would
        // score or decide blind: only quitting is heard.
        Msg::Action(action) if s.too_small && action != Action::Quit => Vec::new(),
        Msg::Action(action) => act(s, action),
        Msg::Done(outcome) => {
            outcome::apply(s, outcome);
            s.scroll_list();
            Vec::new()
        }
        Msg::Frame(info) => {
            s.apply_frame(info);
            Vec::new()
        }
        Msg::Today(day) => {
            s.env.today = day;
            s.refresh_letters();
            Vec::new()
        }
    }
}

fn act(s: &mut State, action: Action) -> Vec<Effect> {
    let effects = dispatch(s, action);
    // Aggregates, ranking and filtered lists follow every score change:
    // one dossier's moves alone.
    let mut rescored: Vec<&str> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::SaveScore { row, .. } => Some(row.reference.as_str()),
            _ => None,
        })
        .collect();
    rescored.dedup();
    match rescored.as_slice() {
        [] => {}
        [one] => s.rescore(one),
        _ => s.recompute(),
    }
    s.scroll_list();
    effects
}

fn dispatch(s: &mut State, action: Action) -> Vec<Effect> {
    match s.mode.clone() {
        Mode::Normal => normal(s, action),
        Mode::Filter => filter(s, action),
        Mode::Comment => comment(s, action),
        Mode::AskReviewer => members::ask_reviewer(s, action),
        Mode::Help { scroll } => {
            match action {
                Action::Close | Action::Help | Action::Cancel => s.mode = Mode::Normal,
                other => {
                    s.mode = Mode::Help {
                        scroll: scrolled(s, scroll, other),
                    }
                }
            }
            Vec::new()
        }
        Mode::Report { scroll } => {
            match action {
                Action::Close | Action::Confirm | Action::Cancel => {
                    if s.reviewer.is_none() {
                        members::ask_who(s);
                    } else {
                        s.mode = Mode::Normal;
                    }
                }
                other => {
                    s.mode = Mode::Report {
                        scroll: scrolled(s, scroll, other),
                    }
                }
            }
            Vec::new()
        }
        Mode::Attachments { selected } => attachments(s, selected, action),
        Mode::Form(form) if form.purpose == crate::app::form::Purpose::SetUpCommittee => {
            members::set_up(s, form, action)
        }
        Mode::Form(form) if form.purpose == crate::app::form::Purpose::ProposeAssignment => {
            assignment::form(s, form, action)
        }
        Mode::Form(form) => committee::form(s, form, action),
        Mode::Coverage { scroll } => {
            match action {
                Action::Close | Action::Cancel | Action::Coverage => s.mode = Mode::Normal,
                other => {
                    s.mode = Mode::Coverage {
                        scroll: scrolled(s, scroll, other),
                    }
                }
            }
            Vec::new()
        }
        Mode::History {
            scroll,
            reference,
            lines,
        } => {
            match action {
                Action::Close | Action::Cancel | Action::History => s.mode = Mode::Normal,
                other => {
                    s.mode = Mode::History {
                        scroll: scrolled(s, scroll, other),
                        reference,
                        lines,
                    }
                }
            }
            Vec::new()
        }
    }
}

/// A role check: true when allowed, else the reason on the status line.
pub(super) fn permitted(s: &mut State, allowed: bool, why: Tr) -> bool {
    if !allowed {
        s.set_error(s.env.lang.tr(why));
    }
    allowed
}

/// Where a move lands in a list of `len` rows (Down, Up, pages, ends).
pub(super) fn moved(at: usize, len: usize, page: u16, action: Action) -> usize {
    let last = len.saturating_sub(1);
    let page = page.max(1) as usize;
    match action {
        Action::Down => at + 1,
        Action::Up => at.saturating_sub(1),
        Action::PageDown => at + page,
        Action::PageUp => at.saturating_sub(page),
        Action::Top => 0,
        _ => last,
    }
    .min(last)
}

fn scrolled(s: &State, scroll: u16, action: Action) -> u16 {
    match action {
        Action::Down => scroll.saturating_add(1),
        Action::Up => scroll.saturating_sub(1),
        Action::PageDown => scroll.saturating_add(s.page.max(1)),
        Action::PageUp => scroll.saturating_sub(s.page.max(1)),
        Action::Top => 0,
        _ => scroll,
    }
}

fn normal(s: &mut State, action: Action) -> Vec<Effect> {
    if action == Action::LettersView {
        s.screen = if s.screen == Screen::Letters {
            Screen::Dossiers
        } else {
            Screen::Letters
        };
        s.dossiers.grid_target = GridTarget::Own;
        return Vec::new();
    }
    if action == Action::AssignmentView {
        assignment::toggle(s);
        return Vec::new();
    }
    if action == Action::TimetableView {
        return timetable::toggle(s);
    }
    match s.screen {
        Screen::Committee => return committee::normal(s, action),
        Screen::Letters => return letters::normal(s, action),
        Screen::Assignment => return assignment::normal(s, action),
        Screen::Timetable => return timetable::normal(s, action),
        Screen::Dossiers => {}
    }
    let mut effects = Vec::new();
    // A first digit waiting for a second is committed by anything but a digit.
    if s.dossiers.pending_digit.is_some() && !matches!(action, Action::Score(_)) {
        if action == Action::Cancel {
            s.dossiers.pending_digit = None;
        } else if let Some(p) = s.dossiers.pending_digit.take() {
            effects.extend(commit_score(s, p as f64, action == Action::Confirm));
            if action == Action::Confirm {
                return effects;
            }
        }
    }
    match action {
        Action::Quit => s.quit = true,
        Action::Help => s.mode = Mode::Help { scroll: 0 },
        Action::FocusNext => {
            s.dossiers.focus = match s.dossiers.focus {
                Pane::List => Pane::Dossier,
                Pane::Dossier => Pane::Grid,
                Pane::Grid => Pane::List,
            }
        }
        Action::FocusPrev => {
            s.dossiers.focus = match s.dossiers.focus {
                Pane::List => Pane::Grid,
                Pane::Dossier => Pane::List,
                Pane::Grid => Pane::Dossier,
            }
        }
        Action::FocusList => s.dossiers.focus = Pane::List,
        Action::FocusDossier => s.dossiers.focus = Pane::Dossier,
        Action::FocusGrid => s.dossiers.focus = Pane::Grid,
        Action::Filter => {
            s.mode = Mode::Filter;
            s.dossiers.focus = Pane::List;
        }
        Action::SortNext => {
            s.dossiers.sort = s.dossiers.sort.next();
            s.dossiers.descending = false;
            s.refresh_view();
            let label = s.dossiers.sort.label(s.env.lang).to_string();
            s.set_status(format!("{} {label}", s.env.lang.tr(text::SORTED)));
        }
        Action::SortReverse => {
            s.dossiers.descending = !s.dossiers.descending;
            s.refresh_view();
        }
        Action::Down
        | Action::Up
        | Action::PageDown
        | Action::PageUp
        | Action::Top
        | Action::Bottom => move_in_pane(s, action),
        Action::NextDossier => select(s, s.dossiers.selected.saturating_add(1)),
        Action::PrevDossier => select(s, s.dossiers.selected.saturating_sub(1)),
        Action::NextToScore => next_to_score(s),
        Action::Score(d) => effects.extend(digit(s, d)),
        Action::ClearScore => effects.extend(clear_score(s)),
        Action::Comment => {
            if need_reviewer(s) || s.current().is_none() {
                return effects;
            }
            s.dossiers.focus = Pane::Grid;
            s.input = current_score(s).map(|sc| sc.comment).unwrap_or_default();
            s.mode = Mode::Comment;
        }
        Action::OpenAttachment => effects.extend(open_attachment(s)),
        Action::Confirm => {
            if s.dossiers.focus == Pane::List {
                s.dossiers.focus = Pane::Grid;
            }
        }
        Action::Cancel => {
            if !s.dossiers.filter.is_empty() {
                s.dossiers.filter.clear();
                s.refresh_view();
            }
        }
        Action::CycleFilter => {
            let mine = s.mine_scored().1 > 0;
            s.dossiers.list_filter = s.dossiers.list_filter.next(s.batch.territories.len(), mine);
            s.refresh_view();
            let label = s
                .dossiers
                .list_filter
                .label(s.env.lang, &s.batch.territories);
            s.set_status(format!("{} {label}", s.env.lang.tr(text::FILTER)));
        }
        Action::SwitchView => committee::to_committee(s),
        Action::ExportPacket => {
            if !need_reviewer(s) {
                effects.push(Effect::ExportPacket);
            }
        }
        Action::Undo => effects.push(Effect::Committee(Change::Undo)),
        Action::Conflict => {
            if let Some(reference) = s.current_reference().map(str::to_string) {
                effects.extend(committee::conflict(s, &reference));
            }
        }
        Action::History => {
            if let Some(reference) = s.current_reference() {
                effects.push(Effect::LoadHistory(reference.to_string()));
            }
        }
        Action::EditDossier => edit::open(s),
        Action::RequestPieces => edit::request_form(s),
        Action::AcceptFileVersion => effects.extend(edit::accept_file(s)),
        Action::SwitchStage => stage::switch(s),
        Action::SwitchLot => lot::switch(s),
        Action::RecordAbsence => {
            if let Some(reference) = s.current_reference().map(str::to_string) {
                effects.extend(stage::absence(s, &reference));
            }
        }
        Action::Close
        | Action::DeleteBack
        | Action::Insert(_)
        | Action::Decide
        | Action::Override
        | Action::Consensus
        | Action::OpenSession
        | Action::CloseSession
        | Action::ToggleBasis
        | Action::ToggleNormalised
        | Action::ToggleAgenda
        | Action::Outcome
        | Action::AddMember
        | Action::NextField
        | Action::PrevField
        | Action::NextOption
        | Action::PrevOption
        | Action::LettersView
        | Action::Generate
        | Action::GenerateAll
        | Action::MarkSent
        | Action::MarkAcknowledged
        | Action::ImportPacket
        | Action::ResolveMerge
        | Action::Minutes
        | Action::Coverage
        | Action::ValidateSession
        | Action::AssignmentView
        | Action::ToggleAssignment
        | Action::ProposeAssignment
        | Action::TimetableView
        | Action::SlotLeft
        | Action::SlotRight
        | Action::ProposeSchedule
        | Action::MoveSlot
        | Action::FixSlot
        | Action::RecordUnavailable
        | Action::ProduceConvocations
        | Action::RecordWithdrawal
        | Action::PromoteFromWaitlist => {}
    }
    effects
}

fn move_in_pane(s: &mut State, action: Action) {
    let page = s.page.max(1) as usize;
    match s.dossiers.focus {
        Pane::List => select(
            s,
            moved(s.dossiers.selected, s.dossiers.view.len(), s.page, action),
        ),
        Pane::Dossier => {
            s.dossiers.dossier_scroll = match action {
                Action::Down => s.dossiers.dossier_scroll.saturating_add(1),
                Action::Up => s.dossiers.dossier_scroll.saturating_sub(1),
                Action::PageDown => s.dossiers.dossier_scroll.saturating_add(page as u16),
                Action::PageUp => s.dossiers.dossier_scroll.saturating_sub(page as u16),
                Action::Top => 0,
                // The renderer clamps to the dossier's length.
                _ => u16::MAX,
            }
        }
        Pane::Grid => {
            let last = s.grid().criteria.len().saturating_sub(1);
            s.dossiers.criterion = match action {
                Action::Down | Action::PageDown => (s.dossiers.criterion + 1).min(last),
                Action::Up | Action::PageUp => s.dossiers.criterion.saturating_sub(1),
                Action::Top => 0,
                _ => last,
            };
        }
    }
}

fn select(s: &mut State, to: usize) {
    let to = to.min(s.dossiers.view.len().saturating_sub(1));
    if to != s.dossiers.selected {
        s.dossiers.selected = to;
        s.dossiers.dossier_scroll = 0;
        s.dossiers.criterion = 0;
        s.dossiers.pending_digit = None;
    }
}

fn next_to_score(s: &mut State) {
    let n = s.dossiers.view.len();
    for step in 1..=n {
        let at = (s.dossiers.selected + step) % n;
        let reference = &s.batch.entries[s.dossiers.view[at]].dossier.reference;
        if s.progress(reference) != Progress::Scored {
            select(s, at);
            let first_missing = {
                let e = s.evaluation(&s.batch.entries[s.dossiers.view[at]].dossier.reference);
                e.lines.iter().position(|l| l.score.is_none()).unwrap_or(0)
            };
            s.dossiers.criterion = first_missing;
            s.dossiers.focus = Pane::Grid;
            return;
        }
    }
    s.set_status(s.env.lang.tr(text::EVERY_DOSSIER_SHOWN_SCORED));
}

fn need_reviewer(s: &mut State) -> bool {
    if s.reviewer.is_none() {
        s.input.clear();
        members::ask_who(s);
        return true;
    }
    false
}

fn current_score(s: &State) -> Option<Score> {
    s.my_score(s.current_reference()?, &s.current_criterion()?.id)
        .cloned()
}

fn digit(s: &mut State, d: u8) -> Vec<Effect> {
    if s.dossiers.focus != Pane::Grid {
        s.dossiers.focus = Pane::Grid;
    }
    if need_reviewer(s) || s.current().is_none() || refused_in_conflict(s) || refused_unassigned(s)
    {
        return Vec::new();
    }
    let max = s.grid().scale.max;
    if let Some(p) = s.dossiers.pending_digit.take() {
        let v = (p as f64) * 10.0 + d as f64;
        if v <= max {
            return commit_score(s, v, true);
        }
        return out_of_scale(s, v);
    }
    let v = d as f64;
    // On a scale past 9, a digit that can start a larger score waits for a second one.
    if max >= 10.0 && d > 0 && v * 10.0 <= max {
        s.dossiers.pending_digit = Some(d);
        s.set_status(format!(
            "{d}… {}",
            s.env.lang.tr(text::SECOND_DIGIT_ENTER_CONFIRM)
        ));
        return Vec::new();
    }
    commit_score(s, v, true)
}

fn out_of_scale(s: &mut State, v: f64) -> Vec<Effect> {
    let msg = format!(
        "{} {} {} {}–{}",
        s.env.lang.tr(text::SCORE),
        s.env.lang.score(v),
        s.env.lang.tr(text::OUT_SCALE),
        s.env.lang.score(s.grid().scale.min),
        s.env.lang.score(s.grid().scale.max)
    );
    s.set_error(msg);
    Vec::new()
}

fn commit_score(s: &mut State, v: f64, advance: bool) -> Vec<Effect> {
    if jury_core::grid::check_score(s.grid(), v).is_err() {
        return out_of_scale(s, v);
    }
    let Some(effect) = set_score(s, Some(v), None) else {
        return Vec::new();
    };
    let reference = s.current_reference().unwrap_or_default().to_string();
    let eval = s.evaluation(&reference);
    let label = s
        .current_criterion()
        .map(|c| c.label.clone())
        .unwrap_or_default();
    let lang = s.env.lang;
    if eval.complete() {
        let total = eval.on_scale.unwrap_or(0.0);
        let on100 = eval.on_100.unwrap_or(0.0);
        s.set_status(format!(
            "{} {reference} {} {} / {} ({} / 100). {}",
            lang.tr(text::SAVED),
            lang.tr(text::SCORED),
            lang.num(total, 2),
            lang.score(s.grid().scale.max),
            lang.num(on100, 1),
            lang.tr(text::N_NEXT_DOSSIER_SCORE)
        ));
    } else {
        s.set_status(format!(
            "{} {} {} « {label} »",
            lang.tr(text::SAVED_2),
            lang.score(v),
            lang.tr(text::FOR),
        ));
    }
    // The next criterion, in order: predictable when rescoring too.
    if advance && s.dossiers.criterion + 1 < s.grid().criteria.len() {
        s.dossiers.criterion += 1;
    }
    vec![effect]
}

fn clear_score(s: &mut State) -> Vec<Effect> {
    if s.dossiers.focus != Pane::Grid
        || need_reviewer(s)
        || refused_in_conflict(s)
        || refused_unassigned(s)
    {
        return Vec::new();
    }
    match set_score(s, None, None) {
        Some(e) => {
            s.set_status(s.env.lang.tr(text::SCORE_CLEARED));
            vec![e]
        }
        None => Vec::new(),
    }
}

/// A member in conflict with the dossier may not score it.
fn refused_in_conflict(s: &mut State) -> bool {
    let (Some(me), Some(reference)) = (
        s.reviewer.clone(),
        s.current_reference().map(str::to_string),
    ) else {
        return false;
    };
    if s.dossiers.grid_target == GridTarget::Own && s.batch.committee.in_conflict(&reference, &me) {
        s.set_error(s.env.lang.tr(text::YOU_RECUSED_YOURSELF_FROM));
        return true;
    }
    false
}

/// A call that reserves scoring to rapporteurs (`unassigned_may_score:
/// false`), or the audition stage (the panel scores candidates who came):
/// the core says whether the active member may score this one.
fn refused_unassigned(s: &mut State) -> bool {
    let (Some(me), Some(reference)) = (
        s.reviewer.clone(),
        s.current_reference().map(str::to_string),
    ) else {
        return false;
    };
    if s.dossiers.grid_target != GridTarget::Own {
        return false;
    }
    // At the audition stage the panel scores, not the rapporteurs.
    if let (Some(_), Some(audition)) = (&s.batch.committee.finals, &s.batch.call.audition) {
        let absent = s.batch.committee.data.absent(&reference);
        return match audition.may_score(&me, absent) {
            Ok(()) => false,
            Err(e) => {
                s.set_error(e.message(s.env.lang));
                true
            }
        };
    }
    match jury_core::assign::may_score(&s.batch.call, &s.batch.committee.assigned, &reference, &me)
    {
        Ok(()) => false,
        Err(e) => {
            s.set_error(e.message(s.env.lang));
            true
        }
    }
}

/// Changes the active reviewer's score or comment in memory and returns the write.
fn set_score(s: &mut State, value: Option<f64>, comment: Option<String>) -> Option<Effect> {
    if s.dossiers.grid_target == GridTarget::Consensus {
        let reference = s.current_reference()?.to_string();
        // A member in conflict does not vote the dossier's consensus grid.
        if s.reviewer
            .as_deref()
            .is_some_and(|me| s.batch.committee.in_conflict(&reference, me))
        {
            s.set_error(jury_core::decision::DecisionError::InConflict.message(s.env.lang));
            return None;
        }
        let criterion = s.current_criterion()?.id.clone();
        if comment.is_some() {
            return None;
        }
        let key = (reference.clone(), criterion.clone());
        match value {
            Some(v) => s.batch.committee.consensus.insert(key, v),
            None => s.batch.committee.consensus.remove(&key),
        };
        return Some(Effect::Committee(Change::Consensus {
            reference,
            criterion,
            value,
        }));
    }
    let me = s.reviewer.clone()?;
    let reference = s.current_reference()?.to_string();
    let criterion = s.current_criterion()?.id.clone();
    let key = (reference.clone(), me.clone(), criterion.clone());
    let before = s.batch.scores.get(&key).cloned();
    let after = Score {
        value: if comment.is_some() {
            before.as_ref().and_then(|b| b.value)
        } else {
            value
        },
        comment: comment.unwrap_or_else(|| {
            before
                .as_ref()
                .map(|b| b.comment.clone())
                .unwrap_or_default()
        }),
    };
    if before.as_ref() == Some(&after) {
        return None;
    }
    if after.value.is_none() && after.comment.is_empty() {
        s.batch.scores.remove(&key);
    } else {
        s.batch.scores.insert(key, after.clone());
    }
    // Scored again: on the current version, seen as it is now.
    if after.value.is_some() {
        s.batch
            .stale
            .retain(|x| !(x.reference == reference && x.member == me));
    }
    Some(Effect::SaveScore {
        row: ScoreRow {
            reference,
            member: me,
            criterion,
            value: after.value,
            comment: after.comment,
        },
        before,
    })
}

fn open_attachment(s: &mut State) -> Vec<Effect> {
    let Some(e) = s.current() else {
        return Vec::new();
    };
    match e.dossier.attachments.len() {
        0 => {
            s.set_status(s.env.lang.tr(text::DOSSIER_HAS_NO_ATTACHMENT));
            Vec::new()
        }
        1 => open_nth(s, 0),
        _ => {
            s.mode = Mode::Attachments { selected: 0 };
            Vec::new()
        }
    }
}

fn open_nth(s: &mut State, n: usize) -> Vec<Effect> {
    let Some(a) = s
        .current()
        .and_then(|e| e.dossier.attachments.get(n))
        .cloned()
    else {
        return Vec::new();
    };
    let Some(dir) = s.env.call_dir.clone() else {
        s.set_error(s.env.lang.tr(text::CALL_FOLDER_UNKNOWN_ATTACHMENT));
        return Vec::new();
    };
    let path = dir.join(&a.path);
    s.set_status(format!("{} {}", s.env.lang.tr(text::OPENING), a.path));
    vec![Effect::Open(path)]
}

fn attachments(s: &mut State, selected: usize, action: Action) -> Vec<Effect> {
    let n = s
        .current()
        .map(|e| e.dossier.attachments.len())
        .unwrap_or(0);
    match action {
        Action::Close | Action::Cancel => s.mode = Mode::Normal,
        Action::Down => {
            s.mode = Mode::Attachments {
                selected: (selected + 1).min(n.saturating_sub(1)),
            }
        }
        Action::Up => {
            s.mode = Mode::Attachments {
                selected: selected.saturating_sub(1),
            }
        }
        Action::Confirm => {
            s.mode = Mode::Normal;
            return open_nth(s, selected);
        }
        _ => {}
    }
    Vec::new()
}

fn filter(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Insert(c) => {
            s.dossiers.filter.push(c);
            s.search_changed();
            s.dossiers.selected = 0;
        }
        Action::DeleteBack => {
            s.dossiers.filter.pop();
            s.search_changed();
        }
        Action::Confirm => s.mode = Mode::Normal,
        Action::Cancel => {
            s.dossiers.filter.clear();
            s.search_changed();
            s.mode = Mode::Normal;
        }
        _ => {}
    }
    Vec::new()
}

fn comment(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Insert(c) => s.input.push(c),
        Action::DeleteBack => {
            s.input.pop();
        }
        Action::Cancel => {
            s.input.clear();
            s.mode = Mode::Normal;
        }
        Action::Confirm => {
            s.mode = Mode::Normal;
            let text = std::mem::take(&mut s.input).trim().to_string();
            if let Some(e) = set_score(s, None, Some(text)) {
                s.set_status(s.env.lang.tr(text::COMMENT_SAVED));
                return vec![e];
            }
        }
        _ => {}
    }
    Vec::new()
}

/// This module's interface texts, in both languages.
mod text {
    use jury_core::fr::Tr;

    pub const SORTED: Tr = Tr::new("Tri par", "Sorted by");
    pub const FILTER: Tr = Tr::new("Filtre :", "Filter:");
    pub const EVERY_DOSSIER_SHOWN_SCORED: Tr = Tr::new(
        "Tous les dossiers affichés sont notés.",
        "Every dossier shown is scored.",
    );
    pub const SECOND_DIGIT_ENTER_CONFIRM: Tr = Tr::new(
        "second chiffre, ou Entrée pour valider",
        "second digit, or Enter to confirm",
    );
    pub const SCORE: Tr = Tr::new("Note", "Score");
    pub const OUT_SCALE: Tr = Tr::new("hors barème :", "out of scale:");
    pub const SAVED: Tr = Tr::new("Enregistré.", "Saved.");
    pub const SCORED: Tr = Tr::new("noté :", "scored:");
    pub const N_NEXT_DOSSIER_SCORE: Tr =
        Tr::new("N : prochain dossier à noter.", "N: next dossier to score.");
    pub const SAVED_2: Tr = Tr::new("Enregistré :", "Saved:");
    pub const FOR: Tr = Tr::new("pour", "for");
    pub const SCORE_CLEARED: Tr = Tr::new("Note effacée.", "Score cleared.");
    pub const YOU_RECUSED_YOURSELF_FROM: Tr = Tr::new(
        "Vous vous êtes déporté·e sur ce dossier (conflit d'intérêts) : vous ne pouvez pas le noter.",
        "You recused yourself from this dossier (conflict of interest): you cannot score it.",
    );
    pub const DOSSIER_HAS_NO_ATTACHMENT: Tr = Tr::new(
        "Ce dossier n'a pas de pièce jointe.",
        "This dossier has no attachment.",
    );
    pub const CALL_FOLDER_UNKNOWN_ATTACHMENT: Tr = Tr::new(
        "Dossier de l'appel inconnu : pièce jointe introuvable.",
        "Call folder unknown: attachment not found.",
    );
    pub const OPENING: Tr = Tr::new("Ouverture de", "Opening");
    pub const COMMENT_SAVED: Tr = Tr::new("Commentaire enregistré.", "Comment saved.");
}
