//! Server-rendered pages: the public report form in the victim's language, sign-in, and the
//! analysts' report pages. Everything works with JavaScript off.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Extension;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::value::Serde;
use minijinja::{Value, context};
use scamtrace_intake::IntakeError;
use scamtrace_model::{
    COUNTRIES, CURRENCIES, ContactMethod, KNOWN_BRANDS, PaymentMethod, Reference,
};
use scamtrace_store::{AuditEvent, SessionRecord, Source};
use serde_json::{Map, json};

use crate::AppState;
use crate::api::{load_report, rate_limit, read_body, reveal_reporter};
use crate::auth::{Principal, Role, hash_secret, may_read_personal_data, new_secret, sign_in};
use crate::csrf;
use crate::error::{ApiError, field_message};
use crate::i18n::{CATALOGS, Lang, t};
use crate::middleware::{SESSION_COOKIE, cookie};
use crate::views::{filter_query, parse_filter, report_json};

/// Any serializable value, for a template context.
pub(crate) fn v<T: serde::Serialize>(value: T) -> Value {
    Value::from(Serde(value))
}

/// What every page needs: its language, the signed-in user, and a CSRF token for its forms.
pub(crate) struct Page {
    lang: Lang,
    principal: Option<Principal>,
    csrf_token: String,
    /// Set when the CSRF cookie has to be (re)issued with this response.
    new_csrf_cookie: bool,
    /// The language switcher's links: this page (with its query) in each language.
    languages: Vec<serde_json::Value>,
}

/// This page in every interface language: the same path and query, with `lang` replaced. A page
/// that answered a POST links to its GET form (typed values cannot travel in a link).
fn language_links(uri: &Uri) -> Vec<serde_json::Value> {
    let kept: Vec<(String, String)> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .filter(|(k, _)| k != "lang")
                .collect()
        })
        .unwrap_or_default();
    Lang::all()
        .map(|l| {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            query.extend_pairs(kept.iter());
            query.append_pair("lang", l.code());
            json!({"code": l.code(), "name": CATALOGS.get(l, "meta.language_name"), "href": format!("{}?{}", uri.path(), query.finish())})
        })
        .collect()
}

impl Page {
    pub(crate) fn new(
        state: &AppState,
        lang: Lang,
        principal: Option<Principal>,
        headers: &HeaderMap,
        uri: &Uri,
    ) -> Page {
        let languages = language_links(uri);
        match cookie(headers, csrf::COOKIE).filter(|c| state.csrf.is_genuine(c)) {
            Some(token) => Page {
                lang,
                principal,
                csrf_token: token,
                new_csrf_cookie: false,
                languages,
            },
            None => Page {
                lang,
                principal,
                csrf_token: state.csrf.issue(),
                new_csrf_cookie: true,
                languages,
            },
        }
    }

    fn base(&self) -> Value {
        context! {
            lang => self.lang.code(),
            languages => v(&self.languages),
            principal => self.principal.as_ref().map(|p| p.role.as_str()),
            csrf_token => self.csrf_token.clone(),
        }
    }

    pub(crate) fn render(
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
    let languages = language_links(&Uri::from_static("/"));
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
    uri: Uri,
) -> Response {
    Page::new(&state, lang, principal, &headers, &uri).render(
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

/// The country to preselect: the region of the browser's first language tag when that tag is in
/// the page's language (`en-GB` → GB), else the language's main country (`ja` → JP), else none.
fn suggested_country(headers: &HeaderMap, lang: Lang) -> Option<String> {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let from_header = accept.split(',').find_map(|part| {
        let tag = part.split(';').next()?.trim();
        let mut subtags = tag.split('-');
        let primary = subtags.next()?;
        if !primary.eq_ignore_ascii_case(lang.code()) {
            return None;
        }
        scamtrace_model::Country::parse(subtags.next()?).map(|c| c.to_string())
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
    summary: Value,
) -> Response {
    let today = time::OffsetDateTime::now_utc().date();
    let extra = context! {
        values => values,
        errors => errors,
        summary => summary,
        countries => v(countries(page.lang)),
        currencies => v(CURRENCIES),
        contact_methods => v(ContactMethod::ALL.map(|m| m.as_str())),
        payment_methods => v(PaymentMethod::ALL.into_iter().filter(|m| *m != PaymentMethod::None).map(|m| m.as_str()).collect::<Vec<_>>()),
        today => scamtrace_model::Day(today).to_string(),
    };
    page.render(state, status, "report_form.html", extra)
}

/// The form's fields in page order, with the label each error names.
const FORM_FIELDS: &[(&str, &str)] = &[
    ("country", "form.country"),
    ("occurred_on", "form.occurred_on"),
    ("contact_method", "form.contact_method"),
    ("impersonated_brand", "form.impersonated_brand"),
    ("narrative", "form.narrative"),
    ("scammer.phone_numbers", "form.phone_numbers"),
    ("scammer.websites", "form.websites"),
    ("scammer.emails", "form.emails"),
    ("scammer.names", "form.names"),
    ("remote_access.tool", "form.remote_tool"),
    ("remote_access.id", "form.remote_id"),
    ("payment.method", "form.payment_method"),
    ("payment.amount", "form.amount"),
    ("payment.currency", "form.currency"),
    ("payment.details", "form.payment_details"),
    ("reporter.name", "form.reporter_name"),
    ("reporter.email", "form.reporter_email"),
    ("reporter.phone", "form.reporter_phone"),
    ("reporter.may_contact", "form.may_contact"),
];

/// Field errors for the form: one message per field (`scammer.phone_numbers[2]` belongs to the
/// list's box) to show beside it, and a summary in page order whose links name their field.
fn form_errors(
    lang: Lang,
    errors: &[scamtrace_model::FieldError],
) -> (Map<String, serde_json::Value>, Vec<serde_json::Value>) {
    let mut beside = Map::new();
    for e in errors {
        let field = e.field.split('[').next().unwrap_or(&e.field).to_string();
        beside
            .entry(field)
            .or_insert_with(|| json!(field_message(lang, e)));
    }
    let mut summary = Vec::new();
    for (field, label) in FORM_FIELDS {
        if let Some(message) = beside.get(*field).and_then(|m| m.as_str()) {
            let target = match *field {
                "contact_method" => "f-contact_method-phone_call".to_string(),
                f => format!("f-{}", f.replace('.', "-")),
            };
            summary.push(json!({"href": format!("#{target}"), "text": format!("{}: {message}", t(lang, label))}));
        }
    }
    // Errors on fields the form does not show (none expected) still get a line.
    for (field, message) in &beside {
        if !FORM_FIELDS.iter().any(|(f, _)| f == field) {
            summary.push(json!({"href": null, "text": format!("{field}: {}", message.as_str().unwrap_or(""))}));
        }
    }
    (beside, summary)
}

pub async fn report_form(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let page = Page::new(&state, lang, principal, &headers, &uri);
    let values = json!({"country": suggested_country(&headers, lang)});
    form_page(
        &state,
        &page,
        StatusCode::OK,
        v(&values),
        Value::from(()),
        v(Vec::<()>::new()),
    )
}

pub(crate) fn parse_form(bytes: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
}

pub async fn report_submit(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    request: Request,
) -> Result<Response, ApiError> {
    let client = rate_limit(&state, &request)?;
    let headers = request.headers().clone();
    let uri = request.uri().clone();
    let bytes = read_body(&state, request.into_body()).await?;
    let fields = parse_form(&bytes);
    let principal_is_none = principal.is_none();
    let page = Page::new(&state, lang, principal, &headers, &uri);
    // Redisplayed values: what the victim typed, so nothing has to be typed twice.
    let values = v(&fields);
    if !state.csrf.verify(
        cookie(&headers, csrf::COOKIE).as_deref(),
        fields.get("csrf_token").map(String::as_str),
    ) {
        let errors = context! {};
        let summary = v(vec![json!({"href": null, "text": t(lang, "errors.csrf")})]);
        return Ok(form_page(
            &state,
            &page,
            StatusCode::FORBIDDEN,
            values,
            errors,
            summary,
        ));
    }
    let input = scamtrace_intake::report_from_fields(&fields, &['\n']);
    // Signed-in staff file on behalf of victims; public submissions are told apart by address.
    let client = principal_is_none.then_some(client);
    match state
        .intake
        .submit_for(&input, Source::Form, None, client)
        .await
    {
        Ok(stored) => {
            state.correlator.wake();
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
            let (errors, summary) = form_errors(lang, &errors);
            Ok(form_page(
                &state,
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                values,
                v(&errors),
                v(&summary),
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
    uri: Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let reference = params
        .get("reference")
        .and_then(|r| Reference::parse(r))
        .ok_or(ApiError::NotFound)?;
    let page = Page::new(&state, lang, principal, &headers, &uri);
    Ok(page.render(
        &state,
        StatusCode::OK,
        "report_thanks.html",
        context! { reference => reference.to_string() },
    ))
}

/// Where the sign-in page leads when it was not sent from another page.
pub const DEFAULT_LANDING: &str = "/dashboard";

/// Where an agency's member lands: the cases referred to their agency are all they may see.
pub const AGENCY_LANDING: &str = "/cases";

/// Only local paths: never redirect a signed-in user to another site.
fn safe_next(next: Option<&String>) -> Option<String> {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => {
            Some(n.clone())
        }
        _ => None,
    }
}

/// Where a user who just signed in goes: the page that sent them to sign in when their role may
/// use it, else their role's start page (law enforcement: their cases; others: the dashboard).
fn landing(role: &str, next: Option<String>) -> String {
    if role == Role::LawEnforcement.as_str() {
        return next
            .filter(|n| {
                n == "/cases"
                    || n.starts_with("/cases/")
                    || n.starts_with("/cases?")
                    || n.starts_with("/packages/")
            })
            .unwrap_or_else(|| AGENCY_LANDING.into());
    }
    next.unwrap_or_else(|| DEFAULT_LANDING.into())
}

pub async fn login_form(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    Extension(principal): Extension<Option<Principal>>,
    headers: HeaderMap,
    uri: Uri,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let page = Page::new(&state, lang, principal, &headers, &uri);
    page.render(
        &state,
        StatusCode::OK,
        "login.html",
        context! { next => safe_next(params.get("next")).unwrap_or_default(), username => "", error => None::<&str> },
    )
}

pub async fn login_submit(
    State(state): State<Arc<AppState>>,
    Extension(lang): Extension<Lang>,
    request: Request,
) -> Result<Response, ApiError> {
    rate_limit(&state, &request)?;
    let headers = request.headers().clone();
    let uri = request.uri().clone();
    let fields = parse_form(&read_body(&state, request.into_body()).await?);
    let next = safe_next(fields.get("next"));
    // Shown again in the form after a failure: what was asked, or nothing.
    let next_field = next.clone().unwrap_or_default();
    let page = Page::new(&state, lang, None, &headers, &uri);
    // The username is shown again after a failure; the password never is.
    let username = fields.get("username").map(|u| u.trim()).unwrap_or("");
    let password = fields.get("password").map(String::as_str).unwrap_or("");
    if !state.csrf.verify(
        cookie(&headers, csrf::COOKIE).as_deref(),
        fields.get("csrf_token").map(String::as_str),
    ) {
        return Ok(page.render(
            &state,
            StatusCode::FORBIDDEN,
            "login.html",
            context! { next => next_field, username => username, error => "errors.csrf" },
        ));
    }
    let store = state.intake.store();
    // One answer for an unknown username, a wrong password and a disabled account.
    let Some(user) = sign_in(store.as_ref(), username, password).await? else {
        state.metrics.logins_failed.fetch_add(1, Ordering::Relaxed);
        return Ok(page.render(
            &state,
            StatusCode::UNAUTHORIZED,
            "login.html",
            context! { next => next_field, username => username, error => "login.failed" },
        ));
    };
    // A session this browser still had (another account's, perhaps) ends here.
    if let Some(previous) = cookie(&headers, SESSION_COOKIE) {
        store.delete_session(&hash_secret(&previous)).await?;
    }
    let session = new_secret("");
    let now = time::OffsetDateTime::now_utc();
    store
        .insert_session(SessionRecord {
            hash: hash_secret(&session),
            user_id: user.id.clone(),
            role: user.role.clone(),
            created_at: now,
            expires_at: now + time::Duration::hours(state.config.session_hours),
        })
        .await?;
    store
        .append_audit(AuditEvent {
            at: now,
            actor: user.id.clone(),
            action: "user.login".into(),
            subject: user.id,
            reason: None,
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
    let mut response = Redirect::to(&landing(&user.role, next)).into_response();
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
    uri: Uri,
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
    let page = Page::new(&state, lang, principal, &headers, &uri);
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
pub(crate) fn excerpt(text: &str, chars: usize) -> String {
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
    uri: Uri,
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
    // The narrative is read again for its marks: a report keeps each value once, at its first
    // occurrence, which may be a field rather than the story.
    let in_story: Vec<scamtrace_store::IndicatorRow> = state
        .intake
        .extractor()
        .extract_text(
            &report.narrative,
            &report.country,
            scamtrace_extract::Origin::Narrative,
        )
        .iter()
        .map(scamtrace_intake::indicator_row)
        .collect();
    let segments = crate::workbench::narrative_segments(&report.narrative, &in_story);
    let cluster = crate::workbench::report_cluster(&state, &report.id).await;
    let indicator_links: Vec<Option<String>> = report
        .indicators
        .iter()
        .map(|i| {
            (i.kind != "brand").then(|| {
                crate::workbench::indicator_href(&i.kind, &crate::correlation::link_form(i))
            })
        })
        .collect();
    let page = Page::new(&state, lang, principal, &headers, &uri);
    Ok(page.render(
        &state,
        StatusCode::OK,
        "report_view.html",
        context! {
            segments => v(segments), cluster => v(cluster), indicator_links => v(indicator_links),
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

/// The cluster page's graph script (ours).
pub async fn graph_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/graph.js"),
    )
        .into_response()
}

/// Third-party files shipped with ScamTrace, each with its licence (`static/vendor/`).
const VENDORED: &[(&str, &str, &str)] = &[
    (
        "cytoscape-3.35.0.min.js",
        "text/javascript; charset=utf-8",
        include_str!("../static/vendor/cytoscape-3.35.0.min.js"),
    ),
    (
        "cytoscape-LICENSE.txt",
        "text/plain; charset=utf-8",
        include_str!("../static/vendor/cytoscape-LICENSE.txt"),
    ),
];

pub async fn vendored(Path(file): Path<String>) -> Result<Response, ApiError> {
    let (_, content_type, body) = VENDORED
        .iter()
        .find(|(name, _, _)| *name == file)
        .ok_or(ApiError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, *content_type),
            // Versioned names: a new version is a new name.
            (header::CACHE_CONTROL, "public, max-age=604800, immutable"),
        ],
        *body,
    )
        .into_response())
}
