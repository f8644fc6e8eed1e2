//! The PostgreSQL backend passes the shared storage suite.
//!
//! These tests need a PostgreSQL server. They read its URL from `SCAMTRACE_TEST_POSTGRES_URL`
//! (`.ci/run` sets it to the server on 127.0.0.1:5432). Without it they print a loud notice and
//! pass, unless `SCAMTRACE_REQUIRE_ALL_TESTS=1`, which CI sets: then a missing server fails them.

use scamtrace_store::Store;
use scamtrace_store_postgres::PostgresStore;

fn postgres_url() -> Option<String> {
    match std::env::var("SCAMTRACE_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("SCAMTRACE_REQUIRE_ALL_TESTS").as_deref() == Ok("1") {
                panic!("SCAMTRACE_TEST_POSTGRES_URL is not set but SCAMTRACE_REQUIRE_ALL_TESTS=1");
            }
            eprintln!(
                "\n!!! SKIPPED: PostgreSQL tests need SCAMTRACE_TEST_POSTGRES_URL (CI sets it) !!!\n"
            );
            None
        }
    }
}

/// A store in a schema of its own, dropped when the test ends.
struct Scratch {
    url: String,
    schema: String,
}

impl Scratch {
    fn new(url: &str) -> Scratch {
        Scratch {
            url: url.to_string(),
            schema: format!("st_test_{}", uuid::Uuid::now_v7().simple()),
        }
    }

    async fn open(&self) -> PostgresStore {
        PostgresStore::open(&self.url, Some(&self.schema))
            .await
            .expect("connect to PostgreSQL")
    }

    async fn drop_schema(&self) {
        let pool = sqlx::PgPool::connect(&self.url).await.expect("connect");
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema);
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&pool)
            .await
            .expect("drop scratch schema");
        pool.close().await;
    }
}

#[tokio::test]
async fn passes_the_shared_suite() {
    let Some(url) = postgres_url() else { return };
    let scratch = Scratch::new(&url);
    let store = scratch.open().await;
    scamtrace_store::conformance::run_all(&store).await;
    store.close().await;
    scratch.drop_schema().await;
}

#[tokio::test]
async fn data_survives_reconnecting() {
    let Some(url) = postgres_url() else { return };
    let scratch = Scratch::new(&url);
    let id = {
        let store = scratch.open().await;
        let row = scamtrace_store::conformance::row(
            serde_json::json!({"country": "CA", "contact_method": "sms", "narrative": "kept"}),
            time::Duration::ZERO,
        );
        let id = store.insert_report(row).await.unwrap().id;
        store.close().await;
        id
    };
    let store = scratch.open().await;
    assert_eq!(
        store.get_report(&id).await.unwrap().unwrap().narrative,
        "kept"
    );
    store.close().await;
    scratch.drop_schema().await;
}
