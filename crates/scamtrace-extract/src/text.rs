//! Text as extraction reads it: defanged indicators made whole again (`hxxp`, `[.]`, `[at]` ...)
//! and full-width ASCII folded, with a map back to the original byte offsets, so every span we
//! report points into what the victim actually wrote.

use std::borrow::Cow;

/// Normalized text and, for each of its bytes, the original byte offset it came from.
pub struct Mapped<'a> {
    pub text: Cow<'a, str>,
    /// `origin[i]` is the original offset of normalized byte `i`; one extra entry maps the end.
    /// `None` when the text needed no change (nearly always), so offsets are the original ones.
    origin: Option<Vec<usize>>,
}

impl<'a> Mapped<'a> {
    /// Text that needs no normalizing, as it is.
    pub fn identity(original: &'a str) -> Mapped<'a> {
        Mapped {
            text: Cow::Borrowed(original),
            origin: None,
        }
    }

    pub fn is_identity(&self) -> bool {
        self.origin.is_none()
    }

    /// The original span of the normalized range `[start, end)`.
    pub fn span(&self, start: usize, end: usize) -> (usize, usize) {
        let Some(origin) = &self.origin else {
            return (start, end.max(start));
        };
        let s = origin.get(start).copied().unwrap_or(0);
        // The end maps to just past the last original byte that produced the range.
        let e = if end == 0 {
            s
        } else {
            origin
                .get(end)
                .copied()
                .unwrap_or_else(|| origin.last().copied().unwrap_or(0))
        };
        (s, e.max(s))
    }
}

/// Where normalizing may change something: every defanging form, a spoken dot, and every
/// character `fold_char` folds. Text without any of these (ASCII case-insensitively) normalizes
/// to itself.
pub fn triggers() -> impl Iterator<Item = String> {
    let forms = [
        "[dot]", "(dot)", "{dot}", "[.]", "(.)", "{.}", "[at]", "(at)", "{at}", "[@]", "(@)",
        "[:]", "[://]", "hxxp", "fxp", " dot ",
    ];
    let folded = (0xFF01..=0xFF5E)
        .chain([0x3002, 0xFF61])
        .filter_map(char::from_u32)
        .map(String::from);
    forms.into_iter().map(String::from).chain(folded)
}

/// Defanging forms and what they stand for. Longest first, matched case-insensitively.
const DEFANGS: &[(&str, &str)] = &[
    ("[dot]", "."),
    ("(dot)", "."),
    ("{dot}", "."),
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[at]", "@"),
    ("(at)", "@"),
    ("{at}", "@"),
    ("[@]", "@"),
    ("(@)", "@"),
    ("[:]", ":"),
    ("[://]", "://"),
    ("hxxps", "https"),
    ("hxxp", "http"),
    ("hXXps", "https"),
    ("hXXp", "http"),
    ("fxp", "ftp"),
];

/// Top-level domains that ` dot ` may introduce (`example dot com`). A closed list: " dot " is an
/// ordinary word too.
const SPOKEN_DOT_TLDS: &[&str] = &[
    "com", "net", "org", "info", "biz", "us", "uk", "co", "de", "es", "fr", "jp", "ca", "au", "io",
    "online", "site", "live", "support", "help", "tech", "xyz", "shop", "store",
];

/// Folds full-width ASCII (U+FF01–FF5E) and the ideographic full stop used in addresses.
fn fold_char(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        0x3002 | 0xFF61 => '.',
        _ => c,
    }
}

/// Whether a defanging form, a spoken dot or a character `fold_char` folds may start at byte
/// `i` (U+FF01-FF5E and U+FF61 start with 0xEF, U+3002 with 0xE3). Each is ASCII or a lead
/// byte, so the text between two of them is whole characters. The forms that start with `h` or
/// `f` are schemes, read only at a word start; a spoken dot is " dot ".
///
/// A lead byte 0xE3 or 0xEF counts only when the character is one `fold_char` folds, so that
/// Japanese text (nearly all of it three-byte characters starting 0xE3 to 0xE9) is copied a
/// run at a time: the character-by-character path would copy any other character unchanged.
fn may_change_at(bytes: &[u8], i: usize) -> bool {
    // Nearly every byte starts nothing: one table load turns it away.
    if !STARTS_A_FORM[usize::from(bytes[i])] {
        return false;
    }
    match bytes[i] {
        b'[' | b'(' | b'{' => true,
        0xE3 | 0xEF => folds_at(bytes, i),
        b'h' | b'H' | b'f' | b'F' => i == 0 || !bytes[i - 1].is_ascii_alphanumeric(),
        b' ' => matches!(bytes.get(i + 1), Some(b'd' | b'D')),
        _ => false,
    }
}

/// A table of 256 entries, true for each of `bytes`: one load tells whether a byte is one of
/// them.
pub(crate) const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut k = 0;
    while k < bytes.len() {
        table[bytes[k] as usize] = true;
        k += 1;
    }
    table
}

/// The bytes [`may_change_at`] looks closer at.
const STARTS_A_FORM: [bool; 256] = {
    let mut table = byte_set(b"[({hHfF ");
    table[0xE3] = true;
    table[0xEF] = true;
    table
};

/// Whether the character starting at byte `i` is one `fold_char` changes: U+FF01-FF5E
/// (EF BC 81-BF, EF BD 80-9E), U+FF61 (EF BD A1) and U+3002 (E3 80 82).
fn folds_at(bytes: &[u8], i: usize) -> bool {
    matches!(
        bytes.get(i..i + 3),
        Some([0xEF, 0xBC, 0x81..=0xBF] | [0xEF, 0xBD, 0x80..=0x9E | 0xA1] | [0xE3, 0x80, 0x82])
    )
}

/// Appends, for every byte of `text[from..to]` (whole characters), the offset of the
/// character it belongs to.
fn push_char_starts(origin: &mut Vec<usize>, text: &str, from: usize, to: usize) {
    let run = &text[from..to];
    if run.is_ascii() {
        origin.extend(from..to);
        return;
    }
    for (at, c) in run.char_indices() {
        origin.extend(std::iter::repeat_n(from + at, c.len_utf8()));
    }
}

/// The text with defanged forms made whole and full-width ASCII folded. When nothing changed, the
/// identity (see [`triggers`] for telling cheaply that nothing will).
pub fn normalize(original: &str) -> Mapped<'_> {
    let mut text = String::with_capacity(original.len());
    let mut origin = Vec::with_capacity(original.len() + 1);
    let bytes = original.as_bytes();
    let mut i = 0;
    'outer: while i < original.len() {
        // Bytes that start no form and no folded character are copied as they are, a run at a
        // time; each byte of a character maps to the character's start.
        let mut run_end = i;
        while run_end < bytes.len() && !may_change_at(bytes, run_end) {
            run_end += 1;
        }
        if run_end > i {
            push_char_starts(&mut origin, original, i, run_end);
            text.push_str(&original[i..run_end]);
            i = run_end;
            continue;
        }
        // Every defanging form starts with one of these bytes: test the rest only then, and
        // only the forms that start with this one.
        let candidate = matches!(bytes[i], b'[' | b'(' | b'{' | b'h' | b'H' | b'f' | b'F');
        let starts_here =
            |from: &&(&str, &str)| from.0.as_bytes()[0].eq_ignore_ascii_case(&bytes[i]);
        for (from, to) in DEFANGS.iter().filter(|_| candidate).filter(starts_here) {
            let n = from.len();
            if i + n <= bytes.len() && bytes[i..i + n].eq_ignore_ascii_case(from.as_bytes()) {
                // `hxxp` only at a word start, followed by `s:` or `:`.
                let is_scheme = from.starts_with('h') || from.starts_with('f');
                if is_scheme {
                    let before_ok = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
                    let after = bytes.get(i + n).copied();
                    if !before_ok || !matches!(after, Some(b':') | Some(b'[')) {
                        continue;
                    }
                }
                for b in to.bytes() {
                    text.push(b as char);
                    origin.push(i);
                }
                i += n;
                continue 'outer;
            }
        }
        // ` dot ` between a label and a known TLD.
        if bytes[i] == b' '
            && i + 5 <= bytes.len()
            && bytes[i..i + 5].eq_ignore_ascii_case(b" dot ")
        {
            let prev_ok = i > 0 && bytes[i - 1].is_ascii_alphanumeric();
            let rest = &original[i + 5..];
            let word: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if prev_ok && SPOKEN_DOT_TLDS.contains(&word.as_str()) {
                text.push('.');
                origin.push(i);
                i += 5;
                continue;
            }
        }
        if bytes[i].is_ascii() && bytes[i] != b' ' {
            text.push(bytes[i] as char);
            origin.push(i);
            i += 1;
            continue;
        }
        let Some(c) = original[i..].chars().next() else {
            break;
        };
        let folded = fold_char(c);
        let start = text.len();
        text.push(folded);
        for _ in start..text.len() {
            origin.push(i);
        }
        i += c.len_utf8();
    }
    origin.push(original.len());
    if text == original {
        return Mapped::identity(original);
    }
    Mapped {
        text: Cow::Owned(text),
        origin: Some(origin),
    }
}

/// Offset of the first ASCII digit in `b` at or after `from`, eight bytes at a time: reports
/// are mostly words, and phone numbers and card codes both start from the digits.
pub(crate) fn next_ascii_digit(b: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = b.get(from..)?.chunks_exact(8);
    let mut at = from;
    for chunk in &mut chunks {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        // A digit is a byte whose xor with '0' is below 10. Subtracting 10 from every byte
        // borrows across bytes only above the first such byte, so the lowest flag is exact.
        let t = u64::from_le_bytes(chunk) ^ (ONES * u64::from(b'0'));
        let digits = t.wrapping_sub(ONES * 10) & !t & HIGH;
        if digits != 0 {
            return Some(at + (digits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(u8::is_ascii_digit)
        .map(|k| at + k)
}

/// Random texts for the tests that check a fast path against a plain one: `count` texts of
/// fewer than `max_len` picks from `alphabet`, the same ones for the same `seed`.
#[cfg(test)]
pub(crate) fn random_texts<T: Copy>(
    alphabet: &[T],
    seed: u64,
    count: usize,
    max_len: u64,
) -> impl Iterator<Item = Vec<T>> + '_ {
    let mut state = seed;
    (0..count).map(move |_| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (0..(state % max_len) as usize)
            .map(|k| alphabet[((state >> (k % 50)) as usize + k * 7) % alphabet.len()])
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every offset of random bytes (digits, their neighbours '/' and ':', and bytes that
    /// borrow or carry, most of them not digits): the first digit, as a plain search finds it.
    #[test]
    fn next_ascii_digit_is_the_first_digit() {
        let alphabet = b"0123456789/:a \x00\x09\x0a\x7f\x80\xb9\xff/:a \x00\x7f\x80\xb9\xff/:a ";
        for b in random_texts(alphabet, 0x2545_f491_4f6c_dd1d, 5_000, 40) {
            for from in 0..=b.len() + 1 {
                let plain = b
                    .get(from..)
                    .and_then(|rest| rest.iter().position(u8::is_ascii_digit))
                    .map(|k| from + k);
                assert_eq!(next_ascii_digit(&b, from), plain, "{b:?} from {from}");
            }
        }
    }

    #[test]
    fn defanged_forms_are_made_whole_and_spans_map_back() {
        let original = "visit hxxps://ms-help[.]example[dot]com/fix or mail scam[at]evil(.)example";
        let m = normalize(original);
        assert_eq!(
            m.text,
            "visit https://ms-help.example.com/fix or mail scam@evil.example"
        );
        let start = m.text.find("https").unwrap();
        let end = m.text.find(" or").unwrap();
        let (s, e) = m.span(start, end);
        assert_eq!(&original[s..e], "hxxps://ms-help[.]example[dot]com/fix");
    }

    #[test]
    fn spoken_dots_need_a_known_tld() {
        assert_eq!(
            normalize("go to fixmypc dot com now").text,
            "go to fixmypc.com now"
        );
        assert_eq!(normalize("I dot my i's").text, "I dot my i's");
        assert_eq!(normalize("shxxp: no").text, "shxxp: no");
    }

    #[test]
    fn triggers_cover_every_change() {
        let triggers: Vec<String> = triggers().collect();
        let triggered = |s: &str| {
            triggers.iter().any(|t| {
                s.as_bytes()
                    .windows(t.len())
                    .any(|w| w.eq_ignore_ascii_case(t.as_bytes()))
            })
        };
        for (from, _) in DEFANGS {
            assert!(triggered(from), "{from}");
        }
        assert!(triggered("x dot com"));
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(triggered(&c.to_string()), fold_char(c) != c, "{c}");
        }
        let plain = "Call 1-888-555-0142 (toll free) or hop to example.com, h. f.";
        assert!(!triggered(plain));
        assert!(normalize(plain).is_identity());
        assert!(normalize("hxxp without a colon").is_identity());
    }

    /// The run copy stops at a 0xE3 or 0xEF lead byte exactly when `fold_char` changes the
    /// character (the character-by-character path copies any other one unchanged), and a
    /// run's offsets are each byte's character start, as the byte-by-byte copy gave them.
    #[test]
    fn run_copy_stops_exactly_at_folded_characters() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let b = c.encode_utf8(&mut buf).as_bytes();
            if matches!(b[0], 0xE3 | 0xEF) {
                assert_eq!(folds_at(b, 0), fold_char(c) != c, "{c}");
            }
        }
        let text = "ｗｗｗ。電話 abc éà 😀 x";
        let mut origin = Vec::new();
        push_char_starts(&mut origin, text, 0, text.len());
        let mut lead = 0;
        let bytewise: Vec<usize> = (0..text.len())
            .map(|i| {
                if text.as_bytes()[i] & 0xC0 != 0x80 {
                    lead = i;
                }
                lead
            })
            .collect();
        assert_eq!(origin, bytewise);
        let m = normalize("電話は０１２０。ex［.］com");
        assert_eq!(m.text, "電話は0120.ex[.]com");
    }

    #[test]
    fn full_width_ascii_folds() {
        let original = "ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ";
        let m = normalize(original);
        assert_eq!(m.text, "www.example.com");
        assert_eq!(m.span(0, m.text.len()), (0, original.len()));
    }
}
