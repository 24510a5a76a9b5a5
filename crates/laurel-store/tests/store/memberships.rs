//! The memberships' part of the whole-ledger check, on both backends: it finds terms that do
//! not follow one another, a term the wallet paid without its payment, a member holding two
//! memberships at once, and a member row naming a plan in force none of theirs is.

use super::*;
use laurel_core::membership::{Membership, MembershipState, PayWith, Term};
use laurel_store::{MemberPlan, TermPayment};

fn membership(pay_with: PayWith, starts_at: Timestamp) -> Membership {
    Membership {
        plan: "plus".into(),
        state: MembershipState::Active,
        pay_with,
        started_at: starts_at,
        term: Term {
            number: 1,
            starts_at,
            ends_at: starts_at + days(365),
            fee: 12_000,
            trial: false,
            cut_at: None,
            refund: 0,
        },
        ended: None,
    }
}

fn paid_by_billing(at: Timestamp) -> TermPayment<'static> {
    TermPayment {
        paid_at: at,
        reference: Some("inv-1"),
        wallet_move: None,
    }
}

#[tokio::test]
async fn the_whole_ledger_check_finds_what_is_wrong_with_memberships() {
    for (name, db) in laurel_testkit::backends() {
        let store = open(&db).await;
        let (whole, gap, unpaid, twice, stray) = (
            enroll(&store, "whole").await,
            enroll(&store, "gap").await,
            enroll(&store, "unpaid").await,
            enroll(&store, "twice").await,
            enroll(&store, "stray").await,
        );
        let mut tx = store.begin().await.unwrap();
        // Whole: two terms end to end, the row naming it.
        let m = membership(PayWith::External, t0());
        let id = tx
            .insert_membership(whole, &m, None, "key:test", paid_by_billing(t0()))
            .await
            .unwrap();
        let next = Term {
            number: 2,
            starts_at: m.term.ends_at,
            ends_at: m.term.ends_at + days(365),
            ..m.term.clone()
        };
        tx.insert_term(id, &next, paid_by_billing(t0()))
            .await
            .unwrap();
        let plan = MemberPlan {
            plan: "plus".into(),
            from: t0(),
            until: next.ends_at,
        };
        tx.set_member_plan(whole, Some(&plan)).await.unwrap();
        // A second term that starts a day late.
        let g = tx
            .insert_membership(gap, &m, None, "key:test", paid_by_billing(t0()))
            .await
            .unwrap();
        let late = Term {
            starts_at: next.starts_at + days(1),
            ..next.clone()
        };
        tx.insert_term(g, &late, paid_by_billing(t0()))
            .await
            .unwrap();
        // Paid from the wallet, with no wallet payment behind it.
        let u = tx
            .insert_membership(
                unpaid,
                &membership(PayWith::Wallet, t0()),
                None,
                "key:test",
                paid_by_billing(t0()),
            )
            .await
            .unwrap();
        // Two memberships not yet ended.
        for _ in 0..2 {
            tx.insert_membership(twice, &m, None, "key:test", paid_by_billing(t0()))
                .await
                .unwrap();
        }
        // A plan in force on the row that no membership of the member's is.
        tx.set_member_plan(stray, Some(&plan)).await.unwrap();
        tx.commit().await.unwrap();
        let check = store.check_consistency().await.unwrap().memberships;
        assert_eq!(check.broken_terms, [g], "[{name}]");
        assert_eq!(check.unpaid_terms, [u], "[{name}]");
        assert_eq!(check.held_twice, [twice.0], "[{name}]");
        assert_eq!(check.plan_mismatches, [stray.0], "[{name}]");
        assert!(!check.is_whole(), "[{name}]");
    }
}
