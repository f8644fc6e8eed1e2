//! The records the store keeps and the queries it answers.

use base64::Engine;
use scamtrace_model::{BrandClaim, NewReport, Payment, RemoteAccess, Scammer};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// How a report came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Api,
    Form,
    Import,
    Demo,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Api => "api",
            Source::Form => "form",
            Source::Import => "import",
            Source::Demo => "demo",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        [Source::Api, Source::Form, Source::Import, Source::Demo]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// The parts of a report that are neither filtered on nor personal: stored as one JSON document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDetails {
    #[serde(default)]
    pub scammer: Scammer,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_access: Option<RemoteAccess>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<Payment>,
}

/// A report ready to store: validated, with its id and time, and its personal data sealed.
#[derive(Clone, Debug)]
pub struct NewReportRow {
    pub id: String,
    pub received_at: OffsetDateTime,
    pub source: Source,
    pub report: NewReport,
    /// The reporter block, sealed by the vault; the store cannot read it.
    pub reporter_sealed: Option<Vec<u8>>,
    /// What extraction found in the report, stored with it in the same transaction.
    pub indicators: Vec<IndicatorRow>,
    /// The organization whose data this is (the partner or agency that submitted or imported
    /// it); `None` for reports victims filed themselves.
    pub organization: Option<String>,
    /// The reporter's identities (email, phone) as keyed hashes, comma-separated hex, so that
    /// verdicts can tell reporters apart without the store knowing who they are.
    pub reporter_keys: Option<String>,
    /// The client address a public submission came from, as a keyed hash (hex).
    pub client_key: Option<String>,
}

/// One indicator of one report, as stored (in the report's row, as JSON).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorRow {
    pub kind: String,
    pub value: String,
    pub display: String,
    /// `narrative`, or the field path (`scammer.phone_numbers[0]`).
    pub source: String,
    pub span_start: i64,
    pub span_end: i64,
    pub confidence: f64,
    pub benign: bool,
    pub linking: bool,
    /// Kind-specific facts as a JSON object (`{"region": "US", "number_type": "toll_free"}`).
    pub attributes: String,
}

impl NewReportRow {
    /// The report without its reporter (which travels only sealed).
    pub fn details(&self) -> ReportDetails {
        ReportDetails {
            scammer: self.report.scammer.clone(),
            remote_access: self.report.remote_access.clone(),
            payment: self.report.payment.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRef {
    pub id: String,
    pub reference: String,
    /// Insertion sequence number: the report's key in correlation.
    pub seq: i64,
}

/// What correlation reads of a report: no narrative, no personal data.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportFacts {
    pub seq: i64,
    pub id: String,
    pub reference: String,
    pub received_at: OffsetDateTime,
    pub source: Source,
    pub occurred_on: Option<String>,
    pub country: String,
    pub contact_method: String,
    /// The known brand's slug, when the claimed brand matched one.
    pub brand: Option<String>,
    pub details: ReportDetails,
    pub indicators: Vec<IndicatorRow>,
    /// See [`NewReportRow::organization`].
    pub organization: Option<String>,
    /// See [`NewReportRow::reporter_keys`].
    pub reporter_keys: Option<String>,
    /// See [`NewReportRow::client_key`].
    pub client_key: Option<String>,
}

/// A report as stored. Personal data is still sealed.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredReport {
    pub id: String,
    pub reference: String,
    pub received_at: OffsetDateTime,
    pub source: Source,
    pub occurred_on: Option<String>,
    pub country: String,
    pub language: Option<String>,
    pub contact_method: String,
    pub impersonated_brand: Option<BrandClaim>,
    pub details: ReportDetails,
    pub narrative: String,
    pub reporter_sealed: Option<Vec<u8>>,
    /// What extraction found, in its order, each `(kind, value)` once.
    pub indicators: Vec<IndicatorRow>,
    /// See [`NewReportRow::organization`].
    pub organization: Option<String>,
}

/// Filters for listing reports. All given filters must hold.
#[derive(Clone, Debug, Default)]
pub struct ReportFilter {
    /// ISO 3166-1 alpha-2, uppercase.
    pub country: Option<String>,
    /// A known brand's slug (`microsoft`).
    pub brand: Option<String>,
    pub contact_method: Option<String>,
    /// Received at or after.
    pub since: Option<OffsetDateTime>,
    /// Received before.
    pub until: Option<OffsetDateTime>,
    /// Free text: every word must occur in the narrative (case-insensitive, any language).
    pub q: Option<String>,
    pub limit: u32,
    pub cursor: Option<Cursor>,
}

/// Where the next page starts: the last id of the previous page (ids sort by time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor(pub String);

impl Cursor {
    pub fn encode(&self) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("r1:{}", self.0))
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let id = text.strip_prefix("r1:")?;
        uuid::Uuid::parse_str(id).ok()?;
        Some(Cursor(id.to_string()))
    }
}

#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<Cursor>,
}

/// The filter's free text split into words, each a plain substring to find.
pub fn query_words(q: &str) -> Vec<String> {
    q.split_whitespace()
        .take(8)
        .map(|w| w.chars().take(64).collect())
        .collect()
}

/// An API token. Only the SHA-256 of the secret is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: String,
    pub hash: Vec<u8>,
    pub role: String,
    pub label: Option<String>,
    pub organization: Option<String>,
    pub created_at: OffsetDateTime,
    /// The TAXII collections it may read or add to; `None`: read every collection partners may
    /// read, add to those partners may add to.
    pub collections: Option<Vec<CollectionGrant>>,
}

/// What one token may do with one TAXII collection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionGrant {
    pub collection: String,
    pub read: bool,
    pub write: bool,
}

/// A person's account for the pages: a username and an Argon2id password hash.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// UUIDv7.
    pub id: String,
    /// As [`username_key`] gives it: usernames are unique whatever their case.
    pub username: String,
    /// An Argon2id PHC string (`$argon2id$v=19$m=...`), never the password.
    pub password_hash: String,
    /// `admin`, `analyst`, `partner` or `law_enforcement`.
    pub role: String,
    /// The partner's or agency's organization.
    pub organization: Option<String>,
    pub created_at: OffsetDateTime,
    /// Set while the account may not sign in.
    pub disabled_at: Option<OffsetDateTime>,
}

impl std::fmt::Debug for UserRecord {
    /// The hash is left out, so that it cannot reach a log through a `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("password_hash", &"<redacted>")
            .field("role", &self.role)
            .field("organization", &self.organization)
            .field("created_at", &self.created_at)
            .field("disabled_at", &self.disabled_at)
            .finish()
    }
}

/// The form of a username that is stored and compared: trimmed and lowercased, so `Alice` and
/// `alice` are one account.
pub fn username_key(username: &str) -> String {
    username.trim().to_lowercase()
}

/// A login session for pages. Only the SHA-256 of the cookie value is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub hash: Vec<u8>,
    /// The signed-in user's id.
    pub user_id: String,
    /// The user's role when they signed in (the server reads the account's current role).
    pub role: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// One line of the audit log: who did what to which thing, when, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// The token or user id that acted.
    pub actor: String,
    /// `report.personal_data.read`, `token.create` ...
    pub action: String,
    pub subject: String,
    pub reason: Option<String>,
}

/// An analyst's decision that a value links reports or does not, whatever hub detection says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueDecision {
    pub kind: String,
    pub value: String,
    /// `linking` or `not_linking`.
    pub decision: String,
    pub reason: String,
    /// The token or user id that decided.
    pub decided_by: String,
    pub decided_at: OffsetDateTime,
}

/// An analyst's decision on a value's verdict: `confirmed`, `cleared` or `expired`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictDecision {
    pub kind: String,
    pub value: String,
    pub decision: String,
    pub reason: String,
    /// The token or user id that decided.
    pub decided_by: String,
    pub decided_at: OffsetDateTime,
}

/// A domain the domain watch flagged, ingested by an operator. Recording it again keeps its
/// first sighting and takes the new score and reasons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchHit {
    pub domain: String,
    pub score: u8,
    pub brand: Option<String>,
    /// `lookalike` or `fake_support`.
    pub family: String,
    /// The scorer's reasons, a JSON array.
    pub reasons: String,
    pub first_seen: OffsetDateTime,
    pub last_seen: OffsetDateTime,
}

/// A change of cluster identity: `merged` (`cluster` absorbed `other`, one id) or `split`
/// (`cluster` fell apart into `other`, a comma-separated list of ids).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterEvent {
    pub kind: String,
    pub cluster: i64,
    pub other: String,
    /// The report whose arrival caused it; none when an analyst's decision did.
    pub by_report: Option<i64>,
    pub at: OffsetDateTime,
}

/// A value a partner organization shared (from a STIX bundle or a TAXII collection): who, which
/// object and version, and how often and when the partner saw it. Kept apart from reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerObservation {
    /// Its place in the store's feed of observations (0 until stored).
    pub seq: i64,
    /// The rows one import stored for one partner campaign (or one loose indicator) share it.
    pub node: String,
    /// The partner organization's name.
    pub partner: String,
    /// Its STIX identity id (empty when the bundle named none).
    pub partner_identity: String,
    /// The STIX object it came from, and its version (`modified`).
    pub stix_id: String,
    pub version: String,
    /// The partner's campaign it indicates (STIX id), empty when none.
    pub campaign: String,
    pub kind: String,
    /// Canonical, as this instance writes values.
    pub value: String,
    /// How many of the partner's reports held it, when the partner said.
    pub sightings: Option<i64>,
    pub first_seen: Option<OffsetDateTime>,
    pub last_seen: Option<OffsetDateTime>,
    /// `TLP:AMBER` ..., when marked.
    pub tlp: Option<String>,
    pub received_at: OffsetDateTime,
}

/// A TAXII collection of this instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaxiiCollection {
    /// A UUID.
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    /// `TLP:AMBER` ...: the marking of what this instance publishes into it, and of objects added
    /// without one.
    pub tlp: String,
    /// The one organization that may receive its `TLP:AMBER+STRICT` objects (none: nobody outside).
    pub audience: Option<String>,
    /// Whether partners whose token names no collections may read it, and add to it.
    pub partner_read: bool,
    pub partner_write: bool,
    /// What this instance publishes into it: `operations` (its shareable operations) or nothing.
    pub publishes: Option<String>,
}

/// A STIX object to add to a TAXII collection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTaxiiObject {
    pub id: String,
    /// Its `modified`, or `created`, or the time it was added (microseconds).
    pub version: i64,
    pub object_type: String,
    pub spec_version: String,
    /// `TLP:RED` ... (never empty: the collection's when the object has none).
    pub tlp: String,
    /// The one organization that may receive it when it is `TLP:AMBER+STRICT`.
    pub audience: Option<String>,
    /// The partner organization that added it; `None` when this instance did.
    pub added_by: Option<String>,
    /// The object as JSON text, served as it is.
    pub body: String,
}

/// What became of one object added to a collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    /// Stored, with this `date_added` (microseconds).
    New(i64),
    /// That id and version were there already: nothing changed.
    Duplicate,
}

/// A stored object of a TAXII collection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaxiiObject {
    pub id: String,
    pub version: i64,
    /// Microseconds; strictly increasing within a collection, so it orders and pages.
    pub date_added: i64,
    pub object_type: String,
    pub spec_version: String,
    pub tlp: String,
    pub added_by: Option<String>,
    pub body: String,
}

/// A page of a TAXII query, its objects already joined into JSON text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaxiiPage {
    /// The objects' JSON, separated by commas: what goes between `[` and `]`.
    pub joined: String,
    pub count: u32,
    pub first_added: Option<i64>,
    pub last_added: Option<i64>,
    /// Whether more objects follow the page.
    pub more: bool,
}

/// Which versions of each object a TAXII query wants.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum VersionFilter {
    #[default]
    Last,
    First,
    All,
    /// Exactly these versions (microseconds), with `last` and `first` possibly among them.
    Some {
        versions: Vec<i64>,
        last: bool,
        first: bool,
    },
}

/// Who reads a collection: this instance's own people see everything; a partner organization
/// never sees `TLP:RED`, and `TLP:AMBER+STRICT` only when it is the named audience.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reader {
    Local,
    Partner(String),
}

/// A query of a TAXII collection's objects, in `date_added` order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaxiiQuery {
    pub collection: String,
    pub reader: Reader,
    /// Only objects added strictly after this instant (microseconds): `added_after`, or the
    /// position a `next` cursor holds.
    pub added_after: Option<i64>,
    pub ids: Vec<String>,
    pub types: Vec<String>,
    pub versions: VersionFilter,
    pub spec_versions: Vec<String>,
    /// At most this many rows (the caller asks one more to learn whether there are more).
    pub limit: u32,
}

/// The outcome of one TAXII add-objects request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxiiStatus {
    pub id: String,
    pub collection: String,
    /// The token or user id that asked.
    pub requested_by: String,
    pub request_timestamp: i64,
    pub total_count: u64,
    /// Each `{id, version, message?}` as the status resource lists them.
    pub successes: Vec<serde_json::Value>,
    pub failures: Vec<serde_json::Value>,
}

/// A partner's TAXII server this instance syncs with, and how far it got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerRecord {
    /// The partner organization's name, as given.
    pub name: String,
    /// The API root's URL.
    pub taxii_url: String,
    /// The collection pulled from.
    pub collection: String,
    /// The collection this instance's shareable objects are pushed to, if any.
    pub push_collection: Option<String>,
    /// The credentials, sealed by the vault (a user and password, or a token).
    pub credentials_sealed: Vec<u8>,
    /// The last `X-TAXII-Date-Added-Last` pulled, sent back as `added_after`.
    pub pulled_through: Option<String>,
    /// The `date_added` (microseconds) of the last local object pushed.
    pub pushed_through: i64,
    pub last_sync_at: Option<OffsetDateTime>,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
}

/// How far a sync with a partner got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerState {
    pub pulled_through: Option<String>,
    pub pushed_through: i64,
    pub last_sync_at: OffsetDateTime,
    pub last_error: Option<String>,
}

/// The key partners are stored under: names are one whatever their case.
pub fn partner_name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Microseconds since the Unix epoch: how both backends store instants, so they sort and compare
/// the same way.
pub fn to_micros(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000) as i64
}

pub fn from_micros(micros: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Clamps a requested page size to 1..=500 (default 50).
pub fn page_limit(requested: u32) -> u32 {
    match requested {
        0 => 50,
        n => n.min(500),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let c = Cursor(uuid::Uuid::now_v7().to_string());
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("not-a-cursor"), None);
        assert_eq!(
            Cursor::decode("cjE6J29yIDE9MQ"),
            None,
            "r1:'or 1=1 is not an id"
        );
    }

    #[test]
    fn micros_round_trip() {
        let t = time::macros::datetime!(2026-11-28 12:00:00.123456 UTC);
        assert_eq!(from_micros(to_micros(t)), t);
    }
}

/// A case: an investigation over one or more clusters. The store keeps its current state as the
/// case workflow (`scamtrace_refer::case`) serialized it, and knows only what it lists by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRecord {
    /// UUIDv7.
    pub id: String,
    /// Human reference, unique (`CASE-2026-7KQ4M`).
    pub reference: String,
    /// 1 when created, one more with every change.
    pub version: i64,
    /// `open`, `referred`, `actioned` or `closed`.
    pub status: String,
    /// The agencies (organizations) the case was referred to, for their members' listing.
    pub agencies: Vec<String>,
    /// The whole state, JSON.
    pub state: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// One change of a case, append-only: the version it produced, who made it, when, and what
/// (`action` such as `case.opened`, `case.note`, `case.status`; `data` JSON).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseEventRecord {
    pub case_id: String,
    pub version: i64,
    pub at: OffsetDateTime,
    /// The token or user id that acted.
    pub actor: String,
    pub action: String,
    pub data: String,
}

/// An exported referral package, kept as the exact bytes that were signed.
#[derive(Clone, PartialEq, Eq)]
pub struct CasePackage {
    pub info: CasePackageInfo,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for CasePackage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CasePackage")
            .field("info", &self.info)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// What is listed of a package: for whom, by whom, when, and the zip's SHA-256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CasePackageInfo {
    /// UUIDv7.
    pub id: String,
    pub case_id: String,
    /// The agency (organization) it was made for.
    pub recipient: String,
    /// Whether it holds victims' personal data.
    pub personal_data: bool,
    /// The token or user id that exported it.
    pub exported_by: String,
    pub exported_at: OffsetDateTime,
    /// Hex SHA-256 of the zip.
    pub sha256: String,
    pub size: i64,
}
