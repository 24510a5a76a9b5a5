//! Staff accounts on both backends: sign-in with the right password only, the same refusal
//! for an unknown email, a lock after repeated failures, sessions found by their token and
//! ended by signing out, and the audit log.

use super::*;
use laurel_engine::{
    AuditEntry, FAILED_SIGN_INS_MAX, Made, PostingOutcome, Role, SignIn, StaffMember,
};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn a_staff_member_signs_in_with_the_right_password_and_out_again() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let created = engine
            .create_staff_user(" Li@Example.com ", "Li Na", Role::Support, PASSWORD)
            .await
            .unwrap();
        assert_eq!(
            created.email, "li@example.com",
            "[{name}] emails are normalized"
        );

        let SignIn::Done(signed_in) = engine.sign_in("LI@example.com", PASSWORD).await.unwrap()
        else {
            panic!("[{name}] no second step is asked without two-factor");
        };
        assert_eq!(signed_in.session.user, created, "[{name}]");
        assert_ne!(signed_in.token, signed_in.session.csrf_token);
        let session = engine.staff_session(&signed_in.token).await.unwrap();
        assert_eq!(session, Some(signed_in.session.clone()), "[{name}]");
        assert_eq!(
            engine.staff_session("not-a-token").await.unwrap(),
            None,
            "[{name}]"
        );

        engine.sign_out(&signed_in.token).await.unwrap();
        assert_eq!(
            engine.staff_session(&signed_in.token).await.unwrap(),
            None,
            "[{name}] signed out"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn wrong_passwords_and_unknown_emails_are_refused_alike_and_repeated_failures_lock() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        engine
            .create_staff_user("li@example.com", "Li Na", Role::Admin, PASSWORD)
            .await
            .unwrap();
        assert_eq!(
            code(engine.sign_in("nobody@example.com", PASSWORD).await),
            "sign_in_failed",
            "[{name}]"
        );
        for _ in 1..FAILED_SIGN_INS_MAX {
            assert_eq!(
                code(engine.sign_in("li@example.com", "wrong password!").await),
                "sign_in_failed",
                "[{name}]"
            );
        }
        assert_eq!(
            code(engine.sign_in("li@example.com", "wrong password!").await),
            "account_locked",
            "[{name}] the last failure locks"
        );
        assert_eq!(
            code(engine.sign_in("li@example.com", PASSWORD).await),
            "account_locked",
            "[{name}] even the right password waits"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn staff_accounts_refuse_duplicates_and_weak_passwords() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        engine
            .create_staff_user("li@example.com", "Li Na", Role::Finance, PASSWORD)
            .await
            .unwrap();
        assert_eq!(
            code(
                engine
                    .create_staff_user("LI@example.com", "Other", Role::Admin, PASSWORD)
                    .await
            ),
            "staff_exists",
            "[{name}]"
        );
        assert_eq!(
            code(
                engine
                    .create_staff_user("wu@example.com", "Wu", Role::Admin, "short")
                    .await
            ),
            "weak_password",
            "[{name}]"
        );
        assert_eq!(engine.staff_users().await.unwrap().len(), 1, "[{name}]");

        engine
            .audit(AuditEntry {
                staff_user_id: None,
                actor: "li@example.com".into(),
                action: "points.adjust".into(),
                subject: "member:1".into(),
                before: Some(r#"{"available":0}"#.into()),
                after: Some(r#"{"available":50}"#.into()),
                at: Timestamp::from_second(1_800_000_000).unwrap(),
            })
            .await
            .unwrap();
        let log = engine.audit_log(10).await.unwrap();
        assert_eq!(log.len(), 1, "[{name}]");
        assert_eq!(log[0].after.as_deref(), Some(r#"{"available":50}"#));
        finish(name, engine).await;
    }
}

#[test]
fn roles_allow_what_the_issue_says_and_nothing_more() {
    use laurel_engine::Permission::*;
    assert!(Role::Admin.may(ManageStaff));
    assert!(Role::Manager.may(EditProgram) && !Role::Manager.may(ManageStaff));
    assert!(Role::Support.may(AdjustPoints) && !Role::Support.may(EditProgram));
    assert!(Role::Finance.may(ViewReports) && !Role::Finance.may(AdjustPoints));
    assert!(
        Role::Finance.may(ViewAudit) && !Role::Finance.may(ManageStaff),
        "finance read the audit log but manage no one"
    );
    assert!(!Role::Support.may(ViewAudit));
    assert_eq!("support".parse::<Role>().unwrap(), Role::Support);
    assert!("root".parse::<Role>().is_err());
}

/// A staff member's adjustment, in `role`, as `actor`: made at once, as these programs make
/// nothing wait for approval.
async fn adjust_as(
    engine: &Engine,
    request: AdjustRequest,
    actor: &str,
    role: Role,
) -> Result<PostingOutcome, EngineError> {
    let by = StaffMember {
        id: 1,
        actor: actor.to_owned(),
        role,
    };
    match engine.adjust_by(request, &by).await? {
        Made::Done(made) => Ok(made),
        Made::Waiting(request) => panic!("waits for approval: {request:?}"),
    }
}

/// [`PROGRAM`] with a `[staff]` table capping adjustments per role.
fn with_caps(caps: &str) -> ProgramDefinition {
    let text = format!("{PROGRAM}\n[staff]\nadjust_max = {{ {caps} }}\n");
    parse_program(&text, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn an_adjustment_larger_than_the_roles_cap_is_refused_and_writes_nothing() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_caps("support = 100, manager = 500")).await;
        let id = member(&engine, "buyer").await;
        let by = |role| (format!("staff:{role}@example.com"), role);
        let (support, role) = by(Role::Support);
        adjust_as(&engine, credit(id, 100, "s-1"), &support, role)
            .await
            .unwrap();
        for (points, key) in [(101, "s-2"), (-101, "s-3")] {
            let refused = adjust_as(&engine, credit(id, points, key), &support, role)
                .await
                .unwrap_err();
            assert_eq!(refused.code(), "adjustment_over_limit", "[{name}] {points}");
            assert!(
                matches!(
                    refused,
                    EngineError::AdjustmentOverLimit {
                        role: Role::Support,
                        cap: Points(100),
                        requested: Points(101)
                    }
                ),
                "[{name}] the refusal names the cap and the size asked: {refused:?}"
            );
        }
        let (manager, role) = by(Role::Manager);
        adjust_as(&engine, credit(id, -50, "m-1"), &manager, role)
            .await
            .unwrap();
        assert_eq!(
            code(adjust_as(&engine, credit(id, 501, "m-2"), &manager, role).await),
            "adjustment_over_limit",
            "[{name}]"
        );
        // Admins, and the API's admin keys which act as admins, have no cap unless set.
        engine
            .adjust(credit(id, 1_000_000, "a-1"), "key:lrl_admin")
            .await
            .unwrap();
        assert_eq!(balance(&engine, id).await, (1_000_050, 0), "[{name}]");
        assert_eq!(
            entries(&engine, id).await.len(),
            3,
            "[{name}] the refused adjustments left no entry"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn without_a_staff_table_support_staff_adjust_at_most_a_thousand_points_at_a_time() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let id = member(&engine, "buyer").await;
        let actor = "staff:support@example.com";
        adjust_as(&engine, credit(id, 1_000, "s-1"), actor, Role::Support)
            .await
            .unwrap();
        assert_eq!(
            code(adjust_as(&engine, credit(id, -1_001, "s-2"), actor, Role::Support).await),
            "adjustment_over_limit",
            "[{name}]"
        );
        adjust_as(
            &engine,
            credit(id, 5_000, "m-1"),
            "staff:m@example.com",
            Role::Manager,
        )
        .await
        .unwrap();
        assert_eq!(balance(&engine, id).await, (6_000, 0), "[{name}]");
        finish(name, engine).await;
    }
}

#[test]
fn a_staff_cap_for_no_role_or_below_one_is_a_problem_at_its_key_and_line() {
    let text = format!("{PROGRAM}\n[staff]\nadjust_max = {{ cashier = 10, support = 0 }}\n");
    let err = parse_program(&text, Path::new("test.toml")).unwrap_err();
    let found: Vec<(&str, &str, Option<usize>)> = err
        .issues
        .iter()
        .map(|i| (i.key.as_str(), i.words.template, i.line))
        .collect();
    let line = text.lines().count();
    assert_eq!(
        found,
        [
            (
                "staff.adjust_max.cashier",
                "unknown value `{got}`: expected one of {expected}",
                Some(line)
            ),
            (
                "staff.adjust_max.support",
                "must be between {min} and {max}, got {got}",
                Some(line)
            ),
        ]
    );
    assert!(
        err.problems[0].contains("admin, manager, support, finance"),
        "{:?}",
        err.problems
    );
}

#[tokio::test]
async fn the_cap_in_force_when_written_decides_and_a_retry_of_an_adjustment_made_is_answered() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let config = EngineConfig::for_backend(store.backend());
        let text = |cap: u32| format!("{PROGRAM}\n[staff]\nadjust_max = {{ support = {cap} }}\n");
        let engine = Engine::open(store, Some(&text(100)), config).await.unwrap();
        let id = member(&engine, "buyer").await;
        let actor = "staff:support@example.com";
        let first = adjust_as(&engine, credit(id, 80, "s-1"), actor, Role::Support)
            .await
            .unwrap();
        let lower = laurel_engine::ApplyProgram {
            text: text(50),
            effective_from: None,
            note: Some("smaller cap".into()),
            dry_run: false,
        };
        engine.apply_program(lower, "admin:test").await.unwrap();
        assert_eq!(
            adjust_as(&engine, credit(id, 80, "s-1"), actor, Role::Support)
                .await
                .unwrap(),
            first,
            "[{name}] a retry answers as the first time"
        );
        assert_eq!(
            code(adjust_as(&engine, credit(id, 80, "s-2"), actor, Role::Support).await),
            "adjustment_over_limit",
            "[{name}] a new one meets the new cap"
        );
        assert_eq!(balance(&engine, id).await, (80, 0), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn an_adjustments_staff_note_is_kept_for_staff_and_never_reaches_the_member() {
    use futures_util::StreamExt;
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, program(&[])).await);
        let id = member(&engine, "noted").await;
        let mut request = credit(id, 40, "n-1");
        request.reason = "Sorry about the cold coffee".into();
        request.note = Some("Complained twice this week.\nManager agreed.".into());
        let noted = engine.adjust(request, "staff:li").await.unwrap();
        let mut blank = credit(id, 5, "n-2");
        blank.note = Some("  \n ".into());
        let unnoted = engine.adjust(blank, "staff:li").await.unwrap();

        let notes = engine
            .staff_notes(id, &[noted.entry_id, unnoted.entry_id])
            .await
            .unwrap();
        assert_eq!(
            notes.into_iter().collect::<Vec<_>>(),
            vec![(
                noted.entry_id,
                "Complained twice this week.\nManager agreed.".to_owned()
            )],
            "[{name}] staff read the note back; a blank note is no note"
        );
        let history = entries(&engine, id).await;
        assert_eq!(
            history[1].meta.reason, "Sorry about the cold coffee",
            "[{name}] the member's history carries the reason"
        );
        let export: Vec<String> = engine
            .export(id)
            .map(|piece| piece.unwrap())
            .collect()
            .await;
        let export = export.concat();
        assert!(
            export.contains("Sorry about the cold coffee") && !export.contains("Complained"),
            "[{name}] the member's data download has the reason and not the note"
        );

        let mut long = credit(id, 5, "n-3");
        long.note = Some("x".repeat(laurel_engine::NOTE_CHARS_MAX + 1));
        let refused = engine.adjust(long, "staff:li").await.unwrap_err();
        assert_eq!(refused.code(), "invalid_field", "[{name}]");
        assert_eq!(
            entries(&engine, id).await.len(),
            2,
            "[{name}] a refused note leaves no adjustment behind"
        );
        finish(name, Arc::into_inner(engine).unwrap()).await;
    }
}
