//! The JSON shapes of members: enrolling one and a member as answered.

use super::{BalanceBody, ChannelName, channel, instant};
use crate::error::ApiError;
use jiff::civil::Date;
use laurel_core::Channel;
use laurel_engine::{ErrorCode, Member};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Enroll a member.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollBody {
    /// The business's customer id; unique.
    #[schema(min_length = 1, max_length = 200)]
    pub external_id: String,
    /// Email address.
    #[schema(min_length = 1, max_length = 200)]
    pub email: Option<String>,
    /// Phone number.
    #[schema(min_length = 1, max_length = 200)]
    pub phone: Option<String>,
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// Birthday, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub birthday: Option<String>,
    /// Enrollment channel: pos, web, app or partner (default web).
    #[schema(value_type = Option<ChannelName>)]
    pub channel: Option<String>,
    /// Profile attributes (`{"segment": "student"}`): strings that `member_attribute` rule
    /// conditions compare exactly; at most 50, each at most 200 characters.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// The referral code of the member who referred them (any case).
    #[schema(min_length = 1, max_length = 200)]
    pub referral_code: Option<String>,
    /// When they actually joined (RFC 3339), for a member brought from another platform:
    /// reports count them then. Not in the future; default now.
    #[schema(format = DateTime)]
    pub enrolled_at: Option<String>,
    /// The device (a fingerprint) or client address they join from, if the caller knows it:
    /// kept only as a one-way hash, for fraud rules on many members joining from one device
    /// (`same_device`).
    #[schema(min_length = 1, max_length = 200)]
    pub device: Option<String>,
}

impl EnrollBody {
    /// Into the engine's request.
    pub fn into_request(self) -> Result<laurel_engine::EnrollRequest, ApiError> {
        let birthday = self
            .birthday
            .as_deref()
            .map(|b| {
                b.parse::<Date>().map_err(|_| {
                    ApiError::invalid(
                        "birthday",
                        ErrorCode::InvalidDate,
                        format!("`{b}` is not a date such as 1990-05-17"),
                    )
                })
            })
            .transpose()?;
        Ok(laurel_engine::EnrollRequest {
            external_id: self.external_id,
            email: self.email,
            phone: self.phone,
            name: self.name,
            birthday,
            channel: channel("channel", self.channel.as_deref(), Channel::Web)?,
            attributes: self.attributes,
            referral_code: self.referral_code,
            enrolled_at: self
                .enrolled_at
                .as_deref()
                .map(|at| instant("enrolled_at", at))
                .transpose()?,
            device: self.device,
        })
    }
}

/// A member.
#[derive(Serialize, ToSchema)]
pub struct MemberBody {
    /// Laurel's id.
    pub id: i64,
    /// The business's customer id.
    pub external_id: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Birthday.
    pub birthday: Option<String>,
    /// Enrollment channel.
    pub channel: String,
    /// `active`, `suspended` or `erased` (the profile then empty, the external id a
    /// pseudonym).
    pub status: String,
    /// When enrolled.
    pub enrolled_at: String,
    /// Balances.
    pub balance: BalanceBody,
    /// Tier id, when the program has tiers and the member holds one.
    pub tier: Option<String>,
    /// Profile attributes.
    pub attributes: BTreeMap<String, String>,
    /// The code the member shares to refer others (members enrolled before referrals get
    /// theirs from `GET /api/v1/members/{id}/referrals`).
    pub referral_code: Option<String>,
}

impl From<Member> for MemberBody {
    fn from(m: Member) -> MemberBody {
        MemberBody {
            id: m.id.0,
            external_id: m.profile.external_id,
            email: m.profile.email,
            phone: m.profile.phone,
            name: m.profile.name,
            birthday: m.profile.birthday.map(|d| d.to_string()),
            channel: m.profile.channel,
            status: m.status.as_str().to_owned(),
            enrolled_at: m.profile.enrolled_at.to_string(),
            balance: BalanceBody {
                available: m.available,
                pending: m.pending,
            },
            tier: m.tier.tier,
            attributes: m.profile.attributes,
            referral_code: m.profile.referral_code,
        }
    }
}
