//! Books: a sale's price split between goods and points, a pool's money recognised by the
//! cumulative catch-up as points are redeemed or lapse, periods that roll forward exactly,
//! and journals that move the liability by exactly what the roll says — worked by hand, then
//! for any sequence of sales, redemptions, refunds, expiries and estimate changes.

use super::fixtures::dec;
use laurel_core::books::{Accounts, Pool, PoolKind, Roll, allocate, journal};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn accounts() -> Accounts {
    Accounts {
        sales_revenue: "4000".into(),
        contract_liability: "2400".into(),
        loyalty_revenue: "4010".into(),
        breakage_revenue: "4020".into(),
        marketing_expense: "6100".into(),
        loyalty_provision: "2410".into(),
        rewards_settled: "1390".into(),
    }
}

/// The roll of a period, in fen.
fn roll(before: (&Pool, &str), after: (&Pool, &str)) -> Roll {
    Roll::between((before.0, dec(before.1)), (after.0, dec(after.1)), 2)
}

#[test]
fn a_sale_defers_the_points_share_of_its_price_by_their_stand_alone_selling_prices() {
    // ¥10 paid; 250 points worth ¥0.01 each, all expected to be redeemed: ¥2.50 of points
    // beside ¥10 of goods, so 2.50 / 12.50 of the price is deferred.
    assert_eq!(allocate(dec("10"), 250, dec("0.01"), dec("1")), dec("2"));
    // Expecting 80% back makes the points worth less and the deferral smaller.
    assert_eq!(
        allocate(dec("99"), 125, dec("0.01"), dec("0.8")),
        dec("0.99")
    );
    assert_eq!(
        allocate(dec("0"), 250, dec("0.01"), dec("1")),
        Decimal::ZERO
    );
    assert_eq!(allocate(dec("10"), 0, dec("0.01"), dec("1")), Decimal::ZERO);
}

#[test]
fn four_months_worked_by_hand_with_an_estimate_lowered_and_points_expiring() {
    let start = Pool::default();
    // January: the sale (¥2.00 deferred, 250 points), 50 points redeemed, 100% expected.
    let jan = Pool {
        gross: dec("2"),
        issued: 250,
        redeemed: 50,
        ..Pool::default()
    };
    let r = roll((&start, "1"), (&jan, "1"));
    assert_eq!(
        (r.opening, r.put_in, r.recognised, r.breakage, r.closing),
        (dec("0"), dec("2.00"), dec("0.40"), dec("0"), dec("1.60"))
    );
    // February: the estimate falls to 80% and 50 more are redeemed. 200 points are now
    // expected back, 100 of them are: half the deferral is recognised in all.
    let feb = Pool {
        redeemed: 100,
        ..jan
    };
    let r = roll((&jan, "1"), (&feb, "0.8"));
    assert_eq!(
        (r.opening, r.recognised, r.breakage, r.closing),
        (dec("1.60"), dec("0.60"), dec("0"), dec("1.00"))
    );
    // March: 50 points expire — the 20% expected never to come back. Nothing changes.
    let mar = Pool { expired: 50, ..feb };
    let r = roll((&feb, "0.8"), (&mar, "0.8"));
    assert_eq!(
        (r.recognised, r.breakage, r.closing),
        (dec("0"), dec("0"), dec("1.00"))
    );
    // April: 60 more expire: only 40 are left to come back of the 100 still expected, so
    // the owed falls to 40/200 of the deferral and the rest lapses.
    let apr = Pool {
        expired: 110,
        ..mar
    };
    let r = roll((&mar, "0.8"), (&apr, "0.8"));
    assert_eq!(
        (r.opening, r.recognised, r.breakage, r.closing),
        (dec("1.00"), dec("0"), dec("0.60"), dec("0.40"))
    );
    let lines = journal(PoolKind::Sales, &r, &accounts());
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (
            lines[0].what,
            lines[0].debit.as_str(),
            lines[0].credit.as_str(),
            lines[0].amount
        ),
        ("breakage", "2400", "4020", dec("0.60"))
    );
}

#[test]
fn a_refund_of_half_the_sale_reverses_half_its_deferral_and_the_points_it_took_back() {
    let sold = Pool {
        gross: dec("2"),
        issued: 250,
        ..Pool::default()
    };
    let refunded = Pool {
        reversed: dec("1"),
        issued: 125,
        ..sold
    };
    let r = roll((&sold, "1"), (&refunded, "1"));
    assert_eq!(
        (r.opening, r.reversed, r.recognised, r.breakage, r.closing),
        (dec("2.00"), dec("1.00"), dec("0"), dec("0"), dec("1.00"))
    );
    let lines = journal(PoolKind::Sales, &r, &accounts());
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (
            lines[0].what,
            lines[0].debit.as_str(),
            lines[0].credit.as_str()
        ),
        ("reversal", "2400", "4000")
    );
}

#[test]
fn a_higher_estimate_takes_recognised_revenue_back_and_the_journal_says_so() {
    let pool = Pool {
        gross: dec("2"),
        issued: 250,
        redeemed: 100,
        ..Pool::default()
    };
    // At 80% half was recognised (100 of 200); at 100%, 100 of 250.
    let r = roll((&pool, "0.8"), (&pool, "1"));
    assert_eq!(r.recognised, dec("-0.20"));
    let lines = journal(PoolKind::Sales, &r, &accounts());
    assert_eq!(
        (
            lines[0].debit.as_str(),
            lines[0].credit.as_str(),
            lines[0].amount
        ),
        ("4010", "2400", dec("0.20")),
        "a catch-up down is debited to revenue"
    );
}

/// One thing happening to a pool.
#[derive(Debug, Clone)]
enum Step {
    Sale { total_fen: i64, points: i64 },
    Redeem(i64),
    Expire(i64),
    Refund { share_percent: i64 },
    Estimate { percent: i64 },
    CloseMonth,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (100_i64..1_000_000, 1_i64..100_000)
            .prop_map(|(total_fen, points)| Step::Sale { total_fen, points }),
        (1_i64..50_000).prop_map(Step::Redeem),
        (1_i64..50_000).prop_map(Step::Expire),
        (1_i64..100).prop_map(|share_percent| Step::Refund { share_percent }),
        (1_i64..=100).prop_map(|percent| Step::Estimate { percent }),
        Just(Step::CloseMonth),
    ]
}

/// Applies `steps` to a pool at `price` a point, closing a period at each `CloseMonth`: the
/// pool and rate at each period's end (the first is the empty pool).
fn periods(steps: &[Step], price: Decimal) -> Vec<(Pool, Decimal)> {
    let mut pool = Pool::default();
    let mut rate = Decimal::ONE;
    let mut ends = vec![(pool, rate)];
    // Sales so far, each (allocation, points, refunded share in percent).
    let mut sales: Vec<(Decimal, i64, i64)> = Vec::new();
    for step in steps {
        let outstanding = pool.issued - pool.redeemed - pool.expired;
        match *step {
            Step::Sale { total_fen, points } => {
                let deferred = allocate(Decimal::new(total_fen, 2), points, price, rate);
                pool.gross += deferred;
                pool.issued += points;
                sales.push((deferred, points, 0));
            }
            Step::Redeem(n) => pool.redeemed += n.min(outstanding.max(0)),
            Step::Expire(n) => pool.expired += n.min(outstanding.max(0)),
            Step::Refund { share_percent } => {
                if let Some(sale) = sales.last_mut() {
                    let share = share_percent.min(100 - sale.2);
                    sale.2 += share;
                    pool.reversed += sale.0 * Decimal::new(share, 2);
                    // Points taken back, at most what is outstanding.
                    let back = (sale.1 * share / 100).min(outstanding.max(0));
                    pool.issued -= back;
                }
            }
            Step::Estimate { percent } => rate = Decimal::new(percent, 2),
            Step::CloseMonth => ends.push((pool, rate)),
        }
    }
    ends.push((pool, rate));
    ends
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_period_rolls_forward_into_the_next_and_its_journal_moves_the_liability_by_as_much(
        steps in proptest::collection::vec(step(), 0..60),
        price_fen_tenths in 1_i64..100,
    ) {
        let price = Decimal::new(price_fen_tenths, 3);
        let ends = periods(&steps, price);
        let mut sum = Roll::default();
        let mut previous_closing = Decimal::ZERO;
        for pair in ends.windows(2) {
            let r = Roll::between((&pair[0].0, pair[0].1), (&pair[1].0, pair[1].1), 2);
            prop_assert_eq!(
                r.closing,
                r.opening + r.put_in - r.reversed - r.recognised - r.breakage
            );
            prop_assert_eq!(r.opening, previous_closing, "each period opens where the last closed");
            previous_closing = r.closing;
            for kind in [PoolKind::Sales, PoolKind::Given] {
                let lines = journal(kind, &r, &accounts());
                let owed = match kind {
                    PoolKind::Sales => "2400",
                    PoolKind::Given => "2410",
                };
                let moved: Decimal = lines
                    .iter()
                    .map(|l| {
                        prop_assert!(l.amount > Decimal::ZERO);
                        Ok(if l.credit == owed { l.amount } else if l.debit == owed { -l.amount } else { Decimal::ZERO })
                    })
                    .collect::<Result<Vec<_>, TestCaseError>>()?
                    .into_iter()
                    .sum();
                prop_assert_eq!(moved, r.closing - r.opening, "the liability account moves by the roll");
            }
            sum.put_in += r.put_in;
            sum.reversed += r.reversed;
            sum.recognised += r.recognised;
            sum.breakage += r.breakage;
        }
        let (first, last) = (ends[0], ends[ends.len() - 1]);
        let whole = Roll::between((&first.0, first.1), (&last.0, last.1), 2);
        prop_assert_eq!(
            (sum.put_in, sum.reversed, sum.recognised, sum.breakage),
            (whole.put_in, whole.reversed, whole.recognised, whole.breakage),
            "periods add up to the whole, to the fen"
        );
        let position = last.0.position(last.1);
        prop_assert!(position.recognised >= Decimal::ZERO);
        prop_assert!(position.breakage >= Decimal::ZERO);
        prop_assert!(position.liability >= Decimal::ZERO);
        // Decimals carry 28 significant digits: the parts add up to what is held to far
        // below a fen.
        let parts = position.recognised + position.breakage + position.liability;
        prop_assert!((parts - last.0.held()).abs() < Decimal::new(1, 20));
        if last.0.issued <= last.0.redeemed + last.0.expired {
            prop_assert_eq!(position.liability, Decimal::ZERO, "nothing owed once no point is left");
        }
    }
}
