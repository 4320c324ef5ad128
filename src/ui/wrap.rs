//! Paragraph wrapping with a hanging indent, for long answers and notes.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// `prefix` then `text`, wrapped to `width` with continuation lines indented
/// by `hang` columns: long answers stay readable as paragraphs.
pub(super) fn wrapped(
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

/// `lines` with none wider than `width`: a wider line is broken after its
/// last space that fits (anywhere when a word alone is wider), each piece
/// keeping its styles. A pane built from fitted lines needs no wrapping of
/// its own, so it knows its height without laying its text out twice a
/// frame; the lines [`wrapped`] makes pass through untouched.
pub(super) fn fit<'a>(lines: Vec<Line<'a>>, width: usize) -> Vec<Line<'a>> {
    if width == 0 || lines.iter().all(|l| l.width() <= width) {
        return lines;
    }
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line);
            continue;
        }
        let cells: Vec<(&str, Style)> = line
            .styled_graphemes(Style::default())
            .map(|g| (g.symbol, g.style))
            .collect();
        let mut start = 0;
        while start < cells.len() {
            let (mut used, mut end, mut space) = (0, start, None);
            while end < cells.len() {
                let w = cells[end].0.width();
                if used + w > width && end > start {
                    break;
                }
                if cells[end].0 == " " {
                    space = Some(end);
                }
                used += w;
                end += 1;
            }
            // Break after the last space when the line goes on.
            let cut = match space {
                Some(at) if end < cells.len() && at > start => at + 1,
                _ => end,
            };
            out.push(styled(&cells[start..cut]).style(line.style));
            start = cut;
        }
    }
    out
}

/// A line of styled cells, a span for each run of one style.
fn styled<'a>(cells: &[(&str, Style)]) -> Line<'a> {
    let mut spans: Vec<Span<'a>> = Vec::new();
    for (symbol, style) in cells {
        match spans.last_mut() {
            Some(last) if last.style == *style => last.content.to_mut().push_str(symbol),
            _ => spans.push(Span::styled(symbol.to_string(), *style)),
        }
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn fitting_breaks_wide_lines_at_spaces_and_keeps_styles() {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let short = Line::from("court");
        let long = Line::from(vec![
            Span::raw("  [1] Attestation d'assurance "),
            Span::styled("pieces/attestation-responsabilite-civile.pdf", bold),
        ]);
        let fitted = fit(vec![short.clone(), long], 24);
        assert_eq!(fitted[0], short);
        assert!(fitted.iter().all(|l| l.width() <= 24), "{fitted:?}");
        let joined: String = fitted[1..].iter().map(text).collect();
        assert_eq!(
            joined,
            "  [1] Attestation d'assurance pieces/attestation-responsabilite-civile.pdf"
        );
        assert_eq!(text(&fitted[1]), "  [1] Attestation ");
        // The file name, wider than the pane, is cut anywhere, still bold.
        let last = fitted.last().map(|l| l.spans.clone()).unwrap_or_default();
        assert!(last.iter().all(|s| s.style == bold), "{last:?}");
    }

    #[test]
    fn wrapped_lines_already_fit() {
        let mut out = Vec::new();
        let para =
            "Accompagnement des parents en ligne, permanences le mercredi et le samedi matin.";
        wrapped(&mut out, Span::raw("  "), para, Style::new(), 30, 2);
        assert_eq!(fit(out.clone(), 30), out);
    }
}
