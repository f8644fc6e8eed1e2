//! Typing mistakes and their cousins: how a string differs from a brand name by one edit
//! (omission, repetition, transposition, a neighbouring key, a flipped bit, a swapped vowel) or
//! by two, weighted by keyboard adjacency. Strings here are lowercase ASCII bytes.

/// Neighbouring keys on a QWERTY keyboard.
const QWERTY: &[(u8, &[u8])] = &[
    (b'1', b"2q"),
    (b'2', b"13qw"),
    (b'3', b"24we"),
    (b'4', b"35er"),
    (b'5', b"46rt"),
    (b'6', b"57ty"),
    (b'7', b"68yu"),
    (b'8', b"79ui"),
    (b'9', b"80io"),
    (b'0', b"9op-"),
    (b'-', b"0p"),
    (b'q', b"12wa"),
    (b'w', b"23qeas"),
    (b'e', b"34wrsd"),
    (b'r', b"45etdf"),
    (b't', b"56ryfg"),
    (b'y', b"67tugh"),
    (b'u', b"78yihj"),
    (b'i', b"89uojk"),
    (b'o', b"90ipkl"),
    (b'p', b"0-ol"),
    (b'a', b"qwsz"),
    (b's', b"weadzx"),
    (b'd', b"ersfxc"),
    (b'f', b"rtdgcv"),
    (b'g', b"tyfhvb"),
    (b'h', b"yugjbn"),
    (b'j', b"uihknm"),
    (b'k', b"iojlm"),
    (b'l', b"opk"),
    (b'z', b"asx"),
    (b'x', b"zsdc"),
    (b'c', b"xdfv"),
    (b'v', b"cfgb"),
    (b'b', b"vghn"),
    (b'n', b"bhjm"),
    (b'm', b"njk"),
];

/// Whether two keys are neighbours on a QWERTY keyboard.
pub(crate) fn adjacent(a: u8, b: u8) -> bool {
    QWERTY
        .iter()
        .find(|(k, _)| *k == a)
        .is_some_and(|(_, n)| n.contains(&b))
}

fn vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// How a candidate differs from a brand name by one edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Edit {
    /// `typed` where the name has `intended`.
    Substitution { intended: u8, typed: u8 },
    /// The name's `missing` left out.
    Omission { missing: u8 },
    /// An `extra` character; `doubled` when it repeats its neighbour, `beside` the name's
    /// character next to it (for keyboard adjacency).
    Insertion {
        extra: u8,
        doubled: bool,
        beside: [u8; 2],
    },
    /// Two neighbouring characters swapped (`first` came first in the name).
    Transposition { first: u8, second: u8 },
}

/// The single edit that turns `name` into `candidate`, if there is one.
pub(crate) fn single_edit(candidate: &[u8], name: &[u8]) -> Option<Edit> {
    let prefix = candidate
        .iter()
        .zip(name)
        .take_while(|(a, b)| a == b)
        .count();
    match candidate.len() as isize - name.len() as isize {
        0 => {
            if prefix == name.len() {
                return None;
            }
            let i = prefix;
            if candidate[i + 1..] == name[i + 1..] {
                return Some(Edit::Substitution {
                    intended: name[i],
                    typed: candidate[i],
                });
            }
            if i + 1 < name.len()
                && candidate[i] == name[i + 1]
                && candidate[i + 1] == name[i]
                && candidate[i + 2..] == name[i + 2..]
            {
                return Some(Edit::Transposition {
                    first: name[i],
                    second: name[i + 1],
                });
            }
            None
        }
        -1 => (candidate[prefix..] == name[prefix + 1..]).then(|| Edit::Omission {
            missing: name[prefix],
        }),
        1 => {
            let i = prefix;
            if candidate[i + 1..] != name[i..] {
                return None;
            }
            let extra = candidate[i];
            let before = if i > 0 { name[i - 1] } else { 0 };
            let after = name.get(i).copied().unwrap_or(0);
            Some(Edit::Insertion {
                extra,
                doubled: extra == before || extra == after,
                beside: [before, after],
            })
        }
        _ => None,
    }
}

/// The kind of mistake an edit looks like, for scoring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slip {
    KeyboardTypo,
    Bitsquat,
    VowelSwap,
    Omission,
    Repetition,
    Transposition,
    /// Any other single edit.
    Other,
}

pub(crate) fn slip(edit: Edit) -> Slip {
    match edit {
        Edit::Substitution { intended, typed } => {
            if adjacent(intended, typed) {
                Slip::KeyboardTypo
            } else if vowel(intended) && vowel(typed) {
                Slip::VowelSwap
            } else if (intended ^ typed).count_ones() == 1 {
                Slip::Bitsquat
            } else {
                Slip::Other
            }
        }
        Edit::Omission { .. } => Slip::Omission,
        Edit::Insertion {
            extra,
            doubled,
            beside,
        } => {
            if doubled {
                Slip::Repetition
            } else if beside.iter().any(|&b| adjacent(b, extra)) {
                Slip::KeyboardTypo
            } else {
                Slip::Other
            }
        }
        Edit::Transposition { .. } => Slip::Transposition,
    }
}

/// The keyboard-weighted edit distance (optimal string alignment) between a candidate and a name,
/// if it is at most `limit`. Likely slips cost 1 (a neighbouring key, a swapped vowel, a
/// transposition, an omission, a doubled letter, an extra key beside the right one), other edits
/// cost 2. Strings longer than 63 bytes are not compared.
pub(crate) fn weighted_distance(candidate: &[u8], name: &[u8], limit: u8) -> Option<u8> {
    alignment(candidate, name, limit, true)
}

/// The plain optimal-string-alignment distance (every edit costs 1), if at most `limit`.
pub(crate) fn distance(candidate: &[u8], name: &[u8], limit: u8) -> Option<u8> {
    alignment(candidate, name, limit, false)
}

fn alignment(candidate: &[u8], name: &[u8], limit: u8, weighted: bool) -> Option<u8> {
    const MAX: usize = 64;
    let (n, m) = (candidate.len(), name.len());
    if n >= MAX || m >= MAX || n.abs_diff(m) > limit as usize {
        return None;
    }
    // Three rolling rows of the table: d[i][j] is the cost of turning name[..j] into
    // candidate[..i]; the transposition step looks two rows back.
    let mut rows = [[u8::MAX; MAX]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(m + 1) {
        *cell = j as u8;
    }
    for i in 1..=n {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        let c = candidate[i - 1];
        let prev_c = if i > 1 { candidate[i - 2] } else { 0 };
        let next_c = candidate.get(i).copied().unwrap_or(0);
        let extra_cost = if !weighted
            || c == prev_c
            || c == next_c
            || adjacent(prev_c, c)
            || adjacent(next_c, c)
        {
            1
        } else {
            2
        };
        rows[cur][0] = rows[prev][0].saturating_add(extra_cost);
        let mut row_min = rows[cur][0];
        for j in 1..=m {
            let t = name[j - 1];
            let sub = if c == t {
                0
            } else if !weighted || adjacent(t, c) || (vowel(t) && vowel(c)) {
                1
            } else {
                2
            };
            let mut best = rows[prev][j - 1].saturating_add(sub);
            best = best.min(rows[prev][j].saturating_add(extra_cost));
            best = best.min(rows[cur][j - 1].saturating_add(1));
            if i > 1 && j > 1 && c == name[j - 2] && prev_c == t {
                best = best.min(rows[prev2][j - 2].saturating_add(1));
            }
            rows[cur][j] = best;
            row_min = row_min.min(best);
        }
        if row_min > limit {
            return None;
        }
    }
    let d = rows[n % 3][m];
    (d <= limit).then_some(d)
}

/// Whether at most `allowed` bits are set (a popcount that stops early: most candidates are
/// far from every name).
pub(crate) fn few_missing(mut bits: u64, allowed: u32) -> bool {
    for _ in 0..allowed {
        if bits == 0 {
            return true;
        }
        bits &= bits - 1;
    }
    bits == 0
}

/// The set of characters in a string (letters, digits, hyphen), as bits. An edit removes at most
/// one character from the set and adds at most one.
pub(crate) fn char_set(s: &[u8]) -> u64 {
    s.iter().fold(0u64, |m, &b| {
        m | match b {
            b'a'..=b'z' => 1 << (b - b'a'),
            b'0'..=b'9' => 1 << (26 + b - b'0'),
            _ => 1 << 36,
        }
    })
}

/// A 64-bit set of the string's bigrams, for a quick filter before comparing: `k` edits destroy
/// at most `3k` of a name's bigrams (a transposition changes three), so a candidate within `k`
/// edits lacks at most `3k` of the name's bits.
pub(crate) fn bigram_mask(s: &[u8]) -> u64 {
    s.windows(2).fold(0u64, |m, w| {
        m | 1u64 << ((u32::from(w[0]) * 31 + u32::from(w[1])) % 64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slip_of(candidate: &str, name: &str) -> Option<Slip> {
        single_edit(candidate.as_bytes(), name.as_bytes()).map(slip)
    }

    #[test]
    fn single_edits_are_named() {
        assert_eq!(slip_of("amazn", "amazon"), Some(Slip::Omission));
        assert_eq!(slip_of("gooogle", "google"), Some(Slip::Repetition));
        assert_eq!(slip_of("micorsoft", "microsoft"), Some(Slip::Transposition));
        assert_eq!(slip_of("nicrosoft", "microsoft"), Some(Slip::KeyboardTypo));
        assert_eq!(slip_of("paypal", "paypal"), None);
        // 'f' (0x66) and 'd' (0x64) differ by one bit and are neighbours: the keyboard wins.
        assert_eq!(slip_of("microsodt", "microsoft"), Some(Slip::KeyboardTypo));
        // 'a' (0x61) and 'c' (0x63): one bit, not neighbours.
        assert_eq!(slip_of("pcypal", "paypal"), Some(Slip::Bitsquat));
        assert_eq!(slip_of("paypel", "paypal"), Some(Slip::VowelSwap));
        assert_eq!(slip_of("microsofta", "microsoft"), Some(Slip::Other));
        assert_eq!(slip_of("microsofrt", "microsoft"), Some(Slip::KeyboardTypo));
        assert_eq!(slip_of("nortan", "norton"), Some(Slip::VowelSwap));
        assert_eq!(slip_of("nortxn", "norton"), Some(Slip::Other));
        assert_eq!(slip_of("netfilx", "netflix"), Some(Slip::Transposition));
        assert_eq!(slip_of("netfix", "microsoft"), None);
    }

    #[test]
    fn keyboard_adjacency_weighs_the_distance() {
        // Two neighbouring keys: cost 2; two far keys: cost 4.
        assert_eq!(weighted_distance(b"nicrosift", b"microsoft", 4), Some(2));
        assert_eq!(weighted_distance(b"xicrosqft", b"microsoft", 4), Some(4));
        assert_eq!(weighted_distance(b"xicrosqft", b"microsoft", 3), None);
        assert_eq!(distance(b"xicrosqft", b"microsoft", 3), Some(2));
        assert_eq!(distance(b"ensagra", b"instagram", 2), None);
        assert_eq!(weighted_distance(b"netfilx", b"netflix", 4), Some(1));
        assert_eq!(weighted_distance(b"facebook", b"microsoft", 4), None);
        assert_eq!(weighted_distance(&[b'a'; 70], b"microsoft", 4), None);
    }

    #[test]
    fn few_missing_counts_bits() {
        assert!(few_missing(0, 0));
        assert!(few_missing(0b1011, 3));
        assert!(!few_missing(0b1011, 2));
    }

    #[test]
    fn the_bigram_filter_keeps_close_strings() {
        let name = bigram_mask(b"microsoft");
        for candidate in [
            "nicrosift",
            "micrsoft",
            "microsofft",
            "mircosoft",
            "micorsfot",
        ] {
            let missing = (name & !bigram_mask(candidate.as_bytes())).count_ones();
            assert!(missing <= 6, "{candidate}");
        }
    }
}
