//! `[staff]`: what the program lets staff do — the most points one adjustment may move, per
//! role (`adjust_max = { support = 1000 }`) — and `[staff.approval]`, what a second staff
//! member must approve (`adjust_over = 500`, `tier_assignments`, `program_changes`).

use super::rules::one_of;
use crate::staff::{AdjustPolicy, ApprovalPolicy, Role};
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
    /// What waits for a second staff member.
    #[serde(default)]
    approval: Option<ApprovalSection>,
}

/// The `[staff.approval]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApprovalSection {
    /// Adjustments of more points than this wait for approval.
    #[serde(default)]
    adjust_over: Option<i64>,
    #[serde(default)]
    tier_assignments: bool,
    #[serde(default)]
    program_changes: bool,
}

/// What `[staff]` sets: the caps per role and what waits for approval.
pub(super) struct StaffPolicies {
    /// The most points one adjustment by each role may move.
    pub adjust: AdjustPolicy,
    /// What a second staff member must approve.
    pub approval: ApprovalPolicy,
}

/// The policies the section sets (the defaults without one), or every problem.
pub(super) fn convert(section: Option<StaffSection>) -> Result<StaffPolicies, Vec<Issue>> {
    let Some(section) = section else {
        return Ok(StaffPolicies {
            adjust: AdjustPolicy::default(),
            approval: ApprovalPolicy::default(),
        });
    };
    let approval = section.approval.map(approval).transpose();
    let adjust = caps(section.adjust_max);
    match (adjust, approval) {
        (Ok(adjust), Ok(approval)) => Ok(StaffPolicies {
            adjust,
            approval: approval.unwrap_or_default(),
        }),
        (adjust, approval) => Err(adjust
            .err()
            .into_iter()
            .chain(approval.err())
            .flatten()
            .collect()),
    }
}

/// `[staff.approval]` as a policy, or its problems.
fn approval(section: ApprovalSection) -> Result<ApprovalPolicy, Vec<Issue>> {
    let mut problems = Issues::under("staff.approval");
    if let Some(over) = section
        .adjust_over
        .filter(|o| !(0..ADJUST_MAX_MAX).contains(o))
    {
        problems.add(
            "adjust_over",
            message!(
                "must be between {min} and {max}, got {got}",
                min = 0,
                max = ADJUST_MAX_MAX - 1,
                got = over
            ),
        );
    }
    problems.result(ApprovalPolicy {
        adjust_over: section.adjust_over.map(Points),
        tier_assignments: section.tier_assignments,
        program_changes: section.program_changes,
    })
}

/// `adjust_max` as caps per role, or its problems.
fn caps(adjust_max: BTreeMap<String, i64>) -> Result<AdjustPolicy, Vec<Issue>> {
    let mut problems = Issues::under("staff.adjust_max");
    let mut caps = Vec::new();
    for (name, cap) in adjust_max {
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
