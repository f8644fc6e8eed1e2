//! The analysts' workbench pages through the real binary: who may open them, search landing on
//! an indicator's page however the value is written, an operation's page (graph data, explain
//! tool, CSV export), decisions taken by form, and a report's narrative with its indicators
//! marked, hostile text staying text.

mod common;

use std::time::{Duration, Instant};

use common::{Response, TestServer};
use serde_json::{Value, json};

fn post(server: &TestServer, narrative: &str, phones: &[&str], auth: &[(&str, &str)]) -> Value {
    let body = json!({
        "country": "US",
        "contact_method": "phone_call",
        "impersonated_brand": "Microsoft",
        "scammer": {"phone_numbers": phones},
        "payment": {"method": "gift_card", "amount": "400.00", "currency": "USD"},
        "narrative": narrative,
    });
    let r = server.post_json("/api/v1/reports", auth, &body);
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()
}

/// The text between `start` and `end` after `start`'s first occurrence.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in:\n{text}"))
        + start.len();
    let to = text[from..].find(end).expect("end marker") + from;
    &text[from..to]
}

fn ok_page(r: Response) -> String {
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        "{:?}",
        r.headers
    );
    // minijinja writes `/` in values as `&#x2f;`; browsers read both the same.
    r.text().replace("&#x2f;", "/")
}

#[test]
fn analysts_work_an_operation_through_the_pages() {
    let server = TestServer::start(&[]);
    let analyst = format!("Bearer {}", server.token("analyst"));
    let partner = format!("Bearer {}", server.token("partner"));
    let h = [("authorization", analyst.as_str())];
    // A partner's token names its organization; reports sent with it are that partner's data.
    let out = server.cli(&[
        "admin",
        "create-token",
        "--role",
        "partner",
        "--org",
        "Example Software Inc.",
    ]);
    assert!(out.status.success());
    let partner_org = format!("Bearer {}", String::from_utf8_lossy(&out.stdout).trim());

    let a = post(
        &server,
        "A pop-up said to call 888-555-0142 at once. It showed <script>alert(1)</script>.",
        &[],
        &[],
    );
    let b = post(
        &server,
        "They wanted gift cards and sent me to http://fix-pc-now.example/pay to pay.",
        &["+1 (888) 555-0142"],
        &[("authorization", partner_org.as_str())],
    );
    let c = post(
        &server,
        "I called 1.888.555.0142 and paid with Apple cards.",
        &[],
        &[],
    );
    let started = Instant::now();
    let cluster = loop {
        let v = server.get("/api/v1/indicators/phone/8885550142", &h).json();
        if v["reports_total"] == 3 {
            break v["clusters"][0]["id"].as_str().unwrap().to_string();
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{v}");
        std::thread::sleep(Duration::from_millis(50));
    };

    // Signed out: sent to sign in, then back. Partners do not see the workbench.
    let anonymous = server.get("/dashboard", &[]);
    assert_eq!(anonymous.status, 303);
    assert_eq!(
        anonymous.header("location"),
        Some("/login?next=%2Fdashboard")
    );
    for path in [
        "/dashboard",
        "/clusters",
        "/over-linked",
        "/search?q=x",
        format!("/clusters/{cluster}").as_str(),
        format!("/clusters/{cluster}/export.csv").as_str(),
    ] {
        assert_eq!(
            server
                .get(path, &[("authorization", partner.as_str())])
                .status,
            403,
            "{path}"
        );
    }

    // The dashboard counts every report.
    let dashboard = ok_page(server.get("/dashboard", &h));
    let totals = between(&dashboard, "id=\"totals\"", "</dl>");
    assert!(totals.contains("<dd>3</dd>"), "{totals}");
    assert!(dashboard.contains("id=\"chart-weeks\""));
    assert!(dashboard.contains(&format!("href=\"/clusters/{cluster}\"")));

    // Search: a number written another way lands on its page; a reference on its report;
    // words search the narratives.
    let found = server.get("/search?q=%28888%29+555-0142", &h);
    assert_eq!(found.status, 303, "{}", found.text());
    assert_eq!(
        found.header("location"),
        Some("/indicators/phone/+18885550142")
    );
    let by_reference = server.get(
        &format!("/search?q={}", a["reference"].as_str().unwrap()),
        &h,
    );
    assert_eq!(by_reference.status, 303);
    assert_eq!(
        by_reference.header("location"),
        Some(format!("/reports/{}", a["id"].as_str().unwrap()).as_str())
    );
    let words = ok_page(server.get("/search?q=gift+cards", &h));
    assert!(words.contains(b["reference"].as_str().unwrap()), "{words}");
    assert!(!words.contains(c["reference"].as_str().unwrap()));
    let too_long = server.get(&format!("/search?q={}", "x".repeat(201)), &h);
    assert_eq!(too_long.status, 400);

    // The indicator's page has one address; other writings redirect to it.
    let other = server.get("/indicators/phone/888-555-0142", &h);
    assert_eq!(other.status, 303);
    assert_eq!(
        other.header("location"),
        Some("/indicators/phone/+18885550142")
    );
    let indicator = ok_page(server.get("/indicators/phone/+18885550142", &h));
    assert!(indicator.contains(&format!("href=\"/clusters/{cluster}\"")));
    assert!(indicator.contains("id=\"indicator-reports\">3<"));

    // The operation's page: the graph's data, the explain tool, the export.
    let page = ok_page(server.get(&format!("/clusters/{cluster}"), &h));
    let graph: Value = serde_json::from_str(between(
        &page,
        "<script type=\"application/json\" id=\"graph-data\">",
        "</script>",
    ))
    .expect("graph JSON");
    let nodes = graph["nodes"].as_array().unwrap();
    let reports = nodes
        .iter()
        .filter(|n| n["data"]["kind"] == "report")
        .count();
    assert_eq!(reports, 3);
    assert!(nodes.iter().any(|n| n["data"]["label"] == "+18885550142"
        && n["data"]["href"] == "/indicators/phone/+18885550142"));
    assert_eq!(graph["edges"].as_array().unwrap().len(), 3, "{graph}");
    assert!(page.contains("/static/vendor/cytoscape-3.35.0.min.js"));
    // Whose reports the operation was pieced together from.
    let whose = between(&page, "Whose reports", "</table>");
    assert!(
        whose.contains("Example Software Inc.") && whose.contains("Victims directly"),
        "{whose}"
    );
    let api = server
        .get(&format!("/api/v1/clusters/{cluster}"), &h)
        .json();
    assert_eq!(
        api["organizations"],
        json!([{"value": "", "reports": 2}, {"value": "Example Software Inc.", "reports": 1}])
    );
    assert!(!page.contains("<script>alert"), "hostile text stays text");

    let (ra, rc) = (
        a["reference"].as_str().unwrap(),
        c["reference"].as_str().unwrap(),
    );
    let explained = ok_page(server.get(&format!("/clusters/{cluster}?a={ra}&b={rc}"), &h));
    let chain = between(&explained, "id=\"chain\"", "</ol>");
    assert!(
        chain.contains(ra) && chain.contains(rc) && chain.contains("+18885550142"),
        "{chain}"
    );
    let wrong = ok_page(server.get(&format!("/clusters/{cluster}?a=ST-NOPE&b={rc}"), &h));
    assert!(wrong.contains("This report is not in this operation."));
    assert!(wrong.contains("id=\"err-a\""));

    let export = server.get(&format!("/clusters/{cluster}/export.csv"), &h);
    assert_eq!(export.status, 200);
    assert_eq!(
        export.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    assert!(
        export
            .header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment;") && d.contains(&cluster))
    );
    let csv = export.text();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with("cluster,report_id,reference,day,"));
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.starts_with(&format!("{cluster},")) && l.contains("phone:+18885550142"))
    );
    assert!(lines[1..].iter().any(|l| l.contains(ra)));
    assert_eq!(server.get("/clusters/999999999/export.csv", &h).status, 404);
    assert_eq!(server.get("/clusters/999999999", &h).status, 404);
    assert_eq!(server.get("/clusters/not-a-number", &h).status, 404);

    // The report's narrative with its indicators marked and linked, its markup escaped.
    let report = ok_page(server.get(&format!("/reports/{}", a["id"].as_str().unwrap()), &h));
    let narrative = between(&report, "id=\"narrative\">", "</div>");
    assert!(
        narrative.contains("<a class=\"mark\" href=\"/indicators/phone/+18885550142\""),
        "{narrative}"
    );
    assert!(narrative.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(report.contains(&format!("href=\"/clusters/{cluster}\"")));

    // A decision by form, by an analyst signed in on the page: CSRF-checked, audited, and the
    // operation falls apart at once.
    let password = server.user("fraud.desk", "analyst");
    let signed_in = server.sign_in("fraud.desk", &password);
    let path = "/indicators/phone/+18885550142/decision";
    let forged = common::Visitor {
        csrf: "forged".into(),
        ..signed_in.clone()
    };
    let forged = server.post_form(
        path,
        &forged,
        &[("decision", "not_linking"), ("reason", "test")],
    );
    assert_eq!(forged.status, 403);
    let missing_reason = server.post_form(
        path,
        &signed_in,
        &[("decision", "not_linking"), ("reason", "")],
    );
    assert_eq!(missing_reason.status, 400);
    let decided = server.post_form(
        path,
        &signed_in,
        &[
            ("decision", "not_linking"),
            ("reason", "the bank's real number"),
            ("back", "over-linked"),
        ],
    );
    assert_eq!(decided.status, 303, "{}", decided.text());
    assert_eq!(decided.header("location"), Some("/over-linked"));
    let value = server
        .get("/api/v1/indicators/phone/+18885550142", &h)
        .json();
    assert_eq!(value["status"], "decided_not_linking");
    assert_eq!(value["clusters"].as_array().unwrap().len(), 3);
    let over_linked = ok_page(server.get("/over-linked", &h));
    assert!(
        over_linked.contains("+18885550142"),
        "decided values are listed"
    );
}
