//! Redemptions, adjustments, balance and ledger.

use crate::common::{PROGRAM, ago, spawn_app, spawn_app_with};
use jiff::SignedDuration;
use laurel_testkit::backends;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redemption_draws_the_soonest_expiring_points_first() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("saver").await;
        // Recorded first but earned later: its points expire last.
        let recent = app.purchase(member, "o-recent", "30.00").await;
        let old = json!({
            "member_id": member, "order_id": "o-old", "channel": "pos", "currency": "CNY",
            "total": "20.00", "occurred_at": ago(SignedDuration::from_hours(24 * 20)),
        });
        let old = app.post("/api/v1/purchases", &old).await.ok(200);
        assert!(
            old["expires_at"].as_str() < recent["expires_at"].as_str(),
            "[{name}] {old} / {recent}"
        );

        let balance = app.balance(member).await;
        let expiries = json!([
            { "points": 20, "expires_at": old["expires_at"] },
            { "points": 30, "expires_at": recent["expires_at"] },
        ]);
        assert_eq!(balance["next_expiries"], expiries, "[{name}] soonest first");

        let body = json!({ "points": 25, "idempotency_key": "redeem-1", "reference": "reward:cake", "reason": "free cake" });
        let answer = app
            .post(&format!("/api/v1/members/{member}/redemptions"), &body)
            .await
            .ok(200);
        assert_eq!(answer["member_id"], member, "[{name}] {answer}");
        assert_eq!(answer["points"], -25, "[{name}]");
        assert_eq!(
            answer["balance"],
            json!({ "available": 25, "pending": 0 }),
            "[{name}]"
        );
        let draws = answer["draws"].as_array().unwrap();
        assert_eq!(draws.len(), 2, "[{name}] {answer}");
        assert_eq!(
            draws[0]["points"], 20,
            "[{name}] the old lot is used up first: {answer}"
        );
        assert_eq!(
            draws[1]["points"], 5,
            "[{name}] then the recent one: {answer}"
        );
        assert!(
            draws[0]["lot_id"].as_i64() > draws[1]["lot_id"].as_i64(),
            "[{name}] the old lot was opened last: {answer}"
        );

        let after = app.balance(member).await;
        assert_eq!(
            after["next_expiries"],
            json!([{ "points": 25, "expires_at": recent["expires_at"] }]),
            "[{name}]"
        );
        let entry = &app.ledger(member).await[0];
        assert_eq!(entry["id"], answer["entry_id"], "[{name}]");
        assert_eq!(entry["kind"], "redeem", "[{name}]");
        assert_eq!(entry["amount"], -25, "[{name}]");
        assert_eq!(entry["reason"], "free cake", "[{name}]");
        assert_eq!(entry["reference"], "reward:cake", "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redeeming_more_than_available_is_409_insufficient_points_and_changes_nothing() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("short").await;
        app.purchase(member, "o-1", "40.00").await;
        let before = app.balance(member).await;
        let ledger_before = app.ledger(member).await;
        let body = json!({ "points": 41, "idempotency_key": "too-much", "reference": "reward:x" });
        let message = app
            .post(&format!("/api/v1/members/{member}/redemptions"), &body)
            .await
            .error(409, "insufficient_points");
        assert!(
            message.contains("41") && message.contains("40"),
            "[{name}] says what was asked and what is there: {message}"
        );
        assert_eq!(
            app.balance(member).await,
            before,
            "[{name}] balance unchanged"
        );
        assert_eq!(
            app.ledger(member).await,
            ledger_before,
            "[{name}] ledger unchanged"
        );
        // The refused key is not burnt: the same key can be used once points suffice.
        let ok = json!({ "points": 40, "idempotency_key": "too-much", "reference": "reward:x" });
        app.post(&format!("/api/v1/members/{member}/redemptions"), &ok)
            .await
            .ok(200);
        assert_eq!(app.available(member).await, 0, "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_redemption_returns_the_same_entry_and_spends_once() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("retry").await;
        app.purchase(member, "o-1", "50.00").await;
        let path = format!("/api/v1/members/{member}/redemptions");
        let body = json!({ "points": 10, "idempotency_key": "pay-1", "reference": "order-9" });
        let first = app.post(&path, &body).await;
        let first_json = first.ok(200);
        let second = app.post(&path, &body).await;
        let second_json = second.ok(200);
        assert_eq!(first_json["entry_id"], second_json["entry_id"], "[{name}]");
        assert_eq!(first.bytes, second.bytes, "[{name}] the same answer");
        assert_eq!(app.available(member).await, 40, "[{name}] spent once");
        let redeems = app
            .ledger(member)
            .await
            .iter()
            .filter(|e| e["kind"] == "redeem")
            .count();
        assert_eq!(redeems, 1, "[{name}]");
        let changed = json!({ "points": 11, "idempotency_key": "pay-1", "reference": "order-9" });
        app.post(&path, &changed)
            .await
            .error(409, "idempotency_conflict");
        assert_eq!(app.available(member).await, 40, "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adjustment_is_applied_and_records_the_key_as_actor() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("adjusted").await;
        let path = format!("/api/v1/members/{member}/adjustments");
        let credit = app
            .post_admin(
                &path,
                &json!({ "points": 50, "reason": "goodwill", "idempotency_key": "adj-1" }),
            )
            .await
            .ok(200);
        assert_eq!(credit["points"], 50, "[{name}] {credit}");
        assert_eq!(
            credit["balance"],
            json!({ "available": 50, "pending": 0 }),
            "[{name}]"
        );
        let debit = app
            .post_admin(
                &path,
                &json!({ "points": -20, "reason": "correction", "idempotency_key": "adj-2" }),
            )
            .await
            .ok(200);
        assert_eq!(debit["points"], -20, "[{name}] {debit}");
        assert_eq!(debit["balance"]["available"], 30, "[{name}]");
        app.post_admin(
            &path,
            &json!({ "points": -31, "reason": "too much", "idempotency_key": "adj-3" }),
        )
        .await
        .error(409, "insufficient_points");

        let ledger = app.ledger(member).await;
        assert_eq!(ledger.len(), 2, "[{name}] {ledger:?}");
        let expected_actor = format!("key:{}", &app.admin_key[..16]);
        for (entry, (kind, amount, reason)) in ledger.iter().zip([
            ("adjust_debit", -20, "correction"),
            ("adjust_credit", 50, "goodwill"),
        ]) {
            assert_eq!(entry["kind"], kind, "[{name}] {entry}");
            assert_eq!(entry["amount"], amount, "[{name}] {entry}");
            assert_eq!(entry["reason"], reason, "[{name}] {entry}");
            let actor = entry["actor"]
                .as_str()
                .unwrap_or_else(|| panic!("[{name}] actor recorded: {entry}"));
            assert!(actor.starts_with("key:"), "[{name}] {actor}");
            assert_eq!(
                actor, expected_actor,
                "[{name}] the key's visible prefix, never the key"
            );
            assert!(!actor.contains(&app.admin_key), "[{name}]");
        }
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pos_key_may_not_adjust_403_forbidden() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("not-yours").await;
        let body = json!({ "points": 500, "reason": "free points", "idempotency_key": "sneaky" });
        let message = app
            .post(&format!("/api/v1/members/{member}/adjustments"), &body)
            .await
            .error(403, "forbidden");
        assert!(
            message.contains("admin"),
            "[{name}] names the scope needed: {message}"
        );
        assert_eq!(app.available(member).await, 0, "[{name}]");
        assert!(app.ledger(member).await.is_empty(), "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_key_adjusting_more_than_the_programs_admin_cap_is_403_adjustment_over_limit() {
    let program = format!("{PROGRAM}\n[staff]\nadjust_max = {{ admin = 100 }}\n");
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &program).await;
        let member = app.enroll("capped").await;
        let path = format!("/api/v1/members/{member}/adjustments");
        let body = json!({ "points": 101, "reason": "goodwill", "idempotency_key": "big" });
        let message = app
            .post_admin(&path, &body)
            .await
            .error(403, "adjustment_over_limit");
        assert!(
            message.contains("100") && message.contains("101"),
            "[{name}] names the cap and the size: {message}"
        );
        assert!(
            app.ledger(member).await.is_empty(),
            "[{name}] nothing written"
        );
        let body = json!({ "points": 100, "reason": "goodwill", "idempotency_key": "ok" });
        app.post_admin(&path, &body).await.ok(200);
        assert_eq!(app.available(member).await, 100, "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adjustment_without_a_reason_is_422() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("reasonless").await;
        let path = format!("/api/v1/members/{member}/adjustments");
        let message = app
            .post_admin(&path, &json!({ "points": 5, "idempotency_key": "a" }))
            .await
            .error(422, "invalid_body");
        assert!(message.contains("reason"), "[{name}] {message}");
        let message = app
            .post_admin(
                &path,
                &json!({ "points": 5, "reason": "  ", "idempotency_key": "b" }),
            )
            .await
            .error(422, "missing_field");
        assert!(message.contains("reason"), "[{name}] {message}");
        let message = app
            .post_admin(
                &path,
                &json!({ "points": 0, "reason": "nothing", "idempotency_key": "c" }),
            )
            .await
            .error(422, "invalid_amount");
        assert!(message.contains("points"), "[{name}] {message}");
        assert!(app.ledger(member).await.is_empty(), "[{name}]");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_balance_shows_available_pending_value_and_next_expiries() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("balanced").await;
        let empty = app.balance(member).await;
        assert_eq!(empty["available"], 0, "[{name}] {empty}");
        assert_eq!(empty["next_expiries"], json!([]), "[{name}] {empty}");

        let purchase = app.purchase(member, "o-1", "150.00").await;
        let balance = app.balance(member).await;
        assert_eq!(balance["member_id"], member, "[{name}] {balance}");
        assert_eq!(balance["available"], 150, "[{name}]");
        assert_eq!(balance["pending"], 0, "[{name}]");
        assert_eq!(balance["points_name"], "beans", "[{name}]");
        assert_eq!(
            balance["value"],
            json!({ "amount": "1.50", "currency": "CNY" }),
            "[{name}] 150 points at 0.01 CNY"
        );
        assert_eq!(
            balance["next_expiries"],
            json!([{ "points": 150, "expires_at": purchase["expires_at"] }]),
            "[{name}]"
        );
        // The member document carries the same balances.
        let doc = app.get(&format!("/api/v1/members/{member}")).await.ok(200);
        assert_eq!(
            doc["balance"],
            json!({ "available": 150, "pending": 0 }),
            "[{name}]"
        );
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_pages_newest_first_with_a_cursor() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("historian").await;
        for i in 1..=5 {
            app.purchase(member, &format!("o-{i}"), &format!("{i}.00"))
                .await;
        }
        let all = app.ledger(member).await;
        let amounts: Vec<i64> = all.iter().map(|e| e["amount"].as_i64().unwrap()).collect();
        assert_eq!(amounts, [5, 4, 3, 2, 1], "[{name}] newest first");
        for entry in &all {
            assert!(
                entry["posted_at"]
                    .as_str()
                    .unwrap()
                    .parse::<jiff::Timestamp>()
                    .is_ok(),
                "[{name}] {entry}"
            );
            assert!(
                entry["occurred_at"]
                    .as_str()
                    .unwrap()
                    .parse::<jiff::Timestamp>()
                    .is_ok(),
                "[{name}] {entry}"
            );
            assert_eq!(
                entry["available_delta"], entry["amount"],
                "[{name}] {entry}"
            );
            assert_eq!(entry["pending_delta"], 0, "[{name}] {entry}");
        }

        // Pages of two: 2, 2, 1; each cursor is the last entry shown; together they are the
        // whole ledger, newest first, each entry once.
        let mut sizes = Vec::new();
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/members/{member}/ledger?limit=2&cursor={c}"),
                None => format!("/api/v1/members/{member}/ledger?limit=2"),
            };
            let page = app.get(&path).await.ok(200);
            let entries = page["entries"].as_array().unwrap();
            sizes.push(entries.len());
            seen.extend(entries.iter().cloned());
            match page["next_cursor"].as_str() {
                Some(c) => {
                    let last = entries
                        .last()
                        .unwrap_or_else(|| panic!("[{name}] a cursor after an empty page: {page}"));
                    assert_eq!(
                        c,
                        last["id"].to_string(),
                        "[{name}] the cursor is the last entry shown: {page}"
                    );
                    cursor = Some(c.to_owned());
                }
                None => {
                    assert!(
                        page["next_cursor"].is_null(),
                        "[{name}] next_cursor is a string or null: {page}"
                    );
                    break;
                }
            }
            assert!(sizes.len() < 10, "[{name}] pagination ends");
        }
        assert_eq!(sizes, [2, 2, 1], "[{name}] five entries in pages of two");
        assert_eq!(seen, all, "[{name}]");

        // Defaults and bad parameters.
        let default = app
            .get(&format!("/api/v1/members/{member}/ledger"))
            .await
            .ok(200);
        assert_eq!(default["entries"].as_array().unwrap().len(), 5, "[{name}]");
        assert!(default["next_cursor"].is_null(), "[{name}]");
        app.get(&format!("/api/v1/members/{member}/ledger?cursor=abc"))
            .await
            .error(400, "invalid_query");
        app.get(&format!("/api/v1/members/{member}/ledger?limit=-1"))
            .await
            .error(400, "invalid_query");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adjustment_takes_a_private_note_that_the_ledger_does_not_tell() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let member = app.enroll("noted").await;
        let path = format!("/api/v1/members/{member}/adjustments");
        let body = json!({ "points": 10, "reason": "sorry", "note": "called twice\nabout the wait", "idempotency_key": "n-1" });
        app.post_admin(&path, &body).await.ok(200);
        let long = "x".repeat(501);
        let body =
            json!({ "points": 10, "reason": "sorry", "note": long, "idempotency_key": "n-2" });
        app.post_admin(&path, &body)
            .await
            .error(422, "invalid_field");
        let ledger = app.ledger(member).await;
        assert_eq!(ledger.len(), 1, "[{name}] the refused one wrote nothing");
        assert_eq!(ledger[0]["reason"], "sorry", "[{name}]");
        assert!(
            !serde_json::to_string(&ledger)
                .unwrap()
                .contains("called twice"),
            "[{name}] the note stays with staff: {ledger:?}"
        );
        app.teardown().await;
    }
}
