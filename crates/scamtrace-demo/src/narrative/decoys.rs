//! Numbers in a story that are not the scammer's: order numbers, case ids, times, dates,
//! postcodes and prices. They are what makes extracting indicators from free text hard.

use rand::Rng;

use crate::calendar::Day;
use crate::locale::{Currency, Lang};
use crate::money::decoy_price;
use crate::phones::fullwidth;
use crate::random::{DemoRng, chance, digits, pick};

/// An Amazon-style order number: `112-4455661-2233445`.
pub(super) fn order(rng: &mut DemoRng) -> String {
    format!(
        "{}-{}-{}",
        rng.random_range(100..1000),
        digits(rng, 7),
        digits(rng, 7)
    )
}

/// A "case number" the fake technician gave.
pub(super) fn case(rng: &mut DemoRng, day: Option<Day>) -> String {
    let year = day.map_or(2025, |d| d.ymd().0);
    match rng.random_range(0..5) {
        0 => format!("{year}-{}-{}", digits(rng, 2), digits(rng, 4)),
        1 => format!("#{}", digits(rng, 7)),
        2 => format!("CASE-{}", digits(rng, 5)),
        3 => format!("TK{}", digits(rng, 6)),
        _ => format!("SR-{}-{}", digits(rng, 4), digits(rng, 3)),
    }
}

pub(super) fn time(rng: &mut DemoRng, lang: Lang) -> String {
    let hour = rng.random_range(8..22u32);
    let minute = *pick(rng, &[0u32, 10, 15, 20, 30, 45, 50]);
    let h12 = if hour > 12 { hour - 12 } else { hour };
    let meridiem = if hour >= 12 { "pm" } else { "am" };
    match lang {
        Lang::En => match rng.random_range(0..4) {
            0 => format!("{h12}:{minute:02} {meridiem}"),
            1 => format!("{h12}:{minute:02}{meridiem}"),
            2 => format!("{h12} {}", meridiem.to_uppercase()),
            _ => format!("{hour}:{minute:02}"),
        },
        Lang::De => {
            if chance(rng, 0.5) {
                format!("{hour}:{minute:02} Uhr")
            } else {
                format!("{hour} Uhr")
            }
        }
        Lang::Es => format!("{hour}:{minute:02}"),
        Lang::Fr => {
            if minute == 0 {
                format!("{hour}h")
            } else {
                format!("{hour}h{minute:02}")
            }
        }
        Lang::Ja => {
            let text = match rng.random_range(0..3) {
                0 if hour >= 12 => format!("午後{h12}時"),
                0 => format!("午前{hour}時"),
                1 => format!("{hour}時{minute}分"),
                _ => format!("{hour}:{minute:02}"),
            };
            if chance(rng, 0.2) {
                fullwidth(&text)
            } else {
                text
            }
        }
    }
}

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DE_MONTHS: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];
const ES_MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];
const FR_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// The day it happened, in the local way of writing dates.
pub(super) fn day(rng: &mut DemoRng, lang: Lang, country: &str, day: Day) -> String {
    let (y, m, d) = day.ymd();
    let month = (m as usize).saturating_sub(1).min(11);
    match lang {
        Lang::En if country == "US" => match rng.random_range(0..5) {
            0 => format!("{m}/{d}"),
            1 => format!("{} {d}", EN_MONTHS[month]),
            2 => format!("{m:02}/{d:02}/{y}"),
            3 => format!("{} {d}th", EN_MONTHS[month]),
            _ => format!("{m}/{d}/{}", y % 100),
        },
        Lang::En => match rng.random_range(0..4) {
            0 => format!("{d:02}/{m:02}/{y}"),
            1 => format!("{d} {}", EN_MONTHS[month]),
            2 => format!("{d}/{m}"),
            _ => format!("{d} {} {y}", EN_MONTHS[month]),
        },
        Lang::De => match rng.random_range(0..3) {
            0 => format!("{d:02}.{m:02}.{y}"),
            1 => format!("{d}. {}", DE_MONTHS[month]),
            _ => format!("{d}.{m}."),
        },
        Lang::Es => {
            if chance(rng, 0.5) {
                format!("{d:02}/{m:02}/{y}")
            } else {
                format!("{d} de {}", ES_MONTHS[month])
            }
        }
        Lang::Fr => {
            if chance(rng, 0.5) {
                format!("{d:02}/{m:02}/{y}")
            } else {
                format!("{d} {}", FR_MONTHS[month])
            }
        }
        Lang::Ja => {
            let text = if chance(rng, 0.5) {
                format!("{m}月{d}日")
            } else {
                format!("{y}年{m}月{d}日")
            };
            if chance(rng, 0.25) {
                fullwidth(&text)
            } else {
                text
            }
        }
    }
}

fn letter(rng: &mut DemoRng) -> char {
    char::from(b'A' + rng.random_range(0..26u8))
}

/// A postcode shaped like the victim's country's (random, so rarely a real one).
pub(super) fn postcode(rng: &mut DemoRng, country: &str) -> String {
    match country {
        "US" if chance(rng, 0.2) => format!("{}-{}", digits(rng, 5), digits(rng, 4)),
        "US" | "DE" | "ES" | "FR" => digits(rng, 5),
        "CA" => format!(
            "{}{}{} {}{}{}",
            letter(rng),
            digits(rng, 1),
            letter(rng),
            digits(rng, 1),
            letter(rng),
            digits(rng, 1)
        ),
        "GB" => format!(
            "{}{}{} {}{}{}",
            letter(rng),
            letter(rng),
            rng.random_range(1..20),
            digits(rng, 1),
            letter(rng),
            letter(rng)
        ),
        "JP" => format!("〒{}-{}", digits(rng, 3), digits(rng, 4)),
        "IN" => digits(rng, 6),
        "IE" => format!("D{} {}{}", digits(rng, 2), letter(rng), digits(rng, 3)),
        _ => digits(rng, 4),
    }
}

/// Where the victim bought the cards, in their country's words.
pub(super) fn store(rng: &mut DemoRng, lang: Lang, country: &str) -> &'static str {
    let stores: &[&str] = match (lang, country) {
        (Lang::De, _) => &["bei Rewe", "bei Lidl", "an der Tankstelle", "im Supermarkt"],
        (Lang::Es, _) => &["en un estanco", "en el Carrefour", "en una gasolinera"],
        (Lang::Fr, "CA") => &["au dépanneur", "chez Jean Coutu", "au Walmart"],
        (Lang::Fr, _) => &[
            "dans un bureau de tabac",
            "au Carrefour",
            "dans une station-service",
        ],
        (Lang::Ja, _) => &["コンビニ", "セブンイレブン", "ローソン", "ファミリーマート"],
        (Lang::En, "US") => &[
            "Walgreens",
            "CVS",
            "Target",
            "Walmart",
            "Best Buy",
            "a gas station",
            "Kroger",
            "Dollar General",
        ],
        (Lang::En, "CA") => &[
            "Shoppers Drug Mart",
            "Walmart",
            "Canadian Tire",
            "a gas station",
        ],
        (Lang::En, "GB") => &["Tesco", "Sainsbury's", "Boots", "the corner shop", "Asda"],
        (Lang::En, "AU") => &["Woolworths", "Coles", "the servo", "JB Hi-Fi"],
        (Lang::En, "IE") => &["Tesco", "Spar", "Centra"],
        (Lang::En, "NZ") => &["Countdown", "the dairy", "Warehouse"],
        (Lang::En, _) => &["the shop", "a supermarket"],
    };
    pick::<&str>(rng, stores)
}

pub(super) fn price(rng: &mut DemoRng, lang: Lang, currency: &'static Currency) -> String {
    decoy_price(rng, currency).written(rng, lang)
}
