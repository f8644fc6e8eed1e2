//! ScamTrace's scale-out storage on PostgreSQL, for several instances sharing work.
//!
//! Same schema and the same SQL as the SQLite backend (shared through `scamtrace_store::sql`),
//! with PostgreSQL's own concurrency: a pool of connections, row-level locking, and migrations
//! serialized across instances by an advisory lock. Free-text search uses a `pg_trgm` GIN index
//! when the extension can be created, and a scan otherwise.
//!
//! ```no_run
//! # async fn demo() -> Result<(), scamtrace_store::StoreError> {
//! use scamtrace_store::Store;
//! let store = scamtrace_store_postgres::PostgresStore::open("postgres://127.0.0.1/test", None).await?;
//! println!("{} reports", store.count_reports().await?);
//! # Ok(()) }
//! ```

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use rand::SeedableRng;
use scamtrace_model::Reference;
use scamtrace_store::decode::{self, StoreRow};
use scamtrace_store::sql::{self, Bind, Dialect, Query, REPORT_COLUMNS};
use scamtrace_store::*;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::{AssertSqlSafe, Postgres, Row};

const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "reports", include_str!("../migrations/0001_reports.sql")),
    (
        2,
        "indicators",
        include_str!("../migrations/0002_indicators.sql"),
    ),
    (
        3,
        "correlation_feed",
        include_str!("../migrations/0003_correlation_feed.sql"),
    ),
    (
        4,
        "value_decisions",
        include_str!("../migrations/0004_value_decisions.sql"),
    ),
    (
        5,
        "cluster_events",
        include_str!("../migrations/0005_cluster_events.sql"),
    ),
    (6, "users", include_str!("../migrations/0006_users.sql")),
    (
        7,
        "report_organization",
        include_str!("../migrations/0007_report_organization.sql"),
    ),
    (
        8,
        "partner_observations",
        include_str!("../migrations/0008_partner_observations.sql"),
    ),
    (9, "taxii", include_str!("../migrations/0009_taxii.sql")),
    (
        10,
        "protect",
        include_str!("../migrations/0010_protect.sql"),
    ),
    (11, "cases", include_str!("../migrations/0011_cases.sql")),
];

/// Writes one audit event, alone or in the transaction of the change it records.
async fn insert_audit<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    e: &AuditEvent,
) -> Result<(), StoreError> {
    sqlx::query(sql::INSERT_AUDIT)
        .bind(to_micros(e.at))
        .bind(&e.actor)
        .bind(&e.action)
        .bind(&e.subject)
        .bind(&e.reason)
        .execute(executor)
        .await
        .map_err(db_error)?;
    Ok(())
}

pub struct PostgresStore {
    pool: PgPool,
}

fn db_error(e: sqlx::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

impl PostgresStore {
    /// Connects to `url` (a `postgres://` URL) and applies pending migrations. With `schema`, all
    /// tables live in that schema (created if missing), so several ScamTrace databases can share
    /// one PostgreSQL database.
    pub async fn open(url: &str, schema: Option<&str>) -> Result<PostgresStore, StoreError> {
        let mut options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Database(format!("bad PostgreSQL URL: {e}")))?;
        if let Some(schema) = schema {
            if !schema
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
                || schema.is_empty()
            {
                return Err(StoreError::Database(
                    "schema names may hold only letters, digits and _".into(),
                ));
            }
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(options.clone())
                .await
                .map_err(db_error)?;
            sqlx::raw_sql(AssertSqlSafe(format!(
                "CREATE SCHEMA IF NOT EXISTS {schema}"
            )))
            .execute(&admin)
            .await
            .map_err(db_error)?;
            admin.close().await;
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(db_error)?;
        migrate(&pool).await?;
        Ok(PostgresStore { pool })
    }

    /// Closes the pool: pending queries finish, new ones fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    // One instance migrates at a time; the others wait, then find nothing left to do.
    sqlx::query("SELECT pg_advisory_xact_lock(7365323001)")
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    let current: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_migrations")
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?;
    let supported = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    if current > supported {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported,
        });
    }
    for (version, name, migration) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        sqlx::raw_sql(*migration)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(version)
        .bind(*name)
        .bind(to_micros(time::OffsetDateTime::now_utc()))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tracing::info!(version, name, "applied PostgreSQL migration");
    }
    tx.commit().await.map_err(db_error)?;
    ensure_trigram_index(pool).await;
    Ok(())
}

/// Best effort: `pg_trgm` makes `ILIKE` searches use an index. Without the extension (no
/// privilege to create it), search still works by scanning.
async fn ensure_trigram_index(pool: &PgPool) {
    let exists: Result<bool, _> = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'reports_narrative_trgm')",
    )
    .fetch_one(pool)
    .await;
    if matches!(exists, Ok(true)) {
        return;
    }
    let result = async {
        sqlx::raw_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public").execute(pool).await?;
        sqlx::raw_sql("CREATE INDEX IF NOT EXISTS reports_narrative_trgm ON reports USING gin (narrative public.gin_trgm_ops)")
            .execute(pool)
            .await
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, "no pg_trgm index: free-text search will scan");
    }
}

/// Runs a query of partner observations and decodes its rows.
async fn observation_rows(
    pool: &PgPool,
    query: sqlx::query::Query<'_, Postgres, PgArguments>,
) -> Result<Vec<PartnerObservation>, StoreError> {
    let rows = query.fetch_all(pool).await.map_err(db_error)?;
    rows.iter()
        .map(|r| decode::observation(&Columns(r)))
        .collect()
}

fn bind_all(query: &Query) -> sqlx::query::Query<'_, Postgres, PgArguments> {
    let mut q = sqlx::query(AssertSqlSafe(query.sql.as_str()));
    for b in &query.binds {
        q = match b {
            Bind::Text(s) => q.bind(s.as_str()),
            Bind::Int(i) => q.bind(*i),
            Bind::OptText(s) => q.bind(s.as_deref()),
            Bind::OptBytes(b) => q.bind(b.as_deref()),
            Bind::Real(r) => q.bind(*r),
        };
    }
    q
}

/// Inserts a report under a fresh random reference, drawing again on the rare clash.
async fn insert_one(
    conn: &mut PgConnection,
    rng: &mut rand::rngs::StdRng,
    row: &NewReportRow,
) -> Result<StoredRef, StoreError> {
    for _ in 0..16 {
        let reference = Reference::generate(row.received_at.year(), rng).to_string();
        let q = sql::insert_report(Dialect::Postgres, row, &reference);
        let done = bind_all(&q).fetch_all(&mut *conn).await.map_err(db_error)?;
        if let Some(seq) = done.first().and_then(|r| r.try_get::<i64, _>("seq").ok()) {
            return Ok(StoredRef {
                id: row.id.clone(),
                reference,
                seq,
            });
        }
    }
    Err(StoreError::Database(
        "could not find a free report reference".into(),
    ))
}

fn json_text(value: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Database(e.to_string()))
}

/// Adds objects to a collection (see [`Store::add_taxii_objects`]). The collection's row is
/// locked first, so writers to one collection take turns and `date_added` only grows in commit
/// order: a reader paging by `date_added` never misses a row that commits later.
async fn add_taxii_objects(
    pool: &PgPool,
    collection: &str,
    objects: &[NewTaxiiObject],
) -> Result<Vec<Added>, StoreError> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    sqlx::query("SELECT id FROM taxii_collections WHERE id = $1 FOR UPDATE")
        .bind(collection)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?
        .ok_or_else(|| StoreError::Database(format!("no TAXII collection {collection}")))?;
    let last: Option<i64> = sqlx::query_scalar(sql::TAXII_LAST_ADDED)
        .bind(collection)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
    let mut next = to_micros(time::OffsetDateTime::now_utc()).max(last.map_or(0, |l| l + 1));
    // What is there already of these ids, read at once; then the plan; then a few statements.
    let mut existing = Vec::new();
    let mut ids: Vec<&str> = objects.iter().map(|o| o.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    for chunk in ids.chunks(32) {
        let rows = bind_all(&sql::taxii_existing_versions(
            Dialect::Postgres,
            collection,
            chunk,
        ))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        for r in rows {
            existing.push((
                r.try_get::<String, _>("id").map_err(db_error)?,
                r.try_get::<i64, _>("version").map_err(db_error)?,
            ));
        }
    }
    let plan = sql::plan_taxii_add(&existing, objects);
    for (flag, ids) in [
        ("is_latest", &plan.clear_latest),
        ("is_first", &plan.clear_first),
    ] {
        for chunk in ids.chunks(500) {
            bind_all(&sql::taxii_clear_flag(
                Dialect::Postgres,
                collection,
                flag,
                chunk,
            ))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
    }
    let mut dates = Vec::with_capacity(plan.rows.len());
    let rows: Vec<(&NewTaxiiObject, i64, bool, bool)> = plan
        .rows
        .iter()
        .map(|(i, latest, first)| {
            let at = next;
            next += 1;
            dates.push(at);
            (&objects[*i], at, *latest, *first)
        })
        .collect();
    for chunk in rows.chunks(200) {
        bind_all(&sql::taxii_insert(Dialect::Postgres, collection, chunk))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
    }
    let out: Vec<Added> = plan
        .outcomes
        .iter()
        .map(|o| match o {
            Some(row) => Added::New(dates[*row]),
            None => Added::Duplicate,
        })
        .collect();
    tx.commit().await.map_err(db_error)?;
    Ok(out)
}

/// Runs an `UPDATE` of one user and ends that user's sessions, in one transaction.
async fn update_user(
    pool: &PgPool,
    update: sqlx::query::Query<'_, Postgres, PgArguments>,
    username: &str,
) -> Result<bool, StoreError> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    let changed = update
        .execute(&mut *tx)
        .await
        .map_err(db_error)?
        .rows_affected()
        > 0;
    sqlx::query(sql::DELETE_USER_SESSIONS)
        .bind(username)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(changed)
}

/// A package of no stored case is [`StoreError::NotFound`], a package id taken already
/// [`StoreError::AlreadyExists`]; anything else a database error.
fn package_error(e: sqlx::Error, package: &CasePackageInfo) -> StoreError {
    match e.as_database_error().map(|d| d.kind()) {
        Some(sqlx::error::ErrorKind::ForeignKeyViolation) => {
            StoreError::NotFound(format!("case {}", package.case_id))
        }
        Some(sqlx::error::ErrorKind::UniqueViolation) => {
            StoreError::AlreadyExists(format!("package {}", package.id))
        }
        _ => db_error(e),
    }
}

/// sqlx's row as the store's typed columns, for the shared decoders in `scamtrace_store::decode`.
struct Columns<'a>(&'a PgRow);

impl StoreRow for Columns<'_> {
    fn text(&self, column: &str) -> Result<String, StoreError> {
        self.0.try_get(column).map_err(db_error)
    }
    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError> {
        self.0.try_get(column).map_err(db_error)
    }
    fn int(&self, column: &str) -> Result<i64, StoreError> {
        self.0.try_get(column).map_err(db_error)
    }
    fn opt_int(&self, column: &str) -> Result<Option<i64>, StoreError> {
        self.0.try_get(column).map_err(db_error)
    }
    fn real(&self, column: &str) -> Result<f64, StoreError> {
        self.0.try_get(column).map_err(db_error)
    }
    fn bytes(&self, column: &str) -> Result<Vec<u8>, StoreError> {
        self.0.try_get(column).map_err(db_error)
    }
    fn opt_bytes(&self, column: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.0.try_get(column).map_err(db_error)
    }
}

fn report_from_row(row: &PgRow) -> Result<StoredReport, StoreError> {
    decode::report(&Columns(row))
}

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn insert_report(&self, report: NewReportRow) -> Result<StoredRef, StoreError> {
        let mut rng = rand::rngs::StdRng::from_os_rng();
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let stored = insert_one(&mut tx, &mut rng, &report).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(stored)
    }

    async fn insert_reports(
        &self,
        reports: Vec<NewReportRow>,
    ) -> Result<Vec<StoredRef>, StoreError> {
        let mut rng = rand::rngs::StdRng::from_os_rng();
        let mut refs = Vec::with_capacity(reports.len());
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        for chunk in reports.chunks(sql::INSERT_CHUNK) {
            let references: Vec<String> = chunk
                .iter()
                .map(|row| Reference::generate(row.received_at.year(), &mut rng).to_string())
                .collect();
            let pairs: Vec<(&NewReportRow, &str)> = chunk
                .iter()
                .zip(references.iter().map(String::as_str))
                .collect();
            let q = sql::insert_reports(Dialect::Postgres, &pairs);
            let inserted: std::collections::HashMap<String, i64> = bind_all(&q)
                .fetch_all(&mut *tx)
                .await
                .map_err(db_error)?
                .iter()
                .filter_map(|r| {
                    Some((
                        r.try_get::<String, _>("id").ok()?,
                        r.try_get::<i64, _>("seq").ok()?,
                    ))
                })
                .collect();
            for (row, reference) in chunk.iter().zip(references) {
                match inserted.get(&row.id) {
                    Some(seq) => refs.push(StoredRef {
                        id: row.id.clone(),
                        reference,
                        seq: *seq,
                    }),
                    None => refs.push(insert_one(&mut tx, &mut rng, row).await?),
                }
            }
        }
        tx.commit().await.map_err(db_error)?;
        Ok(refs)
    }

    async fn get_report(&self, id: &str) -> Result<Option<StoredReport>, StoreError> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(report_from_row).transpose()
    }

    async fn get_report_by_reference(
        &self,
        reference: &str,
    ) -> Result<Option<StoredReport>, StoreError> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE reference = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(reference)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(report_from_row).transpose()
    }

    async fn list_reports(&self, filter: &ReportFilter) -> Result<Page<StoredReport>, StoreError> {
        let limit = page_limit(filter.limit);
        let query = sql::list_reports(Dialect::Postgres, filter, limit);
        let rows = bind_all(&query)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        let mut items = rows
            .iter()
            .map(report_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|r| Cursor(r.id.clone()))
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    async fn replace_indicators(
        &self,
        report_id: &str,
        rows: Vec<IndicatorRow>,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(&sql::unique_indicators(&rows))
            .map_err(|e| StoreError::Database(e.to_string()))?;
        sqlx::query(sql::SET_REPORT_INDICATORS)
            .bind(report_id)
            .bind(json)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn report_facts(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<ReportFacts>, StoreError> {
        let q = sql::report_facts_after(Dialect::Postgres, after_seq, limit);
        let rows = bind_all(&q).fetch_all(&self.pool).await.map_err(db_error)?;
        rows.iter().map(|r| decode::facts(&Columns(r))).collect()
    }

    async fn report_facts_at(&self, seqs: &[i64]) -> Result<Vec<ReportFacts>, StoreError> {
        let mut out = Vec::with_capacity(seqs.len());
        for chunk in seqs.chunks(sql::INSERT_CHUNK) {
            let q = sql::report_facts_at(Dialect::Postgres, chunk);
            let rows = bind_all(&q).fetch_all(&self.pool).await.map_err(db_error)?;
            for r in &rows {
                out.push(decode::facts(&Columns(r))?);
            }
        }
        Ok(out)
    }

    async fn count_reports(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(n as u64)
    }

    async fn set_value_decision(&self, d: ValueDecision) -> Result<(), StoreError> {
        sqlx::query(sql::UPSERT_VALUE_DECISION)
            .bind(&d.kind)
            .bind(&d.value)
            .bind(&d.decision)
            .bind(&d.reason)
            .bind(&d.decided_by)
            .bind(to_micros(d.decided_at))
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn delete_value_decision(&self, kind: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(sql::DELETE_VALUE_DECISION)
            .bind(kind)
            .bind(value)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn list_value_decisions(&self) -> Result<Vec<ValueDecision>, StoreError> {
        let rows = sqlx::query(sql::LIST_VALUE_DECISIONS)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| decode::value_decision(&Columns(r)))
            .collect()
    }

    async fn append_cluster_events(&self, events: Vec<ClusterEvent>) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        for e in &events {
            sqlx::query(sql::INSERT_CLUSTER_EVENT)
                .bind(&e.kind)
                .bind(e.cluster)
                .bind(&e.other)
                .bind(e.by_report)
                .bind(to_micros(e.at))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn insert_observations(
        &self,
        observations: Vec<PartnerObservation>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let mut inserted = 0;
        for o in &observations {
            inserted += scamtrace_store::bind_observation!(sqlx::query(sql::INSERT_OBSERVATION), o)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?
                .rows_affected();
        }
        tx.commit().await.map_err(db_error)?;
        Ok(inserted)
    }

    async fn observations_after(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<PartnerObservation>, StoreError> {
        observation_rows(
            &self.pool,
            sqlx::query(sql::OBSERVATIONS_AFTER)
                .bind(after_seq)
                .bind(i64::from(limit)),
        )
        .await
    }

    async fn observations_of_campaign(
        &self,
        partner_identity: &str,
        campaign: &str,
    ) -> Result<Vec<PartnerObservation>, StoreError> {
        observation_rows(
            &self.pool,
            sqlx::query(sql::OBSERVATIONS_OF_CAMPAIGN)
                .bind(partner_identity)
                .bind(campaign),
        )
        .await
    }

    async fn observation_campaigns(
        &self,
        stix_ids: &[String],
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut out = Vec::new();
        for chunk in stix_ids.chunks(500) {
            let rows = bind_all(&sql::observation_campaigns(Dialect::Postgres, chunk))
                .fetch_all(&self.pool)
                .await
                .map_err(db_error)?;
            for r in rows {
                out.push((
                    r.try_get("stix_id").map_err(db_error)?,
                    r.try_get("campaign").map_err(db_error)?,
                ));
            }
        }
        Ok(out)
    }

    async fn observations_of(
        &self,
        kind: &str,
        value: &str,
    ) -> Result<Vec<PartnerObservation>, StoreError> {
        observation_rows(
            &self.pool,
            sqlx::query(sql::OBSERVATIONS_OF).bind(kind).bind(value),
        )
        .await
    }

    async fn cluster_events(
        &self,
        cluster: i64,
        limit: u32,
    ) -> Result<Vec<ClusterEvent>, StoreError> {
        let rows = sqlx::query(sql::LIST_CLUSTER_EVENTS)
            .bind(cluster)
            .bind(cluster.to_string())
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| decode::cluster_event(&Columns(r)))
            .collect()
    }

    async fn taxii_collections(&self) -> Result<Vec<TaxiiCollection>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {} FROM taxii_collections ORDER BY created_at, id",
            sql::TAXII_COLLECTION_COLUMNS
        )))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|r| decode::taxii_collection(&Columns(r)))
            .collect()
    }

    async fn upsert_taxii_collection(&self, c: TaxiiCollection) -> Result<(), StoreError> {
        sqlx::query(sql::UPSERT_TAXII_COLLECTION)
            .bind(&c.id)
            .bind(&c.title)
            .bind(&c.description)
            .bind(&c.tlp)
            .bind(&c.audience)
            .bind(i64::from(c.partner_read))
            .bind(i64::from(c.partner_write))
            .bind(&c.publishes)
            .bind(to_micros(time::OffsetDateTime::now_utc()))
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn add_taxii_objects(
        &self,
        collection: &str,
        objects: Vec<NewTaxiiObject>,
    ) -> Result<Vec<Added>, StoreError> {
        if objects.is_empty() {
            return Ok(Vec::new());
        }
        add_taxii_objects(&self.pool, collection, &objects).await
    }

    async fn taxii_objects(&self, query: &TaxiiQuery) -> Result<Vec<TaxiiObject>, StoreError> {
        let q = sql::taxii_objects(Dialect::Postgres, query);
        let rows = bind_all(&q).fetch_all(&self.pool).await.map_err(db_error)?;
        rows.iter()
            .map(|r| decode::taxii_object(&Columns(r)))
            .collect()
    }

    async fn taxii_page(&self, query: &TaxiiQuery) -> Result<TaxiiPage, StoreError> {
        let row = bind_all(&sql::taxii_page(Dialect::Postgres, query))
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        let fetched: i64 = row.try_get("fetched").map_err(db_error)?;
        let count = fetched.min(i64::from(query.limit));
        Ok(TaxiiPage {
            joined: row
                .try_get::<Option<String>, _>("bodies")
                .map_err(db_error)?
                .unwrap_or_default(),
            count: count as u32,
            first_added: row.try_get("first_added").map_err(db_error)?,
            last_added: row.try_get("last_added").map_err(db_error)?,
            more: fetched > i64::from(query.limit),
        })
    }

    async fn delete_taxii_object(
        &self,
        collection: &str,
        id: &str,
        versions: &VersionFilter,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let deleted = bind_all(&sql::taxii_delete(
            Dialect::Postgres,
            collection,
            id,
            versions,
        ))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?
        .rows_affected();
        for mark in [sql::TAXII_MARK_LATEST, sql::TAXII_MARK_FIRST] {
            sqlx::query(mark)
                .bind(collection)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(deleted)
    }

    async fn insert_taxii_status(&self, st: TaxiiStatus) -> Result<(), StoreError> {
        sqlx::query(sql::INSERT_TAXII_STATUS)
            .bind(&st.id)
            .bind(&st.collection)
            .bind(&st.requested_by)
            .bind(st.request_timestamp)
            .bind(st.total_count as i64)
            .bind(json_text(&st.successes)?)
            .bind(json_text(&st.failures)?)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn taxii_status(&self, id: &str) -> Result<Option<TaxiiStatus>, StoreError> {
        let row = sqlx::query(sql::FIND_TAXII_STATUS)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref()
            .map(|r| decode::taxii_status(&Columns(r)))
            .transpose()
    }

    async fn upsert_partner(&self, p: PartnerRecord) -> Result<(), StoreError> {
        sqlx::query(sql::UPSERT_PARTNER)
            .bind(&p.name)
            .bind(partner_name_key(&p.name))
            .bind(&p.taxii_url)
            .bind(&p.collection)
            .bind(&p.push_collection)
            .bind(&p.credentials_sealed)
            .bind(to_micros(p.created_at))
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn partners(&self) -> Result<Vec<PartnerRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {} FROM partners ORDER BY name_key",
            sql::PARTNER_COLUMNS
        )))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(|r| decode::partner(&Columns(r))).collect()
    }

    async fn set_partner_state(&self, name: &str, st: PartnerState) -> Result<bool, StoreError> {
        let changed = sqlx::query(sql::SET_PARTNER_STATE)
            .bind(&st.pulled_through)
            .bind(st.pushed_through)
            .bind(to_micros(st.last_sync_at))
            .bind(&st.last_error)
            .bind(partner_name_key(name))
            .execute(&self.pool)
            .await
            .map_err(db_error)?
            .rows_affected();
        Ok(changed > 0)
    }

    async fn insert_token(&self, t: TokenRecord) -> Result<(), StoreError> {
        sqlx::query(sql::INSERT_TOKEN)
            .bind(&t.id)
            .bind(&t.hash)
            .bind(&t.role)
            .bind(&t.label)
            .bind(&t.organization)
            .bind(to_micros(t.created_at))
            .bind(t.collections.as_ref().map(json_text).transpose()?)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn find_token(&self, hash: &[u8]) -> Result<Option<TokenRecord>, StoreError> {
        let row = sqlx::query(sql::FIND_TOKEN)
            .bind(hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(|r| decode::token(&Columns(r))).transpose()
    }

    async fn insert_user(&self, u: UserRecord) -> Result<(), StoreError> {
        let username = username_key(&u.username);
        sqlx::query(sql::INSERT_USER)
            .bind(&u.id)
            .bind(&username)
            .bind(&u.password_hash)
            .bind(&u.role)
            .bind(&u.organization)
            .bind(to_micros(u.created_at))
            .bind(u.disabled_at.map(to_micros))
            .execute(&self.pool)
            .await
            .map_err(|e| match e.as_database_error() {
                Some(d) if d.is_unique_violation() => {
                    StoreError::AlreadyExists(format!("user {username:?}"))
                }
                _ => db_error(e),
            })?;
        Ok(())
    }

    async fn find_user_by_username(
        &self,
        username: &str,
    ) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(sql::FIND_USER_BY_USERNAME)
            .bind(username_key(username))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(|r| decode::user(&Columns(r))).transpose()
    }

    async fn find_user(&self, id: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(sql::FIND_USER)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(|r| decode::user(&Columns(r))).transpose()
    }

    async fn set_user_password(
        &self,
        username: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        let username = username_key(username);
        let update = sqlx::query(sql::SET_USER_PASSWORD)
            .bind(password_hash)
            .bind(&username);
        update_user(&self.pool, update, &username).await
    }

    async fn set_user_disabled(
        &self,
        username: &str,
        disabled_at: Option<time::OffsetDateTime>,
    ) -> Result<bool, StoreError> {
        let username = username_key(username);
        let update = sqlx::query(sql::SET_USER_DISABLED)
            .bind(disabled_at.map(to_micros))
            .bind(&username);
        update_user(&self.pool, update, &username).await
    }

    async fn insert_session(&self, s: SessionRecord) -> Result<(), StoreError> {
        sqlx::query(sql::INSERT_SESSION)
            .bind(&s.hash)
            .bind(&s.user_id)
            .bind(&s.role)
            .bind(to_micros(s.created_at))
            .bind(to_micros(s.expires_at))
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn find_session(
        &self,
        hash: &[u8],
        now: time::OffsetDateTime,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(sql::FIND_SESSION)
            .bind(hash)
            .bind(to_micros(now))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref()
            .map(|r| decode::session(&Columns(r)))
            .transpose()
    }

    async fn delete_session(&self, hash: &[u8]) -> Result<(), StoreError> {
        sqlx::query(sql::DELETE_SESSION)
            .bind(hash)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn set_verdict_decision(
        &self,
        d: VerdictDecision,
        e: AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        sqlx::query(sql::UPSERT_VERDICT_DECISION)
            .bind(&d.kind)
            .bind(&d.value)
            .bind(&d.decision)
            .bind(&d.reason)
            .bind(&d.decided_by)
            .bind(to_micros(d.decided_at))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        insert_audit(&mut *tx, &e).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn list_verdict_decisions(&self) -> Result<Vec<VerdictDecision>, StoreError> {
        let rows = sqlx::query(sql::LIST_VERDICT_DECISIONS)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| decode::verdict_decision(&Columns(r)))
            .collect()
    }

    async fn record_watch_hits(&self, hits: Vec<WatchHit>) -> Result<u64, StoreError> {
        let n = hits.len() as u64;
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        for h in &hits {
            sqlx::query(sql::UPSERT_WATCH_HIT)
                .bind(&h.domain)
                .bind(i64::from(h.score))
                .bind(&h.brand)
                .bind(&h.family)
                .bind(&h.reasons)
                .bind(to_micros(h.first_seen))
                .bind(to_micros(h.last_seen))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(n)
    }

    async fn watch_hits(&self) -> Result<Vec<WatchHit>, StoreError> {
        let rows = sqlx::query(sql::LIST_WATCH_HITS)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| decode::watch_hit(&Columns(r)))
            .collect()
    }

    async fn append_audit(&self, e: AuditEvent) -> Result<(), StoreError> {
        insert_audit(&self.pool, &e).await
    }

    async fn list_audit(&self, limit: u32) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT at, actor, action, subject, reason FROM audit_log ORDER BY seq DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.iter().map(|r| decode::audit(&Columns(r))).collect()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let rows = sqlx::query(sql::LIST_USERS)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(|r| decode::user(&Columns(r))).collect()
    }

    async fn create_case(
        &self,
        case: CaseRecord,
        event: CaseEventRecord,
        audit: AuditEvent,
    ) -> Result<(), StoreError> {
        sql::check_case_write(&case, &event, true)?;
        let agencies = sql::agencies_json(&case.agencies)?;
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        scamtrace_store::bind_case!(sqlx::query(sql::INSERT_CASE), case, &agencies)
            .execute(&mut *tx)
            .await
            .map_err(|e| match e.as_database_error() {
                Some(d) if d.is_unique_violation() => StoreError::AlreadyExists(format!(
                    "case {} or reference {}",
                    case.id, case.reference
                )),
                _ => db_error(e),
            })?;
        scamtrace_store::bind_case_event!(sqlx::query(sql::INSERT_CASE_EVENT), event)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        insert_audit(&mut *tx, &audit).await?;
        tx.commit().await.map_err(db_error)
    }

    /// The `UPDATE`'s row lock makes a second writer of the same version wait, then find the
    /// version moved on: it updates nothing and gets `Conflict`.
    async fn update_case(
        &self,
        case: CaseRecord,
        event: CaseEventRecord,
        audit: AuditEvent,
    ) -> Result<(), StoreError> {
        sql::check_case_write(&case, &event, false)?;
        let agencies = sql::agencies_json(&case.agencies)?;
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let changed =
            scamtrace_store::bind_case_update!(sqlx::query(sql::UPDATE_CASE), case, &agencies)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?
                .rows_affected();
        if changed == 0 {
            let exists = sqlx::query(sql::CASE_EXISTS)
                .bind(&case.id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?
                .is_some();
            return Err(if exists {
                StoreError::Conflict(format!("case {}", case.id))
            } else {
                StoreError::NotFound(format!("case {}", case.id))
            });
        }
        scamtrace_store::bind_case_event!(sqlx::query(sql::INSERT_CASE_EVENT), event)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        insert_audit(&mut *tx, &audit).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn get_case(&self, id: &str) -> Result<Option<CaseRecord>, StoreError> {
        let row = sqlx::query(sql::GET_CASE)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref().map(|r| decode::case(&Columns(r))).transpose()
    }

    async fn list_cases(&self) -> Result<Vec<CaseRecord>, StoreError> {
        let rows = sqlx::query(sql::LIST_CASES)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter().map(|r| decode::case(&Columns(r))).collect()
    }

    async fn case_events(&self, case_id: &str) -> Result<Vec<CaseEventRecord>, StoreError> {
        let rows = sqlx::query(sql::LIST_CASE_EVENTS)
            .bind(case_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| decode::case_event(&Columns(r)))
            .collect()
    }

    async fn insert_case_package(
        &self,
        package: CasePackage,
        audit: AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        scamtrace_store::bind_case_package!(sqlx::query(sql::INSERT_CASE_PACKAGE), package)
            .execute(&mut *tx)
            .await
            .map_err(|e| package_error(e, &package.info))?;
        insert_audit(&mut *tx, &audit).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn case_packages(&self, case_id: &str) -> Result<Vec<CasePackageInfo>, StoreError> {
        let rows = sqlx::query(sql::LIST_CASE_PACKAGES)
            .bind(case_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| decode::case_package_info(&Columns(r)))
            .collect()
    }

    async fn case_package(&self, id: &str) -> Result<Option<CasePackage>, StoreError> {
        let row = sqlx::query(sql::GET_CASE_PACKAGE)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
        row.as_ref()
            .map(|r| decode::case_package(&Columns(r)))
            .transpose()
    }
}
