//! The layers every request passes: language, authorization, error rendering, security headers
//! and metrics.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;

use crate::AppState;
use crate::auth::{Access, Principal, Role, hash_secret, route_spec};
use crate::error::{ApiError, UnrenderedError};
use crate::i18n::Lang;

pub const LANG_COOKIE: &str = "st_lang";
pub const SESSION_COOKIE: &str = "st_session";

/// The route template a response came from, for metrics labels.
#[derive(Clone, Copy)]
struct RouteLabel(&'static str);

/// Content Security Policy: nothing inline, nothing from elsewhere, never framed.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The client's address: the peer, or the last `X-Forwarded-For` hop when configured to trust it.
pub fn client_ip(
    state: &AppState,
    request_headers: &HeaderMap,
    peer: Option<SocketAddr>,
) -> IpAddr {
    if state.config.trust_forwarded_for {
        let forwarded = request_headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|ip| ip.trim().parse().ok());
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    peer.map(|p| p.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

pub fn peer_of(request: &Request) -> Option<SocketAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}

/// Outermost layer: picks the language, renders bare errors, adds security headers, and counts.
pub async fn frame(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let chosen = request
        .uri()
        .query()
        .and_then(|q| url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "lang"))
        .and_then(|(_, v)| Lang::from_code(&v));
    let lang = chosen
        .or_else(|| cookie(request.headers(), LANG_COOKIE).and_then(|c| Lang::from_code(&c)))
        .or_else(|| {
            request
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or(Lang::EN);
    // The access log names the path only: query strings carry what people look up and search.
    let path = tracing::enabled!(target: "access", tracing::Level::DEBUG)
        .then(|| request.uri().path().to_string());
    let is_page = !is_machine_path(request.uri().path());
    let is_taxii = request.uri().path().starts_with("/taxii2/");
    request.extensions_mut().insert(lang);

    let mut response = next.run(request).await;

    if let Some(UnrenderedError(error)) = response.extensions_mut().remove::<UnrenderedError>() {
        let label = response.extensions().get::<RouteLabel>().copied();
        response = if is_taxii {
            crate::taxii::from_api_error(&error)
        } else if is_page {
            crate::pages::error_page(&state, lang, error)
        } else {
            error.into_localized_response(lang)
        };
        if let Some(label) = label {
            response.extensions_mut().insert(label);
        }
    }
    let headers = response.headers_mut();
    if let Some(lang) = chosen {
        let value = format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
            lang.code()
        );
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.append(header::SET_COOKIE, v);
        }
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if is_page && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.append(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );

    let route = response
        .extensions()
        .get::<RouteLabel>()
        .map(|r| r.0)
        .unwrap_or("unmatched");
    state
        .metrics
        .observe(method, route, response.status().as_u16(), started.elapsed());
    // Off by default (busy servers answer tens of thousands of requests a second); turn it on
    // with SCAMTRACE_LOG=info,access=debug.
    tracing::debug!(
        target: "access",
        method,
        path = path.as_deref().unwrap_or(""),
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

fn is_machine_path(path: &str) -> bool {
    path.starts_with("/api/")
        || path.starts_with("/taxii2/")
        || path == "/healthz"
        || path == "/metrics"
}

fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// Looks up the bearer token or, failing that, the session cookie and its user. An invalid
/// credential, or a disabled user's session, is the same as none.
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Principal>, ApiError> {
    let store = state.intake.store();
    if let Some(auth) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        // A bearer token, or (for TAXII clients) HTTP Basic with the token as the password
        // and the token's organization as the user.
        let (token, basic_user) = if let Some(token) = auth.strip_prefix("Bearer ") {
            (token.trim().to_string(), None)
        } else if let Some((user, password)) = auth
            .strip_prefix("Basic ")
            .and_then(|b| {
                base64::engine::general_purpose::STANDARD
                    .decode(b.trim())
                    .ok()
            })
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| {
                s.split_once(':')
                    .map(|(u, p)| (u.to_string(), p.to_string()))
            })
        {
            (password, Some(user))
        } else {
            return Ok(None);
        };
        let found = store.find_token(&hash_secret(&token)).await?;
        return Ok(found
            .filter(|t| match &basic_user {
                None => true,
                Some(user) => t
                    .organization
                    .as_deref()
                    .is_some_and(|org| org.trim().eq_ignore_ascii_case(user.trim())),
            })
            .and_then(|t| {
                Role::parse(&t.role).map(|role| Principal {
                    id: t.id,
                    role,
                    via_session: false,
                    organization: t.organization,
                    collections: t.collections,
                })
            }));
    }
    if let Some(session) = cookie(headers, SESSION_COOKIE) {
        let Some(session) = store
            .find_session(&hash_secret(&session), time::OffsetDateTime::now_utc())
            .await?
        else {
            return Ok(None);
        };
        // The account as it is now: a disabled one is refused, a changed role applies at once.
        let user = store.find_user(&session.user_id).await?;
        return Ok(user.filter(|u| u.disabled_at.is_none()).and_then(|u| {
            Role::parse(&u.role).map(|role| Principal {
                id: u.id,
                role,
                via_session: true,
                organization: u.organization,
                collections: None,
            })
        }));
    }
    Ok(None)
}

/// Route layer: finds the route in [`crate::auth::ROUTES`] and lets the request through only if
/// the caller's role may use it. Signed-out browsers are sent to the sign-in page.
pub async fn authorize(
    State(state): State<Arc<AppState>>,
    mut request: Request,
    next: Next,
) -> Response {
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    let method = request.method().as_str().to_string();
    // HEAD is answered like GET.
    let lookup_method = if method == "HEAD" {
        "GET"
    } else {
        method.as_str()
    };
    let Some(spec) = matched
        .as_deref()
        .and_then(|p| route_spec(lookup_method, p))
    else {
        tracing::error!(method, path = ?matched, "route missing from the access table; refused");
        return ApiError::Forbidden.into_response();
    };
    // Public API calls are looked up only when they carry a token (a partner submitting reports
    // names its organization that way); anonymous intake costs no query.
    let needs_identity = !matches!(spec.access, Access::Public)
        || !spec.is_machine()
        || request.headers().contains_key(header::AUTHORIZATION);
    let principal = if needs_identity {
        match authenticate(&state, request.headers()).await {
            Ok(p) => p,
            Err(e) => return with_label(e.into_response(), spec.path),
        }
    } else {
        None
    };
    if let Access::Roles(roles) = spec.access {
        match &principal {
            None if spec.is_machine() => {
                return with_label(ApiError::Unauthorized.into_response(), spec.path);
            }
            None => {
                let back = request
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let target = format!(
                    "/login?next={}",
                    url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
                );
                return with_label(Redirect::to(&target).into_response(), spec.path);
            }
            Some(p) if !roles.contains(&p.role) => {
                return with_label(ApiError::Forbidden.into_response(), spec.path);
            }
            Some(_) => {}
        }
    }
    request.extensions_mut().insert(principal);
    with_label(next.run(request).await, spec.path)
}

fn with_label(mut response: Response, path: &'static str) -> Response {
    response.extensions_mut().insert(RouteLabel(path));
    response
}

pub async fn not_found() -> Response {
    ApiError::NotFound.into_response()
}
