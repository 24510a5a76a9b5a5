//! Storage conformance suite: every test runs the same scenario against SQLite and PostgreSQL.
//!
//! Each test iterates [`laurel_testkit::backends`] and gives every backend a fresh database, so
//! a behaviour that differs between the two dialects fails here, naming the backend.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use jiff::{SignedDuration, Timestamp};
use laurel_core::earn::LotSchedule;
use laurel_core::ledger::{Account, LotState, MemberLedger, Posting, PostingKind};
use laurel_core::rules::{RuleUsage, UsageTotals};
use laurel_core::{ClawbackPolicy, Points};
use laurel_store::{
    AuditFilter, Backend, DueWork, IdempotentResponse, JournalId, MemberId, NewMember, PurchaseId,
    RefundRecord, Store, StoreError, Tx,
};

mod support;
use support::*;

#[path = "store/churn_list.rs"]
mod churn_list;
#[path = "store/consents.rs"]
mod consents;
#[path = "store/finding.rs"]
mod finding;
#[path = "store/segments.rs"]
mod segments;

#[path = "store/member_spend.rs"]
mod member_spend;

#[path = "store/memberships.rs"]
mod memberships;

#[path = "store/transfers.rs"]
mod transfers;

#[path = "store/partners.rs"]
mod partners;

#[path = "store/point_holds.rs"]
mod point_holds;

#[path = "store/keys.rs"]
mod keys;

// ---------------------------------------------------------------------------------------------
// Connection and migrations
// ---------------------------------------------------------------------------------------------

#[test]
fn backend_is_recognised_from_the_url_and_other_urls_are_refused() {
    assert_eq!(
        Backend::from_url("sqlite://x.db?mode=rwc").unwrap(),
        Backend::Sqlite
    );
    assert_eq!(
        Backend::from_url("postgres://u@h/db").unwrap(),
        Backend::Postgres
    );
    assert_eq!(
        Backend::from_url("postgresql://u@h/db").unwrap(),
        Backend::Postgres
    );
    assert!(matches!(
        Backend::from_url("mysql://u@h/db"),
        Err(StoreError::UnsupportedUrl(_))
    ));
}

#[tokio::test]
async fn migrate_is_idempotent_a_second_run_applies_nothing() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        assert_eq!(store.migrate().await.unwrap(), 0, "[{name}] second migrate");
        // A second connection (another process, another node) sees a migrated schema too.
        let other = Store::connect(&db.url).await.unwrap();
        assert_eq!(
            other.migrate().await.unwrap(),
            0,
            "[{name}] migrate from another pool"
        );
        assert_eq!(
            assert_consistent(name, &store).await,
            0,
            "[{name}] empty ledger"
        );
        let expected = if name == "sqlite" {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        assert_eq!(store.backend(), expected);
    }
}

// ---------------------------------------------------------------------------------------------
// Members
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn enrolled_member_reads_back_with_its_profile_and_zero_balances() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let id = enroll(&store, "cust-1").await;
        let by_id = store.member(id).await.unwrap().expect("by id");
        let by_ext = store
            .member_by_external_id("cust-1")
            .await
            .unwrap()
            .expect("by external id");
        assert_eq!(by_id, by_ext, "[{name}]");
        assert_eq!(by_id.id, id);
        assert_eq!(
            by_id.profile,
            new_member("cust-1"),
            "[{name}] profile round trip"
        );
        assert_eq!(by_id.status, laurel_core::MemberStatus::Active);
        assert_eq!((by_id.available, by_id.pending), (0, 0));
        assert!(
            store.member(MemberId(id.0 + 1000)).await.unwrap().is_none(),
            "[{name}]"
        );
        assert!(
            store
                .member_by_external_id("nobody")
                .await
                .unwrap()
                .is_none(),
            "[{name}]"
        );
        // A member with only the required fields round-trips its NULLs.
        let mut bare = new_member("cust-2");
        (bare.email, bare.phone, bare.name, bare.birthday) = (None, None, None, None);
        let mut tx = store.begin().await.unwrap();
        let bare_id = tx
            .insert_member(&bare, jiff::Timestamp::now())
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            store.member(bare_id).await.unwrap().unwrap().profile,
            bare,
            "[{name}]"
        );
    }
}

#[tokio::test]
async fn enrolling_a_duplicate_external_id_returns_none_and_writes_nothing() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let first = enroll(&store, "dup").await;
        let mut other = new_member("dup");
        other.email = Some("someone-else@example.com".into());
        other.name = Some("李四".into());
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            tx.insert_member(&other, jiff::Timestamp::now())
                .await
                .unwrap(),
            None,
            "[{name}] duplicate must be refused"
        );
        // The transaction is still usable after the refusal (no aborted PostgreSQL transaction).
        let next = tx
            .insert_member(&new_member("next"), jiff::Timestamp::now())
            .await
            .unwrap()
            .expect("fresh id in same tx");
        tx.commit().await.unwrap();
        let stored = store.member_by_external_id("dup").await.unwrap().unwrap();
        assert_eq!(stored.id, first, "[{name}]");
        assert_eq!(
            stored.profile,
            new_member("dup"),
            "[{name}] the first profile must be untouched"
        );
        assert!(store.member(next).await.unwrap().is_some());
        assert_ne!(next, first);
        assert_consistent(name, &store).await;
    }
}

#[tokio::test]
async fn lock_member_finds_by_id_or_external_id_and_none_for_unknown() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let a = enroll(&store, "a").await;
        let b = enroll(&store, "b").await;
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            tx.lock_member(Some(a), None).await.unwrap().unwrap().id,
            a,
            "[{name}]"
        );
        assert_eq!(
            tx.lock_member(None, Some("b")).await.unwrap().unwrap().id,
            b,
            "[{name}]"
        );
        // The id wins over the external id when both are given.
        assert_eq!(
            tx.lock_member(Some(a), Some("b"))
                .await
                .unwrap()
                .unwrap()
                .id,
            a,
            "[{name}]"
        );
        assert!(
            tx.lock_member(None, Some("zzz")).await.unwrap().is_none(),
            "[{name}]"
        );
        assert!(
            tx.lock_member(Some(MemberId(9_999)), None)
                .await
                .unwrap()
                .is_none(),
            "[{name}]"
        );
        assert!(
            tx.lock_member(None, None).await.unwrap().is_none(),
            "[{name}]"
        );
        tx.lock_members(&[b, MemberId(9_999), a], &["zzz", "b"])
            .await
            .unwrap();
        tx.lock_members(&[], &[]).await.unwrap();
        tx.commit().await.unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Ledger: postings stored equal postings applied in memory
// ---------------------------------------------------------------------------------------------

/// Posts `posting` to the store and applies it to the in-memory model with the lot ids the
/// store assigned; then the stored state must equal the model.
async fn post_and_compare(
    name: &str,
    store: &Store,
    member: MemberId,
    model: &mut MemberLedger,
    posting: &Posting,
    step: &str,
) -> JournalId {
    let (journal, opened) = post_one(store, member, posting, &meta(step, step, t0())).await;
    let mut ids = opened.into_iter();
    model
        .apply(posting, || {
            ids.next()
                .expect("store opened as many lots as the posting")
        })
        .unwrap_or_else(|e| panic!("[{name}] {step}: model rejects posting: {e}"));
    assert!(
        ids.next().is_none(),
        "[{name}] {step}: store opened more lots than the posting"
    );
    let stored = sorted(load(store, member).await);
    assert_eq!(
        stored,
        sorted(model.clone()),
        "[{name}] {step}: stored ledger differs from model"
    );
    let via_store = sorted(store.member_ledger(member).await.unwrap().expect("member"));
    assert_eq!(
        via_store, stored,
        "[{name}] {step}: read path differs from write path"
    );
    let m = store.member(member).await.unwrap().unwrap();
    assert_eq!(
        (m.available, m.pending),
        (model.available.get(), model.pending.get()),
        "[{name}] {step}"
    );
    let report = store.check_consistency().await.unwrap();
    assert!(report.is_consistent(), "[{name}] {step}: {report:?}");
    journal
}

#[tokio::test]
async fn stored_postings_load_back_equal_to_applying_them_in_memory() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let member = enroll(&store, "ledger").await;
        let mut model = load(&store, member).await;
        assert_eq!(
            model,
            MemberLedger::default(),
            "[{name}] a new member has an empty ledger"
        );
        let now = t0();

        // Four earnings: available, short-lived, pending, medium-lived.
        let year = schedule(None, Some(now + days(365)));
        let earn_a = model.earn(Points(100), now, year, now).unwrap();
        let a = post_and_compare(name, &store, member, &mut model, &earn_a, "earn available").await;
        let short = schedule(None, Some(now + days(10)));
        let earn_b = model.earn(Points(30), now + days(1), short, now).unwrap();
        post_and_compare(
            name,
            &store,
            member,
            &mut model,
            &earn_b,
            "earn short-lived",
        )
        .await;
        let pending = schedule(Some(now + days(30)), Some(now + days(365)));
        let earn_p = model.earn(Points(50), now, pending, now).unwrap();
        assert!(matches!(
            earn_p.lots[0],
            laurel_core::ledger::LotEffect::Open(l) if matches!(l.state, LotState::Pending { .. })
        ));
        post_and_compare(name, &store, member, &mut model, &earn_p, "earn pending").await;
        let medium = schedule(None, Some(now + days(20)));
        let earn_c = model.earn(Points(25), now + days(2), medium, now).unwrap();
        post_and_compare(
            name,
            &store,
            member,
            &mut model,
            &earn_c,
            "earn medium-lived",
        )
        .await;
        assert_eq!((model.available, model.pending), (Points(155), Points(50)));

        // Redeeming draws soonest-expiring lots first: all of the 30, then 10 of the 25.
        let redeem = model.redeem(Points(40)).unwrap();
        assert_eq!(redeem.lots.len(), 2);
        post_and_compare(name, &store, member, &mut model, &redeem, "redeem").await;

        // Expiry on day 25 takes the 15 left of the 25-point lot, nothing else.
        assert!(model.expire(now + days(5)).is_none());
        let expire = model.expire(now + days(25)).unwrap();
        post_and_compare(name, &store, member, &mut model, &expire, "expire").await;
        assert_eq!(model.available, Points(100));

        // The return window closes on day 30.
        assert!(model.release(now + days(29)).is_none());
        let release = model.release(now + days(30)).unwrap();
        post_and_compare(name, &store, member, &mut model, &release, "release").await;
        assert_eq!(
            (model.available, model.pending),
            (Points(150), Points::ZERO)
        );

        // A refund takes back 20 from the lot of the first earning.
        let a_lot = model
            .lots
            .iter()
            .find(|l| l.remaining == Points(100))
            .map(|l| l.id);
        let reverse = model
            .reverse(a_lot, Points(20), ClawbackPolicy::CapAtZero)
            .unwrap();
        post_and_compare(
            name,
            &store,
            member,
            &mut model,
            &reverse,
            "reverse from source lot",
        )
        .await;

        // Staff credit and debit.
        let credit = model.adjust_credit(Points(7), now, None).unwrap();
        post_and_compare(name, &store, member, &mut model, &credit, "adjust credit").await;
        let debit = model.adjust_debit(Points(2)).unwrap();
        post_and_compare(name, &store, member, &mut model, &debit, "adjust debit").await;
        assert_eq!(model.available, Points(135));

        // Cap-at-zero reversal beyond the balance: stops at zero and records the shortfall.
        let capped = model
            .reverse(None, Points(150), ClawbackPolicy::CapAtZero)
            .unwrap();
        assert_eq!(capped.shortfall, Points(15));
        let capped_id =
            post_and_compare(name, &store, member, &mut model, &capped, "capped reverse").await;
        assert_eq!(model.available, Points::ZERO);

        // Allow-negative reversal takes the balance below zero...
        let negative = model
            .reverse(None, Points(40), ClawbackPolicy::AllowNegative)
            .unwrap();
        post_and_compare(
            name,
            &store,
            member,
            &mut model,
            &negative,
            "negative reverse",
        )
        .await;
        assert_eq!(model.available, Points(-40));
        // ...an available earning repays part of the debt (its lot opens with what is left)...
        let repay = model
            .earn(Points(10), now, schedule(None, None), now)
            .unwrap();
        post_and_compare(
            name,
            &store,
            member,
            &mut model,
            &repay,
            "earn while negative",
        )
        .await;
        assert_eq!(model.available, Points(-30));
        // ...and a pending earning released later repays the rest.
        let later = model
            .earn(Points(45), now, schedule(Some(now + days(40)), None), now)
            .unwrap();
        post_and_compare(
            name,
            &store,
            member,
            &mut model,
            &later,
            "pending while negative",
        )
        .await;
        let repaid = model.release(now + days(40)).unwrap();
        post_and_compare(
            name,
            &store,
            member,
            &mut model,
            &repaid,
            "release repaying debt",
        )
        .await;
        assert_eq!((model.available, model.pending), (Points(15), Points::ZERO));

        // Double entry over everything: the program accounts and member accounts sum to zero.
        let totals = store.account_totals().await.unwrap();
        let net: Points = totals.iter().map(|(_, p)| *p).sum();
        assert_eq!(net, Points::ZERO, "[{name}] totals {totals:?}");
        let of = |account: Account| {
            totals
                .iter()
                .find(|(a, _)| *a == account)
                .map_or(Points::ZERO, |(_, p)| *p)
        };
        assert_eq!(
            of(Account::Issued),
            Points(-(100 + 30 + 50 + 25 + 10 + 45)),
            "[{name}]"
        );
        assert_eq!(of(Account::Redeemed), Points(40), "[{name}]");
        assert_eq!(of(Account::Expired), Points(15), "[{name}]");
        assert_eq!(of(Account::Reversed), Points(20 + 135 + 40), "[{name}]");
        assert_eq!(of(Account::Adjusted), Points(-5), "[{name}]");
        assert_eq!(of(Account::MemberAvailable), Points(15), "[{name}]");

        // The journal keeps what the core decided.
        let page = store.ledger_page(member, None, 200).await.unwrap();
        assert_eq!(page.entries.len(), 15, "[{name}]");
        let capped_entry = page.entries.iter().find(|e| e.id == capped_id).unwrap();
        assert_eq!(capped_entry.kind, PostingKind::Reverse);
        assert_eq!(capped_entry.shortfall, Points(15));
        assert_eq!(capped_entry.available_delta, Points(-135));
        let first = page.entries.iter().find(|e| e.id == a).unwrap();
        assert_eq!(
            (first.kind, first.available_delta, first.pending_delta),
            (PostingKind::Earn, Points(100), Points::ZERO)
        );
        assert_eq!(assert_consistent(name, &store).await, 15);
    }
}

#[tokio::test]
async fn postings_of_one_member_leave_other_members_untouched() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let a = enroll(&store, "a").await;
        let b = enroll(&store, "b").await;
        let earn = MemberLedger::default()
            .earn(Points(60), t0(), schedule(None, None), t0())
            .unwrap();
        let mut tx = store.begin().await.unwrap();
        tx.post(a, &earn, &meta("purchase", "o-1", t0()))
            .await
            .unwrap();
        tx.post(b, &earn, &meta("purchase", "o-2", t0()))
            .await
            .unwrap();
        let a_ledger = tx.load_ledger(a).await.unwrap();
        let redeem = a_ledger.redeem(Points(60)).unwrap();
        tx.post(a, &redeem, &meta("redeem", "r-1", t0()))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            store.member(a).await.unwrap().unwrap().available,
            0,
            "[{name}]"
        );
        assert_eq!(
            store.member(b).await.unwrap().unwrap().available,
            60,
            "[{name}]"
        );
        assert!(
            store
                .member_ledger(a)
                .await
                .unwrap()
                .unwrap()
                .lots
                .is_empty(),
            "[{name}] closed lots are not loaded"
        );
        assert_eq!(
            store.member_ledger(b).await.unwrap().unwrap().lots.len(),
            1,
            "[{name}]"
        );
        assert!(
            store
                .member_ledger(MemberId(9_999))
                .await
                .unwrap()
                .is_none(),
            "[{name}]"
        );
        assert_eq!(
            store.ledger_page(b, None, 10).await.unwrap().entries.len(),
            1,
            "[{name}]"
        );
        assert_eq!(assert_consistent(name, &store).await, 3);
    }
}

// ---------------------------------------------------------------------------------------------
// History pages
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn ledger_page_is_newest_first_with_a_cursor_until_the_last_page() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let member = enroll(&store, "pages").await;
        let other = enroll(&store, "noise").await;
        let mut ids = Vec::new();
        for i in 0..5_i64 {
            let ledger = load(&store, member).await;
            let posting = ledger
                .earn(Points(10 + i), t0(), schedule(None, None), t0())
                .unwrap();
            let mut m = meta(
                &format!("reason {i}"),
                &format!("order-{i}"),
                t0() + days(i),
            );
            m.actor = (i % 2 == 0).then(|| format!("key-{i}"));
            m.posted_at = t0() + days(i) + SignedDuration::from_micros(123_456);
            let (id, _) = post_one(&store, member, &posting, &m).await;
            ids.push((id, m, 10 + i));
            // Interleave another member's postings: they must never show up.
            let noise = load(&store, other)
                .await
                .earn(Points(1), t0(), schedule(None, None), t0())
                .unwrap();
            post_one(&store, other, &noise, &meta("noise", "noise", t0())).await;
        }
        let newest_first: Vec<JournalId> = ids.iter().rev().map(|(id, _, _)| *id).collect();

        let page1 = store.ledger_page(member, None, 2).await.unwrap();
        assert_eq!(
            page1.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
            newest_first[0..2],
            "[{name}]"
        );
        assert_eq!(
            page1.next_cursor,
            Some(newest_first[1]),
            "[{name}] cursor is the last entry shown"
        );
        let page2 = store
            .ledger_page(member, page1.next_cursor, 2)
            .await
            .unwrap();
        assert_eq!(
            page2.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
            newest_first[2..4],
            "[{name}]"
        );
        let page3 = store
            .ledger_page(member, page2.next_cursor, 2)
            .await
            .unwrap();
        assert_eq!(
            page3.entries.iter().map(|e| e.id).collect::<Vec<_>>(),
            newest_first[4..5],
            "[{name}]"
        );
        assert_eq!(
            page3.next_cursor, None,
            "[{name}] the last page has no cursor"
        );

        // A limit equal to what is left gives no cursor; a limit of 0 is raised to 1.
        let exact = store.ledger_page(member, None, 5).await.unwrap();
        assert_eq!(exact.entries.len(), 5, "[{name}]");
        assert_eq!(
            exact.next_cursor, None,
            "[{name}] no older entries, no cursor"
        );
        let one = store.ledger_page(member, None, 0).await.unwrap();
        assert_eq!(one.entries.len(), 1, "[{name}]");
        assert_eq!(one.next_cursor, Some(newest_first[0]), "[{name}]");
        let huge = store.ledger_page(member, None, u32::MAX).await.unwrap();
        assert_eq!(
            huge.entries.len(),
            5,
            "[{name}] limit is clamped, not rejected"
        );

        // Every field of an entry round-trips, including microseconds and NULL actors.
        for entry in &exact.entries {
            let (_, m, points) = ids.iter().find(|(id, _, _)| *id == entry.id).unwrap();
            assert_eq!(&entry.meta, m, "[{name}] meta of {:?}", entry.id);
            assert_eq!(entry.kind, PostingKind::Earn);
            assert_eq!(
                (entry.available_delta, entry.pending_delta, entry.shortfall),
                (Points(*points), Points::ZERO, Points::ZERO)
            );
        }
        let empty = store.ledger_page(MemberId(9_999), None, 10).await.unwrap();
        assert!(
            empty.entries.is_empty() && empty.next_cursor.is_none(),
            "[{name}]"
        );
        assert_consistent(name, &store).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Due work for jobs
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn an_earns_grants_read_back_with_its_ledger_page_in_order_with_their_basis() {
    use laurel_core::rules::{Effect, GrantBasis, LimitKind};
    use laurel_store::NewGrant;
    let dec = |s: &str| s.parse::<rust_decimal::Decimal>().unwrap();
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let member = enroll(&store, "why").await;
        let mut tx = store.begin().await.unwrap();
        // A grant recorded as before its basis was kept.
        grant(&mut tx, member, t0(), &[("base", 7)]).await;
        let earn = tx
            .load_ledger(member)
            .await
            .unwrap()
            .earn(Points(178), t0(), schedule(None, None), t0())
            .unwrap();
        let (journal, _) = tx
            .post(member, &earn, &meta("purchase", "o-2", t0()))
            .await
            .unwrap();
        let rule = GrantBasis::Rule {
            name: "Double “beans”".into(),
            effect: Effect::Multiplier(dec("2")),
            spend: Some(dec("128.50")),
            base: Some(Points(128)),
        };
        let grants = [
            NewGrant {
                rule_id: "zz_base_first".into(),
                points: 128,
                capped_by: None,
                basis: Some(GrantBasis::Base {
                    rate: dec("1"),
                    spend: dec("128.50"),
                }),
            },
            NewGrant {
                rule_id: "double".into(),
                points: 50,
                capped_by: Some(LimitKind::PerMemberDay),
                basis: Some(rule.clone()),
            },
        ];
        tx.record_grants(journal, member, t0(), 2, &grants)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let page = store.ledger_page(member, None, 10).await.unwrap();
        let newest = &page.entries[0];
        let read: Vec<(&str, i64, Option<LimitKind>)> = newest
            .grants
            .iter()
            .map(|g| (g.rule_id.as_str(), g.points.get(), g.capped_by))
            .collect();
        assert_eq!(
            read,
            vec![
                ("zz_base_first", 128, None),
                ("double", 50, Some(LimitKind::PerMemberDay))
            ],
            "[{name}] in the order granted, not by rule id"
        );
        assert_eq!(
            newest.grants[0].basis(2),
            Some(GrantBasis::Base {
                rate: dec("1"),
                spend: dec("128.50")
            }),
            "[{name}]"
        );
        assert_eq!(newest.grants[1].basis(2), Some(rule), "[{name}]");
        let older = &page.entries[1];
        assert_eq!(older.grants.len(), 1, "[{name}] each entry its own grants");
        assert_eq!(older.grants[0].basis(2), None, "[{name}] none kept then");
        assert_consistent(name, &store).await;
    }
}

#[tokio::test]
async fn members_with_due_lots_finds_exactly_the_due_members() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let now = t0();
        let earn = |member: MemberId, points: i64, s: LotSchedule| {
            let store = store.clone();
            async move {
                let posting = load(&store, member)
                    .await
                    .earn(Points(points), now, s, now)
                    .unwrap();
                post_one(&store, member, &posting, &meta("earn", "x", now)).await;
            }
        };
        let expires_day10 = enroll(&store, "expires-day-10").await;
        earn(expires_day10, 10, schedule(None, Some(now + days(10)))).await;
        let expires_day20 = enroll(&store, "expires-day-20").await;
        earn(expires_day20, 10, schedule(None, Some(now + days(20)))).await;
        // Due on day 10 but already spent: nothing left to expire.
        let spent = enroll(&store, "spent").await;
        earn(spent, 10, schedule(None, Some(now + days(10)))).await;
        let redeem = load(&store, spent).await.redeem(Points(10)).unwrap();
        post_one(&store, spent, &redeem, &meta("redeem", "r", now)).await;
        let never = enroll(&store, "never-expires").await;
        earn(never, 10, schedule(None, None)).await;
        let pending = enroll(&store, "pending-day-5").await;
        earn(pending, 10, schedule(Some(now + days(5)), None)).await;
        let pending_day9 = enroll(&store, "pending-day-9-expires-day-10").await;
        earn(
            pending_day9,
            10,
            schedule(Some(now + days(9)), Some(now + days(10))),
        )
        .await;

        let due = |work: DueWork, at: Timestamp, limit: u32| {
            let store = store.clone();
            async move {
                let mut found = store.members_with_due_lots(work, at, limit).await.unwrap();
                found.sort();
                found
            }
        };
        let mut expect_day10 = vec![expires_day10, pending_day9];
        expect_day10.sort();
        assert_eq!(
            due(DueWork::Expiry, now + days(9), 100).await,
            vec![],
            "[{name}] nothing due before day 10"
        );
        assert_eq!(
            due(DueWork::Expiry, now + days(10), 100).await,
            expect_day10,
            "[{name}] due at the instant itself"
        );
        let mut expect_day20 = vec![expires_day10, expires_day20, pending_day9];
        expect_day20.sort();
        assert_eq!(
            due(DueWork::Expiry, now + days(400), 100).await,
            expect_day20,
            "[{name}]"
        );
        assert_eq!(
            due(DueWork::Expiry, now + days(400), 2).await.len(),
            2,
            "[{name}] limit respected"
        );

        assert_eq!(
            due(DueWork::Release, now + days(4), 100).await,
            vec![],
            "[{name}]"
        );
        assert_eq!(
            due(DueWork::Release, now + days(5), 100).await,
            vec![pending],
            "[{name}]"
        );
        let mut both = vec![pending, pending_day9];
        both.sort();
        assert_eq!(
            due(DueWork::Release, now + days(9), 100).await,
            both,
            "[{name}]"
        );

        // Once released, a lot is no longer due for release (but still for expiry).
        let release = load(&store, pending_day9)
            .await
            .release(now + days(9))
            .unwrap();
        post_one(&store, pending_day9, &release, &meta("release", "job", now)).await;
        assert_eq!(
            due(DueWork::Release, now + days(9), 100).await,
            vec![pending],
            "[{name}]"
        );
        assert_eq!(
            due(DueWork::Expiry, now + days(10), 100).await,
            expect_day10,
            "[{name}]"
        );
        // Once expired, nothing is due for that member.
        let expire = load(&store, expires_day10)
            .await
            .expire(now + days(10))
            .unwrap();
        post_one(&store, expires_day10, &expire, &meta("expired", "job", now)).await;
        assert_eq!(
            due(DueWork::Expiry, now + days(10), 100).await,
            vec![pending_day9],
            "[{name}]"
        );
        assert_consistent(name, &store).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Idempotency records
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn idempotent_response_round_trips_by_scope_and_key() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let answer = IdempotentResponse {
            fingerprint: "f1".into(),
            response: r#"{"entry_id":1,"note":"积分 ✓"}"#.into(),
        };
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            tx.idempotent_response("redeem:1", "k").await.unwrap(),
            None,
            "[{name}]"
        );
        tx.store_idempotent_response("redeem:1", "k", &answer, t0())
            .await
            .unwrap();
        // Visible inside the same transaction (a group commit retries within one batch).
        assert_eq!(
            tx.idempotent_response("redeem:1", "k")
                .await
                .unwrap()
                .as_ref(),
            Some(&answer),
            "[{name}]"
        );
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            tx.idempotent_response("redeem:1", "k").await.unwrap(),
            Some(answer.clone()),
            "[{name}]"
        );
        assert_eq!(
            tx.idempotent_response("redeem:2", "k").await.unwrap(),
            None,
            "[{name}] other scope"
        );
        assert_eq!(
            tx.idempotent_response("redeem:1", "K").await.unwrap(),
            None,
            "[{name}] keys are exact"
        );
        // The same key in another scope is a different record.
        let other = IdempotentResponse {
            fingerprint: "f2".into(),
            response: "{}".into(),
        };
        tx.store_idempotent_response("redeem:2", "k", &other, t0())
            .await
            .unwrap();
        tx.commit().await.unwrap();

        // Storing the same (scope, key) twice is a unique violation once the row is written
        // (held rows are written at the latest on commit); the first answer stays.
        let mut tx = store.begin().await.unwrap();
        tx.store_idempotent_response("redeem:1", "k", &other, t0())
            .await
            .unwrap();
        let err = tx.commit().await.unwrap_err();
        assert!(err.is_unique_violation(), "[{name}] {err}");
        assert!(
            !err.is_retryable(),
            "[{name}] a unique violation is not retryable"
        );
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            tx.idempotent_response("redeem:1", "k").await.unwrap(),
            Some(answer.clone()),
            "[{name}]"
        );
        assert_eq!(
            tx.idempotent_response("redeem:2", "k").await.unwrap(),
            Some(other),
            "[{name}]"
        );
        tx.commit().await.unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Transactions
// ---------------------------------------------------------------------------------------------

/// Enrolls `external_id` and posts an earning for it inside `tx`.
async fn enroll_and_earn(tx: &mut Tx, external_id: &str) -> MemberId {
    let id = tx
        .insert_member(&new_member(external_id), jiff::Timestamp::now())
        .await
        .unwrap()
        .unwrap();
    let posting = tx
        .load_ledger(id)
        .await
        .unwrap()
        .earn(Points(5), t0(), schedule(None, None), t0())
        .unwrap();
    tx.post(id, &posting, &meta("earn", external_id, t0()))
        .await
        .unwrap();
    tx.store_idempotent_response(
        "s",
        external_id,
        &IdempotentResponse {
            fingerprint: "f".into(),
            response: "r".into(),
        },
        t0(),
    )
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn rows_held_by_a_transaction_are_read_back_inside_it_and_all_written_on_commit() {
    // More earns with purchases than a table holds at once (256), over three members.
    const EARNS: usize = 300;
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let mut members = Vec::new();
        for external_id in ["m1", "m2", "m3"] {
            members.push(enroll(&store, external_id).await);
        }
        let mut tx = store.begin().await.unwrap();
        let (mut journals, mut lots, mut purchases) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..EARNS {
            let member = members[i % members.len()];
            // An earn opens a lot without reading the member's others.
            let earn = MemberLedger::balances_only(Points::ZERO, Points::ZERO)
                .earn(Points(100), t0(), schedule(None, None), t0())
                .unwrap();
            let (journal, opened) = tx
                .post(member, &earn, &meta("purchase", "o", t0()))
                .await
                .unwrap();
            let order = format!("o-{i}");
            let purchase = tx
                .insert_purchase(&new_purchase(
                    member,
                    "pos",
                    &order,
                    opened.first().copied(),
                ))
                .await
                .unwrap();
            journals.push(journal.0);
            lots.extend(opened.iter().map(|l| l.0));
            purchases.push(purchase.0);
        }
        for ids in [&journals, &lots, &purchases] {
            assert_eq!(ids.len(), EARNS, "[{name}]");
            assert!(
                ids.windows(2).all(|w| w[0] < w[1]),
                "[{name}] ids are handed out distinct and ascending"
            );
        }
        let last = tx.purchase(PurchaseId(purchases[EARNS - 1])).await.unwrap();
        let last = last.expect("a held purchase is read inside its transaction");
        assert_eq!(last.lines.len(), 2, "[{name}]");
        assert_eq!(last.lot.map(|l| l.0), lots.last().copied(), "[{name}]");
        tx.commit().await.unwrap();

        for member in &members {
            let ledger = store.member_ledger(*member).await.unwrap().unwrap();
            assert_eq!(
                ledger.available,
                Points(10_000),
                "[{name}] 100 earns of 100 each"
            );
            assert_eq!(ledger.lots.len(), EARNS / members.len(), "[{name}]");
        }
        let first = store.purchase(PurchaseId(purchases[0])).await.unwrap();
        assert_eq!(first.map(|p| p.lines.len()), Some(2), "[{name}]");
        assert_consistent(name, &store).await;
    }
}

async fn idempotent_exists(store: &Store, key: &str) -> bool {
    let mut tx = store.begin().await.unwrap();
    let found = tx.idempotent_response("s", key).await.unwrap().is_some();
    tx.rollback().await.unwrap();
    found
}

#[tokio::test]
async fn a_rolled_back_or_dropped_transaction_leaves_nothing() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;

        let mut tx = store.begin().await.unwrap();
        enroll_and_earn(&mut tx, "dropped").await;
        drop(tx);
        let mut tx = store.begin().await.unwrap();
        enroll_and_earn(&mut tx, "rolled-back").await;
        tx.rollback().await.unwrap();

        for ext in ["dropped", "rolled-back"] {
            assert!(
                store.member_by_external_id(ext).await.unwrap().is_none(),
                "[{name}] {ext}"
            );
            assert!(!idempotent_exists(&store, ext).await, "[{name}] {ext}");
        }
        assert_eq!(
            assert_consistent(name, &store).await,
            0,
            "[{name}] no postings survive"
        );
        assert!(
            store.account_totals().await.unwrap().is_empty(),
            "[{name}] no entries survive"
        );
        // The external ids are free again.
        let mut tx = store.begin().await.unwrap();
        assert!(
            tx.insert_member(&new_member("dropped"), jiff::Timestamp::now())
                .await
                .unwrap()
                .is_some(),
            "[{name}]"
        );
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn rollback_to_savepoint_undoes_one_command_and_keeps_the_rest() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let mut tx = store.begin().await.unwrap();

        tx.savepoint().await.unwrap();
        let kept = enroll_and_earn(&mut tx, "kept").await;
        tx.release_savepoint().await.unwrap();

        tx.savepoint().await.unwrap();
        enroll_and_earn(&mut tx, "undone").await;
        tx.rollback_to_savepoint().await.unwrap();

        // A failed statement inside a savepoint (an aborted PostgreSQL transaction) is
        // recoverable too: the group commit relies on this.
        // Held rows are written when their savepoint is released, so their failure is inside it.
        tx.savepoint().await.unwrap();
        tx.store_idempotent_response(
            "s",
            "kept",
            &IdempotentResponse {
                fingerprint: "x".into(),
                response: "x".into(),
            },
            t0(),
        )
        .await
        .unwrap();
        assert!(tx.release_savepoint().await.is_err(), "[{name}]");
        tx.rollback_to_savepoint().await.unwrap();

        tx.savepoint().await.unwrap();
        let after = enroll_and_earn(&mut tx, "after").await;
        tx.release_savepoint().await.unwrap();
        tx.commit().await.unwrap();

        assert_eq!(
            store.member(kept).await.unwrap().unwrap().available,
            5,
            "[{name}]"
        );
        assert_eq!(
            store.member(after).await.unwrap().unwrap().available,
            5,
            "[{name}]"
        );
        assert!(
            store
                .member_by_external_id("undone")
                .await
                .unwrap()
                .is_none(),
            "[{name}]"
        );
        assert!(
            idempotent_exists(&store, "kept").await && idempotent_exists(&store, "after").await,
            "[{name}]"
        );
        assert!(!idempotent_exists(&store, "undone").await, "[{name}]");
        assert_eq!(
            assert_consistent(name, &store).await,
            2,
            "[{name}] only the kept postings"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Purchases and refunds
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn purchases_read_back_with_lines_and_refunds_accumulate() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let member = enroll(&store, "buyer").await;
        let earn = MemberLedger::default()
            .earn(Points(100), t0(), schedule(None, None), t0())
            .unwrap();
        let mut tx = store.begin().await.unwrap();
        let (journal, lots) = tx
            .post(member, &earn, &meta("purchase", "pos:o-1", t0()))
            .await
            .unwrap();
        let new = new_purchase(member, "pos", "o-1", lots.first().copied());
        let id = tx.insert_purchase(&new).await.unwrap();
        let in_tx = tx
            .purchase(id)
            .await
            .unwrap()
            .expect("visible in its transaction");
        tx.commit().await.unwrap();

        let stored = store.purchase(id).await.unwrap().expect("stored");
        assert_eq!(
            stored, in_tx,
            "[{name}] read inside and outside a transaction agree"
        );
        assert_eq!(stored.id, id);
        assert_eq!(stored.member, member);
        assert_eq!(
            (stored.channel.as_str(), stored.order_id.as_str()),
            ("pos", "o-1")
        );
        assert_eq!(stored.store.as_deref(), Some("shop-42"));
        assert_eq!(
            (
                stored.currency.as_str(),
                stored.total_minor,
                stored.refunded_minor
            ),
            ("CNY", 10_000, 0)
        );
        assert_eq!((stored.points_earned, stored.points_reversed), (100, 0));
        assert_eq!(stored.lot, lots.first().copied(), "[{name}]");
        assert_eq!(
            stored.occurred_at, new.occurred_at,
            "[{name}] microseconds survive"
        );
        let lines: Vec<_> = stored
            .lines
            .iter()
            .map(|l| (l.line_no, l.line.clone(), l.refunded_quantity))
            .collect();
        assert_eq!(
            lines,
            vec![(0, new.lines[0].clone(), 0), (1, new.lines[1].clone(), 0)],
            "[{name}]"
        );
        assert!(
            store
                .purchase(PurchaseId(id.0 + 100))
                .await
                .unwrap()
                .is_none(),
            "[{name}]"
        );

        // Two refunds: one by line with a reversal posting, one with a shortfall and no posting.
        let mut tx = store.begin().await.unwrap();
        let ledger = tx.load_ledger(member).await.unwrap();
        let reverse = ledger
            .reverse(stored.lot, Points(30), ClawbackPolicy::CapAtZero)
            .unwrap();
        let (rj, _) = tx
            .post(member, &reverse, &meta("refund", "o-1:r-1", t0()))
            .await
            .unwrap();
        let r1 = RefundRecord {
            purchase: id,
            refund_id: "r-1".into(),
            amount_minor: 3_000,
            points_reversed: 30,
            shortfall: 0,
            journal: Some(rj),
            recorded_at: t0(),
        };
        tx.record_refund(&r1, &[(0, 1)]).await.unwrap();
        let r2 = RefundRecord {
            refund_id: "r-2".into(),
            amount_minor: 4_000,
            points_reversed: 25,
            shortfall: 15,
            journal: None,
            ..r1.clone()
        };
        tx.record_refund(&r2, &[(1, 1), (0, 1)]).await.unwrap();
        tx.commit().await.unwrap();

        let after = store.purchase(id).await.unwrap().unwrap();
        assert_eq!(after.refunded_minor, 7_000, "[{name}]");
        assert_eq!(
            after.points_reversed,
            30 + 25 + 15,
            "[{name}] reversed counts shortfall as dealt with"
        );
        let refunded: Vec<i64> = after.lines.iter().map(|l| l.refunded_quantity).collect();
        assert_eq!(refunded, vec![2, 1], "[{name}]");
        assert_eq!(
            after.lines[0].line, new.lines[0],
            "[{name}] lines otherwise unchanged"
        );

        // A refund id is unique per purchase.
        let mut tx = store.begin().await.unwrap();
        let err = tx.record_refund(&r1, &[]).await.unwrap_err();
        assert!(err.is_unique_violation(), "[{name}] {err}");
        drop(tx);
        assert_eq!(
            store.purchase(id).await.unwrap().unwrap().refunded_minor,
            7_000,
            "[{name}] nothing half-applied"
        );
        assert!(journal.0 < rj.0);
        assert_consistent(name, &store).await;
    }
}

#[tokio::test]
async fn order_ids_are_unique_per_channel_only() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let member = enroll(&store, "buyer").await;
        let mut tx = store.begin().await.unwrap();
        let pos = tx
            .insert_purchase(&new_purchase(member, "pos", "o-1", None))
            .await
            .unwrap();
        let web = tx
            .insert_purchase(&new_purchase(member, "web", "o-1", None))
            .await
            .unwrap();
        assert_ne!(pos, web, "[{name}]");
        let mut no_lines = new_purchase(member, "app", "o-2", None);
        no_lines.lines.clear();
        no_lines.store = None;
        let bare = tx.insert_purchase(&no_lines).await.unwrap();
        tx.commit().await.unwrap();
        let bare = store.purchase(bare).await.unwrap().unwrap();
        assert!(
            bare.lines.is_empty() && bare.store.is_none() && bare.lot.is_none(),
            "[{name}]"
        );

        // The clash shows when the purchase row is written: at the latest on commit.
        let mut tx = store.begin().await.unwrap();
        tx.insert_purchase(&new_purchase(member, "pos", "o-1", None))
            .await
            .unwrap();
        let err = tx.commit().await.unwrap_err();
        assert!(err.is_unique_violation(), "[{name}] {err}");
        assert_consistent(name, &store).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Earn grants and rule usage
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn rule_usage_sums_a_members_grants_per_period_and_the_campaign_across_members() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let a = enroll(&store, "a").await;
        let b = enroll(&store, "b").await;
        let mut tx = store.begin().await.unwrap();
        assert!(!tx.has_purchased(a).await.unwrap(), "[{name}]");
        let hour = SignedDuration::from_hours(1);
        grant(
            &mut tx,
            a,
            t0() + hour,
            &[("base", 100), ("r", 10), ("s", 5)],
        )
        .await;
        grant(&mut tx, a, t0() + days(2), &[("r", 20)]).await;
        // Releasing a savepoint writes what the transaction holds: the grants above are
        // written, those below still held, and the usage counts both.
        tx.savepoint().await.unwrap();
        tx.release_savepoint().await.unwrap();
        grant(&mut tx, a, t0() + days(10), &[("r", 40)]).await;
        grant(&mut tx, a, t0() - hour, &[("r", 80)]).await;
        // The end of a period is excluded.
        grant(&mut tx, a, t0() + days(30), &[("r", 160)]).await;
        grant(&mut tx, b, t0() + hour, &[("r", 1000), ("s", 7)]).await;
        tx.insert_purchase(&new_purchase(a, "pos", "o-1", None))
            .await
            .unwrap();
        assert!(tx.has_purchased(a).await.unwrap(), "[{name}]");
        assert!(!tx.has_purchased(b).await.unwrap(), "[{name}]");
        let when = format!("{name}, in the granting transaction");
        assert_usage_of_a_and_b(&mut tx, a, b, &when).await;
        tx.commit().await.unwrap();

        let mut tx = store.begin().await.unwrap();
        assert_usage_of_a_and_b(&mut tx, a, b, &format!("{name}, committed")).await;
        tx.rollback().await.unwrap();
        assert_consistent(name, &store).await;
    }
}

/// The usage the grants of the test above add up to, for members `a` and `b`.
async fn assert_usage_of_a_and_b(tx: &mut Tx, a: MemberId, b: MemberId, name: &str) {
    let periods = periods_of_t0();
    let rules = ["r".to_owned(), "s".to_owned(), "never".to_owned()];
    let usage = tx
        .rule_usage(a, &rules, &["r".to_owned()], &periods)
        .await
        .unwrap();
    assert_eq!(
        usage.of("r"),
        UsageTotals {
            member_day: Points(10),
            member_week: Points(30),
            member_month: Points(70),
            member_lifetime: Points(310),
            campaign: Points(1310),
        },
        "[{name}]"
    );
    assert_eq!(
        usage.of("s"),
        UsageTotals {
            member_day: Points(5),
            member_week: Points(5),
            member_month: Points(5),
            member_lifetime: Points(5),
            campaign: Points(0),
        },
        "[{name}] campaign totals only for the rules asked"
    );
    assert_eq!(usage.of("never"), UsageTotals::default(), "[{name}]");
    // Campaign totals alone, for a member with no grants of the rule.
    let c = tx
        .rule_usage(b, &[], &["s".to_owned()], &periods)
        .await
        .unwrap();
    assert_eq!(c.of("s").campaign, Points(12), "[{name}]");
    assert_eq!(c.of("s").member_lifetime, Points(0), "[{name}]");
    // Nothing asked, nothing queried.
    assert_eq!(
        tx.rule_usage(a, &[], &[], &periods).await.unwrap(),
        RuleUsage::new(),
        "[{name}]"
    );
}

// ---------------------------------------------------------------------------------------------
// Dashboard figures per bucket of time
// ---------------------------------------------------------------------------------------------

fn mins(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

/// (minutes after t0 the bucket starts, issued, redeemed, enrolled) of every bucket.
fn bucket_figures(buckets: &[laurel_store::ActivityBucket]) -> Vec<(i64, i64, i64, i64)> {
    buckets
        .iter()
        .map(|b| {
            let a = &b.activity;
            ((b.start - t0()).as_mins(), a.issued, a.redeemed, a.enrolled)
        })
        .collect()
}

/// What a test posts, decided from the member's ledger.
type Decide = fn(&MemberLedger) -> Posting;

#[tokio::test]
async fn activity_is_summed_per_bucket_of_the_period_only() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let member = enroll(&store, "busy").await;
        let mut tx = store.begin().await.unwrap();
        let late = NewMember {
            enrolled_at: t0() + mins(95),
            ..new_member("late")
        };
        tx.insert_member(&late, jiff::Timestamp::now())
            .await
            .unwrap()
            .unwrap();
        tx.commit().await.unwrap();
        // (minutes after t0 it is written, what is posted); only earnings and redemptions count.
        let postings: [(i64, Decide); 6] = [
            (-1, |l| {
                l.earn(Points(1), t0(), schedule(None, None), t0()).unwrap()
            }),
            (10, |l| {
                l.earn(Points(100), t0(), schedule(None, None), t0())
                    .unwrap()
            }),
            (20, |l| l.adjust_credit(Points(7), t0(), None).unwrap()),
            (70, |l| {
                l.earn(Points(50), t0(), schedule(None, None), t0())
                    .unwrap()
            }),
            (80, |l| l.redeem(Points(30)).unwrap()),
            (120, |l| {
                l.earn(Points(1_000), t0(), schedule(None, None), t0())
                    .unwrap()
            }),
        ];
        for (minutes, decide) in postings {
            let posting = decide(&load(&store, member).await);
            let at = t0() + mins(minutes);
            post_one(&store, member, &posting, &meta("test", "ref", at)).await;
        }
        let (from, to) = (t0(), t0() + mins(120));

        let hours = store
            .activity_buckets(from, to, SignedDuration::from_hours(1))
            .await
            .unwrap();
        assert_eq!(
            bucket_figures(&hours),
            vec![(0, 100, 0, 1), (60, 50, 30, 1)],
            "[{name}] the period's ends are [from, to)"
        );
        let halves = store.activity_buckets(from, to, mins(30)).await.unwrap();
        assert_eq!(
            bucket_figures(&halves),
            vec![(0, 100, 0, 1), (60, 50, 30, 0), (90, 0, 0, 1)],
            "[{name}] empty buckets are left out"
        );
        let narrow = store
            .activity_buckets(from, to, SignedDuration::from_secs(1))
            .await
            .unwrap();
        assert_eq!(
            bucket_figures(&narrow),
            vec![
                (0, 0, 0, 1),
                (10, 100, 0, 0),
                (70, 50, 0, 0),
                (80, 0, 30, 0),
                (95, 0, 0, 1)
            ],
            "[{name}] a bucket is never narrower than a minute"
        );
        assert_eq!(
            store
                .activity_buckets(to, to + mins(60), mins(60))
                .await
                .unwrap()
                .len(),
            1,
            "[{name}] the earning written at `to` is the next period's"
        );
        assert_consistent(name, &store).await;
    }
}

#[tokio::test]
async fn the_audit_log_pages_newest_first() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        for i in 0..5 {
            store
                .insert_audit(&laurel_store::AuditEntry {
                    staff_user_id: None,
                    actor: "staff:li@example.com".into(),
                    action: format!("action.{i}"),
                    subject: "member:1".into(),
                    before: None,
                    after: Some(format!(r#"{{"i":{i}}}"#)),
                    at: t0() + mins(i),
                })
                .await
                .unwrap();
        }
        let actions = |page: &laurel_store::AuditPage| {
            page.entries
                .iter()
                .map(|r| r.entry.action.clone())
                .collect::<Vec<_>>()
        };
        let all = AuditFilter::default();
        let first = store.audit_page(&all, None, 2).await.unwrap();
        assert_eq!(actions(&first), ["action.4", "action.3"], "[{name}]");
        let second = store.audit_page(&all, first.older, 2).await.unwrap();
        assert_eq!(actions(&second), ["action.2", "action.1"], "[{name}]");
        let last = store.audit_page(&all, second.older, 2).await.unwrap();
        assert_eq!(actions(&last), ["action.0"], "[{name}]");
        assert_eq!(last.older, None, "[{name}] no older page");
        assert_eq!(
            store.audit_log(3).await.unwrap()[0].after.as_deref(),
            Some(r#"{"i":4}"#),
            "[{name}]"
        );
    }
}

#[tokio::test]
async fn the_audit_log_filtered_by_who_action_subject_and_time_pages_within_the_filter() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let mut staff = Vec::new();
        for who in ["li", "wu"] {
            let new = laurel_store::NewStaffUser {
                email: format!("{who}@example.com"),
                name: who.into(),
                role: "admin".into(),
                password_hash: "not a hash".into(),
                created_at: t0(),
            };
            staff.push(store.insert_staff_user(&new).await.unwrap().unwrap());
        }
        // Minute i: the first or second staff member alternately, adjusting member 1 or 2 in turns of two, and every
        // third entry a suspension.
        for i in 0..12_i64 {
            store
                .insert_audit(&laurel_store::AuditEntry {
                    staff_user_id: Some(staff[(i % 2) as usize]),
                    actor: format!("staff:{}", i % 2),
                    action: if i % 3 == 0 {
                        "member.suspend"
                    } else {
                        "points.adjust"
                    }
                    .into(),
                    subject: format!("member:{}", 1 + (i / 2) % 2),
                    before: None,
                    after: None,
                    at: t0() + mins(i),
                })
                .await
                .unwrap();
        }
        let minutes = |page: &laurel_store::AuditPage| {
            page.entries
                .iter()
                .map(|r| (r.entry.at - t0()).as_mins())
                .collect::<Vec<_>>()
        };
        let filter = AuditFilter {
            staff_user_id: Some(staff[1]),
            action: Some("points.adjust".into()),
            subject: Some("member:1".into()),
            from: Some(t0() + mins(1)),
            until: Some(t0() + mins(11)),
        };
        // Odd minutes (the second), not a multiple of three, on member 1 (minutes 0–1, 4–5, 8–9).
        let first = store.audit_page(&filter, None, 1).await.unwrap();
        assert_eq!(minutes(&first), [5], "[{name}]");
        let second = store.audit_page(&filter, first.older, 1).await.unwrap();
        assert_eq!(
            minutes(&second),
            [1],
            "[{name}] the next page keeps the filter"
        );
        assert_eq!(second.older, None, "[{name}]");
        let until = AuditFilter {
            until: Some(t0() + mins(2)),
            ..AuditFilter::default()
        };
        let early = store.audit_page(&until, None, 10).await.unwrap();
        assert_eq!(
            minutes(&early),
            [1, 0],
            "[{name}] before `until`, not at it"
        );
    }
}

/// The store's files import one way: connection and SQL machinery (`db/`) below the write
/// machinery (`write/`) below the per-table reads and writes (`tables/`); no two files need
/// each other (the crate root, which declares and re-exports, aside).
#[test]
fn no_two_files_of_the_store_import_each_other_and_the_machinery_never_imports_a_table() {
    use laurel_testkit::imports::{import_graph, import_loops};
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = import_graph(&src);
    let loops = import_loops(&graph);
    assert!(loops.is_empty(), "import loops: {loops:#?}");
    for (file, imports) in &graph {
        if file.starts_with("db::") || file.starts_with("write::") {
            let tables: Vec<_> = imports.iter().filter(|i| i.starts_with("tables")).collect();
            assert!(tables.is_empty(), "{file} imports {tables:?}");
        }
    }
    assert!(graph.keys().any(|f| f.starts_with("tables::")), "{graph:?}");
}

#[path = "store/staff_two_factor.rs"]
mod staff_two_factor;
