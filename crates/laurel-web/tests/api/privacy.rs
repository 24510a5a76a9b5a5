//! Erasure over HTTP: an admin key erases a member (their points forfeited, their profile
//! gone, the old external id naming no one), the register lists it, and nothing more is done
//! for them; other keys may not.

use crate::common::spawn_app;
use laurel_testkit::backends;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_key_erases_a_member_and_the_register_lists_it() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let body = json!({
            "external_id": "cust-erase", "email": "erase.me@example.com", "name": "Erin Rase",
            "phone": "+86 139 1111 2222", "birthday": "1990-05-17",
        });
        let id = app.post("/api/v1/members", &body).await.ok(201)["id"]
            .as_i64()
            .unwrap();
        app.purchase(id, "o-1", "100").await;
        let held = app.available(id).await;
        let path = format!("/api/v1/admin/members/{id}/erasure");

        app.post(&path, &json!({})).await.error(403, "forbidden");
        let erased = app.post_admin(&path, &json!({})).await.ok(200);
        assert_eq!(erased["member_id"], id, "[{name}] {erased}");
        assert_eq!(erased["forfeited"], held, "[{name}] {erased}");
        let pseudonym = erased["pseudonym"].as_str().unwrap().to_owned();
        assert!(pseudonym.starts_with("erased-"), "[{name}] {erased}");
        assert_eq!(
            app.post_admin(&path, &json!({})).await.ok(200),
            erased,
            "[{name}] asked again, the same answer"
        );

        let member = app.get(&format!("/api/v1/members/{id}")).await.ok(200);
        assert_eq!(member["status"], "erased", "[{name}] {member}");
        assert_eq!(member["external_id"], pseudonym.as_str(), "[{name}]");
        for field in ["email", "phone", "name", "birthday"] {
            assert!(member[field].is_null(), "[{name}] {field}: {member}");
        }
        assert_eq!(
            member["balance"],
            json!({ "available": 0, "pending": 0 }),
            "[{name}]"
        );
        app.get("/api/v1/members?external_id=cust-erase")
            .await
            .error(404, "unknown_member");
        let refused = json!({ "member_id": id, "order_id": "o-2", "channel": "pos",
            "currency": "CNY", "total": "10", "occurred_at": crate::common::just_now() });
        app.post("/api/v1/purchases", &refused)
            .await
            .error(410, "member_erased");

        let register = app
            .get_admin("/api/v1/admin/erasure-requests")
            .await
            .ok(200);
        let requests = register["requests"].as_array().unwrap();
        assert_eq!(requests.len(), 1, "[{name}] {register}");
        assert_eq!(requests[0]["state"], "erased", "[{name}]");
        assert_eq!(requests[0]["forfeited"], held, "[{name}]");
        assert!(
            requests[0]["requested_by"]
                .as_str()
                .unwrap()
                .starts_with("key:"),
            "[{name}] {register}"
        );
        let waiting = app
            .get_admin("/api/v1/admin/erasure-requests?waiting=true")
            .await
            .ok(200);
        assert_eq!(waiting["requests"], json!([]), "[{name}]");
        app.post_admin("/api/v1/admin/members/999999/erasure", &json!({}))
            .await
            .error(404, "unknown_member");
        app.teardown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_consents_answer_per_channel_and_purpose_with_their_history_newest_first() {
    for (name, db) in backends() {
        let app = spawn_app(&db).await;
        let body = json!({ "external_id": "cust-consent", "email": "c@example.com" });
        let id = app.post("/api/v1/members", &body).await.ok(201)["id"]
            .as_i64()
            .unwrap();
        let path = format!("/api/v1/members/{id}/consents");
        let never = app.get(&path).await.ok(200);
        assert_eq!(
            (&never["channels"], &never["purposes"], &never["history"]),
            (
                &json!({ "email": false, "push": false, "sms": false }),
                &json!({ "profiling": true }),
                &json!([])
            ),
            "[{name}] letters wait for consent; profiling runs until withdrawn: {never}"
        );

        let answer = |consents| laurel_engine::ProfileUpdate {
            name: String::new(),
            birthday: None,
            consents,
        };
        let given = laurel_engine::Consents::given(&["email"]);
        app.engine.update_profile(id, answer(given)).await.unwrap();
        let withdrawn = laurel_engine::Consents::default().with(laurel_engine::PROFILING, false);
        app.engine
            .update_profile(id, answer(withdrawn))
            .await
            .unwrap();

        let now = app.get(&path).await.ok(200);
        assert_eq!(now["channels"]["email"], true, "[{name}] {now}");
        assert_eq!(now["purposes"]["profiling"], false, "[{name}] {now}");
        let history: Vec<(&str, bool, &str)> = now["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                assert!(c["at"].as_str().is_some(), "[{name}] {c}");
                (
                    c["consent"].as_str().unwrap(),
                    c["given"].as_bool().unwrap(),
                    c["source"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            history,
            [("profiling", false, "portal"), ("email", true, "portal")],
            "[{name}]"
        );
        app.get("/api/v1/members/99999/consents")
            .await
            .error(404, "unknown_member");
    }
}
