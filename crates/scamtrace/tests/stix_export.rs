//! `scamtrace export stix` on demo data through the real binary: a bundle the OASIS
//! `stix2-validator` accepts with no errors, authored by the configured organization, holding
//! every operation, and not one byte of the victims' personal data.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::TestServer;
use serde_json::Value;

/// Every reporter's name, email and phone in the demo reports (what must never leave).
fn personal_data(demo: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for line in String::from_utf8_lossy(demo).lines() {
        let r: Value = serde_json::from_str(line).unwrap();
        for key in ["name", "email", "phone"] {
            if let Some(v) = r["reporter"][key].as_str() {
                out.push(v.to_string());
            }
        }
    }
    out
}

#[test]
fn exported_bundles_are_valid_stix_and_carry_no_personal_data() {
    let server = TestServer::start(&[("SCAMTRACE_ORGANIZATION", "Example Software Inc.")]);
    let demo = Command::new(common::BIN)
        .args(["demo", "generate", "--reports", "600", "--seed", "42"])
        .output()
        .unwrap();
    let file = server.dir.join("demo.jsonl");
    std::fs::write(&file, &demo.stdout).unwrap();
    assert!(
        server
            .cli(&["import", file.to_str().unwrap()])
            .status
            .success()
    );
    let secrets = personal_data(&demo.stdout);
    assert!(
        secrets.len() > 300,
        "the demo has reporters: {}",
        secrets.len()
    );

    let out = server.cli(&["export", "stix", "--tlp", "green"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let bundle: Value = serde_json::from_str(&text).unwrap();
    let objects = bundle["objects"].as_array().unwrap();
    let identity = objects
        .iter()
        .find(|o| o["type"] == "identity" && o["name"] == "Example Software Inc.");
    assert!(
        identity.is_some(),
        "the configured organization authors the bundle"
    );
    let campaigns = objects.iter().filter(|o| o["type"] == "campaign").count();
    assert!(campaigns >= 10, "{campaigns} operations exported");
    assert!(objects.iter().any(|o| o["type"] == "gift-card-brand"));
    for s in &secrets {
        assert!(!text.contains(s.as_str()), "personal data left: {s}");
    }
    let lower = text.to_lowercase();
    for s in &secrets {
        assert!(
            !lower.contains(&s.to_lowercase()),
            "personal data left (any case): {s}"
        );
    }

    // One operation, and bad usage.
    let id = objects
        .iter()
        .find(|o| o["type"] == "campaign")
        .and_then(|c| c["name"].as_str())
        .and_then(|n| n.rsplit('#').next())
        .unwrap()
        .to_string();
    let one = server.cli(&["export", "stix", "--cluster", &id]);
    assert!(one.status.success());
    let one: Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(
        one["objects"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["type"] == "campaign")
            .count(),
        1
    );
    assert_eq!(
        server
            .cli(&["export", "stix", "--tlp", "purple"])
            .status
            .code(),
        Some(2)
    );
    let missing = server.cli(&["export", "stix", "--cluster", "999999"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no operation 999999"));

    // The OASIS validator, when the Python tools are here (CI requires them).
    let python = std::env::var_os("SCAMTRACE_PYTHON");
    let Some(python) = python else {
        if std::env::var("SCAMTRACE_REQUIRE_ALL_TESTS").as_deref() == Ok("1") {
            panic!("SCAMTRACE_PYTHON is required (SCAMTRACE_REQUIRE_ALL_TESTS=1)");
        }
        eprintln!(
            "\n!!! SKIPPED: the OASIS stix2-validator check (SCAMTRACE_PYTHON unset); CI runs it !!!\n"
        );
        return;
    };
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scamtrace-stix/tests/oracle/stix_check.py");
    let mut child = Command::new(python)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("[{text}]").as_bytes())
        .unwrap();
    let checked = child.wait_with_output().unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let result: Value = serde_json::from_slice(&checked.stdout).unwrap();
    assert_eq!(result["errors"], serde_json::json!([]), "{result}");
    for (ours, theirs) in result["ids"].as_object().unwrap() {
        assert_eq!(ours, theirs.as_str().unwrap());
    }
}

#[test]
fn a_partners_bundle_is_imported_as_its_observations_not_as_reports() {
    // The partner's instance exports an operation...
    let partner = TestServer::start(&[("SCAMTRACE_ORGANIZATION", "Example Software Inc.")]);
    let demo = Command::new(common::BIN)
        .args(["demo", "generate", "--reports", "300", "--seed", "42"])
        .output()
        .unwrap();
    let file = partner.dir.join("demo.jsonl");
    std::fs::write(&file, &demo.stdout).unwrap();
    assert!(
        partner
            .cli(&["import", file.to_str().unwrap()])
            .status
            .success()
    );
    let exported = partner.cli(&["export", "stix", "--tlp", "amber"]);
    assert!(exported.status.success());
    let bundle: Value = serde_json::from_slice(&exported.stdout).unwrap();
    let phone = bundle["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["type"] == "phone-number")
        .and_then(|o| o["value"].as_str())
        .unwrap()
        .to_string();

    // ... and this instance imports it, with one object no reader could use.
    let here = TestServer::start(&[]);
    let mut tampered = bundle.clone();
    tampered["objects"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"type": "indicator", "id": "indicator--nope"}));
    let path = here.dir.join("partner-bundle.json");
    std::fs::write(&path, serde_json::to_vec(&tampered).unwrap()).unwrap();
    let out = here.cli(&["import", "--json", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["partner"], "Example Software Inc.");
    assert!(summary["new"].as_u64().unwrap() > 20, "{summary}");
    assert_eq!(summary["rejected_objects"], 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("indicator--nope: skipped"));

    // A replay changes nothing; --strict fails on the rejected object.
    let again = here.cli(&["import", "--json", path.to_str().unwrap()]);
    let again: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(again["new"], 0);
    let strict = here.cli(&["import", "--strict", path.to_str().unwrap()]);
    assert_eq!(strict.status.code(), Some(1));

    // Not a single report was added; the value's page says what the partner saw.
    let analyst = format!("Bearer {}", here.token("analyst"));
    let h = [("authorization", analyst.as_str())];
    let reports = here.get("/api/v1/reports", &h).json();
    assert_eq!(reports["items"], serde_json::json!([]));
    let value = here
        .get(
            &format!("/api/v1/indicators/phone/{}", phone.replace('+', "%2B")),
            &h,
        )
        .json();
    let partners = value["partners"].as_array().unwrap();
    assert_eq!(partners.len(), 1, "{value}");
    assert_eq!(partners[0]["partner"], "Example Software Inc.");
    assert_eq!(partners[0]["tlp"], "TLP:AMBER");
    assert!(partners[0]["sightings"].as_i64().unwrap() >= 1);
    let page = here.get(
        &format!("/indicators/phone/{}", phone.replace('+', "%2B")),
        &h,
    );
    assert!(page.text().contains("Example Software Inc."));

    // A .json file that is not a bundle is a report, as before.
    let report = here.dir.join("one.json");
    std::fs::write(
        &report,
        r#"{"country": "US", "contact_method": "phone_call", "narrative": "They called from 888-555-0142."}"#,
    )
    .unwrap();
    let out = here.cli(&["import", report.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Imported 1 report"));
}

fn post(server: &TestServer, narrative: &str, phones: &[&str], sites: &[&str]) {
    let body = serde_json::json!({
        "country": "US", "contact_method": "phone_call", "impersonated_brand": "Microsoft",
        "scammer": {"phone_numbers": phones, "websites": sites},
        "payment": {"method": "gift_card", "amount": "300.00", "currency": "USD"},
        "narrative": narrative,
        "reporter": {"name": "Pat Victim-Sample", "email": "pat.sample@victim.example", "may_contact": true},
    });
    let r = server.post_json("/api/v1/reports", &[], &body);
    assert_eq!(r.status, 201, "{}", r.text());
}

/// Polls the indicator API until `ready` holds.
fn until(server: &TestServer, auth: &str, path: &str, ready: impl Fn(&Value) -> bool) -> Value {
    let started = std::time::Instant::now();
    loop {
        let v = server.get(path, &[("authorization", auth)]).json();
        if ready(&v) {
            return v;
        }
        assert!(started.elapsed().as_secs() < 15, "{path}: {v}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Exports `from`'s operations and imports them into `to`, as two partners exchanging files.
fn exchange(from: &TestServer, to: &TestServer) -> String {
    let out = from.cli(&["export", "stix", "--tlp", "amber"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let path = to.dir.join("from-partner.json");
    std::fs::write(&path, &text).unwrap();
    let imported = to.cli(&["import", path.to_str().unwrap()]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    text
}

#[test]
fn two_organizations_see_one_operation_after_exchanging_bundles() {
    // A's victims called two numbers and paid in gift cards.
    let a = TestServer::start(&[("SCAMTRACE_ORGANIZATION", "A")]);
    post(
        &a,
        "They called from 888-555-0142 and wanted Google Play cards.",
        &[],
        &[],
    );
    post(&a, "Numbers 888-555-0142 and then 888-555-0177.", &[], &[]);
    post(
        &a,
        "The technician on 888-555-0177 took my gift cards.",
        &[],
        &[],
    );
    // B's victims met the same operation through a site and a remote-access id; one of them
    // also names one of A's numbers.
    let b = TestServer::start(&[("SCAMTRACE_ORGANIZATION", "B")]);
    post(
        &b,
        "The pop-up sent me to fixpc-now-support.online and AnyDesk 123 456 789.",
        &[],
        &["fixpc-now-support.online"],
    );
    post(
        &b,
        "fixpc-now-support.online again, AnyDesk code 123456789.",
        &[],
        &[],
    );
    post(
        &b,
        "AnyDesk 123456789, and they said to call 1-888-555-0177 back.",
        &[],
        &[],
    );
    let (auth_a, auth_b) = (
        format!("Bearer {}", a.token("analyst")),
        format!("Bearer {}", b.token("analyst")),
    );
    // Apart, neither sees the whole operation.
    let a_alone = until(&a, &auth_a, "/api/v1/indicators/phone/8885550142", |v| {
        v["clusters"][0]["reports"] == 3
    });
    let b_alone = until(
        &b,
        &auth_b,
        "/api/v1/indicators/remote_access/anydesk:123456789",
        |v| v["clusters"][0]["reports"] == 3,
    );
    let (cluster_a, cluster_b) = (
        a_alone["clusters"][0]["id"].as_str().unwrap().to_string(),
        b_alone["clusters"][0]["id"].as_str().unwrap().to_string(),
    );

    // One exchange each way.
    let a_to_b = exchange(&a, &b);
    let b_to_a = exchange(&b, &a);
    for text in [&a_to_b, &b_to_a] {
        for secret in [
            "Pat Victim-Sample",
            "pat.sample@victim.example",
            "victim.example",
        ] {
            assert!(!text.contains(secret), "personal data crossed: {secret}");
        }
    }

    // Both now see one operation holding both organizations' victims, and whose they are.
    for (server, auth, cluster, other) in [
        (&a, &auth_a, &cluster_a, "B"),
        (&b, &auth_b, &cluster_b, "A"),
    ] {
        let joint = until(server, auth, &format!("/api/v1/clusters/{cluster}"), |v| {
            v["partners"].as_array().is_some_and(|p| !p.is_empty())
        });
        assert_eq!(joint["reports"], 3, "its own reports, counted apart");
        assert_eq!(joint["partners"][0]["partner"], other, "{joint}");
        assert!(joint["partner_sightings"].as_u64().unwrap() >= 2, "{joint}");
        let kinds: Vec<&str> = joint["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["kind"].as_str().unwrap())
            .collect();
        for kind in ["phone", "domain", "remote_access"] {
            assert!(
                kinds.contains(&kind),
                "{kind} in the joint operation: {kinds:?}"
            );
        }
        // The other's values alone reach the operation through the shared number.
        let page = server.get(
            &format!("/clusters/{cluster}"),
            &[("authorization", auth.as_str())],
        );
        assert!(page.text().contains("cluster-partners"));
    }
    // What A received from B is not A's to pass on: A's export holds only its own values.
    let again = a.cli(&["export", "stix"]);
    let again: Value = serde_json::from_slice(&again.stdout).unwrap();
    let passed_on: Vec<&Value> = again["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["value"] == "anydesk:123456789" || o["value"] == "fixpc-now-support.online")
        .collect();
    assert!(passed_on.is_empty(), "B's values left A: {passed_on:?}");
}
