//! The demo's contract: what every report looks like, and what the stream as a whole looks like.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::*;
use crate::phones::digits_of;

const TOP_LEVEL: &[&str] = &[
    "occurred_on",
    "country",
    "language",
    "contact_method",
    "impersonated_brand",
    "scammer",
    "remote_access",
    "payment",
    "narrative",
    "reporter",
];
const COUNTRIES: &[&str] = &[
    "US", "CA", "GB", "DE", "AU", "ES", "JP", "FR", "IE", "NZ", "IN",
];
const LANGUAGES: &[&str] = &[
    "en", "en-US", "en-GB", "en-CA", "en-AU", "en-IE", "en-NZ", "en-IN", "de", "de-DE", "es",
    "es-ES", "es-US", "fr", "fr-FR", "fr-CA", "ja", "ja-JP",
];
const CONTACTS: &[&str] = &[
    "phone_call",
    "popup",
    "email",
    "sms",
    "search_result",
    "social_media",
    "other",
];
const TOOLS: &[&str] = &[
    "AnyDesk",
    "TeamViewer",
    "UltraViewer",
    "RustDesk",
    "ScreenConnect",
    "LogMeIn",
    "Quick Assist",
];
const METHODS: &[&str] = &[
    "gift_card",
    "wire_transfer",
    "bank_transfer",
    "crypto",
    "credit_card",
    "cash",
    "payment_app",
    "other",
    "none",
];
const CURRENCIES: &[&str] = &["USD", "CAD", "GBP", "EUR", "AUD", "NZD", "JPY", "INR"];

fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn no_nulls(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Array(items) => items.iter().all(no_nulls),
        Value::Object(map) => map.values().all(no_nulls),
        _ => true,
    }
}

/// `^[0-9]{1,12}(\.[0-9]{1,2})?$`
fn amount_ok(amount: &str) -> bool {
    let (whole, fraction) = match amount.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (amount, None),
    };
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    digits(whole, 12) && fraction.is_none_or(|f| digits(f, 2))
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or("")
}

/// Everything the API's validator checks, and a bit more.
fn assert_valid(report: &Value) {
    let ctx = report.to_string();
    assert!(report.is_object(), "{ctx}");
    assert!(no_nulls(report), "null in {ctx}");
    let top = keys(report);
    assert!(
        top.iter().all(|k| TOP_LEVEL.contains(k)),
        "unknown field in {ctx}"
    );
    for required in ["country", "contact_method", "narrative"] {
        assert!(top.contains(required), "{required} missing in {ctx}");
    }
    assert!(COUNTRIES.contains(&str_of(report, "country")), "{ctx}");
    assert!(
        CONTACTS.contains(&str_of(report, "contact_method")),
        "{ctx}"
    );
    let narrative = str_of(report, "narrative");
    let chars = narrative.chars().count();
    assert!(
        (1..=20_000).contains(&chars),
        "narrative length {chars} in {ctx}"
    );
    if let Some(day) = report.get("occurred_on") {
        let day = day.as_str().unwrap_or("");
        assert!(
            day.len() == 10 && ("2024-01-01"..="2026-10-31").contains(&day),
            "{ctx}"
        );
        let parts: Vec<u32> = day.split('-').filter_map(|p| p.parse().ok()).collect();
        assert!(parts.len() == 3 && (1..=12).contains(&parts[1]) && (1..=31).contains(&parts[2]));
    }
    if let Some(language) = report.get("language") {
        assert!(
            LANGUAGES.contains(&language.as_str().unwrap_or("")),
            "{ctx}"
        );
    }
    if let Some(brand) = report.get("impersonated_brand") {
        assert!(
            brand.as_str().is_some_and(|b| !b.trim().is_empty()),
            "{ctx}"
        );
    }
    if let Some(scammer) = report.get("scammer") {
        let k = keys(scammer);
        assert!(!k.is_empty(), "{ctx}");
        for key in &k {
            assert!(
                ["phone_numbers", "websites", "emails", "names"].contains(key),
                "{ctx}"
            );
            let list = scammer[*key].as_array().map(Vec::as_slice).unwrap_or(&[]);
            assert!(!list.is_empty(), "{ctx}");
            assert!(
                list.iter()
                    .all(|v| v.as_str().is_some_and(|s| !s.is_empty())),
                "{ctx}"
            );
        }
    }
    if let Some(remote) = report.get("remote_access") {
        assert_eq!(keys(remote), BTreeSet::from(["tool", "id"]), "{ctx}");
        let tool = str_of(remote, "tool");
        assert!(TOOLS.contains(&tool), "{ctx}");
        let id: String = str_of(remote, "id")
            .chars()
            .filter(|c| *c != ' ' && *c != '-')
            .collect();
        match tool {
            "Quick Assist" => {
                assert!(id.len() == 6 && id.chars().all(|c| c.is_ascii_alphanumeric()))
            }
            "ScreenConnect" | "LogMeIn" => assert!(id.len() == 6),
            _ => assert!(
                (9..=10).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()),
                "{ctx}"
            ),
        }
    }
    if let Some(payment) = report.get("payment") {
        let k = keys(payment);
        assert!(
            k.iter()
                .all(|k| ["method", "amount", "currency", "details"].contains(k)),
            "{ctx}"
        );
        let method = str_of(payment, "method");
        assert!(METHODS.contains(&method), "{ctx}");
        if method == "none" {
            assert!(!k.contains("amount") && !k.contains("currency"), "{ctx}");
        } else {
            let amount = str_of(payment, "amount");
            let currency = str_of(payment, "currency");
            assert!(amount_ok(amount), "amount {amount:?} in {ctx}");
            assert!(CURRENCIES.contains(&currency), "{ctx}");
            if currency == "JPY" {
                assert!(!amount.contains('.'), "{ctx}");
            }
        }
        if let Some(details) = payment.get("details") {
            assert!(details.as_str().is_some_and(|d| !d.is_empty()), "{ctx}");
        }
    }
    if let Some(reporter) = report.get("reporter") {
        let k = keys(reporter);
        assert!(!k.is_empty(), "{ctx}");
        assert!(
            k.iter()
                .all(|k| ["name", "email", "phone", "may_contact"].contains(k)),
            "{ctx}"
        );
        if let Some(email) = reporter.get("email") {
            let email = email.as_str().unwrap_or("");
            assert!(
                ["@example.com", "@example.net", "@example.org"]
                    .iter()
                    .any(|d| email.ends_with(d)),
                "{ctx}"
            );
            assert!(email.is_ascii(), "{ctx}");
        }
        if let Some(may) = reporter.get("may_contact") {
            assert!(may.is_boolean(), "{ctx}");
        }
        for key in ["name", "phone"] {
            if let Some(v) = reporter.get(key) {
                assert!(v.as_str().is_some_and(|s| !s.is_empty()), "{ctx}");
            }
        }
    }
}

/// The national significant number: what every written form of an E.164 number ends with.
fn significant(e164: &str) -> &str {
    ["+1", "+44", "+61", "+81"]
        .iter()
        .find_map(|cc| e164.strip_prefix(cc))
        .unwrap_or(e164)
}

fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

#[test]
fn every_report_is_valid() {
    for (seed, count) in [(1, 3_000), (2, 500), (u64::MAX, 200)] {
        for r in Demo::new(seed, count).reports() {
            assert_valid(&r.report);
        }
    }
}

#[test]
fn same_seed_same_bytes() {
    let a = serde_json::to_string(&generate(42, 2_000)).unwrap_or_default();
    let b = serde_json::to_string(&generate(42, 2_000)).unwrap_or_default();
    assert!(a.len() > 100_000);
    assert_eq!(a, b);
    let demo = Demo::new(42, 2_000);
    assert_eq!(demo.report(1_234), demo.reports().nth(1_234));
    assert_eq!(demo.report(2_000), None);
}

#[test]
fn different_seeds_differ() {
    let a = generate(1, 300);
    let b = generate(2, 300);
    assert_ne!(a, b);
    assert!(a.iter().zip(&b).filter(|(x, y)| x == y).count() < 5);
    assert_ne!(Demo::new(1, 300).operations, Demo::new(2, 300).operations);
}

#[test]
fn yields_exactly_the_requested_count() {
    for count in [0, 1, 2, 3, 7, 50, 333, 2_001] {
        let demo = Demo::new(9, count);
        assert_eq!(demo.reports().count(), count);
        assert_eq!(demo.len(), count);
        let planned: usize = demo.operations.iter().map(|o| o.size_hint).sum();
        assert_eq!(planned + demo.one_off_count() + demo.noise_count(), count);
    }
    assert!(Demo::new(9, 0).is_empty() && Demo::new(9, 0).operations.is_empty());
}

#[test]
fn ground_truth_matches_the_plan() {
    let demo = Demo::new(5, 4_000);
    let mut per_operation: BTreeMap<usize, usize> = BTreeMap::new();
    let mut loose = 0;
    for r in demo.reports() {
        match r.operation {
            Some(index) => {
                let op = &demo.operations[index];
                assert_eq!(op.index, index);
                *per_operation.entry(index).or_default() += 1;
                if let Some(day) = r.report["occurred_on"].as_str() {
                    assert!(
                        op.active_from.as_str() <= day && day <= op.active_until.as_str(),
                        "{day} outside {}..{}",
                        op.active_from,
                        op.active_until
                    );
                }
            }
            None => loose += 1,
        }
    }
    for op in &demo.operations {
        assert_eq!(
            per_operation.get(&op.index).copied().unwrap_or(0),
            op.size_hint
        );
        assert!(!op.phone_numbers.is_empty() && !op.domains.is_empty());
        assert!(!op.brands.is_empty() && !op.remote_access.is_empty());
    }
    assert_eq!(loose, demo.one_off_count() + demo.noise_count());
    // One-offs are 10-15% of reports, noise about 2%.
    let share = demo.one_off_count() as f64 / 4_000.0;
    assert!((0.095..=0.155).contains(&share), "{share}");
    assert_eq!(demo.noise_count(), 80);
}

#[test]
fn operations_are_few_and_skewed() {
    let demo = Demo::new(3, 5_000);
    let n = demo.operations.len();
    assert!((40..=80).contains(&n), "{n} operations");
    let mut sizes: Vec<usize> = demo.operations.iter().map(|o| o.size_hint).collect();
    sizes.sort_unstable();
    let median = sizes[n / 2];
    let largest = sizes[n - 1];
    assert!(largest >= 5 * median, "largest {largest}, median {median}");
    assert!(sizes[0] >= 2);
    assert_eq!(Demo::new(3, 2_000).operations.len(), 60);
    // Mostly Microsoft and Amazon.
    let ms_amazon = demo
        .operations
        .iter()
        .filter(|o| o.brands[0] == "Microsoft" || o.brands[0] == "Amazon")
        .count();
    assert!(ms_amazon * 2 > n, "{ms_amazon} of {n}");
}

#[test]
fn indicators_never_leak_between_operations_or_one_offs() {
    let demo = Demo::new(8, 5_000);
    let mut phones = BTreeSet::new();
    let mut domains = BTreeSet::new();
    let mut remote = BTreeSet::new();
    for op in &demo.operations {
        for p in &op.phone_numbers {
            assert!(
                p.starts_with('+') && p[1..].bytes().all(|b| b.is_ascii_digit()),
                "{p}"
            );
            assert!(phones.insert(p.clone()), "{p} shared");
        }
        for d in &op.domains {
            assert!(domains.insert(d.clone()), "{d} shared");
        }
        for r in &op.remote_access {
            assert!(remote.insert(r.1.clone()), "{r:?} shared");
        }
    }
    let significant_numbers: Vec<&str> = phones.iter().map(|p| significant(p)).collect();
    let mut one_off_numbers = BTreeSet::new();
    for r in demo.reports().filter(|r| r.operation.is_none()) {
        let listed = r.report["scammer"]["phone_numbers"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for p in listed {
            let d = digits_of(p.as_str().unwrap_or(""));
            assert!(
                !significant_numbers.iter().any(|n| d.ends_with(n)),
                "{d} is an operation's"
            );
            one_off_numbers.insert(d);
        }
        let sites = r.report["scammer"]["websites"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        for s in sites {
            let s = s.as_str().unwrap_or("").to_lowercase().replace("[.]", ".");
            assert!(!domains.iter().any(|d| s.contains(d.as_str())), "{s}");
        }
    }
    assert!(one_off_numbers.len() > 100);
}

#[test]
fn most_operation_reports_carry_an_operation_indicator() {
    let demo = Demo::new(4, 3_000);
    let (mut carrying, mut total) = (0, 0);
    for r in demo.reports() {
        let Some(index) = r.operation else { continue };
        let op = &demo.operations[index];
        total += 1;
        let mut texts = Vec::new();
        strings(&r.report, &mut texts);
        let found = texts.iter().any(|t| {
            let digits = digits_of(t);
            let plain = t.to_lowercase().replace("[.]", ".");
            op.phone_numbers
                .iter()
                .any(|p| digits.contains(significant(p)))
                || op.domains.iter().any(|d| plain.contains(d.as_str()))
                || op.remote_access.iter().any(|(_, id)| {
                    digits.contains(id.as_str()) || t.to_uppercase().contains(id.as_str())
                })
        });
        carrying += usize::from(found);
    }
    let share = carrying as f64 / total as f64;
    assert!((0.7..0.99).contains(&share), "{share}");
}

#[test]
fn victims_countries_languages_and_lures_are_mixed_as_in_the_field() {
    for seed in [1, 2, 3] {
        let reports: Vec<DemoReport> = Demo::new(seed, 5_000).reports().collect();
        let mut countries: BTreeMap<&str, usize> = BTreeMap::new();
        let mut contacts: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &reports {
            let country = str_of(&r.report, "country");
            *countries.entry(country).or_default() += 1;
            *contacts
                .entry(str_of(&r.report, "contact_method"))
                .or_default() += 1;
            if let Some(tag) = r.report["language"].as_str() {
                let primary = tag.split('-').next().unwrap_or("");
                let expected: &[&str] = match country {
                    "DE" => &["de"],
                    "JP" => &["ja"],
                    "ES" => &["es"],
                    "FR" => &["fr"],
                    "US" => &["en", "es"],
                    "CA" => &["en", "fr"],
                    _ => &["en"],
                };
                assert!(expected.contains(&primary), "{tag} from {country}");
                if primary == "ja" {
                    let narrative = str_of(&r.report, "narrative");
                    assert!(narrative.chars().any(|c| c > '\u{3000}'), "{narrative}");
                }
            }
        }
        let us = countries.get("US").copied().unwrap_or(0) as f64 / 5_000.0;
        assert!(
            (0.45..=0.75).contains(&us),
            "seed {seed}: US {us} {countries:?}"
        );
        for c in ["CA", "GB", "DE", "AU", "ES", "JP"] {
            assert!(
                countries.get(c).copied().unwrap_or(0) >= 10,
                "seed {seed}: {countries:?}"
            );
        }
        let dominant = contacts.get("popup").copied().unwrap_or(0)
            + contacts.get("phone_call").copied().unwrap_or(0);
        assert!(dominant * 2 > 5_000, "seed {seed}: {contacts:?}");
    }
}

#[test]
fn losses_have_a_long_tail_and_many_lost_nothing() {
    let reports = generate(6, 5_000);
    let mut usd: Vec<f64> = Vec::new();
    let mut nothing = 0;
    for r in &reports {
        match r["payment"]["method"].as_str() {
            None | Some("none") => nothing += 1,
            Some(_) if r["payment"]["currency"] == "USD" => {
                usd.push(str_of(&r["payment"], "amount").parse().unwrap_or(0.0));
            }
            Some(_) => {}
        }
    }
    usd.sort_by(f64::total_cmp);
    let median = usd[usd.len() / 2];
    let max = usd[usd.len() - 1];
    assert!((150.0..=3_000.0).contains(&median), "median {median}");
    assert!(max >= 10_000.0, "max {max}");
    assert!(nothing * 10 > reports.len() * 3, "{nothing} lost nothing");
}

#[test]
fn narratives_vary_in_length_and_wording() {
    let reports = generate(7, 2_000);
    let narratives: Vec<&str> = reports.iter().map(|r| str_of(r, "narrative")).collect();
    let distinct: BTreeSet<&str> = narratives.iter().copied().collect();
    assert!(distinct.len() > 1_800, "{} distinct", distinct.len());
    let short = narratives.iter().filter(|n| n.chars().count() < 80).count();
    let long = narratives.iter().filter(|n| n.contains("\n")).count();
    assert!(
        short > 100 && long > 300,
        "short {short}, multi-paragraph {long}"
    );
    let openings: BTreeSet<&str> = narratives
        .iter()
        .map(|n| n.split(['.', '!', '?', '。']).next().unwrap_or(""))
        .collect();
    assert!(openings.len() > 300);
}

#[test]
fn a_million_reports_are_planned_lazily() {
    let demo = Demo::new(11, 1_000_000);
    assert!((200..=300).contains(&demo.operations.len()));
    let planned: usize = demo.operations.iter().map(|o| o.size_hint).sum();
    assert_eq!(
        planned + demo.one_off_count() + demo.noise_count(),
        1_000_000
    );
    assert_eq!(demo.reports().take(200).count(), 200);
    let last = demo.report(999_999).map(|r| r.report);
    assert!(last.is_some_and(|r| r["narrative"].is_string()));
}

#[test]
fn a_hundred_thousand_reports_stream_through() {
    let demo = Demo::new(12, 100_000);
    let mut per_operation = vec![0usize; demo.operations.len()];
    let mut count = 0;
    for r in demo.reports() {
        count += 1;
        if let Some(index) = r.operation {
            per_operation[index] += 1;
        }
    }
    assert_eq!(count, 100_000);
    for op in &demo.operations {
        assert_eq!(per_operation[op.index], op.size_hint);
    }
}

/// The narrative's runs of digits, with the separators victims put inside a number removed and
/// letter O and full-width digits read as digits; anything else ends a run.
fn digit_runs(text: &str) -> Vec<String> {
    let mut runs = vec![String::new()];
    for c in text.chars() {
        match c {
            ' ' | '-' | '.' | '(' | ')' | '+' | '－' | '（' | '）' | '＋' => {}
            _ => {
                let d = digits_of(&c.to_string());
                match runs.last_mut() {
                    Some(run) if !d.is_empty() => run.push_str(&d),
                    _ => runs.push(String::new()),
                }
            }
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

#[test]
fn planted_phones_are_the_scammer_numbers_in_the_narrative() {
    let demo = Demo::new(9, 3_000);
    let mut with = 0;
    for r in demo.reports() {
        let narrative = str_of(&r.report, "narrative");
        let runs = digit_runs(narrative);
        for e164 in &r.planted_phones {
            assert!(
                e164.starts_with('+') && e164[1..].bytes().all(|b| b.is_ascii_digit()),
                "{e164}"
            );
            assert!(
                runs.iter().any(|run| run.contains(significant(e164))),
                "{e164} not in {narrative:?}"
            );
        }
        // And none is left out: an operation's number in the story is in the list.
        if let Some(index) = r.operation {
            for e164 in &demo.operations[index].phone_numbers {
                if runs.iter().any(|run| run.contains(significant(e164))) {
                    assert!(r.planted_phones.contains(e164), "{e164} in {narrative:?}");
                }
            }
        }
        with += usize::from(!r.planted_phones.is_empty());
    }
    // Most victims remember a number, and most of those quote it in the story.
    assert!(
        (900..2_400).contains(&with),
        "{with} narratives with a number"
    );
    assert_eq!(
        Demo::new(9, 3_000).report(17).map(|r| r.planted_phones),
        demo.report(17).map(|r| r.planted_phones)
    );
}
