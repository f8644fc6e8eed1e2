//! ScamTrace's intelligence as STIX 2.1 (no I/O): the instance's organization as an `identity`,
//! each shared value as an `indicator` with a STIX pattern and its cyber-observable object, each
//! operation as a `campaign` with `indicates` relationships, `sighting`s saying how often the
//! organization saw each value, and TLP 2.0 markings on everything.
//!
//! Values STIX 2.1 has no observable for (phone numbers, remote-access ids, wallets, bank
//! accounts, payment handles, gift card brands) are new cyber-observable types defined by
//! ScamTrace's `extension-definition` ([`EXTENSION_ID`]), which travels with every bundle that
//! uses them; `docs/stix-extensions.md` documents the schema.
//!
//! Ids are deterministic: an observable's is the UUIDv5 the STIX specification prescribes (the
//! SCO namespace over the canonical JSON of its id-contributing properties), and every other
//! object's is a UUIDv5 of what it is about, so exporting again gives the same ids, and a newer
//! `modified` is a new version of the same object.
//!
//! What this crate is given is what may leave: it never sees a report, a narrative or a
//! reporter, so it cannot put a victim's personal data in an object.
//!
//! ```
//! use scamtrace_extract::IndicatorKind;
//! use scamtrace_stix::{Author, Shared, Tlp};
//! let at = time::macros::datetime!(2026-11-01 12:00 UTC);
//! let author = Author::new("Example Software Inc.", Tlp::Amber, at);
//! let phone = Shared { kind: IndicatorKind::Phone, value: "+18885550142".into(),
//!                      reports: 12, first_seen: at, last_seen: at };
//! let bundle = author.bundle(&[], &[phone]);
//! let types: Vec<&str> = bundle["objects"].as_array().unwrap().iter()
//!     .map(|o| o["type"].as_str().unwrap()).collect();
//! assert!(types.contains(&"phone-number") && types.contains(&"indicator"));
//! ```

mod check;
mod import;
mod tlp;

use scamtrace_extract::IndicatorKind;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

pub use check::{MAX_OBJECT_BYTES, ObjectFacts, check_object, format_timestamp, parse_timestamp};
pub use import::{Observation, ObservedCampaign, Parsed, parse_bundle};
pub use tlp::{TLP2_EXTENSION, Tlp};

/// The namespace STIX 2.1 prescribes for cyber-observable ids (section 2.9).
pub const SCO_NAMESPACE: Uuid = Uuid::from_u128(0x00ab_edb4_aa42_466c_9c01_fed2_3315_a9b7);

/// ScamTrace's own namespace for the ids of the objects it authors.
const SCAMTRACE_NAMESPACE: Uuid = Uuid::from_u128(0x5ca3_7ace_2026_4b11_9c1e_0f3a_c5e1_7e57);

/// The extension definition of ScamTrace's new observable types.
pub const EXTENSION_ID: &str = "extension-definition--c2b5f0a4-9d3e-5f57-8b61-5ca37ace0001";

/// The identity that authors the extension definition (the ScamTrace project, not an instance).
const PROJECT_IDENTITY: &str = "identity--5ca37ace-0000-5000-8000-5ca37ace0001";

/// STIX timestamps: UTC, milliseconds, `Z`.
pub fn timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// A deterministic id of `kind` for what `name` says.
fn sdo_id(kind: &str, name: &str) -> String {
    format!(
        "{kind}--{}",
        Uuid::new_v5(&SCAMTRACE_NAMESPACE, format!("{kind}|{name}").as_bytes())
    )
}

/// RFC 8785 (JCS) canonical JSON of an object of strings: keys sorted, strings as ECMAScript
/// writes them. serde_json writes strings that way, and its maps are sorted.
fn canonical(properties: &Map<String, Value>) -> String {
    let sorted: std::collections::BTreeMap<&String, &Value> = properties.iter().collect();
    serde_json::to_string(&sorted).unwrap_or_default()
}

/// An observable's id: the SCO namespace's UUIDv5 of its id-contributing properties.
pub fn sco_id(sco_type: &str, contributing: &Map<String, Value>) -> String {
    format!(
        "{sco_type}--{}",
        Uuid::new_v5(&SCO_NAMESPACE, canonical(contributing).as_bytes())
    )
}

/// How a kind of value is written in STIX: its observable type, whether ScamTrace's extension
/// defines that type, and the property a pattern compares.
struct Mapping {
    sco_type: &'static str,
    extension: bool,
}

/// The observable type of a value, or `None` for what never leaves: brands (context only) and
/// gift card codes (kept only as a hash keyed to this instance, meaningless anywhere else).
fn mapping(kind: IndicatorKind, value: &str) -> Option<Mapping> {
    let (sco_type, extension) = match kind {
        IndicatorKind::Phone => ("phone-number", true),
        IndicatorKind::Domain => ("domain-name", false),
        IndicatorKind::Url => ("url", false),
        IndicatorKind::Email => ("email-addr", false),
        IndicatorKind::Ip if value.contains(':') => ("ipv6-addr", false),
        IndicatorKind::Ip => ("ipv4-addr", false),
        IndicatorKind::RemoteAccess => ("remote-access-id", true),
        IndicatorKind::CryptoWallet => ("cryptocurrency-wallet", true),
        IndicatorKind::BankAccount => ("bank-account", true),
        IndicatorKind::PaymentHandle => ("payment-handle", true),
        IndicatorKind::GiftCard if value.starts_with("code:") => return None,
        IndicatorKind::GiftCard => ("gift-card-brand", true),
        IndicatorKind::Brand => return None,
    };
    Some(Mapping {
        sco_type,
        extension,
    })
}

/// The kind of value an observable type holds (the inverse of the export mapping).
pub fn kind_of_sco(sco_type: &str) -> Option<IndicatorKind> {
    Some(match sco_type {
        "phone-number" => IndicatorKind::Phone,
        "domain-name" => IndicatorKind::Domain,
        "url" => IndicatorKind::Url,
        "email-addr" => IndicatorKind::Email,
        "ipv4-addr" | "ipv6-addr" => IndicatorKind::Ip,
        "remote-access-id" => IndicatorKind::RemoteAccess,
        "cryptocurrency-wallet" => IndicatorKind::CryptoWallet,
        "bank-account" => IndicatorKind::BankAccount,
        "payment-handle" => IndicatorKind::PaymentHandle,
        "gift-card-brand" => IndicatorKind::GiftCard,
        _ => return None,
    })
}

/// A value as STIX writes it: URLs must be URIs (RFC 3986), so anything outside printable ASCII
/// is percent-encoded as UTF-8; other kinds are written as they are.
fn stix_value(kind: IndicatorKind, value: &str) -> std::borrow::Cow<'_, str> {
    if kind != IndicatorKind::Url || value.bytes().all(|b| b.is_ascii_graphic()) {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        if b.is_ascii_graphic() {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The observable object of a value, or `None` when the value never leaves.
pub fn observable(kind: IndicatorKind, value: &str) -> Option<Value> {
    let m = mapping(kind, value)?;
    let value = &*stix_value(kind, value);
    let mut contributing = Map::new();
    contributing.insert("value".into(), Value::String(value.to_string()));
    let mut sco = Map::new();
    sco.insert("type".into(), json!(m.sco_type));
    sco.insert("spec_version".into(), json!("2.1"));
    sco.insert("id".into(), json!(sco_id(m.sco_type, &contributing)));
    sco.insert("value".into(), json!(value));
    if kind == IndicatorKind::RemoteAccess
        && let Some((tool, id)) = value.split_once(':')
    {
        sco.insert("tool".into(), json!(tool));
        sco.insert("identifier".into(), json!(id));
    }
    if m.extension {
        sco.insert(
            "extensions".into(),
            json!({ EXTENSION_ID: {"extension_type": "new-sco"} }),
        );
    }
    Some(Value::Object(sco))
}

/// A STIX pattern comparing an observable's `value`: `[domain-name:value = 'x.example']`.
pub fn pattern(kind: IndicatorKind, value: &str) -> Option<String> {
    let m = mapping(kind, value)?;
    let value = stix_value(kind, value);
    let quoted = value.replace('\\', "\\\\").replace('\'', "\\'");
    Some(format!("[{}:value = '{quoted}']", m.sco_type))
}

/// ScamTrace's extension definition: the new observable types, documented in
/// `docs/stix-extensions.md`.
pub fn extension_definition() -> Value {
    json!({
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": EXTENSION_ID,
        "created_by_ref": PROJECT_IDENTITY,
        "created": "2026-11-28T00:00:00.000Z",
        "modified": "2026-11-28T00:00:00.000Z",
        "name": "ScamTrace tech-support scam observables",
        "description": "Observables of tech-support scams that STIX 2.1 has no type for: phone-number (value: E.164), remote-access-id (value: tool:identifier, with tool and identifier), cryptocurrency-wallet (value: address), bank-account (value: IBAN or account number), payment-handle (value: service:handle) and gift-card-brand (value: brand key). Each has one id-contributing property, value.",
        "schema": "Defined in docs/stix-extensions.md of the ScamTrace source. New SCO types, each with the common SCO properties and a required string property value, its only id-contributing property: phone-number (E.164, e.g. +18885550142), remote-access-id (tool:identifier, e.g. anydesk:123456789; optional tool and identifier), cryptocurrency-wallet (chain:address), bank-account (iban:IBAN without spaces), payment-handle (service:handle), gift-card-brand (a brand key such as google_play).",
        "version": "1.0.0",
        "extension_types": ["new-sco"],
    })
}

/// The ScamTrace project's identity, the author of the extension definition.
fn project_identity() -> Value {
    json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": PROJECT_IDENTITY,
        "created": "2026-11-28T00:00:00.000Z",
        "modified": "2026-11-28T00:00:00.000Z",
        "name": "ScamTrace project",
        "identity_class": "organization",
    })
}

/// A value an organization shares, with how often and when it saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    pub kind: IndicatorKind,
    /// The canonical value (a domain by its registrable domain).
    pub value: String,
    /// Local reports holding it.
    pub reports: u32,
    pub first_seen: OffsetDateTime,
    pub last_seen: OffsetDateTime,
}

/// An operation (a cluster) an organization shares, in aggregate: counts, never reports.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedCampaign {
    /// The cluster's id on this instance.
    pub cluster: u64,
    pub reports: u32,
    /// Victims' countries with report counts, most first.
    pub countries: Vec<(String, u32)>,
    /// Brands impersonated with report counts.
    pub brands: Vec<(String, u32)>,
    pub losses_usd_estimate: f64,
    pub first_seen: OffsetDateTime,
    pub last_seen: OffsetDateTime,
    /// The values its reports share.
    pub values: Vec<Shared>,
}

/// The organization writing a bundle, at what TLP, and when.
#[derive(Clone, Debug)]
pub struct Author {
    pub name: String,
    pub identity_id: String,
    pub tlp: Tlp,
    pub now: OffsetDateTime,
}

impl Author {
    pub fn new(name: &str, tlp: Tlp, now: OffsetDateTime) -> Author {
        Author {
            name: name.to_string(),
            identity_id: identity_id(name),
            tlp,
            now,
        }
    }

    /// The organization as an `identity`.
    pub fn identity(&self) -> Value {
        json!({
            "type": "identity",
            "spec_version": "2.1",
            "id": self.identity_id,
            "created": "2026-01-01T00:00:00.000Z",
            "modified": "2026-01-01T00:00:00.000Z",
            "name": self.name,
            "identity_class": "organization",
            "sectors": ["technology"],
        })
    }

    /// Properties every object this author writes carries.
    fn authored(&self, kind: &str, id: String, created: OffsetDateTime) -> Map<String, Value> {
        let mut o = Map::new();
        o.insert("type".into(), json!(kind));
        o.insert("spec_version".into(), json!("2.1"));
        o.insert("id".into(), json!(id));
        o.insert("created_by_ref".into(), json!(self.identity_id));
        o.insert("created".into(), json!(timestamp(created)));
        o.insert("modified".into(), json!(timestamp(self.now.max(created))));
        o.insert("object_marking_refs".into(), json!([self.tlp.marking_id()]));
        o
    }

    fn indicator_id(&self, kind: IndicatorKind, value: &str) -> String {
        sdo_id(
            "indicator",
            &format!("{}|{}|{value}", self.identity_id, kind.as_str()),
        )
    }

    fn campaign_id(&self, cluster: u64) -> String {
        sdo_id("campaign", &format!("{}|{cluster}", self.identity_id))
    }

    /// The indicator, observable and sighting of one value; nothing for values that never leave.
    fn value_objects(&self, v: &Shared) -> Vec<Value> {
        let (Some(sco), Some(pattern)) = (observable(v.kind, &v.value), pattern(v.kind, &v.value))
        else {
            return Vec::new();
        };
        let indicator_id = self.indicator_id(v.kind, &v.value);
        let mut indicator = self.authored("indicator", indicator_id.clone(), v.first_seen);
        indicator.insert(
            "name".into(),
            json!(format!("{} {}", label(v.kind), v.value)),
        );
        indicator.insert(
            "description".into(),
            json!(format!(
                "Used by tech-support scammers: in {} reports to {} from {} to {}.",
                v.reports,
                self.name,
                &timestamp(v.first_seen)[..10],
                &timestamp(v.last_seen.max(v.first_seen))[..10]
            )),
        );
        indicator.insert("indicator_types".into(), json!(["malicious-activity"]));
        indicator.insert("pattern".into(), json!(pattern));
        indicator.insert("pattern_type".into(), json!("stix"));
        indicator.insert("pattern_version".into(), json!("2.1"));
        indicator.insert("valid_from".into(), json!(timestamp(v.first_seen)));
        indicator.insert("labels".into(), json!(["tech-support-scam"]));

        let mut sighting = self.authored(
            "sighting",
            sdo_id("sighting", &format!("{}|{indicator_id}", self.identity_id)),
            v.first_seen,
        );
        sighting.insert("sighting_of_ref".into(), json!(indicator_id));
        sighting.insert("count".into(), json!(v.reports.min(999_999_999)));
        sighting.insert("first_seen".into(), json!(timestamp(v.first_seen)));
        sighting.insert(
            "last_seen".into(),
            json!(timestamp(v.last_seen.max(v.first_seen))),
        );
        sighting.insert("where_sighted_refs".into(), json!([self.identity_id]));
        vec![sco, Value::Object(indicator), Value::Object(sighting)]
    }

    /// One operation as a `campaign`, with its values and an `indicates` relationship from each.
    fn campaign_objects(&self, c: &SharedCampaign) -> Vec<Value> {
        let campaign_id = self.campaign_id(c.cluster);
        let mut campaign = self.authored("campaign", campaign_id.clone(), c.first_seen);
        campaign.insert(
            "name".into(),
            json!(format!(
                "Tech-support scam operation {} #{}",
                self.name, c.cluster
            )),
        );
        let top = |list: &[(String, u32)]| {
            list.iter()
                .take(8)
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        campaign.insert(
            "description".into(),
            json!(format!(
                "{} reports from victims; countries: {}; brands impersonated: {}; reported losses about USD {:.0}.",
                c.reports,
                top(&c.countries),
                top(&c.brands),
                c.losses_usd_estimate
            )),
        );
        campaign.insert("first_seen".into(), json!(timestamp(c.first_seen)));
        campaign.insert(
            "last_seen".into(),
            json!(timestamp(c.last_seen.max(c.first_seen))),
        );
        campaign.insert(
            "objective".into(),
            json!("Financial gain from victims of tech-support scams"),
        );
        let mut out = vec![Value::Object(campaign)];
        for v in &c.values {
            let objects = self.value_objects(v);
            if objects.is_empty() {
                continue;
            }
            let indicator_id = self.indicator_id(v.kind, &v.value);
            let mut rel = self.authored(
                "relationship",
                sdo_id(
                    "relationship",
                    &format!(
                        "{}|{indicator_id}|indicates|{campaign_id}",
                        self.identity_id
                    ),
                ),
                v.first_seen,
            );
            rel.insert("relationship_type".into(), json!("indicates"));
            rel.insert("source_ref".into(), json!(indicator_id));
            rel.insert("target_ref".into(), json!(campaign_id));
            out.extend(objects);
            out.push(Value::Object(rel));
        }
        out
    }

    /// A bundle of operations and loose values, with the identity, the TLP marking definition
    /// and (when used) ScamTrace's extension definition. A value in several operations is one
    /// indicator. TLP:RED content is the caller's to keep home; this writes what it is given.
    pub fn bundle(&self, campaigns: &[SharedCampaign], values: &[Shared]) -> Value {
        let mut objects = vec![self.identity(), self.tlp.marking_definition()];
        let mut seen = std::collections::HashSet::new();
        let mut body = Vec::new();
        for c in campaigns {
            body.extend(self.campaign_objects(c));
        }
        for v in values {
            body.extend(self.value_objects(v));
        }
        let mut uses_extension = false;
        for o in body {
            let id = o["id"].as_str().unwrap_or("").to_string();
            if seen.insert(id) {
                uses_extension |= o
                    .get("extensions")
                    .is_some_and(|e| e.get(EXTENSION_ID).is_some());
                objects.push(o);
            }
        }
        if uses_extension {
            objects.insert(1, project_identity());
            objects.insert(2, extension_definition());
        }
        json!({
            "type": "bundle",
            "id": format!("bundle--{}", Uuid::new_v4()),
            "objects": objects,
        })
    }
}

/// An organization's identity id: the same name gives the same id on every instance.
pub fn identity_id(organization: &str) -> String {
    sdo_id("identity", &organization.trim().to_lowercase())
}

fn label(kind: IndicatorKind) -> &'static str {
    match kind {
        IndicatorKind::Phone => "Scam phone number",
        IndicatorKind::Domain => "Scam domain",
        IndicatorKind::Url => "Scam URL",
        IndicatorKind::Email => "Scam email address",
        IndicatorKind::Ip => "Scam IP address",
        IndicatorKind::RemoteAccess => "Remote-access ID used by scammers",
        IndicatorKind::CryptoWallet => "Scammer's cryptocurrency wallet",
        IndicatorKind::BankAccount => "Scammer's bank account",
        IndicatorKind::PaymentHandle => "Scammer's payment account",
        IndicatorKind::GiftCard => "Gift card brand demanded by scammers",
        IndicatorKind::Brand => "Brand impersonated",
    }
}

#[cfg(test)]
mod tests;
