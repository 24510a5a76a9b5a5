//! API keys as stored on both backends: found by their hash only, listed newest first,
//! revoked once, stored with an expiry, and rotated once — the new key and the old one's
//! expiry and audit entry together, or nothing.

use super::*;
use laurel_store::{AuditEntry, NewApiKey};

/// A key that never expires.
fn key<'a>(
    name: &'a str,
    scope: &'a str,
    prefix: &'a str,
    hash: &'a str,
    at: Timestamp,
) -> NewApiKey<'a> {
    NewApiKey {
        name,
        scope,
        partner: None,
        prefix,
        key_hash: hash,
        created_at: at,
        expires_at: None,
    }
}

/// An admin's audit entry of `action` on key `id`.
fn audit(action: &str, id: i64, at: Timestamp) -> AuditEntry {
    AuditEntry {
        staff_user_id: None,
        actor: "key:lrl_admin_x".into(),
        action: action.into(),
        subject: format!("api_key:{id}"),
        before: None,
        after: Some("{}".into()),
        at,
    }
}

/// The audit log's actions and subjects, newest first.
async fn audited(store: &Store) -> Vec<(String, String)> {
    store
        .audit_log(100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.subject))
        .collect()
}

#[tokio::test]
async fn api_key_is_found_by_its_hash_only() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let id = store
            .insert_api_key(&key("till 1", "pos", "lk_ab12", "hash-1", t0()))
            .await
            .unwrap();
        let admin = store
            .insert_api_key(&key("ops", "admin", "lk_cd34", "hash-2", t0()))
            .await
            .unwrap();
        assert_ne!(id, admin, "[{name}]");
        let found = store
            .api_key_by_hash("hash-1")
            .await
            .unwrap()
            .expect("found by hash");
        assert_eq!(found.id, id, "[{name}]");
        assert_eq!(
            (
                found.name.as_str(),
                found.scope.as_str(),
                found.prefix.as_str()
            ),
            ("till 1", "pos", "lk_ab12"),
            "[{name}]"
        );
        assert_eq!(found.expires_at, None, "[{name}] never expires");
        let ops = store.api_key_by_hash("hash-2").await.unwrap().unwrap();
        assert_eq!(ops.scope, "admin", "[{name}]");
        assert!(
            store.api_key_by_hash("lk_ab12").await.unwrap().is_none(),
            "[{name}] the prefix is not a key"
        );
        assert!(
            store.api_key_by_hash("HASH-1").await.unwrap().is_none(),
            "[{name}] hashes are exact"
        );
        let err = store
            .insert_api_key(&key("copy", "pos", "lk_zz", "hash-1", t0()))
            .await
            .unwrap_err();
        assert!(err.is_unique_violation(), "[{name}] {err}");
    }
}

#[tokio::test]
async fn api_keys_are_listed_newest_first_and_revoked_once_with_one_audit_entry() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let till = store
            .insert_api_key(&key("till", "pos", "lrl_pos_aaaa", "hash-till", t0()))
            .await
            .unwrap();
        let ops = store
            .insert_api_key(&key(
                "ops",
                "admin",
                "lrl_admin_bb",
                "hash-ops",
                t0() + mins(1),
            ))
            .await
            .unwrap();
        let at = t0() + mins(2);
        assert!(
            store
                .revoke_api_key(till, at, &audit("api_key.revoke", till, at))
                .await
                .unwrap(),
            "[{name}]"
        );
        let later = t0() + mins(3);
        assert!(
            !store
                .revoke_api_key(till, later, &audit("api_key.revoke", till, later))
                .await
                .unwrap(),
            "[{name}] revoked already"
        );
        assert!(
            !store
                .revoke_api_key(999, t0(), &audit("api_key.revoke", 999, t0()))
                .await
                .unwrap(),
            "[{name}] unknown"
        );
        assert_eq!(
            audited(&store).await,
            [("api_key.revoke".to_owned(), format!("api_key:{till}"))],
            "[{name}] one entry: a refused revocation records nothing"
        );
        let keys = store.api_keys().await.unwrap();
        assert_eq!(
            keys.iter()
                .map(|k| (k.id, k.name.as_str(), k.revoked_at))
                .collect::<Vec<_>>(),
            vec![(ops, "ops", None), (till, "till", Some(at))],
            "[{name}] the first revocation's time stays"
        );
        assert_eq!(keys[1].created_at, t0(), "[{name}]");
        assert!(
            store.api_key_by_hash("hash-till").await.unwrap().is_none(),
            "[{name}] a revoked key is not found"
        );
        assert!(
            store.api_key_by_hash("hash-ops").await.unwrap().is_some(),
            "[{name}]"
        );
    }
}

#[tokio::test]
async fn a_key_is_stored_with_its_expiry_and_its_audit_entry_together() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let expiring = NewApiKey {
            expires_at: Some(t0() + days(90)),
            partner: Some("bakery"),
            ..key("bakery till", "partner", "lrl_partner_ab", "hash-b", t0())
        };
        let id = store
            .insert_api_key_audited(&expiring, |id| audit("api_key.create", id, t0()))
            .await
            .unwrap();
        let stored = store.api_key(id).await.unwrap().expect("stored");
        assert_eq!(stored.expires_at, Some(t0() + days(90)), "[{name}]");
        assert_eq!(stored.partner.as_deref(), Some("bakery"), "[{name}]");
        assert_eq!(
            (stored.rotated_from, stored.rotated_to),
            (None, None),
            "[{name}]"
        );
        assert_eq!(
            store
                .api_key_by_hash("hash-b")
                .await
                .unwrap()
                .map(|k| k.expires_at),
            Some(Some(t0() + days(90))),
            "[{name}] found with its expiry: whoever asks decides whether it has passed"
        );
        assert_eq!(
            audited(&store).await,
            [("api_key.create".to_owned(), format!("api_key:{id}"))],
            "[{name}] the entry names the new row"
        );
        assert!(store.api_key(id + 1).await.unwrap().is_none(), "[{name}]");
    }
}

#[tokio::test]
async fn a_rotation_stores_the_new_key_and_the_old_ones_expiry_and_names_each_from_the_other() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let old = store
            .insert_api_key(&key("till", "pos", "lrl_pos_old", "hash-old", t0()))
            .await
            .unwrap();
        let at = t0() + days(1);
        let new = store
            .rotate_api_key(
                old,
                &key("till", "pos", "lrl_pos_new", "hash-new", at),
                at + days(7),
                |id| audit("api_key.rotate", id, at),
            )
            .await
            .unwrap()
            .expect("a live key rotates");
        let (old_key, new_key) = (
            store.api_key(old).await.unwrap().unwrap(),
            store.api_key(new).await.unwrap().unwrap(),
        );
        assert_eq!(
            (old_key.expires_at, old_key.rotated_to),
            (Some(at + days(7)), Some(new)),
            "[{name}] the old key expires after the overlap, naming its successor"
        );
        assert_eq!(
            (new_key.rotated_from, new_key.created_at),
            (Some(old), at),
            "[{name}]"
        );
        assert_eq!(audited(&store).await.len(), 1, "[{name}] audited with it");

        let again = store
            .rotate_api_key(
                old,
                &key("till", "pos", "lrl_pos_3rd", "hash-3rd", at),
                at + days(7),
                |id| audit("api_key.rotate", id, at),
            )
            .await
            .unwrap();
        assert_eq!(again, None, "[{name}] a key is rotated once");
        assert!(
            store.api_key_by_hash("hash-3rd").await.unwrap().is_none(),
            "[{name}] a refused rotation stores no key"
        );
        assert_eq!(
            audited(&store).await.len(),
            1,
            "[{name}] nor an audit entry"
        );
    }
}

#[tokio::test]
async fn a_revoked_or_expired_key_is_not_rotated() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let revoked = store
            .insert_api_key(&key("a", "pos", "lrl_pos_a", "hash-a", t0()))
            .await
            .unwrap();
        store
            .revoke_api_key(revoked, t0(), &audit("api_key.revoke", revoked, t0()))
            .await
            .unwrap();
        let expired = store
            .insert_api_key(&NewApiKey {
                expires_at: Some(t0() + days(1)),
                ..key("b", "pos", "lrl_pos_b", "hash-b", t0())
            })
            .await
            .unwrap();
        let at = t0() + days(1);
        for (old, hash) in [(revoked, "hash-a2"), (expired, "hash-b2")] {
            let rotated = store
                .rotate_api_key(
                    old,
                    &key("x", "pos", "lrl_pos_x", hash, at),
                    at + days(7),
                    |id| audit("api_key.rotate", id, at),
                )
                .await
                .unwrap();
            assert_eq!(
                rotated, None,
                "[{name}] key {old}: refused at its expiry or after"
            );
        }
        assert_eq!(
            store.api_keys().await.unwrap().len(),
            2,
            "[{name}] nothing new stored"
        );
    }
}
