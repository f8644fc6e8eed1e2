//! ScamTrace's HTTP server: the public report form, the REST API and the analysts' pages.
//!
//! Handlers are thin: they extract input, call intake or the store, and map the result to a
//! response. Cross-cutting concerns each live in one place:
//! - who may call a route: the [`auth::ROUTES`] table, enforced by one middleware (fail-closed:
//!   a route missing from the table is refused);
//! - errors: [`error::ApiError`], localized into JSON or a page by one middleware;
//! - language: picked once per request (`?lang=`, then the `st_lang` cookie, then
//!   `Accept-Language`);
//! - security headers, metrics and the rate limit on public POSTs.
//!
//! ```no_run
//! # async fn demo(intake: scamtrace_intake::Intake) -> std::io::Result<()> {
//! let app = scamtrace_server::App::new(intake, scamtrace_server::ServerConfig::default());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! scamtrace_server::serve(listener, app, std::future::pending()).await
//! # }
//! ```

// The OpenAPI document is one `json!` literal, deeper than the default limit allows.
#![recursion_limit = "512"]

mod api;
pub mod auth;
mod case_api;
mod case_pages;
pub mod cases;
pub mod clusters;
pub mod correlation;
mod csrf;
pub mod error;
pub mod federation;
pub mod i18n;
mod metrics;
mod middleware;
pub mod openapi;
mod pages;
pub mod protect;
mod ratelimit;
pub mod sharing;
pub mod taxii;
mod templates;
mod views;
pub mod workbench;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use scamtrace_intake::Intake;
use serde::Deserialize;

pub use auth::{Principal, Role};

/// Server settings. Every one has a safe default, so `serve` runs with no configuration.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Public POSTs (reports, sign-in) allowed per client address per minute; 0 turns the limit
    /// off (load tests, or a proxy in front that limits already).
    pub rate_limit_per_minute: u32,
    /// How many public POSTs a client may make at once before the per-minute rate applies.
    pub rate_limit_burst: u32,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long a sign-in lasts.
    pub session_hours: i64,
    /// Mark cookies `Secure` (set this when ScamTrace is served over HTTPS).
    pub secure_cookies: bool,
    /// Take the client address from the last `X-Forwarded-For` entry (only behind a proxy you run).
    pub trust_forwarded_for: bool,
    /// The largest TAXII envelope accepted, in bytes (the API root's `max_content_length`).
    pub taxii_max_content_length: usize,
    /// How often (seconds) the shareable operations are published into TAXII collections.
    pub publish_interval_seconds: u64,
    /// How often (seconds) partners' TAXII servers are synced with; 0: only on command.
    pub sync_interval_seconds: u64,
    /// Verdicts, lookups and feeds (`[server.protect]`).
    pub protect: protect::ProtectConfig,
    /// Cases and referral packages (`[server.refer]`).
    pub refer: cases::ReferConfig,
    /// This instance's organization (the top-level `organization` setting).
    #[serde(skip)]
    pub organization: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            rate_limit_per_minute: 20,
            rate_limit_burst: 10,
            max_body_bytes: 256 * 1024,
            session_hours: 8,
            secure_cookies: false,
            trust_forwarded_for: false,
            taxii_max_content_length: 10 * 1024 * 1024,
            publish_interval_seconds: 60,
            sync_interval_seconds: 300,
            protect: protect::ProtectConfig::default(),
            refer: cases::ReferConfig::default(),
            organization: "Unnamed ScamTrace instance".into(),
        }
    }
}

/// Everything a request handler can reach.
pub struct AppState {
    pub intake: Intake,
    pub config: ServerConfig,
    templates: templates::Templates,
    csrf: csrf::Csrf,
    limiter: ratelimit::RateLimiter,
    metrics: metrics::Metrics,
    pub correlator: Arc<correlation::Correlator>,
    pub taxii: taxii::TaxiiState,
    pub protector: protect::Protector,
    /// The domain watch's scorer (the shipped brands), for `POST /api/v1/domains/score` and
    /// domains' indicator pages.
    pub watcher: scamtrace_watch::Watcher,
}

/// The ScamTrace web application, ready to serve.
#[derive(Clone)]
pub struct App {
    state: Arc<AppState>,
}

impl App {
    pub fn new(intake: Intake, config: ServerConfig) -> App {
        let csrf = csrf::Csrf::new(intake.vault().derive_key("scamtrace/csrf/v1"));
        let limiter =
            ratelimit::RateLimiter::new(config.rate_limit_per_minute, config.rate_limit_burst);
        let protector = protect::Protector::new(&config.protect);
        let state = AppState {
            intake,
            config,
            templates: templates::Templates::new(),
            csrf,
            limiter,
            metrics: metrics::Metrics::default(),
            correlator: Arc::new(correlation::Correlator::new(
                scamtrace_correlate::Config::default(),
            )),
            taxii: taxii::TaxiiState::default(),
            protector,
            watcher: scamtrace_watch::Watcher::new(&scamtrace_watch::Brands::builtin()),
        };
        App {
            state: Arc::new(state),
        }
    }

    /// The correlation engine: [`correlation::Correlator::load`] it, then
    /// [`correlation::Correlator::follow`] the store, before serving.
    pub fn correlator(&self) -> &Arc<correlation::Correlator> {
        &self.state.correlator
    }

    /// Publishes the shareable operations into the TAXII collections now, then at the configured
    /// interval, for as long as the runtime runs. Call after the correlator is loaded.
    pub fn spawn_publisher(&self) {
        let state = self.state.clone();
        let every = std::time::Duration::from_secs(state.config.publish_interval_seconds.max(1));
        tokio::spawn(async move {
            let mut memory = sharing::Published::default();
            loop {
                match sharing::publish(
                    &state.intake,
                    &state.correlator,
                    &state.config.organization,
                    &mut memory,
                )
                .await
                {
                    Ok(s) if s.published > 0 => tracing::info!(
                        operations = s.operations,
                        published = s.published,
                        unchanged = s.unchanged,
                        "published to TAXII collections"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "publishing to TAXII collections failed"),
                }
                tokio::time::sleep(every).await;
            }
        });
    }

    /// Syncs with every partner at the configured interval (never when it is 0), for as long as
    /// the runtime runs. The first sync waits one interval, so that the publisher goes first.
    pub fn spawn_sync(&self) {
        let seconds = self.state.config.sync_interval_seconds;
        if seconds == 0 {
            return;
        }
        let state = self.state.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(seconds)).await;
                if let Err(e) = federation::sync_all(&state.intake).await {
                    tracing::error!(error = %e, "partner sync could not start");
                }
            }
        });
    }

    pub fn router(&self) -> Router {
        let state = self.state.clone();
        Router::new()
            .route("/", get(pages::home))
            .route(
                "/report",
                get(pages::report_form).post(pages::report_submit),
            )
            .route("/report/thanks", get(pages::report_thanks))
            .route("/check", get(protect::check_page))
            .route("/login", get(pages::login_form).post(pages::login_submit))
            .route("/logout", post(pages::logout))
            .route("/reports", get(pages::reports_list))
            .route("/reports/{id}", get(pages::report_page))
            .route("/dashboard", get(workbench::dashboard))
            .route("/search", get(workbench::search))
            .route("/clusters", get(workbench::clusters_page))
            .route("/clusters/{id}", get(workbench::cluster_page))
            .route("/clusters/{id}/export.csv", get(workbench::cluster_csv))
            .route("/indicators/{kind}/{value}", get(workbench::indicator_page))
            .route(
                "/indicators/{kind}/{value}/decision",
                post(workbench::decide_form),
            )
            .route(
                "/indicators/{kind}/{value}/verdict",
                post(workbench::verdict_form),
            )
            .route("/over-linked", get(workbench::over_linked_page))
            .route("/clusters/{id}/case", post(case_pages::open_from_operation))
            .route("/cases", get(case_pages::cases_page))
            .route("/cases/{id}", get(case_pages::case_page))
            .route("/cases/{id}/note", post(case_pages::note_form))
            .route("/cases/{id}/refer", post(case_pages::refer_form))
            .route("/cases/{id}/status", post(case_pages::status_form))
            .route("/cases/{id}/assign", post(case_pages::assign_form))
            .route("/cases/{id}/outcome", post(case_pages::outcome_form))
            .route("/cases/{id}/package", post(case_pages::package_form))
            .route("/packages/{id}", get(case_pages::download))
            .route("/static/style.css", get(pages::stylesheet))
            .route("/static/graph.js", get(pages::graph_script))
            .route("/static/vendor/{file}", get(pages::vendored))
            .route("/healthz", get(api::healthz))
            .route("/metrics", get(api::metrics))
            .route("/api/openapi.json", get(api::openapi))
            .route(
                "/api/v1/reports",
                post(api::create_report).get(api::list_reports),
            )
            .route("/api/v1/reports/{id}", get(api::get_report))
            .route("/api/v1/clusters", get(clusters::list))
            .route("/api/v1/clusters/{id}", get(clusters::get))
            .route("/api/v1/clusters/{id}/explain", get(clusters::explain))
            .route(
                "/api/v1/indicators/{kind}/{value}",
                get(clusters::indicator),
            )
            .route("/api/v1/over-linked", get(clusters::over_linked))
            .route(
                "/api/v1/over-linked/{kind}/{value}",
                axum::routing::put(clusters::decide),
            )
            .route(
                "/api/v1/lookup",
                get(protect::lookup).post(protect::lookup_batch),
            )
            .route("/api/v1/hashes", get(protect::hash_scheme))
            .route("/api/v1/hashes/{prefix}", get(protect::hash_bucket))
            .route("/api/v1/feeds/{name}", get(protect::feed))
            .route("/api/v1/domains/score", post(protect::score_domains))
            .route("/api/v1/verdicts/spoofing", get(protect::spoofing))
            .route(
                "/api/v1/verdicts/{kind}/{value}",
                get(protect::verdict).put(protect::decide),
            )
            .route("/api/v1/cases", get(case_api::list).post(case_api::create))
            .route(
                "/api/v1/cases/{id}",
                get(case_api::get).patch(case_api::update),
            )
            .route("/api/v1/cases/{id}/notes", post(case_api::add_note))
            .route("/api/v1/cases/{id}/referrals", post(case_api::refer))
            .route("/api/v1/cases/{id}/outcomes", post(case_api::add_outcome))
            .route("/api/v1/cases/{id}/clusters", post(case_api::add_clusters))
            .route("/api/v1/cases/{id}/events", get(case_api::events))
            .route(
                "/api/v1/cases/{id}/packages",
                get(case_api::packages).post(case_api::create_package),
            )
            .route("/api/v1/packages/{id}", get(case_api::download))
            .route("/api/v1/outcomes", get(case_api::outcomes))
            .route(
                "/.well-known/scamtrace-signing-key",
                get(case_api::signing_key),
            )
            .route("/taxii2/", get(taxii::discovery))
            .route("/taxii2/api/", get(taxii::api_root))
            .route("/taxii2/api/collections/", get(taxii::collections))
            .route("/taxii2/api/collections/{id}/", get(taxii::one_collection))
            .route(
                "/taxii2/api/collections/{id}/objects/",
                get(taxii::get_objects).post(taxii::add_objects),
            )
            .route(
                "/taxii2/api/collections/{id}/objects/{object_id}/",
                get(taxii::get_object).delete(taxii::delete_object),
            )
            .route(
                "/taxii2/api/collections/{id}/objects/{object_id}/versions/",
                get(taxii::object_versions),
            )
            .route(
                "/taxii2/api/collections/{id}/manifest/",
                get(taxii::manifest),
            )
            // Clients build the status URL with or without the final slash.
            .route("/taxii2/api/status/{status_id}/", get(taxii::status))
            .route("/taxii2/api/status/{status_id}", get(taxii::status))
            .route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                middleware::authorize,
            ))
            .fallback(middleware::not_found)
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                middleware::frame,
            ))
            // Bodies are read with our own limit, so that "too large" is a proper 413 document.
            .layer(DefaultBodyLimit::disable())
            .with_state(state)
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then finishes in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = app
        .router()
        .into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}
