//! Stored value in the books on both backends: the value held in wallets and gift cards rolled
//! forward (paid in, bonus given, spent, refunded, cashed out), closing at what every wallet
//! holds, with journal entries that move the liability by exactly the roll.

// Amounts are written yuan_fen (500_00 is ¥500.00).
#![allow(clippy::inconsistent_digit_grouping)]

use super::wallet::{ask, wallet_move, wallet_program};
use super::*;
use laurel_engine::{
    BooksJournal, BooksRange, CaptureRequest, CardKey, GiftCardMoveRequest, HoldRequest,
    IssueGiftCardsRequest, WalletAsk,
};

#[tokio::test]
async fn the_value_held_in_wallets_rolls_forward_to_what_every_wallet_holds() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let from = Timestamp::now() - SignedDuration::from_hours(1);
        let a = member(&engine, "S1").await;
        let b = member(&engine, "S2").await;
        wallet_move(&engine, ask(a, WalletAsk::TopUp, "500", "t-1")).await;
        let paid = wallet_move(
            &engine,
            ask(a, WalletAsk::Pay { partial: false }, "520.50", "p-1"),
        )
        .await;
        wallet_move(
            &engine,
            ask(
                a,
                WalletAsk::Refund {
                    payment_id: paid.move_id,
                },
                "100",
                "r-1",
            ),
        )
        .await;
        wallet_move(&engine, ask(a, WalletAsk::CashOut, "50", "c-1")).await;
        let hold = HoldRequest {
            member_id: a,
            amount: dec("20"),
            currency: "CNY".into(),
            idempotency_key: "h-1".into(),
            reference: "order-h".into(),
            expires_in: None,
        };
        let hold = engine.hold(hold, "key:till").await.unwrap();
        let capture = CaptureRequest {
            hold_id: hold.hold.id,
            amount: Some(dec("15")),
            currency: Some("CNY".into()),
        };
        engine.capture_hold(capture, "key:till").await.unwrap();
        // A second hold still open: held value is still owed.
        let open_hold = HoldRequest {
            idempotency_key: "h-2".into(),
            amount: dec("5"),
            ..hold_request_for(a)
        };
        engine.hold(open_hold, "key:till").await.unwrap();
        let cards = IssueGiftCardsRequest {
            count: 2,
            amount: dec("200"),
            currency: "CNY".into(),
            with_pin: false,
            active: true,
            expires_at: None,
            reference: "xmas".into(),
            idempotency_key: "b-1".into(),
        };
        let cards = engine.issue_gift_cards(cards, "staff:a").await.unwrap();
        let key = |i: usize| CardKey {
            code: cards.cards[i].code.clone(),
            pin: None,
        };
        let card_payment = GiftCardMoveRequest {
            card: key(0),
            ask: WalletAsk::Pay { partial: false },
            amount: dec("120"),
            currency: "CNY".into(),
            idempotency_key: "gp-1".into(),
            reference: "order-g".into(),
        };
        engine
            .gift_card_move(card_payment, "key:till")
            .await
            .unwrap();
        engine.load_gift_card(&key(1), b, "key:till").await.unwrap();

        let to = Timestamp::now() + SignedDuration::from_secs(1);
        let report = engine.books_report(BooksRange { from, to }).await.unwrap();
        let s = report.total.stored_value;
        let got = [
            s.opening,
            s.paid_in,
            s.bonus_given,
            s.spent,
            s.refunded,
            s.cashed_out,
            s.closing,
        ];
        let want = ["0", "900", "50", "655.5", "100", "50", "344.5"].map(dec);
        assert_eq!(got, want, "[{name}] {s:?}");
        assert!(s.closes(), "[{name}]");
        let totals = engine.wallet_totals().await.unwrap();
        assert_eq!(
            s.closing,
            Decimal::new(totals.principal + totals.bonus + totals.card_value, 2),
            "[{name}] the liability is what every wallet holds"
        );
        // The periods add up to the whole and each opens where the last closed.
        let mut held = s.opening;
        for period in &report.periods {
            let p = period.stored_value;
            assert_eq!(p.opening, held, "[{name}] {}", period.span.label);
            assert!(p.closes(), "[{name}] {}", period.span.label);
            held = p.closing;
        }
        assert_eq!(held, s.closing, "[{name}]");

        let journal = BooksJournal::of(report);
        let rows = journal.rows(&jiff::tz::TimeZone::get("Asia/Shanghai").unwrap());
        let liability = &journal.report.accounts.stored_value;
        let moved: Decimal = rows
            .iter()
            .filter(|r| r.pool == "stored_value")
            .map(|r| {
                let amount = dec(&r.amount);
                match (
                    &r.credit_account == liability,
                    &r.debit_account == liability,
                ) {
                    (true, false) => amount,
                    (false, true) => -amount,
                    _ => Decimal::ZERO,
                }
            })
            .sum();
        assert_eq!(
            moved,
            s.closing - s.opening,
            "[{name}] the entries move the liability by the roll"
        );
        let entries: Vec<&str> = rows
            .iter()
            .filter(|r| r.pool == "stored_value")
            .map(|r| r.entry.as_str())
            .collect();
        assert_eq!(
            entries,
            ["paid_in", "bonus", "spent", "refund", "cash_out"],
            "[{name}]"
        );
        assert!(
            rows.iter()
                .filter(|r| r.pool == "stored_value")
                .all(|r| r.reference.starts_with("wallet:")),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

fn hold_request_for(member_id: i64) -> HoldRequest {
    HoldRequest {
        member_id,
        amount: dec("1"),
        currency: "CNY".into(),
        idempotency_key: "h".into(),
        reference: "order".into(),
        expires_in: None,
    }
}
