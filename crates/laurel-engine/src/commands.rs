//! Validated commands: what the write path executes. Validation happens here, before a command
//! is queued, so a refused request never costs a database transaction.

use crate::Backdating;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::{
    AMOUNT_MINOR_MAX, ATTRIBUTES_MAX, AdjustRequest, AssignTierRequest, CheckoutRequest,
    EnrollRequest, EventRequest, LINES_MAX, LineRequest, MemberRef, POINTS_MAX, PurchaseRequest,
    QUANTITY_MAX, RedeemRequest, RedeemRewardRequest, RefundRequest, RefundScope, TEXT_LEN_MAX,
};
use jiff::{SignedDuration, Timestamp};
use laurel_core::earn::base_points;
use laurel_core::refund::RefundAsk;
use laurel_core::rules::Basket;
use laurel_core::text::{Layout, TextProblem};
use laurel_core::{Channel, Currency, Money, Program};
use laurel_store::{MemberId, NewMember, NewPurchaseLine, RedemptionId};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

/// A purchase after validation: money in minor units, currency checked.
#[derive(Debug, Clone)]
pub(crate) struct ValidPurchase {
    pub request: PurchaseRequest,
    pub total_minor: i64,
    pub lines: Vec<NewPurchaseLine>,
    /// Reported too late: refused unless a retry.
    pub late: Option<TooLate>,
}

/// An event after validation.
#[derive(Debug, Clone)]
pub(crate) struct ValidEvent {
    pub request: EventRequest,
    /// Reported too late: refused unless a retry.
    pub late: Option<TooLate>,
}

/// A unit of work for the write path.
#[derive(Debug, Clone)]
pub(crate) enum Command {
    /// Enroll a member, referred by the member whose code is given.
    Enroll {
        member: NewMember,
        referred_by: Option<String>,
    },
    /// Give a member enrolled before referrals existed their code.
    AssignReferralCode(MemberId),
    Purchase(ValidPurchase),
    Event(ValidEvent),
    Refund(ValidRefund),
    Redeem(RedeemRequest),
    Adjust {
        request: AdjustRequest,
        actor: String,
        /// The adjuster's role, whose cap the program in force at the write decides.
        role: crate::staff::Role,
    },
    Expire {
        member: MemberId,
        now: Timestamp,
    },
    Release {
        member: MemberId,
        now: Timestamp,
    },
    ReviewTier {
        member: MemberId,
        now: Timestamp,
    },
    AssignTier {
        request: AssignTierRequest,
        actor: String,
    },
    RedeemReward(RedeemRewardRequest),
    /// Cancel or fulfil a redemption of `member`'s.
    CloseRedemption {
        member: MemberId,
        redemption: RedemptionId,
        closing: laurel_core::rewards::Closing,
        actor: String,
    },
    /// Use (with a basket) or release (without) a coupon of `member`'s on `order`.
    UseCoupon {
        member: MemberId,
        code: String,
        order: String,
        basket: Option<Basket>,
    },
}

impl Command {
    /// The member the command concerns, used to spread commands over writers so one member's
    /// commands reach one writer, batch after batch in arrival order.
    pub fn shard_key(&self) -> String {
        match self {
            Command::Enroll { member, .. } => format!("x:{}", member.external_id),
            Command::AssignReferralCode(member) => format!("m:{}", member.0),
            Command::Purchase(p) => match &p.request.member {
                MemberRef::Id(id) => format!("m:{id}"),
                MemberRef::External(ext) => format!("x:{ext}"),
            },
            Command::Event(e) => match &e.request.member {
                MemberRef::Id(id) => format!("m:{id}"),
                MemberRef::External(ext) => format!("x:{ext}"),
            },
            Command::Refund(r) => format!("p:{}", r.request.purchase_id),
            Command::Redeem(r) => format!("m:{}", r.member_id),
            Command::Adjust { request, .. } => format!("m:{}", request.member_id),
            Command::Expire { member, .. }
            | Command::Release { member, .. }
            | Command::ReviewTier { member, .. } => format!("m:{}", member.0),
            Command::AssignTier { request, .. } => format!("m:{}", request.member_id),
            Command::RedeemReward(r) => format!("m:{}", r.member_id),
            Command::CloseRedemption { member, .. } | Command::UseCoupon { member, .. } => {
                format!("m:{}", member.0)
            }
        }
    }

    /// The member id, when known before executing.
    pub fn member_id(&self) -> Option<MemberId> {
        match self {
            Command::Purchase(ValidPurchase {
                request:
                    PurchaseRequest {
                        member: MemberRef::Id(id),
                        ..
                    },
                ..
            }) => Some(MemberId(*id)),
            Command::Event(ValidEvent {
                request:
                    EventRequest {
                        member: MemberRef::Id(id),
                        ..
                    },
                ..
            }) => Some(MemberId(*id)),
            Command::Redeem(r) => Some(MemberId(r.member_id)),
            Command::Adjust { request, .. } => Some(MemberId(request.member_id)),
            Command::Expire { member, .. }
            | Command::Release { member, .. }
            | Command::ReviewTier { member, .. } => Some(*member),
            Command::AssignTier { request, .. } => Some(MemberId(request.member_id)),
            Command::RedeemReward(r) => Some(MemberId(r.member_id)),
            Command::AssignReferralCode(member) => Some(*member),
            Command::CloseRedemption { member, .. } | Command::UseCoupon { member, .. } => {
                Some(*member)
            }
            _ => None,
        }
    }

    /// The member's external id, when the command names its member by it.
    pub fn member_external_id(&self) -> Option<&str> {
        match self {
            Command::Purchase(ValidPurchase {
                request:
                    PurchaseRequest {
                        member: MemberRef::External(ext),
                        ..
                    },
                ..
            })
            | Command::Event(ValidEvent {
                request:
                    EventRequest {
                        member: MemberRef::External(ext),
                        ..
                    },
                ..
            }) => Some(ext),
            _ => None,
        }
    }
}

/// A stable hash of a request: a retry must carry the same one. It hashes the request's JSON
/// form, whose shape the request types and their crates' serde formats fix (a decimal as
/// written, a time in RFC 3339), so a stored fingerprint still matches after a compiler or a
/// dependency changes how it prints a value for debugging.
pub(crate) fn fingerprint(request: &impl serde::Serialize) -> Result<String> {
    let json = serde_json::to_vec(request)
        .map_err(|e| EngineError::Internal(format!("a request did not serialize: {e}")))?;
    Ok(hex::encode(Sha256::digest(&json)))
}

/// A required one-line text of at most [`TEXT_LEN_MAX`] characters (see [`laurel_core::text`]).
pub(crate) fn text(field: &str, value: &str) -> Result<()> {
    checked(
        field,
        laurel_core::text::check(value, Layout::Line, TEXT_LEN_MAX),
    )
}

/// Whether a looked-up text (an external id, an email, a code) could be stored at all. One
/// that could not (blank, a control character) finds nothing: no record holds it, and
/// PostgreSQL would fail a query holding a NUL rather than answer.
pub(crate) fn findable(value: &str) -> bool {
    laurel_core::text::check(value, Layout::Line, TEXT_LEN_MAX).is_ok()
}

/// A text's problem as the refusal naming its field: blank is `missing_field`, anything else
/// `invalid_field`.
pub(crate) fn checked(field: &str, verdict: std::result::Result<(), TextProblem>) -> Result<()> {
    verdict.map_err(|problem| {
        let code = match problem {
            TextProblem::Empty => ErrorCode::MissingField,
            _ => ErrorCode::InvalidField,
        };
        EngineError::invalid(field, code, problem.to_string())
    })
}

fn optional_text(field: &str, value: &Option<String>) -> Result<()> {
    value.as_deref().map_or(Ok(()), |v| text(field, v))
}

fn money(field: &str, amount: Decimal, currency: Currency) -> Result<Money> {
    if amount < Decimal::ZERO {
        return Err(EngineError::invalid(
            field,
            ErrorCode::InvalidAmount,
            format!("must not be negative, got {amount}"),
        ));
    }
    Money::new(amount, currency)
        .map_err(|e| EngineError::invalid(field, ErrorCode::InvalidAmount, e.to_string()))
}

/// A non-negative amount in the currency, as minor units, within [`AMOUNT_MINOR_MAX`].
fn amount_minor(field: &str, amount: Decimal, currency: Currency) -> Result<i64> {
    let minor = money(field, amount, currency)?
        .to_minor()
        .map_err(|e| EngineError::invalid(field, ErrorCode::InvalidAmount, e.to_string()))?;
    if minor > AMOUNT_MINOR_MAX {
        let max = Money::from_minor(AMOUNT_MINOR_MAX, currency);
        return Err(EngineError::invalid(
            field,
            ErrorCode::InvalidAmount,
            format!("must be at most {max}"),
        ));
    }
    Ok(minor)
}

/// A count within `1..=max`.
fn count(field: &str, value: i64, max: i64) -> Result<()> {
    if (1..=max).contains(&value) {
        return Ok(());
    }
    Err(EngineError::invalid(
        field,
        ErrorCode::InvalidAmount,
        format!("must be between 1 and {max}, got {value}"),
    ))
}

/// An instant at the precision the store keeps (microseconds), so that an answer never shows
/// an instant that a later read of the same record would show differently.
fn stored_precision(at: Timestamp) -> Timestamp {
    Timestamp::from_microsecond(at.as_microsecond()).unwrap_or(at)
}

/// How far in the future a purchase may claim to have happened (clock skew between tills).
const FUTURE_SKEW_MAX: SignedDuration = SignedDuration::from_mins(5);

/// A purchase or event reported later than the program's backdating window allows. It is
/// refused, unless it is a retry of one already recorded: a retry always gets its first
/// answer, so the refusal is decided in the write path, after the replay check.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TooLate {
    window_days: u32,
}

impl TooLate {
    /// The refusal a new activity gets.
    pub fn refusal(self) -> EngineError {
        EngineError::invalid(
            "occurred_at",
            ErrorCode::BackdatedTooFar,
            format!(
                "is more than {} days ago: the program accepts late reports for that long",
                self.window_days
            ),
        )
    }
}

/// When a purchase or event happened, at the store's precision, and whether it is reported
/// too late (see [`TooLate`]). Refused at once when in the future.
fn occurred_at(
    program: &Program,
    backdating: Backdating,
    at: Timestamp,
    now: Timestamp,
) -> Result<(Timestamp, Option<TooLate>)> {
    if at > now + FUTURE_SKEW_MAX {
        return Err(EngineError::invalid(
            "occurred_at",
            ErrorCode::InvalidDate,
            "is in the future",
        ));
    }
    let late = (backdating == Backdating::Window && at < program.earliest_reportable(now))
        .then_some(TooLate {
            window_days: program.backdating_days,
        });
    Ok((stored_precision(at), late))
}

/// Checks attributes (of an event or a member): at most [`ATTRIBUTES_MAX`], keys non-empty,
/// keys and values at most [`TEXT_LEN_MAX`] printable characters.
fn attributes(attributes: &std::collections::BTreeMap<String, String>) -> Result<()> {
    if attributes.len() > ATTRIBUTES_MAX {
        return Err(EngineError::invalid(
            "attributes",
            ErrorCode::InvalidField,
            format!("at most {ATTRIBUTES_MAX} attributes"),
        ));
    }
    for (key, value) in attributes {
        text("attributes", key)?;
        checked(
            &format!("attributes.{key}"),
            laurel_core::text::check_characters(value, Layout::Line, TEXT_LEN_MAX),
        )?;
    }
    Ok(())
}

/// A validated enrollment and the referral code it names, normalized.
pub(crate) fn enroll(
    request: EnrollRequest,
    now: Timestamp,
) -> Result<(NewMember, Option<String>)> {
    text("external_id", &request.external_id)?;
    optional_text("email", &request.email)?;
    optional_text("phone", &request.phone)?;
    optional_text("name", &request.name)?;
    attributes(&request.attributes)?;
    if let Some(email) = &request.email
        && !email.contains('@')
    {
        return Err(EngineError::invalid(
            "email",
            ErrorCode::InvalidField,
            "is not an email address",
        ));
    }
    if let Some(code) = &request.referral_code {
        text("referral_code", code)?;
    }
    let member = NewMember {
        external_id: request.external_id,
        email: request.email,
        phone: request.phone,
        name: request.name,
        birthday: request.birthday,
        channel: request.channel.as_str().to_owned(),
        attributes: request.attributes,
        enrolled_at: stored_precision(now),
        referral_code: Some(crate::codes::random_code(3)),
    };
    Ok((
        member,
        request
            .referral_code
            .as_deref()
            .map(crate::codes::normalize),
    ))
}

pub(crate) fn purchase(
    program: &Program,
    backdating: Backdating,
    mut request: PurchaseRequest,
    now: Timestamp,
) -> Result<ValidPurchase> {
    text("order_id", &request.order_id)?;
    optional_text("store", &request.store)?;
    if let MemberRef::External(ext) = &request.member {
        text("member.external_id", ext)?;
    }
    let late;
    (request.occurred_at, late) = occurred_at(program, backdating, request.occurred_at, now)?;
    let (total_minor, lines) = basket_amounts(
        program,
        &request.currency,
        &mut request.total,
        &mut request.lines,
    )?;
    // The base earn alone must be within bounds; what rules add depends on the member's
    // usage, so the total is checked again when the purchase executes.
    base_points(program, request.total)
        .ok()
        .filter(|p| p.get() <= POINTS_MAX)
        .ok_or_else(|| {
            EngineError::invalid(
                "total",
                ErrorCode::InvalidAmount,
                format!("earns more than {POINTS_MAX} points"),
            )
        })?;
    Ok(ValidPurchase {
        request,
        total_minor,
        lines,
        late,
    })
}

/// Checks a basket's currency (the program's), total and lines, normalizing the amounts;
/// returns the total and the lines in minor units.
fn basket_amounts(
    program: &Program,
    currency: &str,
    total: &mut Decimal,
    lines: &mut [LineRequest],
) -> Result<(i64, Vec<NewPurchaseLine>)> {
    let currency: Currency = currency.parse().map_err(|e: laurel_core::MoneyError| {
        EngineError::invalid("currency", ErrorCode::UnknownCurrency, e.to_string())
    })?;
    if currency != program.currency {
        return Err(EngineError::invalid(
            "currency",
            ErrorCode::CurrencyMismatch,
            format!("the program runs in {}, not {currency}", program.currency),
        ));
    }
    *total = total.normalize();
    let total_minor = amount_minor("total", *total, currency)?;
    if lines.len() > LINES_MAX {
        return Err(EngineError::invalid(
            "lines",
            ErrorCode::InvalidField,
            format!("at most {LINES_MAX} lines"),
        ));
    }
    let mut minor_lines = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter_mut().enumerate() {
        text(&format!("lines[{i}].sku"), &line.sku)?;
        optional_text(&format!("lines[{i}].category"), &line.category)?;
        count(&format!("lines[{i}].quantity"), line.quantity, QUANTITY_MAX)?;
        line.unit_price = line.unit_price.normalize();
        let field = format!("lines[{i}].unit_price");
        let unit_price_minor = amount_minor(&field, line.unit_price, currency)?;
        minor_lines.push(NewPurchaseLine {
            sku: line.sku.clone(),
            category: line.category.clone(),
            quantity: line.quantity,
            unit_price_minor,
        });
    }
    Ok((total_minor, minor_lines))
}

/// Checks a checkout basket as a purchase's would be checked, and gives it as rules and
/// coupons see it.
pub(crate) fn checkout(program: &Program, mut request: CheckoutRequest) -> Result<Basket> {
    optional_text("store", &request.store)?;
    basket_amounts(
        program,
        &request.currency,
        &mut request.total,
        &mut request.lines,
    )?;
    Ok(Basket {
        channel: request.channel,
        store: request.store,
        total: request.total,
        lines: request.lines.iter().map(crate::execute::line).collect(),
    })
}

pub(crate) fn redeem_reward(request: RedeemRewardRequest) -> Result<RedeemRewardRequest> {
    text("idempotency_key", &request.idempotency_key)?;
    text("reward_id", &request.reward_id)?;
    Ok(request)
}

/// The key a coupon use is recorded under: the order, on its channel.
pub(crate) fn order_key(channel: Channel, order_id: &str) -> Result<String> {
    text("order_id", order_id)?;
    Ok(format!("{channel}:{order_id}"))
}

/// A coupon code as given, checked and normalized.
pub(crate) fn coupon_code(code: &str) -> Result<String> {
    if !findable(code) {
        return Err(EngineError::UnknownCoupon);
    }
    Ok(crate::codes::normalize(code))
}

/// Checks an event: `known` says whether the program knows its kind.
pub(crate) fn event(
    program: &Program,
    backdating: Backdating,
    known: impl Fn(&str) -> bool,
    mut request: EventRequest,
    now: Timestamp,
) -> Result<ValidEvent> {
    text("event_id", &request.event_id)?;
    if let MemberRef::External(ext) = &request.member {
        text("member.external_id", ext)?;
    }
    text("kind", &request.kind)?;
    if !known(&request.kind) {
        return Err(EngineError::invalid(
            "kind",
            ErrorCode::UnknownEventKind,
            format!(
                "`{}` is neither a standard event kind nor declared in the program's [events]",
                request.kind
            ),
        ));
    }
    attributes(&request.attributes)?;
    let late;
    (request.occurred_at, late) = occurred_at(program, backdating, request.occurred_at, now)?;
    Ok(ValidEvent { request, late })
}

/// A refund after validation: what it asks for, with any amount in minor units.
#[derive(Debug, Clone)]
pub(crate) struct ValidRefund {
    pub request: RefundRequest,
    pub ask: RefundAsk,
}

pub(crate) fn refund(program: &Program, mut request: RefundRequest) -> Result<ValidRefund> {
    text("refund_id", &request.refund_id)?;
    let ask = match &mut request.scope {
        RefundScope::Full => RefundAsk::Whole,
        RefundScope::Amount(amount) => {
            *amount = amount.normalize();
            if *amount <= Decimal::ZERO {
                return Err(EngineError::invalid(
                    "amount",
                    ErrorCode::InvalidAmount,
                    "must be above zero",
                ));
            }
            RefundAsk::Amount(amount_minor("amount", *amount, program.currency)?)
        }
        RefundScope::Lines(lines) => {
            if lines.is_empty() {
                return Err(EngineError::invalid(
                    "lines",
                    ErrorCode::MissingField,
                    "name at least one line",
                ));
            }
            for (i, (_, quantity)) in lines.iter().enumerate() {
                count(&format!("lines[{i}].quantity"), *quantity, QUANTITY_MAX)?;
            }
            RefundAsk::Lines(lines.clone())
        }
    };
    Ok(ValidRefund { request, ask })
}

pub(crate) fn redeem(request: RedeemRequest) -> Result<RedeemRequest> {
    text("idempotency_key", &request.idempotency_key)?;
    text("reference", &request.reference)?;
    optional_text("reason", &request.reason)?;
    count("points", request.points, POINTS_MAX)?;
    Ok(request)
}

pub(crate) fn adjust(request: AdjustRequest) -> Result<AdjustRequest> {
    text("idempotency_key", &request.idempotency_key)?;
    text("reason", &request.reason)?;
    // unsigned_abs: i64::MIN has no positive counterpart.
    let magnitude = i64::try_from(request.points.unsigned_abs()).unwrap_or(i64::MAX);
    count("points", magnitude, POINTS_MAX)?;
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requests::RefundScope;

    fn purchase() -> PurchaseRequest {
        PurchaseRequest {
            member: MemberRef::External("c-42".into()),
            order_id: "o-1".into(),
            channel: Channel::Web,
            store: None,
            currency: "EUR".into(),
            total: Decimal::new(1250, 2),
            lines: vec![LineRequest {
                sku: "tea".into(),
                category: Some("drinks".into()),
                quantity: 2,
                unit_price: Decimal::new(625, 2),
            }],
            occurred_at: "2026-03-01T10:00:00Z".parse().unwrap_or_default(),
        }
    }

    /// Stored fingerprints outlive the binary that wrote them: a retry after an upgrade must
    /// still match. This pins the encoding; change it only with a way to read the old one.
    #[test]
    fn a_request_fingerprint_is_pinned_across_releases() {
        assert_eq!(
            fingerprint(&purchase()).ok().as_deref(),
            Some("78130975e64a42f07e45b0683dd938796c376f1f1d72b5d19a5fe0563d7dcaac"),
        );
        let refund = RefundRequest {
            purchase_id: 7,
            refund_id: "r-1".into(),
            scope: RefundScope::Lines(vec![(0, 1)]),
        };
        assert_eq!(
            fingerprint(&refund).ok().as_deref(),
            Some("790c299c3bfde9c3483829aeaa6b8c7da558de0fe6f5f039fc41beb208a8721d")
        );
    }

    #[test]
    fn requests_that_differ_in_any_field_have_different_fingerprints() {
        let base = fingerprint(&purchase()).ok();
        let mut other = purchase();
        other.total = Decimal::new(12500, 3);
        assert_ne!(
            fingerprint(&other).ok(),
            base,
            "12.50 and 12.500 are written differently"
        );
        let mut other = purchase();
        other.channel = Channel::Pos;
        assert_ne!(fingerprint(&other).ok(), base);
        let mut other = purchase();
        other.lines[0].quantity = 3;
        assert_ne!(fingerprint(&other).ok(), base);
    }
}
