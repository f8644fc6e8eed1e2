//! ScamTrace's domain model: what a victim's report is, and how raw input becomes one.
//!
//! This crate does no I/O. It takes values (usually the JSON a victim, a form or an import sent)
//! and returns values: a validated [`NewReport`], or every [`FieldError`] that stops it from being
//! one. Every way into ScamTrace (the API, the public form, bulk imports) goes through
//! [`parse_report`], so a report means the same thing whichever door it came through.
//!
//! ```
//! use scamtrace_model::{parse_report, ContactMethod};
//!
//! let input = serde_json::json!({
//!     "country": "us",
//!     "contact_method": "popup",
//!     "impersonated_brand": "Micro soft support",
//!     "narrative": "A red warning told me to call 1-888-555-0142.",
//! });
//! let report = parse_report(&input).expect("valid");
//! assert_eq!(report.country.as_str(), "US");
//! assert_eq!(report.contact_method, ContactMethod::Popup);
//! assert_eq!(report.impersonated_brand.unwrap().brand.unwrap().name, "Microsoft");
//!
//! let errors = parse_report(&serde_json::json!({"country": "XX"})).unwrap_err();
//! let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
//! assert_eq!(fields, ["country", "contact_method", "narrative"]);
//! ```

mod brand;
mod codes;
mod error;
mod reference;
mod report;
mod validate;

pub use brand::{Brand, BrandCategory, BrandClaim, BrandRef, KNOWN_BRANDS, match_brand};
pub use codes::{COUNTRIES, CURRENCIES, Country, Currency, LanguageTag, country_name};
pub use error::{ErrorCode, FieldError};
pub use reference::Reference;
pub use report::{
    Amount, ContactMethod, Day, NewReport, Payment, PaymentMethod, RemoteAccess, Reporter, Scammer,
};
pub use validate::{Limits, parse_report};
