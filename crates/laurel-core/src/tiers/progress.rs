//! How far a member is from the next tier.

use super::decide::TierStatus;
use super::policy::{Tier, TierPolicy};
use super::window::Window;
use jiff::Timestamp;
use rust_decimal::Decimal;

/// Progress towards the tier above the member's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierProgress {
    /// The metric's value over the current window.
    pub value: Decimal,
    /// The tier above, if there is one.
    pub next: Option<NextTier>,
    /// When the current window closes (a calendar year's end); `None` for rolling windows
    /// and since joining, where the value changes as old activity leaves the window.
    pub deadline: Option<Timestamp>,
}

/// The tier above and what it still takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextTier {
    /// The tier.
    pub tier: Tier,
    /// How much more of the metric qualifies for it.
    pub needed: Decimal,
}

impl TierPolicy {
    /// Progress from `status` with the metric at `value` over `window` (the
    /// [`activity_window`](TierPolicy::activity_window) of now).
    pub fn progress(&self, status: &TierStatus, value: Decimal, window: Window) -> TierProgress {
        let held = self
            .rank(status.tier.as_deref())
            .max(self.qualified_rank(value));
        let next = self.at_rank(held + 1).map(|tier| NextTier {
            needed: (tier.threshold - value).max(Decimal::ZERO),
            tier: tier.clone(),
        });
        TierProgress {
            value,
            next,
            deadline: window.to,
        }
    }
}
