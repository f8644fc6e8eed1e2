//! People's accounts end to end, through the real binary and store: an administrator creates them
//! on the command line without ever putting a password in an argument, analysts sign in and out
//! on the pages, and nothing tells a wrong password from an unknown username, not even the time
//! it takes. Passwords appear in no output, log or database file.

mod common;

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{TestServer, random_password};

const FAILED: &str = "The username or password is wrong."; // [login] failed

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Everything a run printed, to look for secrets in.
fn printed(out: &std::process::Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

fn create_user(server: &TestServer, args: &[&str], password: Option<&str>) -> std::process::Output {
    let mut full = vec!["admin", "create-user"];
    full.extend_from_slice(args);
    let mut cmd = server.cli_command(&full);
    if let Some(password) = password {
        cmd.env("SCAMTRACE_PASSWORD", password);
    }
    cmd.output().expect("run scamtrace")
}

#[test]
fn administrators_create_accounts_with_passwords_from_the_environment_a_file_or_standard_input() {
    let server = TestServer::start(&[]);
    let mut passwords = Vec::new();

    // From the environment.
    let desk = random_password();
    let out = create_user(
        &server,
        &["--username", "Fraud.Desk", "--role", "analyst"],
        Some(&desk),
    );
    assert!(out.status.success(), "{}", printed(&out));
    assert!(
        text(&out.stdout).contains("\"fraud.desk\""),
        "usernames are stored lowercased: {}",
        text(&out.stdout)
    );
    assert!(!printed(&out).contains(&desk));
    passwords.push(desk.clone());

    // From the first line of a file, with JSON for machines.
    let liaison = random_password();
    let file = server.dir.join("liaison.txt");
    std::fs::write(
        &file,
        format!("{liaison}\nthe rest of the file is not the password\n"),
    )
    .unwrap();
    let out = create_user(
        &server,
        &[
            "--username",
            "liaison@cert.example",
            "--role",
            "partner",
            "--org",
            "CERT Example",
            "--password-file",
            file.to_str().unwrap(),
            "--json",
        ],
        None,
    );
    assert!(out.status.success(), "{}", printed(&out));
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(created["username"], "liaison@cert.example");
    assert_eq!(created["role"], "partner");
    assert_eq!(created["organization"], "CERT Example");
    assert!(uuid_like(created["id"].as_str().unwrap()));
    assert!(!printed(&out).contains(&liaison));
    passwords.push(liaison.clone());

    // From standard input's first line, when piped.
    let lead = random_password();
    let mut child = server
        .cli_command(&[
            "admin",
            "create-user",
            "--username",
            "fraud.lead",
            "--role",
            "admin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{lead}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", printed(&out));
    assert!(!printed(&out).contains(&lead));
    passwords.push(lead.clone());

    // Each can sign in with what was given, and only that.
    for (username, password) in [
        ("FRAUD.DESK", &desk),
        ("liaison@cert.example", &liaison),
        ("fraud.lead", &lead),
    ] {
        server.sign_in(username, password);
        let visitor = server.open_sign_in();
        assert_eq!(
            server
                .try_sign_in(&visitor, username, &desk[..desk.len() - 1])
                .status,
            401
        );
    }

    // Too short: refused, saying why, and nothing created.
    let out = create_user(
        &server,
        &["--username", "dave", "--role", "analyst"],
        Some("short pw"),
    );
    assert_eq!(out.status.code(), Some(1), "{}", printed(&out));
    assert!(
        text(&out.stderr).contains("too short") && text(&out.stderr).contains("12"),
        "{}",
        text(&out.stderr)
    );
    let visitor = server.open_sign_in();
    assert_eq!(server.try_sign_in(&visitor, "dave", "short pw").status, 401);

    // A username taken in any case: exit 1 with a clear message; the account keeps its password.
    let out = create_user(
        &server,
        &["--username", "fRaUd.DeSk", "--role", "admin"],
        Some(&random_password()),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("\"fraud.desk\" exists already"),
        "{}",
        text(&out.stderr)
    );
    server.sign_in("fraud.desk", &desk);

    // Bad usage exits 2: an unknown role, a username that is not one, a password as an argument.
    for args in [
        &["--username", "erin", "--role", "overlord"][..],
        &["--username", "erin smith", "--role", "analyst"],
        &[
            "--username",
            "erin",
            "--role",
            "analyst",
            "--password",
            "hunter2hunter2",
        ],
    ] {
        let out = create_user(&server, args, Some(&random_password()));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", printed(&out));
    }
    // No password at all (standard input is empty and not a terminal).
    let out = create_user(&server, &["--username", "erin", "--role", "analyst"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no password"),
        "{}",
        text(&out.stderr)
    );

    // Only Argon2id hashes reached the database.
    let database = database_bytes(&server);
    for password in &passwords {
        assert!(
            !contains(&database, password.as_bytes()),
            "a password is in the database"
        );
    }
    assert!(contains(&database, b"$argon2id$v=19$m=19456,t=2,p=1$"));
}

#[test]
fn analysts_sign_in_with_a_password_and_failures_say_nothing_about_which_part_was_wrong() {
    let server = TestServer::start(&[("SCAMTRACE_LOG", "debug")]);
    let password = server.user("analyst.one", "analyst");
    let token = server.token("analyst");
    server.post_json(
        "/api/v1/reports",
        &[],
        &serde_json::json!({"country": "US", "contact_method": "popup", "narrative": "a pop-up said to call"}),
    );

    // The form: labelled fields that password managers understand.
    let page = server.get("/login?next=/reports", &[]).text();
    for needle in [
        r#"<label for="f-username">Username</label>"#,
        r#"<label for="f-password">Password</label>"#,
        r#"autocomplete="username""#,
        r#"type="password" id="f-password" name="password" autocomplete="current-password""#,
    ] {
        assert!(page.contains(needle), "{needle} missing from\n{page}");
    }

    // A wrong password and an unknown username get the same page, status and message.
    let visitor = server.open_sign_in();
    let wrong = server.try_sign_in(&visitor, "analyst.one", "not the password at all");
    let unknown = server.try_sign_in(&visitor, "nobody.here", "not the password at all");
    assert_eq!((wrong.status, unknown.status), (401, 401));
    assert!(wrong.text().contains(FAILED), "{}", wrong.text());
    assert_eq!(
        wrong.text().replace("analyst.one", "USERNAME"),
        unknown.text().replace("nobody.here", "USERNAME"),
        "the pages differ only in the username typed"
    );
    assert!(
        !wrong.text().contains("not the password at all"),
        "never echoed"
    );
    assert!(
        wrong
            .headers_named("set-cookie")
            .iter()
            .all(|c| !c.starts_with("st_session="))
    );
    // An API token is not a password: tokens are for the API.
    assert_eq!(
        server.try_sign_in(&visitor, "analyst.one", &token).status,
        401
    );
    assert_eq!(
        server
            .post_form(
                "/login",
                &visitor,
                &[("token", &token), ("next", "/reports")]
            )
            .status,
        401
    );

    // And they take about as long: an unknown username is checked against a dummy hash. The
    // attempts alternate, so that load from elsewhere on the machine falls on both alike; the
    // fastest of each counts.
    let timed = |username: &str| {
        let started = Instant::now();
        let r = server.try_sign_in(&visitor, username, "not the password at all");
        assert_eq!(r.status, 401);
        started.elapsed()
    };
    let (mut wrong_time, mut unknown_time) = (Duration::MAX, Duration::MAX);
    for _ in 0..6 {
        wrong_time = wrong_time.min(timed("analyst.one"));
        unknown_time = unknown_time.min(timed("nobody.here"));
    }
    assert!(
        unknown_time * 5 >= wrong_time * 2 && wrong_time * 5 >= unknown_time * 2,
        "a wrong password took {wrong_time:?}, an unknown username {unknown_time:?}"
    );

    // The right password, in any case of the username: a session, and the analysts' pages.
    let ok = server.try_sign_in(&visitor, "Analyst.One", &password);
    assert_eq!(ok.status, 303);
    assert_eq!(ok.header("location"), Some("/reports"));
    let session = ok
        .headers_named("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("st_session="))
        .unwrap()
        .to_string();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );
    let signed_in = server.sign_in("analyst.one", &password);
    let list = server.get("/reports", &[signed_in.cookie_header()]);
    assert_eq!(list.status, 200);
    assert!(list.text().contains("TSS-"));
    assert_eq!(
        server
            .get("/api/v1/reports", &[signed_in.cookie_header()])
            .status,
        200
    );

    // Without a page to return to, the sign-in leads to the workbench's landing page.
    let landing = server.post_form(
        "/login",
        &visitor,
        &[("username", "analyst.one"), ("password", &password)],
    );
    assert_eq!(landing.header("location"), Some("/dashboard"));

    // Signing out ends the session on the server, not only in the browser.
    let out = server.post_form("/logout", &signed_in, &[]);
    assert_eq!(out.status, 303);
    assert_eq!(
        server.get("/reports", &[signed_in.cookie_header()]).status,
        303
    );
    assert_eq!(
        server
            .get("/api/v1/reports", &[signed_in.cookie_header()])
            .status,
        401
    );

    // Failures are counted, and no password reached the log.
    let metrics = server.get("/metrics", &[]).text();
    assert!(
        metrics.contains("scamtrace_logins_failed_total 16"),
        "{metrics}"
    );
    let log = server.log();
    assert!(
        log.contains("\"level\":\"DEBUG\"") || log.contains("DEBUG"),
        "debug logging is on"
    );
    for secret in [password.as_str(), "not the password at all", token.as_str()] {
        assert!(!log.contains(secret), "{secret:?} is in the server log");
    }
}

#[test]
fn disabling_an_account_or_giving_it_a_new_password_ends_its_sessions() {
    let server = TestServer::start(&[]);
    let old = server.user("frank", "analyst");
    let signed_in = server.sign_in("frank", &old);
    assert_eq!(
        server.get("/reports", &[signed_in.cookie_header()]).status,
        200
    );

    let new = random_password();
    let out = server
        .cli_command(&["admin", "reset-password", "--username", "FRANK"])
        .env("SCAMTRACE_PASSWORD", &new)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", printed(&out));
    assert!(!printed(&out).contains(&new));
    assert_eq!(
        server.get("/reports", &[signed_in.cookie_header()]).status,
        303
    );
    let visitor = server.open_sign_in();
    assert_eq!(server.try_sign_in(&visitor, "frank", &old).status, 401);
    let signed_in = server.sign_in("frank", &new);

    let out = server.cli(&["admin", "disable-user", "--username", "frank"]);
    assert!(out.status.success(), "{}", printed(&out));
    assert_eq!(
        server.get("/reports", &[signed_in.cookie_header()]).status,
        303
    );
    let refused = server.try_sign_in(&visitor, "frank", &new);
    assert_eq!(refused.status, 401);
    assert!(
        refused.text().contains(FAILED),
        "a disabled account is refused like any other"
    );

    let out = server.cli(&["admin", "enable-user", "--username", "frank"]);
    assert!(out.status.success(), "{}", printed(&out));
    server.sign_in("frank", &new);

    for args in [
        &["admin", "disable-user", "--username", "nobody"][..],
        &["admin", "enable-user", "--username", "nobody"],
    ] {
        let out = server.cli(args);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            text(&out.stderr).contains("no user named \"nobody\""),
            "{}",
            printed(&out)
        );
    }
    let out = server
        .cli_command(&["admin", "reset-password", "--username", "nobody"])
        .env("SCAMTRACE_PASSWORD", random_password())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn serve_demo_prints_a_demo_analyst_who_signs_in_and_gets_a_new_password_at_every_start() {
    let tmp = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", tmp.path().join("scamtrace.db").display());
    let mut first = TestServer::start_with(tmp.path(), &database, &["--demo"], &[]);
    let password = demo_password(&first);
    let signed_in = first.sign_in("demo", &password);
    assert_eq!(
        first.get("/reports", &[signed_in.cookie_header()]).status,
        200
    );
    first.kill_hard();

    let second = TestServer::start_with(tmp.path(), &database, &["--demo"], &[]);
    let again = demo_password(&second);
    assert_ne!(again, password);
    let visitor = second.open_sign_in();
    assert_eq!(second.try_sign_in(&visitor, "demo", &password).status, 401);
    assert_eq!(
        second.get("/reports", &[signed_in.cookie_header()]).status,
        303,
        "the new password ended the old sessions"
    );
    second.sign_in("demo", &again);
}

/// The password in the one block `serve --demo` prints.
fn demo_password(server: &TestServer) -> String {
    let log = server.own_log();
    let block = log
        .split("ScamTrace is running with demo data.")
        .nth(1)
        .unwrap_or_else(|| panic!("no demo block in\n{log}"));
    assert!(block.contains("username:   demo"), "{block}");
    block
        .lines()
        .find_map(|l| l.trim().strip_prefix("password:"))
        .map(|p| p.trim().to_string())
        .unwrap_or_else(|| panic!("no password in\n{block}"))
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The SQLite database and its write-ahead log, where recent writes may still be.
fn database_bytes(server: &TestServer) -> Vec<u8> {
    let path = server.database.trim_start_matches("sqlite://").to_string();
    let mut bytes = std::fs::read(&path).unwrap_or_default();
    bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
    bytes
}
