//! Household changes in the write path: the household's row locked, so changes to one run
//! one after another; a member's being in one household at a time checked under their lock.

use super::validate::HouseholdAsk;
use super::views::HouseholdView;
use crate::error::{EngineError, Result};
use crate::members::require_active;
use crate::requests::MemberRef;
use crate::write::context::Context;
use crate::write::steps::lock;
use laurel_core::households::JoinRefusal;
use laurel_store::{HouseholdRole, Tx};

/// Makes, joins, approves or leaves a household; the household after (`None` once it ended).
/// Asking again for what is so already answers the household as it stands.
pub(crate) async fn act(
    tx: &mut Tx,
    ctx: &Context<'_>,
    ask: &HouseholdAsk,
) -> Result<Option<HouseholdView>> {
    // Leaving needs no policy: a household made while the program offered them may still be
    // left once it no longer does.
    let policy = match (ctx.households, ask) {
        (Some(policy), _) => Some(policy),
        (None, HouseholdAsk::Remove { .. }) => None,
        (None, _) => return Err(EngineError::HouseholdsNotOffered),
    };
    let offered = || policy.ok_or(EngineError::HouseholdsNotOffered);
    let mode = policy.map(|p| p.mode);
    let member = lock(tx, &MemberRef::Id(ask.member().0)).await?;
    let now = crate::as_stored(ctx.now);
    let household = match ask {
        HouseholdAsk::Create { owner, name } => {
            require_active(&member)?;
            // The owner's own household, asked for again, is answered as it stands.
            if let Some(id) = tx.household_id_of(*owner).await? {
                let standing = tx
                    .lock_household(id)
                    .await?
                    .ok_or_else(|| EngineError::UnknownHousehold(id.to_string()))?;
                if standing.owner == *owner && standing.name == *name {
                    return Ok(Some(HouseholdView::of(&standing, mode)));
                }
                return Err(JoinRefusal::InAnother.into());
            }
            tx.insert_household(*owner, name, now)
                .await?
                .ok_or(EngineError::Household(JoinRefusal::InAnother))?
        }
        HouseholdAsk::Join {
            household,
            member: id,
        } => {
            require_active(&member)?;
            let standing = locked(tx, *household).await?;
            if standing.role_of(*id).is_none() {
                let elsewhere = tx.household_id_of(*id).await?.is_some();
                offered()?.may_join(belonging(&standing), elsewhere)?;
                tx.add_household_member(*household, *id, HouseholdRole::Requested, now)
                    .await?;
            }
            *household
        }
        HouseholdAsk::Approve {
            household,
            member: id,
        } => {
            let standing = locked(tx, *household).await?;
            match standing.role_of(*id) {
                None => return Err(EngineError::NotInHousehold(id.0)),
                Some(HouseholdRole::Active) => {}
                Some(HouseholdRole::Requested) => {
                    // Requests do not fill a household (anyone with the owner's code may ask):
                    // the limit holds when the owner consents.
                    offered()?.may_join(belonging(&standing), false)?;
                    tx.approve_household_member(*household, *id, now).await?;
                }
            }
            *household
        }
        HouseholdAsk::Remove {
            household,
            member: id,
        } => {
            let standing = locked(tx, *household).await?;
            if standing.role_of(*id).is_none() {
                return Err(EngineError::NotInHousehold(id.0));
            }
            if standing.owner == *id {
                tx.dissolve_household(*household, now).await?;
                return Ok(None);
            }
            tx.remove_household_member(*household, *id, now).await?;
            *household
        }
    };
    // Under the household's lock it still stands: a refusal here would come after writes.
    let after = tx
        .lock_household(household)
        .await?
        .ok_or_else(|| EngineError::Internal(format!("household {household} vanished")))?;
    Ok(Some(HouseholdView::of(&after, mode)))
}

/// How many belong to a household (those waiting aside).
fn belonging(h: &laurel_store::StoredHousehold) -> u32 {
    u32::try_from(h.active().count()).unwrap_or(u32::MAX)
}

async fn locked(tx: &mut Tx, id: i64) -> Result<laurel_store::StoredHousehold> {
    tx.lock_household(id)
        .await?
        .ok_or_else(|| EngineError::UnknownHousehold(id.to_string()))
}
