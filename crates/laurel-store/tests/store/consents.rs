//! Consents as stored on both backends: read under the member's lock, written with the
//! changes that made them, and the history read back newest first.

use super::*;
use laurel_store::ConsentChange;

fn change(subject: &str, given: bool, minutes: i64, source: &str) -> ConsentChange {
    ConsentChange {
        subject: subject.into(),
        given,
        at: t0() + SignedDuration::from_mins(minutes),
        source: source.into(),
    }
}

/// Writes `consents` with `changes` in one committed transaction.
async fn written(store: &Store, member: MemberId, consents: &str, changes: &[ConsentChange]) {
    let mut tx = store.begin().await.unwrap();
    assert!(tx.lock_consents(member).await.unwrap().is_some());
    tx.write_consents(member, consents, changes).await.unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn consents_are_written_with_their_changes_and_the_history_reads_newest_first() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let member = enroll(&store, "CONSENT-1").await;
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            tx.lock_consents(member).await.unwrap(),
            Some(None),
            "[{name}] a member never asked has no consents"
        );
        tx.rollback().await.unwrap();

        let given = [
            change("email", true, 0, "portal"),
            change("profiling", false, 0, "portal"),
        ];
        written(
            &store,
            member,
            r#"{"email":true,"profiling":false}"#,
            &given,
        )
        .await;
        written(
            &store,
            member,
            r#"{"email":false,"profiling":false}"#,
            &[change("email", false, 5, "unsubscribe")],
        )
        .await;

        assert_eq!(
            store.member_consents(member).await.unwrap().as_deref(),
            Some(r#"{"email":false,"profiling":false}"#),
            "[{name}]"
        );
        let history = store.consent_changes(member, 10).await.unwrap();
        assert_eq!(
            history,
            [
                change("email", false, 5, "unsubscribe"),
                change("profiling", false, 0, "portal"),
                change("email", true, 0, "portal"),
            ],
            "[{name}] newest first"
        );
        assert_eq!(
            store.consent_changes(member, 1).await.unwrap().len(),
            1,
            "[{name}] limited"
        );
        let other = enroll(&store, "CONSENT-2").await;
        assert!(
            store.consent_changes(other, 10).await.unwrap().is_empty(),
            "[{name}] per member"
        );
    }
}

#[tokio::test]
async fn an_unknown_member_has_no_consents_to_lock() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            tx.lock_consents(MemberId(404)).await.unwrap(),
            None,
            "[{name}]"
        );
        tx.rollback().await.unwrap();
    }
}
