//! What an import did: the running counts, and the report printed at the end.

use super::rows::Kind;
use std::fmt;
use std::path::Path;
use std::time::Duration;

/// Running counts of rows.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Tally {
    /// Rows read from the file.
    pub read: u64,
    /// Rows stored by this run.
    pub imported: u64,
    /// Rows that were already stored (an earlier run, or a repeat within the file).
    pub already: u64,
    /// Rows refused and written to the reject file.
    pub rejected: u64,
}

impl Tally {
    /// Rows with a final answer.
    pub(super) fn done(&self) -> u64 {
        self.imported + self.already + self.rejected
    }
}

/// Rows per second, 0 for no time.
pub(super) fn rate(rows: u64, elapsed: Duration) -> u64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 {
        (rows as f64 / secs).round() as u64
    } else {
        0
    }
}

/// The end-of-run report, on stdout. `key: value` lines so that scripts can read them.
pub(super) struct Summary<'a> {
    /// What was imported.
    pub kind: Kind,
    /// From where.
    pub file: &'a Path,
    /// The counts.
    pub tally: Tally,
    /// Wall time of the whole command.
    pub elapsed: Duration,
    /// The reject file, if any row was rejected.
    pub reject_file: Option<&'a Path>,
    /// Whether the whole file was gone through.
    pub complete: bool,
}

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.tally;
        let verb = if self.complete {
            "imported"
        } else {
            "stopped importing"
        };
        writeln!(
            f,
            "{verb} {} from {}",
            self.kind.noun(),
            self.file.display()
        )?;
        writeln!(f, "rows read: {}", t.read)?;
        writeln!(f, "imported: {}", t.imported)?;
        writeln!(f, "already imported: {}", t.already)?;
        match self.reject_file {
            Some(path) => writeln!(f, "rejected: {} (see {})", t.rejected, path.display())?,
            None => writeln!(f, "rejected: {}", t.rejected)?,
        }
        writeln!(f, "elapsed: {:.1} s", self.elapsed.as_secs_f64())?;
        write!(f, "rate: {} rows/s", rate(t.done(), self.elapsed))?;
        if !self.complete {
            write!(
                f,
                "\nnot finished: run the same command again to go on; rows already imported are skipped"
            )?;
        } else if t.rejected > 0 {
            write!(
                f,
                "\n{} row(s) were rejected and the others imported: the import still counts as a \
                 success (exit code 0); fix the rejected rows and import them again",
                t.rejected
            )?;
        }
        Ok(())
    }
}
