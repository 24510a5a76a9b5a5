//! Everything a command decides by besides the transaction: the program version in force
//! (or in force when a purchase or event happened) and the instant.

use crate::programs::{ProgramVersion, Timeline};
use jiff::Timestamp;
use laurel_core::Program;
use laurel_core::events::EventKinds;
use laurel_core::referrals::ReferralPolicy;
use laurel_core::rewards::Catalog;
use laurel_core::rules::RuleSet;
use laurel_core::tiers::TierPolicy;

/// Everything a command needs besides the transaction.
pub(crate) struct Context<'a> {
    pub program: &'a Program,
    pub rules: &'a RuleSet,
    pub tiers: Option<&'a TierPolicy>,
    pub catalog: &'a Catalog,
    pub referrals: Option<&'a ReferralPolicy>,
    /// The most points one staff adjustment may move, per role.
    pub adjust_policy: &'a crate::staff::AdjustPolicy,
    /// Its members' wallets, if the program offers them.
    pub wallet: Option<&'a laurel_core::wallet::WalletPolicy>,
    /// The paid membership plans it offers.
    pub memberships: &'a laurel_core::membership::MembershipPlans,
    /// Its rules for members' transfers, if it allows them.
    pub transfers: Option<&'a laurel_core::transfers::TransferPolicy>,
    /// Its households, if it offers them.
    pub households: Option<&'a laurel_core::households::HouseholdPolicy>,
    /// The coalition's partners and the prices their points settle at.
    pub partners: &'a laurel_core::partners::Partners,
    /// Its velocity rules against fraud.
    pub fraud: &'a laurel_core::fraud::FraudPolicy,
    /// The program version deciding; recorded on every posting.
    pub version: Option<i64>,
    pub now: Timestamp,
    /// The event kinds someone listens to: only those are written.
    pub listening: EventKinds,
    timeline: &'a Timeline,
}

impl<'a> Context<'a> {
    /// The context of commands decided at `now` under the program version in force then,
    /// writing no events.
    pub fn new(timeline: &'a Timeline, now: Timestamp) -> Context<'a> {
        Context::under(timeline, timeline.in_force(now), now, EventKinds::NONE)
    }

    /// The same context, writing events of the `kinds` listened to.
    pub fn listening(self, kinds: EventKinds) -> Context<'a> {
        Context {
            listening: kinds,
            ..self
        }
    }

    /// The same context, but deciding under the version in force at `at` (a purchase's or
    /// event's `occurred_at`): what happened is judged by the program of its time.
    pub fn as_of(&self, at: Timestamp) -> Context<'a> {
        Context::under(
            self.timeline,
            self.timeline.in_force(at),
            self.now,
            self.listening,
        )
    }

    fn under(
        timeline: &'a Timeline,
        version: &'a ProgramVersion,
        now: Timestamp,
        listening: EventKinds,
    ) -> Context<'a> {
        let definition = &*version.definition;
        Context {
            program: &definition.program,
            rules: &definition.rules,
            tiers: definition.tiers.as_ref(),
            catalog: &definition.catalog,
            referrals: definition.referrals.as_ref(),
            adjust_policy: &definition.adjust_policy,
            wallet: definition.wallet.as_ref(),
            memberships: &definition.memberships,
            transfers: definition.transfers.as_ref(),
            partners: &definition.partners,
            fraud: &definition.fraud,
            households: definition.households.as_ref(),
            version: version.version,
            now,
            listening,
            timeline,
        }
    }
}
