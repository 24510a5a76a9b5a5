//! Referrals: who may be referred by whom, and when a referred member's purchase earns the
//! referrer and the new member their bonuses.
//!
//! A new member enrolls with a referrer's code. The referral is refused when it is the
//! referrer themself (same email or phone), when the person is already a member (their email
//! or phone is enrolled), or when the referrer has used up their referrals. It pays out on
//! the new member's first purchase that reaches the minimum, within the window after enrolling.

use crate::issue::{Issue, Issues};
use crate::message;
use crate::points::Points;
use crate::rules::explain::without_money;
use crate::rules::{Grant, GrantBasis};
use jiff::{SignedDuration, Timestamp};
use rust_decimal::Decimal;

/// The grant id of referral bonuses, in purchase answers and earn grants.
pub const REFERRAL_RULE_ID: &str = "referral";

/// The most points a referral bonus may be.
pub const BONUS_MAX: Points = Points(100_000_000);
/// How long before enrolling a purchase may have happened and still count as after it: the
/// checkout at which the member enrolled (the till's basket opened before the enrollment).
pub const ENROLLING_CHECKOUT: SignedDuration = SignedDuration::from_hours(1);
/// The longest window to qualify in, in days.
pub const WINDOW_DAYS_MAX: u32 = 3650;

/// What the program pays for referrals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralPolicy {
    /// Points for the member who referred.
    pub referrer_points: Points,
    /// Points for the new member, on their qualifying purchase.
    pub referee_points: Points,
    /// The purchase total that qualifies.
    pub min_purchase: Decimal,
    /// Days after enrolling within which the purchase must happen; `None` for no limit.
    pub within_days: Option<u32>,
    /// Referrals one member may make; `None` for no limit.
    pub max_per_referrer: Option<u32>,
    /// Whether wholly refunding the qualifying purchase takes both bonuses back.
    pub reverse_on_refund: bool,
}

impl ReferralPolicy {
    /// Validates a policy; every problem keyed `referrals.…`.
    pub fn new(policy: ReferralPolicy) -> Result<ReferralPolicy, Vec<Issue>> {
        let mut issues = Issues::under("referrals");
        for (key, points) in [
            ("referrer_points", policy.referrer_points),
            ("referee_points", policy.referee_points),
        ] {
            if points < Points::ZERO || points > BONUS_MAX {
                issues.add(
                    key,
                    message!(
                        "must be between {min} and {max}, got {got}",
                        min = 0,
                        max = BONUS_MAX,
                        got = points
                    ),
                );
            }
        }
        if policy.referrer_points == Points::ZERO && policy.referee_points == Points::ZERO {
            issues.add("referrer_points", "a referral must pay someone something");
        }
        if policy.min_purchase < Decimal::ZERO {
            issues.add(
                "min_purchase",
                message!("must not be negative, got {got}", got = policy.min_purchase),
            );
        }
        if policy.within_days == Some(0) || policy.within_days > Some(WINDOW_DAYS_MAX) {
            issues.add(
                "within_days",
                message!(
                    "must be between {min} and {max} (leave it out for no limit)",
                    min = 1,
                    max = WINDOW_DAYS_MAX
                ),
            );
        }
        if policy.max_per_referrer == Some(0) {
            issues.add(
                "max_per_referrer",
                "must be at least 1 (leave it out for no limit)",
            );
        }
        issues.result(policy)
    }

    /// Decides whether a person may enroll with this referrer's code.
    pub fn check(&self, referral: &ReferralFacts<'_>) -> Result<(), ReferralRefusal> {
        let same = |a: Option<&str>, b: Option<&str>, norm: fn(&str) -> String| matches!((a, b), (Some(a), Some(b)) if !norm(a).is_empty() && norm(a) == norm(b));
        if same(referral.referrer.email, referral.applicant.email, email)
            || same(referral.referrer.phone, referral.applicant.phone, phone)
        {
            return Err(ReferralRefusal::SelfReferral);
        }
        if referral.applicant_already_member {
            return Err(ReferralRefusal::AlreadyMember);
        }
        if let Some(limit) = self.max_per_referrer
            && referral.referrals_made >= u64::from(limit)
        {
            return Err(ReferralRefusal::LimitReached(limit));
        }
        Ok(())
    }

    /// Whether a purchase of `total` at `at` by a member referred at `enrolled_at` qualifies:
    /// made after enrolling — or in the [`ENROLLING_CHECKOUT`] before, the checkout where they
    /// enrolled — not earlier history, within the window, reaching the minimum.
    pub fn qualifies(&self, total: Decimal, at: Timestamp, enrolled_at: Timestamp) -> bool {
        let in_window = self
            .within_days
            .is_none_or(|days| at < enrolled_at + SignedDuration::from_hours(24 * i64::from(days)));
        total >= self.min_purchase && at >= enrolled_at - ENROLLING_CHECKOUT && in_window
    }

    /// Whether a purchase of `basket` qualifies (see [`ReferralPolicy::qualifies`]): one made
    /// at a coalition partner never does, since the program, not the partner, pays referrals.
    pub fn qualifies_basket(
        &self,
        basket: &crate::rules::Basket,
        at: Timestamp,
        enrolled_at: Timestamp,
    ) -> bool {
        basket.partner.is_none() && self.qualifies(basket.total, at, enrolled_at)
    }

    /// The new member's bonus as a grant on their qualifying purchase; `None` when the program
    /// gives them nothing.
    pub fn referee_grant(&self) -> Option<Grant> {
        self.referee_points.is_positive().then(|| Grant {
            rule_id: REFERRAL_RULE_ID.into(),
            points: self.referee_points,
            capped_by: None,
            explanation: without_money(&GrantBasis::ReferralWelcome, self.referee_points),
            basis: GrantBasis::ReferralWelcome,
        })
    }

    /// The referrer's bonus for bringing `referee` (their external id), as a grant of its own.
    pub fn referrer_grant(&self, referee: &str) -> Grant {
        let basis = GrantBasis::ReferralBonus {
            referee: referee.to_owned(),
        };
        Grant {
            rule_id: REFERRAL_RULE_ID.into(),
            points: self.referrer_points,
            capped_by: None,
            explanation: without_money(&basis, self.referrer_points),
            basis,
        }
    }
}

/// Whether a refund that leaves `refunded_minor` of a qualifying purchase of `total_minor`
/// refunded takes its referral back: only a whole refund does (a partial one leaves a purchase
/// that still qualified), and only when the program in force says so (or, having dropped
/// referrals since, no longer says otherwise).
pub fn refund_reverses_referral(
    policy: Option<&ReferralPolicy>,
    total_minor: i64,
    refunded_minor: i64,
) -> bool {
    refunded_minor >= total_minor && policy.is_none_or(|p| p.reverse_on_refund)
}

/// A person's contact details, as compared for self-referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Contact<'a> {
    /// Email.
    pub email: Option<&'a str>,
    /// Phone.
    pub phone: Option<&'a str>,
}

/// What a referral at enrollment is decided from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralFacts<'a> {
    /// The member whose code was given.
    pub referrer: Contact<'a>,
    /// The person enrolling.
    pub applicant: Contact<'a>,
    /// Whether the applicant's email or phone is already enrolled.
    pub applicant_already_member: bool,
    /// Referrals the referrer has made so far.
    pub referrals_made: u64,
}

/// Why a referral is refused. Nothing is enrolled when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferralRefusal {
    /// The code belongs to the person enrolling (same email or phone).
    #[error("a member cannot refer themself")]
    SelfReferral,
    /// The person is already a member.
    #[error("this person is already a member; only new customers can be referred")]
    AlreadyMember,
    /// The referrer has made all the referrals they may.
    #[error("the referrer has reached their {0} referrals")]
    LimitReached(u32),
}

/// An email as compared: trimmed, lower case.
pub fn email(value: &str) -> String {
    value.trim().to_lowercase()
}

/// The domain of an email as compared (after its last `@`), if it has one.
pub fn email_domain(email_key: &str) -> Option<&str> {
    email_key
        .rsplit_once('@')
        .map(|(_, domain)| domain)
        .filter(|domain| !domain.is_empty())
}

/// A phone number as compared: its digits only.
pub fn phone(value: &str) -> String {
    value.chars().filter(char::is_ascii_digit).collect()
}
