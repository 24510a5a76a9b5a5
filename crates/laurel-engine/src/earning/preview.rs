//! Purchase preview: what a basket would earn and do to the member's tier, decided exactly as
//! the purchase would be, in a read-only transaction that writes nothing.

use crate::Engine;
use crate::earning::credit::{basket, grant_outcomes, purchase_earning, tier_discount};
use crate::earning::validate;
use crate::error::{EngineError, Result};
use crate::outcomes::{EarnStatus, GrantOutcome, TierChangeOutcome};
use crate::requests::{MemberRef, PurchaseRequest};
use crate::rewards::CouponView;
use crate::tiers::execute::measured;
use crate::write::context::Context;
use jiff::Timestamp;
use laurel_core::earn::lot_schedule;
use laurel_store::MemberId;
use rust_decimal::Decimal;

/// What a purchase would do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewOutcome {
    /// The buyer.
    pub member_id: i64,
    /// Points it would earn: the sum of the grants.
    pub points_earned: i64,
    /// Rule by rule, as the purchase would answer them.
    pub grants: Vec<GrantOutcome>,
    /// What the member's tier takes off the basket without a coupon, as the purchase would
    /// record it.
    pub tier_discount: Decimal,
    /// Pending (return window) or available at once; none when nothing is earned.
    pub status: EarnStatus,
    /// The member's spendable points now (what a checkout can offer to redeem).
    pub available_now: i64,
    /// The member's tier now.
    pub tier: Option<String>,
    /// The tier change the purchase would bring.
    pub tier_change: Option<TierChangeOutcome>,
    /// After it: the next tier and how much of the metric it would still take.
    pub next_tier: Option<(String, Decimal)>,
    /// Rewards the member may redeem with the points they can spend now, in catalog order.
    pub affordable_rewards: Vec<String>,
    /// The member's coupons that apply to this basket, with what each would take off.
    pub coupons: Vec<ApplicableCoupon>,
}

/// A coupon that applies to a previewed basket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicableCoupon {
    /// The coupon.
    pub coupon: CouponView,
    /// What it would take off.
    pub discount: Decimal,
    /// What the member's tier would take off after it.
    pub tier_discount: Decimal,
}

/// Most coupons a preview looks at.
const PREVIEW_COUPONS_MAX: u32 = 50;

impl Engine {
    /// Previews a purchase: validated like one (the same refusals), earning decided by the
    /// same rules and limits; nothing is written and the order id is not used up.
    pub async fn preview(&self, request: PurchaseRequest) -> Result<PreviewOutcome> {
        let now = Timestamp::now();
        let timeline = self.programs.snapshot();
        let ctx = Context::new(&timeline, now);
        let valid = validate::purchase(ctx.program, self.config.backdating, request, now)?;
        if let Some(late) = valid.late {
            return Err(late.refusal());
        }
        let r = &valid.request;
        let ctx = ctx.as_of(r.occurred_at);
        // As the purchase would refuse it.
        if let Some(code) = &r.partner {
            crate::partners::entries::partner(&ctx, code)?;
        }
        let mut tx = self.store.begin_read().await?;
        let member = match &r.member {
            MemberRef::Id(id) => tx.read_member(Some(MemberId(*id)), None).await?,
            MemberRef::External(ext) => tx.read_member(None, Some(ext)).await?,
        }
        .ok_or_else(|| EngineError::UnknownMember(r.member.to_string()))?;
        let (earned, _) = purchase_earning(&mut tx, &ctx, &member, r).await?;
        let tier_discount = tier_discount(&ctx, &member, r);
        let (mut tier_change, mut next_tier) = (None, None);
        if let Some(policy) = ctx.tiers {
            let tz = &ctx.program.time_zone;
            let window = policy.activity_window(now, tz);
            let mut value = measured(&mut tx, ctx.program, policy, member.id, window).await?;
            if window.contains(r.occurred_at) {
                value += policy.metric.added_by_purchase(r.total, earned.total);
            }
            let decision = policy.after_activity(&member.tier, value, now, tz);
            tier_change = decision.change.as_ref().map(TierChangeOutcome::from);
            next_tier = policy
                .progress(&decision.status, value, window)
                .next
                .map(|n| (n.tier.id, n.needed));
        }
        tx.rollback().await?;
        let schedule = lot_schedule(ctx.program, r.occurred_at)
            .map_err(|e| EngineError::Internal(e.to_string()))?;
        let status = match (earned.total.is_positive(), schedule.pending_at(now)) {
            (false, _) => EarnStatus::None,
            (true, Some(_)) => EarnStatus::Pending,
            (true, None) => EarnStatus::Available,
        };
        // At a partner: its own rewards only, and none of the member's coupons, which are the
        // program's to take (and whose codes a partner has no business reading).
        let affordable_rewards = self
            .catalog_for(Some(&member))
            .await?
            .into_iter()
            .filter(|v| {
                v.refusal.is_none() && (r.partner.is_none() || v.reward.partner == r.partner)
            })
            .map(|v| v.reward.id)
            .collect();
        let basket = basket(r);
        let digits = ctx.program.currency.minor_digits();
        let coupons = match &r.partner {
            Some(_) => Vec::new(),
            None => {
                self.store()
                    .active_coupons(member.id, PREVIEW_COUPONS_MAX)
                    .await?
            }
        };
        let coupons = coupons
            .iter()
            .map(|c| CouponView::from_stored(c, ctx.program.currency))
            .filter_map(|view| {
                let discount = view.to_core()?.discount_for(&basket, digits, now).ok()?;
                let tier_discount = ctx.tiers.map_or(Decimal::ZERO, |policy| {
                    let tier = member.tier.tier.as_deref();
                    policy.discount_for(tier, r.total, discount, digits)
                });
                Some(ApplicableCoupon {
                    coupon: view,
                    discount,
                    tier_discount,
                })
            })
            .collect();
        Ok(PreviewOutcome {
            member_id: member.id.0,
            points_earned: earned.total.get(),
            grants: grant_outcomes(earned),
            tier_discount,
            status,
            available_now: member.available,
            tier: member.tier.tier,
            tier_change,
            next_tier,
            affordable_rewards,
            coupons,
        })
    }
}
