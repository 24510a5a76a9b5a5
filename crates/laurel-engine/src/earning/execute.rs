//! Purchases and custom events in the write path: what they earn, the earn posting and its
//! grants, a referral's payout, the tier check after.

use crate::checks::fingerprint;
use crate::earning::credit::{
    PURCHASE_SCOPE, Posted, credit, earning, event_scope, purchase_earning, purchase_key,
    tier_discount,
};
use crate::earning::validate::{ValidEvent, ValidPurchase};
use crate::error::Result;
use crate::fraud::judge::{self as fraud, Operation};
use crate::outcomes::{EventOutcome, PurchaseOutcome};
use crate::partners::entries::{self, Entry};
use crate::write::context::Context;
use crate::write::steps::{internal, lock_active, remember, replay};
use laurel_core::Money;
use laurel_core::rules::{Activity, Event};
use laurel_store::{NewPurchase, Tx};

/// Records a purchase once per (channel, order id) and earns what the program grants for it.
pub(crate) async fn purchase(
    tx: &mut Tx,
    ctx: &Context<'_>,
    p: &ValidPurchase,
) -> Result<PurchaseOutcome> {
    let r = &p.request;
    let ctx = &ctx.as_of(r.occurred_at);
    let key = purchase_key(r);
    let print = fingerprint(r)?;
    if let Some(answer) = replay::<PurchaseOutcome>(tx, PURCHASE_SCOPE, &key, &print).await? {
        return Ok(PurchaseOutcome {
            replayed: true,
            ..answer
        });
    }
    if let Some(late) = p.late {
        return Err(late.refusal());
    }
    // Judged by the program of the purchase's time, as its rules are.
    let partner = r
        .partner
        .as_deref()
        .map(|code| entries::partner(ctx, code))
        .transpose()?;
    let member = lock_active(tx, &r.member).await?;
    // Reads only: a refusal here (too many points) leaves the transaction untouched.
    let (earning, referral) = purchase_earning(tx, ctx, &member, r).await?;
    // Decided by the tier held before the purchase: an upgrade it brings discounts the next.
    let tier_discount = tier_discount(ctx, &member, r);
    let tier_discount_minor = Money::new(tier_discount, ctx.program.currency)
        .and_then(Money::to_minor)
        .map_err(internal)?;
    let operation = Operation::Earn {
        points: earning.total.get(),
        spend_minor: Some(p.total_minor),
        at: r.occurred_at,
    };
    let judged = fraud::judge(tx, ctx, member.id, operation, &key).await?;
    judged.refusal(ctx.now)?;
    let earned = credit(
        tx,
        ctx,
        &member,
        &earning,
        r.occurred_at,
        Posted {
            reason: "purchase".into(),
            reference: key.clone(),
            held: judged.holds(),
        },
    )
    .await?;
    judged
        .let_through(tx, earned.journal, earned.lot.map(|l| l.0), ctx.now)
        .await?;
    let purchase_id = tx
        .insert_purchase(&NewPurchase {
            member: member.id,
            channel: r.channel.as_str().to_owned(),
            order_id: r.order_id.clone(),
            store: r.store.clone(),
            currency: r.currency.clone(),
            total_minor: p.total_minor,
            points_earned: earning.total.get(),
            tier_discount_minor,
            lot: earned.lot,
            occurred_at: r.occurred_at,
            recorded_at: ctx.now,
            lines: p.lines.clone(),
            partner: r.partner.clone(),
        })
        .await?;
    if let (Some(partner), Some(journal)) = (partner, earned.journal) {
        let entry = Entry {
            member: member.id,
            journal,
            points: earning.total.get(),
            reference: &key,
        };
        entries::issued(tx, ctx.now, partner, entry).await?;
    }
    // Held, the purchase counts toward no tier until a reviewer releases its points, and the
    // referral it pays out holds the referrer's bonus too.
    let held = judged.holds().then_some(&judged);
    // A purchase that earned nothing holds nothing: no case names a lot to settle it by.
    if held.is_some() && earned.lot.is_some() {
        tx.hold_purchase_for_review(purchase_id).await?;
    }
    if let Some(referral) = &referral {
        let paying = crate::referrals::execute::Paying {
            referral,
            referee: &member,
            purchase: purchase_id,
            held,
        };
        crate::referrals::execute::pay_out(tx, ctx, paying, r.occurred_at).await?;
    }
    let tier_change = crate::tiers::execute::after_activity(tx, ctx, &member).await?;
    let answer = PurchaseOutcome {
        purchase_id: purchase_id.0,
        member_id: member.id.0,
        tier_discount,
        earned: earned.answer(earning, tier_change),
        replayed: false,
    };
    remember(tx, ctx, PURCHASE_SCOPE, &key, print, &answer).await?;
    Ok(answer)
}

/// Records a custom event once per member and event id and earns what its rules grant.
pub(crate) async fn event(tx: &mut Tx, ctx: &Context<'_>, e: &ValidEvent) -> Result<EventOutcome> {
    let r = &e.request;
    let ctx = &ctx.as_of(r.occurred_at);
    // The event id is unique per member, so the member is resolved (and locked) first.
    let member = lock_active(tx, &r.member).await?;
    let scope = event_scope(member.id);
    // The member as given (id or external id) is not part of the fingerprint: either way of
    // naming them is the same event.
    let print = fingerprint(&(&r.event_id, &r.kind, &r.attributes, r.occurred_at))?;
    if let Some(answer) = replay::<EventOutcome>(tx, &scope, &r.event_id, &print).await? {
        return Ok(EventOutcome {
            replayed: true,
            ..answer
        });
    }
    if let Some(late) = e.late {
        return Err(late.refusal());
    }
    let activity = Activity::Event(Event {
        kind: r.kind.clone(),
        attributes: r.attributes.clone(),
    });
    // Reads only: a refusal here (too many points) leaves the transaction untouched.
    let earning = earning(tx, ctx, &member, activity, r.occurred_at, "kind", None).await?;
    let operation = Operation::Earn {
        points: earning.total.get(),
        spend_minor: None,
        at: r.occurred_at,
    };
    let reference = format!("{}:{}", r.kind, r.event_id);
    let judged = fraud::judge(tx, ctx, member.id, operation, &reference).await?;
    judged.refusal(ctx.now)?;
    let earned = credit(
        tx,
        ctx,
        &member,
        &earning,
        r.occurred_at,
        Posted {
            reason: format!("event: {}", r.kind),
            reference,
            held: judged.holds(),
        },
    )
    .await?;
    judged
        .let_through(tx, earned.journal, earned.lot.map(|l| l.0), ctx.now)
        .await?;
    // Kept whatever it earned: a simulated program may reward what this one did not.
    tx.record_event(
        member.id,
        &r.event_id,
        &r.kind,
        &r.attributes,
        r.occurred_at,
        ctx.now,
    )
    .await?;
    // Events move the metric only when tiers qualify by points earned.
    let tier_change = match ctx.tiers {
        Some(policy) if policy.metric.moved_by_event(earning.total) => {
            crate::tiers::execute::after_activity(tx, ctx, &member).await?
        }
        _ => None,
    };
    let answer = EventOutcome {
        member_id: member.id.0,
        event_id: r.event_id.clone(),
        kind: r.kind.clone(),
        earned: earned.answer(earning, tier_change),
        replayed: false,
    };
    remember(tx, ctx, &scope, &r.event_id, print, &answer).await?;
    Ok(answer)
}
