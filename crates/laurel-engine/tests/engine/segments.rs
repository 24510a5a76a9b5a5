//! Saved segments on both backends: counted and listed as their conditions pick members,
//! worked out again when saved and on a refresh, refused whole with every problem at its key.

use super::tiers::with_tiers;
use super::*;
use laurel_engine::{
    AttributeSpec, ConditionSpec, MemberFilter, RangeSpec, SegmentSpec, SpendSpec,
};

fn spec(id: &str, conditions: Vec<ConditionSpec>) -> SegmentSpec {
    SegmentSpec {
        id: id.into(),
        name: format!("Segment {id}"),
        description: None,
        conditions,
    }
}

fn spent_at_least(amount: &str) -> ConditionSpec {
    ConditionSpec::Spend(SpendSpec {
        days: 365,
        at_least: Some(dec(amount)),
        at_most: None,
    })
}

/// The external ids the staff's list shows for the segment, newest first.
async fn listed(engine: &Engine, segment: &str) -> Vec<String> {
    let filter = MemberFilter {
        segment: Some(segment.into()),
        ..MemberFilter::default()
    };
    let page = engine.member_page(&filter, None, 50).await.unwrap();
    page.members
        .into_iter()
        .map(|m| m.member.profile.external_id)
        .collect()
}

/// a spends 6,000 (gold), b 1,200 (silver, in Shanghai), c nothing.
async fn three_members(engine: &Engine) -> [i64; 3] {
    let a = member(engine, "a").await;
    let b = engine
        .enroll(EnrollRequest {
            attributes: [("city".to_owned(), "Shanghai".to_owned())].into(),
            ..enroll_request("b")
        })
        .await
        .unwrap()
        .id
        .0;
    let c = member(engine, "c").await;
    buy(engine, a, "A-1", "6000").await;
    buy(engine, b, "B-1", "1200").await;
    [a, b, c]
}

#[tokio::test]
async fn a_segment_counts_and_lists_the_members_its_conditions_pick() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_tiers(&[], "")).await;
        let [_, b, _] = three_members(&engine).await;
        let now = Timestamp::now();
        let big = engine
            .create_segment(spec("big_spenders", vec![spent_at_least("1000")]), now)
            .await
            .unwrap();
        assert_eq!(big.members, 2, "[{name}] counted when saved");
        assert_eq!(big.refreshed_at, Some(big.created_at));
        let shanghai_silver = spec(
            "shanghai_silver",
            vec![
                ConditionSpec::Attribute(AttributeSpec {
                    key: "city".into(),
                    value: "Shanghai".into(),
                }),
                ConditionSpec::Tiers(vec!["silver".into()]),
            ],
        );
        engine.create_segment(shanghai_silver, now).await.unwrap();
        assert_eq!(
            listed(&engine, "big_spenders").await,
            ["b", "a"],
            "[{name}]"
        );
        assert_eq!(listed(&engine, "shanghai_silver").await, ["b"], "[{name}]");

        // b climbs to gold: still a big spender, no longer silver — once refreshed.
        buy(&engine, b, "B-2", "4000").await;
        assert_eq!(
            listed(&engine, "shanghai_silver").await,
            ["b"],
            "until refreshed"
        );
        let refresh = engine.refresh_segments(Timestamp::now()).await.unwrap();
        assert_eq!(
            refresh.members,
            [
                ("big_spenders".to_owned(), 2),
                ("shanghai_silver".to_owned(), 0)
            ],
            "[{name}]"
        );
        assert!(listed(&engine, "shanghai_silver").await.is_empty());

        // A change of conditions is worked out at once: now only the biggest spenders.
        let changed = engine
            .update_segment(
                spec("big_spenders", vec![spent_at_least("5500")]),
                Timestamp::now(),
            )
            .await
            .unwrap();
        assert_eq!(changed.members, 1, "[{name}]");
        assert_eq!(changed.spec.conditions, [spent_at_least("5500")]);
        assert_eq!(listed(&engine, "big_spenders").await, ["a"], "[{name}]");
        let ids: Vec<String> = engine
            .segments()
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.spec.id)
            .collect();
        assert_eq!(ids, ["big_spenders", "shanghai_silver"]);
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn scored_members_are_picked_by_their_rfm_segment_and_never_buyers_by_none() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_tiers(&[], "")).await;
        let _ = three_members(&engine).await;
        let now = Timestamp::now();
        engine.refresh_member_insight(now).await.unwrap();
        let every_rfm = [
            "champions",
            "loyal",
            "promising",
            "at_risk",
            "cant_lose",
            "hibernating",
            "lost",
        ]
        .map(String::from)
        .to_vec();
        let scored = engine
            .create_segment(spec("scored", vec![ConditionSpec::Rfm(every_rfm)]), now)
            .await
            .unwrap();
        assert_eq!(scored.members, 2, "[{name}] c never bought");
        let idle = spec(
            "idle",
            vec![ConditionSpec::DaysSinceLastPurchase(RangeSpec {
                at_least: Some(30),
                at_most: None,
            })],
        );
        engine.create_segment(idle, now).await.unwrap();
        assert_eq!(listed(&engine, "idle").await, ["c"], "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_bad_segment_is_refused_whole_with_every_problem_at_its_key() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_tiers(&[], "")).await;
        let now = Timestamp::now();
        let bad = SegmentSpec {
            id: "Bad Id".into(),
            ..spec(
                "x",
                vec![
                    ConditionSpec::Tiers(vec!["platinum".into()]),
                    ConditionSpec::Balance(RangeSpec {
                        at_least: Some(500),
                        at_most: Some(100),
                    }),
                    ConditionSpec::ChurnRisk(vec!["severe".into()]),
                    spent_at_least("-5"),
                ],
            )
        };
        let Err(EngineError::InvalidSegment(problems)) = engine.create_segment(bad, now).await
        else {
            panic!("[{name}] an invalid segment is refused");
        };
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "conditions[2]",
                "conditions[3]",
                "id",
                "conditions[0]",
                "conditions[1]"
            ],
            "[{name}] {problems:?}"
        );
        assert!(engine.segments().await.unwrap().is_empty(), "nothing saved");
        let good = spec("good", vec![ConditionSpec::Consent("email".into())]);
        engine.create_segment(good.clone(), now).await.unwrap();
        assert_eq!(
            code(engine.create_segment(good, now).await),
            "segment_exists"
        );
        let nobody = spec("nobody", vec![ConditionSpec::Consent("email".into())]);
        assert_eq!(
            code(engine.update_segment(nobody, now).await),
            "unknown_segment"
        );
        assert_eq!(code(engine.segment("nobody").await), "unknown_segment");
        engine.delete_segment("good").await.unwrap();
        assert_eq!(code(engine.delete_segment("good").await), "unknown_segment");
        finish(name, engine).await;
    }
}

/// What a program naming the segment `big_spenders` adds: a rule, a reward and an automation
/// for its members only.
const FOR_BIG_SPENDERS: &str = r#"
[[rules]]
id = "big_spender_bonus"
name = "Big spenders' bonus"
effect = { fixed = 25 }
conditions = [ { segments = ["big_spenders"] } ]

[[rewards]]
id = "lounge"
name = "Lounge pass"
type = "free_product"
sku = "LOUNGE"
cost = 10
valid_days = 30
segments = ["big_spenders"]

[[automations]]
id = "thank_big_spenders"
name = "Thank big spenders"
trigger = "daily"
conditions = [ { segments = ["big_spenders"] } ]
actions = [ { award_points = 100, reason = "thank you" } ]
"#;

fn apply(text: &str) -> laurel_engine::ApplyProgram {
    laurel_engine::ApplyProgram {
        text: text.to_owned(),
        effective_from: None,
        note: None,
        dry_run: false,
    }
}

#[tokio::test]
async fn a_rule_a_reward_and_an_automation_serve_only_the_members_of_a_segment() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_tiers(&[], "")).await;
        let [a, b, _] = three_members(&engine).await;
        let text = PROGRAM.replace(ONE_PER_YUAN.0, ONE_PER_YUAN.1)
            + super::tiers::TIERS
            + FOR_BIG_SPENDERS;
        let Err(EngineError::InvalidProgram(problems)) =
            engine.apply_program(apply(&text), "key:admin").await
        else {
            panic!("[{name}] a program naming an unsaved segment is refused");
        };
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "rules[0].conditions[0].segments",
                "rewards[0].segments",
                "automations.thank_big_spenders.conditions",
            ],
            "[{name}]"
        );
        let now = Timestamp::now();
        engine
            .create_segment(spec("big_spenders", vec![spent_at_least("5000")]), now)
            .await
            .unwrap();
        engine
            .apply_program(apply(&text), "key:admin")
            .await
            .unwrap();

        let a_again = buy_now(&engine, a, "A-2", "100").await;
        let b_again = buy_now(&engine, b, "B-2", "100").await;
        assert_eq!(
            grants(&a_again),
            [
                ("base", 100, None),
                ("big_spender_bonus", 25, None),
                ("tier:gold", 50, None)
            ],
            "[{name}] a is a big spender"
        );
        assert_eq!(
            grants(&b_again),
            [("base", 100, None), ("tier:silver", 25, None)],
            "[{name}] b is not"
        );

        let lounge = |member_id, key: &str| laurel_engine::RedeemRewardRequest {
            partner: None,
            member_id,
            reward_id: "lounge".into(),
            quantity: 1,
            idempotency_key: key.into(),
        };
        engine.redeem_reward(lounge(a, "r-a")).await.unwrap();
        assert_eq!(
            code(engine.redeem_reward(lounge(b, "r-b")).await),
            "reward_wrong_segment",
            "[{name}]"
        );

        let dry = engine
            .automation_dry_run("thank_big_spenders", Timestamp::now(), 10)
            .await
            .unwrap();
        assert_eq!(dry.members, 1, "[{name}] only a");

        assert_eq!(
            code(engine.delete_segment("big_spenders").await),
            "segment_in_use",
            "[{name}] the program names it"
        );
        finish(name, engine).await;
    }
}
