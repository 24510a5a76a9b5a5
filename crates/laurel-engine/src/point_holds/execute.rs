//! Point holds in the write path: placed (the member locked and active, the points drawn onto
//! the held account, the lots they came from kept with the hold), and closed (captured in
//! whole or part and the rest given back, voided, or lapsed), the postings and the hold's
//! close stored together.

use super::validate::{PointClosing, ValidPointHold};
use super::views::{PointHoldOutcome, PointHoldView, PointsAfter};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::outcomes::Balances;
use crate::requests::MemberRef;
use crate::wallet::holds::execute::{close_scope, hold_expired};
use crate::write::context::Context;
use crate::write::steps::{lock, lock_active, meta, post, refused, remember, replay};
use jiff::SignedDuration;
use laurel_core::Points;
use laurel_core::ledger::{LedgerError, MemberLedger};
use laurel_core::wallet::HoldState;
use laurel_store::{JournalId, MemberId, NewPointHold, PointHoldClose, StoredPointHold, Tx};

/// Places a point hold, once per idempotency key.
pub(crate) async fn place(
    tx: &mut Tx,
    ctx: &Context<'_>,
    h: &ValidPointHold,
    actor: &str,
) -> Result<PointHoldOutcome> {
    let r = &h.request;
    let scope = format!("point_hold:{}", r.member_id);
    if let Some(answer) = replay(tx, &scope, &r.idempotency_key, &h.print).await? {
        return Ok(answer);
    }
    let member = lock_active(tx, &MemberRef::Id(r.member_id)).await?;
    let ledger = tx.ledger_of(&member).await?;
    let posting = ledger.hold(Points(r.points)).map_err(refused)?;
    let drawn = ledger.drawn_by(&posting);
    // As stored (whole microseconds), so the answer reads as the hold read back.
    let now = crate::as_stored(ctx.now);
    let expires_in = r
        .expires_in
        .unwrap_or(crate::wallet::validate::HOLD_EXPIRES_IN_DEFAULT);
    let expires_at = now + SignedDuration::from_secs(expires_in);
    let m = meta(
        ctx,
        "checkout hold",
        r.reference.clone(),
        Some(actor.to_owned()),
        ctx.now,
    );
    let (journal, balance, _) = post(tx, ctx, &member, &ledger, &posting, m).await?;
    let id = tx
        .insert_point_hold(&NewPointHold {
            id: h.id,
            member: member.id,
            points: Points(r.points),
            reference: &r.reference,
            hold_journal: JournalId(journal),
            drawn: &drawn,
            held_at: now,
            expires_at,
        })
        .await?;
    let stored = StoredPointHold {
        id,
        member: member.id,
        points: Points(r.points),
        state: HoldState::Held,
        captured: Points::ZERO,
        reference: r.reference.clone(),
        hold_journal: JournalId(journal),
        held_at: now,
        expires_at,
        closed_at: None,
        drawn,
    };
    let answer = outcome(tx, &stored, member.id, balance).await?;
    remember(
        tx,
        ctx,
        &scope,
        &r.idempotency_key,
        h.print.clone(),
        &answer,
    )
    .await?;
    Ok(answer)
}

/// Captures, voids or lapses a point hold. A capture or void is remembered under the hold:
/// retried, it is answered as the first time; any other close of a closed hold is refused
/// (`hold_closed`).
pub(crate) async fn close(
    tx: &mut Tx,
    ctx: &Context<'_>,
    hold_id: i64,
    member: MemberId,
    closing: PointClosing,
    actor: &str,
) -> Result<PointHoldOutcome> {
    let scope = close_scope(hold_id);
    let key = match closing {
        PointClosing::Capture(_) => Some("capture"),
        PointClosing::Void => Some("void"),
        PointClosing::Expire(_) => None,
    };
    let print = crate::checks::fingerprint(&closing)?;
    if let Some(key) = key
        && let Some(answer) = replay(tx, &scope, key, &print).await?
    {
        return Ok(answer);
    }
    let owner = lock(tx, &MemberRef::Id(member.0)).await?;
    let mut stored = tx
        .lock_point_hold(hold_id)
        .await?
        .ok_or(EngineError::UnknownHold(hold_id))?;
    if stored.state != HoldState::Held {
        return Err(EngineError::HoldClosed(stored.state.as_str().to_owned()));
    }
    let (state, capture, left) = match closing {
        PointClosing::Capture(points) => {
            if ctx.now >= stored.expires_at {
                return Err(hold_expired(stored.expires_at));
            }
            let amount = Points(points.unwrap_or(stored.points.get()));
            let captured = MemberLedger::capture_hold(&stored.drawn, amount)
                .map_err(|e| over_held(e, amount))?;
            (HoldState::Captured, Some(captured.clone()), captured.left)
        }
        PointClosing::Void => (HoldState::Voided, None, stored.drawn.clone()),
        PointClosing::Expire(as_of) if as_of >= stored.expires_at => {
            (HoldState::Expired, None, stored.drawn.clone())
        }
        // Not due as of the job's run: nothing to lapse.
        PointClosing::Expire(_) => return Err(EngineError::HoldClosed("held".into())),
    };
    // Giving back only refills lots or repays a debt: the balances are all it decides from.
    let ledger = MemberLedger::balances_only(Points(owner.available), Points(owner.pending));
    let release = if left.is_empty() {
        None
    } else {
        Some(ledger.release_hold(&left, ctx.now).map_err(refused)?)
    };
    let m = || {
        meta(
            ctx,
            "checkout hold",
            stored.reference.clone(),
            Some(actor.to_owned()),
            ctx.now,
        )
    };
    let mut balance = Balances {
        available: owner.available,
        pending: owner.pending,
    };
    let capture_journal = match &capture {
        Some(c) => Some(JournalId(
            post(tx, ctx, &owner, &ledger, &c.posting, m()).await?.0,
        )),
        None => None,
    };
    let release_journal = match &release {
        Some(posting) => {
            let (journal, after, _) = post(tx, ctx, &owner, &ledger, posting, m()).await?;
            balance = after;
            Some(JournalId(journal))
        }
        None => None,
    };
    let at = crate::as_stored(ctx.now);
    let spent = capture
        .as_ref()
        .map(|c| c.spent.clone())
        .unwrap_or_default();
    let close = PointHoldClose {
        state,
        capture: capture_journal.map(|j| (j, spent.as_slice())),
        release: release_journal,
        at,
    };
    if !tx.close_point_hold(hold_id, &close).await? {
        return Err(EngineError::Internal(format!(
            "point hold {hold_id} closed twice"
        )));
    }
    stored.state = state;
    stored.captured = spent.iter().map(|d| d.amount).sum();
    stored.closed_at = Some(at);
    let answer = outcome(tx, &stored, owner.id, balance).await?;
    if let Some(key) = key {
        remember(tx, ctx, &scope, key, print, &answer).await?;
    }
    Ok(answer)
}

async fn outcome(
    tx: &mut Tx,
    stored: &StoredPointHold,
    member: MemberId,
    balance: Balances,
) -> Result<PointHoldOutcome> {
    Ok(PointHoldOutcome {
        hold: PointHoldView::of(stored),
        points: PointsAfter {
            available: balance.available,
            pending: balance.pending,
            held: tx.points_held(member).await?.get(),
        },
    })
}

fn over_held(e: LedgerError, requested: Points) -> EngineError {
    match e {
        LedgerError::Insufficient { available, .. } => EngineError::Wallet {
            code: ErrorCode::CaptureExceedsHold,
            message: format!("the hold holds {available} points, less than {requested}"),
            args: vec![
                ("held", available.get().to_string()),
                ("requested", requested.get().to_string()),
            ],
        },
        other => refused(other),
    }
}
