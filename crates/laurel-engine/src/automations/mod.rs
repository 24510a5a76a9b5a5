//! The program's automations at work. A run — one automation acting on one member in one
//! period of its limit — is made due by the daily scan (`scan.rs`) or by the fan-out of an
//! event that triggers it (in the transaction that marks the event fanned out, so none is
//! lost); `run.rs` takes its actions. `dry_run.rs` says who would be acted on and how.

mod dry_run;
mod run;
mod scan;

pub use dry_run::{DryRun, DryRunLine};
pub use run::AutomationReport;
pub(crate) use scan::runs_of_event;

use crate::privacy::consents::Consents;
use laurel_core::automations::{Automation, AutomationTrigger, MemberFacts};
use laurel_core::events::{EventKind, EventKinds};
use laurel_store::{MemberState, STATES_PAGE_MAX, Store};

/// The event kinds the automations of a program are triggered by: written like those a
/// webhook subscriber listens to.
pub(crate) fn triggering_kinds(automations: &[Automation]) -> EventKinds {
    automations
        .iter()
        .filter_map(|a| match a.trigger {
            AutomationTrigger::Event(kind) => Some(kind),
            AutomationTrigger::Daily => None,
        })
        .collect()
}

/// The event kinds the automations of every version in `timeline` are triggered by.
pub(crate) fn listened_kinds(timeline: &crate::programs::Timeline) -> EventKinds {
    timeline
        .versions()
        .iter()
        .map(|v| triggering_kinds(&v.definition.automations))
        .fold(EventKinds::NONE, EventKinds::union)
}

/// The automations an event of `kind` triggers.
pub(crate) fn triggered_by(automations: &[Automation], kind: EventKind) -> Vec<&Automation> {
    automations
        .iter()
        .filter(|a| a.trigger == AutomationTrigger::Event(kind))
        .collect()
}

/// Every member as conditions read them, a page at a time, by id: the daily scan's and the
/// dry run's way through all members.
pub(crate) struct MemberPages<'a> {
    store: &'a Store,
    after: i64,
    done: bool,
}

impl<'a> MemberPages<'a> {
    /// From the first member.
    pub fn new(store: &'a Store) -> MemberPages<'a> {
        MemberPages {
            store,
            after: 0,
            done: false,
        }
    }

    /// The next page; `None` after the last.
    pub async fn next(&mut self) -> crate::error::Result<Option<Vec<MemberState>>> {
        if self.done {
            return Ok(None);
        }
        let page = self
            .store
            .member_states_after(self.after, STATES_PAGE_MAX)
            .await?;
        self.done = page.len() < STATES_PAGE_MAX;
        match page.last() {
            Some(last) => self.after = last.id.0,
            None => return Ok(None),
        }
        Ok(Some(page))
    }
}

/// A member as conditions see them.
pub(crate) fn facts_of(state: &MemberState) -> crate::error::Result<MemberFacts> {
    let consents = Consents::parse(state.consents.as_deref())?;
    Ok(MemberFacts {
        tier: state.tier.clone(),
        last_purchase_at: state.last_purchase_at,
        joined_at: state.enrolled_at,
        available: state.available,
        consents: consents
            .channels()
            .into_iter()
            .filter(|(_, given)| *given)
            .map(|(channel, _)| channel.to_owned())
            .collect(),
        segments: state.segments.clone(),
    })
}
