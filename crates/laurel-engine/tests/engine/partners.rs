//! Coalition partners on both backends: a partner's purchase earns by the partner's rules
//! alone and the partner is charged for the points at its price; points and rewards spent at a
//! partner are owed to it at its reimbursement; refunds and cancellations settle back at the
//! price first charged; a partner's guard keeps it to its own purchases and rewards; the
//! statement adds up line by line and pages; and a what-if replays partner purchases exactly.

use super::rewards::reward;
use super::*;
use laurel_engine::RedeemRewardRequest;

/// A café in the coalition: 2 points a yuan there, bought at ¥0.01 a point and paid back at
/// ¥0.008; a latte it hands out for 50 points; and the program's own ¥5 voucher.
pub(super) const CAFE: &str = r#"
[[partners]]
code = "cafe"
name = "Corner Café"
price_per_point = "0.01"
reimbursement_per_point = "0.008"

[[partners]]
code = "deli"
name = "Deli"
price_per_point = "0.02"
reimbursement_per_point = "0.02"

[[rules]]
id = "cafe_rate"
name = "Café points"
partner = "cafe"
effect = { points_per_unit = "2" }

[[rewards]]
id = "cafe_latte"
name = "Latte at the café"
type = "physical_gift"
cost = 50
partner = "cafe"

[[rewards]]
id = "voucher"
name = "¥5 off"
type = "physical_gift"
cost = 40
"#;

fn at_partner(member_id: i64, order_id: &str, total: &str, partner: &str) -> PurchaseRequest {
    PurchaseRequest {
        partner: Some(partner.into()),
        ..purchase_request(member_id, order_id, total)
    }
}

/// The whole of today's statement for `code`.
async fn today(engine: &Engine, code: &str) -> laurel_engine::PartnerStatement {
    let period = engine.days_to_today(1, Timestamp::now()).unwrap();
    engine
        .partner_statement(code, period, None, 1_000)
        .await
        .unwrap()
}

fn amounts(s: &laurel_engine::PartnerStatement) -> (i64, String, i64, String, String) {
    let t = &s.settlement;
    (
        t.issued_points,
        t.issued_amount.to_string(),
        t.burned_points,
        t.burned_amount.to_string(),
        t.due().to_string(),
    )
}

/// Every member in a tier that takes 5% off the program's own baskets.
const DISCOUNT_TIER: &str = r#"
[tiers]
metric = "spend"
window = "since_joining"

[[tiers.levels]]
id = "green"
name = "Green"
threshold = "0"
discount_percent = "5"
"#;

#[tokio::test]
async fn a_partners_purchase_earns_by_its_rules_and_the_partner_is_charged_for_the_points() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(&format!("{CAFE}{DISCOUNT_TIER}"))).await;
        let ann = member(&engine, "ann").await;
        // Sent again below as it was: `recently()` moves on with the clock.
        let first = at_partner(ann, "c-1", "50", "cafe");
        let there = engine.purchase(first.clone()).await.unwrap();
        let rules: Vec<&str> = there
            .earned
            .grants
            .iter()
            .map(|g| g.rule_id.as_str())
            .collect();
        assert_eq!(rules, ["cafe_rate"], "[{name}] no base earn at a partner");
        assert_eq!(there.earned.points_earned, 100, "[{name}]");
        assert_eq!(
            there.tier_discount,
            Decimal::ZERO,
            "[{name}] a partner's prices are its own"
        );
        let own = buy(&engine, ann, "o-1", "50").await;
        assert_eq!(
            own.earned.points_earned, 50,
            "[{name}] the base rate, no café rule"
        );
        assert_eq!(
            own.tier_discount,
            dec("2.5"),
            "[{name}] the tier's 5% at home"
        );
        let again = engine.purchase(first).await.unwrap();
        assert!(again.replayed, "[{name}] a retry is answered as the first");

        let cafe = today(&engine, "cafe").await;
        assert_eq!(
            amounts(&cafe),
            (100, "1.00".into(), 0, "0".into(), "1.00".into()),
            "[{name}] 100 points at ¥0.01, once"
        );
        assert_eq!(cafe.lines.len(), 1, "[{name}]");
        let line = &cafe.lines[0];
        assert_eq!(
            (line.external_id.as_str(), line.reference.as_str()),
            ("ann", "pos:c-1"),
            "[{name}]"
        );
        assert_eq!(today(&engine, "deli").await.lines_total, 0, "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn points_and_rewards_spent_at_a_partner_are_owed_to_it_and_a_cancellation_takes_that_back() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(CAFE)).await;
        let ann = member(&engine, "ann").await;
        engine
            .adjust(credit(ann, 300, "c-1"), "staff:test")
            .await
            .unwrap();
        let spend = RedeemRequest {
            partner: Some("cafe".into()),
            ..redeem_request(ann, 30, "x-1")
        };
        engine.redeem(spend.clone()).await.unwrap();
        engine.redeem(spend).await.unwrap();
        let latte = engine
            .redeem_reward(reward(ann, "cafe_latte", 1, "l-1"))
            .await
            .unwrap();
        engine
            .redeem_reward(reward(ann, "voucher", 1, "v-1"))
            .await
            .unwrap();
        let before = amounts(&today(&engine, "cafe").await);
        assert_eq!(
            before,
            (0, "0".into(), 80, "0.64".into(), "-0.64".into()),
            "[{name}] 30 + 50 points at ¥0.008, once each; the voucher is the program's"
        );
        engine
            .cancel_redemption(latte.redemption.redemption_id, "staff:test")
            .await
            .unwrap();
        let after = today(&engine, "cafe").await;
        assert_eq!(
            amounts(&after),
            (0, "0".into(), 30, "0.24".into(), "-0.24".into()),
            "[{name}] the cancelled latte is no longer owed"
        );
        let lines: Vec<(i64, String)> = after
            .lines
            .iter()
            .map(|l| (l.points, l.reference.clone()))
            .collect();
        let cancelled = format!("redemption:{}", latte.redemption.redemption_id);
        assert_eq!(
            lines,
            [
                (30, "reward-for-x-1".to_owned()),
                (50, "reward:cafe_latte".to_owned()),
                (-50, cancelled),
            ],
            "[{name}] each settling line, the cancellation at the price first owed"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_refund_credits_the_partner_at_the_price_it_was_charged_even_after_the_price_changed() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(CAFE)).await;
        let ann = member(&engine, "ann").await;
        let bought = engine
            .purchase(at_partner(ann, "c-1", "50", "cafe"))
            .await
            .unwrap();
        let dearer = PROGRAM.replace(ONE_PER_YUAN.0, ONE_PER_YUAN.1)
            + &CAFE.replace("price_per_point = \"0.01\"", "price_per_point = \"0.015\"");
        apply_now(&engine, dearer, "dearer points").await;
        // Judged by the version of its time, as its rules are: bought after the change.
        let after_change = PurchaseRequest {
            occurred_at: Timestamp::now(),
            ..at_partner(ann, "c-2", "10", "cafe")
        };
        engine.purchase(after_change).await.unwrap();
        engine
            .refund(refund_request(
                bought.purchase_id,
                "r-1",
                RefundScope::Amount(dec("25")),
            ))
            .await
            .unwrap();
        let cafe = today(&engine, "cafe").await;
        let lines: Vec<(i64, String, String)> = cafe
            .lines
            .iter()
            .map(|l| (l.points, l.price.to_string(), l.amount.to_string()))
            .collect();
        assert_eq!(
            lines,
            [
                (100, "0.01".into(), "1.00".into()),
                (20, "0.015".into(), "0.30".into()),
                (-50, "0.01".into(), "-0.50".into()),
            ],
            "[{name}] the refund at the ¥0.01 the points were bought at"
        );
        assert_eq!(amounts(&cafe).1, "0.80", "[{name}]");
        // A partner the program drops still has its statements.
        let without_cafe = PROGRAM.replace(ONE_PER_YUAN.0, ONE_PER_YUAN.1)
            + "\n[[partners]]\ncode = \"deli\"\nname = \"Deli\"\n\
               price_per_point = \"0.02\"\nreimbursement_per_point = \"0.02\"\n";
        apply_now(&engine, without_cafe, "the café left").await;
        assert_eq!(today(&engine, "cafe").await.lines_total, 3, "[{name}]");
        let ever: Vec<String> = engine.partners_ever().into_iter().map(|p| p.code).collect();
        assert_eq!(ever, ["deli", "cafe"], "[{name}] in force first");
        assert_eq!(
            engine.partner("cafe").unwrap().price_per_point.to_string(),
            "0.015",
            "[{name}] as it was last declared"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_partners_guard_keeps_it_to_its_own_purchases_and_rewards_and_unknown_partners_write_nothing()
 {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(CAFE)).await;
        let ann = member(&engine, "ann").await;
        let bought = engine
            .purchase(at_partner(ann, "c-1", "50", "cafe"))
            .await
            .unwrap();
        let own = buy(&engine, ann, "o-1", "50").await;
        let as_deli = |purchase_id: i64| RefundRequest {
            partner: Some("deli".into()),
            ..refund_request(purchase_id, "r-1", RefundScope::Full)
        };
        for id in [bought.purchase_id, own.purchase_id] {
            assert_eq!(
                code(engine.refund(as_deli(id)).await),
                "unknown_purchase",
                "[{name}] the deli sees neither the café's purchase nor the program's"
            );
        }
        let deli_latte = RedeemRewardRequest {
            partner: Some("deli".into()),
            ..reward(ann, "cafe_latte", 1, "l-1")
        };
        assert_eq!(
            code(engine.redeem_reward(deli_latte).await),
            "unknown_reward",
            "[{name}]"
        );
        let before = balance(&engine, ann).await;
        assert_eq!(
            code(
                engine
                    .purchase(at_partner(ann, "c-2", "50", "bakery"))
                    .await
            ),
            "unknown_partner",
            "[{name}]"
        );
        let spend = RedeemRequest {
            partner: Some("bakery".into()),
            ..redeem_request(ann, 10, "x-1")
        };
        assert_eq!(
            code(engine.redeem(spend).await),
            "unknown_partner",
            "[{name}]"
        );
        assert_eq!(
            balance(&engine, ann).await,
            before,
            "[{name}] nothing written"
        );
        let as_cafe = RefundRequest {
            partner: Some("cafe".into()),
            ..refund_request(bought.purchase_id, "r-2", RefundScope::Full)
        };
        engine.refund(as_cafe).await.unwrap();
        assert_eq!(amounts(&today(&engine, "cafe").await).0, 0, "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn many_partner_purchases_at_once_are_each_charged_once() {
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, with_rules(CAFE)).await);
        let mut members = Vec::new();
        for i in 0..8 {
            members.push(member(&engine, &format!("m{i}")).await);
        }
        let mut tasks = Vec::new();
        for i in 0..64_i64 {
            let engine = engine.clone();
            let m = members[(i % 8) as usize];
            tasks.push(tokio::spawn(async move {
                let total = format!("{}", 10 + i);
                engine
                    .purchase(at_partner(m, &format!("c-{i}"), &total, "cafe"))
                    .await
                    .unwrap()
                    .earned
                    .points_earned
            }));
        }
        let mut earned = 0;
        for t in tasks {
            earned += t.await.unwrap();
        }
        let cafe = today(&engine, "cafe").await;
        assert_eq!(cafe.lines_total, 64, "[{name}]");
        assert_eq!(cafe.settlement.issued_points, earned, "[{name}]");
        let sum: rust_decimal::Decimal = cafe.lines.iter().map(|l| l.amount).sum();
        assert_eq!(
            sum, cafe.settlement.issued_amount,
            "[{name}] the lines add up"
        );
        finish(name, unshare(engine)).await;
    }
}

#[tokio::test]
async fn a_statement_pages_its_lines_and_its_csv_ends_with_the_totals() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(CAFE)).await;
        let ann = member(&engine, "ann").await;
        for i in 0..5 {
            engine
                .purchase(at_partner(ann, &format!("c-{i}"), "1.5", "cafe"))
                .await
                .unwrap();
        }
        let period = engine.days_to_today(1, Timestamp::now()).unwrap();
        let first = engine
            .partner_statement("cafe", period, None, 2)
            .await
            .unwrap();
        assert_eq!((first.lines.len(), first.lines_total), (2, 5), "[{name}]");
        let mut seen: Vec<i64> = first.lines.iter().map(|l| l.id).collect();
        let mut next = first.next;
        while let Some(after) = next {
            let (page, more) = engine
                .partner_statement_lines("cafe", period, Some(after), 2)
                .await
                .unwrap();
            seen.extend(page.iter().map(|l| l.id));
            next = more;
        }
        assert_eq!(seen.len(), 5, "[{name}] every line once: {seen:?}");
        assert!(
            seen.windows(2).all(|w| w[0] < w[1]),
            "[{name}] oldest first"
        );

        // A customer id a till typed as a formula is written so a spreadsheet shows it.
        let formula = member(&engine, "=HYPERLINK(\"x\")").await;
        engine
            .purchase(at_partner(formula, "c-9", "0.5", "cafe"))
            .await
            .unwrap();
        let csv = engine.partner_statement_csv("cafe", period).await.unwrap();
        assert!(
            csv.contains(",\"'=HYPERLINK(\"\"x\"\")\","),
            "[{name}] {csv}"
        );
        let rows: Vec<&str> = csv.lines().collect();
        assert_eq!(
            rows.len(),
            1 + 6 + 3,
            "[{name}] heading, lines, totals:\n{csv}"
        );
        assert!(rows[0].starts_with("line,kind,posted_at"), "[{name}]");
        assert!(
            rows[1].contains(",issued,") && rows[1].ends_with(",3,0.01,0.03"),
            "[{name}] {}",
            rows[1]
        );
        assert_eq!(rows[7], ",issued_total,,,,,,16,,0.16", "[{name}]");
        assert_eq!(rows[9], ",due,,,,,,,,0.16", "[{name}]");
        assert_eq!(
            code(engine.partner_statement("bakery", period, None, 2).await),
            "unknown_partner",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_what_if_replays_partner_purchases_by_the_partners_rules_exactly() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(CAFE)).await;
        let (ann, bo) = (member(&engine, "ann").await, member(&engine, "bo").await);
        let there = engine
            .purchase(at_partner(ann, "c-1", "40", "cafe"))
            .await
            .unwrap();
        buy(&engine, ann, "o-1", "30").await;
        engine
            .purchase(at_partner(bo, "c-2", "12.5", "deli"))
            .await
            .unwrap();
        engine
            .refund(refund_request(there.purchase_id, "r-1", RefundScope::Full))
            .await
            .unwrap();
        super::simulation::assert_replayed_exactly(name, &engine, &[ann, bo]).await;
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn the_books_defer_what_a_partner_paid_for_its_points_and_not_a_share_of_its_sale() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(CAFE)).await;
        let ann = member(&engine, "ann").await;
        // 250 points bought at ¥0.01: ¥2.50 deferred, whatever the café's ¥125 sale was.
        engine
            .purchase(at_partner(ann, "c-1", "125", "cafe"))
            .await
            .unwrap();
        let range = laurel_engine::BooksRange {
            from: recently() - days(1),
            to: Timestamp::now() + days(1),
        };
        let report = engine.books_report(range).await.unwrap();
        assert_eq!(report.total.sales.put_in, dec("2.50"), "[{name}]");
        finish(name, engine).await;
    }
}
