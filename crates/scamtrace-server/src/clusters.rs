//! The cluster and indicator APIs: scam operations as the correlation engine sees them.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Extension;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use scamtrace_correlate::{ClusterLookup, Engine, LinkStatus, Step, ValueInfo};
use scamtrace_extract::IndicatorKind;
use scamtrace_store::{AuditEvent, ValueDecision};
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::Principal;
use crate::correlation::Facts;
use crate::error::ApiError;

/// Approximate US dollars per unit of each currency, fixed (2026-11): an order of magnitude for
/// comparing losses across countries, never an accounting figure. Currencies not listed get no
/// estimate.
const USD_PER_UNIT: &[(&str, f64)] = &[
    ("USD", 1.0),
    ("EUR", 1.08),
    ("GBP", 1.27),
    ("CAD", 0.73),
    ("AUD", 0.66),
    ("NZD", 0.60),
    ("JPY", 0.0067),
    ("INR", 0.012),
    ("CHF", 1.13),
    ("MXN", 0.058),
    ("SGD", 0.75),
    ("ZAR", 0.055),
    ("SEK", 0.095),
    ("NOK", 0.093),
    ("DKK", 0.145),
    ("PLN", 0.25),
    ("BRL", 0.19),
    ("HKD", 0.128),
];

/// The US-dollar estimate of an amount (in ten-thousandths) in `currency`, if its rate is known.
pub(crate) fn usd(currency: &str, ten_thousandths: u128) -> Option<f64> {
    usd_rate(currency).map(|r| r * ten_thousandths as f64 / 10_000.0)
}

fn usd_rate(currency: &str) -> Option<f64> {
    USD_PER_UNIT
        .iter()
        .find(|(c, _)| *c == currency)
        .map(|(_, r)| *r)
}

pub(crate) fn decimal(ten_thousandths: u128) -> String {
    let cents = ten_thousandths.saturating_add(50) / 100;
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn counted(counts: HashMap<String, u32>) -> Vec<Value> {
    let mut list: Vec<(String, u32)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.into_iter()
        .map(|(value, count)| json!({"value": value, "reports": count}))
        .collect()
}

/// The figures of one cluster, from its members' facts.
struct Summary {
    id: u64,
    reports: usize,
    last_seen: String,
    usd: f64,
    json: Value,
}

fn summarize(engine: &Engine<Facts>, id: u64) -> Summary {
    let all = engine.members_with_attrs(id);
    // Partners' nodes are counted apart: they are what partners saw, not reports here.
    // A later import of the same partner campaign is another node of it: per campaign, the
    // largest count stands (newer versions restate it); per partner, campaigns add up.
    let mut campaigns: BTreeMap<(String, String), u32> = BTreeMap::new();
    for (_, f) in &all {
        if let Some(p) = &f.partner {
            let e = campaigns
                .entry((p.partner.clone(), p.campaign.clone()))
                .or_default();
            *e = (*e).max(p.sightings);
        }
    }
    let mut partners: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for ((partner, _), sightings) in campaigns {
        let e = partners.entry(partner).or_default();
        e.0 = e.0.saturating_add(sightings);
        e.1 += 1;
    }
    let members: Vec<_> = all.into_iter().filter(|(_, f)| !f.is_partner()).collect();
    let mut countries = HashMap::new();
    let mut brands = HashMap::new();
    let mut contacts = HashMap::new();
    let mut payments = HashMap::new();
    let mut tools = HashMap::new();
    let mut sources = HashMap::new();
    let mut organizations = HashMap::new();
    let mut weeks: BTreeMap<String, u32> = BTreeMap::new();
    let mut losses: BTreeMap<String, Vec<u128>> = BTreeMap::new();
    let (mut first, mut last) = (String::new(), String::new());
    for (_, f) in &members {
        *countries.entry(f.country.clone()).or_insert(0) += 1;
        if let Some(b) = &f.brand {
            *brands.entry(b.clone()).or_insert(0) += 1;
        }
        *contacts.entry(f.contact_method.clone()).or_insert(0) += 1;
        if let Some(p) = &f.payment_method {
            *payments.entry(p.clone()).or_insert(0) += 1;
        }
        if let Some(t) = &f.remote_tool {
            *tools.entry(t.to_lowercase()).or_insert(0) += 1;
        }
        *sources.entry(f.source.to_string()).or_insert(0) += 1;
        // Victims' own reports are counted under the empty name.
        *organizations
            .entry(f.organization.clone().unwrap_or_default())
            .or_insert(0) += 1;
        if let Some((currency, amount)) = &f.loss {
            losses.entry(currency.clone()).or_default().push(*amount);
        }
        let day = f.day();
        if let Ok(date) = time::Date::parse(
            &day,
            time::macros::format_description!("[year]-[month]-[day]"),
        ) {
            let (year, week, _) = date.to_iso_week_date();
            *weeks.entry(format!("{year}-W{week:02}")).or_insert(0) += 1;
        }
        if first.is_empty() || day < first {
            first = day.clone();
        }
        if last.is_empty() || day > last {
            last = day;
        }
    }
    let mut usd = 0.0;
    let losses_json: Vec<Value> = losses
        .into_iter()
        .map(|(currency, mut amounts)| {
            amounts.sort_unstable();
            let sum = amounts.iter().fold(0u128, |a, b| a.saturating_add(*b));
            let median = amounts[amounts.len() / 2];
            let estimate = usd_rate(&currency).map(|r| r * sum as f64 / 10_000.0);
            usd += estimate.unwrap_or(0.0);
            json!({
                "currency": currency, "reports": amounts.len(), "sum": decimal(sum),
                "median": decimal(median), "usd_estimate": estimate.map(|e| e.round()),
            })
        })
        .collect();
    let reports = members.len();
    let json = json!({
        "id": id.to_string(),
        "reports": reports,
        "first_seen": first,
        "last_seen": last,
        "countries": counted(countries),
        "brands": counted(brands),
        "contact_methods": counted(contacts),
        "payment_methods": counted(payments),
        "remote_access_tools": counted(tools),
        "losses": losses_json,
        "losses_usd_estimate": usd.round(),
        "activity_per_week": weeks.into_iter().map(|(w, n)| json!({"week": w, "reports": n})).collect::<Vec<_>>(),
        "sources": counted(sources),
        "organizations": counted(organizations),
        "partners": partners
            .iter()
            .map(|(name, (sightings, nodes))| json!({"partner": name, "sightings": sightings, "observations": nodes}))
            .collect::<Vec<_>>(),
        "partner_sightings": partners.values().map(|p| u64::from(p.0)).sum::<u64>(),
    });
    Summary {
        id,
        reports,
        last_seen: last,
        usd,
        json,
    }
}

/// The summary of one cluster as JSON (what `GET /api/v1/clusters/{id}` starts with).
pub fn summary(engine: &Engine<Facts>, id: u64) -> Value {
    summarize(engine, id).json
}

fn value_json(v: &ValueInfo) -> Value {
    json!({
        "kind": v.kind.as_str(), "value": v.value, "reports": v.reports,
        "status": v.status.as_str(), "links": v.status.links(), "clusters": v.clusters,
    })
}

pub(crate) fn param<'a>(params: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

fn bad(field: &str, code: &'static str) -> ApiError {
    ApiError::BadRequest {
        field: field.into(),
        code,
    }
}

pub(crate) fn limit(params: &HashMap<String, String>) -> Result<usize, ApiError> {
    match param(params, "limit") {
        None => Ok(50),
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=500).contains(l))
            .ok_or_else(|| bad("limit", "invalid_value")),
    }
}

/// How a list of clusters is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sort {
    Size,
    Recent,
    Losses,
}

impl Sort {
    pub(crate) fn parse(s: Option<&str>) -> Result<Sort, ApiError> {
        match s.unwrap_or("size") {
            "size" => Ok(Sort::Size),
            "recent" => Ok(Sort::Recent),
            "losses" => Ok(Sort::Losses),
            _ => Err(bad("sort", "invalid_value")),
        }
    }
}

/// Which clusters a list shows.
#[derive(Clone, Debug, Default)]
pub(crate) struct ListQuery {
    pub brand: Option<String>,
    pub country: Option<String>,
    pub indicator: Option<(IndicatorKind, String)>,
}

impl ListQuery {
    /// The filters of `GET /api/v1/clusters` and of the clusters page, validated.
    pub(crate) fn parse(
        state: &AppState,
        params: &HashMap<String, String>,
    ) -> Result<ListQuery, ApiError> {
        let indicator = match (param(params, "kind"), param(params, "value")) {
            (None, None) => None,
            (kind, Some(value)) => Some(canonical(state, kind, value, param(params, "region"))?),
            (Some(_), None) => return Err(bad("value", "required")),
        };
        let brand = match param(params, "brand") {
            None => None,
            Some(b) => Some(
                scamtrace_model::KNOWN_BRANDS
                    .iter()
                    .find(|k| k.slug.eq_ignore_ascii_case(b) || k.name.eq_ignore_ascii_case(b))
                    .map(|k| k.slug.to_string())
                    .ok_or_else(|| bad("brand", "invalid_value"))?,
            ),
        };
        let country = match param(params, "country") {
            None => None,
            Some(c) => Some(
                scamtrace_model::Country::parse(c)
                    .ok_or_else(|| bad("country", "invalid_country"))?
                    .to_string(),
            ),
        };
        Ok(ListQuery {
            brand,
            country,
            indicator,
        })
    }
}

/// Clusters of two reports or more that match `query`, in `sort` order, with how many matched.
pub(crate) fn cluster_list(
    engine: &Engine<Facts>,
    query: &ListQuery,
    sort: Sort,
    limit: usize,
) -> (Vec<Value>, usize) {
    let ids: Vec<u64> = match &query.indicator {
        Some((kind, value)) => {
            let mut ids: Vec<u64> = engine
                .value_reports(*kind, value)
                .into_iter()
                .filter_map(|k| engine.cluster_of(k))
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids.retain(|id| engine.cluster_size(*id) >= 2);
            ids
        }
        None => engine.clusters(2).map(|(id, _)| id).collect(),
    };
    let (brand, country) = (query.brand.as_deref(), query.country.as_deref());
    // By size without filters, only the clusters shown need a summary (sizes are known).
    if sort == Sort::Size && brand.is_none() && country.is_none() {
        let mut sized: Vec<(u32, u64)> = ids
            .into_iter()
            .map(|id| (engine.cluster_size(id), id))
            .collect();
        let total = sized.len();
        sized.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let items = sized
            .into_iter()
            .take(limit)
            .map(|(_, id)| listed(engine, summarize(engine, id)))
            .collect();
        return (items, total);
    }
    let mut summaries: Vec<Summary> = ids
        .into_iter()
        .filter(|id| {
            if brand.is_none() && country.is_none() {
                return true;
            }
            let members = engine.members_with_attrs(*id);
            brand.is_none_or(|b| members.iter().any(|(_, f)| f.brand.as_deref() == Some(b)))
                && country.is_none_or(|c| members.iter().any(|(_, f)| f.country == c))
        })
        .map(|id| summarize(engine, id))
        .collect();
    match sort {
        Sort::Recent => {
            summaries.sort_by(|a, b| b.last_seen.cmp(&a.last_seen).then(a.id.cmp(&b.id)))
        }
        Sort::Losses => summaries.sort_by(|a, b| b.usd.total_cmp(&a.usd).then(a.id.cmp(&b.id))),
        Sort::Size => summaries.sort_by(|a, b| b.reports.cmp(&a.reports).then(a.id.cmp(&b.id))),
    }
    let total = summaries.len();
    let items = summaries
        .into_iter()
        .take(limit)
        .map(|s| listed(engine, s))
        .collect();
    (items, total)
}

/// A cluster as lists show it: its summary and the indicator it is known by.
fn listed(engine: &Engine<Facts>, summary: Summary) -> Value {
    let mut json = summary.json;
    json["main_indicator"] = main_indicator(engine, summary.id);
    json
}

/// The linking value most of a cluster's reports share: what an analyst calls the operation by.
pub(crate) fn main_indicator(engine: &Engine<Facts>, id: u64) -> Value {
    engine
        .cluster_values(id)
        .iter()
        .find(|(v, _)| v.status.links())
        .map(|(v, n)| json!({"kind": v.kind.as_str(), "value": v.value, "cluster_reports": n}))
        .unwrap_or(Value::Null)
}

/// `GET /api/v1/clusters`: operations of two reports or more, largest (or most recent, or
/// costliest) first, optionally only those with a brand, a victim country or an indicator.
pub async fn list(
    State(state): State<Arc<AppState>>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let limit = limit(&params)?;
    let sort = Sort::parse(param(&params, "sort"))?;
    let query = ListQuery::parse(&state, &params)?;
    let engine = state.correlator.engine().await;
    let (items, total) = cluster_list(&engine, &query, sort, limit);
    Ok(Json(json!({"items": items, "total": total})))
}

pub(crate) fn cluster_id(raw: &str) -> Result<u64, ApiError> {
    raw.parse::<u64>().map_err(|_| ApiError::NotFound)
}

/// A cluster id as asked for: the cluster itself, or the one that absorbed it.
pub(crate) enum Found<T> {
    Current(T),
    Moved(u64),
}

/// A cluster's summary, indicators (with how many of its reports hold each), one page of its
/// member reports, and its merge history.
pub(crate) async fn cluster_detail(
    state: &AppState,
    id: u64,
    offset: usize,
    limit: usize,
) -> Result<Found<Value>, ApiError> {
    let engine = state.correlator.engine().await;
    let id = match engine.lookup_cluster(id) {
        None => return Err(ApiError::NotFound),
        Some(ClusterLookup::Moved(to)) => return Ok(Found::Moved(to)),
        Some(ClusterLookup::Current(id)) => id,
    };
    let mut body = summarize(&engine, id).json;
    let indicators: Vec<Value> = engine
        .cluster_values(id)
        .iter()
        .map(|(v, n)| {
            let mut j = value_json(v);
            j["cluster_reports"] = json!(n);
            j
        })
        .collect();
    let keys: Vec<u64> = engine
        .members(id)
        .into_iter()
        .filter(|k| engine.attrs(*k).is_some_and(|f| !f.is_partner()))
        .collect();
    let members: Vec<Value> = keys
        .iter()
        .skip(offset)
        .take(limit)
        .filter_map(|k| {
            let f = engine.attrs(*k)?;
            Some(json!({
                "id": f.id, "reference": f.reference, "country": f.country,
                "day": f.day(), "brand": f.brand, "contact_method": f.contact_method,
                "payment_method": f.payment_method,
                "loss": f.loss.as_ref().map(|(c, a)| json!({"currency": c, "amount": decimal(*a)})),
            }))
        })
        .collect();
    body["indicators"] = json!(indicators);
    body["members"] = json!(members);
    body["members_total"] = json!(keys.len());
    body["members_offset"] = json!(offset);
    drop(engine);
    let history = state.intake.store().cluster_events(id as i64, 200).await?;
    body["history"] = json!(
        history
            .iter()
            .map(|e| json!({
                "kind": e.kind,
                "cluster": e.cluster.to_string(),
                "other": e.other.split(',').collect::<Vec<_>>(),
                "by_report": e.by_report.map(|k| k.to_string()),
                "at": e.at.format(&time::format_description::well_known::Rfc3339).ok(),
            }))
            .collect::<Vec<_>>()
    );
    Ok(Found::Current(body))
}

/// The `offset` parameter of a page of members.
pub(crate) fn offset(params: &HashMap<String, String>) -> Result<usize, ApiError> {
    match param(params, "offset") {
        None => Ok(0),
        Some(o) => o
            .parse::<usize>()
            .map_err(|_| bad("offset", "invalid_value")),
    }
}

/// `GET /api/v1/clusters/{id}`: the summary, the indicators with how many of the cluster's
/// reports hold each, and one page of member reports. An absorbed cluster's id redirects to the
/// cluster that absorbed it.
pub async fn get(
    State(state): State<Arc<AppState>>,
    Path(raw): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let id = cluster_id(&raw)?;
    let limit = limit(&params)?;
    let offset = offset(&params)?;
    match cluster_detail(&state, id, offset, limit).await? {
        Found::Moved(to) => Ok((
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, format!("/api/v1/clusters/{to}"))],
        )
            .into_response()),
        Found::Current(body) => Ok(Json(body).into_response()),
    }
}

/// The member of cluster `id` with this report id or reference.
fn member_key(engine: &Engine<Facts>, id: u64, report: &str, field: &str) -> Result<u64, ApiError> {
    let report = report.trim();
    engine
        .members_with_attrs(id)
        .iter()
        .filter(|(_, f)| !f.is_partner())
        .find(|(_, f)| f.id == report || f.reference.eq_ignore_ascii_case(report))
        .map(|(k, _)| *k)
        .ok_or_else(|| bad(field, "not_in_cluster"))
}

/// The shortest chain of shared indicators between reports `a` and `b` (ids or references) of
/// cluster `id`.
pub(crate) async fn explain_path(
    state: &AppState,
    id: u64,
    a: &str,
    b: &str,
) -> Result<Value, ApiError> {
    let engine = state.correlator.engine().await;
    if !matches!(engine.lookup_cluster(id), Some(ClusterLookup::Current(_))) {
        return Err(ApiError::NotFound);
    }
    let ka = member_key(&engine, id, a, "a")?;
    let kb = member_key(&engine, id, b, "b")?;
    let path = engine.explain(ka, kb).ok_or(ApiError::NotFound)?;
    let steps: Vec<Value> = path
        .iter()
        .map(|step| match step {
            Step::Report(k) => {
                let f = engine.attrs(*k);
                json!({"report": {"id": f.map(|f| &f.id), "reference": f.map(|f| &f.reference)}})
            }
            Step::Value(v) => json!({"indicator": {"kind": v.kind.as_str(), "value": v.value}}),
        })
        .collect();
    let links = steps.len() / 2;
    Ok(json!({"cluster": id.to_string(), "links": links, "path": steps}))
}

/// `GET /api/v1/clusters/{id}/explain?a=REPORT_ID&b=REPORT_ID`: the shortest chain of shared
/// indicators between two reports of the cluster (ids or references).
pub async fn explain(
    State(state): State<Arc<AppState>>,
    Path(raw): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let id = cluster_id(&raw)?;
    let a = param(&params, "a").ok_or_else(|| bad("a", "required"))?;
    let b = param(&params, "b").ok_or_else(|| bad("b", "required"))?;
    Ok(Json(explain_path(&state, id, a, b).await?))
}

/// The canonical value correlation knows `raw` by, however it is written: a phone number in
/// any format (national ones read in `region`, default US), a defanged URL, a domain's
/// registrable domain.
pub(crate) fn canonical(
    state: &AppState,
    kind: Option<&str>,
    raw: &str,
    region: Option<&str>,
) -> Result<(IndicatorKind, String), ApiError> {
    let wanted = match kind {
        Some(k) => Some(IndicatorKind::parse(k).ok_or_else(|| bad("kind", "invalid_value"))?),
        None => None,
    };
    if raw.chars().count() > 2_000 {
        return Err(bad("value", "too_long"));
    }
    canonical_value(state.intake.extractor(), wanted, raw, region)
        .ok_or_else(|| bad("value", "invalid_value"))
}

/// The canonical value correlation knows `raw` by (see [`canonical`]), of kind `wanted` when
/// given; `None` when it holds no value (of that kind).
pub fn canonical_value(
    extractor: &scamtrace_extract::Extractor,
    wanted: Option<IndicatorKind>,
    raw: &str,
    region: Option<&str>,
) -> Option<(IndicatorKind, String)> {
    let region = region.unwrap_or("US").to_ascii_uppercase();
    crate::protect::resolve_value(extractor, raw, wanted, &region, true).map(|r| (r.kind, r.value))
}

/// What partners shared about a value, one entry per partner: how many of their reports held it
/// (the latest sighting count of each of their objects), when, in how many of their campaigns,
/// and the most restrictive TLP it came under.
pub(crate) async fn partner_view(
    state: &AppState,
    kind: IndicatorKind,
    value: &str,
) -> Result<Vec<Value>, ApiError> {
    let rows = state
        .intake
        .store()
        .observations_of(kind.as_str(), value)
        .await?;
    let mut by_partner: BTreeMap<String, Vec<scamtrace_store::PartnerObservation>> =
        BTreeMap::new();
    for r in rows {
        by_partner.entry(r.partner.clone()).or_default().push(r);
    }
    let stamp = |t: Option<time::OffsetDateTime>| {
        t.and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
    };
    Ok(by_partner
        .into_iter()
        .map(|(partner, rows)| {
            // The latest version of each object counts.
            let mut latest: BTreeMap<&str, &scamtrace_store::PartnerObservation> = BTreeMap::new();
            for r in &rows {
                let e = latest.entry(r.stix_id.as_str()).or_insert(r);
                if r.version > e.version {
                    *e = r;
                }
            }
            let sightings: i64 = latest.values().filter_map(|r| r.sightings).sum();
            let campaigns: std::collections::BTreeSet<&str> = rows
                .iter()
                .map(|r| r.campaign.as_str())
                .filter(|c| !c.is_empty())
                .collect();
            let first = rows.iter().filter_map(|r| r.first_seen).min();
            let last = rows.iter().filter_map(|r| r.last_seen).max();
            let tlp = rows
                .iter()
                .filter_map(|r| r.tlp.as_deref().and_then(scamtrace_stix::Tlp::parse))
                .max();
            json!({
                "partner": partner,
                "sightings": sightings,
                "campaigns": campaigns.len(),
                "first_seen": stamp(first),
                "last_seen": stamp(last),
                "tlp": tlp.map(|t| t.name()),
            })
        })
        .collect())
}

/// `GET /api/v1/indicators/{kind}/{value}`: one value, written any way, with the reports and
/// clusters holding it, and what partners shared about it.
pub async fn indicator(
    State(state): State<Arc<AppState>>,
    Path((kind, raw)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let (kind, value) = canonical(&state, Some(&kind), &raw, param(&params, "region"))?;
    let limit = limit(&params)?;
    let partners = partner_view(&state, kind, &value).await?;
    let engine = state.correlator.engine().await;
    let keys = engine.value_reports(kind, &value);
    let info = engine.value(kind, &value);
    let mut clusters: Vec<u64> = keys.iter().filter_map(|k| engine.cluster_of(*k)).collect();
    clusters.sort_unstable();
    clusters.dedup();
    let keys: Vec<u64> = keys
        .into_iter()
        .filter(|k| engine.attrs(*k).is_some_and(|f| !f.is_partner()))
        .collect();
    let reports: Vec<Value> = keys
        .iter()
        .rev()
        .take(limit)
        .filter_map(|k| {
            let f = engine.attrs(*k)?;
            Some(json!({"id": f.id, "reference": f.reference, "cluster": engine.cluster_of(*k).map(|c| c.to_string()), "day": f.day(), "country": f.country}))
        })
        .collect();
    Ok(Json(json!({
        "kind": kind.as_str(),
        "value": value,
        "status": info.as_ref().map(|i| i.status.as_str()),
        "reports_total": keys.len(),
        "reports": reports,
        "clusters": clusters.iter().map(|c| json!({"id": c.to_string(), "reports": engine.cluster_size(*c)})).collect::<Vec<_>>(),
        "partners": partners,
    })))
}

/// `GET /api/v1/over-linked`: values shared by an unusual number of reports, with counts.
pub async fn over_linked(State(state): State<Arc<AppState>>) -> Json<Value> {
    let engine = state.correlator.engine().await;
    let items: Vec<Value> = engine
        .over_linked()
        .iter()
        .map(|v| {
            let mut j = value_json(v);
            j["hub"] = json!(v.status == LinkStatus::Hub);
            j
        })
        .collect();
    Json(json!({
        "hub_threshold": engine.hub_threshold(),
        "reports": engine.len(),
        "items": items,
    }))
}

/// `PUT /api/v1/over-linked/{kind}/{value}` with `{"decision": "linking" | "not_linking" |
/// "automatic", "reason": "..."}`: an analyst decides whether a value links reports, overriding
/// hub detection (`automatic` withdraws the decision). Audited.
pub async fn decide(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path((kind, raw)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
    request: axum::extract::Request,
) -> Result<Json<Value>, ApiError> {
    let principal = principal.ok_or(ApiError::Unauthorized)?;
    if !crate::api::is_json(request.headers()) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes = crate::api::read_body(&state, request.into_body()).await?;
    let input: Value = serde_json::from_slice(&bytes).map_err(|_| ApiError::MalformedJson)?;
    let (kind, value) = canonical(&state, Some(&kind), &raw, param(&params, "region"))?;
    let decision = input.get("decision").and_then(Value::as_str).unwrap_or("");
    let reason = input.get("reason").and_then(Value::as_str).unwrap_or("");
    apply_decision(&state, &principal, kind, &value, decision, reason).await?;
    let engine = state.correlator.engine().await;
    let info = engine.value(kind, &value).ok_or(ApiError::Internal)?;
    Ok(Json(value_json(&info)))
}

/// Records an analyst's decision on a value (`linking`, `not_linking`, or `automatic` to
/// withdraw one), with the reason, in the audit log and the engine. Shared by the API and the
/// pages.
pub(crate) async fn apply_decision(
    state: &AppState,
    principal: &Principal,
    kind: IndicatorKind,
    value: &str,
    decision: &str,
    reason: &str,
) -> Result<(), ApiError> {
    if !scamtrace_correlate::value_may_link(kind, value) {
        return Err(bad("kind", "invalid_value"));
    }
    let decision = match decision {
        d @ ("linking" | "not_linking") => Some(d.to_string()),
        "automatic" => None,
        "" => return Err(bad("decision", "required")),
        _ => return Err(bad("decision", "invalid_value")),
    };
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(bad("reason", "required"));
    }
    if reason.chars().count() > 500 {
        return Err(bad("reason", "too_long"));
    }
    let reason = reason.to_string();
    let now = time::OffsetDateTime::now_utc();
    let subject = format!("{}:{value}", kind.as_str());
    state
        .intake
        .store()
        .append_audit(AuditEvent {
            at: now,
            actor: principal.id.clone(),
            action: format!(
                "value.decision.{}",
                decision.as_deref().unwrap_or("automatic")
            ),
            subject,
            reason: Some(reason.clone()),
        })
        .await?;
    let record = decision.map(|decision| ValueDecision {
        kind: kind.as_str().to_string(),
        value: value.to_string(),
        decision,
        reason,
        decided_by: principal.id.clone(),
        decided_at: now,
    });
    state
        .correlator
        .decide(state.intake.store().as_ref(), record, kind, value)
        .await?;
    Ok(())
}
