//! Applying a posting to a member's state, and the invariants that must hold after it.

use super::{Account, Lot, LotEffect, LotId, LotState, MemberLedger, Posting};
use crate::points::Points;

/// A broken ledger invariant: a bug, never a user error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvariantViolation {
    /// A posting's entries do not sum to zero.
    #[error("posting is unbalanced by {0}")]
    Unbalanced(Points),
    /// A balance differs from the sum of the lots that should back it.
    #[error("{account:?} balance {balance} but its open lots hold {lots}")]
    LotsMismatch {
        /// The member account.
        account: Account,
        /// Its balance.
        balance: Points,
        /// The sum of its lots.
        lots: Points,
    },
    /// A lot drawn below zero or an effect naming an unknown lot.
    #[error("lot {0:?} is overdrawn or unknown")]
    BadLot(LotId),
}

impl MemberLedger {
    /// Applies a posting, giving new lots ids from `next_id`. Closed lots are dropped.
    pub fn apply(
        &mut self,
        posting: &Posting,
        mut next_id: impl FnMut() -> LotId,
    ) -> Result<(), InvariantViolation> {
        let net: Points = posting.entries().iter().map(|(_, a)| *a).sum();
        if net != Points::ZERO {
            return Err(InvariantViolation::Unbalanced(net));
        }
        self.available += posting.delta(Account::MemberAvailable);
        self.pending += posting.delta(Account::MemberPending);
        for effect in &posting.lots {
            match *effect {
                LotEffect::Open(new) => self.lots.push(Lot {
                    id: next_id(),
                    remaining: new.remaining,
                    earned_at: new.earned_at,
                    expires_at: new.expires_at,
                    state: new.state,
                }),
                LotEffect::Draw { lot, amount } => {
                    let open = self.lot_mut(lot)?;
                    open.remaining -= amount;
                    if open.remaining < Points::ZERO {
                        return Err(InvariantViolation::BadLot(lot));
                    }
                }
                LotEffect::Release { lot, repaid } => {
                    let open = self.lot_mut(lot)?;
                    open.state = LotState::Available;
                    open.remaining -= repaid;
                }
                LotEffect::Refill(drawn) => {
                    match self.lots.iter_mut().find(|l| l.id == drawn.lot) {
                        Some(open) => open.remaining += drawn.amount,
                        None => self.lots.push(Lot {
                            id: drawn.lot,
                            remaining: drawn.amount,
                            earned_at: drawn.earned_at,
                            expires_at: drawn.expires_at,
                            state: LotState::Available,
                        }),
                    }
                }
            }
        }
        self.lots.retain(|l| l.remaining.is_positive());
        self.check()
    }

    fn lot_mut(&mut self, id: LotId) -> Result<&mut Lot, InvariantViolation> {
        self.lots
            .iter_mut()
            .find(|l| l.id == id)
            .ok_or(InvariantViolation::BadLot(id))
    }

    /// Checks that balances equal their lots: pending equals pending lots, and a non-negative
    /// available balance equals available lots (a negative one has no open available lots).
    pub fn check(&self) -> Result<(), InvariantViolation> {
        let held = |account: Account| -> Points {
            self.lots
                .iter()
                .filter(|l| l.account() == account)
                .map(|l| l.remaining)
                .sum()
        };
        let expectations = [
            (Account::MemberAvailable, self.available.max(Points::ZERO)),
            (Account::MemberPending, self.pending),
        ];
        for (account, balance) in expectations {
            let lots = held(account);
            if lots != balance {
                return Err(InvariantViolation::LotsMismatch {
                    account,
                    balance,
                    lots,
                });
            }
        }
        Ok(())
    }
}
