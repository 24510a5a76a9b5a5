//! Reading an import file one row at a time, CSV or JSON Lines by its extension: memory holds
//! a read buffer and the current row, never the file.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// Read buffer: large enough that reading is a small share of the work.
const BUFFER_BYTES: usize = 1 << 20;

/// How the file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    /// A header row naming the columns, then one row per record.
    Csv,
    /// One JSON object per line.
    JsonLines,
}

impl Format {
    /// The format an extension names.
    fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }
}

/// Why the file cannot be read. Each one stops the import: a row that is merely wrong is a
/// reject, not one of these.
#[derive(Debug, thiserror::Error)]
pub(super) enum SourceError {
    /// Missing, unreadable, a directory…
    #[error("cannot open {}: {source}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The extension names no format we read.
    #[error("{}: name the file .csv, .jsonl or .ndjson so its format is known", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// Reading failed part-way (an I/O error, or a CSV file that is not CSV).
    #[error("reading {} after line {line}: {message}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The last line read whole.
        line: u64,
        /// What went wrong.
        message: String,
    },
}

/// The text of one row as it was in the file.
#[derive(Debug)]
pub(super) enum Body {
    /// A CSV record, fields as bytes (UTF-8 is checked per column, so the error can name it).
    Csv(csv::ByteRecord),
    /// A JSON Lines line without its line end.
    Json(Vec<u8>),
}

impl Body {
    /// The row as text, for the reject file: a CSV record is written back as one CSV line.
    pub(super) fn text(&self) -> String {
        match self {
            Body::Json(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            Body::Csv(record) => {
                let mut writer = csv::WriterBuilder::new()
                    .flexible(true)
                    .from_writer(Vec::new());
                let bytes = writer
                    .write_byte_record(record)
                    .ok()
                    .and_then(|()| writer.into_inner().ok())
                    .unwrap_or_default();
                String::from_utf8_lossy(&bytes).trim_end().to_owned()
            }
        }
    }
}

/// One row.
#[derive(Debug)]
pub(super) struct RawRow {
    /// Line in the file where the row starts, counting from 1 (a CSV header is line 1).
    pub line: u64,
    /// Bytes of the file consumed once this row is read: the progress.
    pub end: u64,
    /// The row.
    pub body: Body,
}

enum Inner {
    Csv(csv::Reader<BufReader<File>>),
    Json {
        reader: BufReader<File>,
        line: u64,
        offset: u64,
    },
}

/// An open import file.
pub(super) struct Reader {
    path: PathBuf,
    len: u64,
    inner: Inner,
}

impl Reader {
    /// Opens `path`, choosing the format by extension.
    pub(super) fn open(path: &Path) -> Result<Reader, SourceError> {
        let format = Format::of(path).ok_or_else(|| SourceError::UnknownFormat {
            path: path.to_owned(),
        })?;
        let open_error = |source| SourceError::Open {
            path: path.to_owned(),
            source,
        };
        let file = File::open(path).map_err(open_error)?;
        let meta = file.metadata().map_err(open_error)?;
        if meta.is_dir() {
            return Err(open_error(std::io::Error::other("it is a directory")));
        }
        let buffered = BufReader::with_capacity(BUFFER_BYTES, file);
        let inner = match format {
            // flexible: a short or long row is the row's problem (a reject naming the missing
            // column), not the file's.
            Format::Csv => Inner::Csv(
                csv::ReaderBuilder::new()
                    .flexible(true)
                    .from_reader(buffered),
            ),
            Format::JsonLines => Inner::Json {
                reader: buffered,
                line: 0,
                offset: 0,
            },
        };
        Ok(Reader {
            path: path.to_owned(),
            len: meta.len(),
            inner,
        })
    }

    /// The file's size in bytes.
    pub(super) fn len(&self) -> u64 {
        self.len
    }

    /// The file's path.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// The CSV header row; `None` for JSON Lines, whose rows name their own fields.
    pub(super) fn headers(&mut self) -> Result<Option<Vec<String>>, SourceError> {
        let Inner::Csv(reader) = &mut self.inner else {
            return Ok(None);
        };
        let headers = reader.headers().map_err(|e| SourceError::Read {
            path: self.path.clone(),
            line: 0,
            message: format!("the header row: {e}"),
        })?;
        Ok(Some(headers.iter().map(str::to_owned).collect()))
    }

    /// The next row, or `None` at the end of the file. Blank lines are skipped.
    pub(super) fn next_row(&mut self) -> Result<Option<RawRow>, SourceError> {
        match &mut self.inner {
            Inner::Csv(reader) => {
                let mut record = csv::ByteRecord::new();
                let more = reader
                    .read_byte_record(&mut record)
                    .map_err(|e| SourceError::Read {
                        path: self.path.clone(),
                        line: reader.position().line().saturating_sub(1),
                        message: e.to_string(),
                    })?;
                if !more {
                    return Ok(None);
                }
                let line = record.position().map_or(0, csv::Position::line);
                Ok(Some(RawRow {
                    line,
                    end: reader.position().byte(),
                    body: Body::Csv(record),
                }))
            }
            Inner::Json {
                reader,
                line,
                offset,
            } => loop {
                let mut bytes = Vec::new();
                let read = reader
                    .read_until(b'\n', &mut bytes)
                    .map_err(|e| SourceError::Read {
                        path: self.path.clone(),
                        line: *line,
                        message: e.to_string(),
                    })?;
                if read == 0 {
                    return Ok(None);
                }
                *line += 1;
                *offset += read as u64;
                while matches!(bytes.last(), Some(b'\n' | b'\r')) {
                    bytes.pop();
                }
                if *line == 1 && bytes.starts_with(b"\xEF\xBB\xBF") {
                    bytes.drain(..3);
                }
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Ok(Some(RawRow {
                    line: *line,
                    end: *offset,
                    body: Body::Json(bytes),
                }));
            },
        }
    }
}
