//! Simulation: a replay decides each happening as the write path does, against members held in
//! memory, refuses what the program replayed refuses (and says so), and its tally rolls every
//! month forward from the opening.

use super::fixtures::*;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use laurel_core::ledger::MemberLedger;
use laurel_core::rewards::Catalog;
use laurel_core::rules::{RuleSet, YearMonth};
use laurel_core::simulation::{
    Happening, Job, Refusal, Replay, ReplayError, Tally, Terms, TransferKind, Versions, Watch, What,
};
use laurel_core::{ExpiryPolicy, Program};

/// One program in force at every instant.
struct Always {
    program: Program,
    rules: RuleSet,
    catalog: Catalog,
    memberships: laurel_core::membership::MembershipPlans,
    transfers: Option<laurel_core::transfers::TransferPolicy>,
}

impl Versions for Always {
    fn at(&self, _at: Timestamp) -> Terms<'_> {
        Terms {
            program: &self.program,
            rules: &self.rules,
            tiers: None,
            catalog: &self.catalog,
            referrals: None,
            memberships: &self.memberships,
            transfers: self.transfers.as_ref(),
            households: None,
        }
    }
}

/// One point per yuan, a 10-point bonus on every purchase, points expiring after a month.
fn versions() -> Always {
    Always {
        program: program(|s| s.expiry = ExpiryPolicy::MonthsAfterEarning(1)),
        rules: rule_set(vec![rule("bonus", fixed(10))]),
        catalog: Catalog::empty(),
        memberships: laurel_core::membership::MembershipPlans::default(),
        transfers: None,
    }
}

/// Refusals told, in order.
#[derive(Default)]
struct Refusals(Vec<Refusal>);

impl Watch for Refusals {
    fn refused(&mut self, _at: Timestamp, _member: i64, refusal: &Refusal) {
        self.0.push(refusal.clone());
    }
}

fn at(at: &str, what: What) -> Happening {
    Happening { at: ts(at), what }
}

fn joined(member: i64) -> Happening {
    at(
        "2026-01-01T00:00:00Z",
        What::Enrolled {
            member,
            enrolled_at: ts("2026-01-01T00:00:00Z"),
            birthday: None,
            attributes: Default::default(),
            segments: Vec::new(),
            referred_by: None,
        },
    )
}

fn bought(purchase: i64, member: i64, when: &str, total: &str) -> Happening {
    at(
        when,
        What::Purchased {
            purchase,
            member,
            occurred_at: ts(when),
            basket: basket(total),
            total_minor: (dec(total) * dec("100")).try_into().unwrap(),
        },
    )
}

/// Replays `happenings` in order; the replay and the refusals it told.
fn replayed(happenings: &[Happening]) -> (Replay, Vec<Refusal>) {
    replayed_under(versions(), happenings)
}

/// [`replayed`] under `versions`.
fn replayed_under(versions: Always, happenings: &[Happening]) -> (Replay, Vec<Refusal>) {
    let mut replay = Replay::new();
    let mut refusals = Refusals::default();
    for h in happenings {
        replay.apply(h, &versions, &mut refusals).unwrap();
    }
    (replay, refusals.0)
}

fn balance(replay: &Replay, member: i64) -> (i64, i64) {
    let ledger = &replay.members()[&member].ledger;
    (ledger.available.get(), ledger.pending.get())
}

#[test]
fn a_purchase_earns_the_base_and_its_rules_and_keeps_their_grants() {
    let (replay, refusals) = replayed(&[joined(1), bought(7, 1, "2026-01-05T10:00:00Z", "120")]);
    assert_eq!(balance(&replay, 1), (130, 0));
    let grants: Vec<(&str, i64)> = replay.members()[&1]
        .grants
        .iter()
        .map(|g| (g.rule_id.as_str(), g.points))
        .collect();
    assert_eq!(grants, [("base", 120), ("bonus", 10)]);
    assert!(refusals.is_empty());
}

#[test]
fn a_redemption_the_member_cannot_afford_is_refused_and_leaves_the_ledger_alone() {
    let (replay, refusals) = replayed(&[
        joined(1),
        bought(7, 1, "2026-01-05T10:00:00Z", "50"),
        at(
            "2026-01-06T10:00:00Z",
            What::Redeemed {
                member: 1,
                points: 500,
            },
        ),
    ]);
    assert_eq!(balance(&replay, 1), (60, 0));
    assert!(matches!(refusals.as_slice(), [Refusal::Insufficient(_)]));
    assert_eq!(refusals[0].code(), "insufficient_points");
}

#[test]
fn a_transfer_replays_at_the_fee_in_force_and_is_refused_where_none_are_allowed() {
    let sent = |points| {
        at(
            "2026-01-06T10:00:00Z",
            What::Transferred {
                from: 1,
                to: 2,
                points,
                kind: TransferKind::Sent,
            },
        )
    };
    let history = [
        joined(1),
        joined(2),
        bought(7, 1, "2026-01-05T10:00:00Z", "100"),
        sent(50),
        sent(100),
    ];
    let mut with_fee = versions();
    with_fee.transfers =
        laurel_core::transfers::TransferPolicy::new(&laurel_core::transfers::TransferSpec {
            fee_points: Some(5),
            ..Default::default()
        })
        .ok();
    let (replay, refusals) = replayed_under(with_fee, &history);
    assert_eq!(balance(&replay, 1), (55, 0), "110 − 50 − 5");
    assert_eq!(balance(&replay, 2), (50, 0));
    assert_eq!(
        refusals.iter().map(Refusal::code).collect::<Vec<_>>(),
        ["insufficient_points"],
        "the second no longer affordable with its fee"
    );
    let (replay, refusals) = replayed(&history);
    assert_eq!(balance(&replay, 1), (110, 0));
    assert_eq!(
        refusals.iter().map(Refusal::code).collect::<Vec<_>>(),
        ["transfers_not_offered", "transfers_not_offered"]
    );
}

#[test]
fn a_refund_takes_back_its_share_of_the_purchase_points() {
    let (replay, _) = replayed(&[
        joined(1),
        bought(7, 1, "2026-01-05T10:00:00Z", "200"),
        at(
            "2026-01-08T10:00:00Z",
            What::Refunded {
                purchase: 7,
                amount_minor: 5_000,
            },
        ),
    ]);
    // 210 earned; a quarter of the purchase refunded takes back a quarter, rounded down.
    assert_eq!(balance(&replay, 1), (210 - 52, 0));
    assert_eq!(replay.members()[&1].purchases[0].points_reversed, 52);
}

#[test]
fn a_job_run_expires_only_what_is_due_at_the_instant_it_ran_as_of() {
    let expiry = |as_of: &str| {
        at(
            as_of,
            What::JobRan {
                job: Job::Expiry,
                as_of: ts(as_of),
            },
        )
    };
    let (replay, _) = replayed(&[
        joined(1),
        bought(7, 1, "2026-01-05T10:00:00Z", "100"),
        bought(8, 1, "2026-01-20T10:00:00Z", "40"),
        expiry("2026-02-01T00:00:00Z"),
    ]);
    assert_eq!(
        balance(&replay, 1),
        (160, 0),
        "nothing is due before a month"
    );
    let (replay, _) = replayed(&[
        joined(1),
        bought(7, 1, "2026-01-05T10:00:00Z", "100"),
        bought(8, 1, "2026-01-20T10:00:00Z", "40"),
        expiry("2026-02-10T00:00:00Z"),
    ]);
    assert_eq!(
        balance(&replay, 1),
        (50, 0),
        "the first purchase's points expired"
    );
}

#[test]
fn a_happening_of_a_member_not_enrolled_stops_the_replay() {
    let versions = versions();
    let mut replay = Replay::new();
    let error = replay
        .apply(
            &bought(7, 9, "2026-01-05T10:00:00Z", "10"),
            &versions,
            &mut (),
        )
        .unwrap_err();
    assert_eq!(error, ReplayError::UnknownMember(9));
}

#[test]
fn a_tally_counts_each_month_when_things_take_effect_and_rolls_its_stocks_forward() {
    let utc = TimeZone::UTC;
    let mut tally = Tally::new(utc, ts("2026-02-01T00:00:00Z"));
    let ledger = MemberLedger::default();
    let earn = |points: i64, when: &str| {
        ledger
            .earn(pts(points), ts(when), schedule(None, None), ts(when))
            .unwrap()
    };
    let (first, second) = (
        earn(100, "2026-01-15T00:00:00Z"),
        earn(50, "2026-02-03T00:00:00Z"),
    );
    let mut holding = MemberLedger::default();
    for (id, posting) in [(1, &first), (2, &second)] {
        holding
            .apply(posting, || laurel_core::ledger::LotId(id))
            .unwrap();
    }
    let redeem = holding.redeem(pts(30)).unwrap();
    tally.enrolled(ts("2026-01-10T00:00:00Z"), 1, None);
    tally.posted(ts("2026-01-15T00:00:00Z"), 1, &first);
    tally.posted(ts("2026-02-03T00:00:00Z"), 1, &second);
    tally.posted(ts("2026-02-20T00:00:00Z"), 1, &redeem);
    tally.purchased(ts("2026-02-03T00:00:00Z"), 1, 5_000);
    tally.tier_changed(
        ts("2026-03-06T00:00:00Z"),
        1,
        &laurel_core::tiers::TierChange {
            from: None,
            to: Some("gold".into()),
            reason: laurel_core::tiers::TierChangeReason::Qualified,
        },
    );
    let tallied = tally.finish();
    assert_eq!(
        tallied.opening.outstanding, 100,
        "January is before the span"
    );
    assert_eq!(tallied.opening.tiers.get(&None), Some(&1));
    let months: Vec<(YearMonth, i64, i64, i64)> = tallied
        .months
        .iter()
        .map(|m| {
            (
                m.month,
                m.flows.earned,
                m.flows.redeemed,
                m.closing.outstanding,
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            (
                YearMonth {
                    year: 2026,
                    month: 2
                },
                50,
                30,
                120
            ),
            (
                YearMonth {
                    year: 2026,
                    month: 3
                },
                0,
                0,
                120
            ),
        ]
    );
    assert_eq!(
        tallied.months[1].closing.tiers.get(&Some("gold".into())),
        Some(&1)
    );
    assert_eq!(tallied.months[1].closing.tiers.get(&None), None);
    assert_eq!((tallied.total.earned, tallied.total.redeemed), (50, 30));
    assert_eq!(
        (tallied.total.purchases, tallied.total.sales_minor),
        (1, 5_000)
    );
    assert_eq!(tallied.total.upgrades, 1);
    assert_eq!(tallied.closing.outstanding, 120);
}
