//! A real webhook receiver on loopback for the suites that deliver webhooks: a small Python
//! HTTP server that fails the first requests on purpose and then recovers, recording each
//! request as received; [`WebhookReceiver::verified`] checks every recorded signature with
//! the Standard Webhooks reference library (`standardwebhooks` from PyPI, see
//! [`crate::python`]).

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

const RECEIVER: &str = include_str!("webhook_receiver.py");
const VERIFY: &str = include_str!("webhook_verify.py");
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A webhook receiver on 127.0.0.1, stopped when dropped.
#[derive(Debug)]
pub struct WebhookReceiver {
    port: u16,
    child: Child,
    python: PathBuf,
    dir: TempDir,
}

/// One request the receiver got, its signature verified.
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    /// The `webhook-id` header.
    pub id: String,
    /// The path it was POSTed to.
    pub path: String,
    /// What the receiver answered (503 while failing on purpose, then 204).
    pub status: u16,
    /// The body, parsed.
    pub event: serde_json::Value,
}

impl WebhookReceiver {
    /// A receiver that answers 503 to its first `fail_first` requests and 204 after, or
    /// `None` (after a loud message) when the Python tools are missing and this is not CI.
    pub fn start(fail_first: usize) -> Option<WebhookReceiver> {
        let tools = crate::python::tools(&["python"], "the webhook delivery tests")?;
        let python = tools.join("python");
        let dir = tempfile::tempdir().expect("a folder for the receiver");
        std::fs::write(dir.path().join("receiver.py"), RECEIVER).expect("the receiver script");
        std::fs::write(dir.path().join("verify.py"), VERIFY).expect("the verifying script");
        std::fs::write(dir.path().join("record.jsonl"), "").expect("the record file");
        let port = crate::free_port().expect("a free port");
        let child = Command::new(&python)
            .arg(dir.path().join("receiver.py"))
            .arg(port.to_string())
            .arg(dir.path().join("record.jsonl"))
            .arg(fail_first.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("starting the webhook receiver: {e}"));
        let mut receiver = WebhookReceiver {
            port,
            child,
            python,
            dir,
        };
        receiver.wait_ready();
        Some(receiver)
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the webhook receiver exited before it listened: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "the webhook receiver did not listen within {START_TIMEOUT:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Its address with `path` (`/hooks/laurel`).
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// How many requests it got so far.
    pub fn count(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("record.jsonl"))
            .expect("the record file")
            .lines()
            .count()
    }

    /// Every request it got, in order, each signature verified with `secret` by the
    /// Standard Webhooks reference library; panics if any does not verify.
    pub fn verified(&self, secret: &str) -> Vec<Received> {
        let out = Command::new(&self.python)
            .arg(self.dir.path().join("verify.py"))
            .arg(self.dir.path().join("record.jsonl"))
            .arg(secret)
            .output()
            .expect("running the verifier");
        assert!(
            out.status.success(),
            "a webhook request did not verify: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let all: Vec<serde_json::Value> =
            serde_json::from_slice(&out.stdout).expect("the verifier's JSON");
        all.into_iter()
            .map(|one| Received {
                id: one["id"].as_str().unwrap_or_default().to_owned(),
                path: one["path"].as_str().unwrap_or_default().to_owned(),
                status: one["status"].as_u64().unwrap_or_default() as u16,
                event: one["event"].clone(),
            })
            .collect()
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
