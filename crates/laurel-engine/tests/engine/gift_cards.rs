//! Gift cards on both backends: issued in batches with unguessable codes matched however
//! they are typed, PINs counted and locked, activated when sold, paying in whole or part,
//! refunded, expiring, loaded into a member's wallet once, and 64 payments at once never
//! overdrawing a card.

// Amounts are written yuan_fen (500_00 is ¥500.00).
#![allow(clippy::inconsistent_digit_grouping)]

use super::wallet::{held, tally, wallet_program};
use super::*;
use laurel_engine::{
    CardKey, GiftCardMoveRequest, IssueGiftCardsRequest, IssuedGiftCards, WalletAsk, WalletOutcome,
};
use std::collections::{BTreeMap, HashSet};

fn batch(count: u32, amount: &str, key: &str) -> IssueGiftCardsRequest {
    IssueGiftCardsRequest {
        count,
        amount: dec(amount),
        currency: "CNY".into(),
        with_pin: false,
        active: true,
        expires_at: None,
        reference: format!("batch-{key}"),
        idempotency_key: key.to_owned(),
    }
}

async fn issue(engine: &Engine, request: IssueGiftCardsRequest) -> IssuedGiftCards {
    engine
        .issue_gift_cards(request, "staff:admin@example.com")
        .await
        .unwrap()
}

fn card(code: &str, pin: Option<&str>) -> CardKey {
    CardKey {
        code: code.to_owned(),
        pin: pin.map(str::to_owned),
    }
}

fn pay(key: CardKey, amount: &str, idempotency_key: &str, partial: bool) -> GiftCardMoveRequest {
    GiftCardMoveRequest {
        card: key,
        ask: WalletAsk::Pay { partial },
        amount: dec(amount),
        currency: "CNY".into(),
        idempotency_key: idempotency_key.to_owned(),
        reference: format!("order-{idempotency_key}"),
    }
}

async fn paid(engine: &Engine, request: GiftCardMoveRequest) -> WalletOutcome {
    engine.gift_card_move(request, "key:till").await.unwrap()
}

#[tokio::test]
async fn a_batch_of_cards_with_unguessable_codes_pays_however_a_code_is_typed() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let issued = issue(&engine, batch(3, "200", "b-1")).await;
        assert_eq!((issued.count, issued.cards.len()), (3, 3), "[{name}]");
        let codes: HashSet<&str> = issued.cards.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes.len(), 3, "[{name}] every code its own");
        for c in &issued.cards {
            // Five groups of four base-32 characters: 100 random bits.
            let groups: Vec<&str> = c.code.split('-').collect();
            assert_eq!(groups.len(), 5, "[{name}] {}", c.code);
            assert!(groups.iter().all(|g| g.len() == 4), "[{name}] {}", c.code);
            assert_eq!(c.pin, None, "[{name}]");
        }
        let code = issued.cards[0].code.clone();
        let typed = code.to_lowercase().replace('-', " ");
        let view = engine.gift_card(&card(&typed, None)).await.unwrap();
        assert_eq!(
            (view.state.as_str(), view.balance.principal),
            ("active", 200_00),
            "[{name}]"
        );
        assert_eq!(view.last4, code[code.len() - 4..], "[{name}]");

        let first = paid(&engine, pay(card(&code, None), "150", "p-1", false)).await;
        assert_eq!(
            (first.member_id, first.principal),
            (None, -150_00),
            "[{name}]"
        );
        let short = engine
            .gift_card_move(pay(card(&code, None), "60", "p-2", false), "key:till")
            .await;
        assert_eq!(code_of(short), "insufficient_funds", "[{name}]");
        let rest = paid(&engine, pay(card(&typed, None), "60", "p-3", true)).await;
        assert_eq!(rest.amount, 50_00, "[{name}] what the card held");
        let refund = GiftCardMoveRequest {
            ask: WalletAsk::Refund {
                payment_id: first.move_id,
            },
            ..pay(card(&code, None), "20", "r-1", false)
        };
        let back = paid(&engine, refund).await;
        assert_eq!(back.balance.principal, 20_00, "[{name}]");
        let unknown = engine
            .gift_card(&card("0000-0000-0000-0000-0000", None))
            .await;
        assert_eq!(code_of(unknown), "unknown_gift_card", "[{name}]");

        let again = issue(&engine, batch(3, "200", "b-1")).await;
        assert!(
            again.repeated && again.cards.is_empty(),
            "[{name}] codes are told once"
        );
        assert_eq!(again.batch_id, issued.batch_id, "[{name}] one batch");
        finish(name, engine).await;
    }
}

fn code_of<T: std::fmt::Debug>(result: Result<T, EngineError>) -> &'static str {
    code(result)
}

#[tokio::test]
async fn a_card_with_a_pin_is_reached_only_with_it_locks_after_five_wrong_ones_and_an_admin_unlocks_it()
 {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let issued = issue(
            &engine,
            IssueGiftCardsRequest {
                with_pin: true,
                ..batch(1, "100", "b-1")
            },
        )
        .await;
        let c = &issued.cards[0];
        let pin = c.pin.clone().unwrap();
        assert_eq!(pin.len(), 6, "[{name}]");
        assert_eq!(
            code_of(engine.gift_card(&card(&c.code, None)).await),
            "gift_card_pin_required",
            "[{name}]"
        );
        engine.gift_card(&card(&c.code, Some(&pin))).await.unwrap();
        let wrong = if pin == "000000" { "111111" } else { "000000" };
        for left in (0..5).rev() {
            let refused = engine.gift_card(&card(&c.code, Some(wrong))).await;
            match refused {
                Err(EngineError::GiftCard(laurel_core::wallet::GiftCardRefusal::PinWrong {
                    left: l,
                })) => assert_eq!(l, left, "[{name}]"),
                other => panic!("[{name}] expected a wrong PIN, got {other:?}"),
            }
        }
        let locked = engine
            .gift_card_move(
                pay(card(&c.code, Some(&pin)), "1", "p-1", false),
                "key:till",
            )
            .await;
        assert_eq!(
            code_of(locked),
            "gift_card_locked",
            "[{name}] even with the right PIN"
        );
        // An admin unlocks it for its holder, audited; the right PIN reaches it again.
        let unlocked = engine.unlock_gift_card(&c.code, "key:admin").await.unwrap();
        assert!(!unlocked.locked, "[{name}]");
        engine.gift_card(&card(&c.code, Some(&pin))).await.unwrap();
        // Nothing to unlock the second time: nothing more is written.
        engine.unlock_gift_card(&c.code, "key:admin").await.unwrap();
        let audit = engine
            .store()
            .audit_page(&laurel_store::AuditFilter::default(), None, 10)
            .await
            .unwrap();
        let unlocks: Vec<_> = audit
            .entries
            .iter()
            .filter(|e| e.entry.action == "gift_card.unlock")
            .collect();
        assert_eq!(unlocks.len(), 1, "[{name}] {audit:?}");
        assert_eq!(
            unlocks[0].entry.subject,
            format!("gift_card:{}", c.id),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_card_sold_later_pays_only_once_activated() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let issued = issue(
            &engine,
            IssueGiftCardsRequest {
                active: false,
                ..batch(2, "50", "b-1")
            },
        )
        .await;
        let code = &issued.cards[0].code;
        let view = engine.gift_card(&card(code, None)).await.unwrap();
        assert_eq!(
            (view.state.as_str(), view.balance.total()),
            ("inactive", 0),
            "[{name}]"
        );
        let early = engine
            .gift_card_move(pay(card(code, None), "1", "p-1", false), "key:till")
            .await;
        assert_eq!(code_of(early), "gift_card_not_active", "[{name}]");
        let active = engine.activate_gift_card(code, "key:till").await.unwrap();
        assert_eq!(
            (active.state.as_str(), active.balance.principal),
            ("active", 50_00),
            "[{name}]"
        );
        let twice = engine.activate_gift_card(code, "key:till").await;
        assert_eq!(code_of(twice), "gift_card_active", "[{name}]");
        paid(&engine, pay(card(code, None), "50", "p-2", false)).await;
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_card_past_its_expiry_pays_no_more() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let expires_at = Timestamp::now() + SignedDuration::from_millis(1500);
        let issued = issue(
            &engine,
            IssueGiftCardsRequest {
                expires_at: Some(expires_at),
                ..batch(1, "50", "b-1")
            },
        )
        .await;
        let code = &issued.cards[0].code;
        let shelved = IssueGiftCardsRequest {
            active: false,
            expires_at: Some(expires_at),
            ..batch(1, "50", "b-3")
        };
        let shelved = issue(&engine, shelved).await;
        paid(&engine, pay(card(code, None), "10", "p-1", false)).await;
        let wait = expires_at.duration_since(Timestamp::now()) + SignedDuration::from_millis(100);
        tokio::time::sleep(wait.unsigned_abs()).await;
        let late = engine
            .gift_card_move(pay(card(code, None), "10", "p-2", false), "key:till")
            .await;
        assert_eq!(code_of(late), "gift_card_expired", "[{name}]");
        let sold_late = engine
            .activate_gift_card(&shelved.cards[0].code, "key:till")
            .await;
        assert_eq!(
            code_of(sold_late),
            "gift_card_expired",
            "[{name}] never sold past its expiry"
        );
        let past = IssueGiftCardsRequest {
            expires_at: Some(Timestamp::now()),
            ..batch(1, "50", "b-2")
        };
        let refused = engine.issue_gift_cards(past, "staff:a").await;
        assert_eq!(code_of(refused), "invalid_date", "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_card_loaded_into_a_member_s_wallet_moves_all_it_holds_once() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let id = member(&engine, "G1").await;
        let issued = issue(&engine, batch(2, "900", "b-1")).await;
        let code = &issued.cards[0].code;
        paid(&engine, pay(card(code, None), "100", "p-1", false)).await;
        let load = engine
            .load_gift_card(&card(code, None), id, "key:till")
            .await
            .unwrap();
        assert_eq!((load.amount, load.member_id), (800_00, id), "[{name}]");
        assert_eq!(
            (load.card.state.as_str(), load.card.balance.total()),
            ("loaded", 0),
            "[{name}]"
        );
        assert_eq!(load.card.loaded_into, Some(id), "[{name}]");
        assert_eq!(held(&engine, id).await, (800_00, 0), "[{name}]");
        let after = engine
            .gift_card_move(pay(card(code, None), "1", "p-2", false), "key:till")
            .await;
        assert_eq!(code_of(after), "gift_card_not_active", "[{name}]");
        let twice = engine
            .load_gift_card(&card(code, None), id, "key:till")
            .await;
        assert_eq!(code_of(twice), "gift_card_not_active", "[{name}]");
        let statement = engine.wallet_statement(id, None, 5).await.unwrap();
        assert_eq!(statement.moves[0].kind.as_str(), "transfer", "[{name}]");

        // The most a wallet may hold (¥6,000) holds for loads too.
        let big = issue(&engine, batch(1, "5000", "b-2")).await;
        engine
            .load_gift_card(&card(&big.cards[0].code, None), id, "key:till")
            .await
            .unwrap();
        let over = engine
            .load_gift_card(&card(&issued.cards[1].code, None), id, "key:till")
            .await;
        assert_eq!(code_of(over), "wallet_balance_over_max", "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn sixty_four_payments_at_once_never_overdraw_a_gift_card() {
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, wallet_program()).await);
        let issued = issue(&engine, batch(1, "500", "b-1")).await;
        let code = issued.cards[0].code.clone();
        // ¥500 on the card; 64 payments of ¥9 ask for ¥576: exactly 55 are paid.
        let tasks: Vec<_> = (0..64)
            .map(|i| {
                let (engine, code) = (Arc::clone(&engine), code.clone());
                tokio::spawn(async move {
                    engine
                        .gift_card_move(
                            pay(card(&code, None), "9", &format!("p-{i}"), false),
                            "key:till",
                        )
                        .await
                        .map_err(|e| e.code().as_str())
                })
            })
            .collect();
        let outcomes = tally(tasks, "paid").await;
        assert_eq!(
            outcomes,
            BTreeMap::from([("insufficient_funds", 9), ("paid", 55)]),
            "[{name}]"
        );
        let engine = unshare(engine);
        let view = engine.gift_card(&card(&code, None)).await.unwrap();
        assert_eq!(
            view.balance.total(),
            5_00,
            "[{name}] ¥5 left, never below zero"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn batches_are_listed_newest_first_with_their_cards_counted_and_value_unused() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, wallet_program()).await;
        let id = member(&engine, "G1").await;
        let first = issue(&engine, batch(3, "100", "b-1")).await;
        let expires_at = Timestamp::now() + SignedDuration::from_hours(24 * 30);
        let second = issue(
            &engine,
            IssueGiftCardsRequest {
                active: false,
                expires_at: Some(expires_at),
                ..batch(2, "50", "b-2")
            },
        )
        .await;
        // Of the first batch: one card half spent, one loaded into a member's wallet.
        paid(
            &engine,
            pay(card(&first.cards[0].code, None), "40", "p-1", false),
        )
        .await;
        engine
            .load_gift_card(&card(&first.cards[1].code, None), id, "key:till")
            .await
            .unwrap();
        // Of the second: one sold.
        engine
            .activate_gift_card(&second.cards[0].code, "key:till")
            .await
            .unwrap();

        let page = engine.gift_card_batches(None, 1).await.unwrap();
        assert_eq!(page.batches.len(), 1, "[{name}]");
        let newest = &page.batches[0];
        assert_eq!(newest.id, second.batch_id, "[{name}] newest first");
        assert_eq!(
            (newest.cards, newest.face, newest.reference.as_str()),
            (2, 50_00, "batch-b-2"),
            "[{name}]"
        );
        assert_eq!(
            newest.expires_at.map(|at| at.as_second()),
            Some(expires_at.as_second()),
            "[{name}]"
        );
        assert_eq!(
            (newest.inactive, newest.active, newest.loaded, newest.unused),
            (1, 1, 0, 50_00),
            "[{name}] an unsold card holds nothing yet"
        );
        assert_eq!(newest.actor, "staff:admin@example.com", "[{name}]");
        assert_eq!(page.next, Some(second.batch_id), "[{name}] a next page");

        let older = engine.gift_card_batches(page.next, 1).await.unwrap();
        assert_eq!(older.next, None, "[{name}] the last page");
        let oldest = &older.batches[0];
        assert_eq!(oldest.id, first.batch_id, "[{name}]");
        assert_eq!(
            (oldest.inactive, oldest.active, oldest.loaded, oldest.unused),
            (0, 2, 1, 60_00 + 100_00),
            "[{name}] ¥60 left on one card, ¥100 on another, the loaded one empty"
        );

        // The totals keep what members are owed apart from what cards still hold.
        let totals = engine.wallet_totals().await.unwrap();
        assert_eq!(
            (totals.wallets, totals.principal, totals.bonus),
            (1, 100_00, 0),
            "[{name}] the member's wallet, with the loaded card's ¥100"
        );
        assert_eq!(
            (totals.cards, totals.card_value),
            (3, 60_00 + 100_00 + 50_00),
            "[{name}] the cards holding value"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn guesses_sent_at_once_never_pass_the_pin_limit_and_a_right_pin_gives_them_back() {
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, wallet_program()).await);
        let with_pin = IssueGiftCardsRequest {
            with_pin: true,
            ..batch(2, "100", "b-1")
        };
        let issued = issue(&engine, with_pin).await;
        let (first, second) = (&issued.cards[0], &issued.cards[1]);
        let wrong = |pin: &str| if pin == "000000" { "111111" } else { "000000" }.to_owned();

        // Four wrong, then the right one: the guesses come back.
        let right = second.pin.clone().unwrap();
        for _ in 0..4 {
            let refused = engine
                .gift_card(&card(&second.code, Some(&wrong(&right))))
                .await;
            assert_eq!(code_of(refused), "gift_card_pin_wrong", "[{name}]");
        }
        engine
            .gift_card(&card(&second.code, Some(&right)))
            .await
            .unwrap();
        let again = engine
            .gift_card(&card(&second.code, Some(&wrong(&right))))
            .await;
        match again {
            Err(EngineError::GiftCard(laurel_core::wallet::GiftCardRefusal::PinWrong { left })) => {
                assert_eq!(left, 4, "[{name}] counted afresh");
            }
            other => panic!("[{name}] expected a wrong PIN, got {other:?}"),
        }

        // Twenty wrong guesses at once: five are checked, the rest find the card locked.
        let right = first.pin.clone().unwrap();
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (engine, code, pin) = (Arc::clone(&engine), first.code.clone(), wrong(&right));
                tokio::spawn(async move {
                    engine
                        .gift_card(&card(&code, Some(&pin)))
                        .await
                        .map_err(|e| e.code().as_str())
                })
            })
            .collect();
        let outcomes = tally(tasks, "reached").await;
        assert_eq!(
            outcomes,
            BTreeMap::from([("gift_card_locked", 15), ("gift_card_pin_wrong", 5)]),
            "[{name}]"
        );
        let locked = engine.gift_card(&card(&first.code, Some(&right))).await;
        assert_eq!(
            code_of(locked),
            "gift_card_locked",
            "[{name}] even the right PIN"
        );
        finish(name, unshare(engine)).await;
    }
}
