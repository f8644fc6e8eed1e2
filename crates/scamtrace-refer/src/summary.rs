//! What `summary.pdf` says: the facts of one case, gathered by the caller. Everything here goes
//! into the document as given; the caller has already removed personal data that the recipient
//! may not see.

use time::OffsetDateTime;

/// The content of a referral package's summary.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// The case's human reference (`CASE-2026-7KQ4M`) and opaque id.
    pub case_reference: String,
    pub case_id: String,
    pub title: String,
    /// The exporting organization (this instance).
    pub instance: String,
    /// The agency the package is for.
    pub recipient: String,
    pub exported_at: Option<OffsetDateTime>,
    /// The exporting user's name (username or token label).
    pub exported_by: String,
    /// `open`, `referred`, `actioned` or `closed`.
    pub status: String,
    /// The operations (cluster ids) the case covers.
    pub operations: Vec<String>,
    /// Victims' reports in the case.
    pub reports: u32,
    /// Whether `victims.csv` holds reporters' contact details (law-enforcement recipients).
    pub personal_data_included: bool,
    /// First and last day of the reported activity (`YYYY-MM-DD`).
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// Reports per victim country (ISO 3166-1 alpha-2), most first.
    pub countries: Vec<Counted>,
    /// Reports per month (`YYYY-MM`), in calendar order, months without reports included.
    pub months: Vec<Counted>,
    /// Losses per currency, largest US-dollar estimate first.
    pub losses: Vec<Loss>,
    /// The sum of the US-dollar estimates.
    pub losses_usd_estimate: f64,
    /// Payment rails (gift cards, wire, crypto ...) with the accounts and wallets that received.
    pub payment_rails: Vec<Rail>,
    pub phones: Vec<Phone>,
    pub domains: Vec<Counted>,
    pub remote_tools: Vec<Counted>,
    pub brands: Vec<Counted>,
    /// Dated events, oldest first: first and last report, referrals, outcomes.
    pub timeline: Vec<Dated>,
    /// Three to five representative narratives, personal data removed.
    pub narratives: Vec<Narrative>,
    /// Outcomes recorded so far, each a line (`2 arrests`, `USD 12,000.00 recovered`).
    pub outcomes: Vec<String>,
    /// How the operation was put together (one or more paragraphs).
    pub method: String,
    /// Who to contact about the case.
    pub contact: String,
}

/// A value and how many reports it is in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counted {
    pub value: String,
    pub reports: u32,
}

/// The losses in one currency.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loss {
    /// ISO 4217.
    pub currency: String,
    /// A decimal string with two places (`12500.00`).
    pub total: String,
    pub reports: u32,
    /// `None` when no rate is known for the currency.
    pub usd_estimate: Option<f64>,
}

/// One payment rail and who received through it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rail {
    /// `gift_card`, `wire_transfer`, `crypto` ...
    pub method: String,
    pub reports: u32,
    /// The receiving accounts, wallets and handles (`bank_account`, `crypto_wallet`,
    /// `payment_handle`, `gift_card` brand), most reports first.
    pub receivers: Vec<Receiver>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Receiver {
    /// The indicator kind.
    pub kind: String,
    pub value: String,
    pub reports: u32,
}

/// A phone number the scammers used.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Phone {
    /// E.164.
    pub number: String,
    /// `toll_free`, `mobile`, `fixed_line`, `voip` ...
    pub number_type: String,
    /// ISO 3166-1 alpha-2 region of the number.
    pub region: String,
    pub reports: u32,
}

/// A dated line of the timeline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dated {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub text: String,
}

/// A victim's account, personal data removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Narrative {
    /// The report's reference (`TSS-2026-7KQ4M`).
    pub reference: String,
    pub country: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// BCP 47, when known.
    pub language: Option<String>,
    pub text: String,
}
