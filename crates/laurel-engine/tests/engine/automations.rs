//! Automations on both backends with an injected clock: a daily win-back acts on the members
//! its conditions hold for, once per period of its limit, with points, a letter and an
//! event; an event-triggered one acts when the event happens (the run is made in the
//! fan-out); a dry run says who and what without writing; a program file's mistakes are
//! named at their key.

use super::notices::{joined, links, noon_of};
use super::*;
use laurel_engine::CreateWebhook;

const AUTOMATIONS: &str = r#"
[[automations]]
id = "win_back"
name = { en = "Win back", zh-CN = "唤回" }
trigger = "daily"
limit = "per_month"
conditions = [
  { days_since_last_purchase = { at_least = 30 } },
  { balance = { at_least = 10 } },
]
actions = [
  { award_points = 50, reason = "we miss you" },
  { send = { subject = "We miss you", text = "Here are {{ points }} {{ points_name }} on us." } },
  { webhook = true },
]

[[automations]]
id = "first_redemption"
name = "Thanks for redeeming"
trigger = { event = "points.redeemed" }
actions = [ { award_points = 10, reason = "thanks for redeeming" } ]
"#;

/// A webhook receiver nobody runs: the fan-out (the webhook loop's first step, which makes
/// event automations' runs) still happens.
pub(super) struct Nobody;

impl laurel_engine::WebhookSender for Nobody {
    async fn send(&self, _: &laurel_engine::WebhookRequest<'_>) -> laurel_engine::Sent {
        laurel_engine::Sent::Unreachable("no subscriber to send to".into())
    }
}

/// The events written and not yet fanned out, by type.
async fn event_types(engine: &Engine) -> Vec<String> {
    let mut tx = engine.store().begin().await.unwrap();
    let events = tx.waiting_events(1_000).await.unwrap();
    tx.commit().await.unwrap();
    events.into_iter().map(|e| e.kind).collect()
}

#[tokio::test]
async fn a_daily_win_back_acts_once_a_month_on_the_members_its_conditions_hold_for() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(AUTOMATIONS)).await;
        engine
            .create_webhook(CreateWebhook {
                url: "https://crm.example/in".into(),
                event_types: vec!["automation.fired".into()],
                description: None,
            })
            .await
            .unwrap();
        let ann = joined(&engine, "ann", true).await;
        let bo = joined(&engine, "bo", true).await;
        let now = noon_of(Timestamp::now() + days(1));
        buy_at(&engine, ann, "A-1", "40", now - days(40)).await;
        buy_at(&engine, bo, "B-1", "40", now - days(2)).await;

        let dry = engine
            .automation_dry_run("win_back", now, 10)
            .await
            .unwrap();
        assert_eq!(
            (dry.members, dry.points),
            (1, 50),
            "[{name}] ann only: {dry:?}"
        );
        assert_eq!(dry.lines[0].member_id, ann, "[{name}]");
        assert!(dry.lines[0].letter, "[{name}]");
        assert_eq!(
            balance(&engine, ann).await,
            (40, 0),
            "[{name}] a dry run writes nothing"
        );

        let report = engine.run_automations(now, &links()).await.unwrap();
        assert_eq!(
            (report.made, report.acted, report.points, report.sent),
            (1, 1, 50, 1),
            "[{name}] {report:?}"
        );
        assert_eq!(balance(&engine, ann).await, (90, 0), "[{name}]");
        assert_eq!(
            balance(&engine, bo).await,
            (40, 0),
            "[{name}] bo bought recently"
        );
        let letter = engine
            .store()
            .unsent_messages(10, 10)
            .await
            .unwrap()
            .pop()
            .unwrap();
        assert_eq!(letter.message.kind.as_deref(), Some("automation:win_back"));
        assert_eq!(letter.message.subject, "We miss you", "[{name}]");
        assert!(
            letter.message.body.starts_with("Here are 50 积分 on us."),
            "[{name}]"
        );
        assert!(
            event_types(&engine)
                .await
                .contains(&"automation.fired".to_owned()),
            "[{name}]"
        );
        let entries = entries(&engine, ann).await;
        assert_eq!(entries[0].meta.reason, "we miss you", "[{name}]");
        assert_eq!(
            entries[0].meta.actor.as_deref(),
            Some("automation:win_back")
        );

        let again = engine
            .run_automations(now + SignedDuration::from_hours(2), &links())
            .await
            .unwrap();
        assert_eq!(
            (again.made, again.acted),
            (0, 0),
            "[{name}] once a day, once a month"
        );
        let next_month = engine
            .run_automations(now + days(31), &links())
            .await
            .unwrap();
        assert_eq!(
            next_month.acted, 2,
            "[{name}] ann still lapsing a month on, and now bo too: {next_month:?}"
        );
        assert_eq!(balance(&engine, ann).await, (140, 0), "[{name}]");
        assert_eq!(balance(&engine, bo).await, (90, 0), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn an_event_triggered_automation_acts_once_when_its_event_happens() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(AUTOMATIONS)).await;
        let bo = member(&engine, "bo").await;
        buy(&engine, bo, "B-1", "100").await;
        engine.redeem(redeem_request(bo, 20, "r-1")).await.unwrap();
        engine.redeem(redeem_request(bo, 20, "r-2")).await.unwrap();
        assert_eq!(
            event_types(&engine).await,
            ["points.redeemed", "points.redeemed"],
            "[{name}] written because an automation listens, though no webhook does"
        );
        // The fan-out (the webhook loop's first step) makes the runs.
        let now = Timestamp::now();
        engine.deliver_webhooks(&Nobody, now).await.unwrap();
        let report = engine.run_automations(now, &links()).await.unwrap();
        assert_eq!(
            (report.acted, report.points),
            (1, 10),
            "[{name}] once: {report:?}"
        );
        assert_eq!(
            balance(&engine, bo).await,
            (70, 0),
            "[{name}] 100 − 40 + 10"
        );
        let unknown = engine.automation_dry_run("nope", now, 10).await;
        assert_eq!(code(unknown), "unknown_automation", "[{name}]");
        finish(name, engine).await;
    }
}

#[test]
fn the_program_file_reports_every_automation_problem_with_its_key() {
    let text = PROGRAM.to_owned()
        + r#"
[[automations]]
id = "bad"
name = "Bad"
trigger = { event = "points.stolen" }
limit = "hourly"
conditions = [ { tiers = ["platinum"] } ]
actions = [ { award_points = 5, webhook = true } ]
"#;
    let err = parse_program(&text, Path::new("bad.toml")).unwrap_err();
    for key in [
        "automations.bad.trigger",
        "automations.bad.limit",
        "automations.bad.actions",
    ] {
        assert!(
            err.problems.iter().any(|p| p.contains(key)),
            "{key} missing from {err}"
        );
    }
}
