//! `[books]`: what a point is worth sold (its stand-alone selling price), the share of points
//! expected to be redeemed, the reporting period, and the accounts entries go to.

use super::journal::Accounts;
use crate::issue::{Issue, Issues};
use crate::message;
use rust_decimal::Decimal;

/// The longest account code.
pub const ACCOUNT_CODE_MAX: usize = 40;

/// The span a period of the books covers, in the program's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportingPeriod {
    /// A calendar month.
    Month,
    /// A calendar quarter.
    Quarter,
    /// A calendar year.
    Year,
}

impl ReportingPeriod {
    /// Its name in the program file.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportingPeriod::Month => "month",
            ReportingPeriod::Quarter => "quarter",
            ReportingPeriod::Year => "year",
        }
    }

    /// The period named so.
    pub fn parse(name: &str) -> Option<ReportingPeriod> {
        [
            ReportingPeriod::Month,
            ReportingPeriod::Quarter,
            ReportingPeriod::Year,
        ]
        .into_iter()
        .find(|p| p.as_str() == name)
    }
}

/// How the program keeps its books.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BooksPolicy {
    /// Money a point fetches when redeemed: its stand-alone selling price.
    pub point_price: Decimal,
    /// The share of points expected to be redeemed (above 0, at most 1) until an estimate
    /// recorded later says otherwise.
    pub expected_redemption_rate: Decimal,
    /// The reporting period.
    pub period: ReportingPeriod,
    /// The general-ledger accounts.
    pub accounts: Accounts,
}

impl BooksPolicy {
    /// Validates a policy; every problem keyed `books.…`.
    pub fn new(policy: BooksPolicy) -> Result<BooksPolicy, Vec<Issue>> {
        let mut issues = Issues::under("books");
        if policy.point_price <= Decimal::ZERO {
            issues.add(
                "point_price",
                message!("must be above zero, got {got}", got = policy.point_price),
            );
        }
        check_rate(
            &mut issues,
            "expected_redemption_rate",
            policy.expected_redemption_rate,
        );
        for (name, code) in policy.accounts.named() {
            let printable = !code.is_empty()
                && code.chars().count() <= ACCOUNT_CODE_MAX
                && code.chars().all(|c| c.is_ascii_graphic());
            if !printable {
                issues.add(
                    format!("accounts.{name}"),
                    message!(
                        "an account code is 1 to {max} letters, digits or signs, without spaces",
                        max = ACCOUNT_CODE_MAX
                    ),
                );
            }
        }
        issues.result(policy)
    }
}

/// The most decimal places an expected redemption rate is written with: a rate is a share
/// finance estimates, and a finer one only risks overflowing the catch-up's divisions.
pub const RATE_DECIMALS_MAX: u32 = 4;

/// Checks an expected redemption rate: above 0, at most 1, at most
/// [`RATE_DECIMALS_MAX`] decimal places.
pub fn check_rate(issues: &mut Issues, key: &str, rate: Decimal) {
    if rate <= Decimal::ZERO || rate > Decimal::ONE {
        issues.add(
            key,
            message!("must be above 0 and at most 1, got {got}", got = rate),
        );
    } else if rate.normalize().scale() > RATE_DECIMALS_MAX {
        issues.add(
            key,
            message!(
                "at most {max} decimal places, got {got}",
                max = RATE_DECIMALS_MAX,
                got = rate
            ),
        );
    }
}
