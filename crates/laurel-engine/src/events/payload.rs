//! What each event says: the JSON documents webhook subscribers receive, one shape per event
//! kind, documented in the OpenAPI document's `webhooks`. Every document is an envelope
//! (`type`, `timestamp`, `data`) around one of the `…Data` shapes below.

use jiff::Timestamp;
use laurel_core::events::EventKind;
use serde::Serialize;
use utoipa::ToSchema;

/// The envelope of every event.
#[derive(Debug, Serialize)]
pub(crate) struct Envelope<'a, T> {
    /// The event kind (`points.earned`).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// When it happened.
    pub timestamp: Timestamp,
    /// What happened.
    pub data: &'a T,
}

/// The member an event is about.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventMember {
    /// Laurel's id for the member.
    pub id: i64,
    /// The business's own customer id.
    pub external_id: String,
}

impl EventMember {
    /// The member as events name them.
    pub(crate) fn of(member: &laurel_store::Member) -> EventMember {
        EventMember {
            id: member.id.0,
            external_id: member.profile.external_id.clone(),
        }
    }
}

/// `member.enrolled`: a member joined.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberEnrolledData {
    /// Who joined.
    pub member: EventMember,
    /// Where they joined (`pos`, `web`, `app`, …).
    pub channel: String,
    /// When they joined: as a rule the envelope's `timestamp`, earlier for a member enrolled
    /// with the date they joined elsewhere.
    #[schema(value_type = String, format = DateTime)]
    pub enrolled_at: Timestamp,
    /// Whether they joined with a friend's referral code.
    pub referred: bool,
}

/// `member.suspended`, `member.reactivated` and `member.erased`: a member's standing changed
/// (an erased member is named by their pseudonym).
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberStandingData {
    /// Whose standing changed.
    pub member: EventMember,
    /// Their standing now: `active`, `suspended` or `erased`.
    pub status: String,
    /// Who changed it (`staff:<email>`, `key:<prefix>`).
    pub actor: String,
}

/// `points.*`: points moved on a member's accounts — earned, released, redeemed, expired,
/// adjusted, reversed by a refund, or restored by a cancelled redemption.
#[derive(Debug, Serialize, ToSchema)]
pub struct PointsData {
    /// Whose points moved.
    pub member: EventMember,
    /// The posting in the ledger (its journal id).
    pub journal_id: i64,
    /// The posting's kind: `earn`, `release`, `redeem`, `expire`, `reverse`, `adjust_credit`,
    /// `adjust_debit` or `restore`.
    pub posting: String,
    /// The change to the available points (negative when spent or taken).
    pub available_change: i64,
    /// The change to the pending points.
    pub pending_change: i64,
    /// Available points after it.
    pub available: i64,
    /// Pending points after it.
    pub pending: i64,
    /// Why, as the member is told (`purchase`, `expired`, a staff reason).
    pub reason: String,
    /// What it refers to (`purchase:<order id>`, `redemption:<id>`, …).
    pub reference: String,
    /// When it counts from (a purchase's time for an earn).
    #[schema(value_type = String, format = DateTime)]
    pub effective_at: Timestamp,
    /// The program version that decided it, once versions are applied.
    pub program_version: Option<i64>,
}

/// `tier.changed`: a member's tier changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct TierChangedData {
    /// Whose tier changed.
    pub member: EventMember,
    /// The tier before (none: no tier).
    pub from: Option<String>,
    /// The tier now (none: no tier).
    pub to: Option<String>,
    /// Why: `qualified` (reached a tier's threshold, at enrollment or after activity),
    /// `review` (the periodic review) or `manual` (assigned by staff).
    pub reason: String,
}

/// `reward.redeemed`: a member redeemed a reward from the catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct RewardRedeemedData {
    /// Who redeemed.
    pub member: EventMember,
    /// The redemption's id.
    pub redemption_id: i64,
    /// The reward's id in the catalog.
    pub reward: String,
    /// Points it cost.
    pub points: i64,
    /// The codes of the coupons it issued.
    pub coupons: Vec<String>,
}

/// `coupon.used`: a coupon was used on an order.
#[derive(Debug, Serialize, ToSchema)]
pub struct CouponUsedData {
    /// Whose coupon.
    pub member: EventMember,
    /// The coupon's code.
    pub code: String,
    /// The order it was used on, as `<channel>:<order id>` (`pos:A-1001`).
    pub order: String,
    /// The redemption that issued it.
    pub redemption_id: i64,
}

/// `referral.paid`: a referrer was paid for a friend's qualifying purchase.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferralPaidData {
    /// The referrer, who was paid.
    pub member: EventMember,
    /// The friend whose purchase qualified.
    pub friend: EventMember,
    /// Points paid to the referrer.
    pub points: i64,
}

/// `program.applied`: a new program version was stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgramAppliedData {
    /// Its number.
    pub version: i64,
    /// When it takes effect.
    #[schema(value_type = String, format = DateTime)]
    pub effective_from: Timestamp,
    /// Who applied it.
    pub actor: String,
}

/// `message.sms` and `message.push`: a letter the program sends on a channel whose provider
/// is plugged in as a webhook subscription (it sends the text on, and the member's consent,
/// quiet hours and the weekly cap were kept already).
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageData {
    /// To whom.
    pub member: EventMember,
    /// Where: the phone number for SMS, the member's external id for push (the app's
    /// backend knows their devices).
    pub to: String,
    /// What kind of letter (`points_expiring`, `birthday`, `welcome`, `tier_at_risk`).
    pub notice: String,
    /// Its language (`en`, `zh-CN`).
    pub language: String,
    /// A title (the e-mail's subject).
    pub subject: String,
    /// The text.
    pub text: String,
    /// Where the member stops these messages without signing in.
    pub unsubscribe_url: String,
}

/// `automation.fired`: an automation of the program acted on a member.
#[derive(Debug, Serialize, ToSchema)]
pub struct AutomationFiredData {
    /// Whom it acted on.
    pub member: EventMember,
    /// The automation's id in the program.
    pub automation: String,
    /// The period its limit counts it in (`once`, `2027`, `2027-03`…).
    pub period: String,
    /// Points it gave (0: none).
    pub points: i64,
    /// Whether it queued a letter.
    pub sent: bool,
}

/// `membership.*`: a paid membership started, was renewed, cancelled or ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipData {
    /// Whose.
    pub member: EventMember,
    /// The membership.
    pub membership_id: i64,
    /// The plan's id.
    pub plan: String,
    /// `active`, `ending` or `ended`.
    pub state: String,
    /// `external` (your billing) or `wallet`.
    pub pay_with: String,
    /// The term it is in: 1 for the first.
    pub term: u32,
    /// When that term began.
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: Timestamp,
    /// When it ends as paid for (when to renew).
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: Timestamp,
    /// The fee this change charged, a decimal string (`0` when none).
    pub charged: String,
    /// What this change gave back, a decimal string.
    pub refunded: String,
    /// Why it ended: `cancelled`, `not_renewed` or `unpaid`.
    pub end_reason: Option<String>,
}

/// Each event kind with the name of its data's schema, for the OpenAPI document.
pub fn data_schema(kind: EventKind) -> &'static str {
    match kind {
        EventKind::MemberEnrolled => "MemberEnrolledData",
        EventKind::MemberSuspended | EventKind::MemberReactivated | EventKind::MemberErased => {
            "MemberStandingData"
        }
        EventKind::PointsEarned
        | EventKind::PointsReleased
        | EventKind::PointsRedeemed
        | EventKind::PointsExpired
        | EventKind::PointsForfeited
        | EventKind::PointsAdjusted
        | EventKind::PointsReversed
        | EventKind::PointsRestored
        | EventKind::PointsSent
        | EventKind::PointsReceived
        | EventKind::PointsHeld
        | EventKind::PointsHoldCaptured
        | EventKind::PointsHoldReleased => "PointsData",
        EventKind::TierChanged => "TierChangedData",
        EventKind::RewardRedeemed => "RewardRedeemedData",
        EventKind::CouponUsed => "CouponUsedData",
        EventKind::ReferralPaid => "ReferralPaidData",
        EventKind::ProgramApplied => "ProgramAppliedData",
        EventKind::MessageSms | EventKind::MessagePush => "MessageData",
        EventKind::AutomationFired => "AutomationFiredData",
        EventKind::MembershipStarted
        | EventKind::MembershipRenewed
        | EventKind::MembershipCancelled
        | EventKind::MembershipEnded => "MembershipData",
    }
}
