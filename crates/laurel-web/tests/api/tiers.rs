//! Tiers over HTTP: the member's tier on reads, the change on the purchase that brings it,
//! the status with progress, manual assignment by admin keys only.

use crate::common::{PROGRAM, spawn_app_with};
use laurel_testkit::backends;
use reqwest::Method;
use serde_json::json;

/// The default program with two tiers by spend over the calendar year (member, gold from 500
/// at 2×).
pub fn program() -> String {
    format!(
        r#"{PROGRAM}
[tiers]
metric = "spend"
window = "calendar_year"
grace_days = 30

[[tiers.levels]]
id = "member"
name = "Member"
threshold = "0"

[[tiers.levels]]
id = "gold"
name = "Gold"
threshold = "500"
earn_multiplier = "2"
discount_percent = "10"
perks = ["priority queue"]
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purchase_reaching_a_threshold_answers_the_upgrade_and_the_status_shows_progress() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &program()).await;
        let member = app.enroll("climber").await;
        let path = format!("/api/v1/members/{member}/tier");
        let before = app.get(&path).await.ok(200);
        assert_eq!(before["tier"]["id"], "member", "[{name}] {before}");
        assert_eq!(before["metric"], "spend", "[{name}]");
        assert_eq!(before["next"]["tier"]["id"], "gold", "[{name}] {before}");
        assert_eq!(before["next"]["needed"], "500", "[{name}]");
        assert!(
            before["next"]["deadline"].is_string(),
            "[{name}] calendar year: {before}"
        );

        let upgrade = app.purchase(member, "o-1", "520.00").await;
        assert_eq!(
            upgrade["tier_change"],
            json!({ "from": "member", "to": "gold", "reason": "qualified" }),
            "[{name}] {upgrade}"
        );
        let plain = app.purchase(member, "o-2", "10.00").await;
        assert!(plain.get("tier_change").is_none(), "[{name}] {plain}");
        assert_eq!(
            plain["points_earned"], 20,
            "[{name}] gold earns 2×: {plain}"
        );
        assert_eq!(plain["grants"][1]["rule_id"], "tier:gold", "[{name}]");

        let read = app.get(&format!("/api/v1/members/{member}")).await.ok(200);
        assert_eq!(read["tier"], "gold", "[{name}] {read}");
        let after = app.get(&path).await.ok(200);
        assert_eq!(after["tier"]["earn_multiplier"], "2", "[{name}] {after}");
        assert_eq!(after["tier"]["discount_percent"], "10", "[{name}]");
        assert_eq!(
            after["tier"]["perks"],
            json!(["priority queue"]),
            "[{name}]"
        );
        assert_eq!(after["value"], "530", "[{name}]");
        assert!(after["next"].is_null(), "[{name}] the top tier: {after}");
        assert!(after["next_review"]["at"].is_string(), "[{name}] {after}");
        assert_eq!(after["history"][0]["to"], "gold", "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_admin_keys_assign_tiers_and_bad_assignments_get_stable_codes() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &program()).await;
        let member = app.enroll("guest").await;
        let path = format!("/api/v1/members/{member}/tier");
        let body =
            json!({ "tier": "gold", "reason": "launch guest", "until": "2099-01-01T00:00:00Z" });
        app.post(&path, &body).await.error(403, "forbidden");
        let assigned = app.post_admin(&path, &body).await.ok(200);
        assert_eq!(assigned["tier"]["id"], "gold", "[{name}] {assigned}");
        assert_eq!(
            assigned["manual"],
            json!({ "reason": "launch guest", "until": "2099-01-01T00:00:00Z" }),
            "[{name}]"
        );
        assert_eq!(assigned["history"][0]["reason"], "manual", "[{name}]");
        assert!(
            assigned["history"][0]["actor"]
                .as_str()
                .unwrap()
                .starts_with("key:"),
            "[{name}] {assigned}"
        );
        let cases = [
            (
                json!({ "tier": "platinum", "reason": "x" }),
                422,
                "unknown_tier",
            ),
            (
                json!({ "tier": "gold", "reason": "" }),
                422,
                "missing_field",
            ),
            (
                json!({ "tier": "gold", "reason": "x", "until": "yesterday" }),
                422,
                "invalid_date",
            ),
            (
                json!({ "tier": "gold", "reason": "x", "until": "2001-01-01T00:00:00Z" }),
                422,
                "invalid_field",
            ),
        ];
        for (bad, status, code) in cases {
            app.post_admin(&path, &bad).await.error(status, code);
        }
        app.post_admin("/api/v1/members/999999/tier", &body)
            .await
            .error(404, "unknown_member");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_without_tiers_says_so() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, PROGRAM).await;
        let member = app.enroll("plain").await;
        let read = app.get(&format!("/api/v1/members/{member}")).await.ok(200);
        assert!(read["tier"].is_null(), "[{name}] {read}");
        app.send(
            Method::GET,
            &format!("/api/v1/members/{member}/tier"),
            Some(&app.pos_key),
            None,
        )
        .await
        .error(422, "unknown_tier");
        app.teardown().await;
    }
}
