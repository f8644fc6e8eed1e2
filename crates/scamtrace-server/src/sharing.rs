//! What this instance shares with partners: its operations and the values they use, chosen by
//! one policy, turned into STIX by `scamtrace-stix`. The STIX crate never sees a report; this
//! module decides which values may leave.
//!
//! A value is shared when it identifies the scammers: it links reports (phone numbers, domains,
//! emails, remote-access ids, wallets, bank accounts, payment handles), or it is context (URLs,
//! IP addresses, gift card brands) that at least two of the operation's reports hold. Never
//! shared: legitimate values, hubs (possibly a real company's number), values an analyst
//! decided do not link, brands, gift card codes (a hash keyed to this instance), and any value
//! equal to a reporting victim's own email address or phone number.

use std::collections::{HashMap, HashSet};

use scamtrace_correlate::{Engine, LinkStatus};
use scamtrace_extract::{IndicatorKind, Origin};
use scamtrace_stix::{Shared, SharedCampaign};
use scamtrace_store::StoreError;
use time::OffsetDateTime;

use crate::correlation::{Correlator, Facts};

/// The midnight (UTC) of a `YYYY-MM-DD` day, or `fallback`.
fn day_start(day: &str, fallback: OffsetDateTime) -> OffsetDateTime {
    time::Date::parse(
        day.get(..10).unwrap_or(""),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map(|d| d.midnight().assume_utc())
    .unwrap_or(fallback)
}

fn shareable(status: LinkStatus, kind: IndicatorKind, in_cluster: u32) -> bool {
    match status {
        LinkStatus::Links | LinkStatus::DecidedLinking => true,
        LinkStatus::Context => {
            in_cluster >= 2
                && matches!(
                    kind,
                    IndicatorKind::Url | IndicatorKind::Ip | IndicatorKind::GiftCard
                )
        }
        LinkStatus::Hub | LinkStatus::Benign | LinkStatus::DecidedNotLinking => false,
    }
}

/// One operation as it may be shared, or `None` if it is not an operation (fewer than two
/// reports) or has nothing to share. `private` holds values that must never leave (victims'
/// own contact details).
pub fn shared_campaign(
    engine: &Engine<Facts>,
    cluster: u64,
    private: &HashSet<(IndicatorKind, String)>,
) -> Option<SharedCampaign> {
    if engine.cluster_size(cluster) < 2 {
        return None;
    }
    // Only this instance's reports: what partners shared is theirs to share, not ours.
    let members: Vec<_> = engine
        .members_with_attrs(cluster)
        .into_iter()
        .filter(|(_, f)| !f.is_partner())
        .collect();
    if members.is_empty() {
        return None;
    }
    let fallback = OffsetDateTime::UNIX_EPOCH;
    // How many of the operation's (local) reports hold each value, first and last seen.
    let mut seen: HashMap<(IndicatorKind, String), (u32, OffsetDateTime, OffsetDateTime)> =
        HashMap::new();
    let (mut first, mut last) = (None::<OffsetDateTime>, None::<OffsetDateTime>);
    let mut countries: HashMap<String, u32> = HashMap::new();
    let mut brands: HashMap<String, u32> = HashMap::new();
    let mut usd = 0.0;
    for (key, f) in &members {
        let at = day_start(&f.day(), f.received_at);
        first = Some(first.map_or(at, |x| x.min(at)));
        last = Some(last.map_or(at, |x| x.max(at)));
        *countries.entry(f.country.clone()).or_default() += 1;
        if let Some(b) = &f.brand {
            *brands.entry(b.clone()).or_default() += 1;
        }
        if let Some((c, a)) = &f.loss {
            usd += crate::clusters::usd(c, *a).unwrap_or(0.0);
        }
        for v in engine.report_values(*key) {
            let e = seen.entry((v.kind, v.value)).or_insert((0, at, at));
            e.0 += 1;
            e.1 = e.1.min(at);
            e.2 = e.2.max(at);
        }
    }
    let values: Vec<Shared> = engine
        .cluster_values(cluster)
        .into_iter()
        .filter_map(|(v, _)| {
            // Counted over this instance's reports only; a value only partners hold stays out.
            let n = seen.get(&(v.kind, v.value.clone()))?.0;
            Some((v, n))
        })
        .filter(|(v, n)| shareable(v.status, v.kind, *n))
        .filter(|(v, _)| !private.contains(&(v.kind, v.value.clone())))
        .map(|(v, n)| {
            let (_, first_seen, last_seen) = seen
                .get(&(v.kind, v.value.clone()))
                .copied()
                .unwrap_or((n, fallback, fallback));
            Shared {
                kind: v.kind,
                value: v.value,
                reports: n,
                first_seen,
                last_seen,
            }
        })
        .collect();
    if values.is_empty() {
        return None;
    }
    let sorted = |m: HashMap<String, u32>| {
        let mut l: Vec<(String, u32)> = m.into_iter().collect();
        l.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        l
    };
    Some(SharedCampaign {
        cluster,
        reports: members.len() as u32,
        countries: sorted(countries),
        brands: sorted(brands),
        losses_usd_estimate: usd.round(),
        first_seen: first.unwrap_or(fallback),
        last_seen: last.unwrap_or(fallback),
        values,
    })
}

/// The reporting victims' own email addresses and phone numbers among the reports of these
/// clusters, as correlation writes values: what sharing must never send, even when a victim
/// typed them into the story. Reads (and unseals) those reports.
pub async fn victims_contacts(
    intake: &scamtrace_intake::Intake,
    correlator: &Correlator,
    clusters: &[u64],
) -> Result<HashSet<(IndicatorKind, String)>, StoreError> {
    let ids: Vec<String> = {
        let engine = correlator.engine().await;
        clusters
            .iter()
            .flat_map(|c| engine.members_with_attrs(*c))
            .filter(|(_, f)| !f.is_partner())
            .map(|(_, f)| f.id.clone())
            .collect()
    };
    let mut private = HashSet::new();
    for id in ids {
        let Some(report) = intake.store().get_report(&id).await? else {
            continue;
        };
        let Ok(Some(reporter)) = intake.reporter_of(&report) else {
            continue;
        };
        for text in [reporter.email.as_deref(), reporter.phone.as_deref()]
            .into_iter()
            .flatten()
        {
            for i in intake
                .extractor()
                .extract_text(text, &report.country, Origin::Text)
            {
                private.insert((i.kind, i.value.clone()));
                if let Some(r) = i.attributes.get("registrable_domain")
                    && i.kind == IndicatorKind::Domain
                {
                    private.insert((i.kind, r.clone()));
                }
            }
            if let Some(email) = reporter.email.as_deref() {
                private.insert((IndicatorKind::Email, email.trim().to_lowercase()));
            }
        }
    }
    Ok(private)
}
