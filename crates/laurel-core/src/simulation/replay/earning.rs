//! A replay's enrollments, purchases and events: what they earn, as the write path's
//! `earning` works it out, the earn posting with its grants, and a referral's payout.

use super::{Paid, Refusal, Replay, ReplayError, Watch, calendar};
use crate::award::{AwardTerms, award};
use crate::earn::{EarnError, lot_schedule};
use crate::ledger::LotId;
use crate::referrals::{Contact, ReferralFacts};
use crate::rules::{Activity, Basket, EarnContext, Earning, Event, MemberFacts, usage_periods};
use crate::simulation::member::{Bought, Granted};
use crate::simulation::terms::Terms;
use jiff::Timestamp;

impl Replay {
    /// The referral (limited by the referrer's count) and the starting tier.
    pub(super) fn enroll(
        &mut self,
        terms: Terms<'_>,
        member: i64,
        enrolled_at: Timestamp,
        referred_by: Option<i64>,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        // A referrer the history does not have (rows written around the write path) refers
        // nobody.
        let referrer = referred_by.filter(|r| self.members.contains_key(r));
        if let (Some(policy), Some(referrer)) = (terms.referrals, referrer) {
            let made = self.member(referrer)?.referrals_made;
            let facts = ReferralFacts {
                referrer: Contact::default(),
                applicant: Contact::default(),
                applicant_already_member: false,
                referrals_made: u64::from(made),
            };
            if policy.check(&facts).is_ok() {
                self.member_mut(referrer)?.referrals_made += 1;
                self.member_mut(member)?.pending_referral = Some((referrer, enrolled_at));
            }
        }
        // The starting tier is where a member joins, not a move: told with the joining.
        let status = terms
            .tiers
            .map(|policy| policy.initial(enrolled_at))
            .unwrap_or_default();
        watch.enrolled(enrolled_at, member, status.tier.as_deref());
        if status.tier.is_none() {
            return Ok(());
        }
        self.set_tier(member, status)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn purchase(
        &mut self,
        terms: Terms<'_>,
        purchase: i64,
        member: i64,
        occurred_at: Timestamp,
        basket: &Basket,
        total_minor: i64,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        let m = self.member(member)?;
        let referral = match (terms.referrals, m.pending_referral) {
            (Some(policy), Some((referrer, joined)))
                if policy.qualifies_basket(basket, occurred_at, joined) =>
            {
                Some(referrer)
            }
            _ => None,
        };
        let welcome = terms.referrals.filter(|_| referral.is_some());
        let activity = Activity::Purchase(basket.clone());
        let Some(earning) =
            self.earning(terms, member, activity, occurred_at, welcome, now, watch)?
        else {
            return Ok(());
        };
        watch.purchased(occurred_at, member, total_minor);
        let lot = self.credit(terms, member, &earning, occurred_at, now, watch)?;
        let m = self.member_mut(member)?;
        m.purchases.push(Bought {
            id: purchase,
            occurred_at,
            total_minor,
            refunded_minor: 0,
            points_earned: earning.total.get(),
            points_reversed: 0,
            lot,
        });
        let index = m.purchases.len() - 1;
        self.purchases.insert(purchase, (member, index));
        if let (Some(referrer), Some(policy)) = (referral, terms.referrals) {
            let bonus = Earning {
                grants: vec![policy.referrer_grant(&member.to_string())],
                total: policy.referrer_points,
            };
            let lot = self.credit(terms, referrer, &bonus, occurred_at, now, watch)?;
            self.member_mut(member)?.pending_referral = None;
            self.referrals_paid.insert(
                purchase,
                Paid {
                    referrer,
                    lot,
                    points: policy.referrer_points,
                },
            );
        }
        self.after_activity(terms, member, now, watch)
    }

    pub(super) fn event(
        &mut self,
        terms: Terms<'_>,
        member: i64,
        occurred_at: Timestamp,
        event: &Event,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<(), ReplayError> {
        let activity = Activity::Event(event.clone());
        let Some(earning) = self.earning(terms, member, activity, occurred_at, None, now, watch)?
        else {
            return Ok(());
        };
        self.credit(terms, member, &earning, occurred_at, now, watch)?;
        match terms.tiers {
            Some(policy) if policy.metric.moved_by_event(earning.total) => {
                self.after_activity(terms, member, now, watch)
            }
            _ => Ok(()),
        }
    }

    /// What an activity earns, as the write path's `earning` works it out; `None` (and a
    /// refusal told) when it would be more than one command may move.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn earning(
        &self,
        terms: Terms<'_>,
        member: i64,
        activity: Activity,
        occurred_at: Timestamp,
        welcome: Option<&crate::referrals::ReferralPolicy>,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<Option<Earning>, ReplayError> {
        let m = self.member(member)?;
        let first_purchase = terms.rules.asks_first_purchase(&activity) && m.purchases.is_empty();
        let limited = terms.rules.limited_by(&activity);
        let usage = if limited.is_empty() {
            Default::default()
        } else {
            let periods = usage_periods(terms.program, occurred_at).map_err(calendar)?;
            m.usage(&limited, &periods, &self.campaign)
        };
        let segments = if terms.rules.asks_segments(&activity) {
            m.segments.clone()
        } else {
            Vec::new()
        };
        let facts = MemberFacts {
            tier: m.tier.tier.clone(),
            attributes: m.attributes.clone(),
            birthday: m.birthday,
            first_purchase,
            segments,
        };
        let context = EarnContext::new(activity, facts, occurred_at).with_usage(usage);
        let award_terms = AwardTerms {
            program: terms.program,
            rules: terms.rules,
            tiers: terms.tiers,
            membership: m
                .plan_at(occurred_at)
                .and_then(|plan| terms.memberships.plan(plan)),
        };
        match award(award_terms, &context, welcome) {
            Ok(earning) => Ok(Some(earning)),
            Err(EarnError::OutOfRange) => {
                watch.refused(now, member, &Refusal::TooManyPoints);
                Ok(None)
            }
            Err(e) => Err(calendar(e)),
        }
    }

    /// One earn of the earning's total, scheduled from `occurred_at`, expired at once when its
    /// expiry has passed (history recorded late), with its grants kept; the lot it opened.
    pub(super) fn credit(
        &mut self,
        terms: Terms<'_>,
        member: i64,
        earning: &Earning,
        occurred_at: Timestamp,
        now: Timestamp,
        watch: &mut impl Watch,
    ) -> Result<Option<LotId>, ReplayError> {
        if !earning.total.is_positive() {
            return Ok(None);
        }
        let schedule = lot_schedule(terms.program, occurred_at).map_err(calendar)?;
        let posting = self
            .member(member)?
            .ledger
            .earn(earning.total, occurred_at, schedule, now)
            .map_err(|error| ReplayError::Ledger { member, error })?;
        let lot = self
            .post(member, &posting, occurred_at, watch)?
            .first()
            .copied();
        if schedule.expires_at.is_some_and(|at| at <= now) {
            let expired = self.member(member)?.ledger.expire(now);
            if let Some(posting) = expired {
                self.post(member, &posting, now, watch)?;
            }
        }
        let granted: Vec<_> = earning
            .grants
            .iter()
            .filter(|g| g.points.is_positive())
            .cloned()
            .collect();
        for g in &granted {
            *self.campaign.entry(g.rule_id.clone()).or_default() += g.points.get();
        }
        let m = self.member_mut(member)?;
        m.grants.extend(granted.iter().map(|g| Granted {
            rule_id: g.rule_id.clone(),
            points: g.points.get(),
            occurred_at,
        }));
        watch.granted(occurred_at, member, &granted);
        Ok(lot)
    }
}
