//! A member's wallet of stored value over HTTP: top-ups with their bonus, payments, refunds,
//! cash-outs for admin keys only, the statement, and each refusal's status and code.

use crate::common::{PROGRAM, spawn_app_with};
use laurel_testkit::backends;
use serde_json::json;

fn wallet_program() -> String {
    format!(
        "{PROGRAM}\n[wallet]\ntop_up_min = \"10\"\ntop_up_max = \"5000\"\n\
         [[wallet.bonuses]]\nfrom = \"500\"\nvalue = \"50\"\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wallet_is_topped_up_paid_from_refunded_and_listed_over_http() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &wallet_program()).await;
        let member = app.enroll("wallet").await;
        let base = format!("/api/v1/members/{member}/wallet");
        let empty = app.get(&base).await.ok(200);
        assert_eq!(empty["balance"]["total"], "0", "[{name}] {empty}");

        let body = json!({ "amount": "500", "currency": "CNY", "idempotency_key": "t-1", "reference": "till-7" });
        let top_up = app.post(&format!("{base}/top-ups"), &body).await.ok(200);
        assert_eq!(top_up["kind"], "top_up", "[{name}] {top_up}");
        assert_eq!(top_up["bonus_change"], "50", "[{name}] {top_up}");
        assert_eq!(
            top_up["balance"],
            json!({ "principal": "500", "bonus": "50", "total": "550", "currency": "CNY" }),
            "[{name}]"
        );
        let again = app.post(&format!("{base}/top-ups"), &body).await.ok(200);
        assert_eq!(again, top_up, "[{name}] a retry is answered as first");

        let pay = json!({ "amount": "520.50", "currency": "CNY", "idempotency_key": "p-1", "reference": "order-9" });
        let paid = app.post(&format!("{base}/payments"), &pay).await.ok(200);
        assert_eq!(paid["principal_change"], "-500", "[{name}] {paid}");
        assert_eq!(paid["bonus_change"], "-20.5", "[{name}] {paid}");

        let too_much = json!({ "amount": "30", "currency": "CNY", "idempotency_key": "p-2", "reference": "order-10" });
        app.post(&format!("{base}/payments"), &too_much)
            .await
            .error(409, "insufficient_funds");
        let partial = json!({ "amount": "30", "currency": "CNY", "idempotency_key": "p-3", "reference": "order-10", "partial": true });
        let rest = app
            .post(&format!("{base}/payments"), &partial)
            .await
            .ok(200);
        assert_eq!(
            rest["amount"], "29.5",
            "[{name}] what the wallet held: {rest}"
        );

        let refund = json!({ "payment_id": paid["move_id"], "amount": "520.50", "currency": "CNY", "idempotency_key": "r-1", "reference": "return-1" });
        let back = app.post(&format!("{base}/refunds"), &refund).await.ok(200);
        assert_eq!(back["balance"]["principal"], "500", "[{name}] {back}");
        assert_eq!(back["balance"]["bonus"], "20.5", "[{name}] {back}");
        let twice = json!({ "payment_id": paid["move_id"], "amount": "0.01", "currency": "CNY", "idempotency_key": "r-2", "reference": "return-2" });
        app.post(&format!("{base}/refunds"), &twice)
            .await
            .error(409, "refund_exceeds_payment");

        let cash_out = json!({ "amount": "500", "currency": "CNY", "idempotency_key": "c-1", "reference": "closing" });
        app.post(&format!("{base}/cash-outs"), &cash_out)
            .await
            .error(403, "forbidden");
        let paid_out = app
            .post_admin(&format!("{base}/cash-outs"), &cash_out)
            .await
            .ok(200);
        assert_eq!(
            paid_out["balance"]["total"], "20.5",
            "[{name}] the bonus stays: {paid_out}"
        );

        let statement = app.get(&format!("{base}?limit=2")).await.ok(200);
        let kinds: Vec<&str> = statement["moves"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["cash_out", "refund"], "[{name}] {statement}");
        assert_eq!(
            statement["moves"][1]["payment_id"], paid["move_id"],
            "[{name}]"
        );
        assert!(
            statement["moves"][0]["actor"]
                .as_str()
                .unwrap()
                .starts_with("key:"),
            "[{name}] {statement}"
        );
        let cursor = statement["next_cursor"].as_str().unwrap();
        let older = app
            .get(&format!("{base}?limit=50&cursor={cursor}"))
            .await
            .ok(200);
        assert_eq!(
            older["moves"].as_array().unwrap().len(),
            3,
            "[{name}] {older}"
        );
        assert_eq!(older["next_cursor"], serde_json::Value::Null, "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wallet_refusals_answer_their_status_and_code() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &wallet_program()).await;
        let member = app.enroll("wallet").await;
        let base = format!("/api/v1/members/{member}/wallet");
        let cases = [
            (
                "top-ups",
                json!({ "amount": "9.99", "currency": "CNY", "idempotency_key": "a", "reference": "r" }),
                422,
                "top_up_out_of_range",
            ),
            (
                "top-ups",
                json!({ "amount": "10", "currency": "USD", "idempotency_key": "b", "reference": "r" }),
                422,
                "currency_mismatch",
            ),
            (
                "top-ups",
                json!({ "amount": "10.001", "currency": "CNY", "idempotency_key": "c", "reference": "r" }),
                422,
                "invalid_amount",
            ),
            (
                "top-ups",
                json!({ "amount": "10", "currency": "CNY", "reference": "r" }),
                422,
                "invalid_body",
            ),
            (
                "payments",
                json!({ "amount": "1", "currency": "CNY", "idempotency_key": "d", "reference": "r" }),
                409,
                "insufficient_funds",
            ),
            (
                "refunds",
                json!({ "payment_id": 1, "amount": "1", "currency": "CNY", "idempotency_key": "e", "reference": "r" }),
                404,
                "unknown_payment",
            ),
        ];
        for (path, body, status, code) in cases {
            app.post(&format!("{base}/{path}"), &body)
                .await
                .error(status, code);
        }
        let body =
            json!({ "amount": "10", "currency": "CNY", "idempotency_key": "f", "reference": "r" });
        app.post("/api/v1/members/999999/wallet/top-ups", &body)
            .await
            .error(404, "unknown_member");
        app.get("/api/v1/members/999999/wallet")
            .await
            .error(404, "unknown_member");
        let statement = app.get(&base).await.ok(200);
        assert_eq!(
            statement["moves"],
            json!([]),
            "[{name}] nothing was written"
        );
        app.teardown().await;

        let plain = spawn_app_with(&db, PROGRAM).await;
        let member = plain.enroll("plain").await;
        plain
            .post(&format!("/api/v1/members/{member}/wallet/top-ups"), &body)
            .await
            .error(422, "wallet_not_offered");
        plain.teardown().await;
    }
}
