//! The official Public Suffix List test vectors (`test_psl.txt`, shipped inside the PyPI wheel
//! `publicsuffixlist`, which `scripts/test` installs into `.venv`).
//!
//! Without the file the test prints a loud notice and passes, unless
//! `SCAMTRACE_REQUIRE_ALL_TESTS=1` (CI), which makes it fail.

use std::path::PathBuf;

fn vectors_file() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("SCAMTRACE_PSL_TEST_FILE") {
        return Some(PathBuf::from(path));
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.venv/lib");
    std::fs::read_dir(venv)
        .ok()?
        .flatten()
        .map(|e| e.path().join("site-packages/publicsuffixlist/test_psl.txt"))
        .find(|p| p.exists())
}

/// `checkPublicSuffix('a.b.example.com', 'example.com');` → (input, expected), `null` as None.
fn parse_line(line: &str) -> Option<(Option<String>, Option<String>)> {
    let inner = line
        .trim()
        .strip_prefix("checkPublicSuffix(")?
        .strip_suffix(");")?;
    let (a, b) = inner.split_once(", ")?;
    let value = |s: &str| (s != "null").then(|| s.trim_matches('\'').to_string());
    Some((value(a), value(b)))
}

#[test]
fn official_public_suffix_vectors_pass() {
    let Some(path) = vectors_file() else {
        if std::env::var("SCAMTRACE_REQUIRE_ALL_TESTS").as_deref() == Ok("1") {
            panic!(
                "test_psl.txt not found (install publicsuffixlist into .venv, as scripts/test does)"
            );
        }
        eprintln!(
            "\n!!! SKIPPED: the Public Suffix List vectors need .venv (scripts/test installs it) !!!\n"
        );
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let Some((input, expected)) = parse_line(line) else {
            continue;
        };
        checked += 1;
        let got = input
            .as_deref()
            .and_then(scamtrace_extract::net::registrable_domain);
        if got != expected {
            failures.push(format!("{input:?}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(
        checked >= 75,
        "only {checked} vectors read from {}",
        path.display()
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} vectors fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
