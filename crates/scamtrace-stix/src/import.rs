//! STIX 2.1 bundles read back: what another organization observed, as values ScamTrace knows,
//! attributed to that organization and kept apart from local reports.

use std::collections::HashMap;

use scamtrace_extract::IndicatorKind;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::{Tlp, kind_of_sco};

/// One value another organization observed.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// The indicator (or observable) id it came from.
    pub stix_id: String,
    /// Its `modified` (or `created`): a replay of the same id and version changes nothing.
    pub version: String,
    pub kind: IndicatorKind,
    /// As written in the object; the caller canonicalizes it as its own reports' values.
    pub value: String,
    /// The author's identity id (`created_by_ref`), if it named one.
    pub author: Option<String>,
    /// How many of the author's reports held it (its sightings' `count`), when said.
    pub count: Option<u32>,
    pub first_seen: Option<OffsetDateTime>,
    pub last_seen: Option<OffsetDateTime>,
    pub tlp: Option<Tlp>,
    /// Campaigns it `indicates`.
    pub campaigns: Vec<String>,
}

/// An operation another organization described.
#[derive(Clone, Debug, PartialEq)]
pub struct ObservedCampaign {
    pub stix_id: String,
    pub name: String,
    pub author: Option<String>,
    pub first_seen: Option<OffsetDateTime>,
    pub last_seen: Option<OffsetDateTime>,
    pub tlp: Option<Tlp>,
}

/// What a bundle held that ScamTrace uses, and what it could not read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    pub observations: Vec<Observation>,
    pub campaigns: Vec<ObservedCampaign>,
    /// Identity ids and names.
    pub identities: HashMap<String, String>,
    /// `(object id or index, problem)` for objects that are not valid STIX this reader needs.
    pub rejected: Vec<(String, String)>,
    /// Objects their author revoked (`"revoked": true`): read as nothing.
    pub revoked: Vec<String>,
}

fn time_of(v: &Value) -> Option<OffsetDateTime> {
    v.as_str()
        .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
}

/// `[type:value = 'x']`, the one comparison form ScamTrace reads from a pattern (what it and
/// most sharing platforms write for a single observable). Anything else is not an observation.
fn simple_pattern(pattern: &str) -> Option<(String, String)> {
    let inner = pattern.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    let (path, rest) = inner.split_once('=')?;
    let (sco_type, property) = path.trim().split_once(':')?;
    if property.trim() != "value" {
        return None;
    }
    let quoted = rest.trim().strip_prefix('\'')?.strip_suffix('\'')?;
    let mut value = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.push(chars.next()?),
            '\'' => return None,
            c => value.push(c),
        }
    }
    Some((sco_type.trim().to_string(), value))
}

/// Checks what every STIX object needs: a `type` and an `id` of that type with a UUID.
fn check_common(o: &Value) -> Result<(&str, &str), String> {
    let kind = o["type"].as_str().ok_or("no type")?;
    let id = o["id"].as_str().ok_or("no id")?;
    let (prefix, uuid) = id.split_once("--").ok_or("id is not TYPE--UUID")?;
    if prefix != kind {
        return Err(format!("id {id} is not of type {kind}"));
    }
    uuid::Uuid::parse_str(uuid).map_err(|_| format!("id {id} does not hold a UUID"))?;
    Ok((kind, id))
}

/// Reads the objects of a bundle (or of a TAXII envelope: any list of objects).
pub fn parse_bundle(objects: &[Value]) -> Parsed {
    let mut parsed = Parsed::default();
    let mut sightings: HashMap<String, (u32, Option<OffsetDateTime>, Option<OffsetDateTime>)> =
        HashMap::new();
    let mut indicates: HashMap<String, Vec<String>> = HashMap::new();
    let mut observed_scos: Vec<Observation> = Vec::new();
    let mut taken_back: Vec<(IndicatorKind, String)> = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        let (kind, id) = match check_common(o) {
            Ok(x) => x,
            Err(problem) => {
                let at = o["id"]
                    .as_str()
                    .map(String::from)
                    .unwrap_or(format!("#{i}"));
                parsed.rejected.push((at, problem));
                continue;
            }
        };
        // A revoked object is one its author takes back: it observes nothing, nor does the
        // observable a revoked indicator stood for.
        if o["revoked"].as_bool() == Some(true) {
            parsed.revoked.push(id.to_string());
            if let Some((sco_type, value)) = o["pattern"].as_str().and_then(simple_pattern)
                && let Some(k) = kind_of_sco(&sco_type)
            {
                taken_back.push((k, value));
            }
            continue;
        }
        let author = o["created_by_ref"].as_str().map(String::from);
        let tlp = Tlp::of_object(o);
        let version = o["modified"]
            .as_str()
            .or(o["created"].as_str())
            .unwrap_or("")
            .to_string();
        match kind {
            "identity" => {
                if let Some(name) = o["name"].as_str() {
                    parsed.identities.insert(id.to_string(), name.to_string());
                }
            }
            "indicator" => {
                if o["pattern_type"].as_str() != Some("stix") {
                    continue;
                }
                let Some(pattern) = o["pattern"].as_str() else {
                    parsed
                        .rejected
                        .push((id.into(), "indicator without a pattern".into()));
                    continue;
                };
                let Some((sco_type, value)) = simple_pattern(pattern) else {
                    continue; // a valid pattern ScamTrace does not use (several observables)
                };
                let Some(ind_kind) = kind_of_sco(&sco_type) else {
                    continue;
                };
                parsed.observations.push(Observation {
                    stix_id: id.into(),
                    version,
                    kind: ind_kind,
                    value,
                    author,
                    count: None,
                    first_seen: time_of(&o["valid_from"]),
                    last_seen: None,
                    tlp,
                    campaigns: Vec::new(),
                });
            }
            "campaign" => {
                let Some(name) = o["name"].as_str() else {
                    parsed
                        .rejected
                        .push((id.into(), "campaign without a name".into()));
                    continue;
                };
                parsed.campaigns.push(ObservedCampaign {
                    stix_id: id.into(),
                    name: name.into(),
                    author,
                    first_seen: time_of(&o["first_seen"]),
                    last_seen: time_of(&o["last_seen"]),
                    tlp,
                });
            }
            "sighting" => {
                let Some(of) = o["sighting_of_ref"].as_str() else {
                    parsed
                        .rejected
                        .push((id.into(), "sighting without sighting_of_ref".into()));
                    continue;
                };
                let count = o["count"].as_u64().unwrap_or(1).min(u64::from(u32::MAX)) as u32;
                let e = sightings.entry(of.to_string()).or_insert((0, None, None));
                e.0 = e.0.saturating_add(count);
                e.1 = match (e.1, time_of(&o["first_seen"])) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                e.2 = match (e.2, time_of(&o["last_seen"])) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
            }
            "relationship" => {
                if o["relationship_type"].as_str() == Some("indicates")
                    && let (Some(from), Some(to)) =
                        (o["source_ref"].as_str(), o["target_ref"].as_str())
                    && to.starts_with("campaign--")
                {
                    indicates
                        .entry(from.to_string())
                        .or_default()
                        .push(to.to_string());
                }
            }
            sco_type => {
                // A bare observable (no indicator) is an observation too.
                if let (Some(k), Some(value)) = (kind_of_sco(sco_type), o["value"].as_str()) {
                    observed_scos.push(Observation {
                        stix_id: id.into(),
                        version,
                        kind: k,
                        value: value.into(),
                        author,
                        count: None,
                        first_seen: None,
                        last_seen: None,
                        tlp,
                        campaigns: Vec::new(),
                    });
                }
            }
        }
    }
    for obs in &mut parsed.observations {
        if let Some((count, first, last)) = sightings.get(&obs.stix_id) {
            obs.count = Some(*count);
            obs.first_seen = first.or(obs.first_seen);
            obs.last_seen = *last;
        }
        if let Some(c) = indicates.get(&obs.stix_id) {
            obs.campaigns = c.clone();
        }
    }
    // Observables an indicator already stands for are not counted twice.
    for sco in observed_scos {
        if !parsed
            .observations
            .iter()
            .any(|o| o.kind == sco.kind && o.value == sco.value)
            && !taken_back
                .iter()
                .any(|(k, v)| *k == sco.kind && *v == sco.value)
        {
            parsed.observations.push(sco);
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_with_one_comparison_are_read_and_unescaped() {
        assert_eq!(
            simple_pattern("[phone-number:value = '+18885550142']"),
            Some(("phone-number".into(), "+18885550142".into()))
        );
        assert_eq!(
            simple_pattern(r"[url:value = 'http://x.example/a\'b\\c']"),
            Some(("url".into(), r"http://x.example/a'b\c".into()))
        );
        assert_eq!(
            simple_pattern("[file:hashes.MD5 = 'abc']"),
            None,
            "not a value"
        );
        assert_eq!(
            simple_pattern("[url:value = 'a' AND url:value = 'b']"),
            None
        );
        assert_eq!(simple_pattern("[url:value = 'a'b']"), None);
    }
}
