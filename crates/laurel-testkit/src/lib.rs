//! Test support for Laurel's suites: scratch SQLite files and a throwaway PostgreSQL cluster.
//!
//! * [`sqlite()`] gives a fresh SQLite database file in its own temporary directory.
//! * [`postgres()`] gives a fresh database on a PostgreSQL cluster that belongs to the current
//!   test process. The cluster is created (`initdb`) and started (`pg_ctl`) lazily on first use,
//!   listens on a free port on 127.0.0.1 only, trusts every local connection, and is stopped and
//!   deleted by a small watchdog shell process once the test process has exited.
//! * [`backends()`] gives both, so a test can run the same checks against every backend.
//! * [`smtp::SmtpServer`] is a real SMTP server on loopback whose mailbox a test reads, and
//!   [`python::tools`] finds the Python tools from PyPI that it and the OpenAPI checks run.
//!
//! PostgreSQL's binaries are looked up in `pg_config --bindir`, then in the Debian location for
//! PostgreSQL 15, then on `PATH`. When they are missing, [`postgres()`] prints a loud message and
//! returns `None` so that the tests can skip — unless the `CI` environment variable is `true`, in
//! which case a missing PostgreSQL is a test failure (CI must never silently skip a backend).
//!
//! PostgreSQL refuses to run as root. When the tests run as root, the cluster's directory is
//! handed to the `postgres` system user and the server tools run through
//! `runuser -u postgres -- ...`; clients (`psql`, the tests themselves) connect over TCP and do not
//! care who they run as.

// Test support fails loudly by design: a fixture that cannot be set up must abort the test with a
// clear message, so `unwrap`/`expect`/`panic!` are the intended error handling in this crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod crowd;
pub mod imports;
pub mod python;
pub mod smtp;
pub mod webhooks;

use std::io::Write as _;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use tempfile::TempDir;

/// Where Debian's `postgresql-15` package puts the server binaries.
const DEBIAN_PG15_BINDIR: &str = "/usr/lib/postgresql/15/bin";

/// How many ports to try before giving up on starting the cluster.
const START_ATTEMPTS: usize = 5;

/// How many lines of the server log to quote in error messages.
const LOG_TAIL_LINES: usize = 40;

/// A database for one test: its URL and whatever keeps it alive (drop removes it).
///
/// For SQLite, dropping the value deletes the database file and its directory. For PostgreSQL,
/// dropping it leaves the database in place: the whole cluster is thrown away when the test
/// process exits, so dropping each database individually would only cost time.
#[derive(Debug)]
pub struct TestDb {
    /// Connection URL: `sqlite://<path>?mode=rwc` or
    /// `postgres://postgres@127.0.0.1:<port>/<dbname>`.
    pub url: String,
    /// The SQLite database's temporary directory (removed on drop); `None` for PostgreSQL.
    _dir: Option<TempDir>,
}

/// A fresh SQLite database file in its own temp dir. URL form: `sqlite://<path>?mode=rwc`.
///
/// The file itself is not created (`mode=rwc` lets the driver create it on first connection);
/// the directory exists for as long as the returned [`TestDb`] lives.
pub fn sqlite() -> TestDb {
    let dir = tempfile::Builder::new()
        .prefix("laurel-sqlite-")
        .tempdir()
        .expect("laurel-testkit: cannot create a temporary directory for a SQLite database");
    let path = dir.path().join("test.db");
    TestDb {
        url: format!("sqlite://{}?mode=rwc", path.display()),
        _dir: Some(dir),
    }
}

/// A fresh database on this process's throwaway PostgreSQL cluster (started on first use).
///
/// URL form: `postgres://postgres@127.0.0.1:<port>/<dbname>`, where `<dbname>` is
/// `laurel_test_<pid>_<counter>`, so every call gives a new, empty database.
///
/// Returns `None`, after printing a loud message to stderr ("SKIPPING PostgreSQL tests: ...
/// install postgresql-15"), when PostgreSQL's binaries are missing and the `CI` environment
/// variable is not `true`. Under `CI=true` a missing PostgreSQL is a panic with a clear message.
///
/// # Panics
///
/// When the cluster cannot be created or started (the message quotes the failing command, its
/// stderr and the tail of the server log), when a database cannot be created, or when PostgreSQL
/// is missing under `CI=true`. After a failed start every later call panics with the same message
/// instead of retrying.
pub fn postgres() -> Option<TestDb> {
    static CLUSTER: OnceLock<Result<Option<Cluster>, String>> = OnceLock::new();
    database_on(&CLUSTER, Durability::Throwaway)
}

/// Like [`postgres()`], on a second cluster that keeps PostgreSQL's durability settings
/// (fsync and synchronous_commit on): for benchmarks, whose figures must be honest.
///
/// # Panics
///
/// As [`postgres()`].
pub fn durable_postgres() -> Option<TestDb> {
    static CLUSTER: OnceLock<Result<Option<Cluster>, String>> = OnceLock::new();
    database_on(&CLUSTER, Durability::Durable)
}

/// Whether a cluster may lose data on a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Durability {
    /// fsync=off: fine for tests, which throw the cluster away.
    Throwaway,
    /// PostgreSQL's defaults: a commit is on disk when acknowledged.
    Durable,
}

fn database_on(
    cell: &OnceLock<Result<Option<Cluster>, String>>,
    durability: Durability,
) -> Option<TestDb> {
    static NEXT_DB: AtomicU64 = AtomicU64::new(0);

    let cluster = match cell.get_or_init(|| init_cluster(durability)) {
        Ok(Some(cluster)) => cluster,
        Ok(None) => return None,
        Err(message) => panic!("{message}"),
    };
    let name = format!(
        "laurel_test_{}_{}",
        std::process::id(),
        NEXT_DB.fetch_add(1, Ordering::Relaxed)
    );
    cluster.create_database(&name);
    Some(TestDb {
        url: cluster.url(&name),
        _dir: None,
    })
}

/// Both backends: `[("sqlite", db), ("postgres", db)]`.
///
/// The `postgres` entry is absent when PostgreSQL is skipped (see [`postgres()`]).
///
/// # Panics
///
/// Whenever [`sqlite()`] or [`postgres()`] would.
pub fn backends() -> Vec<(&'static str, TestDb)> {
    let mut all = vec![("sqlite", sqlite())];
    if let Some(db) = postgres() {
        all.push(("postgres", db));
    }
    all
}

/// Whether the `CI` environment variable says we are running in CI.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value.trim().eq_ignore_ascii_case("true"))
}

/// Finds the binaries, then either starts the cluster, skips (`Ok(None)`), or explains why not.
fn init_cluster(durability: Durability) -> Result<Option<Cluster>, String> {
    let Some(bins) = PgBins::find() else {
        let looked = format!("looked in `pg_config --bindir`, {DEBIAN_PG15_BINDIR} and on PATH");
        if in_ci() {
            return Err(format!(
                "laurel-testkit: PostgreSQL server binaries (initdb, pg_ctl, psql) not found \
                 ({looked}) and CI=true: PostgreSQL tests must not be skipped in CI. \
                 Install postgresql-15 (e.g. `apt-get install postgresql-15`)."
            ));
        }
        // Written straight to the stderr handle rather than with `eprintln!`, which the test
        // harness captures: a skipped backend must be visible even when the tests pass.
        let line = "*".repeat(78);
        let _ = writeln!(
            std::io::stderr(),
            "\n{line}\n*** SKIPPING PostgreSQL tests: PostgreSQL server binaries (initdb, pg_ctl, \
             psql) not found\n*** ({looked}).\n*** Only SQLite is being tested. To test \
             PostgreSQL too, install postgresql-15\n*** (e.g. `apt-get install postgresql-15`). \
             With CI=true this is an error.\n{line}\n"
        );
        return Ok(None);
    };
    Cluster::start(bins, durability).map(Some)
}

/// The PostgreSQL programs this crate runs.
#[derive(Debug)]
struct PgBins {
    initdb: PathBuf,
    pg_ctl: PathBuf,
    psql: PathBuf,
}

impl PgBins {
    /// `pg_config --bindir` if it holds the server binaries, else Debian's PostgreSQL 15
    /// directory, else whatever `initdb`/`pg_ctl`/`psql` are on `PATH`.
    fn find() -> Option<Self> {
        let mut dirs = Vec::new();
        if let Ok(out) = Command::new("pg_config")
            .arg("--bindir")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            && out.status.success()
        {
            let dir = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            if !dir.is_empty() {
                dirs.push(PathBuf::from(dir));
            }
        }
        dirs.push(PathBuf::from(DEBIAN_PG15_BINDIR));

        for dir in dirs {
            let (initdb, pg_ctl) = (dir.join("initdb"), dir.join("pg_ctl"));
            if initdb.is_file() && pg_ctl.is_file() {
                let psql = Some(dir.join("psql"))
                    .filter(|p| p.is_file())
                    .or_else(|| on_path("psql"))?;
                return Some(Self {
                    initdb,
                    pg_ctl,
                    psql,
                });
            }
        }
        Some(Self {
            initdb: on_path("initdb")?,
            pg_ctl: on_path("pg_ctl")?,
            psql: on_path("psql")?,
        })
    }
}

/// The first file called `name` in a directory listed in `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Whether this process runs as root (PostgreSQL's server tools refuse to).
fn running_as_root() -> bool {
    if let Ok(out) = Command::new("id")
        .arg("-u")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        && out.status.success()
    {
        return String::from_utf8_lossy(&out.stdout).trim() == "0";
    }
    // No usable `id`: fall back to the kernel's view of our real UID.
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|line| line.strip_prefix("Uid:"))
            .and_then(|uids| uids.split_whitespace().next())
            == Some("0")
    })
}

/// Quotes `s` for a POSIX shell (`pg_ctl -o` options go through `sh`).
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The last `n` lines of the file at `path`, or a note saying why there are none.
fn tail(path: &Path, n: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(n)..].join("\n")
        }
        Err(err) => format!("(cannot read {}: {err})", path.display()),
    }
}

/// A free TCP port on 127.0.0.1, as the kernel hands it out (free now; may be taken later).
pub fn free_port() -> Result<u16, String> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|err| format!("laurel-testkit: cannot find a free TCP port on 127.0.0.1: {err}"))
}

/// This process's PostgreSQL cluster.
#[derive(Debug)]
struct Cluster {
    bins: PgBins,
    /// Runs the server tools through `runuser -u postgres --` (we are root).
    as_root: bool,
    /// Top directory (kept, not auto-deleted): `data/`, `sock/` and `server.log` live in it.
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn sock_dir(&self) -> PathBuf {
        self.dir.join("sock")
    }

    fn log_file(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    /// `postgres://postgres@127.0.0.1:<port>/<db>`.
    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Creates the cluster directory, its watchdog, runs `initdb` and starts the server.
    fn start(bins: PgBins, durability: Durability) -> Result<Self, String> {
        // `keep()`: the directory must outlive every `TempDir` drop while the server runs; the
        // watchdog removes it once the test process is gone.
        let dir = tempfile::Builder::new()
            .prefix("laurel-pg-")
            .tempdir()
            .map_err(|err| format!("laurel-testkit: cannot create the cluster directory: {err}"))?
            .keep();
        let mut cluster = Self {
            bins,
            as_root: running_as_root(),
            dir,
            port: 0,
        };
        // Before anything can fail half-way: whatever gets created is cleaned up at exit.
        cluster.spawn_watchdog()?;

        std::fs::create_dir(cluster.sock_dir()).map_err(|err| {
            format!(
                "laurel-testkit: cannot create {}: {err}",
                cluster.sock_dir().display()
            )
        })?;
        if cluster.as_root {
            let mut chown = Command::new("chown");
            chown.arg("-R").arg("postgres:postgres").arg(&cluster.dir);
            cluster.run(chown, "hand the cluster directory to the `postgres` user")?;
        }

        let mut initdb = cluster.server_tool(&cluster.bins.initdb);
        initdb
            .arg("-D")
            .arg(cluster.data_dir())
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"])
            // A fixed locale keeps sorting identical on every machine and avoids clashes
            // between the environment's locale and the UTF8 encoding.
            .arg("--locale=C");
        cluster.run(initdb, "initialise the test cluster (initdb)")?;

        let mut last_error = String::new();
        for _ in 0..START_ATTEMPTS {
            cluster.port = free_port()?;
            // fsync=off: a test cluster is thrown away when the tests end, so durability is
            // worthless there and skipping it makes the tests much faster.
            let fsync = match durability {
                Durability::Throwaway => "off",
                Durability::Durable => "on",
            };
            let options = format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync={fsync} -c max_connections=200",
                cluster.port,
                sh_quote(&cluster.sock_dir().to_string_lossy()),
            );
            let mut pg_ctl = cluster.server_tool(&cluster.bins.pg_ctl);
            pg_ctl
                .arg("-w")
                .arg("-D")
                .arg(cluster.data_dir())
                .arg("-l")
                .arg(cluster.log_file())
                .arg("-o")
                .arg(options)
                .arg("start");
            match cluster.run(pg_ctl, "start the test cluster (pg_ctl start)") {
                Ok(()) => return Ok(cluster),
                Err(err) => {
                    // Most likely another process took the port between our probe and the
                    // server's bind. Make sure nothing is left running, then try another port.
                    last_error = err;
                    let _ = cluster.stop_immediately();
                }
            }
        }
        Err(format!(
            "laurel-testkit: giving up after {START_ATTEMPTS} attempts to start PostgreSQL; \
             last error:\n{last_error}"
        ))
    }

    /// Best-effort `pg_ctl stop -m immediate` (used between start attempts).
    fn stop_immediately(&self) -> std::io::Result<std::process::Output> {
        let mut stop = self.server_tool(&self.bins.pg_ctl);
        stop.arg("-D")
            .arg(self.data_dir())
            .args(["stop", "-m", "immediate"]);
        stop.output()
    }

    /// A command for a server tool (`initdb`, `pg_ctl`), run as `postgres` when we are root.
    fn server_tool(&self, program: &Path) -> Command {
        let mut cmd = if self.as_root {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(program);
            cmd
        } else {
            Command::new(program)
        };
        // The tools look up their own location from the working directory, which must be
        // readable by the `postgres` user: the test's own directory may not be.
        cmd.current_dir(&self.dir);
        cmd
    }

    /// Runs `cmd` to completion; on failure, an error quoting the command, its output and the
    /// tail of the server log.
    fn run(&self, mut cmd: Command, what: &str) -> Result<(), String> {
        let output = cmd
            .stdin(Stdio::null())
            .output()
            .map_err(|err| format!("laurel-testkit: cannot {what}: running {cmd:?}: {err}"))?;
        if output.status.success() {
            return Ok(());
        }
        Err(format!(
            "laurel-testkit: cannot {what}: {cmd:?} failed ({status})\n\
             --- stderr ---\n{stderr}\n--- stdout ---\n{stdout}\n\
             --- last lines of the server log ({log}) ---\n{log_tail}\n{hint}",
            status = output.status,
            stderr = String::from_utf8_lossy(&output.stderr).trim_end(),
            stdout = String::from_utf8_lossy(&output.stdout).trim_end(),
            log = self.log_file().display(),
            log_tail = tail(&self.log_file(), LOG_TAIL_LINES),
            hint = if self.as_root {
                "(running as root: the server tools run as the `postgres` user, which needs to \
                 reach the cluster directory; check that TMPDIR is accessible to it)\n"
            } else {
                ""
            },
        ))
    }

    /// Starts a detached shell that waits for this process to exit, then stops the server and
    /// deletes the cluster directory (Rust's test harness has no global teardown hook).
    fn spawn_watchdog(&self) -> Result<(), String> {
        const SCRIPT: &str = r#"pid=$1; data=$2; dir=$3; shift 3
while kill -0 "$pid" 2>/dev/null; do sleep 1; done
"$@" -D "$data" stop -m immediate
rm -rf "$dir""#;

        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(SCRIPT)
            .arg("laurel-testkit-pg-watchdog")
            .arg(std::process::id().to_string())
            .arg(self.data_dir())
            .arg(&self.dir);
        // The stop command: as root, the watchdog itself must stay root (to be allowed to
        // `kill -0` this process and delete the directory), so only pg_ctl goes through runuser.
        if self.as_root {
            cmd.args(["runuser", "-u", "postgres", "--"]);
        }
        cmd.arg(&self.bins.pg_ctl)
            .current_dir("/")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Own process group: a Ctrl-C aimed at the test run must not kill the watchdog before
        // it has cleaned up.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        // Deliberately never waited for: it must outlive this process (it is reaped by init).
        cmd.spawn()
            .map_err(|err| format!("laurel-testkit: cannot start the cleanup watchdog: {err}"))?;
        Ok(())
    }

    /// `CREATE DATABASE "<name>"` on the cluster.
    fn create_database(&self, name: &str) {
        let mut psql = Command::new(&self.bins.psql);
        psql.arg(self.url("postgres"))
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c"])
            .arg(format!("CREATE DATABASE \"{name}\""))
            .current_dir(&self.dir);
        if let Err(message) = self.run(psql, &format!("create database {name}")) {
            panic!("{message}");
        }
    }
}
