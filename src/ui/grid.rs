//! The scoring grid: a column of criteria on wide terminals, a strip of one
//! row per criterion on narrow ones; the total sits in the bottom border.

use super::punct::quoted;
use super::theme::{Theme, pane_block};
use crate::app::state::{Mode, Pane, State};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};

fn grid_title(s: &State) -> String {
    let lang = s.env.lang;
    if s.dossiers.grid_target == crate::app::state::GridTarget::Consensus {
        return lang.tr(text::CONSENSUS_GRID).to_string();
    }
    let recused = match (&s.reviewer, s.current()) {
        (Some(r), Some(e)) => s.batch.committee.in_conflict(&e.dossier.reference, r),
        _ => false,
    };
    match &s.reviewer {
        Some(r) if recused => format!("{} — {r} ({})", lang.tr(text::GRID), lang.tr(text::RECUSED)),
        Some(r) => format!("{} — {r}", lang.tr(text::GRID)),
        None => lang.tr(text::GRID).to_string(),
    }
}

/// The total, always visible at the bottom of the grid.
fn total_line(s: &State, eval: &jury_core::grid::Evaluation, t: &Theme) -> Line<'static> {
    let lang = s.env.lang;
    let scale_max = lang.score(s.grid().scale.max);
    let mut spans = vec![Span::styled(
        format!(" {} ", lang.tr(text::TOTAL)),
        Style::new().add_modifier(Modifier::BOLD),
    )];
    match (eval.on_scale, eval.on_100) {
        (Some(x), Some(h)) => {
            spans.push(Span::styled(
                format!("{} / {scale_max}", lang.num(x, 2)),
                t.ok().add_modifier(Modifier::BOLD),
            ));
            spans.push(Span::raw(format!("  ({} / 100) ", lang.num(h, 1))));
        }
        _ => spans.push(Span::styled(
            format!(
                "{} ({}/{}) ",
                lang.tr(text::INCOMPLETE),
                eval.scored,
                eval.lines.len()
            ),
            t.warn(),
        )),
    }
    Line::from(spans)
}

fn score_span(s: &State, l: &jury_core::grid::Line, here: bool, t: &Theme) -> Span<'static> {
    match (l.score, here.then_some(s.dossiers.pending_digit).flatten()) {
        (_, Some(p)) => Span::styled(format!("{p}…"), t.matched()),
        (Some(v), None) => Span::styled(
            s.env.lang.score(v),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        (None, None) => Span::styled("_", t.warn().add_modifier(Modifier::BOLD)),
    }
}

fn points_text(s: &State, l: &jury_core::grid::Line) -> String {
    let lang = s.env.lang;
    match l.points {
        Some(p) => format!("{} / {} pts", lang.score(p), lang.score(l.max_points)),
        None => format!("— / {} pts", lang.score(l.max_points)),
    }
}

/// The grid pane's frame, with the total in its bottom border; `None` (an
/// empty frame drawn) when no dossier is selected.
fn grid_frame<'s>(
    f: &mut Frame,
    s: &'s State,
    t: &Theme,
    area: Rect,
) -> Option<(Block<'static>, &'s str, jury_core::grid::Evaluation, bool)> {
    let focused = s.dossiers.focus == Pane::Grid && s.mode == Mode::Normal;
    let block = pane_block(grid_title(s), focused, t);
    let Some(e) = s.current() else {
        f.render_widget(block, area);
        return None;
    };
    let reference = e.dossier.reference.as_str();
    let eval = s.evaluation(reference);
    let block = block.title_bottom(total_line(s, &eval, t));
    Some((block, reference, eval, focused))
}

pub(super) fn render(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.env.lang;
    let Some((block, reference, eval, focused)) = grid_frame(f, s, t, area) else {
        return;
    };
    let inner = block.inner(area);
    f.render_widget(block, area);
    if s.grid().criteria.is_empty() {
        // An audition the call does not score: say so rather than an
        // empty pane.
        f.render_widget(
            Paragraph::new(lang.tr(text::NO_GRID_AT_STAGE))
                .style(t.dim())
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let scale_max = lang.score(s.grid().scale.max);
    // One paragraph per criterion, so the selected one can be kept in view.
    let mut blocks: Vec<Vec<Line>> = Vec::new();
    for (i, (c, l)) in s.grid().criteria.iter().zip(&eval.lines).enumerate() {
        let here = i == s.dossiers.criterion;
        let marker = if here && focused {
            "▶ "
        } else if here {
            "▷ "
        } else {
            "  "
        };
        let label_style = if here {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        let mut lines = vec![Line::from(vec![
            Span::styled(marker.to_string(), t.title()),
            Span::styled(format!("{}. {}", i + 1, c.label), label_style),
        ])];
        let mut score_line = vec![
            Span::raw(format!("   {} ", lang.tr(text::SCORE))),
            score_span(s, l, here, t),
            Span::raw(format!(" / {scale_max}")),
            Span::styled(format!("  → {}", points_text(s, l)), t.dim()),
        ];
        // The words only where they fit on the line; the bold `_` says it too.
        if l.score.is_none() && inner.width >= 40 {
            score_line.push(Span::styled(
                format!("  {}", lang.tr(text::TO_SCORE)),
                t.warn().add_modifier(Modifier::BOLD),
            ));
        }
        lines.push(Line::from(score_line));
        if let Some(sc) = s
            .my_score(reference, &c.id)
            .filter(|sc| !sc.comment.is_empty())
        {
            lines.push(Line::from(Span::styled(
                format!("   {}", quoted(lang, &sc.comment)),
                t.dim().add_modifier(Modifier::ITALIC),
            )));
        }
        blocks.push(lines);
    }
    if let Some(help) = s.current_criterion().and_then(|c| c.help.as_ref()) {
        blocks.push(vec![
            Line::from(""),
            Line::from(Span::styled(lang.tr(text::GUIDANCE).to_string(), t.title())),
            Line::from(Span::styled(help.clone(), t.dim())),
        ]);
    }
    // Fitted here, each block's height is its number of lines (as in the
    // dossier pane).
    let blocks: Vec<Vec<Line>> = blocks
        .into_iter()
        .map(|b| super::wrap::fit(b, inner.width as usize))
        .collect();
    let end_of_selected: usize = blocks
        .iter()
        .take(s.dossiers.criterion + 1)
        .map(Vec::len)
        .sum();
    let scroll = u16::try_from(end_of_selected)
        .unwrap_or(u16::MAX)
        .saturating_sub(inner.height);
    let lines: Vec<Line> = blocks
        .into_iter()
        .flatten()
        .skip(usize::from(scroll))
        .take(usize::from(inner.height))
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}

/// The grid as a strip: one row per criterion, for narrow terminals.
pub(super) fn strip(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.env.lang;
    let Some((block, reference, eval, focused)) = grid_frame(f, s, t, area) else {
        return;
    };
    let scale_max = lang.score(s.grid().scale.max);
    let rows: Vec<Row> = s
        .grid()
        .criteria
        .iter()
        .zip(&eval.lines)
        .enumerate()
        .map(|(i, (c, l))| {
            let here = i == s.dossiers.criterion;
            let comment = s
                .my_score(reference, &c.id)
                .map(|sc| sc.comment.clone())
                .unwrap_or_default();
            let score = Line::from(vec![
                score_span(s, l, here, t),
                Span::raw(format!(" / {scale_max}")),
            ])
            .right_aligned();
            Row::new(vec![
                Cell::from(format!("{}. {}", i + 1, c.label)),
                Cell::from(score),
                Cell::from(Line::from(Span::styled(points_text(s, l), t.dim())).right_aligned()),
                Cell::from(Span::styled(
                    comment,
                    t.dim().add_modifier(Modifier::ITALIC),
                )),
            ])
        })
        .collect();
    let widths = [
        Constraint::Fill(3),
        Constraint::Length(8),
        Constraint::Length(14),
        Constraint::Fill(1),
    ];
    let mut state = TableState::default().with_selected(Some(s.dossiers.criterion));
    let table = Table::new(rows, widths)
        .column_spacing(1)
        .highlight_symbol(if focused { "▶ " } else { "▷ " })
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always)
        .row_highlight_style(Style::new().add_modifier(Modifier::BOLD))
        .block(block);
    f.render_stateful_widget(table, area, &mut state);
}

/// The grid's texts, French then English.
mod text {
    use jury_core::fr::Tr;
    pub const NO_GRID_AT_STAGE: Tr = Tr::new(
        "L'appel ne prévoit pas de notes à l'audition : la décision finale s'appuie sur le classement de l'étude des dossiers.",
        "The call sets no scores at the audition: the final decision rests on the dossier stage's ranking.",
    );

    pub const CONSENSUS_GRID: Tr =
        Tr::new("Grille de consensus — présidence", "Consensus grid — chair");
    pub const GRID: Tr = Tr::new("Grille", "Grid");
    pub const RECUSED: Tr = Tr::new("déporté·e", "recused");
    pub const TOTAL: Tr = Tr::new("Total", "Total");
    pub const INCOMPLETE: Tr = Tr::new("incomplet", "incomplete");
    pub const SCORE: Tr = Tr::new("Note", "Score");
    pub const TO_SCORE: Tr = Tr::new("à noter", "to score");
    pub const GUIDANCE: Tr = Tr::new("Repères", "Guidance");
}
