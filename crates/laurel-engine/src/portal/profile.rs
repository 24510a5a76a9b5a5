//! What members change themselves: their name, birthday (once) and consent per channel and
//! purpose, in one transaction with the history of their consents.

use crate::Engine;
use crate::checks::checked;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::privacy::consent_history::{ConsentSource, change_consents};
use crate::privacy::consents::Consents;
use jiff::Timestamp;
use jiff::civil::Date;
use laurel_core::text::{self, Layout};
use laurel_store::ProfileChange;

/// Longest name kept.
const NAME_MAX: usize = 100;

/// A member's change to their own profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileUpdate {
    /// Display name; empty clears it.
    pub name: String,
    /// Birthday, kept only if none is on file.
    pub birthday: Option<Date>,
    /// Consent per channel and purpose; what it does not answer stays as it was.
    pub consents: Consents,
}

/// The oldest birthday accepted.
fn birthday_floor() -> Date {
    jiff::civil::date(1900, 1, 1)
}

impl Engine {
    /// Applies a member's change to their own profile. A birthday already on file stays:
    /// staff correct it, so a birthday bonus cannot be had twice.
    pub async fn update_profile(&self, member: i64, update: ProfileUpdate) -> Result<()> {
        let name = update.name.trim();
        if name.chars().count() > NAME_MAX {
            return Err(EngineError::invalid(
                "name",
                ErrorCode::InvalidField,
                format!("is longer than {NAME_MAX} characters"),
            ));
        }
        checked("name", text::characters(name, Layout::Line))?;
        let today = Timestamp::now()
            .to_zoned_datetime(self.definition().program.time_zone.clone())
            .date();
        if let Some(day) = update.birthday
            && (day > today || day < birthday_floor())
        {
            return Err(EngineError::invalid(
                "birthday",
                ErrorCode::InvalidField,
                "is not a possible birthday",
            ));
        }
        let change = ProfileChange {
            name: (!name.is_empty()).then(|| name.to_owned()),
            birthday: update.birthday,
        };
        let found = self.member(&crate::MemberRef::Id(member)).await?;
        crate::members::require_not_erased(&found)?;
        let mut tx = self.store.begin().await?;
        tx.change_profile(found.id, &change).await?;
        change_consents(
            &mut tx,
            found.id,
            &update.consents,
            ConsentSource::Portal,
            Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
