//! What victims lose: payment methods, amounts (a long tail in minor units), gift cards, wallets,
//! and how amounts are written in the form and in a story.

use rand::Rng;

use crate::locale::{Currency, Lang};
use crate::phones::fullwidth;
use crate::random::{DemoRng, chance, lognormal, pick};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    GiftCard,
    WireTransfer,
    BankTransfer,
    Crypto,
    CreditCard,
    Cash,
    PaymentApp,
    Other,
    /// The victim lost nothing.
    Nothing,
}

impl Method {
    /// The API's `payment.method` value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Method::GiftCard => "gift_card",
            Method::WireTransfer => "wire_transfer",
            Method::BankTransfer => "bank_transfer",
            Method::Crypto => "crypto",
            Method::CreditCard => "credit_card",
            Method::Cash => "cash",
            Method::PaymentApp => "payment_app",
            Method::Other => "other",
            Method::Nothing => "none",
        }
    }
}

/// An amount in minor units (cents; yen for JPY).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Money {
    pub(crate) minor: u64,
    pub(crate) currency: &'static Currency,
}

impl Money {
    fn from_major(major: f64, currency: &'static Currency) -> Money {
        let scale = if currency.cents { 100.0 } else { 1.0 };
        Money {
            minor: (major.max(0.0) * scale).round() as u64,
            currency,
        }
    }

    fn major_and_cents(&self) -> (u64, u64) {
        if self.currency.cents {
            (self.minor / 100, self.minor % 100)
        } else {
            (self.minor, 0)
        }
    }

    /// The API's decimal string: `500`, `1299.99`; never more than two decimals.
    pub(crate) fn field(&self) -> String {
        match self.major_and_cents() {
            (major, 0) => major.to_string(),
            (major, cents) => format!("{major}.{cents:02}"),
        }
    }

    /// The amount as a victim writes it in `lang`: "$1,299.99", "500 dollars", "1.299,99 €", "5万円".
    pub(crate) fn written(&self, rng: &mut DemoRng, lang: Lang) -> String {
        let (major, cents) = self.major_and_cents();
        let code = self.currency.code;
        let (thousands, decimal) = match lang {
            Lang::De | Lang::Es => (".", ","),
            Lang::Fr => (" ", ","),
            Lang::En | Lang::Ja => (",", "."),
        };
        let plain = match cents {
            0 => major.to_string(),
            c => format!("{major}{decimal}{c:02}"),
        };
        let grouped = match cents {
            0 => group(major, thousands),
            c => format!("{}{decimal}{c:02}", group(major, thousands)),
        };
        let options: Vec<String> = match (lang, code) {
            (Lang::Ja, "JPY") => {
                let mut v = vec![
                    format!("{grouped}円"),
                    format!("{plain}円"),
                    format!("{}円", fullwidth(&plain)),
                    format!("¥{grouped}"),
                ];
                if major >= 10_000 && major % 10_000 == 0 {
                    v.push(format!("{}万円", major / 10_000));
                    v.push(format!("{}万円", fullwidth(&(major / 10_000).to_string())));
                }
                v
            }
            (Lang::Ja, _) => vec![format!("{plain}ドル"), format!("{grouped} {code}")],
            (Lang::En, "USD" | "CAD" | "AUD" | "NZD") => {
                let mut v = vec![
                    format!("${grouped}"),
                    format!("${plain}"),
                    format!("{plain} dollars"),
                    format!("{plain}$"),
                    format!("${grouped} {code}"),
                ];
                if cents == 0 {
                    v.push(format!("${grouped}.00"));
                }
                v
            }
            (Lang::En, "GBP") => vec![
                format!("£{grouped}"),
                format!("£{plain}"),
                format!("{plain} pounds"),
                format!("GBP {plain}"),
            ],
            (Lang::En, "EUR") => vec![
                format!("€{grouped}"),
                format!("{plain} euro"),
                format!("EUR {plain}"),
            ],
            (Lang::En, "INR") => vec![
                format!("Rs {plain}"),
                format!("₹{grouped}"),
                format!("{plain} rupees"),
                format!("INR {grouped}"),
            ],
            (Lang::De | Lang::Es | Lang::Fr, "EUR") => {
                let word = if lang == Lang::De { "Euro" } else { "euros" };
                let mut v = vec![
                    format!("{grouped} €"),
                    format!("{plain} {word}"),
                    format!("{plain}€"),
                    format!("EUR {plain}"),
                ];
                if cents == 0 && lang == Lang::De {
                    v.push(format!("{grouped},00 €"));
                }
                v
            }
            (Lang::Fr, "CAD") => vec![format!("{grouped} $"), format!("{plain} dollars")],
            (Lang::De, "USD") => vec![format!("{plain} Dollar"), format!("$ {plain}")],
            (Lang::Es, "USD") => vec![format!("${plain}"), format!("{plain} dólares")],
            (Lang::Fr, "USD") => vec![format!("{plain} $ US"), format!("{plain} dollars")],
            _ => vec![format!("{plain} {code}")],
        };
        pick(rng, &options).clone()
    }
}

/// `1234567` -> `1,234,567` with the given separator.
fn group(n: u64, separator: &str) -> String {
    group_digits(&n.to_string(), separator)
}

/// Groups a digit string by threes from the right: `"1234567890"` -> `"1 234 567 890"`.
pub(crate) fn group_digits(digits: &str, separator: &str) -> String {
    let mut out = String::with_capacity(digits.len() + 4);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    out
}

/// Gift cards bought for the scammer: `count` cards of `each`.
#[derive(Clone, Debug)]
pub(crate) struct GiftCards {
    pub(crate) brand: &'static str,
    pub(crate) count: u64,
    pub(crate) each: Money,
}

impl GiftCards {
    /// "3 Google Play cards of $200", in the victim's language.
    pub(crate) fn written(&self, rng: &mut DemoRng, lang: Lang) -> String {
        let each = self.each.written(rng, lang);
        let (brand, n) = (self.brand, self.count);
        match lang {
            Lang::En if n == 1 => format!("a {each} {brand} card"),
            Lang::En => match rng.random_range(0..3) {
                0 => format!("{n} {brand} cards of {each}"),
                1 => format!("{n} {brand} gift cards ({each} each)"),
                _ => format!("{n} x {each} {brand} cards"),
            },
            Lang::De if n == 1 => format!("eine {brand}-Karte über {each}"),
            Lang::De => format!("{n} {brand}-Karten zu je {each}"),
            Lang::Es if n == 1 => format!("una tarjeta {brand} de {each}"),
            Lang::Es => format!("{n} tarjetas {brand} de {each}"),
            Lang::Fr if n == 1 => format!("une carte {brand} de {each}"),
            Lang::Fr => format!("{n} cartes {brand} de {each}"),
            Lang::Ja => {
                let count = if chance(rng, 0.3) {
                    fullwidth(&n.to_string())
                } else {
                    n.to_string()
                };
                format!("{brand}カード{each}を{count}枚")
            }
        }
    }
}

/// Gift card brands scammers ask for in North America.
pub(crate) const CARD_BRANDS_NORTH_AMERICA: &[&str] = &[
    "Google Play",
    "Google Play",
    "Apple",
    "Target",
    "Steam",
    "Walmart",
    "eBay",
    "Amazon",
    "Razer Gold",
];
/// ... elsewhere in the English-speaking world.
pub(crate) const CARD_BRANDS_COMMONWEALTH: &[&str] =
    &["Google Play", "Apple", "Steam", "Amazon", "iTunes"];
/// ... in Germany and Spain (Paysafecard is sold at every kiosk).
pub(crate) const CARD_BRANDS_EUROPE: &[&str] =
    &["Google Play", "Paysafecard", "Apple", "Steam", "Amazon"];
/// ... in France (PCS and Transcash coupons from the tobacconist).
pub(crate) const CARD_BRANDS_FRANCE: &[&str] =
    &["Google Play", "PCS", "Transcash", "Apple", "Steam"];
/// ... in Japan.
pub(crate) const CARD_BRANDS_JAPAN: &[&str] = &["Apple", "Google Play", "Amazon", "iTunes"];

/// Card values a store sells, in the currency's major units.
fn denominations(currency: &Currency) -> &'static [u64] {
    match currency.code {
        "JPY" => &[5_000, 10_000, 20_000, 30_000, 50_000],
        "INR" => &[1_000, 2_000, 5_000],
        "GBP" | "NZD" => &[50, 100, 200],
        "EUR" => &[50, 100, 150, 250],
        _ => &[50, 100, 200, 250, 500],
    }
}

/// "Lifetime support plan" prices in US dollars.
const PLAN_PRICES_USD: &[f64] = &[149.99, 199.99, 249.99, 299.99, 399.99, 499.99, 999.99];

/// Everyday prices that show up in stories as decoys ("they said I was charged $399.99").
const DECOY_PRICES_USD: &[f64] = &[19.99, 39.99, 89.99, 299.99, 399.99, 499.99, 1499.0];

pub(crate) fn decoy_price(rng: &mut DemoRng, currency: &'static Currency) -> Money {
    let usd = *pick(rng, DECOY_PRICES_USD);
    plan_price(usd, currency)
}

/// A ".99" price converted into `currency` (JPY rounds to whole thousands).
fn plan_price(usd: f64, currency: &'static Currency) -> Money {
    let local = usd * currency.per_usd;
    if currency.cents {
        Money::from_major(local.round() - 0.01, currency)
    } else {
        Money::from_major((local / 1000.0).round() * 1000.0, currency)
    }
}

/// Rounds a loss the way cash and crypto deposits round: tens, hundreds, or thousands of yen.
fn round_loss(local: f64, currency: &'static Currency) -> Money {
    let step = if currency.per_usd > 50.0 {
        1000.0
    } else if local >= 1000.0 {
        100.0
    } else {
        10.0
    };
    Money::from_major(((local / step).round() * step).max(step), currency)
}

/// How much a victim lost by `method`, scaled by the operation's appetite. Most losses are a few
/// hundred dollars, some are thousands, and a few reach tens of thousands.
pub(crate) fn loss(
    rng: &mut DemoRng,
    method: Method,
    scale: f64,
    currency: &'static Currency,
    card_brand: &'static str,
) -> (Money, Option<GiftCards>) {
    let usd = |rng: &mut DemoRng, median: f64, sigma: f64| {
        (lognormal(rng, median, sigma) * scale).clamp(25.0, 95_000.0) * currency.per_usd
    };
    match method {
        Method::GiftCard => {
            let local = usd(rng, 350.0, 0.85);
            let each = *pick(rng, denominations(currency));
            let count = ((local / each as f64).round() as u64).clamp(1, 40);
            let scale = if currency.cents { 100 } else { 1 };
            let cards = GiftCards {
                brand: card_brand,
                count,
                each: Money {
                    minor: each * scale,
                    currency,
                },
            };
            let total = Money {
                minor: count * each * scale,
                currency,
            };
            (total, Some(cards))
        }
        Method::CreditCard if chance(rng, 0.7) => {
            (plan_price(*pick(rng, PLAN_PRICES_USD), currency), None)
        }
        Method::CreditCard => (round_loss(usd(rng, 400.0, 0.7), currency), None),
        Method::Crypto => (round_loss(usd(rng, 1_200.0, 1.1), currency), None),
        Method::Cash => (round_loss(usd(rng, 5_000.0, 0.9), currency), None),
        Method::WireTransfer | Method::BankTransfer | Method::PaymentApp | Method::Other => {
            let (median, sigma) = match method {
                Method::WireTransfer => (2_000.0, 1.1),
                Method::BankTransfer => (1_500.0, 1.1),
                Method::PaymentApp => (500.0, 0.9),
                _ => (300.0, 1.0),
            };
            let local = usd(rng, median, sigma);
            if chance(rng, 0.5) || !currency.cents {
                (round_loss(local, currency), None)
            } else {
                (Money::from_major(local, currency), None)
            }
        }
        Method::Nothing => (Money { minor: 0, currency }, None),
    }
}

const BECH32: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const BASE58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const HEX: &[u8; 16] = b"0123456789abcdef";

/// A syntactically plausible wallet address: bech32 Bitcoin, Ethereum, or TRON (USDT).
pub(crate) fn wallet(rng: &mut DemoRng) -> String {
    let kind = rng.random_range(0..20);
    let mut draw = |prefix: &str, alphabet: &[u8], len: usize| {
        let body: String = (0..len)
            .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
            .collect();
        format!("{prefix}{body}")
    };
    match kind {
        0..=13 => draw("bc1q", BECH32, 38),
        14..=16 => draw("0x", HEX, 40),
        _ => draw("T", BASE58, 33),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locale::{JPY, USD};
    use rand::SeedableRng;

    #[test]
    fn fields_have_at_most_two_decimals() {
        let m = |minor| Money {
            minor,
            currency: &USD,
        };
        assert_eq!(m(50_000).field(), "500");
        assert_eq!(m(129_999).field(), "1299.99");
        assert_eq!(m(129_905).field(), "1299.05");
        let yen = Money {
            minor: 50_000,
            currency: &JPY,
        };
        assert_eq!(yen.field(), "50000");
        assert_eq!(group(1_234_567, ","), "1,234,567");
        assert_eq!(group(999, ","), "999");
    }

    #[test]
    fn gift_card_totals_match_the_cards() {
        let mut rng = DemoRng::seed_from_u64(9);
        for _ in 0..200 {
            let (total, cards) = loss(&mut rng, Method::GiftCard, 1.0, &USD, "Steam");
            let cards = cards.expect("gift cards");
            assert_eq!(total.minor, cards.count * cards.each.minor);
        }
    }

    #[test]
    fn wallets_look_like_wallets() {
        let mut rng = DemoRng::seed_from_u64(10);
        for _ in 0..100 {
            let w = wallet(&mut rng);
            assert!(
                (w.starts_with("bc1q") && w.len() == 42)
                    || (w.starts_with("0x") && w.len() == 42)
                    || (w.starts_with('T') && w.len() == 34),
                "{w}"
            );
        }
    }
}
