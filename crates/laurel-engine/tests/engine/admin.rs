//! What the console's admin pages read and do, on both backends: the dashboard's daily series
//! in the program's time zone, staff accounts with their last sign-in and lock, and API keys
//! listed and revoked (refused at once, even when this node had the key cached).

use super::*;
use laurel_core::ledger::{Held, Line};
use laurel_engine::{DAILY_DAYS_MAX, FAILED_SIGN_INS_MAX, Role};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn the_daily_series_counts_today_in_the_program_zone() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[ONE_PER_YUAN])).await;
        let a = engine.enroll(enroll_request("daily-a")).await.unwrap().id.0;
        engine.enroll(enroll_request("daily-b")).await.unwrap();
        buy_now(&engine, a, "o-1", "120").await;
        buy_now(&engine, a, "o-2", "30").await;
        engine.redeem(redeem_request(a, 40, "r-1")).await.unwrap();
        // Adjustments are neither issued nor redeemed, as in the dashboard's totals.
        engine
            .adjust(credit(a, 5, "c-1"), "staff:li")
            .await
            .unwrap();
        let now = Timestamp::now();

        let series = engine.daily_activity(90, now).await.unwrap();
        assert_eq!(series.len(), 90, "[{name}]");
        let today = now.to_zoned_datetime(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap());
        let last = series.last().unwrap();
        assert_eq!(last.date, today.date(), "[{name}] ends today in Shanghai");
        assert_eq!(
            (
                last.activity.issued,
                last.activity.redeemed,
                last.activity.enrolled
            ),
            (150, 40, 2),
            "[{name}]"
        );
        assert!(
            series[..89].iter().all(|d| (
                d.activity.issued,
                d.activity.redeemed,
                d.activity.enrolled
            ) == (0, 0, 0)),
            "[{name}] nothing before today"
        );
        assert!(
            series
                .windows(2)
                .all(|w| w[0].date.tomorrow().unwrap() == w[1].date),
            "[{name}] one entry per day, oldest first"
        );
        let points = engine.dashboard(now - days(1)).await.unwrap().points;
        assert_eq!(
            (
                points.line(Line::Issued).total().get(),
                -points.line(Line::Redeemed).total().get()
            ),
            (last.activity.issued, last.activity.redeemed),
            "[{name}] the series adds up to the tiles"
        );

        assert_eq!(
            engine.daily_activity(0, now).await.unwrap().len(),
            1,
            "[{name}] at least today"
        );
        assert_eq!(
            engine.daily_activity(u32::MAX, now).await.unwrap().len(),
            DAILY_DAYS_MAX as usize,
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

/// What members hold in all, as their balances say.
async fn held_by(engine: &Engine, members: &[i64]) -> Held {
    let mut held = Held::default();
    for &id in members {
        let (available, pending) = balance(engine, id).await;
        held.available += Points(available);
        held.pending += Points(pending);
    }
    held
}

fn held(available: i64, pending: i64) -> Held {
    Held {
        available: Points(available),
        pending: Points(pending),
    }
}

#[tokio::test]
async fn the_points_roll_forward_from_the_ledger_adds_up_to_what_members_hold() {
    for (name, db) in laurel_testkit::backends() {
        let p = program(&[
            ONE_PER_YUAN,
            ("pending_days = 0", "pending_days = 14"),
            (
                r#"expiry = { policy = "never" }"#,
                r#"expiry = { policy = "months_after_earning", months = 1 }"#,
            ),
        ]);
        let engine = start(&db, p).await;
        let (a, b) = (
            member(&engine, "roll-a").await,
            member(&engine, "roll-b").await,
        );
        // Before the period: a's points, available and expiring in ten days; b's, pending.
        let mut old = purchase_request(a, "o-0", "200");
        old.occurred_at = Timestamp::now() - days(20);
        let old = engine.purchase(old).await.unwrap();
        let pending = buy_now(&engine, b, "o-b", "50").await;
        let opening = held_by(&engine, &[a, b]).await;
        assert_eq!(opening, held(200, 50), "[{name}]");
        let since = Timestamp::now();

        // The period: every kind of posting.
        buy_now(&engine, a, "o-1", "80").await;
        engine.redeem(redeem_request(a, 30, "r-1")).await.unwrap();
        engine
            .adjust(credit(a, 15, "up"), "staff:li")
            .await
            .unwrap();
        engine
            .adjust(credit(a, -5, "down"), "staff:li")
            .await
            .unwrap();
        for (purchase, refund) in [(old.purchase_id, "back-a"), (pending.purchase_id, "back-b")] {
            let scope = RefundScope::Amount(dec(if refund == "back-a" { "20" } else { "10" }));
            engine
                .refund(refund_request(purchase, refund, scope))
                .await
                .unwrap();
        }
        let expired = engine
            .run_job(JobKind::Expiry, Timestamp::now() + days(11))
            .await
            .unwrap();
        assert!(expired.points.is_positive(), "[{name}] a's old lot expired");
        engine
            .run_job(JobKind::Release, Timestamp::now() + days(15))
            .await
            .unwrap();

        let roll = engine.dashboard(since).await.unwrap().points;
        assert_eq!(roll.opening, opening, "[{name}] opens at what members held");
        let closing = held_by(&engine, &[a, b]).await;
        assert_eq!(roll.closing, closing, "[{name}] closes at what they hold");
        let moved = roll
            .lines
            .iter()
            .fold(Held::default(), |sum, (_, h)| sum + *h);
        assert_eq!(roll.opening + moved, roll.closing, "[{name}] it adds up");
        for (line, expected) in [
            (Line::Issued, held(0, 80)),
            (Line::Redeemed, held(-30, 0)),
            (Line::Adjusted, held(10, 0)),
            (Line::Reversed, held(-20, -10)),
            (Line::Expired, held(-expired.points.get(), 0)),
            (Line::Released, held(120, -120)),
        ] {
            assert_eq!(roll.line(line), expected, "[{name}] {line:?}");
        }
        // The jobs posted at the instants they ran for, up to 15 days ahead.
        let board = engine.dashboard(Timestamp::now() + days(16)).await.unwrap();
        assert_eq!(
            (board.points.opening, board.points.closing),
            (closing, closing),
            "[{name}] a period with nothing in it"
        );
        let value = &board.liability;
        assert_eq!(
            (
                value.total.amount(),
                value.available.amount() + value.pending.amount()
            ),
            (
                Decimal::from(closing.total().get()) / Decimal::from(100),
                value.total.amount()
            ),
            "[{name}] at a point's value of 0.01, pending and available apart"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn the_staff_listing_shows_the_last_sign_in_and_a_lock_only_while_it_lasts() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        engine
            .create_staff_user("li@example.com", "Li Na", Role::Admin, PASSWORD)
            .await
            .unwrap();
        engine
            .create_staff_user("wu@example.com", "Wu Lei", Role::Support, PASSWORD)
            .await
            .unwrap();
        let before = Timestamp::now();
        engine.sign_in("li@example.com", PASSWORD).await.unwrap();
        for _ in 0..FAILED_SIGN_INS_MAX {
            let _ = engine.sign_in("wu@example.com", "wrong password!").await;
        }

        let listing = engine.staff_listing(Timestamp::now()).await.unwrap();
        let li = &listing[0];
        assert_eq!(li.account.email, "li@example.com", "[{name}] by email");
        assert!(
            li.last_sign_in_at
                .is_some_and(|at| at >= before - SignedDuration::from_secs(1)),
            "[{name}] {li:?}"
        );
        assert_eq!(li.locked_until, None, "[{name}]");
        let wu = &listing[1];
        assert_eq!(wu.last_sign_in_at, None, "[{name}] never signed in");
        let until = wu.locked_until.expect("locked after repeated failures");
        assert!(until > Timestamp::now(), "[{name}]");
        let later = engine.staff_listing(until).await.unwrap();
        assert_eq!(
            later[1].locked_until, None,
            "[{name}] a lock that ran out is none"
        );
        finish(name, engine).await;
    }
}
