//! A subscription checked before it is stored: a URL a delivery can be POSTed to, known event
//! kinds, a printable description.

use super::CreateWebhook;
use crate::checks;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use laurel_core::events::EventKind;
use laurel_core::text::Layout;

/// The longest URL a subscription may have.
pub const URL_CHARS_MAX: usize = 2_000;

/// A subscription that passed its checks.
pub(crate) struct Checked {
    pub url: String,
    pub kinds: Vec<EventKind>,
    pub description: String,
}

pub(crate) fn check(request: CreateWebhook) -> Result<Checked> {
    let url = request.url.as_str();
    checks::checked(
        "url",
        laurel_core::text::check(url, Layout::Line, URL_CHARS_MAX),
    )?;
    let parsed = url::Url::parse(url).map_err(|e| bad_url(format!("is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad_url("must be an http or https URL".to_owned()));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad_url("has no host".to_owned()));
    }
    if parsed.fragment().is_some() {
        return Err(bad_url("may not have a #fragment".to_owned()));
    }
    if request.event_types.is_empty() {
        return Err(EngineError::invalid(
            "event_types",
            ErrorCode::InvalidField,
            "names no event type",
        ));
    }
    let mut kinds = Vec::new();
    for name in &request.event_types {
        let kind: EventKind = name.parse().map_err(|_| {
            let known: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
            EngineError::invalid(
                "event_types",
                ErrorCode::InvalidField,
                format!("no event type `{name}`: the types are {}", known.join(", ")),
            )
        })?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    checks::optional_text("description", &request.description)?;
    Ok(Checked {
        url: parsed.to_string(),
        kinds,
        description: request.description.unwrap_or_default(),
    })
}

fn bad_url(why: String) -> EngineError {
    EngineError::invalid("url", ErrorCode::InvalidField, format!("the URL {why}"))
}
