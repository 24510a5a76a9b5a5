//! An area of pages — the staff console under `/admin`, the member portal under `/portal` —
//! and what differs between the two, so that everything else in [`crate::page`] is written
//! once for both.

use super::{Chrome, ErrorView};
use axum::response::Response;
use jiff::Timestamp;
use laurel_engine::{Engine, EngineError};

/// Where an area's pages live, its cookies, and what "signed in" means there.
pub trait Area: Sized + Send + Sync + 'static {
    /// Its path prefix: its pages are under it, and its cookies are sent only there.
    const PATH: &'static str;
    /// Where signing in leads, and where the language switcher goes back to when not told a
    /// page of this area.
    const HOME: &'static str;
    /// Its sign-in page: where the signed-out are sent and where signing out leads.
    const SIGN_IN: &'static str;
    /// The session cookie's name.
    const SESSION_COOKIE: &'static str;
    /// The sign-in forms' double-submit cookie's name (no session exists yet to hold a token).
    const LOGIN_COOKIE: &'static str;
    /// How the logs name it.
    const NAME: &'static str;

    /// A signed-in visitor's session.
    type Session: Send + Sync;
    /// Who the chrome shows as signed in.
    type User;

    /// The live session behind a session cookie's token, if there is one.
    fn session(
        engine: &Engine,
        token: &str,
    ) -> impl Future<Output = Result<Option<Self::Session>, EngineError>> + Send;

    /// Revokes the session behind a session cookie's token.
    fn revoke(engine: &Engine, token: &str)
    -> impl Future<Output = Result<(), EngineError>> + Send;

    /// When a session ends (its cookie lives as long).
    fn expires_at(session: &Self::Session) -> Timestamp;

    /// The token every form of the session must carry.
    fn csrf_token(session: &Self::Session) -> &str;

    /// Who the chrome shows for a session.
    fn user(session: &Self::Session) -> Self::User;

    /// The area's error page, in its own layout (askama fixes a template's path when
    /// compiling, so each area names its own).
    fn error_page(chrome: Chrome<Self>, error: ErrorView) -> Response;
}
