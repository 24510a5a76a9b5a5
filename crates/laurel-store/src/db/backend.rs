//! Which database is behind a store, and the few questions on which the dialects differ.

use crate::error::{Result, StoreError};

/// Which database is behind a [`Store`](crate::Store).
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

    /// Statement that opens the write path's transaction
    /// ([`Store::begin_blocking`](crate::Store::begin_blocking)).
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
