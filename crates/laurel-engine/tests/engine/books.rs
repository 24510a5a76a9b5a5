//! Books: the contract liability and the provision read from the ledger, worked out by hand
//! over four months on both backends — sales allocated at the estimate then, an estimate
//! lowered, a redemption, a refund of half a sale, points given — then a period closed, a
//! late sale dated in it posting to the open period, and the refusals a closed books give.

use super::*;
use laurel_core::books::{PeriodBooks, ReportingPeriod};
use laurel_engine::{BooksActor, BooksRange, BooksReport, NewEstimate};

/// One point a yuan, a point sold at ¥0.25, 80% of points expected back, monthly books.
fn books_text() -> String {
    PROGRAM.replace(r#"points_per_unit = "1.5""#, r#"points_per_unit = "1""#)
        + "\n[books]\npoint_price = \"0.25\"\nexpected_redemption_rate = \"0.8\"\nperiod = \"month\"\n"
}

fn books_program() -> ProgramDefinition {
    parse_program(&books_text(), Path::new("books.toml")).unwrap()
}

fn finance() -> BooksActor {
    BooksActor {
        staff_user_id: None,
        name: "key:finance".into(),
    }
}

/// The months of this test: three before the one holding now, and this one.
struct Months {
    starts: [Timestamp; 4],
    labels: [String; 4],
}

fn months() -> Months {
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let this = ReportingPeriod::Month
        .holding(&tz, Timestamp::now())
        .unwrap();
    let mut starts = [this.start; 4];
    let mut labels: [String; 4] = Default::default();
    labels[3] = this.label.clone();
    for i in (0..3).rev() {
        let before = ReportingPeriod::Month
            .holding(&tz, starts[i + 1] - SignedDuration::from_secs(1))
            .unwrap();
        starts[i] = before.start;
        labels[i] = before.label;
    }
    Months { starts, labels }
}

async fn bought_at(engine: &Engine, member: i64, order: &str, total: &str, at: Timestamp) -> i64 {
    let mut request = purchase_request(member, order, total);
    request.occurred_at = at;
    engine.purchase(request).await.unwrap().purchase_id
}

fn money(s: &str) -> Decimal {
    dec(s)
}

/// (opening, put in, reversed, recognised, breakage, closing) of the sales pool.
fn sales(p: &PeriodBooks) -> [Decimal; 6] {
    let r = &p.sales;
    [
        r.opening,
        r.put_in,
        r.reversed,
        r.recognised,
        r.breakage,
        r.closing,
    ]
}

fn figures(list: [&str; 6]) -> [Decimal; 6] {
    list.map(money)
}

async fn report(engine: &Engine, from: Timestamp) -> BooksReport {
    let to = Timestamp::now() + SignedDuration::from_secs(1);
    engine.books_report(BooksRange { from, to }).await.unwrap()
}

#[tokio::test]
async fn four_months_of_books_worked_by_hand_roll_forward_and_a_late_sale_posts_to_the_open_month()
{
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, books_program()).await;
        let m = months();
        let (a, b, c) = (
            member(&engine, "books-a").await,
            member(&engine, "books-b").await,
            member(&engine, "books-c").await,
        );
        // Month 1: ¥1000, 1000 points worth 1000 × 0.25 × 0.8 = ¥200: deferred
        // 1000 × 200 / 1200 = ¥166.666…
        let first = bought_at(&engine, a, "o-1", "1000", m.starts[0] + days(9)).await;
        // Month 2: ¥400, 400 points worth ¥80: deferred 400 × 80 / 480 = ¥66.666…; the
        // cumulative ¥233.333… rounds to 233.33, so the month defers 66.66, not 66.67.
        bought_at(&engine, b, "o-2", "400", m.starts[1] + days(4)).await;
        // Recorded now, an estimate of 60% backdated to month 1 reallocates nothing: the sales
        // keep what they were allocated when they were recorded.
        engine
            .record_books_estimate(
                NewEstimate {
                    effective_from: m.starts[0],
                    rate: money("0.6"),
                    note: "Backdated to the start of the books.".into(),
                },
                &finance(),
            )
            .await
            .unwrap();
        // Month 3: the estimate falls to 50% from its first day. Nothing is reallocated.
        engine
            .record_books_estimate(
                NewEstimate {
                    effective_from: m.starts[2],
                    rate: money("0.5"),
                    note: "A year of redemptions says half the points come back.".into(),
                },
                &finance(),
            )
            .await
            .unwrap();
        // This month: A redeems 350, and half of A's sale is refunded (500 points back,
        // ¥83.333… of the deferral reversed); B is given 100 points (a provision of
        // 100 × 0.25 × 0.5 = ¥12.50).
        engine
            .redeem(redeem_request(a, 350, "books-redeem"))
            .await
            .unwrap();
        engine
            .refund(refund_request(
                first,
                "half",
                RefundScope::Amount(money("500")),
            ))
            .await
            .unwrap();
        engine
            .adjust(credit(b, 100, "books-gift"), "staff:clerk")
            .await
            .unwrap();

        let books = report(&engine, m.starts[0]).await;
        let labels: Vec<&str> = books
            .periods
            .iter()
            .map(|p| p.span.label.as_str())
            .collect();
        assert_eq!(
            labels,
            m.labels.iter().map(String::as_str).collect::<Vec<_>>(),
            "[{name}]"
        );
        assert_eq!(
            sales(&books.periods[0]),
            figures(["0", "166.67", "0", "0", "0", "166.67"]),
            "[{name}] month 1"
        );
        assert_eq!(
            sales(&books.periods[1]),
            figures(["166.67", "66.66", "0", "0", "0", "233.33"]),
            "[{name}] month 2"
        );
        // 1400 points out, 700 expected back under 50%: all still owed.
        assert_eq!(
            sales(&books.periods[2]),
            figures(["233.33", "0", "0", "0", "0", "233.33"]),
            "[{name}] month 3"
        );
        // Held ¥150 for 900 points; 450 expected back, 350 redeemed: recognised
        // 150 × 350/450 = ¥116.67, owed 150 × 100/450 = ¥33.33, nothing lapsed.
        assert_eq!(
            sales(&books.periods[3]),
            figures(["233.33", "0", "83.33", "116.67", "0", "33.33"]),
            "[{name}] this month"
        );
        let now = &books.periods[3].sales;
        assert_eq!(
            (now.taken_back, now.redeemed, now.issued),
            (500, 350, 0),
            "[{name}]"
        );
        assert_eq!(
            (
                books.periods[3].given.put_in,
                books.periods[3].given.closing
            ),
            (money("12.50"), money("12.50")),
            "[{name}] the provision for points given"
        );
        assert_eq!(
            sales(&books.total),
            figures(["0", "233.33", "83.33", "116.67", "0", "33.33"]),
            "[{name}] whole"
        );
        assert_eq!(books.estimate.rate, money("0.5"), "[{name}]");
        assert_eq!(books.estimate.effective_from, Some(m.starts[2]), "[{name}]");

        // Month 3 closed: months 1–3 locked. A sale dated in month 2 arrives late.
        let close = engine
            .close_books_period(&m.labels[2], &finance())
            .await
            .unwrap();
        assert_eq!(close.period_end, m.starts[3], "[{name}]");
        bought_at(&engine, c, "o-late", "100", m.starts[1] + days(19)).await;
        let after = report(&engine, m.starts[0]).await;
        for i in 0..3 {
            assert_eq!(
                sales(&after.periods[i]),
                sales(&books.periods[i]),
                "[{name}] month {} stays closed",
                i + 1
            );
            assert!(after.periods[i].closed, "[{name}]");
        }
        // Recorded now, it is allocated at the 60% in force at its date as known now: 100
        // points worth ¥15, ¥100 × 15 / 115 = ¥13.043… deferred; the cumulative deferral at
        // month 3's end becomes ¥246.376… = 246.38, so this month takes 13.05, shown as late.
        // Held ¥163.043… for 1000 points, 500 expected, 350 redeemed: recognised
        // 163.043… × 350/500 = ¥114.13, nothing lapsed, owed what is left: 246.38 − 83.33 −
        // 114.13 = ¥48.92.
        let open = &after.periods[3];
        assert!(!open.closed);
        assert_eq!(
            sales(open),
            figures(["233.33", "13.05", "83.33", "114.13", "0", "48.92"]),
            "[{name}] the open month takes the late sale"
        );
        let late = open.late.expect("a late sale shows");
        assert_eq!(
            (late[0].put_in, late[0].issued),
            (money("13.05"), 100),
            "[{name}]"
        );
        assert_eq!(after.closed_through, Some(m.starts[3]), "[{name}]");

        // A sale dated before anything the close saw (history imported late) changes no
        // closed month either, not even the one before the books began: ¥50 with 50 points
        // worth ¥10 at the program's 80% then defers ¥8.333…, and this month's late
        // deferral becomes 254.71 − 233.33 = 21.38.
        bought_at(&engine, c, "o-older", "50", m.starts[0] - days(10)).await;
        let older = report(&engine, m.starts[0] - days(25)).await;
        let before_books = &older.periods[0];
        assert!(before_books.closed, "[{name}]");
        assert_eq!(sales(before_books), [Decimal::ZERO; 6], "[{name}]");
        for i in 0..3 {
            assert_eq!(
                sales(&older.periods[i + 1]),
                sales(&books.periods[i]),
                "[{name}]"
            );
        }
        let late = older.periods[4].late.expect("the late sales show");
        assert_eq!(
            (late[0].put_in, late[0].issued),
            (money("21.38"), 150),
            "[{name}]"
        );

        // What a closed books refuse.
        let refused = engine.close_books_period(&m.labels[1], &finance()).await;
        assert_eq!(code(refused), "books_period_closed", "[{name}]");
        let refused = engine.close_books_period(&m.labels[3], &finance()).await;
        assert_eq!(code(refused), "books_period_not_ended", "[{name}]");
        let refused = engine.close_books_period("last month", &finance()).await;
        assert_eq!(code(refused), "invalid_field", "[{name}]");
        let backdated = NewEstimate {
            effective_from: m.starts[1],
            rate: money("0.9"),
            note: "too late".into(),
        };
        let refused = engine.record_books_estimate(backdated, &finance()).await;
        assert_eq!(code(refused), "books_period_closed", "[{name}]");
        for rate in ["0", "1.01", "-0.2"] {
            let wrong = NewEstimate {
                effective_from: Timestamp::now(),
                rate: money(rate),
                note: "x".into(),
            };
            let refused = engine.record_books_estimate(wrong, &finance()).await;
            assert_eq!(code(refused), "invalid_field", "[{name}] rate {rate}");
        }
        // Closed by months in Shanghai, the books keep the program there.
        let elsewhere = laurel_engine::ApplyProgram {
            text: books_text().replace("Asia/Shanghai", "Europe/Berlin"),
            effective_from: None,
            note: None,
            dry_run: true,
        };
        let refused = engine.apply_program(elsewhere, "key:admin").await;
        assert_eq!(code(refused), "program_time_zone_changed", "[{name}]");
        let estimates = engine.books_estimates().await.unwrap();
        assert_eq!(estimates.len(), 2, "[{name}] nothing refused was kept");
        let audit = engine.audit_log(10).await.unwrap();
        let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
        assert!(
            actions.contains(&"books.close") && actions.contains(&"books.estimate"),
            "[{name}] {actions:?}"
        );
        finish(name, engine).await;
    }
}

/// A generated half-year of history through the engine: purchases dated across six months,
/// then redemptions, refunds, staff credits and debits, expiry and estimates recorded today.
async fn generated_history(engine: &Engine, seed: u64) -> Vec<i64> {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let m = months();
    let now = Timestamp::now();
    let members: Vec<i64> = {
        let mut ids = Vec::new();
        for i in 0..6 {
            ids.push(member(engine, &format!("gen-{seed}-{i}")).await);
        }
        ids
    };
    let mut purchases = Vec::new();
    let first = m.starts[0] - days(60);
    for (n, &who) in members.iter().enumerate() {
        for k in 0..rng.random_range(2..6) {
            let at = first
                + SignedDuration::from_secs(rng.random_range(0..(now - first).as_secs() - 60));
            let total = format!(
                "{}.{:02}",
                rng.random_range(5..900),
                rng.random_range(0..100)
            );
            purchases.push(bought_at(engine, who, &format!("g{seed}-{n}-{k}"), &total, at).await);
        }
    }
    for i in 0..rng.random_range(1..4) {
        let effective_from =
            first + SignedDuration::from_secs(rng.random_range(0..(now - first).as_secs()));
        let rate = Decimal::new(rng.random_range(30..=100), 2);
        let note = format!("estimate {i}");
        engine
            .record_books_estimate(
                NewEstimate {
                    effective_from,
                    rate,
                    note,
                },
                &finance(),
            )
            .await
            .unwrap();
    }
    engine.run_job(JobKind::Expiry, now).await.unwrap();
    for (n, &who) in members.iter().enumerate() {
        let spend = rng.random_range(1..400);
        let _ = engine
            .redeem(redeem_request(who, spend, &format!("gr{seed}-{n}")))
            .await;
        if rng.random_bool(0.5) {
            engine
                .adjust(
                    credit(who, rng.random_range(1..300), &format!("gc{seed}-{n}")),
                    "staff:clerk",
                )
                .await
                .unwrap();
        }
        if rng.random_bool(0.3) {
            let mut debit = credit(who, -rng.random_range(1..50), &format!("gd{seed}-{n}"));
            debit.reason = "correction".into();
            let _ = engine.adjust(debit, "staff:clerk").await;
        }
    }
    for (i, &p) in purchases.iter().enumerate() {
        if rng.random_bool(0.3) {
            let scope = if rng.random_bool(0.5) {
                RefundScope::Full
            } else {
                RefundScope::Amount(Decimal::new(rng.random_range(100..500), 2))
            };
            let _ = engine
                .refund(refund_request(p, &format!("gf{seed}-{i}"), scope))
                .await;
        }
    }
    members
}

/// How much a period's journal moves `account` (credit up, debit down).
fn moved(lines: &[laurel_core::books::JournalLine], account: &str) -> Decimal {
    lines
        .iter()
        .map(|l| {
            assert!(l.amount > Decimal::ZERO && l.debit != l.credit, "{l:?}");
            if l.credit == account {
                l.amount
            } else if l.debit == account {
                -l.amount
            } else {
                Decimal::ZERO
            }
        })
        .sum()
}

#[tokio::test]
async fn for_generated_histories_every_period_rolls_forward_its_journal_balances_and_points_match_the_ledger()
 {
    use laurel_core::books::{PoolKind, journal};
    for (name, db) in laurel_testkit::backends() {
        let text = PROGRAM
            .replace(r#"points_per_unit = "1.5""#, r#"points_per_unit = "1""#)
            .replace(
                r#"clawback = "allow_negative""#,
                r#"clawback = "cap_at_zero""#,
            )
            .replace(
                r#"expiry = { policy = "never" }"#,
                r#"expiry = { policy = "months_after_earning", months = 3 }"#,
            )
            + "\n[books]\npoint_price = \"0.05\"\nexpected_redemption_rate = \"0.9\"\n";
        let engine = start(&db, parse_program(&text, Path::new("gen.toml")).unwrap()).await;
        let mut members = Vec::new();
        for seed in [7_u64, 2026] {
            members.extend(generated_history(&engine, seed).await);
        }
        let from = months().starts[0] - days(90);
        let books = report(&engine, from).await;
        let mut opening = [Decimal::ZERO; 2];
        let mut sum = [Decimal::ZERO; 4];
        let mut outstanding = 0;
        for p in &books.periods {
            for (i, (kind, owed)) in [(PoolKind::Sales, "2400"), (PoolKind::Given, "2410")]
                .into_iter()
                .enumerate()
            {
                let r = p.roll(kind);
                let at = format!("[{name}] {} {kind:?}", p.span.label);
                assert_eq!(r.opening, opening[i], "{at}: opens where the last closed");
                assert_eq!(
                    r.closing,
                    r.opening + r.put_in - r.reversed - r.recognised - r.breakage,
                    "{at}"
                );
                assert!(r.closing >= Decimal::ZERO, "{at}: {r:?}");
                assert_eq!(
                    moved(&journal(kind, r, &books.accounts), owed),
                    r.closing - r.opening,
                    "{at}"
                );
                opening[i] = r.closing;
                outstanding += r.issued - r.taken_back - r.redeemed - r.expired;
            }
            let s = &p.sales;
            for (total, part) in
                sum.iter_mut()
                    .zip([s.put_in, s.reversed, s.recognised, s.breakage])
            {
                *total += part;
            }
        }
        let t = &books.total.sales;
        assert_eq!(
            sum,
            [t.put_in, t.reversed, t.recognised, t.breakage],
            "[{name}] periods add up to the whole"
        );
        assert_eq!(
            t.closing,
            t.put_in - t.reversed - t.recognised - t.breakage,
            "[{name}]"
        );
        let mut held = 0;
        for &member in &members {
            let (available, pending) = balance(&engine, member).await;
            held += available + pending;
        }
        assert_eq!(
            outstanding, held,
            "[{name}] the books' points are the members' points"
        );
        assert!(
            books.total.sales.recognised > Decimal::ZERO,
            "[{name}] something was recognised"
        );
        finish(name, engine).await;
    }
}
