//! A write transaction: what the engine's write path fills with commands and commits.

use crate::connect::Backend;
use crate::error::Result;
use sqlx::{Any, Executor, Transaction};

/// An open write transaction. Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    pub(crate) tx: Transaction<'static, Any>,
    pub(crate) backend: Backend,
}

impl Tx {
    pub(crate) fn new(tx: Transaction<'static, Any>, backend: Backend) -> Tx {
        Tx { tx, backend }
    }

    /// Marks a point that [`Tx::rollback_to_savepoint`] can return to, so one failed command
    /// leaves the others of a group commit intact.
    pub async fn savepoint(&mut self) -> Result<()> {
        self.tx.execute("SAVEPOINT command").await?;
        Ok(())
    }

    /// Forgets the savepoint, keeping what was done since.
    pub async fn release_savepoint(&mut self) -> Result<()> {
        self.tx.execute("RELEASE SAVEPOINT command").await?;
        Ok(())
    }

    /// Undoes everything since the savepoint.
    pub async fn rollback_to_savepoint(&mut self) -> Result<()> {
        self.tx.execute("ROLLBACK TO SAVEPOINT command").await?;
        self.release_savepoint().await
    }

    /// Commits: when this returns Ok, everything in the transaction is durable.
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Rolls back explicitly.
    pub async fn rollback(self) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}
