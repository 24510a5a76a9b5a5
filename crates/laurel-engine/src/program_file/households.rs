//! The program file's `[households]`: whether members may pool their points, how (`pooled`
//! or `owner_pays`) and how many to a household. Without the section they may not.

use laurel_core::households::{HouseholdPolicy, HouseholdSpec};
use laurel_core::issue::Issue;
use serde::Deserialize;

/// `[households]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HouseholdsSection {
    mode: Option<String>,
    max_members: Option<i64>,
}

/// The section as a checked policy, or every problem with its key.
pub(super) fn convert(section: HouseholdsSection) -> Result<HouseholdPolicy, Vec<Issue>> {
    HouseholdPolicy::new(&HouseholdSpec {
        mode: section.mode,
        max_members: section.max_members,
    })
}
