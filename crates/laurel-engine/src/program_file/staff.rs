//! `[staff]`: what the program lets staff do — the most points one adjustment may move, per
//! role (`adjust_max = { support = 1000 }`).

use super::rules::one_of;
use crate::staff::{AdjustPolicy, Role};
use laurel_core::issue::{Issue, Issues};
use laurel_core::{Points, message};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The largest cap accepted: the most points one adjustment may ever move.
const ADJUST_MAX_MAX: i64 = crate::requests::POINTS_MAX;

/// The `[staff]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StaffSection {
    /// Role name → the most points one adjustment by that role may move.
    #[serde(default)]
    adjust_max: BTreeMap<String, i64>,
}

/// The adjustment policy the section sets (the defaults without one), or every problem.
pub(super) fn convert(section: Option<StaffSection>) -> Result<AdjustPolicy, Vec<Issue>> {
    let Some(section) = section else {
        return Ok(AdjustPolicy::default());
    };
    let mut problems = Issues::under("staff.adjust_max");
    let mut caps = Vec::new();
    for (name, cap) in section.adjust_max {
        let Ok(role) = name.parse::<Role>() else {
            let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            problems.add(&name, one_of(&name, &roles.join(", ")));
            continue;
        };
        if !(1..=ADJUST_MAX_MAX).contains(&cap) {
            problems.add(
                &name,
                message!(
                    "must be between {min} and {max}, got {got}",
                    min = 1,
                    max = ADJUST_MAX_MAX,
                    got = cap
                ),
            );
            continue;
        }
        caps.push((role, Points(cap)));
    }
    problems.result(AdjustPolicy::with_caps(caps))
}
