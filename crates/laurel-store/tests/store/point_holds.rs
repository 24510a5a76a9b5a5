//! Point holds as stored, on both backends: a hold loads back with the lots it drew and their
//! expiry, wallet holds and point holds take one series of ids, a close is stored once, and
//! the whole-ledger check finds a hold whose lots do not add up and points held by no hold.

use super::*;
use laurel_core::ledger::MemberLedger;
use laurel_core::wallet::HoldState;
use laurel_store::{NewPointHold, PointHoldClose};

async fn credit(store: &Store, member: MemberId, points: i64, expires_at: Option<Timestamp>) {
    let ledger = load(store, member).await;
    let posting = ledger
        .adjust_credit(Points(points), t0(), expires_at)
        .unwrap();
    post_one(store, member, &posting, &meta("gift", "g", t0())).await;
}

/// Holds `points` of `member`'s as the write path does; the hold's id. With `skew`, the row
/// says it holds that many more than it drew.
async fn hold(store: &Store, member: MemberId, points: i64, skew: i64) -> i64 {
    let ledger = load(store, member).await;
    let posting = ledger.hold(Points(points)).unwrap();
    let drawn = ledger.drawn_by(&posting);
    let taken = store.next_hold_id().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.lock_members(&[member], &[]).await.unwrap();
    let (journal, _) = tx
        .post(member, &posting, &meta("hold", "o", t0()))
        .await
        .unwrap();
    let id = tx
        .insert_point_hold(&NewPointHold {
            id: taken,
            member,
            points: Points(points + skew),
            reference: "order-1",
            hold_journal: journal,
            drawn: &drawn,
            held_at: t0(),
            expires_at: t0() + days(1),
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn a_point_hold_loads_back_with_its_lots_and_is_closed_once() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let ann = enroll(&store, "ann").await;
        credit(&store, ann, 100, Some(t0() + days(30))).await;
        credit(&store, ann, 100, None).await;
        let id = hold(&store, ann, 150, 0).await;
        let stored = store.point_hold(id).await.unwrap().unwrap();
        assert_eq!(stored.state, HoldState::Held, "[{name}]");
        let drawn: Vec<(i64, Option<Timestamp>)> = stored
            .drawn
            .iter()
            .map(|d| (d.amount.get(), d.expires_at))
            .collect();
        assert_eq!(
            drawn,
            [(100, Some(t0() + days(30))), (50, None)],
            "[{name}] the soonest-expiring first"
        );
        assert_eq!(
            store.points_held(ann).await.unwrap(),
            Points(150),
            "[{name}]"
        );
        assert_consistent(name, &store).await;

        let captured = MemberLedger::capture_hold(&stored.drawn, Points(150)).unwrap();
        let mut tx = store.begin().await.unwrap();
        tx.lock_members(&[ann], &[]).await.unwrap();
        let (journal, _) = tx
            .post(ann, &captured.posting, &meta("hold", "o", t0()))
            .await
            .unwrap();
        let close = PointHoldClose {
            state: HoldState::Captured,
            capture: Some((journal, captured.spent.as_slice())),
            release: None,
            at: t0(),
        };
        assert!(tx.close_point_hold(id, &close).await.unwrap(), "[{name}]");
        assert!(
            !tx.close_point_hold(id, &close).await.unwrap(),
            "[{name}] once"
        );
        tx.commit().await.unwrap();
        let closed = store.point_hold(id).await.unwrap().unwrap();
        assert_eq!(
            (closed.state, closed.captured),
            (HoldState::Captured, Points(150)),
            "[{name}]"
        );
        assert_eq!(
            store.points_held(ann).await.unwrap(),
            Points::ZERO,
            "[{name}]"
        );
        assert_consistent(name, &store).await;

        let next = hold(&store, ann, 10, 0).await;
        assert_eq!(next, id + 1, "[{name}] the next of one series");
    }
}

#[tokio::test]
async fn the_whole_ledger_check_finds_a_hold_whose_lots_do_not_add_up() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let ann = enroll(&store, "ann").await;
        credit(&store, ann, 100, None).await;
        let skewed = hold(&store, ann, 40, 5).await;
        let check = store.check_point_holds().await.unwrap();
        assert_eq!(check.broken, [skewed], "[{name}]");
        assert_eq!(
            check.held_difference, -5,
            "[{name}] 40 held, the rows say 45"
        );
        assert!(
            !store.check_consistency().await.unwrap().is_consistent(),
            "[{name}]"
        );
    }
}
