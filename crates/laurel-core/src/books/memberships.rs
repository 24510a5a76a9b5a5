//! Paid membership fees in the books: a term's fee is revenue earned evenly over the term it
//! pays for (IFRS 15, a service given over time); until then it is a contract liability,
//! deferred membership fees. A period's roll: opening + charged − refunded − earned = closing,
//! each line what the terms' fees, refunds and time run moved in the period. Fees, refunds and
//! a term's time are fixed once they happen, so a closed period's figures never move.

use super::journal::{Accounts, JournalLine};
use crate::membership::Term;
use jiff::Timestamp;
use rust_decimal::Decimal;

/// A term as the books read it: its fee charged at `paid_at` and, when it was cut, its refund
/// given back at `refunded_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeTerm {
    /// The term: when it runs, its fee, and its cut and refund if it was cut.
    pub term: Term,
    /// When its fee was charged (before the term begins for a renewal paid in advance, after
    /// it for one paid late).
    pub paid_at: Timestamp,
    /// When its refund (`term.refund`, counted only when `term.cut_at` is set) was given
    /// back; `None` while it is not, and the refund stays deferred.
    pub refunded_at: Option<Timestamp>,
    /// Its id, told in a period's reference.
    pub id: i64,
}

impl FeeTerm {
    /// The fee earned by `at` in the books: the term's share of its fee, but nothing until it
    /// is paid — a term paid after it began earns the time it already ran when it is paid
    /// (there is no revenue without a contract), so what is deferred is never below zero.
    pub fn earned(&self, at: Timestamp) -> i64 {
        if self.paid_at < at {
            self.term.earned(at)
        } else {
            0
        }
    }

    /// The fee charged before `at`.
    fn charged_before(&self, at: Timestamp) -> i64 {
        if self.paid_at < at { self.term.fee } else { 0 }
    }

    /// The refund given back before `at`.
    fn refunded_before(&self, at: Timestamp) -> i64 {
        match (self.term.cut_at, self.refunded_at) {
            (Some(_), Some(refunded_at)) if refunded_at < at => self.term.refund,
            _ => 0,
        }
    }
}

/// What moved membership fees into or out of the deferred fees over a span, by what moved
/// them (minor units, none below zero for terms as the membership decisions make them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeeFlows {
    /// Fees charged.
    pub charged: i64,
    /// Refunds of cut terms given back.
    pub refunded: i64,
    /// Fees earned as terms ran.
    pub earned: i64,
    /// The lowest and highest id of the terms that moved anything in the span.
    pub terms: Option<(i64, i64)>,
}

impl FeeFlows {
    /// What `terms` moved from `from` (inclusive; `None` for since the beginning) to `to`
    /// (exclusive): fees paid and refunds given back in it, fees earned over it.
    pub fn between(terms: &[FeeTerm], from: Option<Timestamp>, to: Timestamp) -> FeeFlows {
        let at_from = |f: fn(&FeeTerm, Timestamp) -> i64, term: &FeeTerm| {
            from.map_or(0, |from| f(term, from))
        };
        terms.iter().fold(FeeFlows::default(), |flows, term| {
            let moved = FeeFlows {
                charged: term.charged_before(to) - at_from(FeeTerm::charged_before, term),
                refunded: term.refunded_before(to) - at_from(FeeTerm::refunded_before, term),
                earned: term.earned(to) - at_from(FeeTerm::earned, term),
                terms: Some((term.id, term.id)),
            };
            if moved.charged == 0 && moved.refunded == 0 && moved.earned == 0 {
                flows
            } else {
                flows.then(&moved)
            }
        })
    }

    /// Where the deferred fees of `terms` stand at `at` (minor units): fees charged before it
    /// less refunds given back before it and fees earned by it.
    pub fn deferred_at(terms: &[FeeTerm], at: Timestamp) -> i64 {
        terms
            .iter()
            .map(|t| t.charged_before(at) - t.refunded_before(at) - t.earned(at))
            .sum()
    }

    /// These and `later`'s together: the flows of two spans one after the other.
    pub fn then(self, later: &FeeFlows) -> FeeFlows {
        FeeFlows {
            charged: self.charged + later.charged,
            refunded: self.refunded + later.refunded,
            earned: self.earned + later.earned,
            // A term runs over many spans: the ids of both, lowest to highest.
            terms: match (self.terms, later.terms) {
                (Some((low, high)), Some((other_low, other_high))) => {
                    Some((low.min(other_low), high.max(other_high)))
                }
                (one, other) => one.or(other),
            },
        }
    }

    /// How much the deferred fees moved over the span.
    pub fn net(&self) -> i64 {
        self.charged - self.refunded - self.earned
    }
}

/// A period's roll of the deferred membership fees, in money.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MembershipFeesRoll {
    /// Deferred at its start.
    pub opening: Decimal,
    /// Fees charged.
    pub charged: Decimal,
    /// Refunds given back.
    pub refunded: Decimal,
    /// Fees earned.
    pub earned: Decimal,
    /// Deferred at its end.
    pub closing: Decimal,
    /// The lowest and highest id of the terms that moved anything in it.
    pub terms: Option<(i64, i64)>,
}

impl MembershipFeesRoll {
    /// The roll from `opening` (minor units) by `flows`, in a currency of `digits` decimals.
    pub fn of(opening: i64, flows: &FeeFlows, digits: u32) -> MembershipFeesRoll {
        let money = |minor: i64| Decimal::new(minor, digits);
        MembershipFeesRoll {
            opening: money(opening),
            charged: money(flows.charged),
            refunded: money(flows.refunded),
            earned: money(flows.earned),
            closing: money(opening + flows.net()),
            terms: flows.terms,
        }
    }

    /// Whether opening + the movements = closing.
    pub fn closes(&self) -> bool {
        self.opening + self.charged - self.refunded - self.earned == self.closing
    }
}

/// A period's journal entries for membership fees: fees charged credit the deferred fees from
/// the receipts, refunds debit them back, fees earned move them to revenue. A movement below
/// zero swaps its sides; a zero one writes nothing.
pub fn membership_fees_journal(roll: &MembershipFeesRoll, accounts: &Accounts) -> Vec<JournalLine> {
    let a = accounts;
    let moves: [(&'static str, &String, &String, Decimal); 3] = [
        (
            "charged",
            &a.membership_receipts,
            &a.membership_deferred,
            roll.charged,
        ),
        (
            "refund",
            &a.membership_deferred,
            &a.membership_receipts,
            roll.refunded,
        ),
        (
            "earned",
            &a.membership_deferred,
            &a.membership_revenue,
            roll.earned,
        ),
    ];
    super::journal::lines(moves)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::books::ReportingPeriod;
    use jiff::tz::TimeZone;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    /// A ¥120 term (in fen) from `starts_at` to `ends_at`, not cut.
    fn term(number: u32, starts_at: Timestamp, ends_at: Timestamp) -> Term {
        Term {
            number,
            starts_at,
            ends_at,
            fee: 12_000,
            trial: false,
            cut_at: None,
            refund: 0,
        }
    }

    /// How much `lines` move the deferred fees (credits less debits).
    fn deferred_moved(lines: &[JournalLine], accounts: &Accounts) -> Decimal {
        lines
            .iter()
            .map(|l| {
                let credit = if l.credit == accounts.membership_deferred {
                    l.amount
                } else {
                    Decimal::ZERO
                };
                let debit = if l.debit == accounts.membership_deferred {
                    l.amount
                } else {
                    Decimal::ZERO
                };
                credit - debit
            })
            .sum()
    }

    #[test]
    fn a_year_of_fees_rolls_by_month_and_earned_refunded_and_closing_add_up_to_charged() {
        // 2027 in Shanghai: local midnight of 1 January is 16:00 UTC the day before.
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let y2027 = at("2026-12-31T16:00:00Z");
        let y2028 = at("2027-12-31T16:00:00Z");
        let y2029 = at("2028-12-31T16:00:00Z");
        // 1: ¥120 for 2027, paid on its first day, runs the year out.
        let full = FeeTerm {
            term: term(1, y2027, y2028),
            paid_at: y2027,
            refunded_at: None,
            id: 1,
        };
        // 2: another member's ¥120 for 2027 paid that day, cut after 73 of its 365 days with
        // the rest given back: 9,600 fen, 2,400 earned.
        let day_73 = at("2027-03-14T16:00:00Z");
        let mut cut = term(1, y2027, y2028);
        cut.cut_at = Some(day_73);
        cut.refund = cut.pro_rata(day_73);
        assert_eq!(cut.refund, 9_600);
        let cut = FeeTerm {
            term: cut,
            paid_at: y2027,
            refunded_at: Some(day_73),
            id: 2,
        };
        // 3: the first member's second term, 2028, paid in advance on 25 December.
        let renewal = FeeTerm {
            term: term(2, y2028, y2029),
            paid_at: at("2027-12-24T16:00:00Z"),
            refunded_at: None,
            id: 3,
        };
        let terms = [full, cut, renewal];
        let accounts = Accounts::defaults();
        let fen = |minor: i64| Decimal::new(minor, 2);

        // By hand, in fen: the year's term earns ⌈12,000 × days / 365⌉ by a month's end
        // (31 days: 1,020; 59: 1,940; 90: 2,959; ...; 334: 10,981; 365: 12,000).
        // (month, charged, refunded, earned, closing)
        let by_hand: [(&str, i64, i64, i64, i64); 12] = [
            ("2027-01", 24_000, 0, 1_020 + 1_020, 21_960),
            ("2027-02", 0, 0, 920 + 920, 20_120),
            // The cut term earns 2,400 − 1,940 up to its cut, then nothing; 9,600 back.
            ("2027-03", 0, 9_600, 1_019 + 460, 9_041),
            ("2027-04", 0, 0, 987, 8_054),
            ("2027-05", 0, 0, 1_019, 7_035),
            ("2027-06", 0, 0, 986, 6_049),
            ("2027-07", 0, 0, 1_019, 5_030),
            ("2027-08", 0, 0, 1_020, 4_010),
            ("2027-09", 0, 0, 986, 3_024),
            ("2027-10", 0, 0, 1_019, 2_005),
            ("2027-11", 0, 0, 986, 1_019),
            // The renewal is charged and wholly deferred; the year's term is done.
            ("2027-12", 12_000, 0, 1_019, 12_000),
        ];
        let mut opening = 0;
        let mut year = FeeFlows::default();
        for (label, charged, refunded, earned, closing) in by_hand {
            let span = ReportingPeriod::Month.named(&tz, label).unwrap();
            let flows = FeeFlows::between(&terms, Some(span.start), span.end);
            assert_eq!(
                (flows.charged, flows.refunded, flows.earned),
                (charged, refunded, earned),
                "{label}"
            );
            let roll = MembershipFeesRoll::of(opening, &flows, 2);
            assert!(roll.closes(), "{label}");
            assert_eq!(roll.closing, fen(closing), "{label}");
            assert_eq!(FeeFlows::deferred_at(&terms, span.end), closing, "{label}");
            let lines = membership_fees_journal(&roll, &accounts);
            assert_eq!(
                deferred_moved(&lines, &accounts),
                roll.closing - roll.opening,
                "{label}"
            );
            assert!(lines.iter().all(|l| l.amount > Decimal::ZERO), "{label}");
            opening = closing;
            year = year.then(&flows);
        }

        // January: terms 1 and 2 charged and earning; March: the refund and what was earned.
        let january = ReportingPeriod::Month.named(&tz, "2027-01").unwrap();
        let jan = FeeFlows::between(&terms, Some(january.start), january.end);
        assert_eq!(jan.terms, Some((1, 2)));
        assert_eq!(jan, FeeFlows::between(&terms, None, january.end));
        let lines = membership_fees_journal(&MembershipFeesRoll::of(0, &jan, 2), &accounts);
        let whats: Vec<_> = lines
            .iter()
            .map(|l| (l.what, l.debit.as_str(), l.credit.as_str(), l.amount))
            .collect();
        assert_eq!(
            whats,
            [
                ("charged", "1140", "2430", fen(24_000)),
                ("earned", "2430", "4030", fen(2_040)),
            ]
        );
        let march = ReportingPeriod::Month.named(&tz, "2027-03").unwrap();
        let mar = FeeFlows::between(&terms, Some(march.start), march.end);
        let lines = membership_fees_journal(&MembershipFeesRoll::of(20_120, &mar, 2), &accounts);
        let whats: Vec<_> = lines
            .iter()
            .map(|l| (l.what, l.debit.as_str(), l.credit.as_str(), l.amount))
            .collect();
        assert_eq!(
            whats,
            [
                ("refund", "2430", "1140", fen(9_600)),
                ("earned", "2430", "4030", fen(1_479)),
            ]
        );
        let december = ReportingPeriod::Month.named(&tz, "2027-12").unwrap();
        let dec = FeeFlows::between(&terms, Some(december.start), december.end);
        assert_eq!(dec.terms, Some((1, 3)));

        // The whole year at once is its months one after the other.
        let whole = ReportingPeriod::Year.named(&tz, "2027").unwrap();
        let flows = FeeFlows::between(&terms, Some(whole.start), whole.end);
        assert_eq!(flows, year);
        assert_eq!(
            (flows.charged, flows.refunded, flows.earned, flows.terms),
            (36_000, 9_600, 12_000 + 2_400, Some((1, 3)))
        );
        let roll = MembershipFeesRoll::of(0, &flows, 2);
        assert!(roll.closes());
        assert_eq!(roll.earned + roll.refunded + roll.closing, roll.charged);
        assert_eq!(roll.closing, fen(12_000));
        // A quiet span writes nothing.
        let quiet = FeeFlows::between(&terms, Some(y2029), at("2029-06-01T00:00:00Z"));
        assert_eq!(quiet, FeeFlows::default());
        let quiet = MembershipFeesRoll::of(0, &quiet, 2);
        assert!(membership_fees_journal(&quiet, &accounts).is_empty());
    }

    #[test]
    fn a_term_paid_after_it_began_earns_the_time_it_already_ran_when_paid() {
        // A year from local 1 January 2027 renewed by billing two days late.
        let starts = at("2026-12-31T16:00:00Z");
        let paid = at("2027-01-02T16:00:00Z");
        let late = FeeTerm {
            term: term(2, starts, at("2027-12-31T16:00:00Z")),
            paid_at: paid,
            refunded_at: None,
            id: 7,
        };
        let terms = [late];
        // Nothing before it is paid, not even the time it ran meanwhile.
        assert_eq!(FeeFlows::deferred_at(&terms, paid), 0);
        let before = FeeFlows::between(&terms, Some(starts), paid);
        assert_eq!(before, FeeFlows::default());
        // Paid: the two days run are earned at once (⌈12,000 × 2 / 365⌉), the rest deferred.
        let just_after = at("2027-01-02T16:00:01Z");
        let flows = FeeFlows::between(&terms, Some(paid), just_after);
        assert_eq!((flows.charged, flows.earned), (12_000, 66));
        assert_eq!(FeeFlows::deferred_at(&terms, just_after), 12_000 - 66);
    }

    /// A deterministic stream of numbers (a linear congruential generator).
    struct Lcg(u64);

    impl Lcg {
        /// The next number below `n` (n above zero).
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 33) % n
        }

        /// The next number from `low` to `high`, both included.
        fn within(&mut self, low: i64, high: i64) -> i64 {
            let span = u64::try_from(high - low + 1).unwrap();
            low + i64::try_from(self.below(span)).unwrap()
        }
    }

    const DAY: i64 = 86_400;

    /// Random terms as the membership decisions make them: paid in advance, on time or late;
    /// some free trials; some cut, with the rest given back pro rata or nothing.
    fn random_terms(rng: &mut Lcg, base: i64) -> Vec<FeeTerm> {
        let count = rng.within(0, 8);
        (0..count)
            .map(|id| {
                let starts = base + rng.within(0, 400 * DAY);
                let ends = starts + rng.within(1, 366 * DAY);
                let trial = rng.below(6) == 0;
                let fee = if trial { 0 } else { rng.within(1, 50_000) };
                let paid = starts + rng.within(-10 * DAY, 4 * DAY);
                let second = |s: i64| Timestamp::from_second(s).unwrap();
                let mut term = Term {
                    number: 1,
                    starts_at: second(starts),
                    ends_at: second(ends),
                    fee,
                    trial,
                    cut_at: None,
                    refund: 0,
                };
                let mut refunded_at = None;
                // Cancelled at once after it was paid, before its end.
                let now = paid + rng.within(0, ends - paid.min(ends));
                if rng.below(3) == 0 && now < ends {
                    let pro_rata = rng.below(2) == 0;
                    term.refund = if pro_rata && !trial {
                        term.pro_rata(second(now))
                    } else {
                        0
                    };
                    term.cut_at = Some(second(now.max(starts)));
                    refunded_at = Some(second(now + rng.within(0, 3 * DAY)));
                }
                FeeTerm {
                    term,
                    paid_at: second(paid),
                    refunded_at,
                    id,
                }
            })
            .collect()
    }

    #[test]
    fn deferred_fees_move_by_exactly_the_flows_between_and_never_go_below_zero() {
        let mut rng = Lcg(0x5eed_1a7e_1234_5678);
        let base = 1_798_732_800; // 2027-01-01T00:00:00Z
        for case in 0..2_000 {
            let terms = random_terms(&mut rng, base);
            // Instants anywhere around the terms, and exactly on their edges.
            let mut instants: Vec<i64> = (0..6)
                .map(|_| base + rng.within(-20 * DAY, 800 * DAY))
                .collect();
            for t in &terms {
                instants.push(t.paid_at.as_second());
                instants.push(t.term.starts_at.as_second());
                instants.extend(t.term.cut_at.map(|c| c.as_second()));
                instants.extend(t.refunded_at.map(|r| r.as_second()));
            }
            instants.sort_unstable();
            let instants: Vec<Timestamp> = instants
                .into_iter()
                .map(|s| Timestamp::from_second(s).unwrap())
                .collect();
            for (i, &t1) in instants.iter().enumerate() {
                let d1 = FeeFlows::deferred_at(&terms, t1);
                assert!(d1 >= 0, "case {case}: {d1} at {t1}");
                assert_eq!(FeeFlows::between(&terms, None, t1).net(), d1, "case {case}");
                for &t2 in &instants[i..] {
                    let span = FeeFlows::between(&terms, Some(t1), t2);
                    assert_eq!(
                        FeeFlows::deferred_at(&terms, t2),
                        d1 + span.net(),
                        "case {case}: {t1}..{t2}"
                    );
                    assert!(
                        span.charged >= 0 && span.refunded >= 0 && span.earned >= 0,
                        "case {case}: {span:?}"
                    );
                    // A span cut anywhere is its two parts one after the other.
                    let mid = instants[i + (instants.len() - i) / 2].clamp(t1, t2);
                    let first = FeeFlows::between(&terms, Some(t1), mid);
                    let second = FeeFlows::between(&terms, Some(mid), t2);
                    let parts = first.then(&second);
                    assert_eq!(parts, span, "case {case}: {t1}..{mid}..{t2}");
                    let roll = MembershipFeesRoll::of(d1, &span, 2);
                    assert!(roll.closes());
                    let accounts = Accounts::defaults();
                    let lines = membership_fees_journal(&roll, &accounts);
                    assert_eq!(
                        deferred_moved(&lines, &accounts),
                        roll.closing - roll.opening
                    );
                }
            }
        }
    }
}
