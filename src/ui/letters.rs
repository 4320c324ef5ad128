//! The letters view: every final decision, its letter's state, a preview.

use super::theme::{Theme, pane_block};
use super::wrap::wrapped;
use crate::app::state::{Preview, State};
use jury_core::document::Block;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Clear, Gauge, Paragraph, Row, Table, TableState, Wrap};

pub(super) fn render(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.env.lang;
    let [banner, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(5)]).areas(area);
    let produced = s
        .letters_view
        .items
        .iter()
        .filter(|i| i.tracked.is_some())
        .count();
    let sent = s
        .letters_view
        .items
        .iter()
        .filter(|i| i.tracked.as_ref().is_some_and(|t| t.sent_at.is_some()))
        .count();
    let late = s.letters_view.items.iter().filter(|i| i.late).count();
    let mut first = vec![
        Span::styled(
            format!(" {} ", lang.tr(text::LETTERS)),
            t.title().add_modifier(Modifier::REVERSED),
        ),
        Span::raw(format!(
            " {} {} · {} {} · {} {}",
            s.letters_view.items.len(),
            lang.tr(text::COUNT_FINAL),
            produced,
            lang.tr(text::COUNT_PRODUCED),
            sent,
            lang.tr(text::COUNT_SENT),
        )),
    ];
    if let Some(n) = s.batch.call.notify_by {
        let style = if late > 0 { t.error() } else { t.dim() };
        first.push(Span::styled(
            format!(
                " · {} {}{}",
                lang.tr(text::NOTIFY_BY),
                lang.date(n),
                if late > 0 {
                    format!(" — {late} {}", lang.tr(text::LATE))
                } else {
                    String::new()
                }
            ),
            style,
        ));
    }
    // Closed sessions whose letters wait for an institution's answer.
    let waiting: Vec<String> = s
        .batch
        .committee
        .data
        .sessions
        .iter()
        .filter(|x| !x.is_open() && x.stage == s.batch.committee.stage)
        .filter_map(|x| {
            use jury_core::institutions::{Standing, standing};
            match standing(
                &s.batch.call.institutions,
                &s.batch.committee.data.validations,
                x.id,
            ) {
                Standing::Final => None,
                Standing::Pending(names) => Some(format!(
                    "{} {} {} {}",
                    lang.tr(text::SESSION_NO),
                    x.id,
                    lang.tr(text::AWAITS),
                    names.join(", ")
                )),
                Standing::Refused(refusals) => Some(format!(
                    "{} {} {} {}",
                    lang.tr(text::SESSION_NO),
                    x.id,
                    lang.tr(text::REFUSED_BY),
                    refusals
                        .iter()
                        .map(|(n, why)| format!("{n} ({why})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        })
        .collect();
    let second = if waiting.is_empty() {
        Line::from(Span::styled(
            format!(
                " {} {}",
                lang.tr(text::OUTPUT_FOLDER),
                s.env.letters_dir.display()
            ),
            t.dim(),
        ))
    } else {
        Line::from(Span::styled(
            format!(
                " ⚠ {} — {}",
                waiting.join(" · "),
                lang.tr(text::VALIDATE_HINT)
            ),
            t.warn(),
        ))
    };
    f.render_widget(Paragraph::new(vec![Line::from(first), second]), banner);
    let wide = area.width >= 120;
    let (table, preview) = if wide {
        let [a, b] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
            .areas(body);
        (a, Some(b))
    } else {
        (body, None)
    };
    let table = match s.letters_view.convocations.len() {
        0 => table,
        n => {
            let [letters, convocations] = Layout::vertical([
                Constraint::Min(6),
                Constraint::Length((n as u16).saturating_add(3).min(12)),
            ])
            .areas(table);
            render_convocations(f, s, t, convocations);
            letters
        }
    };
    render_table(f, s, t, table);
    if let Some(p) = preview {
        render_preview(f, s, t, p);
    }
    if let Some((done, total, current)) = &s.letters_view.progress {
        let w = (area.width * 6 / 10).max(40).min(area.width);
        let r = Rect::new(
            area.x + (area.width - w) / 2,
            area.y + area.height / 2,
            w,
            3,
        );
        let ratio = if *total == 0 {
            0.0
        } else {
            *done as f64 / *total as f64
        };
        f.render_widget(Clear, r);
        f.render_widget(
            Gauge::default()
                .block(pane_block(lang.tr(text::PRODUCING_LETTERS).into(), true, t))
                .gauge_style(t.ok())
                .ratio(ratio.clamp(0.0, 1.0))
                .label(format!("{done}/{total} {current}")),
            r,
        );
    }
}

fn short_date(s: &State, iso: &str) -> String {
    let day = iso.get(..10).unwrap_or(iso);
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|d| s.env.lang.short_date(d))
        .unwrap_or_else(|_| day.to_string())
}

fn render_table(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.env.lang;
    let header = Row::new(vec![
        Cell::from(lang.tr(text::COL_REF)),
        Cell::from(lang.tr(text::COL_STRUCTURE)),
        Cell::from(lang.tr(text::COL_DECISION)),
        Cell::from(lang.tr(text::COL_PRODUCED)),
        Cell::from(lang.tr(text::COL_SENT)),
        Cell::from(lang.tr(text::COL_ACK)),
    ])
    .style(t.dim().add_modifier(Modifier::BOLD));
    let rows: Vec<Row> = s
        .letters_view
        .items
        .iter()
        .map(|item| {
            let e = &s.batch.entries[item.entry];
            let label = jury_core::decision::kind(&s.batch.call, &item.decision.kind, lang)
                .map(|k| k.label)
                .unwrap_or(item.decision.kind.clone());
            // A candidate who withdrew from it: said beside the decision.
            let label = label + &super::committee::withdrawn(s, &item.decision.reference);
            let tr = item.tracked.as_ref();
            let produced = tr
                .map(|x| short_date(s, &x.generated_at))
                .unwrap_or_else(|| "—".into());
            let sent = match tr.and_then(|x| x.sent_at.as_ref().map(|d| (d, x.channel.clone()))) {
                Some((d, ch)) => format!(
                    "{} {}",
                    short_date(s, d),
                    match ch.as_deref() {
                        Some("post") => lang.tr(text::POST),
                        _ => lang.tr(text::E_MAIL),
                    }
                ),
                None if item.late => lang.tr(text::LATE_MARK).to_string(),
                None => lang.tr(text::TO_SEND).to_string(),
            };
            let ack = tr
                .and_then(|x| x.acknowledged_at.as_ref())
                .map(|d| short_date(s, d))
                .unwrap_or_default();
            let row = Row::new(vec![
                Cell::from(item.decision.reference.clone()),
                Cell::from(e.dossier.structure.clone()),
                Cell::from(label),
                Cell::from(produced),
                Cell::from(sent),
                Cell::from(ack),
            ]);
            if item.late { row.style(t.error()) } else { row }
        })
        .collect();
    let widths = [
        Constraint::Length(15),
        Constraint::Fill(2),
        Constraint::Fill(1),
        Constraint::Length(10),
        Constraint::Length(19),
        Constraint::Length(10),
    ];
    let mut state = TableState::default()
        .with_selected((!s.letters_view.items.is_empty()).then_some(s.letters_view.selected));
    let title = format!(
        "{} ({})",
        lang.tr(text::DECISION_LETTERS),
        s.letters_view.items.len()
    );
    f.render_stateful_widget(
        Table::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .row_highlight_style(t.selected())
            .block(pane_block(title, true, t)),
        area,
        &mut state,
    );
    if s.letters_view.items.is_empty() {
        let inner = Rect::new(area.x + 2, area.y + 3, area.width.saturating_sub(4), 3);
        f.render_widget(
            Paragraph::new(lang.tr(text::NO_FINAL_DECISION))
                .style(t.dim())
                .wrap(Wrap { trim: true }),
            inner,
        );
    }
}

/// The convocations produced, latest last: the slot each convenes to, its
/// number, and whether it corrects an earlier one.
fn render_convocations(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.env.lang;
    let header = Row::new(vec![
        Cell::from(lang.tr(text::COL_REF)),
        Cell::from(lang.tr(text::COL_SLOT)),
        Cell::from("n"),
        Cell::from(lang.tr(text::COL_KIND)),
    ])
    .style(t.dim().add_modifier(Modifier::BOLD));
    let list = &s.letters_view.convocations;
    let rows: Vec<Row> = list
        .iter()
        .map(|c| {
            let day = chrono::NaiveDate::parse_from_str(&c.day, "%Y-%m-%d")
                .map(|d| lang.short_date(d))
                .unwrap_or_else(|_| c.day.clone());
            let kind = if c.n > 1 {
                lang.tr(text::CORRECTED)
            } else {
                lang.tr(text::FIRST)
            };
            Row::new(vec![
                Cell::from(c.reference.clone()),
                Cell::from(format!("{day} {}–{}", c.start, c.end)),
                Cell::from(c.n.to_string()),
                Cell::from(kind),
            ])
        })
        .collect();
    let widths = [
        Constraint::Length(15),
        Constraint::Length(22),
        Constraint::Length(3),
        Constraint::Fill(1),
    ];
    // The latest in view when there are more than the pane shows.
    let mut state = TableState::default().with_selected(list.len().checked_sub(1));
    f.render_stateful_widget(
        Table::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .block(pane_block(
                format!("{} ({})", lang.tr(text::CONVOCATIONS), list.len()),
                false,
                t,
            )),
        area,
        &mut state,
    );
}

fn render_preview(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.env.lang;
    let block = pane_block(lang.tr(text::PREVIEW).into(), false, t);
    let width = block.inner(area).width as usize;
    let mut lines: Vec<Line> = Vec::new();
    match &s.letters_view.preview {
        None => {}
        Some(Preview::Problems(problems)) => wrapped(
            &mut lines,
            Span::styled("⚠ ", t.error()),
            &problems.join("\n"),
            t.error(),
            width,
            2,
        ),
        Some(Preview::Letter(doc)) => {
            for (i, l) in doc.letterhead.iter().enumerate() {
                lines.push(Line::from(Span::styled(
                    l.clone(),
                    if i == 0 {
                        Style::new().add_modifier(Modifier::BOLD)
                    } else {
                        t.dim()
                    },
                )));
            }
            lines.push(Line::from(""));
            for l in &doc.addressee {
                lines.push(Line::from(l.clone()).right_aligned());
            }
            if let Some(pd) = &doc.place_date {
                lines.push(Line::from(""));
                lines.push(Line::from(pd.clone()).right_aligned());
            }
            if let Some(r) = &doc.reference {
                lines.push(Line::from(Span::styled(r.clone(), t.dim())));
            }
            if let Some(sub) = &doc.subject {
                lines.push(Line::from(""));
                wrapped(
                    &mut lines,
                    Span::raw(""),
                    sub,
                    Style::new().add_modifier(Modifier::BOLD),
                    width,
                    0,
                );
            }
            for b in &doc.blocks {
                lines.push(Line::from(""));
                match b {
                    Block::Paragraph(p) => wrapped(
                        &mut lines,
                        Span::raw(""),
                        p.as_str(),
                        Style::new(),
                        width,
                        0,
                    ),
                    Block::Heading(h) => lines.push(Line::from(Span::styled(h.clone(), t.title()))),
                    Block::Bullets(items) => {
                        for it in items {
                            wrapped(
                                &mut lines,
                                Span::raw("• "),
                                it.as_str(),
                                Style::new(),
                                width,
                                2,
                            );
                        }
                    }
                    Block::Table { header, rows } => {
                        lines.push(Line::from(Span::styled(header.join(" | "), t.dim())));
                        for r in rows {
                            wrapped(
                                &mut lines,
                                Span::raw("  "),
                                &r.join(" | "),
                                Style::new(),
                                width,
                                4,
                            );
                        }
                    }
                    Block::Spacer => {}
                }
            }
            for sig in &doc.signatures {
                lines.push(Line::from(""));
                for l in sig {
                    lines.push(Line::from(l.clone()).right_aligned());
                }
            }
        }
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// The letters view's texts, French then English.
mod text {
    use jury_core::fr::Tr;

    pub const LETTERS: Tr = Tr::new("Courriers", "Letters");
    pub const CONVOCATIONS: Tr = Tr::new("Convocations à l'audition", "Audition invitations");
    pub const COL_SLOT: Tr = Tr::new("Créneau", "Slot");
    pub const COL_KIND: Tr = Tr::new("Nature", "Kind");
    pub const CORRECTED: Tr = Tr::new("rectificative", "corrected");
    pub const FIRST: Tr = Tr::new("première", "first");
    pub const COUNT_FINAL: Tr = Tr::new("décision(s) définitive(s)", "final decision(s)");
    pub const SESSION_NO: Tr = Tr::new("Séance n°", "Session no.");
    pub const VALIDATE_HINT: Tr = Tr::new(
        "à enregistrer dans la vue comité (V)",
        "to record in the committee view (V)",
    );
    pub const AWAITS: Tr = Tr::new(
        ": courriers en attente de la validation de",
        ": letters await the validation of",
    );
    pub const REFUSED_BY: Tr = Tr::new(
        ": décisions non validées par",
        ": decisions not validated by",
    );
    pub const COUNT_PRODUCED: Tr = Tr::new("produit(s)", "produced");
    pub const COUNT_SENT: Tr = Tr::new("envoyé(s)", "sent");
    pub const NOTIFY_BY: Tr = Tr::new("à notifier au plus tard le", "to notify by");
    pub const LATE: Tr = Tr::new("EN RETARD", "LATE");
    pub const OUTPUT_FOLDER: Tr = Tr::new("Dossier de sortie :", "Output folder:");
    pub const PRODUCING_LETTERS: Tr = Tr::new("Production des courriers", "Producing letters");
    pub const COL_REF: Tr = Tr::new("Réf.", "Ref.");
    pub const COL_STRUCTURE: Tr = Tr::new("Structure", "Structure");
    pub const COL_DECISION: Tr = Tr::new("Décision", "Decision");
    pub const COL_PRODUCED: Tr = Tr::new("Produit", "Produced");
    pub const COL_SENT: Tr = Tr::new("Envoyé", "Sent");
    pub const COL_ACK: Tr = Tr::new("Accusé", "Ack.");
    pub const POST: Tr = Tr::new("poste", "post");
    pub const E_MAIL: Tr = Tr::new("courriel", "e-mail");
    pub const LATE_MARK: Tr = Tr::new("⚠ EN RETARD", "⚠ LATE");
    pub const TO_SEND: Tr = Tr::new("à envoyer", "to send");
    pub const DECISION_LETTERS: Tr = Tr::new("Courriers de décision", "Decision letters");
    pub const NO_FINAL_DECISION: Tr = Tr::new(
        "Aucune décision définitive : les courriers suivent la clôture d'une séance (vue comité, x).",
        "No final decision yet: letters follow a closed session (committee view, x).",
    );
    pub const PREVIEW: Tr = Tr::new("Aperçu", "Preview");
}
