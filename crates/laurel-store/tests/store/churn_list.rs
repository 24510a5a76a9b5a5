//! The churn-risk list: one level at a time, least likely still active first, ties by member
//! id, a keyset page at a time that neither skips nor repeats anyone — the same on SQLite and
//! PostgreSQL.

use super::support::*;
use laurel_core::tiers::TierStatus;
use laurel_store::{ChurnCursor, MemberId, MemberInsightRow, Store};

/// A scored member's row: `risk` and `p_alive_ppm` as given, the rest plausible.
fn scored(member: MemberId, risk: Option<&str>, p_alive_ppm: Option<i64>) -> MemberInsightRow {
    MemberInsightRow {
        member,
        purchases: 3,
        spend_minor: 30_000,
        first_purchase_at: t0() - days(100),
        last_purchase_at: t0() - days(40),
        recency_score: 2,
        frequency_score: 3,
        monetary_score: 3,
        segment: "at_risk".into(),
        p_alive_ppm,
        expected_purchases_ppm: p_alive_ppm.map(|p| p / 2),
        value_12m_minor: p_alive_ppm.map(|p| p / 10),
        risk: risk.map(str::to_owned),
        usual_gap_days: Some(30),
        refreshed_at: t0(),
    }
}

/// The external ids of every page of `limit` at `risk`, page by page.
async fn pages(store: &Store, risk: &str, limit: u32) -> Vec<Vec<String>> {
    let mut seen = Vec::new();
    let mut after: Option<ChurnCursor> = None;
    loop {
        let page = store.churn_page(risk, after, limit).await.unwrap();
        if page.is_empty() {
            return seen;
        }
        after = page.last().map(|m| m.cursor());
        seen.push(page.into_iter().map(|m| m.external_id).collect());
    }
}

#[tokio::test]
async fn the_churn_list_walks_a_level_least_likely_active_first_a_page_at_a_time() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        // (external id, risk, P(alive) in millionths); h-2 and h-3 tie, so the id decides.
        let people = [
            ("h-1", Some("high"), Some(250_000)),
            ("h-2", Some("high"), Some(100_000)),
            ("h-3", Some("high"), Some(100_000)),
            ("h-4", Some("high"), Some(5_000)),
            ("m-1", Some("medium"), Some(600_000)),
            ("m-2", Some("medium"), Some(300_000)),
            ("l-1", Some("low"), Some(900_000)),
            ("none", None, None),
        ];
        let mut rows = Vec::new();
        for (external_id, risk, p_alive) in people {
            let member = enroll(&store, external_id).await;
            rows.push(scored(member, risk, p_alive));
        }
        let mut tx = store.begin().await.unwrap();
        let gold = TierStatus {
            tier: Some("gold".into()),
            since: Some(t0()),
            manual: None,
            downgrade_at: None,
            review_at: None,
            paid: None,
        };
        tx.set_tier(rows[3].member, &gold).await.unwrap();
        tx.commit().await.unwrap();
        store.write_member_insight(&rows, t0()).await.unwrap();

        assert_eq!(
            pages(&store, "high", 2).await,
            [["h-4", "h-2"], ["h-3", "h-1"]],
            "[{name}] lowest P(alive) first, a tie by member id"
        );
        assert_eq!(
            pages(&store, "high", 3).await,
            [vec!["h-4", "h-2", "h-3"], vec!["h-1"]],
            "[{name}] a page boundary inside the tie"
        );
        assert_eq!(
            pages(&store, "medium", 50).await,
            [["m-2", "m-1"]],
            "[{name}]"
        );
        assert!(
            pages(&store, "nonsense", 50).await.is_empty(),
            "[{name}] an unknown level lists nobody"
        );

        let first = &store.churn_page("high", None, 1).await.unwrap()[0];
        assert_eq!(
            (
                first.name.as_deref(),
                first.tier.as_deref(),
                first.purchases,
                first.last_purchase_at,
                first.usual_gap_days,
                first.p_alive_ppm,
                first.value_12m_minor,
            ),
            (
                Some("张三"),
                Some("gold"),
                3,
                t0() - days(40),
                Some(30),
                5_000,
                500
            ),
            "[{name}] the member and their scores, as the list shows them"
        );
        // A member the next refresh no longer scores leaves the list.
        let next = t0() + days(1);
        let rescored: Vec<MemberInsightRow> = rows[1..]
            .iter()
            .map(|r| MemberInsightRow {
                refreshed_at: next,
                ..r.clone()
            })
            .collect();
        store.write_member_insight(&rescored, next).await.unwrap();
        assert_eq!(
            pages(&store, "high", 50).await,
            [["h-4", "h-2", "h-3"]],
            "[{name}]"
        );
    }
}
