//! An earning rule as the program declares it, and the validated set evaluation runs over.

use super::condition::Condition;
use super::context::Activity;
use super::effect::Effect;
use super::limits::{LimitKind, Limits};
use super::validate::{RuleIssue, validate_rules};

/// The rule id of the base earn's grant; reserved, so no declared rule may use it.
pub const BASE_RULE_ID: &str = "base";

/// Event kinds every program knows without declaring them.
pub const STANDARD_EVENT_KINDS: [&str; 4] = [
    "review_written",
    "survey_completed",
    "app_installed",
    "social_share",
];

/// What sets a rule off.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Trigger {
    /// A purchase.
    Purchase,
    /// A custom event of this kind (`review_written`, or a kind the program declares).
    Event(String),
}

impl Trigger {
    /// True when a rule with this trigger looks at `activity`.
    pub fn looks_at(&self, activity: &Activity) -> bool {
        match (self, activity) {
            (Trigger::Purchase, Activity::Purchase(_)) => true,
            (Trigger::Event(kind), Activity::Event(event)) => *kind == event.kind,
            _ => false,
        }
    }
}

/// The rules an activity triggers that have limits, by kind of limit: the usage the caller
/// must load before evaluating.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LimitedRules {
    /// Ids of rules with a per-member limit (day, week, month, lifetime).
    pub member: Vec<String>,
    /// Ids of rules with a campaign budget.
    pub campaign: Vec<String>,
}

impl LimitedRules {
    /// True when no triggered rule has a limit: there is no usage to load.
    pub fn is_empty(&self) -> bool {
        self.member.is_empty() && self.campaign.is_empty()
    }
}

/// How a rule combines with the rules evaluated after it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Stacking {
    /// Combines with every other rule.
    #[default]
    Stackable,
    /// When it takes effect, no rule after it (lower priority) applies.
    Exclusive,
    /// Only the first rule of this named group to take effect grants; other rules are unaffected.
    ExclusiveGroup(String),
}

/// One earning rule: when it applies, what it grants, and how far it may go.
#[derive(Debug, Clone, PartialEq)]
pub struct EarningRule {
    /// Stable key: grants, usage and ledger entries refer to the rule by it.
    pub id: String,
    /// Name shown to cashiers and members ("Double points Tuesday"), per language if written so.
    pub name: crate::Localized,
    /// What sets it off.
    pub trigger: Trigger,
    /// Conditions that must all hold; line conditions also choose the spend it applies to.
    pub conditions: Vec<Condition>,
    /// What it grants.
    pub effect: Effect,
    /// Caps on what it grants.
    pub limits: Limits,
    /// Evaluation order: higher first.
    pub priority: i32,
    /// How it combines with the rules after it.
    pub stacking: Stacking,
    /// The coalition partner whose purchases it applies to; `None` for the program's own.
    pub partner: Option<String>,
}

impl EarningRule {
    /// A stackable purchase rule with no conditions or limits, at priority 0.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<crate::Localized>,
        effect: Effect,
    ) -> EarningRule {
        EarningRule {
            id: id.into(),
            name: name.into(),
            trigger: Trigger::Purchase,
            conditions: Vec::new(),
            effect,
            limits: Limits::default(),
            priority: 0,
            stacking: Stacking::Stackable,
            partner: None,
        }
    }

    /// The same rule, applying to purchases at this partner instead of the program's own.
    pub fn at_partner(mut self, partner: impl Into<String>) -> EarningRule {
        self.partner = Some(partner.into());
        self
    }

    /// True when the rule looks at `activity`: its trigger matches, and the activity happened
    /// where the rule applies (at its partner, or at the program's own for a rule without one).
    pub fn looks_at(&self, activity: &Activity) -> bool {
        self.trigger.looks_at(activity) && self.partner.as_deref() == activity.partner()
    }

    /// The same rule, triggered by events of `kind` instead.
    pub fn on_event(mut self, kind: impl Into<String>) -> EarningRule {
        self.trigger = Trigger::Event(kind.into());
        self
    }

    /// The same rule with one more condition.
    pub fn when(mut self, condition: Condition) -> EarningRule {
        self.conditions.push(condition);
        self
    }

    /// The same rule with these limits.
    pub fn with_limits(mut self, limits: Limits) -> EarningRule {
        self.limits = limits;
        self
    }

    /// The same rule at this priority.
    pub fn with_priority(mut self, priority: i32) -> EarningRule {
        self.priority = priority;
        self
    }

    /// The same rule with this stacking.
    pub fn with_stacking(mut self, stacking: Stacking) -> EarningRule {
        self.stacking = stacking;
        self
    }
}

/// Validated rules in evaluation order: priority high to low, equal priorities as declared.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleSet {
    rules: Vec<EarningRule>,
}

impl RuleSet {
    /// Validates `rules` (see [`validate_rules`]) and orders them, or returns every problem.
    pub fn new(
        rules: Vec<EarningRule>,
        declared_events: Option<&[String]>,
    ) -> Result<RuleSet, Vec<RuleIssue>> {
        let issues = validate_rules(&rules, declared_events);
        if !issues.is_empty() {
            return Err(issues);
        }
        let mut rules = rules;
        // Stable: rules of equal priority keep the order the program declares them in.
        rules.sort_by_key(|r| std::cmp::Reverse(r.priority));
        Ok(RuleSet { rules })
    }

    /// A set with no rules: purchases earn the base rate only.
    pub fn empty() -> RuleSet {
        RuleSet::default()
    }

    /// The rules in evaluation order.
    pub fn in_order(&self) -> &[EarningRule] {
        &self.rules
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&EarningRule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The rules `activity` triggers.
    fn triggered<'a>(&'a self, activity: &'a Activity) -> impl Iterator<Item = &'a EarningRule> {
        self.rules.iter().filter(|rule| rule.looks_at(activity))
    }

    /// The limited rules `activity` triggers (see [`LimitedRules`]).
    pub fn limited_by(&self, activity: &Activity) -> LimitedRules {
        let having = |kinds: &[LimitKind]| -> Vec<String> {
            self.triggered(activity)
                .filter(|rule| kinds.iter().any(|k| rule.limits.get(*k).is_some()))
                .map(|rule| rule.id.clone())
                .collect()
        };
        LimitedRules {
            member: having(&[
                LimitKind::PerMemberDay,
                LimitKind::PerMemberWeek,
                LimitKind::PerMemberMonth,
                LimitKind::PerMemberLifetime,
            ]),
            campaign: having(&[LimitKind::CampaignBudget]),
        }
    }

    /// Whether a rule `activity` triggers asks if it is the member's first purchase: only
    /// then need the caller find out.
    pub fn asks_first_purchase(&self, activity: &Activity) -> bool {
        matches!(activity, Activity::Purchase(_))
            && self
                .triggered(activity)
                .any(|rule| rule.conditions.contains(&Condition::FirstPurchase))
    }

    /// True when a rule `activity` triggers asks which segments the member is in, so the
    /// write path reads them only then.
    pub fn asks_segments(&self, activity: &Activity) -> bool {
        self.triggered(activity).any(|rule| {
            rule.conditions
                .iter()
                .any(|c| matches!(c, Condition::SegmentIn(_)))
        })
    }

    /// True when the set has no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }
}
