//! Fraud rules on both backends, on generated abuse — a takeover burst of redemptions, a
//! refund abuser, points funnelled into one member, a staff member crediting too much, a
//! burst of earning — that they catch with the action they name (flag, hold, refuse,
//! freeze), each case reviewed (released, reversed, frozen, dismissed) with the ledger
//! consistent; and on generated normal traffic, which they leave alone.

use super::*;
use laurel_engine::{FraudCaseView, ReviewAction, TransferRequest};
use rand::{RngExt, SeedableRng};

/// Velocity rules a careful program might set.
const RULES: &str = r#"
[transfers]

[[rewards]]
id = "coffee"
name = "Coffee"
type = "physical_gift"
cost = 10

[[fraud.rules]]
id = "takeover-burst"
measure = "redemptions"
max = 3
window = "1h"
action = "freeze"

[[fraud.rules]]
id = "refund-abuse"
measure = "refund_ratio"
max = "0.5"
window = "30d"
min_purchases = 3
action = "flag"

[[fraud.rules]]
id = "earning-burst"
measure = "points_earned"
max = 2000
window = "24h"
action = "hold"

[[fraud.rules]]
id = "fan-in"
measure = "transfers_in"
max = 2
window = "24h"
action = "refuse"

[[fraud.rules]]
id = "generous-staff"
measure = "staff_adjusted"
max = 1000
window = "24h"
action = "flag"
"#;

async fn fraud_engine(db: &laurel_testkit::TestDb) -> Engine {
    start(db, with_rules(RULES)).await
}

/// A purchase of `total` yuan made now (one point a yuan).
async fn spend(engine: &Engine, member: i64, order: &str, total: &str) -> PurchaseOutcome {
    buy_now(engine, member, order, total).await
}

async fn open_cases(engine: &Engine) -> Vec<FraudCaseView> {
    engine.fraud_cases(true).await.unwrap()
}

#[tokio::test]
async fn a_takeover_burst_of_redemptions_is_refused_and_freezes_the_member() {
    for (name, db) in laurel_testkit::backends() {
        let engine = fraud_engine(&db).await;
        let ann = member(&engine, "ann").await;
        spend(&engine, ann, "a-1", "500").await;
        for n in 0..3 {
            engine
                .redeem(redeem_request(ann, 10, &format!("r-{n}")))
                .await
                .unwrap();
        }
        assert_eq!(
            code(engine.redeem(redeem_request(ann, 10, "r-3")).await),
            "fraud_refused",
            "[{name}] the fourth in an hour"
        );
        assert_eq!(
            balance(&engine, ann).await,
            (470, 0),
            "[{name}] nothing spent"
        );
        let cases = open_cases(&engine).await;
        assert_eq!(cases.len(), 1, "[{name}] {cases:?}");
        let case = &cases[0];
        assert_eq!(
            (
                case.rule.as_str(),
                case.action.as_str(),
                case.operation.as_str()
            ),
            ("takeover-burst", "freeze", "redemption"),
            "[{name}]"
        );
        assert_eq!(case.observed, dec("4"), "[{name}]");
        assert_eq!(
            code(engine.redeem(redeem_request(ann, 10, "r-4")).await),
            "member_suspended",
            "[{name}] frozen"
        );
        let closed = engine
            .review_fraud_case(case.id, ReviewAction::Dismiss, "staff:risk@example.com")
            .await
            .unwrap();
        assert_eq!(closed.state, "dismissed", "[{name}]");
        assert_eq!(
            code(
                engine
                    .review_fraud_case(case.id, ReviewAction::Release, "staff:risk")
                    .await
            ),
            "fraud_case_closed",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_refund_abuser_is_flagged_once_refunds_pass_half_their_spend() {
    for (name, db) in laurel_testkit::backends() {
        let engine = fraud_engine(&db).await;
        let bo = member(&engine, "bo").await;
        let mut bought = Vec::new();
        for n in 0..3 {
            bought.push(
                spend(&engine, bo, &format!("b-{n}"), "100")
                    .await
                    .purchase_id,
            );
        }
        for (n, purchase) in bought.iter().take(2).enumerate() {
            engine
                .refund(refund_request(
                    *purchase,
                    &format!("rf-{n}"),
                    RefundScope::Full,
                ))
                .await
                .unwrap();
            let cases = open_cases(&engine).await;
            assert_eq!(
                cases.len(),
                n,
                "[{name}] a third refunded is allowed, two thirds not"
            );
        }
        let case = &open_cases(&engine).await[0];
        assert_eq!(
            (
                case.rule.as_str(),
                case.action.as_str(),
                case.operation.as_str()
            ),
            ("refund-abuse", "flag", "refund"),
            "[{name}]"
        );
        assert_eq!(case.observed, dec("0.6667"), "[{name}]");
        assert_eq!(
            balance(&engine, bo).await,
            (100, 0),
            "[{name}] the refund went through"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn points_earned_past_the_most_are_held_until_a_reviewer_releases_or_takes_them_back() {
    for (name, db) in laurel_testkit::backends() {
        let engine = fraud_engine(&db).await;
        let cy = member(&engine, "cy").await;
        spend(&engine, cy, "c-1", "1500").await;
        let held = spend(&engine, cy, "c-2", "800").await;
        assert_eq!(held.earned.status.as_str(), "held", "[{name}] {held:?}");
        assert_eq!(
            balance(&engine, cy).await,
            (1500, 800),
            "[{name}] held as pending"
        );
        engine
            .run_job(JobKind::Release, Timestamp::now() + days(400))
            .await
            .unwrap();
        assert_eq!(
            balance(&engine, cy).await,
            (1500, 800),
            "[{name}] no job releases it"
        );
        let first = open_cases(&engine).await[0].clone();
        assert_eq!(
            (first.rule.as_str(), first.observed),
            ("earning-burst", dec("2300"))
        );
        assert!(first.lot_id.is_some(), "[{name}]");
        let released = engine
            .review_fraud_case(first.id, ReviewAction::Release, "staff:risk@example.com")
            .await
            .unwrap();
        assert_eq!(released.state, "released", "[{name}]");
        assert_eq!(balance(&engine, cy).await, (2300, 0), "[{name}]");

        spend(&engine, cy, "c-3", "300").await;
        let second = open_cases(&engine).await[0].clone();
        engine
            .review_fraud_case(second.id, ReviewAction::Reverse, "staff:risk@example.com")
            .await
            .unwrap();
        assert_eq!(balance(&engine, cy).await, (2300, 0), "[{name}] taken back");
        let last = entries(&engine, cy).await;
        assert_eq!(last[0].meta.reason, "fraud review", "[{name}]");
        assert_eq!(
            last[0].meta.actor.as_deref(),
            Some("staff:risk@example.com")
        );
        assert!(open_cases(&engine).await.is_empty(), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn points_funnelled_into_one_member_are_refused_past_the_most_senders() {
    for (name, db) in laurel_testkit::backends() {
        let engine = fraud_engine(&db).await;
        let sink = member(&engine, "sink").await;
        for n in 0..3 {
            let mule = member(&engine, &format!("mule-{n}")).await;
            spend(&engine, mule, &format!("m-{n}"), "100").await;
            let sent = engine
                .send_points(
                    TransferRequest {
                        member_id: mule,
                        to: MemberRef::Id(sink),
                        points: 50,
                        idempotency_key: format!("t-{n}"),
                        message: None,
                    },
                    None,
                )
                .await;
            if n < 2 {
                sent.unwrap();
            } else {
                assert_eq!(code(sent), "fraud_refused", "[{name}] a third sender");
            }
        }
        assert_eq!(balance(&engine, sink).await, (100, 0), "[{name}]");
        let case = &open_cases(&engine).await[0];
        assert_eq!(
            (case.member_id, case.rule.as_str(), case.operation.as_str()),
            (sink, "fan-in", "transfer"),
            "[{name}] the receiver's case"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_staff_member_crediting_past_the_daily_most_is_flagged_for_another_reviewer() {
    for (name, db) in laurel_testkit::backends() {
        let engine = fraud_engine(&db).await;
        let (dee, eve) = (member(&engine, "dee").await, member(&engine, "eve").await);
        engine
            .adjust(credit(dee, 600, "g-1"), "staff:desk@example.com")
            .await
            .unwrap();
        assert!(open_cases(&engine).await.is_empty(), "[{name}]");
        engine
            .adjust(credit(eve, 600, "g-2"), "staff:desk@example.com")
            .await
            .unwrap();
        let case = &open_cases(&engine).await[0];
        assert_eq!(
            (case.member_id, case.rule.as_str(), case.reference.as_str()),
            (eve, "generous-staff", "staff:desk@example.com"),
            "[{name}]"
        );
        assert_eq!(
            code(
                engine
                    .review_fraud_case(case.id, ReviewAction::Dismiss, "staff:desk@example.com")
                    .await
            ),
            "forbidden",
            "[{name}] not by the staff member it is about"
        );
        let taken = engine
            .review_fraud_case(case.id, ReviewAction::Reverse, "staff:risk@example.com")
            .await
            .unwrap();
        assert_eq!(taken.state, "reversed", "[{name}]");
        assert_eq!(
            balance(&engine, eve).await,
            (0, 0),
            "[{name}] the credit taken back"
        );
        let audit = engine.audit_log(5).await.unwrap();
        assert_eq!(audit[0].action, "fraud.reverse", "[{name}] {audit:?}");
        finish(name, engine).await;
    }
}

/// Generated ordinary traffic — members buying a few times a week, redeeming now and then,
/// returning one purchase in ten — under the rules above: no case may open. Prints the
/// false-positive rate.
#[tokio::test]
async fn normal_traffic_is_left_alone() {
    for (name, db) in laurel_testkit::backends() {
        let engine = fraud_engine(&db).await;
        let mut rng = rand::rngs::StdRng::seed_from_u64(23);
        let mut operations = 0;
        for m in 0..60 {
            let id = member(&engine, &format!("shopper-{m}")).await;
            let mut bought = Vec::new();
            for p in 0..rng.random_range(1..=4) {
                let total = rng.random_range(15..=180).to_string();
                bought.push(spend(&engine, id, &format!("s-{m}-{p}"), &total).await);
                operations += 1;
            }
            if rng.random_bool(0.5) {
                engine
                    .redeem_reward(laurel_engine::RedeemRewardRequest {
                        partner: None,
                        member_id: id,
                        reward_id: "coffee".into(),
                        quantity: 1,
                        idempotency_key: format!("coffee-{m}"),
                    })
                    .await
                    .unwrap();
                operations += 1;
            }
            if rng.random_bool(0.1) {
                engine
                    .refund(refund_request(
                        bought[0].purchase_id,
                        "ret",
                        RefundScope::Full,
                    ))
                    .await
                    .unwrap();
                operations += 1;
            }
        }
        let cases = engine.fraud_cases(false).await.unwrap();
        println!(
            "[{name}] false positives: {} cases in {operations} ordinary operations",
            cases.len()
        );
        assert!(cases.is_empty(), "[{name}] {cases:?}");
        finish(name, engine).await;
    }
}
