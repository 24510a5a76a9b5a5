//! A sign-in's second step: after the right password, a staff member with two-factor on gives
//! a code from their authenticator app (or a recovery code), and an admin who must have it but
//! has not sets it up. Between the two steps the sign-in waits under a token of its own (only
//! its hash is stored) that is no session: it reaches nothing but its step, for a few minutes.

use super::{SignedIn, StaffAccount, TotpSetup};
use crate::Engine;
use crate::codes::{random_token, sha256_hex as token_hash};
use crate::error::{EngineError, Result};
use jiff::{SignedDuration, Timestamp};
use laurel_store::StaffUser;

/// How long a sign-in waits for its second step: long enough to set up an app.
const WAITS: SignedDuration = SignedDuration::from_mins(10);

/// What a right password leads to.
#[derive(Debug, Clone)]
pub enum SignIn {
    /// Signed in: no second step is asked.
    Done(SignedIn),
    /// A code is asked next ([`Engine::sign_in_with_code`]).
    Code(PendingSignIn),
    /// Two-factor is set up next, before anything else ([`Engine::set_up_at_sign_in`]).
    SetUp(PendingSignIn),
}

/// A sign-in waiting for its second step: its token for a cookie (shown only now).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignIn {
    /// The cookie's value.
    pub token: String,
    /// When it stops waiting.
    pub expires_at: Timestamp,
}

impl Engine {
    /// Keeps `user`'s sign-in waiting for its second step.
    pub(super) async fn wait_for_second_step(
        &self,
        user: &StaffUser,
        now: Timestamp,
    ) -> Result<PendingSignIn> {
        let token = random_token();
        let expires_at = now + WAITS;
        self.store
            .insert_staff_pending_sign_in(&token_hash(&token), user.id, expires_at, now)
            .await?;
        Ok(PendingSignIn { token, expires_at })
    }

    /// Finishes a sign-in waiting for a code with `code`, a current one from the app or an
    /// unused recovery code: a session. A wrong or replayed code is refused
    /// (`two_factor_code_wrong`) and counts toward the sign-in lock; a sign-in that stopped
    /// waiting is `sign_in_expired`.
    pub async fn sign_in_with_code(&self, token: &str, code: &str) -> Result<SignedIn> {
        let now = crate::as_stored(Timestamp::now());
        let user = self.waiting(token, now).await?;
        if user.two_factor_since.is_none() {
            // Reset by an admin meanwhile: the password is asked again.
            return Err(EngineError::SignInExpired);
        }
        self.check_second_factor(&user, code, now).await?;
        self.finish_sign_in(token, &user, now).await
    }

    /// The staff member of a sign-in waiting for two-factor to be set up, and the secret they
    /// set it up with (the same one until confirmed).
    pub async fn set_up_at_sign_in_page(&self, token: &str) -> Result<(StaffAccount, TotpSetup)> {
        let now = crate::as_stored(Timestamp::now());
        let user = self.waiting_to_set_up(token, now).await?;
        let account = StaffAccount::from_stored(&user)?;
        let setup = self.start_two_factor(&account).await?;
        Ok((account, setup))
    }

    /// Finishes a sign-in waiting for two-factor to be set up with a code from the new secret:
    /// two-factor on, a session, and the recovery codes to show once.
    pub async fn set_up_at_sign_in(
        &self,
        token: &str,
        code: &str,
    ) -> Result<(SignedIn, Vec<String>)> {
        let now = crate::as_stored(Timestamp::now());
        let user = self.waiting_to_set_up(token, now).await?;
        let codes = self
            .confirm_two_factor(&StaffAccount::from_stored(&user)?, code)
            .await?;
        let signed_in = self.finish_sign_in(token, &user, now).await?;
        Ok((signed_in, codes))
    }

    /// The staff member of a waiting sign-in that has not expired (nor been disabled since).
    async fn waiting(&self, token: &str, now: Timestamp) -> Result<StaffUser> {
        self.store
            .staff_pending_sign_in(&token_hash(token), now)
            .await?
            .filter(|user| user.disabled_at.is_none())
            .ok_or(EngineError::SignInExpired)
    }

    /// [`Engine::waiting`], for a sign-in that must set two-factor up.
    async fn waiting_to_set_up(&self, token: &str, now: Timestamp) -> Result<StaffUser> {
        let user = self.waiting(token, now).await?;
        if !self.must_set_up_two_factor(&user)? {
            return Err(EngineError::SignInExpired);
        }
        Ok(user)
    }

    /// The waiting sign-in ended (only once, however many requests finish it) and a session.
    async fn finish_sign_in(
        &self,
        token: &str,
        user: &StaffUser,
        now: Timestamp,
    ) -> Result<SignedIn> {
        if !self
            .store
            .delete_staff_pending_sign_in(&token_hash(token))
            .await?
        {
            return Err(EngineError::SignInExpired);
        }
        self.start_session(user, now).await
    }
}
