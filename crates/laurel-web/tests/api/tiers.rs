//! Tiers over HTTP: the member's tier on reads, the change on the purchase that brings it,
//! the status with progress, manual assignment by admin keys only.

use crate::common::{PROGRAM, documents, spawn_app_with};
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gold_members_tier_discount_is_answered_by_the_preview_the_coupon_check_and_the_purchase()
{
    let program = format!(
        r#"{}
[[rewards]]
id = "ten_off"
name = "¥10 off"
type = "amount_coupon"
amount = "10"
cost = 10
"#,
        program()
    );
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &program).await;
        let member = app.enroll("vip").await;
        let plain = app.enroll("plain").await;
        let assign = json!({ "tier": "gold", "reason": "launch guest" });
        app.post_admin(&format!("/api/v1/members/{member}/tier"), &assign)
            .await
            .ok(200);
        let order = |member: i64, id: &str, total: &str| {
            json!({ "member_id": member, "order_id": id, "channel": "pos", "currency": "CNY",
                    "total": total, "occurred_at": crate::common::just_now() })
        };

        let preview = app
            .post("/api/v1/purchases/preview", &order(member, "o-1", "88.88"))
            .await
            .ok(200);
        assert_eq!(
            preview["tier_discount"], "8.88",
            "[{name}] 10%, rounded down: {preview}"
        );
        let bought = app
            .post("/api/v1/purchases", &order(member, "o-1", "88.88"))
            .await
            .ok(200);
        assert_eq!(
            bought["tier_discount"], "8.88",
            "[{name}] recorded: {bought}"
        );
        let other = app
            .post("/api/v1/purchases", &order(plain, "o-2", "88.88"))
            .await
            .ok(200);
        assert_eq!(
            other["tier_discount"], "0",
            "[{name}] no discount tier: {other}"
        );

        let redeemed = app
            .post(
                &format!("/api/v1/members/{member}/rewards"),
                &json!({ "reward_id": "ten_off", "idempotency_key": "k-1" }),
            )
            .await
            .ok(200);
        let code = redeemed["redemption"]["coupons"][0]["code"]
            .as_str()
            .unwrap()
            .to_owned();
        let basket = json!({ "channel": "pos", "currency": "CNY", "total": "88.00" });
        let check = app
            .post(
                &format!("/api/v1/coupons/{code}/validate"),
                &json!({ "basket": basket }),
            )
            .await
            .ok(200);
        assert_eq!(
            (&check["discount"], &check["tier_discount"]),
            (&json!("10"), &json!("7.8")),
            "[{name}] the coupon first, then 10% of the 78.00 left: {check}"
        );
        let preview = app
            .post("/api/v1/purchases/preview", &order(member, "o-3", "88.00"))
            .await
            .ok(200);
        assert_eq!(preview["tier_discount"], "8.8", "[{name}] {preview}");
        assert_eq!(
            preview["coupons"][0]["discount"], "10",
            "[{name}] {preview}"
        );
        assert_eq!(
            preview["coupons"][0]["tier_discount"], "7.8",
            "[{name}] {preview}"
        );

        let doc = app.get("/api/v1/openapi.json").await.ok(200);
        for (schema, field) in [
            ("PurchaseResponse", "tier_discount"),
            ("PreviewResponse", "tier_discount"),
            ("ApplicableCoupon", "tier_discount"),
            ("CouponCheckResponse", "tier_discount"),
            ("EntryBody", "grants"),
            ("LedgerGrantBody", "basis"),
            ("GrantBasisBody", "spend"),
        ] {
            assert!(
                documents(&doc, schema, field),
                "[{name}] {schema}.{field} in the OpenAPI document"
            );
        }
        app.teardown().await;
    }
}
