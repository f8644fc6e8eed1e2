//! The JSON API: report intake for everyone, report reading for analysts, and operations routes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use scamtrace_intake::IntakeError;
use scamtrace_store::{AuditEvent, Source, StoredReport};
use serde_json::json;

use crate::AppState;
use crate::auth::{Principal, may_read_personal_data};
use crate::error::ApiError;
use crate::middleware::{client_ip, peer_of};
use crate::views::{parse_filter, report_json};

/// Reads a request body up to the configured limit.
pub async fn read_body(state: &AppState, body: Body) -> Result<axum::body::Bytes, ApiError> {
    axum::body::to_bytes(body, state.config.max_body_bytes)
        .await
        .map_err(|_| ApiError::PayloadTooLarge)
}

/// Takes one token from the caller's public-POST bucket.
/// Takes a token of the client's bucket; the client's address when one was left.
pub fn rate_limit(state: &AppState, request: &Request) -> Result<IpAddr, ApiError> {
    let ip = client_ip(state, request.headers(), peer_of(request));
    state.limiter.check(ip).map_err(|retry_after_secs| {
        state.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
        ApiError::RateLimited { retry_after_secs }
    })?;
    Ok(ip)
}

pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json"
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
        .unwrap_or(false)
}

/// `POST /api/v1/reports`: anyone may file a report.
pub async fn create_report(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    request: Request,
) -> Result<Response, ApiError> {
    let client = rate_limit(&state, &request)?;
    if !is_json(request.headers()) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes = read_body(&state, request.into_body()).await?;
    let input: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| ApiError::MalformedJson)?;
    // A partner's or agency's token names whose data the report is; anonymous reports are the
    // victims' own, and their client address (as a keyed hash) tells them apart for verdicts.
    let organization = principal.as_ref().and_then(|p| p.organization.as_deref());
    let client = if principal.is_none() {
        Some(client)
    } else {
        None
    };
    match state
        .intake
        .submit_for(&input, Source::Api, organization, client)
        .await
    {
        Ok(stored) => {
            state.correlator.wake();
            state
                .metrics
                .reports_accepted
                .fetch_add(1, Ordering::Relaxed);
            let location = format!("/api/v1/reports/{}", stored.id);
            let indicators: Vec<_> = stored
                .indicators
                .iter()
                .map(scamtrace_intake::indicator_json)
                .collect();
            let body = json!({
                "id": stored.id, "reference": stored.reference, "status": "received",
                "indicators": indicators,
            });
            Ok((
                StatusCode::CREATED,
                [(header::LOCATION, location)],
                Json(body),
            )
                .into_response())
        }
        Err(IntakeError::Invalid(errors)) => {
            state
                .metrics
                .reports_rejected
                .fetch_add(1, Ordering::Relaxed);
            Err(ApiError::Validation(errors))
        }
        Err(IntakeError::Store(e)) => Err(e.into()),
    }
}

/// Loads a report by id; anything that is not a stored report's id is simply not found.
pub async fn load_report(state: &AppState, id: &str) -> Result<StoredReport, ApiError> {
    if uuid::Uuid::parse_str(id).is_err() {
        return Err(ApiError::NotFound);
    }
    state
        .intake
        .store()
        .get_report(id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Opens a report's personal data for an analyst who gave a reason, after writing the audit event.
pub async fn reveal_reporter(
    state: &AppState,
    principal: &Principal,
    report: &StoredReport,
    reason: Option<&str>,
) -> Result<Option<scamtrace_model::Reporter>, ApiError> {
    if !may_read_personal_data(principal) {
        return Err(ApiError::Forbidden);
    }
    let reason = reason
        .map(str::trim)
        .filter(|r| !r.is_empty() && r.chars().count() <= 200);
    let Some(reason) = reason else {
        return Err(ApiError::BadRequest {
            field: "reason".into(),
            code: "required",
        });
    };
    state
        .intake
        .store()
        .append_audit(AuditEvent {
            at: time::OffsetDateTime::now_utc(),
            actor: principal.id.clone(),
            action: "report.personal_data.read".into(),
            subject: report.id.clone(),
            reason: Some(reason.to_string()),
        })
        .await?;
    state
        .metrics
        .personal_data_reads
        .fetch_add(1, Ordering::Relaxed);
    state.intake.reporter_of(report).map_err(|e| {
        tracing::error!(report = %report.id, error = %e, "cannot open sealed personal data");
        ApiError::Internal
    })
}

/// `GET /api/v1/reports/{id}`; `?include=reporter&reason=...` adds personal data (audited).
pub async fn get_report(
    State(state): State<Arc<AppState>>,
    Extension(principal): Extension<Option<Principal>>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let report = load_report(&state, &id).await?;
    let principal = principal.ok_or(ApiError::Unauthorized)?;
    let reporter = match params.get("include").map(String::as_str) {
        None | Some("") => None,
        Some("reporter") => {
            reveal_reporter(
                &state,
                &principal,
                &report,
                params.get("reason").map(String::as_str),
            )
            .await?
        }
        Some(_) => {
            return Err(ApiError::BadRequest {
                field: "include".into(),
                code: "invalid_value",
            });
        }
    };
    Ok(Json(report_json(&report, reporter.as_ref())))
}

/// `GET /api/v1/reports`: filtered, newest first, cursor-paginated.
pub async fn list_reports(
    State(state): State<Arc<AppState>>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let filter = parse_filter(&params)?;
    let page = state.intake.store().list_reports(&filter).await?;
    // Lists carry no indicators (one report's page does): keep them light.
    let items: Vec<_> = page
        .items
        .iter()
        .map(|r| {
            let mut item = report_json(r, None);
            if let Some(obj) = item.as_object_mut() {
                obj.remove("indicators");
            }
            item
        })
        .collect();
    Ok(Json(
        json!({"items": items, "next_cursor": page.next_cursor.map(|c| c.encode())}),
    ))
}

pub async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    match state.intake.store().ping().await {
        Ok(()) => Json(json!({"status": "ok", "database": state.intake.store().backend()}))
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let total = state.intake.store().count_reports().await.ok();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(total),
    )
        .into_response()
}

pub async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}
