//! A real SMTP server on loopback for the suites that send e-mail: aiosmtpd (from PyPI, see
//! [`crate::python`]) keeping what it receives in a maildir that the test reads.

use std::io::{BufRead as _, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// How long the server may take to answer its first connection.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// An SMTP server on 127.0.0.1, stopped when dropped.
#[derive(Debug)]
pub struct SmtpServer {
    port: u16,
    child: Child,
    maildir: TempDir,
}

impl SmtpServer {
    /// A fresh server with an empty mailbox, or `None` (after a loud message) when aiosmtpd is
    /// not installed and this is not CI.
    pub fn start() -> Option<SmtpServer> {
        SmtpServer::start_on(crate::free_port().expect("a free port"))
    }

    /// [`SmtpServer::start`] on `port` (one a client was told of before the server was up).
    pub fn start_on(port: u16) -> Option<SmtpServer> {
        let tools = crate::python::tools(&["python"], "the e-mail delivery tests")?;
        let maildir = tempfile::tempdir().expect("a maildir folder");
        // A maildir that exists already is taken as made: its three folders must be there.
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir(maildir.path().join(sub)).expect("a maildir's folder");
        }
        let child = Command::new(tools.join("python"))
            .args(["-m", "aiosmtpd", "--nosetuid", "--listen"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["--class", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("starting aiosmtpd: {e}"));
        let mut server = SmtpServer {
            port,
            child,
            maildir,
        };
        server.wait_ready();
        Some(server)
    }

    /// Waits until the server greets a connection.
    fn wait_ready(&mut self) {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(stream) = TcpStream::connect(("127.0.0.1", self.port)) {
                let mut greeting = String::new();
                let _ = BufReader::new(stream).read_line(&mut greeting);
                if greeting.starts_with("220") {
                    return;
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("aiosmtpd exited before it listened: {status} (is aiosmtpd installed?)");
            }
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not listen on port {} within {START_TIMEOUT:?}",
                self.port
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Where it listens, as `smtp://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The messages received so far, each as the server stored it (headers, a blank line,
    /// the body as sent), oldest first.
    pub fn messages(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = ["new", "cur"]
            .iter()
            .flat_map(|sub| read_dir(&self.maildir.path().join(sub)))
            .collect();
        // In the order they arrived (a maildir's names are unique, not ordered).
        files.sort_by_key(|f| {
            let arrived = std::fs::metadata(f).and_then(|m| m.modified()).ok();
            (arrived, f.clone())
        });
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).expect("a stored message"))
            .collect()
    }

    /// Waits up to ten seconds for at least `count` messages and returns them all.
    pub fn wait_for(&self, count: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let messages = self.messages();
            if messages.len() >= count || Instant::now() > deadline {
                return messages;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn read_dir(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
