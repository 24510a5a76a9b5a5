//! A report's periods rolled forward: each period's roll of both pools between the standings
//! at its ends — locked where a close locked them, as the ledger stands now elsewhere — with
//! what arrived late for a closed period shown where it posts: the first open period after.

use super::flows::Sample;
use super::journal::PoolKind;
use super::periods::Span;
use super::roll::Roll;
use super::standing::Standing;
use super::stored_value::StoredValueRoll;
use rust_decimal::Decimal;

/// Where the books stood at one end of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Boundary {
    /// Both pools' cumulatives as the ledger stands now, and the postings since the previous
    /// boundary.
    pub live: Sample,
    /// The expected redemption rate in force then.
    pub rate: Decimal,
    /// What a close locked here: the sales pool's and the given pool's standings.
    pub locked: Option<[Standing; 2]>,
}

impl Boundary {
    /// The standing of the pool of `kind` here: locked if a close locked it.
    pub fn standing(&self, kind: PoolKind, digits: u32) -> Standing {
        match self.locked {
            Some([sales, given]) => match kind {
                PoolKind::Sales => sales,
                PoolKind::Given => given,
            },
            None => self.live_standing(kind, digits),
        }
    }

    /// The standing of the pool of `kind` as the ledger stands now.
    pub fn live_standing(&self, kind: PoolKind, digits: u32) -> Standing {
        Standing::of(self.live.pool(kind), self.rate, digits)
    }
}

/// One period of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodBooks {
    /// The period, or the part of it in the report.
    pub span: Span,
    /// The sales pool's roll (the contract liability).
    pub sales: Roll,
    /// The given pool's roll (the provision).
    pub given: Roll,
    /// Of the movements, what arrived after its own period was closed (sales, given); none
    /// unless this period starts where a close locked the books.
    pub late: Option<[Roll; 2]>,
    /// Whether a close locked the period's figures.
    pub closed: bool,
    /// The expected redemption rate in force at its end.
    pub rate: Decimal,
    /// The first and last ledger posting that took effect in it.
    pub postings: Option<(i64, i64)>,
    /// The value held in wallets rolled forward over it (from the wallet ledger, which
    /// `roll_periods` leaves at zero for the caller to fill).
    pub stored_value: StoredValueRoll,
}

impl PeriodBooks {
    /// The roll of the pool of `kind`.
    pub fn roll(&self, kind: PoolKind) -> &Roll {
        match kind {
            PoolKind::Sales => &self.sales,
            PoolKind::Given => &self.given,
        }
    }
}

/// The periods of `spans` rolled between `boundaries` (one more than there are spans: each
/// span's start, then the last one's end), in a currency of `digits` decimals.
pub fn roll_periods(spans: &[Span], boundaries: &[Boundary], digits: u32) -> Vec<PeriodBooks> {
    spans
        .iter()
        .zip(boundaries.windows(2))
        .map(|(span, ends)| {
            let [start, end] = [&ends[0], &ends[1]];
            let roll =
                |kind| Roll::between(&start.standing(kind, digits), &end.standing(kind, digits));
            let late = match (start.locked, end.locked) {
                (Some(_), None) => {
                    let late = |kind| {
                        Roll::between(
                            &start.standing(kind, digits),
                            &start.live_standing(kind, digits),
                        )
                    };
                    let rolls = [late(PoolKind::Sales), late(PoolKind::Given)];
                    rolls.iter().any(|r| !r.is_still()).then_some(rolls)
                }
                _ => None,
            };
            PeriodBooks {
                span: span.clone(),
                sales: roll(PoolKind::Sales),
                given: roll(PoolKind::Given),
                late,
                closed: end.locked.is_some(),
                rate: end.rate,
                postings: end.live.postings,
                stored_value: StoredValueRoll::default(),
            }
        })
        .collect()
}
