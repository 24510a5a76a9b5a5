//! What every portal page shares: the signed-in member, CSRF checks, the page chrome and the
//! friendly error page.

use crate::Console;
use crate::i18n::{Locale, Strings};
use crate::web::{cookie, encode, locale, render};
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use laurel_engine::{EngineError, MemberSession, same_secret};

/// The member's session cookie.
pub const SESSION_COOKIE: &str = "laurel_member";
/// The sign-in forms' double-submit cookie.
pub const LOGIN_COOKIE: &str = "laurel_portal_login";
/// Where the portal's cookies live.
pub const PATH: &str = "/portal";

/// A `Set-Cookie` value under `/portal`.
pub fn set_cookie(headers: &HeaderMap, name: &str, value: &str, max_age: i64) -> HeaderValue {
    crate::web::set_cookie_at(headers, PATH, name, value, max_age)
}

/// The parts of the layout every portal page shows.
pub struct Chrome {
    /// The page's language.
    pub locale: Locale,
    /// Its strings.
    pub t: &'static Strings,
    /// Whether a member is signed in (the navigation and sign-out show).
    pub signed_in: bool,
    /// The session's (or the sign-in form's) CSRF token.
    pub csrf: String,
    /// The navigation entry to mark current.
    pub current: &'static str,
    /// This page's path, for the language switcher to come back to.
    pub path: String,
}

impl Chrome {
    /// The chrome of a page nobody is signed in to.
    pub fn anonymous(locale: Locale, csrf: String, path: &str) -> Chrome {
        Chrome {
            locale,
            t: locale.strings(),
            signed_in: false,
            csrf,
            current: "",
            path: path.to_owned(),
        }
    }

    /// The chrome of a signed-in member's page.
    pub fn for_member(member: &Member, current: &'static str, path: String) -> Chrome {
        Chrome {
            locale: member.locale,
            t: member.locale.strings(),
            signed_in: true,
            csrf: member.session.csrf_token.clone(),
            current,
            path,
        }
    }

    /// The link that switches this page to `locale`.
    pub fn switch_link(&self, locale: &Locale) -> String {
        format!(
            "/portal/lang?to={}&back={}",
            locale.tag(),
            encode(&self.path)
        )
    }

    /// Every other language, for the switcher.
    pub fn other_locales(&self) -> Vec<Locale> {
        Locale::ALL
            .into_iter()
            .filter(|l| *l != self.locale)
            .collect()
    }
}

/// A signed-in member and their request's language.
pub struct Member {
    /// Their session.
    pub session: MemberSession,
    /// The request's language.
    pub locale: Locale,
}

impl Member {
    /// The member's id.
    pub fn id(&self) -> i64 {
        self.session.member.0
    }

    /// Refused unless the form carries this session's CSRF token.
    pub fn check_csrf(&self, token: &str) -> Result<(), PortalError> {
        if !token.is_empty() && same_secret(token, &self.session.csrf_token) {
            Ok(())
        } else {
            Err(PortalError::new(
                StatusCode::FORBIDDEN,
                self.locale,
                "error.csrf",
            ))
        }
    }

    /// An engine failure as a page in the member's language.
    pub fn fail(&self) -> impl Fn(EngineError) -> PortalError + use<> {
        let locale = self.locale;
        move |e| PortalError::from_engine(e, locale)
    }
}

/// A handler taking `Member` answers only signed-in members; others go to the sign-in page.
impl FromRequestParts<Console> for Member {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, console: &Console) -> Result<Member, Response> {
        let locale = locale(&parts.headers);
        let session = match cookie(&parts.headers, SESSION_COOKIE) {
            Some(token) => console
                .engine
                .member_session(token)
                .await
                .map_err(|e| PortalError::from_engine(e, locale).into_response())?,
            None => None,
        };
        match session {
            Some(session) => Ok(Member { session, locale }),
            None => Err(Redirect::to("/portal/login").into_response()),
        }
    }
}

/// A portal page that could not be shown: a friendly page, never internals.
#[derive(Debug)]
pub struct PortalError {
    status: StatusCode,
    locale: Locale,
    key: &'static str,
    /// The words of a refusal, shown instead of the message under `key`.
    refusal: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    message: String,
}

impl PortalError {
    /// An error page with the message under `key`.
    pub fn new(status: StatusCode, locale: Locale, key: &'static str) -> PortalError {
        PortalError {
            status,
            locale,
            key,
            refusal: None,
        }
    }

    /// An engine failure, as [`crate::web::failure`] shows it.
    pub fn from_engine(error: EngineError, locale: Locale) -> PortalError {
        let (status, key) = crate::web::failure(&error, "portal");
        PortalError {
            refusal: (status == StatusCode::CONFLICT)
                .then(|| crate::messages::refusal(locale, &error)),
            ..PortalError::new(status, locale, key)
        }
    }
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        let t = self.locale.strings();
        let page = ErrorPage {
            chrome: Chrome::anonymous(self.locale, String::new(), PATH),
            status: self.status.as_u16(),
            message: self.refusal.unwrap_or_else(|| t.get(self.key).to_owned()),
        };
        render(self.status, &page)
    }
}
