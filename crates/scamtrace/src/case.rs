//! `scamtrace case ...` (cases and referral packages, straight on the database) and
//! `scamtrace verify-package` (which needs no database at all).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use scamtrace_intake::Intake;
use scamtrace_refer::case::{Case, Change, OutcomeInput, Status};
use scamtrace_refer::package::{self, PublicKey};
use scamtrace_server::cases::{self, Actor, CaseFailure, ExportContext};
use scamtrace_server::correlation::Correlator;

#[derive(Subcommand)]
pub enum CaseCommand {
    /// Open a case over one or more operations (clusters) and print its id.
    Open {
        /// An operation's id (repeat for several). An absorbed operation's id means the one that
        /// absorbed it.
        #[arg(long = "cluster", required = true)]
        clusters: Vec<u64>,
        #[arg(long)]
        title: String,
        /// The analyst in charge (a username).
        #[arg(long)]
        assignee: Option<String>,
        /// Print the case as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the cases, most recently changed first.
    List {
        /// open, referred, actioned or closed.
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Print one case (by id or reference) with its referrals, outcomes, notes and packages.
    Show {
        case: String,
        #[arg(long)]
        json: bool,
    },
    /// Append a note to a case.
    Note { case: String, text: String },
    /// Refer a case to an agency; an open case becomes referred.
    Refer {
        case: String,
        #[arg(long)]
        agency: String,
        /// The agency's own reference for the referral.
        #[arg(long)]
        agency_reference: Option<String>,
    },
    /// Move a case to actioned or closed, or reopen a closed one (open).
    Status {
        case: String,
        /// actioned, closed or open.
        status: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Assign a case to an analyst (a username), or unassign it with --none.
    Assign {
        case: String,
        username: Option<String>,
        #[arg(long, conflicts_with = "username")]
        none: bool,
    },
    /// Record an outcome: raids, arrests, numbers_disconnected, domains_suspended,
    /// accounts_frozen (with --count) or money_recovered (with --amount and --currency).
    Outcome {
        case: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        count: Option<u64>,
        #[arg(long)]
        amount: Option<String>,
        #[arg(long)]
        currency: Option<String>,
        /// When it happened (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        #[arg(long)]
        agency: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Build, sign and store a referral package for an agency, and write it to a zip file.
    /// Victims' contact details go only to a law-enforcement agency (one with law_enforcement
    /// accounts here), and only where the reporter allowed contact.
    Export {
        case: String,
        /// The agency the package is for.
        #[arg(long)]
        recipient: String,
        /// Where to write the zip.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the built-in abuse notice templates into a directory, to edit and then name in
    /// `[server.refer] notice_templates`.
    Templates {
        dir: PathBuf,
        /// Replace files that exist.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The referral package (a zip).
    pub package: PathBuf,
    /// The instance's public key: a file or the text itself, as the document at
    /// /.well-known/scamtrace-signing-key, a PEM, base64 or hex. Without it, only the
    /// package's integrity against the key it names is checked.
    #[arg(long)]
    pub key: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

fn actor() -> Actor {
    let name = crate::cli_actor();
    Actor {
        id: name.clone(),
        name,
    }
}

/// A failure the user can fix, printed as `error: ...` with exit status 2; anything else is 1.
fn report(e: CaseFailure) -> anyhow::Result<ExitCode> {
    match e {
        CaseFailure::Store(e) => Err(e.into()),
        CaseFailure::Package(e) => Err(anyhow::anyhow!("building the package failed: {e}")),
        other => {
            eprintln!("error: {other}");
            Ok(ExitCode::from(2))
        }
    }
}

async fn loaded(intake: &Intake) -> anyhow::Result<Correlator> {
    let correlator = Correlator::new(scamtrace_correlate::Config::default());
    correlator.load(intake.store().as_ref()).await?;
    Ok(correlator)
}

fn print_case(case: &Case, operations: &[u64], packages: &[scamtrace_store::CasePackageInfo]) {
    println!("{}  {}", case.reference, case.title);
    println!("  id:         {}", case.id);
    println!("  status:     {}", case.status);
    println!(
        "  assignee:   {}",
        case.assignee.as_deref().unwrap_or("(nobody)")
    );
    println!(
        "  operations: {}",
        operations
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "  opened:     {} by {}",
        scamtrace_stix::timestamp(case.created_at),
        case.created_by
    );
    for r in &case.referrals {
        println!(
            "  referred:   {} to {}{}",
            scamtrace_stix::timestamp(r.referred_at),
            r.agency,
            r.agency_reference
                .as_deref()
                .map(|x| format!(" (their reference {x})"))
                .unwrap_or_default()
        );
    }
    for o in &case.outcomes {
        println!("  outcome:    {}", scamtrace_refer::case::outcome_line(o));
    }
    for n in &case.notes {
        println!(
            "  note:       {} {}: {}",
            scamtrace_stix::timestamp(n.at),
            n.author,
            n.text.replace('\n', "\n              ")
        );
    }
    for p in packages {
        println!(
            "  package:    {} for {} at {} ({}personal data, sha256 {})",
            p.id,
            p.recipient,
            scamtrace_stix::timestamp(p.exported_at),
            if p.personal_data { "" } else { "no " },
            p.sha256
        );
    }
}

fn cli_principal() -> scamtrace_server::Principal {
    // The CLI runs on the server's machine with the database's key: an operator, like an admin.
    scamtrace_server::Principal {
        id: crate::cli_actor(),
        role: scamtrace_server::Role::Admin,
        via_session: false,
        organization: None,
        collections: None,
    }
}

pub async fn run(
    intake: &Intake,
    settings: &crate::config::Settings,
    command: CaseCommand,
) -> anyhow::Result<ExitCode> {
    let store = intake.store().as_ref();
    match command {
        CaseCommand::Open {
            clusters,
            title,
            assignee,
            json,
        } => {
            let correlator = loaded(intake).await?;
            let case = match cases::open_case(
                intake,
                &correlator,
                &title,
                &clusters,
                assignee.as_deref(),
                &actor(),
            )
            .await
            {
                Ok(c) => c,
                Err(e) => return report(e),
            };
            if json {
                let engine = correlator.engine().await;
                let body = cases::case_json(
                    &case,
                    &cases::clusters_now(&engine, &case),
                    &cli_principal(),
                );
                println!("{body}");
            } else {
                println!("{}", case.id);
                eprintln!("Opened case {} ({}).", case.reference, case.title);
            }
            Ok(ExitCode::SUCCESS)
        }
        CaseCommand::List { status, json } => {
            let wanted = match status.as_deref() {
                Some(s) => match Status::parse(s) {
                    Some(s) => Some(s),
                    None => {
                        eprintln!(
                            "error: --status must be open, referred, actioned or closed (got {s:?})"
                        );
                        return Ok(ExitCode::from(2));
                    }
                },
                None => None,
            };
            let all: Vec<Case> = cases::all_cases(store)
                .await?
                .into_iter()
                .filter(|c| wanted.is_none_or(|s| c.status == s))
                .collect();
            if json {
                for c in &all {
                    println!("{}", serde_json::to_string(c)?);
                }
            } else if all.is_empty() {
                eprintln!("No cases.");
            } else {
                println!(
                    "{:<16} {:<9} {:<14} {:<24} TITLE",
                    "REFERENCE", "STATUS", "ASSIGNEE", "AGENCIES"
                );
                for c in &all {
                    println!(
                        "{:<16} {:<9} {:<14} {:<24} {}",
                        c.reference,
                        c.status,
                        c.assignee.as_deref().unwrap_or("-"),
                        c.agencies().join("; "),
                        c.title
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CaseCommand::Show { case, json } => {
            let Some((_, c)) = cases::find_case(store, &case).await? else {
                eprintln!("error: there is no case {case:?}");
                return Ok(ExitCode::from(2));
            };
            let correlator = loaded(intake).await?;
            let operations = {
                let engine = correlator.engine().await;
                cases::clusters_now(&engine, &c)
            };
            let packages = store.case_packages(&c.id).await?;
            if json {
                let mut body = cases::case_json(&c, &operations, &cli_principal());
                body["packages"] =
                    serde_json::json!(packages.iter().map(cases::package_json).collect::<Vec<_>>());
                println!("{body}");
            } else {
                print_case(&c, &operations, &packages);
            }
            Ok(ExitCode::SUCCESS)
        }
        CaseCommand::Note { case, text } => change(intake, &case, Change::Note(text)).await,
        CaseCommand::Refer {
            case,
            agency,
            agency_reference,
        } => {
            change(
                intake,
                &case,
                Change::Refer {
                    agency,
                    agency_reference,
                },
            )
            .await
        }
        CaseCommand::Status {
            case,
            status,
            reason,
        } => {
            let Some(status) = Status::parse(&status) else {
                eprintln!(
                    "error: the status must be actioned, closed or open (reopen); got {status:?}"
                );
                return Ok(ExitCode::from(2));
            };
            change(intake, &case, Change::SetStatus { status, reason }).await
        }
        CaseCommand::Assign {
            case,
            username,
            none,
        } => {
            if username.is_none() && !none {
                eprintln!("error: name the analyst (a username), or pass --none to unassign");
                return Ok(ExitCode::from(2));
            }
            change(intake, &case, Change::Assign(username)).await
        }
        CaseCommand::Outcome {
            case,
            kind,
            count,
            amount,
            currency,
            date,
            agency,
            note,
        } => {
            change(
                intake,
                &case,
                Change::Outcome(OutcomeInput {
                    kind,
                    count,
                    amount,
                    currency,
                    date,
                    agency,
                    note,
                }),
            )
            .await
        }
        CaseCommand::Export {
            case,
            recipient,
            out,
        } => {
            let Some((_, c)) = cases::find_case(store, &case).await? else {
                eprintln!("error: there is no case {case:?}");
                return Ok(ExitCode::from(2));
            };
            if let Err(e) = settings.server.refer.templates() {
                eprintln!("error: {e}");
                return Ok(ExitCode::from(2));
            }
            let correlator = loaded(intake).await?;
            let ctx = ExportContext {
                intake,
                correlator: &correlator,
                organization: &settings.organization,
                refer: &settings.server.refer,
            };
            let info = match cases::export_package(&ctx, &c, &recipient, &actor()).await {
                Ok(i) => i,
                Err(e) => return report(e),
            };
            let Some(package) = store.case_package(&info.id).await? else {
                anyhow::bail!("the package was stored but cannot be read back");
            };
            write_new(&out, &package.bytes)?;
            eprintln!(
                "Wrote {} ({} bytes, sha256 {}) for {}: {}.",
                out.display(),
                info.size,
                info.sha256,
                info.recipient,
                if info.personal_data {
                    "with the contact details of reporters who allowed contact (law enforcement)"
                } else {
                    "no personal data"
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        CaseCommand::Templates { dir, force } => write_templates(&dir, force),
    }
}

async fn change(intake: &Intake, key: &str, change: Change) -> anyhow::Result<ExitCode> {
    let correlator = match &change {
        Change::AddClusters(_) => loaded(intake).await?,
        _ => Correlator::new(scamtrace_correlate::Config::default()),
    };
    let action = change.action();
    match cases::change_case(intake, &correlator, key, change, &actor()).await {
        Ok(c) => {
            eprintln!(
                "{}: {} (now {}).",
                c.reference,
                action.trim_start_matches("case."),
                c.status
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => report(e),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory, so that a failed
/// write never leaves half a package behind.
fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.partial",
        path.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "package.zip".into())
    ));
    let mut f =
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn write_templates(dir: &Path, force: bool) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for name in scamtrace_refer::notices::TEMPLATES {
        let path = dir.join(name);
        if path.exists() && !force {
            eprintln!(
                "error: {} exists; pass --force to replace it",
                path.display()
            );
            return Ok(ExitCode::from(2));
        }
        let text = scamtrace_refer::notices::Templates::builtin_source(name).unwrap_or("");
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    eprintln!(
        "Wrote phone.txt, domain.txt and payment.txt to {}. Edit them (minijinja templates), then set notice_templates = {:?} under [server.refer].",
        dir.display(),
        dir.display().to_string()
    );
    Ok(ExitCode::SUCCESS)
}

/// `scamtrace verify-package`: exit status 0 when the package is intact (and signed with the
/// trusted key when one is given), 1 when anything is wrong, 2 when it cannot be checked.
pub fn verify(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let bytes = match std::fs::read(&args.package) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.package.display());
            return Ok(ExitCode::from(2));
        }
    };
    let trusted = match &args.key {
        None => None,
        Some(text) => {
            let path = Path::new(text);
            let source = if text.len() < 4096 && path.is_file() {
                match std::fs::read_to_string(path) {
                    Ok(t) => t,
                    Err(e) => {
                        eprintln!("error: cannot read the key file {}: {e}", path.display());
                        return Ok(ExitCode::from(2));
                    }
                }
            } else {
                text.clone()
            };
            match PublicKey::parse(&source) {
                Ok(k) => Some(k),
                Err(e) => {
                    eprintln!("error: --key is not a usable public key: {e}");
                    return Ok(ExitCode::from(2));
                }
            }
        }
    };
    let v = package::verify(&bytes, trusted.as_ref());
    let name = args.package.display().to_string();
    if args.json {
        let body = serde_json::json!({
            "package": name,
            "valid": v.is_valid(),
            "trusted_key": v.trusted_key,
            "key_id": v.key.as_ref().map(PublicKey::key_id),
            "case_reference": v.manifest.as_ref().map(|m| m.case_reference.clone()),
            "recipient": v.manifest.as_ref().map(|m| m.recipient.clone()),
            "files": v.manifest.as_ref().map(|m| m.files.len()),
            "problems": v.problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        println!("{body}");
    } else if v.is_valid() {
        let m = v.manifest.as_ref();
        println!(
            "OK: {name} is intact: {} files, each matching its SHA-256 in the signed manifest.",
            m.map_or(0, |m| m.files.len())
        );
        if let Some(m) = m {
            println!(
                "Case {} ({}), prepared by {} for {} at {} by {}.",
                m.case_reference, m.case_id, m.instance, m.recipient, m.exported_at, m.exported_by
            );
        }
        let key_id = v.key.as_ref().map(PublicKey::key_id).unwrap_or_default();
        if v.trusted_key {
            println!("Signed with the trusted key {key_id}.");
        } else {
            println!(
                "Integrity only: signed with key {key_id}, which the package names itself. Compare it with the key_id the instance publishes at /.well-known/scamtrace-signing-key, or pass --key."
            );
        }
    } else {
        println!("FAILED: {name} does not verify:");
        for p in &v.problems {
            println!("  - {p}");
        }
    }
    Ok(if v.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
