//! A subscription checked before it is stored: a URL a delivery can be POSTed to (http or
//! https, in ASCII, no fragment: [`URL_PATTERN`] in the API document), known event kinds, a
//! printable description.

use super::CreateWebhook;
use crate::checks;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use laurel_core::events::EventKind;
use laurel_core::text::Layout;

/// The longest URL a subscription may have.
pub const URL_CHARS_MAX: usize = 2_000;

/// What a subscription's URL looks like, as a JSON Schema pattern: the characters the checks
/// below allow (whether it parses as a URL is for the parser to say).
pub const URL_PATTERN: &str = "^https?://[!-\"$-~]+$";

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
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(bad_url("must be an http or https URL".to_owned()));
    }
    if let Some(c) = url.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(bad_url(format!(
            "has `{c}`: write it in ASCII (a name in punycode, the rest percent-encoded)"
        )));
    }
    let parsed = url::Url::parse(url).map_err(|e| bad_url(format!("is not a URL: {e}")))?;
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
