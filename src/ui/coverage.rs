//! The priority territories and what the committee's decisions give each:
//! a line in the committee view's banner, and the table (`T`), with bars
//! where the terminal is wide enough.

use super::popups::popup_area;
use super::theme::Theme;
use crate::app::state::State;
use ratatui::Frame;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

/// « Territoires : 5 / 7 couverts · sans personne : X, Y (T) »; None for a
/// call without priority territories or before any decision.
pub(super) fn summary(s: &State) -> Option<(String, bool)> {
    if s.batch.committee.decisions.is_empty() {
        return None;
    }
    let rows = &s.committee_view.coverage;
    if rows.is_empty() {
        return None;
    }
    let lang = s.env.lang;
    let uncovered: Vec<&str> = rows
        .iter()
        .filter(|r| r.uncovered())
        .map(|r| r.territory.as_str())
        .collect();
    let covered = rows.len() - uncovered.len();
    let mut text = format!(
        "{} {covered} / {} {}",
        lang.tr(text::TERRITORIES),
        rows.len(),
        lang.tr(text::COVERED)
    );
    // Names while they fit in the banner; past two, how many (T lists them).
    match uncovered.len() {
        0 => {}
        1 | 2 => text.push_str(&format!(
            " · {} {}",
            lang.tr(text::NOBODY_IN),
            uncovered.join(", ")
        )),
        n => text.push_str(&format!(
            " · {} {n} {}",
            lang.tr(text::NOBODY_IN),
            lang.tr(text::TERRITORIES_WORD)
        )),
    }
    text.push_str(" (T)");
    Some((text, !uncovered.is_empty()))
}

pub(super) fn render(f: &mut Frame, s: &State, t: &Theme, scroll: u16) {
    let lang = s.env.lang;
    let area = popup_area(f.area(), 90, 80);
    let rows = &s.committee_view.coverage;
    let width = area.width.saturating_sub(2) as usize;
    let name_width = rows
        .iter()
        .map(|r| r.territory.width())
        .max()
        .unwrap_or(10)
        .min(width / 2);
    let convening = rows.iter().any(|r| !r.convened.is_empty());
    let mut header = format!(
        "  {:<name_width$}  {:>7}  {:>8}",
        lang.tr(text::TERRITORY),
        lang.tr(text::ACCEPTED),
        lang.tr(text::WAITLIST)
    );
    if convening {
        header.push_str(&format!("  {:>9}", lang.tr(text::CONVENED)));
    }
    let mut out = vec![
        Line::from(lang.tr(text::INTRO)).style(t.dim()),
        Line::from(""),
        Line::from(header).style(t.dim().add_modifier(Modifier::BOLD)),
    ];
    // Bars only where they fit beside the figures: one block per dossier,
    // full for accepted, light for waitlisted.
    let fixed = 2 + name_width + 2 + 7 + 2 + 8 + if convening { 11 } else { 0 } + 2;
    let bars = width >= fixed + 10;
    for r in rows {
        let mark = if r.uncovered() { "⚠ " } else { "  " };
        let mut cells = format!(
            "{:<name_width$}  {:>7}  {:>8}",
            shortened(&r.territory, name_width),
            r.accepted.len(),
            r.waitlisted.len()
        );
        if convening {
            cells.push_str(&format!("  {:>9}", r.convened.len()));
        }
        let mut spans = vec![
            Span::styled(mark, t.error()),
            if r.uncovered() {
                Span::styled(cells, t.error())
            } else {
                Span::raw(cells)
            },
        ];
        if bars && !r.uncovered() {
            let room = width - fixed;
            let full = "█".repeat(r.accepted.len().min(room));
            let light = "░".repeat(r.waitlisted.len().min(room - full.chars().count()));
            spans.push(Span::raw("  "));
            spans.push(Span::styled(full, t.ok()));
            spans.push(Span::styled(light, t.warn()));
        }
        if r.uncovered() {
            spans.push(Span::styled(
                format!("  {}", lang.tr(text::NONE)),
                t.error(),
            ));
        }
        out.push(Line::from(spans));
    }
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .title(Line::from(format!(" {} ", lang.tr(text::TITLE))).style(t.title()))
        .title_bottom(Line::from(lang.tr(text::ESC_CLOSE)).style(t.dim()));
    f.render_widget(Clear, area);
    // The intro wraps on a narrow terminal; the rows are made to fit.
    f.render_widget(
        Paragraph::new(out)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(block),
        area,
    );
}

/// `text` in at most `width` columns, ending with « … » when cut.
fn shortened(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out: String = String::new();
    for c in text.chars() {
        if out.width() + 2 > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

mod text {
    use jury_core::fr::Tr;
    pub const TITLE: Tr = Tr::new(
        "Couverture des territoires prioritaires",
        "Priority territories covered",
    );
    pub const INTRO: Tr = Tr::new(
        "Dossiers de chaque territoire prioritaire de l'appel, selon leur décision actuelle.",
        "Each of the call's priority territories, by the current decision of its dossiers.",
    );
    pub const TERRITORY: Tr = Tr::new("Territoire", "Territory");
    pub const ACCEPTED: Tr = Tr::new("Retenus", "Accepted");
    pub const WAITLIST: Tr = Tr::new("Liste c.", "Waitlist");
    pub const CONVENED: Tr = Tr::new("Convoqués", "Invited");
    pub const NONE: Tr = Tr::new("aucun dossier retenu", "no dossier accepted");
    pub const TERRITORIES: Tr = Tr::new("Territoires :", "Territories:");
    pub const COVERED: Tr = Tr::new("couverts", "covered");
    pub const TERRITORIES_WORD: Tr = Tr::new("territoires", "territories");
    pub const NOBODY_IN: Tr = Tr::new("sans personne :", "nobody in:");
    pub const ESC_CLOSE: Tr = Tr::new(" Échap : fermer ", " Esc: close ");
}
