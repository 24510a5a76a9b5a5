//! Fixtures the storage suites share: a fresh migrated store per backend, members, postings,
//! purchases and grants.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::{SignedDuration, Timestamp};
use laurel_core::Points;
use laurel_core::earn::LotSchedule;
use laurel_core::ledger::{LotId, MemberLedger, Posting};
use laurel_core::rules::{IsoWeek, Period, Periods, YearMonth};
use laurel_store::{
    JournalId, JournalMeta, MemberId, NewGrant, NewMember, NewPurchase, NewPurchaseLine, Store, Tx,
};
use laurel_testkit::TestDb;

/// Connects to a fresh test database and migrates it; the first migration run must apply
/// every migration.
pub async fn open(db: &TestDb) -> Store {
    let store = Store::connect(&db.url)
        .await
        .unwrap_or_else(|e| panic!("connect {}: {e}", db.url));
    let applied = store
        .migrate()
        .await
        .unwrap_or_else(|e| panic!("migrate {}: {e}", db.url));
    assert!(
        applied > 0,
        "a fresh database must get its migrations applied"
    );
    store
}

/// Asserts the whole ledger is consistent, naming the backend when it is not.
pub async fn assert_consistent(name: &str, store: &Store) -> i64 {
    let report = store.check_consistency().await.unwrap();
    assert!(
        report.is_consistent(),
        "[{name}] inconsistent ledger: {report:?}"
    );
    report.postings
}

/// The instant most scenarios call "now": whole seconds, so it survives storage exactly.
pub fn t0() -> Timestamp {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

pub fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

pub fn new_member(external_id: &str) -> NewMember {
    NewMember {
        external_id: external_id.to_owned(),
        email: Some(format!("{external_id}@example.com")),
        phone: Some("+86 138 0000 0000".into()),
        name: Some("张三".into()),
        birthday: Some(jiff::civil::date(1990, 2, 28)),
        channel: "pos".into(),
        attributes: [("segment".to_owned(), "student".to_owned())].into(),
        enrolled_at: t0(),
        referral_code: Some(format!("CODE-{external_id}")),
    }
}

/// Enrolls a member in its own committed transaction.
pub async fn enroll(store: &Store, external_id: &str) -> MemberId {
    let mut tx = store.begin().await.unwrap();
    let id = tx
        .insert_member(&new_member(external_id), jiff::Timestamp::now())
        .await
        .unwrap()
        .expect("new external id");
    tx.commit().await.unwrap();
    id
}

pub fn meta(reason: &str, reference: &str, at: Timestamp) -> JournalMeta {
    JournalMeta {
        reason: reason.to_owned(),
        reference: reference.to_owned(),
        actor: None,
        effective_at: at,
        posted_at: at,
        program_version: None,
    }
}

/// Posts one decision in its own committed transaction; returns the journal id and opened lots.
pub async fn post_one(
    store: &Store,
    member: MemberId,
    posting: &Posting,
    meta: &JournalMeta,
) -> (JournalId, Vec<LotId>) {
    let mut tx = store.begin().await.unwrap();
    let out = tx.post(member, posting, meta).await.unwrap();
    tx.commit().await.unwrap();
    out
}

/// Reads a member's ledger through a write transaction (the engine's way), then rolls back.
pub async fn load(store: &Store, member: MemberId) -> MemberLedger {
    let mut tx = store.begin().await.unwrap();
    tx.lock_member(Some(member), None)
        .await
        .unwrap()
        .expect("member exists");
    let ledger = tx.load_ledger(member).await.unwrap();
    tx.rollback().await.unwrap();
    ledger
}

/// A ledger with its lots in id order, for comparisons that must not depend on row order.
pub fn sorted(mut ledger: MemberLedger) -> MemberLedger {
    ledger.lots.sort_by_key(|l| l.id);
    ledger
}

pub fn schedule(pending_until: Option<Timestamp>, expires_at: Option<Timestamp>) -> LotSchedule {
    LotSchedule {
        pending_until,
        expires_at,
    }
}

pub fn new_purchase(
    member: MemberId,
    channel: &str,
    order_id: &str,
    lot: Option<LotId>,
) -> NewPurchase {
    NewPurchase {
        partner: None,
        member,
        channel: channel.to_owned(),
        order_id: order_id.to_owned(),
        store: Some("shop-42".into()),
        currency: "CNY".into(),
        total_minor: 10_000,
        points_earned: 100,
        tier_discount_minor: 0,
        lot,
        occurred_at: t0() - SignedDuration::from_micros(1),
        recorded_at: t0(),
        lines: vec![
            NewPurchaseLine {
                sku: "TEA-1".into(),
                category: Some("茶".into()),
                quantity: 2,
                unit_price_minor: 3_000,
            },
            NewPurchaseLine {
                sku: "CUP-9".into(),
                category: None,
                quantity: 1,
                unit_price_minor: 4_000,
            },
        ],
    }
}

/// Posts an earn of `points` for `member` and records its grants at `at`.
pub async fn grant(tx: &mut Tx, member: MemberId, at: Timestamp, grants: &[(&str, i64)]) {
    let total = grants.iter().map(|(_, p)| p).sum();
    let earn = tx
        .load_ledger(member)
        .await
        .unwrap()
        .earn(Points(total), at, schedule(None, None), at)
        .unwrap();
    let (journal, _) = tx
        .post(member, &earn, &meta("purchase", "o", at))
        .await
        .unwrap();
    let grants: Vec<NewGrant> = grants
        .iter()
        .map(|(rule, points)| NewGrant {
            rule_id: (*rule).to_owned(),
            points: *points,
            capped_by: None,
            basis: None,
        })
        .collect();
    tx.record_grants(journal, member, at, 2, &grants)
        .await
        .unwrap();
}

/// The periods of `t0` (Monday 1 June 2026, 00:00 UTC): that day, week and month.
pub fn periods_of_t0() -> Periods {
    Periods {
        day: Period {
            key: jiff::civil::date(2026, 6, 1),
            start: t0(),
            end: t0() + days(1),
        },
        week: Period {
            key: IsoWeek {
                year: 2026,
                week: 23,
            },
            start: t0(),
            end: t0() + days(7),
        },
        month: Period {
            key: YearMonth {
                year: 2026,
                month: 6,
            },
            start: t0(),
            end: t0() + days(30),
        },
    }
}
