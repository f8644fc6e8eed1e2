//! Gift cards: which brands victims were told to buy, and card codes, which are kept only as a
//! keyed hash (the same card in two reports links them; the code itself is never stored).

use crate::text::next_ascii_digit;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Gift card brands and how victims name them, lowercase.
pub const GIFT_CARDS: &[(&str, &str, &[&str])] = &[
    (
        "google_play",
        "Google Play",
        &[
            "google play",
            "googleplay",
            "play store card",
            "グーグルプレイ",
            "google playカード",
        ],
    ),
    (
        "apple",
        "Apple / iTunes",
        &[
            "itunes",
            "apple gift",
            "apple card",
            "app store",
            "apple store card",
            "アップルギフト",
            "itunesカード",
            "appleギフト",
        ],
    ),
    (
        "amazon",
        "Amazon",
        &[
            "amazon gift",
            "amazon card",
            "amazon voucher",
            "amazonギフト",
            "アマゾンギフト",
        ],
    ),
    ("steam", "Steam", &["steam"]),
    ("target", "Target", &["target gift", "target card"]),
    ("walmart", "Walmart", &["walmart"]),
    ("ebay", "eBay", &["ebay"]),
    ("razer_gold", "Razer Gold", &["razer gold", "razer"]),
    ("best_buy", "Best Buy", &["best buy gift", "best buy card"]),
    ("sephora", "Sephora", &["sephora"]),
    (
        "vanilla",
        "Vanilla prepaid",
        &[
            "vanilla visa",
            "vanilla mastercard",
            "vanilla gift",
            "vanilla card",
        ],
    ),
    ("xbox", "Xbox", &["xbox gift", "xbox card"]),
    ("playstation", "PlayStation", &["playstation", "psn card"]),
    ("paysafecard", "paysafecard", &["paysafecard", "paysafe"]),
    (
        "pcs",
        "PCS",
        &[
            "pcs mastercard",
            "coupon pcs",
            "coupons pcs",
            "carte pcs",
            "cartes pcs",
            "recharge pcs",
            "recharges pcs",
            "ticket pcs",
            "tickets pcs",
        ],
    ),
    ("transcash", "Transcash", &["transcash"]),
    ("neosurf", "Neosurf", &["neosurf"]),
    ("webmoney", "WebMoney", &["webmoney", "ウェブマネー"]),
    ("bitcash", "BitCash", &["bitcash", "ビットキャッシュ"]),
];

/// Words that say a brand is named as a card, not as a company.
const CARD_WORDS: &[&str] = &[
    "card",
    "gift",
    "voucher",
    "code",
    "カード",
    "ギフト",
    "券",
    "karte",
    "gutschein",
    "tarjeta",
    "carte",
    "coupon",
    "recharge",
];

pub struct GiftCardMatch {
    pub start: usize,
    pub end: usize,
    pub slug: &'static str,
    pub name: &'static str,
}

/// Gift card brands named in text: the name, with a card word within a few words (or the name is
/// itself unambiguous, like "paysafecard"). Names and card words match case-insensitively.
#[cfg(test)]
pub fn find_gift_cards(text: &str) -> Vec<GiftCardMatch> {
    gift_cards(text, &crate::keywords::scan(text))
}

/// [`find_gift_cards`] with the text's keywords already found.
pub(crate) fn gift_cards(text: &str, scan: &crate::keywords::Scan) -> Vec<GiftCardMatch> {
    let owners = card_aliases();
    let mut found: Vec<GiftCardMatch> = Vec::new();
    for hit in &scan.hits {
        let crate::keywords::Keyword::GiftCard { index } = hit.keyword else {
            continue;
        };
        let (slug, name, alias) = owners[usize::from(index)];
        let (start, end) = (hit.start, hit.end);
        let before_ok = !alias.is_ascii()
            || !text[..start]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
        if !before_ok {
            continue;
        }
        // A card word just after ("Steam cards") or just before ("tarjetas Steam").
        let mut window_end = (end + 24).min(text.len());
        while !text.is_char_boundary(window_end) {
            window_end -= 1;
        }
        // The word just before, as in "tarjetas Steam" (not "gift cards at Walmart").
        let previous_word = || text[..start].split_whitespace().next_back().unwrap_or("");
        let carded = carded_aliases()[usize::from(index)]
            || CARD_WORDS.iter().any(|w| {
                contains_ignore_ascii_case(&text[end..window_end], w)
                    || contains_ignore_ascii_case(previous_word(), w)
            });
        if carded && !found.iter().any(|f| f.start < end && start < f.end) {
            found.push(GiftCardMatch {
                start,
                end,
                slug,
                name,
            });
        }
    }
    found.sort_by_key(|m| m.start);
    found
}

fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Every gift card alias with its brand's slug and name, in list order.
pub(crate) fn card_aliases() -> &'static [(&'static str, &'static str, &'static str)] {
    static OWNERS: std::sync::LazyLock<Vec<(&'static str, &'static str, &'static str)>> =
        std::sync::LazyLock::new(|| {
            GIFT_CARDS
                .iter()
                .flat_map(|(slug, name, aliases)| aliases.iter().map(move |a| (*slug, *name, *a)))
                .collect()
        });
    &OWNERS
}

/// For each of `card_aliases()`, whether the alias itself holds a card word ("google play
/// card"): such a name needs no card word around it. Asked once, not at every hit.
fn carded_aliases() -> &'static [bool] {
    static CARDED: std::sync::LazyLock<Vec<bool>> = std::sync::LazyLock::new(|| {
        card_aliases()
            .iter()
            .map(|(_, _, alias)| CARD_WORDS.iter().any(|w| alias.contains(w)))
            .collect()
    });
    &CARDED
}

/// The gift card brand a short text names ("3 Google Play cards of $200").
pub fn match_gift_card(text: &str) -> Option<(&'static str, &'static str)> {
    let lower = text.to_lowercase();
    GIFT_CARDS
        .iter()
        .find(|(_, _, aliases)| aliases.iter().any(|a| lower.contains(a)))
        .map(|(s, n, _)| (*s, *n))
}

/// A card code found near a card mention: 10 to 20 letters and digits, in groups or not, with at
/// least four digits and two letters (so plain numbers and words are not taken for codes).
pub struct CardCode {
    pub start: usize,
    pub end: usize,
    pub normalized: String,
}

pub fn find_card_codes(text: &str) -> Vec<CardCode> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    // Each run of ASCII letters and digits, from its start: a run ends before a byte that is
    // not one, so the next run starts after it. A code holds digits, so the words before the
    // next digit are passed over, from the last place there where a run must start.
    let mut i = 0;
    while let Some(digit) = next_ascii_digit(bytes, i) {
        i = run_start_before(bytes, digit, i);
        let Some(skip) = bytes[i..].iter().position(u8::is_ascii_alphanumeric) else {
            break;
        };
        let start = i + skip;
        let mut end = run_end(bytes, start);
        let first = end - start;
        // Written in groups (`X7KQ-4M2P-9RTW-3ZHB`): more groups of the same length, one
        // separator apart.
        if (first == 4 || first == 5) && codelike(&bytes[start..end]) {
            while end + 1 < bytes.len() && matches!(bytes[end], b'-' | b' ') {
                let next_end = run_end(bytes, end + 1);
                if next_end - (end + 1) != first
                    || !codelike(&bytes[end + 1..next_end])
                    || next_end - start > 24
                {
                    break;
                }
                end = next_end;
            }
        }
        i = end;
        // Separators take room too: shorter than 10 bytes is fewer than 10 characters.
        if end - start < 10 {
            continue;
        }
        // The run and its groups are ASCII letters and digits with single separators.
        let chars = &bytes[start..end];
        let len = chars.iter().filter(|b| b.is_ascii_alphanumeric()).count();
        let digits = chars.iter().filter(|b| b.is_ascii_digit()).count();
        if (10..=20).contains(&len) && digits >= 4 && len - digits >= 2 {
            let normalized = chars
                .iter()
                .filter(|b| b.is_ascii_alphanumeric())
                .map(|b| char::from(b.to_ascii_uppercase()))
                .collect();
            found.push(CardCode {
                start,
                end,
                normalized,
            });
        }
    }
    found
}

fn run_end(bytes: &[u8], from: usize) -> usize {
    from + bytes[from..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count()
}

/// A group that may be part of a code: it has a digit, or no lower-case letter.
fn codelike(g: &[u8]) -> bool {
    g.iter().any(u8::is_ascii_digit) || g.iter().all(|b| !b.is_ascii_lowercase())
}

/// Where the run scan may resume, at or after `from` and at or before `digit`, with the same
/// runs from there on as scanning every run from `from`: the start of the word holding `digit`
/// or of a word before it, unless the word before that may have taken it in as a group (a
/// separator apart, four or five long and code-like), or `from` when no such word is left.
/// The words passed over hold no digit, so no code.
fn run_start_before(bytes: &[u8], digit: usize, from: usize) -> usize {
    let word_start = |mut at: usize| {
        while at > from && bytes[at - 1].is_ascii_alphanumeric() {
            at -= 1;
        }
        at
    };
    let mut w = word_start(digit);
    while w > from {
        let joined =
            matches!(bytes[w - 1], b'-' | b' ') && w >= 2 && bytes[w - 2].is_ascii_alphanumeric();
        if !joined {
            return w;
        }
        let prev = word_start(w - 1);
        // `prev == from` may be the middle of a word: resume at `from`, as before.
        if prev == from {
            return from;
        }
        let len = w - 1 - prev;
        if !((len == 4 || len == 5) && codelike(&bytes[prev..w - 1])) {
            return w;
        }
        w = prev;
    }
    from
}

/// `HMAC-SHA-256(key, brand ":" code)`, hex: the only form in which a card code is kept.
pub fn hash_code(key: &[u8; 32], brand: &str, code: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(brand.as_bytes());
    mac.update(b":");
    mac.update(code.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brands_are_found_as_cards_not_as_companies() {
        let text = "I bought 3 Google Play cards and two Steam gift cards at Walmart. Amazon called me first.";
        let found: Vec<&str> = find_gift_cards(text).iter().map(|m| m.slug).collect();
        assert_eq!(
            found,
            ["google_play", "steam"],
            "Walmart is the shop, Amazon the caller"
        );
        assert_eq!(
            find_gift_cards("Amazonギフト券を5万円分買いました")[0].slug,
            "amazon"
        );
        assert_eq!(
            match_gift_card("3 Google Play cards of $200").unwrap().0,
            "google_play"
        );
    }

    /// The scan as first written, every run from the start: the skipping one must equal it.
    fn card_codes_every_run(text: &str) -> Vec<(usize, usize, String)> {
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        let mut i = 0;
        while let Some(skip) = bytes[i..].iter().position(u8::is_ascii_alphanumeric) {
            let start = i + skip;
            let mut end = run_end(bytes, start);
            let first = end - start;
            if (first == 4 || first == 5) && codelike(&bytes[start..end]) {
                while end + 1 < bytes.len() && matches!(bytes[end], b'-' | b' ') {
                    let next_end = run_end(bytes, end + 1);
                    if next_end - (end + 1) != first
                        || !codelike(&bytes[end + 1..next_end])
                        || next_end - start > 24
                    {
                        break;
                    }
                    end = next_end;
                }
            }
            i = end;
            if end - start < 10 {
                continue;
            }
            let chars = &bytes[start..end];
            let len = chars.iter().filter(|b| b.is_ascii_alphanumeric()).count();
            let digits = chars.iter().filter(|b| b.is_ascii_digit()).count();
            if (10..=20).contains(&len) && digits >= 4 && len - digits >= 2 {
                let normalized = chars
                    .iter()
                    .filter(|b| b.is_ascii_alphanumeric())
                    .map(|b| char::from(b.to_ascii_uppercase()))
                    .collect();
                found.push((start, end, normalized));
            }
        }
        found
    }

    #[test]
    fn skipping_to_the_digits_finds_what_every_run_finds() {
        // Texts dense with the cases that matter: groups of four and five, upper and lower
        // case, digits, single and double separators, other punctuation.
        let alphabet = b"ABCDXKQMabcdxq0123456789  --.,#\xc3\xa9";
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 120) as usize;
            // Mostly one case, so long code-like groups and words both happen.
            let upper = next() % 2 == 0;
            let text: String = (0..len)
                .map(|_| {
                    let c = alphabet[(next() % alphabet.len() as u64) as usize];
                    if upper { c.to_ascii_uppercase() } else { c }
                })
                .map(char::from)
                .collect();
            let fast: Vec<(usize, usize, String)> = find_card_codes(&text)
                .into_iter()
                .map(|c| (c.start, c.end, c.normalized))
                .collect();
            assert_eq!(fast, card_codes_every_run(&text), "{text:?}");
        }
        for text in [
            "ABCD ABCD-ABCD 1234-5678-ABCD",
            "the codes were X7KQ-4M2P-9RTW-3ZHB and 5GH7K2M9QW3RT8VX, order 12345678901",
            "card code ABCDE FGHIJ K2345 L6789",
            "WORD ABCD X7KQ 4M2P 9RTW 3ZHB",
        ] {
            let fast: Vec<(usize, usize, String)> = find_card_codes(text)
                .into_iter()
                .map(|c| (c.start, c.end, c.normalized))
                .collect();
            assert_eq!(fast, card_codes_every_run(text), "{text:?}");
        }
    }

    #[test]
    fn codes_are_found_and_hashed() {
        let text = "the codes were X7KQ-4M2P-9RTW-3ZHB and 5GH7K2M9QW3RT8VX, order 12345678901";
        let codes: Vec<String> = find_card_codes(text)
            .into_iter()
            .map(|c| c.normalized)
            .collect();
        assert_eq!(codes, ["X7KQ4M2P9RTW3ZHB", "5GH7K2M9QW3RT8VX"]);
        let key = [7u8; 32];
        assert_eq!(hash_code(&key, "google_play", "X7KQ4M2P9RTW3ZHB").len(), 64);
        assert_ne!(
            hash_code(&key, "google_play", "X7KQ4M2P9RTW3ZHB"),
            hash_code(&[8u8; 32], "google_play", "X7KQ4M2P9RTW3ZHB")
        );
        assert!(find_card_codes("Microsoft support windows defender").is_empty());
    }
}
