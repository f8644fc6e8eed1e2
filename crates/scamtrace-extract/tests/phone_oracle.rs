//! ScamTrace's phone numbers against the reference implementation: Python `phonenumbers`
//! (libphonenumber's port), driven through `tests/oracle/phones.py`.
//!
//! Two stories. Numbers built from libphonenumber's own example numbers, in every way people
//! write them, must parse to the same E.164, validity, region and type on both sides. And in
//! victims' narratives (the demo generator's), where ScamTrace deliberately does more and less
//! than libphonenumber's matcher, every difference must go the documented way: Python may also
//! report a decoy ScamTrace rejects, and ScamTrace may also find a scammer's number written in a
//! way Python does not read (letter O, vanity letters, full-width digits).
//!
//! Python comes from `SCAMTRACE_PYTHON` (set by `scripts/test`), else `.venv/bin/python` in the
//! workspace. Without either the tests print a loud notice and pass, unless
//! `SCAMTRACE_REQUIRE_ALL_TESTS=1` (CI), which makes them fail.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use scamtrace_demo::Demo;
use scamtrace_extract::phone::{PhoneMatch, find_phones, parse_phone};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// The oracle process

/// A line on stderr that shows even when the test passes (the harness captures `eprintln!`).
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

struct Oracle {
    python: PathBuf,
    script: PathBuf,
}

impl Oracle {
    /// The configured Python, or None after saying loudly why the test does not run.
    fn find() -> Option<Oracle> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/phones.py");
        let python = match std::env::var_os("SCAMTRACE_PYTHON") {
            // Configured explicitly: if it cannot import phonenumbers, that is a failure.
            Some(python) => Some(PathBuf::from(python)),
            None => {
                let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
                let usable = Command::new(&venv)
                    .args(["-c", "import phonenumbers"])
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success());
                usable.then_some(venv)
            }
        };
        if python.is_none() {
            if std::env::var("SCAMTRACE_REQUIRE_ALL_TESTS").as_deref() == Ok("1") {
                panic!(
                    "Python phonenumbers not found: set SCAMTRACE_PYTHON or create .venv \
                     (scripts/test does both)"
                );
            }
            say(
                "\n!!! SKIPPED: the phonenumbers interop tests need SCAMTRACE_PYTHON or .venv \
                 (scripts/test sets up both) !!!\n",
            );
        }
        python.map(|python| Oracle { python, script })
    }

    /// One Python process for all `requests` (each gets an `id`); the replies, in order.
    fn ask(&self, requests: Vec<Value>) -> Vec<Value> {
        let mut input = String::new();
        for (id, mut request) in requests.into_iter().enumerate() {
            request["id"] = json!(id);
            input.push_str(&request.to_string());
            input.push('\n');
        }
        let mut child = Command::new(&self.python)
            .arg(&self.script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", self.python.display()));
        let mut stdin = child.stdin.take().expect("stdin is piped");
        // Python answers while it reads, so feed it from another thread or both sides block on
        // full pipes.
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let output = child.wait_with_output().expect("oracle runs");
        let written = writer.join().expect("writer thread");
        // A Python that dies early also breaks the pipe: its stderr says why.
        assert!(
            output.status.success(),
            "{} failed: {}",
            self.script.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        written.expect("oracle reads all its input");
        let replies: Vec<Value> = String::from_utf8(output.stdout)
            .expect("oracle writes UTF-8")
            .lines()
            .map(|line| serde_json::from_str(line).expect("oracle writes JSON lines"))
            .collect();
        for (id, reply) in replies.iter().enumerate() {
            assert_eq!(reply["id"], json!(id), "oracle replies out of order");
        }
        replies
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing: numbers built from libphonenumber's example numbers

/// ScamTrace's own markets first, then numbering plans unlike theirs: trunk prefixes kept in
/// the number (IT, SM), mobile prefixes in national format (AR, MX), regions sharing a calling
/// code (NANP islands, +44 crown dependencies, +7, +39 VA), variable-length plans (DE, AT), and
/// "001" for non-geographic codes (+800 international freephone and others).
const REGIONS: &[&str] = &[
    "US", "CA", "GB", "DE", "AU", "ES", "JP", "FR", "IE", "NZ", "IN", // ScamTrace's markets
    "IT", "SM", "VA", "AR", "MX", "BR", "CL", "CO", "PE", "RU", "KZ", "CN", "HK", "TW", "KR", "SG",
    "MY", "TH", "VN", "PH", "ID", "PK", "BD", "NL", "BE", "LU", "CH", "LI", "AT", "SE", "NO", "DK",
    "FI", "IS", "PL", "CZ", "HU", "RO", "PT", "GR", "TR", "UA", "IL", "AE", "SA", "EG", "ZA", "NG",
    "KE", "JM", "PR", "DO", "BS", "GG", "JE", "IM", "MC", "001",
];

/// Default regions for numbers written with their country code: it must not matter which.
const ELSEWHERE: &[&str] = &["US", "DE", "JP", "GB", "FR", "BR", "IN"];

/// xorshift64*: deterministic inputs without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// One input: `text` goes to ScamTrace, `python_text` to Python (the same, except that a letter
/// O for a zero, which ScamTrace reads and libphonenumber does not, is a 0 there).
struct Case {
    text: String,
    python_text: String,
    region: &'static str,
    style: &'static str,
}

/// `s` with its last `new.len()` ASCII digits replaced by `new`.
fn replace_last_digits(s: &str, new: &[u8]) -> String {
    let mut bytes = s.as_bytes().to_vec();
    let mut pending = new.iter().rev();
    for b in bytes.iter_mut().rev() {
        if b.is_ascii_digit() {
            match pending.next() {
                Some(&d) => *b = d,
                None => break,
            }
        }
    }
    String::from_utf8(bytes).expect("ASCII digits swapped for ASCII digits")
}

/// One zero, somewhere after a digit, written as the letter O: ScamTrace only reads an O as 0
/// inside a run that already has a digit, so "O3-…" would be a word to it.
fn with_letter_o(s: &str, rng: &mut Rng) -> Option<String> {
    let b = s.as_bytes();
    let zeros: Vec<usize> = (1..b.len())
        .filter(|&i| b[i] == b'0' && b[i - 1].is_ascii_digit())
        .collect();
    if zeros.is_empty() {
        return None;
    }
    let at = zeros[rng.below(zeros.len())];
    let mut out = s.to_owned();
    out.replace_range(at..=at, "O");
    Some(out)
}

/// Digits and `+()-` as a Japanese IME types them.
fn fullwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' | '+' | '(' | ')' | '-' => {
                char::from_u32(c as u32 - 0x20 + 0xFF00).unwrap_or(c)
            }
            _ => c,
        })
        .collect()
}

/// The ways one number gets written: with its country code (E.164, libphonenumber's
/// international format, all spaces), in national format as libphonenumber writes it and
/// re-punctuated (bare, dots, dashes, bracketed first group), with a letter O, and in Japan
/// with full-width characters.
fn written_forms(
    region: &'static str,
    e164: &str,
    national: &str,
    international: &str,
    rng: &mut Rng,
) -> Vec<Case> {
    let mut forms: Vec<(&'static str, String, &'static str)> = vec![
        ("e164", e164.to_owned(), rng.pick(ELSEWHERE)),
        (
            "international",
            international.to_owned(),
            rng.pick(ELSEWHERE),
        ),
        (
            "international, spaces",
            international.replace(['-', '.'], " "),
            rng.pick(ELSEWHERE),
        ),
    ];
    let groups: Vec<&str> = national
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    if region != "001" {
        forms.push(("national", national.to_owned(), region));
        forms.push(("national, bare", groups.concat(), region));
        forms.push(("national, dots", groups.join("."), region));
        forms.push(("national, dashes", groups.join("-"), region));
        if groups.len() > 1 {
            let bracketed = format!("({}) {}", groups[0], groups[1..].join("-"));
            forms.push(("national, brackets", bracketed, region));
        }
    }
    let mut cases: Vec<Case> = forms
        .into_iter()
        .map(|(style, text, region)| Case {
            python_text: text.clone(),
            text,
            region,
            style,
        })
        .collect();
    let (o_style, o_base, o_region) = if region == "001" {
        ("international, letter O", international, "US")
    } else {
        ("national, letter O", national, region)
    };
    if let Some(text) = with_letter_o(o_base, rng) {
        cases.push(Case {
            text,
            python_text: o_base.to_owned(),
            region: o_region,
            style: o_style,
        });
    }
    if region == "JP" {
        for (style, text) in [
            ("national, full-width", national),
            ("international, full-width", international),
        ] {
            let text = fullwidth(text);
            cases.push(Case {
                python_text: text.clone(),
                text,
                region,
                style,
            });
        }
    }
    let mut seen = BTreeSet::new();
    cases.retain(|c| seen.insert((c.text.clone(), c.region)));
    cases
}

/// Every example number, as it is and with its last 1-4 digits changed (which lands inside
/// and outside the valid ranges), in every written form.
fn parse_cases(examples: &[(&'static str, Value)]) -> Vec<Case> {
    let mut rng = Rng(0x5CA4_7ACE_0000_0001);
    let mut cases = Vec::new();
    for (region, example) in examples {
        let field = |name: &str| example[name].as_str().unwrap_or_default().to_owned();
        let (e164, national, international) =
            (field("e164"), field("national"), field("international"));
        for changed in 0..=4 {
            let new: Vec<u8> = (0..changed).map(|_| b'0' + rng.below(10) as u8).collect();
            cases.extend(written_forms(
                region,
                &replace_last_digits(&e164, &new),
                &replace_last_digits(&national, &new),
                &replace_last_digits(&international, &new),
                &mut rng,
            ));
        }
    }
    cases
}

/// What each side made of an input, in the oracle's terms.
#[derive(Debug, PartialEq)]
struct Reading {
    e164: Option<String>,
    valid: bool,
    region: Option<String>,
    kind: Option<String>,
}

impl Reading {
    fn rust(m: Option<PhoneMatch>) -> Reading {
        match m {
            Some(m) => Reading {
                e164: Some(m.e164),
                valid: m.valid,
                region: m.region,
                kind: Some(m.number_type.as_str().to_owned()),
            },
            None => Reading::nothing(),
        }
    }

    fn python(reply: &Value) -> Reading {
        let text = |name: &str| reply[name].as_str().map(str::to_owned);
        match text("e164") {
            Some(e164) => Reading {
                e164: Some(e164),
                valid: reply["valid"].as_bool().expect("valid is a bool"),
                region: text("region"),
                kind: text("type"),
            },
            None => Reading::nothing(),
        }
    }

    fn nothing() -> Reading {
        Reading {
            e164: None,
            valid: false,
            region: None,
            kind: None,
        }
    }

    /// `+81312345678 valid JP fixed_line`, or `none`.
    fn show(&self) -> String {
        match &self.e164 {
            None => "none".to_owned(),
            Some(e164) => format!(
                "{e164} {} {} {}",
                if self.valid { "valid" } else { "invalid" },
                self.region.as_deref().unwrap_or("-"),
                self.kind.as_deref().unwrap_or("-"),
            ),
        }
    }
}

/// A kind of disagreement that is understood. `input`, `rust` and `python` are one instance,
/// which must still occur as written (so the row cannot go stale); `same_kind` recognises the
/// other instances from the input, ScamTrace's reading and Python's reply.
struct Known {
    input: &'static str,
    region: &'static str,
    rust: &'static str,
    python: &'static str,
    why: &'static str,
    same_kind: fn(&str, &Reading, &Value) -> bool,
}

const KNOWN_DIFFERENCES: &[Known] = &[
    Known {
        input: "14 139",
        region: "NL",
        rust: "none",
        python: "+3114139 invalid NL unknown",
        why: "parse_phone keeps an invalid number only when it is possible and has at least 6 \
              national digits, since short digit strings would link unrelated reports; \
              phonenumbers.parse returns whatever it can read",
        same_kind: |_, rust, python| {
            rust.e164.is_none()
                && python["valid"] == json!(false)
                && python["national_number"]
                    .as_str()
                    .is_some_and(|n| n.len() < 6)
        },
    },
    Known {
        input: "21.23.45.67",
        region: "NO",
        rust: "none",
        python: "+4721234567 valid NO fixed_line",
        why: "four dotted groups of 0-255 are an IPv4 address to ScamTrace's decoy filter \
              (scam reports quote the scammer's IPs); without a leading zero nothing tells the \
              two apart",
        same_kind: |text, rust, python| {
            rust.e164.is_none()
                && python["valid"] == json!(true)
                && dotted_quad(text).is_some_and(|groups| !has_leading_zero(&groups))
        },
    },
];

/// The groups of `a.b.c.d` when each is 1-3 digits worth at most 255, as in an IPv4 address.
fn dotted_quad(text: &str) -> Option<Vec<&str>> {
    let groups: Vec<&str> = text.split('.').collect();
    let octet = |g: &&str| {
        (1..=3).contains(&g.len())
            && g.bytes().all(|b| b.is_ascii_digit())
            && g.parse::<u16>().is_ok_and(|n| n <= 255)
    };
    (groups.len() == 4 && groups.iter().all(octet)).then_some(groups)
}

/// "012", not "0": a trunk prefix, which addresses do not have.
fn has_leading_zero(groups: &[&str]) -> bool {
    groups.iter().any(|g| g.len() > 1 && g.starts_with('0'))
}

#[test]
fn parsing_agrees_with_python_phonenumbers() {
    let Some(oracle) = Oracle::find() else {
        return;
    };
    let replies = oracle.ask(
        REGIONS
            .iter()
            .map(|region| json!({"mode": "examples", "region": region}))
            .collect(),
    );
    let examples: Vec<(&'static str, Value)> = REGIONS
        .iter()
        .zip(&replies)
        .flat_map(|(region, reply)| {
            let list = reply["examples"].as_array().expect("examples").clone();
            assert!(!list.is_empty(), "no example numbers for {region}");
            list.into_iter().map(move |example| (*region, example))
        })
        .collect();
    let cases = parse_cases(&examples);
    let replies = oracle.ask(
        cases
            .iter()
            .map(|c| json!({"mode": "parse", "text": c.python_text, "region": c.region}))
            .collect(),
    );

    let (mut agree, mut explained) = (0, 0);
    let mut seen_known = BTreeSet::new();
    let mut failures = Vec::new();
    for (case, reply) in cases.iter().zip(&replies) {
        let rust = Reading::rust(parse_phone(&case.text, case.region));
        let python = Reading::python(reply);
        if rust == python {
            agree += 1;
            continue;
        }
        let known = KNOWN_DIFFERENCES
            .iter()
            .position(|k| (k.same_kind)(&case.text, &rust, reply));
        match known {
            Some(k) => {
                explained += 1;
                let row = &KNOWN_DIFFERENCES[k];
                if row.input == case.text
                    && row.region == case.region
                    && row.rust == rust.show()
                    && row.python == python.show()
                {
                    seen_known.insert(k);
                }
            }
            None => failures.push(format!(
                "{:?} in {} ({}{}): rust {}, python {}",
                case.text,
                case.region,
                case.style,
                if case.python_text == case.text {
                    String::new()
                } else {
                    format!(", python read {:?}", case.python_text)
                },
                rust.show(),
                python.show(),
            )),
        }
    }
    let stale: Vec<String> = KNOWN_DIFFERENCES
        .iter()
        .enumerate()
        .filter(|(k, _)| !seen_known.contains(k))
        .map(|(_, k)| format!("{:?} in {}: {}", k.input, k.region, k.why))
        .collect();

    let regions: BTreeSet<&str> = examples.iter().map(|(r, _)| *r).collect();
    say(&format!(
        "phones: {} inputs, {} regions, agree {agree}, explained {explained}",
        cases.len(),
        regions.len()
    ));
    assert!(cases.len() >= 5_000, "only {} inputs", cases.len());
    assert!(regions.len() >= 40, "only {} regions", regions.len());
    assert!(
        stale.is_empty(),
        "known differences whose example no longer occurs as written (fixed? then remove the \
         row):\n{}",
        stale.join("\n")
    );
    assert!(
        failures.is_empty(),
        "{} of {} inputs disagree with phonenumbers:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Free text: the demo's narratives

/// Demos of different seeds plan different operations, so between them every market (and
/// language) shows up.
const DEMO_SEEDS: &[u64] = &[1, 2, 3, 5, 8, 13, 21, 34];
const REPORTS_PER_DEMO: usize = 125;

/// One victim's narrative and the scammer numbers the generator wrote into it.
struct Story {
    narrative: String,
    country: String,
    language: Option<String>,
    /// E.164, from the generator's ground truth (`DemoReport::planted_phones`). Not the report's
    /// `scammer.phone_numbers` as ScamTrace parses them: that would let a misreading vouch for
    /// itself (an Indian victim's "1 877 996 7062" parses to the Indian mobile +918779967062,
    /// not the operation's +18779967062).
    planted: BTreeSet<String>,
}

fn demo_stories() -> Vec<Story> {
    let mut stories = Vec::new();
    for &seed in DEMO_SEEDS {
        for r in Demo::new(seed, REPORTS_PER_DEMO).reports() {
            let text = |key: &str| r.report[key].as_str().map(str::to_owned);
            stories.push(Story {
                narrative: text("narrative").expect("every report has a narrative"),
                country: text("country").expect("every report has a country"),
                language: text("language"),
                planted: r.planted_phones.iter().cloned().collect(),
            });
        }
    }
    stories
}

/// Up to 60 bytes either side of `span`, on one line, for failure messages.
fn excerpt(text: &str, span: (usize, usize)) -> String {
    let mut from = span.0.saturating_sub(60);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut to = (span.1 + 60).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    format!(
        "…{}[[{}]]{}…",
        &text[from..span.0],
        &text[span.0..span.1],
        &text[span.1..to]
    )
    .replace('\n', " ")
}

#[test]
fn free_text_matching_agrees_on_demo_narratives() {
    let Some(oracle) = Oracle::find() else {
        return;
    };
    let stories = demo_stories();
    let replies = oracle.ask(
        stories
            .iter()
            .map(|s| json!({"mode": "match", "text": s.narrative, "region": s.country}))
            .collect(),
    );

    let (mut python_found, mut scamtrace_found, mut agree) = (0, 0, 0);
    let (mut python_only_decoys, mut scamtrace_only_planted) = (0, 0);
    let mut failures = Vec::new();
    for (story, reply) in stories.iter().zip(&replies) {
        // E.164 -> where it was first written.
        let python: BTreeMap<String, (usize, usize)> = reply["found"]
            .as_array()
            .expect("found is a list")
            .iter()
            .rev()
            .map(|m| {
                let at = |k: &str| m[k].as_u64().expect("byte offset") as usize;
                let e164 = m["e164"].as_str().expect("e164").to_owned();
                (e164, (at("start"), at("end")))
            })
            .collect();
        let scamtrace: BTreeMap<String, (usize, usize)> =
            find_phones(&story.narrative, &story.country)
                .into_iter()
                .rev()
                .map(|m| (m.e164, (m.start, m.end)))
                .collect();
        python_found += python.len();
        scamtrace_found += scamtrace.len();
        let mut fail = |what: &str, e164: &str, span| {
            failures.push(format!(
                "{what} {e164} ({}, planted {:?}): {}",
                story.country,
                story.planted,
                excerpt(&story.narrative, span)
            ));
        };
        for (e164, &span) in &python {
            match scamtrace.get(e164) {
                Some(&ours) if ours == span => agree += 1,
                Some(&ours) => fail(
                    &format!(
                        "same number, ScamTrace spans {:?}:",
                        &story.narrative[ours.0..ours.1]
                    ),
                    e164,
                    span,
                ),
                None => {}
            }
        }
        for (e164, &span) in python.iter().filter(|(e, _)| !scamtrace.contains_key(*e)) {
            if story.planted.contains(e164) {
                fail("ScamTrace misses the scammer's number", e164, span);
            } else {
                python_only_decoys += 1;
            }
        }
        for (e164, &span) in scamtrace.iter().filter(|(e, _)| !python.contains_key(*e)) {
            if story.planted.contains(e164) {
                scamtrace_only_planted += 1;
            } else {
                fail("ScamTrace alone finds a number nobody planted", e164, span);
            }
        }
    }

    say(&format!(
        "narratives: {}, python found {python_found}, scamtrace found {scamtrace_found}, \
         agree {agree}, python-only decoys {python_only_decoys}, scamtrace-only planted \
         {scamtrace_only_planted}",
        stories.len()
    ));
    assert!(stories.len() >= 500, "only {} narratives", stories.len());
    let languages: BTreeSet<&str> = stories
        .iter()
        .filter_map(|s| s.language.as_deref())
        .map(|tag| tag.split('-').next().unwrap_or(tag))
        .collect();
    assert_eq!(
        languages,
        BTreeSet::from(["de", "en", "es", "fr", "ja"]),
        "the demos must cover every language"
    );
    assert!(
        failures.is_empty(),
        "{} differences from phonenumbers go the wrong way:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
