//! The single write path: every ledger mutation is a [`Command`] queued here. Each writer task
//! drains what is waiting (up to its batch size) into one database transaction — group commit —
//! and answers each caller only after that transaction is durable. A refused command writes
//! nothing, so the others in the batch are unaffected.
//!
//! On a SQLite file the writer runs on a thread of its own over a direct connection
//! ([`Store::begin_blocking`]): each statement is a call on that thread rather than a hand-off
//! to a driver thread, and the commit's fsync blocks only the writer.

use crate::EngineConfig;
use crate::error::{EngineError, Result};
use crate::events::Listening;
use crate::programs::{Programs, Timeline};
use crate::write::command::Command;
use crate::write::context::Context;
use crate::write::dispatch::execute;
use crate::write::outcome::Outcome;
use crate::write::read_ahead::read_ahead;
use futures_util::FutureExt;
use jiff::Timestamp;
use laurel_core::events::EventKinds;
use laurel_store::{Store, StoreError};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use tokio::runtime::Handle;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// Most commands committed in one transaction when serving requests.
pub const BATCH_MAX: usize = 256;
/// Most commands committed in one transaction by a bulk import.
pub const BULK_BATCH_MAX: usize = 8192;
/// Commands that may wait per writer before callers are made to wait; never less than two
/// batches, so the next batch fills while one commits.
const QUEUE_MAX: usize = 4096;
/// Attempts at a batch that hit a lock conflict or deadlock before giving up.
const ATTEMPTS_MAX: usize = 5;

struct Job {
    command: Command,
    reply: oneshot::Sender<Result<Outcome>>,
}

/// Handle on the writer tasks. Commands for one member always go to the same writer, so they
/// are applied in the order they were submitted.
pub(crate) struct Writer {
    shards: Vec<mpsc::Sender<Job>>,
    tasks: Vec<JoinHandle<()>>,
}

impl Writer {
    /// Starts the configured writer tasks (one is right for SQLite, which has a single write
    /// lock).
    pub fn start(
        store: Store,
        programs: Arc<Programs>,
        listening: Arc<Listening>,
        config: &EngineConfig,
    ) -> Writer {
        let batch_max = config.batch_max.max(1);
        let (senders, tasks) = (0..config.writers.max(1))
            .map(|_| {
                let (tx, rx) = mpsc::channel(QUEUE_MAX.max(2 * batch_max));
                let serve = run(
                    store.clone(),
                    programs.clone(),
                    listening.clone(),
                    rx,
                    batch_max,
                );
                let task = if store.blocks_writers() {
                    let runtime = Handle::current();
                    tokio::task::spawn_blocking(move || runtime.block_on(serve))
                } else {
                    tokio::spawn(serve)
                };
                (tx, task)
            })
            .unzip();
        Writer {
            shards: senders,
            tasks,
        }
    }

    /// Queues a command and waits for its committed answer.
    pub async fn submit(&self, command: Command) -> Result<Outcome> {
        self.enqueue(command).await?.await
    }

    /// Queues a command; the returned future resolves to its committed answer. Queue many
    /// before awaiting any to have them committed together.
    pub async fn enqueue(
        &self,
        command: Command,
    ) -> Result<impl Future<Output = Result<Outcome>> + use<>> {
        let mut hasher = DefaultHasher::new();
        command.shard_key().hash(&mut hasher);
        let shard = &self.shards[(hasher.finish() % self.shards.len() as u64) as usize];
        let (reply, answer) = oneshot::channel();
        shard
            .send(Job { command, reply })
            .await
            .map_err(|_| EngineError::Unavailable)?;
        Ok(async move { answer.await.map_err(|_| EngineError::Unavailable)? })
    }

    /// Stops accepting commands and waits until everything queued is committed.
    pub async fn shutdown(self) {
        drop(self.shards);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

async fn run(
    store: Store,
    programs: Arc<Programs>,
    listening: Arc<Listening>,
    mut queue: mpsc::Receiver<Job>,
    batch_max: usize,
) {
    let mut batch = Vec::with_capacity(batch_max);
    while queue.recv_many(&mut batch, batch_max).await > 0 {
        let size = batch.len();
        let (commands, replies): (Vec<Command>, Vec<_>) =
            batch.drain(..).map(|j| (j.command, j.reply)).unzip();
        // A bug that panics in one command fails only this batch (its transaction rolls back
        // as it unwinds) and the writer goes on serving.
        // One timeline for the whole batch, retries included: a version applied meanwhile
        // applies from the next batch.
        let timeline = programs.snapshot();
        let kinds = listening.kinds();
        let results = match AssertUnwindSafe(commit(&store, &timeline, kinds, &commands))
            .catch_unwind()
            .await
        {
            Ok(results) => results,
            Err(panic) => {
                let why = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                tracing::error!(error = %why, commands = size, "a batch crashed; nothing in it was committed");
                (0..size)
                    .map(|_| {
                        Err(EngineError::Internal(
                            "the batch this command was in crashed".into(),
                        ))
                    })
                    .collect()
            }
        };
        metrics::histogram!("laurel_group_commit_size").record(size as f64);
        if !kinds.is_empty() {
            listening.committed();
        }
        for (reply, result) in replies.into_iter().zip(results) {
            // The caller may have gone away; the command is committed either way.
            let _ = reply.send(result);
        }
    }
}

/// Why a batch's transaction was abandoned.
enum Abort {
    /// The database failed; retry the batch, split it, or fail it whole.
    Store(StoreError),
    /// Command `index` failed after it may have written (a bug or a corrupt row): the batch is
    /// rolled back and run again without it.
    Command(usize, EngineError),
}

/// Commits a batch, retrying on lock conflicts. Returns one result per command.
///
/// A command never fails its neighbours. When the database refuses a statement of the batch
/// (a value it cannot store, a constraint), the statement may hold many commands' rows, so
/// the batch is split in halves and each half committed on its own, down to the one command
/// at fault, which alone is answered `unavailable`. Only a database that cannot be reached
/// fails a batch whole.
async fn commit(
    store: &Store,
    timeline: &Timeline,
    listening: EventKinds,
    commands: &[Command],
) -> Vec<Result<Outcome>> {
    let mut results: Vec<Result<Outcome>> = Vec::with_capacity(commands.len());
    results.resize_with(commands.len(), || Err(EngineError::Unavailable));
    let mut parts: Vec<Vec<usize>> = vec![(0..commands.len()).collect()];
    while let Some(mut part) = parts.pop() {
        let mut attempt = 0;
        loop {
            match try_commit(store, timeline, listening, commands, &part).await {
                Ok(answers) => {
                    for (index, answer) in part.iter().zip(answers) {
                        results[*index] = answer;
                    }
                    break;
                }
                Err(Abort::Command(index, error)) => {
                    tracing::error!(error = %error, "a command failed after writing; running its batch again without it");
                    results[index] = Err(error);
                    part.retain(|&i| i != index);
                }
                Err(Abort::Store(e)) if worth_retrying(&e) && attempt + 1 < ATTEMPTS_MAX => {
                    attempt += 1;
                    tracing::debug!(attempt, error = %e, "retrying batch");
                    // Jittered, so two writers that deadlocked do not retry in step and meet again.
                    let base = 5 * attempt as u64;
                    let wait = base + rand::random_range(0..base);
                    tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                }
                Err(Abort::Store(e)) if e.is_refused_statement() && part.len() > 1 => {
                    tracing::warn!(error = %e, commands = part.len(), "the database refused a batch; committing its halves apart");
                    let second = part.split_off(part.len() / 2);
                    parts.push(second);
                    parts.push(part);
                    break;
                }
                Err(Abort::Store(e)) => {
                    tracing::error!(error = %e, commands = part.len(), "batch failed; nothing in it was committed");
                    for index in part {
                        results[index] = Err(EngineError::Unavailable);
                    }
                    break;
                }
            }
            if part.is_empty() {
                break;
            }
        }
    }
    let refused: Vec<laurel_store::NewFraudCase> = results
        .iter()
        .filter_map(|r| match r {
            Err(EngineError::FraudRefused(case)) => Some((**case).clone()),
            _ => None,
        })
        .collect();
    if let Err(e) = crate::fraud::record_refusals(store, listening, &refused).await {
        tracing::error!(error = %e, cases = refused.len(), "the cases of refused operations were not recorded");
    }
    results
}

/// Lock conflicts clear on retry. So do unique violations: another writer (another shard, or
/// another node) committed the same order or key first, and the retry replays its answer.
fn worth_retrying(e: &StoreError) -> bool {
    e.is_retryable() || e.is_unique_violation()
}

/// One attempt at the commands `part` (indices into `commands`) in one transaction; answers
/// in the order of `part`.
///
/// No savepoints: every refusal is decided before its command writes anything (see
/// `execute.rs`), so a refused command leaves the transaction as it found it; any other
/// failure abandons the transaction.
async fn try_commit(
    store: &Store,
    timeline: &Timeline,
    listening: EventKinds,
    commands: &[Command],
    part: &[usize],
) -> std::result::Result<Vec<Result<Outcome>>, Abort> {
    let mut tx = store.begin_blocking().await.map_err(Abort::Store)?;
    tx.expect_rows(part.len());
    let live: Vec<&Command> = part.iter().map(|&i| &commands[i]).collect();
    let ahead = Context::new(timeline, Timestamp::now());
    read_ahead(&mut tx, &ahead, &live)
        .await
        .map_err(Abort::Store)?;
    // Decided as of once the batch's members are locked: another batch that held one of
    // them committed first, and is dated first, so one member's changes are dated in the
    // order they were made (what a replay orders them by).
    let ctx = Context::new(timeline, Timestamp::now()).listening(listening);
    let mut results: Vec<Result<Outcome>> = Vec::with_capacity(part.len());
    results.resize_with(part.len(), || Err(EngineError::Unavailable));
    for at in reads_first(&live) {
        match execute(&mut tx, &ctx, live[at]).await {
            Ok(outcome) => results[at] = Ok(outcome),
            Err(refusal) if refusal.is_refusal() => results[at] = Err(refusal),
            Err(EngineError::Store(e)) => return Err(Abort::Store(e)),
            Err(other) => return Err(Abort::Command(part[at], other)),
        }
    }
    tx.commit().await.map_err(Abort::Store)?;
    Ok(results)
}

/// The order a batch's commands run in: those that read the ledger's tables (a redemption
/// reads the member's lots, a refund its purchase) before those that only append to them
/// (purchases, events, enrollments), each group in arrival order. A read of a table the
/// transaction holds rows for writes those rows first; run in arrival order, a batch wrote its
/// held rows once per reading command instead of once at commit. Every command of a batch was
/// in flight at once (none was answered before the batch began), so any order is one the
/// callers could have seen; a member's purchases keep theirs.
fn reads_first<'a>(commands: &'a [&'a Command]) -> impl Iterator<Item = usize> + 'a {
    let appends_only = |command: &Command| {
        matches!(
            command,
            Command::Purchase(_) | Command::Event(_) | Command::Enroll(_)
        )
    };
    let reads = (0..commands.len()).filter(move |&i| !appends_only(commands[i]));
    let appends = (0..commands.len()).filter(move |&i| appends_only(commands[i]));
    reads.chain(appends)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::earning::validate::ValidEvent;
    use crate::requests::{EventRequest, MemberRef, RedeemRequest};
    use laurel_store::MemberId;

    fn event(id: &str) -> Command {
        Command::Event(ValidEvent {
            request: EventRequest {
                member: MemberRef::Id(1),
                event_id: id.into(),
                kind: "review".into(),
                attributes: Default::default(),
                occurred_at: Timestamp::UNIX_EPOCH,
            },
            late: None,
        })
    }

    fn redeem(key: &str) -> Command {
        Command::Redeem(RedeemRequest {
            partner: None,
            member_id: 1,
            points: 10,
            idempotency_key: key.into(),
            reference: "r".into(),
            reason: None,
        })
    }

    #[test]
    fn a_batch_runs_its_reading_commands_first_and_each_kind_in_arrival_order() {
        let expire = Command::Expire {
            member: MemberId(2),
            now: Timestamp::UNIX_EPOCH,
        };
        let batch = [event("a"), redeem("x"), event("b"), expire, redeem("y")];
        let live: Vec<&Command> = batch.iter().collect();
        let order: Vec<usize> = reads_first(&live).collect();
        assert_eq!(order, [1, 3, 4, 0, 2]);
    }
}
