//! Domain events on both backends: each change a subscriber listens to is written, in its
//! documented shape, in the transaction of its cause; nothing is written for a kind nobody
//! listens to, for a refused command, or after the subscription is deleted.

use super::*;
use laurel_core::events::EventKind;
use laurel_engine::{ApplyProgram, CreateWebhook, CreatedWebhook, RedeemRewardRequest};
use serde_json::Value;

/// Two tiers, referrals and two rewards: enough for every kind of event.
const EVERYTHING: &str = r#"
[referrals]
referrer_points = 300
referee_points = 200
min_purchase = "30"
within_days = 30

[[rewards]]
id = "ten_off"
name = "¥10 off"
type = "amount_coupon"
amount = "10"
cost = 100
valid_days = 30

[[rewards]]
id = "mug"
name = "Laurel mug"
type = "physical_gift"
cost = 200
"#;

pub(super) async fn subscribe(engine: &Engine, kinds: &[EventKind]) -> CreatedWebhook {
    engine
        .create_webhook(CreateWebhook {
            url: "https://crm.example/hooks/laurel".into(),
            event_types: kinds.iter().map(|k| k.as_str().to_owned()).collect(),
            description: None,
        })
        .await
        .unwrap()
}

/// The events written and not yet fanned out, as (type, document).
pub(super) async fn written(engine: &Engine) -> Vec<(String, Value)> {
    let mut tx = engine.store().begin().await.unwrap();
    let events = tx.waiting_events(1_000).await.unwrap();
    tx.commit().await.unwrap();
    events
        .into_iter()
        .map(|e| {
            let doc: Value = serde_json::from_str(&e.payload).unwrap();
            assert_eq!(doc["type"], e.kind.as_str(), "{doc}");
            (e.kind, doc)
        })
        .collect()
}

fn reward(member_id: i64, reward_id: &str, key: &str) -> RedeemRewardRequest {
    RedeemRewardRequest {
        partner: None,
        member_id,
        reward_id: reward_id.into(),
        quantity: 1,
        idempotency_key: key.into(),
    }
}

#[tokio::test]
async fn every_change_a_subscriber_listens_to_is_written_in_its_documented_shape() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(&format!("{TWO_TIERS}{EVERYTHING}"))).await;
        subscribe(&engine, EventKind::ALL).await;

        let amy = engine.enroll(enroll_request("amy")).await.unwrap();
        let code = amy.profile.referral_code.clone().unwrap();
        let bob = engine
            .enroll(EnrollRequest {
                referral_code: Some(code),
                ..enroll_request("bob")
            })
            .await
            .unwrap();
        let (amy, bob) = (amy.id.0, bob.id.0);
        let bought = buy_now(&engine, bob, "B-1", "1200").await;
        let coupon = engine
            .redeem_reward(reward(bob, "ten_off", "r-1"))
            .await
            .unwrap();
        let code = coupon.redemption.coupons[0].code.clone();
        engine
            .consume_coupon(laurel_engine::ConsumeCouponRequest {
                code: code.clone(),
                order_id: "B-2".into(),
                checkout: laurel_engine::CheckoutRequest {
                    channel: Channel::Pos,
                    store: None,
                    currency: "CNY".into(),
                    total: dec("60"),
                    lines: vec![],
                },
            })
            .await
            .unwrap();
        let mug = engine
            .redeem_reward(reward(bob, "mug", "r-2"))
            .await
            .unwrap();
        engine
            .cancel_redemption(mug.redemption.redemption_id, "staff:ann@example.com")
            .await
            .unwrap();
        engine
            .adjust(credit(amy, 5, "goodwill-1"), "staff:ann@example.com")
            .await
            .unwrap();
        engine
            .refund(refund_request(
                bought.purchase_id,
                "RF-1",
                RefundScope::Amount(dec("100")),
            ))
            .await
            .unwrap();
        engine
            .set_suspended(amy, true, "staff:ann@example.com")
            .await
            .unwrap();
        engine
            .set_suspended(amy, false, "staff:ann@example.com")
            .await
            .unwrap();
        let text = format!("{PROGRAM}{TWO_TIERS}{EVERYTHING}")
            .replace(ONE_PER_YUAN.0, ONE_PER_YUAN.1)
            .replace("Laurel Test Rewards", "Laurel Test Rewards II");
        engine
            .apply_program(
                ApplyProgram {
                    text,
                    effective_from: None,
                    note: None,
                    dry_run: false,
                },
                "key:abc",
            )
            .await
            .unwrap();

        let events = written(&engine).await;
        let types: Vec<&str> = events.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            types,
            [
                "tier.changed",    // amy starts green
                "member.enrolled", // amy
                "tier.changed",    // bob starts green
                "member.enrolled", // bob, referred
                "points.earned",   // bob's purchase, with his welcome
                "points.earned",   // amy's referral points…
                "referral.paid",   // …for bob's purchase
                "tier.changed",    // bob reaches gold
                "points.redeemed", // the coupon's cost
                "reward.redeemed",
                "coupon.used",
                "points.redeemed", // the mug's cost
                "reward.redeemed",
                "points.restored", // the mug cancelled
                "points.adjusted",
                "points.reversed", // the refund
                "member.suspended",
                "member.reactivated",
                "program.applied",
            ],
            "[{name}]"
        );
        let doc = |i: usize| &events[i].1["data"];
        assert_eq!(doc(3)["member"]["external_id"], "bob", "[{name}]");
        assert_eq!(doc(3)["referred"], true, "[{name}]");
        assert_eq!(
            doc(4)["available_change"],
            1400,
            "[{name}] 1,200 and the welcome 200"
        );
        assert_eq!(doc(4)["posting"], "earn", "[{name}]");
        assert_eq!(doc(6)["member"]["id"], amy, "[{name}]");
        assert_eq!(doc(6)["friend"]["external_id"], "bob", "[{name}]");
        assert_eq!(doc(6)["points"], 300, "[{name}]");
        assert_eq!(
            (doc(7)["from"].clone(), doc(7)["to"].clone()),
            ("green".into(), "gold".into())
        );
        assert_eq!(doc(7)["reason"], "qualified", "[{name}]");
        assert_eq!(doc(8)["available_change"], -100, "[{name}]");
        assert_eq!(doc(9)["reward"], "ten_off", "[{name}]");
        assert_eq!(doc(9)["coupons"], serde_json::json!([code]), "[{name}]");
        assert_eq!(doc(10)["order"], "pos:B-2", "[{name}]");
        assert_eq!(doc(13)["available_change"], 200, "[{name}]");
        assert_eq!(doc(14)["posting"], "adjust_credit", "[{name}]");
        assert_eq!(doc(14)["reason"], "goodwill", "[{name}]");
        assert_eq!(
            doc(15)["available_change"],
            -116,
            "[{name}] a twelfth of the 1,400 the purchase earned, rounded down"
        );
        assert_eq!(doc(16)["actor"], "staff:ann@example.com", "[{name}]");
        assert_eq!(doc(16)["status"], "suspended", "[{name}]");
        assert_eq!(doc(18)["version"], 1, "[{name}]");
        assert_eq!(doc(18)["actor"], "key:abc", "[{name}]");
        for (kind, event) in &events {
            assert!(event["timestamp"].is_string(), "[{name}] {kind}: {event}");
        }
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn nothing_is_written_unlistened_refused_or_after_the_subscription_is_deleted() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules("")).await;
        let amy = member(&engine, "amy").await;
        buy(&engine, amy, "A-1", "50").await;
        assert!(written(&engine).await.is_empty(), "[{name}] nobody listens");

        let hook = subscribe(&engine, &[EventKind::PointsRedeemed]).await;
        buy(&engine, amy, "A-2", "50").await;
        let refused = engine.redeem(redeem_request(amy, 1_000, "too-much")).await;
        assert_eq!(code(refused), "insufficient_points", "[{name}]");
        assert!(
            written(&engine).await.is_empty(),
            "[{name}] earning is not listened to; a refused redemption writes nothing"
        );
        engine
            .redeem(redeem_request(amy, 30, "coffee"))
            .await
            .unwrap();
        let events = written(&engine).await;
        assert_eq!(events.len(), 1, "[{name}]");
        assert_eq!(events[0].1["data"]["available"], 70, "[{name}]");

        engine.delete_webhook(hook.webhook.id).await.unwrap();
        engine.redeem(redeem_request(amy, 30, "tea")).await.unwrap();
        assert_eq!(
            written(&engine).await.len(),
            1,
            "[{name}] nothing more once deleted"
        );
        let gone = engine.delete_webhook(hook.webhook.id).await;
        assert_eq!(code(gone), "unknown_webhook", "[{name}]");
        finish(name, engine).await;
    }
}
