//! Opening a store: the URL picks the backend; SQLite gets its durability pragmas here. The
//! transactions a store opens are `write/tx.rs`'s ([`Store::begin`] and the others are there).

use crate::db::backend::Backend;
use crate::db::direct::{DirectPool, WriteProfile};
use crate::db::sql::{Arg, Row, Sql, any_query};
use crate::error::Result;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::sync::Arc;
use std::time::Duration;

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
    pub(crate) direct: Option<Arc<DirectPool>>,
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

    /// True when [`Store::begin_blocking`] blocks its caller.
    pub fn blocks_writers(&self) -> bool {
        self.direct.is_some()
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
