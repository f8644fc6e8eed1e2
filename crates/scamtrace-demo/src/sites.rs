//! Scam websites and mailboxes: operation domains, one-off domains, and how victims write them.
//!
//! Names are built from brand-ish and support words so they read like the real thing, with an
//! extra word or a number so they are unlikely to be anyone's real site. Operation domains are
//! checked for uniqueness while planning. One-off domains end in a four-digit number derived from
//! a unique serial; operation domains never end in four digits, so the two can never collide.

use std::collections::BTreeSet;

use rand::Rng;

use crate::brands::Brand;
use crate::random::{DemoRng, chance, pick};

const SUPPORT_WORDS: &[&str] = &[
    "support", "help", "helpdesk", "care", "fix", "repair", "assist", "refund", "secure", "alert",
    "service", "desk", "team", "center", "lock", "warning", "protect", "billing", "cancel",
    "guard", "tech", "online", "solution", "recovery", "safety", "resolve", "notice", "verify",
    "shield", "response",
];

/// Operation suffixes: at most three trailing digits (see the module docs).
const OPERATION_SUFFIXES: &[&str] = &[
    "", "", "", "247", "24x7", "365", "now", "pro", "hq", "1", "24", "911", "360", "usa", "zone",
    "hub", "line",
];

const TLDS: &[&str] = &[
    "com", "net", "online", "live", "us", "info", "xyz", "site", "tech", "top", "support", "help",
];

const ONE_OFF_FIRST: &[&str] = &[
    "win", "pc", "device", "system", "secure", "cyber", "virus", "net", "web", "cloud", "shop",
    "acct", "order", "prime", "ms", "mac", "tech", "safe", "quick", "global", "smart", "alpha",
    "omni", "nova",
];

const ONE_OFF_NUMBERS: u64 = 9_000;

/// How many distinct one-off domains exist: first word x support word x TLD x 2 shapes x number.
pub(crate) const ONE_OFF_DOMAINS: u64 = ONE_OFF_FIRST.len() as u64
    * SUPPORT_WORDS.len() as u64
    * TLDS.len() as u64
    * 2
    * ONE_OFF_NUMBERS;

/// A fresh domain for an operation impersonating `brand`; `taken` holds every domain planned so far.
pub(crate) fn operation_domain(
    rng: &mut DemoRng,
    brand: Brand,
    taken: &mut BTreeSet<String>,
) -> String {
    for _ in 0..64 {
        let b = pick(rng, brand.domain_words());
        let w1 = pick(rng, SUPPORT_WORDS);
        let w2 = pick(rng, SUPPORT_WORDS);
        let suffix = pick(rng, OPERATION_SUFFIXES);
        let tld = pick(rng, TLDS);
        if w1 == w2 {
            continue;
        }
        let name = match rng.random_range(0..6) {
            0 => format!("{b}-{w1}-{w2}{suffix}"),
            1 => format!("{w1}-{b}-{w2}{suffix}"),
            // Two-token names need a suffix, or they may well be somebody's real site.
            2 if !suffix.is_empty() => format!("{b}{w1}{suffix}"),
            3 if !suffix.is_empty() => format!("{b}-{w1}{suffix}"),
            4 => format!("{b}{w1}-{w2}{suffix}"),
            5 => format!("{w1}{w2}-{b}{suffix}"),
            _ => continue,
        };
        let domain = format!("{name}.{tld}");
        if taken.insert(domain.clone()) {
            return domain;
        }
    }
    // Crowded word space (hundreds of domains for one brand): count up in letters until free.
    let base = brand.domain_words()[0];
    let mut k = taken.len();
    loop {
        let domain = format!("{base}-support-desk{}.com", letters(k));
        if taken.insert(domain.clone()) {
            return domain;
        }
        k += 1;
    }
}

/// `0 -> "a"`, `25 -> "z"`, `26 -> "ab"`: a distinct letters-only tag for every number.
fn letters(mut n: usize) -> String {
    let mut tag = String::new();
    loop {
        tag.push(char::from(b'a' + (n % 26) as u8));
        n /= 26;
        if n == 0 {
            return tag;
        }
    }
}

/// The one-off domain for a value of the one-off namespace (distinct values, distinct domains).
pub(crate) fn one_off_domain(value: u64) -> String {
    let mut v = value % ONE_OFF_DOMAINS;
    let number = 1_000 + v % ONE_OFF_NUMBERS;
    v /= ONE_OFF_NUMBERS;
    let hyphen_before_number = v.is_multiple_of(2);
    v /= 2;
    let tld = TLDS[(v % TLDS.len() as u64) as usize];
    v /= TLDS.len() as u64;
    let second = SUPPORT_WORDS[(v % SUPPORT_WORDS.len() as u64) as usize];
    v /= SUPPORT_WORDS.len() as u64;
    let first = ONE_OFF_FIRST[(v % ONE_OFF_FIRST.len() as u64) as usize];
    if hyphen_before_number {
        format!("{first}-{second}-{number}.{tld}")
    } else {
        format!("{first}-{second}{number}.{tld}")
    }
}

/// How a victim writes a site down: bare, with `www.` or a scheme, with the path they were sent
/// to, and now and then defanged ("ms-support[.]com") because they read that somewhere.
pub(crate) fn written_site(rng: &mut DemoRng, domain: &str) -> String {
    let n = rng.random_range(100..100_000);
    let defang = chance(rng, 0.08);
    let host = if defang {
        domain.replace('.', "[.]")
    } else {
        domain.to_string()
    };
    let https = if defang { "hxxps" } else { "https" };
    let http = if defang { "hxxp" } else { "http" };
    let text = match rng.random_range(0..10) {
        0..=2 => host,
        3 => format!("www.{host}"),
        4 => format!("{https}://{host}"),
        5 => format!("{http}://{host}/"),
        6 => format!("{https}://{host}/case/{n}"),
        7 => format!("{https}://www.{host}/support?id={n}"),
        8 => format!("{host}/help"),
        _ => format!("{https}://{host}/{}/index.html", pick(rng, SUPPORT_WORDS)),
    };
    if chance(rng, 0.05) {
        capitalize(&text)
    } else {
        text
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

const MAILBOXES: &[&str] = &[
    "support",
    "help",
    "billing",
    "refunds",
    "security.team",
    "tech.desk",
    "case.manager",
    "noreply",
    "service",
    "care",
    "accounts",
    "helpdesk",
];

/// A mailbox at one of the operation's own domains.
pub(crate) fn mailbox(rng: &mut DemoRng, domain: &str) -> String {
    format!("{}@{domain}", pick(rng, MAILBOXES))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn word_tables_are_plain_lowercase() {
        for word in SUPPORT_WORDS.iter().chain(ONE_OFF_FIRST) {
            assert!(word.bytes().all(|b| b.is_ascii_lowercase()), "{word}");
        }
        for tld in TLDS {
            assert!(tld.bytes().all(|b| b.is_ascii_lowercase()), "{tld}");
        }
    }

    #[test]
    fn operation_domains_are_unique_and_never_end_in_four_digits() {
        let mut rng = DemoRng::seed_from_u64(8);
        let mut taken = BTreeSet::new();
        for _ in 0..3000 {
            let d = operation_domain(&mut rng, Brand::Norton, &mut taken);
            let name = d.split('.').next().unwrap_or_default();
            let trailing = name
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit())
                .count();
            assert!(trailing <= 3, "{d}");
        }
        assert_eq!(taken.len(), 3000);
    }

    #[test]
    fn one_off_domains_are_distinct() {
        let domains: BTreeSet<String> = (0..50_000u64).map(|v| one_off_domain(v * 3_001)).collect();
        assert_eq!(domains.len(), 50_000);
        assert_eq!(one_off_domain(0), "win-support-1000.com");
    }
}
