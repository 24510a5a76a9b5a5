//! A household member's spending beyond their own points: what the others lend is decided
//! first (their rows locked, nothing written), then — after the spending's own refusals — lent
//! as transfers within the household, without a fee, each point keeping its expiry.

use crate::error::{EngineError, Result};
use crate::outcomes::Balances;
use crate::write::context::Context;
use crate::write::steps::{find_locked, internal, meta, post};
use laurel_core::Points;
use laurel_core::households::{Lender, lenders, shares};
use laurel_core::ledger::{LotId, MemberLedger};
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
            let sent = ledger.send(points, Points::ZERO).map_err(internal)?;
            let received = own.receive(&sent.carried, ctx.now).map_err(internal)?;
            let m = || {
                meta(
                    ctx,
                    "household",
                    format!("household:{}", self.household),
                    None,
                    ctx.now,
                )
            };
            let (out_journal, _, _) = post(tx, ctx, &lender, &ledger, &sent.out, m()).await?;
            let (in_journal, _, opened) = post(tx, ctx, spender, &own, &received, m()).await?;
            let mut ids = opened.into_iter();
            own.apply(&received, || LotId(ids.next().unwrap_or(i64::MAX)))
                .map_err(internal)?;
            let id = tx
                .insert_transfer(&NewTransfer {
                    gives_back: None,
                    sender: lender.id,
                    receiver: spender.id,
                    points,
                    fee: Points::ZERO,
                    out_journal: JournalId(out_journal),
                    in_journal: JournalId(in_journal),
                    fee_journal: None,
                    message: None,
                    actor: None,
                    household: Some(self.household),
                    created_at: crate::as_stored(ctx.now),
                })
                .await?;
            made.push(id);
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
        let sent = own.send(points, Points::ZERO).map_err(internal)?;
        let received = theirs.receive(&sent.carried, ctx.now).map_err(internal)?;
        let m = || {
            meta(
                ctx,
                "household",
                format!("household:{}", lent.household),
                None,
                ctx.now,
            )
        };
        let (out_journal, balances, _) = post(tx, ctx, &spender, &own, &sent.out, m()).await?;
        after = Some(balances);
        let (in_journal, _, _) = post(tx, ctx, &lender, &theirs, &received, m()).await?;
        own.apply(&sent.out, || LotId(i64::MAX)).map_err(internal)?;
        tx.insert_transfer(&NewTransfer {
            gives_back: Some(spent),
            sender: spender.id,
            receiver: lender.id,
            points,
            fee: Points::ZERO,
            out_journal: JournalId(out_journal),
            in_journal: JournalId(in_journal),
            fee_journal: None,
            message: None,
            actor: None,
            household: Some(lent.household),
            created_at: crate::as_stored(ctx.now),
        })
        .await?;
    }
    Ok(after)
}
