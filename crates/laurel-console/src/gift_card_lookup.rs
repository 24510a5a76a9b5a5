//! Looking up a gift card on the Wallets page: staff type its code (and PIN, when it has
//! one) and read its state, balance and expiry. Posted, not a link, so the PIN stays out of
//! addresses and logs; a wrong PIN counts against the card as at a till.

use crate::Console;
use crate::form_fields::Field;
use crate::gift_card_words::{CardLine, about_pin, card_refusal};
use crate::i18n::Locale;
use crate::page::render;
use crate::wallets::{WALLETS, wallets_page};
use crate::web::{PageError, Staff};
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use laurel_engine::CardKey;
use serde::Deserialize;

/// The lookup box: the code typed (never the PIN), the errors, the card found, and whether
/// the card is locked by wrong PINs (an admin may unlock it) or was just unlocked.
pub(crate) struct LookupForm {
    pub code: Field,
    pub pin: Field,
    pub card: Option<CardLine>,
    pub locked: bool,
    pub unlocked: bool,
}

impl LookupForm {
    /// The box empty.
    pub(crate) fn blank(l: Locale) -> LookupForm {
        let t = l.strings();
        LookupForm {
            code: Field::new(
                "lookup-code",
                "code",
                t.get("gift_cards.lookup_code"),
                r#"required autocomplete="off" maxlength="64""#,
            ),
            pin: Field::new(
                "lookup-pin",
                "pin",
                t.get("gift_cards.lookup_pin"),
                r#"inputmode="numeric" autocomplete="off" maxlength="12""#,
            ),
            card: None,
            locked: false,
            unlocked: false,
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct LookupFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    pin: String,
}

/// The card as posted: its code, and its PIN when one was typed.
pub(crate) fn card_key(code: &str, pin: &str) -> CardKey {
    let pin = pin.trim();
    CardKey {
        code: code.trim().to_owned(),
        pin: (!pin.is_empty()).then(|| pin.to_owned()),
    }
}

/// Looks a card up and shows the Wallets page with it, or with why it was not found.
pub(crate) async fn lookup(
    State(console): State<Console>,
    staff: Staff,
    Form(fields): Form<LookupFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, WALLETS)?;
    let l = staff.locale;
    let definition = console.engine.definition();
    let program = &definition.program;
    let blank = LookupForm::blank(l);
    let mut form = LookupForm {
        code: blank.code.typed(fields.code.trim()),
        ..blank
    };
    let status = if fields.code.trim().is_empty() {
        form.code.error = Some(l.strings().get("field.required").to_owned());
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        match console
            .engine
            .gift_card(&card_key(&fields.code, &fields.pin))
            .await
        {
            Ok(card) => {
                form.card = Some(CardLine::of(l, program.currency, &program.time_zone, &card));
                StatusCode::OK
            }
            Err(refused) if refused.is_refusal() => {
                form.locked = matches!(
                    refused,
                    laurel_engine::EngineError::GiftCard(
                        laurel_core::wallet::GiftCardRefusal::PinLocked
                    )
                ) && staff.session.user.role.may(crate::gift_card_issue::ISSUE);
                let words = Some(card_refusal(l, &program.time_zone, &refused));
                if about_pin(&refused) {
                    form.pin.error = words;
                } else {
                    form.code.error = words;
                }
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Err(e) => return Err(PageError::from_engine(e, l)),
        }
    };
    let page = wallets_page(&console, &staff, None, None, Some(form)).await?;
    Ok(render(status, &page))
}

#[derive(Deserialize)]
pub(crate) struct UnlockFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// Unlocks a card its wrong PINs locked (admins, for a holder who proved it is theirs;
/// audited) and shows the Wallets page saying so.
pub(crate) async fn unlock(
    State(console): State<Console>,
    staff: Staff,
    Form(fields): Form<UnlockFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, crate::gift_card_issue::ISSUE)?;
    let l = staff.locale;
    let blank = LookupForm::blank(l);
    let mut form = LookupForm {
        code: blank.code.typed(fields.code.trim()),
        ..blank
    };
    let status = match console
        .engine
        .unlock_gift_card(fields.code.trim(), &staff.actor())
        .await
    {
        Ok(_) => {
            form.unlocked = true;
            StatusCode::OK
        }
        Err(refused) if refused.is_refusal() => {
            let tz = &console.engine.definition().program.time_zone;
            form.code.error = Some(card_refusal(l, tz, &refused));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(e) => return Err(PageError::from_engine(e, l)),
    };
    let page = wallets_page(&console, &staff, None, None, Some(form)).await?;
    Ok(render(status, &page))
}
