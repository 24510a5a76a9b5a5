//! The books over HTTP (admin keys): the roll-forward and the journal (JSON and CSV) worked
//! by hand, an estimate that makes recognition catch up at once, closes, and the refusals.

use crate::common::{TestApp, spawn_app};
use laurel_testkit::backends;
use serde_json::{Value, json};

/// This month's name in the program's time zone (Asia/Shanghai).
fn this_month() -> String {
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let today = tz.to_datetime(jiff::Timestamp::now()).date();
    format!("{:04}-{:02}", today.year(), today.month())
}

async fn report(app: &TestApp) -> Value {
    app.get_admin("/api/v1/admin/books/report").await.ok(200)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_roll_forward_and_journal_follow_the_ledger_and_an_estimate_catches_up_at_once() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let amy = app.enroll("amy").await;
        // ¥100 earns 100 points worth ¥1 at ¥0.01 (the program has no [books]: a point is
        // priced at its value, all expected back): ¥100 × 1 / 101 = ¥0.990… deferred.
        app.purchase(amy, "o-1", "100.00").await;
        let spent = json!({ "points": 50, "idempotency_key": "r-1", "reference": "reward:cake" });
        app.post_admin(&format!("/api/v1/members/{amy}/redemptions"), &spent)
            .await
            .ok(200);
        // Half the points redeemed: half the deferral recognised.
        let before = report(&app).await;
        assert_eq!(before["period"], "month", "[{name}] {before}");
        assert_eq!(before["currency"], "CNY", "[{name}]");
        assert_eq!(before["deferred"], "0.99", "[{name}] {before}");
        assert_eq!(before["recognised"], "0.5", "[{name}]");
        assert_eq!(before["closing_liability"], "0.49", "[{name}]");
        assert_eq!(before["points"]["issued"], 100, "[{name}]");
        assert_eq!(before["points"]["redeemed"], 50, "[{name}]");
        assert_eq!(before["estimate"]["source"], "program", "[{name}]");
        assert_eq!(before["periods"][0]["period"], this_month(), "[{name}]");

        // Half the points expected back, from now on (the sale keeps the allocation it was
        // made with): the 50 redeemed are all of them, so the whole deferral is recognised.
        let now = jiff::Timestamp::now().to_string();
        let estimate = app
            .post_admin(
                "/api/v1/admin/books/estimates",
                &json!({ "effective_from": now, "expected_redemption_rate": "0.5", "note": "Half come back." }),
            )
            .await
            .ok(201);
        assert_eq!(estimate["expected_redemption_rate"], "0.5", "[{name}]");
        let after = report(&app).await;
        assert_eq!(after["recognised"], "0.99", "[{name}] {after}");
        assert_eq!(after["closing_liability"], "0", "[{name}]");
        assert_eq!(after["estimate"]["source"], "estimate", "[{name}]");
        assert_eq!(after["estimate"]["estimate_id"], estimate["id"], "[{name}]");
        let listed = app.get_admin("/api/v1/admin/books/estimates").await.ok(200);
        assert_eq!(listed["program_rate"], "1", "[{name}] {listed}");
        assert_eq!(
            listed["estimates"][0]["note"], "Half come back.",
            "[{name}]"
        );

        // The journal: deferral and recognition, each between the default accounts.
        let journal = app.get_admin("/api/v1/admin/books/journal").await.ok(200);
        let lines: Vec<(String, String, String, String)> = journal["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let s = |k: &str| e[k].as_str().unwrap().to_owned();
                (
                    s("entry"),
                    s("debit_account"),
                    s("credit_account"),
                    s("amount"),
                )
            })
            .collect();
        let line = |a: &str, b: &str, c: &str, d: &str| (a.into(), b.into(), c.into(), d.into());
        assert_eq!(
            lines,
            vec![
                line("deferral", "4000", "2400", "0.99"),
                line("recognition", "2400", "4010", "0.99"),
            ],
            "[{name}] {journal}"
        );
        let csv = app
            .get_admin("/api/v1/admin/books/journal?format=csv")
            .await;
        assert_eq!(csv.status, 200, "[{name}]");
        assert!(
            csv.content_type
                .as_deref()
                .unwrap_or_default()
                .starts_with("text/csv"),
            "[{name}]"
        );
        let text = csv.text();
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(
            rows[0],
            "period,date,pool,entry,debit_account,credit_account,amount,currency,reference",
            "[{name}]"
        );
        assert_eq!(rows.len(), 3, "[{name}] {text}");
        assert!(
            rows[1].starts_with(&format!("{},", this_month())),
            "[{name}] {text}"
        );
        assert!(
            rows[1].contains(",contract_liability,deferral,4000,2400,0.99,CNY,ledger:"),
            "[{name}] {text}"
        );

        // Closes: a period must have ended, and none can be closed twice or behind another.
        app.post_admin(
            "/api/v1/admin/books/closes",
            &json!({ "period": this_month() }),
        )
        .await
        .error(409, "books_period_not_ended");
        let closed = app
            .post_admin(
                "/api/v1/admin/books/closes",
                &json!({ "period": "2020-01" }),
            )
            .await
            .ok(201);
        assert_eq!(closed["period"], "2020-01", "[{name}] {closed}");
        assert!(
            closed["actor"].as_str().unwrap().starts_with("key:"),
            "[{name}]"
        );
        app.post_admin(
            "/api/v1/admin/books/closes",
            &json!({ "period": "2019-12" }),
        )
        .await
        .error(409, "books_period_closed");
        app.post_admin(
            "/api/v1/admin/books/closes",
            &json!({ "period": "2020-Q1" }),
        )
        .await
        .error(422, "invalid_field");
        let closes = app.get_admin("/api/v1/admin/books/closes").await.ok(200);
        assert_eq!(closes["closes"].as_array().unwrap().len(), 1, "[{name}]");
        app.post_admin(
            "/api/v1/admin/books/estimates",
            &json!({ "effective_from": "2020-01-15", "expected_redemption_rate": "0.7", "note": "late" }),
        )
        .await
        .error(409, "books_period_closed");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_ranges_rates_and_formats_are_refused_with_their_codes_and_keep_nothing() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        for query in [
            "from=2026-13-01",
            "to=yesterday",
            "from=2026-06-01&to=2026-05-01",
        ] {
            app.get_admin(&format!("/api/v1/admin/books/report?{query}"))
                .await
                .error(422, "invalid_date");
        }
        app.get_admin("/api/v1/admin/books/journal?format=xml")
            .await
            .error(400, "invalid_query");
        let estimate = |rate: &str, from: &str, note: &str| json!({ "effective_from": from, "expected_redemption_rate": rate, "note": note });
        for (body, code) in [
            (estimate("abc", "2026-06-01", "n"), "invalid_field"),
            (estimate("1.5", "2026-06-01", "n"), "invalid_field"),
            (estimate("0", "2026-06-01", "n"), "invalid_field"),
            (estimate("0.5", "soon", "n"), "invalid_date"),
            (estimate("0.5", "2026-06-01", " "), "missing_field"),
        ] {
            app.post_admin("/api/v1/admin/books/estimates", &body)
                .await
                .error(422, code);
        }
        let listed = app.get_admin("/api/v1/admin/books/estimates").await.ok(200);
        assert_eq!(
            listed["estimates"],
            json!([]),
            "[{name}] nothing refused was kept"
        );
        app.get("/api/v1/admin/books/report")
            .await
            .error(403, "forbidden");
        // A report of a range before anything happened: all zero, one period a month.
        let empty = app
            .get_admin("/api/v1/admin/books/report?from=2025-01-01&to=2025-03-31")
            .await
            .ok(200);
        assert_eq!(empty["closing_liability"], "0", "[{name}] {empty}");
        assert_eq!(empty["periods"].as_array().unwrap().len(), 3, "[{name}]");
        assert_eq!(empty["periods"][2]["period"], "2025-03", "[{name}]");
        assert_eq!(empty["periods"][2]["whole"], true, "[{name}]");
        app.teardown().await;
    }
}
