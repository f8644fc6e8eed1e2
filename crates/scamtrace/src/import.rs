//! `scamtrace import`: bulk reports from JSON Lines or CSV, in the API's shape. A bad line is
//! reported with its number and skipped; the rest are stored in batches.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use scamtrace_intake::{FLAT_FIELDS, Intake, report_from_fields};
use scamtrace_model::{FieldError, NewReport, parse_report};
use scamtrace_store::Source;

const BATCH: usize = 500;
/// Skipped lines printed in full; the rest are only counted.
const SHOWN_PROBLEMS: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Jsonl,
    Csv,
}

#[derive(Args)]
pub struct ImportArgs {
    /// The file to import, or - for standard input.
    file: PathBuf,
    /// jsonl or csv; by default taken from the file name (.csv is CSV, anything else JSON Lines).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    /// Exit with status 1 if any line was skipped.
    #[arg(long)]
    strict: bool,
    /// The organization whose data these reports are (a partner, an agency); shown on the
    /// operations they join. Leave it out for reports victims filed themselves.
    #[arg(long)]
    org: Option<String>,
}

struct Importer<'a> {
    intake: &'a Intake,
    batch: Vec<(NewReport, Option<String>)>,
    organization: Option<String>,
    imported: usize,
    skipped: usize,
}

impl Importer<'_> {
    async fn accept(
        &mut self,
        line: u64,
        input: Result<serde_json::Value, String>,
    ) -> anyhow::Result<()> {
        let problem = match input {
            Err(message) => message,
            Ok(value) => match parse_report(&value) {
                Ok(report) => {
                    self.batch.push((report, self.organization.clone()));
                    if self.batch.len() >= BATCH {
                        self.flush().await?;
                    }
                    return Ok(());
                }
                Err(errors) => describe(&errors),
            },
        };
        self.skipped += 1;
        if self.skipped <= SHOWN_PROBLEMS {
            eprintln!("line {line}: skipped: {problem}");
        } else if self.skipped == SHOWN_PROBLEMS + 1 {
            eprintln!("(further skipped lines are counted but not shown)");
        }
        Ok(())
    }

    async fn flush(&mut self) -> anyhow::Result<()> {
        let batch = std::mem::take(&mut self.batch);
        self.imported += self.intake.store_many(batch, Source::Import).await?.len();
        Ok(())
    }
}

/// Field errors as one line. Messages name fields and rules, never the values (which may be
/// personal data).
fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                if e.field.is_empty() {
                    "(line)"
                } else {
                    &e.field
                },
                e.message_en()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn progress(total_bytes: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    match total_bytes {
        Some(total) => {
            let bar = ProgressBar::new(total);
            if let Ok(style) = ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {per_sec} eta {eta} {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        }
        None => ProgressBar::new_spinner(),
    }
}

/// A `.json` file holding a STIX 2.1 bundle: what a partner shared, stored as that partner's
/// observations (never as reports). `None` when the file is not a bundle.
async fn import_stix(intake: &Intake, args: &ImportArgs) -> anyhow::Result<Option<ExitCode>> {
    let is_json = args
        .file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if !is_json || args.format.is_some() {
        return Ok(None);
    }
    let text = std::fs::read(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let Ok(serde_json::Value::Object(bundle)) = serde_json::from_slice::<serde_json::Value>(&text)
    else {
        return Ok(None);
    };
    if bundle.get("type").and_then(|t| t.as_str()) != Some("bundle") {
        return Ok(None);
    }
    let objects = bundle
        .get("objects")
        .and_then(|o| o.as_array())
        .map(Vec::as_slice)
        .unwrap_or_default();
    let parsed = scamtrace_stix::parse_bundle(objects);
    // Whose intelligence this is: --org, else the identity that authored most of it.
    let partner = match (&args.org, scamtrace_server::sharing::author_of(&parsed)) {
        (Some(org), _) if !org.trim().is_empty() => org.trim().to_string(),
        (_, Some((_, Some(name)))) => name,
        (_, Some((id, None))) => anyhow::bail!(
            "the bundle's author {id} is not among its identities; name the partner with --org"
        ),
        _ => anyhow::bail!("the bundle names no author; name the partner with --org"),
    };
    let summary = scamtrace_server::sharing::import_objects(intake, &partner, objects).await?;
    for (id, problem) in summary.problems.iter().take(SHOWN_PROBLEMS) {
        eprintln!("{id}: skipped: {problem}");
    }
    let already = summary.observations as u64 - summary.new;
    if args.json {
        let mut json = serde_json::to_value(&summary)?;
        json["already_known"] = already.into();
        println!("{json}");
    } else {
        println!(
            "Imported {} new observations from {partner:?} ({already} already known, {} campaigns); {} objects rejected, {} values not understood.",
            summary.new, summary.campaigns, summary.rejected_objects, summary.unreadable_values
        );
    }
    let failed = args.strict && (summary.rejected_objects > 0 || summary.unreadable_values > 0);
    Ok(Some(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }))
}

pub async fn run(intake: &Intake, args: ImportArgs) -> anyhow::Result<ExitCode> {
    if let Some(code) = import_stix(intake, &args).await? {
        return Ok(code);
    }
    let started = Instant::now();
    let stdin = args.file.as_os_str() == "-";
    let format = args.format.unwrap_or_else(|| {
        match args
            .file
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Format::Csv,
            _ => Format::Jsonl,
        }
    });
    let (reader, size): (Box<dyn Read>, Option<u64>) = if stdin {
        (Box::new(std::io::stdin().lock()), None)
    } else {
        let file = std::fs::File::open(&args.file)
            .with_context(|| format!("cannot open {}", args.file.display()))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(file), size)
    };
    let bar = progress(size);
    let reader = bar.wrap_read(reader);
    let mut importer = Importer {
        intake,
        batch: Vec::with_capacity(BATCH),
        organization: args
            .org
            .as_deref()
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_string),
        imported: 0,
        skipped: 0,
    };
    match format {
        Format::Jsonl => {
            let mut reader = BufReader::new(reader);
            let mut line = String::new();
            let mut number = 0u64;
            loop {
                line.clear();
                let read = match reader.read_line(&mut line) {
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                        number += 1;
                        importer
                            .accept(number, Err("not valid UTF-8".into()))
                            .await?;
                        // Skip the rest of the broken line.
                        let mut rest = Vec::new();
                        reader.read_until(b'\n', &mut rest)?;
                        continue;
                    }
                    Err(e) => return Err(e).context("cannot read the input"),
                };
                if read == 0 {
                    break;
                }
                number += 1;
                let text = line.trim();
                if text.is_empty() {
                    continue;
                }
                let parsed = serde_json::from_str(text)
                    .map_err(|e| format!("not valid JSON ({})", e.classify_message()));
                importer.accept(number, parsed).await?;
            }
        }
        Format::Csv => {
            let mut csv = csv::ReaderBuilder::new()
                .flexible(false)
                .from_reader(reader);
            let headers: Vec<String> = csv
                .headers()
                .context("cannot read the CSV header")?
                .iter()
                .map(|h| h.trim().to_string())
                .collect();
            let unknown: Vec<&String> = headers
                .iter()
                .filter(|h| !FLAT_FIELDS.contains(&h.as_str()))
                .collect();
            if !unknown.is_empty() {
                bar.finish_and_clear();
                bail!(
                    "unknown CSV columns {unknown:?}; the columns are the API's field paths: {}",
                    FLAT_FIELDS.join(", ")
                );
            }
            for record in csv.records() {
                match record {
                    Ok(record) => {
                        let line = record.position().map(|p| p.line()).unwrap_or(0);
                        let fields: HashMap<String, String> = headers
                            .iter()
                            .cloned()
                            .zip(record.iter().map(str::to_string))
                            .collect();
                        importer
                            .accept(line, Ok(report_from_fields(&fields, &['\n', ';'])))
                            .await?;
                    }
                    Err(e) => {
                        let line = e.position().map(|p| p.line()).unwrap_or(0);
                        let why = match e.kind() {
                            csv::ErrorKind::UnequalLengths {
                                expected_len, len, ..
                            } => {
                                format!("has {len} fields, the header has {expected_len}")
                            }
                            csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".into(),
                            _ => "not valid CSV".into(),
                        };
                        importer.accept(line, Err(why)).await?;
                    }
                }
            }
        }
    }
    importer.flush().await?;
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    if args.json {
        println!(
            "{}",
            serde_json::json!({"imported": importer.imported, "skipped": importer.skipped, "seconds": elapsed})
        );
    } else {
        println!(
            "Imported {} reports, skipped {} lines, in {:.1} s.",
            importer.imported, importer.skipped, elapsed
        );
    }
    Ok(if args.strict && importer.skipped > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

trait Classify {
    fn classify_message(&self) -> String;
}

impl Classify for serde_json::Error {
    /// Where the JSON broke, without quoting the input.
    fn classify_message(&self) -> String {
        let what = match self.classify() {
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Eof => "unexpected end",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Io => "read error",
        };
        format!("{what} at column {}", self.column())
    }
}
