//! The member portal's area under `/portal` (see [`crate::page`] for what it shares with the
//! console): signed in means a member with a session from an emailed code.

use crate::page::{self, Area, ErrorView, Signed, render};
use askama::Template;
use axum::response::Response;
use jiff::Timestamp;
use laurel_engine::{Engine, EngineError, MemberSession};

/// The member portal.
#[derive(Debug)]
pub struct Portal;

impl Area for Portal {
    const PATH: &'static str = "/portal";
    const HOME: &'static str = "/portal";
    const SIGN_IN: &'static str = "/portal/login";
    const SESSION_COOKIE: &'static str = "laurel_member";
    const LOGIN_COOKIE: &'static str = "laurel_portal_login";
    const NAME: &'static str = "portal";

    type Session = MemberSession;
    /// Nothing: the portal's chrome shows that a member is signed in, not who.
    type User = ();

    async fn session(engine: &Engine, token: &str) -> Result<Option<MemberSession>, EngineError> {
        engine.member_session(token).await
    }

    async fn revoke(engine: &Engine, token: &str) -> Result<(), EngineError> {
        engine.sign_out_member(token).await
    }

    fn expires_at(session: &MemberSession) -> Timestamp {
        session.expires_at
    }

    fn csrf_token(session: &MemberSession) -> &str {
        &session.csrf_token
    }

    fn user(_: &MemberSession) {}

    fn error_page(chrome: Chrome, error: ErrorView) -> Response {
        render(error.status, &ErrorPage { chrome, error })
    }
}

/// The chrome of a portal page.
pub type Chrome = page::Chrome<Portal>;
/// A portal page that could not be shown.
pub type PortalError = page::PageError<Portal>;
/// A signed-in member and their request's language.
pub type Member = Signed<Portal>;

#[derive(Template)]
#[template(path = "portal/error.html")]
struct ErrorPage {
    chrome: Chrome,
    error: ErrorView,
}

impl Member {
    /// The member's id.
    pub fn id(&self) -> i64 {
        self.session.member.0
    }
}
