//! Stored value (储值卡): a money wallet per member, kept as a double-entry ledger of its own
//! in the currency's minor units.
//!
//! A wallet holds two kinds of value. *Principal* is money the member paid in: it may be
//! refunded as cash. *Bonus* is value the program gave with a top-up ("top up ¥500, get
//! ¥50"): it pays like principal but is spent last and is never paid out. Every change is a
//! [`WalletPosting`] whose legs sum to zero, so the value in wallets always equals what came
//! in from members and promotions less what went out to orders and cash-outs. Value held at a
//! checkout ([`Hold`]) sits in the wallet's held accounts until its order is captured or the
//! hold is released. A [`GiftCard`] is a wallet reached by a code rather than a member.

mod account;
mod balance;
mod gift_card;
mod hold;
mod policy;

pub use account::{WalletAccount, WalletMoveKind, WalletPosting};
pub use balance::{Paid, Wallet, WalletError};
pub use gift_card::{GiftCard, GiftCardRefusal, GiftCardState, PIN_GUESSES_MAX, PinGiven};
pub use hold::{Hold, HoldRefusal, HoldState};
pub use policy::{TopUpBonus, WalletPolicy};
