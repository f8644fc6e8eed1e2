//! The TAXII 2.1 server, driven by the OASIS `taxii2-client` (PyPI) as a partner would drive it:
//! discovery, collections, paginated and filtered reads, the manifest, versions, adding objects
//! with a status resource, deleting, and every error the specification names. TLP:RED never
//! reaches a partner.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{TestServer, partner_token};
use serde_json::{Value, json};

const TAXII: &str = "application/taxii+json;version=2.1";
const OPERATIONS: &str = "5ca37ace-7a11-4c01-8000-000000000001";
const SUBMISSIONS: &str = "5ca37ace-7a11-4c01-8000-000000000002";
const RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
const STRICT: &str = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";

fn objects_path(collection: &str) -> String {
    format!("/taxii2/api/collections/{collection}/objects/")
}

/// Waits until the publisher has filled the operations collection.
fn wait_for_publication(server: &TestServer, bearer: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let r = server.get(
            &format!(
                "{}?match[type]=campaign&limit=1000",
                objects_path(OPERATIONS)
            ),
            &[("authorization", bearer), ("accept", TAXII)],
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let body = r.json();
        if body["objects"].as_array().is_some_and(|o| !o.is_empty()) {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "nothing published: {}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn indicator(id: &str, marking: &str, domain: &str) -> Value {
    json!({
        "type": "indicator", "spec_version": "2.1", "id": id,
        "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
        "pattern": format!("[domain-name:value = '{domain}']"), "pattern_type": "stix",
        "valid_from": "2026-11-01T00:00:00Z", "object_marking_refs": [marking],
    })
}

#[test]
fn the_oasis_taxii_client_reads_and_adds_as_a_partner() {
    let Some(python) = common::reference_python("the OASIS taxii2-client") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", tmp.path().join("a.db").display());
    let server = TestServer::start_with(
        tmp.path(),
        &database,
        &["--demo"],
        &[("SCAMTRACE_ORGANIZATION", "Demo software company")],
    );
    let analyst = format!("Bearer {}", server.token("analyst"));
    let published = wait_for_publication(&server, &analyst);
    let campaigns = published["objects"].as_array().unwrap().len();
    assert!(campaigns >= 20, "{campaigns} operations published");

    // Analysts add what must stay home (TLP:RED) or go to one named organization only.
    let red = "indicator--7e1d0a3c-1f4e-4c55-9d5e-2a1b3c4d5e6f";
    let strict = "indicator--0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f";
    let r = server.request(
        "POST",
        &objects_path(OPERATIONS),
        &[
            ("authorization", &analyst),
            ("accept", TAXII),
            ("content-type", TAXII),
        ],
        json!({"objects": [
            indicator(red, RED, "informant-line.example"),
            indicator(strict, STRICT, "strict-only.example"),
        ]})
        .to_string()
        .as_bytes(),
    );
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(r.json()["success_count"], 2);

    let reader = partner_token(&server, "Partner Bank", &[]);
    let writer = partner_token(
        &server,
        "Inbox Partner",
        &["--collection", SUBMISSIONS, "--read", "--write"],
    );
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/taxii_client.py");
    let run = Command::new(python)
        .arg(script)
        .args([
            &server.url(""),
            "Partner Bank",
            &reader,
            "Inbox Partner",
            &writer,
        ])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&run.stderr),
        server.own_log()
    );
    let seen: Value = serde_json::from_slice(&run.stdout).unwrap();
    eprintln!("taxii2-client saw: {seen}");

    assert_eq!(seen["title"], "Demo software company (ScamTrace)");
    assert_eq!(seen["versions"], json!([TAXII]));
    assert_eq!(seen["max_content_length"], 10 * 1024 * 1024);
    assert_eq!(
        seen["collections"],
        json!([[OPERATIONS, true, false], [SUBMISSIONS, false, true]])
    );
    // Paging: every object once, in pages of 50.
    let objects = seen["objects"].as_u64().unwrap();
    assert!(objects > 500, "{objects}");
    assert_eq!(seen["distinct_ids"], objects);
    assert_eq!(seen["pages"], objects.div_ceil(50));
    assert_eq!(seen["manifest"], objects);
    assert_eq!(
        seen["manifest_media_types"],
        json!(["application/stix+json;version=2.1"])
    );
    for t in [
        "campaign",
        "indicator",
        "sighting",
        "relationship",
        "identity",
        "marking-definition",
    ] {
        assert!(seen["types"].as_array().unwrap().contains(&json!(t)), "{t}");
    }
    // What the server publishes passes the OASIS validator.
    assert_eq!(seen["validator_errors"], json!([]));
    // Filters.
    assert_eq!(seen["campaigns"], campaigns);
    assert_eq!(seen["by_id"], true);
    assert_eq!(seen["date_added_headers"], true);
    assert_eq!(seen["after_first_page"], objects - 10);
    assert_eq!(seen["spec_version_20"], 0);
    assert_eq!(seen["versions_of_campaign"], 1);
    // TLP: the partner saw neither the RED object nor the one meant for another organization.
    assert_eq!(seen["tlp_red_seen"], 0);
    let partner_view = server.get(
        &format!("{}?match[id]={red},{strict}", objects_path(OPERATIONS)),
        &[
            ("authorization", &format!("Bearer {reader}")),
            ("accept", TAXII),
        ],
    );
    assert_eq!(partner_view.text(), "{}");
    let analyst_view = server.get(
        &format!("{}?match[id]={red},{strict}", objects_path(OPERATIONS)),
        &[("authorization", &analyst), ("accept", TAXII)],
    );
    assert_eq!(analyst_view.json()["objects"].as_array().unwrap().len(), 2);

    // Adding: the bad object among the failures, the good ones stored; a replay changes nothing.
    assert_eq!(
        seen["status"],
        json!({"status": "complete", "total": 3, "success": 2, "failure": 1,
               "failures": ["indicator--not-a-uuid"]})
    );
    assert_eq!(seen["replay_success"], 2);
    assert_eq!(seen["status_refreshed"], "complete");
    assert_eq!(seen["added_readable"], true);
    assert_eq!(seen["deleted_status"], 404);
    // What the partner added joined correlation as its observation.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = server.get(
            "/api/v1/indicators/domain/pc-repair-desk-help.example",
            &[("authorization", &analyst)],
        );
        if r.status == 200 && r.text().contains("Inbox Partner") {
            break;
        }
        assert!(Instant::now() < deadline, "{} {}", r.status, r.text());
        std::thread::sleep(Duration::from_millis(200));
    }

    let errors = &seen["errors"];
    for (name, status) in [
        ("read_403_raw", 403),
        ("write_403_raw", 403),
        ("unknown_collection", 404),
        ("no_credentials", 401),
        ("wrong_password", 401),
        ("token_of_another_org", 401),
        ("not_acceptable", 406),
        ("wrong_media_type", 415),
        ("malformed_json", 400),
        ("not_an_envelope", 400),
        ("too_large", 413),
        ("bad_filter", 400),
    ] {
        assert_eq!(errors[name], status, "{name}: {errors}");
    }
    // The client refuses by itself, from the collection's can_read and can_write.
    assert_eq!(errors["read_without_permission"], "access");
    assert_eq!(errors["write_without_permission"], "access");
    assert_eq!(errors["error_media_type"], TAXII);
    assert_eq!(errors["error_has_title"], true);
}

/// Every object a reader gets from a collection, page by page.
fn read_all(server: &TestServer, collection: &str, auth: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut next = String::new();
    loop {
        let r = server.get(
            &format!("{}?limit=1000{next}", objects_path(collection)),
            &[("authorization", auth), ("accept", TAXII)],
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let body = r.json();
        out.extend(body["objects"].as_array().cloned().unwrap_or_default());
        match body["next"].as_str() {
            Some(n) if body["more"] == true => next = format!("&next={n}"),
            _ => return out,
        }
    }
}

#[test]
fn each_collection_carries_its_tlp_to_partners() {
    let tmp = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", tmp.path().join("a.db").display());
    let server = TestServer::start_with(
        tmp.path(),
        &database,
        &["--demo"],
        &[
            ("SCAMTRACE_ORGANIZATION", "Demo software company"),
            ("SCAMTRACE_PUBLISH_INTERVAL_SECONDS", "1"),
        ],
    );
    let analyst = format!("Bearer {}", server.token("analyst"));
    wait_for_publication(&server, &analyst);

    // A collection for one organization only.
    let out = server.cli(&[
        "admin",
        "set-collection",
        "--new",
        "--title",
        "For Partner Bank",
        "--tlp",
        "amber+strict",
        "--audience",
        "Partner Bank",
        "--publishes-operations",
        "--partner-read",
        "yes",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let strict = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let listed = server.cli(&["admin", "collections", "--json"]);
    assert_eq!(String::from_utf8_lossy(&listed.stdout).lines().count(), 3);
    let bank = format!("Bearer {}", partner_token(&server, "Partner Bank", &[]));
    let other = format!("Bearer {}", partner_token(&server, "Another Firm", &[]));
    let deadline = Instant::now() + Duration::from_secs(30);
    while read_all(&server, &strict, &analyst).len() < 100 {
        assert!(Instant::now() < deadline, "nothing published into {strict}");
        std::thread::sleep(Duration::from_millis(300));
    }
    let for_bank = read_all(&server, &strict, &bank);
    assert!(for_bank.len() > 100, "{}", for_bank.len());
    assert!(
        for_bank
            .iter()
            .filter(|o| o.get("object_marking_refs").is_some())
            .all(|o| o["object_marking_refs"] == json!([STRICT])),
        "every marked object is TLP:AMBER+STRICT"
    );
    assert!(
        read_all(&server, &strict, &other).is_empty(),
        "another organization gets nothing"
    );

    // The operations collection turned TLP:RED: what is published anew never leaves.
    let out = server.cli(&["admin", "set-collection", OPERATIONS, "--tlp", "red"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let campaigns: Vec<Value> = read_all(&server, OPERATIONS, &analyst)
            .into_iter()
            .filter(|o| o["type"] == "campaign")
            .collect();
        if !campaigns.is_empty()
            && campaigns
                .iter()
                .all(|c| c["object_marking_refs"] == json!([RED]))
        {
            break;
        }
        assert!(Instant::now() < deadline, "not republished at TLP:RED");
        std::thread::sleep(Duration::from_millis(300));
    }
    let leaked: Vec<Value> = read_all(&server, OPERATIONS, &bank)
        .into_iter()
        .filter(|o| o["type"] == "campaign" || o["type"] == "indicator")
        .collect();
    assert!(
        leaked.is_empty(),
        "{} campaigns or indicators reached a partner",
        leaked.len()
    );

    // Bad input is named, and changes nothing.
    let bad = server.cli(&["admin", "set-collection", OPERATIONS, "--tlp", "purple"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--tlp must be"));
    let missing = server.cli(&[
        "admin",
        "set-collection",
        "no-such-collection",
        "--tlp",
        "green",
    ]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no collection"));
    let nameless = server.cli(&["admin", "set-collection", "--new"]);
    assert_eq!(nameless.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&server.cli(&["admin", "collections"]).stdout)
            .lines()
            .count(),
        3
    );
    // A partner token must name its organization.
    let orgless = server.cli(&["admin", "create-token", "--role", "partner"]);
    assert_eq!(orgless.status.code(), Some(2));
    let unknown = server.cli(&[
        "admin",
        "create-token",
        "--role",
        "partner",
        "--org",
        "X",
        "--collection",
        "nope",
        "--read",
    ]);
    assert_eq!(unknown.status.code(), Some(1));
}

#[test]
fn an_operation_absorbed_by_another_is_revoked() {
    let server = TestServer::start(&[
        ("SCAMTRACE_ORGANIZATION", "Demo software company"),
        ("SCAMTRACE_PUBLISH_INTERVAL_SECONDS", "1"),
    ]);
    let report = |number: &str| {
        json!({"country": "US", "contact_method": "phone_call",
               "narrative": format!("A pop-up told me to call Microsoft support at {number} and pay with gift cards.")})
    };
    let import = |reports: &[Value]| {
        let file = server.dir.join(format!("r{}.jsonl", uuid_like(reports)));
        let text: Vec<String> = reports.iter().map(Value::to_string).collect();
        std::fs::write(&file, text.join("\n")).unwrap();
        let out = server.cli(&["import", file.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    import(&[
        report("1-888-555-0101"),
        report("1-888-555-0101"),
        report("1-877-555-0202"),
        report("1-877-555-0202"),
    ]);
    let analyst = format!("Bearer {}", server.token("analyst"));
    let campaigns = |server: &TestServer| -> Vec<Value> {
        read_all(server, OPERATIONS, &analyst)
            .into_iter()
            .filter(|o| o["type"] == "campaign")
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while campaigns(&server).len() < 2 {
        assert!(Instant::now() < deadline, "two operations never published");
        std::thread::sleep(Duration::from_millis(250));
    }
    // A victim who called both numbers: the two operations are one.
    import(&[json!({"country": "US", "contact_method": "phone_call",
        "narrative": "They gave me 1-888-555-0101 and later 1-877-555-0202 to call back."})]);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let now = campaigns(&server);
        let revoked: Vec<&Value> = now.iter().filter(|c| c["revoked"] == true).collect();
        if revoked.len() == 1 {
            let live: Vec<&Value> = now.iter().filter(|c| c["revoked"] != true).collect();
            assert_eq!(live.len(), 1);
            assert!(
                live[0]["description"]
                    .as_str()
                    .unwrap()
                    .starts_with("5 reports"),
                "{}",
                live[0]
            );
            assert!(revoked[0]["modified"].as_str() > revoked[0]["created"].as_str());
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the absorbed operation was not revoked: {now:?}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    // Its relationships went with it; a partner reading the collection gets the revocation too.
    let partner = format!("Bearer {}", partner_token(&server, "Partner Bank", &[]));
    let seen = read_all(&server, OPERATIONS, &partner);
    assert_eq!(
        seen.iter()
            .filter(|o| o["type"] == "campaign" && o["revoked"] == true)
            .count(),
        1
    );
    assert!(
        seen.iter()
            .any(|o| o["type"] == "relationship" && o["revoked"] == true)
    );
}

/// A short name for a batch of reports, for its file.
fn uuid_like(reports: &[Value]) -> usize {
    reports.iter().map(|r| r.to_string().len()).sum::<usize>() + reports.len()
}
