//! The suite every backend passes: call [`run_all`] from the backend's tests with a fresh store.

use scamtrace_model::parse_report;
use serde_json::json;
use time::{Duration, OffsetDateTime};

use crate::*;

/// A valid report row, received `age` ago, built from API-shaped JSON.
pub fn row(input: serde_json::Value, age: Duration) -> NewReportRow {
    let report = parse_report(&input).unwrap_or_else(|e| panic!("fixture invalid: {e:?}"));
    let received_at = OffsetDateTime::now_utc() - age;
    NewReportRow {
        id: uuid::Uuid::now_v7().to_string(),
        received_at,
        source: Source::Api,
        report,
        reporter_sealed: None,
        indicators: Vec::new(),
        organization: None,
        reporter_keys: None,
        client_key: None,
    }
}

/// Runs every check, in order, against one empty store.
pub async fn run_all(store: &dyn Store) {
    empty_store(store).await;
    insert_and_read_back(store).await;
    references_are_unique_and_found(store).await;
    batch_insert(store).await;
    filters_and_pagination(store).await;
    free_text_search(store).await;
    hostile_text_is_stored_verbatim(store).await;
    tokens_sessions_and_audit(store).await;
    users_and_their_sessions(store).await;
    indicators_are_stored_and_found(store).await;
    value_decisions(store).await;
    verdict_decisions_and_watch_hits(store).await;
    independence_keys(store).await;
    cluster_events(store).await;
    partner_observations(store).await;
    taxii_collections_and_objects(store).await;
    partners_and_sync_state(store).await;
    users_are_listed_oldest_first(store).await;
    cases_and_their_events(store).await;
    case_packages(store).await;
}

async fn users_are_listed_oldest_first(store: &dyn Store) {
    let user = |id: &str, username: &str, created_at: OffsetDateTime| UserRecord {
        id: id.into(),
        username: username.into(),
        password_hash: phc(id),
        role: "analyst".into(),
        organization: Some("Referral desk".into()),
        created_at,
        disabled_at: None,
    };
    let early = time::macros::datetime!(2026-01-05 08:00:00.000001 UTC);
    let late = time::macros::datetime!(2026-12-01 08:00:00 UTC);
    // Inserted neither in id nor in time order; the two late ones share their instant.
    let triage = user("00000000-0000-7000-8000-0000000000b2", "triage.desk", late);
    let referrals = user(
        "00000000-0000-7000-8000-0000000000b3",
        "referrals.desk",
        early,
    );
    let liaison = user(
        "00000000-0000-7000-8000-0000000000b1",
        "agency.liaison",
        late,
    );
    for u in [&triage, &referrals, &liaison] {
        store.insert_user(u.clone()).await.unwrap();
    }
    let users = store.list_users().await.unwrap();
    let mut sorted = users.clone();
    sorted.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    assert_eq!(users, sorted, "by created_at, then id");
    assert_eq!(users.first(), Some(&referrals), "the oldest account first");
    let n = users.len();
    assert_eq!(users[n - 2..], [liaison, triage], "a tie goes by id");
}

fn case_record(id: &str, reference: &str, updated_at: OffsetDateTime) -> CaseRecord {
    CaseRecord {
        id: id.into(),
        reference: reference.into(),
        version: 1,
        status: "open".into(),
        agencies: Vec::new(),
        state: format!(r#"{{"id":"{id}","clusters":[17],"notes":[]}}"#),
        created_at: updated_at,
        updated_at,
    }
}

fn case_event(case: &CaseRecord, action: &str, data: &str) -> CaseEventRecord {
    CaseEventRecord {
        case_id: case.id.clone(),
        version: case.version,
        at: case.updated_at,
        actor: "fraud-desk-token".into(),
        action: action.into(),
        data: data.into(),
    }
}

fn case_audit(case: &CaseRecord, action: &str) -> AuditEvent {
    AuditEvent {
        at: case.updated_at,
        actor: "fraud-desk-token".into(),
        action: action.into(),
        subject: format!("case:{}", case.id),
        reason: None,
    }
}

async fn audit_count(store: &dyn Store) -> usize {
    store.list_audit(100_000).await.unwrap().len()
}

async fn cases_and_their_events(store: &dyn Store) {
    assert!(store.list_cases().await.unwrap().is_empty());
    assert!(store.get_case("no-such-case").await.unwrap().is_none());
    assert!(store.case_events("no-such-case").await.unwrap().is_empty());
    // Microseconds survive; the ids sort a, b, c.
    let t0 = time::macros::datetime!(2026-11-29 09:30:00.123456 UTC);
    let a = case_record(
        "00000000-0000-7000-8000-00000000c0a0",
        "CASE-2026-7KQ4M",
        t0,
    );
    let b = case_record(
        "00000000-0000-7000-8000-00000000c0b0",
        "CASE-2026-3HV8P",
        t0 + Duration::hours(1),
    );
    let c = case_record(
        "00000000-0000-7000-8000-00000000c0c0",
        "CASE-2026-9TX2D",
        t0 + Duration::hours(1),
    );
    let opened = |case: &CaseRecord| case_event(case, "case.opened", r#"{"clusters":[17]}"#);
    let audited = audit_count(store).await;
    for case in [&a, &c, &b] {
        store
            .create_case(case.clone(), opened(case), case_audit(case, "case.open"))
            .await
            .unwrap();
    }
    assert_eq!(audit_count(store).await, audited + 3);
    assert_eq!(
        store.list_audit(1).await.unwrap(),
        [case_audit(&b, "case.open")]
    );
    assert_eq!(store.get_case(&a.id).await.unwrap(), Some(a.clone()));
    assert_eq!(store.case_events(&a.id).await.unwrap(), [opened(&a)]);
    // Most recently updated first, a tie by id.
    assert_eq!(
        store.list_cases().await.unwrap(),
        [b.clone(), c.clone(), a.clone()]
    );

    // A taken id or reference is refused, and nothing of it is written: no case, event or audit.
    let same_id = case_record(&a.id, "CASE-2026-4RW7N", t0 + Duration::hours(2));
    let same_reference = case_record(
        "00000000-0000-7000-8000-00000000c0d0",
        &a.reference,
        t0 + Duration::hours(2),
    );
    for clash in [same_id, same_reference] {
        let result = store
            .create_case(
                clash.clone(),
                opened(&clash),
                case_audit(&clash, "case.open"),
            )
            .await;
        assert!(
            matches!(result, Err(StoreError::AlreadyExists(_))),
            "{result:?}"
        );
    }
    assert!(
        store
            .get_case("00000000-0000-7000-8000-00000000c0d0")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .case_events("00000000-0000-7000-8000-00000000c0d0")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.get_case(&a.id).await.unwrap(), Some(a.clone()));
    assert_eq!(store.case_events(&a.id).await.unwrap(), [opened(&a)]);
    assert_eq!(store.list_cases().await.unwrap().len(), 3);
    assert_eq!(audit_count(store).await, audited + 3);

    // A change over the stored version goes in and bumps it; the reference and creation stay.
    let referred = CaseRecord {
        version: 2,
        status: "referred".into(),
        agencies: vec!["CERT Example".into(), "Polizei Cyber-Einheit Süd".into()],
        state: r#"{"status":"referred","note":"caller ID spoofed as \"Microsoft\""}"#.into(),
        updated_at: t0 + Duration::hours(2) + Duration::microseconds(1),
        ..a.clone()
    };
    let referral = CaseEventRecord {
        at: referred.updated_at,
        actor: "user-0000-analyst".into(),
        ..case_event(
            &referred,
            "case.status",
            r#"{"from":"open","to":"referred","agencies":["CERT Example"]}"#,
        )
    };
    store
        .update_case(
            CaseRecord {
                reference: "CASE-2026-CHANGED".into(),
                created_at: t0 + Duration::days(1),
                ..referred.clone()
            },
            referral.clone(),
            case_audit(&referred, "case.status"),
        )
        .await
        .unwrap();
    assert_eq!(store.get_case(&a.id).await.unwrap(), Some(referred.clone()));
    assert_eq!(
        store.case_events(&a.id).await.unwrap(),
        [opened(&a), referral.clone()],
        "oldest first, every field as written"
    );
    assert_eq!(audit_count(store).await, audited + 4);
    assert_eq!(
        store.list_cases().await.unwrap(),
        [referred.clone(), b.clone(), c.clone()]
    );

    // Another writer that read version 1 (or that skips a version) loses, and writes nothing.
    for stale_version in [2, 4] {
        let stale = CaseRecord {
            version: stale_version,
            status: "closed".into(),
            updated_at: t0 + Duration::hours(3),
            ..a.clone()
        };
        let result = store
            .update_case(
                stale.clone(),
                case_event(&stale, "case.status", r#"{"to":"closed"}"#),
                case_audit(&stale, "case.status"),
            )
            .await;
        assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
    }
    assert_eq!(store.get_case(&a.id).await.unwrap(), Some(referred.clone()));
    assert_eq!(store.case_events(&a.id).await.unwrap().len(), 2);
    assert_eq!(audit_count(store).await, audited + 4);

    // An event of another case or version is refused before anything is written.
    let next = CaseRecord {
        version: 3,
        updated_at: t0 + Duration::hours(3),
        ..referred.clone()
    };
    for wrong in [
        CaseEventRecord {
            version: 2,
            ..case_event(&next, "case.note", "{}")
        },
        CaseEventRecord {
            case_id: b.id.clone(),
            ..case_event(&next, "case.note", "{}")
        },
    ] {
        assert!(
            store
                .update_case(next.clone(), wrong, case_audit(&next, "case.note"))
                .await
                .is_err()
        );
    }
    assert_eq!(store.get_case(&a.id).await.unwrap(), Some(referred.clone()));
    assert_eq!(store.case_events(&b.id).await.unwrap(), [opened(&b)]);

    // No such case.
    let missing = CaseRecord {
        version: 2,
        ..case_record(
            "00000000-0000-7000-8000-00000000c0e0",
            "CASE-2026-6MZ5K",
            t0,
        )
    };
    let result = store
        .update_case(
            missing.clone(),
            case_event(&missing, "case.note", "{}"),
            case_audit(&missing, "case.note"),
        )
        .await;
    assert!(matches!(result, Err(StoreError::NotFound(_))), "{result:?}");
    assert!(store.case_events(&missing.id).await.unwrap().is_empty());
    assert_eq!(audit_count(store).await, audited + 4);

    // Writers racing from the same version: exactly one wins, the others write nothing.
    let racers = (0..6).map(|i| {
        let noted = CaseRecord {
            version: 3,
            state: format!(r#"{{"note":"racer {i}"}}"#),
            updated_at: t0 + Duration::hours(4),
            ..referred.clone()
        };
        let event = case_event(&noted, "case.note", &format!(r#"{{"racer":{i}}}"#));
        let audit = case_audit(&noted, "case.note");
        store.update_case(noted, event, audit)
    });
    let results = join_all(racers.collect()).await;
    let won: Vec<usize> = (0..results.len()).filter(|i| results[*i].is_ok()).collect();
    assert_eq!(won.len(), 1, "{results:?}");
    assert!(
        results
            .iter()
            .all(|r| matches!(r, Ok(()) | Err(StoreError::Conflict(_)))),
        "{results:?}"
    );
    let winner = format!(r#"{{"note":"racer {}"}}"#, won[0]);
    let stored = store.get_case(&a.id).await.unwrap().unwrap();
    assert_eq!((stored.version, stored.state), (3, winner));
    let events = store.case_events(&a.id).await.unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events[2].data, format!(r#"{{"racer":{}}}"#, won[0]));
    assert_eq!(audit_count(store).await, audited + 5);
}

/// Runs futures side by side in the calling task (the suite has no runtime of its own) and gives
/// their outputs in order.
async fn join_all<T>(
    futures: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + '_>>>,
) -> Vec<T> {
    let mut futures = futures;
    let mut outputs: Vec<Option<T>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none()
                && let std::task::Poll::Ready(value) = future.as_mut().poll(cx)
            {
                *output = Some(value);
            }
        }
        if outputs.iter().all(Option::is_some) {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

async fn case_packages(store: &dyn Store) {
    let t0 = time::macros::datetime!(2026-11-30 14:00:00.654321 UTC);
    let case = case_record(
        "00000000-0000-7000-8000-00000000c1a0",
        "CASE-2026-2PF6W",
        t0,
    );
    let other = case_record(
        "00000000-0000-7000-8000-00000000c1b0",
        "CASE-2026-8JN3R",
        t0,
    );
    for c in [&case, &other] {
        store
            .create_case(
                c.clone(),
                case_event(c, "case.opened", "{}"),
                case_audit(c, "case.open"),
            )
            .await
            .unwrap();
    }
    assert!(store.case_packages(&case.id).await.unwrap().is_empty());
    // A zip's bytes: NUL bytes, bytes that are not UTF-8, a few hundred KB.
    let zip = |seed: u8, len: usize| -> Vec<u8> {
        let mut bytes: Vec<u8> = b"PK\x03\x04\x00\x00\xff\xfe".to_vec();
        bytes.extend((0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
        bytes
    };
    let package =
        |id: &str, case: &CaseRecord, minutes: i64, personal_data: bool, bytes: Vec<u8>| {
            CasePackage {
                info: CasePackageInfo {
                    id: id.into(),
                    case_id: case.id.clone(),
                    recipient: "CERT Example".into(),
                    personal_data,
                    exported_by: "user-0000-analyst".into(),
                    exported_at: t0 + Duration::minutes(minutes),
                    sha256: format!("{:064x}", bytes.len()),
                    size: bytes.len() as i64,
                },
                bytes,
            }
        };
    let first = package(
        "00000000-0000-7000-8000-00000000d0a0",
        &case,
        10,
        true,
        zip(7, 300_000),
    );
    let second = package(
        "00000000-0000-7000-8000-00000000d0b0",
        &case,
        20,
        false,
        zip(0, 1_000),
    );
    let elsewhere = package(
        "00000000-0000-7000-8000-00000000d0c0",
        &other,
        30,
        false,
        vec![0],
    );
    let audited = audit_count(store).await;
    for p in [&first, &second, &elsewhere] {
        let audit = AuditEvent {
            at: p.info.exported_at,
            actor: p.info.exported_by.clone(),
            action: "case.package.export".into(),
            subject: format!("case:{}", p.info.case_id),
            reason: Some(format!("package {}", p.info.id)),
        };
        store
            .insert_case_package(p.clone(), audit.clone())
            .await
            .unwrap();
        assert_eq!(store.list_audit(1).await.unwrap(), [audit]);
    }
    assert_eq!(audit_count(store).await, audited + 3);
    // Listed without bytes, newest first, only the case's own.
    assert_eq!(
        store.case_packages(&case.id).await.unwrap(),
        [second.info.clone(), first.info.clone()]
    );
    assert_eq!(
        store.case_packages(&other.id).await.unwrap(),
        std::slice::from_ref(&elsewhere.info)
    );
    // The bytes come back exactly.
    let stored = store.case_package(&first.info.id).await.unwrap().unwrap();
    assert_eq!(stored.bytes.len(), 300_008);
    assert!(stored == first, "the 300 KB package differs once stored");
    assert_eq!(
        store.case_package(&elsewhere.info.id).await.unwrap(),
        Some(elsewhere.clone())
    );
    assert!(
        store
            .case_package("00000000-0000-7000-8000-00000000d0ff")
            .await
            .unwrap()
            .is_none()
    );

    // A package of no case, or under a taken id, is refused with nothing written.
    let orphan = CasePackage {
        info: CasePackageInfo {
            id: "00000000-0000-7000-8000-00000000d0d0".into(),
            case_id: "00000000-0000-7000-8000-00000000c1ff".into(),
            ..second.info.clone()
        },
        ..second.clone()
    };
    let result = store
        .insert_case_package(orphan.clone(), case_audit(&case, "case.package.export"))
        .await;
    assert!(matches!(result, Err(StoreError::NotFound(_))), "{result:?}");
    assert!(store.case_package(&orphan.info.id).await.unwrap().is_none());
    let again = CasePackage {
        bytes: vec![1, 2, 3],
        ..first.clone()
    };
    assert!(
        store
            .insert_case_package(again, case_audit(&case, "case.package.export"))
            .await
            .is_err()
    );
    assert!(store.case_package(&first.info.id).await.unwrap().unwrap() == first);
    assert_eq!(audit_count(store).await, audited + 3);
    assert_eq!(store.case_packages(&case.id).await.unwrap().len(), 2);
}

async fn taxii_collections_and_objects(store: &dyn Store) {
    let defaults = store.taxii_collections().await.unwrap();
    assert_eq!(defaults.len(), 2, "every store starts with two collections");
    assert!(
        defaults
            .iter()
            .any(|c| c.publishes.as_deref() == Some("operations"))
    );
    let c = TaxiiCollection {
        id: "91a7b528-80eb-42ed-a74d-c6fbd5a26116".into(),
        title: "Conformance".into(),
        description: None,
        tlp: "TLP:GREEN".into(),
        audience: Some("Partner bank".into()),
        partner_read: true,
        partner_write: true,
        publishes: None,
    };
    store.upsert_taxii_collection(c.clone()).await.unwrap();
    let changed = TaxiiCollection {
        title: "Conformance, renamed".into(),
        ..c.clone()
    };
    store
        .upsert_taxii_collection(changed.clone())
        .await
        .unwrap();
    let all = store.taxii_collections().await.unwrap();
    assert_eq!(all.len(), 3);
    assert!(all.contains(&changed));

    let object = |id: &str, version: i64, tlp: &str| NewTaxiiObject {
        id: id.into(),
        version,
        object_type: id.split("--").next().unwrap().into(),
        spec_version: "2.1".into(),
        tlp: tlp.into(),
        audience: (tlp == "TLP:AMBER+STRICT").then(|| "Partner bank".into()),
        added_by: None,
        body: format!(r#"{{"id":"{id}","v":{version}}}"#),
    };
    let a = "indicator--00000000-0000-4000-8000-00000000000a";
    let b = "campaign--00000000-0000-4000-8000-00000000000b";
    let r = "indicator--00000000-0000-4000-8000-00000000000c";
    let s = "indicator--00000000-0000-4000-8000-00000000000d";
    let added = store
        .add_taxii_objects(
            &c.id,
            vec![
                object(a, 2_000, "TLP:GREEN"),
                object(b, 5_000, "TLP:AMBER"),
                object(r, 1_000, "TLP:RED"),
                object(s, 1_000, "TLP:AMBER+STRICT"),
                object(a, 2_000, "TLP:GREEN"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(added[4], Added::Duplicate, "the same id and version twice");
    let dates: Vec<i64> = added[..4]
        .iter()
        .map(|x| match x {
            Added::New(at) => *at,
            Added::Duplicate => panic!("{x:?}"),
        })
        .collect();
    assert!(dates.windows(2).all(|w| w[0] < w[1]), "{dates:?}");
    // An older and a newer version of `a`, in a later request.
    let more = store
        .add_taxii_objects(
            &c.id,
            vec![object(a, 1_000, "TLP:GREEN"), object(a, 3_000, "TLP:GREEN")],
        )
        .await
        .unwrap();
    assert!(matches!(more[0], Added::New(at) if at > dates[3]));

    let query = |reader: Reader, versions: VersionFilter| TaxiiQuery {
        collection: c.id.clone(),
        reader,
        added_after: None,
        ids: Vec::new(),
        types: Vec::new(),
        versions,
        spec_versions: Vec::new(),
        limit: 100,
    };
    let seen = |objects: Vec<TaxiiObject>| -> Vec<(String, i64)> {
        objects.into_iter().map(|o| (o.id, o.version)).collect()
    };
    let local = store
        .taxii_objects(&query(Reader::Local, VersionFilter::Last))
        .await
        .unwrap();
    assert_eq!(
        seen(local),
        [
            (b.to_string(), 5_000),
            (r.to_string(), 1_000),
            (s.to_string(), 1_000),
            (a.to_string(), 3_000)
        ]
    );
    let first = store
        .taxii_objects(&query(Reader::Local, VersionFilter::First))
        .await
        .unwrap();
    assert!(seen(first).contains(&(a.to_string(), 1_000)));
    let all = store
        .taxii_objects(&query(Reader::Local, VersionFilter::All))
        .await
        .unwrap();
    assert_eq!(all.len(), 6);
    assert!(all.windows(2).all(|w| w[0].date_added < w[1].date_added));
    assert_eq!(all[0].body, format!(r#"{{"id":"{a}","v":2000}}"#));
    let some = store
        .taxii_objects(&query(
            Reader::Local,
            VersionFilter::Some {
                versions: vec![2_000],
                last: false,
                first: true,
            },
        ))
        .await
        .unwrap();
    assert_eq!(
        seen(some).into_iter().filter(|(id, _)| id == a).count(),
        2,
        "a's 2000 and its first"
    );

    // Partners never see TLP:RED; TLP:AMBER+STRICT only the named organization does.
    let bank = store
        .taxii_objects(&query(
            Reader::Partner("PARTNER BANK".into()),
            VersionFilter::Last,
        ))
        .await
        .unwrap();
    assert_eq!(
        seen(bank),
        [
            (b.to_string(), 5_000),
            (s.to_string(), 1_000),
            (a.to_string(), 3_000)
        ]
    );
    let other = store
        .taxii_objects(&query(
            Reader::Partner("Another firm".into()),
            VersionFilter::Last,
        ))
        .await
        .unwrap();
    assert_eq!(
        seen(other),
        [(b.to_string(), 5_000), (a.to_string(), 3_000)]
    );

    // A page in one piece is the same objects, joined, with whether more follow.
    for (limit, reader) in [
        (2, Reader::Local),
        (100, Reader::Local),
        (2, Reader::Partner("Partner bank".into())),
    ] {
        let mut q = query(reader, VersionFilter::All);
        q.limit = limit;
        let rows = store.taxii_objects(&q).await.unwrap();
        let page = store.taxii_page(&q).await.unwrap();
        let bodies: Vec<&str> = rows.iter().map(|o| o.body.as_str()).collect();
        assert_eq!(page.joined, bodies.join(","));
        assert_eq!(page.count as usize, rows.len());
        assert_eq!(page.first_added, rows.first().map(|o| o.date_added));
        assert_eq!(page.last_added, rows.last().map(|o| o.date_added));
        q.limit = limit + 1;
        assert_eq!(
            page.more,
            store.taxii_objects(&q).await.unwrap().len() > rows.len()
        );
    }
    let mut none = query(Reader::Local, VersionFilter::All);
    none.types = vec!["nothing".into()];
    assert_eq!(store.taxii_page(&none).await.unwrap(), TaxiiPage::default());

    // Filters and paging.
    let mut q = query(Reader::Local, VersionFilter::All);
    q.types = vec!["campaign".into()];
    assert_eq!(store.taxii_objects(&q).await.unwrap().len(), 1);
    let mut q = query(Reader::Local, VersionFilter::All);
    q.ids = vec![a.into()];
    q.limit = 2;
    let page = store.taxii_objects(&q).await.unwrap();
    assert_eq!(page.len(), 2);
    q.added_after = Some(page[1].date_added);
    let rest = store.taxii_objects(&q).await.unwrap();
    assert_eq!(seen(rest), [(a.to_string(), 3_000)]);
    let mut q = query(Reader::Local, VersionFilter::All);
    q.spec_versions = vec!["2.0".into()];
    assert!(store.taxii_objects(&q).await.unwrap().is_empty());

    // Deleting the newest version makes the one before it the latest.
    let deleted = store
        .delete_taxii_object(
            &c.id,
            a,
            &VersionFilter::Some {
                versions: vec![3_000],
                last: false,
                first: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    let mut q = query(Reader::Local, VersionFilter::Last);
    q.ids = vec![a.into()];
    assert_eq!(
        seen(store.taxii_objects(&q).await.unwrap()),
        [(a.to_string(), 2_000)]
    );
    assert_eq!(
        store
            .delete_taxii_object(&c.id, a, &VersionFilter::All)
            .await
            .unwrap(),
        2
    );
    q.versions = VersionFilter::All;
    assert!(store.taxii_objects(&q).await.unwrap().is_empty());

    let status = TaxiiStatus {
        id: "0b0e1b9a-6a3f-4f77-9d1e-5a1c3e7d0001".into(),
        collection: c.id.clone(),
        requested_by: "token-1".into(),
        request_timestamp: 1_700_000_000_000_000,
        total_count: 2,
        successes: vec![serde_json::json!({"id": a, "version": "2026-01-01T00:00:00.000Z"})],
        failures: vec![serde_json::json!({"id": "x", "message": "no type"})],
    };
    store.insert_taxii_status(status.clone()).await.unwrap();
    assert_eq!(store.taxii_status(&status.id).await.unwrap(), Some(status));
    assert_eq!(store.taxii_status("missing").await.unwrap(), None);
}

async fn partners_and_sync_state(store: &dyn Store) {
    let at = time::macros::datetime!(2026-11-28 12:00:00 UTC);
    let partner = PartnerRecord {
        name: "Partner Bank".into(),
        taxii_url: "https://taxii.example/api1/".into(),
        collection: "c1".into(),
        push_collection: Some("c2".into()),
        credentials_sealed: vec![1, 2, 3],
        pulled_through: None,
        pushed_through: 0,
        last_sync_at: None,
        last_error: None,
        created_at: at,
    };
    store.upsert_partner(partner.clone()).await.unwrap();
    assert_eq!(
        store.partners().await.unwrap(),
        std::slice::from_ref(&partner)
    );
    let state = PartnerState {
        pulled_through: Some("2026-11-28T12:00:00.000001Z".into()),
        pushed_through: 42,
        last_sync_at: at,
        last_error: Some("timed out".into()),
    };
    assert!(
        store
            .set_partner_state("partner bank", state.clone())
            .await
            .unwrap()
    );
    assert!(
        !store
            .set_partner_state("nobody", state.clone())
            .await
            .unwrap()
    );
    let got = store.partners().await.unwrap().remove(0);
    assert_eq!(got.pulled_through, state.pulled_through);
    assert_eq!((got.pushed_through, got.last_sync_at), (42, Some(at)));
    // Same server and collections: the state stays; another collection: it starts over.
    store
        .upsert_partner(PartnerRecord {
            credentials_sealed: vec![4],
            ..partner.clone()
        })
        .await
        .unwrap();
    let got = store.partners().await.unwrap().remove(0);
    assert_eq!((got.pushed_through, got.credentials_sealed), (42, vec![4]));
    assert!(got.pulled_through.is_some());
    store
        .upsert_partner(PartnerRecord {
            collection: "c3".into(),
            ..partner
        })
        .await
        .unwrap();
    let got = store.partners().await.unwrap().remove(0);
    assert_eq!(got.pulled_through, None);
    assert_eq!(got.pushed_through, 42, "the push collection did not change");
}

async fn partner_observations(store: &dyn Store) {
    let at = time::macros::datetime!(2026-11-28 12:00:00 UTC);
    let observation =
        |stix_id: &str, version: &str, campaign: &str, value: &str| PartnerObservation {
            seq: 0,
            node: format!("node-{campaign}"),
            partner: "Example Bank".into(),
            partner_identity: "identity--0f2b2b6e-4f0a-4a43-9f7e-1b2d3c4d5e6f".into(),
            stix_id: stix_id.into(),
            version: version.into(),
            campaign: campaign.into(),
            kind: "phone".into(),
            value: value.into(),
            sightings: Some(12),
            first_seen: Some(at - Duration::days(30)),
            last_seen: Some(at),
            tlp: Some("TLP:AMBER".into()),
            received_at: at,
        };
    let first = vec![
        observation(
            "indicator--1",
            "2026-11-01T00:00:00.000Z",
            "campaign--a",
            "+18885550142",
        ),
        observation(
            "indicator--1",
            "2026-11-01T00:00:00.000Z",
            "campaign--b",
            "+18885550142",
        ),
        observation(
            "indicator--2",
            "2026-11-01T00:00:00.000Z",
            "",
            "+18885550143",
        ),
    ];
    assert_eq!(store.insert_observations(first.clone()).await.unwrap(), 3);
    assert_eq!(
        store.insert_observations(first.clone()).await.unwrap(),
        0,
        "a replay changes nothing"
    );
    assert_eq!(
        store
            .observation_campaigns(&[
                "indicator--1".into(),
                "indicator--2".into(),
                "indicator--9".into()
            ])
            .await
            .unwrap(),
        [
            ("indicator--1".to_string(), "campaign--a".to_string()),
            ("indicator--1".to_string(), "campaign--b".to_string())
        ]
    );
    let mut newer = observation(
        "indicator--1",
        "2026-11-20T00:00:00.000Z",
        "campaign--a",
        "+18885550142",
    );
    newer.sightings = None;
    newer.first_seen = None;
    newer.tlp = None;
    assert_eq!(
        store
            .insert_observations(vec![newer.clone()])
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.insert_observations(Vec::new()).await.unwrap(), 0);
    let found = store
        .observations_of("phone", "+18885550142")
        .await
        .unwrap();
    assert_eq!(found.len(), 3);
    let without_seq = |mut o: PartnerObservation| {
        assert!(o.seq > 0, "stored rows have their feed position");
        o.seq = 0;
        o
    };
    let found: Vec<PartnerObservation> = found.into_iter().map(without_seq).collect();
    assert!(found.contains(&first[0]) && found.contains(&first[1]) && found.contains(&newer));
    // The feed: in order, after a position, limited.
    let feed = store.observations_after(0, 100).await.unwrap();
    assert_eq!(feed.len(), 4);
    assert!(feed.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(
        store.observations_after(feed[1].seq, 1).await.unwrap()[0].seq,
        feed[2].seq
    );
    let campaign_a = store
        .observations_of_campaign(
            "identity--0f2b2b6e-4f0a-4a43-9f7e-1b2d3c4d5e6f",
            "campaign--a",
        )
        .await
        .unwrap();
    assert_eq!(campaign_a.len(), 2, "both versions");
    assert!(
        store
            .observations_of_campaign("identity--other", "campaign--a")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .observations_of("phone", "+1")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .observations_of("email", "+18885550143")
            .await
            .unwrap()
            .is_empty()
    );
}

async fn cluster_events(store: &dyn Store) {
    let at = time::macros::datetime!(2026-11-28 12:00:00 UTC);
    let event = |kind: &str, cluster: i64, other: &str, by_report: Option<i64>| ClusterEvent {
        kind: kind.into(),
        cluster,
        other: other.into(),
        by_report,
        at,
    };
    store
        .append_cluster_events(vec![
            event("merged", 1, "5", Some(9)),
            event("split", 1, "1,7", None),
            event("merged", 2, "3", Some(4)),
        ])
        .await
        .unwrap();
    // The same merge seen by another process is kept once.
    store
        .append_cluster_events(vec![event("merged", 1, "5", Some(10))])
        .await
        .unwrap();
    store.append_cluster_events(Vec::new()).await.unwrap();
    let of_one = store.cluster_events(1, 10).await.unwrap();
    assert_eq!(of_one.len(), 2);
    assert_eq!(of_one[0].by_report.or(of_one[1].by_report), Some(9));
    let of_five = store.cluster_events(5, 10).await.unwrap();
    assert_eq!(of_five, vec![event("merged", 1, "5", Some(9))]);
    assert_eq!(store.cluster_events(3, 10).await.unwrap().len(), 1);
    assert!(store.cluster_events(42, 10).await.unwrap().is_empty());
}

async fn value_decisions(store: &dyn Store) {
    assert!(store.list_value_decisions().await.unwrap().is_empty());
    let at = time::macros::datetime!(2026-11-28 12:00:00 UTC);
    let decision = |value: &str, decision: &str| ValueDecision {
        kind: "domain".into(),
        value: value.into(),
        decision: decision.into(),
        reason: "a payment provider's checkout page".into(),
        decided_by: "token-1".into(),
        decided_at: at,
    };
    store
        .set_value_decision(decision("pay.example", "not_linking"))
        .await
        .unwrap();
    store
        .set_value_decision(decision("a.example", "linking"))
        .await
        .unwrap();
    // Deciding again replaces.
    store
        .set_value_decision(decision("pay.example", "linking"))
        .await
        .unwrap();
    let listed = store.list_value_decisions().await.unwrap();
    assert_eq!(
        listed,
        vec![
            decision("a.example", "linking"),
            decision("pay.example", "linking")
        ]
    );
    store
        .delete_value_decision("domain", "a.example")
        .await
        .unwrap();
    store
        .delete_value_decision("domain", "never.example")
        .await
        .unwrap();
    assert_eq!(store.list_value_decisions().await.unwrap().len(), 1);
    // A value the database refuses (not a known decision) leaves the table as it was.
    assert!(
        store
            .set_value_decision(decision("b.example", "maybe"))
            .await
            .is_err()
    );
    assert_eq!(store.list_value_decisions().await.unwrap().len(), 1);
}

async fn verdict_decisions_and_watch_hits(store: &dyn Store) {
    assert!(store.list_verdict_decisions().await.unwrap().is_empty());
    assert!(store.watch_hits().await.unwrap().is_empty());
    let at = time::macros::datetime!(2026-11-28 12:00:00 UTC);
    let decision = |value: &str, decision: &str| VerdictDecision {
        kind: "phone".into(),
        value: value.into(),
        decision: decision.into(),
        reason: "the bank's real fraud line".into(),
        decided_by: "token-1".into(),
        decided_at: at,
    };
    let audit = |subject: &str| AuditEvent {
        at,
        actor: "token-1".into(),
        action: "verdict.decide".into(),
        subject: subject.into(),
        reason: Some("the bank's real fraud line".into()),
    };
    let before = store.list_audit(1000).await.unwrap().len();
    store
        .set_verdict_decision(
            decision("+18005550100", "cleared"),
            audit("phone:+18005550100"),
        )
        .await
        .unwrap();
    store
        .set_verdict_decision(
            decision("+18885550142", "confirmed"),
            audit("phone:+18885550142"),
        )
        .await
        .unwrap();
    // Deciding again replaces; each decision is audited.
    store
        .set_verdict_decision(
            decision("+18005550100", "expired"),
            audit("phone:+18005550100"),
        )
        .await
        .unwrap();
    assert_eq!(
        store.list_verdict_decisions().await.unwrap(),
        vec![
            decision("+18005550100", "expired"),
            decision("+18885550142", "confirmed")
        ]
    );
    assert_eq!(store.list_audit(1000).await.unwrap().len(), before + 3);
    // A decision the database refuses leaves the decisions and the audit log as they were.
    assert!(
        store
            .set_verdict_decision(
                decision("+18885550199", "blocked"),
                audit("phone:+18885550199")
            )
            .await
            .is_err()
    );
    assert_eq!(store.list_verdict_decisions().await.unwrap().len(), 2);
    assert_eq!(store.list_audit(1000).await.unwrap().len(), before + 3);

    let hit = |domain: &str, score: u8, first: i64, last: i64| WatchHit {
        domain: domain.into(),
        score,
        brand: Some("microsoft".into()),
        family: "lookalike".into(),
        reasons: r#"[{"code":"confusable"}]"#.into(),
        first_seen: at + Duration::days(first),
        last_seen: at + Duration::days(last),
    };
    assert_eq!(
        store
            .record_watch_hits(vec![
                hit("rnicrosoft.com", 90, 0, 0),
                hit("carehelp.live", 70, 0, 0)
            ])
            .await
            .unwrap(),
        2
    );
    // Seen again later (and, from an older log, earlier): the span widens, the score is new.
    store
        .record_watch_hits(vec![hit("rnicrosoft.com", 95, 3, 3)])
        .await
        .unwrap();
    store
        .record_watch_hits(vec![hit("rnicrosoft.com", 95, -2, -2)])
        .await
        .unwrap();
    let hits = store.watch_hits().await.unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0], hit("carehelp.live", 70, 0, 0));
    assert_eq!(hits[1], hit("rnicrosoft.com", 95, -2, 3));
}

async fn independence_keys(store: &dyn Store) {
    let mut r = row(
        json!({"country": "US", "contact_method": "phone_call", "narrative": "They called me."}),
        Duration::hours(1),
    );
    r.reporter_keys = Some("00112233445566778899aabbccddeeff".into());
    r.client_key = Some("ffeeddccbbaa99887766554433221100".into());
    let id = r.id.clone();
    store.insert_report(r).await.unwrap();
    let facts = store.report_facts(0, 100_000).await.unwrap();
    let f = facts.iter().find(|f| f.id == id).unwrap();
    assert_eq!(
        f.reporter_keys.as_deref(),
        Some("00112233445566778899aabbccddeeff")
    );
    assert_eq!(
        f.client_key.as_deref(),
        Some("ffeeddccbbaa99887766554433221100")
    );
}

async fn empty_store(store: &dyn Store) {
    assert_eq!(
        store.count_reports().await.unwrap(),
        0,
        "the suite needs an empty store"
    );
    store.ping().await.unwrap();
    assert!(
        store
            .get_report(&uuid::Uuid::now_v7().to_string())
            .await
            .unwrap()
            .is_none()
    );
    let page = store.list_reports(&ReportFilter::default()).await.unwrap();
    assert!(page.items.is_empty() && page.next_cursor.is_none());
}

async fn insert_and_read_back(store: &dyn Store) {
    let mut r = row(
        json!({
            "occurred_on": "2026-10-01", "country": "US", "language": "en-US",
            "contact_method": "phone_call", "impersonated_brand": "micro soft",
            "scammer": {"phone_numbers": ["1-888-555-0142"], "websites": ["ms-help[.]example"]},
            "remote_access": {"tool": "AnyDesk", "id": "123 456 789"},
            "payment": {"method": "gift_card", "amount": "500.00", "currency": "USD"},
            "narrative": "They called about a virus.",
        }),
        Duration::ZERO,
    );
    r.reporter_sealed = Some(vec![1, 2, 3, 0, 255]);
    r.organization = Some("CERT Example".into());
    let stored_ref = store.insert_report(r.clone()).await.unwrap();
    assert_eq!(stored_ref.id, r.id);
    assert!(
        stored_ref.reference.starts_with("TSS-"),
        "{}",
        stored_ref.reference
    );

    let got = store.get_report(&r.id).await.unwrap().expect("stored");
    assert_eq!(got.reference, stored_ref.reference);
    assert_eq!(got.country, "US");
    assert_eq!(got.language.as_deref(), Some("en-US"));
    assert_eq!(got.occurred_on.as_deref(), Some("2026-10-01"));
    assert_eq!(got.contact_method, "phone_call");
    assert_eq!(
        got.impersonated_brand
            .as_ref()
            .unwrap()
            .brand
            .as_ref()
            .unwrap()
            .slug,
        "microsoft"
    );
    assert_eq!(got.impersonated_brand.unwrap().text, "micro soft");
    assert_eq!(got.details, r.details());
    assert_eq!(got.narrative, "They called about a virus.");
    assert_eq!(got.organization.as_deref(), Some("CERT Example"));
    assert_eq!(
        got.reporter_sealed.as_deref(),
        Some(&[1u8, 2, 3, 0, 255][..])
    );
    assert_eq!(got.source, Source::Api);
    assert_eq!(to_micros(got.received_at), to_micros(r.received_at));
    assert_eq!(store.count_reports().await.unwrap(), 1);
}

async fn references_are_unique_and_found(store: &dyn Store) {
    let mut refs = std::collections::HashSet::new();
    for i in 0..50 {
        let r = row(
            json!({"country": "GB", "contact_method": "email", "narrative": format!("n{i}")}),
            Duration::ZERO,
        );
        let s = store.insert_report(r).await.unwrap();
        assert!(refs.insert(s.reference.clone()), "duplicate reference");
        let by_ref = store
            .get_report_by_reference(&s.reference)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(by_ref.id, s.id);
    }
    assert!(
        store
            .get_report_by_reference("TSS-1999-00000")
            .await
            .unwrap()
            .is_none()
    );
}

async fn batch_insert(store: &dyn Store) {
    let before = store.count_reports().await.unwrap();
    let rows: Vec<_> = (0..300)
        .map(|i| row(json!({"country": "DE", "contact_method": "popup", "narrative": format!("batch {i}")}), Duration::ZERO))
        .collect();
    let ids: Vec<_> = rows.iter().map(|r| r.id.clone()).collect();
    let refs = store.insert_reports(rows).await.unwrap();
    assert_eq!(
        refs.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        ids,
        "input order"
    );
    assert_eq!(store.count_reports().await.unwrap(), before + 300);
    assert!(store.insert_reports(Vec::new()).await.unwrap().is_empty());
}

async fn filters_and_pagination(store: &dyn Store) {
    let fixtures = [
        ("FR", "popup", "Amazon", 10),
        ("FR", "sms", "Apple", 9),
        ("FR", "popup", "Microsoft", 8),
        ("FR", "popup", "Amazon", 2),
    ];
    let mut ids = Vec::new();
    for (country, method, brand, days) in fixtures {
        let r = row(
            json!({"country": country, "contact_method": method, "impersonated_brand": brand, "narrative": "filter fixture"}),
            Duration::days(days),
        );
        ids.push(r.id.clone());
        store.insert_report(r).await.unwrap();
    }
    let base = ReportFilter {
        country: Some("FR".into()),
        ..Default::default()
    };
    let all = store.list_reports(&base).await.unwrap();
    assert_eq!(all.items.len(), 4);
    // Newest id first.
    let listed: Vec<_> = all.items.iter().map(|r| r.id.clone()).collect();
    let mut expected = ids.clone();
    expected.reverse();
    assert_eq!(listed, expected);

    let amazon = store
        .list_reports(&ReportFilter {
            brand: Some("amazon".into()),
            ..base.clone()
        })
        .await
        .unwrap();
    assert_eq!(amazon.items.len(), 2);
    let popups = store
        .list_reports(&ReportFilter {
            contact_method: Some("popup".into()),
            ..base.clone()
        })
        .await
        .unwrap();
    assert_eq!(popups.items.len(), 3);
    let now = OffsetDateTime::now_utc();
    let recent = store
        .list_reports(&ReportFilter {
            since: Some(now - Duration::days(5)),
            ..base.clone()
        })
        .await
        .unwrap();
    assert_eq!(recent.items.len(), 1);
    let old = store
        .list_reports(&ReportFilter {
            until: Some(now - Duration::days(9) + Duration::hours(1)),
            ..base.clone()
        })
        .await
        .unwrap();
    assert_eq!(old.items.len(), 2);
    let none = store
        .list_reports(&ReportFilter {
            country: Some("JP".into()),
            brand: Some("amazon".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(none.items.iter().all(|r| r.country == "JP"));

    // Pages of 3 over everything walk every report exactly once.
    let total = store.count_reports().await.unwrap() as usize;
    let mut seen = std::collections::HashSet::new();
    let mut cursor = None;
    loop {
        let page = store
            .list_reports(&ReportFilter {
                limit: 3,
                cursor: cursor.clone(),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(page.items.len() <= 3);
        for r in &page.items {
            assert!(seen.insert(r.id.clone()), "report listed twice");
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), total);
}

async fn free_text_search(store: &dyn Store) {
    for text in [
        "The man said my Windows licence had EXPIRED and asked for gift cards",
        "ポップアップに「ウイルスに感染しました」と表示されました",
        "Er wollte 500 Euro in Steam-Karten",
        "100% legit_discount offer",
    ] {
        store
            .insert_report(row(
                json!({"country": "ES", "contact_method": "other", "narrative": text}),
                Duration::ZERO,
            ))
            .await
            .unwrap();
    }
    let count = |q: &str| {
        let filter = ReportFilter {
            q: Some(q.into()),
            country: Some("ES".into()),
            ..Default::default()
        };
        async move { store.list_reports(&filter).await.unwrap().items.len() }
    };
    assert_eq!(
        count("licence expired").await,
        1,
        "words in any order, any case"
    );
    assert_eq!(count("gift cards windows").await, 1);
    assert_eq!(count("ウイルス").await, 1, "Japanese substring");
    assert_eq!(count("Steam").await, 1);
    assert_eq!(count("steam-karten").await, 1);
    assert_eq!(count("Wi").await, 1, "short words still match");
    assert_eq!(count("licence bitcoin").await, 0);
    assert_eq!(count("100%").await, 1, "% is literal");
    assert_eq!(count("_").await, 1, "_ is literal");
    assert_eq!(count("\"").await, 0, "quotes are literal and harmless");
    assert_eq!(count("') OR 1=1 --").await, 0);
}

async fn hostile_text_is_stored_verbatim(store: &dyn Store) {
    let nasty = "<script>alert(1)</script> '; DROP TABLE reports; -- \u{202e}émoji 🎁 \\ \"";
    let r = row(
        json!({"country": "AU", "contact_method": "other", "narrative": nasty, "scammer": {"names": [nasty]}}),
        Duration::ZERO,
    );
    store.insert_report(r.clone()).await.unwrap();
    let got = store.get_report(&r.id).await.unwrap().unwrap();
    assert_eq!(got.narrative, nasty);
    assert_eq!(got.details.scammer.names, [nasty]);
}

async fn tokens_sessions_and_audit(store: &dyn Store) {
    let now = OffsetDateTime::now_utc();
    let token = TokenRecord {
        id: uuid::Uuid::now_v7().to_string(),
        hash: vec![9; 32],
        role: "analyst".into(),
        label: Some("ci".into()),
        organization: None,
        created_at: now,
        collections: None,
    };
    store.insert_token(token.clone()).await.unwrap();
    let granted = TokenRecord {
        id: uuid::Uuid::now_v7().to_string(),
        hash: vec![6; 32],
        role: "partner".into(),
        label: None,
        organization: Some("Partner bank".into()),
        created_at: now,
        collections: Some(vec![CollectionGrant {
            collection: "c1".into(),
            read: true,
            write: false,
        }]),
    };
    store.insert_token(granted.clone()).await.unwrap();
    assert_eq!(
        store
            .find_token(&[6; 32])
            .await
            .unwrap()
            .unwrap()
            .collections,
        granted.collections
    );
    let found = store.find_token(&[9; 32]).await.unwrap().unwrap();
    assert_eq!(
        (found.id.as_str(), found.role.as_str()),
        (token.id.as_str(), "analyst")
    );
    assert!(store.find_token(&[8; 32]).await.unwrap().is_none());

    let session = SessionRecord {
        hash: vec![5; 32],
        user_id: token.id.clone(),
        role: "analyst".into(),
        created_at: now,
        expires_at: now + Duration::hours(8),
    };
    store.insert_session(session.clone()).await.unwrap();
    assert!(store.find_session(&[5; 32], now).await.unwrap().is_some());
    assert!(
        store
            .find_session(&[5; 32], now + Duration::hours(9))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    store.delete_session(&[5; 32]).await.unwrap();
    assert!(store.find_session(&[5; 32], now).await.unwrap().is_none());

    for i in 0..3 {
        store
            .append_audit(AuditEvent {
                at: now + Duration::seconds(i),
                actor: token.id.clone(),
                action: "report.personal_data.read".into(),
                subject: format!("report-{i}"),
                reason: Some("follow-up".into()),
            })
            .await
            .unwrap();
    }
    let events = store.list_audit(2).await.unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].subject, "report-2", "newest first");
}

/// A well-formed Argon2id PHC string (the store keeps hashes; it never computes or checks one).
fn phc(tag: &str) -> String {
    format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaC1{tag}")
}

async fn users_and_their_sessions(store: &dyn Store) {
    let at = time::macros::datetime!(2026-11-28 12:00:00.123456 UTC);
    let user = |id: &str, username: &str, organization: Option<&str>| UserRecord {
        id: id.into(),
        username: username.into(),
        password_hash: phc(id),
        role: "analyst".into(),
        organization: organization.map(Into::into),
        created_at: at,
        disabled_at: None,
    };
    let desk_id = uuid::Uuid::now_v7().to_string();
    let liaison_id = uuid::Uuid::now_v7().to_string();
    store
        .insert_user(user(&desk_id, " Fraud.Desk ", None))
        .await
        .unwrap();
    store
        .insert_user(user(&liaison_id, "liaison", Some("CERT Example")))
        .await
        .unwrap();

    // Usernames are stored lowercased and found in any case.
    let desk_user = store
        .find_user_by_username("FRAUD.desk")
        .await
        .unwrap()
        .expect("found in another case");
    assert_eq!(desk_user, user(&desk_id, "fraud.desk", None));
    assert_eq!(store.find_user(&desk_id).await.unwrap(), Some(desk_user));
    let liaison_user = store
        .find_user_by_username("liaison")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(liaison_user.organization.as_deref(), Some("CERT Example"));
    assert!(
        store
            .find_user_by_username("carol")
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.find_user("no-such-id").await.unwrap().is_none());

    // A username taken in any case is a conflict of its own kind, and changes nothing.
    let clash = store
        .insert_user(user(&uuid::Uuid::now_v7().to_string(), "fraud.DESK", None))
        .await;
    assert!(
        matches!(clash, Err(StoreError::AlreadyExists(_))),
        "{clash:?}"
    );
    assert_eq!(
        store
            .find_user_by_username("fraud.desk")
            .await
            .unwrap()
            .unwrap()
            .id,
        desk_id
    );

    // Only Argon2id hashes are stored: anything else (a bcrypt hash, a password) is refused.
    for not_argon2id in [
        "$2b$12$abcdefghijklmnopqrstuv",
        "correct horse battery staple",
    ] {
        let mut carol = user(&uuid::Uuid::now_v7().to_string(), "carol", None);
        carol.password_hash = not_argon2id.into();
        assert!(store.insert_user(carol).await.is_err());
        assert!(
            store
                .find_user_by_username("carol")
                .await
                .unwrap()
                .is_none()
        );
    }

    // A new password or disabling ends the account's sessions, and only its own.
    let now = OffsetDateTime::now_utc();
    let session = |hash: u8, user_id: &str| SessionRecord {
        hash: vec![hash; 32],
        user_id: user_id.into(),
        role: "analyst".into(),
        created_at: now,
        expires_at: now + Duration::hours(8),
    };
    store.insert_session(session(21, &desk_id)).await.unwrap();
    store
        .insert_session(session(22, &liaison_id))
        .await
        .unwrap();
    let found = store.find_session(&[21; 32], now).await.unwrap().unwrap();
    assert_eq!(found.user_id, desk_id);
    assert!(
        store
            .set_user_password("Fraud.Desk", &phc("new"))
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .find_user(&desk_id)
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        phc("new")
    );
    assert!(store.find_session(&[21; 32], now).await.unwrap().is_none());
    assert!(store.find_session(&[22; 32], now).await.unwrap().is_some());
    assert!(!store.set_user_password("nobody", &phc("x")).await.unwrap());
    assert!(
        store
            .set_user_password("liaison", "plaintext")
            .await
            .is_err(),
        "a new hash must be Argon2id too"
    );
    assert!(store.find_session(&[22; 32], now).await.unwrap().is_some());

    store.insert_session(session(23, &desk_id)).await.unwrap();
    assert!(
        store
            .set_user_disabled("fraud.desk", Some(at))
            .await
            .unwrap()
    );
    let disabled = store.find_user(&desk_id).await.unwrap().unwrap();
    assert_eq!(disabled.disabled_at, Some(at));
    assert!(store.find_session(&[23; 32], now).await.unwrap().is_none());
    assert!(store.set_user_disabled("fraud.desk", None).await.unwrap());
    assert_eq!(
        store
            .find_user(&desk_id)
            .await
            .unwrap()
            .unwrap()
            .disabled_at,
        None
    );
    assert!(!store.set_user_disabled("nobody", Some(at)).await.unwrap());
    assert!(store.find_session(&[22; 32], now).await.unwrap().is_some());
}

fn indicator(kind: &str, value: &str) -> IndicatorRow {
    IndicatorRow {
        kind: kind.into(),
        value: value.into(),
        display: value.into(),
        source: "narrative".into(),
        span_start: 3,
        span_end: 9,
        confidence: 0.75,
        benign: false,
        linking: true,
        attributes: r#"{"region":"US"}"#.into(),
    }
}

async fn indicators_are_stored_and_found(store: &dyn Store) {
    let mut a = row(
        json!({"country": "NZ", "contact_method": "phone_call", "narrative": "a"}),
        Duration::ZERO,
    );
    a.indicators = vec![
        indicator("phone", "+18885550142"),
        indicator("brand", "microsoft"),
        indicator("phone", "+18885550142"),
    ];
    let a_id = store.insert_report(a).await.unwrap().id;
    let mut batch = Vec::new();
    for i in 0..3 {
        let mut r = row(
            json!({"country": "NZ", "contact_method": "popup", "narrative": format!("b{i}")}),
            Duration::ZERO,
        );
        r.indicators = vec![
            indicator("phone", "+18885550142"),
            indicator("domain", &format!("site{i}.example.com")),
        ];
        batch.push(r);
    }
    let batch_ids: Vec<String> = store
        .insert_reports(batch)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();

    let got = store.get_report(&a_id).await.unwrap().unwrap();
    assert_eq!(
        got.indicators.len(),
        2,
        "a repeated (kind, value) is stored once"
    );
    assert_eq!(got.indicators[0], indicator("phone", "+18885550142"));
    assert_eq!(got.indicators[1].kind, "brand");
    let by_ref = store
        .get_report_by_reference(&got.reference)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_ref.indicators.len(), 2);

    // The correlation feed: every report after a sequence number, in order, with its
    // indicators and without its narrative or reporter.
    let facts = store.report_facts(0, 1000).await.unwrap();
    let seqs: Vec<i64> = facts.iter().map(|f| f.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in sequence order");
    assert_eq!(facts.len() as u64, store.count_reports().await.unwrap());
    let a_facts = facts.iter().find(|f| f.id == a_id).unwrap();
    assert_eq!(a_facts.indicators.len(), 2);
    assert_eq!(a_facts.reference, got.reference);
    assert_eq!(a_facts.country, "NZ");
    assert_eq!(a_facts.organization, None, "a victim's own report");
    assert!(
        facts
            .iter()
            .any(|f| f.organization.as_deref() == Some("CERT Example")),
        "the feed names whose data a report is"
    );
    let last_three: Vec<&str> = facts[facts.len() - 3..]
        .iter()
        .map(|f| f.id.as_str())
        .collect();
    assert_eq!(
        last_three,
        batch_ids.iter().map(String::as_str).collect::<Vec<_>>()
    );
    let after = store
        .report_facts(seqs[seqs.len() - 3], 1000)
        .await
        .unwrap();
    assert_eq!(after.len(), 2);
    assert_eq!(
        store.report_facts(seqs[0], 2).await.unwrap().len(),
        2,
        "limit"
    );
    let at = store
        .report_facts_at(&[seqs[1], seqs[0], i64::MAX])
        .await
        .unwrap();
    assert_eq!(
        at.iter().map(|f| f.seq).collect::<Vec<_>>(),
        [seqs[0], seqs[1]],
        "unknown numbers are skipped"
    );

    store
        .replace_indicators(&a_id, vec![indicator("email", "x@y.example")])
        .await
        .unwrap();
    let got = store.get_report(&a_id).await.unwrap().unwrap();
    assert_eq!(
        got.indicators
            .iter()
            .map(|i| i.kind.as_str())
            .collect::<Vec<_>>(),
        ["email"]
    );
    let facts = store.report_facts_at(&[a_facts.seq]).await.unwrap();
    assert_eq!(
        facts[0].indicators, got.indicators,
        "the feed sees replacements"
    );
    let listed = store
        .list_reports(&ReportFilter {
            country: Some("NZ".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let listed_a = listed.items.iter().find(|r| r.id == a_id).unwrap();
    assert_eq!(
        listed_a.indicators.len(),
        1,
        "lists carry each report's indicators too"
    );
}
