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
