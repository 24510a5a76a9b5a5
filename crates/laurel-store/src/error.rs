//! Storage errors.

/// A storage failure. Domain refusals are not errors here: they are decided by the core.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a statement, or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The database URL is not one Laurel can use.
    #[error("unsupported database URL `{0}`: expected sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// A stored value could not be read back (a bug or a hand-edited database).
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// True when retrying the whole transaction may succeed (lock conflicts, deadlocks,
    /// serialization failures, a busy SQLite file).
    pub fn is_retryable(&self) -> bool {
        let StoreError::Database(sqlx::Error::Database(db)) = self else {
            return false;
        };
        let code = db.code().unwrap_or_default();
        // PostgreSQL: serialization_failure, deadlock_detected. SQLite: BUSY, LOCKED.
        matches!(code.as_ref(), "40001" | "40P01" | "5" | "6" | "517" | "262")
    }

    /// True for a unique-constraint violation.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation())
    }
}

/// Shorthand for results of this crate.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
