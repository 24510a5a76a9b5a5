//! Scheduled jobs: expiry and pending release. Both are idempotent: they act only on lots that
//! are due and still open, so a second run at the same instant finds nothing to do.

use crate::Engine;
use crate::commands::Command;
use crate::error::{EngineError, Result};
use crate::execute::Outcome;
use jiff::Timestamp;
use laurel_core::Points;
use laurel_store::DueWork;
use std::str::FromStr;

/// Which job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// Expire lots past their expiry.
    Expiry,
    /// Release pending lots past their return window.
    Release,
}

impl FromStr for JobKind {
    type Err = String;
    fn from_str(s: &str) -> Result<JobKind, String> {
        match s {
            "expiry" => Ok(JobKind::Expiry),
            "release" => Ok(JobKind::Release),
            other => Err(format!("unknown job `{other}`: expected expiry or release")),
        }
    }
}

/// What a job run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobReport {
    /// Members whose lots changed.
    pub members: u64,
    /// Points moved.
    pub points: Points,
}

/// Members fetched per round of a job.
const ROUND_MEMBERS_MAX: u32 = 500;

impl Engine {
    /// Runs a job as of `now` until nothing is due.
    pub async fn run_job(&self, kind: JobKind, now: Timestamp) -> Result<JobReport> {
        let due = match kind {
            JobKind::Expiry => DueWork::Expiry,
            JobKind::Release => DueWork::Release,
        };
        let mut report = JobReport::default();
        loop {
            let members = self
                .store
                .members_with_due_lots(due, now, ROUND_MEMBERS_MAX)
                .await?;
            if members.is_empty() {
                return Ok(report);
            }
            // Queue the whole round before awaiting so the write path commits it in few
            // transactions.
            let mut answers = Vec::with_capacity(members.len());
            for member in members {
                let command = match kind {
                    JobKind::Expiry => Command::Expire { member, now },
                    JobKind::Release => Command::Release { member, now },
                };
                answers.push(self.writer.enqueue(command).await?);
            }
            let mut moved_this_round = Points::ZERO;
            for answer in answers {
                match answer.await? {
                    Outcome::Job(points) if points.is_positive() => {
                        report.members += 1;
                        report.points += points;
                        moved_this_round += points;
                    }
                    Outcome::Job(_) => {}
                    other => return Err(EngineError::Internal(format!("job answered {other:?}"))),
                }
            }
            if !moved_this_round.is_positive() {
                // Nothing moved although lots looked due: stop rather than spin.
                return Ok(report);
            }
        }
    }
}
