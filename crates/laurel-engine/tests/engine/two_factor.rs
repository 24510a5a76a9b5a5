//! Staff two-factor sign-in on both backends: setting it up with a code from the new secret
//! (ten recovery codes, shown once), a right password then asking for a code before any
//! session, a code taken once, a recovery code used once, wrong codes counting toward the
//! sign-in lock, turning it off and new recovery codes for a current code, an admin's reset
//! (audited, ending the other's sessions), and admins made to set it up when it is required.

use super::*;
use laurel_engine::{
    AdminTwoFactor, AuditEntry, FAILED_SIGN_INS_MAX, PendingSignIn, RECOVERY_CODES, Role, SignIn,
    SignedIn, StaffAccount, TOTP_STEP_SECS, totp_code,
};

const PASSWORD: &str = "correct horse battery";

/// An engine whose admins must (or need not) sign in with two factors.
async fn start_requiring(db: &TestDb, admins: AdminTwoFactor) -> Engine {
    let store = open(db).await;
    let config = EngineConfig {
        admin_two_factor: admins,
        ..EngineConfig::for_backend(store.backend())
    };
    Engine::start(store, program(&[]), config)
}

async fn staff(engine: &Engine, email: &str, role: Role) -> StaffAccount {
    engine
        .create_staff_user(email, "Li Na", role, PASSWORD)
        .await
        .unwrap()
}

/// What an authenticator app shows `steps` steps from now (a code is taken from one step
/// before now to one after; each is taken once, so a test uses later steps in turn).
fn app_code(secret: &str, steps: i64) -> String {
    let at = Timestamp::now() + SignedDuration::from_secs(steps * TOTP_STEP_SECS as i64);
    totp_code(secret, at).unwrap()
}

/// Sets two-factor up for `staff` with a code of the step before now; the secret and the
/// recovery codes.
async fn set_up(engine: &Engine, staff: &StaffAccount) -> (String, Vec<String>) {
    let secret = engine.start_two_factor(staff).await.unwrap().secret;
    let codes = engine
        .confirm_two_factor(staff, &app_code(&secret, -1))
        .await
        .unwrap();
    (secret, codes)
}

/// The password step of a staff member with two-factor on: the sign-in waiting for a code.
async fn password_step(engine: &Engine, email: &str) -> PendingSignIn {
    match engine.sign_in(email, PASSWORD).await.unwrap() {
        SignIn::Code(pending) => pending,
        other => panic!("a code should be asked: {other:?}"),
    }
}

fn done(step: SignIn) -> SignedIn {
    match step {
        SignIn::Done(signed_in) => signed_in,
        other => panic!("signed in at once expected: {other:?}"),
    }
}

async fn audited(engine: &Engine, action: &str) -> Vec<AuditEntry> {
    let log = engine.audit_log(50).await.unwrap();
    log.into_iter().filter(|e| e.action == action).collect()
}

#[tokio::test]
async fn setting_up_takes_a_code_from_the_new_secret_and_gives_recovery_codes_once() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let li = staff(&engine, "li@example.com", Role::Support).await;
        let setup = engine.start_two_factor(&li).await.unwrap();
        assert!(
            setup.uri.starts_with("otpauth://totp/") && setup.uri.contains(&setup.secret),
            "[{name}] {}",
            setup.uri
        );
        assert_eq!(
            engine.start_two_factor(&li).await.unwrap(),
            setup,
            "[{name}] shown again, the same secret"
        );
        assert_eq!(
            code(engine.confirm_two_factor(&li, "000000").await),
            "two_factor_code_wrong",
            "[{name}]"
        );
        let another = totp_code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", Timestamp::now()).unwrap();
        assert_eq!(
            code(engine.confirm_two_factor(&li, &another).await),
            "two_factor_code_wrong",
            "[{name}] another secret's code"
        );
        let codes = engine
            .confirm_two_factor(&li, &app_code(&setup.secret, 0))
            .await
            .unwrap();
        assert_eq!(codes.len(), RECOVERY_CODES, "[{name}]");
        let state = engine.two_factor(&li).await.unwrap();
        assert!(state.since.is_some(), "[{name}] on");
        assert_eq!(state.recovery_codes_left, RECOVERY_CODES as i64, "[{name}]");
        assert_eq!(
            state.setup, None,
            "[{name}] the secret is never shown again"
        );
        assert_eq!(
            code(engine.start_two_factor(&li).await),
            "two_factor_on",
            "[{name}]"
        );
        assert_eq!(
            audited(&engine, "staff.two_factor_on").await.len(),
            1,
            "[{name}]"
        );
        let listing = engine.staff_listing(Timestamp::now()).await.unwrap();
        assert!(
            listing[0].two_factor_since.is_some(),
            "[{name}] listed as on"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_right_password_asks_for_a_code_and_only_a_right_code_makes_a_session() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let li = staff(&engine, "li@example.com", Role::Support).await;
        let (secret, _) = set_up(&engine, &li).await;

        let pending = password_step(&engine, "li@example.com").await;
        assert_eq!(
            engine.staff_session(&pending.token).await.unwrap(),
            None,
            "[{name}] half signed in is no session"
        );
        assert_eq!(
            code(engine.sign_in_with_code(&pending.token, "123456").await),
            "two_factor_code_wrong",
            "[{name}]"
        );
        assert_eq!(
            code(
                engine
                    .sign_in_with_code("not-a-token", &app_code(&secret, 0))
                    .await
            ),
            "sign_in_expired",
            "[{name}]"
        );
        let signed_in = engine
            .sign_in_with_code(&pending.token, &format!(" {} ", app_code(&secret, 0)))
            .await
            .unwrap();
        assert_eq!(signed_in.session.user, li, "[{name}]");
        assert!(
            engine
                .staff_session(&signed_in.token)
                .await
                .unwrap()
                .is_some(),
            "[{name}]"
        );
        assert_eq!(
            code(
                engine
                    .sign_in_with_code(&pending.token, &app_code(&secret, 1))
                    .await
            ),
            "sign_in_expired",
            "[{name}] a waiting sign-in is finished once"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_code_is_taken_once_even_in_another_sign_in() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let li = staff(&engine, "li@example.com", Role::Support).await;
        let (secret, _) = set_up(&engine, &li).await;
        let now = app_code(&secret, 0);
        let first = password_step(&engine, "li@example.com").await;
        engine.sign_in_with_code(&first.token, &now).await.unwrap();
        let second = password_step(&engine, "li@example.com").await;
        assert_eq!(
            code(engine.sign_in_with_code(&second.token, &now).await),
            "two_factor_code_wrong",
            "[{name}] replayed"
        );
        assert_eq!(
            code(
                engine
                    .sign_in_with_code(&second.token, &app_code(&secret, -1))
                    .await
            ),
            "two_factor_code_wrong",
            "[{name}] the confirming code's step, earlier than the last taken"
        );
        engine
            .sign_in_with_code(&second.token, &app_code(&secret, 1))
            .await
            .unwrap();
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_however_it_is_typed() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let li = staff(&engine, "li@example.com", Role::Support).await;
        let (_, codes) = set_up(&engine, &li).await;
        let pending = password_step(&engine, "li@example.com").await;
        let typed = codes[3].to_lowercase().replace('-', "");
        engine
            .sign_in_with_code(&pending.token, &typed)
            .await
            .unwrap();
        let again = password_step(&engine, "li@example.com").await;
        assert_eq!(
            code(engine.sign_in_with_code(&again.token, &codes[3]).await),
            "two_factor_code_wrong",
            "[{name}] used once"
        );
        assert_eq!(
            engine.two_factor(&li).await.unwrap().recovery_codes_left,
            RECOVERY_CODES as i64 - 1,
            "[{name}]"
        );
        engine
            .sign_in_with_code(&again.token, &codes[4])
            .await
            .unwrap();
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn wrong_codes_count_toward_the_lock_and_a_right_password_does_not_clear_them() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let li = staff(&engine, "li@example.com", Role::Support).await;
        let (secret, _) = set_up(&engine, &li).await;
        let pending = password_step(&engine, "li@example.com").await;
        for _ in 2..FAILED_SIGN_INS_MAX {
            assert_eq!(
                code(engine.sign_in_with_code(&pending.token, "000000").await),
                "two_factor_code_wrong",
                "[{name}]"
            );
        }
        let again = password_step(&engine, "li@example.com").await;
        assert_eq!(
            code(
                engine
                    .sign_in_with_code(&again.token, "AAAA-BBBB-CCCC")
                    .await
            ),
            "two_factor_code_wrong",
            "[{name}] a wrong recovery code counts too"
        );
        assert_eq!(
            code(engine.sign_in_with_code(&again.token, "000000").await),
            "account_locked",
            "[{name}] the fifth failure in a row locks"
        );
        assert_eq!(
            code(
                engine
                    .sign_in_with_code(&again.token, &app_code(&secret, 0))
                    .await
            ),
            "account_locked",
            "[{name}] even the right code waits"
        );
        assert_eq!(
            code(engine.sign_in("li@example.com", PASSWORD).await),
            "account_locked",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn turning_it_off_and_new_recovery_codes_each_ask_a_current_code() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let li = staff(&engine, "li@example.com", Role::Admin).await;
        let (secret, old) = set_up(&engine, &li).await;
        assert_eq!(
            code(engine.renew_recovery_codes(&li, "000000").await),
            "two_factor_code_wrong",
            "[{name}]"
        );
        let fresh = engine
            .renew_recovery_codes(&li, &app_code(&secret, 0))
            .await
            .unwrap();
        assert_eq!(fresh.len(), RECOVERY_CODES, "[{name}]");
        assert_eq!(
            code(engine.turn_off_two_factor(&li, &old[0]).await),
            "two_factor_code_wrong",
            "[{name}] the old codes went"
        );
        engine.turn_off_two_factor(&li, &fresh[0]).await.unwrap();
        assert_eq!(
            engine.two_factor(&li).await.unwrap().since,
            None,
            "[{name}]"
        );
        done(engine.sign_in("li@example.com", PASSWORD).await.unwrap());
        assert_eq!(
            code(engine.turn_off_two_factor(&li, "").await),
            "two_factor_off",
            "[{name}] nothing to turn off"
        );
        for action in ["staff.recovery_codes_new", "staff.two_factor_off"] {
            assert_eq!(audited(&engine, action).await.len(), 1, "[{name}] {action}");
        }
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn an_admin_resets_anothers_two_factor_audited_and_their_sessions_end() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let admin = staff(&engine, "admin@example.com", Role::Admin).await;
        let li = staff(&engine, "li@example.com", Role::Support).await;
        let (secret, _) = set_up(&engine, &li).await;
        let pending = password_step(&engine, "li@example.com").await;
        let session = engine
            .sign_in_with_code(&pending.token, &app_code(&secret, 0))
            .await
            .unwrap();

        assert_eq!(
            code(engine.reset_two_factor(&admin, admin.id).await),
            "two_factor_own_reset",
            "[{name}]"
        );
        assert_eq!(
            code(engine.reset_two_factor(&admin, 9_999).await),
            "unknown_staff",
            "[{name}]"
        );
        engine.reset_two_factor(&admin, li.id).await.unwrap();
        assert_eq!(
            engine.two_factor(&li).await.unwrap().since,
            None,
            "[{name}]"
        );
        assert_eq!(
            engine.staff_session(&session.token).await.unwrap(),
            None,
            "[{name}] signed out everywhere"
        );
        done(engine.sign_in("li@example.com", PASSWORD).await.unwrap());
        let resets = audited(&engine, "staff.two_factor_reset").await;
        assert_eq!(resets.len(), 1, "[{name}]");
        assert_eq!(
            resets[0].staff_user_id,
            Some(admin.id),
            "[{name}] by the admin"
        );
        assert_eq!(
            resets[0].subject,
            format!("staff:{}", li.id),
            "[{name}] of li"
        );
        assert_eq!(
            code(engine.reset_two_factor(&admin, li.id).await),
            "two_factor_off",
            "[{name}] nothing left to reset"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn when_required_an_admin_sets_it_up_before_any_session_and_keeps_it() {
    for (name, db) in laurel_testkit::backends() {
        // An admin's session from before the setting counts for nothing once it is on.
        let before = start_requiring(&db, AdminTwoFactor::Optional).await;
        let admin = staff(&before, "admin@example.com", Role::Admin).await;
        staff(&before, "li@example.com", Role::Support).await;
        let old = done(before.sign_in("admin@example.com", PASSWORD).await.unwrap());
        finish(name, before).await;
        let engine = start_requiring(&db, AdminTwoFactor::Required).await;
        assert_eq!(
            engine.staff_session(&old.token).await.unwrap(),
            None,
            "[{name}]"
        );

        done(engine.sign_in("li@example.com", PASSWORD).await.unwrap());
        let SignIn::SetUp(pending) = engine.sign_in("admin@example.com", PASSWORD).await.unwrap()
        else {
            panic!("[{name}] an admin without two-factor sets it up first");
        };
        assert_eq!(
            engine.staff_session(&pending.token).await.unwrap(),
            None,
            "[{name}]"
        );
        assert_eq!(
            code(engine.sign_in_with_code(&pending.token, "123456").await),
            "sign_in_expired",
            "[{name}] no code is asked of a sign-in setting up"
        );
        let (account, setup) = engine.set_up_at_sign_in_page(&pending.token).await.unwrap();
        assert_eq!(account, admin, "[{name}]");
        assert_eq!(
            code(engine.set_up_at_sign_in(&pending.token, "000000").await),
            "two_factor_code_wrong",
            "[{name}]"
        );
        let (signed_in, codes) = engine
            .set_up_at_sign_in(&pending.token, &app_code(&setup.secret, 0))
            .await
            .unwrap();
        assert_eq!(codes.len(), RECOVERY_CODES, "[{name}]");
        assert!(
            engine
                .staff_session(&signed_in.token)
                .await
                .unwrap()
                .is_some(),
            "[{name}]"
        );
        assert!(
            !engine.two_factor(&admin).await.unwrap().may_turn_off,
            "[{name}]"
        );
        assert_eq!(
            code(engine.turn_off_two_factor(&admin, &codes[0]).await),
            "two_factor_required",
            "[{name}] an admin keeps it"
        );
        assert!(
            matches!(
                engine.sign_in("admin@example.com", PASSWORD).await.unwrap(),
                SignIn::Code(_)
            ),
            "[{name}] from now on a code"
        );
        finish(name, engine).await;
    }
}
