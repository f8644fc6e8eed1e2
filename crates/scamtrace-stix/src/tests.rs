//! The mapping read back by its own reader: what one organization writes, another reads as the
//! same values, counts and campaigns; revoked objects observe nothing; ids are stable.

use serde_json::Value;
use time::macros::datetime;

use super::*;

fn shared(kind: IndicatorKind, value: &str, reports: u32) -> Shared {
    Shared {
        kind,
        value: value.into(),
        reports,
        first_seen: datetime!(2026-10-01 00:00 UTC),
        last_seen: datetime!(2026-10-20 00:00 UTC),
    }
}

fn campaign() -> SharedCampaign {
    SharedCampaign {
        cluster: 7,
        reports: 12,
        countries: vec![("US".into(), 8), ("DE".into(), 4)],
        brands: vec![("microsoft".into(), 12)],
        losses_usd_estimate: 9_400.0,
        first_seen: datetime!(2026-10-01 00:00 UTC),
        last_seen: datetime!(2026-10-20 00:00 UTC),
        values: vec![
            shared(IndicatorKind::Phone, "+18885550142", 9),
            shared(IndicatorKind::Domain, "defender-helpdesk-24x7.online", 5),
            shared(IndicatorKind::RemoteAccess, "anydesk:123456789", 4),
        ],
    }
}

fn objects(bundle: &Value) -> Vec<Value> {
    bundle["objects"].as_array().unwrap().clone()
}

#[test]
fn what_one_organization_writes_another_reads_back() {
    let author = Author::new(
        "Example Software Inc.",
        Tlp::Green,
        datetime!(2026-11-28 12:00 UTC),
    );
    let bundle = author.bundle(&[campaign()], &[]);
    let parsed = parse_bundle(&objects(&bundle));
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_eq!(
        parsed
            .identities
            .get(&author.identity_id)
            .map(String::as_str),
        Some("Example Software Inc.")
    );
    assert_eq!(parsed.campaigns.len(), 1);
    let mut seen: Vec<(IndicatorKind, String, Option<u32>)> = parsed
        .observations
        .iter()
        .map(|o| (o.kind, o.value.clone(), o.count))
        .collect();
    seen.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        seen,
        [
            (IndicatorKind::Phone, "+18885550142".into(), Some(9)),
            (
                IndicatorKind::RemoteAccess,
                "anydesk:123456789".into(),
                Some(4)
            ),
            (
                IndicatorKind::Domain,
                "defender-helpdesk-24x7.online".into(),
                Some(5)
            ),
        ]
    );
    for o in &parsed.observations {
        assert_eq!(o.campaigns, [parsed.campaigns[0].stix_id.clone()]);
        assert_eq!(o.author.as_deref(), Some(author.identity_id.as_str()));
        assert_eq!(o.tlp, Some(Tlp::Green));
    }
}

#[test]
fn ids_are_stable_across_exports_and_bundles_are_not() {
    let a = Author::new(
        "Example Software Inc.",
        Tlp::Amber,
        datetime!(2026-11-28 12:00 UTC),
    );
    let b = Author::new(
        "example software inc. ",
        Tlp::Amber,
        datetime!(2026-11-29 12:00 UTC),
    );
    let ids = |bundle: &Value| -> Vec<String> {
        objects(bundle)
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_string())
            .collect()
    };
    let first = a.bundle(&[campaign()], &[]);
    let second = b.bundle(&[campaign()], &[]);
    assert_eq!(
        ids(&first),
        ids(&second),
        "the same operation, the same objects"
    );
    assert_ne!(first["id"], second["id"], "each bundle is a new one");
    let other = Author::new("Another Firm", Tlp::Amber, datetime!(2026-11-28 12:00 UTC));
    let theirs = ids(&other.bundle(&[campaign()], &[]));
    let shared_ids = ids(&first)
        .into_iter()
        .filter(|i| theirs.contains(i))
        .count();
    // Observables, the marking, the project identity and the extension are the same objects.
    assert!(shared_ids >= 3, "{shared_ids}");
    assert!(!theirs.contains(&a.identity_id));
}

#[test]
fn revoked_objects_observe_nothing() {
    let author = Author::new(
        "Example Software Inc.",
        Tlp::Amber,
        datetime!(2026-11-28 12:00 UTC),
    );
    let mut list = objects(&author.bundle(&[campaign()], &[]));
    let phone_indicator = list
        .iter()
        .position(|o| {
            o["type"] == "indicator" && o["pattern"].as_str().unwrap().contains("phone-number")
        })
        .unwrap();
    list[phone_indicator]["revoked"] = Value::Bool(true);
    let parsed = parse_bundle(&list);
    assert_eq!(
        parsed.revoked,
        [list[phone_indicator]["id"].as_str().unwrap().to_string()]
    );
    assert!(
        parsed
            .observations
            .iter()
            .all(|o| o.kind != IndicatorKind::Phone)
    );
    assert_eq!(parsed.observations.len(), 2);
}

#[test]
fn patterns_quote_what_they_hold() {
    assert_eq!(
        pattern(IndicatorKind::Domain, "x.online").as_deref(),
        Some("[domain-name:value = 'x.online']")
    );
    let url = pattern(IndicatorKind::Url, "https://x.online/a'b\\c").unwrap();
    assert!(url.contains("a\\'b\\\\c"), "{url}");
    assert_eq!(
        pattern(IndicatorKind::Brand, "microsoft"),
        None,
        "brands never leave"
    );
}
