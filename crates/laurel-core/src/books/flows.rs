//! From the ledger's records to the books' flows: each sale's allocation, each refund's
//! reversal of it, and every point into or out of a pool, at the instant it took effect and
//! with the ledger posting it came from. A point's pool is its lot's: a lot opened by a sale
//! is the sales pool's, any other the pool of points given.

use super::allocation::allocate;
use super::journal::PoolKind;
use super::standing::Cumulative;
use jiff::Timestamp;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// What the books take as given at an instant: a point's stand-alone selling price and the
/// expected redemption rate then.
pub trait Terms {
    /// Money a point fetches when redeemed, under the program version in force at `at`.
    fn point_price(&self, at: Timestamp) -> Decimal;
    /// The expected redemption rate in force at `at` as the estimates recorded by `known`
    /// said it: an allocation is made with what was known when it was recorded, and an
    /// estimate recorded later never makes it again.
    fn rate_known(&self, at: Timestamp, known: Timestamp) -> Decimal;
    /// The expected redemption rate in force at `at`, by every estimate recorded.
    fn rate(&self, at: Timestamp) -> Decimal {
        self.rate_known(at, Timestamp::MAX)
    }
}

/// A sale that earned points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sale {
    /// The purchase.
    pub purchase: i64,
    /// The ledger posting that earned its points.
    pub posting: i64,
    /// When it happened.
    pub at: Timestamp,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// What the basket came to, in the currency's major unit: refunds are shares of it.
    pub total: Decimal,
    /// What was paid for it (the total less the tier discount): the price allocated.
    pub paid: Decimal,
    /// Points it earned.
    pub points: i64,
    /// When it was made at a coalition partner: what the partner paid the program per point.
    /// The points are then the program's sale to the partner, and what is deferred is what
    /// the partner paid for them, whole (the goods were the partner's to sell).
    pub partner_price: Option<Decimal>,
}

/// A refund of part or all of a sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// The purchase refunded.
    pub purchase: i64,
    /// The ledger posting that took its points back, if it took any.
    pub posting: Option<i64>,
    /// When it took effect.
    pub at: Timestamp,
    /// Money refunded, in the major unit.
    pub amount: Decimal,
}

/// A lot of points opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lot {
    /// The lot.
    pub id: i64,
    /// The posting that opened it.
    pub posting: i64,
    /// When it took effect.
    pub at: Timestamp,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// Whether a sale opened it.
    pub of_sale: bool,
    /// Points it opened with (after repaying what the member owed).
    pub opened: i64,
    /// When its points lapse, if they do.
    pub expires_at: Option<Timestamp>,
    /// The sender's lot a transfer carried its points from, and how many it carried: they
    /// stay in that lot's pool, issued once.
    pub carried_from: Option<(i64, i64)>,
}

/// Why points left a lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawn {
    /// Redeemed for a reward or points spent.
    Redeemed,
    /// Expired.
    Expired,
    /// Taken back by a refund or repaying a debt.
    TakenBack,
    /// Taken by a staff debit: counted as lapsed.
    Forfeited,
    /// Sent to another member, whose lot keeps them in the same pool.
    Carried,
    /// Held at a checkout: still outstanding until the hold is captured or released.
    Held,
}

/// Points taken from a lot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draw {
    /// The lot.
    pub lot: i64,
    /// The posting that took them.
    pub posting: i64,
    /// When.
    pub at: Timestamp,
    /// Why.
    pub why: Drawn,
    /// How many.
    pub points: i64,
}

/// A cancelled redemption's points given back: into the lots they came from while those
/// live; those of a lot that expired meanwhile lapse, and what repaid a debt is taken back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restore {
    /// The posting that gave them back.
    pub posting: i64,
    /// When.
    pub at: Timestamp,
    /// What the redemption drew, lot by lot.
    pub drawn: Vec<(i64, i64)>,
    /// What went back into each lot.
    pub refilled: Vec<(i64, i64)>,
}

/// What a hold's capture spent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// Its posting.
    pub posting: i64,
    /// When.
    pub at: Timestamp,
    /// What it spent of each lot the hold drew on.
    pub spent: Vec<(i64, i64)>,
}

/// Points held at a checkout, and what became of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldPoints {
    /// The capture, if the order took some.
    pub captured: Option<Capture>,
    /// The release of what was left, if any: `drawn` is what was left of each lot.
    pub released: Option<Restore>,
}

/// Everything the books read from the ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records {
    /// Sales that earned points.
    pub sales: Vec<Sale>,
    /// Refunds.
    pub refunds: Vec<Refund>,
    /// Lots opened.
    pub lots: Vec<Lot>,
    /// Points taken from lots.
    pub draws: Vec<Draw>,
    /// Cancelled redemptions' points given back.
    pub restores: Vec<Restore>,
    /// Points held at checkouts that were captured or released.
    pub holds: Vec<HeldPoints>,
}

/// One change to a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Money put in.
    PutIn(Decimal),
    /// Money a refund took out.
    Reversed(Decimal),
    /// Points issued.
    Issued(i64),
    /// Points taken back.
    TakenBack(i64),
    /// Points redeemed (below zero: given back).
    Redeemed(i64),
    /// Points expired or forfeited.
    Expired(i64),
}

/// A change to a pool at an instant, from a ledger posting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    /// When it took effect.
    pub at: Timestamp,
    /// The ledger posting behind it, if one.
    pub posting: Option<i64>,
    /// The pool changed.
    pub pool: PoolKind,
    /// How.
    pub change: Change,
}

impl Cumulative {
    /// Adds one change.
    pub fn add(&mut self, change: Change) {
        match change {
            Change::PutIn(m) => self.gross += m,
            Change::Reversed(m) => self.reversed += m,
            Change::Issued(p) => self.issued += p,
            Change::TakenBack(p) => self.taken_back += p,
            Change::Redeemed(p) => self.redeemed += p,
            Change::Expired(p) => self.expired += p,
        }
    }
}

/// The books' flows from the ledger's records, in the order they took effect (ties by
/// posting). A sale's allocation uses the price and rate in force at the sale, as known when
/// it was recorded; a point given is provided for likewise when it was given.
pub fn flows(records: &Records, terms: &impl Terms) -> Vec<Flow> {
    let mut out = Vec::with_capacity(
        records.sales.len() * 2 + records.lots.len() + records.draws.len() + records.refunds.len(),
    );
    let mut sales: HashMap<i64, (Decimal, Decimal, Decimal)> =
        HashMap::with_capacity(records.sales.len());
    for s in &records.sales {
        let deferred = match s.partner_price {
            Some(price) => Decimal::from(s.points.max(0)) * price,
            None => {
                let rate = terms.rate_known(s.at, s.recorded_at);
                allocate(s.paid, s.points, terms.point_price(s.at), rate)
            }
        };
        sales.insert(s.purchase, (s.total, deferred, Decimal::ZERO));
        out.push(flow(
            s.at,
            Some(s.posting),
            PoolKind::Sales,
            Change::PutIn(deferred),
        ));
    }
    let mut refunds: Vec<&Refund> = records.refunds.iter().collect();
    refunds.sort_by_key(|r| (r.at, r.posting));
    for r in refunds {
        // A sale that deferred nothing (nothing paid) has nothing to reverse.
        let Some((total, deferred, refunded)) = sales
            .get_mut(&r.purchase)
            .filter(|(total, ..)| *total > Decimal::ZERO)
        else {
            continue;
        };
        // The share refunded so far, not this refund's own: partial refunds never drift.
        let reversed_before = *deferred * (*refunded / *total).min(Decimal::ONE);
        *refunded += r.amount;
        let reversed_after = *deferred * (*refunded / *total).min(Decimal::ONE);
        let reversal = reversed_after - reversed_before;
        if !reversal.is_zero() {
            out.push(flow(
                r.at,
                r.posting,
                PoolKind::Sales,
                Change::Reversed(reversal),
            ));
        }
    }
    let mut lots: HashMap<i64, (PoolKind, Option<Timestamp>)> =
        HashMap::with_capacity(records.lots.len());
    let mut carried: Vec<&Lot> = Vec::new();
    for l in &records.lots {
        if l.carried_from.is_some() {
            carried.push(l);
            continue;
        }
        let pool = if l.of_sale {
            PoolKind::Sales
        } else {
            PoolKind::Given
        };
        lots.insert(l.id, (pool, l.expires_at));
        out.push(flow(l.at, Some(l.posting), pool, Change::Issued(l.opened)));
        if pool == PoolKind::Given {
            let rate = terms.rate_known(l.at, l.recorded_at);
            let value = Decimal::from(l.opened) * terms.point_price(l.at) * rate;
            out.push(flow(l.at, Some(l.posting), pool, Change::PutIn(value)));
        }
    }
    // A carried lot is in the pool of the lot it came from, which may itself be carried: each
    // round places those whose source is placed (ids need not rise with time: PostgreSQL
    // gives each transaction its ids in blocks).
    while !carried.is_empty() {
        let before = carried.len();
        carried.retain(|l| {
            let Some((from, points)) = l.carried_from else {
                return false;
            };
            let Some(&(pool, _)) = lots.get(&from) else {
                return true;
            };
            lots.insert(l.id, (pool, l.expires_at));
            // What repaid the receiver's debt leaves the pool as a refund's clawback would.
            if points > l.opened {
                let change = Change::TakenBack(points - l.opened);
                out.push(flow(l.at, Some(l.posting), pool, change));
            }
            false
        });
        if carried.len() == before {
            // A source outside the records (a corrupt row): counted as points given.
            for l in carried.drain(..) {
                lots.insert(l.id, (PoolKind::Given, l.expires_at));
            }
        }
    }
    let pool_of = |lot: i64| lots.get(&lot).map_or(PoolKind::Given, |l| l.0);
    for d in &records.draws {
        let change = match d.why {
            Drawn::Redeemed => Change::Redeemed(d.points),
            Drawn::Expired | Drawn::Forfeited => Change::Expired(d.points),
            Drawn::TakenBack => Change::TakenBack(d.points),
            Drawn::Carried | Drawn::Held => continue,
        };
        out.push(flow(d.at, Some(d.posting), pool_of(d.lot), change));
    }
    for r in &records.restores {
        give_back(&mut out, r, &lots, true);
    }
    for h in &records.holds {
        if let Some(c) = &h.captured {
            for &(lot, points) in &c.spent {
                let change = Change::Redeemed(points);
                out.push(flow(c.at, Some(c.posting), pool_of(lot), change));
            }
        }
        if let Some(r) = &h.released {
            give_back(&mut out, r, &lots, false);
        }
    }
    out.sort_by_key(|f| (f.at, f.posting));
    out
}

/// Points given back into the lots they were drawn from (`r.drawn`, of which `r.refilled`
/// went back): a cancelled redemption's (`redeemed`: they are redeemed no more) or a hold's
/// release. What did not go back lapsed with its lot, or repaid a debt and is taken back.
fn give_back(
    out: &mut Vec<Flow>,
    r: &Restore,
    lots: &HashMap<i64, (PoolKind, Option<Timestamp>)>,
    redeemed: bool,
) {
    for &(lot, points) in &r.drawn {
        let back: i64 = r
            .refilled
            .iter()
            .filter(|(l, _)| *l == lot)
            .map(|(_, p)| p)
            .sum();
        let (pool, expires_at) = lots.get(&lot).copied().unwrap_or((PoolKind::Given, None));
        if redeemed {
            out.push(flow(r.at, Some(r.posting), pool, Change::Redeemed(-points)));
        }
        let left = points - back;
        if left > 0 {
            let change = if expires_at.is_some_and(|at| at <= r.at) {
                Change::Expired(left)
            } else {
                Change::TakenBack(left)
            };
            out.push(flow(r.at, Some(r.posting), pool, change));
        }
    }
}

fn flow(at: Timestamp, posting: Option<i64>, pool: PoolKind, change: Change) -> Flow {
    Flow {
        at,
        posting,
        pool,
        change,
    }
}

/// Both pools' cumulatives just before an instant, and the ledger postings behind the flows
/// since the instant sampled before it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sample {
    /// The sales pool's.
    pub sales: Cumulative,
    /// The pool of points given.
    pub given: Cumulative,
    /// The first and last ledger posting since the previous sample, if any.
    pub postings: Option<(i64, i64)>,
}

impl Sample {
    /// The pool of `kind`.
    pub fn pool(&self, kind: PoolKind) -> &Cumulative {
        match kind {
            PoolKind::Sales => &self.sales,
            PoolKind::Given => &self.given,
        }
    }
}

/// The last instant before `at` (a microsecond, the ledger's precision): a boundary's
/// figures are those of the period ending there, under the rate in force at its last instant.
pub fn just_before(at: Timestamp) -> Timestamp {
    at.checked_sub(jiff::SignedDuration::from_micros(1))
        .unwrap_or(at)
}

/// The cumulatives of `flows` (in order) before each of `instants` (ascending): a flow at an
/// instant counts from that instant on.
pub fn sample(flows: &[Flow], instants: &[Timestamp]) -> Vec<Sample> {
    let mut out = Vec::with_capacity(instants.len());
    let mut now = Sample::default();
    let mut next = flows.iter().peekable();
    for &at in instants {
        now.postings = None;
        while let Some(f) = next.next_if(|f| f.at < at) {
            match f.pool {
                PoolKind::Sales => now.sales.add(f.change),
                PoolKind::Given => now.given.add(f.change),
            }
            if let Some(p) = f.posting {
                now.postings = Some(now.postings.map_or((p, p), |(a, b)| (a.min(p), b.max(p))));
            }
        }
        out.push(now);
    }
    out
}
