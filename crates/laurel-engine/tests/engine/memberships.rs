//! Paid membership on both backends: a plan's tier held and its earn multiplier applied while
//! a term runs; cancelling at once cuts the term with a pro-rata refund (back to the wallet
//! when it paid) and ends the benefits at once; cancelling at the term's end lets it run out;
//! the memberships job renews from the wallet, ends a membership the wallet cannot pay for,
//! and lets one billing did not renew lapse; a trial only for a first membership of a plan.

// Amounts are written yuan_fen (500_00 is ¥500.00).
#![allow(clippy::inconsistent_digit_grouping)]

use super::tiers::with_tiers;
use super::wallet::{WALLET, ask, held, wallet_move};
use super::*;
use laurel_core::membership::{PayWith, When};
use laurel_engine::{JoinMembershipRequest, MembershipOutcome, RenewMembershipRequest, WalletAsk};

/// Plus: ¥120 a year, gold for the term, twice the base earn, refunded pro rata; Trial: ¥30
/// a month after a 14-day trial.
const PLANS: &str = r#"
[[memberships]]
id = "plus"
name = "Plus"
fee = "120"
term = "year"
cancel_refund = "pro_rata"
tier = "gold"
earn_multiplier = "2"
perks = ["Free delivery"]

[[memberships]]
id = "monthly"
name = "Monthly"
fee = "30"
term = "month"
trial_days = 14
"#;

fn plans_program() -> ProgramDefinition {
    with_tiers(&[], &format!("{WALLET}{PLANS}"))
}

fn join_request(member_id: i64, plan: &str, pay_with: PayWith, key: &str) -> JoinMembershipRequest {
    JoinMembershipRequest {
        member_id,
        plan: plan.into(),
        pay_with,
        idempotency_key: key.into(),
        payment_reference: Some(format!("pay-{key}")),
    }
}

async fn join(engine: &Engine, member_id: i64, plan: &str, pay_with: PayWith) -> MembershipOutcome {
    engine
        .join_membership(
            join_request(member_id, plan, pay_with, &format!("j-{member_id}-{plan}")),
            "key:shop",
        )
        .await
        .unwrap()
}

async fn tier(engine: &Engine, member_id: i64) -> Option<String> {
    engine
        .tier_status(&MemberRef::Id(member_id))
        .await
        .unwrap()
        .tier
        .map(|t| t.id)
}

#[tokio::test]
async fn a_plan_holds_its_tier_and_doubles_the_base_earn_until_it_is_cancelled_at_once() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, plans_program()).await;
        let id = member(&engine, "M1").await;
        assert_eq!(
            tier(&engine, id).await.as_deref(),
            Some("green"),
            "[{name}]"
        );
        let joined = join(&engine, id, "plus", PayWith::External).await;
        assert_eq!(joined.charged, dec("120.00"), "[{name}]");
        assert_eq!(joined.membership.state, "active", "[{name}]");
        assert!(joined.membership.in_force, "[{name}]");
        assert_eq!(joined.membership.term.fee, dec("120.00"), "[{name}]");
        assert_eq!(tier(&engine, id).await.as_deref(), Some("gold"), "[{name}]");
        // ¥100: 100 base, gold's 1.5× adds 50, the plan's 2× adds 100.
        let bought = buy_now(&engine, id, "o-1", "100").await;
        assert_eq!(bought.earned.points_earned, 250, "[{name}]");
        // A retry is answered as the first; a second membership is refused while one runs.
        let again = engine
            .join_membership(
                join_request(id, "plus", PayWith::External, &format!("j-{id}-plus")),
                "key:shop",
            )
            .await
            .unwrap();
        assert_eq!(again.membership.id, joined.membership.id, "[{name}]");
        let second = engine
            .join_membership(
                join_request(id, "monthly", PayWith::External, "other"),
                "key:shop",
            )
            .await
            .unwrap_err();
        assert_eq!(second.code().as_str(), "membership_held", "[{name}]");
        // Cancelled at once moments in: all but the fen of the time used comes back.
        let cancelled = engine
            .cancel_membership(joined.membership.id, When::Now, "key:shop")
            .await
            .unwrap();
        assert_eq!(cancelled.membership.state, "ended", "[{name}]");
        assert_eq!(
            cancelled.membership.end_reason.as_deref(),
            Some("cancelled"),
            "[{name}]"
        );
        assert!(
            cancelled.refunded >= dec("119.90") && cancelled.refunded < dec("120"),
            "[{name}] {}",
            cancelled.refunded
        );
        assert_eq!(
            cancelled.membership.term.refund, cancelled.refunded,
            "[{name}]"
        );
        assert!(!cancelled.membership.in_force, "[{name}]");
        assert_eq!(
            tier(&engine, id).await.as_deref(),
            Some("green"),
            "[{name}]"
        );
        let after = buy_now(&engine, id, "o-2", "100").await;
        assert_eq!(after.earned.points_earned, 100, "[{name}]");
        // A retried cancellation is answered as the first; the ended membership refuses more.
        let retried = engine
            .cancel_membership(joined.membership.id, When::Now, "key:shop")
            .await
            .unwrap();
        assert_eq!(retried, cancelled, "[{name}]");
        let late = engine
            .cancel_membership(joined.membership.id, When::TermEnd, "key:shop")
            .await
            .unwrap_err();
        assert_eq!(late.code().as_str(), "membership_ended", "[{name}]");
        let listed = engine.memberships_of(id).await.unwrap();
        assert_eq!(listed.len(), 1, "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn a_wallet_pays_the_fee_gets_a_cut_term_back_and_the_job_renews_or_ends_on_its_funds() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, plans_program()).await;
        let funded = member(&engine, "W1").await;
        wallet_move(&engine, ask(funded, WalletAsk::TopUp, "300", "w1-t")).await;
        let paid = join(&engine, funded, "plus", PayWith::Wallet).await;
        assert!(paid.wallet_move_id.is_some(), "[{name}]");
        assert_eq!(held(&engine, funded).await, (180_00, 0), "[{name}]");
        // Short of the fee: refused, nothing written.
        let poor = member(&engine, "W2").await;
        wallet_move(&engine, ask(poor, WalletAsk::TopUp, "50", "w2-t")).await;
        let refused = engine
            .join_membership(
                join_request(poor, "plus", PayWith::Wallet, "w2-j"),
                "key:shop",
            )
            .await
            .unwrap_err();
        assert_eq!(refused.code().as_str(), "insufficient_funds", "[{name}]");
        assert!(
            engine.memberships_of(poor).await.unwrap().is_empty(),
            "[{name}]"
        );
        assert_eq!(
            tier(&engine, poor).await.as_deref(),
            Some("green"),
            "[{name}]"
        );
        // At the end of the year the job renews the funded member from the wallet.
        let end = paid.membership.term.ends_at;
        assert_eq!(engine.run_memberships(end).await.unwrap(), 1, "[{name}]");
        let renewed = engine.membership(paid.membership.id).await.unwrap();
        assert_eq!(renewed.term.number, 2, "[{name}]");
        assert_eq!(renewed.term.starts_at, end, "[{name}]");
        assert_eq!(held(&engine, funded).await, (60_00, 0), "[{name}]");
        // A second run at the same instant finds nothing due.
        assert_eq!(engine.run_memberships(end).await.unwrap(), 0, "[{name}]");
        // Cancelled at once: the refund goes back to the wallet that paid.
        let cancelled = engine
            .cancel_membership(paid.membership.id, When::Now, "key:shop")
            .await
            .unwrap();
        assert_eq!(
            cancelled.refunded,
            dec("120.00"),
            "[{name}] a term not yet begun comes back whole"
        );
        assert_eq!(held(&engine, funded).await, (180_00, 0), "[{name}]");
        // A year on, with ¥60 left after paying, the next renewal cannot be paid: it ends.
        let short = member(&engine, "W3").await;
        wallet_move(&engine, ask(short, WalletAsk::TopUp, "180", "w3-t")).await;
        let joined = join(&engine, short, "plus", PayWith::Wallet).await;
        let end = joined.membership.term.ends_at;
        assert_eq!(engine.run_memberships(end).await.unwrap(), 1, "[{name}]");
        let ended = engine.membership(joined.membership.id).await.unwrap();
        assert_eq!(
            (ended.state.as_str(), ended.end_reason.as_deref()),
            ("ended", Some("unpaid")),
            "[{name}]"
        );
        assert_eq!(ended.ended_at, Some(end), "[{name}]");
        assert_eq!(held(&engine, short).await, (60_00, 0), "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn billing_renews_within_its_window_and_a_term_not_renewed_runs_out() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, plans_program()).await;
        let id = member(&engine, "B1").await;
        let joined = join(&engine, id, "plus", PayWith::External).await;
        let renew = |key: &str| RenewMembershipRequest {
            membership_id: joined.membership.id,
            idempotency_key: key.into(),
            payment_reference: Some("inv-2".into()),
        };
        let early = engine
            .renew_membership(renew("r-1"), "key:billing")
            .await
            .unwrap_err();
        assert_eq!(early.code().as_str(), "renewal_not_open", "[{name}]");
        // Cancelled at the term's end: it still runs, cannot be renewed, and runs out.
        let ending = engine
            .cancel_membership(joined.membership.id, When::TermEnd, "key:shop")
            .await
            .unwrap();
        assert_eq!(
            (ending.membership.state.as_str(), ending.refunded),
            ("ending", dec("0")),
            "[{name}]"
        );
        assert!(ending.membership.in_force, "[{name}]");
        assert_eq!(tier(&engine, id).await.as_deref(), Some("gold"), "[{name}]");
        let refused = engine
            .renew_membership(renew("r-2"), "key:billing")
            .await
            .unwrap_err();
        assert_eq!(
            refused.code().as_str(),
            "membership_not_renewing",
            "[{name}]"
        );
        let end = joined.membership.term.ends_at;
        assert_eq!(engine.run_memberships(end).await.unwrap(), 1, "[{name}]");
        let ended = engine.membership(joined.membership.id).await.unwrap();
        assert_eq!(ended.end_reason.as_deref(), Some("not_renewed"), "[{name}]");
        // Now a new membership of another plan may start, with its trial (never held it).
        let monthly = join(&engine, id, "monthly", PayWith::External).await;
        assert!(monthly.membership.term.trial, "[{name}]");
        assert_eq!(monthly.charged, dec("0"), "[{name}]");
        let terms = engine.membership_terms(joined.membership.id).await.unwrap();
        assert_eq!(terms.len(), 1, "[{name}]");
        let unknown = engine
            .join_membership(
                join_request(id, "gold-club", PayWith::External, "u"),
                "key:shop",
            )
            .await
            .unwrap_err();
        assert_eq!(unknown.code().as_str(), "unknown_plan", "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn replaying_the_history_reproduces_what_memberships_did_to_tiers_and_earning() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, plans_program()).await;
        let (cut, wallet, trial) = (
            member(&engine, "R1").await,
            member(&engine, "R2").await,
            member(&engine, "R3").await,
        );
        let plus = join(&engine, cut, "plus", PayWith::External).await;
        buy_now(&engine, cut, "r-1", "100").await;
        engine
            .cancel_membership(plus.membership.id, When::Now, "key:shop")
            .await
            .unwrap();
        buy_now(&engine, cut, "r-2", "100").await;
        wallet_move(&engine, ask(wallet, WalletAsk::TopUp, "300", "r2-t")).await;
        join(&engine, wallet, "plus", PayWith::Wallet).await;
        buy_now(&engine, wallet, "r-3", "50").await;
        join(&engine, trial, "monthly", PayWith::External).await;
        buy_now(&engine, trial, "r-4", "80").await;
        let (grants, _) =
            super::simulation::assert_replayed_exactly(name, &engine, &[cut, wallet, trial]).await;
        // Base, gold's and the plan's grants for the members' first purchases at least.
        assert!(grants >= 7, "[{name}] only {grants} grants");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn billing_hears_of_every_membership_change_in_the_transaction_that_made_it() {
    use laurel_core::events::EventKind;
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, plans_program()).await;
        super::events::subscribe(
            &engine,
            &[
                EventKind::MembershipStarted,
                EventKind::MembershipRenewed,
                EventKind::MembershipCancelled,
                EventKind::MembershipEnded,
            ],
        )
        .await;
        let id = member(&engine, "E1").await;
        wallet_move(&engine, ask(id, WalletAsk::TopUp, "300", "e1-t")).await;
        let joined = join(&engine, id, "plus", PayWith::Wallet).await;
        let end = joined.membership.term.ends_at;
        engine.run_memberships(end).await.unwrap();
        engine
            .cancel_membership(joined.membership.id, When::TermEnd, "key:shop")
            .await
            .unwrap();
        let next_end = engine
            .membership(joined.membership.id)
            .await
            .unwrap()
            .term
            .ends_at;
        engine.run_memberships(next_end).await.unwrap();
        // A refused join tells nothing.
        let other = member(&engine, "E2").await;
        engine
            .join_membership(
                join_request(other, "plus", PayWith::Wallet, "e2"),
                "key:shop",
            )
            .await
            .unwrap_err();
        let events = super::events::written(&engine).await;
        let kinds: Vec<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "membership.started",
                "membership.renewed",
                "membership.cancelled",
                "membership.ended"
            ],
            "[{name}]"
        );
        let data = |i: usize| &events[i].1["data"];
        assert_eq!(data(0)["member"]["external_id"], "E1", "[{name}]");
        assert_eq!(data(0)["charged"], "120", "[{name}]");
        assert_eq!(data(0)["pay_with"], "wallet", "[{name}]");
        assert_eq!(data(1)["term"], 2, "[{name}]");
        assert_eq!(data(1)["starts_at"], end.to_string(), "[{name}]");
        assert_eq!(data(2)["state"], "ending", "[{name}]");
        assert_eq!(data(3)["end_reason"], "not_renewed", "[{name}]");
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn the_job_charges_no_term_already_over_nor_a_suspended_member_and_a_fee_is_refunded_only_by_cancelling()
 {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, plans_program()).await;
        // A run two years late ends the membership rather than charging for years gone by.
        let late = member(&engine, "J1").await;
        wallet_move(&engine, ask(late, WalletAsk::TopUp, "500", "j1-t")).await;
        let joined = join(&engine, late, "plus", PayWith::Wallet).await;
        let fee_move = joined.wallet_move_id.unwrap();
        let long_after = joined.membership.term.ends_at + days(800);
        assert_eq!(
            engine.run_memberships(long_after).await.unwrap(),
            1,
            "[{name}]"
        );
        let ended = engine.membership(joined.membership.id).await.unwrap();
        assert_eq!(ended.end_reason.as_deref(), Some("not_renewed"), "[{name}]");
        assert_eq!(
            engine
                .membership_terms(joined.membership.id)
                .await
                .unwrap()
                .len(),
            1,
            "[{name}]"
        );
        assert_eq!(
            held(&engine, late).await,
            (380_00, 50_00),
            "[{name}] charged once"
        );
        // The fee's wallet payment is not refunded as an order's would be.
        let mut refund = ask(
            late,
            WalletAsk::Refund {
                payment_id: fee_move,
            },
            "120",
            "j1-r",
        );
        refund.reference = "not an order".into();
        let refused = engine.wallet_move(refund, "key:till").await.unwrap_err();
        assert_eq!(
            refused.code().as_str(),
            "invalid_field",
            "[{name}] {refused}"
        );
        // A suspended member's wallet is not drawn by the job: the membership ends unpaid.
        let suspended = member(&engine, "J2").await;
        wallet_move(&engine, ask(suspended, WalletAsk::TopUp, "500", "j2-t")).await;
        let theirs = join(&engine, suspended, "plus", PayWith::Wallet).await;
        engine
            .set_suspended(suspended, true, "staff:test")
            .await
            .unwrap();
        let end = theirs.membership.term.ends_at;
        assert_eq!(engine.run_memberships(end).await.unwrap(), 1, "[{name}]");
        let unpaid = engine.membership(theirs.membership.id).await.unwrap();
        assert_eq!(unpaid.end_reason.as_deref(), Some("unpaid"), "[{name}]");
        assert_eq!(held(&engine, suspended).await, (380_00, 50_00), "[{name}]");
        finish(name, engine).await;
    }
}
