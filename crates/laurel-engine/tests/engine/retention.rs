//! The retention policy on both backends with an injected clock: a member inactive within the
//! warning's days of `[privacy] retention_days` is warned once (on a channel they consented
//! to), then erased when the warning's days are up; one who could not be warned is erased the
//! warning's days after their inactivity was up; one who comes back, one still active and a
//! suspended one are kept.

use super::notices::{enrolled_consenting, letters, links};
use super::*;

const RETENTION: &str = r#"
[notices]
language = "en"

[privacy]
controller = "Laurel Coffee Ltd"
contact = "privacy@laurel.example"
retention_days = 365
retention_warning_days = 30
"#;

/// A member who joined and last bought `days_ago` days before `now`, consenting to e-mail or
/// not.
async fn last_seen(
    engine: &Engine,
    external_id: &str,
    now: Timestamp,
    days_ago: i64,
    consents: bool,
) -> i64 {
    let mut request = enroll_request(external_id);
    request.enrolled_at = Some(now - days(days_ago));
    let id = enrolled_consenting(engine, request, consents).await;
    let mut bought = purchase_request(id, &format!("{external_id}-o"), "100");
    bought.occurred_at = now - days(days_ago) + SignedDuration::from_hours(1);
    engine.purchase(bought).await.unwrap();
    id
}

#[tokio::test]
async fn an_inactive_member_is_warned_then_erased_and_one_who_comes_back_is_kept() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(RETENTION)).await;
        // The day the job runs: far enough back that coming back later is in the past.
        let now = super::notices::noon_of(Timestamp::now() - days(40));
        let zed = last_seen(&engine, "zed", now, 400, true).await;
        let quiet = last_seen(&engine, "quiet", now, 400, false).await;
        let back = last_seen(&engine, "back", now, 400, true).await;
        let keep = last_seen(&engine, "keep", now, 10, true).await;
        let held = last_seen(&engine, "held", now, 400, true).await;
        engine
            .set_suspended(held, true, "staff:test")
            .await
            .unwrap();

        engine.send_notices(now, &links()).await.unwrap();
        let sent = letters(&engine).await;
        let to: Vec<&str> = sent.iter().map(|m| m.recipient.as_str()).collect();
        assert_eq!(
            to,
            ["zed@example.com", "back@example.com"],
            "[{name}] {sent:?}"
        );
        assert!(
            sent[0].subject.contains("will be closed on")
                && sent[0].body.contains("your 100 积分 will be lost"),
            "[{name}] {:?}",
            sent[0]
        );
        engine.send_notices(now + days(1), &links()).await.unwrap();
        assert_eq!(letters(&engine).await.len(), 2, "[{name}] warned once");

        let first = engine.run_job(JobKind::Retention, now).await.unwrap();
        assert_eq!(
            first.members, 1,
            "[{name}] only the one who could not be warned"
        );
        assert_eq!(status(&engine, quiet).await, "erased", "[{name}]");
        assert_eq!(
            status(&engine, zed).await,
            "active",
            "[{name}] warned: 30 days yet"
        );

        let mut again = purchase_request(back, "back-again", "10");
        again.occurred_at = now + days(1);
        engine.purchase(again).await.unwrap();

        let later = engine
            .run_job(JobKind::Retention, now + days(31))
            .await
            .unwrap();
        assert_eq!((later.members, later.points.get()), (1, 100), "[{name}]");
        assert_eq!(status(&engine, zed).await, "erased", "[{name}]");
        for kept in [back, keep] {
            assert_eq!(status(&engine, kept).await, "active", "[{name}]");
        }
        assert_eq!(status(&engine, held).await, "suspended", "[{name}]");
        let register = engine.erasure_requests(false).await.unwrap();
        assert!(
            register
                .iter()
                .all(|r| r.decided_by.as_deref() == Some("job:retention")),
            "[{name}] {register:?}"
        );
        assert_eq!(register.len(), 2, "[{name}]");
        finish(name, engine).await;
    }
}

async fn status(engine: &Engine, id: i64) -> String {
    engine
        .member(&MemberRef::Id(id))
        .await
        .unwrap()
        .status
        .as_str()
        .to_owned()
}
