//! Victims' stories: first-person narratives composed from per-language phrasebooks, in the many
//! ways real victims write (one line or several paragraphs, typos, lower case), mentioning the
//! scammer's numbers, sites and ids in varied formats next to decoys that are not indicators
//! (order numbers, case ids, times, dates, prices, postcodes, the victim's own number).

mod de;
mod decoys;
mod en;
mod es;
mod fr;
mod ja;
mod style;

use rand::Rng;

use crate::calendar::Day;
use crate::locale::{Currency, Lang};
use crate::money::Method;
use crate::random::{DemoRng, chance, pick, pick_weighted};
use crate::report::Contact;
use style::Style;

/// What happened, as the story will tell it. Indicators are already written the way this victim
/// writes them; `None` means the story leaves them out.
pub(crate) struct Story {
    pub(crate) lang: Lang,
    pub(crate) country: &'static str,
    pub(crate) currency: &'static Currency,
    pub(crate) contact: Contact,
    pub(crate) day: Option<Day>,
    pub(crate) brand: String,
    pub(crate) phone: Option<StoryPhone>,
    pub(crate) site: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) alias: Option<String>,
    pub(crate) tool: Option<&'static str>,
    pub(crate) remote_id: Option<String>,
    pub(crate) loss: Option<Loss>,
}

/// The scammer's number as this victim writes it in the story, and what it stands for.
pub(crate) struct StoryPhone {
    pub(crate) written: String,
    pub(crate) e164: String,
}

/// A finished story, with the ground truth of which scammer numbers it ended up quoting.
pub(crate) struct Narrative {
    pub(crate) text: String,
    /// E.164 of each scammer number written into `text`, once each, in order of first mention.
    pub(crate) planted_phones: Vec<String>,
}

/// Money the victim lost, written for the story.
pub(crate) struct Loss {
    pub(crate) method: Method,
    pub(crate) amount: String,
    pub(crate) cards: Option<String>,
    pub(crate) wallet: Option<String>,
}

type Group = &'static [&'static str];

/// One language's sentence fragments. Placeholders: `{brand}`, `{phone}`, `{site}`, `{email}`,
/// `{alias}`, `{tool}`, `{ra_id}`, `{amount}`, `{paid_how}`, `{cards}`, `{wallet}`, the local
/// `{store}`, and the decoys `{order}`, `{case}`, `{time}`, `{day}`, `{zip}`, `{price}`,
/// `{my_phone}`. A fragment is
/// only used when the story has every value it names.
pub(crate) struct Phrasebook {
    pub(crate) openings: Group,
    pub(crate) popup: Group,
    pub(crate) phone_call: Group,
    pub(crate) email: Group,
    pub(crate) sms: Group,
    pub(crate) search_result: Group,
    pub(crate) social_media: Group,
    pub(crate) other: Group,
    pub(crate) phone: Group,
    pub(crate) site: Group,
    pub(crate) email_address: Group,
    pub(crate) alias: Group,
    pub(crate) remote_id: Group,
    pub(crate) remote: Group,
    pub(crate) middle: Group,
    pub(crate) gift_cards: Group,
    pub(crate) crypto: Group,
    pub(crate) paid: Group,
    pub(crate) not_paid: Group,
    pub(crate) decoys: Group,
    pub(crate) endings: Group,
    pub(crate) short: Group,
    pub(crate) noise: Group,
    pub(crate) paid_how: fn(Method) -> Group,
    /// Between sentences ("" for Japanese, which ends sentences with 。).
    pub(crate) space: &'static str,
}

impl Phrasebook {
    /// Ways to say how the victim paid by `method` ("gift cards", "Western Union").
    pub(crate) fn paid_how_for(&self, method: Method) -> Group {
        (self.paid_how)(method)
    }
}

pub(crate) fn phrasebook(lang: Lang) -> &'static Phrasebook {
    match lang {
        Lang::En => &en::BOOK,
        Lang::De => &de::BOOK,
        Lang::Es => &es::BOOK,
        Lang::Fr => &fr::BOOK,
        Lang::Ja => &ja::BOOK,
    }
}

/// A noise report's narrative: "test", a printer question, spam.
pub(crate) fn noise(rng: &mut DemoRng, lang: Lang) -> String {
    pick(rng, phrasebook(lang).noise).to_string()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Length {
    Short,
    Medium,
    Long,
    /// The victim who tells everything, hour by hour.
    VeryLong,
}

/// Writes the victim's narrative for `story`.
pub(crate) fn write(rng: &mut DemoRng, story: &Story) -> Narrative {
    let book = phrasebook(story.lang);
    let mut w = Writer {
        story,
        book,
        style: Style::draw(rng, story.lang),
        used: Vec::new(),
        seen: Vec::new(),
        paragraphs: vec![Vec::new()],
        planted_phones: Vec::new(),
    };
    let length = *pick_weighted(
        rng,
        &[
            (Length::Short, 18),
            (Length::Medium, 50),
            (Length::Long, 27),
            (Length::VeryLong, 5),
        ],
    );
    match length {
        Length::Short => w.short(rng),
        Length::Medium => w.medium(rng),
        Length::Long => w.long(rng, 1),
        Length::VeryLong => w.long(rng, 3),
    }
    let planted_phones = std::mem::take(&mut w.planted_phones);
    let text = w.finish();
    if text.trim().is_empty() {
        // Unreachable with the shipped phrasebooks (every lure group has a brand-only fragment).
        Narrative {
            text: story.brand.clone(),
            planted_phones: Vec::new(),
        }
    } else {
        Narrative {
            text,
            planted_phones,
        }
    }
}

struct Writer<'a> {
    story: &'a Story,
    book: &'static Phrasebook,
    style: Style,
    /// Placeholders already mentioned, so an indicator is not repeated sentence after sentence.
    used: Vec<&'static str>,
    /// Fragments already used in this story.
    seen: Vec<&'static str>,
    paragraphs: Vec<Vec<String>>,
    /// E.164 of the scammer numbers rendered so far: the ground truth for phone extraction.
    planted_phones: Vec<String>,
}

impl Writer<'_> {
    fn short(&mut self, rng: &mut DemoRng) {
        // Prefer a one-liner that carries the number, since that is what short reports are for.
        let wants_phone = self.story.phone.is_some();
        let mut chosen = None;
        for _ in 0..6 {
            let candidate = *pick(rng, self.book.short);
            if self.renderable(candidate) && (!wants_phone || candidate.contains("{phone}")) {
                chosen = Some(candidate);
                break;
            }
        }
        match chosen {
            Some(template) => self.emit(rng, template),
            None => {
                if !self.say(rng, self.book.short) {
                    self.lure(rng);
                }
            }
        }
        if self.story.site.is_some() && !self.mentioned("site") && chance(rng, 0.4) {
            self.say(rng, self.book.site);
        }
    }

    fn medium(&mut self, rng: &mut DemoRng) {
        if chance(rng, 0.45) {
            self.say(rng, self.book.openings);
        }
        self.lure(rng);
        self.indicators(rng);
        for _ in 0..rng.random_range(0..=2) {
            self.say(rng, self.book.middle);
        }
        self.remote(rng);
        self.money(rng);
        if chance(rng, 0.4) {
            self.say(rng, self.book.decoys);
        }
        if chance(rng, 0.6) {
            self.say(rng, self.book.endings);
        }
    }

    /// Several paragraphs; `detail` multiplies the asides (middle sentences and decoys).
    fn long(&mut self, rng: &mut DemoRng, detail: usize) {
        self.say(rng, self.book.openings);
        self.lure(rng);
        for _ in 0..rng.random_range(1..=2 * detail) {
            self.say(rng, self.book.middle);
        }
        self.indicators(rng);
        self.paragraph();
        for _ in 0..rng.random_range(detail..=3 * detail) {
            self.say(rng, self.book.middle);
        }
        self.remote(rng);
        for _ in 0..rng.random_range(detail..=3 * detail) {
            self.say(rng, self.book.decoys);
        }
        self.paragraph();
        self.money(rng);
        if chance(rng, 0.5) {
            self.say(rng, self.book.middle);
        }
        if chance(rng, 0.5) {
            self.paragraph();
        }
        for _ in 0..rng.random_range(1..=2) {
            self.say(rng, self.book.endings);
        }
    }

    fn lure(&mut self, rng: &mut DemoRng) {
        let group = match self.story.contact {
            Contact::Popup => self.book.popup,
            Contact::PhoneCall => self.book.phone_call,
            Contact::Email => self.book.email,
            Contact::Sms => self.book.sms,
            Contact::SearchResult => self.book.search_result,
            Contact::SocialMedia => self.book.social_media,
            Contact::Other => self.book.other,
        };
        self.say(rng, group);
    }

    fn indicators(&mut self, rng: &mut DemoRng) {
        if self.story.phone.is_some() && !self.mentioned("phone") {
            self.say(rng, self.book.phone);
        }
        if self.story.site.is_some() && !self.mentioned("site") {
            self.say(rng, self.book.site);
        }
        if self.story.email.is_some() && !self.mentioned("email") {
            self.say(rng, self.book.email_address);
        }
        if self.story.alias.is_some() && chance(rng, 0.85) {
            self.say(rng, self.book.alias);
        }
    }

    fn remote(&mut self, rng: &mut DemoRng) {
        if self.mentioned("tool") {
            return;
        }
        if self.story.remote_id.is_some() {
            self.say(rng, self.book.remote_id);
        } else if self.story.tool.is_some() {
            self.say(rng, self.book.remote);
        }
    }

    fn money(&mut self, rng: &mut DemoRng) {
        let Some(loss) = &self.story.loss else {
            if chance(rng, 0.75) {
                self.say(rng, self.book.not_paid);
            }
            return;
        };
        if self.mentioned("amount") {
            return;
        }
        let said = match loss.method {
            Method::GiftCard if loss.cards.is_some() => self.say(rng, self.book.gift_cards),
            Method::Crypto => self.say(rng, self.book.crypto),
            _ => false,
        };
        if !said || chance(rng, 0.3) {
            self.say(rng, self.book.paid);
        }
    }

    fn paragraph(&mut self) {
        if self.paragraphs.last().is_some_and(|p| !p.is_empty()) {
            self.paragraphs.push(Vec::new());
        }
    }

    fn mentioned(&self, key: &str) -> bool {
        self.used.contains(&key)
    }

    /// Adds one fresh, renderable fragment of `group`; false when none fits this story.
    fn say(&mut self, rng: &mut DemoRng, group: Group) -> bool {
        // A few random tries keep this O(1) per sentence; the scan is the rare fallback.
        let mut chosen = None;
        for _ in 0..4 {
            let candidate = *pick(rng, group);
            if !self.seen.contains(&candidate) && self.renderable(candidate) {
                chosen = Some(candidate);
                break;
            }
        }
        let chosen = chosen.or_else(|| {
            group
                .iter()
                .copied()
                .find(|t| !self.seen.contains(t) && self.renderable(t))
        });
        match chosen {
            Some(template) => {
                self.emit(rng, template);
                true
            }
            None => false,
        }
    }

    fn emit(&mut self, rng: &mut DemoRng, template: &'static str) {
        self.seen.push(template);
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let (literal, after) = rest.split_at(open);
            out.push_str(&self.style.apply(rng, literal));
            let Some(close) = after.find('}') else {
                rest = after;
                break;
            };
            let key = &after[1..close];
            if let Some((key, value)) = self.value(rng, key) {
                out.push_str(&value);
                if key == "phone"
                    && let Some(phone) = &self.story.phone
                    && !self.planted_phones.contains(&phone.e164)
                {
                    self.planted_phones.push(phone.e164.clone());
                }
                if !self.used.contains(&key) {
                    self.used.push(key);
                }
            }
            rest = &after[close + 1..];
        }
        out.push_str(&self.style.apply(rng, rest));
        if let Some(paragraph) = self.paragraphs.last_mut() {
            paragraph.push(out);
        }
    }

    fn renderable(&self, template: &str) -> bool {
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                return false;
            };
            if !self.available(&after[..close]) {
                return false;
            }
            rest = &after[close + 1..];
        }
        true
    }

    fn available(&self, key: &str) -> bool {
        let s = self.story;
        match key {
            "brand" | "order" | "case" | "time" | "zip" | "price" | "store" => true,
            "phone" => s.phone.is_some(),
            "site" => s.site.is_some(),
            "email" => s.email.is_some(),
            "alias" => s.alias.is_some(),
            "tool" => s.tool.is_some(),
            "ra_id" => s.remote_id.is_some(),
            "amount" | "paid_how" => s.loss.is_some(),
            "cards" => s.loss.as_ref().is_some_and(|l| l.cards.is_some()),
            "wallet" => s.loss.as_ref().is_some_and(|l| l.wallet.is_some()),
            "day" => s.day.is_some(),
            "my_phone" => crate::phones::has_fictional(s.country),
            _ => false,
        }
    }

    /// The value for a placeholder, with the key as a `'static` name for bookkeeping.
    fn value(&self, rng: &mut DemoRng, key: &str) -> Option<(&'static str, String)> {
        let s = self.story;
        let lang = s.lang;
        Some(match key {
            "brand" => ("brand", s.brand.clone()),
            "phone" => ("phone", s.phone.as_ref()?.written.clone()),
            "site" => ("site", s.site.clone()?),
            "email" => ("email", s.email.clone()?),
            "alias" => ("alias", s.alias.clone()?),
            "tool" => ("tool", s.tool?.to_string()),
            "ra_id" => ("ra_id", s.remote_id.clone()?),
            "amount" => ("amount", s.loss.as_ref()?.amount.clone()),
            "paid_how" => {
                let method = s.loss.as_ref()?.method;
                (
                    "paid_how",
                    pick(rng, (self.book.paid_how)(method)).to_string(),
                )
            }
            "cards" => ("cards", s.loss.as_ref()?.cards.clone()?),
            "wallet" => ("wallet", s.loss.as_ref()?.wallet.clone()?),
            "order" => ("order", decoys::order(rng)),
            "case" => ("case", decoys::case(rng, s.day)),
            "time" => ("time", decoys::time(rng, lang)),
            "day" => ("day", decoys::day(rng, lang, s.country, s.day?)),
            "zip" => ("zip", decoys::postcode(rng, s.country)),
            "store" => ("store", decoys::store(rng, lang, s.country).to_string()),
            "price" => ("price", decoys::price(rng, lang, s.currency)),
            "my_phone" => ("my_phone", crate::phones::fictional(rng, s.country)?),
            _ => return None,
        })
    }

    fn finish(self) -> String {
        let space = self.book.space;
        let japanese = self.story.lang == Lang::Ja;
        let breaks = if japanese { "\n" } else { "\n\n" };
        self.paragraphs
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| {
                let sentences: Vec<String> = p
                    .iter()
                    .map(|s| {
                        // Japanese runs sentences together, so each needs its own full stop.
                        if japanese && !s.ends_with(['。', '！', '？', '」']) {
                            format!("{s}。")
                        } else {
                            s.clone()
                        }
                    })
                    .collect();
                sentences.join(space)
            })
            .collect::<Vec<_>>()
            .join(breaks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &[
        "brand", "phone", "site", "email", "alias", "tool", "ra_id", "amount", "paid_how", "cards",
        "wallet", "order", "case", "time", "day", "zip", "price", "my_phone", "store",
    ];
    const ALWAYS: &[&str] = &["brand", "order", "case", "time", "zip", "price", "store"];

    fn keys(template: &str) -> Vec<&str> {
        template
            .split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(k, _)| k))
            .collect()
    }

    fn groups(book: &Phrasebook) -> Vec<(&'static str, Group)> {
        vec![
            ("openings", book.openings),
            ("popup", book.popup),
            ("phone_call", book.phone_call),
            ("email", book.email),
            ("sms", book.sms),
            ("search_result", book.search_result),
            ("social_media", book.social_media),
            ("other", book.other),
            ("phone", book.phone),
            ("site", book.site),
            ("email_address", book.email_address),
            ("alias", book.alias),
            ("remote_id", book.remote_id),
            ("remote", book.remote),
            ("middle", book.middle),
            ("gift_cards", book.gift_cards),
            ("crypto", book.crypto),
            ("paid", book.paid),
            ("not_paid", book.not_paid),
            ("decoys", book.decoys),
            ("endings", book.endings),
            ("short", book.short),
            ("noise", book.noise),
        ]
    }

    #[test]
    fn phrasebooks_are_well_formed() {
        for lang in [Lang::En, Lang::De, Lang::Es, Lang::Fr, Lang::Ja] {
            let book = phrasebook(lang);
            for (name, group) in groups(book) {
                assert!(!group.is_empty(), "{lang:?} {name} is empty");
                for template in group {
                    assert_eq!(template.matches('{').count(), template.matches('}').count());
                    for key in keys(template) {
                        assert!(
                            KNOWN.contains(&key),
                            "{lang:?} {name}: {{{key}}} in {template}"
                        );
                    }
                }
            }
            // Every lure needs a fragment that works without any indicator.
            for (name, group) in groups(book).into_iter().skip(1).take(7) {
                assert!(
                    group
                        .iter()
                        .any(|t| keys(t).iter().all(|k| ALWAYS.contains(k))),
                    "{lang:?} {name} has no fallback"
                );
            }
            for method in [
                Method::GiftCard,
                Method::WireTransfer,
                Method::BankTransfer,
                Method::Crypto,
                Method::CreditCard,
                Method::Cash,
                Method::PaymentApp,
                Method::Other,
                Method::Nothing,
            ] {
                assert!(!(book.paid_how)(method).is_empty());
            }
        }
    }

    #[test]
    fn phrasebooks_are_varied_enough() {
        let en = phrasebook(Lang::En);
        assert!(en.openings.len() >= 15);
        let en_middle = en.middle.len() + en.endings.len() + en.decoys.len() + en.not_paid.len();
        assert!(en_middle >= 20 && en.middle.len() >= 15 && en.endings.len() >= 12);
        for lang in [Lang::De, Lang::Es, Lang::Fr, Lang::Ja] {
            let book = phrasebook(lang);
            assert!(book.openings.len() >= 8, "{lang:?}");
            assert!(book.middle.len() + book.endings.len() >= 16, "{lang:?}");
        }
    }
}
