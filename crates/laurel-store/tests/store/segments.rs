//! Segments as stored: saved and changed by id, their members marked by a refresh and the
//! earlier refresh's dropped at its end, read by member and by page of the staff's list, and
//! members read as the conditions see them — the same on SQLite and PostgreSQL.

use super::support::*;
use jiff::Timestamp;
use laurel_store::{MemberFilter, MemberId, SegmentRow, Store};

fn segment(id: &str) -> SegmentRow {
    SegmentRow {
        id: id.into(),
        name: "Lapsed gold".into(),
        description: Some("Gold members quiet for two months".into()),
        conditions: r#"[{"tiers":["gold"]}]"#.into(),
        created_at: t0(),
        updated_at: t0(),
        refreshed_at: None,
        members: 0,
    }
}

async fn refresh(store: &Store, id: &str, members: &[MemberId], at: Timestamp) -> i64 {
    let generation = store.next_segment_generation(id).await.unwrap();
    store
        .mark_segment_members(id, generation, members)
        .await
        .unwrap();
    store
        .finish_segment_refresh(id, generation, at)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_segment_is_saved_once_by_id_and_changed_in_place() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        assert!(store.insert_segment(&segment("lapsed")).await.unwrap());
        assert!(
            !store.insert_segment(&segment("lapsed")).await.unwrap(),
            "[{name}] an id is saved once"
        );
        let changed = SegmentRow {
            name: "Lapsed".into(),
            description: None,
            updated_at: t0() + days(1),
            ..segment("lapsed")
        };
        assert!(store.update_segment(&changed).await.unwrap());
        assert!(!store.update_segment(&segment("nobody")).await.unwrap());
        let read = store.segment("lapsed").await.unwrap().unwrap();
        assert_eq!(read, changed, "[{name}]");
        assert_eq!(store.segments().await.unwrap(), [changed]);
    }
}

#[tokio::test]
async fn a_refresh_replaces_the_members_and_counts_them() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let ids = [
            enroll(&store, "A").await,
            enroll(&store, "B").await,
            enroll(&store, "C").await,
        ];
        store.insert_segment(&segment("lapsed")).await.unwrap();
        store.insert_segment(&segment("gold")).await.unwrap();
        assert_eq!(refresh(&store, "lapsed", &ids[..2], t0()).await, 2);
        assert_eq!(refresh(&store, "gold", &ids[1..], t0()).await, 2);
        assert_eq!(
            refresh(&store, "lapsed", &ids[1..], t0() + days(1)).await,
            2,
            "[{name}] A left, C joined"
        );
        let read = store.segment("lapsed").await.unwrap().unwrap();
        assert_eq!((read.members, read.refreshed_at), (2, Some(t0() + days(1))));
        assert_eq!(
            store.segments_of(&ids).await.unwrap(),
            [
                (ids[1], "gold".to_owned()),
                (ids[1], "lapsed".to_owned()),
                (ids[2], "gold".to_owned()),
                (ids[2], "lapsed".to_owned()),
            ],
            "[{name}]"
        );
        let filter = MemberFilter {
            segment: Some("lapsed".into()),
            ..MemberFilter::default()
        };
        let page = store.member_page(&filter, None, 50).await.unwrap();
        let listed: Vec<MemberId> = page.members.iter().map(|m| m.member.id).collect();
        assert_eq!(listed, [ids[2], ids[1]], "[{name}] newest first");
        assert!(store.delete_segment("lapsed").await.unwrap());
        assert!(store.segment("lapsed").await.unwrap().is_none());
        assert_eq!(store.segments_of(&ids).await.unwrap().len(), 2, "[{name}]");
    }
}

#[tokio::test]
async fn members_read_as_conditions_see_them_with_purchases_per_window() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let a = enroll(&store, "A").await;
        let b = enroll(&store, "B").await;
        let mut tx = store.begin().await.unwrap();
        for (n, days_ago) in [(1, 10), (2, 40), (3, 200)] {
            let mut purchase = new_purchase(a, "pos", &format!("A-{n}"), None);
            purchase.occurred_at = t0() - days(days_ago);
            tx.insert_purchase(&purchase).await.unwrap();
        }
        tx.commit().await.unwrap();
        let windows = [t0() - days(30), t0() - days(365)];
        let inputs = store.segment_inputs(0, 100, &windows).await.unwrap();
        assert_eq!(inputs.len(), 2, "[{name}]");
        assert_eq!(inputs[0].state.id, a);
        assert_eq!(inputs[0].windows, [(1, 10_000), (3, 30_000)], "[{name}]");
        assert_eq!(
            inputs[0].state.attributes,
            [("segment".to_owned(), "student".to_owned())].into()
        );
        assert_eq!(inputs[1].state.id, b);
        assert_eq!(inputs[1].windows, [(0, 0), (0, 0)], "[{name}] never bought");
        assert_eq!(
            (inputs[1].risk.as_deref(), inputs[1].rfm.as_deref()),
            (None, None)
        );
        let later = store.segment_inputs(a.0, 100, &windows).await.unwrap();
        assert_eq!(later.len(), 1, "[{name}] a page after A");
    }
}
