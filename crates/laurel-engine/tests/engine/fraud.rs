//! Fraud rules on both backends, on generated abuse — a takeover burst of redemptions, a
//! refund abuser, points funnelled into one member, a staff member crediting too much, a
//! burst of earning, a referral ring, a referral farm, accounts made in bulk on one device,
//! one email domain or one block of phone numbers — that they catch with the action they name (flag, hold, refuse,
//! freeze), each case reviewed (released, reversed, frozen, dismissed) with the ledger
//! consistent; and on generated normal traffic, which they leave alone.

use super::events::written;
use super::*;
use laurel_core::events::EventKind;
use laurel_engine::{FraudCaseView, ReviewAction, TransferRequest};
use rand::{RngExt, SeedableRng};
use serde_json::{Value, json};

/// Referrals as the fixtures pay them: 300 points for the referrer, 200 for the new member,
/// from a ¥30 purchase.
const REFERRALS: &str = r#"
[referrals]
referrer_points = 300
referee_points = 200
min_purchase = "30"
"#;

/// `rules` in a program that pays [`REFERRALS`].
fn referring(rules: &str) -> String {
    format!("{REFERRALS}{rules}")
}

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

[[fraud.rules]]
id = "referral-ring"
measure = "referral_chain"
max = 2
window = "24h"
action = "hold"

[[fraud.rules]]
id = "referral-farm"
measure = "referrals"
max = 3
window = "24h"
action = "hold"

# Every fixture member's email is at example.com.
[[fraud.rules]]
id = "one-domain"
measure = "same_email_domain"
except = ["Example.com"]
max = 3
window = "24h"
action = "flag"

[[fraud.rules]]
id = "one-number-block"
measure = "same_phone_prefix"
prefix_digits = 9
max = 3
window = "1h"
action = "flag"

[[fraud.rules]]
id = "one-device"
measure = "same_device"
max = 2
window = "24h"
action = "freeze"
"#;

async fn fraud_engine(db: &laurel_testkit::TestDb) -> Engine {
    start(db, with_rules(&referring(RULES))).await
}

/// A purchase of `total` yuan made now (one point a yuan).
async fn spend(engine: &Engine, member: i64, order: &str, total: &str) -> PurchaseOutcome {
    buy_now(engine, member, order, total).await
}

async fn open_cases(engine: &Engine) -> Vec<FraudCaseView> {
    engine.fraud_cases(true).await.unwrap()
}

/// Enrolls `external_id` referred by the holder of `code` (none: not referred) joining at
/// `joined` (none: now); their id and the code they share.
async fn joins(
    engine: &Engine,
    external_id: &str,
    code: Option<&str>,
    joined: Option<Timestamp>,
) -> laurel_engine::Result<(i64, String)> {
    let m = engine
        .enroll(EnrollRequest {
            referral_code: code.map(str::to_owned),
            enrolled_at: joined,
            ..enroll_request(external_id)
        })
        .await?;
    Ok((m.id.0, m.profile.referral_code.unwrap()))
}

#[tokio::test]
async fn a_takeover_burst_of_redemptions_is_refused_and_freezes_the_member() {
    for (name, db) in laurel_testkit::backends() {
        let engine = fraud_engine(&db).await;
        super::events::subscribe(&engine, &[EventKind::MemberSuspended]).await;
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
        let suspended: Vec<Value> = written(&engine)
            .await
            .into_iter()
            .filter(|(kind, _)| kind == "member.suspended")
            .map(|(_, payload)| payload)
            .collect();
        assert_eq!(suspended.len(), 1, "[{name}] {suspended:?}");
        assert_eq!(
            (
                &suspended[0]["data"]["member"]["id"],
                &suspended[0]["data"]["actor"]
            ),
            (&json!(ann), &json!("fraud:takeover-burst")),
            "[{name}] frozen as staff suspend: subscribers told"
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
        // The third sender tries twice, as a till retries.
        for n in [0, 1, 2, 2] {
            let mule = format!("mule-{n}");
            let mule = match engine.member(&MemberRef::External(mule.clone())).await {
                Ok(known) => known.id.0,
                Err(_) => {
                    let new = member(&engine, &mule).await;
                    spend(&engine, new, &format!("m-{n}"), "100").await;
                    new
                }
            };
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
                let refused = sent.unwrap_err();
                assert_eq!(
                    refused.code().as_str(),
                    "fraud_refused",
                    "[{name}] a third sender"
                );
                assert!(
                    !refused.to_string().contains("fan-in"),
                    "[{name}] the rule is for reviewers, not for the sender: {refused}"
                );
            }
        }
        assert_eq!(balance(&engine, sink).await, (100, 0), "[{name}]");
        let cases = open_cases(&engine).await;
        assert_eq!(
            cases.len(),
            1,
            "[{name}] a retry is the same attempt: {cases:?}"
        );
        let case = &cases[0];
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
async fn a_referral_ring_has_its_referrers_bonuses_held_for_review() {
    for (name, db) in laurel_testkit::backends() {
        let engine = fraud_engine(&db).await;
        // Five new accounts within minutes, each referring the next.
        let mut ring = vec![joins(&engine, "ring-0", None, None).await.unwrap()];
        for n in 1..5 {
            let code = ring[n - 1].1.clone();
            let joined = joins(&engine, &format!("ring-{n}"), Some(&code), None).await;
            ring.push(joined.unwrap());
        }
        let cases = engine.fraud_cases(false).await.unwrap();
        let about: Vec<(i64, &str, &str, Decimal)> = cases
            .iter()
            .map(|c| {
                (
                    c.member_id,
                    c.reference.as_str(),
                    c.operation.as_str(),
                    c.observed,
                )
            })
            .collect();
        assert_eq!(
            about,
            [
                (ring[3].0, "ring-4", "referral", dec("3")),
                (ring[2].0, "ring-3", "referral", dec("3")),
            ],
            "[{name}] the third link and on are the referrers' cases, newest first (a chain \
             is read only as far as it breaches the rule)"
        );
        for (n, (id, _)) in ring.iter().enumerate().skip(1) {
            spend(&engine, *id, &format!("ring-{n}-first"), "50").await;
        }
        assert_eq!(
            balance(&engine, ring[0].0).await,
            (300, 0),
            "[{name}] the first link's bonus paid"
        );
        assert_eq!(
            balance(&engine, ring[2].0).await,
            (250, 300),
            "[{name}] its own purchase and bonus; the referrer's bonus held"
        );
        let held = open_cases(&engine).await;
        assert!(
            held.iter()
                .all(|c| c.lot_id.is_some() && c.journal_id.is_some()),
            "[{name}] each case names the bonus it holds: {held:?}"
        );
        let (taken, released) = (&held[1], &held[0]);
        engine
            .review_fraud_case(taken.id, ReviewAction::Reverse, "staff:risk@example.com")
            .await
            .unwrap();
        engine
            .review_fraud_case(released.id, ReviewAction::Release, "staff:risk@example.com")
            .await
            .unwrap();
        assert_eq!(
            balance(&engine, ring[2].0).await,
            (250, 0),
            "[{name}] taken back"
        );
        assert_eq!(
            balance(&engine, ring[3].0).await,
            (550, 0),
            "[{name}] released"
        );
        finish(name, engine).await;
    }
}

/// `external_id` joining with `email`, `phone` and from `device`, at `joined` (none: now).
async fn signs_up(
    engine: &Engine,
    external_id: &str,
    (email, phone, device): (&str, Option<&str>, Option<&str>),
    joined: Option<Timestamp>,
) -> laurel_store::Member {
    engine
        .enroll(EnrollRequest {
            email: Some(email.to_owned()),
            phone: phone.map(str::to_owned),
            device: device.map(str::to_owned),
            enrolled_at: joined,
            ..enroll_request(external_id)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn accounts_made_in_bulk_on_one_device_join_frozen_and_one_domain_or_number_block_flagged() {
    for (name, db) in laurel_testkit::backends() {
        let engine = fraud_engine(&db).await;
        super::events::subscribe(&engine, &[EventKind::MemberSuspended]).await;
        let long_ago = Timestamp::now() - days(30);
        signs_up(
            &engine,
            "old-phone",
            ("o@x.test", None, Some("203.0.113.7")),
            Some(long_ago),
        )
        .await;
        let mut bulk = Vec::new();
        for n in 0..3 {
            let device = if n == 1 {
                " 203.0.113.7 "
            } else {
                "203.0.113.7"
            };
            let email = format!("bulk{n}@Burner.test");
            let phone = format!("+86 138 0013 800{n}");
            let joined = signs_up(
                &engine,
                &format!("bulk-{n}"),
                (&email, Some(&phone), Some(device)),
                None,
            )
            .await;
            bulk.push(joined);
        }
        let statuses: Vec<&str> = bulk.iter().map(|m| m.status.as_str()).collect();
        assert_eq!(
            statuses,
            ["active", "active", "suspended"],
            "[{name}] the third from one device joins frozen; the one from long ago not counted"
        );
        assert_eq!(
            code(
                engine
                    .purchase(purchase_request(bulk[2].id.0, "b-1", "50"))
                    .await
            ),
            "member_suspended",
            "[{name}]"
        );
        let suspended = written(&engine).await;
        assert_eq!(suspended.len(), 1, "[{name}] {suspended:?}");
        assert_eq!(
            suspended[0].1["data"]["actor"],
            json!("fraud:one-device"),
            "[{name}]"
        );
        let fourth = signs_up(
            &engine,
            "bulk-3",
            ("bulk3@burner.test", Some("+86 138 0013 8003"), None),
            None,
        )
        .await;
        assert_eq!(fourth.status.as_str(), "active", "[{name}] flagged only");
        let cases = engine.fraud_cases(false).await.unwrap();
        let about: Vec<(i64, &str, &str, &str, Decimal)> = cases
            .iter()
            .map(|c| {
                (
                    c.member_id,
                    c.rule.as_str(),
                    c.action.as_str(),
                    c.operation.as_str(),
                    c.observed,
                )
            })
            .collect();
        assert_eq!(
            about,
            [
                (fourth.id.0, "one-domain", "flag", "enrollment", dec("4")),
                (bulk[2].id.0, "one-device", "freeze", "enrollment", dec("3")),
            ],
            "[{name}] newest first; the strongest breach decides a case"
        );
        assert!(
            cases[0].evidence.contains("one-number-block"),
            "[{name}] every breach kept: {}",
            cases[0].evidence
        );
        for n in 0..4 {
            signs_up(
                &engine,
                &format!("ordinary-{n}"),
                (&format!("o{n}@example.com"), None, None),
                None,
            )
            .await;
        }
        assert_eq!(
            engine.fraud_cases(false).await.unwrap().len(),
            2,
            "[{name}] a domain excepted is not counted"
        );
        finish(name, engine).await;
    }
}

/// A referred member's big first purchase held: tiers by spend, referrals, and a hold past
/// ¥1,000 a day.
const HELD_REFERRED: &str = r#"
[[fraud.rules]]
id = "big-spender"
measure = "spend"
max = 1000
window = "24h"
action = "hold"
"#;

async fn tier_of(engine: &Engine, member: i64) -> Option<String> {
    let m = engine.member(&MemberRef::Id(member)).await.unwrap();
    m.tier.tier
}

#[tokio::test]
async fn a_held_purchase_moves_no_tier_and_holds_the_referrers_bonus_until_reviewed() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(
            &db,
            super::tiers::with_tiers(&[], &referring(HELD_REFERRED)),
        )
        .await;
        let (amy, code) = joins(&engine, "amy", None, None).await.unwrap();
        let (bo, _) = joins(&engine, "bo", Some(&code), None).await.unwrap();
        let (cy, _) = joins(&engine, "cy", Some(&code), None).await.unwrap();
        for (who, order) in [(bo, "bo-1"), (cy, "cy-1")] {
            let held = spend(&engine, who, order, "1200").await;
            assert_eq!(held.earned.status.as_str(), "held", "[{name}]");
        }
        assert_eq!(
            (tier_of(&engine, bo).await, tier_of(&engine, cy).await),
            (Some("green".into()), Some("green".into())),
            "[{name}] ¥1,200 would make silver: not while held"
        );
        assert_eq!(
            balance(&engine, amy).await,
            (0, 600),
            "[{name}] both bonuses held"
        );
        let cases = open_cases(&engine).await;
        let case = |member: i64, operation: &str| {
            cases
                .iter()
                .find(|c| c.member_id == member && c.operation == operation)
                .unwrap_or_else(|| panic!("[{name}] no {operation} case of {member}: {cases:?}"))
                .id
        };
        let risk = "staff:risk@example.com";
        engine
            .review_fraud_case(case(bo, "purchase"), ReviewAction::Release, risk)
            .await
            .unwrap();
        engine
            .review_fraud_case(case(cy, "purchase"), ReviewAction::Reverse, risk)
            .await
            .unwrap();
        assert_eq!(
            (tier_of(&engine, bo).await, tier_of(&engine, cy).await),
            (Some("silver".into()), Some("green".into())),
            "[{name}] released, the purchase counts; taken back, never"
        );
        let bonus_of = |referee: &str| {
            cases
                .iter()
                .find(|c| c.member_id == amy && c.reference == referee)
                .unwrap()
                .id
        };
        engine
            .review_fraud_case(bonus_of("bo"), ReviewAction::Release, risk)
            .await
            .unwrap();
        engine
            .review_fraud_case(bonus_of("cy"), ReviewAction::Reverse, risk)
            .await
            .unwrap();
        assert_eq!(
            balance(&engine, amy).await,
            (300, 0),
            "[{name}] each bonus reviewed on its own"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_device_is_kept_only_while_a_rule_compares_devices() {
    use sha2::{Digest, Sha256};
    let hash = hex::encode(Sha256::digest(b"203.0.113.77"));
    for (name, db) in laurel_testkit::backends() {
        for (rules, kept) in [("", false), (RULES, true)] {
            let engine = start(&db, with_rules(rules)).await;
            let external = format!("device-{kept}");
            signs_up(
                &engine,
                &external,
                ("d@x.test", None, Some("203.0.113.77")),
                None,
            )
            .await;
            let found = engine.find_text(&hash).await.unwrap();
            assert_eq!(!found.is_empty(), kept, "[{name}] {found:?}");
            assert!(
                engine.find_text("203.0.113.77").await.unwrap().is_empty(),
                "[{name}] never the value itself"
            );
            engine.shutdown().await;
        }
    }
}

#[tokio::test]
async fn a_chain_of_referrals_over_months_is_no_ring() {
    for (name, db) in laurel_testkit::backends() {
        let engine = fraud_engine(&db).await;
        let long_ago = Timestamp::now() - days(90);
        let (_, first) = joins(&engine, "old-0", None, Some(long_ago)).await.unwrap();
        let (_, second) = joins(&engine, "old-1", Some(&first), Some(long_ago + days(30)))
            .await
            .unwrap();
        let (_, third) = joins(&engine, "new-2", Some(&second), None).await.unwrap();
        joins(&engine, "new-3", Some(&third), None).await.unwrap();
        assert!(
            engine.fraud_cases(false).await.unwrap().is_empty(),
            "[{name}] two links in the window"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_member_referring_past_the_most_in_a_day_has_the_bonuses_past_it_held_or_stopped() {
    for (name, db) in laurel_testkit::backends() {
        let engine = fraud_engine(&db).await;
        let (farmer, shared) = joins(&engine, "farmer", None, None).await.unwrap();
        let mut farm = Vec::new();
        for n in 0..5 {
            let (id, _) = joins(&engine, &format!("farm-{n}"), Some(&shared), None)
                .await
                .expect("anyone may use a code: nobody is turned away");
            farm.push(id);
        }
        let cases = open_cases(&engine).await;
        let about: Vec<(i64, &str, &str)> = cases
            .iter()
            .map(|c| (c.member_id, c.action.as_str(), c.reference.as_str()))
            .collect();
        assert_eq!(
            about,
            [(farmer, "hold", "farm-4"), (farmer, "hold", "farm-3")],
            "[{name}] the referrer's cases, naming who joined past the most"
        );
        // A reviewer stops the fifth bonus before it is paid.
        engine
            .review_fraud_case(cases[0].id, ReviewAction::Reverse, "staff:risk@example.com")
            .await
            .unwrap();
        for (n, id) in farm.iter().enumerate() {
            spend(&engine, *id, &format!("farm-{n}-first"), "50").await;
        }
        assert_eq!(
            balance(&engine, farmer).await,
            (900, 300),
            "[{name}] three paid, the fourth held, the fifth never"
        );
        assert_eq!(
            engine
                .member(&MemberRef::Id(farmer))
                .await
                .unwrap()
                .status
                .as_str(),
            "active",
            "[{name}] nobody can get a code's holder frozen"
        );
        finish(name, engine).await;
    }
}

/// A chain refused past one referral a day.
const CHAIN_REFUSED: &str = r#"
[[fraud.rules]]
id = "no-chains"
measure = "referral_chain"
max = 1
window = "24h"
action = "refuse"
"#;

#[tokio::test]
async fn an_enrollment_a_rule_refuses_writes_nothing_and_opens_the_referrers_case() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(&referring(CHAIN_REFUSED))).await;
        let (_, first) = joins(&engine, "link-0", None, None).await.unwrap();
        let (second_id, second) = joins(&engine, "link-1", Some(&first), None).await.unwrap();
        let refused = joins(&engine, "link-2", Some(&second), None).await;
        assert_eq!(code(refused), "fraud_refused", "[{name}]");
        assert_eq!(
            code(engine.member(&MemberRef::External("link-2".into())).await),
            "unknown_member",
            "[{name}] nothing enrolled"
        );
        let cases = open_cases(&engine).await;
        let about: Vec<(i64, &str, &str)> = cases
            .iter()
            .map(|c| (c.member_id, c.action.as_str(), c.reference.as_str()))
            .collect();
        assert_eq!(
            about,
            [(second_id, "refuse", "link-2")],
            "[{name}] the referrer's case, naming who tried to join"
        );
        joins(&engine, "link-2", None, None)
            .await
            .expect("enrolled without the code");
        finish(name, engine).await;
    }
}

/// Ordinary shoppers — some referred by a friend, two to a household tablet, half redeeming
/// a reward, one in ten returning a purchase — are never refused, held or frozen, and seldom
/// flagged.
#[tokio::test]
async fn normal_traffic_is_left_alone() {
    const SHOPPERS: usize = 150;
    for (name, db) in laurel_testkit::backends() {
        let engine = fraud_engine(&db).await;
        let mut rng = rand::rngs::StdRng::seed_from_u64(23);
        let mut operations = 0;
        // The first thirty share their codes, each with a friend or two.
        let mut codes: Vec<(String, u32)> = Vec::new();
        for m in 0..SHOPPERS {
            let referrer = (m >= 30 && rng.random_bool(0.4))
                .then(|| rng.random_range(0..30))
                .filter(|r: &usize| codes[*r].1 < 2);
            let code = referrer.map(|r| {
                codes[r].1 += 1;
                codes[r].0.clone()
            });
            // Two of a household on one tablet; phones from anywhere.
            let joined = engine
                .enroll(EnrollRequest {
                    referral_code: code,
                    phone: Some(format!(
                        "+86 1{}",
                        rng.random_range(3_000_000_000u64..9_999_999_999)
                    )),
                    device: Some(format!("tablet-{}", m / 2)),
                    ..enroll_request(&format!("shopper-{m}"))
                })
                .await
                .unwrap();
            let (id, own) = (joined.id.0, joined.profile.referral_code.unwrap());
            operations += 1;
            codes.push((own, 0));
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
        assert!(
            cases.iter().all(|c| c.action == "flag"),
            "[{name}] no ordinary customer is stopped or has points held: {cases:?}"
        );
        assert!(
            cases.len() * 100 <= operations,
            "[{name}] at most one operation in a hundred flagged for a look: {cases:?}"
        );
        finish(name, engine).await;
    }
}
