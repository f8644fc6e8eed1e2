//! The analysts' workbench: the dashboard, search, clusters, indicators and over-linked values as
//! pages. Everything is server-rendered and works with JavaScript off; the one script draws the
//! cluster graph (with the vendored cytoscape.js) from data embedded in the page.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Extension;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use scamtrace_correlate::{ClusterLookup, Engine, LinkStatus};
use scamtrace_extract::{IndicatorKind, Origin};
use scamtrace_model::{KNOWN_BRANDS, country_name};
use scamtrace_store::{IndicatorRow, ReportFilter};
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::Principal;
use crate::clusters::{
    self, Found, ListQuery, Sort, cluster_detail, cluster_id, cluster_list, explain_path, param,
};
use crate::correlation::Facts;
use crate::csrf;
use crate::error::ApiError;
use crate::i18n::{CATALOGS, Lang};
use crate::middleware::cookie;
use crate::pages::{Page, excerpt, parse_form, v};
use crate::views::rfc3339;

/// The path of a value's indicator page. The value is percent-encoded whole (URLs hold `/`, `?`
/// and `#`).
pub fn indicator_href(kind: &str, value: &str) -> String {
    let mut out = format!("/indicators/{kind}/");
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'@') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A country's name in `lang` (the catalog's, else the English one, else the code).
fn country_label(lang: Lang, code: &str) -> String {
    let key = format!("countries.{code}");
    let name = CATALOGS.get(lang, &key);
    if name != key {
        return name.to_string();
    }
    country_name(code).unwrap_or(code).to_string()
}

pub(crate) fn brand_label(slug: &str) -> String {
    KNOWN_BRANDS
        .iter()
        .find(|b| b.slug == slug)
        .map(|b| b.name.to_string())
        .unwrap_or_else(|| slug.to_string())
}

/// Adds `label` (and `href` for indicators) to the `value` rows of a summary's lists.
fn label_rows(rows: &Value, label: impl Fn(&str) -> String) -> Value {
    let rows = rows.as_array().cloned().unwrap_or_default();
    let max = rows
        .iter()
        .filter_map(|r| r["reports"].as_u64())
        .max()
        .unwrap_or(1);
    Value::Array(
        rows.into_iter()
            .map(|mut r| {
                let value = r["value"].as_str().unwrap_or("").to_string();
                r["label"] = json!(label(&value));
                r["max"] = json!(max);
                r
            })
            .collect(),
    )
}

/// A cluster summary with display labels for its countries, brands and methods.
fn labelled_summary(lang: Lang, mut s: Value) -> Value {
    s["countries"] = label_rows(&s["countries"], |c| country_label(lang, c));
    s["brands"] = label_rows(&s["brands"], brand_label);
    s["payment_methods"] = label_rows(&s["payment_methods"], |m| {
        CATALOGS
            .get(lang, &format!("payment_method.{m}"))
            .to_string()
    });
    s["contact_methods"] = label_rows(&s["contact_methods"], |m| {
        CATALOGS
            .get(lang, &format!("contact_method.{m}"))
            .to_string()
    });
    s["remote_access_tools"] = label_rows(&s["remote_access_tools"], str::to_string);
    s["sources"] = label_rows(&s["sources"], str::to_string);
    s["organizations"] = label_rows(&s["organizations"], |o| {
        if o.is_empty() {
            CATALOGS.get(lang, "wb.victims_directly").to_string()
        } else {
            o.to_string()
        }
    });
    s["losses_usd_text"] = json!(whole(s["losses_usd_estimate"].as_f64().unwrap_or(0.0)));
    if let Some(main) = s.get_mut("main_indicator").filter(|m| m.is_object()) {
        let href = indicator_href(
            main["kind"].as_str().unwrap_or(""),
            main["value"].as_str().unwrap_or(""),
        );
        main["href"] = json!(href);
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Charts: bars computed here, drawn as inline SVG by the templates (no script needed).

/// A bar chart: one bar per label, scaled into a `width` x `height` box.
fn bar_chart(points: &[(String, f64)], value_text: impl Fn(f64) -> String) -> Value {
    const WIDTH: f64 = 720.0;
    const HEIGHT: f64 = 180.0;
    let max = points.iter().map(|p| p.1).fold(0.0, f64::max).max(1.0);
    let step = WIDTH / points.len().max(1) as f64;
    let every = points.len().div_ceil(8).max(1);
    let bars: Vec<Value> = points
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let h = (value / max * HEIGHT).max(if *value > 0.0 { 1.0 } else { 0.0 });
            json!({
                "x": format!("{:.1}", i as f64 * step),
                "y": format!("{:.1}", HEIGHT - h),
                "w": format!("{:.1}", (step * 0.85).max(0.5)),
                "h": format!("{h:.1}"),
                "label": label,
                "text": value_text(*value),
                "tick": i % every == 0,
                "tick_x": format!("{:.1}", i as f64 * step),
            })
        })
        .collect();
    json!({"width": WIDTH, "height": HEIGHT, "bars": bars, "max": value_text(max)})
}

/// ISO week (`2026-W07`) of a `YYYY-MM-DD` day.
fn week_of(day: &str) -> Option<(i32, u8)> {
    let date = time::Date::parse(
        day.get(..10)?,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()?;
    let (year, week, _) = date.to_iso_week_date();
    Some((year, week))
}

/// Every ISO week from `first` to `last`, at most `cap` of the latest.
fn week_range(first: (i32, u8), last: (i32, u8), cap: usize) -> Vec<(i32, u8)> {
    let monday = |(y, w): (i32, u8)| time::Date::from_iso_week_date(y, w, time::Weekday::Monday);
    let (Ok(mut d), Ok(end)) = (monday(first), monday(last)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while d <= end {
        let (y, w, _) = d.to_iso_week_date();
        out.push((y, w));
        d += time::Duration::weeks(1);
    }
    let skip = out.len().saturating_sub(cap);
    out.split_off(skip)
}

// ---------------------------------------------------------------------------------------------
// Dashboard

/// Figures over every report, recomputed when reports arrive (at most every few seconds).
struct DashboardCache {
    reports: usize,
    at: Instant,
    data: Arc<Dashboard>,
}

/// The dashboard's figures, in no language (labels are added per request).
struct Dashboard {
    reports: usize,
    clusters: usize,
    clustered_reports: usize,
    usd: f64,
    weeks: Vec<(String, f64)>,
    months_usd: Vec<(String, f64)>,
    countries: Vec<(String, u32)>,
    brands: Vec<(String, u32)>,
    payments: Vec<(String, u32)>,
    largest: Vec<Value>,
    growing: Vec<Value>,
    growth_from: String,
    growth_to: String,
}

static DASHBOARD: std::sync::Mutex<Option<DashboardCache>> = std::sync::Mutex::new(None);

/// How recent "fastest-growing" is: the reports of this many days up to the newest report.
const GROWTH_DAYS: i64 = 30;

fn top(counts: HashMap<String, u32>, n: usize) -> Vec<(String, u32)> {
    let mut list: Vec<(String, u32)> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.truncate(n);
    list
}

fn compute_dashboard(engine: &Engine<Facts>) -> Dashboard {
    let mut weeks: BTreeMap<(i32, u8), u32> = BTreeMap::new();
    let mut months: BTreeMap<String, f64> = BTreeMap::new();
    let mut countries: HashMap<String, u32> = HashMap::new();
    let mut brands: HashMap<String, u32> = HashMap::new();
    let mut payments: HashMap<String, u32> = HashMap::new();
    let mut usd = 0.0;
    let mut newest = String::new();
    for (_, f) in engine.reports().filter(|(_, f)| !f.is_partner()) {
        let day = f.day();
        if let Some(w) = week_of(&day) {
            *weeks.entry(w).or_default() += 1;
        }
        *countries.entry(f.country.clone()).or_default() += 1;
        if let Some(b) = &f.brand {
            *brands.entry(b.clone()).or_default() += 1;
        }
        if let Some(p) = &f.payment_method {
            *payments.entry(p.clone()).or_default() += 1;
        }
        if let Some(dollars) = f.loss.as_ref().and_then(|(c, a)| clusters::usd(c, *a)) {
            usd += dollars;
            if let Some(month) = day.get(..7) {
                *months.entry(month.to_string()).or_default() += dollars;
            }
        }
        if day > newest {
            newest = day;
        }
    }
    let week_points = match (weeks.keys().next(), weeks.keys().next_back()) {
        (Some(first), Some(last)) => week_range(*first, *last, 156)
            .into_iter()
            .map(|w| {
                (
                    format!("{}-W{:02}", w.0, w.1),
                    f64::from(weeks.get(&w).copied().unwrap_or(0)),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    let skip = months.len().saturating_sub(36);
    let months_usd: Vec<(String, f64)> = months.into_iter().skip(skip).collect();

    // Fastest-growing: most reports in the last GROWTH_DAYS days of data.
    let parse = |d: &str| {
        time::Date::parse(
            d.get(..10)?,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .ok()
    };
    let to = parse(&newest);
    let from = to.map(|d| d - time::Duration::days(GROWTH_DAYS - 1));
    let mut recent: HashMap<u64, u32> = HashMap::new();
    if let Some(from) = from {
        let from = from.to_string();
        for (key, f) in engine.reports().filter(|(_, f)| !f.is_partner()) {
            if f.day() >= from
                && let Some(c) = engine.cluster_of(key)
            {
                *recent.entry(c).or_default() += 1;
            }
        }
    }
    let mut growing: Vec<(u64, u32)> = recent
        .into_iter()
        .filter(|(c, _)| engine.cluster_size(*c) >= 2)
        .collect();
    growing.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    growing.truncate(10);
    let growing = growing
        .into_iter()
        .map(|(id, n)| {
            let mut s = clusters::summary(engine, id);
            s["recent_reports"] = json!(n);
            s["main_indicator"] = clusters::main_indicator(engine, id);
            s
        })
        .collect();
    let (largest, _) = cluster_list(engine, &ListQuery::default(), Sort::Size, 10);
    let (clusters, clustered_reports) = engine
        .clusters(2)
        .fold((0, 0), |(n, r), (_, size)| (n + 1, r + size as usize));
    Dashboard {
        reports: engine.len(),
        clusters,
        clustered_reports,
        usd,
        weeks: week_points,
        months_usd,
        countries: top(countries, 15),
        brands: top(brands, 12),
        payments: top(payments, 12),
        largest,
        growing,
        growth_from: from.map(|d| d.to_string()).unwrap_or_default(),
        growth_to: to.map(|d| d.to_string()).unwrap_or_default(),
    }
}

async fn dashboard_data(state: &AppState) -> Arc<Dashboard> {
    let engine = state.correlator.engine().await;
    {
        let cache = DASHBOARD.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache.as_ref()
            && (c.reports == engine.len() || c.at.elapsed() < Duration::from_secs(5))
        {
            return c.data.clone();
        }
    }
    let data = Arc::new(compute_dashboard(&engine));
    *DASHBOARD.lock().unwrap_or_else(|e| e.into_inner()) = Some(DashboardCache {
        reports: engine.len(),
        at: Instant::now(),
        data: data.clone(),
    });
    data
}

fn whole(n: f64) -> String {
    let n = n.round() as i64;
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn bar_rows(rows: &[(String, u32)], label: impl Fn(&str) -> String, link: &str) -> Value {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1);
    Value::Array(
        rows.iter()
            .map(|(value, n)| {
                json!({"value": value, "label": label(value), "reports": n, "max": max,
                       "href": format!("{link}{value}")})
            })
            .collect(),
    )
}

pub async fn dashboard(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let d = dashboard_data(&state).await;
    let outcomes = crate::case_pages::outcomes(&state, lang).await?;
    let weeks = bar_chart(&d.weeks, whole);
    let losses = bar_chart(&d.months_usd, |n| format!("${}", whole(n)));
    let extra = context! {
        totals => v(json!({
            "reports": whole(d.reports as f64), "clusters": whole(d.clusters as f64),
            "clustered_reports": whole(d.clustered_reports as f64), "usd": whole(d.usd),
        })),
        weeks => v(weeks),
        losses => v(losses),
        countries => v(bar_rows(&d.countries, |c| country_label(lang, c), "/clusters?country=")),
        brands => v(bar_rows(&d.brands, brand_label, "/clusters?brand=")),
        payments => v(bar_rows(&d.payments, |m| CATALOGS.get(lang, &format!("payment_method.{m}")).to_string(), "")),
        largest => v(d.largest.iter().map(|s| labelled_summary(lang, s.clone())).collect::<Vec<_>>()),
        growing => v(d.growing.iter().map(|s| labelled_summary(lang, s.clone())).collect::<Vec<_>>()),
        growth_from => d.growth_from.clone(),
        growth_to => d.growth_to.clone(),
        outcomes => v(outcomes),
    };
    Ok(Page::new(&state, lang, principal, &headers, &uri).render(
        &state,
        StatusCode::OK,
        "dashboard.html",
        extra,
    ))
}

// ---------------------------------------------------------------------------------------------
// Search

/// What a search box input is, when it is one indicator and nothing else: a phone number, URL,
/// domain, email, wallet... written any way. Its canonical kind and value.
fn single_indicator(state: &AppState, q: &str, region: &str) -> Option<(IndicatorKind, String)> {
    let found = state
        .intake
        .extractor()
        .extract_text(q, region, Origin::Text);
    let meaningful = q.chars().filter(|c| c.is_alphanumeric()).count();
    found
        .iter()
        .filter(|i| i.kind != IndicatorKind::Brand)
        .find(|i| {
            let covered = q
                .get(i.span.0..i.span.1)
                .map(|s| s.chars().filter(|c| c.is_alphanumeric()).count())
                .unwrap_or(0);
            covered * 10 >= meaningful * 8
        })
        .and_then(|i| clusters::canonical(state, Some(i.kind.as_str()), q, Some(region)).ok())
}

pub async fn search(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
    uri: Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let q = params.get("q").map(|q| q.trim()).unwrap_or("").to_string();
    let region = params
        .get("region")
        .map(|r| r.trim().to_ascii_uppercase())
        .filter(|r| scamtrace_model::Country::parse(r).is_some())
        .unwrap_or_else(|| "US".into());
    if q.chars().count() > 200 {
        return Err(ApiError::BadRequest {
            field: "q".into(),
            code: "too_long",
        });
    }
    let page = Page::new(&state, lang, principal, &headers, &uri);
    if q.is_empty() {
        return Ok(page.render(
            &state,
            StatusCode::OK,
            "search.html",
            context! { q => "", region => region, results => v(Vec::<()>::new()), searched => false },
        ));
    }
    // A report reference goes to its report.
    if let Some(reference) = scamtrace_model::Reference::parse(&q)
        && let Some(report) = state
            .intake
            .store()
            .get_report_by_reference(&reference.to_string())
            .await?
    {
        return Ok(Redirect::to(&format!("/reports/{}", report.id)).into_response());
    }
    if let Some((kind, value)) = single_indicator(&state, &q, &region) {
        return Ok(Redirect::to(&indicator_href(kind.as_str(), &value)).into_response());
    }
    // Full text over narratives, and every indicator the words contain.
    let mut filter = ReportFilter {
        q: Some(q.clone()),
        limit: 50,
        ..ReportFilter::default()
    };
    if let Some(c) = param(&params, "cursor") {
        filter.cursor =
            Some(
                scamtrace_store::Cursor::decode(c).ok_or_else(|| ApiError::BadRequest {
                    field: "cursor".into(),
                    code: "invalid_value",
                })?,
            );
    }
    let found = state.intake.store().list_reports(&filter).await?;
    let results: Vec<Value> = found
        .items
        .iter()
        .map(|r| {
            json!({"id": r.id, "reference": r.reference, "country": r.country,
                   "received_at": rfc3339(r.received_at), "occurred_on": r.occurred_on,
                   "excerpt": excerpt(&r.narrative, 200)})
        })
        .collect();
    let indicators: Vec<Value> = state
        .intake
        .extractor()
        .extract_text(&q, &region, Origin::Text)
        .iter()
        .filter(|i| i.kind != IndicatorKind::Brand)
        .map(|i| json!({"kind": i.kind.as_str(), "value": i.value, "href": indicator_href(i.kind.as_str(), &i.value)}))
        .collect();
    let next_url = found.next_cursor.map(|c| {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        ser.append_pair("q", &q);
        ser.append_pair("cursor", &c.encode());
        format!("/search?{}", ser.finish())
    });
    Ok(page.render(
        &state,
        StatusCode::OK,
        "search.html",
        context! {
            q => q, region => region, results => v(results), indicators => v(indicators),
            next_url => next_url, searched => true,
        },
    ))
}

// ---------------------------------------------------------------------------------------------
// Clusters

pub async fn clusters_page(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
    uri: Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let sort = Sort::parse(param(&params, "sort"))?;
    let query = ListQuery::parse(&state, &params)?;
    let limit = clusters::limit(&params)?.max(1);
    let (items, total) = {
        let engine = state.correlator.engine().await;
        cluster_list(&engine, &query, sort, limit)
    };
    let items: Vec<Value> = items
        .into_iter()
        .map(|s| labelled_summary(lang, s))
        .collect();
    let brands: Vec<Value> = KNOWN_BRANDS
        .iter()
        .map(|b| json!({"slug": b.slug, "name": b.name}))
        .collect();
    let filter = json!({
        "sort": param(&params, "sort").unwrap_or("size"),
        "brand": query.brand, "country": query.country,
        "kind": param(&params, "kind"), "value": param(&params, "value"),
    });
    Ok(Page::new(&state, lang, principal, &headers, &uri).render(
        &state,
        StatusCode::OK,
        "clusters.html",
        context! { items => v(items), total => total, shown => limit.min(total), brands => v(brands), filter => v(filter) },
    ))
}

/// Reports drawn in a cluster's graph at most; a bigger cluster shows its first ones and says so.
const GRAPH_REPORTS: usize = 300;

/// The graph of a cluster for cytoscape.js: its reports, the values at least two of them share,
/// and an edge from each report to each such value it holds.
fn cluster_graph(engine: &Engine<Facts>, id: u64) -> Value {
    let members = engine.members(id);
    let shown = &members[..members.len().min(GRAPH_REPORTS)];
    /// A value, and how many shown reports hold it with whether it links.
    type Held = ((IndicatorKind, String), (u32, LinkStatus));
    let mut counts: HashMap<(IndicatorKind, String), (u32, LinkStatus)> = HashMap::new();
    let mut held: Vec<(u64, Vec<(IndicatorKind, String)>)> = Vec::new();
    for &k in shown {
        let values = engine.report_values(k);
        let mut mine = Vec::new();
        for v in values {
            if v.kind == IndicatorKind::Brand {
                continue;
            }
            let e = counts
                .entry((v.kind, v.value.clone()))
                .or_insert((0, v.status));
            e.0 += 1;
            mine.push((v.kind, v.value));
        }
        held.push((k, mine));
    }
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let mut value_ids: HashMap<(IndicatorKind, String), String> = HashMap::new();
    let mut shared: Vec<Held> = counts.into_iter().filter(|(_, (n, _))| *n >= 2).collect();
    shared.sort_by(|a, b| a.0.cmp(&b.0));
    for (i, ((kind, value), (n, status))) in shared.into_iter().enumerate() {
        let node = format!("v{i}");
        nodes.push(json!({"data": {
            "id": node, "label": value, "kind": kind.as_str(), "reports": n,
            "links": status.links(), "status": status.as_str(),
            "href": indicator_href(kind.as_str(), &value),
        }}));
        value_ids.insert((kind, value), node);
    }
    for (k, values) in &held {
        let Some(f) = engine.attrs(*k) else { continue };
        let node = format!("r{k}");
        match &f.partner {
            // What a partner saw: one node per campaign it shared, named for the partner.
            Some(p) => nodes.push(json!({"data": {
                "id": node, "label": format!("{} ({})", p.partner, p.sightings), "kind": "partner",
            }})),
            None => nodes.push(json!({"data": {
                "id": node, "label": f.reference, "kind": "report", "href": format!("/reports/{}", f.id),
                "country": f.country, "day": f.day(),
            }})),
        }
        for v in values {
            if let Some(target) = value_ids.get(v) {
                edges.push(
                    json!({"data": {"id": format!("{node}-{target}"), "source": node, "target": target}}),
                );
            }
        }
    }
    json!({"nodes": nodes, "edges": edges, "reports_shown": shown.len(), "reports_total": members.len()})
}

pub async fn cluster_page(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
    uri: Uri,
    Path(raw): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let id = cluster_id(&raw)?;
    let page = Page::new(&state, lang, principal, &headers, &uri);
    render_cluster(
        &state,
        &page,
        lang,
        id,
        &params,
        uri.query(),
        StatusCode::OK,
        json!({"title": null, "error": null}),
    )
    .await
}

/// An operation's page. `open_case` is the "Open a case" form's state: the title typed and its
/// error when opening was refused, else nulls (the title is then suggested).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn render_cluster(
    state: &AppState,
    page: &Page,
    lang: Lang,
    id: u64,
    params: &HashMap<String, String>,
    query: Option<&str>,
    status: StatusCode,
    mut open_case: Value,
) -> Result<Response, ApiError> {
    let offset = clusters::offset(params)?;
    let per_page = 50;
    let body = match cluster_detail(state, id, offset, per_page).await? {
        Found::Moved(to) => {
            let query = query.map(|q| format!("?{q}")).unwrap_or_default();
            return Ok(Redirect::permanent(&format!("/clusters/{to}{query}")).into_response());
        }
        Found::Current(body) => body,
    };
    let (graph, main) = {
        let engine = state.correlator.engine().await;
        (
            cluster_graph(&engine, id),
            clusters::main_indicator(&engine, id),
        )
    };
    if open_case["title"].is_null() {
        let brand = body["brands"][0]["value"].as_str().map(brand_label);
        open_case["title"] = json!(crate::case_pages::suggested_title(
            lang,
            id,
            brand.as_deref(),
            main["value"].as_str(),
        ));
    }
    let cases = crate::case_pages::cases_with(state, id).await?;
    // The explain tool: two references (or ids) of this cluster.
    let (a, b) = (param(params, "a"), param(params, "b"));
    let (explained, explain_error) = match (a, b) {
        (Some(a), Some(b)) => match explain_path(state, id, a, b).await {
            Ok(path) => (Some(path), None),
            Err(ApiError::BadRequest { field, .. }) => (None, Some(field)),
            Err(e) => return Err(e),
        },
        (None, None) => (None, None),
        (None, Some(_)) => (None, Some("a".to_string())),
        (Some(_), None) => (None, Some("b".to_string())),
    };
    let explained = explained.map(|mut p| {
        if let Some(steps) = p["path"].as_array_mut() {
            for s in steps {
                if let Some(i) = s.get_mut("indicator") {
                    let href = indicator_href(
                        i["kind"].as_str().unwrap_or(""),
                        i["value"].as_str().unwrap_or(""),
                    );
                    i["href"] = json!(href);
                }
            }
        }
        p
    });
    let mut body = labelled_summary(lang, body);
    if let Some(list) = body["indicators"].as_array_mut() {
        for i in list {
            let href = indicator_href(
                i["kind"].as_str().unwrap_or(""),
                i["value"].as_str().unwrap_or(""),
            );
            i["href"] = json!(href);
        }
    }
    let timeline: Vec<(String, f64)> = body["activity_per_week"]
        .as_array()
        .map(|weeks| {
            let parsed: Vec<((i32, u8), f64)> = weeks
                .iter()
                .filter_map(|w| {
                    let label = w["week"].as_str()?;
                    let (y, n) = label.split_once("-W")?;
                    Some(((y.parse().ok()?, n.parse().ok()?), w["reports"].as_f64()?))
                })
                .collect();
            match (parsed.first(), parsed.last()) {
                (Some(first), Some(last)) => week_range(first.0, last.0, 260)
                    .into_iter()
                    .map(|w| {
                        let n = parsed.iter().find(|p| p.0 == w).map(|p| p.1).unwrap_or(0.0);
                        (format!("{}-W{:02}", w.0, w.1), n)
                    })
                    .collect(),
                _ => Vec::new(),
            }
        })
        .unwrap_or_default();
    let total = body["members_total"].as_u64().unwrap_or(0) as usize;
    let page_link = |o: usize| format!("/clusters/{id}?offset={o}#members");
    let prev_url = (offset > 0).then(|| page_link(offset.saturating_sub(per_page)));
    let next_url = (offset + per_page < total).then(|| page_link(offset + per_page));
    Ok(page.render(
        state,
        status,
        "cluster.html",
        context! {
            c => v(body), graph => v(graph), timeline => v(bar_chart(&timeline, whole)),
            explained => v(explained), explain_error => explain_error,
            a => a.unwrap_or(""), b => b.unwrap_or(""),
            prev_url => prev_url, next_url => next_url,
            cases => v(cases), open_case => v(open_case),
        },
    ))
}

/// One CSV cell: quoted when needed, and never read as a formula by a spreadsheet (a cell that
/// starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe; a
/// scammer writes the narratives and values these cells come from).
pub(crate) fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// `GET /clusters/{id}/export.csv`: the cluster's reports, one per line, with their facts and
/// the values they hold. No personal data: the reporter's details are not in the engine.
pub async fn cluster_csv(
    State(state): State<Arc<AppState>>,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let id = cluster_id(&raw)?;
    let engine = state.correlator.engine().await;
    let id = match engine.lookup_cluster(id) {
        None => return Err(ApiError::NotFound),
        Some(ClusterLookup::Moved(to)) => {
            return Ok(Redirect::permanent(&format!("/clusters/{to}/export.csv")).into_response());
        }
        Some(ClusterLookup::Current(id)) => id,
    };
    let mut out = String::from(
        "cluster,report_id,reference,day,received_at,country,impersonated_brand,contact_method,payment_method,amount,currency,remote_access_tool,source,indicators\r\n",
    );
    for (key, f) in engine
        .members_with_attrs(id)
        .into_iter()
        .filter(|(_, f)| !f.is_partner())
    {
        let values: Vec<String> = engine
            .report_values(key)
            .iter()
            .filter(|v| v.kind != IndicatorKind::Brand)
            .map(|v| format!("{}:{}", v.kind.as_str(), v.value))
            .collect();
        let (currency, amount) = match &f.loss {
            Some((c, a)) => (c.clone(), clusters::decimal(*a)),
            None => (String::new(), String::new()),
        };
        let cells = [
            id.to_string(),
            f.id.clone(),
            f.reference.clone(),
            f.day(),
            rfc3339(f.received_at),
            f.country.clone(),
            f.brand.clone().unwrap_or_default(),
            f.contact_method.clone(),
            f.payment_method.clone().unwrap_or_default(),
            amount,
            currency,
            f.remote_tool.clone().unwrap_or_default(),
            f.source.to_string(),
            values.join(" "),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"scamtrace-cluster-{id}.csv\""),
            ),
        ],
        out,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------------
// Indicators and over-linked values

pub async fn indicator_page(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
    uri: Uri,
    Path((kind, raw)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let (kind, value) = clusters::canonical(&state, Some(&kind), &raw, param(&params, "region"))?;
    if value != raw
        && clusters::canonical(&state, Some(kind.as_str()), &value, None)
            .is_ok_and(|again| again.1 == value)
    {
        // One address per value: any other writing redirects to the canonical one.
        return Ok(Redirect::to(&indicator_href(kind.as_str(), &value)).into_response());
    }
    let partners = clusters::partner_view(&state, kind, &value).await?;
    let data = {
        let engine = state.correlator.engine().await;
        let keys: Vec<u64> = engine
            .value_reports(kind, &value)
            .into_iter()
            .filter(|k| engine.attrs(*k).is_some_and(|f| !f.is_partner()))
            .collect();
        let info = engine.value(kind, &value);
        let mut clusters: Vec<u64> = keys.iter().filter_map(|k| engine.cluster_of(*k)).collect();
        clusters.sort_unstable();
        clusters.dedup();
        let clusters: Vec<Value> = clusters
            .iter()
            .map(|c| labelled_summary(lang, clusters::summary(&engine, *c)))
            .collect();
        let reports: Vec<Value> = keys
            .iter()
            .rev()
            .take(200)
            .filter_map(|k| {
                let f = engine.attrs(*k)?;
                Some(json!({"id": f.id, "reference": f.reference, "day": f.day(),
                            "country": country_label(lang, &f.country),
                            "cluster": engine.cluster_of(*k).map(|c| c.to_string())}))
            })
            .collect();
        let verdict = crate::protect::staff_assessment(&state, &engine, kind, &value).await;
        let decision = state.protector.decision(kind, &value).await.map(|d| {
            json!({"decision": d.decision.as_str(), "reason": d.reason, "by": d.by,
                   "at": rfc3339(d.at)})
        });
        let watch = if kind == IndicatorKind::Domain {
            state.protector.watch_hit(&value).await.map(|w| {
                json!({"score": w.sighting.score, "brand": w.sighting.brand, "family": w.family,
                       "reasons": w.reasons})
            })
        } else {
            None
        };
        // The domain watch's own reading of this name, whether or not a hit was ingested.
        let scored = (kind == IndicatorKind::Domain)
            .then(|| crate::protect::watch_json(&state.watcher, &value))
            .filter(|s| s["status"] == "scored");
        json!({
            "verdict": {
                "verdict": verdict.verdict.as_str(), "basis": verdict.basis.as_str(),
                "independent_reports": verdict.independent_reports,
                "organizations": verdict.organizations,
                "expires_at": verdict.expires_at.map(rfc3339),
                "possible_spoofing": verdict.possible_spoofing,
                "decision": decision, "watch": watch, "scored": scored,
            },
            "kind": kind.as_str(), "value": value, "reports_total": keys.len(),
            "status": info.as_ref().map(|i| i.status.as_str()),
            "links": info.as_ref().map(|i| i.status.links()),
            "may_link": scamtrace_correlate::value_may_link(kind, &value),
            "hub_threshold": engine.hub_threshold(),
            "clusters": clusters, "reports": reports, "partners": partners,
        })
    };
    Ok(Page::new(&state, lang, principal, &headers, &uri).render(
        &state,
        StatusCode::OK,
        "indicator.html",
        context! { i => v(data), href => indicator_href(kind.as_str(), &value) },
    ))
}

pub async fn over_linked_page(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let (items, threshold, reports) = {
        let engine = state.correlator.engine().await;
        let items: Vec<Value> = engine
            .over_linked()
            .iter()
            .map(|v| {
                json!({"kind": v.kind.as_str(), "value": v.value, "reports": v.reports,
                       "clusters": v.clusters, "status": v.status.as_str(), "links": v.status.links(),
                       "href": indicator_href(v.kind.as_str(), &v.value)})
            })
            .collect();
        (items, engine.hub_threshold(), engine.len())
    };
    Page::new(&state, lang, principal, &headers, &uri).render(
        &state,
        StatusCode::OK,
        "over_linked.html",
        context! { items => v(items), threshold => threshold, reports => reports },
    )
}

/// `POST /indicators/{kind}/{value}/decision`: the over-linked decision as a form (the same as
/// `PUT /api/v1/over-linked/{kind}/{value}`), then back to the page the analyst came from.
pub async fn decide_form(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path((kind, raw)): Path<(String, String)>,
    request: Request,
) -> Result<Response, ApiError> {
    let principal = principal.ok_or(ApiError::Unauthorized)?;
    let headers = request.headers().clone();
    let fields = parse_form(&crate::api::read_body(&state, request.into_body()).await?);
    if !state.csrf.verify(
        cookie(&headers, csrf::COOKIE).as_deref(),
        fields.get("csrf_token").map(String::as_str),
    ) {
        return Err(ApiError::Forbidden);
    }
    let (kind, value) = clusters::canonical(&state, Some(&kind), &raw, None)?;
    let decision = fields.get("decision").map(String::as_str).unwrap_or("");
    let reason = fields.get("reason").map(String::as_str).unwrap_or("");
    clusters::apply_decision(&state, &principal, kind, &value, decision, reason).await?;
    let back = match fields.get("back").map(String::as_str) {
        Some("over-linked") => "/over-linked".to_string(),
        _ => indicator_href(kind.as_str(), &value),
    };
    Ok(Redirect::to(&back).into_response())
}

/// `POST /indicators/{kind}/{value}/verdict`: an analyst confirms, clears or expires a value's
/// verdict from its page (audited).
pub async fn verdict_form(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path((kind, raw)): Path<(String, String)>,
    request: Request,
) -> Result<Response, ApiError> {
    let principal = principal.ok_or(ApiError::Unauthorized)?;
    let headers = request.headers().clone();
    let fields = parse_form(&crate::api::read_body(&state, request.into_body()).await?);
    if !state.csrf.verify(
        cookie(&headers, csrf::COOKIE).as_deref(),
        fields.get("csrf_token").map(String::as_str),
    ) {
        return Err(ApiError::Forbidden);
    }
    let kind = IndicatorKind::parse(&kind).ok_or_else(|| ApiError::BadRequest {
        field: "kind".into(),
        code: "invalid_value",
    })?;
    let decision = fields.get("decision").map(String::as_str).unwrap_or("");
    let reason = fields.get("reason").map(String::as_str).unwrap_or("");
    let resolved =
        crate::protect::apply_decision(&state, &principal, kind, &raw, decision, reason).await?;
    Ok(Redirect::to(&indicator_href(resolved.kind.as_str(), &resolved.value)).into_response())
}

// ---------------------------------------------------------------------------------------------
// The report page's narrative with its indicators marked.

/// The narrative cut into plain text and marked indicators (those extracted from the narrative,
/// by their byte spans), each linking to its indicator page.
pub fn narrative_segments(narrative: &str, indicators: &[IndicatorRow]) -> Vec<Value> {
    let mut spans: Vec<(usize, usize, &IndicatorRow)> = indicators
        .iter()
        .filter(|i| i.source == "narrative" && i.kind != "brand")
        .filter_map(|i| {
            let (s, e) = (
                usize::try_from(i.span_start).ok()?,
                usize::try_from(i.span_end).ok()?,
            );
            (s < e && narrative.get(s..e).is_some()).then_some((s, e, i))
        })
        .collect();
    spans.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out = Vec::new();
    let mut at = 0;
    for (s, e, i) in spans {
        if s < at {
            continue; // overlaps the previous mark (a URL and its domain): the first one wins
        }
        if s > at {
            out.push(json!({"text": &narrative[at..s]}));
        }
        let value = crate::correlation::link_form(i);
        out.push(json!({
            "text": &narrative[s..e], "kind": i.kind, "value": i.value,
            "href": indicator_href(&i.kind, &value),
        }));
        at = e;
    }
    if at < narrative.len() {
        out.push(json!({"text": &narrative[at..]}));
    }
    out
}

/// The cluster a report belongs to (when it shares values with others), for its page.
pub async fn report_cluster(state: &AppState, report_id: &str) -> Option<Value> {
    let key = state.correlator.key_of(report_id).await?;
    let engine = state.correlator.engine().await;
    let id = engine.cluster_of(key)?;
    let size = engine.cluster_size(id);
    (size >= 2).then(|| json!({"id": id.to_string(), "reports": size}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_hrefs_encode_everything_but_safe_bytes() {
        assert_eq!(
            indicator_href("phone", "+18885550123"),
            "/indicators/phone/+18885550123"
        );
        assert_eq!(
            indicator_href("url", "https://a.example/x?y=1#z"),
            "/indicators/url/https%3A%2F%2Fa.example%2Fx%3Fy%3D1%23z"
        );
        assert_eq!(
            indicator_href("domain", "ドメイン.jp"),
            "/indicators/domain/%E3%83%89%E3%83%A1%E3%82%A4%E3%83%B3.jp"
        );
    }

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+18885550123"), "'+18885550123");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
    }

    #[test]
    fn weeks_run_across_years_and_keep_the_latest() {
        let all = week_range((2025, 51), (2026, 2), 100);
        assert_eq!(all, vec![(2025, 51), (2025, 52), (2026, 1), (2026, 2)]);
        assert_eq!(
            week_range((2025, 51), (2026, 2), 2),
            vec![(2026, 1), (2026, 2)]
        );
        assert_eq!(week_of("2026-01-01"), Some((2026, 1)));
        assert_eq!(week_of("2027-01-01"), Some((2026, 53)));
        assert_eq!(week_of("junk"), None);
    }

    #[test]
    fn charts_scale_to_the_largest_bar() {
        let chart = bar_chart(
            &[("a".into(), 2.0), ("b".into(), 4.0), ("c".into(), 0.0)],
            whole,
        );
        let bars = chart["bars"].as_array().unwrap();
        assert_eq!(bars[1]["h"], "180.0");
        assert_eq!(bars[0]["h"], "90.0");
        assert_eq!(bars[2]["h"], "0.0");
        assert_eq!(chart["max"], "4");
        assert_eq!(whole(1234567.4), "1,234,567");
        assert_eq!(whole(-1000.0), "-1,000");
    }

    fn row(kind: &str, value: &str, source: &str, span: (i64, i64)) -> IndicatorRow {
        IndicatorRow {
            kind: kind.into(),
            value: value.into(),
            display: value.into(),
            source: source.into(),
            span_start: span.0,
            span_end: span.1,
            confidence: 1.0,
            benign: false,
            linking: true,
            attributes: "{}".into(),
        }
    }

    #[test]
    fn narratives_are_cut_at_their_indicators() {
        let text = "Call 888-555-0123 or see evil.example/pay now";
        let rows = [
            row("phone", "+18885550123", "narrative", (5, 17)),
            row("url", "http://evil.example/pay", "narrative", (25, 41)),
            row("domain", "evil.example", "narrative", (25, 37)),
            row("phone", "+18885550123", "scammer.phone_numbers[0]", (0, 12)),
            row("email", "x@y.z", "narrative", (40, 400)),
        ];
        let segments = narrative_segments(text, &rows);
        let texts: Vec<&str> = segments
            .iter()
            .map(|s| s["text"].as_str().unwrap())
            .collect();
        assert_eq!(
            texts,
            [
                "Call ",
                "888-555-0123",
                " or see ",
                "evil.example/pay",
                " now"
            ]
        );
        assert_eq!(segments[1]["href"], "/indicators/phone/+18885550123");
        assert_eq!(
            segments[3]["href"],
            "/indicators/url/http%3A%2F%2Fevil.example%2Fpay"
        );
        assert!(segments[2].get("href").is_none());
        assert_eq!(texts.concat(), text);
    }
}
