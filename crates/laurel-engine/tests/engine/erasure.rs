//! Erasing a member on both backends: afterwards no personal value of theirs is left in any
//! text column of any table — profile, reports, notes, letters, events, audit entries, event
//! attributes, household names, transfer messages — while the ledger stays consistent, their
//! points are forfeited as breakage, the ledger keeps them under a pseudonym, and everyone
//! else's data is untouched. Stored value or a hold still owed refuses it, writing nothing.

use super::*;
use laurel_core::events::EventKind;
use laurel_engine::{AuditEntry, ErasureOutcome, SignInLetter, TransferRequest};
use std::collections::BTreeMap;

/// Transfers and households, so the erased member can write a message and name a household;
/// adjustments over 500 points wait for a second staff member, so a request can name her.
fn sharing() -> ProgramDefinition {
    with_rules(
        "\n[transfers]\n\n[households]\nmode = \"pooled\"\nmax_members = 3\n\n\
         [staff.approval]\nadjust_over = 500\n\n\
         [[rules]]\nid = \"review\"\nname = \"Review reward\"\n\
         trigger = { event = \"review_written\" }\neffect = { fixed = 20 }\n\n\
         [[fraud.rules]]\nid = \"one-device\"\nmeasure = \"same_device\"\nmax = 50\n\
         window = \"24h\"\naction = \"flag\"\n",
    )
}

/// Every personal value of Zelda, the member erased: none may remain anywhere.
const ZELDA: [&str; 14] = [
    "zq-erase-1001",
    "zelda.quist@erasure.example",
    "+44 7700 900123",
    "447700900123",
    "Zelda Quist",
    "1987-02-13",
    "zeldaq-nickname",
    "my parcel never came xyzzy",
    "called Zelda back about the parcel",
    "Quist household",
    "happy birthday plugh",
    "zelda.new@erasure.example",
    "her frobnitz went missing",
    "she phoned twice about the frobnitz",
];

/// The device Zelda joined from, as the till passed it.
const ZELDA_DEVICE: &str = "zelda-phone-7f3a";

/// What Laurel keeps of a device: its one-way hash, which must go too.
fn device_hash(device: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(device.as_bytes()))
}

/// Rex's values: another member, whose data the erasure must leave alone.
const REX: [&str; 3] = ["rex-keep-2002", "rex.keeps@erasure.example", "Rex Keeper"];

fn letter() -> SignInLetter {
    SignInLetter {
        subject: "Your code".into(),
        body: "Your code is {code}.".into(),
    }
}

/// Zelda with a full profile and a history touching every kind of stored text; Rex beside
/// her. Returns their ids.
async fn zelda_and_rex(engine: &Engine) -> (i64, i64) {
    super::events::subscribe(engine, EventKind::ALL).await;
    let zelda = engine
        .enroll(EnrollRequest {
            email: Some(ZELDA[1].into()),
            phone: Some(ZELDA[2].into()),
            name: Some(ZELDA[4].into()),
            birthday: Some(jiff::civil::date(1987, 2, 13)),
            attributes: BTreeMap::from([("nickname".into(), ZELDA[6].into())]),
            device: Some(ZELDA_DEVICE.into()),
            ..enroll_request(ZELDA[0])
        })
        .await
        .unwrap()
        .id
        .0;
    let rex = engine
        .enroll(EnrollRequest {
            email: Some(REX[1].into()),
            name: Some(REX[2].into()),
            ..enroll_request(REX[0])
        })
        .await
        .unwrap()
        .id
        .0;
    buy(engine, zelda, "z-1", "300").await;
    buy(engine, rex, "r-1", "100").await;
    engine
        .redeem(redeem_request(zelda, 20, "z-spend"))
        .await
        .unwrap();
    let mut goodwill = credit(zelda, 15, "z-goodwill");
    goodwill.note = Some(ZELDA[8].into());
    engine
        .adjust(goodwill, "staff:desk@example.com")
        .await
        .unwrap();
    engine
        .record_event(EventRequest {
            member: MemberRef::Id(zelda),
            event_id: "z-review".into(),
            kind: "review_written".into(),
            attributes: BTreeMap::from([("contact".into(), ZELDA[1].into())]),
            occurred_at: Timestamp::now(),
        })
        .await
        .unwrap();
    // The portal: a code by email, a report answered, a contact change waiting.
    assert!(
        engine
            .request_sign_in_code(ZELDA[1], &letter())
            .await
            .unwrap()
    );
    let report = engine
        .report_problem(zelda, "problem", ZELDA[7])
        .await
        .unwrap();
    engine
        .reply_to_report(report, "staff:desk@example.com", "Sorry, Zelda Quist!")
        .await
        .unwrap();
    engine
        .request_contact_change(
            zelda,
            laurel_engine::ContactField::Email,
            ZELDA[11],
            &letter(),
        )
        .await
        .unwrap();
    // Another member's report naming her, a household she owns, a message she sent.
    engine
        .report_problem(rex, "abuse", "Zelda Quist took my seat")
        .await
        .unwrap();
    let home = engine
        .create_household(zelda, ZELDA[9].into())
        .await
        .unwrap()
        .id;
    engine.join_household(home, rex).await.unwrap();
    engine.approve_household_member(home, rex).await.unwrap();
    engine
        .send_points(
            TransferRequest {
                member_id: zelda,
                to: MemberRef::Id(rex),
                points: 10,
                idempotency_key: "z-gift".into(),
                message: Some(ZELDA[10].into()),
            },
            None,
        )
        .await
        .unwrap();
    // Adjustments waiting for a second staff member: hers, with a reason and a note about her,
    // and Rex's, whose note names her.
    let desk = laurel_engine::StaffMember {
        id: 7,
        actor: "staff:desk@example.com".into(),
        role: laurel_engine::Role::Manager,
    };
    let mut big = credit(zelda, 501, "z-big");
    big.reason = ZELDA[12].into();
    big.note = Some(ZELDA[13].into());
    let waits = engine.adjust_by(big, &desk).await.unwrap();
    assert!(
        matches!(waits, laurel_engine::Made::Waiting(_)),
        "{waits:?}"
    );
    let mut his = credit(rex, 501, "r-big");
    his.note = Some(format!("asked by {}", ZELDA[1]));
    let waits = engine.adjust_by(his, &desk).await.unwrap();
    assert!(
        matches!(waits, laurel_engine::Made::Waiting(_)),
        "{waits:?}"
    );
    // Staff changed her profile: the audit log keeps before and after.
    engine
        .audit(AuditEntry {
            staff_user_id: None,
            actor: "desk@example.com".into(),
            action: "member.update".into(),
            subject: format!("member:{zelda}"),
            before: Some(format!(
                r#"{{"name":"{}","birthday":"{}"}}"#,
                ZELDA[4], ZELDA[5]
            )),
            after: Some(format!(
                r#"{{"name":"{}","nickname":"{}"}}"#,
                ZELDA[4], ZELDA[6]
            )),
            at: Timestamp::now(),
        })
        .await
        .unwrap();
    (zelda, rex)
}

/// Where `value` is still stored, as `table.column` names.
async fn where_found(engine: &Engine, value: &str) -> Vec<String> {
    engine
        .find_text(value)
        .await
        .unwrap()
        .into_iter()
        .map(|(table, column, _)| format!("{table}.{column}"))
        .collect()
}

#[tokio::test]
async fn no_personal_value_of_an_erased_member_remains_in_any_table() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, sharing()).await;
        let (zelda, rex) = zelda_and_rex(&engine).await;
        for value in ZELDA {
            assert!(
                !where_found(&engine, value).await.is_empty(),
                "[{name}] the scenario stores `{value}` somewhere before the erasure"
            );
        }
        let hash = device_hash(ZELDA_DEVICE);
        assert_eq!(
            where_found(&engine, &hash).await,
            ["members.device_key"],
            "[{name}] the device kept as its hash alone"
        );
        assert!(
            where_found(&engine, ZELDA_DEVICE).await.is_empty(),
            "[{name}]"
        );
        let rex_before = balance(&engine, rex).await;
        let (available, pending) = balance(&engine, zelda).await;

        let erased = engine
            .erase_member(zelda, "staff:dpo@example.com")
            .await
            .unwrap();

        for value in ZELDA {
            assert_eq!(
                where_found(&engine, value).await,
                Vec::<String>::new(),
                "[{name}] `{value}` must be gone from every table"
            );
        }
        assert!(where_found(&engine, &hash).await.is_empty(), "[{name}]");
        for value in REX {
            assert!(
                !where_found(&engine, value).await.is_empty(),
                "[{name}] another member's `{value}` stays"
            );
        }
        assert_eq!(balance(&engine, rex).await, rex_before, "[{name}]");
        let waiting = engine.approvals_waiting().await.unwrap();
        assert_eq!(
            waiting
                .iter()
                .map(|r| r.proposal.member_id())
                .collect::<Vec<_>>(),
            [Some(rex)],
            "[{name}] her request rejected with her erasure; his waits still"
        );
        let hers = waiting[0].id - 1;
        let rejected = engine.approval(hers).await.unwrap();
        assert_eq!(
            (rejected.proposal.member_id(), rejected.state),
            (Some(zelda), laurel_engine::ApprovalState::Rejected),
            "[{name}]"
        );
        assert!(
            erased.pseudonym.starts_with("erased-"),
            "[{name}] {erased:?}"
        );
        assert_eq!(erased.forfeited, available + pending, "[{name}]");
        assert_eq!(balance(&engine, zelda).await, (0, 0), "[{name}] forfeited");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn an_erased_member_keeps_their_ledger_under_a_pseudonym_and_nothing_more_is_done_for_them() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, sharing()).await;
        let (zelda, _rex) = zelda_and_rex(&engine).await;
        let history = entries(&engine, zelda).await.len();
        let erased = engine
            .erase_member(zelda, "staff:dpo@example.com")
            .await
            .unwrap();

        let stored = engine.member(&MemberRef::Id(zelda)).await.unwrap();
        assert_eq!(stored.status, laurel_core::MemberStatus::Erased, "[{name}]");
        assert_eq!(stored.profile.external_id, erased.pseudonym, "[{name}]");
        assert_eq!(
            (
                &stored.profile.email,
                &stored.profile.phone,
                &stored.profile.name,
                stored.profile.birthday,
                stored.profile.attributes.len()
            ),
            (&None, &None, &None, None, 0),
            "[{name}]"
        );
        let after = entries(&engine, zelda).await;
        assert_eq!(
            after.len(),
            history + 1,
            "[{name}] one forfeiture added, nothing removed"
        );
        assert_eq!(
            after[0].kind,
            laurel_core::ledger::PostingKind::Forfeit,
            "[{name}]"
        );
        assert_eq!(
            code(engine.member(&MemberRef::External(ZELDA[0].into())).await),
            "unknown_member",
            "[{name}] the old external id names no one"
        );
        assert_eq!(
            code(engine.purchase(purchase_request(zelda, "z-9", "10")).await),
            "member_erased",
            "[{name}]"
        );
        assert_eq!(
            code(engine.adjust(credit(zelda, 5, "z-late"), "staff:x").await),
            "member_erased",
            "[{name}]"
        );
        assert_eq!(
            code(engine.set_suspended(zelda, true, "staff:x").await),
            "member_erased",
            "[{name}]"
        );
        assert_eq!(
            engine
                .erase_member(zelda, "staff:other@example.com")
                .await
                .unwrap(),
            erased,
            "[{name}] asked again, the erasure made is answered"
        );
        let register = engine.member_erasure_requests(zelda).await.unwrap();
        assert_eq!(register.len(), 1, "[{name}] {register:?}");
        assert_eq!(
            (register[0].state.as_str(), register[0].forfeited),
            ("erased", Some(erased.forfeited)),
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_members_request_waits_for_staff_who_erase_or_decline_it() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let (ann, bo) = (member(&engine, "ann").await, member(&engine, "bo").await);
        buy(&engine, ann, "a-1", "100").await;
        let asked = engine.request_erasure(ann).await.unwrap();
        assert_eq!(
            engine.request_erasure(ann).await.unwrap(),
            asked,
            "[{name}] asked twice, one request"
        );
        engine.request_erasure(bo).await.unwrap();
        let waiting = engine.erasure_requests(true).await.unwrap();
        assert_eq!(waiting.len(), 2, "[{name}] {waiting:?}");
        assert!(
            waiting.iter().all(|r| r.requested_by == "member"),
            "[{name}]"
        );

        assert!(
            engine.decline_erasure(bo, "staff:dpo").await.unwrap(),
            "[{name}]"
        );
        assert!(
            !engine.decline_erasure(bo, "staff:dpo").await.unwrap(),
            "[{name}]"
        );
        let erased: ErasureOutcome = engine.erase_member(ann, "staff:dpo").await.unwrap();
        assert_eq!(erased.forfeited, 150, "[{name}] ¥100 at 1.5 points a yuan");

        let all = engine.erasure_requests(false).await.unwrap();
        let states: Vec<(i64, &str, Option<&str>)> = all
            .iter()
            .map(|r| (r.member_id, r.state.as_str(), r.decided_by.as_deref()))
            .collect();
        assert_eq!(
            states,
            vec![
                (bo, "declined", Some("staff:dpo")),
                (ann, "erased", Some("staff:dpo"))
            ],
            "[{name}] the member's own request is the one closed"
        );
        assert!(
            engine.erasure_requests(true).await.unwrap().is_empty(),
            "[{name}]"
        );
        assert_eq!(
            code(engine.request_erasure(ann).await),
            "member_erased",
            "[{name}]"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn points_held_at_a_checkout_refuse_the_erasure_and_nothing_is_written() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let ann = member(&engine, "ann").await;
        buy(&engine, ann, "a-1", "100").await;
        engine
            .hold_points(
                laurel_engine::PointHoldRequest {
                    member_id: ann,
                    points: 40,
                    reference: "cart-1".into(),
                    idempotency_key: "h-1".into(),
                    expires_in: None,
                },
                "key:till",
            )
            .await
            .unwrap();
        let postings = entries(&engine, ann).await.len();
        match engine.erase_member(ann, "staff:dpo").await {
            Err(EngineError::ErasureBlocked { block, .. }) => {
                assert_eq!(block.as_str(), "points_held", "[{name}]");
            }
            other => panic!("[{name}] expected erasure_blocked, got {other:?}"),
        }
        assert_eq!(entries(&engine, ann).await.len(), postings, "[{name}]");
        assert_eq!(
            where_found(&engine, "ann@example.com").await,
            vec!["members.email".to_owned(), "members.email_key".to_owned()],
            "[{name}] the profile is untouched"
        );
        assert!(
            engine
                .member_erasure_requests(ann)
                .await
                .unwrap()
                .is_empty(),
            "[{name}] no erasure recorded"
        );
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_numeric_id_and_a_name_beyond_ascii_are_erased_and_every_document_stays_json() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, sharing()).await;
        super::events::subscribe(&engine, EventKind::ALL).await;
        let id = engine
            .enroll(EnrollRequest {
                email: Some("elodie@erasure.example".into()),
                name: Some("Élodie Ünal".into()),
                attributes: BTreeMap::from([("vip".into(), "true".into())]),
                ..enroll_request("10042")
            })
            .await
            .unwrap()
            .id
            .0;
        let other = member(&engine, "other-1").await;
        buy(&engine, id, "e-1", "100").await;
        buy(&engine, other, "o-1", "10042").await;
        engine.erase_member(id, "staff:dpo").await.unwrap();
        for value in ["Élodie Ünal", "élodie ünal", "elodie@erasure.example"] {
            assert_eq!(
                where_found(&engine, value).await,
                Vec::<String>::new(),
                "[{name}] `{value}`"
            );
        }
        let mut tx = engine.store().begin().await.unwrap();
        let events = tx.waiting_events(1_000).await.unwrap();
        tx.commit().await.unwrap();
        for event in events {
            assert!(
                serde_json::from_str::<serde_json::Value>(&event.payload).is_ok(),
                "[{name}] still JSON: {}",
                event.payload
            );
        }
        assert_eq!(
            balance(&engine, other).await,
            (10042, 0),
            "[{name}] another member's ¥10042 purchase is theirs still"
        );
        finish(name, engine).await;
    }
}
