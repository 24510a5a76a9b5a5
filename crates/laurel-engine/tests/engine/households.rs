//! Households on both backends: a member asks to join and belongs once the owner consents, as
//! many as the program allows, one household at a time; the owner leaving ends it. What a
//! member spends beyond their own points the others lend — under `pooled` the owner first,
//! then the rest; under `owner_pays` the owner alone — in the spending's transaction, with
//! nothing lent when the household cannot cover it; a what-if replays the lending exactly.

use super::*;
use laurel_engine::HouseholdView;

/// The reward the households' members spend on.
const MUG: &str =
    "\n[[rewards]]\nid = \"mug\"\nname = \"Laurel mug\"\ntype = \"physical_gift\"\ncost = 120\n";

fn households(mode: &str) -> ProgramDefinition {
    with_rules(&format!(
        "\n[households]\nmode = \"{mode}\"\nmax_members = 3\n{MUG}"
    ))
}

/// The same program without `[households]`, put in force now.
async fn drop_households(engine: &Engine) {
    let without = PROGRAM.replace(ONE_PER_YUAN.0, ONE_PER_YUAN.1) + MUG;
    apply_now(engine, without, "no more households").await;
}

/// Members `ann` (the owner, 100 points), `bo` (50) and `cy` (30), all in one household.
async fn family(engine: &Engine) -> (i64, i64, i64, i64) {
    let (ann, bo, cy) = (
        member(engine, "ann").await,
        member(engine, "bo").await,
        member(engine, "cy").await,
    );
    for (who, points) in [(ann, 100), (bo, 50), (cy, 30)] {
        engine
            .adjust(credit(who, points, &format!("c-{who}")), "staff:test")
            .await
            .unwrap();
    }
    let home = engine
        .create_household(ann, "The Lis".into())
        .await
        .unwrap()
        .id;
    for who in [bo, cy] {
        engine.join_household(home, who).await.unwrap();
        engine.approve_household_member(home, who).await.unwrap();
    }
    (home, ann, bo, cy)
}

fn roles(h: &HouseholdView) -> Vec<(&str, &str)> {
    h.members
        .iter()
        .map(|m| (m.external_id.as_str(), m.role.as_str()))
        .collect()
}

#[tokio::test]
async fn members_join_with_the_owners_consent_one_household_at_a_time_and_as_many_as_allowed() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, households("pooled")).await;
        let [ann, bo, cy, di, eve] = [
            member(&engine, "ann").await,
            member(&engine, "bo").await,
            member(&engine, "cy").await,
            member(&engine, "di").await,
            member(&engine, "eve").await,
        ];
        let made = engine
            .create_household(ann, "The Lis".into())
            .await
            .unwrap();
        let again = engine
            .create_household(ann, "The Lis".into())
            .await
            .unwrap();
        assert_eq!(again, made, "[{name}] asked again, answered as it stands");
        let home = made.id;
        let asked = engine.join_household(home, bo).await.unwrap();
        assert_eq!(
            roles(&asked),
            [("ann", "owner"), ("bo", "requested")],
            "[{name}]"
        );
        assert_eq!(asked.pooled, 0, "[{name}] one waiting pools nothing");
        // Requests do not fill a household (max_members = 3): consent does.
        engine.join_household(home, cy).await.unwrap();
        engine.join_household(home, di).await.unwrap();
        engine.approve_household_member(home, di).await.unwrap();
        engine.approve_household_member(home, cy).await.unwrap();
        assert_eq!(
            code(engine.approve_household_member(home, bo).await),
            "household_full",
            "[{name}] three belong"
        );
        engine.leave_household(home, cy).await.unwrap();
        let approved = engine.approve_household_member(home, bo).await.unwrap();
        assert_eq!(
            roles(&approved),
            [("ann", "owner"), ("bo", "member"), ("di", "member")],
            "[{name}]"
        );
        let other = engine
            .create_household(eve, "The Es".into())
            .await
            .unwrap()
            .id;
        assert_eq!(
            code(engine.join_household(other, bo).await),
            "in_another_household",
            "[{name}]"
        );
        assert_eq!(
            code(engine.create_household(bo, "Mine".into()).await),
            "in_another_household",
            "[{name}]"
        );
        assert_eq!(
            code(engine.approve_household_member(home, eve).await),
            "not_in_household",
            "[{name}]"
        );
        engine.join_household(other, cy).await.unwrap();
        let declined = engine.leave_household(other, cy).await.unwrap().unwrap();
        assert_eq!(
            roles(&declined),
            [("eve", "owner")],
            "[{name}] a request declined"
        );
        engine.join_household(other, cy).await.unwrap();
        assert_eq!(
            engine.household_of(cy).await.unwrap().map(|h| h.id),
            Some(other),
            "[{name}] free to ask again once out"
        );
        assert_eq!(
            engine.leave_household(home, ann).await.unwrap(),
            None,
            "[{name}]"
        );
        assert_eq!(
            code(engine.household(home).await),
            "unknown_household",
            "[{name}] the owner leaving ends it"
        );
        assert_eq!(engine.household_of(bo).await.unwrap(), None, "[{name}]");
        assert_eq!(
            code(engine.create_household(999_999, "Nobody".into()).await),
            "unknown_member",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_pooled_member_spends_their_own_points_then_the_owners_then_the_others() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, households("pooled")).await;
        let (home, ann, bo, cy) = family(&engine).await;
        assert_eq!(
            engine.household(home).await.unwrap().pooled,
            180,
            "[{name}]"
        );
        // Bo spends 170: his 50, Ann's 100, Cy's 20.
        let spent = engine.redeem(redeem_request(bo, 170, "r-1")).await.unwrap();
        assert_eq!(spent.balance.available, 0, "[{name}]");
        assert_eq!(
            (balance(&engine, ann).await.0, balance(&engine, cy).await.0),
            (0, 10),
            "[{name}]"
        );
        let lent: Vec<(String, i64)> = engine
            .transfers_of(bo, None, 10)
            .await
            .unwrap()
            .transfers
            .into_iter()
            .map(|t| (t.from.external_id, t.points))
            .collect();
        assert_eq!(
            lent,
            [("cy".to_owned(), 20), ("ann".to_owned(), 100)],
            "[{name}]"
        );
        let short = engine.redeem(redeem_request(ann, 11, "r-2")).await;
        assert_eq!(
            code(short),
            "insufficient_points",
            "[{name}] 10 left in all"
        );
        assert_eq!(
            balance(&engine, cy).await,
            (10, 0),
            "[{name}] nothing lent for it"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn when_the_owner_pays_members_draw_on_the_owner_alone_and_the_owner_on_no_one() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, households("owner_pays")).await;
        let (_, ann, bo, cy) = family(&engine).await;
        // The mug costs 120: Bo's 50 and 70 of Ann's.
        engine
            .redeem_reward(super::rewards::reward(bo, "mug", 1, "mug-1"))
            .await
            .unwrap();
        assert_eq!(balance(&engine, ann).await.0, 30, "[{name}]");
        assert_eq!(balance(&engine, bo).await.0, 0, "[{name}]");
        let owner = engine.redeem(redeem_request(ann, 40, "r-1")).await;
        assert_eq!(
            code(owner),
            "insufficient_points",
            "[{name}] Cy's 30 are not hers"
        );
        let member = engine.redeem(redeem_request(cy, 70, "r-2")).await;
        assert_eq!(code(member), "insufficient_points", "[{name}] 30 + 30");
        engine.redeem(redeem_request(cy, 60, "r-3")).await.unwrap();
        assert_eq!(
            (balance(&engine, ann).await.0, balance(&engine, cy).await.0),
            (0, 0),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn one_waiting_for_consent_spends_only_their_own_and_a_what_if_replays_the_lending() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, households("pooled")).await;
        let (home, ann, bo, cy) = family(&engine).await;
        let di = member(&engine, "di").await;
        engine.leave_household(home, cy).await.unwrap();
        engine.join_household(home, di).await.unwrap();
        engine
            .adjust(credit(di, 10, "c-di"), "staff:test")
            .await
            .unwrap();
        let waiting = engine.redeem(redeem_request(di, 20, "r-1")).await;
        assert_eq!(code(waiting), "insufficient_points", "[{name}]");
        engine.redeem(redeem_request(bo, 120, "r-2")).await.unwrap();
        engine.redeem(redeem_request(ann, 30, "r-3")).await.unwrap();
        super::simulation::assert_replayed_exactly(name, &engine, &[ann, bo, cy, di]).await;
        finish(name, engine).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_spending_the_pool_at_once_never_overdraw_it() {
    for (name, db) in laurel_testkit::backends() {
        let engine = Arc::new(start(&db, households("pooled")).await);
        let (_, ann, bo, cy) = family(&engine).await;
        // 180 points in all; eight redemptions of 40 at once, from all three: four are paid.
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let engine = Arc::clone(&engine);
                let who = [ann, bo, cy][i % 3];
                tokio::spawn(async move {
                    engine
                        .redeem(redeem_request(who, 40, &format!("r-{i}")))
                        .await
                        .map(drop)
                        .map_err(|e| e.code().as_str())
                })
            })
            .collect();
        let outcomes = super::wallet::tally(tasks, "paid").await;
        assert_eq!(
            outcomes,
            std::collections::BTreeMap::from([("insufficient_points", 4), ("paid", 4)]),
            "[{name}]"
        );
        let engine = unshare(engine);
        let mut left = 0;
        for who in [ann, bo, cy] {
            let (available, _) = balance(&engine, who).await;
            assert!(available >= 0, "[{name}] member {who}");
            left += available;
        }
        assert_eq!(left, 20, "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn what_a_member_lends_the_household_is_not_sending_under_the_daily_limit() {
    for (name, db) in laurel_testkit::backends() {
        let text = "\n[households]\nmode = \"pooled\"\n\n[transfers]\ndaily_max = 50\n";
        let engine = start(&db, with_rules(text)).await;
        let (_, ann, bo, cy) = family(&engine).await;
        engine.redeem(redeem_request(bo, 100, "r-1")).await.unwrap();
        let sent = engine
            .send_points(
                laurel_engine::TransferRequest {
                    member_id: ann,
                    to: MemberRef::Id(cy),
                    points: 50,
                    idempotency_key: "t-1".into(),
                    message: None,
                },
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            sent.balance.available, 0,
            "[{name}] 100 − 50 lent − 50 sent"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn once_the_program_drops_households_their_members_may_still_leave_and_nothing_is_lent() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, households("pooled")).await;
        let (home, ann, bo, cy) = family(&engine).await;
        drop_households(&engine).await;

        let standing = engine.household(home).await.unwrap();
        assert_eq!(
            standing.mode, "none",
            "[{name}] still there, lending nothing"
        );
        assert_eq!(
            code(engine.redeem(redeem_request(bo, 60, "x-1")).await),
            "insufficient_points",
            "[{name}] bo's own 50 alone"
        );
        assert_eq!(
            code(
                engine
                    .join_household(home, member(&engine, "di").await)
                    .await
            ),
            "households_not_offered",
            "[{name}]"
        );
        let after = engine.leave_household(home, cy).await.unwrap().unwrap();
        assert_eq!(
            roles(&after),
            [("ann", "owner"), ("bo", "member")],
            "[{name}] cy left"
        );
        assert_eq!(
            engine.leave_household(home, ann).await.unwrap(),
            None,
            "[{name}] the owner ends it"
        );
        assert_eq!(engine.household_of(bo).await.unwrap(), None, "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_cancelled_reward_gives_each_lender_back_what_they_lent_toward_it() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, households("pooled")).await;
        let (_, ann, bo, cy) = family(&engine).await;
        // Bo's mug (120): his 50, then 70 of Ann's.
        let mug = engine
            .redeem_reward(super::rewards::reward(bo, "mug", 1, "m-1"))
            .await
            .unwrap();
        assert_eq!(balance(&engine, ann).await.0, 30, "[{name}]");
        let cancelled = engine
            .cancel_redemption(mug.redemption.redemption_id, "staff:test")
            .await
            .unwrap();
        assert_eq!(
            cancelled.balance.available, 50,
            "[{name}] answered after the give-back"
        );
        assert_eq!(
            (
                balance(&engine, ann).await.0,
                balance(&engine, bo).await.0,
                balance(&engine, cy).await.0
            ),
            (100, 50, 30),
            "[{name}] each as before the mug"
        );
        let moves: Vec<(String, String, i64)> = engine
            .transfers_of(bo, None, 10)
            .await
            .unwrap()
            .transfers
            .into_iter()
            .map(|t| (t.from.external_id, t.to.external_id, t.points))
            .collect();
        assert_eq!(
            moves,
            [
                ("bo".to_owned(), "ann".to_owned(), 70),
                ("ann".to_owned(), "bo".to_owned(), 70)
            ],
            "[{name}] lent, then given back"
        );
        // Cancelling again gives nothing back twice.
        engine
            .cancel_redemption(mug.redemption.redemption_id, "staff:test")
            .await
            .unwrap();
        assert_eq!(balance(&engine, ann).await.0, 100, "[{name}]");
        super::simulation::assert_replayed_exactly(name, &engine, &[ann, bo, cy]).await;
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_lend_is_given_back_and_replayed_even_after_the_program_drops_households() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, households("pooled")).await;
        let (_, ann, bo, cy) = family(&engine).await;
        let mug = engine
            .redeem_reward(super::rewards::reward(bo, "mug", 1, "m-1"))
            .await
            .unwrap();
        drop_households(&engine).await;
        engine
            .cancel_redemption(mug.redemption.redemption_id, "staff:test")
            .await
            .unwrap();
        assert_eq!(
            (balance(&engine, ann).await.0, balance(&engine, bo).await.0),
            (100, 50),
            "[{name}] given back all the same"
        );
        super::simulation::assert_replayed_exactly(name, &engine, &[ann, bo, cy]).await;
        finish(name, engine).await;
    }
}
