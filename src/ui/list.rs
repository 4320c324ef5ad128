//! The dossier list: verdict, reference, structure, town, total, progress.

use super::theme::{Theme, pane_block, verdict_mark};
use crate::app::state::{F_CITY, F_REFERENCE, F_STRUCTURE, Mode, Pane, Progress, State};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};
use unicode_width::UnicodeWidthStr;

/// Spans of `text` with the characters at `hits` highlighted.
fn highlighted(text: &str, hits: Option<&Vec<usize>>, t: &Theme) -> Line<'static> {
    let Some(hits) = hits.filter(|h| !h.is_empty()) else {
        return Line::from(text.to_string());
    };
    let mut spans = Vec::new();
    let mut buf = String::new();
    let mut in_hit = false;
    for (i, c) in text.chars().enumerate() {
        let hit = hits.binary_search(&i).is_ok();
        if hit != in_hit && !buf.is_empty() {
            let style = if in_hit { t.matched() } else { Style::new() };
            spans.push(Span::styled(std::mem::take(&mut buf), style));
        }
        in_hit = hit;
        buf.push(c);
    }
    if !buf.is_empty() {
        spans.push(Span::styled(
            buf,
            if in_hit { t.matched() } else { Style::new() },
        ));
    }
    Line::from(spans)
}

pub(super) fn render(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.env.lang;
    let focused = s.dossiers.focus == Pane::List && matches!(s.mode, Mode::Normal | Mode::Filter);
    let (mine_done, mine) = (s.dossiers.counts.mine_done, s.dossiers.counts.mine);
    let mut title = format!(
        "{} ({}/{})",
        lang.tr(text::DOSSIERS),
        s.dossiers.view.len(),
        s.batch.entries.len()
    );
    // A rapporteur's own dossiers come first, marked ▸, and what remains.
    if mine > 0 {
        title.push_str(&format!(
            " · ▸ {} {mine_done}/{mine} {}",
            lang.tr(text::MINE),
            lang.tr(text::SCORED)
        ));
    }
    let mut block = pane_block(title, focused, t);
    // The order and the filter in force, on the bottom border where they
    // have the pane's whole width; without their labels when even that is
    // too narrow, never cut.
    let searching = !s.dossiers.filter.trim().is_empty();
    let order = if searching {
        lang.tr(text::RELEVANCE).to_string()
    } else {
        let sort = s.dossiers.sort;
        let down = sort.natural_descending() != s.dossiers.descending;
        format!("{} {}", sort.label(lang), if down { "↓" } else { "↑" })
    };
    let filter = (s.dossiers.list_filter != crate::app::state::ListFilter::All)
        .then(|| s.dossiers.list_filter.label(lang, &s.batch.territories));
    let long = match &filter {
        Some(f) => format!(
            " {} {order} · {} {f} ",
            lang.tr(text::SORT),
            lang.tr(text::FILTER)
        ),
        None => format!(" {} {order} ", lang.tr(text::SORT)),
    };
    let short = match &filter {
        Some(f) => format!(" {order} · {f} "),
        None => format!(" {order} "),
    };
    let search_w = if s.mode == Mode::Filter || searching {
        s.dossiers.filter.width() + 6
    } else {
        0
    };
    let room = (area.width as usize).saturating_sub(2 + search_w);
    let shown = if long.width() <= room { long } else { short };
    block = block.title_bottom(Line::from(Span::styled(shown, t.dim())));
    if s.mode == Mode::Filter || searching {
        let cursor = if s.mode == Mode::Filter { "▏" } else { "" };
        block = block.title_bottom(
            Line::from(vec![
                Span::styled(" / ", t.title()),
                Span::styled(format!("{}{cursor} ", s.dossiers.filter), t.matched()),
            ])
            .right_aligned(),
        );
    }
    let inner_w = area.width.saturating_sub(2);
    let wide = inner_w >= 60;
    let ref_w = s.dossiers.ref_width;
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(ref_w),
        Constraint::Fill(3),
    ];
    if mine > 0 {
        widths.insert(1, Constraint::Length(1));
    }
    if wide {
        widths.push(Constraint::Fill(2));
    }
    widths.push(Constraint::Length(5));
    widths.push(Constraint::Length(1));
    let mut header = vec![
        Cell::from(""),
        Cell::from(lang.tr(text::COL_REF)),
        Cell::from(lang.tr(text::COL_STRUCTURE)),
    ];
    if mine > 0 {
        header.insert(1, Cell::from(""));
    }
    if wide {
        header.push(Cell::from(lang.tr(text::COL_TOWN)));
    }
    header.push(Cell::from(
        Line::from(lang.tr(text::COL_TOTAL)).right_aligned(),
    ));
    header.push(Cell::from(""));
    // Only the rows on screen are built: a batch of thousands stays fluid.
    let shown = area.height.saturating_sub(3) as usize;
    let offset = s
        .dossiers
        .list_offset
        .min(s.dossiers.view.len().saturating_sub(1));
    let window = &s.dossiers.view[offset..(offset + shown.max(1)).min(s.dossiers.view.len())];
    // Highlights for the rows on screen only, the query folded once.
    let query = s.search_query();
    let rows: Vec<Row> = window
        .iter()
        .map(|i| {
            let e = &s.batch.entries[*i];
            let d = &e.dossier;
            let hl = (!query.is_empty()).then(|| s.highlights(*i, &query));
            let hl = hl.as_ref();
            let eval = s.evaluation(&d.reference);
            let total = match eval.on_scale {
                Some(x) => lang.num(x, 1),
                None if eval.scored > 0 => format!("{}/{}", eval.scored, eval.lines.len()),
                None => "—".into(),
            };
            let progress = match s.progress(&d.reference) {
                Progress::ToScore => Span::styled("○", t.warn()),
                Progress::Partial => Span::styled("◐", t.warn()),
                Progress::Scored => Span::styled("●", t.ok()),
            };
            let mine_mark = if s.is_mine(&d.reference) {
                Span::styled("▸", t.title())
            } else {
                Span::raw("")
            };
            let mut cells = vec![
                Cell::from(verdict_mark(s, *i, t)),
                Cell::from(highlighted(&d.reference, hl.map(|h| &h[F_REFERENCE]), t)),
                // A dossier taken in from an e-mail may not name its
                // structure yet: its sender stands in, dimmed.
                if d.structure.is_empty() {
                    Cell::from(Span::styled(d.email.clone(), t.dim()))
                } else {
                    Cell::from(highlighted(&d.structure, hl.map(|h| &h[F_STRUCTURE]), t))
                },
            ];
            if mine > 0 {
                cells.insert(1, Cell::from(mine_mark));
            }
            if wide {
                cells.push(Cell::from(highlighted(&d.city, hl.map(|h| &h[F_CITY]), t)));
            }
            cells.push(Cell::from(Line::from(total).right_aligned()));
            cells.push(Cell::from(progress));
            let row = Row::new(cells);
            if e.late { row.style(t.dim()) } else { row }
        })
        .collect();
    let mut table_state = TableState::default().with_selected(if s.dossiers.view.is_empty() {
        None
    } else {
        Some(s.dossiers.selected.saturating_sub(offset))
    });
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.dim().add_modifier(Modifier::BOLD)))
        .column_spacing(1)
        .row_highlight_style(t.selected())
        .block(block);
    f.render_stateful_widget(table, area, &mut table_state);
    if s.dossiers.view.is_empty() {
        let msg = if s.batch.entries.is_empty() {
            lang.tr(text::NO_DOSSIER_IMPORTED)
        } else {
            lang.tr(text::NO_MATCH)
        };
        let inner = Rect::new(area.x + 2, area.y + 3, area.width.saturating_sub(4), 2);
        f.render_widget(
            Paragraph::new(msg).style(t.dim()).wrap(Wrap { trim: true }),
            inner,
        );
    }
}

/// The list's texts, French then English.
mod text {
    use jury_core::fr::Tr;

    pub const DOSSIERS: Tr = Tr::new("Dossiers", "Dossiers");
    pub const MINE: Tr = Tr::new("mes dossiers", "my dossiers");
    pub const SCORED: Tr = Tr::new("notés", "scored");
    pub const SORT: Tr = Tr::new("tri :", "sort:");
    pub const RELEVANCE: Tr = Tr::new("pertinence", "relevance");
    pub const FILTER: Tr = Tr::new("filtre :", "filter:");
    pub const COL_REF: Tr = Tr::new("Réf.", "Ref.");
    pub const COL_STRUCTURE: Tr = Tr::new("Structure", "Structure");
    pub const COL_TOWN: Tr = Tr::new("Commune", "Town");
    pub const COL_TOTAL: Tr = Tr::new("Total", "Total");
    pub const NO_DOSSIER_IMPORTED: Tr = Tr::new("Aucun dossier importé.", "No dossier imported.");
    pub const NO_MATCH: Tr = Tr::new(
        "Aucun dossier ne correspond à la recherche.",
        "No dossier matches the search.",
    );
}
