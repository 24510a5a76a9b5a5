//! A household member's spending beyond their own points: what the others lend is decided
//! first (their rows locked, nothing written), then — after the spending's own refusals — lent
//! as transfers within the household, without a fee, each point keeping its expiry.

use crate::error::{EngineError, Result};
use crate::outcomes::Balances;
use crate::write::context::Context;
use crate::write::steps::{find_locked, internal, meta, post};
use laurel_core::Points;
use laurel_core::households::{Lender, lenders, shares};
use laurel_core::ledger::{LotId, MemberLedger, Posting};
use laurel_store::{HouseholdRole, JournalId, Member, MemberId, NewTransfer, Tx};

/// What a spender's household lends toward a debit.
pub(crate) struct Lend {
    household: i64,
    /// Each lender, their ledger, and the points they lend.
    shares: Vec<(Member, MemberLedger, Points)>,
}

/// What `spender`'s household would lend toward a debit of `needed` beyond `own` points:
/// `None` when their own points cover it, or they lend nothing (no household, not yet
/// consented to, no one to draw on). Refused (`insufficient_points`, naming what the
/// household has) when the household cannot cover the shortfall. Nothing is written.
pub(crate) async fn plan(
    tx: &mut Tx,
    ctx: &Context<'_>,
    spender: &Member,
    own: &MemberLedger,
    needed: Points,
) -> Result<Option<Lend>> {
    if own.available >= needed {
        return Ok(None);
    }
    let Some(policy) = ctx.households else {
        return Ok(None);
    };
    let Some(id) = tx.household_id_of(spender.id).await? else {
        return Ok(None);
    };
    let Some(household) = tx.lock_household(id).await? else {
        return Ok(None);
    };
    if household.role_of(spender.id) != Some(HouseholdRole::Active) {
        return Ok(None);
    }
    let members: Vec<i64> = household.active().map(|m| m.member.0).collect();
    let order = lenders(policy.mode, spender.id.0, household.owner.0, &members);
    if order.is_empty() {
        return Ok(None);
    }
    let ids: Vec<MemberId> = order.iter().copied().map(MemberId).collect();
    tx.lock_members(&ids, &[]).await?;
    let mut found = Vec::with_capacity(order.len());
    for id in &ids {
        if let Some(m) = find_locked(tx, &crate::requests::MemberRef::Id(id.0)).await? {
            found.push(m);
        }
    }
    let lenders: Vec<Lender> = found
        .iter()
        .filter(|m| crate::members::require_active(m).is_ok())
        .map(|m| Lender {
            member: m.id.0,
            available: Points(m.available),
        })
        .collect();
    // A debt is repaid first by what comes in: it is part of what must be lent.
    let shortfall = needed - own.available;
    let Some(given) = shares(shortfall, &lenders) else {
        let pooled: Points = lenders.iter().map(|l| l.available.max(Points::ZERO)).sum();
        return Err(EngineError::InsufficientPoints {
            available: own.available.max(Points::ZERO) + pooled,
            requested: needed,
        });
    };
    let mut planned = Vec::with_capacity(given.len());
    for (lender, points) in given {
        let Some(member) = found.iter().find(|m| m.id.0 == lender).cloned() else {
            continue;
        };
        let ledger = tx.ledger_of(&member).await?;
        planned.push((member, ledger, points));
    }
    Ok(Some(Lend {
        household: id,
        shares: planned,
    }))
}

/// The lends made toward one spending: marked with its posting once it is made, so a
/// cancellation can give them back.
#[must_use]
pub(crate) struct Lent(Vec<i64>);

impl Lent {
    /// Marks the lends as paying toward posting `journal`.
    pub(crate) async fn paid(self, tx: &mut Tx, journal: JournalId) -> Result<()> {
        tx.mark_lends_paid(&self.0, journal).await?;
        Ok(())
    }
}

/// One side of a move within a household: the member and their ledger before it.
struct Side<'a> {
    member: &'a Member,
    ledger: &'a MemberLedger,
}

/// What one move within a household posted.
struct Moved {
    /// The transfer's row.
    transfer: i64,
    /// The sender's side, to apply to a running ledger.
    sent: Posting,
    /// The receiver's side, and the lots it opened.
    received: Posting,
    opened: Vec<i64>,
    /// The sender's balances after.
    sender_after: Balances,
}

/// Moves `points` within `household` from `from` to `to` without a fee, each point keeping
/// its expiry: both sides posted and the transfer recorded (naming the posting it gives a lend
/// back to, if it does). Lending and giving back both move points so.
async fn move_within(
    tx: &mut Tx,
    ctx: &Context<'_>,
    household: i64,
    from: Side<'_>,
    to: Side<'_>,
    points: Points,
    gives_back: Option<JournalId>,
) -> Result<Moved> {
    let sent = from.ledger.send(points, Points::ZERO).map_err(internal)?;
    let received = to
        .ledger
        .receive(&sent.carried, ctx.now)
        .map_err(internal)?;
    let m = || {
        meta(
            ctx,
            "household",
            format!("household:{household}"),
            None,
            ctx.now,
        )
    };
    let (out_journal, sender_after, _) =
        post(tx, ctx, from.member, from.ledger, &sent.out, m()).await?;
    let (in_journal, _, opened) = post(tx, ctx, to.member, to.ledger, &received, m()).await?;
    let transfer = tx
        .insert_transfer(&NewTransfer {
            sender: from.member.id,
            receiver: to.member.id,
            points,
            fee: Points::ZERO,
            out_journal: JournalId(out_journal),
            in_journal: JournalId(in_journal),
            fee_journal: None,
            message: None,
            actor: None,
            household: Some(household),
            gives_back,
            created_at: crate::as_stored(ctx.now),
        })
        .await?;
    Ok(Moved {
        transfer,
        sent: sent.out,
        received,
        opened,
        sender_after,
    })
}

impl Lend {
    /// Lends the planned points to `spender`, whose ledger was `own`: the spender's ledger
    /// after, with the lots the points came into, and the lends made.
    pub(crate) async fn lend(
        self,
        tx: &mut Tx,
        ctx: &Context<'_>,
        spender: &Member,
        mut own: MemberLedger,
    ) -> Result<(MemberLedger, Lent)> {
        let mut made = Vec::with_capacity(self.shares.len());
        for (lender, ledger, points) in self.shares {
            let from = Side {
                member: &lender,
                ledger: &ledger,
            };
            let to = Side {
                member: spender,
                ledger: &own,
            };
            let moved = move_within(tx, ctx, self.household, from, to, points, None).await?;
            let mut ids = moved.opened.into_iter();
            own.apply(&moved.received, || LotId(ids.next().unwrap_or(i64::MAX)))
                .map_err(internal)?;
            made.push(moved.transfer);
        }
        Ok((own, Lent(made)))
    }
}

/// Gives each member who lent toward posting `spent` (a reward redemption just cancelled) back
/// what they lent, from `spender`'s points as they stand after the cancellation (the
/// soonest-expiring first, each keeping its expiry), as transfers within the household: a
/// point of a lot that lapsed meanwhile is made good from the spender's own points as far as
/// they go, and the last lenders are short of the rest. The lenders were locked with the batch
/// (`read_ahead`). The spender's balances after, when anything was given back.
pub(crate) async fn give_back(
    tx: &mut Tx,
    ctx: &Context<'_>,
    spender: MemberId,
    spent: JournalId,
) -> Result<Option<Balances>> {
    let lends = tx.lends_toward(spent).await?;
    if lends.is_empty() {
        return Ok(None);
    }
    let mut after = None;
    let spender = find_locked(tx, &crate::requests::MemberRef::Id(spender.0))
        .await?
        .ok_or_else(|| internal("the spender vanished"))?;
    let mut own = tx.ledger_of(&spender).await?;
    for lent in lends {
        let points = lent.points.min(own.available);
        if !points.is_positive() {
            break;
        }
        let lender = find_locked(tx, &crate::requests::MemberRef::Id(lent.lender.0))
            .await?
            .ok_or_else(|| internal("a lender vanished"))?;
        let theirs = tx.ledger_of(&lender).await?;
        let from = Side {
            member: &spender,
            ledger: &own,
        };
        let to = Side {
            member: &lender,
            ledger: &theirs,
        };
        let moved = move_within(tx, ctx, lent.household, from, to, points, Some(spent)).await?;
        after = Some(moved.sender_after);
        own.apply(&moved.sent, || LotId(i64::MAX))
            .map_err(internal)?;
    }
    Ok(after)
}
