//! The member's wallet (`/portal/wallet`): what it holds — principal, bonus and both, with
//! the bonus spent last and never paid out — the program's top-up bonuses in words, and the
//! statement of top-ups, payments, refunds and cash-outs a page at a time, and the form to
//! add a gift card (`wallet_load.rs`). Money is otherwise paid in and spent at the till.

use super::home::Activity;
use super::wallet_load::LoadForm;
use super::web::{Chrome, Member, PortalError};
use crate::Console;
use crate::i18n::Locale;
use crate::page::{paged, render};
use crate::wallet_words::{BalanceWords, MoveLine, STATEMENT_PAGE, TermsWords};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use laurel_core::Money;
use laurel_engine::ProgramDefinition;
use serde::Deserialize;

/// Where the wallet's page is.
const PATH: &str = "/portal/wallet";

#[derive(Template)]
#[template(path = "portal/wallet.html")]
pub(crate) struct WalletPage {
    chrome: Chrome,
    balance: BalanceWords,
    /// The principal and the bonus, in a sentence.
    parts: String,
    terms: TermsWords,
    /// The statement's moves, in the shape of the history's entries (`portal/activity.html`).
    entries: Vec<Activity>,
    first: Option<String>,
    next: Option<String>,
    /// The form to add a gift card.
    load: LoadForm,
    /// What a gift card just added, in a sentence.
    loaded: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct WalletQuery {
    /// The last move of the page before.
    before: Option<i64>,
    /// What a gift card just added, minor units (after the form's redirect).
    loaded: Option<i64>,
}

/// A move as a line of the member's statement: its kind, what it did to principal and bonus
/// and its reference beneath, the whole change beside.
fn entry(l: Locale, definition: &ProgramDefinition, m: &laurel_engine::WalletMove) -> Activity {
    let program = &definition.program;
    let line = MoveLine::of(l, program.currency, &program.time_zone, m);
    let t = l.strings();
    let parts = t.fill(
        "wallet.parts",
        &[("principal", &line.principal), ("bonus", &line.bonus)],
    );
    let detail = if line.reference.is_empty() {
        parts
    } else {
        format!("{parts} · {}", line.reference)
    };
    Activity {
        when: line.when,
        what: line.kind,
        detail,
        grants: Vec::new(),
        points: line.change,
        sign: line.sign,
    }
}

/// The wallet page with the statement before `before`, what a gift card just added (if
/// one did) and the gift card form as given; not found when the program offers no wallet.
pub(crate) async fn wallet_page(
    console: &Console,
    member: &Member,
    before: Option<i64>,
    loaded: Option<i64>,
    load: LoadForm,
) -> Result<WalletPage, PortalError> {
    let l = member.locale;
    let definition = console.engine.definition();
    let Some(terms) = TermsWords::of(l, &definition) else {
        return Err(PortalError::new(
            StatusCode::NOT_FOUND,
            l,
            "error.not_found",
        ));
    };
    let statement = console
        .engine
        .wallet_statement(member.id(), before, STATEMENT_PAGE)
        .await
        .map_err(member.fail())?;
    let currency = definition.program.currency;
    let balance = BalanceWords::of(l, currency, statement.balance);
    Ok(WalletPage {
        chrome: Chrome::signed_in(member, "home", paged(PATH, "", before)),
        parts: l.strings().fill(
            "wallet.parts_held",
            &[("principal", &balance.principal), ("bonus", &balance.bonus)],
        ),
        balance,
        terms,
        entries: statement
            .moves
            .iter()
            .map(|m| entry(l, &definition, m))
            .collect(),
        first: before.is_some().then(|| PATH.to_owned()),
        next: statement.next.map(|c| paged(PATH, "", Some(c))),
        load,
        loaded: loaded.map(|minor| {
            l.strings().with(
                "gift_cards.added",
                "amount",
                &l.money(Money::from_minor(minor, currency)),
            )
        }),
    })
}

/// The wallet page.
pub(crate) async fn page(
    State(console): State<Console>,
    member: Member,
    Query(query): Query<WalletQuery>,
) -> Result<Response, PortalError> {
    let form = LoadForm::blank(member.locale);
    let page = wallet_page(&console, &member, query.before, query.loaded, form).await?;
    Ok(render(StatusCode::OK, &page))
}
