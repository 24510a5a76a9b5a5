//! Evaluation: the grants one purchase or event earns under a rule set.

use super::basis::GrantBasis;
use super::calendar::LocalMoment;
use super::condition::{Condition, Situation};
use super::context::{Activity, Basket, EarnContext};
use super::explain::explain;
use super::limits::LimitKind;
use super::rule::{BASE_RULE_ID, EarningRule, RuleSet, Stacking, Trigger};
use crate::earn::{EarnError, base_points};
use crate::points::Points;
use crate::program::Program;
use rust_decimal::Decimal;

/// Points one rule, or the base earn, grants for one activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The rule's id, or [`BASE_RULE_ID`] for the base earn.
    pub rule_id: String,
    /// Points granted; zero only when a limit left nothing.
    pub points: Points,
    /// The limit that cut the grant down, if one did.
    pub capped_by: Option<LimitKind>,
    /// What it was worked out from, for telling it again in any language.
    pub basis: GrantBasis,
    /// A sentence a cashier or member can read: [`explain`] of the basis.
    pub explanation: String,
}

impl Grant {
    /// A grant of `points` on `basis`, uncapped unless `capped_by`, with its sentence.
    pub fn new(
        program: &Program,
        rule_id: impl Into<String>,
        points: Points,
        capped_by: Option<LimitKind>,
        basis: GrantBasis,
    ) -> Grant {
        Grant {
            rule_id: rule_id.into(),
            points,
            capped_by,
            explanation: explain(program, &basis, points, capped_by),
            basis,
        }
    }
}

/// What one activity earns, grant by grant: the base earn first, then rules in evaluation order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Earning {
    /// The grants, each from a different rule.
    pub grants: Vec<Grant>,
    /// Sum of the grants.
    pub total: Points,
}

impl Earning {
    /// The grant of one rule, if it granted.
    pub fn grant(&self, rule_id: &str) -> Option<&Grant> {
        self.grants.iter().find(|g| g.rule_id == rule_id)
    }

    /// Points one rule granted; zero if it did not.
    pub fn points_of(&self, rule_id: &str) -> Points {
        self.grant(rule_id).map_or(Points::ZERO, |g| g.points)
    }
}

/// Whether a rule applies to an activity, and to what spend.
enum Scope {
    /// The trigger does not match or a condition fails.
    NotApplicable,
    /// It applies to this spend (`None` for an event).
    Applies(Option<Decimal>),
}

/// Evaluates `rules` for one activity: the base earn of a purchase, then each rule that takes
/// effect, capped by its limits given `context.usage`.
///
/// A rule takes effect when its trigger matches, its conditions hold and it grants at least
/// one point. An exclusive rule that takes effect ends the evaluation; in an exclusive group
/// only the first rule to take effect grants. A rule stopped by its limits before granting
/// anything still appears, with zero points and the limit that stopped it.
pub fn evaluate(
    program: &Program,
    rules: &RuleSet,
    context: &EarnContext,
) -> Result<Earning, EarnError> {
    let local = LocalMoment::new(context.occurred_at, &program.time_zone);
    let mut grants = Vec::new();
    // The base rate is the program's own: at a partner only the partner's rules earn.
    if let Activity::Purchase(basket) = &context.activity
        && basket.partner.is_none()
    {
        let spend = basket.total.max(Decimal::ZERO);
        let points = base_points(program, spend)?.max(Points::ZERO);
        let basis = GrantBasis::Base {
            rate: program.points_per_unit,
            spend,
        };
        grants.push(Grant::new(program, BASE_RULE_ID, points, None, basis));
    }
    let mut claimed_groups: Vec<&str> = Vec::new();
    for rule in rules.in_order() {
        if let Stacking::ExclusiveGroup(group) = &rule.stacking
            && claimed_groups.contains(&group.as_str())
        {
            continue;
        }
        let Scope::Applies(spend) = scope(rule, context, local)? else {
            continue;
        };
        let worked = rule.effect.work(program, spend)?;
        let (points, capped_by) = rule.limits.cap(worked.points, &context.usage.of(&rule.id));
        if points == Points::ZERO && capped_by.is_none() {
            continue;
        }
        let basis = GrantBasis::Rule {
            name: rule.name.fallback().to_owned(),
            effect: rule.effect.clone(),
            spend,
            base: worked.base,
        };
        grants.push(Grant::new(program, &rule.id, points, capped_by, basis));
        if points.is_positive() {
            match &rule.stacking {
                Stacking::Stackable => {}
                Stacking::Exclusive => break,
                Stacking::ExclusiveGroup(group) => claimed_groups.push(group),
            }
        }
    }
    let total = grants
        .iter()
        .try_fold(0_i64, |sum, g| sum.checked_add(g.points.get()))
        .map(Points)
        .ok_or(EarnError::OutOfRange)?;
    Ok(Earning { grants, total })
}

/// Whether `rule` applies to the context's activity, and to what spend.
fn scope(
    rule: &EarningRule,
    context: &EarnContext,
    local: LocalMoment,
) -> Result<Scope, EarnError> {
    if !rule.looks_at(&context.activity) {
        return Ok(Scope::NotApplicable);
    }
    let spend = match (&rule.trigger, &context.activity) {
        (Trigger::Purchase, Activity::Purchase(basket)) => match matching_spend(rule, basket)? {
            Some(spend) => Some(spend),
            None => return Ok(Scope::NotApplicable),
        },
        (Trigger::Event(kind), Activity::Event(event)) if *kind == event.kind => None,
        _ => return Ok(Scope::NotApplicable),
    };
    let situation = Situation {
        activity: &context.activity,
        member: &context.member,
        local,
        spend,
    };
    Ok(if rule.conditions.iter().all(|c| c.holds(&situation)) {
        Scope::Applies(spend)
    } else {
        Scope::NotApplicable
    })
}

/// The spend a purchase rule applies to: the total, or the lines its line conditions select
/// (`None` when they select none).
fn matching_spend(rule: &EarningRule, basket: &Basket) -> Result<Option<Decimal>, EarnError> {
    let filters: Vec<&Condition> = rule
        .conditions
        .iter()
        .filter(|c| c.filters_lines())
        .collect();
    if filters.is_empty() {
        return Ok(Some(basket.total));
    }
    let mut selected = basket
        .lines
        .iter()
        .filter(|line| filters.iter().all(|c| c.selects(line)))
        .peekable();
    if selected.peek().is_none() {
        return Ok(None);
    }
    selected
        .try_fold(Decimal::ZERO, |sum, line| sum.checked_add(line.amount))
        .map(Some)
        .ok_or(EarnError::OutOfRange)
}
