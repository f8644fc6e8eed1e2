//! The case and referral package API (`/api/v1/cases`, `/api/v1/packages`) and the published
//! signing key (`/.well-known/scamtrace-signing-key`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Extension;
use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use scamtrace_refer::case::{Change, OutcomeInput, Status};
use scamtrace_store::AuditEvent;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::api::read_body;
use crate::auth::{Principal, Role};
use crate::cases::{self, Actor, ExportContext};
use crate::error::ApiError;

async fn json_input<T: serde::de::DeserializeOwned>(
    state: &AppState,
    request: Request,
) -> Result<T, ApiError> {
    if !crate::api::is_json(request.headers()) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes = read_body(state, request.into_body()).await?;
    serde_json::from_slice(&bytes).map_err(|e| {
        // Unknown or mistyped fields are the caller's to fix: name the problem, never the value.
        if e.is_data() {
            ApiError::Invalid {
                field: "body".into(),
                message: e
                    .to_string()
                    .split(" at line")
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(200)
                    .collect(),
            }
        } else {
            ApiError::MalformedJson
        }
    })
}

fn signed_in(p: Option<Principal>) -> Result<Principal, ApiError> {
    p.ok_or(ApiError::Unauthorized)
}

/// Cluster ids given as strings (as the API writes them) or numbers.
#[derive(Deserialize)]
#[serde(untagged)]
enum Id {
    Text(String),
    Number(u64),
}

fn ids(list: &[Id]) -> Result<Vec<u64>, ApiError> {
    list.iter()
        .enumerate()
        .map(|(i, id)| match id {
            Id::Number(n) => Ok(*n),
            Id::Text(t) => t.trim().parse().map_err(|_| ApiError::Invalid {
                field: format!("clusters[{i}]"),
                message: "is not an operation id".into(),
            }),
        })
        .collect()
}

/// A case the caller may see, or 404 (an agency's member never learns that other cases exist).
pub(crate) async fn visible_case(
    state: &AppState,
    principal: &Principal,
    key: &str,
) -> Result<scamtrace_refer::case::Case, ApiError> {
    match cases::find_case(state.intake.store().as_ref(), key).await? {
        Some((_, case)) if cases::may_see(principal, &case) => Ok(case),
        _ => Err(ApiError::NotFound),
    }
}

/// The case's packages the caller may download, as listed.
async fn visible_packages(
    state: &AppState,
    principal: &Principal,
    case_id: &str,
) -> Result<Vec<Value>, ApiError> {
    Ok(state
        .intake
        .store()
        .case_packages(case_id)
        .await?
        .iter()
        .filter(|p| cases::may_download(principal, p))
        .map(cases::package_json)
        .collect())
}

async fn case_body(
    state: &AppState,
    principal: &Principal,
    case: &scamtrace_refer::case::Case,
) -> Result<Value, ApiError> {
    let now = {
        let engine = state.correlator.engine().await;
        cases::clusters_now(&engine, case)
    };
    let mut body = cases::case_json(case, &now, principal);
    body["packages"] = json!(visible_packages(state, principal, &case.id).await?);
    Ok(body)
}

/// `GET /api/v1/cases`: the cases the caller may see, most recently changed first;
/// `?status=` filters.
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let principal = signed_in(principal)?;
    let status = match crate::clusters::param(&params, "status") {
        Some(s) => Some(Status::parse(s).ok_or_else(|| ApiError::Invalid {
            field: "status".into(),
            message: "is not one of open, referred, actioned, closed".into(),
        })?),
        None => None,
    };
    let limit = crate::clusters::limit(&params)?;
    let all = cases::all_cases(state.intake.store().as_ref()).await?;
    let engine = state.correlator.engine().await;
    let items: Vec<Value> = all
        .iter()
        .filter(|c| cases::may_see(&principal, c))
        .filter(|c| status.is_none_or(|s| c.status == s))
        .take(limit)
        .map(|c| cases::case_json(c, &cases::clusters_now(&engine, c), &principal))
        .collect();
    Ok(Json(json!({"items": items, "next_cursor": null})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewCase {
    title: String,
    clusters: Vec<Id>,
    #[serde(default)]
    assignee: Option<String>,
}

/// `POST /api/v1/cases`: opens a case over clusters.
pub async fn create(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    request: Request,
) -> Result<Response, ApiError> {
    let principal = signed_in(principal)?;
    let input: NewCase = json_input(&state, request).await?;
    let actor = Actor::of(state.intake.store().as_ref(), &principal).await?;
    let case = cases::open_case(
        &state.intake,
        &state.correlator,
        &input.title,
        &ids(&input.clusters)?,
        input.assignee.as_deref(),
        &actor,
    )
    .await?;
    let body = case_body(&state, &principal, &case).await?;
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/cases/{}", case.id)) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

/// `GET /api/v1/cases/{id}` (id or reference).
pub async fn get(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path(key): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let principal = signed_in(principal)?;
    let case = visible_case(&state, &principal, &key).await?;
    Ok(Json(case_body(&state, &principal, &case).await?))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CasePatch {
    #[serde(default)]
    title: Option<String>,
    /// A username, or null to unassign.
    #[serde(default, with = "double_option")]
    assignee: Option<Option<String>>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

/// `null` and absent told apart: `Some(None)` unassigns.
mod double_option {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Option::<String>::deserialize(d).map(Some)
    }
}

/// Applies changes one after another; the first refused one stops (those before it stand).
async fn apply_all(
    state: &AppState,
    principal: &Principal,
    key: &str,
    changes: Vec<Change>,
) -> Result<Json<Value>, ApiError> {
    let case = visible_case(state, principal, key).await?;
    let actor = Actor::of(state.intake.store().as_ref(), principal).await?;
    let mut last = case;
    for change in changes {
        last =
            cases::change_case(&state.intake, &state.correlator, &last.id, change, &actor).await?;
    }
    Ok(Json(case_body(state, principal, &last).await?))
}

/// `PATCH /api/v1/cases/{id}`: title, assignee, status (`actioned`, `closed`, `open` to reopen).
pub async fn update(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path(key): Path<String>,
    request: Request,
) -> Result<Json<Value>, ApiError> {
    let principal = signed_in(principal)?;
    let patch: CasePatch = json_input(&state, request).await?;
    let mut changes = Vec::new();
    if let Some(t) = patch.title {
        changes.push(Change::Retitle(t));
    }
    if let Some(a) = patch.assignee {
        changes.push(Change::Assign(a));
    }
    if let Some(s) = patch.status {
        let status = Status::parse(&s).ok_or_else(|| ApiError::Invalid {
            field: "status".into(),
            message: "is not one of open, referred, actioned, closed".into(),
        })?;
        changes.push(Change::SetStatus {
            status,
            reason: patch.reason,
        });
    }
    if changes.is_empty() {
        return Err(ApiError::Invalid {
            field: "body".into(),
            message: "change at least one of title, assignee, status".into(),
        });
    }
    apply_all(&state, &principal, &key, changes).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteInput {
    text: String,
}

/// `POST /api/v1/cases/{id}/notes`: appends a note.
pub async fn add_note(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path(key): Path<String>,
    request: Request,
) -> Result<Json<Value>, ApiError> {
    let principal = signed_in(principal)?;
    let input: NoteInput = json_input(&state, request).await?;
    apply_all(&state, &principal, &key, vec![Change::Note(input.text)]).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReferInput {
    agency: String,
    #[serde(default)]
    agency_reference: Option<String>,
}

/// `POST /api/v1/cases/{id}/referrals`: refers the case to an agency.
pub async fn refer(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path(key): Path<String>,
    request: Request,
) -> Result<Json<Value>, ApiError> {
    let principal = signed_in(principal)?;
    let input: ReferInput = json_input(&state, request).await?;
    apply_all(
        &state,
        &principal,
        &key,
        vec![Change::Refer {
            agency: input.agency,
            agency_reference: input.agency_reference,
        }],
    )
    .await
}

/// `POST /api/v1/cases/{id}/outcomes`: records an outcome.
pub async fn add_outcome(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path(key): Path<String>,
    request: Request,
) -> Result<Json<Value>, ApiError> {
    let principal = signed_in(principal)?;
    let input: OutcomeInput = json_input(&state, request).await?;
    apply_all(&state, &principal, &key, vec![Change::Outcome(input)]).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClustersInput {
    clusters: Vec<Id>,
}

/// `POST /api/v1/cases/{id}/clusters`: adds clusters to the case.
pub async fn add_clusters(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path(key): Path<String>,
    request: Request,
) -> Result<Json<Value>, ApiError> {
    let principal = signed_in(principal)?;
    let input: ClustersInput = json_input(&state, request).await?;
    let list = ids(&input.clusters)?;
    apply_all(&state, &principal, &key, vec![Change::AddClusters(list)]).await
}

/// `GET /api/v1/cases/{id}/events`: the case's history, oldest first.
pub async fn events(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path(key): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let principal = signed_in(principal)?;
    let case = visible_case(&state, &principal, &key).await?;
    let items: Vec<Value> = state
        .intake
        .store()
        .case_events(&case.id)
        .await?
        .into_iter()
        .map(|e| {
            json!({
                "version": e.version, "at": scamtrace_stix::timestamp(e.at), "actor": e.actor,
                "action": e.action,
                "data": serde_json::from_str::<Value>(&e.data).unwrap_or(Value::Null),
            })
        })
        .collect();
    Ok(Json(json!({"items": items, "next_cursor": null})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportInput {
    recipient: String,
}

/// Builds and stores a package for the case; shared by the API and the case page.
pub(crate) async fn export(
    state: &AppState,
    principal: &Principal,
    key: &str,
    recipient: &str,
) -> Result<scamtrace_store::CasePackageInfo, ApiError> {
    let case = visible_case(state, principal, key).await?;
    let actor = Actor::of(state.intake.store().as_ref(), principal).await?;
    let ctx = ExportContext {
        intake: &state.intake,
        correlator: &state.correlator,
        organization: &state.config.organization,
        refer: &state.config.refer,
    };
    let info = cases::export_package(&ctx, &case, recipient, &actor).await?;
    if info.personal_data {
        state
            .metrics
            .personal_data_reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    Ok(info)
}

/// `POST /api/v1/cases/{id}/packages`: exports a referral package for an agency.
pub async fn create_package(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path(key): Path<String>,
    request: Request,
) -> Result<Response, ApiError> {
    let principal = signed_in(principal)?;
    let input: ExportInput = json_input(&state, request).await?;
    let info = export(&state, &principal, &key, &input.recipient).await?;
    Ok((StatusCode::CREATED, Json(cases::package_json(&info))).into_response())
}

/// `GET /api/v1/cases/{id}/packages`: the case's packages the caller may download.
pub async fn packages(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path(key): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let principal = signed_in(principal)?;
    let case = visible_case(&state, &principal, &key).await?;
    let items = visible_packages(&state, &principal, &case.id).await?;
    Ok(Json(json!({"items": items, "next_cursor": null})))
}

/// `GET /api/v1/packages/{id}` (and the page route `/packages/{id}`): the zip, exactly as
/// signed. Every download is audited; one holding personal data counts as a personal-data read.
pub async fn download(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let principal = signed_in(principal)?;
    let store = state.intake.store();
    if id.len() > 64 {
        return Err(ApiError::NotFound);
    }
    let Some(package) = store.case_package(&id).await? else {
        return Err(ApiError::NotFound);
    };
    let Some((_, case)) = cases::find_case(store.as_ref(), &package.info.case_id).await? else {
        return Err(ApiError::NotFound);
    };
    if !cases::may_download(&principal, &package.info) || !cases::may_see(&principal, &case) {
        return Err(ApiError::NotFound);
    }
    store
        .append_audit(AuditEvent {
            at: time::OffsetDateTime::now_utc(),
            actor: principal.id.clone(),
            action: if package.info.personal_data {
                "case.package.download.personal_data".into()
            } else {
                "case.package.download".into()
            },
            subject: format!("case:{}", case.id),
            reason: Some(format!("package {}", package.info.id)),
        })
        .await?;
    if package.info.personal_data {
        state
            .metrics
            .personal_data_reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    let name = format!(
        "{}-{}.zip",
        case.reference,
        package.info.exported_at.unix_timestamp()
    );
    let mut response = (StatusCode::OK, package.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// `GET /.well-known/scamtrace-signing-key`: the public key packages are signed with (JSON;
/// `?format=pem` for the PEM alone).
pub async fn signing_key(
    State(state): State<Arc<AppState>>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let key = cases::signing_key(state.intake.vault()).public();
    if params.get("format").map(String::as_str) == Some("pem") {
        return (
            [(header::CONTENT_TYPE, "application/x-pem-file")],
            key.to_pem(),
        )
            .into_response();
    }
    Json(key.well_known(&state.config.organization)).into_response()
}

/// `GET /api/v1/outcomes`: cases by status, referrals by agency and outcome totals.
pub async fn outcomes(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
) -> Result<Json<Value>, ApiError> {
    let principal = signed_in(principal)?;
    let all = cases::all_cases(state.intake.store().as_ref()).await?;
    let visible: Vec<_> = all
        .into_iter()
        .filter(|c| principal.role != Role::LawEnforcement || cases::may_see(&principal, c))
        .collect();
    Ok(Json(cases::outcome_figures(&visible)))
}
