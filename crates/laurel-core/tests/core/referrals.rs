//! Referrals: who may be referred, and which purchase pays the bonuses.

use crate::fixtures::{days, dec, now, pts};
use laurel_core::referrals::{
    Contact, REFERRAL_RULE_ID, ReferralFacts, ReferralPolicy, ReferralRefusal,
    refund_reverses_referral,
};

fn policy() -> ReferralPolicy {
    ReferralPolicy {
        referrer_points: pts(500),
        referee_points: pts(200),
        min_purchase: dec("30"),
        within_days: Some(30),
        max_per_referrer: Some(2),
        reverse_on_refund: true,
    }
}

const REFERRER: Contact<'static> = Contact {
    email: Some("Amy@Example.com"),
    phone: Some("+86 138 0000 1001"),
};

fn applicant<'a>(email: Option<&'a str>, phone: Option<&'a str>) -> ReferralFacts<'a> {
    ReferralFacts {
        referrer: REFERRER,
        applicant: Contact { email, phone },
        applicant_already_member: false,
        referrals_made: 0,
    }
}

#[test]
fn a_new_customer_with_their_own_contact_details_may_be_referred() {
    assert_eq!(
        policy().check(&applicant(Some("bo@example.com"), Some("13900002002"))),
        Ok(())
    );
    assert_eq!(policy().check(&applicant(None, None)), Ok(()));
}

#[test]
fn the_referrers_own_email_or_phone_however_written_is_a_self_referral() {
    for facts in [
        applicant(Some(" amy@example.COM "), None),
        applicant(None, Some("+8613800001001")),
        applicant(Some("other@example.com"), Some("86-138-0000-1001")),
    ] {
        let refusal = policy().check(&facts).unwrap_err();
        assert_eq!(refusal, ReferralRefusal::SelfReferral, "{facts:?}");
    }
}

#[test]
fn someone_already_enrolled_cannot_be_referred() {
    let mut facts = applicant(Some("bo@example.com"), None);
    facts.applicant_already_member = true;
    assert_eq!(policy().check(&facts), Err(ReferralRefusal::AlreadyMember));
}

#[test]
fn a_referrer_may_refer_up_to_their_limit() {
    let mut facts = applicant(Some("bo@example.com"), None);
    facts.referrals_made = 1;
    assert_eq!(policy().check(&facts), Ok(()));
    facts.referrals_made = 2;
    assert_eq!(
        policy().check(&facts),
        Err(ReferralRefusal::LimitReached(2))
    );
    let unlimited = ReferralPolicy {
        max_per_referrer: None,
        ..policy()
    };
    facts.referrals_made = 1000;
    assert_eq!(unlimited.check(&facts), Ok(()));
}

#[test]
fn a_purchase_qualifies_from_the_minimum_after_enrolling_and_within_the_window() {
    let enrolled = now();
    let p = policy();
    assert!(p.qualifies(dec("30"), enrolled + days(1), enrolled));
    assert!(!p.qualifies(dec("29.99"), enrolled + days(1), enrolled));
    assert!(p.qualifies(
        dec("30"),
        enrolled + days(30) - jiff::SignedDuration::from_secs(1),
        enrolled
    ));
    assert!(!p.qualifies(dec("30"), enrolled + days(30), enrolled));
    assert!(
        !p.qualifies(dec("30"), enrolled - days(1), enrolled),
        "a purchase from before enrolling was not brought by the referral"
    );
    assert!(
        p.qualifies(
            dec("30"),
            enrolled - jiff::SignedDuration::from_mins(5),
            enrolled
        ),
        "the checkout at which the member enrolled counts"
    );
    let forever = ReferralPolicy {
        within_days: None,
        ..policy()
    };
    assert!(forever.qualifies(dec("30"), enrolled + days(3000), enrolled));
}

#[test]
fn only_a_whole_refund_of_the_qualifying_purchase_takes_a_referral_back_and_only_if_the_program_says_so()
 {
    let p = policy();
    assert!(refund_reverses_referral(Some(&p), 5000, 5000));
    assert!(
        !refund_reverses_referral(Some(&p), 5000, 4999),
        "a partial refund keeps it"
    );
    let kept = ReferralPolicy {
        reverse_on_refund: false,
        ..policy()
    };
    assert!(!refund_reverses_referral(Some(&kept), 5000, 5000));
    assert!(refund_reverses_referral(None, 5000, 5000));
}

#[test]
fn the_new_members_bonus_is_a_referral_grant_and_none_when_zero() {
    let grant = policy().referee_grant().unwrap();
    assert_eq!(
        (grant.rule_id.as_str(), grant.points),
        (REFERRAL_RULE_ID, pts(200))
    );
    let nothing = ReferralPolicy {
        referee_points: pts(0),
        ..policy()
    };
    assert!(nothing.referee_grant().is_none());
}

#[test]
fn every_invalid_setting_is_reported_with_its_key() {
    let keys: Vec<String> = ReferralPolicy::new(ReferralPolicy {
        referrer_points: pts(-1),
        referee_points: pts(0),
        min_purchase: dec("-5"),
        within_days: Some(0),
        max_per_referrer: Some(0),
        reverse_on_refund: true,
    })
    .unwrap_err()
    .into_iter()
    .map(|i| i.key)
    .collect();
    assert_eq!(
        keys,
        [
            "referrals.referrer_points",
            "referrals.min_purchase",
            "referrals.within_days",
            "referrals.max_per_referrer"
        ]
    );
    assert!(ReferralPolicy::new(policy()).is_ok());
}
