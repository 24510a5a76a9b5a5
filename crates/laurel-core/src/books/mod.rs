//! Books: points are money. Under IFRS 15 the points granted with a sale are a separate
//! performance obligation: part of the sale's price is deferred as a contract liability and
//! recognised as revenue as points are redeemed or lapse. Points given without a sale (events,
//! referrals, adjustments, gifts) are a marketing expense with a provision of the same kind.
//!
//! Everything here is arithmetic on cumulative quantities, exact in decimals: `policy.rs`
//! `[books]` (a point's price, the expected redemption rate, the period, the accounts);
//! `allocation.rs` a sale's price split between the goods and the points; `pool.rs` a pool of
//! points (those of sales, or those given) and where it stands at an instant under the
//! expected redemption rate then — recognised, lapsed (breakage), still owed — by the
//! cumulative catch-up; `roll.rs` a period's roll-forward between two positions, rounded to
//! the currency's minor unit so periods add up to the whole; `journal.rs` the period's
//! journal entries.

mod allocation;
mod journal;
mod policy;
mod pool;
mod roll;

pub use allocation::allocate;
pub use journal::{Accounts, JournalLine, PoolKind, journal};
pub use policy::{ACCOUNT_CODE_MAX, BooksPolicy, ReportingPeriod, check_rate};
pub use pool::{Pool, Position};
pub use roll::Roll;
