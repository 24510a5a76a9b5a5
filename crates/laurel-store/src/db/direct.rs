//! Direct SQLite connections for the write path.
//!
//! sqlx runs every SQLite connection on a worker thread of its own, so each statement is a
//! hand-off between threads and back: on two cores the benchmark's write path spent most of
//! its time switching threads, not in SQLite. The write path instead runs its transactions on
//! a thread of its own (see the engine's writer) over a connection it owns, one call per
//! statement, with prepared statements cached. Same file, same durability settings.

use crate::db::checkpoint::Checkpointer;
use crate::db::sql::{Arg, Row};
use crate::error::{Result, StoreError};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use sqlx::sqlite::SqliteConnectOptions;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Statements a connection keeps prepared: the write path uses a few dozen.
const STATEMENT_CACHE: usize = 256;
/// How long a statement waits for another connection's write lock before failing busy.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// The same settings as the pool's connections: synchronous=FULL makes a commit durable
/// against power loss. No checkpoint inside a commit: the checkpoint thread runs them
/// (`checkpoint.rs`).
/// Statement journals (the undo a multi-row INSERT keeps in case it fails halfway) stay in
/// memory: on a file, they were more `pwrite`s than the WAL itself. (So would a temporary
/// table or a large sort, which the write path does not make.)
const PRAGMAS: &str = "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
     PRAGMA wal_autocheckpoint = 0; PRAGMA temp_store = MEMORY;";

/// How the write path's connections trade memory and checkpoint pauses for disk work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WriteProfile {
    /// Serving requests: a 32 MiB page cache (with SQLite's own 2 MiB, the bench's writer
    /// read 88,000 pages a second back from the file; with this, 2,200) and a checkpoint at
    /// most every 100 ms, on the checkpoint thread, so that the WAL holds little when the load
    /// allows.
    #[default]
    Serving,
    /// A bulk import, whose batches are large: a 128 MiB page cache, so a growing database is
    /// not read back page by page, and a checkpoint at most every second, so a page that
    /// many batches rewrite is copied into the database once rather than each time.
    Bulk,
}

impl WriteProfile {
    fn pragmas(self) -> &'static str {
        match self {
            WriteProfile::Serving => "PRAGMA cache_size = -32768;",
            WriteProfile::Bulk => "PRAGMA cache_size = -131072;",
        }
    }

    fn checkpoint_interval(self) -> Duration {
        match self {
            WriteProfile::Serving => Duration::from_millis(100),
            WriteProfile::Bulk => Duration::from_secs(1),
        }
    }
}

/// Direct connections to one SQLite file, opened on first use and reused.
#[derive(Debug)]
pub(crate) struct DirectPool {
    path: String,
    profile: WriteProfile,
    idle: Mutex<Vec<Connection>>,
    checkpointer: Checkpointer,
}

impl DirectPool {
    /// The pool for a `sqlite:` URL, or None when the database has no file of its own to
    /// share between connections (an in-memory database).
    pub(crate) fn for_url(url: &str, profile: WriteProfile) -> Option<Arc<DirectPool>> {
        if url.contains(":memory:") || url.contains("mode=memory") {
            return None;
        }
        // sqlx's own reading of the URL (it percent-decodes the path), so that the pool and
        // these connections open the same file.
        let options = SqliteConnectOptions::from_str(url).ok()?;
        let path = options.get_filename().to_str()?;
        if path.is_empty() {
            return None;
        }
        Some(Arc::new(DirectPool {
            path: path.to_owned(),
            profile,
            idle: Mutex::new(Vec::new()),
            checkpointer: Checkpointer::new(path.to_owned(), profile.checkpoint_interval()),
        }))
    }

    fn take(&self) -> Result<Connection> {
        if let Some(conn) = self.idle.lock().map_err(poisoned)?.pop() {
            return Ok(conn);
        }
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.execute_batch(PRAGMAS)?;
        conn.execute_batch(self.profile.pragmas())?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
    }

    /// Stops the checkpoint thread and closes the idle connections.
    pub(crate) fn close(&self) {
        self.checkpointer.stop();
        if let Ok(mut idle) = self.idle.lock() {
            idle.clear();
        }
    }
}

fn poisoned<T>(_: T) -> StoreError {
    StoreError::Corrupt("the direct connection pool's lock was poisoned".into())
}

/// A write transaction on a direct connection. Its calls block the calling thread: for a
/// thread of its own, never an async worker. Dropped unfinished, it rolls back.
#[derive(Debug)]
pub(crate) struct DirectTx {
    conn: Option<Connection>,
    pool: Arc<DirectPool>,
}

impl DirectTx {
    /// Takes a connection and begins: `IMMEDIATE` takes the write lock up front so the
    /// transaction never fails half-way on upgrading a read lock.
    pub(crate) fn begin(pool: &Arc<DirectPool>) -> Result<DirectTx> {
        let conn = pool.take()?;
        pool.checkpointer.restart_if_long(&conn, BUSY_TIMEOUT);
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            pool.give_back(conn);
            return Err(e.into());
        }
        Ok(DirectTx {
            conn: Some(conn),
            pool: pool.clone(),
        })
    }

    fn conn(&self) -> Result<&Connection> {
        self.conn
            .as_ref()
            .ok_or_else(|| StoreError::Corrupt("the transaction has ended".into()))
    }

    /// Every row `sql` returns.
    pub(crate) fn rows(&mut self, sql: &str, args: &[Arg<'_>], limit: usize) -> Result<Vec<Row>> {
        let mut stmt = self.conn()?.prepare_cached(&numbered(sql))?;
        bind(&mut stmt, args)?;
        let names: Arc<[String]> = stmt.column_names().into_iter().map(String::from).collect();
        let columns = names.len();
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while out.len() < limit
            && let Some(row) = rows.next()?
        {
            let values = (0..columns)
                .map(|i| row.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            out.push(Row::Direct(names.clone(), values));
        }
        Ok(out)
    }

    /// Runs a statement that returns no rows; the rows it changed.
    pub(crate) fn run(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        let mut stmt = self.conn()?.prepare_cached(&numbered(sql))?;
        bind(&mut stmt, args)?;
        Ok(stmt.raw_execute()? as u64)
    }

    /// Runs statements without arguments, such as a savepoint.
    pub(crate) fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.conn()?.execute_batch(sql)?)
    }

    /// Commits; when this returns Ok the transaction is durable.
    pub(crate) fn commit(mut self) -> Result<()> {
        let conn = self.conn.take();
        let Some(conn) = conn else { return Ok(()) };
        let done = conn.execute_batch("COMMIT");
        if done.is_err() {
            // A failed COMMIT (busy, disk full) leaves the transaction open: end it here.
            let _ = conn.execute_batch("ROLLBACK");
        } else {
            self.pool.checkpointer.nudge();
        }
        self.pool.give_back(conn);
        Ok(done?)
    }
}

impl Drop for DirectTx {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            // A connection whose rollback failed may still be in a transaction: drop it.
            if conn.execute_batch("ROLLBACK").is_ok() {
                self.pool.give_back(conn);
            }
        }
    }
}

/// `sql` with each `$n` placeholder written `?n`, outside quoted text. SQLite numbers `$n`
/// parameters in the order they first appear, so binding them meant asking each one's name,
/// a scan of the statement's parameters per parameter: quadratic in a statement that writes
/// a hundred rows. A `?n` parameter is number n.
pub(crate) fn numbered(sql: &str) -> std::borrow::Cow<'_, str> {
    if !sql.contains('$') {
        return sql.into();
    }
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        quoted ^= c == '\'';
        let placeholder = c == '$' && !quoted && chars.peek().is_some_and(char::is_ascii_digit);
        out.push(if placeholder { '?' } else { c });
    }
    out.into()
}

/// Binds `args` to a statement prepared from [`numbered`] text: parameter n is `args[n - 1]`.
fn bind(stmt: &mut rusqlite::Statement<'_>, args: &[Arg<'_>]) -> Result<()> {
    for index in 1..=stmt.parameter_count() {
        let arg = args
            .get(index - 1)
            .ok_or_else(|| StoreError::Corrupt(format!("no argument for parameter ${index}")))?;
        match *arg {
            Arg::Int(v) => stmt.raw_bind_parameter(index, v)?,
            Arg::Text(v) => stmt.raw_bind_parameter(index, v)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{DirectPool, WriteProfile, numbered};

    #[test]
    fn placeholders_are_numbered_outside_quoted_text_only() {
        assert_eq!(
            numbered("UPDATE t SET a = a + $1, b = '$2' WHERE id = $12 AND c = $1"),
            "UPDATE t SET a = a + ?1, b = '$2' WHERE id = ?12 AND c = ?1"
        );
        assert_eq!(numbered("SELECT 'it''s $1', $2"), "SELECT 'it''s $1', ?2");
        assert_eq!(numbered("SELECT $ FROM t"), "SELECT $ FROM t");
    }

    fn path_of(url: &str) -> Option<String> {
        DirectPool::for_url(url, WriteProfile::Serving).map(|pool| pool.path.clone())
    }

    #[test]
    fn the_path_is_read_as_sqlx_reads_it_percent_decoded_and_without_parameters() {
        assert_eq!(
            path_of("sqlite://data/laurel.db?mode=rwc").as_deref(),
            Some("data/laurel.db")
        );
        assert_eq!(path_of("sqlite:laurel.db").as_deref(), Some("laurel.db"));
        assert_eq!(
            path_of("sqlite://my%20shop/laurel%3F.db?mode=rwc").as_deref(),
            Some("my shop/laurel?.db")
        );
    }

    #[test]
    fn an_in_memory_database_has_no_direct_connections() {
        assert_eq!(path_of("sqlite::memory:"), None);
        assert_eq!(path_of("sqlite://?mode=memory"), None);
        assert_eq!(path_of("sqlite://shared?mode=memory&cache=shared"), None);
    }
}
