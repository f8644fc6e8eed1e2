//! Protection: what ScamTrace says about a value, and how that reaches people before they pay.
//!
//! - [`verdict`]: a value's verdict (`scam`, `suspicious`, `unknown`, `legitimate`) from its
//!   evidence, under rules a scammer cannot satisfy alone (independent reports, partner
//!   sightings, analysts' decisions, the reference list of legitimate values, lifetimes).
//! - [`feed`]: blocklist feeds of the values judged `scam`, in the formats blockers read.
//! - [`privacy`]: the hash scheme of the privacy-preserving lookup.
//!
//! It does no I/O and reads no clock: the caller passes the evidence and the time.
//!
//! ```
//! use scamtrace_extract::IndicatorKind;
//! use scamtrace_protect::verdict::{assess, Evidence, Policy, ReportSighting, Verdict};
//! use time::macros::datetime;
//!
//! let now = datetime!(2026-11-01 12:00 UTC);
//! // Three reports from different reporters and addresses.
//! let keys = [[1u128], [2], [3]];
//! let reports: Vec<ReportSighting> = keys
//!     .iter()
//!     .enumerate()
//!     .map(|(i, key)| ReportSighting {
//!         at: Some(now - time::Duration::days(1)),
//!         reporter: key,
//!         client: Some(100 + i as u128),
//!         ..ReportSighting::default()
//!     })
//!     .collect();
//! let evidence = Evidence {
//!     kind: IndicatorKind::Phone,
//!     legitimate: false,
//!     reports: &reports,
//!     partners: &[],
//!     watch: None,
//!     decision: None,
//! };
//! assert_eq!(assess(&Policy::default(), now, &evidence).verdict, Verdict::Scam);
//! ```

pub mod feed;
pub mod privacy;
pub mod verdict;

pub use verdict::{Assessment, Basis, Decision, Evidence, Policy, Verdict, assess};
