//! The timetable screen: days as columns, slot times as rows, breaks as
//! « pause » rows; the selected slot in full below. Days that do not fit the
//! width scroll so the cursor's day stays in view.

use super::theme::{Theme, pane_block};
use crate::app::state::{Row, SlotProblem, State, timetable_rows};
use chrono::{Datelike, NaiveDate, Weekday};
use jury_core::fr::Lang;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

/// The time column (`09:00–09:45`) and one day's column.
const TIME_WIDTH: usize = 12;
const DAY_WIDTH: usize = 20;

mod text {
    use jury_core::fr::Tr;
    pub const TITLE: Tr = Tr::new("Calendrier des auditions", "Audition timetable");
    pub const BREAK: Tr = Tr::new("« pause »", "(break)");
    pub const SLOT: Tr = Tr::new("Créneau", "Slot");
    pub const FREE: Tr = Tr::new("libre", "free");
    pub const FIXED: Tr = Tr::new("fixé", "fixed");
    pub const PANEL: Tr = Tr::new("Jury :", "Panel:");
    pub const STOOD_DOWN: Tr = Tr::new("Se retirent :", "Stand down:");
    pub const CONFLICT: Tr = Tr::new("conflit d'intérêts", "conflict of interest");
    pub const AWAY: Tr = Tr::new("indisponible", "unavailable");
    pub const NO_ONE: Tr = Tr::new("personne", "nobody");
    pub const PICKED: Tr = Tr::new("À déplacer :", "To move:");
    pub const NO_LONGER_HOLDS: Tr = Tr::new(
        "Ce créneau ne tient plus (déplacez-le ou proposez de nouveau) :",
        "This slot no longer holds (move it or propose again):",
    );
    pub const PANEL_NOW: Tr = Tr::new("le jury serait maintenant", "the panel would now be");
    pub const UNSCHEDULED: Tr = Tr::new("Convoqués sans créneau :", "Convened without a slot:");
    pub const CONVENED: Tr = Tr::new("convoqués", "convened");
    pub const SCHEDULED: Tr = Tr::new("placés", "scheduled");
    pub const DAYS: Tr = Tr::new("jours", "days");
    pub const NO_AUDITION: Tr = Tr::new(
        "Cet appel ne prévoit pas d'auditions.",
        "This call has no auditions.",
    );
}

fn weekday(d: NaiveDate, lang: Lang) -> &'static str {
    let (fr, en) = match d.weekday() {
        Weekday::Mon => ("lun.", "Mon"),
        Weekday::Tue => ("mar.", "Tue"),
        Weekday::Wed => ("mer.", "Wed"),
        Weekday::Thu => ("jeu.", "Thu"),
        Weekday::Fri => ("ven.", "Fri"),
        Weekday::Sat => ("sam.", "Sat"),
        Weekday::Sun => ("dim.", "Sun"),
    };
    lang.t(fr, en)
}

/// Cut to `width` columns, padded to it.
fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if out.width() + c.to_string().width() > width {
            break;
        }
        out.push(c);
    }
    let pad = width.saturating_sub(out.width());
    out + &" ".repeat(pad)
}

fn hm(span: &jury_core::stage::Span) -> String {
    format!("{}–{}", span.from.format("%H:%M"), span.to.format("%H:%M"))
}

pub(super) fn render(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.env.lang;
    let Some(a) = s.audition() else {
        f.render_widget(Paragraph::new(lang.tr(text::NO_AUDITION)), area);
        return;
    };
    let rows = timetable_rows(a);
    let grid_height = (rows.len() as u16 + 3).min(area.height.saturating_sub(5).max(4));
    let [grid, detail] =
        Layout::vertical([Constraint::Length(grid_height), Constraint::Min(3)]).areas(area);
    let v = &s.timetable_view;
    let slots = &s.batch.committee.data.slots;
    // Days that fit beside the time column; the cursor's day always shown.
    let inner = grid.width.saturating_sub(2) as usize;
    let fit_days = (inner.saturating_sub(TIME_WIDTH) / DAY_WIDTH).max(1);
    let first = v.day.saturating_sub(fit_days - 1);
    let shown: Vec<(usize, NaiveDate)> = a
        .days
        .iter()
        .copied()
        .enumerate()
        .skip(first)
        .take(fit_days)
        .collect();
    let mut lines = Vec::new();
    let mut header = vec![Span::raw(fit("", TIME_WIDTH))];
    for (i, d) in &shown {
        let label = format!(" {} {}/{:02}", weekday(*d, lang), d.day(), d.month());
        let style = if *i == v.day {
            t.title().add_modifier(Modifier::BOLD)
        } else {
            t.title()
        };
        header.push(Span::styled(fit(&label, DAY_WIDTH), style));
    }
    lines.push(Line::from(header));
    for (r, row) in rows.iter().enumerate() {
        match row {
            Row::Break(span) => lines.push(Line::from(vec![
                Span::styled(fit(&hm(span), TIME_WIDTH), t.dim()),
                Span::styled(
                    fit(
                        &format!(" {}", lang.tr(text::BREAK)),
                        DAY_WIDTH * shown.len(),
                    ),
                    t.dim(),
                ),
            ])),
            Row::Slot(span) => {
                let mut cells = vec![Span::raw(fit(&hm(span), TIME_WIDTH))];
                // A slot that no longer holds is marked « ! » in red.
                for (i, d) in &shown {
                    let held = slots.iter().find(|x| x.day == *d && x.span.overlaps(span));
                    let text = match held {
                        Some(x) => {
                            let short = x.reference.rsplit('-').next().unwrap_or(&x.reference);
                            let structure = s
                                .entry_index(&x.reference)
                                .map(|e| s.batch.entries[e].dossier.structure.clone())
                                .unwrap_or_default();
                            let mark = if s.slot_problem(x).is_some() {
                                "!"
                            } else if x.fixed {
                                "▪"
                            } else {
                                " "
                            };
                            format!("{mark}{short} {structure}")
                        }
                        None => String::new(),
                    };
                    let mut style = ratatui::style::Style::new();
                    if held.is_some_and(|x| s.slot_problem(x).is_some()) {
                        style = t.error();
                    }
                    if held.is_some_and(|x| v.picked.as_deref() == Some(x.reference.as_str())) {
                        style = t.warn();
                    }
                    if *i == v.day && r == v.row {
                        style = t.selected();
                    }
                    cells.push(Span::styled(fit(&text, DAY_WIDTH), style));
                }
                lines.push(Line::from(cells));
            }
        }
    }
    let convened = jury_core::schedule::shortlisted(&s.batch.committee);
    let title = format!(
        "{} — {} {} · {} {} · {}/{} {}",
        lang.tr(text::TITLE),
        convened.len(),
        lang.tr(text::CONVENED),
        slots.len(),
        lang.tr(text::SCHEDULED),
        (v.day + 1).min(a.days.len()),
        a.days.len(),
        lang.tr(text::DAYS)
    );
    f.render_widget(
        Paragraph::new(lines).block(pane_block(title, true, t)),
        grid,
    );
    render_detail(f, s, t, detail, &convened);
}

fn render_detail(f: &mut Frame, s: &State, t: &Theme, area: Rect, convened: &[String]) {
    let lang = s.env.lang;
    let mut lines = Vec::new();
    if let Some((day, span)) = s.timetable_cursor() {
        let held = s.slot_at(day, &span);
        let when = format!("{}, {}", lang.date(day), hm(&span));
        match held {
            Some(x) => {
                let structure = s
                    .entry_index(&x.reference)
                    .map(|e| s.batch.entries[e].dossier.structure.clone())
                    .unwrap_or_default();
                lines.push(Line::from(vec![
                    Span::styled(x.reference.clone(), t.title()),
                    Span::raw(format!(" — {structure}")),
                ]));
                let fixed = if x.fixed {
                    format!(" ({})", lang.tr(text::FIXED))
                } else {
                    String::new()
                };
                lines.push(Line::from(format!("{when}{fixed}")));
                let panel = if x.panel.is_empty() {
                    lang.tr(text::NO_ONE).to_string()
                } else {
                    x.panel.join(", ")
                };
                lines.push(Line::from(format!("{} {panel}", lang.tr(text::PANEL))));
                let sitting = s.with_rules(|r| r.sitting(&x.reference, day, &span));
                if let Some(problem) = s.slot_problem(x) {
                    let why = match problem {
                        SlotProblem::Unusable(why) => why.message(lang),
                        SlotProblem::PanelChanged(panel) => format!(
                            "{} {}",
                            lang.tr(text::PANEL_NOW),
                            if panel.is_empty() {
                                lang.tr(text::NO_ONE).to_string()
                            } else {
                                panel.join(", ")
                            }
                        ),
                    };
                    lines.push(Line::from(Span::styled(
                        format!("! {} {why}", lang.tr(text::NO_LONGER_HOLDS)),
                        t.error(),
                    )));
                }
                if let Some(sitting) = sitting {
                    let away: Vec<String> = sitting
                        .in_conflict
                        .iter()
                        .map(|m| format!("{m} ({})", lang.tr(text::CONFLICT)))
                        .chain(
                            sitting
                                .unavailable
                                .iter()
                                .map(|m| format!("{m} ({})", lang.tr(text::AWAY))),
                        )
                        .collect();
                    if !away.is_empty() {
                        lines.push(Line::from(Span::styled(
                            format!("{} {}", lang.tr(text::STOOD_DOWN), away.join(", ")),
                            t.warn(),
                        )));
                    }
                }
            }
            None => lines.push(Line::from(lang.located(
                format!("{} {}", lang.tr(text::SLOT), lang.tr(text::FREE)),
                when,
            ))),
        }
    }
    if let Some(p) = &s.timetable_view.picked {
        lines.push(Line::from(Span::styled(
            format!("{} {p}", lang.tr(text::PICKED)),
            t.warn(),
        )));
    }
    let unscheduled: Vec<&str> = convened
        .iter()
        .filter(|c| {
            !s.batch
                .committee
                .data
                .slots
                .iter()
                .any(|x| &x.reference == *c)
        })
        .map(String::as_str)
        .collect();
    if !unscheduled.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("{} {}", lang.tr(text::UNSCHEDULED), unscheduled.join(", ")),
            t.dim(),
        )));
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(pane_block(lang.tr(text::SLOT).to_string(), false, t)),
        area,
    );
}
