//! A books report: both pools rolled forward over each period of the range and over the whole
//! of it (with the value held in wallets and the deferred membership fees), the estimate in
//! force at its end, and how far the books are closed.

use super::range::BooksRange;
use super::terms::RateSource;
use jiff::Timestamp;
use laurel_core::Currency;
use laurel_core::books::{Accounts, MembershipFeesRoll, PeriodBooks, ReportingPeriod};
use rust_decimal::Decimal;

/// The expected redemption rate in force at a report's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EstimateInForce {
    /// The rate.
    pub rate: Decimal,
    /// Where it comes from.
    pub source: RateSource,
    /// When the estimate took effect, if one did.
    pub effective_from: Option<Timestamp>,
}

/// The books over a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BooksReport {
    /// The range.
    pub range: BooksRange,
    /// The program's currency; figures are rounded to its minor unit.
    pub currency: Currency,
    /// The reporting period.
    pub period: ReportingPeriod,
    /// The accounts the journal writes to.
    pub accounts: Accounts,
    /// The whole range, rolled forward at once.
    pub total: PeriodBooks,
    /// Each period (or the part of it in the range), oldest first.
    pub periods: Vec<PeriodBooks>,
    /// The deferred membership fees over the whole range: the first period's opening, then
    /// the periods' flows one after the other.
    pub total_memberships: MembershipFeesRoll,
    /// The deferred membership fees rolled over each period, one for each of `periods`, in
    /// the same order.
    pub memberships: Vec<MembershipFeesRoll>,
    /// The estimate in force at the range's end.
    pub estimate: EstimateInForce,
    /// The end of the last close, if the books were ever closed.
    pub closed_through: Option<Timestamp>,
}
