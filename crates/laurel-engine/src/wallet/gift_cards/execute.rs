//! Gift cards in the write path: a batch issued (each card's wallet opened, its value paid in
//! when active), a card activated when sold, and a card's value loaded into a member's wallet
//! (out of the card and into the wallet in one transaction).

use super::CardSecrets;
use crate::error::{EngineError, Result};
use crate::requests::MemberRef;
use crate::wallet::refusals::refusal;
use crate::wallet::validate::ValidIssue;
use crate::wallet::views::{GiftCardLoad, GiftCardView, IssuedGiftCards, WalletBalance};
use crate::write::context::Context;
use crate::write::steps::{lock_active, remember, replay};
use laurel_core::wallet::{GiftCard, GiftCardState, Wallet, WalletAccount, WalletError};
use laurel_store::{
    NewGiftCard, NewGiftCardBatch, NewWalletMove, StoredGiftCard, StoredWallet, Tx,
};

/// Where batches' idempotency keys are kept.
const BATCH_SCOPE: &str = "gift-card-batches";

/// A stored card as the core's rules read it.
pub(crate) fn card_rules(card: &StoredGiftCard) -> GiftCard {
    GiftCard {
        state: card.state,
        expires_at: card.expires_at,
        has_pin: card.pin_hash.is_some(),
        pin_failures: card.pin_failures,
    }
}

/// Issues a batch once per idempotency key; a retry is answered without the codes, which
/// are told once and never kept.
pub(crate) async fn issue(
    tx: &mut Tx,
    ctx: &Context<'_>,
    b: &ValidIssue,
    actor: &str,
) -> Result<IssuedGiftCards> {
    let r = &b.request;
    if let Some(answer) =
        replay::<IssuedGiftCards>(tx, BATCH_SCOPE, &r.idempotency_key, &b.print).await?
    {
        return Ok(IssuedGiftCards {
            repeated: true,
            ..answer
        });
    }
    ctx.wallet.ok_or(EngineError::WalletNotOffered)?;
    let batch = tx
        .insert_gift_card_batch(&NewGiftCardBatch {
            reference: &r.reference,
            cards: i64::from(r.count),
            face: b.face,
            expires_at: r.expires_at,
            actor,
            issued_at: ctx.now,
        })
        .await?;
    let state = if r.active {
        GiftCardState::Active
    } else {
        GiftCardState::Inactive
    };
    let mut cards = Vec::with_capacity(b.cards.len());
    for (code, pin) in &b.cards {
        let secrets = CardSecrets {
            code,
            pin: pin.as_deref(),
        };
        let wallet = tx.open_wallet(None, ctx.now).await?;
        let id = tx
            .insert_gift_card(&NewGiftCard {
                batch,
                wallet,
                code_hash: &secrets.code_hash(),
                code_last4: &secrets.last4(),
                pin_hash: secrets.pin_hash().as_deref(),
                face: b.face,
                state,
                expires_at: r.expires_at,
                issued_at: ctx.now,
            })
            .await?;
        if r.active {
            pay_in(
                tx,
                ctx,
                &StoredWallet::empty(wallet, None),
                b.face,
                &r.reference,
                actor,
            )
            .await?;
        }
        cards.push(secrets.issued(id));
    }
    let answer = IssuedGiftCards {
        batch_id: batch,
        face: b.face,
        active: r.active,
        expires_at: r.expires_at,
        count: r.count,
        cards,
        repeated: false,
    };
    let kept = IssuedGiftCards {
        cards: Vec::new(),
        ..answer.clone()
    };
    remember(
        tx,
        ctx,
        BATCH_SCOPE,
        &r.idempotency_key,
        b.print.clone(),
        &kept,
    )
    .await?;
    Ok(answer)
}

/// Pays a card's value in: money received for it, no bonus.
async fn pay_in(
    tx: &mut Tx,
    ctx: &Context<'_>,
    wallet: &StoredWallet,
    face: i64,
    reference: &str,
    actor: &str,
) -> Result<()> {
    let posting = wallet
        .balance
        .top_up(face, 0, 0, None)
        .map_err(|e| refusal(e, ctx.program.currency))?;
    tx.post_wallet(
        wallet,
        &NewWalletMove {
            posting: &posting,
            amount: face,
            payment: None,
            reference,
            actor,
            at: ctx.now,
        },
    )
    .await?;
    Ok(())
}

/// Activates a card sold: its value paid in. Only an inactive card is activated.
pub(crate) async fn activate(
    tx: &mut Tx,
    ctx: &Context<'_>,
    card: i64,
    actor: &str,
) -> Result<GiftCardView> {
    ctx.wallet.ok_or(EngineError::WalletNotOffered)?;
    let mut stored = locked_card(tx, card).await?;
    card_rules(&stored).check_activation(ctx.now)?;
    let wallet = locked_wallet(tx, &stored).await?;
    let reference = format!("gift-card:{}", stored.id);
    pay_in(tx, ctx, &wallet, stored.face, &reference, actor).await?;
    tx.activate_gift_card(stored.id, ctx.now).await?;
    stored.state = GiftCardState::Active;
    stored.activated_at = Some(crate::as_stored(ctx.now));
    let after = StoredWallet {
        balance: Wallet {
            principal: wallet.balance.principal + stored.face,
            ..wallet.balance
        },
        ..wallet
    };
    Ok(GiftCardView::of(&stored, &after))
}

/// Loads all a card holds into an active member's wallet, within the most a wallet may hold.
pub(crate) async fn load(
    tx: &mut Tx,
    ctx: &Context<'_>,
    card: i64,
    member: i64,
    actor: &str,
) -> Result<GiftCardLoad> {
    let policy = ctx.wallet.ok_or(EngineError::WalletNotOffered)?;
    let currency = ctx.program.currency;
    let owner = lock_active(tx, &MemberRef::Id(member)).await?;
    let mut stored = locked_card(tx, card).await?;
    card_rules(&stored).check_use(ctx.now)?;
    let card_wallet = locked_wallet(tx, &stored).await?;
    let out = card_wallet
        .balance
        .transfer_out()
        .map_err(|e| refusal(e, currency))?;
    let moved = out.delta(WalletAccount::Transfer);
    let target = tx.member_wallet(owner.id).await?;
    // What its checkouts hold counts: it comes back when they are voided.
    let after = (target.balance.total() + target.held.total()).saturating_add(moved);
    if let Some(max) = policy.balance_max.filter(|max| after > *max) {
        return Err(refusal(
            WalletError::OverBalanceMax { max, after },
            currency,
        ));
    }
    let into = target.balance.transfer_in(&out);
    let reference = format!("gift-card:{}", stored.id);
    for (wallet, posting) in [(&card_wallet, &out), (&target, &into)] {
        tx.post_wallet(
            wallet,
            &NewWalletMove {
                posting,
                amount: moved,
                payment: None,
                reference: &reference,
                actor,
                at: ctx.now,
            },
        )
        .await?;
    }
    tx.mark_gift_card_loaded(stored.id, owner.id, ctx.now)
        .await?;
    stored.state = GiftCardState::Loaded;
    stored.loaded_into = Some(owner.id);
    stored.loaded_at = Some(crate::as_stored(ctx.now));
    let emptied = StoredWallet {
        balance: card_wallet.balance.after(&out),
        ..card_wallet
    };
    Ok(GiftCardLoad {
        card: GiftCardView::of(&stored, &emptied),
        member_id: owner.id.0,
        amount: moved,
        balance: WalletBalance::of(target.balance.after(&into), target.held),
    })
}

async fn locked_card(tx: &mut Tx, card: i64) -> Result<StoredGiftCard> {
    tx.lock_gift_card(card)
        .await?
        .ok_or(EngineError::UnknownGiftCard)
}

async fn locked_wallet(tx: &mut Tx, card: &StoredGiftCard) -> Result<StoredWallet> {
    tx.lock_wallet(card.wallet)
        .await?
        .ok_or_else(|| EngineError::Internal(format!("gift card {} has no wallet", card.id)))
}
