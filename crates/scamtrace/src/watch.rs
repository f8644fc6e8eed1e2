//! `scamtrace watch-domains`: domain names in on standard input (one a line, as from
//! certificate-transparency logs or zone files), one JSON line out per suspicious name. The
//! scoring is `scamtrace-watch`'s; this file only reads, counts and writes.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use scamtrace_watch::{Assessment, Brands, Watcher};

/// Lines longer than this are no domain names: skipped without being held in memory.
const MAX_LINE: usize = 4096;

#[derive(Args)]
pub struct WatchArgs {
    /// Brands file (TOML, one [[brand]] table each with name, domains and optional keywords and
    /// lookalikes). Default: the file that ships with ScamTrace (see --default-brands).
    #[arg(long, value_name = "FILE")]
    brands: Option<PathBuf>,
    /// Report names that score at least this (0 to 100).
    #[arg(long, value_name = "N", default_value_t = scamtrace_watch::DEFAULT_MIN_SCORE,
          value_parser = clap::value_parser!(u8).range(0..=100))]
    min_score: u8,
    /// Print the default brands file (a start for one of your own) and exit.
    #[arg(long, conflicts_with_all = ["brands", "min_score"])]
    default_brands: bool,
    /// Also record the hits in the database (`--database`): each name's registrable domain
    /// becomes `suspicious` (never `scam`) for lookups, with the hit's score and reasons on its
    /// indicator page. Recorded in batches as they come, so a stream that never ends works too.
    #[arg(long, conflicts_with = "default_brands")]
    pub ingest: bool,
}

/// Hits recorded per batch, and the longest a hit waits for its batch.
const INGEST_BATCH: usize = 1_000;
const INGEST_EVERY: Duration = Duration::from_secs(2);

/// Where `--ingest` puts hits: the store, reached from this synchronous loop through the
/// runtime it runs on.
pub struct Ingest {
    pub store: std::sync::Arc<dyn scamtrace_store::Store>,
    pending: Vec<scamtrace_store::WatchHit>,
    flushed_at: Instant,
    pub recorded: u64,
}

impl Ingest {
    pub fn new(store: std::sync::Arc<dyn scamtrace_store::Store>) -> Ingest {
        Ingest {
            store,
            pending: Vec::new(),
            flushed_at: Instant::now(),
            recorded: 0,
        }
    }

    fn add(&mut self, score: &scamtrace_watch::Score) -> anyhow::Result<()> {
        // Verdicts are kept by registrable domain; under a private suffix that is the
        // customer's own name (`evil.azurewebsites.net`), never the shared host.
        let domain = scamtrace_extract::net::registrable_domain(&score.domain)
            .unwrap_or_else(|| score.domain.clone());
        let now = time::OffsetDateTime::now_utc();
        self.pending.push(scamtrace_store::WatchHit {
            domain,
            score: score.score,
            brand: score.brand.clone(),
            family: score.family.as_str().to_string(),
            reasons: serde_json::to_string(&score.reasons)?,
            first_seen: now,
            last_seen: now,
        });
        if self.pending.len() >= INGEST_BATCH || self.flushed_at.elapsed() >= INGEST_EVERY {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        self.flushed_at = Instant::now();
        if self.pending.is_empty() {
            return Ok(());
        }
        // One name may appear twice in a batch; the last scoring wins, as it would one by one.
        let mut batch: Vec<_> = std::mem::take(&mut self.pending);
        batch.reverse();
        let mut seen = std::collections::HashSet::new();
        batch.retain(|h| seen.insert(h.domain.clone()));
        let store = self.store.clone();
        let handle = tokio::runtime::Handle::current();
        let n = tokio::task::block_in_place(|| handle.block_on(store.record_watch_hits(batch)))
            .context("recording watch hits")?;
        self.recorded += n;
        Ok(())
    }
}

pub const AFTER_HELP: &str = "\
Each line of output is one JSON object: domain (lowercase ASCII, IDNs in punycode), unicode (for
IDNs), score (0-100, the sum of the reasons' points), brand (or null), family (lookalike or
fake_support) and reasons ({code, points, detail}). A brand's own domains are never reported.
Lines that are not UTF-8 or not domain names are skipped and counted; a summary goes to standard
error, and a progress line too when it is a terminal.

Examples:
  scamtrace watch-domains < names.txt
  scamtrace watch-domains --brands brands.toml --min-score 70 < ct-names.txt > hits.jsonl
  scamtrace watch-domains --default-brands > brands.toml      start a brands file of your own";

#[derive(Default)]
struct Counts {
    names: u64,
    not_utf8: u64,
    not_domains: u64,
    own: u64,
    reported: u64,
}

pub fn run(args: WatchArgs, mut ingest: Option<Ingest>) -> anyhow::Result<ExitCode> {
    if args.default_brands {
        std::io::stdout().write_all(scamtrace_watch::BUILTIN_TOML.as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let brands = match &args.brands {
        None => Brands::builtin(),
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(e) => {
                    eprintln!("error: cannot read the brands file {}: {e}", path.display());
                    return Ok(ExitCode::from(2));
                }
            };
            match Brands::from_toml(&text) {
                Ok(brands) => brands,
                Err(e) => {
                    eprintln!("error: {}: {e}", path.display());
                    return Ok(ExitCode::from(2));
                }
            }
        }
    };
    let watcher = Watcher::new(&brands);
    let started = Instant::now();
    let counts = match watch(&watcher, args.min_score, started, ingest.as_mut()) {
        Ok(counts) => counts,
        // A reader that stopped early (`| head`) is not a failure.
        Err(e) if is_broken_pipe(&e) => return Ok(ExitCode::SUCCESS),
        Err(e) => return Err(e),
    };
    if let Some(ingest) = ingest.as_mut() {
        ingest.flush()?;
        eprintln!("{} domains recorded as suspicious", ingest.recorded);
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{} names read, {} reported (score >= {}), {} brands' own, {} not domain names, {} not UTF-8; {:.1} s, {:.0} names/s, {} brands",
        counts.names,
        counts.reported,
        args.min_score,
        counts.own,
        counts.not_domains,
        counts.not_utf8,
        secs,
        counts.names as f64 / secs.max(1e-9),
        watcher.brand_count(),
    );
    Ok(ExitCode::SUCCESS)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

fn watch(
    watcher: &Watcher,
    min_score: u8,
    started: Instant,
    mut ingest: Option<&mut Ingest>,
) -> anyhow::Result<Counts> {
    let stdin = std::io::stdin();
    let mut input = std::io::BufReader::with_capacity(1 << 16, stdin.lock());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let progress = std::io::stderr().is_terminal();
    let mut last_progress = started;
    let mut counts = Counts::default();
    let mut line: Vec<u8> = Vec::with_capacity(256);
    let mut too_long = false;
    loop {
        let buf = input.fill_buf().context("reading standard input")?;
        if buf.is_empty() {
            if !line.is_empty() || too_long {
                handle(
                    watcher,
                    min_score,
                    &line,
                    too_long,
                    &mut counts,
                    &mut out,
                    ingest.as_deref_mut(),
                )?;
            }
            break;
        }
        let (chunk, end_of_line) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], Some(i + 1)),
            None => (buf, None),
        };
        if !too_long {
            if line.len() + chunk.len() > MAX_LINE {
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(chunk);
            }
        }
        let used = end_of_line.unwrap_or(buf.len());
        input.consume(used);
        if end_of_line.is_some() {
            handle(
                watcher,
                min_score,
                &line,
                too_long,
                &mut counts,
                &mut out,
                ingest.as_deref_mut(),
            )?;
            line.clear();
            too_long = false;
            if progress && counts.names % 65_536 == 0 {
                let now = Instant::now();
                if now - last_progress >= Duration::from_millis(250) {
                    last_progress = now;
                    let secs = (now - started).as_secs_f64();
                    eprint!(
                        "\r{} names, {} reported, {:.0} names/s   ",
                        counts.names,
                        counts.reported,
                        counts.names as f64 / secs.max(1e-9)
                    );
                }
            }
        }
    }
    out.flush()?;
    if progress {
        eprint!("\r\x1b[K");
    }
    Ok(counts)
}

fn handle(
    watcher: &Watcher,
    min_score: u8,
    line: &[u8],
    too_long: bool,
    counts: &mut Counts,
    out: &mut impl Write,
    ingest: Option<&mut Ingest>,
) -> anyhow::Result<()> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) && !too_long {
        return Ok(());
    }
    counts.names += 1;
    if too_long {
        counts.not_domains += 1;
        return Ok(());
    }
    let Ok(name) = std::str::from_utf8(line) else {
        counts.not_utf8 += 1;
        return Ok(());
    };
    match watcher.assess(name) {
        Assessment::Scored(score) if score.score >= min_score => {
            counts.reported += 1;
            let mut json = serde_json::to_vec(&score)?;
            json.push(b'\n');
            out.write_all(&json)?;
            if let Some(ingest) = ingest {
                ingest.add(&score)?;
            }
        }
        Assessment::NotADomain => counts.not_domains += 1,
        Assessment::Own { .. } => counts.own += 1,
        _ => {}
    }
    Ok(())
}
