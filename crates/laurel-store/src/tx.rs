//! A write transaction: what the engine's write path fills with commands and commits.

use crate::connect::Backend;
use crate::direct::DirectTx;
use crate::error::Result;
use crate::sql::{Arg, Row, Sql, any_query};
use sqlx::{Any, Executor, Transaction};

/// An open write transaction. Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    conn: Conn,
    pub(crate) backend: Backend,
}

/// The connection a transaction runs on.
enum Conn {
    /// Through sqlx: PostgreSQL, and SQLite outside the write path.
    Any(Transaction<'static, Any>),
    /// A direct SQLite connection, on the caller's thread (see `direct.rs`).
    Direct(DirectTx),
}

impl Tx {
    pub(crate) fn any(tx: Transaction<'static, Any>, backend: Backend) -> Tx {
        Tx {
            conn: Conn::Any(tx),
            backend,
        }
    }

    pub(crate) fn direct(tx: DirectTx) -> Tx {
        Tx {
            conn: Conn::Direct(tx),
            backend: Backend::Sqlite,
        }
    }

    async fn batch(&mut self, sql: &'static str) -> Result<()> {
        match &mut self.conn {
            Conn::Any(tx) => {
                tx.execute(sql).await?;
            }
            Conn::Direct(tx) => tx.batch(sql)?,
        }
        Ok(())
    }

    /// Marks a point that [`Tx::rollback_to_savepoint`] can return to, so one failed command
    /// leaves the others of a group commit intact.
    pub async fn savepoint(&mut self) -> Result<()> {
        self.batch("SAVEPOINT command").await
    }

    /// Forgets the savepoint, keeping what was done since.
    pub async fn release_savepoint(&mut self) -> Result<()> {
        self.batch("RELEASE SAVEPOINT command").await
    }

    /// Undoes everything since the savepoint.
    pub async fn rollback_to_savepoint(&mut self) -> Result<()> {
        self.batch("ROLLBACK TO SAVEPOINT command").await?;
        self.release_savepoint().await
    }

    /// Commits: when this returns Ok, everything in the transaction is durable.
    pub async fn commit(self) -> Result<()> {
        match self.conn {
            Conn::Any(tx) => tx.commit().await?,
            Conn::Direct(tx) => tx.commit()?,
        }
        Ok(())
    }

    /// Rolls back explicitly.
    pub async fn rollback(self) -> Result<()> {
        match self.conn {
            Conn::Any(tx) => tx.rollback().await?,
            // Dropping a direct transaction rolls it back.
            Conn::Direct(tx) => drop(tx),
        }
        Ok(())
    }
}

impl Sql for Tx {
    async fn rows(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Row>> {
        match &mut self.conn {
            Conn::Any(tx) => {
                let rows = any_query(sql, args).fetch_all(&mut **tx).await?;
                Ok(rows.into_iter().map(Row::Any).collect())
            }
            Conn::Direct(tx) => tx.rows(sql, args, usize::MAX),
        }
    }

    async fn row_opt(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<Option<Row>> {
        match &mut self.conn {
            Conn::Any(tx) => {
                let row = any_query(sql, args).fetch_optional(&mut **tx).await?;
                Ok(row.map(Row::Any))
            }
            Conn::Direct(tx) => Ok(tx.rows(sql, args, 1)?.pop()),
        }
    }

    async fn run(&mut self, sql: &str, args: &[Arg<'_>]) -> Result<u64> {
        match &mut self.conn {
            Conn::Any(tx) => Ok(any_query(sql, args)
                .execute(&mut **tx)
                .await?
                .rows_affected()),
            Conn::Direct(tx) => tx.run(sql, args),
        }
    }
}
