//! Consents per channel and purpose with their history, on both backends: a change appends
//! one row where it was made and the same answer again appends nothing; the unsubscribe link
//! records its withdrawal as the link's; withdrawing profiling leaves offers ranked by the
//! program's terms alone, without the member's buying, and takes their scores away.

use super::notices::{EVERY_NOTICE, joined, noon_of, notices, noticing, unsubscribe_token};
use super::offers::{CAFE, line, ranked};
use super::*;
use laurel_core::offers::OfferReason;
use laurel_engine::{ConsentChange, Consents, MemberId, PROFILING, ProfileUpdate};

/// The member's profile as it stands with `consents` answered.
fn answering(consents: Consents) -> ProfileUpdate {
    ProfileUpdate {
        name: "王五".into(),
        birthday: None,
        consents,
    }
}

/// The member's history as (subject, given, source), newest first.
async fn history(engine: &Engine, member: i64) -> Vec<(String, bool, String)> {
    let record = engine.consent_record(member, 100).await.unwrap();
    record
        .history
        .into_iter()
        .map(
            |ConsentChange {
                 subject,
                 given,
                 source,
                 ..
             }| (subject, given, source),
        )
        .collect()
}

fn row(subject: &str, given: bool, source: &str) -> (String, bool, String) {
    (subject.into(), given, source.into())
}

#[tokio::test]
async fn a_change_of_consent_appends_once_and_the_same_answer_again_appends_nothing() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules("")).await;
        let id = member(&engine, "ann").await;
        let before = engine.consent_record(id, 100).await.unwrap();
        assert!(before.history.is_empty(), "[{name}] never asked");
        assert!(
            !before.current.allows("email"),
            "[{name}] letters wait for consent"
        );
        assert!(
            before.current.profiling(),
            "[{name}] profiling runs until withdrawn"
        );

        let email = Consents::given(&["email"]).with(PROFILING, true);
        engine
            .update_profile(id, answering(email.clone()))
            .await
            .unwrap();
        assert_eq!(
            history(&engine, id).await,
            [row("email", true, "portal")],
            "[{name}]"
        );
        engine.update_profile(id, answering(email)).await.unwrap();
        assert_eq!(
            history(&engine, id).await.len(),
            1,
            "[{name}] the same answer again is no change"
        );

        let withdrawn = Consents::given(&["email", "sms"]).with(PROFILING, false);
        engine
            .update_profile(id, answering(withdrawn))
            .await
            .unwrap();
        assert_eq!(
            history(&engine, id).await,
            [
                row(PROFILING, false, "portal"),
                row("sms", true, "portal"),
                row("email", true, "portal"),
            ],
            "[{name}] only what changed, newest first"
        );
        let now = engine.consents(id).await.unwrap();
        assert!(now.allows("sms") && !now.profiling(), "[{name}] {now:?}");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn the_unsubscribe_link_records_its_withdrawal_as_made_by_the_link() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, noticing(EVERY_NOTICE)).await;
        let ann = joined(&engine, "ann", true).await;
        notices(&engine, noon_of(Timestamp::now() + days(1))).await;
        let token = unsubscribe_token(&engine).await;
        assert!(
            engine.unsubscribe(&token, "email").await.unwrap(),
            "[{name}]"
        );
        assert!(
            engine.unsubscribe(&token, "email").await.unwrap(),
            "[{name}]"
        );
        assert_eq!(
            history(&engine, ann).await,
            [
                row("email", false, "unsubscribe"),
                row("email", true, "portal")
            ],
            "[{name}] the second use changed nothing"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn withdrawing_profiling_ranks_offers_by_the_programs_terms_alone() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(&format!("{TWO_TIERS}{CAFE}"))).await;
        let id = member(&engine, "regular").await;
        let mut request = purchase_request(id, "o-1", "400");
        request.lines = vec![line("LATTE", "coffee", "300"), line("SENCHA", "tea", "100")];
        engine.purchase(request).await.unwrap();
        let profiled = ranked(&engine, id).await;
        assert!(
            profiled
                .iter()
                .any(|(_, r)| matches!(r, OfferReason::BuysInCategory { .. })),
            "[{name}] {profiled:?}"
        );
        engine
            .refresh_member_insight(Timestamp::now())
            .await
            .unwrap();
        assert!(
            engine.member_insight(id).await.unwrap().scores.is_some(),
            "[{name}]"
        );

        let withdrawn = Consents::given(&[]).with(PROFILING, false);
        engine
            .update_profile(id, answering(withdrawn))
            .await
            .unwrap();
        let plain = ranked(&engine, id).await;
        let ids = |offers: &[(String, OfferReason)]| {
            let mut ids: Vec<String> = offers.iter().map(|(id, _)| id.clone()).collect();
            ids.sort();
            ids
        };
        assert_eq!(
            ids(&plain),
            ids(&profiled),
            "[{name}] the same offers are open"
        );
        assert!(
            plain.iter().all(|(_, r)| !matches!(
                r,
                OfferReason::BuysInCategory { .. }
                    | OfferReason::UsesCoupons { .. }
                    | OfferReason::WinBack
            )),
            "[{name}] nothing from their buying: {plain:?}"
        );
        assert!(
            engine.member_insight(id).await.unwrap().scores.is_none(),
            "[{name}] no churn score shown"
        );
        engine
            .refresh_member_insight(Timestamp::now())
            .await
            .unwrap();
        assert!(
            engine
                .store()
                .member_insight(MemberId(id))
                .await
                .unwrap()
                .is_none(),
            "[{name}] the refresh scores them no more"
        );
        finish(name, engine).await;
    }
}
