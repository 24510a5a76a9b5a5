//! The weights an offer's score is the sum of. A score is points of fit out of about 100;
//! only the order of offers matters, so each weight is set against the others.

/// The most a rule on categories the member buys adds, scaled by their share of spend there.
/// The strongest weight: what someone already buys is the best predictor of what they will
/// respond to, and a bonus on it costs them no change of habit.
pub const BUYS_IN_CATEGORY_MAX: u32 = 50;

/// A reward the member can redeem right now. Next to categories: an offer they can take up at
/// this checkout converts far more often than one they must save for.
pub const CAN_AFFORD_NOW: u32 = 40;

/// The most a reward the member is short of points for adds, scaled by how much of its cost
/// they already hold; nothing below [`POINTS_SHORT_FROM_PERCENT`]. Members speed up as a goal
/// comes near (the goal-gradient effect), so a reward nearly theirs pulls; a far one does not.
pub const POINTS_SHORT_MAX: u32 = 30;

/// The share of a reward's cost, in percent, a member must hold for being short to count.
pub const POINTS_SHORT_FROM_PERCENT: u32 = 50;

/// A purchase rule for a member within [`NEXT_TIER_REACH_ORDERS`] of their usual orders of the
/// next tier: the bonus and the tier together are a reason to buy now.
pub const REACHES_NEXT_TIER: u32 = 30;

/// How many of the member's usual orders "near the next tier" spans.
pub const NEXT_TIER_REACH_ORDERS: u32 = 2;

/// A purchase rule, or a reward they can afford, for a lapsing member. Below categories and
/// affordability: a lapsing member is best won back by what they liked, with this on top.
pub const WIN_BACK: u32 = 35;

/// A reward or rule only the member's tier has: exclusive offers are what make a tier felt,
/// and why members keep it; below affordability, since a perk they cannot use yet is no offer.
pub const TIER_PERK: u32 = 20;

/// The most a coupon reward adds for a member who uses coupons, scaled by the share of their
/// purchases that used one: price-sensitive members answer money off; others do not need it.
pub const USES_COUPONS_MAX: u32 = 25;

/// A birthday rule on the member's birthday: it holds today only, so it must not be missed.
pub const BIRTHDAY: u32 = 45;

/// What any offer the member could take up scores, so that offers with no particular fit
/// still rank in a stable order below those with one.
pub const OPEN_TO_YOU: u32 = 5;
