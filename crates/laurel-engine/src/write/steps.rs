//! The steps every command takes inside the write path's transaction: replay a retry's first
//! answer, lock the member, post a decision, remember the answer.
//!
//! Invariant: every refusal (`EngineError::is_refusal`) is decided before the command's first
//! write. The write path relies on it to share one transaction among many commands without a
//! savepoint each.

use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::events::emit::emit;
use crate::events::payload::{EventMember, PointsData};
use crate::outcomes::{Balances, Draw};
use crate::requests::MemberRef;
use crate::write::context::Context;
use jiff::Timestamp;
use laurel_core::events::EventKind;
use laurel_core::ledger::{
    Account, InvariantViolation, LedgerError, LotEffect, LotId, MemberLedger, Posting,
};
use laurel_store::{IdempotentResponse, JournalMeta, Member, MemberId, StoreError, Tx};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The first answer to `(scope, key)` if this request was seen; a conflict if the key was used
/// for a different request.
pub(crate) async fn replay<T: DeserializeOwned>(
    tx: &mut Tx,
    scope: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Option<T>> {
    match tx.idempotent_response(scope, key).await? {
        None => Ok(None),
        Some(seen) if seen.fingerprint == fingerprint => serde_json::from_str(&seen.response)
            .map(Some)
            .map_err(|e| EngineError::Internal(format!("stored answer for {scope}/{key}: {e}"))),
        Some(_) => Err(EngineError::IdempotencyConflict(key.to_owned())),
    }
}

pub(crate) async fn remember<T: Serialize>(
    tx: &mut Tx,
    ctx: &Context<'_>,
    scope: &str,
    key: &str,
    fingerprint: String,
    answer: &T,
) -> Result<()> {
    let response =
        serde_json::to_string(answer).map_err(|e| EngineError::Internal(e.to_string()))?;
    tx.store_idempotent_response(
        scope,
        key,
        &IdempotentResponse {
            fingerprint,
            response,
        },
        ctx.now,
    )
    .await
    .map_err(Into::into)
}

pub(crate) async fn lock(tx: &mut Tx, member: &MemberRef) -> Result<Member> {
    find_locked(tx, member)
        .await?
        .ok_or_else(|| EngineError::UnknownMember(member.to_string()))
}

/// The member, locked, if they exist.
pub(crate) async fn find_locked(
    tx: &mut Tx,
    member: &MemberRef,
) -> std::result::Result<Option<Member>, StoreError> {
    match member {
        MemberRef::Id(id) => tx.lock_member(Some(MemberId(*id)), None).await,
        MemberRef::External(ext) => tx.lock_member(None, Some(ext)).await,
    }
}

/// [`lock`], refused for a suspended member: what a member earns or spends with. Refunds,
/// staff adjustments and the jobs still reach a suspended member's points.
pub(crate) async fn lock_active(tx: &mut Tx, member: &MemberRef) -> Result<Member> {
    let locked = lock(tx, member).await?;
    crate::members::require_active(&locked)?;
    Ok(locked)
}

/// Posts a decision and returns the balances after it; tells it as a `points.*` event.
pub(crate) async fn post(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: &Member,
    ledger: &MemberLedger,
    posting: &Posting,
    meta: JournalMeta,
) -> Result<(i64, Balances, Vec<i64>)> {
    if cfg!(debug_assertions) {
        let broken = invariants_after(ledger, posting);
        debug_assert!(broken.is_none(), "member {}: {broken:?}", member.id.0);
    }
    let (journal, opened) = tx.post(member.id, posting, &meta).await?;
    metrics::counter!("laurel_ledger_postings_total", "kind" => posting.kind.as_str()).increment(1);
    let available_change = posting.delta(Account::MemberAvailable);
    let pending_change = posting.delta(Account::MemberPending);
    let balances = Balances {
        available: (ledger.available + available_change).get(),
        pending: (ledger.pending + pending_change).get(),
    };
    let kind = EventKind::of_posting(posting.kind);
    emit(tx, ctx, kind, Some(member.id.0), || PointsData {
        member: EventMember::of(member),
        journal_id: journal.0,
        posting: posting.kind.as_str().to_owned(),
        available_change: available_change.get(),
        pending_change: pending_change.get(),
        available: balances.available,
        pending: balances.pending,
        reason: meta.reason.clone(),
        reference: meta.reference.clone(),
        effective_at: meta.effective_at,
        program_version: meta.program_version,
    })
    .await?;
    Ok((
        journal.0,
        balances,
        opened.into_iter().map(|l| l.0).collect(),
    ))
}

/// What `posting` would break of the member's ledger invariants, applied to `ledger`: a
/// posting that does not balance, a lot overdrawn, balances that no longer equal their lots.
/// A credit decides from balances alone (its lots are not loaded), so then only what the
/// posting itself can break is checked.
fn invariants_after(ledger: &MemberLedger, posting: &Posting) -> Option<InvariantViolation> {
    let lots_loaded = ledger.check().is_ok();
    let mut after = ledger.clone();
    // Ids for the lots it opens, out of the way of stored ones.
    let mut next = i64::MAX;
    let applied = after.apply(posting, || {
        next -= 1;
        LotId(next)
    });
    match applied {
        Err(InvariantViolation::LotsMismatch { .. }) if !lots_loaded => None,
        other => other.err(),
    }
}

pub(crate) fn meta(
    ctx: &Context<'_>,
    reason: impl Into<String>,
    reference: impl Into<String>,
    actor: Option<String>,
    effective_at: Timestamp,
) -> JournalMeta {
    JournalMeta {
        reason: reason.into(),
        reference: reference.into(),
        actor,
        effective_at,
        posted_at: ctx.now,
        program_version: ctx.version,
    }
}

pub(crate) fn internal(e: impl std::fmt::Display) -> EngineError {
    EngineError::Internal(e.to_string())
}

pub(crate) fn draws(posting: &Posting) -> Vec<Draw> {
    posting
        .lots
        .iter()
        .filter_map(|e| match e {
            LotEffect::Draw { lot, amount } => Some(Draw {
                lot_id: lot.0,
                points: amount.get(),
            }),
            _ => None,
        })
        .collect()
}

pub(crate) fn refused(e: LedgerError) -> EngineError {
    match e {
        LedgerError::Insufficient {
            available,
            requested,
        } => EngineError::InsufficientPoints {
            available,
            requested,
        },
        LedgerError::NonPositive(p) => EngineError::invalid(
            "points",
            ErrorCode::InvalidAmount,
            format!("must be above zero, got {p}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use laurel_core::Points;
    use laurel_core::ledger::{Lot, LotState};

    fn holding(points: i64) -> MemberLedger {
        MemberLedger {
            available: Points(points),
            pending: Points::ZERO,
            lots: vec![Lot {
                id: LotId(1),
                remaining: Points(points),
                earned_at: Timestamp::UNIX_EPOCH,
                expires_at: None,
                state: LotState::Available,
            }],
        }
    }

    #[test]
    fn a_decided_posting_keeps_the_invariants_and_a_tampered_one_is_caught() {
        let ledger = holding(100);
        let mut posting = ledger
            .redeem(Points(50))
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(invariants_after(&ledger, &posting), None);
        // The lot drawn on for more than the balance moved: lots and balance disagree.
        if let Some(LotEffect::Draw { amount, .. }) = posting.lots.first_mut() {
            *amount = Points(80);
        }
        assert!(matches!(
            invariants_after(&ledger, &posting),
            Some(InvariantViolation::LotsMismatch { .. })
        ));
    }

    #[test]
    fn a_credit_decided_from_balances_alone_is_checked_for_what_it_can_break() {
        let ledger = MemberLedger::balances_only(Points(300), Points::ZERO);
        let posting = ledger
            .adjust_credit(Points(20), Timestamp::UNIX_EPOCH, None)
            .unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(invariants_after(&ledger, &posting), None);
    }
}
