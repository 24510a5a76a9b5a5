//! Staff accounts as an admin reviews them: who, their role, when they last signed in, whether
//! they are locked out now and whether two-factor sign-in is on.

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
    /// Two-factor sign-in on since then, if it is on.
    pub two_factor_since: Option<Timestamp>,
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
                    two_factor_since: user.two_factor_since,
                })
            })
            .collect()
    }
}
