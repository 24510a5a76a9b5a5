//! Staff accounts as an admin reviews them: who, their role, when they last signed in and
//! whether they are locked out now.

use super::StaffAccount;
use crate::Engine;
use crate::error::Result;
use jiff::Timestamp;

/// A staff account with what the staff page shows beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffListing {
    /// The account.
    pub account: StaffAccount,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last signed in, if it has.
    pub last_sign_in_at: Option<Timestamp>,
    /// Locked against sign-in until then (a lock that has run out is none).
    pub locked_until: Option<Timestamp>,
}

impl Engine {
    /// Every staff account, by email, as of `now`.
    pub async fn staff_listing(&self, now: Timestamp) -> Result<Vec<StaffListing>> {
        self.store
            .staff_users()
            .await?
            .iter()
            .map(|user| {
                Ok(StaffListing {
                    account: StaffAccount::from_stored(user)?,
                    created_at: user.account.created_at,
                    last_sign_in_at: user.last_sign_in_at,
                    locked_until: user.locked_until.filter(|until| *until > now),
                })
            })
            .collect()
    }
}
