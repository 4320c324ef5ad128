//! Forms and the history pop-up.

use super::{Theme, popup_area, wrapped};
use crate::app::form::{Form, Value};
use crate::app::state::{HistoryLine, State};
use ratatui::Frame;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

pub(super) fn form(f: &mut Frame, s: &State, t: &Theme, form: &Form) {
    let lang = s.lang;
    let area = popup_area(f.area(), 80, 70);
    let width = area.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    if let Some(note) = &form.note {
        wrapped(&mut lines, Span::raw(""), note, t.dim(), width, 0);
        lines.push(Line::from(""));
    }
    for (i, field) in form.fields.iter().enumerate() {
        if field.hidden {
            continue;
        }
        let here = i == form.focus;
        let marker = Span::styled(if here { "▶ " } else { "  " }, t.title());
        let label_style = if here {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        match &field.value {
            Value::Choice { options, selected } => {
                let value = options
                    .get(*selected)
                    .map(|o| o.1.clone())
                    .unwrap_or_default();
                lines.push(Line::from(vec![
                    marker,
                    Span::styled(format!("{} : ", field.label), label_style),
                    Span::styled(
                        if here {
                            format!("◀ {value} ▶")
                        } else {
                            value
                        },
                        t.title(),
                    ),
                ]));
            }
            Value::Text(text) => {
                lines.push(Line::from(vec![
                    marker,
                    Span::styled(format!("{} :", field.label), label_style),
                ]));
                let shown = if here {
                    format!("{text}▏")
                } else {
                    text.clone()
                };
                wrapped(
                    &mut lines,
                    Span::raw("    "),
                    &shown,
                    Style::new(),
                    width,
                    4,
                );
            }
            Value::Check(on) => {
                lines.push(Line::from(vec![
                    marker,
                    Span::styled(if *on { "[x] " } else { "[ ] " }, t.title()),
                    Span::styled(field.label.clone(), label_style),
                ]));
            }
        }
    }
    if let Some(e) = &form.error {
        lines.push(Line::from(""));
        wrapped(
            &mut lines,
            Span::styled("⚠ ", t.error()),
            e,
            t.error(),
            width,
            2,
        );
    }
    let help = lang.t(
        " Tab/↓ champ suivant · ←→ choix · Espace cocher · Entrée valider · Échap annuler ",
        " Tab/↓ next field · ←→ choose · Space tick · Enter confirm · Esc cancel ",
    );
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .title(Line::from(format!(" {} ", form.title)).style(t.title()))
        .title_bottom(Line::from(help).style(t.dim()));
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// One audit event as a sentence.
fn describe(l: &HistoryLine, s: &State) -> String {
    let lang = s.lang;
    let parse = |v: &Option<String>| -> serde_json::Value {
        v.as_deref()
            .and_then(|x| serde_json::from_str(x).ok())
            .unwrap_or(serde_json::Value::Null)
    };
    let (before, after) = (parse(&l.before), parse(&l.after));
    let score = |v: &serde_json::Value| {
        v["value"]
            .as_f64()
            .map(|x| lang.score(x))
            .unwrap_or_else(|| "—".into())
    };
    let criterion = l
        .target
        .split_once('/')
        .and_then(|(_, c)| s.call.criteria.iter().find(|x| x.id == c))
        .map(|c| c.label.clone())
        .unwrap_or_default();
    match l.action.as_str() {
        "import" => lang.t("dossier importé", "dossier imported").to_string(),
        "score" => {
            let mut text = format!(
                "{} « {criterion} » : {} → {}",
                lang.t("note", "score"),
                score(&before),
                score(&after)
            );
            let comment = after["comment"].as_str().unwrap_or("");
            if comment != before["comment"].as_str().unwrap_or("") && !comment.is_empty() {
                text.push_str(&format!(
                    " ({} « {comment} »)",
                    lang.t("commentaire", "comment")
                ));
            }
            text
        }
        "consensus" => format!(
            "{} « {criterion} » : {} → {}",
            lang.t("consensus", "consensus"),
            score(&before),
            score(&after)
        ),
        "conflict" => {
            let who = after["member"].as_str().unwrap_or("");
            if after["declared"].as_bool() == Some(true) {
                format!(
                    "{who} {}",
                    lang.t(
                        "se déporte (conflit d'intérêts)",
                        "recuses (conflict of interest)"
                    )
                )
            } else {
                format!(
                    "{who} {}",
                    lang.t("retire son conflit d'intérêts", "withdraws the conflict")
                )
            }
        }
        "override" => match after["eligible"].as_bool() {
            Some(true) => format!(
                "{} — {}",
                lang.t(
                    "déclaré recevable par dérogation",
                    "declared eligible by override"
                ),
                after["justification"].as_str().unwrap_or("")
            ),
            Some(false) => format!(
                "{} — {}",
                lang.t(
                    "déclaré irrecevable par dérogation",
                    "declared ineligible by override"
                ),
                after["justification"].as_str().unwrap_or("")
            ),
            None => lang.t("dérogation retirée", "override removed").to_string(),
        },
        "decision" | "decision.change" => {
            let kind = after["kind"].as_str().unwrap_or("");
            let label = jury_core::decision::kind(&s.call, kind, lang)
                .map(|k| k.label)
                .unwrap_or(kind.to_string());
            let verb = if l.action == "decision.change" {
                lang.t("décision modifiée :", "decision changed:")
            } else {
                lang.t("décision :", "decision:")
            };
            format!(
                "{verb} {label} — {}",
                after["motivation"].as_str().unwrap_or("")
            )
        }
        "undo" => lang
            .t("annulation de la dernière action", "last action undone")
            .to_string(),
        other => other.to_string(),
    }
}

fn local_time(at: &str, lang: jury_core::fr::Lang) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            let p = t.with_timezone(&chrono_tz::Europe::Paris);
            format!(
                "{} {}",
                lang.short_date(p.date_naive()),
                p.format("%H:%M:%S")
            )
        })
        .unwrap_or_else(|_| at.to_string())
}

pub(super) fn history(
    f: &mut Frame,
    s: &State,
    t: &Theme,
    reference: &str,
    lines: &[HistoryLine],
    scroll: u16,
) {
    let lang = s.lang;
    let area = popup_area(f.area(), 90, 80);
    let width = area.width.saturating_sub(2) as usize;
    let mut out: Vec<Line> = Vec::new();
    if lines.is_empty() {
        out.push(Line::from(lang.t("Aucun événement.", "No event.")));
    }
    for l in lines {
        let head = format!("{}  {:<18} ", local_time(&l.at, lang), l.actor);
        let hang = head.chars().count();
        wrapped(
            &mut out,
            Span::styled(head, t.dim()),
            &describe(l, s),
            Style::new(),
            width,
            hang,
        );
    }
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .title(
            Line::from(format!(
                " {} — {reference} ",
                lang.t("Historique", "History")
            ))
            .style(t.title()),
        )
        .title_bottom(Line::from(lang.t(" Échap : fermer ", " Esc: close ")).style(t.dim()));
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(out).scroll((scroll, 0)).block(block), area);
}
