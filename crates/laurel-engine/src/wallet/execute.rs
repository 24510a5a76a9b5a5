//! A wallet's moves in the write path: lock the member and their wallet, let the core decide,
//! store the posting, remember the answer.

use super::views::{WalletBalance, WalletOutcome};
use crate::checks::fingerprint;
use crate::error::{EngineError, Result};
use crate::error_code::ErrorCode;
use crate::requests::{MemberRef, WalletAsk};
use crate::wallet::validate::ValidWallet;
use crate::write::context::Context;
use crate::write::steps::{lock, remember, replay};
use laurel_core::wallet::{WalletAccount, WalletError, WalletPolicy};
use laurel_core::{Currency, Money};
use laurel_store::{NewWalletMove, Tx};

/// Tops up, pays from, refunds to or cashes out of a member's wallet, once per idempotency
/// key. Top-ups and payments need an active member; refunds and cash-outs reach a suspended
/// member's wallet, as refunds reach their points.
pub(crate) async fn wallet(
    tx: &mut Tx,
    ctx: &Context<'_>,
    w: &ValidWallet,
    actor: &str,
) -> Result<WalletOutcome> {
    let r = &w.request;
    let scope = format!("wallet:{}", r.member_id);
    let print = fingerprint(r)?;
    if let Some(answer) = replay(tx, &scope, &r.idempotency_key, &print).await? {
        return Ok(answer);
    }
    let policy = ctx.wallet.ok_or(EngineError::WalletNotOffered)?;
    let member = lock(tx, &MemberRef::Id(r.member_id)).await?;
    if matches!(r.ask, WalletAsk::TopUp | WalletAsk::Pay { .. }) {
        crate::members::require_active(&member)?;
    }
    let currency = ctx.program.currency;
    let amount = w.amount_minor;
    if r.ask == WalletAsk::TopUp {
        check_top_up(policy, amount, currency)?;
    }
    let wallet = tx.member_wallet(member.id).await?;
    let refused = |e| refusal(e, currency);
    let (posting, payment) = match r.ask {
        WalletAsk::TopUp => {
            let bonus = policy.bonus_for(amount, member.tier.tier.as_deref());
            let posting = wallet
                .balance
                .top_up(amount, bonus, policy.balance_max)
                .map_err(refused)?;
            (posting, None)
        }
        WalletAsk::Pay { partial } => (wallet.balance.pay(amount, partial).map_err(refused)?, None),
        WalletAsk::Refund { payment_id } => {
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
    let moved = match r.ask {
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
                reference: &r.reference,
                actor,
                at: ctx.now,
            },
        )
        .await?;
    let after = wallet.balance.after(&posting);
    let answer = WalletOutcome {
        move_id,
        member_id: member.id.0,
        kind: posting.kind,
        amount: moved,
        principal: posting.delta(WalletAccount::Principal),
        bonus: posting.delta(WalletAccount::Bonus),
        balance: WalletBalance::of(after, wallet.held),
    };
    remember(tx, ctx, &scope, &r.idempotency_key, print, &answer).await?;
    Ok(answer)
}

/// A top-up within the program's least and most.
fn check_top_up(policy: &WalletPolicy, amount: i64, currency: Currency) -> Result<()> {
    if (policy.top_up_min..=policy.top_up_max).contains(&amount) {
        return Ok(());
    }
    let money = |minor| Money::from_minor(minor, currency).to_string();
    Err(EngineError::Wallet {
        code: ErrorCode::TopUpOutOfRange,
        message: format!(
            "a top-up is at least {} and at most {}",
            money(policy.top_up_min),
            money(policy.top_up_max)
        ),
        args: vec![
            ("min", money(policy.top_up_min)),
            ("max", money(policy.top_up_max)),
        ],
    })
}

/// The core's refusal as the engine's, its amounts in money.
pub(super) fn refusal(e: WalletError, currency: Currency) -> EngineError {
    let money = |minor| Money::from_minor(minor, currency).to_string();
    let (code, message, args) = match e {
        WalletError::NotPositive => {
            return EngineError::invalid("amount", ErrorCode::InvalidAmount, e.to_string());
        }
        WalletError::Insufficient {
            available,
            requested,
        } => (
            ErrorCode::InsufficientFunds,
            format!(
                "the wallet holds {}, less than {}",
                money(available),
                money(requested)
            ),
            vec![
                ("available", money(available)),
                ("requested", money(requested)),
            ],
        ),
        WalletError::OverBalanceMax { max, after } => (
            ErrorCode::WalletBalanceOverMax,
            format!(
                "the wallet would hold {}, above its most of {}",
                money(after),
                money(max)
            ),
            vec![("max", money(max)), ("after", money(after))],
        ),
        WalletError::RefundOverPayment { left, requested } => (
            ErrorCode::RefundExceedsPayment,
            format!(
                "only {} of the payment is left to refund, less than {}",
                money(left),
                money(requested)
            ),
            vec![("left", money(left)), ("requested", money(requested))],
        ),
        WalletError::CashOutOverPrincipal {
            principal,
            requested,
        } => (
            ErrorCode::CashOutOverPrincipal,
            format!(
                "only {} is principal that may be paid out (bonus value never is), less than {}",
                money(principal),
                money(requested)
            ),
            vec![
                ("principal", money(principal)),
                ("requested", money(requested)),
            ],
        ),
    };
    EngineError::Wallet {
        code,
        message,
        args,
    }
}
