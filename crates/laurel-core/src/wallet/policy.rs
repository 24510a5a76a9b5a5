//! `[wallet]`: the least and most a top-up may be, the most a wallet may hold, and the bonus
//! a top-up earns by amount band and tier. Amounts in the currency's minor units.

use crate::issue::{Issue, Issues};
use crate::message;

/// How the program runs its members' wallets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletPolicy {
    /// The least one top-up may pay in.
    pub top_up_min: i64,
    /// The most one top-up may pay in.
    pub top_up_max: i64,
    /// The most a wallet may hold after a top-up, principal and bonus together (prepaid card
    /// rules often cap it), if any.
    pub balance_max: Option<i64>,
    /// The bonuses top-ups earn.
    pub bonuses: Vec<TopUpBonus>,
}

/// A bonus for topping up at least an amount, perhaps only in some tiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopUpBonus {
    /// The least top-up that earns it.
    pub from: i64,
    /// The bonus value given.
    pub value: i64,
    /// The tiers (by id) whose members earn it; every member when empty.
    pub tiers: Vec<String>,
}

impl WalletPolicy {
    /// Validates a policy against the program's tier ids; every problem keyed `wallet.…`.
    pub fn new(policy: WalletPolicy, tiers: &[&str]) -> Result<WalletPolicy, Vec<Issue>> {
        let mut issues = Issues::under("wallet");
        if policy.top_up_min <= 0 {
            issues.add("top_up_min", "must be above zero");
        }
        if policy.top_up_max < policy.top_up_min {
            issues.add("top_up_max", "must be at least top_up_min");
        }
        if policy
            .balance_max
            .is_some_and(|max| max < policy.top_up_min)
        {
            issues.add("balance_max", "must be at least top_up_min");
        }
        for (i, bonus) in policy.bonuses.iter().enumerate() {
            if bonus.from < policy.top_up_min || bonus.from > policy.top_up_max {
                issues.add(
                    format!("bonuses[{i}].from"),
                    "must be a top-up allowed: between top_up_min and top_up_max",
                );
            }
            if bonus.value <= 0 {
                issues.add(format!("bonuses[{i}].value"), "must be above zero");
            }
            for tier in bonus.tiers.iter().filter(|t| !tiers.contains(&t.as_str())) {
                issues.add(
                    format!("bonuses[{i}].tiers"),
                    message!("names no tier of the program: {tier}", tier = tier),
                );
            }
        }
        issues.result(policy)
    }

    /// The bonus a top-up of `amount` earns a member in `tier`: the largest of the bonuses
    /// whose band it reaches and whose tiers include theirs; nothing when none does.
    pub fn bonus_for(&self, amount: i64, tier: Option<&str>) -> i64 {
        self.bonuses
            .iter()
            .filter(|b| amount >= b.from)
            .filter(|b| b.tiers.is_empty() || tier.is_some_and(|t| b.tiers.iter().any(|x| x == t)))
            .map(|b| b.value)
            .max()
            .unwrap_or(0)
    }
}

#[cfg(test)]
// Amounts are written yuan_fen (500_00 is ¥500.00).
#[allow(clippy::unwrap_used, clippy::inconsistent_digit_grouping)]
mod tests {
    use super::*;

    fn policy() -> WalletPolicy {
        WalletPolicy {
            top_up_min: 10_00,
            top_up_max: 5_000_00,
            balance_max: Some(10_000_00),
            bonuses: vec![
                TopUpBonus {
                    from: 500_00,
                    value: 50_00,
                    tiers: vec![],
                },
                TopUpBonus {
                    from: 1_000_00,
                    value: 120_00,
                    tiers: vec![],
                },
                TopUpBonus {
                    from: 500_00,
                    value: 80_00,
                    tiers: vec!["gold".into()],
                },
            ],
        }
    }

    #[test]
    fn a_top_up_earns_the_largest_bonus_its_band_and_tier_reach() {
        let p = WalletPolicy::new(policy(), &["silver", "gold"]).unwrap();
        assert_eq!(p.bonus_for(499_99, None), 0);
        assert_eq!(p.bonus_for(500_00, None), 50_00);
        assert_eq!(p.bonus_for(500_00, Some("silver")), 50_00);
        assert_eq!(p.bonus_for(500_00, Some("gold")), 80_00);
        assert_eq!(p.bonus_for(1_000_00, Some("gold")), 120_00);
    }

    #[test]
    fn every_problem_of_a_policy_is_named_at_its_key() {
        let mut bad = policy();
        bad.top_up_max = 5_00;
        bad.bonuses[0].value = 0;
        bad.bonuses[2].tiers = vec!["platinum".into()];
        let issues = WalletPolicy::new(bad, &["gold"]).unwrap_err();
        let keys: Vec<&str> = issues.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "wallet.top_up_max",
                "wallet.bonuses[0].from",
                "wallet.bonuses[0].value",
                "wallet.bonuses[1].from",
                "wallet.bonuses[2].from",
                "wallet.bonuses[2].tiers"
            ]
        );
    }
}
