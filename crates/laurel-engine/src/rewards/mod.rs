//! Rewards and coupons in the engine: the catalog with stock and a member's eligibility,
//! redeeming, cancelling and fulfilling rewards, and the checkout's coupon calls (validate,
//! consume, release).

pub(crate) mod execute;
pub(crate) mod views;

pub use views::{
    CouponCheck, CouponUseOutcome, CouponView, DonationView, RedemptionOutcome, RedemptionView,
    RewardView,
};

mod validate;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::{
    CheckoutRequest, ConsumeCouponRequest, MemberRef, RedeemRewardRequest, ReleaseCouponRequest,
};
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, unexpected};
use jiff::Timestamp;
use laurel_core::rewards::{Closing, RedemptionFacts};
use laurel_store::{Member, MemberId, RedemptionId};
use rust_decimal::Decimal;

/// A coupon found by its code, with its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouponLookup {
    /// The coupon.
    pub coupon: CouponView,
    /// Whose it is.
    pub member_id: i64,
    /// The redemption that issued it.
    pub redemption_id: i64,
}

impl Engine {
    /// The catalog in program order, with units out and left; for `member`, also whether
    /// they may redeem one unit now (tier, dates, stock, their limit, their points).
    pub async fn catalog(&self, member: Option<i64>) -> Result<Vec<RewardView>> {
        let holder = match member {
            Some(id) => Some(
                self.store()
                    .member(MemberId(id))
                    .await?
                    .ok_or_else(|| EngineError::UnknownMember(id.to_string()))?,
            ),
            None => None,
        };
        self.catalog_for(holder.as_ref()).await
    }

    /// [`Engine::catalog`] for a member already read.
    pub(crate) async fn catalog_for(&self, member: Option<&Member>) -> Result<Vec<RewardView>> {
        let definition = self.definition();
        if definition.catalog.rewards().is_empty() {
            return Ok(Vec::new());
        }
        let out = self.store().reward_units_out().await?;
        let units = |id: &str| out.iter().find(|(r, _)| r == id).map_or(0, |(_, n)| *n);
        let holder = match member {
            Some(m) => Some((
                m,
                self.store().member_reward_units_all(m.id).await?,
                self.store().member_segments(m.id).await?,
            )),
            None => None,
        };
        let now = Timestamp::now();
        Ok(definition
            .catalog
            .rewards()
            .iter()
            .map(|reward| {
                let redeemed = units(&reward.id);
                let refusal = holder.as_ref().and_then(|(m, mine, segments)| {
                    let facts = RedemptionFacts {
                        tier: m.tier.tier.clone(),
                        segments: segments.clone(),
                        redeemed_by_member: mine
                            .iter()
                            .find(|(r, _)| *r == reward.id)
                            .map_or(0, |(_, n)| *n),
                        redeemed_in_all: redeemed,
                        quantity: 1,
                        now,
                    };
                    match reward.check_redemption(&facts) {
                        Err(refusal) => Some(ErrorCode::from(&refusal)),
                        Ok(cost) if m.available < cost.get() => Some(ErrorCode::InsufficientPoints),
                        Ok(_) => None,
                    }
                });
                RewardView {
                    reward: reward.clone(),
                    redeemed,
                    stock_left: reward.stock_left(redeemed),
                    refusal,
                }
            })
            .collect())
    }

    /// Redeems a reward for a member; the same idempotency key again answers the same.
    pub async fn redeem_reward(&self, request: RedeemRewardRequest) -> Result<RedemptionOutcome> {
        let valid = validate::redeem_reward(request)?;
        if self.definition().catalog.get(&valid.reward_id).is_none() {
            return Err(EngineError::UnknownReward(valid.reward_id));
        }
        self.submit_redemption(Command::RedeemReward(valid)).await
    }

    /// Cancels an unused redemption: its points go back with their original expiry.
    pub async fn cancel_redemption(&self, id: i64, actor: &str) -> Result<RedemptionOutcome> {
        self.close_redemption(id, Closing::Cancel, actor).await
    }

    /// Marks a gift or experience handed over.
    pub async fn fulfil_redemption(&self, id: i64, actor: &str) -> Result<RedemptionOutcome> {
        self.close_redemption(id, Closing::Fulfil, actor).await
    }

    async fn close_redemption(
        &self,
        id: i64,
        closing: Closing,
        actor: &str,
    ) -> Result<RedemptionOutcome> {
        let found = self
            .store()
            .redemption(RedemptionId(id))
            .await?
            .ok_or(EngineError::UnknownRedemption(id))?;
        self.submit_redemption(Command::CloseRedemption {
            member: found.redemption.member,
            redemption: found.id,
            closing,
            actor: actor.to_owned(),
        })
        .await
    }

    async fn submit_redemption(&self, command: Command) -> Result<RedemptionOutcome> {
        match self.writer.submit(command).await? {
            Outcome::Redemption(r) => Ok(r),
            other => Err(unexpected(other)),
        }
    }

    /// A redemption with its coupons.
    pub async fn redemption(&self, id: i64) -> Result<RedemptionView> {
        let found = self
            .store()
            .redemption(RedemptionId(id))
            .await?
            .ok_or(EngineError::UnknownRedemption(id))?;
        Ok(RedemptionView::from_stored(
            &found,
            self.definition().program.currency,
        ))
    }

    /// A member's redemptions, newest first.
    pub async fn member_redemptions(
        &self,
        member_id: i64,
        limit: u32,
    ) -> Result<Vec<RedemptionView>> {
        if self.store().member(MemberId(member_id)).await?.is_none() {
            return Err(EngineError::UnknownMember(member_id.to_string()));
        }
        let found = self
            .store()
            .member_redemptions(MemberId(member_id), limit)
            .await?;
        let currency = self.definition().program.currency;
        Ok(found
            .iter()
            .map(|r| RedemptionView::from_stored(r, currency))
            .collect())
    }

    /// A coupon by code.
    pub async fn coupon(&self, code: &str) -> Result<CouponView> {
        Ok(self.coupon_lookup(code).await?.coupon)
    }

    /// A coupon by code with whose it is and the redemption that issued it (for staff).
    pub async fn coupon_lookup(&self, code: &str) -> Result<CouponLookup> {
        let code = validate::coupon_code(code)?;
        let found = self
            .store()
            .coupon(&code)
            .await?
            .ok_or(EngineError::UnknownCoupon)?;
        Ok(CouponLookup {
            coupon: CouponView::from_stored(&found, self.definition().program.currency),
            member_id: found.coupon.member.0,
            redemption_id: found.coupon.redemption.0,
        })
    }

    /// Whether a coupon applies to a basket and what it would take off, with what the
    /// holder's tier takes off after it (after nothing when the coupon does not apply);
    /// writes nothing.
    pub async fn check_coupon(&self, code: &str, checkout: CheckoutRequest) -> Result<CouponCheck> {
        let definition = self.definition();
        let basket = crate::earning::validate::checkout(&definition.program, checkout)?;
        let CouponLookup {
            coupon, member_id, ..
        } = self.coupon_lookup(code).await?;
        let core = coupon.to_core().ok_or_else(|| {
            EngineError::Internal(format!("coupon {} is not readable", coupon.code))
        })?;
        let digits = definition.program.currency.minor_digits();
        let verdict = core.discount_for(&basket, digits, Timestamp::now());
        let tier_discount = match &definition.tiers {
            Some(policy) => {
                let holder = self.member(&MemberRef::Id(member_id)).await?;
                let coupon_discount = verdict.as_ref().map_or(Decimal::ZERO, |d| *d);
                policy.discount_for(
                    holder.tier.tier.as_deref(),
                    basket.total,
                    coupon_discount,
                    digits,
                )
            }
            None => Decimal::ZERO,
        };
        Ok(CouponCheck {
            coupon,
            verdict,
            tier_discount,
        })
    }

    /// Uses a coupon on an order: once; the same order again answers the same, another order
    /// is refused.
    pub async fn consume_coupon(&self, request: ConsumeCouponRequest) -> Result<CouponUseOutcome> {
        let order = validate::order_key(request.checkout.channel, &request.order_id)?;
        let basket =
            crate::earning::validate::checkout(&self.definition().program, request.checkout)?;
        self.use_coupon(&request.code, order, Some(basket)).await
    }

    /// Gives a coupon back from the order that used it (the order was cancelled).
    pub async fn release_coupon(&self, request: ReleaseCouponRequest) -> Result<CouponUseOutcome> {
        let order = validate::order_key(request.channel, &request.order_id)?;
        self.use_coupon(&request.code, order, None).await
    }

    async fn use_coupon(
        &self,
        code: &str,
        order: String,
        basket: Option<laurel_core::rules::Basket>,
    ) -> Result<CouponUseOutcome> {
        let code = validate::coupon_code(code)?;
        let holder = self
            .store()
            .coupon(&code)
            .await?
            .ok_or(EngineError::UnknownCoupon)?
            .coupon
            .member;
        let command = Command::UseCoupon {
            member: holder,
            code,
            order,
            basket,
        };
        match self.writer.submit(command).await? {
            Outcome::CouponUse(u) => Ok(u),
            other => Err(unexpected(other)),
        }
    }
}
