//! How the engine is tuned and what it insists on: writers, batch sizes, how old a reported
//! activity may be, and whether admins must sign in with two factors.

use crate::write::writer;
use laurel_store::Backend;

/// Tuning of the write path.
#[derive(Debug, Clone, Copy)]
pub struct EngineConfig {
    /// Writer tasks; commands for one member always use the same one.
    pub writers: usize,
    /// Most commands a writer commits in one transaction.
    pub batch_max: usize,
    /// How old a purchase or event may be when it arrives.
    pub backdating: Backdating,
    /// Whether admins must sign in with a second factor.
    pub admin_two_factor: AdminTwoFactor,
}

/// Whether admins must sign in with a second factor (`laurel serve
/// --require-admin-two-factor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AdminTwoFactor {
    /// Each staff member chooses.
    #[default]
    Optional,
    /// An admin without it is sent, after the password, to set it up, and reaches nothing else
    /// until they have; an admin's session without it counts for nothing; an admin cannot turn
    /// it off (another admin may reset it, and they set it up again).
    Required,
}

/// How old a reported purchase or event may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backdating {
    /// Live channels: within the program's backdating window (`[earn] backdating_days`).
    Window,
    /// An import of history: any age. Points whose expiry has passed are posted and expired
    /// at once, so none is ever available after its expiry.
    Any,
}

impl EngineConfig {
    /// Defaults for a backend: SQLite has one write lock, so one writer; PostgreSQL locks
    /// rows, so several writers commit in parallel — two per core of this machine (which
    /// the database usually shares). More writers make smaller batches, and each batch pays
    /// its statements and its commit: on two cores 4 writers committed 2,275 writes/s
    /// (p99 63 ms) where 8 committed 1,954 (p99 82 ms) and 2 committed 2,144.
    pub fn for_backend(backend: Backend) -> EngineConfig {
        let writers = match backend {
            Backend::Sqlite => 1,
            Backend::Postgres => std::thread::available_parallelism()
                .map_or(4, |cores| 2 * cores.get())
                .clamp(2, 16),
        };
        EngineConfig {
            writers,
            batch_max: writer::BATCH_MAX,
            backdating: Backdating::Window,
            admin_two_factor: AdminTwoFactor::Optional,
        }
    }

    /// For a bulk import, which queues thousands of commands at once: much larger batches,
    /// so each commit's fixed cost and the pages many rows share are paid once per thousands
    /// of rows. A batch holds the write lock longer, so not for serving requests. An import
    /// brings history, so purchases of any age are taken.
    pub fn bulk(backend: Backend) -> EngineConfig {
        EngineConfig {
            batch_max: writer::BULK_BATCH_MAX,
            backdating: Backdating::Any,
            ..EngineConfig::for_backend(backend)
        }
    }
}
