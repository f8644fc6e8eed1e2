//! Who is asking: roles, API tokens, login sessions, and the route table that says who may ask what.

use base64::Engine;
use rand::RngCore;
use scamtrace_store::{Store, StoreError, TokenRecord};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The roles of ScamTrace. The public has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Analyst,
    Partner,
    LawEnforcement,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::Analyst,
        Role::Partner,
        Role::LawEnforcement,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Partner => "partner",
            Role::LawEnforcement => "law_enforcement",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// An authenticated caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The token id (never the token itself), used as the actor in the audit log.
    pub id: String,
    pub role: Role,
    /// Set when authenticated by a login session rather than a bearer token.
    pub via_session: bool,
}

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Only these roles.
    Roles(&'static [Role]),
}

/// One route of the server and who may use it. The authorization middleware reads this table, so
/// it is the single place access is decided; a route missing from it is refused to everyone.
#[derive(Clone, Copy, Debug)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    /// Part of the JSON API (documented in OpenAPI), as opposed to pages and assets.
    pub api: bool,
}

const ANALYSTS: &[Role] = &[Role::Analyst, Role::Admin];

macro_rules! route {
    ($m:literal, $p:literal, $a:expr, $api:literal) => {
        RouteSpec {
            method: $m,
            path: $p,
            access: $a,
            api: $api,
        }
    };
}

pub const ROUTES: &[RouteSpec] = &[
    route!("GET", "/", Access::Public, false),
    route!("GET", "/report", Access::Public, false),
    route!("POST", "/report", Access::Public, false),
    route!("GET", "/report/thanks", Access::Public, false),
    route!("GET", "/login", Access::Public, false),
    route!("POST", "/login", Access::Public, false),
    route!("POST", "/logout", Access::Public, false),
    route!("GET", "/reports", Access::Roles(ANALYSTS), false),
    route!("GET", "/reports/{id}", Access::Roles(ANALYSTS), false),
    route!("GET", "/dashboard", Access::Roles(ANALYSTS), false),
    route!("GET", "/search", Access::Roles(ANALYSTS), false),
    route!("GET", "/clusters", Access::Roles(ANALYSTS), false),
    route!("GET", "/clusters/{id}", Access::Roles(ANALYSTS), false),
    route!(
        "GET",
        "/clusters/{id}/export.csv",
        Access::Roles(ANALYSTS),
        false
    ),
    route!(
        "GET",
        "/indicators/{kind}/{value}",
        Access::Roles(ANALYSTS),
        false
    ),
    route!(
        "POST",
        "/indicators/{kind}/{value}/decision",
        Access::Roles(ANALYSTS),
        false
    ),
    route!("GET", "/over-linked", Access::Roles(ANALYSTS), false),
    route!("GET", "/static/style.css", Access::Public, false),
    route!("GET", "/static/graph.js", Access::Public, false),
    route!("GET", "/static/vendor/{file}", Access::Public, false),
    route!("GET", "/healthz", Access::Public, true),
    route!("GET", "/metrics", Access::Public, true),
    route!("GET", "/api/openapi.json", Access::Public, true),
    route!("POST", "/api/v1/reports", Access::Public, true),
    route!("GET", "/api/v1/reports", Access::Roles(ANALYSTS), true),
    route!("GET", "/api/v1/reports/{id}", Access::Roles(ANALYSTS), true),
    route!("GET", "/api/v1/clusters", Access::Roles(ANALYSTS), true),
    route!(
        "GET",
        "/api/v1/clusters/{id}",
        Access::Roles(ANALYSTS),
        true
    ),
    route!(
        "GET",
        "/api/v1/clusters/{id}/explain",
        Access::Roles(ANALYSTS),
        true
    ),
    route!(
        "GET",
        "/api/v1/indicators/{kind}/{value}",
        Access::Roles(ANALYSTS),
        true
    ),
    route!("GET", "/api/v1/over-linked", Access::Roles(ANALYSTS), true),
    route!(
        "PUT",
        "/api/v1/over-linked/{kind}/{value}",
        Access::Roles(ANALYSTS),
        true
    ),
];

/// The route spec for a matched path and method.
pub fn route_spec(method: &str, matched_path: &str) -> Option<&'static RouteSpec> {
    ROUTES
        .iter()
        .find(|r| r.method == method && r.path == matched_path)
}

/// Only analysts read victims' personal data (and every read is audited).
pub fn may_read_personal_data(principal: &Principal) -> bool {
    principal.role == Role::Analyst
}

/// SHA-256 of a secret: what the store keeps in place of tokens and session ids.
pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// A fresh random secret: a prefix that says what it is, then 256 bits in base64url.
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Creates an API token and returns its secret, which is shown once and never stored.
pub async fn create_token(
    store: &dyn Store,
    role: Role,
    label: Option<String>,
    organization: Option<String>,
) -> Result<(TokenRecord, String), StoreError> {
    let secret = new_secret("st_");
    let record = TokenRecord {
        id: uuid::Uuid::now_v7().to_string(),
        hash: hash_secret(&secret),
        role: role.as_str().to_string(),
        label,
        organization,
        created_at: time::OffsetDateTime::now_utc(),
    };
    store.insert_token(record.clone()).await?;
    Ok((record, secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_listed_once() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} {} twice",
                    a.method,
                    a.path
                );
            }
        }
    }

    #[test]
    fn secrets_are_long_random_and_hashed() {
        let a = new_secret("st_");
        assert!(a.starts_with("st_") && a.len() == 46, "{a}");
        assert_ne!(a, new_secret("st_"));
        assert_eq!(hash_secret(&a).len(), 32);
    }
}
