//! The member's membership (`/portal/membership`, linked from home when the program offers
//! plans): the membership in force or the latest — its plan, state, when it renews or ends,
//! how it is paid, its benefits in words (tier, earn ×, perks) and every term it ran — and the
//! plans offered with their benefits and fee. When the program offers a wallet the member may
//! buy a plan paid from it (one idempotency key per rendered form) and cancel an active one at
//! its term's end; cancelling at once, with its refund, is staff's. A refusal (a wallet short
//! of the fee, a membership held) is said next to the plan's form with nothing bought.

use super::web::{Chrome, Member, PortalError};
use crate::Console;
use crate::membership_words::{MembershipWords, PlanWords, TermWords, benefits};
use crate::messages::refusal;
use crate::page::render;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use laurel_core::Money;
use laurel_core::membership::{PayWith, When};
use laurel_engine::{EngineError, JoinMembershipRequest};
use serde::Deserialize;

/// Where the page is.
const PATH: &str = "/portal/membership";

/// The buy form as posted: the plan chosen and why it was refused.
#[derive(Default)]
pub(crate) struct BuyForm {
    pub plan: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/membership.html")]
pub(crate) struct MembershipPage {
    chrome: Chrome,
    /// The membership in force, or the latest.
    current: Option<MembershipWords>,
    /// Its plan's benefits while it is in force.
    benefits: Vec<String>,
    /// Every term it ran, the latest first.
    terms: Vec<TermWords>,
    /// Whether it renews, so it may be cancelled at its term's end.
    may_end: bool,
    plans: Vec<PlanWords>,
    /// What the wallet holds, when the program offers one (it pays for plans here).
    wallet: Option<String>,
    /// Whether a plan may be bought here: a wallet, and no membership held.
    may_buy: bool,
    form: BuyForm,
    form_key: String,
    /// What was just done, in words.
    done: Option<String>,
    /// A cancellation refused.
    cancel_error: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct PageQuery {
    done: Option<String>,
}

/// The page with the buy form as given; not found when the program offers no plans.
async fn membership_page(
    console: &Console,
    member: &Member,
    done: Option<&str>,
    form: BuyForm,
    cancel_error: Option<String>,
) -> Result<MembershipPage, PortalError> {
    let l = member.locale;
    let engine = &console.engine;
    let definition = engine.definition();
    if definition.memberships.is_empty() {
        return Err(PortalError::new(
            StatusCode::NOT_FOUND,
            l,
            "error.not_found",
        ));
    }
    let fail = member.fail();
    let current = engine
        .memberships_of(member.id())
        .await
        .map_err(&fail)?
        .into_iter()
        .next();
    let mut terms = match &current {
        Some(m) => engine.membership_terms(m.id).await.map_err(&fail)?,
        None => Vec::new(),
    };
    terms.reverse();
    let held = current.as_ref().is_some_and(|m| m.state != "ended");
    let wallet = match &definition.wallet {
        Some(_) => {
            let statement = engine
                .wallet_statement(member.id(), None, 1)
                .await
                .map_err(&fail)?;
            let money = Money::from_minor(statement.balance.total(), definition.program.currency);
            Some(l.money(money))
        }
        None => None,
    };
    let t = l.strings();
    Ok(MembershipPage {
        chrome: Chrome::signed_in(member, "home", PATH.to_owned()),
        benefits: current
            .as_ref()
            .filter(|m| m.in_force)
            .and_then(|m| definition.memberships.plan(&m.plan))
            .map(|p| benefits(l, &definition, p))
            .unwrap_or_default(),
        terms: current
            .as_ref()
            .map(|m| {
                terms
                    .iter()
                    .map(|term| TermWords::of(l, &definition, term, &m.pay_with))
                    .collect()
            })
            .unwrap_or_default(),
        may_end: current.as_ref().is_some_and(|m| m.state == "active"),
        current: current.map(|m| MembershipWords::of(l, &definition, &m)),
        plans: PlanWords::all(l, &definition),
        may_buy: wallet.is_some() && !held,
        wallet,
        form,
        form_key: laurel_engine::random_token(),
        done: match done {
            Some("joined") => Some(t.get("membership.joined").to_owned()),
            Some("ending") => Some(t.get("membership.yours_ending").to_owned()),
            _ => None,
        },
        cancel_error,
    })
}

/// The page.
pub(crate) async fn page(
    State(console): State<Console>,
    member: Member,
    Query(query): Query<PageQuery>,
) -> Result<Response, PortalError> {
    let page = membership_page(
        &console,
        &member,
        query.done.as_deref(),
        BuyForm::default(),
        None,
    )
    .await?;
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub(crate) struct BuyFields {
    #[serde(default)]
    csrf: String,
    /// The idempotency key rendered with the form.
    #[serde(default)]
    key: String,
    #[serde(default)]
    plan: String,
}

/// Buys the plan for the signed-in member, paid from their wallet.
pub(crate) async fn buy(
    State(console): State<Console>,
    member: Member,
    Form(fields): Form<BuyFields>,
) -> Result<Response, PortalError> {
    member.check_csrf(&fields.csrf)?;
    let l = member.locale;
    let request = JoinMembershipRequest {
        member_id: member.id(),
        plan: fields.plan.trim().to_owned(),
        pay_with: PayWith::Wallet,
        idempotency_key: match fields.key.trim() {
            "" => format!("portal:{}", laurel_engine::random_token()),
            key => format!("portal:{key}"),
        },
        payment_reference: None,
    };
    let actor = format!("member:{}", member.id());
    match console.engine.join_membership(request, &actor).await {
        Ok(_) => Ok(Redirect::to(&format!("{PATH}?done=joined#membership-h")).into_response()),
        Err(e) if e.is_refusal() => {
            let form = BuyForm {
                plan: fields.plan.trim().to_owned(),
                error: Some(refusal(l, &e)),
            };
            let page = membership_page(&console, &member, None, form, None).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(member.fail()(e)),
    }
}

#[derive(Deserialize)]
pub(crate) struct CancelFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    membership: i64,
}

/// Cancels the signed-in member's membership at its term's end.
pub(crate) async fn cancel(
    State(console): State<Console>,
    member: Member,
    Form(fields): Form<CancelFields>,
) -> Result<Response, PortalError> {
    member.check_csrf(&fields.csrf)?;
    let l = member.locale;
    let engine = &console.engine;
    // Only the member's own.
    let mine = engine
        .membership(fields.membership)
        .await
        .map_err(member.fail())?;
    if mine.member_id != member.id() {
        return Err(member.fail()(EngineError::UnknownMembership(
            fields.membership,
        )));
    }
    let actor = format!("member:{}", member.id());
    match engine
        .cancel_membership(fields.membership, When::TermEnd, &actor)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("{PATH}?done=ending#membership-h")).into_response()),
        Err(e) if e.is_refusal() => {
            let words = Some(refusal(l, &e));
            let page = membership_page(&console, &member, None, BuyForm::default(), words).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(member.fail()(e)),
    }
}
