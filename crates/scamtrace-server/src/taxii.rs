//! The TAXII 2.1 server: discovery, one API root, its collections, their objects (paged and
//! filtered), object versions, the manifest, adding objects with a status resource, and deleting.
//!
//! Who may do what:
//! - this instance's analysts and admins (a bearer token or a session) read and add everywhere;
//! - a partner or agency reads and adds where its token's grants say, or, when its token names
//!   no collections, reads the collections open to partners and adds to those open for adding;
//! - a partner never receives a `TLP:RED` object, and a `TLP:AMBER+STRICT` object only when it
//!   is the organization the object names (the store applies this in the query, so no page can
//!   hold one by mistake).
//!
//! Objects are kept as the JSON text they were stored as and served without being parsed again:
//! a page is one indexed range read and a concatenation, whatever the collection's size.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use scamtrace_stix::{Tlp, format_timestamp, parse_timestamp};
use scamtrace_store::{
    Added, NewTaxiiObject, Reader, TaxiiCollection, TaxiiObject, TaxiiQuery, TaxiiStatus,
    VersionFilter,
};
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::{Principal, Role};

/// TAXII's media type, the one every endpoint speaks.
pub const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";
/// STIX's media type, named in manifests and collections.
pub const STIX_MEDIA_TYPE: &str = "application/stix+json;version=2.1";
/// The one API root of an instance.
pub const API_ROOT: &str = "/taxii2/api/";
/// Objects per page when the client names no limit, and the most per page.
pub const DEFAULT_PAGE: u32 = 100;
pub const MAX_PAGE: u32 = 1_000;
/// How long the list of collections is reused before it is read again.
const COLLECTIONS_TTL: Duration = Duration::from_secs(2);

/// A TAXII error message resource, with its HTTP status.
#[derive(Debug)]
pub struct TaxiiError {
    pub status: StatusCode,
    pub title: &'static str,
    pub description: String,
}

impl TaxiiError {
    fn new(status: StatusCode, title: &'static str, description: impl Into<String>) -> TaxiiError {
        TaxiiError {
            status,
            title,
            description: description.into(),
        }
    }

    fn bad_request(description: impl Into<String>) -> TaxiiError {
        TaxiiError::new(StatusCode::BAD_REQUEST, "Bad request", description)
    }

    fn not_found(description: impl Into<String>) -> TaxiiError {
        TaxiiError::new(StatusCode::NOT_FOUND, "Not found", description)
    }

    fn forbidden(description: impl Into<String>) -> TaxiiError {
        TaxiiError::new(StatusCode::FORBIDDEN, "Forbidden", description)
    }
}

impl From<scamtrace_store::StoreError> for TaxiiError {
    fn from(e: scamtrace_store::StoreError) -> Self {
        tracing::error!(error = %e, "store error in TAXII");
        TaxiiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal error",
            "the server could not complete the request",
        )
    }
}

impl IntoResponse for TaxiiError {
    fn into_response(self) -> Response {
        error_response(self.status, self.title, &self.description)
    }
}

/// A TAXII error message (`title`, `description`, `http_status`) with TAXII's media type.
pub fn error_response(status: StatusCode, title: &str, description: &str) -> Response {
    let body = json!({
        "title": title,
        "description": description,
        "http_status": status.as_str(),
    });
    let mut response = taxii_response(status, body.to_string());
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"ScamTrace TAXII\", Bearer"),
        );
    }
    response
}

/// The TAXII form of an error raised before a TAXII handler ran (sign-in, routing).
pub fn from_api_error(e: &crate::error::ApiError) -> Response {
    use crate::error::ApiError;
    let (title, description) = match e {
        ApiError::Unauthorized => (
            "Unauthorized",
            "send a bearer token, or HTTP Basic with your organization as the user and your token as the password",
        ),
        ApiError::Forbidden => ("Forbidden", "your role may not use TAXII"),
        ApiError::NotFound => ("Not found", "there is no such TAXII resource"),
        ApiError::PayloadTooLarge => ("Request too large", "the request is too large"),
        ApiError::RateLimited { .. } => ("Too many requests", "slow down and try again"),
        _ => ("Error", "the request could not be served"),
    };
    error_response(e.status(), title, description)
}

fn taxii_response(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(TAXII_MEDIA_TYPE),
    );
    response
}

/// Whether a media type (with its parameters) is TAXII 2.1's: `version` absent means the
/// newest, which is 2.1.
fn is_taxii_21(media_type: &str) -> bool {
    let mut parts = media_type.split(';').map(str::trim);
    if !parts
        .next()
        .is_some_and(|t| t.eq_ignore_ascii_case("application/taxii+json"))
    {
        return false;
    }
    parts.all(|p| match p.split_once('=') {
        Some((k, v)) if k.trim().eq_ignore_ascii_case("version") => v.trim() == "2.1",
        _ => true,
    })
}

/// 406 unless the client accepts TAXII 2.1 (no `Accept` header, or `*/*`, accepts anything).
fn check_accept(headers: &HeaderMap) -> Result<(), TaxiiError> {
    let Some(accept) = headers.get(header::ACCEPT) else {
        return Ok(());
    };
    let accept = accept.to_str().unwrap_or("");
    let ok = accept.split(',').any(|range| {
        let range = range.trim();
        let bare = range.split(';').next().unwrap_or("").trim();
        bare == "*/*" || bare == "application/*" || is_taxii_21(range)
    });
    if ok {
        Ok(())
    } else {
        Err(TaxiiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "Not acceptable",
            format!("this server answers in {TAXII_MEDIA_TYPE}; the request accepts only {accept}"),
        ))
    }
}

/// 415 unless the body is TAXII 2.1.
fn check_content_type(headers: &HeaderMap) -> Result<(), TaxiiError> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if is_taxii_21(given) {
        Ok(())
    } else {
        Err(TaxiiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported media type",
            format!("send envelopes as {TAXII_MEDIA_TYPE}, not {given:?}"),
        ))
    }
}

/// The TAXII side of the application state: the collections, reread every few seconds (an admin
/// may change them from the command line).
#[derive(Default)]
pub struct TaxiiState {
    collections: tokio::sync::RwLock<Option<(Instant, Arc<Vec<TaxiiCollection>>)>>,
}

impl TaxiiState {
    async fn collections(&self, state: &AppState) -> Result<Arc<Vec<TaxiiCollection>>, TaxiiError> {
        if let Some((at, list)) = self.collections.read().await.as_ref()
            && at.elapsed() < COLLECTIONS_TTL
        {
            return Ok(list.clone());
        }
        let list = Arc::new(state.intake.store().taxii_collections().await?);
        *self.collections.write().await = Some((Instant::now(), list.clone()));
        Ok(list)
    }

    /// Forgets the cached collections (after a change in this process).
    pub async fn refresh(&self) {
        *self.collections.write().await = None;
    }
}

fn is_local(p: &Principal) -> bool {
    matches!(p.role, Role::Analyst | Role::Admin)
}

/// The organization a partner's requests are attributed to.
fn organization(p: &Principal) -> String {
    p.organization.clone().unwrap_or_else(|| p.id.clone())
}

fn reader(p: &Principal) -> Reader {
    if is_local(p) {
        Reader::Local
    } else {
        Reader::Partner(organization(p))
    }
}

/// Whether the caller may read, and add to, a collection.
pub fn permissions(p: &Principal, c: &TaxiiCollection) -> (bool, bool) {
    if is_local(p) {
        return (true, true);
    }
    match &p.collections {
        Some(grants) => grants
            .iter()
            .filter(|g| g.collection == c.id)
            .fold((false, false), |(r, w), g| (r || g.read, w || g.write)),
        None => (c.partner_read, c.partner_write),
    }
}

fn principal(p: Option<Principal>) -> Result<Principal, TaxiiError> {
    p.ok_or_else(|| {
        TaxiiError::new(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "send a bearer token, or HTTP Basic with your organization and token",
        )
    })
}

/// The collection, if it exists and the caller may see it at all (read or add).
async fn collection(
    state: &AppState,
    p: &Principal,
    id: &str,
) -> Result<(TaxiiCollection, bool, bool), TaxiiError> {
    let mut list = state.taxii.collections(state).await?;
    if !list.iter().any(|c| c.id == id) {
        // Perhaps created a moment ago, from the command line.
        state.taxii.refresh().await;
        list = state.taxii.collections(state).await?;
    }
    let c = list
        .iter()
        .find(|c| c.id == id)
        .ok_or_else(|| TaxiiError::not_found(format!("there is no collection {id}")))?;
    let (read, write) = permissions(p, c);
    if !read && !write {
        return Err(TaxiiError::forbidden(format!(
            "your organization may not use collection {id}"
        )));
    }
    Ok((c.clone(), read, write))
}

fn collection_json(c: &TaxiiCollection, read: bool, write: bool) -> Value {
    let mut o = json!({
        "id": c.id,
        "title": c.title,
        "can_read": read,
        "can_write": write,
        "media_types": [STIX_MEDIA_TYPE],
    });
    if let Some(d) = &c.description {
        o["description"] = json!(d);
    }
    o
}

// --- discovery, API root, collections ---

pub async fn discovery(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Option<Principal>>,
    headers: HeaderMap,
) -> Result<Response, TaxiiError> {
    principal(p)?;
    check_accept(&headers)?;
    let body = json!({
        "title": format!("{} (ScamTrace)", state.config.organization),
        "description": "Tech-support scam operations, shared as STIX 2.1 over TAXII 2.1. No victim's personal data is ever shared.",
        "default": API_ROOT,
        "api_roots": [API_ROOT],
    });
    Ok(taxii_response(StatusCode::OK, body.to_string()))
}

pub async fn api_root(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Option<Principal>>,
    headers: HeaderMap,
) -> Result<Response, TaxiiError> {
    principal(p)?;
    check_accept(&headers)?;
    let body = json!({
        "title": format!("{}: tech-support scam operations", state.config.organization),
        "description": "Campaigns, indicators, observables and sightings of tech-support scam operations.",
        "versions": [TAXII_MEDIA_TYPE],
        "max_content_length": state.config.taxii_max_content_length,
    });
    Ok(taxii_response(StatusCode::OK, body.to_string()))
}

pub async fn collections(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Option<Principal>>,
    headers: HeaderMap,
) -> Result<Response, TaxiiError> {
    let p = principal(p)?;
    check_accept(&headers)?;
    let list = state.taxii.collections(&state).await?;
    let visible: Vec<Value> = list
        .iter()
        .filter_map(|c| {
            let (read, write) = permissions(&p, c);
            (read || write).then(|| collection_json(c, read, write))
        })
        .collect();
    let body = if visible.is_empty() {
        json!({})
    } else {
        json!({ "collections": visible })
    };
    Ok(taxii_response(StatusCode::OK, body.to_string()))
}

pub async fn one_collection(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Option<Principal>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, TaxiiError> {
    let p = principal(p)?;
    check_accept(&headers)?;
    let (c, read, write) = collection(&state, &p, &id).await?;
    Ok(taxii_response(
        StatusCode::OK,
        collection_json(&c, read, write).to_string(),
    ))
}

// --- reading objects ---

/// The filters and paging of a request, as the URL gives them.
#[derive(Debug, Default)]
struct Params {
    added_after: Option<i64>,
    next: Option<i64>,
    limit: u32,
    ids: Vec<String>,
    types: Vec<String>,
    versions: VersionFilter,
    spec_versions: Vec<String>,
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_params(query: Option<&str>) -> Result<Params, TaxiiError> {
    let mut p = Params {
        limit: DEFAULT_PAGE,
        ..Params::default()
    };
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "added_after" => {
                p.added_after = Some(parse_timestamp(&value).ok_or_else(|| {
                    TaxiiError::bad_request(format!(
                        "added_after {value:?} is not a timestamp like 2026-11-28T12:00:00.000Z"
                    ))
                })?);
            }
            "next" => {
                p.next = Some(value.parse().map_err(|_| {
                    TaxiiError::bad_request(format!(
                        "next {value:?} is not a value this server gave"
                    ))
                })?);
            }
            "limit" => {
                let n: u32 = value.parse().map_err(|_| {
                    TaxiiError::bad_request(format!("limit {value:?} is not a whole number"))
                })?;
                p.limit = match n {
                    0 => DEFAULT_PAGE,
                    n => n.min(MAX_PAGE),
                };
            }
            "match[id]" => p.ids.extend(list(&value)),
            "match[type]" => p.types.extend(list(&value)),
            "match[spec_version]" => p.spec_versions.extend(list(&value)),
            "match[version]" => {
                let mut versions = Vec::new();
                let (mut last, mut first, mut all) = (false, false, false);
                for v in list(&value) {
                    match v.as_str() {
                        "last" => last = true,
                        "first" => first = true,
                        "all" => all = true,
                        other => versions.push(parse_timestamp(other).ok_or_else(|| {
                            TaxiiError::bad_request(format!(
                                "match[version] {other:?} is not last, first, all or a timestamp"
                            ))
                        })?),
                    }
                }
                p.versions = if all {
                    VersionFilter::All
                } else if versions.is_empty() && last && !first {
                    VersionFilter::Last
                } else if versions.is_empty() && first && !last {
                    VersionFilter::First
                } else {
                    VersionFilter::Some {
                        versions,
                        last,
                        first,
                    }
                };
            }
            // Other filters (`match[relationship_type]` ...) are not supported; TAXII lets a
            // server ignore what it does not support.
            _ => {}
        }
    }
    Ok(p)
}

/// The store query a request asks for: its filters, one object's id when the path names one,
/// the versions (the request's unless given), and at most `limit` objects.
fn query_of(
    p: &Principal,
    collection: &str,
    params: &Params,
    only_id: Option<&str>,
    versions: Option<VersionFilter>,
    limit: u32,
) -> TaxiiQuery {
    TaxiiQuery {
        collection: collection.to_string(),
        reader: reader(p),
        added_after: match (params.added_after, params.next) {
            (Some(a), Some(n)) => Some(a.max(n)),
            (a, n) => a.or(n),
        },
        ids: match only_id {
            Some(id) => vec![id.to_string()],
            None => params.ids.clone(),
        },
        types: params.types.clone(),
        versions: versions.unwrap_or_else(|| params.versions.clone()),
        spec_versions: params.spec_versions.clone(),
        limit,
    }
}

/// A page of objects as rows (for manifests and versions): at most `limit`, and whether more
/// follow.
async fn page(
    state: &AppState,
    p: &Principal,
    collection: &str,
    params: &Params,
    only_id: Option<&str>,
    versions: Option<VersionFilter>,
) -> Result<(Vec<TaxiiObject>, bool), TaxiiError> {
    let query = query_of(p, collection, params, only_id, versions, params.limit + 1);
    let mut objects = state.intake.store().taxii_objects(&query).await?;
    let more = objects.len() > params.limit as usize;
    objects.truncate(params.limit as usize);
    Ok((objects, more))
}

/// `{"more", "next", "<key>": [joined]}`, or `{}` when there is nothing (no `next`).
fn paged_body(key: &str, joined: &str, more: bool, next: Option<i64>) -> String {
    if joined.is_empty() && !more {
        return "{}".into();
    }
    let mut body = String::with_capacity(joined.len() + 64);
    body.push_str("{\"more\":");
    body.push_str(if more { "true" } else { "false" });
    if let (true, Some(next)) = (more, next) {
        body.push_str(&format!(",\"next\":\"{next}\""));
    }
    body.push_str(&format!(",\"{key}\":["));
    body.push_str(joined);
    body.push_str("]}");
    body
}

/// A paged TAXII answer, with `X-TAXII-Date-Added-First` and `-Last` for the page's first and
/// last objects.
fn paged_response(key: &str, joined: &str, more: bool, added: Option<(i64, i64)>) -> Response {
    let body = paged_body(key, joined, more, added.map(|(_, last)| last));
    let mut response = taxii_response(StatusCode::OK, body);
    if let Some((first, last)) = added {
        for (name, at) in [
            ("x-taxii-date-added-first", first),
            ("x-taxii-date-added-last", last),
        ] {
            if let Ok(v) = HeaderValue::from_str(&format_timestamp(at)) {
                response.headers_mut().insert(name, v);
            }
        }
    }
    response
}

/// The first and last `date_added` of a page of rows.
fn added_range(objects: &[TaxiiObject]) -> Option<(i64, i64)> {
    Some((objects.first()?.date_added, objects.last()?.date_added))
}

/// What every read starts with: the caller, a media type it accepts, a collection it may read,
/// and the request's filters.
async fn read_request(
    state: &AppState,
    p: Option<Principal>,
    id: &str,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Result<(Principal, TaxiiCollection, Params), TaxiiError> {
    let p = principal(p)?;
    check_accept(headers)?;
    let (c, read, _) = collection(state, &p, id).await?;
    if !read {
        return Err(TaxiiError::forbidden(format!(
            "your organization may add to collection {id} but not read it"
        )));
    }
    Ok((p, c, parse_params(query)?))
}

fn no_such_object(collection: &str, object_id: &str) -> TaxiiError {
    TaxiiError::not_found(format!(
        "collection {collection} holds no object {object_id} you may read"
    ))
}

/// A page of objects as one piece of JSON text (the store joins them), and whether it is empty.
async fn envelope(
    state: &AppState,
    p: &Principal,
    collection: &str,
    params: &Params,
    only_id: Option<&str>,
) -> Result<(Response, bool), TaxiiError> {
    let query = query_of(p, collection, params, only_id, None, params.limit);
    let page = state.intake.store().taxii_page(&query).await?;
    let added = page.first_added.zip(page.last_added);
    Ok((
        paged_response("objects", &page.joined, page.more, added),
        page.count == 0,
    ))
}

pub async fn get_objects(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Option<Principal>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, TaxiiError> {
    let (p, c, params) = read_request(&state, p, &id, query.as_deref(), &headers).await?;
    Ok(envelope(&state, &p, &c.id, &params, None).await?.0)
}

pub async fn get_object(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Option<Principal>>,
    Path((id, object_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, TaxiiError> {
    let (p, c, params) = read_request(&state, p, &id, query.as_deref(), &headers).await?;
    let (response, empty) = envelope(&state, &p, &c.id, &params, Some(&object_id)).await?;
    if empty && params.next.is_none() {
        return Err(no_such_object(&id, &object_id));
    }
    Ok(response)
}

pub async fn object_versions(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Option<Principal>>,
    Path((id, object_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, TaxiiError> {
    let (p, c, params) = read_request(&state, p, &id, query.as_deref(), &headers).await?;
    let (objects, more) = page(
        &state,
        &p,
        &c.id,
        &params,
        Some(&object_id),
        Some(VersionFilter::All),
    )
    .await?;
    if objects.is_empty() && params.next.is_none() && params.added_after.is_none() {
        return Err(no_such_object(&id, &object_id));
    }
    let versions: Vec<String> = objects
        .iter()
        .map(|o| format!("\"{}\"", version_text(o)))
        .collect();
    Ok(paged_response(
        "versions",
        &versions.join(","),
        more,
        added_range(&objects),
    ))
}

/// An object's version as TAXII names it: its `modified` (or `created`), or, for an object with
/// neither, when it was added.
fn version_text(o: &TaxiiObject) -> String {
    format_timestamp(if o.version == 0 {
        o.date_added
    } else {
        o.version
    })
}

pub async fn manifest(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Option<Principal>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, TaxiiError> {
    let (p, c, params) = read_request(&state, p, &id, query.as_deref(), &headers).await?;
    let (objects, more) = page(&state, &p, &c.id, &params, None, None).await?;
    let records: Vec<String> = objects
        .iter()
        .map(|o| {
            json!({
                "id": o.id,
                "date_added": format_timestamp(o.date_added),
                "version": version_text(o),
                "media_type": STIX_MEDIA_TYPE,
            })
            .to_string()
        })
        .collect();
    Ok(paged_response(
        "objects",
        &records.join(","),
        more,
        added_range(&objects),
    ))
}

// --- adding and deleting ---

/// The status resource of an add-objects request, as TAXII writes it.
fn status_json(s: &TaxiiStatus) -> Value {
    json!({
        "id": s.id,
        "status": "complete",
        "request_timestamp": format_timestamp(s.request_timestamp),
        "total_count": s.total_count,
        "success_count": s.successes.len(),
        "successes": s.successes,
        "failure_count": s.failures.len(),
        "failures": s.failures,
        "pending_count": 0,
        "pendings": [],
    })
}

/// Reads the body up to the API root's `max_content_length`: more is 413, before or while
/// reading.
async fn read_envelope(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<axum::body::Bytes, TaxiiError> {
    let max = state.config.taxii_max_content_length;
    let too_large = || {
        TaxiiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Request too large",
            format!("envelopes may hold at most {max} bytes (the API root's max_content_length)"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, max)
        .await
        .map_err(|_| too_large())
}

pub async fn add_objects(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Option<Principal>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, TaxiiError> {
    let p = principal(p)?;
    check_accept(&headers)?;
    let (c, _, write) = collection(&state, &p, &id).await?;
    if !write {
        return Err(TaxiiError::forbidden(format!(
            "your organization may not add to collection {id}"
        )));
    }
    check_content_type(&headers)?;
    let bytes = read_envelope(&state, &headers, body).await?;
    let envelope: Value = serde_json::from_slice(&bytes)
        .map_err(|e| TaxiiError::bad_request(format!("the body is not valid JSON: {e}")))?;
    let objects = match envelope.get("objects") {
        Some(Value::Array(objects)) => objects.as_slice(),
        None if envelope.is_object() => &[],
        _ => {
            return Err(TaxiiError::bad_request(
                "the body is not a TAXII envelope: an object with an \"objects\" list",
            ));
        }
    };
    let requested_at = scamtrace_store::to_micros(time::OffsetDateTime::now_utc());
    let default_tlp = Tlp::parse(&c.tlp).unwrap_or(Tlp::Amber);
    let partner = (!is_local(&p)).then(|| organization(&p));
    let mut failures = Vec::new();
    let mut accepted = Vec::new();
    // Which objects were accepted, to import them when a partner added them.
    let mut accepted_at = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        let facts = scamtrace_stix::check_object(object).and_then(|f| {
            let body = object.to_string();
            if body.len() > scamtrace_stix::MAX_OBJECT_BYTES {
                Err(format!(
                    "the object is {} bytes; at most {} are taken",
                    body.len(),
                    scamtrace_stix::MAX_OBJECT_BYTES
                ))
            } else {
                Ok((f, body))
            }
        });
        match facts {
            Ok((f, body)) => {
                let tlp = f.tlp.unwrap_or(default_tlp);
                accepted.push(NewTaxiiObject {
                    id: f.id,
                    version: f.version.unwrap_or(0),
                    object_type: f.object_type,
                    spec_version: f.spec_version,
                    tlp: tlp.name().to_string(),
                    // A partner's TLP:AMBER+STRICT object stays readable by that partner alone.
                    audience: (tlp == Tlp::AmberStrict)
                        .then(|| partner.clone().or_else(|| c.audience.clone()))
                        .flatten(),
                    added_by: partner.clone(),
                    body,
                });
                accepted_at.push(i);
            }
            Err(problem) => {
                let id = object
                    .get("id")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("objects[{i}]"));
                failures.push(json!({ "id": id, "message": problem }));
            }
        }
    }
    let keys: Vec<(String, i64)> = accepted.iter().map(|o| (o.id.clone(), o.version)).collect();
    let outcomes = state
        .intake
        .store()
        .add_taxii_objects(&c.id, accepted)
        .await?;
    let successes: Vec<Value> = keys
        .into_iter()
        .zip(&outcomes)
        .map(|((id, version), added)| {
            let version = match (version, added) {
                (0, Added::New(at)) => format_timestamp(*at),
                (v, _) => format_timestamp(v),
            };
            match added {
                Added::New(_) => json!({ "id": id, "version": version }),
                Added::Duplicate => {
                    json!({ "id": id, "version": version, "message": "already in the collection" })
                }
            }
        })
        .collect();
    let status = TaxiiStatus {
        id: uuid::Uuid::new_v4().to_string(),
        collection: c.id.clone(),
        requested_by: p.id.clone(),
        request_timestamp: requested_at,
        total_count: objects.len() as u64,
        successes,
        failures,
    };
    let answer = status_json(&status).to_string();
    state.intake.store().insert_taxii_status(status).await?;
    // What a partner adds joins correlation as that partner's observations.
    if let Some(partner) = &partner
        && !accepted_at.is_empty()
    {
        let added: Vec<Value> = accepted_at.iter().map(|i| objects[*i].clone()).collect();
        let summary = crate::sharing::import_objects(&state.intake, partner, &added).await?;
        tracing::info!(
            partner = %partner,
            objects = added.len(),
            new_observations = summary.new,
            "partner objects added over TAXII"
        );
    }
    Ok(taxii_response(StatusCode::ACCEPTED, answer))
}

pub async fn delete_object(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Option<Principal>>,
    Path((id, object_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, TaxiiError> {
    let p = principal(p)?;
    check_accept(&headers)?;
    let (c, read, write) = collection(&state, &p, &id).await?;
    if !(read && write) {
        return Err(TaxiiError::forbidden(format!(
            "deleting needs permission to read and add to collection {id}"
        )));
    }
    let params = parse_params(query.as_deref())?;
    let mut all = params;
    all.limit = MAX_PAGE;
    let (objects, _) = page(&state, &p, &c.id, &all, Some(&object_id), None).await?;
    if objects.is_empty() {
        return Err(no_such_object(&id, &object_id));
    }
    // A partner deletes only what its organization added.
    if !is_local(&p) {
        let org = organization(&p);
        if objects.iter().any(|o| {
            !o.added_by
                .as_deref()
                .is_some_and(|b| b.eq_ignore_ascii_case(&org))
        }) {
            return Err(TaxiiError::forbidden(
                "a partner may delete only objects its organization added",
            ));
        }
    }
    state
        .intake
        .store()
        .delete_taxii_object(&c.id, &object_id, &all.versions)
        .await?;
    Ok(taxii_response(StatusCode::OK, String::new()))
}

pub async fn status(
    State(state): State<Arc<AppState>>,
    Extension(p): Extension<Option<Principal>>,
    Path(status_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, TaxiiError> {
    let p = principal(p)?;
    check_accept(&headers)?;
    let found = state.intake.store().taxii_status(&status_id).await?;
    match found {
        Some(s) if is_local(&p) || s.requested_by == p.id => {
            Ok(taxii_response(StatusCode::OK, status_json(&s).to_string()))
        }
        _ => Err(TaxiiError::not_found(format!(
            "there is no status {status_id} of yours"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_are_read_as_taxii_says() {
        assert!(is_taxii_21("application/taxii+json;version=2.1"));
        assert!(is_taxii_21("application/taxii+json; version=2.1"));
        assert!(is_taxii_21("application/taxii+json"));
        assert!(!is_taxii_21("application/taxii+json;version=2.0"));
        assert!(!is_taxii_21("application/json"));
        let mut h = HeaderMap::new();
        assert!(check_accept(&h).is_ok());
        h.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        assert_eq!(
            check_accept(&h).unwrap_err().status,
            StatusCode::NOT_ACCEPTABLE
        );
        h.insert(
            header::ACCEPT,
            HeaderValue::from_static("text/html, application/taxii+json;version=2.1"),
        );
        assert!(check_accept(&h).is_ok());
        assert_eq!(
            check_content_type(&HeaderMap::new()).unwrap_err().status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
    }

    #[test]
    fn filters_are_read_and_bad_ones_refused() {
        let p = parse_params(Some(
            "added_after=2026-11-28T12:00:00.000Z&limit=5000&match[type]=indicator,campaign&match[version]=first,2026-01-01T00:00:00Z",
        ))
        .unwrap();
        assert_eq!(p.limit, MAX_PAGE);
        assert_eq!(p.types, ["indicator", "campaign"]);
        assert!(matches!(
            p.versions,
            VersionFilter::Some { first: true, last: false, ref versions } if versions.len() == 1
        ));
        assert_eq!(
            parse_params(Some("match[version]=all")).unwrap().versions,
            VersionFilter::All
        );
        assert_eq!(parse_params(None).unwrap().limit, DEFAULT_PAGE);
        for bad in [
            "added_after=yesterday",
            "limit=-1",
            "next=abc",
            "match[version]=newest",
        ] {
            assert_eq!(
                parse_params(Some(bad)).unwrap_err().status,
                StatusCode::BAD_REQUEST,
                "{bad}"
            );
        }
    }

    #[test]
    fn pages_are_written_without_reparsing() {
        assert_eq!(paged_body("objects", "", false, None), "{}");
        let body = paged_body("objects", "{\"a\":1},{\"b\":2}", true, Some(7));
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["more"], true);
        assert_eq!(v["next"], "7");
        assert_eq!(v["objects"][1]["b"], 2);
    }
}
