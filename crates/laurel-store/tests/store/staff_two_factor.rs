//! Staff two-factor sign-in as stored on both backends: a secret set up and confirmed with its
//! recovery codes and audit entry, a time step taken once, a recovery code used once, sign-ins
//! waiting for their second step found until they expire and ended once, and an admin's reset
//! taking everything away with the staff member's sessions.

use super::*;
use laurel_store::{AuditEntry, Enrolment, NewStaffUser, Sessions};

/// A staff account with no two-factor yet; its id.
async fn staff(store: &Store, email: &str) -> i64 {
    let new = NewStaffUser {
        email: email.into(),
        name: "Li Na".into(),
        role: "admin".into(),
        password_hash: "not a hash".into(),
        created_at: t0(),
    };
    store.insert_staff_user(&new).await.unwrap().unwrap()
}

fn audit(user: i64, action: &str) -> AuditEntry {
    AuditEntry {
        staff_user_id: Some(user),
        actor: "staff:li@example.com".into(),
        action: action.into(),
        subject: format!("staff:{user}"),
        before: None,
        after: None,
        at: t0(),
    }
}

fn hashes(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("hash-{i}")).collect()
}

/// Sets `secret` up and confirms it at step 100 with three recovery codes.
async fn enrolled(store: &Store, user: i64, secret: &str) {
    assert!(store.set_staff_pending_secret(user, secret).await.unwrap());
    let enrolment = Enrolment {
        secret,
        step: 100,
        at: t0(),
        recovery_hashes: &hashes(3),
    };
    let on = store
        .enrol_staff_two_factor(user, &enrolment, &audit(user, "staff.two_factor_on"))
        .await
        .unwrap();
    assert!(on);
}

#[tokio::test]
async fn a_confirmed_secret_turns_two_factor_on_with_its_recovery_codes_and_audit_entry() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let li = staff(&store, "li@example.com").await;
        assert_eq!(
            store.staff_two_factor(li).await.unwrap(),
            Default::default(),
            "[{name}] off at first"
        );
        assert!(store.set_staff_pending_secret(li, "OLD").await.unwrap());
        assert!(store.set_staff_pending_secret(li, "SECRET").await.unwrap());
        let stale = Enrolment {
            secret: "OLD",
            step: 100,
            at: t0(),
            recovery_hashes: &hashes(3),
        };
        assert!(
            !store
                .enrol_staff_two_factor(li, &stale, &audit(li, "staff.two_factor_on"))
                .await
                .unwrap(),
            "[{name}] a secret no longer pending confirms nothing"
        );
        enrolled(&store, li, "SECRET").await;

        let state = store.staff_two_factor(li).await.unwrap();
        assert_eq!(state.secret.as_deref(), Some("SECRET"), "[{name}]");
        assert_eq!(state.pending_secret, None, "[{name}]");
        assert_eq!(state.enrolled_at, Some(t0()), "[{name}]");
        assert_eq!(state.last_step, Some(100), "[{name}]");
        assert_eq!(state.recovery_codes_left, 3, "[{name}]");
        let user = store.staff_user(li).await.unwrap().unwrap();
        assert_eq!(
            user.two_factor_since,
            Some(t0()),
            "[{name}] the account says so"
        );
        assert!(
            !store.set_staff_pending_secret(li, "ANOTHER").await.unwrap(),
            "[{name}] no second secret is set up while one is on"
        );
        let log = store.audit_log(10).await.unwrap();
        assert_eq!(log.len(), 1, "[{name}] audited once: {log:?}");
        assert_eq!(log[0].action, "staff.two_factor_on", "[{name}]");
    }
}

#[tokio::test]
async fn a_time_step_is_taken_once_and_never_an_earlier_one() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let li = staff(&store, "li@example.com").await;
        assert!(
            !store.accept_staff_totp_step(li, 101).await.unwrap(),
            "[{name}] no step without two-factor on"
        );
        enrolled(&store, li, "SECRET").await;
        assert!(
            !store.accept_staff_totp_step(li, 100).await.unwrap(),
            "[{name}] the confirming code's step is spent"
        );
        assert!(
            store.accept_staff_totp_step(li, 102).await.unwrap(),
            "[{name}]"
        );
        assert!(
            !store.accept_staff_totp_step(li, 102).await.unwrap(),
            "[{name}] replayed"
        );
        assert!(
            !store.accept_staff_totp_step(li, 101).await.unwrap(),
            "[{name}] an earlier step after a later one"
        );
        assert_eq!(
            store.staff_two_factor(li).await.unwrap().last_step,
            Some(102)
        );
    }
}

#[tokio::test]
async fn a_recovery_code_is_used_once_and_replacing_them_gives_a_fresh_set() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let li = staff(&store, "li@example.com").await;
        let wu = staff(&store, "wu@example.com").await;
        enrolled(&store, li, "SECRET").await;
        assert!(
            !store
                .use_staff_recovery_code(wu, "hash-0", t0())
                .await
                .unwrap(),
            "[{name}] another's code is not wu's"
        );
        assert!(
            store
                .use_staff_recovery_code(li, "hash-0", t0())
                .await
                .unwrap()
        );
        assert!(
            !store
                .use_staff_recovery_code(li, "hash-0", t0())
                .await
                .unwrap(),
            "[{name}] used once"
        );
        assert_eq!(
            store
                .staff_two_factor(li)
                .await
                .unwrap()
                .recovery_codes_left,
            2
        );

        let fresh = vec!["fresh-0".to_owned(), "fresh-1".to_owned()];
        store
            .replace_staff_recovery_codes(li, &fresh, &audit(li, "staff.recovery_codes_new"))
            .await
            .unwrap();
        assert!(
            !store
                .use_staff_recovery_code(li, "hash-1", t0())
                .await
                .unwrap(),
            "[{name}] the old set is gone"
        );
        assert!(
            store
                .use_staff_recovery_code(li, "fresh-1", t0())
                .await
                .unwrap()
        );
        assert_eq!(
            store
                .staff_two_factor(li)
                .await
                .unwrap()
                .recovery_codes_left,
            1
        );
    }
}

#[tokio::test]
async fn a_waiting_sign_in_is_found_until_it_expires_and_ended_once() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let li = staff(&store, "li@example.com").await;
        let later = t0() + SignedDuration::from_mins(10);
        store
            .insert_staff_pending_sign_in("h1", li, later, t0())
            .await
            .unwrap();
        let found = store.staff_pending_sign_in("h1", t0()).await.unwrap();
        assert_eq!(found.map(|u| u.id), Some(li), "[{name}]");
        assert_eq!(
            store.staff_pending_sign_in("h1", later).await.unwrap(),
            None,
            "[{name}] expired"
        );
        assert_eq!(store.staff_pending_sign_in("h2", t0()).await.unwrap(), None);
        assert!(store.delete_staff_pending_sign_in("h1").await.unwrap());
        assert!(
            !store.delete_staff_pending_sign_in("h1").await.unwrap(),
            "[{name}] ended once"
        );
    }
}

#[tokio::test]
async fn a_reset_takes_the_secret_codes_waiting_sign_ins_and_sessions_and_is_audited() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let li = staff(&store, "li@example.com").await;
        let admin = staff(&store, "admin@example.com").await;
        enrolled(&store, li, "SECRET").await;
        let later = t0() + days(1);
        store
            .insert_staff_pending_sign_in("waiting", li, later, t0())
            .await
            .unwrap();
        store
            .insert_staff_session("session", li, "csrf", t0(), later)
            .await
            .unwrap();
        store
            .insert_staff_session("admin-session", admin, "csrf", t0(), later)
            .await
            .unwrap();

        let reset = audit(admin, "staff.two_factor_reset");
        assert!(
            store
                .remove_staff_two_factor(li, Sessions::Ended, &reset)
                .await
                .unwrap()
        );
        assert_eq!(
            store.staff_two_factor(li).await.unwrap(),
            Default::default(),
            "[{name}] all gone"
        );
        assert_eq!(
            store.staff_pending_sign_in("waiting", t0()).await.unwrap(),
            None
        );
        assert_eq!(store.staff_session("session", t0()).await.unwrap(), None);
        assert!(
            store
                .staff_session("admin-session", t0())
                .await
                .unwrap()
                .is_some(),
            "[{name}] only li's sessions end"
        );
        assert!(
            !store
                .remove_staff_two_factor(li, Sessions::Ended, &reset)
                .await
                .unwrap(),
            "[{name}] nothing left to reset"
        );
        let log = store.audit_log(10).await.unwrap();
        assert_eq!(
            log.iter()
                .filter(|e| e.action == "staff.two_factor_reset")
                .count(),
            1,
            "[{name}] audited once: {log:?}"
        );
    }
}

#[tokio::test]
async fn turning_two_factor_off_oneself_keeps_ones_sessions() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let li = staff(&store, "li@example.com").await;
        enrolled(&store, li, "SECRET").await;
        let later = t0() + days(1);
        store
            .insert_staff_session("session", li, "csrf", t0(), later)
            .await
            .unwrap();
        let off = audit(li, "staff.two_factor_off");
        assert!(
            store
                .remove_staff_two_factor(li, Sessions::Kept, &off)
                .await
                .unwrap()
        );
        assert!(
            store
                .staff_session("session", t0())
                .await
                .unwrap()
                .is_some(),
            "[{name}]"
        );
        assert_eq!(store.staff_two_factor(li).await.unwrap().secret, None);
    }
}
