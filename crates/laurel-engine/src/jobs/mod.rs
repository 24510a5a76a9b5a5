//! Scheduled jobs: expiry and pending release. Both are idempotent: they act only on lots that
//! are due and still open, so a second run at the same instant finds nothing to do.

pub(crate) mod execute;

use crate::Engine;
use crate::error::{EngineError, Result};
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use jiff::Timestamp;
use laurel_core::Points;
use laurel_store::{DueWork, MemberId};
use std::str::FromStr;

/// Which job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// Expire lots past their expiry.
    Expiry,
    /// Release pending lots past their return window.
    Release,
    /// Review members' tiers that are due (downgrades after grace, manual ends).
    Tiers,
    /// Release wallet holds past their expiry.
    Holds,
    /// Renew paid memberships from wallets, and end those whose last term ran out.
    Memberships,
    /// Erase members inactive past the program's retention period (`[privacy]`).
    Retention,
}

impl JobKind {
    /// The job's stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Expiry => "expiry",
            JobKind::Release => "release",
            JobKind::Tiers => "tiers",
            JobKind::Holds => "holds",
            JobKind::Memberships => "memberships",
            JobKind::Retention => "retention",
        }
    }
}

impl FromStr for JobKind {
    type Err = String;
    fn from_str(s: &str) -> Result<JobKind, String> {
        match s {
            "expiry" => Ok(JobKind::Expiry),
            "release" => Ok(JobKind::Release),
            "tiers" => Ok(JobKind::Tiers),
            "holds" => Ok(JobKind::Holds),
            "memberships" => Ok(JobKind::Memberships),
            "retention" => Ok(JobKind::Retention),
            other => Err(format!(
                "unknown job `{other}`: expected expiry, release, tiers, holds, memberships or \
                 retention"
            )),
        }
    }
}

/// What a job run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobReport {
    /// Members whose lots changed (the holds job: holds released).
    pub members: u64,
    /// Points moved.
    pub points: Points,
}

/// Members fetched per round of a job.
const ROUND_MEMBERS_MAX: u32 = 500;

impl Engine {
    /// Runs a job as of `now` until nothing is due.
    pub async fn run_job(&self, kind: JobKind, now: Timestamp) -> Result<JobReport> {
        let started_at = crate::as_stored(Timestamp::now());
        let run = match kind {
            JobKind::Tiers => self.review_tiers(now).await,
            // Replays read point holds from their own records, not from job runs.
            JobKind::Holds => {
                let released = self.release_expired_holds(now).await?
                    + self.release_expired_point_holds(now).await?;
                return Ok(JobReport {
                    members: released,
                    points: Points::ZERO,
                });
            }
            // An erasure is its own record; a replay has nothing to redo.
            JobKind::Retention => return self.erase_inactive(now).await,
            // Memberships are replayed from their own records, not from job runs.
            JobKind::Memberships => {
                let acted = self.run_memberships(now).await?;
                return Ok(JobReport {
                    members: acted,
                    points: Points::ZERO,
                });
            }
            _ => self
                .move_due_lots(kind, now)
                .await
                .map(|report| (report, report.members > 0)),
        };
        // A run that failed partway may have committed some members' work: kept all the same.
        let acted = run.as_ref().map_or(true, |(_, acted)| *acted);
        if self.job_runs.worth_recording(kind, now, acted) {
            self.store
                .record_job_run(kind.as_str(), now, started_at)
                .await?;
        }
        run.map(|(report, _)| report)
    }

    /// Expires or releases every due lot as of `now`, a round of members at a time.
    async fn move_due_lots(&self, kind: JobKind, now: Timestamp) -> Result<JobReport> {
        let (due, command): (DueWork, fn(MemberId, Timestamp) -> Command) = match kind {
            JobKind::Expiry => (DueWork::Expiry, |member, now| Command::Expire {
                member,
                now,
            }),
            JobKind::Release => (DueWork::Release, |member, now| Command::Release {
                member,
                now,
            }),
            JobKind::Tiers | JobKind::Holds | JobKind::Memberships | JobKind::Retention => {
                return Err(EngineError::Internal(format!(
                    "{} moves no lots",
                    kind.as_str()
                )));
            }
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
                let command = command(member, now);
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

impl Engine {
    /// Reviews every member whose tier review is due at `now`; the report counts the members
    /// whose tier changed, and whether any member was reviewed comes with it. Each member is
    /// reviewed once per run (a member with more reviews due than one run catches up with
    /// waits for the next).
    async fn review_tiers(&self, now: Timestamp) -> Result<(JobReport, bool)> {
        let mut report = JobReport::default();
        let mut reviewed = std::collections::HashSet::new();
        loop {
            let members: Vec<_> = self
                .store
                .members_due_for_tier_review(now, ROUND_MEMBERS_MAX)
                .await?
                .into_iter()
                .filter(|m| reviewed.insert(*m))
                .collect();
            if members.is_empty() {
                return Ok((report, !reviewed.is_empty()));
            }
            let mut answers = Vec::with_capacity(members.len());
            for member in members {
                answers.push(
                    self.writer
                        .enqueue(Command::ReviewTier { member, now })
                        .await?,
                );
            }
            for answer in answers {
                match answer.await? {
                    Outcome::Reviewed(0) => {}
                    Outcome::Reviewed(_) => report.members += 1,
                    other => return Err(EngineError::Internal(format!("job answered {other:?}"))),
                }
            }
        }
    }
}

/// How long a job may run without acting before a run of it is recorded all the same: a
/// simulated program that has points due where the real one had none finds them expired
/// within this of their instant.
const QUIET_RUN_RECORDED_EVERY: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

/// Which job runs are kept for replays: every run that acted (a replay of the history must
/// act at the same instant), and a run an hour at least while nothing is due.
#[derive(Default)]
pub(crate) struct JobRuns(std::sync::Mutex<std::collections::HashMap<&'static str, Timestamp>>);

impl JobRuns {
    /// Whether a run of `kind` as of `now` is kept; if it is, it counts as the last kept.
    fn worth_recording(&self, kind: JobKind, now: Timestamp, acted: bool) -> bool {
        let mut last = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let quiet_too_long = last
            .get(kind.as_str())
            .is_none_or(|at| now.duration_since(*at) >= QUIET_RUN_RECORDED_EVERY);
        let keep = acted || quiet_too_long;
        if keep {
            last.insert(kind.as_str(), now);
        }
        keep
    }
}
