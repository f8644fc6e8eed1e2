//! Verdicts: what ScamTrace says about one value, from its evidence, under rules that a scammer
//! cannot satisfy alone.
//!
//! The rules, in order:
//! 1. A value on the reference list of legitimate values is `legitimate`, whatever the reports
//!    say; reports against it are flagged as possible spoofing for analysts.
//! 2. An analyst's decision: a value *cleared* as a false positive stays `unknown` until an
//!    analyst confirms it (new reports are counted and shown, but do not flag it again); a
//!    *confirmed* value is `scam`; an *expired* value starts afresh (evidence up to the decision
//!    no longer counts).
//! 3. Evidence older than the kind's lifetime after its last sighting no longer counts: the
//!    value is `unknown` again.
//! 4. `scam` needs a partner organization's sighting, an analyst's confirmation, or at least
//!    [`Policy::reports_for_scam`] *independent* reports: each from a different reporter
//!    identity, and not from the same client address within [`Policy::same_client_window`] of
//!    another counted report. Fewer reports, or a hit of the domain watch, give `suspicious`.

use std::collections::{BTreeSet, HashMap, HashSet};

use scamtrace_extract::IndicatorKind;
use serde::Serialize;
use time::{Duration, OffsetDateTime};

/// What ScamTrace says about a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Unknown,
    Legitimate,
    Suspicious,
    Scam,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Scam => "scam",
            Verdict::Suspicious => "suspicious",
            Verdict::Unknown => "unknown",
            Verdict::Legitimate => "legitimate",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        [
            Verdict::Scam,
            Verdict::Suspicious,
            Verdict::Unknown,
            Verdict::Legitimate,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// Why a value has its verdict: the rule that decided it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// On the reference list of legitimate values.
    ReferenceList,
    /// An analyst confirmed it as a scam.
    AnalystConfirmed,
    /// An analyst cleared it as a false positive.
    AnalystCleared,
    /// A partner organization sighted it.
    PartnerSighting,
    /// Enough independent reports.
    IndependentReports,
    /// Reports, but not enough independent ones.
    TooFewReports,
    /// The domain watch flagged it; no report yet.
    DomainWatch,
    /// Its evidence is older than the kind's lifetime.
    Expired,
    /// Nothing is known about it.
    NoEvidence,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::ReferenceList => "reference_list",
            Basis::AnalystConfirmed => "analyst_confirmed",
            Basis::AnalystCleared => "analyst_cleared",
            Basis::PartnerSighting => "partner_sighting",
            Basis::IndependentReports => "independent_reports",
            Basis::TooFewReports => "too_few_reports",
            Basis::DomainWatch => "domain_watch",
            Basis::Expired => "expired",
            Basis::NoEvidence => "no_evidence",
        }
    }
}

/// How long evidence counts after a value's last sighting, per kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lifetimes {
    days: HashMap<IndicatorKind, u32>,
}

impl Default for Lifetimes {
    /// URLs 30 days, domains and IP addresses 90, phone numbers and emails 180, wallets,
    /// remote-access ids, bank accounts, payment handles and gift cards 365.
    fn default() -> Self {
        use IndicatorKind as K;
        let days = [
            (K::Url, 30),
            (K::Domain, 90),
            (K::Ip, 90),
            (K::Phone, 180),
            (K::Email, 180),
            (K::CryptoWallet, 365),
            (K::RemoteAccess, 365),
            (K::BankAccount, 365),
            (K::PaymentHandle, 365),
            (K::GiftCard, 365),
            (K::Brand, 365),
        ]
        .into_iter()
        .collect();
        Lifetimes { days }
    }
}

impl Lifetimes {
    /// The lifetime of `kind` in days.
    pub fn days(&self, kind: IndicatorKind) -> u32 {
        self.days.get(&kind).copied().unwrap_or(365)
    }

    /// Sets the lifetime of `kind`; at least one day.
    pub fn set(&mut self, kind: IndicatorKind, days: u32) {
        self.days.insert(kind, days.max(1));
    }

    pub fn of(&self, kind: IndicatorKind) -> Duration {
        Duration::days(i64::from(self.days(kind)))
    }
}

/// The verdict rules' settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub lifetimes: Lifetimes,
    /// Independent reports that make a value `scam` (default 3).
    pub reports_for_scam: u32,
    /// Reports from one client address within this window count once (default 24 hours).
    pub same_client_window: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            lifetimes: Lifetimes::default(),
            reports_for_scam: 3,
            same_client_window: Duration::hours(24),
        }
    }
}

/// One report holding the value. The keys are keyed hashes computed at intake: they let reports
/// be told apart without the store holding who sent them.
#[derive(Clone, Debug, Default)]
pub struct ReportSighting<'a> {
    pub at: Option<OffsetDateTime>,
    /// The reporter's identities (email, phone), as keyed hashes; empty when the reporter gave
    /// none.
    pub reporter: &'a [u128],
    /// The client address a public submission came from (IPv4, or an IPv6 /64), as a keyed
    /// hash; `None` for authenticated submissions and imports.
    pub client: Option<u128>,
    /// The organization that submitted it (a partner's or agency's token); `None` for victims.
    pub organization: Option<&'a str>,
    /// The brand the scammer claimed (its slug), if known.
    pub brand: Option<&'a str>,
}

/// A partner organization's sighting of the value.
#[derive(Clone, Debug)]
pub struct PartnerSighting {
    pub organization: String,
    pub first_seen: OffsetDateTime,
    pub last_seen: OffsetDateTime,
}

/// A hit of the domain watch on the value.
#[derive(Clone, Debug)]
pub struct WatchSighting {
    pub first_seen: OffsetDateTime,
    pub last_seen: OffsetDateTime,
    pub score: u8,
    pub brand: Option<String>,
}

/// An analyst's decision on a value; the latest one stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// A scam, on the analyst's word.
    Confirmed,
    /// A false positive: not a scam, whatever the reports say.
    Cleared,
    /// Evidence up to now no longer counts.
    Expired,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Confirmed => "confirmed",
            Decision::Cleared => "cleared",
            Decision::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        [Decision::Confirmed, Decision::Cleared, Decision::Expired]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// Everything known about one value.
#[derive(Clone, Debug)]
pub struct Evidence<'a> {
    pub kind: IndicatorKind,
    /// On the reference list of legitimate values.
    pub legitimate: bool,
    pub reports: &'a [ReportSighting<'a>],
    pub partners: &'a [PartnerSighting],
    pub watch: Option<&'a WatchSighting>,
    /// The latest analyst decision and when it was taken.
    pub decision: Option<(Decision, OffsetDateTime)>,
}

/// A value's verdict with what it rests on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assessment {
    pub verdict: Verdict,
    pub basis: Basis,
    /// Reports that count (those after an expiry decision).
    pub reports: u32,
    /// Of those, the independent ones.
    pub independent_reports: u32,
    /// Organizations that sighted it: partners, and organizations that submitted reports.
    pub organizations: Vec<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub first_seen: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_seen: Option<OffsetDateTime>,
    /// When the verdict lapses unless the value is seen again (scam and suspicious only).
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// Since when the value has been `scam` (when its evidence crossed the line).
    #[serde(with = "time::serde::rfc3339::option")]
    pub scam_since: Option<OffsetDateTime>,
    /// Brands the scammers claimed to be, by slug.
    pub brands: Vec<String>,
    /// Reports name a value on the reference list: someone may be spoofing it, or trying to
    /// get it blocked.
    pub possible_spoofing: bool,
}

impl Assessment {
    fn unknown(basis: Basis) -> Assessment {
        Assessment {
            verdict: Verdict::Unknown,
            basis,
            reports: 0,
            independent_reports: 0,
            organizations: Vec::new(),
            first_seen: None,
            last_seen: None,
            expires_at: None,
            scam_since: None,
            brands: Vec::new(),
            possible_spoofing: false,
        }
    }
}

/// Assesses one value at `now` under `policy`.
pub fn assess(policy: &Policy, now: OffsetDateTime, evidence: &Evidence) -> Assessment {
    let (decision, decided_at) = match evidence.decision {
        Some((d, at)) => (Some(d), Some(at)),
        None => (None, None),
    };
    // An expiry forgets what came before it.
    let since = match decision {
        Some(Decision::Expired) => decided_at,
        _ => None,
    };
    let counts = |t: Option<OffsetDateTime>| match (since, t) {
        (Some(s), Some(t)) => t > s,
        (Some(_), None) => false,
        (None, _) => true,
    };
    let reports: Vec<&ReportSighting> = evidence.reports.iter().filter(|r| counts(r.at)).collect();
    let partners: Vec<&PartnerSighting> = evidence
        .partners
        .iter()
        .filter(|p| counts(Some(p.last_seen)))
        .collect();
    let watch = evidence.watch.filter(|w| counts(Some(w.last_seen)));

    let mut out = Assessment::unknown(Basis::NoEvidence);
    out.reports = reports.len() as u32;
    let (independent, third) = independent_reports(policy, &reports);
    out.independent_reports = independent;
    let organizations: BTreeSet<&str> = partners
        .iter()
        .map(|p| p.organization.as_str())
        .chain(reports.iter().filter_map(|r| r.organization))
        .collect();
    out.organizations = organizations.into_iter().map(str::to_string).collect();
    let brands: BTreeSet<&str> = reports
        .iter()
        .filter_map(|r| r.brand)
        .chain(watch.and_then(|w| w.brand.as_deref()))
        .collect();
    out.brands = brands.into_iter().map(str::to_string).collect();
    let times = reports
        .iter()
        .filter_map(|r| r.at)
        .chain(partners.iter().flat_map(|p| [p.first_seen, p.last_seen]))
        .chain(watch.iter().flat_map(|w| [w.first_seen, w.last_seen]));
    for t in times {
        out.first_seen = Some(out.first_seen.map_or(t, |f| f.min(t)));
        out.last_seen = Some(out.last_seen.map_or(t, |l| l.max(t)));
    }

    if evidence.legitimate {
        out.verdict = Verdict::Legitimate;
        out.basis = Basis::ReferenceList;
        out.possible_spoofing = !reports.is_empty() || !partners.is_empty();
        return out;
    }
    if decision == Some(Decision::Cleared) {
        out.basis = Basis::AnalystCleared;
        return out;
    }
    let lifetime = policy.lifetimes.of(evidence.kind);
    // A confirmation is a sighting of its own: it lasts a lifetime from the decision.
    let live_from = match decision {
        Some(Decision::Confirmed) => max_opt(out.last_seen, decided_at),
        _ => out.last_seen,
    };
    let Some(live_from) = live_from else {
        return out;
    };
    let expires_at = live_from + lifetime;
    if now >= expires_at {
        out.basis = Basis::Expired;
        return out;
    }
    out.expires_at = Some(expires_at);

    // The earliest moment each rule that makes a value `scam` held.
    let mut scam: Option<(OffsetDateTime, Basis)> = None;
    let mut consider = |at: Option<OffsetDateTime>, basis: Basis| {
        if let Some(at) = at
            && scam.is_none_or(|(t, _)| at < t)
        {
            scam = Some((at, basis));
        }
    };
    if decision == Some(Decision::Confirmed) {
        consider(decided_at, Basis::AnalystConfirmed);
    }
    let partner_from = partners
        .iter()
        .map(|p| p.first_seen)
        .chain(
            reports
                .iter()
                .filter(|r| r.organization.is_some())
                .filter_map(|r| r.at),
        )
        .min();
    consider(partner_from, Basis::PartnerSighting);
    if independent >= policy.reports_for_scam {
        consider(third, Basis::IndependentReports);
    }
    if let Some((since, basis)) = scam {
        out.verdict = Verdict::Scam;
        // The rule an analyst took outranks the others as the reason shown.
        out.basis = if decision == Some(Decision::Confirmed) {
            Basis::AnalystConfirmed
        } else {
            basis
        };
        out.scam_since = Some(since);
    } else if !reports.is_empty() {
        out.verdict = Verdict::Suspicious;
        out.basis = Basis::TooFewReports;
    } else if watch.is_some() {
        out.verdict = Verdict::Suspicious;
        out.basis = Basis::DomainWatch;
    } else {
        out.expires_at = None;
    }
    out
}

fn max_opt(a: Option<OffsetDateTime>, b: Option<OffsetDateTime>) -> Option<OffsetDateTime> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// How many of `reports` are independent, and when the `policy.reports_for_scam`-th of them
/// arrived. Reports are taken in time order; one counts unless it shares a reporter identity
/// with a counted report, or came from the client address of a counted report within the
/// window. Reports without a time count last, and give no time.
fn independent_reports(
    policy: &Policy,
    reports: &[&ReportSighting],
) -> (u32, Option<OffsetDateTime>) {
    let mut order: Vec<&ReportSighting> = reports.to_vec();
    order.sort_by_key(|r| (r.at.is_none(), r.at));
    let mut identities: HashSet<u128> = HashSet::new();
    let mut clients: HashMap<u128, Option<OffsetDateTime>> = HashMap::new();
    let mut counted = 0u32;
    let mut nth = None;
    for r in order {
        if r.reporter.iter().any(|k| identities.contains(k)) {
            continue;
        }
        if let Some(client) = r.client
            && let Some(&last) = clients.get(&client)
        {
            let near = match (last, r.at) {
                (Some(last), Some(at)) => at - last < policy.same_client_window,
                // Without times, nearness cannot be ruled out.
                _ => true,
            };
            if near {
                continue;
            }
        }
        identities.extend(r.reporter.iter().copied());
        if let Some(client) = r.client {
            clients.insert(client, r.at);
        }
        counted += 1;
        if counted == policy.reports_for_scam {
            nth = r.at;
        }
    }
    (counted, nth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-01 12:00 UTC);

    /// Reporter keys live as long as the test: one leaked slice per report is fine here.
    fn report(hours_ago: i64, reporter: u128, client: Option<u128>) -> ReportSighting<'static> {
        ReportSighting {
            at: Some(NOW - Duration::hours(hours_ago)),
            reporter: Box::leak(vec![reporter].into_boxed_slice()),
            client,
            organization: None,
            brand: Some("microsoft"),
        }
    }

    fn phone<'a>(reports: &'a [ReportSighting]) -> Evidence<'a> {
        Evidence {
            kind: IndicatorKind::Phone,
            legitimate: false,
            reports,
            partners: &[],
            watch: None,
            decision: None,
        }
    }

    fn verdict(e: &Evidence) -> Assessment {
        assess(&Policy::default(), NOW, e)
    }

    #[test]
    fn nothing_known_is_unknown() {
        let a = verdict(&phone(&[]));
        assert_eq!((a.verdict, a.basis), (Verdict::Unknown, Basis::NoEvidence));
        assert_eq!(a.expires_at, None);
    }

    #[test]
    fn three_independent_reports_make_a_scam_fewer_a_suspicion() {
        let one = [report(50, 1, Some(10))];
        let a = verdict(&phone(&one));
        assert_eq!(
            (a.verdict, a.basis),
            (Verdict::Suspicious, Basis::TooFewReports)
        );
        let three = [
            report(50, 1, Some(10)),
            report(40, 2, Some(11)),
            report(30, 3, None),
        ];
        let a = verdict(&phone(&three));
        assert_eq!(a.verdict, Verdict::Scam);
        assert_eq!(a.basis, Basis::IndependentReports);
        assert_eq!((a.reports, a.independent_reports), (3, 3));
        assert_eq!(a.scam_since, Some(NOW - Duration::hours(30)));
        assert_eq!(a.brands, vec!["microsoft".to_string()]);
        assert_eq!(a.first_seen, Some(NOW - Duration::hours(50)));
        assert_eq!(a.last_seen, Some(NOW - Duration::hours(30)));
        assert_eq!(
            a.expires_at,
            Some(NOW - Duration::hours(30) + Duration::days(180))
        );
    }

    #[test]
    fn many_reports_from_one_client_within_a_day_count_once() {
        // A scammer files twenty reports from one address with twenty made-up identities.
        let flood: Vec<_> = (0..20)
            .map(|i| report(20 - i, 100 + i as u128, Some(7)))
            .collect();
        let a = verdict(&phone(&flood));
        assert_eq!(a.verdict, Verdict::Suspicious);
        assert_eq!((a.reports, a.independent_reports), (20, 1));
        // The same address a day later is another report.
        let spaced = [
            report(100, 1, Some(7)),
            report(75, 2, Some(7)),
            report(50, 3, Some(7)),
        ];
        assert_eq!(verdict(&phone(&spaced)).verdict, Verdict::Scam);
        // Within 24 hours of the counted report is still the same client.
        let close = [
            report(24, 1, Some(7)),
            report(10, 2, Some(7)),
            report(1, 3, Some(7)),
        ];
        assert_eq!(verdict(&phone(&close)).independent_reports, 1);
        // The window runs from the last counted report: 23 hours after it is the same
        // client, 46 hours after it another report.
        let daily = [
            report(47, 1, Some(7)),
            report(24, 2, Some(7)),
            report(1, 3, Some(7)),
        ];
        assert_eq!(verdict(&phone(&daily)).independent_reports, 2);
    }

    #[test]
    fn one_reporter_from_many_addresses_counts_once() {
        let reports: Vec<_> = (0..5).map(|i| report(i, 42, Some(i as u128))).collect();
        let a = verdict(&phone(&reports));
        assert_eq!((a.verdict, a.independent_reports), (Verdict::Suspicious, 1));
        // A reporter known by two identities (email and phone) is one reporter.
        let mut a1 = report(10, 1, None);
        a1.reporter = &[1, 2];
        let reports = [a1, report(5, 2, None), report(3, 3, None)];
        assert_eq!(verdict(&phone(&reports)).independent_reports, 2);
    }

    #[test]
    fn a_partner_sighting_alone_makes_a_scam() {
        let partners = [PartnerSighting {
            organization: "Partner CERT".into(),
            first_seen: NOW - Duration::days(3),
            last_seen: NOW - Duration::days(2),
        }];
        let e = Evidence {
            partners: &partners,
            ..phone(&[])
        };
        let a = verdict(&e);
        assert_eq!(
            (a.verdict, a.basis),
            (Verdict::Scam, Basis::PartnerSighting)
        );
        assert_eq!(a.organizations, vec!["Partner CERT".to_string()]);
        // A report submitted with a partner's token is that partner's sighting.
        let mut r = report(5, 1, None);
        r.organization = Some("Telecom Trust");
        let reports = [r];
        let a = verdict(&phone(&reports));
        assert_eq!(
            (a.verdict, a.basis),
            (Verdict::Scam, Basis::PartnerSighting)
        );
    }

    #[test]
    fn the_reference_list_wins_and_flags_spoofing() {
        let reports: Vec<_> = (0..10)
            .map(|i| report(i * 30, i as u128, Some(i as u128)))
            .collect();
        let e = Evidence {
            legitimate: true,
            decision: Some((Decision::Confirmed, NOW)),
            ..phone(&reports)
        };
        let a = verdict(&e);
        assert_eq!(
            (a.verdict, a.basis),
            (Verdict::Legitimate, Basis::ReferenceList)
        );
        assert!(a.possible_spoofing);
        assert_eq!(a.independent_reports, 10, "the evidence is still shown");
        let quiet = Evidence {
            legitimate: true,
            ..phone(&[])
        };
        assert!(!verdict(&quiet).possible_spoofing);
    }

    #[test]
    fn analysts_confirm_clear_and_expire() {
        let one = [report(5, 1, None)];
        let confirmed = Evidence {
            decision: Some((Decision::Confirmed, NOW - Duration::hours(1))),
            ..phone(&one)
        };
        let a = verdict(&confirmed);
        assert_eq!(
            (a.verdict, a.basis),
            (Verdict::Scam, Basis::AnalystConfirmed)
        );
        // A confirmation with no report at all lasts a lifetime from the decision.
        let bare = Evidence {
            decision: Some((Decision::Confirmed, NOW - Duration::days(10))),
            ..phone(&[])
        };
        let a = verdict(&bare);
        assert_eq!(a.verdict, Verdict::Scam);
        assert_eq!(
            a.expires_at,
            Some(NOW - Duration::days(10) + Duration::days(180))
        );

        let three = [
            report(50, 1, None),
            report(40, 2, None),
            report(30, 3, None),
        ];
        let cleared = Evidence {
            decision: Some((Decision::Cleared, NOW - Duration::hours(35))),
            ..phone(&three)
        };
        let a = verdict(&cleared);
        assert_eq!(
            (a.verdict, a.basis),
            (Verdict::Unknown, Basis::AnalystCleared)
        );
        assert_eq!(a.reports, 3, "reports stay visible to analysts");

        // An expiry forgets what came before; later reports start afresh.
        let expired = Evidence {
            decision: Some((Decision::Expired, NOW - Duration::hours(45))),
            ..phone(&three)
        };
        let a = verdict(&expired);
        assert_eq!((a.verdict, a.reports), (Verdict::Suspicious, 2));
        let all_before = Evidence {
            decision: Some((Decision::Expired, NOW)),
            ..phone(&three)
        };
        assert_eq!(verdict(&all_before).verdict, Verdict::Unknown);
    }

    #[test]
    fn evidence_lapses_after_the_kinds_lifetime() {
        let old = |days: i64| {
            vec![
                report(days * 24 + 2, 1, None),
                report(days * 24 + 1, 2, None),
                report(days * 24, 3, None),
            ]
        };
        let url = |r: &[ReportSighting]| {
            let e = Evidence {
                kind: IndicatorKind::Url,
                ..phone(r)
            };
            verdict(&e)
        };
        assert_eq!(url(&old(29)).verdict, Verdict::Scam);
        let a = url(&old(31));
        assert_eq!((a.verdict, a.basis), (Verdict::Unknown, Basis::Expired));
        assert_eq!(verdict(&phone(&old(179))).verdict, Verdict::Scam);
        assert_eq!(verdict(&phone(&old(181))).verdict, Verdict::Unknown);
        let mut policy = Policy::default();
        policy.lifetimes.set(IndicatorKind::Phone, 365);
        assert_eq!(
            assess(&policy, NOW, &phone(&old(181))).verdict,
            Verdict::Scam
        );
    }

    #[test]
    fn a_watch_hit_alone_is_only_suspicious() {
        let hit = WatchSighting {
            first_seen: NOW - Duration::days(1),
            last_seen: NOW - Duration::days(1),
            score: 95,
            brand: Some("microsoft".into()),
        };
        let e = Evidence {
            kind: IndicatorKind::Domain,
            watch: Some(&hit),
            ..phone(&[])
        };
        let a = verdict(&e);
        assert_eq!(
            (a.verdict, a.basis),
            (Verdict::Suspicious, Basis::DomainWatch)
        );
        assert_eq!(a.brands, vec!["microsoft".to_string()]);
    }

    #[test]
    fn reports_without_identities_are_told_apart_by_address_only() {
        let anonymous = |h: i64, client: u128| ReportSighting {
            at: Some(NOW - Duration::hours(h)),
            reporter: &[],
            client: Some(client),
            organization: None,
            brand: None,
        };
        let reports = [anonymous(3, 1), anonymous(2, 2), anonymous(1, 3)];
        assert_eq!(verdict(&phone(&reports)).verdict, Verdict::Scam);
        let reports = [anonymous(3, 1), anonymous(2, 1), anonymous(1, 1)];
        assert_eq!(verdict(&phone(&reports)).verdict, Verdict::Suspicious);
    }
}
