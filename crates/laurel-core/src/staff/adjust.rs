//! The adjustment policy: the most points one staff adjustment may move, per role. The
//! program file sets it under `[staff]`; a role it does not name keeps its default (support
//! staff 1,000 points at a time, the other roles no cap).

use super::role::Role;
use crate::Points;

/// The support role's cap when the program file names none.
pub const SUPPORT_ADJUST_MAX_DEFAULT: Points = Points(1_000);

/// Per role, the most points (credit or debit) one adjustment may move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdjustPolicy {
    caps: Vec<(Role, Points)>,
}

impl Default for AdjustPolicy {
    fn default() -> AdjustPolicy {
        AdjustPolicy {
            caps: vec![(Role::Support, SUPPORT_ADJUST_MAX_DEFAULT)],
        }
    }
}

/// An adjustment larger than the role may make: what the policy allows and what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverCap {
    /// The role that asked.
    pub role: Role,
    /// The most it may move at once.
    pub cap: Points,
    /// The size of the adjustment asked for (its magnitude).
    pub requested: Points,
}

impl AdjustPolicy {
    /// The defaults with each of `caps` in place of its role's default.
    pub fn with_caps(caps: impl IntoIterator<Item = (Role, Points)>) -> AdjustPolicy {
        let mut policy = AdjustPolicy::default();
        for (role, cap) in caps {
            policy.caps.retain(|(r, _)| *r != role);
            policy.caps.push((role, cap));
        }
        policy
    }

    /// The most points `role` may move in one adjustment; `None` for no cap.
    pub fn cap(&self, role: Role) -> Option<Points> {
        self.caps
            .iter()
            .find(|(r, _)| *r == role)
            .map(|(_, cap)| *cap)
    }

    /// Whether `role` may adjust by `points` (a credit or a debit) in one go.
    pub fn check(&self, role: Role, points: i64) -> Result<(), OverCap> {
        // unsigned_abs: i64::MIN has no positive counterpart.
        let requested = Points(i64::try_from(points.unsigned_abs()).unwrap_or(i64::MAX));
        match self.cap(role) {
            Some(cap) if requested > cap => Err(OverCap {
                role,
                cap,
                requested,
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_staff_are_capped_at_a_thousand_points_unless_the_program_says_otherwise() {
        let default = AdjustPolicy::default();
        assert_eq!(default.check(Role::Support, -1_000), Ok(()));
        assert_eq!(
            default.check(Role::Support, 1_001),
            Err(OverCap {
                role: Role::Support,
                cap: Points(1_000),
                requested: Points(1_001)
            })
        );
        assert_eq!(default.check(Role::Admin, i64::MIN), Ok(()), "no cap");
        let set = AdjustPolicy::with_caps([(Role::Support, Points(50)), (Role::Admin, Points(9))]);
        assert!(set.check(Role::Support, 51).is_err());
        assert!(set.check(Role::Admin, -10).is_err());
        assert_eq!(set.check(Role::Manager, 1_000_000), Ok(()));
    }
}
