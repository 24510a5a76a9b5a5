//! Books: points are money. Under IFRS 15 the points granted with a sale are a separate
//! performance obligation: part of the sale's price is deferred as a contract liability and
//! recognised as revenue as points are redeemed or lapse. Points given without a sale (events,
//! referrals, adjustments, gifts) are a marketing expense with a provision of the same kind.
//!
//! Everything here is arithmetic on cumulative quantities, exact in decimals: `policy.rs`
//! `[books]` (a point's price, the expected redemption rate, the period, the accounts);
//! `allocation.rs` a sale's price split between the goods and the points; `flows.rs` the
//! ledger's records turned into changes to the two pools (sales' points, points given) and
//! their cumulatives sampled at instants; `pool.rs` where a pool stands under the expected
//! redemption rate then — recognised, lapsed (breakage), still owed — by the cumulative
//! catch-up; `standing.rs` that rounded to the minor unit (what a close locks); `roll.rs` a
//! period's roll-forward between two standings; `periods.rs` months, quarters and years in
//! the program's time zone; `report.rs` a report's periods, locked ones kept as closed;
//! `journal.rs` a period's journal entries; `stored_value.rs` the value held in wallets rolled
//! forward by period, with its entries; `memberships.rs` paid membership fees deferred and
//! earned evenly over the terms they pay for, rolled forward by period, with their entries.

mod allocation;
mod flows;
mod journal;
mod memberships;
mod periods;
mod policy;
mod pool;
mod report;
mod roll;
mod standing;
mod stored_value;

pub use allocation::allocate;
pub use flows::{
    Capture, Change, Draw, Drawn, Flow, HeldPoints, Lot, Records, Refund, Restore, Sale, Sample,
    Terms, flows, just_before, sample,
};
pub use journal::{Accounts, JournalLine, PoolKind, journal};
pub use memberships::{FeeFlows, FeeTerm, MembershipFeesRoll, membership_fees_journal};
pub use periods::Span;
pub use policy::{ACCOUNT_CODE_MAX, BooksPolicy, RATE_DECIMALS_MAX, ReportingPeriod, check_rate};
pub use pool::{Pool, Position};
pub use report::{Boundary, PeriodBooks, roll_periods};
pub use roll::Roll;
pub use standing::{Cumulative, Standing};
pub use stored_value::{StoredValueRoll, WalletFlows, stored_value_journal};
