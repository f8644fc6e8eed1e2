//! The demo generator plants scam operations; correlation must find each of them as exactly one
//! cluster and never merge two of them. Reports go through the real validator and extractor, as
//! they do on intake.

use std::collections::{BTreeMap, BTreeSet};

use scamtrace_correlate::{Config, Engine, Occurrence, link_value};
use scamtrace_demo::Demo;
use scamtrace_extract::{Extractor, Indicator, ReportText};

/// What the evaluation found.
#[derive(Debug, Default)]
struct Outcome {
    /// Operations with at least two linkable reports.
    operations: usize,
    /// ... of which all linkable reports are in one cluster holding nothing else.
    recovered: usize,
    /// Clusters holding reports of two or more operations (or an operation and a one-off).
    false_merges: usize,
    /// Operations whose linkable reports are spread over several clusters.
    split: Vec<(usize, usize)>,
}

fn indicators(extractor: &Extractor, report: &scamtrace_model::NewReport) -> Vec<Indicator> {
    let brand = report.impersonated_brand.as_ref().map(|b| b.text.as_str());
    extractor.extract_report(&ReportText {
        country: report.country.as_str(),
        impersonated_brand: brand,
        scammer: &report.scammer,
        remote_access: report.remote_access.as_ref(),
        payment: report.payment.as_ref(),
        narrative: &report.narrative,
    })
}

fn occurrences(found: &[Indicator]) -> Vec<Occurrence<'_>> {
    found
        .iter()
        .map(|i| Occurrence {
            kind: i.kind,
            value: link_value(i.kind, &i.value, i.attributes.get("registrable_domain")),
            linking: i.linking,
        })
        .collect()
}

/// Ground truth of each report: `Some(operation)`, or `None` for one-offs and noise; one-offs
/// are told apart by key so that two one-offs in one cluster count as a false merge.
fn evaluate(engine: &Engine<Option<usize>>) -> Outcome {
    let mut outcome = Outcome::default();
    let mut clusters_of_op: BTreeMap<usize, BTreeSet<u64>> = BTreeMap::new();
    for (id, _) in engine.clusters(2) {
        let members = engine.members_with_attrs(id);
        let truths: BTreeSet<String> = members
            .iter()
            .map(|(key, op)| match op {
                Some(op) => format!("op{op}"),
                None => format!("one-off{key}"),
            })
            .collect();
        if truths.len() > 1 {
            outcome.false_merges += 1;
            // Why: the chain between the oldest report and one of another truth.
            let first = &members.iter().min_by_key(|(k, _)| *k).unwrap();
            if let Some((other, _)) = members.iter().find(|(_, op)| *op != first.1) {
                eprintln!("false merge: {:?}", engine.explain(first.0, *other));
            }
        }
        for (_, op) in members {
            if let Some(op) = op {
                clusters_of_op.entry(*op).or_default().insert(id);
            }
        }
    }
    for (op, clusters) in clusters_of_op {
        outcome.operations += 1;
        let whole = clusters.len() == 1;
        if whole {
            outcome.recovered += 1;
        } else {
            outcome.split.push((op, clusters.len()));
            for id in &clusters {
                let values: Vec<String> = engine
                    .cluster_values(*id)
                    .into_iter()
                    .filter(|(v, _)| v.status.links())
                    .map(|(v, n)| format!("{}={n}", v.value))
                    .collect();
                eprintln!("split op{op} cluster {id}: {values:?}");
            }
        }
    }
    outcome
}

fn build(seed: u64, count: usize, config: Config) -> (Demo, Engine<Option<usize>>) {
    build_with(seed, count, config, |_| None)
}

/// Builds the engine from the demo, adding `extra(position)` to a report's occurrences.
fn build_with(
    seed: u64,
    count: usize,
    config: Config,
    extra: impl Fn(usize) -> Option<Occurrence<'static>>,
) -> (Demo, Engine<Option<usize>>) {
    let demo = Demo::new(seed, count);
    let extractor = Extractor::new([7; 32]);
    let mut engine = Engine::new(config);
    for (key, r) in demo.reports().enumerate() {
        let report = scamtrace_model::parse_report(&r.report).expect("demo reports are valid");
        let found = indicators(&extractor, &report);
        let mut occ = occurrences(&found);
        occ.extend(extra(key));
        engine.add_report(key as u64 + 1, r.operation, &occ);
    }
    (demo, engine)
}

#[test]
fn a_value_shared_across_operations_does_not_merge_them() {
    // A payment portal's domain quoted in every tenth report, whatever the operation: 200 of
    // 2,000 reports, over the default threshold (5%).
    let (_, engine) = build_with(42, 2000, Config::default(), |position| {
        (position % 10 == 3).then_some(Occurrence::new(
            scamtrace_extract::IndicatorKind::Domain,
            "pay-portal.example",
        ))
    });
    let outcome = evaluate(&engine);
    assert_eq!(outcome.false_merges, 0);
    assert_eq!(outcome.recovered, outcome.operations, "{:?}", outcome.split);
    let listed = engine.over_linked();
    let hub = listed
        .iter()
        .find(|v| v.value == "pay-portal.example")
        .expect("listed as over-linked");
    assert_eq!(hub.reports, 200);
    assert_eq!(hub.status, scamtrace_correlate::LinkStatus::Hub);
    assert!(
        hub.clusters > 50,
        "it touches most operations: {}",
        hub.clusters
    );
}

#[test]
fn the_default_demo_operations_come_back_as_clusters() {
    // The data set `scamtrace serve --demo` loads.
    let (demo, engine) = build(42, 2000, Config::default());
    let outcome = evaluate(&engine);
    eprintln!(
        "demo 42/2000: {} operations, {} with linkable reports; recovered {}; false merges {}; split {:?}; over-linked {:?}",
        demo.operations.len(),
        outcome.operations,
        outcome.recovered,
        outcome.false_merges,
        outcome.split,
        engine.over_linked()
    );
    assert_eq!(outcome.false_merges, 0);
    assert_eq!(outcome.recovered, outcome.operations, "{:?}", outcome.split);
    assert_eq!(outcome.operations, demo.operations.len());
}

#[test]
fn incremental_equals_rebuild_on_the_demo() {
    let (demo, engine) = build(7, 1500, Config::default());
    let extractor = Extractor::new([7; 32]);
    let mut bulk = Engine::bulk(Config::default());
    // In reverse order, for good measure.
    let reports: Vec<_> = demo.reports().enumerate().collect();
    for (key, r) in reports.into_iter().rev() {
        let report = scamtrace_model::parse_report(&r.report).expect("valid");
        let found = indicators(&extractor, &report);
        bulk.add(key as u64 + 1, r.operation, &occurrences(&found));
    }
    assert_eq!(engine.partition(), bulk.finish().partition());
}
