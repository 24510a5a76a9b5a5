//! Changing the member's email or phone (a code sent by email proves it: see
//! [`laurel_engine::ContactField`]) and asking for the account to be closed, from the profile
//! page.

use super::account::{ProfileForm, profile_page};
use super::web::{Chrome, Member, PortalError};
use crate::Console;
use crate::page::render;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_engine::{ContactField, EngineError, ErrorCode, SignInLetter};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "portal/confirm_contact.html")]
struct ConfirmPage {
    chrome: Chrome,
    /// `email` or `phone`.
    field: &'static str,
    /// Where the code went.
    sent_to: String,
    error: Option<String>,
    /// The code can no longer work: offer to start again.
    start_again: bool,
}

impl ConfirmPage {
    /// The key of the sentence saying where the code went.
    fn sent_key(&self) -> String {
        format!("portal_more.change_code_sent_{}", self.field)
    }
}

#[derive(Deserialize)]
pub(crate) struct ChangeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    value: String,
}

/// Asks for a code to change the email or phone, then asks for the code.
pub(crate) async fn change(
    State(console): State<Console>,
    member: Member,
    Form(form): Form<ChangeForm>,
) -> Result<Response, PortalError> {
    member.check_csrf(&form.csrf)?;
    let l = member.locale;
    let t = l.strings();
    let field = if form.field == "phone" {
        ContactField::Phone
    } else {
        ContactField::Email
    };
    let letter = SignInLetter {
        subject: t.get("portal_more.change_letter_subject").to_owned(),
        body: t.get("portal_more.change_letter_body").to_owned(),
    };
    let refused = match console
        .engine
        .request_contact_change(member.id(), field, &form.value, &letter)
        .await
    {
        Ok(()) => None,
        Err(EngineError::InvalidField { field: f, code, .. }) => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            t.get(match (f.as_str(), code) {
                ("email", ErrorCode::MissingField) => "portal_more.no_email_for_code",
                ("email", _) => "portal_more.email_unusable",
                _ => "portal_more.phone_invalid",
            })
            .to_owned(),
        )),
        Err(EngineError::Throttled { retry_at, .. }) => Some((
            StatusCode::TOO_MANY_REQUESTS,
            super::sign_in::try_again(&console, l, "portal_more.too_many_codes", retry_at),
        )),
        Err(e) => return Err(member.fail()(e)),
    };
    if let Some((status, why)) = refused {
        let form = ProfileForm {
            contact_error: Some((field.as_str(), form.value, why)),
            ..ProfileForm::default()
        };
        let page = profile_page(&console, &member, form, true).await?;
        return Ok(render(status, &page));
    }
    let sent_to = match field {
        ContactField::Email => form.value.trim().to_owned(),
        ContactField::Phone => console
            .engine
            .member(&laurel_engine::MemberRef::Id(member.id()))
            .await
            .map_err(member.fail())?
            .profile
            .email
            .unwrap_or_default(),
    };
    let page = ConfirmPage {
        chrome: Chrome::signed_in(&member, "profile", "/portal/profile".into()),
        field: field.as_str(),
        sent_to,
        error: None,
        start_again: false,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub(crate) struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    field: String,
    #[serde(default)]
    sent_to: String,
    #[serde(default)]
    code: String,
}

/// Applies the change with its code.
pub(crate) async fn confirm(
    State(console): State<Console>,
    member: Member,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, PortalError> {
    member.check_csrf(&form.csrf)?;
    let t = member.locale.strings();
    let (error, start_again) = match console
        .engine
        .confirm_contact_change(member.id(), &form.code)
        .await
    {
        Ok(field) => {
            let to = format!("/portal/profile?changed={}", field.as_str());
            return Ok(Redirect::to(&to).into_response());
        }
        Err(EngineError::SignInCodeWrong) => (t.get("portal.code_wrong"), false),
        Err(EngineError::SignInCodeExpired) => (t.get("portal.code_expired"), true),
        Err(e) => return Err(member.fail()(e)),
    };
    let page = ConfirmPage {
        chrome: Chrome::signed_in(&member, "profile", "/portal/profile".into()),
        field: if form.field == "phone" {
            "phone"
        } else {
            "email"
        },
        sent_to: form.sent_to,
        error: Some(error.to_owned()),
        start_again,
    };
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

#[derive(Deserialize)]
pub(crate) struct CloseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    message: String,
}

/// Asks staff to close the member's account; a reason is optional.
pub(crate) async fn close(
    State(console): State<Console>,
    member: Member,
    Form(form): Form<CloseForm>,
) -> Result<Response, PortalError> {
    member.check_csrf(&form.csrf)?;
    let t = member.locale.strings();
    let message = match form.message.trim() {
        "" => t.get("portal_more.close_default_message"),
        given => given,
    };
    let why = match console
        .engine
        .request_account_closure(member.id(), message)
        .await
    {
        Ok(_) => return Ok(Redirect::to("/portal/profile?changed=close").into_response()),
        Err(EngineError::Throttled { .. }) => t.get("portal.too_many_reports"),
        Err(EngineError::InvalidField { .. }) => t.get("portal.too_long"),
        Err(e) => return Err(member.fail()(e)),
    };
    let form = ProfileForm {
        close_error: Some(why.to_owned()),
        ..ProfileForm::default()
    };
    let page = profile_page(&console, &member, form, true).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}
