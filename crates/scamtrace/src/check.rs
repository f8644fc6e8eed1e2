//! `scamtrace check`: a value's verdict from a ScamTrace server, asked openly (the server sees
//! the value) or privately (the server sees only the first 16 bits of the value's hash).

use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use scamtrace_extract::{Extractor, IndicatorKind};
use scamtrace_protect::privacy;
use scamtrace_server::protect::resolve;
use serde_json::{Value, json};

#[derive(Args)]
pub struct CheckArgs {
    /// The value: a phone number in any format, a website or URL (defanged or not), an email,
    /// a wallet, a remote-access ID.
    value: String,
    /// The ScamTrace server to ask.
    #[arg(
        long,
        env = "SCAMTRACE_SERVER",
        default_value = "http://127.0.0.1:8080"
    )]
    server: String,
    /// Ask without telling the server the value: only the first 16 bits of its hash are sent,
    /// and the answer is found among the bucket's hashes here.
    #[arg(long)]
    private: bool,
    /// The kind of value, when it cannot be told from the value itself (e.g. `remote_access`).
    #[arg(long)]
    kind: Option<String>,
    /// Region (ISO 3166-1 alpha-2) for phone numbers written without a country code.
    #[arg(long, default_value = "US")]
    region: String,
    /// Print the answer as JSON.
    #[arg(long)]
    json: bool,
}

pub async fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let server = args.server.trim_end_matches('/');
    let base = url::Url::parse(server)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .with_context(|| {
            format!("--server must be an http:// or https:// address, not {server:?}")
        })?;
    if !base.username().is_empty() || base.password().is_some() {
        bail!("--server must not hold credentials");
    }
    let kind = match args.kind.as_deref() {
        Some(k) => Some(
            IndicatorKind::parse(k)
                .filter(|k| *k != IndicatorKind::Brand)
                .with_context(|| format!("unknown --kind {k:?}"))?,
        ),
        None => None,
    };
    if args.region.len() != 2 || !args.region.bytes().all(|b| b.is_ascii_alphabetic()) {
        eprintln!("error: --region must be a two-letter country code such as US or JP");
        return Ok(ExitCode::from(2));
    }
    let region = args.region.to_ascii_uppercase();
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .user_agent(concat!("scamtrace-check/", env!("CARGO_PKG_VERSION")))
        .build()?;
    let answer = if args.private {
        // Canonicalized here exactly as the server would, so that the hashes meet.
        let extractor = Extractor::new([0; 32]);
        let Some(resolved) = resolve(&extractor, &args.value, kind, &region) else {
            eprintln!(
                "error: no phone number, website, email, wallet or remote-access ID was found in that value"
            );
            return Ok(ExitCode::from(2));
        };
        let hash = privacy::lookup_hash(resolved.kind, &resolved.value);
        let prefix = privacy::bucket(&hash);
        let url = format!("{server}/api/v1/hashes/{prefix}");
        let bucket: Value = get_json(&client, &url).await?;
        if bucket["scheme"] != privacy::SCHEME {
            bail!(
                "the server hashes with scheme {}, this client with {}",
                bucket["scheme"],
                privacy::SCHEME
            );
        }
        let full = hex::encode(hash);
        let entry = bucket["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|i| i["hash"] == full.as_str());
        json!({
            "kind": resolved.kind.as_str(),
            "value": resolved.value,
            "verdict": entry.map_or(json!("unknown"), |e| e["verdict"].clone()),
            "expires_at": entry.map_or(Value::Null, |e| e["expires_at"].clone()),
            "private": true,
            "sent_prefix": prefix,
            "bucket_size": bucket["items"].as_array().map_or(0, Vec::len),
        })
    } else {
        let mut url = reqwest::Url::parse(&format!("{server}/api/v1/lookup"))?;
        url.query_pairs_mut()
            .append_pair("value", &args.value)
            .append_pair("region", &region);
        if let Some(k) = kind {
            url.query_pairs_mut().append_pair("kind", k.as_str());
        }
        get_json(&client, url.as_str()).await?
    };
    if args.json {
        println!("{answer}");
    } else {
        println!(
            "{}  {} {}",
            answer["verdict"].as_str().unwrap_or("unknown"),
            answer["kind"].as_str().unwrap_or(""),
            answer["value"].as_str().unwrap_or("")
        );
        if let Some(advice) = answer["advice"].as_str() {
            println!("{advice}");
        }
        if let Some(prefix) = answer["sent_prefix"].as_str() {
            println!(
                "Asked privately: the server received only the hash prefix {prefix} and answered with {} hashes.",
                answer["bucket_size"]
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn get_json(client: &reqwest::Client, url: &str) -> anyhow::Result<Value> {
    let response = client
        .get(url)
        .header("accept", "application/json")
        .send()
        .await
        .with_context(|| format!("cannot reach {url}"))?;
    let status = response.status();
    let bytes = response
        .bytes()
        .await
        .with_context(|| format!("cannot read the answer of {url}"))?;
    let body: Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{url} did not answer with JSON ({status})"))?;
    if !status.is_success() {
        let message = body["error"]["message"].as_str().unwrap_or("no message");
        bail!("{url} answered {status}: {message}");
    }
    Ok(body)
}
