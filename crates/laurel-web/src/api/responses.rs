//! Each operation's documented error responses, made from the error codes it can answer: the
//! codes every call of its kind can answer (a bad key, a malformed path, query or body, a
//! server fault) and its own. Each status is one response whose description lists its codes
//! and what they mean, so the document, the handlers and the README cannot disagree on a code.

use crate::error::{ErrorBody, status_of};
use laurel_engine::ErrorCode;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa::openapi::{ContentBuilder, RefOr, Response, ResponseBuilder};

/// What every authenticated call can answer: a missing, unknown or expired key, a key whose
/// scope does not reach the call (a partner's key outside what concerns its partner), a key
/// past its rate limit, a server fault.
pub(crate) const CALL: &[ErrorCode] = &[
    ErrorCode::Unauthorized,
    ErrorCode::KeyExpired,
    ErrorCode::Forbidden,
    ErrorCode::RateLimited,
    ErrorCode::InternalError,
    ErrorCode::StorageError,
];
/// What a call with path parameters adds: one that is not of its type or is out of range.
pub(crate) const PATH: &[ErrorCode] = &[ErrorCode::InvalidPath];
/// What a call with query parameters adds.
pub(crate) const QUERY: &[ErrorCode] = &[ErrorCode::InvalidQuery];
/// What a call with a JSON body adds: not JSON, too large, not sent as JSON, not its shape.
pub(crate) const BODY: &[ErrorCode] = &[
    ErrorCode::MalformedJson,
    ErrorCode::PayloadTooLarge,
    ErrorCode::UnsupportedMediaType,
    ErrorCode::InvalidBody,
];
/// What a call that writes adds: the write path shutting down or overloaded.
pub(crate) const WRITE: &[ErrorCode] = &[ErrorCode::Unavailable];
/// What an admin-only call adds: a POS key.
pub(crate) const ADMIN: &[ErrorCode] = &[ErrorCode::Forbidden];

/// The error responses of an authenticated operation that can answer `kinds`' codes and
/// `own`, besides [`CALL`]'s.
pub(crate) fn responses_for(
    kinds: &[&[ErrorCode]],
    own: &[ErrorCode],
) -> BTreeMap<String, RefOr<Response>> {
    let mut by_status: BTreeMap<u16, Vec<ErrorCode>> = BTreeMap::new();
    for code in CALL
        .iter()
        .chain(kinds.iter().flat_map(|k| k.iter()))
        .chain(own)
    {
        let codes = by_status.entry(code.status()).or_default();
        if !codes.contains(code) {
            codes.push(*code);
        }
    }
    by_status
        .into_iter()
        .map(|(status, mut codes)| {
            codes.sort();
            (status.to_string(), RefOr::T(response(&codes)))
        })
        .collect()
}

/// One status's response: its codes, each with its meaning, and the error body.
fn response(codes: &[ErrorCode]) -> Response {
    let reason = codes
        .first()
        .and_then(|c| status_of(*c).canonical_reason())
        .unwrap_or("Error");
    let lines: Vec<String> = codes
        .iter()
        .map(|c| format!("- `{}`: {}", c.as_str(), c.meaning()))
        .collect();
    ResponseBuilder::new()
        .description(format!("{reason}:\n{}", lines.join("\n")))
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    ErrorBody::name(),
                ))))
                .build(),
        )
        .build()
}

/// The JSON schema of a code: a string, one of the table's codes.
pub(crate) fn code_schema() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(ErrorCode::ALL.iter().map(|c| c.as_str())))
        .description(Some("Stable code, e.g. `insufficient_points`."))
        .build()
}

/// Declares a type whose `utoipa::IntoResponses` are an operation's error responses:
/// `errors!(Name: [KIND, …], [Code, …]);` with kinds from this module and the operation's own
/// codes.
macro_rules! errors {
    ($name:ident: [$($kind:ident),* $(,)?], [$($code:ident),* $(,)?]) => {
        #[doc = concat!("The error responses of `", stringify!($name), "`.")]
        pub(crate) struct $name;

        impl utoipa::IntoResponses for $name {
            fn responses() -> std::collections::BTreeMap<
                String,
                utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
            > {
                $crate::api::responses::responses_for(
                    &[$($crate::api::responses::$kind),*],
                    &[$(laurel_engine::ErrorCode::$code),*],
                )
            }
        }
    };
}
pub(crate) use errors;
