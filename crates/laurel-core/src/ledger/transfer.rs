//! A transfer on each side's ledger: the sender's points leave through the clearing account
//! `Transferred` (with the fee, if any, spent on the way) and the receiver's come in from it,
//! lot by lot, each keeping the expiry it had: a transfer never makes a point live longer.

use super::ops::positive;
use super::{
    Account, DrawnLot, LedgerError, LotEffect, LotState, MemberLedger, Movement, NewLot, Posting,
    PostingKind,
};
use crate::points::Points;
use jiff::Timestamp;

/// What a sender's ledger gives up for a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The fee, spent from the soonest-expiring points, when the transfer has one.
    pub fee: Option<Posting>,
    /// The points moved out to the clearing account.
    pub out: Posting,
    /// The points moved, lot by lot with each lot's expiry: what the receiver's lots open with.
    pub carried: Vec<DrawnLot>,
}

impl MemberLedger {
    /// Sends `amount` available points and pays `fee` for it; refused whole when the balance
    /// cannot pay both. The fee takes the soonest-expiring points, the transfer the next.
    pub fn send(&self, amount: Points, fee: Points) -> Result<Sent, LedgerError> {
        positive(amount)?;
        let total = amount + fee.max(Points::ZERO);
        if self.available < total {
            return Err(LedgerError::Insufficient {
                available: self.available,
                requested: total,
            });
        }
        let (draws, drawn) = self.draw_available(total, None);
        debug_assert_eq!(drawn, total, "available balance must equal open lots");
        let mut fee_left = fee.max(Points::ZERO);
        let (mut fee_draws, mut out_draws, mut carried) = (Vec::new(), Vec::new(), Vec::new());
        for effect in draws {
            let LotEffect::Draw { lot, amount } = effect else {
                continue;
            };
            let to_fee = fee_left.min(amount);
            fee_left -= to_fee;
            if to_fee.is_positive() {
                fee_draws.push(LotEffect::Draw {
                    lot,
                    amount: to_fee,
                });
            }
            let moved = amount - to_fee;
            if moved.is_positive() {
                out_draws.push(LotEffect::Draw { lot, amount: moved });
                let open = self.lots.iter().find(|l| l.id == lot);
                carried.push(DrawnLot {
                    lot,
                    amount: moved,
                    earned_at: open.map_or(Timestamp::UNIX_EPOCH, |l| l.earned_at),
                    expires_at: open.and_then(|l| l.expires_at),
                });
            }
        }
        let posting = |kind, to, amount, lots| Posting {
            kind,
            movements: vec![Movement {
                from: Account::MemberAvailable,
                to,
                amount,
            }],
            lots,
            shortfall: Points::ZERO,
        };
        Ok(Sent {
            fee: fee
                .is_positive()
                .then(|| posting(PostingKind::TransferFee, Account::Redeemed, fee, fee_draws)),
            out: posting(
                PostingKind::TransferOut,
                Account::Transferred,
                amount,
                out_draws,
            ),
            carried,
        })
    }

    /// Receives the points a sender's [`MemberLedger::send`] carried, available at once: a
    /// lot for each lot they came from, with its expiry (and `now` as when it was received).
    /// A negative balance is repaid first, from the points that would expire first.
    pub fn receive(&self, carried: &[DrawnLot], now: Timestamp) -> Result<Posting, LedgerError> {
        let total: Points = carried.iter().map(|d| d.amount).sum();
        positive(total)?;
        let mut ordered: Vec<&DrawnLot> = carried.iter().collect();
        ordered.sort_by_key(|d| (d.expires_at.is_none(), d.expires_at, d.earned_at, d.lot));
        let mut debt = self.debt();
        let lots = ordered
            .into_iter()
            .map(|d| {
                let repaid = debt.min(d.amount);
                debt -= repaid;
                LotEffect::Open(NewLot {
                    amount: d.amount,
                    remaining: d.amount - repaid,
                    earned_at: now,
                    expires_at: d.expires_at,
                    state: LotState::Available,
                    carried_from: Some(d.lot),
                })
            })
            .collect();
        Ok(Posting {
            kind: PostingKind::TransferIn,
            movements: vec![Movement {
                from: Account::Transferred,
                to: Account::MemberAvailable,
                amount: total,
            }],
            lots,
            shortfall: Points::ZERO,
        })
    }
}
