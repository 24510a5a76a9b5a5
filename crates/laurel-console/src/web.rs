//! The staff console's area under `/admin` (see [`crate::page`] for what it shares with the
//! portal): signed in means a staff member with a role, whose permissions decide which links
//! and forms the chrome shows and what every action may do; what they do is audited.

use crate::Console;
use crate::page::{self, Area, ErrorView, Link, Signed, render};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Timestamp;
use laurel_engine::{AuditEntry, Engine, EngineError, Permission, Role, Session};

/// The staff console.
#[derive(Debug)]
pub struct Admin;

impl Area for Admin {
    const PATH: &'static str = "/admin";
    const HOME: &'static str = "/admin/dashboard";
    const SIGN_IN: &'static str = "/admin/login";
    const SESSION_COOKIE: &'static str = "laurel_staff";
    const LOGIN_COOKIE: &'static str = "laurel_login";
    const NAME: &'static str = "console";

    type Session = Session;
    /// The staff member's name and role, shown beside sign-out.
    type User = (String, Role);

    async fn session(engine: &Engine, token: &str) -> Result<Option<Session>, EngineError> {
        engine.staff_session(token).await
    }

    async fn revoke(engine: &Engine, token: &str) -> Result<(), EngineError> {
        engine.sign_out(token).await
    }

    fn expires_at(session: &Session) -> Timestamp {
        session.expires_at
    }

    fn csrf_token(session: &Session) -> &str {
        &session.csrf_token
    }

    fn user(session: &Session) -> (String, Role) {
        (session.user.name.clone(), session.user.role)
    }

    fn error_page(chrome: Chrome, error: ErrorView) -> Response {
        render(error.status, &ErrorPage { chrome, error })
    }
}

/// The chrome of a console page.
pub type Chrome = page::Chrome<Admin>;
/// A console page that could not be shown.
pub type PageError = page::PageError<Admin>;
/// A signed-in staff member and their request's language.
pub type Staff = Signed<Admin>;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    error: ErrorView,
}

impl Chrome {
    /// Whether the page is one of the review queue's (member reports, fraud cases, requests
    /// waiting for approval, erasure requests), which share one navigation link.
    pub fn in_review(&self) -> bool {
        matches!(
            self.current,
            "member_reports" | "fraud" | "approvals" | "privacy"
        )
    }

    /// Whether the signed-in role may do `what` (to show or hide links and forms).
    pub fn may(&self, what: &str) -> bool {
        let permission = match what {
            "program" => Permission::ViewProgram,
            "edit_program" => Permission::EditProgram,
            "adjust" => Permission::AdjustPoints,
            "reports" => Permission::ViewReports,
            "admin" => Permission::ManageStaff,
            "audit" => Permission::ViewAudit,
            "manage_members" => Permission::ManageMembers,
            "rewards" => Permission::ViewRewards,
            "books" => Permission::KeepBooks,
            _ => Permission::ViewMembers,
        };
        self.user
            .as_ref()
            .is_some_and(|(_, role)| role.may(permission))
    }
}

/// Where a role's console starts, and the navigation's words for it: the dashboard for those
/// who may read reports, the members otherwise (every role may find members).
pub fn home_of(role: Role) -> (&'static str, &'static str) {
    if role.may(Permission::ViewReports) {
        (Admin::HOME, "nav.dashboard")
    } else {
        ("/admin/members", "nav.members")
    }
}

impl Staff {
    /// Refused with the forbidden page unless the role may do `what`.
    pub fn require(&self, what: Permission) -> Result<(), PageError> {
        if self.session.user.role.may(what) {
            Ok(())
        } else {
            Err(self.forbidden())
        }
    }

    /// The forbidden page: the console's navigation, the role named, and a link to its home.
    fn forbidden(&self) -> PageError {
        let t = self.locale.strings();
        let role = self.session.user.role;
        let (home, label) = home_of(role);
        let role_key = format!("staff.role_{role}");
        PageError::for_visitor(
            StatusCode::FORBIDDEN,
            Chrome::signed_in(self, "", self.path.clone()),
            (
                t.get("staff_pages.forbidden_title").to_owned(),
                t.with("staff_pages.forbidden", "role", t.get(&role_key)),
            ),
            Link {
                href: home.to_owned(),
                label: t.with("staff_pages.forbidden_home", "page", t.get(label)),
            },
        )
    }

    /// A form's checks: its CSRF token, then the role.
    pub fn may_post(&self, csrf: &str, what: Permission) -> Result<(), PageError> {
        self.check_csrf(csrf).and_then(|()| self.require(what))
    }

    /// How the audit log and the ledger name this staff member.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.session.user.email)
    }

    /// This staff member as maker-checker knows them: account, name in the records, role.
    pub fn member(&self) -> laurel_engine::StaffMember {
        laurel_engine::StaffMember {
            id: self.session.user.id,
            actor: self.actor(),
            role: self.session.user.role,
        }
    }

    /// Who acts, as the engine audits what it does for this staff member.
    pub fn acting(&self) -> laurel_engine::Actor {
        laurel_engine::Actor {
            staff_user_id: Some(self.session.user.id),
            name: self.actor(),
        }
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
