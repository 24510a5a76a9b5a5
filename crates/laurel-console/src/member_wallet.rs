//! A member's wallet of stored value as staff read it: the member page's box (principal,
//! bonus, total, the last moves and the top-up form of `wallet_top_up.rs`) and the whole
//! statement a page at a time (`/admin/members/{id}/wallet`, on the engine's cursor).

use crate::Console;
use crate::i18n::Locale;
use crate::ledger_words::{Shown, StaffNames};
use crate::member_history::subject;
use crate::page::{paged, render};
use crate::wallet_top_up::TopUpForm;
use crate::wallet_words::{BalanceWords, MoveLine, RECENT_MOVES, STATEMENT_PAGE};
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use laurel_engine::{Engine, EngineError, WalletStatement};
use serde::Deserialize;

/// A move as staff read it: its words and who made it, named.
pub(crate) struct StaffMove {
    pub line: MoveLine,
    pub actor: Shown,
}

/// The member page's wallet box.
pub(crate) struct WalletBox {
    pub balance: BalanceWords,
    /// The newest moves.
    pub rows: Vec<StaffMove>,
    /// The top-up form: what was typed and its errors, or that a top-up was just made.
    pub form: TopUpForm,
    /// A fresh idempotency key: submitting the form twice tops up once.
    pub form_key: String,
    /// The least and most one top-up may be, in a sentence.
    pub limits: String,
}

/// A statement's moves as staff read them.
fn staff_moves(
    engine: &Engine,
    l: Locale,
    names: &StaffNames,
    statement: &WalletStatement,
) -> Vec<StaffMove> {
    let definition = engine.definition();
    let program = &definition.program;
    statement
        .moves
        .iter()
        .map(|m| StaffMove {
            line: MoveLine::of(l, program.currency, &program.time_zone, m),
            actor: names.actor(l, Some(&m.actor)),
        })
        .collect()
}

/// The member page's wallet box, or `None` when the program offers no wallet.
pub(crate) async fn read(
    engine: &Engine,
    l: Locale,
    names: &StaffNames,
    id: i64,
    form: TopUpForm,
) -> Result<Option<WalletBox>, EngineError> {
    let definition = engine.definition();
    let Some(terms) = crate::wallet_words::TermsWords::of(l, &definition) else {
        return Ok(None);
    };
    let statement = engine.wallet_statement(id, None, RECENT_MOVES).await?;
    Ok(Some(WalletBox {
        balance: BalanceWords::of(l, definition.program.currency, statement.balance),
        rows: staff_moves(engine, l, names, &statement),
        form,
        form_key: laurel_engine::random_token(),
        limits: terms.top_up,
    }))
}

#[derive(Template)]
#[template(path = "member_wallet_statement.html")]
struct StatementPage {
    chrome: Chrome,
    member: crate::member_history::Subject,
    balance: BalanceWords,
    rows: Vec<StaffMove>,
    first: Option<String>,
    next: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct StatementQuery {
    /// The last move of the page before.
    before: Option<i64>,
}

/// A member's whole wallet statement, newest first, a page at a time.
pub(crate) async fn statement(
    State(console): State<Console>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(query): Query<StatementQuery>,
) -> Result<Response, PageError> {
    let member = subject(&console, &staff, id).await?;
    let l = staff.locale;
    let fail = |e: EngineError| PageError::from_engine(e, l);
    let engine = &console.engine;
    let statement = engine
        .wallet_statement(id, query.before, STATEMENT_PAGE)
        .await
        .map_err(fail)?;
    let names = StaffNames::read(engine).await.map_err(fail)?;
    let path = format!("/admin/members/{id}/wallet");
    let page = StatementPage {
        chrome: Chrome::signed_in(&staff, "members", paged(&path, "", query.before)),
        balance: BalanceWords::of(l, engine.definition().program.currency, statement.balance),
        rows: staff_moves(engine, l, &names, &statement),
        first: query.before.is_some().then(|| path.clone()),
        next: statement.next.map(|c| paged(&path, "", Some(c))),
        member,
    };
    Ok(render(StatusCode::OK, &page))
}
