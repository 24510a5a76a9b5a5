//! The JSON shapes of referrals: a member's code and the referrals they made.

use laurel_engine::{Referral, ReferralView};
use serde::Serialize;
use utoipa::ToSchema;

/// One referral.
#[derive(Serialize, ToSchema)]
pub struct ReferralBody {
    /// Who referred.
    pub referrer_id: i64,
    /// Who was referred.
    pub referee_id: i64,
    /// pending (waiting for a qualifying purchase) or rewarded.
    pub status: String,
    /// When the referee enrolled.
    pub enrolled_at: String,
    /// The purchase that paid it out.
    pub purchase_id: Option<i64>,
    /// Points the referrer got.
    pub referrer_points: Option<i64>,
    /// Points the referee got.
    pub referee_points: Option<i64>,
    /// When it paid out.
    pub rewarded_at: Option<String>,
}

impl From<Referral> for ReferralBody {
    fn from(r: Referral) -> ReferralBody {
        ReferralBody {
            referrer_id: r.referrer.0,
            referee_id: r.referee.0,
            status: r.status.as_str().to_owned(),
            enrolled_at: r.enrolled_at.to_string(),
            purchase_id: r.purchase.map(|p| p.0),
            referrer_points: r.referrer_points,
            referee_points: r.referee_points,
            rewarded_at: r.rewarded_at.map(|t| t.to_string()),
        }
    }
}

/// A member's referral status.
#[derive(Serialize, ToSchema)]
pub struct ReferralsResponse {
    /// The member.
    pub member_id: i64,
    /// The code they share; new members enroll with it as `referral_code`.
    #[schema(example = "K7QM-3XRD-9PZA")]
    pub code: String,
    /// How they were referred, if they were.
    pub referred: Option<ReferralBody>,
    /// The referrals they made, newest first.
    pub referrals: Vec<ReferralBody>,
    /// Referrals they may still make; null for no limit.
    pub referrals_left: Option<u64>,
    /// Points a referral pays the referrer (null when the program has no referrals).
    pub referrer_points: Option<i64>,
    /// Points a referral pays the new member on their qualifying purchase.
    pub referee_points: Option<i64>,
}

impl From<ReferralView> for ReferralsResponse {
    fn from(v: ReferralView) -> ReferralsResponse {
        ReferralsResponse {
            member_id: v.member_id,
            code: v.code,
            referred: v.referred.map(Into::into),
            referrals: v.referrals.into_iter().map(Into::into).collect(),
            referrals_left: v.referrals_left,
            referrer_points: v.bonuses.map(|(r, _)| r.get()),
            referee_points: v.bonuses.map(|(_, e)| e.get()),
        }
    }
}
