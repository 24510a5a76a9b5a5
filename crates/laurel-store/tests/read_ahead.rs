//! What a write transaction reads ahead for a batch (members, idempotent answers, rule usage)
//! must be what it would have read without reading ahead, through the transaction's own writes,
//! on both backends.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use jiff::SignedDuration;
use laurel_core::Points;
use laurel_core::ledger::MemberLedger;
use laurel_core::rules::{RuleUsage, UsageTotals};
use laurel_store::{IdempotentResponse, MemberId, Store, Tx, UsageAsk};

mod support;
use support::*;

/// Posts an earn of `points` for `member` (its balance change is held by the transaction).
async fn earn(tx: &mut Tx, member: MemberId, points: i64) {
    let posting = MemberLedger::balances_only(Points::ZERO, Points::ZERO)
        .earn(Points(points), t0(), schedule(None, None), t0())
        .unwrap();
    tx.post(member, &posting, &meta("purchase", "o", t0()))
        .await
        .unwrap();
}

async fn available(tx: &mut Tx, member: MemberId) -> i64 {
    tx.lock_member(Some(member), None)
        .await
        .unwrap()
        .expect("member exists")
        .available
}

#[tokio::test]
async fn members_read_ahead_show_the_transactions_own_balance_changes_and_only_it_until_commit() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let a = enroll(&store, "a").await;
        let b = enroll(&store, "b").await;
        let mut tx = store.begin().await.unwrap();
        tx.lock_members(&[a], &["b", "nobody"]).await.unwrap();
        earn(&mut tx, a, 100).await;
        earn(&mut tx, a, 50).await;
        assert_eq!(available(&mut tx, a).await, 150, "[{name}]");
        let by_external = tx.lock_member(None, Some("a")).await.unwrap().unwrap();
        assert_eq!(by_external.available, 150, "[{name}]");
        let b_found = tx.lock_member(None, Some("b")).await.unwrap().unwrap();
        assert_eq!((b_found.id, b_found.available), (b, 0), "[{name}]");
        assert!(
            tx.lock_member(None, Some("nobody"))
                .await
                .unwrap()
                .is_none(),
            "[{name}]"
        );
        // A statement that reads the members table sees the changes the transaction holds.
        let ledger = tx.load_ledger(a).await.unwrap();
        assert_eq!(ledger.available, Points(150), "[{name}]");
        earn(&mut tx, a, 1).await;
        assert_eq!(
            store.member(a).await.unwrap().unwrap().available,
            0,
            "[{name}] nothing is visible outside before the commit"
        );
        tx.commit().await.unwrap();
        assert_eq!(
            store.member(a).await.unwrap().unwrap().available,
            151,
            "[{name}]"
        );
        assert_consistent(name, &store).await;
    }
}

#[tokio::test]
async fn a_statement_that_changes_members_makes_the_transaction_read_them_again() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let referrer = enroll(&store, "referrer").await;
        let friend = enroll(&store, "friend").await;
        let mut tx = store.begin().await.unwrap();
        tx.lock_members(&[referrer, friend], &[]).await.unwrap();
        earn(&mut tx, friend, 30).await;
        let friend_before = tx.lock_member(Some(friend), None).await.unwrap().unwrap();
        assert_eq!(friend_before.pending_referral, None, "[{name}]");
        // Sets the friend's pending referral: an UPDATE of members the transaction knew.
        let referral = tx.insert_referral(referrer, friend, t0()).await.unwrap();
        let friend_after = tx.lock_member(Some(friend), None).await.unwrap().unwrap();
        assert_eq!(friend_after.pending_referral, Some(referral), "[{name}]");
        assert_eq!(
            friend_after.available, 30,
            "[{name}] the held change was written first"
        );
        // A member enrolled in the transaction is found, though it was known not to exist.
        let late = tx.lock_member(None, Some("late")).await.unwrap();
        assert!(late.is_none(), "[{name}]");
        let late = tx
            .insert_member(&new_member("late"), jiff::Timestamp::now())
            .await
            .unwrap()
            .unwrap();
        let found = tx.lock_member(None, Some("late")).await.unwrap();
        assert_eq!(found.map(|m| m.id), Some(late), "[{name}]");
        tx.commit().await.unwrap();
        assert_eq!(
            store.member(friend).await.unwrap().unwrap().available,
            30,
            "[{name}]"
        );
        assert_consistent(name, &store).await;
    }
}

fn answer(fingerprint: &str) -> IdempotentResponse {
    IdempotentResponse {
        fingerprint: fingerprint.to_owned(),
        response: format!("{{\"answer\":\"{fingerprint}\"}}"),
    }
}

async fn stored(tx: &mut Tx, key: &str) -> Option<String> {
    tx.idempotent_response("purchase", key)
        .await
        .unwrap()
        .map(|a| a.fingerprint)
}

#[tokio::test]
async fn answers_read_ahead_are_the_stored_ones_and_answers_stored_after_are_found() {
    // More keys than one statement reads ahead (128), half of them answered before.
    const KEYS: usize = 300;
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let keys: Vec<String> = (0..KEYS).map(|i| format!("pos:{i}")).collect();
        let mut tx = store.begin().await.unwrap();
        for key in keys.iter().step_by(2) {
            tx.store_idempotent_response("purchase", key, &answer(key), t0())
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        let mut asked: Vec<(&str, &str)> = keys.iter().map(|k| ("purchase", k.as_str())).collect();
        asked.push(("event:1", "pos:1"));
        tx.read_answers(&asked).await.unwrap();
        for (i, key) in keys.iter().enumerate() {
            let expected = (i % 2 == 0).then(|| key.clone());
            assert_eq!(stored(&mut tx, key).await, expected, "[{name}] {key}");
        }
        assert_eq!(
            tx.idempotent_response("event:1", "pos:1").await.unwrap(),
            None,
            "[{name}] the scope is part of the key"
        );
        tx.store_idempotent_response("purchase", "pos:1", &answer("late"), t0())
            .await
            .unwrap();
        assert_eq!(
            stored(&mut tx, "pos:1").await.as_deref(),
            Some("late"),
            "[{name}]"
        );
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            stored(&mut tx, "pos:1").await.as_deref(),
            Some("late"),
            "[{name}]"
        );
        tx.rollback().await.unwrap();
    }
}

/// The usage `tx` reports for `member` of rules r and s in the periods of t0.
async fn usage_of_r_and_s(tx: &mut Tx, member: MemberId) -> RuleUsage {
    let rules = ["r".to_owned(), "s".to_owned()];
    tx.rule_usage(member, &rules, &[], &periods_of_t0())
        .await
        .unwrap()
}

/// The usage read without reading ahead, in a transaction of its own.
async fn usage_read_afresh(store: &Store, member: MemberId) -> RuleUsage {
    let mut tx = store.begin().await.unwrap();
    let usage = usage_of_r_and_s(&mut tx, member).await;
    tx.rollback().await.unwrap();
    usage
}

#[tokio::test]
async fn usage_read_ahead_counts_the_grants_the_transaction_records_after_held_or_written() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let (a, b) = (enroll(&store, "a").await, enroll(&store, "b").await);
        let hour = SignedDuration::from_hours(1);
        let mut tx = store.begin().await.unwrap();
        grant(&mut tx, a, t0() + hour, &[("r", 10), ("s", 5)]).await;
        grant(&mut tx, a, t0() - hour, &[("r", 80)]).await;
        grant(&mut tx, b, t0() + hour, &[("r", 1000)]).await;
        tx.commit().await.unwrap();

        let rules = ["r".to_owned(), "s".to_owned()];
        let mut tx = store.begin().await.unwrap();
        let ask = |member| UsageAsk {
            member,
            rules: &rules,
            periods: periods_of_t0(),
        };
        tx.read_usage(&[ask(a), ask(b), ask(a)]).await.unwrap();
        let before = usage_of_r_and_s(&mut tx, a).await;
        assert_eq!(
            before.of("r"),
            UsageTotals {
                member_day: Points(10),
                member_week: Points(10),
                member_month: Points(10),
                member_lifetime: Points(90),
                campaign: Points::ZERO,
            },
            "[{name}]"
        );
        // One grant written (releasing a savepoint writes what is held), one still held.
        grant(
            &mut tx,
            a,
            t0() + SignedDuration::from_hours(50),
            &[("r", 20)],
        )
        .await;
        tx.savepoint().await.unwrap();
        tx.release_savepoint().await.unwrap();
        grant(&mut tx, a, t0() + hour, &[("r", 1), ("t", 7)]).await;
        let after = usage_of_r_and_s(&mut tx, a).await;
        assert_eq!(
            after.of("r"),
            UsageTotals {
                member_day: Points(11),
                member_week: Points(31),
                member_month: Points(31),
                member_lifetime: Points(111),
                campaign: Points::ZERO,
            },
            "[{name}]"
        );
        assert_eq!(after.of("s").member_lifetime, Points(5), "[{name}]");
        tx.commit().await.unwrap();
        assert_eq!(after, usage_read_afresh(&store, a).await, "[{name}]");
        assert_eq!(
            usage_read_afresh(&store, b).await.of("r").member_day,
            Points(1000),
            "[{name}]"
        );
        assert_consistent(name, &store).await;
    }
}

#[tokio::test]
async fn usage_read_ahead_for_more_members_than_one_statement_reads_each_members_own() {
    // More members than one statement reads ahead (64).
    const MEMBERS: i64 = 70;
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let mut tx = store.begin().await.unwrap();
        let mut members = Vec::new();
        for i in 1..=MEMBERS {
            let id = tx
                .insert_member(&new_member(&format!("m{i}")), jiff::Timestamp::now())
                .await
                .unwrap()
                .unwrap();
            grant(&mut tx, id, t0(), &[("r", i)]).await;
            members.push(id);
        }
        tx.commit().await.unwrap();

        let rules = ["r".to_owned(), "s".to_owned()];
        let asks: Vec<UsageAsk> = members
            .iter()
            .map(|member| UsageAsk {
                member: *member,
                rules: &rules,
                periods: periods_of_t0(),
            })
            .collect();
        let mut tx = store.begin().await.unwrap();
        tx.read_usage(&asks).await.unwrap();
        for (i, member) in (1..=MEMBERS).zip(&members) {
            let usage = usage_of_r_and_s(&mut tx, *member).await;
            assert_eq!(usage.of("r").member_day, Points(i), "[{name}] member {i}");
            assert_eq!(usage.of("s"), UsageTotals::default(), "[{name}]");
        }
        tx.rollback().await.unwrap();
    }
}
