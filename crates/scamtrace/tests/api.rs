//! The report API end to end, against a real `scamtrace serve` process: a victim files a report,
//! an analyst reads it back, and every kind of bad or unauthorized request is refused without
//! storing or leaking anything.

mod common;

use common::TestServer;
use serde_json::{Value, json};

fn full_report() -> Value {
    json!({
        "occurred_on": "2026-11-02",
        "country": "US",
        "language": "en-US",
        "contact_method": "popup",
        "impersonated_brand": "Micro soft Windows support",
        "scammer": {
            "phone_numbers": ["+1 (888) 555-0142", "1-8OO-555-0143"],
            "websites": ["ms-helpdesk-247[.]example[.]com"],
            "emails": ["billing@ms-helpdesk.example.com"],
            "names": ["Steve"]
        },
        "remote_access": {"tool": "AnyDesk", "id": "123 456 789"},
        "payment": {"method": "gift_card", "amount": "500.00", "currency": "USD", "details": "Google Play cards"},
        "narrative": "A red screen said my PC was infected <script>alert(1)</script> and to call them.",
        "reporter": {"name": "Robin Sample", "email": "robin.sample@example.org", "phone": "+1 555 0100", "may_contact": true}
    })
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn stored_count(server: &TestServer) -> u64 {
    let metrics = server.get("/metrics", &[]).text();
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("scamtrace_reports "))
        .and_then(|n| n.trim().parse().ok())
        .expect("scamtrace_reports gauge")
}

#[test]
fn a_report_is_filed_and_read_back_by_an_analyst() {
    let server = TestServer::start(&[]);
    let created = server.post_json("/api/v1/reports", &[], &full_report());
    assert_eq!(created.status, 201, "{}", created.text());
    let body = created.json();
    let id = body["id"].as_str().unwrap().to_string();
    let reference = body["reference"].as_str().unwrap();
    assert!(
        reference.starts_with("TSS-2026-") && reference.len() == 14,
        "{reference}"
    );
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/reports/{id}").as_str())
    );

    // Extraction ran before the 201: the report's indicators, normalized, with where they came from.
    let indicators = |v: &Value| -> Vec<(String, String, String)> {
        v["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["kind"].as_str().unwrap().to_string(),
                    i["value"].as_str().unwrap().to_string(),
                    i["source"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let created_indicators = indicators(&body);
    for expected in [
        ("phone", "+18885550142", "scammer.phone_numbers[0]"),
        (
            "domain",
            "ms-helpdesk-247.example.com",
            "scammer.websites[0]",
        ),
        (
            "email",
            "billing@ms-helpdesk.example.com",
            "scammer.emails[0]",
        ),
        ("remote_access", "anydesk:123456789", "remote_access.id"),
        ("gift_card", "google_play", "payment.details"),
        ("brand", "microsoft", "impersonated_brand"),
    ] {
        let expected = (
            expected.0.to_string(),
            expected.1.to_string(),
            expected.2.to_string(),
        );
        assert!(
            created_indicators.contains(&expected),
            "{expected:?} missing from {created_indicators:?}"
        );
    }

    let analyst = bearer(&server.token("analyst"));
    let got = server.get(
        &format!("/api/v1/reports/{id}"),
        &[("authorization", &analyst)],
    );
    assert_eq!(got.status, 200, "{}", got.text());
    let r = got.json();
    assert_eq!(indicators(&r), created_indicators, "stored as extracted");
    let phone = r["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "phone")
        .unwrap();
    assert_eq!(
        (phone["region"].as_str(), phone["number_type"].as_str()),
        (Some("US"), Some("toll_free"))
    );
    assert_eq!(r["reference"], reference);
    assert_eq!(r["country"], "US");
    assert_eq!(r["language"], "en-US");
    assert_eq!(r["occurred_on"], "2026-11-02");
    assert_eq!(r["contact_method"], "popup");
    assert_eq!(r["source"], "api");
    assert_eq!(
        r["impersonated_brand"]["text"],
        "Micro soft Windows support"
    );
    assert_eq!(r["impersonated_brand"]["brand"]["name"], "Microsoft");
    assert_eq!(r["scammer"]["phone_numbers"][1], "1-8OO-555-0143");
    assert_eq!(r["remote_access"]["tool"], "AnyDesk");
    assert_eq!(
        r["payment"],
        json!({"method": "gift_card", "amount": "500.00", "currency": "USD", "details": "Google Play cards"})
    );
    assert!(
        r["narrative"]
            .as_str()
            .unwrap()
            .contains("<script>alert(1)</script>")
    );
    assert_eq!(
        r["reporter"],
        json!({"present": true}),
        "personal data only on request"
    );
    assert!(!got.text().contains("robin.sample"));

    // Personal data needs a reason, and reading it is counted (and audited).
    let no_reason = server.get(
        &format!("/api/v1/reports/{id}?include=reporter"),
        &[("authorization", &analyst)],
    );
    assert_eq!(no_reason.status, 400);
    assert_eq!(no_reason.json()["error"]["details"][0]["field"], "reason");
    let with_reason = server.get(
        &format!("/api/v1/reports/{id}?include=reporter&reason=victim%20follow-up"),
        &[("authorization", &analyst)],
    );
    assert_eq!(with_reason.status, 200);
    assert_eq!(
        with_reason.json()["reporter"]["email"],
        "robin.sample@example.org"
    );
    assert!(
        server
            .get("/metrics", &[])
            .text()
            .contains("scamtrace_personal_data_reads_total 1")
    );
    let admin = bearer(&server.token("admin"));
    let admin_pii = server.get(
        &format!("/api/v1/reports/{id}?include=reporter&reason=curious"),
        &[("authorization", &admin)],
    );
    assert_eq!(
        admin_pii.status, 403,
        "admins manage the instance, they do not read victims' data"
    );

    // The list finds it by every filter.
    for query in [
        "country=us",
        "brand=microsoft",
        "contact_method=popup",
        "since=2026-01-01",
        "q=infected%20RED",
        "q=%E3%83%BC",
    ] {
        let list = server.get(
            &format!("/api/v1/reports?{query}"),
            &[("authorization", &analyst)],
        );
        assert_eq!(list.status, 200, "{query}: {}", list.text());
        let items = list.json()["items"].as_array().unwrap().len();
        let expected = if query == "q=%E3%83%BC" { 0 } else { 1 };
        assert_eq!(items, expected, "{query}");
    }
    let listed = server
        .get("/api/v1/reports", &[("authorization", &analyst)])
        .json();
    assert!(
        listed["items"][0].get("indicators").is_none(),
        "lists stay light"
    );
    let miss = server
        .get("/api/v1/reports?country=JP", &[("authorization", &analyst)])
        .json();
    assert_eq!(miss, json!({"items": [], "next_cursor": null}));
}

#[test]
fn the_form_refuses_posts_without_its_csrf_pair_and_logs_no_personal_data() {
    let server = TestServer::start(&[("SCAMTRACE_LOG", "debug")]);
    let body = "country=US&contact_method=popup&narrative=forged&reporter.email=robin.sample%40example.org";
    let forged = server.request(
        "POST",
        "/report",
        &[("content-type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    );
    assert_eq!(forged.status, 403);
    assert_eq!(stored_count(&server), 0, "a cross-site post stores nothing");

    let form = server.get("/report", &[]);
    let cookie = form
        .headers_named("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("st_csrf="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let token = cookie.trim_start_matches("st_csrf=");
    let genuine = format!("{body}&csrf_token={token}");
    let ok = server.request(
        "POST",
        "/report",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("cookie", &cookie),
        ],
        genuine.as_bytes(),
    );
    assert_eq!(ok.status, 303, "{}", ok.text());
    assert!(
        ok.header("location")
            .unwrap()
            .starts_with("/report/thanks?reference=TSS-")
    );
    server.post_json("/api/v1/reports", &[], &full_report());
    server.post_json(
        "/api/v1/reports",
        &[],
        &json!({"country": "US", "reporter": {"email": "robin.sample@example.org"}}),
    );
    assert_eq!(stored_count(&server), 2);
    let log = server.log();
    assert!(!log.is_empty());
    for secret in ["robin.sample", "Robin Sample", "555 0100"] {
        assert!(
            !log.contains(secret),
            "the log holds personal data: {secret}"
        );
    }
}

#[test]
fn lists_are_paginated_with_cursors() {
    let server = TestServer::start(&[]);
    for i in 0..7 {
        let r = server.post_json("/api/v1/reports", &[], &json!({"country": "GB", "contact_method": "email", "narrative": format!("report {i}")}));
        assert_eq!(r.status, 201);
    }
    let analyst = bearer(&server.token("analyst"));
    let mut seen = Vec::new();
    let mut path = "/api/v1/reports?limit=3".to_string();
    loop {
        let page = server.get(&path, &[("authorization", &analyst)]).json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(
            items
                .iter()
                .map(|i| i["narrative"].as_str().unwrap().to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/reports?limit=3&cursor={c}"),
            None => break,
        }
    }
    let expected: Vec<String> = (0..7).rev().map(|i| format!("report {i}")).collect();
    assert_eq!(seen, expected, "newest first, each once");
    let bad = server.get(
        "/api/v1/reports?cursor=bogus",
        &[("authorization", &analyst)],
    );
    assert_eq!(
        (
            bad.status,
            bad.json()["error"]["details"][0]["field"].as_str()
        ),
        (400, Some("cursor"))
    );
}

#[test]
fn bad_input_gets_a_precise_error_and_stores_nothing() {
    let server = TestServer::start(&[]);
    let post = |content_type: Option<&str>, body: &[u8]| {
        let headers: Vec<(&str, &str)> = content_type
            .map(|c| vec![("content-type", c)])
            .unwrap_or_default();
        server.request("POST", "/api/v1/reports", &headers, body)
    };
    let details = |r: &common::Response| -> Vec<(String, String)> {
        r.json()["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["field"].as_str().unwrap().to_string(),
                    d["code"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let json = Some("application/json");

    let missing = post(json, b"{}");
    assert_eq!(missing.status, 422);
    assert_eq!(missing.json()["error"]["code"], "validation_failed");
    assert_eq!(
        details(&missing),
        [
            ("country", "required"),
            ("contact_method", "required"),
            ("narrative", "required")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );

    let mut unknown_enum = full_report();
    unknown_enum["contact_method"] = json!("carrier_pigeon");
    unknown_enum["payment"]["method"] = json!("iou");
    let r = post(json, unknown_enum.to_string().as_bytes());
    assert_eq!(r.status, 422);
    assert_eq!(
        details(&r),
        [
            ("contact_method", "invalid_value"),
            ("payment.method", "invalid_value")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );

    let mut long = full_report();
    long["narrative"] = json!("x".repeat(20_001));
    let r = post(json, long.to_string().as_bytes());
    assert_eq!(
        (r.status, details(&r)),
        (422, vec![("narrative".to_string(), "too_long".to_string())])
    );
    assert!(
        r.json()["error"]["details"][0]["message"]
            .as_str()
            .unwrap()
            .contains("20000")
    );

    let mut nested = full_report();
    nested["scammer"]["phone_numbers"] = json!(["ok 1-888-555-0100", 42]);
    nested["reporter"]["may_contact"] = json!("yes");
    nested["extra"] = json!(1);
    let r = post(json, nested.to_string().as_bytes());
    assert_eq!(
        details(&r),
        [
            ("extra", "unknown_field"),
            ("scammer.phone_numbers[1]", "invalid_type"),
            ("reporter.may_contact", "invalid_type")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert!(
        !r.text().contains("robin"),
        "errors never echo personal data"
    );

    let malformed = post(json, b"{\"country\": \"US\",");
    assert_eq!(
        (malformed.status, malformed.json()["error"]["code"].as_str()),
        (400, Some("malformed_json"))
    );
    let not_object = post(json, b"[1,2,3]");
    assert_eq!(not_object.status, 422);
    let wrong_type = post(Some("text/plain"), full_report().to_string().as_bytes());
    assert_eq!(
        (
            wrong_type.status,
            wrong_type.json()["error"]["code"].as_str()
        ),
        (415, Some("unsupported_media_type"))
    );
    let no_type = post(None, full_report().to_string().as_bytes());
    assert_eq!(no_type.status, 415);
    let form_type = post(Some("application/x-www-form-urlencoded"), b"country=US");
    assert_eq!(form_type.status, 415);
    let huge = post(
        json,
        format!("{{\"narrative\": \"{}\"}}", "x".repeat(400 * 1024)).as_bytes(),
    );
    assert_eq!(
        (huge.status, huge.json()["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );
    let nul = post(
        json,
        br#"{"country":"US","contact_method":"popup","narrative":"a\u0000b"}"#,
    );
    assert_eq!(
        details(&nul),
        [("narrative".to_string(), "invalid_characters".to_string())]
    );

    assert_eq!(
        stored_count(&server),
        0,
        "nothing was stored from any bad request"
    );
    let ok = post(json, full_report().to_string().as_bytes());
    assert_eq!(ok.status, 201);
    assert_eq!(stored_count(&server), 1);
}

#[test]
fn error_messages_follow_accept_language() {
    let server = TestServer::start(&[]);
    let expect = [
        ("de", "Feld"),
        ("ja", "必須"),
        ("es", "obligatorio"),
        ("fr", "obligatoire"),
        ("en", "required"),
    ];
    for (lang, fragment) in expect {
        let r = server.post_json(
            "/api/v1/reports",
            &[("accept-language", lang)],
            &json!({"country": "US", "contact_method": "popup"}),
        );
        let message = r.json()["error"]["details"][0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(message.contains(fragment), "{lang}: {message}");
    }
}

/// A role (none for the public) and the headers that authenticate it.
type Caller<'a> = (Option<scamtrace_server::Role>, Vec<(&'a str, &'a str)>);

#[test]
fn every_route_admits_exactly_the_roles_it_declares() {
    use scamtrace_server::auth::{Access, ROUTES, Role};
    let server = TestServer::start(&[]);
    let id = server
        .post_json("/api/v1/reports", &[], &full_report())
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let tokens: Vec<(Role, String)> = Role::ALL
        .iter()
        .map(|r| (*r, bearer(&server.token(r.as_str()))))
        .collect();
    // The first report of a fresh database is cluster 1; wait for the engine to have it.
    let analyst = tokens
        .iter()
        .find(|(r, _)| *r == Role::Analyst)
        .map(|(_, t)| t.clone())
        .unwrap();
    let started = std::time::Instant::now();
    while server
        .get("/api/v1/clusters/1", &[("authorization", &analyst)])
        .status
        != 200
    {
        assert!(started.elapsed().as_secs() < 10, "cluster 1 never appeared");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Two more operations (reports that share nothing), for the routes that add one to a case.
    for (narrative, phone) in [
        ("A pop-up said call 1-877-555-0161.", "+1 877 555 0161"),
        (
            "A caller from 1-866-555-0172 said my bank account was hacked.",
            "+1 866 555 0172",
        ),
    ] {
        let body = json!({
            "country": "US", "contact_method": "phone_call", "narrative": narrative,
            "scammer": {"phone_numbers": [phone]},
        });
        assert_eq!(server.post_json("/api/v1/reports", &[], &body).status, 201);
    }
    for cluster in ["2", "3"] {
        let started = std::time::Instant::now();
        while server
            .get(
                &format!("/api/v1/clusters/{cluster}"),
                &[("authorization", &analyst)],
            )
            .status
            != 200
        {
            assert!(
                started.elapsed().as_secs() < 10,
                "cluster {cluster} never appeared"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }
    // A case over cluster 1, referred to the law-enforcement token's agency, with a package for
    // it: what every case route (and an agency's member) has to work on.
    let agency = "law_enforcement organization";
    let case = server.post_json(
        "/api/v1/cases",
        &[("authorization", &analyst)],
        &json!({"title": "Route walk", "clusters": ["1"]}),
    );
    assert_eq!(case.status, 201, "{}", case.text());
    let case = case.json()["id"].as_str().unwrap().to_string();
    let referred = server.post_json(
        &format!("/api/v1/cases/{case}/referrals"),
        &[("authorization", &analyst)],
        &json!({"agency": agency}),
    );
    assert_eq!(referred.status, 200, "{}", referred.text());
    let package = server.post_json(
        &format!("/api/v1/cases/{case}/packages"),
        &[("authorization", &analyst)],
        &json!({"recipient": agency}),
    );
    assert_eq!(package.status, 201, "{}", package.text());
    let package = package.json()["id"].as_str().unwrap().to_string();
    // Someone to assign the case to: an analyst's account.
    server.user("walk.analyst", "analyst");
    // Forms need a CSRF cookie and the token that goes with it (from any page).
    let login = server.get("/login", &[]);
    let csrf_cookie = login
        .headers_named("set-cookie")
        .into_iter()
        .find_map(|c| c.split(';').next().filter(|c| c.starts_with("st_csrf=")))
        .expect("a CSRF cookie")
        .to_string();
    let csrf_token = login
        .text()
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF token")
        .to_string();
    let decision_form = format!("decision=automatic&reason=route+walk&csrf_token={csrf_token}");
    let verdict_form = format!("decision=expired&reason=route+walk&csrf_token={csrf_token}");
    let form = |fields: &str| format!("{fields}&csrf_token={csrf_token}");
    let (note_form, refer_form, assign_form, outcome_form, package_form, open_form) = (
        form("text=Route+walk"),
        form("agency=law_enforcement+organization&agency_reference=RW-1"),
        form("assignee=walk.analyst"),
        form("kind=arrests&count=2&date=2026-06-01"),
        form("recipient=law_enforcement+organization"),
        form("title=Route+walk"),
    );
    // Moving a case to a status it has is refused: the admin (first) closes it, the analyst reopens it.
    let (close_form, reopen_form) = (form("status=closed"), form("status=open"));
    for route in ROUTES {
        // Each route with parameters that exist, and a body where it takes one.
        let (path, body): (String, &[u8]) = match route.path {
            "/clusters/{id}" => ("/clusters/1".into(), b""),
            "/clusters/{id}/case" => ("/clusters/1/case".into(), open_form.as_bytes()),
            "/cases/{id}" => (format!("/cases/{case}"), b""),
            "/cases/{id}/note" => (format!("/cases/{case}/note"), note_form.as_bytes()),
            "/cases/{id}/refer" => (format!("/cases/{case}/refer"), refer_form.as_bytes()),
            "/cases/{id}/status" => (format!("/cases/{case}/status"), close_form.as_bytes()),
            "/cases/{id}/assign" => (format!("/cases/{case}/assign"), assign_form.as_bytes()),
            "/cases/{id}/outcome" => (format!("/cases/{case}/outcome"), outcome_form.as_bytes()),
            "/cases/{id}/package" => (format!("/cases/{case}/package"), package_form.as_bytes()),
            "/packages/{id}" => (format!("/packages/{package}"), b""),
            "/api/v1/cases" if route.method == "POST" => (
                "/api/v1/cases".into(),
                br#"{"title": "Route walk", "clusters": ["1"]}"#,
            ),
            "/api/v1/cases/{id}" if route.method == "PATCH" => (
                format!("/api/v1/cases/{case}"),
                br#"{"title": "Route walk, renamed"}"#,
            ),
            "/api/v1/cases/{id}/notes" => (
                format!("/api/v1/cases/{case}/notes"),
                br#"{"text": "Route walk"}"#,
            ),
            "/api/v1/cases/{id}/referrals" => (
                format!("/api/v1/cases/{case}/referrals"),
                br#"{"agency": "law_enforcement organization"}"#,
            ),
            "/api/v1/cases/{id}/outcomes" => (
                format!("/api/v1/cases/{case}/outcomes"),
                br#"{"kind": "money_recovered", "amount": "1250.50", "currency": "EUR", "date": "2026-06-01"}"#,
            ),
            "/api/v1/cases/{id}/clusters" => (
                format!("/api/v1/cases/{case}/clusters"),
                br#"{"clusters": ["2"]}"#,
            ),
            "/api/v1/cases/{id}/packages" if route.method == "POST" => (
                format!("/api/v1/cases/{case}/packages"),
                br#"{"recipient": "law_enforcement organization"}"#,
            ),
            case_route if case_route.starts_with("/api/v1/cases/{id}") => {
                (case_route.replace("{id}", &case), b"")
            }
            "/api/v1/packages/{id}" => (format!("/api/v1/packages/{package}"), b""),
            "/clusters/{id}/export.csv" => ("/clusters/1/export.csv".into(), b""),
            "/indicators/{kind}/{value}" => ("/indicators/phone/+18885550142".into(), b""),
            "/indicators/{kind}/{value}/decision" => (
                "/indicators/phone/+18885550142/decision".into(),
                decision_form.as_bytes(),
            ),
            "/indicators/{kind}/{value}/verdict" => (
                "/indicators/phone/+18885550142/verdict".into(),
                verdict_form.as_bytes(),
            ),
            "/static/vendor/{file}" => ("/static/vendor/cytoscape-LICENSE.txt".into(), b""),
            "/api/v1/lookup" if route.method == "POST" => {
                ("/api/v1/lookup".into(), br#"{"values": ["+18885550142"]}"#)
            }
            "/api/v1/lookup" => ("/api/v1/lookup?value=%2B18885550142".into(), b""),
            "/api/v1/hashes/{prefix}" => ("/api/v1/hashes/00ff".into(), b""),
            "/api/v1/feeds/{name}" => ("/api/v1/feeds/phone.csv".into(), b""),
            "/api/v1/domains/score" => (
                "/api/v1/domains/score".into(),
                br#"{"domains": ["rnicrosoft-support.com"]}"#,
            ),
            "/api/v1/verdicts/{kind}/{value}" => (
                "/api/v1/verdicts/phone/8885550142".into(),
                br#"{"decision": "expired", "reason": "route walk"}"#,
            ),
            "/api/v1/clusters/{id}" => ("/api/v1/clusters/1".into(), b""),
            "/api/v1/clusters/{id}/explain" => {
                (format!("/api/v1/clusters/1/explain?a={id}&b={id}"), b"")
            }
            "/api/v1/indicators/{kind}/{value}" => {
                ("/api/v1/indicators/phone/8885550142".into(), b"")
            }
            "/api/v1/over-linked/{kind}/{value}" => (
                "/api/v1/over-linked/phone/8885550142".into(),
                br#"{"decision": "automatic", "reason": "route walk"}"#,
            ),
            // TAXII: the operations collection to read, the submissions one to add to, objects
            // and statuses that do not exist (404 is then the answer for those who may ask).
            "/taxii2/api/collections/{id}/objects/" if route.method == "POST" => (
                "/taxii2/api/collections/5ca37ace-7a11-4c01-8000-000000000002/objects/".into(),
                br#"{"objects": []}"#,
            ),
            taxii if route.is_taxii() => (
                taxii
                    .replace("{id}", "5ca37ace-7a11-4c01-8000-000000000001")
                    .replace(
                        "{object_id}",
                        "indicator--00000000-0000-4000-8000-000000000000",
                    )
                    .replace("{status_id}", "00000000-0000-4000-8000-000000000000"),
                b"",
            ),
            other => (other.replace("{id}", &id), b""),
        };
        let callers: Vec<Caller> = std::iter::once((None, vec![]))
            .chain(
                tokens
                    .iter()
                    .map(|(role, t)| (Some(*role), vec![("authorization", t.as_str())])),
            )
            .collect();
        // A form answers with a redirect to the page it came from.
        let form = route.method == "POST" && !route.api && !body.is_empty();
        for (role, mut headers) in callers {
            // What can be done only once: the second role adds another operation, or reopens.
            let body: &[u8] = match (route.path, role) {
                ("/api/v1/cases/{id}/clusters", Some(Role::Admin)) => br#"{"clusters": ["3"]}"#,
                ("/cases/{id}/status", Some(Role::Analyst)) => reopen_form.as_bytes(),
                _ => body,
            };
            if route.is_taxii() {
                headers.push(("accept", "application/taxii+json;version=2.1"));
                if !body.is_empty() {
                    headers.push(("content-type", "application/taxii+json;version=2.1"));
                }
            } else if form {
                headers.push(("content-type", "application/x-www-form-urlencoded"));
                headers.push(("cookie", csrf_cookie.as_str()));
            } else if !body.is_empty() {
                headers.push(("content-type", "application/json"));
            }
            let r = server.request(route.method, &path, &headers, body);
            let who = role.map(|r| r.as_str()).unwrap_or("anonymous");
            match (route.access, role) {
                (Access::Public, _) => {
                    assert_ne!(r.status, 401, "{} {path} as {who}", route.method)
                }
                (Access::Roles(_), None) if route.is_machine() => {
                    assert_eq!(r.status, 401, "{} {path} as {who}", route.method)
                }
                (Access::Roles(_), None) => {
                    assert_eq!(r.status, 303, "{} {path} as {who}", route.method);
                    assert!(r.header("location").unwrap().starts_with("/login?next="));
                }
                // TAXII decides per collection: a partner may not delete from a collection it
                // cannot both read and add to; what does not exist is 404.
                (Access::Roles(allowed), Some(role))
                    if allowed.contains(&role) && route.is_taxii() =>
                {
                    let local = matches!(role, Role::Analyst | Role::Admin);
                    let expected: &[u16] = match route.method {
                        "DELETE" if !local => &[403],
                        "DELETE" => &[404],
                        "POST" => &[202],
                        _ if path.contains("/objects/indicator--") || path.contains("/status/") => {
                            &[404]
                        }
                        _ => &[200],
                    };
                    assert!(
                        expected.contains(&r.status),
                        "{} {path} as {who}: {} {}",
                        route.method,
                        r.status,
                        r.text()
                    );
                }
                (Access::Roles(allowed), Some(role)) if allowed.contains(&role) => {
                    // What the API creates answers 201.
                    let created = route.method == "POST"
                        && route.api
                        && matches!(route.path, "/api/v1/cases" | "/api/v1/cases/{id}/packages");
                    assert_eq!(
                        r.status,
                        if form {
                            303
                        } else if created {
                            201
                        } else {
                            200
                        },
                        "{} {path} as {who}: {}",
                        route.method,
                        r.text()
                    )
                }
                (Access::Roles(_), Some(_)) => {
                    assert_eq!(r.status, 403, "{} {path} as {who}", route.method)
                }
            }
            assert!(
                !r.text().contains("robin.sample"),
                "{} {path} as {who} leaked personal data",
                route.method
            );
        }
    }
    let unknown = server.get("/api/v1/nothing-here", &[]);
    assert_eq!(
        (unknown.status, unknown.json()["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let bogus_token = server.get(
        "/api/v1/reports",
        &[("authorization", "Bearer st_not-a-real-token")],
    );
    assert_eq!(bogus_token.status, 401);
    let missing = server.get(
        "/api/v1/reports/not-an-id",
        &[("authorization", &tokens[1].1)],
    );
    assert_eq!(missing.status, 404);
}

#[test]
fn pages_carry_security_headers_and_escape_what_victims_typed() {
    let server = TestServer::start(&[]);
    let id = server
        .post_json("/api/v1/reports", &[], &full_report())
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let form = server.get("/report", &[]);
    assert_eq!(form.status, 200);
    let csp = form.header("content-security-policy").unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'")
            && csp.contains("script-src 'self'")
            && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(form.header("x-content-type-options"), Some("nosniff"));
    assert!(
        !form.text().contains("<script"),
        "the form ships no script at all"
    );
    assert!(
        !form.text().contains(" style="),
        "no inline styles (the CSP forbids them)"
    );
    assert!(
        form.text()
            .contains(r#"aria-describedby="hint-occurred_on" max="20"#),
        "the date picker stops at today"
    );
    assert!(form.text().contains(r#"inputmode="decimal""#));

    // The language switcher keeps the page: a victim who switches on the thanks page keeps the reference.
    let thanks = server.get("/report/thanks?reference=TSS-2026-ABCDE", &[]);
    assert_eq!(thanks.status, 200);
    assert!(
        thanks
            .text()
            .contains("thanks?reference=TSS-2026-ABCDE&amp;lang=ja\" hreflang=\"ja\""),
        "{}",
        thanks.text()
    );
    let japanese = server.get("/report/thanks?reference=TSS-2026-ABCDE&lang=ja", &[]);
    assert!(
        japanese.text().contains("<html lang=\"ja\"") && japanese.text().contains("TSS-2026-ABCDE")
    );
    assert!(
        japanese
            .headers_named("set-cookie")
            .iter()
            .any(|c| c.starts_with("st_lang=ja"))
    );
    assert_eq!(
        server
            .get("/report/thanks?reference=%3Cscript%3E", &[])
            .status,
        404
    );

    let analyst = bearer(&server.token("analyst"));
    let page = server.get(&format!("/reports/{id}"), &[("authorization", &analyst)]);
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>alert(1)"));
    assert!(
        !html.contains("robin.sample"),
        "sealed until asked for with a reason"
    );
    let revealed = server.get(
        &format!("/reports/{id}?include=reporter&reason=callback"),
        &[("authorization", &analyst)],
    );
    assert!(revealed.text().contains("robin.sample@example.org"));
}

#[test]
fn public_posts_are_rate_limited_per_client() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("scamtrace.toml");
    std::fs::write(
        &config,
        "[server]\nrate_limit_per_minute = 1\nrate_limit_burst = 2\n",
    )
    .unwrap();
    let server = TestServer::start(&[
        ("SCAMTRACE_CONFIG", config.to_str().unwrap()),
        ("SCAMTRACE_RATE_LIMIT_PER_MINUTE", "1"),
    ]);
    let body = json!({"country": "US", "contact_method": "popup", "narrative": "x"});
    assert_eq!(server.post_json("/api/v1/reports", &[], &body).status, 201);
    assert_eq!(server.post_json("/api/v1/reports", &[], &body).status, 201);
    let limited = server.post_json("/api/v1/reports", &[("accept-language", "ja")], &body);
    assert_eq!(limited.status, 429);
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(limited.json()["error"]["code"], "rate_limited");
    assert!(
        limited.json()["error"]["message"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| c > '\u{3000}'),
        "localized"
    );
    // Reading is not limited.
    assert_eq!(server.get("/healthz", &[]).status, 200);
}

#[test]
fn operations_routes_answer() {
    let server = TestServer::start(&[]);
    assert_eq!(
        server.get("/healthz", &[]).json(),
        json!({"status": "ok", "database": "sqlite"})
    );
    server.post_json("/api/v1/reports", &[], &full_report());
    let metrics = server.get("/metrics", &[]);
    assert!(
        metrics
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    let text = metrics.text();
    for needle in [
        "scamtrace_reports_accepted_total 1",
        "scamtrace_reports 1",
        "route=\"/api/v1/reports\",status=\"201\"",
        "scamtrace_http_request_duration_seconds_bucket",
    ] {
        assert!(text.contains(needle), "{needle} missing from\n{text}");
    }
    let doc = server.get("/api/openapi.json", &[]).json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/v1/reports"]["post"]["requestBody"].is_object());
}

#[test]
fn analysts_sign_in_with_a_session_and_sign_out() {
    let server = TestServer::start(&[]);
    server.post_json("/api/v1/reports", &[], &full_report());
    let password = server.user("analyst", "analyst");
    let redirect = server.get("/reports", &[]);
    assert_eq!(redirect.status, 303);

    let login = server.get("/login?next=/reports", &[]);
    let csrf_cookie = login
        .headers_named("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("st_csrf="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = csrf_cookie.trim_start_matches("st_csrf=").to_string();
    assert!(
        login.text().contains(&csrf),
        "the form carries the same token"
    );

    let form = |fields: &[(&str, &str)]| {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish()
    };
    let wrong = server.request(
        "POST",
        "/login",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("cookie", &csrf_cookie),
        ],
        form(&[
            ("csrf_token", &csrf),
            ("username", "analyst"),
            ("password", "not-the-password"),
            ("next", "/reports"),
        ])
        .as_bytes(),
    );
    assert_eq!(wrong.status, 401);
    let no_csrf = server.request(
        "POST",
        "/login",
        &[("content-type", "application/x-www-form-urlencoded")],
        form(&[
            ("username", "analyst"),
            ("password", &password),
            ("next", "/reports"),
        ])
        .as_bytes(),
    );
    assert_eq!(no_csrf.status, 403, "login needs the CSRF pair");
    let ok = server.request(
        "POST",
        "/login",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("cookie", &csrf_cookie),
        ],
        form(&[
            ("csrf_token", &csrf),
            ("username", "analyst"),
            ("password", &password),
            ("next", "https://evil.example/"),
        ])
        .as_bytes(),
    );
    assert_eq!(ok.status, 303);
    assert_eq!(
        ok.header("location"),
        Some("/dashboard"),
        "never redirects off-site"
    );
    let session_cookie = ok
        .headers_named("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("st_session="))
        .unwrap()
        .to_string();
    assert!(
        session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Strict"),
        "{session_cookie}"
    );
    let session = session_cookie.split(';').next().unwrap().to_string();
    let cookies = format!("{session}; {csrf_cookie}");

    let list = server.get("/reports", &[("cookie", &cookies)]);
    assert_eq!(list.status, 200);
    assert!(list.text().contains("TSS-2026-"));
    let api = server.get("/api/v1/reports", &[("cookie", &cookies)]);
    assert_eq!(api.status, 200, "the API accepts the session too");

    let out = server.request(
        "POST",
        "/logout",
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("cookie", &cookies),
        ],
        form(&[("csrf_token", &csrf)]).as_bytes(),
    );
    assert_eq!(out.status, 303);
    assert_eq!(
        server.get("/reports", &[("cookie", &cookies)]).status,
        303,
        "the session is gone"
    );
}
