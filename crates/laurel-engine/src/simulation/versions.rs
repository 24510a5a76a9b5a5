//! The program a replay decides by: the versions in force at each instant, or a draft in
//! force from an instant on.

use crate::program_file::ProgramDefinition;
use crate::programs::Timeline;
use jiff::Timestamp;
use laurel_core::simulation::{Terms, Versions};

/// The versions actually in force, with a draft replacing them from `from` on, if given.
pub(crate) struct Deciding<'a> {
    pub timeline: &'a Timeline,
    pub draft: Option<(&'a ProgramDefinition, Timestamp)>,
}

impl Versions for Deciding<'_> {
    fn at(&self, at: Timestamp) -> Terms<'_> {
        let definition = match self.draft {
            Some((draft, from)) if at >= from => draft,
            _ => &self.timeline.in_force(at).definition,
        };
        terms(definition)
    }
}

/// A definition's parts a replay decides by.
fn terms(d: &ProgramDefinition) -> Terms<'_> {
    Terms {
        program: &d.program,
        rules: &d.rules,
        tiers: d.tiers.as_ref(),
        catalog: &d.catalog,
        referrals: d.referrals.as_ref(),
        memberships: &d.memberships,
        transfers: d.transfers.as_ref(),
        households: d.households.as_ref(),
    }
}
