use proptest::prelude::*;
use scamtrace_extract::IndicatorKind::{self, *};

use super::*;

fn occ(kind: IndicatorKind, value: &str) -> Occurrence<'_> {
    Occurrence::new(kind, value)
}

fn small() -> Config {
    Config {
        hub_min_reports: 3,
        hub_share: 0.0,
    }
}

#[test]
fn reports_sharing_a_value_form_one_cluster_named_by_the_oldest() {
    let mut e: Engine<&str> = Engine::new(Config::default());
    e.add_report(10, "a", &[occ(Phone, "+18885550142")]);
    e.add_report(20, "b", &[occ(Domain, "fix-pc.example")]);
    e.add_report(30, "c", &[occ(CryptoWallet, "bc1x")]);
    assert_eq!(e.cluster_of(20), Some(20));
    e.add_report(
        40,
        "d",
        &[occ(Phone, "+18885550142"), occ(Domain, "fix-pc.example")],
    );
    assert_eq!(e.cluster_of(20), Some(10));
    assert_eq!(e.members(10), vec![10, 20, 40]);
    assert_eq!(e.cluster_size(10), 3);
    assert_eq!(
        e.members(20),
        Vec::<u64>::new(),
        "20 is no longer a cluster"
    );
    assert_eq!(e.lookup_cluster(20), Some(ClusterLookup::Moved(10)));
    assert_eq!(e.lookup_cluster(10), Some(ClusterLookup::Current(10)));
    assert_eq!(e.lookup_cluster(99), None);
    let mut clusters: Vec<_> = e.clusters(2).collect();
    clusters.sort();
    assert_eq!(clusters, vec![(10, 3)]);
    assert_eq!(e.clusters(1).count(), 2);
    let mut attrs: Vec<&str> = e
        .members_with_attrs(10)
        .into_iter()
        .map(|(_, a)| *a)
        .collect();
    attrs.sort();
    assert_eq!(attrs, vec!["a", "b", "d"]);
    assert_eq!(e.value_reports(Phone, "+18885550142"), vec![10, 40]);
    // A report key is taken once.
    assert!(!e.add_report(10, "again", &[occ(Domain, "other.example")]));
    assert_eq!(e.len(), 4);
}

#[test]
fn context_and_benign_values_never_link() {
    let mut e: Engine<()> = Engine::new(Config::default());
    e.add_report(
        1,
        (),
        &[occ(Brand, "microsoft"), occ(Url, "https://a.example/x")],
    );
    e.add_report(
        2,
        (),
        &[occ(Brand, "microsoft"), occ(Url, "https://a.example/x")],
    );
    e.add_report(3, (), &[occ(Ip, "203.0.113.7")]);
    e.add_report(4, (), &[occ(Ip, "203.0.113.7")]);
    let benign = Occurrence {
        linking: false,
        ..occ(Phone, "+18006427676")
    };
    e.add_report(5, (), &[benign]);
    e.add_report(6, (), &[occ(Phone, "+18006427676")]);
    assert_eq!(e.clusters(2).count(), 0);
    assert_eq!(
        e.value(Brand, "microsoft").unwrap().status,
        LinkStatus::Context
    );
    assert_eq!(e.value(Ip, "203.0.113.7").unwrap().clusters, 2);
    assert_eq!(
        e.value(Phone, "+18006427676").unwrap().status,
        LinkStatus::Benign
    );
    // Brands can never be made to link; an IP address can, by decision.
    assert!(!e.decide(Brand, "microsoft", Some(Decision::Linking)));
    assert!(e.decide(Ip, "203.0.113.7", Some(Decision::Linking)));
    assert_eq!(e.members(3), vec![3, 4]);
    assert_eq!(
        e.value(Ip, "203.0.113.7").unwrap().status,
        LinkStatus::DecidedLinking
    );
}

#[test]
fn a_hub_stops_linking_and_its_cluster_splits_into_the_operations() {
    let mut e: Engine<()> = Engine::new(small());
    // Two operations, each tied together by its own number, both quoting a shared value.
    e.add_report(1, (), &[occ(Phone, "+1A"), occ(Domain, "shared.example")]);
    e.add_report(2, (), &[occ(Phone, "+1A")]);
    e.add_report(3, (), &[occ(Phone, "+1B"), occ(Domain, "shared.example")]);
    e.add_report(4, (), &[occ(Phone, "+1B")]);
    assert_eq!(
        e.members(1),
        vec![1, 2, 3, 4],
        "linked through the shared value"
    );
    e.drain_events();
    e.add_report(5, (), &[occ(Domain, "shared.example")]);
    assert_eq!(e.partition(), vec![vec![1, 2], vec![3, 4], vec![5]]);
    assert_eq!(
        e.drain_events(),
        vec![Event::Split {
            cluster: 1,
            parts: vec![1, 3]
        }]
    );
    let hub = e.value(Domain, "shared.example").unwrap();
    assert_eq!(
        (hub.status, hub.reports, hub.clusters),
        (LinkStatus::Hub, 3, 3)
    );
    let listed = e.over_linked();
    assert_eq!(listed[0].value, "shared.example");

    // An analyst decides it links after all: one cluster again, recorded as a merge.
    assert!(e.decide(Domain, "shared.example", Some(Decision::Linking)));
    assert_eq!(e.members(1), vec![1, 2, 3, 4, 5]);
    assert_eq!(
        e.drain_events(),
        vec![Event::Merged {
            survivor: 1,
            absorbed: 3,
            by_report: None
        }]
    );
    // ... and then that the operations' own number does not.
    e.decide(Phone, "+1B", Some(Decision::NotLinking));
    assert_eq!(e.partition(), vec![vec![1, 2, 3, 5], vec![4]]);
    // Withdrawing the decisions returns to what the data says.
    e.decide(Phone, "+1B", None);
    e.decide(Domain, "shared.example", None);
    assert_eq!(e.partition(), vec![vec![1, 2], vec![3, 4], vec![5]]);
}

#[test]
fn the_hub_threshold_grows_with_volume_and_frees_values_below_it() {
    let config = Config {
        hub_min_reports: 2,
        hub_share: 0.5,
    };
    assert_eq!(config.hub_threshold(0), 2);
    assert_eq!(config.hub_threshold(9), 5);
    let mut e: Engine<()> = Engine::new(config);
    e.add_report(1, (), &[occ(Email, "a@x.example")]);
    e.add_report(2, (), &[occ(Email, "a@x.example")]);
    // 2 reports of 2: a hub at threshold 2.
    assert_eq!(
        e.value(Email, "a@x.example").unwrap().status,
        LinkStatus::Hub
    );
    assert_eq!(e.clusters(2).count(), 0);
    for key in 3..=6 {
        e.add_report(key, (), &[occ(Email, &format!("{key}@y.example"))]);
    }
    // 6 reports: threshold 3, and the value in 2 links again.
    assert_eq!(e.hub_threshold(), 3);
    assert_eq!(e.members(1), vec![1, 2]);
}

#[test]
fn merges_keep_the_older_id_and_are_recorded() {
    let mut e: Engine<()> = Engine::new(Config::default());
    e.add_report(5, (), &[occ(Phone, "+1A")]);
    e.add_report(6, (), &[occ(Phone, "+1A")]);
    e.add_report(1, (), &[occ(Phone, "+1B")]);
    e.add_report(2, (), &[occ(Phone, "+1B")]);
    assert!(e.drain_events().is_empty(), "growth is not a merge");
    e.add_report(9, (), &[occ(Phone, "+1A"), occ(Phone, "+1B")]);
    assert_eq!(
        e.drain_events(),
        vec![Event::Merged {
            survivor: 1,
            absorbed: 5,
            by_report: Some(9)
        }]
    );
    assert_eq!(e.lookup_cluster(5), Some(ClusterLookup::Moved(1)));
}

#[test]
fn explanation_is_the_shortest_chain_of_linking_values() {
    let mut e: Engine<()> = Engine::new(Config::default());
    e.add_report(1, (), &[occ(Phone, "+1A"), occ(Brand, "microsoft")]);
    e.add_report(2, (), &[occ(Phone, "+1A"), occ(Domain, "d.example")]);
    e.add_report(
        3,
        (),
        &[occ(Domain, "d.example"), occ(RemoteAccess, "anydesk:1")],
    );
    e.add_report(
        4,
        (),
        &[occ(RemoteAccess, "anydesk:1"), occ(Brand, "microsoft")],
    );
    e.add_report(5, (), &[occ(Phone, "+1A"), occ(RemoteAccess, "anydesk:1")]);
    e.add_report(6, (), &[occ(Brand, "microsoft")]);
    let path = e.explain(1, 4).unwrap();
    let v = |kind, value: &str| {
        Step::Value(ValueRef {
            kind,
            value: value.into(),
        })
    };
    assert_eq!(
        path,
        vec![
            Step::Report(1),
            v(Phone, "+1A"),
            Step::Report(5),
            v(RemoteAccess, "anydesk:1"),
            Step::Report(4),
        ]
    );
    assert_eq!(e.explain(2, 2), Some(vec![Step::Report(2)]));
    assert_eq!(e.explain(1, 6), None, "a shared brand is no link");
    assert_eq!(e.explain(1, 77), None);
}

#[test]
fn cluster_values_count_reports_per_value() {
    let mut e: Engine<()> = Engine::new(Config::default());
    e.add_report(1, (), &[occ(Phone, "+1A"), occ(Brand, "microsoft")]);
    e.add_report(2, (), &[occ(Phone, "+1A"), occ(Phone, "+1A")]);
    let values = e.cluster_values(1);
    assert_eq!(values[0].0.value, "+1A");
    assert_eq!(values[0].1, 2, "a value twice in one report counts once");
    assert_eq!(values[1].0.value, "microsoft");
    assert_eq!(e.report_values(1).len(), 2);
}

/// Reports for the property test: each draws values from small pools, so they collide.
fn arb_reports() -> impl Strategy<Value = Vec<Vec<(u8, u8, bool)>>> {
    prop::collection::vec(
        prop::collection::vec((0u8..4, 0u8..12, prop::bool::weighted(0.95)), 0..4),
        1..60,
    )
}

const KINDS: [IndicatorKind; 4] = [Phone, Domain, Ip, Brand];

fn occurrences(values: &[(u8, u8, bool)]) -> Vec<(IndicatorKind, String, bool)> {
    values
        .iter()
        .map(|&(k, v, linking)| (KINDS[k as usize], format!("v{v}"), linking))
        .collect()
}

proptest! {
    /// Adding reports one at a time, in any order, with decisions taken at any moment, gives the
    /// partition that building from everything at once gives.
    #[test]
    fn incremental_equals_rebuild(
        reports in arb_reports(),
        order_seed in any::<u64>(),
        decisions in prop::collection::vec((0u8..4, 0u8..12, 0u8..3, any::<u16>()), 0..4),
        min in 2u32..6,
        share in 0.0f64..0.3,
    ) {
        let config = Config { hub_min_reports: min, hub_share: share };
        let reports: Vec<Vec<(IndicatorKind, String, bool)>> =
            reports.iter().map(|r| occurrences(r)).collect();
        // A deterministic shuffle of arrival order.
        let mut order: Vec<usize> = (0..reports.len()).collect();
        let mut state = order_seed | 1;
        for i in (1..order.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let decision = |d: u8| match d {
            0 => None,
            1 => Some(Decision::Linking),
            _ => Some(Decision::NotLinking),
        };

        let mut engine: Engine<()> = Engine::new(config);
        let mut last: std::collections::BTreeMap<(usize, String), Option<Decision>> =
            Default::default();
        for (step, &i) in order.iter().enumerate() {
            for &(k, v, d, at) in &decisions {
                if at as usize % reports.len() == step {
                    let kind = KINDS[k as usize];
                    if engine.decide(kind, &format!("v{v}"), decision(d)) {
                        last.insert((k as usize, format!("v{v}")), decision(d));
                    }
                }
            }
            engine.add_report(i as u64 * 3 + 1, (), &Occurrence::lent(&reports[i]));
        }

        let mut bulk: Bulk<()> = Engine::bulk(config);
        for (i, r) in reports.iter().enumerate() {
            bulk.add(i as u64 * 3 + 1, (), &Occurrence::lent(r));
        }
        for ((k, v), d) in &last {
            if let Some(d) = d {
                bulk.decide(KINDS[*k], v, *d);
            }
        }
        let rebuilt = bulk.finish();
        prop_assert_eq!(engine.partition(), rebuilt.partition());
        prop_assert_eq!(engine.hub_threshold(), rebuilt.hub_threshold());
        for r in &reports {
            for (kind, value, _) in r {
                prop_assert_eq!(engine.value(*kind, value), rebuilt.value(*kind, value));
            }
        }
        // Every cluster is connected by linking values: explain finds a path between its oldest
        // and each other member.
        for (id, _) in engine.clusters(2) {
            for member in engine.members(id) {
                let path = engine.explain(id, member);
                prop_assert!(path.is_some());
            }
        }
    }
}
