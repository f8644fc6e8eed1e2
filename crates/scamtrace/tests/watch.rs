//! `scamtrace watch-domains`: names on standard input, one JSON line per suspicious name out,
//! brands' own domains never, bad brands files refused with exit status 2.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::BIN;

fn watch(args: &[&str], input: &[u8]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .arg("watch-domains")
        .args(args)
        .current_dir(dir.path())
        .env_remove("SCAMTRACE_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run scamtrace");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn suspicious_names_come_out_as_json_lines_with_their_reasons() {
    let input = "\
rnicrosoft-support.live
*.WWW.Microsoft.com.
login.microsoftonline.com
example.com
247helppc.us
not a domain
xn--80ak6aa92e.com
carehelp.live
paypal.com.secure-login.info
";
    let mut bytes = input.as_bytes().to_vec();
    bytes.extend_from_slice(b"\xff\xfe.com\n");
    bytes.extend_from_slice(&[b'a'; 10_000]);
    bytes.extend_from_slice(b"\nbillingteam.cc");
    let out = watch(&[], &bytes);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hits = lines(&out);
    let domains: Vec<&str> = hits.iter().map(|h| h["domain"].as_str().unwrap()).collect();
    assert_eq!(
        domains,
        [
            "rnicrosoft-support.live",
            "247helppc.us",
            "xn--80ak6aa92e.com",
            "carehelp.live",
            "paypal.com.secure-login.info",
            "billingteam.cc",
        ]
    );
    let first = &hits[0];
    assert_eq!(first["brand"], "Microsoft");
    assert_eq!(first["family"], "lookalike");
    assert!(first["score"].as_u64().unwrap() >= 90);
    assert_eq!(first["reasons"][0]["code"], "ascii_lookalike");
    assert!(
        first["reasons"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("'rn' for 'm'")
    );
    let sum: i64 = first["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["points"].as_i64().unwrap())
        .sum();
    assert_eq!(sum.min(100), first["score"].as_i64().unwrap());
    assert_eq!(hits[1]["family"], "fake_support");
    assert_eq!(hits[1]["brand"], serde_json::Value::Null);
    assert_eq!(hits[2]["unicode"], "аррӏе.com");
    assert_eq!(hits[2]["reasons"][0]["code"], "homograph");

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("12 names read"), "{stderr}");
    assert!(stderr.contains("6 reported"), "{stderr}");
    assert!(stderr.contains("2 brands' own"), "{stderr}");
    assert!(stderr.contains("2 not domain names"), "{stderr}");
    assert!(stderr.contains("1 not UTF-8"), "{stderr}");
    // No progress line when standard error is not a terminal.
    assert!(!stderr.contains('\r'), "{stderr}");
}

#[test]
fn min_score_and_a_brands_file_of_ones_own() {
    let dir = tempfile::tempdir().unwrap();
    let brands = dir.path().join("brands.toml");
    std::fs::write(
        &brands,
        "[[brand]]\nname = \"Contoso\"\ndomains = [\"contoso.example\"]\n",
    )
    .unwrap();
    let input = b"contosso-help.live\nwww.contoso.example\nrnicrosoft.com\nbhelp.cc\n";
    let out = watch(&["--brands", brands.to_str().unwrap()], input);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hits = lines(&out);
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert_eq!(hits[0]["brand"], "Contoso");
    assert_eq!(hits[0]["reasons"][0]["code"], "repetition");
    assert_eq!(hits[1]["domain"], "bhelp.cc");

    let out = watch(
        &["--brands", brands.to_str().unwrap(), "--min-score", "70"],
        input,
    );
    let hits = lines(&out);
    assert_eq!(hits.len(), 1, "{hits:?}");

    let out = watch(&["--min-score", "0"], b"techcrunch.com\n");
    assert_eq!(lines(&out).len(), 1);
}

#[test]
fn bad_brands_files_and_bad_usage_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let brands = dir.path().join("brands.toml");
    std::fs::write(
        &brands,
        "[[brand]]\nname = \"Contoso\"\ndomains = [\"contoso .example\"]\n",
    )
    .unwrap();
    let out = watch(&["--brands", brands.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("[[brand]] number 1 (\"Contoso\"): domains"),
        "{stderr}"
    );

    std::fs::write(&brands, "[[brand]]\nname = \"Contoso\"\n").unwrap();
    let out = watch(&["--brands", brands.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("domains"));

    let out = watch(&["--brands", "/nonexistent/brands.toml"], b"");
    assert_eq!(out.status.code(), Some(2));

    let out = watch(&["--min-score", "101"], b"");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_has_examples_and_the_default_brands_file_can_be_printed() {
    let out = Command::new(BIN)
        .args(["watch-domains", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("Usage") && help.contains("Examples"),
        "{help}"
    );
    assert!(
        help.contains("--min-score") && help.contains("--brands"),
        "{help}"
    );

    let out = watch(&["--default-brands"], b"");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("name = \"Microsoft\""));
    assert!(scamtrace_watch_parses(&text));
}

fn scamtrace_watch_parses(text: &str) -> bool {
    // The printed file is the one that ships: fed back as --brands, it works.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("brands.toml");
    std::fs::write(&path, text).unwrap();
    let out = watch(&["--brands", path.to_str().unwrap()], b"amzsupport.live\n");
    out.status.success() && lines(&out).len() == 1
}
