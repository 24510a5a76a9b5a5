//! Households over HTTP on both backends: made, asked to join, consented to, spent from and
//! left, with each refusal's status and code.

use crate::common::{PROGRAM, spawn_app_with};
use laurel_testkit::backends;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_is_made_joined_with_consent_spent_from_and_left_over_http() {
    for (name, db) in backends() {
        let program = format!("{PROGRAM}\n[households]\nmode = \"pooled\"\nmax_members = 2\n");
        let app = spawn_app_with(&db, &program).await;
        let (ann, bo, cy) = (
            app.enroll("ann").await,
            app.enroll("bo").await,
            app.enroll("cy").await,
        );
        app.purchase(ann, "o-1", "100").await;
        let owned = app.available(ann).await;
        let made = app
            .post(
                "/api/v1/households",
                &json!({ "owner_member_id": ann, "name": "The Lis" }),
            )
            .await
            .ok(200);
        assert_eq!(made["mode"], "pooled", "[{name}] {made}");
        assert_eq!(made["members"][0]["role"], "owner", "[{name}]");
        let id = made["household_id"].as_i64().unwrap();
        let members = format!("/api/v1/households/{id}/members");
        let asked = app
            .post(&members, &json!({ "member_id": bo }))
            .await
            .ok(200);
        assert_eq!(asked["members"][1]["role"], "requested", "[{name}] {asked}");
        app.post(&format!("{members}/{cy}/approve"), &json!({}))
            .await
            .error(404, "not_in_household");
        app.post(&members, &json!({ "member_id": cy }))
            .await
            .ok(200);
        let approved = app
            .post(&format!("{members}/{bo}/approve"), &json!({}))
            .await
            .ok(200);
        app.post(&format!("{members}/{cy}/approve"), &json!({}))
            .await
            .error(409, "household_full");
        assert_eq!(approved["pooled"], owned, "[{name}] {approved}");
        let mine = app
            .get(&format!("/api/v1/members/{bo}/household"))
            .await
            .ok(200);
        assert_eq!(mine["household"]["household_id"], id, "[{name}]");

        // Bo spends what Ann earned.
        let spent = app
            .post(
                &format!("/api/v1/members/{bo}/redemptions"),
                &json!({ "points": 30, "idempotency_key": "r-1", "reference": "order-1" }),
            )
            .await
            .ok(200);
        assert_eq!(spent["balance"]["available"], 0, "[{name}] {spent}");
        assert_eq!(app.available(ann).await, owned - 30, "[{name}]");

        let left = app
            .send(
                reqwest::Method::DELETE,
                &format!("{members}/{bo}"),
                Some(&app.pos_key),
                None,
            )
            .await
            .ok(200);
        assert_eq!(
            left["household"]["members"].as_array().unwrap().len(),
            2,
            "[{name}] the owner, and Cy still waiting"
        );
        let ended = app
            .send(
                reqwest::Method::DELETE,
                &format!("{members}/{ann}"),
                Some(&app.pos_key),
                None,
            )
            .await
            .ok(200);
        assert_eq!(ended["household"], json!(null), "[{name}]");
        app.get(&format!("/api/v1/households/{id}"))
            .await
            .error(404, "unknown_household");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_without_households_refuses_them() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, PROGRAM).await;
        let ann = app.enroll("ann").await;
        let refused = app
            .post(
                "/api/v1/households",
                &json!({ "owner_member_id": ann, "name": "Mine" }),
            )
            .await
            .error(422, "households_not_offered");
        assert!(refused.contains("households"), "[{name}] {refused}");
        let none = app
            .get(&format!("/api/v1/members/{ann}/household"))
            .await
            .ok(200);
        assert_eq!(none["household"], json!(null), "[{name}]");
        app.teardown().await;
    }
}
