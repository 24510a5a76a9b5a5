//! Laurel's functional core: the program model, earning arithmetic and the points ledger algebra.
//!
//! Architecture invariant: nothing in this crate does I/O, reads a clock or draws randomness.
//! Time comes in as an argument; decisions go out as values ([`ledger::Posting`]) that the shell
//! stores. The same functions serve the live API, imports and simulation.

pub mod automations;
pub mod award;
pub mod books;
pub mod channel;
pub mod earn;
pub mod events;
pub mod fraud;
pub mod households;
pub mod insight;
pub mod issue;
pub mod ledger;
pub mod localized;
pub mod membership;
pub mod money;
pub mod notices;
pub mod offers;
pub mod partners;
pub mod points;
pub mod privacy;
pub mod program;
pub mod referrals;
pub mod refund;
pub mod reports;
pub mod rewards;
pub mod rules;
pub mod search;
pub mod segments;
pub mod simulation;
pub mod staff;
pub mod states;
pub mod text;
pub mod tiers;
pub mod transfers;
pub mod wallet;

pub use channel::{Channel, UnknownChannel};
pub use localized::{Localized, Names};
pub use money::{Currency, Money, MoneyError};
pub use points::Points;
pub use program::{ClawbackPolicy, ExpiryPolicy, Program, ProgramIssue, ProgramSpec, Rounding};
pub use states::{CouponStatus, MemberStatus, ReferralStatus, UnknownState};
