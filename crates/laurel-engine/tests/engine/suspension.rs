//! Suspending a member on both backends: they neither earn nor spend while suspended (and
//! are told why), are sent no sign-in code, lose their portal sessions; refunds and staff
//! adjustments still reach their points; reactivated, they earn again.

use super::*;
use laurel_engine::SignInLetter;

#[tokio::test]
async fn a_suspended_member_neither_earns_nor_spends_until_reactivated() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let id = member(&engine, "M1").await;
        let bought = buy(&engine, id, "o-1", "100").await;
        assert!(
            engine.set_suspended(id, true, "staff:test").await.unwrap(),
            "[{name}]"
        );
        assert!(
            !engine.set_suspended(id, true, "staff:test").await.unwrap(),
            "[{name}] suspended already"
        );

        assert_eq!(
            code(engine.purchase(purchase_request(id, "o-2", "50")).await),
            "member_suspended",
            "[{name}]"
        );
        assert_eq!(
            code(engine.redeem(redeem_request(id, 10, "r-1")).await),
            "member_suspended",
            "[{name}]"
        );
        let letter = SignInLetter {
            subject: "code".into(),
            body: "{code}".into(),
        };
        assert!(
            !engine
                .request_sign_in_code("m1@example.com", &letter)
                .await
                .unwrap(),
            "[{name}] no code for a suspended member"
        );
        engine
            .adjust(credit(id, 5, "goodwill-1"), "staff:a@example.com")
            .await
            .unwrap();
        engine
            .refund(refund_request(
                bought.purchase_id,
                "rf-1",
                RefundScope::Full,
            ))
            .await
            .unwrap();
        assert_eq!(
            balance(&engine, id).await,
            (5, 0),
            "[{name}] refund and adjustment reached the points"
        );

        assert!(
            engine.set_suspended(id, false, "staff:test").await.unwrap(),
            "[{name}]"
        );
        buy(&engine, id, "o-2", "50").await;
        assert_eq!(
            balance(&engine, id).await,
            (80, 0),
            "[{name}] earning again"
        );
        finish(name, engine).await;
    }
}
