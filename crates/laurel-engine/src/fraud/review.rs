//! A reviewer closing a case in the write path, under the member's lock: held points released
//! or taken back, the member frozen, or the case dismissed.

use super::views::FraudCaseView;
use crate::error::{EngineError, Result};
use crate::requests::MemberRef;
use crate::write::context::Context;
use crate::write::steps::{lock, meta, post};
use laurel_core::MemberStatus;
use laurel_core::ledger::{LotId, MemberLedger, Posting};
use laurel_core::{ClawbackPolicy, Points};
use laurel_store::{Member, Tx};

/// What a reviewer does with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewAction {
    /// The points it held become the member's.
    Release,
    /// The points it held (or the earning it let through) are taken back.
    Reverse,
    /// The member is suspended; points held stay held.
    Freeze,
    /// Nothing was wrong: points held are released.
    Dismiss,
}

impl ReviewAction {
    /// Every action.
    pub const ALL: [ReviewAction; 4] = [
        ReviewAction::Release,
        ReviewAction::Reverse,
        ReviewAction::Freeze,
        ReviewAction::Dismiss,
    ];

    /// Its name in the API and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewAction::Release => "release",
            ReviewAction::Reverse => "reverse",
            ReviewAction::Freeze => "freeze",
            ReviewAction::Dismiss => "dismiss",
        }
    }

    /// The action by its name.
    pub fn parse(name: &str) -> Option<ReviewAction> {
        ReviewAction::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// The state a case closed by it is left in.
    fn closes_as(self) -> &'static str {
        match self {
            ReviewAction::Release => "released",
            ReviewAction::Reverse => "reversed",
            ReviewAction::Freeze => "frozen",
            ReviewAction::Dismiss => "dismissed",
        }
    }
}

/// Closes case `id` by `action` for `actor`.
pub(crate) async fn review(
    tx: &mut Tx,
    ctx: &Context<'_>,
    id: i64,
    action: ReviewAction,
    actor: &str,
) -> Result<FraudCaseView> {
    let case = tx
        .lock_fraud_case(id)
        .await?
        .ok_or(EngineError::UnknownFraudCase(id))?;
    if case.state != "open" {
        return Err(EngineError::FraudCaseClosed(id));
    }
    let member = lock(tx, &MemberRef::Id(case.case.member.0)).await?;
    crate::members::require_not_erased(&member)?;
    // The staff member whose adjustment a rule caught does not judge it.
    if case.case.operation == "adjustment" && case.case.reference == actor {
        return Err(EngineError::OwnFraudCase(id));
    }
    let lot = case.case.lot.map(LotId);
    let ledger = tx.ledger_of(&member).await?;
    let posting = match action {
        ReviewAction::Release | ReviewAction::Dismiss => lot.and_then(|l| ledger.release_lot(l)),
        ReviewAction::Reverse => taking_back(&ledger, lot)?,
        ReviewAction::Freeze => None,
    };
    // A referral's bonus held before it was paid out: taking it back now means it is never
    // paid (the payout reads the case's state).
    let bonus_to_come = case.case.operation == "referral" && case.case.lot.is_none();
    // Releasing or taking back what the case holds nothing of would close it saying so falsely.
    if posting.is_none()
        && (action == ReviewAction::Release || (action == ReviewAction::Reverse && !bonus_to_come))
    {
        return Err(EngineError::NothingToReview {
            case: id,
            action: action.as_str(),
        });
    }
    if let Some(posting) = posting {
        let journal = post_review(tx, ctx, &member, &ledger, &posting, id, actor).await?;
        // A partner's points taken back are credited to it, as a refund's are.
        if action == ReviewAction::Reverse
            && let Some(lot) = case.case.lot
            && let Some(issued) = tx
                .partner_entry_of_lot(laurel_core::ledger::LotId(lot))
                .await?
        {
            let reference = format!("fraud_case:{id}");
            let taken = -(posting.delta(laurel_core::ledger::Account::MemberAvailable)
                + posting.delta(laurel_core::ledger::Account::MemberPending))
            .get();
            let entry = crate::partners::entries::Entry {
                member: member.id,
                journal,
                points: taken,
                reference: &reference,
            };
            crate::partners::entries::reversed(tx, ctx.now, &issued, entry).await?;
        }
    }
    // A purchase whose points were held counts toward tiers again once they are released;
    // one whose points are taken back (held or flagged) never again.
    if case.case.operation == "purchase"
        && action != ReviewAction::Freeze
        && let Some(lot) = case.case.lot
    {
        let released = action != ReviewAction::Reverse;
        if tx.settle_held_purchase(member.id, lot, released).await? && released {
            crate::tiers::execute::after_activity(tx, ctx, &member).await?;
        }
    }
    if action == ReviewAction::Freeze {
        crate::members::Standing::in_write(ctx, actor)
            .change(tx, &member, MemberStatus::Suspended)
            .await?;
    }
    let now = crate::as_stored(ctx.now);
    tx.decide_fraud_case(id, action.closes_as(), actor, now)
        .await?;
    let closed = tx
        .lock_fraud_case(id)
        .await?
        .ok_or(EngineError::UnknownFraudCase(id))?;
    Ok(FraudCaseView::of(closed))
}

/// Takes back what is left of the lot the case names (held, or let through and not spent);
/// nothing when none is left.
fn taking_back(ledger: &MemberLedger, lot: Option<LotId>) -> Result<Option<Posting>> {
    let Some(left) = lot.and_then(|id| ledger.lots.iter().find(|l| l.id == id)) else {
        return Ok(None);
    };
    if !left.remaining.is_positive() {
        return Ok(None);
    }
    // Only what the lot holds: points the member spent meanwhile are not taken from the rest.
    ledger
        .reverse(
            Some(left.id),
            Points(left.remaining.get()),
            ClawbackPolicy::CapAtZero,
        )
        .map(Some)
        .map_err(|e| EngineError::Internal(e.to_string()))
}

async fn post_review(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: &Member,
    ledger: &MemberLedger,
    posting: &Posting,
    case: i64,
    actor: &str,
) -> Result<laurel_store::JournalId> {
    let m = meta(
        ctx,
        "fraud review",
        format!("fraud_case:{case}"),
        Some(actor.to_owned()),
        ctx.now,
    );
    let (journal, _, _) = post(tx, ctx, member, ledger, posting, m).await?;
    Ok(laurel_store::JournalId(journal))
}
