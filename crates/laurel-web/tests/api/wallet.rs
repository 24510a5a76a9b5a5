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
            json!({ "principal": "500", "bonus": "50", "total": "550", "held": "0", "currency": "CNY" }),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checkout_holds_wallet_value_then_captures_part_and_the_rest_comes_back() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &wallet_program()).await;
        let member = app.enroll("checkout").await;
        let base = format!("/api/v1/members/{member}/wallet");
        let top_up = json!({ "amount": "100", "currency": "CNY", "idempotency_key": "t-1", "reference": "till-7" });
        app.post(&format!("{base}/top-ups"), &top_up).await.ok(200);

        let body = json!({ "amount": "80", "currency": "CNY", "idempotency_key": "h-1", "reference": "order-5", "expires_in": 600 });
        let placed = app
            .post(&format!("/api/v1/members/{member}/holds"), &body)
            .await
            .ok(200);
        assert_eq!(placed["hold"]["state"], "held", "[{name}] {placed}");
        assert_eq!(placed["balance"]["total"], "20", "[{name}] {placed}");
        assert_eq!(placed["balance"]["held"], "80", "[{name}] {placed}");
        let pay = json!({ "amount": "30", "currency": "CNY", "idempotency_key": "p-1", "reference": "order-6" });
        app.post(&format!("{base}/payments"), &pay)
            .await
            .error(409, "insufficient_funds");

        let hold_id = placed["hold"]["hold_id"].as_i64().unwrap();
        let read = app.get(&format!("/api/v1/holds/{hold_id}")).await.ok(200);
        assert_eq!(read, placed["hold"], "[{name}]");
        let capture = json!({ "amount": "65.50", "currency": "CNY" });
        let captured = app
            .post(&format!("/api/v1/holds/{hold_id}/capture"), &capture)
            .await
            .ok(200);
        assert_eq!(captured["hold"]["state"], "captured", "[{name}] {captured}");
        assert_eq!(captured["hold"]["captured"], "65.5", "[{name}] {captured}");
        assert_eq!(
            captured["balance"]["total"], "34.5",
            "[{name}] the rest came back"
        );
        assert_eq!(captured["balance"]["held"], "0", "[{name}]");
        let again = app
            .post(&format!("/api/v1/holds/{hold_id}/capture"), &capture)
            .await
            .ok(200);
        assert_eq!(
            again, captured,
            "[{name}] a retried capture is answered as first"
        );
        app.post(&format!("/api/v1/holds/{hold_id}/void"), &json!({}))
            .await
            .error(409, "hold_closed");

        // The order is refunded against its capture.
        let refund = json!({ "payment_id": captured["hold"]["capture_move_id"], "amount": "65.50", "currency": "CNY", "idempotency_key": "r-1", "reference": "return-5" });
        let back = app.post(&format!("{base}/refunds"), &refund).await.ok(200);
        assert_eq!(back["balance"]["total"], "100", "[{name}] {back}");

        let second = json!({ "amount": "10", "currency": "CNY", "idempotency_key": "h-2", "reference": "order-7" });
        let second = app
            .post(&format!("/api/v1/members/{member}/holds"), &second)
            .await
            .ok(200);
        let second_id = second["hold"]["hold_id"].as_i64().unwrap();
        let voided = app
            .post(&format!("/api/v1/holds/{second_id}/void"), &json!({}))
            .await
            .ok(200);
        assert_eq!(voided["hold"]["state"], "voided", "[{name}]");
        assert_eq!(voided["balance"]["total"], "100", "[{name}]");
        let statement = app.get(&base).await.ok(200);
        let kinds: Vec<&str> = statement["moves"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            ["release", "hold", "refund", "capture", "hold", "top_up"],
            "[{name}]"
        );
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hold_refusals_answer_their_status_and_code() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &wallet_program()).await;
        let member = app.enroll("checkout").await;
        let holds = format!("/api/v1/members/{member}/holds");
        let cases = [
            (
                json!({ "amount": "1", "currency": "CNY", "idempotency_key": "a", "reference": "r" }),
                409,
                "insufficient_funds",
            ),
            (
                json!({ "amount": "1", "currency": "CNY", "idempotency_key": "b", "reference": "r", "expires_in": 30 }),
                422,
                "invalid_field",
            ),
            (
                json!({ "amount": "1", "currency": "EUR", "idempotency_key": "c", "reference": "r" }),
                422,
                "currency_mismatch",
            ),
        ];
        for (body, status, code) in cases {
            app.post(&holds, &body).await.error(status, code);
        }
        app.get("/api/v1/holds/999999")
            .await
            .error(404, "unknown_hold");
        app.post("/api/v1/holds/999999/capture", &json!({}))
            .await
            .error(404, "unknown_hold");
        let top_up = json!({ "amount": "100", "currency": "CNY", "idempotency_key": "t-1", "reference": "till" });
        app.post(&format!("/api/v1/members/{member}/wallet/top-ups"), &top_up)
            .await
            .ok(200);
        let body = json!({ "amount": "50", "currency": "CNY", "idempotency_key": "h-1", "reference": "order" });
        let placed = app.post(&holds, &body).await.ok(200);
        let id = placed["hold"]["hold_id"].as_i64().unwrap();
        app.post(
            &format!("/api/v1/holds/{id}/capture"),
            &json!({ "amount": "50.01", "currency": "CNY" }),
        )
        .await
        .error(409, "capture_exceeds_hold");
        app.post(
            &format!("/api/v1/holds/{id}/capture"),
            &json!({ "amount": "5" }),
        )
        .await
        .error(422, "missing_field");
        let still = app.get(&format!("/api/v1/holds/{id}")).await.ok(200);
        assert_eq!(still["state"], "held", "[{name}] nothing changed: {still}");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gift_cards_are_issued_paid_with_refunded_and_loaded_over_http() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &wallet_program()).await;
        let body = json!({ "count": 2, "amount": "200", "currency": "CNY", "with_pin": true, "reference": "xmas", "idempotency_key": "batch-1" });
        app.post("/api/v1/gift-cards", &body)
            .await
            .error(403, "forbidden");
        let issued = app.post_admin("/api/v1/gift-cards", &body).await.ok(200);
        assert_eq!(issued["count"], 2, "[{name}] {issued}");
        let cards = issued["cards"].as_array().unwrap();
        let code = cards[0]["code"].as_str().unwrap().to_owned();
        let pin = cards[0]["pin"].as_str().unwrap().to_owned();
        let again = app.post_admin("/api/v1/gift-cards", &body).await.ok(200);
        assert_eq!(again["repeated"], true, "[{name}]");
        assert_eq!(again["cards"], json!([]), "[{name}] codes are told once");

        // The card is named in a header, never in the path (proxies keep paths in their logs).
        let card = |method: reqwest::Method, path: &str, code: &str, pin: Option<&str>| {
            let request = app
                .client
                .request(method, app.url(path))
                .bearer_auth(&app.pos_key)
                .header("X-Gift-Card-Code", code);
            match pin {
                Some(pin) => request.header("X-Gift-Card-Pin", pin),
                None => request,
            }
        };
        let lower = code.to_lowercase();
        crate::common::read(card(
            reqwest::Method::GET,
            "/api/v1/gift-card",
            &lower,
            None,
        ))
        .await
        .error(403, "gift_card_pin_required");
        app.get("/api/v1/gift-card")
            .await
            .error(422, "missing_field");
        let get = || {
            card(
                reqwest::Method::GET,
                "/api/v1/gift-card",
                &lower,
                Some(&pin),
            )
        };
        let post = |path: &str, body: &serde_json::Value| {
            card(reqwest::Method::POST, path, &lower, Some(&pin)).json(body)
        };
        let read = crate::common::read(get()).await.ok(200);
        assert_eq!(read["balance"]["total"], "200", "[{name}] {read}");
        assert_eq!(read["state"], "active", "[{name}]");
        assert!(
            read.get("code").is_none(),
            "[{name}] never the code: {read}"
        );

        let pay = json!({ "amount": "120", "currency": "CNY", "idempotency_key": "p-1", "reference": "order-1" });
        let paid = crate::common::read(post("/api/v1/gift-card/payments", &pay))
            .await
            .ok(200);
        assert_eq!(
            paid["member_id"],
            serde_json::Value::Null,
            "[{name}] {paid}"
        );
        assert_eq!(paid["balance"]["total"], "80", "[{name}] {paid}");
        let refund = json!({ "payment_id": paid["move_id"], "amount": "20", "currency": "CNY", "idempotency_key": "r-1", "reference": "return-1" });
        let back = crate::common::read(post("/api/v1/gift-card/refunds", &refund))
            .await
            .ok(200);
        assert_eq!(back["balance"]["total"], "100", "[{name}] {back}");

        let member = app.enroll("card-owner").await;
        let load = json!({ "member_id": member });
        let loaded = crate::common::read(post("/api/v1/gift-card/load", &load))
            .await
            .ok(200);
        assert_eq!(loaded["amount"], "100", "[{name}] {loaded}");
        assert_eq!(loaded["card"]["state"], "loaded", "[{name}]");
        assert_eq!(loaded["balance"]["principal"], "100", "[{name}]");
        let wallet = app
            .get(&format!("/api/v1/members/{member}/wallet"))
            .await
            .ok(200);
        assert_eq!(wallet["moves"][0]["kind"], "transfer", "[{name}] {wallet}");

        let inactive = json!({ "amount": "50", "currency": "CNY", "active": false, "reference": "shelf", "idempotency_key": "batch-2" });
        let shelf = app
            .post_admin("/api/v1/gift-cards", &inactive)
            .await
            .ok(200);
        let shelf_code = shelf["cards"][0]["code"].as_str().unwrap();
        let shelf_post = |path: &str, body: &serde_json::Value| {
            card(reqwest::Method::POST, path, shelf_code, None).json(body)
        };
        let pay_shelf = json!({ "amount": "1", "currency": "CNY", "idempotency_key": "p-2", "reference": "order-2" });
        crate::common::read(shelf_post("/api/v1/gift-card/payments", &pay_shelf))
            .await
            .error(409, "gift_card_not_active");
        let sold = crate::common::read(shelf_post("/api/v1/gift-card/activate", &json!({})))
            .await
            .ok(200);
        assert_eq!(sold["balance"]["total"], "50", "[{name}] {sold}");
        crate::common::read(shelf_post("/api/v1/gift-card/activate", &json!({})))
            .await
            .error(409, "gift_card_active");
        crate::common::read(card(
            reqwest::Method::GET,
            "/api/v1/gift-card",
            "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ",
            None,
        ))
        .await
        .error(404, "unknown_gift_card");
        // Unlocking a card its wrong PINs locked is for admin keys only.
        crate::common::read(card(
            reqwest::Method::POST,
            "/api/v1/gift-card/unlock",
            shelf_code,
            None,
        ))
        .await
        .error(403, "forbidden");
        let unlocked = crate::common::read(
            app.client
                .post(app.url("/api/v1/gift-card/unlock"))
                .bearer_auth(&app.admin_key)
                .header("X-Gift-Card-Code", shelf_code),
        )
        .await
        .ok(200);
        assert_eq!(unlocked["locked"], false, "[{name}] {unlocked}");
        app.teardown().await;
    }
}
