//! The seed case, end to end: two ScamTrace instances on loopback, organizations "A" and "B",
//! each see part of one call-center operation. A's victims called two numbers and paid in gift
//! cards; B's victims met the operation through a website and a remote-access session, and a few
//! of them also name one of A's numbers. Neither alone sees the whole operation. After one sync
//! each way (over TAXII 2.1, through recording proxies), both show one operation counting both
//! organizations' victims and attributing the other's part; A's TLP:RED indicator stayed home;
//! and no byte that crossed between them holds any victim's name, email or phone number.

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{TestServer, partner_token};
use serde_json::{Value, json};

const TAXII: &str = "application/taxii+json;version=2.1";
const OPERATIONS: &str = "5ca37ace-7a11-4c01-8000-000000000001";
const SUBMISSIONS: &str = "5ca37ace-7a11-4c01-8000-000000000002";
const RED: &str = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

/// A TCP proxy on loopback that forwards to `upstream` and records every byte, both ways.
struct Recorder {
    port: u16,
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl Recorder {
    fn start(upstream: std::net::SocketAddr) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let record = bytes.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(upstream) else {
                    continue;
                };
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    let record = record.clone();
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16 * 1024];
                        loop {
                            match from.read(&mut buf) {
                                Ok(0) | Err(_) => {
                                    let _ = to.shutdown(Shutdown::Write);
                                    return;
                                }
                                Ok(n) => {
                                    record.lock().unwrap().extend_from_slice(&buf[..n]);
                                    if to.write_all(&buf[..n]).is_err() {
                                        return;
                                    }
                                }
                            }
                        }
                    });
                }
            }
        });
        Recorder { port, bytes }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/taxii2/api/", self.port)
    }

    fn recorded(&self) -> Vec<u8> {
        self.bytes.lock().unwrap().clone()
    }
}

/// One victim's report, with their own name, email and phone number.
fn report(i: usize, org: &str, narrative: &str, scammer_phones: &[&str]) -> (Value, [String; 3]) {
    let name = format!("Victim{org}{i} Sampleperson");
    let email = format!(
        "victim.{}{i}@mail-{}.example",
        org.to_lowercase(),
        org.to_lowercase()
    );
    let phone = format!("+1 303 555 01{i:02}");
    let r = json!({
        "country": (["US", "CA", "GB", "AU", "DE", "ES"][i % 6]),
        "contact_method": "phone_call",
        "impersonated_brand": "Microsoft",
        "occurred_on": format!("2026-10-{:02}", 1 + i),
        "narrative": narrative,
        "payment": {"amount": format!("{}", 300 + 50 * i), "currency": "USD", "method": "gift_card"},
        "reporter": {"name": name, "email": email, "phone": phone, "may_contact": true},
        "scammer": {"phone_numbers": scammer_phones},
    });
    (r, [name, email, phone])
}

fn import(server: &TestServer, org: &str, reports: &[Value]) {
    let file = server.dir.join(format!("reports-{org}.jsonl"));
    let text: Vec<String> = reports.iter().map(Value::to_string).collect();
    std::fs::write(&file, text.join("\n")).unwrap();
    let out = server.cli(&["import", file.to_str().unwrap(), "--org", org]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The operation holding this phone number, once the server's engine has it with `partner`.
fn operation_with_partner(server: &TestServer, bearer: &str, phone: &str, partner: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = server.get(
            &format!("/api/v1/indicators/phone/{phone}"),
            &[("authorization", bearer)],
        );
        if r.status == 200
            && let Some(id) = r.json()["clusters"][0]["id"].as_str()
        {
            let c = server.get(
                &format!("/api/v1/clusters/{id}"),
                &[("authorization", bearer)],
            );
            let body = c.json();
            let partners = body["partners"].as_array().cloned().unwrap_or_default();
            if partners.iter().any(|p| p["partner"] == partner) {
                return body;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no operation of {phone} with {partner}: {}",
            server.own_log()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn wait_published(server: &TestServer, bearer: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = server.get(
            &format!("/taxii2/api/collections/{OPERATIONS}/objects/?match[type]=campaign"),
            &[("authorization", bearer), ("accept", TAXII)],
        );
        if r.json()["objects"]
            .as_array()
            .is_some_and(|o| !o.is_empty())
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "nothing published: {}",
            server.own_log()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn two_organizations_piece_together_one_operation_over_taxii() {
    let env = |org: &'static str| {
        [
            ("SCAMTRACE_ORGANIZATION", org),
            ("SCAMTRACE_PUBLISH_INTERVAL_SECONDS", "1"),
            ("SCAMTRACE_SYNC_INTERVAL_SECONDS", "0"),
        ]
    };
    let a = TestServer::start(&env("A"));
    let b = TestServer::start(&env("B"));

    // The operation's numbers, website and remote-access ID.
    let (n1, n2) = ("+18885550142", "+18775550199");
    let site = "defender-helpdesk-24x7.online";
    let mut personal: Vec<String> = Vec::new();
    let mut a_reports = Vec::new();
    for i in 0..6 {
        // Victims abroad write the numbers with the country code; one was given both numbers.
        let number = if i % 2 == 0 {
            "+1-888-555-0142"
        } else {
            "+1 (877) 555-0199"
        };
        let other = if i == 2 {
            " When the line dropped I was told to call +1 (877) 555-0199 instead."
        } else {
            ""
        };
        let (r, p) = report(
            i,
            "A",
            &format!(
                "A pop-up said my PC was infected and to call Microsoft at {number}.{other} The technician said to buy Google Play cards and read him the codes."
            ),
            &[number],
        );
        a_reports.push(r);
        personal.extend(p);
    }
    let mut b_reports = Vec::new();
    for i in 0..6 {
        let also = if i < 2 {
            " Later he told me to call +1 888 555 0142 if the virus came back."
        } else {
            ""
        };
        let (r, p) = report(
            10 + i,
            "B",
            &format!(
                "I searched for help and landed on https://{site}/support, which told me to install AnyDesk. He connected with ID 123 456 789 and took over my bank account.{also}"
            ),
            &[],
        );
        b_reports.push(r);
        personal.extend(p);
    }
    import(&a, "A", &a_reports);
    import(&b, "B", &b_reports);

    let a_analyst = format!("Bearer {}", a.token("analyst"));
    let b_analyst = format!("Bearer {}", b.token("analyst"));
    // A's analyst keeps one indicator at TLP:RED (an informant's line): it must never leave.
    let red = json!({
        "type": "indicator", "spec_version": "2.1", "id": "indicator--3b8f4c2e-9d1a-4e5f-8a7b-6c5d4e3f2a1b",
        "created": "2026-11-01T00:00:00.000Z", "modified": "2026-11-01T00:00:00.000Z",
        "pattern": "[domain-name:value = 'informant-hotline.online']", "pattern_type": "stix",
        "valid_from": "2026-11-01T00:00:00Z", "object_marking_refs": [RED],
    });
    let posted = a.request(
        "POST",
        &format!("/taxii2/api/collections/{OPERATIONS}/objects/"),
        &[
            ("authorization", &a_analyst),
            ("accept", TAXII),
            ("content-type", TAXII),
        ],
        json!({"objects": [red]}).to_string().as_bytes(),
    );
    assert_eq!(posted.status, 202, "{}", posted.text());
    wait_published(&a, &a_analyst);
    wait_published(&b, &b_analyst);

    // Each admits the other as a partner, and points its client at the other through a proxy.
    let b_token_at_a = partner_token(&a, "B", &[]);
    let a_token_at_b = partner_token(&b, "A", &[]);
    let to_a = Recorder::start(a.addr);
    let to_b = Recorder::start(b.addr);
    let add = |server: &TestServer, name: &str, url: &str, user: &str, token: &str| {
        let out = server
            .cli_command(&[
                "partner",
                "add",
                name,
                "--taxii-url",
                url,
                "--collection",
                OPERATIONS,
                "--push-collection",
                SUBMISSIONS,
                "--user",
                user,
                "--token-from-env",
            ])
            .env("SCAMTRACE_PARTNER_TOKEN", token)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    add(&a, "B", &to_b.url(), "A", &a_token_at_b);
    add(&b, "A", &to_a.url(), "B", &b_token_at_a);
    let listed = a.cli(&["partner", "list", "--json"]);
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(
        (listed["name"].as_str(), listed["last_sync_at"].as_str()),
        (Some("B"), None)
    );
    assert!(!String::from_utf8_lossy(&a.cli(&["partner", "list"]).stdout).contains(&a_token_at_b));

    // One sync each way.
    let sync = |server: &TestServer| -> Value {
        let out = server.cli(&["partner", "sync", "--json"]);
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let a_sync = sync(&a);
    let b_sync = sync(&b);
    eprintln!("A: {a_sync}\nB: {b_sync}");
    assert!(a_sync["pulled_objects"].as_u64().unwrap() > 0);
    assert!(a_sync["pushed_objects"].as_u64().unwrap() > 0);
    assert!(b_sync["pulled_objects"].as_u64().unwrap() > 0);
    assert_eq!(a_sync["push_failures"], 0);
    assert_eq!(b_sync["push_failures"], 0);

    // Both show one operation with both organizations' victims, each crediting the other.
    let on_a = operation_with_partner(&a, &a_analyst, n1, "B");
    let on_b = operation_with_partner(&b, &b_analyst, n1, "A");
    eprintln!("on A: {on_a}\non B: {on_b}");
    assert_eq!(on_a["reports"], 6, "A's own victims");
    assert_eq!(
        on_a["partner_sightings"], 6,
        "B's victims, as B counts them"
    );
    assert_eq!(on_b["reports"], 6, "B's own victims");
    assert_eq!(
        on_b["partner_sightings"], 6,
        "A's victims, as A counts them"
    );
    // A now knows B's website and remote-access ID with that operation; B knows A's other number.
    let on_site = a
        .get(
            &format!("/api/v1/indicators/domain/{site}"),
            &[("authorization", &a_analyst)],
        )
        .json();
    assert!(
        on_site["partners"].to_string().contains("\"B\""),
        "{on_site}"
    );
    assert_eq!(on_site["clusters"][0]["id"], on_a["id"]);
    let on_n2 = b
        .get(
            &format!("/api/v1/indicators/phone/{n2}"),
            &[("authorization", &b_analyst)],
        )
        .json();
    assert!(on_n2["partners"].to_string().contains("\"A\""), "{on_n2}");
    assert_eq!(on_n2["clusters"][0]["id"], on_b["id"]);

    // TLP:RED stayed home.
    let informant = b
        .get(
            "/api/v1/indicators/domain/informant-hotline.online",
            &[("authorization", &b_analyst)],
        )
        .json();
    assert_eq!(informant["partners"], json!([]), "{informant}");

    // A replay changes nothing.
    let again = sync(&a);
    assert_eq!(again["new_observations"], 0, "{again}");
    assert_eq!(again["pushed_objects"], 0, "{again}");
    let listed = a.cli(&["partner", "list", "--json"]);
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert!(
        listed["last_sync_at"].is_string() && listed["last_error"].is_null(),
        "{listed}"
    );

    // Not one byte that crossed holds a victim's personal data, or the RED indicator.
    let crossed: Vec<u8> = [to_a.recorded(), to_b.recorded()].concat();
    assert!(crossed.len() > 10_000, "{} bytes crossed", crossed.len());
    let text = String::from_utf8_lossy(&crossed).to_lowercase();
    assert!(text.contains(site), "the operation's website crossed");
    for secret in personal
        .iter()
        .chain(std::iter::once(&"informant-hotline.online".to_string()))
    {
        assert!(
            !text.contains(&secret.to_lowercase()),
            "{secret:?} crossed to a partner"
        );
        let digits: String = secret.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 10 {
            assert!(
                !text.contains(&digits),
                "{secret:?} crossed to a partner (as digits)"
            );
        }
    }
}

#[test]
fn serve_syncs_with_partners_by_itself_and_remembers_where_it_stopped() {
    let b = TestServer::start(&[
        ("SCAMTRACE_ORGANIZATION", "B"),
        ("SCAMTRACE_PUBLISH_INTERVAL_SECONDS", "1"),
    ]);
    let site = "pc-cleanup-hotline.online";
    let reports: Vec<Value> = (0..3)
        .map(|i| {
            report(
                20 + i,
                "B",
                &format!("The site {site} told me to call them and let them in with TeamViewer ID 987 654 321."),
                &[],
            )
            .0
        })
        .collect();
    import(&b, "B", &reports);
    let b_analyst = format!("Bearer {}", b.token("analyst"));
    wait_published(&b, &b_analyst);

    let a_env = [
        ("SCAMTRACE_ORGANIZATION", "A"),
        ("SCAMTRACE_SYNC_INTERVAL_SECONDS", "1"),
    ];
    let mut a = TestServer::start(&a_env);
    let token = partner_token(&b, "A", &[]);
    let out = a
        .cli_command(&[
            "partner",
            "add",
            "B",
            "--taxii-url",
            &b.url("/taxii2/api/"),
            "--collection",
            OPERATIONS,
            "--user",
            "A",
            "--token-from-env",
        ])
        .env("SCAMTRACE_PARTNER_TOKEN", &token)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let a_analyst = format!("Bearer {}", a.token("analyst"));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = a.get(
            &format!("/api/v1/indicators/domain/{site}"),
            &[("authorization", &a_analyst)],
        );
        if r.json()["partners"].to_string().contains("\"B\"") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "serve never synced: {}",
            a.own_log()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let state = |server: &TestServer| -> Value {
        serde_json::from_slice(&server.cli(&["partner", "list", "--json"]).stdout).unwrap()
    };
    let before = state(&a);
    assert!(before["pulled_through"].is_string(), "{before}");

    // After a restart, the next sync goes on from where the last one stopped: nothing new.
    a.kill_hard();
    let dir = a.dir.clone();
    let database = a.database.clone();
    let a = TestServer::start_on(&dir, &database, &a_env);
    let out = a.cli(&["partner", "sync", "B", "--json"]);
    let again: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            again["pulled_objects"].as_u64(),
            again["new_observations"].as_u64()
        ),
        (Some(0), Some(0)),
        "{again}"
    );
    assert_eq!(state(&a)["pulled_through"], before["pulled_through"]);
}
