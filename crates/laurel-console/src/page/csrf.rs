//! The one CSRF check every form passes: the token it carries against the one expected (the
//! session's, or the sign-in form's double-submit cookie).

use super::{Area, PageError};
use crate::i18n::Locale;
use axum::http::StatusCode;
use laurel_engine::same_secret;

/// Refused with area `A`'s forbidden page unless `given` is the non-empty `expected` token.
pub fn check_csrf<A: Area>(
    locale: Locale,
    given: &str,
    expected: &str,
) -> Result<(), PageError<A>> {
    // An empty token on either side would match another empty one: never a proof.
    if !given.is_empty() && !expected.is_empty() && same_secret(given, expected) {
        Ok(())
    } else {
        Err(PageError::new(StatusCode::FORBIDDEN, locale, "error.csrf"))
    }
}
