//! The tier policy: which metric, over which window, which tiers at which thresholds.

use crate::Points;
use crate::issue::Message;
use crate::message;
use rust_decimal::Decimal;

/// What qualifies a member for a tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierMetric {
    /// Money spent (purchase totals less refunds), in the program's currency units.
    Spend,
    /// Purchases made and not wholly refunded.
    Purchases,
    /// Points earned (not the balance: spending does not lower it; refunds do).
    PointsEarned,
}

impl TierMetric {
    /// The metric as a policy compares it, from its stored form (`raw`: spend in minor units
    /// of a currency with `minor_digits`, a count, or points). What each counts is the store's
    /// to sum: spend is totals less refunds, purchases those not wholly refunded, points the
    /// grants less what refunds reversed.
    pub fn from_raw(self, raw: i64, minor_digits: u32) -> Decimal {
        match self {
            TierMetric::Spend => Decimal::new(raw, minor_digits),
            TierMetric::Purchases | TierMetric::PointsEarned => Decimal::from(raw),
        }
    }

    /// What one purchase of `spend` that earns `points` adds to the metric.
    pub fn added_by_purchase(self, spend: Decimal, points: Points) -> Decimal {
        match self {
            TierMetric::Spend => spend,
            TierMetric::Purchases => Decimal::ONE,
            TierMetric::PointsEarned => Decimal::from(points.get()),
        }
    }

    /// Whether an event that earns `points` moves the metric: only points earned count it.
    pub fn moved_by_event(self, points: Points) -> bool {
        self == TierMetric::PointsEarned && points.is_positive()
    }

    /// The name used in program files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            TierMetric::Spend => "spend",
            TierMetric::Purchases => "purchases",
            TierMetric::PointsEarned => "points_earned",
        }
    }
}

/// Over which span of time the metric is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierWindow {
    /// The calendar year (in the program's time zone); reviewed each 1 January.
    CalendarYear,
    /// The last N months; reviewed on the 1st of each month.
    RollingMonths(u32),
    /// Everything since the member joined; reviewed on the 1st of each month.
    SinceJoining,
}

/// What a tier gives its members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierBenefits {
    /// Multiplies the base earn: 1.5 grants half the base earn again. 1 for none.
    pub earn_multiplier: Decimal,
    /// Discount at checkout, in percent (0–100).
    pub discount_percent: Decimal,
    /// Named perks ("free upsize", "priority support").
    pub perks: Vec<String>,
}

impl Default for TierBenefits {
    fn default() -> TierBenefits {
        TierBenefits {
            earn_multiplier: Decimal::ONE,
            discount_percent: Decimal::ZERO,
            perks: Vec::new(),
        }
    }
}

/// One tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    /// Stable id (`gold`), stored on members and named by rules.
    pub id: String,
    /// Display name (`Gold`), per language if written so.
    pub name: crate::Localized,
    /// The metric value from which a member qualifies.
    pub threshold: Decimal,
    /// What it gives.
    pub benefits: TierBenefits,
}

/// A tier policy as written, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierPolicySpec {
    /// What qualifies.
    pub metric: TierMetric,
    /// Over which window.
    pub window: TierWindow,
    /// Days a member keeps a tier they no longer qualify for, to requalify, before going down.
    pub grace_days: u32,
    /// Tiers a review may go down at once; `None` goes straight to the tier qualified for.
    pub max_steps_down: Option<u32>,
    /// The tiers, lowest first.
    pub tiers: Vec<Tier>,
}

/// One problem in a tier policy, with the key path it concerns (`tiers.levels[1].threshold`).
pub type TierIssue = crate::issue::Issue;

/// The longest grace period accepted.
pub const GRACE_DAYS_MAX: u32 = 730;
/// The longest rolling window accepted, in months.
pub const ROLLING_MONTHS_MAX: u32 = 120;
/// The largest earn multiplier accepted: beyond it a typo is likelier than a program.
pub const EARN_MULTIPLIER_MAX: Decimal = Decimal::from_parts(100, 0, 0, false, 0);

/// A validated tier policy: tiers in ascending order of strictly increasing thresholds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierPolicy {
    /// What qualifies.
    pub metric: TierMetric,
    /// Over which window.
    pub window: TierWindow,
    /// Grace period before a downgrade, in days.
    pub grace_days: u32,
    /// Tiers a review may go down at once; `None` for no limit.
    pub max_steps_down: Option<u32>,
    tiers: Vec<Tier>,
}

impl TierPolicy {
    /// Validates a spec, reporting every problem.
    pub fn new(spec: TierPolicySpec) -> Result<TierPolicy, Vec<TierIssue>> {
        let mut issues = Vec::new();
        let mut issue = |key: String, words: Message| issues.push(TierIssue::new(key, words));
        if spec.grace_days > GRACE_DAYS_MAX {
            issue(
                "tiers.grace_days".into(),
                message!(
                    "must be at most {max}, got {got}",
                    max = GRACE_DAYS_MAX,
                    got = spec.grace_days
                ),
            );
        }
        if let TierWindow::RollingMonths(m) = spec.window
            && !(1..=ROLLING_MONTHS_MAX).contains(&m)
        {
            issue(
                "tiers.months".into(),
                message!(
                    "must be between {min} and {max}, got {got}",
                    min = 1,
                    max = ROLLING_MONTHS_MAX,
                    got = m
                ),
            );
        }
        if spec.max_steps_down == Some(0) {
            issue(
                "tiers.max_steps_down".into(),
                Message::plain(
                    "must be at least 1 (write \"unlimited\" in a program file for no limit)",
                ),
            );
        }
        if spec.tiers.is_empty() {
            issue("tiers.levels".into(), "must list at least one tier".into());
        }
        for (i, tier) in spec.tiers.iter().enumerate() {
            let key = |field: &str| format!("tiers.levels[{i}].{field}");
            if !crate::text::is_identifier(&tier.id) {
                issue(
                    key("id"),
                    message!(
                        "`{id}` must be 1–40 lowercase letters, digits, `_` or `-`",
                        id = tier.id
                    ),
                );
            }
            if let Some(first) = spec.tiers[..i].iter().position(|t| t.id == tier.id) {
                issue(
                    key("id"),
                    message!(
                        "duplicate id `{id}`, already used by {first}",
                        id = tier.id,
                        first = format!("tiers.levels[{first}]")
                    ),
                );
            }
            for (key, problem) in tier.name.problems(&key("name"), true) {
                issue(key, problem);
            }
            if tier.threshold < Decimal::ZERO {
                issue(
                    key("threshold"),
                    message!("must not be negative, got {got}", got = tier.threshold),
                );
            }
            if spec.metric != TierMetric::Spend && !tier.threshold.fract().is_zero() {
                issue(
                    key("threshold"),
                    message!(
                        "must be a whole number for the {metric} metric, got {got}",
                        metric = spec.metric.as_str(),
                        got = tier.threshold
                    ),
                );
            }
            if i > 0 && tier.threshold <= spec.tiers[i - 1].threshold {
                issue(
                    key("threshold"),
                    message!(
                        "must be above the previous tier's ({previous}): list tiers lowest first",
                        previous = spec.tiers[i - 1].threshold
                    ),
                );
            }
            let m = tier.benefits.earn_multiplier;
            if m < Decimal::ONE || m > EARN_MULTIPLIER_MAX {
                issue(
                    key("earn_multiplier"),
                    message!(
                        "must be between {min} and {max}, got {got}",
                        min = 1,
                        max = EARN_MULTIPLIER_MAX,
                        got = m
                    ),
                );
            }
            let d = tier.benefits.discount_percent;
            if d < Decimal::ZERO || d > Decimal::ONE_HUNDRED {
                issue(
                    key("discount_percent"),
                    message!(
                        "must be between {min} and {max}, got {got}",
                        min = 0,
                        max = 100,
                        got = d
                    ),
                );
            }
            if tier.benefits.perks.iter().any(|p| p.trim().is_empty()) {
                issue(key("perks"), "must not hold an empty perk".into());
            }
        }
        if issues.is_empty() {
            Ok(TierPolicy {
                metric: spec.metric,
                window: spec.window,
                grace_days: spec.grace_days,
                max_steps_down: spec.max_steps_down,
                tiers: spec.tiers,
            })
        } else {
            Err(issues)
        }
    }

    /// The tiers, lowest first.
    pub fn tiers(&self) -> &[Tier] {
        &self.tiers
    }

    /// The tier with this id.
    pub fn tier(&self, id: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.id == id)
    }

    /// The position of a tier, 1 for the lowest; 0 for no tier (or an id the policy no longer
    /// has, which ranks as no tier).
    pub fn rank(&self, id: Option<&str>) -> usize {
        id.and_then(|id| self.tiers.iter().position(|t| t.id == id))
            .map_or(0, |i| i + 1)
    }

    /// The tier at a rank (0: none).
    pub(crate) fn at_rank(&self, rank: usize) -> Option<&Tier> {
        rank.checked_sub(1).and_then(|i| self.tiers.get(i))
    }

    /// The rank a metric value qualifies for: the highest tier whose threshold it reaches.
    pub fn qualified_rank(&self, value: Decimal) -> usize {
        self.tiers.iter().filter(|t| value >= t.threshold).count()
    }
}
