//! `POST /api/v1/admin/automations/{id}/dry-run` on both backends: who an automation of the
//! program in force would act on now and what they would get, writing nothing; an unknown
//! automation is `unknown_automation`; POS keys are refused.

use crate::common::*;
use laurel_testkit::backends;
use serde_json::json;

const GIFT: &str = r#"
[[automations]]
id = "big_spenders"
name = "Thanks, big spenders"
trigger = "daily"
conditions = [ { balance = { at_least = 100 } } ]
actions = [ { award_points = 25, reason = "thank you" } ]
"#;

#[tokio::test]
async fn a_dry_run_lists_who_an_automation_would_act_on_and_writes_nothing() {
    for (name, db) in backends() {
        let app = spawn_app_with(&db, &format!("{PROGRAM}{GIFT}")).await;
        let rich = app.enroll("RICH-1").await;
        let poor = app.enroll("POOR-1").await;
        app.purchase(rich, "o-1", "150").await;
        app.purchase(poor, "o-2", "20").await;

        let run = app
            .post_admin("/api/v1/admin/automations/big_spenders/dry-run", &json!({}))
            .await
            .ok(200);
        assert_eq!(run["members"], 1, "[{name}] {run}");
        assert_eq!(run["points"], 25, "[{name}]");
        assert_eq!(run["lines"][0]["member_id"], rich, "[{name}]");
        assert_eq!(run["lines"][0]["letter"], false, "[{name}]");
        assert_eq!(app.available(rich).await, 150, "[{name}] nothing written");

        app.post_admin("/api/v1/admin/automations/nope/dry-run", &json!({}))
            .await
            .error(404, "unknown_automation");
        app.post("/api/v1/admin/automations/big_spenders/dry-run", &json!({}))
            .await
            .error(403, "forbidden");
        app.teardown().await;
    }
}
