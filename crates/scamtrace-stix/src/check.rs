//! What a TAXII server checks of each object it is given before storing it: the properties every
//! STIX 2.1 object needs, and the facts a collection files it under (id, type, version, TLP).

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::Tlp;

/// The facts of one acceptable object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectFacts {
    pub id: String,
    pub object_type: String,
    pub spec_version: String,
    /// `modified`, else `created`, in microseconds; `None` for objects with neither (cyber
    /// observables), whose one version is the time they were first added.
    pub version: Option<i64>,
    /// The most restrictive TLP among its markings, if it carries one.
    pub tlp: Option<Tlp>,
}

/// The largest object accepted, in bytes of JSON.
pub const MAX_OBJECT_BYTES: usize = 1 << 20;

/// Microseconds of a STIX timestamp (`2026-11-28T12:00:00.123Z`; RFC 3339 in UTC).
pub fn parse_timestamp(s: &str) -> Option<i64> {
    if !s.ends_with('Z') {
        return None;
    }
    let t = OffsetDateTime::parse(s, &Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000).ok()
}

/// A timestamp in microseconds as STIX writes it: milliseconds when that is exact, else
/// microseconds.
pub fn format_timestamp(micros: i64) -> String {
    let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let base = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    let sub = micros.rem_euclid(1_000_000);
    if sub % 1_000 == 0 {
        format!("{base}.{:03}Z", sub / 1_000)
    } else {
        format!("{base}.{sub:06}Z")
    }
}

fn is_type_name(s: &str) -> bool {
    (3..=250).contains(&s.len())
        && !s.contains("--")
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Checks one object of an envelope. The error says what is wrong, in words a partner's
/// engineer can act on (it goes into the status resource's failures).
pub fn check_object(object: &Value) -> Result<ObjectFacts, String> {
    let o = object.as_object().ok_or("not a JSON object")?;
    let kind = o.get("type").and_then(Value::as_str).ok_or("no \"type\"")?;
    if !is_type_name(kind) {
        return Err(format!("\"type\" {kind:?} is not a STIX type name"));
    }
    let id = o.get("id").and_then(Value::as_str).ok_or("no \"id\"")?;
    let (prefix, uuid) = id
        .split_once("--")
        .ok_or_else(|| format!("\"id\" {id:?} is not TYPE--UUID"))?;
    if prefix != kind {
        return Err(format!("\"id\" {id:?} is not of type {kind:?}"));
    }
    if uuid.len() != 36 || uuid::Uuid::parse_str(uuid).is_err() {
        return Err(format!("\"id\" {id:?} does not end in a UUID"));
    }
    let created = match o.get("created") {
        None => None,
        Some(v) => Some(
            v.as_str()
                .and_then(parse_timestamp)
                .ok_or("\"created\" is not a STIX timestamp (RFC 3339 in UTC, ending in Z)")?,
        ),
    };
    let modified = match o.get("modified") {
        None => None,
        Some(v) => Some(
            v.as_str()
                .and_then(parse_timestamp)
                .ok_or("\"modified\" is not a STIX timestamp (RFC 3339 in UTC, ending in Z)")?,
        ),
    };
    if let (Some(c), Some(m)) = (created, modified)
        && m < c
    {
        return Err("\"modified\" is before \"created\"".into());
    }
    if modified.is_some() && created.is_none() {
        return Err("\"modified\" without \"created\"".into());
    }
    // Domain and relationship objects (those with `created`) and marking definitions must name
    // their spec version; cyber observables may leave it out, and are then 2.1.
    let spec_version = match o.get("spec_version") {
        Some(v) => v.as_str().ok_or("\"spec_version\" is not a string")?,
        None if created.is_none() && kind != "marking-definition" => "2.1",
        None => return Err("no \"spec_version\" (this server takes STIX 2.1)".into()),
    };
    if spec_version != "2.1" {
        return Err(format!(
            "\"spec_version\" {spec_version:?}: this server takes STIX 2.1"
        ));
    }
    if let Some(refs) = o.get("object_marking_refs") {
        let list = refs
            .as_array()
            .ok_or("\"object_marking_refs\" is not a list")?;
        if list.iter().any(|r| {
            !r.as_str()
                .is_some_and(|s| s.starts_with("marking-definition--"))
        }) {
            return Err(
                "\"object_marking_refs\" holds something that is not a marking-definition id"
                    .into(),
            );
        }
    }
    if let Some(by) = o.get("created_by_ref")
        && !by.as_str().is_some_and(|s| s.starts_with("identity--"))
    {
        return Err("\"created_by_ref\" is not an identity id".into());
    }
    Ok(ObjectFacts {
        id: id.to_string(),
        object_type: kind.to_string(),
        spec_version: spec_version.to_string(),
        version: modified.or(created),
        tlp: Tlp::of_object(object),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamps_round_trip_at_their_precision() {
        let ms = parse_timestamp("2026-11-28T12:00:00.123Z").unwrap();
        assert_eq!(format_timestamp(ms), "2026-11-28T12:00:00.123Z");
        let us = parse_timestamp("2026-11-28T12:00:00.123456Z").unwrap();
        assert_eq!(format_timestamp(us), "2026-11-28T12:00:00.123456Z");
        assert_eq!(
            parse_timestamp("2026-11-28T12:00:00Z"),
            parse_timestamp("2026-11-28T12:00:00.000Z")
        );
        assert_eq!(parse_timestamp("2026-11-28T12:00:00+01:00"), None);
        assert_eq!(parse_timestamp("yesterday"), None);
    }

    #[test]
    fn objects_are_checked_and_filed() {
        let good = json!({
            "type": "indicator", "spec_version": "2.1",
            "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-02-01T00:00:00.000Z",
            "object_marking_refs": [Tlp::Green.marking_id(), Tlp::Amber.marking_id()],
        });
        let facts = check_object(&good).unwrap();
        assert_eq!(facts.object_type, "indicator");
        assert_eq!(facts.version, parse_timestamp("2026-02-01T00:00:00.000Z"));
        assert_eq!(facts.tlp, Some(Tlp::Amber));
        let sco = json!({"type": "domain-name", "id": "domain-name--dc63603e-e634-5357-b239-d4b562bc5445", "value": "x.example"});
        let facts = check_object(&sco).unwrap();
        assert_eq!((facts.version, facts.spec_version.as_str()), (None, "2.1"));

        let bad = |patch: Value, expect: &str| {
            let mut o = good.clone();
            for (k, v) in patch.as_object().unwrap() {
                if v.is_null() {
                    o.as_object_mut().unwrap().remove(k);
                } else {
                    o[k] = v.clone();
                }
            }
            let err = check_object(&o).unwrap_err();
            assert!(err.contains(expect), "{err} should mention {expect}");
        };
        bad(json!({"type": null}), "type");
        bad(json!({"type": "Indicator"}), "type name");
        bad(
            json!({"id": "campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}),
            "not of type",
        );
        bad(json!({"id": "indicator--1234"}), "UUID");
        bad(json!({"created": "2026-01-01"}), "created");
        bad(json!({"modified": "2025-01-01T00:00:00Z"}), "before");
        bad(json!({"spec_version": "2.0"}), "2.1");
        bad(json!({"spec_version": null}), "spec_version");
        bad(json!({"object_marking_refs": ["identity--x"]}), "marking");
        bad(json!({"created_by_ref": 7}), "identity");
        assert!(check_object(&json!([1])).is_err());
    }
}
