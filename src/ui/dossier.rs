//! The dossier pane: receipt, eligibility checks, attachments, then the
//! file's free content as titled sections.

use super::punct::colon;
use super::theme::{Theme, pane_block, verdict_lines};
use super::wrap::wrapped;
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::state::{Mode, Pane, State};
use jury_core::eligibility::Outcome;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::Paragraph;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

/// Words for the codes the format defines (`employment`) and the usual
/// structure kinds; any other value is shown as written.
fn code_label(key: &str, value: String, lang: jury_core::fr::Lang) -> String {
    match text::CODES
        .iter()
        .find(|(k, code, _)| *k == key && *code == value)
    {
        Some((_, _, label)) => lang.tr(*label).to_string(),
        None => value,
    }
}

fn scalar(v: &Value, lang: jury_core::fr::Lang) -> Option<String> {
    match v {
        // A time as imported (`2027-01-05T09:17:00+01:00`) reads as people
        // write it, in Paris.
        Value::String(s) => Some(match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(t) => {
                let local = t.with_timezone(&chrono_tz::Europe::Paris);
                format!(
                    "{} {} {}",
                    lang.date(local.date_naive()),
                    lang.tr(text::AT),
                    local.format("%H:%M")
                )
            }
            Err(_) => s.clone(),
        }),
        Value::Bool(b) => Some(
            if *b {
                lang.tr(text::YES)
            } else {
                lang.tr(text::NO)
            }
            .to_string(),
        ),
        Value::Number(n) => Some(
            n.as_f64()
                .map(|x| lang.score(x))
                .unwrap_or_else(|| n.to_string()),
        ),
        Value::Null => Some("—".into()),
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => Some(
            a.iter()
                .filter_map(|x| scalar(x, lang))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    }
}

/// Free content as titled sections, in file order.
fn value_lines(
    key: &str,
    v: &Value,
    depth: usize,
    lang: jury_core::fr::Lang,
    t: &Theme,
    width: usize,
    out: &mut Vec<Line<'static>>,
) {
    let indent = "  ".repeat(depth);
    let title = jury_core::labels::field_title(key, lang);
    if let Some(text) = scalar(v, lang).map(|t| code_label(key, t, lang)) {
        if text.contains('\n') || text.chars().count() > 50 {
            out.push(Line::from(Span::styled(
                format!("{indent}{title}{}", colon(lang)),
                t.dim(),
            )));
            for para in text.split('\n') {
                let lead = format!("{indent}  ");
                let hang = lead.len();
                wrapped(out, Span::raw(lead), para, Style::new(), width, hang);
            }
        } else {
            let prefix = Span::styled(format!("{indent}{title}{} ", colon(lang)), t.dim());
            wrapped(out, prefix, &text, Style::new(), width, indent.len() + 4);
        }
        return;
    }
    out.push(Line::from(Span::styled(
        format!("{indent}{title}"),
        if depth == 0 {
            t.title()
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        },
    )));
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                value_lines(k, x, depth + 1, lang, t, width, out);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                match x {
                    Value::Object(m) => {
                        out.push(Line::from(format!("{indent}  {}.", i + 1)));
                        for (k, y) in m {
                            value_lines(k, y, depth + 2, lang, t, width, out);
                        }
                    }
                    other => {
                        if let Some(s) = scalar(other, lang) {
                            let lead = format!("{indent}  • ");
                            let hang = indent.len() + 4;
                            wrapped(out, Span::raw(lead), &s, Style::new(), width, hang);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// « (E : compléter) » with the live keymap's key, for whoever may do it.
fn key_hint(s: &State, action: Action, what: jury_core::fr::Tr) -> String {
    let lang = s.env.lang;
    if !s.may_decide() {
        return String::new();
    }
    s.env
        .keymap
        .first_key(&[Context::Dossier, Context::Global], action)
        .map(|k| format!(" ({}{} {})", k.label(lang), colon(lang), lang.tr(what)))
        .unwrap_or_default()
}

pub(super) fn render(f: &mut Frame, s: &State, t: &Theme, area: Rect) -> u16 {
    let lang = s.env.lang;
    let focused = s.dossiers.focus == Pane::Dossier && s.mode == Mode::Normal;
    let Some(i) = s.current_index() else {
        f.render_widget(pane_block(lang.tr(text::DOSSIER).into(), focused, t), area);
        return 0;
    };
    let e = &s.batch.entries[i];
    let d = &e.dossier;
    // The whole dossier, parsed once for this frame from the card's text:
    // its report and its sections both read it.
    let full = d.full();
    let title = format!("{} {}", lang.tr(text::DOSSIER), d.reference);
    let block = pane_block(title, focused, t);
    let inner = block.inner(area);
    let width = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    let name = if d.structure.is_empty() {
        &d.email
    } else {
        &d.structure
    };
    wrapped(
        &mut lines,
        Span::raw(""),
        name,
        Style::new().add_modifier(Modifier::BOLD),
        width,
        0,
    );
    let local = d.received_at.with_timezone(&chrono_tz::Europe::Paris);
    let mut received = vec![Span::raw(format!(
        "{} {} {} {}",
        lang.tr(text::RECEIVED_ON),
        lang.date(local.date_naive()),
        lang.tr(text::AT),
        local.format("%H:%M")
    ))];
    if e.late {
        received.push(Span::styled(
            format!("  {}", lang.tr(text::LATE)),
            t.error(),
        ));
    }
    if e.version > 1 {
        received.push(Span::styled(
            format!("  · {} {}", lang.tr(text::VERSION), e.version),
            t.dim(),
        ));
    }
    lines.push(Line::from(received));
    // A card reads its text back from the database (`Card::kept`): a
    // database gone or damaged under the app says so here, not a blank.
    if full.raw.is_null() {
        wrapped(
            &mut lines,
            Span::raw(""),
            lang.tr(text::UNREADABLE),
            t.error(),
            width,
            0,
        );
    }
    let rapporteurs = s.batch.committee.rapporteurs(&d.reference);
    if !rapporteurs.is_empty() {
        let what = format!(
            "{}{} {}",
            lang.tr(text::RAPPORTEURS),
            colon(lang),
            rapporteurs.join(", ")
        );
        wrapped(&mut lines, Span::raw(""), &what, t.title(), width, 2);
    }
    let titles = |pointers: &[String]| jury_core::completion::titles(pointers, lang);
    if let Some(stale) = s.stale_for_me(&d.reference) {
        let what = format!(
            "{}{} {}",
            lang.tr(text::CHANGED_SINCE_YOUR_SCORE),
            colon(lang),
            titles(&stale.changed)
        );
        wrapped(
            &mut lines,
            Span::styled("⚠ ", t.warn()),
            &what,
            t.warn(),
            width,
            2,
        );
    }
    if let Some(file) = s.batch.pending_files.get(&d.reference) {
        let changed = jury_core::dossier::changed_fields(&full.raw, &file.raw);
        let what = format!(
            "{}{} {}{}",
            lang.tr(text::FILE_CHANGED),
            colon(lang),
            titles(&changed),
            key_hint(s, Action::AcceptFileVersion, text::ACCEPT)
        );
        wrapped(
            &mut lines,
            Span::styled("⚠ ", t.warn()),
            &what,
            t.warn(),
            width,
            2,
        );
    }
    if let Some(r) = s.request_of(&d.reference) {
        let standing = r.standing(s.env.today);
        let st = match standing {
            jury_core::request::Standing::Completed { .. } => t.dim(),
            _ => t.warn(),
        };
        let what = format!(
            "{} ({} {}{} {})",
            standing.describe(lang),
            lang.tr(text::ASKED_ON),
            lang.date(r.letter_date),
            colon(lang),
            r.missing.join(" ; ")
        );
        wrapped(&mut lines, Span::styled("✉ ", st), &what, st, width, 2);
    }
    if !e.to_complete.is_empty() {
        let what = format!(
            "{}{} {}{}",
            lang.tr(text::TO_COMPLETE),
            colon(lang),
            titles(&e.to_complete),
            key_hint(s, Action::EditDossier, text::COMPLETE)
        );
        wrapped(
            &mut lines,
            Span::styled("✎ ", t.warn()),
            &what,
            t.warn(),
            width,
            2,
        );
    }
    lines.push(Line::from(""));
    verdict_lines(&mut lines, s, i, t, width);
    for c in &jury_core::eligibility::evaluate(&s.batch.call, &full, lang).checks {
        let (mark, st, why) = match &c.outcome {
            Outcome::Met => ("✓", t.ok(), None),
            Outcome::NotMet(r) => (
                if c.required { "✗" } else { "·" },
                if c.required { t.error() } else { t.dim() },
                Some(r.clone()),
            ),
            Outcome::Unknown(r) => ("?", t.warn(), Some(r.clone())),
        };
        let prio = if c.required {
            ""
        } else {
            lang.tr(text::PRIORITY)
        };
        let label = format!("{}{prio}", c.label);
        wrapped(
            &mut lines,
            Span::styled(format!(" {mark} "), st),
            &label,
            Style::new(),
            width,
            3,
        );
        if let Some(why) = why {
            wrapped(&mut lines, Span::raw("   "), &why, t.dim(), width, 3);
        }
    }
    if !d.attachments.is_empty() {
        lines.push(Line::from(""));
        let key = s
            .env
            .keymap
            .first_key(
                &[Context::Dossier, Context::Grid, Context::Global],
                Action::OpenAttachment,
            )
            .map(|k| {
                format!(
                    " ({}{} {})",
                    k.label(lang),
                    colon(lang),
                    lang.tr(text::OPEN)
                )
            })
            .unwrap_or_default();
        lines.push(Line::from(Span::styled(
            format!("{}{key}", lang.tr(text::ATTACHMENTS)),
            t.title(),
        )));
        for (i, a) in d.attachments.iter().enumerate() {
            let line = Line::from(vec![
                Span::raw(format!("  [{}] {}", i + 1, a.title)),
                Span::styled(format!("  {}", a.path), t.dim()),
            ]);
            if line.width() <= width {
                lines.push(line);
                continue;
            }
            // Too wide: the title, then its file under it, both hung.
            let lead = format!("  [{}] ", i + 1);
            let hang = lead.width();
            wrapped(
                &mut lines,
                Span::raw(lead),
                &a.title,
                Style::new(),
                width,
                hang,
            );
            let under = Span::raw(" ".repeat(hang));
            wrapped(&mut lines, under, &a.path, t.dim(), width, hang);
        }
    }
    if let Value::Object(m) = &full.raw {
        for (k, v) in m {
            if matches!(
                k.as_str(),
                "format" | "reference" | "received_at" | "attachments"
            ) {
                continue;
            }
            lines.push(Line::from(""));
            value_lines(k, v, 0, lang, t, width, &mut lines);
        }
    }
    // Fitted to the pane here, so that its height is the number of lines:
    // a paragraph wrapping on its own lays the whole dossier out twice a
    // frame, once to count and once to draw.
    let lines = super::wrap::fit(lines, width);
    let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let max_scroll = total.saturating_sub(inner.height);
    let scroll = s.dossiers.dossier_scroll.min(max_scroll);
    let mut block = block;
    if max_scroll > 0 {
        block = block.title_bottom(
            Line::from(format!(
                " {}/{} ",
                (scroll + inner.height).min(total),
                total
            ))
            .right_aligned(),
        );
    }
    // Only the lines on screen go to the paragraph: one that scrolls
    // still walks every line above the window.
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(usize::from(scroll))
        .take(usize::from(inner.height))
        .collect();
    f.render_widget(Paragraph::new(Text::from(shown)).block(block), area);
    max_scroll
}

/// The dossier pane's texts, French then English.
mod text {
    pub const VERSION: Tr = Tr::new("version", "version");
    pub const CHANGED_SINCE_YOUR_SCORE: Tr =
        Tr::new("Modifié depuis votre note", "Changed since your score");
    pub const FILE_CHANGED: Tr = Tr::new(
        "Le fichier du dossier a changé depuis l'import",
        "The dossier's file changed since import",
    );
    pub const ACCEPT: Tr = Tr::new("accepter comme nouvelle version", "accept as a new version");
    pub const TO_COMPLETE: Tr = Tr::new("À compléter", "To complete");
    pub const ASKED_ON: Tr = Tr::new("demandées le", "asked on");
    pub const COMPLETE: Tr = Tr::new("compléter", "complete");
    use jury_core::fr::Tr;
    pub const RAPPORTEURS: Tr = Tr::new("Rapporteur·e·s", "Rapporteurs");

    pub const YES: Tr = Tr::new("oui", "yes");
    pub const NO: Tr = Tr::new("non", "no");
    pub const DOSSIER: Tr = Tr::new("Dossier", "Dossier");
    pub const RECEIVED_ON: Tr = Tr::new("Reçu le", "Received on");
    pub const AT: Tr = Tr::new("à", "at");
    pub const LATE: Tr = Tr::new("HORS DÉLAI", "LATE");
    pub const UNREADABLE: Tr = Tr::new(
        "Le texte de ce dossier n'a pas pu être relu dans la base : vérifiez qu'elle est toujours là, puis quittez et rouvrez Jury. Les notes déjà saisies sont enregistrées.",
        "This dossier's text could not be read back from the database: check it is still there, then quit and reopen Jury. Scores already typed are saved.",
    );
    pub const PRIORITY: Tr = Tr::new(" (priorité)", " (priority)");
    pub const OPEN: Tr = Tr::new("ouvrir", "open");
    pub const ATTACHMENTS: Tr = Tr::new("Pièces jointes", "Attachments");

    /// Words for coded values: key, code, words.
    pub const CODES: &[(&str, &str, Tr)] = &[
        ("employment", "salarie", Tr::new("salarié·e", "employee")),
        ("employment", "benevole", Tr::new("bénévole", "volunteer")),
        (
            "employment",
            "independant",
            Tr::new("indépendant·e", "self-employed"),
        ),
        ("employment", "autre", Tr::new("autre", "other")),
        (
            "kind",
            "centre_social",
            Tr::new("centre social", "social centre"),
        ),
        (
            "kind",
            "evs",
            Tr::new("espace de vie sociale (EVS)", "community space (EVS)"),
        ),
        (
            "kind",
            "laep",
            Tr::new(
                "lieu d'accueil enfants-parents (LAEP)",
                "parent-child drop-in (LAEP)",
            ),
        ),
        (
            "kind",
            "lieu_ressource_parentalite",
            Tr::new("lieu ressource parentalité", "parenting resource centre"),
        ),
        (
            "kind",
            "mediation_familiale",
            Tr::new("service de médiation familiale", "family mediation service"),
        ),
        (
            "kind",
            "espace_rencontre",
            Tr::new("espace de rencontre parents-enfants", "contact centre"),
        ),
        ("kind", "association", Tr::new("association", "association")),
        ("kind", "mairie", Tr::new("commune", "municipality")),
    ];
}
