//! The KPIs on a data set worked by hand, on both backends: everything counted when it
//! happened, late purchases included, members told from non-members.

use super::*;
use jiff::civil::Date;
use laurel_core::insight::clv::ChurnRiskLevel;
use laurel_core::insight::{KpiId, KpiValue, Period};
use laurel_engine::{AtRisk, ChurnFilter, ChurnKey, GuestPurchaseRequest, KpiReport};

/// Local noon in Shanghai `n` days before today.
fn days_ago(today: Date, n: i64) -> Timestamp {
    noon(&today.checked_sub(n.days()).unwrap().to_string())
}

fn today_in_shanghai() -> Date {
    Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date()
}

fn guest_request(order_id: &str, total: &str, at: Timestamp) -> GuestPurchaseRequest {
    GuestPurchaseRequest {
        order_id: order_id.to_owned(),
        channel: Channel::Pos,
        store: Some("shop-1".into()),
        currency: "CNY".into(),
        total: dec(total),
        lines: Vec::new(),
        occurred_at: at,
    }
}

/// The plain value of a KPI in the period (`now`) or the one before.
fn kpi(report: &KpiReport, id: KpiId, now: bool) -> Option<String> {
    let p = if now {
        &report.current
    } else {
        &report.previous
    };
    id.value(&p.facts, &p.kpis).plain()
}

/// Five members, today in Shanghai (`T`); the period is the ten days up to today, the one
/// before the ten days up to T-10. Purchases, one point per yuan, at noon:
/// - a: T-15 (100, sent last), T-5 (200), T-2 (50, refunded whole) — bought in both periods;
/// - b: T-12 (80) — only before: churned;
/// - c: T-3 (120), T-1 (30), then late T-8 (40) — first purchases ever, in the period;
/// - d: T-30 (60), T-4 (90) — in the period, not the one before;
/// - e (enrolled on the web): none.
///
/// Non-members: 100 and 60 in the period. a redeems 100 points today.
#[tokio::test]
async fn the_kpis_of_a_data_set_worked_by_hand() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[ONE_PER_YUAN])).await;
        let today = today_in_shanghai();
        let at = |n| days_ago(today, n);
        let [a, b, c, d] = [
            member(&engine, "a").await,
            member(&engine, "b").await,
            member(&engine, "c").await,
            member(&engine, "d").await,
        ];
        let mut web = enroll_request("e");
        web.channel = Channel::Web;
        engine.enroll(web).await.unwrap();
        buy_at(&engine, a, "a-5", "200", at(5)).await;
        let refunded = buy_at(&engine, a, "a-2", "50", at(2)).await;
        buy_at(&engine, b, "b-12", "80", at(12)).await;
        buy_at(&engine, c, "c-3", "120", at(3)).await;
        buy_at(&engine, c, "c-1", "30", at(1)).await;
        buy_at(&engine, d, "d-30", "60", at(30)).await;
        buy_at(&engine, d, "d-4", "90", at(4)).await;
        // Late: older than purchases already recorded for the same member.
        buy_at(&engine, a, "a-15", "100", at(15)).await;
        buy_at(&engine, c, "c-8", "40", at(8)).await;
        engine
            .refund(refund_request(
                refunded.purchase_id,
                "r-1",
                RefundScope::Full,
            ))
            .await
            .unwrap();
        engine
            .redeem(redeem_request(a, 100, "spend"))
            .await
            .unwrap();
        for (order, total) in [("g-1", "100"), ("g-2", "60")] {
            engine
                .guest_purchase(guest_request(order, total, at(6)))
                .await
                .unwrap();
        }

        let period = Period::ending(today, 10).unwrap();
        let report = engine.kpis(period).await.unwrap();
        let now = &report.current.facts;
        assert_eq!(now.members, 5, "[{name}]");
        assert_eq!(
            now.enrolled,
            [("pos".to_owned(), 4), ("web".to_owned(), 1)].into(),
            "[{name}]"
        );
        assert_eq!(
            (
                now.buyers,
                now.first_time_buyers,
                now.returning_buyers,
                now.buyers_before
            ),
            (3, 1, 1, 2),
            "[{name}] a, c and d bought; c for the first time; a came back, b did not"
        );
        assert_eq!((now.active_30, now.active_90), (4, 4), "[{name}]");
        assert_eq!(
            (now.member_sales.purchases, now.member_sales.total_minor),
            (6, 53_000),
            "[{name}] 200 + 50 + 120 + 30 + 40 + 90"
        );
        assert_eq!(
            (now.guest_sales.purchases, now.guest_sales.total_minor),
            (2, 16_000),
            "[{name}]"
        );
        assert_eq!(now.refunded_minor, 5_000, "[{name}]");
        assert_eq!(
            (now.points.issued, now.points.redeemed, now.points.reversed),
            (530, 100, 50),
            "[{name}] points counted on the day of their purchase"
        );
        assert_eq!(
            now.outstanding, 620,
            "[{name}] 790 earned, 100 spent, 50 reversed"
        );

        let text = |id, now| kpi(&report, id, now);
        assert_eq!(
            text(KpiId::EngagementRate, true).as_deref(),
            Some("60.0"),
            "[{name}] 3 of 5"
        );
        assert_eq!(
            text(KpiId::ChurnRate, true).as_deref(),
            Some("50.0"),
            "[{name}] b of a and b"
        );
        assert_eq!(
            text(KpiId::RetentionRate, true).as_deref(),
            Some("50.0"),
            "[{name}]"
        );
        assert_eq!(
            text(KpiId::PurchaseFrequency, true).as_deref(),
            Some("2.00"),
            "[{name}] 6 / 3"
        );
        assert_eq!(
            text(KpiId::MemberOrderValue, true).as_deref(),
            Some("88.33"),
            "[{name}] 530 / 6"
        );
        assert_eq!(
            text(KpiId::GuestOrderValue, true).as_deref(),
            Some("80.00"),
            "[{name}]"
        );
        assert_eq!(
            text(KpiId::MemberSpendLift, true).as_deref(),
            Some("10.4"),
            "[{name}] 88.33 against 80"
        );
        assert_eq!(
            text(KpiId::NetSales, true).as_deref(),
            Some("480.00"),
            "[{name}]"
        );
        assert_eq!(
            text(KpiId::RedemptionRate, true).as_deref(),
            Some("18.9"),
            "[{name}] 100 of 530"
        );
        assert_eq!(
            text(KpiId::OutstandingValue, true).as_deref(),
            Some("6.20"),
            "[{name}]"
        );
        assert_eq!(
            text(KpiId::ProgramCost, true).as_deref(),
            Some("1.1"),
            "[{name}] 5.30 of points per 480.00 sold"
        );
        assert_eq!(text(KpiId::NetPromoterScore, true), None, "[{name}]");

        let spread = engine.distributions(period).await.unwrap();
        assert_eq!(
            spread.frequency,
            vec![1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
            "[{name}] d once, a twice, c three times"
        );
        assert_eq!(
            spread.repeat_purchase().percent().unwrap().to_string(),
            "66.7",
            "[{name}]"
        );
        assert_eq!(
            spread.recency,
            vec![3, 1, 0, 0, 0, 0, 0],
            "[{name}] a, c and d within a week of the end; b 12 days before it"
        );

        // The period before: a and b bought there, each for the first time.
        let before = &report.previous.facts;
        assert_eq!(report.previous.period, period.previous().unwrap());
        assert_eq!(
            (
                before.buyers,
                before.first_time_buyers,
                before.buyers_before
            ),
            (2, 2, 0),
            "[{name}] d's purchase 30 days ago is older than the period before's own"
        );
        assert_eq!(before.points.issued, 180, "[{name}]");
        assert_eq!(
            text(KpiId::ChurnRate, false),
            None,
            "[{name}] nobody to churn"
        );
        assert_eq!(
            KpiId::EngagementRate.value(&report.previous.facts, &report.previous.kpis),
            KpiValue::Share(laurel_core::insight::Rate::new(2, 0)),
            "[{name}] the members enrolled today were not members then"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn every_purchase_is_charted_on_the_day_it_happened() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[ONE_PER_YUAN])).await;
        let today = today_in_shanghai();
        let a = member(&engine, "a").await;
        buy_at(&engine, a, "o-3", "30", days_ago(today, 3)).await;
        buy_at(&engine, a, "o-9", "90", days_ago(today, 9)).await;
        engine
            .guest_purchase(guest_request("g-3", "12", days_ago(today, 3)))
            .await
            .unwrap();
        let series = engine
            .daily_series(Period::ending(today, 10).unwrap())
            .await
            .unwrap();
        let figures: Vec<(i64, i64, i64, i64)> = series
            .iter()
            .map(|d| {
                let a = &d.activity;
                (a.purchases, a.sales_minor, a.issued, a.guest_sales_minor)
            })
            .collect();
        let mut expected = vec![(0, 0, 0, 0); 10];
        expected[0] = (1, 9_000, 90, 0);
        expected[6] = (1, 3_000, 30, 1_200);
        assert_eq!(figures, expected, "[{name}] not one spike today");
        assert_eq!(series[9].activity.enrolled, 1, "[{name}] joined today");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn an_order_is_recorded_for_a_member_or_for_nobody_never_both() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[ONE_PER_YUAN])).await;
        let a = member(&engine, "a").await;
        let at = recently();
        let first = engine
            .guest_purchase(guest_request("o-1", "10", at))
            .await
            .unwrap();
        let again = engine
            .guest_purchase(guest_request("o-1", "10", at))
            .await
            .unwrap();
        assert!(again.replayed, "[{name}]");
        assert_eq!(again.guest_purchase_id, first.guest_purchase_id, "[{name}]");
        let mut member_too = purchase_request(a, "o-1", "10");
        member_too.occurred_at = at;
        assert_eq!(
            code(engine.purchase(member_too).await),
            "idempotency_conflict",
            "[{name}]"
        );
        assert_eq!(
            code(
                engine
                    .guest_purchase(guest_request("o-2", "10", Timestamp::now() + days(1)))
                    .await
            ),
            "invalid_date",
            "[{name}] not in the future"
        );
        let mut wrong = guest_request("o-3", "10", at);
        wrong.currency = "USD".into();
        assert_eq!(
            code(engine.guest_purchase(wrong).await),
            "currency_mismatch",
            "[{name}]"
        );
        assert_eq!(
            balance(&engine, a).await,
            (0, 0),
            "[{name}] no points for anyone"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_cohort_counts_its_members_who_bought_in_each_month_after_joining() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[ONE_PER_YUAN])).await;
        let [a, b, _c] = [
            member(&engine, "a").await,
            member(&engine, "b").await,
            member(&engine, "c").await,
        ];
        buy_now(&engine, a, "a-1", "10").await;
        buy_now(&engine, a, "a-2", "10").await;
        buy_now(&engine, b, "b-1", "10").await;
        // Before they joined: not retention.
        buy_at(&engine, b, "b-0", "10", Timestamp::now() - days(40)).await;
        let table = engine.cohorts(2, Timestamp::now()).await.unwrap();
        assert_eq!(table.len(), 2, "[{name}]");
        assert_eq!(
            (table[0].members, &table[0].buyers),
            (0, &vec![0, 0]),
            "[{name}]"
        );
        assert_eq!(
            (table[1].members, &table[1].buyers),
            (3, &vec![2]),
            "[{name}] a and b bought in the month they joined, a once counted"
        );
        assert_eq!(
            table[1]
                .retention(0)
                .unwrap()
                .percent()
                .unwrap()
                .to_string(),
            "66.7",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

/// `days` days, fractions included.
fn days_f(days: f64) -> SignedDuration {
    SignedDuration::from_secs_f64(days * 86_400.0)
}

/// Buys `count` purchases of `total`, every `gap` days, the last `last_ago` days ago; all at
/// once, so the write path commits them together.
async fn buy_every(engine: &Engine, member: i64, count: i64, gap: i64, last_ago: i64, total: &str) {
    let buys = (0..count).map(|k| {
        let at = Timestamp::now() - days(last_ago + k * gap);
        let mut request = purchase_request(member, &format!("{member}-{k}"), total);
        request.occurred_at = at;
        engine.purchase(request)
    });
    for bought in futures_util::future::join_all(buys).await {
        bought.unwrap();
    }
}

/// Enrolls the test kit's crowd drawn from `seed` (`crowd-0` …), each member's purchases all
/// at once, so the write path commits them together.
async fn crowd(engine: &Engine, seed: u64) {
    for (i, history) in laurel_testkit::crowd::crowd(seed).into_iter().enumerate() {
        let m = member(engine, &format!("crowd-{i}")).await;
        let buys = history.iter().enumerate().map(|(k, &ago)| {
            let total = laurel_testkit::crowd::spend(i, k);
            let mut request = purchase_request(m, &format!("{m}-{k}"), &total);
            request.occurred_at = Timestamp::now() - days_f(ago);
            engine.purchase(request)
        });
        for bought in futures_util::future::join_all(buys).await {
            bought.unwrap();
        }
    }
}

#[tokio::test]
async fn the_refresh_scores_every_buyer_and_tells_a_regular_from_one_who_stopped() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[ONE_PER_YUAN])).await;
        crowd(&engine, 3).await;
        let regular = member(&engine, "regular").await;
        buy_every(&engine, regular, 20, 7, 2, "60").await;
        let gone = member(&engine, "gone").await;
        buy_every(&engine, gone, 20, 7, 150, "60").await;
        let never = member(&engine, "never").await;

        let now = Timestamp::now();
        let report = engine.refresh_member_insight(now).await.unwrap();
        assert_eq!(report.members, 82, "[{name}] every member who bought");
        assert_eq!(
            (report.problem.as_deref(), report.unforecast),
            (None, 0),
            "[{name}] the models fit and forecast everyone"
        );

        let scored = |m: i64| {
            let engine = &engine;
            async move { engine.member_insight(m).await.unwrap().scores.unwrap() }
        };
        let (r, g) = (scored(regular).await, scored(gone).await);
        assert_eq!((r.purchases, r.spend_minor), (20, 120_000), "[{name}]");
        assert_eq!(r.usual_gap_days, Some(7), "[{name}]");
        assert_eq!(r.segment, "champions", "[{name}] {r:?}");
        assert_eq!(r.risk.as_deref(), Some("low"), "[{name}] {r:?}");
        assert_eq!(g.risk.as_deref(), Some("high"), "[{name}] {g:?}");
        // RFM ranks members against each other (in this crowd most stopped long ago, so 150
        // days is recent among them); the model judges each against their own rhythm.
        assert!(
            g.recency_score <= r.recency_score && g.frequency_score == 5,
            "[{name}] {g:?}"
        );
        assert!(
            r.p_alive_ppm > g.p_alive_ppm && r.value_12m_minor > g.value_12m_minor,
            "[{name}] {r:?} {g:?}"
        );
        assert!(
            r.expected_purchases_ppm.unwrap() > 1_000_000,
            "[{name}] a weekly buyer makes more than one purchase in 90 days: {r:?}"
        );
        assert_eq!(
            laurel_engine::churn_reason(150, g.usual_gap_days),
            "no purchase for 150 days; usually every 7 days",
            "[{name}]"
        );
        let none = engine.member_insight(never).await.unwrap();
        assert!(none.scores.is_none() && none.refresh.is_some(), "[{name}]");
        assert!(
            none.refresh.unwrap().model.unwrap().contains("\"bg_nbd\""),
            "[{name}] the model's working is kept"
        );
        assert_eq!(
            code(engine.member_insight(999_999).await),
            "unknown_member",
            "[{name}]"
        );
        assert_eq!(
            engine.refresh_member_insight_daily(now).await.unwrap(),
            None,
            "[{name}] not due again within the day"
        );
        finish(name, engine).await;
    }
}

/// Every page of the churn-risk list `filter` names, `limit` at a time, as one list.
async fn churn_list(engine: &Engine, filter: ChurnFilter, limit: u32) -> Vec<AtRisk> {
    let mut listed = Vec::new();
    let mut after = None;
    loop {
        let page = engine.churn_risk(filter, after, limit).await.unwrap();
        assert!(page.members.len() <= limit as usize);
        listed.extend(page.members);
        match page.next {
            Some(next) => after = Some(next),
            None => return listed,
        }
    }
}

#[tokio::test]
async fn the_churn_list_holds_high_risk_then_medium_least_likely_active_first() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[ONE_PER_YUAN])).await;
        let empty = engine
            .churn_risk(ChurnFilter::AtRisk, None, 50)
            .await
            .unwrap();
        assert_eq!(
            (empty.members.len(), empty.next, empty.refreshed_at),
            (0, None, None),
            "[{name}] nothing before a refresh"
        );
        // A crowd whose fit puts members at both levels of risk.
        crowd(&engine, 5).await;
        let regular = member(&engine, "regular").await;
        buy_every(&engine, regular, 20, 7, 2, "60").await;
        let gone = member(&engine, "gone").await;
        buy_every(&engine, gone, 20, 7, 150, "60").await;
        // Whole microseconds, as stored.
        let now = Timestamp::from_microsecond(Timestamp::now().as_microsecond()).unwrap();
        engine.refresh_member_insight(now).await.unwrap();

        let all = churn_list(&engine, ChurnFilter::AtRisk, 500).await;
        // Everyone the refresh put at high or medium risk, and nobody else.
        let mut at_risk = Vec::new();
        for id in 1..=engine.store().last_member_id().await.unwrap() {
            let scores = engine.member_insight(id).await.unwrap().scores.unwrap();
            if matches!(scores.risk.as_deref(), Some("high" | "medium")) {
                at_risk.push(id);
            }
        }
        let mut listed: Vec<i64> = all.iter().map(|m| m.member.member.0).collect();
        listed.sort_unstable();
        assert_eq!(listed, at_risk, "[{name}]");
        assert!(
            all.iter().any(|m| m.level == ChurnRiskLevel::High)
                && all.iter().any(|m| m.level == ChurnRiskLevel::Medium),
            "[{name}] the crowd has both levels: {all:?}"
        );
        assert!(
            all.windows(2).all(|w| {
                let key = |m: &AtRisk| {
                    (
                        std::cmp::Reverse(m.level),
                        m.member.p_alive_ppm,
                        m.member.member.0,
                    )
                };
                key(&w[0]) < key(&w[1])
            }),
            "[{name}] high first, then the least likely still active: {all:?}"
        );
        let gone_listed = all
            .iter()
            .find(|m| m.member.member.0 == gone)
            .unwrap_or_else(|| panic!("[{name}] the one who stopped is listed"));
        assert_eq!(
            (
                gone_listed.level,
                gone_listed.member.external_id.as_str(),
                gone_listed.member.usual_gap_days,
                gone_listed.member.last_purchase_at,
            ),
            (
                ChurnRiskLevel::High,
                "gone",
                Some(7),
                engine
                    .member_insight(gone)
                    .await
                    .unwrap()
                    .scores
                    .unwrap()
                    .last_purchase_at,
            ),
            "[{name}]"
        );
        assert!(
            all.iter().all(|m| m.member.member.0 != regular),
            "[{name}] a regular is not at risk"
        );

        // Small pages walk the same list, crossing from high to medium.
        assert_eq!(
            churn_list(&engine, ChurnFilter::AtRisk, 3).await,
            all,
            "[{name}]"
        );
        let (high, medium): (Vec<AtRisk>, Vec<AtRisk>) = all
            .iter()
            .cloned()
            .partition(|m| m.level == ChurnRiskLevel::High);
        assert_eq!(
            churn_list(&engine, ChurnFilter::High, 2).await,
            high,
            "[{name}]"
        );
        assert_eq!(
            churn_list(&engine, ChurnFilter::Medium, 2).await,
            medium,
            "[{name}]"
        );
        let first = engine
            .churn_risk(ChurnFilter::AtRisk, None, 1)
            .await
            .unwrap();
        assert_eq!(first.refreshed_at, Some(now), "[{name}]");
        // A key is a place in the whole list: a high one starts the medium list from its
        // beginning; a medium or low one ends the high list.
        let key = |m: &AtRisk| ChurnKey {
            level: m.level,
            cursor: m.member.cursor(),
        };
        let after_high = engine
            .churn_risk(ChurnFilter::Medium, Some(key(&high[0])), 500)
            .await
            .unwrap();
        assert_eq!(after_high.members, medium, "[{name}]");
        let after_medium = engine
            .churn_risk(ChurnFilter::High, Some(key(&medium[0])), 500)
            .await
            .unwrap();
        assert_eq!(
            (after_medium.members.len(), after_medium.next),
            (0, None),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}
