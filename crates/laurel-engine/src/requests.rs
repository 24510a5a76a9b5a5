//! What callers ask the engine to do. The HTTP edge, the CLI and importers all build these;
//! [`crate::Engine`] validates them against the program before anything is queued.

use jiff::Timestamp;
use jiff::civil::Date;
use laurel_core::Channel;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// A member named by Laurel's id or by the business's own customer id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum MemberRef {
    /// Laurel's member id.
    Id(i64),
    /// The business's customer id.
    External(String),
}

impl std::fmt::Display for MemberRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MemberRef::Id(id) => write!(f, "{id}"),
            MemberRef::External(ext) => write!(f, "with external_id `{ext}`"),
        }
    }
}

/// Enroll a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollRequest {
    /// The business's customer id; unique.
    pub external_id: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Birthday.
    pub birthday: Option<Date>,
    /// Enrollment channel.
    pub channel: Channel,
    /// Profile attributes (`segment = "student"`) that `member_attribute` rule conditions
    /// compare exactly; at most [`ATTRIBUTES_MAX`].
    pub attributes: BTreeMap<String, String>,
    /// The referral code of the member who referred them, if one did.
    pub referral_code: Option<String>,
    /// When they actually joined, if before now (a member brought from another platform);
    /// `None` for now. Not after now.
    pub enrolled_at: Option<Timestamp>,
    /// The device (a fingerprint) or client address they join from, if the caller knows
    /// it: kept only as a hash, for fraud rules on many members joining from one device.
    pub device: Option<String>,
}

/// One basket line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineRequest {
    /// Product code.
    pub sku: String,
    /// Product category.
    pub category: Option<String>,
    /// Units, above zero.
    pub quantity: i64,
    /// Price of one unit.
    pub unit_price: Decimal,
}

/// Record a purchase and earn its points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurchaseRequest {
    /// The buyer.
    pub member: MemberRef,
    /// The shop's order id: with the channel, the idempotency key.
    pub order_id: String,
    /// Channel.
    #[serde(serialize_with = "channel_name")]
    pub channel: Channel,
    /// Store.
    pub store: Option<String>,
    /// ISO currency code.
    pub currency: String,
    /// Total paid.
    pub total: Decimal,
    /// Lines, possibly none.
    pub lines: Vec<LineRequest>,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// The coalition partner it was made at (only the partner's rules earn on it, and the
    /// partner pays for the points); `None` at the program's own. Left out of the
    /// fingerprint when `None`, so retries of purchases recorded before partners match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
}

/// Record a purchase by a customer who is not a member: no points, kept so that what members
/// spend is compared with what others do. Once per channel and order id, like a member's
/// (an order recorded either way cannot be recorded the other).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuestPurchaseRequest {
    /// The shop's order id: with the channel, the idempotency key.
    pub order_id: String,
    /// Channel.
    #[serde(serialize_with = "channel_name")]
    pub channel: Channel,
    /// Store.
    pub store: Option<String>,
    /// ISO currency code.
    pub currency: String,
    /// Total paid.
    pub total: Decimal,
    /// Lines, possibly none: checked as a member's are, not kept.
    pub lines: Vec<LineRequest>,
    /// When it happened.
    pub occurred_at: Timestamp,
}

/// Record a custom event a member did (wrote a review, installed the app…) and earn what the
/// program's event rules grant for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRequest {
    /// The member.
    pub member: MemberRef,
    /// The caller's event id: unique per member, and the idempotency key.
    pub event_id: String,
    /// Its kind: a standard kind or one the program declares.
    pub kind: String,
    /// Its attributes (`rating = "5"`), which rule conditions compare exactly.
    pub attributes: BTreeMap<String, String>,
    /// When it happened.
    pub occurred_at: Timestamp,
}

/// What part of a purchase a refund returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum RefundScope {
    /// Everything not refunded yet.
    Full,
    /// An amount of money.
    Amount(Decimal),
    /// Units of given lines: `(line_no, quantity)`; line numbers count from 0 in basket order.
    Lines(Vec<(i64, i64)>),
}

/// Refund (part of) a purchase and reverse its points in proportion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundRequest {
    /// The purchase.
    pub purchase_id: i64,
    /// The shop's refund id; unique per purchase; the idempotency key.
    pub refund_id: String,
    /// What is returned.
    pub scope: RefundScope,
    /// When a partner's key asks: the partner, whose purchases alone it may refund. Not part
    /// of what the refund is (a retry by another key is the same refund).
    #[serde(skip)]
    pub partner: Option<String>,
}

/// Spend points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedeemRequest {
    /// The member.
    pub member_id: i64,
    /// Points to spend, above zero.
    pub points: i64,
    /// The caller's idempotency key.
    pub idempotency_key: String,
    /// What was bought with them (an order id, a reward).
    pub reference: String,
    /// Free-text reason.
    pub reason: Option<String>,
    /// The coalition partner they were spent at, which the program pays for them. Left out
    /// of the fingerprint when `None`, as for purchases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
}

/// Send points to another member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransferRequest {
    /// The member sending.
    pub member_id: i64,
    /// The member receiving.
    pub to: MemberRef,
    /// Points to send, above zero; the program's fee is paid on top.
    pub points: i64,
    /// The caller's idempotency key.
    pub idempotency_key: String,
    /// A few words to the receiver.
    pub message: Option<String>,
}

/// How a caller reaches a gift card: its code, and its PIN when it has one. Its `Debug`
/// tells neither (a command or request printed in a log must not).
#[derive(Clone, PartialEq, Eq)]
pub struct CardKey {
    /// The code as printed (case, dashes and spaces do not matter).
    pub code: String,
    /// The PIN, when the card has one.
    pub pin: Option<String>,
}

impl std::fmt::Debug for CardKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardKey")
            .field("code", &"[secret]")
            .field("pin", &self.pin.as_ref().map(|_| "[secret]"))
            .finish()
    }
}

/// Issue gift cards: one, or a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssueGiftCardsRequest {
    /// How many (1 to 1,000).
    pub count: u32,
    /// Each card's value.
    pub amount: Decimal,
    /// ISO currency code: the program's.
    pub currency: String,
    /// Whether each card gets a PIN (six digits).
    pub with_pin: bool,
    /// Whether the cards are active (sold) at once; otherwise each is activated when sold.
    pub active: bool,
    /// When the cards stop paying, if ever (where the law allows an expiry).
    pub expires_at: Option<Timestamp>,
    /// The caller's name for the batch (a promotion, an order of cards).
    pub reference: String,
    /// The caller's idempotency key.
    pub idempotency_key: String,
}

/// A payment from a gift card, or a refund to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftCardMoveRequest {
    /// The card.
    pub card: CardKey,
    /// A payment or a refund (a card is neither topped up nor cashed out).
    pub ask: WalletAsk,
    /// How much (above zero).
    pub amount: Decimal,
    /// ISO currency code: the program's.
    pub currency: String,
    /// The caller's idempotency key.
    pub idempotency_key: String,
    /// The order.
    pub reference: String,
}

/// A change to a member's wallet of stored value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WalletRequest {
    /// The member.
    pub member_id: i64,
    /// What to do.
    pub ask: WalletAsk,
    /// How much: paid in, to pay, to give back or to pay out (above zero).
    pub amount: Decimal,
    /// ISO currency code: the program's.
    pub currency: String,
    /// The caller's idempotency key: a retry with the same key has one effect.
    pub idempotency_key: String,
    /// What it was for (an order id, a till's receipt).
    pub reference: String,
}

/// Hold wallet value at a checkout until the order is captured or the hold voided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HoldRequest {
    /// The member.
    pub member_id: i64,
    /// How much to hold (above zero).
    pub amount: Decimal,
    /// ISO currency code: the program's.
    pub currency: String,
    /// The caller's idempotency key.
    pub idempotency_key: String,
    /// The order.
    pub reference: String,
    /// Seconds until the hold lapses if not captured (60 to 604,800; 900 when not given).
    pub expires_in: Option<i64>,
}

/// Hold points for a checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointHoldRequest {
    /// The member.
    pub member_id: i64,
    /// Points to hold, above zero.
    pub points: i64,
    /// The caller's idempotency key.
    pub idempotency_key: String,
    /// The order.
    pub reference: String,
    /// Seconds until the hold lapses if not captured (60 to 604,800; 900 when not given).
    pub expires_in: Option<i64>,
}

/// Capture a hold: all it holds, or `amount` of it (in `currency`, the program's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaptureRequest {
    /// The hold.
    pub hold_id: i64,
    /// How much to capture; all it holds when not given.
    pub amount: Option<Decimal>,
    /// ISO currency code of `amount`.
    pub currency: Option<String>,
}

/// What a [`WalletRequest`] asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum WalletAsk {
    /// Pay money in, with the bonus the program gives.
    TopUp,
    /// Pay for an order, principal first and bonus last; with `partial`, a wallet holding less
    /// pays what it holds.
    Pay {
        /// Whether to pay what the wallet holds when it holds less.
        partial: bool,
    },
    /// Give back part or all of a payment.
    Refund {
        /// The payment (its move id).
        payment_id: i64,
    },
    /// Pay principal out to the member.
    CashOut,
}

/// A staff credit (positive) or debit (negative).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdjustRequest {
    /// The member.
    pub member_id: i64,
    /// Signed points, not zero.
    pub points: i64,
    /// Why, in words the member is shown; required.
    pub reason: String,
    /// A note for staff only, never shown to the member (up to [`NOTE_CHARS_MAX`] characters,
    /// several lines). Left out of the fingerprint when absent, so a retry made before notes
    /// existed still matches.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The caller's idempotency key.
    pub idempotency_key: String,
}

/// A channel by its stable name, as requests are fingerprinted (see `checks::fingerprint`).
fn channel_name<S: serde::Serializer>(channel: &Channel, out: S) -> Result<S::Ok, S::Error> {
    out.serialize_str(channel.as_str())
}

/// Limits on free-text fields, in characters: nothing unbounded reaches the database.
pub const TEXT_CHARS_MAX: usize = 200;
/// The longest note staff may keep (with an adjustment, with a program version), in characters.
pub const NOTE_CHARS_MAX: usize = 500;
/// Most lines one purchase may carry.
pub const LINES_MAX: usize = 500;
/// Most attributes one event may carry.
pub const ATTRIBUTES_MAX: usize = 50;
/// Most units on one line.
pub const QUANTITY_MAX: i64 = 1_000_000;
/// Largest amount of money in one request, in minor units (a hundred billion yuan): far above
/// any basket, far below where arithmetic on it could overflow.
pub const AMOUNT_MINOR_MAX: i64 = 10_000_000_000_000;
pub use laurel_core::points::POINTS_MAX;

/// An admin puts a member in a tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignTierRequest {
    /// The member.
    pub member_id: i64,
    /// The tier's id.
    pub tier: String,
    /// Why; required, kept in the tier history.
    pub reason: String,
    /// When the assignment ends; open-ended without.
    pub until: Option<jiff::Timestamp>,
}

/// Redeem a reward of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedeemRewardRequest {
    /// The member.
    pub member_id: i64,
    /// The reward's id.
    pub reward_id: String,
    /// Units, 1 to [`laurel_core::rewards::QUANTITY_MAX`].
    pub quantity: u32,
    /// The caller's idempotency key (per member).
    pub idempotency_key: String,
    /// When a partner's key asks: the partner, whose own rewards alone it may redeem. Not
    /// part of what the redemption is.
    #[serde(skip)]
    pub partner: Option<String>,
}

/// A basket at a checkout, for coupons: what they are validated against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRequest {
    /// Channel.
    pub channel: Channel,
    /// Store.
    pub store: Option<String>,
    /// ISO currency code.
    pub currency: String,
    /// Basket total before the coupon.
    pub total: Decimal,
    /// Lines, possibly none.
    pub lines: Vec<LineRequest>,
}

/// Use a coupon on an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumeCouponRequest {
    /// The coupon's code.
    pub code: String,
    /// The shop's order id; with the channel, what a retry repeats and a release names.
    pub order_id: String,
    /// The basket it applies to.
    pub checkout: CheckoutRequest,
}

/// Give a coupon back from an order that was cancelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseCouponRequest {
    /// The coupon's code.
    pub code: String,
    /// The channel of the order.
    pub channel: Channel,
    /// The order that used it.
    pub order_id: String,
}

/// Buy a membership of a plan for a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinMembershipRequest {
    /// The member.
    pub member_id: i64,
    /// The plan's id (`[[memberships]] id`).
    pub plan: String,
    /// How its fees are paid: the business's billing, or the member's wallet.
    pub pay_with: laurel_core::membership::PayWith,
    /// The caller's idempotency key.
    pub idempotency_key: String,
    /// The billing's payment reference, when it paid.
    pub payment_reference: Option<String>,
}

/// Renew a membership for its next term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewMembershipRequest {
    /// The membership.
    pub membership_id: i64,
    /// The caller's idempotency key.
    pub idempotency_key: String,
    /// The billing's payment reference, when it paid.
    pub payment_reference: Option<String>,
}
