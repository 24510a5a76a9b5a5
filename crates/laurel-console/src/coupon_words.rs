//! Where a coupon, or a redemption, stands, in the page's language: one truth for the
//! portal's list and coupon page, the member page and the staff's coupon lookup.

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
