//! One-time sign-in codes and member sessions. A code is six digits, lives ten minutes,
//! allows five guesses, and only its hash (salted with the member id) is stored; a member
//! gets at most five codes an hour. Whether an email belongs to a member is never told.

use crate::Engine;
use crate::codes::{random_digits, random_token, sha256_hex};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use jiff::{SignedDuration, Timestamp};
use laurel_store::{MemberId, MemberSession, NewMessage};

/// How long a code works.
const CODE_LIFETIME: SignedDuration = SignedDuration::from_mins(10);
/// Codes a member may be sent per [`CODE_WINDOW`].
const CODES_PER_WINDOW: i64 = 5;
const CODE_WINDOW: SignedDuration = SignedDuration::from_hours(1);
/// Guesses at one code.
const GUESSES_MAX: i64 = 5;
/// How long a member stays signed in.
const SESSION: SignedDuration = SignedDuration::from_hours(7 * 24);

/// The email that carries a code, in the member's language: `{code}` in the body is
/// replaced by the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInLetter {
    /// Subject line.
    pub subject: String,
    /// Body, with `{code}` where the code goes.
    pub body: String,
}

/// A member just signed in: the token for their cookie (shown once, never stored) and the
/// session.
#[derive(Debug, Clone)]
pub struct MemberSignedIn {
    /// The cookie's value.
    pub token: String,
    /// The session.
    pub session: MemberSession,
}

fn code_hash(member: MemberId, code: &str) -> String {
    sha256_hex(&format!("{}:{}", member.0, code.trim()))
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
        if self
            .store
            .sign_in_codes_since(member, now - CODE_WINDOW)
            .await?
            >= CODES_PER_WINDOW
        {
            return Err(EngineError::Throttled {
                code: ErrorCode::TooManyCodes,
                message: "too many codes asked for: try again in an hour".into(),
            });
        }
        let code = random_digits(6);
        let message = NewMessage {
            channel: "email".into(),
            recipient: key,
            subject: letter.subject.clone(),
            body: letter.body.replace("{code}", &code),
            created_at: now,
        };
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
        if sent.used_at.is_some() || sent.expires_at <= now || sent.attempts >= GUESSES_MAX {
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
