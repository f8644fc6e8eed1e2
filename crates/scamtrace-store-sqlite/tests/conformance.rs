//! The SQLite backend passes the shared storage suite, and keeps its data across reopening.

use scamtrace_store::Store;
use scamtrace_store_sqlite::SqliteStore;

#[tokio::test]
async fn passes_the_shared_suite() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("suite.db").to_str().unwrap())
        .await
        .unwrap();
    scamtrace_store::conformance::run_all(&store).await;
}

#[tokio::test]
async fn data_survives_reopening_and_migrations_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reopen.db");
    let id = {
        let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
        let row = scamtrace_store::conformance::row(
            serde_json::json!({"country": "CA", "contact_method": "sms", "narrative": "kept"}),
            time::Duration::ZERO,
        );
        store.insert_report(row).await.unwrap().id
    };
    let store = SqliteStore::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(
        store.get_report(&id).await.unwrap().unwrap().narrative,
        "kept"
    );
    assert_eq!(store.count_reports().await.unwrap(), 1);
}

#[tokio::test]
async fn concurrent_writers_all_land() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(
        SqliteStore::open(dir.path().join("c.db").to_str().unwrap())
            .await
            .unwrap(),
    );
    let mut tasks = Vec::new();
    for i in 0..64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let row = scamtrace_store::conformance::row(
                serde_json::json!({"country": "US", "contact_method": "popup", "narrative": format!("concurrent {i}")}),
                time::Duration::ZERO,
            );
            store.insert_report(row).await.unwrap()
        }));
    }
    let mut refs = std::collections::HashSet::new();
    for t in tasks {
        refs.insert(t.await.unwrap().reference);
    }
    assert_eq!(refs.len(), 64);
    assert_eq!(store.count_reports().await.unwrap(), 64);
}
