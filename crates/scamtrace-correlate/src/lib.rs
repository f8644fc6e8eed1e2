//! Correlation: reports that share indicators become clusters, one per scam operation.
//!
//! Reports and the values extracted from them form a bipartite graph. A cluster is a connected
//! component of that graph over *linking* values only ([`Engine::links`] says which values link
//! and why). The engine keeps the components current as reports arrive, one report at a time,
//! without recomputing the rest, and [`Engine::rebuild`] recomputes them from scratch; both give
//! the same partition for the same reports and decisions, in any order of arrival.
//!
//! Hubs: a value shared by an unusual number of reports (a real company's number that scammers
//! spoof, a payment provider's domain) would chain unrelated operations together. A value stops
//! linking once it is in at least [`Config::hub_threshold`] reports, a threshold that grows with
//! the number of reports. Nothing is capped silently: such values stay attached to every report,
//! are listed by [`Engine::over_linked`] with their counts, and an analyst can decide either way
//! ([`Decision`]), which overrides the threshold.
//!
//! Cluster identity: a cluster is named by the key of its oldest report (the smallest key), so it
//! keeps its id as it grows, and when two clusters merge the older id survives. The key of an
//! absorbed cluster still names a report, whose current cluster is where its old address leads.
//!
//! The crate does no I/O. Each report carries a payload `A` of the caller's choosing (the facts a
//! cluster summary needs), which the engine stores and hands back.
//!
//! ```
//! use scamtrace_correlate::{Config, Engine, Occurrence};
//! use scamtrace_extract::IndicatorKind::{Domain, Phone};
//!
//! let mut engine: Engine<()> = Engine::new(Config::default());
//! engine.add_report(1, (), &[Occurrence::new(Phone, "+18885550142")]);
//! engine.add_report(2, (), &[Occurrence::new(Domain, "fix-pc.example")]);
//! engine.add_report(3, (), &[
//!     Occurrence::new(Phone, "+18885550142"),
//!     Occurrence::new(Domain, "fix-pc.example"),
//! ]);
//! let cluster = engine.cluster_of(2).unwrap();
//! assert_eq!(cluster, 1); // named by its oldest report
//! assert_eq!(engine.members(cluster), vec![1, 2, 3]);
//! let path = engine.explain(1, 2).unwrap();
//! assert_eq!(path.len(), 5); // report 1, the phone, report 3, the domain, report 2
//! ```

mod engine;
mod unionfind;

pub use engine::{
    Bulk, ClusterLookup, Decision, Engine, Event, LinkStatus, Occurrence, Step, ValueInfo, ValueRef,
};

use scamtrace_extract::IndicatorKind;

/// A report's key: the store's insertion sequence number, unique and stable.
pub type ReportKey = u64;

/// A cluster's id: the key of its oldest report.
pub type ClusterId = u64;

/// Whether values of this kind may link reports at all.
///
/// Phone numbers, email addresses, registrable domains, remote-access ids, wallets, bank
/// accounts, payment handles and gift card codes (as keyed hashes) identify one operation's
/// infrastructure. URLs link through their domain, which extraction records separately. IP
/// addresses are weak evidence (shared hosting puts unrelated sites on one address): they never
/// link on their own, only when an analyst decides they do. Brands and gift card brands are
/// context shared by every operation and never link.
pub fn kind_links(kind: IndicatorKind) -> bool {
    use IndicatorKind::*;
    match kind {
        Phone | Email | Domain | RemoteAccess | CryptoWallet | BankAccount | PaymentHandle
        | GiftCard => true,
        Url | Brand => false,
        // Linking only by an analyst's decision (see `Engine::links`).
        Ip => false,
    }
}

/// Whether an analyst's decision can make values of this kind link.
pub fn kind_may_link(kind: IndicatorKind) -> bool {
    kind_links(kind) || kind == IndicatorKind::Ip
}

/// Whether this value can ever link: its kind may, and it is not context within that kind (a
/// gift card's brand is context; only a card's code, `code:...`, links).
pub fn value_may_link(kind: IndicatorKind, value: &str) -> bool {
    kind_may_link(kind) && (kind != IndicatorKind::GiftCard || value.starts_with("code:"))
}

/// Tuning of hub detection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Config {
    /// A value in at least this many reports is a hub whatever the volume.
    pub hub_min_reports: u32,
    /// ... and from this share of all reports when that is more.
    pub hub_share: f64,
}

impl Default for Config {
    /// At least 50 reports, and 5% of all reports. One operation can dominate what an instance
    /// holds (in the demo data the largest one's main number is in about 4% of all reports), but
    /// a single value in one report of twenty is more likely a shared service than one call
    /// centre's. Known shared values (big companies' real numbers and sites, webmail, remote
    /// access vendors) never link anyway: extraction marks them benign from the reference list.
    fn default() -> Self {
        Config {
            hub_min_reports: 50,
            hub_share: 0.05,
        }
    }
}

impl Config {
    /// The number of reports from which a value is a hub, with `reports` reports in all.
    pub fn hub_threshold(&self, reports: usize) -> u32 {
        let scaled = (self.hub_share.max(0.0) * reports as f64).ceil();
        let scaled = if scaled >= u32::MAX as f64 {
            u32::MAX
        } else {
            scaled as u32
        };
        self.hub_min_reports.max(scaled).max(2)
    }
}

/// The value an indicator links by: its canonical value, except that a domain links by its
/// registrable domain (`a.fix-pc.example` and `b.fix-pc.example` are one operation's), which
/// under a private suffix is the full hostname (`evil.azurewebsites.net` and
/// `other.azurewebsites.net` stay apart).
pub fn link_value<'a>(
    kind: IndicatorKind,
    value: &'a str,
    registrable_domain: Option<&'a str>,
) -> &'a str {
    match (kind, registrable_domain) {
        (IndicatorKind::Domain, Some(registrable)) if !registrable.is_empty() => registrable,
        _ => value,
    }
}
