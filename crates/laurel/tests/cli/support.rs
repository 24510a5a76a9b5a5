//! Shared helpers: running the `laurel` binary, serving it on a free port, talking HTTP to it.

use std::collections::hash_map::RandomState;
use std::ffi::OsStr;
use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_laurel");

/// The demo program, earning rules included.
const DEMO_PROGRAM: &str = include_str!("../../demo/program.toml");

/// The whole demo program: rules, tiers and all.
pub fn demo_program() -> &'static str {
    DEMO_PROGRAM
}

/// The demo program without its earning rules (and the tiers after them): pending_days = 7,
/// points expire 12 months after earning, exactly 1 point per CNY whatever the day or the
/// member, so a test knows what each purchase earns.
pub fn program() -> &'static str {
    DEMO_PROGRAM
        .split_once("\n[[rules]]")
        .map_or(DEMO_PROGRAM, |(base, _)| base)
}

/// Longest a one-shot command (`keys create`, `jobs run`, a refused `serve`) may take.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// Longest a server may take to answer `/healthz` after it was started.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// A random number, different on every call (no dependency needed).
pub fn random() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("binding 127.0.0.1:0 to find a free port")
        .port()
}

/// Writes `text` as `name` in `dir` and returns its path.
pub fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    path
}

/// An instant `n` days ago, as RFC 3339.
pub fn days_ago(n: i64) -> String {
    (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * n)).to_string()
}

/// Imports `members` and `purchases` (CSV texts) into `database` with [`program`], through
/// `laurel import`, writing the files in `dir`; the program file's path.
pub fn imported(dir: &Path, database: &str, members: &str, purchases: &str) -> PathBuf {
    let program = write_file(dir, "program.toml", program());
    let members = write_file(dir, "members.csv", members);
    let purchases = write_file(dir, "purchases.csv", purchases);
    for (kind, file) in [("members", &members), ("purchases", &purchases)] {
        laurel_ok(&[
            "import",
            kind,
            file.to_str().expect("a UTF-8 path"),
            "--database",
            database,
            "--program",
            program.to_str().expect("a UTF-8 path"),
        ]);
    }
    program
}

/// What a finished command printed.
#[derive(Debug)]
pub struct Output {
    /// Exit status.
    pub status: ExitStatus,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `laurel <args>` to completion, killing it (and failing) after `COMMAND_TIMEOUT`.
pub fn laurel(args: &[&str]) -> Output {
    laurel_with_env(args, &[])
}

/// Runs `laurel <args>` like [`laurel`], with these environment variables set.
pub fn laurel_with_env(args: &[&str], env: &[(&str, &OsStr)]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {BIN} {args:?}: {e}"));
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + COMMAND_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for laurel") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`laurel {}` did not finish within {COMMAND_TIMEOUT:?}",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

/// Runs `laurel <args>`, insisting that it succeeds.
pub fn laurel_ok(args: &[&str]) -> Output {
    succeeded(laurel(args), args)
}

/// Insists that `laurel <args>` succeeded, showing what it printed if not.
pub fn succeeded(output: Output, args: &[&str]) -> Output {
    assert!(
        output.status.success(),
        "`laurel {}` failed ({}):\n--- stdout ---\n{}\n--- stderr ---\n{}",
        args.join(" "),
        output.status,
        output.stdout,
        output.stderr
    );
    output
}

/// Creates an API key with `laurel keys create` and returns it.
pub fn create_key(database: &str, scope: &str) -> String {
    let output = laurel_ok(&[
        "keys",
        "create",
        "--scope",
        scope,
        "--name",
        &format!("test {scope}"),
        "--database",
        database,
    ]);
    let key = output.stdout.trim().to_owned();
    assert!(
        !key.is_empty() && !key.contains(char::is_whitespace),
        "`keys create` printed {:?}, not one key",
        output.stdout
    );
    key
}

/// The last `lines` lines of a file, for failure messages.
pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| format!("(cannot read {}: {e})", path.display()));
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A running `laurel` server process. Dropping it kills the process (SIGKILL) and reaps it.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Where its stderr (the log) goes.
    pub log: PathBuf,
}

impl Server {
    /// Spawns `laurel <args> --listen 127.0.0.1:<free port>` with stderr to `log` and waits until
    /// `/healthz` answers. Retries on another port if the chosen one was taken meanwhile.
    pub async fn start(args: &[&str], log: &Path) -> Server {
        for attempt in 1..=3 {
            let port = free_port();
            let listen = format!("127.0.0.1:{port}");
            let file = std::fs::File::create(log)
                .unwrap_or_else(|e| panic!("creating {}: {e}", log.display()));
            let child = Command::new(BIN)
                .args(args)
                .args(["--listen", &listen])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(file)
                .spawn()
                .unwrap_or_else(|e| panic!("starting {BIN} {args:?}: {e}"));
            let mut server = Server {
                child,
                base: format!("http://{listen}"),
                log: log.to_owned(),
            };
            match server.wait_ready().await {
                Ok(()) => return server,
                Err(log_tail) if attempt < 3 && log_tail.contains("binding") => continue,
                Err(log_tail) => panic!(
                    "`laurel {}` did not become ready:\n{log_tail}",
                    args.join(" ")
                ),
            }
        }
        unreachable!("the loop returns or panics")
    }

    /// Polls `/healthz` until it answers 200; on failure, the tail of the log.
    async fn wait_ready(&mut self) -> Result<(), String> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("http client");
        let url = format!("{}/healthz", self.base);
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("polling the server") {
                return Err(format!(
                    "exited early ({status}); log:\n{}",
                    tail(&self.log, 40)
                ));
            }
            if let Ok(response) = client.get(&url).send().await
                && response.status() == reqwest::StatusCode::OK
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "no 200 from {url} within {READY_TIMEOUT:?}; log:\n{}",
                    tail(&self.log, 40)
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `kill -9` and reap.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The URL of an API path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A child process killed (SIGKILL) and reaped on drop, for processes that are not [`Server`]s.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `laurel serve` on `db` with `program` (written into `dir`, where the log goes too), no
/// scheduled jobs, and `more` arguments; with an admin key made for it.
pub async fn serve_with(
    db: &laurel_testkit::TestDb,
    dir: &Path,
    program: &str,
    more: &[&str],
) -> (Server, String) {
    let program = write_file(dir, "program.toml", program);
    let key = create_key(&db.url, "admin");
    let mut args = vec![
        "serve",
        "--database",
        &db.url,
        "--program",
        program.to_str().expect("a UTF-8 temp path"),
        "--job-interval-secs",
        "0",
    ];
    args.extend_from_slice(more);
    let server = Server::start(&args, &dir.join("serve.log")).await;
    (server, key)
}

/// An HTTP client for the tests: bounded in time.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("http client")
}

/// Enrolls a member and returns its id.
pub async fn enroll(
    client: &reqwest::Client,
    server: &Server,
    key: &str,
    external_id: &str,
) -> i64 {
    let response = client
        .post(server.url("/api/v1/members"))
        .bearer_auth(key)
        .json(&serde_json::json!({ "external_id": external_id, "channel": "pos" }))
        .send()
        .await
        .expect("enrolling");
    let status = response.status();
    let body: serde_json::Value = response.json().await.expect("enroll answer is JSON");
    assert_eq!(
        status,
        reqwest::StatusCode::CREATED,
        "enrolling {external_id}: {body}"
    );
    body["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("enroll answer without id: {body}"))
}

/// The body of a purchase.
pub fn purchase_body(
    member_id: i64,
    order_id: &str,
    total: &str,
    occurred_at: &str,
) -> serde_json::Value {
    serde_json::json!({
        "member_id": member_id,
        "order_id": order_id,
        "channel": "pos",
        "currency": "CNY",
        "total": total,
        "occurred_at": occurred_at,
    })
}

/// GETs a JSON document, insisting on 200.
pub async fn get_json(client: &reqwest::Client, url: &str, key: &str) -> serde_json::Value {
    let response = client
        .get(url)
        .bearer_auth(key)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status();
    let body: serde_json::Value = response
        .json()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: body: {e}"));
    assert_eq!(status, reqwest::StatusCode::OK, "GET {url}: {body}");
    body
}

/// Every ledger entry of a member, following `next_cursor` to the end.
pub async fn full_ledger(
    client: &reqwest::Client,
    server: &Server,
    key: &str,
    member_id: i64,
) -> Vec<serde_json::Value> {
    const PAGES_MAX: usize = 1000;
    let mut entries = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..PAGES_MAX {
        let mut url = server.url(&format!("/api/v1/members/{member_id}/ledger?limit=200"));
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page = get_json(client, &url, key).await;
        entries.extend(
            page["entries"]
                .as_array()
                .unwrap_or_else(|| panic!("ledger page without entries: {page}"))
                .iter()
                .cloned(),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return entries,
        }
    }
    panic!("member {member_id}'s ledger did not end within {PAGES_MAX} pages");
}

/// A member's (available, pending).
pub async fn balance(
    client: &reqwest::Client,
    server: &Server,
    key: &str,
    member_id: i64,
) -> (i64, i64) {
    let body = get_json(
        client,
        &server.url(&format!("/api/v1/members/{member_id}/balance")),
        key,
    )
    .await;
    let available = body["available"]
        .as_i64()
        .unwrap_or_else(|| panic!("balance without available: {body}"));
    let pending = body["pending"]
        .as_i64()
        .unwrap_or_else(|| panic!("balance without pending: {body}"));
    (available, pending)
}

/// What a storm's clients share: a count of acknowledged requests, and the word to stop.
#[derive(Clone, Default)]
pub struct Storm {
    acked: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Storm {
    /// Counts one acknowledged request.
    pub fn acked(&self) {
        self.acked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// Whether the clients should stop sending.
    pub fn stopped(&self) -> bool {
        self.stop.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Runs `clients` clients (`client(task, storm)`, each returning what became of its
/// requests) and kills the server with `kill -9` once `threshold` requests were acknowledged
/// (or the clients finished, or `timeout` passed), plus `extra`. Returns every client's
/// results and how many acknowledgements the kill came after.
pub async fn storm_and_kill<T, F, Fut>(
    server: &mut Server,
    clients: usize,
    threshold: usize,
    extra: Duration,
    timeout: Duration,
    client: F,
) -> (Vec<T>, usize)
where
    T: Send + 'static,
    F: Fn(usize, Storm) -> Fut,
    Fut: std::future::Future<Output = Vec<T>> + Send + 'static,
{
    let storm = Storm::default();
    let tasks: Vec<_> = (0..clients)
        .map(|task| tokio::spawn(client(task, storm.clone())))
        .collect();
    let deadline = Instant::now() + timeout;
    let acked = || storm.acked.load(std::sync::atomic::Ordering::SeqCst);
    while acked() < threshold && Instant::now() < deadline && !tasks.iter().all(|t| t.is_finished())
    {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    tokio::time::sleep(extra).await;
    let at = acked();
    server.kill();
    storm.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut results = Vec::new();
    for task in tasks {
        results.extend(task.await.expect("client task"));
    }
    (results, at)
}

/// Checks the whole ledger of `database` (the store's own audit), naming the backend.
pub async fn assert_consistent(backend: &str, database: &str) {
    let store = laurel_engine::Store::connect(database)
        .await
        .expect("connecting to check the ledger");
    let report = store
        .check_consistency()
        .await
        .expect("checking the ledger");
    assert!(report.is_consistent(), "{backend}: {report:?}");
    store.close().await;
}

/// A Laurel to serve from a scratch folder: its program written there, an admin key, and what
/// starts it (again, after a kill or a stop) on the same database, each start logging to a
/// file of its own.
pub struct Rig {
    dir: tempfile::TempDir,
    program: String,
    args: Vec<String>,
    /// An admin API key.
    pub key: String,
    starts: usize,
}

impl Rig {
    /// Writes `program` and makes an admin key for `database`; the server runs its jobs every
    /// `job_interval_secs` (0: never, so the ledger changes only by what the test sends).
    pub fn new(database: &str, program: &str, job_interval_secs: u32) -> Rig {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = write_file(dir.path(), "program.toml", program);
        let file = file.to_str().expect("utf-8 path").to_owned();
        let args = [
            "serve",
            "--database",
            database,
            "--program",
            &file,
            "--job-interval-secs",
            &job_interval_secs.to_string(),
        ]
        .map(str::to_owned)
        .to_vec();
        Rig {
            dir,
            program: file,
            args,
            key: create_key(database, "admin"),
            starts: 0,
        }
    }

    /// The program file's path.
    pub fn program(&self) -> &str {
        &self.program
    }

    /// Starts the server and waits until it answers.
    pub async fn start(&mut self) -> Server {
        let log = self.dir.path().join(format!("serve-{}.log", self.starts));
        self.starts += 1;
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        Server::start(&args, &log).await
    }
}

/// When a crash test's purchases happened: an hour ago, well inside any backdating window.
pub fn an_hour_ago() -> String {
    (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1)).to_string()
}
