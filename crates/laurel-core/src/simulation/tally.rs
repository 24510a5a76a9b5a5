//! What a replay did, counted per calendar month (in the program's time zone) and in total:
//! the flows of points by kind and by rule, sales, tier moves, limits that cut grants, what
//! was refused — and, at each month's end, the points outstanding and the tier mix.
//!
//! Everything is counted in the month it takes effect (a purchase's points when it happened,
//! even when recorded later), and a month's closing stocks are the opening's plus every
//! change of the months up to it, so the figures always roll forward.

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
    /// The net change to the points members hold.
    pub net_points: i64,
    /// The net change in members per tier (joining counts in `None`).
    pub net_tiers: BTreeMap<Option<String>, i64>,
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

/// Counts what a replay tells; what takes effect before `from` makes the opening stocks.
#[derive(Debug, Clone)]
pub struct Tally {
    tz: TimeZone,
    from: Timestamp,
    before: Flows,
    months: BTreeMap<YearMonth, Flows>,
    earned_by_member: HashMap<i64, i64>,
}

impl Tally {
    /// A tally in `tz`'s calendar of what takes effect from `from` on.
    pub fn new(tz: TimeZone, from: Timestamp) -> Tally {
        Tally {
            tz,
            from,
            before: Flows::default(),
            months: BTreeMap::new(),
            earned_by_member: HashMap::new(),
        }
    }

    /// The flows `at` counts in: its month's, or the opening's before `from`.
    fn flows(&mut self, at: Timestamp) -> &mut Flows {
        if at < self.from {
            return &mut self.before;
        }
        let date = self.tz.to_datetime(at).date();
        let month = YearMonth {
            year: date.year(),
            month: date.month(),
        };
        self.months.entry(month).or_default()
    }

    /// The figures: each month's flows with its closing stocks, and the total.
    pub fn finish(self) -> Tallied {
        let mut opening = Stocks::default();
        roll(&mut opening, &self.before);
        let mut closing = opening.clone();
        let mut total = Flows::default();
        let months = self
            .months
            .into_iter()
            .map(|(month, flows)| {
                roll(&mut closing, &flows);
                add(&mut total, &flows);
                Month {
                    month,
                    flows,
                    closing: closing.clone(),
                }
            })
            .collect();
        Tallied {
            opening,
            months,
            total,
            closing,
            earned_by_member: self.earned_by_member,
        }
    }
}

/// Stocks rolled forward by a span's net changes.
fn roll(stocks: &mut Stocks, flows: &Flows) {
    stocks.outstanding += flows.net_points;
    for (tier, change) in &flows.net_tiers {
        let count = stocks.tiers.entry(tier.clone()).or_default();
        *count = count.saturating_add_signed(*change);
    }
    stocks.tiers.retain(|_, count| *count > 0);
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
    sum.net_points += more.net_points;
    for (tier, change) in &more.net_tiers {
        *sum.net_tiers.entry(tier.clone()).or_default() += change;
    }
}

/// Points `posting` moved onto the program account `to`.
fn moved_to(posting: &Posting, to: Account) -> i64 {
    posting
        .entries()
        .iter()
        .filter(|(a, _)| *a == to)
        .map(|(_, p)| p.get())
        .sum()
}

impl Watch for Tally {
    fn enrolled(&mut self, at: Timestamp, _member: i64, tier: Option<&str>) {
        *self
            .flows(at)
            .net_tiers
            .entry(tier.map(str::to_owned))
            .or_default() += 1;
    }

    fn posted(&mut self, at: Timestamp, _member: i64, posting: &Posting) {
        let moved =
            (posting.delta(Account::MemberAvailable) + posting.delta(Account::MemberPending)).get();
        let flows = self.flows(at);
        flows.net_points += moved;
        let out = -moved;
        match posting.kind {
            PostingKind::Earn => flows.earned += moved,
            // What one member sends another receives: the program's points are unchanged.
            PostingKind::Release | PostingKind::TransferOut | PostingKind::TransferIn => {}
            PostingKind::Redeem | PostingKind::TransferFee => flows.redeemed += out,
            // Held points are spent when captured and lapse when given back after their lot
            // expired; the hold itself only takes them off the member meanwhile.
            PostingKind::Hold => {}
            PostingKind::HoldCapture => flows.redeemed += moved_to(posting, Account::Redeemed),
            PostingKind::HoldRelease => flows.expired += moved_to(posting, Account::Expired),
            PostingKind::Expire | PostingKind::Forfeit => flows.expired += out,
            PostingKind::Reverse => flows.reversed += out,
            PostingKind::AdjustCredit => flows.credited += moved,
            PostingKind::AdjustDebit => flows.debited += out,
            PostingKind::Restore => flows.restored += moved,
        }
    }

    fn granted(&mut self, at: Timestamp, member: i64, grants: &[Grant]) {
        if at >= self.from {
            let earned: i64 = grants.iter().map(|g| g.points.get()).sum();
            *self.earned_by_member.entry(member).or_default() += earned;
        }
        let flows = self.flows(at);
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
        let flows = self.flows(at);
        flows.purchases += 1;
        flows.sales_minor += total_minor;
    }

    fn refunded(&mut self, at: Timestamp, _member: i64, amount_minor: i64) {
        self.flows(at).refunded_minor += amount_minor;
    }

    fn tier_changed(&mut self, at: Timestamp, _member: i64, change: &TierChange) {
        let flows = self.flows(at);
        *flows.net_tiers.entry(change.from.clone()).or_default() -= 1;
        *flows.net_tiers.entry(change.to.clone()).or_default() += 1;
        match change.reason {
            TierChangeReason::Qualified => flows.upgrades += 1,
            TierChangeReason::Review => flows.downgrades += 1,
            // Set from outside the metric, as an assignment is.
            TierChangeReason::Manual | TierChangeReason::Membership => flows.assigned += 1,
        }
    }

    fn refused(&mut self, at: Timestamp, _member: i64, refusal: &Refusal) {
        *self.flows(at).refused.entry(refusal.code()).or_default() += 1;
    }
}
