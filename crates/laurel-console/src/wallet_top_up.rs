//! The member page's top-up form: staff at the service desk take money in and record it as a
//! top-up of the member's wallet (the engine adds the program's bonus). Who may adjust points
//! may top up — the same desk roles (admins, managers, support). A refusal is said next to
//! its field with nothing kept; the wallet move itself records the staff member as its actor,
//! so the audit log is not written again.

use crate::Console;
use crate::members::{Forms, member_page};
use crate::messages::refusal;
use crate::page::render;
use crate::web::{PageError, Staff};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_engine::{EngineError, Permission, WalletAsk, WalletRequest};
use rust_decimal::Decimal;
use serde::Deserialize;

/// Who may top up a wallet from the console.
pub(crate) const TOP_UP: Permission = Permission::AdjustPoints;

/// The top-up form: what was typed, the errors next to the fields, or a top-up just made.
#[derive(Default)]
pub(crate) struct TopUpForm {
    pub amount: String,
    pub reference: String,
    pub amount_error: Option<String>,
    pub reference_error: Option<String>,
    /// A top-up was just made (after the redirect).
    pub done: bool,
}

#[derive(Deserialize)]
pub(crate) struct TopUpFields {
    #[serde(default)]
    csrf: String,
    /// The idempotency key rendered with the form.
    #[serde(default)]
    key: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reference: String,
}

/// An amount as typed: a decimal above zero (`500`, `99.50`); its precision is the engine's
/// to check against the currency.
pub(crate) fn amount(typed: &str) -> Option<Decimal> {
    typed
        .trim()
        .parse::<Decimal>()
        .ok()
        .filter(|a| *a > Decimal::ZERO)
}

/// Tops up the member's wallet from the form, then shows the member page.
pub(crate) async fn top_up(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Form(fields): Form<TopUpFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, TOP_UP)?;
    let l = staff.locale;
    let t = l.strings();
    let mut form = TopUpForm {
        amount: fields.amount.clone(),
        reference: fields.reference.clone(),
        ..TopUpForm::default()
    };
    let typed = amount(&fields.amount);
    if typed.is_none() {
        form.amount_error = Some(t.get("wallet.bad_amount").to_owned());
    }
    if fields.reference.trim().is_empty() {
        form.reference_error = Some(t.get("field.required").to_owned());
    }
    if let (Some(amount), None) = (typed, &form.reference_error) {
        let request = WalletRequest {
            member_id: id,
            ask: WalletAsk::TopUp,
            amount,
            currency: console
                .engine
                .definition()
                .program
                .currency
                .code()
                .to_owned(),
            // The key the form was drawn with; a form that lost it gets its own, so it is
            // never taken for another top-up's retry.
            idempotency_key: match fields.key.trim() {
                "" => format!("console:{}", laurel_engine::random_token()),
                key => format!("console:{key}"),
            },
            reference: fields.reference.trim().to_owned(),
        };
        match console.engine.wallet_move(request, &staff.actor()).await {
            Ok(_) => {
                let to = format!("/admin/members/{id}?done=topped_up#wallet-h");
                return Ok(Redirect::to(&to).into_response());
            }
            Err(refused) if refused.is_refusal() => {
                // Next to the field it is about; the amount for the rest (out of range, over
                // the most a wallet holds, no wallet offered).
                let words = Some(refusal(l, &refused));
                match &refused {
                    EngineError::InvalidField { field, .. } if field == "reference" => {
                        form.reference_error = words;
                    }
                    _ => form.amount_error = words,
                }
            }
            Err(e) => return Err(PageError::from_engine(e, l)),
        }
    }
    let forms = Forms {
        top_up: form,
        ..Forms::default()
    };
    let page = member_page(&console, &staff, id, None, forms).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}
