//! The JSON API under `/api/v1`.

pub mod automations;
pub mod books;
pub mod coupons;
pub mod events;
pub mod gift_cards;
pub mod holds;
pub mod households;
pub mod insight;
pub mod keys;
pub mod members;
pub mod memberships;
pub mod offers;
pub mod partners;
pub mod points;
pub mod program;
pub mod purchases;
pub mod referrals;
pub(crate) mod responses;
pub mod rewards;
pub mod segments;
pub mod simulations;
pub mod tiers;
pub mod transfers;
pub mod wallet;
pub mod webhooks;
