//! Opening a store: the URL picks the backend; SQLite gets its durability pragmas here.

use crate::direct::{DirectPool, DirectTx, WriteProfile};
use crate::error::{Result, StoreError};
use crate::sql::{Arg, Row, Sql, any_query};
use crate::tx::Tx;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::sync::Arc;
use std::time::Duration;

/// Which database is behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server (or a compatible engine).
    Postgres,
}

impl Backend {
    /// Recognises the backend from a database URL.
    pub fn from_url(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(url.to_owned()))
        }
    }

    /// What a `SELECT` ends with to lock the rows it reads until the transaction ends:
    /// PostgreSQL locks rows; SQLite's write transaction holds the database's single write
    /// lock already.
    pub(crate) fn lock_rows(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }

    /// Statement that opens a write transaction. SQLite takes the write lock up front so a
    /// transaction never fails half-way on upgrading a read lock.
    pub(crate) fn begin_write(self) -> &'static str {
        match self {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }

    /// Statement that opens the write path's transaction ([`Store::begin_blocking`]).
    ///
    /// On PostgreSQL it is planned off sequential scans and hash joins: the write path looks
    /// rows up by key only, a few per command. Why: PostgreSQL plans a statement when a
    /// connection first prepares it and keeps the plan until the table's statistics change,
    /// and statistics trail a young table by a minute or more. Plans made while the ledger
    /// tables were nearly empty scanned them whole once they were not (usage reads went from a
    /// tenth of a millisecond to three). The write path's own statements (reading ahead, the
    /// one statement that writes a batch) run nowhere else, so these settings shape their
    /// plans; a statement shared with reads keeps whichever plan it got first. A statement
    /// with no index to use still scans.
    pub(crate) fn begin_write_path(self) -> &'static str {
        match self {
            Backend::Sqlite => self.begin_write(),
            Backend::Postgres => {
                "BEGIN; SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off"
            }
        }
    }
}

/// Pool sizes: SQLite has one writer at a time, readers are cheap; PostgreSQL takes more.
const SQLITE_CONNECTIONS_MAX: u32 = 8;
const POSTGRES_CONNECTIONS_MAX: u32 = 24;

/// SQLite settings applied to every connection. synchronous=FULL makes a commit durable
/// against power loss, which the API promises for every acknowledged request.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;";

/// A handle on the database: a connection pool and the backend it speaks to. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// SQLite files only: the write path's connections (see `direct.rs`).
    direct: Option<Arc<DirectPool>>,
}

impl Store {
    /// Connects to `sqlite://PATH[?mode=rwc]` or `postgres://…`. Does not migrate.
    pub async fn connect(url: &str) -> Result<Store> {
        Store::connect_with(url, WriteProfile::Serving).await
    }

    /// [`Store::connect`], with the write path's connections set up for `profile` (SQLite
    /// files; PostgreSQL is tuned on its server).
    pub async fn connect_with(url: &str, profile: WriteProfile) -> Result<Store> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(30));
        let pool = match backend {
            Backend::Sqlite => {
                options
                    .max_connections(SQLITE_CONNECTIONS_MAX)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            conn.execute(SQLITE_PRAGMAS).await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?
            }
            Backend::Postgres => {
                options
                    .max_connections(POSTGRES_CONNECTIONS_MAX)
                    .connect(url)
                    .await?
            }
        };
        let direct = match backend {
            Backend::Sqlite => DirectPool::for_url(url, profile),
            Backend::Postgres => None,
        };
        Ok(Store {
            pool,
            backend,
            direct,
        })
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Opens a write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        let tx = self.pool.begin_with(self.backend.begin_write()).await?;
        Ok(Tx::any(tx, self.backend))
    }

    /// Opens a write transaction whose statements run on the calling thread when the backend
    /// allows it (a SQLite file): no hand-off to a driver thread per statement, but every call
    /// blocks. For a thread of its own, such as the engine's writer; never an async worker.
    pub async fn begin_blocking(&self) -> Result<Tx> {
        match &self.direct {
            Some(pool) => Ok(Tx::direct(DirectTx::begin(pool)?)),
            None => {
                let tx = self
                    .pool
                    .begin_with(self.backend.begin_write_path())
                    .await?;
                Ok(Tx::any(tx, self.backend))
            }
        }
    }

    /// True when [`Store::begin_blocking`] blocks its caller.
    pub fn blocks_writers(&self) -> bool {
        self.direct.is_some()
    }

    /// Opens a read-only transaction: one consistent snapshot for reads that must agree
    /// (a preview), without taking SQLite's write lock. Roll it back when done.
    pub async fn begin_read(&self) -> Result<Tx> {
        let begin = match self.backend {
            Backend::Sqlite => "BEGIN DEFERRED",
            Backend::Postgres => "BEGIN READ ONLY",
        };
        let tx = self.pool.begin_with(begin).await?;
        Ok(Tx::any(tx, self.backend))
    }

    /// Waits for connections to close.
    pub async fn close(&self) {
        if let Some(direct) = &self.direct {
            direct.close();
        }
        self.pool.close().await;
    }
}

/// Statements on the pool: each runs on a connection of its own, outside any transaction.
impl Sql for &Store {
    async fn rows(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Row>> {
        let rows = any_query(sql, args).fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(Row::Any).collect())
    }

    async fn row_opt(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Option<Row>> {
        let row = any_query(sql, args).fetch_optional(&self.pool).await?;
        Ok(row.map(Row::Any))
    }

    async fn run(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        let done = any_query(sql, args).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }
}
