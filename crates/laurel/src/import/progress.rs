//! Progress on stderr: a bar with rate and ETA on a terminal; otherwise (a log, CI) a plain
//! line every few seconds, which reads well in a file.

use super::summary::{Tally, rate};
use indicatif::ProgressBar;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How often the bar's row counts are refreshed; the bar itself redraws at its own pace.
const BAR_EVERY: Duration = Duration::from_millis(250);
/// How often a plain progress line is printed.
const LINE_EVERY: Duration = Duration::from_secs(5);

/// Reports progress.
pub(super) struct Progress {
    bar: Option<ProgressBar>,
    total_bytes: u64,
    started: Instant,
    next: Instant,
}

impl Progress {
    /// A bar when stderr is a terminal, plain lines otherwise.
    pub(super) fn new(total_bytes: u64, started: Instant) -> Progress {
        // The position counts bytes (the file size is the only total known in advance); the
        // message carries the rows.
        let bar = std::io::stderr().is_terminal().then(|| {
            crate::progress::bar(
                total_bytes,
                "{elapsed_precise} [{wide_bar}] {percent:>3}% {msg} ETA {eta}",
            )
        });
        let every = if bar.is_some() { BAR_EVERY } else { LINE_EVERY };
        Progress {
            bar,
            total_bytes,
            started,
            next: Instant::now() + every,
        }
    }

    /// Notes that `bytes` of the file have been read and where the counts stand. Cheap enough
    /// to call for every row.
    pub(super) fn update(&mut self, bytes: u64, tally: &Tally) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
        }
        let now = Instant::now();
        if now < self.next {
            return;
        }
        let per_sec = rate(tally.done(), now - self.started);
        match &self.bar {
            Some(bar) => {
                bar.set_message(format!("{} rows, {per_sec} rows/s", tally.done()));
                self.next = now + BAR_EVERY;
            }
            None => {
                let percent = (bytes as f64 * 100.0 / self.total_bytes.max(1) as f64).min(100.0);
                eprintln!(
                    "imported {} rows, {per_sec} rows/s ({} already imported, {} rejected; {percent:.0}% of the file read)",
                    tally.imported, tally.already, tally.rejected
                );
                self.next = now + LINE_EVERY;
            }
        }
    }

    /// Clears the bar so the summary stands alone.
    pub(super) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
