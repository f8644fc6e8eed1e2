//! Reports that share indicators become one cluster, through the real binary: written
//! differently, found by any spelling, explained, merged (old ids redirect), and rebuilt the
//! same after a restart.

mod common;

use std::time::{Duration, Instant};

use common::TestServer;
use serde_json::{Value, json};

fn report(narrative: &str, phones: &[&str]) -> Value {
    json!({
        "country": "US",
        "contact_method": "phone_call",
        "impersonated_brand": "Microsoft",
        "scammer": {"phone_numbers": phones},
        "payment": {"method": "gift_card", "amount": "500.00", "currency": "USD"},
        "narrative": narrative,
    })
}

/// Posts a report and returns its id.
fn post(server: &TestServer, body: &Value) -> String {
    let r = server.post_json("/api/v1/reports", &[], body);
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

/// Polls `path` until `ready` holds (the engine follows the store within milliseconds).
fn until(server: &TestServer, auth: &str, path: &str, ready: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let r = server.get(path, &[("authorization", auth)]);
        if r.status == 200 {
            let body = r.json();
            if ready(&body) {
                return body;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{path} never became ready: {} {}",
            r.status,
            r.text()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn reports_sharing_indicators_become_one_operation() {
    let mut server = TestServer::start(&[]);
    let auth = format!("Bearer {}", server.token("analyst"));
    let h = [("authorization", auth.as_str())];

    let a = post(
        &server,
        &report("A pop-up said my PC was infected.", &["+1 (888) 555-0142"]),
    );
    let b = post(
        &server,
        &report(
            "They told me to call 1-888-555-0142 and then sent me to fix-pc-now.online to install AnyDesk.",
            &[],
        ),
    );
    let c = post(
        &server,
        &report(
            "The site was support.fix-pc-now.online, it looked like Microsoft.",
            &[],
        ),
    );
    let d = post(
        &server,
        &report("Another caller, from 877-555-0199, same story.", &[]),
    );

    // Any spelling of the number finds it, canonical, with both reports and one cluster.
    let phone = until(
        &server,
        &auth,
        "/api/v1/indicators/phone/888.555.0142",
        |v| v["reports_total"] == 2,
    );
    assert_eq!(phone["value"], "+18885550142");
    assert_eq!(phone["status"], "links");
    let cluster = phone["clusters"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(phone["clusters"].as_array().unwrap().len(), 1);

    let body = until(
        &server,
        &auth,
        &format!("/api/v1/clusters/{cluster}"),
        |v| v["reports"] == 3,
    );
    let members: Vec<&str> = body["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        members,
        [a.as_str(), b.as_str(), c.as_str()],
        "oldest first"
    );
    assert_eq!(body["countries"][0], json!({"value": "US", "reports": 3}));
    assert_eq!(body["brands"][0]["value"], "microsoft");
    assert_eq!(body["losses"][0]["sum"], "1500.00");
    assert_eq!(body["losses"][0]["median"], "500.00");
    assert_eq!(body["losses_usd_estimate"], 1500.0);
    let domain = body["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "domain")
        .expect("the registrable domain links");
    assert_eq!(domain["value"], "fix-pc-now.online");
    assert_eq!(domain["cluster_reports"], 2);

    // Explanation: A and C share nothing directly; B bridges them.
    let explain = server.get(
        &format!("/api/v1/clusters/{cluster}/explain?a={a}&b={c}"),
        &h,
    );
    assert_eq!(explain.status, 200, "{}", explain.text());
    let explain = explain.json();
    assert_eq!(explain["links"], 2);
    assert_eq!(explain["path"][0]["report"]["id"], a.as_str());
    assert_eq!(explain["path"][1]["indicator"]["value"], "+18885550142");
    assert_eq!(explain["path"][2]["report"]["id"], b.as_str());
    assert_eq!(explain["path"][4]["report"]["id"], c.as_str());
    let outside = server.get(
        &format!("/api/v1/clusters/{cluster}/explain?a={a}&b={d}"),
        &h,
    );
    assert_eq!(outside.status, 400);

    // D is alone; a report quoting both numbers merges it in, and D's old id redirects.
    let other = until(&server, &auth, "/api/v1/indicators/phone/8775550199", |v| {
        v["reports_total"] == 1
    });
    let d_cluster = other["clusters"][0]["id"].as_str().unwrap().to_string();
    assert_ne!(d_cluster, cluster);
    post(
        &server,
        &report(
            "Called 877-555-0199, then a second man on 888-555-0142 took over.",
            &[],
        ),
    );
    until(
        &server,
        &auth,
        &format!("/api/v1/clusters/{cluster}"),
        |v| v["reports"] == 5,
    );
    let moved = server.get(&format!("/api/v1/clusters/{d_cluster}"), &h);
    assert_eq!(moved.status, 308);
    assert_eq!(
        moved.header("location"),
        Some(format!("/api/v1/clusters/{cluster}").as_str())
    );

    // Two clusters of two reports or more merging is recorded in both clusters' history.
    post(
        &server,
        &report("A man on 866-555-0177 asked for gift cards.", &[]),
    );
    post(&server, &report("Same as before: 866 555 0177.", &[]));
    let second = until(&server, &auth, "/api/v1/indicators/phone/8665550177", |v| {
        v["reports_total"] == 2
    });
    let second = second["clusters"][0]["id"].as_str().unwrap().to_string();
    post(
        &server,
        &report("They used 866-555-0177 and 888-555-0142 both.", &[]),
    );
    // The merge is written to the store just after the engine takes the report.
    until(
        &server,
        &auth,
        &format!("/api/v1/clusters/{cluster}"),
        |v| {
            v["reports"] == 8
                && v["history"].as_array().is_some_and(|h| {
                    h.iter()
                        .any(|e| e["kind"] == "merged" && e["other"][0] == second.as_str())
                })
        },
    );
    assert_eq!(
        server.get(&format!("/api/v1/clusters/{second}"), &h).status,
        308
    );
    // The absorbed operation's page and its export move too.
    let page = server.get(&format!("/clusters/{second}?offset=0"), &h);
    assert_eq!(page.status, 308);
    assert_eq!(
        page.header("location"),
        Some(format!("/clusters/{cluster}?offset=0").as_str())
    );
    let export = server.get(&format!("/clusters/{second}/export.csv"), &h);
    assert_eq!(export.status, 308);
    assert_eq!(
        export.header("location"),
        Some(format!("/clusters/{cluster}/export.csv").as_str())
    );

    let list = server.get("/api/v1/clusters?sort=size", &h).json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], cluster.as_str());
    let filtered = server
        .get("/api/v1/clusters?value=%2B1%20888%20555%200142", &h)
        .json();
    assert_eq!(filtered["total"], 1);
    let none = server.get("/api/v1/clusters?country=JP", &h).json();
    assert_eq!(none["total"], 0);
    let over = server.get("/api/v1/over-linked", &h).json();
    assert_eq!(over["hub_threshold"], 50);

    // Bad input is named; roles hold.
    assert_eq!(server.get("/api/v1/clusters?sort=fastest", &h).status, 400);
    assert_eq!(
        server.get("/api/v1/indicators/planet/earth", &h).status,
        400
    );
    assert_eq!(server.get("/api/v1/clusters/nope", &h).status, 404);
    assert_eq!(server.get("/api/v1/clusters", &[]).status, 401);
    let partner = format!("Bearer {}", server.token("partner"));
    assert_eq!(
        server
            .get("/api/v1/clusters", &[("authorization", &partner)])
            .status,
        403
    );

    // After a restart the engine is rebuilt from the store: the same operation.
    server.kill_hard();
    let restarted = TestServer::start_on(&server.dir, &server.database, &[]);
    let auth = format!("Bearer {}", restarted.token("analyst"));
    let again = until(
        &restarted,
        &auth,
        &format!("/api/v1/clusters/{cluster}"),
        |v| v["reports"] == 8,
    );
    assert_eq!(again["members"][0]["id"], a.as_str());
}

/// The clusters a server shows, as (id, reports), sorted.
fn partition(server: &TestServer, auth: &str) -> Vec<(String, u64)> {
    let list = server
        .get("/api/v1/clusters?limit=500", &[("authorization", auth)])
        .json();
    let mut out: Vec<(String, u64)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["reports"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn two_servers_on_one_postgres_database_find_the_same_clusters() {
    let Some((url, schema, _cleanup)) = common::postgres_schema("two_servers") else {
        return;
    };
    let env = [("SCAMTRACE_POSTGRES_SCHEMA", schema.as_str())];
    let dir = tempfile::tempdir().unwrap();
    let one = TestServer::start_on(dir.path(), &url, &env);
    let two = TestServer::start_on(dir.path(), &url, &env);
    let auth_one = format!("Bearer {}", one.token("analyst"));
    let auth_two = format!("Bearer {}", two.token("analyst"));

    // Three operations, each a chain: report j of operation k quotes numbers j and j+1 of k's
    // range, so one lost report would cut its chain in two. Four threads post at once, two to
    // each server, interleaving operations.
    const PER_THREAD: usize = 15;
    std::thread::scope(|scope| {
        for t in 0..4usize {
            let server = if t % 2 == 0 { &one } else { &two };
            scope.spawn(move || {
                for i in 0..PER_THREAD {
                    let j = t * PER_THREAD + i;
                    let op = j % 3;
                    let n = j / 3;
                    let area = ["888", "877", "866"][op];
                    let body = report(
                        &format!(
                            "They called from {area}-555-{:04} and later from {area}-555-{:04}.",
                            1000 + n,
                            1001 + n
                        ),
                        &[],
                    );
                    post(server, &body);
                }
            });
        }
    });

    let total = 4 * PER_THREAD;
    let settled = |server: &TestServer, auth: &str| {
        let started = Instant::now();
        loop {
            let p = partition(server, auth);
            if p.iter().map(|(_, n)| n).sum::<u64>() == total as u64 {
                return p;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "never saw all {total} reports: {p:?}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let seen_by_one = settled(&one, &auth_one);
    let seen_by_two = settled(&two, &auth_two);
    assert_eq!(seen_by_one, seen_by_two);
    assert_eq!(
        seen_by_one.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
        vec![20, 20, 20],
        "three operations, none cut, none merged: {seen_by_one:?}"
    );
}

#[test]
fn analysts_decide_whether_a_value_links_and_the_decision_lasts() {
    let mut server = TestServer::start(&[]);
    let auth = format!("Bearer {}", server.token("analyst"));
    post(&server, &report("Call 855-555-0101 now.", &[]));
    post(&server, &report("The number was 855 555 0101.", &[]));
    until(&server, &auth, "/api/v1/indicators/phone/8555550101", |v| {
        v["clusters"].as_array().is_some_and(|c| c.len() == 1) && v["reports_total"] == 2
    });
    let put = |server: &TestServer, auth: &str, path: &str, body: Value| {
        server.request(
            "PUT",
            path,
            &[
                ("authorization", auth),
                ("content-type", "application/json"),
            ],
            body.to_string().as_bytes(),
        )
    };
    let path = "/api/v1/over-linked/phone/855.555.0101";
    for (body, field) in [
        (json!({"decision": "not_linking"}), "reason"),
        (json!({"decision": "perhaps", "reason": "x"}), "decision"),
        (json!({"reason": "x"}), "decision"),
    ] {
        let r = put(&server, &auth, path, body);
        assert_eq!(r.status, 400, "{}", r.text());
        assert_eq!(r.json()["error"]["details"][0]["field"], field);
    }
    let brand = put(
        &server,
        &auth,
        "/api/v1/over-linked/brand/microsoft",
        json!({"decision": "linking", "reason": "x"}),
    );
    assert_eq!(brand.status, 400, "brands never link");

    let r = put(
        &server,
        &auth,
        path,
        json!({"decision": "not_linking", "reason": "the bank's real fraud line, quoted by victims"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["value"], "+18555550101");
    assert_eq!(body["status"], "decided_not_linking");
    assert_eq!(body["clusters"], 2);
    let listed = server
        .get("/api/v1/over-linked", &[("authorization", &auth)])
        .json();
    assert_eq!(listed["items"][0]["value"], "+18555550101");

    // The decision is stored: a restarted server still keeps the two reports apart.
    server.kill_hard();
    let restarted = TestServer::start_on(&server.dir, &server.database, &[]);
    let auth = format!("Bearer {}", restarted.token("analyst"));
    let phone = until(
        &restarted,
        &auth,
        "/api/v1/indicators/phone/8555550101",
        |v| v["reports_total"] == 2,
    );
    assert_eq!(phone["status"], "decided_not_linking");
    assert_eq!(phone["clusters"].as_array().unwrap().len(), 2);
    let r = put(
        &restarted,
        &auth,
        path,
        json!({"decision": "automatic", "reason": "withdrawn"}),
    );
    assert_eq!(r.json()["status"], "links");
    assert_eq!(r.json()["clusters"], 1);
}
