//! The report: one victim's account of a scam, as ScamTrace stores and serves it.

use serde::{Deserialize, Serialize};

use crate::{BrandClaim, Country, Currency, LanguageTag};

/// How the scammers first reached the victim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactMethod {
    PhoneCall,
    Popup,
    Email,
    Sms,
    SearchResult,
    SocialMedia,
    Other,
}

impl ContactMethod {
    pub const ALL: [ContactMethod; 7] = [
        ContactMethod::PhoneCall,
        ContactMethod::Popup,
        ContactMethod::Email,
        ContactMethod::Sms,
        ContactMethod::SearchResult,
        ContactMethod::SocialMedia,
        ContactMethod::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContactMethod::PhoneCall => "phone_call",
            ContactMethod::Popup => "popup",
            ContactMethod::Email => "email",
            ContactMethod::Sms => "sms",
            ContactMethod::SearchResult => "search_result",
            ContactMethod::SocialMedia => "social_media",
            ContactMethod::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// How the victim paid (or `none`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    GiftCard,
    WireTransfer,
    BankTransfer,
    Crypto,
    CreditCard,
    Cash,
    PaymentApp,
    Other,
    None,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 9] = [
        PaymentMethod::GiftCard,
        PaymentMethod::WireTransfer,
        PaymentMethod::BankTransfer,
        PaymentMethod::Crypto,
        PaymentMethod::CreditCard,
        PaymentMethod::Cash,
        PaymentMethod::PaymentApp,
        PaymentMethod::Other,
        PaymentMethod::None,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::GiftCard => "gift_card",
            PaymentMethod::WireTransfer => "wire_transfer",
            PaymentMethod::BankTransfer => "bank_transfer",
            PaymentMethod::Crypto => "crypto",
            PaymentMethod::CreditCard => "credit_card",
            PaymentMethod::Cash => "cash",
            PaymentMethod::PaymentApp => "payment_app",
            PaymentMethod::Other => "other",
            PaymentMethod::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// A calendar date, written `YYYY-MM-DD` in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub time::Date);

const DAY_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

impl Day {
    pub fn parse(s: &str) -> Option<Day> {
        if s.len() != 10 {
            return None;
        }
        time::Date::parse(s, DAY_FORMAT).ok().map(Day)
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

impl Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Day::parse(&s).ok_or_else(|| serde::de::Error::custom("expected YYYY-MM-DD"))
    }
}

/// A non-negative decimal amount kept as its canonical decimal text (`"1299.99"`), never as a float.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Amount(String);

impl Amount {
    pub const MAX_INTEGER_DIGITS: usize = 12;
    pub const MAX_FRACTION_DIGITS: usize = 4;

    /// Accepts `500`, `500.5`, `1299.99`; refuses signs, exponents, separators and empty parts.
    /// Leading zeros are dropped: `0500.50` becomes `500.50`.
    pub fn parse(s: &str) -> Option<Amount> {
        let s = s.trim();
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !digits(int) || int.len() > 64 {
            return None;
        }
        let int = int.trim_start_matches('0');
        let int = if int.is_empty() { "0" } else { int };
        if int.len() > Self::MAX_INTEGER_DIGITS {
            return None;
        }
        match frac {
            None => Some(Amount(int.to_string())),
            Some(f) if digits(f) && f.len() <= Self::MAX_FRACTION_DIGITS => {
                Some(Amount(format!("{int}.{f}")))
            }
            Some(_) => None,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The amount in minor units of 1/10,000, exact, for sums and medians.
    pub fn ten_thousandths(&self) -> u128 {
        let (int, frac) = self.0.split_once('.').unwrap_or((&self.0, ""));
        let int: u128 = int.parse().unwrap_or(0);
        let mut frac = frac.to_string();
        while frac.len() < Self::MAX_FRACTION_DIGITS {
            frac.push('0');
        }
        int * 10_000 + frac.parse::<u128>().unwrap_or(0)
    }
}

impl TryFrom<String> for Amount {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Amount::parse(&value).ok_or_else(|| "not a decimal amount".to_string())
    }
}

impl From<Amount> for String {
    fn from(value: Amount) -> Self {
        value.0
    }
}

/// What the victim knows about the scammers. Values are kept as written; extraction normalizes them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scammer {
    #[serde(default)]
    pub phone_numbers: Vec<String>,
    #[serde(default)]
    pub websites: Vec<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub names: Vec<String>,
}

impl Scammer {
    pub fn is_empty(&self) -> bool {
        self.phone_numbers.is_empty()
            && self.websites.is_empty()
            && self.emails.is_empty()
            && self.names.is_empty()
    }
}

/// The remote-access tool the "technician" used, and the id or session the victim saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteAccess {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// How much the victim paid, how, and in what currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub method: PaymentMethod,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

/// The victim's own contact details: personal data. It is sealed before storage and never logged;
/// `Debug` shows only which parts are present.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reporter {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default)]
    pub may_contact: bool,
}

impl std::fmt::Debug for Reporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("Reporter")
            .field("name", &redacted(&self.name))
            .field("email", &redacted(&self.email))
            .field("phone", &redacted(&self.phone))
            .field("may_contact", &self.may_contact)
            .finish()
    }
}

/// A validated report, before it has an id: what [`crate::parse_report`] returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReport {
    pub occurred_on: Option<Day>,
    pub country: Country,
    pub language: Option<LanguageTag>,
    pub contact_method: ContactMethod,
    pub impersonated_brand: Option<BrandClaim>,
    pub scammer: Scammer,
    pub remote_access: Option<RemoteAccess>,
    pub payment: Option<Payment>,
    pub narrative: String,
    pub reporter: Option<Reporter>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_canonical_decimal_text() {
        assert_eq!(Amount::parse("0500.50").unwrap().as_str(), "500.50");
        assert_eq!(Amount::parse("0").unwrap().as_str(), "0");
        assert_eq!(
            Amount::parse("1299.99").unwrap().ten_thousandths(),
            12_999_900
        );
        for bad in [
            "",
            "-5",
            "1e3",
            "1,000",
            "12.",
            ".5",
            "1.23456",
            "9999999999999",
            "NaN",
            "５００",
        ] {
            assert!(Amount::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn days_round_trip() {
        let d = Day::parse("2026-02-28").unwrap();
        assert_eq!(d.to_string(), "2026-02-28");
        assert!(Day::parse("2026-02-30").is_none());
        assert!(Day::parse("2026-2-3").is_none());
        assert!(Day::parse("28/02/2026").is_none());
    }

    #[test]
    fn reporter_debug_shows_no_personal_data() {
        let r = Reporter {
            name: Some("Pat Example".into()),
            email: Some("pat@example.com".into()),
            phone: None,
            may_contact: true,
        };
        let shown = format!("{r:?}");
        assert!(
            !shown.contains("Pat") && !shown.contains("example.com"),
            "{shown}"
        );
    }
}
