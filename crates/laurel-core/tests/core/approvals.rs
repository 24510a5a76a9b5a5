//! Maker-checker: which operations wait for a second staff member, and who may decide them.

use laurel_core::Points;
use laurel_core::staff::{
    ApprovalKind, ApprovalPolicy, ApprovalState, Decision, DecisionRefusal, Role, Waiting,
    may_decide,
};

const MAKER: i64 = 1;
const OTHER: i64 = 2;

fn waiting(kind: ApprovalKind) -> Waiting {
    Waiting {
        kind,
        state: ApprovalState::Waiting,
        maker: MAKER,
    }
}

#[test]
fn a_program_without_approvals_lets_everything_through_at_once() {
    let none = ApprovalPolicy::default();
    assert!(!none.any());
    for kind in ApprovalKind::ALL {
        assert!(!none.needs(*kind, i64::MAX));
    }
}

#[test]
fn only_adjustments_of_more_points_than_the_threshold_wait_either_way() {
    let policy = ApprovalPolicy {
        adjust_over: Some(Points(500)),
        ..ApprovalPolicy::default()
    };
    assert!(!policy.needs(ApprovalKind::Adjustment, 500));
    assert!(!policy.needs(ApprovalKind::Adjustment, -500));
    assert!(policy.needs(ApprovalKind::Adjustment, 501));
    assert!(policy.needs(ApprovalKind::Adjustment, -501));
    assert!(policy.needs(ApprovalKind::Adjustment, i64::MIN));
    assert!(!policy.needs(ApprovalKind::TierAssignment, 0));
    assert!(!policy.needs(ApprovalKind::ProgramChange, 0));
}

#[test]
fn tier_assignments_and_program_changes_wait_when_the_policy_says() {
    let policy = ApprovalPolicy {
        tier_assignments: true,
        program_changes: true,
        ..ApprovalPolicy::default()
    };
    assert!(policy.any());
    assert!(policy.needs(ApprovalKind::TierAssignment, 0));
    assert!(policy.needs(ApprovalKind::ProgramChange, 0));
    assert!(!policy.needs(ApprovalKind::Adjustment, i64::MAX));
}

#[test]
fn a_maker_never_approves_or_rejects_their_own_request() {
    for decision in [Decision::Approve, Decision::Reject] {
        assert_eq!(
            may_decide(
                waiting(ApprovalKind::Adjustment),
                MAKER,
                Role::Admin,
                decision
            ),
            Err(DecisionRefusal::OwnRequest)
        );
        assert_eq!(
            may_decide(
                waiting(ApprovalKind::Adjustment),
                OTHER,
                Role::Admin,
                decision
            ),
            Ok(())
        );
    }
}

#[test]
fn only_the_maker_withdraws() {
    let request = waiting(ApprovalKind::TierAssignment);
    assert_eq!(
        may_decide(request, MAKER, Role::Support, Decision::Withdraw),
        Ok(())
    );
    assert_eq!(
        may_decide(request, OTHER, Role::Admin, Decision::Withdraw),
        Err(DecisionRefusal::NotMaker)
    );
}

#[test]
fn a_checker_must_be_allowed_to_make_the_operation_themselves() {
    let change = waiting(ApprovalKind::ProgramChange);
    assert_eq!(
        may_decide(change, OTHER, Role::Support, Decision::Approve),
        Err(DecisionRefusal::NotAllowed)
    );
    assert_eq!(
        may_decide(change, OTHER, Role::Manager, Decision::Approve),
        Ok(())
    );
    assert_eq!(
        may_decide(
            waiting(ApprovalKind::Adjustment),
            OTHER,
            Role::Finance,
            Decision::Reject
        ),
        Err(DecisionRefusal::NotAllowed)
    );
}

#[test]
fn a_decided_request_is_never_decided_again() {
    for state in [
        ApprovalState::Approved,
        ApprovalState::Rejected,
        ApprovalState::Withdrawn,
    ] {
        let request = Waiting {
            state,
            ..waiting(ApprovalKind::Adjustment)
        };
        for (by, decision) in [
            (OTHER, Decision::Approve),
            (OTHER, Decision::Reject),
            (MAKER, Decision::Withdraw),
        ] {
            assert_eq!(
                may_decide(request, by, Role::Admin, decision),
                Err(DecisionRefusal::Decided(state))
            );
        }
    }
}
