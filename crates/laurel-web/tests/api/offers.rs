//! A member's personal offers over HTTP on both backends: ranked with their reasons as code,
//! words and figures, as many as asked, any key; an unknown member and a bad limit refused.

use crate::common::*;
use laurel_testkit::backends;
use serde_json::{Value, json};

/// [`PROGRAM`] with a bonus on coffee, a ten-off coupon and a mug, and the coffee's names.
fn cafe() -> String {
    format!(
        "{PROGRAM}{}",
        r#"
[[rules]]
id = "coffee_bonus"
name = "Coffee bonus"
effect = { points_per_unit = "2" }
conditions = [ { categories = ["coffee"] } ]

[[rewards]]
id = "ten_off"
name = "¥10 off"
type = "amount_coupon"
amount = "10"
cost = 100

[[rewards]]
id = "mug"
name = "Laurel mug"
type = "physical_gift"
cost = 5000

[names]
categories = { coffee = { en = "Coffee", zh-CN = "咖啡" } }
"#
    )
}

#[tokio::test]
async fn offers_come_best_first_with_their_reason_as_code_words_and_figures() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &cafe()).await;
        let a = app.enroll("A-1").await;
        let purchase = json!({
            "member_id": a, "order_id": "o-1", "channel": "pos", "currency": "CNY",
            "total": "40", "occurred_at": just_now(),
            "lines": [
                { "sku": "LATTE", "category": "coffee", "quantity": 1, "unit_price": "36" },
                { "sku": "CAKE", "category": "bakery", "quantity": 1, "unit_price": "4" },
            ],
        });
        app.post("/api/v1/purchases", &purchase).await.ok(200);

        let body = app
            .get(&format!("/api/v1/members/{a}/offers"))
            .await
            .ok(200);
        assert_eq!(body["member_id"], a, "[{name}] {body}");
        let offers = body["offers"].as_array().unwrap();
        let ids: Vec<&str> = offers.iter().map(|o| o["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["coffee_bonus", "ten_off", "mug"], "[{name}] {body}");
        assert_eq!(
            offers[0],
            json!({
                "kind": "rule", "id": "coffee_bonus", "name": "Coffee bonus", "cost": null,
                "score": offers[0]["score"],
                "reason": {
                    "code": "buys_in_category",
                    "words": "90% of their spend in the last year was on Coffee",
                    "category": "coffee", "share_percent": 90, "points": null, "tier": null,
                    "needed": null, "metric": null,
                },
            }),
            "[{name}]"
        );
        // 40 base + 72 on coffee: ten off is theirs now, the mug 4888 points away.
        assert_eq!(
            (
                &offers[1]["kind"],
                &offers[1]["cost"],
                &offers[1]["reason"]["code"]
            ),
            (&json!("reward"), &json!(100), &json!("can_afford_now")),
            "[{name}]"
        );
        assert_eq!(offers[2]["reason"]["code"], "points_short", "[{name}]");
        assert_eq!(offers[2]["reason"]["points"], 4888, "[{name}]");
        assert!(
            offers[0]["score"].as_u64() > offers[2]["score"].as_u64(),
            "[{name}]"
        );

        let one = app
            .get_admin(&format!("/api/v1/members/{a}/offers?limit=1"))
            .await
            .ok(200);
        assert_eq!(one["offers"].as_array().map(Vec::len), Some(1), "[{name}]");
        app.get(&format!("/api/v1/members/{a}/offers?limit=0"))
            .await
            .error(400, "invalid_query");
        app.get("/api/v1/members/999999/offers")
            .await
            .error(404, "unknown_member");
        let doc = app.get("/api/v1/openapi.json").await.ok(200);
        assert_ne!(
            doc["paths"]["/api/v1/members/{id}/offers"]["get"],
            Value::Null,
            "[{name}] documented"
        );
        app.teardown().await;
    }
}
