//! Bad input is rejected whole: a 4xx (never a 500) with a JSON error code and a message that
//! names the field, and nothing stored changes.

use crate::common::{TestApp, days_ago, just_now, read, spawn_app};
use laurel_testkit::backends;
use reqwest::Method;
use serde_json::{Value, json};

/// What a bad request sends.
enum Body {
    None,
    Json(Value),
    Raw {
        bytes: Vec<u8>,
        content_type: Option<&'static str>,
    },
}

struct Case {
    what: &'static str,
    method: Method,
    path: String,
    body: Body,
    status: u16,
    code: &'static str,
    /// Text the message must contain: the field, or the offending value.
    mentions: Option<&'static str>,
}

fn case(
    what: &'static str,
    method: Method,
    path: impl Into<String>,
    body: Body,
    status: u16,
    code: &'static str,
    mentions: Option<&'static str>,
) -> Case {
    Case {
        what,
        method,
        path: path.into(),
        body,
        status,
        code,
        mentions,
    }
}

fn with(base: &Value, key: &str, value: Value) -> Body {
    let mut body = base.clone();
    body[key] = value;
    Body::Json(body)
}

fn without(base: &Value, key: &str) -> Body {
    let mut body = base.clone();
    body.as_object_mut().unwrap().remove(key);
    Body::Json(body)
}

fn raw(text: &str) -> Body {
    Body::Raw {
        bytes: text.as_bytes().to_vec(),
        content_type: Some("application/json"),
    }
}

fn cases(member: i64, purchase: i64) -> Vec<Case> {
    let purchase_body = json!({
        "member_id": member, "order_id": "bad-order", "channel": "pos", "currency": "CNY",
        "total": "10.00", "occurred_at": just_now(),
    });
    let line = |quantity: Value, unit_price: Value| json!([{ "sku": "mug", "quantity": quantity, "unit_price": unit_price }]);
    let enroll_body = json!({ "external_id": "bad-enroll", "birthday": "1990-05-17", "channel": "app", "email": "a@b.c" });
    let redeem_body =
        json!({ "points": 5, "idempotency_key": "bad-redeem", "reference": "reward" });
    let refund_body = json!({ "refund_id": "bad-refund" });
    let purchases = "/api/v1/purchases".to_owned();
    let members = "/api/v1/members".to_owned();
    let redemptions = format!("/api/v1/members/{member}/redemptions");
    let refunds = format!("/api/v1/purchases/{purchase}/refunds");
    let post = Method::POST;
    let mut out = vec![
        // Purchases.
        case(
            "malformed JSON",
            post.clone(),
            &purchases,
            raw(r#"{"member_id": 1, "order_id": "#),
            400,
            "malformed_json",
            None,
        ),
        case(
            "trailing garbage",
            post.clone(),
            &purchases,
            raw(&format!("{purchase_body} x")),
            400,
            "malformed_json",
            None,
        ),
        case(
            "a JSON array",
            post.clone(),
            &purchases,
            raw("[]"),
            422,
            "invalid_body",
            None,
        ),
        case(
            "JSON null",
            post.clone(),
            &purchases,
            raw("null"),
            422,
            "invalid_body",
            None,
        ),
        case(
            "wrong-typed member_id",
            post.clone(),
            &purchases,
            with(&purchase_body, "member_id", json!("one")),
            422,
            "invalid_body",
            Some("member_id"),
        ),
        case(
            "wrong-typed lines",
            post.clone(),
            &purchases,
            with(&purchase_body, "lines", json!("mug")),
            422,
            "invalid_body",
            Some("lines"),
        ),
        case(
            "missing order_id",
            post.clone(),
            &purchases,
            without(&purchase_body, "order_id"),
            422,
            "invalid_body",
            Some("order_id"),
        ),
        case(
            "missing currency",
            post.clone(),
            &purchases,
            without(&purchase_body, "currency"),
            422,
            "invalid_body",
            Some("currency"),
        ),
        case(
            "missing total",
            post.clone(),
            &purchases,
            without(&purchase_body, "total"),
            422,
            "invalid_body",
            Some("total"),
        ),
        case(
            "unknown field",
            post.clone(),
            &purchases,
            with(&purchase_body, "discount", json!(5)),
            422,
            "invalid_body",
            Some("discount"),
        ),
        case(
            "negative total",
            post.clone(),
            &purchases,
            with(&purchase_body, "total", json!("-5.00")),
            422,
            "invalid_amount",
            Some("total"),
        ),
        case(
            "negative number total",
            post.clone(),
            &purchases,
            with(&purchase_body, "total", json!(-5)),
            422,
            "invalid_amount",
            Some("total"),
        ),
        case(
            "3-decimal CNY total",
            post.clone(),
            &purchases,
            with(&purchase_body, "total", json!("10.005")),
            422,
            "invalid_amount",
            Some("total"),
        ),
        case(
            "3-decimal CNY number",
            post.clone(),
            &purchases,
            with(&purchase_body, "total", json!(10.005)),
            422,
            "invalid_amount",
            Some("total"),
        ),
        case(
            "non-numeric total",
            post.clone(),
            &purchases,
            with(&purchase_body, "total", json!("ten")),
            422,
            "invalid_body",
            Some("total"),
        ),
        case(
            "total past any i64 of minor units",
            post.clone(),
            &purchases,
            with(
                &purchase_body,
                "total",
                json!("79228162514264337593543950335"),
            ),
            422,
            "invalid_amount",
            Some("total"),
        ),
        case(
            "total beyond a decimal",
            post.clone(),
            &purchases,
            with(&purchase_body, "total", json!(1e30)),
            422,
            "invalid_body",
            Some("total"),
        ),
        case(
            "unknown currency",
            post.clone(),
            &purchases,
            with(&purchase_body, "currency", json!("XYZ")),
            422,
            "unknown_currency",
            Some("currency"),
        ),
        case(
            "another valid currency",
            post.clone(),
            &purchases,
            with(&purchase_body, "currency", json!("USD")),
            422,
            "currency_mismatch",
            Some("currency"),
        ),
        case(
            "bad occurred_at",
            post.clone(),
            &purchases,
            with(&purchase_body, "occurred_at", json!("yesterday")),
            422,
            "invalid_date",
            Some("occurred_at"),
        ),
        case(
            "occurred_at without offset",
            post.clone(),
            &purchases,
            with(&purchase_body, "occurred_at", json!("2026-01-01T10:00:00")),
            422,
            "invalid_date",
            Some("occurred_at"),
        ),
        case(
            "occurred_at in the future",
            post.clone(),
            &purchases,
            with(&purchase_body, "occurred_at", json!("2999-01-01T00:00:00Z")),
            422,
            "invalid_date",
            Some("occurred_at"),
        ),
        case(
            "occurred_at in year 0",
            post.clone(),
            &purchases,
            with(&purchase_body, "occurred_at", json!("0000-01-01T00:00:00Z")),
            422,
            "backdated_too_far",
            Some("occurred_at"),
        ),
        case(
            "occurred_at past the backdating window",
            post.clone(),
            &purchases,
            with(&purchase_body, "occurred_at", json!(days_ago(31))),
            422,
            "backdated_too_far",
            Some("30 days"),
        ),
        case(
            "a NUL in order_id",
            post.clone(),
            &purchases,
            with(&purchase_body, "order_id", json!("o\u{0}1")),
            422,
            "invalid_field",
            Some("order_id"),
        ),
        case(
            "a NUL in a line's sku",
            post.clone(),
            &purchases,
            with(
                &purchase_body,
                "lines",
                json!([{ "sku": "mu\u{0}g", "quantity": 1, "unit_price": "10.00" }]),
            ),
            422,
            "invalid_field",
            Some("lines[0].sku"),
        ),
        case(
            "an escape sequence in store",
            post.clone(),
            &purchases,
            with(&purchase_body, "store", json!("SH\u{1b}[31m")),
            422,
            "invalid_field",
            Some("store"),
        ),
        case(
            "a line break in order_id",
            post.clone(),
            &purchases,
            with(&purchase_body, "order_id", json!("o-1\nDROP")),
            422,
            "invalid_field",
            Some("order_id"),
        ),
        case(
            "an unpaired surrogate in order_id",
            post.clone(),
            &purchases,
            raw(&purchase_body.to_string().replace("bad-order", "bad\\ud800")),
            400,
            "malformed_json",
            Some("order_id"),
        ),
        case(
            "a NUL in external_id",
            post.clone(),
            &members,
            with(&enroll_body, "external_id", json!("bad\u{0}enroll")),
            422,
            "invalid_field",
            Some("external_id"),
        ),
        case(
            "a NUL in a name",
            post.clone(),
            &members,
            with(&enroll_body, "name", json!("Wang\u{0}Fang")),
            422,
            "invalid_field",
            Some("name"),
        ),
        case(
            "a NUL in an attribute key",
            post.clone(),
            &members,
            with(&enroll_body, "attributes", json!({ "seg\u{0}ment": "a" })),
            422,
            "invalid_field",
            Some("attributes"),
        ),
        case(
            "a NUL in an attribute value",
            post.clone(),
            &members,
            with(
                &enroll_body,
                "attributes",
                json!({ "segment": "stu\u{0}dent" }),
            ),
            422,
            "invalid_field",
            Some("attributes.segment"),
        ),
        case(
            "a NUL in a redemption reference",
            post.clone(),
            &redemptions,
            with(&redeem_body, "reference", json!("re\u{0}ward")),
            422,
            "invalid_field",
            Some("reference"),
        ),
        case(
            "a NUL in a refund id",
            post.clone(),
            &refunds,
            with(&refund_body, "refund_id", json!("bad\u{0}refund")),
            422,
            "invalid_field",
            Some("refund_id"),
        ),
        case(
            "unknown channel",
            post.clone(),
            &purchases,
            with(&purchase_body, "channel", json!("fax")),
            422,
            "invalid_field",
            Some("channel"),
        ),
        case(
            "empty order_id",
            post.clone(),
            &purchases,
            with(&purchase_body, "order_id", json!("")),
            422,
            "missing_field",
            Some("order_id"),
        ),
        case(
            "overlong order_id",
            post.clone(),
            &purchases,
            with(&purchase_body, "order_id", json!("o".repeat(201))),
            422,
            "invalid_field",
            Some("order_id"),
        ),
        case(
            "zero line quantity",
            post.clone(),
            &purchases,
            with(&purchase_body, "lines", line(json!(0), json!("1.00"))),
            422,
            "invalid_amount",
            Some("lines[0].quantity"),
        ),
        case(
            "3-decimal unit price",
            post.clone(),
            &purchases,
            with(&purchase_body, "lines", line(json!(1), json!("1.001"))),
            422,
            "invalid_amount",
            Some("lines[0].unit_price"),
        ),
        case(
            "negative unit price",
            post.clone(),
            &purchases,
            with(&purchase_body, "lines", line(json!(1), json!("-1.00"))),
            422,
            "invalid_amount",
            Some("lines[0].unit_price"),
        ),
        // Enrollment.
        case(
            "bad birthday",
            post.clone(),
            &members,
            with(&enroll_body, "birthday", json!("1990-13-45")),
            422,
            "invalid_date",
            Some("birthday"),
        ),
        case(
            "birthday in another format",
            post.clone(),
            &members,
            with(&enroll_body, "birthday", json!("17/05/1990")),
            422,
            "invalid_date",
            Some("birthday"),
        ),
        case(
            "more than 50 member attributes",
            post.clone(),
            &members,
            with(
                &enroll_body,
                "attributes",
                serde_json::Value::Object(
                    (0..=50).map(|i| (format!("k{i}"), json!("v"))).collect(),
                ),
            ),
            422,
            "invalid_field",
            Some("attributes"),
        ),
        case(
            "a non-string member attribute",
            post.clone(),
            &members,
            with(&enroll_body, "attributes", json!({ "age": 20 })),
            422,
            "invalid_body",
            None,
        ),
        case(
            "unknown enroll channel",
            post.clone(),
            &members,
            with(&enroll_body, "channel", json!("fax")),
            422,
            "invalid_field",
            Some("channel"),
        ),
        case(
            "bad email",
            post.clone(),
            &members,
            with(&enroll_body, "email", json!("not-an-email")),
            422,
            "invalid_field",
            Some("email"),
        ),
        case(
            "missing external_id",
            post.clone(),
            &members,
            without(&enroll_body, "external_id"),
            422,
            "invalid_body",
            Some("external_id"),
        ),
        case(
            "numeric external_id",
            post.clone(),
            &members,
            with(&enroll_body, "external_id", json!(42)),
            422,
            "invalid_body",
            Some("external_id"),
        ),
        case(
            "blank external_id",
            post.clone(),
            &members,
            with(&enroll_body, "external_id", json!("   ")),
            422,
            "missing_field",
            Some("external_id"),
        ),
        // Redemptions.
        case(
            "zero points",
            post.clone(),
            &redemptions,
            with(&redeem_body, "points", json!(0)),
            422,
            "invalid_amount",
            Some("points"),
        ),
        case(
            "negative points",
            post.clone(),
            &redemptions,
            with(&redeem_body, "points", json!(-5)),
            422,
            "invalid_amount",
            Some("points"),
        ),
        case(
            "string points",
            post.clone(),
            &redemptions,
            with(&redeem_body, "points", json!("ten")),
            422,
            "invalid_body",
            Some("points"),
        ),
        case(
            "fractional points",
            post.clone(),
            &redemptions,
            with(&redeem_body, "points", json!(1.5)),
            422,
            "invalid_body",
            Some("points"),
        ),
        case(
            "points past i64",
            post.clone(),
            &redemptions,
            with(&redeem_body, "points", json!(9_223_372_036_854_775_808_u64)),
            422,
            "invalid_body",
            Some("points"),
        ),
        case(
            "missing idempotency_key",
            post.clone(),
            &redemptions,
            without(&redeem_body, "idempotency_key"),
            422,
            "invalid_body",
            Some("idempotency_key"),
        ),
        case(
            "empty reference",
            post.clone(),
            &redemptions,
            with(&redeem_body, "reference", json!("")),
            422,
            "missing_field",
            Some("reference"),
        ),
        // Refunds.
        case(
            "negative refund amount",
            post.clone(),
            &refunds,
            with(&refund_body, "amount", json!("-1.00")),
            422,
            "invalid_amount",
            Some("amount"),
        ),
        case(
            "zero refund amount",
            post.clone(),
            &refunds,
            with(&refund_body, "amount", json!("0")),
            422,
            "invalid_amount",
            Some("amount"),
        ),
        case(
            "3-decimal refund amount",
            post.clone(),
            &refunds,
            with(&refund_body, "amount", json!("1.001")),
            422,
            "invalid_amount",
            Some("amount"),
        ),
        case(
            "amount and lines",
            post.clone(),
            &refunds,
            Body::Json(
                json!({ "refund_id": "x", "amount": "1.00", "lines": [{ "line": 0, "quantity": 1 }] }),
            ),
            422,
            "invalid_field",
            Some("amount"),
        ),
        case(
            "no lines",
            post.clone(),
            &refunds,
            with(&refund_body, "lines", json!([])),
            422,
            "missing_field",
            Some("lines"),
        ),
        case(
            "zero refund quantity",
            post.clone(),
            &refunds,
            with(&refund_body, "lines", json!([{ "line": 0, "quantity": 0 }])),
            422,
            "invalid_amount",
            Some("lines[0].quantity"),
        ),
        case(
            "non-numeric purchase id",
            post.clone(),
            "/api/v1/purchases/abc/refunds",
            Body::Json(refund_body.clone()),
            400,
            "invalid_path",
            Some("abc"),
        ),
        // Transport.
        case(
            "text/plain body",
            post.clone(),
            &purchases,
            Body::Raw {
                bytes: purchase_body.to_string().into_bytes(),
                content_type: Some("text/plain"),
            },
            415,
            "unsupported_media_type",
            None,
        ),
        case(
            "invalid UTF-8",
            post.clone(),
            &members,
            Body::Raw {
                bytes: b"{\"external_id\": \"bad-enroll\xff\"}".to_vec(),
                content_type: Some("application/json"),
            },
            400,
            "malformed_json",
            None,
        ),
        case(
            "duplicate field",
            post.clone(),
            &redemptions,
            raw(
                r#"{"points": 1, "points": 1000, "idempotency_key": "bad-redeem", "reference": "r"}"#,
            ),
            422,
            "invalid_body",
            Some("points"),
        ),
        case(
            "no content type",
            post.clone(),
            &redemptions,
            Body::Raw {
                bytes: redeem_body.to_string().into_bytes(),
                content_type: None,
            },
            415,
            "unsupported_media_type",
            None,
        ),
        case(
            "non-numeric member id",
            Method::GET,
            "/api/v1/members/abc",
            Body::None,
            400,
            "invalid_path",
            Some("abc"),
        ),
        case(
            "non-numeric member id (balance)",
            Method::GET,
            "/api/v1/members/abc/balance",
            Body::None,
            400,
            "invalid_path",
            Some("abc"),
        ),
        case(
            "non-numeric member id (redemption)",
            post.clone(),
            "/api/v1/members/1x/redemptions",
            Body::Json(redeem_body.clone()),
            400,
            "invalid_path",
            Some("1x"),
        ),
        case(
            "member id past i64",
            Method::GET,
            "/api/v1/members/99999999999999999999/ledger",
            Body::None,
            400,
            "invalid_path",
            None,
        ),
        case(
            "unknown route",
            Method::GET,
            "/api/v1/nope",
            Body::None,
            404,
            "not_found",
            None,
        ),
        case(
            "unknown route outside the API",
            post.clone(),
            "/admin/secret",
            Body::Json(json!({})),
            404,
            "not_found",
            None,
        ),
        case(
            "wrong method",
            Method::DELETE,
            format!("/api/v1/members/{member}"),
            Body::None,
            405,
            "method_not_allowed",
            None,
        ),
    ];
    // A body over 256 KiB; everything else about it is valid.
    let mut huge = purchase_body.clone();
    huge["store"] = json!("s".repeat(300 * 1024));
    out.push(case(
        "body over 256 KiB",
        post,
        &purchases,
        Body::Raw {
            bytes: huge.to_string().into_bytes(),
            content_type: Some("application/json"),
        },
        413,
        "payload_too_large",
        None,
    ));
    out
}

/// What must not change.
async fn snapshot(app: &TestApp, member: i64) -> (Value, Vec<Value>, Value) {
    let doc = app.get(&format!("/api/v1/members/{member}")).await.ok(200);
    (app.balance(member).await, app.ledger(member).await, doc)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_rejected_whole_with_a_stable_code_and_changes_nothing() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("target").await;
        let purchase = app.purchase(member, "o-1", "100.00").await["purchase_id"]
            .as_i64()
            .unwrap();
        let before = snapshot(&app, member).await;
        let postings = app
            .engine
            .store()
            .check_consistency()
            .await
            .unwrap()
            .postings;
        for c in cases(member, purchase) {
            let mut request = app
                .client
                .request(c.method.clone(), app.url(&c.path))
                .bearer_auth(&app.pos_key);
            request = match c.body {
                Body::None => request,
                Body::Json(body) => request.json(&body),
                Body::Raw {
                    bytes,
                    content_type,
                } => {
                    let request = request.body(bytes);
                    match content_type {
                        Some(ct) => request.header("Content-Type", ct),
                        None => request,
                    }
                }
            };
            let resp = read(request).await;
            assert!(
                (400..500).contains(&resp.status),
                "[{name}] {}: a client error, never {}: {}",
                c.what,
                resp.status,
                resp.text()
            );
            assert_eq!(
                resp.status,
                c.status,
                "[{name}] {}: {}",
                c.what,
                resp.text()
            );
            let message = resp.error(c.status, c.code);
            if let Some(mentions) = c.mentions {
                assert!(
                    message.contains(mentions),
                    "[{name}] {}: the message names `{mentions}`: {message}",
                    c.what
                );
            }
            assert!(
                !message.contains("sqlx") && !message.contains("panicked"),
                "[{name}] {}: no internals: {message}",
                c.what
            );

            app.assert_consistent().await;
            assert_eq!(
                snapshot(&app, member).await,
                before,
                "[{name}] {}: nothing changed",
                c.what
            );
            let report = app.engine.store().check_consistency().await.unwrap();
            assert_eq!(
                report.postings, postings,
                "[{name}] {}: nothing was posted",
                c.what
            );
            app.get("/api/v1/members?external_id=bad-enroll")
                .await
                .error(404, "unknown_member");
        }
        // The refused requests burnt no idempotency keys: the same ids now work.
        let good = json!({ "member_id": member, "order_id": "bad-order", "channel": "pos", "currency": "CNY", "total": "10.00", "occurred_at": just_now() });
        app.post("/api/v1/purchases", &good).await.ok(200);
        let redeem = json!({ "points": 5, "idempotency_key": "bad-redeem", "reference": "reward" });
        app.post(&format!("/api/v1/members/{member}/redemptions"), &redeem)
            .await
            .ok(200);
        app.post(
            &format!("/api/v1/purchases/{purchase}/refunds"),
            &json!({ "refund_id": "bad-refund", "amount": "1.00" }),
        )
        .await
        .ok(200);
        app.post("/api/v1/members", &json!({ "external_id": "bad-enroll" }))
            .await
            .ok(201);
        assert_eq!(app.available(member).await, 100 + 10 - 5 - 1, "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_character_in_text_is_refused_on_both_backends_not_a_failed_write() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        // Valid JSON, but PostgreSQL cannot store it: it must be refused before the write.
        let refused = app
            .post(
                "/api/v1/members",
                &json!({ "external_id": "nul\u{0}member" }),
            )
            .await;
        let message = refused.error(422, "invalid_field");
        assert!(message.contains("external_id"), "[{name}] {message}");
        let member = app.enroll("nul-check").await;
        let refused = app
            .post(
                &format!("/api/v1/members/{member}/redemptions"),
                &json!({ "points": 1, "idempotency_key": "k\u{0}", "reference": "r" }),
            )
            .await;
        refused.error(422, "invalid_field");
        app.get("/api/v1/members?external_id=nul%00member")
            .await
            .error(404, "unknown_member");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_number_written_with_a_fraction_of_zero_is_an_integer_and_a_fraction_is_refused() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("whole").await;
        app.purchase(member, "whole-1", "100.00").await;
        // JSON Schema counts 15.0 as an integer; so does the server.
        let body = json!({ "points": 1.0, "reason": "whole", "idempotency_key": "w-1" });
        let path = format!("/api/v1/members/{member}/adjustments");
        let answer = app.post_admin(&path, &body).await.ok(200);
        assert_eq!(answer["points"], 1, "[{name}] {answer}");
        let body = json!({ "points": 1.5, "reason": "half", "idempotency_key": "w-2" });
        app.post_admin(&path, &body)
            .await
            .error(422, "invalid_body");
        app.teardown().await;
    }
}
