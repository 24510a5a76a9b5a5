//! Transfers as stored, on both backends: a transfer's postings and its row load back whole,
//! a day's points sent are summed for the daily limit, the receiver's lots name the sender's,
//! and the whole-ledger check finds a one-sided transfer and a row that misnames its sides.

use super::*;
use laurel_store::NewTransfer;

/// Sends `points` (with `fee`) from `from` to `to` as the write path does, in one transaction.
async fn transfer(store: &Store, from: MemberId, to: MemberId, points: i64, fee: i64) -> i64 {
    transfer_named(store, from, to, to, points, fee).await
}

/// [`transfer`], its row naming `named` as the receiver.
async fn transfer_named(
    store: &Store,
    from: MemberId,
    to: MemberId,
    named: MemberId,
    points: i64,
    fee: i64,
) -> i64 {
    let (sender, receiver) = (load(store, from).await, load(store, to).await);
    let sent = sender.send(Points(points), Points(fee)).unwrap();
    let received = receiver.receive(&sent.carried, t0()).unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.lock_members(&[from, to], &[]).await.unwrap();
    let m = meta("transfer", "t", t0());
    let fee_journal = match &sent.fee {
        Some(fee) => Some(tx.post(from, fee, &m).await.unwrap().0),
        None => None,
    };
    let (out_journal, _) = tx.post(from, &sent.out, &m).await.unwrap();
    let (in_journal, _) = tx.post(to, &received, &m).await.unwrap();
    let id = tx
        .insert_transfer(&NewTransfer {
            gives_back: None,
            sender: from,
            receiver: named,
            points: Points(points),
            fee: Points(fee),
            out_journal,
            in_journal,
            fee_journal,
            message: Some("for the trip"),
            actor: None,
            household: None,
            created_at: t0(),
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn credit(store: &Store, member: MemberId, points: i64, expires_at: Option<Timestamp>) {
    let ledger = load(store, member).await;
    let posting = ledger
        .adjust_credit(Points(points), t0(), expires_at)
        .unwrap();
    post_one(store, member, &posting, &meta("gift", "g", t0())).await;
}

#[tokio::test]
async fn a_transfer_loads_back_with_both_sides_and_the_ledger_stays_whole() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let (ann, bo) = (enroll(&store, "ann").await, enroll(&store, "bo").await);
        credit(&store, ann, 500, Some(t0() + days(90))).await;
        let id = transfer(&store, ann, bo, 300, 15).await;

        let stored = store.transfer(id).await.unwrap().unwrap();
        assert_eq!(
            (
                stored.sender.external_id.as_str(),
                stored.receiver.external_id.as_str()
            ),
            ("ann", "bo"),
            "[{name}]"
        );
        assert_eq!(
            (stored.points, stored.fee),
            (Points(300), Points(15)),
            "[{name}]"
        );
        assert_eq!(stored.message.as_deref(), Some("for the trip"), "[{name}]");
        assert_eq!(load(&store, ann).await.available, Points(185), "[{name}]");
        let received = load(&store, bo).await;
        assert_eq!(received.available, Points(300), "[{name}]");
        assert_eq!(
            received
                .lots
                .iter()
                .map(|l| l.expires_at)
                .collect::<Vec<_>>(),
            [Some(t0() + days(90))],
            "[{name}] the point keeps its expiry"
        );
        for member in [ann, bo] {
            let listed = store.transfers_of(member, None, 10).await.unwrap();
            assert_eq!(
                listed.iter().map(|t| t.id).collect::<Vec<_>>(),
                [id],
                "[{name}]"
            );
        }
        let mut tx = store.begin().await.unwrap();
        let sent = tx.points_sent(ann, t0(), t0() + days(1)).await.unwrap();
        let none = tx
            .points_sent(ann, t0() + days(1), t0() + days(2))
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(
            (sent, none),
            (Points(300), Points::ZERO),
            "[{name}] fees aside"
        );
        assert_consistent(name, &store).await;
    }
}

#[tokio::test]
async fn the_whole_ledger_check_finds_a_one_sided_transfer_and_a_row_naming_the_wrong_member() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let (ann, bo, cy) = (
            enroll(&store, "ann").await,
            enroll(&store, "bo").await,
            enroll(&store, "cy").await,
        );
        credit(&store, ann, 500, None).await;
        let whole = transfer(&store, ann, bo, 100, 0).await;
        // Only the sender's side, and no row.
        let sent = load(&store, ann).await.send(Points(50), Points(0)).unwrap();
        let (orphan, _) = post_one(&store, ann, &sent.out, &meta("transfer", "t", t0())).await;
        // A row naming the wrong receiver.
        let wrong = transfer_named(&store, ann, bo, cy, 20, 0).await;

        let check = store.check_transfers().await.unwrap();
        assert_eq!(check.mismatched, [wrong], "[{name}] not {whole}");
        assert_eq!(check.orphan_postings, [orphan.0], "[{name}]");
        assert_eq!(
            check.in_transit, 50,
            "[{name}] the points sent and never received"
        );
        assert!(
            !store.check_consistency().await.unwrap().is_consistent(),
            "[{name}]"
        );
    }
}
