//! Checkout holds on wallets: placed, captured in whole or part, voided, and lapsed at their
//! expiry by the holds job. A hold's close is remembered under the hold, so a retried capture
//! or void is answered as the first time.

pub(crate) mod execute;

use super::validate::{Closing, positive_amount};
use super::views::{HoldOutcome, HoldView};
use crate::checks::program_currency;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::{CaptureRequest, HoldRequest};
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, unexpected};
use jiff::Timestamp;

/// Holds lapsed per round of the holds job.
const DUE_HOLDS_PER_ROUND: u32 = 500;

impl Engine {
    /// Holds value of a member's wallet for a checkout; `actor` is recorded on the move.
    pub async fn hold(&self, request: HoldRequest, actor: &str) -> Result<HoldOutcome> {
        let mut valid = super::validate::hold(&self.definition().program, request)?;
        valid.id = self.store.next_hold_id().await?;
        let command = Command::Hold {
            request: valid,
            actor: actor.to_owned(),
        };
        match self.writer.submit(command).await? {
            Outcome::Hold(h) => Ok(h),
            other => Err(unexpected(other)),
        }
    }

    /// Captures a hold in whole or part; the rest goes back to the wallet.
    pub async fn capture_hold(&self, request: CaptureRequest, actor: &str) -> Result<HoldOutcome> {
        let amount = match (&request.amount, &request.currency) {
            (None, _) => None,
            (Some(_), None) => {
                return Err(EngineError::invalid(
                    "currency",
                    ErrorCode::MissingField,
                    "give the currency of the amount",
                ));
            }
            (Some(amount), Some(code)) => {
                let currency = program_currency(&self.definition().program, code)?;
                Some(positive_amount(amount.normalize(), currency)?)
            }
        };
        self.close_hold(request.hold_id, Closing::Capture(amount), actor)
            .await
    }

    /// Voids a hold: all it holds goes back to the wallet.
    pub async fn void_hold(&self, hold_id: i64, actor: &str) -> Result<HoldOutcome> {
        self.close_hold(hold_id, Closing::Void, actor).await
    }

    /// A hold.
    pub async fn hold_view(&self, hold_id: i64) -> Result<HoldView> {
        self.store
            .hold(hold_id)
            .await?
            .map(|h| HoldView::of(&h))
            .ok_or(EngineError::UnknownHold(hold_id))
    }

    /// Lapses every hold still held past its expiry as of `now`; how many.
    pub async fn release_expired_holds(&self, now: Timestamp) -> Result<u64> {
        let mut released = 0;
        loop {
            let due = self.store.due_holds(now, DUE_HOLDS_PER_ROUND).await?;
            if due.is_empty() {
                return Ok(released);
            }
            let mut answers = Vec::with_capacity(due.len());
            for (hold, member) in due {
                let command = Command::CloseHold {
                    hold,
                    member,
                    closing: Closing::Expire(now),
                    actor: "job:holds".into(),
                };
                answers.push(self.writer.enqueue(command).await?);
            }
            let before = released;
            for answer in answers {
                match answer.await {
                    Ok(Outcome::Hold(_)) => released += 1,
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

    async fn close_hold(&self, hold: i64, closing: Closing, actor: &str) -> Result<HoldOutcome> {
        let member = self
            .store
            .hold(hold)
            .await?
            .ok_or(EngineError::UnknownHold(hold))?
            .member;
        let command = Command::CloseHold {
            hold,
            member,
            closing,
            actor: actor.to_owned(),
        };
        match self.writer.submit(command).await? {
            Outcome::Hold(h) => Ok(h),
            other => Err(unexpected(other)),
        }
    }
}
