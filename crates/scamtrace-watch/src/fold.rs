//! How a label reads, whatever it is written with: the UTS #39 skeleton of Unicode labels
//! (Cyrillic `а` reads as Latin `a`), lowercased (the skeleton turns digits into capitals:
//! `0` -> `O`) and without combining marks (`à` reads as `a`), and the ASCII lookalike fold
//! (`rn` -> `m`, `vv` -> `w`, `cl` -> `d`, `0` -> `o`, `1` and `i` -> `l`) with a map back to
//! the raw bytes.

use unicode_script::{Script, UnicodeScript};
use unicode_security::MixedScript;

/// The longest label read: DNS labels have at most 63 bytes; readings of Unicode labels, which
/// can be longer, are cut here.
pub(crate) const MAX_LABEL: usize = 64;

/// ASCII lookalike sequences and what they read as.
const PAIRS: &[(&[u8], u8)] = &[
    (b"rn", b'm'),
    (b"vv", b'w'),
    (b"cl", b'd'),
    (b"0", b'o'),
    (b"1", b'l'),
    (b"i", b'l'),
];

/// A folded label: `text[k]` came from the raw bytes `from[k]..from[k + 1]`.
pub(crate) struct Folded {
    pub text: [u8; MAX_LABEL],
    pub from: [u8; MAX_LABEL + 1],
    pub len: usize,
}

impl Folded {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.text[..self.len]
    }

    /// The raw byte range a folded range came from.
    pub(crate) fn raw_range(&self, start: usize, end: usize) -> (usize, usize) {
        (self.from[start] as usize, self.from[end] as usize)
    }
}

/// Folds ASCII lookalikes. Input past `MAX_LABEL` bytes is ignored.
pub(crate) fn fold_ascii(raw: &[u8]) -> Folded {
    let mut f = Folded {
        text: [0; MAX_LABEL],
        from: [0; MAX_LABEL + 1],
        len: 0,
    };
    let raw = &raw[..raw.len().min(MAX_LABEL)];
    let mut i = 0;
    while i < raw.len() {
        let (step, out) = PAIRS
            .iter()
            .find(|(seq, _)| raw[i..].starts_with(seq))
            .map_or((1, raw[i]), |(seq, to)| (seq.len(), *to));
        f.text[f.len] = out;
        f.from[f.len] = i as u8;
        f.len += 1;
        i += step;
    }
    f.from[f.len] = raw.len() as u8;
    f
}

/// Folds a brand name the way labels are folded.
pub(crate) fn fold_string(s: &str) -> String {
    let f = fold_ascii(s.as_bytes());
    String::from_utf8_lossy(f.as_bytes()).into_owned()
}

/// The lookalike substitutions that turn `raw` into `name` (both the same length once folded),
/// for explanations: `rn for m, 0 for o`.
pub(crate) fn describe(raw: &[u8], name: &[u8]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < raw.len() && j < name.len() {
        if raw[i] == name[j] {
            i += 1;
            j += 1;
            continue;
        }
        let seq = PAIRS
            .iter()
            .map(|(seq, _)| *seq)
            .find(|seq| raw[i..].starts_with(seq))
            .unwrap_or(&raw[i..i + 1]);
        let part = format!(
            "'{}' for '{}'",
            String::from_utf8_lossy(seq),
            char::from(name[j])
        );
        if !parts.contains(&part) {
            parts.push(part);
        }
        i += seq.len();
        j += 1;
    }
    parts.join(", ")
}

/// How a Unicode label reads: each non-ASCII character replaced by its UTS #39 skeleton,
/// lowercased, combining marks removed; ASCII characters stay as written (the skeleton would
/// turn `m` into `rn`, which the ASCII fold handles). At most `MAX_LABEL` bytes.
pub(crate) fn reading(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    for (i, ch) in label.char_indices() {
        if ch.is_ascii() {
            if out.len() < MAX_LABEL {
                out.push(ch.to_ascii_lowercase());
            }
            continue;
        }
        if let Some(&(_, latin)) = LATIN_VARIANTS.iter().find(|(v, _)| *v == ch) {
            if out.len() < MAX_LABEL {
                out.push(latin);
            }
            continue;
        }
        for c in unicode_security::skeleton(&label[i..i + ch.len_utf8()]) {
            if is_combining_mark(c) {
                continue;
            }
            for l in c.to_lowercase() {
                if out.len() + l.len_utf8() > MAX_LABEL {
                    return out;
                }
                out.push(l);
            }
        }
    }
    out
}

/// Latin letters with hooks, strokes, descenders, or in small capitals, that UTS #39 keeps apart
/// from the plain letter (they are distinct letters in some languages) but that read as it in a
/// domain name.
const LATIN_VARIANTS: &[(char, char)] = &[
    ('ᴀ', 'a'),
    ('ɑ', 'a'),
    ('ɐ', 'a'),
    ('ʙ', 'b'),
    ('ƀ', 'b'),
    ('ɓ', 'b'),
    ('ᴄ', 'c'),
    ('ƈ', 'c'),
    ('ȼ', 'c'),
    ('ᴅ', 'd'),
    ('đ', 'd'),
    ('ɗ', 'd'),
    ('ɖ', 'd'),
    ('ᴇ', 'e'),
    ('ə', 'e'),
    ('ɇ', 'e'),
    ('ꜰ', 'f'),
    ('ƒ', 'f'),
    ('ɢ', 'g'),
    ('ɠ', 'g'),
    ('ǥ', 'g'),
    ('ʜ', 'h'),
    ('ħ', 'h'),
    ('ɦ', 'h'),
    ('ɪ', 'i'),
    ('ɨ', 'i'),
    ('ı', 'i'),
    ('ᴊ', 'j'),
    ('ɉ', 'j'),
    ('ᴋ', 'k'),
    ('ƙ', 'k'),
    ('ʟ', 'l'),
    ('ł', 'l'),
    ('ƚ', 'l'),
    ('ɫ', 'l'),
    ('ᴍ', 'm'),
    ('ɱ', 'm'),
    ('ɴ', 'n'),
    ('ɲ', 'n'),
    ('ꞑ', 'n'),
    ('ƞ', 'n'),
    ('ŋ', 'n'),
    ('ᴏ', 'o'),
    ('ø', 'o'),
    ('ɵ', 'o'),
    ('ᴘ', 'p'),
    ('ƥ', 'p'),
    ('ƿ', 'p'),
    ('ʠ', 'q'),
    ('ʀ', 'r'),
    ('ɾ', 'r'),
    ('ɍ', 'r'),
    ('ꜱ', 's'),
    ('ʂ', 's'),
    ('ᴛ', 't'),
    ('ŧ', 't'),
    ('ƭ', 't'),
    ('ᴜ', 'u'),
    ('ʉ', 'u'),
    ('ᴠ', 'v'),
    ('ʋ', 'v'),
    ('ᴡ', 'w'),
    ('ⱳ', 'w'),
    ('ʏ', 'y'),
    ('ƴ', 'y'),
    ('ɏ', 'y'),
    ('ᴢ', 'z'),
    ('ȥ', 'z'),
    ('ƶ', 'z'),
];

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// What a Unicode label's scripts say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Scripts {
    /// Latin only (perhaps with diacritics).
    Latin,
    /// One script other than Latin: `Cyrillic`.
    Other(&'static str),
    /// Several scripts that do not belong together: `Latin and Cyrillic`.
    Mixed(String),
}

pub(crate) fn scripts(label: &str) -> Scripts {
    let mut names: Vec<&'static str> = Vec::new();
    for c in label.chars() {
        let script = c.script();
        if matches!(script, Script::Common | Script::Inherited | Script::Unknown) {
            continue;
        }
        let name = script.full_name();
        if !names.contains(&name) && names.len() < 4 {
            names.push(name);
        }
    }
    if !label.is_single_script() {
        return Scripts::Mixed(names.join(" and "));
    }
    match names.as_slice() {
        [] | ["Latin"] => Scripts::Latin,
        [one] => Scripts::Other(one),
        // Single-script by UTS #39 (Han with Hiragana, say) though several script values.
        _ => Scripts::Other("non-Latin"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_lookalikes_fold_with_a_map_back() {
        let f = fold_ascii(b"rnicr0soft");
        assert_eq!(f.as_bytes(), b"mlcrosoft");
        assert_eq!(f.raw_range(0, 1), (0, 2));
        assert_eq!(f.raw_range(1, 9), (2, 10));
        assert_eq!(fold_string("microsoft"), "mlcrosoft");
        assert_eq!(fold_ascii(b"vvindovvs").as_bytes(), b"wlndows");
        assert_eq!(
            fold_ascii(b"paypa1").as_bytes(),
            fold_ascii(b"paypal").as_bytes()
        );
        assert_eq!(
            describe(b"rnicr0soft", b"microsoft"),
            "'rn' for 'm', '0' for 'o'"
        );
    }

    #[test]
    fn unicode_labels_are_read_by_their_skeleton() {
        assert_eq!(reading("аррӏе"), "apple");
        assert_eq!(reading("micrоsoft"), "microsoft");
        assert_eq!(reading("àpple"), "apple");
        assert_eq!(reading("ᴍicɾosøft"), "microsoft");
        assert_eq!(scripts("аррӏе"), Scripts::Other("Cyrillic"));
        assert_eq!(
            scripts("micrоsoft"),
            Scripts::Mixed("Latin and Cyrillic".into())
        );
        assert_eq!(scripts("àpple"), Scripts::Latin);
        assert!(reading(&"ꙮ".repeat(400)).len() <= MAX_LABEL);
    }
}
