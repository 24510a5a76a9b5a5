//! Referrals over HTTP: a member's code, enrolling with it, the payout, and the refusals.

use crate::common::{PROGRAM, just_now, spawn_app_with};
use laurel_testkit::backends;
use serde_json::json;

fn program() -> String {
    format!(
        r#"{PROGRAM}
[referrals]
referrer_points = 300
referee_points = 200
min_purchase = "30"
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_friend_enrolled_with_a_members_code_pays_both_on_their_first_qualifying_purchase() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &program()).await;
        let amy = app.enroll("amy").await;
        let status = app
            .get(&format!("/api/v1/members/{amy}/referrals"))
            .await
            .ok(200);
        let code = status["code"].as_str().unwrap().to_owned();
        assert_eq!(status["referrer_points"], 300, "[{name}] {status}");
        let read = app.get(&format!("/api/v1/members/{amy}")).await.ok(200);
        assert_eq!(read["referral_code"], code.as_str(), "[{name}] {read}");

        let bo = app
            .post(
                "/api/v1/members",
                &json!({ "external_id": "bo", "email": "bo@example.com", "referral_code": code }),
            )
            .await
            .ok(201);
        let bo = bo["id"].as_i64().unwrap();
        let purchase = app
            .post(
                "/api/v1/purchases",
                &json!({ "member_id": bo, "order_id": "o-1", "channel": "pos", "currency": "CNY",
                         "total": "40.00", "occurred_at": just_now() }),
            )
            .await
            .ok(200);
        assert_eq!(
            purchase["grants"][1]["rule_id"], "referral",
            "[{name}] {purchase}"
        );
        assert_eq!(app.available(amy).await, 300, "[{name}]");
        let after = app
            .get(&format!("/api/v1/members/{amy}/referrals"))
            .await
            .ok(200);
        assert_eq!(
            after["referrals"][0]["status"], "rewarded",
            "[{name}] {after}"
        );

        app.post(
            "/api/v1/members",
            &json!({ "external_id": "x", "email": "bo@example.com", "referral_code": code }),
        )
        .await
        .error(409, "referral_already_member");
        app.post(
            "/api/v1/members",
            &json!({ "external_id": "y", "referral_code": "NOPE" }),
        )
        .await
        .error(422, "unknown_referral_code");
        app.teardown().await;
    }
}
