//! `[[memberships]]`: the plans a member may pay for — their fee, term, trial, whether a
//! cancelled term is refunded in part, and the benefits they give.

use crate::issue::{Issue, Issues};
use crate::localized::Localized;
use crate::message;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use rust_decimal::Decimal;

/// How long one term of a plan runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermLength {
    /// A calendar month in the program's time zone (31 January runs to the end of 28 or 29
    /// February, as calendars count months).
    Month,
    /// A calendar year in the program's time zone.
    Year,
}

impl TermLength {
    /// Its name in the program file and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            TermLength::Month => "month",
            TermLength::Year => "year",
        }
    }

    /// A term's length by its name.
    pub fn parse(name: &str) -> Option<TermLength> {
        match name {
            "month" => Some(TermLength::Month),
            "year" => Some(TermLength::Year),
            _ => None,
        }
    }

    /// When a term of this length begun at `start` ends, in the calendar of `tz`.
    pub fn end(self, start: Timestamp, tz: &TimeZone) -> Timestamp {
        let span = match self {
            TermLength::Month => 1.month(),
            TermLength::Year => 1.year(),
        };
        add_in_zone(start, span, tz)
    }
}

/// `start` moved by `span` on the calendar of `tz` (the end of time if it leaves the range).
pub(super) fn add_in_zone(start: Timestamp, span: jiff::Span, tz: &TimeZone) -> Timestamp {
    start
        .to_zoned_datetime(tz.clone())
        .checked_add(span)
        .map_or(Timestamp::MAX, |z| z.timestamp())
}

/// What a member gets back when a term is cancelled before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelRefund {
    /// Nothing: a cancelled term is paid in full.
    None,
    /// The fee's share of the time the term would still have run.
    ProRata,
}

impl CancelRefund {
    /// Its name in the program file and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            CancelRefund::None => "none",
            CancelRefund::ProRata => "pro_rata",
        }
    }
}

/// What a plan gives while a term of it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanBenefits {
    /// A tier the member holds for the term whatever the tier metric says (a higher one
    /// earned by the metric still counts).
    pub tier: Option<String>,
    /// Multiplies the base earn of purchases made within a term: 2 grants the base earn
    /// again. 1 for none.
    pub earn_multiplier: Decimal,
    /// Perks in words ("free delivery"), told to members as written.
    pub perks: Vec<Localized>,
}

/// A plan a member may pay for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipPlan {
    /// Its stable id (`plus`), stored with every membership of it.
    pub id: String,
    /// What people call it.
    pub name: Localized,
    /// The fee for one term, in the currency's minor units.
    pub fee: i64,
    /// How long a term runs.
    pub term: TermLength,
    /// Whether a new membership renews by itself at each term's end (members may turn it off
    /// by cancelling at the term's end).
    pub auto_renew: bool,
    /// Days of a free first term for a member who never held the plan; 0 for none.
    pub trial_days: u32,
    /// What cancelling before a term's end gives back.
    pub cancel_refund: CancelRefund,
    /// What it gives.
    pub benefits: PlanBenefits,
}

/// What the grant ids of membership bonuses start with (`membership:plus`).
pub const MEMBERSHIP_RULE_PREFIX: &str = "membership:";

impl MembershipPlan {
    /// The extra points the plan's earn multiplier grants on a base earn: `(m − 1) × base`,
    /// rounded as the program rounds. `None` without a multiplier or a base.
    pub fn bonus_grant(
        &self,
        base: crate::Points,
        rounding: crate::Rounding,
    ) -> Result<Option<crate::rules::Grant>, crate::earn::EarnError> {
        let m = self.benefits.earn_multiplier;
        if m <= Decimal::ONE || !base.is_positive() {
            return Ok(None);
        }
        let raw = (m - Decimal::ONE)
            .checked_mul(Decimal::from(base.get()))
            .ok_or(crate::earn::EarnError::OutOfRange)?;
        let points = crate::earn::round_points(raw, rounding)?;
        if !points.is_positive() {
            return Ok(None);
        }
        let basis = crate::rules::GrantBasis::Membership {
            name: self.name.fallback().to_owned(),
            multiplier: m,
            base,
        };
        Ok(Some(crate::rules::Grant {
            rule_id: format!("{MEMBERSHIP_RULE_PREFIX}{}", self.id),
            points,
            capped_by: None,
            explanation: crate::rules::explain::without_money(&basis, points),
            basis,
        }))
    }
}

/// The most days a trial may run.
pub const TRIAL_DAYS_MAX: u32 = 366;

/// The most an earn multiplier may be.
const MULTIPLIER_MAX: Decimal = Decimal::from_parts(10, 0, 0, false, 0);

/// The plans a program offers, by id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MembershipPlans {
    plans: Vec<MembershipPlan>,
}

impl MembershipPlans {
    /// Validates plans against the program's tier ids; every problem keyed
    /// `memberships[i].…`.
    pub fn new(plans: Vec<MembershipPlan>, tiers: &[&str]) -> Result<MembershipPlans, Vec<Issue>> {
        let mut issues = Issues::under("");
        for (i, plan) in plans.iter().enumerate() {
            let key = |field: &str| format!("memberships[{i}].{field}");
            if !crate::text::is_identifier(&plan.id) {
                issues.add(
                    key("id"),
                    "must be 1 to 40 lower-case letters, digits, `_` or `-`",
                );
            } else if plans[..i].iter().any(|p| p.id == plan.id) {
                issues.add(key("id"), message!("is given twice: {id}", id = plan.id));
            }
            for (at, problem) in plan.name.problems(&key("name"), true) {
                issues.add(at, problem);
            }
            if plan.fee <= 0 {
                issues.add(key("fee"), "must be above zero");
            }
            if plan.trial_days > TRIAL_DAYS_MAX {
                issues.add(
                    key("trial_days"),
                    message!("must be at most {max}", max = TRIAL_DAYS_MAX),
                );
            }
            let m = plan.benefits.earn_multiplier;
            if m < Decimal::ONE || m > MULTIPLIER_MAX {
                issues.add(
                    key("earn_multiplier"),
                    message!("must be from 1 to {max}", max = MULTIPLIER_MAX),
                );
            }
            if let Some(tier) = &plan.benefits.tier
                && !tiers.contains(&tier.as_str())
            {
                issues.add(
                    key("tier"),
                    message!("names no tier of the program: {tier}", tier = tier),
                );
            }
            for (j, perk) in plan.benefits.perks.iter().enumerate() {
                for (at, problem) in perk.problems(&key(&format!("perks[{j}]")), true) {
                    issues.add(at, problem);
                }
            }
        }
        issues.result(MembershipPlans { plans })
    }

    /// A plan by its id.
    pub fn plan(&self, id: &str) -> Option<&MembershipPlan> {
        self.plans.iter().find(|p| p.id == id)
    }

    /// Every plan, as written.
    pub fn all(&self) -> &[MembershipPlan] {
        &self.plans
    }

    /// Whether the program offers none.
    pub fn is_empty(&self) -> bool {
        self.plans.is_empty()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn plus() -> MembershipPlan {
        MembershipPlan {
            id: "plus".into(),
            name: Localized::Plain("Plus".into()),
            fee: 12_000,
            term: TermLength::Year,
            auto_renew: true,
            trial_days: 0,
            cancel_refund: CancelRefund::ProRata,
            benefits: PlanBenefits {
                tier: Some("gold".into()),
                earn_multiplier: Decimal::TWO,
                perks: vec![Localized::Plain("Free delivery".into())],
            },
        }
    }

    #[test]
    fn a_term_ends_on_the_same_calendar_day_a_month_or_year_later_in_the_program_s_zone() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        // 31 January 10:00 in Shanghai runs to the end of February's last day.
        let start = at("2027-01-31T02:00:00Z");
        assert_eq!(
            TermLength::Month.end(start, &tz),
            at("2027-02-28T02:00:00Z")
        );
        assert_eq!(TermLength::Year.end(start, &tz), at("2028-01-31T02:00:00Z"));
        // Local midnight stays local midnight across a daylight-saving change.
        let ny = TimeZone::get("America/New_York").unwrap();
        let start = at("2027-03-01T05:00:00Z");
        assert_eq!(
            TermLength::Month.end(start, &ny),
            at("2027-04-01T04:00:00Z")
        );
    }

    #[test]
    fn every_problem_of_a_plan_is_named_at_its_key() {
        let mut bad = plus();
        bad.id = "Plus!".into();
        bad.fee = 0;
        bad.trial_days = 400;
        bad.benefits.earn_multiplier = Decimal::new(5, 1);
        bad.benefits.tier = Some("platinum".into());
        let mut twice = plus();
        twice.benefits.tier = None;
        let issues = MembershipPlans::new(vec![bad, plus(), twice], &["gold"]).unwrap_err();
        let keys: Vec<&str> = issues.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "memberships[0].id",
                "memberships[0].fee",
                "memberships[0].trial_days",
                "memberships[0].earn_multiplier",
                "memberships[0].tier",
                "memberships[2].id"
            ]
        );
        let plans = MembershipPlans::new(vec![plus()], &["gold"]).unwrap();
        assert_eq!(plans.plan("plus").map(|p| p.fee), Some(12_000));
        assert!(plans.plan("basic").is_none());
    }
}
