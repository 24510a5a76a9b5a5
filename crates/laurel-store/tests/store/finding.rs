//! Finding members: the staff's list, filtered and paged newest first, and a search that
//! forgives case, partial ids, the form of a phone number and part of a Chinese name — the
//! same on SQLite and PostgreSQL.

use super::support::*;
use laurel_core::MemberStatus;
use laurel_core::Points;
use laurel_core::ledger::MemberLedger;
use laurel_core::search::MemberQuery;
use laurel_core::tiers::TierStatus;
use laurel_store::{MemberFilter, MemberId, NewMember, Span, Store};

/// Who the fixtures enroll, oldest first: (external id, name, email, phone).
const PEOPLE: [(&str, &str, &str, &str); 5] = [
    ("CUST-100", "Li Lei", "li.lei@example.com", "021 5555 0100"),
    (
        "CUST-1001",
        "王芳",
        "Fang.Wang@Example.com",
        "+86 138 0000 1001",
    ),
    ("CUST-1002", "李芳华", "lfh@example.com", "13800001002"),
    ("CUST-2001", "Zhang Wei", "zw@example.com", "138 0013 8000"),
    ("PROMO-9", "100%_real", "promo@example.com", ""),
];

/// Enrolls [`PEOPLE`], a day apart from `t0() - 10 days`; their ids in the same order.
async fn enroll_people(store: &Store) -> Vec<MemberId> {
    let mut ids = Vec::new();
    for (i, (external_id, name, email, phone)) in PEOPLE.into_iter().enumerate() {
        let mut tx = store.begin().await.unwrap();
        let member = NewMember {
            name: Some(name.into()),
            email: Some(email.into()),
            phone: (!phone.is_empty()).then(|| phone.into()),
            enrolled_at: t0() - days(10) + days(i64::try_from(i).unwrap()),
            ..new_member(external_id)
        };
        ids.push(
            tx.insert_member(&member, jiff::Timestamp::now())
                .await
                .unwrap()
                .unwrap(),
        );
        tx.commit().await.unwrap();
    }
    ids
}

/// The external ids a search for `typed` lists over all its pages of `limit`, in order.
async fn all_pages(store: &Store, typed: &str, limit: u32) -> Vec<String> {
    let filter = MemberFilter {
        query: MemberQuery::parse(typed),
        ..MemberFilter::default()
    };
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store.member_page(&filter, after, limit).await.unwrap();
        seen.extend(
            page.members
                .into_iter()
                .map(|m| m.member.profile.external_id),
        );
        match page.next {
            Some(next) => after = Some(next),
            None => return seen,
        }
    }
}

/// The external ids a search for `typed` lists, in order.
async fn search(store: &Store, typed: &str) -> Vec<String> {
    list(
        store,
        &MemberFilter {
            query: MemberQuery::parse(typed),
            ..MemberFilter::default()
        },
    )
    .await
}

/// The external ids of the first page `filter` lists, in order.
async fn list(store: &Store, filter: &MemberFilter) -> Vec<String> {
    let page = store.member_page(filter, None, 50).await.unwrap();
    page.members
        .into_iter()
        .map(|m| m.member.profile.external_id)
        .collect()
}

#[tokio::test]
async fn a_search_forgives_case_partial_ids_phone_forms_and_part_of_a_chinese_name() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        enroll_people(&store).await;
        let cases: [(&str, &[&str]); 10] = [
            // The whole external id first, then the others newest first.
            ("cust-100", &["CUST-100", "CUST-1002", "CUST-1001"]),
            ("cust-10", &["CUST-1002", "CUST-1001", "CUST-100"]),
            ("13800001001", &["CUST-1001"]),
            ("+86 138 0000 1001", &["CUST-1001"]),
            ("+86 138 0013 8000", &["CUST-2001"]),
            ("芳", &["CUST-1002", "CUST-1001"]),
            ("FANG.WANG@EXAMPLE.COM", &["CUST-1001"]),
            ("zhang", &["CUST-2001"]),
            // LIKE's wildcards are only themselves.
            ("%", &["PROMO-9"]),
            ("_", &["PROMO-9"]),
        ];
        for (typed, expected) in cases {
            assert_eq!(search(&store, typed).await, expected, "[{name}] {typed:?}");
        }
        assert!(search(&store, "nobody").await.is_empty(), "[{name}]");
    }
}

#[tokio::test]
async fn a_name_changed_in_the_portal_is_found_by_its_new_name() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let ids = enroll_people(&store).await;
        let change = laurel_store::ProfileChange {
            name: Some("Han Meimei".into()),
            birthday: None,
        };
        let mut tx = store.begin().await.unwrap();
        tx.change_profile(ids[0], &change).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(search(&store, "meimei").await, ["CUST-100"], "[{name}]");
        assert!(search(&store, "li lei").await.is_empty(), "[{name}]");
    }
}

#[tokio::test]
async fn the_list_filters_by_tier_status_enrollment_last_purchase_and_balance() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let ids = enroll_people(&store).await;
        let mut tx = store.begin().await.unwrap();
        let gold = TierStatus {
            tier: Some("gold".into()),
            ..TierStatus::default()
        };
        tx.set_tier(ids[1], &gold).await.unwrap();
        // CUST-1001 bought 5 days ago and has 100 points; CUST-2001 bought yesterday.
        for (member, order, at) in [
            (ids[1], "o-1", t0() - days(5)),
            (ids[3], "o-2", t0() - days(1)),
        ] {
            let purchase = laurel_store::NewPurchase {
                occurred_at: at,
                ..new_purchase(member, "pos", order, None)
            };
            tx.insert_purchase(&purchase).await.unwrap();
        }
        let earn = MemberLedger::default()
            .earn(Points(100), t0(), schedule(None, None), t0())
            .unwrap();
        tx.post(ids[1], &earn, &meta("purchase", "pos:o-1", t0()))
            .await
            .unwrap();
        tx.set_member_status(ids[2], MemberStatus::Suspended)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let everyone = list(&store, &MemberFilter::default()).await;
        assert_eq!(
            everyone,
            ["PROMO-9", "CUST-2001", "CUST-1002", "CUST-1001", "CUST-100"],
            "[{name}] newest first"
        );
        let cases: [(MemberFilter, &[&str]); 6] = [
            (
                MemberFilter {
                    tier: Some("gold".into()),
                    ..MemberFilter::default()
                },
                &["CUST-1001"],
            ),
            (
                MemberFilter {
                    status: Some(MemberStatus::Suspended),
                    ..MemberFilter::default()
                },
                &["CUST-1002"],
            ),
            (
                MemberFilter {
                    enrolled: Span {
                        from: Some(t0() - days(9)),
                        to: Some(t0() - days(7)),
                    },
                    ..MemberFilter::default()
                },
                &["CUST-1002", "CUST-1001"],
            ),
            (
                MemberFilter {
                    last_purchase: Span {
                        from: Some(t0() - days(6)),
                        to: Some(t0() - days(2)),
                    },
                    ..MemberFilter::default()
                },
                &["CUST-1001"],
            ),
            (
                MemberFilter {
                    last_purchase: Span {
                        from: Some(t0() - days(30)),
                        to: None,
                    },
                    ..MemberFilter::default()
                },
                &["CUST-2001", "CUST-1001"],
            ),
            (
                MemberFilter {
                    balance_min: Some(50),
                    balance_max: Some(100),
                    ..MemberFilter::default()
                },
                &["CUST-1001"],
            ),
        ];
        for (filter, expected) in cases {
            assert_eq!(list(&store, &filter).await, expected, "[{name}] {filter:?}");
        }
        let listed = store
            .member_page(&MemberFilter::default(), None, 50)
            .await
            .unwrap();
        let bought = listed
            .members
            .iter()
            .find(|m| m.member.id == ids[1])
            .unwrap();
        assert_eq!(
            bought.last_purchase,
            Some(t0() - days(5)),
            "[{name}] last purchase shown"
        );
    }
}

#[tokio::test]
async fn pages_follow_each_other_newest_first_with_every_member_once() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        enroll_people(&store).await;
        assert_eq!(
            all_pages(&store, "cust-100", 1).await,
            ["CUST-100", "CUST-1002", "CUST-1001"],
            "[{name}]"
        );
    }
}

#[tokio::test]
async fn more_exact_matches_than_a_page_holds_are_listed_newest_first_and_none_is_left_off() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        enroll_people(&store).await;
        for (external_id, person) in [("LL-2", "Li Lei"), ("LL-3", "Li Lei"), ("LL-4", "Li Leia")] {
            let mut tx = store.begin().await.unwrap();
            let member = NewMember {
                name: Some(person.into()),
                ..new_member(external_id)
            };
            tx.insert_member(&member, jiff::Timestamp::now())
                .await
                .unwrap()
                .unwrap();
            tx.commit().await.unwrap();
        }
        assert_eq!(
            all_pages(&store, "li lei", 3).await,
            ["LL-3", "LL-2", "CUST-100", "LL-4"],
            "[{name}] three exact matches fit a page of three: first, then the rest"
        );
        assert_eq!(
            all_pages(&store, "li lei", 2).await,
            ["LL-4", "LL-3", "LL-2", "CUST-100"],
            "[{name}] three do not fit a page of two: every match newest first, each once"
        );
    }
}
