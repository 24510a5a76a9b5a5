//! What every page shares: cookies, the signed-in staff member, CSRF checks, the page chrome
//! (language, navigation), rendering and the error pages.

use crate::Console;
use crate::i18n::{Locale, Strings};
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use laurel_engine::{AuditEntry, EngineError, Permission, Role, Session, same_secret};

/// The session cookie.
pub const SESSION_COOKIE: &str = "laurel_staff";
/// The sign-in form's double-submit cookie (no session exists yet to hold its token).
pub const LOGIN_COOKIE: &str = "laurel_login";
/// The language cookie.
pub const LANG_COOKIE: &str = "lang";

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Whether the request came to a loopback address over plain HTTP (the demo, tests): the one
/// case where cookies are sent without `Secure`, since browsers would drop them otherwise.
pub(crate) fn plain_loopback(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    let forwarded_tls = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    !forwarded_tls && matches!(name, "localhost" | "127.0.0.1" | "[::1]")
}

/// A `Set-Cookie` value for the console: see [`set_cookie_at`].
pub fn set_cookie(headers: &HeaderMap, name: &str, value: &str, max_age: i64) -> HeaderValue {
    set_cookie_at(headers, "/admin", name, value, max_age)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, under `path`, Secure unless served to
/// loopback over plain HTTP; `max_age` 0 deletes it.
pub fn set_cookie_at(
    headers: &HeaderMap,
    path: &str,
    name: &str,
    value: &str,
    max_age: i64,
) -> HeaderValue {
    let secure = if plain_loopback(headers) {
        ""
    } else {
        "; Secure"
    };
    let text = format!(
        "{name}={value}; Path={path}; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The locale of a request: the `lang` cookie, else Accept-Language.
pub fn locale(headers: &HeaderMap) -> Locale {
    cookie(headers, LANG_COOKIE)
        .and_then(Locale::from_tag)
        .unwrap_or_else(|| {
            Locale::from_accept_language(
                headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or(""),
            )
        })
}

/// The parts of the layout every page shows.
pub struct Chrome {
    /// The page's language.
    pub locale: Locale,
    /// Its strings.
    pub t: &'static Strings,
    /// Who is signed in (name, role), if anyone.
    pub user: Option<(String, Role)>,
    /// The session's CSRF token, for forms.
    pub csrf: String,
    /// The navigation entry to mark current.
    pub current: &'static str,
    /// This page's path, for the language switcher to come back to.
    pub path: String,
}

impl Chrome {
    /// The chrome of a page for a signed-in staff member.
    pub fn for_staff(staff: &Staff, current: &'static str, path: String) -> Chrome {
        Chrome {
            locale: staff.locale,
            t: staff.locale.strings(),
            user: Some((staff.session.user.name.clone(), staff.session.user.role)),
            csrf: staff.session.csrf_token.clone(),
            current,
            path,
        }
    }

    /// Whether the signed-in role may do `what` (to show or hide links and forms).
    pub fn may(&self, what: &str) -> bool {
        let permission = match what {
            "program" => Permission::ViewProgram,
            "edit_program" => Permission::EditProgram,
            "adjust" => Permission::AdjustPoints,
            "reports" => Permission::ViewReports,
            "admin" => Permission::ManageStaff,
            "manage_members" => Permission::ManageMembers,
            "rewards" => Permission::ViewRewards,
            _ => Permission::ViewMembers,
        };
        self.user
            .as_ref()
            .is_some_and(|(_, role)| role.may(permission))
    }

    /// The link that switches this page to `locale`.
    pub fn switch_link(&self, locale: &Locale) -> String {
        format!(
            "/admin/lang?to={}&back={}",
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

/// A signed-in staff member and their request's language.
pub struct Staff {
    /// Their session.
    pub session: Session,
    /// The request's language.
    pub locale: Locale,
}

/// A handler taking `Staff` answers only signed-in staff; others go to the sign-in page.
impl FromRequestParts<Console> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, console: &Console) -> Result<Staff, Response> {
        Staff::from_headers(console, &parts.headers).await
    }
}

impl Staff {
    /// The signed-in staff member, or a redirect to the sign-in page.
    async fn from_headers(console: &Console, headers: &HeaderMap) -> Result<Staff, Response> {
        let locale = locale(headers);
        let session = match cookie(headers, SESSION_COOKIE) {
            Some(token) => console
                .engine
                .staff_session(token)
                .await
                .map_err(|e| PageError::from_engine(e, locale).into_response())?,
            None => None,
        };
        match session {
            Some(session) => Ok(Staff { session, locale }),
            None => Err(Redirect::to("/admin/login").into_response()),
        }
    }

    /// Refused with the forbidden page unless the role may do `what`.
    pub fn require(&self, what: Permission) -> Result<(), PageError> {
        if self.session.user.role.may(what) {
            Ok(())
        } else {
            Err(PageError::new(
                StatusCode::FORBIDDEN,
                self.locale,
                "error.forbidden",
            ))
        }
    }

    /// Refused unless the form carries this session's CSRF token.
    pub fn check_csrf(&self, token: &str) -> Result<(), PageError> {
        if !token.is_empty() && same_secret(token, &self.session.csrf_token) {
            Ok(())
        } else {
            Err(PageError::new(
                StatusCode::FORBIDDEN,
                self.locale,
                "error.csrf",
            ))
        }
    }

    /// A form's checks: its CSRF token, then the role.
    pub fn may_post(&self, csrf: &str, what: Permission) -> Result<(), PageError> {
        self.check_csrf(csrf).and_then(|()| self.require(what))
    }

    /// How the audit log and the ledger name this staff member.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.session.user.email)
    }

    /// Records what this staff member did in the audit log. The action already happened, so
    /// a failure here is logged rather than shown.
    pub async fn audit(
        &self,
        console: &Console,
        action: &str,
        subject: String,
        before: Option<serde_json::Value>,
        after: serde_json::Value,
    ) {
        let entry = AuditEntry {
            staff_user_id: Some(self.session.user.id),
            actor: self.actor(),
            action: action.to_owned(),
            subject,
            before: before.map(|b| b.to_string()),
            after: Some(after.to_string()),
            at: jiff::Timestamp::now(),
        };
        if let Err(e) = console.engine.audit(entry).await {
            tracing::error!(error = %e, action, "a staff action was done but not audited");
        }
    }
}

/// How a page (console or portal) shows an engine failure: something unknown is a 404, another
/// refusal a 409 (worded by [`crate::messages::refusal`]), anything else is logged and a 500 —
/// never its details.
pub fn failure(error: &EngineError, area: &str) -> (StatusCode, &'static str) {
    match error {
        EngineError::UnknownMember(_)
        | EngineError::UnknownProgramVersion(_)
        | EngineError::UnknownReward(_)
        | EngineError::UnknownRedemption(_)
        | EngineError::UnknownCoupon => (StatusCode::NOT_FOUND, "error.not_found"),
        refused if refused.is_refusal() => (StatusCode::CONFLICT, "error.refused"),
        other => {
            tracing::error!(error = %other, area, "a page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "error.internal")
        }
    }
}

/// A template rendered to a response with `status`.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// A page that could not be shown: a friendly page in the request's language, never internals.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    locale: Locale,
    key: &'static str,
    /// The words of a refusal, shown instead of the message under `key`.
    refusal: Option<String>,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    message: String,
}

impl PageError {
    /// An error page with the message under `key`.
    pub fn new(status: StatusCode, locale: Locale, key: &'static str) -> PageError {
        PageError {
            status,
            locale,
            key,
            refusal: None,
        }
    }

    /// An engine failure, as [`failure`] shows it.
    pub fn from_engine(error: EngineError, locale: Locale) -> PageError {
        let (status, key) = failure(&error, "console");
        PageError {
            refusal: (status == StatusCode::CONFLICT)
                .then(|| crate::messages::refusal(locale, &error)),
            ..PageError::new(status, locale, key)
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let t = self.locale.strings();
        let page = ErrorPage {
            chrome: Chrome {
                locale: self.locale,
                t,
                user: None,
                csrf: String::new(),
                current: "",
                path: "/admin".into(),
            },
            status: self.status.as_u16(),
            message: self.refusal.unwrap_or_else(|| t.get(self.key).to_owned()),
        };
        render(self.status, &page)
    }
}

/// A query-string value, percent-encoded.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Sets the language cookie for the pages under `area` and goes back to `back` — only ever to
/// a page of that area (else to `home`), so the switcher is no open redirect.
pub fn switch_language(
    headers: &HeaderMap,
    to: &str,
    back: Option<String>,
    area: &str,
    home: &str,
) -> Response {
    let locale = Locale::from_tag(to).unwrap_or(Locale::En);
    let back = back
        .filter(|b| b.starts_with(area) && !b.starts_with("//"))
        .unwrap_or_else(|| home.to_owned());
    let cookie = set_cookie_at(headers, area, LANG_COOKIE, locale.tag(), 365 * 24 * 3600);
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}
