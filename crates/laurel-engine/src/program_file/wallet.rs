//! The program file's `[wallet]`: the least and most a top-up may pay in, the most a wallet
//! may hold, and the bonuses top-ups earn (`[[wallet.bonuses]]`), in the program's currency.

use crate::decimal;
use crate::requests::AMOUNT_MINOR_MAX;
use laurel_core::issue::{Issue, Issues};
use laurel_core::message;
use laurel_core::wallet::{TopUpBonus, WalletPolicy};
use laurel_core::{Currency, Money};
use rust_decimal::Decimal;
use serde::Deserialize;

/// `[wallet]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WalletSection {
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    top_up_min: Option<Decimal>,
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    top_up_max: Option<Decimal>,
    #[serde(default, deserialize_with = "decimal::deserialize_option")]
    balance_max: Option<Decimal>,
    #[serde(default)]
    bonuses: Vec<BonusSection>,
}

/// `[[wallet.bonuses]]`: top up at least `from`, get `value`, perhaps only in some tiers.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BonusSection {
    #[serde(deserialize_with = "decimal::deserialize")]
    from: Decimal,
    #[serde(deserialize_with = "decimal::deserialize")]
    value: Decimal,
    #[serde(default)]
    tiers: Vec<String>,
}

/// Turns the section into a validated policy for a program in `currency` (when it is known)
/// with tiers `tier_ids`, or every problem with its key. A top-up is at least the currency's
/// smallest unit and at most the largest amount Laurel stores, unless the program says.
pub(super) fn convert(
    section: WalletSection,
    currency: Option<Currency>,
    tier_ids: &[String],
) -> Result<WalletPolicy, Vec<Issue>> {
    // The program's own problem is reported; amounts cannot be read without its currency.
    let Some(currency) = currency else {
        return Ok(WalletPolicy {
            top_up_min: 1,
            top_up_max: AMOUNT_MINOR_MAX,
            balance_max: None,
            bonuses: Vec::new(),
        });
    };
    let mut issues = Issues::under("wallet");
    let mut minor =
        |key: &str, amount: Decimal| match Money::new(amount, currency).and_then(Money::to_minor) {
            Ok(m) if (0..=AMOUNT_MINOR_MAX).contains(&m) => m,
            Ok(_) | Err(laurel_core::MoneyError::OutOfRange(_)) => {
                issues.add(key, message!("is out of range: {got}", got = amount));
                0
            }
            Err(e) => {
                issues.add(key, message!("{why}", why = e.to_string()));
                0
            }
        };
    let top_up_min = section.top_up_min.map_or(1, |a| minor("top_up_min", a));
    let top_up_max = section
        .top_up_max
        .map_or(AMOUNT_MINOR_MAX, |a| minor("top_up_max", a));
    let balance_max = section.balance_max.map(|a| minor("balance_max", a));
    let bonuses = section
        .bonuses
        .into_iter()
        .enumerate()
        .map(|(i, b)| TopUpBonus {
            from: minor(&format!("bonuses[{i}].from"), b.from),
            value: minor(&format!("bonuses[{i}].value"), b.value),
            tiers: b.tiers,
        })
        .collect();
    issues.result(())?;
    let tiers: Vec<&str> = tier_ids.iter().map(String::as_str).collect();
    WalletPolicy::new(
        WalletPolicy {
            top_up_min,
            top_up_max,
            balance_max,
            bonuses,
        },
        &tiers,
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use crate::program_file::parse_program;
    use std::path::Path;

    use crate::program_file::MINIMAL_PROGRAM as PROGRAM;

    #[test]
    fn a_wallet_is_offered_only_by_a_program_with_the_section_and_reads_in_minor_units() {
        let none = parse_program(PROGRAM, Path::new("p.toml")).unwrap_or_else(|e| panic!("{e}"));
        assert!(none.wallet.is_none());
        let text = format!(
            "{PROGRAM}[wallet]\ntop_up_min = \"10\"\nbalance_max = \"5000\"\n\
             [[wallet.bonuses]]\nfrom = \"500\"\nvalue = \"50.00\"\n"
        );
        let wallet = parse_program(&text, Path::new("p.toml"))
            .unwrap_or_else(|e| panic!("{e}"))
            .wallet
            .unwrap_or_else(|| panic!("[wallet] was given"));
        assert_eq!(wallet.top_up_min, 1_000);
        assert_eq!(wallet.balance_max, Some(500_000));
        assert_eq!(wallet.bonus_for(50_000, None), 5_000);
    }

    #[test]
    fn every_problem_of_a_wallet_is_named_at_its_key() {
        let text = format!(
            "{PROGRAM}[wallet]\ntop_up_min = \"0.001\"\n\
             [[wallet.bonuses]]\nfrom = \"500\"\nvalue = \"50\"\ntiers = [\"gold\"]\n"
        );
        let Err(e) = parse_program(&text, Path::new("p.toml")) else {
            panic!("refused");
        };
        let keys: Vec<&str> = e.issues.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["wallet.top_up_min"]);
        let text = format!(
            "{PROGRAM}[wallet]\n[[wallet.bonuses]]\nfrom = \"500\"\nvalue = \"50\"\ntiers = [\"gold\"]\n"
        );
        let Err(e) = parse_program(&text, Path::new("p.toml")) else {
            panic!("refused");
        };
        let keys: Vec<&str> = e.issues.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["wallet.bonuses[0].tiers"]);
    }
}
