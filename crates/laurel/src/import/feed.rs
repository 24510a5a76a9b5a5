//! The reading thread: file → rows → requests, handed over through a bounded channel. Reading
//! and parsing run beside the async engine rather than on its threads, and the bound keeps a
//! fast reader from filling memory ahead of a slower database.

use super::rows::{Kind, Layout, MissingColumns, Request, RowError};
use super::source::{Body, Reader, SourceError};
use jiff::tz::TimeZone;
use std::path::PathBuf;
use tokio::sync::mpsc;

/// Rows parsed ahead of the engine.
const AHEAD: usize = 1024;

/// One row, read and parsed.
#[derive(Debug)]
pub(super) struct Item {
    /// Line in the file where the row starts.
    pub line: u64,
    /// Bytes of the file read so far.
    pub end: u64,
    /// The row as written, for the reject file.
    pub body: Body,
    /// What it asks the engine, or what is wrong with it.
    pub request: Result<Request, RowError>,
}

/// What the reading thread sends.
#[derive(Debug)]
pub(super) enum Fed {
    /// A row.
    Row(Item),
    /// The file could not be read further; nothing follows.
    Failed(SourceError),
}

/// Why the file cannot be imported at all.
#[derive(Debug, thiserror::Error)]
pub(super) enum FeedError {
    /// Unreadable.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// A CSV header without a required column.
    #[error("{}: {source}", path.display())]
    Columns {
        /// The file.
        path: PathBuf,
        /// Which.
        source: MissingColumns,
    },
}

/// A file whose header was read, its rows not yet.
pub(super) struct Feed {
    /// The file, read up to its rows.
    reader: Reader,
    /// How its rows are laid out.
    layout: Layout,
    /// CSV columns that are not ours and are skipped.
    pub ignored: Vec<String>,
}

/// Reads the header, so a wrong file fails before the database is touched.
pub(super) fn open(kind: Kind, mut reader: Reader) -> Result<Feed, FeedError> {
    let (layout, ignored) = match reader.headers()? {
        Some(headers) => Layout::csv(kind, &headers).map_err(|source| FeedError::Columns {
            path: reader.path().to_owned(),
            source,
        })?,
        None => (Layout::json(kind), Vec::new()),
    };
    Ok(Feed {
        reader,
        layout,
        ignored,
    })
}

impl Feed {
    /// Starts the thread, reading plain dates as days in `tz` (the program's time zone, known
    /// once the engine is open); the rows, parsed in file order. The thread stops at the end
    /// of the file, at a read error, or when the receiver is dropped.
    pub(super) fn start(self, tz: TimeZone) -> Result<mpsc::Receiver<Fed>, FeedError> {
        let Feed {
            mut reader, layout, ..
        } = self;
        let (send, rows) = mpsc::channel(AHEAD);
        let path = reader.path().to_owned();
        std::thread::Builder::new()
            .name("import-reader".into())
            .spawn(move || {
                loop {
                    let fed = match reader.next_row() {
                        Ok(None) => return,
                        Ok(Some(row)) => Fed::Row(Item {
                            line: row.line,
                            end: row.end,
                            request: layout.parse(&row.body, &tz),
                            body: row.body,
                        }),
                        Err(e) => Fed::Failed(e),
                    };
                    let last = matches!(fed, Fed::Failed(_));
                    if send.blocking_send(fed).is_err() || last {
                        return;
                    }
                }
            })
            .map_err(|e| SourceError::Read {
                path,
                line: 0,
                message: format!("starting the reading thread: {e}"),
            })?;
        Ok(rows)
    }
}
