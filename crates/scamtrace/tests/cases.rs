//! Cases and referral packages end to end, through the real binary: the workflow and its audit
//! trail over the API; a package from a demo operation whose summary `pdftotext` reads with the
//! right counts and totals and whose pages `pdftoppm` renders; a bundle the OASIS validator
//! accepts; `verify-package` accepting the original and naming each kind of tampering; agencies
//! seeing only what was referred to them; and not one byte of personal data in a package for a
//! recipient that is not a law-enforcement agency.

mod common;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;

use common::{TestServer, reference_python, skip_or_fail};
use serde_json::{Value, json};

const AGENCY: &str = "Central Bureau of Investigation";

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// A token for an agency's member (law_enforcement) of `org`.
fn agency_token(server: &TestServer, org: &str) -> String {
    let out = server.cli(&[
        "admin",
        "create-token",
        "--role",
        "law_enforcement",
        "--org",
        org,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Imports `n` demo reports and returns their JSON lines.
fn import_demo(server: &TestServer, n: usize) -> Vec<Value> {
    let demo = Command::new(common::BIN)
        .args([
            "demo",
            "generate",
            "--reports",
            &n.to_string(),
            "--seed",
            "7",
        ])
        .output()
        .unwrap();
    assert!(demo.status.success());
    let file = server.dir.join("demo.jsonl");
    std::fs::write(&file, &demo.stdout).unwrap();
    let out = server.cli(&["import", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&demo.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The largest operation, once the server's engine has every report.
fn largest_cluster(server: &TestServer, analyst: &str, reports: usize) -> Value {
    let started = std::time::Instant::now();
    loop {
        let r = server.get("/api/v1/clusters?limit=1", &[("authorization", analyst)]);
        assert_eq!(r.status, 200, "{}", r.text());
        let body = r.json();
        let total = server
            .get("/healthz", &[])
            .json()
            .get("reports")
            .and_then(Value::as_u64);
        if total.is_none_or(|t| t as usize >= reports)
            && body["items"][0]["reports"].as_u64() > Some(5)
        {
            let id = body["items"][0]["id"].as_str().unwrap().to_string();
            return server
                .get(
                    &format!("/api/v1/clusters/{id}"),
                    &[("authorization", analyst)],
                )
                .json();
        }
        assert!(started.elapsed().as_secs() < 30, "no clusters: {body}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

fn send(
    server: &TestServer,
    method: &str,
    path: &str,
    token: &str,
    body: &Value,
) -> common::Response {
    server.request(
        method,
        path,
        &[
            ("authorization", token),
            ("content-type", "application/json"),
        ],
        body.to_string().as_bytes(),
    )
}

#[test]
fn the_case_workflow_with_its_audit_trail_and_agency_access() {
    let server = TestServer::start(&[]);
    import_demo(&server, 300);
    let analyst = bearer(&server.token("analyst"));
    let cluster = largest_cluster(&server, &analyst, 300);
    let cluster_id = cluster["id"].as_str().unwrap().to_string();

    // Opening: bad input is refused with the field named, and nothing is stored.
    let r = send(
        &server,
        "POST",
        "/api/v1/cases",
        &analyst,
        &json!({"title": "", "clusters": [cluster_id]}),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(r.json()["error"]["details"][0]["field"], "title");
    let r = send(
        &server,
        "POST",
        "/api/v1/cases",
        &analyst,
        &json!({"title": "x", "clusters": ["99999999"]}),
    );
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json()["error"]["details"][0]["message"],
        "there is no operation 99999999"
    );
    let r = send(
        &server,
        "POST",
        "/api/v1/cases",
        &analyst,
        &json!({"title": "x", "clusters": [cluster_id], "colour": "red"}),
    );
    assert_eq!(r.status, 422, "unknown fields are refused: {}", r.text());
    assert_eq!(
        server
            .get("/api/v1/cases", &[("authorization", &analyst)])
            .json()["items"],
        json!([])
    );

    let r = send(
        &server,
        "POST",
        "/api/v1/cases",
        &analyst,
        &json!({"title": "Fake Microsoft support, toll-free numbers", "clusters": [cluster_id]}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let case = r.json();
    let id = case["id"].as_str().unwrap().to_string();
    let reference = case["reference"].as_str().unwrap().to_string();
    assert_eq!(case["status"], "open");
    assert_eq!(case["operations"], json!([cluster_id]));
    let path = |tail: &str| format!("/api/v1/cases/{id}{tail}");

    // The workflow refuses what it does not allow, with the reason.
    let r = send(
        &server,
        "PATCH",
        &path(""),
        &analyst,
        &json!({"status": "actioned"}),
    );
    assert_eq!(r.status, 409);
    assert_eq!(
        r.json()["error"]["details"][0]["message"],
        "the case is open and cannot become actioned: refer it to an agency first"
    );
    let r = send(
        &server,
        "POST",
        &path("/notes"),
        &analyst,
        &json!({"text": "Called the carrier's fraud desk; numbers still live."}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = send(
        &server,
        "POST",
        &path("/referrals"),
        &analyst,
        &json!({"agency": AGENCY, "agency_reference": "CBI/2026/114"}),
    );
    assert_eq!(r.json()["status"], "referred");
    let r = send(
        &server,
        "PATCH",
        &path(""),
        &analyst,
        &json!({"status": "actioned", "reason": "search warrants executed"}),
    );
    assert_eq!(r.json()["status"], "actioned", "{}", r.text());
    for outcome in [
        json!({"kind": "raids", "count": 4, "date": "2026-11-20", "agency": AGENCY}),
        json!({"kind": "arrests", "count": 7, "date": "2026-11-20"}),
        json!({"kind": "numbers_disconnected", "count": 12, "date": "2026-11-22"}),
        json!({"kind": "money_recovered", "amount": "12500.50", "currency": "USD", "date": "2026-11-25"}),
    ] {
        let r = send(&server, "POST", &path("/outcomes"), &analyst, &outcome);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let r = send(
        &server,
        "POST",
        &path("/outcomes"),
        &analyst,
        &json!({"kind": "money_recovered", "date": "2026-11-25"}),
    );
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["error"]["details"][0]["field"], "amount");
    let r = send(
        &server,
        "PATCH",
        &path(""),
        &analyst,
        &json!({"status": "closed"}),
    );
    assert_eq!(r.json()["status"], "closed");
    let r = send(
        &server,
        "POST",
        &path("/referrals"),
        &analyst,
        &json!({"agency": "Federal Police"}),
    );
    assert_eq!(
        r.status, 409,
        "a closed case is reopened before it is referred"
    );
    let r = send(
        &server,
        "PATCH",
        &path(""),
        &analyst,
        &json!({"status": "open", "reason": "new victims"}),
    );
    assert_eq!(r.json()["status"], "open");

    // The history: every change, in order, with who and what.
    let events = server
        .get(&path("/events"), &[("authorization", &analyst)])
        .json();
    let actions: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "case.opened",
            "case.note",
            "case.referred",
            "case.status",
            "case.outcome",
            "case.outcome",
            "case.outcome",
            "case.outcome",
            "case.status",
            "case.status"
        ]
    );
    let versions: Vec<u64> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["version"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, (1..=10).collect::<Vec<_>>());
    assert_eq!(
        events["items"][3]["data"],
        json!({"from": "referred", "to": "actioned", "reason": "search warrants executed"})
    );
    // The audit log has them too, and never a note's text.
    let audit = server.cli(&["admin", "audit", "--json", "--limit", "50"]);
    let audit = String::from_utf8(audit.stdout).unwrap();
    assert_eq!(audit.matches(&format!("case:{id}")).count(), 10, "{audit}");
    assert!(!audit.contains("fraud desk"));

    // By reference too.
    let by_ref = server.get(
        &format!("/api/v1/cases/{reference}"),
        &[("authorization", &analyst)],
    );
    assert_eq!(by_ref.json()["id"], id);

    // Agencies: the one it was referred to sees it, without notes; another does not.
    let cbi = bearer(&agency_token(&server, AGENCY));
    let other = bearer(&agency_token(&server, "Metropolitan Police Cyber Unit"));
    let seen = server.get(&path(""), &[("authorization", &cbi)]);
    assert_eq!(seen.status, 200);
    assert!(
        seen.json().get("notes").is_none(),
        "agencies never see analysts' notes"
    );
    assert_eq!(
        server.get(&path(""), &[("authorization", &other)]).status,
        404
    );
    assert_eq!(
        server
            .get("/api/v1/cases", &[("authorization", &other)])
            .json()["items"],
        json!([])
    );
    assert_eq!(
        server
            .get("/api/v1/cases", &[("authorization", &cbi)])
            .json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        send(
            &server,
            "POST",
            &path("/notes"),
            &cbi,
            &json!({"text": "x"})
        )
        .status,
        403
    );
    let partner = bearer(&server.token("partner"));
    assert_eq!(
        server.get(&path(""), &[("authorization", &partner)]).status,
        403
    );

    // The dashboard's figures.
    let figures = server
        .get("/api/v1/outcomes", &[("authorization", &analyst)])
        .json();
    assert_eq!(figures["raids"], 4);
    assert_eq!(figures["arrests"], 7);
    assert_eq!(figures["numbers_disconnected"], 12);
    assert_eq!(
        figures["money_recovered"],
        json!([{"currency": "USD", "amount": "12500.50"}])
    );
    assert_eq!(figures["by_status"]["open"], 1);
    assert_eq!(
        figures["referrals_by_agency"],
        json!([{"agency": AGENCY, "cases": 1}])
    );
}

/// Every reporter's name, email and phone in the demo reports.
fn personal_data(demo: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    for r in demo {
        for key in ["name", "email", "phone"] {
            if let Some(v) = r["reporter"][key].as_str()
                && v.len() >= 5
            {
                out.push(v.to_string());
            }
        }
    }
    out
}

fn unzip(bytes: &[u8]) -> HashMap<String, Vec<u8>> {
    scamtrace_refer::package::read_files(bytes)
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect()
}

/// The package rewritten with `edit` applied to its entries (path, bytes), in order.
fn rewrite(bytes: &[u8], edit: impl Fn(&mut Vec<(String, Vec<u8>)>)) -> Vec<u8> {
    let mut entries: Vec<(String, Vec<u8>)> = scamtrace_refer::package::read_files(bytes)
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    edit(&mut entries);
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (path, data) in entries {
        out.start_file(path, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn pdftotext(pdf: &Path) -> Option<String> {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).to_string())
}

#[test]
fn a_referral_package_reads_right_verifies_and_carries_personal_data_only_for_law_enforcement() {
    let server = TestServer::start(&[("SCAMTRACE_ORGANIZATION", "Contoso Trust & Safety")]);
    let demo = import_demo(&server, 400);
    let analyst = bearer(&server.token("analyst"));
    let cluster = largest_cluster(&server, &analyst, 400);
    let cluster_id = cluster["id"].as_str().unwrap().to_string();
    let reports = cluster["reports"].as_u64().unwrap();

    // The CLI opens the case and prints its id; an agency with accounts here is law enforcement.
    let out = server.cli(&[
        "case",
        "open",
        "--cluster",
        &cluster_id,
        "--title",
        "Refund-scam call centre",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(id.len(), 36, "a case id: {id}");
    let bad = server.cli(&["case", "open", "--cluster", "424242424", "--title", "x"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("there is no operation 424242424"));
    assert!(
        server
            .cli(&["case", "refer", &id, "--agency", AGENCY])
            .status
            .success()
    );
    assert!(
        server
            .cli(&[
                "case",
                "outcome",
                &id,
                "--kind",
                "arrests",
                "--count",
                "3",
                "--date",
                "2026-11-20"
            ])
            .status
            .success()
    );
    let bad = server.cli(&["case", "status", &id, "referred"]);
    assert_eq!(bad.status.code(), Some(2));
    // The agency has an account here: it is a law-enforcement recipient.
    let out = server
        .cli_command(&[
            "admin",
            "create-user",
            "--username",
            "cbi.liaison",
            "--role",
            "law_enforcement",
            "--org",
            AGENCY,
        ])
        .env("SCAMTRACE_PASSWORD", common::random_password())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let key_doc = server.get("/.well-known/scamtrace-signing-key", &[]).json();
    let key_file = server.dir.join("instance-key.json");
    std::fs::write(&key_file, key_doc.to_string()).unwrap();
    let key = scamtrace_refer::package::PublicKey::parse(&key_doc.to_string()).unwrap();

    let export = |recipient: &str, name: &str| -> Vec<u8> {
        let out_path = server.dir.join(name);
        let out = server.cli(&[
            "case",
            "export",
            &id,
            "--recipient",
            recipient,
            "--out",
            out_path.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read(out_path).unwrap()
    };
    let partner_zip = export("Fabrikam Payments Security", "partner.zip");
    let agency_zip = export(AGENCY, "agency.zip");

    // Files and verification.
    let files = unzip(&partner_zip);
    for name in [
        "summary.pdf",
        "indicators.csv",
        "victims.csv",
        "bundle.json",
        "manifest.json",
        "README.txt",
    ] {
        assert!(
            files.contains_key(name),
            "{name} in the package: {:?}",
            files.keys()
        );
    }
    assert!(
        files.keys().any(|k| k.starts_with("abuse-notices/phone-")),
        "{:?}",
        files.keys()
    );
    let v = scamtrace_refer::package::verify(&partner_zip, Some(&key));
    assert!(v.is_valid() && v.trusted_key, "{:?}", v.problems);
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(manifest["case_id"], id);
    assert_eq!(manifest["recipient"], "Fabrikam Payments Security");
    assert_eq!(manifest["personal_data"], false);

    // victims.csv: one row per victim report.
    let victims = String::from_utf8(files["victims.csv"].clone()).unwrap();
    let rows = csv_records(&victims);
    assert_eq!(
        rows.len() as u64,
        reports + 1,
        "one header and one row per victim report"
    );
    assert!(
        rows.iter().all(|r| r.len() == rows[0].len()),
        "every row has every column"
    );
    assert!(!victims.lines().next().unwrap().contains("reporter_email"));

    // Not one byte of personal data for a recipient that is not law enforcement: every file,
    // every byte, any case; and the PDF's text as poppler reads it.
    let secrets = personal_data(&demo);
    assert!(secrets.len() > 200, "{}", secrets.len());
    let mut haystacks: Vec<String> = files
        .values()
        .map(|b| String::from_utf8_lossy(b).to_lowercase())
        .collect();
    let pdf_path = server.dir.join("summary.pdf");
    std::fs::write(&pdf_path, &files["summary.pdf"]).unwrap();
    let text = pdftotext(&pdf_path);
    if let Some(t) = &text {
        haystacks.push(t.to_lowercase());
    } else if skip_or_fail("pdftotext (poppler-utils)") {
        eprintln!("SKIPPED: the PDF text checks (pdftotext missing)");
    }
    for s in &secrets {
        let s = s.to_lowercase();
        for h in &haystacks {
            assert!(
                !h.contains(&s),
                "personal data in a package for a partner: {s}"
            );
        }
    }

    // For the agency: contact details of exactly the reporters who allowed contact.
    let agency_files = unzip(&agency_zip);
    let agency_victims = String::from_utf8(agency_files["victims.csv"].clone()).unwrap();
    assert!(
        agency_victims
            .lines()
            .next()
            .unwrap()
            .ends_with("may_contact,reporter_name,reporter_email,reporter_phone")
    );
    let member_refs = csv_records(&agency_victims);
    let (mut allowed, mut withheld) = (0, 0);
    for r in &demo {
        let Some(email) = r["reporter"]["email"].as_str() else {
            continue;
        };
        // Which demo report is which row: the email is in the row only when contact was allowed.
        let present = agency_victims.contains(email);
        if r["reporter"]["may_contact"] == json!(true) && present {
            allowed += 1;
        }
        if r["reporter"]["may_contact"] != json!(true) {
            assert!(
                !present,
                "a reporter who did not allow contact is in the agency's package"
            );
            withheld += 1;
        }
    }
    assert!(
        allowed > 0 && withheld > 0,
        "{allowed} allowed, {withheld} withheld of {} rows",
        member_refs.len()
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&agency_files["manifest.json"]).unwrap()["personal_data"],
        true
    );

    // The summary: counts and totals as the API has them, and every page renders.
    if let Some(text) = text {
        assert!(text.contains("The operation at a glance"), "{text}");
        assert!(text.contains("Refund-scam call centre"));
        assert!(
            text.contains(&format!("Operations          {cluster_id}"))
                || text.contains(&cluster_id)
        );
        let grouped = |n: u64| {
            let s = n.to_string();
            let mut out = String::new();
            for (i, c) in s.chars().enumerate() {
                if i > 0 && (s.len() - i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(c);
            }
            out
        };
        assert!(
            text.contains(&grouped(reports)),
            "the report count {reports}"
        );
        for c in cluster["countries"].as_array().unwrap().iter().take(5) {
            assert!(text.contains(c["value"].as_str().unwrap()), "country {c}");
        }
        let usd = cluster["losses_usd_estimate"].as_f64().unwrap();
        assert!(
            text.contains(&format!("USD {}", grouped(usd as u64))),
            "USD total {usd}: {text}"
        );
        for loss in cluster["losses"].as_array().unwrap() {
            let sum = loss["sum"].as_str().unwrap();
            let (whole, cents) = sum.split_once('.').unwrap();
            let shown = format!("{}.{cents}", grouped(whole.parse().unwrap()));
            assert!(text.contains(&shown), "{} total {shown}", loss["currency"]);
        }
        assert!(text.contains("Referred to Central Bureau of Investigation"));
        assert!(text.contains("3 arrests"));
        assert!(text.contains("Prepared for Fabrikam Payments Security"));
        let pages_dir = server.dir.join("pages");
        std::fs::create_dir_all(&pages_dir).unwrap();
        let out = Command::new("pdftoppm")
            .args(["-r", "40", "-png"])
            .arg(&pdf_path)
            .arg(pages_dir.join("p"))
            .output()
            .unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let info = Command::new("pdfinfo").arg(&pdf_path).output().unwrap();
        let pages: usize = String::from_utf8_lossy(&info.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("Pages:").map(|p| p.trim().parse().unwrap()))
            .unwrap();
        let pngs = std::fs::read_dir(&pages_dir)
            .unwrap()
            .filter(|e| e.as_ref().unwrap().metadata().unwrap().len() > 1000)
            .count();
        assert!(pages >= 2 && pngs == pages, "{pages} pages, {pngs} images");
    }

    // indicators.csv names the operation's phone numbers.
    let indicators = String::from_utf8(files["indicators.csv"].clone()).unwrap();
    assert!(
        indicators.starts_with("kind,value,reports,first_seen,last_seen,number_type,region\r\n")
    );
    assert!(
        indicators.lines().any(|l| l.starts_with("phone,+")),
        "{indicators}"
    );

    // The bundle: a STIX report naming everything, valid per the OASIS validator.
    let bundle: Value = serde_json::from_slice(&files["bundle.json"]).unwrap();
    let report = bundle["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["type"] == "report")
        .expect("a report object");
    assert!(report["object_refs"].as_array().unwrap().len() > 3);
    if let Some(python) = reference_python("stix2-validator") {
        let script = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../scamtrace-stix/tests/oracle/stix_check.py");
        let mut child = Command::new(python)
            .arg(script)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = b"[".to_vec();
        input.extend_from_slice(&files["bundle.json"]);
        input.push(b']');
        child.stdin.take().unwrap().write_all(&input).unwrap();
        let checked = child.wait_with_output().unwrap();
        assert!(
            checked.status.success(),
            "{}",
            String::from_utf8_lossy(&checked.stderr)
        );
        let result: Value = serde_json::from_slice(&checked.stdout).unwrap();
        assert_eq!(result["errors"], json!([]), "stix2-validator: {result}");
        for (ours, theirs) in result["ids"].as_object().unwrap() {
            assert_eq!(
                Some(ours.as_str()),
                theirs.as_str(),
                "observable ids as stix2 computes them"
            );
        }
    }

    // verify-package: the original passes with the published key; each tampering is named.
    let write = |name: &str, bytes: &[u8]| {
        let p = server.dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_string_lossy().to_string()
    };
    let verify = |path: &str, key: Option<&str>| {
        let mut args = vec!["verify-package", path];
        if let Some(k) = key {
            args.extend(["--key", k]);
        }
        let out = server.cli(&args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let key_arg = key_file.to_string_lossy().to_string();
    let original = write("original.zip", &partner_zip);
    let (code, said) = verify(&original, Some(&key_arg));
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("Signed with the trusted key"), "{said}");
    let (code, said) = verify(&original, None);
    assert_eq!(code, Some(0));
    assert!(said.contains("Integrity only"), "{said}");

    let names: Vec<String> = files
        .keys()
        .filter(|k| *k != "manifest.json")
        .cloned()
        .collect();
    for name in &names {
        let tampered = rewrite(&partner_zip, |entries| {
            let e = entries.iter_mut().find(|(p, _)| p == name).unwrap();
            let at = e.1.len() / 2;
            e.1[at] ^= 0x01;
        });
        let (code, said) = verify(&write("changed.zip", &tampered), Some(&key_arg));
        assert_eq!(code, Some(1), "{name}: {said}");
        assert!(
            said.contains(&format!("{name} was altered")),
            "{name}: {said}"
        );
    }
    let removed = rewrite(&partner_zip, |entries| {
        entries.retain(|(p, _)| p != "victims.csv")
    });
    let (code, said) = verify(&write("removed.zip", &removed), Some(&key_arg));
    assert_eq!(code, Some(1));
    assert!(
        said.contains("victims.csv is listed in the manifest but missing from the package"),
        "{said}"
    );
    let added = rewrite(&partner_zip, |entries| {
        entries.push(("notes.txt".into(), b"call me".to_vec()))
    });
    let (code, said) = verify(&write("added.zip", &added), Some(&key_arg));
    assert_eq!(code, Some(1));
    assert!(
        said.contains("notes.txt is in the package but not in the manifest"),
        "{said}"
    );
    let forged = edit_manifest(&partner_zip, |doc| {
        doc["signature"]["value"] = json!(base64_of(&[7u8; 64]));
    });
    let (code, said) = verify(&write("forged.zip", &forged), Some(&key_arg));
    assert_eq!(code, Some(1));
    assert!(said.contains("signature does not verify"), "{said}");
    let readdressed = edit_manifest(&partner_zip, |doc| {
        doc["recipient"] = json!(AGENCY);
    });
    let (code, said) = verify(&write("readdressed.zip", &readdressed), Some(&key_arg));
    assert_eq!(code, Some(1), "a manifest edited after signing: {said}");
    let other_key = scamtrace_refer::package::SigningKey::from_seed([9; 32]).public();
    let (code, said) = verify(&original, Some(&other_key.to_base64()));
    assert_eq!(code, Some(1));
    assert!(said.contains("not the trusted key"), "{said}");
    let (code, said) = verify(&write("junk.zip", b"not a zip at all"), None);
    assert_eq!(code, Some(1));
    assert!(said.contains("not a zip"), "{said}");
    let (code, said) = verify(&original, Some("not-a-key"));
    assert_eq!(code, Some(2), "{said}");

    // Packages are stored exactly as signed, and the agency downloads its own only.
    let cbi = bearer(&agency_token(&server, AGENCY));
    let listed = server
        .get(
            &format!("/api/v1/cases/{id}/packages"),
            &[("authorization", &cbi)],
        )
        .json();
    let items = listed["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        1,
        "the agency sees only the package for it: {listed}"
    );
    let href = items[0]["href"].as_str().unwrap();
    let mut got = server.get(href, &[("authorization", &cbi)]);
    assert_eq!(got.status, 200);
    assert_eq!(got.header("content-type"), Some("application/zip"));
    assert_eq!(std::mem::take(&mut got.body), agency_zip);
    let analyst_list = server
        .get(
            &format!("/api/v1/cases/{id}/packages"),
            &[("authorization", &analyst)],
        )
        .json();
    let partner_href = analyst_list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["recipient"] == "Fabrikam Payments Security")
        .unwrap()["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        server.get(&partner_href, &[("authorization", &cbi)]).status,
        404
    );
    let audit = String::from_utf8(
        server
            .cli(&["admin", "audit", "--json", "--limit", "100"])
            .stdout,
    )
    .unwrap();
    assert!(
        audit.contains("case.package.personal_data"),
        "exports with personal data are audited"
    );
    assert!(
        audit.contains("case.package.download.personal_data"),
        "so are downloads"
    );

    // Editable notice templates: written out, changed, used by the next export.
    let templates = server.dir.join("templates");
    assert!(
        server
            .cli(&["case", "templates", templates.to_str().unwrap()])
            .status
            .success()
    );
    let mut phone = String::new();
    std::fs::File::open(templates.join("phone.txt"))
        .unwrap()
        .read_to_string(&mut phone)
        .unwrap();
    assert!(phone.contains("{{ recipient }}"));
}

/// The package rewritten with its manifest edited (and not signed again).
fn edit_manifest(bytes: &[u8], edit: impl Fn(&mut Value)) -> Vec<u8> {
    rewrite(bytes, |entries| {
        let m = entries
            .iter_mut()
            .find(|(p, _)| p == "manifest.json")
            .unwrap();
        let mut doc: Value = serde_json::from_slice(&m.1).unwrap();
        edit(&mut doc);
        m.1 = serde_json::to_vec_pretty(&doc).unwrap();
    })
}

/// The records of a CSV file (RFC 4180: quoted cells may hold commas, quotes and line breaks).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut cell) = (Vec::new(), Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => cell.push(c),
        }
    }
    if !cell.is_empty() || !record.is_empty() {
        record.push(cell);
        records.push(record);
    }
    records
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Files a report naming `phones`, and returns its id.
fn report_naming(server: &TestServer, phones: &[&str]) -> String {
    let body = json!({
        "country": "US",
        "contact_method": "phone_call",
        "impersonated_brand": "Microsoft",
        "narrative": "A man said he was from Microsoft support and asked for gift cards.",
        "scammer": {"phone_numbers": phones},
    });
    let r = server.post_json("/api/v1/reports", &[], &body);
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

/// Opens a case over one cluster through the API and returns its id.
fn open_case(server: &TestServer, token: &str, title: &str, cluster: &str) -> String {
    let body = json!({"title": title, "clusters": [cluster]});
    let r = send(server, "POST", "/api/v1/cases", token, &body);
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

/// The cluster a report is in, once the engine has it.
fn cluster_of(server: &TestServer, analyst: &str, phone: &str, size: u64) -> String {
    let started = std::time::Instant::now();
    loop {
        let r = server.get(
            &format!("/api/v1/indicators/phone/{phone}"),
            &[("authorization", analyst)],
        );
        if r.status == 200 {
            let body = r.json();
            if let Some(c) = body["clusters"].as_array().and_then(|c| c.first())
                && c["reports"].as_u64() == Some(size)
            {
                return c["id"].as_str().unwrap().to_string();
            }
        }
        assert!(
            started.elapsed().as_secs() < 20,
            "no cluster for {phone}: {}",
            r.text()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn a_case_follows_its_clusters_as_they_merge() {
    let server = TestServer::start(&[]);
    let analyst = bearer(&server.token("analyst"));
    report_naming(&server, &["+1 888 555 0101"]);
    report_naming(&server, &["+1 888 555 0101"]);
    report_naming(&server, &["+1 877 555 0102"]);
    report_naming(&server, &["+1 877 555 0102"]);
    let older = cluster_of(&server, &analyst, "+18885550101", 2);
    let newer = cluster_of(&server, &analyst, "+18775550102", 2);
    assert_ne!(older, newer);
    let id = open_case(&server, &analyst, "Two desks", &newer);

    // A report naming both numbers merges the clusters; the older id names the merged one.
    report_naming(&server, &["+1 888 555 0101", "+1 877 555 0102"]);
    cluster_of(&server, &analyst, "+18885550101", 5);
    let case = server
        .get(
            &format!("/api/v1/cases/{id}"),
            &[("authorization", &analyst)],
        )
        .json();
    assert_eq!(
        case["clusters"],
        json!([newer]),
        "what the case was opened with stays on record"
    );
    assert_eq!(
        case["operations"],
        json!([older]),
        "the case follows the merge: {case}"
    );
}

#[test]
fn two_servers_on_one_postgres_database_lose_no_change_to_a_case() {
    let Some((url, schema, _cleanup)) = common::postgres_schema("cases") else {
        return;
    };
    let env = [("SCAMTRACE_POSTGRES_SCHEMA", schema.as_str())];
    let dir = tempfile::tempdir().unwrap();
    let one = TestServer::start_on(dir.path(), &url, &env);
    let two = TestServer::start_on(dir.path(), &url, &env);
    let (a1, a2) = (bearer(&one.token("analyst")), bearer(&two.token("analyst")));
    report_naming(&one, &["+1 888 555 0131"]);
    report_naming(&one, &["+1 888 555 0131"]);
    let cluster = cluster_of(&one, &a1, "+18885550131", 2);
    cluster_of(&two, &a2, "+18885550131", 2);
    let id = open_case(&one, &a1, "Racing analysts", &cluster);

    // Four threads, two on each server, append notes to the same case at once.
    const PER_THREAD: usize = 10;
    std::thread::scope(|scope| {
        for t in 0..4usize {
            let (server, token) = if t % 2 == 0 { (&one, &a1) } else { (&two, &a2) };
            let id = id.clone();
            scope.spawn(move || {
                for i in 0..PER_THREAD {
                    let r = send(
                        server,
                        "POST",
                        &format!("/api/v1/cases/{id}/notes"),
                        token,
                        &json!({"text": format!("note {t}-{i}")}),
                    );
                    assert_eq!(r.status, 200, "{}", r.text());
                }
            });
        }
    });
    let case = two
        .get(&format!("/api/v1/cases/{id}"), &[("authorization", &a2)])
        .json();
    assert_eq!(
        case["notes"].as_array().unwrap().len(),
        4 * PER_THREAD,
        "no note lost"
    );
    let events = one
        .get(
            &format!("/api/v1/cases/{id}/events"),
            &[("authorization", &a1)],
        )
        .json();
    let versions: Vec<u64> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["version"].as_u64().unwrap())
        .collect();
    assert_eq!(
        versions,
        (1..=(1 + 4 * PER_THREAD as u64)).collect::<Vec<_>>()
    );
}
