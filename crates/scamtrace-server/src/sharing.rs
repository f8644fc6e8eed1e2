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
    let mut reports = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(report) = intake.store().get_report(&id).await? {
            reports.push(report);
        }
    }
    Ok(contacts_in(intake, &reports))
}

/// [`victims_contacts`] of reports already read.
pub fn contacts_in<'a>(
    intake: &scamtrace_intake::Intake,
    reports: impl IntoIterator<Item = &'a scamtrace_store::StoredReport>,
) -> HashSet<(IndicatorKind, String)> {
    let mut private = HashSet::new();
    for report in reports {
        let Ok(Some(reporter)) = intake.reporter_of(report) else {
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
                    private.insert((i.kind, r.to_owned()));
                }
            }
            if let Some(email) = reporter.email.as_deref() {
                private.insert((IndicatorKind::Email, email.trim().to_lowercase()));
            }
        }
    }
    private
}

/// What storing a partner's objects as observations did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub partner: String,
    pub observations: usize,
    pub new: u64,
    pub campaigns: usize,
    pub rejected_objects: usize,
    pub unreadable_values: usize,
    /// `(object id, problem)` of the first few objects that could not be read.
    #[serde(skip)]
    pub problems: Vec<(String, String)>,
}

/// Whose intelligence a set of objects is: the identity that authored most of its observations,
/// by the name the objects give it.
pub fn author_of(parsed: &scamtrace_stix::Parsed) -> Option<(String, Option<String>)> {
    let mut authors: HashMap<&str, usize> = HashMap::new();
    for o in &parsed.observations {
        if let Some(a) = &o.author {
            *authors.entry(a.as_str()).or_default() += 1;
        }
    }
    let id = authors
        .iter()
        .max_by_key(|(id, n)| (**n, std::cmp::Reverse(**id)))
        .map(|(id, _)| id.to_string())?;
    Some((id.clone(), parsed.identities.get(&id).cloned()))
}

/// Stores what a partner shared (a bundle's or a TAXII envelope's objects) as that partner's
/// observations, which join correlation and never mix with reports. Values are canonicalized as
/// this instance's own; an indicator that arrives without its `indicates` relationship (sent in
/// an earlier envelope) keeps the campaigns it was seen with before. A replay stores nothing.
pub async fn import_objects(
    intake: &scamtrace_intake::Intake,
    partner: &str,
    objects: &[serde_json::Value],
) -> Result<ImportSummary, StoreError> {
    let parsed = scamtrace_stix::parse_bundle(objects);
    let now = OffsetDateTime::now_utc();
    // The campaigns indicators without their relationship here were seen with before, in one read.
    let loose: Vec<String> = parsed
        .observations
        .iter()
        .filter(|o| o.campaigns.is_empty())
        .map(|o| o.stix_id.clone())
        .collect();
    let earlier = if loose.is_empty() {
        Vec::new()
    } else {
        intake.store().observation_campaigns(&loose).await?
    };
    let mut rows = Vec::new();
    let mut unreadable = 0usize;
    let mut nodes: HashMap<String, String> = HashMap::new();
    for o in &parsed.observations {
        let Some((kind, value)) =
            crate::clusters::canonical_value(intake.extractor(), Some(o.kind), &o.value, None)
        else {
            unreadable += 1;
            continue;
        };
        let mut campaigns: Vec<String> = o.campaigns.clone();
        if campaigns.is_empty() {
            campaigns = earlier
                .iter()
                .filter(|(id, _)| *id == o.stix_id)
                .map(|(_, c)| c.clone())
                .collect();
        }
        if campaigns.is_empty() {
            campaigns.push(String::new());
        }
        // One correlation node per partner campaign (or per loose indicator) in this import.
        for campaign in campaigns {
            let group = if campaign.is_empty() {
                o.stix_id.clone()
            } else {
                campaign.clone()
            };
            let node = nodes
                .entry(group)
                .or_insert_with(|| uuid::Uuid::now_v7().to_string())
                .clone();
            rows.push(scamtrace_store::PartnerObservation {
                seq: 0,
                node,
                partner: partner.to_string(),
                partner_identity: o.author.clone().unwrap_or_default(),
                stix_id: o.stix_id.clone(),
                version: o.version.clone(),
                campaign,
                kind: kind.as_str().to_string(),
                value: value.clone(),
                sightings: o.count.map(i64::from),
                first_seen: o.first_seen,
                last_seen: o.last_seen,
                tlp: o.tlp.map(|t| t.name().to_string()),
                received_at: now,
            });
        }
    }
    let observations = rows.len();
    let new = intake.store().insert_observations(rows).await?;
    Ok(ImportSummary {
        partner: partner.to_string(),
        observations,
        new,
        campaigns: parsed.campaigns.len(),
        rejected_objects: parsed.rejected.len(),
        unreadable_values: unreadable,
        problems: parsed.rejected.into_iter().take(20).collect(),
    })
}

/// The operations this instance may share now, as campaigns: every cluster of two or more
/// reports with something shareable, largest first (or the chosen ones).
pub async fn shareable_campaigns(
    intake: &scamtrace_intake::Intake,
    correlator: &Correlator,
    clusters: Option<&[u64]>,
) -> Result<Vec<SharedCampaign>, StoreError> {
    let clusters: Vec<u64> = match clusters {
        Some(chosen) => chosen.to_vec(),
        None => {
            let engine = correlator.engine().await;
            let mut all: Vec<(u64, u32)> = engine.clusters(2).collect();
            all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            all.into_iter().map(|(id, _)| id).collect()
        }
    };
    let private = victims_contacts(intake, correlator, &clusters).await?;
    let engine = correlator.engine().await;
    Ok(clusters
        .iter()
        .filter_map(|c| shared_campaign(&engine, *c, &private))
        .collect())
}

/// What was published last into each collection: per object id, a fingerprint of its content
/// (without `created` and `modified`), its version and its `created`. An object is published
/// again, as a new version, only when its content changed.
#[derive(Default)]
pub struct Published {
    loaded: HashSet<String>,
    /// By collection and object id.
    objects: HashMap<(String, String), PublishedObject>,
}

/// An object's last published version.
#[derive(Clone, Debug)]
struct PublishedObject {
    /// A fingerprint of its content without `created` and `modified`.
    print: Vec<u8>,
    version: i64,
    created: Option<String>,
    /// Campaigns, indicators, sightings and relationships are revoked when they vanish.
    revocable: bool,
    revoked: bool,
}

fn revocable(object_type: &str) -> bool {
    matches!(
        object_type,
        "campaign" | "indicator" | "sighting" | "relationship"
    )
}

/// An object's `created`, which every later version keeps.
fn created_of(object: &serde_json::Value) -> Option<String> {
    object
        .get("created")
        .and_then(|c| c.as_str())
        .map(str::to_string)
}

fn fingerprint(object: &serde_json::Value) -> Vec<u8> {
    use sha2::Digest;
    let mut o = object.clone();
    if let Some(map) = o.as_object_mut() {
        map.remove("created");
        map.remove("modified");
    }
    sha2::Sha256::digest(o.to_string().as_bytes()).to_vec()
}

/// What one publication did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PublishSummary {
    pub collections: usize,
    pub operations: usize,
    /// Objects stored as new objects or new versions.
    pub published: usize,
    /// Objects unchanged since their last version.
    pub unchanged: usize,
    /// Objects no longer shared, published again as revoked.
    pub revoked: usize,
}

/// Publishes this instance's shareable operations into every collection that publishes them, at
/// the collection's TLP, by `organization`: campaigns, indicators, observables, sightings and
/// relationships, never a report or anything personal (see the module's policy). Only objects
/// whose content changed get a new version (`modified` moves on, `created` stays).
pub async fn publish(
    intake: &scamtrace_intake::Intake,
    correlator: &Correlator,
    organization: &str,
    memory: &mut Published,
) -> Result<PublishSummary, StoreError> {
    let store = intake.store();
    let targets: Vec<_> = store
        .taxii_collections()
        .await?
        .into_iter()
        .filter(|c| c.publishes.as_deref() == Some("operations"))
        .collect();
    let mut summary = PublishSummary {
        collections: targets.len(),
        ..PublishSummary::default()
    };
    if targets.is_empty() {
        return Ok(summary);
    }
    let campaigns = shareable_campaigns(intake, correlator, None).await?;
    summary.operations = campaigns.len();
    for collection in targets {
        if memory.loaded.insert(collection.id.clone()) {
            remember_collection(store.as_ref(), &collection.id, memory).await?;
        }
        let tlp = scamtrace_stix::Tlp::parse(&collection.tlp).unwrap_or(scamtrace_stix::Tlp::Amber);
        let now = OffsetDateTime::now_utc();
        let now_ms = scamtrace_store::to_micros(now) / 1_000 * 1_000;
        let author = scamtrace_stix::Author::new(organization, tlp, now);
        let bundle = author.bundle(&campaigns, &[]);
        let objects = bundle["objects"].as_array().cloned().unwrap_or_default();
        let mut fresh = Vec::new();
        let mut remembered = Vec::new();
        let mut current: HashSet<String> = HashSet::new();
        for mut object in objects {
            let Ok(facts) = scamtrace_stix::check_object(&object) else {
                tracing::error!("an object ScamTrace wrote failed its own check; not published");
                continue;
            };
            current.insert(facts.id.clone());
            let print = fingerprint(&object);
            let key = (collection.id.clone(), facts.id.clone());
            let before = memory.objects.get(&key);
            // A revoked object stays revoked (STIX): a value shared again after that is not.
            if before.is_some_and(|b| b.print == print || b.revoked) {
                summary.unchanged += 1;
                continue;
            }
            let mut version = facts.version.unwrap_or(0);
            if object.get("modified").is_some() {
                if let Some(b) = before {
                    if let Some(created) = &b.created {
                        object["created"] = serde_json::json!(created);
                    }
                    version = now_ms.max(b.version + 1_000);
                } else {
                    version = now_ms.max(version);
                }
                object["modified"] = serde_json::json!(scamtrace_stix::format_timestamp(version));
            }
            let created = created_of(&object);
            remembered.push((
                key,
                PublishedObject {
                    print,
                    version,
                    created,
                    revocable: revocable(&facts.object_type),
                    revoked: false,
                },
            ));
            fresh.push(scamtrace_store::NewTaxiiObject {
                id: facts.id,
                version,
                object_type: facts.object_type,
                spec_version: facts.spec_version,
                tlp: facts.tlp.unwrap_or(tlp).name().to_string(),
                audience: collection.audience.clone(),
                added_by: None,
                body: object.to_string(),
            });
        }
        // What was published before and is no longer shareable (an operation absorbed by another
        // or split, a value decided not to link) is revoked: a new version saying so.
        let vanished: Vec<String> = memory
            .objects
            .iter()
            .filter(|((c, id), p)| {
                *c == collection.id && p.revocable && !p.revoked && !current.contains(id)
            })
            .map(|((_, id), _)| id.clone())
            .collect();
        for ids in vanished.chunks(500) {
            let latest = store
                .taxii_objects(&scamtrace_store::TaxiiQuery {
                    collection: collection.id.clone(),
                    reader: scamtrace_store::Reader::Local,
                    added_after: None,
                    ids: ids.to_vec(),
                    types: Vec::new(),
                    versions: scamtrace_store::VersionFilter::Last,
                    spec_versions: Vec::new(),
                    limit: ids.len() as u32,
                })
                .await?;
            for o in latest {
                let Ok(mut object) = serde_json::from_str::<serde_json::Value>(&o.body) else {
                    continue;
                };
                let version = now_ms.max(o.version + 1_000);
                object["revoked"] = serde_json::json!(true);
                object["modified"] = serde_json::json!(scamtrace_stix::format_timestamp(version));
                let key = (collection.id.clone(), o.id.clone());
                remembered.push((
                    key,
                    PublishedObject {
                        print: fingerprint(&object),
                        version,
                        created: created_of(&object),
                        revocable: true,
                        revoked: true,
                    },
                ));
                summary.revoked += 1;
                fresh.push(scamtrace_store::NewTaxiiObject {
                    id: o.id,
                    version,
                    object_type: o.object_type,
                    spec_version: o.spec_version,
                    tlp: o.tlp,
                    audience: collection.audience.clone(),
                    added_by: None,
                    body: object.to_string(),
                });
            }
        }
        summary.published += fresh.len();
        store.add_taxii_objects(&collection.id, fresh).await?;
        memory.objects.extend(remembered);
    }
    Ok(summary)
}

/// Reads what a collection holds (the newest version of each object) into `memory`.
async fn remember_collection(
    store: &dyn scamtrace_store::Store,
    collection: &str,
    memory: &mut Published,
) -> Result<(), StoreError> {
    let mut after = None;
    loop {
        let page = store
            .taxii_objects(&scamtrace_store::TaxiiQuery {
                collection: collection.to_string(),
                reader: scamtrace_store::Reader::Local,
                added_after: after,
                ids: Vec::new(),
                types: Vec::new(),
                versions: scamtrace_store::VersionFilter::Last,
                spec_versions: Vec::new(),
                limit: 1_000,
            })
            .await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = Some(last.date_added);
        for o in page.into_iter().filter(|o| o.added_by.is_none()) {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(&o.body) else {
                continue;
            };
            let created = created_of(&value);
            let revoked = value.get("revoked").and_then(|r| r.as_bool()) == Some(true);
            memory.objects.insert(
                (collection.to_string(), o.id),
                PublishedObject {
                    print: fingerprint(&value),
                    version: o.version,
                    created,
                    revocable: revocable(&o.object_type),
                    revoked,
                },
            );
        }
    }
}
