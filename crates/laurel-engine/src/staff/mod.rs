//! Staff accounts for the console: creation with an argon2id password hash, sign-in with a
//! lock after repeated failures (and a second step when two-factor is on, `second_step.rs`),
//! server-side sessions (only the token's hash is stored) that carry a CSRF token, and the
//! audit log of staff actions.

mod listing;
mod password;
mod recovery;
mod second_step;
mod totp;
mod two_factor;

pub use laurel_core::staff::{
    AdjustPolicy, ApprovalKind, ApprovalPolicy, ApprovalState, OverCap, Permission, Role,
    SUPPORT_ADJUST_MAX_DEFAULT, UnknownRole,
};
pub use listing::StaffListing;
pub use recovery::RECOVERY_CODES;
pub use second_step::{PendingSignIn, SignIn};
pub use totp::{TOTP_STEP_SECS, totp_code};
pub use two_factor::{TotpSetup, TwoFactor};

use crate::codes::{random_token, sha256_hex as token_hash};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::{AdminTwoFactor, Engine};
use jiff::{SignedDuration, Timestamp};
use laurel_store::{AuditEntry, AuditFilter, AuditPage, NewStaffUser, StaffUser, Store};

/// Failed sign-ins in a row before an account is locked.
pub const FAILED_SIGN_INS_MAX: i64 = 5;
/// How long a locked account stays locked.
const LOCK: SignedDuration = SignedDuration::from_mins(15);
/// How long a session lasts.
const SESSION: SignedDuration = SignedDuration::from_hours(12);
/// Shortest password accepted.
pub const PASSWORD_MIN: usize = 12;

/// A staff account as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccount {
    /// Row id.
    pub id: i64,
    /// Sign-in email.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
}

impl StaffAccount {
    fn from_stored(user: &StaffUser) -> Result<StaffAccount> {
        Ok(StaffAccount {
            id: user.id,
            email: user.account.email.clone(),
            name: user.account.name.clone(),
            role: user
                .account
                .role
                .parse()
                .map_err(|e: UnknownRole| EngineError::Internal(e.to_string()))?,
            disabled: user.disabled_at.is_some(),
        })
    }
}

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Who is signed in.
    pub user: StaffAccount,
    /// The token every state-changing form of this session must carry.
    pub csrf_token: String,
    /// When it ends.
    pub expires_at: Timestamp,
}

/// A successful sign-in: the session, and its token for the cookie (shown only now).
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The cookie's value.
    pub token: String,
    /// The session.
    pub session: Session,
}

/// Sign-in emails are compared trimmed and lower-cased.
fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Creates a staff account (no engine needed: `laurel users create` runs before any program).
/// Refused: an email without `@`, an empty name, a password shorter than [`PASSWORD_MIN`], an
/// email already used (`staff_exists`).
pub async fn create_staff_user(
    store: &Store,
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Result<StaffAccount> {
    let email = email_key(email);
    if !email.contains('@') || email.len() > 254 {
        return Err(EngineError::invalid(
            "email",
            ErrorCode::InvalidField,
            "is not an email address",
        ));
    }
    crate::checks::text("email", &email)?;
    crate::checks::text("name", name)?;
    if password.chars().count() < PASSWORD_MIN {
        return Err(EngineError::invalid(
            "password",
            ErrorCode::WeakPassword,
            format!("needs at least {PASSWORD_MIN} characters"),
        ));
    }
    let password_hash = password::hash(password).await?;
    let new = NewStaffUser {
        email: email.clone(),
        name: name.trim().to_owned(),
        role: role.as_str().to_owned(),
        password_hash,
        created_at: Timestamp::now(),
    };
    let id = store
        .insert_staff_user(&new)
        .await?
        .ok_or_else(|| EngineError::StaffExists(email.clone()))?;
    Ok(StaffAccount {
        id,
        email,
        name: new.name,
        role,
        disabled: false,
    })
}

impl Engine {
    /// Creates a staff account; see [`create_staff_user`].
    pub async fn create_staff_user(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<StaffAccount> {
        create_staff_user(&self.store, email, name, role, password).await
    }

    /// Signs a staff member in with their password. An unknown email and a wrong password are
    /// refused alike (`sign_in_failed`, after the same work); after [`FAILED_SIGN_INS_MAX`]
    /// failures in a row (second steps' included) the account is locked for a while
    /// (`account_locked`), even to the right password. A right password signs in at once
    /// only when no second step is asked: with two-factor on it leads to a code, and an admin
    /// who must have it but has not is led to set it up ([`SignIn`]).
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<SignIn> {
        let now = crate::as_stored(Timestamp::now());
        let email = email_key(email);
        // An address no account could have is simply wrong.
        let known = if crate::checks::findable(&email) {
            self.store.staff_user_by_email(&email).await?
        } else {
            None
        };
        let Some(user) = known else {
            password::verify_nothing(password).await;
            return Err(EngineError::SignInFailed);
        };
        if let Some(until) = user.locked_until.filter(|until| *until > now) {
            return Err(EngineError::AccountLocked(until));
        }
        let right = password::verify(password, &user.account.password_hash).await?;
        if !right || user.disabled_at.is_some() {
            return Err(self.failed(&user, now, EngineError::SignInFailed).await?);
        }
        // The failures in a row are not cleared yet: a password alone must not give a
        // guesser of codes a fresh count.
        if user.two_factor_since.is_some() {
            return Ok(SignIn::Code(self.wait_for_second_step(&user, now).await?));
        }
        if self.must_set_up_two_factor(&user)? {
            return Ok(SignIn::SetUp(self.wait_for_second_step(&user, now).await?));
        }
        Ok(SignIn::Done(self.start_session(&user, now).await?))
    }

    /// Counts a failed attempt (a password or a second step): the refusal to answer with,
    /// `refusal` or the lock this failure brought on.
    async fn failed(
        &self,
        user: &StaffUser,
        now: Timestamp,
        refusal: EngineError,
    ) -> Result<EngineError> {
        let failed = user.failed_logins + 1;
        let lock = (failed >= FAILED_SIGN_INS_MAX).then(|| now + LOCK);
        let count = if lock.is_some() { 0 } else { failed };
        self.store
            .set_staff_login_state(user.id, count, lock)
            .await?;
        Ok(match lock {
            Some(until) => EngineError::AccountLocked(until),
            None => refusal,
        })
    }

    /// Signed in: the failures in a row cleared, a new session.
    async fn start_session(&self, user: &StaffUser, now: Timestamp) -> Result<SignedIn> {
        self.store.record_staff_sign_in(user.id, now).await?;
        let token = random_token();
        let csrf_token = random_token();
        let expires_at = now + SESSION;
        self.store
            .insert_staff_session(&token_hash(&token), user.id, &csrf_token, now, expires_at)
            .await?;
        Ok(SignedIn {
            token,
            session: Session {
                user: StaffAccount::from_stored(user)?,
                csrf_token,
                expires_at,
            },
        })
    }

    /// Whether `user` is an admin who must sign in with two factors and has not set it up.
    fn must_set_up_two_factor(&self, user: &StaffUser) -> Result<bool> {
        Ok(self.config.admin_two_factor == AdminTwoFactor::Required
            && user.two_factor_since.is_none()
            && StaffAccount::from_stored(user)?.role == Role::Admin)
    }

    /// The live session a cookie's token names, if any (a disabled account has none, nor an
    /// admin without the two-factor sign-in they must have).
    pub async fn staff_session(&self, token: &str) -> Result<Option<Session>> {
        let Some(found) = self
            .store
            .staff_session(&token_hash(token), Timestamp::now())
            .await?
        else {
            return Ok(None);
        };
        // An admin who must have two-factor and has not (reset, or the setting new) signs
        // in again, and is led to set it up.
        if found.user.disabled_at.is_some() || self.must_set_up_two_factor(&found.user)? {
            return Ok(None);
        }
        Ok(Some(Session {
            user: StaffAccount::from_stored(&found.user)?,
            csrf_token: found.csrf_token,
            expires_at: found.expires_at,
        }))
    }

    /// Ends the session a cookie's token names.
    pub async fn sign_out(&self, token: &str) -> Result<()> {
        self.store
            .delete_staff_session(&token_hash(token), Timestamp::now())
            .await
            .map_err(Into::into)
    }

    /// Every staff account.
    pub async fn staff_users(&self) -> Result<Vec<StaffAccount>> {
        self.store
            .staff_users()
            .await?
            .iter()
            .map(StaffAccount::from_stored)
            .collect()
    }

    /// Records a staff action in the audit log.
    pub async fn audit(&self, entry: AuditEntry) -> Result<()> {
        self.store.insert_audit(&entry).await.map_err(Into::into)
    }

    /// The audit log, newest first.
    pub async fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        self.store.audit_log(limit).await.map_err(Into::into)
    }

    /// A page of the entries `filter` lets through, newest first, older than the cursor
    /// `before` if given.
    pub async fn audit_page(
        &self,
        filter: &AuditFilter,
        before: Option<i64>,
        limit: u32,
    ) -> Result<AuditPage> {
        self.store
            .audit_page(filter, before, limit)
            .await
            .map_err(Into::into)
    }
}
