//! `/api/v1/segments` on both backends: a segment saved with its members counted at once,
//! changed and paged through, refused whole with every problem, admin keys only.

use crate::common::*;
use laurel_testkit::backends;
use serde_json::json;

#[tokio::test]
async fn a_segment_is_saved_counted_changed_paged_and_deleted() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let [a, b, c] = [
            app.enroll("A-1").await,
            app.enroll("B-1").await,
            app.enroll("C-1").await,
        ];
        app.purchase(a, "o-1", "300").await;
        app.purchase(b, "o-2", "120").await;
        app.purchase(b, "o-3", "100").await;
        let _ = c;
        let body = json!({
            "id": "spent_200",
            "name": "Spent 200 this year",
            "conditions": [{ "spend": { "days": 365, "at_least": "200.00" } }],
        });
        let saved = app.post_admin("/api/v1/segments", &body).await.ok(201);
        assert_eq!(saved["members"], 2, "[{name}] {saved}");
        assert_eq!(
            saved["conditions"], body["conditions"],
            "[{name}] as written"
        );
        app.post_admin("/api/v1/segments", &body)
            .await
            .error(409, "segment_exists");

        let first = app
            .get_admin("/api/v1/segments/spent_200/members?limit=1")
            .await
            .ok(200);
        assert_eq!(first["members"][0]["id"], b, "[{name}] newest first");
        let cursor = first["next_cursor"].as_str().unwrap().to_owned();
        let second = app
            .get_admin(&format!(
                "/api/v1/segments/spent_200/members?limit=1&cursor={cursor}"
            ))
            .await
            .ok(200);
        assert_eq!(second["members"][0]["id"], a, "[{name}]");

        let change = json!({
            "name": "Two purchases",
            "conditions": [{ "purchases": { "days": 30, "at_least": 2 } }],
        });
        let changed = app
            .send(
                reqwest::Method::PUT,
                "/api/v1/segments/spent_200",
                Some(&app.admin_key),
                Some(&change),
            )
            .await
            .ok(200);
        assert_eq!(changed["members"], 1, "[{name}] {changed}");
        let all = app.get_admin("/api/v1/segments").await.ok(200);
        assert_eq!(all["segments"][0]["name"], "Two purchases", "[{name}]");

        app.get("/api/v1/segments").await.error(403, "forbidden");
        let gone = app
            .send(
                reqwest::Method::DELETE,
                "/api/v1/segments/spent_200",
                Some(&app.admin_key),
                None,
            )
            .await;
        assert_eq!(gone.status, 204, "[{name}]");
        app.get_admin("/api/v1/segments/spent_200")
            .await
            .error(404, "unknown_segment");
        app.teardown().await;
    }
}

#[tokio::test]
async fn a_bad_segment_is_refused_with_every_problem() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let body = json!({
            "id": "lapsed",
            "name": "Lapsed",
            "conditions": [
                { "days_since_last_purchase": { "at_least": 90, "at_most": 30 } },
                { "churn_risk": ["severe"] },
            ],
        });
        let refused = app.post_admin("/api/v1/segments", &body).await;
        refused.error(422, "invalid_segment");
        let problems = refused.json()["error"]["problems"].clone();
        assert_eq!(
            problems.as_array().map(Vec::len),
            Some(2),
            "[{name}] {problems}"
        );
        let unknown = json!({ "id": "x", "name": "X", "conditions": [{ "mood": "happy" }] });
        app.post_admin("/api/v1/segments", &unknown)
            .await
            .error(422, "invalid_body");
        let all = app.get_admin("/api/v1/segments").await.ok(200);
        assert_eq!(all["segments"], json!([]), "[{name}] nothing saved");
        app.teardown().await;
    }
}
