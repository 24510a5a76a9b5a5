//! What partners settle, as stored on both backends: an entry written with its posting loads
//! back with the member and the price, a statement's entries page oldest first and group for
//! its totals, and the whole-ledger check finds an entry that does not match its posting.

use super::*;
use laurel_core::partners::EntryKind;
use laurel_store::NewPartnerEntry;
use rust_decimal::Decimal;

/// Earns `member` `points` and writes an entry of `kind` for the café naming that posting
/// (with `said` points), in one transaction; the posting's id.
async fn entered(
    store: &Store,
    member: MemberId,
    points: i64,
    said: i64,
    kind: EntryKind,
    at: Timestamp,
) -> i64 {
    let schedule = LotSchedule {
        pending_until: None,
        expires_at: None,
    };
    let posting = load(store, member)
        .await
        .earn(Points(points), at, schedule, at)
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.lock_members(&[member], &[]).await.unwrap();
    let (journal, _) = tx
        .post(member, &posting, &meta("earn", "c-1", at))
        .await
        .unwrap();
    tx.insert_partner_entry(&NewPartnerEntry {
        partner: "cafe",
        kind,
        member,
        journal,
        points: said,
        price: "0.010".parse().unwrap(),
        reference: "pos:c-1",
        posted_at: at,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    journal.0
}

#[tokio::test]
async fn entries_load_back_page_oldest_first_and_group_for_the_totals() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let ann = enroll(&store, "ann").await;
        let mut journals = Vec::new();
        for hour in 0..3 {
            let at = t0() + SignedDuration::from_hours(hour);
            journals.push(entered(&store, ann, 100, 100, EntryKind::Issued, at).await);
        }
        let (from, to) = (t0(), t0() + days(1));
        let first = store
            .partner_entries("cafe", from, to, None, 2)
            .await
            .unwrap();
        assert_eq!(
            first.len(),
            3,
            "[{name}] two and one more to say more follow"
        );
        let e = &first[0];
        assert_eq!(
            (e.external_id.as_str(), e.points, e.price, e.journal.0),
            ("ann", 100, Decimal::new(1, 2), journals[0]),
            "[{name}] the price kept as a decimal"
        );
        let rest = store
            .partner_entries("cafe", from, to, Some(first[1].id), 2)
            .await
            .unwrap();
        assert_eq!(rest.len(), 1, "[{name}]");
        assert_eq!(rest[0].journal.0, journals[2], "[{name}]");
        let later = store
            .partner_entries("cafe", t0() + SignedDuration::from_hours(1), to, None, 10)
            .await
            .unwrap();
        assert_eq!(later.len(), 2, "[{name}] by when each was posted");
        assert!(
            store
                .partner_entries("deli", from, to, None, 10)
                .await
                .unwrap()
                .is_empty()
        );
        let groups = store.partner_entry_groups("cafe", from, to).await.unwrap();
        assert_eq!(groups.len(), 1, "[{name}] {groups:?}");
        assert_eq!((groups[0].points, groups[0].count), (100, 3), "[{name}]");
        assert!(
            store
                .check_partner_entries()
                .await
                .unwrap()
                .mismatched
                .is_empty()
        );
        assert_consistent(name, &store).await;
    }
}

#[tokio::test]
async fn the_whole_ledger_check_finds_an_entry_that_does_not_match_its_posting() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let ann = enroll(&store, "ann").await;
        // Claiming more points than were earned, or an earn as a burn, is wrong.
        entered(&store, ann, 10, 10, EntryKind::Issued, t0()).await;
        let more = entered(&store, ann, 10, 20, EntryKind::Issued, t0()).await;
        let burn = entered(&store, ann, 10, 10, EntryKind::Burned, t0()).await;
        let check = store.check_partner_entries().await.unwrap();
        assert_eq!(
            check.mismatched.len(),
            2,
            "[{name}] {check:?}: the entries of {more} and {burn}"
        );
        assert!(
            !store.check_consistency().await.unwrap().is_consistent(),
            "[{name}]"
        );
    }
}

#[tokio::test]
async fn the_whole_ledger_check_finds_a_partner_purchase_the_partner_was_never_charged_for() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let ann = enroll(&store, "ann").await;
        let earn = load(&store, ann)
            .await
            .earn(Points(100), t0(), schedule(None, None), t0())
            .unwrap();
        let mut tx = store.begin().await.unwrap();
        tx.lock_members(&[ann], &[]).await.unwrap();
        let (_, lots) = tx
            .post(ann, &earn, &meta("earn", "c-1", t0()))
            .await
            .unwrap();
        let purchase = laurel_store::NewPurchase {
            partner: Some("cafe".into()),
            ..new_purchase(ann, "pos", "c-1", lots.first().copied())
        };
        let id = tx.insert_purchase(&purchase).await.unwrap();
        tx.commit().await.unwrap();
        let check = store.check_partner_entries().await.unwrap();
        assert_eq!(check.uncharged, [id.0], "[{name}]");
        assert!(!check.is_whole(), "[{name}]");
    }
}
