//! Driving rows through the engine with many in flight at once. The write path group-commits
//! whatever is queued, so throughput comes from keeping its queue full; the window bounds how
//! many rows (and so how much memory) are in flight.
//!
//! The requests are futures polled by this one task, not spawned tasks: each is polled for the
//! first time (and so queued on the write path) in file order, so one member's rows are applied
//! in the order the file gives them, and of a member's two rows with the same order id the
//! first wins.

use super::feed::{Fed, Item};
use super::progress::Progress;
use super::rejects::{Reject, Rejects, RejectsError};
use super::rows::Request;
use super::source::{Body, SourceError};
use super::summary::Tally;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use laurel_engine::{Engine, EngineError};
use std::sync::Arc;
use tokio::sync::mpsc;

/// Rows in flight by default: several of the write path's bulk batches (8,192 commands), so
/// one batch commits while the next ones fill.
pub(super) const WINDOW_DEFAULT: u32 = 32_768;

/// What drives the rows.
pub(super) struct Drive {
    /// The engine.
    pub engine: Arc<Engine>,
    /// Most rows in flight.
    pub window: usize,
}

/// Why an import stopped before the end of the file.
#[derive(Debug, thiserror::Error)]
pub(super) enum StopReason {
    /// The file could not be read further.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// The database failed: not the row's fault, so it is not a reject.
    #[error("the database failed (line {line}): {source}")]
    Database {
        /// The row it failed on.
        line: u64,
        /// What failed.
        source: EngineError,
    },
    /// The reject file could not be written.
    #[error(transparent)]
    Rejects(#[from] RejectsError),
    /// Ctrl-C.
    #[error("interrupted")]
    Interrupted,
}

/// An import that stopped early, with the counts up to then.
#[derive(Debug)]
pub(super) struct Stopped {
    /// Counts of the rows answered before stopping.
    pub tally: Tally,
    /// Why.
    pub reason: StopReason,
}

/// A row's answer from the engine.
enum Answer {
    Enrolled,
    /// A purchase; true when the engine replayed an earlier answer (already imported).
    Purchase {
        replayed: bool,
    },
}

/// A row with its answer, for counting or the reject file.
struct Answered {
    line: u64,
    body: Body,
    result: Result<Answer, EngineError>,
}

/// Sends every row to the engine and settles each answer: counted, or written to the reject
/// file. Stops reading at the first failure that is not a row's fault, still settling the
/// rows in flight, so what the counts say matches what is stored.
pub(super) async fn drive(
    drive: Drive,
    mut rows: mpsc::Receiver<Fed>,
    rejects: &mut Rejects,
    progress: &mut Progress,
) -> Result<Tally, Stopped> {
    let mut tally = Tally::default();
    let mut stop: Option<StopReason> = None;
    let mut in_flight = FuturesUnordered::new();
    let interrupted = tokio::signal::ctrl_c();
    tokio::pin!(interrupted);
    while stop.is_none() {
        let room = in_flight.len() < drive.window;
        // Biased: answers before new rows, so a just-pushed request is polled (queued) before
        // the next row is read, and a full window drains before it grows.
        let next = tokio::select! {
            biased;
            _ = &mut interrupted => Next::Interrupted,
            Some(answered) = in_flight.next() => Next::Answered(answered),
            fed = rows.recv(), if room => Next::Fed(fed),
        };
        let item = match next {
            Next::Interrupted => {
                stop = Some(StopReason::Interrupted);
                break;
            }
            Next::Answered(answered) => {
                settle(answered, &mut tally, rejects, &mut stop);
                continue;
            }
            Next::Fed(None) => break,
            Next::Fed(Some(Fed::Failed(e))) => {
                stop = Some(e.into());
                break;
            }
            Next::Fed(Some(Fed::Row(item))) => item,
        };
        tally.read += 1;
        progress.update(item.end, &tally);
        let Item {
            line,
            body,
            request,
            ..
        } = item;
        match request {
            Ok(request) => {
                let engine = drive.engine.clone();
                in_flight.push(async move {
                    let result = match request {
                        Request::Enroll(r) => engine.enroll(r).await.map(|_| Answer::Enrolled),
                        Request::Purchase(r) => {
                            engine.purchase(r).await.map(|p| Answer::Purchase {
                                replayed: p.replayed,
                            })
                        }
                    };
                    Answered { line, body, result }
                });
            }
            Err(e) => {
                let reject = Reject {
                    line,
                    code: e.code,
                    field: &e.field,
                    message: &format!("{}: {}", e.field, e.message),
                    row: &body.text(),
                };
                tally.rejected += 1;
                if let Err(e) = rejects.write(&reject) {
                    stop = Some(e.into());
                }
            }
        }
    }
    // Closing the channel stops the reading thread at its next row.
    drop(rows);
    while let Some(answered) = in_flight.next().await {
        settle(answered, &mut tally, rejects, &mut stop);
    }
    match stop {
        None => Ok(tally),
        Some(reason) => Err(Stopped { tally, reason }),
    }
}

/// What the driver does next.
enum Next {
    Interrupted,
    Answered(Answered),
    Fed(Option<Fed>),
}

/// Counts one answer, or writes it to the reject file.
fn settle(
    answered: Answered,
    tally: &mut Tally,
    rejects: &mut Rejects,
    stop: &mut Option<StopReason>,
) {
    let error = match answered.result {
        Ok(Answer::Enrolled) => {
            tally.imported += 1;
            return;
        }
        Ok(Answer::Purchase { replayed: true }) => {
            tally.already += 1;
            return;
        }
        Ok(Answer::Purchase { replayed: false }) => {
            tally.imported += 1;
            return;
        }
        // Enrolled by an earlier run (or an earlier row): that is the point of a re-run.
        Err(EngineError::MemberExists(_)) => {
            tally.already += 1;
            return;
        }
        Err(e @ (EngineError::Store(_) | EngineError::Unavailable | EngineError::Internal(_))) => {
            stop.get_or_insert(StopReason::Database {
                line: answered.line,
                source: e,
            });
            return;
        }
        Err(e) => e,
    };
    let field = match &error {
        EngineError::InvalidField { field, .. } => field.as_str(),
        EngineError::UnknownMember(_) => "external_id",
        EngineError::IdempotencyConflict(_) => "order_id",
        _ => "",
    };
    let reject = Reject {
        line: answered.line,
        code: error.code().as_str(),
        field,
        message: &error.to_string(),
        row: &answered.body.text(),
    };
    tally.rejected += 1;
    if let Err(e) = rejects.write(&reject) {
        stop.get_or_insert(e.into());
    }
}
