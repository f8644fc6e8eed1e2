//! Protection over HTTP: verdict lookups (one value or a batch), the privacy-preserving hash
//! lookup, blocklist feeds, analysts' verdict decisions, and the public "Check a number or
//! website" page. The rules are `scamtrace_protect`'s; this module gathers their evidence from
//! the correlation engine, analysts' verdict decisions and domain-watch hits.
//!
//! Two audiences see verdicts: the public (anyone, the feeds and the hash lookup) and staff
//! (analysts and admins). A partner's sighting counts for the public only when the partner
//! shared it under TLP:CLEAR: a public verdict must not republish what a partner shared under a
//! more restrictive marking. Staff see every sighting, and the names of the organizations.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use scamtrace_correlate::Engine;
use scamtrace_extract::{Extractor, IndicatorKind, Origin};
use scamtrace_model::KNOWN_BRANDS;
use scamtrace_protect::feed::{self, FeedEntry, FeedMeta, Format};
use scamtrace_protect::privacy;
use scamtrace_protect::verdict::{
    Assessment, Decision, Evidence, PartnerSighting, Policy, ReportSighting, Verdict,
    WatchSighting, assess,
};
use scamtrace_store::{AuditEvent, Store, StoreError, VerdictDecision, WatchHit};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Digest;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::{Mutex, RwLock};

use crate::AppState;
use crate::api::read_body;
use crate::auth::{Principal, Role};
use crate::correlation::Facts;
use crate::error::ApiError;
use crate::i18n::{CATALOGS, Lang};
use crate::middleware::{client_ip, peer_of};
use crate::pages::{Page, v};
use crate::ratelimit::RateLimiter;

/// Values per batch lookup.
pub const MAX_BATCH: usize = 500;

/// A batch lookup takes one token of the caller's bucket per this many values.
const VALUES_PER_TOKEN: usize = 25;

/// How often decisions and watch hits are read again (other processes write them too: other
/// servers on the same PostgreSQL database, `watch-domains --ingest`).
const REREAD_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// A value in at least this many reports has its assessment kept (see `Protector::heavy`).
const HEAVY: u32 = 64;

/// Kept assessments of heavy values beyond this many are dropped all at once.
const HEAVY_KEPT: usize = 10_000;

/// Feeds and hash buckets are derived again at least this often, so that verdicts lapse on time
/// even when nothing else changes.
const SNAPSHOT_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// Protection settings (`[server.protect]`).
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProtectConfig {
    /// Days evidence counts after a value's last sighting, per kind (`phone = 180`, ...); kinds
    /// not named keep their defaults.
    pub lifetime_days: std::collections::BTreeMap<String, u32>,
    /// Independent reports that make a value `scam`.
    pub reports_for_scam: u32,
    /// Reports from one client address within this many hours count once.
    pub same_client_hours: u32,
    /// Anonymous lookups (and hash and feed requests) per client address per minute; 0 turns
    /// the limit off. Callers with a token are not limited.
    pub lookup_rate_per_minute: u32,
    pub lookup_burst: u32,
    /// How long a public lookup answer may be served again to the next caller asking the same
    /// way, while nothing it depends on changed; 0 turns the cache off.
    pub answer_cache_seconds: u64,
}

impl Default for ProtectConfig {
    fn default() -> Self {
        ProtectConfig {
            lifetime_days: Default::default(),
            reports_for_scam: 3,
            same_client_hours: 24,
            lookup_rate_per_minute: 300,
            lookup_burst: 60,
            answer_cache_seconds: 10,
        }
    }
}

impl ProtectConfig {
    /// The verdict policy these settings describe, or what is wrong with them.
    pub fn policy(&self) -> Result<Policy, String> {
        let mut policy = Policy::default();
        for (kind, days) in &self.lifetime_days {
            let k = IndicatorKind::parse(kind)
                .ok_or_else(|| format!("protect.lifetime_days: unknown kind {kind:?}"))?;
            if *days == 0 {
                return Err(format!(
                    "protect.lifetime_days.{kind}: must be at least 1 day"
                ));
            }
            policy.lifetimes.set(k, *days);
        }
        if self.reports_for_scam == 0 {
            return Err("protect.reports_for_scam: must be at least 1".into());
        }
        policy.reports_for_scam = self.reports_for_scam;
        policy.same_client_window = time::Duration::hours(i64::from(self.same_client_hours));
        Ok(policy)
    }
}

/// Who is asking: what a verdict may rest on and show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Audience {
    Public,
    Staff,
}

impl Audience {
    pub fn of(principal: Option<&Principal>) -> Audience {
        match principal.map(|p| p.role) {
            Some(Role::Analyst | Role::Admin) => Audience::Staff,
            _ => Audience::Public,
        }
    }
}

/// An analyst's decision as held in memory.
#[derive(Clone, Debug)]
pub struct DecisionRecord {
    pub decision: Decision,
    pub at: OffsetDateTime,
    pub reason: String,
    pub by: String,
}

/// A watch hit as held in memory.
#[derive(Clone, Debug)]
pub struct WatchRecord {
    pub sighting: WatchSighting,
    pub family: String,
    pub reasons: Value,
}

#[derive(Default)]
struct Known {
    decisions: HashMap<(IndicatorKind, String), DecisionRecord>,
    watch: HashMap<String, WatchRecord>,
}

/// One entry of a hash bucket.
#[derive(Clone, Debug)]
struct BucketEntry {
    hash: [u8; 32],
    verdict: Verdict,
    expires_at: Option<OffsetDateTime>,
}

/// What is derived from every value at once: the feeds and the hash buckets (public audience).
struct Snapshot {
    engine_generation: u64,
    known_generation: u64,
    built: Instant,
    generated_at: OffsetDateTime,
    feeds: HashMap<IndicatorKind, Vec<FeedEntry>>,
    buckets: HashMap<u16, Vec<BucketEntry>>,
}

/// The protection state of a server.
pub struct Protector {
    policy: Policy,
    known: RwLock<Known>,
    known_generation: AtomicU64,
    read_at: Mutex<Option<Instant>>,
    snapshot: Mutex<Option<Arc<Snapshot>>>,
    limiter: RateLimiter,
    /// Assessments of values held by many reports, which take time proportional to their
    /// reports: kept while the value's report count and the decisions and hits are unchanged,
    /// for at most a minute (verdicts lapse with time). Reports never change once stored, so
    /// the same count means the same evidence. Without this, looking up a hub value (a large
    /// platform's domain in thousands of reports) again and again would cost the server dearly.
    heavy: std::sync::Mutex<HashMap<(IndicatorKind, String, Audience), HeavyEntry>>,
    /// Public answers to `GET /api/v1/lookup`, by the request's value, kind, region and
    /// language: call blockers and browsers ask about the same values again and again. An answer
    /// stands while the engine, decisions and watch hits are unchanged, for at most
    /// `answer_cache_seconds` (verdicts lapse by the day, so an answer is at most that late).
    answers: dashmap::DashMap<String, CachedAnswer>,
    answer_seconds: u64,
}

/// Most cached answers; when full, the cache starts again empty.
const MAX_ANSWERS: usize = 100_000;

struct CachedAnswer {
    engine_generation: u64,
    known_generation: u64,
    at: Instant,
    body: Vec<u8>,
}

struct HeavyEntry {
    reports: u32,
    known_generation: u64,
    at: Instant,
    assessment: Assessment,
}

impl Protector {
    pub fn new(config: &ProtectConfig) -> Protector {
        Protector {
            policy: config.policy().unwrap_or_default(),
            known: RwLock::new(Known::default()),
            known_generation: AtomicU64::new(0),
            read_at: Mutex::new(None),
            snapshot: Mutex::new(None),
            limiter: RateLimiter::new(config.lookup_rate_per_minute, config.lookup_burst),
            heavy: std::sync::Mutex::new(HashMap::new()),
            answers: dashmap::DashMap::new(),
            answer_seconds: config.answer_cache_seconds,
        }
    }

    /// A cached public answer for `key`, if it still stands.
    fn cached_answer(&self, key: &str, engine_generation: u64) -> Option<Vec<u8>> {
        let known_generation = self.known_generation.load(Ordering::Acquire);
        let hit = self.answers.get(key)?;
        (hit.engine_generation == engine_generation
            && hit.known_generation == known_generation
            && hit.at.elapsed().as_secs() < self.answer_seconds)
            .then(|| hit.body.clone())
    }

    fn keep_answer(
        &self,
        key: String,
        engine_generation: u64,
        known_generation: u64,
        body: Vec<u8>,
    ) {
        if self.answer_seconds == 0 {
            return;
        }
        if self.answers.len() >= MAX_ANSWERS {
            self.answers.clear();
        }
        self.answers.insert(
            key,
            CachedAnswer {
                engine_generation,
                known_generation,
                at: Instant::now(),
                body,
            },
        );
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Reads decisions and watch hits again when they are due (at most every few seconds; one
    /// caller reads while the others go on with what is known).
    pub async fn refresh(&self, store: &dyn Store) -> Result<(), StoreError> {
        let Ok(mut read_at) = self.read_at.try_lock() else {
            return Ok(());
        };
        if read_at.is_some_and(|at| at.elapsed() < REREAD_EVERY) {
            return Ok(());
        }
        let decisions = store.list_verdict_decisions().await?;
        let hits = store.watch_hits().await?;
        let mut known = Known::default();
        for d in decisions {
            let (Some(kind), Some(decision)) =
                (IndicatorKind::parse(&d.kind), Decision::parse(&d.decision))
            else {
                continue;
            };
            known.decisions.insert(
                (kind, d.value),
                DecisionRecord {
                    decision,
                    at: d.decided_at,
                    reason: d.reason,
                    by: d.decided_by,
                },
            );
        }
        for h in hits {
            known.watch.insert(h.domain.clone(), watch_record(&h));
        }
        let mut current = self.known.write().await;
        let changed = current.decisions.len() != known.decisions.len()
            || current.watch.len() != known.watch.len()
            || known.decisions.iter().any(|(k, d)| {
                current
                    .decisions
                    .get(k)
                    .is_none_or(|c| c.decision != d.decision || c.at != d.at)
            })
            || known.watch.iter().any(|(k, w)| {
                current.watch.get(k).is_none_or(|c| {
                    c.sighting.last_seen != w.sighting.last_seen
                        || c.sighting.score != w.sighting.score
                })
            });
        *current = known;
        if changed {
            self.known_generation.fetch_add(1, Ordering::Release);
        }
        *read_at = Some(Instant::now());
        Ok(())
    }

    /// Records an analyst's decision (stored with its audit event first), and applies it here.
    pub async fn decide(
        &self,
        store: &dyn Store,
        kind: IndicatorKind,
        value: &str,
        record: DecisionRecord,
    ) -> Result<(), StoreError> {
        let audit = AuditEvent {
            at: record.at,
            actor: record.by.clone(),
            action: format!("verdict.{}", record.decision.as_str()),
            subject: format!("{}:{value}", kind.as_str()),
            reason: Some(record.reason.clone()),
        };
        store
            .set_verdict_decision(
                VerdictDecision {
                    kind: kind.as_str().into(),
                    value: value.into(),
                    decision: record.decision.as_str().into(),
                    reason: record.reason.clone(),
                    decided_by: record.by.clone(),
                    decided_at: record.at,
                },
                audit,
            )
            .await?;
        self.known
            .write()
            .await
            .decisions
            .insert((kind, value.to_string()), record);
        self.known_generation.fetch_add(1, Ordering::Release);
        Ok(())
    }

    pub async fn decision(&self, kind: IndicatorKind, value: &str) -> Option<DecisionRecord> {
        self.known
            .read()
            .await
            .decisions
            .get(&(kind, value.to_string()))
            .cloned()
    }

    pub async fn watch_hit(&self, domain: &str) -> Option<WatchRecord> {
        self.known.read().await.watch.get(domain).cloned()
    }

    /// Assesses one value for `audience` from what the engine and this protector know.
    pub async fn assess(
        &self,
        engine: &Engine<Facts>,
        extractor: &Extractor,
        kind: IndicatorKind,
        value: &str,
        audience: Audience,
        now: OffsetDateTime,
    ) -> Assessment {
        let reports = engine.value_report_count(kind, value);
        let known_generation = self.known_generation.load(Ordering::Acquire);
        let key = (kind, value.to_string(), audience);
        if reports >= HEAVY
            && let Ok(kept) = self.heavy.lock()
            && let Some(e) = kept.get(&key)
            && e.reports == reports
            && e.known_generation == known_generation
            && e.at.elapsed() < SNAPSHOT_MAX_AGE
        {
            return e.assessment.clone();
        }
        let known = self.known.read().await;
        let assessment = assess_with(
            &self.policy,
            engine,
            extractor,
            &known,
            kind,
            value,
            audience,
            now,
        );
        drop(known);
        if reports >= HEAVY
            && let Ok(mut kept) = self.heavy.lock()
        {
            if kept.len() >= HEAVY_KEPT {
                kept.clear();
            }
            kept.insert(
                key,
                HeavyEntry {
                    reports,
                    known_generation,
                    at: Instant::now(),
                    assessment: assessment.clone(),
                },
            );
        }
        assessment
    }

    /// The feeds and hash buckets, derived again when the engine, the decisions or the watch
    /// hits changed, or when the last derivation is a minute old.
    async fn snapshot(&self, state: &AppState) -> Arc<Snapshot> {
        let engine_generation = state.correlator.generation();
        let known_generation = self.known_generation.load(Ordering::Acquire);
        let mut slot = self.snapshot.lock().await;
        if let Some(s) = slot.as_ref()
            && s.engine_generation == engine_generation
            && s.known_generation == known_generation
            && s.built.elapsed() < SNAPSHOT_MAX_AGE
        {
            return s.clone();
        }
        let engine = state.correlator.engine().await;
        let known = self.known.read().await;
        let now = OffsetDateTime::now_utc();
        let built = derive(&self.policy, &engine, state.intake.extractor(), &known, now);
        let snapshot = Arc::new(Snapshot {
            engine_generation,
            known_generation,
            built: Instant::now(),
            generated_at: now,
            feeds: built.0,
            buckets: built.1,
        });
        *slot = Some(snapshot.clone());
        snapshot
    }
}

fn watch_record(h: &WatchHit) -> WatchRecord {
    WatchRecord {
        sighting: WatchSighting {
            first_seen: h.first_seen,
            last_seen: h.last_seen,
            score: h.score,
            brand: h.brand.clone(),
        },
        family: h.family.clone(),
        reasons: serde_json::from_str(&h.reasons).unwrap_or(Value::Array(Vec::new())),
    }
}

/// The evidence of one value in the engine, for `audience`.
fn sightings<'e>(
    engine: &'e Engine<Facts>,
    kind: IndicatorKind,
    value: &str,
    audience: Audience,
) -> (Vec<ReportSighting<'e>>, Vec<PartnerSighting>) {
    let mut reports = Vec::new();
    let mut partners = Vec::new();
    for key in engine.value_reports(kind, value) {
        let Some(facts) = engine.attrs(key) else {
            continue;
        };
        match &facts.partner {
            Some(p) => {
                if audience == Audience::Staff || p.public {
                    partners.push(PartnerSighting {
                        organization: p.partner.clone(),
                        first_seen: p.first_seen,
                        last_seen: p.last_seen,
                    });
                }
            }
            None => reports.push(ReportSighting {
                at: Some(facts.received_at),
                reporter: &facts.reporter_keys,
                client: facts.client_key,
                organization: facts.organization.as_deref(),
                brand: facts.brand.as_deref(),
            }),
        }
    }
    (reports, partners)
}

#[allow(clippy::too_many_arguments)]
fn assess_with(
    policy: &Policy,
    engine: &Engine<Facts>,
    extractor: &Extractor,
    known: &Known,
    kind: IndicatorKind,
    value: &str,
    audience: Audience,
    now: OffsetDateTime,
) -> Assessment {
    let (reports, partners) = sightings(engine, kind, value, audience);
    let watch = (kind == IndicatorKind::Domain)
        .then(|| known.watch.get(value).map(|w| &w.sighting))
        .flatten();
    let decision = known
        .decisions
        .get(&(kind, value.to_string()))
        .map(|d| (d.decision, d.at));
    assess(
        policy,
        now,
        &Evidence {
            kind,
            legitimate: extractor.reference().legitimate(kind, value).is_some(),
            reports: &reports,
            partners: &partners,
            watch,
            decision,
        },
    )
}

type Derived = (
    HashMap<IndicatorKind, Vec<FeedEntry>>,
    HashMap<u16, Vec<BucketEntry>>,
);

/// Every value's public verdict: the `scam` ones by kind (the feeds), and every value with a
/// verdict other than `unknown` by hash bucket.
fn derive(
    policy: &Policy,
    engine: &Engine<Facts>,
    extractor: &Extractor,
    known: &Known,
    now: OffsetDateTime,
) -> Derived {
    let mut values: BTreeSet<(IndicatorKind, String)> = engine
        .values()
        .filter(|(k, _)| *k != IndicatorKind::Brand)
        .map(|(k, v)| (k, v.to_string()))
        .collect();
    values.extend(known.decisions.keys().cloned());
    values.extend(
        known
            .watch
            .keys()
            .map(|d| (IndicatorKind::Domain, d.clone())),
    );
    values.extend(
        extractor
            .reference()
            .entries()
            .map(|(k, v)| (k, v.to_string())),
    );
    let mut feeds: HashMap<IndicatorKind, Vec<FeedEntry>> = HashMap::new();
    let mut buckets: HashMap<u16, Vec<BucketEntry>> = HashMap::new();
    for (kind, value) in values {
        let a = assess_with(
            policy,
            engine,
            extractor,
            known,
            kind,
            &value,
            Audience::Public,
            now,
        );
        if a.verdict == Verdict::Unknown {
            continue;
        }
        let hash = privacy::lookup_hash(kind, &value);
        buckets
            .entry(privacy::bucket_index(&hash))
            .or_default()
            .push(BucketEntry {
                hash,
                verdict: a.verdict,
                expires_at: a.expires_at,
            });
        if a.verdict == Verdict::Scam {
            feeds.entry(kind).or_default().push(FeedEntry {
                kind,
                listed_since: a.scam_since.unwrap_or(now),
                value,
                first_seen: a.first_seen,
                last_seen: a.last_seen,
                expires_at: a.expires_at,
                basis: a.basis,
                independent_reports: a.independent_reports,
                brands: a.brands,
            });
        }
    }
    for bucket in buckets.values_mut() {
        bucket.sort_by_key(|e| e.hash);
    }
    (feeds, buckets)
}

/// A value as looked up: what it is and what correlation knows it by.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub kind: IndicatorKind,
    /// The canonical value verdicts are kept under (a domain by its registrable domain).
    pub value: String,
    /// For a URL, its registrable domain.
    pub domain: Option<String>,
}

/// Reads a looked-up value: a phone number in any format (national ones in `region`), a
/// domain, a URL (defanged or not), an email, a wallet, a remote-access id. `kind` forces the
/// kind. `None` when it holds no such value.
pub fn resolve(
    extractor: &Extractor,
    raw: &str,
    kind: Option<IndicatorKind>,
    region: &str,
) -> Option<Resolved> {
    resolve_value(extractor, raw, kind, region, false)
}

/// [`resolve`], with brand names read as values too when `brands` (the analysts' search and
/// indicator pages have brand pages; verdicts have no brands).
pub(crate) fn resolve_value(
    extractor: &Extractor,
    raw: &str,
    kind: Option<IndicatorKind>,
    region: &str,
    brands: bool,
) -> Option<Resolved> {
    let found = extractor.extract_text(raw, region, Origin::Text);
    let pick = found
        .iter()
        .filter(|i| brands || i.kind != IndicatorKind::Brand)
        .find(|i| kind.is_none_or(|k| i.kind == k));
    match (pick, kind) {
        (Some(i), _) => {
            let registrable = i.attributes.get("registrable_domain").map(str::to_owned);
            let value = scamtrace_correlate::link_value(i.kind, &i.value, registrable.as_deref())
                .to_string();
            Some(Resolved {
                kind: i.kind,
                value,
                domain: (i.kind == IndicatorKind::Url)
                    .then_some(registrable)
                    .flatten(),
            })
        }
        // A bare remote-access id or a gift card hash: taken as given when the kind is named.
        (None, Some(kind))
            if !raw.trim().is_empty() && (brands || kind != IndicatorKind::Brand) =>
        {
            Some(Resolved {
                kind,
                value: raw.trim().to_string(),
                domain: None,
            })
        }
        _ => None,
    }
}

fn bad(field: &str, code: &'static str) -> ApiError {
    ApiError::BadRequest {
        field: field.into(),
        code,
    }
}

fn stamp(t: Option<OffsetDateTime>) -> Option<String> {
    t.and_then(|t| t.format(&Rfc3339).ok())
}

pub(crate) fn brand_name(slug: &str) -> String {
    KNOWN_BRANDS
        .iter()
        .find(|b| b.slug == slug)
        .map(|b| b.name.to_string())
        .unwrap_or_else(|| slug.to_string())
}

/// The advice for a verdict in `lang`, for this kind of value.
pub fn advice(lang: Lang, verdict: Verdict, kind: IndicatorKind) -> String {
    let what = match kind {
        IndicatorKind::Phone => "phone",
        IndicatorKind::Domain | IndicatorKind::Url => "site",
        IndicatorKind::RemoteAccess => "remote",
        IndicatorKind::CryptoWallet
        | IndicatorKind::BankAccount
        | IndicatorKind::PaymentHandle
        | IndicatorKind::GiftCard => "payment",
        _ => "other",
    };
    let specific = format!("check.advice_{}_{what}", verdict.as_str());
    let text = CATALOGS.get(lang, &specific);
    if text != specific {
        return text.to_string();
    }
    CATALOGS
        .get(lang, &format!("check.advice_{}", verdict.as_str()))
        .to_string()
}

/// One lookup's answer as JSON.
#[allow(clippy::too_many_arguments)]
async fn lookup_json(
    state: &AppState,
    engine: &Engine<Facts>,
    input: &str,
    kind: Option<IndicatorKind>,
    region: &str,
    audience: Audience,
    lang: Lang,
    now: OffsetDateTime,
) -> Result<Value, ApiError> {
    if input.chars().count() > 2_000 {
        return Err(bad("value", "value_too_long"));
    }
    let extractor = state.intake.extractor();
    let resolved =
        resolve(extractor, input, kind, region).ok_or_else(|| bad("value", "not_a_value"))?;
    let protector = &state.protector;
    let mut a = protector
        .assess(
            engine,
            extractor,
            resolved.kind,
            &resolved.value,
            audience,
            now,
        )
        .await;
    let mut via_domain = None;
    // A URL is as bad as its domain: a scam domain makes every page on it a scam page (a
    // legitimate domain vouches for nothing: scam pages live on large platforms too).
    if let Some(domain) = &resolved.domain {
        let d = protector
            .assess(
                engine,
                extractor,
                IndicatorKind::Domain,
                domain,
                audience,
                now,
            )
            .await;
        if matches!(d.verdict, Verdict::Scam | Verdict::Suspicious) && d.verdict > a.verdict {
            via_domain = Some(
                json!({"value": domain, "verdict": d.verdict.as_str(), "basis": d.basis.as_str()}),
            );
            a.verdict = d.verdict;
            a.basis = d.basis;
            a.expires_at = d.expires_at;
        }
    }
    Ok(assessment_json(state, lang, audience, input, &resolved, &a, via_domain).await)
}

async fn assessment_json(
    state: &AppState,
    lang: Lang,
    audience: Audience,
    input: &str,
    resolved: &Resolved,
    a: &Assessment,
    via_domain: Option<Value>,
) -> Value {
    let brands: Vec<Value> = a
        .brands
        .iter()
        .map(|slug| json!({"slug": slug, "name": brand_name(slug)}))
        .collect();
    let mut evidence = json!({
        "reports": a.reports,
        "independent_reports": a.independent_reports,
        "first_seen": stamp(a.first_seen),
        "last_seen": stamp(a.last_seen),
        "brands": brands,
    });
    match audience {
        Audience::Staff => {
            evidence["organizations"] = json!(a.organizations);
        }
        Audience::Public => {
            evidence["organizations"] = json!(a.organizations.len());
        }
    }
    let mut out = json!({
        "input": input,
        "kind": resolved.kind.as_str(),
        "value": resolved.value,
        "verdict": a.verdict.as_str(),
        "basis": a.basis.as_str(),
        "evidence": evidence,
        "expires_at": stamp(a.expires_at),
        "advice": advice(lang, a.verdict, resolved.kind),
        "report_url": "/report",
    });
    if let Some(d) = via_domain {
        out["domain"] = d;
    }
    if audience == Audience::Staff {
        out["possible_spoofing"] = json!(a.possible_spoofing);
        out["scam_since"] = json!(stamp(a.scam_since));
        if let Some(d) = state
            .protector
            .decision(resolved.kind, &resolved.value)
            .await
        {
            out["decision"] = json!({
                "decision": d.decision.as_str(),
                "reason": d.reason,
                "decided_by": d.by,
                "decided_at": stamp(Some(d.at)),
            });
        }
        if resolved.kind == IndicatorKind::Domain
            && let Some(w) = state.protector.watch_hit(&resolved.value).await
        {
            out["watch"] = json!({
                "score": w.sighting.score,
                "brand": w.sighting.brand,
                "family": w.family,
                "reasons": w.reasons,
                "first_seen": stamp(Some(w.sighting.first_seen)),
                "last_seen": stamp(Some(w.sighting.last_seen)),
            });
        }
    }
    out
}

/// Limits anonymous callers; a caller with a token is known and not limited.
fn limit(
    state: &AppState,
    request_headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
    principal: Option<&Principal>,
    tokens: usize,
) -> Result<(), ApiError> {
    if principal.is_some() {
        return Ok(());
    }
    let ip = client_ip(state, request_headers, peer);
    for _ in 0..tokens.max(1) {
        state
            .protector
            .limiter
            .check(ip)
            .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;
    }
    Ok(())
}

/// A JSON answer with a strong ETag over its body; `304 Not Modified` when the caller has it.
fn with_etag(headers: &HeaderMap, body: Vec<u8>, content_type: &str, cache: &str) -> Response {
    let etag = format!("\"{}\"", hex::encode(&sha2::Sha256::digest(&body)[..16]));
    conditional(headers, &etag, None, body, content_type, cache)
}

fn conditional(
    headers: &HeaderMap,
    etag: &str,
    last_modified: Option<OffsetDateTime>,
    body: Vec<u8>,
    content_type: &str,
    cache: &str,
) -> Response {
    let last_modified = last_modified.and_then(|t| {
        t.to_offset(time::UtcOffset::UTC)
            .format(&time::format_description::well_known::Rfc2822)
            .ok()
            .map(|s| s.replace("+0000", "GMT"))
    });
    let not_modified = match headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        Some(tags) => tags.split(',').any(|t| {
            t.trim() == etag || t.trim() == "*" || t.trim().strip_prefix("W/") == Some(etag)
        }),
        None => match (
            headers
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_http_date),
            last_modified.as_deref().and_then(parse_http_date),
        ) {
            (Some(since), Some(modified)) => modified <= since,
            _ => false,
        },
    };
    let mut builder = Response::builder()
        .header(header::ETAG, etag)
        .header(header::CACHE_CONTROL, cache)
        .header(header::VARY, "Accept-Language, Authorization");
    if let Some(lm) = &last_modified {
        builder = builder.header(header::LAST_MODIFIED, lm);
    }
    let response = if not_modified {
        builder.status(StatusCode::NOT_MODIFIED).body(Body::empty())
    } else {
        builder
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
    };
    response.unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`), to the second.
fn parse_http_date(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim().replace("GMT", "+0000");
    OffsetDateTime::parse(&s, &time::format_description::well_known::Rfc2822).ok()
}

fn cache_for(audience: Audience) -> &'static str {
    match audience {
        Audience::Public => "public, max-age=60",
        Audience::Staff => "private, no-store",
    }
}

fn kind_param(params: &HashMap<String, String>) -> Result<Option<IndicatorKind>, ApiError> {
    match params
        .get("kind")
        .map(String::as_str)
        .filter(|k| !k.is_empty())
    {
        None => Ok(None),
        Some(k) => IndicatorKind::parse(k)
            .filter(|k| *k != IndicatorKind::Brand)
            .map(Some)
            .ok_or_else(|| bad("kind", "invalid_value")),
    }
}

fn region_param(params: &HashMap<String, String>) -> Result<String, ApiError> {
    match params
        .get("region")
        .map(String::as_str)
        .filter(|r| !r.is_empty())
    {
        None => Ok("US".into()),
        Some(r) if r.len() == 2 && r.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Ok(r.to_ascii_uppercase())
        }
        Some(_) => Err(bad("region", "invalid_value")),
    }
}

/// `GET /api/v1/lookup?value=...[&kind=...][&region=CC]`: one value's verdict.
pub async fn lookup(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Extension(lang): Extension<Lang>,
    Query(params): Query<HashMap<String, String>>,
    request: Request,
) -> Result<Response, ApiError> {
    limit(
        &state,
        request.headers(),
        peer_of(&request),
        principal.as_ref(),
        1,
    )?;
    let value = params
        .get("value")
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| bad("value", "required"))?;
    let kind = kind_param(&params)?;
    let region = region_param(&params)?;
    let audience = Audience::of(principal.as_ref());
    let protector = &state.protector;
    protector.refresh(state.intake.store().as_ref()).await?;
    // Public answers are the same for everyone who asks the same way: served from the cache
    // while nothing they depend on changed.
    let key = (audience == Audience::Public).then(|| {
        format!(
            "{}\u{0}{}\u{0}{region}\u{0}{value}",
            lang.code(),
            kind.map_or("", IndicatorKind::as_str)
        )
    });
    let engine_generation = state.correlator.generation();
    if let Some(body) = key
        .as_deref()
        .and_then(|k| protector.cached_answer(k, engine_generation))
    {
        return Ok(with_etag(
            request.headers(),
            body,
            "application/json",
            cache_for(audience),
        ));
    }
    let known_generation = protector.known_generation.load(Ordering::Acquire);
    let engine = state.correlator.engine().await;
    let engine_generation_read = state.correlator.generation();
    let out = lookup_json(
        &state,
        &engine,
        value,
        kind,
        &region,
        audience,
        lang,
        OffsetDateTime::now_utc(),
    )
    .await?;
    drop(engine);
    let body = out.to_string().into_bytes();
    // Kept only when the engine did not move while it was read (then the answer is exactly the
    // one for that generation).
    if let Some(key) = key
        && engine_generation_read == engine_generation
    {
        protector.keep_answer(key, engine_generation, known_generation, body.clone());
    }
    Ok(with_etag(
        request.headers(),
        body,
        "application/json",
        cache_for(audience),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    values: Vec<Value>,
    kind: Option<String>,
    region: Option<String>,
}

/// `POST /api/v1/lookup` with `{"values": [...]}` (up to 500; optional `kind` and `region`):
/// every value's verdict, or the error that value gave, in order.
pub async fn lookup_batch(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Extension(lang): Extension<Lang>,
    request: Request,
) -> Result<Response, ApiError> {
    let headers = request.headers().clone();
    let batch: Batch = read_batch(
        &state,
        principal.as_ref(),
        request,
        "values",
        MAX_BATCH,
        VALUES_PER_TOKEN,
        |b: &Batch| b.values.len(),
    )
    .await?;
    let mut params = HashMap::new();
    if let Some(k) = batch.kind {
        params.insert("kind".to_string(), k);
    }
    if let Some(r) = batch.region {
        params.insert("region".to_string(), r);
    }
    let kind = kind_param(&params)?;
    let region = region_param(&params)?;
    let audience = Audience::of(principal.as_ref());
    state
        .protector
        .refresh(state.intake.store().as_ref())
        .await?;
    let engine = state.correlator.engine().await;
    let now = OffsetDateTime::now_utc();
    let mut items = Vec::with_capacity(batch.values.len());
    for (i, value) in batch.values.iter().enumerate() {
        let item = match value.as_str() {
            Some(text) if !text.trim().is_empty() => {
                lookup_json(&state, &engine, text, kind, &region, audience, lang, now).await
            }
            _ => Err(bad("value", "invalid_type")),
        };
        items.push(match item {
            Ok(v) => v,
            Err(e) => {
                let mut body = e.body(lang);
                if let Some(details) = body["error"]["details"].as_array_mut() {
                    for d in details {
                        d["field"] = json!(format!("values[{i}]"));
                    }
                }
                json!({"input": value, "error": body["error"]})
            }
        });
    }
    drop(engine);
    let out = json!({"items": items});
    Ok(with_etag(
        &headers,
        out.to_string().into_bytes(),
        "application/json",
        cache_for(audience),
    ))
}

/// The preamble of a batch POST: a JSON body read into `T`, its list (`field`, `len` items)
/// neither empty nor over `max`, and an anonymous caller charged one token per `per_token` items.
#[allow(clippy::too_many_arguments)]
async fn read_batch<T: serde::de::DeserializeOwned>(
    state: &AppState,
    principal: Option<&Principal>,
    request: Request,
    field: &str,
    max: usize,
    per_token: usize,
    len: impl Fn(&T) -> usize,
) -> Result<T, ApiError> {
    if !crate::api::is_json(request.headers()) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let headers = request.headers().clone();
    let peer = peer_of(&request);
    let bytes = read_body(state, request.into_body()).await?;
    let input: T = serde_json::from_slice(&bytes).map_err(|_| ApiError::MalformedJson)?;
    let n = len(&input);
    if n == 0 {
        return Err(bad(field, "required"));
    }
    if n > max {
        return Err(bad(field, "too_many_values"));
    }
    limit(state, &headers, peer, principal, n.div_ceil(per_token))?;
    Ok(input)
}

/// `GET /api/v1/hashes`: how to compute a lookup hash.
pub async fn hash_scheme() -> Response {
    axum::Json(json!({
        "scheme": privacy::SCHEME,
        "hash": format!("SHA-256 of the UTF-8 bytes \"{}:\" + kind + \":\" + canonical value", privacy::SCHEME),
        "prefix_hex_digits": privacy::PREFIX_HEX_DIGITS,
        "bucket_url": "/api/v1/hashes/{prefix}",
        "kinds": IndicatorKind::ALL.iter().filter(|k| **k != IndicatorKind::Brand).map(|k| k.as_str()).collect::<Vec<_>>(),
        "documentation": "docs/privacy-lookup.md",
    }))
    .into_response()
}

/// `GET /api/v1/hashes/{prefix}`: every full hash in the bucket of a 16-bit prefix (four hex
/// digits) with its verdict. The server never sees the value.
pub async fn hash_bucket(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path(prefix): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    limit(
        &state,
        request.headers(),
        peer_of(&request),
        principal.as_ref(),
        1,
    )?;
    let bucket = privacy::parse_prefix(&prefix).ok_or_else(|| bad("prefix", "invalid_prefix"))?;
    state
        .protector
        .refresh(state.intake.store().as_ref())
        .await?;
    let snapshot = state.protector.snapshot(&state).await;
    let items: Vec<Value> = snapshot
        .buckets
        .get(&bucket)
        .map(|entries| {
            entries
                .iter()
                .map(|e| json!({"hash": hex::encode(e.hash), "verdict": e.verdict.as_str(), "expires_at": stamp(e.expires_at)}))
                .collect()
        })
        .unwrap_or_default();
    let out = json!({
        "scheme": privacy::SCHEME,
        "prefix": format!("{bucket:04x}"),
        "generated_at": stamp(Some(snapshot.generated_at)),
        "items": items,
    });
    Ok(with_etag(
        request.headers(),
        out.to_string().into_bytes(),
        "application/json",
        "public, max-age=300",
    ))
}

/// `GET /api/v1/feeds/{kind}.{format}[?since=RFC3339]`: the values judged `scam`, in one of
/// `csv`, `json`, `txt`, `hosts`, `rpz` (domains) and `stix`; with `since`, only those listed
/// after it. ETag/If-None-Match and Last-Modified/If-Modified-Since answer 304 when nothing
/// changed.
pub async fn feed(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path(name): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    request: Request,
) -> Result<Response, ApiError> {
    limit(
        &state,
        request.headers(),
        peer_of(&request),
        principal.as_ref(),
        1,
    )?;
    let (kind, format) = name
        .rsplit_once('.')
        .and_then(|(k, f)| Some((IndicatorKind::parse(k)?, Format::parse(f)?)))
        .ok_or(ApiError::NotFound)?;
    if !format.serves(kind) {
        return Err(ApiError::NotFound);
    }
    let since = match params.get("since").filter(|s| !s.is_empty()) {
        Some(s) => Some(
            OffsetDateTime::parse(s, &Rfc3339).map_err(|_| bad("since", "invalid_timestamp"))?,
        ),
        None => None,
    };
    state
        .protector
        .refresh(state.intake.store().as_ref())
        .await?;
    let snapshot = state.protector.snapshot(&state).await;
    let empty = Vec::new();
    let all = snapshot.feeds.get(&kind).unwrap_or(&empty);
    let entries: Vec<FeedEntry> = all
        .iter()
        .filter(|e| since.is_none_or(|s| e.listed_since > s))
        .cloned()
        .collect();
    let etag = feed::etag(kind, format, since, &entries);
    // Last-Modified: when the newest value was listed (the feed changes otherwise only as
    // values lapse, which the ETag catches).
    let last_modified = entries.iter().map(|e| e.listed_since).max();
    let meta = FeedMeta {
        organization: &state.config.organization,
        generated_at: snapshot.generated_at,
    };
    let body = feed::render(format, kind, &meta, &entries);
    Ok(conditional(
        request.headers(),
        &etag,
        last_modified,
        body.into_bytes(),
        format.content_type(),
        "public, max-age=300",
    ))
}

/// Names per scoring request.
pub const MAX_SCORED: usize = 1_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoreInput {
    domains: Vec<Value>,
}

/// The domain watch's answer for one name, as JSON.
pub fn watch_json(watcher: &scamtrace_watch::Watcher, name: &str) -> Value {
    use scamtrace_watch::Assessment as W;
    match watcher.assess(name) {
        W::Scored(score) => {
            let mut v = serde_json::to_value(&score).unwrap_or(Value::Null);
            v["status"] = json!("scored");
            v
        }
        W::Clean => json!({"input": name, "status": "clean", "score": 0}),
        W::Own { brand } => json!({"input": name, "status": "own", "brand": brand, "score": 0}),
        W::NotADomain => json!({"input": name, "status": "not_a_domain"}),
    }
}

/// `POST /api/v1/domains/score` with `{"domains": [...]}` (up to 1,000): each name scored by the
/// domain watch as a brand lookalike or fake-support domain, with its reasons (`status`
/// `scored`, `clean`, `own` for a protected brand's own domain, or `not_a_domain`).
pub async fn score_domains(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    request: Request,
) -> Result<axum::Json<Value>, ApiError> {
    let input: ScoreInput = read_batch(
        &state,
        principal.as_ref(),
        request,
        "domains",
        MAX_SCORED,
        VALUES_PER_TOKEN * 4,
        |i: &ScoreInput| i.domains.len(),
    )
    .await?;
    let items: Vec<Value> = input
        .domains
        .iter()
        .map(|d| match d.as_str() {
            Some(name) => watch_json(&state.watcher, name),
            None => json!({"input": d, "status": "not_a_domain"}),
        })
        .collect();
    Ok(axum::Json(json!({"items": items})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DecisionInput {
    decision: String,
    reason: String,
}

/// `GET /api/v1/verdicts/{kind}/{value}`: the staff view of a value's verdict (every sighting,
/// the organizations, the decision, possible spoofing, the watch hit).
pub async fn verdict(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Path((kind, value)): Path<(String, String)>,
) -> Result<axum::Json<Value>, ApiError> {
    let kind = IndicatorKind::parse(&kind).ok_or_else(|| bad("kind", "invalid_value"))?;
    state
        .protector
        .refresh(state.intake.store().as_ref())
        .await?;
    let engine = state.correlator.engine().await;
    Ok(axum::Json(
        lookup_json(
            &state,
            &engine,
            &value,
            Some(kind),
            "US",
            Audience::Staff,
            lang,
            OffsetDateTime::now_utc(),
        )
        .await?,
    ))
}

/// `PUT /api/v1/verdicts/{kind}/{value}` with `{"decision": "confirmed" | "cleared" |
/// "expired", "reason": "..."}`: an analyst's decision, audited.
pub async fn decide(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Extension(lang): Extension<Lang>,
    Path((kind, value)): Path<(String, String)>,
    request: Request,
) -> Result<axum::Json<Value>, ApiError> {
    let principal = principal.ok_or(ApiError::Unauthorized)?;
    if !crate::api::is_json(request.headers()) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes = read_body(&state, request.into_body()).await?;
    let input: DecisionInput =
        serde_json::from_slice(&bytes).map_err(|_| ApiError::MalformedJson)?;
    let kind = IndicatorKind::parse(&kind)
        .filter(|k| *k != IndicatorKind::Brand)
        .ok_or_else(|| bad("kind", "invalid_value"))?;
    apply_decision(
        &state,
        &principal,
        kind,
        &value,
        &input.decision,
        &input.reason,
    )
    .await?;
    let engine = state.correlator.engine().await;
    Ok(axum::Json(
        lookup_json(
            &state,
            &engine,
            &value,
            Some(kind),
            "US",
            Audience::Staff,
            lang,
            OffsetDateTime::now_utc(),
        )
        .await?,
    ))
}

/// Checks and records an analyst's verdict decision on a value given in any form.
pub(crate) async fn apply_decision(
    state: &AppState,
    principal: &Principal,
    kind: IndicatorKind,
    raw_value: &str,
    decision: &str,
    reason: &str,
) -> Result<Resolved, ApiError> {
    let decision = Decision::parse(decision).ok_or_else(|| bad("decision", "invalid_value"))?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(bad("reason", "required"));
    }
    if reason.chars().count() > 1_000 {
        return Err(bad("reason", "reason_too_long"));
    }
    if raw_value.chars().count() > 2_000 {
        return Err(bad("value", "value_too_long"));
    }
    let resolved = resolve(state.intake.extractor(), raw_value, Some(kind), "US")
        .ok_or_else(|| bad("value", "not_a_value"))?;
    state
        .protector
        .decide(
            state.intake.store().as_ref(),
            resolved.kind,
            &resolved.value,
            DecisionRecord {
                decision,
                at: OffsetDateTime::now_utc(),
                reason: reason.to_string(),
                by: principal.id.clone(),
            },
        )
        .await?;
    Ok(resolved)
}

/// `GET /api/v1/verdicts/spoofing`: values on the legitimate reference list that reports
/// name: someone may be spoofing them, or trying to get them blocked.
pub async fn spoofing(State(state): State<Arc<AppState>>) -> Result<axum::Json<Value>, ApiError> {
    let engine = state.correlator.engine().await;
    let extractor = state.intake.extractor();
    let now = OffsetDateTime::now_utc();
    let mut items = Vec::new();
    let values: Vec<(IndicatorKind, String)> = engine
        .values()
        .filter(|(k, v)| extractor.reference().legitimate(*k, v).is_some())
        .map(|(k, v)| (k, v.to_string()))
        .collect();
    for (kind, value) in values {
        let a = state
            .protector
            .assess(&engine, extractor, kind, &value, Audience::Staff, now)
            .await;
        if a.possible_spoofing {
            items.push(json!({
                "kind": kind.as_str(),
                "value": value,
                "listed_as": extractor.reference().legitimate(kind, &value),
                "reports": a.reports,
                "independent_reports": a.independent_reports,
                "last_seen": stamp(a.last_seen),
            }));
        }
    }
    items.sort_by(|a, b| b["reports"].as_u64().cmp(&a["reports"].as_u64()));
    Ok(axum::Json(json!({"items": items, "next_cursor": null})))
}

/// `GET /check[?value=...]`: the public "Check a number or website" page.
pub async fn check_page(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    uri: Uri,
    request: Request,
) -> Result<Response, ApiError> {
    let value = params
        .get("value")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let mut result = Value::Null;
    let mut error = Value::Null;
    if let Some(value) = &value {
        limit(&state, &headers, peer_of(&request), principal.as_ref(), 1)?;
        state
            .protector
            .refresh(state.intake.store().as_ref())
            .await?;
        let engine = state.correlator.engine().await;
        let region = region_for(lang, params.get("region").map(String::as_str));
        match lookup_json(
            &state,
            &engine,
            value,
            None,
            &region,
            Audience::Public,
            lang,
            OffsetDateTime::now_utc(),
        )
        .await
        {
            Ok(mut r) => {
                r["verdict_label"] = json!(CATALOGS.get(
                    lang,
                    &format!(
                        "check.verdict_{}",
                        r["verdict"].as_str().unwrap_or("unknown")
                    )
                ));
                r["kind_label"] = json!(
                    CATALOGS.get(lang, &format!("kind.{}", r["kind"].as_str().unwrap_or("")))
                );
                r["first_seen_day"] = json!(
                    r["evidence"]["first_seen"]
                        .as_str()
                        .map(|s| s.get(..10).unwrap_or(s))
                );
                r["last_seen_day"] = json!(
                    r["evidence"]["last_seen"]
                        .as_str()
                        .map(|s| s.get(..10).unwrap_or(s))
                );
                result = r;
            }
            Err(_) => error = json!(CATALOGS.get(lang, "check.not_a_value")),
        }
    }
    let page = Page::new(&state, lang, principal, &headers, &uri);
    let status = if error.is_null() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = page.render(
        &state,
        status,
        "check.html",
        context! { value => value, result => v(&result), error => v(&error) },
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The default region for phone numbers typed on the check page: the one asked for, else the
/// one the interface language suggests.
fn region_for(lang: Lang, asked: Option<&str>) -> String {
    if let Some(r) = asked
        && r.len() == 2
        && r.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return r.to_ascii_uppercase();
    }
    match lang.code() {
        "ja" => "JP",
        "de" => "DE",
        "es" => "ES",
        "fr" => "FR",
        _ => "US",
    }
    .to_string()
}

/// The verdict of a value for the analysts' indicator page.
pub(crate) async fn staff_assessment(
    state: &AppState,
    engine: &Engine<Facts>,
    kind: IndicatorKind,
    value: &str,
) -> Assessment {
    let _ = state.protector.refresh(state.intake.store().as_ref()).await;
    state
        .protector
        .assess(
            engine,
            state.intake.extractor(),
            kind,
            value,
            Audience::Staff,
            OffsetDateTime::now_utc(),
        )
        .await
}
