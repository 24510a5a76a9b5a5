//! Members signing in to the portal: one-time codes (stored as hashes, with their wrong
//! guesses counted) and sessions (found by their token's hash).

use crate::db::connect::Store;
use crate::db::sql::{Sql, args};
use crate::error::Result;
use crate::tables::one_time::CodeTable;
use crate::tables::outbox::NewMessage;
use crate::types::{MemberId, instant, instant_opt, micros};
use jiff::Timestamp;

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
    /// When the codes sent to a member since `since` were sent, oldest first: what the
    /// sending limit counts, and when it lets another be sent.
    pub async fn sign_in_code_times_since(
        &self,
        member: MemberId,
        since: Timestamp,
    ) -> Result<Vec<Timestamp>> {
        self.code_times_since(CodeTable::SignIn, member, since)
            .await
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
        let mut db = self;
        let row = db
            .row_opt(
                "SELECT id, member_id, code_hash, expires_at, attempts, used_at \
                 FROM member_sign_in_codes WHERE member_id = $1 ORDER BY id DESC LIMIT 1",
                args![member.0],
            )
            .await?;
        row.map(|row| {
            Ok(SignInCode {
                id: row.get("id")?,
                member: MemberId(row.get("member_id")?),
                code_hash: row.get("code_hash")?,
                expires_at: instant(row.get("expires_at")?)?,
                attempts: row.get("attempts")?,
                used_at: instant_opt(row.get("used_at")?)?,
            })
        })
        .transpose()
    }

    /// Counts one guess at a code, unless it is used or has had `max` guesses already;
    /// false when the guess may not be made. Counted before the guess is judged, in one
    /// statement, so concurrent guesses cannot exceed the limit.
    pub async fn count_sign_in_guess(&self, code: i64, max: i64) -> Result<bool> {
        self.count_code_guess(CodeTable::SignIn, code, max).await
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
        tx.run(
            "UPDATE members SET last_seen_at = $1 WHERE id = $2",
            args![micros(now), session.member.0],
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
        let mut db = self;
        let row = db
            .row_opt(
                "SELECT member_id, csrf_token, expires_at FROM member_sessions \
                 WHERE token_hash = $1 AND expires_at > $2",
                args![token_hash, micros(now)],
            )
            .await?;
        row.map(|row| {
            Ok(MemberSession {
                member: MemberId(row.get("member_id")?),
                csrf_token: row.get("csrf_token")?,
                expires_at: instant(row.get("expires_at")?)?,
            })
        })
        .transpose()
    }

    /// Ends a session (signing out), and any that expired before `now`.
    pub async fn delete_member_session(&self, token_hash: &str, now: Timestamp) -> Result<()> {
        let mut db = self;
        db.run(
            "DELETE FROM member_sessions WHERE token_hash = $1 OR expires_at <= $2",
            args![token_hash, micros(now)],
        )
        .await?;
        Ok(())
    }

    /// Ends every session of a member (when they are suspended).
    pub async fn delete_member_sessions(&self, member: MemberId) -> Result<()> {
        let mut db = self;
        db.run(
            "DELETE FROM member_sessions WHERE member_id = $1",
            args![member.0],
        )
        .await?;
        Ok(())
    }

    /// The oldest member whose email, as compared, is `email_key`: who a sign-in code for
    /// that address goes to.
    pub async fn member_by_email_key(&self, email_key: &str) -> Result<Option<MemberId>> {
        let mut db = self;
        let row = db
            .row(
                "SELECT MIN(id) FROM members WHERE email_key = $1",
                args![email_key],
            )
            .await?;
        Ok(row.get::<Option<i64>>(0)?.map(MemberId))
    }
}
