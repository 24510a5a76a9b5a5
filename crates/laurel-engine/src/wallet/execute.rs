//! A wallet's moves in the write path: lock its owner (a member, a gift card) and the wallet,
//! let the core decide, store the posting, remember the answer.

use super::views::{WalletBalance, WalletOutcome};
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::{MemberRef, WalletAsk};
use crate::wallet::gift_cards::execute::card_rules;
use crate::wallet::refusals::{check_top_up, refusal};
use crate::wallet::validate::{ValidWallet, WalletRef};
use crate::write::context::Context;
use crate::write::steps::{lock, remember, replay};
use laurel_core::wallet::{GiftCardRefusal, GiftCardState, WalletAccount};
use laurel_store::{NewWalletMove, StoredWallet, Tx};

/// Tops up, pays from, refunds to or cashes out of a wallet, once per idempotency key.
/// A member's: top-ups and payments need them active; refunds and cash-outs reach a suspended
/// member's wallet, as refunds reach their points. A gift card's: it pays while active and
/// before its expiry, takes refunds until its value went to a member, and is neither topped
/// up nor cashed out.
pub(crate) async fn wallet(
    tx: &mut Tx,
    ctx: &Context<'_>,
    w: &ValidWallet,
    actor: &str,
) -> Result<WalletOutcome> {
    let scope = scope(w.wallet);
    if let Some(answer) = replay(tx, &scope, &w.idempotency_key, &w.print).await? {
        return Ok(answer);
    }
    let policy = ctx.wallet.ok_or(EngineError::WalletNotOffered)?;
    let currency = ctx.program.currency;
    let amount = w.amount_minor;
    if w.ask == WalletAsk::TopUp {
        check_top_up(policy, amount, currency)?;
    }
    let reached = reach(tx, ctx, w).await?;
    let wallet = reached.wallet;
    let refused = |e| refusal(e, currency);
    let (posting, payment) = match w.ask {
        WalletAsk::TopUp => {
            let bonus = policy.bonus_for(amount, reached.tier.as_deref());
            let posting = wallet
                .balance
                .top_up(amount, bonus, wallet.held.total(), policy.balance_max)
                .map_err(refused)?;
            (posting, None)
        }
        WalletAsk::Pay { partial } => (wallet.balance.pay(amount, partial).map_err(refused)?, None),
        WalletAsk::Refund { payment_id } => {
            if tx.pays_membership(payment_id).await? {
                return Err(EngineError::invalid(
                    "payment_id",
                    ErrorCode::InvalidField,
                    "a membership's fee is given back by cancelling the membership",
                ));
            }
            let paid = tx
                .wallet_payment(payment_id)
                .await?
                .filter(|p| p.wallet == wallet.id)
                .ok_or(EngineError::UnknownPayment(payment_id))?;
            let posting = wallet
                .balance
                .refund(paid.taken, paid.refunded, amount)
                .map_err(refused)?;
            (posting, Some(payment_id))
        }
        WalletAsk::CashOut => (wallet.balance.cash_out(amount).map_err(refused)?, None),
    };
    // A partial payment moves what the wallet held: the move is for what it paid.
    let moved = match w.ask {
        WalletAsk::Pay { .. } => posting.delta(WalletAccount::Settlement),
        _ => amount,
    };
    let (move_id, _) = tx
        .post_wallet(
            &wallet,
            &NewWalletMove {
                posting: &posting,
                amount: moved,
                payment,
                reference: &w.reference,
                actor,
                at: ctx.now,
            },
        )
        .await?;
    let after = wallet.balance.after(&posting);
    let answer = WalletOutcome {
        move_id,
        member_id: reached.member,
        kind: posting.kind,
        amount: moved,
        principal: posting.delta(WalletAccount::Principal),
        bonus: posting.delta(WalletAccount::Bonus),
        balance: WalletBalance::of(after, wallet.held),
    };
    remember(
        tx,
        ctx,
        &scope,
        &w.idempotency_key,
        w.print.clone(),
        &answer,
    )
    .await?;
    Ok(answer)
}

/// Where a wallet's idempotency keys are kept: each wallet's its own.
pub(crate) fn scope(wallet: WalletRef) -> String {
    match wallet {
        WalletRef::Member(id) => format!("wallet:{id}"),
        WalletRef::GiftCard(id) => format!("gift-card:{id}"),
    }
}

/// A wallet reached for a move: locked, with its owner's tier (for a top-up's bonus).
struct Reached {
    wallet: StoredWallet,
    tier: Option<String>,
    member: Option<i64>,
}

/// Locks the wallet `r` moves and checks its owner allows the move.
async fn reach(tx: &mut Tx, ctx: &Context<'_>, w: &ValidWallet) -> Result<Reached> {
    match w.wallet {
        WalletRef::Member(id) => {
            let member = lock(tx, &MemberRef::Id(id)).await?;
            if matches!(w.ask, WalletAsk::TopUp | WalletAsk::Pay { .. }) {
                crate::members::require_active(&member)?;
            }
            Ok(Reached {
                wallet: tx.member_wallet(member.id).await?,
                tier: member.tier.tier,
                member: Some(id),
            })
        }
        WalletRef::GiftCard(id) => {
            let card = tx
                .lock_gift_card(id)
                .await?
                .ok_or_else(|| EngineError::Internal(format!("gift card {id} vanished")))?;
            match w.ask {
                WalletAsk::Pay { .. } => card_rules(&card).check_use(ctx.now)?,
                WalletAsk::Refund { .. } if card.state == GiftCardState::Loaded => {
                    return Err(GiftCardRefusal::NotActive(card.state).into());
                }
                WalletAsk::Refund { .. } => {}
                WalletAsk::TopUp | WalletAsk::CashOut => {
                    return Err(EngineError::invalid(
                        "ask",
                        ErrorCode::InvalidField,
                        "a gift card is neither topped up nor cashed out",
                    ));
                }
            }
            let wallet = tx
                .lock_wallet(card.wallet)
                .await?
                .ok_or_else(|| EngineError::Internal(format!("gift card {id} has no wallet")))?;
            Ok(Reached {
                wallet,
                tier: None,
                member: None,
            })
        }
    }
}
