//! Server-rendered pages: the public report form in the victim's language, sign-in, and the
//! analysts' report pages. Everything works with JavaScript off.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Extension;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::value::Serde;
use minijinja::{Value, context};
use scamtrace_intake::IntakeError;
use scamtrace_model::{
    COUNTRIES, CURRENCIES, ContactMethod, KNOWN_BRANDS, PaymentMethod, Reference,
};
use scamtrace_store::{SessionRecord, Source};
use serde_json::{Map, json};

use crate::AppState;
use crate::api::{load_report, rate_limit, read_body, reveal_reporter};
use crate::auth::{Principal, hash_secret, may_read_personal_data, new_secret};
use crate::csrf;
use crate::error::{ApiError, field_message};
use crate::i18n::{CATALOGS, LANGUAGES, Lang, t};
use crate::middleware::{SESSION_COOKIE, cookie};
use crate::views::{filter_query, parse_filter, report_json};

/// Any serializable value, for a template context.
fn v<T: serde::Serialize>(value: T) -> Value {
    Value::from(Serde(value))
}

/// What every page needs: its language, the signed-in user, and a CSRF token for its forms.
struct Page {
    lang: Lang,
    principal: Option<Principal>,
    csrf_token: String,
    /// Set when the CSRF cookie has to be (re)issued with this response.
    new_csrf_cookie: bool,
}

impl Page {
    fn new(
        state: &AppState,
        lang: Lang,
        principal: Option<Principal>,
        headers: &HeaderMap,
    ) -> Page {
        match cookie(headers, csrf::COOKIE).filter(|c| state.csrf.is_genuine(c)) {
            Some(token) => Page {
                lang,
                principal,
                csrf_token: token,
                new_csrf_cookie: false,
            },
            None => Page {
                lang,
                principal,
                csrf_token: state.csrf.issue(),
                new_csrf_cookie: true,
            },
        }
    }

    fn base(&self) -> Value {
        let languages: Vec<_> = LANGUAGES
            .iter()
            .filter_map(|(code, _)| Lang::from_code(code))
            .map(|l| json!({"code": l.code(), "name": CATALOGS.get(l, "meta.language_name")}))
            .collect();
        context! {
            lang => self.lang.code(),
            languages => v(languages),
            principal => self.principal.as_ref().map(|p| p.role.as_str()),
            csrf_token => self.csrf_token.clone(),
        }
    }

    fn render(
        &self,
        state: &AppState,
        status: StatusCode,
        template: &str,
        extra: Value,
    ) -> Response {
        let ctx = context! { ..extra, ..self.base() };
        let mut response = match state.templates.render(template, ctx) {
            Ok(html) => (status, html).into_response(),
            Err(e) => return error_page(state, self.lang, e),
        };
        if self.new_csrf_cookie {
            let secure = if state.config.secure_cookies {
                "; Secure"
            } else {
                ""
            };
            let value = format!(
                "{}={}; Path=/; HttpOnly; SameSite=Strict{secure}",
                csrf::COOKIE,
                self.csrf_token
            );
            if let Ok(v) = HeaderValue::from_str(&value) {
                response.headers_mut().append(header::SET_COOKIE, v);
            }
        }
        response
    }
}

/// A full error page in `lang`, for browsers.
pub fn error_page(state: &AppState, lang: Lang, error: ApiError) -> Response {
    let status = error.status();
    let message = t(lang, &format!("errors.{}", error.code()));
    let languages: Vec<_> = Lang::all()
        .map(|l| json!({"code": l.code(), "name": CATALOGS.get(l, "meta.language_name")}))
        .collect();
    let ctx =
        context! { lang => lang.code(), languages => v(languages), message => message.clone() };
    let html = state
        .templates
        .render("error.html", ctx)
        .unwrap_or_else(|_| Html(message.clone()));
    let mut response = (status, html).into_response();
    if let ApiError::RateLimited { retry_after_secs } = error {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(retry_after_secs.max(1)),
        );
    }
    response
}

pub async fn home(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
) -> Response {
    Page::new(&state, lang, principal, &headers).render(
        &state,
        StatusCode::OK,
        "home.html",
        context! {},
    )
}

/// Countries for the form: localized names where the catalog has them, sorted in that language's
/// order as well as plain code-point order allows.
fn countries(lang: Lang) -> Vec<serde_json::Value> {
    let mut list: Vec<(String, &str)> = COUNTRIES
        .iter()
        .map(|(code, english)| {
            let key = format!("countries.{code}");
            let name = CATALOGS.get(lang, &key);
            let name = if name == key {
                english.to_string()
            } else {
                name.to_string()
            };
            (name, *code)
        })
        .collect();
    list.sort();
    list.into_iter()
        .map(|(name, code)| json!({"code": code, "name": name}))
        .collect()
}

/// The country a browser's languages suggest (`en-GB` → GB, `ja` → JP), to preselect.
fn suggested_country(headers: &HeaderMap, lang: Lang) -> Option<String> {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let from_header = accept.split(',').find_map(|part| {
        let tag = part.split(';').next()?.trim();
        let region = tag.split('-').nth(1)?;
        scamtrace_model::Country::parse(region).map(|c| c.to_string())
    });
    from_header.or_else(|| match lang.code() {
        "ja" => Some("JP".into()),
        "de" => Some("DE".into()),
        "es" => Some("ES".into()),
        "fr" => Some("FR".into()),
        _ => None,
    })
}

fn form_page(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    values: Value,
    errors: Value,
) -> Response {
    let today = time::OffsetDateTime::now_utc().date();
    let extra = context! {
        values => values,
        errors => errors,
        countries => v(countries(page.lang)),
        currencies => v(CURRENCIES),
        contact_methods => v(ContactMethod::ALL.map(|m| m.as_str())),
        payment_methods => v(PaymentMethod::ALL.into_iter().filter(|m| *m != PaymentMethod::None).map(|m| m.as_str()).collect::<Vec<_>>()),
        today => scamtrace_model::Day(today).to_string(),
    };
    page.render(state, status, "report_form.html", extra)
}

pub async fn report_form(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
) -> Response {
    let page = Page::new(&state, lang, principal, &headers);
    let values = json!({"country": suggested_country(&headers, lang)});
    form_page(&state, &page, StatusCode::OK, v(&values), Value::from(()))
}

fn parse_form(bytes: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
}

pub async fn report_submit(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    request: Request,
) -> Result<Response, ApiError> {
    rate_limit(&state, &request)?;
    let headers = request.headers().clone();
    let bytes = read_body(&state, request.into_body()).await?;
    let fields = parse_form(&bytes);
    let page = Page::new(&state, lang, principal, &headers);
    // Redisplayed values: what the victim typed, so nothing has to be typed twice.
    let values = v(&fields);
    if !state.csrf.verify(
        cookie(&headers, csrf::COOKIE).as_deref(),
        fields.get("csrf_token").map(String::as_str),
    ) {
        let errors = context! { csrf => t(lang, "errors.csrf") };
        return Ok(form_page(
            &state,
            &page,
            StatusCode::FORBIDDEN,
            values,
            errors,
        ));
    }
    let input = scamtrace_intake::report_from_fields(&fields, &['\n']);
    match state.intake.submit(&input, Source::Form).await {
        Ok(stored) => {
            state
                .metrics
                .reports_accepted
                .fetch_add(1, Ordering::Relaxed);
            Ok(
                Redirect::to(&format!("/report/thanks?reference={}", stored.reference))
                    .into_response(),
            )
        }
        Err(IntakeError::Invalid(errors)) => {
            state
                .metrics
                .reports_rejected
                .fetch_add(1, Ordering::Relaxed);
            // One message per form field: `scammer.phone_numbers[2]` belongs to the list's box.
            let mut by_field: Vec<(String, String)> = Vec::new();
            for e in &errors {
                let field = e.field.split('[').next().unwrap_or(&e.field).to_string();
                if !by_field.iter().any(|(f, _)| *f == field) {
                    by_field.push((field, field_message(lang, e)));
                }
            }
            let errors: Map<String, serde_json::Value> =
                by_field.into_iter().map(|(f, m)| (f, json!(m))).collect();
            Ok(form_page(
                &state,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                values,
                v(&errors),
            ))
        }
        Err(IntakeError::Store(e)) => Err(e.into()),
    }
}

pub async fn report_thanks(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let reference = params
        .get("reference")
        .and_then(|r| Reference::parse(r))
        .ok_or(ApiError::NotFound)?;
    let page = Page::new(&state, lang, principal, &headers);
    Ok(page.render(
        &state,
        StatusCode::OK,
        "report_thanks.html",
        context! { reference => reference.to_string() },
    ))
}

/// Only local paths: never redirect a signed-in analyst to another site.
fn safe_next(next: Option<&String>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.clone(),
        _ => "/reports".into(),
    }
}

pub async fn login_form(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let page = Page::new(&state, lang, principal, &headers);
    page.render(
        &state,
        StatusCode::OK,
        "login.html",
        context! { next => safe_next(params.get("next")), failed => false },
    )
}

pub async fn login_submit(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    request: Request,
) -> Result<Response, ApiError> {
    rate_limit(&state, &request)?;
    let headers = request.headers().clone();
    let fields = parse_form(&read_body(&state, request.into_body()).await?);
    let next = safe_next(fields.get("next"));
    let page = Page::new(&state, lang, None, &headers);
    if !state.csrf.verify(
        cookie(&headers, csrf::COOKIE).as_deref(),
        fields.get("csrf_token").map(String::as_str),
    ) {
        return Ok(page.render(
            &state,
            StatusCode::FORBIDDEN,
            "login.html",
            context! { next => next, failed => true },
        ));
    }
    let token = fields.get("token").map(|t| t.trim()).unwrap_or("");
    let store = state.intake.store();
    let Some(record) = store.find_token(&hash_secret(token)).await? else {
        return Ok(page.render(
            &state,
            StatusCode::UNAUTHORIZED,
            "login.html",
            context! { next => next, failed => true },
        ));
    };
    let session = new_secret("");
    let now = time::OffsetDateTime::now_utc();
    store
        .insert_session(SessionRecord {
            hash: hash_secret(&session),
            token_id: record.id,
            role: record.role,
            created_at: now,
            expires_at: now + time::Duration::hours(state.config.session_hours),
        })
        .await?;
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let max_age = state.config.session_hours * 3600;
    let cookie = format!(
        "{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    );
    let mut response = Redirect::to(&next).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

pub async fn logout(
    State(state): State<Arc<AppState>>,
    request: Request,
) -> Result<Response, ApiError> {
    let headers = request.headers().clone();
    let fields = parse_form(&read_body(&state, request.into_body()).await?);
    if !state.csrf.verify(
        cookie(&headers, csrf::COOKIE).as_deref(),
        fields.get("csrf_token").map(String::as_str),
    ) {
        return Err(ApiError::Forbidden);
    }
    if let Some(session) = cookie(&headers, SESSION_COOKIE) {
        state
            .intake
            .store()
            .delete_session(&hash_secret(&session))
            .await?;
    }
    let mut response = Redirect::to("/").into_response();
    let expired = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    if let Ok(v) = HeaderValue::from_str(&expired) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

pub async fn reports_list(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let filter = parse_filter(&params)?;
    let result = state.intake.store().list_reports(&filter).await?;
    let items: Vec<_> = result
        .items
        .iter()
        .map(|r| {
            let mut item = report_json(r, None);
            item["excerpt"] = json!(excerpt(&r.narrative, 140));
            item
        })
        .collect();
    let next_url = result
        .next_cursor
        .map(|c| format!("/reports?{}", filter_query(&params, &c)));
    let brands: Vec<_> = KNOWN_BRANDS
        .iter()
        .map(|b| json!({"slug": b.slug, "name": b.name}))
        .collect();
    let shown_filter = json!({
        "q": params.get("q"), "country": params.get("country"), "brand": filter.brand,
        "contact_method": filter.contact_method, "since": params.get("since"), "until": params.get("until"),
    });
    let page = Page::new(&state, lang, principal, &headers);
    Ok(page.render(
        &state,
        StatusCode::OK,
        "reports_list.html",
        context! {
            items => v(items), next_url => next_url, brands => v(brands), filter => v(shown_filter),
            contact_methods => v(ContactMethod::ALL.map(|m| m.as_str())),
        },
    ))
}

/// The first `chars` characters of a narrative, cut at a character boundary, with an ellipsis.
fn excerpt(text: &str, chars: usize) -> String {
    let mut out: String = text.chars().take(chars).collect();
    if text.chars().nth(chars).is_some() {
        out.push('…');
    }
    out
}

pub async fn report_page(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let report = load_report(&state, &id).await?;
    let who = principal.clone().ok_or(ApiError::Unauthorized)?;
    let reporter = if params.get("include").map(String::as_str) == Some("reporter") {
        reveal_reporter(
            &state,
            &who,
            &report,
            params.get("reason").map(String::as_str),
        )
        .await?
    } else {
        None
    };
    let page = Page::new(&state, lang, principal, &headers);
    Ok(page.render(
        &state,
        StatusCode::OK,
        "report_view.html",
        context! {
            r => v(report_json(&report, None)),
            reporter => v(reporter.as_ref().map(|p| json!({"name": p.name, "email": p.email, "phone": p.phone, "may_contact": p.may_contact}))),
            can_reveal => may_read_personal_data(&who),
        },
    ))
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/style.css"),
    )
        .into_response()
}
