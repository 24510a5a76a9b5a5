//! A wallet's balance and the decisions that change it: top up, pay, refund, cash out.

use super::account::{WalletAccount, WalletMoveKind, WalletPosting};

/// What a member's wallet holds, in minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wallet {
    /// Money the member paid in.
    pub principal: i64,
    /// Value given with top-ups.
    pub bonus: i64,
}

/// The two kinds of value a payment took, or its refunds gave back, in minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Paid {
    /// Principal.
    pub principal: i64,
    /// Bonus.
    pub bonus: i64,
}

/// Why a wallet refused a change; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalletError {
    /// An amount of zero or less.
    #[error("the amount must be above zero")]
    NotPositive,
    /// Less in the wallet than asked for.
    #[error("the wallet holds {available}, less than {requested}")]
    Insufficient {
        /// What the wallet holds (principal and bonus).
        available: i64,
        /// What was asked for.
        requested: i64,
    },
    /// A top-up would take the wallet above the program's most.
    #[error("the wallet would hold {after}, above its most of {max}")]
    OverBalanceMax {
        /// The program's most.
        max: i64,
        /// What it would hold.
        after: i64,
    },
    /// More refunded than is left of the payment.
    #[error("only {left} of the payment is left to refund, less than {requested}")]
    RefundOverPayment {
        /// What is left of the payment.
        left: i64,
        /// What was asked for.
        requested: i64,
    },
    /// More cashed out than the principal: bonus value is never paid out.
    #[error(
        "only {principal} of the wallet is principal that may be paid out, less than {requested}"
    )]
    CashOutOverPrincipal {
        /// The principal.
        principal: i64,
        /// What was asked for.
        requested: i64,
    },
}

type Decided = Result<WalletPosting, WalletError>;

use WalletAccount::{
    Bonus, Funding, HeldBonus, HeldPrincipal, Principal, Promotion, Settlement, Transfer,
};

impl Wallet {
    /// Everything it holds.
    pub fn total(self) -> i64 {
        self.principal + self.bonus
    }

    /// Pays in `amount` with `bonus` given on top, as long as the wallet — with the `held`
    /// value its checkouts hold, which comes back when they are voided — stays within
    /// `balance_max` (when the program sets one).
    pub fn top_up(self, amount: i64, bonus: i64, held: i64, balance_max: Option<i64>) -> Decided {
        positive(amount)?;
        let after = self
            .total()
            .saturating_add(held)
            .saturating_add(amount)
            .saturating_add(bonus.max(0));
        if let Some(max) = balance_max.filter(|max| after > *max) {
            return Err(WalletError::OverBalanceMax { max, after });
        }
        let bonus = bonus.max(0);
        Ok(WalletPosting::new(
            WalletMoveKind::TopUp,
            &[
                (Principal, amount),
                (Funding, -amount),
                (Bonus, bonus),
                (Promotion, -bonus),
            ],
        ))
    }

    /// Pays `amount` for an order, principal first and bonus last. With `partial`, a wallet
    /// holding less pays what it holds (the rest is paid elsewhere); without, it refuses.
    pub fn pay(self, amount: i64, partial: bool) -> Decided {
        positive(amount)?;
        let asked = if partial {
            amount.min(self.total()).max(1)
        } else {
            amount
        };
        let paid = self.split(asked).map_err(|refused| match refused {
            WalletError::Insufficient { available, .. } => WalletError::Insufficient {
                available,
                requested: amount,
            },
            other => other,
        })?;
        Ok(WalletPosting::new(
            WalletMoveKind::Payment,
            &[
                (Principal, -paid.principal),
                (Bonus, -paid.bonus),
                (Settlement, paid.total()),
            ],
        ))
    }

    /// Gives `amount` of `payment` back, its refunds so far having given back `refunded`.
    /// Each kind comes back in the share the payment took it, counted over all its refunds
    /// so that refunding the whole in parts gives back exactly what it took; a cent that
    /// does not divide goes to principal until the last.
    pub fn refund(self, payment: Paid, refunded: Paid, amount: i64) -> Decided {
        positive(amount)?;
        let taken = payment.total();
        let left = taken - refunded.total();
        if amount > left {
            return Err(WalletError::RefundOverPayment {
                left,
                requested: amount,
            });
        }
        let after = i128::from(refunded.total() + amount);
        let bonus_due = i128::from(payment.bonus) * after / i128::from(taken);
        // Within 0..=amount: bonus_due grows by at most `amount` over `refunded.bonus`.
        let bonus = i64::try_from(bonus_due)
            .unwrap_or(i64::MAX)
            .saturating_sub(refunded.bonus)
            .clamp(0, amount);
        let principal = amount - bonus;
        Ok(WalletPosting::new(
            WalletMoveKind::Refund,
            &[
                (Principal, principal),
                (Bonus, bonus),
                (Settlement, -amount),
            ],
        ))
    }

    /// Moves everything the wallet holds out to another wallet (a gift card's value loaded
    /// into a member's): principal stays principal and bonus bonus, on both sides.
    pub fn transfer_out(self) -> Decided {
        positive(self.total()).map_err(|_| WalletError::Insufficient {
            available: 0,
            requested: 1,
        })?;
        Ok(WalletPosting::new(
            WalletMoveKind::Transfer,
            &[
                (Principal, -self.principal),
                (Bonus, -self.bonus),
                (Transfer, self.total()),
            ],
        ))
    }

    /// Receives what `out` (another wallet's [`Wallet::transfer_out`]) moved out.
    pub fn transfer_in(self, out: &WalletPosting) -> WalletPosting {
        WalletPosting::new(
            WalletMoveKind::Transfer,
            &[
                (Principal, -out.delta(Principal)),
                (Bonus, -out.delta(Bonus)),
                (Transfer, -out.delta(Transfer)),
            ],
        )
    }

    /// Pays `amount` of principal out to the member.
    pub fn cash_out(self, amount: i64) -> Decided {
        positive(amount)?;
        if amount > self.principal {
            return Err(WalletError::CashOutOverPrincipal {
                principal: self.principal,
                requested: amount,
            });
        }
        Ok(WalletPosting::new(
            WalletMoveKind::CashOut,
            &[(Principal, -amount), (Funding, amount)],
        ))
    }

    /// The split `pay` makes of `amount`: principal first, bonus last; refused when the
    /// wallet holds less.
    pub(super) fn split(self, amount: i64) -> Result<Paid, WalletError> {
        positive(amount)?;
        if amount > self.total() {
            return Err(WalletError::Insufficient {
                available: self.total(),
                requested: amount,
            });
        }
        let principal = amount.min(self.principal);
        Ok(Paid {
            principal,
            bonus: amount - principal,
        })
    }

    /// The wallet after `posting`.
    pub fn after(self, posting: &WalletPosting) -> Wallet {
        Wallet {
            principal: self.principal + posting.delta(Principal),
            bonus: self.bonus + posting.delta(Bonus),
        }
    }
}

impl Paid {
    /// What `posting` took from the wallet of each kind (a payment; a capture: what it paid
    /// of what was held), or gave back (a refund). A hold or a release moves value within the
    /// wallet: see [`Paid::held_by`].
    pub fn of(posting: &WalletPosting) -> Paid {
        Paid {
            principal: (posting.delta(Principal) + posting.delta(HeldPrincipal)).abs(),
            bonus: (posting.delta(Bonus) + posting.delta(HeldBonus)).abs(),
        }
    }

    /// What `posting` (a hold) put in the held accounts.
    pub fn held_by(posting: &WalletPosting) -> Paid {
        Paid {
            principal: posting.delta(HeldPrincipal),
            bonus: posting.delta(HeldBonus),
        }
    }

    /// Both kinds together.
    pub fn total(self) -> i64 {
        self.principal + self.bonus
    }

    /// This and `other` added.
    pub fn plus(self, other: Paid) -> Paid {
        Paid {
            principal: self.principal + other.principal,
            bonus: self.bonus + other.bonus,
        }
    }
}

pub(super) fn positive(amount: i64) -> Result<(), WalletError> {
    if amount > 0 {
        Ok(())
    } else {
        Err(WalletError::NotPositive)
    }
}

#[cfg(test)]
// Amounts are written yuan_fen (500_00 is ¥500.00).
#[allow(clippy::unwrap_used, clippy::inconsistent_digit_grouping)]
mod tests {
    use super::*;

    const FULL: Wallet = Wallet {
        principal: 500_00,
        bonus: 50_00,
    };

    #[test]
    fn a_top_up_adds_principal_and_its_bonus_each_from_its_source() {
        let p = Wallet::default().top_up(500_00, 50_00, 0, None).unwrap();
        assert!(p.is_balanced());
        assert_eq!(Wallet::default().after(&p), FULL);
        assert_eq!(p.delta(Funding), -500_00);
        assert_eq!(p.delta(Promotion), -50_00);
    }

    #[test]
    fn a_top_up_above_the_most_a_wallet_may_hold_is_refused() {
        let refused = FULL.top_up(100_00, 0, 0, Some(600_00));
        assert_eq!(
            refused,
            Err(WalletError::OverBalanceMax {
                max: 600_00,
                after: 650_00
            })
        );
        assert!(FULL.top_up(50_00, 0, 0, Some(600_00)).is_ok());
        assert!(
            FULL.top_up(50_00, 0, 1, Some(600_00)).is_err(),
            "held value counts: it comes back"
        );
    }

    #[test]
    fn payments_spend_principal_first_and_bonus_last() {
        let p = FULL.pay(520_00, false).unwrap();
        assert_eq!(p.delta(Principal), -500_00);
        assert_eq!(p.delta(Bonus), -20_00);
        assert_eq!(p.delta(Settlement), 520_00);
        assert!(p.is_balanced());
    }

    #[test]
    fn a_payment_above_the_balance_is_refused_unless_partial() {
        assert_eq!(
            FULL.pay(600_00, false),
            Err(WalletError::Insufficient {
                available: 550_00,
                requested: 600_00
            })
        );
        let partial = FULL.pay(600_00, true).unwrap();
        assert_eq!(partial.delta(Settlement), 550_00);
        assert_eq!(FULL.after(&partial), Wallet::default());
        assert!(
            Wallet::default().pay(1, true).is_err(),
            "nothing to pay with"
        );
    }

    #[test]
    fn refunds_in_parts_give_back_exactly_what_the_payment_took() {
        let payment = Paid {
            principal: 7_01,
            bonus: 3_00,
        };
        let mut wallet = Wallet::default();
        let mut refunded = Paid::default();
        for part in [3_33, 3_33, 3_35] {
            let p = wallet.refund(payment, refunded, part).unwrap();
            assert!(p.is_balanced());
            assert_eq!(p.delta(Settlement), -part);
            refunded = refunded.plus(Paid::of(&p));
            wallet = wallet.after(&p);
        }
        assert_eq!(refunded, payment);
        assert_eq!(
            wallet.refund(payment, refunded, 1),
            Err(WalletError::RefundOverPayment {
                left: 0,
                requested: 1
            })
        );
    }

    #[test]
    fn bonus_value_is_never_cashed_out() {
        assert_eq!(
            FULL.cash_out(500_01),
            Err(WalletError::CashOutOverPrincipal {
                principal: 500_00,
                requested: 500_01
            })
        );
        let p = FULL.cash_out(500_00).unwrap();
        assert_eq!(
            FULL.after(&p),
            Wallet {
                principal: 0,
                bonus: 50_00
            }
        );
    }

    #[test]
    fn a_transfer_moves_everything_keeping_each_kind() {
        let out = FULL.transfer_out().unwrap();
        let into = Wallet::default().transfer_in(&out);
        assert!(out.is_balanced() && into.is_balanced());
        assert_eq!(FULL.after(&out), Wallet::default());
        assert_eq!(Wallet::default().after(&into), FULL);
        assert_eq!(out.delta(Transfer) + into.delta(Transfer), 0);
        assert!(Wallet::default().transfer_out().is_err(), "nothing to move");
    }

    #[test]
    fn amounts_of_zero_are_refused() {
        assert_eq!(FULL.pay(0, true), Err(WalletError::NotPositive));
        assert_eq!(FULL.top_up(0, 10, 0, None), Err(WalletError::NotPositive));
    }
}
