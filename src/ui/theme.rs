//! The look shared by every screen: colours (or none), and the frames and
//! marks that mean the same thing wherever they appear.

use super::wrap::wrapped;
use crate::app::state::State;
use jury_core::eligibility::Verdict;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType};

pub(super) struct Theme {
    color: bool,
}

impl Theme {
    /// `color` off draws with attributes only (bold, reverse, dim).
    pub(super) fn new(color: bool) -> Theme {
        Theme { color }
    }
    pub(super) fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }
    pub(super) fn selected(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
    pub(super) fn matched(&self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub(super) fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub(super) fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub(super) fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    pub(super) fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }
    pub(super) fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub(super) fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.dim()
        }
    }
}

pub(super) fn pane_block<'a>(title: String, focused: bool, t: &Theme) -> Block<'a> {
    Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(t.border(focused))
        .title(Line::from(format!(" {title} ")).style(if focused {
            t.title()
        } else {
            Style::new()
        }))
}

pub(super) fn verdict_mark(s: &State, i: usize, t: &Theme) -> Span<'static> {
    match s.verdict(i) {
        Verdict::Eligible => Span::styled("✓", t.ok()),
        Verdict::Unknown => Span::styled("?", t.warn()),
        Verdict::Ineligible => Span::styled("✗", t.error()),
    }
}

/// The verdict of entry `i` in words, bold, in the colour of its mark: the
/// chair's override when there is one, followed by its justification and
/// who gave it, so that no screen shows the rules' result alone.
pub(super) fn verdict_lines(
    out: &mut Vec<Line<'static>>,
    s: &State,
    i: usize,
    t: &Theme,
    width: usize,
) {
    let lang = s.env.lang;
    let (words, style) = match s.verdict(i) {
        Verdict::Eligible => (lang.tr(text::ELIGIBLE), t.ok()),
        Verdict::Unknown => (lang.tr(text::ELIGIBILITY_TO_CHECK), t.warn()),
        Verdict::Ineligible => (lang.tr(text::INELIGIBLE), t.error()),
    };
    out.push(Line::from(Span::styled(
        words,
        style.add_modifier(Modifier::BOLD),
    )));
    let reference = &s.batch.entries[i].dossier.reference;
    if let Some(o) = s.batch.committee.overrides.get(reference) {
        wrapped(
            out,
            Span::styled(format!("{} ", lang.tr(text::OVERRIDE)), t.warn()),
            &format!("{} — {}", o.justification, o.by),
            t.dim(),
            width,
            2,
        );
    }
}

/// Texts every screen shares, French then English.
mod text {
    use jury_core::fr::Tr;

    pub const ELIGIBLE: Tr = Tr::new("Recevable", "Eligible");
    pub const ELIGIBILITY_TO_CHECK: Tr = Tr::new("Recevabilité à vérifier", "Eligibility to check");
    pub const INELIGIBLE: Tr = Tr::new("Irrecevable", "Ineligible");
    pub const OVERRIDE: Tr = Tr::new("Dérogation :", "Override:");
}
