//! Errors become responses here, and only here: JSON for the API, a page for browsers, in the
//! caller's language, never with stack traces, SQL or personal data.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use scamtrace_model::FieldError;
use serde_json::json;

use crate::i18n::{CATALOGS, Lang};

#[derive(Clone, Debug)]
pub enum ApiError {
    Validation(Vec<FieldError>),
    /// A query parameter or similar input that is not a report field.
    BadRequest {
        field: String,
        code: &'static str,
    },
    MalformedJson,
    UnsupportedMediaType,
    PayloadTooLarge,
    RateLimited {
        retry_after_secs: u64,
    },
    Unauthorized,
    Forbidden,
    NotFound,
    /// A field of a non-report request that is wrong, with a message naming the problem (never
    /// echoing the value).
    Invalid {
        field: String,
        message: String,
    },
    /// The request conflicts with the current state (a case's workflow), with why.
    Conflict(String),
    Internal,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest { .. } | ApiError::MalformedJson => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "validation_failed",
            ApiError::BadRequest { .. } => "bad_request",
            ApiError::MalformedJson => "malformed_json",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden => "forbidden",
            ApiError::NotFound => "not_found",
            ApiError::Invalid { .. } => "invalid",
            ApiError::Conflict(_) => "conflict",
            ApiError::Internal => "internal",
        }
    }

    /// The error document: `{"error": {"code", "message", "details": [...]}}`.
    pub fn body(&self, lang: Lang) -> serde_json::Value {
        let message = CATALOGS
            .get(lang, &format!("errors.{}", self.code()))
            .to_string();
        let details: Vec<serde_json::Value> = match self {
            ApiError::Validation(errors) => errors
                .iter()
                .map(|e| json!({"field": e.field, "code": e.code.as_str(), "message": field_message(lang, e)}))
                .collect(),
            ApiError::BadRequest { field, code } => {
                vec![json!({"field": field, "code": code, "message": CATALOGS.get(lang, &format!("errors.{code}"))})]
            }
            ApiError::Invalid { field, message } => {
                vec![json!({"field": field, "code": "invalid", "message": message})]
            }
            ApiError::Conflict(message) => {
                vec![json!({"code": "conflict", "message": message})]
            }
            _ => Vec::new(),
        };
        json!({"error": {"code": self.code(), "message": message, "details": details}})
    }

    pub fn into_localized_response(self, lang: Lang) -> Response {
        let mut response = (self.status(), axum::Json(self.body(lang))).into_response();
        if let ApiError::RateLimited { retry_after_secs } = self {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after_secs.max(1)),
            );
        }
        if let ApiError::Unauthorized = self {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"scamtrace\""),
            );
        }
        response
    }
}

/// A field error's message in `lang`, with its limit or expected values filled in.
pub fn field_message(lang: Lang, e: &FieldError) -> String {
    let mut args = Vec::new();
    if let Some(limit) = e.limit {
        args.push(("limit", limit.to_string()));
    }
    if let Some(expected) = &e.expected {
        args.push(("expected", expected.clone()));
    }
    CATALOGS.format(lang, &format!("errors.{}", e.code.as_str()), &args)
}

/// Handlers that do not know the caller's language return the bare error; the language
/// middleware finds it in the response extensions and writes the body.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.clone().into_localized_response(Lang::EN);
        response.extensions_mut().insert(UnrenderedError(self));
        response
    }
}

/// Marks a response whose body the language middleware should localize.
#[derive(Clone, Debug)]
pub struct UnrenderedError(pub ApiError);

impl From<crate::auth::AccountError> for ApiError {
    fn from(e: crate::auth::AccountError) -> Self {
        match e {
            crate::auth::AccountError::Store(e) => e.into(),
            other => {
                tracing::error!(error = %other, "account error");
                ApiError::Internal
            }
        }
    }
}

impl From<scamtrace_store::StoreError> for ApiError {
    fn from(e: scamtrace_store::StoreError) -> Self {
        // The operator sees the cause in the log; the caller sees only that it failed.
        tracing::error!(error = %e, "store error");
        ApiError::Internal
    }
}
