//! `scamtrace`: the command-line program. It only wires the crates together: configuration,
//! storage, intake, the server, imports and demo data.

/// mimalloc: lookups and extraction allocate many small, short-lived values on several threads
/// (BENCHMARKS.md has extraction runs with and without it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod case;
mod check;
mod config;
mod import;
mod watch;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use scamtrace_intake::Intake;
use scamtrace_server::auth::{self, AccountError};
use scamtrace_server::{App, Role};
use scamtrace_store::{Source, Store, username_key};

use crate::config::Settings;

const AFTER_HELP: &str = "\
Examples:
  scamtrace serve --demo                 run with demo data at http://127.0.0.1:8080
  scamtrace admin create-token --role analyst
  scamtrace admin create-user --username fraud.desk --role analyst   (asks for the password)
  scamtrace import reports.jsonl         import JSON Lines (or .csv) in the API's shape
  scamtrace demo generate --reports 500 --seed 7 > demo.jsonl

Environment:
  SCAMTRACE_DATABASE_URL   database (default sqlite://scamtrace.db)
  SCAMTRACE_CONFIG         TOML configuration file
  SCAMTRACE_KEY            the 64-hex-digit key that seals personal data (else a key file)
  SCAMTRACE_KEY_FILE       where the key file is (default: beside the SQLite file, or ./scamtrace.key)
  SCAMTRACE_POSTGRES_SCHEMA  PostgreSQL schema for ScamTrace's tables (default: the search path)
  SCAMTRACE_PASSWORD       the password for admin create-user and admin reset-password
  SCAMTRACE_LOG            log filter, e.g. info or scamtrace_server=debug";

#[derive(Parser)]
#[command(name = "scamtrace", version, about = "Take down tech-support scam operations together.", after_help = AFTER_HELP)]
struct Cli {
    /// Database URL: sqlite://PATH (default sqlite://scamtrace.db) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "SCAMTRACE_DATABASE_URL")]
    database: Option<String>,
    /// TOML configuration file.
    #[arg(long, global = true, env = "SCAMTRACE_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server: the public report form, the API and the analysts' pages.
    #[command(after_help = "Example:\n  scamtrace serve --listen 127.0.0.1:8080 --demo")]
    Serve(ServeArgs),
    /// Import reports from a JSON Lines or CSV file in the API's shape. Bad lines are reported
    /// with their line number and skipped; the rest are imported.
    #[command(
        after_help = "Examples:\n  scamtrace import reports.jsonl\n  scamtrace import reports.csv --json\n  scamtrace demo generate --reports 100 | scamtrace import -\n\n\
CSV columns are the API's field paths (country, contact_method, narrative, scammer.phone_numbers, payment.amount, ...);\nlist cells hold several values separated by ';' or line breaks."
    )]
    Import(import::ImportArgs),
    /// Read text on standard input and print the indicators in it, one JSON object per line.
    #[command(
        after_help = "Examples:\n  echo 'Call 1-8OO-555-0142, AnyDesk 123 456 789' | scamtrace extract --region US\n  scamtrace extract --region JP < narrative.txt"
    )]
    Extract {
        /// Default region (ISO 3166-1 alpha-2) for phone numbers written without a country code.
        #[arg(long, default_value = "US")]
        region: String,
        /// Language of the text (BCP 47), for the record; extraction reads all five intake languages.
        #[arg(long)]
        lang: Option<String>,
    },
    /// Extract every stored report's indicators again (after an upgrade of extraction or of the
    /// reference list).
    #[command(after_help = "Example:\n  scamtrace reindex --database sqlite://scamtrace.db")]
    Reindex,
    /// Print the largest clusters (scam operations) as a table, computed from every stored report.
    #[command(
        after_help = "Examples:\n  scamtrace cluster --top 20\n  scamtrace cluster --rebuild    also add the reports one at a time and check both give the same clusters"
    )]
    Cluster {
        /// How many clusters to print, largest first.
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// Also build the clusters incrementally, report by report, and check that the result is
        /// the partition built from everything at once (exit status 1 when it is not).
        #[arg(long)]
        rebuild: bool,
    },
    /// Export intelligence for partners.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Administration: access tokens, user accounts and TAXII collections.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Partners' TAXII 2.1 servers: add them, list them, sync with them.
    #[command(subcommand)]
    Partner(PartnerCommand),
    /// Cases and law-enforcement referral packages: open, refer, record outcomes, export.
    #[command(
        subcommand,
        after_help = "Examples:\n  ID=$(scamtrace case open --cluster 1 --title 'Microsoft refund desk')\n  scamtrace case refer \"$ID\" --agency 'Central Bureau of Investigation'\n  scamtrace case outcome \"$ID\" --kind arrests --count 3 --date 2026-11-20\n  scamtrace case export \"$ID\" --recipient 'Central Bureau of Investigation' --out referral.zip\n\nMore: docs/referrals.md"
    )]
    Case(case::CaseCommand),
    /// Check a referral package: every file's SHA-256 against the manifest, nothing added or
    /// removed, and the manifest's Ed25519 signature. Exit status 0: intact; 1: not.
    #[command(
        after_help = "Examples:\n  curl -s https://scamtrace.example/.well-known/scamtrace-signing-key > key.json\n  scamtrace verify-package referral.zip --key key.json\n  scamtrace verify-package referral.zip    integrity only: compare the key id it prints"
    )]
    VerifyPackage(case::VerifyArgs),
    /// Demo data.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Ask a ScamTrace server what it knows about a phone number, website, email, wallet or
    /// remote-access ID. With --private, the server never sees the value.
    #[command(
        after_help = "Examples:\n  scamtrace check 1-888-555-0142 --server https://scamtrace.example\n  scamtrace check --private 'hxxps://support-help[.]example/fix' --server http://127.0.0.1:8080\n  scamtrace check --private 123456789 --kind remote_access --json\n\n\
With --private the value is canonicalized and hashed here (SHA-256 behind the published prefix\n\
scamtrace-lookup-v1), and only the first 16 bits of the hash are sent: see docs/privacy-lookup.md."
    )]
    Check(check::CheckArgs),
    /// Read domain names on standard input (one a line) and print the brand lookalikes and
    /// fake-support domains among them, one JSON object per line, each with its reasons.
    #[command(after_help = watch::AFTER_HELP)]
    WatchDomains(watch::WatchArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SCAMTRACE_LISTEN")]
    listen: Option<String>,
    /// Load demo data into an empty database, and create the demo analyst account `demo` (or give
    /// it a new password) and print its password.
    #[arg(long)]
    demo: bool,
}

#[derive(Subcommand)]
enum PartnerCommand {
    /// Add a partner's TAXII 2.1 server (or change the one of that name): the collection to pull
    /// from, and where to push this instance's shareable operations.
    #[command(
        after_help = "The credentials are sealed with this instance's key in the database. \
Instead of --password or --token on the command line (visible to other users of the machine), \
set SCAMTRACE_PARTNER_PASSWORD or SCAMTRACE_PARTNER_TOKEN and pass --password-from-env or \
--token-from-env.

Examples:
  scamtrace partner add \"Partner Bank\" --taxii-url https://taxii.partner.example/taxii2/api/ \\
      --collection 5ca37ace-7a11-4c01-8000-000000000001 --user \"Our Org\" --token-from-env \\
      --push-collection 5ca37ace-7a11-4c01-8000-000000000002
  scamtrace partner add \"CERT Example\" --taxii-url http://127.0.0.1:5000/api1/ \\
      --collection 91a7b528-80eb-42ed-a74d-c6fbd5a26116 --user scamtrace --password-from-env"
    )]
    Add {
        /// The partner organization's name: what its intelligence is attributed to.
        name: String,
        /// The URL of the partner's TAXII API root.
        #[arg(long)]
        taxii_url: String,
        /// The partner's collection to pull from.
        #[arg(long)]
        collection: String,
        /// The partner's collection to push this instance's shareable objects to.
        #[arg(long)]
        push_collection: Option<String>,
        /// HTTP Basic user (for a ScamTrace partner: this instance's organization name).
        #[arg(long)]
        user: Option<String>,
        /// HTTP Basic password.
        #[arg(long, conflicts_with = "password_from_env")]
        password: Option<String>,
        /// Read the password from SCAMTRACE_PARTNER_PASSWORD.
        #[arg(long)]
        password_from_env: bool,
        /// A bearer token (or, with --user, the Basic password).
        #[arg(long, conflicts_with_all = ["password", "password_from_env", "token_from_env"])]
        token: Option<String>,
        /// Read the token from SCAMTRACE_PARTNER_TOKEN.
        #[arg(long)]
        token_from_env: bool,
    },
    /// List the partners and how their last sync went.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Pull from and push to one partner, or all: incremental, and idempotent on replay.
    Sync {
        /// Only this partner.
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Print the operations (clusters of two reports or more) and the values they use as a STIX
    /// 2.1 bundle: the organization's identity, indicators with observables and sightings,
    /// campaigns, TLP markings. No victim's personal data is in it.
    #[command(after_help = "Examples:
  scamtrace export stix > bundle.json
  scamtrace export stix --cluster 7 --tlp green > operation-7.json

                      The organization named as the author is the `organization` setting (SCAMTRACE_ORGANIZATION).")]
    Stix {
        /// Only this operation (repeat for several). An absorbed operation's id means the one
        /// that absorbed it.
        #[arg(long)]
        cluster: Vec<u64>,
        /// The TLP marking of every object: clear, green, amber, amber+strict or red.
        #[arg(long, default_value = "amber")]
        tlp: String,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an API token and print it (it is shown once and stored only as a hash).
    #[command(
        after_help = "A partner's token is also its TAXII password, with the organization as the user.\n\nExamples:\n  scamtrace admin create-token --role analyst --label \"fraud team laptop\"\n  scamtrace admin create-token --role partner --org \"Partner Bank\"\n  scamtrace admin create-token --role partner --org \"Partner Bank\" --collection 5ca37ace-7a11-4c01-8000-000000000002 --read --write"
    )]
    CreateToken {
        /// admin, analyst, partner or law_enforcement.
        #[arg(long)]
        role: String,
        /// A note saying whose token this is.
        #[arg(long)]
        label: Option<String>,
        /// The partner's or agency's organization (required for partners and agencies).
        #[arg(long)]
        org: Option<String>,
        /// A TAXII collection this token may use (repeat for several); without any, a partner
        /// reads the collections open to partners and adds to those open for adding.
        #[arg(long = "collection", value_name = "ID")]
        collections: Vec<String>,
        /// With --collection: may read those collections.
        #[arg(long, requires = "collections")]
        read: bool,
        /// With --collection: may add objects to those collections.
        #[arg(long, requires = "collections")]
        write: bool,
        /// Print JSON instead of the bare token.
        #[arg(long)]
        json: bool,
    },
    /// Create an account for a person, who signs in to the pages with its username and password.
    /// Only the password's Argon2id hash is stored.
    #[command(after_help = format!("{PASSWORD_HELP}\n\nExamples:\n  scamtrace admin create-user --username fraud.desk --role analyst\n  scamtrace admin create-user --username liaison --role partner --org \"CERT Example\" --password-file liaison.txt --json"))]
    CreateUser {
        /// 1 to 64 letters, digits and . _ - @ + (stored lowercased: Fraud.Desk and fraud.desk are one
        /// account).
        #[arg(long)]
        username: String,
        /// admin, analyst, partner or law_enforcement.
        #[arg(long)]
        role: String,
        /// The partner's or agency's organization.
        #[arg(long)]
        org: Option<String>,
        #[command(flatten)]
        password: PasswordSource,
        /// Print the new account as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Give an account a new password. Its open sessions end.
    #[command(after_help = format!("{PASSWORD_HELP}\n\nExample:\n  scamtrace admin reset-password --username fraud.desk --password-file new.txt"))]
    ResetPassword {
        #[arg(long)]
        username: String,
        #[command(flatten)]
        password: PasswordSource,
    },
    /// Stop an account from signing in. Its open sessions end.
    #[command(after_help = "Example:\n  scamtrace admin disable-user --username fraud.desk")]
    DisableUser {
        #[arg(long)]
        username: String,
    },
    /// Let a disabled account sign in again.
    #[command(after_help = "Example:\n  scamtrace admin enable-user --username fraud.desk")]
    EnableUser {
        #[arg(long)]
        username: String,
    },
    /// Print the audit log, newest first: who did what, to what, when, and why.
    #[command(
        after_help = "Examples:\n  scamtrace admin audit --limit 20\n  scamtrace admin audit --json | grep verdict."
    )]
    Audit {
        /// How many events to print.
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// List this instance's TAXII collections: id, TLP, who may read and add by default.
    Collections {
        #[arg(long)]
        json: bool,
    },
    /// Create a TAXII collection, or change one: its title, its TLP (the marking of what this
    /// instance publishes into it, and of objects added without one), the organization that may
    /// receive its TLP:AMBER+STRICT objects, and what partners may do by default.
    #[command(after_help = "Examples:
  scamtrace admin set-collection 5ca37ace-7a11-4c01-8000-000000000001 --tlp green
  scamtrace admin set-collection --new --title \"For CERT Example only\" --tlp amber+strict \\
      --audience \"CERT Example\" --publishes-operations --partner-read yes")]
    SetCollection {
        /// The collection's id (omit with --new).
        #[arg(required_unless_present = "new")]
        id: Option<String>,
        /// Create a new collection with a fresh id.
        #[arg(long, conflicts_with = "id")]
        new: bool,
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// clear, green, amber, amber+strict or red (red: nothing in it ever leaves).
        #[arg(long)]
        tlp: Option<String>,
        /// The one organization that may receive its TLP:AMBER+STRICT objects.
        #[arg(long)]
        audience: Option<String>,
        /// Whether partners whose token names no collections may read it (yes or no).
        #[arg(long, value_parser = ["yes", "no"])]
        partner_read: Option<String>,
        /// Whether partners whose token names no collections may add to it (yes or no).
        #[arg(long, value_parser = ["yes", "no"])]
        partner_write: Option<String>,
        /// This instance publishes its shareable operations into it.
        #[arg(long)]
        publishes_operations: bool,
    },
}

/// Where a new password comes from. Never an argument: other users of the machine can read
/// arguments in the process list.
#[derive(Args)]
struct PasswordSource {
    /// Read the password from the first line of this file (instead of SCAMTRACE_PASSWORD, a
    /// prompt, or standard input).
    #[arg(long, value_name = "FILE")]
    password_file: Option<PathBuf>,
}

const PASSWORD_HELP: &str = "\
The password (at least 12 characters) is never an argument. It is read from, in order:
  --password-file FILE    the file's first line
  SCAMTRACE_PASSWORD      the environment variable
  a terminal              a prompt, typed twice and not shown
  standard input          its first line, when piped";

#[derive(Subcommand)]
enum DemoCommand {
    /// Write realistic, deterministic demo reports as JSON Lines to standard output.
    #[command(
        after_help = "Example:\n  scamtrace demo generate --reports 2000 --seed 42 > demo.jsonl"
    )]
    Generate {
        #[arg(long, default_value_t = 2000)]
        reports: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SCAMTRACE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::io::stderr().is_terminal() {
        builder.init();
    } else {
        builder.json().init();
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(cli.config.as_deref(), cli.database)?;
    match cli.command {
        Command::Demo(DemoCommand::Generate { reports, seed }) => {
            demo_generate(reports, seed)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(args) => {
            serve(settings, args).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(args) => check::check(args).await,
        Command::VerifyPackage(args) => case::verify(args),
        Command::Case(command) => {
            let intake = open(&settings).await?;
            case::run(&intake, &settings, command).await
        }
        Command::Extract { region, lang } => extract(&settings, &region, lang.as_deref()),
        Command::WatchDomains(args) => {
            let ingest = if args.ingest {
                let intake = open(&settings).await?;
                Some(watch::Ingest::new(intake.store().clone()))
            } else {
                None
            };
            watch::run(args, ingest)
        }
        Command::Cluster { top, rebuild } => {
            let intake = open(&settings).await?;
            cluster(&intake, top, rebuild).await
        }
        Command::Export(ExportCommand::Stix { cluster, tlp }) => {
            let Some(tlp) = scamtrace_stix::Tlp::parse(&tlp) else {
                eprintln!(
                    "error: --tlp must be clear, green, amber, amber+strict or red (got {tlp:?})"
                );
                return Ok(ExitCode::from(2));
            };
            let intake = open(&settings).await?;
            export_stix(&intake, &settings.organization, &cluster, tlp).await
        }
        Command::Partner(command) => {
            let intake = open(&settings).await?;
            partner(&intake, &settings, command).await
        }
        Command::Reindex => {
            let intake = open(&settings).await?;
            reindex(&intake).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(args) => {
            let intake = open(&settings).await?;
            import::run(&intake, args).await
        }
        Command::Admin(AdminCommand::CreateToken {
            role,
            label,
            org,
            collections,
            read,
            write,
            json,
        }) => {
            let Some(role) = Role::parse(&role) else {
                eprintln!(
                    "error: unknown role {role:?}: use admin, analyst, partner or law_enforcement"
                );
                return Ok(ExitCode::from(2));
            };
            let org = org.map(|o| o.trim().to_string()).filter(|o| !o.is_empty());
            if matches!(role, Role::Partner | Role::LawEnforcement) && org.is_none() {
                eprintln!("error: a {} token needs --org NAME", role.as_str());
                return Ok(ExitCode::from(2));
            }
            if !collections.is_empty() && !read && !write {
                eprintln!(
                    "error: say what the token may do with those collections: --read, --write or both"
                );
                return Ok(ExitCode::from(2));
            }
            let intake = open(&settings).await?;
            let grants = if collections.is_empty() {
                None
            } else {
                let known = intake.store().taxii_collections().await?;
                let mut grants = Vec::new();
                for id in &collections {
                    if !known.iter().any(|c| &c.id == id) {
                        eprintln!(
                            "error: there is no collection {id} (see scamtrace admin collections)"
                        );
                        return Ok(ExitCode::FAILURE);
                    }
                    grants.push(scamtrace_store::CollectionGrant {
                        collection: id.clone(),
                        read,
                        write,
                    });
                }
                Some(grants)
            };
            let (record, secret) = scamtrace_server::auth::create_token(
                intake.store().as_ref(),
                role,
                label,
                org,
                grants,
            )
            .await?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({"id": record.id, "role": record.role, "token": secret})
                );
            } else {
                println!("{secret}");
                eprintln!(
                    "Created an API token for the {} role (id {}). It is shown only this once.",
                    role.as_str(),
                    record.id
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin(AdminCommand::CreateUser {
            username,
            role,
            org,
            password,
            json,
        }) => {
            let Some(role) = Role::parse(&role) else {
                eprintln!(
                    "error: unknown role {role:?}: use admin, analyst, partner or law_enforcement"
                );
                return Ok(ExitCode::from(2));
            };
            if let Err(e) = auth::valid_username(&username) {
                eprintln!("error: --username {username:?}: {e}");
                return Ok(ExitCode::from(2));
            }
            let secret = read_new_password(&password)?;
            let intake = open(&settings).await?;
            let store = intake.store().as_ref();
            // A taken username or a too-short password is an error (exit 1) that names it.
            let user = auth::create_user(store, &username, &secret, role, org).await?;
            let reason = format!("{} as {}", user.username, user.role);
            audit_user(store, &user.username, "user.create", Some(reason)).await?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({"id": user.id, "username": user.username, "role": user.role, "organization": user.organization})
                );
            } else {
                println!(
                    "Created the {} account {:?} (id {}).",
                    user.role, user.username, user.id
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin(AdminCommand::ResetPassword { username, password }) => {
            let secret = read_new_password(&password)?;
            let intake = open(&settings).await?;
            let store = intake.store().as_ref();
            auth::set_password(store, &username, &secret).await?;
            audit_user(store, &username, "user.password_reset", None).await?;
            println!(
                "New password set for {:?}; its sessions have ended.",
                username_key(&username)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin(AdminCommand::DisableUser { username }) => {
            let intake = open(&settings).await?;
            set_disabled(intake.store().as_ref(), &username, true).await
        }
        Command::Admin(AdminCommand::EnableUser { username }) => {
            let intake = open(&settings).await?;
            set_disabled(intake.store().as_ref(), &username, false).await
        }
        Command::Admin(AdminCommand::Audit { limit, json }) => {
            let intake = open(&settings).await?;
            for e in intake.store().list_audit(limit.clamp(1, 100_000)).await? {
                let at =
                    e.at.format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default();
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"at": at, "actor": e.actor, "action": e.action,
                                           "subject": e.subject, "reason": e.reason})
                    );
                } else {
                    println!(
                        "{at}  {:<28} {:<32} {}  {}",
                        e.actor,
                        e.action,
                        e.subject,
                        e.reason.as_deref().unwrap_or("")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin(AdminCommand::Collections { json }) => {
            let intake = open(&settings).await?;
            for c in intake.store().taxii_collections().await? {
                if json {
                    println!(
                        "{}",
                        serde_json::json!({
                            "id": c.id, "title": c.title, "description": c.description, "tlp": c.tlp,
                            "audience": c.audience, "partner_read": c.partner_read,
                            "partner_write": c.partner_write, "publishes": c.publishes,
                        })
                    );
                } else {
                    println!(
                        "{}\t{}\t{}{}\tpartners: {}{}\t{}",
                        c.id,
                        c.tlp,
                        c.title,
                        c.audience
                            .as_deref()
                            .map(|a| format!(" (for {a})"))
                            .unwrap_or_default(),
                        if c.partner_read { "read" } else { "-" },
                        if c.partner_write { " add" } else { "" },
                        c.publishes
                            .as_deref()
                            .map(|p| format!("publishes {p}"))
                            .unwrap_or_default()
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin(AdminCommand::SetCollection {
            id,
            new,
            title,
            description,
            tlp,
            audience,
            partner_read,
            partner_write,
            publishes_operations,
        }) => {
            let tlp = match tlp.as_deref().map(|t| (t, scamtrace_stix::Tlp::parse(t))) {
                Some((t, None)) => {
                    eprintln!(
                        "error: --tlp must be clear, green, amber, amber+strict or red (got {t:?})"
                    );
                    return Ok(ExitCode::from(2));
                }
                Some((_, Some(tlp))) => Some(tlp),
                None => None,
            };
            let intake = open(&settings).await?;
            let existing = intake.store().taxii_collections().await?;
            let mut c = match (&id, new) {
                (_, true) => scamtrace_store::TaxiiCollection {
                    id: uuid::Uuid::new_v4().to_string(),
                    title: String::new(),
                    description: None,
                    tlp: scamtrace_stix::Tlp::Amber.name().to_string(),
                    audience: None,
                    partner_read: false,
                    partner_write: false,
                    publishes: None,
                },
                (Some(id), false) => match existing.iter().find(|c| &c.id == id) {
                    Some(c) => c.clone(),
                    None => {
                        eprintln!(
                            "error: there is no collection {id} (see scamtrace admin collections)"
                        );
                        return Ok(ExitCode::FAILURE);
                    }
                },
                (None, false) => unreachable!("clap requires an id without --new"),
            };
            if let Some(title) = title {
                c.title = title.trim().to_string();
            }
            if c.title.is_empty() {
                eprintln!("error: a new collection needs --title");
                return Ok(ExitCode::from(2));
            }
            if let Some(d) = description {
                c.description = Some(d).filter(|d| !d.trim().is_empty());
            }
            if let Some(tlp) = tlp {
                c.tlp = tlp.name().to_string();
            }
            if let Some(a) = audience {
                c.audience = Some(a.trim().to_string()).filter(|a| !a.is_empty());
            }
            if let Some(r) = partner_read {
                c.partner_read = r == "yes";
            }
            if let Some(w) = partner_write {
                c.partner_write = w == "yes";
            }
            if publishes_operations {
                c.publishes = Some("operations".into());
            }
            if c.tlp == scamtrace_stix::Tlp::AmberStrict.name() && c.audience.is_none() {
                eprintln!(
                    "warning: TLP:AMBER+STRICT with no --audience: its objects reach no partner"
                );
            }
            intake.store().upsert_taxii_collection(c.clone()).await?;
            intake
                .store()
                .append_audit(scamtrace_store::AuditEvent {
                    at: time::OffsetDateTime::now_utc(),
                    actor: cli_actor(),
                    action: "taxii.collection.set".into(),
                    subject: c.id.clone(),
                    reason: Some(format!("{} {}", c.tlp, c.title)),
                })
                .await?;
            println!("{}", c.id);
            eprintln!("Collection {:?} ({}) is {}.", c.title, c.id, c.tlp);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The audit log's actor for a command run on this machine: `cli:` and the operating-system user.
pub(crate) fn cli_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

/// Writes the audit event of a command that changed an account (the subject is its id).
async fn audit_user(
    store: &dyn Store,
    username: &str,
    action: &str,
    reason: Option<String>,
) -> anyhow::Result<()> {
    let subject = store
        .find_user_by_username(username)
        .await?
        .map(|u| u.id)
        .unwrap_or_else(|| username_key(username));
    store
        .append_audit(scamtrace_store::AuditEvent {
            at: time::OffsetDateTime::now_utc(),
            actor: cli_actor(),
            action: action.into(),
            subject,
            reason,
        })
        .await?;
    Ok(())
}

async fn set_disabled(
    store: &dyn Store,
    username: &str,
    disable: bool,
) -> anyhow::Result<ExitCode> {
    let at = disable.then(time::OffsetDateTime::now_utc);
    if !store.set_user_disabled(username, at).await? {
        return Err(AccountError::NoSuchUser(username_key(username)).into());
    }
    let (action, said) = if disable {
        ("user.disable", "is disabled; its sessions have ended")
    } else {
        ("user.enable", "may sign in again")
    };
    audit_user(store, username, action, None).await?;
    println!("{:?} {said}.", username_key(username));
    Ok(ExitCode::SUCCESS)
}

/// Reads a new password from `--password-file`, `SCAMTRACE_PASSWORD`, a prompt on a terminal
/// (twice, without echo) or the first line of standard input, in that order.
fn read_new_password(source: &PasswordSource) -> anyhow::Result<String> {
    use std::io::BufRead;
    let first_line = |text: &str| text.lines().next().unwrap_or("").to_string();
    let password = if let Some(file) = &source.password_file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read the password file {}", file.display()))?;
        first_line(&text)
    } else if let Some(password) = std::env::var("SCAMTRACE_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
    {
        password
    } else if std::io::stdin().is_terminal() {
        let first =
            rpassword::prompt_password("New password: ").context("cannot read the password")?;
        let again =
            rpassword::prompt_password("The same again: ").context("cannot read the password")?;
        if first != again {
            bail!("the two passwords differ; nothing was changed");
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        first_line(&line)
    };
    if password.is_empty() {
        bail!(
            "no password given: use SCAMTRACE_PASSWORD, --password-file FILE, or type it at the prompt"
        );
    }
    Ok(password)
}

/// Opens the configured store and key.
async fn open(settings: &Settings) -> anyhow::Result<Intake> {
    let store: Arc<dyn Store> = if settings.database.starts_with("postgres://")
        || settings.database.starts_with("postgresql://")
    {
        Arc::new(
            scamtrace_store_postgres::PostgresStore::open(
                &settings.database,
                settings.postgres_schema.as_deref(),
            )
            .await
            .context("cannot open the PostgreSQL database")?,
        )
    } else if settings.database.starts_with("sqlite:") || !settings.database.contains("://") {
        Arc::new(
            scamtrace_store_sqlite::SqliteStore::open(&settings.database)
                .await
                .with_context(|| {
                    format!("cannot open the SQLite database {}", settings.database)
                })?,
        )
    } else {
        bail!(
            "unsupported database URL {:?}: use sqlite://PATH or postgres://...",
            settings.database
        );
    };
    let vault = settings.vault()?;
    Ok(Intake::with_reference(
        store,
        Arc::new(vault),
        settings.reference_list()?,
    ))
}

fn extract(settings: &Settings, region: &str, lang: Option<&str>) -> anyhow::Result<ExitCode> {
    use std::io::{Read, Write};
    let Some(region) = scamtrace_model::Country::parse(region) else {
        eprintln!("error: --region {region:?} is not an ISO 3166-1 alpha-2 country code");
        return Ok(ExitCode::from(2));
    };
    if let Some(lang) = lang
        && scamtrace_model::LanguageTag::parse(lang).is_none()
    {
        eprintln!("error: --lang {lang:?} is not a BCP 47 language tag");
        return Ok(ExitCode::from(2));
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("standard input is not UTF-8 text")?;
    // Extraction keys gift card code hashes with the instance key when there is one; without a
    // database at hand, a key of zeros makes the hashes comparable only within this run.
    let key = match std::env::var("SCAMTRACE_KEY") {
        Ok(hex) if !hex.is_empty() => scamtrace_vault::Vault::from_hex(&hex, "SCAMTRACE_KEY")?
            .derive_key("scamtrace/gift-card/v1"),
        _ => [0; 32],
    };
    let extractor = scamtrace_extract::Extractor::with_reference(settings.reference_list()?, key);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for indicator in extractor.extract_text(&text, region.as_str(), scamtrace_extract::Origin::Text)
    {
        let row = scamtrace_intake::indicator_row(&indicator);
        serde_json::to_writer(&mut out, &scamtrace_intake::indicator_json(&row))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

async fn partner(
    intake: &Intake,
    settings: &Settings,
    command: PartnerCommand,
) -> anyhow::Result<ExitCode> {
    use scamtrace_server::federation::{self, Credentials};
    match command {
        PartnerCommand::Add {
            name,
            taxii_url,
            collection,
            push_collection,
            user,
            password,
            password_from_env,
            token,
            token_from_env,
        } => {
            let from_env = |var: &str| -> anyhow::Result<String> {
                std::env::var(var)
                    .ok()
                    .filter(|v| !v.is_empty())
                    .with_context(|| format!("{var} is not set"))
            };
            let password = if password_from_env {
                Some(from_env("SCAMTRACE_PARTNER_PASSWORD")?)
            } else {
                password
            };
            let token = if token_from_env {
                Some(from_env("SCAMTRACE_PARTNER_TOKEN")?)
            } else {
                token
            };
            let credentials = match (user, password, token) {
                (Some(user), Some(password), None) | (Some(user), None, Some(password)) => {
                    Credentials::Basic { user, password }
                }
                (None, None, Some(token)) => Credentials::Bearer { token },
                (None, None, None) => Credentials::None,
                (None, Some(_), _) => {
                    eprintln!("error: --password needs --user");
                    return Ok(ExitCode::from(2));
                }
                (Some(_), None, None) => {
                    eprintln!("error: --user needs --password or --token");
                    return Ok(ExitCode::from(2));
                }
                (Some(_), Some(_), Some(_)) => {
                    eprintln!("error: give --password or --token, not both");
                    return Ok(ExitCode::from(2));
                }
            };
            match federation::add_partner(
                intake,
                &name,
                &taxii_url,
                &collection,
                push_collection.as_deref(),
                &credentials,
            )
            .await
            {
                Ok(p) => {
                    eprintln!(
                        "Partner {:?}: pulls {} from {}{}.",
                        p.name,
                        p.collection,
                        p.taxii_url,
                        p.push_collection
                            .as_deref()
                            .map(|c| format!(", pushes to {c}"))
                            .unwrap_or_default()
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(federation::SyncError::Invalid(message)) => {
                    eprintln!("error: {message}");
                    Ok(ExitCode::from(2))
                }
                Err(e) => Err(e.into()),
            }
        }
        PartnerCommand::List { json } => {
            let partners = intake.store().partners().await?;
            if json {
                for p in &partners {
                    println!(
                        "{}",
                        serde_json::json!({
                            "name": p.name,
                            "taxii_url": p.taxii_url,
                            "collection": p.collection,
                            "push_collection": p.push_collection,
                            "pulled_through": p.pulled_through,
                            "last_sync_at": p.last_sync_at.map(scamtrace_stix::timestamp),
                            "last_error": p.last_error,
                        })
                    );
                }
            } else if partners.is_empty() {
                println!("No partners yet: add one with `scamtrace partner add`.");
            } else {
                for p in &partners {
                    let last = match (&p.last_sync_at, &p.last_error) {
                        (None, _) => "never synced".to_string(),
                        (Some(t), None) => format!("synced {}", scamtrace_stix::timestamp(*t)),
                        (Some(t), Some(e)) => {
                            format!("last sync {} FAILED: {e}", scamtrace_stix::timestamp(*t))
                        }
                    };
                    println!(
                        "{}\t{}collections/{}/\tpush: {}\t{last}",
                        p.name,
                        p.taxii_url,
                        p.collection,
                        p.push_collection.as_deref().unwrap_or("-")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        PartnerCommand::Sync { name, json } => {
            let partners: Vec<_> = intake
                .store()
                .partners()
                .await?
                .into_iter()
                .filter(|p| {
                    name.as_deref()
                        .is_none_or(|n| n.trim().eq_ignore_ascii_case(p.name.trim()))
                })
                .collect();
            if partners.is_empty() {
                eprintln!(
                    "error: {}",
                    match &name {
                        Some(n) =>
                            format!("there is no partner named {n:?} (see scamtrace partner list)"),
                        None => "no partners yet: add one with `scamtrace partner add`".into(),
                    }
                );
                return Ok(ExitCode::FAILURE);
            }
            // Publish first, so that what is pushed is current.
            let correlator = scamtrace_server::correlation::Correlator::new(
                scamtrace_correlate::Config::default(),
            );
            correlator.load(intake.store().as_ref()).await?;
            let mut memory = scamtrace_server::sharing::Published::default();
            scamtrace_server::sharing::publish(
                intake,
                &correlator,
                &settings.organization,
                &mut memory,
            )
            .await?;
            let mut failed = false;
            for p in &partners {
                match federation::sync_partner(intake, p).await {
                    Ok(s) if json => println!("{}", serde_json::to_string(&s)?),
                    Ok(s) => println!(
                        "{}: pulled {} objects in {} pages ({} new observations); pushed {} objects{}.",
                        s.partner,
                        s.pulled_objects,
                        s.pulled_pages,
                        s.new_observations,
                        s.pushed_objects,
                        if s.push_failures > 0 {
                            format!(", {} refused", s.push_failures)
                        } else {
                            String::new()
                        }
                    ),
                    Err(e) => {
                        failed = true;
                        if json {
                            println!(
                                "{}",
                                serde_json::json!({"partner": p.name, "error": e.to_string()})
                            );
                        } else {
                            eprintln!("{}: sync failed: {e}", p.name);
                        }
                    }
                }
            }
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// `scamtrace export stix`: the chosen operations as one STIX bundle on standard output.
async fn export_stix(
    intake: &Intake,
    organization: &str,
    wanted: &[u64],
    tlp: scamtrace_stix::Tlp,
) -> anyhow::Result<ExitCode> {
    use scamtrace_correlate::ClusterLookup;
    use scamtrace_server::correlation::Correlator;
    let correlator = Correlator::new(scamtrace_correlate::Config::default());
    correlator.load(intake.store().as_ref()).await?;
    let clusters: Vec<u64> = {
        let engine = correlator.engine().await;
        if wanted.is_empty() {
            let mut all: Vec<(u64, u32)> = engine.clusters(2).collect();
            all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            all.into_iter().map(|(id, _)| id).collect()
        } else {
            let mut ids = Vec::new();
            for id in wanted {
                match engine.lookup_cluster(*id) {
                    Some(ClusterLookup::Current(c)) | Some(ClusterLookup::Moved(c)) => ids.push(c),
                    None => anyhow::bail!("there is no operation {id}"),
                }
            }
            ids.dedup();
            ids
        }
    };
    let private =
        scamtrace_server::sharing::victims_contacts(intake, &correlator, &clusters).await?;
    let campaigns: Vec<scamtrace_stix::SharedCampaign> = {
        let engine = correlator.engine().await;
        clusters
            .iter()
            .filter_map(|c| scamtrace_server::sharing::shared_campaign(&engine, *c, &private))
            .collect()
    };
    if !wanted.is_empty() && campaigns.is_empty() {
        anyhow::bail!(
            "nothing to share: those operations have fewer than two reports or no shareable values"
        );
    }
    let author = scamtrace_stix::Author::new(organization, tlp, time::OffsetDateTime::now_utc());
    let bundle = author.bundle(&campaigns, &[]);
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &bundle)?;
    std::io::Write::write_all(&mut out, b"\n")?;
    eprintln!(
        "Exported {} operations ({} objects) as {} by {organization:?}.",
        campaigns.len(),
        bundle["objects"].as_array().map_or(0, Vec::len),
        tlp
    );
    Ok(ExitCode::SUCCESS)
}

async fn cluster(intake: &Intake, top: usize, rebuild: bool) -> anyhow::Result<ExitCode> {
    use scamtrace_server::correlation::Correlator;
    let store = intake.store().as_ref();
    let started = std::time::Instant::now();
    let bulk = Correlator::new(scamtrace_correlate::Config::default());
    let reports = bulk.load(store).await?;
    let built_in = started.elapsed();
    let engine = bulk.engine().await;
    if rebuild {
        let incremental = Correlator::new(scamtrace_correlate::Config::default());
        while incremental.catch_up(store).await? > 0 {}
        let same = incremental.engine().await.partition() == engine.partition();
        eprintln!(
            "{reports} reports: built at once in {} ms; added one at a time: {}",
            built_in.as_millis(),
            if same {
                "the same clusters"
            } else {
                "DIFFERENT clusters"
            }
        );
        if !same {
            return Ok(ExitCode::FAILURE);
        }
    }
    let mut clusters: Vec<(u64, u32)> = engine.clusters(2).collect();
    clusters.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!(
        "{:>8}  {:>7}  {:<10}  {:<10}  {:<22}  {:<16}  {:>10}  top indicator",
        "cluster", "reports", "first", "last", "countries", "brands", "loss USD~"
    );
    for (id, _) in clusters.iter().take(top) {
        let s = scamtrace_server::clusters::summary(&engine, *id);
        let top_list = |field: &str, n: usize| {
            s[field]
                .as_array()
                .map(|a| {
                    a.iter()
                        .take(n)
                        .map(|v| format!("{} {}", v["value"].as_str().unwrap_or("?"), v["reports"]))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
        };
        let indicator = engine
            .cluster_values(*id)
            .into_iter()
            .find(|(v, _)| v.status.links())
            .map(|(v, n)| format!("{} {} ({n})", v.kind.as_str(), v.value))
            .unwrap_or_default();
        println!(
            "{:>8}  {:>7}  {:<10}  {:<10}  {:<22}  {:<16}  {:>10}  {}",
            id,
            s["reports"].as_u64().unwrap_or(0),
            s["first_seen"].as_str().unwrap_or(""),
            s["last_seen"].as_str().unwrap_or(""),
            top_list("countries", 3),
            top_list("brands", 2),
            s["losses_usd_estimate"].as_f64().unwrap_or(0.0).round() as u64,
            indicator
        );
    }
    eprintln!(
        "{} clusters of two reports or more, from {reports} reports",
        clusters.len()
    );
    Ok(ExitCode::SUCCESS)
}

async fn reindex(intake: &Intake) -> anyhow::Result<()> {
    let total = intake.store().count_reports().await?;
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(total)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let started = std::time::Instant::now();
    let mut cursor = None;
    let mut done = 0u64;
    let mut indicators = 0usize;
    loop {
        let filter = scamtrace_store::ReportFilter {
            limit: 500,
            cursor: cursor.clone(),
            ..Default::default()
        };
        let page = intake.store().list_reports(&filter).await?;
        for report in &page.items {
            let rows = intake.indicators_of_stored(report);
            indicators += rows.len();
            intake.store().replace_indicators(&report.id, rows).await?;
            done += 1;
            bar.inc(1);
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    bar.finish_and_clear();
    println!(
        "Re-extracted {done} reports ({indicators} indicators) in {:.1} s.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn demo_generate(reports: usize, seed: u64) -> anyhow::Result<()> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for r in scamtrace_demo::Demo::new(seed, reports).reports() {
        serde_json::to_writer(&mut out, &r.report)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// Whose data a demo report is, so that the demo's operations show reports pooled from several
/// organizations: about half are victims' own reports, the rest come from three kinds of
/// partner (deterministically, by the report's narrative).
fn demo_organization(report: &serde_json::Value) -> Option<String> {
    let narrative = report["narrative"].as_str().unwrap_or("");
    let h = narrative.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    match h % 20 {
        0..=9 => None,
        10..=14 => Some("Demo software company".into()),
        15..=18 => Some("Demo online marketplace".into()),
        _ => Some("Demo national fraud reporting centre".into()),
    }
}

/// Reports in the demo data set loaded by `serve --demo`.
const DEMO_REPORTS: usize = 2000;
const DEMO_SEED: u64 = 42;

async fn load_demo(intake: &Intake) -> anyhow::Result<()> {
    if intake.store().count_reports().await? > 0 {
        tracing::info!("the database already holds reports; no demo data loaded");
        return Ok(());
    }
    let started = std::time::Instant::now();
    let mut batch = Vec::with_capacity(500);
    let mut loaded = 0usize;
    for r in scamtrace_demo::Demo::new(DEMO_SEED, DEMO_REPORTS).reports() {
        match scamtrace_model::parse_report(&r.report) {
            Ok(report) => batch.push((report, demo_organization(&r.report))),
            Err(errors) => tracing::warn!(?errors, "demo report failed validation; skipped"),
        }
        if batch.len() == 500 {
            loaded += intake
                .store_many(std::mem::take(&mut batch), Source::Demo)
                .await?
                .len();
        }
    }
    loaded += intake.store_many(batch, Source::Demo).await?.len();
    tracing::info!(
        reports = loaded,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "loaded demo data"
    );
    Ok(())
}

const DEMO_USERNAME: &str = "demo";

/// Creates the demo analyst account with a random password, or gives it a new one if it exists
/// (only the hash is stored, so an earlier password cannot be shown again), and returns the
/// password to print.
async fn demo_analyst(store: &dyn Store) -> anyhow::Result<String> {
    let password = auth::generate_password();
    match auth::create_user(store, DEMO_USERNAME, &password, Role::Analyst, None).await {
        Ok(_) => {
            let reason = format!("{DEMO_USERNAME} as analyst (serve --demo)");
            audit_user(store, DEMO_USERNAME, "user.create", Some(reason)).await?;
        }
        Err(AccountError::UsernameTaken(_)) => {
            auth::set_password(store, DEMO_USERNAME, &password).await?;
            let reason = Some("serve --demo".to_string());
            audit_user(store, DEMO_USERNAME, "user.password_reset", reason).await?;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(password)
}

async fn serve(settings: Settings, args: ServeArgs) -> anyhow::Result<()> {
    // A broken notice template is the operator's to fix now, not at an agency's first export.
    settings
        .server
        .refer
        .templates()
        .map_err(|e| anyhow::anyhow!("[server.refer] {e}"))?;
    let intake = open(&settings).await?;
    let listen = args.listen.unwrap_or(settings.listen.clone());
    if args.demo {
        load_demo(&intake).await?;
    }
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let address = listener.local_addr()?;
    if args.demo {
        let password = demo_analyst(intake.store().as_ref()).await?;
        eprintln!(
            "\nScamTrace is running with demo data.\n  Report form:  http://{address}/report\n  Analysts:     http://{address}/login\n    username:   {DEMO_USERNAME}\n    password:   {password}\n  (a new password at every start with --demo; only its hash is kept)\n"
        );
    }
    tracing::info!(%address, database = intake.store().backend(), "listening");
    let store = intake.store().clone();
    let app = App::new(intake, settings.server.clone());
    app.correlator().load(store.as_ref()).await?;
    app.correlator()
        .follow(store, std::time::Duration::from_secs(1));
    app.spawn_publisher();
    app.spawn_sync();
    scamtrace_server::serve(listener, app, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
