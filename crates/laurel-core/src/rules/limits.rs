//! How far a rule may go: caps per transaction, per member per period, and a campaign budget.

use crate::points::Points;
use std::collections::BTreeMap;
use std::fmt;

/// Caps on the points one rule grants; `None` means no cap of that kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    /// Most points per purchase or event.
    pub per_transaction: Option<Points>,
    /// Most points per member per local calendar day.
    pub per_member_day: Option<Points>,
    /// Most points per member per ISO week (Monday to Sunday, local).
    pub per_member_week: Option<Points>,
    /// Most points per member per local calendar month.
    pub per_member_month: Option<Points>,
    /// Most points per member, ever.
    pub per_member_lifetime: Option<Points>,
    /// Most points across all members, ever: the campaign's budget.
    pub campaign_budget: Option<Points>,
}

/// Which limit stopped a rule from granting more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LimitKind {
    /// [`Limits::per_transaction`].
    PerTransaction,
    /// [`Limits::per_member_day`].
    PerMemberDay,
    /// [`Limits::per_member_week`].
    PerMemberWeek,
    /// [`Limits::per_member_month`].
    PerMemberMonth,
    /// [`Limits::per_member_lifetime`].
    PerMemberLifetime,
    /// [`Limits::campaign_budget`].
    CampaignBudget,
}

impl LimitKind {
    /// Every kind, narrowest first: the order ties between equally tight limits are reported in.
    pub const ALL: [LimitKind; 6] = [
        LimitKind::PerTransaction,
        LimitKind::PerMemberDay,
        LimitKind::PerMemberWeek,
        LimitKind::PerMemberMonth,
        LimitKind::PerMemberLifetime,
        LimitKind::CampaignBudget,
    ];

    /// Stable name, the same as the limit's key in a program file.
    pub fn as_str(self) -> &'static str {
        match self {
            LimitKind::PerTransaction => "per_transaction",
            LimitKind::PerMemberDay => "per_member_day",
            LimitKind::PerMemberWeek => "per_member_week",
            LimitKind::PerMemberMonth => "per_member_month",
            LimitKind::PerMemberLifetime => "per_member_lifetime",
            LimitKind::CampaignBudget => "campaign_budget",
        }
    }

    /// Parses a stable name back.
    pub fn parse(name: &str) -> Option<LimitKind> {
        LimitKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// How a cashier or member would name it.
    pub fn describe(self) -> &'static str {
        match self {
            LimitKind::PerTransaction => "per-purchase limit",
            LimitKind::PerMemberDay => "daily limit",
            LimitKind::PerMemberWeek => "weekly limit",
            LimitKind::PerMemberMonth => "monthly limit",
            LimitKind::PerMemberLifetime => "lifetime limit",
            LimitKind::CampaignBudget => "campaign budget",
        }
    }
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Points one rule already granted before this activity: to this member in the periods the
/// activity falls in, and to everyone since the rule began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UsageTotals {
    /// To this member, in the local day of the activity.
    pub member_day: Points,
    /// To this member, in the ISO week of the activity.
    pub member_week: Points,
    /// To this member, in the month of the activity.
    pub member_month: Points,
    /// To this member, ever.
    pub member_lifetime: Points,
    /// To all members, ever.
    pub campaign: Points,
}

impl UsageTotals {
    /// What counts against a limit of `kind`; nothing counts against a per-transaction cap.
    pub fn against(&self, kind: LimitKind) -> Points {
        match kind {
            LimitKind::PerTransaction => Points::ZERO,
            LimitKind::PerMemberDay => self.member_day,
            LimitKind::PerMemberWeek => self.member_week,
            LimitKind::PerMemberMonth => self.member_month,
            LimitKind::PerMemberLifetime => self.member_lifetime,
            LimitKind::CampaignBudget => self.campaign,
        }
    }
}

/// Usage of every rule, by rule id; a rule not listed has used nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleUsage {
    by_rule: BTreeMap<String, UsageTotals>,
}

impl RuleUsage {
    /// No usage of any rule.
    pub fn new() -> RuleUsage {
        RuleUsage::default()
    }

    /// Records the usage of one rule, replacing what was recorded for it.
    pub fn set(&mut self, rule_id: impl Into<String>, totals: UsageTotals) {
        self.by_rule.insert(rule_id.into(), totals);
    }

    /// The same usage with one rule's recorded.
    pub fn with(mut self, rule_id: impl Into<String>, totals: UsageTotals) -> RuleUsage {
        self.set(rule_id, totals);
        self
    }

    /// The usage of one rule.
    pub fn of(&self, rule_id: &str) -> UsageTotals {
        self.by_rule.get(rule_id).copied().unwrap_or_default()
    }
}

impl Limits {
    /// The cap of one kind, if set.
    pub fn get(&self, kind: LimitKind) -> Option<Points> {
        match kind {
            LimitKind::PerTransaction => self.per_transaction,
            LimitKind::PerMemberDay => self.per_member_day,
            LimitKind::PerMemberWeek => self.per_member_week,
            LimitKind::PerMemberMonth => self.per_member_month,
            LimitKind::PerMemberLifetime => self.per_member_lifetime,
            LimitKind::CampaignBudget => self.campaign_budget,
        }
    }

    /// What a limit of `kind` still allows given `used`: zero once reached, `None` if unset.
    pub fn remaining(&self, kind: LimitKind, used: &UsageTotals) -> Option<Points> {
        self.get(kind)
            .map(|cap| Points(cap.get().saturating_sub(used.against(kind).get())).max(Points::ZERO))
    }

    /// `wanted` cut down to what every limit still allows, with the limit that cut it, if any.
    pub fn cap(&self, wanted: Points, used: &UsageTotals) -> (Points, Option<LimitKind>) {
        let tightest = LimitKind::ALL
            .into_iter()
            .filter_map(|kind| self.remaining(kind, used).map(|left| (left, kind)))
            // Narrowest kind first among equals: `min_by_key` keeps the first minimum.
            .min_by_key(|(left, _)| *left);
        match tightest {
            Some((left, kind)) if left < wanted => (left, Some(kind)),
            _ => (wanted, None),
        }
    }
}
