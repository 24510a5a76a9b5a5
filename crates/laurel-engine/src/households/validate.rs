//! A household request's checks before the write path, and the commands' shapes.

use crate::checks::text;
use crate::error::Result;
use laurel_store::MemberId;

/// What a household command does.
#[derive(Debug, Clone)]
pub(crate) enum HouseholdAsk {
    /// Make a household owned by the member.
    Create { owner: MemberId, name: String },
    /// The member asks to join the household.
    Join { household: i64, member: MemberId },
    /// The owner consents to the member's joining.
    Approve { household: i64, member: MemberId },
    /// The member leaves (or is removed, or their request declined); the owner leaving ends
    /// the household.
    Remove { household: i64, member: MemberId },
}

impl HouseholdAsk {
    /// The member the command changes: locked by the write path's batch.
    pub fn member(&self) -> MemberId {
        match self {
            HouseholdAsk::Create { owner, .. } => *owner,
            HouseholdAsk::Join { member, .. }
            | HouseholdAsk::Approve { member, .. }
            | HouseholdAsk::Remove { member, .. } => *member,
        }
    }
}

/// A household's name: one line of text.
pub(crate) fn create(owner: i64, name: String) -> Result<HouseholdAsk> {
    text("name", &name)?;
    Ok(HouseholdAsk::Create {
        owner: MemberId(owner),
        name: name.trim().to_owned(),
    })
}
