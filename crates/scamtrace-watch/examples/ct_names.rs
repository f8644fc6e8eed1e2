//! Writes a deterministic stream of certificate-transparency-shaped domain names, one a line
//! (see `benches/support/corpus.rs`), for `bench/watch_domains.sh`.
//!
//!     cargo run --release -p scamtrace-watch --example ct_names -- 10000000 7 > names.txt

use std::io::Write;

#[path = "../benches/support/corpus.rs"]
mod corpus;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let count: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(7);
    let mut stream = corpus::Corpus::new(seed);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    for _ in 0..count {
        out.write_all(stream.name().as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
