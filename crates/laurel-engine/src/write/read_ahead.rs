//! Reading ahead for a batch: what its commands will read, asked of the store in one statement
//! per kind before the first command runs, so that each command's own reads ask nothing.
//!
//! Why: a purchase reads its member, its idempotent answer and the usage of the limited rules
//! it triggers. One command at a time, that is three statements each; on PostgreSQL each is a
//! round trip, and they were most of a batch's time. What is read ahead the transaction keeps
//! current through its own writes (see the store's `known.rs`), so commands read the same
//! values they would have asked for.

use crate::earning::credit::{PURCHASE_SCOPE, basket, event_scope, order_key, purchase_key};
use crate::requests::MemberRef;
use crate::write::command::Command;
use crate::write::context::Context;
use crate::write::steps::find_locked;
use jiff::Timestamp;
use laurel_core::rules::{Activity, Event, Periods, usage_periods};
use laurel_store::{MemberId, PurchaseId, StoreError, Tx, UsageAsk};

/// Locks and reads the members of `commands` (a refund's: its purchase's), then the
/// idempotent answers, when each buyer last bought and the rule usage of their purchases and
/// events.
pub(crate) async fn read_ahead(
    tx: &mut Tx,
    ctx: &Context<'_>,
    commands: &[&Command],
) -> Result<(), StoreError> {
    let mut ids: Vec<MemberId> = commands.iter().filter_map(|c| c.member_id()).collect();
    // A refund names its purchase, not its member. Locked here with the others, in one
    // order, rather than when the refund runs: two batches that each lock one member first
    // and the other's later wait on each other until PostgreSQL breaks the deadlock.
    let refunded: Vec<PurchaseId> = commands
        .iter()
        .filter_map(|c| match c {
            Command::Refund(r) => Some(PurchaseId(r.request.purchase_id)),
            _ => None,
        })
        .collect();
    if !refunded.is_empty() {
        ids.extend(tx.purchase_members(&refunded).await?);
    }
    let mut external: Vec<&str> = commands
        .iter()
        .filter_map(|c| c.member_external_id())
        .collect();
    for other in commands.iter().filter_map(|c| c.other_member()) {
        match other {
            MemberRef::Id(id) => ids.push(MemberId(*id)),
            MemberRef::External(ext) => external.push(ext),
        }
    }
    // A redemption may be lent points by the member's household: its members are locked
    // with the batch's others, in one order, not halfway through the command.
    if ctx.households.is_some() {
        for command in commands {
            let spender = match command {
                Command::Redeem(r) => r.member_id,
                Command::RedeemReward(r) => r.member_id,
                _ => continue,
            };
            ids.extend(tx.household_others(MemberId(spender)).await?);
        }
    }
    // A cancelled reward gives back what the household lent toward it: the lenders too.
    for command in commands {
        if let Command::CloseRedemption {
            redemption,
            closing: laurel_core::rewards::Closing::Cancel,
            ..
        } = command
        {
            ids.extend(tx.redemption_lenders(redemption.0).await?);
        }
    }
    tx.lock_members(&ids, &external).await?;
    let mut keys: Vec<(String, String)> = Vec::new();
    let mut usage: Vec<(MemberId, Vec<String>, Periods)> = Vec::new();
    let mut buyers: Vec<MemberId> = Vec::new();
    for command in commands {
        let (member, activity, at) = match command {
            Command::Purchase(p) => {
                let r = &p.request;
                keys.push((PURCHASE_SCOPE.to_owned(), purchase_key(r)));
                let Some(member) = member(tx, &r.member).await? else {
                    continue;
                };
                buyers.push(member);
                (member, Activity::Purchase(basket(r)), r.occurred_at)
            }
            Command::GuestPurchase(p) => {
                let r = &p.request;
                keys.push((PURCHASE_SCOPE.to_owned(), order_key(r.channel, &r.order_id)));
                continue;
            }
            Command::Event(valid) => {
                let e = &valid.request;
                let Some(member) = member(tx, &e.member).await? else {
                    continue;
                };
                keys.push((event_scope(member), e.event_id.clone()));
                let event = Event {
                    kind: e.kind.clone(),
                    attributes: Default::default(),
                };
                (member, Activity::Event(event), e.occurred_at)
            }
            _ => continue,
        };
        if let Some((rules, periods)) = member_limited(ctx, &activity, at) {
            usage.push((member, rules, periods));
        }
    }
    let keys: Vec<(&str, &str)> = keys.iter().map(|(s, k)| (s.as_str(), k.as_str())).collect();
    tx.read_answers(&keys).await?;
    if !buyers.is_empty() {
        tx.read_last_purchases(&buyers).await?;
    }
    let asks: Vec<UsageAsk> = usage
        .iter()
        .map(|(member, rules, periods)| UsageAsk {
            member: *member,
            rules,
            periods: *periods,
        })
        .collect();
    tx.read_usage(&asks).await
}

/// The rules with per-member limits that `activity` at `at` triggers, and the periods their
/// usage is read for; none when there are none, or when a rule has a campaign budget (that
/// usage is read under the budget's lock, when the command runs).
fn member_limited(
    ctx: &Context<'_>,
    activity: &Activity,
    at: Timestamp,
) -> Option<(Vec<String>, Periods)> {
    let ctx = ctx.as_of(at);
    let limited = ctx.rules.limited_by(activity);
    if limited.member.is_empty() || !limited.campaign.is_empty() {
        return None;
    }
    // A time the calendar cannot place is the command's own error to report.
    let periods = usage_periods(ctx.program, at).ok()?;
    Some((limited.member, periods))
}

/// The id of the member `named`, from what the transaction read ahead.
async fn member(tx: &mut Tx, named: &MemberRef) -> Result<Option<MemberId>, StoreError> {
    Ok(find_locked(tx, named).await?.map(|m| m.id))
}
