//! `[households]`: whether members may pool their points, in which way, and how many may.

use crate::issue::{Issue, Issues};
use crate::message;

/// How a household's points are spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouseholdMode {
    /// One pooled balance: every member spends from everyone's points (their own first, then
    /// the owner's, then the others' in the order they joined).
    Pooled,
    /// The owner pays: members spend their own points first, then the owner's; the owner
    /// spends only their own.
    OwnerPays,
}

impl HouseholdMode {
    /// Its name in the program file and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            HouseholdMode::Pooled => "pooled",
            HouseholdMode::OwnerPays => "owner_pays",
        }
    }

    /// The mode by its name.
    pub fn parse(name: &str) -> Option<HouseholdMode> {
        match name {
            "pooled" => Some(HouseholdMode::Pooled),
            "owner_pays" => Some(HouseholdMode::OwnerPays),
            _ => None,
        }
    }
}

/// The section as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HouseholdSpec {
    /// `pooled` or `owner_pays` (pooled when not said).
    pub mode: Option<String>,
    /// How many members one household may have, the owner included (6 when not said).
    pub max_members: Option<i64>,
}

/// The program's households, if it offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HouseholdPolicy {
    /// How their points are spent.
    pub mode: HouseholdMode,
    /// How many members one may have, the owner included.
    pub max_members: u32,
}

/// The most members a household may be allowed.
const MAX_MEMBERS_MAX: i64 = 20;

/// Why a member may not join a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum JoinRefusal {
    /// The household has as many members as the program allows.
    #[error("the household has its {max} members already")]
    Full {
        /// The most.
        max: u32,
    },
    /// The member belongs to (or asked to join) a household already.
    #[error("the member belongs to a household already")]
    InAnother,
}

impl HouseholdPolicy {
    /// Checks `spec`, every problem at its key under `households`.
    pub fn new(spec: &HouseholdSpec) -> Result<HouseholdPolicy, Vec<Issue>> {
        let mut issues = Issues::under("households");
        let mode = match spec.mode.as_deref() {
            None => HouseholdMode::Pooled,
            Some(name) => HouseholdMode::parse(name).unwrap_or_else(|| {
                issues.add(
                    "mode",
                    message!(
                        "unknown value `{got}`: expected one of {expected}",
                        got = name,
                        expected = "pooled, owner_pays"
                    ),
                );
                HouseholdMode::Pooled
            }),
        };
        let max_members = match spec.max_members {
            None => 6,
            Some(n) if (2..=MAX_MEMBERS_MAX).contains(&n) => u32::try_from(n).unwrap_or(6),
            Some(n) => {
                issues.add(
                    "max_members",
                    message!(
                        "must be from {least} to {most}, got {got}",
                        least = 2,
                        most = MAX_MEMBERS_MAX,
                        got = n
                    ),
                );
                6
            }
        };
        issues.result(HouseholdPolicy { mode, max_members })
    }

    /// Whether one more member may join a household of `members` who belong (the owner
    /// included), for a member who is `in_another` household.
    pub fn may_join(&self, members: u32, in_another: bool) -> Result<(), JoinRefusal> {
        if in_another {
            return Err(JoinRefusal::InAnother);
        }
        if members >= self.max_members {
            return Err(JoinRefusal::Full {
                max: self.max_members,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_section_pools_up_to_six() {
        assert_eq!(
            HouseholdPolicy::new(&HouseholdSpec::default()),
            Ok(HouseholdPolicy {
                mode: HouseholdMode::Pooled,
                max_members: 6
            })
        );
    }

    #[test]
    fn every_problem_is_reported_at_its_key() {
        let spec = HouseholdSpec {
            mode: Some("shared".into()),
            max_members: Some(1),
        };
        let keys: Vec<String> = HouseholdPolicy::new(&spec)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|i| i.key)
            .collect();
        assert_eq!(keys, ["households.mode", "households.max_members"]);
    }

    #[test]
    fn a_full_household_and_a_member_of_another_are_refused() {
        let policy = HouseholdPolicy {
            mode: HouseholdMode::Pooled,
            max_members: 3,
        };
        assert_eq!(policy.may_join(2, false), Ok(()));
        assert_eq!(policy.may_join(3, false), Err(JoinRefusal::Full { max: 3 }));
        assert_eq!(policy.may_join(1, true), Err(JoinRefusal::InAnother));
    }
}
