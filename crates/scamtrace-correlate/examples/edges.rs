//! Writes the demo generator's reports as an edge list for the rebuild benchmark: one line per
//! indicator occurrence, `REPORT<TAB>KIND<TAB>VALUE<TAB>LINKING` (1 or 0), reports numbered from
//! 1 in generation order. Reports go through the real validator and extractor. Uses every core.
//!
//!     cargo run --release -p scamtrace-correlate --example edges -- 1000000 7 > edges.tsv

use std::io::{BufWriter, Write};

use scamtrace_correlate::link_value;
use scamtrace_demo::Demo;
use scamtrace_extract::{Extractor, ReportText};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().unwrap_or_else(|| "1000000".into()).parse()?;
    let seed: u64 = args.next().unwrap_or_else(|| "7".into()).parse()?;
    let demo = Demo::new(seed, count);
    let extractor = Extractor::new([7; 32]);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = 10_000;
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    let mut start = 0;
    while start < count {
        // Each thread renders a slice of this round; the round is written in order.
        let end = (start + chunk * threads).min(count);
        let parts: Vec<String> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (demo, extractor) = (&demo, &extractor);
                    scope.spawn(move || {
                        let from = start + t * chunk;
                        let to = (from + chunk).min(end);
                        let mut text = String::new();
                        for position in from..to {
                            let Some(r) = demo.report(position) else {
                                break;
                            };
                            let Ok(report) = scamtrace_model::parse_report(&r.report) else {
                                continue;
                            };
                            let brand = report.impersonated_brand.as_ref().map(|b| b.text.as_str());
                            let found = extractor.extract_report(&ReportText {
                                country: report.country.as_str(),
                                impersonated_brand: brand,
                                scammer: &report.scammer,
                                remote_access: report.remote_access.as_ref(),
                                payment: report.payment.as_ref(),
                                narrative: &report.narrative,
                            });
                            for i in &found {
                                let value = link_value(
                                    i.kind,
                                    &i.value,
                                    i.attributes.get("registrable_domain"),
                                );
                                text.push_str(&format!(
                                    "{}\t{}\t{}\t{}\n",
                                    position + 1,
                                    i.kind.as_str(),
                                    value,
                                    u8::from(i.linking)
                                ));
                            }
                        }
                        text
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_default())
                .collect()
        });
        for part in parts {
            out.write_all(part.as_bytes())?;
        }
        start = end;
    }
    out.flush()?;
    Ok(())
}
