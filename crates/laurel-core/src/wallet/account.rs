//! The wallet ledger's accounts, the kinds of move and a balanced posting.

crate::states! {
    /// An account of the wallet ledger. The member's two are the wallet itself; the others
    /// are where value comes from and goes to.
    pub enum WalletAccount ("wallet account") {
        /// Money the member paid in, refundable as cash.
        Principal = "principal",
        /// Value given with top-ups, spent last, never paid out.
        Bonus = "bonus",
        /// Principal held at a checkout until the order is captured or the hold released.
        HeldPrincipal = "held_principal",
        /// Bonus held at a checkout.
        HeldBonus = "held_bonus",
        /// Money received from members at top-ups, and paid back at cash-outs.
        Funding = "funding",
        /// Bonus value the program gave.
        Promotion = "promotion",
        /// Value that paid for orders, and came back with their refunds.
        Settlement = "settlement",
        /// Value moving from one wallet to another (a gift card loaded into a member's
        /// wallet): out of one and into the other in the same transaction.
        Transfer = "transfer",
    }
}

crate::states! {
    /// What a wallet posting did.
    pub enum WalletMoveKind ("wallet move") {
        /// Money paid in, with any bonus.
        TopUp = "top_up",
        /// An order paid from the wallet.
        Payment = "payment",
        /// A payment given back to the wallet.
        Refund = "refund",
        /// Principal paid out to the member.
        CashOut = "cash_out",
        /// Value held at a checkout: not spendable elsewhere until captured or released.
        Hold = "hold",
        /// A hold's order completed: all or part of it paid, the rest back in the wallet.
        Capture = "capture",
        /// A hold voided, or lapsed at its expiry: all of it back in the wallet.
        Release = "release",
        /// Value moved out of this wallet into another, or into this one from another.
        Transfer = "transfer",
    }
}

impl WalletAccount {
    /// Whether the account is the member's own wallet (its value is owed to them).
    pub fn is_member(self) -> bool {
        matches!(
            self,
            WalletAccount::Principal
                | WalletAccount::Bonus
                | WalletAccount::HeldPrincipal
                | WalletAccount::HeldBonus
        )
    }
}

/// One change to a wallet: legs in minor units that sum to zero. A positive leg on a member
/// account adds to the wallet; the matching negative leg says where the value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletPosting {
    /// What it did.
    pub kind: WalletMoveKind,
    /// The accounts moved and by how much, none zero.
    pub legs: Vec<(WalletAccount, i64)>,
}

impl WalletPosting {
    /// A posting of `kind` with the non-zero of `legs`.
    pub(super) fn new(kind: WalletMoveKind, legs: &[(WalletAccount, i64)]) -> WalletPosting {
        let legs: Vec<_> = legs.iter().copied().filter(|(_, v)| *v != 0).collect();
        debug_assert_eq!(legs.iter().map(|(_, v)| v).sum::<i64>(), 0, "unbalanced");
        WalletPosting { kind, legs }
    }

    /// How much the posting moves `account` (signed).
    pub fn delta(&self, account: WalletAccount) -> i64 {
        self.legs
            .iter()
            .filter(|(a, _)| *a == account)
            .map(|(_, v)| v)
            .sum()
    }

    /// Whether its legs sum to zero.
    pub fn is_balanced(&self) -> bool {
        self.legs.iter().map(|(_, v)| i128::from(*v)).sum::<i128>() == 0
    }
}
