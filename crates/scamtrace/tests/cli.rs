//! The command line: help and usage errors, imports with bad lines, and demo data.

mod common;

use std::process::Command;

use common::{BIN, TestServer};

fn scamtrace(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env(
            "SCAMTRACE_DATABASE_URL",
            format!("sqlite://{}", dir.join("cli.db").display()),
        )
        .env_remove("SCAMTRACE_KEY")
        .env_remove("SCAMTRACE_KEY_FILE")
        .env_remove("SCAMTRACE_CONFIG")
        .output()
        .expect("run scamtrace")
}

#[test]
fn every_command_has_help_and_bad_usage_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["import", "--help"],
        &["admin", "create-token", "--help"],
        &["admin", "create-user", "--help"],
        &["admin", "reset-password", "--help"],
        &["admin", "disable-user", "--help"],
        &["admin", "enable-user", "--help"],
        &["demo", "generate", "--help"],
        &["extract", "--help"],
        &["reindex", "--help"],
        &["cluster", "--help"],
    ] {
        let out = scamtrace(dir.path(), args);
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Usage") && text.contains("Example"),
            "{args:?}: {text}"
        );
    }
    assert_eq!(
        scamtrace(dir.path(), &["frobnicate"]).status.code(),
        Some(2)
    );
    assert_eq!(
        scamtrace(dir.path(), &["admin", "create-token", "--role", "overlord"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn the_key_file_is_created_private_beside_the_database() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = scamtrace(
        dir.path(),
        &["admin", "create-token", "--role", "analyst", "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(printed["token"].as_str().unwrap().starts_with("st_"));
    let mode = std::fs::metadata(dir.path().join("cli.key"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let db = std::fs::read(dir.path().join("cli.db")).unwrap();
    let token = printed["token"].as_str().unwrap();
    assert!(
        !db.windows(token.len()).any(|w| w == token.as_bytes()),
        "only the token's hash is stored"
    );
}

#[test]
fn demo_data_is_deterministic_and_valid() {
    let dir = tempfile::tempdir().unwrap();
    let a = scamtrace(
        dir.path(),
        &["demo", "generate", "--reports", "300", "--seed", "9"],
    );
    let b = scamtrace(
        dir.path(),
        &["demo", "generate", "--reports", "300", "--seed", "9"],
    );
    let c = scamtrace(
        dir.path(),
        &["demo", "generate", "--reports", "300", "--seed", "10"],
    );
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    assert_ne!(a.stdout, c.stdout);
    let lines: Vec<&[u8]> = a
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(lines.len(), 300);
    for line in lines {
        let v: serde_json::Value = serde_json::from_slice(line).unwrap();
        scamtrace_model::parse_report(&v).unwrap_or_else(|e| panic!("{e:?} in {v}"));
    }
}

#[test]
fn imports_skip_bad_lines_by_number_and_keep_the_rest() {
    let server = TestServer::start(&[]);
    let jsonl = server.dir.join("reports.jsonl");
    let good = r#"{"country":"AU","contact_method":"phone_call","narrative":"They said they were from Telstra and Microsoft"}"#;
    let secret = r#"{"country":"AU","contact_method":"fax","narrative":"x","reporter":{"email":"hidden.victim@example.net"}}"#;
    std::fs::write(&jsonl, format!("{good}\n{{not json\n\n{secret}\n{good}\n")).unwrap();
    let out = server.cli(&["import", jsonl.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 2: skipped: not valid JSON"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 4: skipped: contact_method"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("hidden.victim"),
        "problems never quote personal data"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap()
            .split(',')
            .next()
            .unwrap(),
        "Imported 2 reports"
    );
    let strict = server.cli(&["import", "--strict", "--json", jsonl.to_str().unwrap()]);
    assert_eq!(strict.status.code(), Some(1));
    let summary: serde_json::Value = serde_json::from_slice(&strict.stdout).unwrap();
    assert_eq!(
        (summary["imported"].as_u64(), summary["skipped"].as_u64()),
        (Some(2), Some(2))
    );

    let csv = server.dir.join("reports.csv");
    std::fs::write(
        &csv,
        "country,contact_method,narrative,scammer.phone_numbers,payment.method,payment.amount,payment.currency,reporter.may_contact\n\
         CA,popup,\"Pop-up, then a call\",1-855-555-0199;1-855-555-0198,crypto,1200,CAD,yes\n\
         ZZ,popup,bad country,,,,,\n\
         CA,sms,\"multi\nline\",,,,,\n",
    )
    .unwrap();
    let out = server.cli(&[
        "import",
        "--org",
        "National Fraud Centre (example)",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 3: skipped: country"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Imported 2 reports, skipped 1"));

    let analyst = format!("Bearer {}", server.token("analyst"));
    let items = server
        .get(
            "/api/v1/reports?country=CA&contact_method=popup",
            &[("authorization", &analyst)],
        )
        .json();
    let r = &items["items"][0];
    assert_eq!(r["source"], "import");
    assert_eq!(r["organization"], "National Fraud Centre (example)");
    assert_eq!(
        r["scammer"]["phone_numbers"],
        serde_json::json!(["1-855-555-0199", "1-855-555-0198"])
    );
    assert_eq!(r["payment"]["amount"], "1200");

    let bad_header = server.dir.join("bad.csv");
    std::fs::write(&bad_header, "country,victim_ssn\nUS,1\n").unwrap();
    let out = server.cli(&["import", bad_header.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown CSV columns [\"victim_ssn\"]"));
}

#[test]
fn extract_prints_one_json_line_per_indicator() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["extract", "--region", "US"])
        .current_dir(dir.path())
        .env_remove("SCAMTRACE_CONFIG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let text = "He said he was from Microsoft, told me to go to hxxps://fix-my-pc-now[.]com/help and install AnyDesk (ID 123 456 789).";
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["brand", "url", "domain", "remote_access"],
        "{lines:?}"
    );
    let url = &lines[1];
    assert_eq!(url["value"], "https://fix-my-pc-now.com/help");
    assert_eq!(url["registrable_domain"], "fix-my-pc-now.com");
    assert_eq!(url["source"], "text");
    let span = url["span"].as_array().unwrap();
    let (s, e) = (
        span[0].as_u64().unwrap() as usize,
        span[1].as_u64().unwrap() as usize,
    );
    assert_eq!(
        &text[s..e],
        "hxxps://fix-my-pc-now[.]com/help",
        "spans point into what was written"
    );
    assert_eq!(lines[3]["tool"], "anydesk");
    assert!(
        lines
            .iter()
            .all(|l| l["confidence"].as_f64().unwrap() > 0.0 && l.get("display").is_some())
    );
    assert_eq!(
        scamtrace(dir.path(), &["extract", "--region", "XX"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn reindex_extracts_stored_reports_again() {
    let server = TestServer::start(&[]);
    let body = serde_json::json!({"country": "US", "contact_method": "popup", "narrative": "AnyDesk 987 654 321 and fix-my-pc-now.com"});
    let id = server.post_json("/api/v1/reports", &[], &body).json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = server.cli(&["reindex"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("Re-extracted 1 reports"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let analyst = format!("Bearer {}", server.token("analyst"));
    let r = server
        .get(
            &format!("/api/v1/reports/{id}"),
            &[("authorization", &analyst)],
        )
        .json();
    let values: Vec<&str> = r["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["value"].as_str().unwrap())
        .collect();
    assert_eq!(values, ["anydesk:987654321", "fix-my-pc-now.com"]);
}

#[test]
fn cluster_prints_the_largest_operations_and_checks_rebuild_against_incremental() {
    let server = TestServer::start(&[]);
    let demo = server.cli(&["demo", "generate", "--reports", "400", "--seed", "3"]);
    assert!(demo.status.success());
    let file = server.dir.join("demo.jsonl");
    std::fs::write(&file, &demo.stdout).unwrap();
    let import = server.cli(&["import", file.to_str().unwrap()]);
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );

    let out = server.cli(&["cluster", "--top", "3", "--rebuild"]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("400 reports") && stderr.contains("the same clusters"),
        "{stderr}"
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "a header and three clusters: {stdout}");
    assert!(lines[0].contains("reports") && lines[0].contains("top indicator"));
    let sizes: Vec<u64> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(
        sizes.windows(2).all(|w| w[0] >= w[1]) && sizes[2] >= 2,
        "{sizes:?}"
    );
}

#[test]
fn partner_commands_name_what_is_wrong_and_store_nothing_then() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = scamtrace(dir.path(), args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, out, _) = run(&["partner", "list"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("No partners yet"), "{out}");
    let (code, _, err) = run(&["partner", "sync"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("no partners yet"), "{err}");
    for (args, expected) in [
        (
            vec![
                "--taxii-url",
                "ftp://taxii.example/api/",
                "--collection",
                "c1",
            ],
            "http:// or https://",
        ),
        (
            vec![
                "--taxii-url",
                "https://user:pw@taxii.example/api/",
                "--collection",
                "c1",
            ],
            "not in the URL",
        ),
        (
            vec![
                "--taxii-url",
                "https://taxii.example/api/",
                "--collection",
                "a/b",
            ],
            "not a collection id",
        ),
        (
            vec![
                "--taxii-url",
                "https://taxii.example/api/",
                "--collection",
                "c1",
                "--password",
                "x",
            ],
            "--password needs --user",
        ),
    ] {
        let mut full = vec!["partner", "add", "Partner Bank"];
        full.extend(args);
        let (code, _, err) = run(&full);
        assert_eq!(code, Some(2), "{full:?}: {err}");
        assert!(err.contains(expected), "{full:?}: {err}");
        assert!(!err.contains("pw@"), "no secret echoed: {err}");
    }
    let (_, out, _) = run(&["partner", "list"]);
    assert!(out.contains("No partners yet"), "nothing stored: {out}");
    let (code, _, err) = run(&[
        "partner",
        "add",
        "Partner Bank",
        "--taxii-url",
        "https://taxii.example/api",
        "--collection",
        "c1",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let (_, out, _) = run(&["partner", "list", "--json"]);
    let listed: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(listed["taxii_url"], "https://taxii.example/api/");
    let (code, _, err) = run(&["partner", "sync", "Nobody"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("no partner named \"Nobody\""), "{err}");
}
