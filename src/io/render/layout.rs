//! Layout decisions both the PDF and the ODT renderers take, so a table or
//! a subject reads the same in the PDF Jury draws and in the ODT LibreOffice
//! lays out: table column widths from the content, the hanging indent of
//! « Objet : ». Pure: text widths come from the caller (the embedded
//! Jury Sans metrics, which are Liberation Sans's, in points).

use jury_core::typography;

/// The weight of a run of text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Weight {
    Regular,
    Bold,
}

/// Column widths of a table (in points, summing to `available`). `header`
/// and every row hold exactly the table's columns, French typography
/// applied; `pad_x` is each cell's left and right padding; `width` measures
/// a text in the table's size.
///
/// Every column is at least as wide as its longest unbreakable word
/// (header words in bold, references such as `PDNP06-2025-016`), so no
/// header or figure ever breaks inside a word; the space left goes to the
/// columns whose text would wrap, in proportion to what they lack, so wide
/// text columns shrink first. A header is kept on one line when all of them
/// fit so. When even the longest words do not fit, every column shrinks in
/// proportion.
pub(super) fn column_widths(
    header: &[String],
    rows: &[Vec<String>],
    available: f32,
    pad_x: f32,
    width: impl Fn(&str, Weight) -> f32,
) -> Vec<f32> {
    let columns = header.len();
    let has_header = header.iter().any(|h| !h.is_empty());
    let mut natural = vec![0.0f32; columns];
    let mut minimal = vec![0.0f32; columns];
    // The same, a header's lines kept whole (« Note / 5 » on one line).
    let mut header_whole = vec![0.0f32; columns];
    let mut measure = |c: usize, text: &str, weight: Weight| {
        for line in text.split('\n') {
            natural[c] = natural[c].max(width(line, weight));
            for word in line.split(typography::breakable) {
                minimal[c] = minimal[c].max(width(word, weight));
            }
        }
    };
    for (c, head) in header.iter().enumerate() {
        if has_header {
            measure(c, head, Weight::Bold);
        }
        for row in rows {
            measure(
                c,
                row.get(c).map(String::as_str).unwrap_or(""),
                Weight::Regular,
            );
        }
    }
    if has_header {
        for ((whole, least), text) in header_whole.iter_mut().zip(&minimal).zip(header) {
            *whole = text
                .split('\n')
                .map(|l| width(l, Weight::Bold))
                .fold(*least, f32::max);
        }
    } else {
        header_whole.clone_from(&minimal);
    }
    for w in natural
        .iter_mut()
        .chain(minimal.iter_mut())
        .chain(header_whole.iter_mut())
    {
        *w += 2.0 * pad_x;
    }
    // Headers stay on one line when the page allows it.
    if header_whole.iter().sum::<f32>() <= available {
        minimal = header_whole;
    }
    let total: f32 = natural.iter().sum::<f32>().max(1.0);
    let minimal_sum: f32 = minimal.iter().sum();
    let mut widths: Vec<f32> = if total <= available {
        natural.iter().map(|w| w * available / total).collect()
    } else if minimal_sum <= available {
        let lacking: Vec<f32> = natural
            .iter()
            .zip(&minimal)
            .map(|(n, m)| (n - m).max(0.0))
            .collect();
        let lacking_sum: f32 = lacking.iter().sum::<f32>().max(1.0);
        let spare = available - minimal_sum;
        minimal
            .iter()
            .zip(&lacking)
            .map(|(m, l)| m + spare * l / lacking_sum)
            .collect()
    } else {
        minimal
    };
    let sum: f32 = widths.iter().sum();
    if sum > available {
        for w in &mut widths {
            *w *= available / sum;
        }
    }
    widths
}

/// The hanging indent of a subject line: the width of its label up to the
/// colon and one space (« Objet : »), so the lines that follow align with
/// the text after it; none when the label would take a third of the line
/// or more. `width` measures a text in the subject's bold face and size.
pub(super) fn hanging_indent(subject: &str, available: f32, width: impl Fn(&str) -> f32) -> f32 {
    subject
        .find(':')
        .map(|i| width(&subject[..=i]) + width(" "))
        .filter(|h| *h < available / 3.0)
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character 1 point wide, bold 1.5.
    fn width(text: &str, weight: Weight) -> f32 {
        let n = text.chars().count() as f32;
        match weight {
            Weight::Regular => n,
            Weight::Bold => 1.5 * n,
        }
    }

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_long_text_column_shrinks_before_a_short_header_breaks() {
        let header = strings(&["Rang", "Référence", "Structure"]);
        let long = "mot ".repeat(60);
        let rows = vec![strings(&["1", "PDNP06-2025-016", long.trim()])];
        let widths = column_widths(&header, &rows, 100.0, 2.0, width);
        assert!((widths.iter().sum::<f32>() - 100.0).abs() < 0.01);
        // « Rang » in bold, and the reference whole, plus padding.
        assert!(widths[0] >= 1.5 * 4.0 + 4.0, "{widths:?}");
        assert!(widths[1] >= 15.0 + 4.0, "{widths:?}");
        assert!(widths[1] >= 1.5 * 9.0 + 4.0, "{widths:?}");
        // The text column took what was left.
        assert!(widths[2] > widths[1], "{widths:?}");
    }

    #[test]
    fn a_header_stays_on_one_line_when_the_page_allows() {
        let header = strings(&["Texte", "Note / 5"]);
        let long = "mot ".repeat(60);
        let rows = vec![strings(&[long.trim(), "4,10"])];
        let widths = column_widths(&header, &rows, 100.0, 0.0, width);
        assert!(widths[1] >= 1.5 * 8.0, "{widths:?}");
    }

    #[test]
    fn words_too_long_for_the_page_shrink_every_column_alike() {
        let header = strings(&["aaaaaaaaaa", "bbbbbbbbbb"]);
        let widths = column_widths(&header, &[], 20.0, 0.0, width);
        assert_eq!(widths, vec![10.0, 10.0]);
    }

    #[test]
    fn the_subject_hangs_after_its_label() {
        let w = |t: &str| t.chars().count() as f32;
        assert_eq!(hanging_indent("Objet : Votre candidature", 100.0, w), 8.0);
        assert_eq!(hanging_indent("Sans deux-points", 100.0, w), 0.0);
        assert_eq!(
            hanging_indent("Un très long libellé d'objet : x", 60.0, w),
            0.0
        );
    }
}
