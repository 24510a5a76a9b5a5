//! The signed-in visitor of an area: their session, found from the area's session cookie,
//! and their request's language.

use super::cookies::cookie;
use super::csrf::check_csrf;
use super::language::locale;
use super::{Area, PageError};
use crate::Console;
use crate::i18n::Locale;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_engine::EngineError;

/// A signed-in visitor of area `A` and their request's language.
pub struct Signed<A: Area> {
    /// Their session.
    pub session: A::Session,
    /// The request's language.
    pub locale: Locale,
    /// The page asked for (path and query), for an error page's language switcher to return to.
    pub path: String,
}

/// A handler taking `Signed<A>` answers only visitors signed in to area `A`; others go to its
/// sign-in page.
impl<A: Area> FromRequestParts<Console> for Signed<A> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, console: &Console) -> Result<Self, Response> {
        let locale = locale(&parts.headers);
        let session = match cookie(&parts.headers, A::SESSION_COOKIE) {
            Some(token) => A::session(&console.engine, token)
                .await
                .map_err(|e| PageError::<A>::from_engine(e, locale).into_response())?,
            None => None,
        };
        match session {
            Some(session) => Ok(Signed {
                session,
                locale,
                path: parts
                    .uri
                    .path_and_query()
                    .map_or_else(|| A::HOME.to_owned(), |p| p.as_str().to_owned()),
            }),
            None => Err(Redirect::to(A::SIGN_IN).into_response()),
        }
    }
}

impl<A: Area> Signed<A> {
    /// Refused unless the form carries this session's CSRF token.
    pub fn check_csrf(&self, token: &str) -> Result<(), PageError<A>> {
        check_csrf(self.locale, token, A::csrf_token(&self.session))
    }

    /// An engine failure as a page in the visitor's language.
    pub fn fail(&self) -> impl Fn(EngineError) -> PageError<A> + use<A> {
        let locale = self.locale;
        move |e| PageError::from_engine(e, locale)
    }
}
