//! Assesses every name on standard input with the builtin brands file (or the one named as the
//! first argument) and prints one JSON line per input line, whatever the outcome: `scored` (with
//! the score, brand, family and reasons, below the command line's threshold too), `own`, `clean`
//! or `not_a_domain`. For evaluations (`bench/lookalikes.sh`) and for a look at why a name scored
//! what it did.
//!
//!     cargo run -p scamtrace-watch --example assess < names.txt

use std::io::{BufRead, Write};

use scamtrace_watch::{Assessment, Brands, Watcher};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let brands = match std::env::args().nth(1) {
        Some(path) => Brands::from_toml(&std::fs::read_to_string(path)?)?,
        None => Brands::builtin(),
    };
    let watcher = Watcher::new(&brands);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let row = match watcher.assess(&line) {
            Assessment::Scored(s) => {
                serde_json::json!({"input": line, "assessment": "scored", "result": s})
            }
            Assessment::Own { brand } => {
                serde_json::json!({"input": line, "assessment": "own", "brand": brand})
            }
            Assessment::Clean => serde_json::json!({"input": line, "assessment": "clean"}),
            Assessment::NotADomain => {
                serde_json::json!({"input": line, "assessment": "not_a_domain"})
            }
        };
        serde_json::to_writer(&mut out, &row)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
