//! What a member earned and was given, read back on both backends: each earn's grants with
//! the basis their sentence is written from, the tier discount at checkout (preview, coupon
//! check, the purchase's record), and the data export holding all of a long history.

use super::*;
use futures_util::StreamExt;
use laurel_core::rules::{Effect, GrantBasis};
use laurel_engine::{CheckoutRequest, EXPORT_PAGE, RedeemRewardRequest, grant_sentence};
use laurel_store::MemberId;

/// A doubling rule capped at 50 a day, a fixed-points rule, gold tier (1.5×, 5% off) and a
/// ¥10 coupon; referrals without a limit.
const EARNED: &str = r#"
[[rules]]
id = "double"
name = "Double points"
effect = { multiplier = "2" }
limits = { per_member_day = 50 }

[[rules]]
id = "welcome"
name = "Welcome gift"
effect = { fixed = 20 }

[tiers]
metric = "spend"
window = "since_joining"

[[tiers.levels]]
id = "green"
name = "Green"
threshold = "0"

[[tiers.levels]]
id = "gold"
name = "Gold"
threshold = "100000"
earn_multiplier = "1.5"
discount_percent = "5"

[[rewards]]
id = "ten_off"
name = "¥10 off"
type = "amount_coupon"
amount = "10"
min_spend = "50"
cost = 1

[[rewards]]
id = "trees"
name = "Plant trees"
type = "donation"
cause = "Yunnan reforestation"
cost = 1

[referrals]
referrer_points = 3
referee_points = 2
min_purchase = "30"
"#;

fn earned() -> ProgramDefinition {
    with_rules(EARNED)
}

async fn gold(engine: &Engine, external_id: &str) -> i64 {
    let id = member(engine, external_id).await;
    let request = laurel_engine::AssignTierRequest {
        member_id: id,
        tier: "gold".into(),
        reason: "test".into(),
        until: None,
    };
    engine.assign_tier(request, "key:admin1").await.unwrap();
    id
}

#[tokio::test]
async fn an_earn_in_the_ledger_reads_back_each_grant_with_its_basis_and_sentence_in_order() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, earned()).await;
        let id = gold(&engine, "m").await;
        let out = buy_now(&engine, id, "o-1", "128.50").await;
        let entry = entries(&engine, id).await.remove(0);
        let read: Vec<(&str, i64, Option<&str>)> = entry
            .grants
            .iter()
            .map(|g| {
                (
                    g.rule_id.as_str(),
                    g.points.get(),
                    g.capped_by.map(|k| k.as_str()),
                )
            })
            .collect();
        assert_eq!(
            read,
            vec![
                ("base", 128, None),
                ("double", 50, Some("per_member_day")),
                ("welcome", 20, None),
                ("tier:gold", 64, None),
            ],
            "[{name}] the grants in the order granted"
        );
        let definition = engine.definition();
        let sentences: Vec<String> = entry
            .grants
            .iter()
            .map(|g| grant_sentence(&definition.program, g))
            .collect();
        let answered: Vec<String> = out
            .earned
            .grants
            .iter()
            .map(|g| g.explanation.clone())
            .collect();
        assert_eq!(
            sentences, answered,
            "[{name}] the ledger says what the purchase said"
        );
        assert_eq!(
            entry.grants[1].basis(2),
            Some(GrantBasis::Rule {
                name: "Double points".into(),
                effect: Effect::Multiplier(dec("2")),
                spend: Some(dec("128.50")),
                base: Some(Points(128)),
            }),
            "[{name}]"
        );
        assert_eq!(
            entry.grants[3].basis(2),
            Some(GrantBasis::Tier {
                name: "Gold".into(),
                multiplier: dec("1.5"),
                base: Points(128),
            }),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_referrers_bonus_reads_back_with_whom_they_referred() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, earned()).await;
        let amy = engine.enroll(enroll_request("amy")).await.unwrap();
        let code = amy.profile.referral_code.unwrap();
        let request = EnrollRequest {
            referral_code: Some(code),
            ..enroll_request("bo")
        };
        let bo = engine.enroll(request).await.unwrap().id.0;
        buy_now(&engine, bo, "o-1", "40.00").await;
        let bonus = entries(&engine, amy.id.0).await.remove(0);
        assert_eq!(
            bonus.grants[0].basis(2),
            Some(GrantBasis::ReferralBonus {
                referee: "bo".into()
            }),
            "[{name}]"
        );
        let welcome = entries(&engine, bo).await.remove(0);
        let last = welcome.grants.last().unwrap();
        assert_eq!(last.basis(2), Some(GrantBasis::ReferralWelcome), "[{name}]");
        assert_eq!(
            grant_sentence(&engine.definition().program, last),
            "Referral welcome bonus: +2",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

fn basket(total: &str) -> CheckoutRequest {
    CheckoutRequest {
        channel: Channel::Pos,
        store: Some("shop-1".into()),
        currency: "CNY".into(),
        total: dec(total),
        lines: Vec::new(),
    }
}

#[tokio::test]
async fn a_gold_members_tier_discount_is_previewed_checked_after_a_coupon_and_recorded_with_the_purchase()
 {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, earned()).await;
        let id = gold(&engine, "m").await;
        let green = member(&engine, "g").await;
        let mut order = purchase_request(id, "o-1", "123.45");
        order.occurred_at = Timestamp::now();
        let preview = engine.preview(order.clone()).await.unwrap();
        assert_eq!(
            preview.tier_discount,
            dec("6.17"),
            "[{name}] 5%, rounded down"
        );
        let bought = engine.purchase(order.clone()).await.unwrap();
        assert_eq!(bought.tier_discount, dec("6.17"), "[{name}]");
        let stored = engine
            .store()
            .purchase(PurchaseId(bought.purchase_id))
            .await;
        assert_eq!(
            stored.unwrap().unwrap().tier_discount_minor,
            617,
            "[{name}] recorded with the purchase"
        );
        let again = engine.purchase(order).await.unwrap();
        assert_eq!(
            again.tier_discount,
            dec("6.17"),
            "[{name}] a retry answers the same"
        );

        let mut plain = purchase_request(green, "o-2", "123.45");
        plain.occurred_at = Timestamp::now();
        let preview = engine.preview(plain.clone()).await.unwrap();
        assert_eq!(
            preview.tier_discount,
            Decimal::ZERO,
            "[{name}] green has none"
        );
        assert_eq!(
            engine.purchase(plain).await.unwrap().tier_discount,
            Decimal::ZERO
        );

        let redeemed = engine
            .redeem_reward(RedeemRewardRequest {
                partner: None,
                member_id: id,
                reward_id: "ten_off".into(),
                quantity: 1,
                idempotency_key: "r-1".into(),
            })
            .await
            .unwrap();
        let code = redeemed.redemption.coupons[0].code.clone();
        let check = engine.check_coupon(&code, basket("88.00")).await.unwrap();
        assert_eq!(check.verdict, Ok(dec("10")), "[{name}]");
        assert_eq!(
            check.tier_discount,
            dec("3.9"),
            "[{name}] 5% of the 78.00 left after the coupon"
        );
        let below = engine.check_coupon(&code, basket("40.00")).await.unwrap();
        assert!(below.verdict.is_err(), "[{name}]");
        assert_eq!(
            below.tier_discount,
            dec("2"),
            "[{name}] no coupon: 5% of all"
        );

        let mut with_coupon = purchase_request(id, "o-3", "88.00");
        with_coupon.occurred_at = Timestamp::now();
        let preview = engine.preview(with_coupon).await.unwrap();
        assert_eq!(preview.coupons.len(), 1, "[{name}]");
        assert_eq!(preview.coupons[0].tier_discount, dec("3.9"), "[{name}]");
        finish(name, engine).await;
    }
}

/// More than a page of each list.
const MANY: usize = EXPORT_PAGE as usize + 5;

#[tokio::test]
async fn a_members_export_holds_all_of_their_history_past_a_page_of_each() {
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, earned()).await);
        let amy = engine.enroll(enroll_request("amy")).await.unwrap();
        let id = amy.id.0;
        let code = amy.profile.referral_code.clone().unwrap();
        let mut writes = Vec::new();
        for i in 0..MANY {
            let engine = Arc::clone(&engine);
            let code = code.clone();
            writes.push(tokio::spawn(async move {
                let mut order = purchase_request(id, &format!("o-{i}"), "10.00");
                order.occurred_at = Timestamp::now();
                engine.purchase(order).await.unwrap();
                let request = EnrollRequest {
                    referral_code: Some(code),
                    ..enroll_request(&format!("friend-{i}"))
                };
                engine.enroll(request).await.unwrap();
            }));
        }
        for w in writes {
            w.await.unwrap();
        }
        // Donations: each one a redemption, final at once.
        let mut redeems = Vec::new();
        for i in 0..MANY {
            let engine = Arc::clone(&engine);
            redeems.push(tokio::spawn(async move {
                let request = RedeemRewardRequest {
                    partner: None,
                    member_id: id,
                    reward_id: "trees".into(),
                    quantity: 1,
                    idempotency_key: format!("r-{i}"),
                };
                engine.redeem_reward(request).await.unwrap();
            }));
        }
        for r in redeems {
            r.await.unwrap();
        }
        // Straight to the store: the portal lets a member report five a day.
        for i in 0..MANY {
            engine
                .store()
                .insert_member_report(
                    MemberId(id),
                    "problem",
                    &format!("report {i}"),
                    Timestamp::now(),
                )
                .await
                .unwrap();
        }

        let pieces: Vec<String> = engine
            .export(id)
            .map(|piece| piece.unwrap())
            .collect()
            .await;
        assert!(pieces.len() > 10, "[{name}] streamed in pieces, not whole");
        let document: serde_json::Value = serde_json::from_str(&pieces.concat())
            .unwrap_or_else(|e| panic!("[{name}] the export is one JSON document: {e}"));
        let count = |key: &str| document[key].as_array().map(Vec::len);
        assert_eq!(count("purchases"), Some(MANY), "[{name}]");
        assert_eq!(count("redemptions"), Some(MANY), "[{name}]");
        assert_eq!(count("referrals_made"), Some(MANY), "[{name}]");
        assert_eq!(count("reports"), Some(MANY), "[{name}]");
        assert_eq!(
            count("ledger"),
            Some(2 * MANY),
            "[{name}] an earn per purchase, a debit per redemption"
        );
        assert_eq!(document["member"]["external_id"], "amy", "[{name}]");
        let orders: std::collections::BTreeSet<&str> = document["purchases"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["order_id"].as_str())
            .collect();
        assert_eq!(orders.len(), MANY, "[{name}] each purchase once");
        assert_eq!(
            document["ledger"][0]["kind"], "redeem",
            "[{name}] newest first"
        );
        finish(name, unshare(engine)).await;
    }
}
