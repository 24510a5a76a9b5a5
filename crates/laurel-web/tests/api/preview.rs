//! Purchase preview: the same decision as the purchase, nothing written, the order id free.

use crate::common::just_now;
use crate::tiers::program;
use laurel_testkit::backends;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preview_answers_what_the_purchase_will_earn_and_writes_nothing() {
    for (name, db) in backends() {
        let app = crate::common::spawn_app_with(&db, &program()).await;
        let member = app.enroll("shopper").await;
        app.purchase(member, "o-1", "450.00").await;
        let body = json!({
            "member_id": member, "order_id": "o-2", "channel": "pos",
            "currency": "CNY", "total": "80.00", "occurred_at": just_now(),
        });
        let preview = app.post("/api/v1/purchases/preview", &body).await.ok(200);
        assert_eq!(preview["points_earned"], 80, "[{name}] {preview}");
        assert_eq!(preview["status"], "available", "[{name}]");
        assert_eq!(preview["available"], 450, "[{name}]");
        assert_eq!(preview["tier"], "member", "[{name}]");
        assert_eq!(
            preview["tier_change"],
            json!({ "from": "member", "to": "gold", "reason": "qualified" }),
            "[{name}] 450 + 80 reaches gold's 500"
        );
        assert!(
            preview.get("next_tier").is_none(),
            "[{name}] gold is the top: {preview}"
        );
        assert_eq!(
            app.ledger(member).await.len(),
            1,
            "[{name}] nothing written"
        );

        let purchase = app.post("/api/v1/purchases", &body).await.ok(200);
        assert_eq!(
            purchase["points_earned"], preview["points_earned"],
            "[{name}]"
        );
        assert_eq!(purchase["grants"], preview["grants"], "[{name}]");
        assert_eq!(purchase["tier_change"], preview["tier_change"], "[{name}]");

        let as_gold = app
            .post(
                "/api/v1/purchases/preview",
                &json!({
                    "member_id": member, "order_id": "o-3", "channel": "pos",
                    "currency": "CNY", "total": "10.00", "occurred_at": just_now(),
                }),
            )
            .await
            .ok(200);
        assert_eq!(as_gold["points_earned"], 20, "[{name}] {as_gold}");
        assert_eq!(as_gold["grants"][1]["rule_id"], "tier:gold", "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preview_is_refused_like_the_purchase_would_be() {
    for (name, db) in backends() {
        let app = crate::common::spawn_app_with(&db, &program()).await;
        let member = app.enroll("shopper").await;
        let body = |member_id: i64, currency: &str| {
            json!({
                "member_id": member_id, "order_id": "o-1", "channel": "pos",
                "currency": currency, "total": "10.00", "occurred_at": just_now(),
            })
        };
        app.post("/api/v1/purchases/preview", &body(999_999, "CNY"))
            .await
            .error(404, "unknown_member");
        app.post("/api/v1/purchases/preview", &body(member, "USD"))
            .await
            .error(422, "currency_mismatch");
        let next = app
            .post("/api/v1/purchases/preview", &body(member, "CNY"))
            .await
            .ok(200);
        assert_eq!(
            next["next_tier"],
            json!({ "tier": "gold", "needed": "490" }),
            "[{name}] {next}"
        );
        app.teardown().await;
    }
}
