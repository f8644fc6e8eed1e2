//! Who is asking: roles, API tokens, accounts and their passwords, login sessions, and the route
//! table that says who may ask what.

use base64::Engine;
use rand::RngCore;
use scamtrace_store::{Store, StoreError, TokenRecord, UserRecord, username_key};
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
    /// The token's or user's id (never a secret), used as the actor in the audit log.
    pub id: String,
    pub role: Role,
    /// Set when authenticated by a login session (a user) rather than a bearer token.
    pub via_session: bool,
    /// The partner's or agency's organization the token or account belongs to.
    pub organization: Option<String>,
    /// The TAXII collections a token may use; `None`: the defaults for its role.
    pub collections: Option<Vec<scamtrace_store::CollectionGrant>>,
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

impl RouteSpec {
    /// A TAXII 2.1 route (documented by the TAXII specification, not in OpenAPI).
    pub fn is_taxii(&self) -> bool {
        self.path.starts_with("/taxii2/")
    }

    /// Called by programs rather than browsers: refused with 401, never sent to sign in.
    pub fn is_machine(&self) -> bool {
        self.api || self.is_taxii()
    }
}

const ANALYSTS: &[Role] = &[Role::Analyst, Role::Admin];
/// Cases: analysts and admins see all, agencies' members those referred to their agency.
const CASE_READERS: &[Role] = &[Role::Analyst, Role::Admin, Role::LawEnforcement];
/// Everyone with an account or token: TAXII decides per collection what each may do.
const SHARING: &[Role] = &[
    Role::Analyst,
    Role::Admin,
    Role::Partner,
    Role::LawEnforcement,
];

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
    route!("GET", "/check", Access::Public, false),
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
    route!(
        "POST",
        "/indicators/{kind}/{value}/verdict",
        Access::Roles(ANALYSTS),
        false
    ),
    route!("GET", "/over-linked", Access::Roles(ANALYSTS), false),
    route!(
        "POST",
        "/clusters/{id}/case",
        Access::Roles(ANALYSTS),
        false
    ),
    route!("GET", "/cases", Access::Roles(CASE_READERS), false),
    route!("GET", "/cases/{id}", Access::Roles(CASE_READERS), false),
    route!("POST", "/cases/{id}/note", Access::Roles(ANALYSTS), false),
    route!("POST", "/cases/{id}/refer", Access::Roles(ANALYSTS), false),
    route!("POST", "/cases/{id}/status", Access::Roles(ANALYSTS), false),
    route!("POST", "/cases/{id}/assign", Access::Roles(ANALYSTS), false),
    route!(
        "POST",
        "/cases/{id}/outcome",
        Access::Roles(ANALYSTS),
        false
    ),
    route!(
        "POST",
        "/cases/{id}/package",
        Access::Roles(ANALYSTS),
        false
    ),
    route!("GET", "/packages/{id}", Access::Roles(CASE_READERS), false),
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
    route!("GET", "/api/v1/lookup", Access::Public, true),
    route!("POST", "/api/v1/lookup", Access::Public, true),
    route!("GET", "/api/v1/hashes", Access::Public, true),
    route!("GET", "/api/v1/hashes/{prefix}", Access::Public, true),
    route!("GET", "/api/v1/feeds/{name}", Access::Public, true),
    route!("POST", "/api/v1/domains/score", Access::Public, true),
    route!(
        "GET",
        "/api/v1/verdicts/spoofing",
        Access::Roles(ANALYSTS),
        true
    ),
    route!(
        "GET",
        "/api/v1/verdicts/{kind}/{value}",
        Access::Roles(ANALYSTS),
        true
    ),
    route!(
        "PUT",
        "/api/v1/verdicts/{kind}/{value}",
        Access::Roles(ANALYSTS),
        true
    ),
    route!("GET", "/api/v1/cases", Access::Roles(CASE_READERS), true),
    route!("POST", "/api/v1/cases", Access::Roles(ANALYSTS), true),
    route!(
        "GET",
        "/api/v1/cases/{id}",
        Access::Roles(CASE_READERS),
        true
    ),
    route!("PATCH", "/api/v1/cases/{id}", Access::Roles(ANALYSTS), true),
    route!(
        "POST",
        "/api/v1/cases/{id}/notes",
        Access::Roles(ANALYSTS),
        true
    ),
    route!(
        "POST",
        "/api/v1/cases/{id}/referrals",
        Access::Roles(ANALYSTS),
        true
    ),
    route!(
        "POST",
        "/api/v1/cases/{id}/outcomes",
        Access::Roles(ANALYSTS),
        true
    ),
    route!(
        "POST",
        "/api/v1/cases/{id}/clusters",
        Access::Roles(ANALYSTS),
        true
    ),
    route!(
        "GET",
        "/api/v1/cases/{id}/events",
        Access::Roles(ANALYSTS),
        true
    ),
    route!(
        "GET",
        "/api/v1/cases/{id}/packages",
        Access::Roles(CASE_READERS),
        true
    ),
    route!(
        "POST",
        "/api/v1/cases/{id}/packages",
        Access::Roles(ANALYSTS),
        true
    ),
    route!(
        "GET",
        "/api/v1/packages/{id}",
        Access::Roles(CASE_READERS),
        true
    ),
    route!("GET", "/api/v1/outcomes", Access::Roles(CASE_READERS), true),
    route!(
        "GET",
        "/.well-known/scamtrace-signing-key",
        Access::Public,
        true
    ),
    route!("GET", "/taxii2/", Access::Roles(SHARING), false),
    route!("GET", "/taxii2/api/", Access::Roles(SHARING), false),
    route!(
        "GET",
        "/taxii2/api/collections/",
        Access::Roles(SHARING),
        false
    ),
    route!(
        "GET",
        "/taxii2/api/collections/{id}/",
        Access::Roles(SHARING),
        false
    ),
    route!(
        "GET",
        "/taxii2/api/collections/{id}/objects/",
        Access::Roles(SHARING),
        false
    ),
    route!(
        "POST",
        "/taxii2/api/collections/{id}/objects/",
        Access::Roles(SHARING),
        false
    ),
    route!(
        "GET",
        "/taxii2/api/collections/{id}/objects/{object_id}/",
        Access::Roles(SHARING),
        false
    ),
    route!(
        "DELETE",
        "/taxii2/api/collections/{id}/objects/{object_id}/",
        Access::Roles(SHARING),
        false
    ),
    route!(
        "GET",
        "/taxii2/api/collections/{id}/objects/{object_id}/versions/",
        Access::Roles(SHARING),
        false
    ),
    route!(
        "GET",
        "/taxii2/api/collections/{id}/manifest/",
        Access::Roles(SHARING),
        false
    ),
    route!(
        "GET",
        "/taxii2/api/status/{status_id}/",
        Access::Roles(SHARING),
        false
    ),
    route!(
        "GET",
        "/taxii2/api/status/{status_id}",
        Access::Roles(SHARING),
        false
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
    collections: Option<Vec<scamtrace_store::CollectionGrant>>,
) -> Result<(TokenRecord, String), StoreError> {
    let secret = new_secret("st_");
    let record = TokenRecord {
        id: uuid::Uuid::now_v7().to_string(),
        hash: hash_secret(&secret),
        role: role.as_str().to_string(),
        label,
        organization,
        created_at: time::OffsetDateTime::now_utc(),
        collections,
    };
    store.insert_token(record.clone()).await?;
    Ok((record, secret))
}

// Accounts: usernames and passwords for people who sign in to the pages.

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The most bytes a password may have: longer ones are refused before any hashing.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// The longest username, in characters.
pub const MAX_USERNAME_CHARS: usize = 64;
/// Password hashes computed at once; each takes 19 MiB for a few tens of milliseconds.
const HASHING_AT_ONCE: usize = 4;

static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(HASHING_AT_ONCE);

/// An Argon2id hash, with this crate's parameters, of a random password nobody knows: a sign-in
/// for an unknown username is checked against it, so that it takes as long as one for a real
/// account and the time taken does not tell which usernames exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$Zy3W5+MC6fvZpZ1rNcJS8w$AwU3h91kt7QS+Mvsau4M86uvZZAumEzPKZZe6b1xKeY";

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(
        "the username must be 1 to {MAX_USERNAME_CHARS} characters: letters a-z, digits and . _ - @ +"
    )]
    InvalidUsername,
    #[error("the password is too short: it needs at least {MIN_PASSWORD_CHARS} characters")]
    PasswordTooShort,
    #[error("the password is too long: at most {MAX_PASSWORD_BYTES} bytes")]
    PasswordTooLong,
    #[error("a user named {0:?} exists already")]
    UsernameTaken(String),
    #[error("there is no user named {0:?}")]
    NoSuchUser(String),
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A username as stored (lowercased), if it is one: 1 to 64 ASCII letters, digits, `.`, `_`,
/// `-`, `@` or `+`, so that an email address can serve as one.
pub fn valid_username(username: &str) -> Result<String, AccountError> {
    let key = scamtrace_store::username_key(username);
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@' | '+');
    if key.is_empty() || key.chars().count() > MAX_USERNAME_CHARS || !key.chars().all(allowed) {
        return Err(AccountError::InvalidUsername);
    }
    Ok(key)
}

/// Whether a new password is long enough (counted in characters, so any script counts alike) and
/// not absurdly long.
pub fn check_new_password(password: &str) -> Result<(), AccountError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AccountError::PasswordTooLong);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountError::PasswordTooShort);
    }
    Ok(())
}

/// The Argon2id PHC string of a password (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`), with a
/// fresh random salt. Slow on purpose: call it through [`off_the_runtime`] in a server.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    use argon2::password_hash::PasswordHasher;
    argon2::Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| AccountError::Hashing(e.to_string()))
}

/// Whether `password` is the one `phc` was made from. Only Argon2id hashes are accepted; the
/// comparison is the crate's, in constant time.
pub fn verify_password(password: &str, phc: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    if !phc.starts_with("$argon2id$") {
        return false;
    }
    let Ok(parsed) = argon2::password_hash::phc::PasswordHash::new(phc) else {
        return false;
    };
    argon2::Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// Runs slow work (password hashing) on tokio's blocking threads, a few at a time, so that it
/// neither stalls the server's other requests nor lets a flood of sign-ins exhaust memory.
pub async fn off_the_runtime<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AccountError> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| AccountError::Hashing(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AccountError::Hashing(e.to_string()))
}

/// A random password for generated accounts (the demo analyst): 120 bits in 20 characters of
/// base64url.
pub fn generate_password() -> String {
    let mut bytes = [0u8; 15];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Creates an account. The username is checked and stored lowercased; the password is checked
/// and only its hash is stored.
pub async fn create_user(
    store: &dyn Store,
    username: &str,
    password: &str,
    role: Role,
    organization: Option<String>,
) -> Result<UserRecord, AccountError> {
    let username = valid_username(username)?;
    check_new_password(password)?;
    let password = password.to_string();
    let password_hash = off_the_runtime(move || hash_password(&password)).await??;
    let record = UserRecord {
        id: uuid::Uuid::now_v7().to_string(),
        username: username.clone(),
        password_hash,
        role: role.as_str().to_string(),
        organization,
        created_at: time::OffsetDateTime::now_utc(),
        disabled_at: None,
    };
    match store.insert_user(record.clone()).await {
        Ok(()) => Ok(record),
        Err(StoreError::AlreadyExists(_)) => Err(AccountError::UsernameTaken(username)),
        Err(e) => Err(e.into()),
    }
}

/// Gives an account a new password, which ends its sessions.
pub async fn set_password(
    store: &dyn Store,
    username: &str,
    password: &str,
) -> Result<(), AccountError> {
    check_new_password(password)?;
    let password = password.to_string();
    let hash = off_the_runtime(move || hash_password(&password)).await??;
    match store.set_user_password(username, &hash).await? {
        true => Ok(()),
        false => Err(AccountError::NoSuchUser(username_key(username))),
    }
}

/// The account these credentials sign in to: `None` when the username is unknown, the password
/// is wrong, or the account is disabled, alike and in about the same time.
pub async fn sign_in(
    store: &dyn Store,
    username: &str,
    password: &str,
) -> Result<Option<UserRecord>, AccountError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Ok(None);
    }
    let found = store.find_user_by_username(username).await?;
    let hash = found
        .as_ref()
        .map_or(DUMMY_HASH, |u| u.password_hash.as_str())
        .to_string();
    let password = password.to_string();
    let matches = off_the_runtime(move || verify_password(&password, &hash)).await?;
    Ok(found.filter(|u| matches && u.disabled_at.is_none() && Role::parse(&u.role).is_some()))
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

    #[test]
    fn passwords_are_hashed_with_argon2id_and_checked() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert_ne!(
            hash,
            hash_password("correct horse battery").unwrap(),
            "salted"
        );
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
        assert!(!verify_password("", &hash));
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        let real = hash_password("whatever it is here").unwrap();
        let params = |h: &str| h.split('$').take(4).collect::<Vec<_>>().join("$");
        assert_eq!(params(DUMMY_HASH), params(&real));
        assert!(argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn usernames_and_new_passwords_are_checked() {
        assert_eq!(
            valid_username(" Fraud.Desk@CERT.org ").unwrap(),
            "fraud.desk@cert.org"
        );
        for bad in ["", "   ", "a b", "ali<ce>", "älice", &"a".repeat(65)] {
            assert!(valid_username(bad).is_err(), "{bad:?}");
        }
        assert!(valid_username(&"a".repeat(64)).is_ok());
        assert!(matches!(
            check_new_password("short"),
            Err(AccountError::PasswordTooShort)
        ));
        assert!(matches!(
            check_new_password("elevenchars"),
            Err(AccountError::PasswordTooShort)
        ));
        assert!(check_new_password("twelve chars").is_ok());
        assert!(check_new_password("パスワードは十二文字以上です").is_ok());
        assert!(matches!(
            check_new_password(&"x".repeat(MAX_PASSWORD_BYTES + 1)),
            Err(AccountError::PasswordTooLong)
        ));
        assert_eq!(generate_password().len(), 20);
        assert!(check_new_password(&generate_password()).is_ok());
    }
}
