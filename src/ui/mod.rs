//! Drawing. Reads the state, never changes it, never touches the database.
//!
//! `render` lays out the header, the current screen, the status line and the
//! hint bar, then draws whichever pop-up is open on top. One file per thing
//! drawn: `list`, `dossier` and `grid` make the dossiers screen; `committee`,
//! `assignment`, `letters` and `timetable` are screens of their own; `help`
//! holds the hint bar and the help screen, `popups` every other pop-up;
//! `theme` and `wrap` are shared.

mod assignment;
mod committee;
mod coverage;
mod dossier;
mod grid;
mod help;
mod letters;
mod list;
mod popups;
mod punct;
mod theme;
mod timetable;
mod wrap;

use crate::app::state::{FrameInfo, Mode, State};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use theme::Theme;
use unicode_width::UnicodeWidthStr;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// From this width the grid gets its own column.
pub const WIDE: u16 = 120;

pub fn render(f: &mut Frame, s: &State) -> FrameInfo {
    let area = f.area();
    let theme = Theme::new(s.env.color);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(f, s, area);
        return FrameInfo {
            too_small: true,
            ..FrameInfo::default()
        };
    }
    // A long message (the chair key to compare, the retention notice) wraps
    // over up to three lines rather than losing its end.
    let status_rows = status_paragraph(s, &theme)
        .line_count(area.width)
        .clamp(1, 3) as u16;
    let [header, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(status_rows),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(f, s, &theme, header);
    if s.screen != crate::app::state::Screen::Dossiers {
        match s.screen {
            crate::app::state::Screen::Committee => committee::render(f, s, &theme, body),
            crate::app::state::Screen::Assignment => assignment::render(f, s, &theme, body),
            crate::app::state::Screen::Timetable => timetable::render(f, s, &theme, body),
            _ => letters::render(f, s, &theme, body),
        }
        render_status(f, s, &theme, status);
        help::hints(f, s, &theme, hints);
        render_popups(f, s, &theme);
        return FrameInfo {
            page: body.height.saturating_sub(4).max(1),
            dossier_max_scroll: s.dossiers.dossier_scroll,
            list_rows: 0,
            too_small: false,
        };
    }
    // Wide terminals get three columns; narrower ones keep the list and the
    // dossier side by side and put the grid in a strip below, one criterion a row.
    let (max_scroll, list_rows) = if area.width >= WIDE {
        let [list, dossier, grid] = Layout::horizontal([
            Constraint::Percentage(38),
            Constraint::Percentage(35),
            Constraint::Percentage(27),
        ])
        .areas(body);
        list::render(f, s, &theme, list);
        grid::render(f, s, &theme, grid);
        (
            dossier::render(f, s, &theme, dossier),
            list.height.saturating_sub(3),
        )
    } else {
        let rows = s.grid().criteria.len() as u16 + 3;
        let [top, grid] = Layout::vertical([
            Constraint::Min(6),
            Constraint::Length(rows.min(body.height / 2)),
        ])
        .areas(body);
        let [list, dossier] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
        list::render(f, s, &theme, list);
        grid::strip(f, s, &theme, grid);
        (
            dossier::render(f, s, &theme, dossier),
            list.height.saturating_sub(3),
        )
    };
    render_status(f, s, &theme, status);
    help::hints(f, s, &theme, hints);
    render_popups(f, s, &theme);
    FrameInfo {
        page: body.height.saturating_sub(3).max(1),
        dossier_max_scroll: max_scroll,
        list_rows,
        too_small: false,
    }
}

fn render_popups(f: &mut Frame, s: &State, theme: &Theme) {
    match &s.mode {
        Mode::Form(form) => popups::form(f, s, theme, form),
        Mode::History {
            reference,
            lines,
            scroll,
        } => popups::history(f, s, theme, reference, lines, *scroll),
        Mode::Help { scroll } => help::render(f, s, theme, *scroll),
        Mode::Report { scroll } => popups::report(f, s, theme, *scroll),
        Mode::Coverage { scroll } => coverage::render(f, s, theme, *scroll),
        Mode::AskReviewer => popups::ask_reviewer(f, s, theme),
        Mode::Comment => popups::comment(f, s, theme),
        Mode::Attachments { selected } => popups::attachments(f, s, theme, *selected),
        Mode::Normal | Mode::Filter => {}
    }
}

fn too_small(f: &mut Frame, s: &State, area: Rect) {
    let lang = s.env.lang;
    let lines = vec![
        Line::from(lang.tr(text::TOO_SMALL)).style(Style::new().add_modifier(Modifier::BOLD)),
        Line::from(format!(
            "{} {}×{}",
            lang.tr(text::CURRENT_SIZE),
            area.width,
            area.height
        )),
        Line::from(format!(
            "{} {MIN_WIDTH}×{MIN_HEIGHT}.",
            lang.tr(text::ENLARGE_TO),
        )),
        Line::from(lang.tr(text::SCORES_SAVED)),
    ];
    let h = (lines.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    let p = Paragraph::new(lines).centered().wrap(Wrap { trim: true });
    f.render_widget(p, Rect::new(area.x, y, area.width, h));
}

fn render_header(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.env.lang;
    let who = match &s.reviewer {
        Some(r) => Span::styled(format!(" {} {r} ", lang.tr(text::REVIEWER)), t.title()),
        None => Span::styled(format!(" {} ", lang.tr(text::NO_REVIEWER)), t.warn()),
    };
    let candidates = s.dossiers.counts.candidates;
    // A call with auditions always says which stage the screens show.
    let (stage, shown, of_what) = match (&s.batch.committee.finals, s.batch.call.audition.is_some())
    {
        (Some(f), _) => (
            Span::styled(
                format!(" {} ", jury_core::stage::Stage::Audition.label(lang)),
                t.warn().add_modifier(Modifier::REVERSED),
            ),
            f.convened.len(),
            lang.tr(text::CONVENED),
        ),
        (None, true) => (
            Span::styled(
                format!(" {} ", jury_core::stage::Stage::Dossier.label(lang)),
                t.dim().add_modifier(Modifier::REVERSED),
            ),
            candidates,
            lang.tr(text::DOSSIERS),
        ),
        (None, false) => (Span::raw(""), candidates, lang.tr(text::DOSSIERS)),
    };
    // A call with lots always says which lot the screens show.
    let lot = match s.lot() {
        Some(l) => Span::styled(
            format!(" {} ", l.label),
            t.title().add_modifier(Modifier::REVERSED),
        ),
        None => Span::raw(""),
    };
    let counts = format!(
        " {shown} {of_what} · {} {} ",
        lang.tr(text::SCORED),
        s.dossiers.counts.scored,
    );
    // Past the call's retention period the header says so for as long as
    // Jury runs (the start's status line says it in full): nothing blocks.
    let retention = match s.retention_notice() {
        Some(_) => Span::styled(format!(" {} ", lang.tr(text::RETENTION_OVER)), t.error()),
        None => Span::raw(""),
    };
    // Who is scoring is never cut: the counts go first, then the call's
    // title is shortened with « … ».
    let width = area.width as usize;
    let fixed = 6 + retention.width() + lot.width() + stage.width() + 1 + 2 + who.width();
    let counts = if fixed + counts.width() + 8 <= width {
        counts
    } else {
        String::new()
    };
    let room = width.saturating_sub(fixed + counts.width());
    let line = Line::from(vec![
        Span::styled(" Jury ", t.title().add_modifier(Modifier::REVERSED)),
        retention,
        lot,
        stage,
        Span::raw(" "),
        Span::styled(
            shortened(&s.batch.call.title, room),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw("  "),
        who,
        Span::styled(counts, t.dim()),
    ]);
    f.render_widget(Paragraph::new(line), area);
}

/// `text` in at most `width` columns, ending with « … » when cut.
fn shortened(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if out.width() + c.to_string().width() + 1 > width {
            break;
        }
        out.push(c);
    }
    let mut out = out.trim_end().to_string();
    out.push('…');
    out
}

fn render_status(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    f.render_widget(status_paragraph(s, t), area);
}

fn status_paragraph(s: &State, t: &Theme) -> Paragraph<'static> {
    let line = match &s.status {
        Some(st) => Line::from(Span::styled(
            st.text.clone(),
            if st.error { t.error() } else { t.ok() },
        )),
        None => Line::from(Span::styled(
            format!("{} {}", s.env.lang.tr(text::DATABASE), s.env.db_path),
            t.dim(),
        )),
    };
    Paragraph::new(line).wrap(Wrap { trim: true })
}

/// Texts of the header, the status line and the too-small notice, French
/// then English.
mod text {
    use jury_core::fr::Tr;
    pub const CONVENED: Tr = Tr::new("convoqué·e·s", "invited");

    pub const TOO_SMALL: Tr = Tr::new("Terminal trop petit", "Terminal too small");
    pub const CURRENT_SIZE: Tr = Tr::new("Taille actuelle :", "Current size:");
    pub const ENLARGE_TO: Tr = Tr::new(
        "Agrandissez la fenêtre à au moins",
        "Enlarge the window to at least",
    );
    pub const SCORES_SAVED: Tr = Tr::new("Vos notes sont enregistrées.", "Your scores are saved.");
    pub const REVIEWER: Tr = Tr::new("Évaluateur :", "Reviewer:");
    pub const NO_REVIEWER: Tr = Tr::new(
        "Évaluateur : (aucun — lecture seule)",
        "Reviewer: (none — read only)",
    );
    pub const DOSSIERS: Tr = Tr::new("dossiers", "dossiers");
    pub const SCORED: Tr = Tr::new("notés :", "scored:");
    pub const DATABASE: Tr = Tr::new("Base :", "Database:");
    pub const RETENTION_OVER: Tr = Tr::new(
        "⚠ Durée de conservation dépassée",
        "⚠ Retention period over",
    );
}
