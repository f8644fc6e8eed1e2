//! A report acknowledged with 201 survives `kill -9` of the server, on SQLite and PostgreSQL.

mod common;

use common::TestServer;
use serde_json::json;

fn file_acknowledged_reports(server: &TestServer, n: usize) -> Vec<String> {
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let addr = server.addr;
            std::thread::spawn(move || {
                let body = json!({"country": "DE", "contact_method": "phone_call", "narrative": format!("Anruf Nummer {i}")}).to_string();
                let r = common::try_request(addr, "POST", "/api/v1/reports", &[("content-type", "application/json")], body.as_bytes()).unwrap();
                assert_eq!(r.status, 201, "{}", r.text());
                r.json()["id"].as_str().unwrap().to_string()
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

fn check_survivors(server: &TestServer, ids: &[String]) {
    let analyst = format!("Bearer {}", server.token("analyst"));
    for id in ids {
        let r = server.get(
            &format!("/api/v1/reports/{id}"),
            &[("authorization", &analyst)],
        );
        assert_eq!(r.status, 200, "report {id} was acknowledged but lost");
    }
}

#[test]
fn acknowledged_reports_survive_kill_9_on_sqlite() {
    let mut server = TestServer::start(&[]);
    let ids = file_acknowledged_reports(&server, 40);
    server.kill_hard();
    let dir = server.dir.clone();
    let database = server.database.clone();
    let restarted = TestServer::start_on(&dir, &database, &[]);
    check_survivors(&restarted, &ids);
    drop(restarted);
    drop(server);
}

#[test]
fn acknowledged_reports_survive_kill_9_on_postgres() {
    let Some(url) = std::env::var("SCAMTRACE_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        common::skip_or_fail("PostgreSQL (SCAMTRACE_TEST_POSTGRES_URL)");
        return;
    };
    let schema = format!(
        "st_test_durable_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    );
    let _cleanup = common::DropSchema {
        url: url.clone(),
        schema: schema.clone(),
    };
    let tmp = tempfile::tempdir().unwrap();
    let env = [("SCAMTRACE_POSTGRES_SCHEMA", schema.as_str())];
    let mut server = TestServer::start_on(tmp.path(), &url, &env);
    assert!(server.get("/healthz", &[]).text().contains("postgres"));
    let ids = file_acknowledged_reports(&server, 40);
    server.kill_hard();
    let restarted = TestServer::start_on(tmp.path(), &url, &env);
    check_survivors(&restarted, &ids);
    drop(restarted);
}
