//! Households: members who pool their points, as the program's `[households]` says — one
//! pooled balance every member spends from, or the owner paying for the others. A member asks
//! to join and belongs once the owner consents; what they spend beyond their own points is
//! lent by the others (`lend.rs`) in the same transaction.

pub(crate) mod execute;
pub(crate) mod lend;
pub(crate) mod validate;
pub(crate) mod views;

use crate::error::{EngineError, Result};
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::{Engine, unexpected};
use laurel_store::MemberId;
use validate::HouseholdAsk;
use views::HouseholdView;

impl Engine {
    /// Makes a household owned by `owner_id`, who belongs to it at once. Asked again with the
    /// same name, answers it as it stands.
    pub async fn create_household(&self, owner_id: i64, name: String) -> Result<HouseholdView> {
        let ask = validate::create(owner_id, name)?;
        self.household_command(ask)
            .await?
            .ok_or_else(|| EngineError::Internal("a new household ended".into()))
    }

    /// `member_id` asks to join household `household_id`; they belong once its owner
    /// consents ([`Engine::approve_household_member`]).
    pub async fn join_household(&self, household_id: i64, member_id: i64) -> Result<HouseholdView> {
        let ask = HouseholdAsk::Join {
            household: household_id,
            member: MemberId(member_id),
        };
        self.household_command(ask)
            .await?
            .ok_or_else(|| EngineError::UnknownHousehold(household_id.to_string()))
    }

    /// The owner of household `household_id` consents to `member_id`'s joining.
    pub async fn approve_household_member(
        &self,
        household_id: i64,
        member_id: i64,
    ) -> Result<HouseholdView> {
        let ask = HouseholdAsk::Approve {
            household: household_id,
            member: MemberId(member_id),
        };
        self.household_command(ask)
            .await?
            .ok_or_else(|| EngineError::UnknownHousehold(household_id.to_string()))
    }

    /// `member_id` leaves household `household_id` (or is removed, or their request is
    /// declined); the owner leaving ends it (`None`).
    pub async fn leave_household(
        &self,
        household_id: i64,
        member_id: i64,
    ) -> Result<Option<HouseholdView>> {
        self.household_command(HouseholdAsk::Remove {
            household: household_id,
            member: MemberId(member_id),
        })
        .await
    }

    /// Household `household_id` as it stands.
    pub async fn household(&self, household_id: i64) -> Result<HouseholdView> {
        let stored = self
            .store
            .household(household_id)
            .await?
            .ok_or_else(|| EngineError::UnknownHousehold(household_id.to_string()))?;
        Ok(HouseholdView::of(&stored, self.household_mode()))
    }

    /// The household `member_id` is in (asked or belonging), if any.
    pub async fn household_of(&self, member_id: i64) -> Result<Option<HouseholdView>> {
        if self.store.member(MemberId(member_id)).await?.is_none() {
            return Err(EngineError::UnknownMember(member_id.to_string()));
        }
        let Some(stored) = self.store.household_of(MemberId(member_id)).await? else {
            return Ok(None);
        };
        Ok(Some(HouseholdView::of(&stored, self.household_mode())))
    }

    /// The program in force's households, if it offers them.
    pub fn household_policy(&self) -> Option<laurel_core::households::HouseholdPolicy> {
        self.definition().households
    }

    /// How households spend now: `None` once the program no longer offers them (they may
    /// still be read and left).
    fn household_mode(&self) -> Option<laurel_core::households::HouseholdMode> {
        self.household_policy().map(|p| p.mode)
    }

    async fn household_command(&self, ask: HouseholdAsk) -> Result<Option<HouseholdView>> {
        match self.writer.submit(Command::Household { ask }).await? {
            Outcome::Household(h) => Ok(h),
            other => Err(unexpected(other)),
        }
    }
}
