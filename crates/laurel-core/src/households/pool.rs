//! Whose points a household member's debit may draw on beyond their own, and how much of
//! each: the shortfall is lent by the others in a fixed order until it is covered.

use super::HouseholdMode;
use crate::points::Points;

/// A household member who may lend a spender points, with what they have available.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lender {
    /// The member.
    pub member: i64,
    /// Their spendable points.
    pub available: Points,
}

/// Those who lend `spender` points, in the order they are drawn on: under `Pooled` the
/// owner, then the others in the order they joined (`members`, the owner excluded); under
/// `OwnerPays` the owner alone, and no one for the owner.
pub fn lenders(mode: HouseholdMode, spender: i64, owner: i64, members: &[i64]) -> Vec<i64> {
    let mut out = Vec::new();
    if spender != owner {
        out.push(owner);
    }
    if mode == HouseholdMode::Pooled {
        out.extend(
            members
                .iter()
                .copied()
                .filter(|m| *m != spender && *m != owner),
        );
    }
    out
}

/// What each lender gives toward `shortfall`, in their order, each at most what they have;
/// `None` when all of them together cannot cover it.
pub fn shares(shortfall: Points, lenders: &[Lender]) -> Option<Vec<(i64, Points)>> {
    let mut left = shortfall;
    let mut out = Vec::new();
    for l in lenders {
        if !left.is_positive() {
            break;
        }
        let give = l.available.max(Points::ZERO).min(left);
        if give.is_positive() {
            out.push((l.member, give));
            left -= give;
        }
    }
    (!left.is_positive()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_members_draw_on_the_owner_then_the_others_and_owner_pays_only_on_the_owner() {
        assert_eq!(lenders(HouseholdMode::Pooled, 3, 1, &[2, 3, 4]), [1, 2, 4]);
        assert_eq!(lenders(HouseholdMode::Pooled, 1, 1, &[2, 3]), [2, 3]);
        assert_eq!(lenders(HouseholdMode::OwnerPays, 3, 1, &[2, 3]), [1]);
        assert_eq!(
            lenders(HouseholdMode::OwnerPays, 1, 1, &[2, 3]),
            Vec::<i64>::new()
        );
    }

    #[test]
    fn the_shortfall_is_lent_in_order_or_not_at_all() {
        let l = |member, available| Lender {
            member,
            available: Points(available),
        };
        assert_eq!(
            shares(Points(70), &[l(1, 50), l(2, 0), l(4, 100)]),
            Some(vec![(1, Points(50)), (4, Points(20))])
        );
        assert_eq!(shares(Points(70), &[l(1, 50), l(2, -10)]), None);
        assert_eq!(shares(Points::ZERO, &[l(1, 50)]), Some(Vec::new()));
    }
}
