//! Protection end to end: verdicts that resist poisoning, lookups (one value, batches, ETags,
//! languages, the rate limit), analysts' decisions with their audit trail, blocklist feeds in
//! every format (the zone checked by BIND's `named-checkzone`, the bundle by the OASIS
//! validator), the privacy lookup from the command line, and the public check page.

mod common;

use common::{TestServer, partner_token, reference_python, skip_or_fail};
use serde_json::{Value, json};

/// A server that trusts `X-Forwarded-For`, so that a test can file public reports from many
/// client addresses, with lookups unlimited unless `extra` says otherwise.
fn server(extra_config: &str, env: &[(&str, &str)]) -> TestServer {
    let config = tempfile::Builder::new()
        .suffix(".toml")
        .tempfile()
        .unwrap()
        .keep()
        .unwrap()
        .1;
    std::fs::write(
        &config,
        format!("[server]\ntrust_forwarded_for = true\n{extra_config}"),
    )
    .unwrap();
    let config = config.to_string_lossy().to_string();
    let mut all: Vec<(&str, &str)> = vec![
        ("SCAMTRACE_CONFIG", config.as_str()),
        ("SCAMTRACE_LOOKUP_RATE_PER_MINUTE", "0"),
    ];
    all.extend(env);
    TestServer::start(&all)
}

/// Files a public report naming `phone` (and `url`, when given) from `client`, by `email`.
fn report_from(server: &TestServer, client: &str, email: &str, phone: &str, url: Option<&str>) {
    let mut scammer = json!({"phone_numbers": [phone]});
    if let Some(u) = url {
        scammer["websites"] = json!([u]);
    }
    let body = json!({
        "country": "US",
        "contact_method": "phone_call",
        "impersonated_brand": "Microsoft",
        "narrative": "A man said he was from Microsoft support and asked for gift cards.",
        "scammer": scammer,
        "reporter": {"email": email, "may_contact": false},
    });
    let r = server.post_json("/api/v1/reports", &[("x-forwarded-for", client)], &body);
    assert_eq!(r.status, 201, "{}", r.text());
}

fn lookup(server: &TestServer, value: &str, headers: &[(&str, &str)]) -> Value {
    let path = format!("/api/v1/lookup?value={}", urlencode(value));
    let r = server.get(&path, headers);
    assert_eq!(r.status, 200, "{value}: {}", r.text());
    r.json()
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Waits until correlation has taken in `n` reports (lookups read the engine).
fn wait_for_reports(server: &TestServer, analyst: &str, n: u64) {
    let started = std::time::Instant::now();
    loop {
        let seen = server
            .get("/api/v1/over-linked", &[("authorization", analyst)])
            .json()["reports"]
            .as_u64()
            .unwrap_or(0);
        if seen >= n {
            return;
        }
        assert!(
            started.elapsed().as_secs() < 20,
            "correlation has {seen} of {n} reports"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[test]
fn verdicts_need_independent_reports_and_resist_poisoning() {
    let server = server("", &[]);
    let analyst = bearer(&server.token("analyst"));
    // A: one scammer (or a prankster) files ten reports from one address under ten identities.
    for i in 0..10 {
        report_from(
            &server,
            "203.0.113.9",
            &format!("someone{i}@example.net"),
            "+1 888 555 0101",
            None,
        );
    }
    // B: three victims, three addresses, three identities.
    for i in 0..3 {
        report_from(
            &server,
            &format!("198.51.100.{}", i + 1),
            &format!("victim{i}@example.org"),
            "1-888-555-0102",
            None,
        );
    }
    // C: one person, three addresses.
    for i in 0..3 {
        report_from(
            &server,
            &format!("192.0.2.{}", i + 1),
            "same.person@example.org",
            "(888) 555-0103",
            None,
        );
    }
    // A bank's real fraud line (on the reference list) named by five "victims".
    for i in 0..5 {
        report_from(
            &server,
            &format!("198.51.100.{}", 50 + i),
            &format!("v{i}@example.com"),
            "+1 800 642 7676",
            None,
        );
    }
    wait_for_reports(&server, &analyst, 21);

    let a = lookup(&server, "+18885550101", &[]);
    assert_eq!(
        (a["verdict"].as_str(), a["basis"].as_str()),
        (Some("suspicious"), Some("too_few_reports")),
        "{a}"
    );
    assert_eq!(a["evidence"]["reports"], 10);
    assert_eq!(
        a["evidence"]["independent_reports"], 1,
        "ten reports from one client within a day count once"
    );

    let b = lookup(&server, "888.555.0102", &[]);
    assert_eq!(
        (b["verdict"].as_str(), b["basis"].as_str()),
        (Some("scam"), Some("independent_reports")),
        "{b}"
    );
    assert_eq!(b["value"], "+18885550102");
    assert_eq!(b["evidence"]["independent_reports"], 3);
    assert_eq!(b["evidence"]["brands"][0]["name"], "Microsoft");
    // A phone number's verdict lasts 180 days after its last sighting.
    let last = time::OffsetDateTime::parse(
        b["evidence"]["last_seen"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let expires = time::OffsetDateTime::parse(
        b["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_eq!(expires - last, time::Duration::days(180));

    let c = lookup(&server, "+1 888 555 0103", &[]);
    assert_eq!(
        c["verdict"], "suspicious",
        "one reporter from three addresses is one report: {c}"
    );
    assert_eq!(c["evidence"]["independent_reports"], 1);

    let bank = lookup(&server, "1-800-642-7676", &[]);
    assert_eq!(
        (bank["verdict"].as_str(), bank["basis"].as_str()),
        (Some("legitimate"), Some("reference_list")),
        "{bank}"
    );
    assert!(
        bank.get("possible_spoofing").is_none(),
        "the public is not told about spoofing suspicions"
    );
    let staff = lookup(&server, "1-800-642-7676", &[("authorization", &analyst)]);
    assert_eq!(staff["possible_spoofing"], true);
    let spoofing = server
        .get("/api/v1/verdicts/spoofing", &[("authorization", &analyst)])
        .json();
    assert!(
        spoofing["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["value"] == "+18006427676" && i["reports"] == 5),
        "{spoofing}"
    );
    // An analyst's confirmation does not override the reference list either.
    let put = |value: &str, body: Value| {
        server.request(
            "PUT",
            &format!("/api/v1/verdicts/phone/{}", urlencode(value)),
            &[
                ("authorization", &analyst),
                ("content-type", "application/json"),
            ],
            body.to_string().as_bytes(),
        )
    };
    let r = put(
        "+18006427676",
        json!({"decision": "confirmed", "reason": "test"}),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["verdict"], "legitimate");

    // Analysts decide: clear B (a false positive), confirm A, expire C.
    for (body, field) in [
        (json!({"decision": "cleared", "reason": "  "}), "reason"),
        (json!({"decision": "blocked", "reason": "x"}), "decision"),
    ] {
        let r = put("+18885550102", body);
        assert_eq!(r.status, 400, "{}", r.text());
        assert_eq!(r.json()["error"]["details"][0]["field"], field);
    }
    assert_eq!(
        lookup(&server, "+18885550102", &[])["verdict"],
        "scam",
        "a refused decision changes nothing"
    );
    let r = put(
        "1-888-555-0102",
        json!({"decision": "cleared", "reason": "the victims' bank's own callback line"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let cleared = r.json();
    assert_eq!(
        (cleared["verdict"].as_str(), cleared["basis"].as_str()),
        (Some("unknown"), Some("analyst_cleared"))
    );
    assert_eq!(
        cleared["decision"]["reason"],
        "the victims' bank's own callback line"
    );
    // New reports do not flag a cleared value again.
    for i in 0..3 {
        report_from(
            &server,
            &format!("198.51.100.{}", 20 + i),
            &format!("late{i}@example.org"),
            "+18885550102",
            None,
        );
    }
    wait_for_reports(&server, &analyst, 24);
    let b = lookup(&server, "+18885550102", &[]);
    assert_eq!(b["verdict"], "unknown");
    assert_eq!(
        b["evidence"]["independent_reports"], 6,
        "the new reports are still shown"
    );

    let r = put(
        "+18885550101",
        json!({"decision": "confirmed", "reason": "the operation's callback number, seen in the call centre's scripts"}),
    );
    assert_eq!(r.json()["verdict"], "scam");
    assert_eq!(
        lookup(&server, "+18885550101", &[])["basis"],
        "analyst_confirmed"
    );
    let r = put(
        "+18885550103",
        json!({"decision": "expired", "reason": "the number was reassigned"}),
    );
    assert_eq!(r.json()["verdict"], "unknown");
    assert_eq!(
        r.json()["evidence"]["reports"],
        0,
        "evidence before the expiry no longer counts"
    );

    // Every decision, refused ones excepted, is in the audit log with its actor and reason.
    let out = server.cli(&["admin", "audit", "--json"]);
    assert!(out.status.success());
    let events: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let verdicts: Vec<(&str, &str)> = events
        .iter()
        .filter(|e| e["action"].as_str().unwrap_or("").starts_with("verdict."))
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["subject"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        vec![
            ("verdict.expired", "phone:+18885550103"),
            ("verdict.confirmed", "phone:+18885550101"),
            ("verdict.cleared", "phone:+18885550102"),
            ("verdict.confirmed", "phone:+18006427676"),
        ]
    );
    assert!(
        events
            .iter()
            .any(|e| e["reason"] == "the number was reassigned")
    );

    // A partner organization's report is its sighting: one is enough. The public learns how many
    // organizations saw it, staff learn which.
    let partner = partner_token(&server, "Telecom Trust Desk", &[]);
    let body = json!({"country": "GB", "contact_method": "phone_call", "narrative": "Caller claimed to be from BT and asked for AnyDesk.",
                      "scammer": {"phone_numbers": ["+44 20 7946 0958"]}});
    let r = server.post_json(
        "/api/v1/reports",
        &[("authorization", &bearer(&partner))],
        &body,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    wait_for_reports(&server, &analyst, 25);
    let d = lookup(&server, "+442079460958", &[]);
    assert_eq!(
        (d["verdict"].as_str(), d["basis"].as_str()),
        (Some("scam"), Some("partner_sighting")),
        "{d}"
    );
    assert_eq!(d["evidence"]["organizations"], 1);
    let d = lookup(&server, "+442079460958", &[("authorization", &analyst)]);
    assert_eq!(
        d["evidence"]["organizations"],
        json!(["Telecom Trust Desk"])
    );

    // Nothing in the log or the answers names a reporter.
    let log = server.log();
    for secret in [
        "victim0@example.org",
        "same.person@example.org",
        "someone3@example.net",
    ] {
        assert!(!log.contains(secret), "{secret} in the server log");
    }
}

#[test]
fn lookups_take_any_form_answer_in_the_callers_language_and_carry_etags() {
    let server = server(
        "[server.protect]\nlookup_rate_per_minute = 60\nlookup_burst = 3\n",
        &[("SCAMTRACE_LOOKUP_RATE_PER_MINUTE", "60")],
    );
    let analyst = bearer(&server.token("analyst"));
    for i in 0..3 {
        report_from(
            &server,
            &format!("198.51.100.{}", i + 1),
            &format!("victim{i}@example.org"),
            "+1 888 555 0142",
            Some("hxxps://microsoft-support-help247[.]com/fix?id=7"),
        );
    }
    wait_for_reports(&server, &analyst, 3);
    // Lookups with a token are not limited.
    let as_analyst = [("authorization", analyst.as_str())];
    let mut forms = Vec::new();
    for written in [
        "+1 (888) 555-0142",
        "1-888-555-0142",
        "888.555.0142",
        "(888) 555 01 42",
        "+1８８８５５５０１４２",
    ] {
        let a = lookup(&server, written, &as_analyst);
        forms.push((
            a["value"].as_str().unwrap().to_string(),
            a["verdict"].as_str().unwrap().to_string(),
        ));
    }
    assert!(
        forms
            .iter()
            .all(|f| f == &("+18885550142".to_string(), "scam".to_string())),
        "{forms:?}"
    );
    // A URL is judged with its domain, a domain by its registrable domain.
    let url = lookup(
        &server,
        "https://microsoft-support-help247.com/fix?id=7",
        &as_analyst,
    );
    assert_eq!(
        (url["kind"].as_str(), url["verdict"].as_str()),
        (Some("url"), Some("scam")),
        "{url}"
    );
    let other_page = lookup(
        &server,
        "https://microsoft-support-help247.com/other",
        &as_analyst,
    );
    assert_eq!(other_page["verdict"], "scam");
    assert_eq!(
        other_page["domain"]["value"],
        "microsoft-support-help247.com"
    );
    let sub = lookup(&server, "login.microsoft-support-help247.com", &as_analyst);
    assert_eq!(
        (
            sub["kind"].as_str(),
            sub["value"].as_str(),
            sub["verdict"].as_str()
        ),
        (
            Some("domain"),
            Some("microsoft-support-help247.com"),
            Some("scam")
        )
    );
    // URLs live 30 days after their last sighting, domains 90.
    let days = |a: &Value| {
        let p = |f: &str| {
            time::OffsetDateTime::parse(f, &time::format_description::well_known::Rfc3339).unwrap()
        };
        (p(a["expires_at"].as_str().unwrap()) - p(a["evidence"]["last_seen"].as_str().unwrap()))
            .whole_days()
    };
    assert_eq!(days(&url), 30);
    assert_eq!(days(&sub), 90);
    let unknown = lookup(&server, "+1 888 555 0199", &as_analyst);
    assert_eq!(
        (unknown["verdict"].as_str(), unknown["basis"].as_str()),
        (Some("unknown"), Some("no_evidence"))
    );
    // Forcing a kind: a bare remote-access id.
    let r = server.get(
        "/api/v1/lookup?value=anydesk:123456789&kind=remote_access",
        &as_analyst,
    );
    assert_eq!(r.json()["verdict"], "unknown");

    // Advice in the caller's language.
    let ja = lookup(
        &server,
        "+18885550142",
        &[("authorization", &analyst), ("accept-language", "ja")],
    );
    assert!(ja["advice"].as_str().unwrap().contains("電話"), "{ja}");
    let de = lookup(
        &server,
        "+18885550142",
        &[("authorization", &analyst), ("accept-language", "de-DE")],
    );
    assert!(de["advice"].as_str().unwrap().contains("Nummer"), "{de}");

    // ETags: the same answer again is 304 with no body.
    let r = server.get("/api/v1/lookup?value=%2B18885550142", &as_analyst);
    let etag = r.header("etag").unwrap().to_string();
    let again = server.get(
        "/api/v1/lookup?value=%2B18885550142",
        &[("authorization", &analyst), ("if-none-match", &etag)],
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let stale = server.get(
        "/api/v1/lookup?value=%2B18885550142",
        &[("authorization", &analyst), ("if-none-match", "\"nope\"")],
    );
    assert_eq!(stale.status, 200);

    // Batches: in order, with each bad value's own error.
    let r = server.post_json("/api/v1/lookup", &as_analyst, &json!({"values": ["888-555-0142", "not a value at all", 42, "microsoft-support-help247.com"]}));
    assert_eq!(r.status, 200, "{}", r.text());
    let items = r.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0]["verdict"], "scam");
    assert_eq!(items[1]["error"]["details"][0]["code"], "not_a_value");
    assert_eq!(items[1]["error"]["details"][0]["field"], "values[1]");
    assert_eq!(items[2]["error"]["details"][0]["code"], "invalid_type");
    assert_eq!(items[3]["verdict"], "scam");
    let too_many: Vec<String> = (0..501).map(|i| format!("+1888555{i:04}")).collect();
    let r = server.post_json("/api/v1/lookup", &as_analyst, &json!({"values": too_many}));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["details"][0]["code"], "too_many_values");
    let r = server.request(
        "POST",
        "/api/v1/lookup",
        &[("content-type", "text/plain")],
        b"x",
    );
    assert_eq!(r.status, 415);
    // Bad requests name the problem.
    for (path, field) in [
        ("/api/v1/lookup", "value"),
        ("/api/v1/lookup?value=%2B18885550142&kind=fax", "kind"),
        ("/api/v1/lookup?value=%2B18885550142&region=USA", "region"),
    ] {
        let r = server.get(path, &as_analyst);
        assert_eq!(r.status, 400, "{path}");
        assert_eq!(r.json()["error"]["details"][0]["field"], field, "{path}");
    }

    // Anonymous callers are limited per address: a burst of three, then 429 with Retry-After.
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            server
                .get(
                    "/api/v1/lookup?value=%2B18885550142",
                    &[("x-forwarded-for", "192.0.2.200")],
                )
                .status,
        );
    }
    assert_eq!(&statuses[..3], &[200, 200, 200]);
    let limited = server.get(
        "/api/v1/lookup?value=%2B18885550142",
        &[("x-forwarded-for", "192.0.2.200")],
    );
    assert_eq!(limited.status, 429);
    assert!(limited.header("retry-after").is_some());
    assert_eq!(
        server
            .get(
                "/api/v1/lookup?value=%2B18885550142",
                &[("x-forwarded-for", "192.0.2.201")]
            )
            .status,
        200,
        "other clients unaffected"
    );
}

#[test]
fn feeds_list_scam_values_in_every_format_and_answer_304_when_unchanged() {
    let server = server("", &[]);
    let analyst = bearer(&server.token("analyst"));
    for i in 0..3 {
        report_from(
            &server,
            &format!("198.51.100.{}", i + 1),
            &format!("victim{i}@example.org"),
            "+1 888 555 0142",
            Some("https://evil-helpdesk.azurewebsites.net/call-now"),
        );
    }
    for i in 0..3 {
        report_from(
            &server,
            &format!("198.51.100.{}", i + 10),
            &format!("other{i}@example.org"),
            "+1 888 555 0177",
            Some("http://windows-defender-alert.example.com/warning"),
        );
    }
    // Only suspicious: not in any feed.
    report_from(
        &server,
        "198.51.100.99",
        "lonely@example.org",
        "+1 888 555 0166",
        Some("http://lonely-scam.example.net/"),
    );
    wait_for_reports(&server, &analyst, 7);

    let txt = server.get("/api/v1/feeds/phone.txt", &[]);
    assert_eq!(txt.status, 200);
    assert_eq!(txt.text(), "+18885550142\n+18885550177\n");
    let domains = server.get("/api/v1/feeds/domain.txt", &[]).text();
    assert_eq!(
        domains, "evil-helpdesk.azurewebsites.net\nexample.com\n",
        "a scam page on a shared host lists its own name, never the host"
    );

    let hosts = server.get("/api/v1/feeds/domain.hosts", &[]).text();
    assert!(
        hosts.contains("\n0.0.0.0 evil-helpdesk.azurewebsites.net\n"),
        "{hosts}"
    );
    assert!(!hosts.lines().any(|l| l == "0.0.0.0 azurewebsites.net"));

    let csv = server.get("/api/v1/feeds/url.csv", &[]);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let csv = csv.text();
    assert!(csv.starts_with(
        "value,kind,first_seen,last_seen,listed_since,expires_at,basis,independent_reports,brands\n"
    ));
    assert!(
        csv.contains("https://evil-helpdesk.azurewebsites.net/call-now,url,"),
        "{csv}"
    );
    assert!(!csv.contains("lonely"));

    let json = server.get("/api/v1/feeds/phone.json", &[]).json();
    assert_eq!(json["count"], 2);
    assert_eq!(json["items"][0]["basis"], "independent_reports");
    assert_eq!(json["items"][0]["brands"], json!(["microsoft"]));
    for body in [
        server.get("/api/v1/feeds/phone.json", &[]).text(),
        csv.clone(),
        hosts.clone(),
    ] {
        assert!(!body.contains("@example.org"), "no reporter in a feed");
    }

    // ETag and Last-Modified: unchanged feeds answer 304.
    let r = server.get("/api/v1/feeds/phone.csv", &[]);
    let etag = r.header("etag").unwrap().to_string();
    let modified = r.header("last-modified").unwrap().to_string();
    assert!(modified.ends_with(" GMT"), "{modified}");
    assert_eq!(
        server
            .get("/api/v1/feeds/phone.csv", &[("if-none-match", &etag)])
            .status,
        304
    );
    assert_eq!(
        server
            .get(
                "/api/v1/feeds/phone.csv",
                &[("if-modified-since", &modified)]
            )
            .status,
        304
    );
    // Incremental: only what was listed after a time.
    let since = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let later = server.get(
        &format!("/api/v1/feeds/phone.txt?since={}", urlencode(&since)),
        &[],
    );
    assert_eq!(later.text(), "");
    // A new scam value changes the feed and its ETag.
    for i in 0..3 {
        report_from(
            &server,
            &format!("198.51.100.{}", i + 30),
            &format!("new{i}@example.org"),
            "+1 888 555 0188",
            None,
        );
    }
    wait_for_reports(&server, &analyst, 10);
    let r = server.get("/api/v1/feeds/phone.csv", &[("if-none-match", &etag)]);
    assert_eq!(r.status, 200);
    assert_ne!(r.header("etag").unwrap(), etag);
    let later = server.get(
        &format!("/api/v1/feeds/phone.txt?since={}", urlencode(&since)),
        &[],
    );
    assert_eq!(later.text(), "+18885550188\n");
    // Cleared values leave the feeds.
    let r = server.request(
        "PUT",
        "/api/v1/verdicts/phone/%2B18885550177",
        &[
            ("authorization", &analyst),
            ("content-type", "application/json"),
        ],
        br#"{"decision": "cleared", "reason": "a test line"}"#,
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        server.get("/api/v1/feeds/phone.txt", &[]).text(),
        "+18885550142\n+18885550188\n"
    );

    // What does not exist.
    for path in [
        "/api/v1/feeds/phone.hosts",
        "/api/v1/feeds/phone.rpz",
        "/api/v1/feeds/fax.csv",
        "/api/v1/feeds/phone.xml",
        "/api/v1/feeds/phone",
    ] {
        assert_eq!(server.get(path, &[]).status, 404, "{path}");
    }
    assert_eq!(
        server
            .get("/api/v1/feeds/phone.csv?since=yesterday", &[])
            .status,
        400
    );

    // The zone loads in BIND.
    let zone = server.get("/api/v1/feeds/domain.rpz", &[]).text();
    assert!(
        zone.contains(
            "\nevil-helpdesk.azurewebsites.net CNAME .\n*.evil-helpdesk.azurewebsites.net CNAME .\n"
        ),
        "{zone}"
    );
    let path = server.dir.join("feed.rpz");
    std::fs::write(&path, &zone).unwrap();
    match std::process::Command::new("named-checkzone")
        .arg("rpz.scamtrace.test")
        .arg(&path)
        .output()
    {
        Ok(out) => {
            let said = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "named-checkzone refused the zone:\n{said}\n{zone}"
            );
            assert!(said.contains("OK"), "{said}");
        }
        Err(_) => {
            skip_or_fail("named-checkzone (Debian package bind9-utils)");
        }
    }
    // The bundle passes the OASIS validator.
    let bundle = server.get("/api/v1/feeds/phone.stix", &[]);
    assert_eq!(
        bundle.header("content-type"),
        Some("application/stix+json;version=2.1")
    );
    let bundle = bundle.json();
    let patterns: Vec<&str> = bundle["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["pattern"].as_str())
        .collect();
    assert_eq!(
        patterns,
        vec![
            "[phone-number:value = '+18885550142']",
            "[phone-number:value = '+18885550188']"
        ]
    );
    if let Some(python) = reference_python("the OASIS stix2-validator") {
        use std::io::Write;
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../scamtrace-stix/tests/oracle/stix_check.py");
        let mut child = std::process::Command::new(python)
            .arg(script)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("[{bundle}]").as_bytes())
            .unwrap();
        let checked = child.wait_with_output().unwrap();
        assert!(
            checked.status.success(),
            "{}",
            String::from_utf8_lossy(&checked.stderr)
        );
        let result: Value = serde_json::from_slice(&checked.stdout).unwrap();
        assert_eq!(result["errors"], json!([]), "{result}");
        for (ours, theirs) in result["ids"].as_object().unwrap() {
            assert_eq!(ours, theirs.as_str().unwrap());
        }
    }
}

#[test]
fn the_privacy_lookup_sends_only_a_prefix() {
    let server = server("", &[("SCAMTRACE_LOG", "info,access=debug")]);
    let analyst = bearer(&server.token("analyst"));
    for i in 0..3 {
        report_from(
            &server,
            &format!("198.51.100.{}", i + 1),
            &format!("victim{i}@example.org"),
            "+1 800 555 0142",
            Some("https://pc-fix-desk.example.com/"),
        );
    }
    wait_for_reports(&server, &analyst, 3);
    let check = |args: &[&str]| {
        let mut all = vec!["check"];
        all.extend(args);
        let url = server.url("");
        all.extend(["--server", url.as_str(), "--json"]);
        let out = std::process::Command::new(common::BIN)
            .args(&all)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, out, err) = check(&["--private", "1-8OO-555-0142"]);
    assert_eq!(code, Some(0), "{err}");
    let answer: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (answer["verdict"].as_str(), answer["value"].as_str()),
        (Some("scam"), Some("+18005550142")),
        "{answer}"
    );
    let prefix = answer["sent_prefix"].as_str().unwrap().to_string();
    assert_eq!(prefix.len(), 4);
    let (_, out, _) = check(&["--private", "hxxps://pc-fix-desk[.]example[.]com/"]);
    let site: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(site["verdict"], "scam", "{site}");
    let (_, out, _) = check(&["--private", "+1 888 555 0199"]);
    let unknown: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(unknown["verdict"], "unknown");
    let unknown_prefix = unknown["sent_prefix"].as_str().unwrap().to_string();
    // Open lookups from the command line too.
    let (code, out, _) = check(&["800-555-0142"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["verdict"],
        "scam"
    );
    // Bad usage.
    let (code, _, err) = check(&["--private", "nothing to see here"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no phone number"), "{err}");

    // The server saw the prefixes and nothing else of the private lookups.
    let log = server.own_log();
    assert!(
        log.contains(&format!("/api/v1/hashes/{prefix}")),
        "the access log shows the prefix:\n{log}"
    );
    assert!(log.contains(&format!("/api/v1/hashes/{unknown_prefix}")));
    let full_hash = hex_sha256("scamtrace-lookup-v1:phone:+18885550199");
    for secret in ["8885550199", "+18885550199", &full_hash, &full_hash[..8]] {
        assert!(!log.contains(secret), "{secret} reached the server log");
    }
    // The bucket holds full hashes with verdicts, and the scheme is published.
    let scheme = server.get("/api/v1/hashes", &[]).json();
    assert_eq!(scheme["scheme"], "scamtrace-lookup-v1");
    let bucket = server.get(&format!("/api/v1/hashes/{prefix}"), &[]).json();
    let full = hex_sha256("scamtrace-lookup-v1:phone:+18005550142");
    assert!(
        bucket["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["hash"] == full.as_str() && i["verdict"] == "scam"),
        "{bucket}"
    );
    assert_eq!(server.get("/api/v1/hashes/12345", &[]).status, 400);
    assert_eq!(
        server.get("/api/v1/hashes/zzzz", &[]).json()["error"]["details"][0]["code"],
        "invalid_prefix"
    );
}

fn hex_sha256(s: &str) -> String {
    use std::fmt::Write;
    let digest = <sha2::Sha256 as sha2::Digest>::digest(s.as_bytes());
    digest.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

#[test]
fn the_check_page_answers_in_the_visitors_language_and_links_to_the_report_form() {
    let server = server("", &[]);
    let analyst = bearer(&server.token("analyst"));
    for i in 0..3 {
        report_from(
            &server,
            &format!("198.51.100.{}", i + 1),
            &format!("victim{i}@example.org"),
            "+1 888 555 0142",
            None,
        );
    }
    wait_for_reports(&server, &analyst, 3);
    let page = server.get("/check", &[]);
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("Check a number or website") && html.contains("href=\"/report?lang=en\"")
    );
    let page = server.get("/check?value=1-888-555-0142", &[]).text();
    assert!(page.contains("class=\"verdict verdict-scam\""), "{page}");
    assert!(page.contains("Do not call it"));
    assert!(page.contains("<dd id=\"independent-reports\">3</dd>"));
    for (lang, words) in [
        ("ja", "詐欺"),
        ("de", "Betrug"),
        ("es", "Estafa"),
        ("fr", "Arnaque"),
    ] {
        let page = server
            .get(&format!("/check?value=%2B18885550142&lang={lang}"), &[])
            .text();
        assert!(page.contains(words), "{lang}");
        assert!(
            page.contains(&format!("href=\"/report?lang={lang}\"")),
            "{lang}"
        );
    }
    // Something that is no value: the page says so, keeps what was typed, escaped.
    let r = server.get("/check?value=%3Cscript%3Ealert(1)%3C%2Fscript%3E", &[]);
    assert_eq!(r.status, 422);
    let html = r.text();
    assert!(html.contains("We could not find a phone number"));
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;"));
}

#[test]
fn the_domain_watch_scores_over_http_and_its_ingested_hits_are_only_suspicious() {
    let server = server("", &[]);
    let analyst = bearer(&server.token("analyst"));
    let r = server.post_json(
        "/api/v1/domains/score",
        &[],
        &json!({"domains": ["rnicrosoft-support.com", "microsoft.com", "not a domain", 7, "carehelp247.live"]}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let items = r.json()["items"].as_array().unwrap().clone();
    let statuses: Vec<&str> = items
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        vec!["scored", "own", "not_a_domain", "not_a_domain", "scored"],
        "{items:?}"
    );
    assert_eq!(items[0]["brand"], "Microsoft");
    assert_eq!(items[0]["family"], "lookalike");
    assert!(
        items[0]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["detail"].is_string() && r["code"].is_string())
    );
    assert_eq!(items[4]["family"], "fake_support");
    let too_many: Vec<String> = (0..1001).map(|i| format!("n{i}.example.com")).collect();
    assert_eq!(
        server
            .post_json("/api/v1/domains/score", &[], &json!({"domains": too_many}))
            .status,
        400
    );

    // Ingested hits: a name's registrable domain becomes suspicious, never scam.
    let mut child = server
        .cli_command(&["watch-domains", "--ingest"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin
            .write_all(
                b"login.secure-microsoft-support-help.live\nwww.wikipedia.org\ncarehelp247.live\n",
            )
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 domains recorded as suspicious"));
    // The server reads hits again within seconds.
    let started = std::time::Instant::now();
    let hit = loop {
        let a = lookup(
            &server,
            "https://secure-microsoft-support-help.live/call",
            &[("authorization", &analyst)],
        );
        if a["verdict"] == "suspicious" || started.elapsed().as_secs() > 15 {
            break a;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert_eq!(hit["verdict"], "suspicious", "{hit}");
    assert_eq!(hit["domain"]["basis"], "domain_watch");
    let d = lookup(
        &server,
        "secure-microsoft-support-help.live",
        &[("authorization", &analyst)],
    );
    assert_eq!(
        (d["verdict"].as_str(), d["basis"].as_str()),
        (Some("suspicious"), Some("domain_watch"))
    );
    assert_eq!(d["watch"]["brand"], "Microsoft");
    assert!(d["watch"]["score"].as_u64().unwrap() >= 50);
    assert_eq!(
        server.get("/api/v1/feeds/domain.txt", &[]).text(),
        "",
        "a watch hit alone is never in a feed"
    );
    // The domain's page shows the watch's reasons.
    let page = server.get(
        "/indicators/domain/secure-microsoft-support-help.live",
        &[("authorization", &analyst)],
    );
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("id=\"watch-score\"") && html.contains("id=\"watch-hit\""),
        "{html}"
    );
}

#[test]
fn cached_public_answers_change_as_soon_as_the_evidence_does() {
    let server = server("", &[]);
    let analyst = bearer(&server.token("analyst"));
    let value = "1-866-555-0164";
    // Asked twice the same way: the second answer is the cached one, byte for byte.
    let first = lookup(&server, value, &[]);
    assert_eq!(first["verdict"], "unknown");
    assert_eq!(lookup(&server, value, &[]), first);
    // A report arrives: the next answer reflects it at once.
    report_from(
        &server,
        "198.51.100.7",
        "victim@example.org",
        "+1 866 555 0164",
        None,
    );
    wait_for_reports(&server, &analyst, 1);
    assert_eq!(lookup(&server, value, &[])["verdict"], "suspicious");
    // An analyst confirms it: so does the next answer.
    let r = server.request(
        "PUT",
        "/api/v1/verdicts/phone/%2B18665550164",
        &[
            ("authorization", &analyst),
            ("content-type", "application/json"),
        ],
        json!({"decision": "confirmed", "reason": "carrier confirmed"})
            .to_string()
            .as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(lookup(&server, value, &[])["verdict"], "scam");
    // Each language has its own answer.
    let ja = lookup(&server, value, &[("accept-language", "ja")]);
    assert_ne!(ja["advice"], lookup(&server, value, &[])["advice"]);
}
