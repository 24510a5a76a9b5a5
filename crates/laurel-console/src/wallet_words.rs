//! A wallet of stored value in words, one truth for the console and the portal: its balance,
//! each move (its kind, amount and what it did to principal and bonus) and the program's
//! wallet terms (the least and most top-up, the most balance, each bonus band and its tiers).

use crate::i18n::Locale;
use crate::program_words::tier_name;
use jiff::tz::TimeZone;
use laurel_core::wallet::{TopUpBonus, WalletMoveKind, WalletPolicy};
use laurel_core::{Currency, Money};
use laurel_engine::{ProgramDefinition, WalletBalance, WalletMove};

/// Moves the member page and the portal's home show of a wallet; its statement pages more.
pub(crate) const RECENT_MOVES: u32 = 5;
/// Moves one page of a statement lists.
pub(crate) const STATEMENT_PAGE: u32 = 50;

/// What a wallet holds, as money in the page's language.
pub(crate) struct BalanceWords {
    /// Money paid in: refundable as cash.
    pub principal: String,
    /// Value given with top-ups: spent last, never paid out.
    pub bonus: String,
    /// Both.
    pub total: String,
    /// Held at checkouts, when anything is.
    pub held: Option<String>,
}

impl BalanceWords {
    /// A balance in `currency`.
    pub(crate) fn of(l: Locale, currency: Currency, balance: WalletBalance) -> BalanceWords {
        let money = |minor| l.money(Money::from_minor(minor, currency));
        BalanceWords {
            principal: money(balance.principal),
            bonus: money(balance.bonus),
            total: money(balance.total()),
            held: (balance.held > 0).then(|| money(balance.held)),
        }
    }
}

/// One move of a wallet's statement in words.
pub(crate) struct MoveLine {
    /// Its id (a refund names the payment by it).
    pub id: i64,
    pub when: String,
    /// Its kind: top-up, payment, refund, cash-out.
    pub kind: String,
    /// What it was for, unsigned: paid in (without the bonus), paid, given back, paid out.
    pub amount: String,
    /// How it changed the principal and the bonus, signed.
    pub principal: String,
    pub bonus: String,
    /// How it changed the whole wallet, signed, and `gain` or `loss` for its colour.
    pub change: String,
    pub sign: &'static str,
    /// The caller's reference (a till's receipt), and a refund's payment in words.
    pub reference: String,
}

/// The translation key naming a kind of wallet move.
fn kind_key(kind: WalletMoveKind) -> &'static str {
    match kind {
        WalletMoveKind::TopUp => "wallet.kind_top_up",
        WalletMoveKind::Payment => "wallet.kind_payment",
        WalletMoveKind::Refund => "wallet.kind_refund",
        WalletMoveKind::CashOut => "wallet.kind_cash_out",
        WalletMoveKind::Hold => "wallet.kind_hold",
        WalletMoveKind::Capture => "wallet.kind_capture",
        WalletMoveKind::Release => "wallet.kind_release",
        WalletMoveKind::Transfer => "wallet.kind_transfer",
    }
}

impl MoveLine {
    /// A move in `currency`, its time in the program's zone `tz`.
    pub(crate) fn of(l: Locale, currency: Currency, tz: &TimeZone, m: &WalletMove) -> MoveLine {
        let t = l.strings();
        let change = m.principal + m.bonus;
        let reference = match m.payment {
            Some(payment) => t.fill(
                "wallet.refund_of",
                &[
                    ("payment", &payment.to_string()),
                    ("reference", &m.reference),
                ],
            ),
            None => m.reference.clone(),
        };
        MoveLine {
            id: m.id,
            when: l.date_time(m.at, tz),
            kind: t.get(kind_key(m.kind)).to_owned(),
            amount: l.money(Money::from_minor(m.amount, currency)),
            principal: l.signed_money(m.principal, currency),
            bonus: l.signed_money(m.bonus, currency),
            change: l.signed_money(change, currency),
            sign: if change < 0 { "loss" } else { "gain" },
            reference,
        }
    }
}

/// The program's wallet terms, each a sentence.
pub(crate) struct TermsWords {
    /// The least and most one top-up may be.
    pub top_up: String,
    /// The most a wallet may hold, when the program caps it.
    pub balance_max: Option<String>,
    /// Each bonus band: "Top up ¥500.00, get ¥50.00", with its tiers when it has some.
    pub bonuses: Vec<String>,
}

impl TermsWords {
    /// The terms of `definition`'s wallet, or `None` when it offers none.
    pub(crate) fn of(l: Locale, definition: &ProgramDefinition) -> Option<TermsWords> {
        let policy: &WalletPolicy = definition.wallet.as_ref()?;
        let t = l.strings();
        let money = |minor| l.money(Money::from_minor(minor, definition.program.currency));
        // Smallest band first, as a member reads up a price list.
        let mut bands: Vec<&TopUpBonus> = policy.bonuses.iter().collect();
        bands.sort_by_key(|b| (b.from, b.value));
        Some(TermsWords {
            top_up: t.fill(
                "wallet.terms_top_up",
                &[
                    ("min", &money(policy.top_up_min)),
                    ("max", &money(policy.top_up_max)),
                ],
            ),
            balance_max: policy
                .balance_max
                .map(|max| t.with("wallet.terms_balance_max", "max", &money(max))),
            bonuses: bands
                .into_iter()
                .map(|b| {
                    let band = t.fill(
                        "wallet.terms_bonus",
                        &[("from", &money(b.from)), ("value", &money(b.value))],
                    );
                    if b.tiers.is_empty() {
                        return band;
                    }
                    let tiers: Vec<String> = b
                        .tiers
                        .iter()
                        .map(|id| tier_name(l, definition, id))
                        .collect();
                    t.fill(
                        "wallet.terms_bonus_tiers",
                        &[("band", &band), ("tiers", &tiers.join(t.get("words.or")))],
                    )
                })
                .collect(),
        })
    }
}
