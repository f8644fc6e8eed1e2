//! Phone numbers: the callback numbers operations own (E.164), the many ways victims write them,
//! and the fictional numbers (555-01xx, Ofcom's drama range) that reporters give as their own.
//!
//! Every number planted is valid to libphonenumber, and written so a reader in the victim's
//! country can tell which number it is. At home, victims use every national style. Abroad,
//! they copy what the scam pop-up aimed at them shows: the number with its country code
//! (`+44 800 …`, `+61 1800 …`, `+81 50 …`), or for North American numbers also the `1-8xx`
//! forms and the 3-3-4 grouping North American numbers are always printed in. Never the bare
//! national digits of a foreign number ("08001977130" in a German report is a German number to
//! anyone reading it), and in India, where `1800…` is domestic toll-free and ten digits from
//! 6-9 are a mobile, only the `+1` forms.

use rand::Rng;

use crate::locale::Lang;
use crate::random::{DemoRng, chance, pick};

/// The numbering plans scam callback numbers come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumberPlan {
    /// +1 800/833/844/855/866/877/888.
    UsTollFree = 0,
    /// UK freephone 0800.
    UkFreephone = 1,
    /// Australian freecall 1800.
    AuFreecall = 2,
    /// Japanese free dial 0120.
    JpFreeDial = 3,
    /// Japanese IP phone 050 (cheap to rent, common in support scams targeting Japan); the digit
    /// after 050 is never 0.
    JpIpPhone = 4,
}

const US_TOLL_FREE: [&str; 7] = ["800", "833", "844", "855", "866", "877", "888"];
/// Exchanges 200..=999 times 10,000 line numbers.
const US_PER_PREFIX: u64 = 8_000_000;

impl NumberPlan {
    pub(crate) const ALL: [NumberPlan; 5] = [
        NumberPlan::UsTollFree,
        NumberPlan::UkFreephone,
        NumberPlan::AuFreecall,
        NumberPlan::JpFreeDial,
        NumberPlan::JpIpPhone,
    ];

    pub(crate) fn capacity(self) -> u64 {
        match self {
            NumberPlan::UsTollFree => US_TOLL_FREE.len() as u64 * US_PER_PREFIX,
            NumberPlan::UkFreephone => 10_000_000,
            NumberPlan::AuFreecall | NumberPlan::JpFreeDial => 1_000_000,
            NumberPlan::JpIpPhone => 90_000_000,
        }
    }

    /// The E.164 form of this plan's `value`-th number.
    pub(crate) fn e164(self, value: u64) -> String {
        let value = value % self.capacity();
        match self {
            NumberPlan::UsTollFree => {
                let prefix = US_TOLL_FREE[(value / US_PER_PREFIX) as usize];
                let rest = value % US_PER_PREFIX;
                format!("+1{prefix}{:03}{:04}", 200 + rest / 10_000, rest % 10_000)
            }
            NumberPlan::UkFreephone => format!("+44800{value:07}"),
            NumberPlan::AuFreecall => format!("+611800{value:06}"),
            NumberPlan::JpFreeDial => format!("+81120{value:06}"),
            // 050 numbers continue with 1-9 (libphonenumber: `50[1-9]\d{7}`).
            NumberPlan::JpIpPhone => format!("+8150{}", 10_000_000 + value),
        }
    }
}

/// How a victim in `country` writes `e164` down: a dozen national and international styles,
/// now and then a letter O for a zero, and full-width digits from Japanese keyboards. A number
/// from abroad keeps what tells where it is from (see the module documentation).
pub(crate) fn written(rng: &mut DemoRng, e164: &str, lang: Lang, country: &str) -> String {
    let text = if let Some(n) = e164.strip_prefix("+44800") {
        uk(rng, n, country == "GB")
    } else if let Some(n) = e164.strip_prefix("+611800") {
        au(rng, n, country == "AU")
    } else if let Some(n) = e164.strip_prefix("+81120") {
        jp_free_dial(rng, n, country == "JP")
    } else if let Some(n) = e164.strip_prefix("+8150") {
        jp_ip_phone(rng, n, country == "JP")
    } else if let Some(n) = e164.strip_prefix("+1") {
        let reader = match country {
            "US" | "CA" => Reader::Home,
            "IN" => Reader::CountryCodeOnly,
            _ => Reader::Abroad,
        };
        us(rng, n, reader)
    } else {
        e164.to_string()
    };
    if lang == Lang::Ja && chance(rng, 0.3) {
        fullwidth(&text)
    } else {
        text
    }
}

/// Splits ASCII `digits` at the given group lengths (the rest goes in the last group).
fn groups<'a>(digits: &'a str, lengths: &[usize]) -> Vec<&'a str> {
    let mut out = Vec::with_capacity(lengths.len() + 1);
    let mut rest = digits;
    for len in lengths {
        let (head, tail) = rest.split_at((*len).min(rest.len()));
        out.push(head);
        rest = tail;
    }
    out.push(rest);
    out
}

/// Where a North American number is read, and so which of its styles say what it is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reader {
    /// In North America: every style.
    Home,
    /// Abroad: not the bare ten digits.
    Abroad,
    /// Where its national forms are local numbers too (India): only with `+1`.
    CountryCodeOnly,
}

fn us(rng: &mut DemoRng, national: &str, reader: Reader) -> String {
    let g = groups(national, &[3, 3]);
    let (npa, exchange, line) = (g[0], g[1], g[2]);
    let style = match reader {
        Reader::Home => rng.random_range(0..12),
        // Style 3, the bare digits, is left out.
        Reader::Abroad => *pick(rng, &[0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11]),
        Reader::CountryCodeOnly => *pick(rng, &[0, 7, 8]),
    };
    let text = match style {
        0 => format!("+1 ({npa}) {exchange}-{line}"),
        1 => format!("1-{npa}-{exchange}-{line}"),
        2 => format!("{npa}.{exchange}.{line}"),
        3 => format!("{npa}{exchange}{line}"),
        4 => format!("1 {npa} {exchange} {line}"),
        5 => format!("({npa}) {exchange}-{line}"),
        6 => format!("{npa}-{exchange}-{line}"),
        7 => format!("+1{npa}{exchange}{line}"),
        8 => format!("+1-{npa}-{exchange}-{line}"),
        9 => format!("1({npa}){exchange}-{line}"),
        10 => format!("{npa} {exchange} {line}"),
        _ => format!("1-{npa}-{exchange}{line}"),
    };
    // "1-8OO-...": victims copy the number off a screen or type it by ear.
    if npa.contains('0') && chance(rng, 0.06) {
        text.replacen(npa, &npa.replace('0', "O"), 1)
    } else {
        text
    }
}

fn uk(rng: &mut DemoRng, rest: &str, home: bool) -> String {
    let g = groups(rest, &[3]);
    let style = if home {
        rng.random_range(0..5)
    } else {
        *pick(rng, &[1, 3])
    };
    match style {
        0 => format!("0800 {} {}", g[0], g[1]),
        1 => format!("+44 800 {} {}", g[0], g[1]),
        2 => format!("0800{rest}"),
        3 => format!("+44 (0)800 {} {}", g[0], g[1]),
        _ => format!("0800-{}-{}", g[0], g[1]),
    }
}

fn au(rng: &mut DemoRng, rest: &str, home: bool) -> String {
    let g = groups(rest, &[3]);
    match if home { rng.random_range(0..4) } else { 1 } {
        0 => format!("1800 {} {}", g[0], g[1]),
        1 => format!("+61 1800 {} {}", g[0], g[1]),
        2 => format!("1800{rest}"),
        _ => format!("1800-{}-{}", g[0], g[1]),
    }
}

fn jp_free_dial(rng: &mut DemoRng, rest: &str, home: bool) -> String {
    let g = groups(rest, &[3]);
    match if home { rng.random_range(0..4) } else { 3 } {
        0 | 1 => format!("0120-{}-{}", g[0], g[1]),
        2 => format!("0120{rest}"),
        _ => format!("+81 120 {} {}", g[0], g[1]),
    }
}

fn jp_ip_phone(rng: &mut DemoRng, rest: &str, home: bool) -> String {
    let g = groups(rest, &[4]);
    match if home { rng.random_range(0..4) } else { 3 } {
        0 | 1 => format!("050-{}-{}", g[0], g[1]),
        2 => format!("050{rest}"),
        _ => format!("+81 50 {} {}", g[0], g[1]),
    }
}

/// Full-width digits and punctuation, as a Japanese IME types them.
pub(crate) fn fullwidth(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0'..='9' | '(' | ')' | '+' => {
                char::from_u32(u32::from(c) - 0x20 + 0xFF00).unwrap_or(c)
            }
            '-' => '－',
            _ => c,
        })
        .collect()
}

const US_AREAS: &[&str] = &[
    "212", "312", "415", "602", "713", "305", "206", "303", "404", "617", "503", "614", "702",
    "919", "480", "813", "216", "352",
];
const CA_AREAS: &[&str] = &["416", "604", "514", "403", "613", "902", "780"];

/// Whether `fictional` has a number for reporters in `country`.
pub(crate) fn has_fictional(country: &str) -> bool {
    matches!(country, "US" | "CA" | "GB")
}

/// A reporter's own phone number from a range reserved for fiction, so no real person is reached.
pub(crate) fn fictional(rng: &mut DemoRng, country: &str) -> Option<String> {
    let line = rng.random_range(100..200);
    match country {
        "US" | "CA" => {
            let area = pick(rng, if country == "US" { US_AREAS } else { CA_AREAS });
            let line = &line.to_string()[1..];
            Some(match rng.random_range(0..4) {
                0 => format!("({area}) 555-01{line}"),
                1 => format!("{area}-555-01{line}"),
                2 => format!("+1 {area} 555 01{line}"),
                _ => format!("{area}.555.01{line}"),
            })
        }
        "GB" => {
            let tail = rng.random_range(0..1000);
            Some(if chance(rng, 0.5) {
                format!("07700 900{tail:03}")
            } else {
                format!("+44 7700 900{tail:03}")
            })
        }
        _ => None,
    }
}

/// Digits of a written number: letter O as zero, full-width digits as ASCII.
#[cfg(test)]
pub(crate) fn digits_of(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            'O' => Some('0'),
            '０'..='９' => char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn e164_forms() {
        assert_eq!(NumberPlan::UsTollFree.e164(0), "+18002000000");
        assert_eq!(
            NumberPlan::UsTollFree.e164(US_PER_PREFIX * 6 + 10_042),
            "+18882010042"
        );
        assert_eq!(NumberPlan::UkFreephone.e164(1234567), "+448001234567");
        assert_eq!(NumberPlan::AuFreecall.e164(42), "+611800000042");
        assert_eq!(NumberPlan::JpFreeDial.e164(123456), "+81120123456");
        assert_eq!(NumberPlan::JpIpPhone.e164(2345678), "+815012345678");
        assert_eq!(NumberPlan::JpIpPhone.e164(0), "+815010000000");
        assert_eq!(
            NumberPlan::JpIpPhone.e164(NumberPlan::JpIpPhone.capacity() - 1),
            "+815099999999"
        );
    }

    #[test]
    fn written_forms_keep_the_national_digits() {
        let mut rng = DemoRng::seed_from_u64(3);
        for (e164, national) in [
            ("+18885550142", "8885550142"),
            ("+448001234567", "08001234567"),
            ("+611800123456", "1800123456"),
            ("+81120123456", "0120123456"),
            ("+815012345678", "05012345678"),
        ] {
            for _ in 0..50 {
                let text = written(&mut rng, e164, Lang::Ja, "JP");
                // Every style keeps the national number after its trunk digit.
                assert!(
                    digits_of(&text).ends_with(&national[1..]),
                    "{e164} as {text:?}"
                );
            }
        }
    }

    /// Abroad, a number keeps its country code or its home grouping: never the bare national
    /// digits, and in India never without `+1`.
    #[test]
    fn numbers_from_abroad_say_where_they_are_from() {
        let mut rng = DemoRng::seed_from_u64(5);
        for (e164, home) in [
            ("+18885550142", &["US", "CA"][..]),
            ("+448001234567", &["GB"][..]),
            ("+611800123456", &["AU"][..]),
            ("+81120123456", &["JP"][..]),
            ("+815012345678", &["JP"][..]),
        ] {
            for country in [
                "US", "CA", "GB", "DE", "AU", "ES", "JP", "FR", "IE", "NZ", "IN",
            ] {
                if home.contains(&country) {
                    continue;
                }
                for _ in 0..60 {
                    let text = written(&mut rng, e164, Lang::En, country);
                    let bare = text.chars().all(|c| c.is_ascii_digit() || c == 'O');
                    assert!(!bare, "{e164} in {country} as {text:?}");
                    if country == "IN" || !e164.starts_with("+1") {
                        assert!(text.starts_with('+'), "{e164} in {country} as {text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn fictional_numbers_stay_in_reserved_ranges() {
        let mut rng = DemoRng::seed_from_u64(4);
        for _ in 0..200 {
            let us = fictional(&mut rng, "US").unwrap_or_default();
            assert!(digits_of(&us).contains("55501"), "{us}");
            let gb = fictional(&mut rng, "GB").unwrap_or_default();
            assert!(digits_of(&gb).contains("7700900"), "{gb}");
        }
        assert!(fictional(&mut rng, "DE").is_none());
    }
}
