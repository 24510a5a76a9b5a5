//! A member changes their email or phone in the portal, proved by a code sent by email — to
//! the new address for an email, to the address on file for a phone (texting a code is not
//! here yet) — with the same limits as sign-in codes: ten minutes, five guesses, five codes
//! an hour.

use super::one_time::{
    CODE_LIFETIME, CODE_WINDOW, GUESSES_MAX, SignInLetter, code_hash, may_send, new_code, spent,
};
use crate::Engine;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use jiff::Timestamp;
use laurel_core::notices::NoticeKind;
use laurel_store::{MemberId, NewContactChange};

/// What a member may change with a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactField {
    /// Their email address (also what they sign in with).
    Email,
    /// Their phone number.
    Phone,
}

impl ContactField {
    /// Its stable name (`email`, `phone`).
    pub fn as_str(self) -> &'static str {
        match self {
            ContactField::Email => "email",
            ContactField::Phone => "phone",
        }
    }

    /// `value` as compared (the stored key), or why it is not one.
    fn key(self, value: &str) -> Result<String> {
        crate::checks::text(self.as_str(), value)?;
        let (key, fits) = match self {
            ContactField::Email => {
                let key = laurel_core::referrals::email(value);
                let fits = key.contains('@');
                (key, fits)
            }
            ContactField::Phone => {
                let key = laurel_core::referrals::phone(value);
                let fits = key.len() >= 5;
                (key, fits)
            }
        };
        if !fits {
            return Err(EngineError::invalid(
                self.as_str(),
                ErrorCode::InvalidField,
                format!("is not a possible {}", self.as_str()),
            ));
        }
        Ok(key)
    }
}

impl Engine {
    /// Asks to change the member's email or phone to `value`: a code goes by email (through
    /// the outbox) and [`Engine::confirm_contact_change`] applies the change with it. An
    /// email another member has is refused, as is a phone change for a member with no email.
    pub async fn request_contact_change(
        &self,
        member: i64,
        field: ContactField,
        value: &str,
        letter: &SignInLetter,
    ) -> Result<()> {
        let value = value.trim();
        let key = field.key(value)?;
        let id = MemberId(member);
        let stored = self.member(&crate::MemberRef::Id(member)).await?;
        crate::members::require_active(&stored)?;
        let recipient = match field {
            ContactField::Email => {
                self.refuse_anothers_email(id, &key).await?;
                key.clone()
            }
            ContactField::Phone => match stored.profile.email {
                Some(email) => laurel_core::referrals::email(&email),
                None => {
                    return Err(EngineError::invalid(
                        "email",
                        ErrorCode::MissingField,
                        "is needed to send the code to",
                    ));
                }
            },
        };
        let now = crate::as_stored(Timestamp::now());
        let sent = self
            .store
            .contact_change_times_since(id, now - CODE_WINDOW)
            .await?;
        may_send(&sent)?;
        let (code, message) = new_code(NoticeKind::ContactCode, (id, recipient), letter, now);
        let change = NewContactChange {
            member: id,
            field: field.as_str(),
            new_value: value,
            code_hash: &code_hash(id, &code),
            created_at: now,
            expires_at: now + CODE_LIFETIME,
        };
        self.store.insert_contact_change(&change, &message).await?;
        self.outbox_ready.notify_one();
        Ok(())
    }

    /// Refuses an email (as compared, `key`) that a member other than `id` has.
    async fn refuse_anothers_email(&self, id: MemberId, key: &str) -> Result<()> {
        match self.store.member_by_email_key(key).await? {
            Some(owner) if owner != id => Err(EngineError::invalid(
                "email",
                ErrorCode::InvalidField,
                "is another member's",
            )),
            _ => Ok(()),
        }
    }

    /// Applies the member's newest asked-for change with the code sent for it; answers what
    /// changed. A wrong code is `sign_in_code_wrong`; a used, stale or over-guessed one
    /// `sign_in_code_expired`, as when signing in.
    pub async fn confirm_contact_change(&self, member: i64, code: &str) -> Result<ContactField> {
        let id = MemberId(member);
        let now = crate::as_stored(Timestamp::now());
        let Some(change) = self.store.latest_contact_change(id).await? else {
            return Err(EngineError::SignInCodeExpired);
        };
        if spent(change.used_at, change.expires_at, change.attempts, now) {
            return Err(EngineError::SignInCodeExpired);
        }
        if !self
            .store
            .count_contact_guess(change.id, GUESSES_MAX)
            .await?
        {
            return Err(EngineError::SignInCodeExpired);
        }
        if !crate::codes::same_secret(&code_hash(id, code), &change.code_hash) {
            return Err(EngineError::SignInCodeWrong);
        }
        let field = if change.field == "email" {
            ContactField::Email
        } else {
            ContactField::Phone
        };
        let key = field.key(&change.new_value)?;
        // Asked again now: the member may have been suspended, or another member may have
        // taken the address, since the code was sent.
        crate::members::require_active(&self.member(&crate::MemberRef::Id(member)).await?)?;
        if field == ContactField::Email {
            self.refuse_anothers_email(id, &key).await?;
        }
        if !self
            .store
            .apply_contact_change(id, &change, &key, now)
            .await?
        {
            return Err(EngineError::SignInCodeExpired);
        }
        Ok(field)
    }
}
