//! What the portal's privacy notice says, worked out from the program in force and what the
//! engine holds — never written by hand, so it cannot promise less than the program does: the
//! profile attributes its rules and segments read, the custom events it counts, the channels
//! and letters it writes on, who else sees a member's data (partners, households, transfers,
//! the business's other systems through webhooks) and how long it is kept.

use crate::Engine;
use crate::error::Result;
use laurel_core::Localized;
use laurel_core::automations::Action;
use laurel_core::notices::NoticeKind;
use laurel_core::privacy::Retention;
use laurel_core::rules::{Condition, Trigger};
use laurel_core::segments::SegmentCondition;
use std::collections::BTreeSet;

/// What the program collects and does with members' data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivacyNotice {
    /// Who answers for the data (`[privacy] controller`), if the program names them.
    pub controller: Option<String>,
    /// Where members write about it (`[privacy] contact`).
    pub contact: Option<String>,
    /// Profile attributes that earning rules or segments read, by name.
    pub attributes: Vec<String>,
    /// Custom events the program declares or rewards, each with its name for people when
    /// `[names]` gives one.
    pub events: Vec<(String, Option<Localized>)>,
    /// The channels letters may go out on (`[notices] channels`).
    pub channels: Vec<String>,
    /// The letters the program writes by itself, marketing ones needing consent.
    pub letters: Vec<NoticeKind>,
    /// Whether automations write letters of their own.
    pub automation_letters: bool,
    /// Saved segments members are placed in (profiling).
    pub segments: usize,
    /// The coalition's partners, by name: each sees its own settlement lines.
    pub partners: Vec<Localized>,
    /// Whether members pool points in households (the other members see one's name).
    pub households: bool,
    /// Whether members send each other points (the other member sees one's name).
    pub transfers: bool,
    /// Whether referrals pay (the friend who invited sees one's first name).
    pub referrals: bool,
    /// Whether members hold stored value in a wallet.
    pub wallet: bool,
    /// Whether events are sent on to the business's other systems (webhooks subscribed).
    pub webhooks: bool,
    /// How long an inactive member is kept, if the program limits it.
    pub retention: Option<Retention>,
    /// Whether the program's fraud rules check members' activity (cases staff review).
    pub fraud_checks: bool,
    /// Whether a rule compares the devices members join from (a one-way hash is kept).
    pub devices: bool,
}

impl Engine {
    /// What the privacy notice says now.
    pub async fn privacy_notice(&self) -> Result<PrivacyNotice> {
        let d = self.definition();
        let (segments, webhooks) = tokio::try_join!(self.segments(), self.webhooks())?;
        let mut attributes = BTreeSet::new();
        let mut events = BTreeSet::new();
        events.extend(d.declared_events.iter().cloned());
        for rule in d.rules.in_order() {
            if let Trigger::Event(kind) = &rule.trigger {
                events.insert(kind.clone());
            }
            for condition in &rule.conditions {
                if let Condition::MemberAttribute { key, .. } = condition {
                    attributes.insert(key.clone());
                }
            }
        }
        for segment in &segments {
            if let Ok(checked) = self.checked_segment(&segment.spec) {
                for condition in &checked.conditions {
                    if let SegmentCondition::Attribute { key, .. } = condition {
                        attributes.insert(key.clone());
                    }
                }
            }
        }
        let notices = &d.notices;
        let letters = [
            (
                NoticeKind::PointsExpiring,
                notices.expiring_days_before.is_some(),
            ),
            (NoticeKind::Birthday, notices.birthday),
            (NoticeKind::Welcome, !notices.welcome_days.is_empty()),
            (
                NoticeKind::TierAtRisk,
                notices.tier_at_risk_days_before.is_some(),
            ),
            (NoticeKind::RetentionWarning, d.privacy.retention.is_some()),
        ];
        Ok(PrivacyNotice {
            controller: d.privacy.controller.clone(),
            contact: d.privacy.contact.clone(),
            attributes: attributes.into_iter().collect(),
            events: events
                .into_iter()
                .map(|kind| {
                    let name = d.names.events.get(&kind).cloned();
                    (kind, name)
                })
                .collect(),
            channels: notices.channels.clone(),
            letters: letters
                .into_iter()
                .filter(|(_, sent)| *sent)
                .map(|(kind, _)| kind)
                .collect(),
            automation_letters: d
                .automations
                .iter()
                .any(|a| a.actions.iter().any(|x| matches!(x, Action::Send { .. }))),
            segments: segments.len(),
            partners: d.partners.all().iter().map(|p| p.name.clone()).collect(),
            households: d.households.is_some(),
            transfers: d.transfers.is_some(),
            referrals: d.referrals.is_some(),
            wallet: d.wallet.is_some(),
            fraud_checks: !d.fraud.rules().is_empty(),
            devices: d
                .fraud
                .rules()
                .iter()
                .any(|r| r.measure == laurel_core::fraud::Measure::SameDevice),
            webhooks: !webhooks.is_empty(),
            retention: d.privacy.retention,
        })
    }
}
