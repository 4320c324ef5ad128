//! The assignment screen: dossiers as rows, the members who score as
//! columns (initials, full names in the legend), each cell saying whether
//! the member reads the dossier; each member's load at the bottom.

use super::committee::initials;
use super::theme::{Theme, pane_block};
use crate::app::state::{Cell as Mark, State};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

pub(super) fn render(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.env.lang;
    let members = s.scorers();
    let legend: Vec<String> = members
        .iter()
        .map(|m| format!("{} {m}", initials(m)))
        .collect();
    let legend = Paragraph::new(Line::from(Span::styled(
        format!(" {}", legend.join(" · ")),
        t.dim(),
    )))
    .wrap(Wrap { trim: true });
    let legend_rows = legend.line_count(area.width).clamp(1, 3) as u16;
    let [banner, names, body, loads] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(legend_rows),
        Constraint::Min(5),
        Constraint::Length(2),
    ])
    .areas(area);
    let k = match s.batch.call.reviewers_per_dossier {
        Some(k) => format!("{k} {}", lang.tr(text::SET_BY_CALL)),
        None => lang.tr(text::CHOSEN_WHEN_PROPOSING).to_string(),
    };
    let banner_line = Line::from(vec![
        Span::styled(
            format!(" {} ", lang.tr(text::TITLE)),
            t.title().add_modifier(Modifier::REVERSED),
        ),
        Span::raw(format!(
            " {} {k} · {} {}",
            lang.tr(text::PER_DOSSIER),
            s.batch.committee.assigned.len(),
            lang.tr(text::ASSIGNMENTS),
        )),
        Span::styled(format!("  {}", lang.tr(text::MARKS)), t.dim()),
    ]);
    f.render_widget(Paragraph::new(banner_line), banner);
    f.render_widget(legend, names);
    render_grid(f, s, t, &members, body);
    render_loads(f, s, t, &members, loads);
}

fn mark(m: Mark) -> &'static str {
    match m {
        Mark::Assigned => "●",
        Mark::AssignedScored => "✓",
        Mark::ScoredOnly => "○",
        Mark::Conflict => "✗",
        Mark::Empty => "",
    }
}

fn render_grid(f: &mut Frame, s: &State, t: &Theme, members: &[String], area: Rect) {
    let lang = s.env.lang;
    let rows_order = s.assignment_rows();
    let at = rows_order
        .iter()
        .position(|i| *i == s.assignment_view.row)
        .unwrap_or(0);
    let shown = (area.height.saturating_sub(3) as usize).max(1);
    let offset = (at + 1).saturating_sub(shown);
    let window = &rows_order[offset.min(rows_order.len())..(offset + shown).min(rows_order.len())];
    let mut header = vec![
        Cell::from(lang.tr(text::COL_REF)),
        Cell::from(lang.tr(text::COL_STRUCTURE)),
    ];
    header.extend(
        members
            .iter()
            .map(|m| Cell::from(Line::from(initials(m)).centered())),
    );
    header.push(Cell::from(
        Line::from(lang.tr(text::COL_COUNT)).right_aligned(),
    ));
    let rows: Vec<Row> = window
        .iter()
        .map(|i| {
            let e = &s.batch.entries[*i];
            let reference = &e.dossier.reference;
            let mut cells = vec![
                Cell::from(reference.clone()),
                Cell::from(e.dossier.structure.clone()),
            ];
            for (c, m) in members.iter().enumerate() {
                let shown = mark(s.assignment_cell(reference, m));
                let style = match s.assignment_cell(reference, m) {
                    Mark::Conflict => t.error(),
                    Mark::ScoredOnly => t.dim(),
                    Mark::AssignedScored => t.ok(),
                    _ => ratatui::style::Style::new(),
                };
                let here = *i == s.assignment_view.row && c == s.assignment_view.column;
                let style = if here {
                    style.add_modifier(Modifier::REVERSED | Modifier::UNDERLINED)
                } else {
                    style
                };
                // The cursor shows even on an empty cell.
                let text = if here && shown.is_empty() {
                    "·"
                } else {
                    shown
                };
                cells.push(Cell::from(Line::from(Span::styled(text, style)).centered()));
            }
            let count = s.batch.committee.rapporteurs(reference).len();
            cells.push(Cell::from(Line::from(count.to_string()).right_aligned()));
            Row::new(cells)
        })
        .collect();
    // Made once per change of the committee, not by every frame.
    let mut widths = vec![
        Constraint::Length(s.committee_view.ref_width),
        Constraint::Fill(1),
    ];
    widths.extend(members.iter().map(|_| Constraint::Length(4)));
    widths.push(Constraint::Length(3));
    let title = format!(
        "{} ({}) · {}",
        lang.tr(text::DOSSIERS),
        rows_order.len(),
        members
            .get(s.assignment_view.column)
            .map(String::as_str)
            .unwrap_or("")
    );
    let mut state = TableState::default()
        .with_selected((!rows_order.is_empty()).then_some(at.saturating_sub(offset)));
    f.render_stateful_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(t.dim().add_modifier(Modifier::BOLD)))
            .column_spacing(1)
            .row_highlight_style(ratatui::style::Style::new().add_modifier(Modifier::BOLD))
            .block(pane_block(title, true, t)),
        area,
        &mut state,
    );
}

fn render_loads(f: &mut Frame, s: &State, t: &Theme, members: &[String], area: Rect) {
    let lang = s.env.lang;
    let loads: Vec<String> = members
        .iter()
        .map(|m| format!("{} {}", initials(m), s.batch.committee.load(m)))
        .collect();
    let mut cap = match s.batch.call.reviewer_cap {
        Some(c) => format!(" · {} {c}", lang.tr(text::CAP)),
        None => String::new(),
    };
    if let Some(k) = s.batch.call.reviewers_per_dossier {
        cap.push_str(&format!(" · k = {k}"));
    }
    let line = Line::from(vec![
        Span::styled(format!(" {} ", lang.tr(text::LOAD)), t.title()),
        Span::raw(format!("{}{cap}", loads.join(" · "))),
    ]);
    f.render_widget(Paragraph::new(line).wrap(Wrap { trim: true }), area);
}

mod text {
    use jury_core::fr::Tr;

    pub const TITLE: Tr = Tr::new("Rapporteur·e·s", "Rapporteurs");
    pub const PER_DOSSIER: Tr = Tr::new("par dossier :", "per dossier:");
    pub const SET_BY_CALL: Tr = Tr::new("(fixé par l'appel)", "(set by the call)");
    pub const CHOSEN_WHEN_PROPOSING: Tr =
        Tr::new("à choisir en proposant (p)", "chosen when proposing (p)");
    pub const ASSIGNMENTS: Tr = Tr::new("attributions", "assignments");
    pub const MARKS: Tr = Tr::new(
        "● attribué · ✓ attribué et noté · ○ noté sans attribution · ✗ conflit d'intérêts",
        "● assigned · ✓ assigned and scored · ○ scored, not assigned · ✗ conflict of interest",
    );
    pub const COL_REF: Tr = Tr::new("Réf.", "Ref.");
    pub const COL_STRUCTURE: Tr = Tr::new("Structure", "Structure");
    pub const COL_COUNT: Tr = Tr::new("Nb", "No.");
    pub const DOSSIERS: Tr = Tr::new("Dossiers", "Dossiers");
    pub const LOAD: Tr = Tr::new("Charge :", "Load:");
    pub const CAP: Tr = Tr::new("plafond", "cap");
}
