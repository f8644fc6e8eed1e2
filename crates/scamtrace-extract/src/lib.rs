//! Extraction: every report becomes normalized indicators.
//!
//! Correlation is only as good as normalization: `+1 (888) 555-0142`, `1-888-555-0142` and
//! `888.555.0142` must meet at one value, whether they came from a structured field or from a
//! victim's free text in their own language. This crate takes a report's fields and narrative and
//! returns [`Indicator`]s, each a `(kind, canonical value)` with where it was found and how sure
//! extraction is. It does no I/O.
//!
//! ```
//! use scamtrace_extract::{Extractor, IndicatorKind, Origin};
//!
//! let extractor = Extractor::new([0; 32]);
//! let found = extractor.extract_text(
//!     "Microsoft told me to call 1-888-555-0142 and install AnyDesk (ID 123 456 789).",
//!     "US",
//!     Origin::Text,
//! );
//! let values: Vec<_> = found.iter().map(|i| (i.kind, i.value.as_str())).collect();
//! assert!(values.contains(&(IndicatorKind::RemoteAccess, "anydesk:123456789")));
//! assert!(values.contains(&(IndicatorKind::Brand, "microsoft")));
//! ```

mod giftcard;
mod handles;
mod indicator;
mod keywords;
pub mod net;
pub mod payment;
pub mod phone;
mod reference;
pub mod remote;
mod text;

pub use indicator::{Attributes, Indicator, IndicatorKind, Origin};
pub use reference::{ReferenceError, ReferenceList};
use scamtrace_model::{KNOWN_BRANDS, Payment, PaymentMethod, RemoteAccess, Scammer};

/// The parts of a report extraction reads. Built from a new report or a stored one alike.
pub struct ReportText<'a> {
    /// The victim's country: the default region for phone numbers written without one.
    pub country: &'a str,
    pub impersonated_brand: Option<&'a str>,
    pub scammer: &'a Scammer,
    pub remote_access: Option<&'a RemoteAccess>,
    pub payment: Option<&'a Payment>,
    pub narrative: &'a str,
}

/// Extracts indicators. Holds the reference list of legitimate values and the key that hashes
/// gift card codes.
pub struct Extractor {
    reference: ReferenceList,
    gift_card_key: [u8; 32],
}

/// Confidence of a value the victim typed into a field meant for it.
const FIELD_CONFIDENCE: f32 = 0.95;

impl Extractor {
    /// An extractor with the shipped reference list. `gift_card_key` keys the hash under which
    /// card codes are kept (derive it from the instance's master key).
    pub fn new(gift_card_key: [u8; 32]) -> Extractor {
        Extractor {
            reference: ReferenceList::builtin(),
            gift_card_key,
        }
    }

    pub fn with_reference(reference: ReferenceList, gift_card_key: [u8; 32]) -> Extractor {
        Extractor {
            reference,
            gift_card_key,
        }
    }

    /// The reference list of legitimate values this extractor marks `benign`.
    pub fn reference(&self) -> &ReferenceList {
        &self.reference
    }

    /// Every indicator of a report: its structured fields first, then its narrative. Each
    /// `(kind, value)` appears once, at its first and most certain occurrence.
    pub fn extract_report(&self, report: &ReportText) -> Vec<Indicator> {
        let mut out = Collector::default();
        let region = report.country;
        for (i, raw) in report.scammer.phone_numbers.iter().enumerate() {
            let origin = Origin::Field(format!("scammer.phone_numbers[{i}]"));
            match phone::parse_phone(raw, region) {
                Some(m) => {
                    let confidence = if m.valid { FIELD_CONFIDENCE } else { 0.5 };
                    let span = (m.start, m.end);
                    out.push(self.phone_indicator(m, origin, span, confidence));
                }
                // A vanity number or one with words around it: search the field as text.
                None => self.text_into(raw, region, origin, &mut out),
            }
        }
        for (i, raw) in report.scammer.websites.iter().enumerate() {
            self.text_into(
                raw,
                region,
                Origin::Field(format!("scammer.websites[{i}]")),
                &mut out,
            );
        }
        for (i, raw) in report.scammer.emails.iter().enumerate() {
            self.text_into(
                raw,
                region,
                Origin::Field(format!("scammer.emails[{i}]")),
                &mut out,
            );
        }
        if let Some(ra) = report.remote_access {
            let tool = ra.tool.as_deref().and_then(remote::match_tool);
            match (tool, ra.id.as_deref()) {
                (Some(tool), Some(id)) => match remote::parse_id(tool, id) {
                    Some(rid) => out.push(self.remote_indicator(
                        &rid,
                        Origin::Field("remote_access.id".into()),
                        (0, id.len()),
                        FIELD_CONFIDENCE,
                    )),
                    None => self.text_into(
                        &format!("{} {id}", tool.name),
                        region,
                        Origin::Field("remote_access.id".into()),
                        &mut out,
                    ),
                },
                (None, Some(id)) => self.text_into(
                    id,
                    region,
                    Origin::Field("remote_access.id".into()),
                    &mut out,
                ),
                _ => {}
            }
        }
        if let Some(payment) = report.payment
            && let Some(details) = payment.details.as_deref()
        {
            let origin = Origin::Field("payment.details".into());
            self.text_into(details, region, origin.clone(), &mut out);
            if payment.method == PaymentMethod::GiftCard
                && let Some((slug, name)) = giftcard::match_gift_card(details)
            {
                out.push(gift_card_brand(
                    slug,
                    name,
                    origin,
                    (0, details.len()),
                    FIELD_CONFIDENCE,
                ));
            }
        }
        if let Some(brand) = report.impersonated_brand
            && let Some(b) = scamtrace_model::match_brand(brand)
        {
            out.push(brand_indicator(
                b,
                Origin::Field("impersonated_brand".into()),
                (0, brand.len()),
                FIELD_CONFIDENCE,
            ));
        }
        self.text_into(report.narrative, region, Origin::Narrative, &mut out);
        out.into_vec()
    }

    /// Every indicator in free text. `region` is the default region for phone numbers.
    pub fn extract_text(&self, text: &str, region: &str, origin: Origin) -> Vec<Indicator> {
        let mut out = Collector::default();
        self.text_into(text, region, origin, &mut out);
        out.into_vec()
    }

    fn text_into(&self, original: &str, region: &str, origin: Origin, out: &mut Collector) {
        // One pass finds every scanner's words, and tells whether anything is defanged.
        let scan = keywords::scan(original);
        let mapped = if scan.defanged {
            text::normalize(original)
        } else {
            text::Mapped::identity(original)
        };
        let norm = &*mapped.text;
        let rescan;
        let norm_scan = if mapped.is_identity() {
            &scan
        } else {
            rescan = keywords::scan(norm);
            &rescan
        };
        // Spans already claimed by a more specific find, in original offsets. Most narratives
        // claim none (only phones and brands), and those that do rarely claim more than four,
        // the first allocation's room: no allocation up front.
        let mut taken: Vec<(usize, usize)> = Vec::new();

        for m in net::find_network(norm) {
            match m {
                net::NetMatch::Url { start, end, url } => {
                    let span = mapped.span(start, end);
                    taken.push(span);
                    if let Some(instance) = remote::screenconnect_instance(&url.url)
                        && let Some(tool) = remote::tool("screenconnect")
                    {
                        let rid = remote::RemoteId { tool, id: instance };
                        out.push(self.remote_indicator(&rid, origin.clone(), span, 0.9));
                    }
                    let host_attr = match &url.host {
                        net::Host::Domain(d) => Some(d.registrable.clone()),
                        net::Host::Ip(_) => None,
                    };
                    let benign = match &url.host {
                        net::Host::Domain(d) => {
                            self.reference.domain(&d.ascii).is_some() && !d.private_suffix
                        }
                        net::Host::Ip(_) => false,
                    };
                    let attributes = match host_attr {
                        Some(r) => Attributes::from([("registrable_domain", r)]),
                        None => Attributes::default(),
                    };
                    out.push(Indicator {
                        kind: IndicatorKind::Url,
                        value: url.url.clone(),
                        display: url.url,
                        origin: origin.clone(),
                        span,
                        confidence: 0.95,
                        benign,
                        linking: !benign,
                        attributes,
                    });
                    match url.host {
                        net::Host::Domain(d) => {
                            out.push(self.domain_indicator(d, origin.clone(), span, 0.9))
                        }
                        net::Host::Ip(ip) => out.push(ip_indicator(ip, origin.clone(), span)),
                    }
                }
                net::NetMatch::Email {
                    start,
                    end,
                    email,
                    domain,
                } => {
                    let span = mapped.span(start, end);
                    taken.push(span);
                    let benign = self.reference.email(&email).is_some();
                    out.push(Indicator {
                        kind: IndicatorKind::Email,
                        value: email.clone(),
                        display: email,
                        origin: origin.clone(),
                        span,
                        confidence: 0.95,
                        benign,
                        linking: !benign,
                        attributes: Attributes::from([(
                            "registrable_domain",
                            domain.registrable.clone(),
                        )]),
                    });
                    out.push(self.domain_indicator(domain, origin.clone(), span, 0.8));
                }
                net::NetMatch::Domain { start, end, domain } => {
                    let span = mapped.span(start, end);
                    taken.push(span);
                    out.push(self.domain_indicator(domain, origin.clone(), span, 0.85));
                }
                net::NetMatch::Ip { start, end, ip } => {
                    let span = mapped.span(start, end);
                    taken.push(span);
                    out.push(ip_indicator(ip, origin.clone(), span));
                }
            }
        }
        for m in remote::remote_ids(norm, norm_scan) {
            let span = mapped.span(m.start, m.end);
            taken.push(span);
            out.push(self.remote_indicator(&m.id, origin.clone(), span, 0.85));
        }
        let (wallets, ibans) = payment::find_payments(norm);
        for m in wallets {
            let span = mapped.span(m.start, m.end);
            taken.push(span);
            out.push(Indicator {
                kind: IndicatorKind::CryptoWallet,
                value: [m.chain.as_str(), ":", &m.address].concat(),
                display: m.address.clone(),
                origin: origin.clone(),
                span,
                confidence: 0.99,
                benign: false,
                linking: true,
                attributes: Attributes::from([("chain", m.chain.as_str())]),
            });
        }
        for m in ibans {
            let span = mapped.span(m.start, m.end);
            taken.push(span);
            out.push(Indicator {
                kind: IndicatorKind::BankAccount,
                value: ["iban:", m.iban.as_str()].concat(),
                display: m.iban.clone(),
                origin: origin.clone(),
                span,
                confidence: 0.99,
                benign: false,
                linking: true,
                attributes: Attributes::from([("country", m.country)]),
            });
        }
        for m in handles::accounts(norm, norm_scan) {
            let span = mapped.span(m.start, m.end);
            taken.push(span);
            out.push(simple(
                IndicatorKind::BankAccount,
                m.value,
                origin.clone(),
                span,
                0.7,
                true,
            ));
        }
        for m in handles::handles(norm, norm_scan) {
            let span = mapped.span(m.start, m.end);
            taken.push(span);
            let mut ind = simple(
                IndicatorKind::PaymentHandle,
                m.value,
                origin.clone(),
                span,
                0.8,
                true,
            );
            ind.attributes = Attributes::from([("app", m.app)]);
            out.push(ind);
        }
        let cards = giftcard::gift_cards(norm, norm_scan);
        if !cards.is_empty() {
            let brand = cards[0].slug;
            for code in giftcard::find_card_codes(norm) {
                let span = mapped.span(code.start, code.end);
                if overlaps(&taken, span) {
                    continue;
                }
                taken.push(span);
                let hash = giftcard::hash_code(&self.gift_card_key, brand, &code.normalized);
                let mut ind = shown_as(
                    IndicatorKind::GiftCard,
                    ["code:", hash.as_str()].concat(),
                    format!("{} card code (kept only as a keyed hash)", cards[0].name),
                    origin.clone(),
                    span,
                    0.6,
                    true,
                );
                ind.attributes = Attributes::from([("brand", brand)]);
                out.push(ind);
            }
        }
        for m in cards {
            let span = mapped.span(m.start, m.end);
            taken.push(span);
            out.push(gift_card_brand(m.slug, m.name, origin.clone(), span, 0.8));
        }
        for m in phone::find_phones(original, region) {
            if overlaps(&taken, (m.start, m.end)) {
                continue;
            }
            let (span, confidence) = ((m.start, m.end), m.confidence);
            out.push(self.phone_indicator(m, origin.clone(), span, confidence));
        }
        // "Google Play cards" names a card, not the company the scammers claimed to be.
        for (brand, span) in find_brands(original, &scan) {
            if !overlaps(&taken, span) {
                out.push(brand_indicator(brand, origin.clone(), span, 0.8));
            }
        }
    }

    fn phone_indicator(
        &self,
        m: phone::PhoneMatch,
        origin: Origin,
        span: (usize, usize),
        confidence: f32,
    ) -> Indicator {
        let label = self.reference.phone(&m.e164);
        let benign = label.is_some();
        let mut attributes = Attributes::with_capacity(3);
        attributes.insert("number_type", m.number_type.as_str());
        if let Some(region) = m.region {
            attributes.insert("region", region);
        }
        if let Some(label) = label {
            attributes.insert("legitimate", label.to_string());
        }
        Indicator {
            kind: IndicatorKind::Phone,
            value: m.e164,
            display: m.international,
            origin,
            span,
            confidence,
            benign,
            // A real company's number in a scam report is spoofing: it must not link victims.
            linking: !benign,
            attributes,
        }
    }

    fn domain_indicator(
        &self,
        d: net::DomainName,
        origin: Origin,
        span: (usize, usize),
        confidence: f32,
    ) -> Indicator {
        let label = if d.private_suffix {
            None
        } else {
            self.reference.domain(&d.ascii)
        };
        let mut attributes = Attributes::from([("registrable_domain", d.registrable)]);
        if d.private_suffix {
            attributes.insert("shared_host", "true");
        }
        if let Some(label) = label {
            attributes.insert("legitimate", label.to_string());
        }
        Indicator {
            kind: IndicatorKind::Domain,
            value: d.ascii,
            display: d.unicode,
            origin,
            span,
            confidence,
            benign: label.is_some(),
            linking: label.is_none(),
            attributes,
        }
    }

    fn remote_indicator(
        &self,
        rid: &remote::RemoteId,
        origin: Origin,
        span: (usize, usize),
        confidence: f32,
    ) -> Indicator {
        Indicator {
            kind: IndicatorKind::RemoteAccess,
            value: rid.value(),
            // `concat` rather than `format!`: one allocation of the right size, no formatting.
            display: [rid.tool.name, " ", &rid.id].concat(),
            origin,
            span,
            confidence,
            benign: false,
            linking: !rid.tool.short_lived,
            attributes: Attributes::from([("tool", rid.tool.slug)]),
        }
    }
}

fn simple(
    kind: IndicatorKind,
    value: String,
    origin: Origin,
    span: (usize, usize),
    confidence: f32,
    linking: bool,
) -> Indicator {
    let display = value.clone();
    shown_as(kind, value, display, origin, span, confidence, linking)
}

/// An indicator shown otherwise than by its value, without attributes.
fn shown_as(
    kind: IndicatorKind,
    value: String,
    display: String,
    origin: Origin,
    span: (usize, usize),
    confidence: f32,
    linking: bool,
) -> Indicator {
    Indicator {
        kind,
        display,
        value,
        origin,
        span,
        confidence,
        benign: false,
        linking,
        attributes: Attributes::default(),
    }
}

fn ip_indicator(ip: std::net::IpAddr, origin: Origin, span: (usize, usize)) -> Indicator {
    // Private and reserved addresses say nothing about who is behind them.
    let public = !net::is_non_public(&ip);
    simple(IndicatorKind::Ip, ip.to_string(), origin, span, 0.9, public)
}

/// The brand a gift card is of; context, never a link (everyone sells Google Play cards).
fn gift_card_brand(
    slug: &'static str,
    name: &str,
    origin: Origin,
    span: (usize, usize),
    confidence: f32,
) -> Indicator {
    let mut ind = shown_as(
        IndicatorKind::GiftCard,
        slug.to_string(),
        name.to_string(),
        origin,
        span,
        confidence,
        false,
    );
    ind.attributes = Attributes::from([("brand", slug)]);
    ind
}

/// A brand named in the text: context for the report and its cluster, never a link.
fn brand_indicator(
    brand: &scamtrace_model::Brand,
    origin: Origin,
    span: (usize, usize),
    confidence: f32,
) -> Indicator {
    shown_as(
        IndicatorKind::Brand,
        brand.slug.to_string(),
        brand.name.to_string(),
        origin,
        span,
        confidence,
        false,
    )
}

/// Every known brand named in `text`, once, with the span of its first mention in the scan's hit
/// order. Latin aliases match on word boundaries, case-insensitively; CJK aliases as substrings.
/// Not in text order: the collector puts indicators in reading order.
fn find_brands<'a>(
    text: &'a str,
    scan: &'a keywords::Scan,
) -> impl Iterator<Item = (&'static scamtrace_model::Brand, (usize, usize))> + 'a {
    let bytes = text.as_bytes();
    let owners = brand_aliases();
    // The brands already found, by their place in `KNOWN_BRANDS`: a set without an allocation.
    let mut found: u128 = 0;
    scan.hits.iter().filter_map(move |hit| {
        let keywords::Keyword::Brand { index } = hit.keyword else {
            return None;
        };
        let (place, brand, alias) = owners[usize::from(index)];
        let (start, end) = (hit.start, hit.end);
        let boundary = !alias.is_ascii()
            || ((start == 0 || !bytes[start - 1].is_ascii_alphanumeric())
                && (end == bytes.len() || !bytes[end].is_ascii_alphanumeric()));
        let bit = 1u128 << place;
        if !boundary || found & bit != 0 {
            return None;
        }
        found |= bit;
        Some((brand, (start, end)))
    })
}

/// Every brand alias with its brand and the brand's place in `KNOWN_BRANDS`, in list order.
/// "bank" alone is too vague to name in text.
fn brand_aliases() -> &'static [(u8, &'static scamtrace_model::Brand, &'static str)] {
    static OWNERS: std::sync::LazyLock<Vec<(u8, &'static scamtrace_model::Brand, &'static str)>> =
        std::sync::LazyLock::new(|| {
            // `find_brands` keeps the brands it found as bits of a u128.
            assert!(
                KNOWN_BRANDS.len() <= 128,
                "more brands than find_brands can track"
            );
            KNOWN_BRANDS
                .iter()
                .zip(0u8..)
                .filter(|(b, _)| b.slug != "bank")
                .flat_map(|(b, place)| b.aliases.iter().map(move |a| (place, b, *a)))
                .collect()
        });
    &OWNERS
}

fn overlaps(taken: &[(usize, usize)], span: (usize, usize)) -> bool {
    taken.iter().any(|(s, e)| *s < span.1 && span.0 < *e)
}

/// Keeps the first occurrence of each `(kind, value)`, upgrading it when a later one is surer.
#[derive(Default)]
struct Collector {
    items: Vec<Indicator>,
}

impl Collector {
    fn push(&mut self, ind: Indicator) {
        if let Some(existing) = self
            .items
            .iter_mut()
            .find(|i| i.kind == ind.kind && i.value == ind.value)
        {
            if ind.confidence > existing.confidence
                && matches!(existing.origin, Origin::Narrative | Origin::Text)
            {
                *existing = ind;
            }
            return;
        }
        self.items.push(ind);
    }

    /// Fields in the order extraction read them; within one field or text, in reading order.
    fn into_vec(self) -> Vec<Indicator> {
        let mut items = self.items;
        // One origin (`extract_text`): reading order alone, the same stable order.
        if let Some(first) = items.first()
            && items.iter().all(|i| i.origin == first.origin)
        {
            items.sort_by_key(|i| i.span.0);
            return items;
        }
        let mut origins: Vec<Origin> = Vec::new();
        for i in &items {
            if !origins.contains(&i.origin) {
                origins.push(i.origin.clone());
            }
        }
        items.sort_by_key(|i| (origins.iter().position(|o| *o == i.origin), i.span.0));
        items
    }
}

/// Deterministic draws for tests (xorshift, no extra dependency): each call with `n` gives a
/// number below `n`.
#[cfg(test)]
pub(crate) fn test_draws(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed;
    move |n| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    }
}
