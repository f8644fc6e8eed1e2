//! Scores the names on standard input with the builtin brands and prints every score, one JSON
//! line each (a quick look at the scorer without the command line's filters).
//!
//!     cargo run -p scamtrace-watch --example score < names.txt

use std::io::{BufRead, Write};

fn main() {
    let watcher = scamtrace_watch::Watcher::new(&scamtrace_watch::Brands::builtin());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        match watcher.assess(&line) {
            scamtrace_watch::Assessment::Scored(s) => {
                let reasons: Vec<String> = s
                    .reasons
                    .iter()
                    .map(|r| format!("{}{:+} {}", r.code.as_str(), r.points, r.detail))
                    .collect();
                let _ = writeln!(
                    out,
                    "{:3} {:40} {:12} {}",
                    s.score,
                    line,
                    s.brand.as_deref().unwrap_or("-"),
                    reasons.join(" | ")
                );
            }
            other => {
                let _ = writeln!(out, "  - {line:40} {other:?}");
            }
        }
    }
}
