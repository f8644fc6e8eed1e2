//! One pass of `Extractor::extract_text` over a corpus written by the `corpus` example, after a
//! warm-up pass, for counting instructions: the lazily built tables and regular expressions are
//! built during the warm-up, so a profiler collecting only inside `profiled_pass` sees the
//! steady state.
//!
//!     cargo build --release -p scamtrace-extract --example corpus --example extract_profile
//!     target/release/examples/corpus 3000 7 > corpus.jsonl
//!     valgrind --tool=callgrind --toggle-collect='*profiled_pass*' \
//!         target/release/examples/extract_profile corpus.jsonl
//!     perf record -g target/release/examples/extract_profile corpus.jsonl 20

use scamtrace_extract::{Extractor, Origin};

/// The allocator of the `scamtrace` binary, which runs extraction in production.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use serde_json::Value;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: extract_profile CORPUS.jsonl")?;
    let text = std::fs::read_to_string(path)?;
    let mut corpus = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line)?;
        let field = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        corpus.push((field("narrative"), field("country")));
    }
    let extractor = Extractor::new([7; 32]);
    // libphonenumber compiles its patterns as it first needs them: warm up on the whole corpus.
    for (narrative, country) in &corpus {
        std::hint::black_box(extractor.extract_text(narrative, country, Origin::Text));
    }
    // Optional second argument: passes (for sampling profilers such as perf; default 1).
    let passes: usize = std::env::args()
        .nth(2)
        .map(|p| p.parse())
        .transpose()?
        .unwrap_or(1);
    let mut indicators = 0;
    for _ in 0..passes {
        indicators = profiled_pass(&extractor, &corpus);
    }
    println!("{} narratives, {indicators} indicators", corpus.len());
    Ok(())
}

/// Extracts every narrative's indicators and drops them, as production does once they are
/// stored; returns how many there were.
#[inline(never)]
fn profiled_pass(extractor: &Extractor, corpus: &[(String, String)]) -> usize {
    corpus
        .iter()
        .map(|(narrative, country)| {
            std::hint::black_box(extractor.extract_text(narrative, country, Origin::Text)).len()
        })
        .sum()
}
