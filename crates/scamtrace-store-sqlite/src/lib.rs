//! ScamTrace's embedded storage: one SQLite file in WAL mode, with group commit.
//!
//! Every write goes through one writer task that owns the only writing connection. It drains
//! whatever writes are waiting, applies them in one transaction (each inside its own savepoint, so
//! one failure does not sink its neighbours), commits with `synchronous = FULL`, and only then
//! answers each caller. Many concurrent reports thus cost one fsync, and an acknowledged report
//! survives a crash or `kill -9`. Reads use a small pool of their own connections, which WAL lets
//! run beside the writer.
//!
//! ```no_run
//! # async fn demo() -> Result<(), scamtrace_store::StoreError> {
//! use scamtrace_store::Store;
//! let store = scamtrace_store_sqlite::SqliteStore::open("scamtrace.db").await?;
//! println!("{} reports", store.count_reports().await?);
//! # Ok(()) }
//! ```

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use rand::SeedableRng;
use scamtrace_model::Reference;
use scamtrace_store::decode::{self, StoreRow};
use scamtrace_store::sql::{self, Bind, Dialect, Query, REPORT_COLUMNS};
use scamtrace_store::*;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool,
    SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Row, Sqlite};
use tokio::sync::{mpsc, oneshot};

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

/// Writes waiting beyond this many are taken in the next transaction.
const MAX_BATCH: usize = 512;

pub struct SqliteStore {
    reads: SqlitePool,
    writes: mpsc::Sender<Job>,
}

fn db_error(e: sqlx::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

enum Op {
    Reports(Vec<NewReportRow>),
    ReplaceIndicators(String, Vec<IndicatorRow>),
    Token(TokenRecord),
    Session(SessionRecord),
    DeleteSession(Vec<u8>),
    Audit(AuditEvent),
    SetDecision(ValueDecision),
    ClusterEvents(Vec<ClusterEvent>),
    Observations(Vec<PartnerObservation>),
    DeleteDecision(String, String),
    User(UserRecord),
    /// Username, new password hash.
    UserPassword(String, String),
    /// Username, disabled as of (microseconds) or enabled.
    UserDisabled(String, Option<i64>),
    TaxiiCollection(TaxiiCollection),
    TaxiiAdd(String, Vec<NewTaxiiObject>),
    /// Collection, object id, which versions.
    TaxiiDelete(String, String, VersionFilter),
    TaxiiStatus(TaxiiStatus),
    Partner(PartnerRecord),
    PartnerState(String, PartnerState),
    VerdictDecision(VerdictDecision, AuditEvent),
    WatchHits(Vec<WatchHit>),
    CreateCase(Box<(CaseRecord, CaseEventRecord, AuditEvent)>),
    UpdateCase(Box<(CaseRecord, CaseEventRecord, AuditEvent)>),
    CasePackage(Box<(CasePackage, AuditEvent)>),
}

enum Done {
    Refs(Vec<StoredRef>),
    Unit,
    /// Whether an update found its row.
    Changed(bool),
    /// How many rows went in.
    Count(u64),
    Added(Vec<Added>),
}

struct Job {
    op: Op,
    reply: oneshot::Sender<Result<Done, StoreError>>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `location`: a path, `sqlite://PATH` or
    /// `sqlite::memory:`-style URL. Applies pending migrations.
    pub async fn open(location: &str) -> Result<SqliteStore, StoreError> {
        let url = if location.starts_with("sqlite:") {
            location.to_string()
        } else {
            format!("sqlite://{location}")
        };
        let options = SqliteConnectOptions::from_str(&url)
            .map_err(|e| StoreError::Database(format!("bad SQLite location: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            .pragma("temp_store", "memory");
        let mut writer = options.connect().await.map_err(db_error)?;
        migrate(&mut writer).await?;
        let reads = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await
            .map_err(db_error)?;
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(write_loop(writer, rx));
        Ok(SqliteStore { reads, writes: tx })
    }

    /// The database file a location names, for messages and backups.
    pub fn path_of(location: &str) -> &Path {
        Path::new(
            location
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:"),
        )
    }

    async fn write(&self, op: Op) -> Result<Done, StoreError> {
        let (reply, answer) = oneshot::channel();
        let gone = || StoreError::Database("the SQLite writer has stopped".into());
        self.writes
            .send(Job { op, reply })
            .await
            .map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

async fn migrate(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    )
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    let current: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
            .fetch_one(&mut *conn)
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
        let mut tx = conn.begin().await.map_err(db_error)?;
        sqlx::raw_sql(*migration)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
        )
        .bind(version)
        .bind(*name)
        .bind(to_micros(time::OffsetDateTime::now_utc()))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        tracing::info!(version, name, "applied SQLite migration");
    }
    Ok(())
}

/// Runs a query of partner observations and decodes its rows.
async fn observation_rows(
    pool: &SqlitePool,
    query: sqlx::query::Query<'_, Sqlite, SqliteArguments>,
) -> Result<Vec<PartnerObservation>, StoreError> {
    let rows = query.fetch_all(pool).await.map_err(db_error)?;
    rows.iter()
        .map(|r| decode::observation(&Columns(r)))
        .collect()
}

fn bind_all(query: &Query) -> sqlx::query::Query<'_, Sqlite, SqliteArguments> {
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

async fn write_loop(mut conn: SqliteConnection, mut rx: mpsc::Receiver<Job>) {
    let mut rng = rand::rngs::StdRng::from_os_rng();
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let results = apply_batch(&mut conn, &mut rng, &batch).await;
        for (job, result) in batch.drain(..).zip(results) {
            // The caller may have gone away (client disconnected); the write stands regardless.
            let _ = job.reply.send(result);
        }
    }
}

/// Writes one audit event on the writer's connection (alone, or in the same transaction as the
/// change it records).
async fn insert_audit(conn: &mut SqliteConnection, e: &AuditEvent) -> Result<(), StoreError> {
    sqlx::query(sql::INSERT_AUDIT)
        .bind(to_micros(e.at))
        .bind(&e.actor)
        .bind(&e.action)
        .bind(&e.subject)
        .bind(&e.reason)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// One transaction for the whole batch. All the batch's reports go in through multi-row
/// `INSERT`s (few round trips to SQLite's thread); should that fail, each job is retried alone
/// under its own savepoint so one bad write does not sink its neighbours. Every other write is a
/// single statement, which SQLite rolls back by itself when it fails. If the commit fails, every
/// job fails, since none of them is durable.
async fn apply_batch(
    conn: &mut SqliteConnection,
    rng: &mut rand::rngs::StdRng,
    batch: &[Job],
) -> Vec<Result<Done, StoreError>> {
    let fail_all = |message: String| {
        batch
            .iter()
            .map(|_| Err(StoreError::Database(message.clone())))
            .collect()
    };
    if let Err(e) = sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut *conn).await {
        return fail_all(e.to_string());
    }
    let mut results: Vec<Option<Result<Done, StoreError>>> = batch.iter().map(|_| None).collect();

    let report_jobs: Vec<(usize, &Vec<NewReportRow>)> = batch
        .iter()
        .enumerate()
        .filter_map(|(i, job)| match &job.op {
            Op::Reports(rows) => Some((i, rows)),
            _ => None,
        })
        .collect();
    if !report_jobs.is_empty() {
        let rows: Vec<&NewReportRow> = report_jobs
            .iter()
            .flat_map(|(_, rows)| rows.iter())
            .collect();
        let _ = sqlx::raw_sql("SAVEPOINT bulk").execute(&mut *conn).await;
        match insert_many(conn, rng, &rows).await {
            Ok(mut refs) => {
                let _ = sqlx::raw_sql("RELEASE bulk").execute(&mut *conn).await;
                let mut rest = refs.split_off(0).into_iter();
                for (i, rows) in &report_jobs {
                    results[*i] = Some(Ok(Done::Refs(rest.by_ref().take(rows.len()).collect())));
                }
            }
            Err(_) => {
                let _ = sqlx::raw_sql("ROLLBACK TO bulk; RELEASE bulk")
                    .execute(&mut *conn)
                    .await;
                for (i, rows) in &report_jobs {
                    let rows: Vec<&NewReportRow> = rows.iter().collect();
                    let _ = sqlx::raw_sql("SAVEPOINT job").execute(&mut *conn).await;
                    let result = insert_many(conn, rng, &rows).await;
                    let end = if result.is_ok() {
                        "RELEASE job"
                    } else {
                        "ROLLBACK TO job; RELEASE job"
                    };
                    let _ = sqlx::raw_sql(end).execute(&mut *conn).await;
                    results[*i] = Some(result.map(Done::Refs));
                }
            }
        }
    }
    for (i, job) in batch.iter().enumerate() {
        if results[i].is_none() {
            results[i] = Some(apply(conn, &job.op).await);
        }
    }
    if let Err(e) = sqlx::raw_sql("COMMIT").execute(&mut *conn).await {
        let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
        tracing::error!(error = %e, "SQLite commit failed");
        return fail_all(e.to_string());
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(StoreError::Database("write not applied".into()))))
        .collect()
}

/// A write that is not a report: one statement each.
async fn apply(conn: &mut SqliteConnection, op: &Op) -> Result<Done, StoreError> {
    match op {
        Op::Reports(_) => Err(StoreError::Database("reports are inserted in bulk".into())),
        Op::ReplaceIndicators(report_id, rows) => {
            sqlx::raw_sql("SAVEPOINT replace")
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            let result = async {
                let json = serde_json::to_string(&sql::unique_indicators(rows))
                    .map_err(|e| StoreError::Database(e.to_string()))?;
                sqlx::query(sql::SET_REPORT_INDICATORS)
                    .bind(report_id)
                    .bind(json)
                    .execute(&mut *conn)
                    .await
                    .map_err(db_error)?;
                Ok::<(), StoreError>(())
            }
            .await;
            let end = if result.is_ok() {
                "RELEASE replace"
            } else {
                "ROLLBACK TO replace; RELEASE replace"
            };
            let _ = sqlx::raw_sql(end).execute(&mut *conn).await;
            result.map(|_| Done::Unit)
        }
        Op::User(u) => {
            sqlx::query(sql::INSERT_USER)
                .bind(&u.id)
                .bind(&u.username)
                .bind(&u.password_hash)
                .bind(&u.role)
                .bind(&u.organization)
                .bind(to_micros(u.created_at))
                .bind(u.disabled_at.map(to_micros))
                .execute(&mut *conn)
                .await
                .map_err(|e| user_error(e, &u.username))?;
            Ok(Done::Unit)
        }
        Op::UserPassword(username, hash) => {
            let update = sqlx::query(sql::SET_USER_PASSWORD)
                .bind(hash)
                .bind(username);
            update_user(conn, update, username).await
        }
        Op::UserDisabled(username, at) => {
            let update = sqlx::query(sql::SET_USER_DISABLED).bind(*at).bind(username);
            update_user(conn, update, username).await
        }
        Op::Token(t) => {
            sqlx::query(sql::INSERT_TOKEN)
                .bind(&t.id)
                .bind(&t.hash)
                .bind(&t.role)
                .bind(&t.label)
                .bind(&t.organization)
                .bind(to_micros(t.created_at))
                .bind(t.collections.as_ref().map(json_text).transpose()?)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            Ok(Done::Unit)
        }
        Op::Session(s) => {
            sqlx::query(sql::INSERT_SESSION)
                .bind(&s.hash)
                .bind(&s.user_id)
                .bind(&s.role)
                .bind(to_micros(s.created_at))
                .bind(to_micros(s.expires_at))
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            Ok(Done::Unit)
        }
        Op::DeleteSession(hash) => {
            sqlx::query(sql::DELETE_SESSION)
                .bind(hash)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            Ok(Done::Unit)
        }
        Op::SetDecision(d) => {
            sqlx::query(sql::UPSERT_VALUE_DECISION)
                .bind(&d.kind)
                .bind(&d.value)
                .bind(&d.decision)
                .bind(&d.reason)
                .bind(&d.decided_by)
                .bind(to_micros(d.decided_at))
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            Ok(Done::Unit)
        }
        Op::ClusterEvents(events) => {
            for e in events {
                sqlx::query(sql::INSERT_CLUSTER_EVENT)
                    .bind(&e.kind)
                    .bind(e.cluster)
                    .bind(&e.other)
                    .bind(e.by_report)
                    .bind(to_micros(e.at))
                    .execute(&mut *conn)
                    .await
                    .map_err(db_error)?;
            }
            Ok(Done::Unit)
        }
        Op::Observations(observations) => {
            let mut inserted = 0;
            for o in observations.iter() {
                inserted +=
                    scamtrace_store::bind_observation!(sqlx::query(sql::INSERT_OBSERVATION), o)
                        .execute(&mut *conn)
                        .await
                        .map_err(db_error)?
                        .rows_affected();
            }
            Ok(Done::Count(inserted))
        }
        Op::TaxiiCollection(c) => {
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
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            Ok(Done::Unit)
        }
        Op::TaxiiAdd(collection, objects) => {
            in_savepoint(conn, async |conn| {
                add_taxii_objects(conn, collection, objects)
                    .await
                    .map(Done::Added)
            })
            .await
        }
        Op::TaxiiDelete(collection, id, versions) => {
            in_savepoint(conn, async |conn| {
                let deleted = bind_all(&sql::taxii_delete(
                    Dialect::Sqlite,
                    collection,
                    id,
                    versions,
                ))
                .execute(&mut *conn)
                .await
                .map_err(db_error)?
                .rows_affected();
                for mark in [sql::TAXII_MARK_LATEST, sql::TAXII_MARK_FIRST] {
                    sqlx::query(mark)
                        .bind(collection)
                        .bind(id)
                        .execute(&mut *conn)
                        .await
                        .map_err(db_error)?;
                }
                Ok(Done::Count(deleted))
            })
            .await
        }
        Op::TaxiiStatus(st) => {
            sqlx::query(sql::INSERT_TAXII_STATUS)
                .bind(&st.id)
                .bind(&st.collection)
                .bind(&st.requested_by)
                .bind(st.request_timestamp)
                .bind(st.total_count as i64)
                .bind(json_text(&st.successes)?)
                .bind(json_text(&st.failures)?)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            Ok(Done::Unit)
        }
        Op::Partner(p) => {
            sqlx::query(sql::UPSERT_PARTNER)
                .bind(&p.name)
                .bind(partner_name_key(&p.name))
                .bind(&p.taxii_url)
                .bind(&p.collection)
                .bind(&p.push_collection)
                .bind(&p.credentials_sealed)
                .bind(to_micros(p.created_at))
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            Ok(Done::Unit)
        }
        Op::PartnerState(name, st) => {
            let changed = sqlx::query(sql::SET_PARTNER_STATE)
                .bind(&st.pulled_through)
                .bind(st.pushed_through)
                .bind(to_micros(st.last_sync_at))
                .bind(&st.last_error)
                .bind(partner_name_key(name))
                .execute(&mut *conn)
                .await
                .map_err(db_error)?
                .rows_affected();
            Ok(Done::Changed(changed > 0))
        }
        Op::DeleteDecision(kind, value) => {
            sqlx::query(sql::DELETE_VALUE_DECISION)
                .bind(kind)
                .bind(value)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
            Ok(Done::Unit)
        }
        // The decision and its audit event stand or fall together.
        Op::VerdictDecision(d, e) => {
            in_savepoint(conn, async |conn| {
                sqlx::query(sql::UPSERT_VERDICT_DECISION)
                    .bind(&d.kind)
                    .bind(&d.value)
                    .bind(&d.decision)
                    .bind(&d.reason)
                    .bind(&d.decided_by)
                    .bind(to_micros(d.decided_at))
                    .execute(&mut *conn)
                    .await
                    .map_err(db_error)?;
                insert_audit(conn, e).await?;
                Ok(Done::Unit)
            })
            .await
        }
        Op::WatchHits(hits) => {
            let n = hits.len() as u64;
            for h in hits {
                sqlx::query(sql::UPSERT_WATCH_HIT)
                    .bind(&h.domain)
                    .bind(i64::from(h.score))
                    .bind(&h.brand)
                    .bind(&h.family)
                    .bind(&h.reasons)
                    .bind(to_micros(h.first_seen))
                    .bind(to_micros(h.last_seen))
                    .execute(&mut *conn)
                    .await
                    .map_err(db_error)?;
            }
            Ok(Done::Count(n))
        }
        Op::Audit(e) => {
            insert_audit(conn, e).await?;
            Ok(Done::Unit)
        }
        Op::CreateCase(write) => {
            let (case, event, audit) = &**write;
            in_savepoint(conn, async |conn| {
                create_case(conn, case, event, audit)
                    .await
                    .map(|_| Done::Unit)
            })
            .await
        }
        Op::UpdateCase(write) => {
            let (case, event, audit) = &**write;
            in_savepoint(conn, async |conn| {
                update_case(conn, case, event, audit)
                    .await
                    .map(|_| Done::Unit)
            })
            .await
        }
        Op::CasePackage(write) => {
            let (package, audit) = &**write;
            in_savepoint(conn, async |conn| {
                scamtrace_store::bind_case_package!(sqlx::query(sql::INSERT_CASE_PACKAGE), package)
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| package_error(e, &package.info))?;
                insert_audit(conn, audit).await?;
                Ok(Done::Unit)
            })
            .await
        }
    }
}

/// Inserts a new case, its first event and its audit event (inside the caller's savepoint).
async fn create_case(
    conn: &mut SqliteConnection,
    case: &CaseRecord,
    event: &CaseEventRecord,
    audit: &AuditEvent,
) -> Result<(), StoreError> {
    sql::check_case_write(case, event, true)?;
    scamtrace_store::bind_case!(
        sqlx::query(sql::INSERT_CASE),
        case,
        sql::agencies_json(&case.agencies)?
    )
    .execute(&mut *conn)
    .await
    .map_err(|e| match e.as_database_error() {
        Some(d) if d.is_unique_violation() => {
            StoreError::AlreadyExists(format!("case {} or reference {}", case.id, case.reference))
        }
        _ => db_error(e),
    })?;
    scamtrace_store::bind_case_event!(sqlx::query(sql::INSERT_CASE_EVENT), event)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    insert_audit(conn, audit).await
}

/// Changes a case over the version it was read at, then appends its event and audit event
/// (inside the caller's savepoint). The single writer makes the check and the change one step.
async fn update_case(
    conn: &mut SqliteConnection,
    case: &CaseRecord,
    event: &CaseEventRecord,
    audit: &AuditEvent,
) -> Result<(), StoreError> {
    sql::check_case_write(case, event, false)?;
    let changed = scamtrace_store::bind_case_update!(
        sqlx::query(sql::UPDATE_CASE),
        case,
        sql::agencies_json(&case.agencies)?
    )
    .execute(&mut *conn)
    .await
    .map_err(db_error)?
    .rows_affected();
    if changed == 0 {
        let exists = sqlx::query(sql::CASE_EXISTS)
            .bind(&case.id)
            .fetch_optional(&mut *conn)
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
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    insert_audit(conn, audit).await
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

fn json_text(value: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Database(e.to_string()))
}

/// Runs several statements as one: all of them stand, or none (the batch's other writes go on).
async fn in_savepoint<T>(
    conn: &mut SqliteConnection,
    work: impl AsyncFnOnce(&mut SqliteConnection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    sqlx::raw_sql("SAVEPOINT several")
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    let result = work(&mut *conn).await;
    let end = if result.is_ok() {
        "RELEASE several"
    } else {
        "ROLLBACK TO several; RELEASE several"
    };
    sqlx::raw_sql(end)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    result
}

/// Adds objects to a collection (see [`Store::add_taxii_objects`]); inside the batch's
/// transaction, which the single writer makes the only one, so `date_added` only grows.
async fn add_taxii_objects(
    conn: &mut SqliteConnection,
    collection: &str,
    objects: &[NewTaxiiObject],
) -> Result<Vec<Added>, StoreError> {
    let last: Option<i64> = sqlx::query_scalar(sql::TAXII_LAST_ADDED)
        .bind(collection)
        .fetch_one(&mut *conn)
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
            Dialect::Sqlite,
            collection,
            chunk,
        ))
        .fetch_all(&mut *conn)
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
                Dialect::Sqlite,
                collection,
                flag,
                chunk,
            ))
            .execute(&mut *conn)
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
    // Small statements: binding looks each parameter up by name in time that grows with their
    // number (sqlite3_bind_parameter_name took 30% of the writer at 2,400 parameters).
    for chunk in rows.chunks(10) {
        bind_all(&sql::taxii_insert(Dialect::Sqlite, collection, chunk))
            .execute(&mut *conn)
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
    Ok(out)
}

/// A taken username is [`StoreError::AlreadyExists`]; anything else a database error.
fn user_error(e: sqlx::Error, username: &str) -> StoreError {
    match e.as_database_error() {
        Some(d) if d.is_unique_violation() => {
            StoreError::AlreadyExists(format!("user {username:?}"))
        }
        _ => db_error(e),
    }
}

/// Runs an `UPDATE` of one user and ends that user's sessions, both or neither.
async fn update_user(
    conn: &mut SqliteConnection,
    update: sqlx::query::Query<'_, Sqlite, SqliteArguments>,
    username: &str,
) -> Result<Done, StoreError> {
    sqlx::raw_sql("SAVEPOINT user_update")
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    let result = async {
        let changed = update
            .execute(&mut *conn)
            .await
            .map_err(db_error)?
            .rows_affected()
            > 0;
        sqlx::query(sql::DELETE_USER_SESSIONS)
            .bind(username)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        Ok::<bool, StoreError>(changed)
    }
    .await;
    let end = if result.is_ok() {
        "RELEASE user_update"
    } else {
        "ROLLBACK TO user_update; RELEASE user_update"
    };
    let _ = sqlx::raw_sql(end).execute(&mut *conn).await;
    result.map(Done::Changed)
}

/// Inserts reports under fresh random references, in chunks of multi-row `INSERT`s, and adds
/// their narratives to the free-text index; the rare row whose reference clashed is inserted again
/// alone under a new one. Answers in input order.
async fn insert_many(
    conn: &mut SqliteConnection,
    rng: &mut rand::rngs::StdRng,
    rows: &[&NewReportRow],
) -> Result<Vec<StoredRef>, StoreError> {
    let mut refs = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(sql::INSERT_CHUNK) {
        let references: Vec<String> = chunk
            .iter()
            .map(|row| Reference::generate(row.received_at.year(), rng).to_string())
            .collect();
        let pairs: Vec<(&NewReportRow, &str)> = chunk
            .iter()
            .copied()
            .zip(references.iter().map(String::as_str))
            .collect();
        let q = sql::insert_reports(Dialect::Sqlite, &pairs);
        let inserted: std::collections::HashMap<String, i64> = bind_all(&q)
            .fetch_all(&mut *conn)
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
        let mut indexed = Vec::with_capacity(chunk.len());
        for (row, reference) in chunk.iter().zip(references) {
            match inserted.get(&row.id) {
                Some(seq) => {
                    indexed.push((*seq, *row));
                    refs.push(StoredRef {
                        id: row.id.clone(),
                        reference,
                        seq: *seq,
                    });
                }
                None => refs.push(insert_one(conn, rng, row).await?),
            }
        }
        index_narratives(conn, &indexed).await?;
    }
    Ok(refs)
}

/// Inserts a report under a fresh random reference, drawing again on the rare clash.
async fn insert_one(
    conn: &mut SqliteConnection,
    rng: &mut rand::rngs::StdRng,
    row: &NewReportRow,
) -> Result<StoredRef, StoreError> {
    for _ in 0..16 {
        let reference = Reference::generate(row.received_at.year(), rng).to_string();
        let q = sql::insert_report(Dialect::Sqlite, row, &reference);
        let done = bind_all(&q).fetch_all(&mut *conn).await.map_err(db_error)?;
        if let Some(seq) = done.first().and_then(|r| r.try_get::<i64, _>("seq").ok()) {
            index_narratives(conn, &[(seq, row)]).await?;
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

/// Adds narratives to the free-text index, in the same transaction as their reports.
async fn index_narratives(
    conn: &mut SqliteConnection,
    rows: &[(i64, &NewReportRow)],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut q = Query::new(Dialect::Sqlite, "");
    let tuples: Vec<String> = rows
        .iter()
        .map(|(seq, row)| {
            let seq = q.bind(Bind::Int(*seq));
            let body = q.bind(Bind::Text(sql::search_text(&row.report.narrative)));
            format!("({seq}, {body})")
        })
        .collect();
    q.sql = format!(
        "INSERT INTO reports_fts (rowid, body) VALUES {}",
        tuples.join(", ")
    );
    bind_all(&q).execute(&mut *conn).await.map_err(db_error)?;
    Ok(())
}

/// sqlx's row as the store's typed columns, for the shared decoders in `scamtrace_store::decode`.
struct Columns<'a>(&'a SqliteRow);

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

fn report_from_row(row: &SqliteRow) -> Result<StoredReport, StoreError> {
    decode::report(&Columns(row))
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn insert_report(&self, report: NewReportRow) -> Result<StoredRef, StoreError> {
        match self.write(Op::Reports(vec![report])).await? {
            Done::Refs(mut refs) if refs.len() == 1 => Ok(refs.remove(0)),
            _ => Err(StoreError::Database("unexpected writer answer".into())),
        }
    }

    async fn insert_reports(
        &self,
        reports: Vec<NewReportRow>,
    ) -> Result<Vec<StoredRef>, StoreError> {
        if reports.is_empty() {
            return Ok(Vec::new());
        }
        match self.write(Op::Reports(reports)).await? {
            Done::Refs(refs) => Ok(refs),
            _ => Err(StoreError::Database("unexpected writer answer".into())),
        }
    }

    async fn get_report(&self, id: &str) -> Result<Option<StoredReport>, StoreError> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE id = ?1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.reads)
            .await
            .map_err(db_error)?;
        row.as_ref().map(report_from_row).transpose()
    }

    async fn get_report_by_reference(
        &self,
        reference: &str,
    ) -> Result<Option<StoredReport>, StoreError> {
        let sql = format!("SELECT {REPORT_COLUMNS} FROM reports WHERE reference = ?1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(reference)
            .fetch_optional(&self.reads)
            .await
            .map_err(db_error)?;
        row.as_ref().map(report_from_row).transpose()
    }

    async fn list_reports(&self, filter: &ReportFilter) -> Result<Page<StoredReport>, StoreError> {
        let limit = page_limit(filter.limit);
        let query = sql::list_reports(Dialect::Sqlite, filter, limit);
        let rows = bind_all(&query)
            .fetch_all(&self.reads)
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
        self.write(Op::ReplaceIndicators(report_id.to_string(), rows))
            .await
            .map(|_| ())
    }

    async fn report_facts(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<ReportFacts>, StoreError> {
        let q = sql::report_facts_after(Dialect::Sqlite, after_seq, limit);
        let rows = bind_all(&q)
            .fetch_all(&self.reads)
            .await
            .map_err(db_error)?;
        rows.iter().map(|r| decode::facts(&Columns(r))).collect()
    }

    async fn report_facts_at(&self, seqs: &[i64]) -> Result<Vec<ReportFacts>, StoreError> {
        let mut out = Vec::with_capacity(seqs.len());
        for chunk in seqs.chunks(sql::INSERT_CHUNK) {
            let q = sql::report_facts_at(Dialect::Sqlite, chunk);
            let rows = bind_all(&q)
                .fetch_all(&self.reads)
                .await
                .map_err(db_error)?;
            for r in &rows {
                out.push(decode::facts(&Columns(r))?);
            }
        }
        Ok(out)
    }

    async fn count_reports(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
            .fetch_one(&self.reads)
            .await
            .map_err(db_error)?;
        Ok(n as u64)
    }

    async fn set_value_decision(&self, decision: ValueDecision) -> Result<(), StoreError> {
        self.write(Op::SetDecision(decision)).await.map(|_| ())
    }

    async fn delete_value_decision(&self, kind: &str, value: &str) -> Result<(), StoreError> {
        self.write(Op::DeleteDecision(kind.to_string(), value.to_string()))
            .await
            .map(|_| ())
    }

    async fn list_value_decisions(&self) -> Result<Vec<ValueDecision>, StoreError> {
        let rows = sqlx::query(sql::LIST_VALUE_DECISIONS)
            .fetch_all(&self.reads)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| decode::value_decision(&Columns(r)))
            .collect()
    }

    async fn set_verdict_decision(
        &self,
        decision: VerdictDecision,
        audit: AuditEvent,
    ) -> Result<(), StoreError> {
        self.write(Op::VerdictDecision(decision, audit))
            .await
            .map(|_| ())
    }

    async fn list_verdict_decisions(&self) -> Result<Vec<VerdictDecision>, StoreError> {
        let rows = sqlx::query(sql::LIST_VERDICT_DECISIONS)
            .fetch_all(&self.reads)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| decode::verdict_decision(&Columns(r)))
            .collect()
    }

    async fn record_watch_hits(&self, hits: Vec<WatchHit>) -> Result<u64, StoreError> {
        if hits.is_empty() {
            return Ok(0);
        }
        match self.write(Op::WatchHits(hits)).await? {
            Done::Count(n) => Ok(n),
            _ => Err(StoreError::Corrupt("unexpected writer answer".into())),
        }
    }

    async fn watch_hits(&self) -> Result<Vec<WatchHit>, StoreError> {
        let rows = sqlx::query(sql::LIST_WATCH_HITS)
            .fetch_all(&self.reads)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| decode::watch_hit(&Columns(r)))
            .collect()
    }

    async fn append_cluster_events(&self, events: Vec<ClusterEvent>) -> Result<(), StoreError> {
        if events.is_empty() {
            return Ok(());
        }
        self.write(Op::ClusterEvents(events)).await.map(|_| ())
    }

    async fn insert_observations(
        &self,
        observations: Vec<PartnerObservation>,
    ) -> Result<u64, StoreError> {
        if observations.is_empty() {
            return Ok(0);
        }
        match self.write(Op::Observations(observations)).await? {
            Done::Count(n) => Ok(n),
            _ => Err(StoreError::Corrupt("unexpected writer answer".into())),
        }
    }

    async fn observations_after(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<PartnerObservation>, StoreError> {
        observation_rows(
            &self.reads,
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
            &self.reads,
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
            let rows = bind_all(&sql::observation_campaigns(Dialect::Sqlite, chunk))
                .fetch_all(&self.reads)
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
            &self.reads,
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
            .fetch_all(&self.reads)
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
        .fetch_all(&self.reads)
        .await
        .map_err(db_error)?;
        rows.iter()
            .map(|r| decode::taxii_collection(&Columns(r)))
            .collect()
    }

    async fn upsert_taxii_collection(&self, collection: TaxiiCollection) -> Result<(), StoreError> {
        self.write(Op::TaxiiCollection(collection))
            .await
            .map(|_| ())
    }

    async fn add_taxii_objects(
        &self,
        collection: &str,
        objects: Vec<NewTaxiiObject>,
    ) -> Result<Vec<Added>, StoreError> {
        if objects.is_empty() {
            return Ok(Vec::new());
        }
        match self
            .write(Op::TaxiiAdd(collection.to_string(), objects))
            .await?
        {
            Done::Added(added) => Ok(added),
            _ => Err(StoreError::Corrupt("unexpected writer answer".into())),
        }
    }

    async fn taxii_objects(&self, query: &TaxiiQuery) -> Result<Vec<TaxiiObject>, StoreError> {
        let q = sql::taxii_objects(Dialect::Sqlite, query);
        let rows = bind_all(&q)
            .fetch_all(&self.reads)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| decode::taxii_object(&Columns(r)))
            .collect()
    }

    async fn taxii_page(&self, query: &TaxiiQuery) -> Result<TaxiiPage, StoreError> {
        let row = bind_all(&sql::taxii_page(Dialect::Sqlite, query))
            .fetch_one(&self.reads)
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
        match self
            .write(Op::TaxiiDelete(
                collection.to_string(),
                id.to_string(),
                versions.clone(),
            ))
            .await?
        {
            Done::Count(n) => Ok(n),
            _ => Err(StoreError::Corrupt("unexpected writer answer".into())),
        }
    }

    async fn insert_taxii_status(&self, status: TaxiiStatus) -> Result<(), StoreError> {
        self.write(Op::TaxiiStatus(status)).await.map(|_| ())
    }

    async fn taxii_status(&self, id: &str) -> Result<Option<TaxiiStatus>, StoreError> {
        let row = sqlx::query(sql::FIND_TAXII_STATUS)
            .bind(id)
            .fetch_optional(&self.reads)
            .await
            .map_err(db_error)?;
        row.as_ref()
            .map(|r| decode::taxii_status(&Columns(r)))
            .transpose()
    }

    async fn upsert_partner(&self, partner: PartnerRecord) -> Result<(), StoreError> {
        self.write(Op::Partner(partner)).await.map(|_| ())
    }

    async fn partners(&self) -> Result<Vec<PartnerRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {} FROM partners ORDER BY name_key",
            sql::PARTNER_COLUMNS
        )))
        .fetch_all(&self.reads)
        .await
        .map_err(db_error)?;
        rows.iter().map(|r| decode::partner(&Columns(r))).collect()
    }

    async fn set_partner_state(&self, name: &str, state: PartnerState) -> Result<bool, StoreError> {
        match self
            .write(Op::PartnerState(name.to_string(), state))
            .await?
        {
            Done::Changed(changed) => Ok(changed),
            _ => Err(StoreError::Corrupt("unexpected writer answer".into())),
        }
    }

    async fn insert_token(&self, token: TokenRecord) -> Result<(), StoreError> {
        self.write(Op::Token(token)).await.map(|_| ())
    }

    async fn find_token(&self, hash: &[u8]) -> Result<Option<TokenRecord>, StoreError> {
        let row = sqlx::query(sql::FIND_TOKEN)
            .bind(hash)
            .fetch_optional(&self.reads)
            .await
            .map_err(db_error)?;
        row.as_ref().map(|r| decode::token(&Columns(r))).transpose()
    }

    async fn insert_user(&self, mut user: UserRecord) -> Result<(), StoreError> {
        user.username = username_key(&user.username);
        self.write(Op::User(user)).await.map(|_| ())
    }

    async fn find_user_by_username(
        &self,
        username: &str,
    ) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(sql::FIND_USER_BY_USERNAME)
            .bind(username_key(username))
            .fetch_optional(&self.reads)
            .await
            .map_err(db_error)?;
        row.as_ref().map(|r| decode::user(&Columns(r))).transpose()
    }

    async fn find_user(&self, id: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(sql::FIND_USER)
            .bind(id)
            .fetch_optional(&self.reads)
            .await
            .map_err(db_error)?;
        row.as_ref().map(|r| decode::user(&Columns(r))).transpose()
    }

    async fn set_user_password(
        &self,
        username: &str,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        let op = Op::UserPassword(username_key(username), password_hash.to_string());
        match self.write(op).await? {
            Done::Changed(changed) => Ok(changed),
            _ => Err(StoreError::Database("unexpected writer answer".into())),
        }
    }

    async fn set_user_disabled(
        &self,
        username: &str,
        disabled_at: Option<time::OffsetDateTime>,
    ) -> Result<bool, StoreError> {
        let op = Op::UserDisabled(username_key(username), disabled_at.map(to_micros));
        match self.write(op).await? {
            Done::Changed(changed) => Ok(changed),
            _ => Err(StoreError::Database("unexpected writer answer".into())),
        }
    }

    async fn insert_session(&self, session: SessionRecord) -> Result<(), StoreError> {
        self.write(Op::Session(session)).await.map(|_| ())
    }

    async fn find_session(
        &self,
        hash: &[u8],
        now: time::OffsetDateTime,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(sql::FIND_SESSION)
            .bind(hash)
            .bind(to_micros(now))
            .fetch_optional(&self.reads)
            .await
            .map_err(db_error)?;
        row.as_ref()
            .map(|r| decode::session(&Columns(r)))
            .transpose()
    }

    async fn delete_session(&self, hash: &[u8]) -> Result<(), StoreError> {
        self.write(Op::DeleteSession(hash.to_vec()))
            .await
            .map(|_| ())
    }

    async fn append_audit(&self, event: AuditEvent) -> Result<(), StoreError> {
        self.write(Op::Audit(event)).await.map(|_| ())
    }

    async fn list_audit(&self, limit: u32) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT at, actor, action, subject, reason FROM audit_log ORDER BY seq DESC LIMIT ?1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.reads)
        .await
        .map_err(db_error)?;
        rows.iter().map(|r| decode::audit(&Columns(r))).collect()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.reads)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let rows = sqlx::query(sql::LIST_USERS)
            .fetch_all(&self.reads)
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
        self.write(Op::CreateCase(Box::new((case, event, audit))))
            .await
            .map(|_| ())
    }

    async fn update_case(
        &self,
        case: CaseRecord,
        event: CaseEventRecord,
        audit: AuditEvent,
    ) -> Result<(), StoreError> {
        self.write(Op::UpdateCase(Box::new((case, event, audit))))
            .await
            .map(|_| ())
    }

    async fn get_case(&self, id: &str) -> Result<Option<CaseRecord>, StoreError> {
        let row = sqlx::query(sql::GET_CASE)
            .bind(id)
            .fetch_optional(&self.reads)
            .await
            .map_err(db_error)?;
        row.as_ref().map(|r| decode::case(&Columns(r))).transpose()
    }

    async fn list_cases(&self) -> Result<Vec<CaseRecord>, StoreError> {
        let rows = sqlx::query(sql::LIST_CASES)
            .fetch_all(&self.reads)
            .await
            .map_err(db_error)?;
        rows.iter().map(|r| decode::case(&Columns(r))).collect()
    }

    async fn case_events(&self, case_id: &str) -> Result<Vec<CaseEventRecord>, StoreError> {
        let rows = sqlx::query(sql::LIST_CASE_EVENTS)
            .bind(case_id)
            .fetch_all(&self.reads)
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
        self.write(Op::CasePackage(Box::new((package, audit))))
            .await
            .map(|_| ())
    }

    async fn case_packages(&self, case_id: &str) -> Result<Vec<CasePackageInfo>, StoreError> {
        let rows = sqlx::query(sql::LIST_CASE_PACKAGES)
            .bind(case_id)
            .fetch_all(&self.reads)
            .await
            .map_err(db_error)?;
        rows.iter()
            .map(|r| decode::case_package_info(&Columns(r)))
            .collect()
    }

    async fn case_package(&self, id: &str) -> Result<Option<CasePackage>, StoreError> {
        let row = sqlx::query(sql::GET_CASE_PACKAGE)
            .bind(id)
            .fetch_optional(&self.reads)
            .await
            .map_err(db_error)?;
        row.as_ref()
            .map(|r| decode::case_package(&Columns(r)))
            .transpose()
    }
}
