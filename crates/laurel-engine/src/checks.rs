//! Checks every request shares, made before a command is queued: texts a caller may store,
//! amounts, counts, attributes, instants at the store's precision, and the fingerprint a retry
//! must match.

use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::{AMOUNT_MINOR_MAX, ATTRIBUTES_MAX, NOTE_CHARS_MAX, TEXT_CHARS_MAX};
use jiff::{SignedDuration, Timestamp};
use laurel_core::text::{Layout, TextProblem};
use laurel_core::{Currency, Money};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

/// A stable hash of a request: a retry must carry the same one. It hashes the request's JSON
/// form, whose shape the request types and their crates' serde formats fix (a decimal as
/// written, a time in RFC 3339), so a stored fingerprint still matches after a compiler or a
/// dependency changes how it prints a value for debugging.
pub(crate) fn fingerprint(request: &impl serde::Serialize) -> Result<String> {
    let json = serde_json::to_vec(request)
        .map_err(|e| EngineError::Internal(format!("a request did not serialize: {e}")))?;
    Ok(hex::encode(Sha256::digest(&json)))
}

/// A required one-line text of at most [`TEXT_CHARS_MAX`] characters (see [`laurel_core::text`]).
pub(crate) fn text(field: &str, value: &str) -> Result<()> {
    checked(
        field,
        laurel_core::text::check(value, Layout::Line, TEXT_CHARS_MAX),
    )
}

/// Whether a looked-up text (an external id, an email, a code) could be stored at all. One
/// that could not (blank, a control character) finds nothing: no record holds it, and
/// PostgreSQL would fail a query holding a NUL rather than answer.
pub(crate) fn findable(value: &str) -> bool {
    laurel_core::text::check(value, Layout::Line, TEXT_CHARS_MAX).is_ok()
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

/// An optional several-line note of at most [`NOTE_CHARS_MAX`] characters, as it is kept:
/// without the white space around it, and `None` when blank.
pub(crate) fn note(field: &str, value: Option<String>) -> Result<Option<String>> {
    let Some(note) = value.filter(|n| !n.trim().is_empty()) else {
        return Ok(None);
    };
    checked(
        field,
        laurel_core::text::check(&note, Layout::Lines, NOTE_CHARS_MAX),
    )?;
    Ok(Some(note.trim().to_owned()))
}

pub(crate) fn optional_text(field: &str, value: &Option<String>) -> Result<()> {
    value.as_deref().map_or(Ok(()), |v| text(field, v))
}

/// The currency named `code`, refused unless it is the program's.
pub(crate) fn program_currency(program: &laurel_core::Program, code: &str) -> Result<Currency> {
    let currency: Currency = code.parse().map_err(|e: laurel_core::MoneyError| {
        EngineError::invalid("currency", ErrorCode::UnknownCurrency, e.to_string())
    })?;
    if currency != program.currency {
        return Err(EngineError::invalid(
            "currency",
            ErrorCode::CurrencyMismatch,
            format!("the program runs in {}, not {currency}", program.currency),
        ));
    }
    Ok(currency)
}

pub(crate) fn money(field: &str, amount: Decimal, currency: Currency) -> Result<Money> {
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
pub(crate) fn amount_minor(field: &str, amount: Decimal, currency: Currency) -> Result<i64> {
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
pub(crate) fn count(field: &str, value: i64, max: i64) -> Result<()> {
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
pub(crate) fn stored_precision(at: Timestamp) -> Timestamp {
    Timestamp::from_microsecond(at.as_microsecond()).unwrap_or(at)
}

/// How far ahead of our clock a caller's "when it happened" may be (clock skew between tills
/// and the server).
pub(crate) const FUTURE_SKEW_MAX: SignedDuration = SignedDuration::from_mins(5);

/// Refuses an instant in `field` that is later than `now` by more than [`FUTURE_SKEW_MAX`]:
/// what a caller says already happened cannot lie ahead.
pub(crate) fn not_in_future(field: &str, at: Timestamp, now: Timestamp) -> Result<()> {
    if at > now + FUTURE_SKEW_MAX {
        return Err(EngineError::invalid(
            field,
            ErrorCode::InvalidDate,
            "is in the future",
        ));
    }
    Ok(())
}

/// Checks attributes (of an event or a member): at most [`ATTRIBUTES_MAX`], keys non-empty,
/// keys and values at most [`TEXT_CHARS_MAX`] printable characters.
pub(crate) fn attributes(attributes: &std::collections::BTreeMap<String, String>) -> Result<()> {
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
            laurel_core::text::check_characters(value, Layout::Line, TEXT_CHARS_MAX),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requests::{LineRequest, MemberRef, PurchaseRequest, RefundRequest, RefundScope};
    use laurel_core::Channel;
    use rust_decimal::Decimal;

    fn purchase() -> PurchaseRequest {
        PurchaseRequest {
            partner: None,
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
            partner: None,
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
