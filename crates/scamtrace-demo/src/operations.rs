//! Planning the scam operations ("call centres"): how many, how big (a few large, many small),
//! which market and brands each works, when it was active, its habits, and its own pools of
//! callback numbers, domains, mailboxes, remote-access ids and wallets.

use std::collections::BTreeSet;

use rand::Rng;

use crate::brands::{Angle, Brand};
use crate::calendar::{Day, FIRST_DAY, LAST_DAY};
use crate::locale::{GLOBAL_COUNTRIES, Lang};
use crate::money::{self, Method};
use crate::people;
use crate::phones::NumberPlan;
use crate::random::{DemoRng, chance, exp, ln, normal, pick, pick_weighted, unit};
use crate::remote::{TOOL_POPULARITY, Tool};
use crate::report::Contact;
use crate::sites;
use crate::unique::{Namespace, Serials};

/// One scam operation: its ground-truth index and the indicator pools its victims draw from.
///
/// A victim's report carries zero to three of these indicators, so reports of one operation link
/// up through overlapping pools; small operations may leave some pool entries unused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    /// Position in [`crate::Demo::operations`], and the value of [`crate::DemoReport::operation`].
    pub index: usize,
    /// A made-up code name ("Amber Falcon").
    pub name: String,
    /// Canonical names of the brands it impersonates, main brand first.
    pub brands: Vec<String>,
    /// Callback numbers, E.164 (`+18885550142`), main number first.
    pub phone_numbers: Vec<String>,
    /// Its websites' domains.
    pub domains: Vec<String>,
    /// Mailboxes at its domains.
    pub emails: Vec<String>,
    /// `(tool, id)` pairs, ids without spaces (`("AnyDesk", "123456789")`).
    pub remote_access: Vec<(String, String)>,
    /// Crypto wallet addresses it collects payments on.
    pub wallets: Vec<String>,
    /// Exactly how many reports of the demo belong to it.
    pub size_hint: usize,
    /// First day of its active period (`YYYY-MM-DD`); its victims' dates fall in the period.
    pub active_from: String,
    /// Last day of its active period (`YYYY-MM-DD`).
    pub active_until: String,
}

/// Where an operation finds its victims.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Market {
    NorthAmerica,
    Anglosphere,
    Britain,
    Australasia,
    German,
    Japan,
    Spanish,
    French,
}

const MARKETS: &[(Market, u32)] = &[
    (Market::NorthAmerica, 45),
    (Market::Anglosphere, 20),
    (Market::Britain, 8),
    (Market::Australasia, 6),
    (Market::German, 7),
    (Market::Japan, 6),
    (Market::Spanish, 4),
    (Market::French, 4),
];

impl Market {
    fn victims(self) -> &'static [(&'static str, u32)] {
        match self {
            Market::NorthAmerica => &[("US", 85), ("CA", 12), ("GB", 1), ("AU", 1), ("IN", 1)],
            Market::Anglosphere => &[
                ("US", 45),
                ("GB", 22),
                ("AU", 14),
                ("CA", 8),
                ("IE", 4),
                ("NZ", 4),
                ("IN", 3),
            ],
            Market::Britain => &[("GB", 72), ("IE", 10), ("US", 10), ("AU", 6), ("NZ", 2)],
            Market::Australasia => &[("AU", 78), ("NZ", 16), ("GB", 4), ("US", 2)],
            Market::German => &[("DE", 92), ("US", 4), ("GB", 4)],
            Market::Japan => &[("JP", 96), ("US", 4)],
            Market::Spanish => &[("ES", 88), ("US", 8), ("GB", 4)],
            Market::French => &[("FR", 55), ("CA", 45)],
        }
    }

    /// The market a one-off scammer targeting `country` works.
    fn of_country(country: &str) -> Market {
        match country {
            "GB" | "IE" => Market::Britain,
            "AU" | "NZ" => Market::Australasia,
            "IN" => Market::Anglosphere,
            "DE" => Market::German,
            "JP" => Market::Japan,
            "ES" => Market::Spanish,
            "FR" => Market::French,
            _ => Market::NorthAmerica,
        }
    }

    fn phone_plans(self) -> &'static [(NumberPlan, u32)] {
        match self {
            Market::NorthAmerica | Market::Anglosphere => &[(NumberPlan::UsTollFree, 1)],
            Market::Britain => &[(NumberPlan::UkFreephone, 70), (NumberPlan::UsTollFree, 30)],
            Market::Australasia => &[(NumberPlan::AuFreecall, 65), (NumberPlan::UsTollFree, 35)],
            Market::German | Market::Spanish => {
                &[(NumberPlan::UsTollFree, 70), (NumberPlan::UkFreephone, 30)]
            }
            Market::French => &[(NumberPlan::UsTollFree, 85), (NumberPlan::UkFreephone, 15)],
            Market::Japan => &[(NumberPlan::JpFreeDial, 45), (NumberPlan::JpIpPhone, 55)],
        }
    }

    fn brands(self) -> &'static [(Brand, u32)] {
        use Brand::*;
        match self {
            Market::NorthAmerica => &[
                (Microsoft, 44),
                (Amazon, 24),
                (Apple, 6),
                (Google, 2),
                (Norton, 5),
                (McAfee, 4),
                (GeekSquad, 6),
                (PayPal, 4),
                (BankOfAmerica, 2),
                (WellsFargo, 2),
                (Chase, 1),
            ],
            Market::Anglosphere => &[
                (Microsoft, 46),
                (Amazon, 26),
                (Apple, 6),
                (Norton, 5),
                (McAfee, 5),
                (PayPal, 5),
                (GeekSquad, 3),
                (Google, 2),
                (Hsbc, 2),
            ],
            Market::Britain => &[
                (Microsoft, 42),
                (Amazon, 28),
                (Apple, 5),
                (Norton, 5),
                (McAfee, 5),
                (PayPal, 5),
                (Hsbc, 5),
                (Barclays, 5),
            ],
            Market::Australasia => &[
                (Microsoft, 45),
                (Amazon, 25),
                (Apple, 6),
                (Norton, 6),
                (PayPal, 6),
                (CommonwealthBank, 8),
            ],
            Market::German => &[
                (Microsoft, 55),
                (Amazon, 22),
                (PayPal, 6),
                (Norton, 3),
                (McAfee, 4),
                (Sparkasse, 5),
                (DeutscheBank, 5),
            ],
            Market::Japan => &[
                (Microsoft, 70),
                (Apple, 10),
                (Amazon, 10),
                (Norton, 5),
                (McAfee, 5),
            ],
            Market::Spanish => &[
                (Microsoft, 50),
                (Amazon, 24),
                (PayPal, 6),
                (Santander, 10),
                (Bbva, 10),
            ],
            Market::French => &[
                (Microsoft, 55),
                (Amazon, 25),
                (Apple, 5),
                (PayPal, 5),
                (Rbc, 5),
                (TdBank, 5),
            ],
        }
    }

    fn card_brands(self) -> &'static [&'static str] {
        match self {
            Market::NorthAmerica | Market::Anglosphere => money::CARD_BRANDS_NORTH_AMERICA,
            Market::Britain | Market::Australasia => money::CARD_BRANDS_COMMONWEALTH,
            Market::German | Market::Spanish => money::CARD_BRANDS_EUROPE,
            Market::French => money::CARD_BRANDS_FRANCE,
            Market::Japan => money::CARD_BRANDS_JAPAN,
        }
    }

    fn lang(self) -> Lang {
        match self {
            Market::German => Lang::De,
            Market::Japan => Lang::Ja,
            Market::Spanish => Lang::Es,
            Market::French => Lang::Fr,
            _ => Lang::En,
        }
    }
}

/// Who a profile's victims are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Audience {
    Market(Market),
    /// A one-off scam has exactly one victim, already placed in a country.
    Country(&'static str),
}

impl Audience {
    pub(crate) fn country(self, rng: &mut DemoRng) -> &'static str {
        match self {
            Audience::Market(market) => pick_weighted::<&str>(rng, market.victims()),
            Audience::Country(country) => country,
        }
    }

    pub(crate) fn francophone(self) -> bool {
        self == Audience::Market(Market::French)
    }
}

/// How victims' dates spread over an operation's active period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Trend {
    Steady,
    /// More victims each month: the density rises linearly.
    Growing,
    /// Most victims early on, then it winds down.
    Fading,
}

/// An operation's (or a one-off scammer's) habits, which shape its victims' reports.
#[derive(Clone, Debug)]
pub(crate) struct Profile {
    pub(crate) audience: Audience,
    pub(crate) brands: Vec<Brand>,
    pub(crate) lures: Vec<(Contact, u32)>,
    pub(crate) tools: Vec<(Tool, u32)>,
    pub(crate) methods: Vec<(Method, u32)>,
    pub(crate) card_brands: Vec<&'static str>,
    pub(crate) aliases: Vec<&'static str>,
    /// Multiplies every loss: some operations ask for far more than others.
    pub(crate) loss_scale: f64,
    /// Share of victims who lose money.
    pub(crate) paid_share: f64,
    pub(crate) from: Day,
    pub(crate) until: Day,
    pub(crate) trend: Trend,
}

impl Profile {
    /// The day of the victim at quantile `q` (0..1) of the operation's timeline.
    pub(crate) fn day_at(&self, q: f64) -> Day {
        let q = q.clamp(0.0, 1.0);
        let shaped = match self.trend {
            Trend::Steady => q,
            Trend::Growing => q.sqrt(),
            Trend::Fading => 1.0 - (1.0 - q).sqrt(),
        };
        let span = f64::from(self.until.0 - self.from.0 + 1);
        let offset = ((shaped * span) as i32).min(self.until.0 - self.from.0);
        self.from.plus(offset)
    }
}

/// Borrowed indicator pools, for operations and one-offs alike.
#[derive(Clone, Copy)]
pub(crate) struct Pools<'a> {
    pub(crate) phones: &'a [String],
    pub(crate) domains: &'a [String],
    pub(crate) emails: &'a [String],
    pub(crate) remote: &'a [(String, String)],
    pub(crate) wallets: &'a [String],
}

impl Operation {
    pub(crate) fn pools(&self) -> Pools<'_> {
        Pools {
            phones: &self.phone_numbers,
            domains: &self.domains,
            emails: &self.emails,
            remote: &self.remote_access,
            wallets: &self.wallets,
        }
    }
}

/// How many operations a demo of `reports` reports has: about 12 + reports/40, capped at 60 for
/// demo-sized runs and growing slowly past that (about 260 for a million reports).
pub(crate) fn operation_count(reports: usize) -> usize {
    (12 + reports / 40).min(60 + reports / 5_000).min(300)
}

/// Zipf-like operation sizes summing to exactly `total`, largest first, at least 2 each when
/// there is room (an "operation" of one victim would be indistinguishable from a one-off).
fn sizes(rng: &mut DemoRng, total: usize, reports: usize) -> Vec<usize> {
    if total == 0 {
        return Vec::new();
    }
    let count = operation_count(reports).min((total / 3).max(1));
    let exponent = 0.85 + 0.15 * unit(rng);
    let weights: Vec<f64> = (0..count)
        .map(|rank| exp(-exponent * ln(rank as f64 + 1.0) + 0.25 * normal(rng)))
        .collect();
    let floor = 2.min(total / count);
    let spare = total - floor * count;
    let sum: f64 = weights.iter().sum();
    let quotas: Vec<f64> = weights.iter().map(|w| spare as f64 * w / sum).collect();
    let mut sizes: Vec<usize> = quotas.iter().map(|q| floor + *q as usize).collect();
    // Largest remainder: hand the leftover units to the biggest fractional parts.
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by(|&a, &b| {
        let fa = quotas[a] - quotas[a].floor();
        let fb = quotas[b] - quotas[b].floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    let assigned: usize = sizes.iter().sum();
    for &i in order.iter().cycle().take(total.saturating_sub(assigned)) {
        sizes[i] += 1;
    }
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    sizes
}

const CODE_ADJECTIVES: &[&str] = &[
    "Amber", "Blue", "Crimson", "Silent", "Midnight", "Copper", "Golden", "Hollow", "Iron", "Jade",
    "Lunar", "Marble", "Northern", "Onyx", "Pale", "Quiet", "Rusty", "Scarlet", "Tidal", "Velvet",
    "Wild", "Young", "Bright", "Dusky",
];
const CODE_NOUNS: &[&str] = &[
    "Falcon", "Harbor", "Lantern", "Orchid", "Pine", "Raven", "Anchor", "Bridge", "Comet", "Delta",
    "Ember", "Fox", "Glacier", "Heron", "Island", "Jackal", "Kestrel", "Lynx", "Meadow", "Nettle",
    "Otter", "Pylon", "Quarry", "Reef",
];

/// A code name unique within the demo (a permutation of the adjective/noun grid).
fn code_name(index: usize, seed: u64) -> String {
    let grid = (CODE_ADJECTIVES.len() * CODE_NOUNS.len()) as u64;
    let cell = crate::unique::Permutation::new(grid, seed ^ 0xC0DE).apply(index as u64) as usize;
    let name = format!(
        "{} {}",
        CODE_ADJECTIVES[cell / CODE_NOUNS.len()],
        CODE_NOUNS[cell % CODE_NOUNS.len()]
    );
    if (index as u64) < grid {
        name
    } else {
        format!("{name} {}", index as u64 / grid + 1)
    }
}

/// Lure mix for an operation whose main brand is `brand`, jittered per operation.
fn lures(rng: &mut DemoRng, brand: Brand) -> Vec<(Contact, u32)> {
    use Contact::*;
    let base: &[(Contact, u32)] = match brand.angle() {
        Angle::Tech if chance(rng, 0.2) && matches!(brand, Brand::Norton | Brand::McAfee) => &[
            (Email, 55),
            (PhoneCall, 18),
            (Popup, 12),
            (SearchResult, 5),
            (Other, 10),
        ],
        Angle::Tech => &[
            (Popup, 55),
            (PhoneCall, 18),
            (SearchResult, 10),
            (Email, 6),
            (Sms, 2),
            (SocialMedia, 3),
            (Other, 6),
        ],
        Angle::Retail => &[
            (PhoneCall, 45),
            (Popup, 15),
            (Sms, 15),
            (Email, 15),
            (SearchResult, 5),
            (Other, 5),
        ],
        Angle::Renewal => &[
            (Email, 55),
            (PhoneCall, 18),
            (Popup, 12),
            (SearchResult, 5),
            (Other, 10),
        ],
        Angle::Finance if brand == Brand::PayPal => &[
            (Email, 40),
            (Sms, 20),
            (PhoneCall, 25),
            (Popup, 10),
            (Other, 5),
        ],
        Angle::Finance => &[(PhoneCall, 60), (Sms, 25), (Email, 10), (Other, 5)],
    };
    jitter(rng, base)
}

fn jitter<T: Copy>(rng: &mut DemoRng, base: &[(T, u32)]) -> Vec<(T, u32)> {
    base.iter()
        .map(|(item, w)| {
            (
                *item,
                (f64::from(*w) * (0.6 + 0.8 * unit(rng))).round() as u32,
            )
        })
        .collect()
}

/// A preference table: one favourite (70), a runner-up (20), the rest now and then (2).
fn preferences<T: Copy + PartialEq>(
    rng: &mut DemoRng,
    popularity: &[(T, u32)],
    all: &[T],
) -> Vec<(T, u32)> {
    let first = *pick_weighted(rng, popularity);
    let second = *pick_weighted(rng, popularity);
    all.iter()
        .map(|item| {
            let weight = if *item == first {
                70
            } else if *item == second {
                20
            } else {
                2
            };
            (*item, weight)
        })
        .collect()
}

const PAID_METHODS: &[Method] = &[
    Method::GiftCard,
    Method::Crypto,
    Method::WireTransfer,
    Method::BankTransfer,
    Method::PaymentApp,
    Method::CreditCard,
    Method::Cash,
    Method::Other,
];

fn payment_habits(market: Market) -> &'static [(Method, u32)] {
    use Method::*;
    match market {
        Market::Japan => &[(GiftCard, 70), (BankTransfer, 20), (CreditCard, 10)],
        Market::German | Market::Spanish | Market::French => &[
            (BankTransfer, 35),
            (GiftCard, 30),
            (Crypto, 15),
            (WireTransfer, 10),
            (CreditCard, 10),
        ],
        _ => &[
            (GiftCard, 40),
            (Crypto, 20),
            (WireTransfer, 14),
            (BankTransfer, 10),
            (PaymentApp, 8),
            (CreditCard, 8),
        ],
    }
}

/// Draws a profile for a scammer working `audience`.
fn profile(rng: &mut DemoRng, audience: Audience, market: Market, main: Option<Brand>) -> Profile {
    let main = main.unwrap_or_else(|| *pick_weighted(rng, market.brands()));
    let mut brands = vec![main];
    if chance(rng, 0.3) {
        let second = *pick_weighted(rng, market.brands());
        if second != main {
            brands.push(second);
        }
    }
    let card_brands = vec![
        *pick(rng, market.card_brands()),
        *pick(rng, market.card_brands()),
    ];
    let alias_table = people::aliases(market.lang());
    let aliases = (0..rng.random_range(2..=5))
        .map(|_| *pick(rng, alias_table))
        .collect();
    Profile {
        audience,
        lures: lures(rng, main),
        tools: preferences(rng, TOOL_POPULARITY, &Tool::ALL),
        methods: preferences(rng, payment_habits(market), PAID_METHODS),
        brands,
        card_brands,
        aliases,
        loss_scale: exp(0.35 * normal(rng)),
        paid_share: 0.45 + 0.3 * unit(rng),
        from: FIRST_DAY,
        until: LAST_DAY,
        trend: Trend::Steady,
    }
}

/// The planned operations, their hidden profiles, and the serials they used.
pub(crate) struct Plan {
    pub(crate) operations: Vec<Operation>,
    pub(crate) profiles: Vec<Profile>,
    pub(crate) serials: Serials,
}

/// Plans the operations behind `total` operation reports of a `reports`-report demo.
pub(crate) fn plan(rng: &mut DemoRng, seed: u64, total: usize, reports: usize) -> Plan {
    let sizes = sizes(rng, total, reports);
    let largest = sizes.first().copied().unwrap_or(1).max(1);
    let mut serials = Serials::new(seed);
    let mut taken_domains = BTreeSet::new();
    let mut operations = Vec::with_capacity(sizes.len());
    let mut profiles = Vec::with_capacity(sizes.len());
    for (index, &size) in sizes.iter().enumerate() {
        // The biggest operations work North America and impersonate Microsoft or Amazon, which
        // keeps the victim mix (about 60% US) stable from seed to seed.
        let market = match index {
            0 | 1 => Market::NorthAmerica,
            2 | 3 if chance(rng, 0.6) => Market::NorthAmerica,
            2 | 3 => Market::Anglosphere,
            _ => *pick_weighted(rng, MARKETS),
        };
        let main = match index {
            0 | 1 => Some(if chance(rng, 0.6) {
                Brand::Microsoft
            } else {
                Brand::Amazon
            }),
            _ => None,
        };
        let mut profile = profile(rng, Audience::Market(market), market, main);
        active_period(rng, &mut profile, size as f64 / largest as f64);
        let operation = pools(
            rng,
            &mut serials,
            &mut taken_domains,
            &profile,
            market,
            index,
            size,
            seed,
        );
        operations.push(operation);
        profiles.push(profile);
    }
    Plan {
        operations,
        profiles,
        serials,
    }
}

/// Weeks to about 18 months; bigger operations tend to run longer. Growing operations are often
/// still active on the demo's last day.
fn active_period(rng: &mut DemoRng, profile: &mut Profile, share: f64) {
    let reach = share.sqrt().sqrt();
    let u = unit(rng);
    let days = 21 + (519.0 * reach * u * u.sqrt()) as i32;
    let latest_start = LAST_DAY.0 - days;
    let from = Day(rng.random_range(FIRST_DAY.0..=latest_start.max(FIRST_DAY.0)));
    profile.trend = *pick_weighted(
        rng,
        &[
            (Trend::Steady, 45),
            (Trend::Growing, 35),
            (Trend::Fading, 20),
        ],
    );
    let until = if profile.trend == Trend::Growing && chance(rng, 0.4) {
        LAST_DAY
    } else {
        from.plus(days).min(LAST_DAY)
    };
    let from = if until == LAST_DAY {
        Day(LAST_DAY.0 - days)
    } else {
        from
    };
    profile.from = from;
    profile.until = until;
}

#[allow(clippy::too_many_arguments)]
fn pools(
    rng: &mut DemoRng,
    serials: &mut Serials,
    taken_domains: &mut BTreeSet<String>,
    profile: &Profile,
    market: Market,
    index: usize,
    size: usize,
    seed: u64,
) -> Operation {
    let phone_numbers = (0..(1 + size / 25).min(14))
        .map(|_| {
            let plan = *pick_weighted(rng, market.phone_plans());
            plan.e164(serials.take(Namespace::Phone(plan)))
        })
        .collect();
    let domains: Vec<String> = (0..(1 + size / 45).min(8))
        .map(|_| {
            let brand = *pick(rng, &profile.brands);
            sites::operation_domain(rng, brand, taken_domains)
        })
        .collect();
    let email_weight = weight_of(&profile.lures, Contact::Email);
    let mailboxes = if email_weight >= 20 {
        (1 + size / 100).min(3)
    } else {
        usize::from(chance(rng, 0.4))
    };
    let emails = (0..mailboxes)
        .map(|_| {
            let domain = pick(rng, &domains).clone();
            sites::mailbox(rng, &domain)
        })
        .collect();
    let remote_access = (0..(1 + size / 35).min(10))
        .map(|_| {
            let tool = *pick_weighted(rng, &profile.tools);
            let id = tool.id(serials.take(tool.namespace()));
            (tool.name().to_string(), id)
        })
        .collect();
    let crypto = weight_of(&profile.methods, Method::Crypto);
    let wallet_count = match crypto {
        20.. => (1 + size / 60).min(8),
        1.. => 1,
        0 => 0,
    };
    let wallets = (0..wallet_count).map(|_| money::wallet(rng)).collect();
    Operation {
        index,
        name: code_name(index, seed),
        brands: profile
            .brands
            .iter()
            .map(|b| b.name().to_string())
            .collect(),
        phone_numbers,
        domains,
        emails,
        remote_access,
        wallets,
        size_hint: size,
        active_from: profile.from.iso(),
        active_until: profile.until.iso(),
    }
}

fn weight_of<T: PartialEq>(table: &[(T, u32)], item: T) -> u32 {
    table
        .iter()
        .find(|(t, _)| *t == item)
        .map_or(0, |(_, w)| *w)
}

/// A one-off scammer: one victim, its own never-reused indicators.
pub(crate) struct OneOff {
    pub(crate) profile: Profile,
    phones: Vec<String>,
    domains: Vec<String>,
    emails: Vec<String>,
    remote: Vec<(String, String)>,
    wallets: Vec<String>,
}

impl OneOff {
    /// The `j`-th one-off, with values reserved for it in every namespace.
    pub(crate) fn new(rng: &mut DemoRng, serials: &Serials, j: u64) -> OneOff {
        let country = *pick_weighted(rng, GLOBAL_COUNTRIES);
        let market = Market::of_country(country);
        let mut profile = profile(rng, Audience::Country(country), market, None);
        profile.trend = Trend::Growing;
        let phones = if chance(rng, 0.85) {
            let plan = *pick_weighted(rng, market.phone_plans());
            vec![plan.e164(serials.one_off(Namespace::Phone(plan), j))]
        } else {
            Vec::new()
        };
        let domains = if chance(rng, 0.45) {
            vec![sites::one_off_domain(
                serials.one_off(Namespace::OneOffDomain, j),
            )]
        } else {
            Vec::new()
        };
        let emails = match domains.first() {
            Some(domain) if chance(rng, 0.3) => vec![sites::mailbox(rng, domain)],
            _ => Vec::new(),
        };
        let remote = if chance(rng, 0.5) {
            let tool = *pick_weighted(rng, &profile.tools);
            let id = tool.id(serials.one_off(tool.namespace(), j));
            vec![(tool.name().to_string(), id)]
        } else {
            Vec::new()
        };
        let wallets = vec![money::wallet(rng)];
        OneOff {
            profile,
            phones,
            domains,
            emails,
            remote,
            wallets,
        }
    }

    pub(crate) fn pools(&self) -> Pools<'_> {
        Pools {
            phones: &self.phones,
            domains: &self.domains,
            emails: &self.emails,
            remote: &self.remote,
            wallets: &self.wallets,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn operation_counts_scale_with_the_demo() {
        assert_eq!(operation_count(0), 12);
        assert_eq!(operation_count(400), 22);
        assert_eq!(operation_count(2_000), 60);
        assert!(operation_count(1_000_000) <= 300);
        assert!(operation_count(1_000_000) > 200);
    }

    #[test]
    fn sizes_sum_exactly_and_are_sorted() {
        let mut rng = DemoRng::seed_from_u64(11);
        for (total, reports) in [
            (0, 0),
            (1, 1),
            (2, 3),
            (10, 12),
            (1_720, 2_000),
            (4_300, 5_000),
        ] {
            let s = sizes(&mut rng, total, reports);
            assert_eq!(s.iter().sum::<usize>(), total);
            assert!(s.windows(2).all(|w| w[0] >= w[1]));
        }
    }

    #[test]
    fn code_names_are_unique() {
        let names: BTreeSet<String> = (0..1_000).map(|i| code_name(i, 3)).collect();
        assert_eq!(names.len(), 1_000);
    }

    #[test]
    fn trends_keep_days_inside_the_period() {
        let mut rng = DemoRng::seed_from_u64(12);
        for trend in [Trend::Steady, Trend::Growing, Trend::Fading] {
            let mut p = profile(
                &mut rng,
                Audience::Market(Market::Japan),
                Market::Japan,
                None,
            );
            active_period(&mut rng, &mut p, 0.5);
            p.trend = trend;
            for q in [0.0, 0.001, 0.5, 0.999, 1.0] {
                let d = p.day_at(q);
                assert!(p.from <= d && d <= p.until);
            }
        }
    }
}
