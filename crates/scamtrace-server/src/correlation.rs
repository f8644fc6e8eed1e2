//! The correlation engine inside the server: built from the store's report feed at start, kept
//! current by following the feed (reports this process stored, and those other processes stored
//! in the same PostgreSQL database), and read by the cluster and indicator APIs.
//!
//! The engine lives in memory; the store is the only truth. Every process that follows the same
//! feed computes the same partition, whatever order it saw the reports in (the engine's
//! incremental-equals-rebuild property).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use scamtrace_correlate::{Config, Decision, Engine, Event, Occurrence, link_value};
use scamtrace_extract::IndicatorKind;
use scamtrace_store::{
    ClusterEvent, IndicatorRow, PartnerObservation, ReportFacts, Store, StoreError, ValueDecision,
};
use time::OffsetDateTime;
use tokio::sync::{Mutex, Notify, RwLock, RwLockReadGuard};

/// Reports read from the feed per query.
const PAGE: u32 = 5_000;

/// How often the followers read analysts' decisions again (other processes may have taken some).
const DECISIONS_EVERY: Duration = Duration::from_secs(2);

/// How long a missing sequence number is looked for again: a PostgreSQL transaction can commit
/// a report after one with a higher number; a number that never shows up belonged to a
/// transaction that rolled back.
const GAP_PATIENCE: Duration = Duration::from_secs(60);

/// Engine keys of partner nodes start here: far above any report's sequence number, so that a
/// cluster holding a local report keeps that report's id, and below `i64::MAX` for the store.
pub const PARTNER_KEYS: u64 = 1 << 62;

/// The engine key of a partner node: the same on every process and every reading, from the
/// node's id (a UUID), above `PARTNER_KEYS` and below 2^63.
fn partner_key(node: &str) -> u64 {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(node.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    PARTNER_KEYS | (u64::from_be_bytes(bytes) >> 3)
}

/// A partner's node: one of its campaigns (or one loose indicator) as one import brought it.
#[derive(Clone, Debug)]
pub struct PartnerNode {
    pub partner: String,
    /// How many of the partner's reports it covers: the largest sighting count among its values.
    pub sightings: u32,
    /// The partner's campaign (STIX id), empty for a loose indicator.
    pub campaign: String,
    /// When the partner first and last saw its values (or received them, when it did not say).
    pub first_seen: OffsetDateTime,
    pub last_seen: OffsetDateTime,
    /// Shared under TLP:CLEAR: may count in what the public is told (verdicts, feeds).
    pub public: bool,
}

/// What a cluster summary needs of each report (or partner node).
#[derive(Clone, Debug)]
pub struct Facts {
    pub id: String,
    pub reference: String,
    pub received_at: OffsetDateTime,
    pub occurred_on: Option<String>,
    pub country: String,
    pub contact_method: String,
    pub brand: Option<String>,
    pub payment_method: Option<String>,
    /// Currency and amount in ten-thousandths, when the victim gave both.
    pub loss: Option<(String, u128)>,
    pub remote_tool: Option<String>,
    pub source: &'static str,
    /// Whose data the report is (`None`: the victim's own report).
    pub organization: Option<String>,
    /// Set for a partner's node, which is not a report of this instance.
    pub partner: Option<PartnerNode>,
    /// The reporter's identities and the public client's address, as keyed hashes (see
    /// `scamtrace_intake::Intake::reporter_keys`), which tell reports apart for verdicts.
    pub reporter_keys: Vec<u128>,
    pub client_key: Option<u128>,
}

/// Keyed hashes as stored (hex, comma-separated); what does not parse is left out.
fn keys(text: Option<&str>) -> Vec<u128> {
    text.unwrap_or("")
        .split(',')
        .filter_map(|k| u128::from_str_radix(k.trim(), 16).ok())
        .collect()
}

impl Facts {
    fn of(r: &ReportFacts) -> Facts {
        let payment = r.details.payment.as_ref();
        Facts {
            id: r.id.clone(),
            reference: r.reference.clone(),
            received_at: r.received_at,
            occurred_on: r.occurred_on.clone(),
            country: r.country.clone(),
            contact_method: r.contact_method.clone(),
            brand: r.brand.clone(),
            payment_method: payment.map(|p| p.method.as_str().to_string()),
            loss: payment.and_then(|p| {
                Some((
                    p.currency.as_ref()?.as_str().to_string(),
                    p.amount.as_ref()?.ten_thousandths(),
                ))
            }),
            remote_tool: r
                .details
                .remote_access
                .as_ref()
                .and_then(|ra| ra.tool.clone()),
            source: r.source.as_str(),
            organization: r.organization.clone(),
            partner: None,
            reporter_keys: keys(r.reporter_keys.as_deref()),
            client_key: keys(r.client_key.as_deref()).first().copied(),
        }
    }

    /// A partner node's facts from its observations (all of one node; not empty).
    fn of_partner(rows: &[PartnerObservation]) -> Facts {
        let first = &rows[0];
        let seen = rows
            .iter()
            .filter_map(|r| r.first_seen.or(r.last_seen))
            .min();
        Facts {
            id: first.node.clone(),
            reference: first.partner.clone(),
            received_at: rows
                .iter()
                .map(|r| r.received_at)
                .min()
                .unwrap_or(first.received_at),
            occurred_on: seen.map(|t| t.date().to_string()),
            country: String::new(),
            contact_method: String::new(),
            brand: None,
            payment_method: None,
            loss: None,
            remote_tool: None,
            source: "partner",
            organization: Some(first.partner.clone()),
            reporter_keys: Vec::new(),
            client_key: None,
            partner: Some(PartnerNode {
                first_seen: rows
                    .iter()
                    .map(|r| r.first_seen.or(r.last_seen).unwrap_or(r.received_at))
                    .min()
                    .unwrap_or(first.received_at),
                last_seen: rows
                    .iter()
                    .map(|r| r.last_seen.or(r.first_seen).unwrap_or(r.received_at))
                    .max()
                    .unwrap_or(first.received_at),
                public: rows.iter().all(|r| {
                    r.tlp.as_deref().and_then(scamtrace_stix::Tlp::parse)
                        == Some(scamtrace_stix::Tlp::Clear)
                }),
                partner: first.partner.clone(),
                sightings: rows
                    .iter()
                    .filter_map(|r| r.sightings)
                    .max()
                    .unwrap_or(1)
                    .clamp(1, i64::from(u32::MAX)) as u32,
                campaign: first.campaign.clone(),
            }),
        }
    }

    pub fn is_partner(&self) -> bool {
        self.partner.is_some()
    }

    /// The day the scam happened, or else the day it was reported (`YYYY-MM-DD`).
    pub fn day(&self) -> String {
        self.occurred_on
            .clone()
            .unwrap_or_else(|| self.received_at.date().to_string())
    }
}

/// The value a stored indicator links by (see [`scamtrace_correlate::link_value`]): a domain
/// by its registrable domain, everything else as it is.
pub fn link_form(row: &IndicatorRow) -> String {
    let Some(kind) = IndicatorKind::parse(&row.kind) else {
        return row.value.clone();
    };
    let registrable = if kind == IndicatorKind::Domain {
        serde_json::from_str::<BTreeMap<String, String>>(&row.attributes)
            .ok()
            .and_then(|mut a| a.remove("registrable_domain"))
    } else {
        None
    };
    link_value(kind, &row.value, registrable.as_deref()).to_string()
}

/// The values a stored report links by.
fn occurrences(rows: &[IndicatorRow]) -> Vec<(IndicatorKind, String, bool)> {
    rows.iter()
        .filter_map(|row| {
            let kind = IndicatorKind::parse(&row.kind)?;
            Some((kind, link_form(row), row.linking))
        })
        .collect()
}

/// The partner nodes that observations after `feed.last_observation` make: one per node id,
/// keyed by its first row's position, holding every value of the partner's campaign so far (a
/// later import of the same campaign joins the earlier one through them).
async fn partner_nodes(
    store: &dyn Store,
    feed: &mut Feed,
) -> Result<Vec<(u64, Facts, Vec<(IndicatorKind, String, bool)>)>, StoreError> {
    let mut rows = Vec::new();
    let mut position = feed.last_observation;
    // Up to the first missing number: a PostgreSQL transaction may still commit it. The rows
    // after it are read again next time (their nodes are ignored then, being known).
    let mut contiguous = Some(feed.last_observation);
    loop {
        let page = store.observations_after(position, PAGE).await?;
        let Some(last) = page.last() else { break };
        for r in &page {
            contiguous = contiguous.filter(|c| r.seq == c + 1).map(|_| r.seq);
        }
        position = last.seq;
        let full = page.len() as u32 == PAGE;
        rows.extend(page);
        if !full {
            break;
        }
    }
    match contiguous {
        Some(c) => {
            feed.last_observation = c;
            feed.observation_gap_since = None;
        }
        None => {
            let since = *feed.observation_gap_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= GAP_PATIENCE {
                // A number that never came belonged to a transaction that rolled back.
                feed.last_observation = position;
                feed.observation_gap_since = None;
            }
        }
    }
    let mut groups: BTreeMap<i64, Vec<PartnerObservation>> = BTreeMap::new();
    let mut first_of: HashMap<String, i64> = HashMap::new();
    for r in rows {
        let first = *first_of.entry(r.node.clone()).or_insert(r.seq);
        groups.entry(first).or_default().push(r);
    }
    let mut out = Vec::with_capacity(groups.len());
    for rows in groups.into_values() {
        let head = &rows[0];
        let all = if head.campaign.is_empty() {
            rows.clone()
        } else {
            store
                .observations_of_campaign(&head.partner_identity, &head.campaign)
                .await?
        };
        let mut values: Vec<(IndicatorKind, String, bool)> = all
            .iter()
            .filter_map(|r| Some((IndicatorKind::parse(&r.kind)?, r.value.clone(), true)))
            .collect();
        values.sort();
        values.dedup();
        out.push((partner_key(&head.node), Facts::of_partner(&rows), values));
    }
    Ok(out)
}

/// The engine's merges and splits as the store records them.
fn recorded(events: Vec<Event>) -> Vec<ClusterEvent> {
    let at = OffsetDateTime::now_utc();
    events
        .into_iter()
        .map(|e| match e {
            Event::Merged {
                survivor,
                absorbed,
                by_report,
            } => ClusterEvent {
                kind: "merged".into(),
                cluster: survivor as i64,
                other: absorbed.to_string(),
                by_report: by_report.map(|k| k as i64),
                at,
            },
            Event::Split { cluster, parts } => ClusterEvent {
                kind: "split".into(),
                cluster: cluster as i64,
                other: parts
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
                by_report: None,
                at,
            },
        })
        .collect()
}

#[derive(Default)]
struct Feed {
    last_seq: i64,
    /// Position in the feed of partner observations: every row up to it has been read.
    last_observation: i64,
    /// Since when a missing observation number has held the position back (see `GAP_PATIENCE`).
    observation_gap_since: Option<Instant>,
    /// Numbers below `last_seq` not seen yet, with when they were first missed.
    gaps: BTreeMap<i64, Instant>,
    /// Analysts' decisions as last read, and when.
    decisions: HashMap<(IndicatorKind, String), Decision>,
    decisions_read: Option<Instant>,
}

/// A stored decision as the engine takes it; `None` for a row this version does not understand.
fn decision_of(d: &ValueDecision) -> Option<((IndicatorKind, String), Decision)> {
    let kind = IndicatorKind::parse(&d.kind)?;
    let decision = match d.decision.as_str() {
        "linking" => Decision::Linking,
        "not_linking" => Decision::NotLinking,
        _ => return None,
    };
    Some(((kind, d.value.clone()), decision))
}

/// The engine, its position in the feed, and the report ids it knows.
pub struct Correlator {
    engine: RwLock<Engine<Facts>>,
    ids: RwLock<HashMap<String, u64>>,
    feed: Mutex<Feed>,
    wake: Notify,
    /// Counts changes to the engine, so that what is derived from it (feeds) knows when to be
    /// derived again.
    generation: std::sync::atomic::AtomicU64,
}

impl Correlator {
    pub fn new(config: Config) -> Correlator {
        Correlator {
            engine: RwLock::new(Engine::new(config)),
            ids: RwLock::new(HashMap::new()),
            feed: Mutex::new(Feed::default()),
            wake: Notify::new(),
            generation: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Builds the engine from every stored report at once.
    pub async fn load(&self, store: &dyn Store) -> Result<usize, StoreError> {
        let started = Instant::now();
        let mut feed = self.feed.lock().await;
        let mut engine = self.engine.write().await;
        let mut ids = self.ids.write().await;
        let mut bulk = Engine::bulk(engine.config());
        let expected = store.count_reports().await? as usize;
        bulk.reserve(expected, expected);
        let mut count = 0;
        loop {
            let page = store.report_facts(feed.last_seq, PAGE).await?;
            let Some(last) = page.last() else { break };
            feed.last_seq = last.seq;
            for r in &page {
                let values = occurrences(&r.indicators);
                ids.insert(r.id.clone(), r.seq as u64);
                bulk.add(r.seq as u64, Facts::of(r), &Occurrence::lent(&values));
                count += 1;
            }
        }
        for (key, facts, values) in partner_nodes(store, &mut feed).await? {
            bulk.add(key, facts, &Occurrence::lent(&values));
        }
        feed.decisions = store
            .list_value_decisions()
            .await?
            .iter()
            .filter_map(decision_of)
            .collect();
        feed.decisions_read = Some(Instant::now());
        for ((kind, value), decision) in &feed.decisions {
            bulk.decide(*kind, value, *decision);
        }
        *engine = bulk.finish();
        self.bump();
        tracing::info!(
            reports = count,
            clusters = engine.clusters(2).count(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "correlation engine built"
        );
        Ok(count)
    }

    /// Reads what the feed holds beyond what the engine has seen and adds it. Returns how many
    /// reports were added.
    pub async fn catch_up(&self, store: &dyn Store) -> Result<usize, StoreError> {
        let mut feed = self.feed.lock().await;
        let now = Instant::now();
        feed.gaps
            .retain(|_, first| now.duration_since(*first) < GAP_PATIENCE);
        let mut fresh = Vec::new();
        if !feed.gaps.is_empty() {
            let missing: Vec<i64> = feed.gaps.keys().copied().collect();
            fresh.extend(store.report_facts_at(&missing).await?);
        }
        loop {
            let page = store.report_facts(feed.last_seq, PAGE).await?;
            let Some(last) = page.last() else { break };
            let mut expected = feed.last_seq + 1;
            for r in &page {
                for gap in expected..r.seq {
                    feed.gaps.insert(gap, now);
                }
                expected = r.seq + 1;
            }
            feed.last_seq = last.seq;
            let full = page.len() as u32 == PAGE;
            fresh.extend(page);
            if !full {
                break;
            }
        }
        let decisions_due = feed
            .decisions_read
            .is_none_or(|at| now.duration_since(at) >= DECISIONS_EVERY);
        let mut changed: Vec<((IndicatorKind, String), Option<Decision>)> = Vec::new();
        if decisions_due {
            let current: HashMap<(IndicatorKind, String), Decision> = store
                .list_value_decisions()
                .await?
                .iter()
                .filter_map(decision_of)
                .collect();
            for (key, decision) in &current {
                if feed.decisions.get(key) != Some(decision) {
                    changed.push((key.clone(), Some(*decision)));
                }
            }
            for key in feed.decisions.keys() {
                if !current.contains_key(key) {
                    changed.push((key.clone(), None));
                }
            }
            feed.decisions = current;
            feed.decisions_read = Some(now);
        }
        let partners = partner_nodes(store, &mut feed).await?;
        if fresh.is_empty() && changed.is_empty() && partners.is_empty() {
            return Ok(0);
        }
        let mut engine = self.engine.write().await;
        for ((kind, value), decision) in changed {
            engine.decide(kind, &value, decision);
        }
        let mut ids = self.ids.write().await;
        let mut added = 0;
        for r in &fresh {
            feed.gaps.remove(&r.seq);
            let values = occurrences(&r.indicators);
            if engine.add_report(r.seq as u64, Facts::of(r), &Occurrence::lent(&values)) {
                ids.insert(r.id.clone(), r.seq as u64);
                added += 1;
            }
        }
        for (key, facts, values) in partners {
            engine.add_report(key, facts, &Occurrence::lent(&values));
        }
        let events = recorded(engine.drain_events());
        self.bump();
        drop((engine, ids));
        store.append_cluster_events(events).await?;
        Ok(added)
    }

    /// Follows the feed: at once when [`Correlator::wake`] is called (this process stored a
    /// report), and every `every` otherwise (other processes' reports).
    pub fn follow(self: &Arc<Self>, store: Arc<dyn Store>, every: Duration) {
        let this = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = this.catch_up(store.as_ref()).await {
                    tracing::warn!(error = %e, "correlation feed could not be read");
                }
                let _ = tokio::time::timeout(every, this.wake.notified()).await;
            }
        });
    }

    /// Tells the follower that new reports are in the store.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Records an analyst's decision (stored first, so that every process follows it) and
    /// applies it here at once.
    pub async fn decide(
        &self,
        store: &dyn Store,
        record: Option<ValueDecision>,
        kind: IndicatorKind,
        value: &str,
    ) -> Result<(), StoreError> {
        let mut feed = self.feed.lock().await;
        let decision = match &record {
            Some(r) => {
                store.set_value_decision(r.clone()).await?;
                decision_of(r).map(|(_, d)| d)
            }
            None => {
                store.delete_value_decision(kind.as_str(), value).await?;
                None
            }
        };
        match decision {
            Some(d) => feed.decisions.insert((kind, value.to_string()), d),
            None => feed.decisions.remove(&(kind, value.to_string())),
        };
        let events = {
            let mut engine = self.engine.write().await;
            engine.decide(kind, value, decision);
            self.bump();
            recorded(engine.drain_events())
        };
        store.append_cluster_events(events).await
    }

    fn bump(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::Release);
    }

    /// Changes whenever the engine does.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    pub async fn engine(&self) -> RwLockReadGuard<'_, Engine<Facts>> {
        self.engine.read().await
    }

    /// The engine key (sequence number) of a report id.
    pub async fn key_of(&self, report_id: &str) -> Option<u64> {
        self.ids.read().await.get(report_id).copied()
    }
}
