//! Single-threaded extraction throughput over a corpus written by the `corpus` example, with
//! recall and precision of phone finding against the numbers planted in each narrative. After one
//! warm-up pass, each measurement is the fastest of `RUNS` passes over the whole corpus (the
//! machine is shared and noisy). Prints one JSON object per measurement for
//! `bench/extract_corpus.sh`; with `--details`, every missed planted number and every false
//! positive on stderr, one JSON object per line. `--phones-only` skips the whole-extraction
//! measurement (for profiling `find_phones` alone).
//!
//!     cargo run --release -p scamtrace-extract --example extract_corpus -- corpus.jsonl [--details] [--phones-only]

use std::collections::BTreeSet;
use std::time::Instant;

use scamtrace_extract::phone::find_phones;
use scamtrace_extract::{Extractor, IndicatorKind, Origin};
use serde_json::{Value, json};

/// The allocator of the `scamtrace` binary, which runs extraction in production.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Timed passes per measurement; the fastest counts.
const RUNS: usize = 3;

struct Entry {
    narrative: String,
    country: String,
    planted: BTreeSet<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut path = None;
    let mut details = false;
    let mut phones_only = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--details" => details = true,
            "--phones-only" => phones_only = true,
            _ => path = Some(arg),
        }
    }
    let path = path.ok_or("usage: extract_corpus CORPUS.jsonl [--details] [--phones-only]")?;
    let corpus = load(&path)?;
    let bytes: usize = corpus.iter().map(|e| e.narrative.len()).sum();
    let extractor = Extractor::new([7; 32]);

    // Warm-up: page in the metadata and let the allocator settle.
    for e in &corpus {
        if phones_only {
            std::hint::black_box(find_phones(&e.narrative, &e.country));
        } else {
            std::hint::black_box(extractor.extract_text(&e.narrative, &e.country, Origin::Text));
        }
    }

    let (phones_secs, found) = fastest(|| {
        corpus
            .iter()
            .map(|e| {
                find_phones(&e.narrative, &e.country)
                    .into_iter()
                    .map(|m| m.e164)
                    .collect::<BTreeSet<String>>()
            })
            .collect::<Vec<_>>()
    });
    let base = json!({ "narratives": corpus.len(), "bytes": bytes });
    print(
        &base,
        "Rust find_phones",
        phones_secs,
        &score(&corpus, &found),
        None,
    );
    if details {
        for (e, found) in corpus.iter().zip(&found) {
            for p in e.planted.difference(found) {
                let line = json!({"miss": p, "country": e.country, "narrative": e.narrative});
                eprintln!("{line}");
            }
            for p in found.difference(&e.planted) {
                let line =
                    json!({"false_positive": p, "country": e.country, "narrative": e.narrative});
                eprintln!("{line}");
            }
        }
    }
    if phones_only {
        return Ok(());
    }
    // As in production (extract, store, drop) and as on the Python side, each narrative's
    // indicators are dropped once its phone numbers are kept for scoring.
    let (full_secs, (indicators, found_full)) = fastest(|| {
        let mut indicators = 0;
        let found: Vec<BTreeSet<String>> = corpus
            .iter()
            .map(|e| {
                let found = extractor.extract_text(&e.narrative, &e.country, Origin::Text);
                indicators += found.len();
                found
                    .into_iter()
                    .filter(|i| i.kind == IndicatorKind::Phone)
                    .map(|i| i.value)
                    .collect()
            })
            .collect();
        (indicators, found)
    });

    print(
        &base,
        "Rust extract_text (all indicators)",
        full_secs,
        &score(&corpus, &found_full),
        Some(indicators),
    );
    Ok(())
}

/// Seconds per trip through the corpus in the fastest of `RUNS` passes, and the last trip's
/// result. A pass goes through the corpus again and again until it has lasted
/// `SCAMTRACE_BENCH_MIN_SECONDS` (default 0: once), so that on a shared machine both sides of
/// the comparison average its noise over windows of the same length (the Python side reads the
/// same variable).
fn fastest<T>(mut pass: impl FnMut() -> T) -> (f64, T) {
    let min_seconds: f64 = std::env::var("SCAMTRACE_BENCH_MIN_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let timed = |pass: &mut dyn FnMut() -> T| {
        let start = Instant::now();
        let mut trips = 1u32;
        let mut out = std::hint::black_box(pass());
        while start.elapsed().as_secs_f64() < min_seconds {
            out = std::hint::black_box(pass());
            trips += 1;
        }
        (start.elapsed().as_secs_f64() / f64::from(trips), out)
    };
    let (mut best, mut result) = timed(&mut pass);
    for _ in 1..RUNS {
        let (secs, out) = timed(&mut pass);
        best = best.min(secs);
        result = out;
    }
    (best, result)
}

fn load(path: &str) -> Result<Vec<Entry>, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(path)?;
    let mut corpus = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line)?;
        let field = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        corpus.push(Entry {
            narrative: field("narrative"),
            country: field("country"),
            planted: v["planted"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|p| p.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
        });
    }
    Ok(corpus)
}

/// (distinct numbers found, planted, found and planted), counted per narrative.
fn score(corpus: &[Entry], found: &[BTreeSet<String>]) -> (usize, usize, usize) {
    corpus
        .iter()
        .zip(found)
        .fold((0, 0, 0), |(f, p, tp), (e, found)| {
            (
                f + found.len(),
                p + e.planted.len(),
                tp + found.intersection(&e.planted).count(),
            )
        })
}

fn print(base: &Value, name: &str, secs: f64, score: &(usize, usize, usize), all: Option<usize>) {
    let mut line = base.clone();
    line["name"] = json!(name);
    line["seconds"] = json!(secs);
    line["found"] = json!(score.0);
    line["planted"] = json!(score.1);
    line["true_positives"] = json!(score.2);
    if let Some(all) = all {
        line["indicators"] = json!(all);
    }
    println!("{line}");
}
