//! Drawing. Reads the state, never changes it, never touches the database.

mod committee;
mod letters;
mod popups;

use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::state::{F_CITY, F_REFERENCE, F_STRUCTURE, FrameInfo, Mode, Pane, Progress, State};
use jury_core::eligibility::{Outcome, Verdict};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, BorderType, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// From this width the grid gets its own column.
pub const WIDE: u16 = 120;

pub(crate) struct Theme {
    color: bool,
}

impl Theme {
    pub(crate) fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }
    pub(crate) fn selected(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
    pub(crate) fn matched(&self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub(crate) fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub(crate) fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }
    pub(crate) fn ok(&self) -> Style {
        self.fg(Color::Green)
    }
    pub(crate) fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }
    pub(crate) fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub(crate) fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.dim()
        }
    }
}

pub fn render(f: &mut Frame, s: &State) -> FrameInfo {
    let area = f.area();
    let theme = Theme { color: s.color };
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(f, s, area);
        return FrameInfo::default();
    }
    let [header, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(f, s, &theme, header);
    if s.screen != crate::app::state::Screen::Dossiers {
        if s.screen == crate::app::state::Screen::Committee {
            committee::render(f, s, &theme, body);
        } else {
            letters::render(f, s, &theme, body);
        }
        render_status(f, s, &theme, status);
        render_hints(f, s, &theme, hints);
        render_popups(f, s, &theme);
        return FrameInfo {
            page: body.height.saturating_sub(4).max(1),
            dossier_max_scroll: s.dossier_scroll,
            list_rows: 0,
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
        render_list(f, s, &theme, list);
        render_grid(f, s, &theme, grid);
        (
            render_dossier(f, s, &theme, dossier),
            list.height.saturating_sub(3),
        )
    } else {
        let rows = s.call.criteria.len() as u16 + 3;
        let [top, grid] = Layout::vertical([
            Constraint::Min(6),
            Constraint::Length(rows.min(body.height / 2)),
        ])
        .areas(body);
        let [list, dossier] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
        render_list(f, s, &theme, list);
        render_grid_strip(f, s, &theme, grid);
        (
            render_dossier(f, s, &theme, dossier),
            list.height.saturating_sub(3),
        )
    };
    render_status(f, s, &theme, status);
    render_hints(f, s, &theme, hints);
    render_popups(f, s, &theme);
    FrameInfo {
        page: body.height.saturating_sub(3).max(1),
        dossier_max_scroll: max_scroll,
        list_rows,
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
        Mode::Help { scroll } => render_help(f, s, theme, *scroll),
        Mode::Report { scroll } => render_report(f, s, theme, *scroll),
        Mode::AskReviewer => render_ask_reviewer(f, s, theme),
        Mode::Comment => render_comment(f, s, theme),
        Mode::Attachments { selected } => render_attachments(f, s, theme, *selected),
        Mode::Normal | Mode::Filter => {}
    }
}

fn too_small(f: &mut Frame, s: &State, area: Rect) {
    let lang = s.lang;
    let text = vec![
        Line::from(lang.t("Terminal trop petit", "Terminal too small"))
            .style(Style::new().add_modifier(Modifier::BOLD)),
        Line::from(format!(
            "{} {}×{}",
            lang.t("Taille actuelle :", "Current size:"),
            area.width,
            area.height
        )),
        Line::from(format!(
            "{} {MIN_WIDTH}×{MIN_HEIGHT}.",
            lang.t(
                "Agrandissez la fenêtre à au moins",
                "Enlarge the window to at least"
            ),
        )),
        Line::from(lang.t("Vos notes sont enregistrées.", "Your scores are saved.")),
    ];
    let h = (text.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    let p = Paragraph::new(text).centered().wrap(Wrap { trim: true });
    f.render_widget(p, Rect::new(area.x, y, area.width, h));
}

fn render_header(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.lang;
    let who = match &s.reviewer {
        Some(r) => Span::styled(
            format!(" {} {r} ", lang.t("Évaluateur :", "Reviewer:")),
            t.title(),
        ),
        None => Span::styled(
            format!(
                " {} ",
                lang.t(
                    "Évaluateur : (aucun — lecture seule)",
                    "Reviewer: (none — read only)"
                )
            ),
            t.warn(),
        ),
    };
    let counts = format!(
        " {} {} · {} {} ",
        s.entries.len(),
        lang.t("dossiers", "dossiers"),
        lang.t("notés :", "scored:"),
        s.scored_count(),
    );
    let line = Line::from(vec![
        Span::styled(" Jury ", t.title().add_modifier(Modifier::REVERSED)),
        Span::raw(" "),
        Span::styled(
            s.call.title.clone(),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw("  "),
        who,
        Span::styled(counts, t.dim()),
    ]);
    f.render_widget(Paragraph::new(line), area);
}

pub(crate) fn pane_block<'a>(title: String, focused: bool, t: &Theme) -> Block<'a> {
    Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(t.border(focused))
        .title(Line::from(format!(" {title} ")).style(if focused {
            t.title()
        } else {
            Style::new()
        }))
}

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

pub(crate) fn verdict_mark(s: &State, i: usize, t: &Theme) -> Span<'static> {
    match s.verdict(i) {
        Verdict::Eligible => Span::styled("✓", t.ok()),
        Verdict::Unknown => Span::styled("?", t.warn()),
        Verdict::Ineligible => Span::styled("✗", t.error()),
    }
}

fn render_list(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.lang;
    let focused = s.focus == Pane::List && matches!(s.mode, Mode::Normal | Mode::Filter);
    let mut title = format!(
        "{} ({}/{})",
        lang.t("Dossiers", "Dossiers"),
        s.view.len(),
        s.entries.len()
    );
    title.push_str(&format!(
        " · {} {}{}",
        lang.t("tri :", "sort:"),
        if s.filter.trim().is_empty() {
            s.sort.label(lang)
        } else {
            lang.t("pertinence", "relevance")
        },
        if s.descending { " ↑" } else { "" }
    ));
    if s.list_filter != crate::app::state::ListFilter::All {
        title.push_str(&format!(
            " · {} {}",
            lang.t("filtre :", "filter:"),
            s.list_filter.label(lang, &s.territories)
        ));
    }
    let mut block = pane_block(title, focused, t);
    if s.mode == Mode::Filter || !s.filter.is_empty() {
        let cursor = if s.mode == Mode::Filter { "▏" } else { "" };
        block = block.title_bottom(Line::from(vec![
            Span::styled(" / ", t.title()),
            Span::styled(format!("{}{cursor} ", s.filter), t.matched()),
        ]));
    }
    let inner_w = area.width.saturating_sub(2);
    let wide = inner_w >= 60;
    let ref_w = s
        .view
        .iter()
        .map(|i| s.entries[*i].dossier.reference.width())
        .max()
        .unwrap_or(10)
        .min(18) as u16;
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Length(ref_w),
        Constraint::Fill(3),
    ];
    if wide {
        widths.push(Constraint::Fill(2));
    }
    widths.push(Constraint::Length(5));
    widths.push(Constraint::Length(1));
    let mut header = vec![
        Cell::from(""),
        Cell::from(lang.t("Réf.", "Ref.")),
        Cell::from(lang.t("Structure", "Structure")),
    ];
    if wide {
        header.push(Cell::from(lang.t("Commune", "Town")));
    }
    header.push(Cell::from(
        Line::from(lang.t("Total", "Total")).right_aligned(),
    ));
    header.push(Cell::from(""));
    // Only the rows on screen are built: a batch of thousands stays fluid.
    let shown = area.height.saturating_sub(3) as usize;
    let offset = s.list_offset.min(s.view.len().saturating_sub(1));
    let window = &s.view[offset..(offset + shown.max(1)).min(s.view.len())];
    let rows: Vec<Row> = window
        .iter()
        .map(|i| {
            let e = &s.entries[*i];
            let d = &e.dossier;
            let hl = s.highlights.get(i);
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
            let mut cells = vec![
                Cell::from(verdict_mark(s, *i, t)),
                Cell::from(highlighted(&d.reference, hl.map(|h| &h[F_REFERENCE]), t)),
                Cell::from(highlighted(&d.structure, hl.map(|h| &h[F_STRUCTURE]), t)),
            ];
            if wide {
                cells.push(Cell::from(highlighted(&d.city, hl.map(|h| &h[F_CITY]), t)));
            }
            cells.push(Cell::from(Line::from(total).right_aligned()));
            cells.push(Cell::from(progress));
            let row = Row::new(cells);
            if e.late { row.style(t.dim()) } else { row }
        })
        .collect();
    let mut table_state = TableState::default().with_selected(if s.view.is_empty() {
        None
    } else {
        Some(s.selected.saturating_sub(offset))
    });
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.dim().add_modifier(Modifier::BOLD)))
        .column_spacing(1)
        .row_highlight_style(t.selected())
        .block(block);
    f.render_stateful_widget(table, area, &mut table_state);
    if s.view.is_empty() {
        let msg = if s.entries.is_empty() {
            lang.t("Aucun dossier importé.", "No dossier imported.")
        } else {
            lang.t(
                "Aucun dossier ne correspond à la recherche.",
                "No dossier matches the search.",
            )
        };
        let inner = Rect::new(area.x + 2, area.y + 3, area.width.saturating_sub(4), 2);
        f.render_widget(
            Paragraph::new(msg).style(t.dim()).wrap(Wrap { trim: true }),
            inner,
        );
    }
}

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

/// `prefix` then `text`, wrapped to `width` with continuation lines indented
/// by `hang` columns: long answers stay readable as paragraphs.
pub(crate) fn wrapped(
    out: &mut Vec<Line<'static>>,
    prefix: Span<'static>,
    text: &str,
    style: Style,
    width: usize,
    hang: usize,
) {
    let lead = prefix.content.width();
    let (first, next) = (" ".repeat(lead), " ".repeat(hang));
    let options = textwrap::Options::new(width.max(lead + 8))
        .initial_indent(&first)
        .subsequent_indent(&next);
    let parts = textwrap::wrap(text, options);
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let rest = part.get(lead..).unwrap_or("").to_string();
            out.push(Line::from(vec![prefix.clone(), Span::styled(rest, style)]));
        } else {
            out.push(Line::from(Span::styled(part.to_string(), style)));
        }
    }
    if parts.is_empty() {
        out.push(Line::from(prefix));
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

fn render_dossier(f: &mut Frame, s: &State, t: &Theme, area: Rect) -> u16 {
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

fn grid_title(s: &State) -> String {
    let lang = s.lang;
    if s.grid_target == crate::app::state::GridTarget::Consensus {
        return lang
            .t("Grille de consensus — présidence", "Consensus grid — chair")
            .to_string();
    }
    let recused = match (&s.reviewer, s.current()) {
        (Some(r), Some(e)) => s.committee.in_conflict(&e.dossier.reference, r),
        _ => false,
    };
    match &s.reviewer {
        Some(r) if recused => format!(
            "{} — {r} ({})",
            lang.t("Grille", "Grid"),
            lang.t("déporté·e", "recused")
        ),
        Some(r) => format!("{} — {r}", lang.t("Grille", "Grid")),
        None => lang.t("Grille", "Grid").to_string(),
    }
}

/// The total, always visible at the bottom of the grid.
fn total_line(s: &State, eval: &jury_core::grid::Evaluation, t: &Theme) -> Line<'static> {
    let lang = s.lang;
    let scale_max = lang.score(s.call.scale.max);
    let mut spans = vec![Span::styled(
        format!(" {} ", lang.t("Total", "Total")),
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
                lang.t("incomplet", "incomplete"),
                eval.scored,
                eval.lines.len()
            ),
            t.warn(),
        )),
    }
    Line::from(spans)
}

fn score_span(s: &State, l: &jury_core::grid::Line, here: bool, t: &Theme) -> Span<'static> {
    match (l.score, here.then_some(s.pending_digit).flatten()) {
        (_, Some(p)) => Span::styled(format!("{p}…"), t.matched()),
        (Some(v), None) => Span::styled(s.lang.score(v), Style::new().add_modifier(Modifier::BOLD)),
        (None, None) => Span::styled("_", t.warn().add_modifier(Modifier::BOLD)),
    }
}

fn points_text(s: &State, l: &jury_core::grid::Line) -> String {
    let lang = s.lang;
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
    let focused = s.focus == Pane::Grid && s.mode == Mode::Normal;
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

fn render_grid(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.lang;
    let Some((block, reference, eval, focused)) = grid_frame(f, s, t, area) else {
        return;
    };
    let inner = block.inner(area);
    f.render_widget(block, area);
    let scale_max = lang.score(s.call.scale.max);
    // One paragraph per criterion, so the selected one can be kept in view.
    let mut blocks: Vec<Vec<Line>> = Vec::new();
    for (i, (c, l)) in s.call.criteria.iter().zip(&eval.lines).enumerate() {
        let here = i == s.criterion;
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
            Span::raw(format!("   {} ", lang.t("Note", "Score"))),
            score_span(s, l, here, t),
            Span::raw(format!(" / {scale_max}")),
            Span::styled(format!("  → {}", points_text(s, l)), t.dim()),
        ];
        // The words only where they fit on the line; the bold `_` says it too.
        if l.score.is_none() && inner.width >= 40 {
            score_line.push(Span::styled(
                format!("  {}", lang.t("à noter", "to score")),
                t.warn().add_modifier(Modifier::BOLD),
            ));
        }
        lines.push(Line::from(score_line));
        if let Some(sc) = s
            .my_score(reference, &c.id)
            .filter(|sc| !sc.comment.is_empty())
        {
            lines.push(Line::from(Span::styled(
                format!("   « {} »", sc.comment),
                t.dim().add_modifier(Modifier::ITALIC),
            )));
        }
        blocks.push(lines);
    }
    if let Some(help) = s
        .call
        .criteria
        .get(s.criterion)
        .and_then(|c| c.help.as_ref())
    {
        blocks.push(vec![
            Line::from(""),
            Line::from(Span::styled(
                lang.t("Repères", "Guidance").to_string(),
                t.title(),
            )),
            Line::from(Span::styled(help.clone(), t.dim())),
        ]);
    }
    let heights: Vec<u16> = blocks
        .iter()
        .map(|b| {
            Paragraph::new(b.clone())
                .wrap(Wrap { trim: false })
                .line_count(inner.width) as u16
        })
        .collect();
    let end_of_selected: u16 = heights.iter().take(s.criterion + 1).sum();
    let scroll = end_of_selected.saturating_sub(inner.height);
    let lines: Vec<Line> = blocks.into_iter().flatten().collect();
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}

/// The grid as a strip: one row per criterion, for narrow terminals.
fn render_grid_strip(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.lang;
    let Some((block, reference, eval, focused)) = grid_frame(f, s, t, area) else {
        return;
    };
    let scale_max = lang.score(s.call.scale.max);
    let rows: Vec<Row> = s
        .call
        .criteria
        .iter()
        .zip(&eval.lines)
        .enumerate()
        .map(|(i, (c, l))| {
            let here = i == s.criterion;
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
    let mut state = TableState::default().with_selected(Some(s.criterion));
    let table = Table::new(rows, widths)
        .column_spacing(1)
        .highlight_symbol(if focused { "▶ " } else { "▷ " })
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always)
        .row_highlight_style(Style::new().add_modifier(Modifier::BOLD))
        .block(block);
    f.render_stateful_widget(table, area, &mut state);
}

fn render_status(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let line = match &s.status {
        Some(st) => Line::from(Span::styled(
            st.text.clone(),
            if st.error { t.error() } else { t.ok() },
        )),
        None => Line::from(Span::styled(
            format!("{} {}", s.lang.t("Base :", "Database:"), s.db_path),
            t.dim(),
        )),
    };
    f.render_widget(Paragraph::new(line), area);
}

/// Key hints for the current context, from the live keymap.
fn render_hints(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let ctx = s.contexts();
    let committee = s.screen == crate::app::state::Screen::Committee;
    let letters = s.screen == crate::app::state::Screen::Letters;
    let actions: &[Action] = match (&s.mode, s.focus) {
        (Mode::Normal, _) if letters => &[
            Action::Generate,
            Action::GenerateAll,
            Action::MarkSent,
            Action::MarkAcknowledged,
            Action::Minutes,
            Action::LettersView,
            Action::Help,
        ],
        (Mode::Normal, _) if committee => &[
            Action::Decide,
            Action::OpenSession,
            Action::CloseSession,
            Action::Override,
            Action::Consensus,
            Action::ToggleAgenda,
            Action::History,
            Action::Undo,
            Action::SwitchView,
            Action::Help,
        ],
        (Mode::Form(_), _) => &[
            Action::NextField,
            Action::NextOption,
            Action::Confirm,
            Action::Cancel,
        ],
        (Mode::Normal, Pane::List) => &[
            Action::Filter,
            Action::SortNext,
            Action::FocusGrid,
            Action::NextToScore,
            Action::FocusNext,
            Action::Help,
            Action::Quit,
        ],
        (Mode::Normal, Pane::Dossier) => &[
            Action::Down,
            Action::PageDown,
            Action::OpenAttachment,
            Action::FocusNext,
            Action::Help,
            Action::Quit,
        ],
        (Mode::Normal, Pane::Grid) => &[
            Action::Down,
            Action::Comment,
            Action::ClearScore,
            Action::NextDossier,
            Action::NextToScore,
            Action::Help,
            Action::Quit,
        ],
        (Mode::Filter | Mode::Comment | Mode::AskReviewer, _) => {
            &[Action::Confirm, Action::Cancel, Action::DeleteBack]
        }
        _ => &[Action::Down, Action::Up, Action::Confirm, Action::Close],
    };
    let mut spans = Vec::new();
    if s.mode == Mode::Normal && s.focus == Pane::Grid && !committee && !letters {
        let lo = s.call.scale.min.max(0.0) as u8;
        let hi = s.call.scale.max.min(9.0) as u8;
        // Prefer the digit itself to its AZERTY twin in the hint.
        let key = |n: u8| {
            let keys = s.keymap.keys_for(Context::Grid, Action::Score(n));
            keys.iter()
                .find(
                    |k| matches!(k.code, crate::app::keymap::KeyCodeOrd::Char(c) if c.is_ascii_digit()),
                )
                .or(keys.first())
                .copied()
        };
        if let (Some(a), Some(b)) = (key(lo), key(hi)) {
            spans.push(Span::styled(
                format!(" {}–{} ", a.label(), b.label()),
                t.selected(),
            ));
            spans.push(Span::raw(format!(" {}  ", s.lang.t("Noter", "Score"))));
        }
    }
    for a in actions {
        if let Some(k) = s.keymap.first_key(&ctx, *a) {
            let desc = if *a == Action::FocusGrid && s.focus == Pane::List {
                s.lang.t("Noter", "Score").to_string()
            } else {
                a.describe(s.lang)
            };
            spans.push(Span::styled(format!(" {} ", k.label()), t.selected()));
            spans.push(Span::raw(format!(" {desc}  ")));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub(crate) fn popup_area(area: Rect, pct_w: u16, pct_h: u16) -> Rect {
    let w = (area.width * pct_w / 100).max(40).min(area.width);
    let h = (area.height * pct_h / 100).max(8).min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn render_help(f: &mut Frame, s: &State, t: &Theme, scroll: u16) {
    let lang = s.lang;
    let area = popup_area(f.area(), 80, 85);
    let mut lines: Vec<Line> = Vec::new();
    let mut last_ctx = None;
    for (ctx, action, keys) in s.keymap.entries() {
        if last_ctx != Some(ctx) {
            if last_ctx.is_some() {
                lines.push(Line::from(""));
            }
            lines.push(Line::from(Span::styled(
                ctx.title(lang).to_string(),
                t.title(),
            )));
            last_ctx = Some(ctx);
        }
        let keys: Vec<String> = keys.iter().map(|k| k.label()).collect();
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {:<18}", keys.join(", ")),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            Span::raw(action.describe(lang)),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        lang.t("Légende", "Legend").to_string(),
        t.title(),
    )));
    lines.push(Line::from(lang.t(
        "  ✓ recevable  ✗ irrecevable  ? à vérifier   ○ à noter  ◐ en cours  ● noté   grisé : hors délai",
        "  ✓ eligible  ✗ ineligible  ? to check   ○ to score  ◐ partial  ● scored   dimmed: late",
    )));
    let block = Block::bordered().border_type(BorderType::Double).title(
        Line::from(format!(
            " {} ",
            lang.t(
                "Aide — raccourcis du keymap chargé",
                "Help — keys of the loaded keymap"
            )
        ))
        .style(t.title()),
    );
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(lines).scroll((scroll, 0)).block(block), area);
}

fn render_report(f: &mut Frame, s: &State, t: &Theme, scroll: u16) {
    let lang = s.lang;
    let area = popup_area(f.area(), 90, 70);
    let errors = s
        .report
        .iter()
        .filter(|d| d.severity == jury_core::json::Severity::Error)
        .count();
    let mut lines: Vec<Line> = vec![
        Line::from(format!(
            "{} {} {}, {} {}.",
            errors,
            lang.t("erreur(s)", "error(s)"),
            lang.t("à corriger dans les fichiers", "to fix in the files"),
            s.entries.len(),
            lang.t("dossier(s) chargé(s)", "dossier(s) loaded")
        )),
        Line::from(Span::styled(
            lang.t(
                "Les fichiers en erreur n'ont pas été importés ; corrigez-les puis relancez Jury.",
                "Files with errors were not imported; fix them and start Jury again.",
            )
            .to_string(),
            t.dim(),
        )),
        Line::from(""),
    ];
    for d in &s.report {
        let style = if d.severity == jury_core::json::Severity::Error {
            t.error()
        } else {
            t.warn()
        };
        lines.push(Line::from(Span::styled(d.to_string(), style)));
    }
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .title(
            Line::from(format!(" {} ", lang.t("Rapport d'import", "Import report")))
                .style(t.title()),
        )
        .title_bottom(Line::from(format!(
            " {} ",
            lang.t("Entrée : continuer", "Enter: continue")
        )));
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

fn render_ask_reviewer(f: &mut Frame, s: &State, t: &Theme) {
    let lang = s.lang;
    let mut prompt = vec![Line::from(lang.t(
        "Qui note ? Vos notes seront enregistrées à ce nom.",
        "Who is scoring? Your scores are saved under this name.",
    ))];
    if !s.call.members.is_empty() {
        let names: Vec<&str> = s.call.members.iter().map(|m| m.name.as_str()).collect();
        prompt.push(Line::from(Span::styled(
            format!("{} {}", lang.t("Comité :", "Committee:"), names.join(", ")),
            t.dim(),
        )));
    }
    prompt.push(Line::from(Span::styled(
        lang.t(
            "Entrée : valider · Échap : lire sans noter",
            "Enter: confirm · Esc: read without scoring",
        )
        .to_string(),
        t.dim(),
    )));
    input_popup(
        f,
        t,
        lang.t("Évaluateur", "Reviewer").into(),
        prompt,
        &s.input,
    );
}

fn render_comment(f: &mut Frame, s: &State, t: &Theme) {
    let lang = s.lang;
    let label = s
        .call
        .criteria
        .get(s.criterion)
        .map(|c| c.label.clone())
        .unwrap_or_default();
    let reference = s
        .current()
        .map(|e| e.dossier.reference.clone())
        .unwrap_or_default();
    let prompt = vec![
        Line::from(Span::styled(
            format!("{reference} — {label}"),
            Style::new().add_modifier(Modifier::BOLD),
        )),
        Line::from(Span::styled(
            lang.t(
                "Entrée : enregistrer · Échap : annuler",
                "Enter: save · Esc: cancel",
            )
            .to_string(),
            t.dim(),
        )),
    ];
    input_popup(
        f,
        t,
        lang.t("Commentaire", "Comment").into(),
        prompt,
        &s.input,
    );
}

fn render_attachments(f: &mut Frame, s: &State, t: &Theme, selected: usize) {
    let lang = s.lang;
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
    let block = Block::bordered().border_type(BorderType::Double).title(
        Line::from(format!(
            " {} ",
            lang.t("Ouvrir une pièce jointe", "Open an attachment")
        ))
        .style(t.title()),
    );
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(lines).block(block), area);
}
