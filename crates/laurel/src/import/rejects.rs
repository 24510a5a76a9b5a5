//! The reject file: one CSV row per refused input row, with its line number, the stable error
//! code, the column at fault, the message and the row as it was written, so it can be fixed
//! and imported again. It holds the latest run's rejects only.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

/// The reject file's header row.
const HEADER: [&str; 5] = ["line", "code", "field", "message", "row"];

/// The reject file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("writing the reject file {}: {message}", path.display())]
pub(super) struct RejectsError {
    path: PathBuf,
    message: String,
}

/// One refused row.
#[derive(Debug)]
pub(super) struct Reject<'a> {
    /// Line in the input where the row starts.
    pub line: u64,
    /// Stable error code.
    pub code: &'a str,
    /// The column at fault, when one is.
    pub field: &'a str,
    /// What is wrong.
    pub message: &'a str,
    /// The row as written.
    pub row: &'a str,
}

/// Writes rejects, creating the file on the first one.
pub(super) struct Rejects {
    path: PathBuf,
    writer: Option<csv::Writer<BufWriter<File>>>,
}

impl Rejects {
    /// Prepares `path`, removing the file an earlier run left there: rejects that a re-run
    /// no longer makes must not linger.
    pub(super) fn new(path: PathBuf) -> Result<Rejects, RejectsError> {
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(error(&path, e)),
        }
        Ok(Rejects { path, writer: None })
    }

    /// Appends one reject.
    pub(super) fn write(&mut self, reject: &Reject<'_>) -> Result<(), RejectsError> {
        let writer = match &mut self.writer {
            Some(w) => w,
            None => {
                let file = File::create(&self.path).map_err(|e| error(&self.path, e))?;
                let mut w = csv::Writer::from_writer(BufWriter::new(file));
                w.write_record(HEADER).map_err(|e| error(&self.path, e))?;
                self.writer.insert(w)
            }
        };
        let line = reject.line.to_string();
        writer
            .write_record([
                line.as_str(),
                reject.code,
                reject.field,
                reject.message,
                reject.row,
            ])
            .map_err(|e| error(&self.path, e))
    }

    /// Flushes; the file's path if there was any reject.
    pub(super) fn finish(self) -> Result<Option<PathBuf>, RejectsError> {
        let Some(mut writer) = self.writer else {
            return Ok(None);
        };
        writer.flush().map_err(|e| error(&self.path, e))?;
        Ok(Some(self.path))
    }
}

fn error(path: &Path, e: impl std::fmt::Display) -> RejectsError {
    RejectsError {
        path: path.to_owned(),
        message: e.to_string(),
    }
}
