//! The program file's `[books]`: a point's stand-alone selling price, the expected redemption
//! rate, the reporting period and the general-ledger accounts (each with a default).

use crate::decimal;
use laurel_core::books::{Accounts, BooksPolicy, ReportingPeriod};
use laurel_core::issue::{Issue, Issues};
use laurel_core::message;
use rust_decimal::Decimal;
use serde::Deserialize;

/// `[books]`.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct BooksSection {
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    point_price: Option<Decimal>,
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    expected_redemption_rate: Option<Decimal>,
    period: Option<String>,
    #[serde(default)]
    accounts: AccountsSection,
}

/// `[books.accounts]`: any left out keeps its default code.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AccountsSection {
    sales_revenue: Option<String>,
    contract_liability: Option<String>,
    loyalty_revenue: Option<String>,
    breakage_revenue: Option<String>,
    marketing_expense: Option<String>,
    loyalty_provision: Option<String>,
    rewards_settled: Option<String>,
    stored_value: Option<String>,
    stored_value_funding: Option<String>,
    stored_value_settlement: Option<String>,
    membership_deferred: Option<String>,
    membership_revenue: Option<String>,
    membership_receipts: Option<String>,
}

/// Turns the section into a validated policy, or every problem with its key. A point's price
/// defaults to what `[points] value` says it is worth; the rate to 1 (every point expected
/// back: no breakage until an estimate says otherwise); the period to the month.
pub(super) fn convert(
    section: BooksSection,
    point_value: Option<Decimal>,
) -> Result<BooksPolicy, Vec<Issue>> {
    let period = match section.period.as_deref() {
        None => Ok(ReportingPeriod::Month),
        Some(name) => ReportingPeriod::parse(name).ok_or(name),
    };
    let a = section.accounts;
    let d = Accounts::defaults();
    let code = |given: Option<String>, default: String| given.unwrap_or(default);
    let policy = BooksPolicy::new(BooksPolicy {
        point_price: section.point_price.or(point_value).unwrap_or(Decimal::ONE),
        expected_redemption_rate: section.expected_redemption_rate.unwrap_or(Decimal::ONE),
        period: *period.as_ref().unwrap_or(&ReportingPeriod::Month),
        accounts: Accounts {
            sales_revenue: code(a.sales_revenue, d.sales_revenue),
            contract_liability: code(a.contract_liability, d.contract_liability),
            loyalty_revenue: code(a.loyalty_revenue, d.loyalty_revenue),
            breakage_revenue: code(a.breakage_revenue, d.breakage_revenue),
            marketing_expense: code(a.marketing_expense, d.marketing_expense),
            loyalty_provision: code(a.loyalty_provision, d.loyalty_provision),
            rewards_settled: code(a.rewards_settled, d.rewards_settled),
            stored_value: code(a.stored_value, d.stored_value),
            stored_value_funding: code(a.stored_value_funding, d.stored_value_funding),
            stored_value_settlement: code(a.stored_value_settlement, d.stored_value_settlement),
            membership_deferred: code(a.membership_deferred, d.membership_deferred),
            membership_revenue: code(a.membership_revenue, d.membership_revenue),
            membership_receipts: code(a.membership_receipts, d.membership_receipts),
        },
    });
    match period {
        Ok(_) => policy,
        Err(name) => {
            let mut issues = Issues::under("books");
            issues.add(
                "period",
                message!("must be month, quarter or year, got {got}", got = name),
            );
            let mut problems = issues.result(()).err().unwrap_or_default();
            problems.extend(policy.err().unwrap_or_default());
            Err(problems)
        }
    }
}

/// The books of a program without `[books]`: a point priced at what `[points] value` says it
/// is worth (nothing, if nothing: then its points defer nothing), every point expected back,
/// monthly, the default accounts.
pub(crate) fn implied(point_value: Decimal) -> BooksPolicy {
    BooksPolicy {
        point_price: point_value.max(Decimal::ZERO),
        expected_redemption_rate: Decimal::ONE,
        period: ReportingPeriod::Month,
        accounts: Accounts::defaults(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use crate::program_file::parse_program;
    use laurel_core::books::ReportingPeriod;
    use std::path::Path;

    use crate::program_file::MINIMAL_PROGRAM as PROGRAM;

    #[test]
    fn books_left_out_keep_none_and_given_take_their_defaults() {
        let none = parse_program(PROGRAM, Path::new("p.toml")).unwrap_or_else(|e| panic!("{e}"));
        assert!(none.books.is_none());
        let text = format!(
            "{PROGRAM}[books]\nexpected_redemption_rate = \"0.8\"\n[books.accounts]\nbreakage_revenue = \"4099\"\n\
             membership_deferred = \"2439\"\n"
        );
        let books = parse_program(&text, Path::new("p.toml"))
            .unwrap_or_else(|e| panic!("{e}"))
            .books
            .unwrap_or_else(|| panic!("[books] was given"));
        assert_eq!(
            books.point_price,
            "0.01".parse().unwrap_or_default(),
            "the points' value"
        );
        assert_eq!(
            books.expected_redemption_rate,
            "0.8".parse().unwrap_or_default()
        );
        assert_eq!(books.period, ReportingPeriod::Month);
        assert_eq!(books.accounts.breakage_revenue, "4099");
        assert_eq!(books.accounts.contract_liability, "2400");
        assert_eq!(books.accounts.membership_deferred, "2439");
        assert_eq!(books.accounts.membership_revenue, "4030");
        assert_eq!(books.accounts.membership_receipts, "1140");
    }

    #[test]
    fn every_problem_of_books_is_named_at_its_key() {
        let text = format!(
            "{PROGRAM}[books]\npoint_price = \"0\"\nexpected_redemption_rate = \"1.5\"\nperiod = \"week\"\n\
             [books.accounts]\nsales_revenue = \"40 00\"\nmembership_receipts = \"\"\n"
        );
        let Err(e) = parse_program(&text, Path::new("p.toml")) else {
            panic!("refused");
        };
        let keys: Vec<&str> = e.issues.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "books.period",
                "books.point_price",
                "books.expected_redemption_rate",
                "books.accounts.sales_revenue",
                "books.accounts.membership_receipts"
            ]
        );
    }
}
