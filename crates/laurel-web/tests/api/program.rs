//! The program over HTTP (admin keys): read the version in force, apply a new one that takes
//! effect without a restart, list and read versions, and the refusals.

use crate::common::{PROGRAM, just_now, spawn_app};
use laurel_testkit::backends;
use reqwest::Method;
use serde_json::json;

/// [`PROGRAM`] at two points per yuan.
fn doubled() -> String {
    PROGRAM.replace(r#"points_per_unit = "1""#, r#"points_per_unit = "2""#)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_applies_a_program_version_and_the_next_purchase_earns_under_it() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let first = app.get_admin("/api/v1/admin/program").await.ok(200);
        assert_eq!(first["version"], 1, "[{name}] {first}");
        assert_eq!(first["status"], "in_force");
        assert_eq!(first["source"], "file");
        assert_eq!(first["text"], PROGRAM);
        assert_eq!(first["summary"]["currency"], "CNY", "[{name}] {first}");

        let amy = app.enroll("amy").await;
        let purchase = json!({ "member_id": amy, "order_id": "o-1", "channel": "pos",
                               "currency": "CNY", "total": "10.00", "occurred_at": just_now() });
        assert_eq!(
            app.post("/api/v1/purchases", &purchase).await.ok(200)["points_earned"],
            10
        );

        let applied = app
            .post_admin(
                "/api/v1/admin/program",
                &json!({ "text": doubled(), "note": "double points week" }),
            )
            .await
            .ok(201);
        assert_eq!(applied["outcome"], "created", "[{name}] {applied}");
        assert_eq!(applied["version"]["version"], 2);
        assert_eq!(applied["version"]["status"], "in_force");
        assert_eq!(applied["version"]["note"], "double points week");
        assert!(
            applied["version"]["actor"]
                .as_str()
                .is_some_and(|a| a.starts_with("key:")),
            "[{name}] {applied}"
        );

        let now = jiff::Timestamp::now().to_string();
        let purchase = json!({ "member_id": amy, "order_id": "o-2", "channel": "pos",
                               "currency": "CNY", "total": "10.00", "occurred_at": now });
        assert_eq!(
            app.post("/api/v1/purchases", &purchase).await.ok(200)["points_earned"],
            20,
            "[{name}] no restart needed"
        );
        let late = json!({ "member_id": amy, "order_id": "o-3", "channel": "pos",
                           "currency": "CNY", "total": "10.00", "occurred_at": just_now() });
        assert_eq!(
            app.post("/api/v1/purchases", &late).await.ok(200)["points_earned"],
            10,
            "[{name}] a purchase made before the change, sent after it, earns as it would have"
        );
        let versions: Vec<_> = app
            .ledger(amy)
            .await
            .iter()
            .map(|e| e["program_version"].as_i64())
            .collect();
        assert_eq!(
            versions,
            vec![Some(1), Some(2), Some(1)],
            "[{name}] newest first, each with its version"
        );

        let listed = app
            .get_admin("/api/v1/admin/program/versions")
            .await
            .ok(200);
        let statuses: Vec<_> = listed["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["version"].as_i64(),
                    v["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            statuses,
            vec![(Some(1), "superseded".into()), (Some(2), "in_force".into())],
            "[{name}] {listed}"
        );
        assert!(
            listed["versions"][0].get("text").is_none(),
            "texts only in single reads"
        );
        let one = app
            .get_admin("/api/v1/admin/program/versions/1")
            .await
            .ok(200);
        assert_eq!(one["text"], PROGRAM, "[{name}]");
        app.get_admin("/api/v1/admin/program/versions/99")
            .await
            .error(404, "unknown_program_version");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_program_that_does_not_validate_is_refused_with_every_problem_and_pos_keys_cannot_touch_it()
 {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let broken = PROGRAM
            .replace(r#"points_per_unit = "1""#, r#"points_per_unit = "-1""#)
            .replace("Asia/Shanghai", "Mars/Olympus");
        let refused = app
            .post_admin("/api/v1/admin/program", &json!({ "text": broken }))
            .await;
        refused.error(422, "invalid_program");
        let problems = refused.json()["error"]["problems"].clone();
        assert!(
            problems.as_array().is_some_and(|p| p.len() >= 2),
            "[{name}] every problem listed: {problems}"
        );
        let euros = PROGRAM.replace(r#"currency = "CNY""#, r#"currency = "EUR""#);
        app.post_admin("/api/v1/admin/program", &json!({ "text": euros }))
            .await
            .error(409, "program_currency_changed");
        app.post_admin(
            "/api/v1/admin/program",
            &json!({ "text": doubled(), "effective_from": "2020-01-01T00:00:00Z" }),
        )
        .await
        .error(422, "invalid_field");
        app.post_admin(
            "/api/v1/admin/program",
            &json!({ "text": doubled(), "effective_from": "next monday" }),
        )
        .await
        .error(422, "invalid_date");
        let checked = app
            .post_admin(
                "/api/v1/admin/program",
                &json!({ "text": doubled(), "dry_run": true }),
            )
            .await
            .ok(200);
        assert_eq!(checked["outcome"], "checked", "[{name}] {checked}");
        let same = app
            .post_admin("/api/v1/admin/program", &json!({ "text": PROGRAM }))
            .await
            .ok(200);
        assert_eq!(same["outcome"], "unchanged", "[{name}] {same}");

        app.post("/api/v1/admin/program", &json!({ "text": doubled() }))
            .await
            .error(403, "forbidden");
        app.send(
            Method::GET,
            "/api/v1/admin/program",
            Some(&app.pos_key),
            None,
        )
        .await
        .error(403, "forbidden");
        let listed = app
            .get_admin("/api/v1/admin/program/versions")
            .await
            .ok(200);
        assert_eq!(
            listed["versions"].as_array().map(Vec::len),
            Some(1),
            "[{name}] nothing stored: {listed}"
        );
        app.teardown().await;
    }
}
