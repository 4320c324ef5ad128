//! What the keys do, generated from the live keymap: the hint bar and the
//! help screen.

use super::popups::popup_area;
use super::theme::Theme;
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::state::{Mode, Pane, State};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

/// Key hints for the current context, from the live keymap.
pub(super) fn hints(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let ctx = s.contexts();
    let committee = s.screen == crate::app::state::Screen::Committee;
    let letters = s.screen == crate::app::state::Screen::Letters;
    let assignment = s.screen == crate::app::state::Screen::Assignment;
    let timetable = s.screen == crate::app::state::Screen::Timetable;
    let actions: &[Action] = match (&s.mode, s.dossiers.focus) {
        (Mode::Normal, _) if timetable => &[
            Action::ProposeSchedule,
            Action::MoveSlot,
            Action::FixSlot,
            Action::RecordUnavailable,
            Action::TimetableView,
            Action::Help,
        ],
        (Mode::Normal, _) if assignment => &[
            Action::ToggleAssignment,
            Action::ProposeAssignment,
            Action::NextOption,
            Action::AssignmentView,
            Action::Help,
        ],
        (Mode::Normal, _) if letters => &[
            Action::Generate,
            Action::GenerateAll,
            Action::MarkSent,
            Action::MarkAcknowledged,
            Action::Minutes,
            Action::LettersView,
            Action::Help,
        ],
        (Mode::Normal, _) if committee => &[
            Action::Decide,
            Action::OpenSession,
            Action::CloseSession,
            Action::Override,
            Action::Consensus,
            Action::ToggleAgenda,
            Action::History,
            Action::Undo,
            Action::SwitchView,
            Action::Help,
        ],
        (Mode::Form(_), _) => &[
            Action::NextField,
            Action::NextOption,
            Action::Confirm,
            Action::Cancel,
        ],
        (Mode::Normal, Pane::List) => &[
            Action::Filter,
            Action::SortNext,
            Action::FocusGrid,
            Action::NextToScore,
            Action::FocusNext,
            Action::Help,
            Action::Quit,
        ],
        (Mode::Normal, Pane::Dossier) => &[
            Action::Down,
            Action::PageDown,
            Action::OpenAttachment,
            Action::FocusNext,
            Action::Help,
            Action::Quit,
        ],
        (Mode::Normal, Pane::Grid) => &[
            Action::Down,
            Action::Comment,
            Action::ClearScore,
            Action::NextDossier,
            Action::NextToScore,
            Action::Help,
            Action::Quit,
        ],
        (Mode::Filter | Mode::Comment | Mode::AskReviewer, _) => {
            &[Action::Confirm, Action::Cancel, Action::DeleteBack]
        }
        _ => &[Action::Down, Action::Up, Action::Confirm, Action::Close],
    };
    let mut spans = Vec::new();
    let dossiers = s.screen == crate::app::state::Screen::Dossiers;
    if s.mode == Mode::Normal && s.dossiers.focus == Pane::Grid && dossiers {
        let lo = s.grid().scale.min.max(0.0) as u8;
        let hi = s.grid().scale.max.min(9.0) as u8;
        // Prefer the digit itself to its AZERTY twin in the hint.
        let key = |n: u8| {
            let keys = s.env.keymap.keys_for(Context::Grid, Action::Score(n));
            keys.iter()
                .find(
                    |k| matches!(k.code, crate::app::keymap::KeyCodeOrd::Char(c) if c.is_ascii_digit()),
                )
                .or(keys.first())
                .copied()
        };
        if let (Some(a), Some(b)) = (key(lo), key(hi)) {
            spans.push(Span::styled(
                format!(" {}–{} ", a.label(s.env.lang), b.label(s.env.lang)),
                t.selected(),
            ));
            spans.push(Span::raw(format!(" {}  ", s.env.lang.tr(text::SCORE))));
        }
    }
    let lang = s.env.lang;
    // The dossier pane offers the secretary's own actions too.
    let extra: &[Action] = if s.mode == Mode::Normal
        && s.dossiers.focus == Pane::Dossier
        && dossiers
        && s.may_decide()
    {
        &[Action::EditDossier, Action::RequestPieces]
    } else {
        &[]
    };
    let hints: Vec<(Action, String, String)> = actions
        .iter()
        .chain(extra)
        .filter_map(|a| {
            let k = s.env.keymap.first_key(&ctx, *a)?;
            let desc = if *a == Action::FocusGrid && s.dossiers.focus == Pane::List {
                lang.tr(text::SCORE).to_string()
            } else {
                short(&a.describe(lang)).to_string()
            };
            Some((*a, k.label(lang), desc))
        })
        .collect();
    // What fits, in the order given; help and quit always, so what is left
    // out is one key away (`?` lists every key of the live keymap).
    let cost = |k: &str, d: &str| k.width() + 2 + 1 + d.width() + 2;
    let kept = |a: Action| matches!(a, Action::Help | Action::Quit);
    let mut room = (area.width as usize).saturating_sub(spans.iter().map(|x| x.width()).sum());
    for (a, k, d) in &hints {
        if kept(*a) {
            room = room.saturating_sub(cost(k, d));
        }
    }
    for (a, k, d) in &hints {
        let fits = cost(k, d) <= room;
        if kept(*a) || fits {
            if !kept(*a) {
                room -= cost(k, d);
            }
            spans.push(Span::styled(format!(" {k} "), t.selected()));
            spans.push(Span::raw(format!(" {d}  ")));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// An action's description as a hint: without its parenthesis or its list
/// (« Clore la séance (fige les décisions) » → « Clore la séance »).
fn short(desc: &str) -> &str {
    let end = [" (", " : "]
        .iter()
        .filter_map(|sep| desc.find(sep))
        .min()
        .unwrap_or(desc.len());
    &desc[..end]
}

pub(super) fn render(f: &mut Frame, s: &State, t: &Theme, scroll: u16) {
    let lang = s.env.lang;
    let area = popup_area(f.area(), 80, 85);
    let mut lines: Vec<Line> = Vec::new();
    let mut last_ctx = None;
    for (ctx, action, keys) in s.env.keymap.entries() {
        if last_ctx != Some(ctx) {
            if last_ctx.is_some() {
                lines.push(Line::from(""));
            }
            lines.push(Line::from(Span::styled(
                ctx.title(lang).to_string(),
                t.title(),
            )));
            last_ctx = Some(ctx);
        }
        let keys: Vec<String> = keys.iter().map(|k| k.label(lang)).collect();
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {:<18}", keys.join(", ")),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::raw(action.describe(lang)),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        lang.tr(text::LEGEND).to_string(),
        t.title(),
    )));
    lines.push(Line::from(lang.tr(text::LEGEND_MARKS)));
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .title(Line::from(format!(" {} ", lang.tr(text::TITLE))).style(t.title()));
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(lines).scroll((scroll, 0)).block(block), area);
}

/// Texts of the hint bar and the help screen, French then English.
mod text {
    use jury_core::fr::Tr;

    pub const SCORE: Tr = Tr::new("Noter", "Score");
    pub const LEGEND: Tr = Tr::new("Légende", "Legend");
    pub const LEGEND_MARKS: Tr = Tr::new(
        "  ✓ recevable  ✗ irrecevable  ? à vérifier   ○ à noter  ◐ en cours  ● noté   grisé : hors délai",
        "  ✓ eligible  ✗ ineligible  ? to check   ○ to score  ◐ partial  ● scored   dimmed: late",
    );
    pub const TITLE: Tr = Tr::new(
        "Aide — raccourcis du keymap chargé",
        "Help — keys of the loaded keymap",
    );
}
