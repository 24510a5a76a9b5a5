//! Gift cards in words, one truth for the console and the portal: a card's state, its
//! expiry as the last day it pays, a batch as its list shows it, a card as a lookup shows it,
//! and a card's refusals with their state and day in the page's language.

use crate::i18n::Locale;
use crate::ledger_words::{Shown, StaffNames};
use crate::messages::refusal;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use laurel_core::wallet::GiftCardRefusal;
use laurel_core::{Currency, Money};
use laurel_engine::{EngineError, GiftCardBatchSummary, GiftCardView};

/// A card's state (`inactive`, `active`, `loaded`) in words that fit a sentence.
pub(crate) fn state_words(l: Locale, state: &str) -> String {
    let t = l.strings();
    t.find(&format!("gift_cards.state_{state}"))
        .map_or_else(|| state.to_owned(), str::to_owned)
}

/// The last day a card expiring at `at` pays, in the program's zone `tz`: a card expiring at
/// a day's first instant last pays the day before, which is what a person calls its expiry.
pub(crate) fn expiry_words(l: Locale, tz: &TimeZone, at: Option<Timestamp>) -> String {
    match at {
        None => l.strings().get("gift_cards.never").to_owned(),
        Some(at) => {
            let last = at - SignedDuration::from_nanos(1);
            l.date(last.to_zoned_datetime(tz.clone()).date())
        }
    }
}

/// Why a card was refused, in the page's language: its state and expiry in words (the
/// engine's arguments name them in English and UTC), the rest as every refusal is worded.
pub(crate) fn card_refusal(l: Locale, tz: &TimeZone, error: &EngineError) -> String {
    let t = l.strings();
    match error {
        EngineError::GiftCard(GiftCardRefusal::NotActive(state)) => t.with(
            "code.gift_card_not_active",
            "state",
            &state_words(l, state.as_str()),
        ),
        EngineError::GiftCard(GiftCardRefusal::Expired(at)) => t.with(
            "code.gift_card_expired",
            "expired_at",
            &expiry_words(l, tz, Some(*at)),
        ),
        other => refusal(l, other),
    }
}

/// Whether a card's refusal is about its PIN: said next to the PIN, the rest next to the code.
pub(crate) fn about_pin(error: &EngineError) -> bool {
    matches!(
        error,
        EngineError::GiftCard(GiftCardRefusal::PinRequired | GiftCardRefusal::PinWrong { .. })
    )
}

/// A batch as the Wallets page lists it.
pub(crate) struct BatchLine {
    pub id: i64,
    pub reference: String,
    pub issued: String,
    /// Who issued it, named.
    pub by: Shown,
    pub cards: String,
    /// Each card's value.
    pub face: String,
    pub expires: String,
    pub inactive: String,
    pub active: String,
    pub loaded: String,
    /// What its cards still hold.
    pub unused: String,
}

impl BatchLine {
    /// A batch in `currency`, its times in the program's zone `tz`.
    pub(crate) fn of(
        l: Locale,
        currency: Currency,
        tz: &TimeZone,
        names: &StaffNames,
        b: &GiftCardBatchSummary,
    ) -> BatchLine {
        let money = |minor| l.money(Money::from_minor(minor, currency));
        BatchLine {
            id: b.id,
            reference: b.reference.clone(),
            issued: l.date_time(b.issued_at, tz),
            by: names.actor(l, Some(&b.actor)),
            cards: l.integer(b.cards),
            face: money(b.face),
            expires: expiry_words(l, tz, b.expires_at),
            inactive: l.integer(b.inactive),
            active: l.integer(b.active),
            loaded: l.integer(b.loaded),
            unused: money(b.unused),
        }
    }
}

/// A card as a lookup shows it: never its code, only its last four characters.
pub(crate) struct CardLine {
    pub last4: String,
    pub state: String,
    /// What it can pay now.
    pub balance: String,
    /// Its value when issued.
    pub face: String,
    pub expires: String,
}

impl CardLine {
    /// A card in `currency`, its expiry in the program's zone `tz`.
    pub(crate) fn of(
        l: Locale,
        currency: Currency,
        tz: &TimeZone,
        card: &GiftCardView,
    ) -> CardLine {
        let money = |minor| l.money(Money::from_minor(minor, currency));
        CardLine {
            last4: card.last4.clone(),
            state: state_words(l, &card.state),
            balance: money(card.balance.total()),
            face: money(card.face),
            expires: expiry_words(l, tz, card.expires_at),
        }
    }
}
