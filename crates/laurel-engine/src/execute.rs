//! Executing one command inside the write path's transaction: load state, let the core decide,
//! store the decision, remember the answer.
//!
//! Invariant: every refusal (`EngineError::is_refusal`) is decided before the command's first
//! write. The write path relies on it to share one transaction among many commands without a
//! savepoint each.

use crate::commands::Command;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::outcomes::{
    Balances, Draw, EventOutcome, PostingOutcome, PurchaseOutcome, RefundOutcome,
};
use crate::programs::{ProgramVersion, Timeline};
use crate::referrals;
use crate::requests::MemberRef;
use crate::rewards::{self, CouponUseOutcome, RedemptionOutcome};
use crate::tiers;
use jiff::Timestamp;
use laurel_core::ledger::{Account, LedgerError, LotEffect, MemberLedger, Posting};
use laurel_core::referrals::ReferralPolicy;
use laurel_core::rewards::Catalog;
use laurel_core::rules::RuleSet;
use laurel_core::tiers::TierPolicy;
use laurel_core::{Points, Program};
use laurel_store::{IdempotentResponse, JournalMeta, Member, MemberId, StoreError, Tx};
use serde::Serialize;
use serde::de::DeserializeOwned;

mod earning;
mod points;
mod read_ahead;
mod refund;

pub(crate) use earning::{basket, credit, grant_outcomes, line, purchase_earning, tier_discount};
use earning::{event, purchase};
use points::{Job, adjust, redeem, scheduled};
pub(crate) use read_ahead::read_ahead;
use refund::refund;

/// What a command answered.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    Enrolled(Member),
    Purchase(PurchaseOutcome),
    Event(EventOutcome),
    Refund(RefundOutcome),
    Posting(PostingOutcome),
    Job(Points),
    /// Tier reviews: how many changed the member's tier.
    Reviewed(u64),
    /// A manual tier assignment was stored.
    TierAssigned,
    /// A reward redeemed, cancelled or fulfilled.
    Redemption(RedemptionOutcome),
    /// A coupon used or released.
    CouponUse(CouponUseOutcome),
}

/// Everything a command needs besides the transaction.
pub(crate) struct Context<'a> {
    pub program: &'a Program,
    pub rules: &'a RuleSet,
    pub tiers: Option<&'a TierPolicy>,
    pub catalog: &'a Catalog,
    pub referrals: Option<&'a ReferralPolicy>,
    /// The most points one staff adjustment may move, per role.
    pub adjust_policy: &'a crate::staff::AdjustPolicy,
    /// The program version deciding; recorded on every posting.
    pub version: Option<i64>,
    pub now: Timestamp,
    timeline: &'a Timeline,
}

impl<'a> Context<'a> {
    /// The context of commands decided at `now` under the program version in force then.
    pub fn new(timeline: &'a Timeline, now: Timestamp) -> Context<'a> {
        Context::under(timeline, timeline.in_force(now), now)
    }

    /// The same context, but deciding under the version in force at `at` (a purchase's or
    /// event's `occurred_at`): what happened is judged by the program of its time.
    pub fn as_of(&self, at: Timestamp) -> Context<'a> {
        Context::under(self.timeline, self.timeline.in_force(at), self.now)
    }

    fn under(timeline: &'a Timeline, version: &'a ProgramVersion, now: Timestamp) -> Context<'a> {
        let definition = &*version.definition;
        Context {
            program: &definition.program,
            rules: &definition.rules,
            tiers: definition.tiers.as_ref(),
            catalog: &definition.catalog,
            referrals: definition.referrals.as_ref(),
            adjust_policy: &definition.adjust_policy,
            version: version.version,
            now,
            timeline,
        }
    }
}

pub(crate) async fn execute(tx: &mut Tx, ctx: &Context<'_>, command: &Command) -> Result<Outcome> {
    match command {
        Command::Enroll {
            member,
            referred_by,
        } => {
            let referrer = match referred_by {
                Some(code) => Some(referrals::check_enrollment(tx, ctx, member, code).await?),
                None => None,
            };
            let id = tx
                .insert_member(member)
                .await?
                .ok_or_else(|| EngineError::MemberExists(member.external_id.clone()))?;
            let pending_referral = match referrer {
                Some(referrer) => Some(tx.insert_referral(referrer, id, member.enrolled_at).await?),
                None => None,
            };
            let tier = tiers::enrolled(tx, ctx, id, member.enrolled_at).await?;
            Ok(Outcome::Enrolled(Member {
                id,
                profile: member.clone(),
                status: "active".into(),
                available: 0,
                pending: 0,
                tier,
                pending_referral,
            }))
        }
        Command::AssignReferralCode(member) => referrals::assign_code(tx, *member)
            .await
            .map(Outcome::Enrolled),
        Command::Purchase(p) => purchase(tx, ctx, p).await.map(Outcome::Purchase),
        Command::Event(e) => event(tx, ctx, e).await.map(Outcome::Event),
        Command::Refund(r) => refund(tx, ctx, r).await.map(Outcome::Refund),
        Command::Redeem(r) => redeem(tx, ctx, r).await.map(Outcome::Posting),
        Command::Adjust {
            request,
            actor,
            role,
        } => adjust(tx, ctx, request, actor, *role)
            .await
            .map(Outcome::Posting),
        Command::Expire { member, now } => scheduled(tx, ctx, *member, *now, Job::Expire)
            .await
            .map(Outcome::Job),
        Command::Release { member, now } => scheduled(tx, ctx, *member, *now, Job::Release)
            .await
            .map(Outcome::Job),
        Command::ReviewTier { member, now } => tiers::review(tx, ctx, *member, *now)
            .await
            .map(Outcome::Reviewed),
        Command::AssignTier { request, actor } => tiers::assign(tx, ctx, request, actor)
            .await
            .map(|()| Outcome::TierAssigned),
        Command::RedeemReward(r) => rewards::redeem(tx, ctx, r).await.map(Outcome::Redemption),
        Command::CloseRedemption {
            member,
            redemption,
            closing,
            actor,
        } => rewards::close(tx, ctx, *member, *redemption, *closing, actor)
            .await
            .map(Outcome::Redemption),
        Command::UseCoupon {
            member,
            code,
            order,
            basket,
        } => rewards::use_coupon(tx, ctx, *member, code, order, basket.as_ref())
            .await
            .map(Outcome::CouponUse),
    }
}

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
async fn find_locked(
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

/// Posts a decision and returns the balances after it.
pub(crate) async fn post(
    tx: &mut Tx,
    member: MemberId,
    ledger: &MemberLedger,
    posting: &Posting,
    meta: JournalMeta,
) -> Result<(i64, Balances, Vec<i64>)> {
    let (journal, opened) = tx.post(member, posting, &meta).await?;
    metrics::counter!("laurel_ledger_postings_total", "kind" => posting.kind.as_str()).increment(1);
    let balances = Balances {
        available: (ledger.available + posting.delta(Account::MemberAvailable)).get(),
        pending: (ledger.pending + posting.delta(Account::MemberPending)).get(),
    };
    Ok((
        journal.0,
        balances,
        opened.into_iter().map(|l| l.0).collect(),
    ))
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
