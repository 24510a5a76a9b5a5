//! Points held at checkouts (two-phase, as wallet holds are; TigerBeetle's pending transfers
//! are the model): placed, captured in whole or part, voided, and lapsed at their expiry by
//! the holds job. Held points are no one's to spend until then.

pub(crate) mod execute;
pub(crate) mod validate;
pub(crate) mod views;

use crate::error::{EngineError, Result};
use crate::requests::PointHoldRequest;
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, unexpected};
use jiff::Timestamp;
use validate::PointClosing;
use views::{PointHoldOutcome, PointHoldView};

/// Point holds lapsed per round of the holds job.
const DUE_POINT_HOLDS_PER_ROUND: u32 = 500;

impl Engine {
    /// Holds a member's points for a checkout; `actor` is recorded on the posting.
    pub async fn hold_points(
        &self,
        request: PointHoldRequest,
        actor: &str,
    ) -> Result<PointHoldOutcome> {
        let mut request = validate::hold(request)?;
        request.id = self.store.next_hold_id().await?;
        let command = Command::HoldPoints {
            request,
            actor: actor.to_owned(),
        };
        match self.writer.submit(command).await? {
            Outcome::PointHold(h) => Ok(h),
            other => Err(unexpected(other)),
        }
    }

    /// Captures a point hold: all it holds, or `points` of it (the soonest-expiring); the
    /// rest goes back at once.
    pub async fn capture_point_hold(
        &self,
        hold_id: i64,
        points: Option<i64>,
        actor: &str,
    ) -> Result<PointHoldOutcome> {
        let closing = validate::capture(points)?;
        self.close_point_hold(hold_id, closing, actor).await
    }

    /// Voids a point hold: all it holds goes back.
    pub async fn void_point_hold(&self, hold_id: i64, actor: &str) -> Result<PointHoldOutcome> {
        self.close_point_hold(hold_id, PointClosing::Void, actor)
            .await
    }

    /// A point hold, if the hold with that id is one (a wallet hold is `None`).
    pub async fn point_hold_view(&self, hold_id: i64) -> Result<Option<PointHoldView>> {
        Ok(self
            .store
            .point_hold(hold_id)
            .await?
            .map(|h| PointHoldView::of(&h)))
    }

    /// Lapses every point hold still held past its expiry as of `now`; how many.
    pub(crate) async fn release_expired_point_holds(&self, now: Timestamp) -> Result<u64> {
        let mut released = 0;
        loop {
            let due = self
                .store
                .due_point_holds(now, DUE_POINT_HOLDS_PER_ROUND)
                .await?;
            if due.is_empty() {
                return Ok(released);
            }
            let mut answers = Vec::with_capacity(due.len());
            for (hold, member) in due {
                let command = Command::ClosePointHold {
                    hold,
                    member,
                    closing: PointClosing::Expire(now),
                    actor: "job:holds".into(),
                };
                answers.push(self.writer.enqueue(command).await?);
            }
            let before = released;
            for answer in answers {
                match answer.await {
                    Ok(Outcome::PointHold(_)) => released += 1,
                    // Captured or voided meanwhile: nothing to lapse.
                    Err(EngineError::HoldClosed(_)) => {}
                    Ok(other) => return Err(unexpected(other)),
                    Err(e) => return Err(e),
                }
            }
            if released == before {
                return Ok(released);
            }
        }
    }

    async fn close_point_hold(
        &self,
        hold: i64,
        closing: PointClosing,
        actor: &str,
    ) -> Result<PointHoldOutcome> {
        let member = self
            .store
            .point_hold(hold)
            .await?
            .ok_or(EngineError::UnknownHold(hold))?
            .member;
        let command = Command::ClosePointHold {
            hold,
            member,
            closing,
            actor: actor.to_owned(),
        };
        match self.writer.submit(command).await? {
            Outcome::PointHold(h) => Ok(h),
            other => Err(unexpected(other)),
        }
    }
}
