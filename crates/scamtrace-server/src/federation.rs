//! Federation: a TAXII 2.1 client that pulls what partners share and pushes what this instance
//! may share with them.
//!
//! A sync with one partner:
//! 1. pulls the partner's collection from where the last sync stopped (`added_after` = the last
//!    `X-TAXII-Date-Added-Last` seen), following `more`/`next` to the end, and stores what it
//!    holds as that partner's observations (a replay stores nothing: observations are unique by
//!    object id and version);
//! 2. pushes the objects of this instance's published collections added since the last push,
//!    as that partner may receive them under TLP (never TLP:RED; TLP:AMBER+STRICT only when the
//!    partner is the organization named), in envelopes of at most [`PUSH_ENVELOPE`] objects;
//! 3. records how far it got, so that the next sync (after a restart too) goes on from there.
//!
//! Requests that fail for a passing reason (no connection, 5xx, 429) are retried with backoff.
//! Credentials are sealed by the vault in the store and never logged.

use std::time::Duration;

use scamtrace_intake::Intake;
use scamtrace_store::{PartnerRecord, PartnerState, Reader, StoreError, TaxiiQuery, VersionFilter};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::taxii::TAXII_MEDIA_TYPE;

/// Objects per pushed envelope.
pub const PUSH_ENVELOPE: usize = 100;
/// Objects asked for per pulled page.
const PULL_PAGE: u32 = 500;
/// Attempts per request before a sync gives up.
const ATTEMPTS: u32 = 5;
/// What the vault binds sealed credentials to.
const CREDENTIALS_CONTEXT: &[u8] = b"scamtrace/partner-credentials/v1";

/// How this instance signs in to a partner's TAXII server.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Credentials {
    Basic { user: String, password: String },
    Bearer { token: String },
    None,
}

impl std::fmt::Debug for Credentials {
    /// Secrets stay out of any `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Basic { user, .. } => write!(f, "Basic({user}, <redacted>)"),
            Credentials::Bearer { .. } => f.write_str("Bearer(<redacted>)"),
            Credentials::None => f.write_str("None"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("the partner's server at {url} answered {status}: {detail}")]
    Refused {
        url: String,
        status: u16,
        detail: String,
    },
    #[error("could not reach the partner's server at {url}: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("the partner's server at {url} sent something that is not a TAXII answer: {detail}")]
    Garbled { url: String, detail: String },
    #[error("the partner's credentials cannot be unsealed with this instance's key")]
    Credentials,
    #[error("{0}")]
    Invalid(String),
}

/// The API root URL as stored: with its final slash.
pub fn normalize_api_root(url: &str) -> Result<String, SyncError> {
    let parsed = url::Url::parse(url.trim())
        .map_err(|e| SyncError::Invalid(format!("--taxii-url {url:?} is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(SyncError::Invalid(format!(
            "--taxii-url {url:?} must be an http:// or https:// URL of the partner's API root"
        )));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(SyncError::Invalid(
            "put credentials in --user/--password or --token, not in the URL".into(),
        ));
    }
    let mut text = parsed.to_string();
    if !text.ends_with('/') {
        text.push('/');
    }
    Ok(text)
}

/// Adds a partner (or changes one of that name), with its credentials sealed.
pub async fn add_partner(
    intake: &Intake,
    name: &str,
    taxii_url: &str,
    collection: &str,
    push_collection: Option<&str>,
    credentials: &Credentials,
) -> Result<PartnerRecord, SyncError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(SyncError::Invalid(
            "a partner's name must be 1 to 200 characters".into(),
        ));
    }
    for (what, id) in std::iter::once(("--collection", collection))
        .chain(push_collection.map(|p| ("--push-collection", p)))
    {
        if id.trim().is_empty() || id.contains('/') || id.contains('?') {
            return Err(SyncError::Invalid(format!(
                "{what} {id:?} is not a collection id"
            )));
        }
    }
    let plain = serde_json::to_vec(credentials).map_err(|e| SyncError::Invalid(e.to_string()))?;
    let record = PartnerRecord {
        name: name.to_string(),
        taxii_url: normalize_api_root(taxii_url)?,
        collection: collection.trim().to_string(),
        push_collection: push_collection.map(|p| p.trim().to_string()),
        credentials_sealed: intake.vault().seal(&plain, CREDENTIALS_CONTEXT),
        pulled_through: None,
        pushed_through: 0,
        last_sync_at: None,
        last_error: None,
        created_at: time::OffsetDateTime::now_utc(),
    };
    intake.store().upsert_partner(record.clone()).await?;
    Ok(record)
}

/// What one sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncSummary {
    pub partner: String,
    pub pulled_objects: usize,
    pub pulled_pages: usize,
    pub new_observations: u64,
    pub pushed_objects: usize,
    pub push_failures: usize,
}

struct Client {
    http: reqwest::Client,
    credentials: Credentials,
}

impl Client {
    fn new(credentials: Credentials) -> Result<Client, SyncError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("ScamTrace/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Invalid(format!("cannot build an HTTP client: {e}")))?;
        Ok(Client { http, credentials })
    }

    fn authorize(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.credentials {
            Credentials::Basic { user, password } => request.basic_auth(user, Some(password)),
            Credentials::Bearer { token } => request.bearer_auth(token),
            Credentials::None => request,
        }
    }

    /// Sends a request, retrying passing failures with backoff (0.5 s, 1 s, 2 s, 4 s).
    async fn send(
        &self,
        url: &str,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, SyncError> {
        let mut wait = Duration::from_millis(500);
        let mut attempt = 1;
        loop {
            let outcome = self.authorize(build()).send().await;
            let passing = match &outcome {
                Ok(r) => r.status().is_server_error() || r.status().as_u16() == 429,
                Err(e) => e.is_connect() || e.is_timeout() || e.is_request(),
            };
            if !passing || attempt >= ATTEMPTS {
                return match outcome {
                    Ok(r) if r.status().is_success() => Ok(r),
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let text = r.text().await.unwrap_or_default();
                        let detail = serde_json::from_str::<Value>(&text)
                            .ok()
                            .and_then(|v| {
                                let title = v["title"].as_str()?.to_string();
                                Some(match v["description"].as_str() {
                                    Some(d) => format!("{title}: {d}"),
                                    None => title,
                                })
                            })
                            .unwrap_or_else(|| text.chars().take(200).collect());
                        Err(SyncError::Refused {
                            url: url.to_string(),
                            status,
                            detail,
                        })
                    }
                    Err(e) => Err(SyncError::Unreachable {
                        url: url.to_string(),
                        detail: e.to_string(),
                    }),
                };
            }
            tracing::warn!(
                url,
                attempt,
                "TAXII request failed for a passing reason; retrying"
            );
            tokio::time::sleep(wait).await;
            wait *= 2;
            attempt += 1;
        }
    }

    async fn json(&self, url: &str, response: reqwest::Response) -> Result<Value, SyncError> {
        let bytes = response.bytes().await.map_err(|e| SyncError::Unreachable {
            url: url.to_string(),
            detail: e.to_string(),
        })?;
        serde_json::from_slice(&bytes).map_err(|e| SyncError::Garbled {
            url: url.to_string(),
            detail: e.to_string(),
        })
    }
}

/// Syncs with one partner: pull, then push, then record how far it got (also when it failed
/// half-way: what was pulled or pushed by then is kept, and the error is recorded).
pub async fn sync_partner(
    intake: &Intake,
    partner: &PartnerRecord,
) -> Result<SyncSummary, SyncError> {
    let plain = intake
        .vault()
        .open(&partner.credentials_sealed, CREDENTIALS_CONTEXT)
        .map_err(|_| SyncError::Credentials)?;
    let credentials: Credentials =
        serde_json::from_slice(&plain).map_err(|_| SyncError::Credentials)?;
    let client = Client::new(credentials)?;
    let mut summary = SyncSummary {
        partner: partner.name.clone(),
        ..SyncSummary::default()
    };
    let mut state = PartnerState {
        pulled_through: partner.pulled_through.clone(),
        pushed_through: partner.pushed_through,
        last_sync_at: time::OffsetDateTime::now_utc(),
        last_error: None,
    };
    let result = async {
        pull(intake, &client, partner, &mut state, &mut summary).await?;
        push(intake, &client, partner, &mut state, &mut summary).await
    }
    .await;
    state.last_error = result.as_ref().err().map(|e| e.to_string());
    intake
        .store()
        .set_partner_state(&partner.name, state)
        .await?;
    result.map(|_| summary)
}

async fn pull(
    intake: &Intake,
    client: &Client,
    partner: &PartnerRecord,
    state: &mut PartnerState,
    summary: &mut SyncSummary,
) -> Result<(), SyncError> {
    let url = format!(
        "{}collections/{}/objects/",
        partner.taxii_url, partner.collection
    );
    let added_after = state.pulled_through.clone();
    let mut next: Option<String> = None;
    let mut objects = Vec::new();
    let mut last_added = None;
    loop {
        let response = client
            .send(&url, || {
                let mut q: Vec<(&str, String)> = vec![("limit", PULL_PAGE.to_string())];
                if let Some(a) = &added_after {
                    q.push(("added_after", a.clone()));
                }
                if let Some(n) = &next {
                    q.push(("next", n.clone()));
                }
                client
                    .http
                    .get(&url)
                    .header(reqwest::header::ACCEPT, TAXII_MEDIA_TYPE)
                    .query(&q)
            })
            .await?;
        if let Some(last) = response
            .headers()
            .get("x-taxii-date-added-last")
            .and_then(|v| v.to_str().ok())
        {
            last_added = Some(last.to_string());
        }
        let envelope = client.json(&url, response).await?;
        summary.pulled_pages += 1;
        let page = envelope["objects"].as_array().cloned().unwrap_or_default();
        objects.extend(page);
        let more = envelope["more"].as_bool().unwrap_or(false);
        next = envelope["next"].as_str().map(str::to_string);
        if !more || next.is_none() {
            break;
        }
    }
    summary.pulled_objects = objects.len();
    if !objects.is_empty() {
        let imported = crate::sharing::import_objects(intake, &partner.name, &objects).await?;
        summary.new_observations = imported.new;
    }
    if last_added.is_some() {
        state.pulled_through = last_added;
    }
    Ok(())
}

async fn push(
    intake: &Intake,
    client: &Client,
    partner: &PartnerRecord,
    state: &mut PartnerState,
    summary: &mut SyncSummary,
) -> Result<(), SyncError> {
    let Some(target) = &partner.push_collection else {
        return Ok(());
    };
    let url = format!("{}collections/{target}/objects/", partner.taxii_url);
    // The collection this instance publishes its operations into (the first, if there are
    // several: the push position is one per partner).
    let published: Option<String> = intake
        .store()
        .taxii_collections()
        .await?
        .into_iter()
        .find(|c| c.publishes.as_deref() == Some("operations"))
        .map(|c| c.id);
    if let Some(collection) = published {
        loop {
            // The newest version of each object, as this partner may receive it under TLP.
            let page = intake
                .store()
                .taxii_objects(&TaxiiQuery {
                    collection: collection.clone(),
                    reader: Reader::Partner(partner.name.clone()),
                    added_after: Some(state.pushed_through),
                    ids: Vec::new(),
                    types: Vec::new(),
                    versions: VersionFilter::Last,
                    spec_versions: Vec::new(),
                    limit: PUSH_ENVELOPE as u32,
                })
                .await?;
            let Some(last) = page.last().map(|o| o.date_added) else {
                break;
            };
            let mut body = String::from("{\"objects\":[");
            for (i, o) in page.iter().filter(|o| o.added_by.is_none()).enumerate() {
                if i > 0 {
                    body.push(',');
                }
                body.push_str(&o.body);
            }
            body.push_str("]}");
            let response = client
                .send(&url, || {
                    client
                        .http
                        .post(&url)
                        .header(reqwest::header::ACCEPT, TAXII_MEDIA_TYPE)
                        .header(reqwest::header::CONTENT_TYPE, TAXII_MEDIA_TYPE)
                        .body(body.clone())
                })
                .await?;
            let status = client.json(&url, response).await?;
            summary.pushed_objects += status["success_count"].as_u64().unwrap_or(0) as usize;
            let failures = status["failure_count"].as_u64().unwrap_or(0) as usize;
            if failures > 0 {
                tracing::warn!(
                    partner = %partner.name,
                    failures,
                    first = %status["failures"][0],
                    "the partner refused some pushed objects"
                );
            }
            summary.push_failures += failures;
            state.pushed_through = last;
        }
    }
    Ok(())
}

/// Syncs with every partner, one after another; one partner's failure does not stop the others.
pub async fn sync_all(intake: &Intake) -> Result<Vec<Result<SyncSummary, SyncError>>, StoreError> {
    let mut out = Vec::new();
    for partner in intake.store().partners().await? {
        let result = sync_partner(intake, &partner).await;
        match &result {
            Ok(s) => tracing::info!(
                partner = %s.partner,
                pulled = s.pulled_objects,
                new_observations = s.new_observations,
                pushed = s.pushed_objects,
                "synced with partner"
            ),
            Err(e) => {
                tracing::warn!(partner = %partner.name, error = %e, "sync with partner failed")
            }
        }
        out.push(result);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_roots_are_urls_with_a_final_slash_and_no_secrets() {
        assert_eq!(
            normalize_api_root("http://127.0.0.1:5000/api1").unwrap(),
            "http://127.0.0.1:5000/api1/"
        );
        assert_eq!(
            normalize_api_root("https://taxii.example/taxii2/api/").unwrap(),
            "https://taxii.example/taxii2/api/"
        );
        for bad in [
            "not a url",
            "ftp://x.example/",
            "https://user:pw@x.example/api/",
        ] {
            assert!(normalize_api_root(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn credentials_never_show_in_debug() {
        let c = Credentials::Basic {
            user: "ScamTrace A".into(),
            password: "st_secret".into(),
        };
        assert!(!format!("{c:?}").contains("st_secret"));
        assert!(
            !format!(
                "{:?}",
                Credentials::Bearer {
                    token: "st_t".into()
                }
            )
            .contains("st_t")
        );
    }
}
