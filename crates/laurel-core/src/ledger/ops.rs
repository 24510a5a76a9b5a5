//! Decisions: each operation reads a [`MemberLedger`] and returns the [`Posting`] to store.

use super::{
    Account, DrawnLot, Lot, LotEffect, LotId, LotState, MemberLedger, Movement, NewLot, Posting,
    PostingKind,
};
use crate::earn::LotSchedule;
use crate::points::Points;
use crate::program::ClawbackPolicy;
use jiff::Timestamp;

/// Why the ledger refused an operation. Nothing is posted when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// Amounts must be above zero.
    #[error("the amount must be a positive number of points, got {0}")]
    NonPositive(Points),
    /// Not enough spendable points.
    #[error("{requested} points requested but only {available} available")]
    Insufficient {
        /// Spendable balance.
        available: Points,
        /// Amount asked for.
        requested: Points,
    },
}

pub(super) fn positive(amount: Points) -> Result<(), LedgerError> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(LedgerError::NonPositive(amount))
    }
}

impl MemberLedger {
    /// Open available lots in the order debits consume them: soonest expiry first, lots
    /// that never expire last, older before newer on ties.
    fn spending_order(&self) -> Vec<&Lot> {
        let mut lots: Vec<&Lot> = self
            .lots
            .iter()
            .filter(|l| l.state == LotState::Available)
            .collect();
        lots.sort_by_key(|l| (l.expires_at.is_none(), l.expires_at, l.earned_at, l.id));
        lots
    }

    /// Draws up to `amount` from available lots, skipping `except`; returns the draws and
    /// the total drawn.
    pub(super) fn draw_available(
        &self,
        amount: Points,
        except: Option<LotId>,
    ) -> (Vec<LotEffect>, Points) {
        let mut left = amount;
        let mut draws = Vec::new();
        for lot in self.spending_order() {
            if !left.is_positive() {
                break;
            }
            if Some(lot.id) == except {
                continue;
            }
            let take = lot.remaining.min(left);
            draws.push(LotEffect::Draw {
                lot: lot.id,
                amount: take,
            });
            left -= take;
        }
        (draws, amount - left)
    }

    /// Points owed by a member whose balance is below zero.
    pub(super) fn debt(&self) -> Points {
        (-self.available).max(Points::ZERO)
    }

    /// Credits `amount` earned at `earned_at`; pending if its return window is still open at `now`.
    pub fn earn(
        &self,
        amount: Points,
        earned_at: Timestamp,
        schedule: LotSchedule,
        now: Timestamp,
    ) -> Result<Posting, LedgerError> {
        positive(amount)?;
        let pending_until = schedule.pending_at(now);
        Ok(self.credit(
            PostingKind::Earn,
            Account::Issued,
            amount,
            earned_at,
            schedule.expires_at,
            pending_until,
        ))
    }

    /// A staff credit, available at once.
    pub fn adjust_credit(
        &self,
        amount: Points,
        now: Timestamp,
        expires_at: Option<Timestamp>,
    ) -> Result<Posting, LedgerError> {
        positive(amount)?;
        Ok(self.credit(
            PostingKind::AdjustCredit,
            Account::Adjusted,
            amount,
            now,
            expires_at,
            None,
        ))
    }

    fn credit(
        &self,
        kind: PostingKind,
        source: Account,
        amount: Points,
        earned_at: Timestamp,
        expires_at: Option<Timestamp>,
        pending_until: Option<Timestamp>,
    ) -> Posting {
        let (to, state, remaining) = match pending_until {
            Some(until) => (Account::MemberPending, LotState::Pending { until }, amount),
            // A credit to a negative balance first repays it; the lot keeps the rest.
            None => (
                Account::MemberAvailable,
                LotState::Available,
                amount - self.debt().min(amount),
            ),
        };
        let lot = NewLot {
            amount,
            remaining,
            earned_at,
            expires_at,
            state,
            carried_from: None,
        };
        Posting {
            kind,
            movements: vec![Movement {
                from: source,
                to,
                amount,
            }],
            lots: vec![LotEffect::Open(lot)],
            shortfall: Points::ZERO,
        }
    }

    /// Spends `amount` available points; refused whole when the balance is short.
    pub fn redeem(&self, amount: Points) -> Result<Posting, LedgerError> {
        self.debit(PostingKind::Redeem, Account::Redeemed, amount)
    }

    /// A staff debit; like a redemption it never takes the balance below zero.
    pub fn adjust_debit(&self, amount: Points) -> Result<Posting, LedgerError> {
        self.debit(PostingKind::AdjustDebit, Account::Adjusted, amount)
    }

    pub(super) fn debit(
        &self,
        kind: PostingKind,
        sink: Account,
        amount: Points,
    ) -> Result<Posting, LedgerError> {
        positive(amount)?;
        if self.available < amount {
            return Err(LedgerError::Insufficient {
                available: self.available,
                requested: amount,
            });
        }
        let (lots, drawn) = self.draw_available(amount, None);
        debug_assert_eq!(
            drawn, amount,
            "available balance must equal open available lots"
        );
        Ok(Posting {
            kind,
            movements: vec![Movement {
                from: Account::MemberAvailable,
                to: sink,
                amount,
            }],
            lots,
            shortfall: Points::ZERO,
        })
    }

    /// Expires every lot whose expiry is at or before `now`; `None` when nothing is due.
    pub fn expire(&self, now: Timestamp) -> Option<Posting> {
        self.close_lots(PostingKind::Expire, |l| {
            l.expires_at.is_some_and(|e| e <= now)
        })
    }

    /// Forfeits every open lot, pending or available, whatever its expiry: what an erased
    /// member held becomes breakage. `None` when nothing is open. A debt (a balance below
    /// zero) has no lot and stays as it is.
    pub fn forfeit(&self) -> Option<Posting> {
        self.close_lots(PostingKind::Forfeit, |_| true)
    }

    /// Draws the whole of every lot `due` picks into the expired account, as one posting.
    fn close_lots(&self, kind: PostingKind, due: impl Fn(&Lot) -> bool) -> Option<Posting> {
        let due: Vec<&Lot> = self.lots.iter().filter(|l| due(l)).collect();
        if due.is_empty() {
            return None;
        }
        let mut movements: Vec<Movement> = Vec::new();
        for account in [Account::MemberAvailable, Account::MemberPending] {
            let amount: Points = due
                .iter()
                .filter(|l| l.account() == account)
                .map(|l| l.remaining)
                .sum();
            if amount.is_positive() {
                movements.push(Movement {
                    from: account,
                    to: Account::Expired,
                    amount,
                });
            }
        }
        let lots = due
            .iter()
            .map(|l| LotEffect::Draw {
                lot: l.id,
                amount: l.remaining,
            })
            .collect();
        Some(Posting {
            kind,
            movements,
            lots,
            shortfall: Points::ZERO,
        })
    }

    /// Makes available every pending lot whose window closed at or before `now`.
    pub fn release(&self, now: Timestamp) -> Option<Posting> {
        self.release_where(|l| matches!(l.state, LotState::Pending { until } if until <= now))
    }

    /// Makes lot `id` available now, if it is pending: a lot held for review, released by its
    /// reviewer.
    pub fn release_lot(&self, id: LotId) -> Option<Posting> {
        self.release_where(|l| l.id == id && matches!(l.state, LotState::Pending { .. }))
    }

    fn release_where(&self, due: impl Fn(&Lot) -> bool) -> Option<Posting> {
        let mut due: Vec<&Lot> = self.lots.iter().filter(|l| due(l)).collect();
        if due.is_empty() {
            return None;
        }
        due.sort_by_key(|l| (l.earned_at, l.id));
        let mut debt = self.debt();
        let mut lots = Vec::with_capacity(due.len());
        for lot in &due {
            let repaid = debt.min(lot.remaining);
            debt -= repaid;
            lots.push(LotEffect::Release {
                lot: lot.id,
                repaid,
            });
        }
        let amount = due.iter().map(|l| l.remaining).sum();
        Some(Posting {
            kind: PostingKind::Release,
            movements: vec![Movement {
                from: Account::MemberPending,
                to: Account::MemberAvailable,
                amount,
            }],
            lots,
            shortfall: Points::ZERO,
        })
    }

    /// Takes back `amount` points for a refund: first from the lot the purchase opened, then
    /// from other available points, then as the clawback policy says.
    pub fn reverse(
        &self,
        source: Option<LotId>,
        amount: Points,
        clawback: ClawbackPolicy,
    ) -> Result<Posting, LedgerError> {
        positive(amount)?;
        let mut movements = Vec::new();
        let mut lots = Vec::new();
        let mut left = amount;
        if let Some(lot) = source.and_then(|id| self.lots.iter().find(|l| l.id == id)) {
            let take = lot.remaining.min(left);
            lots.push(LotEffect::Draw {
                lot: lot.id,
                amount: take,
            });
            movements.push(Movement {
                from: lot.account(),
                to: Account::Reversed,
                amount: take,
            });
            left -= take;
        }
        let mut from_available = Points::ZERO;
        if left.is_positive() {
            let (draws, drawn) = self.draw_available(left, source);
            lots.extend(draws);
            from_available += drawn;
            left -= drawn;
        }
        let mut shortfall = Points::ZERO;
        if left.is_positive() {
            match clawback {
                ClawbackPolicy::AllowNegative => from_available += left,
                ClawbackPolicy::CapAtZero => shortfall = left,
            }
        }
        if from_available.is_positive() {
            movements.push(Movement {
                from: Account::MemberAvailable,
                to: Account::Reversed,
                amount: from_available,
            });
        }
        Ok(Posting {
            kind: PostingKind::Reverse,
            movements,
            lots,
            shortfall,
        })
    }

    /// Gives back the points a redemption drew (`drawn`, as it recorded them) when it is
    /// cancelled: each into the lot it came from, with that lot's original expiry. Points whose
    /// lot expired meanwhile go straight to expired; a negative balance is repaid first.
    pub fn restore(&self, drawn: &[DrawnLot], now: Timestamp) -> Result<Posting, LedgerError> {
        self.give_back(PostingKind::Restore, Account::Redeemed, drawn, now)
    }

    /// Points `drawn` from lots given back from `source` as a posting of `kind`: into the lots
    /// they came from while those live, to expired for those that lapsed meanwhile, and first
    /// to repay a negative balance.
    pub(super) fn give_back(
        &self,
        kind: PostingKind,
        source: Account,
        drawn: &[DrawnLot],
        now: Timestamp,
    ) -> Result<Posting, LedgerError> {
        let total: Points = drawn.iter().map(|d| d.amount).sum();
        positive(total)?;
        let (mut live, dead): (Vec<DrawnLot>, Vec<DrawnLot>) = drawn
            .iter()
            .partition(|d| d.expires_at.is_none_or(|at| at > now));
        // What repays a debt does not go back into lots: take it from the lots that would
        // expire first, as a debit would have.
        live.sort_by_key(|d| (d.expires_at.is_none(), d.expires_at, d.earned_at, d.lot));
        let mut debt = self.debt();
        let mut lots = Vec::with_capacity(live.len());
        for d in &live {
            let repaid = debt.min(d.amount);
            debt -= repaid;
            if (d.amount - repaid).is_positive() {
                lots.push(LotEffect::Refill(DrawnLot {
                    amount: d.amount - repaid,
                    ..*d
                }));
            }
        }
        let mut movements = Vec::new();
        for (to, part) in [(Account::MemberAvailable, &live), (Account::Expired, &dead)] {
            let amount: Points = part.iter().map(|d| d.amount).sum();
            if amount.is_positive() {
                movements.push(Movement {
                    from: source,
                    to,
                    amount,
                });
            }
        }
        Ok(Posting {
            kind,
            movements,
            lots,
            shortfall: Points::ZERO,
        })
    }
}
