//! Membership fees in the books on both backends: a term's fee deferred when charged and
//! earned evenly over its term, a cancellation at once giving the rest back, each period's
//! roll closing and opening where the one before closed, with journal entries that move the
//! deferred fees by exactly the roll.

use super::*;
use jiff::tz::TimeZone;
use laurel_core::books::{Accounts, MembershipFeesRoll, ReportingPeriod, Span};
use laurel_core::membership::{PayWith, Term, When};
use laurel_engine::{BooksJournal, BooksRange, BooksReport, JoinMembershipRequest, TermView};

/// A yearly plan of ¥120, a cancellation at once giving back the rest pro rata.
const PLUS: &str = r#"
[[memberships]]
id = "plus"
name = "Plus"
fee = "120"
term = "year"
cancel_refund = "pro_rata"
earn_multiplier = "2"
"#;

fn shanghai() -> TimeZone {
    TimeZone::get("Asia/Shanghai").unwrap()
}

/// The term a view tells, in fen, as the core reckons what it earns.
fn term_of(view: &TermView) -> Term {
    let fen = |d: Decimal| i64::try_from(d.mantissa()).unwrap() * 10_i64.pow(2 - d.scale());
    Term {
        number: view.number,
        starts_at: view.starts_at,
        ends_at: view.ends_at,
        fee: fen(view.fee),
        trial: view.trial,
        cut_at: view.cut_at,
        refund: fen(view.refund),
    }
}

async fn report_over(engine: &Engine, from: Timestamp, to: Timestamp) -> BooksReport {
    engine.books_report(BooksRange { from, to }).await.unwrap()
}

/// Every period's roll closes, opens where the one before closed, and the periods together
/// make the total; the journal's membership lines move the deferred fees by each period's
/// closing − opening, and say which memberships moved them.
fn assert_rolls_and_journal(name: &str, report: BooksReport) {
    assert_eq!(report.memberships.len(), report.periods.len(), "[{name}]");
    let total = report.total_memberships;
    assert!(total.closes(), "[{name}] {total:?}");
    let mut closing = total.opening;
    for (period, roll) in report.periods.iter().zip(&report.memberships) {
        let label = &period.span.label;
        assert!(roll.closes(), "[{name}] {label}: {roll:?}");
        assert_eq!(roll.opening, closing, "[{name}] {label}");
        closing = roll.closing;
    }
    assert_eq!(closing, total.closing, "[{name}]");
    let sum = |f: fn(&MembershipFeesRoll) -> Decimal| -> Decimal {
        report.memberships.iter().map(f).sum()
    };
    assert_eq!(
        [sum(|r| r.charged), sum(|r| r.refunded), sum(|r| r.earned)],
        [total.charged, total.refunded, total.earned],
        "[{name}] the periods make the total"
    );

    let deferred = Accounts::defaults().membership_deferred;
    assert_eq!(report.accounts.membership_deferred, deferred, "[{name}]");
    let journal = BooksJournal::of(report);
    let rows = journal.rows(&shanghai());
    for (period, roll) in journal
        .report
        .periods
        .iter()
        .zip(&journal.report.memberships)
    {
        let label = &period.span.label;
        let lines: Vec<_> = rows
            .iter()
            .filter(|r| r.pool == "memberships" && &r.period == label)
            .collect();
        let moved: Decimal = lines
            .iter()
            .map(|r| {
                let amount = dec(&r.amount);
                match (r.credit_account == deferred, r.debit_account == deferred) {
                    (true, false) => amount,
                    (false, true) => -amount,
                    _ => Decimal::ZERO,
                }
            })
            .sum();
        assert_eq!(
            moved,
            roll.closing - roll.opening,
            "[{name}] {label}: the entries move the deferred fees by the roll"
        );
        let reference = roll
            .terms
            .map(|(a, b)| format!("membership:{a}-{b}"))
            .unwrap_or_default();
        assert!(
            lines.iter().all(|r| r.reference == reference),
            "[{name}] {label}"
        );
    }
}

#[tokio::test]
async fn membership_fees_are_deferred_when_charged_earned_over_the_term_and_refunded_on_cancel() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(PLUS)).await;
        let member_id = member(&engine, "M1").await;
        let join = JoinMembershipRequest {
            member_id,
            plan: "plus".into(),
            pay_with: PayWith::External,
            idempotency_key: "join-1".into(),
            payment_reference: Some("bill-1".into()),
        };
        let joined = engine.join_membership(join, "key:till").await.unwrap();
        let id = joined.membership.id;
        assert_eq!(joined.charged, dec("120"), "[{name}]");
        let term = term_of(&joined.membership.term);

        // The month the term began in: charged its fee, earned its share by the month's end.
        let month: Span = ReportingPeriod::Month
            .holding(&shanghai(), term.starts_at)
            .unwrap();
        let report = report_over(&engine, month.start, month.end).await;
        assert_eq!(report.periods.len(), 1, "[{name}]");
        let roll = report.memberships[0];
        let earned = Decimal::new(term.earned(month.end), 2);
        assert!(earned > Decimal::ZERO, "[{name}] {earned}");
        assert_eq!(
            (roll.opening, roll.charged, roll.refunded, roll.earned),
            (dec("0"), dec("120.00"), dec("0"), earned),
            "[{name}] {roll:?}"
        );
        assert_eq!(roll.closing, dec("120") - earned, "[{name}]");
        assert_eq!(roll.terms, Some((id, id)), "[{name}]");
        assert_eq!(report.total_memberships, roll, "[{name}]");
        assert_rolls_and_journal(name, report);

        // Over three months, the one before and the one after too: nothing moves outside it.
        let before = ReportingPeriod::Month
            .holding(&shanghai(), month.start - SignedDuration::from_secs(1))
            .unwrap();
        let after = ReportingPeriod::Month
            .holding(&shanghai(), month.end)
            .unwrap();
        let report = report_over(&engine, before.start, after.end).await;
        assert_eq!(report.periods.len(), 3, "[{name}]");
        assert_eq!(
            report.memberships[0],
            MembershipFeesRoll::default(),
            "[{name}]"
        );
        assert_eq!(report.memberships[1], roll, "[{name}]");
        assert_rolls_and_journal(name, report);

        // Cancelled at once: the rest of the fee goes back, nothing is deferred after.
        let cancelled = engine
            .cancel_membership(id, When::Now, "key:till")
            .await
            .unwrap();
        assert!(cancelled.refunded > Decimal::ZERO, "[{name}]");
        let cut = term_of(&cancelled.membership.term);
        assert!(cut.cut_at.is_some(), "[{name}]");
        let report = report_over(&engine, before.start, after.end).await;
        let total = report.total_memberships;
        assert_eq!(total.charged, dec("120"), "[{name}]");
        assert_eq!(total.refunded, cancelled.refunded, "[{name}] {total:?}");
        assert_eq!(
            total.earned,
            dec("120") - cancelled.refunded,
            "[{name}] what was not given back was earned up to the cut"
        );
        assert_eq!(total.closing, Decimal::ZERO, "[{name}]");
        let in_month = report.memberships[1];
        assert_eq!(in_month.refunded, cancelled.refunded, "[{name}]");
        assert_eq!(in_month.terms, Some((id, id)), "[{name}]");
        assert_eq!(
            report.memberships[2],
            MembershipFeesRoll::default(),
            "[{name}]"
        );
        assert_rolls_and_journal(name, report);
        finish(name, engine).await;
    }
}
