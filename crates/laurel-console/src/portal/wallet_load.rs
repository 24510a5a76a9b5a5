//! The portal wallet's form to add a gift card: the member types its code (and PIN) and all
//! the card holds moves into their wallet. A refusal (no such card, a wrong PIN with the
//! tries left, not active, expired, over the most a wallet holds) is said next to its field
//! in the member's language with nothing moved; success leads back to the wallet, which says
//! what moved.

use super::wallet::wallet_page;
use super::web::{Member, PortalError};
use crate::Console;
use crate::form_fields::Field;
use crate::gift_card_lookup::card_key;
use crate::gift_card_words::{about_pin, card_refusal};
use crate::i18n::Locale;
use crate::page::render;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The form: the code typed (never the PIN) and the errors next to each field.
pub(crate) struct LoadForm {
    pub code: Field,
    pub pin: Field,
}

impl LoadForm {
    /// The form empty.
    pub(crate) fn blank(l: Locale) -> LoadForm {
        let t = l.strings();
        LoadForm {
            code: Field::new(
                "card-code",
                "code",
                t.get("gift_cards.add_code"),
                r#"required autocomplete="off" autocapitalize="characters" maxlength="64""#,
            ),
            pin: Field::new(
                "card-pin",
                "pin",
                t.get("gift_cards.add_pin"),
                r#"inputmode="numeric" autocomplete="off" maxlength="12""#,
            ),
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct LoadFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    pin: String,
}

/// Adds the card to the signed-in member's wallet.
pub(crate) async fn load(
    State(console): State<Console>,
    member: Member,
    Form(fields): Form<LoadFields>,
) -> Result<Response, PortalError> {
    member.check_csrf(&fields.csrf)?;
    let l = member.locale;
    let blank = LoadForm::blank(l);
    let mut form = LoadForm {
        code: blank.code.typed(fields.code.trim()),
        ..blank
    };
    if fields.code.trim().is_empty() {
        form.code.error = Some(l.strings().get("field.required").to_owned());
    } else {
        let key = card_key(&fields.code, &fields.pin);
        let actor = format!("member:{}", member.id());
        match console
            .engine
            .load_gift_card(&key, member.id(), &actor)
            .await
        {
            // Back to the wallet (a reload moves nothing twice), saying what moved.
            Ok(load) => {
                let to = format!("/portal/wallet?loaded={}#wallet-h", load.amount);
                return Ok(Redirect::to(&to).into_response());
            }
            Err(refused) if refused.is_refusal() => {
                let tz = console.engine.definition().program.time_zone.clone();
                let words = Some(card_refusal(l, &tz, &refused));
                if about_pin(&refused) {
                    form.pin.error = words;
                } else {
                    form.code.error = words;
                }
            }
            Err(e) => return Err(member.fail()(e)),
        }
    }
    let page = wallet_page(&console, &member, None, None, form).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}
