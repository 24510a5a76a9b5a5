//! Checkout holds on wallets: placed, captured in whole or part, voided, and lapsed at their
//! expiry by the holds job. A hold's close is remembered under the hold, so a retried capture
//! or void is answered as the first time.

pub(crate) mod execute;

use super::WalletBalance;
use super::validate::positive_amount;
use crate::checks::program_currency;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::{CaptureRequest, HoldRequest};
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, unexpected};
use jiff::Timestamp;
use laurel_store::StoredHold;
use serde::{Deserialize, Serialize};

/// Seconds a hold lasts when the caller does not say.
pub const HOLD_EXPIRES_IN_DEFAULT: i64 = 900;
/// The shortest a hold may last, in seconds.
pub const HOLD_EXPIRES_IN_MIN: i64 = 60;
/// The longest a hold may last, in seconds (a week).
pub const HOLD_EXPIRES_IN_MAX: i64 = 7 * 24 * 3600;
/// Holds lapsed per round of the holds job.
const DUE_HOLDS_PER_ROUND: u32 = 500;

/// A hold as answered (amounts in minor units).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldView {
    /// Its id.
    pub id: i64,
    /// Whose wallet.
    pub member_id: i64,
    /// What it holds (or held) of principal.
    pub principal: i64,
    /// What it holds (or held) of bonus.
    pub bonus: i64,
    /// `held`, `captured`, `voided` or `expired`.
    pub state: String,
    /// What its capture paid.
    pub captured: i64,
    /// The order.
    pub reference: String,
    /// When it was placed.
    pub held_at: Timestamp,
    /// When it lapses if not captured.
    pub expires_at: Timestamp,
    /// When it was closed.
    pub closed_at: Option<Timestamp>,
    /// The move that placed it.
    pub hold_move_id: i64,
    /// The move that closed it: a capture's is what its refunds name.
    pub close_move_id: Option<i64>,
}

impl HoldView {
    pub(super) fn of(h: &StoredHold) -> HoldView {
        HoldView {
            id: h.id,
            member_id: h.member.0,
            principal: h.held.principal,
            bonus: h.held.bonus,
            state: h.state.as_str().to_owned(),
            captured: h.captured,
            reference: h.reference.clone(),
            held_at: h.held_at,
            expires_at: h.expires_at,
            closed_at: h.closed_at,
            hold_move_id: h.hold_move,
            close_move_id: h.close_move,
        }
    }

    /// Everything it holds (or held).
    pub fn amount(&self) -> i64 {
        self.principal + self.bonus
    }
}

/// The answer to placing, capturing or voiding a hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldOutcome {
    /// The hold after it.
    pub hold: HoldView,
    /// The wallet after it.
    pub balance: WalletBalance,
}

/// How a hold is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum Closing {
    /// Captured: this much (minor units), or all it holds.
    Capture(Option<i64>),
    /// Voided by the caller.
    Void,
    /// Lapsed at its expiry: the holds job's run as of this instant.
    Expire(Timestamp),
}

impl Engine {
    /// Holds value of a member's wallet for a checkout; `actor` is recorded on the move.
    pub async fn hold(&self, request: HoldRequest, actor: &str) -> Result<HoldOutcome> {
        let valid = super::validate::hold(&self.definition().program, request)?;
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
