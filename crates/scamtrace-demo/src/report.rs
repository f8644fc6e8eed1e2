//! Turns one victim's draw from a scammer's profile and pools into the JSON object the ScamTrace
//! API accepts at `POST /api/v1/reports`: only its fields, never `null`, empty parts left out.

use rand::Rng;
use serde_json::{Map, Value, json};

use crate::brands::Brand;
use crate::calendar::{Day, FIRST_DAY, LAST_DAY};
use crate::locale::{self, GLOBAL_COUNTRIES, Lang};
use crate::money::{self, Method};
use crate::narrative::{self, Loss, Story, StoryPhone};
use crate::operations::{Pools, Profile};
use crate::people;
use crate::phones;
use crate::random::{DemoRng, chance, pick, pick_weighted, skewed, unit};
use crate::remote::{Tool, written_id};
use crate::sites::written_site;

/// How the scammer first reached the victim (`contact_method`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Contact {
    PhoneCall,
    Popup,
    Email,
    Sms,
    SearchResult,
    SocialMedia,
    Other,
}

impl Contact {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Contact::PhoneCall => "phone_call",
            Contact::Popup => "popup",
            Contact::Email => "email",
            Contact::Sms => "sms",
            Contact::SearchResult => "search_result",
            Contact::SocialMedia => "social_media",
            Contact::Other => "other",
        }
    }
}

/// When in the scammer's timeline this victim falls.
#[derive(Clone, Copy, Debug)]
pub(crate) enum When {
    /// The `rank`-th of `size` victims of an operation: dates are stratified over its period.
    Rank {
        rank: usize,
        size: usize,
    },
    Anytime,
}

/// Where an indicator the victim remembered ends up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Placement {
    FieldOnly,
    Both,
    NarrativeOnly,
}

impl Placement {
    fn draw(rng: &mut DemoRng) -> Placement {
        *pick_weighted(
            rng,
            &[
                (Placement::FieldOnly, 25),
                (Placement::Both, 55),
                (Placement::NarrativeOnly, 20),
            ],
        )
    }

    fn in_field(self) -> bool {
        self != Placement::NarrativeOnly
    }

    fn in_story(self) -> bool {
        self != Placement::FieldOnly
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Phone,
    Site,
    Remote,
    Email,
}

/// Indicators this victim remembered, drawn from the scammer's pools.
#[derive(Default)]
struct Remembered<'a> {
    phones: Vec<&'a String>,
    domains: Vec<&'a String>,
    emails: Vec<&'a String>,
    remote: Option<&'a (String, String)>,
}

impl Remembered<'_> {
    fn is_empty(&self) -> bool {
        self.phones.is_empty()
            && self.domains.is_empty()
            && self.emails.is_empty()
            && self.remote.is_none()
    }
}

/// The order in which an operation's victims come to know its numbers, sites, remote-access ids
/// and mailboxes: round robin over the pools, main entries first.
fn introduction_order(pools: &Pools<'_>) -> Vec<(Kind, usize)> {
    let lengths = [
        (Kind::Phone, pools.phones.len()),
        (Kind::Site, pools.domains.len()),
        (Kind::Remote, pools.remote.len()),
        (Kind::Email, pools.emails.len()),
    ];
    let longest = lengths.iter().map(|(_, n)| *n).max().unwrap_or(0);
    (0..longest)
        .flat_map(|i| {
            lengths
                .iter()
                .filter(move |(_, n)| i < *n)
                .map(move |(kind, _)| (*kind, i))
        })
        .collect()
}

/// What the victim of rank `rank` (of `size`) may know of its operation's pools, and the value
/// its report introduces. Victims only ever quote values that some earlier victim's report
/// quoted together with the operation's main number: in real data an operation's reports hang
/// together because victims overlap in what they remember, and the demo's operations are meant
/// to be recoverable as one cluster each. The `rank`-th value (from the second on) is introduced
/// by the report of that rank, alongside the main number; values no report of the operation
/// introduces are never quoted.
fn known_pools<'a>(
    pools: &Pools<'a>,
    rank: usize,
    size: usize,
) -> (Pools<'a>, Option<(Kind, usize)>) {
    let order = introduction_order(pools);
    if pools.phones.is_empty() || order.is_empty() {
        return (*pools, None);
    }
    let known = &order[..order.len().min(size.max(1))];
    let count = |kind: Kind| known.iter().filter(|(k, _)| *k == kind).count();
    let restricted = Pools {
        phones: &pools.phones[..count(Kind::Phone)],
        domains: &pools.domains[..count(Kind::Site)],
        emails: &pools.emails[..count(Kind::Email)],
        remote: &pools.remote[..count(Kind::Remote)],
        wallets: pools.wallets,
    };
    let introduces = (rank >= 1 && rank < known.len()).then(|| known[rank]);
    (restricted, introduces)
}

/// Zero to three indicators; which kinds depends on how the scam reached the victim.
fn remember<'a>(
    rng: &mut DemoRng,
    pools: &Pools<'a>,
    contact: Contact,
    when: When,
) -> Remembered<'a> {
    let mut out = Remembered::default();
    let mut count = *pick_weighted(rng, &[(0usize, 10), (1, 40), (2, 32), (3, 18)]);
    let (known, introduces) = match when {
        When::Rank { rank, size } => known_pools(pools, rank, size),
        When::Anytime => (*pools, None),
    };
    let pools = &known;
    if let Some((kind, i)) = introduces {
        out.phones.push(&pools.phones[0]);
        match kind {
            Kind::Phone => push_new(&mut out.phones, pools.phones.get(i)),
            Kind::Site => push_new(&mut out.domains, pools.domains.get(i)),
            Kind::Email => push_new(&mut out.emails, pools.emails.get(i)),
            Kind::Remote => out.remote = pools.remote.get(i),
        }
        count = count.saturating_sub(2);
    }
    let (phone_w, site_w, email_w) = match contact {
        Contact::Popup => (12, 4, 1),
        Contact::PhoneCall => (12, 2, 1),
        Contact::SearchResult => (10, 7, 1),
        Contact::Email => (6, 6, 5),
        Contact::Sms => (8, 5, 1),
        Contact::SocialMedia => (8, 6, 1),
        Contact::Other => (8, 3, 1),
    };
    let weight = |present: bool, w: u32| if present { w } else { 0 };
    let kinds = [
        (Kind::Phone, weight(!pools.phones.is_empty(), phone_w)),
        (Kind::Site, weight(!pools.domains.is_empty(), site_w)),
        (Kind::Remote, weight(!pools.remote.is_empty(), 5)),
        (Kind::Email, weight(!pools.emails.is_empty(), email_w)),
    ];
    if kinds.iter().all(|(_, w)| *w == 0) {
        return out;
    }
    for _ in 0..count {
        match pick_weighted(rng, &kinds) {
            Kind::Phone => push_new(&mut out.phones, skewed(rng, pools.phones)),
            Kind::Site => push_new(&mut out.domains, skewed(rng, pools.domains)),
            Kind::Email => push_new(&mut out.emails, skewed(rng, pools.emails)),
            Kind::Remote => out.remote = out.remote.or(skewed(rng, pools.remote)),
        }
    }
    out
}

fn push_new<'a>(list: &mut Vec<&'a String>, item: Option<&'a String>) {
    if let Some(item) = item
        && !list.contains(&item)
    {
        list.push(item);
    }
}

/// The report of one victim of `profile`'s scammer, and the E.164 of each scammer number its
/// narrative quotes.
pub(crate) fn victim(
    rng: &mut DemoRng,
    profile: &Profile,
    pools: &Pools<'_>,
    when: When,
) -> (Value, Vec<String>) {
    let country = profile.audience.country(rng);
    let lang = locale::language_for(rng, country, profile.audience.francophone());
    let currency = locale::currency_for(rng, country);
    let day = match when {
        When::Rank { rank, size } => profile.day_at((rank as f64 + unit(rng)) / size.max(1) as f64),
        When::Anytime => profile.day_at(unit(rng)),
    };
    let contact = *pick_weighted(rng, &profile.lures);
    let brand: Brand = if profile.brands.len() > 1 && chance(rng, 0.2) {
        profile.brands[1]
    } else {
        profile.brands[0]
    };

    let mut report = Map::new();
    if chance(rng, 0.9) {
        report.insert("occurred_on".into(), Value::String(day.iso()));
    }
    report.insert("country".into(), Value::String(country.into()));
    if let Some(tag) = locale::language_tag(rng, lang, country) {
        report.insert("language".into(), Value::String(tag.into()));
    }
    report.insert(
        "contact_method".into(),
        Value::String(contact.as_str().into()),
    );
    if chance(rng, 0.85) {
        report.insert(
            "impersonated_brand".into(),
            Value::String(brand.typed(rng, lang)),
        );
    }

    let remembered = remember(rng, pools, contact, when);
    let mut scammer = Scammer::default();
    let mut story_phone = None;
    for e164 in &remembered.phones {
        let placement = Placement::draw(rng);
        let written = phones::written(rng, e164, lang, country);
        if placement.in_story() && story_phone.is_none() {
            // Victims often write the number differently in the story than in the field.
            let written = if chance(rng, 0.5) {
                written.clone()
            } else {
                phones::written(rng, e164, lang, country)
            };
            story_phone = Some(StoryPhone {
                written,
                e164: (*e164).clone(),
            });
        }
        if placement.in_field() {
            scammer.phone_numbers.push(written);
        }
    }
    let mut story_site = None;
    for domain in &remembered.domains {
        let placement = Placement::draw(rng);
        if placement.in_story() && story_site.is_none() {
            story_site = Some(written_site(rng, domain));
        }
        if placement.in_field() {
            scammer.websites.push(written_site(rng, domain));
        }
    }
    let mut story_email = None;
    for email in &remembered.emails {
        let placement = Placement::draw(rng);
        if placement.in_story() && story_email.is_none() {
            story_email = Some((*email).clone());
        }
        if placement.in_field() {
            scammer.emails.push((*email).clone());
        }
    }
    let mut story_alias = None;
    if chance(rng, 0.45)
        && let Some(alias) = skewed(rng, &profile.aliases)
    {
        let placement = Placement::draw(rng);
        if placement.in_field() {
            scammer.names.push((*alias).to_string());
        }
        if placement.in_story() {
            story_alias = Some((*alias).to_string());
        }
    }

    let (mut story_tool, mut story_remote_id) = (None, None);
    if let Some((tool, id)) = remembered.remote {
        let placement = Placement::draw(rng);
        if placement.in_field() {
            report.insert(
                "remote_access".into(),
                json!({ "tool": tool, "id": written_id(rng, id) }),
            );
        }
        if placement.in_story() {
            story_remote_id = Some(written_id(rng, id));
        }
        story_tool = Tool::from_name(tool).map(Tool::name);
    }

    // A wallet is quoted only beside something the victim remembered, which ties it to the
    // operation's other reports (see `known_pools`).
    let wallets: &[String] = match when {
        When::Rank { .. } if remembered.is_empty() => &[],
        _ => pools.wallets,
    };
    let (payment, loss) = payment(rng, profile, wallets, currency, lang);
    if story_tool.is_none() && (loss.is_some() || chance(rng, 0.4)) {
        story_tool = Some(pick_weighted(rng, &profile.tools).name());
    }
    if let Some(payment) = payment {
        report.insert("payment".into(), payment);
    }
    if let Some(scammer) = scammer.into_value() {
        report.insert("scammer".into(), scammer);
    }

    let story = Story {
        lang,
        country,
        currency,
        contact,
        day: Some(day),
        brand: brand.spoken(rng, lang),
        phone: story_phone,
        site: story_site,
        email: story_email,
        alias: story_alias,
        tool: story_tool,
        remote_id: story_remote_id,
        loss,
    };
    let narrative = narrative::write(rng, &story);
    report.insert("narrative".into(), Value::String(narrative.text));
    if chance(rng, 0.6) {
        report.insert("reporter".into(), people::reporter(rng, lang, country));
    }
    (Value::Object(report), narrative.planted_phones)
}

/// The `payment` object (if the victim filled it in) and the loss as the story tells it.
fn payment(
    rng: &mut DemoRng,
    profile: &Profile,
    wallets: &[String],
    currency: &'static locale::Currency,
    lang: Lang,
) -> (Option<Value>, Option<Loss>) {
    let roll = unit(rng);
    if roll >= profile.paid_share {
        // Hung up in time: half say so in the form, half leave payment out.
        let field = (roll < profile.paid_share + (1.0 - profile.paid_share) / 2.0)
            .then(|| json!({ "method": Method::Nothing.as_str() }));
        return (field, None);
    }
    let method = *pick_weighted(rng, &profile.methods);
    let card_brand = *pick(rng, &profile.card_brands);
    let (amount, cards) = money::loss(rng, method, profile.loss_scale, currency, card_brand);
    let wallet = if method == Method::Crypto && chance(rng, 0.75) {
        skewed(rng, wallets).cloned()
    } else {
        None
    };
    let mut field = Map::new();
    field.insert("method".into(), Value::String(method.as_str().into()));
    field.insert("amount".into(), Value::String(amount.field()));
    field.insert("currency".into(), Value::String(currency.code.into()));
    let details = match (&cards, &wallet) {
        (Some(cards), _) if chance(rng, 0.7) => Some(cards.written(rng, lang)),
        (_, Some(wallet)) if chance(rng, 0.7) => Some(wallet.clone()),
        _ if chance(rng, 0.3) => {
            Some(pick(rng, narrative::phrasebook(lang).paid_how_for(method)).to_string())
        }
        _ => None,
    };
    if let Some(details) = details {
        field.insert("details".into(), Value::String(details));
    }
    let loss = Loss {
        method,
        amount: amount.written(rng, lang),
        cards: cards.map(|c| c.written(rng, lang)),
        wallet: wallet.filter(|_| chance(rng, 0.8)),
    };
    (Some(Value::Object(field)), Some(loss))
}

#[derive(Default)]
struct Scammer {
    phone_numbers: Vec<String>,
    websites: Vec<String>,
    emails: Vec<String>,
    names: Vec<String>,
}

impl Scammer {
    /// The `scammer` object without empty arrays, or `None` when the victim gave nothing.
    fn into_value(self) -> Option<Value> {
        let mut map = Map::new();
        for (key, list) in [
            ("phone_numbers", self.phone_numbers),
            ("websites", self.websites),
            ("emails", self.emails),
            ("names", self.names),
        ] {
            if !list.is_empty() {
                map.insert(key.into(), json!(list));
            }
        }
        (!map.is_empty()).then_some(Value::Object(map))
    }
}

/// A report that is not about a scam at all: "test", a printer question, spam.
pub(crate) fn noise(rng: &mut DemoRng) -> Value {
    let country = *pick_weighted(rng, GLOBAL_COUNTRIES);
    let lang = locale::language_for(rng, country, false);
    let contact = *pick_weighted(
        rng,
        &[
            (Contact::Other, 60),
            (Contact::Email, 15),
            (Contact::PhoneCall, 15),
            (Contact::Popup, 10),
        ],
    );
    let mut report = Map::new();
    if chance(rng, 0.5) {
        let span = LAST_DAY.0 - FIRST_DAY.0;
        let day = Day(FIRST_DAY.0 + rng.random_range(0..=span));
        report.insert("occurred_on".into(), Value::String(day.iso()));
    }
    report.insert("country".into(), Value::String(country.into()));
    if chance(rng, 0.5)
        && let Some(tag) = locale::language_tag(rng, lang, country)
    {
        report.insert("language".into(), Value::String(tag.into()));
    }
    report.insert(
        "contact_method".into(),
        Value::String(contact.as_str().into()),
    );
    report.insert(
        "narrative".into(),
        Value::String(narrative::noise(rng, lang)),
    );
    if chance(rng, 0.3) {
        report.insert("reporter".into(), people::reporter(rng, lang, country));
    }
    Value::Object(report)
}
