//! The specification of `laurel-core`, as one integration-test binary.
//!
//! Each module states what must hold for one part of the core; `fixtures` holds the shared
//! builders (a valid program spec, instants, a member book that applies postings with
//! sequential lot ids and checks the ledger invariants on every application, and the builders
//! of earning-rule examples).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "core/fixtures.rs"]
mod fixtures;

#[path = "core/money.rs"]
mod money;

#[path = "core/program.rs"]
mod program;

#[path = "core/earn.rs"]
mod earn;

#[path = "core/ledger.rs"]
mod ledger;

#[path = "core/ledger_props.rs"]
mod ledger_props;

#[path = "core/transfers.rs"]
mod transfers;

#[path = "core/holds.rs"]
mod holds;

#[path = "core/rules.rs"]
mod rules;

#[path = "core/tiers.rs"]
mod tiers;

#[path = "core/restore.rs"]
mod restore;

#[path = "core/rewards.rs"]
mod rewards;

#[path = "core/referrals.rs"]
mod referrals;

#[path = "core/award.rs"]
mod award;

#[path = "core/redemptions.rs"]
mod redemptions;

#[path = "core/refunds.rs"]
mod refunds;

#[path = "core/states.rs"]
mod states;

#[path = "core/finding.rs"]
mod finding;

#[path = "core/clv.rs"]
mod clv;

#[path = "core/offers.rs"]
mod offers;

#[path = "core/simulation.rs"]
mod simulation;

#[path = "core/books.rs"]
mod books;

#[path = "core/wallet_props.rs"]
mod wallet_props;

#[path = "core/approvals.rs"]
mod approvals;
