//! Gift cards: a wallet of stored value reached by an unguessable code instead of a member.
//! A card is issued inactive (its value loaded when it is sold and activated) or active; it
//! pays while active and before its expiry (where the law allows one); its value may be loaded
//! into a member's wallet once; a card with a PIN is locked after too many wrong guesses.

use jiff::Timestamp;

/// Wrong PINs a card takes before it is locked.
pub const PIN_GUESSES_MAX: u32 = 5;

crate::states! {
    /// Where a gift card stands.
    pub enum GiftCardState ("gift card state") {
        /// Issued, not yet sold: holds nothing until activated.
        Inactive = "inactive",
        /// Sold and loaded: pays until its value is spent or it expires.
        Active = "active",
        /// Its value was loaded into a member's wallet: it pays no more.
        Loaded = "loaded",
    }
}

/// A gift card as its uses read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GiftCard {
    /// Where it stands.
    pub state: GiftCardState,
    /// When it stops paying, if ever.
    pub expires_at: Option<Timestamp>,
    /// Whether it has a PIN.
    pub has_pin: bool,
    /// Wrong PINs guessed so far.
    pub pin_failures: u32,
}

/// What a PIN given with a use turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinGiven {
    /// None was given.
    Missing,
    /// The card's.
    Right,
    /// Not the card's.
    Wrong,
}

/// Why a card refused a use; nothing was changed (but a wrong PIN is counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GiftCardRefusal {
    /// Not active: not yet sold, or its value went to a member's wallet.
    #[error("the gift card is {0}")]
    NotActive(GiftCardState),
    /// Already activated.
    #[error("the gift card is active already")]
    Active,
    /// Past its expiry.
    #[error("the gift card expired at {0}")]
    Expired(Timestamp),
    /// The card has a PIN and none was given.
    #[error("the gift card's PIN is required")]
    PinRequired,
    /// The PIN given is not the card's.
    #[error("wrong PIN: {left} more tries before the card is locked")]
    PinWrong {
        /// Wrong guesses left before the card locks.
        left: u32,
    },
    /// Too many wrong PINs: the card is locked.
    #[error("too many wrong PINs: the gift card is locked")]
    PinLocked,
}

impl GiftCard {
    /// Whether `pin` lets a caller reach the card (its balance, a payment, a load): a card
    /// without a PIN is reached by its code alone.
    pub fn check_pin(self, pin: PinGiven) -> Result<(), GiftCardRefusal> {
        if !self.has_pin {
            return Ok(());
        }
        if self.pin_failures >= PIN_GUESSES_MAX {
            return Err(GiftCardRefusal::PinLocked);
        }
        match pin {
            PinGiven::Right => Ok(()),
            PinGiven::Missing => Err(GiftCardRefusal::PinRequired),
            PinGiven::Wrong => Err(GiftCardRefusal::PinWrong {
                left: PIN_GUESSES_MAX.saturating_sub(self.pin_failures + 1),
            }),
        }
    }

    /// Whether it may pay (or have its value loaded into a wallet) at `now`.
    pub fn check_use(self, now: Timestamp) -> Result<(), GiftCardRefusal> {
        if self.state != GiftCardState::Active {
            return Err(GiftCardRefusal::NotActive(self.state));
        }
        match self.expires_at {
            Some(at) if now >= at => Err(GiftCardRefusal::Expired(at)),
            _ => Ok(()),
        }
    }

    /// Whether it may be activated at `now`: only once, from inactive, and not past its
    /// expiry (a card sold then could never pay).
    pub fn check_activation(self, now: Timestamp) -> Result<(), GiftCardRefusal> {
        match (self.state, self.expires_at) {
            (GiftCardState::Inactive, Some(at)) if now >= at => Err(GiftCardRefusal::Expired(at)),
            (GiftCardState::Inactive, _) => Ok(()),
            (GiftCardState::Active, _) => Err(GiftCardRefusal::Active),
            (other, _) => Err(GiftCardRefusal::NotActive(other)),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    const CARD: GiftCard = GiftCard {
        state: GiftCardState::Active,
        expires_at: None,
        has_pin: true,
        pin_failures: 0,
    };

    #[test]
    fn a_card_with_a_pin_is_reached_only_with_it_and_locks_after_too_many_wrong_ones() {
        assert_eq!(CARD.check_pin(PinGiven::Right), Ok(()));
        assert_eq!(
            CARD.check_pin(PinGiven::Missing),
            Err(GiftCardRefusal::PinRequired)
        );
        assert_eq!(
            CARD.check_pin(PinGiven::Wrong),
            Err(GiftCardRefusal::PinWrong { left: 4 })
        );
        let locked = GiftCard {
            pin_failures: PIN_GUESSES_MAX,
            ..CARD
        };
        assert_eq!(
            locked.check_pin(PinGiven::Right),
            Err(GiftCardRefusal::PinLocked)
        );
        let open = GiftCard {
            has_pin: false,
            ..CARD
        };
        assert_eq!(open.check_pin(PinGiven::Missing), Ok(()));
    }

    #[test]
    fn a_card_pays_only_while_active_and_before_its_expiry() {
        let now = at("2027-01-01T00:00:00Z");
        assert_eq!(CARD.check_use(now), Ok(()));
        let expiring = GiftCard {
            expires_at: Some(now),
            ..CARD
        };
        assert_eq!(expiring.check_use(now), Err(GiftCardRefusal::Expired(now)));
        let unsold = GiftCard {
            state: GiftCardState::Inactive,
            ..CARD
        };
        assert_eq!(
            unsold.check_use(now),
            Err(GiftCardRefusal::NotActive(GiftCardState::Inactive))
        );
        assert_eq!(unsold.check_activation(now), Ok(()));
        assert_eq!(CARD.check_activation(now), Err(GiftCardRefusal::Active));
        let stale = GiftCard {
            expires_at: Some(now),
            ..unsold
        };
        assert_eq!(
            stale.check_activation(now),
            Err(GiftCardRefusal::Expired(now))
        );
    }
}
