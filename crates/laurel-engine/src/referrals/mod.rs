//! Referrals: a member's code, whom they referred and what is left of their limit.

pub(crate) mod execute;

use crate::Engine;
use crate::error::{EngineError, Result};
use crate::write::command::Command;
use crate::write::outcome::Outcome;
use crate::write::steps::internal;
use laurel_core::Points;
use laurel_store::{MemberId, Referral};

/// A member's referral status: the code to share, who referred them, whom they referred.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralView {
    /// The member.
    pub member_id: i64,
    /// Their code.
    pub code: String,
    /// The referral that brought them, if one did.
    pub referred: Option<Referral>,
    /// The referrals they made, newest first (at most the limit asked for).
    pub referrals: Vec<Referral>,
    /// How many referrals they made in all, less those taken back.
    pub made: u64,
    /// Referrals they may still make; `None` for no limit.
    pub referrals_left: Option<u64>,
    /// What a referral pays the referrer and the new member, if the program has referrals.
    pub bonuses: Option<(Points, Points)>,
}

impl Engine {
    /// A member's referral status. A member enrolled before referrals existed is given their
    /// code now.
    pub async fn referrals(&self, member_id: i64, limit: u32) -> Result<ReferralView> {
        let id = MemberId(member_id);
        let mut member = self
            .store()
            .member(id)
            .await?
            .ok_or_else(|| EngineError::UnknownMember(member_id.to_string()))?;
        if member.profile.referral_code.is_none() {
            match self.writer.submit(Command::AssignReferralCode(id)).await? {
                Outcome::Enrolled(m) => member = m,
                other => return Err(crate::unexpected(other)),
            }
        }
        let code = member
            .profile
            .referral_code
            .ok_or_else(|| internal("a member without a referral code after assignment"))?;
        let referrals = self.store().referrals_by(id, limit).await?;
        let definition = self.definition();
        let policy = definition.referrals.as_ref();
        // Counted in the store, not on the page listed: a referral taken back (its purchase
        // wholly refunded) no longer counts, and a referrer may have made more than a page.
        let made = self.store().referrals_made(id).await?;
        Ok(ReferralView {
            member_id,
            made,
            code,
            referred: self.store().referral_of(id).await?,
            referrals_left: policy
                .and_then(|p| p.max_per_referrer)
                .map(|max| u64::from(max).saturating_sub(made)),
            referrals,
            bonuses: policy.map(|p| (p.referrer_points, p.referee_points)),
        })
    }
}
