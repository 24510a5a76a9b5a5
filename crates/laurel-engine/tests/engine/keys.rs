//! API keys on both backends: made with a checked name and an optional expiry, refused once
//! revoked or expired (at once, though just verified and remembered), and rotated — a new key
//! with the old one's name, scope and partner while the old one works on for the overlap,
//! never past its own expiry, once — each action audited.

use super::*;
use laurel_engine::{Actor, IssuedKey, RotationAsk};

/// The admin every test acts as.
fn admin() -> Actor {
    Actor {
        staff_user_id: None,
        name: "key:lrl_admin_test".into(),
    }
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

/// Now, to the microsecond keys are stored to.
fn now() -> Timestamp {
    Timestamp::from_microsecond(Timestamp::now().as_microsecond()).unwrap()
}

/// A till key expiring `expires_in` from now (never when none).
async fn till(engine: &Engine, expires_in: Option<SignedDuration>) -> IssuedKey {
    let expires_at = expires_in.map(|d| now() + d);
    engine
        .create_api_key("till", Scope::Pos, expires_at, &admin())
        .await
        .unwrap()
}

/// Whether `key` authenticates at `at`: `Ok(true)`, unknown or revoked `Ok(false)`, or the
/// refusal's code.
async fn works_at(engine: &Engine, key: &str, at: Timestamp) -> Result<bool, &'static str> {
    match engine.authenticate_at(key, at).await {
        Ok(principal) => Ok(principal.is_some()),
        Err(e) => Err(e.code().as_str()),
    }
}

/// The audit log's actions, newest first.
async fn actions(engine: &Engine) -> Vec<String> {
    engine
        .audit_log(100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[tokio::test]
async fn a_revoked_key_is_refused_at_once_even_when_cached() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let by = admin();
        assert_eq!(
            code(engine.create_api_key("  ", Scope::Pos, None, &by).await),
            "missing_field",
            "[{name}]"
        );
        assert_eq!(
            code(
                engine
                    .create_api_key(&"x".repeat(101), Scope::Pos, None, &by)
                    .await
            ),
            "invalid_field",
            "[{name}]"
        );
        let till = engine
            .create_api_key(" till 7 ", Scope::Pos, None, &by)
            .await
            .unwrap();
        let ops = engine
            .create_api_key("ops", Scope::Admin, None, &by)
            .await
            .unwrap();
        assert!(till.key.starts_with(&till.prefix), "[{name}]");
        let principal = engine.authenticate(&till.key).await.unwrap().unwrap();
        assert_eq!(principal.name, "till 7", "[{name}] trimmed");
        assert_eq!(principal.key_id, till.id, "[{name}]");

        assert!(
            engine.revoke_api_key(till.id, &by).await.unwrap(),
            "[{name}]"
        );
        assert_eq!(
            engine.authenticate(&till.key).await.unwrap(),
            None,
            "[{name}] refused at once, though it was just verified"
        );
        assert!(
            engine.authenticate(&ops.key).await.unwrap().is_some(),
            "[{name}] other keys still work"
        );
        assert!(
            !engine.revoke_api_key(till.id, &by).await.unwrap(),
            "[{name}] revoked already"
        );
        assert_eq!(
            code(engine.revoke_api_key(9_999, &by).await),
            "unknown_api_key",
            "[{name}]"
        );
        let keys = engine.api_keys().await.unwrap();
        assert_eq!(
            keys.iter()
                .map(|k| (k.name.as_str(), k.revoked_at.is_some()))
                .collect::<Vec<_>>(),
            vec![("ops", false), ("till 7", true)],
            "[{name}] newest first"
        );
        assert_eq!(
            actions(&engine).await,
            ["api_key.revoke", "api_key.create", "api_key.create"],
            "[{name}] each change audited once; refusals not"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_key_works_until_its_expiry_and_is_refused_as_expired_from_then_even_when_cached() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let key = till(&engine, Some(days(30))).await;
        let expires_at = key.expires_at.expect("an expiry");
        let stored = engine.api_key(key.id).await.unwrap();
        assert_eq!(stored.expires_at, Some(expires_at), "[{name}] stored");

        let just_before = expires_at - SignedDuration::from_micros(1);
        assert_eq!(
            works_at(&engine, &key.key, just_before).await,
            Ok(true),
            "[{name}]"
        );
        // Just verified, so remembered: the expiry is still checked at each use.
        assert_eq!(
            works_at(&engine, &key.key, expires_at).await,
            Err("key_expired"),
            "[{name}] at its expiry"
        );
        assert_eq!(
            works_at(&engine, &key.key, expires_at + days(400)).await,
            Err("key_expired"),
            "[{name}] and after"
        );
        assert_eq!(
            works_at(&engine, "lrl_pos_nonsense", expires_at).await,
            Ok(false),
            "[{name}] an unknown key is unknown, not expired"
        );
        let forever = till(&engine, None).await;
        assert_eq!(
            works_at(&engine, &forever.key, Timestamp::now() + days(36_500)).await,
            Ok(true),
            "[{name}] a key without an expiry never expires"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_key_cannot_be_made_already_expired() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let past = Timestamp::now() - SignedDuration::from_secs(1);
        assert_eq!(
            code(
                engine
                    .create_api_key("till", Scope::Pos, Some(past), &admin())
                    .await
            ),
            "invalid_date",
            "[{name}]"
        );
        assert!(engine.api_keys().await.unwrap().is_empty(), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn during_a_rotations_overlap_both_keys_work_and_after_it_only_the_new_one() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let old = till(&engine, None).await;
        let now = now();
        // Verified before the rotation, so remembered with no expiry.
        assert_eq!(works_at(&engine, &old.key, now).await, Ok(true), "[{name}]");
        let rotation = engine
            .rotate_api_key(old.id, RotationAsk::default(), now, &admin())
            .await
            .unwrap();
        let new = &rotation.key;
        assert_ne!(new.key, old.key, "[{name}]");
        assert_eq!(
            new.expires_at, None,
            "[{name}] as long-lived as the old key: never expires"
        );
        let overlap_end = rotation.old_expires_at;
        assert_eq!(
            overlap_end.duration_since(now).as_hours(),
            7 * 24,
            "[{name}] a week's overlap by default"
        );
        for at in [now, overlap_end - SignedDuration::from_secs(1)] {
            assert_eq!(
                works_at(&engine, &old.key, at).await,
                Ok(true),
                "[{name}] old at {at}"
            );
            assert_eq!(
                works_at(&engine, &new.key, at).await,
                Ok(true),
                "[{name}] new at {at}"
            );
        }
        assert_eq!(
            works_at(&engine, &old.key, overlap_end).await,
            Err("key_expired"),
            "[{name}] the old key stops when the overlap ends"
        );
        assert_eq!(
            works_at(&engine, &new.key, overlap_end + days(365)).await,
            Ok(true),
            "[{name}]"
        );
        let principal = engine.authenticate(&new.key).await.unwrap().unwrap();
        assert_eq!(
            (principal.name.as_str(), principal.scope),
            ("till", Scope::Pos),
            "[{name}] the old key's name and scope"
        );
        let (old_key, new_key) = (
            engine.api_key(old.id).await.unwrap(),
            engine.api_key(new.id).await.unwrap(),
        );
        assert_eq!(old_key.rotated_to, Some(new.id), "[{name}]");
        assert_eq!(new_key.rotated_from, Some(old.id), "[{name}]");
        assert_eq!(
            actions(&engine).await[0],
            "api_key.rotate",
            "[{name}] audited"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_rotation_never_lets_the_old_key_outlive_its_own_expiry_and_keeps_its_lifetime() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let old = till(&engine, Some(days(3))).await;
        let created = engine.api_key(old.id).await.unwrap().created_at;
        let now = now();
        let rotation = engine
            .rotate_api_key(old.id, RotationAsk::default(), now, &admin())
            .await
            .unwrap();
        assert_eq!(
            Some(rotation.old_expires_at),
            old.expires_at,
            "[{name}] a week's overlap, cut at the old key's expiry in 3 days"
        );
        let lifetime = old.expires_at.unwrap().duration_since(created);
        let new_expiry = rotation.key.expires_at.expect("expires as the old one did");
        assert_eq!(
            new_expiry.duration_since(engine.api_key(rotation.key.id).await.unwrap().created_at),
            lifetime,
            "[{name}] the new key lives as long as the old one was made to"
        );

        let chosen = now + days(10);
        let ask = RotationAsk {
            overlap: Some(SignedDuration::ZERO),
            expires_at: Some(chosen),
        };
        let next = engine
            .rotate_api_key(rotation.key.id, ask, now, &admin())
            .await
            .unwrap();
        assert_eq!(next.key.expires_at, Some(chosen), "[{name}] or as asked");
        assert_eq!(
            works_at(&engine, &rotation.key.key, now).await,
            Err("key_expired"),
            "[{name}] no overlap: the rotated key stops at once"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_key_is_rotated_once_while_it_works_within_the_overlaps_bounds() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let by = admin();
        let now = now();
        let key = till(&engine, None).await;
        for overlap in [SignedDuration::from_secs(-1), days(91)] {
            let ask = RotationAsk {
                overlap: Some(overlap),
                expires_at: None,
            };
            assert_eq!(
                code(engine.rotate_api_key(key.id, ask, now, &by).await),
                "invalid_field",
                "[{name}] overlap {overlap}"
            );
        }
        let ask = RotationAsk {
            overlap: None,
            expires_at: Some(now - SignedDuration::from_secs(1)),
        };
        assert_eq!(
            code(engine.rotate_api_key(key.id, ask, now, &by).await),
            "invalid_date",
            "[{name}] a new key expiring in the past"
        );
        engine
            .rotate_api_key(key.id, RotationAsk::default(), now, &by)
            .await
            .unwrap();
        assert_eq!(
            code(
                engine
                    .rotate_api_key(key.id, RotationAsk::default(), now, &by)
                    .await
            ),
            "key_not_rotatable",
            "[{name}] rotated already"
        );
        let expiring = till(&engine, Some(days(1))).await;
        assert_eq!(
            code(
                engine
                    .rotate_api_key(expiring.id, RotationAsk::default(), now + days(2), &by)
                    .await
            ),
            "key_not_rotatable",
            "[{name}] expired"
        );
        let revoked = till(&engine, None).await;
        engine.revoke_api_key(revoked.id, &by).await.unwrap();
        assert_eq!(
            code(
                engine
                    .rotate_api_key(revoked.id, RotationAsk::default(), now, &by)
                    .await
            ),
            "key_not_rotatable",
            "[{name}] revoked"
        );
        assert_eq!(
            code(
                engine
                    .rotate_api_key(9_999, RotationAsk::default(), now, &by)
                    .await
            ),
            "unknown_api_key",
            "[{name}]"
        );
        assert_eq!(
            engine.api_keys().await.unwrap().len(),
            4,
            "[{name}] one rotation made one key; refusals none"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_partners_key_rotates_to_a_key_for_the_same_partner() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(super::partners::CAFE)).await;
        let old = engine
            .create_partner_key("café till", "cafe", None, &admin())
            .await
            .unwrap();
        let rotation = engine
            .rotate_api_key(old.id, RotationAsk::default(), Timestamp::now(), &admin())
            .await
            .unwrap();
        let principal = engine
            .authenticate(&rotation.key.key)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                principal.scope,
                principal.partner.as_deref(),
                principal.name.as_str()
            ),
            (Scope::Partner, Some("cafe"), "café till"),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}
