//! Coalition partners over HTTP on both backends: an admin makes a partner's key; the key
//! records the partner's purchases (earning by its rules), refunds them, reads balances and
//! redeems at the partner, and reads its own statement; it reaches nothing else, and no other
//! partner's data. The program reads any partner's statement as JSON or CSV.

use crate::common::{PROGRAM, TestApp, just_now, spawn_app_with};
use laurel_testkit::backends;
use reqwest::Method;
use serde_json::{Value, json};

fn program() -> String {
    format!(
        "{PROGRAM}
[[partners]]
code = \"cafe\"
name = \"Corner Café\"
price_per_point = \"0.01\"
reimbursement_per_point = \"0.008\"

[[partners]]
code = \"deli\"
name = \"Deli\"
price_per_point = \"0.02\"
reimbursement_per_point = \"0.02\"

[[rules]]
id = \"cafe_rate\"
name = \"Café points\"
partner = \"cafe\"
effect = {{ points_per_unit = \"2\" }}

[[rewards]]
id = \"cafe_latte\"
name = \"Latte\"
type = \"physical_gift\"
cost = 50
partner = \"cafe\"

[[rewards]]
id = \"mug\"
name = \"Mug\"
type = \"physical_gift\"
cost = 40
"
    )
}

/// A key for `partner`, made by the admin through the API.
async fn partner_key(app: &TestApp, partner: &str) -> String {
    let made = app
        .post_admin(
            &format!("/api/v1/admin/partners/{partner}/keys"),
            &json!({ "name": format!("{partner} till") }),
        )
        .await
        .ok(200);
    assert_eq!(made["partner"], partner, "{made}");
    made["key"].as_str().unwrap().to_owned()
}

async fn as_key(
    app: &TestApp,
    key: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> crate::common::Resp {
    app.send(method, path, Some(key), body).await
}

fn purchase(member: &str, order: &str, total: &str) -> Value {
    json!({ "external_id": member, "order_id": order, "channel": "pos", "currency": "CNY",
            "total": total, "occurred_at": just_now() })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partners_key_records_its_purchases_and_redemptions_and_reads_its_own_statement() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &program()).await;
        let ann = app.enroll("ann").await;
        let cafe = partner_key(&app, "cafe").await;

        let bought = as_key(
            &app,
            &cafe,
            Method::POST,
            "/api/v1/purchases",
            Some(&purchase("ann", "c-1", "50")),
        )
        .await
        .ok(200);
        assert_eq!(
            bought["points_earned"], 100,
            "[{name}] the café's rule: {bought}"
        );
        let balance = as_key(
            &app,
            &cafe,
            Method::GET,
            &format!("/api/v1/members/{ann}/balance"),
            None,
        )
        .await
        .ok(200);
        assert_eq!(balance["available"], 100, "[{name}]");
        let spend = json!({ "points": 30, "idempotency_key": "x-1", "reference": "till 4" });
        as_key(
            &app,
            &cafe,
            Method::POST,
            &format!("/api/v1/members/{ann}/redemptions"),
            Some(&spend),
        )
        .await
        .ok(200);
        let catalog = as_key(&app, &cafe, Method::GET, "/api/v1/rewards", None)
            .await
            .ok(200);
        let ids: Vec<&str> = catalog["rewards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["cafe_latte"], "[{name}] its own rewards alone");
        let mug = json!({ "reward_id": "mug", "quantity": 1, "idempotency_key": "m-1" });
        as_key(
            &app,
            &cafe,
            Method::POST,
            &format!("/api/v1/members/{ann}/rewards"),
            Some(&mug),
        )
        .await
        .error(404, "unknown_reward");
        let refund = json!({ "refund_id": "r-1", "amount": "25" });
        let id = bought["purchase_id"].as_i64().unwrap();
        as_key(
            &app,
            &cafe,
            Method::POST,
            &format!("/api/v1/purchases/{id}/refunds"),
            Some(&refund),
        )
        .await
        .ok(200);

        let own = as_key(&app, &cafe, Method::GET, "/api/v1/partner/settlement", None)
            .await
            .ok(200);
        assert_eq!(own["partner"]["code"], "cafe", "[{name}] {own}");
        assert_eq!(
            own["issued"],
            json!({ "points": 50, "amount": "0.50" }),
            "[{name}]"
        );
        assert_eq!(
            own["burned"],
            json!({ "points": 30, "amount": "0.24" }),
            "[{name}]"
        );
        assert_eq!(own["due"], "0.26", "[{name}]");
        assert_eq!(own["lines_total"], 3, "[{name}]");
        let kinds: Vec<(&str, i64)> = own["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["kind"].as_str().unwrap(), l["points"].as_i64().unwrap()))
            .collect();
        assert_eq!(
            kinds,
            [("issued", 100), ("burned", 30), ("issued", -50)],
            "[{name}]"
        );
        let program_view = app
            .get_admin("/api/v1/admin/partners/cafe/settlement")
            .await
            .ok(200);
        assert_eq!(program_view, own, "[{name}] the same statement either way");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partners_key_reaches_nothing_else_and_no_other_partners_data() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &program()).await;
        let ann = app.enroll("ann").await;
        let own = app.purchase(ann, "o-1", "80").await;
        let deli = partner_key(&app, "deli").await;
        let forbidden = [
            (Method::GET, format!("/api/v1/members/{ann}"), None),
            (Method::GET, format!("/api/v1/members/{ann}/ledger"), None),
            (Method::GET, format!("/api/v1/members/{ann}/insight"), None),
            (Method::GET, format!("/api/v1/members/{ann}/offers"), None),
            (Method::GET, "/api/v1/admin/partners".to_owned(), None),
            (
                Method::GET,
                "/api/v1/admin/partners/cafe/settlement".to_owned(),
                None,
            ),
            (
                Method::POST,
                "/api/v1/members".to_owned(),
                Some(json!({ "external_id": "x" })),
            ),
            (
                Method::POST,
                "/api/v1/purchases".to_owned(),
                Some(
                    json!({ "order_id": "g-1", "channel": "pos", "currency": "CNY",
                             "total": "5", "occurred_at": just_now() }),
                ),
            ),
            (
                Method::POST,
                "/api/v1/purchases".to_owned(),
                Some(
                    json!({ "external_id": "ann", "order_id": "d-1", "channel": "pos",
                             "currency": "CNY", "total": "5", "occurred_at": just_now(),
                             "partner": "cafe" }),
                ),
            ),
        ];
        for (method, path, body) in forbidden {
            as_key(&app, &deli, method.clone(), &path, body.as_ref())
                .await
                .error(403, "forbidden");
        }
        let id = own["purchase_id"].as_i64().unwrap();
        as_key(
            &app,
            &deli,
            Method::POST,
            &format!("/api/v1/purchases/{id}/refunds"),
            Some(&json!({ "refund_id": "r-1" })),
        )
        .await
        .error(404, "unknown_purchase");
        app.get("/api/v1/partner/settlement")
            .await
            .error(403, "forbidden");
        assert_eq!(app.available(ann).await, 80, "[{name}] nothing written");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_program_reads_partners_and_any_statement_as_csv_and_refuses_unknown_ones() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &program()).await;
        app.enroll("ann").await;
        let body = json!({ "external_id": "ann", "order_id": "c-1", "channel": "pos",
                           "currency": "CNY", "total": "12.5", "occurred_at": just_now(),
                           "partner": "cafe" });
        app.post("/api/v1/purchases", &body).await.ok(200);
        let listed = app.get_admin("/api/v1/admin/partners").await.ok(200);
        assert_eq!(listed["partners"][1]["code"], "deli", "[{name}] {listed}");
        assert_eq!(
            listed["partners"][0]["reimbursement_per_point"], "0.008",
            "[{name}]"
        );

        let csv = app
            .get_admin("/api/v1/admin/partners/cafe/settlement?format=csv")
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
            rows.len(),
            5,
            "[{name}] heading, a line, three totals:\n{text}"
        );
        assert!(rows[1].ends_with(",25,0.01,0.25"), "[{name}] {}", rows[1]);
        assert_eq!(rows[4], ",due,,,,,,,,0.25", "[{name}]");

        app.get_admin("/api/v1/admin/partners/bakery/settlement")
            .await
            .error(404, "unknown_partner");
        app.post_admin(
            "/api/v1/admin/partners/bakery/keys",
            &json!({ "name": "x" }),
        )
        .await
        .error(404, "unknown_partner");
        app.get_admin("/api/v1/admin/partners/cafe/settlement?from=2026-12-09&to=2026-12-01")
            .await
            .error(422, "invalid_date");
        let mut unknown = body.clone();
        unknown["partner"] = json!("bakery");
        unknown["order_id"] = json!("c-2");
        app.post("/api/v1/purchases", &unknown)
            .await
            .error(404, "unknown_partner");
        app.teardown().await;
    }
}
