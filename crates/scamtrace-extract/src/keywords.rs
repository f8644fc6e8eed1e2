//! Every word a scanner looks for (remote-access tools, payment apps, account labels, gift card
//! and company brands) and everything normalizing would change (defanged forms, full-width
//! characters), found in one pass over the text. Scanners then look only where their words are,
//! instead of each lowercasing and searching the whole text again.
//!
//! Matching is ASCII case-insensitive on the text as written, so offsets never drift; the few
//! accented letters in the lists (`rápida`, `número`) are added in both cases. Hits are every
//! occurrence of every keyword, as an overlapping Aho-Corasick search would report them.
//!
//! Every keyword is at least three bytes long. The pass tests each position's three bytes
//! against a 16 KiB filter of one byte per entry, without a branch, and only where one may
//! start a keyword walks a trie of the keywords from there. (An automaton over all the
//! keywords, 1.5 MB with the Japanese ones, spent its time on cache misses; the filter stays in
//! the first-level cache.) The filter's index is a shift-and-xor of the three bytes, so one
//! eight-byte load gives the indexes of six positions at once; a byte per entry (rather than a
//! bit) saves the bit arithmetic at every position, for a few more false candidates.

use std::sync::LazyLock;

/// Whose word a hit is: an index into the list of the module that owns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keyword {
    /// `remote::TOOLS[tool].aliases[alias]`.
    Tool { tool: u8, alias: u8 },
    /// `handles::APPS[app].1[label]`.
    App { app: u8, label: u8 },
    /// `handles::ACCOUNT_LABELS[label]`.
    Account { label: u8 },
    /// "routing", as in a US routing number.
    Routing,
    /// `giftcard::card_aliases()[index]`.
    GiftCard { index: u16 },
    /// `crate::brand_aliases()[index]`.
    Brand { index: u16 },
}

/// One keyword found in the text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hit {
    pub keyword: Keyword,
    pub start: usize,
    pub end: usize,
    /// The keyword's place in the list: orders hits that end at the same place.
    pattern: u16,
}

/// What one pass over a text found.
pub(crate) struct Scan {
    /// Every occurrence of every keyword, overlapping ones too, in the order an overlapping
    /// Aho-Corasick search reports them: by end, then longest first, then in list order.
    pub hits: Vec<Hit>,
    /// A defanged form or a foldable character may be present: the text needs normalizing.
    pub defanged: bool,
}

impl Scan {
    /// The ends of the words `pick` selects, ordered as a search word by word through a list
    /// would find them: by the key `pick` gives (the word's place in its list), then in text
    /// order, skipping an occurrence that overlaps the previous one of the same word.
    pub fn in_list_order<K: Ord + Copy>(
        &self,
        pick: impl Fn(Keyword) -> Option<K>,
    ) -> Vec<(K, usize)> {
        let mut hits: Vec<(K, usize, usize)> = self
            .hits
            .iter()
            .filter_map(|h| pick(h.keyword).map(|k| (k, h.start, h.end)))
            .collect();
        // Nothing picked (most calls): no sort, no second vector.
        if hits.is_empty() {
            return Vec::new();
        }
        hits.sort_unstable();
        // `retain` visits in order; the mapping below reuses the allocation (the pairs are
        // smaller than the triples).
        let mut previous: Option<(K, usize)> = None;
        hits.retain(|&(k, start, end)| {
            if previous.is_some_and(|(p, e)| p == k && start < e) {
                return false;
            }
            previous = Some((k, end));
            true
        });
        hits.into_iter().map(|(k, _, end)| (k, end)).collect()
    }
}

/// What a keyword stands for.
#[derive(Clone, Copy)]
enum Owner {
    Keyword(Keyword),
    Defang,
}

/// Every keyword in a trie (ASCII letters lowercased), reached through its first three bytes.
struct Index {
    /// One entry, 0 or 1, per [`filter_index`] of the first three bytes of a keyword with bit
    /// 0x20 set in each (which lowercases ASCII letters and merges a few other bytes; the trie
    /// tells them apart): 0 means no keyword starts here. Nearly every position of a text stops
    /// at this test.
    filter: Box<[u8; FILTER_SIZE]>,
    /// Open addressing by [`hash`]: the first three bytes of keywords, lowercased, and where
    /// they lead. A zero prefix marks an empty slot (no keyword holds a zero byte).
    slots: Vec<Slot>,
    mask: usize,
    nodes: Vec<Node>,
    /// Each node's children, sorted by byte: `(byte, node)`.
    edges: Vec<(u8, u16)>,
    /// The keywords ending at each node: what each stands for and its place in the list.
    ends: Vec<(Owner, u16)>,
}

/// Where three bytes lead: the trie node, and what may follow, so that most candidates
/// ("and" for "android", "car" for "carte pcs") are turned away without walking the trie.
/// Sixteen bytes, and the trie's nodes eight, so that the tables a candidate looks at stay in
/// the first-level cache beside the filter as far as they can (their misses showed in profiles).
#[derive(Clone, Copy, Default)]
struct Slot {
    /// The three bytes, lowercased, as [`three`] gives them.
    prefix: u32,
    node: u16,
    /// A keyword is just these three bytes.
    ends: bool,
    /// Bit `b % 64` for every lowercased fourth byte `b` of a longer keyword.
    fourth: u64,
}

/// Ranges of [`Index::edges`] and [`Index::ends`], as `(start, length)`.
#[derive(Clone, Copy, Default)]
struct Node {
    edges: (u16, u16),
    ends: (u16, u16),
}

const _: () = assert!(std::mem::size_of::<Slot>() == 16 && std::mem::size_of::<Node>() == 8);

/// Every keyword is at least this long.
const PREFIX: usize = 3;
/// The bytes [`Index::block_candidates`] reads for 64 positions: the last load, at 60, reads
/// eight.
const BLOCK_BYTES: usize = 68;

/// The `n` low bits set (`n` at most 64).
fn low_bits(n: usize) -> u64 {
    if n >= 64 { u64::MAX } else { (1 << n) - 1 }
}
/// 16 KiB, and a few hundred prefixes leave it nearly empty.
const FILTER_SIZE: usize = 1 << 14;

/// Three bytes as one number, the first in the low byte.
fn three(b: [u8; PREFIX]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], 0])
}

/// Three bytes with bit 0x20 set in each: how the filter sees them.
const FOLD: u32 = 0x0020_2020;

/// 16 well-mixed bits (Fibonacci hashing), for the slots.
fn hash(prefix: u32) -> usize {
    (prefix.wrapping_mul(0x9e37_79b1) >> 16) as usize
}

/// Eight bytes with bit 0x20 set in each.
const FOLD8: u64 = 0x2020_2020_2020_2020;

/// The filter's entry for the three bytes at the bottom of `x` (folded by [`FOLD`]): each bit
/// of the 14-bit index is the xor of bits 0, 7 and 10 above it, so it reads nothing past the
/// third byte (bits 0 to 23), and the five low bits of each letter (what tells letters apart)
/// land on different index bits. (Of the shifts that fit, these give about as few false
/// candidates as a 16-bit index, on the demo narratives and on this repository's prose alike.)
/// [`filter_indexes`] computes it for six positions at once.
fn filter_index(x: u64) -> usize {
    filter_indexes(x) as usize & (FILTER_SIZE - 1)
}

/// For every byte `j` of `x`, bits `8j` to `8j + 13` hold [`filter_index`] of `x >> 8j`.
fn filter_indexes(x: u64) -> u64 {
    x ^ (x >> 7) ^ (x >> 10)
}

impl Index {
    /// Whether a keyword may start with these three bytes (folded by [`FOLD`]), as 0 or 1:
    /// the test [`Index::block_candidates`] makes at six positions at once.
    #[cfg(test)]
    fn may_start(&self, folded: u32) -> u64 {
        self.entry(filter_index(u64::from(folded)))
    }

    fn entry(&self, h: usize) -> u64 {
        u64::from(self.filter[h & (FILTER_SIZE - 1)])
    }

    /// The positions among the 64 from `from` (and before `end`) where a keyword may start,
    /// as bits. Without a branch per position, so unpredictable text costs no mispredictions.
    fn candidates(&self, bytes: &[u8], from: usize, end: usize) -> u64 {
        if let Some(block) = bytes.get(from..from + BLOCK_BYTES)
            && let Ok(block) = <&[u8; BLOCK_BYTES]>::try_from(block)
        {
            return self.block_candidates(block) & low_bits(end - from);
        }
        // The text's last block: its bytes padded with zeros. A position's filter index reads
        // only its own three bytes, and every position before `end` has its three in the text,
        // so the padding changes only positions at or after `end`, which are masked off.
        let mut block = [0u8; BLOCK_BYTES];
        let rest = &bytes[from..];
        let n = rest.len().min(BLOCK_BYTES);
        block[..n].copy_from_slice(&rest[..n]);
        self.block_candidates(&block) & low_bits(end - from)
    }

    /// The positions among the first 64 of `block` where a keyword may start, as bits: six
    /// positions per eight-byte load, their bits gathered before one variable shift (this runs
    /// at every position of every text).
    fn block_candidates(&self, block: &[u8; BLOCK_BYTES]) -> u64 {
        // The six positions from `6 * k`, as bits.
        let six = |k: usize| {
            let Ok(eight) = <[u8; 8]>::try_from(&block[6 * k..6 * k + 8]) else {
                return 0;
            };
            let h = filter_indexes(u64::from_le_bytes(eight) | FOLD8);
            let mut six = 0;
            for j in 0..6 {
                six |= self.entry((h >> (8 * j)) as usize) << j;
            }
            six
        };
        // Loads at 0, 6, …, 60: the last one's fifth and sixth positions are the next
        // block's, and shift out. Written out rather than looped, so that every offset and
        // shift is a constant (the compiler does not unroll eleven rounds of this size).
        six(0)
            | six(1) << 6
            | six(2) << 12
            | six(3) << 18
            | six(4) << 24
            | six(5) << 30
            | six(6) << 36
            | six(7) << 42
            | six(8) << 48
            | six(9) << 54
            | six(10) << 60
    }

    /// The trie node reached by three lowercased bytes, if a keyword starts with them and
    /// may go on with `fourth` (lowercased; `None` at the end of the text).
    fn node_after(&self, lowered: u32, fourth: Option<u8>) -> Option<&Node> {
        let mut i = hash(lowered) & self.mask;
        loop {
            let slot = &self.slots[i];
            if slot.prefix == lowered {
                let goes_on = fourth.is_some_and(|b| slot.fourth & (1 << (b % 64)) != 0);
                return if slot.ends || goes_on {
                    self.nodes.get(usize::from(slot.node))
                } else {
                    None
                };
            }
            if slot.prefix == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }

    fn child(&self, node: &Node, byte: u8) -> Option<&Node> {
        let (start, len) = (usize::from(node.edges.0), usize::from(node.edges.1));
        self.edges[start..start + len]
            .iter()
            .find(|(b, _)| *b == byte)
            .and_then(|&(_, child)| self.nodes.get(usize::from(child)))
    }

    fn ends(&self, node: &Node) -> &[(Owner, u16)] {
        let (start, len) = (usize::from(node.ends.0), usize::from(node.ends.1));
        &self.ends[start..start + len]
    }

    /// Builds the trie, then the filter and slots for its nodes three bytes deep.
    fn new(keywords: Vec<(Vec<u8>, Owner)>) -> Index {
        // A plain trie first: children in a map per node.
        let mut children: Vec<std::collections::BTreeMap<u8, usize>> = vec![Default::default()];
        let mut ending: Vec<Vec<(Owner, u16)>> = vec![Vec::new()];
        let mut depth3: Vec<([u8; PREFIX], usize)> = Vec::new();
        for (id, (bytes, owner)) in keywords.into_iter().enumerate() {
            assert!(
                bytes.len() >= PREFIX,
                "keyword {bytes:?} shorter than {PREFIX} bytes"
            );
            let mut node = 0;
            for (depth, b) in bytes.iter().map(u8::to_ascii_lowercase).enumerate() {
                node = match children[node].get(&b) {
                    Some(&child) => child,
                    None => {
                        children.push(Default::default());
                        ending.push(Vec::new());
                        let child = children.len() - 1;
                        children[node].insert(b, child);
                        if depth + 1 == PREFIX {
                            let lowered = bytes[..PREFIX].to_ascii_lowercase();
                            depth3.push(([lowered[0], lowered[1], lowered[2]], child));
                        }
                        child
                    }
                };
            }
            ending[node].push((owner, wide(id)));
        }
        let mut index = Index {
            filter: Box::new([0; FILTER_SIZE]),
            slots: Vec::new(),
            mask: 0,
            nodes: Vec::with_capacity(children.len()),
            edges: Vec::new(),
            ends: Vec::new(),
        };
        for (kids, ends) in children.iter().zip(&ending) {
            let node = Node {
                edges: (wide(index.edges.len()), wide(kids.len())),
                ends: (wide(index.ends.len()), wide(ends.len())),
            };
            index.edges.extend(kids.iter().map(|(&b, &c)| (b, wide(c))));
            index.ends.extend(ends);
            index.nodes.push(node);
        }
        // A quarter full at most, so a probe nearly always ends at its first slot.
        let size = (depth3.len() * 4).next_power_of_two();
        index.mask = size - 1;
        index.slots = vec![Slot::default(); size];
        for (bytes, node) in depth3 {
            let h = filter_index(u64::from(three(bytes) | FOLD));
            index.filter[h] = 1;
            let slot = Slot {
                prefix: three(bytes),
                node: wide(node),
                ends: !ending[node].is_empty(),
                fourth: children[node]
                    .keys()
                    .fold(0, |bits, b| bits | (1 << (b % 64))),
            };
            let mut i = hash(three(bytes)) & index.mask;
            while index.slots[i].prefix != 0 {
                i = (i + 1) & index.mask;
            }
            index.slots[i] = slot;
        }
        index
    }
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let mut list: Vec<(Vec<u8>, Owner)> = Vec::new();
    for trigger in crate::text::triggers() {
        list.push((trigger.into_bytes(), Owner::Defang));
    }
    let mut add = |word: &str, keyword: Keyword| {
        for form in case_forms(word) {
            list.push((form.into_bytes(), Owner::Keyword(keyword)));
        }
    };
    for (tool, t) in crate::remote::TOOLS.iter().enumerate() {
        for (alias, a) in t.aliases.iter().enumerate() {
            add(
                a,
                Keyword::Tool {
                    tool: small(tool),
                    alias: small(alias),
                },
            );
        }
    }
    for (app, (_, labels)) in crate::handles::APPS.iter().enumerate() {
        for (label, l) in labels.iter().enumerate() {
            add(
                l,
                Keyword::App {
                    app: small(app),
                    label: small(label),
                },
            );
        }
    }
    for (label, l) in crate::handles::ACCOUNT_LABELS.iter().enumerate() {
        add(
            l,
            Keyword::Account {
                label: small(label),
            },
        );
    }
    add("routing", Keyword::Routing);
    for (index, (_, _, alias)) in crate::giftcard::card_aliases().iter().enumerate() {
        add(alias, Keyword::GiftCard { index: wide(index) });
    }
    for (index, (_, _, alias)) in crate::brand_aliases().iter().enumerate() {
        add(alias, Keyword::Brand { index: wide(index) });
    }
    Index::new(list)
});

fn small(i: usize) -> u8 {
    u8::try_from(i).unwrap_or_else(|_| panic!("keyword list longer than 255"))
}

fn wide(i: usize) -> u16 {
    u16::try_from(i)
        .unwrap_or_else(|_| panic!("more than 65535 keywords, trie nodes or trie edges"))
}

/// `word` and, when it has lowercase letters outside ASCII whose uppercase has the same UTF-8
/// length (`á`/`Á`), every mix of their cases: what full lowercasing of the text would have matched.
fn case_forms(word: &str) -> Vec<String> {
    let mut forms = vec![String::new()];
    for c in word.chars() {
        let mut upper = c.to_uppercase();
        let other = match (upper.next(), upper.next()) {
            (Some(u), None) if !c.is_ascii() && u != c && u.len_utf8() == c.len_utf8() => Some(u),
            _ => None,
        };
        let mut next = Vec::with_capacity(forms.len() * 2);
        for form in forms {
            if let Some(u) = other {
                let mut with_upper = form.clone();
                with_upper.push(u);
                next.push(with_upper);
            }
            let mut with_c = form;
            with_c.push(c);
            next.push(with_c);
        }
        forms = next;
    }
    forms
}

/// Every keyword in `text`, and whether it may hold a defanged form.
pub(crate) fn scan(text: &str) -> Scan {
    let index = &*INDEX;
    let bytes = text.as_bytes();
    let mut out = Scan {
        // Room for a typical narrative's hits at once, instead of growing two or three times.
        hits: Vec::with_capacity(16),
        defanged: false,
    };
    // Positions where a keyword can start: it needs three bytes.
    let last = bytes.len().saturating_sub(PREFIX - 1);
    for block in (0..last).step_by(64) {
        let mut candidates = index.candidates(bytes, block, (block + 64).min(last));
        while candidates != 0 {
            let at = block + candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            let lowered = [0, 1, 2].map(|i| bytes[at + i].to_ascii_lowercase());
            let fourth = bytes.get(at + PREFIX).map(u8::to_ascii_lowercase);
            let mut node = index.node_after(three(lowered), fourth);
            let mut end = at + PREFIX;
            while let Some(n) = node {
                for &(owner, id) in index.ends(n) {
                    match owner {
                        Owner::Defang => out.defanged = true,
                        Owner::Keyword(keyword) => out.hits.push(Hit {
                            keyword,
                            start: at,
                            end,
                            pattern: id,
                        }),
                    }
                }
                node = bytes
                    .get(end)
                    .and_then(|b| index.child(n, b.to_ascii_lowercase()));
                end += 1;
            }
        }
    }
    // Found by start; reported as an automaton would (consumers keep the first of overlaps).
    out.hits
        .sort_unstable_by_key(|h| (h.end, h.start, h.pattern));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The four-at-a-time block test marks exactly the positions the one-at-a-time test does.
    #[test]
    fn block_candidates_are_every_position_tested_alone() {
        let index = &*INDEX;
        let mut state: u32 = 0x9e37_79b9;
        let alphabet = b"anydeskTEAMVIEWERpaypl[.](dot) hxxp:0123\xef\xbc\x81zelle";
        let text: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                alphabet[state as usize % alphabet.len()]
            })
            .collect();
        // The whole text, and every length up to three blocks (the last block padded).
        for len in (PREFIX..200).chain([text.len()]) {
            let text = &text[..len];
            let last = text.len() - (PREFIX - 1);
            for block in (0..last).step_by(64) {
                let end = (block + 64).min(last);
                let alone = (block..end).fold(0, |bits, at| {
                    let w = three([text[at], text[at + 1], text[at + 2]]);
                    bits | (index.may_start(w | FOLD) << (at - block))
                });
                assert_eq!(
                    index.candidates(text, block, end),
                    alone,
                    "length {len}, block at {block}"
                );
            }
        }
    }

    /// `in_list_order` with its deduplication in place finds what the first version, a
    /// second vector filled in a loop, found: random overlapping hits of a few keywords.
    #[test]
    fn in_list_order_equals_the_loop() {
        let loop_version = |scan: &Scan| {
            let mut hits: Vec<(u8, usize, usize)> = scan
                .hits
                .iter()
                .filter_map(|h| match h.keyword {
                    Keyword::Account { label } => Some((label, h.start, h.end)),
                    _ => None,
                })
                .collect();
            hits.sort_unstable();
            let mut out = Vec::new();
            let mut previous: Option<(u8, usize)> = None;
            for (k, start, end) in hits {
                if previous.is_some_and(|(p, e)| p == k && start < e) {
                    continue;
                }
                previous = Some((k, end));
                out.push((k, end));
            }
            out
        };
        let mut draw = crate::test_draws(0x9e37_79b9_7f4a_7c15);
        let mut next = |n: u64| draw(n) as usize;
        for _ in 0..5_000 {
            let hits = (0..next(12))
                .map(|_| {
                    let start = next(40);
                    let keyword = if next(4) == 0 {
                        Keyword::Routing
                    } else {
                        Keyword::Account {
                            label: next(3) as u8,
                        }
                    };
                    Hit {
                        keyword,
                        start,
                        end: start + 3 + next(6),
                        pattern: 0,
                    }
                })
                .collect();
            let scan = Scan {
                hits,
                defanged: false,
            };
            let fast = scan.in_list_order(|k| match k {
                Keyword::Account { label } => Some(label),
                _ => None,
            });
            assert_eq!(fast, loop_version(&scan));
        }
    }

    #[test]
    fn accented_letters_match_in_both_cases() {
        assert_eq!(
            case_forms("asistencia rápida"),
            ["asistencia rÁpida", "asistencia rápida"]
        );
        assert_eq!(case_forms("anydesk"), ["anydesk"]);
        assert_eq!(case_forms("エニーデスク"), ["エニーデスク"]);
        let found = scan("ASISTENCIA RÁPIDA, Any Desk and (dot)");
        assert!(found.defanged);
        let keywords: Vec<Keyword> = found.hits.iter().map(|h| h.keyword).collect();
        assert!(keywords.contains(&Keyword::Tool { tool: 6, alias: 5 }));
        assert!(keywords.contains(&Keyword::Tool { tool: 0, alias: 1 }));
        assert!(!scan("nothing to see here").defanged);
    }
}
