//! Every error code Laurel answers with: one closed list, each code with its stable name, the
//! HTTP status it is answered with, and what it means. The HTTP edge builds its answers, the
//! OpenAPI document its responses and the README its table from this list; nothing else spells
//! a code.
//!
//! The status is data here (a number), not an HTTP type: the engine still knows nothing of the
//! web framework, and the edge is the only place that turns a code into a response.

use laurel_core::referrals::ReferralRefusal;
use laurel_core::rewards::{CouponRefusal, RewardRefusal};
use laurel_core::wallet::GiftCardRefusal;
use std::fmt;

/// Declares [`ErrorCode`] from one table: variant, code, status, meaning.
macro_rules! error_codes {
    ($($(#[$attr:meta])* $variant:ident = $code:literal, $status:literal, $meaning:literal;)+) => {
        /// A stable, machine-readable error code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $(
                #[doc = $meaning]
                $(#[$attr])*
                $variant,
            )+
        }

        impl ErrorCode {
            /// Every code, in the table's order (grouped by status).
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The stable snake_case name callers match on.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)+
                }
            }

            /// The HTTP status it is answered with.
            pub const fn status(self) -> u16 {
                match self {
                    $(ErrorCode::$variant => $status,)+
                }
            }

            /// What it means, in one line.
            pub const fn meaning(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $meaning,)+
                }
            }
        }
    };
}

error_codes! {
    MalformedJson = "malformed_json", 400, "The body is not well-formed JSON.";
    InvalidPath = "invalid_path", 400, "A path parameter is not of its type or is out of range.";
    InvalidQuery = "invalid_query", 400, "A query parameter is missing, not of its type or out of range.";

    Unauthorized = "unauthorized", 401, "No API key, a malformed Authorization header, or an unknown or revoked key.";
    KeyExpired = "key_expired", 401, "The API key is past its expiry (for a rotated key: its overlap is over): use the key it was rotated to, or make a new one.";
    SignInFailed = "sign_in_failed", 401, "Console: wrong email or password.";
    SignInCodeWrong = "sign_in_code_wrong", 401, "Portal: not the sign-in code that was sent.";
    SignInCodeExpired = "sign_in_code_expired", 401, "Portal: the sign-in code expired, was used, or was guessed at too often.";
    TwoFactorCodeWrong = "two_factor_code_wrong", 401, "Console: neither a current code from the authenticator app nor an unused recovery code (a code already taken is refused too); failures count toward the sign-in lock.";
    SignInExpired = "sign_in_expired", 401, "Console: the sign-in waiting for its second step expired or was finished: start again with the password.";

    Forbidden = "forbidden", 403, "The key's scope does not allow this call (adjustments, tiers and the program need an admin key; a partner's key reaches only balances and its own purchases, redemptions and statements).";
    ApprovalRequired = "approval_required", 403, "The program says a second staff member must approve this operation: an API key is one principal, so it is made at the console, where another staff member approves it.";
    OwnApproval = "own_approval", 403, "Console: a second staff member must approve or reject a request, never its maker.";
    ApprovalNotAllowed = "approval_not_allowed", 403, "Console: only a staff member who may make the operation decides it, and only its maker withdraws it.";
    GiftCardPinRequired = "gift_card_pin_required", 403, "The gift card has a PIN: give it (the `X-Gift-Card-Pin` header).";
    GiftCardPinWrong = "gift_card_pin_wrong", 403, "Not the gift card's PIN; five wrong ones lock the card.";
    GiftCardLocked = "gift_card_locked", 403, "Too many wrong PINs: the gift card is locked.";
    AdjustmentOverLimit = "adjustment_over_limit", 403, "The adjustment moves more points than the program's `[staff] adjust_max` lets the role move at once (API admin keys act as admins).";

    UnknownMember = "unknown_member", 404, "No member with that id or external id.";
    UnknownPurchase = "unknown_purchase", 404, "No purchase with that id.";
    UnknownReward = "unknown_reward", 404, "No reward with that id in the catalog (for a partner's key: among the partner's own rewards).";
    UnknownPartner = "unknown_partner", 404, "The program has no coalition partner with that code (`[[partners]]`).";
    UnknownRedemption = "unknown_redemption", 404, "No reward redemption with that id.";
    UnknownCoupon = "unknown_coupon", 404, "No coupon with that code.";
    UnknownProgramVersion = "unknown_program_version", 404, "No program version with that number.";
    UnknownWebhook = "unknown_webhook", 404, "No webhook subscription with that id (or it was deleted).";
    UnknownDelivery = "unknown_delivery", 404, "The webhook subscription has no delivery with that id.";
    UnknownAutomation = "unknown_automation", 404, "The program in force has no automation with that id.";
    UnknownSegment = "unknown_segment", 404, "No saved segment with that id.";
    UnknownSimulation = "unknown_simulation", 404, "No simulation with that id.";
    UnknownGiftCard = "unknown_gift_card", 404, "No gift card with that code.";
    UnknownHold = "unknown_hold", 404, "No checkout hold with that id.";
    UnknownPlan = "unknown_plan", 404, "The program offers no membership plan with that id (`[[memberships]]`).";
    UnknownMembership = "unknown_membership", 404, "No membership with that id.";
    UnknownHousehold = "unknown_household", 404, "No household with that id (or it was dissolved), or the member is in none.";
    NotInHousehold = "not_in_household", 404, "The member has not asked to join that household and does not belong to it.";
    UnknownFraudCase = "unknown_fraud_case", 404, "No fraud case with that id.";
    UnknownApiKey = "unknown_api_key", 404, "No API key with that id.";
    UnknownPayment = "unknown_payment", 404, "No wallet payment with that id in the member's wallet.";
    UnknownStaff = "unknown_staff", 404, "Console: no staff account with that id.";
    UnknownApproval = "unknown_approval", 404, "Console: no request for approval with that id.";
    NotFound = "not_found", 404, "Nothing is routed at that path.";

    MethodNotAllowed = "method_not_allowed", 405, "The path exists but does not take that method.";

    MemberExists = "member_exists", 409, "A member with that external id is already enrolled.";
    IdempotencyConflict = "idempotency_conflict", 409, "The idempotency key (order id, refund id, event id or key) was used for a different request.";
    InsufficientPoints = "insufficient_points", 409, "The member's available points do not cover the request.";
    RefundExceedsPurchase = "refund_exceeds_purchase", 409, "The refund asks for more than is left to refund of the purchase.";
    MemberSuspended = "member_suspended", 409, "The member is suspended: they neither earn nor spend until reactivated.";
    FraudRefused = "fraud_refused", 409, "A fraud rule of the program refused the operation; a case is open for review.";
    FraudCaseClosed = "fraud_case_closed", 409, "The fraud case was closed already.";
    NothingToReview = "nothing_to_review", 409, "The fraud case holds no points to release or take back: dismiss or freeze instead.";
    ApprovalDecided = "approval_decided", 409, "Console: the request for approval was approved, rejected or withdrawn already.";
    ProgramChangedSince = "program_changed_since", 409, "Console: another program version was stored since the program change was asked: approving it would undo that version, so reject it and ask again on the version now in force.";
    ErasureBlocked = "erasure_blocked", 409, "The member still holds stored value, points at a checkout or a membership: settle it before erasing them.";
    RewardWrongTier = "reward_wrong_tier", 409, "The reward is only for members of other tiers.";
    RewardWrongSegment = "reward_wrong_segment", 409, "The reward is only for members of certain segments.";
    RewardNotAvailable = "reward_not_available", 409, "The reward is outside its redemption dates.";
    RewardOutOfStock = "reward_out_of_stock", 409, "Not enough units of the reward are left.";
    RewardLimitReached = "reward_limit_reached", 409, "The member would pass the reward's per-member limit.";
    RedemptionClosed = "redemption_closed", 409, "The redemption was already fulfilled or cancelled, or a coupon of it was used.";
    RedemptionNotFulfillable = "redemption_not_fulfillable", 409, "Only gifts and experiences are fulfilled by staff.";
    CouponUsed = "coupon_used", 409, "The coupon was already used on another order.";
    CouponExpired = "coupon_expired", 409, "The coupon is past its expiry.";
    CouponCancelled = "coupon_cancelled", 409, "The coupon's redemption was cancelled.";
    CouponMinSpend = "coupon_min_spend", 409, "The basket is below the coupon's minimum spend.";
    CouponProductMissing = "coupon_product_missing", 409, "The coupon's free product is not in the basket.";
    CouponNothingToDiscount = "coupon_nothing_to_discount", 409, "The basket has nothing the coupon could take off.";
    CouponNotUsedByOrder = "coupon_not_used_by_order", 409, "The coupon is not in use by that order.";
    SelfReferral = "self_referral", 409, "The referral code belongs to the person enrolling (same email or phone).";
    ReferralAlreadyMember = "referral_already_member", 409, "The person enrolling with a referral code is already a member.";
    ReferralLimitReached = "referral_limit_reached", 409, "The referrer has made all the referrals they may.";
    ProgramCurrencyChanged = "program_currency_changed", 409, "A new program version may not change the currency.";
    ProgramTimeZoneChanged = "program_time_zone_changed", 409, "A new program version may not change the time zone once the books have a closed period.";
    ProgramTierInUse = "program_tier_in_use", 409, "A new program version may not drop a tier members hold.";
    StaffExists = "staff_exists", 409, "Console: a staff account with that email exists.";
    TwoFactorOn = "two_factor_on", 409, "Console: two-factor sign-in is on already: turn it off before setting it up again.";
    TwoFactorOff = "two_factor_off", 409, "Console: two-factor sign-in is not on (nor being set up) for that staff member.";
    TwoFactorRequired = "two_factor_required", 409, "Console: admins must keep two-factor sign-in on (`laurel serve --require-admin-two-factor`); another admin may reset it, and it is set up again at the next sign-in.";
    TwoFactorOwnReset = "two_factor_own_reset", 409, "Console: an admin turns their own two-factor sign-in off with a current code, not by a reset.";
    SegmentExists = "segment_exists", 409, "A segment with that id is saved already.";
    BooksPeriodClosed = "books_period_closed", 409, "The books are closed up to that instant: a closed period's figures are locked, and what changes later posts to the open period.";
    BooksPeriodNotEnded = "books_period_not_ended", 409, "Only a period that has ended can be closed.";
    InsufficientFunds = "insufficient_funds", 409, "The wallet holds less than the payment (a payment with `partial` pays what it holds).";
    WalletBalanceOverMax = "wallet_balance_over_max", 409, "The top-up would take the wallet above the program's `[wallet] balance_max`.";
    RefundExceedsPayment = "refund_exceeds_payment", 409, "The refund asks for more than is left to refund of the wallet payment.";
    CashOutOverPrincipal = "cash_out_over_principal", 409, "Only principal is paid out: bonus value given with top-ups never is.";
    GiftCardNotActive = "gift_card_not_active", 409, "The gift card is not active: not yet sold (activate it), or its value was loaded into a member's wallet.";
    GiftCardActive = "gift_card_active", 409, "The gift card is active already.";
    GiftCardExpired = "gift_card_expired", 409, "The gift card is past its expiry.";
    MembershipHeld = "membership_held", 409, "The member holds a membership not yet ended: cancel it first, or renew it.";
    MembershipEnded = "membership_ended", 409, "The membership has ended (or lapsed unrenewed): buy a new one.";
    MembershipNotRenewing = "membership_not_renewing", 409, "The membership was cancelled at its term's end (or its plan does not renew): it runs out and cannot be renewed.";
    MembershipEnding = "membership_ending", 409, "The membership is cancelled at its term's end already.";
    RenewalNotOpen = "renewal_not_open", 409, "A membership is renewed from a week before its term ends.";
    HoldClosed = "hold_closed", 409, "The hold was captured, voided or expired already.";
    HoldExpired = "hold_expired", 409, "The hold is past its expiry: it can no longer be captured, and is released by itself.";
    CaptureExceedsHold = "capture_exceeds_hold", 409, "The capture asks for more than the hold holds.";
    TransferBelowMinimum = "transfer_below_minimum", 409, "The transfer moves fewer points than the program's `[transfers] min_points`.";
    TransferOverDailyMax = "transfer_over_daily_max", 409, "The member would send more points in the day (in the program's time zone) than the program's `[transfers] daily_max`.";
    TransferTooSoon = "transfer_too_soon", 409, "The member joined too recently to send points (`[transfers] min_member_days`).";
    HouseholdFull = "household_full", 409, "The household has as many members as the program's `[households] max_members`.";
    InAnotherHousehold = "in_another_household", 409, "The member belongs to (or asked to join) another household: they leave it first.";
    KeyNotRotatable = "key_not_rotatable", 409, "The API key is revoked, expired or rotated already: a key is rotated once, while it works.";
    SegmentInUse = "segment_in_use", 409, "The program in force or a scheduled version names the segment: change the program first.";

    MemberErased = "member_erased", 410, "The member's personal data was erased: nothing more can be done for them.";
    PayloadTooLarge = "payload_too_large", 413, "The body is larger than the server accepts (256 KiB).";
    UnsupportedMediaType = "unsupported_media_type", 415, "The body must be sent with Content-Type: application/json.";

    InvalidBody = "invalid_body", 422, "The JSON does not fit the call: a field is missing, unknown or of the wrong type.";
    MissingField = "missing_field", 422, "A required field is empty or absent.";
    InvalidField = "invalid_field", 422, "A field's value is not allowed (too long, wrong format, out of range).";
    InvalidAmount = "invalid_amount", 422, "A money amount is negative, out of range or has more decimals than the currency.";
    UnknownCurrency = "unknown_currency", 422, "Not an ISO 4217 currency code.";
    CurrencyMismatch = "currency_mismatch", 422, "The currency is not the program's.";
    InvalidDate = "invalid_date", 422, "A date or instant is malformed or not allowed (in the future, out of range).";
    BackdatedTooFar = "backdated_too_far", 422, "A purchase or event is reported later than the program's backdating window allows.";
    UnknownLine = "unknown_line", 422, "A refund names a line the purchase does not have.";
    UnknownTier = "unknown_tier", 422, "No such tier, or the program has no tiers.";
    InvalidQuantity = "invalid_quantity", 422, "A quantity is out of its range.";
    UnknownEventKind = "unknown_event_kind", 422, "The event kind is neither standard nor declared by the program.";
    UnknownReferralCode = "unknown_referral_code", 422, "No member has that referral code.";
    ReferralsNotOffered = "referrals_not_offered", 422, "The program offers no referrals.";
    WalletNotOffered = "wallet_not_offered", 422, "The program offers no wallets (it has no `[wallet]`).";
    TransfersNotOffered = "transfers_not_offered", 422, "The program lets members send no points to each other (it has no `[transfers]`).";
    HouseholdsNotOffered = "households_not_offered", 422, "The program offers no households (it has no `[households]`).";
    UnknownRecipient = "unknown_recipient", 422, "No member is the transfer's recipient (`to_member_id` or `to_external_id`).";
    TransferToSelf = "transfer_to_self", 422, "A member cannot send points to themselves.";
    TopUpOutOfRange = "top_up_out_of_range", 422, "The top-up is below the program's `[wallet] top_up_min` or above its `top_up_max`.";
    InvalidProgram = "invalid_program", 422, "The program text does not validate; `problems` lists each problem.";
    InvalidSegment = "invalid_segment", 422, "The segment does not validate; `problems` lists each problem.";
    WeakPassword = "weak_password", 422, "Console: the password is too short.";

    AccountLocked = "account_locked", 429, "Console: too many failed sign-ins; the account is locked for a while.";
    TooManyCodes = "too_many_codes", 429, "Portal: too many sign-in codes asked for in an hour.";
    TooManyReports = "too_many_reports", 429, "Portal: too many reports sent today.";
    RateLimited = "rate_limited", 429, "Too many requests from this API key or client address: try again after the `Retry-After` seconds.";

    InternalError = "internal_error", 500, "A bug: the details are logged, never shown.";
    StorageError = "storage_error", 500, "The database failed: the details are logged, never shown.";

    Unavailable = "unavailable", 503, "The ledger is not accepting writes right now (shutting down or overloaded); retry.";
    NoProgram = "no_program", 503, "No program is configured or stored yet.";
}

impl ErrorCode {
    /// The code with that name, if there is one.
    pub fn parse(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lets callers and tests compare with the stable name: `code == "insufficient_points"`.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl From<&RewardRefusal> for ErrorCode {
    fn from(refusal: &RewardRefusal) -> ErrorCode {
        match refusal {
            RewardRefusal::BadQuantity(_) => ErrorCode::InvalidQuantity,
            RewardRefusal::NotYetAvailable(_) | RewardRefusal::NoLongerAvailable(_) => {
                ErrorCode::RewardNotAvailable
            }
            RewardRefusal::WrongTier { .. } => ErrorCode::RewardWrongTier,
            RewardRefusal::WrongSegment { .. } => ErrorCode::RewardWrongSegment,
            RewardRefusal::OutOfStock { .. } => ErrorCode::RewardOutOfStock,
            RewardRefusal::LimitReached { .. } => ErrorCode::RewardLimitReached,
        }
    }
}

impl From<&CouponRefusal> for ErrorCode {
    fn from(refusal: &CouponRefusal) -> ErrorCode {
        match refusal {
            CouponRefusal::Expired(_) => ErrorCode::CouponExpired,
            CouponRefusal::Used(_) => ErrorCode::CouponUsed,
            CouponRefusal::Cancelled => ErrorCode::CouponCancelled,
            CouponRefusal::BelowMinimumSpend { .. } => ErrorCode::CouponMinSpend,
            CouponRefusal::ProductMissing(_) => ErrorCode::CouponProductMissing,
            CouponRefusal::NothingToDiscount => ErrorCode::CouponNothingToDiscount,
            CouponRefusal::NotUsedByOrder(_) => ErrorCode::CouponNotUsedByOrder,
        }
    }
}

impl From<&ReferralRefusal> for ErrorCode {
    fn from(refusal: &ReferralRefusal) -> ErrorCode {
        match refusal {
            ReferralRefusal::SelfReferral => ErrorCode::SelfReferral,
            ReferralRefusal::AlreadyMember => ErrorCode::ReferralAlreadyMember,
            ReferralRefusal::LimitReached(_) => ErrorCode::ReferralLimitReached,
        }
    }
}

impl From<&GiftCardRefusal> for ErrorCode {
    fn from(refusal: &GiftCardRefusal) -> ErrorCode {
        match refusal {
            GiftCardRefusal::NotActive(_) => ErrorCode::GiftCardNotActive,
            GiftCardRefusal::Active => ErrorCode::GiftCardActive,
            GiftCardRefusal::Expired(_) => ErrorCode::GiftCardExpired,
            GiftCardRefusal::PinRequired => ErrorCode::GiftCardPinRequired,
            GiftCardRefusal::PinWrong { .. } => ErrorCode::GiftCardPinWrong,
            GiftCardRefusal::PinLocked => ErrorCode::GiftCardLocked,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;
    use laurel_core::referrals::ReferralRefusal;
    use laurel_core::rewards::{CouponRefusal, RewardRefusal};

    #[test]
    fn the_cores_refusals_have_their_codes() {
        let stamp = jiff::Timestamp::UNIX_EPOCH;
        for (refusal, code) in [
            (RewardRefusal::BadQuantity(21), "invalid_quantity"),
            (
                RewardRefusal::NoLongerAvailable(stamp),
                "reward_not_available",
            ),
            (
                RewardRefusal::NotYetAvailable(stamp),
                "reward_not_available",
            ),
            (
                RewardRefusal::WrongTier {
                    required: vec![],
                    tier: None,
                },
                "reward_wrong_tier",
            ),
        ] {
            assert_eq!(ErrorCode::from(&refusal), code);
        }
        let min_spend = CouponRefusal::BelowMinimumSpend {
            min: rust_decimal::Decimal::ONE,
            total: rust_decimal::Decimal::ZERO,
        };
        assert_eq!(ErrorCode::from(&min_spend), "coupon_min_spend");
        assert_eq!(
            ErrorCode::from(&CouponRefusal::Used("pos:A1".into())),
            "coupon_used"
        );
        assert_eq!(
            ErrorCode::from(&ReferralRefusal::SelfReferral),
            "self_referral"
        );
        assert_eq!(
            ErrorCode::from(&ReferralRefusal::AlreadyMember),
            "referral_already_member"
        );
    }

    #[test]
    fn every_code_is_unique_snake_case_and_grouped_by_status() {
        let mut seen = std::collections::HashSet::new();
        let mut status = 0;
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            assert!(
                code.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_'),
                "{code} is not snake_case"
            );
            assert!(code.status() >= status, "{code} is out of status order");
            status = code.status();
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
            assert!(!code.meaning().is_empty());
        }
    }
}
