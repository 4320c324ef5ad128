//! PDF rendering of a [`Document`]: A4, 25 mm side margins, Jury Sans
//! (Liberation Sans without its hinting, see `assets/fonts/`; regular and
//! bold, embedded and subset), justified paragraphs, a window-
//! envelope addressee block, tables with rules, signatures kept together, a
//! footer with "page n / N" when there is more than one page.
//!
//! Line breaking is ours: glyph widths come from the font's `hmtx` table
//! (through `skrifa`), lines break only at ordinary spaces
//! ([`typography::breakable`]), so "1 000 €", "7 juillet 2025" or "Objet :"
//! never split; justified text is also hyphenated with the French TeX
//! patterns, the hyphen drawn but extracted as a soft hyphen (U+00AD), so a
//! screen reader or a search reads the whole word.
//!
//! Every PDF is PDF/A-2b and PDF/UA-1, validated by krilla as it writes:
//! a tag tree in reading order (H1/H2, P, Table > TR > TH/TD, L > LI >
//! Lbl/LBody), rules, fills, footers, page numbers and repeated table
//! headers marked as artifacts, language `fr-FR`, the title in the
//! metadata, fonts embedded. A failed validation is a
//! [`RenderError::Conformance`], never a PDF written anyway.
//! krilla's output depends only on its input (the date is the document's,
//! the document id hashed from the content), so the same document always
//! gives the same bytes.

use std::sync::LazyLock;

use std::num::NonZeroU16;
use std::rc::Rc;

use hyphenation::{Hyphenator, Language, Load, Standard};
use krilla::SerializeSettings;
use krilla::color::luma;
use krilla::configure::{
    Accessibility, Archival, ConfigurationBuilder, ValidationError, Validator,
};
use krilla::destination::XyzDestination;
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, ListNumbering, Node, SpanTag, TableHeaderScope, Tag,
    TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use super::french::french;
use super::layout::{self, Weight};
use super::{Conformance, FontError, RenderError};
use jury_core::document::{Block, Document};
use jury_core::typography;

static REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/JurySans-Regular.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/JurySans-Bold.ttf");
/// The `hyphenation` crate's French dictionary (TeX hyph-fr patterns),
/// built by the version in Cargo.toml: only French is embedded.
static FRENCH_PATTERNS: &[u8] = include_bytes!("../../../assets/hyphenation/fr.standard.bincode");

static HYPHENATOR: LazyLock<Result<Standard, String>> = LazyLock::new(|| {
    Standard::from_reader(Language::French, &mut &FRENCH_PATTERNS[..]).map_err(|e| e.to_string())
});

const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 210.0 * MM;
const PAGE_H: f32 = 297.0 * MM;
const LEFT: f32 = 25.0 * MM;
const RIGHT: f32 = PAGE_W - 25.0 * MM;
const TOP: f32 = 15.0 * MM;
/// Lowest the body may go when there is no footer.
const BOTTOM: f32 = PAGE_H - 22.0 * MM;
/// Baseline of the last footer line.
const FOOTER_BASELINE: f32 = PAGE_H - 12.0 * MM;

/// Window of a DL envelope with the window on the right.
const ADDRESS_X: f32 = 110.0 * MM;
const ADDRESS_TOP: f32 = 50.0 * MM;
/// The place and date sit below the window.
const AFTER_WINDOW: f32 = 76.0 * MM;

const BODY: f32 = 10.0;
const BODY_LH: f32 = 12.9;
const ISSUER: f32 = 11.5;
const SMALL: f32 = 9.0;
const TABLE: f32 = 9.0;
const TABLE_LH: f32 = 11.4;
const FOOT: f32 = 8.0;
const FOOT_LH: f32 = 10.0;
const TITLE: f32 = 13.0;
const PARA_GAP: f32 = 4.5;
const SIGNATURE_ROOM: f32 = 12.0 * MM;

/// One embedded face: the krilla font, and the tables we measure with.
struct Face {
    /// The font's name: what tells faces apart in [`BROKEN`].
    name: &'static str,
    font: Font,
    charmap: Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    units_per_em: f32,
    space: f32,
}

impl Face {
    fn load(bytes: &'static [u8], name: &'static str) -> Result<Face, FontError> {
        let font = Font::new(bytes.into(), 0).ok_or(FontError::Unreadable(name, None))?;
        let sk =
            FontRef::new(bytes).map_err(|e| FontError::Unreadable(name, Some(e.to_string())))?;
        let units_per_em = f32::from(
            sk.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        if units_per_em <= 0.0 {
            return Err(FontError::NoUnitsPerEm(name));
        }
        let mut face = Face {
            name,
            font,
            charmap: sk.charmap(),
            metrics: sk.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em,
            space: 0.0,
        };
        face.space = face.glyph(' ').1;
        Ok(face)
    }

    /// Glyph id and advance (in em) of a character; a character the font
    /// lacks is drawn as `.notdef` but keeps its text for extraction.
    fn glyph(&self, c: char) -> (u32, f32) {
        let c = match c {
            '\t' => ' ',
            _ => c,
        };
        let gid = self.charmap.map(c).unwrap_or_default();
        let advance = self.metrics.advance_width(gid).unwrap_or(0.0) / self.units_per_em;
        (gid.to_u32(), advance)
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).1).sum::<f32>() * size
    }
}

struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }
}

impl Fonts {
    fn load() -> Result<Fonts, FontError> {
        Ok(Fonts {
            regular: Face::load(REGULAR_TTF, "JurySans-Regular")?,
            bold: Face::load(BOLD_TTF, "JurySans-Bold")?,
        })
    }
}

thread_local! {
    /// Each thread draws with faces of its own. krilla clones a font's
    /// `Arc` several times for each glyph drawn: with one font shared by
    /// the threads rendering letters side by side, its count went back and
    /// forth between their cores' caches. Loading a face only reads its
    /// tables' places, without copying the font.
    static FONTS: Result<Rc<Fonts>, FontError> = Fonts::load().map(Rc::new);
}

/// This thread's faces.
fn fonts() -> Result<Rc<Fonts>, RenderError> {
    FONTS.with(|f| f.clone()).map_err(RenderError::Font)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Align {
    Left,
    Right,
    Center,
    Justify,
}

/// A line of text placed on a page.
#[derive(Debug)]
struct Run {
    x: f32,
    baseline: f32,
    size: f32,
    weight: Weight,
    gray: u8,
    text: String,
    /// Extra width added to each ordinary space (justification).
    word_spacing: f32,
    /// Ends with a hyphen drawn where a word was cut.
    hyphen: bool,
    mark: Mark,
}

/// What a piece of drawn content is for the tag tree: a leaf of a
/// structure element (an index into [`Structure::nodes`]), or an artifact
/// a screen reader skips.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mark {
    Content(usize),
    Artifact(ArtifactType),
}

/// The kinds of structure element a document uses.
#[derive(Clone, Debug)]
enum Kind {
    Heading(u16, String),
    P,
    Table,
    Tr,
    Th,
    Td,
    L,
    Li,
    Lbl,
    LBody,
}

/// The logical structure, in reading order: elements, each holding other
/// elements or (when drawn) the content marked with its index.
#[derive(Default)]
struct Structure {
    nodes: Vec<(Kind, Vec<usize>)>,
    roots: Vec<usize>,
}

impl Structure {
    fn add(&mut self, kind: Kind, parent: Option<usize>) -> usize {
        let id = self.nodes.len();
        self.nodes.push((kind, Vec::new()));
        match parent {
            Some(p) => self.nodes[p].1.push(id),
            None => self.roots.push(id),
        }
        id
    }

    /// The tag tree, with each element's drawn content (`leaves`, in
    /// drawing order, which is reading order inside an element).
    fn tree(&self, leaves: &mut [Vec<krilla::tagging::Identifier>]) -> TagTree {
        let mut tree = TagTree::new().with_lang(Some(LANG.to_string()));
        for &root in &self.roots {
            tree.push(self.group(root, leaves));
        }
        tree
    }

    fn group(&self, id: usize, leaves: &mut [Vec<krilla::tagging::Identifier>]) -> TagGroup {
        let (kind, children) = &self.nodes[id];
        let tag: TagKind = match kind {
            Kind::Heading(level, title) => Tag::Hn(
                NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN),
                Some(title.clone()),
            )
            .into(),
            Kind::P => Tag::P.into(),
            Kind::Table => Tag::Table.into(),
            Kind::Tr => Tag::TR.into(),
            Kind::Th => Tag::TH(TableHeaderScope::Column).into(),
            Kind::Td => Tag::TD.into(),
            Kind::L => Tag::L(ListNumbering::Disc).into(),
            Kind::Li => Tag::LI.into(),
            Kind::Lbl => Tag::Lbl.into(),
            Kind::LBody => Tag::LBody.into(),
        };
        let mut nodes: Vec<Node> = children
            .iter()
            .map(|&c| Node::from(self.group(c, leaves)))
            .collect();
        nodes.extend(std::mem::take(&mut leaves[id]).into_iter().map(Node::from));
        TagGroup::with_children(tag, nodes)
    }
}

/// The document language, in the catalog and on the structure root.
const LANG: &str = "fr-FR";

#[derive(Debug)]
enum Op {
    Text(Run),
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
        gray: u8,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        gray: u8,
    },
}

/// A broken line: its text (words joined by single spaces), natural width,
/// number of spaces that may stretch, and whether it ends a paragraph or a
/// forced line (then it is never stretched).
#[derive(Debug, Clone, PartialEq)]
struct Line {
    text: String,
    width: f32,
    spaces: usize,
    last: bool,
    /// The line ends inside a hyphenated word: a hyphen is drawn after it.
    hyphen: bool,
}

/// A word, or a piece of a hyphenated word, as the line breaker sees it:
/// its width in points, then one space (none inside a word), and the width
/// of the hyphen drawn if a line ends after it.
#[derive(Debug)]
struct Word {
    text: String,
    width: f64,
    space: f64,
    /// Width of the hyphen drawn if the line ends here (0 at a word's end).
    hyphen: f64,
}

impl textwrap::core::Fragment for Word {
    fn width(&self) -> f64 {
        self.width
    }

    fn whitespace_width(&self) -> f64 {
        self.space
    }

    fn penalty_width(&self) -> f64 {
        self.hyphen
    }
}

/// Where `word` may be hyphenated, as byte offsets: only a word of letters
/// (with apostrophes, optionally capitalised, with punctuation around it);
/// never a figure, an abbreviation in capitals, a compound already joined
/// by a hyphen or a no-break group such as "7 juillet 2025".
fn hyphenation_points(word: &str) -> Vec<usize> {
    let Ok(hyphenator) = HYPHENATOR.as_ref() else {
        return Vec::new();
    };
    let is_letter = |c: char| c.is_alphabetic() || c == '’' || c == '\'';
    let start = word.find(|c: char| c.is_alphabetic()).unwrap_or(word.len());
    let end = word.rfind(|c: char| c.is_alphabetic()).map_or(start, |i| {
        i + word[i..].chars().next().map_or(0, char::len_utf8)
    });
    if start >= end {
        return Vec::new();
    }
    let core = &word[start..end];
    let plain = core.chars().all(is_letter)
        && core.chars().skip(1).all(|c| !c.is_uppercase())
        && word[..start]
            .chars()
            .all(|c| !c.is_alphanumeric() && c != '-')
        && word[end..]
            .chars()
            .all(|c| !c.is_alphanumeric() && c != '-');
    if !plain {
        return Vec::new();
    }
    hyphenator
        .hyphenate(core)
        .breaks
        .into_iter()
        .map(|b| start + b)
        // Never just after an elided article: "l’|administration" breaks
        // at the space a reader would not see.
        .filter(|&b| !word[..b].ends_with(['’', '\'']))
        .collect()
}

/// What a paragraph was broken from: its face and size, its text, its
/// widths and whether it was hyphenated (see [`BROKEN`]).
#[derive(PartialEq, Eq, Hash)]
struct Broken {
    face: &'static str,
    size: u32,
    text: String,
    first: u32,
    rest: u32,
    hyphenate: bool,
}

thread_local! {
    /// Paragraphs already broken into lines on this thread. The letters of
    /// a call share most of their paragraphs (their template's), which
    /// were broken again for each letter: with hyphenation, a seventh of
    /// the time a letter's PDF took. Emptied once it holds [`BROKEN_MAX`]
    /// paragraphs.
    static BROKEN: std::cell::RefCell<std::collections::HashMap<Broken, Vec<Line>>> =
        std::cell::RefCell::default();
}

const BROKEN_MAX: usize = 4096;

/// [`break_lines_anew`], once per paragraph, face, size and widths on a
/// thread (see [`BROKEN`]).
fn break_lines(
    face: &Face,
    size: f32,
    text: &str,
    first: f32,
    rest: f32,
    hyphenate: bool,
) -> Vec<Line> {
    let key = Broken {
        face: face.name,
        size: size.to_bits(),
        text: text.to_string(),
        first: first.to_bits(),
        rest: rest.to_bits(),
        hyphenate,
    };
    if let Some(lines) = BROKEN.with_borrow(|broken| broken.get(&key).cloned()) {
        return lines;
    }
    let lines = break_lines_anew(face, size, text, first, rest, hyphenate);
    BROKEN.with_borrow_mut(|broken| {
        if broken.len() >= BROKEN_MAX {
            broken.clear();
        }
        broken.insert(key, lines.clone());
    });
    lines
}

/// Breaks `text` into lines no wider than `first` (first line) and `rest`
/// (the others). Only ordinary spaces break (French typography has made the
/// others unbreakable), and with `hyphenate` the French hyphenation points
/// of a word; `\n` forces a break; a word wider than the line is
/// cut between characters. textwrap places the words (first fit); the
/// widths are the font's.
fn break_lines_anew(
    face: &Face,
    size: f32,
    text: &str,
    first: f32,
    rest: f32,
    hyphenate: bool,
) -> Vec<Line> {
    // A hair of tolerance so that a line measured exactly full still fits.
    const SLACK: f32 = 0.01;
    let space = f64::from(face.space * size);
    let mut lines: Vec<Line> = Vec::new();
    for segment in text.split('\n') {
        let widths: Vec<f64> = if lines.is_empty() {
            vec![f64::from(first + SLACK), f64::from(rest + SLACK)]
        } else {
            vec![f64::from(rest + SLACK)]
        };
        let narrowest = if lines.is_empty() {
            first.min(rest)
        } else {
            rest
        };
        let mut words: Vec<Word> = Vec::new();
        for word in segment
            .split(typography::breakable)
            .filter(|w| !w.is_empty())
        {
            if hyphenate {
                let points = hyphenation_points(word);
                if !points.is_empty() {
                    let hyphen = f64::from(face.width("-", size));
                    let mut from = 0;
                    for at in points.into_iter().chain(std::iter::once(word.len())) {
                        let piece = &word[from..at];
                        let end = at == word.len();
                        words.push(Word {
                            text: piece.to_string(),
                            width: f64::from(face.width(piece, size)),
                            space: if end { space } else { 0.0 },
                            hyphen: if end { 0.0 } else { hyphen },
                        });
                        from = at;
                    }
                    continue;
                }
            }
            // textwrap places words but does not cut them by font width.
            let mut left = word.to_string();
            loop {
                let width = face.width(&left, size);
                if width <= narrowest + SLACK {
                    words.push(Word {
                        text: left,
                        width: f64::from(width),
                        space,
                        hyphen: 0.0,
                    });
                    break;
                }
                let (head, tail) = cut_word(face, size, &left, narrowest);
                words.push(Word {
                    width: f64::from(face.width(&head, size)),
                    text: head,
                    space,
                    hyphen: 0.0,
                });
                if tail.is_empty() {
                    break;
                }
                left = tail;
            }
        }
        let placed = textwrap::wrap_algorithms::wrap_first_fit(&words, &widths);
        let count = placed.len();
        for (i, line) in placed.into_iter().enumerate() {
            lines.push(make_line(line, i + 1 == count));
        }
    }
    lines
}

fn make_line(words: &[Word], last: bool) -> Line {
    let mut text = String::new();
    let mut width = 0.0;
    let mut spaces = 0;
    for (i, word) in words.iter().enumerate() {
        text.push_str(&word.text);
        width += word.width;
        // A piece of a hyphenated word is followed by the rest of it.
        if i + 1 < words.len() && word.space > 0.0 {
            text.push(' ');
            width += word.space;
            spaces += 1;
        }
    }
    let hyphen = words.last().map_or(0.0, |w| w.hyphen);
    Line {
        text,
        width: (width + hyphen) as f32,
        spaces,
        last,
        hyphen: hyphen > 0.0,
    }
}

/// The longest prefix of `word` (at least one character) that fits `max`.
fn cut_word(face: &Face, size: f32, word: &str, max: f32) -> (String, String) {
    let mut width = 0.0;
    let mut split = 0;
    for (i, c) in word.char_indices() {
        let w = face.glyph(c).1 * size;
        if width + w > max && i > 0 {
            break;
        }
        width += w;
        split = i + c.len_utf8();
    }
    (word[..split].to_string(), word[split..].to_string())
}

/// Lays a document out on pages, then draws them.
/// A table's column geometry.
struct Columns {
    xs: Vec<f32>,
    widths: Vec<f32>,
    numeric: Vec<bool>,
    pad_x: f32,
    pad_y: f32,
}

struct Layout<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    y: f32,
    bottom: f32,
    structure: Structure,
    /// What the text placed now belongs to.
    mark: Mark,
    /// The heading level of the body's headings: 2 under the document's
    /// H1 (its title, or a letter's subject), else 1.
    heading_level: u16,
    /// Where each heading landed, for the outline: title, page, top.
    headings: Vec<(String, usize, f32)>,
}

impl<'a> Layout<'a> {
    fn new(fonts: &'a Fonts, bottom: f32) -> Self {
        Layout {
            fonts,
            pages: vec![Vec::new()],
            y: TOP,
            bottom,
            structure: Structure::default(),
            mark: Mark::Artifact(ArtifactType::Other),
            heading_level: 1,
            headings: Vec::new(),
        }
    }

    /// Starts a structure element and marks the text placed from now on as
    /// its content.
    fn element(&mut self, kind: Kind, parent: Option<usize>) -> usize {
        let id = self.structure.add(kind, parent);
        self.mark = Mark::Content(id);
        id
    }

    /// A heading of `level`, remembered for the outline.
    fn heading(&mut self, level: u16, text: &str) {
        self.element(Kind::Heading(level, text.to_string()), None);
        self.headings
            .push((text.to_string(), self.pages.len() - 1, self.y));
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    fn at_top(&self) -> bool {
        self.y <= TOP + 0.5
    }

    /// Starts a new page unless `height` fits below the cursor.
    fn ensure(&mut self, height: f32) {
        if self.y + height > self.bottom && !self.at_top() {
            self.new_page();
        }
    }

    /// Places a table row's cells (each a list of lines) from `top`:
    /// figures right-aligned, text left-aligned, inside the padding.
    /// `row` is the TR element the cells belong to; `None` for a header
    /// repeated on a new page, an artifact.
    fn place_row(
        &mut self,
        cells: &[Vec<Line>],
        cols: &Columns,
        top: f32,
        weight: Weight,
        row: Option<(usize, Kind)>,
    ) {
        for (c, lines) in cells.iter().enumerate() {
            match &row {
                Some((tr, kind)) => {
                    self.element(kind.clone(), Some(*tr));
                }
                None => self.mark = Mark::Artifact(ArtifactType::Header),
            }
            let align = if cols.numeric[c] {
                Align::Right
            } else {
                Align::Left
            };
            for (k, line) in lines.iter().enumerate() {
                self.place_line(
                    line,
                    cols.xs[c] + cols.pad_x,
                    cols.widths[c] - 2.0 * cols.pad_x,
                    top + cols.pad_y + k as f32 * TABLE_LH,
                    TABLE,
                    TABLE_LH,
                    weight,
                    align,
                );
            }
        }
    }

    /// Places one line whose top is at `top`.
    #[allow(clippy::too_many_arguments)]
    fn place_line(
        &mut self,
        line: &Line,
        x: f32,
        width: f32,
        top: f32,
        size: f32,
        line_height: f32,
        weight: Weight,
        align: Align,
    ) {
        let baseline = top + (line_height - size) / 2.0 + size * 0.86;
        let (x, word_spacing) = match align {
            Align::Left => (x, 0.0),
            Align::Right => (x + width - line.width, 0.0),
            Align::Center => (x + (width - line.width) / 2.0, 0.0),
            Align::Justify => {
                if line.last || line.spaces == 0 {
                    (x, 0.0)
                } else {
                    (x, ((width - line.width) / line.spaces as f32).max(0.0))
                }
            }
        };
        self.push(Op::Text(Run {
            x,
            baseline,
            size,
            weight,
            gray: 0,
            text: line.text.clone(),
            word_spacing,
            hyphen: line.hyphen,
            mark: self.mark,
        }));
    }

    /// A flowing block of text: lines broken, placed with page breaks that
    /// leave neither a single first line at the bottom of a page nor a single
    /// last line at the top of the next.
    #[allow(clippy::too_many_arguments)]
    fn flow(
        &mut self,
        text: &str,
        x: f32,
        width: f32,
        size: f32,
        line_height: f32,
        weight: Weight,
        align: Align,
        marker: Option<(&str, f32, usize)>,
        hang: f32,
    ) {
        let body_mark = self.mark;
        let face = self.fonts.face(weight);
        let lines = break_lines(
            face,
            size,
            text,
            width,
            width - hang,
            align == Align::Justify,
        );
        let mut index = 0;
        while index < lines.len() {
            let fit = ((self.bottom - self.y) / line_height + 0.001)
                .floor()
                .max(0.0) as usize;
            let remaining = lines.len() - index;
            let mut take = fit.min(remaining);
            if take < remaining {
                if index == 0 && take < 2 && lines.len() >= 2 && !self.at_top() {
                    take = 0;
                }
                if remaining - take == 1 && take >= 2 {
                    take -= 1;
                }
                if take == 0 && self.at_top() {
                    take = 1;
                }
            }
            for (k, line) in lines[index..index + take].iter().enumerate() {
                let first = index + k == 0;
                let (lx, lw) = if first {
                    (x, width)
                } else {
                    (x + hang, width - hang)
                };
                if let (true, Some((marker, marker_x, label))) = (first, marker) {
                    let run = Line {
                        text: marker.to_string(),
                        width: 0.0,
                        spaces: 0,
                        last: true,
                        hyphen: false,
                    };
                    self.mark = Mark::Content(label);
                    self.place_line(
                        &run,
                        marker_x,
                        0.0,
                        self.y,
                        size,
                        line_height,
                        weight,
                        Align::Left,
                    );
                    self.mark = body_mark;
                }
                self.place_line(line, lx, lw, self.y, size, line_height, weight, align);
                self.y += line_height;
            }
            index += take;
            if index < lines.len() {
                self.new_page();
            }
        }
    }

    /// Lines at a fixed place (letterhead, addressee): no page break.
    #[allow(clippy::too_many_arguments)]
    fn fixed(
        &mut self,
        text: &str,
        x: f32,
        width: f32,
        top: f32,
        size: f32,
        line_height: f32,
        weight: Weight,
        align: Align,
    ) -> f32 {
        let lines = break_lines(self.fonts.face(weight), size, text, width, width, false);
        let mut y = top;
        for line in &lines {
            self.place_line(line, x, width, y, size, line_height, weight, align);
            y += line_height;
        }
        y
    }

    fn header(&mut self, doc: &Document) {
        let half = 85.0 * MM;
        let mut y = TOP;
        if !doc.letterhead.is_empty() {
            self.element(Kind::P, None);
        }
        for (i, line) in doc.letterhead.iter().enumerate() {
            let text = french(line);
            y = if i == 0 {
                self.fixed(
                    &text,
                    LEFT,
                    half,
                    y,
                    ISSUER,
                    ISSUER * 1.3,
                    Weight::Bold,
                    Align::Left,
                )
            } else {
                self.fixed(
                    &text,
                    LEFT,
                    half,
                    y,
                    SMALL,
                    SMALL * 1.3,
                    Weight::Regular,
                    Align::Left,
                )
            };
        }
        let mut bottom = y;
        if !doc.addressee.is_empty() {
            self.element(Kind::P, None);
            let mut ay = ADDRESS_TOP.max(y + 4.0 * MM);
            for line in &doc.addressee {
                ay = self.fixed(
                    &french(line),
                    ADDRESS_X,
                    RIGHT - ADDRESS_X,
                    ay,
                    BODY,
                    BODY_LH,
                    Weight::Regular,
                    Align::Left,
                );
            }
            bottom = (ay + 4.0 * MM).max(AFTER_WINDOW);
        } else if !doc.letterhead.is_empty() {
            bottom += 8.0 * MM;
        }
        self.y = bottom;
        let width = RIGHT - LEFT;
        if let Some(place_date) = &doc.place_date {
            self.element(Kind::P, None);
            self.flow(
                &french(place_date),
                LEFT,
                width,
                BODY,
                BODY_LH,
                Weight::Regular,
                Align::Right,
                None,
                0.0,
            );
            self.y += BODY_LH * 0.6;
        }
        if let Some(reference) = doc.reference_line() {
            self.element(Kind::P, None);
            self.flow(
                &french(&reference),
                LEFT,
                width,
                SMALL,
                SMALL * 1.35,
                Weight::Regular,
                Align::Left,
                None,
                0.0,
            );
            self.y += SMALL * 0.6;
        }
        if let Some(subject) = doc.subject_line() {
            let subject = french(&subject);
            // A letter's subject is its main heading; minutes have a title.
            if doc.title.is_none() {
                self.heading(1, &subject);
                self.heading_level = 2;
            } else {
                self.element(Kind::P, None);
            }
            // Hanging indent under the text that follows "Objet :".
            let hang = layout::hanging_indent(&subject, width, |t| self.fonts.bold.width(t, BODY));
            self.flow(
                &subject,
                LEFT,
                width,
                BODY,
                BODY_LH,
                Weight::Bold,
                Align::Left,
                None,
                hang,
            );
            self.y += BODY_LH;
        }
        if let Some(title) = &doc.title {
            if !self.at_top() {
                self.y += BODY_LH * 0.5;
            }
            self.heading(1, &french(title));
            self.heading_level = 2;
            self.flow(
                &french(title),
                LEFT,
                width,
                TITLE,
                TITLE * 1.35,
                Weight::Bold,
                Align::Center,
                None,
                0.0,
            );
            self.y += BODY_LH;
        }
    }

    fn blocks(&mut self, blocks: &[Block]) {
        let width = RIGHT - LEFT;
        let mut iter = blocks.iter().peekable();
        while let Some(block) = iter.next() {
            match block {
                Block::Paragraph(text) => {
                    self.element(Kind::P, None);
                    self.flow(
                        &french(text),
                        LEFT,
                        width,
                        BODY,
                        BODY_LH,
                        Weight::Regular,
                        Align::Justify,
                        None,
                        0.0,
                    );
                    self.y += PARA_GAP;
                }
                Block::Heading(text) => {
                    if !self.at_top() {
                        self.y += PARA_GAP;
                    }
                    let text = french(text);
                    let lines =
                        break_lines(&self.fonts.bold, BODY + 0.5, &text, width, width, false).len()
                            as f32;
                    let next = if iter.peek().is_some() {
                        2.0 * BODY_LH
                    } else {
                        0.0
                    };
                    self.ensure(lines * BODY_LH + next);
                    self.heading(self.heading_level, &text);
                    self.flow(
                        &text,
                        LEFT,
                        width,
                        BODY + 0.5,
                        BODY_LH,
                        Weight::Bold,
                        Align::Left,
                        None,
                        0.0,
                    );
                    self.y += 2.0;
                }
                Block::Bullets(items) => {
                    let list = (!items.is_empty()).then(|| self.structure.add(Kind::L, None));
                    for item in items {
                        let indent = 7.0 * MM;
                        let li = self.structure.add(Kind::Li, list);
                        let label = self.structure.add(Kind::Lbl, Some(li));
                        self.element(Kind::LBody, Some(li));
                        self.flow(
                            &french(item),
                            LEFT + indent,
                            width - indent,
                            BODY,
                            BODY_LH,
                            Weight::Regular,
                            Align::Justify,
                            Some(("•", LEFT + 2.5 * MM, label)),
                            0.0,
                        );
                        self.y += 2.0;
                    }
                    self.y += PARA_GAP - 2.0;
                }
                Block::Table { header, rows } => {
                    self.table(header, rows);
                    self.y += PARA_GAP + 2.0;
                }
                Block::Spacer => self.y += BODY_LH,
            }
        }
    }

    fn table(&mut self, header: &[String], rows: &[Vec<String>]) {
        let columns = rows
            .iter()
            .map(Vec::len)
            .chain(std::iter::once(header.len()))
            .max()
            .unwrap_or(0);
        if columns == 0 {
            return;
        }
        let table = self.structure.add(Kind::Table, None);
        let fonts = self.fonts;
        let pad_x = 4.0;
        let pad_y = 2.2;
        let cell = |row: &[String], c: usize| row.get(c).map(|s| french(s)).unwrap_or_default();
        let header: Vec<String> = (0..columns).map(|c| cell(header, c)).collect();
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| (0..columns).map(|c| cell(r, c)).collect())
            .collect();
        let has_header = header.iter().any(|h| !h.is_empty());

        let widths = layout::column_widths(&header, &rows, RIGHT - LEFT, pad_x, |text, weight| {
            fonts.face(weight).width(text, TABLE)
        });
        let xs: Vec<f32> = widths
            .iter()
            .scan(LEFT, |x, w| {
                let start = *x;
                *x += w;
                Some(start)
            })
            .collect();
        let right = LEFT + widths.iter().sum::<f32>();

        let wrap = |cells: &[String], weight: Weight| -> Vec<Vec<Line>> {
            cells
                .iter()
                .zip(&widths)
                .map(|(text, w)| {
                    break_lines(
                        fonts.face(weight),
                        TABLE,
                        text,
                        w - 2.0 * pad_x,
                        w - 2.0 * pad_x,
                        false,
                    )
                })
                .collect()
        };
        let height = |cells: &[Vec<Line>]| {
            cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * TABLE_LH + 2.0 * pad_y
        };
        let header_lines = wrap(&header, Weight::Bold);
        let header_height = height(&header_lines);

        let numeric: Vec<bool> = (0..columns)
            .map(|c| {
                rows.iter().any(|r| !r[c].is_empty())
                    && rows.iter().all(|r| r[c].is_empty() || looks_numeric(&r[c]))
            })
            .collect();
        let cols = Columns {
            xs: xs.clone(),
            widths: widths.clone(),
            numeric,
            pad_x,
            pad_y,
        };

        // The header is read once: repeated on a later page, it is an artifact.
        let draw_header = |layout: &mut Layout, first: bool| {
            let top = layout.y;
            layout.push(Op::Fill {
                x: LEFT,
                y: top,
                w: right - LEFT,
                h: header_height,
                gray: 232,
            });
            layout.push(Op::Rule {
                x1: LEFT,
                x2: right,
                y: top,
                width: 0.8,
                gray: 0,
            });
            let row = first.then(|| (layout.structure.add(Kind::Tr, Some(table)), Kind::Th));
            layout.place_row(&header_lines, &cols, top, Weight::Bold, row);
            layout.y += header_height;
            layout.push(Op::Rule {
                x1: LEFT,
                x2: right,
                y: layout.y,
                width: 0.5,
                gray: 0,
            });
        };

        let first_row = rows
            .first()
            .map(|r| height(&wrap(r, Weight::Regular)))
            .unwrap_or(0.0);
        self.ensure(if has_header { header_height } else { 0.0 } + first_row);
        if has_header {
            draw_header(self, true);
        } else {
            self.push(Op::Rule {
                x1: LEFT,
                x2: right,
                y: self.y,
                width: 0.8,
                gray: 0,
            });
        }
        for (r, row) in rows.iter().enumerate() {
            let lines = wrap(row, Weight::Regular);
            let row_height = height(&lines);
            if self.y + row_height > self.bottom && !self.at_top() {
                self.push(Op::Rule {
                    x1: LEFT,
                    x2: right,
                    y: self.y,
                    width: 0.8,
                    gray: 0,
                });
                self.new_page();
                if has_header {
                    draw_header(self, false);
                } else {
                    self.push(Op::Rule {
                        x1: LEFT,
                        x2: right,
                        y: self.y,
                        width: 0.8,
                        gray: 0,
                    });
                }
            }
            let top = self.y;
            let tr = self.structure.add(Kind::Tr, Some(table));
            self.place_row(&lines, &cols, top, Weight::Regular, Some((tr, Kind::Td)));
            self.y += row_height;
            let last = r + 1 == rows.len();
            if last {
                self.push(Op::Rule {
                    x1: LEFT,
                    x2: right,
                    y: self.y,
                    width: 0.8,
                    gray: 0,
                });
            } else {
                self.push(Op::Rule {
                    x1: LEFT,
                    x2: right,
                    y: self.y,
                    width: 0.3,
                    gray: 170,
                });
            }
        }
    }

    fn signatures(&mut self, signatures: &[Vec<String>]) {
        let blocks: Vec<&Vec<String>> = signatures
            .iter()
            .filter(|s| !s.is_empty())
            .take(2)
            .collect();
        if blocks.is_empty() {
            return;
        }
        let gap = 10.0 * MM;
        let (positions, width): (Vec<f32>, f32) = if blocks.len() == 1 {
            (vec![ADDRESS_X], RIGHT - ADDRESS_X)
        } else {
            let w = (RIGHT - LEFT - gap) / 2.0;
            (vec![LEFT, LEFT + w + gap], w)
        };
        let prepared: Vec<Vec<Option<Vec<Line>>>> = blocks
            .iter()
            .map(|lines| {
                lines
                    .iter()
                    .map(|l| {
                        let t = french(l.trim());
                        if t.is_empty() {
                            None
                        } else {
                            Some(break_lines(
                                &self.fonts.regular,
                                BODY,
                                &t,
                                width,
                                width,
                                false,
                            ))
                        }
                    })
                    .collect()
            })
            .collect();
        let block_height = |b: &Vec<Option<Vec<Line>>>| -> f32 {
            b.iter()
                .map(|l| match l {
                    None => SIGNATURE_ROOM,
                    Some(lines) => lines.len() as f32 * BODY_LH,
                })
                .sum()
        };
        let height = prepared.iter().map(block_height).fold(0.0, f32::max);
        self.y += BODY_LH * 0.5;
        self.ensure(height);
        let top = self.y;
        for (block, x) in prepared.iter().zip(positions) {
            self.element(Kind::P, None);
            let mut y = top;
            for entry in block {
                match entry {
                    None => y += SIGNATURE_ROOM,
                    Some(lines) => {
                        for line in lines {
                            self.place_line(
                                line,
                                x,
                                width,
                                y,
                                BODY,
                                BODY_LH,
                                Weight::Regular,
                                Align::Left,
                            );
                            y += BODY_LH;
                        }
                    }
                }
            }
        }
        self.y = top + height;
    }
}

/// "14,5", "12 000 €", "3 / 20", "25 %": right aligned in tables.
fn looks_numeric(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " ,./%€+-−×\u{A0}\u{202F}".contains(c))
}

/// Measures text as the PDF draws it (the embedded Jury Sans, whose
/// metrics are Liberation Sans's): the
/// ODT sizes its tables and indents with it, for LibreOffice lays its text
/// out in the same font.
pub(super) fn text_width() -> Result<impl Fn(&str, Weight, f32) -> f32, RenderError> {
    let fonts = fonts()?;
    Ok(move |text: &str, weight: Weight, size: f32| fonts.face(weight).width(text, size))
}

/// Renders `doc` as a PDF. The same document always gives the same bytes.
pub fn render(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let fonts = &*fonts()?;

    // The footer, laid out first: it sets how low the body may go.
    let footer_width = RIGHT - LEFT - 28.0 * MM;
    let footer_lines = match &doc.footer {
        Some(f) if !f.trim().is_empty() => break_lines(
            &fonts.regular,
            FOOT,
            &french(f.trim()),
            footer_width,
            footer_width,
            false,
        ),
        _ => Vec::new(),
    };
    let footer_top = FOOTER_BASELINE
        - FOOT * 0.86
        - (footer_lines.len().max(1) as f32 - 1.0) * FOOT_LH
        - (FOOT_LH - FOOT) / 2.0;
    let bottom = BOTTOM.min(footer_top - 3.5 * MM);

    let mut layout = Layout::new(fonts, bottom);
    layout.header(doc);
    layout.blocks(&doc.blocks);
    layout.signatures(&doc.signatures);
    let Layout {
        mut pages,
        structure,
        headings,
        ..
    } = layout;
    // A page that ends up empty (a break just before nothing) is dropped.
    while pages.len() > 1 && pages.last().is_some_and(Vec::is_empty) {
        pages.pop();
    }

    let total = pages.len();
    for (n, page) in pages.iter_mut().enumerate() {
        let mut top = footer_top;
        if !footer_lines.is_empty() || total > 1 {
            page.push(Op::Rule {
                x1: LEFT,
                x2: RIGHT,
                y: top - 2.0 * MM,
                width: 0.4,
                gray: 150,
            });
        }
        for line in &footer_lines {
            let baseline = top + (FOOT_LH - FOOT) / 2.0 + FOOT * 0.86;
            page.push(Op::Text(Run {
                x: LEFT,
                baseline,
                size: FOOT,
                weight: Weight::Regular,
                gray: 90,
                text: line.text.clone(),
                word_spacing: 0.0,
                hyphen: false,
                mark: Mark::Artifact(ArtifactType::Footer),
            }));
            top += FOOT_LH;
        }
        if total > 1 {
            let text = format!("page {} / {}", n + 1, total).replace(' ', "\u{A0}");
            let w = fonts.regular.width(&text, FOOT);
            let baseline = footer_top + (FOOT_LH - FOOT) / 2.0 + FOOT * 0.86;
            page.push(Op::Text(Run {
                x: RIGHT - w,
                baseline,
                size: FOOT,
                weight: Weight::Regular,
                gray: 90,
                text,
                word_spacing: 0.0,
                hyphen: false,
                mark: Mark::Artifact(ArtifactType::PageNumber),
            }));
        }
    }

    draw(fonts, doc, &pages, &structure, &headings)
}

/// PDF/A-2b (archival) and PDF/UA-1 (accessible), validated by krilla as
/// it writes the file.
fn settings() -> Result<SerializeSettings, RenderError> {
    let configuration = ConfigurationBuilder::new()
        .set_validator(Validator::A(Archival::A2_B))
        .set_validator(Validator::Ua(Accessibility::UA1))
        .finish()
        .map_err(|e| RenderError::Pdf(format!("{e:?}")))?;
    Ok(SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    })
}

/// The document's metadata: title, language, and its own date (never the
/// clock's), which PDF/A requires.
fn metadata(doc: &Document) -> Metadata {
    use chrono::Datelike;
    let title = french(&doc.metadata_title());
    let mut metadata = Metadata::new()
        .language(LANG.to_string())
        .creator("Jury".to_string());
    if !title.trim().is_empty() {
        metadata = metadata.title(title);
    }
    if let Some(date) = doc.date {
        // Years outside u16 cannot be typed into Jury (dates are checked).
        if let Ok(year) = u16::try_from(date.year()) {
            metadata = metadata.creation_date(
                DateTime::new(year)
                    .month(date.month() as u8)
                    .day(date.day() as u8),
            );
        }
    }
    metadata
}

fn draw(
    fonts: &Fonts,
    doc: &Document,
    pages: &[Vec<Op>],
    structure: &Structure,
    headings: &[(String, usize, f32)],
) -> Result<Vec<u8>, RenderError> {
    let mut pdf = krilla::Document::new_with(settings()?);
    pdf.set_metadata(metadata(doc));
    // PDF/UA wants an outline: the headings, each pointing at its page.
    let mut outline = Outline::new();
    for (title, page, top) in headings {
        outline.push_child(OutlineNode::new(
            title.clone(),
            XyzDestination::new(*page, Point::from_xy(LEFT, *top)),
        ));
    }
    pdf.set_outline(outline);
    let mut leaves: Vec<Vec<krilla::tagging::Identifier>> = vec![Vec::new(); structure.nodes.len()];
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or(RenderError::PageSize)?;
    for ops in pages {
        let mut page = pdf.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text(run) => {
                    let tag = match run.mark {
                        Mark::Content(_) => ContentTag::Span(SpanTag::empty()),
                        Mark::Artifact(kind) => ContentTag::Artifact(Artifact::with_kind(kind)),
                    };
                    let id = surface.start_tagged(tag);
                    draw_run(&mut surface, fonts.face(run.weight), run);
                    surface.end_tagged();
                    if let Mark::Content(node) = run.mark
                        && let Some(slot) = leaves.get_mut(node)
                    {
                        slot.push(id);
                    }
                }
                Op::Rule {
                    x1,
                    x2,
                    y,
                    width,
                    gray,
                } => {
                    let mut path = PathBuilder::new();
                    path.move_to(*x1, *y);
                    path.line_to(*x2, *y);
                    if let Some(path) = path.finish() {
                        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                            ArtifactType::Layout,
                        )));
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: luma::Color::new(*gray).into(),
                            width: *width,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                        surface.end_tagged();
                    }
                }
                Op::Fill { x, y, w, h, gray } => {
                    let mut path = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        path.push_rect(rect);
                    }
                    if let Some(path) = path.finish() {
                        surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                            ArtifactType::Layout,
                        )));
                        surface.set_stroke(None);
                        surface.set_fill(Some(Fill {
                            paint: luma::Color::new(*gray).into(),
                            ..Fill::default()
                        }));
                        surface.draw_path(&path);
                        surface.end_tagged();
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    pdf.set_tag_tree(structure.tree(&mut leaves));
    pdf.finish().map_err(|e| match e {
        KrillaError::Validation(errors) => {
            RenderError::Conformance(errors.into_iter().map(|(e, _)| conformance(e)).collect())
        }
        other => RenderError::Pdf(other.to_string()),
    })
}

/// A line of text: its glyphs, with the extra width of justified spaces,
/// and the hyphen of a cut word drawn as "-" but extracted as U+00AD.
fn draw_run(surface: &mut Surface, face: &Face, run: &Run) {
    let mut text = run.text.clone();
    if run.hyphen {
        text.push('\u{AD}');
    }
    let mut glyphs = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let (gid, mut advance) = face.glyph(if c == '\u{AD}' { '-' } else { c });
        if c == ' ' {
            advance += run.word_spacing / run.size;
        }
        glyphs.push(KrillaGlyph::new(
            GlyphId::new(gid),
            advance,
            0.0,
            0.0,
            0.0,
            i..i + c.len_utf8(),
            None,
        ));
    }
    surface.set_stroke(None);
    surface.set_fill(Some(Fill {
        paint: luma::Color::new(run.gray).into(),
        ..Fill::default()
    }));
    surface.draw_glyphs(
        Point::from_xy(run.x, run.baseline),
        &glyphs,
        face.font.clone(),
        &text,
        run.size,
        false,
    );
}

/// What a failed validation means, in the terms a user can act on.
fn conformance(error: ValidationError) -> Conformance {
    match error {
        ValidationError::ContainsNotDefGlyph(_, _, text) => Conformance::MissingGlyph(text),
        ValidationError::NoDocumentTitle => Conformance::NoTitle,
        ValidationError::MissingDocumentDate => Conformance::NoDate,
        ValidationError::NoDocumentLanguage => Conformance::NoLanguage,
        other => Conformance::Other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Rc<Fonts> {
        match super::fonts() {
            Ok(f) => f,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn the_font_has_every_french_character() {
        let f = fonts();
        for c in "éèêëàâäçùûüîïôöœŒÉÈÀÇ«»€’ \u{A0}\u{202F}•–—…°".chars()
        {
            for face in [&f.regular, &f.bold] {
                assert_ne!(face.glyph(c).0, 0, "glyph missing for {c:?}");
            }
        }
    }

    #[test]
    fn lines_break_only_at_ordinary_spaces() {
        let f = fonts();
        let text = french("Le montant accordé est de 1 000 € : voir « la convention » ; merci !");
        let widest = text
            .split(typography::breakable)
            .map(|w| f.regular.width(w, BODY))
            .fold(0.0, f32::max)
            .ceil() as usize;
        for width in (widest..400).step_by(7) {
            let lines = break_lines(&f.regular, BODY, &text, width as f32, width as f32, false);
            let rebuilt = lines
                .iter()
                .map(|l| l.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            assert_eq!(rebuilt, text, "width {width}");
            for line in &lines {
                assert!(
                    !line.text.starts_with(['€', ':', ';', '!', '»']),
                    "{:?} at width {width}",
                    line.text
                );
                assert!(!line.text.ends_with(['«']), "{:?}", line.text);
            }
        }
    }

    #[test]
    fn lines_fit_their_width() {
        let f = fonts();
        let text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Anticonstitutionnellement.";
        for width in [60.0, 120.0, 240.0, 453.0] {
            for line in break_lines(&f.regular, BODY, text, width, width, false) {
                assert!(line.width <= width + 0.02, "{line:?} wider than {width}");
                assert!((f.regular.width(&line.text, BODY) - line.width).abs() < 0.01);
            }
        }
    }

    /// A paragraph broken again on the same thread is given the lines it
    /// was broken into, and those are the lines a first breaking gives,
    /// whatever the face, size, widths and hyphenation.
    #[test]
    fn a_paragraph_broken_again_gives_the_same_lines() {
        let f = fonts();
        let texts = [
            "Nous avons le plaisir de vous informer que votre candidature a été retenue par la commission d’attribution.",
            "Articulation avec le projet social insuffisante ; plages de présence en ligne à préciser.",
            "un\ndeux trois",
            "",
        ];
        for text in texts {
            for (face, size) in [(&f.regular, BODY), (&f.bold, BODY + 0.5)] {
                for (first, rest) in [(453.0, 453.0), (120.0, 240.0), (60.0, 60.0)] {
                    for hyphenate in [false, true] {
                        let anew = break_lines_anew(face, size, text, first, rest, hyphenate);
                        for _ in 0..2 {
                            assert_eq!(
                                break_lines(face, size, text, first, rest, hyphenate),
                                anew,
                                "{text:?} {} {size} {first}/{rest} {hyphenate}",
                                face.name
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn forced_breaks_and_last_lines() {
        let f = fonts();
        let lines = break_lines(&f.regular, BODY, "un\ndeux trois", 400.0, 400.0, false);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.last));
        assert_eq!(lines[1].spaces, 1);
    }

    #[test]
    fn the_french_patterns_load_and_spare_what_must_not_be_cut() {
        // A dictionary that no longer loads (a crate upgrade changing its
        // format) would silently stop hyphenation: fail here instead.
        assert!(HYPHENATOR.is_ok(), "{:?}", HYPHENATOR.as_ref().err());
        let cut = |w: &str| {
            let points = hyphenation_points(w);
            let mut parts = Vec::new();
            let mut from = 0;
            for at in points.into_iter().chain(std::iter::once(w.len())) {
                parts.push(&w[from..at]);
                from = at;
            }
            parts.join("-")
        };
        assert_eq!(cut("accompagnement,"), "ac-com-pa-gne-ment,");
        assert_eq!(cut("l’administration"), "l’ad-mi-nis-tra-tion");
        for whole in [
            "CAF",
            "PDNP06-2025-007",
            "2025",
            "7\u{A0}juillet",
            "Saint-Étienne",
            "SIRET",
        ] {
            assert_eq!(cut(whole), whole);
        }
    }

    #[test]
    fn numeric_cells() {
        assert!(looks_numeric("14,5"));
        assert!(looks_numeric("12\u{202F}000\u{A0}€"));
        assert!(looks_numeric("3 / 20"));
        assert!(!looks_numeric("Critère 2"));
        assert!(!looks_numeric("—"));
    }
}
