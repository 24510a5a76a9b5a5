//! Members signing in to the portal: one-time codes (stored as hashes, with their wrong
//! guesses counted) and sessions (found by their token's hash).

use crate::connect::Store;
use crate::error::Result;
use crate::outbox::NewMessage;
use crate::sql::{Sql, args};
use crate::types::{MemberId, instant, instant_opt, micros};
use jiff::Timestamp;
use sqlx::Row;

/// A sign-in code as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInCode {
    /// Row id.
    pub id: i64,
    /// Whose it is.
    pub member: MemberId,
    /// SHA-256 of the member id and the code.
    pub code_hash: String,
    /// When it stops working.
    pub expires_at: Timestamp,
    /// Wrong guesses so far.
    pub attempts: i64,
    /// When it was used, if it was.
    pub used_at: Option<Timestamp>,
}

/// A member's live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberSession {
    /// Who is signed in.
    pub member: MemberId,
    /// The token every state-changing form must carry.
    pub csrf_token: String,
    /// When it ends.
    pub expires_at: Timestamp,
}

impl Store {
    /// Codes sent to a member since `since`: what the sending limit counts.
    pub async fn sign_in_codes_since(&self, member: MemberId, since: Timestamp) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM member_sign_in_codes WHERE member_id = $1 AND created_at >= $2",
        )
        .bind(member.0)
        .bind(micros(since))
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    /// Stores a new code and the message that carries it, in one transaction: a code is
    /// never stored without its message, nor a message sent for a code that is not stored.
    pub async fn insert_sign_in_code(
        &self,
        member: MemberId,
        code_hash: &str,
        created_at: Timestamp,
        expires_at: Timestamp,
        message: &NewMessage,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.run(
            "INSERT INTO member_sign_in_codes (member_id, code_hash, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
            args![member.0, code_hash, micros(created_at), micros(expires_at)],
        )
        .await?;
        tx.insert_message(message).await?;
        tx.commit().await
    }

    /// The member's newest code, used or not.
    pub async fn latest_sign_in_code(&self, member: MemberId) -> Result<Option<SignInCode>> {
        let row = sqlx::query(
            "SELECT id, member_id, code_hash, expires_at, attempts, used_at \
             FROM member_sign_in_codes WHERE member_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(member.0)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(SignInCode {
                id: row.try_get("id")?,
                member: MemberId(row.try_get("member_id")?),
                code_hash: row.try_get("code_hash")?,
                expires_at: instant(row.try_get("expires_at")?)?,
                attempts: row.try_get("attempts")?,
                used_at: instant_opt(row.try_get("used_at")?)?,
            })
        })
        .transpose()
    }

    /// Counts one guess at a code, unless it is used or has had `max` guesses already;
    /// false when the guess may not be made. Counted before the guess is judged, in one
    /// statement, so concurrent guesses cannot exceed the limit.
    pub async fn count_sign_in_guess(&self, code: i64, max: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE member_sign_in_codes SET attempts = attempts + 1 \
             WHERE id = $1 AND used_at IS NULL AND attempts < $2",
        )
        .bind(code)
        .bind(max)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks a code used and starts the session it opens, in one transaction; false (and no
    /// session) when the code was used meanwhile.
    pub async fn use_sign_in_code(
        &self,
        code: i64,
        token_hash: &str,
        session: &MemberSession,
        now: Timestamp,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let used = tx
            .run(
                "UPDATE member_sign_in_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
                args![micros(now), code],
            )
            .await?;
        if used != 1 {
            return Ok(false);
        }
        tx.run(
            "INSERT INTO member_sessions (token_hash, member_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
            args![
                token_hash,
                session.member.0,
                &session.csrf_token,
                micros(now),
                micros(session.expires_at),
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The session with this token hash, if it has not ended by `now`.
    pub async fn member_session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<MemberSession>> {
        let row = sqlx::query(
            "SELECT member_id, csrf_token, expires_at FROM member_sessions \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash.to_owned())
        .bind(micros(now))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(MemberSession {
                member: MemberId(row.try_get("member_id")?),
                csrf_token: row.try_get("csrf_token")?,
                expires_at: instant(row.try_get("expires_at")?)?,
            })
        })
        .transpose()
    }

    /// Ends a session (signing out), and any that expired before `now`.
    pub async fn delete_member_session(&self, token_hash: &str, now: Timestamp) -> Result<()> {
        sqlx::query("DELETE FROM member_sessions WHERE token_hash = $1 OR expires_at <= $2")
            .bind(token_hash.to_owned())
            .bind(micros(now))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends every session of a member (when they are suspended).
    pub async fn delete_member_sessions(&self, member: MemberId) -> Result<()> {
        sqlx::query("DELETE FROM member_sessions WHERE member_id = $1")
            .bind(member.0)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The oldest member whose email, as compared, is `email_key`: who a sign-in code for
    /// that address goes to.
    pub async fn member_by_email_key(&self, email_key: &str) -> Result<Option<MemberId>> {
        let row = sqlx::query("SELECT MIN(id) FROM members WHERE email_key = $1")
            .bind(email_key.to_owned())
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<Option<i64>, _>(0)?.map(MemberId))
    }
}
