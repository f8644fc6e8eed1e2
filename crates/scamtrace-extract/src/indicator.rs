//! What extraction produces: indicators, each a `(kind, canonical value)` with where it was found
//! and how sure we are.

use serde::Serialize;

/// The kinds of indicator ScamTrace knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    Phone,
    Domain,
    Url,
    Email,
    Ip,
    RemoteAccess,
    CryptoWallet,
    BankAccount,
    PaymentHandle,
    GiftCard,
    Brand,
}

impl IndicatorKind {
    pub const ALL: [IndicatorKind; 11] = [
        IndicatorKind::Phone,
        IndicatorKind::Domain,
        IndicatorKind::Url,
        IndicatorKind::Email,
        IndicatorKind::Ip,
        IndicatorKind::RemoteAccess,
        IndicatorKind::CryptoWallet,
        IndicatorKind::BankAccount,
        IndicatorKind::PaymentHandle,
        IndicatorKind::GiftCard,
        IndicatorKind::Brand,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Phone => "phone",
            IndicatorKind::Domain => "domain",
            IndicatorKind::Url => "url",
            IndicatorKind::Email => "email",
            IndicatorKind::Ip => "ip",
            IndicatorKind::RemoteAccess => "remote_access",
            IndicatorKind::CryptoWallet => "crypto_wallet",
            IndicatorKind::BankAccount => "bank_account",
            IndicatorKind::PaymentHandle => "payment_handle",
            IndicatorKind::GiftCard => "gift_card",
            IndicatorKind::Brand => "brand",
        }
    }

    pub fn parse(s: &str) -> Option<IndicatorKind> {
        IndicatorKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where an indicator was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "field")]
pub enum Origin {
    /// A structured field of the report, by its path (`scammer.phone_numbers[0]`).
    Field(String),
    /// The report's free text.
    Narrative,
    /// Text given to `extract_text` directly.
    Text,
}

impl Origin {
    /// `narrative`, `text`, or the field path.
    pub fn label(&self) -> String {
        match self {
            Origin::Field(path) => path.clone(),
            Origin::Narrative => "narrative".into(),
            Origin::Text => "text".into(),
        }
    }
}

/// One indicator found in a report or a text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Indicator {
    pub kind: IndicatorKind,
    /// The canonical value: every way of writing the same thing gives the same value.
    pub value: String,
    /// How to show it to people (for example a phone number in international format, or a domain
    /// in Unicode).
    pub display: String,
    pub origin: Origin,
    /// Byte offsets `[start, end)` in the field's or the narrative's text.
    pub span: (usize, usize),
    /// 0 to 1: how sure extraction is that this is what it says.
    pub confidence: f32,
    /// On the reference list of legitimate values (a brand's real support number, a
    /// remote-access vendor's own site): kept, but never evidence against anyone.
    pub benign: bool,
    /// Whether the value may link reports into one operation (brands and short-lived codes never
    /// do).
    pub linking: bool,
    /// Kind-specific facts: `region` and `number_type` for phones, `registrable_domain` for
    /// domains and URLs, `tool` for remote access, `chain` for wallets, `brand` for gift cards.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub attributes: std::collections::BTreeMap<&'static str, String>,
}
