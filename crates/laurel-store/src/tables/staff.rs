//! Staff accounts and their sessions (what they did is in `audit.rs`).

use crate::db::connect::Store;
use crate::db::sql::{Row, Sql, args};
use crate::error::Result;
use crate::types::{instant, instant_opt, micros};
use jiff::Timestamp;

/// A staff account to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStaffUser {
    /// Sign-in name, trimmed and lower-cased.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role name (admin, manager, support, finance).
    pub role: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// When it was created.
    pub created_at: Timestamp,
}

/// A stored staff account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffUser {
    /// Row id.
    pub id: i64,
    /// What was stored at creation.
    pub account: NewStaffUser,
    /// When it was disabled, if it was.
    pub disabled_at: Option<Timestamp>,
    /// Failed sign-ins in a row.
    pub failed_logins: i64,
    /// Locked against sign-in until then.
    pub locked_until: Option<Timestamp>,
    /// When they last signed in, if they have.
    pub last_sign_in_at: Option<Timestamp>,
    /// When they turned two-factor sign-in on, if it is on.
    pub two_factor_since: Option<Timestamp>,
}

/// A live session with its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    /// Who is signed in.
    pub user: StaffUser,
    /// The token every state-changing form must carry.
    pub csrf_token: String,
    /// When it ends.
    pub expires_at: Timestamp,
}

pub(crate) const USER_COLUMNS: &str = "u.id, u.email, u.name, u.role, u.password_hash, u.created_at, u.disabled_at, u.failed_logins, u.locked_until, u.last_sign_in_at, u.totp_enrolled_at";

pub(crate) fn user_from(row: &Row) -> Result<StaffUser> {
    Ok(StaffUser {
        id: row.get("id")?,
        account: NewStaffUser {
            email: row.get("email")?,
            name: row.get("name")?,
            role: row.get("role")?,
            password_hash: row.get("password_hash")?,
            created_at: instant(row.get("created_at")?)?,
        },
        disabled_at: instant_opt(row.get("disabled_at")?)?,
        failed_logins: row.get("failed_logins")?,
        locked_until: instant_opt(row.get("locked_until")?)?,
        last_sign_in_at: instant_opt(row.get("last_sign_in_at")?)?,
        two_factor_since: instant_opt(row.get("totp_enrolled_at")?)?,
    })
}

impl Store {
    /// Creates a staff account; `None` when the email is taken.
    pub async fn insert_staff_user(&self, new: &NewStaffUser) -> Result<Option<i64>> {
        let mut db = self;
        let inserted = db
            .row(
                "INSERT INTO staff_users (email, name, role, password_hash, created_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                args![
                    &new.email,
                    &new.name,
                    &new.role,
                    &new.password_hash,
                    micros(new.created_at),
                ],
            )
            .await;
        match inserted {
            Ok(row) => Ok(Some(row.get(0)?)),
            Err(e) if e.is_unique_violation() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A staff account by its (normalized) email.
    pub async fn staff_user_by_email(&self, email: &str) -> Result<Option<StaffUser>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM staff_users u WHERE u.email = $1");
        let mut db = self;
        let row = db.row_opt(&sql, args![email]).await?;
        row.as_ref().map(user_from).transpose()
    }

    /// Every staff account, by email.
    pub async fn staff_users(&self) -> Result<Vec<StaffUser>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM staff_users u ORDER BY u.email");
        let mut db = self;
        let rows = db.rows(&sql, &[]).await?;
        rows.iter().map(user_from).collect()
    }

    /// Records a sign-in outcome: failures in a row (0 after a success) and the lock, if any.
    pub async fn set_staff_login_state(
        &self,
        user: i64,
        failed_logins: i64,
        locked_until: Option<Timestamp>,
    ) -> Result<()> {
        let mut db = self;
        db.run(
            "UPDATE staff_users SET failed_logins = $1, locked_until = $2 WHERE id = $3",
            args![failed_logins, locked_until.map(micros), user],
        )
        .await?;
        Ok(())
    }

    /// Records a successful sign-in at `at`: failures in a row back to 0, no lock.
    pub async fn record_staff_sign_in(&self, user: i64, at: Timestamp) -> Result<()> {
        let mut db = self;
        db.run(
            "UPDATE staff_users SET failed_logins = 0, locked_until = NULL, last_sign_in_at = $1 \
             WHERE id = $2",
            args![micros(at), user],
        )
        .await?;
        Ok(())
    }

    /// Starts a session.
    pub async fn insert_staff_session(
        &self,
        token_hash: &str,
        user: i64,
        csrf_token: &str,
        created_at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        let mut db = self;
        db.run(
            "INSERT INTO staff_sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
            args![
                token_hash,
                user,
                csrf_token,
                micros(created_at),
                micros(expires_at),
            ],
        )
        .await?;
        Ok(())
    }

    /// The session with this token hash, with its user, if it has not ended by `now`.
    pub async fn staff_session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<StaffSession>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.expires_at FROM staff_sessions s \
             JOIN staff_users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2"
        );
        let mut db = self;
        let row = db.row_opt(&sql, args![token_hash, micros(now)]).await?;
        row.map(|row| {
            Ok(StaffSession {
                user: user_from(&row)?,
                csrf_token: row.get("csrf_token")?,
                expires_at: instant(row.get("expires_at")?)?,
            })
        })
        .transpose()
    }

    /// Ends a session (signing out), and any that expired before `now`.
    pub async fn delete_staff_session(&self, token_hash: &str, now: Timestamp) -> Result<()> {
        let mut db = self;
        db.run(
            "DELETE FROM staff_sessions WHERE token_hash = $1 OR expires_at <= $2",
            args![token_hash, micros(now)],
        )
        .await?;
        Ok(())
    }
}
