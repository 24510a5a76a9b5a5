//! Reward redemptions and coupon codes, checked before the write path.

use crate::checks::{findable, text};
use crate::error::{EngineError, Result};
use crate::requests::RedeemRewardRequest;
use laurel_core::Channel;

pub(crate) fn redeem_reward(request: RedeemRewardRequest) -> Result<RedeemRewardRequest> {
    text("idempotency_key", &request.idempotency_key)?;
    text("reward_id", &request.reward_id)?;
    Ok(request)
}

/// The key a coupon use is recorded under: the order, on its channel.
pub(crate) fn order_key(channel: Channel, order_id: &str) -> Result<String> {
    text("order_id", order_id)?;
    Ok(format!("{channel}:{order_id}"))
}

/// A coupon code as given, checked and normalized.
pub(crate) fn coupon_code(code: &str) -> Result<String> {
    if !findable(code) {
        return Err(EngineError::UnknownCoupon);
    }
    Ok(crate::codes::normalize(code))
}
