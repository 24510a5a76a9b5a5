//! Holds in the write path: placed (the member locked, active; the wallet's value moved to
//! its held accounts), and closed (captured, voided or lapsed: the core decides, the move and
//! the hold's close stored together).

use crate::checks::fingerprint;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::MemberRef;
use crate::wallet::execute::scope;
use crate::wallet::refusals::refusal;
use crate::wallet::validate::{Closing, HOLD_EXPIRES_IN_DEFAULT, ValidHold, WalletRef};
use crate::wallet::views::{HoldOutcome, HoldView, WalletBalance};
use crate::write::context::Context;
use crate::write::steps::{lock, lock_active, remember, replay};
use jiff::SignedDuration;
use laurel_core::wallet::{Hold, HoldRefusal, HoldState, Paid, WalletAccount};
use laurel_core::{Currency, Money};
use laurel_store::{HoldClose, MemberId, NewHold, NewWalletMove, StoredHold, Tx};

/// Places a hold in the write path, once per idempotency key.
pub(crate) async fn place(
    tx: &mut Tx,
    ctx: &Context<'_>,
    h: &ValidHold,
    actor: &str,
) -> Result<HoldOutcome> {
    let r = &h.request;
    let scope = scope(WalletRef::Member(r.member_id));
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
            id: h.id,
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
    let scope = close_scope(hold_id);
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

/// The scope a hold's capture or void is remembered under: wallet and point holds alike (one
/// series of ids).
pub(crate) fn close_scope(hold: i64) -> String {
    format!("hold:{hold}")
}

/// The refusal of a capture after the hold's expiry, of either kind of hold.
pub(crate) fn hold_expired(at: jiff::Timestamp) -> EngineError {
    EngineError::Wallet {
        code: ErrorCode::HoldExpired,
        message: format!("the hold expired at {at}"),
        args: vec![("expired_at", at.to_string())],
    }
}

/// The core's refusal as the engine's, its amounts in money.
fn hold_refusal(e: HoldRefusal, currency: Currency) -> EngineError {
    let money = |minor| Money::from_minor(minor, currency).to_string();
    match e {
        HoldRefusal::Closed(state) => EngineError::HoldClosed(state.as_str().to_owned()),
        HoldRefusal::Expired(at) => hold_expired(at),
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
