//! The rebuild benchmark's Rust side: reads an edge list written by the `edges` example, builds
//! the clusters from scratch ([`Engine::bulk`]), then adds reports one at a time and times each
//! insert. Prints one JSON object: reports, occurrences, clusters, seconds from file to
//! components, peak memory, and the p50/p99 latency of an incremental insert.
//!
//!     cargo run --release -p scamtrace-correlate --example components -- edges.tsv [INSERTS]
//!
//! Then INSERTS (default 10,000) new reports, copies of the file's last ones under new keys, are
//! added one at a time to the engine at full size, each timed.

use std::collections::VecDeque;
use std::time::Instant;

use scamtrace_correlate::{Config, Engine, Occurrence};
use scamtrace_extract::IndicatorKind;

struct Edge<'a> {
    report: u64,
    kind: IndicatorKind,
    value: &'a str,
    linking: bool,
}

fn kind(name: &str) -> Option<IndicatorKind> {
    use IndicatorKind::*;
    Some(match name {
        "phone" => Phone,
        "domain" => Domain,
        "url" => Url,
        "email" => Email,
        "ip" => Ip,
        "remote_access" => RemoteAccess,
        "crypto_wallet" => CryptoWallet,
        "bank_account" => BankAccount,
        "payment_handle" => PaymentHandle,
        "gift_card" => GiftCard,
        "brand" => Brand,
        _ => return None,
    })
}

/// One line, `REPORT<TAB>KIND<TAB>VALUE<TAB>LINKING`, split in one pass over its bytes (the
/// fields are short: a plain loop beats a vectorized search started for each). The delimiters are
/// ASCII, so every cut is on a character boundary.
fn parse(line: &str) -> Option<Edge<'_>> {
    let b = line.as_bytes();
    let mut tabs = [0usize; 3];
    let mut found = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\t' {
            tabs[found] = i;
            found += 1;
            if found == 3 {
                break;
            }
        }
    }
    if found < 3 {
        return None;
    }
    let [t1, t2, t3] = tabs;
    let mut report = 0u64;
    for &d in &b[..t1] {
        if !d.is_ascii_digit() {
            return None;
        }
        report = report.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(Edge {
        report,
        kind: kind(&line[t1 + 1..t2])?,
        value: &line[t2 + 1..t3],
        linking: &b[t3 + 1..] == b"1",
    })
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// Every report of `text` (its edges are consecutive lines), as its key, its occurrences and the
/// byte range of its lines, handed to `each` one after the other with one reused buffer.
fn for_each_report<'a>(
    text: &'a str,
    mut each: impl FnMut(u64, &[Occurrence<'a>], (usize, usize)),
) -> u64 {
    let bytes = text.as_bytes();
    let mut occurrences = 0u64;
    let mut current: Vec<Occurrence<'a>> = Vec::new();
    let (mut report, mut start) = (0u64, 0usize);
    let mut at = 0;
    while at < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n);
        let line_start = at;
        let line = &text[at..end];
        at = end + 1;
        let Some(edge) = parse(line) else { continue };
        occurrences += 1;
        if edge.report != report {
            if !current.is_empty() {
                each(report, &current, (start, line_start));
                current.clear();
            }
            report = edge.report;
            start = line_start;
        }
        current.push(Occurrence {
            kind: edge.kind,
            value: edge.value,
            linking: edge.linking,
        });
    }
    if !current.is_empty() {
        each(report, &current, (start, bytes.len()));
    }
    occurrences
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: components EDGES.tsv [INSERTS]")?;
    let inserts: usize = args.next().unwrap_or_else(|| "10000".into()).parse()?;

    let started = Instant::now();
    let text = std::fs::read_to_string(&path)?;
    let mut bulk = Engine::<()>::bulk(Config::default());
    // About 32 bytes a line, three lines a report and a new value every third line here.
    let lines = text.len() / 32;
    bulk.reserve(lines / 3, lines / 3);
    // Where the last `inserts` reports are in the file, to add them again later as new reports.
    let mut recent: VecDeque<(usize, usize)> = VecDeque::with_capacity(inserts + 1);
    let occurrences = for_each_report(&text, |report, occurrences, range| {
        bulk.add(report, (), occurrences);
        recent.push_back(range);
        if recent.len() > inserts {
            recent.pop_front();
        }
    });
    let mut engine = bulk.finish();
    let rebuild_secs = started.elapsed().as_secs_f64();
    let reports = engine.len();
    let clusters = engine.clusters(2).count();
    let rebuild_peak = peak_rss_mib();

    // New reports with the same indicators as recent ones: each joins an existing cluster of an
    // engine at full size.
    let mut latencies: Vec<f64> = Vec::with_capacity(recent.len());
    for (from, to) in recent {
        for_each_report(&text[from..to], |report, occurrences, _| {
            let t = Instant::now();
            engine.add_report(report + (1 << 40), (), occurrences);
            latencies.push(t.elapsed().as_secs_f64() * 1e6);
        });
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        if latencies.is_empty() {
            f64::NAN
        } else {
            latencies[((latencies.len() - 1) as f64 * p).round() as usize]
        }
    };
    println!(
        "{{\"name\": \"Rust scamtrace-correlate\", \"reports\": {}, \"occurrences\": {occurrences}, \"clusters\": {clusters}, \"seconds\": {rebuild_secs:.3}, \"peak_mib\": {rebuild_peak:.0}, \"inserts\": {}, \"insert_p50_us\": {:.1}, \"insert_p99_us\": {:.1}, \"insert_max_us\": {:.1}, \"hub_threshold\": {}}}",
        reports,
        latencies.len(),
        pct(0.5),
        pct(0.99),
        latencies.last().copied().unwrap_or(f64::NAN),
        engine.hub_threshold(),
    );
    Ok(())
}
