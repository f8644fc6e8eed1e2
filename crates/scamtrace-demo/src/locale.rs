//! Who the victim is: their country, the language they write in, the tag their browser sends, and
//! the currency they lose money in.

use crate::random::{DemoRng, chance, pick};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    De,
    Es,
    Fr,
    Ja,
}

/// Where one-off and noise reports come from (weights in percent).
pub(crate) const GLOBAL_COUNTRIES: &[(&str, u32)] = &[
    ("US", 60),
    ("CA", 7),
    ("GB", 10),
    ("DE", 6),
    ("AU", 6),
    ("ES", 3),
    ("JP", 3),
    ("FR", 2),
    ("IE", 1),
    ("NZ", 1),
    ("IN", 1),
];

/// The language a victim in `country` writes in. `francophone` is set for operations that work
/// French-speaking Canada.
pub(crate) fn language_for(rng: &mut DemoRng, country: &str, francophone: bool) -> Lang {
    match country {
        "DE" => Lang::De,
        "ES" => Lang::Es,
        "JP" => Lang::Ja,
        "FR" => Lang::Fr,
        "CA" if chance(rng, if francophone { 0.85 } else { 0.12 }) => Lang::Fr,
        "US" if chance(rng, 0.03) => Lang::Es,
        _ => Lang::En,
    }
}

/// The BCP 47 tag sent with the report, or none (a fifth of victims' forms send none).
pub(crate) fn language_tag(rng: &mut DemoRng, lang: Lang, country: &str) -> Option<&'static str> {
    if chance(rng, 0.2) {
        return None;
    }
    let options: &[&str] = match (lang, country) {
        (Lang::En, "US") => &["en", "en-US", "en-US"],
        (Lang::En, "GB") => &["en-GB", "en-GB", "en"],
        (Lang::En, "CA") => &["en-CA", "en"],
        (Lang::En, "AU") => &["en-AU", "en"],
        (Lang::En, "IE") => &["en-IE", "en"],
        (Lang::En, "NZ") => &["en-NZ", "en"],
        (Lang::En, "IN") => &["en-IN", "en"],
        (Lang::En, _) => &["en"],
        (Lang::De, _) => &["de", "de-DE"],
        (Lang::Es, "US") => &["es-US", "es"],
        (Lang::Es, _) => &["es", "es-ES"],
        (Lang::Fr, "CA") => &["fr-CA", "fr-CA", "fr"],
        (Lang::Fr, _) => &["fr", "fr-FR"],
        (Lang::Ja, _) => &["ja", "ja-JP"],
    };
    Some(*pick(rng, options))
}

#[derive(Debug, PartialEq)]
pub(crate) struct Currency {
    pub(crate) code: &'static str,
    /// Rough units per US dollar, to scale losses.
    pub(crate) per_usd: f64,
    /// Whether amounts carry cents (JPY does not).
    pub(crate) cents: bool,
}

pub(crate) const USD: Currency = Currency {
    code: "USD",
    per_usd: 1.0,
    cents: true,
};
const CAD: Currency = Currency {
    code: "CAD",
    per_usd: 1.35,
    cents: true,
};
const GBP: Currency = Currency {
    code: "GBP",
    per_usd: 0.8,
    cents: true,
};
const EUR: Currency = Currency {
    code: "EUR",
    per_usd: 0.92,
    cents: true,
};
const AUD: Currency = Currency {
    code: "AUD",
    per_usd: 1.5,
    cents: true,
};
const NZD: Currency = Currency {
    code: "NZD",
    per_usd: 1.65,
    cents: true,
};
const INR: Currency = Currency {
    code: "INR",
    per_usd: 83.0,
    cents: true,
};
pub(crate) const JPY: Currency = Currency {
    code: "JPY",
    per_usd: 150.0,
    cents: false,
};

/// The currency a victim in `country` pays in: their own, except some Canadians (and a few
/// others) who are made to buy US-dollar cards or send US dollars.
pub(crate) fn currency_for(rng: &mut DemoRng, country: &str) -> &'static Currency {
    match country {
        "US" => &USD,
        "JP" => &JPY,
        "CA" if chance(rng, 0.2) => &USD,
        "CA" => &CAD,
        _ if chance(rng, 0.04) => &USD,
        "GB" => &GBP,
        "AU" => &AUD,
        "NZ" => &NZD,
        "IN" => &INR,
        "DE" | "ES" | "FR" | "IE" => &EUR,
        _ => &USD,
    }
}
