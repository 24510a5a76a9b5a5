//! Points held at a checkout, as TigerBeetle's pending transfers: a hold draws the points
//! from their lots onto the `Held` account, where no one can spend them; a capture spends
//! what the order took (from `Held` to `Redeemed`), and what is left — all of it on a void or
//! at the hold's expiry — goes back into the lots it came from, with their expiry.

use super::ops::positive;
use super::{
    Account, DrawnLot, LedgerError, LotEffect, MemberLedger, Movement, Posting, PostingKind,
};
use crate::points::Points;
use jiff::Timestamp;

/// A hold's points split at its capture: those spent and those to give back, lot by lot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    /// The capture's posting.
    pub posting: Posting,
    /// What it spent of each lot the hold drew on (the soonest-expiring first).
    pub spent: Vec<DrawnLot>,
    /// What is left of each: for [`MemberLedger::release_hold`].
    pub left: Vec<DrawnLot>,
}

impl MemberLedger {
    /// Holds `amount` available points, soonest-expiring first; refused whole when the
    /// balance is short.
    pub fn hold(&self, amount: Points) -> Result<Posting, LedgerError> {
        self.debit(PostingKind::Hold, Account::Held, amount)
    }

    /// Spends `amount` of a hold that drew `drawn`, from the lots that expire first.
    pub fn capture_hold(drawn: &[DrawnLot], amount: Points) -> Result<Captured, LedgerError> {
        positive(amount)?;
        let held: Points = drawn.iter().map(|d| d.amount).sum();
        if amount > held {
            return Err(LedgerError::Insufficient {
                available: held,
                requested: amount,
            });
        }
        let mut ordered = drawn.to_vec();
        ordered.sort_by_key(|d| (d.expires_at.is_none(), d.expires_at, d.earned_at, d.lot));
        let (mut spent, mut left) = (Vec::new(), Vec::new());
        let mut to_spend = amount;
        for d in ordered {
            let take = to_spend.min(d.amount);
            to_spend -= take;
            if take.is_positive() {
                spent.push(DrawnLot { amount: take, ..d });
            }
            if (d.amount - take).is_positive() {
                left.push(DrawnLot {
                    amount: d.amount - take,
                    ..d
                });
            }
        }
        Ok(Captured {
            posting: Posting {
                kind: PostingKind::HoldCapture,
                movements: vec![Movement {
                    from: Account::Held,
                    to: Account::Redeemed,
                    amount,
                }],
                lots: Vec::new(),
                shortfall: Points::ZERO,
            },
            spent,
            left,
        })
    }

    /// Gives back what a hold drew and did not spend (`left`, lot by lot) as of `now`: into
    /// the lots, with their expiry; those that expired meanwhile lapse; a debt is repaid first.
    pub fn release_hold(&self, left: &[DrawnLot], now: Timestamp) -> Result<Posting, LedgerError> {
        self.give_back(PostingKind::HoldRelease, Account::Held, left, now)
    }

    /// What a hold's posting drew, lot by lot with each lot's expiry: what it records.
    pub fn drawn_by(&self, posting: &Posting) -> Vec<DrawnLot> {
        posting
            .lots
            .iter()
            .filter_map(|effect| match *effect {
                LotEffect::Draw { lot, amount } => {
                    let open = self.lots.iter().find(|l| l.id == lot)?;
                    Some(DrawnLot {
                        lot,
                        amount,
                        earned_at: open.earned_at,
                        expires_at: open.expires_at,
                    })
                }
                _ => None,
            })
            .collect()
    }
}
