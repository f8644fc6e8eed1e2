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
        &["demo", "generate", "--help"],
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
    let out = server.cli(&["import", csv.to_str().unwrap()]);
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
