//! Writes the demo generator's narratives with their ground truth, one JSON object per line:
//! `{"narrative": …, "country": …, "planted": ["+1888…", …]}`, where `planted` holds the E.164 of
//! every scammer number the generator wrote into that narrative. Input for
//! `bench/extract_corpus.sh`.
//!
//!     cargo run --release -p scamtrace-extract --example corpus -- 20000 7 > corpus.jsonl

use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let reports = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(7);
    let mut out = BufWriter::new(std::io::stdout().lock());
    for r in scamtrace_demo::Demo::new(seed, reports).reports() {
        let line = serde_json::json!({
            "narrative": r.report["narrative"],
            "country": r.report["country"],
            "planted": r.planted_phones,
        });
        writeln!(out, "{line}")?;
    }
    out.flush()
}
