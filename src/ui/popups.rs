//! Pop-ups over the screens: the import report, the reviewer and comment
//! prompts, attachments, forms and a dossier's history.

use super::punct::{colon, quoted};
use super::theme::Theme;
use super::wrap::wrapped;
use crate::app::form::{Form, Value};
use crate::app::history::Happened;
use crate::app::state::{HistoryLine, State};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

/// A centred rectangle of the given share of `area`, at least 40×8 where
/// the terminal allows.
pub(super) fn popup_area(area: Rect, pct_w: u16, pct_h: u16) -> Rect {
    let w = (area.width * pct_w / 100).max(40).min(area.width);
    let h = (area.height * pct_h / 100).max(8).min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub(super) fn form(f: &mut Frame, s: &State, t: &Theme, form: &Form) {
    let lang = s.env.lang;
    let area = popup_area(f.area(), 80, 70);
    let width = area.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    if let Some(note) = &form.note {
        wrapped(&mut lines, Span::raw(""), note, t.dim(), width, 0);
        lines.push(Line::from(""));
    }
    // Why the last submission was refused, above the fields: a long form
    // scrolls, and the reason must stay in view.
    if let Some(e) = &form.error {
        wrapped(
            &mut lines,
            Span::styled("⚠ ", t.error()),
            e,
            t.error(),
            width,
            2,
        );
        lines.push(Line::from(""));
    }
    let fixed = lines.len();
    let mut focus_at = (fixed, fixed);
    for (i, field) in form.fields.iter().enumerate() {
        if field.hidden {
            continue;
        }
        let here = i == form.focus;
        if here {
            focus_at.0 = lines.len();
        }
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
                    Span::styled(format!("{}{} ", field.label, colon(lang)), label_style),
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
                    Span::styled(format!("{}{}", field.label, colon(lang)), label_style),
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
        if here {
            focus_at.1 = lines.len();
        }
    }
    // The fields scroll under the note and the error so the focused one
    // shows whole (forms such as a dossier's completion outgrow the popup).
    let height = area.height.saturating_sub(2) as usize;
    let shown = height.saturating_sub(fixed).max(1);
    let skip = focus_at
        .1
        .saturating_sub(fixed + shown)
        .min(focus_at.0 - fixed);
    if skip > 0 {
        lines.drain(fixed..fixed + skip);
    }
    let help = fitted_keys(lang.tr(text::FORM_KEYS), width);
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

/// The form's keys on its bottom border, in `width` columns: confirming
/// and cancelling always, then the others in their order while they fit.
fn fitted_keys(all: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let parts: Vec<&str> = all.trim().split(" · ").collect();
    // Confirm and cancel are the last two: kept first.
    let order: Vec<usize> = (0..parts.len())
        .rev()
        .take(2)
        .chain(0..parts.len().saturating_sub(2))
        .collect();
    let mut kept = vec![false; parts.len()];
    let mut used = 0;
    for i in order {
        let cost = parts[i].width() + if used == 0 { 0 } else { 3 };
        if used + cost + 2 <= width {
            kept[i] = true;
            used += cost;
        }
    }
    let shown: Vec<&str> = parts
        .iter()
        .zip(kept)
        .filter(|(_, k)| *k)
        .map(|(p, _)| *p)
        .collect();
    format!(" {} ", shown.join(" · "))
}

/// One audit event as a sentence.
fn describe(l: &HistoryLine, s: &State) -> String {
    let lang = s.env.lang;
    let score = |v: &Option<f64>| v.map(|x| lang.score(x)).unwrap_or_else(|| "—".into());
    let label = |id: &str| {
        s.batch
            .call
            .any_criterion(id)
            .map(|c| c.label.clone())
            .unwrap_or_default()
    };
    let day = |iso: &str| {
        chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
            .map(|d| lang.date(d))
            .unwrap_or_else(|_| iso.to_string())
    };
    match &l.what {
        Happened::Imported => lang.tr(text::EVENT_IMPORT).to_string(),
        Happened::Score {
            criterion,
            before,
            after,
            comment,
        } => {
            let mut text = format!(
                "{} {}{} {} → {}",
                lang.tr(text::EVENT_SCORE),
                quoted(lang, &label(criterion)),
                colon(lang),
                score(before),
                score(after)
            );
            if let Some(comment) = comment {
                text.push_str(&format!(
                    " ({} {})",
                    lang.tr(text::EVENT_COMMENT),
                    quoted(lang, comment)
                ));
            }
            text
        }
        Happened::Consensus {
            criterion,
            before,
            after,
        } => format!(
            "{} {}{} {} → {}",
            lang.tr(text::EVENT_CONSENSUS),
            quoted(lang, &label(criterion)),
            colon(lang),
            score(before),
            score(after)
        ),
        Happened::Conflict { member, declared } => format!(
            "{member} {}",
            lang.tr(if *declared {
                text::EVENT_RECUSES
            } else {
                text::EVENT_WITHDRAWS
            })
        ),
        Happened::Withdrew {
            received_on,
            channel,
        } => format!(
            "{} {} ({})",
            lang.tr(text::EVENT_WITHDREW),
            day(received_on),
            jury_core::withdrawal::channel_label(channel, lang)
        ),
        Happened::Replaced { promoted } => {
            format!("{} {promoted}", lang.tr(text::EVENT_REPLACED))
        }
        Happened::Absence { absent } => lang
            .tr(if *absent {
                text::EVENT_ABSENT
            } else {
                text::EVENT_PRESENT
            })
            .to_string(),
        Happened::Assigned { member, assigned } => format!(
            "{member} {}",
            lang.tr(if *assigned {
                text::EVENT_ASSIGNED
            } else {
                text::EVENT_UNASSIGNED
            })
        ),
        Happened::Override {
            eligible,
            justification,
        } => format!(
            "{} — {justification}",
            lang.tr(if *eligible {
                text::EVENT_OVERRIDE_ELIGIBLE
            } else {
                text::EVENT_OVERRIDE_INELIGIBLE
            })
        ),
        Happened::NewVersion {
            version,
            from_file,
            changed,
        } => format!(
            "{} {version}{} {}",
            lang.tr(if *from_file {
                text::EVENT_FILE_VERSION
            } else {
                text::EVENT_NEW_VERSION
            }),
            colon(lang),
            jury_core::completion::titles(changed, lang)
        ),
        Happened::PiecesRequested { due, missing } => format!(
            "{} {}{}",
            lang.tr(text::EVENT_PIECES_REQUESTED),
            day(due),
            if missing.is_empty() {
                String::new()
            } else {
                format!("{} {}", colon(lang), missing.replace('\n', " ; "))
            }
        ),
        Happened::LetterProduced { signed_on } => {
            format!("{} {}", lang.tr(text::EVENT_LETTER), day(signed_on))
        }
        Happened::LetterSent { date, channel } => format!(
            "{} {} ({})",
            lang.tr(text::EVENT_LETTER_SENT),
            day(date),
            lang.tr(if channel == "post" {
                text::EVENT_BY_POST
            } else {
                text::EVENT_BY_EMAIL
            })
        ),
        Happened::LetterAcknowledged { date } => {
            format!("{} {}", lang.tr(text::EVENT_LETTER_ACK), day(date))
        }
        Happened::PacketResolved {
            criterion,
            member,
            kept,
        } => format!(
            "{} {}{} {member} → {}",
            lang.tr(text::EVENT_PACKET_RESOLVED),
            quoted(lang, &label(criterion)),
            colon(lang),
            score(kept)
        ),
        Happened::OverrideRemoved => lang.tr(text::EVENT_OVERRIDE_REMOVED).to_string(),
        Happened::Decision {
            kind,
            motivation,
            changed,
        } => {
            let label = jury_core::decision::kind(&s.batch.call, kind, lang)
                .map(|k| k.label)
                .unwrap_or(kind.to_string());
            let verb = if *changed {
                lang.tr(text::EVENT_DECISION_CHANGED)
            } else {
                lang.tr(text::EVENT_DECISION)
            };
            format!("{verb} {label} — {motivation}")
        }
        Happened::SlotMoved { day, from } => {
            let day = day
                .parse::<chrono::NaiveDate>()
                .map(|d| lang.date(d))
                .unwrap_or_else(|_| day.clone());
            format!("{} {day}, {from}", lang.tr(text::EVENT_SLOT_MOVED))
        }
        Happened::SlotFixed(fixed) => lang
            .tr(if *fixed {
                text::EVENT_SLOT_FIXED
            } else {
                text::EVENT_SLOT_FREED
            })
            .to_string(),
        Happened::Undo => lang.tr(text::EVENT_UNDO).to_string(),
        Happened::Other(action) => action.clone(),
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
    let lang = s.env.lang;
    let area = popup_area(f.area(), 90, 80);
    let width = area.width.saturating_sub(2) as usize;
    let mut out: Vec<Line> = Vec::new();
    if lines.is_empty() {
        out.push(Line::from(lang.tr(text::NO_EVENT)));
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
        .title(Line::from(format!(" {} — {reference} ", lang.tr(text::HISTORY))).style(t.title()))
        .title_bottom(Line::from(lang.tr(text::ESC_CLOSE)).style(t.dim()));
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(out).scroll((scroll, 0)).block(block), area);
}

pub(super) fn report(f: &mut Frame, s: &State, t: &Theme, scroll: u16) {
    let lang = s.env.lang;
    let area = popup_area(f.area(), 90, 70);
    let errors = s
        .batch
        .report
        .iter()
        .filter(|d| d.severity == jury_core::json::Severity::Error)
        .count();
    let mut lines: Vec<Line> = vec![
        Line::from(format!(
            "{} {} {}, {} {}.",
            errors,
            lang.tr(text::ERRORS),
            lang.tr(text::TO_FIX),
            s.batch.entries.len(),
            lang.tr(text::DOSSIERS_LOADED)
        )),
        Line::from(Span::styled(
            lang.tr(text::NOT_IMPORTED).to_string(),
            t.dim(),
        )),
        Line::from(""),
    ];
    for d in &s.batch.report {
        let style = if d.severity == jury_core::json::Severity::Error {
            t.error()
        } else {
            t.warn()
        };
        lines.push(Line::from(Span::styled(d.to_string(), style)));
    }
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .title(Line::from(format!(" {} ", lang.tr(text::IMPORT_REPORT))).style(t.title()))
        .title_bottom(Line::from(format!(" {} ", lang.tr(text::ENTER_CONTINUE))));
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(block),
        area,
    );
}

fn input_popup(f: &mut Frame, t: &Theme, title: String, prompt: Vec<Line<'static>>, input: &str) {
    let area = popup_area(f.area(), 60, 30);
    let mut lines = prompt;
    lines.push(Line::from(""));
    lines.push(Line::from(vec![
        Span::styled("> ", t.title()),
        Span::raw(input.to_string()),
        Span::styled("▏", t.title()),
    ]));
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .title(Line::from(format!(" {title} ")).style(t.title()));
    f.render_widget(Clear, area);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

pub(super) fn ask_reviewer(f: &mut Frame, s: &State, t: &Theme) {
    let lang = s.env.lang;
    let mut prompt = vec![Line::from(lang.tr(text::WHO_SCORES))];
    // The committee as the database holds it: the call's members and those added since.
    let members = &s.batch.committee.data.members;
    if !members.is_empty() {
        let names: Vec<&str> = members.iter().map(|m| m.0.as_str()).collect();
        prompt.push(Line::from(Span::styled(
            format!("{} {}", lang.tr(text::COMMITTEE), names.join(", ")),
            t.dim(),
        )));
    }
    if let Some(note) = &s.who_note {
        // The list of members is already above: the question or refusal alone.
        let first = note.lines().next().unwrap_or_default();
        prompt.push(Line::from(Span::styled(first.to_string(), t.title())));
    }
    prompt.push(Line::from(Span::styled(
        lang.tr(text::REVIEWER_KEYS).to_string(),
        t.dim(),
    )));
    input_popup(f, t, lang.tr(text::REVIEWER).into(), prompt, &s.input);
}

pub(super) fn comment(f: &mut Frame, s: &State, t: &Theme) {
    let lang = s.env.lang;
    let label = s.current_criterion().map_or("", |c| c.label.as_str());
    let reference = s.current_reference().unwrap_or_default();
    let prompt = vec![
        Line::from(Span::styled(
            format!("{reference} — {label}"),
            Style::new().add_modifier(Modifier::BOLD),
        )),
        Line::from(Span::styled(
            lang.tr(text::COMMENT_KEYS).to_string(),
            t.dim(),
        )),
    ];
    input_popup(f, t, lang.tr(text::COMMENT).into(), prompt, &s.input);
}

pub(super) fn attachments(f: &mut Frame, s: &State, t: &Theme, selected: usize) {
    let lang = s.env.lang;
    let area = popup_area(f.area(), 60, 40);
    let Some(e) = s.current() else { return };
    let lines: Vec<Line> = e
        .dossier
        .attachments
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let line = Line::from(format!(" {} — {}", a.title, a.path));
            if i == selected {
                line.style(t.selected())
            } else {
                line
            }
        })
        .collect();
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .title(Line::from(format!(" {} ", lang.tr(text::OPEN_ATTACHMENT))).style(t.title()));
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(lines).block(block), area);
}

/// The pop-ups' texts, French then English, pop-up by pop-up.
mod text {
    pub const EVENT_LETTER: jury_core::fr::Tr =
        jury_core::fr::Tr::new("courrier produit, daté du", "letter produced, dated");
    pub const EVENT_LETTER_SENT: jury_core::fr::Tr =
        jury_core::fr::Tr::new("courrier envoyé le", "letter sent on");
    pub const EVENT_BY_POST: jury_core::fr::Tr =
        jury_core::fr::Tr::new("par courrier postal", "by post");
    pub const EVENT_BY_EMAIL: jury_core::fr::Tr =
        jury_core::fr::Tr::new("par courriel", "by e-mail");
    pub const EVENT_LETTER_ACK: jury_core::fr::Tr =
        jury_core::fr::Tr::new("accusé de réception reçu le", "acknowledgement received on");
    pub const EVENT_PACKET_RESOLVED: jury_core::fr::Tr = jury_core::fr::Tr::new(
        "désaccord entre paquets tranché sur",
        "disagreement between packets settled on",
    );
    pub const EVENT_NEW_VERSION: jury_core::fr::Tr =
        jury_core::fr::Tr::new("dossier corrigé, version", "dossier corrected, version");
    pub const EVENT_FILE_VERSION: jury_core::fr::Tr = jury_core::fr::Tr::new(
        "version du fichier acceptée, version",
        "file's version accepted, version",
    );
    pub const EVENT_PIECES_REQUESTED: jury_core::fr::Tr = jury_core::fr::Tr::new(
        "pièces manquantes demandées pour le",
        "missing pieces requested by",
    );
    use jury_core::fr::Tr;
    pub const EVENT_ABSENT: Tr = Tr::new(
        "noté·e absent·e à l'audition",
        "recorded absent from the audition",
    );
    pub const EVENT_WITHDREW: Tr = Tr::new("désistement reçu le", "withdrawal received on");
    pub const EVENT_REPLACED: Tr = Tr::new(
        "remplacé·e après son désistement par",
        "replaced after the withdrawal by",
    );
    pub const EVENT_PRESENT: Tr = Tr::new(
        "absence à l'audition retirée",
        "absence from the audition withdrawn",
    );

    // Forms
    pub const FORM_KEYS: Tr = Tr::new(
        " Tab/↓ champ suivant · ←→ choix · Espace cocher · Entrée valider · Échap annuler ",
        " Tab/↓ next field · ←→ choose · Space tick · Enter confirm · Esc cancel ",
    );

    // History: one sentence per audit event
    pub const EVENT_IMPORT: Tr = Tr::new("dossier importé", "dossier imported");
    pub const EVENT_SCORE: Tr = Tr::new("note", "score");
    pub const EVENT_COMMENT: Tr = Tr::new("commentaire", "comment");
    pub const EVENT_CONSENSUS: Tr = Tr::new("consensus", "consensus");
    pub const EVENT_RECUSES: Tr = Tr::new(
        "se déporte (conflit d'intérêts)",
        "recuses (conflict of interest)",
    );
    pub const EVENT_ASSIGNED: Tr = Tr::new("désigné·e rapporteur·e", "made a rapporteur");
    pub const EVENT_SLOT_MOVED: Tr = Tr::new("audition déplacée au", "audition moved to");
    pub const EVENT_SLOT_FIXED: Tr = Tr::new("créneau d'audition fixé", "audition slot fixed");
    pub const EVENT_SLOT_FREED: Tr = Tr::new("créneau d'audition libéré", "audition slot freed");
    pub const EVENT_UNASSIGNED: Tr = Tr::new(
        "n'est plus rapporteur·e de ce dossier",
        "no longer a rapporteur of this dossier",
    );
    pub const EVENT_WITHDRAWS: Tr =
        Tr::new("retire son conflit d'intérêts", "withdraws the conflict");
    pub const EVENT_OVERRIDE_ELIGIBLE: Tr = Tr::new(
        "déclaré recevable par dérogation",
        "declared eligible by override",
    );
    pub const EVENT_OVERRIDE_INELIGIBLE: Tr = Tr::new(
        "déclaré irrecevable par dérogation",
        "declared ineligible by override",
    );
    pub const EVENT_OVERRIDE_REMOVED: Tr = Tr::new("dérogation retirée", "override removed");
    pub const EVENT_DECISION_CHANGED: Tr = Tr::new("décision modifiée :", "decision changed:");
    pub const EVENT_DECISION: Tr = Tr::new("décision :", "decision:");
    pub const EVENT_UNDO: Tr = Tr::new("annulation de la dernière action", "last action undone");
    pub const NO_EVENT: Tr = Tr::new("Aucun événement.", "No event.");
    pub const HISTORY: Tr = Tr::new("Historique", "History");
    pub const ESC_CLOSE: Tr = Tr::new(" Échap : fermer ", " Esc: close ");

    // Import report
    pub const ERRORS: Tr = Tr::new("erreur(s)", "error(s)");
    pub const TO_FIX: Tr = Tr::new("à corriger dans les fichiers", "to fix in the files");
    pub const DOSSIERS_LOADED: Tr = Tr::new("dossier(s) chargé(s)", "dossier(s) loaded");
    pub const NOT_IMPORTED: Tr = Tr::new(
        "Les fichiers en erreur n'ont pas été importés ; corrigez-les puis relancez Jury.",
        "Files with errors were not imported; fix them and start Jury again.",
    );
    pub const IMPORT_REPORT: Tr = Tr::new("Rapport d'import", "Import report");
    pub const ENTER_CONTINUE: Tr = Tr::new("Entrée : continuer", "Enter: continue");

    // Reviewer prompt
    pub const WHO_SCORES: Tr = Tr::new(
        "Qui note ? Vos notes seront enregistrées à ce nom.",
        "Who is scoring? Your scores are saved under this name.",
    );
    pub const COMMITTEE: Tr = Tr::new("Comité :", "Committee:");
    pub const REVIEWER_KEYS: Tr = Tr::new(
        "Entrée : valider · Échap : lire sans noter",
        "Enter: confirm · Esc: read without scoring",
    );
    pub const REVIEWER: Tr = Tr::new("Évaluateur", "Reviewer");

    // Comment prompt
    pub const COMMENT_KEYS: Tr = Tr::new(
        "Entrée : enregistrer · Échap : annuler",
        "Enter: save · Esc: cancel",
    );
    pub const COMMENT: Tr = Tr::new("Commentaire", "Comment");

    // Attachments
    pub const OPEN_ATTACHMENT: Tr = Tr::new("Ouvrir une pièce jointe", "Open an attachment");
}
