//! Maker-checker on both backends: what the program's `[staff.approval]` names waits for a
//! second staff member — adjustments above the threshold, tier assignments, program changes —
//! and takes effect only when another staff member who could make it approves it; rejected or
//! withdrawn, nothing of it takes effect; a maker never approves their own; API keys are
//! refused what needs approval.

use super::tiers::TIERS;
use super::*;
use laurel_engine::{
    Applied, ApplyProgram, ApprovalState, ApprovalView, AssignTierRequest, Decision, Made,
    Proposal, Role, StaffMember,
};

/// Adjustments of more than 500 points, tier assignments and program changes need approval.
const APPROVALS: &str =
    "\n[staff.approval]\nadjust_over = 500\ntier_assignments = true\nprogram_changes = true\n";

/// [`PROGRAM`] at one point per yuan with [`TIERS`] and [`APPROVALS`].
fn approvals_text() -> String {
    PROGRAM.replace(ONE_PER_YUAN.0, ONE_PER_YUAN.1) + TIERS + APPROVALS
}

/// An engine over a migrated store whose program (version 1) is [`approvals_text`].
async fn approvals_engine(db: &TestDb) -> Engine {
    let store = open(db).await;
    let config = EngineConfig::for_backend(store.backend());
    Engine::open(store, Some(&approvals_text()), config)
        .await
        .unwrap()
}

fn staff(id: i64, role: Role) -> StaffMember {
    StaffMember {
        id,
        actor: format!("staff:{}{id}@example.com", role.as_str()),
        role,
    }
}

fn maker() -> StaffMember {
    staff(1, Role::Support)
}

fn checker() -> StaffMember {
    staff(2, Role::Manager)
}

fn waiting<T: std::fmt::Debug>(made: Made<T>) -> ApprovalView {
    match made {
        Made::Waiting(request) => *request,
        Made::Done(done) => panic!("expected to wait for approval, was made: {done:?}"),
    }
}

#[tokio::test]
async fn an_adjustment_up_to_the_threshold_is_made_at_once_and_one_above_waits_for_a_second_staff_member()
 {
    for (name, db) in laurel_testkit::backends() {
        let engine = approvals_engine(&db).await;
        let id = member(&engine, "buyer").await;
        let made = engine.adjust_by(credit(id, 500, "k-1"), &maker()).await;
        assert!(matches!(made, Ok(Made::Done(_))), "[{name}] {made:?}");
        let request = waiting(
            engine
                .adjust_by(credit(id, -501, "k-2"), &maker())
                .await
                .unwrap(),
        );
        assert_eq!(request.state, ApprovalState::Waiting, "[{name}]");
        assert_eq!(request.proposal.member_id(), Some(id), "[{name}]");
        assert_eq!(balance(&engine, id).await, (500, 0), "[{name}] nothing yet");
        assert_eq!(
            engine.approvals_waiting().await.unwrap(),
            std::slice::from_ref(&request)
        );

        assert_eq!(
            code(
                engine
                    .decide_approval(request.id, &checker(), Decision::Approve)
                    .await
            ),
            "insufficient_points",
            "[{name}] applied as then: the debit is more than the member holds"
        );
        assert_eq!(
            engine.approval(request.id).await.unwrap().state,
            ApprovalState::Waiting,
            "[{name}] nothing took effect, so it waits still"
        );
        engine
            .adjust_by(credit(id, 100, "k-3"), &maker())
            .await
            .unwrap();
        let approved = engine
            .decide_approval(request.id, &checker(), Decision::Approve)
            .await
            .unwrap();
        assert_eq!(approved.state, ApprovalState::Approved, "[{name}]");
        assert_eq!(balance(&engine, id).await, (99, 0), "[{name}] applied");
        let newest = &entries(&engine, id).await[0];
        assert_eq!(approved.journal_id, Some(newest.id.0), "[{name}]");
        assert_eq!(
            newest.meta.actor.as_deref(),
            Some(maker().actor.as_str()),
            "[{name}] made as if by its maker"
        );
        assert_eq!(
            approved.decided.map(|(by, _)| by.id),
            Some(checker().id),
            "[{name}]"
        );
        assert!(engine.approvals_waiting().await.unwrap().is_empty());
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_maker_never_approves_their_own_and_a_decided_request_is_never_decided_again() {
    for (name, db) in laurel_testkit::backends() {
        let engine = approvals_engine(&db).await;
        let id = member(&engine, "buyer").await;
        let request = waiting(
            engine
                .adjust_by(credit(id, 900, "k-1"), &maker())
                .await
                .unwrap(),
        );
        for decision in [Decision::Approve, Decision::Reject] {
            assert_eq!(
                code(engine.decide_approval(request.id, &maker(), decision).await),
                "own_approval",
                "[{name}]"
            );
        }
        assert_eq!(
            code(
                engine
                    .decide_approval(request.id, &staff(3, Role::Finance), Decision::Approve)
                    .await
            ),
            "approval_not_allowed",
            "[{name}] finance may not adjust, so may not approve an adjustment"
        );
        engine
            .decide_approval(request.id, &checker(), Decision::Approve)
            .await
            .unwrap();
        for (by, decision) in [
            (checker(), Decision::Approve),
            (staff(4, Role::Admin), Decision::Reject),
            (maker(), Decision::Withdraw),
        ] {
            assert_eq!(
                code(engine.decide_approval(request.id, &by, decision).await),
                "approval_decided",
                "[{name}] {decision:?}"
            );
        }
        assert_eq!(
            code(
                engine
                    .decide_approval(999_999, &checker(), Decision::Approve)
                    .await
            ),
            "unknown_approval"
        );
        assert_eq!(
            balance(&engine, id).await,
            (900, 0),
            "[{name}] applied once"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_rejected_or_withdrawn_adjustment_leaves_nothing_applied() {
    for (name, db) in laurel_testkit::backends() {
        let engine = approvals_engine(&db).await;
        let id = member(&engine, "buyer").await;
        let first = waiting(
            engine
                .adjust_by(credit(id, 800, "k-1"), &maker())
                .await
                .unwrap(),
        );
        let second = waiting(
            engine
                .adjust_by(credit(id, 700, "k-2"), &maker())
                .await
                .unwrap(),
        );
        assert_eq!(
            code(
                engine
                    .decide_approval(second.id, &checker(), Decision::Withdraw)
                    .await
            ),
            "approval_not_allowed",
            "[{name}] only the maker withdraws"
        );
        let rejected = engine
            .decide_approval(first.id, &checker(), Decision::Reject)
            .await
            .unwrap();
        let withdrawn = engine
            .decide_approval(second.id, &maker(), Decision::Withdraw)
            .await
            .unwrap();
        assert_eq!(
            (rejected.state, withdrawn.state),
            (ApprovalState::Rejected, ApprovalState::Withdrawn),
            "[{name}]"
        );
        assert_eq!(balance(&engine, id).await, (0, 0), "[{name}]");
        assert!(entries(&engine, id).await.is_empty(), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn an_approved_adjustment_still_passes_the_makers_cap_and_the_checkers_own() {
    for (name, db) in laurel_testkit::backends() {
        let engine = approvals_engine(&db).await;
        let id = member(&engine, "buyer").await;
        assert_eq!(
            code(engine.adjust_by(credit(id, 1_001, "k-1"), &maker()).await),
            "adjustment_over_limit",
            "[{name}] over the support cap: refused at once, not sent for approval"
        );
        let by_manager = waiting(
            engine
                .adjust_by(credit(id, 5_000, "k-2"), &checker())
                .await
                .unwrap(),
        );
        assert_eq!(
            code(
                engine
                    .decide_approval(by_manager.id, &maker(), Decision::Approve)
                    .await
            ),
            "adjustment_over_limit",
            "[{name}] support could not make 5,000 points themselves"
        );
        assert_eq!(
            engine.approval(by_manager.id).await.unwrap().state,
            ApprovalState::Waiting,
            "[{name}] still waiting"
        );
        engine
            .decide_approval(by_manager.id, &staff(4, Role::Admin), Decision::Approve)
            .await
            .unwrap();
        assert_eq!(balance(&engine, id).await, (5_000, 0), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn api_keys_are_refused_what_needs_approval_and_make_the_rest() {
    for (name, db) in laurel_testkit::backends() {
        let engine = approvals_engine(&db).await;
        let id = member(&engine, "buyer").await;
        let key = "key:lrl_admin";
        engine.adjust(credit(id, 500, "k-1"), key).await.unwrap();
        assert_eq!(
            code(engine.adjust(credit(id, 501, "k-2"), key).await),
            "approval_required",
            "[{name}]"
        );
        assert_eq!(
            code(engine.assign_tier(gold(id), key).await),
            "approval_required",
            "[{name}]"
        );
        let change = program_change(false);
        assert_eq!(
            code(engine.apply_program(change, key).await),
            "approval_required",
            "[{name}]"
        );
        let checked = engine.apply_program(program_change(true), key).await;
        assert!(
            matches!(checked, Ok(Applied::Checked(_))),
            "[{name}] a dry run changes nothing: {checked:?}"
        );
        assert_eq!(balance(&engine, id).await, (500, 0), "[{name}]");
        finish(name, engine).await;
    }
}

async fn tier(engine: &Engine, id: i64) -> Option<String> {
    let view = engine.tier_status(&MemberRef::Id(id)).await.unwrap();
    view.tier.map(|t| t.id)
}

async fn versions(engine: &Engine) -> usize {
    engine.program_versions().await.unwrap().len()
}

fn gold(member_id: i64) -> AssignTierRequest {
    AssignTierRequest {
        member_id,
        tier: "gold".into(),
        reason: "complaint goodwill".into(),
        until: None,
    }
}

/// The program with a higher earn rate; approvals kept.
fn program_change(dry_run: bool) -> ApplyProgram {
    ApplyProgram {
        text: approvals_text().replace(r#"points_per_unit = "1""#, r#"points_per_unit = "2""#),
        effective_from: None,
        note: Some("double points".into()),
        dry_run,
    }
}

#[tokio::test]
async fn a_tier_assignment_waits_and_takes_effect_once_another_staff_member_approves() {
    for (name, db) in laurel_testkit::backends() {
        let engine = approvals_engine(&db).await;
        let id = member(&engine, "buyer").await;
        let rejected = waiting(engine.assign_tier_by(gold(id), &maker()).await.unwrap());
        engine
            .decide_approval(rejected.id, &checker(), Decision::Reject)
            .await
            .unwrap();
        assert_eq!(
            tier(&engine, id).await.as_deref(),
            Some("green"),
            "[{name}]"
        );
        let request = waiting(engine.assign_tier_by(gold(id), &maker()).await.unwrap());
        assert_eq!(
            tier(&engine, id).await.as_deref(),
            Some("green"),
            "[{name}]"
        );
        engine
            .decide_approval(request.id, &checker(), Decision::Approve)
            .await
            .unwrap();
        assert_eq!(tier(&engine, id).await.as_deref(), Some("gold"), "[{name}]");
        let history = engine
            .tier_status(&MemberRef::Id(id))
            .await
            .unwrap()
            .history;
        assert_eq!(
            history[0].actor.as_deref(),
            Some(maker().actor.as_str()),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_program_change_waits_and_is_stored_as_a_version_once_another_staff_member_approves() {
    for (name, db) in laurel_testkit::backends() {
        let engine = approvals_engine(&db).await;
        let admin = staff(5, Role::Admin);
        assert_eq!(versions(&engine).await, 1, "[{name}]");
        let withdrawn = waiting(
            engine
                .apply_program_by(program_change(false), &admin)
                .await
                .unwrap(),
        );
        engine
            .decide_approval(withdrawn.id, &admin, Decision::Withdraw)
            .await
            .unwrap();
        let request = waiting(
            engine
                .apply_program_by(program_change(false), &admin)
                .await
                .unwrap(),
        );
        assert_eq!(versions(&engine).await, 1, "[{name}] nothing stored yet");
        assert_eq!(
            code(
                engine
                    .decide_approval(request.id, &maker(), Decision::Approve)
                    .await
            ),
            "approval_not_allowed",
            "[{name}] support may not change the program"
        );
        let approved = engine
            .decide_approval(request.id, &checker(), Decision::Approve)
            .await
            .unwrap();
        assert_eq!(approved.program_version, Some(2), "[{name}]");
        assert_eq!(versions(&engine).await, 2, "[{name}]");
        let in_force = engine.program_in_force(Timestamp::now()).await.unwrap();
        let stored = in_force.stored.as_ref().unwrap();
        assert_eq!(stored.actor.as_deref(), Some(admin.actor.as_str()));
        let id = member(&engine, "buyer").await;
        let bought = buy_now(&engine, id, "o-1", "10.00").await;
        assert_eq!(
            bought.earned.points_earned, 20,
            "[{name}] the approved version earns"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn approving_a_program_change_asked_before_another_was_stored_is_refused_and_it_waits_as_it_was()
 {
    for (name, db) in laurel_testkit::backends() {
        let engine = approvals_engine(&db).await;
        let admin = staff(5, Role::Admin);
        let triple = ApplyProgram {
            text: approvals_text().replace(r#"points_per_unit = "1""#, r#"points_per_unit = "3""#),
            note: Some("triple points".into()),
            ..program_change(false)
        };
        let first = waiting(
            engine
                .apply_program_by(program_change(false), &admin)
                .await
                .unwrap(),
        );
        let second = waiting(engine.apply_program_by(triple, &admin).await.unwrap());
        for request in [&first, &second] {
            assert!(
                matches!(
                    request.proposal,
                    Proposal::ProgramChange {
                        based_on: Some(1),
                        ..
                    }
                ),
                "[{name}] asked on version 1: {:?}",
                request.proposal
            );
        }
        let approved = engine
            .decide_approval(second.id, &checker(), Decision::Approve)
            .await
            .unwrap();
        assert_eq!(approved.program_version, Some(2), "[{name}]");

        for by in [checker(), staff(4, Role::Admin)] {
            assert_eq!(
                code(
                    engine
                        .decide_approval(first.id, &by, Decision::Approve)
                        .await
                ),
                "program_changed_since",
                "[{name}] approving it would undo version 2"
            );
        }
        assert_eq!(versions(&engine).await, 2, "[{name}] nothing stored");
        assert_eq!(
            engine.approval(first.id).await.unwrap(),
            first,
            "[{name}] waiting as it was asked, for a checker to reject or its maker to withdraw"
        );
        let id = member(&engine, "buyer").await;
        let bought = buy_now(&engine, id, "o-1", "10.00").await;
        assert_eq!(
            bought.earned.points_earned, 30,
            "[{name}] the version approved since stays in force"
        );
        let rejected = engine
            .decide_approval(first.id, &checker(), Decision::Reject)
            .await
            .unwrap();
        assert_eq!(rejected.state, ApprovalState::Rejected, "[{name}]");
        finish(name, engine).await;
    }
}

/// Two staff approve request `id` at once, each through their own node (two engines over one
/// database): how many were answered with the request approved, and how many
/// `approval_decided`.
async fn approve_at_once(engines: &[Arc<Engine>; 2], id: i64) -> (usize, usize) {
    let deciders = [checker(), staff(4, Role::Admin)];
    let tasks: Vec<_> = engines
        .iter()
        .zip(deciders)
        .map(|(engine, by)| {
            let engine = engine.clone();
            tokio::spawn(async move { engine.decide_approval(id, &by, Decision::Approve).await })
        })
        .collect();
    let (mut approved, mut decided) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(view) => {
                assert_eq!(view.state, ApprovalState::Approved);
                approved += 1;
            }
            Err(e) if e.code() == "approval_decided" => decided += 1,
            Err(e) => panic!("unexpected error: {e:?}"),
        }
    }
    (approved, decided)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_staff_approving_one_request_at_once_apply_it_once_and_the_other_hears_it_was_decided()
{
    for (name, db) in laurel_testkit::backends() {
        let first = Arc::new(approvals_engine(&db).await);
        let second = Arc::new(approvals_engine(&db).await);
        let engines = [first.clone(), second.clone()];
        let id = member(&first, "buyer").await;

        for (round, points) in [600, 700, 800].into_iter().enumerate() {
            let key = format!("k-{round}");
            let request = waiting(
                first
                    .adjust_by(credit(id, points, &key), &maker())
                    .await
                    .unwrap(),
            );
            assert_eq!(
                approve_at_once(&engines, request.id).await,
                (1, 1),
                "[{name}] adjustment {round}"
            );
            let newest = &entries(&first, id).await[0];
            let approved = second.approval(request.id).await.unwrap();
            assert_eq!(approved.state, ApprovalState::Approved, "[{name}]");
            assert_eq!(approved.journal_id, Some(newest.id.0), "[{name}]");
            assert!(approved.decided.is_some(), "[{name}]");
        }
        assert_eq!(
            entries(&first, id).await.len(),
            3,
            "[{name}] each applied once"
        );
        assert_eq!(balance(&first, id).await, (2_100, 0), "[{name}]");

        let history = |view: laurel_engine::TierView| view.history.len();
        let before = history(first.tier_status(&MemberRef::Id(id)).await.unwrap());
        let assignment = waiting(first.assign_tier_by(gold(id), &maker()).await.unwrap());
        assert_eq!(
            approve_at_once(&engines, assignment.id).await,
            (1, 1),
            "[{name}] tier assignment"
        );
        assert_eq!(tier(&first, id).await.as_deref(), Some("gold"), "[{name}]");
        let after = history(first.tier_status(&MemberRef::Id(id)).await.unwrap());
        assert_eq!(after, before + 1, "[{name}] assigned once");

        let change = waiting(
            first
                .apply_program_by(program_change(false), &staff(5, Role::Admin))
                .await
                .unwrap(),
        );
        assert_eq!(
            approve_at_once(&engines, change.id).await,
            (1, 1),
            "[{name}] program change"
        );
        assert_eq!(versions(&first).await, 2, "[{name}] stored once");
        let approved = first.approval(change.id).await.unwrap();
        assert_eq!(approved.program_version, Some(2), "[{name}]");
        assert!(first.approvals_waiting().await.unwrap().is_empty());
        drop(engines);
        unshare(second).shutdown().await;
        finish(name, unshare(first)).await;
    }
}

#[tokio::test]
async fn an_approval_whose_applying_is_refused_writes_nothing_and_the_request_waits_as_it_was() {
    for (name, db) in laurel_testkit::backends() {
        let engine = approvals_engine(&db).await;
        let id = member(&engine, "buyer").await;
        let made = engine.adjust_by(credit(id, 300, "k-1"), &maker()).await;
        assert!(matches!(made, Ok(Made::Done(_))), "[{name}] {made:?}");
        let debit = waiting(
            engine
                .adjust_by(credit(id, -600, "k-2"), &maker())
                .await
                .unwrap(),
        );
        let ledger = entries(&engine, id).await;
        for by in [checker(), staff(4, Role::Admin)] {
            assert_eq!(
                code(
                    engine
                        .decide_approval(debit.id, &by, Decision::Approve)
                        .await
                ),
                "insufficient_points",
                "[{name}] {by:?}"
            );
            assert_eq!(
                engine.approval(debit.id).await.unwrap(),
                debit,
                "[{name}] waiting as it was asked: nobody decided it, nothing made"
            );
            assert_eq!(entries(&engine, id).await, ledger, "[{name}] no entry");
            assert_eq!(balance(&engine, id).await, (300, 0), "[{name}]");
        }
        assert_eq!(
            engine.approvals_waiting().await.unwrap(),
            std::slice::from_ref(&debit),
            "[{name}] in the queue still"
        );

        let assignment = waiting(engine.assign_tier_by(gold(id), &maker()).await.unwrap());
        let no_gold = ApplyProgram {
            text: approvals_text().replace(r#"id = "gold""#, r#"id = "platinum""#),
            effective_from: None,
            note: Some("gold renamed".into()),
            dry_run: false,
        };
        let renaming = waiting(
            engine
                .apply_program_by(no_gold, &staff(5, Role::Admin))
                .await
                .unwrap(),
        );
        engine
            .decide_approval(renaming.id, &checker(), Decision::Approve)
            .await
            .unwrap();
        assert_eq!(
            code(
                engine
                    .decide_approval(assignment.id, &checker(), Decision::Approve)
                    .await
            ),
            "unknown_tier",
            "[{name}] the tier is gone from the program in force"
        );
        assert_eq!(
            engine.approval(assignment.id).await.unwrap(),
            assignment,
            "[{name}] waiting still"
        );
        assert_eq!(
            tier(&engine, id).await.as_deref(),
            Some("green"),
            "[{name}]"
        );
        let rejected = engine
            .decide_approval(assignment.id, &checker(), Decision::Reject)
            .await
            .unwrap();
        assert_eq!(rejected.state, ApprovalState::Rejected, "[{name}]");

        engine
            .adjust_by(credit(id, 300, "k-3"), &maker())
            .await
            .unwrap();
        let approved = engine
            .decide_approval(debit.id, &checker(), Decision::Approve)
            .await
            .unwrap();
        assert_eq!(approved.state, ApprovalState::Approved, "[{name}]");
        assert_eq!(
            balance(&engine, id).await,
            (0, 0),
            "[{name}] applied once covered"
        );
        finish(name, engine).await;
    }
}

#[test]
fn an_approval_threshold_below_zero_is_a_problem_at_its_key() {
    let text = format!("{PROGRAM}\n[staff.approval]\nadjust_over = -1\n");
    let err = parse_program(&text, Path::new("test.toml")).unwrap_err();
    let found: Vec<(&str, &str)> = err
        .issues
        .iter()
        .map(|i| (i.key.as_str(), i.words.template))
        .collect();
    assert_eq!(
        found,
        [(
            "staff.approval.adjust_over",
            "must be between {min} and {max}, got {got}"
        )]
    );
    let none = parse_program(PROGRAM, Path::new("test.toml")).unwrap();
    assert!(!none.approval.any(), "absent: nothing waits");
}
