//! Gift cards: issued one at a time or in batches with unguessable codes (100 random bits,
//! printed in Crockford's base 32, matched whatever the case or dashes; only their hash is
//! kept) and optional six-digit PINs, activated when sold, read for their balance, paying
//! orders in whole or part, refunded, and loaded into a member's wallet.

pub(crate) mod execute;

use super::validate::{GIFT_CARDS_PER_BATCH_MAX, ValidIssue, WalletRef, positive_amount};
use super::views::{
    GiftCardBatchPage, GiftCardLoad, GiftCardView, IssuedCard, IssuedGiftCards, WalletOutcome,
};
use crate::checks::{program_currency, text};
use crate::codes::{normalize, random_code, random_digits, same_secret, sha256_hex};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::{CardKey, GiftCardMoveRequest, IssueGiftCardsRequest, WalletAsk};
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, unexpected};
use laurel_core::wallet::{GiftCardRefusal, PIN_GUESSES_MAX, PinGiven};
use laurel_store::StoredGiftCard;

/// Groups of four characters in a code: five are 100 random bits.
const CODE_GROUPS: usize = 5;
/// Digits in a PIN.
const PIN_DIGITS: u32 = 6;

/// A code's stored hash: of the code as issued, so any way of typing it finds the card.
fn code_hash(code: &str) -> String {
    sha256_hex(&normalize(code))
}

/// A PIN's stored hash, salted by its card's code (100 random bits: no table to look it up in).
fn pin_hash(code: &str, pin: &str) -> String {
    sha256_hex(&format!("{}:{pin}", normalize(code)))
}

impl Engine {
    /// Issues `count` gift cards of one value, their codes (and PINs) told in the answer only.
    pub async fn issue_gift_cards(
        &self,
        mut request: IssueGiftCardsRequest,
        actor: &str,
    ) -> Result<IssuedGiftCards> {
        // As the fingerprint reads it: "10" and "10.00" are one request.
        request.amount = request.amount.normalize();
        text("idempotency_key", &request.idempotency_key)?;
        text("reference", &request.reference)?;
        if !(1..=GIFT_CARDS_PER_BATCH_MAX).contains(&request.count) {
            return Err(EngineError::invalid(
                "count",
                ErrorCode::InvalidField,
                format!("must be 1 to {GIFT_CARDS_PER_BATCH_MAX}"),
            ));
        }
        let definition = self.definition();
        let currency = program_currency(&definition.program, &request.currency)?;
        let face = positive_amount(request.amount.normalize(), currency)?;
        if request
            .expires_at
            .is_some_and(|at| at <= jiff::Timestamp::now())
        {
            return Err(EngineError::invalid(
                "expires_at",
                ErrorCode::InvalidDate,
                "must be in the future",
            ));
        }
        let cards = (0..request.count)
            .map(|_| {
                let code = random_code(CODE_GROUPS);
                let pin = request.with_pin.then(|| random_digits(PIN_DIGITS));
                (code, pin)
            })
            .collect();
        let batch = ValidIssue {
            print: crate::checks::fingerprint(&request)?,
            request,
            face,
            cards,
        };
        let command = Command::IssueGiftCards {
            batch,
            actor: actor.to_owned(),
        };
        match self.writer.submit(command).await? {
            Outcome::GiftCards(issued) => Ok(issued),
            other => Err(unexpected(other)),
        }
    }

    /// A page of the batches issued, newest first, older than the batch `before`: each with
    /// its cards counted by state and the value they still hold. `limit` is capped at
    /// [`laurel_store::GIFT_CARD_BATCHES_PAGE_MAX`].
    pub async fn gift_card_batches(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> Result<GiftCardBatchPage> {
        let limit = limit.clamp(1, laurel_store::GIFT_CARD_BATCHES_PAGE_MAX);
        // One more than asked tells whether a next page exists.
        let mut batches = self.store.gift_card_batches(limit + 1, before).await?;
        let more = batches.len() > limit as usize;
        batches.truncate(limit as usize);
        let next = more.then(|| batches.last().map(|b| b.id)).flatten();
        Ok(GiftCardBatchPage { batches, next })
    }

    /// A gift card's balance and standing, reached by its code (and PIN).
    pub async fn gift_card(&self, key: &CardKey) -> Result<GiftCardView> {
        let card = self.reach_card(key).await?;
        let wallet =
            self.store.wallet(card.wallet).await?.ok_or_else(|| {
                EngineError::Internal(format!("gift card {} has no wallet", card.id))
            })?;
        Ok(GiftCardView::of(&card, &wallet))
    }

    /// Activates a card when it is sold: its value is paid in. The seller holds the card, so
    /// no PIN is asked.
    pub async fn activate_gift_card(&self, code: &str, actor: &str) -> Result<GiftCardView> {
        let card = self.card_by_code(code).await?;
        let command = Command::ActivateGiftCard {
            card: card.id,
            actor: actor.to_owned(),
        };
        match self.writer.submit(command).await? {
            Outcome::GiftCard(view) => Ok(view),
            other => Err(unexpected(other)),
        }
    }

    /// Unlocks a card its wrong PINs locked, for its holder who proved it is theirs (an
    /// admin's call, audited): its guesses are given back. The card as it stands after.
    pub async fn unlock_gift_card(&self, code: &str, actor: &str) -> Result<GiftCardView> {
        let card = self.card_by_code(code).await?;
        if card.pin_failures > 0 {
            let audit = laurel_store::AuditEntry {
                staff_user_id: None,
                actor: actor.to_owned(),
                action: "gift_card.unlock".into(),
                subject: format!("gift_card:{}", card.id),
                before: Some(format!("{{\"pin_failures\":{}}}", card.pin_failures)),
                after: Some("{\"pin_failures\":0}".into()),
                at: jiff::Timestamp::now(),
            };
            self.store.unlock_gift_card(card.id, &audit).await?;
        }
        let card = self.card_by_code(code).await?;
        let wallet =
            self.store.wallet(card.wallet).await?.ok_or_else(|| {
                EngineError::Internal(format!("gift card {} has no wallet", card.id))
            })?;
        Ok(GiftCardView::of(&card, &wallet))
    }

    /// Pays an order from a gift card (in whole or, with `partial`, what it holds), or
    /// refunds a payment to it.
    pub async fn gift_card_move(
        &self,
        request: GiftCardMoveRequest,
        actor: &str,
    ) -> Result<WalletOutcome> {
        if matches!(request.ask, WalletAsk::TopUp | WalletAsk::CashOut) {
            return Err(EngineError::invalid(
                "ask",
                ErrorCode::InvalidField,
                "a gift card is neither topped up nor cashed out",
            ));
        }
        let card = self.reach_card(&request.card).await?;
        let valid = super::validate::wallet(
            &self.definition().program,
            WalletRef::GiftCard(card.id),
            request.ask,
            request.amount,
            &request.currency,
            request.idempotency_key,
            request.reference,
        )?;
        let command = Command::Wallet {
            request: valid,
            actor: actor.to_owned(),
        };
        match self.writer.submit(command).await? {
            Outcome::Wallet(w) => Ok(w),
            other => Err(unexpected(other)),
        }
    }

    /// Loads all a gift card holds into a member's wallet; the card pays no more.
    pub async fn load_gift_card(
        &self,
        key: &CardKey,
        member_id: i64,
        actor: &str,
    ) -> Result<GiftCardLoad> {
        let card = self.reach_card(key).await?;
        let command = Command::LoadGiftCard {
            card: card.id,
            member: member_id,
            actor: actor.to_owned(),
        };
        match self.writer.submit(command).await? {
            Outcome::GiftCardLoad(load) => Ok(load),
            other => Err(unexpected(other)),
        }
    }

    /// The card with that code.
    async fn card_by_code(&self, code: &str) -> Result<StoredGiftCard> {
        self.store
            .gift_card_by_code(&code_hash(code))
            .await?
            .ok_or(EngineError::UnknownGiftCard)
    }

    /// The card `key` reaches: its code, and its PIN when it has one. A PIN given takes one
    /// of the card's guesses before it is checked (so guesses sent at once cannot pass the
    /// limit together) and a right one gives them all back.
    async fn reach_card(&self, key: &CardKey) -> Result<StoredGiftCard> {
        let mut card = self.card_by_code(&key.code).await?;
        let (Some(pin), Some(hash)) = (&key.pin, &card.pin_hash) else {
            let given = match key.pin {
                // A PIN given to a card without one is not asked for: it reaches the card.
                Some(_) => PinGiven::Right,
                None => PinGiven::Missing,
            };
            execute::card_rules(&card).check_pin(given)?;
            return Ok(card);
        };
        let Some(taken) = self
            .store
            .claim_gift_card_pin_guess(card.id, PIN_GUESSES_MAX)
            .await?
        else {
            return Err(GiftCardRefusal::PinLocked.into());
        };
        if same_secret(&pin_hash(&key.code, pin), hash) {
            self.store.reset_gift_card_pin_guesses(card.id).await?;
            card.pin_failures = 0;
            return Ok(card);
        }
        Err(GiftCardRefusal::PinWrong {
            left: PIN_GUESSES_MAX.saturating_sub(taken),
        }
        .into())
    }
}

/// The cards of a batch as issued: their codes and PINs, and the hashes kept of them.
pub(crate) struct CardSecrets<'a> {
    pub code: &'a str,
    pub pin: Option<&'a str>,
}

impl CardSecrets<'_> {
    /// The hash kept of the code.
    pub(crate) fn code_hash(&self) -> String {
        code_hash(self.code)
    }

    /// The hash kept of the PIN.
    pub(crate) fn pin_hash(&self) -> Option<String> {
        self.pin.map(|pin| pin_hash(self.code, pin))
    }

    /// The code's last four characters.
    pub(crate) fn last4(&self) -> String {
        let code = normalize(self.code);
        code[code.len().saturating_sub(4)..].to_owned()
    }

    /// The card as its answer tells it.
    pub(crate) fn issued(&self, id: i64) -> IssuedCard {
        IssuedCard {
            id,
            code: self.code.to_owned(),
            pin: self.pin.map(str::to_owned),
        }
    }
}
