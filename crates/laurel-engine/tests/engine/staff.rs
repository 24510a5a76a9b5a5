//! Staff accounts on both backends: sign-in with the right password only, the same refusal
//! for an unknown email, a lock after repeated failures, sessions found by their token and
//! ended by signing out, and the audit log.

use super::*;
use laurel_engine::{AuditEntry, FAILED_SIGN_INS_MAX, Role};

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

        let signed_in = engine.sign_in("LI@example.com", PASSWORD).await.unwrap();
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
    assert_eq!("support".parse::<Role>().unwrap(), Role::Support);
    assert!("root".parse::<Role>().is_err());
}
