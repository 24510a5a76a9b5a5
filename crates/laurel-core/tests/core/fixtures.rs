//! Shared fixtures: a valid program, instants, a member book that applies postings, and the
//! builders of earning-rule examples (rules, effects, baskets, contexts, evaluation).

use jiff::{SignedDuration, Timestamp};
use laurel_core::earn::LotSchedule;
use laurel_core::ledger::{Account, DrawnLot, Lot, LotEffect, LotId, MemberLedger, Posting};
use laurel_core::rules::{
    Activity, Basket, EarnContext, Earning, EarningRule, Effect, Event, Line, MemberFacts, RuleSet,
    evaluate,
};
use laurel_core::{Channel, ClawbackPolicy, ExpiryPolicy, Points, Program, ProgramSpec, Rounding};
use rust_decimal::Decimal;

/// The instant most examples treat as "now".
pub const NOW: &str = "2026-06-01T00:00:00Z";

/// An instant from an RFC 3339 string.
pub fn ts(s: &str) -> Timestamp {
    s.parse()
        .unwrap_or_else(|e| panic!("bad test instant {s:?}: {e}"))
}

/// [`NOW`] as an instant.
pub fn now() -> Timestamp {
    ts(NOW)
}

/// `n` whole days (of 24 hours) as a duration, for offsets from an instant.
pub fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

/// An exact decimal from a string.
pub fn dec(s: &str) -> Decimal {
    s.parse()
        .unwrap_or_else(|e| panic!("bad test decimal {s:?}: {e}"))
}

/// Points, briefly.
pub fn pts(n: i64) -> Points {
    Points(n)
}

/// A valid program spec: CNY in Asia/Shanghai, 1 point per yuan, never expiring, no return
/// window, allow-negative clawback. Tests change only the fields they are about.
pub fn spec() -> ProgramSpec {
    ProgramSpec {
        name: "Laurel Rewards".into(),
        currency: "CNY".into(),
        time_zone: "Asia/Shanghai".into(),
        points_name: "积分".into(),
        points_per_unit: dec("1"),
        rounding: Rounding::Floor,
        point_value: dec("0.01"),
        expiry: ExpiryPolicy::Never,
        pending_days: 0,
        clawback: ClawbackPolicy::AllowNegative,
        backdating_days: 30,
    }
}

/// A validated program built from [`spec`] with `edit` applied.
pub fn program(edit: impl FnOnce(&mut ProgramSpec)) -> Program {
    let mut spec = spec();
    edit(&mut spec);
    Program::new(spec.clone())
        .unwrap_or_else(|issues| panic!("fixture spec {spec:?} is invalid: {issues:?}"))
}

/// A lot schedule from optional RFC 3339 instants.
pub fn schedule(pending_until: Option<&str>, expires_at: Option<&str>) -> LotSchedule {
    LotSchedule {
        pending_until: pending_until.map(ts),
        expires_at: expires_at.map(ts),
    }
}

/// Sum of a posting's signed entries: zero for every well-formed posting.
pub fn net(posting: &Posting) -> Points {
    posting.entries().iter().map(|(_, amount)| *amount).sum()
}

/// A member's ledger as the shell keeps it: postings are applied with sequential lot ids
/// (1, 2, 3…), and every application must keep the invariants `apply` checks.
#[derive(Debug, Clone, Default)]
pub struct Book {
    pub ledger: MemberLedger,
    next_id: i64,
}

impl Book {
    pub fn new() -> Book {
        Book::default()
    }

    /// Applies a posting, asserting it balances and keeps the invariants; returns the ids
    /// given to the lots it opened, in order.
    pub fn apply(&mut self, posting: &Posting) -> Vec<LotId> {
        assert_eq!(
            net(posting),
            Points::ZERO,
            "posting entries must sum to zero: {posting:?}"
        );
        let mut opened = Vec::new();
        let next_id = &mut self.next_id;
        self.ledger
            .apply(posting, || {
                *next_id += 1;
                opened.push(LotId(*next_id));
                LotId(*next_id)
            })
            .unwrap_or_else(|e| panic!("applying {posting:?} broke an invariant: {e}"));
        opened
    }

    /// Earns `amount` at [`NOW`] under `schedule` and returns the new lot's id.
    pub fn earn(&mut self, amount: i64, schedule: LotSchedule) -> LotId {
        let posting = self
            .ledger
            .earn(pts(amount), now(), schedule, now())
            .unwrap();
        self.only_opened(&posting)
    }

    /// Earns `amount` available at once, expiring at `expires_at` if given.
    pub fn earn_available(&mut self, amount: i64, expires_at: Option<&str>) -> LotId {
        self.earn(amount, schedule(None, expires_at))
    }

    /// Earns `amount` pending until `until`, never expiring.
    pub fn earn_pending(&mut self, amount: i64, until: &str) -> LotId {
        self.earn(amount, schedule(Some(until), None))
    }

    /// Makes the balance `-debt` (from zero) through an allow-negative reversal.
    pub fn owe(&mut self, debt: i64) {
        let posting = self
            .ledger
            .reverse(None, pts(debt), ClawbackPolicy::AllowNegative)
            .unwrap();
        self.apply(&posting);
    }

    /// Redeems `amount` and returns what it drew, lot by lot, as a redemption records it.
    pub fn redeem(&mut self, amount: i64) -> Vec<DrawnLot> {
        let posting = self.ledger.redeem(pts(amount)).unwrap();
        let drawn = posting
            .lots
            .iter()
            .map(|effect| {
                let LotEffect::Draw { lot, amount } = *effect else {
                    panic!("a redemption only draws: {effect:?}");
                };
                let open = self.lot(lot).expect("a redemption draws on open lots");
                DrawnLot {
                    lot,
                    amount,
                    earned_at: open.earned_at,
                    expires_at: open.expires_at,
                }
            })
            .collect();
        self.apply(&posting);
        drawn
    }

    fn only_opened(&mut self, posting: &Posting) -> LotId {
        let opened = self.apply(posting);
        assert_eq!(opened.len(), 1, "an earn opens exactly one lot");
        opened[0]
    }

    /// The open lot with this id, if it is still open.
    pub fn lot(&self, id: LotId) -> Option<&Lot> {
        self.ledger.lots.iter().find(|l| l.id == id)
    }

    /// What is left in a lot; zero once it is closed.
    pub fn remaining(&self, id: LotId) -> Points {
        self.lot(id).map_or(Points::ZERO, |l| l.remaining)
    }

    pub fn available(&self) -> Points {
        self.ledger.available
    }

    pub fn pending(&self) -> Points {
        self.ledger.pending
    }
}

/// The movement a posting makes between two accounts, if any.
pub fn moved(posting: &Posting, from: Account, to: Account) -> Points {
    posting
        .movements
        .iter()
        .filter(|m| m.from == from && m.to == to)
        .map(|m| m.amount)
        .sum()
}

// --- earning rules ---------------------------------------------------------------------------

/// A Shanghai program (the [`spec`] defaults) for rule examples.
pub fn shanghai() -> Program {
    program(|_| {})
}

/// The [`spec`] program in another time zone.
pub fn program_in(time_zone: &str) -> Program {
    program(|s| s.time_zone = time_zone.into())
}

/// A stackable purchase rule with no conditions; its id doubles as its name.
pub fn rule(id: &str, effect: Effect) -> EarningRule {
    EarningRule::new(id, id, effect)
}

/// Points per currency unit of the matching spend.
pub fn per_unit(rate: &str) -> Effect {
    Effect::PointsPerUnit(dec(rate))
}

/// A multiplier on the base earn of the matching spend.
pub fn times(m: &str) -> Effect {
    Effect::Multiplier(dec(m))
}

/// A percentage bonus on the base earn of the matching spend.
pub fn percent(p: &str) -> Effect {
    Effect::PercentBonus(dec(p))
}

/// A fixed number of points.
pub fn fixed(n: i64) -> Effect {
    Effect::Fixed(pts(n))
}

/// A POS basket with this total and no store or lines.
pub fn basket(total: &str) -> Basket {
    Basket::new(Channel::Pos, dec(total))
}

/// One line of a single unit costing `amount`, in `category`.
pub fn line(sku: &str, category: &str, amount: &str) -> Line {
    Line::new(sku, 1, dec(amount)).in_category(category)
}

/// A purchase of `basket` at instant `at` by a member nobody knows anything about.
pub fn purchase_at(basket: Basket, at: &str) -> EarnContext {
    EarnContext::new(Activity::Purchase(basket), MemberFacts::default(), ts(at))
}

/// A purchase of `basket` at [`NOW`] (a Monday, 08:00 in Shanghai).
pub fn purchase(basket: Basket) -> EarnContext {
    purchase_at(basket, NOW)
}

/// A custom event at [`NOW`] by a member nobody knows anything about.
pub fn event(event: Event) -> EarnContext {
    EarnContext::new(Activity::Event(event), MemberFacts::default(), now())
}

/// The same context with the member's facts changed by `edit`.
pub fn by(mut context: EarnContext, edit: impl FnOnce(&mut MemberFacts)) -> EarnContext {
    edit(&mut context.member);
    context
}

/// Validated rules; a fixture rule that does not validate is a broken test.
pub fn rule_set(rules: Vec<EarningRule>) -> RuleSet {
    RuleSet::new(rules.clone(), None)
        .unwrap_or_else(|issues| panic!("fixture rules {rules:?} are invalid: {issues:?}"))
}

/// What `context` earns under `rules` in `program`.
pub fn earn_in(program: &Program, rules: Vec<EarningRule>, context: &EarnContext) -> Earning {
    evaluate(program, &rule_set(rules), context)
        .unwrap_or_else(|e| panic!("evaluation of {context:?} failed: {e}"))
}

/// What `context` earns under `rules` in the [`shanghai`] program.
pub fn earn(rules: Vec<EarningRule>, context: &EarnContext) -> Earning {
    earn_in(&shanghai(), rules, context)
}

/// Points `rule` alone grants for `context` in the [`shanghai`] program; `None` when it does not apply.
pub fn grant_of(rule: EarningRule, context: &EarnContext) -> Option<i64> {
    let id = rule.id.clone();
    earn(vec![rule], context).grant(&id).map(|g| g.points.get())
}

/// The (rule id, points) pairs of an earning, in order.
pub fn granted(earning: &Earning) -> Vec<(&str, i64)> {
    earning
        .grants
        .iter()
        .map(|g| (g.rule_id.as_str(), g.points.get()))
        .collect()
}
