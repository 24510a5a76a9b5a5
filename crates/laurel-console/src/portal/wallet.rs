//! The member's wallet (`/portal/wallet`): what it holds — principal, bonus and both, with
//! the bonus spent last and never paid out — the program's top-up bonuses in words, and the
//! statement of top-ups, payments, refunds and cash-outs a page at a time. Read only: money is
//! paid in and spent at the till.

use super::home::Activity;
use super::web::{Chrome, Member, PortalError};
use crate::Console;
use crate::i18n::Locale;
use crate::page::{paged, render};
use crate::wallet_words::{BalanceWords, MoveLine, STATEMENT_PAGE, TermsWords};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use laurel_engine::ProgramDefinition;
use serde::Deserialize;

/// Where the wallet's page is.
const PATH: &str = "/portal/wallet";

#[derive(Template)]
#[template(path = "portal/wallet.html")]
struct WalletPage {
    chrome: Chrome,
    balance: BalanceWords,
    /// The principal and the bonus, in a sentence.
    parts: String,
    terms: TermsWords,
    /// The statement's moves, in the shape of the history's entries (`portal/activity.html`).
    entries: Vec<Activity>,
    first: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct WalletQuery {
    /// The last move of the page before.
    before: Option<i64>,
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

/// The wallet page; not found when the program offers no wallet.
pub(crate) async fn page(
    State(console): State<Console>,
    member: Member,
    Query(query): Query<WalletQuery>,
) -> Result<Response, PortalError> {
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
        .wallet_statement(member.id(), query.before, STATEMENT_PAGE)
        .await
        .map_err(member.fail())?;
    let balance = BalanceWords::of(l, definition.program.currency, statement.balance);
    let page = WalletPage {
        chrome: Chrome::signed_in(&member, "home", paged(PATH, "", query.before)),
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
        first: query.before.is_some().then(|| PATH.to_owned()),
        next: statement.next.map(|c| paged(PATH, "", Some(c))),
    };
    Ok(render(StatusCode::OK, &page))
}
