//! A member's spend over a window as personal offers read it: per category from the lines
//! not refunded, their purchases less refunds, the same on SQLite and PostgreSQL.

use super::support::*;
use laurel_core::offers::CategorySpend;
use laurel_store::{MemberSpend, NewPurchaseLine, RefundRecord};

fn line(sku: &str, category: &str, quantity: i64, unit_price_minor: i64) -> NewPurchaseLine {
    NewPurchaseLine {
        sku: sku.into(),
        category: Some(category.into()),
        quantity,
        unit_price_minor,
    }
}

#[tokio::test]
async fn spend_per_category_counts_the_window_s_lines_not_refunded() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let buyer = enroll(&store, "buyer").await;
        let other = enroll(&store, "other").await;
        let never = enroll(&store, "never").await;
        let mut tx = store.begin().await.unwrap();
        // In the window: 2 × 30 of tea (茶) and a cup with no category (40).
        tx.insert_purchase(&new_purchase(buyer, "pos", "o-1", None))
            .await
            .unwrap();
        // Before the window: coffee that no longer counts.
        let old = laurel_store::NewPurchase {
            occurred_at: t0() - days(400),
            lines: vec![line("LATTE", "coffee", 4, 2_500)],
            ..new_purchase(buyer, "pos", "o-2", None)
        };
        tx.insert_purchase(&old).await.unwrap();
        // In the window: coffee (50) refunded whole, and tea (10).
        let refunded = laurel_store::NewPurchase {
            occurred_at: t0() - days(10),
            total_minor: 6_000,
            lines: vec![
                line("LATTE", "coffee", 1, 5_000),
                line("GREEN", "茶", 1, 1_000),
            ],
            ..new_purchase(buyer, "pos", "o-3", None)
        };
        let refunded = tx.insert_purchase(&refunded).await.unwrap();
        // Someone else's coffee.
        let theirs = laurel_store::NewPurchase {
            lines: vec![line("LATTE", "coffee", 9, 5_000)],
            ..new_purchase(other, "pos", "o-4", None)
        };
        tx.insert_purchase(&theirs).await.unwrap();
        let refund = RefundRecord {
            purchase: refunded,
            refund_id: "r-1".into(),
            amount_minor: 5_000,
            points_reversed: 0,
            shortfall: 0,
            journal: None,
            recorded_at: t0(),
        };
        tx.record_refund(&refund, &[(0, 1)]).await.unwrap();
        tx.commit().await.unwrap();

        let spend = store
            .member_spend(buyer, t0() - days(365), t0() + days(1))
            .await
            .unwrap();
        assert_eq!(
            spend.window.categories,
            [CategorySpend {
                category: "茶".into(),
                spend_minor: 7_000
            }],
            "[{name}] the refunded coffee and the old one leave nothing on coffee"
        );
        assert_eq!(spend.window.line_spend_minor, 11_000, "[{name}]");
        assert_eq!(
            (spend.window.purchases, spend.window.spend_minor),
            (2, 10_000 + 1_000),
            "[{name}] purchases in the window, less refunds"
        );
        assert_eq!(spend.window.coupons_used, 0, "[{name}]");
        assert!(spend.ever_bought, "[{name}]");

        let none = store
            .member_spend(never, t0() - days(365), t0() + days(1))
            .await
            .unwrap();
        assert_eq!(
            none,
            MemberSpend::default(),
            "[{name}] nothing bought, ever"
        );
        assert_consistent(name, &store).await;
    }
}
