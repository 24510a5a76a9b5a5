//! Checkpoints of SQLite's write-ahead log on a thread of their own.
//!
//! SQLite copies the WAL back into the database file (a checkpoint) inside the commit that
//! takes the WAL past its threshold, so every request of that batch waited for it: the
//! profile of the HTTP benchmark showed 18% of the writer's time there. The write path's
//! connections turn that off. After each commit the writer nudges this thread, which runs a
//! passive checkpoint on a connection of its own, at most one per interval. A passive
//! checkpoint never blocks the writer or a reader, and syncs what it copies as SQLite's own
//! would, so durability is unchanged.
//!
//! A passive checkpoint cannot rewind the WAL: SQLite starts writing the WAL from its
//! beginning again only when a write transaction begins with every frame already copied, and
//! under sustained load the writer is always appending. So when the last checkpoint found the
//! WAL longer than [`WAL_FRAMES_MAX`], the writer itself runs a restarting checkpoint between
//! two transactions ([`Checkpointer::restart_if_long`]); most frames are copied by then.

use rusqlite::{Connection, OpenFlags};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The WAL length (in pages) past which the writer rewinds it between transactions:
/// 256 MiB of 4 KiB pages.
pub(crate) const WAL_FRAMES_MAX: i64 = 65_536;
/// How long the writer's restarting checkpoint waits for readers to leave the WAL before
/// giving up until the next transaction: a long report must not stall the write path.
const RESTART_WAIT: Duration = Duration::from_millis(50);
/// Failed checkpoints are warned of at most this often: a disk that stays full would otherwise
/// fill the log ten lines a second (passive) or a line per transaction (restarting).
const WARN_EVERY: Duration = Duration::from_secs(60);

/// The checkpoint thread of one database file, started on the first commit.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    path: String,
    /// At most one passive checkpoint per this long, so that pages many commits rewrite are
    /// copied once.
    interval: Duration,
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
    /// The writer's failed restarting checkpoints: tried before each transaction, so a disk
    /// that stays full would otherwise log a warning per transaction.
    restart_failures: Mutex<Failures>,
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    /// Pages in the WAL when the last checkpoint ran.
    wal_frames: AtomicI64,
}

#[derive(Debug, Default)]
struct State {
    /// A commit happened since the last checkpoint began.
    due: bool,
    /// The database is closing: the thread ends.
    closed: bool,
}

impl Checkpointer {
    /// A checkpointer for the SQLite file at `path`; no thread runs until [`Self::nudge`].
    pub(crate) fn new(path: String, interval: Duration) -> Checkpointer {
        Checkpointer {
            path,
            interval,
            shared: Arc::default(),
            thread: Mutex::new(None),
            restart_failures: Mutex::default(),
        }
    }

    /// Tells the thread a commit happened, starting it if need be.
    pub(crate) fn nudge(&self) {
        let Ok(mut thread) = self.thread.lock() else {
            return;
        };
        if thread.is_none() {
            let (path, interval, shared) = (self.path.clone(), self.interval, self.shared.clone());
            let started = std::thread::Builder::new()
                .name("laurel-checkpoint".into())
                .spawn(move || run(&path, interval, &shared));
            match started {
                Ok(handle) => *thread = Some(handle),
                // Without the thread the WAL still gets checkpointed: by the writer, once
                // it passes the bound, and by SQLite when the last connection closes.
                Err(e) => tracing::warn!(error = %e, "cannot start the checkpoint thread"),
            }
        }
        drop(thread);
        if let Ok(mut state) = self.shared.state.lock() {
            state.due = true;
            self.shared.wake.notify_one();
        }
    }

    /// Between two transactions on the writer's connection: when the last checkpoint found
    /// the WAL longer than [`WAL_FRAMES_MAX`], copies the rest and waits briefly for readers,
    /// so that the next transaction writes the WAL from its beginning.
    pub(crate) fn restart_if_long(&self, conn: &Connection, busy_timeout: Duration) {
        if self.shared.wal_frames.load(Ordering::Relaxed) <= WAL_FRAMES_MAX {
            return;
        }
        let restarted = conn
            .busy_timeout(RESTART_WAIT)
            .and_then(|()| checkpoint(conn, "RESTART"));
        let _ = conn.busy_timeout(busy_timeout);
        match restarted {
            // Until the thread's next checkpoint says otherwise, the WAL is rewound.
            Ok((false, _)) => self.shared.wal_frames.store(0, Ordering::Relaxed),
            // A reader is still in the WAL: the next transaction tries again.
            Ok((true, _)) => {}
            Err(e) => {
                let due = self
                    .restart_failures
                    .lock()
                    .ok()
                    .and_then(|mut failures| failures.record(Instant::now()));
                if let Some(failed) = due {
                    tracing::warn!(error = %e, failed, "restarting checkpoints failed");
                }
            }
        }
    }

    /// Stops the thread (after the checkpoint it is running, if any) and waits for it.
    pub(crate) fn stop(&self) {
        if let Ok(mut state) = self.shared.state.lock() {
            state.closed = true;
            self.shared.wake.notify_one();
        }
        let handle = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(handle) = handle {
            let _ = handle.join();
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The thread: a passive checkpoint after commits, at most one per `interval`.
fn run(path: &str, interval: Duration, shared: &Shared) {
    let conn = match Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) {
        Ok(conn) => conn,
        Err(e) => {
            tracing::warn!(error = %e, path, "the checkpoint thread cannot open the database");
            return;
        }
    };
    let mut failures = Failures::default();
    loop {
        let Ok(mut state) = shared.state.lock() else {
            return;
        };
        while !state.due && !state.closed {
            state = match shared.wake.wait(state) {
                Ok(state) => state,
                Err(_) => return,
            };
        }
        if state.closed {
            return;
        }
        state.due = false;
        drop(state);
        match checkpoint(&conn, "PASSIVE") {
            Ok((_, frames)) => shared.wal_frames.store(frames, Ordering::Relaxed),
            Err(e) => {
                if let Some(failed) = failures.record(Instant::now()) {
                    tracing::warn!(error = %e, failed, "passive checkpoints failed");
                }
            }
        }
        // Rest for the interval, unless the database closes meanwhile.
        let Ok(state) = shared.state.lock() else {
            return;
        };
        if shared
            .wake
            .wait_timeout_while(state, interval, |s| !s.closed)
            .is_err()
        {
            return;
        }
    }
}

/// Failed checkpoints since the last warning.
#[derive(Debug, Default)]
struct Failures {
    /// When the last warning was given.
    warned: Option<Instant>,
    /// Failures not warned of yet.
    unwarned: u64,
}

impl Failures {
    /// Counts a failure at `now`; how many to warn of, if a warning is due (the first failure
    /// at once, then at most one warning per [`WARN_EVERY`]).
    fn record(&mut self, now: Instant) -> Option<u64> {
        self.unwarned += 1;
        if self
            .warned
            .is_some_and(|at| now.duration_since(at) < WARN_EVERY)
        {
            return None;
        }
        self.warned = Some(now);
        Some(std::mem::take(&mut self.unwarned))
    }
}

/// Runs a checkpoint in `mode`: whether it was blocked before it finished, and the pages in
/// the WAL.
fn checkpoint(conn: &Connection, mode: &str) -> rusqlite::Result<(bool, i64)> {
    conn.query_row(&format!("PRAGMA wal_checkpoint({mode})"), [], |row| {
        Ok((row.get::<_, i64>(0)? != 0, row.get::<_, i64>(1)?))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{Checkpointer, Failures, WAL_FRAMES_MAX, WARN_EVERY, checkpoint};
    use rusqlite::Connection;
    use std::sync::atomic::Ordering;
    use std::time::{Duration, Instant};

    const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

    /// A WAL-mode database whose connection never checkpoints on its own, as the writer's.
    fn writer_db() -> (tempfile::TempDir, String, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ckpt.db").to_str().unwrap().to_owned();
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; \
             CREATE TABLE t (x BLOB);",
        )
        .unwrap();
        (dir, path, conn)
    }

    /// Writes about `pages` pages of new rows in one transaction.
    fn write_pages(conn: &Connection, pages: usize) {
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1) \
             INSERT INTO t SELECT randomblob(3000) FROM n",
            [pages as i64],
        )
        .unwrap();
    }

    fn file_len(path: &str) -> u64 {
        std::fs::metadata(path).unwrap().len()
    }

    #[test]
    fn commits_reach_the_database_file_through_the_checkpoint_thread() {
        let (_dir, path, conn) = writer_db();
        let before = file_len(&path);
        let checkpointer = Checkpointer::new(path.clone(), Duration::from_millis(10));
        for _ in 0..20 {
            write_pages(&conn, 10);
            checkpointer.nudge();
        }
        // The writer's connection never checkpoints: only the thread can grow the file.
        let deadline = Instant::now() + Duration::from_secs(20);
        while file_len(&path) < before + 150 * 4096 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            file_len(&path) >= before + 150 * 4096,
            "the database file stayed at {} bytes: no checkpoint ran",
            file_len(&path)
        );
        checkpointer.stop();
    }

    #[test]
    fn a_wal_found_past_its_bound_is_written_from_its_beginning_by_the_next_transaction() {
        let (_dir, path, conn) = writer_db();
        write_pages(&conn, 200);
        // No nudge: no thread runs, so this test decides when the WAL counts as long.
        let checkpointer = Checkpointer::new(path, Duration::from_secs(3600));
        checkpointer.restart_if_long(&conn, BUSY_TIMEOUT);
        assert!(
            checkpoint(&conn, "PASSIVE").unwrap().1 >= 200,
            "a WAL within its bound was rewound"
        );
        checkpointer
            .shared
            .wal_frames
            .store(WAL_FRAMES_MAX + 1, Ordering::Relaxed);
        checkpointer.restart_if_long(&conn, BUSY_TIMEOUT);
        assert_eq!(checkpointer.shared.wal_frames.load(Ordering::Relaxed), 0);
        write_pages(&conn, 1);
        let (_, frames) = checkpoint(&conn, "PASSIVE").unwrap();
        assert!(
            frames < 10,
            "the WAL was not rewound: it holds {frames} pages"
        );
    }

    #[test]
    fn a_reader_in_the_wal_postpones_the_rewind_without_holding_up_the_writer() {
        let (_dir, path, conn) = writer_db();
        write_pages(&conn, 50);
        let reader = Connection::open(&path).unwrap();
        reader
            .execute_batch("BEGIN; SELECT count(*) FROM t;")
            .unwrap();
        let checkpointer = Checkpointer::new(path, Duration::from_secs(3600));
        checkpointer
            .shared
            .wal_frames
            .store(WAL_FRAMES_MAX + 1, Ordering::Relaxed);
        let started = Instant::now();
        checkpointer.restart_if_long(&conn, BUSY_TIMEOUT);
        assert!(
            started.elapsed() < BUSY_TIMEOUT / 2,
            "the writer waited out the reader: {:?}",
            started.elapsed()
        );
        assert!(
            checkpointer.shared.wal_frames.load(Ordering::Relaxed) > WAL_FRAMES_MAX,
            "the rewind counted as done while a reader was in the WAL"
        );
        reader.execute_batch("COMMIT").unwrap();
        checkpointer.restart_if_long(&conn, BUSY_TIMEOUT);
        assert_eq!(checkpointer.shared.wal_frames.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn failed_checkpoints_are_warned_of_at_once_then_at_most_once_a_minute_with_their_count() {
        let mut failures = Failures::default();
        let start = Instant::now();
        assert_eq!(failures.record(start), Some(1));
        for tenth in 1..600 {
            let now = start + Duration::from_millis(100 * tenth);
            assert_eq!(failures.record(now), None, "{tenth}");
        }
        assert_eq!(failures.record(start + WARN_EVERY), Some(600));
        assert_eq!(failures.record(start + WARN_EVERY), None);
    }
}
