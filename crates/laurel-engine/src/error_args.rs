//! The values an [`EngineError`] names, so that pages can word a refusal themselves, in their
//! language, from its code and these arguments rather than show the English message.

use crate::error::EngineError;
use laurel_core::wallet::GiftCardRefusal;

impl EngineError {
    /// Each value the refusal names, by the name translations use for it (`{available}`,
    /// `{field}`…); empty for refusals that name nothing but their code.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            EngineError::InvalidField { field, .. } => vec![("field", field.clone())],
            EngineError::UnknownMember(member) => vec![("member", member.clone())],
            EngineError::MemberExists(external_id) => vec![("external_id", external_id.clone())],
            EngineError::UnknownPurchase(id) => vec![("purchase", id.to_string())],
            EngineError::IdempotencyConflict(key) => vec![("key", key.clone())],
            EngineError::InsufficientPoints {
                available,
                requested,
            } => vec![
                ("available", available.get().to_string()),
                ("requested", requested.get().to_string()),
            ],
            EngineError::UnknownReward(id) => vec![("reward", id.clone())],
            EngineError::UnknownPartner(code) => vec![("partner", code.clone())],
            EngineError::UnknownRedemption(id) => vec![("redemption", id.to_string())],
            EngineError::InvalidProgram(problems) => vec![("count", problems.len().to_string())],
            EngineError::ProgramChange { args, .. } | EngineError::Wallet { args, .. } => {
                args.clone()
            }
            EngineError::UnknownPayment(id) => vec![("payment", id.to_string())],
            EngineError::UnknownHold(id) => vec![("hold", id.to_string())],
            EngineError::UnknownPlan(id) => vec![("plan", id.clone())],
            EngineError::UnknownMembership(id) | EngineError::MembershipHeld(id) => {
                vec![("membership", id.to_string())]
            }
            EngineError::Membership(
                laurel_core::membership::MembershipRefusal::RenewalNotOpen { opens_at },
            ) => vec![("opens_at", opens_at.to_string())],
            EngineError::GiftCard(refusal) => match refusal {
                GiftCardRefusal::NotActive(state) => vec![("state", state.as_str().to_owned())],
                GiftCardRefusal::Expired(at) => vec![("expired_at", at.to_string())],
                GiftCardRefusal::PinWrong { left } => vec![("left", left.to_string())],
                _ => Vec::new(),
            },
            EngineError::HoldClosed(state) => vec![("state", state.clone())],
            EngineError::UnknownRecipient(member) => vec![("member", member.clone())],
            EngineError::UnknownHousehold(household) => vec![("household", household.clone())],
            EngineError::NotInHousehold(member) => vec![("member", member.to_string())],
            EngineError::Household(laurel_core::households::JoinRefusal::Full { max }) => {
                vec![("max", max.to_string())]
            }
            EngineError::Transfer(refusal) => {
                use laurel_core::transfers::TransferRefusal as R;
                match refusal {
                    R::BelowMinimum { min } => vec![("min", min.get().to_string())],
                    R::OverDailyMax { max, sent } => vec![
                        ("max", max.get().to_string()),
                        ("sent", sent.get().to_string()),
                    ],
                    R::TooSoon { days, from } => {
                        vec![("days", days.to_string()), ("from", from.to_string())]
                    }
                }
            }
            EngineError::UnknownProgramVersion(version) => vec![("version", version.to_string())],
            EngineError::UnknownSimulation(id) => vec![("simulation", id.to_string())],
            EngineError::BooksPeriodClosed { through } => vec![("through", through.to_string())],
            EngineError::BooksPeriodNotEnded(period) => vec![("period", period.clone())],
            EngineError::UnknownWebhook(id) => vec![("webhook", id.to_string())],
            EngineError::UnknownAutomation(id) => vec![("automation", id.clone())],
            EngineError::UnknownSegment(id)
            | EngineError::SegmentExists(id)
            | EngineError::SegmentInUse(id) => {
                vec![("segment", id.clone())]
            }
            EngineError::InvalidSegment(problems) => vec![("count", problems.len().to_string())],
            EngineError::UnknownDelivery { webhook, delivery } => vec![
                ("webhook", webhook.to_string()),
                ("delivery", delivery.to_string()),
            ],
            EngineError::AdjustmentOverLimit {
                role,
                cap,
                requested,
            } => vec![
                ("role", role.as_str().to_owned()),
                ("cap", cap.get().to_string()),
                ("requested", requested.get().to_string()),
            ],
            EngineError::StaffExists(email) => vec![("email", email.clone())],
            EngineError::UnknownStaff(id) => vec![("staff", id.to_string())],
            EngineError::AccountLocked(until) => vec![("until", until.to_string())],
            EngineError::MemberSuspended(id) | EngineError::MemberErased(id) => {
                vec![("member", id.to_string())]
            }
            EngineError::NothingToReview { case, action } => {
                vec![("case", case.to_string()), ("action", (*action).to_owned())]
            }
            EngineError::UnknownFraudCase(id)
            | EngineError::FraudCaseClosed(id)
            | EngineError::OwnFraudCase(id) => {
                vec![("case", id.to_string())]
            }
            EngineError::ApprovalRequired(kind) => vec![("kind", kind.as_str().to_owned())],
            EngineError::UnknownApproval(id)
            | EngineError::OwnApproval(id)
            | EngineError::ApprovalNotAllowed(id) => vec![("approval", id.to_string())],
            EngineError::ApprovalDecided(id, state) => vec![
                ("approval", id.to_string()),
                ("state", state.as_str().to_owned()),
            ],
            EngineError::ProgramChangedSince {
                approval,
                asked_on,
                newest,
            } => vec![
                ("approval", approval.to_string()),
                (
                    "asked_on",
                    asked_on.map_or_else(String::new, |v| v.to_string()),
                ),
                ("newest", newest.map_or_else(String::new, |v| v.to_string())),
            ],
            EngineError::ErasureBlocked { member, block } => vec![
                ("member", member.to_string()),
                ("holds", block.as_str().to_owned()),
            ],
            _ => Vec::new(),
        }
    }
}
