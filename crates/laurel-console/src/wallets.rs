//! The wallets overview (`/admin/wallets`, for those who read reports: admins, managers,
//! finance): the unused value owed to members — how many wallets hold any, their principal,
//! their bonus and both — and apart what gift cards still hold, in the program's currency;
//! the program's wallet terms in words (or that it offers no wallet); the gift card batches
//! issued, a page at a time; a box to look a card up; and for admins the form to issue a
//! batch (`gift_card_issue.rs`).

use crate::Console;
use crate::gift_card_issue::{ISSUE, IssueForm};
use crate::gift_card_lookup::LookupForm;
use crate::gift_card_words::BatchLine;
use crate::ledger_words::StaffNames;
use crate::page::{paged, render};
use crate::wallet_words::{BalanceWords, TermsWords};
use crate::web::{Chrome, PageError, Staff};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use laurel_core::Money;
use laurel_engine::{Permission, WalletBalance};
use serde::Deserialize;

/// Who may read the overview: what is owed to members is a figure for reports.
pub(crate) const WALLETS: Permission = Permission::ViewReports;
/// Where the overview is.
const PATH: &str = "/admin/wallets";
/// Batches one page lists.
const BATCHES_PAGE: u32 = 20;

/// What every member's wallet holds together.
struct Owed {
    /// Wallets holding anything.
    wallets: String,
    balance: BalanceWords,
}

/// What gift cards still hold: owed to whoever holds the cards, not to members yet.
struct CardsOwed {
    /// Cards holding anything.
    cards: String,
    value: String,
}

#[derive(Template)]
#[template(path = "wallets.html")]
pub(crate) struct WalletsPage {
    chrome: Chrome,
    /// The program's terms, or `None` when it offers no wallet.
    terms: Option<TermsWords>,
    owed: Owed,
    cards: CardsOwed,
    batches: Vec<BatchLine>,
    first: Option<String>,
    next: Option<String>,
    /// The issue form, for admins.
    issue: Option<IssueForm>,
    lookup: LookupForm,
}

#[derive(Deserialize)]
pub(crate) struct WalletsQuery {
    /// The last batch of the page before.
    before: Option<i64>,
}

/// The overview with the batches before `before`, and the issue form and the lookup box as
/// given (a form just refused, a card just found) or empty.
pub(crate) async fn wallets_page(
    console: &Console,
    staff: &Staff,
    before: Option<i64>,
    issue: Option<IssueForm>,
    lookup: Option<LookupForm>,
) -> Result<WalletsPage, PageError> {
    let l = staff.locale;
    let engine = &console.engine;
    let fail = |e| PageError::from_engine(e, l);
    let definition = engine.definition();
    let program = &definition.program;
    // Read even without a wallet in the program: one offered before may still owe value.
    let totals = engine.wallet_totals().await.map_err(fail)?;
    let page = engine
        .gift_card_batches(before, BATCHES_PAGE)
        .await
        .map_err(fail)?;
    let names = StaffNames::read(engine).await.map_err(fail)?;
    let may_issue = staff.session.user.role.may(ISSUE);
    Ok(WalletsPage {
        chrome: Chrome::signed_in(staff, "wallets", paged(PATH, "", before)),
        terms: TermsWords::of(l, &definition),
        owed: Owed {
            wallets: l.integer(totals.wallets),
            balance: BalanceWords::of(
                l,
                program.currency,
                WalletBalance {
                    principal: totals.principal,
                    bonus: totals.bonus,
                    held: totals.held,
                },
            ),
        },
        cards: CardsOwed {
            cards: l.integer(totals.cards),
            value: l.money(Money::from_minor(totals.card_value, program.currency)),
        },
        batches: page
            .batches
            .iter()
            .map(|b| BatchLine::of(l, program.currency, &program.time_zone, &names, b))
            .collect(),
        first: before.is_some().then(|| PATH.to_owned()),
        next: page.next.map(|c| paged(PATH, "", Some(c))),
        issue: may_issue.then(|| issue.unwrap_or_else(|| IssueForm::blank(l))),
        lookup: lookup.unwrap_or_else(|| LookupForm::blank(l)),
    })
}

/// The overview.
pub(crate) async fn page(
    State(console): State<Console>,
    staff: Staff,
    Query(query): Query<WalletsQuery>,
) -> Result<Response, PageError> {
    staff.require(WALLETS)?;
    let page = wallets_page(&console, &staff, query.before, None, None).await?;
    Ok(render(StatusCode::OK, &page))
}
