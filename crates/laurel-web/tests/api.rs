//! The JSON API over real HTTP: a server on a free port, on both storage backends, checked
//! against the design's invariants (idempotency, no double spend, bad input rejected whole,
//! a consistent ledger after every test).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "api/auth.rs"]
mod auth;
#[path = "api/automations.rs"]
mod automations;
#[path = "api/bad_input.rs"]
mod bad_input;
#[path = "api/common.rs"]
mod common;
#[path = "api/concurrency.rs"]
mod concurrency;
#[path = "api/events.rs"]
mod events;
#[path = "api/insight.rs"]
mod insight;
#[path = "api/keys.rs"]
mod keys;

#[path = "api/members.rs"]
mod members;
#[path = "api/meta.rs"]
mod meta;
#[path = "api/offers.rs"]
mod offers;
#[path = "api/points.rs"]
mod points;
#[path = "api/preview.rs"]
mod preview;
#[path = "api/privacy.rs"]
mod privacy;
#[path = "api/program.rs"]
mod program;
#[path = "api/purchases.rs"]
mod purchases;
#[path = "api/referrals.rs"]
mod referrals;
#[path = "api/refunds.rs"]
mod refunds;

#[path = "api/rewards.rs"]
mod rewards;
#[path = "api/robustness.rs"]
mod robustness;
#[path = "api/segments.rs"]
mod segments;

#[path = "api/simulations.rs"]
mod simulations;

#[path = "api/tiers.rs"]
mod tiers;

#[path = "api/books.rs"]
mod books;

#[path = "api/wallet.rs"]
mod wallet;

#[path = "api/memberships.rs"]
mod memberships;

#[path = "api/transfers.rs"]
mod transfers;

#[path = "api/point_holds.rs"]
mod point_holds;

#[path = "api/households.rs"]
mod households;

#[path = "api/partners.rs"]
mod partners;

#[path = "api/limits.rs"]
mod limits;
