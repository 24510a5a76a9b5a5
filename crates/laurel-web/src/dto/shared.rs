//! What the shapes of every area use: reading a channel or an instant, writing a decimal,
//! the channel names, balances, money and which member a body names.

use crate::error::ApiError;
use jiff::Timestamp;
use laurel_core::{Channel, Currency, Money};
use laurel_engine::{Balances, ErrorCode};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

/// The channel a request names in `field`, or `default` when it names none; refused with
/// `invalid_field` when it is not one.
pub(crate) fn channel(
    field: &str,
    value: Option<&str>,
    default: Channel,
) -> Result<Channel, ApiError> {
    value.map_or(Ok(default), |v| {
        v.parse()
            .map_err(|e| ApiError::invalid(field, ErrorCode::InvalidField, e))
    })
}

/// A decimal as the API writes it: no trailing zeros.
pub(crate) fn decimal(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The RFC 3339 instant a request gives in `field`; refused with `invalid_date` otherwise.
pub(crate) fn instant(field: &str, value: &str) -> Result<Timestamp, ApiError> {
    value.parse().map_err(|_| {
        ApiError::invalid(
            field,
            ErrorCode::InvalidDate,
            format!("`{value}` is not an RFC 3339 instant such as 2026-11-24T09:30:00Z"),
        )
    })
}

/// A sales channel, as requests name it (they are read as strings and refused with
/// `invalid_field` when not one of these).
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum ChannelName {
    /// A till.
    Pos,
    /// A web shop.
    Web,
    /// An app.
    App,
    /// A partner brand.
    Partner,
}

/// Balances.
#[derive(Serialize, ToSchema)]
pub struct BalanceBody {
    /// Spendable points.
    pub available: i64,
    /// Points in the return window.
    pub pending: i64,
}

impl From<Balances> for BalanceBody {
    fn from(b: Balances) -> BalanceBody {
        BalanceBody {
            available: b.available,
            pending: b.pending,
        }
    }
}

/// Money.
#[derive(Serialize, ToSchema)]
pub struct MoneyBody {
    /// Decimal amount.
    pub amount: String,
    /// ISO 4217 code.
    pub currency: String,
}

/// Which member a body names.
pub fn member_ref(
    member_id: Option<i64>,
    external_id: Option<String>,
) -> Result<laurel_engine::MemberRef, ApiError> {
    named_member(("member_id", "external_id"), member_id, external_id)
}

/// Which member a body names by the two fields `names` (an id's, an external id's).
pub(crate) fn named_member(
    names: (&str, &str),
    member_id: Option<i64>,
    external_id: Option<String>,
) -> Result<laurel_engine::MemberRef, ApiError> {
    match (member_id, external_id) {
        (Some(id), None) => Ok(laurel_engine::MemberRef::Id(id)),
        (None, Some(ext)) => Ok(laurel_engine::MemberRef::External(ext)),
        _ => Err(ApiError::invalid(
            names.0,
            ErrorCode::MissingField,
            format!("give exactly one of {} and {}", names.0, names.1),
        )),
    }
}

/// An amount in minor units as the program's currency writes it.
pub(crate) fn money(minor: i64, currency: Currency) -> String {
    decimal(
        Money::from_minor(minor, currency)
            .amount()
            .round_dp(currency.minor_digits()),
    )
}
