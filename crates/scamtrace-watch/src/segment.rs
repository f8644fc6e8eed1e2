//! Reads a label as words: the split that leaves the fewest letters unexplained by the
//! vocabulary (support words, connectors, ordinary words, brand names), then the fewest words.
//! One Aho-Corasick pass finds every vocabulary word in the label; a dynamic program over the
//! label's bytes picks the split. Linear in the label, no allocation.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use rustc_hash::FxHashMap;

use crate::fold::MAX_LABEL;
use crate::vocab;

/// What a vocabulary word is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Word {
    /// A support word: its weight and its index in `vocab::SUPPORT`.
    Support {
        weight: u8,
        index: u16,
    },
    Connector,
    Ordinary,
    /// A brand name or keyword: its index in the watcher's tokens.
    Brand {
        token: u16,
    },
}

/// The vocabulary and its matcher.
pub(crate) struct Vocabulary {
    matcher: AhoCorasick,
    words: Vec<Word>,
}

impl Vocabulary {
    /// Builds the vocabulary from the fixed lists and the brand tokens (`(text, token index)`).
    /// A brand token wins over a fixed word of the same spelling.
    pub(crate) fn new<'a>(brand_tokens: impl Iterator<Item = (&'a str, u16)>) -> Vocabulary {
        let mut map: FxHashMap<String, Word> = FxHashMap::default();
        let mut add = |text: &str, word: Word, plural: bool| {
            let mut put = |t: String| {
                let keep = match (map.get(&t), word) {
                    (None, _) => true,
                    (Some(Word::Brand { .. }), _) => false,
                    (Some(_), Word::Brand { .. }) => true,
                    (Some(Word::Connector), Word::Support { .. } | Word::Ordinary) => true,
                    _ => false,
                };
                if keep {
                    map.insert(t, word);
                }
            };
            if plural && !text.ends_with('s') && text.is_ascii() {
                put(format!("{text}s"));
            }
            put(text.to_string());
        };
        for &w in vocab::CONNECTORS {
            add(w, Word::Connector, w.len() > 2);
        }
        for &w in vocab::ORDINARY {
            add(w, Word::Ordinary, true);
        }
        for (i, &(w, weight, _)) in vocab::SUPPORT.iter().enumerate() {
            add(
                w,
                Word::Support {
                    weight,
                    index: i as u16,
                },
                true,
            );
        }
        for (text, token) in brand_tokens {
            add(text, Word::Brand { token }, false);
        }
        let mut entries: Vec<(String, Word)> = map.into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(entries.iter().map(|(t, _)| t.as_bytes()))
            .unwrap_or_else(|_| AhoCorasick::new(Vec::<&[u8]>::new()).expect("empty matcher"));
        Vocabulary {
            matcher,
            words: entries.into_iter().map(|(_, w)| w).collect(),
        }
    }

    /// Every vocabulary word in `text`, in order of where they end: `(start, end, word)`.
    pub(crate) fn each_match(&self, text: &[u8], mut f: impl FnMut(usize, usize, Word)) {
        for m in self.matcher.find_overlapping_iter(text) {
            f(m.start(), m.end(), self.words[m.pattern().as_usize()]);
        }
    }
}

/// What a stretch of a label is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    Word(Word),
    /// Letters the vocabulary does not explain.
    Unknown,
    Digits,
    /// Hyphens and underscores.
    Separator,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Seg {
    pub start: u8,
    pub end: u8,
    pub piece: Piece,
}

/// A label read as words.
pub(crate) struct Segmentation {
    segs: [Seg; MAX_LABEL],
    n: usize,
    /// Letters (characters, for Unicode) not explained by the vocabulary.
    pub unknown: usize,
}

impl Segmentation {
    pub(crate) fn segs(&self) -> &[Seg] {
        &self.segs[..self.n]
    }

    /// Whether the unexplained letters are few and placed like an initial or a slip: one letter
    /// anywhere (`cancel` + `l`), or one run of at most three at the start of the label or of a
    /// part (after a hyphen or digits) followed by a word (`b` + `help`, `247` + `gs` + `care`).
    pub(crate) fn few_stray_letters(&self) -> bool {
        if self.unknown == 1 {
            return true;
        }
        if self.unknown == 0 || self.unknown > 3 {
            return false;
        }
        let segs = self.segs();
        segs.iter().enumerate().all(|(i, s)| {
            s.piece != Piece::Unknown
                || ((i == 0 || matches!(segs[i - 1].piece, Piece::Digits | Piece::Separator))
                    && segs
                        .get(i + 1)
                        .is_some_and(|n| matches!(n.piece, Piece::Word(_))))
        })
    }
}

fn char_cost(b: u8) -> (u32, Piece) {
    match b {
        b'0'..=b'9' => (0, Piece::Digits),
        b'-' | b'_' => (0, Piece::Separator),
        // A UTF-8 continuation byte: its character is already counted.
        0x80..=0xBF => (0, Piece::Unknown),
        _ => (1, Piece::Unknown),
    }
}

/// Splits a label (at most `MAX_LABEL` bytes are read) into words, unknown letters, digits and
/// separators.
pub(crate) fn segment(vocab: &Vocabulary, label: &[u8]) -> Segmentation {
    let label = &label[..label.len().min(MAX_LABEL)];
    let n = label.len();
    // cost[i]: (unknown letters << 16) + words, for the best split of label[..i].
    const NONE: u32 = u32::MAX;
    let mut cost = [NONE; MAX_LABEL + 1];
    // How the best split reaches i: (start, piece).
    let mut back = [(0u8, Piece::Unknown); MAX_LABEL + 1];
    cost[0] = 0;
    let mut done = 0usize;
    let advance = |to: usize, done: &mut usize, cost: &mut [u32], back: &mut [(u8, Piece)]| {
        while *done < to {
            let i = *done;
            let (unknown, piece) = char_cost(label[i]);
            let c = cost[i].saturating_add(unknown << 16);
            if c < cost[i + 1] {
                cost[i + 1] = c;
                back[i + 1] = (i as u8, piece);
            }
            *done += 1;
        }
    };
    vocab.each_match(label, |start, end, word| {
        advance(end, &mut done, &mut cost, &mut back);
        let c = cost[start].saturating_add(1);
        if c < cost[end] {
            cost[end] = c;
            back[end] = (start as u8, Piece::Word(word));
        }
    });
    advance(n, &mut done, &mut cost, &mut back);

    let mut seg = Segmentation {
        segs: [Seg {
            start: 0,
            end: 0,
            piece: Piece::Unknown,
        }; MAX_LABEL],
        n: 0,
        unknown: (cost[n] >> 16) as usize,
    };
    // Walk back, merging runs of the same non-word piece; the segments come out reversed.
    let mut i = n;
    while i > 0 {
        let (start, piece) = back[i];
        let start = start as usize;
        let merge =
            seg.n > 0 && !matches!(piece, Piece::Word(_)) && seg.segs[seg.n - 1].piece == piece;
        if merge {
            seg.segs[seg.n - 1].start = start as u8;
        } else {
            seg.segs[seg.n] = Seg {
                start: start as u8,
                end: i as u8,
                piece,
            };
            seg.n += 1;
        }
        i = start;
    }
    seg.segs[..seg.n].reverse();
    seg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(vocab: &Vocabulary, label: &str) -> (Vec<String>, usize) {
        let s = segment(vocab, label.as_bytes());
        let parts = s
            .segs()
            .iter()
            .map(|g| {
                let text = &label[g.start as usize..g.end as usize];
                match g.piece {
                    Piece::Word(Word::Support { .. }) => format!("S:{text}"),
                    Piece::Word(Word::Brand { .. }) => format!("B:{text}"),
                    Piece::Word(_) => format!("W:{text}"),
                    Piece::Unknown => format!("?:{text}"),
                    Piece::Digits => format!("D:{text}"),
                    Piece::Separator => format!("-:{text}"),
                }
            })
            .collect();
        (parts, s.unknown)
    }

    #[test]
    fn labels_split_into_the_fewest_unknown_letters() {
        let v = Vocabulary::new([("microsoft", 0u16), ("amz", 1)].into_iter());
        assert_eq!(
            words(&v, "helpcare"),
            (vec!["S:help".into(), "S:care".into()], 0)
        );
        assert_eq!(words(&v, "careers").0, ["W:careers"]);
        assert_eq!(words(&v, "desktop").0, ["W:desktop"]);
        assert_eq!(words(&v, "247helppc").0, ["D:247", "S:help", "W:pc"]);
        assert_eq!(
            words(&v, "bhelps"),
            (vec!["?:b".into(), "S:helps".into()], 1)
        );
        assert_eq!(
            words(&v, "microsoft-support-help").0,
            ["B:microsoft", "-:-", "S:support", "-:-", "S:help"]
        );
        assert_eq!(words(&v, "amzsupport").0, ["B:amz", "S:support"]);
        assert_eq!(words(&v, "xqzt").0, ["?:xqzt"]);
        assert_eq!(words(&v, "hilfe-sapoto").0, ["S:hilfe", "-:-", "S:sapoto"]);
        assert_eq!(words(&v, "").0, Vec::<String>::new());
    }

    #[test]
    fn a_few_stray_letters_are_told_apart() {
        let v = Vocabulary::new(std::iter::empty());
        assert!(segment(&v, b"bhelp").few_stray_letters());
        assert!(segment(&v, b"247gscare").few_stray_letters());
        assert!(segment(&v, b"cancell").few_stray_letters());
        assert!(!segment(&v, b"fixie").few_stray_letters());
        assert!(!segment(&v, b"helpxyz").few_stray_letters());
        assert!(!segment(&v, b"abcdhelp").few_stray_letters());
        assert!(!segment(&v, b"helpcare").few_stray_letters());
    }

    #[test]
    fn unicode_letters_count_once() {
        let v = Vocabulary::new(std::iter::empty());
        let s = segment(&v, "サポート日本".as_bytes());
        assert_eq!(s.unknown, 2);
    }
}
