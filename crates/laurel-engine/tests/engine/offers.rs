//! Personal offers on both backends: over a café with categories, rules, tiers and rewards, a
//! member's buying, points, tier and coupons decide what ranks first, and why — in words and
//! as data; what they cannot take up is never offered.

use super::*;
use laurel_core::offers::OfferReason;
use laurel_core::tiers::TierMetric;
use laurel_engine::{
    CheckoutRequest, ConsumeCouponRequest, EventRequest, LineRequest, RedeemRewardRequest,
};

/// [`TWO_TIERS`] (spend since joining: gold from 1000), bonuses on coffee and tea, a review
/// rewarded once a lifetime, a campaign that ended, and four rewards (one for gold only).
pub(super) const CAFE: &str = r#"
[[rules]]
id = "coffee_bonus"
name = { en = "Coffee bonus", zh-CN = "咖啡奖励" }
effect = { points_per_unit = "2" }
conditions = [ { categories = ["coffee"] } ]

[[rules]]
id = "tea_bonus"
name = "Tea bonus"
effect = { points_per_unit = "1" }
conditions = [ { categories = ["tea"] } ]

[[rules]]
id = "review"
name = "Review reward"
trigger = { event = "review_written" }
effect = { fixed = 20 }
limits = { per_member_lifetime = 20 }

[[rules]]
id = "spring_2020"
name = "Spring 2020"
effect = { fixed = 50 }
conditions = [ { dates = { from = "2020-03-01", to = "2020-03-31" } } ]

[[rewards]]
id = "ten_off"
name = "¥10 off"
type = "amount_coupon"
amount = "10"
cost = 100

[[rewards]]
id = "mug"
name = "Laurel mug"
type = "physical_gift"
cost = 500

[[rewards]]
id = "tasting"
name = "Gold tasting evening"
type = "experience"
cost = 100
tiers = ["gold"]

[names]
categories = { coffee = { en = "Coffee", zh-CN = "咖啡" }, tea = { en = "Tea", zh-CN = "茶" } }
"#;

pub(super) fn line(sku: &str, category: &str, price: &str) -> LineRequest {
    LineRequest {
        sku: sku.into(),
        category: Some(category.into()),
        quantity: 1,
        unit_price: dec(price),
    }
}

/// The offers' ids and reasons, best first.
pub(super) async fn ranked(engine: &Engine, member: i64) -> Vec<(String, OfferReason)> {
    engine
        .offers(member, Timestamp::now(), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.offer.subject.id().to_owned(), o.offer.reason))
        .collect()
}

#[tokio::test]
async fn offers_rank_what_the_member_buys_can_afford_and_nearly_reaches_first() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(&format!("{TWO_TIERS}{CAFE}"))).await;
        let id = member(&engine, "regular").await;

        // Before any purchase: everything open to them in the program's order, rewards first.
        let fresh: Vec<String> = ranked(&engine, id)
            .await
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(
            fresh,
            ["ten_off", "mug", "coffee_bonus", "tea_bonus", "review"],
            "[{name}] the gold tasting and the ended campaign are not theirs"
        );

        // 300 on coffee and 100 on tea: 400 base + 600 + 100 points; 600 more spend to gold.
        let mut request = purchase_request(id, "o-1", "400");
        request.lines = vec![line("LATTE", "coffee", "300"), line("SENCHA", "tea", "100")];
        engine.purchase(request).await.unwrap();
        let offers = engine.offers(id, Timestamp::now(), 10).await.unwrap();
        let reasons: Vec<(&str, &OfferReason)> = offers
            .iter()
            .map(|o| (o.offer.subject.id(), &o.offer.reason))
            .collect();
        let to_gold = OfferReason::ReachesNextTier {
            tier: "gold".into(),
            needed: dec("600"),
            metric: TierMetric::Spend,
        };
        assert_eq!(
            reasons,
            [
                (
                    "coffee_bonus",
                    &OfferReason::BuysInCategory {
                        category: "coffee".into(),
                        share_percent: 75
                    }
                ),
                ("tea_bonus", &to_gold),
                ("ten_off", &OfferReason::CanAffordNow),
                ("mug", &OfferReason::CanAffordNow),
                ("review", &OfferReason::OpenToYou),
            ],
            "[{name}]"
        );
        assert_eq!(
            offers.iter().map(|o| o.words.as_str()).collect::<Vec<_>>()[..3],
            [
                "75% of their spend in the last year was on Coffee",
                "600 CNY more spend reaches Gold",
                "enough points to redeem it now",
            ],
            "[{name}]"
        );
        assert_eq!(offers[0].name.get("zh-CN"), "咖啡奖励", "[{name}]");
        assert!(offers[0].offer.score > offers[1].offer.score, "[{name}]");
        assert_eq!(
            engine.offers(id, Timestamp::now(), 2).await.unwrap().len(),
            2,
            "[{name}] as many as asked"
        );

        // A review used up the rule's lifetime limit; a coupon used at checkout makes money
        // off fit them better than a gift.
        engine
            .record_event(EventRequest {
                member: MemberRef::Id(id),
                event_id: "review-1".into(),
                kind: "review_written".into(),
                attributes: Default::default(),
                occurred_at: Timestamp::now(),
            })
            .await
            .unwrap();
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
        engine
            .consume_coupon(ConsumeCouponRequest {
                code: redeemed.redemption.coupons[0].code.clone(),
                order_id: "o-2".into(),
                checkout: CheckoutRequest {
                    channel: Channel::Pos,
                    store: None,
                    currency: "CNY".into(),
                    total: dec("60"),
                    lines: Vec::new(),
                },
            })
            .await
            .unwrap();
        let after: Vec<String> = ranked(&engine, id)
            .await
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(
            after,
            ["coffee_bonus", "ten_off", "tea_bonus", "mug"],
            "[{name}] the review is no longer offered; money off now outranks the tea bonus"
        );

        assert_eq!(
            code(engine.offers(id + 100, Timestamp::now(), 10).await),
            "unknown_member",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}
