//! Checkout holds (two-phase, after TigerBeetle's pending transfers): value reserved at a
//! checkout is moved to the wallet's held accounts, where nothing else can spend it, until the
//! order is captured (all or part paid, the rest back) or the hold is voided or lapses at its
//! expiry (all back). A hold is closed once; its state says how.

use super::account::{WalletAccount, WalletMoveKind, WalletPosting};
use super::balance::{Paid, Wallet, WalletError, positive};
use jiff::Timestamp;

use WalletAccount::{Bonus, HeldBonus, HeldPrincipal, Principal, Settlement};

crate::states! {
    /// Where a hold stands.
    pub enum HoldState ("hold state") {
        /// Reserved: waiting for its order.
        Held = "held",
        /// Its order completed: captured in whole or part.
        Captured = "captured",
        /// Voided by the caller: nothing paid.
        Voided = "voided",
        /// Lapsed at its expiry: nothing paid.
        Expired = "expired",
    }
}

/// A hold as its close reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hold {
    /// What it holds of each kind.
    pub held: Paid,
    /// Where it stands.
    pub state: HoldState,
    /// When it lapses if not captured.
    pub expires_at: Timestamp,
}

/// Why a hold refused to close that way; nothing was changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HoldRefusal {
    /// It was captured, voided or expired already.
    #[error("the hold is {0} already")]
    Closed(HoldState),
    /// Its expiry has passed: it can no longer be captured (it is released by itself).
    #[error("the hold expired at {0}")]
    Expired(Timestamp),
    /// More captured than it holds.
    #[error("the hold holds {held}, less than {requested}")]
    OverHeld {
        /// What it holds.
        held: i64,
        /// What was asked for.
        requested: i64,
    },
    /// An amount of zero or less.
    #[error("the amount must be above zero")]
    NotPositive,
}

impl Wallet {
    /// Holds `amount` for a checkout: principal first, bonus last, as a payment would take it.
    pub fn hold(self, amount: i64) -> Result<WalletPosting, WalletError> {
        let held = self.split(amount)?;
        Ok(WalletPosting::new(
            WalletMoveKind::Hold,
            &[
                (Principal, -held.principal),
                (HeldPrincipal, held.principal),
                (Bonus, -held.bonus),
                (HeldBonus, held.bonus),
            ],
        ))
    }
}

impl Hold {
    /// Captures `amount` (all it holds when `None`) at `now`: paid principal first, bonus
    /// last, and the rest back in the wallet in the same posting.
    pub fn capture(
        self,
        amount: Option<i64>,
        now: Timestamp,
    ) -> Result<WalletPosting, HoldRefusal> {
        self.open()?;
        if now >= self.expires_at {
            return Err(HoldRefusal::Expired(self.expires_at));
        }
        let held = self.held.total();
        let amount = amount.unwrap_or(held);
        positive(amount).map_err(|_| HoldRefusal::NotPositive)?;
        if amount > held {
            return Err(HoldRefusal::OverHeld {
                held,
                requested: amount,
            });
        }
        let principal = amount.min(self.held.principal);
        let bonus = amount - principal;
        Ok(WalletPosting::new(
            WalletMoveKind::Capture,
            &[
                (HeldPrincipal, -self.held.principal),
                (HeldBonus, -self.held.bonus),
                (Settlement, amount),
                (Principal, self.held.principal - principal),
                (Bonus, self.held.bonus - bonus),
            ],
        ))
    }

    /// Releases all it holds back to the wallet (voided, or lapsed at its expiry).
    pub fn release(self) -> Result<WalletPosting, HoldRefusal> {
        self.open()?;
        Ok(WalletPosting::new(
            WalletMoveKind::Release,
            &[
                (HeldPrincipal, -self.held.principal),
                (Principal, self.held.principal),
                (HeldBonus, -self.held.bonus),
                (Bonus, self.held.bonus),
            ],
        ))
    }

    /// Whether it lapses as of `now`: still held and past its expiry.
    pub fn is_due(self, now: Timestamp) -> bool {
        self.state == HoldState::Held && now >= self.expires_at
    }

    fn open(self) -> Result<(), HoldRefusal> {
        match self.state {
            HoldState::Held => Ok(()),
            closed => Err(HoldRefusal::Closed(closed)),
        }
    }
}

#[cfg(test)]
// Amounts are written yuan_fen (500_00 is ¥500.00).
#[allow(clippy::unwrap_used, clippy::inconsistent_digit_grouping)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    const WALLET: Wallet = Wallet {
        principal: 100_00,
        bonus: 20_00,
    };

    fn held(posting: &WalletPosting) -> Hold {
        Hold {
            held: Paid::held_by(posting),
            state: HoldState::Held,
            expires_at: at("2026-12-01T10:15:00Z"),
        }
    }

    #[test]
    fn a_hold_takes_value_out_of_reach_principal_first() {
        let p = WALLET.hold(110_00).unwrap();
        assert!(p.is_balanced());
        assert_eq!(
            WALLET.after(&p),
            Wallet {
                principal: 0,
                bonus: 10_00
            }
        );
        assert_eq!(
            (p.delta(HeldPrincipal), p.delta(HeldBonus)),
            (100_00, 10_00)
        );
        assert_eq!(
            WALLET.hold(120_01),
            Err(WalletError::Insufficient {
                available: 120_00,
                requested: 120_01
            })
        );
    }

    #[test]
    fn a_partial_capture_pays_principal_first_and_gives_the_rest_back_at_once() {
        let hold = held(&WALLET.hold(110_00).unwrap());
        let p = hold
            .capture(Some(105_00), at("2026-12-01T10:00:00Z"))
            .unwrap();
        assert!(p.is_balanced());
        assert_eq!(p.delta(Settlement), 105_00);
        assert_eq!(
            Paid::of(&p),
            Paid {
                principal: 100_00,
                bonus: 5_00
            }
        );
        assert_eq!((p.delta(Principal), p.delta(Bonus)), (0, 5_00));
        assert_eq!(
            (p.delta(HeldPrincipal), p.delta(HeldBonus)),
            (-100_00, -10_00)
        );
    }

    #[test]
    fn a_hold_closes_once_and_cannot_be_captured_past_its_expiry() {
        let hold = held(&WALLET.hold(50_00).unwrap());
        assert_eq!(
            hold.capture(Some(50_01), at("2026-12-01T10:00:00Z")),
            Err(HoldRefusal::OverHeld {
                held: 50_00,
                requested: 50_01
            })
        );
        let late = at("2026-12-01T10:15:00Z");
        assert_eq!(
            hold.capture(None, late),
            Err(HoldRefusal::Expired(hold.expires_at))
        );
        assert!(hold.is_due(late));
        let released = hold.release().unwrap();
        assert_eq!(
            (released.delta(Principal), released.delta(Bonus)),
            (50_00, 0)
        );
        let closed = Hold {
            state: HoldState::Captured,
            ..hold
        };
        assert_eq!(
            closed.release(),
            Err(HoldRefusal::Closed(HoldState::Captured))
        );
        assert!(!closed.is_due(late));
    }
}
