//! API keys over HTTP: admins list, make (with an expiry), rotate and revoke keys; an expired
//! key is refused with `key_expired`; during a rotation's overlap both keys work and after it
//! only the new one; till keys reach none of it; each change is audited as the calling key's.

use crate::common::{TestApp, spawn_app};
use jiff::{SignedDuration, Timestamp};
use laurel_testkit::backends;
use reqwest::Method;
use serde_json::{Value, json};

/// A call as `key` that any key may make: a member's lookup (404: nobody is enrolled).
async fn status_with(app: &TestApp, key: &str) -> (u16, Value) {
    let resp = app
        .send(
            Method::GET,
            "/api/v1/members?external_id=nobody",
            Some(key),
            None,
        )
        .await;
    (resp.status, resp.json())
}

/// Makes a till key through the API; the answer.
async fn made(app: &TestApp, body: &Value) -> Value {
    app.post_admin("/api/v1/admin/keys", body).await.ok(200)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_makes_lists_and_revokes_keys_and_a_till_key_may_not() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let in_90_days = Timestamp::now() + SignedDuration::from_hours(90 * 24);
        let key = made(
            &app,
            &json!({ "name": "shop", "scope": "pos", "expires_at": in_90_days.to_string() }),
        )
        .await;
        let secret = key["key"].as_str().unwrap().to_owned();
        assert!(
            secret.starts_with(key["prefix"].as_str().unwrap()),
            "[{name}] {key}"
        );
        let expires_at: Timestamp = key["expires_at"].as_str().unwrap().parse().unwrap();
        assert!(
            expires_at.duration_since(in_90_days).abs() < SignedDuration::from_millis(1),
            "[{name}] {key}"
        );
        assert_eq!(
            status_with(&app, &secret).await.0,
            404,
            "[{name}] the new key works"
        );

        let listed = app.get_admin("/api/v1/admin/keys").await.ok(200);
        let first = &listed["keys"][0];
        assert_eq!(
            (
                &first["id"],
                &first["name"],
                &first["scope"],
                &first["status"]
            ),
            (&key["id"], &json!("shop"), &json!("pos"), &json!("active")),
            "[{name}] newest first: {listed}"
        );
        assert!(
            first.get("key").is_none(),
            "[{name}] a listing never shows a key"
        );

        let id = key["id"].as_i64().unwrap();
        for _ in 0..2 {
            let revoked = app
                .post_admin(&format!("/api/v1/admin/keys/{id}/revocation"), &json!({}))
                .await
                .ok(200);
            assert_eq!(
                revoked["status"], "revoked",
                "[{name}] and again: {revoked}"
            );
        }
        app.send(
            Method::GET,
            "/api/v1/members?external_id=nobody",
            Some(&secret),
            None,
        )
        .await
        .error(401, "unauthorized");
        app.post_admin("/api/v1/admin/keys/9999/revocation", &json!({}))
            .await
            .error(404, "unknown_api_key");

        for (method, path, body) in [
            (Method::GET, "/api/v1/admin/keys".to_owned(), None),
            (
                Method::POST,
                "/api/v1/admin/keys".to_owned(),
                Some(json!({ "name": "x", "scope": "admin" })),
            ),
            (
                Method::POST,
                format!("/api/v1/admin/keys/{id}/rotation"),
                Some(json!({})),
            ),
            (
                Method::POST,
                format!("/api/v1/admin/keys/{id}/revocation"),
                None,
            ),
        ] {
            app.send(method.clone(), &path, Some(&app.pos_key), body.as_ref())
                .await
                .error(403, "forbidden");
        }
        let audited: Vec<String> = app
            .engine
            .audit_log(10)
            .await
            .unwrap()
            .into_iter()
            .map(|e| format!("{} {}", e.action, e.actor))
            .collect();
        let admin = format!("key:{}", &app.admin_key[..16]);
        assert_eq!(
            audited,
            [
                format!("api_key.revoke {admin}"),
                format!("api_key.create {admin}")
            ],
            "[{name}] as the calling key's; a second revocation records nothing"
        );
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_is_refused_with_a_past_expiry_a_partner_scope_or_an_unknown_one() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let past = (Timestamp::now() - SignedDuration::from_secs(60)).to_string();
        for (body, code) in [
            (
                json!({ "name": "x", "scope": "pos", "expires_at": past }),
                "invalid_date",
            ),
            (
                json!({ "name": "x", "scope": "pos", "expires_at": "soon" }),
                "invalid_date",
            ),
            (json!({ "name": "x", "scope": "partner" }), "invalid_field"),
            (json!({ "name": "x", "scope": "root" }), "invalid_field"),
            (json!({ "name": " ", "scope": "pos" }), "missing_field"),
        ] {
            app.post_admin("/api/v1/admin/keys", &body)
                .await
                .error(422, code);
        }
        assert_eq!(
            app.engine.api_keys().await.unwrap().len(),
            2,
            "[{name}] only the harness's"
        );
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn during_a_rotations_overlap_both_keys_work_and_after_it_the_old_one_is_refused_as_expired()
{
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let old = made(&app, &json!({ "name": "web shop", "scope": "pos" })).await;
        let old_key = old["key"].as_str().unwrap().to_owned();
        let id = old["id"].as_i64().unwrap();
        assert_eq!(
            status_with(&app, &old_key).await.0,
            404,
            "[{name}] verified, so remembered"
        );

        let rotation = app
            .post_admin(
                &format!("/api/v1/admin/keys/{id}/rotation"),
                &json!({ "overlap_days": 2 }),
            )
            .await
            .ok(200);
        let new_key = rotation["key"]["key"].as_str().unwrap().to_owned();
        assert_eq!(rotation["old_key_id"], id, "[{name}] {rotation}");
        let overlap_end: Timestamp = rotation["old_key_expires_at"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let left = overlap_end.duration_since(Timestamp::now());
        assert!(
            left > SignedDuration::from_hours(47) && left <= SignedDuration::from_hours(48),
            "[{name}] two days' overlap: {rotation}"
        );
        // Both work over HTTP now; at the overlap's end (the engine's clock moved) only the new.
        assert_eq!(
            status_with(&app, &old_key).await.0,
            404,
            "[{name}] the old key works on"
        );
        assert_eq!(
            status_with(&app, &new_key).await.0,
            404,
            "[{name}] and so does the new"
        );
        let after = overlap_end + SignedDuration::from_secs(1);
        assert_eq!(
            app.engine
                .authenticate_at(&old_key, after)
                .await
                .unwrap_err()
                .code()
                .as_str(),
            "key_expired",
            "[{name}]"
        );
        assert!(
            app.engine
                .authenticate_at(&new_key, after)
                .await
                .unwrap()
                .is_some(),
            "[{name}]"
        );

        let listed = app.get_admin("/api/v1/admin/keys").await.ok(200);
        let new_id = rotation["key"]["id"].as_i64().unwrap();
        let row = |id: i64| {
            listed["keys"]
                .as_array()
                .unwrap()
                .iter()
                .find(|k| k["id"] == id)
                .unwrap()
                .clone()
        };
        assert_eq!(row(id)["rotated_to"], new_id, "[{name}] {listed}");
        assert_eq!(row(new_id)["rotated_from"], id, "[{name}]");
        assert_eq!(
            row(new_id)["name"],
            "web shop",
            "[{name}] the old key's name"
        );

        app.post_admin(&format!("/api/v1/admin/keys/{id}/rotation"), &json!({}))
            .await
            .error(409, "key_not_rotatable");
        app.post_admin("/api/v1/admin/keys/9999/rotation", &json!({}))
            .await
            .error(404, "unknown_api_key");
        app.post_admin(
            &format!("/api/v1/admin/keys/{new_id}/rotation"),
            &json!({ "overlap_days": 91 }),
        )
        .await
        .error(422, "invalid_field");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_key_is_refused_with_key_expired_on_every_call() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let old = made(&app, &json!({ "name": "till 3", "scope": "pos" })).await;
        let old_key = old["key"].as_str().unwrap().to_owned();
        assert_eq!(
            status_with(&app, &old_key).await.0,
            404,
            "[{name}] verified, so remembered"
        );
        // No overlap: the rotated key expires at once, as a compromised key's rotation would.
        let rotation = app
            .post_admin(
                &format!("/api/v1/admin/keys/{}/rotation", old["id"]),
                &json!({ "overlap_days": 0 }),
            )
            .await
            .ok(200);
        let (status, body) = status_with(&app, &old_key).await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (401, &json!("key_expired")),
            "[{name}] {body}"
        );
        let member = app.enroll("m-1").await;
        app.send(
            Method::GET,
            &format!("/api/v1/members/{member}/balance"),
            Some(&old_key),
            None,
        )
        .await
        .error(401, "key_expired");
        let new_key = rotation["key"]["key"].as_str().unwrap();
        app.send(
            Method::GET,
            &format!("/api/v1/members/{member}/balance"),
            Some(new_key),
            None,
        )
        .await
        .ok(200);
        let listed = app.get_admin("/api/v1/admin/keys").await.ok(200);
        let row = listed["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["id"] == old["id"])
            .unwrap()
            .clone();
        assert_eq!(row["status"], "expired", "[{name}] {row}");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partners_key_is_made_with_an_expiry() {
    for (name, db) in backends() {
        let program = format!(
            "{}\n[[partners]]\ncode = \"cafe\"\nname = \"Café\"\nprice_per_point = \"0.01\"\nreimbursement_per_point = \"0.01\"\n",
            crate::common::PROGRAM
        );
        let app = crate::common::spawn_app_with(&db, &program).await;
        let in_a_year = Timestamp::now() + SignedDuration::from_hours(365 * 24);
        let key = app
            .post_admin(
                "/api/v1/admin/partners/cafe/keys",
                &json!({ "name": "café", "expires_at": in_a_year.to_string() }),
            )
            .await
            .ok(200);
        assert!(key["expires_at"].is_string(), "[{name}] {key}");
        let stored = app
            .engine
            .api_key(key["id"].as_i64().unwrap())
            .await
            .unwrap();
        assert_eq!(stored.partner.as_deref(), Some("cafe"), "[{name}]");
        assert!(stored.expires_at.is_some(), "[{name}]");
        app.teardown().await;
    }
}
