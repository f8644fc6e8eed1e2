//! Text for the standard 14 fonts: every string becomes WinAnsi bytes (what Helvetica can show,
//! `?` for the rest), is measured with Adobe's published Helvetica and Helvetica-Bold widths, and
//! is wrapped or clipped to a width. Nothing here can fail: any `&str` gives some bytes.

/// The two faces the summary uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Font {
    Regular,
    Bold,
}

/// The ellipsis in WinAnsi, used wherever text is cut.
pub(crate) const ELLIPSIS: u8 = 0x85;

/// Glyph widths (thousandths of the font size) of WinAnsi codes 32 to 255, from Adobe's AFM files
/// for the core fonts (Helvetica and Helvetica-Bold, version 002.000); the codes WinAnsi leaves
/// unused (0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D) get the bullet's width, which readers show there.
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0x30
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 0x50
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 0x60
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 350, // 0x70
    556, 350, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350, // 0x80
    350, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 350, 500, 667, // 0x90
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 0xF0
];

/// See [`HELVETICA`].
const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0x30
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 0x50
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 0x60
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 350, // 0x70
    556, 350, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350, // 0x80
    350, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 350, 500, 667, // 0x90
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 0xF0
];

impl Font {
    /// The widths the font dictionary declares for codes 32 to 255 (`/FirstChar 32`), the same
    /// ones the layout measures with, so that a viewer substituting another font keeps the lines.
    pub(crate) fn widths(self) -> impl Iterator<Item = f32> {
        self.table().iter().map(|&w| f32::from(w))
    }

    fn table(self) -> &'static [u16; 224] {
        match self {
            Font::Regular => &HELVETICA,
            Font::Bold => &HELVETICA_BOLD,
        }
    }

    /// The advance of one WinAnsi byte in thousandths of the font size (control codes, which
    /// [`encode`] never produces, count as nothing).
    fn advance(self, byte: u8) -> u32 {
        match byte.checked_sub(32) {
            Some(i) => u32::from(self.table()[usize::from(i)]),
            None => 0,
        }
    }

    /// The width of `bytes` at `size` points.
    pub(crate) fn width(self, bytes: &[u8], size: f32) -> f32 {
        let units: u64 = bytes.iter().map(|&b| u64::from(self.advance(b))).sum();
        units as f32 * size / 1000.0
    }
}

/// The WinAnsi code of `c`, if Helvetica has a glyph for it: printable ASCII, the Latin-1
/// letters and signs, and the extras Windows-1252 puts in 0x80–0x9F (€ ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž
/// ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ).
pub(crate) fn winansi(c: char) -> Option<u8> {
    let code = u32::from(c);
    if (0x20..=0x7E).contains(&code) || (0xA0..=0xFF).contains(&code) {
        return u8::try_from(code).ok();
    }
    Some(match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    })
}

/// One line of text as WinAnsi bytes: tabs and line breaks become spaces, every other character
/// Helvetica cannot show (control characters, CJK, emoji, bidi overrides ...) becomes `?`.
pub(crate) fn encode(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => b' ',
            c => winansi(c).unwrap_or(b'?'),
        })
        .collect()
}

/// Whether [`encode`] replaces any character of `s` by `?` (line breaks and tabs do not count).
pub(crate) fn loses_characters(s: &str) -> bool {
    s.chars()
        .any(|c| !matches!(c, '\t' | '\n' | '\r') && winansi(c).is_none())
}

/// `s` cut to at most `max` characters, with an ellipsis when cut, so that a hostile 100 KB value
/// costs no more than a short one.
pub(crate) fn cap_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => {
            let mut cut = s[..at].trim_end().to_owned();
            cut.push('…');
            cut
        }
        None => s.to_owned(),
    }
}

/// `bytes` cut to fit `max` points, ending in an ellipsis when cut.
pub(crate) fn clip(bytes: &[u8], font: Font, size: f32, max: f32) -> Vec<u8> {
    if font.width(bytes, size) <= max {
        return bytes.to_vec();
    }
    let budget = max - font.width(&[ELLIPSIS], size);
    let mut out = Vec::new();
    let mut used = 0.0;
    for &b in bytes {
        let w = font.width(&[b], size);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(b);
    }
    while out.last() == Some(&b' ') {
        out.pop();
    }
    out.push(ELLIPSIS);
    out
}

/// Greedy line breaking of one paragraph at spaces, to lines of at most `max` points. A word
/// wider than a line (a URL, a wallet) is broken between any two characters; every line holds at
/// least one character, so a line narrower than a glyph still makes progress. Runs of spaces
/// collapse; an empty or blank paragraph gives no lines.
pub(crate) fn wrap(bytes: &[u8], font: Font, size: f32, max: f32) -> Vec<Vec<u8>> {
    let space = font.width(b" ", size);
    let mut lines = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    let mut used = 0.0;
    for word in bytes.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
        let w = font.width(word, size);
        if !line.is_empty() && used + space + w <= max {
            line.push(b' ');
            line.extend_from_slice(word);
            used += space + w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0.0;
        }
        if w <= max {
            line.extend_from_slice(word);
            used = w;
            continue;
        }
        for &b in word {
            let bw = font.width(&[b], size);
            if !line.is_empty() && used + bw > max {
                lines.push(std::mem::take(&mut line));
                used = 0.0;
            }
            line.push(b);
            used += bw;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_latin1_and_windows_extras_map_to_winansi() {
        assert_eq!(encode("Az09 ~"), b"Az09 ~");
        assert_eq!(encode("Müller ñ é ß"), b"M\xfcller \xf1 \xe9 \xdf");
        assert_eq!(
            encode("€ “x” – — … ‘’ • ™"),
            b"\x80 \x93x\x94 \x96 \x97 \x85 \x91\x92 \x95 \x99"
        );
        assert_eq!(
            encode("Š š Ž ž Œ œ Ÿ ƒ"),
            b"\x8a \x9a \x8e \x9e \x8c \x9c \x9f \x83"
        );
    }

    #[test]
    fn everything_else_becomes_a_question_mark() {
        assert_eq!(encode("詐欺"), b"??");
        assert_eq!(encode("a😀b"), b"a?b");
        assert_eq!(
            encode("\u{0}\u{7}\u{1b}\u{7f}\u{85}\u{9f}\u{202e}\u{200b}"),
            b"????????"
        );
        assert_eq!(encode("a\tb\r\nc"), b"a b  c");
        assert!(loses_characters("日本"));
        assert!(!loses_characters("Grüße\n€"));
    }

    #[test]
    fn widths_are_the_afm_widths() {
        assert_eq!(Font::Regular.width(b"i", 1000.0), 222.0);
        assert_eq!(Font::Bold.width(b"i", 1000.0), 278.0);
        assert_eq!(Font::Regular.width(b"W", 1000.0), 944.0);
        assert_eq!(Font::Regular.width(&[0xB5], 1000.0), 556.0);
        assert_eq!(Font::Bold.width(&[0x80], 1000.0), 556.0);
        assert_eq!(Font::Regular.width(b"Hello", 10.0), 22.78);
        assert_eq!(Font::Regular.widths().count(), 224);
    }

    #[test]
    fn wrap_fills_lines_and_breaks_long_tokens() {
        let text = b"the quick brown fox jumps over the lazy dog";
        let lines = wrap(text, Font::Regular, 10.0, 60.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(
                Font::Regular.width(l, 10.0) <= 60.0,
                "{:?}",
                String::from_utf8_lossy(l)
            );
        }
        assert_eq!(lines.join(&b' '), text.to_vec());

        let wallet = b"bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh".repeat(3);
        let lines = wrap(&wallet, Font::Bold, 9.0, 50.0);
        assert!(lines.len() > 5);
        assert!(lines.iter().all(|l| Font::Bold.width(l, 9.0) <= 50.0));
        assert_eq!(lines.concat(), wallet);

        // A line narrower than one glyph still advances, one glyph a line.
        assert_eq!(wrap(b"WW", Font::Regular, 10.0, 1.0).len(), 2);
        assert!(wrap(b"   ", Font::Regular, 10.0, 100.0).is_empty());
    }

    #[test]
    fn caps_and_clips_end_in_an_ellipsis() {
        assert_eq!(cap_chars("abcdef", 3), "abc…");
        assert_eq!(cap_chars("ab", 3), "ab");
        assert_eq!(cap_chars("日本語です", 2), "日本…");
        let clipped = clip(b"a very long label indeed", Font::Regular, 10.0, 40.0);
        assert!(Font::Regular.width(&clipped, 10.0) <= 40.0);
        assert_eq!(clipped.last(), Some(&ELLIPSIS));
        assert_eq!(clip(b"short", Font::Regular, 10.0, 40.0), b"short");
    }
}
