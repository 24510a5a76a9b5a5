//! Paid memberships over HTTP on both backends: bought, read, renewed and cancelled, with
//! each refusal's status and code.

use crate::common::{PROGRAM, spawn_app_with};
use laurel_testkit::backends;
use serde_json::json;

fn plans_program() -> String {
    format!(
        "{PROGRAM}\n[wallet]\ntop_up_min = \"10\"\n\
         [[memberships]]\nid = \"plus\"\nname = \"Plus\"\nfee = \"120\"\nterm = \"year\"\n\
         cancel_refund = \"pro_rata\"\nearn_multiplier = \"2\"\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_membership_is_bought_read_and_cancelled_over_http_with_every_refusal_coded() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &plans_program()).await;
        let member = app.enroll("plus-member").await;
        let base = format!("/api/v1/members/{member}/memberships");
        let none = app.get(&base).await.ok(200);
        assert_eq!(none["memberships"], json!([]), "[{name}]");

        let body =
            json!({ "plan": "plus", "idempotency_key": "m-1", "payment_reference": "inv-1" });
        let joined = app.post(&base, &body).await.ok(200);
        assert_eq!(joined["charged"], "120", "[{name}] {joined}");
        let m = &joined["membership"];
        assert_eq!(m["plan"], "plus", "[{name}]");
        assert_eq!(m["state"], "active", "[{name}]");
        assert_eq!(m["pay_with"], "external", "[{name}]");
        assert_eq!(m["in_force"], true, "[{name}]");
        assert_eq!(m["term"]["number"], 1, "[{name}]");
        let again = app.post(&base, &body).await.ok(200);
        assert_eq!(again, joined, "[{name}] a retry is answered as first");
        let id = m["membership_id"].as_i64().unwrap();

        app.post(&base, &json!({ "plan": "plus", "idempotency_key": "m-2" }))
            .await
            .error(409, "membership_held");
        app.post(&base, &json!({ "plan": "gold", "idempotency_key": "m-3" }))
            .await
            .error(404, "unknown_plan");
        app.post(
            &base,
            &json!({ "plan": "plus", "idempotency_key": "m-4", "pay_with": "card" }),
        )
        .await
        .error(422, "invalid_body");
        app.post(
            "/api/v1/members/999999/memberships",
            &json!({ "plan": "plus", "idempotency_key": "m-5" }),
        )
        .await
        .error(404, "unknown_member");

        let read = app.get(&format!("/api/v1/memberships/{id}")).await.ok(200);
        assert_eq!(
            read["terms"].as_array().unwrap().len(),
            1,
            "[{name}] {read}"
        );
        assert_eq!(read["terms"][0]["fee"], "120", "[{name}]");
        app.get("/api/v1/memberships/999999")
            .await
            .error(404, "unknown_membership");
        let renewal = json!({ "idempotency_key": "r-1", "payment_reference": "inv-2" });
        app.post(&format!("/api/v1/memberships/{id}/renewals"), &renewal)
            .await
            .error(409, "renewal_not_open");

        let ending = app
            .post(&format!("/api/v1/memberships/{id}/cancel"), &json!({}))
            .await
            .ok(200);
        assert_eq!(ending["membership"]["state"], "ending", "[{name}] {ending}");
        let retried = app
            .post(
                &format!("/api/v1/memberships/{id}/cancel"),
                &json!({ "at": "term_end" }),
            )
            .await
            .ok(200);
        assert_eq!(retried, ending, "[{name}] a retry is answered as first");
        let ended = app
            .post(
                &format!("/api/v1/memberships/{id}/cancel"),
                &json!({ "at": "now" }),
            )
            .await
            .ok(200);
        assert_eq!(ended["membership"]["state"], "ended", "[{name}] {ended}");
        assert_eq!(ended["membership"]["end_reason"], "cancelled", "[{name}]");
        let refunded: rust_decimal::Decimal = ended["refunded"].as_str().unwrap().parse().unwrap();
        assert!(
            refunded > rust_decimal::Decimal::new(119, 0),
            "[{name}] {ended}"
        );
        app.post(&format!("/api/v1/memberships/{id}/renewals"), &renewal)
            .await
            .error(409, "membership_ended");
        let listed = app.get(&base).await.ok(200);
        assert_eq!(
            listed["memberships"][0]["state"], "ended",
            "[{name}] {listed}"
        );
        app.teardown().await;
    }
}
