//! A purchase by a customer who is not a member, in the write path: recorded once, in the
//! purchases' idempotency scope, so one order is recorded for a member or for nobody, never
//! both.

use crate::checks::fingerprint;
use crate::earning::credit::{PURCHASE_SCOPE, order_key};
use crate::earning::validate::ValidGuestPurchase;
use crate::error::Result;
use crate::outcomes::GuestPurchaseOutcome;
use crate::write::context::Context;
use crate::write::steps::{remember, replay};
use laurel_store::{NewGuestPurchase, Tx};

/// Records a non-member's purchase once per (channel, order id).
pub(crate) async fn guest_purchase(
    tx: &mut Tx,
    ctx: &Context<'_>,
    p: &ValidGuestPurchase,
) -> Result<GuestPurchaseOutcome> {
    let r = &p.request;
    let key = order_key(r.channel, &r.order_id);
    let print = fingerprint(r)?;
    if let Some(answer) = replay::<GuestPurchaseOutcome>(tx, PURCHASE_SCOPE, &key, &print).await? {
        return Ok(GuestPurchaseOutcome {
            replayed: true,
            ..answer
        });
    }
    if let Some(late) = p.late {
        return Err(late.refusal());
    }
    let id = tx
        .insert_guest_purchase(&NewGuestPurchase {
            channel: r.channel.as_str().to_owned(),
            order_id: r.order_id.clone(),
            store: r.store.clone(),
            currency: r.currency.clone(),
            total_minor: p.total_minor,
            occurred_at: r.occurred_at,
            recorded_at: ctx.now,
        })
        .await?;
    let answer = GuestPurchaseOutcome {
        guest_purchase_id: id,
        replayed: false,
    };
    remember(tx, ctx, PURCHASE_SCOPE, &key, print, &answer).await?;
    Ok(answer)
}
