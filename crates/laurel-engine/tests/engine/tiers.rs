//! Tiers on both backends: upgrades as soon as a member qualifies, the tier bonus and tier
//! conditions, refunds lowering the metric, reviews that downgrade only after grace, manual
//! assignment, and the program file's `[tiers]`.

use super::*;
use laurel_engine::{AssignTierRequest, TierView};

/// Spend over the last 12 months: green from 0, silver from 1000 (1.25×), gold from 5000
/// (1.5×); 30 days' grace; down one tier at a time.
pub(super) const TIERS: &str = r#"
[tiers]
metric = "spend"
window = "rolling_months"
months = 12
grace_days = 30
max_steps_down = 1

[[tiers.levels]]
id = "green"
name = "Green"
threshold = "0"

[[tiers.levels]]
id = "silver"
name = "Silver"
threshold = "1000"
earn_multiplier = "1.25"
perks = ["free upsize"]

[[tiers.levels]]
id = "gold"
name = "Gold"
threshold = "5000"
earn_multiplier = "1.5"
discount_percent = "5"
"#;

/// [`PROGRAM`] at one point per yuan with [`TIERS`] (lines replaced by `edits`) and `rules`.
pub(crate) fn with_tiers(edits: &[(&str, &str)], rules: &str) -> ProgramDefinition {
    let mut tiers = TIERS.to_owned();
    for (from, to) in edits {
        assert!(tiers.contains(from), "tier fixture has no `{from}`");
        tiers = tiers.replace(from, to);
    }
    with_rules(&(tiers + rules))
}

async fn status(engine: &Engine, member_id: i64) -> TierView {
    engine.tier_status(&MemberRef::Id(member_id)).await.unwrap()
}

fn tier_of(view: &TierView) -> Option<&str> {
    view.tier.as_ref().map(|t| t.id.as_str())
}

fn assignment(member_id: i64, tier: &str, until: Option<Timestamp>) -> AssignTierRequest {
    AssignTierRequest {
        member_id,
        tier: tier.into(),
        reason: "complaint goodwill".into(),
        until,
    }
}

#[tokio::test]
async fn a_new_member_starts_in_the_zero_threshold_tier_and_a_purchase_reaching_a_threshold_upgrades_at_once()
 {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_tiers(&[], "")).await;
        let joined = engine.enroll(enroll_request("m")).await.unwrap();
        assert_eq!(joined.tier.tier.as_deref(), Some("green"), "[{name}]");
        let id = joined.id.0;
        let order = purchase_request(id, "o-1", "1200.00");
        let first = engine.purchase(order.clone()).await.unwrap();
        assert_eq!(
            grants(&first),
            vec![("base", 1200, None)],
            "[{name}] earned as green"
        );
        let change = first.earned.tier_change.clone().unwrap();
        assert_eq!(
            (
                change.from.as_deref(),
                change.to.as_deref(),
                change.reason.as_str()
            ),
            (Some("green"), Some("silver"), "qualified"),
            "[{name}]"
        );
        let second = buy(&engine, id, "o-2", "100.00").await;
        assert_eq!(
            grants(&second),
            vec![("base", 100, None), ("tier:silver", 25, None)],
            "[{name}] silver earns 1.25× the base"
        );
        assert_eq!(second.earned.tier_change, None, "[{name}]");
        assert_eq!(balance(&engine, id).await, (1325, 0), "[{name}]");
        let view = status(&engine, id).await;
        assert_eq!(tier_of(&view), Some("silver"), "[{name}]");
        assert_eq!(view.progress.value, dec("1300"), "[{name}]");
        let next = view.progress.next.clone().unwrap();
        assert_eq!(
            (next.tier.id.as_str(), next.needed),
            ("gold", dec("3700")),
            "[{name}]"
        );
        let reasons: Vec<_> = view
            .history
            .iter()
            .map(|h| (h.to.as_deref(), h.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            vec![(Some("silver"), "qualified"), (Some("green"), "qualified")],
            "[{name}] newest first"
        );
        // A retried purchase replays its answer, tier change included, and changes nothing.
        let again = engine.purchase(order).await.unwrap();
        assert_eq!(
            again.earned.tier_change, first.earned.tier_change,
            "[{name}]"
        );
        assert_eq!(status(&engine, id).await.history.len(), 2, "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn refunds_lower_the_metric_and_a_review_downgrades_only_after_grace_one_tier_at_a_time() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_tiers(&[], "")).await;
        let id = member(&engine, "m").await;
        let gold = buy(&engine, id, "o-1", "6000.00").await;
        assert_eq!(
            gold.earned.tier_change.unwrap().to.as_deref(),
            Some("gold"),
            "[{name}]"
        );
        engine
            .refund(refund_request(gold.purchase_id, "r-1", RefundScope::Full))
            .await
            .unwrap();
        let view = status(&engine, id).await;
        assert_eq!(
            tier_of(&view),
            Some("gold"),
            "[{name}] a refund never downgrades at once"
        );
        assert_eq!(view.progress.value, dec("0"), "[{name}]");
        let review = view.next_review.clone().unwrap();
        let grace_until = review
            .grace_until
            .expect("the next review starts a grace period");
        assert_eq!(review.tier_after.as_deref(), Some("gold"), "[{name}]");
        assert_eq!(
            grace_until,
            review.at + days(30),
            "[{name}] (no DST in Shanghai)"
        );

        let nothing = JobReport {
            members: 0,
            points: Points::ZERO,
        };
        assert_eq!(
            engine
                .run_job(JobKind::Tiers, review.at - days(1))
                .await
                .unwrap(),
            nothing,
            "[{name}] not due yet"
        );
        assert_eq!(
            engine.run_job(JobKind::Tiers, review.at).await.unwrap(),
            nothing,
            "[{name}] grace starts"
        );
        let in_grace = status(&engine, id).await;
        assert_eq!(tier_of(&in_grace), Some("gold"), "[{name}]");
        assert_eq!(in_grace.status.downgrade_at, Some(grace_until), "[{name}]");

        let after = engine.run_job(JobKind::Tiers, grace_until).await.unwrap();
        assert_eq!(after.members, 1, "[{name}]");
        let down = status(&engine, id).await;
        assert_eq!(
            tier_of(&down),
            Some("silver"),
            "[{name}] one step, not to green"
        );
        assert_eq!(down.status.since, Some(grace_until), "[{name}]");
        let last = &down.history[0];
        assert_eq!(
            (
                last.from.as_deref(),
                last.to.as_deref(),
                last.reason.as_str(),
                last.actor.as_deref()
            ),
            (Some("gold"), Some("silver"), "review", Some("scheduler")),
            "[{name}]"
        );
        assert_eq!(
            engine.run_job(JobKind::Tiers, grace_until).await.unwrap(),
            nothing,
            "[{name}] once"
        );
        // Now earning as silver.
        let later = buy(&engine, id, "o-2", "100.00").await;
        assert_eq!(later.earned.points_earned, 125, "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn requalifying_during_grace_keeps_the_tier() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_tiers(&[], "")).await;
        let id = member(&engine, "m").await;
        let gold = buy(&engine, id, "o-1", "6000.00").await;
        let refund = refund_request(gold.purchase_id, "r-1", RefundScope::Amount(dec("2000")));
        engine.refund(refund).await.unwrap();
        let review = status(&engine, id).await.next_review.unwrap();
        engine.run_job(JobKind::Tiers, review.at).await.unwrap();
        assert!(
            status(&engine, id).await.status.downgrade_at.is_some(),
            "[{name}]"
        );
        buy(&engine, id, "o-2", "1500.00").await;
        let requalified = status(&engine, id).await;
        assert_eq!(
            requalified.status.downgrade_at, None,
            "[{name}] grace cancelled"
        );
        let far = review.at + days(45);
        engine.run_job(JobKind::Tiers, far).await.unwrap();
        assert_eq!(
            tier_of(&status(&engine, id).await),
            Some("gold"),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_manual_tier_holds_until_its_end_and_bad_assignments_are_refused() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(
            &db,
            with_tiers(
                &[
                    ("grace_days = 30", "grace_days = 0"),
                    ("max_steps_down = 1", r#"max_steps_down = "unlimited""#),
                ],
                "",
            ),
        )
        .await;
        let id = member(&engine, "m").await;
        // Whole seconds, so that it survives storage exactly.
        let until = recently() + days(10);
        let view = engine
            .assign_tier(assignment(id, "gold", Some(until)), "key:admin1")
            .await
            .unwrap();
        assert_eq!(tier_of(&view), Some("gold"), "[{name}]");
        let manual = view.status.manual.clone().unwrap();
        assert_eq!(
            (manual.reason.as_str(), manual.until),
            ("complaint goodwill", Some(until)),
            "[{name}]"
        );
        let entry = &view.history[0];
        assert_eq!(
            (
                entry.reason.as_str(),
                entry.note.as_deref(),
                entry.actor.as_deref()
            ),
            ("manual", Some("complaint goodwill"), Some("key:admin1")),
            "[{name}]"
        );
        assert_eq!(
            buy(&engine, id, "o-1", "100.00").await.earned.points_earned,
            150,
            "[{name}] earns as gold"
        );
        assert_eq!(
            engine
                .run_job(JobKind::Tiers, until - days(1))
                .await
                .unwrap()
                .members,
            0,
            "[{name}]"
        );
        assert_eq!(
            engine.run_job(JobKind::Tiers, until).await.unwrap().members,
            1,
            "[{name}]"
        );
        let ended = status(&engine, id).await;
        assert_eq!(
            tier_of(&ended),
            Some("green"),
            "[{name}] no step limit, no grace"
        );
        assert_eq!(ended.status.manual, None, "[{name}]");

        let refused = [
            (assignment(id, "platinum", None), "unknown_tier"),
            (
                assignment(id, "gold", Some(Timestamp::now() - days(1))),
                "invalid_field",
            ),
            (
                AssignTierRequest {
                    reason: " ".into(),
                    ..assignment(id, "gold", None)
                },
                "missing_field",
            ),
            (assignment(999_999, "gold", None), "unknown_member"),
        ];
        for (request, expected) in refused {
            assert_eq!(
                code(engine.assign_tier(request, "key:admin1").await),
                expected,
                "[{name}]"
            );
        }
        assert_eq!(
            status(&engine, id).await.history.len(),
            3,
            "[{name}] refusals write nothing"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_tier_condition_grants_only_to_members_of_that_tier() {
    let rules = r#"
[[rules]]
id = "gold_coffee"
name = "Gold members' coffee bonus"
effect = { fixed = 50 }
conditions = [ { tiers = ["gold"] } ]
"#;
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_tiers(&[], rules)).await;
        let id = member(&engine, "m").await;
        let upgrading = buy(&engine, id, "o-1", "5000.00").await;
        assert_eq!(
            grants(&upgrading),
            vec![("base", 5000, None)],
            "[{name}] earned as green"
        );
        let as_gold = buy(&engine, id, "o-2", "10.00").await;
        assert_eq!(
            grants(&as_gold),
            vec![
                ("base", 10, None),
                ("gold_coffee", 50, None),
                ("tier:gold", 5, None)
            ],
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn points_earned_tiers_count_event_points_and_answer_the_change_on_the_event() {
    let rules = r#"
[[rules]]
id = "review"
name = "Review bonus"
trigger = { event = "review_written" }
effect = { fixed = 300 }
"#;
    let edits = [
        (r#"metric = "spend""#, r#"metric = "points_earned""#),
        (r#"threshold = "1000""#, r#"threshold = "400""#),
    ];
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_tiers(&edits, rules)).await;
        let id = member(&engine, "m").await;
        buy(&engine, id, "o-1", "150.00").await;
        let event = engine
            .record_event(event_request(id, "rev-1", "review_written", recently()))
            .await
            .unwrap();
        let change = event.earned.tier_change.unwrap();
        assert_eq!(
            change.to.as_deref(),
            Some("silver"),
            "[{name}] 150 + 300 ≥ 400"
        );
        assert_eq!(
            status(&engine, id).await.progress.value,
            dec("450"),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[test]
fn program_file_tiers_are_checked_with_their_keys() {
    let base = PROGRAM.to_owned();
    let problems = |extra: &str| match parse_program(&(base.clone() + extra), Path::new("p.toml")) {
        Ok(_) => Vec::new(),
        Err(e) => e.problems,
    };
    assert!(problems(TIERS).is_empty());
    let rolling_without_months = TIERS.replace("months = 12\n", "");
    assert!(problems(&rolling_without_months)[0].contains("tiers.months"));
    let descending = TIERS.replace(r#"threshold = "5000""#, r#"threshold = "500""#);
    assert!(problems(&descending)[0].contains("tiers.levels[2].threshold"));
    let unknown = TIERS.to_owned()
        + r#"
[[rules]]
id = "vip"
name = "VIP"
effect = { fixed = 1 }
conditions = [ { tiers = ["platinum"] } ]
"#;
    let found = problems(&unknown);
    assert!(
        found[0].contains("rules[0].conditions[0].tiers")
            && found[0].contains("green, silver, gold"),
        "{found:?}"
    );
    let no_tiers = r#"
[[rules]]
id = "vip"
name = "VIP"
effect = { fixed = 1 }
conditions = [ { tiers = ["gold"] } ]
"#;
    assert!(problems(no_tiers)[0].contains("the program has no [tiers]"));
}
