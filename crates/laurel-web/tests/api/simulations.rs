//! What if over HTTP (admin keys): a draft checked at once, then replayed as a job whose
//! progress and report are read back; the refusals.

use crate::common::{PROGRAM, TestApp, spawn_app};
use laurel_testkit::backends;
use serde_json::{Value, json};
use std::time::Duration;

/// [`PROGRAM`] at two points per yuan.
fn doubled() -> String {
    PROGRAM.replace(r#"points_per_unit = "1""#, r#"points_per_unit = "2""#)
}

/// The simulation once it stopped running.
async fn finished(app: &TestApp, id: i64) -> Value {
    for _ in 0..600 {
        let run = app
            .get_admin(&format!("/api/v1/admin/program/simulations/{id}"))
            .await
            .ok(200);
        if run["state"] != "running" {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("simulation {id} still running after 30 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_simulates_a_draft_and_reads_its_report_beside_the_program_in_force() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let amy = app.enroll("amy").await;
        app.purchase(amy, "o-1", "10.00").await;
        app.purchase(amy, "o-2", "25.00").await;
        let started = app
            .post_admin(
                "/api/v1/admin/program/simulations",
                &json!({ "draft": doubled() }),
            )
            .await
            .ok(202);
        assert!(
            started["state"] == "running" || started["state"] == "done",
            "[{name}] {started}"
        );
        let id = started["id"].as_i64().unwrap();
        let run = finished(&app, id).await;
        assert_eq!(run["state"], "done", "[{name}] {run}");
        let report = &run["report"];
        assert_eq!(
            report["current"]["total"]["earned"], 35,
            "[{name}] {report}"
        );
        assert_eq!(report["draft"]["total"]["earned"], 70, "[{name}] {report}");
        assert_eq!(report["draft"]["total"]["purchases"], 2, "[{name}]");
        assert_eq!(report["draft"]["total"]["sales"], "35.00", "[{name}]");
        assert_eq!(report["draft"]["total"]["liability"], "0.70", "[{name}]");
        assert_eq!(report["most_affected"][0]["member_id"], amy, "[{name}]");
        let listed = app
            .get_admin("/api/v1/admin/program/simulations")
            .await
            .ok(200);
        assert_eq!(listed["simulations"][0]["id"], id, "[{name}] {listed}");
        assert!(
            listed["simulations"][0]["report"].is_null(),
            "[{name}] reports only in single reads"
        );
        app.get_admin("/api/v1/admin/program/simulations/9999")
            .await
            .error(404, "unknown_simulation");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_with_problems_is_refused_at_once_with_every_problem() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let broken = PROGRAM.replace(r#"points_per_unit = "1""#, r#"points_per_unit = "-1""#);
        let body = app
            .post_admin(
                "/api/v1/admin/program/simulations",
                &json!({ "draft": broken }),
            )
            .await
            .error(422, "invalid_program");
        assert!(body.contains("points_per_unit"), "[{name}] {body}");
        app.post_admin(
            "/api/v1/admin/program/simulations",
            &json!({ "draft": doubled(), "from": "yesterday" }),
        )
        .await
        .error(422, "invalid_date");
        let pos = app
            .post(
                "/api/v1/admin/program/simulations",
                &json!({ "draft": doubled() }),
            )
            .await;
        assert_eq!(pos.status, 403, "[{name}] a till's key may not simulate");
        app.teardown().await;
    }
}
