//! Issuing a batch of gift cards from the Wallets page (admins only: a batch is money the
//! program owes once sold). The answer is the only time the cards' codes and PINs exist in
//! the clear — the engine keeps their hashes — so the result page shows them once, uncached;
//! posting the same form again (a reload) finds the batch already issued and shows no codes.
//! A refusal is said next to its field with nothing issued.

use crate::Console;
use crate::days::end_of;
use crate::form_fields::Field;
use crate::i18n::Locale;
use crate::messages::refusal;
use crate::page::render;
use crate::wallet_top_up::amount;
use crate::wallets::wallets_page;
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use laurel_core::Money;
use laurel_engine::{
    EngineError, GIFT_CARDS_PER_BATCH_MAX, IssueGiftCardsRequest, IssuedCard, Permission,
};
use serde::Deserialize;

/// Who may issue gift cards: admins alone, as they alone manage staff and keys.
pub(crate) const ISSUE: Permission = Permission::ManageStaff;

/// The issue form: what was typed, the errors next to the fields.
pub(crate) struct IssueForm {
    /// A fresh idempotency key: submitting the form twice issues one batch.
    pub key: String,
    pub count: Field,
    pub value: Field,
    pub expires: Field,
    pub reference: Field,
    pub with_pin: bool,
    pub active: bool,
    /// A refusal about no one field (the key used already for another batch).
    pub error: Option<String>,
}

impl IssueForm {
    /// The form empty: cards with PINs, activated when sold, as a shop's stock is.
    pub(crate) fn blank(l: Locale) -> IssueForm {
        let t = l.strings();
        IssueForm {
            key: laurel_engine::random_token(),
            count: Field::new(
                "issue-count",
                "count",
                t.get("gift_cards.count"),
                r#"inputmode="numeric" required"#,
            )
            .hint(t.with(
                "gift_cards.count_hint",
                "max",
                &l.integer(i64::from(GIFT_CARDS_PER_BATCH_MAX)),
            )),
            value: Field::new(
                "issue-value",
                "value",
                t.get("gift_cards.value"),
                r#"inputmode="decimal" required"#,
            ),
            expires: Field::new(
                "issue-expires",
                "expires",
                t.get("gift_cards.expires_on"),
                r#"type="date""#,
            ),
            reference: Field::new(
                "issue-reference",
                "reference",
                t.get("gift_cards.batch_reference"),
                r#"required maxlength="200""#,
            ),
            with_pin: true,
            active: false,
            error: None,
        }
    }

    /// The form as posted (with a fresh key: a refused batch wrote nothing).
    fn typed(l: Locale, fields: &IssueFields) -> IssueForm {
        let blank = IssueForm::blank(l);
        IssueForm {
            count: blank.count.typed(&fields.count),
            value: blank.value.typed(&fields.value),
            expires: blank.expires.typed(&fields.expires),
            reference: blank.reference.typed(&fields.reference),
            with_pin: fields.pin.is_some(),
            active: fields.active.is_some(),
            ..blank
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct IssueFields {
    #[serde(default)]
    csrf: String,
    /// The idempotency key rendered with the form.
    #[serde(default)]
    key: String,
    #[serde(default)]
    count: String,
    #[serde(default)]
    value: String,
    /// The last day the cards pay, `YYYY-MM-DD`, or blank for never.
    #[serde(default)]
    expires: String,
    #[serde(default)]
    reference: String,
    /// Ticked: each card gets a PIN.
    pin: Option<String>,
    /// Ticked: the cards are active at once.
    active: Option<String>,
}

/// The batch just issued, its codes and PINs told this once.
#[derive(Template)]
#[template(path = "gift_cards_issued.html")]
struct IssuedPage {
    chrome: Chrome,
    /// How many, of what value, under which reference.
    summary: String,
    /// Active now, or each to be activated when sold.
    state: String,
    expires: String,
    /// Empty when the batch was issued by an earlier post of the same form.
    cards: Vec<IssuedCard>,
    repeated: bool,
}

/// Issues a batch from the form: the codes on a page of their own, or the form again with
/// its refusals.
pub(crate) async fn issue(
    State(console): State<Console>,
    staff: Staff,
    Form(fields): Form<IssueFields>,
) -> Result<Response, PageError> {
    staff.may_post(&fields.csrf, ISSUE)?;
    let l = staff.locale;
    let t = l.strings();
    let definition = console.engine.definition();
    let program = &definition.program;
    let mut form = IssueForm::typed(l, &fields);
    let count = fields
        .count
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=GIFT_CARDS_PER_BATCH_MAX).contains(n));
    if count.is_none() {
        form.count.error = form.count.hint.clone();
    }
    let value = amount(&fields.value);
    if value.is_none() {
        form.value.error = Some(t.get("wallet.bad_amount").to_owned());
    }
    // The last day typed: the cards pay through it, in the program's zone.
    let expires_at = match fields.expires.trim() {
        "" => Ok(None),
        day => day
            .parse::<jiff::civil::Date>()
            .ok()
            .and_then(|d| end_of(d, &program.time_zone))
            .map(Some)
            .ok_or(()),
    };
    if expires_at.is_err() {
        form.expires.error = Some(t.get("gift_cards.bad_date").to_owned());
    }
    if fields.reference.trim().is_empty() {
        form.reference.error = Some(t.get("field.required").to_owned());
    }
    if let (Some(count), Some(amount), Ok(expires_at), None) =
        (count, value, expires_at, &form.reference.error)
    {
        let request = IssueGiftCardsRequest {
            count,
            amount,
            currency: program.currency.code().to_owned(),
            with_pin: form.with_pin,
            active: form.active,
            expires_at,
            reference: fields.reference.trim().to_owned(),
            idempotency_key: format!("console:{}", fields.key),
        };
        match console
            .engine
            .issue_gift_cards(request, &staff.actor())
            .await
        {
            Ok(issued) => {
                let face = l.money(Money::from_minor(issued.face, program.currency));
                let page = IssuedPage {
                    chrome: Chrome::signed_in(&staff, "wallets", "/admin/wallets".into()),
                    summary: t.fill(
                        "gift_cards.issued_summary",
                        &[
                            ("count", &l.integer(i64::from(issued.count))),
                            ("value", &face),
                            ("reference", fields.reference.trim()),
                        ],
                    ),
                    state: t
                        .get(if issued.active {
                            "gift_cards.issued_active"
                        } else {
                            "gift_cards.issued_inactive"
                        })
                        .to_owned(),
                    expires: crate::gift_card_words::expiry_words(
                        l,
                        &program.time_zone,
                        issued.expires_at,
                    ),
                    cards: issued.cards,
                    repeated: issued.repeated,
                };
                // Shown once: no cache (nor the back button) may keep a copy.
                return Ok((
                    [(header::CACHE_CONTROL, "no-store")],
                    render(StatusCode::OK, &page),
                )
                    .into_response());
            }
            Err(refused) if refused.is_refusal() => {
                let words = Some(refusal(l, &refused));
                match &refused {
                    EngineError::InvalidField { field, .. } if field == "count" => {
                        form.count.error = words;
                    }
                    EngineError::InvalidField { field, .. } if field == "reference" => {
                        form.reference.error = words;
                    }
                    EngineError::InvalidField { field, .. } if field == "expires_at" => {
                        form.expires.error = words;
                    }
                    EngineError::IdempotencyConflict(_) => form.error = words,
                    // The amount for the rest: its precision, no wallet offered.
                    _ => form.value.error = words,
                }
            }
            Err(e) => return Err(PageError::from_engine(e, l)),
        }
    }
    let page = wallets_page(&console, &staff, None, Some(form), None).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}
