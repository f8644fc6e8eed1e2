//! Test support: a real `scamtrace serve` process on a free loopback port with its own database,
//! and a minimal HTTP/1.1 client, so tests exercise exactly what users run.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_scamtrace");

/// Says whether an optional external dependency may be skipped here. CI sets
/// `SCAMTRACE_REQUIRE_ALL_TESTS=1`, which turns every such skip into a failure.
pub fn skip_or_fail(what: &str) -> bool {
    if std::env::var("SCAMTRACE_REQUIRE_ALL_TESTS").as_deref() == Ok("1") {
        panic!("{what} is required (SCAMTRACE_REQUIRE_ALL_TESTS=1) but not available");
    }
    eprintln!("\n!!! SKIPPED: {what} is not available; CI runs this test !!!\n");
    true
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A running server. Killed (by its own PID) when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    pub dir: PathBuf,
    pub database: String,
    env: Vec<(String, String)>,
    child: Option<Child>,
    _tmp: Option<tempfile::TempDir>,
}

impl TestServer {
    /// A server on a fresh SQLite database; the rate limit is off unless `env` sets it.
    pub fn start(env: &[(&str, &str)]) -> TestServer {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().to_path_buf();
        let database = format!("sqlite://{}", dir.join("scamtrace.db").display());
        let mut server = TestServer::start_on(&dir, &database, env);
        server._tmp = Some(tmp);
        server
    }

    /// A server on an existing directory and database (to restart one).
    pub fn start_on(dir: &Path, database: &str, env: &[(&str, &str)]) -> TestServer {
        TestServer::start_with(dir, database, &[], env)
    }

    /// A server on an existing directory and database, with more arguments to `serve` (`--demo`).
    pub fn start_with(
        dir: &Path,
        database: &str,
        serve_args: &[&str],
        env: &[(&str, &str)],
    ) -> TestServer {
        let port = free_port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--listen", &addr.to_string()])
            .args(serve_args)
            .env("SCAMTRACE_DATABASE_URL", database)
            .env("SCAMTRACE_KEY_FILE", dir.join("scamtrace.key"))
            .env("SCAMTRACE_RATE_LIMIT_PER_MINUTE", "0")
            .env_remove("SCAMTRACE_CONFIG")
            .env_remove("SCAMTRACE_KEY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(dir.join(format!("server-{port}.log"))).expect("log file"),
            ));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("start scamtrace serve");
        let env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let server = TestServer {
            addr,
            dir: dir.to_path_buf(),
            database: database.to_string(),
            env,
            child: Some(child),
            _tmp: None,
        };
        server.wait_ready();
        server
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if try_request(self.addr, "GET", "/healthz", &[], b"").is_ok_and(|r| r.status == 200) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("server did not become ready; log:\n{}", self.log());
    }

    pub fn log(&self) -> String {
        std::fs::read_dir(&self.dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("server-"))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The log of this process only (a restarted server's directory holds its predecessors' too).
    pub fn own_log(&self) -> String {
        std::fs::read_to_string(self.dir.join(format!("server-{}.log", self.addr.port())))
            .unwrap_or_default()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Sends SIGKILL: no shutdown handler runs, nothing is flushed.
    pub fn kill_hard(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        try_request(self.addr, method, path, headers, body).expect("request")
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        self.request("GET", path, headers, b"")
    }

    pub fn post_json(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        body: &serde_json::Value,
    ) -> Response {
        let mut h = headers.to_vec();
        h.push(("content-type", "application/json"));
        self.request("POST", path, &h, body.to_string().as_bytes())
    }

    /// The CLI against this server's database and key, ready to run.
    pub fn cli_command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("SCAMTRACE_DATABASE_URL", &self.database)
            .env("SCAMTRACE_KEY_FILE", self.dir.join("scamtrace.key"))
            .env_remove("SCAMTRACE_KEY")
            .env_remove("SCAMTRACE_PASSWORD")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null());
        cmd
    }

    /// Runs the CLI against this server's database and key.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        self.cli_command(args).output().expect("run scamtrace")
    }

    /// Creates an account through the CLI and returns its (random) password.
    pub fn user(&self, username: &str, role: &str) -> String {
        let password = random_password();
        let out = self
            .cli_command(&[
                "admin",
                "create-user",
                "--username",
                username,
                "--role",
                role,
            ])
            .env("SCAMTRACE_PASSWORD", &password)
            .output()
            .expect("run scamtrace");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        password
    }

    /// Opens the sign-in page as a fresh browser would: its cookies (the CSRF pair) and the
    /// form's CSRF token.
    pub fn open_sign_in(&self) -> Visitor {
        let page = self.get("/login", &[]);
        assert_eq!(page.status, 200);
        let cookies = page
            .headers_named("set-cookie")
            .into_iter()
            .find(|c| c.starts_with("st_csrf="))
            .expect("a CSRF cookie")
            .split(';')
            .next()
            .unwrap()
            .to_string();
        let csrf = cookies.trim_start_matches("st_csrf=").to_string();
        Visitor { cookies, csrf }
    }

    /// Posts a form with the visitor's cookies and CSRF token.
    pub fn post_form(&self, path: &str, visitor: &Visitor, fields: &[(&str, &str)]) -> Response {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("csrf_token", &visitor.csrf)
            .extend_pairs(fields)
            .finish();
        self.request(
            "POST",
            path,
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("cookie", &visitor.cookies),
            ],
            body.as_bytes(),
        )
    }

    /// Signs in on the page; the answer to the form's POST.
    pub fn try_sign_in(&self, visitor: &Visitor, username: &str, password: &str) -> Response {
        self.post_form(
            "/login",
            visitor,
            &[
                ("username", username),
                ("password", password),
                ("next", "/reports"),
            ],
        )
    }

    /// Signs in on the page and returns the visitor, now with the session cookie too.
    pub fn sign_in(&self, username: &str, password: &str) -> Visitor {
        let mut visitor = self.open_sign_in();
        let answer = self.try_sign_in(&visitor, username, password);
        assert_eq!(answer.status, 303, "sign-in failed: {}", answer.text());
        let session = answer
            .headers_named("set-cookie")
            .into_iter()
            .find(|c| c.starts_with("st_session="))
            .expect("a session cookie")
            .split(';')
            .next()
            .unwrap()
            .to_string();
        visitor.cookies = format!("{session}; {}", visitor.cookies);
        visitor
    }

    /// A token for `role`; partners' and agencies' name their organization by their role.
    pub fn token(&self, role: &str) -> String {
        let org = format!("{role} organization");
        let mut args = vec!["admin", "create-token", "--role", role];
        if matches!(role, "partner" | "law_enforcement") {
            args.extend(["--org", &org]);
        }
        let out = self.cli(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }
}

/// The Python with the OASIS reference tools (`SCAMTRACE_PYTHON`, which `scripts/test` sets), or
/// `None` after a loud notice when it is missing and skipping is allowed.
pub fn reference_python(what: &str) -> Option<std::ffi::OsString> {
    match std::env::var_os("SCAMTRACE_PYTHON") {
        Some(p) => Some(p),
        None => {
            skip_or_fail(&format!("{what} (SCAMTRACE_PYTHON)"));
            None
        }
    }
}

/// Creates a partner token for `org` with more `create-token` arguments, and returns it.
pub fn partner_token(server: &TestServer, org: &str, extra: &[&str]) -> String {
    let mut args = vec!["admin", "create-token", "--role", "partner", "--org", org];
    args.extend(extra);
    let out = server.cli(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A browser's state on the site: its cookies and the CSRF token its forms carry.
#[derive(Clone, Debug)]
pub struct Visitor {
    pub cookies: String,
    pub csrf: String,
}

impl Visitor {
    pub fn cookie_header(&self) -> (&'static str, &str) {
        ("cookie", self.cookies.as_str())
    }
}

/// A password no test types twice: long enough, and different in every call.
pub fn random_password() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "pw-{nanos:x}-{}-{}",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    )
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill_hard();
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`), body read to the end.
pub fn try_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    // The server may answer (413) before reading a large body; a reset then is fine.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "no response head"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..end])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

/// Drops the test's schema however the test ends.
pub struct DropSchema {
    pub url: String,
    pub schema: String,
}

impl Drop for DropSchema {
    fn drop(&mut self) {
        let out = std::process::Command::new("psql")
            .args([
                &self.url,
                "-qc",
                &format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema),
            ])
            .output();
        if !matches!(&out, Ok(o) if o.status.success()) {
            eprintln!("could not drop the test schema {}: {out:?}", self.schema);
        }
    }
}

/// The PostgreSQL test database's URL and a fresh schema name (dropped with the returned guard),
/// or `None` where PostgreSQL is not available and the test may be skipped.
pub fn postgres_schema(label: &str) -> Option<(String, String, DropSchema)> {
    let Some(url) = std::env::var("SCAMTRACE_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        skip_or_fail("PostgreSQL (SCAMTRACE_TEST_POSTGRES_URL)");
        return None;
    };
    let schema = format!(
        "st_test_{label}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    );
    let guard = DropSchema {
        url: url.clone(),
        schema: schema.clone(),
    };
    Some((url, schema, guard))
}
