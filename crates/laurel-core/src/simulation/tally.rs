//! What a replay did, counted per calendar month (in the program's time zone) and in total:
//! the flows of points by kind and by rule, sales, tier moves, limits that cut grants, what
//! was refused — and, at each month's end, the points outstanding and the tier mix.

use crate::ledger::{Account, Posting, PostingKind};
use crate::rules::{Grant, YearMonth};
use crate::simulation::replay::{Refusal, Watch};
use crate::tiers::{TierChange, TierChangeReason};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::collections::{BTreeMap, HashMap};

/// The flows of one span of time (a month, or the whole report).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flows {
    /// Members' purchases.
    pub purchases: u64,
    /// What they paid, minor units.
    pub sales_minor: i64,
    /// What refunds gave back, minor units.
    pub refunded_minor: i64,
    /// Points earned (purchases, events, referrals, tier bonuses).
    pub earned: i64,
    /// Points earned by each rule (the base earn, tier bonuses and referrals by their ids).
    pub earned_by_rule: BTreeMap<String, i64>,
    /// Points staff credited (birthday gifts and automations among them).
    pub credited: i64,
    /// Points staff debited.
    pub debited: i64,
    /// Points spent.
    pub redeemed: i64,
    /// Points of cancelled redemptions given back.
    pub restored: i64,
    /// Points expired.
    pub expired: i64,
    /// Points refunds took back.
    pub reversed: i64,
    /// Members who qualified for a higher tier.
    pub upgrades: u64,
    /// Members a review moved down.
    pub downgrades: u64,
    /// Tiers staff assigned.
    pub assigned: u64,
    /// Grants a limit cut down, by rule and then by the limit's stable name.
    pub capped: BTreeMap<String, BTreeMap<String, u64>>,
    /// What the history did that this program refuses, by kind.
    pub refused: BTreeMap<&'static str, u64>,
}

/// Where things stood at the end of a span.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stocks {
    /// Points members hold, available and pending.
    pub outstanding: i64,
    /// Members per tier (`None`: no tier).
    pub tiers: BTreeMap<Option<String>, u64>,
}

/// One month's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    /// Which.
    pub month: YearMonth,
    /// What moved in it.
    pub flows: Flows,
    /// Where things stood at its end (or at the report's end, for the last).
    pub closing: Stocks,
}

/// A replay's figures over a report's span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tallied {
    /// Where things stood when the span began.
    pub opening: Stocks,
    /// Each month of the span with something in it or after it.
    pub months: Vec<Month>,
    /// Everything in the span.
    pub total: Flows,
    /// Where things stood at its end.
    pub closing: Stocks,
    /// Points each member earned in the span, by member.
    pub earned_by_member: HashMap<i64, i64>,
}

/// Counts what a replay tells from `from` on (earlier happenings only move the stocks).
#[derive(Debug, Clone)]
pub struct Tally {
    tz: TimeZone,
    from: Timestamp,
    opening: Option<Stocks>,
    stocks: Stocks,
    current: Option<YearMonth>,
    months: BTreeMap<YearMonth, Flows>,
    closings: BTreeMap<YearMonth, Stocks>,
    earned_by_member: HashMap<i64, i64>,
}

impl Tally {
    /// A tally in `tz`'s calendar of what happens from `from` on.
    pub fn new(tz: TimeZone, from: Timestamp) -> Tally {
        Tally {
            tz,
            from,
            opening: None,
            stocks: Stocks::default(),
            current: None,
            months: BTreeMap::new(),
            closings: BTreeMap::new(),
            earned_by_member: HashMap::new(),
        }
    }

    fn month_of(&self, at: Timestamp) -> YearMonth {
        let date = self.tz.to_datetime(at).date();
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The flows of the month `at` falls in, if `at` is in the span.
    fn flows(&mut self, at: Timestamp) -> Option<&mut Flows> {
        if at < self.from {
            return None;
        }
        let month = self.month_of(at);
        Some(self.months.entry(month).or_default())
    }

    /// The figures, with the stocks as they stand closing the last month.
    pub fn finish(mut self) -> Tallied {
        let opening = self.opening.take().unwrap_or_else(|| self.stocks.clone());
        if let Some(current) = self.current {
            self.closings.insert(current, self.stocks.clone());
        }
        let mut total = Flows::default();
        let mut closing = opening.clone();
        let mut months = Vec::new();
        let keys: std::collections::BTreeSet<YearMonth> = self
            .months
            .keys()
            .chain(self.closings.keys())
            .copied()
            .collect();
        for month in keys {
            let flows = self.months.remove(&month).unwrap_or_default();
            add(&mut total, &flows);
            if let Some(stocks) = self.closings.remove(&month) {
                closing = stocks;
            }
            months.push(Month {
                month,
                flows,
                closing: closing.clone(),
            });
        }
        Tallied {
            opening,
            months,
            total,
            closing: self.stocks,
            earned_by_member: self.earned_by_member,
        }
    }
}

/// Adds `more` into `sum`.
fn add(sum: &mut Flows, more: &Flows) {
    sum.purchases += more.purchases;
    sum.sales_minor += more.sales_minor;
    sum.refunded_minor += more.refunded_minor;
    sum.earned += more.earned;
    for (rule, points) in &more.earned_by_rule {
        *sum.earned_by_rule.entry(rule.clone()).or_default() += points;
    }
    sum.credited += more.credited;
    sum.debited += more.debited;
    sum.redeemed += more.redeemed;
    sum.restored += more.restored;
    sum.expired += more.expired;
    sum.reversed += more.reversed;
    sum.upgrades += more.upgrades;
    sum.downgrades += more.downgrades;
    sum.assigned += more.assigned;
    for (rule, limits) in &more.capped {
        let into = sum.capped.entry(rule.clone()).or_default();
        for (limit, count) in limits {
            *into.entry(limit.clone()).or_default() += count;
        }
    }
    for (kind, count) in &more.refused {
        *sum.refused.entry(kind).or_default() += count;
    }
}

impl Watch for Tally {
    /// A month left behind closes with the stocks as they stand.
    fn advance(&mut self, at: Timestamp) {
        if at < self.from {
            return;
        }
        if self.opening.is_none() {
            self.opening = Some(self.stocks.clone());
        }
        let month = self.month_of(at);
        match self.current {
            Some(current) if current < month => {
                self.closings.insert(current, self.stocks.clone());
                self.current = Some(month);
            }
            None => self.current = Some(month),
            _ => {}
        }
    }

    fn enrolled(&mut self, _at: Timestamp, _member: i64) {
        *self.stocks.tiers.entry(None).or_default() += 1;
    }

    fn posted(&mut self, at: Timestamp, _member: i64, posting: &Posting) {
        let moved = (posting.delta(Account::MemberAvailable)
            + posting.delta(Account::MemberPending))
        .get();
        self.stocks.outstanding += moved;
        let Some(flows) = self.flows(at) else {
            return;
        };
        let out = -moved;
        match posting.kind {
            PostingKind::Earn => flows.earned += moved,
            PostingKind::Release => {}
            PostingKind::Redeem => flows.redeemed += out,
            PostingKind::Expire => flows.expired += out,
            PostingKind::Reverse => flows.reversed += out,
            PostingKind::AdjustCredit => flows.credited += moved,
            PostingKind::AdjustDebit => flows.debited += out,
            PostingKind::Restore => flows.restored += moved,
        }
    }

    fn granted(&mut self, at: Timestamp, member: i64, grants: &[Grant]) {
        if at < self.from {
            return;
        }
        let earned: i64 = grants.iter().map(|g| g.points.get()).sum();
        *self.earned_by_member.entry(member).or_default() += earned;
        let Some(flows) = self.flows(at) else {
            return;
        };
        for g in grants {
            *flows.earned_by_rule.entry(g.rule_id.clone()).or_default() += g.points.get();
            if let Some(limit) = g.capped_by {
                *flows
                    .capped
                    .entry(g.rule_id.clone())
                    .or_default()
                    .entry(limit.as_str().to_owned())
                    .or_default() += 1;
            }
        }
    }

    fn purchased(&mut self, at: Timestamp, _member: i64, total_minor: i64) {
        if let Some(flows) = self.flows(at) {
            flows.purchases += 1;
            flows.sales_minor += total_minor;
        }
    }

    fn refunded(&mut self, at: Timestamp, _member: i64, amount_minor: i64) {
        if let Some(flows) = self.flows(at) {
            flows.refunded_minor += amount_minor;
        }
    }

    fn tier_changed(&mut self, at: Timestamp, _member: i64, change: &TierChange) {
        let tiers = &mut self.stocks.tiers;
        if let Some(count) = tiers.get_mut(&change.from) {
            *count = count.saturating_sub(1);
        }
        *tiers.entry(change.to.clone()).or_default() += 1;
        tiers.retain(|_, count| *count > 0);
        let Some(flows) = self.flows(at) else {
            return;
        };
        match change.reason {
            TierChangeReason::Qualified => flows.upgrades += 1,
            TierChangeReason::Review => flows.downgrades += 1,
            TierChangeReason::Manual => flows.assigned += 1,
        }
    }

    fn refused(&mut self, at: Timestamp, _member: i64, refusal: &Refusal) {
        if let Some(flows) = self.flows(at) {
            *flows.refused.entry(refusal.code()).or_default() += 1;
        }
    }
}
