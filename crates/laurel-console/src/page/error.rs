//! The friendly error page: a failure shown in the request's language in its area's layout,
//! never with internals.

use super::{Area, Chrome, language::locale};
use crate::i18n::Locale;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use laurel_engine::EngineError;
use std::marker::PhantomData;

/// How a page shows an engine failure: something unknown is a 404, another refusal a 409
/// (worded by [`crate::messages::refusal`]), anything else is logged and a 500 — never its
/// details.
fn failure(error: &EngineError, area: &str) -> (StatusCode, &'static str) {
    match error {
        EngineError::UnknownMember(_)
        | EngineError::UnknownProgramVersion(_)
        | EngineError::UnknownReward(_)
        | EngineError::UnknownRedemption(_)
        | EngineError::UnknownCoupon
        | EngineError::UnknownWebhook(_)
        | EngineError::UnknownDelivery { .. }
        | EngineError::UnknownAutomation(_) => (StatusCode::NOT_FOUND, "error.not_found"),
        // A partner's code comes from the address: its words say what is missing without
        // repeating it.
        EngineError::UnknownPartner(_) => (StatusCode::NOT_FOUND, "code.unknown_partner"),
        refused if refused.is_refusal() => (StatusCode::CONFLICT, "error.refused"),
        other => {
            tracing::error!(error = %other, area, "a page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "error.internal")
        }
    }
}

/// What an error page says.
pub struct ErrorView {
    /// The answer's status, shown as its number.
    pub status: StatusCode,
    /// The message, in the page's language.
    pub message: String,
    /// Its heading, when it says more than that something went wrong.
    pub title: Option<String>,
    /// Where its link leads, when the page knows somewhere better than the area's home.
    pub back: Option<Link>,
}

/// A link: where it leads and its words.
pub struct Link {
    /// The path it leads to.
    pub href: String,
    /// Its words, in the page's language.
    pub label: String,
}

/// A page of area `A` that could not be shown, as its error page.
pub struct PageError<A: Area> {
    status: StatusCode,
    locale: Locale,
    key: &'static str,
    /// The words of a refusal, shown instead of the message under `key`.
    refusal: Option<String>,
    /// A signed-in visitor's chrome, the page's heading and somewhere they may go: the page
    /// keeps their navigation rather than looking as if they had been signed out.
    visitor: Option<Box<(Chrome<A>, String, Link)>>,
    area: PhantomData<A>,
}

impl<A: Area> std::fmt::Debug for PageError<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageError")
            .field("status", &self.status)
            .field("key", &self.key)
            .field("refusal", &self.refusal)
            .finish_non_exhaustive()
    }
}

impl<A: Area> PageError<A> {
    /// An error page with the message under `key`.
    pub fn new(status: StatusCode, locale: Locale, key: &'static str) -> PageError<A> {
        PageError {
            status,
            locale,
            key,
            refusal: None,
            visitor: None,
            area: PhantomData,
        }
    }

    /// An error page for a signed-in visitor, in their chrome, headed `title`, saying
    /// `message` and leading to `back`.
    pub fn for_visitor(
        status: StatusCode,
        chrome: Chrome<A>,
        (title, message): (String, String),
        back: Link,
    ) -> PageError<A> {
        let locale = chrome.locale;
        PageError {
            refusal: Some(message),
            visitor: Some(Box::new((chrome, title, back))),
            ..PageError::new(status, locale, "error.title")
        }
    }

    /// An engine failure, as [`failure`] shows it.
    pub fn from_engine(error: EngineError, locale: Locale) -> PageError<A> {
        let (status, key) = failure(&error, A::NAME);
        PageError {
            refusal: (status == StatusCode::CONFLICT)
                .then(|| crate::messages::refusal(locale, &error)),
            ..PageError::new(status, locale, key)
        }
    }
}

impl<A: Area> IntoResponse for PageError<A> {
    fn into_response(self) -> Response {
        let message = self
            .refusal
            .unwrap_or_else(|| self.locale.strings().get(self.key).to_owned());
        let (chrome, title, back) = match self.visitor {
            Some(visitor) => {
                let (chrome, title, back) = *visitor;
                (chrome, Some(title), Some(back))
            }
            None => (
                Chrome::anonymous(self.locale, String::new(), A::PATH),
                None,
                None,
            ),
        };
        A::error_page(
            chrome,
            ErrorView {
                status: self.status,
                message,
                title,
                back,
            },
        )
    }
}

/// Under area `A`, a page that does not exist is a friendly page, not the API's JSON.
pub async fn not_found<A: Area>(headers: HeaderMap) -> Response {
    PageError::<A>::new(StatusCode::NOT_FOUND, locale(&headers), "error.not_found").into_response()
}
