//! Signing in with a one-time code (see `one_time.rs`), and member sessions. Whether an
//! email belongs to a member is never told.

use super::one_time::{
    CODE_LIFETIME, CODE_WINDOW, GUESSES_MAX, SignInLetter, code_hash, may_send, new_code,
    next_code_at, spent,
};
use crate::Engine;
use crate::codes::{random_token, sha256_hex};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use jiff::{SignedDuration, Timestamp};
use laurel_core::notices::NoticeKind;
use laurel_store::{MemberId, MemberSession};

/// How long a member stays signed in.
const SESSION: SignedDuration = SignedDuration::from_hours(7 * 24);

/// A member just signed in: the token for their cookie (shown once, never stored) and the
/// session.
#[derive(Debug, Clone)]
pub struct MemberSignedIn {
    /// The cookie's value.
    pub token: String,
    /// The session.
    pub session: MemberSession,
}

impl Engine {
    /// Sends a sign-in code to `email` if it is a member's (through the outbox, in the same
    /// transaction as the code); true when one was queued. Callers show the same page either
    /// way, so the portal does not tell who is a member.
    pub async fn request_sign_in_code(&self, email: &str, letter: &SignInLetter) -> Result<bool> {
        let key = laurel_core::referrals::email(email);
        crate::checks::text("email", &key)?;
        if !key.contains('@') {
            return Err(EngineError::invalid(
                "email",
                ErrorCode::InvalidField,
                "is not an email address",
            ));
        }
        let Some(member) = self.store.member_by_email_key(&key).await? else {
            return Ok(false);
        };
        if self
            .store
            .member(member)
            .await?
            .is_none_or(|m| crate::members::require_active(&m).is_err())
        {
            // A suspended member is told what a stranger is told.
            return Ok(false);
        }
        let now = crate::as_stored(Timestamp::now());
        may_send(&self.codes_sent_since(member, now).await?)?;
        let (code, message) = new_code(NoticeKind::SignInCode, (member, key), letter, now);
        self.store
            .insert_sign_in_code(
                member,
                &code_hash(member, &code),
                now,
                now + CODE_LIFETIME,
                &message,
            )
            .await?;
        self.outbox_ready.notify_one();
        Ok(true)
    }

    /// When the member with `email` may be sent another code, if not now: what a page says
    /// after a code stopped working (too many wrong guesses, expired) while the sending limit
    /// holds. `None` for an address no member has, as for a member who may ask now.
    pub async fn sign_in_code_wait(&self, email: &str) -> Result<Option<Timestamp>> {
        let key = laurel_core::referrals::email(email);
        if !crate::checks::findable(&key) {
            return Ok(None);
        }
        match self.store.member_by_email_key(&key).await? {
            Some(member) => {
                let sent = self.codes_sent_since(member, Timestamp::now()).await?;
                Ok(next_code_at(&sent))
            }
            None => Ok(None),
        }
    }

    /// When `member` was sent sign-in codes within the [`CODE_WINDOW`] before `now`.
    async fn codes_sent_since(&self, member: MemberId, now: Timestamp) -> Result<Vec<Timestamp>> {
        Ok(self
            .store
            .sign_in_code_times_since(member, now - CODE_WINDOW)
            .await?)
    }

    /// Signs a member in with the code sent to `email`.
    pub async fn sign_in_member(&self, email: &str, code: &str) -> Result<MemberSignedIn> {
        let key = laurel_core::referrals::email(email);
        if !crate::checks::findable(&key) {
            return Err(EngineError::SignInCodeWrong);
        }
        let Some(member) = self.store.member_by_email_key(&key).await? else {
            return Err(EngineError::SignInCodeWrong);
        };
        let now = crate::as_stored(Timestamp::now());
        let Some(sent) = self.store.latest_sign_in_code(member).await? else {
            return Err(EngineError::SignInCodeExpired);
        };
        if spent(sent.used_at, sent.expires_at, sent.attempts, now) {
            return Err(EngineError::SignInCodeExpired);
        }
        if !self.store.count_sign_in_guess(sent.id, GUESSES_MAX).await? {
            return Err(EngineError::SignInCodeExpired);
        }
        if !crate::codes::same_secret(&code_hash(member, code), &sent.code_hash) {
            return Err(EngineError::SignInCodeWrong);
        }
        let token = random_token();
        let session = MemberSession {
            member,
            csrf_token: random_token(),
            expires_at: now + SESSION,
        };
        if !self
            .store
            .use_sign_in_code(sent.id, &sha256_hex(&token), &session, now)
            .await?
        {
            return Err(EngineError::SignInCodeExpired);
        }
        Ok(MemberSignedIn { token, session })
    }

    /// The member session a cookie's token opens, if it is live.
    pub async fn member_session(&self, token: &str) -> Result<Option<MemberSession>> {
        Ok(self
            .store
            .member_session(&sha256_hex(token), Timestamp::now())
            .await?)
    }

    /// Ends a member's session.
    pub async fn sign_out_member(&self, token: &str) -> Result<()> {
        Ok(self
            .store
            .delete_member_session(&sha256_hex(token), Timestamp::now())
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_code_may_be_sent_once_the_oldest_of_the_last_five_is_an_hour_old() {
        let at = |min: i64| Timestamp::UNIX_EPOCH + SignedDuration::from_mins(min);
        assert_eq!(next_code_at(&[]), None);
        assert_eq!(next_code_at(&[at(0), at(1), at(2), at(3)]), None);
        let five = [at(0), at(1), at(2), at(3), at(4)];
        assert_eq!(next_code_at(&five), Some(at(60)));
        let six = [at(0), at(1), at(2), at(3), at(4), at(5)];
        assert_eq!(next_code_at(&six), Some(at(61)));
    }
}
