//! The JSON shapes of tiers: a member's status and progress, changes, manual assignment.

use super::{decimal, instant};
use crate::error::ApiError;
use laurel_core::tiers::Tier;
use laurel_engine::{AssignTierRequest, TierChangeOutcome, TierHistoryEntry, TierView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A tier and its benefits.
#[derive(Serialize, ToSchema)]
pub struct TierBody {
    /// Stable id.
    #[schema(example = "gold")]
    pub id: String,
    /// Display name.
    pub name: String,
    /// The metric value from which members qualify.
    #[schema(example = "5000")]
    pub threshold: String,
    /// Multiplier on the base earn.
    #[schema(example = "1.5")]
    pub earn_multiplier: String,
    /// Discount at checkout, percent.
    pub discount_percent: String,
    /// Named perks.
    pub perks: Vec<String>,
}

impl From<Tier> for TierBody {
    fn from(t: Tier) -> TierBody {
        TierBody {
            id: t.id,
            name: t.name.fallback().to_owned(),
            threshold: decimal(t.threshold),
            earn_multiplier: decimal(t.benefits.earn_multiplier),
            discount_percent: decimal(t.benefits.discount_percent),
            perks: t.benefits.perks,
        }
    }
}

/// A change of tier.
#[derive(Serialize, ToSchema)]
pub struct TierChangeBody {
    /// The tier before (null: none).
    pub from: Option<String>,
    /// The tier after.
    pub to: Option<String>,
    /// qualified, review or manual.
    pub reason: String,
}

impl From<TierChangeOutcome> for TierChangeBody {
    fn from(c: TierChangeOutcome) -> TierChangeBody {
        TierChangeBody {
            from: c.from,
            to: c.to,
            reason: c.reason,
        }
    }
}

/// An admin's assignment in force.
#[derive(Serialize, ToSchema)]
pub struct ManualTierBody {
    /// Why.
    pub reason: String,
    /// When it ends (null: until changed).
    pub until: Option<String>,
}

/// The window the metric is measured over (null ends are open).
#[derive(Serialize, ToSchema)]
pub struct WindowBody {
    /// First instant inside.
    pub from: Option<String>,
    /// First instant after.
    pub to: Option<String>,
}

/// The tier above and what it still takes.
#[derive(Serialize, ToSchema)]
pub struct NextTierBody {
    /// The tier.
    pub tier: TierBody,
    /// How much more of the metric qualifies.
    pub needed: String,
    /// When the current window closes (calendar-year windows).
    pub deadline: Option<String>,
}

/// What the next review will do if nothing else happens first.
#[derive(Serialize, ToSchema)]
pub struct NextReviewBody {
    /// When it falls.
    pub at: String,
    /// The tier after it (the same as now when nothing changes).
    pub tier_after: Option<String>,
    /// Set when it would start a grace period: the member keeps the tier until then to
    /// requalify.
    pub grace_until: Option<String>,
}

/// One change in the tier history.
#[derive(Serialize, ToSchema)]
pub struct TierHistoryBody {
    /// Before.
    pub from: Option<String>,
    /// After.
    pub to: Option<String>,
    /// qualified, review or manual.
    pub reason: String,
    /// An admin's reason.
    pub note: Option<String>,
    /// Who: `key:…` for an admin key, `scheduler` for reviews, null for qualifications.
    pub actor: Option<String>,
    /// When.
    pub changed_at: String,
}

impl From<TierHistoryEntry> for TierHistoryBody {
    fn from(h: TierHistoryEntry) -> TierHistoryBody {
        TierHistoryBody {
            from: h.from,
            to: h.to,
            reason: h.reason,
            note: h.note,
            actor: h.actor,
            changed_at: h.changed_at.to_string(),
        }
    }
}

/// A member's tier: where they stand, progress to the next, the next review, history.
#[derive(Serialize, ToSchema)]
pub struct TierStatusBody {
    /// The member.
    pub member_id: i64,
    /// Their tier (null below the lowest).
    pub tier: Option<TierBody>,
    /// Since when they hold it.
    pub since: Option<String>,
    /// An admin's assignment, while one holds.
    pub manual: Option<ManualTierBody>,
    /// spend, purchases or points_earned.
    pub metric: String,
    /// The window measured now.
    pub window: WindowBody,
    /// The metric over that window (spend in currency units).
    pub value: String,
    /// The tier above, if any.
    pub next: Option<NextTierBody>,
    /// Set while a grace period runs: the member goes down then unless they requalify.
    pub downgrade_at: Option<String>,
    /// The next review, if one is scheduled.
    pub next_review: Option<NextReviewBody>,
    /// Changes, newest first.
    pub history: Vec<TierHistoryBody>,
}

impl From<TierView> for TierStatusBody {
    fn from(v: TierView) -> TierStatusBody {
        let text = |t: Option<jiff::Timestamp>| t.map(|t| t.to_string());
        TierStatusBody {
            member_id: v.member_id,
            tier: v.tier.map(Into::into),
            since: text(v.status.since),
            manual: v.status.manual.map(|m| ManualTierBody {
                reason: m.reason,
                until: text(m.until),
            }),
            metric: v.metric.as_str().to_owned(),
            window: WindowBody {
                from: text(v.window.from),
                to: text(v.window.to),
            },
            value: decimal(v.progress.value),
            next: v.progress.next.map(|n| NextTierBody {
                tier: n.tier.into(),
                needed: decimal(n.needed),
                deadline: text(v.progress.deadline),
            }),
            downgrade_at: text(v.status.downgrade_at),
            next_review: v.next_review.map(|r| NextReviewBody {
                at: r.at.to_string(),
                tier_after: r.tier_after,
                grace_until: text(r.grace_until),
            }),
            history: v.history.into_iter().map(Into::into).collect(),
        }
    }
}

/// Put a member in a tier (admin keys only).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignTierBody {
    /// The tier's id.
    #[schema(example = "gold")]
    #[schema(min_length = 1, max_length = 200)]
    pub tier: String,
    /// Why; kept in the history.
    #[schema(min_length = 1, max_length = 200)]
    pub reason: String,
    /// When it ends, RFC 3339; leave out for no end.
    #[schema(format = DateTime)]
    pub until: Option<String>,
}

impl AssignTierBody {
    /// Into the engine's request.
    pub fn into_request(self, member_id: i64) -> Result<AssignTierRequest, ApiError> {
        Ok(AssignTierRequest {
            member_id,
            tier: self.tier,
            reason: self.reason,
            until: self
                .until
                .as_deref()
                .map(|u| instant("until", u))
                .transpose()?,
        })
    }
}
