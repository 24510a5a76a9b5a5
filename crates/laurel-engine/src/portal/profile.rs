//! What members change themselves: their name, birthday (once) and consent per channel.

use crate::Engine;
use crate::checks::checked;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use jiff::Timestamp;
use jiff::civil::Date;
use laurel_core::text::{self, Layout};
use laurel_store::{MemberId, ProfileChange};
use std::collections::BTreeMap;

/// The channels a member gives or withholds consent for.
pub const CHANNELS: [&str; 3] = laurel_core::notices::CHANNELS;
/// Longest name kept.
const NAME_MAX: usize = 100;

/// Consent per channel; a channel never asked about has none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Consents(BTreeMap<String, bool>);

impl Consents {
    /// Consent for exactly the channels in `given` (others withheld).
    pub fn given(given: &[&str]) -> Consents {
        Consents(
            CHANNELS
                .iter()
                .map(|c| ((*c).to_owned(), given.contains(c)))
                .collect(),
        )
    }

    /// Consents as stored (a JSON object), none for a member never asked.
    pub(crate) fn parse(stored: Option<&str>) -> Result<Consents> {
        let map = match stored {
            Some(text) => serde_json::from_str(text)
                .map_err(|e| EngineError::Internal(format!("stored consents: {e}")))?,
            None => BTreeMap::new(),
        };
        Ok(Consents(map))
    }

    /// Consents as they are stored: a JSON object.
    pub(crate) fn to_stored(&self) -> Result<String> {
        serde_json::to_string(&self.0).map_err(|e| EngineError::Internal(format!("consents: {e}")))
    }

    /// The same consents with `channel` withdrawn.
    pub(crate) fn without(mut self, channel: &str) -> Consents {
        self.0.insert(channel.to_owned(), false);
        self
    }

    /// Whether the member consented to `channel`.
    pub fn allows(&self, channel: &str) -> bool {
        self.0.get(channel).copied().unwrap_or(false)
    }

    /// Every channel with its consent.
    pub fn channels(&self) -> Vec<(&'static str, bool)> {
        CHANNELS.iter().map(|c| (*c, self.allows(c))).collect()
    }
}

/// A member's change to their own profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileUpdate {
    /// Display name; empty clears it.
    pub name: String,
    /// Birthday, kept only if none is on file.
    pub birthday: Option<Date>,
    /// Consent per channel.
    pub consents: Consents,
}

/// The oldest birthday accepted.
fn birthday_floor() -> Date {
    jiff::civil::date(1900, 1, 1)
}

impl Engine {
    /// A member's consent per channel.
    pub async fn consents(&self, member: i64) -> Result<Consents> {
        let stored = self.store.member_consents(MemberId(member)).await?;
        Consents::parse(stored.as_deref())
    }

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
        let consents = update.consents.to_stored()?;
        let change = ProfileChange {
            name: (!name.is_empty()).then(|| name.to_owned()),
            birthday: update.birthday,
            consents,
        };
        let found = self.member(&crate::MemberRef::Id(member)).await?;
        crate::members::require_not_erased(&found)?;
        Ok(self.store.change_profile(MemberId(member), &change).await?)
    }
}
