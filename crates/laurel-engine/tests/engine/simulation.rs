//! Simulation: the stored history replayed through the versions actually in force reproduces
//! the ledger exactly — every member's balance, open lots, tier and every earn's grants — on
//! both backends; a draft is reported beside them.

use super::*;
use laurel_engine::{
    AssignTierRequest, RedeemRewardRequest, Simulation, SimulationProgress, StatedAssumption,
};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::collections::BTreeMap;

/// The demo program's rules, tiers, referrals and catalog, with a campaign budget and the
/// history of a year accepted.
fn year_program() -> String {
    include_str!("../../../laurel/demo/program.toml")
        .replace(
            "rounding = \"floor\"",
            "rounding = \"floor\"\nbackdating_days = 3650",
        )
        .replace(
            "[[rules]]\nid = \"welcome\"",
            "[[rules]]\nid = \"launch_budget\"\nname = \"Launch bonus while it lasts\"\neffect = { fixed = 15 }\nlimits = { campaign_budget = 2000 }\n\n[[rules]]\nid = \"welcome\"",
        )
}

/// An engine over `db` with [`year_program`] stored as its version in force.
async fn year_engine(db: &laurel_testkit::TestDb) -> Engine {
    let store = open(db).await;
    let config = EngineConfig::for_backend(store.backend());
    Engine::open(store, Some(&year_program()), config)
        .await
        .unwrap()
}

/// Members in the generated history.
const MEMBERS: usize = 24;

/// Weeks of history, a year back from now.
const WEEKS: i64 = 52;

/// One member's week: a purchase or two, perhaps a review, a refund, a redemption of points
/// or of a reward (sometimes cancelled), an adjustment — each refused or not as the engine
/// decides; only what was accepted is history.
async fn week(engine: &Engine, rng: &mut StdRng, member: i64, week: i64, bought: &mut Vec<i64>) {
    let base = Timestamp::now() - days(7 * (WEEKS - week)) + SignedDuration::from_mins(member);
    let key = |what: &str| format!("{what}-{member}-{week}");
    for n in 0..rng.random_range(0..3) {
        let lines: Vec<LineRequest> = (0..rng.random_range(1..4))
            .map(|l| LineRequest {
                sku: format!("SKU-{l}"),
                category: Some(
                    if rng.random_bool(0.4) {
                        "retail"
                    } else {
                        "coffee"
                    }
                    .into(),
                ),
                quantity: rng.random_range(1..4),
                unit_price: Decimal::from(rng.random_range(5..120)),
            })
            .collect();
        let total = lines
            .iter()
            .map(|l| l.unit_price * Decimal::from(l.quantity))
            .sum();
        let request = PurchaseRequest {
            partner: None,
            member: MemberRef::Id(member),
            order_id: key(&format!("order{n}")),
            channel: Channel::Pos,
            store: Some("shop-1".into()),
            currency: "CNY".into(),
            total,
            lines,
            occurred_at: base + SignedDuration::from_hours(n * 30),
        };
        if let Ok(done) = engine.purchase(request).await {
            bought.push(done.purchase_id);
        }
    }
    if rng.random_bool(0.2) {
        let event = EventRequest {
            member: MemberRef::Id(member),
            event_id: key("review"),
            kind: "review_written".into(),
            attributes: BTreeMap::from([("stars".into(), "5".into())]),
            occurred_at: base,
        };
        engine.record_event(event).await.unwrap();
    }
    if rng.random_bool(0.15)
        && let Some(&purchase) = bought.get(rng.random_range(0..bought.len().max(1)))
    {
        let scope = if rng.random_bool(0.5) {
            RefundScope::Full
        } else {
            RefundScope::Amount(Decimal::from(rng.random_range(1..20)))
        };
        let _ = engine
            .refund(refund_request(purchase, &key("refund"), scope))
            .await;
    }
    if rng.random_bool(0.15) {
        let points = rng.random_range(50..400);
        let _ = engine
            .redeem(redeem_request(member, points, &key("redeem")))
            .await;
    }
    if rng.random_bool(0.12) {
        let reward = if rng.random_bool(0.5) {
            "ten_off"
        } else {
            "plant_trees"
        };
        let redeemed = engine
            .redeem_reward(RedeemRewardRequest {
                partner: None,
                member_id: member,
                reward_id: reward.into(),
                quantity: 1,
                idempotency_key: key("reward"),
            })
            .await;
        if let Ok(done) = redeemed
            && rng.random_bool(0.3)
        {
            // A donation is fulfilled at once and refuses to be cancelled.
            let _ = engine
                .cancel_redemption(done.redemption.redemption_id, "staff:test")
                .await;
        }
    }
    if rng.random_bool(0.05) {
        let points = if rng.random_bool(0.7) { 50 } else { -20 };
        let _ = engine
            .adjust(credit(member, points, &key("adjust")), "staff:test")
            .await;
    }
}

/// The jobs as a server runs them, as of `at`.
async fn jobs(engine: &Engine, at: Timestamp) {
    for kind in [JobKind::Release, JobKind::Expiry, JobKind::Tiers] {
        engine.run_job(kind, at).await.unwrap();
    }
}

/// A year of history on `engine`: members (some referred), weeks of activity from every
/// member, jobs every few weeks, a new program version, recent purchases still
/// pending, jobs run ahead of time, and a tier assigned by staff.
async fn generate_year(engine: &Engine, seed: u64) -> Vec<i64> {
    let joined = Timestamp::now() - days(7 * WEEKS + 10);
    let mut members: Vec<i64> = Vec::new();
    for i in 0..MEMBERS {
        let mut request = enroll_request(&format!("sim-{i}"));
        request.enrolled_at = Some(joined);
        if i % 5 == 0 {
            request.attributes = BTreeMap::from([("segment".into(), "student".into())]);
        }
        if i >= 4 && i % 4 == 0 {
            let referrer = engine.member(&MemberRef::Id(members[i - 1])).await.unwrap();
            request.referral_code = referrer.profile.referral_code.clone();
        }
        members.push(engine.enroll(request).await.unwrap().id.0);
    }
    // History brought in late: points whose expiry has passed expire as they are earned.
    for (i, &m) in members.iter().enumerate().take(3) {
        let mut old = purchase_request(m, &format!("imported-{i}"), "150");
        old.occurred_at = Timestamp::now() - days(7 * WEEKS + 5);
        engine.purchase(old).await.unwrap();
    }
    let mut bought: Vec<Vec<i64>> = vec![Vec::new(); MEMBERS];
    for w in 0..WEEKS {
        // One command at a time: on PostgreSQL's several writers, two members' commands that
        // meet in one ledger (a referral's payout in the referrer's) are replayed in the order
        // their batches began, which concurrent batches need not have kept.
        for (i, (&m, b)) in members.iter().zip(bought.iter_mut()).enumerate() {
            let mut rng = StdRng::seed_from_u64(seed ^ ((w as u64) << 16) ^ i as u64);
            week(engine, &mut rng, m, w, b).await;
        }
        if w % 6 == 5 {
            jobs(engine, Timestamp::now()).await;
        }
    }
    let richer = year_program().replace(
        "effect = { points_per_unit = \"2\" }",
        "effect = { points_per_unit = \"3\" }",
    );
    engine
        .apply_program(
            laurel_engine::ApplyProgram {
                text: richer,
                effective_from: None,
                note: Some("beans earn more".into()),
                dry_run: false,
            },
            "staff:test",
        )
        .await
        .unwrap();
    for (i, &m) in members.iter().enumerate().take(10) {
        buy_now(engine, m, &format!("recent-{i}"), "88").await;
    }
    let ahead = Timestamp::now() + days(40);
    jobs(engine, ahead).await;
    engine
        .assign_tier(
            AssignTierRequest {
                member_id: members[1],
                tier: "reserve".into(),
                reason: "store manager's guest".into(),
                until: Some(Timestamp::now() + days(90)),
            },
            "staff:test",
        )
        .await
        .unwrap();
    for &m in members.iter().take(6) {
        let _ = engine
            .redeem(redeem_request(m, 100, &format!("late-{m}")))
            .await;
    }
    jobs(engine, Timestamp::now() + days(200)).await;
    members
}

/// Replays the whole stored history through the versions in force and checks that every
/// member's balances, open lots, postings, tier status and grants are the ledger's; how many
/// grants were compared and how many members hold lots.
pub(super) async fn assert_replayed_exactly(
    name: &str,
    engine: &Engine,
    members: &[i64],
) -> (usize, usize) {
    let (replay, postings) = engine
        .replay_history(Timestamp::now(), Postings::default())
        .await
        .unwrap();
    let replayed = replay.members();
    assert_eq!(
        replayed.len(),
        members.len(),
        "[{name}] every member replayed"
    );
    let (mut grants, mut with_lots) = (0, 0);
    for &id in members {
        let sim = &replayed[&id];
        let stored = engine
            .store()
            .member_ledger(laurel_store::MemberId(id))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (sim.ledger.available, sim.ledger.pending),
            (stored.available, stored.pending),
            "[{name}] member {id}: balances"
        );
        assert_eq!(
            lots(&sim.ledger),
            lots(&stored),
            "[{name}] member {id}: open lots"
        );
        assert_eq!(
            postings.0.get(&id).cloned().unwrap_or_default(),
            journal(engine, id).await,
            "[{name}] member {id}: every posting in order"
        );
        with_lots += usize::from(!stored.lots.is_empty());
        let tier = engine.member(&MemberRef::Id(id)).await.unwrap().tier;
        assert_eq!(sim.tier, tier, "[{name}] member {id}: tier status");
        let stored_grants = engine
            .store()
            .member_grants(laurel_store::MemberId(id))
            .await
            .unwrap();
        let sim_grants: Vec<(String, i64, Timestamp)> = sim
            .grants
            .iter()
            .map(|g| (g.rule_id.clone(), g.points, g.occurred_at))
            .collect();
        assert_eq!(sim_grants, stored_grants, "[{name}] member {id}: grants");
        grants += stored_grants.len();
    }
    (grants, with_lots)
}

/// Every posting a replay made, per member, as (kind, available change, pending change).
#[derive(Default)]
struct Postings(std::collections::HashMap<i64, Vec<(String, i64, i64)>>);

impl laurel_core::simulation::Watch for Postings {
    fn posted(&mut self, _at: Timestamp, member: i64, posting: &laurel_core::ledger::Posting) {
        use laurel_core::ledger::Account;
        self.0.entry(member).or_default().push((
            posting.kind.as_str().to_owned(),
            posting.delta(Account::MemberAvailable).get(),
            posting.delta(Account::MemberPending).get(),
        ));
    }
}

/// A member's journal as (kind, available change, pending change), oldest first.
async fn journal(engine: &Engine, member: i64) -> Vec<(String, i64, i64)> {
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = engine.ledger(member, cursor, 200).await.unwrap();
        all.extend(page.entries.iter().map(|e| {
            (
                e.kind.as_str().to_owned(),
                e.available_delta.get(),
                e.pending_delta.get(),
            )
        }));
        match page.next_cursor {
            Some(next) => cursor = Some(next.0),
            None => break,
        }
    }
    all.reverse();
    all
}

/// A lot as compared: what it holds and its schedule (ids are the store's or the replay's).
fn lots(ledger: &laurel_core::ledger::MemberLedger) -> Vec<String> {
    let mut lots: Vec<String> = ledger
        .lots
        .iter()
        .map(|l| {
            format!(
                "{} {} {:?} {:?}",
                l.remaining.get(),
                l.earned_at,
                l.expires_at,
                l.state
            )
        })
        .collect();
    lots.sort();
    lots
}

#[tokio::test]
async fn replaying_the_history_through_the_versions_in_force_reproduces_the_ledger_exactly() {
    for (name, db) in laurel_testkit::backends() {
        let engine = year_engine(&db).await;
        let members = generate_year(&engine, 20_261_205).await;
        let (grants, with_lots) = assert_replayed_exactly(name, &engine, &members).await;
        // The history exercised what it is meant to.
        assert!(grants > 500, "[{name}] only {grants} grants");
        assert!(with_lots > 5, "[{name}] only {with_lots} members hold lots");
        finish(name, engine).await;
    }
}

/// What every member holds, available and pending, as the ledger says.
async fn outstanding(engine: &Engine, members: &[i64]) -> i64 {
    let mut sum = 0;
    for &m in members {
        let (available, pending) = balance(engine, m).await;
        sum += available + pending;
    }
    sum
}

#[tokio::test]
async fn a_draft_is_reported_beside_the_program_in_force_member_by_member() {
    for (name, db) in laurel_testkit::backends() {
        let engine = year_engine(&db).await;
        let (beans, plain) = (
            member(&engine, "beans").await,
            member(&engine, "plain").await,
        );
        let mut retail = purchase_request(beans, "o-1", "500");
        retail.lines = vec![LineRequest {
            sku: "BEANS".into(),
            category: Some("retail".into()),
            quantity: 1,
            unit_price: dec("500"),
        }];
        engine.purchase(retail).await.unwrap();
        buy(&engine, plain, "o-2", "80").await;
        // Past the return window, the points may be spent.
        engine
            .run_job(JobKind::Release, Timestamp::now() + days(8))
            .await
            .unwrap();
        let reward = RedeemRewardRequest {
            partner: None,
            member_id: beans,
            reward_id: "ten_off".into(),
            quantity: 1,
            idempotency_key: "r-1".into(),
        };
        engine.redeem_reward(reward).await.unwrap();
        // The draft drops the beans bonus, so the same redemption is more than the member has.
        let bonus = "[[rules]]\nid = \"beans_bonus\"\nname = \"Coffee beans bonus\"\neffect = { points_per_unit = \"2\" }       # +2 points per yuan on the retail lines only\nconditions = [ { categories = [\"retail\"] } ]";
        assert!(year_program().contains(bonus), "the fixture has the bonus");
        let draft = year_program().replace(bonus, "# dropped");
        let report = engine
            .simulate(
                Simulation {
                    draft: draft.clone(),
                    from: None,
                    to: None,
                    assumptions: Vec::new(),
                },
                Arc::new(SimulationProgress::default()),
            )
            .await
            .unwrap();
        let (now, then) = (&report.current.total, &report.draft.total);
        let mut earned_live = 0;
        for m in [beans, plain] {
            earned_live += journal(&engine, m)
                .await
                .iter()
                .filter(|(kind, ..)| kind == "earn")
                .map(|(_, available, pending)| available + pending)
                .sum::<i64>();
        }
        assert_eq!(
            now.earned, earned_live,
            "[{name}] the program in force earns as the ledger did"
        );
        assert_eq!(
            now.outstanding,
            outstanding(&engine, &[beans, plain]).await,
            "[{name}] and holds what members hold"
        );
        assert_eq!(now.purchases, 2, "[{name}]");
        assert_eq!(
            now.upgrades, 0,
            "[{name}] joining in the starting tier is no upgrade"
        );
        assert_eq!(
            now.tiers,
            [laurel_engine::TierCount {
                tier: Some("green".into()),
                members: 2
            }],
            "[{name}]"
        );
        assert_eq!(
            now.earned_by_rule.get("beans_bonus"),
            Some(&1000),
            "[{name}]"
        );
        assert_eq!(then.earned_by_rule.get("beans_bonus"), None, "[{name}]");
        assert_eq!(
            now.earned - then.earned,
            1000,
            "[{name}] the draft earns the bonus less"
        );
        assert_eq!(now.redeemed, 1000, "[{name}]");
        assert_eq!(
            then.redeemed, 0,
            "[{name}] the draft's member cannot afford the reward"
        );
        assert_eq!(
            then.refused.get("insufficient_points"),
            Some(&1),
            "[{name}] and the refusal is counted"
        );
        assert_eq!(
            now.liability.to_string(),
            format!("{:.2}", now.outstanding as f64 / 100.0)
        );
        let first = &report.most_affected[0];
        assert_eq!(
            (first.member_id, first.earned_current - first.earned_draft),
            (beans, 1000),
            "[{name}] the member the draft changes most comes first"
        );
        assert!(
            report.most_affected.iter().all(|m| m.member_id != plain),
            "[{name}] a member the draft leaves alone is not listed"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_draft_with_problems_is_refused_with_them_before_anything_is_replayed() {
    for (name, db) in laurel_testkit::backends() {
        let engine = year_engine(&db).await;
        let ask = |draft: String| Simulation {
            draft,
            from: None,
            to: None,
            assumptions: Vec::new(),
        };
        let progress = Arc::new(SimulationProgress::default());
        let broken = year_program().replace("cost = 1000", "cost = -5");
        let refused = engine.simulate(ask(broken), progress.clone()).await;
        match &refused {
            Err(EngineError::InvalidProgram(issues)) => assert!(
                issues.iter().any(|i| i.key.starts_with("rewards")),
                "[{name}] the problem is named at its key: {issues:?}"
            ),
            other => panic!("[{name}] expected the draft's problems, got {other:?}"),
        }
        let dollars = year_program().replace("currency = \"CNY\"", "currency = \"USD\"");
        assert_eq!(
            code(engine.simulate(ask(dollars), progress.clone()).await),
            "program_currency_changed",
            "[{name}]"
        );
        let mut backwards = ask(year_program());
        backwards.from = Some(Timestamp::now() + days(1));
        assert_eq!(
            code(engine.simulate(backwards, progress.clone()).await),
            "invalid_field",
            "[{name}] a span that ends before it begins"
        );
        assert_eq!(
            progress.total.load(std::sync::atomic::Ordering::Relaxed),
            0,
            "[{name}] nothing was replayed"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn stated_changes_in_behaviour_apply_to_the_draft_alone_and_are_listed() {
    for (name, db) in laurel_testkit::backends() {
        let engine = year_engine(&db).await;
        let buyer = member(&engine, "buyer").await;
        for (order, total) in [("o-1", "40"), ("o-2", "60"), ("o-3", "20")] {
            buy(&engine, buyer, order, total).await;
        }
        let simulate = |assumptions: Vec<StatedAssumption>| Simulation {
            draft: year_program(),
            from: None,
            to: None,
            assumptions,
        };
        let progress = Arc::new(SimulationProgress::default());
        let doubled = engine
            .simulate(
                simulate(vec![StatedAssumption::Visits {
                    tier: None,
                    percent: dec("100"),
                }]),
                progress.clone(),
            )
            .await
            .unwrap();
        let (now, then) = (&doubled.current.total, &doubled.draft.total);
        assert_eq!(
            now.purchases, 3,
            "[{name}] the program in force as it happened"
        );
        assert_eq!(
            then.purchases, 6,
            "[{name}] every purchase twice under the draft"
        );
        assert_eq!(then.sales, now.sales * dec("2"), "[{name}]");
        assert!(then.earned > now.earned, "[{name}]");
        assert!(
            doubled
                .assumptions
                .last()
                .is_some_and(|a| a.contains("purchases change by +100%")),
            "[{name}] listed: {:?}",
            doubled.assumptions
        );
        assert_eq!(doubled.stated.len(), 1, "[{name}]");
        let unknown = engine
            .simulate(
                simulate(vec![StatedAssumption::Visits {
                    tier: Some("platinum".into()),
                    percent: dec("5"),
                }]),
                progress.clone(),
            )
            .await;
        assert_eq!(
            code(unknown),
            "invalid_field",
            "[{name}] a tier the draft lacks"
        );
        let absurd = engine
            .simulate(
                simulate(vec![StatedAssumption::Redemptions {
                    percent: dec("5000"),
                }]),
                progress,
            )
            .await;
        assert_eq!(code(absurd), "invalid_field", "[{name}]");
        finish(name, engine).await;
    }
}
