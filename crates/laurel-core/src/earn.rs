//! Earning arithmetic: points for spend, the schedule of a new lot, proportional reversal.

use crate::points::Points;
use crate::program::{ExpiryPolicy, Program, Rounding};
use jiff::{Span, Timestamp, ToSpan};
use rust_decimal::{Decimal, RoundingStrategy};

/// Why an earning could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EarnError {
    /// The points would not fit the ledger's integer range.
    #[error("the points earned are out of range")]
    OutOfRange,
    /// A date computed from the program's calendar does not exist.
    #[error("calendar arithmetic failed: {0}")]
    Calendar(String),
}

/// Rounds a fractional number of points to whole points.
pub fn round_points(raw: Decimal, rounding: Rounding) -> Result<Points, EarnError> {
    let strategy = match rounding {
        Rounding::Floor => RoundingStrategy::ToNegativeInfinity,
        Rounding::Nearest => RoundingStrategy::MidpointAwayFromZero,
        Rounding::Ceil => RoundingStrategy::ToPositiveInfinity,
    };
    let whole = raw.round_dp_with_strategy(0, strategy);
    i64::try_from(whole)
        .map(Points)
        .map_err(|_| EarnError::OutOfRange)
}

/// Points the base earn rate gives for an amount spent.
pub fn base_points(program: &Program, spend: Decimal) -> Result<Points, EarnError> {
    let raw = spend
        .checked_mul(program.points_per_unit)
        .ok_or(EarnError::OutOfRange)?;
    round_points(raw, program.rounding)
}

/// When a lot earned at `earned_at` stops being pending and when it expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LotSchedule {
    /// Until this instant the points are pending; `None` means available at once.
    pub pending_until: Option<Timestamp>,
    /// When the points expire; `None` means never.
    pub expires_at: Option<Timestamp>,
}

/// The instant a lot held for review is pending until (9999-01-01, which storage keeps exactly):
/// none the release job reaches, so only its reviewer releases it (or takes it back).
pub const HELD_FOR_REVIEW: Timestamp = Timestamp::constant(253_370_764_800, 0);

impl LotSchedule {
    /// The same schedule, held for review: pending until its reviewer releases it.
    pub fn held(self) -> LotSchedule {
        LotSchedule {
            pending_until: Some(HELD_FOR_REVIEW),
            ..self
        }
    }

    /// Until when the points are pending if credited at `now`: `None` once the return window
    /// has closed (or there is none).
    pub fn pending_at(&self, now: Timestamp) -> Option<Timestamp> {
        self.pending_until.filter(|until| *until > now)
    }
}

/// Computes the schedule of a lot earned at `earned_at` under the program's policies.
pub fn lot_schedule(program: &Program, earned_at: Timestamp) -> Result<LotSchedule, EarnError> {
    let calendar = |e: jiff::Error| EarnError::Calendar(e.to_string());
    let local = earned_at.to_zoned_datetime(program.time_zone.clone());
    let pending_until = match program.pending_days {
        0 => None,
        days => Some(
            local
                .checked_add(i64::from(days).days())
                .map_err(calendar)?
                .timestamp(),
        ),
    };
    let expires_at = match program.expiry {
        ExpiryPolicy::Never => None,
        ExpiryPolicy::MonthsAfterEarning(months) => Some(
            local
                .checked_add(Span::new().months(i64::from(months)))
                .map_err(calendar)?
                .timestamp(),
        ),
        ExpiryPolicy::EndOfNextCalendarYear => {
            // "End of next year" is the first instant of the year after next, local time.
            let year = local.date().year() + 2;
            let first = jiff::civil::date(year, 1, 1);
            Some(
                first
                    .to_zoned_datetime(program.time_zone.clone())
                    .map_err(calendar)?
                    .timestamp(),
            )
        }
    };
    Ok(LotSchedule {
        pending_until,
        expires_at,
    })
}

/// Points a refund must reverse so that, over all refunds of one purchase, the reversed
/// total is `earned × refunded / total`, rounded down, and a full refund reverses all.
///
/// Computing from the cumulative refunded amount means partial refunds never drift.
pub fn reversal_points(
    earned: Points,
    total: Decimal,
    refunded_before: Decimal,
    refunded_now: Decimal,
) -> Points {
    // A purchase that cost nothing has no proportion to keep: any refund of it reverses all.
    if total <= Decimal::ZERO {
        return earned;
    }
    let target = |refunded: Decimal| -> i64 {
        if refunded >= total {
            return earned.get();
        }
        let earned = Decimal::from(earned.get());
        // Multiply first for exactness; divide first only when the product would overflow.
        let share = earned
            .checked_mul(refunded)
            .map(|product| product / total)
            .unwrap_or_else(|| earned * (refunded / total));
        i64::try_from(share.floor()).unwrap_or(i64::MAX)
    };
    Points(target(refunded_before + refunded_now) - target(refunded_before))
}
