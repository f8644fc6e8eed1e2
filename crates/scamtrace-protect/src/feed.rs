//! Blocklist feeds: the values that are `scam` now, one kind a feed, in the formats blockers
//! read (CSV, JSON, plain text, hosts files, DNS response-policy zones, STIX 2.1 bundles).
//!
//! Feeds are public: they carry values and aggregate evidence (counts, dates, brands), never
//! anything about victims, and never which partner sighted what.

use std::fmt::Write as _;

use scamtrace_extract::IndicatorKind;
use scamtrace_stix::{Author, Shared, Tlp};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::verdict::Basis;

/// A feed's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Csv,
    Json,
    /// One value a line.
    Txt,
    /// `0.0.0.0 name` lines (domains only).
    Hosts,
    /// A DNS response-policy zone answering NXDOMAIN for each name and its subdomains (domains
    /// only).
    Rpz,
    /// A STIX 2.1 bundle of indicators.
    Stix,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Csv,
        Format::Json,
        Format::Txt,
        Format::Hosts,
        Format::Rpz,
        Format::Stix,
    ];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Txt => "txt",
            Format::Hosts => "hosts",
            Format::Rpz => "rpz",
            Format::Stix => "stix",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == s)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
            Format::Txt | Format::Hosts | Format::Rpz => "text/plain; charset=utf-8",
            Format::Stix => "application/stix+json;version=2.1",
        }
    }

    /// Whether a feed of `kind` exists in this format: hosts files and zones hold names only.
    pub fn serves(self, kind: IndicatorKind) -> bool {
        match self {
            Format::Hosts | Format::Rpz => kind == IndicatorKind::Domain,
            _ => kind != IndicatorKind::Brand && kind != IndicatorKind::GiftCard,
        }
    }
}

/// One listed value.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedEntry {
    pub kind: IndicatorKind,
    /// The canonical value. A domain is listed by its registrable domain, which under a
    /// private suffix (`evil.azurewebsites.net`) is the customer's own name, never the shared
    /// parent.
    pub value: String,
    pub first_seen: Option<OffsetDateTime>,
    pub last_seen: Option<OffsetDateTime>,
    /// Since when it has been `scam`: what `?since=` filters on.
    pub listed_since: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub basis: Basis,
    pub independent_reports: u32,
    pub brands: Vec<String>,
}

/// What a feed says about itself.
#[derive(Clone, Debug)]
pub struct FeedMeta<'a> {
    /// The instance's organization (the STIX bundle's author).
    pub organization: &'a str,
    pub generated_at: OffsetDateTime,
}

/// A strong validator of a feed's content: changes exactly when an entry does.
pub fn etag(
    kind: IndicatorKind,
    format: Format,
    since: Option<OffsetDateTime>,
    entries: &[FeedEntry],
) -> String {
    let mut h = Sha256::new();
    h.update(kind.as_str().as_bytes());
    h.update(format.extension().as_bytes());
    if let Some(s) = since {
        h.update(s.unix_timestamp_nanos().to_be_bytes());
    }
    for e in entries {
        h.update(e.value.as_bytes());
        h.update([0]);
        h.update(stamp(e.last_seen).as_bytes());
        h.update(stamp(e.expires_at).as_bytes());
        h.update(e.basis.as_str().as_bytes());
        h.update(e.independent_reports.to_be_bytes());
        h.update(e.brands.join(",").as_bytes());
        h.update([1]);
    }
    format!("\"{}\"", hex::encode(&h.finalize()[..16]))
}

fn stamp(t: Option<OffsetDateTime>) -> String {
    t.and_then(|t| t.format(&Rfc3339).ok()).unwrap_or_default()
}

/// Writes `entries` (sorted by value) in `format`.
pub fn render(
    format: Format,
    kind: IndicatorKind,
    meta: &FeedMeta,
    entries: &[FeedEntry],
) -> String {
    match format {
        Format::Csv => csv(entries),
        Format::Json => json_feed(kind, meta, entries),
        Format::Txt => entries.iter().fold(String::new(), |mut s, e| {
            s.push_str(&e.value);
            s.push('\n');
            s
        }),
        Format::Hosts => hosts(kind, meta, entries),
        Format::Rpz => rpz(meta, entries),
        Format::Stix => stix(meta, entries),
    }
}

fn csv(entries: &[FeedEntry]) -> String {
    let mut out = String::from(
        "value,kind,first_seen,last_seen,listed_since,expires_at,basis,independent_reports,brands\n",
    );
    for e in entries {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            csv_field(&e.value),
            e.kind.as_str(),
            stamp(e.first_seen),
            stamp(e.last_seen),
            stamp(Some(e.listed_since)),
            stamp(e.expires_at),
            e.basis.as_str(),
            e.independent_reports,
            csv_field(&e.brands.join(";")),
        );
    }
    out
}

/// A CSV field, quoted when it must be; a leading formula character is neutralized so that a
/// spreadsheet never runs a value as a formula.
fn csv_field(s: &str) -> String {
    let guarded = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !looks_like_e164(s) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

fn looks_like_e164(s: &str) -> bool {
    s.strip_prefix('+')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

fn json_feed(kind: IndicatorKind, meta: &FeedMeta, entries: &[FeedEntry]) -> String {
    let items: Vec<_> = entries
        .iter()
        .map(|e| {
            json!({
                "value": e.value,
                "kind": e.kind.as_str(),
                "verdict": "scam",
                "first_seen": e.first_seen.and_then(|t| t.format(&Rfc3339).ok()),
                "last_seen": e.last_seen.and_then(|t| t.format(&Rfc3339).ok()),
                "listed_since": e.listed_since.format(&Rfc3339).ok(),
                "expires_at": e.expires_at.and_then(|t| t.format(&Rfc3339).ok()),
                "basis": e.basis.as_str(),
                "independent_reports": e.independent_reports,
                "brands": e.brands,
            })
        })
        .collect();
    let doc = json!({
        "kind": kind.as_str(),
        "generated_at": meta.generated_at.format(&Rfc3339).ok(),
        "count": items.len(),
        "items": items,
    });
    let mut s = doc.to_string();
    s.push('\n');
    s
}

/// Whether `name` can be written as a DNS owner name: LDH (and underscore) labels of 1 to 63
/// bytes, 253 bytes in all. Canonical domains always are; the check keeps a zone file valid
/// whatever reaches it.
pub fn is_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

fn hosts(kind: IndicatorKind, meta: &FeedMeta, entries: &[FeedEntry]) -> String {
    let mut out = format!(
        "# ScamTrace blocklist: {} values judged scam, generated {}\n",
        kind.as_str(),
        stamp(Some(meta.generated_at)),
    );
    for e in entries.iter().filter(|e| is_dns_name(&e.value)) {
        let _ = writeln!(out, "0.0.0.0 {}", e.value);
    }
    out
}

/// A response-policy zone: each name and its subdomains answer NXDOMAIN (`CNAME .`). Names are
/// relative to the zone's origin, which the DNS operator chooses when loading it.
fn rpz(meta: &FeedMeta, entries: &[FeedEntry]) -> String {
    // The serial: seconds since the epoch, which fits the 32-bit field until 2106 and grows
    // with every generation.
    let serial = meta
        .generated_at
        .unix_timestamp()
        .clamp(1, i64::from(u32::MAX));
    let mut out = format!(
        "; ScamTrace response-policy zone: domains judged scam, generated {}\n\
         $TTL 300\n\
         @ IN SOA localhost. hostmaster.localhost. ( {serial} 3600 600 86400 300 )\n\
         @ IN NS localhost.\n",
        stamp(Some(meta.generated_at)),
    );
    for e in entries.iter().filter(|e| is_dns_name(&e.value)) {
        let _ = writeln!(out, "{} CNAME .", e.value);
        let _ = writeln!(out, "*.{} CNAME .", e.value);
    }
    out
}

fn stix(meta: &FeedMeta, entries: &[FeedEntry]) -> String {
    let author = Author::new(meta.organization, Tlp::Clear, meta.generated_at);
    let values: Vec<Shared> = entries
        .iter()
        .map(|e| {
            let first = e.first_seen.unwrap_or(e.listed_since);
            Shared {
                kind: e.kind,
                value: e.value.clone(),
                reports: e.independent_reports,
                first_seen: first,
                last_seen: e.last_seen.unwrap_or(first).max(first),
            }
        })
        .collect();
    let mut s = author.bundle(&[], &values).to_string();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn entry(kind: IndicatorKind, value: &str) -> FeedEntry {
        FeedEntry {
            kind,
            value: value.into(),
            first_seen: Some(datetime!(2026-10-01 00:00 UTC)),
            last_seen: Some(datetime!(2026-10-20 00:00 UTC)),
            listed_since: datetime!(2026-10-05 00:00 UTC),
            expires_at: Some(datetime!(2027-01-18 00:00 UTC)),
            basis: Basis::IndependentReports,
            independent_reports: 4,
            brands: vec!["microsoft".into(), "apple".into()],
        }
    }

    fn meta() -> FeedMeta<'static> {
        FeedMeta {
            organization: "ScamTrace demo",
            generated_at: datetime!(2026-11-01 00:00 UTC),
        }
    }

    #[test]
    fn formats_name_their_extensions_and_kinds() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.extension()), Some(f));
        }
        assert!(Format::Rpz.serves(IndicatorKind::Domain));
        assert!(!Format::Rpz.serves(IndicatorKind::Phone));
        assert!(!Format::Hosts.serves(IndicatorKind::Url));
        assert!(Format::Txt.serves(IndicatorKind::Phone));
        assert!(!Format::Csv.serves(IndicatorKind::Brand));
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let mut e = entry(IndicatorKind::PaymentHandle, "=cmd|' /C calc'!A0");
        e.brands = vec!["a,b".into()];
        let out = render(
            Format::Csv,
            e.kind,
            &meta(),
            &[e, entry(IndicatorKind::Phone, "+18885550142")],
        );
        let lines: Vec<_> = out.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines[1].starts_with("'=cmd|' /C calc'!A0,payment_handle,"),
            "{}",
            lines[1]
        );
        assert!(lines[1].ends_with(",\"a,b\""), "{}", lines[1]);
        assert!(
            lines[2].starts_with("+18885550142,phone,2026-10-01T00:00:00Z,"),
            "{}",
            lines[2]
        );
    }

    #[test]
    fn txt_hosts_and_json() {
        let entries = [
            entry(IndicatorKind::Domain, "evil-support.com"),
            entry(IndicatorKind::Domain, "evil.azurewebsites.net"),
        ];
        assert_eq!(
            render(Format::Txt, IndicatorKind::Domain, &meta(), &entries),
            "evil-support.com\nevil.azurewebsites.net\n"
        );
        let hosts = render(Format::Hosts, IndicatorKind::Domain, &meta(), &entries);
        assert!(hosts.contains("\n0.0.0.0 evil-support.com\n0.0.0.0 evil.azurewebsites.net\n"));
        assert!(!hosts.contains(" azurewebsites.net"));
        let doc: serde_json::Value = serde_json::from_str(&render(
            Format::Json,
            IndicatorKind::Domain,
            &meta(),
            &entries,
        ))
        .unwrap();
        assert_eq!(doc["count"], 2);
        assert_eq!(doc["items"][1]["value"], "evil.azurewebsites.net");
        assert_eq!(doc["items"][0]["listed_since"], "2026-10-05T00:00:00Z");
        assert_eq!(doc["items"][0]["brands"][0], "microsoft");
    }

    #[test]
    fn rpz_lists_names_and_their_subdomains_and_skips_what_dns_cannot_hold() {
        let entries = [
            entry(IndicatorKind::Domain, "evil-support.com"),
            entry(IndicatorKind::Domain, "bad name;.com"),
        ];
        let zone = render(Format::Rpz, IndicatorKind::Domain, &meta(), &entries);
        assert!(zone.contains("\nevil-support.com CNAME .\n*.evil-support.com CNAME .\n"));
        assert!(!zone.contains("bad name"));
        assert!(zone.contains(&format!(
            "( {} ",
            datetime!(2026-11-01 00:00 UTC).unix_timestamp()
        )));
    }

    #[test]
    fn stix_bundles_indicators() {
        let entries = [entry(IndicatorKind::Phone, "+18885550142")];
        let doc: serde_json::Value = serde_json::from_str(&render(
            Format::Stix,
            IndicatorKind::Phone,
            &meta(),
            &entries,
        ))
        .unwrap();
        assert_eq!(doc["type"], "bundle");
        let patterns: Vec<_> = doc["objects"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|o| o["pattern"].as_str())
            .collect();
        assert_eq!(patterns, vec!["[phone-number:value = '+18885550142']"]);
    }

    #[test]
    fn etags_follow_content() {
        let a = [entry(IndicatorKind::Domain, "a.example")];
        let mut b = a.clone();
        assert_eq!(
            etag(IndicatorKind::Domain, Format::Txt, None, &a),
            etag(IndicatorKind::Domain, Format::Txt, None, &b)
        );
        b[0].independent_reports += 1;
        assert_ne!(
            etag(IndicatorKind::Domain, Format::Txt, None, &a),
            etag(IndicatorKind::Domain, Format::Txt, None, &b)
        );
        assert_ne!(
            etag(IndicatorKind::Domain, Format::Txt, None, &a),
            etag(IndicatorKind::Domain, Format::Csv, None, &a)
        );
    }
}
