//! Flowing content onto A4 pages: a cursor that moves down the body area and starts a new page
//! whenever the next line, row or chart would cross the bottom margin, so nothing is ever drawn
//! off the page. Blocks (headings, paragraphs, key-value lists, tables) are built on that;
//! headers and footers are added once the page count is known.

use pdf_writer::{Content, Name, Str};

use super::text::{self, Font};

/// A4 in points.
pub(crate) const PAGE_W: f32 = 595.28;
pub(crate) const PAGE_H: f32 = 841.89;
pub(crate) const MARGIN: f32 = 50.0;
pub(crate) const LEFT: f32 = MARGIN;
pub(crate) const RIGHT: f32 = PAGE_W - MARGIN;
pub(crate) const WIDTH: f32 = RIGHT - LEFT;
/// The body lies between the header (inside the top margin box) and the footer.
const BODY_TOP: f32 = PAGE_H - MARGIN - 26.0;
const BODY_BOTTOM: f32 = MARGIN + 24.0;

/// Body text.
pub(crate) const SIZE: f32 = 9.5;
const LEADING: f32 = 12.5;
/// Tables.
const TABLE_SIZE: f32 = 8.5;
const TABLE_LEADING: f32 = 10.5;
const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 3.0;
/// A cell shows at most this many lines (the last one ends in an ellipsis when cut), so that a
/// row always fits on a page.
const CELL_LINES: usize = 6;

/// Colours as RGB fractions.
pub(crate) type Rgb = (f32, f32, f32);
pub(crate) const INK: Rgb = (0.10, 0.11, 0.13);
pub(crate) const GREY: Rgb = (0.42, 0.44, 0.48);
pub(crate) const ACCENT: Rgb = (0.11, 0.27, 0.47);
pub(crate) const BAR: Rgb = (0.24, 0.45, 0.70);
pub(crate) const RULE: Rgb = (0.75, 0.77, 0.80);
const HEAD_FILL: Rgb = (0.89, 0.92, 0.95);
const ZEBRA_FILL: Rgb = (0.96, 0.965, 0.975);

const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// Coordinates rounded to hundredths: short numbers in the content stream, and never a tiny
/// value that a float formatter would write in exponent notation.
pub(crate) fn r(v: f32) -> f32 {
    if v.is_finite() {
        (v * 100.0).round() / 100.0
    } else {
        0.0
    }
}

/// A section heading's place, for the document outline.
pub(crate) struct Mark {
    pub title: &'static str,
    pub page: usize,
    pub top: f32,
}

/// Horizontal alignment in a table column.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// A table column: its title, its share of the body width and its alignment.
pub(crate) struct Column {
    pub title: &'static str,
    pub share: f32,
    pub align: Align,
}

/// A table row: its cells (plain strings, encoded here) and whether it is a total line.
pub(crate) struct Row {
    pub cells: Vec<String>,
    pub bold: bool,
}

impl Row {
    pub(crate) fn new(cells: Vec<String>) -> Self {
        Row { cells, bold: false }
    }
}

/// The pages laid out so far and the cursor on the last one.
pub(crate) struct Pages {
    pages: Vec<Content>,
    /// The top of the free space on the last page.
    y: f32,
    pub marks: Vec<Mark>,
}

impl Pages {
    pub(crate) fn new() -> Self {
        Pages {
            pages: vec![Content::new()],
            y: BODY_TOP,
            marks: Vec::new(),
        }
    }

    pub(crate) fn y(&self) -> f32 {
        self.y
    }

    pub(crate) fn page_index(&self) -> usize {
        self.pages.len() - 1
    }

    fn at_top(&self) -> bool {
        self.y >= BODY_TOP
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = BODY_TOP;
    }

    /// Makes room for `height` points, on a new page when this one has too little left.
    pub(crate) fn ensure(&mut self, height: f32) {
        if self.y - height < BODY_BOTTOM && !self.at_top() {
            self.new_page();
        }
    }

    /// Moves the cursor down, never below the bottom margin.
    pub(crate) fn advance(&mut self, dy: f32) {
        self.y = (self.y - dy).max(BODY_BOTTOM);
    }

    /// Vertical space, dropped at the top of a page.
    pub(crate) fn gap(&mut self, dy: f32) {
        if !self.at_top() {
            self.advance(dy);
        }
    }

    fn content(&mut self) -> &mut Content {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// One run of WinAnsi bytes with its baseline starting at (`x`, `baseline`).
    pub(crate) fn text(
        &mut self,
        x: f32,
        baseline: f32,
        font: Font,
        size: f32,
        bytes: &[u8],
        color: Rgb,
    ) {
        draw_text(self.content(), x, baseline, font, size, bytes, color);
    }

    /// A filled rectangle.
    pub(crate) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        draw_rect(self.content(), x, y, w, h, color);
    }

    /// A horizontal rule.
    pub(crate) fn hline(&mut self, x1: f32, x2: f32, y: f32, width: f32, color: Rgb) {
        draw_hline(self.content(), x1, x2, y, width, color);
    }

    /// A section heading, kept with at least `keep` points of what follows it.
    pub(crate) fn heading(&mut self, title: &'static str, keep: f32) {
        self.gap(14.0);
        self.ensure(24.0 + keep);
        let page = self.page_index();
        self.marks.push(Mark {
            title,
            page,
            top: self.y,
        });
        let baseline = self.y - 13.0;
        self.text(
            LEFT,
            baseline,
            Font::Bold,
            13.0,
            &text::encode(title),
            ACCENT,
        );
        self.hline(LEFT, RIGHT, baseline - 5.0, 0.6, ACCENT);
        self.advance(24.0);
    }

    /// The case's title, large.
    pub(crate) fn title(&mut self, s: &str) {
        self.lines(
            &text::encode(s),
            Font::Bold,
            15.0,
            19.0,
            LEFT,
            WIDTH,
            INK,
            0.0,
        );
        self.gap(6.0);
    }

    /// A smaller heading inside a section.
    pub(crate) fn subheading(&mut self, s: &str, keep: f32) {
        self.gap(6.0);
        self.lines(
            &text::encode(s),
            Font::Bold,
            10.0,
            13.0,
            LEFT,
            WIDTH,
            INK,
            keep,
        );
    }

    /// Paragraphs of body text, at most `max_lines` lines (the last one then ends in an
    /// ellipsis): each line break in `s` starts a new line, and blank lines leave a small gap.
    pub(crate) fn paragraphs(&mut self, s: &str, indent: f32, max_lines: usize) {
        let width = WIDTH - indent;
        // `None` is the gap a blank line leaves; runs of blank lines leave one.
        let mut lines: Vec<Option<Vec<u8>>> = Vec::new();
        let mut kept = 0;
        let mut cut = false;
        'paragraphs: for para in s.split('\n') {
            let wrapped = text::wrap(&text::encode(para), Font::Regular, SIZE, width);
            if wrapped.is_empty() {
                if matches!(lines.last(), Some(Some(_))) {
                    lines.push(None);
                }
                continue;
            }
            for line in wrapped {
                if kept == max_lines {
                    cut = true;
                    break 'paragraphs;
                }
                lines.push(Some(line));
                kept += 1;
            }
        }
        while matches!(lines.last(), Some(None)) {
            lines.pop();
        }
        if cut && let Some(Some(last)) = lines.last_mut() {
            *last = with_ellipsis(last, Font::Regular, SIZE, width);
        }
        for line in &lines {
            match line {
                Some(line) => {
                    self.ensure(LEADING);
                    let baseline = self.y - (LEADING - SIZE) / 2.0 - SIZE * 0.8;
                    self.text(LEFT + indent, baseline, Font::Regular, SIZE, line, INK);
                    self.advance(LEADING);
                }
                None => self.gap(LEADING / 2.0),
            }
        }
    }

    /// A short grey remark (an empty section, a cap that was applied).
    pub(crate) fn note(&mut self, s: &str) {
        self.lines(
            &text::encode(s),
            Font::Regular,
            8.5,
            11.0,
            LEFT,
            WIDTH,
            GREY,
            0.0,
        );
    }

    /// Wraps `bytes` to `width` and draws the lines, each on the page where it fits; the first
    /// line is kept with `keep` points of what follows.
    #[allow(clippy::too_many_arguments)]
    fn lines(
        &mut self,
        bytes: &[u8],
        font: Font,
        size: f32,
        leading: f32,
        x: f32,
        width: f32,
        color: Rgb,
        keep: f32,
    ) {
        for (i, line) in text::wrap(bytes, font, size, width).iter().enumerate() {
            self.ensure(leading + if i == 0 { keep } else { 0.0 });
            let baseline = self.y - (leading - size) / 2.0 - size * 0.8;
            self.text(x, baseline, font, size, line, color);
            self.advance(leading);
        }
    }

    /// Bulleted lines.
    pub(crate) fn bullets(&mut self, items: &[String]) {
        for item in items {
            let lines = text::wrap(&text::encode(item), Font::Regular, SIZE, WIDTH - 12.0);
            for (i, line) in lines.iter().enumerate() {
                self.ensure(LEADING);
                let baseline = self.y - (LEADING - SIZE) / 2.0 - SIZE * 0.8;
                if i == 0 {
                    self.text(LEFT + 2.0, baseline, Font::Regular, SIZE, &[0x95], ACCENT);
                }
                self.text(LEFT + 12.0, baseline, Font::Regular, SIZE, line, INK);
                self.advance(LEADING);
            }
        }
    }

    /// Label–value pairs, the label bold in a fixed column, the value wrapped beside it (at most
    /// eight lines).
    pub(crate) fn key_values(&mut self, rows: &[(&str, String)]) {
        const LABEL_W: f32 = 150.0;
        for (label, value) in rows {
            let label = text::clip(&text::encode(label), Font::Bold, SIZE, LABEL_W - 8.0);
            let mut lines = text::wrap(&text::encode(value), Font::Regular, SIZE, WIDTH - LABEL_W);
            cut_lines(&mut lines, 8, Font::Regular, SIZE, WIDTH - LABEL_W);
            let height = LEADING * lines.len().max(1) as f32 + 3.0;
            self.ensure(height);
            let first = self.y - (LEADING - SIZE) / 2.0 - SIZE * 0.8;
            self.text(LEFT, first, Font::Bold, SIZE, &label, GREY);
            for (i, line) in lines.iter().enumerate() {
                self.text(
                    LEFT + LABEL_W,
                    first - LEADING * i as f32,
                    Font::Regular,
                    SIZE,
                    line,
                    INK,
                );
            }
            self.advance(height);
        }
    }

    /// A table with a shaded header row; rows never split, and when one does not fit, the table
    /// goes on on the next page under "<continued> (continued)" and the header row again.
    pub(crate) fn table(&mut self, continued: &str, columns: &[Column], rows: &[Row]) {
        let total: f32 = columns.iter().map(|c| c.share).sum();
        let widths: Vec<f32> = columns
            .iter()
            .map(|c| WIDTH * c.share / total.max(f32::EPSILON))
            .collect();
        let header = Row {
            cells: columns.iter().map(|c| c.title.to_owned()).collect(),
            bold: true,
        };
        let header = self.layout_row(&header, &widths, true);
        let first = rows.first().map(|row| self.layout_row(row, &widths, false));
        self.ensure(header.height + first.as_ref().map_or(0.0, |r| r.height));
        self.draw_row(&header, columns, &widths, Some(HEAD_FILL));
        for (i, row) in rows.iter().enumerate() {
            let laid = match (i, &first) {
                (0, Some(f)) => f.clone(),
                _ => self.layout_row(row, &widths, false),
            };
            if self.y - laid.height < BODY_BOTTOM {
                self.new_page();
                self.note(&format!("{continued} (continued)"));
                self.draw_row(&header, columns, &widths, Some(HEAD_FILL));
            }
            let fill = (i % 2 == 1).then_some(ZEBRA_FILL);
            self.draw_row(&laid, columns, &widths, fill);
        }
        self.hline(LEFT, RIGHT, self.y, 0.5, RULE);
    }

    fn layout_row(&self, row: &Row, widths: &[f32], header: bool) -> LaidRow {
        let font = if row.bold || header {
            Font::Bold
        } else {
            Font::Regular
        };
        let cells: Vec<Vec<Vec<u8>>> = widths
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                let s = row.cells.get(i).map_or("", String::as_str);
                let inner = (w - 2.0 * CELL_PAD_X).max(1.0);
                let mut lines = text::wrap(&text::encode(s), font, TABLE_SIZE, inner);
                cut_lines(&mut lines, CELL_LINES, font, TABLE_SIZE, inner);
                lines
            })
            .collect();
        let n = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let height = 2.0 * CELL_PAD_Y + TABLE_SIZE + TABLE_LEADING * (n - 1) as f32 + 1.0;
        LaidRow {
            cells,
            font,
            height,
        }
    }

    fn draw_row(&mut self, row: &LaidRow, columns: &[Column], widths: &[f32], fill: Option<Rgb>) {
        let top = self.y;
        if let Some(fill) = fill {
            self.rect(LEFT, top - row.height, WIDTH, row.height, fill);
        }
        let mut x = LEFT;
        for ((lines, column), &w) in row.cells.iter().zip(columns).zip(widths) {
            for (i, line) in lines.iter().enumerate() {
                let baseline = top - CELL_PAD_Y - TABLE_SIZE * 0.8 - TABLE_LEADING * i as f32;
                let lx = match column.align {
                    Align::Left => x + CELL_PAD_X,
                    Align::Right => x + w - CELL_PAD_X - row.font.width(line, TABLE_SIZE),
                };
                self.text(lx, baseline, row.font, TABLE_SIZE, line, INK);
            }
            x += w;
        }
        self.advance(row.height);
    }

    /// Adds the header and footer to every page and returns the content streams.
    pub(crate) fn finish(self, header: &Chrome) -> Vec<Vec<u8>> {
        let count = self.pages.len();
        self.pages
            .into_iter()
            .enumerate()
            .map(|(i, mut content)| {
                header.draw(&mut content, i + 1, count);
                content.finish().into_vec()
            })
            .collect()
    }
}

/// A table row wrapped into lines per cell.
#[derive(Clone)]
struct LaidRow {
    cells: Vec<Vec<Vec<u8>>>,
    font: Font,
    height: f32,
}

/// Keeps at most `max` lines; when some are dropped, the last kept one ends in an ellipsis.
fn cut_lines(lines: &mut Vec<Vec<u8>>, max: usize, font: Font, size: f32, width: f32) {
    if lines.len() <= max {
        return;
    }
    lines.truncate(max);
    if let Some(last) = lines.last_mut() {
        *last = with_ellipsis(last, font, size, width);
    }
}

/// `line` with an ellipsis at its end, clipped further if that no longer fits `width`.
fn with_ellipsis(line: &[u8], font: Font, size: f32, width: f32) -> Vec<u8> {
    let mut with = line.to_vec();
    with.push(text::ELLIPSIS);
    if font.width(&with, size) <= width {
        with
    } else {
        text::clip(&with, font, size, width - 1.0)
    }
}

/// What every page's header and footer say.
pub(crate) struct Chrome {
    pub instance: String,
    pub case_reference: String,
    pub exported: String,
    pub recipient: String,
}

impl Chrome {
    fn draw(&self, c: &mut Content, page: usize, count: usize) {
        const SIZE: f32 = 8.0;
        let top = PAGE_H - MARGIN;
        let baseline = top - 8.0;
        let middle = text::encode("Referral package");
        let middle_w = Font::Regular.width(&middle, SIZE);
        let side = (WIDTH - middle_w) / 2.0 - 10.0;
        let instance = text::clip(&text::encode(&self.instance), Font::Bold, SIZE, side);
        draw_text(c, LEFT, baseline, Font::Bold, SIZE, &instance, INK);
        draw_text(
            c,
            LEFT + (WIDTH - middle_w) / 2.0,
            baseline,
            Font::Regular,
            SIZE,
            &middle,
            GREY,
        );
        let case = text::clip(&text::encode(&self.case_reference), Font::Bold, SIZE, side);
        draw_text(
            c,
            RIGHT - Font::Bold.width(&case, SIZE),
            baseline,
            Font::Bold,
            SIZE,
            &case,
            INK,
        );
        draw_hline(c, LEFT, RIGHT, baseline - 5.0, 0.5, RULE);

        let baseline = MARGIN;
        draw_hline(c, LEFT, RIGHT, baseline + 10.0, 0.5, RULE);
        let left = text::encode(&format!(
            "Page {page} of {count}  \u{b7}  Exported {}",
            self.exported
        ));
        let left = text::clip(&left, Font::Regular, SIZE, WIDTH * 0.55);
        let left_w = Font::Regular.width(&left, SIZE);
        draw_text(c, LEFT, baseline, Font::Regular, SIZE, &left, GREY);
        let right = text::encode(&format!("Prepared for {}", self.recipient));
        let right = text::clip(&right, Font::Regular, SIZE, WIDTH - left_w - 16.0);
        draw_text(
            c,
            RIGHT - Font::Regular.width(&right, SIZE),
            baseline,
            Font::Regular,
            SIZE,
            &right,
            GREY,
        );
    }
}

fn draw_text(
    c: &mut Content,
    x: f32,
    baseline: f32,
    font: Font,
    size: f32,
    bytes: &[u8],
    color: Rgb,
) {
    if bytes.is_empty() {
        return;
    }
    let name = match font {
        Font::Regular => REGULAR,
        Font::Bold => BOLD,
    };
    c.set_fill_rgb(color.0, color.1, color.2);
    c.begin_text();
    c.set_font(name, size);
    c.next_line(r(x), r(baseline));
    c.show(Str(bytes));
    c.end_text();
}

fn draw_rect(c: &mut Content, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
    c.set_fill_rgb(color.0, color.1, color.2);
    c.rect(r(x), r(y), r(w.max(0.0)), r(h.max(0.0)));
    c.fill_nonzero();
}

fn draw_hline(c: &mut Content, x1: f32, x2: f32, y: f32, width: f32, color: Rgb) {
    c.set_stroke_rgb(color.0, color.1, color.2);
    c.set_line_width(width);
    c.move_to(r(x1), r(y));
    c.line_to(r(x2), r(y));
    c.stroke();
}

/// Font resource names, for the page resources.
pub(crate) const FONT_NAMES: [(Name<'static>, Font); 2] =
    [(REGULAR, Font::Regular), (BOLD, Font::Bold)];
