//! Checkout holds on wallets: placed, captured in whole or part, voided, and lapsed at their
//! expiry by the holds job. A hold's close is remembered under the hold, so a retried capture
//! or void is answered as the first time.

use super::WalletBalance;
use super::execute::refusal;
use crate::checks::{amount_minor, fingerprint, program_currency, text};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::{CaptureRequest, HoldRequest, MemberRef};
use crate::write::command::Command;
use crate::write::context::Context;
use crate::write::outcome::Outcome;
use crate::write::steps::{lock, lock_active, remember, replay};
use crate::{Engine, unexpected};
use jiff::{SignedDuration, Timestamp};
use laurel_core::wallet::{Hold, HoldRefusal, HoldState, Paid, WalletAccount};
use laurel_core::{Currency, Money};
use laurel_store::{HoldClose, MemberId, NewHold, NewWalletMove, StoredHold, Tx};
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
    fn of(h: &StoredHold) -> HoldView {
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

/// A hold request after its checks.
#[derive(Debug, Clone)]
pub(crate) struct ValidHold {
    pub request: HoldRequest,
    pub amount_minor: i64,
}

fn validate(program: &laurel_core::Program, mut request: HoldRequest) -> Result<ValidHold> {
    text("idempotency_key", &request.idempotency_key)?;
    text("reference", &request.reference)?;
    let currency = program_currency(program, &request.currency)?;
    request.amount = request.amount.normalize();
    let amount_minor = positive_amount(request.amount, currency)?;
    let expires_in = request.expires_in.unwrap_or(HOLD_EXPIRES_IN_DEFAULT);
    if !(HOLD_EXPIRES_IN_MIN..=HOLD_EXPIRES_IN_MAX).contains(&expires_in) {
        return Err(EngineError::invalid(
            "expires_in",
            ErrorCode::InvalidField,
            format!("must be {HOLD_EXPIRES_IN_MIN} to {HOLD_EXPIRES_IN_MAX} seconds"),
        ));
    }
    request.expires_in = Some(expires_in);
    Ok(ValidHold {
        request,
        amount_minor,
    })
}

/// An amount above zero in `currency`'s minor units.
pub(super) fn positive_amount(amount: rust_decimal::Decimal, currency: Currency) -> Result<i64> {
    let minor = amount_minor("amount", amount, currency)?;
    if minor == 0 {
        return Err(EngineError::invalid(
            "amount",
            ErrorCode::InvalidAmount,
            "must be above zero",
        ));
    }
    Ok(minor)
}

impl Engine {
    /// Holds value of a member's wallet for a checkout; `actor` is recorded on the move.
    pub async fn hold(&self, request: HoldRequest, actor: &str) -> Result<HoldOutcome> {
        let valid = validate(&self.definition().program, request)?;
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

/// Places a hold in the write path, once per idempotency key.
pub(crate) async fn place(
    tx: &mut Tx,
    ctx: &Context<'_>,
    h: &ValidHold,
    actor: &str,
) -> Result<HoldOutcome> {
    let r = &h.request;
    let scope = format!("wallet:{}", r.member_id);
    let print = fingerprint(r)?;
    if let Some(answer) = replay(tx, &scope, &r.idempotency_key, &print).await? {
        return Ok(answer);
    }
    ctx.wallet.ok_or(EngineError::WalletNotOffered)?;
    let member = lock_active(tx, &MemberRef::Id(r.member_id)).await?;
    let wallet = tx.member_wallet(member.id).await?;
    let currency = ctx.program.currency;
    let posting = wallet
        .balance
        .hold(h.amount_minor)
        .map_err(|e| refusal(e, currency))?;
    // As stored (whole microseconds), so the answer reads as the hold read back.
    let now = crate::as_stored(ctx.now);
    let expires_at =
        now + SignedDuration::from_secs(r.expires_in.unwrap_or(HOLD_EXPIRES_IN_DEFAULT));
    let (move_id, wallet_id) = tx
        .post_wallet(
            &wallet,
            &NewWalletMove {
                posting: &posting,
                amount: h.amount_minor,
                payment: None,
                reference: &r.reference,
                actor,
                at: ctx.now,
            },
        )
        .await?;
    let held = Paid::held_by(&posting);
    let id = tx
        .insert_hold(&NewHold {
            wallet: wallet_id,
            member: member.id,
            held,
            reference: &r.reference,
            hold_move: move_id,
            held_at: now,
            expires_at,
        })
        .await?;
    let stored = StoredHold {
        id,
        wallet: wallet_id,
        member: member.id,
        held,
        state: HoldState::Held,
        captured: 0,
        reference: r.reference.clone(),
        hold_move: move_id,
        close_move: None,
        held_at: now,
        expires_at,
        closed_at: None,
    };
    let answer = HoldOutcome {
        hold: HoldView::of(&stored),
        balance: WalletBalance::of(
            wallet.balance.after(&posting),
            held_after(&wallet.held, &posting),
        ),
    };
    remember(tx, ctx, &scope, &r.idempotency_key, print, &answer).await?;
    Ok(answer)
}

/// Captures, voids or lapses a hold in the write path. A capture or void is remembered under
/// the hold: retried, it is answered as the first time; any other close of a closed hold is
/// refused (`hold_closed`).
pub(crate) async fn close(
    tx: &mut Tx,
    ctx: &Context<'_>,
    hold_id: i64,
    member: MemberId,
    closing: Closing,
    actor: &str,
) -> Result<HoldOutcome> {
    let scope = format!("hold:{hold_id}");
    let key = match closing {
        Closing::Capture(_) => Some("capture"),
        Closing::Void => Some("void"),
        Closing::Expire(_) => None,
    };
    let print = fingerprint(&closing)?;
    if let Some(key) = key
        && let Some(answer) = replay(tx, &scope, key, &print).await?
    {
        return Ok(answer);
    }
    lock(tx, &MemberRef::Id(member.0)).await?;
    let mut stored = tx
        .lock_hold(hold_id)
        .await?
        .ok_or(EngineError::UnknownHold(hold_id))?;
    let wallet = tx.member_wallet(member).await?;
    let hold = Hold {
        held: stored.held,
        state: stored.state,
        expires_at: stored.expires_at,
    };
    let currency = ctx.program.currency;
    let (posting, state) = match closing {
        Closing::Capture(amount) => (hold.capture(amount, ctx.now), HoldState::Captured),
        Closing::Void => (hold.release(), HoldState::Voided),
        Closing::Expire(as_of) if hold.is_due(as_of) => (hold.release(), HoldState::Expired),
        // Captured or voided since the job found it due.
        Closing::Expire(_) => (Err(HoldRefusal::Closed(stored.state)), HoldState::Expired),
    };
    let posting = posting.map_err(|e| hold_refusal(e, currency))?;
    let captured = posting.delta(WalletAccount::Settlement);
    let amount = if captured > 0 {
        captured
    } else {
        hold.held.total()
    };
    let (move_id, _) = tx
        .post_wallet(
            &wallet,
            &NewWalletMove {
                posting: &posting,
                amount,
                payment: None,
                reference: &stored.reference,
                actor,
                at: ctx.now,
            },
        )
        .await?;
    let close = HoldClose {
        state,
        captured,
        close_move: move_id,
        at: crate::as_stored(ctx.now),
    };
    if !tx.close_hold(hold_id, &close).await? {
        return Err(EngineError::Internal(format!(
            "hold {hold_id} closed twice"
        )));
    }
    stored.state = state;
    stored.captured = captured;
    stored.close_move = Some(move_id);
    stored.closed_at = Some(close.at);
    let answer = HoldOutcome {
        hold: HoldView::of(&stored),
        balance: WalletBalance::of(
            wallet.balance.after(&posting),
            held_after(&wallet.held, &posting),
        ),
    };
    if let Some(key) = key {
        remember(tx, ctx, &scope, key, print, &answer).await?;
    }
    Ok(answer)
}

/// What the wallet holds at checkouts after `posting`.
fn held_after(held: &Paid, posting: &laurel_core::wallet::WalletPosting) -> Paid {
    Paid {
        principal: held.principal + posting.delta(WalletAccount::HeldPrincipal),
        bonus: held.bonus + posting.delta(WalletAccount::HeldBonus),
    }
}

/// The core's refusal as the engine's, its amounts in money.
fn hold_refusal(e: HoldRefusal, currency: Currency) -> EngineError {
    let money = |minor| Money::from_minor(minor, currency).to_string();
    match e {
        HoldRefusal::Closed(state) => EngineError::HoldClosed(state.as_str().to_owned()),
        HoldRefusal::Expired(at) => EngineError::Wallet {
            code: ErrorCode::HoldExpired,
            message: format!("the hold expired at {at}"),
            args: vec![("expired_at", at.to_string())],
        },
        HoldRefusal::OverHeld { held, requested } => EngineError::Wallet {
            code: ErrorCode::CaptureExceedsHold,
            message: format!(
                "the hold holds {}, less than {}",
                money(held),
                money(requested)
            ),
            args: vec![("held", money(held)), ("requested", money(requested))],
        },
        HoldRefusal::NotPositive => {
            EngineError::invalid("amount", ErrorCode::InvalidAmount, e.to_string())
        }
    }
}
