//! The stored history as a replay is fed it: every row turned into a [`Happening`] at the
//! instant it was decided, in the order the write path decided them.

use jiff::Timestamp;
use laurel_core::rules::{Basket, Event, Line};
use laurel_core::simulation::{Happening, Job, TransferKind, What};
use laurel_core::{Channel, Currency};
use laurel_store::{HistoryPurchase, StoredHistory};
use rust_decimal::Decimal;

// Where each table's rows stand among those decided at the same instant and batch place:
// its rows then follow in id order, ids being given in the order rows are written. Every
// command that posted (a redemption of points or of a reward, an adjustment, a refund that
// took points back, a cancellation) sorts by its journal row, so those run in the order
// they ran.
const MEMBERS: u8 = 0;
const PURCHASES: u8 = 1;
const EVENTS: u8 = 2;
const REFUNDS: u8 = 3;
const JOURNAL: u8 = 4;
const CANCELLATIONS: u8 = 5;
const ASSIGNMENTS: u8 = 6;
const JOB_RUNS: u8 = 7;
const MEMBERSHIPS: u8 = 8;

/// Every happening recorded before `until`, in the order the write path decided them: by the
/// instant each was decided at; within one instant (one batch of the write path), those that
/// read the ledger before those that only append to it, as the write path runs a batch; then
/// in the order their rows were written.
pub(crate) fn happenings(
    history: StoredHistory,
    currency: Currency,
    until: Timestamp,
) -> Vec<Happening> {
    let digits = currency.minor_digits();
    // (instant, order in a batch, table, row id): the sort key.
    let mut keyed: Vec<((Timestamp, u8, u8, i64), What)> = Vec::with_capacity(
        history.members.len()
            + history.purchases.len()
            + history.refunds.len()
            + history.events.len()
            + history.postings.len()
            + 2 * history.redemptions.len()
            + history.assignments.len()
            + history.memberships.len()
            + history.transfers.len()
            + 2 * history.point_holds.len()
            + history.job_runs.len(),
    );
    // A member is written before anything of theirs; members written before that instant was
    // kept (or by raw writes) count as written no later than their first recorded activity.
    let mut first: std::collections::HashMap<i64, Timestamp> = std::collections::HashMap::new();
    let mut seen = |member: i64, at: Timestamp| {
        let earliest = first.entry(member).or_insert(at);
        *earliest = (*earliest).min(at);
    };
    history
        .purchases
        .iter()
        .for_each(|p| seen(p.member.0, p.recorded_at));
    history
        .events
        .iter()
        .for_each(|e| seen(e.member.0, e.recorded_at));
    history
        .postings
        .iter()
        .for_each(|p| seen(p.member.0, p.posted_at));
    history
        .redemptions
        .iter()
        .for_each(|r| seen(r.member.0, r.redeemed_at));
    history
        .assignments
        .iter()
        .for_each(|a| seen(a.member.0, a.at));
    history
        .memberships
        .iter()
        .for_each(|m| seen(m.member.0, m.at));
    for t in &history.transfers {
        seen(t.from.0, t.at);
        seen(t.to.0, t.at);
    }
    for h in &history.point_holds {
        seen(h.member.0, h.at);
    }
    let mut push = |at: Timestamp, table: u8, id: i64, what: What| {
        if at < until {
            keyed.push(((at, what.batch_order(), table, id), what));
        }
    };
    for m in history.members {
        let written = first
            .get(&m.id.0)
            .map_or(m.recorded_at, |at| m.recorded_at.min(*at));
        push(
            written,
            MEMBERS,
            m.id.0,
            What::Enrolled {
                member: m.id.0,
                enrolled_at: m.enrolled_at,
                birthday: m.birthday,
                attributes: m.attributes,
                segments: m.segments,
                referred_by: m.referred_by.map(|r| r.0),
            },
        );
    }
    for p in history.purchases {
        let (at, id) = (p.recorded_at, p.id.0);
        push(at, PURCHASES, id, purchased(p, digits));
    }
    for e in history.events {
        push(
            e.recorded_at,
            EVENTS,
            e.id,
            What::Event {
                member: e.member.0,
                occurred_at: e.occurred_at,
                event: Event {
                    kind: e.kind,
                    attributes: e.attributes,
                },
            },
        );
    }
    for r in history.refunds {
        // One that took points back sorts by its posting, among the others that posted.
        let (place, id) = r.journal_id.map_or((REFUNDS, r.id), |j| (JOURNAL, j));
        push(
            r.recorded_at,
            place,
            id,
            What::Refunded {
                purchase: r.purchase.0,
                amount_minor: r.amount_minor,
            },
        );
    }
    for p in history.postings {
        let what = if p.kind == "redeem" {
            What::Redeemed {
                member: p.member.0,
                points: p.points,
            }
        } else {
            let sign = if p.kind == "adjust_debit" { -1 } else { 1 };
            What::Adjusted {
                member: p.member.0,
                points: sign * p.points,
            }
        };
        push(p.posted_at, JOURNAL, p.id, what);
    }
    for r in history.redemptions {
        if let Some(at) = r.cancelled_at {
            let (place, id) = r
                .restore_journal_id
                .map_or((CANCELLATIONS, r.id), |j| (JOURNAL, j));
            push(
                at,
                place,
                id,
                What::RedemptionCancelled { redemption: r.id },
            );
        }
        push(
            r.redeemed_at,
            JOURNAL,
            r.journal_id,
            What::RewardRedeemed {
                redemption: r.id,
                member: r.member.0,
                reward_id: r.reward_id,
                quantity: u32::try_from(r.quantity).unwrap_or(u32::MAX),
            },
        );
    }
    for a in history.assignments {
        push(
            a.at,
            ASSIGNMENTS,
            a.id,
            What::TierAssigned {
                member: a.member.0,
                tier: a.tier,
                reason: a.reason,
                until: a.until,
            },
        );
    }
    for m in history.memberships {
        push(
            m.at,
            MEMBERSHIPS,
            m.id,
            What::MembershipSet {
                member: m.member.0,
                plan: m.plan,
                from: m.from,
                until: m.until,
            },
        );
    }
    for t in history.transfers {
        // Its postings were written with the batch's others: it sorts by its first.
        push(
            t.at,
            JOURNAL,
            t.journal_id,
            What::Transferred {
                from: t.from.0,
                to: t.to.0,
                points: t.points,
                kind: match (t.in_household, t.gives_back) {
                    (_, true) => TransferKind::GivenBack,
                    (true, false) => TransferKind::Lent,
                    (false, false) => TransferKind::Sent,
                },
            },
        );
    }
    for h in history.point_holds {
        if let Some((captured, journal, at)) = h.closed {
            push(
                at,
                JOURNAL,
                journal,
                What::PointHoldClosed {
                    hold: h.id,
                    captured,
                },
            );
        }
        push(
            h.at,
            JOURNAL,
            h.journal_id,
            What::PointsHeld {
                hold: h.id,
                member: h.member.0,
                points: h.points,
            },
        );
    }
    for run in history.job_runs {
        let job = match run.job.as_str() {
            "expiry" => Job::Expiry,
            "release" => Job::Release,
            "tiers" => Job::Tiers,
            // Not a job this version runs: nothing to replay.
            _ => continue,
        };
        push(
            run.started_at,
            JOB_RUNS,
            run.id,
            What::JobRan {
                job,
                as_of: run.as_of,
            },
        );
    }
    keyed.sort_by_key(|(key, _)| *key);
    keyed
        .into_iter()
        .map(|((at, ..), what)| Happening { at, what })
        .collect()
}

/// A stored purchase as rules see it: amounts back in the currency's units.
fn purchased(p: HistoryPurchase, digits: u32) -> What {
    let money = |minor: i64| Decimal::new(minor, digits);
    // Stored from a `Channel`, so it parses; a row written around the write path with
    // another name is judged as at the till.
    let channel = p.channel.parse().unwrap_or(Channel::Pos);
    What::Purchased {
        purchase: p.id.0,
        member: p.member.0,
        occurred_at: p.occurred_at,
        basket: Basket {
            channel,
            store: p.store,
            total: money(p.total_minor),
            lines: p
                .lines
                .into_iter()
                .map(|l| Line {
                    category: l.category,
                    ..Line::new(l.sku, l.quantity, money(l.unit_price_minor))
                })
                .collect(),
            partner: p.partner,
        },
        total_minor: p.total_minor,
    }
}
