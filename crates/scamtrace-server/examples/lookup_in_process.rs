//! The cost of one request through the router in process (no network, one thread): demo data,
//! then 20,000 lookups, privacy buckets and health checks. A profiling aid beside
//! `bench/lookup.sh`, which measures the same over loopback:
//! `cargo run --release -p scamtrace-server --example lookup_in_process`.
use std::sync::Arc;
use tower::ServiceExt;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        scamtrace_store_sqlite::SqliteStore::open(dir.path().join("d.db").to_str().unwrap())
            .await
            .unwrap();
    let intake = scamtrace_intake::Intake::new(
        Arc::new(store),
        Arc::new(scamtrace_vault::Vault::from_bytes([3; 32])),
    );
    let mut batch = Vec::new();
    for r in scamtrace_demo::Demo::new(7, 2000).reports() {
        if let Ok(report) = scamtrace_model::parse_report(&r.report) {
            batch.push((report, None));
        }
    }
    intake
        .store_many(batch, scamtrace_store::Source::Demo)
        .await
        .unwrap();
    let app = scamtrace_server::App::new(
        intake.clone(),
        scamtrace_server::ServerConfig {
            rate_limit_per_minute: 0,
            ..Default::default()
        },
    );
    app.correlator()
        .load(intake.store().as_ref())
        .await
        .unwrap();
    let router = app.router();
    let feed = router
        .clone()
        .oneshot(
            axum::http::Request::get("/api/v1/feeds/phone.txt")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let body = http_body_util::BodyExt::collect(feed.into_body())
        .await
        .unwrap()
        .to_bytes();
    let phones: Vec<String> = String::from_utf8(body.to_vec())
        .unwrap()
        .lines()
        .map(|l| l.replace('+', "%2B"))
        .collect();
    println!("{} scam phones", phones.len());
    for (label, paths) in [
        (
            "lookup known",
            phones
                .iter()
                .map(|p| format!("/api/v1/lookup?value={p}"))
                .collect::<Vec<_>>(),
        ),
        (
            "lookup unknown",
            (0..100)
                .map(|i| format!("/api/v1/lookup?value=%2B1212555{i:04}"))
                .collect(),
        ),
        (
            "lookup example.com names",
            (0..100)
                .map(|i| format!("/api/v1/lookup?value=help-desk-{i}.example.com"))
                .collect(),
        ),
        (
            "lookup defanged",
            vec![
                "/api/v1/lookup?value=hxxps%3A%2F%2Fmicrosoft-support%5B.%5Dcom%2Fsupport"
                    .to_string(),
            ],
        ),
        (
            "lookup formatted",
            phones
                .iter()
                .map(|p| {
                    format!(
                        "/api/v1/lookup?value=1-{}-{}-{}",
                        &p[4..7],
                        &p[7..10],
                        &p[10..]
                    )
                })
                .collect::<Vec<_>>(),
        ),
        (
            "bucket",
            (0..100)
                .map(|i| format!("/api/v1/hashes/{:04x}", i * 600))
                .collect(),
        ),
        ("healthz", vec!["/healthz".to_string()]),
    ] {
        let n = 20000;
        let t = std::time::Instant::now();
        for i in 0..n {
            let req = axum::http::Request::get(&paths[i % paths.len()])
                .body(axum::body::Body::empty())
                .unwrap();
            let resp = router.clone().oneshot(req).await.unwrap();
            let _ = http_body_util::BodyExt::collect(resp.into_body())
                .await
                .unwrap();
        }
        println!(
            "{label}: {:.2} us",
            t.elapsed().as_secs_f64() * 1e6 / n as f64
        );
    }
}
