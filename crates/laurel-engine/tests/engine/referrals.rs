//! Referrals on both backends: a referred member's first qualifying purchase pays both once;
//! self-referral, already-enrolled people and referrers at their limit are refused with
//! nothing enrolled, also when enrollments race.

use super::*;
use laurel_core::ReferralStatus;

/// 300 points for the referrer, 200 for the new member, from a ¥30 purchase within 30 days;
/// two referrals per member.
const REFERRALS: &str = r#"
[referrals]
referrer_points = 300
referee_points = 200
min_purchase = "30"
within_days = 30
max_per_referrer = 2
"#;

pub(super) fn with_referrals() -> ProgramDefinition {
    with_rules(REFERRALS)
}

pub(super) fn referred(external_id: &str, code: &str) -> EnrollRequest {
    EnrollRequest {
        referral_code: Some(code.to_owned()),
        ..enroll_request(external_id)
    }
}

/// A member and the code they share.
async fn referrer(engine: &Engine, external_id: &str) -> (i64, String) {
    let m = engine.enroll(enroll_request(external_id)).await.unwrap();
    (m.id.0, m.profile.referral_code.unwrap())
}

#[tokio::test]
async fn the_first_qualifying_purchase_of_a_referred_member_pays_both_once() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_referrals()).await;
        let (amy, code) = referrer(&engine, "amy").await;
        assert_eq!(code.len(), 14, "[{name}] three groups of four: {code}");
        let bo = engine
            .enroll(referred("bo", &code.to_lowercase()))
            .await
            .unwrap()
            .id
            .0;

        let small = buy_now(&engine, bo, "o-1", "20.00").await;
        assert_eq!(
            grants(&small),
            vec![("base", 20, None)],
            "[{name}] below ¥30"
        );
        let mut order = purchase_request(bo, "o-2", "50.00");
        order.occurred_at = Timestamp::now();
        let preview = engine.preview(order.clone()).await.unwrap();
        let first = engine.purchase(order).await.unwrap();
        assert_eq!(
            preview.grants, first.earned.grants,
            "[{name}] the preview decides alike"
        );
        assert_eq!(
            grants(&first),
            vec![("base", 50, None), ("referral", 200, None)],
            "[{name}]"
        );
        assert_eq!(balance(&engine, bo).await, (270, 0), "[{name}]");
        assert_eq!(balance(&engine, amy).await, (300, 0), "[{name}]");
        let paid = &entries(&engine, amy).await[0];
        assert_eq!(paid.meta.reason, "referral: bo", "[{name}]");
        let again = buy_now(&engine, bo, "o-3", "50.00").await;
        assert_eq!(
            grants(&again),
            vec![("base", 50, None)],
            "[{name}] paid once"
        );
        assert_eq!(balance(&engine, amy).await, (300, 0), "[{name}]");

        let view = engine.referrals(amy, 10).await.unwrap();
        assert_eq!(view.code, code, "[{name}]");
        assert_eq!(view.referrals.len(), 1, "[{name}]");
        assert_eq!(
            view.referrals[0].status,
            ReferralStatus::Rewarded,
            "[{name}]"
        );
        assert_eq!(view.referrals[0].referrer_points, Some(300), "[{name}]");
        assert_eq!(view.referrals_left, Some(1), "[{name}]");
        let bo_view = engine.referrals(bo, 10).await.unwrap();
        assert_eq!(
            bo_view.referred.map(|r| r.referrer.0),
            Some(amy),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn history_from_before_enrolling_does_not_pay_a_referral() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_referrals()).await;
        let (amy, code) = referrer(&engine, "amy").await;
        let bo = engine.enroll(referred("bo", &code)).await.unwrap().id.0;
        // An order from two days before bo enrolled (a till catching up, an import).
        let old = buy_at(&engine, bo, "o-old", "80.00", recently() - days(2)).await;
        assert_eq!(grants(&old), vec![("base", 80, None)], "[{name}]");
        assert_eq!(balance(&engine, amy).await, (0, 0), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn refused_referrals_have_their_codes_and_enroll_nobody() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_referrals()).await;
        let (_, amy_code) = referrer(&engine, "amy").await;
        member(&engine, "cy").await;
        let myself = EnrollRequest {
            email: Some(" AMY@example.com".into()),
            ..referred("amy-again", &amy_code)
        };
        let known = EnrollRequest {
            email: Some("cy@example.com".into()),
            ..referred("cy-again", &amy_code)
        };
        let cases = [
            (referred("x1", "NOPE-NOPE-NOPE"), "unknown_referral_code"),
            (myself, "self_referral"),
            (known, "referral_already_member"),
        ];
        for (request, expected) in cases {
            let external = request.external_id.clone();
            assert_eq!(code(engine.enroll(request).await), expected, "[{name}]");
            assert_eq!(
                code(engine.member(&MemberRef::External(external)).await),
                "unknown_member",
                "[{name}] nobody enrolled"
            );
        }
        engine.enroll(referred("d1", &amy_code)).await.unwrap();
        engine.enroll(referred("d2", &amy_code)).await.unwrap();
        assert_eq!(
            code(engine.enroll(referred("d3", &amy_code)).await),
            "referral_limit_reached",
            "[{name}]"
        );
        finish(name, engine).await;

        let plain = start(&db, program(&[])).await;
        assert_eq!(
            code(plain.enroll(referred("z", &amy_code)).await),
            "referrals_not_offered",
            "[{name}]"
        );
        plain.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_enrollments_with_one_code_never_pass_the_referrers_limit() {
    for (name, db) in laurel_testkit::backends() {
        let first = Arc::new(start(&db, with_referrals()).await);
        let second = Arc::new(start(&db, with_referrals()).await);
        let (amy, code) = referrer(&first, "amy").await;
        let answers = while_member_locked(first.store(), amy, || {
            (0..8)
                .map(|i| {
                    let engine = if i % 2 == 0 {
                        first.clone()
                    } else {
                        second.clone()
                    };
                    let request = referred(&format!("friend-{i}"), &code);
                    tokio::spawn(async move { engine.enroll(request).await })
                })
                .collect()
        })
        .await;
        let mut enrolled = 0;
        for answer in answers {
            match answer {
                Ok(_) => enrolled += 1,
                Err(e) => assert_eq!(e.code(), "referral_limit_reached", "[{name}] {e:?}"),
            }
        }
        assert_eq!(enrolled, 2, "[{name}]");
        assert_eq!(first.referrals(amy, 10).await.unwrap().referrals.len(), 2);
        unshare(second).shutdown().await;
        finish(name, unshare(first)).await;
    }
}

#[tokio::test]
async fn a_member_enrolled_before_referrals_existed_gets_a_code_when_first_asked() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_referrals()).await;
        let mut tx = engine.store().begin().await.unwrap();
        let old = tx
            .insert_member(
                &laurel_store::NewMember {
                    external_id: "old-timer".into(),
                    email: None,
                    phone: None,
                    name: None,
                    birthday: None,
                    channel: "pos".into(),
                    attributes: Default::default(),
                    enrolled_at: recently(),
                    referral_code: None,
                },
                jiff::Timestamp::now(),
            )
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        let code = engine.referrals(old.0, 10).await.unwrap().code;
        assert_eq!(
            engine.referrals(old.0, 10).await.unwrap().code,
            code,
            "[{name}] the code stays"
        );
        engine.enroll(referred("new", &code)).await.unwrap();
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn wholly_refunding_the_qualifying_purchase_takes_both_bonuses_back_and_frees_the_referral() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_referrals()).await;
        let (amy, code) = referrer(&engine, "amy").await;
        let bo = engine.enroll(referred("bo", &code)).await.unwrap().id.0;
        let paid = buy_now(&engine, bo, "o-1", "50.00").await;
        assert_eq!(balance(&engine, bo).await, (250, 0), "[{name}]");
        assert_eq!(balance(&engine, amy).await, (300, 0), "[{name}]");

        // A partial refund leaves a purchase that still qualified: the referral stands.
        engine
            .refund(refund_request(
                paid.purchase_id,
                "r-1",
                RefundScope::Amount(dec("10.00")),
            ))
            .await
            .unwrap();
        assert_eq!(balance(&engine, amy).await, (300, 0), "[{name}]");
        let rest = engine
            .refund(refund_request(paid.purchase_id, "r-2", RefundScope::Full))
            .await
            .unwrap();
        assert_eq!(rest.balance.available, 0, "[{name}] {rest:?}");
        assert_eq!(balance(&engine, bo).await, (0, 0), "[{name}]");
        assert_eq!(
            balance(&engine, amy).await,
            (0, 0),
            "[{name}] the referrer's bonus is taken back"
        );
        let taken = &entries(&engine, amy).await[0];
        assert_eq!(
            (taken.meta.reason.as_str(), taken.available_delta.get()),
            ("referral reversed: its purchase was refunded", -300),
            "[{name}] {taken:?}"
        );
        let view = engine.referrals(amy, 10).await.unwrap();
        assert_eq!(
            view.referrals[0].status,
            ReferralStatus::Reversed,
            "[{name}]"
        );
        assert_eq!(
            view.referrals_left,
            Some(2),
            "[{name}] a reversed referral no longer counts"
        );
        engine.enroll(referred("cy", &code)).await.unwrap();
        let one_listed = engine.referrals(amy, 1).await.unwrap();
        assert_eq!(
            (one_listed.referrals.len(), one_listed.referrals_left),
            (1, Some(1)),
            "[{name}] counted in the store, not on the page listed"
        );
        // Refunding again changes nothing more.
        let replay = engine
            .refund(refund_request(paid.purchase_id, "r-2", RefundScope::Full))
            .await
            .unwrap();
        assert_eq!(replay, rest, "[{name}]");
        assert_eq!(balance(&engine, amy).await, (0, 0), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_program_may_keep_referral_bonuses_through_refunds() {
    for (name, db) in laurel_testkit::backends() {
        let kept = REFERRALS.to_owned() + "reverse_on_refund = false\n";
        let engine = start(&db, with_rules(&kept)).await;
        let (amy, code) = referrer(&engine, "amy").await;
        let bo = engine.enroll(referred("bo", &code)).await.unwrap().id.0;
        let paid = buy_now(&engine, bo, "o-1", "50.00").await;
        engine
            .refund(refund_request(paid.purchase_id, "r-1", RefundScope::Full))
            .await
            .unwrap();
        assert_eq!(balance(&engine, amy).await, (300, 0), "[{name}]");
        let view = engine.referrals(amy, 10).await.unwrap();
        assert_eq!(
            view.referrals[0].status,
            ReferralStatus::Rewarded,
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_members_history_tells_each_purchase_and_names_a_referred_friend_only_by_first_name() {
    use laurel_engine::EntryAbout;
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_referrals()).await;
        let (amy, code) = referrer(&engine, "amy").await;
        let li = engine
            .enroll(EnrollRequest {
                name: Some("Li Na".into()),
                ..referred("li-na-7", &code)
            })
            .await
            .unwrap()
            .id
            .0;
        let nameless = engine
            .enroll(EnrollRequest {
                name: None,
                email: Some("anon@example.com".into()),
                ..referred("anon-8", &code)
            })
            .await
            .unwrap()
            .id
            .0;
        buy_now(&engine, li, "o-1", "50.00").await;
        buy_now(&engine, nameless, "o-2", "40.00").await;
        buy_now(&engine, amy, "o-3", "12.50").await;

        let history = engine.history(amy, None, &[], 10).await.unwrap();
        let about: Vec<Option<EntryAbout>> =
            history.entries.iter().map(|h| h.about.clone()).collect();
        let yuan = |s: &str| laurel_core::Money::new(dec(s), "CNY".parse().unwrap()).unwrap();
        assert_eq!(
            about,
            vec![
                Some(EntryAbout::Purchase {
                    store: Some("shop-1".into()),
                    total: yuan("12.50"),
                }),
                Some(EntryAbout::Friend { first_name: None }),
                Some(EntryAbout::Friend {
                    first_name: Some("Li".into()),
                }),
            ],
            "[{name}] newest first"
        );
        let li_history = engine.history(li, None, &[], 10).await.unwrap();
        assert_eq!(
            li_history.entries[0].about,
            Some(EntryAbout::Purchase {
                store: Some("shop-1".into()),
                total: yuan("50.00"),
            }),
            "[{name}] the friend's own purchase, not amy's"
        );
        finish(name, engine).await;
    }
}
