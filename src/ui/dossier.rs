//! The dossier pane: receipt, eligibility checks, attachments, then the
//! file's free content as titled sections.

use super::theme::{Theme, pane_block};
use super::wrap::wrapped;
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::state::{Mode, Pane, State};
use jury_core::eligibility::{Outcome, Verdict};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Wrap};
use serde_json::Value;

/// Human titles for the usual keys; any other key is shown as written.
fn field_title(key: &str, lang: jury_core::fr::Lang) -> String {
    let known = match key {
        "structure" => Some(("Structure porteuse", "Applicant structure")),
        "professional" => Some(("Professionnel pressenti", "Proposed professional")),
        "project" => Some(("Projet", "Project")),
        "commitments" => Some(("Engagements", "Commitments")),
        "attachments" => Some(("Pièces jointes", "Attachments")),
        "name" => Some(("Nom", "Name")),
        "kind" => Some(("Type", "Kind")),
        "address" => Some(("Adresse", "Address")),
        "street" => Some(("Rue", "Street")),
        "postcode" => Some(("Code postal", "Postcode")),
        "city" => Some(("Commune", "Town")),
        "territory" => Some(("Territoire", "Territory")),
        "representative" => Some(("Représentant·e", "Representative")),
        "title" => Some(("Fonction", "Title")),
        "email" => Some(("Courriel", "E-mail")),
        "phone" => Some(("Téléphone", "Phone")),
        "experience" => Some(("Expérience", "Experience")),
        "role" => Some(("Fonction", "Role")),
        "employment" => Some(("Statut", "Employment")),
        "qualifications" => Some(("Qualifications", "Qualifications")),
        "parenting_experience_years" => Some((
            "Années d'expérience parentalité",
            "Years in parenting support",
        )),
        "digital" => Some(("Pratique du numérique", "Digital practice")),
        "weekly_online_hours" => Some(("Heures en ligne par semaine", "Weekly online hours")),
        "permanence" => Some(("Permanence", "Online slot")),
        "networks" => Some(("Réseaux", "Networks")),
        "coherence" => Some(("Cohérence avec le projet", "Fit with the project")),
        "public" => Some(("Public", "Public")),
        "charter_signed" => Some(("Charte signée", "Charter signed")),
        "training_first_steps" => Some(("Formation « Premiers pas »", "“First steps” training")),
        "quarterly_meetings" => Some(("Regroupements trimestriels", "Quarterly meetings")),
        "startup_aid_requested" => Some(("Aide au démarrage demandée", "Start-up aid requested")),
        "startup_aid" => Some(("Aide au démarrage", "Start-up aid")),
        "items" => Some(("Équipement", "Items")),
        "amount" => Some(("Montant (€)", "Amount (€)")),
        "observations" => Some(("Observations", "Observations")),
        _ => None,
    };
    match known {
        Some((fr, en)) => lang.t(fr, en).to_string(),
        None => {
            let mut t = key.replace('_', " ");
            if let Some(first) = t.get(..1) {
                let up = first.to_uppercase();
                t.replace_range(..1, &up);
            }
            t
        }
    }
}

/// Words for the codes the format defines (`employment`) and the usual
/// structure kinds; any other value is shown as written.
fn code_label(key: &str, text: String, lang: jury_core::fr::Lang) -> String {
    let label = match (key, text.as_str()) {
        ("employment", "salarie") => lang.t("salarié·e", "employee"),
        ("employment", "benevole") => lang.t("bénévole", "volunteer"),
        ("employment", "independant") => lang.t("indépendant·e", "self-employed"),
        ("employment", "autre") => lang.t("autre", "other"),
        ("kind", "centre_social") => lang.t("centre social", "social centre"),
        ("kind", "evs") => lang.t("espace de vie sociale (EVS)", "community space (EVS)"),
        ("kind", "laep") => lang.t(
            "lieu d'accueil enfants-parents (LAEP)",
            "parent-child drop-in (LAEP)",
        ),
        ("kind", "lieu_ressource_parentalite") => {
            lang.t("lieu ressource parentalité", "parenting resource centre")
        }
        ("kind", "mediation_familiale") => {
            lang.t("service de médiation familiale", "family mediation service")
        }
        ("kind", "espace_rencontre") => {
            lang.t("espace de rencontre parents-enfants", "contact centre")
        }
        ("kind", "association") => lang.t("association", "association"),
        ("kind", "mairie") => lang.t("commune", "municipality"),
        _ => return text,
    };
    label.to_string()
}

fn scalar(v: &Value, lang: jury_core::fr::Lang) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(
            if *b {
                lang.t("oui", "yes")
            } else {
                lang.t("non", "no")
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
    let title = field_title(key, lang);
    if let Some(text) = scalar(v, lang).map(|t| code_label(key, t, lang)) {
        if text.contains('\n') || text.chars().count() > 50 {
            out.push(Line::from(Span::styled(
                format!("{indent}{title} :"),
                t.dim(),
            )));
            for para in text.split('\n') {
                let lead = format!("{indent}  ");
                let hang = lead.len();
                wrapped(out, Span::raw(lead), para, Style::new(), width, hang);
            }
        } else {
            let prefix = Span::styled(format!("{indent}{title} : "), t.dim());
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

pub(super) fn render(f: &mut Frame, s: &State, t: &Theme, area: Rect) -> u16 {
    let lang = s.lang;
    let focused = s.focus == Pane::Dossier && s.mode == Mode::Normal;
    let Some(e) = s.current() else {
        f.render_widget(
            pane_block(lang.t("Dossier", "Dossier").into(), focused, t),
            area,
        );
        return 0;
    };
    let d = &e.dossier;
    let title = format!("{} {}", lang.t("Dossier", "Dossier"), d.reference);
    let block = pane_block(title, focused, t);
    let inner = block.inner(area);
    let width = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    wrapped(
        &mut lines,
        Span::raw(""),
        &d.structure,
        Style::new().add_modifier(Modifier::BOLD),
        width,
        0,
    );
    let local = d.received_at.with_timezone(&chrono_tz::Europe::Paris);
    let mut received = vec![Span::raw(format!(
        "{} {} {} {}",
        lang.t("Reçu le", "Received on"),
        lang.date(local.date_naive()),
        lang.t("à", "at"),
        local.format("%H:%M")
    ))];
    if e.late {
        received.push(Span::styled(
            format!("  {}", lang.t("HORS DÉLAI", "LATE")),
            t.error(),
        ));
    }
    lines.push(Line::from(received));
    lines.push(Line::from(""));
    let (verdict, style) = match e.eligibility.verdict {
        Verdict::Eligible => (lang.t("Recevable", "Eligible"), t.ok()),
        Verdict::Unknown => (
            lang.t("Recevabilité à vérifier", "Eligibility to check"),
            t.warn(),
        ),
        Verdict::Ineligible => (lang.t("Irrecevable", "Ineligible"), t.error()),
    };
    lines.push(Line::from(Span::styled(
        verdict.to_string(),
        style.add_modifier(Modifier::BOLD),
    )));
    for c in &e.eligibility.checks {
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
            lang.t(" (priorité)", " (priority)")
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
            .keymap
            .first_key(
                &[Context::Dossier, Context::Grid, Context::Global],
                Action::OpenAttachment,
            )
            .map(|k| format!(" ({} : {})", k.label(), lang.t("ouvrir", "open")))
            .unwrap_or_default();
        lines.push(Line::from(Span::styled(
            format!("{}{key}", lang.t("Pièces jointes", "Attachments")),
            t.title(),
        )));
        for (i, a) in d.attachments.iter().enumerate() {
            lines.push(Line::from(vec![
                Span::raw(format!("  [{}] {}", i + 1, a.title)),
                Span::styled(format!("  {}", a.path), t.dim()),
            ]));
        }
    }
    if let Value::Object(m) = &d.raw {
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
    let para = Paragraph::new(Text::from(lines)).wrap(Wrap { trim: false });
    let total = para.line_count(inner.width) as u16;
    let max_scroll = total.saturating_sub(inner.height);
    let scroll = s.dossier_scroll.min(max_scroll);
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
    f.render_widget(para.scroll((scroll, 0)).block(block), area);
    max_scroll
}
