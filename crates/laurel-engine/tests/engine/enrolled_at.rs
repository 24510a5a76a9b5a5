//! Members enrolled with the day they actually joined (brought from another platform), on both
//! backends: stored and counted then, never in the future; the starting tier from the program
//! in force now, held since they joined; a referral's window from the day they joined; no
//! welcome letter meant for new members to one who joined long ago; the `member.enrolled`
//! event tells when they joined, and an automation for new members passes them over.

use super::automations::Nobody;
use super::notices::{
    EVERY_NOTICE, enrolled_consenting, letters, links, noon_of, notices, noticing,
};
use super::referrals::{referred, with_referrals};
use super::tiers::TIERS;
use super::*;
use laurel_core::ReferralStatus;
use laurel_engine::{Applied, ApplyProgram};

/// Enrolls `external_id`, who joined at `at`.
fn joined_at(external_id: &str, at: Timestamp) -> EnrollRequest {
    EnrollRequest {
        enrolled_at: Some(at),
        ..enroll_request(external_id)
    }
}

/// An instant `n` days ago, in whole seconds.
fn days_ago(n: i64) -> Timestamp {
    Timestamp::from_second(Timestamp::now().as_second()).unwrap() - days(n)
}

#[tokio::test]
async fn a_member_who_joined_earlier_is_stored_and_counted_on_the_day_they_joined() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let joined = Timestamp::new(days_ago(40).as_second(), 123_456_789).unwrap();
        let ann = engine.enroll(joined_at("ann", joined)).await.unwrap();
        assert_eq!(
            ann.profile.enrolled_at,
            Timestamp::new(joined.as_second(), 123_456_000).unwrap(),
            "[{name}] at the stored precision"
        );
        assert_eq!(
            engine.member(&MemberRef::Id(ann.id.0)).await.unwrap(),
            ann,
            "[{name}] answered as stored"
        );
        let before = Timestamp::now();
        let bo = engine.enroll(enroll_request("bo")).await.unwrap();
        assert!(
            bo.profile.enrolled_at >= stored(before),
            "[{name}] without a date: now"
        );

        let now = Timestamp::now();
        let series = engine.daily_activity(90, now).await.unwrap();
        let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
        let enrolled_on = |at: Timestamp| {
            let day = tz.to_datetime(at).date();
            series
                .iter()
                .find(|d| d.date == day)
                .unwrap()
                .activity
                .enrolled
        };
        assert_eq!(enrolled_on(joined), 1, "[{name}] ann on her day");
        assert_eq!(enrolled_on(now), 1, "[{name}] bo today, ann not");
        assert_eq!(
            series.iter().map(|d| d.activity.enrolled).sum::<i64>(),
            2,
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

/// An instant at the store's precision.
fn stored(at: Timestamp) -> Timestamp {
    Timestamp::from_microsecond(at.as_microsecond()).unwrap()
}

#[tokio::test]
async fn a_join_date_in_the_future_is_refused_and_a_clock_a_little_ahead_is_taken_as_now() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let ahead = Timestamp::now() + SignedDuration::from_mins(10);
        match engine.enroll(joined_at("ann", ahead)).await {
            Err(EngineError::InvalidField { field, code, .. }) => {
                assert_eq!(
                    (field.as_str(), code.as_str()),
                    ("enrolled_at", "invalid_date")
                );
            }
            other => panic!("[{name}] expected invalid_date, got {other:?}"),
        }
        assert_eq!(
            code(engine.member(&MemberRef::External("ann".into())).await),
            "unknown_member",
            "[{name}] nothing enrolled"
        );

        // A till's clock a minute ahead: enrolled now, never counted as joined in the future.
        let skewed = Timestamp::now() + SignedDuration::from_mins(1);
        let bo = engine.enroll(joined_at("bo", skewed)).await.unwrap();
        assert!(
            bo.profile.enrolled_at <= Timestamp::now(),
            "[{name}] {}",
            bo.profile.enrolled_at
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_member_who_joined_before_the_tiers_existed_starts_in_the_tier_in_force_now_since_they_joined()
 {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let config = EngineConfig::for_backend(store.backend());
        // The first version has no tiers; the one applied now adds them.
        let engine = Engine::open(store, Some(PROGRAM), config).await.unwrap();
        let tiered = ApplyProgram {
            text: PROGRAM.to_owned() + TIERS,
            effective_from: None,
            note: None,
            dry_run: false,
        };
        assert!(matches!(
            engine.apply_program(tiered, "key:admin").await.unwrap(),
            Applied::Created(_)
        ));
        let joined = days_ago(400);
        let ann = engine.enroll(joined_at("ann", joined)).await.unwrap();
        assert_eq!(ann.tier.tier.as_deref(), Some("green"), "[{name}]");

        let view = engine.tier_status(&MemberRef::Id(ann.id.0)).await.unwrap();
        assert_eq!(
            view.status.since,
            Some(joined),
            "[{name}] held since they joined"
        );
        assert_eq!(
            (view.status.review_at, view.next_review.is_some()),
            (None, false),
            "[{name}] the starting tier has no review, so none is overdue"
        );
        let history: Vec<_> = view
            .history
            .iter()
            .map(|h| (h.to.as_deref(), h.changed_at))
            .collect();
        assert_eq!(history, [(Some("green"), joined)], "[{name}]");

        // A jobs run finds nothing to review for them.
        let reviewed = engine.run_job(JobKind::Tiers, Timestamp::now()).await;
        assert_eq!(reviewed.unwrap().members, 0, "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_referral_runs_its_window_from_the_day_the_friend_joined() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_referrals()).await;
        let amy = engine
            .enroll(joined_at("amy", days_ago(100)))
            .await
            .unwrap();
        let amy_code = amy.profile.referral_code.clone().unwrap();
        let bo_joined = days_ago(60);
        let bo = engine
            .enroll(EnrollRequest {
                enrolled_at: Some(bo_joined),
                ..referred("bo", &amy_code)
            })
            .await
            .unwrap()
            .id
            .0;

        // Before bo joined: history, not the purchase of a referred member.
        let earlier = buy_at(&engine, bo, "o-1", "50.00", days_ago(70)).await;
        assert_eq!(grants(&earlier), vec![("base", 50, None)], "[{name}]");
        // Within the 30 days after bo joined, though recorded only now: it pays both.
        let first = buy_at(&engine, bo, "o-2", "50.00", days_ago(50)).await;
        assert_eq!(
            grants(&first),
            vec![("base", 50, None), ("referral", 200, None)],
            "[{name}]"
        );
        assert_eq!(balance(&engine, amy.id.0).await, (300, 0), "[{name}]");
        let view = engine.referrals(amy.id.0, 10).await.unwrap();
        assert_eq!(
            (view.referrals[0].status, view.referrals[0].enrolled_at),
            (ReferralStatus::Rewarded, bo_joined),
            "[{name}] dated when bo joined"
        );

        // Nobody joined referred by someone who was not a member yet.
        let before_amy = EnrollRequest {
            enrolled_at: Some(days_ago(200)),
            ..referred("cy", &amy_code)
        };
        match engine.enroll(before_amy).await {
            Err(EngineError::InvalidField { field, code, .. }) => {
                assert_eq!(
                    (field.as_str(), code.as_str()),
                    ("enrolled_at", "invalid_date")
                );
            }
            other => panic!("[{name}] expected invalid_date, got {other:?}"),
        }
        assert_eq!(
            code(engine.member(&MemberRef::External("cy".into())).await),
            "unknown_member",
            "[{name}] nothing enrolled"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_member_who_joined_long_ago_gets_no_welcome_letter_meant_for_new_members() {
    for (name, db) in laurel_testkit::backends() {
        // Welcome letters on the day they join and three days after.
        let engine = start(&db, noticing(EVERY_NOTICE)).await;
        let now = Timestamp::now();
        enrolled_consenting(&engine, enroll_request("ann"), true).await;
        enrolled_consenting(&engine, joined_at("bo", now - days(365)), true).await;
        enrolled_consenting(&engine, joined_at("cy", now - days(3)), true).await;

        let tomorrow = notices(&engine, noon_of(now + days(1))).await;
        assert_eq!(tomorrow.sent, 2, "[{name}] {tomorrow:?}");
        let mut sent: Vec<(String, String)> = letters(&engine)
            .await
            .into_iter()
            .map(|m| (m.recipient, m.subject))
            .collect();
        sent.sort();
        assert_eq!(
            sent,
            [
                (
                    "ann@example.com".to_owned(),
                    "Welcome to Laurel Test Rewards".to_owned()
                ),
                // Three days in by the day they joined: the third day's letter, never the
                // first day's, which passed before they came.
                (
                    "cy@example.com".to_owned(),
                    "Getting the most from Laurel Test Rewards".to_owned()
                ),
            ],
            "[{name}] none for bo, a member for a year"
        );
        let later = notices(&engine, noon_of(now + days(4))).await;
        assert_eq!(later.sent, 1, "[{name}] ann's third day only: {later:?}");
        assert!(
            letters(&engine)
                .await
                .iter()
                .all(|m| m.recipient != "bo@example.com"),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

/// A gift for members who joined in the last week, when they are enrolled.
const WELCOME_GIFT: &str = r#"
[[automations]]
id = "welcome_gift"
name = "Welcome gift"
trigger = { event = "member.enrolled" }
conditions = [ { days_since_joining = { at_most = 7 } } ]
actions = [ { award_points = 50, reason = "welcome gift" } ]
"#;

#[tokio::test]
async fn member_enrolled_tells_when_they_joined_and_an_automation_for_new_members_passes_over_an_old_one()
 {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(WELCOME_GIFT)).await;
        let ann = member(&engine, "ann").await;
        let joined = days_ago(365);
        let bo = engine.enroll(joined_at("bo", joined)).await.unwrap().id.0;

        let mut tx = engine.store().begin().await.unwrap();
        let events = tx.waiting_events(100).await.unwrap();
        tx.commit().await.unwrap();
        let told = events
            .iter()
            .find(|e| e.kind == "member.enrolled" && e.member_id == Some(bo))
            .unwrap_or_else(|| panic!("[{name}] {events:?}"));
        let payload: serde_json::Value = serde_json::from_str(&told.payload).unwrap();
        let told_joined: Timestamp = payload["data"]["enrolled_at"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(told_joined, joined, "[{name}] {payload}");
        let written: Timestamp = payload["timestamp"].as_str().unwrap().parse().unwrap();
        assert!(
            written > joined + days(364),
            "[{name}] told when it was written"
        );

        let now = Timestamp::now();
        engine.deliver_webhooks(&Nobody, now).await.unwrap();
        let report = engine.run_automations(now, &links()).await.unwrap();
        assert_eq!(
            (report.acted, report.points),
            (1, 50),
            "[{name}] {report:?}"
        );
        assert_eq!(balance(&engine, ann).await, (50, 0), "[{name}]");
        assert_eq!(
            balance(&engine, bo).await,
            (0, 0),
            "[{name}] a member for a year"
        );
        finish(name, engine).await;
    }
}
