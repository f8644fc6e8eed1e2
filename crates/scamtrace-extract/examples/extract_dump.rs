//! Every indicator `Extractor::extract_text` finds in a corpus written by the `corpus` example, one
//! JSON array per narrative and line, for checking that a change to extraction (a faster path, a
//! shortcut around libphonenumber) finds exactly what it found before: dump with the old and the
//! new build and compare the files byte for byte.
//!
//!     cargo build --release -p scamtrace-extract --example corpus --example extract_dump
//!     target/release/examples/corpus 20000 7 > corpus.jsonl
//!     target/release/examples/extract_dump corpus.jsonl > indicators.jsonl

use std::io::{BufWriter, Write};

use scamtrace_extract::{Extractor, Origin};
use serde_json::Value;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: extract_dump CORPUS.jsonl")?;
    let text = std::fs::read_to_string(path)?;
    let extractor = Extractor::new([7; 32]);
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line)?;
        let narrative = v["narrative"].as_str().unwrap_or_default();
        let country = v["country"].as_str().unwrap_or_default();
        let found = extractor.extract_text(narrative, country, Origin::Text);
        writeln!(out, "{}", serde_json::to_string(&found)?)?;
    }
    out.flush()?;
    Ok(())
}
