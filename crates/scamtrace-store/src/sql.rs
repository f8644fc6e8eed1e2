//! SQL that both backends share: the report columns and the list query with its filters.
//!
//! Backends differ only in placeholders and in how free text is searched, which [`Dialect`]
//! captures; everything else is one string, so the two cannot drift apart.

use scamtrace_model::{BrandClaim, BrandRef};

use crate::{
    CaseEventRecord, CaseRecord, IndicatorRow, NewReportRow, ReportFilter, Source, StoreError,
    StoredReport, from_micros, query_words, to_micros,
};

/// The columns of a report row, in the order [`ReportRowFields`] reads them.
pub const REPORT_COLUMNS: &str = "id, reference, received_at, source, occurred_on, country, language, \
     contact_method, brand_text, brand_slug, brand_name, details, narrative, reporter_sealed, indicators, \
     organization, reporter_keys, client_key";

// Statements both backends run as they are. SQLite reads `$1`, `$2` ... as parameters numbered
// in order of appearance, so one text serves both.
pub const INSERT_TOKEN: &str = "INSERT INTO api_tokens (id, hash, role, label, organization, created_at, collections) VALUES ($1, $2, $3, $4, $5, $6, $7)";
pub const FIND_TOKEN: &str = "SELECT id, hash, role, label, organization, created_at, collections FROM api_tokens WHERE hash = $1 AND revoked_at IS NULL";
pub const INSERT_SESSION: &str = "INSERT INTO sessions (hash, user_id, role, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
pub const FIND_SESSION: &str = "SELECT hash, user_id, role, created_at, expires_at FROM sessions WHERE hash = $1 AND expires_at > $2";
pub const DELETE_SESSION: &str = "DELETE FROM sessions WHERE hash = $1";
/// Ends every session of the user with this (normalized) username.
pub const DELETE_USER_SESSIONS: &str =
    "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE username = $1)";

pub const INSERT_USER: &str = "INSERT INTO users (id, username, password_hash, role, organization, created_at, disabled_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
pub const FIND_USER_BY_USERNAME: &str = "SELECT id, username, password_hash, role, organization, created_at, disabled_at FROM users WHERE username = $1";
pub const FIND_USER: &str = "SELECT id, username, password_hash, role, organization, created_at, disabled_at FROM users WHERE id = $1";
pub const SET_USER_PASSWORD: &str = "UPDATE users SET password_hash = $1 WHERE username = $2";
pub const SET_USER_DISABLED: &str = "UPDATE users SET disabled_at = $1 WHERE username = $2";
pub const INSERT_AUDIT: &str =
    "INSERT INTO audit_log (at, actor, action, subject, reason) VALUES ($1, $2, $3, $4, $5)";

pub const UPSERT_VALUE_DECISION: &str = "INSERT INTO value_decisions (kind, value, decision, reason, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (kind, value) DO UPDATE SET decision = excluded.decision, reason = excluded.reason, decided_by = excluded.decided_by, decided_at = excluded.decided_at";
pub const DELETE_VALUE_DECISION: &str =
    "DELETE FROM value_decisions WHERE kind = $1 AND value = $2";
pub const LIST_VALUE_DECISIONS: &str = "SELECT kind, value, decision, reason, decided_by, decided_at FROM value_decisions ORDER BY kind, value";

pub const UPSERT_VERDICT_DECISION: &str = "INSERT INTO verdict_decisions (kind, value, decision, reason, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (kind, value) DO UPDATE SET decision = excluded.decision, reason = excluded.reason, decided_by = excluded.decided_by, decided_at = excluded.decided_at";
pub const LIST_VERDICT_DECISIONS: &str = "SELECT kind, value, decision, reason, decided_by, decided_at FROM verdict_decisions ORDER BY kind, value";
/// Records a watch hit: the first sighting stays, the rest is the latest scoring.
pub const UPSERT_WATCH_HIT: &str = "INSERT INTO watch_hits (domain, score, brand, family, reasons, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (domain) DO UPDATE SET score = excluded.score, brand = excluded.brand, family = excluded.family, reasons = excluded.reasons, \
     first_seen = CASE WHEN watch_hits.first_seen < excluded.first_seen THEN watch_hits.first_seen ELSE excluded.first_seen END, \
     last_seen = CASE WHEN watch_hits.last_seen > excluded.last_seen THEN watch_hits.last_seen ELSE excluded.last_seen END";
pub const LIST_WATCH_HITS: &str = "SELECT domain, score, brand, family, reasons, first_seen, last_seen FROM watch_hits ORDER BY domain";

pub const INSERT_OBSERVATION: &str = "INSERT INTO partner_observations (partner, partner_identity, stix_id, version, campaign, kind, value, sightings, first_seen, last_seen, tlp, received_at, node) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (stix_id, version, campaign) DO NOTHING";
pub const OBSERVATIONS_OF: &str = "SELECT seq, node, partner, partner_identity, stix_id, version, campaign, kind, value, sightings, first_seen, last_seen, tlp, received_at \
     FROM partner_observations WHERE kind = $1 AND value = $2 ORDER BY partner, seq";
/// The observations after a feed position, in feed order.
pub const OBSERVATIONS_AFTER: &str = "SELECT seq, node, partner, partner_identity, stix_id, version, campaign, kind, value, sightings, first_seen, last_seen, tlp, received_at \
     FROM partner_observations WHERE seq > $1 ORDER BY seq LIMIT $2";
/// Every observation of one partner campaign.
pub const OBSERVATIONS_OF_CAMPAIGN: &str = "SELECT seq, node, partner, partner_identity, stix_id, version, campaign, kind, value, sightings, first_seen, last_seen, tlp, received_at \
     FROM partner_observations WHERE partner_identity = $1 AND campaign = $2 ORDER BY seq";

// TAXII collections, their objects and add-objects statuses, and the partners synced with.
pub const TAXII_COLLECTION_COLUMNS: &str =
    "id, title, description, tlp, audience, partner_read, partner_write, publishes";
pub const UPSERT_TAXII_COLLECTION: &str = "INSERT INTO taxii_collections (id, title, description, tlp, audience, partner_read, partner_write, publishes, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO UPDATE SET title = excluded.title, description = excluded.description, tlp = excluded.tlp, \
     audience = excluded.audience, partner_read = excluded.partner_read, partner_write = excluded.partner_write, publishes = excluded.publishes";
pub const TAXII_OBJECT_COLUMNS: &str =
    "id, version, date_added, object_type, spec_version, tlp, added_by, body";
/// The newest `date_added` of a collection.
pub const TAXII_LAST_ADDED: &str =
    "SELECT MAX(date_added) FROM taxii_objects WHERE collection = $1";
/// After deleting versions of an id, marks its newest and oldest remaining ones again.
pub const TAXII_MARK_LATEST: &str = "UPDATE taxii_objects SET is_latest = 1 WHERE collection = $1 AND id = $2 \
     AND version = (SELECT MAX(version) FROM taxii_objects WHERE collection = $1 AND id = $2)";
pub const TAXII_MARK_FIRST: &str = "UPDATE taxii_objects SET is_first = 1 WHERE collection = $1 AND id = $2 \
     AND version = (SELECT MIN(version) FROM taxii_objects WHERE collection = $1 AND id = $2)";
pub const INSERT_TAXII_STATUS: &str = "INSERT INTO taxii_status (id, collection, requested_by, request_timestamp, total_count, successes, failures) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";
pub const FIND_TAXII_STATUS: &str = "SELECT id, collection, requested_by, request_timestamp, total_count, successes, failures FROM taxii_status WHERE id = $1";
pub const PARTNER_COLUMNS: &str = "name, taxii_url, collection, push_collection, credentials_sealed, pulled_through, pushed_through, last_sync_at, last_error, created_at";
pub const UPSERT_PARTNER: &str = "INSERT INTO partners (name, name_key, taxii_url, collection, push_collection, credentials_sealed, pulled_through, pushed_through, last_sync_at, last_error, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, NULL, 0, NULL, NULL, $7) ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, taxii_url = excluded.taxii_url, \
     collection = excluded.collection, push_collection = excluded.push_collection, credentials_sealed = excluded.credentials_sealed, \
     pulled_through = CASE WHEN partners.taxii_url = excluded.taxii_url AND partners.collection = excluded.collection THEN partners.pulled_through END, \
     pushed_through = CASE WHEN partners.taxii_url = excluded.taxii_url AND partners.push_collection IS NOT DISTINCT FROM excluded.push_collection THEN partners.pushed_through ELSE 0 END";
pub const SET_PARTNER_STATE: &str = "UPDATE partners SET pulled_through = $1, pushed_through = $2, last_sync_at = $3, last_error = $4 WHERE name_key = $5";

/// A TAXII objects query as SQL with its binds: the `WHERE` conditions after `collection = `.
fn taxii_conditions(q: &mut Query, t: &crate::TaxiiQuery) -> String {
    use crate::{Reader, VersionFilter};
    let collection = q.bind(Bind::Text(t.collection.clone()));
    let mut sql = format!("collection = {collection}");
    if let Some(after) = t.added_after {
        let p = q.bind(Bind::Int(after));
        sql.push_str(&format!(" AND date_added > {p}"));
    }
    if let Reader::Partner(org) = &t.reader {
        let p = q.bind(Bind::Text(org.to_lowercase()));
        sql.push_str(&format!(
            " AND tlp <> 'TLP:RED' AND (tlp <> 'TLP:AMBER+STRICT' OR LOWER(audience) = {p})"
        ));
    }
    for (column, values) in [
        ("id", &t.ids),
        ("object_type", &t.types),
        ("spec_version", &t.spec_versions),
    ] {
        if values.is_empty() {
            continue;
        }
        let list: Vec<String> = values
            .iter()
            .map(|v| q.bind(Bind::Text(v.clone())))
            .collect();
        sql.push_str(&format!(" AND {column} IN ({})", list.join(", ")));
    }
    match &t.versions {
        VersionFilter::Last => sql.push_str(" AND is_latest = 1"),
        VersionFilter::First => sql.push_str(" AND is_first = 1"),
        VersionFilter::All => {}
        VersionFilter::Some {
            versions,
            last,
            first,
        } => {
            let mut alternatives = Vec::new();
            if *last {
                alternatives.push("is_latest = 1".to_string());
            }
            if *first {
                alternatives.push("is_first = 1".to_string());
            }
            for v in versions {
                let p = q.bind(Bind::Int(*v));
                alternatives.push(format!("version = {p}"));
            }
            if alternatives.is_empty() {
                alternatives.push("1 = 0".into());
            }
            sql.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
        }
    }
    sql
}

/// The objects a TAXII query asks for, in `date_added` order, at most `limit` of them.
pub fn taxii_objects(dialect: Dialect, t: &crate::TaxiiQuery) -> Query {
    let mut q = Query::new(dialect, "");
    let conditions = taxii_conditions(&mut q, t);
    let limit = q.bind(Bind::Int(i64::from(t.limit)));
    q.sql = format!(
        "SELECT {TAXII_OBJECT_COLUMNS} FROM taxii_objects WHERE {conditions} ORDER BY date_added LIMIT {limit}"
    );
    q
}

/// A page of a TAXII query as one row: the objects' JSON joined by commas (in `date_added`
/// order), how many, the first and last `date_added`, and whether more follow (`fetched` is
/// `limit + 1` then). One row instead of one per object: the page crosses from the database in
/// one piece.
pub fn taxii_page(dialect: Dialect, t: &crate::TaxiiQuery) -> Query {
    let mut q = Query::new(dialect, "");
    let conditions = taxii_conditions(&mut q, t);
    let fetch = q.bind(Bind::Int(i64::from(t.limit) + 1));
    let limit = q.bind(Bind::Int(i64::from(t.limit)));
    let joined = match dialect {
        Dialect::Sqlite => "group_concat(body, ',' ORDER BY date_added)",
        Dialect::Postgres => "string_agg(body, ',' ORDER BY date_added)",
    };
    q.sql = format!(
        "SELECT {joined} FILTER (WHERE rn <= {limit}) AS bodies, COUNT(*) AS fetched, \
         MIN(date_added) AS first_added, MAX(date_added) FILTER (WHERE rn <= {limit}) AS last_added \
         FROM (SELECT body, date_added, ROW_NUMBER() OVER (ORDER BY date_added) AS rn \
         FROM taxii_objects WHERE {conditions} ORDER BY date_added LIMIT {fetch}) AS page"
    );
    q
}

/// Deletes the versions of one object a version filter chooses; returns their ids (one row each).
pub fn taxii_delete(
    dialect: Dialect,
    collection: &str,
    id: &str,
    versions: &crate::VersionFilter,
) -> Query {
    let mut q = Query::new(dialect, "");
    let conditions = taxii_conditions(
        &mut q,
        &crate::TaxiiQuery {
            collection: collection.to_string(),
            reader: crate::Reader::Local,
            added_after: None,
            ids: vec![id.to_string()],
            types: Vec::new(),
            versions: versions.clone(),
            spec_versions: Vec::new(),
            limit: 0,
        },
    );
    q.sql = format!("DELETE FROM taxii_objects WHERE {conditions}");
    q
}

/// Binds one observation to [`INSERT_OBSERVATION`]'s parameters, for either backend.
#[macro_export]
macro_rules! bind_observation {
    ($query:expr, $o:expr) => {
        $query
            .bind(&$o.partner)
            .bind(&$o.partner_identity)
            .bind(&$o.stix_id)
            .bind(&$o.version)
            .bind(&$o.campaign)
            .bind(&$o.kind)
            .bind(&$o.value)
            .bind($o.sightings)
            .bind($o.first_seen.map($crate::to_micros))
            .bind($o.last_seen.map($crate::to_micros))
            .bind(&$o.tlp)
            .bind($crate::to_micros($o.received_at))
            .bind(&$o.node)
    };
}
pub const INSERT_CLUSTER_EVENT: &str = "INSERT INTO cluster_events (kind, cluster, other, by_report, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, cluster, other) DO NOTHING";
pub const LIST_CLUSTER_EVENTS: &str = "SELECT kind, cluster, other, by_report, at FROM cluster_events WHERE cluster = $1 OR other = $2 ORDER BY at, kind LIMIT $3";

/// Every account, oldest first.
pub const LIST_USERS: &str = "SELECT id, username, password_hash, role, organization, created_at, disabled_at FROM users ORDER BY created_at, id";

// Cases, their events and their referral packages. `agencies` is stored as a JSON array
// ([`agencies_json`]).
pub const INSERT_CASE: &str = "INSERT INTO cases (id, reference, version, status, agencies, state, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
/// Compare-and-swap: changes the case only if it is still at the version the change was made
/// from (the last parameter). The reference and `created_at` stay as created.
pub const UPDATE_CASE: &str = "UPDATE cases SET version = $1, status = $2, agencies = $3, state = $4, updated_at = $5 \
     WHERE id = $6 AND version = $7";
/// A row when the case exists (to tell a conflict from a missing case).
pub const CASE_EXISTS: &str = "SELECT id FROM cases WHERE id = $1";
pub const GET_CASE: &str = "SELECT id, reference, version, status, agencies, state, created_at, updated_at FROM cases WHERE id = $1";
/// Most recently updated first; ties by id.
pub const LIST_CASES: &str = "SELECT id, reference, version, status, agencies, state, created_at, updated_at FROM cases \
     ORDER BY updated_at DESC, id";
pub const INSERT_CASE_EVENT: &str = "INSERT INTO case_events (case_id, version, at, actor, action, data) VALUES ($1, $2, $3, $4, $5, $6)";
pub const LIST_CASE_EVENTS: &str = "SELECT case_id, version, at, actor, action, data FROM case_events WHERE case_id = $1 ORDER BY version";
pub const INSERT_CASE_PACKAGE: &str = "INSERT INTO case_packages (id, case_id, recipient, personal_data, exported_by, exported_at, sha256, size, bytes) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
/// A case's packages without their bytes, newest first; ties by id.
pub const LIST_CASE_PACKAGES: &str = "SELECT id, case_id, recipient, personal_data, exported_by, exported_at, sha256, size FROM case_packages \
     WHERE case_id = $1 ORDER BY exported_at DESC, id";
pub const GET_CASE_PACKAGE: &str = "SELECT id, case_id, recipient, personal_data, exported_by, exported_at, sha256, size, bytes FROM case_packages WHERE id = $1";

/// A case's agencies as stored: a JSON array of their names.
pub fn agencies_json(agencies: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(agencies).map_err(|e| StoreError::Database(format!("case agencies: {e}")))
}

/// What both backends check before writing a case and its event: the event is this case's, of
/// the version the write produces, and a new case is at version 1. Otherwise the event log would
/// no longer tell the case's history; nothing is written.
pub fn check_case_write(
    case: &CaseRecord,
    event: &CaseEventRecord,
    new: bool,
) -> Result<(), StoreError> {
    if new && case.version != 1 {
        return Err(StoreError::Database(format!(
            "case {}: a new case is at version 1, not {}",
            case.id, case.version
        )));
    }
    if event.case_id != case.id || event.version != case.version {
        return Err(StoreError::Database(format!(
            "case {}: its event must be of this case and of version {}",
            case.id, case.version
        )));
    }
    Ok(())
}

/// Binds a case to [`INSERT_CASE`]'s parameters, for either backend; `$agencies` is
/// [`agencies_json`] of it.
#[macro_export]
macro_rules! bind_case {
    ($query:expr, $c:expr, $agencies:expr) => {
        $query
            .bind(&$c.id)
            .bind(&$c.reference)
            .bind($c.version)
            .bind(&$c.status)
            .bind($agencies)
            .bind(&$c.state)
            .bind($crate::to_micros($c.created_at))
            .bind($crate::to_micros($c.updated_at))
    };
}

/// Binds a case to [`UPDATE_CASE`]'s parameters (the stored version must be one less).
#[macro_export]
macro_rules! bind_case_update {
    ($query:expr, $c:expr, $agencies:expr) => {
        $query
            .bind($c.version)
            .bind(&$c.status)
            .bind($agencies)
            .bind(&$c.state)
            .bind($crate::to_micros($c.updated_at))
            .bind(&$c.id)
            .bind($c.version.saturating_sub(1))
    };
}

/// Binds a case event to [`INSERT_CASE_EVENT`]'s parameters.
#[macro_export]
macro_rules! bind_case_event {
    ($query:expr, $e:expr) => {
        $query
            .bind(&$e.case_id)
            .bind($e.version)
            .bind($crate::to_micros($e.at))
            .bind(&$e.actor)
            .bind(&$e.action)
            .bind(&$e.data)
    };
}

/// Binds a package, its bytes too, to [`INSERT_CASE_PACKAGE`]'s parameters.
#[macro_export]
macro_rules! bind_case_package {
    ($query:expr, $p:expr) => {
        $query
            .bind(&$p.info.id)
            .bind(&$p.info.case_id)
            .bind(&$p.info.recipient)
            .bind(i64::from($p.info.personal_data))
            .bind(&$p.info.exported_by)
            .bind($crate::to_micros($p.info.exported_at))
            .bind(&$p.info.sha256)
            .bind($p.info.size)
            .bind(&$p.bytes)
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A value to bind to a placeholder.
#[derive(Clone, Debug, PartialEq)]
pub enum Bind {
    Text(String),
    Int(i64),
    OptText(Option<String>),
    OptBytes(Option<Vec<u8>>),
    Real(f64),
}

/// A statement under construction: SQL text with numbered placeholders, and their values.
pub struct Query {
    dialect: Dialect,
    pub sql: String,
    pub binds: Vec<Bind>,
}

impl Query {
    pub fn new(dialect: Dialect, sql: &str) -> Query {
        Query {
            dialect,
            sql: sql.to_string(),
            binds: Vec::new(),
        }
    }

    /// Appends a placeholder for `value` and returns its text.
    pub fn bind(&mut self, value: Bind) -> String {
        self.binds.push(value);
        match self.dialect {
            Dialect::Sqlite => format!("?{}", self.binds.len()),
            Dialect::Postgres => format!("${}", self.binds.len()),
        }
    }
}

/// The `INSERT` of one report; a clash on `reference` inserts nothing (the caller retries with
/// another reference).
pub fn insert_report(dialect: Dialect, row: &NewReportRow, reference: &str) -> Query {
    insert_reports(dialect, &[(row, reference)])
}

/// One `INSERT` of many reports, returning the ids that went in. A row whose `reference` clashes
/// is left out (and its id missing from the result), so the caller retries just that one.
pub fn insert_reports(dialect: Dialect, rows: &[(&NewReportRow, &str)]) -> Query {
    let mut q = Query::new(dialect, "");
    let mut tuples = Vec::with_capacity(rows.len());
    for (row, reference) in rows {
        let placeholders: Vec<String> = report_values(row, reference)
            .into_iter()
            .map(|v| q.bind(v))
            .collect();
        tuples.push(format!("({})", placeholders.join(", ")));
    }
    q.sql = format!(
        "INSERT INTO reports ({REPORT_COLUMNS}) VALUES {} ON CONFLICT (reference) DO NOTHING RETURNING id, seq",
        tuples.join(", ")
    );
    q
}

/// Each `(kind, value)` once, at its first occurrence: what a report stores.
pub fn unique_indicators(rows: &[IndicatorRow]) -> Vec<&IndicatorRow> {
    let mut seen = std::collections::HashSet::new();
    rows.iter()
        .filter(|r| seen.insert((r.kind.as_str(), r.value.as_str())))
        .collect()
}

pub const REPORT_INDICATORS: &str = "SELECT indicators FROM reports WHERE id = $1";
pub const SET_REPORT_INDICATORS: &str = "UPDATE reports SET indicators = $2 WHERE id = $1";

/// The columns of [`crate::ReportFacts`]: what correlation reads of every report.
pub const FACT_COLUMNS: &str = "seq, id, reference, received_at, source, occurred_on, country, \
     contact_method, brand_slug, details, indicators, organization, reporter_keys, client_key";

/// Reports after a sequence number, in sequence order, as facts.
pub fn report_facts_after(dialect: Dialect, after_seq: i64, limit: u32) -> Query {
    let mut q = Query::new(dialect, "");
    let after = q.bind(Bind::Int(after_seq));
    let limit = q.bind(Bind::Int(i64::from(limit)));
    q.sql = format!(
        "SELECT {FACT_COLUMNS} FROM reports WHERE seq > {after} ORDER BY seq LIMIT {limit}"
    );
    q
}

/// Reports with the given sequence numbers, as facts.
pub fn report_facts_at(dialect: Dialect, seqs: &[i64]) -> Query {
    let mut q = Query::new(dialect, "");
    let list: Vec<String> = seqs.iter().map(|s| q.bind(Bind::Int(*s))).collect();
    q.sql = format!(
        "SELECT {FACT_COLUMNS} FROM reports WHERE seq IN ({}) ORDER BY seq",
        list.join(", ")
    );
    q
}

/// Reports per multi-row `INSERT`: 16 values each stays well under both databases' limits on
/// bound parameters.
pub const INSERT_CHUNK: usize = 500;

fn report_values(row: &NewReportRow, reference: &str) -> Vec<Bind> {
    let r = &row.report;
    let details = serde_json::to_string(&row.details()).unwrap_or_else(|_| "{}".into());
    let brand = r.impersonated_brand.as_ref().and_then(|b| b.brand.as_ref());
    vec![
        Bind::Text(row.id.clone()),
        Bind::Text(reference.to_string()),
        Bind::Int(to_micros(row.received_at)),
        Bind::Text(row.source.as_str().into()),
        Bind::OptText(r.occurred_on.map(|d| d.to_string())),
        Bind::Text(r.country.as_str().into()),
        Bind::OptText(r.language.as_ref().map(|l| l.as_str().into())),
        Bind::Text(r.contact_method.as_str().into()),
        Bind::OptText(r.impersonated_brand.as_ref().map(|b| b.text.clone())),
        Bind::OptText(brand.map(|b| b.slug.clone())),
        Bind::OptText(brand.map(|b| b.name.clone())),
        Bind::Text(details),
        Bind::Text(r.narrative.clone()),
        Bind::OptBytes(row.reporter_sealed.clone()),
        Bind::Text(
            serde_json::to_string(&unique_indicators(&row.indicators))
                .unwrap_or_else(|_| "[]".into()),
        ),
        Bind::OptText(row.organization.clone()),
        Bind::OptText(row.reporter_keys.clone()),
        Bind::OptText(row.client_key.clone()),
    ]
}

/// A report row as read back, column by column, before parsing.
pub struct ReportRowFields {
    pub id: String,
    pub reference: String,
    pub received_at: i64,
    pub source: String,
    pub occurred_on: Option<String>,
    pub country: String,
    pub language: Option<String>,
    pub contact_method: String,
    pub brand_text: Option<String>,
    pub brand_slug: Option<String>,
    pub brand_name: Option<String>,
    pub details: String,
    pub narrative: String,
    pub reporter_sealed: Option<Vec<u8>>,
    /// The report's indicators as a JSON array.
    pub indicators: String,
    pub organization: Option<String>,
}

impl ReportRowFields {
    pub fn into_report(self) -> Result<StoredReport, StoreError> {
        let details = serde_json::from_str(&self.details)
            .map_err(|e| StoreError::Corrupt(format!("report {} details: {e}", self.id)))?;
        let source = Source::parse(&self.source)
            .ok_or_else(|| StoreError::Corrupt(format!("report {} source", self.id)))?;
        let brand = match (self.brand_slug, self.brand_name) {
            (Some(slug), Some(name)) => Some(BrandRef { slug, name }),
            _ => None,
        };
        Ok(StoredReport {
            id: self.id,
            reference: self.reference,
            received_at: from_micros(self.received_at),
            source,
            occurred_on: self.occurred_on,
            country: self.country,
            language: self.language,
            contact_method: self.contact_method,
            impersonated_brand: self.brand_text.map(|text| BrandClaim { text, brand }),
            details,
            narrative: self.narrative,
            reporter_sealed: self.reporter_sealed,
            indicators: serde_json::from_str(&self.indicators)
                .map_err(|e| StoreError::Corrupt(format!("report indicators: {e}")))?,
            organization: self.organization,
        })
    }
}

/// Whether a character belongs to a script written without spaces between words (Han, kana,
/// Hangul): such characters are indexed one by one, so any run of them is found as a phrase.
fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xFF66..=0xFF9F    // half-width Katakana
        | 0x20000..=0x2FFFF) // CJK Extensions B and later
}

/// The text the free-text index holds for a narrative: full-width letters and digits folded to
/// ASCII, and every Han, kana or Hangul character set apart as its own word. The index's
/// `unicode61` tokenizer then splits on everything else and folds case and diacritics.
pub fn search_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    for c in text.chars() {
        let c = match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
            _ => c,
        };
        if is_unspaced_script(c) {
            out.push(' ');
            out.push(c);
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// An FTS5 query for one search word: its tokens as a phrase, the last one a prefix, so `Wi`
/// finds "Windows", `steam-karten` finds "Steam-Karten" and `ウイルス` finds it inside a
/// sentence. `None` when the word has no letters or digits.
pub fn search_phrase(word: &str) -> Option<String> {
    let text = search_text(word);
    let tokens: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || is_unspaced_script(c)))
        .filter(|t| !t.is_empty())
        .collect();
    (!tokens.is_empty()).then(|| format!("\"{}\"*", tokens.join(" ")))
}

/// Escapes `%`, `_` and `\` so user text matches literally in `LIKE ... ESCAPE '\'`.
fn like_pattern(word: &str) -> String {
    let mut out = String::from("%");
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// `SELECT` of one page of reports (newest id first), fetching one extra row to tell whether
/// another page follows.
pub fn list_reports(dialect: Dialect, filter: &ReportFilter, limit: u32) -> Query {
    let mut q = Query::new(dialect, "");
    let mut clauses: Vec<String> = Vec::new();
    if let Some(country) = &filter.country {
        clauses.push(format!("country = {}", q.bind(Bind::Text(country.clone()))));
    }
    if let Some(brand) = &filter.brand {
        clauses.push(format!(
            "brand_slug = {}",
            q.bind(Bind::Text(brand.clone()))
        ));
    }
    if let Some(method) = &filter.contact_method {
        clauses.push(format!(
            "contact_method = {}",
            q.bind(Bind::Text(method.clone()))
        ));
    }
    if let Some(since) = filter.since {
        clauses.push(format!(
            "received_at >= {}",
            q.bind(Bind::Int(to_micros(since)))
        ));
    }
    if let Some(until) = filter.until {
        clauses.push(format!(
            "received_at < {}",
            q.bind(Bind::Int(to_micros(until)))
        ));
    }
    if let Some(cursor) = &filter.cursor {
        clauses.push(format!("id < {}", q.bind(Bind::Text(cursor.0.clone()))));
    }
    for word in filter.q.as_deref().map(query_words).unwrap_or_default() {
        let phrase = search_phrase(&word);
        let clause = match (dialect, phrase) {
            (Dialect::Sqlite, Some(phrase)) => format!(
                "seq IN (SELECT rowid FROM reports_fts WHERE reports_fts MATCH {})",
                q.bind(Bind::Text(phrase))
            ),
            // Punctuation alone has no words to look up: match it literally.
            (Dialect::Sqlite, None) => {
                format!(
                    "narrative LIKE {} ESCAPE '\\'",
                    q.bind(Bind::Text(like_pattern(&word)))
                )
            }
            (Dialect::Postgres, _) => {
                format!(
                    "narrative ILIKE {} ESCAPE '\\'",
                    q.bind(Bind::Text(like_pattern(&word)))
                )
            }
        };
        clauses.push(clause);
    }
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    let limit_sql = q.bind(Bind::Int(i64::from(limit) + 1));
    q.sql = format!(
        "SELECT {REPORT_COLUMNS} FROM reports{where_sql} ORDER BY id DESC LIMIT {limit_sql}"
    );
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_are_literal() {
        assert_eq!(like_pattern("100%_a\\"), "%100\\%\\_a\\\\%");
    }

    #[test]
    fn filters_become_numbered_placeholders() {
        let filter = ReportFilter {
            country: Some("US".into()),
            q: Some("gift ab".into()),
            ..Default::default()
        };
        let q = list_reports(Dialect::Postgres, &filter, 50);
        assert!(q.sql.contains("country = $1"), "{}", q.sql);
        assert!(q.sql.contains("narrative ILIKE $2") && q.sql.contains("narrative ILIKE $3"));
        assert!(q.sql.ends_with("LIMIT $4"));
        assert_eq!(q.binds.last(), Some(&Bind::Int(51)));
        let filter = ReportFilter {
            country: Some("US".into()),
            q: Some("gift _".into()),
            ..Default::default()
        };
        let q = list_reports(Dialect::Sqlite, &filter, 50);
        assert!(
            q.sql.contains("reports_fts MATCH ?2") && q.sql.contains("narrative LIKE ?3"),
            "{}",
            q.sql
        );
        assert_eq!(q.binds[1], Bind::Text("\"gift\"*".into()));
    }

    #[test]
    fn search_text_sets_apart_unspaced_scripts_and_folds_full_width() {
        assert_eq!(
            search_text("ウイルスです ＡｎｙＤｅｓｋ"),
            " ウ  イ  ル  ス  で  す  AnyDesk"
        );
        assert_eq!(
            search_phrase("ウイルス").as_deref(),
            Some("\"ウ イ ル ス\"*")
        );
        assert_eq!(
            search_phrase("steam-karten").as_deref(),
            Some("\"steam karten\"*")
        );
        assert_eq!(
            search_phrase("\"') OR 1=1 --").as_deref(),
            Some("\"OR 1 1\"*")
        );
        assert_eq!(search_phrase("_%"), None);
    }
}

/// The existing versions of some ids of a collection: `(id, version)` rows.
pub fn taxii_existing_versions(dialect: Dialect, collection: &str, ids: &[&str]) -> Query {
    let mut q = Query::new(dialect, "");
    let c = q.bind(Bind::Text(collection.to_string()));
    let list: Vec<String> = ids
        .iter()
        .map(|id| q.bind(Bind::Text(id.to_string())))
        .collect();
    q.sql = format!(
        "SELECT id, version FROM taxii_objects WHERE collection = {c} AND id IN ({})",
        list.join(", ")
    );
    q
}

/// Clears `is_latest` (or `is_first`) of these ids' rows in a collection.
pub fn taxii_clear_flag(dialect: Dialect, collection: &str, flag: &str, ids: &[String]) -> Query {
    let mut q = Query::new(dialect, "");
    let c = q.bind(Bind::Text(collection.to_string()));
    let list: Vec<String> = ids
        .iter()
        .map(|id| q.bind(Bind::Text(id.clone())))
        .collect();
    q.sql = format!(
        "UPDATE taxii_objects SET {flag} = 0 WHERE collection = {c} AND {flag} = 1 AND id IN ({})",
        list.join(", ")
    );
    q
}

/// One multi-row `INSERT` of new objects: `(object, date_added, is_latest, is_first)`.
pub fn taxii_insert(
    dialect: Dialect,
    collection: &str,
    rows: &[(&crate::NewTaxiiObject, i64, bool, bool)],
) -> Query {
    let mut q = Query::new(dialect, "");
    let mut tuples = Vec::with_capacity(rows.len());
    for (o, date_added, latest, first) in rows {
        let values = [
            Bind::Text(collection.to_string()),
            Bind::Text(o.id.clone()),
            Bind::Int(o.version),
            Bind::Int(*date_added),
            Bind::Text(o.object_type.clone()),
            Bind::Text(o.spec_version.clone()),
            Bind::Text(o.tlp.clone()),
            Bind::OptText(o.audience.clone()),
            Bind::OptText(o.added_by.clone()),
            Bind::Int(i64::from(*latest)),
            Bind::Int(i64::from(*first)),
            Bind::Text(o.body.clone()),
        ];
        let placeholders: Vec<String> = values.into_iter().map(|v| q.bind(v)).collect();
        tuples.push(format!("({})", placeholders.join(", ")));
    }
    q.sql = format!(
        "INSERT INTO taxii_objects (collection, id, version, date_added, object_type, spec_version, tlp, audience, added_by, is_latest, is_first, body) VALUES {}",
        tuples.join(", ")
    );
    q
}

/// How an envelope of objects goes into a collection, decided from the versions already there:
/// which are duplicates, which new rows are their id's latest or first version, and which ids'
/// stored rows stop being latest or first.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TaxiiAddPlan {
    /// Per object, in order: the index of its new row in `rows`, or `None` for a duplicate.
    pub outcomes: Vec<Option<usize>>,
    /// New rows: `(object index, is_latest, is_first)`, in the order they are added.
    pub rows: Vec<(usize, bool, bool)>,
    pub clear_latest: Vec<String>,
    pub clear_first: Vec<String>,
}

pub fn plan_taxii_add(
    existing: &[(String, i64)],
    objects: &[crate::NewTaxiiObject],
) -> TaxiiAddPlan {
    use std::collections::{HashMap, HashSet};
    let mut stored: HashMap<&str, (i64, i64)> = HashMap::new();
    let mut have: HashSet<(&str, i64)> = HashSet::new();
    for (id, v) in existing {
        let e = stored.entry(id.as_str()).or_insert((*v, *v));
        e.0 = e.0.max(*v);
        e.1 = e.1.min(*v);
        have.insert((id.as_str(), *v));
    }
    let mut plan = TaxiiAddPlan::default();
    // The newest and oldest new version of each id, each with its row.
    type Extremes = ((i64, usize), (i64, usize));
    let mut fresh: HashMap<&str, Extremes> = HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        if !have.insert((o.id.as_str(), o.version)) {
            plan.outcomes.push(None);
            continue;
        }
        let row = plan.rows.len();
        plan.rows.push((i, false, false));
        plan.outcomes.push(Some(row));
        let e = fresh
            .entry(o.id.as_str())
            .or_insert(((o.version, row), (o.version, row)));
        if o.version > e.0.0 {
            e.0 = (o.version, row);
        }
        if o.version < e.1.0 {
            e.1 = (o.version, row);
        }
    }
    for (id, ((newest, newest_row), (oldest, oldest_row))) in fresh {
        match stored.get(id) {
            None => {
                plan.rows[newest_row].1 = true;
                plan.rows[oldest_row].2 = true;
            }
            Some((stored_newest, stored_oldest)) => {
                if newest > *stored_newest {
                    plan.rows[newest_row].1 = true;
                    plan.clear_latest.push(id.to_string());
                }
                if oldest < *stored_oldest {
                    plan.rows[oldest_row].2 = true;
                    plan.clear_first.push(id.to_string());
                }
            }
        }
    }
    plan.clear_latest.sort();
    plan.clear_first.sort();
    plan
}

#[cfg(test)]
mod taxii_plan_tests {
    use super::*;

    fn object(id: &str, version: i64) -> crate::NewTaxiiObject {
        crate::NewTaxiiObject {
            id: id.into(),
            version,
            object_type: "indicator".into(),
            spec_version: "2.1".into(),
            tlp: "TLP:AMBER".into(),
            audience: None,
            added_by: None,
            body: "{}".into(),
        }
    }

    #[test]
    fn versions_are_planned_against_what_is_stored_and_each_other() {
        let existing = vec![("a".to_string(), 20), ("a".to_string(), 30)];
        let plan = plan_taxii_add(
            &existing,
            &[
                object("a", 30), // duplicate of a stored row
                object("a", 40), // newer: latest
                object("a", 10), // older: first
                object("b", 5),
                object("b", 7),
                object("b", 7), // duplicate within the envelope
            ],
        );
        assert_eq!(
            plan.outcomes,
            [None, Some(0), Some(1), Some(2), Some(3), None]
        );
        assert_eq!(
            plan.rows,
            [
                (1, true, false),
                (2, false, true),
                (3, false, true),
                (4, true, false)
            ]
        );
        assert_eq!(plan.clear_latest, ["a"]);
        assert_eq!(plan.clear_first, ["a"]);
        let single = plan_taxii_add(&[], &[object("c", 1)]);
        assert_eq!(single.rows, [(0, true, true)]);
        assert!(single.clear_latest.is_empty());
    }
}

/// `(stix_id, campaign)` of earlier observations of these objects, with a campaign.
pub fn observation_campaigns(dialect: Dialect, stix_ids: &[String]) -> Query {
    let mut q = Query::new(dialect, "");
    let list: Vec<String> = stix_ids
        .iter()
        .map(|id| q.bind(Bind::Text(id.clone())))
        .collect();
    q.sql = format!(
        "SELECT DISTINCT stix_id, campaign FROM partner_observations WHERE stix_id IN ({}) AND campaign <> '' ORDER BY stix_id, campaign",
        list.join(", ")
    );
    q
}
