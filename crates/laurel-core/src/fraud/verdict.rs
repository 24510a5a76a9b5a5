//! The verdict on one operation: which rules it breaches, with the figure each measured, and
//! the strongest action among them.

use super::rule::{FraudAction, FraudRule, Measure};
use rust_decimal::Decimal;

/// A rule an operation breached: the evidence a reviewer reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// The rule's id.
    pub rule: String,
    /// What it measured.
    pub measure: Measure,
    /// The figure measured over the window, the operation included.
    pub observed: Decimal,
    /// The rule's most.
    pub max: Decimal,
    /// The window, in hours.
    pub window_hours: i64,
    /// What the rule does.
    pub action: FraudAction,
}

impl FraudRule {
    /// The breach, if `observed` (over the rule's window, the operation included) is past the
    /// rule's most; `purchases` is how many the window holds, which a refund ratio needs.
    pub fn breached(&self, observed: Decimal, purchases: u32) -> Option<Breach> {
        let past = observed > self.max
            && (self.measure != Measure::RefundRatio || purchases >= self.min_purchases);
        past.then(|| Breach {
            rule: self.id.clone(),
            measure: self.measure,
            observed,
            max: self.max,
            window_hours: self.window.as_hours(),
            action: self.action,
        })
    }
}

/// What the rules say of one operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    /// The rules it breached, in the program's order.
    pub breaches: Vec<Breach>,
}

impl Verdict {
    /// Adds a breach, if there is one.
    pub fn add(&mut self, breach: Option<Breach>) {
        self.breaches.extend(breach);
    }

    /// The strongest action of the rules breached; `None` when none was.
    pub fn action(&self) -> Option<FraudAction> {
        self.breaches.iter().map(|b| b.action).max()
    }

    /// The breach whose action is taken (the first of the strongest): what a refusal names.
    pub fn deciding(&self) -> Option<&Breach> {
        let action = self.action()?;
        self.breaches.iter().find(|b| b.action == action)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::rule::{FraudPolicy, FraudRuleSpec};
    use super::*;

    fn policy() -> FraudPolicy {
        let rule = |id: &str, measure: &str, max: &str, action: &str| FraudRuleSpec {
            id: id.into(),
            measure: measure.into(),
            max: max.parse().unwrap(),
            window: "24h".into(),
            action: action.into(),
            ..FraudRuleSpec::default()
        };
        FraudPolicy::new(&[
            rule("earn-flag", "points_earned", "1000", "flag"),
            rule("earn-hold", "points_earned", "3000", "hold"),
            rule("refunds", "refund_ratio", "0.5", "freeze"),
        ])
        .unwrap()
    }

    #[test]
    fn the_strongest_action_of_the_rules_breached_is_taken() {
        let policy = policy();
        let mut verdict = Verdict::default();
        for rule in policy.measuring(Measure::PointsEarned) {
            verdict.add(rule.breached(Decimal::from(3500), 0));
        }
        assert_eq!(verdict.breaches.len(), 2);
        assert_eq!(verdict.action(), Some(FraudAction::Hold));
        assert_eq!(verdict.deciding().unwrap().rule, "earn-hold");
        let at_most = policy.rules()[0].breached(Decimal::from(1000), 0);
        assert_eq!(at_most, None, "the most itself is allowed");
    }

    #[test]
    fn a_refund_ratio_counts_once_the_window_holds_enough_purchases() {
        let policy = policy();
        let rule = &policy.rules()[2];
        assert_eq!(
            rule.breached(Decimal::ONE, 2),
            None,
            "two purchases: no pattern yet"
        );
        assert_eq!(
            rule.breached(Decimal::ONE, 3).map(|b| b.action),
            Some(FraudAction::Freeze)
        );
    }
}
