//! Where a coupon, or a redemption, stands, in the page's language: one truth for the
//! portal's list (grouped by it) and coupon page, the member page and the staff's coupon
//! lookup.

use crate::i18n::Strings;
use jiff::Timestamp;
use laurel_core::rewards::CouponStanding;
use laurel_engine::{CouponView, RedemptionView};

/// A coupon's `standing` (its [`CouponView::standing`]: ready, used, expired, cancelled) in
/// words.
pub fn coupon_standing(
    t: &Strings,
    coupon: &CouponView,
    standing: Option<CouponStanding>,
) -> String {
    match standing {
        Some(standing) => t.get(&format!("standing.{standing}")).to_owned(),
        None => t.get(&format!("status.{}", coupon.status)).to_owned(),
    }
}

/// A redemption's state in words: a coupon reward's from its coupons (ready while one is),
/// any other reward's from the redemption (ready to hand over, handed over, cancelled).
pub fn redemption_standing(t: &Strings, redemption: &RedemptionView, now: Timestamp) -> String {
    match redemption.coupon_standing(now) {
        Some(standing) if redemption.status != "cancelled" => {
            t.get(&format!("standing.{standing}")).to_owned()
        }
        _ => t.get(&format!("status.{}", redemption.status)).to_owned(),
    }
}

/// Where a redemption stands as a whole, for grouping: cancelled if it was; a coupon reward
/// as its coupons together; any other reward ready until it is handed over, then used.
pub fn redemption_group(redemption: &RedemptionView, now: Timestamp) -> CouponStanding {
    if redemption.status == "cancelled" {
        return CouponStanding::Cancelled;
    }
    match redemption.coupon_standing(now) {
        Some(standing) => standing,
        None if redemption.status == "fulfilled" => CouponStanding::Used,
        None => CouponStanding::Ready,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;

    fn redemption(kind: &str, status: &str, coupons: &[(&str, Timestamp)]) -> RedemptionView {
        RedemptionView {
            redemption_id: 1,
            member_id: 1,
            reward_id: "r".into(),
            reward_name: "R".into(),
            kind: kind.into(),
            quantity: 1,
            points: 100,
            status: status.into(),
            redeemed_at: Timestamp::UNIX_EPOCH,
            closed_at: None,
            closed_by: None,
            coupons: coupons
                .iter()
                .map(|(status, expires_at)| CouponView {
                    code: "C".into(),
                    reward_id: "r".into(),
                    kind: kind.into(),
                    amount: Some(rust_decimal::Decimal::ONE),
                    percent: None,
                    max_discount: None,
                    sku: None,
                    min_spend: None,
                    currency: "CNY".into(),
                    issued_at: Timestamp::UNIX_EPOCH,
                    expires_at: *expires_at,
                    status: (*status).into(),
                    order: (*status == "consumed").then(|| "o-1".into()),
                    discount: (*status == "consumed").then_some(rust_decimal::Decimal::ONE),
                    consumed_at: None,
                })
                .collect(),
            donation: None,
        }
    }

    #[test]
    fn a_redemption_is_grouped_by_its_coupons_or_else_by_whether_it_was_handed_over() {
        let now = Timestamp::UNIX_EPOCH + SignedDuration::from_hours(24);
        let later = now + SignedDuration::from_hours(1);
        let earlier = now - SignedDuration::from_hours(1);
        let coupon = "amount_coupon";
        for (r, group) in [
            (redemption(coupon, "issued", &[("active", later)]), "ready"),
            (
                redemption(coupon, "issued", &[("active", earlier)]),
                "expired",
            ),
            (redemption(coupon, "issued", &[("consumed", later)]), "used"),
            (
                redemption(coupon, "issued", &[("consumed", later), ("active", later)]),
                "ready",
            ),
            (
                redemption(coupon, "cancelled", &[("cancelled", later)]),
                "cancelled",
            ),
            (redemption("physical_gift", "issued", &[]), "ready"),
            (redemption("physical_gift", "fulfilled", &[]), "used"),
            (redemption("physical_gift", "cancelled", &[]), "cancelled"),
        ] {
            assert_eq!(redemption_group(&r, now).to_string(), group, "{r:?}");
        }
    }
}
