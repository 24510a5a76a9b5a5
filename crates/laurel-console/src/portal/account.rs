//! The member's own account: profile, birthday and consent per channel and to profiling; their
//! referral code with a link to share; and everything stored about them as JSON.

use super::web::{Chrome, Member, PortalError};
use crate::Console;
use crate::page::cookies::plain_loopback;
use crate::page::{locale, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use laurel_core::reports::ReportState;
use laurel_engine::{
    CHANNELS, CLOSE_ACCOUNT, Consents, EngineError, MemberRef, PROFILING, ProfileUpdate,
};
use serde::Deserialize;

/// Reports looked through for an open request to close the account.
const CLOSURE_LOOKBACK: u32 = 20;
/// Referrals the referral page lists.
const REFERRALS_SHOWN: u32 = 50;

#[derive(Default)]
pub(super) struct ProfileForm {
    pub(super) name: String,
    pub(super) birthday: String,
    /// A birthday is on file: the field is shown, not editable.
    pub(super) birthday_fixed: bool,
    pub(super) consents: Vec<(&'static str, bool)>,
    /// Whether offers may be picked from what the member buys.
    pub(super) profiling: bool,
    pub(super) name_error: Option<String>,
    pub(super) birthday_error: Option<String>,
    pub(super) saved: bool,
    /// A change of email or phone refused: the field (`email`, `phone`), what was typed and
    /// why.
    pub(super) contact_error: Option<(&'static str, String, String)>,
    /// The field just changed with its code.
    pub(super) changed: Option<String>,
    /// Why asking to close the account was refused.
    pub(super) close_error: Option<String>,
}

impl ProfileForm {
    /// What was typed into `field`'s change form, when it was refused.
    fn contact_typed(&self, field: &str) -> &str {
        match &self.contact_error {
            Some((f, typed, _)) if *f == field => typed,
            _ => "",
        }
    }

    /// Why `field`'s change was refused.
    fn contact_refusal(&self, field: &str) -> Option<&str> {
        match &self.contact_error {
            Some((f, _, why)) if *f == field => Some(why),
            _ => None,
        }
    }
}

#[derive(Template)]
#[template(path = "portal/profile.html")]
pub(super) struct ProfilePage {
    chrome: Chrome,
    email: String,
    phone: String,
    form: ProfileForm,
    /// When the member asked for their account to be closed, while staff have not closed
    /// that request.
    closing: Option<String>,
}

/// The profile page with `form` as the member left it (`fresh`: as stored).
pub(super) async fn profile_page(
    console: &Console,
    member: &Member,
    mut form: ProfileForm,
    fresh: bool,
) -> Result<ProfilePage, PortalError> {
    let fail = member.fail();
    let stored = console
        .engine
        .member(&MemberRef::Id(member.id()))
        .await
        .map_err(&fail)?;
    let p = stored.profile;
    if let Some(day) = p.birthday {
        form.birthday_fixed = true;
        form.birthday = day.to_string();
    }
    if fresh {
        form.name = p.name.unwrap_or_default();
        let consents = console.engine.consents(member.id()).await.map_err(&fail)?;
        form.consents = consents.channels();
        form.profiling = consents.profiling();
    }
    let tz = &console.engine.definition().program.time_zone;
    let closing = console
        .engine
        .member_reports(member.id(), CLOSURE_LOOKBACK)
        .await
        .map_err(&fail)?
        .into_iter()
        .find(|r| r.report.category == CLOSE_ACCOUNT && r.report.state != ReportState::Closed)
        .map(|r| member.locale.date_time(r.report.created_at, tz));
    Ok(ProfilePage {
        chrome: Chrome::signed_in(member, "profile", "/portal/profile".into()),
        email: p.email.unwrap_or_default(),
        phone: p.phone.unwrap_or_default(),
        form,
        closing,
    })
}

#[derive(Deserialize)]
pub(crate) struct SavedQuery {
    saved: Option<String>,
    changed: Option<String>,
}

pub(crate) async fn profile(
    State(console): State<Console>,
    member: Member,
    Query(query): Query<SavedQuery>,
) -> Result<Response, PortalError> {
    let form = ProfileForm {
        saved: query.saved.is_some(),
        changed: query
            .changed
            .filter(|f| ["email", "phone", "close"].contains(&f.as_str())),
        ..ProfileForm::default()
    };
    let page = profile_page(&console, &member, form, true).await?;
    Ok(render(StatusCode::OK, &page))
}

pub(crate) async fn save_profile(
    State(console): State<Console>,
    member: Member,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PortalError> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    member.check_csrf(field("csrf"))?;
    let t = member.locale.strings();
    let ticked = |c: &str| fields.iter().any(|(k, v)| k == "consent" && v == c);
    let given: Vec<&str> = CHANNELS.into_iter().filter(|c| ticked(c)).collect();
    let consents = Consents::given(&given).with(PROFILING, ticked(PROFILING));
    let mut form = ProfileForm {
        name: field("name").to_owned(),
        birthday: field("birthday").to_owned(),
        consents: consents.channels(),
        profiling: consents.profiling(),
        ..ProfileForm::default()
    };
    let birthday = match field("birthday").trim() {
        "" => None,
        text => match text.parse::<jiff::civil::Date>() {
            Ok(day) => Some(day),
            Err(_) => {
                form.birthday_error = Some(t.get("portal.bad_date").to_owned());
                None
            }
        },
    };
    if form.birthday_error.is_none() {
        let update = ProfileUpdate {
            name: form.name.clone(),
            birthday,
            consents,
        };
        match console.engine.update_profile(member.id(), update).await {
            Ok(()) => return Ok(Redirect::to("/portal/profile?saved=1").into_response()),
            Err(EngineError::InvalidField { field, .. }) => {
                if field == "birthday" {
                    form.birthday_error = Some(t.get("portal.bad_date").to_owned());
                } else {
                    form.name_error = Some(t.get("portal.too_long").to_owned());
                }
            }
            Err(e) => return Err(member.fail()(e)),
        }
    }
    let page = profile_page(&console, &member, form, false).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

#[derive(Template)]
#[template(path = "portal/refer.html")]
struct ReferPage {
    chrome: Chrome,
    code: String,
    link: String,
    /// What a referral pays both, when the program pays referrals.
    offer: Option<String>,
    made: usize,
    rewarded: usize,
    left: Option<String>,
}

/// The address of this server as the request reached it.
fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if plain_loopback(headers) {
        "http"
    } else {
        "https"
    };
    format!("{scheme}://{host}")
}

pub(crate) async fn refer(
    State(console): State<Console>,
    member: Member,
    headers: HeaderMap,
) -> Result<Response, PortalError> {
    let l = member.locale;
    let view = console
        .engine
        .referrals(member.id(), REFERRALS_SHOWN)
        .await
        .map_err(member.fail())?;
    let page = ReferPage {
        chrome: Chrome::signed_in(&member, "refer", "/portal/refer".into()),
        link: format!(
            "{}/portal/join?code={}",
            console
                .public_url
                .as_ref()
                .map_or_else(|| origin(&headers), ToString::to_string),
            crate::page::encode(&view.code)
        ),
        offer: view.bonuses.map(|(mine, theirs)| {
            l.strings()
                .with("portal.refer_offer", "mine", &l.integer(mine.get()))
                .replace("{theirs}", &l.integer(theirs.get()))
        }),
        made: view.referrals.len(),
        rewarded: view
            .referrals
            .iter()
            .filter(|r| r.status == laurel_core::ReferralStatus::Rewarded)
            .count(),
        left: view
            .referrals_left
            .map(|n| l.integer(i64::try_from(n).unwrap_or(i64::MAX))),
        code: view.code,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "portal/join.html")]
struct JoinPage {
    chrome: Chrome,
    code: String,
}

#[derive(Deserialize)]
pub(crate) struct JoinQuery {
    #[serde(default)]
    code: String,
}

/// Where a shared link lands: the invitation and the code to give when joining.
pub(crate) async fn join(headers: HeaderMap, Query(query): Query<JoinQuery>) -> Response {
    let code: String = query
        .code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(20)
        .collect();
    let page = JoinPage {
        chrome: Chrome::anonymous(locale(&headers), String::new(), "/portal/join"),
        code,
    };
    render(StatusCode::OK, &page)
}

/// Everything stored about the member, as a JSON download: streamed page by page from the
/// store (see `Engine::export`), so the whole history is in it however long it is.
pub(crate) async fn data(State(console): State<Console>, member: Member) -> Response {
    let pieces = console.engine.export(member.id());
    (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"my-loyalty-data.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        axum::body::Body::from_stream(pieces),
    )
        .into_response()
}
