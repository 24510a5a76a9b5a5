//! `GET /api/v1/insight/kpis` and non-members' purchases on both backends: the KPIs of a
//! period beside the one before, each defined; purchases without a member earn nothing and
//! are counted for the comparison; admin keys only; bad periods refused. The churn-risk list
//! over the test kit's crowd, paged, filtered and agreeing with each member's insight.

use crate::common::*;
use jiff::SignedDuration;
use laurel_testkit::backends;
use serde_json::{Value, json};

/// The KPI `id` of `report`'s `kpis`.
fn kpi<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap_or_else(|| panic!("no KPI {id} in {report}"))
}

#[tokio::test]
async fn a_purchase_without_a_member_earns_nothing_and_counts_for_the_comparison() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let a = app.enroll("A-1").await;
        app.purchase(a, "o-1", "150").await;
        app.purchase(a, "o-2", "50").await;
        let body = json!({
            "order_id": "g-1", "channel": "pos", "currency": "CNY", "total": "80.00",
            "occurred_at": just_now(),
        });
        let guest = app.post("/api/v1/purchases", &body).await.ok(200);
        assert!(guest["guest_purchase_id"].is_i64(), "[{name}] {guest}");
        assert_eq!(guest["points_earned"], 0, "[{name}]");
        assert_eq!(
            app.post("/api/v1/purchases", &body).await.ok(200),
            guest,
            "[{name}] the same order again answers the same"
        );
        let claimed = json!({
            "member_id": a, "order_id": "g-1", "channel": "pos", "currency": "CNY",
            "total": "80.00", "occurred_at": just_now(),
        });
        app.post("/api/v1/purchases", &claimed)
            .await
            .error(409, "idempotency_conflict");

        let report = app.get_admin("/api/v1/insight/kpis").await.ok(200);
        assert_eq!(report["period"]["days"], 90, "[{name}] {report}");
        assert_eq!(report["currency"], "CNY", "[{name}]");
        assert_eq!(
            kpi(&report, "member_order_value")["value"],
            "100.00",
            "[{name}]"
        );
        assert_eq!(
            kpi(&report, "guest_order_value")["value"],
            "80.00",
            "[{name}]"
        );
        let lift = kpi(&report, "member_spend_lift");
        assert_eq!(lift["value"], "25.0", "[{name}] 100 against 80");
        assert_eq!(lift["kind"], "percent_difference", "[{name}]");
        let engagement = kpi(&report, "engagement_rate");
        assert_eq!(engagement["value"], "100.0", "[{name}]");
        assert_eq!(
            engagement["working"],
            json!({"part": 1, "whole": 1}),
            "[{name}]"
        );
        assert_eq!(
            engagement["previous"],
            Value::Null,
            "[{name}] nobody was a member"
        );
        assert!(
            engagement["definition"]
                .as_str()
                .unwrap()
                .starts_with("Members who bought"),
            "[{name}]"
        );
        assert_eq!(kpi(&report, "points_issued")["value"], "200", "[{name}]");
        assert_eq!(
            kpi(&report, "net_promoter_score")["kind"],
            "not_measured",
            "[{name}]"
        );
        assert_eq!(
            report["enrollments_by_channel"],
            json!([{"channel": "web", "members": 1}]),
            "[{name}]"
        );
        app.teardown().await;
    }
}

#[tokio::test]
async fn a_period_is_whole_days_and_a_bad_one_is_refused() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let report = app
            .get_admin("/api/v1/insight/kpis?from=2026-01-01&to=2026-01-31")
            .await
            .ok(200);
        assert_eq!(
            (&report["period"], &report["previous_period"]),
            (
                &json!({"from": "2026-01-01", "to": "2026-01-31", "days": 31}),
                &json!({"from": "2025-12-01", "to": "2025-12-31", "days": 31})
            ),
            "[{name}]"
        );
        app.get_admin("/api/v1/insight/kpis?from=2026-02-01&to=2026-01-31")
            .await
            .error(422, "invalid_date");
        app.get_admin("/api/v1/insight/kpis?from=2026-13-01")
            .await
            .error(400, "invalid_query");
        app.get("/api/v1/insight/kpis")
            .await
            .error(403, "forbidden");
        app.teardown().await;
    }
}

#[tokio::test]
async fn distributions_and_cohorts_count_members_not_purchases() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let a = app.enroll("A-1").await;
        let b = app.enroll("B-1").await;
        app.enroll("C-1").await;
        app.purchase(a, "o-1", "10").await;
        app.purchase(a, "o-2", "10").await;
        app.purchase(b, "o-3", "10").await;

        let spread = app.get_admin("/api/v1/insight/distributions").await.ok(200);
        assert_eq!(
            spread["frequency"][0],
            json!({"from": 1, "to": 1, "members": 1}),
            "[{name}] {spread}"
        );
        assert_eq!(spread["frequency"][1]["members"], 1, "[{name}]");
        assert_eq!(
            spread["frequency"][9],
            json!({"from": 10, "to": null, "members": 0}),
            "[{name}]"
        );
        assert_eq!(spread["repeat_purchase_rate"], "50.0", "[{name}]");
        assert_eq!(
            spread["recency"][0],
            json!({"from": 0, "to": 7, "members": 2}),
            "[{name}]"
        );

        let table = app
            .get_admin("/api/v1/insight/cohorts?months=1")
            .await
            .ok(200);
        assert_eq!(table["cohorts"][0]["members"], 3, "[{name}] {table}");
        assert_eq!(table["cohorts"][0]["buyers"], json!([2]), "[{name}]");
        assert_eq!(
            table["cohorts"][0]["retention"],
            json!(["66.7"]),
            "[{name}]"
        );
        assert_eq!(
            app.get_admin("/api/v1/insight/cohorts").await.ok(200)["cohorts"]
                .as_array()
                .unwrap()
                .len(),
            12,
            "[{name}] a year by default"
        );
        app.get_admin("/api/v1/insight/cohorts?months=37")
            .await
            .error(400, "invalid_query");
        app.get("/api/v1/insight/distributions")
            .await
            .error(403, "forbidden");
        app.teardown().await;
    }
}

#[tokio::test]
async fn a_members_insight_is_empty_until_a_refresh_scores_them() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let a = app.enroll("A-1").await;
        app.purchase(a, "o-1", "30").await;
        let before = app
            .get(&format!("/api/v1/members/{a}/insight"))
            .await
            .ok(200);
        assert_eq!(before["member_id"], a, "[{name}] {before}");
        assert_eq!(
            before["refreshed_at"],
            Value::Null,
            "[{name}] no refresh yet"
        );
        assert_eq!(before["rfm"], Value::Null, "[{name}]");

        let report = app
            .engine
            .refresh_member_insight(jiff::Timestamp::now())
            .await
            .unwrap();
        assert_eq!(report.members, 1, "[{name}]");
        assert!(
            report.problem.is_some(),
            "[{name}] one buyer is too few to fit on"
        );
        let after = app
            .get(&format!("/api/v1/members/{a}/insight"))
            .await
            .ok(200);
        assert_eq!(after["purchases"], 1, "[{name}] {after}");
        assert_eq!(after["spend"], "30", "[{name}]");
        assert_eq!(
            after["rfm"]["segment"], "champions",
            "[{name}] the best of one"
        );
        assert_eq!(
            after["churn"],
            Value::Null,
            "[{name}] no model, no forecast"
        );
        assert!(after["model"]["problem"].is_string(), "[{name}] {after}");
        app.get("/api/v1/members/999999/insight")
            .await
            .error(404, "unknown_member");
        app.teardown().await;
    }
}

/// Every member of the churn-risk list at `query`, following `next` pages of `limit`.
async fn churn_pages(app: &TestApp, query: &str, limit: u32) -> Vec<Value> {
    let mut members = Vec::new();
    let mut after = String::new();
    loop {
        let page = app
            .get_admin(&format!(
                "/api/v1/insight/churn-risk?limit={limit}{query}{after}"
            ))
            .await
            .ok(200);
        members.extend(page["members"].as_array().unwrap().iter().cloned());
        match page["next"].as_str() {
            Some(next) => after = format!("&after={next}"),
            None => return members,
        }
    }
}

#[tokio::test]
async fn the_churn_risk_list_pages_high_risk_then_medium_as_each_members_insight_says() {
    let program = PROGRAM.replace(
        "rounding = \"floor\"",
        "rounding = \"floor\"\nbackdating_days = 400",
    );
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &program).await;
        let empty = app.get_admin("/api/v1/insight/churn-risk").await.ok(200);
        assert_eq!(
            empty,
            json!({"members": [], "next": null, "refreshed_at": null, "currency": "CNY"}),
            "[{name}] nothing before a refresh"
        );
        // The test kit's crowd, bought through the API.
        for (i, history) in laurel_testkit::crowd::crowd(5).into_iter().enumerate() {
            let member = app.enroll(&format!("crowd-{i}")).await;
            for (k, days) in history.into_iter().enumerate() {
                let body = json!({
                    "member_id": member, "order_id": format!("{member}-{k}"),
                    "channel": "pos", "currency": "CNY",
                    "total": laurel_testkit::crowd::spend(i, k),
                    "occurred_at": ago(SignedDuration::from_secs_f64(days * 86_400.0)),
                });
                app.post("/api/v1/purchases", &body).await.ok(200);
            }
        }
        let report = app
            .engine
            .refresh_member_insight(jiff::Timestamp::now())
            .await
            .unwrap();
        assert_eq!(report.problem, None, "[{name}] the models fit");

        let all = churn_pages(&app, "", 200).await;
        assert!(all.len() > 10, "[{name}] {}", all.len());
        assert_eq!(
            churn_pages(&app, "", 7).await,
            all,
            "[{name}] pages of 7 walk the same list"
        );
        let key = |m: &Value| {
            (
                m["risk"] != "high",
                m["p_alive"].as_str().unwrap().parse::<f64>().unwrap(),
                m["member_id"].as_i64().unwrap(),
            )
        };
        assert!(
            all.windows(2).all(|w| key(&w[0]) < key(&w[1])),
            "[{name}] high first, then the least likely still active: {all:?}"
        );
        for m in &all {
            let id = m["member_id"].as_i64().unwrap();
            let insight = app
                .get(&format!("/api/v1/members/{id}/insight"))
                .await
                .ok(200);
            assert_eq!(
                (
                    &m["risk"],
                    &m["p_alive"],
                    &m["reason"],
                    &m["value_12m"],
                    &m["days_since_last_purchase"],
                    &m["usual_gap_days"],
                ),
                (
                    &insight["churn"]["risk"],
                    &insight["churn"]["p_alive"],
                    &insight["churn"]["reason"],
                    &insight["value_12m"],
                    &insight["days_since_last_purchase"],
                    &insight["usual_gap_days"],
                ),
                "[{name}] as the member's insight says"
            );
            assert_eq!(m["external_id"], format!("crowd-{}", id - 1), "[{name}]");
        }
        let high = churn_pages(&app, "&level=high", 5).await;
        let medium = churn_pages(&app, "&level=medium", 5).await;
        assert!(!high.is_empty() && !medium.is_empty(), "[{name}]");
        assert_eq!([high, medium].concat(), all, "[{name}]");

        for bad in [
            "level=low",
            "after=soon",
            "after=urgent.1.2",
            "limit=0",
            "limit=201",
        ] {
            app.get_admin(&format!("/api/v1/insight/churn-risk?{bad}"))
                .await
                .error(400, "invalid_query");
        }
        let after_medium = app
            .get_admin("/api/v1/insight/churn-risk?level=high&after=medium.1.1")
            .await
            .ok(200);
        assert_eq!(
            (&after_medium["members"], &after_medium["next"]),
            (&json!([]), &Value::Null),
            "[{name}] past the high list's end"
        );
        app.get("/api/v1/insight/churn-risk")
            .await
            .error(403, "forbidden");
        app.teardown().await;
    }
}
