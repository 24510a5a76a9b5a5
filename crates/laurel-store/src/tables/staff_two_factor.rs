//! Staff two-factor sign-in as stored: the TOTP secret (set up, then confirmed), the last time
//! step a code was accepted for, recovery codes by their hash (each used once), and sign-ins
//! waiting for their second step. Every change a staff member or an admin makes is written
//! with its audit entry, in one transaction.

use crate::db::connect::Store;
use crate::db::sql::{Sql, args};
use crate::error::Result;
use crate::tables::audit::{AuditEntry, insert_audit};
use crate::tables::staff::{StaffUser, USER_COLUMNS, user_from};
use crate::types::{instant_opt, micros};
use jiff::Timestamp;

/// A staff member's two-factor state, with the secrets a code is checked against (never shown
/// but while setting up).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffTwoFactor {
    /// The confirmed secret (base32), when two-factor is on.
    pub secret: Option<String>,
    /// When it was turned on.
    pub enrolled_at: Option<Timestamp>,
    /// A secret being set up, not yet confirmed by a code.
    pub pending_secret: Option<String>,
    /// The time step of the last code accepted.
    pub last_step: Option<i64>,
    /// Recovery codes not used yet.
    pub recovery_codes_left: i64,
}

/// Two-factor turned on: the secret a code confirmed, that code's step, when, and the recovery
/// codes' hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment<'a> {
    /// The pending secret the code was checked against (it must still be the pending one).
    pub secret: &'a str,
    /// The confirming code's step: no code of it or before is taken again.
    pub step: i64,
    /// When.
    pub at: Timestamp,
    /// SHA-256 of each recovery code.
    pub recovery_hashes: &'a [String],
}

/// What turning two-factor off does to the staff member's sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sessions {
    /// Kept: the staff member turned it off themselves, signed in.
    Kept,
    /// Ended: an admin reset it (a lost phone may be in other hands), so they sign in again.
    Ended,
}

impl Store {
    /// A staff account by its id.
    pub async fn staff_user(&self, id: i64) -> Result<Option<StaffUser>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM staff_users u WHERE u.id = $1");
        let mut db = self;
        let row = db.row_opt(&sql, args![id]).await?;
        row.as_ref().map(user_from).transpose()
    }

    /// A staff member's two-factor state (all empty for an unknown id).
    pub async fn staff_two_factor(&self, user: i64) -> Result<StaffTwoFactor> {
        let mut db = self;
        let row = db
            .row_opt(
                "SELECT totp_secret, totp_enrolled_at, totp_pending_secret, totp_last_step, \
                 (SELECT COUNT(*) FROM staff_recovery_codes c \
                  WHERE c.user_id = u.id AND c.used_at IS NULL) AS left_codes \
                 FROM staff_users u WHERE u.id = $1",
                args![user],
            )
            .await?;
        let Some(row) = row else {
            return Ok(StaffTwoFactor::default());
        };
        Ok(StaffTwoFactor {
            secret: row.get("totp_secret")?,
            enrolled_at: instant_opt(row.get("totp_enrolled_at")?)?,
            pending_secret: row.get("totp_pending_secret")?,
            last_step: row.get("totp_last_step")?,
            recovery_codes_left: row.get("left_codes")?,
        })
    }

    /// Keeps `secret` as the one being set up, unless two-factor is on; whether it was kept.
    pub async fn set_staff_pending_secret(&self, user: i64, secret: &str) -> Result<bool> {
        let mut db = self;
        let changed = db
            .run(
                "UPDATE staff_users SET totp_pending_secret = $1 \
                 WHERE id = $2 AND totp_secret IS NULL",
                args![secret, user],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Turns two-factor on with the pending secret a code confirmed, its recovery codes and
    /// its audit entry, in one transaction; false (nothing written) when it is on already or
    /// the pending secret is no longer `enrolment.secret`.
    pub async fn enrol_staff_two_factor(
        &self,
        user: i64,
        enrolment: &Enrolment<'_>,
        audit: &AuditEntry,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let changed = tx
            .run(
                "UPDATE staff_users SET totp_secret = totp_pending_secret, \
                 totp_enrolled_at = $1, totp_pending_secret = NULL, totp_last_step = $2 \
                 WHERE id = $3 AND totp_secret IS NULL AND totp_pending_secret = $4",
                args![micros(enrolment.at), enrolment.step, user, enrolment.secret],
            )
            .await?;
        if changed == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        replace_recovery_codes(&mut tx, user, enrolment.recovery_hashes).await?;
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Takes a code of time step `step`: true when it is later than the last step taken (the
    /// step becomes the last), false for a code of that step or an earlier one (a replay).
    /// One statement, so two requests with the same code cannot both pass.
    pub async fn accept_staff_totp_step(&self, user: i64, step: i64) -> Result<bool> {
        let mut db = self;
        let changed = db
            .run(
                "UPDATE staff_users SET totp_last_step = $1 WHERE id = $2 \
                 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $1)",
                args![step, user],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Uses the recovery code with this hash at `at`: false when there is none unused.
    pub async fn use_staff_recovery_code(
        &self,
        user: i64,
        code_hash: &str,
        at: Timestamp,
    ) -> Result<bool> {
        let mut db = self;
        let changed = db
            .run(
                "UPDATE staff_recovery_codes SET used_at = $1 \
                 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
                args![micros(at), user, code_hash],
            )
            .await?;
        Ok(changed == 1)
    }

    /// Replaces every recovery code of the staff member (used or not) with these, with the
    /// audit entry, in one transaction.
    pub async fn replace_staff_recovery_codes(
        &self,
        user: i64,
        hashes: &[String],
        audit: &AuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        replace_recovery_codes(&mut tx, user, hashes).await?;
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Turns two-factor off (the secrets, the last step, the recovery codes and any sign-in
    /// waiting for a code go), with the audit entry, in one transaction; false (nothing
    /// written) when it was neither on nor being set up.
    pub async fn remove_staff_two_factor(
        &self,
        user: i64,
        sessions: Sessions,
        audit: &AuditEntry,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let changed = tx
            .run(
                "UPDATE staff_users SET totp_secret = NULL, totp_enrolled_at = NULL, \
                 totp_pending_secret = NULL, totp_last_step = NULL \
                 WHERE id = $1 AND (totp_secret IS NOT NULL OR totp_pending_secret IS NOT NULL)",
                args![user],
            )
            .await?;
        if changed == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        replace_recovery_codes(&mut tx, user, &[]).await?;
        tx.run(
            "DELETE FROM staff_pending_sign_ins WHERE user_id = $1",
            args![user],
        )
        .await?;
        if sessions == Sessions::Ended {
            tx.run("DELETE FROM staff_sessions WHERE user_id = $1", args![user])
                .await?;
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Keeps a sign-in waiting for its second step (and drops those that expired by `now`).
    pub async fn insert_staff_pending_sign_in(
        &self,
        token_hash: &str,
        user: i64,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.run(
            "DELETE FROM staff_pending_sign_ins WHERE expires_at <= $1",
            args![micros(now)],
        )
        .await?;
        tx.run(
            "INSERT INTO staff_pending_sign_ins (token_hash, user_id, expires_at) \
             VALUES ($1, $2, $3)",
            args![token_hash, user, micros(expires_at)],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The staff member of the sign-in waiting with this token hash, if it has not expired by
    /// `now`.
    pub async fn staff_pending_sign_in(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<StaffUser>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM staff_pending_sign_ins p \
             JOIN staff_users u ON u.id = p.user_id WHERE p.token_hash = $1 AND p.expires_at > $2"
        );
        let mut db = self;
        let row = db.row_opt(&sql, args![token_hash, micros(now)]).await?;
        row.as_ref().map(user_from).transpose()
    }

    /// Ends a waiting sign-in; false when it was gone already (so of two requests finishing
    /// one sign-in, only one makes a session).
    pub async fn delete_staff_pending_sign_in(&self, token_hash: &str) -> Result<bool> {
        let mut db = self;
        let changed = db
            .run(
                "DELETE FROM staff_pending_sign_ins WHERE token_hash = $1",
                args![token_hash],
            )
            .await?;
        Ok(changed == 1)
    }
}

/// The staff member's recovery codes become exactly `hashes`, none used.
async fn replace_recovery_codes<S: Sql>(db: &mut S, user: i64, hashes: &[String]) -> Result<()> {
    db.run(
        "DELETE FROM staff_recovery_codes WHERE user_id = $1",
        args![user],
    )
    .await?;
    for hash in hashes {
        db.run(
            "INSERT INTO staff_recovery_codes (user_id, code_hash) VALUES ($1, $2)",
            args![user, hash],
        )
        .await?;
    }
    Ok(())
}
