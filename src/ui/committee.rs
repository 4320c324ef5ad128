//! The committee view: the ranking with every member's total, the selected
//! dossier's figures across members, its decision, and two charts.

use super::punct::{colon, quoted, semicolon};
use super::theme::{Theme, pane_block, verdict_lines, verdict_mark};
use super::wrap::wrapped;
use crate::app::action::Action;
use crate::app::keymap::Context;
use crate::app::state::State;
use jury_core::aggregate::{Basis, DossierAggregate};
use jury_core::committee::Candidacy;
use jury_core::fr::Lang;
use jury_core::ranking::TieBreak;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Cell, Paragraph, Row, Table, TableState, Wrap};

/// Two or three letters standing for a member in column headers.
pub(super) fn initials(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c == '-')
        .filter_map(|w| w.chars().next())
        .flat_map(|c| c.to_uppercase())
        .take(3)
        .collect()
}

/// Members who reviewed at least one dossier, in name order.
fn reviewers(s: &State) -> Vec<String> {
    let mut names: Vec<String> = s
        .batch
        .committee
        .aggregates
        .iter()
        .flat_map(|a| a.member_totals.keys().cloned())
        .collect();
    names.sort();
    names.dedup();
    names
}

fn decision_label(s: &State, reference: &str) -> String {
    s.batch
        .committee
        .decisions
        .get(reference)
        .map(|d| {
            let label = jury_core::decision::kind(&s.batch.call, &d.kind, s.env.lang)
                .map(|k| k.label)
                .unwrap_or_else(|| d.kind.clone());
            let frozen = if s.batch.committee.frozen(reference) {
                ""
            } else {
                " *"
            };
            let modified = if modified_after(s, reference).is_some() {
                lang_tr(s, text::MODIFIED_MARK)
            } else {
                ""
            };
            format!("{label}{frozen}{modified}{}", withdrawn(s, reference))
        })
        .unwrap_or_default()
}

/// « · désisté·e le 3 septembre 2025 » when the candidate withdrew from
/// their current decision; empty otherwise.
pub(super) fn withdrawn(s: &State, reference: &str) -> String {
    let lang = s.env.lang;
    s.batch
        .committee
        .withdrawn(reference)
        .map(|w| format!(" · {} {}", lang.tr(text::WITHDREW_ON), received(lang, w)))
        .unwrap_or_default()
}

/// The day a withdrawal was received, « 3 septembre 2025 » (as stored if
/// it does not read as a date).
fn received(lang: Lang, w: &jury_core::records::Withdrawal) -> String {
    chrono::NaiveDate::parse_from_str(&w.received_on, "%Y-%m-%d")
        .map(|d| lang.date(d))
        .unwrap_or_else(|_| w.received_on.clone())
}

fn lang_tr(s: &State, t: jury_core::fr::Tr) -> &'static str {
    s.env.lang.tr(t)
}

/// « modifié après la séance du 7 juillet 2025 » when the live official total
/// of a dossier decided in a closed session is no longer the one it froze.
fn modified_after(s: &State, reference: &str) -> Option<String> {
    let session = s.batch.committee.modified_after(reference)?;
    let lang = s.env.lang;
    let date = chrono::NaiveDate::parse_from_str(&session.date, "%Y-%m-%d")
        .map(|d| lang.date(d))
        .unwrap_or_else(|_| session.date.clone());
    Some(format!("{} {date}", lang.tr(text::MODIFIED_AFTER)))
}

/// From this width the detail and the charts sit beside the ranking;
/// narrower, the detail goes below it and the charts are left out.
const SIDE_BY_SIDE: u16 = 140;

pub(super) fn render(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    // A call with an envelope gets a line for it, and the chair one for
    // the withdrawals awaiting her promotion decision.
    let awaiting = awaiting_promotion(s);
    let banner_lines = 2 + u16::from(s.batch.call.budget.is_some()) + u16::from(awaiting.is_some());
    let [banner, body] =
        Layout::vertical([Constraint::Length(banner_lines), Constraint::Min(5)]).areas(area);
    render_banner(f, s, t, banner, awaiting);
    if area.width >= SIDE_BY_SIDE {
        let [table, side] =
            Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
                .areas(body);
        render_ranking(f, s, t, table);
        let [detail, charts] =
            Layout::vertical([Constraint::Min(8), Constraint::Length(11)]).areas(side);
        render_detail(f, s, t, detail);
        render_charts(f, s, t, charts);
    } else {
        let [table, detail] =
            Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
        render_ranking(f, s, t, table);
        render_detail(f, s, t, detail);
    }
}

fn render_banner(f: &mut Frame, s: &State, t: &Theme, area: Rect, awaiting: Option<String>) {
    let lang = s.env.lang;
    let mut first = vec![Span::styled(
        format!(" {} ", lang.tr(text::COMMITTEE)),
        t.title().add_modifier(Modifier::REVERSED),
    )];
    match s.batch.committee.open_session() {
        Some(session) => {
            let date = chrono::NaiveDate::parse_from_str(&session.date, "%Y-%m-%d")
                .map(|d| lang.date(d))
                .unwrap_or_else(|_| session.date.clone());
            let quorum = s.batch.call.quorum;
            let ok = quorum.is_none_or(|q| session.present.len() as u32 >= q);
            first.push(Span::raw(format!(
                " {} {date} — {} {}/{} — ",
                lang.tr(text::SESSION_OF),
                lang.tr(text::PRESENT),
                session.present.len(),
                s.batch.committee.data.members.len()
            )));
            first.push(Span::styled(
                match quorum {
                    Some(q) if ok => format!("{} {q} ✓", lang.tr(text::QUORUM)),
                    Some(q) => {
                        format!("{} {q} ✗ {}", lang.tr(text::QUORUM), lang.tr(text::NOT_MET))
                    }
                    None => lang.tr(text::NO_QUORUM_SET).to_string(),
                },
                if ok { t.ok() } else { t.error() },
            ));
        }
        None => first.push(Span::styled(
            format!(" {}", lang.tr(text::NO_OPEN_SESSION)),
            t.warn(),
        )),
    }
    let basis = match s.batch.committee.basis {
        Basis::Mean => lang.tr(text::BASIS_MEAN),
        Basis::Median => lang.tr(text::BASIS_MEDIAN),
    };
    first.push(Span::styled(
        format!(
            "   {} {basis}{}{}",
            lang.tr(text::TOTALS),
            if s.committee_view.normalised {
                lang.tr(text::NORMALISED_RANKING)
            } else {
                ""
            },
            if s.committee_view.agenda {
                lang.tr(text::AGENDA)
            } else {
                ""
            },
        ),
        t.dim(),
    ));
    let accepted = s.batch.committee.accepted_count(&s.batch.call, "");
    let mut second = vec![Span::raw(format!(
        " {} {}{}",
        lang.tr(text::ACCEPTED),
        accepted,
        s.batch
            .call
            .capacity
            .map(|c| format!(" / {c}"))
            .unwrap_or_default()
    ))];
    if let Some(o) = s.batch.committee.data.outcome()
        && o.unsuccessful
    {
        second.push(Span::styled(
            format!(
                "   {} — {}",
                lang.tr(match s.lot() {
                    Some(_) => text::LOT_DECLARED_UNSUCCESSFUL,
                    None => text::CALL_DECLARED_UNSUCCESSFUL,
                }),
                o.motivation
            ),
            t.error(),
        ));
    } else if let Some(w) = s.unsuccessful_warning() {
        second.push(Span::styled(format!("   ⚠ {w}"), t.error()));
    }
    if let Some((coverage, gap)) = super::coverage::summary(s) {
        second.push(Span::styled(
            format!("   {coverage}"),
            if gap { t.warn() } else { t.dim() },
        ));
    }
    // Review packets: who has sent theirs, so the chair sees who is missing.
    let packets = &s.batch.committee.data.packets;
    if packets.iter().any(|p| p.last_import.is_some()) {
        let parts: Vec<String> = packets
            .iter()
            .map(|p| match &p.last_import {
                Some(at) => format!(
                    "{} {} ({})",
                    initials(&p.member),
                    chrono::DateTime::parse_from_rfc3339(at)
                        .map(|t| t
                            .with_timezone(&chrono_tz::Europe::Paris)
                            .format("%d/%m %H:%M")
                            .to_string())
                        .unwrap_or_default(),
                    p.dossiers
                ),
                None => format!("{} —", initials(&p.member)),
            })
            .collect();
        second.push(Span::styled(
            format!("   {} {}", lang.tr(text::PACKETS), parts.join(" · ")),
            t.dim(),
        ));
    }
    if !s.batch.committee.data.merge_conflicts.is_empty() {
        second.push(Span::styled(
            format!(
                "   ⚠ {} {}",
                s.batch.committee.data.merge_conflicts.len(),
                lang.tr(text::PACKET_DISAGREEMENTS)
            ),
            t.error(),
        ));
    }
    let mut lines = vec![Line::from(first), Line::from(second)];
    // The envelope on its own line: what the committee grants, what remains.
    if let Some(e) = s.batch.committee.envelope(&s.batch.call) {
        lines.push(Line::from(Span::styled(
            format!(" {}", e.line(lang)),
            if e.over() { t.error() } else { t.dim() },
        )));
    }
    if let Some(line) = awaiting {
        lines.push(Line::from(Span::styled(line, t.warn())));
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// For the chair, whoever recorded them: the withdrawals nobody was
/// promoted in the place of yet while the waiting list has someone, with
/// the live keymap's key that opens the promotion form. None for anyone
/// else, or when nothing awaits her.
fn awaiting_promotion(s: &State) -> Option<String> {
    if !s.is_chair() {
        return None;
    }
    let lang = s.env.lang;
    let awaiting = s.batch.committee.awaiting_promotion();
    if awaiting.is_empty() {
        return None;
    }
    let each: Vec<String> = awaiting
        .iter()
        .map(|w| {
            format!(
                "{} ({} {})",
                w.reference,
                lang.tr(text::RECEIVED_ON),
                received(lang, w)
            )
        })
        .collect();
    let key = s
        .env
        .keymap
        .first_key(
            &[Context::Committee, Context::Global],
            Action::PromoteFromWaitlist,
        )
        .map(|k| {
            format!(
                " — {}{} {}",
                k.label(lang),
                colon(lang),
                lang.tr(text::PROMOTE)
            )
        })
        .unwrap_or_default();
    let what = if awaiting.len() == 1 {
        text::AWAITING_ONE
    } else {
        text::AWAITING_MANY
    };
    Some(format!(
        " ⚠ {}{} {}{key}",
        lang.tr(what),
        colon(lang),
        each.join(semicolon(lang))
    ))
}

fn fmt_opt(lang: Lang, v: Option<f64>, decimals: usize) -> String {
    v.map(|x| lang.num(x, decimals))
        .unwrap_or_else(|| "—".into())
}

fn render_ranking(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.env.lang;
    let members = reviewers(s);
    let me = s.reviewer.clone().unwrap_or_default();
    // A member's column holds a total or the word for a recusal.
    let member_width = lang.tr(text::RECUSED_CELL).chars().count().max(6);
    // The structure column goes first when the members' columns need the room.
    let with_structure = area.width as usize >= 70 + (member_width + 1) * members.len();
    let mut header = vec![
        Cell::from(lang.tr(text::COL_RANK)),
        Cell::from(lang.tr(text::COL_REF)),
    ];
    if with_structure {
        header.push(Cell::from(lang.tr(text::COL_STRUCTURE)));
    }
    header.push(Cell::from(""));
    for m in &members {
        header.push(Cell::from(Line::from(initials(m)).right_aligned()));
    }
    for h in [
        lang.tr(text::COL_MEAN),
        lang.tr(text::COL_MEDIAN),
        lang.tr(text::COL_SPREAD),
    ] {
        header.push(Cell::from(Line::from(h).right_aligned()));
    }
    if s.committee_view.normalised {
        header.push(Cell::from(Line::from("z").right_aligned()));
    }
    // Scored / assigned, once the chair has assigned rapporteurs; the
    // audition stage has its panel, not rapporteurs.
    let with_rapporteurs =
        !s.batch.committee.assigned.is_empty() && s.batch.committee.finals.is_none();
    if with_rapporteurs {
        header.push(Cell::from(
            Line::from(lang.tr(text::COL_RAPPORTEURS)).right_aligned(),
        ));
    }
    header.push(Cell::from(""));
    let finals = s.batch.committee.finals.as_ref();
    if finals.is_some() {
        header.push(Cell::from(
            Line::from(lang.tr(text::COL_DOSSIER)).right_aligned(),
        ));
        header.push(Cell::from(
            Line::from(lang.tr(text::COL_FINAL)).right_aligned(),
        ));
    }
    header.push(Cell::from(lang.tr(text::COL_DECISION)));
    // Only the rows on screen are built; the window follows the selection.
    let shown = (area.height.saturating_sub(3) as usize).max(1);
    let offset = (s.committee_view.selected + 1).saturating_sub(shown);
    let window = &s.committee_view.rows[offset.min(s.committee_view.rows.len())
        ..(offset + shown).min(s.committee_view.rows.len())];
    let rows: Vec<Row> = window
        .iter()
        .map(|i| {
            let e = &s.batch.entries[*i];
            let reference = &e.dossier.reference;
            let agg = &s.batch.committee.aggregates[*i];
            // Nothing to hide where nobody else has scored.
            let visible = s.may_see_others(reference) || agg.member_totals.keys().all(|m| *m == me);
            let ranked = s.batch.committee.rank_of(reference);
            let rank = match ranked {
                Some(r) => match r.rank {
                    Some(n) if r.still_tied => format!("{n}="),
                    Some(n) if r.broken_by.is_some() => format!("{n}*"),
                    Some(n) => n.to_string(),
                    None => "—".into(),
                },
                None => "—".into(),
            };
            let mut cells = vec![Cell::from(rank), Cell::from(reference.clone())];
            if with_structure {
                cells.push(Cell::from(e.dossier.structure.clone()));
            }
            cells.push(Cell::from(verdict_mark(s, *i, t)));
            for m in &members {
                let shown = if agg.conflicted.contains(m) {
                    lang.tr(text::RECUSED_CELL).to_string()
                } else if !visible && *m != me {
                    "…".into()
                } else {
                    match agg.member_totals.get(m) {
                        Some(Some(x)) => lang.num(*x, 1),
                        Some(None) => "◐".into(),
                        None => "".into(),
                    }
                };
                cells.push(Cell::from(Line::from(shown).right_aligned()));
            }
            let totals: Vec<f64> = agg.member_totals.values().flatten().copied().collect();
            let spread = (totals.len() > 1).then(|| {
                totals.iter().cloned().fold(f64::MIN, f64::max)
                    - totals.iter().cloned().fold(f64::MAX, f64::min)
            });
            let hide = |v: String| if visible { v } else { "…".into() };
            let official = agg.consensus_total.map(|c| format!("{}c", lang.num(c, 2)));
            cells.push(Cell::from(
                Line::from(hide(
                    official
                        .clone()
                        .unwrap_or_else(|| fmt_opt(lang, agg.total_mean, 2)),
                ))
                .right_aligned(),
            ));
            cells.push(Cell::from(
                Line::from(hide(fmt_opt(lang, agg.total_median, 2))).right_aligned(),
            ));
            cells.push(Cell::from(
                Line::from(hide(fmt_opt(lang, spread, 1))).right_aligned(),
            ));
            if s.committee_view.normalised {
                let z = jury_core::aggregate::normalised_total(agg, s.batch.committee.profiles());
                cells.push(Cell::from(
                    Line::from(hide(fmt_opt(lang, z, 2))).right_aligned(),
                ));
            }
            if with_rapporteurs {
                let assigned = s.batch.committee.rapporteurs(reference);
                let scored = assigned
                    .iter()
                    .filter(|m| s.has_scored(reference, m))
                    .count();
                cells.push(Cell::from(
                    Line::from(format!("{scored}/{}", assigned.len())).right_aligned(),
                ));
            }
            cells.push(Cell::from(if agg.contested {
                Span::styled("⚠", t.error())
            } else {
                Span::raw("")
            }));
            if let Some(f) = finals {
                cells.push(Cell::from(
                    Line::from(hide(fmt_opt(lang, f.dossier.get(reference).copied(), 2)))
                        .right_aligned(),
                ));
                let last = if s.batch.committee.data.absent(reference) {
                    Span::styled(lang.tr(text::ABSENT_CELL), t.error())
                } else {
                    Span::raw(hide(fmt_opt(
                        lang,
                        f.final_score.get(reference).copied(),
                        2,
                    )))
                };
                cells.push(Cell::from(Line::from(last).right_aligned()));
            }
            cells.push(Cell::from(decision_label(s, reference)));
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(3),
        Constraint::Length(s.committee_view.ref_width),
    ];
    if with_structure {
        widths.push(Constraint::Fill(1));
    }
    widths.push(Constraint::Length(1));
    widths.extend(
        members
            .iter()
            .map(|_| Constraint::Length(member_width as u16)),
    );
    widths.extend([
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Length(6),
    ]);
    if s.committee_view.normalised {
        widths.push(Constraint::Length(5));
    }
    if with_rapporteurs {
        widths.push(Constraint::Length(5));
    }
    widths.push(Constraint::Length(1));
    if finals.is_some() {
        widths.extend([Constraint::Length(7), Constraint::Length(7)]);
    }
    widths.push(Constraint::Fill(1));
    let title = format!(
        "{} ({}) · ⚠ {} · * {}",
        lang.tr(text::RANKING),
        s.committee_view.rows.len(),
        lang.tr(text::CONTESTED),
        lang.tr(text::PROVISIONAL_TIE_BROKEN),
    );
    let mut state = TableState::default().with_selected(
        (!s.committee_view.rows.is_empty()).then_some(s.committee_view.selected - offset),
    );
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(t.dim().add_modifier(Modifier::BOLD)))
        .column_spacing(1)
        .row_highlight_style(t.selected())
        .block(pane_block(title, true, t));
    f.render_stateful_widget(table, area, &mut state);
}

fn render_detail(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.env.lang;
    let Some(i) = s.committee_current() else {
        f.render_widget(pane_block(lang.tr(text::DOSSIER).into(), false, t), area);
        return;
    };
    let e = &s.batch.entries[i];
    let reference = &e.dossier.reference;
    let agg = &s.batch.committee.aggregates[i];
    let block = pane_block(reference.to_string(), false, t);
    let width = block.inner(area).width as usize;
    let mut lines: Vec<Line> = Vec::new();
    wrapped(
        &mut lines,
        Span::raw(""),
        &e.dossier.structure,
        Style::new().add_modifier(Modifier::BOLD),
        width,
        0,
    );
    let rapporteurs = s.batch.committee.rapporteurs(reference);
    if !rapporteurs.is_empty() {
        let names: Vec<String> = rapporteurs
            .iter()
            .map(|m| {
                let done = if s.has_scored(reference, m) {
                    lang.tr(text::HAS_SCORED)
                } else {
                    lang.tr(text::NOT_YET)
                };
                format!("{m} ({done})")
            })
            .collect();
        wrapped(
            &mut lines,
            Span::raw(""),
            &format!("{} {}", lang.tr(text::RAPPORTEURS), names.join(", ")),
            t.dim(),
            width,
            2,
        );
    }
    // First, where it cannot scroll out of sight: the record and the live
    // scores no longer agree.
    if let Some(note) = modified_after(s, reference) {
        wrapped(
            &mut lines,
            Span::styled("⚠ ", t.warn()),
            &format!("{note}{}", lang.tr(text::ONLY_A_NEW_SESSION)),
            t.warn(),
            width,
            2,
        );
    }
    verdict_lines(&mut lines, s, i, t, width);
    for c in e
        .report(&s.batch.call, lang)
        .checks
        .iter()
        .filter(|c| c.required && c.outcome != jury_core::eligibility::Outcome::Met)
    {
        wrapped(
            &mut lines,
            Span::styled(" ✗ ", t.error()),
            &c.label,
            t.dim(),
            width,
            3,
        );
    }
    if !e.eligibility.priorities.is_empty() {
        wrapped(
            &mut lines,
            Span::styled(format!("{} ", lang.tr(text::PRIORITIES)), t.ok()),
            &e.eligibility
                .priority_labels(&s.batch.call)
                .join(semicolon(lang)),
            t.dim(),
            width,
            2,
        );
    }
    if !agg.conflicted.is_empty() {
        wrapped(
            &mut lines,
            Span::styled(format!("{} ", lang.tr(text::RECUSED)), t.warn()),
            &agg.conflicted.join(", "),
            Style::new(),
            width,
            2,
        );
    }
    // How many scored it, against the call's minimum; why it is not ranked.
    let few = (agg.reviews as u32) < s.batch.call.min_reviews;
    let mut reviewed = jury_core::decision::reviewed_by(
        lang,
        agg.reviews,
        Some(s.batch.committee.data.members.len()),
    );
    if few {
        reviewed.push_str(&format!(
            " {} {}",
            lang.tr(text::BELOW_MIN_REVIEWS),
            s.batch.call.min_reviews
        ));
    }
    lines.push(Line::from(Span::styled(
        reviewed,
        if few { t.warn() } else { t.dim() },
    )));
    if let Some(why) = s
        .batch
        .committee
        .rank_of(reference)
        .and_then(|r| r.unranked)
    {
        lines.push(Line::from(Span::styled(why.label(lang), t.warn())));
    }
    if let Some(r) = s.batch.committee.rank_of(reference)
        && let (Some(n), true) = (r.rank, r.tied_with_total)
    {
        let how = match (r.still_tied, r.broken_by) {
            (true, _) => lang.tr(text::TIED_SAME_RANK).to_string(),
            (false, Some(b)) => lang
                .tr(match b {
                    TieBreak::Heaviest => text::BROKEN_BY_HEAVIEST,
                    TieBreak::Received => text::BROKEN_BY_RECEIVED,
                })
                .to_string(),
            _ => String::new(),
        };
        lines.push(Line::from(Span::styled(
            format!(
                "{} {n} — {} ({how})",
                lang.tr(text::RANK),
                lang.tr(text::SAME_TOTAL_AS_ANOTHER)
            ),
            t.warn(),
        )));
    }
    lines.push(Line::from(""));
    criteria_lines(s, t, agg, reference, &mut lines);
    lines.push(Line::from(""));
    match s.batch.committee.decisions.get(reference) {
        Some(d) => {
            let label = jury_core::decision::kind(&s.batch.call, &d.kind, lang)
                .map(|k| k.label)
                .unwrap_or(d.kind.clone());
            let state = if s.batch.committee.frozen(reference) {
                lang.tr(text::FINAL)
            } else {
                lang.tr(text::PROVISIONAL)
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", lang.tr(text::DECISION)), t.title()),
                Span::styled(label, Style::new().add_modifier(Modifier::BOLD)),
                Span::styled(
                    format!(
                        " ({state}{})",
                        if d.without_quorum {
                            lang.tr(text::WITHOUT_QUORUM)
                        } else {
                            ""
                        }
                    ),
                    t.dim(),
                ),
            ]));
            for (txt, lbl) in [
                (&d.condition, lang.tr(text::CONDITION)),
                (&d.documents, lang.tr(text::DOCUMENTS_REQUESTED)),
                (&d.motivation, lang.tr(text::REASONS)),
            ] {
                if !txt.is_empty() {
                    wrapped(
                        &mut lines,
                        Span::styled(format!("{lbl} "), t.dim()),
                        txt,
                        Style::new(),
                        width,
                        2,
                    );
                }
            }
            if let Some(r) = d.waitlist_rank {
                lines.push(Line::from(format!(
                    "{} {r}",
                    lang.tr(text::WAITING_LIST_RANK)
                )));
            }
            if let Some(w) = s.batch.committee.withdrawn(reference) {
                let mut said = format!(
                    "{} ({})",
                    withdrawn(s, reference).trim_start_matches(" · "),
                    jury_core::withdrawal::channel_label(&w.channel, lang)
                );
                if let Some((p, _)) = &w.promoted {
                    said.push_str(&format!(" — {} {p}", lang.tr(text::REPLACED_BY)));
                }
                lines.push(Line::from(Span::styled(said, t.warn())));
            }
        }
        None => lines.push(Line::from(Span::styled(
            lang.tr(text::NO_DECISION_YET),
            t.dim(),
        ))),
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

fn criteria_lines(
    s: &State,
    t: &Theme,
    agg: &DossierAggregate,
    reference: &str,
    lines: &mut Vec<Line<'static>>,
) {
    let lang = s.env.lang;
    let visible = s.may_see_others(reference);
    let me = s.reviewer.clone().unwrap_or_default();
    for (k, (c, st)) in s
        .grid()
        .criteria
        .iter()
        .zip(agg.criteria.iter())
        .enumerate()
    {
        let label: String = c.label.chars().take(40).collect();
        lines.push(Line::from(Span::styled(
            format!(
                "{}. {label}{}",
                k + 1,
                if c.label.chars().count() > 40 {
                    "…"
                } else {
                    ""
                }
            ),
            if st.contested {
                t.error()
            } else {
                Style::new().add_modifier(Modifier::BOLD)
            },
        )));
        let mut spans = vec![Span::raw("   ")];
        for (m, v) in &st.values {
            if !visible && *m != me {
                continue;
            }
            spans.push(Span::styled(format!("{} ", initials(m)), t.dim()));
            spans.push(Span::raw(format!("{}  ", lang.score(*v))));
        }
        if visible {
            spans.push(Span::styled(
                format!(
                    "│ {} {} · {} {} · {} {}",
                    lang.tr(text::CRITERION_MEAN),
                    fmt_opt(lang, st.mean, 1),
                    lang.tr(text::CRITERION_MEDIAN),
                    fmt_opt(lang, st.median, 1),
                    lang.tr(text::CRITERION_SPREAD),
                    fmt_opt(lang, st.spread, 0)
                ),
                if st.contested { t.error() } else { t.dim() },
            ));
        } else {
            spans.push(Span::styled(lang.tr(text::OTHERS_HIDDEN), t.dim()));
        }
        if let Some(cv) = st.consensus {
            spans.push(Span::styled(
                format!("  {} {}", lang.tr(text::CONSENSUS), lang.score(cv)),
                t.ok(),
            ));
        }
        lines.push(Line::from(spans));
        // The members' comments: what the discussion starts from.
        for ((r, m, crit), score) in s.batch.scores.range(
            (reference.to_string(), String::new(), String::new())
                ..(format!("{reference}\u{0}"), String::new(), String::new()),
        ) {
            if r != reference || *crit != c.id || score.comment.is_empty() {
                continue;
            }
            if (!visible && *m != me) || s.batch.committee.in_conflict(reference, m) {
                continue;
            }
            lines.push(Line::from(vec![
                Span::styled(format!("   {} ", initials(m)), t.dim()),
                Span::styled(
                    quoted(lang, &score.comment),
                    t.dim().add_modifier(Modifier::ITALIC),
                ),
            ]));
        }
    }
}

fn render_charts(f: &mut Frame, s: &State, t: &Theme, area: Rect) {
    let lang = s.env.lang;
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    // Distribution of official totals on 100, by tens (counted in the
    // state when the aggregates change).
    let buckets = s.committee_view.charts.buckets;
    // Counts go above the bars, not inside them (« █1██1██4█ » read as one
    // number): no text in the bars, a row kept free over the tallest.
    let bars: Vec<Bar> = buckets
        .iter()
        .enumerate()
        .map(|(i, n)| {
            Bar::default()
                .value(*n)
                .label(Line::from(format!("{}", i * 10)))
                .text_value(String::new())
        })
        .collect();
    let block = pane_block(lang.tr(text::TOTALS_ON_100).into(), false, t);
    let inner = block.inner(left);
    // Rows for the bars: the inner height less the labels' row.
    let rows = u64::from(inner.height.saturating_sub(1)).max(2);
    let top = buckets.iter().copied().max().unwrap_or(0).max(1);
    // The tallest bar fills all rows but one.
    let max = (top * rows).div_ceil(rows - 1);
    let (bar_width, gap) = (3u16, 0u16);
    let chart = BarChart::default()
        .block(block)
        .data(BarGroup::default().bars(&bars))
        .bar_width(bar_width)
        .bar_gap(gap)
        .max(max)
        .bar_style(t.title());
    f.render_widget(chart, left);
    let base = inner.y + inner.height.saturating_sub(1);
    for (i, n) in buckets.iter().enumerate().filter(|(_, n)| **n > 0) {
        let height = (*n * rows).div_ceil(max) as u16;
        let x = inner.x + i as u16 * (bar_width + gap);
        let y = base.saturating_sub(height + 1);
        if x + bar_width <= inner.x + inner.width && y >= inner.y {
            let label = format!("{n:^w$}", w = bar_width as usize);
            f.buffer_mut().set_string(x, y, label, t.title());
        }
    }
    // Each criterion's mean across dossiers, on the call's scale (×10 for the bars).
    let means: Vec<Bar> = s
        .grid()
        .criteria
        .iter()
        .enumerate()
        .map(|(k, _)| {
            let mean = s.committee_view.charts.mean(k);
            Bar::default()
                .value(mean.map(|m| (m * 10.0).round() as u64).unwrap_or(0))
                .label(Line::from(format!("C{}", k + 1)))
                .text_value(mean.map(|m| lang.num(m, 1)).unwrap_or_default())
        })
        .collect();
    let max = (s.grid().scale.max * 10.0).round() as u64;
    let chart = BarChart::default()
        .block(pane_block(
            format!(
                "{} / {}",
                lang.tr(text::MEAN_BY_CRITERION),
                lang.score(s.grid().scale.max)
            ),
            false,
            t,
        ))
        .data(BarGroup::default().bars(&means))
        .bar_width(4)
        .bar_gap(1)
        .max(max)
        .bar_style(t.ok());
    f.render_widget(chart, right);
}

/// The committee view's texts, French then English.
mod text {
    use jury_core::fr::Tr;
    pub const COL_DOSSIER: Tr = Tr::new("Dossier", "Dossier");
    pub const COL_FINAL: Tr = Tr::new("Finale", "Final");
    pub const ABSENT_CELL: Tr = Tr::new("absent", "absent");
    pub const COL_RAPPORTEURS: Tr = Tr::new("Rapp.", "Rapp.");
    pub const RAPPORTEURS: Tr = Tr::new("Rapporteur·e·s :", "Rapporteurs:");
    pub const HAS_SCORED: Tr = Tr::new("a noté", "scored");
    pub const NOT_YET: Tr = Tr::new("pas encore noté", "not scored yet");

    pub const COMMITTEE: Tr = Tr::new("Comité", "Committee");
    pub const MODIFIED_MARK: Tr = Tr::new(" · modifié", " · changed");
    pub const WITHDREW_ON: Tr = Tr::new("désisté·e le", "withdrew on");
    pub const AWAITING_ONE: Tr = Tr::new(
        "Désistement en attente de votre décision de promotion",
        "Withdrawal awaiting your promotion decision",
    );
    pub const AWAITING_MANY: Tr = Tr::new(
        "Désistements en attente de votre décision de promotion",
        "Withdrawals awaiting your promotion decision",
    );
    pub const RECEIVED_ON: Tr = Tr::new("reçu le", "received on");
    pub const PROMOTE: Tr = Tr::new(
        "promouvoir depuis la liste complémentaire",
        "promote from the waiting list",
    );
    pub const REPLACED_BY: Tr = Tr::new("remplacé·e par", "replaced by");
    pub const MODIFIED_AFTER: Tr =
        Tr::new("modifié après la séance du", "changed after the session of");
    pub const ONLY_A_NEW_SESSION: Tr = Tr::new(
        " : la décision et ses courriers restent ceux de la séance ; seule une nouvelle séance peut la changer",
        ": the decision and its letters stay the session's; only a new session can change it",
    );
    pub const SESSION_OF: Tr = Tr::new("Séance du", "Session of");
    pub const PRESENT: Tr = Tr::new("présents", "present");
    pub const QUORUM: Tr = Tr::new("quorum", "quorum");
    pub const NOT_MET: Tr = Tr::new("NON ATTEINT", "NOT MET");
    pub const NO_QUORUM_SET: Tr = Tr::new("pas de quorum fixé", "no quorum set");
    pub const NO_OPEN_SESSION: Tr = Tr::new(
        "Aucune séance ouverte : décisions impossibles (o : ouvrir une séance)",
        "No open session: no decision possible (o: open a session)",
    );
    pub const BASIS_MEAN: Tr = Tr::new("moyenne", "mean");
    pub const BASIS_MEDIAN: Tr = Tr::new("médiane", "median");
    pub const TOTALS: Tr = Tr::new("totaux :", "totals:");
    pub const NORMALISED_RANKING: Tr = Tr::new(" · classement normalisé", " · normalised ranking");
    pub const AGENDA: Tr = Tr::new(" · ordre du jour", " · agenda");
    pub const ACCEPTED: Tr = Tr::new("Retenus :", "Accepted:");
    pub const CALL_DECLARED_UNSUCCESSFUL: Tr =
        Tr::new("APPEL DÉCLARÉ INFRUCTUEUX", "CALL DECLARED UNSUCCESSFUL");
    pub const LOT_DECLARED_UNSUCCESSFUL: Tr =
        Tr::new("LOT DÉCLARÉ INFRUCTUEUX", "LOT DECLARED UNSUCCESSFUL");
    pub const PACKETS: Tr = Tr::new("Paquets :", "Packets:");
    pub const PACKET_DISAGREEMENTS: Tr = Tr::new(
        "désaccord(s) entre paquets à trancher (R)",
        "packet disagreement(s) to settle (R)",
    );
    pub const COL_RANK: Tr = Tr::new("Rg", "Rk");
    pub const COL_REF: Tr = Tr::new("Réf.", "Ref.");
    pub const COL_STRUCTURE: Tr = Tr::new("Structure", "Structure");
    pub const COL_MEAN: Tr = Tr::new("Moy.", "Mean");
    pub const COL_MEDIAN: Tr = Tr::new("Méd.", "Med.");
    pub const COL_SPREAD: Tr = Tr::new("Écart", "Spread");
    pub const COL_DECISION: Tr = Tr::new("Décision", "Decision");
    pub const RANKING: Tr = Tr::new("Classement", "Ranking");
    pub const CONTESTED: Tr = Tr::new("contesté", "contested");
    pub const PROVISIONAL_TIE_BROKEN: Tr =
        Tr::new("provisoire / départagé", "provisional / tie broken");
    pub const DOSSIER: Tr = Tr::new("Dossier", "Dossier");
    pub const PRIORITIES: Tr = Tr::new("Priorités :", "Priorities:");
    pub const RECUSED: Tr = Tr::new("Déporté·e(s) :", "Recused:");
    /// In a member's column of the ranking.
    pub const RECUSED_CELL: Tr = Tr::new("déport", "recused");
    pub const TIED_SAME_RANK: Tr = Tr::new("ex æquo, même rang", "tied, same rank");
    pub const BROKEN_BY_HEAVIEST: Tr = Tr::new(
        "départagé par le critère le plus pondéré",
        "tie broken by the most heavily weighted criterion",
    );
    pub const BROKEN_BY_RECEIVED: Tr = Tr::new(
        "départagé par la date de réception",
        "tie broken by the date of receipt",
    );
    pub const RANK: Tr = Tr::new("Rang", "Rank");
    pub const BELOW_MIN_REVIEWS: Tr = Tr::new(
        "⚠ sous le minimum fixé par l'appel :",
        "⚠ below the call's minimum:",
    );
    pub const SAME_TOTAL_AS_ANOTHER: Tr = Tr::new(
        "total égal à un autre dossier",
        "same total as another dossier",
    );
    pub const FINAL: Tr = Tr::new("définitive", "final");
    pub const PROVISIONAL: Tr = Tr::new("provisoire", "provisional");
    pub const DECISION: Tr = Tr::new("Décision :", "Decision:");
    pub const WITHOUT_QUORUM: Tr = Tr::new(", sans quorum", ", without quorum");
    pub const CONDITION: Tr = Tr::new("Réserve :", "Condition:");
    pub const DOCUMENTS_REQUESTED: Tr = Tr::new("Pièces demandées :", "Documents requested:");
    pub const REASONS: Tr = Tr::new("Motivation :", "Reasons:");
    pub const WAITING_LIST_RANK: Tr =
        Tr::new("Rang sur la liste complémentaire :", "Waiting-list rank:");
    pub const NO_DECISION_YET: Tr = Tr::new(
        "Pas encore de décision (Entrée : décider)",
        "No decision yet (Enter: decide)",
    );
    pub const CRITERION_MEAN: Tr = Tr::new("moy.", "mean");
    pub const CRITERION_MEDIAN: Tr = Tr::new("méd.", "med.");
    pub const CRITERION_SPREAD: Tr = Tr::new("écart", "spread");
    pub const OTHERS_HIDDEN: Tr = Tr::new(
        "(notes des autres masquées : notez d'abord ce dossier)",
        "(others hidden: score this dossier first)",
    );
    pub const CONSENSUS: Tr = Tr::new("consensus", "consensus");
    pub const TOTALS_ON_100: Tr = Tr::new("Totaux (sur 100)", "Totals (on 100)");
    pub const MEAN_BY_CRITERION: Tr = Tr::new("Moyenne par critère", "Mean by criterion");
}
