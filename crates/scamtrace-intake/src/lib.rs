//! Intake: untrusted report input in, validated, personal data sealed, stored.
//!
//! Every door into ScamTrace (the API, the public form, `scamtrace import`, demo data) calls
//! [`Intake`], so validation, sealing and storage happen the same way for all of them, and
//! nothing is stored from invalid input.
//!
//! ```no_run
//! # async fn demo(intake: &scamtrace_intake::Intake) {
//! let input = serde_json::json!({"country": "US", "contact_method": "popup", "narrative": "..."});
//! match intake.submit(&input, scamtrace_store::Source::Api).await {
//!     Ok(stored) => println!("thank you, your reference is {}", stored.reference),
//!     Err(e) => eprintln!("{e}"),
//! }
//! # }
//! ```

use std::net::IpAddr;
use std::sync::Arc;

use scamtrace_extract::{Extractor, Indicator, ReferenceList, ReportText};
use scamtrace_model::{FieldError, NewReport, Reporter, parse_report};
use scamtrace_store::{
    IndicatorRow, NewReportRow, Source, Store, StoreError, StoredRef, StoredReport,
};
use scamtrace_vault::{Vault, VaultError};

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("the report is invalid ({} field errors)", .0.len())]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A stored report: its id, its human reference, and what extraction found in it.
#[derive(Clone, Debug)]
pub struct Submitted {
    pub id: String,
    pub reference: String,
    pub indicators: Vec<IndicatorRow>,
}

/// Validates, extracts, seals and stores reports.
#[derive(Clone)]
pub struct Intake {
    store: Arc<dyn Store>,
    vault: Arc<Vault>,
    extractor: Arc<Extractor>,
    /// Keys the hashes that tell reporters and client addresses apart (see
    /// [`Intake::reporter_keys`] and [`Intake::client_key`]).
    identity_key: [u8; 32],
    client_key: [u8; 32],
}

impl Intake {
    /// Intake with the shipped reference list of legitimate values.
    pub fn new(store: Arc<dyn Store>, vault: Arc<Vault>) -> Intake {
        Intake::with_reference(store, vault, ReferenceList::builtin())
    }

    pub fn with_reference(
        store: Arc<dyn Store>,
        vault: Arc<Vault>,
        reference: ReferenceList,
    ) -> Intake {
        let extractor =
            Extractor::with_reference(reference, vault.derive_key("scamtrace/gift-card/v1"));
        Intake {
            identity_key: vault.derive_key("scamtrace/reporter-identity/v1"),
            client_key: vault.derive_key("scamtrace/client-address/v1"),
            store,
            vault,
            extractor: Arc::new(extractor),
        }
    }

    pub fn extractor(&self) -> &Extractor {
        &self.extractor
    }

    /// The indicators of a report, as stored.
    pub fn indicators(&self, report: &ReportText) -> Vec<IndicatorRow> {
        self.extractor
            .extract_report(report)
            .iter()
            .map(indicator_row)
            .collect()
    }

    /// The indicators of a stored report, extracted again (`scamtrace reindex`).
    pub fn indicators_of_stored(&self, report: &StoredReport) -> Vec<IndicatorRow> {
        let brand = report.impersonated_brand.as_ref().map(|b| b.text.as_str());
        self.indicators(&ReportText {
            country: &report.country,
            impersonated_brand: brand,
            scammer: &report.details.scammer,
            remote_access: report.details.remote_access.as_ref(),
            payment: report.details.payment.as_ref(),
            narrative: &report.narrative,
        })
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn vault(&self) -> &Arc<Vault> {
        &self.vault
    }

    /// Validates API-shaped JSON, extracts its indicators and stores both. Durable when it
    /// returns `Ok`.
    pub async fn submit(
        &self,
        input: &serde_json::Value,
        source: Source,
    ) -> Result<Submitted, IntakeError> {
        self.submit_for(input, source, None, None).await
    }

    /// [`Intake::submit`] on behalf of an organization (a partner's or agency's token or
    /// account), which the report then names as whose data it is, or from a public client
    /// whose address the verdict rules use to tell reports apart (kept only as a keyed hash).
    pub async fn submit_for(
        &self,
        input: &serde_json::Value,
        source: Source,
        organization: Option<&str>,
        client: Option<IpAddr>,
    ) -> Result<Submitted, IntakeError> {
        let report = parse_report(input).map_err(IntakeError::Invalid)?;
        let mut row = self.row(report, source);
        row.organization = organization.map(str::to_string);
        row.client_key = client.map(|ip| self.client_key(ip));
        let indicators = row.indicators.clone();
        let stored = self.store.insert_report(row).await?;
        Ok(Submitted {
            id: stored.id,
            reference: stored.reference,
            indicators,
        })
    }

    /// Stores already-validated reports in bulk (imports, demo data).
    pub async fn store_many(
        &self,
        reports: Vec<(NewReport, Option<String>)>,
        source: Source,
    ) -> Result<Vec<StoredRef>, IntakeError> {
        let rows = reports
            .into_iter()
            .map(|(r, organization)| {
                let mut row = self.row(r, source);
                row.organization = organization;
                row
            })
            .collect();
        Ok(self.store.insert_reports(rows).await?)
    }

    /// Gives the report an id and a time, and seals its reporter under the id.
    pub fn row(&self, mut report: NewReport, source: Source) -> NewReportRow {
        let id = uuid::Uuid::now_v7().to_string();
        let indicators = self.indicators(&ReportText {
            country: report.country.as_str(),
            impersonated_brand: report.impersonated_brand.as_ref().map(|b| b.text.as_str()),
            scammer: &report.scammer,
            remote_access: report.remote_access.as_ref(),
            payment: report.payment.as_ref(),
            narrative: &report.narrative,
        });
        let reporter_keys = report
            .reporter
            .as_ref()
            .and_then(|r| self.reporter_keys(r, report.country.as_str()));
        let reporter_sealed = report.reporter.take().map(|r| {
            let plain = serde_json::to_vec(&r).unwrap_or_default();
            self.vault.seal(&plain, seal_context(&id).as_bytes())
        });
        NewReportRow {
            id,
            received_at: time::OffsetDateTime::now_utc(),
            source,
            report,
            reporter_sealed,
            indicators,
            organization: None,
            reporter_keys,
            client_key: None,
        }
    }

    /// The reporter's identities (email lowercased, phone in E.164 read in the report's
    /// country) as keyed hashes, comma-separated hex; `None` when the reporter gave neither.
    /// Two reports with a key in common come from one reporter; the keys tell nobody who.
    pub fn reporter_keys(&self, reporter: &Reporter, country: &str) -> Option<String> {
        let mut keys = Vec::new();
        if let Some(email) = reporter.email.as_deref().map(str::trim)
            && !email.is_empty()
        {
            keys.push(self.identity_hash("email", &email.to_lowercase()));
        }
        if let Some(phone) = reporter.phone.as_deref().map(str::trim)
            && !phone.is_empty()
        {
            let canonical = scamtrace_extract::phone::parse_phone(phone, country)
                .map(|m| m.e164)
                .unwrap_or_else(|| phone.chars().filter(char::is_ascii_digit).collect());
            keys.push(self.identity_hash("phone", &canonical));
        }
        (!keys.is_empty()).then(|| keys.join(","))
    }

    fn identity_hash(&self, what: &str, value: &str) -> String {
        let data = format!("{what}:{value}");
        hex::encode(&scamtrace_vault::keyed_hash(&self.identity_key, data.as_bytes())[..16])
    }

    /// A client address as a keyed hash (hex): an IPv4 address whole, an IPv6 address by its
    /// /64, which one subscriber usually owns whole.
    pub fn client_key(&self, ip: IpAddr) -> String {
        let text = match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => format!("v4:{v4}"),
                None => {
                    let s = v6.segments();
                    format!("v6:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
                }
            },
            IpAddr::V4(v4) => format!("v4:{v4}"),
        };
        hex::encode(&scamtrace_vault::keyed_hash(&self.client_key, text.as_bytes())[..16])
    }

    /// Opens a stored report's reporter block. Callers audit the read first.
    pub fn reporter_of(&self, report: &StoredReport) -> Result<Option<Reporter>, VaultError> {
        let Some(sealed) = &report.reporter_sealed else {
            return Ok(None);
        };
        let plain = self
            .vault
            .open(sealed, seal_context(&report.id).as_bytes())?;
        serde_json::from_slice(&plain)
            .map(Some)
            .map_err(|_| VaultError::Unseal)
    }
}

/// An extracted indicator in its stored form.
pub fn indicator_row(i: &Indicator) -> IndicatorRow {
    IndicatorRow {
        kind: i.kind.as_str().to_string(),
        value: i.value.clone(),
        display: i.display.clone(),
        source: i.origin.label(),
        span_start: i.span.0 as i64,
        span_end: i.span.1 as i64,
        confidence: f64::from(i.confidence),
        benign: i.benign,
        linking: i.linking,
        attributes: serde_json::to_string(&i.attributes).unwrap_or_else(|_| "{}".into()),
    }
}

/// An indicator as the API and `scamtrace extract` show it: `kind`, `value`, `display`,
/// `source`, `span`, `confidence`, `benign`, `linking`, and its kind-specific fields (`region`,
/// `number_type`, `registrable_domain`, `tool`, `chain` ...) at the top level.
pub fn indicator_json(row: &IndicatorRow) -> serde_json::Value {
    let mut out = serde_json::json!({
        "kind": row.kind,
        "value": row.value,
        "display": row.display,
        "source": row.source,
        "span": [row.span_start, row.span_end],
        "confidence": (row.confidence * 100.0).round() / 100.0,
        "benign": row.benign,
        "linking": row.linking,
    });
    if let (Some(out), Ok(serde_json::Value::Object(attributes))) = (
        out.as_object_mut(),
        serde_json::from_str::<serde_json::Value>(&row.attributes),
    ) {
        for (k, v) in attributes {
            out.entry(k).or_insert(v);
        }
    }
    out
}

/// The flat field names of the form and of CSV imports: the API's JSON paths.
pub const FLAT_FIELDS: &[&str] = &[
    "occurred_on",
    "country",
    "language",
    "contact_method",
    "impersonated_brand",
    "scammer.phone_numbers",
    "scammer.websites",
    "scammer.emails",
    "scammer.names",
    "remote_access.tool",
    "remote_access.id",
    "payment.method",
    "payment.amount",
    "payment.currency",
    "payment.details",
    "narrative",
    "reporter.name",
    "reporter.email",
    "reporter.phone",
    "reporter.may_contact",
];

/// Turns flat fields (`scammer.phone_numbers` → one entry per `list_separators`-separated part)
/// into the API's JSON shape, so that the form, CSV imports and the API share one validator.
/// Empty fields are left out; `reporter.may_contact` is true for `true`, `yes`, `1` or `on`.
pub fn report_from_fields(
    fields: &std::collections::HashMap<String, String>,
    list_separators: &[char],
) -> serde_json::Value {
    use serde_json::{Map, Value, json};
    let text = |k: &str| {
        fields
            .get(k)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(|v| json!(v))
    };
    let list = |k: &str| {
        let items: Vec<&str> = fields
            .get(k)
            .map(|v| {
                v.split(list_separators)
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        (!items.is_empty()).then(|| json!(items))
    };
    let object = |pairs: Vec<(&str, Option<Value>)>| {
        let map: Map<String, Value> = pairs
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
            .collect();
        (!map.is_empty()).then_some(Value::Object(map))
    };
    let may_contact = fields.get("reporter.may_contact").is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "true" | "yes" | "1" | "on"
        )
    });
    let reporter = object(vec![
        ("name", text("reporter.name")),
        ("email", text("reporter.email")),
        ("phone", text("reporter.phone")),
    ])
    .map(|mut r| {
        r["may_contact"] = json!(may_contact);
        r
    });
    let scammer = object(vec![
        ("phone_numbers", list("scammer.phone_numbers")),
        ("websites", list("scammer.websites")),
        ("emails", list("scammer.emails")),
        ("names", list("scammer.names")),
    ]);
    let remote_access = object(vec![
        ("tool", text("remote_access.tool")),
        ("id", text("remote_access.id")),
    ]);
    let payment = object(vec![
        ("method", text("payment.method")),
        (
            "amount",
            fields
                .get("payment.amount")
                .and_then(|a| human_amount(a))
                .map(|a| json!(a)),
        ),
        ("currency", text("payment.currency")),
        ("details", text("payment.details")),
    ]);
    object(vec![
        ("occurred_on", text("occurred_on")),
        ("country", text("country")),
        ("language", text("language")),
        ("contact_method", text("contact_method")),
        ("impersonated_brand", text("impersonated_brand")),
        ("scammer", scammer),
        ("remote_access", remote_access),
        ("payment", payment),
        ("narrative", text("narrative")),
        ("reporter", reporter),
    ])
    .unwrap_or_else(|| json!({}))
}

/// An amount as people type it in a form or a spreadsheet, in the API's decimal form: full-width
/// digits become ASCII, currency signs and spaces go, and a comma is read as the decimal mark when
/// one or two digits follow it (`129,99`), as a thousands separator otherwise (`1,299`). With both
/// marks present, the last one is the decimal mark (`1.299,99`, `1,299.99`). Anything else is
/// passed through for the validator to refuse.
pub fn human_amount(raw: &str) -> Option<String> {
    let mut s: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '，' => ',',
            '．' => '.',
            c => c,
        })
        .filter(|c| !c.is_whitespace() && !matches!(c, '$' | '€' | '£' | '¥' | '円' | '\'' | '_'))
        .collect();
    if s.is_empty() {
        return None;
    }
    let last_dot = s.rfind('.');
    let last_comma = s.rfind(',');
    s = match (last_dot, last_comma) {
        (Some(d), Some(c)) if c > d => s.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => s.replace(',', ""),
        (None, Some(c)) if s.matches(',').count() == 1 && (1..=2).contains(&(s.len() - c - 1)) => {
            s.replace(',', ".")
        }
        (None, Some(_)) => s.replace(',', ""),
        (Some(_), None) if s.matches('.').count() > 1 => s.replace('.', ""),
        _ => s,
    };
    Some(s)
}

fn seal_context(report_id: &str) -> String {
    format!("scamtrace:report:{report_id}:reporter")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    async fn intake() -> (Intake, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store =
            scamtrace_store_sqlite::SqliteStore::open(dir.path().join("t.db").to_str().unwrap())
                .await
                .unwrap();
        (
            Intake::new(Arc::new(store), Arc::new(Vault::from_bytes([4; 32]))),
            dir,
        )
    }

    #[tokio::test]
    async fn reporters_and_client_addresses_are_told_apart_by_keyed_hashes_only() {
        let (intake, _dir) = intake().await;
        let reporter = |email: Option<&str>, phone: Option<&str>| Reporter {
            name: None,
            email: email.map(str::to_string),
            phone: phone.map(str::to_string),
            may_contact: false,
        };
        let a = intake
            .reporter_keys(&reporter(Some(" Pat@Example.com "), None), "US")
            .unwrap();
        let b = intake
            .reporter_keys(
                &reporter(Some("pat@example.com"), Some("(202) 555-0142")),
                "US",
            )
            .unwrap();
        let c = intake
            .reporter_keys(&reporter(None, Some("+1 202 555 0142")), "DE")
            .unwrap();
        // The same email in any case, the same phone in any format: the same key.
        assert_eq!(b.split(',').next(), Some(a.as_str()));
        assert_eq!(b.split(',').nth(1), Some(c.as_str()));
        assert_eq!(a.len(), 32);
        assert!(!a.contains("pat") && !c.contains("202"));
        assert_eq!(
            intake.reporter_keys(&reporter(None, Some("  ")), "US"),
            None
        );
        // Another instance (another key) gives other hashes.
        let other = Intake::new(intake.store().clone(), Arc::new(Vault::from_bytes([5; 32])));
        assert_ne!(
            other
                .reporter_keys(&reporter(Some("pat@example.com"), None), "US")
                .unwrap(),
            a
        );

        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(
            intake.client_key(ip("192.0.2.7")),
            intake.client_key(ip("::ffff:192.0.2.7"))
        );
        assert_ne!(
            intake.client_key(ip("192.0.2.7")),
            intake.client_key(ip("192.0.2.8"))
        );
        assert_eq!(
            intake.client_key(ip("2001:db8:1:2::1")),
            intake.client_key(ip("2001:db8:1:2:ffff::9")),
            "one IPv6 /64 is one client"
        );
        assert_ne!(
            intake.client_key(ip("2001:db8:1:2::1")),
            intake.client_key(ip("2001:db8:1:3::1"))
        );

        // Stored with the report, read back with its facts.
        let input = json!({"country": "US", "contact_method": "popup", "narrative": "x",
            "reporter": {"email": "pat@example.com"}});
        let stored = intake
            .submit_for(&input, Source::Api, None, Some(ip("192.0.2.7")))
            .await
            .unwrap();
        let facts = intake.store().report_facts(0, 10).await.unwrap();
        let f = facts.iter().find(|f| f.id == stored.id).unwrap();
        assert_eq!(f.reporter_keys.as_deref(), Some(a.as_str()));
        assert_eq!(f.client_key, Some(intake.client_key(ip("192.0.2.7"))));
    }

    #[tokio::test]
    async fn personal_data_is_sealed_and_opens_only_for_its_report() {
        let (intake, _dir) = intake().await;
        let input = json!({"country": "US", "contact_method": "popup", "narrative": "x",
            "reporter": {"name": "Pat Example", "email": "pat@example.com", "may_contact": true}});
        let stored = intake.submit(&input, Source::Api).await.unwrap();
        let report = intake
            .store()
            .get_report(&stored.id)
            .await
            .unwrap()
            .unwrap();
        let sealed = report.reporter_sealed.clone().unwrap();
        assert!(
            !sealed.windows(3).any(|w| w == b"Pat"),
            "sealed bytes hold no plaintext"
        );
        let reporter = intake.reporter_of(&report).unwrap().unwrap();
        assert_eq!(reporter.email.as_deref(), Some("pat@example.com"));
        assert!(reporter.may_contact);

        let mut moved = report.clone();
        moved.id = uuid::Uuid::now_v7().to_string();
        assert!(
            intake.reporter_of(&moved).is_err(),
            "a sealed block does not open under another report"
        );
    }

    #[test]
    fn flat_fields_become_the_api_shape() {
        let fields: std::collections::HashMap<String, String> = [
            ("country", "us"),
            ("contact_method", "popup"),
            ("narrative", " text "),
            (
                "scammer.phone_numbers",
                "1-888-555-0142\n\n 888.555.0143 ;+1 888 555 0144",
            ),
            ("payment.method", ""),
            ("reporter.email", "pat@example.com"),
            ("reporter.may_contact", "yes"),
            ("csrf_token", "ignored"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let v = report_from_fields(&fields, &['\n', ';']);
        assert_eq!(
            v,
            json!({"country": "us", "contact_method": "popup", "narrative": "text",
                "scammer": {"phone_numbers": ["1-888-555-0142", "888.555.0143", "+1 888 555 0144"]},
                "reporter": {"email": "pat@example.com", "may_contact": true}})
        );
        assert!(parse_report(&v).is_ok());
    }

    #[test]
    fn amounts_are_read_as_people_write_them() {
        let cases = [
            ("500", "500"),
            ("129,99", "129.99"),
            ("1.299,99 €", "1299.99"),
            ("$1,299.99", "1299.99"),
            ("1,299", "1299"),
            ("５０，０００円", "50000"),
            ("1 200", "1200"),
            ("12.000.000", "12000000"),
        ];
        for (raw, want) in cases {
            assert_eq!(human_amount(raw).as_deref(), Some(want), "{raw}");
            assert!(scamtrace_model::Amount::parse(want).is_some());
        }
        assert_eq!(human_amount("  "), None);
        assert_eq!(
            human_amount("about 500").as_deref(),
            Some("about500"),
            "left for the validator to refuse"
        );
    }

    #[tokio::test]
    async fn invalid_input_stores_nothing() {
        let (intake, _dir) = intake().await;
        let err = intake
            .submit(&json!({"country": "US"}), Source::Api)
            .await
            .unwrap_err();
        assert!(
            matches!(err, IntakeError::Invalid(ref e) if e.len() == 2),
            "{err:?}"
        );
        assert_eq!(intake.store().count_reports().await.unwrap(), 0);
    }
}
