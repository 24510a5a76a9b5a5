//! Referrals in the write path: the checks when a member enrolls with a code, the payout on
//! their qualifying purchase, taking it back on a whole refund, and codes for members enrolled
//! before referrals existed.

use crate::earning::credit::{Posted, credit};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::events::emit::emit;
use crate::events::payload::{EventMember, ReferralPaidData};
use crate::fraud::judge::{Held, Judged};
use crate::write::context::Context;
use crate::write::steps::{internal, meta, post};
use laurel_core::Points;
use laurel_core::events::EventKind;
use laurel_core::ledger::LotId;
use laurel_core::referrals::{Contact, ReferralFacts, refund_reverses_referral};
use laurel_core::rules::Earning;
use laurel_store::{Member, MemberId, NewMember, PurchaseId, Referral, Tx};

/// Decides whether `member` may enroll referred by the holder of `code`: the referrer, or a
/// refusal. Reads only (it locks the referrer, so their referrals are counted one at a time).
pub(crate) async fn check_enrollment(
    tx: &mut Tx,
    ctx: &Context<'_>,
    member: &NewMember,
    code: &str,
) -> Result<Member> {
    let Some(policy) = ctx.referrals else {
        return Err(EngineError::invalid(
            "referral_code",
            ErrorCode::ReferralsNotOffered,
            "the program has no [referrals]",
        ));
    };
    let referrer = tx.lock_referrer(code).await?.ok_or_else(|| {
        EngineError::invalid(
            "referral_code",
            ErrorCode::UnknownReferralCode,
            format!("no member has the referral code `{code}`"),
        )
    })?;
    // A join date given from the past cannot come before the referrer's own: nobody was
    // referred by someone who was not a member yet.
    if member.enrolled_at < referrer.profile.enrolled_at {
        return Err(EngineError::invalid(
            "enrolled_at",
            ErrorCode::InvalidDate,
            "is before the referrer joined",
        ));
    }
    let facts = ReferralFacts {
        referrer: Contact {
            email: referrer.profile.email.as_deref(),
            phone: referrer.profile.phone.as_deref(),
        },
        applicant: Contact {
            email: member.email.as_deref(),
            phone: member.phone.as_deref(),
        },
        applicant_already_member: tx
            .contact_enrolled(member.email.as_deref(), member.phone.as_deref())
            .await?,
        referrals_made: tx.referrals_made(referrer.id).await?,
    };
    policy.check(&facts).map_err(EngineError::Referral)?;
    Ok(referrer)
}

/// The buyer's pending referral, when this purchase pays it out. Reads only.
pub(crate) async fn qualifying(
    tx: &mut Tx,
    ctx: &Context<'_>,
    buyer: &Member,
    basket: &laurel_core::rules::Basket,
    at: jiff::Timestamp,
) -> Result<Option<Referral>> {
    let (Some(policy), Some(pending)) = (ctx.referrals, buyer.pending_referral) else {
        return Ok(None);
    };
    Ok(tx
        .referral(pending)
        .await?
        .filter(|r| policy.qualifies_basket(basket, at, r.enrolled_at)))
}

/// A referral paying out on a purchase.
pub(crate) struct Paying<'a> {
    /// The referral.
    pub(crate) referral: &'a Referral,
    /// The new member who bought.
    pub(crate) referee: &'a Member,
    /// Their qualifying purchase.
    pub(crate) purchase: PurchaseId,
    /// The fraud rules' verdict when they held the purchase's points: the referrer's bonus
    /// is held too, on a case of its own.
    pub(crate) held: Option<&'a Judged>,
}

/// Pays out a referral on its purchase: the referrer's bonus as an earn of its own (the
/// referee's came with the purchase), and the referral marked rewarded.
pub(crate) async fn pay_out(
    tx: &mut Tx,
    ctx: &Context<'_>,
    paying: Paying<'_>,
    at: jiff::Timestamp,
) -> Result<()> {
    let Paying {
        referral,
        referee,
        purchase,
        held: purchase_held,
    } = paying;
    let policy = ctx
        .referrals
        .ok_or_else(|| internal("a referral paid out without [referrals]"))?;
    let referrer = tx
        .lock_member(Some(referral.referrer), None)
        .await?
        .ok_or_else(|| internal(format!("referrer {} vanished", referral.referrer.0)))?;
    // A rule that judged the referral when the new member joined may have said to hold the
    // bonus for review: still open, the bonus is held and the case names its lot; stopped by
    // a reviewer before it came (taken back, or the referrer frozen), it is never paid;
    // released or dismissed, it is paid as any.
    let judged_case = tx
        .held_referral_case(referrer.id, &referee.profile.external_id)
        .await?;
    let held = judged_case
        .as_ref()
        .filter(|(_, state)| state == "open")
        .map(|(id, _)| *id);
    let stopped = judged_case
        .as_ref()
        .is_some_and(|(_, state)| state == "reversed" || state == "frozen");
    let mut points = Points::ZERO;
    let mut lot = None;
    if !stopped {
        points = policy.referrer_points;
        let earning = Earning {
            grants: vec![policy.referrer_grant(&referee.profile.external_id)],
            total: points,
        };
        let posted = Posted {
            reason: format!("referral: {}", referee.profile.external_id),
            reference: format!("referral:{}", referral.id),
            held: held.is_some() || purchase_held.is_some(),
        };
        let credited = credit(tx, ctx, &referrer, &earning, at, posted).await?;
        lot = credited.lot.map(|l| l.0);
        if let (Some(journal), Some(lot)) = (credited.journal, lot) {
            if let Some(case) = held {
                tx.hold_on_case(case, journal, lot).await?;
            } else if let Some(judged) = purchase_held {
                let bonus = Held {
                    member: referrer.id,
                    operation: "referral",
                    reference: &referee.profile.external_id,
                    journal,
                    lot,
                };
                judged.hold_also(tx, bonus, ctx.now).await?;
            }
        }
    }
    tx.reward_referral(
        referral.id,
        referee.id,
        purchase,
        points.get(),
        lot,
        policy.referee_points.get(),
        ctx.now,
    )
    .await?;
    emit(
        tx,
        ctx,
        EventKind::ReferralPaid,
        Some(referrer.id.0),
        || ReferralPaidData {
            member: EventMember::of(&referrer),
            friend: EventMember::of(referee),
            points: points.get(),
        },
    )
    .await
}

/// Takes a referral back when the purchase that paid it out is wholly refunded (see
/// [`refund_reverses_referral`]): the referrer's bonus is reversed, from the lot it opened
/// first, and the referral is marked reversed, so it no longer counts against the referrer's
/// limit. The new member's bonus was part of the purchase's own earn, so the refund reversed
/// it already. Returns the referrer's points taken back, if a referral was.
pub(crate) async fn take_back(
    tx: &mut Tx,
    ctx: &Context<'_>,
    purchase: PurchaseId,
    total_minor: i64,
    refunded_minor: i64,
) -> Result<Option<Points>> {
    if !refund_reverses_referral(ctx.referrals, total_minor, refunded_minor) {
        return Ok(None);
    }
    let Some((referral, lot)) = tx.referral_paid_by(purchase).await? else {
        return Ok(None);
    };
    let points = Points(referral.referrer_points.unwrap_or(0));
    if points.is_positive() {
        let referrer = tx
            .lock_member(Some(referral.referrer), None)
            .await?
            .ok_or_else(|| internal(format!("referrer {} vanished", referral.referrer.0)))?;
        let ledger = tx.ledger_of(&referrer).await?;
        let posting = ledger
            .reverse(lot.map(LotId), points, ctx.program.clawback)
            .map_err(internal)?;
        let m = meta(
            ctx,
            "referral reversed: its purchase was refunded",
            format!("referral:{}", referral.id),
            None,
            ctx.now,
        );
        post(tx, ctx, &referrer, &ledger, &posting, m).await?;
    }
    tx.reverse_referral(referral.id).await?;
    Ok(Some(points))
}

/// Gives a member a referral code if they have none; answers the member as stored.
pub(crate) async fn assign_code(tx: &mut Tx, member: MemberId) -> Result<Member> {
    tx.lock_member(Some(member), None)
        .await?
        .ok_or_else(|| EngineError::UnknownMember(member.0.to_string()))?;
    tx.set_referral_code(member, &crate::codes::random_code(3))
        .await?;
    tx.lock_member(Some(member), None)
        .await?
        .ok_or_else(|| EngineError::UnknownMember(member.0.to_string()))
}
