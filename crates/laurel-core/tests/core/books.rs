//! Books: a sale's price split between goods and points, a pool's money recognised by the
//! cumulative catch-up as points are redeemed or lapse, periods that roll forward exactly,
//! and journals that move the liability by exactly what the roll says — worked by hand, then
//! for any sequence of sales, redemptions, refunds, expiries and estimate changes.

use super::fixtures::dec;
use jiff::Timestamp;
use laurel_core::books::{
    Accounts, Boundary, Capture, Cumulative, Draw, Drawn, HeldPoints, Lot, Pool, PoolKind, Records,
    Refund, Restore, Roll, Sale, Span, Standing, Terms, allocate, flows, journal, roll_periods,
    sample,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn accounts() -> Accounts {
    Accounts::defaults()
}

/// The roll of a period, in fen.
fn roll(before: (&Pool, &str), after: (&Pool, &str)) -> Roll {
    let standing = |(pool, rate): (&Pool, &str)| {
        let cumulative = Cumulative {
            gross: pool.gross,
            reversed: pool.reversed,
            issued: pool.issued,
            taken_back: 0,
            redeemed: pool.redeemed,
            expired: pool.expired,
        };
        Standing::of(&cumulative, dec(rate), 2)
    };
    Roll::between(&standing(before), &standing(after))
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

/// A point fetches ¥0.01 and every point is expected back.
struct Flat;

impl Terms for Flat {
    fn point_price(&self, _: Timestamp) -> Decimal {
        dec("0.01")
    }
    fn rate_known(&self, _: Timestamp, _: Timestamp) -> Decimal {
        Decimal::ONE
    }
}

#[test]
fn a_carried_lot_is_in_its_senders_pool_whatever_order_their_ids_came_in() {
    let at = |hour: i64| Timestamp::from_second(1_780_000_000 + hour * 3600).unwrap();
    let lot = |id: i64, of_sale: bool, opened: i64, carried_from: Option<(i64, i64)>| Lot {
        id,
        posting: id,
        at: at(id.min(5)),
        recorded_at: at(id.min(5)),
        of_sale,
        opened,
        expires_at: None,
        carried_from,
    };
    // Sale lot 10 sent on as lot 3 (an id taken earlier by another transaction), which was
    // sent on again as lot 2; 40 of lot 2's points redeemed.
    let records = Records {
        lots: vec![
            lot(2, false, 60, Some((3, 60))),
            lot(3, false, 60, Some((10, 60))),
            lot(10, true, 100, None),
        ],
        draws: vec![Draw {
            lot: 2,
            posting: 11,
            at: at(6),
            why: Drawn::Redeemed,
            points: 40,
        }],
        ..Records::default()
    };
    let flows = flows(&records, &Flat);
    let [after] = sample(&flows, &[at(7)])[..] else {
        panic!("one sample")
    };
    assert_eq!((after.sales.issued, after.sales.redeemed), (100, 40));
    assert_eq!((after.given.issued, after.given.redeemed), (0, 0));
}

#[test]
fn a_cancelled_redemption_gives_points_back_to_their_pools_and_those_of_a_lapsed_lot_lapse() {
    let at = |hour: i64| Timestamp::from_second(1_780_000_000 + hour * 3600).unwrap();
    let lot = |id: i64, of_sale: bool, opened: i64, expires_at: Option<Timestamp>| Lot {
        id,
        posting: id,
        at: at(id),
        recorded_at: at(id),
        of_sale,
        opened,
        expires_at,
        carried_from: None,
    };
    let draw = |lot: i64, points: i64| Draw {
        lot,
        posting: 3,
        at: at(3),
        why: Drawn::Redeemed,
        points,
    };
    let records = Records {
        sales: vec![
            Sale {
                purchase: 1,
                posting: 1,
                at: at(1),
                recorded_at: at(1),
                total: dec("100"),
                paid: dec("100"),
                points: 100,
                partner_price: None,
            },
            // Nothing paid: nothing deferred, and its refund reverses nothing.
            Sale {
                purchase: 9,
                posting: 9,
                at: at(1),
                recorded_at: at(1),
                total: Decimal::ZERO,
                paid: Decimal::ZERO,
                points: 10,
                partner_price: None,
            },
        ],
        refunds: vec![Refund {
            purchase: 9,
            posting: None,
            at: at(4),
            amount: Decimal::ZERO,
        }],
        lots: vec![lot(1, true, 100, Some(at(5))), lot(2, false, 50, None)],
        draws: vec![draw(1, 80), draw(2, 20)],
        // Cancelled after the sale's lot lapsed: its 80 points lapse, the 20 go back.
        restores: vec![Restore {
            posting: 6,
            at: at(6),
            drawn: vec![(1, 80), (2, 20)],
            refilled: vec![(2, 20)],
        }],
        holds: Vec::new(),
    };
    let flows = flows(&records, &Flat);
    let [before, after] = sample(&flows, &[at(4), at(7)])[..] else {
        panic!("two samples")
    };
    assert_eq!((before.sales.redeemed, before.given.redeemed), (80, 20));
    assert_eq!((after.sales.redeemed, after.sales.expired), (0, 80));
    assert_eq!(
        (
            after.given.redeemed,
            after.given.expired,
            after.given.issued
        ),
        (0, 0, 50)
    );
    assert_eq!(after.sales.reversed, Decimal::ZERO);
    assert_eq!(
        before.postings,
        Some((1, 9)),
        "the postings behind the first span"
    );
}

/// One thing happening in the ledger.
#[derive(Debug, Clone)]
enum Step {
    Sale {
        total_fen: i64,
        points: i64,
    },
    Give(i64),
    Redeem(i64),
    CancelLastRedemption,
    Expire(i64),
    Refund {
        share_percent: i64,
    },
    Estimate {
        percent: i64,
    },
    CloseMonth,
    /// Points sent to another member, `repaid` of them repaying what the receiver owed.
    Transfer {
        points: i64,
        repaid: i64,
    },
    /// Points held at a checkout.
    Hold(i64),
    /// The last hold's order takes `captured_percent` of it; the rest goes back.
    SettleHold {
        captured_percent: i64,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (100_i64..1_000_000, 1_i64..100_000)
            .prop_map(|(total_fen, points)| Step::Sale { total_fen, points }),
        1 => (1_i64..20_000).prop_map(Step::Give),
        2 => (1_i64..50_000).prop_map(Step::Redeem),
        1 => Just(Step::CancelLastRedemption),
        1 => (1_i64..50_000).prop_map(Step::Expire),
        1 => (1_i64..100).prop_map(|share_percent| Step::Refund { share_percent }),
        1 => (1_i64..=100).prop_map(|percent| Step::Estimate { percent }),
        1 => Just(Step::CloseMonth),
        2 => (1_i64..50_000, prop_oneof![3 => Just(0_i64), 1 => 1_i64..5_000])
            .prop_map(|(points, repaid)| Step::Transfer { points, repaid }),
        2 => (1_i64..50_000).prop_map(Step::Hold),
        2 => (0_i64..=100).prop_map(|captured_percent| Step::SettleHold { captured_percent }),
    ]
}

/// A fixed price a point and the estimates recorded, each in force from its instant.
struct Given {
    price: Decimal,
    estimates: Vec<(Timestamp, Decimal)>,
}

impl Terms for Given {
    fn point_price(&self, _: Timestamp) -> Decimal {
        self.price
    }
    fn rate_known(&self, at: Timestamp, known: Timestamp) -> Decimal {
        // Each estimate is recorded at the instant it takes effect.
        self.estimates
            .iter()
            .rev()
            .find(|(from, _)| *from <= at && *from <= known)
            .map_or(Decimal::ONE, |e| e.1)
    }
}

/// A ledger the steps write to, an hour apart: its records, the lots' points left by pool,
/// and the period ends.
#[derive(Default)]
struct Written {
    records: Records,
    estimates: Vec<(Timestamp, Decimal)>,
    ends: Vec<Timestamp>,
    /// Each lot: (id, of a sale, points left).
    lots: Vec<(i64, bool, i64)>,
    /// Each sale: (purchase, lot, total, share refunded in percent).
    sales: Vec<(i64, i64, Decimal, i64)>,
    /// The last redemption not cancelled: its posting's draws.
    last_redemption: Option<Vec<(i64, i64)>>,
    /// The holds not settled: each one's draws.
    open_holds: Vec<Vec<(i64, i64)>>,
    posting: i64,
}

impl Written {
    fn at(&self) -> Timestamp {
        Timestamp::from_second(1_780_000_000 + self.posting * 3600).unwrap()
    }

    fn next(&mut self) -> (i64, Timestamp) {
        self.posting += 1;
        (self.posting, self.at())
    }

    fn open(&mut self, of_sale: bool, points: i64) -> i64 {
        let (posting, at) = self.next();
        self.records.lots.push(Lot {
            recorded_at: at,
            id: posting,
            posting,
            at,
            of_sale,
            opened: points,
            expires_at: None,
            carried_from: None,
        });
        self.lots.push((posting, of_sale, points));
        posting
    }

    /// Takes up to `n` points from the lots, oldest first.
    fn draw(&mut self, n: i64, why: Drawn) -> Vec<(i64, i64)> {
        let (posting, at) = self.next();
        let mut left = n;
        let mut drawn = Vec::new();
        for lot in self.lots.iter_mut().filter(|l| l.2 > 0) {
            let take = lot.2.min(left);
            lot.2 -= take;
            left -= take;
            drawn.push((lot.0, take));
            self.records.draws.push(Draw {
                lot: lot.0,
                posting,
                at,
                why,
                points: take,
            });
            if left == 0 {
                break;
            }
        }
        drawn
    }

    fn apply(&mut self, step: &Step) {
        match *step {
            Step::Sale { total_fen, points } => {
                let lot = self.open(true, points);
                let total = Decimal::new(total_fen, 2);
                self.records.sales.push(Sale {
                    purchase: lot,
                    posting: lot,
                    at: self.at(),
                    recorded_at: self.at(),
                    total,
                    paid: total,
                    points,
                    partner_price: None,
                });
                self.sales.push((lot, lot, total, 0));
            }
            Step::Give(points) => {
                self.open(false, points);
            }
            Step::Redeem(n) => self.last_redemption = Some(self.draw(n, Drawn::Redeemed)),
            Step::CancelLastRedemption => {
                if let Some(drawn) = self.last_redemption.take() {
                    let (posting, at) = self.next();
                    for &(lot, points) in &drawn {
                        if let Some(l) = self.lots.iter_mut().find(|l| l.0 == lot) {
                            l.2 += points;
                        }
                    }
                    self.records.restores.push(Restore {
                        posting,
                        at,
                        refilled: drawn.clone(),
                        drawn,
                    });
                }
            }
            Step::Expire(n) => {
                self.draw(n, Drawn::Expired);
            }
            Step::Refund { share_percent } => {
                let Some(&(purchase, lot, total, refunded)) = self.sales.last() else {
                    return;
                };
                let share = share_percent.min(100 - refunded);
                if share == 0 {
                    return;
                }
                if let Some(s) = self.sales.last_mut() {
                    s.3 += share;
                }
                let (posting, at) = self.next();
                let points = self
                    .records
                    .sales
                    .iter()
                    .find(|s| s.purchase == purchase)
                    .map_or(0, |s| s.points);
                // Points taken back from the sale's own lot, as far as it still holds them.
                let held = self.lots.iter_mut().find(|l| l.0 == lot).map(|l| {
                    let back = (points * share / 100).min(l.2);
                    l.2 -= back;
                    back
                });
                if let Some(back) = held.filter(|b| *b > 0) {
                    self.records.draws.push(Draw {
                        lot,
                        posting,
                        at,
                        why: Drawn::TakenBack,
                        points: back,
                    });
                }
                self.records.refunds.push(Refund {
                    purchase,
                    posting: Some(posting),
                    at,
                    amount: total * Decimal::new(share, 2),
                });
            }
            Step::Estimate { percent } => {
                let (_, at) = self.next();
                self.estimates.push((at, Decimal::new(percent, 2)));
            }
            Step::CloseMonth => {
                let (_, at) = self.next();
                self.ends.push(at);
            }
            Step::Hold(n) => {
                let drawn = self.draw(n, Drawn::Held);
                self.open_holds.push(drawn);
            }
            Step::SettleHold { captured_percent } => {
                let Some(drawn) = self.open_holds.pop() else {
                    return;
                };
                let held: i64 = drawn.iter().map(|d| d.1).sum();
                let mut to_spend = held * captured_percent / 100;
                let (mut spent, mut left) = (Vec::new(), Vec::new());
                for &(lot, points) in &drawn {
                    let take = to_spend.min(points);
                    to_spend -= take;
                    if take > 0 {
                        spent.push((lot, take));
                    }
                    if points > take {
                        left.push((lot, points - take));
                    }
                }
                let captured = (!spent.is_empty()).then(|| {
                    let (posting, at) = self.next();
                    Capture { posting, at, spent }
                });
                let released = (!left.is_empty()).then(|| {
                    let (posting, at) = self.next();
                    for &(lot, points) in &left {
                        if let Some(l) = self.lots.iter_mut().find(|l| l.0 == lot) {
                            l.2 += points;
                        }
                    }
                    Restore {
                        posting,
                        at,
                        refilled: left.clone(),
                        drawn: left,
                    }
                });
                self.records.holds.push(HeldPoints { captured, released });
            }
            Step::Transfer { points, repaid } => {
                let drawn = self.draw(points, Drawn::Carried);
                let mut owed = repaid;
                for (from, carried) in drawn {
                    let of_sale = self.lots.iter().any(|l| l.0 == from && l.1);
                    let kept = carried - owed.min(carried);
                    owed -= carried - kept;
                    let (id, at) = self.next();
                    self.records.lots.push(Lot {
                        id,
                        posting: id,
                        at,
                        recorded_at: at,
                        of_sale: false,
                        opened: kept,
                        expires_at: None,
                        carried_from: Some((from, carried)),
                    });
                    self.lots.push((id, of_sale, kept));
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn every_period_rolls_forward_into_the_next_and_its_journal_moves_the_liability_by_as_much(
        steps in proptest::collection::vec(step(), 0..60),
        price_fen_tenths in 1_i64..100,
    ) {
        let mut w = Written::default();
        let start = w.at();
        for step in &steps {
            w.apply(step);
        }
        let (_, end) = w.next();
        let terms = Given { price: Decimal::new(price_fen_tenths, 3), estimates: w.estimates.clone() };
        let flows = flows(&w.records, &terms);
        let mut instants = vec![start];
        instants.extend(&w.ends);
        instants.push(end);
        let samples = sample(&flows, &instants);
        let boundaries: Vec<Boundary> = instants
            .iter()
            .zip(&samples)
            .map(|(at, live)| Boundary { live: *live, rate: terms.rate(*at), locked: None })
            .collect();
        let spans: Vec<Span> = instants
            .windows(2)
            .map(|w| Span { label: String::new(), start: w[0], end: w[1], whole: true })
            .collect();
        let periods = roll_periods(&spans, &boundaries, 2);
        let mut sum = Roll::default();
        let mut previous_closing = Decimal::ZERO;
        for p in &periods {
            for kind in [PoolKind::Sales, PoolKind::Given] {
                let r = p.roll(kind);
                prop_assert_eq!(r.closing, r.opening + r.put_in - r.reversed - r.recognised - r.breakage);
                let owed = match kind {
                    PoolKind::Sales => "2400",
                    PoolKind::Given => "2410",
                };
                let lines = journal(kind, r, &accounts());
                let moved: Decimal = lines
                    .iter()
                    .map(|l| {
                        prop_assert!(l.amount > Decimal::ZERO);
                        prop_assert_ne!(&l.debit, &l.credit);
                        Ok(if l.credit == owed { l.amount } else if l.debit == owed { -l.amount } else { Decimal::ZERO })
                    })
                    .collect::<Result<Vec<_>, TestCaseError>>()?
                    .into_iter()
                    .sum();
                prop_assert_eq!(moved, r.closing - r.opening, "the liability account moves by the roll");
            }
            prop_assert_eq!(p.sales.opening, previous_closing, "each period opens where the last closed");
            previous_closing = p.sales.closing;
            sum.put_in += p.sales.put_in;
            sum.reversed += p.sales.reversed;
            sum.recognised += p.sales.recognised;
            sum.breakage += p.sales.breakage;
        }
        let whole = roll_periods(
            &[Span { label: String::new(), start, end, whole: true }],
            &[boundaries[0], boundaries[boundaries.len() - 1]],
            2,
        );
        let whole = &whole[0].sales;
        prop_assert_eq!(
            (sum.put_in, sum.reversed, sum.recognised, sum.breakage),
            (whole.put_in, whole.reversed, whole.recognised, whole.breakage),
            "periods add up to the whole, to the fen"
        );
        let last = samples[samples.len() - 1];
        for kind in [PoolKind::Sales, PoolKind::Given] {
            let cumulative = last.pool(kind);
            let of_pool = |lot: i64| w.lots.iter().any(|l| l.0 == lot && l.1 == (kind == PoolKind::Sales));
            // Points still held at a checkout are still owed.
            let on_hold: i64 = w.open_holds.iter().flatten().filter(|d| of_pool(d.0)).map(|d| d.1).sum();
            let held: i64 = on_hold + w.lots.iter().filter(|l| l.1 == (kind == PoolKind::Sales)).map(|l| l.2).sum::<i64>();
            let standing = Standing::of(cumulative, terms.rate(end), 2);
            prop_assert_eq!(standing.outstanding(), held, "the books' points are the lots' points");
            let position = cumulative.pool().position(terms.rate(end));
            prop_assert!(position.recognised >= Decimal::ZERO);
            prop_assert!(position.breakage >= Decimal::ZERO);
            prop_assert!(position.liability >= Decimal::ZERO);
            let parts = position.recognised + position.breakage + position.liability;
            prop_assert!((parts - cumulative.pool().held().max(Decimal::ZERO)).abs() < Decimal::new(1, 20));
            if held == 0 {
                prop_assert_eq!(position.liability, Decimal::ZERO, "nothing owed once no point is left");
            }
        }
    }
}

#[test]
fn points_issued_at_a_partner_defer_what_the_partner_paid_for_them_whole() {
    let at = |hour: i64| Timestamp::from_second(1_780_000_000 + hour * 3600).unwrap();
    let sale = |purchase: i64, partner_price: Option<&str>| Sale {
        purchase,
        posting: purchase,
        at: at(1),
        recorded_at: at(1),
        total: dec("100"),
        paid: dec("100"),
        points: 200,
        partner_price: partner_price.map(dec),
    };
    let records = Records {
        // The café's sale of ¥100 earned 200 points it bought at ¥0.012 each; the program's
        // own sale splits its ¥100 by stand-alone selling prices (200 × ¥0.01 against ¥100).
        sales: vec![sale(1, Some("0.012")), sale(2, None)],
        refunds: vec![Refund {
            purchase: 1,
            posting: Some(3),
            at: at(2),
            amount: dec("25"),
        }],
        ..Records::default()
    };
    let flows = flows(&records, &Flat);
    let [before, after] = sample(&flows, &[at(2), at(3)])[..] else {
        panic!("two samples")
    };
    let own = dec("100") * (dec("2") / dec("102"));
    assert_eq!(before.sales.gross, dec("2.4") + own);
    assert_eq!(
        after.sales.reversed,
        dec("0.6"),
        "a quarter refunded takes back a quarter of what the partner paid"
    );
}
